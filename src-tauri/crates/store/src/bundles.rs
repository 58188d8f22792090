//! Keys, exported and imported bundles, area results, refusals, and the
//! audit log's hash chain.

use rusqlite::{params, Connection, OptionalExtension, Row};
use tobaucu_core::audit;

use crate::rows::*;
use crate::{Read, Result, Tx};

fn bundle_from_row(r: &Row<'_>) -> rusqlite::Result<BundleRow> {
    Ok(BundleRow {
        id: r.get(0)?,
        sha256: r.get(1)?,
        unit_id: r.get(2)?,
        unit_kind: r.get(3)?,
        sequence: r.get(4)?,
        created_at: r.get(5)?,
        imported_at: r.get(6)?,
        file_name: r.get(7)?,
        manifest: r.get(8)?,
        report: r.get(9)?,
        superseded_by: r.get(10)?,
    })
}

const BUNDLE_COLS: &str = "id, sha256, unit_id, unit_kind, sequence, created_at, imported_at, file_name, manifest, report, superseded_by";

/// Reads of keys and bundles.
pub trait BundleRead: Read {
    fn signing_key(&self) -> Result<Option<SigningKeyRow>> {
        Ok(self
            .conn()
            .query_row("SELECT public_key, salt, nonce, ciphertext, m_kib, t, p, created_at FROM signing_key WHERE id = 1", [], |r| {
                Ok(SigningKeyRow { public_key: r.get(0)?, salt: r.get(1)?, nonce: r.get(2)?, ciphertext: r.get(3)?, m_kib: r.get(4)?, t: r.get(5)?, p: r.get(6)?, created_at: r.get(7)? })
            })
            .optional()?)
    }

