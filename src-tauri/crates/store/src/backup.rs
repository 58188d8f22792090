//! Sao lưu: consistent copies of a database while it is in use (SQLite's
//! online backup), the bundle store beside it, and restoring one; user
//! settings and the record of backups made.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use crate::{migrate, Error, Read, Result, Store, Tx};

/// One backup made, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct BackupRunRow {
    pub id: i64,
    pub at: String,
    pub path: String,
    pub size: i64,
    pub sha256: String,
    pub pdf: Option<String>,
}

use crate::sidefiles::{beside, sync_dir, sync_file, with_suffix, Side, WRITING};

/// Checks that `path` is a sound database of this app that this version can
/// open: integrity, our migrations table, not newer.
pub fn check_copy(path: &Path) -> Result<()> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| Error::NotOurs(format!("{}: {e}", path.display())))?;
    if ok != "ok" {
        return Err(Error::NotOurs(format!("{}: kiểm tra toàn vẹn không đạt ({ok})", path.display())));
    }
    let version: Option<i64> =
        conn.query_row("SELECT max(version) FROM schema_migration", [], |r| r.get(0)).map_err(|_| Error::NotOurs(format!("{} không phải bản sao lưu của Tổ Bầu Cử", path.display())))?;
    // The newest version, not the count: versions may have gaps (8 was
    // being written on another branch when 9 was added).
    let known = migrate::MIGRATIONS.last().map_or(0, |m| m.version);
    match version {
        Some(v) if v > known => Err(Error::NewerVersion { found: v, known }),
        Some(_) => Ok(()),
        None => Err(Error::NotOurs(format!("{} không phải bản sao lưu của Tổ Bầu Cử", path.display()))),
    }
}

/// The last audit entry (id, chain hash) of another database file (a
/// backup), read only: an anchor the live log must still contain.
pub fn audit_head_of(path: &Path) -> Result<Option<(i64, String)>> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    let row: Option<(i64, Option<String>)> = conn.query_row("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?))).map(Some).or_else(|e| {
        if e == rusqlite::Error::QueryReturnedNoRows {
            Ok(None)
        } else {
            Err(e)
        }
    })?;
    Ok(row.map(|(id, h)| (id, h.unwrap_or_default())))
}

impl Store {
    /// Copies the database, as it is at this moment, to `dest` (which must
    /// not exist) with SQLite's online backup, syncs it, and copies the
    /// bundle store next to it (`<dest>-goi`; the database copy references
    /// only bytes already in it). The copy is checked before returning.
    pub fn backup_to(&self, dest: &Path, held_at: &str) -> Result<()> {
        let tmp = with_suffix(dest, WRITING);
        let _ = std::fs::remove_file(&tmp);
        let io = |e: std::io::Error| Error::Backup { path: dest.to_path_buf(), source: e };
        let result = (|| -> Result<()> {
            {
                let mut out = Connection::open(&tmp)?;
                {
                    let b = rusqlite::backup::Backup::new(&self.conn, &mut out)?;
                    b.run_to_completion(1024, std::time::Duration::ZERO, None)?;
                }
                // A laptop of a group of desks: the copy is held (migration
                // 0020) whoever puts it back and however (the app's restore,
                // or the file copied by hand); the live file is not.
                out.execute("UPDATE desk_self SET held_since = coalesce(held_since, ?1), held_heard = '' WHERE id = 1", [held_at])?;
                // One self-contained file: the copy's journal is folded in,
                // so checking it (read only) leaves no `-wal`/`-shm` beside
                // it. The app opens it in WAL mode again when it is used.
                out.pragma_update(None, "journal_mode", "DELETE")?;
            }
            sync_file(&tmp).map_err(io)?;
            check_copy(&tmp)?;
            if let Some(pack) = self.pack_path().filter(|p| p.is_file()) {
                let to = beside(dest, Side::Pack);
                let tmp_pack = with_suffix(&to, WRITING);
                std::fs::copy(&pack, &tmp_pack).map_err(io)?;
                sync_file(&tmp_pack).map_err(io)?;
                std::fs::rename(&tmp_pack, &to).map_err(io)?;
            }
            std::fs::rename(&tmp, dest).map_err(io)?;
            if let Some(dir) = dest.parent() {
                sync_dir(dir);
            }
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
            let _ = std::fs::remove_file(with_suffix(&beside(dest, Side::Pack), WRITING));
        }
        result
    }

    /// Restores `backup` as the database at `target`. A database already at
    /// `target` is never deleted: it and its `-wal`, `-shm` and `-goi`
    /// files are renamed with `aside_suffix` (returned: the old file's new
    /// path). The backup is checked first; nothing moves if it is unsound.
    pub fn restore(backup: &Path, target: &Path, aside_suffix: &str) -> Result<Option<PathBuf>> {
        check_copy(backup)?;
        let io = |e: std::io::Error| Error::Backup { path: target.to_path_buf(), source: e };
        let tmp = with_suffix(target, ".dang-khoi-phuc");
        std::fs::copy(backup, &tmp).map_err(io)?;
        sync_file(&tmp).map_err(io)?;
        let pack = beside(backup, Side::Pack);
        let tmp_pack = with_suffix(target, &format!("{}.dang-khoi-phuc", Side::Pack.suffix()));
        if pack.is_file() {
            std::fs::copy(&pack, &tmp_pack).map_err(io)?;
            sync_file(&tmp_pack).map_err(io)?;
        }
        let mut aside = None;
        if target.exists() {
            let moved = with_suffix(target, aside_suffix);
            for ext in Side::DATA.map(Side::suffix) {
                let f = with_suffix(target, ext);
                if f.exists() {
                    std::fs::rename(&f, with_suffix(&moved, ext)).map_err(io)?;
                }
            }
            std::fs::rename(target, &moved).map_err(io)?;
            aside = Some(moved);
        }
        if pack.is_file() {
            std::fs::rename(&tmp_pack, beside(target, Side::Pack)).map_err(io)?;
        }
        std::fs::rename(&tmp, target).map_err(io)?;
        if let Some(dir) = target.parent() {
            sync_dir(dir);
        }
        Ok(aside)
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.prepare_cached("SELECT value FROM setting WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()?)
    }

    pub fn backup_runs(&self) -> Result<Vec<BackupRunRow>> {
        let mut st = self.conn().prepare_cached("SELECT id, at, path, size, sha256, pdf FROM backup_run ORDER BY id")?;
        let rows = st.query_map([], |r| Ok(BackupRunRow { id: r.get(0)?, at: r.get(1)?, path: r.get(2)?, size: r.get(3)?, sha256: r.get(4)?, pdf: r.get(5)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Tx<'_> {
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.tx.execute("INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", params![key, value])?;
        Ok(())
    }

    pub fn insert_backup_run(&self, r: &BackupRunRow) -> Result<()> {
        self.tx.execute("INSERT INTO backup_run (at, path, size, sha256, pdf) VALUES (?1, ?2, ?3, ?4, ?5)", params![r.at, r.path, r.size, r.sha256, r.pdf])?;
        Ok(())
    }
}
