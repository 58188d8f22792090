//! Benchmarks of the counting-night hot paths named in issue 3:
//! * durable ballot entry at the desk (one BEGIN IMMEDIATE transaction per
//!   ballot, WAL, synchronous=FULL, real file), against a bare SQLite
//!   fsync-per-commit insert loop measured in the same run, interleaved;
//! * `count ballots` of 16,000 ballots (4,000 per file, four files);
//! * the voter-list PDF of 4,000 voters;
//! * all minutes of an area (three levels) as one PDF.
//!
//! Prints p50/p99 measured call by call besides criterion's means
//! (`cargo bench -p tobaucu-app --bench counting`).

use std::hint::black_box;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use rusqlite::Connection;
use tobaucu_app::{App, UnitChoice, DEMO_AREA, DEMO_ELECTION};
use tobaucu_ipc::{InventoryInput, TeamInput};

mod timing;
use timing::{full, report};

fn fixture(name: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn team(dir: &std::path::Path, voters: bool) -> App {
    let mut app = App::open(&dir.join("bench.sqlite")).unwrap_or_else(|e| panic!("{e}"));
    app.setup(DEMO_ELECTION, &UnitChoice::Area(DEMO_AREA.into())).unwrap_or_else(|e| panic!("{e}"));
    if voters {
        let bytes = fixture("mau31-4000.xlsx");
        app.import_voters("mau31-4000.xlsx", &bytes, &[], false, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
    }
    app
}

/// A deterministic ballots file of `n` lines for `cands` candidates and `seats`.
fn ballots_file(n: usize, seats: u64, cands: u64, seed: u64) -> String {
    let mut s = seed;
    let mut next = |m: u64| {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (s >> 33) % m
    };
    let mut out = String::with_capacity(n * 8);
    for _ in 0..n {
        match next(40) {
            0 => out.push_str("INVALID khong_co_dau"),
            1 => out.push('-'),
            _ => {
                let k = 1 + next(seats);
                let mut picked = Vec::new();
                while (picked.len() as u64) < k {
                    let p = 1 + next(cands);
                    if !picked.contains(&p) {
                        picked.push(p);
                    }
                }
                out.push_str(&picked.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(" "));
            }
        }
        out.push('\n');
    }
    out
}

fn ballot_entry(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut app = team(dir.path(), false);
    let bare = Connection::open(dir.path().join("bare.sqlite")).unwrap_or_else(|e| panic!("{e}"));
    bare.pragma_update(None, "journal_mode", "WAL").unwrap_or_else(|e| panic!("{e}"));
    bare.pragma_update(None, "synchronous", "FULL").unwrap_or_else(|e| panic!("{e}"));
    bare.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, level TEXT NOT NULL, seq INTEGER NOT NULL, kept TEXT, UNIQUE (level, seq))").unwrap_or_else(|e| panic!("{e}"));
    let lines = ["1 3 5", "2 4", "-", "1 2 3 4 5", "7", "INVALID khong_co_dau", "6 8"];
    let n = if full() { 2000 } else { 20 };
    let (mut entry, mut plain) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let t = Instant::now();
        bare.execute("INSERT INTO t (level, seq, kept) VALUES ('XA', ?1, ?2)", rusqlite::params![i as i64 + 1, lines[i % lines.len()]]).unwrap_or_else(|e| panic!("{e}"));
        plain.push(t.elapsed());
        let t = Instant::now();
        black_box(app.enter_ballot("XA", None, lines[i % lines.len()]).unwrap_or_else(|e| panic!("{e}")));
        entry.push(t.elapsed());
    }
    let (b50, b99) = report("bare SQLite insert, fsync per commit", &plain);
    let (e50, e99) = report("ballot entry (durable, WAL FULL)", &entry);
    eprintln!("{:<44} p50 {:>9.2}×   p99 {:>9.2}×", "ballot entry / bare insert", e50.as_secs_f64() / b50.as_secs_f64(), e99.as_secs_f64() / b99.as_secs_f64());
    let mut g = c.benchmark_group("ballot");
    g.sample_size(20);
    let mut i = 0usize;
    g.bench_function("enter_ballot_durable", |b| {
        b.iter(|| {
            i += 1;
            black_box(app.enter_ballot("XA", None, lines[i % lines.len()]).unwrap_or_else(|e| panic!("{e}")))
        })
    });
    g.finish();
}

