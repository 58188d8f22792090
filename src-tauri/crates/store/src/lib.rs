//! SQLite storage of Tổ Bầu Cử: one database file per unit (a polling
//! area's team, or a commune/district/province board).
//!
//! * Connections are opened with WAL, `synchronous=FULL`, foreign keys on and
//!   a busy timeout ([`Store::open`]).
//! * Migrations are numbered SQL files embedded in the binary, applied in
//!   order, each in its own transaction; an applied migration that was edited
//!   afterwards is refused, and so is a database written by a newer version
//!   ([`migrate`]).
//! * Every user action is one `BEGIN IMMEDIATE` transaction ([`Store::write`]).
//!
//! Rows are plain data ([`rows`]); the application layer turns them into
//! domain types. Only this crate knows SQL.
//!
//! Failures people can act on (disk full, read-only medium, busy, damaged,
//! cannot open, disk I/O) are a `Failure` (`Error::failure`), each with its
//! Vietnamese message; a foreign-key failure is recognised by SQLite's
//! extended code (`Error::is_foreign_key`), never by the message. An action
//! made of many parts is a batch (`Store::begin_batch`/`end_batch`) in
//! which each `Store::write` is a savepoint.

mod backup;
mod board;
mod bundles;
mod counting;
mod day;
mod desks;
mod migrate;
mod pack;
mod paper;
mod queries;
mod rehearsal;
pub mod rows;
pub mod sidefiles;

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

pub use backup::{audit_head_of, check_copy, BackupRunRow};
pub use board::{BoardMeetingRow, BoardMemberRow, BoardNoteRow, BoardRead, BoardRoundRow, BoardTeamComplaintRow};
pub use bundles::{BundleRead, StoredBundle};
pub use counting::CountRead;
pub use day::{AreaKeyRef, AreaResultKey, BoardAcceptanceRow, DayRead, PaperCheckRow, TallyFixRow};
pub use desks::{DeskClock, DeskEventRow, DeskPeerRow, DeskRead, DeskRefusalRow, DeskSelfRow, LevelAtDesk, LiveAtDesk};
pub use migrate::{Migration, MIGRATIONS};
use pack::Pack;
pub use pack::{sha256_hex, Packed};
pub use paper::PaperRead;
pub use queries::Read;
pub use rehearsal::{OutageRow, RehearsalRead, RehearsalRow, KEPT_TABLES, REHEARSAL_TABLES};
pub use rows::*;

/// Storage errors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cơ sở dữ liệu được tạo bởi phiên bản mới hơn của ứng dụng (lược đồ {found}, phiên bản này biết đến {known}); hãy cập nhật ứng dụng")]
    NewerVersion { found: i64, known: i64 },
    #[error("bước nâng cấp cơ sở dữ liệu số {version} đã bị sửa sau khi áp dụng (mã băm khác); tệp cơ sở dữ liệu không được mở để tránh hỏng dữ liệu")]
    EditedMigration { version: i64 },
    #[error("tệp không phải cơ sở dữ liệu của Tổ Bầu Cử hoặc đã hỏng: {0}")]
    NotOurs(String),
    #[error("kho gói: {0}")]
    Pack(String),
    /// A backup could not be written, or a restore could not put its file
    /// in place: the file it was writing and why.
    #[error("{}: {source}", path.display())]
    Backup { path: PathBuf, source: std::io::Error },
    /// The copy kept before an upgrade could not be made: nothing was
    /// upgraded.
    #[error("chưa nâng cấp được tệp dữ liệu: không giữ được bản sao trước khi nâng cấp ({path}: {message}); tệp vẫn nguyên như cũ — hãy giải phóng chỗ trống rồi mở lại")]
    UpgradeCopy { path: String, message: String },
    #[error("tệp dữ liệu {0} nằm trên thiết bị hoặc thư mục chỉ cho đọc (thẻ nhớ/USB bị gạt khóa ghi, ổ chỉ đọc, hoặc không có quyền ghi); ứng dụng cần ghi được bên cạnh tệp — hãy chép tệp vào máy hoặc bỏ khóa ghi rồi mở lại")]
    ReadOnlyMedia(String),
    #[error("{}", sqlite_message(.0))]
    Sqlite(#[from] rusqlite::Error),
}

