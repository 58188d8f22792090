//! Khóa ký: this unit's Ed25519 key (created at setup time, sealed with the
//! Tổ trưởng's passphrase), its registration file and sheet, and — at a
//! board — the registered keys of lower units.
//!
//! Every unlock is logged: a good passphrase as `key.unlock`, signed by the
//! key over its place in the chain, a wrong one as `key.wrong_passphrase`.
//! After three wrong ones in a row the process waits 30 s, doubling up to 5
//! min, on the monotonic clock and under the lock `<database>-khoa-cho`,
//! before it looks at the passphrase (`core::audit::passphrase_wait_secs`,
//! counted from the log by `core::audit::wrong_passphrases_in_a_row`, which
//! only a verified unlock or the first `key.init` resets). A new passphrase
//! must pass `bundle::keys::check_passphrase` (zxcvbn, knowing the unit's
//! and the election's words).

use crate::ErrorCode;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use tobaucu_bundle::keys::{self, normalize_fingerprint};
use tobaucu_bundle::{hex, unhex, SealedKey};
use tobaucu_core::audit::KeyEvent;
use tobaucu_ipc::{KeyInfoDto, RegisteredKeyDto};
use tobaucu_store::{BundleRead, RegisteredKeyRow, SigningKeyRow};

use crate::{clock, convert::audit_entry, App, Error, Result};

/// Waits `secs` seconds on the monotonic clock (`Instant`): changing the
/// system clock or `TOBAUCU_NOW` neither shortens nor skips it.
fn wait_out(secs: i64) {
    let Ok(secs) = u64::try_from(secs) else { return };
    if secs == 0 {
        return;
    }
    let total = std::time::Duration::from_millis(secs.saturating_mul(millis_per_wait_second()));
    let start = std::time::Instant::now();
    while let Some(left) = total.checked_sub(start.elapsed()).filter(|d| !d.is_zero()) {
        std::thread::sleep(left);
    }
}

/// 1000 — a second is a second. Debug builds (tests, never a release)
/// honour `TOBAUCU_TEST_WAIT_MS` (milliseconds per second of waiting, at
/// least 1) so the tests of the wait do not take minutes; unit tests set it
/// per thread.
fn millis_per_wait_second() -> u64 {
    #[cfg(test)]
    if let Some(ms) = tests::WAIT_MS.with(std::cell::Cell::get) {
        return ms;
    }
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("TOBAUCU_TEST_WAIT_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        return ms.max(1);
    }
    1000
}

/// Format of a key registration file.
pub const KEY_FORMAT: &str = "tobaucu-key/1";

pub(crate) fn sealed_of(r: &SigningKeyRow) -> Result<SealedKey> {
    let bad = || Error::Internal("khóa đã lưu bị hỏng".into());
    Ok(SealedKey {
        public_key: r.public_key.as_slice().try_into().map_err(|_| bad())?,
        salt: r.salt.as_slice().try_into().map_err(|_| bad())?,
        nonce: r.nonce.as_slice().try_into().map_err(|_| bad())?,
        ciphertext: r.ciphertext.clone(),
        m_kib: u32::try_from(r.m_kib).map_err(|_| bad())?,
        t: u32::try_from(r.t).map_err(|_| bad())?,
        p: u32::try_from(r.p).map_err(|_| bad())?,
    })
}

fn key_err(e: tobaucu_bundle::Error) -> Error {
    match e {
        tobaucu_bundle::Error::WrongPassphrase => Error::refused(ErrorCode::WrongPassphrase, "cụm mật khẩu không đúng; không có gì thay đổi"),
        other => Error::refused(ErrorCode::Key, other.to_string()),
    }
}

impl App {
    /// This database's unit and its kind.
    pub(crate) fn unit_id(&self) -> Result<(String, tobaucu_ipc::UnitKind)> {
        let u = self.unit_row()?.ok_or_else(|| Error::refused(ErrorCode::NotSetUp, "cơ sở dữ liệu chưa được thiết lập; hãy chạy \"tobaucu setup\" trước"))?;
        Ok((u.unit_id, crate::convert::unit_kind(&u.kind)?))
    }

    /// Whether this unit has a signing key.
    pub fn has_key(&self) -> Result<bool> {
        Ok(self.store.signing_key()?.is_some())
    }

