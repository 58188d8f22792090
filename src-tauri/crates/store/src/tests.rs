//! Store tests: durability settings, migrations, constraints.

use super::*;

fn voter(stt: i64, id_number: Option<&str>) -> VoterRow {
    VoterRow {
        id: 0,
        stt,
        name: format!("Cử tri {stt}"),
        birth_date: "1980-01-02".into(),
        gender: "Nam".into(),
        ethnicity: "Kinh".into(),
        id_number: id_number.map(String::from),
        residence: String::new(),
        residence_temporary: String::new(),
        residence_current: String::new(),
        note: String::new(),
        status: "active".into(),
        certificate: None,
        mobile_box: false,
        added_at: "2026-03-01T08:00:00+07:00".into(),
        levels: vec!["QH".into(), "XA".into()],
    }
}

#[test]
fn pragmas_are_durable() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| Error::NotOurs(e.to_string()))?;
    let store = Store::open(&dir.path().join("t.sqlite"))?;
    let mode: String = store.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    let sync: i64 = store.conn().query_row("PRAGMA synchronous", [], |r| r.get(0))?;
    let fk: i64 = store.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    assert_eq!((mode.as_str(), sync, fk), ("wal", 2, 1));
    Ok(())
}

#[test]
fn released_migrations_are_never_edited() {
    // Append-only: if this fails, a released migration was edited. Add a new
    // numbered file instead and append its checksum here.
    let released = [
        (1, "0001_init", "5d52b7430f2cccb6d1d5a954febb1b8fc752f01beeddaa838954866723771449"),
        (2, "0002_counting", "7cbe2fa16779a7a48a38b6122bd4a10f248067964f1b390c88f01ca8eb953945"),
        (3, "0003_bundles", "89f217ac878f778819090287e0b81ef405afa850dcf4abc4b5e92a931b62a385"),
        (4, "0004_bundle_pack", "337ed935c17f0b9d1901802e550d18fc89f6b4e6b5e0437f2bff26dcb282d964"),
        (5, "0005_backups", "771e7d14e57c9aa33e538db14efe9ad087717707fb077422f57f6a9610f792d4"),
    ];
    for (i, (version, name, sum)) in released.iter().enumerate() {
        let m = &MIGRATIONS[i];
        assert_eq!((m.version, m.name), (*version, *name));
        assert_eq!(migrate::checksum(m.sql), *sum, "migration {name} was edited after release");
    }
}

#[test]
fn edited_applied_migration_is_refused() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| Error::NotOurs(e.to_string()))?;
    let path = dir.path().join("t.sqlite");
    drop(Store::open(&path)?);
    let conn = rusqlite::Connection::open(&path)?;
    conn.execute("UPDATE schema_migration SET sha256 = 'x' WHERE version = 1", [])?;
    drop(conn);
    assert!(matches!(Store::open(&path), Err(Error::EditedMigration { version: 1 })));
    Ok(())
}

/// A database at `path` as the previous release (every migration but the
/// last) leaves it.
fn previous_release_file(path: &std::path::Path) -> Result<rusqlite::Connection> {
    let mut conn = rusqlite::Connection::open(path)?;
    conn.execute_batch("CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;")?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    migrate::apply_pending(&mut conn, MIGRATIONS[MIGRATIONS.len() - 2].version)?;
    Ok(conn)
}

