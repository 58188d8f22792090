//! Several check-in desks (issue 14), three sync services on loopback in
//! this process, each on its own data file (4,000 voters, `mau31-4000.xlsx`):
//! * propagation of one check-in made at desk 2 until the main laptop and
//!   desk 3 have both committed it (p50/p99);
//! * after a partition (services stopped), 1,000 check-ins at each of the
//!   three desks; time from restarting the services until every file holds
//!   all 3,000;
//! * a check-in at a desk while its service syncs, against a bare durable
//!   SQLite commit (WAL, synchronous=FULL, one row per transaction) in the
//!   same directory, interleaved; back to back, then one every 20 ms.
//!
//! `cargo bench -p tobaucu-app --bench desks`; under `cargo test` it runs
//! once on a few voters (a smoke test, no numbers judged).

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use tobaucu_app::desk::service::{Note, Options, Service};
use tobaucu_app::{App, UnitChoice, DEMO_AREA, DEMO_ELECTION};

mod timing;
use timing::{full, report};

fn fixture(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    l.local_addr().map(|a| a.port()).unwrap_or_else(|e| panic!("{e}"))
}

/// The three data files: the main laptop and desks 2 and 3 from packages.
fn prepare(dir: &Path) -> [PathBuf; 3] {
    let main = dir.join("chinh.sqlite");
    let mut m = App::open(&main).unwrap_or_else(|e| panic!("{e}"));
    m.setup(DEMO_ELECTION, &UnitChoice::Area(DEMO_AREA.into())).unwrap_or_else(|e| panic!("{e}"));
    let bytes = fixture("mau31-4000.xlsx");
    m.import_voters("mau31-4000.xlsx", &bytes, &[], false, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
    let mut out = vec![main];
    for n in [2, 3] {
        let pkg = m.desk_package(dir, &format!("Bàn {n}")).unwrap_or_else(|e| panic!("{e}")).path.unwrap_or_default();
        let db = dir.join(format!("ban{n}.sqlite"));
        App::open(&db).unwrap_or_else(|e| panic!("{e}")).desk_join_file(Path::new(&pkg)).unwrap_or_else(|e| panic!("{e}"));
        out.push(db);
    }
    [out[0].clone(), out[1].clone(), out[2].clone()]
}

/// Starts the three services; each one's merges reach `tx` as (desk index, count).
fn start(dbs: &[PathBuf; 3], ports: [u16; 3], tx: &mpsc::Sender<(usize, usize)>) -> Vec<Service> {
    (0..3)
        .map(|i| {
            let peers: Vec<String> = (0..3).filter(|j| *j != i).map(|j| format!("127.0.0.1:{}", ports[j])).collect();
            let tx = tx.clone();
            let notes = Box::new(move |n: Note| {
                if let Note::Merged { added, .. } = n {
                    let _ = tx.send((i, added));
                }
            });
            Service::start(&dbs[i], Options { listen: Some(format!("127.0.0.1:{}", ports[i])), peers: Some(peers.join(",")) }, notes).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect()
}

fn live_voters(db: &Path) -> i64 {
    let c = Connection::open(db).unwrap_or_else(|e| panic!("{e}"));
    c.query_row("SELECT count(DISTINCT voter_id) FROM checkin WHERE undone_at IS NULL", [], |r| r.get(0)).unwrap_or(-1)
}

fn live_stts(db: &Path) -> Vec<i64> {
    let c = Connection::open(db).unwrap_or_else(|e| panic!("{e}"));
    let mut st = c.prepare("SELECT DISTINCT v.stt FROM checkin c JOIN voter v ON v.id = c.voter_id WHERE c.undone_at IS NULL").unwrap_or_else(|e| panic!("{e}"));
    let rows = st.query_map([], |r| r.get(0)).unwrap_or_else(|e| panic!("{e}"));
    rows.map(|r| r.unwrap_or(-1)).collect()
}

/// Checks in voters `from..` at `app` until `n` succeeded; returns the last STT used.
fn check_in(app: &mut App, from: u32, n: usize) -> u32 {
    let (mut stt, mut done) = (from, 0);
    while done < n {
        if app.checkin(stt, None, false).is_ok() {
            done += 1;
        }
        stt += 1;
    }
    stt
}

fn main() {
    let full = full();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dbs = prepare(dir.path());
    let ports = [free_port(), free_port(), free_port()];
    let (tx, rx) = mpsc::channel();
    let services = start(&dbs, ports, &tx);
    let mut d2 = App::open(&dbs[1]).unwrap_or_else(|e| panic!("{e}"));
    // Every desk connected before measuring.
    std::thread::sleep(Duration::from_millis(if full { 1500 } else { 500 }));

    // 1. Propagation of one check-in to the two other desks.
    let rounds = if full { 300 } else { 5 };
    let mut stt = 1;
    let mut samples = Vec::new();
    for _ in 0..rounds {
        while rx.try_recv().is_ok() {}
        let (mut main_got, mut d3_got) = (false, false);
        let next = check_in(&mut d2, stt, 1);
        stt = next;
        let t0 = Instant::now();
        while !(main_got && d3_got) {
            match rx.recv_timeout(Duration::from_secs(10)) {
                Ok((0, a)) if a > 0 => main_got = true,
                Ok((2, a)) if a > 0 => d3_got = true,
                Ok(_) => {}
                Err(_) => panic!("a check-in did not reach the other desks in 10 s"),
            }
        }
        samples.push(t0.elapsed());
        std::thread::sleep(Duration::from_millis(if full { 20 } else { 1 }));
    }
    report("propagation of one check-in to both other desks", &samples);

    // 3. A check-in while syncing, against a bare durable commit.
    let bare = Connection::open(dir.path().join("bare.sqlite")).unwrap_or_else(|e| panic!("{e}"));
    bare.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);").unwrap_or_else(|e| panic!("{e}"));
    // And a team of one laptop (no desks) for comparison.
    let alone_dir = dir.path().join("mot-may");
    std::fs::create_dir_all(&alone_dir).unwrap_or_else(|e| panic!("{e}"));
    let mut alone = App::open(&alone_dir.join("to.sqlite")).unwrap_or_else(|e| panic!("{e}"));
    alone.setup(DEMO_ELECTION, &UnitChoice::Area(DEMO_AREA.into())).unwrap_or_else(|e| panic!("{e}"));
    alone.import_voters("mau31-4000.xlsx", &fixture("mau31-4000.xlsx"), &[], false, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
    let n = if full { 300 } else { 5 };
    let r = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    let mut alone_stt = 1;
    let mut bare_i = 0;
    // Twice: back to back (the next check-in starts while the other two
    // desks, on the same two cores here, still merge the previous one), and
    // one every 20 ms, as at a real queue (a voter every few seconds; the
    // other desks are other laptops).
    for (label, gap) in [("back to back", Duration::ZERO), ("one every 20 ms", Duration::from_millis(20))] {
        let (mut desk, mut plain, mut one) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..n {
            // The pause before each of the three, so none alone pays for
            // waking up after it.
            std::thread::sleep(gap);
            let t = Instant::now();
            stt = check_in(&mut d2, stt, 1);
            desk.push(t.elapsed());
            std::thread::sleep(gap);
            let t = Instant::now();
            bare.execute("INSERT INTO t (v) VALUES (?1)", [format!("cử tri {bare_i}")]).unwrap_or_else(|e| panic!("{e}"));
            plain.push(t.elapsed());
            bare_i += 1;
            std::thread::sleep(gap);
            let t = Instant::now();
            alone_stt = check_in(&mut alone, alone_stt, 1);
            one.push(t.elapsed());
        }
        eprintln!("-- {label}");
        let (dp50, dp99) = report("check-in at a desk while syncing", &desk);
        let (op50, op99) = report("check-in on a laptop alone (no desks)", &one);
        let (bp50, bp99) = report("bare durable SQLite commit", &plain);
        eprintln!("{:<52} p50 {:>9.2}×   p99 {:>9.2}×", "desk check-in / bare commit", r(dp50, bp50), r(dp99, bp99));
        eprintln!("{:<52} p50 {:>9.2}×   p99 {:>9.2}×", "one-laptop check-in / bare commit", r(op50, bp50), r(op99, bp99));
    }

    // 2. A partition: services stopped, 1,000 check-ins at each desk.
    for s in services {
        s.stop();
    }
    let per = if full { 1000 } else { 10 };
    let mut apps: Vec<App> = dbs.iter().map(|d| App::open(d).unwrap_or_else(|e| panic!("{e}"))).collect();
    let mut next = stt;
    for a in apps.iter_mut() {
        next = check_in(a, next, per);
    }
    // The union of what the three files hold.
    let expected = i64::try_from(dbs.iter().flat_map(|d| live_stts(d)).collect::<std::collections::BTreeSet<i64>>().len()).unwrap_or(0);
    let t0 = Instant::now();
    let services = start(&dbs, ports, &tx);
    loop {
        let got: Vec<i64> = dbs.iter().map(|d| live_voters(d)).collect();
        if got.iter().all(|g| *g == expected) {
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(120), "no convergence: {got:?}, want {expected}");
        std::thread::sleep(Duration::from_millis(5));
    }
    eprintln!("{:<52} {:>10.3?}   ({} check-ins, 3 desks)", "convergence after a partition", t0.elapsed(), 3 * per);
    for s in services {
        s.stop();
    }
}
