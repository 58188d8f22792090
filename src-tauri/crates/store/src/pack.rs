//! Kho gói (bundle store): the bytes of imported bundles, appended to one
//! file next to the database (`<database>-goi`), each referenced from the
//! database by offset, length and SHA-256 (table `bundle_packed`).
//!
//! Why not a BLOB column: a board holding every polling area of the country
//! stores ≈ 5.6 GB of bundles; in WAL mode SQLite writes each page twice
//! (log, then checkpoint) and checksums it. Appending once and syncing once
//! per transaction halves the writes.
//!
//! Durability: bytes are appended before the transaction that references
//! them, and [`Pack::sync`] runs before that transaction commits. A crash in
//! between leaves unreferenced bytes at the end of the file, which nothing
//! reads (the next append starts after them). Bytes are never rewritten.
//! Reads check the length and the SHA-256 recorded in the database, so a
//! damaged or swapped store file is detected, never used.
//!
//! Whole reads (`Store::bundle_bytes`) are checked against the SHA-256;
//! `Store::stored_bundle` reads a bundle in parts (the board's integrity
//! walk); `Tx::insert_bundle_from` appends from a reader piece by piece,
//! never whole in memory. Bundles imported before migration 0004 stay in
//! `bundle_file`. Copying a board database means copying its `-goi` file
//! too.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::sidefiles::{beside, sync_dir, Side};
use crate::{Error, Result};

/// Where appended bytes live.
enum Backing {
    /// Next to a database file; opened on first use.
    File { path: PathBuf, file: Option<File> },
    /// In-memory databases (tests).
    Memory(Vec<u8>),
}

/// The bundle store of one database.
pub(crate) struct Pack {
    backing: Backing,
    /// Appended since the last [`Pack::sync`].
    dirty: bool,
}

/// Where a stored bundle is.
pub struct Packed {
    pub offset: i64,
    pub length: i64,
    pub sha256: String,
}

/// SHA-256 of `bytes`, lowercase hex (what [`Tx::insert_bundle`] expects;
/// the one home is `tobaucu_core::audit`).
///
/// [`Tx::insert_bundle`]: crate::Tx::insert_bundle
pub use tobaucu_core::audit::sha256_hex;

impl Pack {
    /// The store beside the database at `db`: `<db>-goi`.
    pub(crate) fn beside(db: &Path) -> Pack {
        Pack { backing: Backing::File { path: beside(db, Side::Pack), file: None }, dirty: false }
    }

    pub(crate) fn memory() -> Pack {
        Pack { backing: Backing::Memory(Vec::new()), dirty: false }
    }

    /// The store file's path (None in memory).
    pub(crate) fn path(&self) -> Option<&Path> {
        match &self.backing {
            Backing::File { path, .. } => Some(path),
            Backing::Memory(_) => None,
        }
    }

    fn file(&mut self, create: bool) -> Result<Option<&mut File>> {
        let Backing::File { path, file } = &mut self.backing else { return Ok(None) };
        if file.is_none() {
            let existed = path.exists();
            if !existed && !create {
                return Err(Error::Pack(format!("không tìm thấy tệp kho gói {} (tệp này đi kèm tệp cơ sở dữ liệu; hãy chép cả hai)", path.display())));
            }
            let f = OpenOptions::new().read(true).write(true).create(create).open(&*path).map_err(|e| Error::Pack(format!("không mở được tệp kho gói {}: {e}", path.display())))?;
            if !existed {
                f.sync_all().map_err(|e| Error::Pack(format!("{}: {e}", path.display())))?;
                if let Some(dir) = path.parent() {
                    sync_dir(dir);
                }
            }
            *file = Some(f);
        }
        Ok(file.as_mut())
    }

