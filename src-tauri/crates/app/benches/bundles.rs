//! Benchmark of issue 4's hot path: import + verify + aggregate N signed
//! team bundles at a board (province database, every area under it):
//! 10,000 bundles (limit 10 s) and, with `TOBAUCU_BENCH_NATIONAL=1`, the
//! 72,195 polling areas of 2026 (limit 60 s).
//!
//! Each team bundle is realistic: three levels of minutes data, the counted
//! ballots of each level (recounted on import), the real minutes PDF of a
//! demo team (≈ 65 KB), a hash-chained audit log; each area has its own
//! Ed25519 key, registered at the board by fingerprint.
//!
//! The same run times `gpg --verify` of detached Ed25519 signatures over the
//! same files, for comparison per bundle.
//!
//! `cargo bench -p tobaucu-app --bench bundles`

#[path = "common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tobaucu_app::{App, UnitChoice, UnitKind};
use tobaucu_bundle::auditlog;
use tobaucu_bundle::container::{self, LevelEntry, Manifest};
use tobaucu_core::audit;
use tobaucu_core::count::{parse_ballots, Tally};

fn full() -> bool {
    std::env::args().any(|a| a == "--bench")
}

use common::{definition, hex, Rng};

fn key(i: usize) -> SigningKey {
    let seed: [u8; 32] = Sha256::digest(format!("bench-key-{i}").as_bytes()).into();
    SigningKey::from_bytes(&seed)
}

