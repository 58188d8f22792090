//! Crash harness (issue 5 §1): a child process checks voters in and enters
//! ballots at the counting desk through the application layer, printing an
//! acknowledgement only after each action's commit returned; the parent
//! kills it with SIGKILL at a random moment, reopens the database and checks
//! that every acknowledged action is there, that nothing half-done is
//! visible (a check-in covers all of a voter's levels or none; ballot
//! numbers run 1…n without holes), that the audit chain holds and that
//! `PRAGMA integrity_check` is ok.
//!
//! `cargo test --test integration crash` runs 200 kills (bounded);
//! `TOBAUCU_CRASH_KILLS=5000 cargo test --release --test integration crash
//! -- --nocapture` is the long run (README, "Độ tin cậy").
//!
//! The child is this test binary started again with `TOBAUCU_CRASH_DB` set,
//! running only [`crash_child`].

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tobaucu_app::{App, ErrorCode};

const LEVELS: [&str; 3] = ["QH", "TINH", "XA"];

struct Rng(u64);
impl Rng {
    fn next(&mut self, m: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % m.max(1)
    }
}

/// The child's work: runs only when started by [`sigkill_at_random_moments_loses_no_acknowledged_action`].
#[test]
fn crash_child() {
    let Some(db) = std::env::var_os("TOBAUCU_CRASH_DB") else { return };
    let seed: u64 = std::env::var("TOBAUCU_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut next_stt: u32 = std::env::var("TOBAUCU_CRASH_STT").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut rng = Rng(seed | 1);
    let mut app = App::open(Path::new(&db)).unwrap_or_else(|e| panic!("open: {e}"));
    let mut out = std::io::stdout().lock();
    // A check-in desk (issue 14) only checks voters in.
    let desk = std::env::var_os("TOBAUCU_CRASH_DESK").is_some();
    loop {
        if (desk || rng.next(2) == 0) && next_stt <= 620 {
            let stt = next_stt;
            next_stt += 1;
            match app.checkin(stt, None, false) {
                Ok(_) => {
                    let _ = writeln!(out, "ACK checkin {stt}");
                }
                // Committed by a child that was killed before it could
                // acknowledge; not an acknowledged action, nothing to say.
                Err(e) if e.code() == ErrorCode::AlreadyCheckedIn || e.code() == ErrorCode::NotVotingHere => {}
                Err(e) => panic!("checkin {stt}: {} {e}", e.code()),
            }
        } else {
            let level = LEVELS[rng.next(3) as usize];
            let line = match rng.next(4) {
                0 => "-".to_owned(),
                1 => "1".to_owned(),
                2 => "1 2".to_owned(),
                _ => "2 3".to_owned(),
            };
            if desk {
                // Every voter checked in: the desk has nothing more to do.
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
            match app.enter_ballot(level, None, &line) {
                Ok(r) => {
                    let _ = writeln!(out, "ACK ballot {level} {}", r.ballot.seq);
                }
                Err(e) => panic!("ballot {level}: {} {e}", e.code()),
            }
        }
        let _ = out.flush();
    }
}

#[derive(Default)]
struct Acked {
    checkins: BTreeSet<u32>,
    ballots: BTreeMap<String, BTreeSet<u32>>,
}

#[test]
fn sigkill_at_random_moments_loses_no_acknowledged_action() {
    if crate::util::skip_under_wine("SIGKILL of in-process Linux children: exercises the library in the Linux test binary, not tobaucu.exe") {
        return;
    }
    if std::env::var_os("TOBAUCU_CRASH_DB").is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("to.sqlite");
    {
        let mut app = App::open(&db).unwrap();
        app.setup_demo().unwrap();
    }
    let kills: u32 = std::env::var("TOBAUCU_CRASH_KILLS").ok().and_then(|s| s.parse().ok()).unwrap_or(200);
    harness(&db, kills, false);
}

/// A check-in desk of several (issue 14: "the crash harness covers a
/// desk"): every acknowledged check-in survives a SIGKILL with its desk
/// event, the desk's hash chain holds, and the main laptop merges the
/// desk's export and sees every acknowledged check-in.
#[test]
fn sigkill_on_a_check_in_desk_loses_no_acknowledged_check_in_or_event() {
    if crate::util::skip_under_wine("SIGKILL of in-process Linux children: exercises the library in the Linux test binary, not tobaucu.exe") {
        return;
    }
    if std::env::var_os("TOBAUCU_CRASH_DB").is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("chinh.sqlite");
    let desk = dir.path().join("ban2.sqlite");
    let mut m = App::open(&main).unwrap();
    m.setup_demo().unwrap();
    let package = m.desk_package(dir.path(), "Bàn 2").unwrap().path.unwrap();
    App::open(&desk).unwrap().desk_join_file(Path::new(&package)).unwrap();
    let kills: u32 = std::env::var("TOBAUCU_CRASH_KILLS").ok().and_then(|s| s.parse::<u32>().ok()).map_or(40, |k| k.min(200));
    let acked = harness(&desk, kills, true);
    let mut d = App::open(&desk).unwrap();
    let export = d.desk_export(dir.path()).unwrap();
    let merged = m.desk_merge_files(&[export.files[0].clone().into()]).unwrap();
    assert!(merged.added as usize >= acked.checkins.len(), "{merged:?}");
    check_checkins(&main, &acked, kills);
}

/// Kills a child working on `db` `kills` times; returns what it acknowledged.
fn harness(db: &Path, kills: u32, desk: bool) -> Acked {
    let budget = Duration::from_secs(std::env::var("TOBAUCU_CRASH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(600));
    let exe = std::env::current_exe().unwrap();
    let mut acked = Acked::default();
    let mut rng = Rng(0x005E_ED0F_C4A5);
    let started = Instant::now();
    let mut done = 0u32;
    let mut actions_acked = 0usize;
    let mut killed_mid_work = 0u32;
    // A desk's child checks voters in only: once it is near the end of the
    // list (620 voters) there is nothing left to interrupt.
    while done < kills && !(desk && acked.checkins.iter().next_back().is_some_and(|s| *s >= 600)) {
        assert!(started.elapsed() < budget, "crash harness over its time budget after {done} kills");
        let next_stt = acked.checkins.iter().next_back().map_or(1, |s| s + 1);
        let mut cmd = Command::new(&exe);
        if desk {
            cmd.env("TOBAUCU_CRASH_DESK", "1");
        }
        let mut child = cmd
            .args(["crash::crash_child", "--exact", "--nocapture", "--test-threads=1"])
            .env("TOBAUCU_CRASH_DB", db)
            .env("TOBAUCU_CRASH_SEED", (rng.next(u64::MAX - 1) + 1).to_string())
            .env("TOBAUCU_CRASH_STT", next_stt.to_string())
            .env_remove("TOBAUCU_NOW")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn child: {e}"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for l in BufReader::new(stdout).lines().map_while(Result::ok).filter(|l| l.starts_with("ACK ")) {
                let _ = tx.send(l);
            }
        });
        let mut lines = Vec::new();
        if rng.next(8) == 0 {
            // Some kills land while the database is being opened…
            std::thread::sleep(Duration::from_millis(rng.next(15)));
        } else {
            // …most in the middle of work, whatever the machine's load.
            if let Ok(l) = rx.recv_timeout(Duration::from_secs(20)) {
                lines.push(l);
            }
            std::thread::sleep(Duration::from_millis(rng.next(60)));
        }
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait().unwrap_or_else(|e| panic!("wait: {e}"));
        let _ = reader.join();
        lines.extend(rx.try_iter());
        assert!(!status.success(), "the child ended by itself: {status}");
        if !lines.is_empty() {
            killed_mid_work += 1;
        }
        for l in &lines {
            let parts: Vec<&str> = l.split_whitespace().collect();
            match parts.as_slice() {
                ["ACK", "checkin", stt] => {
                    acked.checkins.insert(stt.parse().unwrap_or(0));
                }
                ["ACK", "ballot", level, seq] => {
                    acked.ballots.entry((*level).to_owned()).or_default().insert(seq.parse().unwrap_or(0));
                }
                _ => panic!("unexpected line {l}"),
            }
        }
        actions_acked += lines.len();
        check(db, &acked, done);
        done += 1;
    }
    eprintln!(
        "crash harness: {done} SIGKILLs ({killed_mid_work} in the middle of acknowledged work), {actions_acked} acknowledged actions, 0 lost, integrity ok, audit chain ok — {:?}",
        started.elapsed()
    );
    assert!(killed_mid_work * 2 > done, "most kills should land during work ({killed_mid_work}/{done})");
    acked
}

/// Integrity, and every acknowledged check-in present on every level of
/// its voter (none half-done).
fn check_checkins(db: &Path, acked: &Acked, kill: u32) {
    let conn = rusqlite::Connection::open(db).unwrap_or_else(|e| panic!("reopen after kill {kill}: {e}"));
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok", "after kill {kill}");
    // Check-ins: every acknowledged one present, on every level of the voter.
    let mut st = conn
        .prepare(
            "SELECT v.stt,
                    (SELECT group_concat(level) FROM voter_level l WHERE l.voter_id = v.id),
                    (SELECT group_concat(level) FROM checkin c WHERE c.voter_id = v.id AND c.undone_at IS NULL)
             FROM voter v",
        )
        .unwrap();
    let rows: Vec<(u32, Option<String>, Option<String>)> = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(|r| r.unwrap()).collect();
    drop(st);
    for (stt, levels, got) in &rows {
        let got: BTreeSet<&str> = got.as_deref().unwrap_or("").split(',').filter(|s| !s.is_empty()).collect();
        if acked.checkins.contains(stt) {
            assert!(!got.is_empty(), "kill {kill}: acknowledged check-in of voter {stt} lost");
        }
        if !got.is_empty() {
            let want: BTreeSet<&str> = levels.as_deref().unwrap_or("").split(',').filter(|s| !s.is_empty()).collect();
            assert_eq!(got, want, "kill {kill}: voter {stt} checked in on some levels only (half-done)");
        }
    }
}

fn check(db: &Path, acked: &Acked, kill: u32) {
    check_checkins(db, acked, kill);
    let conn = rusqlite::Connection::open(db).unwrap_or_else(|e| panic!("reopen after kill {kill}: {e}"));
    // Ballots: numbers 1…n without holes, every acknowledged one present.
    for level in LEVELS {
        let mut st = conn.prepare("SELECT seq FROM ballot WHERE level = ?1 ORDER BY seq").unwrap();
        let seqs: Vec<u32> = st.query_map([level], |r| r.get(0)).unwrap().map(|r| r.unwrap_or(0)).collect();
        drop(st);
        assert!(seqs.iter().enumerate().all(|(i, s)| *s as usize == i + 1), "kill {kill}: ballot numbers of {level} have holes: {seqs:?}");
        for s in acked.ballots.get(level).into_iter().flatten() {
            assert!(seqs.contains(s), "kill {kill}: acknowledged ballot {level} #{s} lost");
        }
    }
    drop(conn);
    let app = App::open(db).unwrap_or_else(|e| panic!("app reopen after kill {kill}: {e}"));
    let audit = app.audit_verify().unwrap();
    assert!(audit.ok, "kill {kill}: {}", audit.message);
}