    /// `keys init`: creates the unit's key pair, sealed with `pass`, and
    /// writes the registration file next to the database.
    pub fn keys_init(&mut self, pass: &str) -> Result<KeyInfoDto> {
        let (unit, _) = self.unit_id()?;
        if let Some(k) = self.store.signing_key()? {
            let pk: [u8; 32] = k.public_key.as_slice().try_into().unwrap_or([0; 32]);
            return Err(Error::refused(ErrorCode::KeyExists, format!("đơn vị {unit} đã có khóa ký (dấu vân tay {}); không tạo khóa thứ hai", keys::fingerprint(&pk))));
        }
        let context = self.passphrase_context()?;
        let refs: Vec<&str> = context.iter().map(String::as_str).collect();
        let sealed = keys::generate(&unit, pass, &refs).map_err(key_err)?;
        self.store_key(&unit, &sealed)?;
        let mut info = self.keys_show()?;
        let path = self.write_registration_file(&self.key_dir())?;
        info.registration_file = Some(path.display().to_string());
        Ok(info)
    }

    /// What a guesser of this unit's passphrase knows (issue 11 §8): the
    /// unit's id and name, its commune, the election's id and name, the
    /// levels' names — for [`keys::check_passphrase`].
    fn passphrase_context(&self) -> Result<Vec<String>> {
        let (unit, _) = self.unit_id()?;
        let def = self.def()?;
        let mut out = vec![unit.clone(), def.election.id.clone(), def.election.name.clone()];
        if let Some(area) = def.area(&unit) {
            out.push(area.name.clone());
            out.extend(def.unit(&area.commune).map(|u| u.name.clone()));
        }
        out.extend(def.unit(&unit).map(|u| u.name.clone()));
        out.extend(def.levels.iter().map(|l| l.name.clone()));
        Ok(out)
    }

    /// Stores a sealed key (tests seal with small Argon2 parameters).
    #[doc(hidden)]
    pub fn store_key(&mut self, unit: &str, sealed: &SealedKey) -> Result<()> {
        let now = clock::stamp(self.now());
        let row = SigningKeyRow {
            public_key: sealed.public_key.to_vec(),
            salt: sealed.salt.to_vec(),
            nonce: sealed.nonce.to_vec(),
            ciphertext: sealed.ciphertext.clone(),
            m_kib: i64::from(sealed.m_kib),
            t: i64::from(sealed.t),
            p: i64::from(sealed.p),
            created_at: now.clone(),
        };
        let fp = keys::fingerprint(&sealed.public_key);
        self.store.write(|tx| {
            tx.insert_signing_key(&row)?;
            tx.append_audit(&audit_entry(&now, "key.init", format!("khóa ký của {unit}"), "", None, Some(json!({"public_key": hex(&sealed.public_key), "fingerprint": fp}).to_string())))?;
            Ok::<_, Error>(())
        })
    }

    /// `keys show`.
    pub fn keys_show(&self) -> Result<KeyInfoDto> {
        let (unit, _) = self.unit_id()?;
        let k = self.store.signing_key()?.ok_or_else(|| Error::refused(ErrorCode::NoKey, format!("đơn vị {unit} chưa có khóa ký; hãy chạy \"tobaucu keys init\"")))?;
        let pk: [u8; 32] = k.public_key.as_slice().try_into().map_err(|_| Error::Internal("khóa hỏng".into()))?;
        Ok(KeyInfoDto { public_key: hex(&pk), fingerprint: keys::fingerprint(&pk), unit_id: unit, created_at: k.created_at, registration_file: None })
    }

