//! Sao lưu trong ngày bầu cử (issue 5 §7): every N minutes (a user setting)
//! a consistent copy of the database (SQLite online backup) and, for a
//! polling team, the check-in list as PDF, to a second place the user picks
//! (a USB stick), keeping the last few; and restoring one.
//!
//! `backup_if_due` runs on the desktop shell's 30 s timer and in `tobaucu
//! backup auto`; a copy holds the database and its bundle store (`-goi`);
//! `restore_backup` checks the copy, keeps the old file aside and refuses
//! under an open window.

use crate::ErrorCode;
use std::path::{Path, PathBuf};

use tobaucu_ipc::{BackupDto, BackupSettingsDto};
use tobaucu_store::{BackupRunRow, DeskRead, Store};

use crate::{clock, convert::audit_entry, App, Error, Result};

const DIR: &str = "backup.dir";
const EVERY: &str = "backup.every_minutes";
const KEEP: &str = "backup.keep";
/// Defaults: every 15 minutes, the last 8 kept (two hours).
pub const DEFAULT_EVERY_MINUTES: u32 = 15;
pub const DEFAULT_KEEP: u32 = 8;

fn dto(r: &BackupRunRow) -> Result<BackupDto> {
    Ok(BackupDto { at: r.at.clone(), path: r.path.clone(), size: crate::convert::stored_u64("cỡ tệp sao lưu", r.size)?, sha256: r.sha256.clone(), pdf: r.pdf.clone(), removed: vec![] })
}

/// The backups of `unit` in `dir`, oldest first (names sort by time).
fn backups_in(dir: &Path, unit: &str) -> Vec<PathBuf> {
    let prefix = format!("{unit}-sao-luu-");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".sqlite")))
        .collect();
    v.sort();
    v
}

impl App {
    pub fn backup_settings(&self) -> Result<BackupSettingsDto> {
        let parse = |k: &str, d: u32| -> Result<u32> { Ok(self.store.setting(k)?.and_then(|v| v.parse().ok()).unwrap_or(d)) };
        Ok(BackupSettingsDto {
            dir: self.store.setting(DIR)?.filter(|d| !d.is_empty()),
            every_minutes: parse(EVERY, DEFAULT_EVERY_MINUTES)?,
            keep: parse(KEEP, DEFAULT_KEEP)?,
            last: self.store.backup_runs()?.last().map(dto).transpose()?,
        })
    }

    /// Sets where and how often; `dir` None turns automatic backups off.
    pub fn set_backup_settings(&mut self, dir: Option<&str>, every_minutes: u32, keep: u32) -> Result<BackupSettingsDto> {
        if !(1..=240).contains(&every_minutes) {
            return Err(Error::refused(ErrorCode::FieldInvalid, format!("chu kỳ sao lưu {every_minutes} phút không hợp lệ; chọn từ 1 đến 240 phút")));
        }
        if !(1..=100).contains(&keep) {
            return Err(Error::refused(ErrorCode::FieldInvalid, format!("số bản giữ lại {keep} không hợp lệ; chọn từ 1 đến 100")));
        }
        let dir = dir.map(tobaucu_core::text::clean).filter(|d| !d.is_empty());
        if let Some(d) = &dir {
            if !Path::new(d).is_dir() {
                return Err(Error::refused(ErrorCode::NoTarget, format!("{d}: không có thư mục này (USB đã cắm chưa?)")));
            }
            if self.db_path.parent().is_some_and(|p| same_dir(p, Path::new(d))) {
                return Err(Error::refused(ErrorCode::SamePlace, format!("{d} là thư mục chứa chính tệp dữ liệu; bản sao lưu phải ở nơi khác (USB)")));
            }
        }
        let now = clock::stamp(self.now());
        let value = dir.clone().unwrap_or_default();
        self.store.write(|tx| {
            tx.set_setting(DIR, &value)?;
            tx.set_setting(EVERY, &every_minutes.to_string())?;
            tx.set_setting(KEEP, &keep.to_string())?;
            tx.append_audit(&audit_entry(&now, "backup.settings", "sao lưu".into(), "", None, Some(serde_json::json!({"dir": value, "every_minutes": every_minutes, "keep": keep}).to_string())))?;
            Ok::<_, Error>(())
        })?;
        self.backup_settings()
    }

