//! Embedded, numbered, append-only migrations.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// One schema step: a number, a name and its SQL.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, in order. Append only: a released file never changes.
pub const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "0001_init", sql: include_str!("../migrations/0001_init.sql") },
    Migration { version: 2, name: "0002_counting", sql: include_str!("../migrations/0002_counting.sql") },
    Migration { version: 3, name: "0003_bundles", sql: include_str!("../migrations/0003_bundles.sql") },
    Migration { version: 4, name: "0004_bundle_pack", sql: include_str!("../migrations/0004_bundle_pack.sql") },
    Migration { version: 5, name: "0005_backups", sql: include_str!("../migrations/0005_backups.sql") },
    Migration { version: 6, name: "0006_lineage", sql: include_str!("../migrations/0006_lineage.sql") },
    Migration { version: 7, name: "0007_official_paper", sql: include_str!("../migrations/0007_official_paper.sql") },
    Migration { version: 8, name: "0008_board_minutes", sql: include_str!("../migrations/0008_board_minutes.sql") },
    Migration { version: 9, name: "0009_voter_residence", sql: include_str!("../migrations/0009_voter_residence.sql") },
    Migration { version: 10, name: "0010_team_rounds", sql: include_str!("../migrations/0010_team_rounds.sql") },
    Migration { version: 14, name: "0014_lineage_key", sql: include_str!("../migrations/0014_lineage_key.sql") },
    Migration { version: 15, name: "0015_board_team_complaints", sql: include_str!("../migrations/0015_board_team_complaints.sql") },
    Migration { version: 16, name: "0016_board_day", sql: include_str!("../migrations/0016_board_day.sql") },
    Migration { version: 17, name: "0017_rehearsal", sql: include_str!("../migrations/0017_rehearsal.sql") },
    Migration { version: 18, name: "0018_rehearsal_board_day", sql: include_str!("../migrations/0018_rehearsal_board_day.sql") },
    Migration { version: 19, name: "0019_desks", sql: include_str!("../migrations/0019_desks.sql") },
    Migration { version: 20, name: "0020_desk_hold", sql: include_str!("../migrations/0020_desk_hold.sql") },
];

/// SHA-256 of a migration's SQL, hex.
pub fn checksum(sql: &str) -> String {
    let digest = Sha256::digest(sql.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Brings the database to the newest schema. A file made by an earlier
/// release (`path`, schema `user_version` > 0 with steps missing) is first
/// copied beside itself, whole and consistent (`VACUUM INTO`, synced), as
/// `<db>.truoc-nang-cap-v<N>` ([`crate::sidefiles::before_upgrade`]): if
/// the new version turns out wrong, the commune goes back to that file
/// with the previous release. The copy shares the database's `-goi` (the
/// bundle store is append-only: every offset the copy names stays valid).
/// No copy, no upgrade: the file is left as it was.
pub(crate) fn migrate(conn: &mut Connection, path: Option<&Path>) -> Result<()> {
    let known = MIGRATIONS.last().map_or(0, |m| m.version);
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > known {
        return Err(Error::NewerVersion { found, known });
    }
    if let Some(path) = path {
        if found > 0 && pending(conn)? {
            keep_copy(conn, path, found)?;
        }
    }
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migration (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            sha256     TEXT NOT NULL,
            applied_at TEXT NOT NULL
        ) STRICT;",
    )?;
    // Foreign keys are off while migrations run (a migration may rebuild a
    // table others refer to, as 0009 does: with them on, dropping the old
    // table would delete or refuse the rows that point at it) and each
    // migration is checked with `PRAGMA foreign_key_check` before it
    // commits. The pragma is a no-op inside a transaction: set here.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let result = apply_pending(conn, i64::MAX);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    result
}

/// Whether a migration of this release is not applied yet.
fn pending(conn: &Connection) -> Result<bool> {
    let has_table: bool = conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migration'", [], |r| r.get::<_, i64>(0))? > 0;
    if !has_table {
        return Ok(true);
    }
    let mut stmt = conn.prepare("SELECT version FROM schema_migration")?;
    let applied: std::collections::HashSet<i64> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(MIGRATIONS.iter().any(|m| !applied.contains(&m.version)))
}

/// The copy kept before an upgrade from schema `from` (written to a
/// temporary name, synced, renamed, the folder synced). An earlier copy of
/// the same schema is kept as it is: it is the file as that release left it.
fn keep_copy(conn: &Connection, db: &Path, from: i64) -> Result<()> {
    let copy = crate::sidefiles::before_upgrade(db, from);
    if copy.exists() {
        return Ok(());
    }
    let fail = |message: String| Error::UpgradeCopy { path: copy.display().to_string(), message };
    let tmp = crate::sidefiles::with_suffix(&copy, crate::sidefiles::WRITING);
    let _ = std::fs::remove_file(&tmp);
    conn.execute("VACUUM INTO ?1", [tmp.to_string_lossy().as_ref()]).map_err(|e| fail(e.to_string()))?;
    crate::sidefiles::sync_file(&tmp).map_err(|e| fail(e.to_string()))?;
    std::fs::rename(&tmp, &copy).map_err(|e| fail(e.to_string()))?;
    if let Some(dir) = copy.parent() {
        crate::sidefiles::sync_dir(dir);
    }
    Ok(())
}

/// Applies every missing migration up to version `upto`.
pub(crate) fn apply_pending(conn: &mut Connection, upto: i64) -> Result<()> {
    for m in MIGRATIONS.iter().take_while(|m| m.version <= upto) {
        let applied: Option<String> = conn.query_row("SELECT sha256 FROM schema_migration WHERE version = ?1", [m.version], |r| r.get(0)).map(Some).or_else(|e| {
            if e == rusqlite::Error::QueryReturnedNoRows {
                Ok(None)
            } else {
                Err(e)
            }
        })?;
        match applied {
            Some(sum) if sum == checksum(m.sql) => continue,
            Some(_) => return Err(Error::EditedMigration { version: m.version }),
            None => {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                tx.execute_batch(m.sql)?;
                let broken: Option<String> = tx.query_row("PRAGMA foreign_key_check", [], |r| r.get(0)).optional()?;
                if let Some(table) = broken {
                    return Err(Error::Sqlite(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                        Some(format!("migration {} left rows of {table} without the row they refer to", m.name)),
                    )));
                }
                if m.version == 3 {
                    // The chain is created with its columns, once, in the
                    // same transaction: never later over existing rows.
                    crate::bundles::chain_existing(&tx)?;
                }
                tx.execute("INSERT INTO schema_migration (version, name, sha256, applied_at) VALUES (?1, ?2, ?3, datetime('now'))", params![m.version, m.name, checksum(m.sql)])?;
                tx.pragma_update(None, "user_version", m.version)?;
                tx.commit()?;
            }
        }
    }
    Ok(())
}