    /// Opens the private key with the passphrase. Every use is logged: a
    /// good one as `key.unlock` with its purpose, signed with the key just
    /// opened over its place in the chain (issue 11 §8: a row inserted with
    /// a SQLite tool cannot pass for one); a wrong one as
    /// `key.wrong_passphrase`, then refused.
    ///
    /// Chờ sau khi nhập sai: after repeated wrong ones
    /// ([`tobaucu_core::audit::passphrase_wait_secs`], counted from the log
    /// by [`tobaucu_core::audit::wrong_passphrases_in_a_row`], so restarting
    /// the app does not reset it) this process waits on the monotonic clock
    /// before it even looks at the passphrase — no wall-clock time is
    /// compared, so setting the system clock or `TOBAUCU_NOW` ahead gains
    /// nothing — and it waits holding the exclusive lock `<database>-khoa-cho`,
    /// so processes started side by side take their turns instead of
    /// guessing in parallel.
    ///
    /// What this does not stop: a person who copies the database can try
    /// passphrases offline against the sealed key, at the Argon2id cost per
    /// guess; that is what the passphrase policy ([`keys::check_passphrase`])
    /// and the Argon2id parameters are for.
    pub(crate) fn unlock(&mut self, pass: Option<&str>, purpose: &str) -> Result<SigningKey> {
        let (unit, _) = self.unit_id()?;
        let row = self.store.signing_key()?.ok_or_else(|| Error::refused(ErrorCode::NoKey, format!("đơn vị {unit} chưa có khóa ký; hãy tạo khóa (\"tobaucu keys init\") trước khi {purpose}")))?;
        let Some(pass) = pass else {
            return Err(Error::refused(ErrorCode::PassphraseRequired, format!("cần cụm mật khẩu của Tổ trưởng để {purpose} (biến TOBAUCU_PASSPHRASE hoặc nhập từ bàn phím)")));
        };
        let sealed = sealed_of(&row)?;
        // One attempt at a time per database; the count is read under the lock.
        let _turn = self.attempt_lock()?;
        let failures = self.wrong_attempts(&unit, &sealed.public_key)?;
        wait_out(tobaucu_core::audit::passphrase_wait_secs(failures));
        let now = clock::stamp(self.now());
        match keys::unseal(&unit, &sealed, pass) {
            Ok(k) => {
                self.store.write(|tx| {
                    let prev = tx.chain_head()?;
                    let sig = keys::sign_unlock(&k, &unit, &prev, &now, purpose);
                    tx.append_audit(&audit_entry(&now, "key.unlock", format!("khóa ký của {unit}"), purpose, None, Some(json!({"signature": hex(&sig)}).to_string())))?;
                    Ok::<_, Error>(())
                })?;
                Ok(k)
            }
            Err(e) => {
                self.store.write(|tx| {
                    tx.append_audit(&audit_entry(&now, "key.wrong_passphrase", format!("khóa ký của {unit}"), purpose, None, None))?;
                    Ok::<_, Error>(())
                })?;
                let failures = failures.saturating_add(1);
                let next = tobaucu_core::audit::passphrase_wait_secs(failures);
                let e = key_err(e);
                Err(if next > 0 {
                    Error::refused(
                        ErrorCode::WrongPassphrase,
                        format!("{e}; đã sai {failures} lần liên tiếp, lần thử sau phải chờ {next} giây (mỗi lần sai, thời gian chờ tăng gấp đôi, tối đa 5 phút)"),
                    )
                } else {
                    e
                })
            }
        }
    }

    /// Wrong passphrases in a row, from the audit log (issue 11 §8): only a
    /// `key.unlock` signed by this unit's key at its place in the chain, or
    /// the first `key.init`, resets the count.
    fn wrong_attempts(&self, unit: &str, public_key: &[u8; 32]) -> Result<u32> {
        let rows = self.store.key_events(&["key.init", "key.unlock", "key.wrong_passphrase"])?;
        let events: Vec<KeyEvent<'_>> = rows
            .iter()
            .map(|r| KeyEvent { action: &r.entry.action, at: &r.entry.at, reason: &r.entry.reason, after: r.entry.after.as_deref(), prev_hash: &r.prev_hash, preceding_hash: &r.preceding_hash })
            .collect();
        Ok(tobaucu_core::audit::wrong_passphrases_in_a_row(unit, &events, |m, sig| keys::verify_unlock(public_key, m, sig)))
    }

    /// Seconds the next passphrase attempt will wait before it is checked
    /// (0 when the unit has no key or the last attempts were good): the CLI
    /// and the window say so before they try.
    pub fn passphrase_wait(&self) -> Result<i64> {
        let Some(row) = self.store.signing_key()? else { return Ok(0) };
        let (unit, _) = self.unit_id()?;
        Ok(tobaucu_core::audit::passphrase_wait_secs(self.wrong_attempts(&unit, &sealed_of(&row)?.public_key)?))
    }