    /// Appends `bytes` whose SHA-256 is `sha256` (computed by the caller,
    /// possibly on another thread; a wrong one makes every later read fail,
    /// never return other bytes); durable only after [`Pack::sync`].
    pub(crate) fn append(&mut self, bytes: &[u8], sha256: &str) -> Result<Packed> {
        let sha256 = sha256.to_owned();
        let length = i64::try_from(bytes.len()).map_err(|_| Error::Pack("gói quá lớn".into()))?;
        let offset = if let Backing::Memory(v) = &mut self.backing {
            let at = v.len();
            v.extend_from_slice(bytes);
            at as u64
        } else {
            let path = self.path().map(Path::to_path_buf).unwrap_or_default();
            let err = |e: std::io::Error| Error::Pack(format!("không ghi được vào tệp kho gói {}: {e}", path.display()));
            let Some(f) = self.file(true)? else { return Err(Error::Pack("kho gói".into())) };
            let at = f.seek(SeekFrom::End(0)).map_err(err)?;
            f.write_all(bytes).map_err(err)?;
            at
        };
        self.dirty = true;
        Ok(Packed { offset: i64::try_from(offset).map_err(|_| Error::Pack("kho gói quá lớn".into()))?, length, sha256 })
    }

    /// Appends exactly `len` bytes read from `src` (a bundle too large to
    /// hold in memory), in 1 MiB pieces; returns where they are and their
    /// SHA-256. A source that ends early or fails leaves unreferenced
    /// bytes at the end of the file, as a crash would.
    pub(crate) fn append_from(&mut self, src: &mut dyn Read, len: u64) -> Result<Packed> {
        use sha2::{Digest, Sha256};
        let length = i64::try_from(len).map_err(|_| Error::Pack("gói quá lớn".into()))?;
        let path = self.path().map(Path::to_path_buf).unwrap_or_default();
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut left = len;
        let mut copy = |sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>| -> Result<()> {
            while left > 0 {
                let want = usize::try_from(left.min(buf.len() as u64)).unwrap_or(buf.len());
                let n = src.read(&mut buf[..want]).map_err(|e| Error::Pack(format!("không đọc được gói để lưu: {e}")))?;
                if n == 0 {
                    return Err(Error::Pack(format!("gói ngắn hơn {len} byte khi lưu (tệp đã thay đổi?)")));
                }
                hasher.update(&buf[..n]);
                sink(&buf[..n]).map_err(|e| Error::Pack(format!("không ghi được vào tệp kho gói {}: {e}", path.display())))?;
                left -= n as u64;
            }
            Ok(())
        };
        let offset = if let Backing::Memory(v) = &mut self.backing {
            let at = v.len() as u64;
            copy(&mut |b| {
                v.extend_from_slice(b);
                Ok(())
            })?;
            at
        } else {
            let Some(f) = self.file(true)? else { return Err(Error::Pack("kho gói".into())) };
            let at = f.seek(SeekFrom::End(0)).map_err(|e| Error::Pack(format!("không ghi được vào tệp kho gói: {e}")))?;
            copy(&mut |b| f.write_all(b))?;
            at
        };
        self.dirty = true;
        let sha256 = tobaucu_core::audit::hex(&hasher.finalize());
        Ok(Packed { offset: i64::try_from(offset).map_err(|_| Error::Pack("kho gói quá lớn".into()))?, length, sha256 })
    }

    /// Makes every append so far durable (before the referencing commit).
    pub(crate) fn sync(&mut self) -> Result<()> {
        if !self.dirty {
            return Ok(());
        }
        let path = self.path().map(Path::to_path_buf).unwrap_or_default();
        if let Some(f) = self.file(true)? {
            f.sync_data().map_err(|e| Error::Pack(format!("không lưu bền được tệp kho gói {}: {e}", path.display())))?;
        }
        self.dirty = false;
        Ok(())
    }

