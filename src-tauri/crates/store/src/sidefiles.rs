//! Các tệp đi kèm tệp dữ liệu: the one place that names the files that live
//! beside a database file `<db>`. Copying, backing up, restoring or moving
//! a database means handling these too. The flushes that make a new name
//! durable live here too, the one home for `sync_file` and `sync_dir`.

use std::path::{Path, PathBuf};

/// A file beside a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// `<db>-wal`: SQLite's write-ahead log.
    Wal,
    /// `<db>-shm`: SQLite's shared memory index of the log.
    Shm,
    /// `<db>-goi`: the kho gói, imported bundles' bytes (`pack`).
    Pack,
    /// `<db>-dang-mo`: the desktop app's one-window lock.
    WindowLock,
    /// `<db>-khoa-cho`: the lock held while a passphrase attempt waits.
    PassphraseLock,
    /// `<db>-ban-mo`: held by the one process that syncs this database with
    /// the other check-in desks (the desktop app or `tobaucu desk serve`).
    DeskLock,
}

impl Side {
    /// The suffix added to the database's file name.
    pub fn suffix(self) -> &'static str {
        match self {
            Side::Wal => "-wal",
            Side::Shm => "-shm",
            Side::Pack => "-goi",
            Side::WindowLock => "-dang-mo",
            Side::PassphraseLock => "-khoa-cho",
            Side::DeskLock => "-ban-mo",
        }
    }

    /// The files that hold data and move with the database (a copy of the
    /// database without them is incomplete or stale).
    pub const DATA: [Side; 3] = [Side::Wal, Side::Shm, Side::Pack];
}

/// `<path><suffix>`: a name beside `path` (a temporary name while writing,
/// `.dang-ghi`; a file kept aside at a restore, `.truoc-khoi-phuc-…`).
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// The side file `side` of the database at `db`.
pub fn beside(db: &Path, side: Side) -> PathBuf {
    with_suffix(db, side.suffix())
}

/// `<db>.truoc-nang-cap-v<N>`: the database as schema `N` left it, kept
/// before an upgrade to a newer release's schema (`migrate`).
pub fn before_upgrade(db: &Path, from_version: i64) -> PathBuf {
    with_suffix(db, &format!(".truoc-nang-cap-v{from_version}"))
}

/// Suffix of a file being written before it takes its final name.
pub const WRITING: &str = ".dang-ghi";

/// Flushes a file's bytes to the disk (reopened for writing, which Windows
/// requires for a flush).
pub fn sync_file(path: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new().read(true).write(true).open(path)?.sync_all()
}

/// Syncs a folder's entry list after a create or rename in it, so the new
/// name survives a power cut. Only meaningful on Unix; elsewhere the file's
/// own sync suffices.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_beside_a_database() {
        let db = Path::new("/d/xa.sqlite");
        assert_eq!(beside(db, Side::Pack), Path::new("/d/xa.sqlite-goi"));
        assert_eq!(beside(db, Side::WindowLock), Path::new("/d/xa.sqlite-dang-mo"));
        assert_eq!(with_suffix(&beside(db, Side::Pack), WRITING), Path::new("/d/xa.sqlite-goi.dang-ghi"));
    }
}