    /// Takes the exclusive lock on `<database>-khoa-cho`, waiting while
    /// another process holds it (None for an in-memory database).
    fn attempt_lock(&self) -> Result<Option<std::fs::File>> {
        if self.db_path == Path::new(":memory:") {
            return Ok(None);
        }
        let path = tobaucu_store::sidefiles::beside(&self.db_path, tobaucu_store::sidefiles::Side::PassphraseLock);
        let f = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(|e| Error::io(&path, &e))?;
        f.lock().map_err(|e| Error::io(&path, &e))?;
        Ok(Some(f))
    }

    /// Guards an action behind the passphrase when the unit has a key.
    pub(crate) fn guard(&mut self, pass: Option<&str>, purpose: &str) -> Result<()> {
        if self.has_key()? {
            self.unlock(pass, purpose)?;
        }
        Ok(())
    }

    /// Where registration files go: `khoa/` next to the database.
    pub fn key_dir(&self) -> PathBuf {
        self.beside_db("khoa")
    }

    /// The registration file (JSON) carried to the board before election day.
    pub fn registration_json(&self) -> Result<(String, Vec<u8>)> {
        let info = self.keys_show()?;
        let (unit, kind) = self.unit_id()?;
        let def = self.def()?;
        let v = json!({
            "format": KEY_FORMAT,
            "unit": {"id": unit, "kind": kind},
            "election_id": def.election.id,
            "public_key": info.public_key,
            "fingerprint": info.fingerprint,
            "created_at": info.created_at,
        });
        let mut text = serde_json::to_string_pretty(&v).map_err(|e| Error::Internal(e.to_string()))?;
        text.push('\n');
        Ok((format!("khoa-{unit}.json"), text.into_bytes()))
    }