/// Issue 17 §2: a file made by an earlier release is copied beside itself
/// before the new release's migrations run; the copy is that release's
/// file, row for row, and opens no further than its own schema.
#[test]
fn an_older_schema_is_copied_beside_the_file_before_it_is_upgraded() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| Error::NotOurs(e.to_string()))?;
    let path = dir.path().join("t.sqlite");
    let previous = MIGRATIONS[MIGRATIONS.len() - 2].version;
    {
        // The file as the previous release left it: its schema, a voter.
        let conn = previous_release_file(&path)?;
        conn.execute("INSERT INTO voter (stt, name, gender, birth_date, residence, added_at) VALUES (1, 'Nguyễn Văn A', 'Nam', '1990-01-01', 'Thôn 1', '2026-03-01T08:00:00+07:00')", [])?;
    }
    let store = Store::open(&path)?;
    let newest = MIGRATIONS[MIGRATIONS.len() - 1].version;
    let version = |c: &rusqlite::Connection| c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0));
    assert_eq!(version(&store.conn)?, newest);
    let copy = sidefiles::before_upgrade(&path, previous);
    assert!(copy.is_file(), "{} kept", copy.display());
    assert!(!sidefiles::with_suffix(&copy, sidefiles::WRITING).exists());
    let old = rusqlite::Connection::open(&copy)?;
    assert_eq!(version(&old)?, previous);
    assert_eq!(old.query_row("SELECT name FROM voter WHERE stt = 1", [], |r| r.get::<_, String>(0))?, "Nguyễn Văn A");
    drop(old);
    drop(store);
    // Opened again: nothing pending, no second copy.
    std::fs::remove_file(&copy).map_err(|e| Error::NotOurs(e.to_string()))?;
    drop(Store::open(&path)?);
    assert!(!copy.exists());
    // A new file is not copied either.
    drop(Store::open(&dir.path().join("moi.sqlite"))?);
    assert_eq!(std::fs::read_dir(dir.path()).map_err(|e| Error::NotOurs(e.to_string()))?.filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().contains("truoc-nang-cap")).count(), 0);
    Ok(())
}

/// No copy, no upgrade: when the copy cannot be written, the file stays at
/// its schema and nothing is changed.
#[cfg(unix)]
#[test]
fn no_copy_no_upgrade() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| Error::NotOurs(e.to_string()))?;
    let path = dir.path().join("t.sqlite");
    let previous = MIGRATIONS[MIGRATIONS.len() - 2].version;
    drop(previous_release_file(&path)?);
    // Where the copy is written first, a folder: the copy cannot be made.
    let copy = sidefiles::before_upgrade(&path, previous);
    let tmp = sidefiles::with_suffix(&copy, sidefiles::WRITING);
    std::fs::create_dir(&tmp).map_err(|e| Error::NotOurs(e.to_string()))?;
    std::fs::write(tmp.join("giu"), b"x").map_err(|e| Error::NotOurs(e.to_string()))?;
    let e = Store::open(&path).err();
    assert!(matches!(e, Some(Error::UpgradeCopy { .. })), "{e:?}");
    let conn = rusqlite::Connection::open(&path)?;
    assert_eq!(conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))?, previous);
    Ok(())
}

#[test]
fn newer_database_is_refused() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| Error::NotOurs(e.to_string()))?;
    let path = dir.path().join("t.sqlite");
    drop(Store::open(&path)?);
    let conn = rusqlite::Connection::open(&path)?;
    conn.pragma_update(None, "user_version", 999)?;
    drop(conn);
    match Store::open(&path) {
        Err(e @ Error::NewerVersion { found: 999, .. }) => {
            assert!(e.to_string().contains("phiên bản mới hơn"))
        }
        other => panic!("expected refusal, got {:?}", other.err()),
    }
    Ok(())
}

#[test]
fn not_a_database_is_refused() {
    let dir = tempfile::tempdir().ok();
    let Some(dir) = dir else { return };
    let path = dir.path().join("t.sqlite");
    let _ = std::fs::write(&path, b"this is a spreadsheet, not a database, but long enough to matter....................");
    assert!(matches!(Store::open(&path), Err(Error::NotOurs(_))));
}

#[test]
fn constraints_hold() -> Result<()> {
    let mut store = Store::open_in_memory()?;
    store.write(|tx| tx.insert_voter(&voter(1, Some("038090001234"))).map(drop))?;
    // Duplicate STT, duplicate ID number, a bad gender: all refused by the schema.
    assert!(store.write(|tx| tx.insert_voter(&voter(1, None)).map(drop)).is_err());
    assert!(store.write(|tx| tx.insert_voter(&voter(2, Some("038090001234"))).map(drop)).is_err());
    let mut bad = voter(3, None);
    bad.gender = "X".into();
    assert!(store.write(|tx| tx.insert_voter(&bad).map(drop)).is_err());
    assert_eq!(store.voter_count()?, 1);
    Ok(())
}

