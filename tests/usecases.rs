//! Use cases run in process with the app's clock set (`App::set_clock`),
//! beside the CLI tests that drive the binary with `TOBAUCU_NOW`: the same
//! rules, without a process per step and without the environment.

use tobaucu_app::clock::Clock;
use tobaucu_app::{App, ErrorCode, UnitChoice, DEMO_AREA, DEMO_ELECTION, DEMO_VOTERS_CSV};

fn at(t: &str) -> Clock {
    Clock::fixed(t).unwrap()
}

/// An official team of the demo election (15/03/2026) with its voter list.
fn official_team(dir: &std::path::Path) -> App {
    let mut app = App::open(&dir.join("to.sqlite")).unwrap();
    app.set_clock(at("2026-03-10T09:00:00+07:00"));
    app.setup_mode(DEMO_ELECTION, &UnitChoice::Area(DEMO_AREA.into()), false).unwrap();
    app.import_voters("cu-tri.csv", DEMO_VOTERS_CSV.as_bytes(), &[], false, &mut |_, _| {}).unwrap();
    app
}

/// Issue 16 §4: backups are on by default on election day — the day as
/// the app's clock says, not the laptop's. The week before, check-ins of
/// an official team need no folder; on the day, they are refused until one
/// is chosen.
#[test]
fn the_backup_folder_is_required_on_election_day_by_the_apps_clock() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = official_team(dir.path());
    app.set_clock(at("2026-03-14T16:00:00+07:00"));
    assert!(app.backup_requirement().unwrap().is_none());
    app.require_backup_folder().unwrap();
    app.set_clock(at("2026-03-15T06:45:00+07:00"));
    let e = app.require_backup_folder().unwrap_err();
    assert_eq!(e.code(), ErrorCode::BackupRequired);
    assert!(app.status().unwrap().backup_required);
    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    app.set_backup_settings(Some(&usb.display().to_string()), 15, 5).unwrap();
    app.require_backup_folder().unwrap();
    // The next day, nothing is required any more.
    app.set_clock(at("2026-03-16T08:00:00+07:00"));
    assert!(app.backup_requirement().unwrap().is_none());
}

/// A check-in is stamped with the app's time, in ICT whatever offset the
/// clock was given, and the turnout screen counts it in that hour.
#[test]
fn check_ins_are_stamped_and_counted_by_the_hour_of_the_apps_clock() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = official_team(dir.path());
    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    app.set_backup_settings(Some(&usb.display().to_string()), 15, 5).unwrap();
    app.set_clock(at("2026-03-15T00:12:03Z"));
    let first = app.checkin(1, None, false).unwrap();
    assert_eq!(first.at, "2026-03-15T07:12:03+07:00");
    app.set_clock(at("2026-03-15T09:30:00+07:00"));
    app.checkin(2, None, false).unwrap();
    app.checkin(3, None, false).unwrap();
    let view = app.turnout_view().unwrap();
    let by_hour: Vec<(u32, u32)> = view.hourly.iter().filter(|h| h.count > 0).map(|h| (h.hour, h.count)).collect();
    assert_eq!(by_hour, vec![(7, 1), (9, 2)]);
}

/// The close of voting cannot be recorded before it happens: a closing
/// time later than the app's clock is refused, the same one an hour later
/// is taken.
#[test]
fn a_closing_time_in_the_future_of_the_apps_clock_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = official_team(dir.path());
    app.set_clock(at("2026-03-15T18:00:00+07:00"));
    let refused = app.record_closing("19:00");
    app.set_clock(at("2026-03-15T19:05:00+07:00"));
    let taken = app.record_closing("19:00");
    let e = refused.err().map(|e| e.code());
    assert_eq!(e, Some(ErrorCode::Time));
    assert_eq!(taken.unwrap().closing_time.as_deref(), Some("19:00"));
}

/// One entry of the demo's QH tally sheet: 10 received, 9 valid, 1 invalid,
/// 2, 3 and 4 ballots keeping 1, 2 and 3 names (Σ k·n_k = 20 votes).
fn qh_sheet(entry: u32, by: &str, votes: Vec<u32>) -> tobaucu_ipc::TallySheetInput {
    tobaucu_ipc::TallySheetInput { level: "QH".into(), entry, entered_by: by.into(), received: 10, valid: 9, invalid: 1, invalid_by_reason: Default::default(), groups: vec![2, 3, 4], votes }
}

