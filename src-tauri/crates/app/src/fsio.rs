//! Tệp trên USB và trên đĩa: the one home of reading a file the user
//! pointed at and of writing a file atomically.
//!
//! * [`read_regular`] reads only a regular file (a FIFO, a device such as
//!   `/dev/zero` behind a symbolic link, or a folder is refused before it is
//!   opened for reading, so nothing blocks or reads forever), with its size
//!   known and bounded before a byte is read, and never more than that size.
//! * [`write_atomic`] writes to a temporary file created exclusively
//!   (`create_new`: a file or symbolic link planted at that name makes the
//!   open fail instead of being followed), syncs it, renames it over the
//!   final name, syncs the folder and reads the file back.

use crate::ErrorCode;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Error, Result};

/// Reads a regular file of at most `max` bytes.
pub fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>> {
    let f = open_regular(path, max)?;
    read_open(path, f, max)
}

/// Opens a regular file of at most `max` bytes for reading; returns the
/// file and its size.
pub fn open_regular(path: &Path, max: u64) -> Result<(std::fs::File, u64)> {
    // Follows a symbolic link (a bundle on a stick may be one), but only to
    // a regular file: never a FIFO (opening it would block) or a device.
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, &e))?;
    if !meta.is_file() {
        return Err(Error::refused(ErrorCode::NotAFile, format!("{}: không phải tệp thông thường (thư mục, thiết bị hoặc đường ống); không đọc", path.display())));
    }
    let len = meta.len();
    if len > max {
        return Err(Error::refused(ErrorCode::FileTooLarge, format!("{}: tệp {len} byte, vượt giới hạn {max} byte của loại tệp này", path.display())));
    }
    let f = open_nonblocking(path).map_err(|e| Error::io(path, &e))?;
    // The file may have been swapped between the two looks.
    let now = f.metadata().map_err(|e| Error::io(path, &e))?;
    if !now.is_file() || now.len() != len {
        return Err(Error::refused(ErrorCode::NotAFile, format!("{}: tệp đã thay đổi trong lúc mở; không đọc", path.display())));
    }
    Ok((f, len))
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: should a FIFO appear at the path after the check, opening
    // it still returns at once (and the check after opening refuses it).
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

fn read_open(path: &Path, (f, len): (std::fs::File, u64), max: u64) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(usize::try_from(len.min(max)).unwrap_or(0));
    // Never more than the size seen: a file that grows is refused.
    f.take(len.saturating_add(1)).read_to_end(&mut out).map_err(|e| Error::io(path, &e))?;
    if u64::try_from(out.len()).unwrap_or(u64::MAX) != len {
        return Err(Error::refused(ErrorCode::NotAFile, format!("{}: kích thước tệp thay đổi trong lúc đọc; không đọc", path.display())));
    }
    Ok(out)
}

/// Writes `bytes` to `path` atomically and reads them back.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_via(path, bytes, &|p| Ok(Box::new(create_exclusive(p)?)))
}

/// Creates a new file, refusing to open anything already at `path` (a
/// symbolic link there is not followed).
pub fn create_exclusive(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new().write(true).create_new(true).open(path)
}

/// Where [`write_atomic`] writes its temporary file: a real file, or in
/// tests a medium that fails part-way (pulled stick, full disk).
pub(crate) trait Sink: Write {
    /// Flushes to the medium (`fsync`).
    fn sync(&mut self) -> std::io::Result<()>;
}

impl Sink for std::fs::File {
    fn sync(&mut self) -> std::io::Result<()> {
        self.sync_all()
    }
}

pub(crate) type OpenSink<'a> = &'a dyn Fn(&Path) -> std::io::Result<Box<dyn Sink>>;

/// A temporary name next to `path` not used before by this process.
fn temp_name(dir: &Path, name: &str) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    dir.join(format!(".{name}.tmp-{}-{n}-{nanos:08x}", std::process::id()))
}

pub use tobaucu_store::sidefiles::sync_dir;

/// [`write_atomic`] with the temporary file opened by `open`. Whatever
/// fails — opening, writing, syncing, renaming — the temporary file is
/// removed and nothing exists under the final name that was not complete.
pub(crate) fn write_atomic_via(path: &Path, bytes: &[u8], open: OpenSink<'_>) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(Error::io(&dir, &std::io::Error::from(std::io::ErrorKind::NotFound)));
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    // A name taken (or a link planted at it) is skipped, never followed.
    let mut attempt = 0;
    let (tmp, mut f) = loop {
        let tmp = temp_name(&dir, &name);
        match open(&tmp) {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 8 => attempt += 1,
            Err(e) => return Err(Error::io(path, &e)),
        }
    };
    let result = (|| -> std::io::Result<()> {
        f.write_all(bytes)?;
        f.sync()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        sync_dir(&dir);
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, &e));
    }
    let back = read_regular(path, u64::try_from(bytes.len()).unwrap_or(u64::MAX))?;
    if back != bytes {
        return Err(Error::Io { path: path.display().to_string(), message: "đọc lại tệp vừa ghi không khớp; hãy thử lại hoặc đổi thiết bị lưu".into() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn a_link_to_a_device_or_a_fifo_is_refused_without_blocking() {
        // issue 11 §9: a .tbc linked to /dev/zero read until memory ran out;
        // a FIFO blocked forever.
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("zero.tbc");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert!(read_regular(&link, 1 << 20).is_err());
        let fifo = dir.path().join("fifo.tbc");
        let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).unwrap_or_default();
        // SAFETY: a valid NUL-terminated path and a mode.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(read_regular(&fifo, 1 << 20).is_err());
        assert!(read_regular(dir.path(), 1 << 20).is_err());
        let ok = dir.path().join("a.tbc");
        std::fs::write(&ok, b"abc").unwrap();
        assert_eq!(read_regular(&ok, 3).ok(), Some(b"abc".to_vec()));
        assert!(read_regular(&ok, 2).is_err(), "larger than allowed");
    }

    #[test]
    #[cfg(unix)]
    fn a_link_planted_at_a_temporary_name_is_never_followed() {
        // issue 11 §9: export followed a symlink planted at its predictable
        // temporary name and overwrote a file outside the stick.
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        // Plant links at every name the next writes could choose.
        let path = dir.path().join("goi.tbc");
        // (The names carry a counter and the clock's nanoseconds, so they
        // cannot all be planted; plant what a predictable scheme would use.)
        for n in 0..64u64 {
            let _ = std::os::unix::fs::symlink(&victim, dir.path().join(format!(".goi.tbc.tmp-{}-{n}", std::process::id())));
        }
        let _ = std::os::unix::fs::symlink(&victim, dir.path().join(format!(".goi.tbc.tmp-{}", std::process::id())));
        write_atomic(&path, b"bundle bytes").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap_or_default(), b"keep");
        assert_eq!(std::fs::read(&path).unwrap_or_default(), b"bundle bytes");
        // An exclusive create refuses a planted link outright.
        let planted = dir.path().join("planted");
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        assert_eq!(create_exclusive(&planted).map_err(|e| e.kind()).err(), Some(std::io::ErrorKind::AlreadyExists));
        assert_eq!(std::fs::read(&victim).unwrap_or_default(), b"keep");
    }
}