/// One team's bundle bytes: for each level, the minutes document the
/// team's app would have locked (format 2, figures that pass every check
/// the board re-runs), the counted ballots, and a log recording the key and
/// each level's finalize.
fn team_bundle(def: &Value, def_sha: &str, i: usize, pdf: &[u8]) -> Vec<u8> {
    use tobaucu_core::minutes::*;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1));
    let mut members = Vec::new();
    let mut levels = Vec::new();
    let area = format!("A{i}");
    let sk = key(i);
    let mut log: Vec<(String, String, Option<String>)> =
        vec![("setup".into(), "khu vực".into(), None), ("key.init".into(), "khóa".into(), Some(json!({"public_key": hex(&sk.verifying_key().to_bytes())}).to_string()))];
    let level_names = [("QH", "Đại biểu Quốc hội khóa XVI"), ("TINH", "Đại biểu HĐND tỉnh"), ("XA", "Đại biểu HĐND xã")];
    for (code, cid, seats, n) in [("QH", format!("QH-{}", i / 500), 3u32, 5usize), ("TINH", format!("TINH-{}", i / 100), 3, 5), ("XA", format!("XA-{}", i / 10), 5, 8)] {
        let voters = 480 + rng.next(40);
        let mut text = String::new();
        for _ in 0..voters {
            let mut kept: Vec<u64> = (1..=n as u64).filter(|p| rng.next(100) < 70 - 8 * p).collect();
            kept.truncate(seats as usize);
            if kept.is_empty() {
                text.push_str("-\n");
            } else {
                text.push_str(&kept.iter().map(u64::to_string).collect::<Vec<_>>().join(" "));
                text.push('\n');
            }
        }
        let ballots = parse_ballots(&text, n, seats).unwrap_or_default();
        let mut t = Tally::new(seats, n);
        for b in &ballots {
            t.add(b);
        }
        let r = t.result();
        let c = def["constituencies"].as_array().into_iter().flatten().find(|c| c["id"] == cid.as_str()).cloned().unwrap_or_default();
        let s = |v: &Value| v.as_str().unwrap_or("").to_owned();
        let doc = Minutes {
            format: FORMAT_V2.into(),
            election: ElectionRef {
                id: "BC-BENCH".into(), name: "Bầu cử thử nghiệm hiệu năng".into(), date: "2026-03-15".into(), mode: "official".into(), definition_sha256: def_sha.into()
            },
            area: AreaRef { id: area.clone(), number: Some(u32::try_from(i % 10 + 1).unwrap_or(1)), name: Some(format!("Thôn {i}")), commune: Some(format!("C{}", i / 10)) },
            level: LevelRef { code: code.into(), name: level_names.iter().find(|l| l.0 == code).map_or("", |l| l.1).into() },
            constituency: ConstituencyRef { id: cid.clone(), name: s(&c["name"]), seats },
            team: TeamRef {
                leader: Some("Tổ trưởng".into()),
                secretary: Some("Thư ký".into()),
                members: vec![],
                witnesses: vec![Witness::Person(Person { name: "Cử tri Một".into(), address: None }), Witness::Person(Person { name: "Cử tri Hai".into(), address: None })],
            },
            figures: Figures {
                // One list for every level of the area (E16: no council level lists more than the Quốc hội).
                voters_listed: 530,
                voters_voted: voters,
                ballots_issued: voters,
                ballots_received: r.received,
                ballots_valid: r.valid,
                ballots_invalid: r.invalid,
                invalid_by_reason: tobaucu_core::count::InvalidReason::ALL.iter().map(|g| (g.code().to_owned(), r.invalid_by_reason[g.index()])).collect(),
                ballots_by_kept: r.groups.iter().flatten().enumerate().map(|(k, v)| ((k + 1).to_string(), *v)).collect(),
            },
            inventory: Some(InventoryRef { received: voters + 12, unused: 12, spoiled: 0, issued: voters }),
            candidates: c["candidates"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(k, x)| {
                    let v = r.votes.get(k).copied().unwrap_or(0);
                    CandidateLine { id: s(&x["id"]), position: u32::try_from(k + 1).unwrap_or(0), name: s(&x["name"]), votes: v, percent: tobaucu_core::percent::Percent::of(v, r.valid).vi() }
                })
                .collect(),
            complaints: vec![],
            revision: 1,
            correction_reason: String::new(),
            opening: None,
            closing_time: None,
            incidents: vec![],
            recommendations: vec![],
            explanations: vec![],
            accepted: vec![],
            completed_at: Some("2026-03-15T21:00:00+07:00".into()),
            round: None,
        };
        let bytes = doc.to_canonical().into_bytes();
        let sha = hex(&Sha256::digest(&bytes));
        // The ballots read from a file (the log stands behind the ballots
        // that travel: `count.ballots_file`).
        log.push(("count.ballots_file".into(), format!("cấp {code}: phieu-{code}.txt"), Some(json!({"ballots": ballots.len(), "level": code}).to_string())));
        log.push(("finalize".into(), format!("biên bản cấp {code}, bản số 1"), Some(json!({"sha256": sha, "warnings": []}).to_string())));
        levels.push(LevelEntry { code: code.into(), final_: true, revision: 1, minutes_sha256: sha });
        members.push((format!("results/{code}.json"), bytes));
        members.push((format!("ballots/{code}.txt"), text.into_bytes()));
    }
    members.push(("minutes.pdf".into(), pdf.to_vec()));
    // The log: setup, the key, a redacted run of check-ins, each finalize.
    let mut rows = Vec::new();
    let mut prev = audit::GENESIS.to_owned();
    let mut entries: Vec<(String, String, Option<String>)> = log[..2].to_vec();
    entries.extend((0..3).map(|k| ("checkin".to_owned(), format!("cử tri số {k}"), None)));
    entries.extend(log[2..].iter().cloned());
    for (n, (action, subject, after)) in entries.iter().enumerate() {
        let id = i64::try_from(n + 1).unwrap_or(0);
        let e = audit::Entry { id, at: "2026-03-15T21:00:00+07:00", action, subject, reason: "", before: None, after: after.as_deref() };
        let hash = audit::link(&prev, &audit::content_hash(&e));
        rows.push(auditlog::Row {
            id,
            at: e.at.into(),
            action: action.clone(),
            subject: subject.clone(),
            reason: String::new(),
            before: None,
            after: after.clone(),
            prev: prev.clone(),
            hash: hash.clone(),
        });
        prev = hash;
    }
    members.push(("audit.jsonl".into(), auditlog::write(&rows)));
    let m = Manifest {
        app_version: "0.1.0".into(),
        created_at: "2026-03-15T22:00:00+07:00".into(),
        election_id: "BC-BENCH".into(),
        definition_sha256: def_sha.into(),
        mode: tobaucu_core::election::Mode::Official,
        unit_id: area,
        unit_kind: "area".into(),
        levels,
        sequence: 1,
        previous_sha256: None,
        public_key: [0; 32],
        audit_head: prev,
        members: vec![],
    };
    container::write(m, &members, &sk).map(|x| x.0).unwrap_or_default()
}