fn count_file(c: &mut Criterion) {
    let per = if full() { 4000 } else { 200 };
    let files = [("QH", ballots_file(per, 3, 5, 1)), ("TINH", ballots_file(per, 3, 5, 2)), ("XA", ballots_file(per, 5, 8, 3)), ("XA", ballots_file(per, 5, 8, 4))];
    let mut samples = Vec::new();
    for _ in 0..if full() { 5 } else { 1 } {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut app = team(dir.path(), false);
        let t = Instant::now();
        for (level, text) in &files {
            app.count_ballots_file(level, "bench.txt", text.as_bytes(), "").unwrap_or_else(|e| panic!("{e}"));
        }
        samples.push(t.elapsed());
    }
    report(&format!("count ballots, {} ballots in 4 files", per * 4), &samples);
    let mut g = c.benchmark_group("count_ballots");
    g.sample_size(10);
    g.bench_function("count_ballots_16000", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
                let app = team(dir.path(), false);
                (dir, app)
            },
            |(dir, mut app)| {
                for (level, text) in &files {
                    app.count_ballots_file(level, "bench.txt", text.as_bytes(), "").unwrap_or_else(|e| panic!("{e}"));
                }
                (dir, app)
            },
            criterion::BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn pdfs(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut app = team(dir.path(), true);
    // A counted area: roster, kiểm kê and ballots for every level.
    app.set_team(&TeamInput {
        leader: Some("Nguyễn Văn Tổ".into()),
        secretary: Some("Lê Thị Ký".into()),
        members: Some(vec!["Trần Văn Một".into(), "Phạm Thị Hai".into()]),
        witnesses: Some(vec!["Hoàng Văn Chứng".into(), "Đỗ Thị Kiến".into()]),
    })
    .unwrap_or_else(|e| panic!("{e}"));
    for (level, seats, cands) in [("QH", 3, 5), ("TINH", 3, 5), ("XA", 5, 8)] {
        app.record_inventory(&InventoryInput { level: level.into(), received: 4000, unused: 100, spoiled: 3, issued: None }).unwrap_or_else(|e| panic!("{e}"));
        app.count_ballots_file(level, "b.txt", ballots_file(300, seats, cands, 9).as_bytes(), "").unwrap_or_else(|e| panic!("{e}"));
    }
    let rounds = if full() { 10 } else { 1 };
    let mut list = Vec::new();
    let mut size = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        let r = app.render_form("voter-list", None, None).unwrap_or_else(|e| panic!("{e}"));
        list.push(t.elapsed());
        size = r.bytes.len();
    }
    report("voter-list PDF, 4,000 voters", &list);
    eprintln!("{:<44} {} bytes", "  size", size);
    let mut minutes = Vec::new();
    for _ in 0..rounds * 3 {
        let t = Instant::now();
        let r = app.render_form("minutes", None, None).unwrap_or_else(|e| panic!("{e}"));
        minutes.push(t.elapsed());
        size = r.bytes.len();
    }
    report("minutes of every level (3), one PDF", &minutes);
    eprintln!("{:<44} {} bytes", "  size", size);
    let mut g = c.benchmark_group("pdf");
    g.sample_size(10);
    g.bench_function("voter_list_4000", |b| b.iter(|| black_box(app.render_form("voter-list", None, None).unwrap_or_else(|e| panic!("{e}")))));
    g.bench_function("minutes_all_levels", |b| b.iter(|| black_box(app.render_form("minutes", None, None).unwrap_or_else(|e| panic!("{e}")))));
    g.finish();
}

criterion_group!(benches, ballot_entry, count_file, pdfs);
criterion_main!(benches);