#[test]
fn failed_transaction_changes_nothing() -> Result<()> {
    let mut store = Store::open_in_memory()?;
    let r: Result<()> = store.write(|tx| {
        tx.insert_voter(&voter(1, None))?;
        tx.insert_voter(&voter(1, None))?; // fails: duplicate STT
        Ok(())
    });
    assert!(r.is_err());
    assert_eq!(store.voter_count()?, 0);
    Ok(())
}

#[test]
fn in_a_batch_each_action_is_all_or_nothing_and_the_commit_makes_them_durable() -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| Error::NotOurs(e.to_string()))?;
    let path = dir.path().join("b.sqlite");
    let mut store = Store::open(&path)?;
    store.begin_batch()?;
    store.write(|tx| tx.insert_voter(&voter(1, None)).map(|_| ()))?;
    let failed: Result<()> = store.write(|tx| {
        tx.insert_voter(&voter(2, None))?;
        tx.insert_voter(&voter(2, None))?; // fails: duplicate STT
        Ok(())
    });
    assert!(failed.is_err());
    store.write(|tx| tx.insert_voter(&voter(3, None)).map(|_| ()))?;
    assert_eq!(store.voter_count()?, 2, "the failed action left nothing");
    // Not visible to another connection before the commit.
    assert_eq!(Store::open(&path)?.voter_count()?, 0);
    store.end_batch()?;
    assert_eq!(Store::open(&path)?.voter_count()?, 2);
    Ok(())
}

#[test]
fn one_live_checkin_per_voter_and_level() -> Result<()> {
    let mut store = Store::open_in_memory()?;
    let id = store.write(|tx| tx.insert_voter(&voter(1, None)))?;
    store.write(|tx| tx.insert_checkin(id, "QH", "2026-03-15T07:00:00+07:00", false))?;
    assert!(store.write(|tx| tx.insert_checkin(id, "QH", "2026-03-15T07:01:00+07:00", false)).is_err());
    assert_eq!(store.write(|tx| tx.undo_checkin(id, "QH", "2026-03-15T07:02:00+07:00", "nhầm người"))?, 1);
    store.write(|tx| tx.insert_checkin(id, "QH", "2026-03-15T07:03:00+07:00", false))?;
    assert_eq!(store.live_checkins_of(id)?.len(), 1);
    assert_eq!(store.voted_per_level()?.get("QH"), Some(&1));
    Ok(())
}

/// A database as a release before 0009 left it: every migration up to
/// `last` applied, as `migrate` applies them.
fn database_at(path: &std::path::Path, last: i64) -> Result<rusqlite::Connection> {
    let mut conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(
        "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
         sha256 TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;",
    )?;
    for m in MIGRATIONS.iter().filter(|m| m.version <= last) {
        let tx = conn.transaction()?;
        tx.execute_batch(m.sql)?;
        if m.version == 3 {
            crate::bundles::chain_existing(&tx)?;
        }
        tx.execute("INSERT INTO schema_migration VALUES (?1, ?2, ?3, 'x')", rusqlite::params![m.version, m.name, migrate::checksum(m.sql)])?;
        tx.pragma_update(None, "user_version", m.version)?;
        tx.commit()?;
    }
    Ok(conn)
}