/// Bundles, definition and a board database with every key registered.
fn prepare(n: usize, dir: &Path) -> (Vec<PathBuf>, PathBuf) {
    let db = dir.join("board-template.sqlite");
    let bdir = dir.join("bundles");
    let paths: Vec<PathBuf> = (0..n).map(|i| bdir.join(format!("A{i}.tbc"))).collect();
    // Kept from an earlier run (TOBAUCU_BENCH_DIR): reuse.
    if db.exists() && paths.iter().all(|p| p.exists()) && dir.join("prepared").exists() {
        return (paths, db);
    }
    let demo = dir.join("demo");
    tobaucu_app::demo::run(&demo, tobaucu_app::DEMO_PASSPHRASE, &mut |_| {}).unwrap_or_else(|e| panic!("{e}"));
    let pdf = std::fs::read(demo.join("bien-ban-X0412-KV01.pdf")).unwrap_or_default();
    let text = definition(n);
    let def: Value = serde_json::from_str(&text).unwrap_or_default();
    let sha = hex(&Sha256::digest(text.as_bytes()));
    for ext in ["", "-wal", "-shm", "-goi"] {
        let _ = std::fs::remove_file(PathBuf::from(format!("{}{ext}", db.display())));
    }
    std::fs::create_dir_all(&bdir).unwrap_or_else(|e| panic!("{e}"));
    let paths: Vec<PathBuf> = (0..n)
        .map(|i| {
            let p = bdir.join(format!("A{i}.tbc"));
            std::fs::write(&p, team_bundle(&def, &sha, i, &pdf)).unwrap_or_else(|e| panic!("{e}"));
            p
        })
        .collect();
    let mut app = App::open(&db).unwrap_or_else(|e| panic!("{e}"));
    app.setup(&text, &UnitChoice::Board(UnitKind::Province, "P".into())).unwrap_or_else(|e| panic!("{e}"));
    for i in 0..n {
        let fp = tobaucu_bundle::fingerprint(&key(i).verifying_key().to_bytes());
        app.keys_register(&fp, &format!("A{i}")).unwrap_or_else(|e| panic!("{e}"));
    }
    drop(app);
    std::fs::write(dir.join("prepared"), b"").unwrap_or_else(|e| panic!("{e}"));
    (paths, db)
}

/// Imports the bundles into a fresh copy of the board and aggregates; with
/// every area in, every constituency must be complete.
fn import_all(paths: &[PathBuf], template: &Path, work: &Path, complete: bool) -> Duration {
    let db = work.join(if complete { "board.sqlite" } else { "board-sample.sqlite" });
    for ext in ["", "-wal", "-shm", "-goi"] {
        let _ = std::fs::remove_file(PathBuf::from(format!("{}{ext}", db.display())));
    }
    std::fs::copy(template, &db).unwrap_or_else(|e| panic!("{e}"));
    let t = Instant::now();
    let mut app = App::open(&db).unwrap_or_else(|e| panic!("{e}"));
    // One folder, one action: every bundle verified and stored on its own
    // (savepoint), one durable commit.
    for r in app.import_bundles(paths, None).unwrap_or_else(|e| panic!("{e}")) {
        assert_eq!(r.outcome, "imported", "{}", r.message);
    }
    let imported = t.elapsed();
    let res = app.results().unwrap_or_else(|e| panic!("{e}"));
    assert!(!complete || res.constituencies.values().all(|c| c.complete));
    let total = t.elapsed();
    if complete {
        eprintln!("  {} bundles: import {imported:?}, results {:?}", paths.len(), total - imported);
    }
    total
}