    /// Makes a backup now into `dir` (else the set folder).
    pub fn backup_now(&mut self, dir: Option<&Path>) -> Result<BackupDto> {
        let settings = self.backup_settings()?;
        let dir = match dir {
            Some(d) => d.to_path_buf(),
            None => PathBuf::from(settings.dir.clone().ok_or_else(|| Error::refused(ErrorCode::NoTarget, "chưa chọn nơi sao lưu (USB); hãy chọn thư mục trong phần Sao lưu"))?),
        };
        if !dir.is_dir() {
            return Err(Error::refused(ErrorCode::NoTarget, format!("{}: không có thư mục này (USB đã cắm chưa?)", dir.display())));
        }
        let (unit, kind) = self.unit_id()?;
        let now_t = self.now();
        let now = clock::stamp(now_t);
        let stem = format!("{unit}-sao-luu-{}", now_t.format("%Y%m%d-%H%M%S"));
        let path = dir.join(format!("{stem}.sqlite"));
        if path.exists() {
            return Err(Error::refused(ErrorCode::BackupExists, format!("{} đã có; chờ một giây rồi làm lại", path.display())));
        }
        self.store.backup_to(&path, &now).map_err(|e| match e {
            tobaucu_store::Error::Backup { path, source } => Error::io(&path, &source),
            other => Error::Store(other),
        })?;
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, &e))?;
        let sha256 = tobaucu_store::sha256_hex(&bytes);
        let pdf = if kind == tobaucu_ipc::UnitKind::Area {
            let p = dir.join(format!("{stem}-danh-sach-nhan-phieu.pdf"));
            let r = self.render_form("checkin-list", None, None)?;
            crate::write_atomic(&p, &r.bytes)?;
            Some(p.display().to_string())
        } else {
            None
        };
        // Rotation: keep the newest `keep` of this unit in that folder.
        let mut removed = Vec::new();
        let all = backups_in(&dir, &unit);
        let excess = all.len().saturating_sub(settings.keep as usize);
        for old in all.iter().take(excess) {
            let stem = old.with_extension("");
            for f in [old.clone(), tobaucu_store::sidefiles::beside(old, tobaucu_store::sidefiles::Side::Pack), PathBuf::from(format!("{}-danh-sach-nhan-phieu.pdf", stem.display()))] {
                if f.exists() && std::fs::remove_file(&f).is_ok() {
                    removed.push(f.display().to_string());
                }
            }
        }
        let row = BackupRunRow { id: 0, at: now.clone(), path: path.display().to_string(), size: i64::try_from(bytes.len()).unwrap_or(i64::MAX), sha256: sha256.clone(), pdf: pdf.clone() };
        self.store.write(|tx| {
            tx.insert_backup_run(&row)?;
            tx.append_audit(&audit_entry(&now, "backup.make", "sao lưu".into(), "", None, Some(serde_json::json!({"path": row.path, "sha256": sha256, "removed": removed.len()}).to_string())))?;
            Ok::<_, Error>(())
        })?;
        Ok(BackupDto { removed, ..dto(&row)? })
    }

    /// The timer's tick: a backup when one is due (a folder is set and the
    /// last backup is older than the period). None when not due.
    pub fn backup_if_due(&mut self) -> Result<Option<BackupDto>> {
        let s = self.backup_settings()?;
        if s.dir.is_none() || self.unit_row()?.is_none() {
            return Ok(None);
        }
        let due = match &s.last {
            None => true,
            Some(last) => match chrono::DateTime::parse_from_rfc3339(&last.at) {
                Ok(t) => (self.now() - t).num_seconds() >= i64::from(s.every_minutes) * 60,
                Err(_) => true,
            },
        };
        if due {
            self.backup_now(None).map(Some)
        } else {
            Ok(None)
        }
    }

    /// `backup restore FILE`: puts a backup back as the database at
    /// `target` — on any laptop: a spare after a power cut or a broken
    /// laptop. `backup` may be a folder: its newest backup is taken. The
    /// database that was there is kept under a new name, never deleted.
    /// Returns the backup restored and where the old file went. The app
    /// must not have `target` open.
    pub fn restore_backup(backup: &Path, target: &Path) -> Result<(PathBuf, Option<PathBuf>)> {
        App::restore_backup_at(backup, target, clock::Clock::System)
    }

    /// [`App::restore_backup`] with the clock of the app that asked.
    pub(crate) fn restore_backup_at(backup: &Path, target: &Path, clock: clock::Clock) -> Result<(PathBuf, Option<PathBuf>)> {
        let backup = if backup.is_dir() { crate::continuity::latest_backup_in(backup)? } else { backup.to_path_buf() };
        let backup = backup.as_path();
        // Not under an open window, nor under a desk sync service (which
        // would go on merging into the file set aside).
        let _lock = crate::lock_window(target)?;
        let desk_lock_path = tobaucu_store::sidefiles::beside(target, tobaucu_store::sidefiles::Side::DeskLock);
        // Created if missing, so a service started during the restore
        // waits for it rather than finding no lock to take (and removed
        // again if the restore changes nothing).
        let made_lock = !desk_lock_path.exists();
        let _desk_lock = match std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&desk_lock_path) {
            Ok(f) if f.try_lock().is_err() => {
                return Err(Error::refused(
                    ErrorCode::DeskServiceRunning,
                    format!("{}: đang được đồng bộ với các bàn khác (\"tobaucu desk serve\" hoặc cửa sổ ứng dụng); hãy dừng đồng bộ rồi khôi phục", target.display()),
                ));
            }
            Ok(f) => Some(f),
            Err(_) => None,
        };
        let stamp = clock.now().format("%Y%m%d-%H%M%S");
        let aside = Store::restore(backup, target, &format!(".truoc-khoi-phuc-{stamp}")).map_err(|e| {
            if made_lock {
                let _ = std::fs::remove_file(&desk_lock_path);
            }
            match e {
                tobaucu_store::Error::Backup { path, source } => Error::io(&path, &source),
                tobaucu_store::Error::NotOurs(m) => Error::refused(ErrorCode::NotABackup, format!("{m}; không khôi phục, không có gì thay đổi")),
                other => Error::Store(other),
            }
        })?;
        let mut app = App::open(target)?;
        app.set_clock(clock);
        let now = clock::stamp(app.now());
        app.store.write(|tx| {
            tx.append_audit(&audit_entry(
                &now,
                "backup.restore",
                "khôi phục".into(),
                "",
                None,
                Some(serde_json::json!({"from": backup.display().to_string(), "previous_kept_as": aside.as_ref().map(|p| p.display().to_string())}).to_string()),
            ))?;
            // A laptop of a group of desks: the backup may stop before
            // events it already sent to the others. It makes none until it
            // has them back, or its next one would fork its own chain
            // (migration 0020).
            if tx.desk_clock()?.is_some() {
                // From now: an export made before this restore (left on a
                // stick) does not release it.
                tx.restart_desk_hold(&now)?;
                tx.append_audit(&audit_entry(&now, "desk.hold", "khôi phục".into(), "", None, None))?;
            }
            Ok::<_, Error>(())
        })?;
        Ok((backup.to_path_buf(), aside))
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(if a.as_os_str().is_empty() { Path::new(".") } else { a }), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