/// A ballot row edited outside the app (`sqlite3`) is refused at the
/// counting desk, never counted as the votes it happens to spell (Art. 74:
/// a valid ballot keeps at most as many names as seats, each on the
/// ballot): repeated or unordered positions, a position not on the ballot,
/// a valid ballot keeping no one.
#[test]
fn a_ballot_row_edited_outside_the_app_is_refused_not_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = official_team(dir.path());
    app.enter_ballot("QH", None, "1 2").unwrap();
    let votes_before = app.live_tally("QH").unwrap().candidates[0].votes;
    assert_eq!(votes_before, 1);
    let db = rusqlite::Connection::open(dir.path().join("to.sqlite")).unwrap();
    for damaged in ["1 1", "2 1", "9", "", "1 x"] {
        db.execute("UPDATE ballot SET kept = ?1 WHERE level = 'QH'", [damaged]).unwrap();
        let e = app.live_tally("QH").unwrap_err();
        assert_eq!(e.code(), ErrorCode::DbCorrupt, "{damaged}: {e}");
    }
    db.execute("UPDATE ballot SET kept = '1 2' WHERE level = 'QH'", []).unwrap();
    assert_eq!(app.live_tally("QH").unwrap().candidates[0].votes, 1);
}

/// A tally-sheet entry edited outside the app is refused wherever it is
/// read (the double-entry status and the summary), never read as zeros or
/// as the figures it happens to spell (Art. 73-74, NQ 40 mẫu 24: the
/// minutes carry the figures both entries agreed on).
#[test]
fn a_tally_entry_edited_outside_the_app_is_refused_not_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = official_team(dir.path());
    app.enter_tally(&qh_sheet(1, "Lê Thị Ký", vec![8, 6, 3, 1, 2])).unwrap();
    assert!(app.enter_tally(&qh_sheet(2, "Trần Văn Hai", vec![8, 6, 3, 1, 2])).unwrap().agreed);
    let db = rusqlite::Connection::open(dir.path().join("to.sqlite")).unwrap();
    let good: String = db.query_row("SELECT data FROM tally_entry WHERE level = 'QH' AND entry = 2", [], |r| r.get(0)).unwrap();
    let damaged = [
        "not json".to_owned(),
        "null".to_owned(),
        good.replace("\"received\":10", "\"received\":-10"),
        good.replace("\"received\":10", "\"received\":4294967296"),
        good.replace("\"received\":10,", ""),
        good.replace("\"received\":10", "\"received\":10,\"extra\":1"),
        good.replace("[8,6,3,1,2]", "[8,6,3,1,\"2\"]"),
    ];
    for d in &damaged {
        assert_ne!(d, &good);
        db.execute("UPDATE tally_entry SET data = ?1 WHERE level = 'QH' AND entry = 2", [d]).unwrap();
        assert_eq!(app.tally_status("QH").unwrap_err().code(), ErrorCode::DbCorrupt, "{d}");
        assert_eq!(app.summary("QH").unwrap_err().code(), ErrorCode::DbCorrupt, "{d}");
    }
    db.execute("UPDATE tally_entry SET data = ?1 WHERE level = 'QH' AND entry = 2", [&good]).unwrap();
    assert!(app.tally_status("QH").unwrap().agreed);
}

/// The Tổ trưởng's decision on a differing field of the two tally entries
/// (issue 15 §4), edited outside the app, is refused where it is read; it
/// is never dropped as if the field were still undecided, nor read as the
/// choice it happens to spell.
#[test]
fn a_tally_decision_edited_outside_the_app_is_refused() {
    use tobaucu_ipc::TallyDecisionInput;
    let dir = tempfile::tempdir().unwrap();
    let mut app = official_team(dir.path());
    app.enter_tally(&qh_sheet(1, "Lê Thị Ký", vec![8, 6, 3, 1, 2])).unwrap();
    assert!(!app.enter_tally(&qh_sheet(2, "Trần Văn Hai", vec![8, 6, 3, 2, 1])).unwrap().agreed);
    let picks = [("votes.4".to_owned(), 1), ("votes.5".to_owned(), 1)].into_iter().collect();
    let st = app.decide_tally(&TallyDecisionInput { level: "QH".into(), picks, reenter: vec![], reenter_all: false, decided_by: "Nguyễn Văn Hùng".into() }).unwrap();
    assert!(st.agreed, "{st:?}");
    let db = rusqlite::Connection::open(dir.path().join("to.sqlite")).unwrap();
    // What a person with sqlite3 can do: drop the guards, edit, commit.
    db.execute_batch("PRAGMA ignore_check_constraints = ON; DROP TRIGGER tally_fix_no_update; DROP TRIGGER tally_fix_no_delete; CREATE TABLE fix_copy AS SELECT * FROM tally_fix").unwrap();
    for damage in ["UPDATE tally_fix SET first = -1", "UPDATE tally_fix SET action = 'guess'", "UPDATE tally_fix SET choice = 7"] {
        db.execute_batch(damage).unwrap();
        assert_eq!(app.tally_status("QH").unwrap_err().code(), ErrorCode::DbCorrupt, "{damage}");
        db.execute_batch("DELETE FROM tally_fix; INSERT INTO tally_fix SELECT * FROM fix_copy").unwrap();
    }
    assert!(app.tally_status("QH").unwrap().agreed);
}