/// `gpg --verify` of detached signatures over the first `m` bundle files.
fn gpg_per_file(paths: &[PathBuf], dir: &Path) -> Option<Duration> {
    let home = dir.join("gnupg");
    std::fs::create_dir_all(&home).ok()?;
    let gpg = |args: &[&str]| Command::new("gpg").env("GNUPGHOME", &home).args(["--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", ""]).args(args).output().ok();
    let o = gpg(&["--quick-gen-key", "bench@tobaucu", "ed25519", "sign", "never"])?;
    if !o.status.success() {
        eprintln!("gpg: {}", String::from_utf8_lossy(&o.stderr));
        return None;
    }
    for p in paths {
        gpg(&["--detach-sign", "--yes", &p.display().to_string()])?;
    }
    let t = Instant::now();
    for p in paths {
        let sig = format!("{}.sig", p.display());
        let o = gpg(&["--verify", &sig, &p.display().to_string()])?;
        assert!(o.status.success(), "gpg --verify failed");
    }
    Some(t.elapsed() / paths.len() as u32)
}

fn bench(c: &mut Criterion) {
    let n = std::env::var("TOBAUCU_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(if full() { 10_000 } else { 20 });
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let t = Instant::now();
    let (paths, template) = prepare(n, dir.path());
    eprintln!("prepared {n} team bundles ({} bytes each) in {:?}", std::fs::metadata(&paths[0]).map(|m| m.len()).unwrap_or(0), t.elapsed());
    // Criterion samples the first 1,000 bundles (a full commune-to-province
    // load would take minutes per sample); the whole N is timed below.
    let sample: Vec<PathBuf> = paths.iter().take(1000).cloned().collect();
    let sample_db = dir.path().join("sample-template.sqlite");
    if !sample_db.exists() {
        std::fs::copy(&template, &sample_db).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut g = c.benchmark_group("bundles");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(if full() { 20 } else { 1 }));
    g.bench_function(format!("import+verify+aggregate {} team bundles", sample.len()), |b| b.iter_custom(|iters| (0..iters).map(|_| import_all(&sample, &sample_db, dir.path(), false)).sum()));
    g.finish();
    let runs: Vec<Duration> = (0..2).map(|_| import_all(&paths, &template, dir.path(), true)).collect();
    let best = runs.iter().min().copied().unwrap_or_default();
    eprintln!("import+verify+aggregate {n}: {:?} (runs {:?}) → {:?} per bundle", best, runs, best / n as u32);
    // Verification alone, per bundle, against the same board.
    let app = App::open(&dir.path().join("board.sqlite")).unwrap_or_else(|e| panic!("{e}"));
    let m = paths.len().min(500);
    let t = Instant::now();
    for p in &paths[..m] {
        let r = app.verify_bundle(p).unwrap_or_else(|e| panic!("{e}"));
        assert!(r.ok);
    }
    let ours = t.elapsed() / m as u32;
    let g_n = paths.len().min(if full() { 200 } else { 5 });
    match gpg_per_file(&paths[..g_n], dir.path()) {
        Some(gp) => eprintln!(
            "per bundle: ours verify {:?}, ours import+verify+aggregate {:?}; gpg --verify (detached Ed25519, {g_n} files) {:?} → {:.0}× / {:.0}× faster",
            ours,
            best / n as u32,
            gp,
            gp.as_secs_f64() / ours.as_secs_f64(),
            gp.as_secs_f64() / (best / n as u32).as_secs_f64()
        ),
        None => eprintln!("gpg not available: comparison skipped"),
    }
    if std::env::var_os("TOBAUCU_BENCH_NATIONAL").is_some() && full() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        // TOBAUCU_BENCH_DIR keeps the prepared national bundles between runs.
        let kept = std::env::var_os("TOBAUCU_BENCH_DIR").map(PathBuf::from);
        let dir = kept.as_deref().unwrap_or(tmp.path());
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
        let n = 72_195;
        let t = Instant::now();
        let (paths, template) = prepare(n, dir);
        eprintln!("prepared {n} bundles in {:?}", t.elapsed());
        let d = import_all(&paths, &template, dir, true);
        eprintln!("import+verify+aggregate {n} (national): {d:?} → {:?} per bundle", d / n as u32);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
