//! Issue 5: the audit chain check, guarded actions, interrupted exports.

use crate::util::{fixture, Cli};

/// Three changes through the app: import, two check-ins.
fn team_with_log() -> Cli {
    let cli = Cli::team();
    cli.ok(&["voters", "import", &fixture("mau31.xlsx")]);
    cli.ok(&["checkin", "1"]);
    cli.ok(&["checkin", "2"]);
    cli
}

fn sql(cli: &Cli, stmts: &str) {
    let conn = rusqlite::Connection::open(cli.db_path()).unwrap();
    conn.execute_batch(stmts).unwrap();
}

#[test]
fn audit_verify_passes_on_an_untouched_log() {
    let cli = team_with_log();
    let v = cli.json(&["audit", "verify", "--json"]);
    assert_eq!(v["ok"], true, "{v}");
    assert!(v["entries"].as_u64().unwrap_or(0) >= 4, "{v}");
    assert_eq!(v["head"].as_str().map(str::len), Some(64));
    assert!(v["broken"].is_null());
    assert!(cli.ok(&["audit", "verify"]).contains("Nhật ký nguyên vẹn"));
}

#[test]
fn an_entry_edited_behind_the_apps_back_is_pointed_at() {
    // Someone opens the file with a SQLite tool, drops the guard and
    // rewrites the reason of entry 3.
    let cli = team_with_log();
    sql(&cli, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET subject = 'cử tri số 99' WHERE id = 3;");
    let out = cli.run(&["audit", "verify"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("chuỗi đứt ở mục số 3") && out.stdout.contains("nội dung mục đã bị sửa"), "{}", out.stdout);
    let j = cli.run(&["audit", "verify", "--json"]);
    assert_eq!(j.code, 1);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap_or_else(|e| panic!("{e}: {}", j.stdout));
    assert_eq!(v["ok"], false);
    assert_eq!(v["broken"]["id"], 3);
    assert_eq!(v["broken"]["position"], 3);
}

#[test]
fn an_entry_deleted_or_inserted_breaks_the_chain_at_the_next_one() {
    let cli = team_with_log();
    sql(&cli, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 2;");
    let out = cli.run(&["audit", "verify", "--json"]);
    assert_eq!(out.code, 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["broken"]["id"], 3, "{v}");
    assert!(v["broken"]["why"].as_str().unwrap_or("").contains("không nối"), "{v}");

    let cli = team_with_log();
    sql(
        &cli,
        "INSERT INTO audit_log (id, at, action, subject, reason, prev_hash, hash) SELECT 1000, at, 'checkin', 'cử tri số 5', '', hash, hash FROM audit_log WHERE id = (SELECT max(id) FROM audit_log);",
    );
    let out = cli.run(&["audit", "verify", "--json"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["broken"]["id"], 1000, "{v}");
}

/// Runs the CLI on `db` with a passphrase and a fixed clock; a second of
/// the passphrase wait lasts 10 ms (`TOBAUCU_TEST_WAIT_MS`, debug builds only).
fn run_at(db: &std::path::Path, args: &[&str], pass: &str, now: &str) -> crate::util::Out {
    crate::util::run_on(db, args, &[("TOBAUCU_PASSPHRASE", Some(pass)), ("TOBAUCU_NOW", Some(now)), ("TOBAUCU_TEST_WAIT_MS", Some("10"))])
}

/// A copy of a demo team's database (keyed with `crate::bundle::PASS`).
fn demo_team(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("to.sqlite");
    std::fs::copy(crate::bundle::demo().join("to-X0412-KV02.sqlite"), &db).unwrap();
    db
}

fn timed(f: impl FnOnce() -> crate::util::Out) -> (crate::util::Out, std::time::Duration) {
    let t = std::time::Instant::now();
    let o = f();
    (o, t.elapsed())
}

#[test]
fn repeated_wrong_passphrases_are_slowed_down_and_logged() {
    // Issue 5 §6: a borrowed laptop cannot try passphrases quickly.
    // Issue 11 §8: the wait is waited by the process on the monotonic
    // clock, whatever the wall clock (TOBAUCU_NOW) says.
    let dir = tempfile::tempdir().unwrap();
    let db = demo_team(dir.path());
    let usb = dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let out = usb.display().to_string();
    let export = ["export", "--out", out.as_str()];
    let t0 = "2026-03-16T08:00:00+07:00";
    for n in 1..=3 {
        let o = run_at(&db, &export, "doan-bua", t0);
        assert_eq!(o.code, 1, "{}", o.stderr);
        assert!(o.stderr.contains("cụm mật khẩu không đúng"), "{}", o.stderr);
        if n == 3 {
            assert!(o.stderr.contains("chờ 30 giây"), "{}", o.stderr);
        }
    }
    // The clock set a year ahead skips nothing: the right passphrase is
    // checked only after the 30 s (300 ms here) wait.
    let (o, took) = timed(|| run_at(&db, &export, crate::bundle::PASS, "2027-03-16T08:00:00+07:00"));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("Đang chờ 30 giây vì đã nhập sai nhiều lần"), "{}", o.stderr);
    assert!(took >= std::time::Duration::from_millis(300), "{took:?}");
    assert_eq!(std::fs::read_dir(&usb).map(|d| d.count()).unwrap_or(0), 1, "exported after the wait");
    // A good unlock resets the count: a single typo costs no wait.
    let o = run_at(&db, &export, "doan-bua", "2027-03-16T08:00:01+07:00");
    assert!(!o.stderr.contains("chờ"), "{}", o.stderr);
    // Every attempt is in the audit log, and the chain still holds.
    let o = run_at(&db, &["audit", "--json"], "", "2027-03-16T08:02:00+07:00");
    let log: serde_json::Value = serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", o.stdout));
    let actions: Vec<&str> = log.as_array().into_iter().flatten().filter_map(|e| e["action"].as_str()).filter(|a| a.starts_with("key.")).collect();
    assert_eq!(actions.iter().filter(|a| **a == "key.wrong_passphrase").count(), 4, "{actions:?}");
    assert!(actions.contains(&"key.unlock"));
    let o = run_at(&db, &["audit", "verify"], "", "2027-03-16T08:02:00+07:00");
    assert_eq!(o.code, 0, "{}", o.stdout);
}

#[test]
fn issue_11_8_a_forged_unlock_row_does_not_reset_the_wait() {
    // Someone at the laptop inserts a key.unlock row with sqlite3, with a
    // correctly computed chain hash: the audit check passes, the count
    // does not reset (the row carries no signature of the key).
    let dir = tempfile::tempdir().unwrap();
    let db = demo_team(dir.path());
    for _ in 0..3 {
        let o = run_at(&db, &["count", "reopen", "--level", "XA", "--reason", "thử"], "doan-bua", "2026-03-16T08:00:00+07:00");
        assert_eq!(o.code, 1, "{}", o.stderr);
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (id, head): (i64, String) = conn.query_row("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    use tobaucu_core::audit;
    let at = "2026-03-16T08:00:05+07:00";
    let after = r#"{"signature":"00"}"#;
    let e = audit::Entry { id: id + 1, at, action: "key.unlock", subject: "khóa ký của X0412-KV02", reason: "xuất gói kết quả", before: None, after: Some(after) };
    let hash = audit::link(&head, &audit::content_hash(&e));
    conn.execute(
        "INSERT INTO audit_log (id, at, action, subject, reason, before, after, prev_hash, hash) VALUES (?1, ?2, 'key.unlock', ?3, ?4, NULL, ?5, ?6, ?7)",
        rusqlite::params![id + 1, at, e.subject, e.reason, after, head, hash],
    )
    .unwrap();
    drop(conn);
    let o = run_at(&db, &["audit", "verify"], "", "2026-03-16T08:00:06+07:00");
    assert_eq!(o.code, 0, "the forged row chains correctly: {}", o.stdout);
    let (o, took) = timed(|| run_at(&db, &["count", "reopen", "--level", "XA", "--reason", "thử"], crate::bundle::PASS, "2030-01-01T00:00:00+07:00"));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("Đang chờ 30 giây"), "{}", o.stderr);
    assert!(took >= std::time::Duration::from_millis(300), "{took:?}");
    let s = run_at(&db, &["--json", "count", "summary", "--level", "XA"], "", "2030-01-01T00:00:00+07:00");
    assert!(s.stdout.contains("\"status\": \"draft\""), "reopened: {}", s.stdout);
}

#[test]
fn issue_11_8_parallel_attempts_take_turns() {
    // Two processes started together after three wrong passphrases: the
    // second waits for the first (lock on <db>-khoa-cho), then for its own,
    // longer wait — 30 s + 60 s, 300 ms + 600 ms here.
    let dir = tempfile::tempdir().unwrap();
    let db = demo_team(dir.path());
    let args = ["count", "reopen", "--level", "XA", "--reason", "thử"];
    for _ in 0..3 {
        assert_eq!(run_at(&db, &args, "doan-bua", "2026-03-16T08:00:00+07:00").code, 1);
    }
    let t = std::time::Instant::now();
    let a = std::thread::spawn({
        let db = db.clone();
        move || run_at(&db, &args, "doan-bua", "2026-03-16T08:00:00+07:00")
    });
    let b = run_at(&db, &args, "doan-bua-2", "2026-03-16T08:00:00+07:00");
    let a = a.join().unwrap_or_else(|_| panic!("thread"));
    let took = t.elapsed();
    assert_eq!((a.code, b.code), (1, 1), "{}{}", a.stderr, b.stderr);
    assert!(took >= std::time::Duration::from_millis(900), "{took:?}");
}

#[test]
fn issue_11_8_count_reopen_needs_the_passphrase() {
    // `count reopen` on a keyed unit is guarded like finalize: refused
    // without TOBAUCU_PASSPHRASE (and no terminal), exit 1, still locked.
    let dir = tempfile::tempdir().unwrap();
    let db = demo_team(dir.path());
    let args = ["count", "reopen", "--level", "XA", "--reason", "đếm lại"];
    let o = crate::util::run_on(&db, &args, &[("TOBAUCU_PASSPHRASE", None)]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("TOBAUCU_PASSPHRASE"), "{}", o.stderr);
    let s = crate::util::run_on(&db, &["--json", "count", "summary", "--level", "XA"], &[]);
    assert!(s.stdout.contains("\"status\": \"final\""), "still locked: {}", s.stdout);
    let o = run_at(&db, &args, "doan-bua", "2026-03-16T08:00:00+07:00");
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("cụm mật khẩu không đúng"), "{}", o.stderr);
    let o = run_at(&db, &args, crate::bundle::PASS, "2026-03-16T08:00:00+07:00");
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = run_at(&db, &["audit", "--json"], "", "2026-03-16T08:00:01+07:00");
    assert!(o.stdout.contains("mở bản sửa đổi biên bản cấp XA"), "logged with its purpose: {}", o.stdout);
}

/// A real small file system (tmpfs), when this machine lets the test mount
/// one (root on Linux, as in CI); unmounted when dropped.
struct Mounted(std::path::PathBuf);

impl Mounted {
    fn tmpfs(at: &std::path::Path, opts: &str) -> Option<Mounted> {
        std::fs::create_dir_all(at).ok()?;
        let ok = std::process::Command::new("mount").args(["-t", "tmpfs", "-o", opts, "tmpfs"]).arg(at).status().ok()?.success();
        ok.then(|| Mounted(at.to_path_buf()))
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn export_to_a_full_or_read_only_stick_fails_cleanly() {
    // Issue 5 §2, §8 on a real file system: a 48 KB "stick" cannot hold the
    // ≈ 85 KB bundle; a read-only one cannot be written at all.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("to.sqlite");
    std::fs::copy(crate::bundle::demo().join("to-X0412-KV04.sqlite"), &db).unwrap();
    let Some(small) = Mounted::tmpfs(&dir.path().join("usb-nho"), "size=48k") else {
        eprintln!("SKIPPED: cannot mount a tmpfs here (not root); the failing-writer test in tobaucu-app covers the same path");
        return;
    };
    let t = "2026-03-16T08:00:00+07:00";
    let o = run_at(&db, &["export", "--out", &small.0.display().to_string()], crate::bundle::PASS, t);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("thiết bị lưu đã đầy"), "{}", o.stderr);
    let left: Vec<_> = std::fs::read_dir(&small.0).map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "half-written files left: {left:?}");

    let ro = Mounted::tmpfs(&dir.path().join("usb-khoa"), "size=1m,ro").unwrap_or_else(|| panic!("mount ro"));
    let o = run_at(&db, &["export", "--out", &ro.0.display().to_string()], crate::bundle::PASS, t);
    assert_eq!(o.code, 1);
    if !crate::util::skip_under_wine("read-only stick: Wine reports a read-only Linux mount as \"access denied\", not as Windows' write-protected medium") {
        assert!(o.stderr.contains("chỉ cho đọc"), "{}", o.stderr);
    }

    // Nothing was recorded: the next good export is still number 2.
    let good = dir.path().join("usb");
    std::fs::create_dir_all(&good).unwrap();
    let o = run_at(&db, &["export", "--out", &good.display().to_string()], crate::bundle::PASS, t);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.trim_end().ends_with("X0412-KV04-goi002.tbc"), "{}", o.stdout);
}

#[test]
fn a_second_window_on_the_same_file_is_refused_clearly() {
    // Issue 5 §8: two app instances on one file.
    let cli = Cli::team();
    let db = std::path::PathBuf::from(cli.db_path());
    let first = tobaucu_app::App::open_exclusive(&db).unwrap();
    let second = tobaucu_app::App::open_exclusive(&db);
    let e = second.err().unwrap_or_else(|| panic!("a second window must be refused"));
    assert_eq!(e.code(), tobaucu_app::ErrorCode::InUse);
    assert!(e.to_string().contains("đang được mở trong một cửa sổ Tổ Bầu Cử khác"), "{e}");
    // The command line still works beside the window (SQLite serialises).
    cli.ok(&["voters", "import", &fixture("mau31.xlsx")]);
    drop(first);
    let again = tobaucu_app::App::open_exclusive(&db);
    assert!(again.is_ok(), "the lock goes with the window");
}

/// Copies a team database with 3 check-ins into a fresh tmpfs of `size`.
fn team_on_tmpfs(dir: &std::path::Path, size: &str) -> Option<(Mounted, std::path::PathBuf)> {
    let m = Mounted::tmpfs(&dir.join("the"), &format!("size={size}"))?;
    let cli = team_with_log();
    cli.ok(&["checkin", "3"]);
    let db = m.0.join("to.sqlite");
    std::fs::copy(cli.db_path(), &db).ok()?;
    Some((m, db))
}

fn run_plain(db: &std::path::Path, args: &[&str]) -> crate::util::Out {
    crate::util::run_on(db, args, &[("TOBAUCU_NOW", None)])
}

fn checked_in(db: &std::path::Path) -> usize {
    let o = run_plain(db, &["voters", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", o.stdout, o.stderr));
    v.as_array().into_iter().flatten().filter(|x| x["checked_in"].as_object().is_some_and(|m| !m.is_empty())).count()
}

#[test]
fn a_full_disk_refuses_the_action_and_corrupts_nothing() {
    if crate::util::skip_under_wine("full disk: Wine itself crashes (page fault in the loader) on a full tmpfs before the program runs") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let Some((m, db)) = team_on_tmpfs(dir.path(), "3m") else {
        eprintln!("SKIPPED: cannot mount a tmpfs here (not root)");
        return;
    };
    assert_eq!(checked_in(&db), 3);
    // The app is open (as on election day) when the disk fills up.
    let mut app = tobaucu_app::App::open_exclusive(&db).unwrap();
    let filler = m.0.join("day.bin");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 4096];
        while f.write_all(&block).is_ok() {}
        let _ = f.sync_all();
    }
    let mut refused = None;
    for stt in 4..200u32 {
        if let Err(e) = app.checkin(stt, None, false) {
            refused = Some((stt, e));
            break;
        }
    }
    let (stt, e) = refused.unwrap_or_else(|| panic!("a full disk must refuse a check-in"));
    assert!(matches!(e.code(), tobaucu_app::ErrorCode::DiskFull | tobaucu_app::ErrorCode::DiskIo), "{} {e}", e.code());
    assert!(e.to_string().contains("đầy"), "{e}");
    assert_eq!(e.exit_code(), 1);
    drop(app);
    // A new start on the full disk says so too.
    let o = run_plain(&db, &["checkin", &stt.to_string()]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("đầy"), "{}", o.stderr);
    // Space freed: everything before is there, the refused one is not, the
    // file is sound and the audit chain holds.
    std::fs::remove_file(&filler).unwrap();
    assert_eq!(checked_in(&db), stt as usize - 1);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap_or_default();
    assert_eq!(ok, "ok");
    drop(conn);
    assert_eq!(run_plain(&db, &["audit", "verify"]).code, 0);
    assert_eq!(run_plain(&db, &["checkin", &stt.to_string()]).code, 0);
}

#[test]
fn a_database_on_read_only_media_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let Some((m, db)) = team_on_tmpfs(dir.path(), "8m") else {
        eprintln!("SKIPPED: cannot mount a tmpfs here (not root)");
        return;
    };
    let ok = std::process::Command::new("mount").args(["-o", "remount,ro"]).arg(&m.0).status().map(|s| s.success()).unwrap_or(false);
    assert!(ok, "remount read-only");
    let o = run_plain(&db, &["checkin", "5"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("chỉ đọc"), "{}", o.stderr);
}

#[test]
fn the_whole_chain_runs_with_no_network_at_all() {
    // Issue 5 §9: in a network namespace without interfaces (not even
    // loopback up), the demo chain — setup, voter list, check-in, counting,
    // minutes PDF, signed export, commune import, results, province — runs.
    let dir = tempfile::tempdir().unwrap();
    let probe = std::process::Command::new("unshare").args(["-n", "true"]).status();
    if !probe.map(|s| s.success()).unwrap_or(false) {
        eprintln!("SKIPPED: cannot create a network namespace here (unshare -n needs root)");
        return;
    }
    let out = dir.path().join("demo");
    let o = std::process::Command::new("unshare")
        .args(["-n", "--"])
        .arg(env!("CARGO_BIN_EXE_tobaucu"))
        .args(["--db", "/nonexistent/unused.sqlite", "demo", "--out"])
        .arg(&out)
        .env("TOBAUCU_PASSPHRASE", crate::bundle::PASS)
        .env_remove("TOBAUCU_NOW")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    // Interfaces inside such a namespace: only a loopback that is down.
    let ifs = std::process::Command::new("unshare").args(["-n", "cat", "/proc/net/dev"]).output().unwrap();
    let text = String::from_utf8_lossy(&ifs.stdout);
    let names: Vec<&str> = text.lines().skip(2).filter_map(|l| l.split(':').next()).map(str::trim).collect();
    assert_eq!(names, vec!["lo"], "{text}");
    assert!(out.join("usb-xa/X0412-goi001.tbc").is_file());
    let p = run_plain(&out.join("tinh-T38.sqlite"), &["results", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&p.stdout).unwrap_or_else(|e| panic!("{e}: {}", p.stderr));
    assert!(v["constituencies"].as_object().is_some_and(|c| !c.is_empty()));
}

#[test]
fn the_window_may_load_nothing_from_the_network() {
    // Issue 5 §9: the webview's content security policy names no remote
    // origin: only the app's own files, inline styles, data: images and
    // Tauri's local IPC channel.
    let conf: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src-tauri/tauri.conf.json")).unwrap_or_default()).unwrap_or_default();
    let csp = conf["app"]["security"]["csp"].as_str().unwrap_or_else(|| panic!("no CSP"));
    let allowed = ["'self'", "'unsafe-inline'", "data:", "ipc:", "http://ipc.localhost"];
    let mut directives = 0;
    for d in csp.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        directives += 1;
        let mut parts = d.split_whitespace();
        let name = parts.next().unwrap_or("");
        for src in parts {
            assert!(allowed.contains(&src), "{name} allows {src}");
        }
    }
    assert!(csp.contains("default-src 'self'") && directives >= 5, "{csp}");
    // And no HTTP client is built into the desktop app or the CLI, on Linux
    // or on Windows (the commune laptops).
    for target in ["x86_64-unknown-linux-gnu", "x86_64-pc-windows-msvc"] {
        for client in ["reqwest", "hyper", "ureq", "curl", "isahc", "attohttpc", "h2"] {
            let o = std::process::Command::new(env!("CARGO"))
                .args(["tree", "--workspace", "-e", "normal", "--target", target, "-i", client])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .output()
                .unwrap_or_else(|e| panic!("cargo tree: {e}"));
            let out = String::from_utf8_lossy(&o.stdout);
            assert!(!out.contains(&format!("{client} v")), "{client} is built for {target}:\n{out}");
        }
    }
}

fn json_at(db: &std::path::Path, args: &[&str], now: &str) -> serde_json::Value {
    let o = run_at(db, args, "", now);
    assert_eq!(o.code, 0, "{args:?}: {}{}", o.stdout, o.stderr);
    serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", o.stdout))
}

#[test]
fn backups_on_a_timer_rotate_and_restore() {
    // Issue 5 §7: every N minutes a consistent copy and the check-in list
    // as PDF go to a second place; the last few are kept; a restore works.
    let cli = team_with_log();
    let db = std::path::PathBuf::from(cli.db_path());
    let usb = cli.dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let usb_s = usb.display().to_string();
    // The data folder itself is not a second place.
    let here = cli.dir.path().display().to_string();
    assert_eq!(run_at(&db, &["backup", "settings", "--dir", &here], "", "2026-03-15T07:00:00+07:00").code, 1);
    let s = json_at(&db, &["backup", "settings", "--dir", &usb_s, "--every", "15", "--keep", "3", "--json"], "2026-03-15T07:00:00+07:00");
    assert_eq!((s["every_minutes"].as_u64(), s["keep"].as_u64()), (Some(15), Some(3)));
    // First tick: due. Five minutes later: not. Sixteen minutes: due.
    let t = ["2026-03-15T07:00:00+07:00", "2026-03-15T07:05:00+07:00", "2026-03-15T07:16:00+07:00"];
    let first = json_at(&db, &["backup", "auto", "--json"], t[0]);
    assert!(first["made"]["path"].is_string(), "{first}");
    assert!(json_at(&db, &["backup", "auto", "--json"], t[1])["made"].is_null());
    cli.ok(&["checkin", "3"]);
    let second = json_at(&db, &["backup", "auto", "--json"], t[2]);
    let copy = crate::util::host_path(second["made"]["path"].as_str().unwrap_or_else(|| panic!("{second}"))).display().to_string();
    let pdf = crate::util::host_path(second["made"]["pdf"].as_str().unwrap_or("")).display().to_string();
    let pdf_bytes = std::fs::read(&pdf).unwrap_or_default();
    assert!(pdf_bytes.starts_with(b"%PDF-"), "check-in list PDF {pdf}");
    if let Ok(o) = std::process::Command::new("pdftotext").args([pdf.as_str(), "-"]).output() {
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("DANH SÁCH CỬ TRI ĐÃ NHẬN PHIẾU") && text.contains("07:16"), "{text}");
    }
    // Rotation keeps the last three.
    for m in ["07:31", "07:46", "08:01"] {
        json_at(&db, &["backup", "auto", "--json"], &format!("2026-03-15T{m}:00+07:00"));
    }
    let left: Vec<String> = std::fs::read_dir(&usb).into_iter().flatten().filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".sqlite")).collect();
    assert_eq!(left.len(), 3, "{left:?}");
    assert!(!std::path::Path::new(&copy).exists(), "the 07:16 copy was rotated out");
    // Restore the 08:01 copy after more work: the later check-in is gone,
    // the database that was there is kept aside, the chain holds.
    let latest = usb.join(left.iter().max().unwrap_or_else(|| panic!("no backup")));
    cli.ok(&["checkin", "4"]);
    let r = json_at(&db, &["backup", "restore", &latest.display().to_string(), "--json"], "2026-03-15T08:30:00+07:00");
    let aside = crate::util::host_path(r["previous_kept_as"].as_str().unwrap_or_else(|| panic!("{r}")));
    assert!(aside.is_file());
    let voters: serde_json::Value = cli.json(&["voters", "list", "--json"]);
    let checked: Vec<u64> = voters.as_array().into_iter().flatten().filter(|v| v["checked_in"].as_object().is_some_and(|m| !m.is_empty())).filter_map(|v| v["stt"].as_u64()).collect();
    assert_eq!(checked, vec![1, 2, 3]);
    assert_eq!(cli.run(&["audit", "verify"]).code, 0);
    // Not a backup: refused, nothing moved.
    let junk = cli.write("khong-phai.sqlite", "xin chào");
    let o = cli.run(&["backup", "restore", &junk]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("không khôi phục"), "{}", o.stderr);
    assert_eq!(cli.json(&["voters", "list", "--json"]).as_array().map(Vec::len), voters.as_array().map(Vec::len));
}
