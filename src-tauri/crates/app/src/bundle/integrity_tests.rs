//! What the board remembers between checks ([`super::IntegrityMemo`]) never
//! hides a change: an edit by another connection (someone with `sqlite3`)
//! after a first check is seen at the next one, and `audit verify` reads
//! every bundle again.

use rusqlite::params;
use tobaucu_core::minutes::Minutes;

use super::super::day::tests::board;
use crate::App;

fn other(app: &App) -> rusqlite::Connection {
    rusqlite::Connection::open(&app.db_path).unwrap()
}

fn a02(app: &App, constituency: &str) -> String {
    let r = app.results().unwrap();
    let c = r.constituencies.get(constituency).unwrap_or_else(|| panic!("{constituency}"));
    c.checks.iter().filter(|k| k.code == "A02").map(|k| k.message.clone()).collect::<Vec<_>>().join("\n")
}

#[test]
fn figures_rewritten_by_another_connection_after_a_check_are_not_summed() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = board(dir.path(), 10);
    let first = app.checked().unwrap();
    assert!(first.integrity.ok(), "{:?}", first.integrity.problems);
    assert_eq!(app.results().unwrap().constituencies["XA-0"].areas_reported, 10);
    // Nothing written: the same answer, not made again.
    assert!(std::sync::Arc::ptr_eq(&first, &app.checked().unwrap()));

    // Votes moved in A3's XA minutes, the SHA-256 beside them rewritten.
    let c = other(&app);
    let data: String = c.query_row("SELECT data FROM area_result WHERE area_id = 'A3' AND level = 'XA'", [], |r| r.get(0)).unwrap();
    let mut doc = Minutes::parse(data.as_bytes()).unwrap();
    let moved = doc.candidates[0].votes.min(7);
    doc.candidates[0].votes -= moved;
    doc.candidates[1].votes += moved;
    let text = doc.to_canonical();
    c.execute("UPDATE area_result SET data = ?1, minutes_sha256 = ?2 WHERE area_id = 'A3' AND level = 'XA'", params![text, tobaucu_core::audit::sha256_hex(text.as_bytes())]).unwrap();
    let checks = a02(&app, "XA-0");
    assert!(checks.contains("A3") && checks.contains("cấp XA"), "{checks}");
    let r = app.results().unwrap();
    assert_eq!(r.constituencies["XA-0"].areas_reported, 9, "the edited row is not summed");
    assert!(!app.checked().unwrap().integrity.ok());
    assert!(app.require_intact("xuất gói").is_err());
    assert!(!app.board_data_problems().unwrap().is_empty());

    // Put back: intact again, at the next check.
    c.execute("UPDATE area_result SET data = ?1, minutes_sha256 = ?2 WHERE area_id = 'A3' AND level = 'XA'", params![data, tobaucu_core::audit::sha256_hex(data.as_bytes())]).unwrap();
    assert!(app.checked().unwrap().integrity.ok());
    assert_eq!(app.results().unwrap().constituencies["XA-0"].areas_reported, 10);
}

#[test]
fn a_bundle_row_pointed_elsewhere_after_a_check_is_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = board(dir.path(), 10);
    assert!(app.checked().unwrap().integrity.ok());
    // A5's bundle row made to point at A6's bytes in the bundle store (the
    // append-only trigger dropped first): the bundle remembered for A5 is
    // not the one at the new place.
    let c = other(&app);
    c.execute_batch(
        "DROP TRIGGER bundle_packed_no_update;
         UPDATE bundle_packed SET offset = (SELECT p.offset FROM bundle_packed p JOIN bundle b ON b.id = p.bundle_id WHERE b.unit_id = 'A6'),
                                  length = (SELECT p.length FROM bundle_packed p JOIN bundle b ON b.id = p.bundle_id WHERE b.unit_id = 'A6'),
                                  sha256 = (SELECT p.sha256 FROM bundle_packed p JOIN bundle b ON b.id = p.bundle_id WHERE b.unit_id = 'A6')
         WHERE bundle_id = (SELECT id FROM bundle WHERE unit_id = 'A5')",
    )
    .unwrap();
    let checks = a02(&app, "XA-0");
    assert!(checks.contains("A5"), "{checks}");
    // A bundle made current again (rolled back) is noticed too.
    c.execute("UPDATE bundle SET superseded_by = '0000000000000000000000000000000000000000000000000000000000000000' WHERE unit_id = 'A7'", []).unwrap();
    let checks = a02(&app, "XA-0");
    assert!(checks.contains("A7"), "{checks}");
}

#[test]
fn audit_verify_reads_the_bundle_store_again() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = board(dir.path(), 10);
    assert!(app.checked().unwrap().integrity.ok());
    assert!(app.board_data_problems().unwrap().is_empty());
    // A2's bytes in the bundle store overwritten, the database untouched.
    let (offset, length): (i64, i64) =
        other(&app).query_row("SELECT p.offset, p.length FROM bundle_packed p JOIN bundle b ON b.id = p.bundle_id WHERE b.unit_id = 'A2'", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    let pack = app.store.pack_path().unwrap_or_else(|| panic!("no bundle store"));
    let mut bytes = std::fs::read(&pack).unwrap();
    let (from, to) = (usize::try_from(offset).unwrap_or(0), usize::try_from(offset + length).unwrap_or(0));
    bytes[from..to].fill(0);
    std::fs::write(&pack, &bytes).unwrap();
    let problems = app.board_data_problems().unwrap().join("\n");
    assert!(problems.contains("A2"), "{problems}");
}