#[test]
fn migration_0009_keeps_every_voter_level_and_checkin_and_splits_the_residences() -> Result<()> {
    // NQ 40, Mẫu 31/HĐBC: a list imported before 0009, with check-ins.
    let dir = tempfile::tempdir().map_err(|e| Error::NotOurs(e.to_string()))?;
    let path = dir.path().join("cu.sqlite");
    let conn = database_at(&path, 7)?;
    conn.execute_batch(
        "INSERT INTO voter (id, stt, name, birth_date, gender, residence, added_at) VALUES
           (1, 1, 'Nguyễn Văn An', '1960-07-05', 'Nam', 'Thôn 1', 't'),
           (2, 2, 'Lê Thị Hoa', '1985-02-11', 'Nữ', 'Tạm trú: Xóm 5, xã Thiệu Long', 't');
         INSERT INTO voter_level VALUES (1, 'QH'), (1, 'XA'), (2, 'QH');
         INSERT INTO checkin (voter_id, level, at) VALUES (1, 'QH', '2026-03-15T07:00:00+07:00');",
    )?;
    // A year alone did not fit before.
    assert!(conn.execute("UPDATE voter SET birth_date = '1960' WHERE id = 1", []).is_err());
    drop(conn);
    let mut store = Store::open(&path)?;
    let v = store.voters()?;
    assert_eq!(v.len(), 2);
    assert_eq!((v[0].residence.as_str(), v[0].residence_temporary.as_str()), ("Thôn 1", ""));
    assert_eq!((v[1].residence.as_str(), v[1].residence_temporary.as_str(), v[1].residence_current.as_str()), ("", "Xóm 5, xã Thiệu Long", ""));
    assert_eq!(v[0].levels, ["QH", "XA"]);
    assert_eq!(store.live_checkins_of(1)?.len(), 1);
    let fk: i64 = store.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    assert_eq!(fk, 1);
    // Now a year alone is stored as it is, and nothing else is.
    let mut year = voter(3, None);
    year.birth_date = "1955".into();
    store.write(|tx| tx.insert_voter(&year).map(drop))?;
    assert_eq!(store.voter_by_stt(3)?.map(|v| v.birth_date).as_deref(), Some("1955"));
    for bad in ["55", "1955-1", "1955-01-01x", "năm 1955"] {
        let mut b = voter(4, None);
        b.birth_date = bad.into();
        assert!(store.write(|tx| tx.insert_voter(&b).map(drop)).is_err(), "{bad}");
    }
    // Foreign keys hold on the rebuilt table.
    assert!(store.write(|tx| tx.insert_checkin(99, "QH", "2026-03-15T07:00:00+07:00", false)).is_err());
    Ok(())
}

#[test]
fn the_bans_decision_on_a_team_complaint_replaces_the_last_and_can_be_taken_back() -> Result<()> {
    // Migration 0015: one decision per complaint a Tổ forwarded (Mẫu
    // 19/24, items e and g).
    let mut store = Store::open_in_memory()?;
    store.write(|tx| tx.set_board_team_complaint("XA-04", 1, "X0412-KV04", 1, Some(("settled", "Đã trả lời"))))?;
    store.write(|tx| tx.set_board_team_complaint("XA-04", 1, "X0412-KV04", 1, Some(("forwarded", "Chuyển Ủy ban bầu cử"))))?;
    let rows = store.board_team_complaints("XA-04", 1)?;
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].decision.as_str(), rows[0].text.as_str()), ("forwarded", "Chuyển Ủy ban bầu cử"));
    assert!(store.board_team_complaints("XA-04", 2)?.is_empty(), "per round");
    assert!(store.write(|tx| tx.set_board_team_complaint("XA-04", 1, "X0412-KV04", 2, Some(("pending", "x")))).is_err(), "settled or forwarded only");
    assert!(store.write(|tx| tx.set_board_team_complaint("XA-04", 1, "X0412-KV04", 2, Some(("settled", "")))).is_err(), "never empty");
    store.write(|tx| tx.set_board_team_complaint("XA-04", 1, "X0412-KV04", 1, None))?;
    assert!(store.board_team_complaints("XA-04", 1)?.is_empty());
    Ok(())
}

/// A unit row for the rehearsal tests.
fn unit_row() -> UnitRow {
    UnitRow {
        kind: "area".into(),
        unit_id: "X0412-KV01".into(),
        election_id: "BC2026".into(),
        election_json: "{}".into(),
        election_sha256: "0".repeat(64),
        mode: "official".into(),
        created_at: "2026-03-10T08:00:00+07:00".into(),
    }
}

fn a_revision(level: &str) -> RevisionRow {
    RevisionRow { level: level.into(), revision: 1, finalized_at: "t".into(), reason: String::new(), data: "{}".into(), sha256: "a".repeat(64), reopened: None }
}