    /// Reads `buf.len()` bytes at `offset` within the stored bytes `at`
    /// (no SHA-256 of the whole: the caller binds what it reads to what
    /// it expects, as the integrity walk binds members to a manifest).
    pub(crate) fn read_at(&mut self, at: &Packed, offset: u64, buf: &mut [u8]) -> Result<()> {
        let len = u64::try_from(at.length).map_err(|_| Error::Pack("độ dài gói không hợp lệ".into()))?;
        let base = u64::try_from(at.offset).map_err(|_| Error::Pack("vị trí gói không hợp lệ".into()))?;
        let end =
            offset.checked_add(buf.len() as u64).filter(|e| *e <= len).ok_or_else(|| Error::Pack(format!("đọc ngoài phạm vi gói đã lưu (vị trí {offset}, {} byte, gói {len} byte)", buf.len())))?;
        let from = base.checked_add(offset).ok_or_else(|| Error::Pack("vị trí gói không hợp lệ".into()))?;
        let path = self.path().map(Path::to_path_buf).unwrap_or_default();
        match &mut self.backing {
            Backing::Memory(v) => {
                let s = usize::try_from(from).map_err(|_| Error::Pack("vị trí gói không hợp lệ".into()))?;
                let src = v.get(s..s.saturating_add(buf.len())).ok_or_else(|| Error::Pack(format!("kho gói ngắn hơn vị trí {}", base + end)))?;
                buf.copy_from_slice(src);
            }
            Backing::File { .. } => {
                let want = buf.len();
                let err = |e: std::io::Error| Error::Pack(format!("không đọc được tệp kho gói {} (vị trí {from}, {want} byte): {e}", path.display()));
                let Some(f) = self.file(false)? else { return Err(Error::Pack("kho gói".into())) };
                f.seek(SeekFrom::Start(from)).map_err(err)?;
                f.read_exact(buf).map_err(err)?;
            }
        }
        Ok(())
    }

    /// Reads a stored bundle back, checking its length and SHA-256.
    pub(crate) fn read(&mut self, at: &Packed) -> Result<Vec<u8>> {
        let len = usize::try_from(at.length).map_err(|_| Error::Pack("độ dài gói không hợp lệ".into()))?;
        let off = u64::try_from(at.offset).map_err(|_| Error::Pack("vị trí gói không hợp lệ".into()))?;
        let path = self.path().map(Path::to_path_buf).unwrap_or_default();
        let bytes = match &mut self.backing {
            Backing::Memory(v) => {
                let s = usize::try_from(off).unwrap_or(usize::MAX);
                v.get(s..s.saturating_add(len)).map(<[u8]>::to_vec).unwrap_or_default()
            }
            Backing::File { .. } => {
                let err = |e: std::io::Error| Error::Pack(format!("không đọc được tệp kho gói {} (vị trí {off}, {len} byte): {e}", path.display()));
                let Some(f) = self.file(false)? else { return Err(Error::Pack("kho gói".into())) };
                f.seek(SeekFrom::Start(off)).map_err(err)?;
                let mut buf = vec![0; len];
                f.read_exact(&mut buf).map_err(err)?;
                buf
            }
        };
        if bytes.len() != len || sha256_hex(&bytes) != at.sha256 {
            return Err(Error::Pack(format!("gói lưu trong tệp kho gói {} đã bị hỏng hoặc bị sửa (mã SHA-256 không khớp)", path.display())));
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_read_back_and_damage_is_detected() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::Pack(e.to_string()))?;
        let db = dir.path().join("xa.sqlite");
        let mut p = Pack::beside(&db);
        let a = p.append(b"first bundle", &sha256_hex(b"first bundle"))?;
        let b = p.append(b"second", &sha256_hex(b"second"))?;
        p.sync()?;
        assert_eq!((a.offset, a.length, b.offset), (0, 12, 12));
        let mut q = Pack::beside(&db);
        assert_eq!(q.read(&b)?, b"second");
        assert_eq!(q.read(&a)?, b"first bundle");
        // One byte changed on disk: refused, not returned.
        let path = dir.path().join("xa.sqlite-goi");
        let mut bytes = std::fs::read(&path).map_err(|e| Error::Pack(e.to_string()))?;
        bytes[13] ^= 1;
        std::fs::write(&path, bytes).map_err(|e| Error::Pack(e.to_string()))?;
        let mut r = Pack::beside(&db);
        assert!(matches!(r.read(&b), Err(Error::Pack(m)) if m.contains("bị hỏng")));
        assert_eq!(r.read(&a)?, b"first bundle");
        // The file gone: a clear message naming it.
        std::fs::remove_file(&path).map_err(|e| Error::Pack(e.to_string()))?;
        let mut s = Pack::beside(&db);
        assert!(matches!(s.read(&a), Err(Error::Pack(m)) if m.contains("xa.sqlite-goi")));
        Ok(())
    }
}
