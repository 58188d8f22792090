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
    let conn = rusqlite::Connection::open(cli.db_path()).unwrap_or_else(|e| panic!("{e}"));
    conn.execute_batch(stmts).unwrap_or_else(|e| panic!("{e}"));
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
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["broken"]["id"], 3, "{v}");
    assert!(v["broken"]["why"].as_str().unwrap_or("").contains("không nối"), "{v}");

    let cli = team_with_log();
    sql(&cli, "INSERT INTO audit_log (id, at, action, subject, reason, prev_hash, hash) SELECT 1000, at, 'checkin', 'cử tri số 5', '', hash, hash FROM audit_log WHERE id = (SELECT max(id) FROM audit_log);");
    let out = cli.run(&["audit", "verify", "--json"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["broken"]["id"], 1000, "{v}");
}
