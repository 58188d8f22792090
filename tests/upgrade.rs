//! Issue 17 §2: upgrades keep the data. Each released schema has its
//! databases under `tests/fixtures/releases/v<N>/`, made by that release's
//! `tobaucu demo` (see the README there): a team (voters, check-ins,
//! counted ballots, three finalized minutes, an export) and the commune
//! board that imported every team (with its bundle store `-goi`), plus the
//! team's signed bundle. Each must open in this version — migrated after a
//! copy of the file is kept beside it —, say what it said, and its bundles
//! must still verify. A new schema adds a directory here; none is removed.

use std::path::{Path, PathBuf};

use tobaucu_app::App;

/// Every released schema with a fixture: (directory, schema version).
const RELEASES: &[(&str, i64)] = &[("v18", 18)];

fn fixture(release: &str) -> (tempfile::TempDir, PathBuf) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/releases").join(release);
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(&from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
        }
    }
    let path = dir.path().to_path_buf();
    (dir, path)
}

fn newest_schema() -> i64 {
    tobaucu_store::MIGRATIONS.last().map_or(0, |m| m.version)
}

#[test]
fn each_released_team_database_opens_with_its_figures_and_its_bundle_verifies() {
    for &(release, schema) in RELEASES {
        let (_keep, dir) = fixture(release);
        let db = dir.join("to-X0412-KV01.sqlite");
        let app = App::open(&db).unwrap_or_else(|e| panic!("{release}: {e}"));
        let copy = tobaucu_store::sidefiles::before_upgrade(&db, schema);
        assert_eq!(copy.is_file(), schema < newest_schema(), "{release}: the copy kept before an upgrade");
        let s = app.status().unwrap();
        assert!(s.set_up && s.rehearsal, "{release}");
        assert_eq!(s.unit_id.as_deref(), Some("X0412-KV01"));
        assert_eq!(s.voters, 620, "{release}: the voter list");
        let levels = app.count_overview().unwrap();
        assert_eq!(levels.len(), 3, "{release}");
        for l in &levels {
            assert_eq!(l.status, tobaucu_ipc::MinutesStatus::Final, "{release}: {} locked", l.code);
            assert!(l.received > 0, "{release}: {} counted", l.code);
        }
        let turnout = app.turnout_view().unwrap();
        assert!(turnout.levels.iter().all(|l| l.voters_voted > 0), "{release}: check-ins");
        let audit = app.audit_verify().unwrap();
        assert!(audit.ok, "{release}: {}", audit.message);
        // Its own signed bundle still verifies here.
        let report = app.verify_bundle(&dir.join("X0412-KV01-goi001.tbc")).unwrap();
        assert!(report.ok, "{release}: {:?}", report.checks.iter().filter(|c| !c.ok).collect::<Vec<_>>());
    }
}

#[test]
fn each_released_board_database_opens_with_its_results_and_takes_its_bundles_again() {
    for &(release, schema) in RELEASES {
        let (_keep, dir) = fixture(release);
        let db = dir.join("xa-X0412.sqlite");
        let mut app = App::open(&db).unwrap_or_else(|e| panic!("{release}: {e}"));
        assert_eq!(tobaucu_store::sidefiles::before_upgrade(&db, schema).is_file(), schema < newest_schema());
        let audit = app.audit_verify().unwrap();
        assert!(audit.ok && audit.data_problems.is_empty(), "{release}: {} {:?}", audit.message, audit.data_problems);
        let board = app.board_status().unwrap();
        assert_eq!((board.areas_expected, board.areas_reported), (6, 6), "{release}");
        let results = app.results().unwrap();
        assert!(!results.constituencies.is_empty());
        for (id, c) in &results.constituencies {
            assert!(c.complete, "{release}: {id} complete");
            assert!(c.candidates.iter().any(|x| x.elected), "{release}: {id} has winners");
        }
        // The team's bundle, verified and offered again: already held.
        let tbc = dir.join("X0412-KV01-goi001.tbc");
        let report = app.verify_bundle(&tbc).unwrap();
        assert!(report.ok, "{release}: {:?}", report.checks.iter().filter(|c| !c.ok).collect::<Vec<_>>());
        let again = app.import_bundle(&tbc, None).unwrap();
        assert_ne!(again.outcome, "refused", "{release}: {}", again.message);
    }
}