#[test]
fn rehearsal_is_chosen_only_at_setup_and_the_switch_happens_once() -> Result<()> {
    // Official from the start: no rehearsal row can be added later.
    let mut official = Store::open_in_memory()?;
    official.write(|tx| tx.insert_unit(&unit_row()))?;
    assert!(official.write(|tx| tx.insert_rehearsal("t")).is_err());
    assert!(official.write(|tx| tx.switch_to_official("t").map(drop)).is_err(), "nothing to switch");
    assert_eq!(official.rehearsal()?, None);

    let mut store = Store::open_in_memory()?;
    store.write(|tx| {
        tx.insert_rehearsal("2026-03-10T08:00:00+07:00")?;
        tx.insert_unit(&unit_row())
    })?;
    assert_eq!(store.rehearsal()?.map(|r| r.official_at), Some(None));
    // Rehearsal minutes are protected like any, outside the switch.
    store.write(|tx| tx.insert_revision(&a_revision("XA")))?;
    assert!(store.write(|tx| tx.raw_execute("DELETE FROM minutes_revision")).is_err());
    assert!(store.write(|tx| tx.raw_execute("DELETE FROM rehearsal")).is_err());
    let removed = store.write(|tx| tx.switch_to_official("2026-03-14T17:00:00+07:00"))?;
    assert!(removed.contains(&("minutes_revision", 1)));
    let r = store.rehearsal()?.unwrap_or_else(|| panic!("row kept"));
    assert_eq!(r.official_at.as_deref(), Some("2026-03-14T17:00:00+07:00"));
    assert!(r.removed.as_deref().is_some_and(|j| j.contains("\"minutes_revision\":1")));
    // The marker is gone; it cannot come back; nothing official is deletable.
    let marker: i64 = store.conn().query_row("SELECT count(*) FROM official_switch", [], |r| r.get(0))?;
    assert_eq!(marker, 0);
    assert!(store.write(|tx| tx.raw_execute("INSERT INTO official_switch (id) VALUES (1)")).is_err());
    store.write(|tx| tx.insert_revision(&a_revision("QH")))?;
    assert!(store.write(|tx| tx.raw_execute("DELETE FROM minutes_revision")).is_err());
    // No undo, no second switch.
    assert!(store.write(|tx| tx.raw_execute("UPDATE rehearsal SET official_at = NULL, removed = NULL")).is_err());
    assert!(store.write(|tx| tx.switch_to_official("later").map(drop)).is_err());
    Ok(())
}

/// The positions a ballot kept are stored as "1 3 5" and read back as
/// numbers; a row whose text is not positions (edited outside the app) is
/// refused, never read as the positions that happen to parse.
#[test]
fn kept_positions_round_trip_and_a_damaged_row_is_refused() -> Result<()> {
    let mut store = Store::open_in_memory()?;
    let rows = [Some(Positions(vec![1, 3, 5])), Some(Positions::default()), None];
    store.write(|tx| {
        let batch = tx.insert_batch("QH", "", "bàn kiểm phiếu", "2026-03-15T19:30:00+07:00")?;
        for (seq, kept) in (1..).zip(rows.iter()) {
            let invalid_reason = match kept {
                None => Some("khong_co_dau".to_owned()),
                Some(k) if k.0.is_empty() => Some("gach_het".to_owned()),
                Some(_) => None,
            };
            tx.insert_ballot(&BallotRow { id: 0, level: "QH".into(), seq, batch_id: batch, kept: kept.clone(), invalid_reason, at: "2026-03-15T19:31:00+07:00".into(), undone: false })?;
        }
        Ok::<(), Error>(())
    })?;
    let back: Vec<Option<Positions>> = store.ballots("QH")?.into_iter().map(|b| b.kept).collect();
    assert_eq!(back, rows);
    let text: Option<String> = store.conn().query_row("SELECT kept FROM ballot WHERE seq = 1", [], |r| r.get(0))?;
    assert_eq!(text.as_deref(), Some("1 3 5"));
    for damaged in ["1 x 5", "0", "1 -3", "70000", "1 1 1", "5 2", "+1 3", "01 3", "1  3", "1\u{a0}3", " 1", "1 "] {
        store.conn().execute("UPDATE ballot SET kept = ?1 WHERE seq = 1", [damaged])?;
        assert!(store.ballots("QH").is_err(), "{damaged} read as positions");
    }
    Ok(())
}
