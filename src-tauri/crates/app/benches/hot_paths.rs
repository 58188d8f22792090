//! Benchmarks of the hot paths named in issue 2:
//! * search over 4,000 and 100,000 voters, against a `LIKE '%…%'` scan of the
//!   same SQLite table;
//! * import of a 4,000-row Mẫu 31 .xlsx (LibreOffice-made fixture);
//! * check-in as a durable commit (WAL, synchronous=FULL, on a real file).
//!
//! Besides criterion's means, the binary prints p50/p99 per path, measured
//! call by call (`cargo bench -p tobaucu-app`).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use tobaucu_app::{App, UnitChoice, DEMO_AREA, DEMO_ELECTION};

const QUERIES: &[&str] = &["nguyen van", "ng v an", "tran thi h", "le", "dang ngoc", "hoang quang viet", "bui", "pham thi thu", "vu", "do kim", "1234", "038190004321", "duong", "mai huu lam", "thi"];

fn fixture(name: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn team(dir: &std::path::Path) -> App {
    let mut app = App::open(&dir.join("bench.sqlite")).unwrap_or_else(|e| panic!("{e}"));
    app.setup(DEMO_ELECTION, &UnitChoice::Area(DEMO_AREA.into())).unwrap_or_else(|e| panic!("{e}"));
    app
}

/// A synthetic CSV list of `n` voters with common Vietnamese names.
fn synthetic_csv(n: usize) -> String {
    let fam = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trịnh", "Mai", "Đào"];
    let mid = ["Văn", "Thị", "Đình", "Hữu", "Ngọc", "Thu", "Xuân", "Kim", "Quang", "Minh"];
    let given =
        ["An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hải", "Hùng", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Nam", "Phong", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Việt", "Yến", "Lâm"];
    let mut s = String::from("stt,ho_ten,ngay_sinh,gioi_tinh,dan_toc,can_cuoc,noi_cu_tru,levels,ghi_chu\n");
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for i in 1..=n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let (a, b, c) = ((x % 16) as usize, ((x >> 8) % 10) as usize, ((x >> 16) % 24) as usize);
        s.push_str(&format!("{i},{} {} {},01/01/{},Nam,Kinh,{:012},Thôn 1,QH TINH XA,\n", fam[a], mid[b], given[c], 1940 + (x >> 24) % 60, 38_000_000_000 + i as u64));
    }
    s
}

fn percentile(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort_unstable();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn report(name: &str, samples: Vec<Duration>) {
    let p50 = percentile(samples.clone(), 0.50);
    let p99 = percentile(samples, 0.99);
    eprintln!("{name:<40} p50 {:>10.3?}   p99 {:>10.3?}", p50, p99);
}

/// Times every query `rounds` times, one call at a time.
fn sample(mut f: impl FnMut(&str), rounds: usize) -> Vec<Duration> {
    let mut out = Vec::with_capacity(rounds * QUERIES.len());
    for _ in 0..rounds {
        for q in QUERIES {
            let t = Instant::now();
            f(q);
            out.push(t.elapsed());
        }
    }
    out
}

fn like_scan(app: &App, q: &str) -> Vec<i64> {
    let mut stmt = app.store().raw().prepare_cached("SELECT stt FROM voter WHERE name LIKE '%' || ?1 || '%' ORDER BY stt").unwrap_or_else(|e| panic!("{e}"));
    stmt.query_map([q], |r| r.get(0)).unwrap_or_else(|e| panic!("{e}")).filter_map(Result::ok).collect()
}

/// `cargo bench` passes `--bench`; `cargo test --all-targets` runs each
/// benchmark once in test mode, where the sizes and samples stay small.
fn full() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn search_benches(c: &mut Criterion) {
    let sizes: &[(&str, usize)] = if full() { &[("4k", 4_000), ("100k", 100_000)] } else { &[("4k", 4_000)] };
    for &(label, n) in sizes {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut app = team(dir.path());
        let csv = synthetic_csv(n);
        app.import_voters("bench.csv", csv.as_bytes(), &[], false, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
        let _ = app.search_stts("warm", 10);
        report(
            &format!("search {label} (ours)"),
            sample(
                |q| {
                    black_box(app.search_stts(q, 50).ok());
                },
                40,
            ),
        );
        report(
            &format!("search {label} (LIKE '%…%' scan)"),
            sample(
                |q| {
                    black_box(like_scan(&app, q));
                },
                3,
            ),
        );
        c.bench_function(&format!("search_{label}_ours"), |b| {
            b.iter(|| {
                for q in QUERIES {
                    black_box(app.search_stts(q, 50).ok());
                }
            })
        });
        c.bench_function(&format!("search_{label}_like_scan"), |b| {
            b.iter(|| {
                for q in QUERIES {
                    black_box(like_scan(&app, q));
                }
            })
        });
    }
}

fn import_bench(c: &mut Criterion) {
    let bytes = fixture("mau31-4000.xlsx");
    let mut samples = Vec::new();
    for _ in 0..if full() { 10 } else { 1 } {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut app = team(dir.path());
        let t = Instant::now();
        app.import_voters("mau31-4000.xlsx", &bytes, &[], false, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
        samples.push(t.elapsed());
    }
    report("import 4,000-row Mẫu 31 .xlsx", samples);
    let mut g = c.benchmark_group("import");
    g.sample_size(10);
    g.bench_function("import_4000_xlsx", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
                let app = team(dir.path());
                (dir, app)
            },
            |(dir, mut app)| {
                app.import_voters("mau31-4000.xlsx", &bytes, &[], false, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
                (dir, app)
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn checkin_bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut app = team(dir.path());
    let bytes = fixture("mau31-4000.xlsx");
    app.import_voters("mau31-4000.xlsx", &bytes, &[], false, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
    let mut next = 0u32;
    let mut checkin_one = |app: &mut App| -> Duration {
        if next == 4000 {
            for stt in 1..=4000 {
                let _ = app.undo_checkin(stt, None, "benchmark");
            }
            next = 0;
        }
        next += 1;
        let t = Instant::now();
        app.checkin(next, None, false).unwrap_or_else(|e| panic!("{e}"));
        t.elapsed()
    };
    let samples: Vec<Duration> = (0..if full() { 1000 } else { 20 }).map(|_| checkin_one(&mut app)).collect();
    report("check-in (durable commit, WAL FULL)", samples);
    let mut g = c.benchmark_group("checkin");
    g.sample_size(20);
    g.bench_function("checkin_durable", |b| b.iter_custom(|iters| (0..iters).map(|_| checkin_one(&mut app)).sum()));
    g.finish();
}

criterion_group!(benches, search_benches, import_bench, checkin_bench);
criterion_main!(benches);