/// What a SQLite failure means for the person at the laptop.
fn sqlite_message(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    if let rusqlite::Error::FromSqlConversionFailure(_, _, why) = e {
        return format!("tệp dữ liệu ghi một giá trị ứng dụng không bao giờ ghi ({why}); tệp có thể đã bị sửa ngoài ứng dụng — đừng ghi thêm, báo Tổ trưởng và dùng bản sao lưu gần nhất");
    }
    match e.sqlite_error_code() {
        Some(C::DiskFull) => "ổ đĩa của máy đã đầy: thao tác vừa rồi KHÔNG được ghi, mọi dữ liệu đã ghi trước đó vẫn nguyên vẹn; hãy giải phóng chỗ trống (xóa tệp không cần) rồi làm lại".into(),
        Some(C::ReadOnly) => "tệp dữ liệu đang ở chế độ chỉ đọc (thẻ nhớ/USB bị khóa ghi, thư mục không có quyền ghi, hoặc tệp bị đặt thuộc tính chỉ đọc); không có gì được ghi — hãy chép tệp vào máy hoặc bỏ khóa ghi rồi mở lại".into(),
        Some(C::DatabaseBusy) | Some(C::DatabaseLocked) => "tệp dữ liệu đang bận vì một chương trình khác đang ghi vào; hãy thử lại sau giây lát".into(),
        Some(C::DatabaseCorrupt) | Some(C::NotADatabase) => format!("tệp dữ liệu bị hỏng ({e}); đừng ghi thêm — hãy dùng bản sao lưu gần nhất"),
        Some(C::CannotOpen) => format!("không mở được tệp dữ liệu ({e}); kiểm tra thư mục còn tồn tại và có quyền ghi"),
        Some(C::SystemIoFailure) => format!("lỗi đọc/ghi ổ đĩa ({e}): ổ có thể đã đầy, bị rút ra hoặc bị hỏng; thao tác không được ghi — hãy giải phóng chỗ trống hoặc kiểm tra thiết bị rồi làm lại"),
        _ => format!("lỗi cơ sở dữ liệu: {e}"),
    }
}

/// A failure of the machine or the file that people can act on (disk full,
/// read-only medium, busy or damaged file); the application layer gives
/// each its error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Ổ đầy.
    DiskFull,
    /// Chỉ đọc: a locked stick, a folder without write permission.
    ReadOnly,
    /// Another program is writing.
    Busy,
    /// Tệp hỏng.
    Corrupt,
    /// The file cannot be opened (missing folder, no permission).
    CannotOpen,
    /// The disk failed to read or write.
    DiskIo,
}

impl Error {
    /// The failure people can act on, if this is one.
    pub fn failure(&self) -> Option<Failure> {
        use rusqlite::ErrorCode as C;
        match self {
            // A stored value the app never writes (a `kept` text that is not
            // positions): the file was edited outside the app.
            Error::Sqlite(rusqlite::Error::FromSqlConversionFailure(..)) => Some(Failure::Corrupt),
            Error::Sqlite(e) => match e.sqlite_error_code() {
                Some(C::DiskFull) => Some(Failure::DiskFull),
                Some(C::ReadOnly) => Some(Failure::ReadOnly),
                Some(C::DatabaseBusy) | Some(C::DatabaseLocked) => Some(Failure::Busy),
                Some(C::DatabaseCorrupt) | Some(C::NotADatabase) => Some(Failure::Corrupt),
                Some(C::CannotOpen) => Some(Failure::CannotOpen),
                Some(C::SystemIoFailure) => Some(Failure::DiskIo),
                _ => None,
            },
            Error::ReadOnlyMedia(_) => Some(Failure::ReadOnly),
            _ => None,
        }
    }

    /// A row named a row that does not exist (SQLite's
    /// `SQLITE_CONSTRAINT_FOREIGNKEY`), read from the extended result code,
    /// not from the message text.
    pub fn is_foreign_key(&self) -> bool {
        matches!(self, Error::Sqlite(rusqlite::Error::SqliteFailure(f, _)) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An open database.
pub struct Store {
    conn: Connection,
    /// A batch transaction is open ([`Store::begin_batch`]).
    batch: bool,
    /// Imported bundles' bytes ([`pack`]).
    pack: RefCell<Pack>,
}

/// A write transaction (`BEGIN IMMEDIATE`), or a savepoint inside a batch
/// ([`Store::begin_batch`]). Reads see its own writes.
pub struct Tx<'a> {
    tx: &'a Connection,
    pack: &'a RefCell<Pack>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(|e| open_error(path, e.into()))?;
        Store::init(conn, Pack::beside(path), Some(path)).map_err(|e| open_error(path, e))
    }

    /// An in-memory database, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store> {
        Store::init(Connection::open_in_memory()?, Pack::memory(), None)
    }