    fn exports(&self) -> Result<Vec<ExportRow>> {
        let mut st = self.conn().prepare_cached("SELECT sequence, sha256, file_name, path, size, final, created_at FROM bundle_export ORDER BY sequence")?;
        let rows = st.query_map([], |r| {
            Ok(ExportRow { sequence: r.get(0)?, sha256: r.get(1)?, file_name: r.get(2)?, path: r.get(3)?, size: r.get(4)?, final_: r.get::<_, i64>(5)? == 1, created_at: r.get(6)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn registered_keys(&self) -> Result<Vec<RegisteredKeyRow>> {
        let mut st = self.conn().prepare_cached("SELECT unit_id, public_key, fingerprint, how, registered_at FROM registered_key ORDER BY unit_id")?;
        let rows = st.query_map([], |r| Ok(RegisteredKeyRow { unit_id: r.get(0)?, public_key: r.get(1)?, fingerprint: r.get(2)?, how: r.get(3)?, registered_at: r.get(4)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn registered_key(&self, unit: &str) -> Result<Option<RegisteredKeyRow>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT unit_id, public_key, fingerprint, how, registered_at FROM registered_key WHERE unit_id = ?1")?
            .query_row([unit], |r| Ok(RegisteredKeyRow { unit_id: r.get(0)?, public_key: r.get(1)?, fingerprint: r.get(2)?, how: r.get(3)?, registered_at: r.get(4)? }))
            .optional()?)
    }

    /// Every imported bundle (history included), newest first per unit.
    fn bundles(&self) -> Result<Vec<BundleRow>> {
        let mut st = self.conn().prepare_cached(&format!("SELECT {BUNDLE_COLS} FROM bundle ORDER BY unit_id, sequence DESC"))?;
        let rows = st.query_map([], bundle_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn bundle_by_sha(&self, sha: &str) -> Result<Option<BundleRow>> {
        Ok(self.conn().prepare_cached(&format!("SELECT {BUNDLE_COLS} FROM bundle WHERE sha256 = ?1"))?.query_row([sha], bundle_from_row).optional()?)
    }

    /// The current (not superseded) bundle of a unit.
    fn current_bundle(&self, unit: &str) -> Result<Option<BundleRow>> {
        Ok(self.conn().prepare_cached(&format!("SELECT {BUNDLE_COLS} FROM bundle WHERE unit_id = ?1 AND superseded_by IS NULL"))?.query_row([unit], bundle_from_row).optional()?)
    }

    /// Area results of current bundles.
    fn current_area_results(&self) -> Result<Vec<AreaResultRow>> {
        let mut st = self.conn().prepare_cached(
            "SELECT r.bundle_id, r.area_id, r.level, r.constituency_id, r.final, r.minutes_sha256, r.data
             FROM area_result r JOIN bundle b ON b.id = r.bundle_id
             WHERE b.superseded_by IS NULL ORDER BY r.constituency_id, r.area_id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(AreaResultRow { bundle_id: r.get(0)?, area_id: r.get(1)?, level: r.get(2)?, constituency_id: r.get(3)?, final_: r.get::<_, i64>(4)? == 1, minutes_sha256: r.get(5)?, data: r.get(6)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Which current bundle reports an area (A04).
    fn area_reported_by(&self, area: &str) -> Result<Option<(i64, String)>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT b.id, b.unit_id FROM area_result r JOIN bundle b ON b.id = r.bundle_id WHERE r.area_id = ?1 AND b.superseded_by IS NULL LIMIT 1")?
            .query_row([area], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    fn refusals(&self) -> Result<Vec<RefusalRow>> {
        let mut st = self.conn().prepare_cached("SELECT id, at, file_name, unit_id, sha256, reason, report FROM bundle_refusal ORDER BY id")?;
        let rows = st.query_map([], |r| Ok(RefusalRow { id: r.get(0)?, at: r.get(1)?, file_name: r.get(2)?, unit_id: r.get(3)?, sha256: r.get(4)?, reason: r.get(5)?, report: r.get(6)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// What this board holds from `unit`, directly or carried.
    fn lineage(&self, unit: &str) -> Result<Option<LineageRow>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT unit_id, sequence, sha256, audit_links, audit_boundaries, via_bundle, public_key, levels FROM lineage WHERE unit_id = ?1")?
            .query_row([unit], |r| {
                Ok(LineageRow {
                    unit_id: r.get(0)?,
                    sequence: r.get(1)?,
                    sha256: r.get(2)?,
                    audit_links: r.get(3)?,
                    audit_boundaries: r.get(4)?,
                    via_bundle: r.get(5)?,
                    public_key: r.get(6)?,
                    levels: r.get(7)?,
                })
            })
            .optional()?)
    }

    /// The units other than `unit` that hold the key `public_key` (whose
    /// fingerprint is `fingerprint`) here: registered, pinned, accepted or
    /// last seen signing their bundles.
    fn other_units_with_key(&self, unit: &str, public_key: &[u8], fingerprint: &str) -> Result<Vec<String>> {
        let mut st = self.conn().prepare_cached(
            "SELECT unit_id FROM registered_key WHERE unit_id <> ?1 AND (public_key = ?2 OR fingerprint = ?3)
             UNION SELECT unit_id FROM lineage WHERE unit_id <> ?1 AND public_key = ?2 ORDER BY 1",
        )?;
        let rows = st.query_map(params![unit, public_key, fingerprint], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether a bundle was withdrawn (and why, when).
    fn withdrawal(&self, bundle_id: i64) -> Result<Option<(String, String)>> {
        Ok(self.conn().prepare_cached("SELECT at, reason FROM bundle_withdrawal WHERE bundle_id = ?1")?.query_row([bundle_id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
    }

    /// The audit log with its chain hashes, in id order.
    fn audit_chain(&self) -> Result<Vec<ChainedAuditRow>> {
        let mut st = self.conn().prepare_cached("SELECT id, at, action, subject, reason, before, after, prev_hash, hash FROM audit_log ORDER BY id")?;
        let rows = st.query_map([], |r| {
            Ok(ChainedAuditRow {
                entry: AuditRow { id: r.get(0)?, at: r.get(1)?, action: r.get(2)?, subject: r.get(3)?, reason: r.get(4)?, before: r.get(5)?, after: r.get(6)? },
                prev_hash: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                hash: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The audit entries whose action is one of `actions`, oldest first,
    /// each with the hash of the entry before it in the log (what the
    /// wrong-passphrase count checks a `key.unlock` against).
    fn key_events(&self, actions: &[&str]) -> Result<Vec<KeyEventRow>> {
        let marks = vec!["?"; actions.len()].join(", ");
        let mut st = self.conn().prepare(&format!(
            "SELECT a.id, a.at, a.action, a.subject, a.reason, a.before, a.after, a.prev_hash,
                    (SELECT p.hash FROM audit_log p WHERE p.id < a.id ORDER BY p.id DESC LIMIT 1)
             FROM audit_log a WHERE a.action IN ({marks}) ORDER BY a.id"
        ))?;
        let rows = st.query_map(rusqlite::params_from_iter(actions), |r| {
            Ok(KeyEventRow {
                entry: AuditRow { id: r.get(0)?, at: r.get(1)?, action: r.get(2)?, subject: r.get(3)?, reason: r.get(4)?, before: r.get(5)?, after: r.get(6)? },
                prev_hash: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                preceding_hash: r.get::<_, Option<String>>(8)?.unwrap_or_else(|| audit::GENESIS.to_owned()),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl<T: Read> BundleRead for T {}

impl crate::Store {
    /// The bytes of an imported bundle, from the bundle store (checked
    /// against the SHA-256 recorded at import) or, for bundles imported
    /// before the store existed, from the database.
    pub fn bundle_bytes(&self, id: i64) -> Result<Vec<u8>> {
        let packed = self
            .conn()
            .prepare_cached("SELECT offset, length, sha256 FROM bundle_packed WHERE bundle_id = ?1")?
            .query_row([id], |r| Ok(crate::Packed { offset: r.get(0)?, length: r.get(1)?, sha256: r.get(2)? }))
            .optional()?;
        match packed {
            Some(at) => self.pack.borrow_mut().read(&at),
            None => Ok(self.conn().prepare_cached("SELECT bytes FROM bundle_file WHERE bundle_id = ?1")?.query_row([id], |r| r.get(0))?),
        }
    }

    /// A stored bundle to read in parts ([`StoredBundle::read_at`]): the
    /// board's integrity walk reads manifests and the members it binds to
    /// them, not every byte of every bundle.
    pub fn stored_bundle(&self, id: i64) -> Result<StoredBundle<'_>> {
        let packed = self
            .conn()
            .prepare_cached("SELECT offset, length, sha256 FROM bundle_packed WHERE bundle_id = ?1")?
            .query_row([id], |r| Ok(crate::Packed { offset: r.get(0)?, length: r.get(1)?, sha256: r.get(2)? }))
            .optional()?;
        let at = match packed {
            Some(p) => Stored::Packed(p),
            None => Stored::Blob(self.conn().prepare_cached("SELECT bytes FROM bundle_file WHERE bundle_id = ?1")?.query_row([id], |r| r.get(0))?),
        };
        Ok(StoredBundle { store: self, at })
    }

    /// Where each packed bundle lies in the bundle store: bundle row id →
    /// (offset, length, SHA-256 recorded at import), in one read.
    pub fn packed_index(&self) -> Result<std::collections::HashMap<i64, (i64, i64, String)>> {
        let mut st = self.conn().prepare_cached("SELECT bundle_id, offset, length, sha256 FROM bundle_packed")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The bundle store file next to the database (None in memory).
    pub fn pack_path(&self) -> Option<std::path::PathBuf> {
        self.pack.borrow().path().map(std::path::Path::to_path_buf)
    }
}

/// An imported bundle as stored: in the bundle store file (kho gói) or,
/// for bundles imported before it existed, a BLOB.
pub struct StoredBundle<'s> {
    store: &'s crate::Store,
    at: Stored,
}

enum Stored {
    Packed(crate::Packed),
    Blob(Vec<u8>),
}

impl StoredBundle<'_> {
    /// Its length in bytes.
    pub fn len(&self) -> u64 {
        match &self.at {
            Stored::Packed(p) => u64::try_from(p.length).unwrap_or(0),
            Stored::Blob(b) => b.len() as u64,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads `buf.len()` bytes at `offset` of the bundle.
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        match &self.at {
            Stored::Packed(p) => self.store.pack.borrow_mut().read_at(p, offset, buf),
            Stored::Blob(b) => {
                let s = usize::try_from(offset).map_err(|_| crate::Error::Pack("vị trí không hợp lệ".into()))?;
                let src = b.get(s..s.saturating_add(buf.len())).filter(|x| x.len() == buf.len()).ok_or_else(|| crate::Error::Pack(format!("đọc ngoài phạm vi gói đã lưu (vị trí {offset})")))?;
                buf.copy_from_slice(src);
                Ok(())
            }
        }
    }
}

fn entry_of(a: &AuditRow) -> audit::Entry<'_> {
    audit::Entry { id: a.id, at: &a.at, action: &a.action, subject: &a.subject, reason: &a.reason, before: a.before.as_deref(), after: a.after.as_deref() }
}

/// The hash of the last entry (or the genesis hash).
pub(crate) fn chain_head(conn: &Connection) -> Result<String> {
    Ok(conn.prepare_cached("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")?.query_row([], |r| r.get::<_, Option<String>>(0)).optional()?.flatten().unwrap_or_else(|| audit::GENESIS.to_owned()))
}

/// Appends an entry with its chain hashes.
pub(crate) fn append_chained(conn: &Connection, a: &AuditRow) -> Result<i64> {
    let prev = chain_head(conn)?;
    conn.prepare_cached("INSERT INTO audit_log (at, action, subject, reason, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(params![a.at, a.action, a.subject, a.reason, a.before, a.after])?;
    let id = conn.last_insert_rowid();
    let mut e = a.clone();
    e.id = id;
    let hash = audit::link(&prev, &audit::content_hash(&entry_of(&e)));
    conn.prepare_cached("UPDATE audit_log SET prev_hash = ?1, hash = ?2 WHERE id = ?3")?.execute(params![prev, hash, id])?;
    Ok(id)
}

/// Chains entries written before the chain existed (databases of an
/// earlier version): run once, inside the transaction of migration 0003.
/// A missing hash found later is a broken chain (`audit verify` says so),
/// never filled in again.
pub(crate) fn chain_existing(conn: &Connection) -> Result<()> {
    let rows: Vec<AuditRow> = {
        let mut st = conn.prepare("SELECT id, at, action, subject, reason, before, after FROM audit_log ORDER BY id")?;
        let it = st.query_map([], |r| Ok(AuditRow { id: r.get(0)?, at: r.get(1)?, action: r.get(2)?, subject: r.get(3)?, reason: r.get(4)?, before: r.get(5)?, after: r.get(6)? }))?;
        it.collect::<rusqlite::Result<_>>()?
    };
    let mut prev = audit::GENESIS.to_owned();
    for a in &rows {
        let hash = audit::link(&prev, &audit::content_hash(&entry_of(a)));
        conn.execute("UPDATE audit_log SET prev_hash = ?1, hash = ?2 WHERE id = ?3", params![prev, hash, a.id])?;
        prev = hash;
    }
    Ok(())
}

impl Tx<'_> {
    /// The hash the next audit entry will link to, read in this
    /// transaction (a signed `key.unlock` binds it).
    pub fn chain_head(&self) -> Result<String> {
        chain_head(self.tx)
    }

    pub fn insert_signing_key(&self, k: &SigningKeyRow) -> Result<()> {
        self.tx.execute(
            "INSERT INTO signing_key (id, public_key, salt, nonce, ciphertext, m_kib, t, p, created_at) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![k.public_key, k.salt, k.nonce, k.ciphertext, k.m_kib, k.t, k.p, k.created_at],
        )?;
        Ok(())
    }

    pub fn insert_export(&self, e: &ExportRow) -> Result<()> {
        self.tx.execute(
            "INSERT INTO bundle_export (sequence, sha256, file_name, path, size, final, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![e.sequence, e.sha256, e.file_name, e.path, e.size, i64::from(e.final_), e.created_at],
        )?;
        Ok(())
    }

    pub fn upsert_registered_key(&self, k: &RegisteredKeyRow) -> Result<()> {
        self.tx.execute(
            "INSERT INTO registered_key (unit_id, public_key, fingerprint, how, registered_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (unit_id) DO UPDATE SET public_key = excluded.public_key, fingerprint = excluded.fingerprint, how = excluded.how, registered_at = excluded.registered_at",
            params![k.unit_id, k.public_key, k.fingerprint, k.how, k.registered_at],
        )?;
        Ok(())
    }

    /// Inserts an imported bundle and makes it the unit's current one; its
    /// bytes go to the bundle store with their SHA-256 (`bytes_sha256`,
    /// [`crate::sha256_hex`]).
    pub fn insert_bundle(&self, b: &BundleRow, bytes: &[u8], bytes_sha256: &str) -> Result<i64> {
        self.tx
            .prepare_cached("INSERT INTO bundle (sha256, unit_id, unit_kind, sequence, created_at, imported_at, file_name, manifest, report) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?
            .execute(params![b.sha256, b.unit_id, b.unit_kind, b.sequence, b.created_at, b.imported_at, b.file_name, b.manifest, b.report])?;
        let id = self.tx.last_insert_rowid();
        let at = self.pack.borrow_mut().append(bytes, bytes_sha256)?;
        self.tx.prepare_cached("INSERT INTO bundle_packed (bundle_id, offset, length, sha256) VALUES (?1, ?2, ?3, ?4)")?.execute(params![id, at.offset, at.length, at.sha256])?;
        Ok(id)
    }

    /// [`Tx::insert_bundle`] of a bundle read from `src` (`len` bytes) into
    /// the bundle store piece by piece, never whole in memory; returns the
    /// row id and the SHA-256 of the bytes stored.
    pub fn insert_bundle_from(&self, b: &BundleRow, src: &mut dyn std::io::Read, len: u64) -> Result<(i64, String)> {
        self.tx
            .prepare_cached("INSERT INTO bundle (sha256, unit_id, unit_kind, sequence, created_at, imported_at, file_name, manifest, report) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?
            .execute(params![b.sha256, b.unit_id, b.unit_kind, b.sequence, b.created_at, b.imported_at, b.file_name, b.manifest, b.report])?;
        let id = self.tx.last_insert_rowid();
        let at = self.pack.borrow_mut().append_from(src, len)?;
        self.tx.prepare_cached("INSERT INTO bundle_packed (bundle_id, offset, length, sha256) VALUES (?1, ?2, ?3, ?4)")?.execute(params![id, at.offset, at.length, at.sha256])?;
        Ok((id, at.sha256))
    }

    /// Marks the current bundle of a unit as replaced by bundle `by_sha`
    /// (before inserting that one).
    pub fn supersede(&self, unit: &str, by_sha: &str) -> Result<()> {
        self.tx.prepare_cached("UPDATE bundle SET superseded_by = ?1 WHERE unit_id = ?2 AND superseded_by IS NULL")?.execute(params![by_sha, unit])?;
        Ok(())
    }

    pub fn insert_area_result(&self, r: &AreaResultRow) -> Result<()> {
        self.tx.prepare_cached("INSERT INTO area_result (bundle_id, area_id, level, constituency_id, final, minutes_sha256, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?.execute(params![
            r.bundle_id,
            r.area_id,
            r.level,
            r.constituency_id,
            i64::from(r.final_),
            r.minutes_sha256,
            r.data
        ])?;
        Ok(())
    }

    /// Records (or advances) what this board holds from a unit.
    pub fn upsert_lineage(&self, l: &LineageRow) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO lineage (unit_id, sequence, sha256, audit_links, audit_boundaries, via_bundle, public_key, levels) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (unit_id) DO UPDATE SET sequence = excluded.sequence, sha256 = excluded.sha256, audit_links = excluded.audit_links,
                 audit_boundaries = excluded.audit_boundaries, via_bundle = excluded.via_bundle, public_key = excluded.public_key, levels = excluded.levels",
            )?
            .execute(params![l.unit_id, l.sequence, l.sha256, l.audit_links, l.audit_boundaries, l.via_bundle, l.public_key, l.levels])?;
        Ok(())
    }

    /// Withdraws a current bundle: it stops reporting its areas (marked
    /// superseded by itself) and the reason is kept.
    pub fn withdraw(&self, bundle_id: i64, at: &str, reason: &str) -> Result<()> {
        self.tx.prepare_cached("UPDATE bundle SET superseded_by = sha256 WHERE id = ?1 AND superseded_by IS NULL")?.execute([bundle_id])?;
        self.tx.prepare_cached("INSERT INTO bundle_withdrawal (bundle_id, at, reason) VALUES (?1, ?2, ?3)")?.execute(params![bundle_id, at, reason])?;
        Ok(())
    }

    pub fn insert_refusal(&self, r: &RefusalRow) -> Result<()> {
        self.tx.execute(
            "INSERT INTO bundle_refusal (at, file_name, unit_id, sha256, reason, report) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![r.at, r.file_name, r.unit_id, r.sha256, r.reason, r.report],
        )?;
        Ok(())
    }
}