    /// Writes the registration file into `dir`; returns its path.
    pub fn write_registration_file(&self, dir: &Path) -> Result<PathBuf> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
        let (name, bytes) = self.registration_json()?;
        let path = dir.join(name);
        crate::write_atomic(&path, &bytes)?;
        Ok(path)
    }

    /// `keys register FILE_OR_FINGERPRINT --unit UNIT`: records which key
    /// may sign for a lower unit. A registration file gives the key itself;
    /// a fingerprint typed from the registration sheet is matched against
    /// the key of the first bundle.
    pub fn keys_register(&mut self, arg: &str, unit: &str) -> Result<RegisteredKeyDto> {
        let (me, my_kind) = self.unit_id()?;
        if my_kind == tobaucu_ipc::UnitKind::Area {
            return Err(Error::refused(ErrorCode::NotABoard, format!("cơ sở dữ liệu này là của tổ bầu cử {me}; đăng ký khóa làm ở cơ sở dữ liệu của xã (setup --commune)")));
        }
        self.unit_below(unit, None).map_err(|m| Error::refused(ErrorCode::UnknownUnit, m))?;
        let path = Path::new(arg);
        let (public_key, fingerprint, how) = if path.is_file() {
            let bytes = crate::read_limited(path, 64 * 1024)?;
            let bad = |m: &str| Error::refused(ErrorCode::KeyFile, format!("{}: {m}", path.display()));
            let v: Value = serde_json::from_slice(&bytes).map_err(|e| bad(&format!("không phải tệp đăng ký khóa (JSON lỗi: {e})")))?;
            if v.get("format").and_then(Value::as_str) != Some(KEY_FORMAT) {
                return Err(bad(&format!("trường \"format\" phải là \"{KEY_FORMAT}\"")));
            }
            let file_unit = v.pointer("/unit/id").and_then(Value::as_str).unwrap_or("");
            if file_unit != unit {
                return Err(bad(&format!("tệp là khóa của đơn vị \"{file_unit}\", không phải \"{unit}\"")));
            }
            if let Some(e) = v.get("election_id").and_then(Value::as_str) {
                if e != self.def()?.election.id {
                    return Err(bad(&format!("tệp thuộc cuộc bầu cử {e}")));
                }
            }
            let pk = v.get("public_key").and_then(Value::as_str).and_then(unhex::<32>).ok_or_else(|| bad("trường \"public_key\" phải là 64 chữ số hex"))?;
            let fp = keys::fingerprint(&pk);
            if let Some(f) = v.get("fingerprint").and_then(Value::as_str) {
                if normalize_fingerprint(f).as_deref() != Some(fp.as_str()) {
                    return Err(bad("dấu vân tay trong tệp không khớp khóa công khai"));
                }
            }
            (Some(pk.to_vec()), fp, "file")
        } else if let Some(fp) = normalize_fingerprint(arg) {
            (None, fp, "fingerprint")
        } else {
            return Err(Error::refused(ErrorCode::KeyArg, format!("\"{arg}\" không phải tệp đăng ký khóa đọc được, cũng không phải dấu vân tay (20 chữ số hex, ví dụ \"3F2A 9C01 77B4 0E5D A1C3\")")));
        };
        let others = self.key_owners(unit, public_key.as_deref().unwrap_or(&[]), &fingerprint)?;
        if let Some(other) = others.first() {
            return Err(Error::refused(ErrorCode::KeyInUse, format!("khóa {fingerprint} đã là khóa của {other}; mỗi khóa chỉ ký cho một đơn vị (đăng ký cho {unit} bị từ chối)")));
        }
        self.register_key_row(unit, public_key, &fingerprint, how, "")
    }

    /// The units other than `unit` that hold this key here (registered,
    /// pinned, accepted, or last seen signing), this database's own unit
    /// included when it is this database's own key.
    pub(crate) fn key_owners(&self, unit: &str, public_key: &[u8], fingerprint: &str) -> Result<Vec<String>> {
        let mut out = self.store.other_units_with_key(unit, public_key, fingerprint)?;
        if let (Some(mine), Some((me, _))) = (self.store.signing_key()?, self.unit_id().ok()) {
            if me != unit && (mine.public_key == public_key || <[u8; 32]>::try_from(mine.public_key.as_slice()).is_ok_and(|k| keys::fingerprint(&k) == fingerprint)) {
                out.insert(0, me);
            }
        }
        Ok(out)
    }

    pub(crate) fn register_key_row(&mut self, unit: &str, public_key: Option<Vec<u8>>, fingerprint: &str, how: &str, reason: &str) -> Result<RegisteredKeyDto> {
        let now = clock::stamp(self.now());
        let before = self.store.registered_key(unit)?;
        let row = RegisteredKeyRow { unit_id: unit.to_owned(), public_key, fingerprint: fingerprint.to_owned(), how: how.to_owned(), registered_at: now.clone() };
        self.store.write(|tx| {
            tx.upsert_registered_key(&row)?;
            tx.append_audit(&audit_entry(
                &now,
                if how == "accepted" { "key.accept_unregistered" } else { "key.register" },
                format!("khóa của {unit}"),
                reason,
                before.as_ref().map(|b| json!({"fingerprint": b.fingerprint, "how": b.how}).to_string()),
                Some(json!({"fingerprint": fingerprint, "how": how}).to_string()),
            ))?;
            Ok::<_, Error>(())
        })?;
        Ok(RegisteredKeyDto { unit_id: unit.to_owned(), fingerprint: fingerprint.to_owned(), how: how.to_owned(), registered_at: now })
    }

    pub fn registered_keys(&self) -> Result<Vec<RegisteredKeyDto>> {
        Ok(self.store.registered_keys()?.into_iter().map(|k| RegisteredKeyDto { unit_id: k.unit_id, fingerprint: k.fingerprint, how: k.how, registered_at: k.registered_at }).collect())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::time::{Duration, Instant};

    use ed25519_dalek::SigningKey;
    use tobaucu_bundle::keys;
    use tobaucu_core::audit;
    use tobaucu_store::{BundleRead, CountRead, RevisionRow};

    use crate::{clock, App, Error, ErrorCode, Result, UnitChoice, DEMO_AREA, DEMO_ELECTION};

    thread_local! {
        /// Milliseconds per second of waiting in this test thread.
        pub(crate) static WAIT_MS: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
    }

    const PASS: &str = "ngựa vằn ăn đậu phộng lúc tám giờ";

    fn fail(e: impl std::fmt::Display) -> Error {
        Error::Internal(e.to_string())
    }

    /// A team database in `dir` whose key is sealed with small Argon2
    /// parameters (fast tests).
    fn keyed_team(dir: &std::path::Path) -> Result<App> {
        let mut app = App::open(&dir.join("to.sqlite"))?;
        app.setup(DEMO_ELECTION, &UnitChoice::Area(DEMO_AREA.into()))?;
        let (unit, _) = app.unit_id()?;
        let sealed = keys::seal(&unit, &SigningKey::from_bytes(&[5u8; 32]), PASS, 64, 1, 1).map_err(fail)?;
        app.store_key(&unit, &sealed)?;
        Ok(app)
    }

    fn count(app: &App, action: &str) -> Result<usize> {
        Ok(app.store.audit_chain()?.iter().filter(|r| r.entry.action == action).count())
    }

    fn wrong(app: &mut App, n: usize) {
        for _ in 0..n {
            assert!(matches!(app.unlock(Some("sai rồi"), "thử"), Err(Error::Refused { code: ErrorCode::WrongPassphrase, .. })));
        }
    }

    /// Inserts a row with a SQLite connection of its own, as someone at the
    /// laptop could, with a correctly computed chain hash.
    fn insert_forged(db: &std::path::Path, action: &str, after: Option<&str>, signed_prev: Option<&str>) -> std::result::Result<(), String> {
        let conn = rusqlite::Connection::open(db).map_err(|e| e.to_string())?;
        let (id, head): (i64, String) = conn.query_row("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?))).map_err(|e| e.to_string())?;
        let at = "2026-03-15T21:00:00+07:00";
        let e = audit::Entry { id: id + 1, at, action, subject: "khóa ký", reason: "thử", before: None, after };
        let prev = signed_prev.unwrap_or(&head);
        let hash = audit::link(prev, &audit::content_hash(&e));
        conn.execute(
            "INSERT INTO audit_log (id, at, action, subject, reason, before, after, prev_hash, hash) VALUES (?1, ?2, ?3, 'khóa ký', 'thử', NULL, ?4, ?5, ?6)",
            rusqlite::params![id + 1, at, action, after, prev, hash],
        )
        .map_err(|e| e.to_string())?;
        Ok(())
    }

    #[test]
    fn issue_11_8_a_good_unlock_is_signed_and_resets_the_count() -> Result<()> {
        WAIT_MS.with(|w| w.set(Some(1)));
        let dir = tempfile::tempdir().map_err(fail)?;
        let mut app = keyed_team(dir.path())?;
        assert_eq!(app.passphrase_wait()?, 0);
        wrong(&mut app, 3);
        assert_eq!(app.passphrase_wait()?, 30);
        app.unlock(Some(PASS), "thử")?;
        assert_eq!(app.passphrase_wait()?, 0, "a genuine unlock resets the count");
        let chain = app.store.audit_chain()?;
        let last = chain.last().ok_or_else(|| fail("empty log"))?;
        assert_eq!(last.entry.action, "key.unlock");
        let sig = last.entry.after.as_deref().unwrap_or_default();
        assert!(sig.contains("\"signature\""), "{sig}");
        assert!(app.audit_verify()?.ok, "the chain still holds");
        Ok(())
    }

    #[test]
    fn issue_11_8_a_forged_or_copied_unlock_row_does_not_reset_the_count() -> std::result::Result<(), String> {
        WAIT_MS.with(|w| w.set(Some(1)));
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let db = dir.path().join("to.sqlite");
        let mut app = keyed_team(dir.path()).map_err(|e| e.to_string())?;
        app.unlock(Some(PASS), "thử").map_err(|e| e.to_string())?;
        let genuine = app.store.audit_chain().map_err(|e| e.to_string())?.pop().ok_or("no entry")?;
        wrong(&mut app, 4);
        // A key.unlock row without a signature, with a correct chain hash.
        insert_forged(&db, "key.unlock", None, None)?;
        let app2 = App::open(&db).map_err(|e| e.to_string())?;
        assert!(app2.audit_verify().map_err(|e| e.to_string())?.ok, "the forged row chains correctly");
        assert_eq!(app2.passphrase_wait().map_err(|e| e.to_string())?, 60, "4 failures: a fake unlock resets nothing");
        // The genuine row's signature copied with its signed previous hash.
        insert_forged(&db, "key.unlock", genuine.entry.after.as_deref(), Some(&genuine.prev_hash))?;
        assert_eq!(app2.passphrase_wait().map_err(|e| e.to_string())?, 60);
        // A second key.init is not the app's either.
        insert_forged(&db, "key.init", Some("{}"), None)?;
        assert_eq!(app2.passphrase_wait().map_err(|e| e.to_string())?, 60);
        Ok(())
    }

    #[test]
    fn issue_11_8_the_wait_is_waited_whatever_the_clock_says() -> Result<()> {
        // 10 ms per second of waiting: the 30 s wait after 3 failures takes
        // 300 ms of real (monotonic) time even with TOBAUCU_NOW far ahead;
        // the clock is only read for the log's times.
        WAIT_MS.with(|w| w.set(Some(10)));
        let dir = tempfile::tempdir().map_err(fail)?;
        let mut app = keyed_team(dir.path())?;
        wrong(&mut app, 3);
        let t = Instant::now();
        app.unlock(Some(PASS), "thử")?;
        assert!(t.elapsed() >= Duration::from_millis(300), "{:?}", t.elapsed());
        // The first three failures cost no wait; the fourth waits 60 s
        // (600 ms here) and is still logged.
        wrong(&mut app, 3);
        assert_eq!(app.passphrase_wait()?, 30);
        wrong(&mut app, 1);
        assert_eq!(app.passphrase_wait()?, 60);
        let t = Instant::now();
        wrong(&mut app, 1);
        assert!(t.elapsed() >= Duration::from_millis(600), "{:?}", t.elapsed());
        assert_eq!(count(&app, "key.wrong_passphrase")?, 8);
        assert_eq!(app.passphrase_wait()?, 120);
        Ok(())
    }

    #[test]
    fn issue_11_8_keys_init_refuses_what_a_pattern_guesser_finds_first() -> Result<()> {
        let dir = tempfile::tempdir().map_err(fail)?;
        let mut app = App::open(&dir.path().join("to.sqlite"))?;
        app.setup(DEMO_ELECTION, &UnitChoice::Area(DEMO_AREA.into()))?;
        // The unit's own words (area name, commune) with and without diacritics.
        for weak in ["to-bau-cu-mau-2026", "chan-xuyen-thieu-ngoc", "Chẩn Xuyên 1 Thiệu Ngọc", "Đại biểu Quốc hội khóa XVI"] {
            let e = app.keys_init(weak).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains("quá dễ đoán") && e.contains("bốn, năm từ ngẫu nhiên"), "{weak}: {e}");
        }
        assert!(!app.has_key()?, "nothing created");
        let k = app.keys_init(crate::DEMO_PASSPHRASE)?;
        assert_eq!(k.fingerprint.len(), 24);
        Ok(())
    }

    #[test]
    fn issue_11_8_reopen_needs_the_passphrase_like_finalize() -> Result<()> {
        WAIT_MS.with(|w| w.set(Some(1)));
        let dir = tempfile::tempdir().map_err(fail)?;
        let mut app = keyed_team(dir.path())?;
        // A finalized revision of level XA, as finalize writes it.
        let now = clock::stamp(app.now());
        app.store.write(|tx| {
            tx.insert_revision(&RevisionRow { level: "XA".into(), revision: 1, finalized_at: now, reason: String::new(), data: "{}".into(), sha256: "0".repeat(64), reopened: None })?;
            Ok::<_, Error>(())
        })?;
        let e = app.reopen("XA", "đếm lại", None).err().map(|e| e.code());
        assert_eq!(e, Some(ErrorCode::PassphraseRequired));
        let e = app.reopen("XA", "đếm lại", Some("sai rồi")).err().map(|e| e.code());
        assert_eq!(e, Some(ErrorCode::WrongPassphrase));
        assert_eq!(app.store.revisions("XA")?.last().map(|r| r.reopened.is_none()), Some(true), "still locked");
        let s = app.reopen("XA", "đếm lại", Some(PASS))?;
        assert_eq!(s.status, tobaucu_ipc::MinutesStatus::Draft);
        let chain = app.store.audit_chain()?;
        let purposes: Vec<&str> = chain.iter().filter(|r| r.entry.action.starts_with("key.")).map(|r| r.entry.reason.as_str()).collect();
        assert!(purposes.contains(&"mở bản sửa đổi biên bản cấp XA"), "{purposes:?}");
        // Not finalized: refused before any passphrase is asked.
        let e = app.reopen("XA", "đếm lại", None).err().map(|e| e.code());
        assert_eq!(e, Some(ErrorCode::NotFinalized));
        Ok(())
    }
}
