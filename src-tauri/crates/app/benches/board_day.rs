//! Benchmark of the board's day (issue 15) on a 10,000-area province
//! board: each results export alone (.xlsx, .csv, NIST JSON; limit 2 s
//! each, gathering the figures included), the board's status screen, and
//! the room screen's refresh (limit 100 ms of work per cycle): when nothing
//! changed, and after an import changed one area; then each export again
//! after one area changed. An export's first run reads and checks
//! everything; later ones reuse what the board remembers while nothing was
//! written (`App::checked`).
//!
//! The board holds every area's three minutes documents (the synthetic
//! generator of `benches/common`), written into the database as an import
//! stores them.
//!
//! `cargo bench -p tobaucu-app --bench board_day` (`TOBAUCU_BENCH_N` for
//! another size; in test mode 300 areas).

#[path = "common/mod.rs"]
mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use rusqlite::params;
use serde_json::Value;
use tobaucu_app::{App, UnitChoice, UnitKind};

fn full() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// A province board with `n` areas reported, stored as the import stores
/// them (real bundles in the bundle store, their import in the log).
fn prepare(dir: &Path, n: usize) -> std::path::PathBuf {
    let db = dir.join("board.sqlite");
    let text = common::definition(n);
    let def: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let sha = common::sha(&text);
    {
        let mut app = App::open(&db).unwrap_or_else(|e| panic!("{e}"));
        app.setup(&text, &UnitChoice::Board(UnitKind::Province, "P".into())).unwrap_or_else(|e| panic!("{e}"));
    }
    let docs: Vec<_> = (0..n).map(|i| common::area_minutes(&def, &sha, i)).collect();
    let mut store = tobaucu_store::Store::open(&db).unwrap_or_else(|e| panic!("{e}"));
    common::store_board(&mut store, &def, &sha, &docs).unwrap_or_else(|e| panic!("{e}"));
    db
}

/// (first run, best, median) of `runs` runs.
fn best(mut f: impl FnMut() -> Duration, runs: usize) -> (Duration, Duration, Duration) {
    let mut v: Vec<Duration> = (0..runs).map(|_| f()).collect();
    let first = v[0];
    v.sort();
    (first, v[0], v[v.len() / 2])
}

fn bench(c: &mut Criterion) {
    let n = std::env::var("TOBAUCU_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(if full() { 10_000 } else { 300 });
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let t = Instant::now();
    let db = prepare(dir.path(), n);
    eprintln!("prepared a board of {n} areas in {:?}", t.elapsed());
    let mut app = App::open(&db).unwrap_or_else(|e| panic!("{e}"));
    let runs = if full() { 5 } else { 1 };
    let limit = Duration::from_secs(2);
    for (name, which) in [("xlsx", 0), ("csv", 1), ("nist", 2)] {
        let out = dir.path().join(format!("r.{name}"));
        let (first, min, p50) = best(
            || {
                let t = Instant::now();
                let files = match which {
                    0 => app.export_results(Some(&out), None, None),
                    1 => app.export_results(None, Some(&out), None),
                    _ => app.export_results(None, None, Some(&out)),
                }
                .unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(files.len(), 1);
                t.elapsed()
            },
            runs,
        );
        let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        eprintln!(
            "export {name} of {n} areas: p50 {p50:?} (best {min:?}; first, nothing read before: {first:?}), {size} bytes{}",
            if full() && (p50 > limit || first > limit) { " — OVER THE 2 s LIMIT" } else { "" }
        );
    }
    let (_, min, p50) = best(
        || {
            let t = Instant::now();
            let s = app.board_status().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(s.areas.len(), n);
            t.elapsed()
        },
        runs,
    );
    eprintln!("board status of {n} areas: p50 {p50:?} (best {min:?})");
    let q = tobaucu_ipc::RoomQuery { constituency_page: 0, constituencies_per_page: 6, area_page: 0, areas_per_page: 300, waiting_only: false };
    let t = Instant::now();
    let r = app.room_view(&q).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.areas_imported as usize, n);
    eprintln!("room screen, first view (every area read once): {:?}", t.elapsed());
    let mut g = c.benchmark_group("board_day");
    g.sample_size(if full() { 50 } else { 10 });
    g.measurement_time(Duration::from_secs(if full() { 5 } else { 1 }));
    let mut page = 0u32;
    g.bench_function(format!("room refresh, nothing changed, {n} areas"), |b| {
        b.iter(|| {
            page += 1;
            app.room_view(&tobaucu_ipc::RoomQuery { constituency_page: page, area_page: page, ..q.clone() }).unwrap_or_else(|e| panic!("{e}"))
        })
    });
    g.finish();
    // An import changes one area (another connection, as the CLI would):
    // the next refresh reads that area again and redoes the sums.
    let other = rusqlite::Connection::open(&db).unwrap_or_else(|e| panic!("{e}"));
    let mut k = 0usize;
    let (_, min, p50) = best(
        || {
            k += 1;
            let unit = format!("A{}", k % n);
            other.execute("UPDATE bundle SET imported_at = ?1 WHERE unit_id = ?2", params![format!("2026-03-16T00:00:{:02}+07:00", k % 60), unit]).unwrap_or_else(|e| panic!("{e}"));
            other.execute("UPDATE area_result SET bundle_id = bundle_id WHERE area_id = ?1", params![unit]).unwrap_or_else(|e| panic!("{e}"));
            let t = Instant::now();
            app.room_view(&q).unwrap_or_else(|e| panic!("{e}"));
            t.elapsed()
        },
        if full() { 20 } else { 2 },
    );
    eprintln!("room refresh after a change, {n} areas: p50 {p50:?} (best {min:?}){}", if full() && p50 > Duration::from_millis(100) { " — OVER THE 100 ms LIMIT" } else { "" });
    let t = Instant::now();
    app.room_view(&q).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("room refresh, nothing changed, {n} areas: {:?}", t.elapsed());
    // Each export again after an import changed one area: what was read
    // and checked before is not read again, the rest is.
    for (name, which) in [("xlsx", 0), ("csv", 1), ("nist", 2)] {
        k += 1;
        let unit = format!("A{}", k % n);
        other.execute("UPDATE area_result SET bundle_id = bundle_id WHERE area_id = ?1", params![unit]).unwrap_or_else(|e| panic!("{e}"));
        let out = dir.path().join(format!("r2.{name}"));
        let t = Instant::now();
        match which {
            0 => app.export_results(Some(&out), None, None),
            1 => app.export_results(None, Some(&out), None),
            _ => app.export_results(None, None, Some(&out)),
        }
        .unwrap_or_else(|e| panic!("{e}"));
        let e = t.elapsed();
        eprintln!("export {name} of {n} areas after a change: {e:?}{}", if full() && e > limit { " — OVER THE 2 s LIMIT" } else { "" });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