    fn init(conn: Connection, pack: Pack, path: Option<&Path>) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Not a database at all? This read fails with NOTADB.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => Error::NotOurs(e.to_string()),
            _ => Error::Sqlite(e),
        })?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // 64 MB of page cache (SQLite's default is 2 MB): a board holding
        // tens of thousands of bundles keeps its indexes in memory.
        conn.pragma_update(None, "cache_size", -65_536)?;
        // The query planner's stability guarantee: a cached statement keeps
        // its plan whatever value is bound. Without it SQLite re-prepares a
        // statement (parsing it and planning it again) whenever a bound
        // value moves to or from 0 or 1, or a filter could match a partial
        // index, which on a check-in cost more than the rest of its reads
        // (issue 14's 1.5× budget). No plan here depends on a bound value.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        let mut store = Store { conn, batch: false, pack: RefCell::new(pack) };
        migrate::migrate(&mut store.conn, path)?;
        Ok(store)
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: committed (durably,
    /// `synchronous=FULL`) if `f` returns `Ok`, rolled back otherwise.
    pub fn write<T, E: From<Error>>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T, E>) -> Result<T, E> {
        if self.batch {
            // Inside a batch: this action is a savepoint, all or nothing on
            // its own; the batch's COMMIT makes it durable.
            self.conn.execute_batch("SAVEPOINT action").map_err(Error::from)?;
            let out = f(&Tx { tx: &self.conn, pack: &self.pack });
            match out {
                Ok(v) => {
                    self.conn.execute_batch("RELEASE action").map_err(Error::from)?;
                    Ok(v)
                }
                Err(e) => {
                    self.conn.execute_batch("ROLLBACK TO action; RELEASE action").map_err(Error::from)?;
                    Err(e)
                }
            }
        } else {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(Error::from)?;
            let out = f(&Tx { tx: &tx, pack: &self.pack })?;
            // Bundle bytes the transaction references are durable first.
            self.pack.borrow_mut().sync()?;
            tx.commit().map_err(Error::from)?;
            Ok(out)
        }
    }

    /// Starts a batch: one `BEGIN IMMEDIATE` transaction in which every
    /// [`Store::write`] is a savepoint (all or nothing each), made durable
    /// together by [`Store::end_batch`] — one user action made of many
    /// parts (importing a folder of bundles).
    pub fn begin_batch(&mut self) -> Result<()> {
        if !self.batch {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            self.batch = true;
        }
        Ok(())
    }

    /// Commits the batch (durably, `synchronous=FULL`).
    pub fn end_batch(&mut self) -> Result<()> {
        if self.batch {
            self.batch = false;
            if let Err(e) = self.pack.borrow_mut().sync() {
                self.conn.execute_batch("ROLLBACK")?;
                return Err(e);
            }
            self.conn.execute_batch("COMMIT")?;
        }
        Ok(())
    }

    /// The schema as SQL (for the golden schema test).
    pub fn schema_sql(&self) -> Result<String> {
        let mut stmt = self.conn.prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type DESC, name")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = String::new();
        for r in rows {
            out.push_str(&r?);
            out.push_str(";\n");
        }
        Ok(out)
    }

    /// Raw connection, for benchmarks comparing against plain SQL.
    #[doc(hidden)]
    pub fn raw(&self) -> &Connection {
        &self.conn
    }
}

/// An open that failed: on media where nothing can be written next to the
/// file, say so (SQLite only says it cannot open or do I/O).
fn open_error(path: &Path, e: Error) -> Error {
    let Error::Sqlite(se) = &e else { return e };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let probe = dir.join(format!(".tobaucu-ghi-thu-{}", std::process::id()));
    let read_only = match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            std::fs::metadata(path).map(|m| m.permissions().readonly()).unwrap_or(false)
        }
        Err(err) => matches!(err.kind(), std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied),
    };
    if read_only || se.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly) {
        return Error::ReadOnlyMedia(path.display().to_string());
    }
    e
}

impl Read for Store {
    fn conn(&self) -> &Connection {
        &self.conn
    }
}

impl Read for Tx<'_> {
    fn conn(&self) -> &Connection {
        self.tx
    }
}

#[cfg(test)]
mod tests;
