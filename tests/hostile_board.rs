//! Insiders at a board (the board-integrity review): someone with `sqlite3`
//! at the commune laptop who rewrites an area's figures or makes an older
//! bundle current again; a commune that signs a results table other than
//! the minutes it carries, or drops an area it carried before; files on
//! the stick too large to hold in memory. Each case through the real
//! binary.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use tobaucu_core::minutes::Minutes;

use super::{board, ok, results, run};
use crate::bundle::demo;

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// A copy of the demo commune's database (and its bundle store).
fn commune_copy(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(name);
    std::fs::copy(demo().join("xa-X0412.sqlite"), &db).unwrap();
    std::fs::copy(demo().join("xa-X0412.sqlite-goi"), dir.join(format!("{name}-goi"))).unwrap();
    db
}

fn sql(db: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(db).unwrap()
}

fn checks_text(c: &Value) -> String {
    c["checks"].as_array().into_iter().flatten().map(|x| format!("{} {}", x["code"].as_str().unwrap_or(""), x["message"].as_str().unwrap_or(""))).collect::<Vec<_>>().join("\n")
}

#[test]
fn figures_rewritten_with_sqlite_are_not_summed_printed_exported_or_called_intact() {
    // A (HIGH): UPDATE area_result SET data=?, minutes_sha256=sha256(data)
    // for KV01 XA moved 250 votes and changed who was elected; results,
    // the printed Mẫu 24, `audit verify` and the signed export all took it.
    let dir = tmp();
    let db = commune_copy(dir.path(), "xa.sqlite");
    let before = results(&db)["constituencies"]["XA-03"].clone();
    assert_eq!(before["complete"], true, "{before}");
    let c = sql(&db);
    let (rowid, data): (i64, String) = c
        .query_row("SELECT r.rowid, r.data FROM area_result r JOIN bundle b ON b.id = r.bundle_id WHERE r.area_id = 'X0412-KV01' AND r.level = 'XA' AND b.superseded_by IS NULL", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let mut doc = Minutes::parse(data.as_bytes()).unwrap();
    doc.candidates[4].votes -= 250;
    doc.candidates[5].votes += 250;
    let valid = doc.figures.ballots_valid;
    for x in &mut doc.candidates {
        x.percent = tobaucu_core::percent::Percent::of(x.votes, valid).vi();
    }
    let text = doc.to_canonical();
    c.execute("UPDATE area_result SET data = ?1, minutes_sha256 = ?2 WHERE rowid = ?3", rusqlite::params![text, tobaucu_bundle::sha256_hex(text.as_bytes()), rowid]).unwrap();
    drop(c);

    // Results: the edited row is not summed, the error names the area.
    let after = results(&db)["constituencies"]["XA-03"].clone();
    assert_eq!(after["areas_reported"], 2, "{after}");
    assert_eq!(after["complete"], false);
    assert_eq!(after["elected"], json!([]));
    let checks = checks_text(&after);
    assert!(checks.contains("A02") && checks.contains("X0412-KV01") && checks.contains("cấp XA"), "{checks}");
    // Constituencies the edit did not touch still sum every area.
    assert_eq!(results(&db)["constituencies"]["QH-01"]["complete"], true);

    // audit verify says so.
    let v = run(&db, &["audit", "verify"]);
    assert_eq!(v.code, 1, "{}\n{}", v.stdout, v.stderr);
    assert!(v.stdout.contains("X0412-KV01") && v.stdout.contains("không khớp"), "{}", v.stdout);

    // No board minutes, no export.
    let pdf = dir.path().join("bb.pdf");
    let m = run(&db, &["forms", "board-minutes", "--out", &pdf.display().to_string()]);
    assert_eq!(m.code, 1, "{}\n{}", m.stdout, m.stderr);
    assert!(m.stderr.contains("X0412-KV01") && m.stderr.contains("audit verify"), "{}", m.stderr);
    assert!(!pdf.exists());
    let usb = dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let x = run(&db, &["export", "--out", &usb.display().to_string()]);
    assert_eq!(x.code, 1, "{}\n{}", x.stdout, x.stderr);
    assert!(x.stderr.contains("X0412-KV01"), "{}", x.stderr);
    assert_eq!(std::fs::read_dir(&usb).map(Iterator::count).unwrap_or(0), 0, "nothing written");
}

#[test]
fn an_older_bundle_made_current_with_sqlite_is_noticed_and_the_newest_is_not_misnamed() {
    // A, rollback: flipping bundle.superseded_by made KV01's stored
    // sequence 2 current again instead of 3, unnoticed; importing the
    // genuine sequence 3 again then failed as "format: UNIQUE constraint".
    let dir = tmp();
    let db = board(dir.path());
    let usb = dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let team = dir.path().join("to.sqlite");
    std::fs::copy(demo().join("to-X0412-KV01.sqlite"), &team).unwrap();
    ok(&db, &["import", &demo().join("usb-to/X0412-KV01-goi001.tbc").display().to_string()]);
    let mut last = String::new();
    for seq in 2..=3 {
        last = ok(&team, &["export", "--out", &usb.display().to_string()]).lines().last().unwrap_or("").to_owned();
        assert!(ok(&db, &["import", &last]).contains(&format!("đã nhập gói số {seq} của X0412-KV01")));
    }
    assert!(run(&db, &["audit", "verify"]).code == 0);
    let c = sql(&db);
    c.execute_batch(
        "UPDATE bundle SET superseded_by = '0000000000000000000000000000000000000000000000000000000000000000' WHERE unit_id = 'X0412-KV01' AND superseded_by IS NULL;
         UPDATE bundle SET superseded_by = NULL WHERE unit_id = 'X0412-KV01' AND sequence = 2;",
    )
    .unwrap();
    drop(c);
    let r = results(&db)["constituencies"]["XA-03"].clone();
    let checks = checks_text(&r);
    assert!(checks.contains("X0412-KV01") && checks.contains("gói số 2") && checks.contains("gói số 3"), "{checks}");
    assert_eq!(r["areas_reported"], 0, "KV01's rows from the rolled-back bundle are not summed: {r}");
    let v = run(&db, &["audit", "verify"]);
    assert_eq!(v.code, 1);
    assert!(v.stdout.contains("X0412-KV01"), "{}", v.stdout);
    let again = run(&db, &["import", &last]);
    assert_eq!(again.code, 1, "{}", again.stdout);
    assert!(!again.stdout.contains("UNIQUE"), "{}", again.stdout);
    assert!(
        again.stdout.contains("gói số 3 của X0412-KV01 đã có trong cơ sở dữ liệu") && again.stdout.contains("đang tính gói số 2") && again.stdout.contains("sửa ngoài ứng dụng"),
        "{}",
        again.stdout
    );
}
