//! Khóa ký: this unit's Ed25519 key (created at setup time, sealed with the
//! Tổ trưởng's passphrase), its registration file and sheet, and — at a
//! board — the registered keys of lower units.

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use tobaucu_bundle::keys::{self, normalize_fingerprint};
use tobaucu_bundle::{hex, unhex, SealedKey};
use tobaucu_ipc::{KeyInfoDto, RegisteredKeyDto};
use tobaucu_store::{BundleRead, RegisteredKeyRow, SigningKeyRow, Read};

use crate::{clock, convert::audit_entry, App, Error, Result};

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
        tobaucu_bundle::Error::WrongPassphrase => Error::refused("WRONG_PASSPHRASE", "cụm mật khẩu không đúng; không có gì thay đổi"),
        other => Error::refused("KEY", other.to_string()),
    }
}

impl App {
    pub(crate) fn unit_id(&self) -> Result<(String, String)> {
        let u = self.unit_row()?.ok_or_else(|| Error::refused("NOT_SET_UP", "cơ sở dữ liệu chưa được thiết lập; hãy chạy \"tobaucu setup\" trước"))?;
        Ok((u.unit_id, u.kind))
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
            return Err(Error::refused("KEY_EXISTS", format!("đơn vị {unit} đã có khóa ký (dấu vân tay {}); không tạo khóa thứ hai", keys::fingerprint(&pk))));
        }
        let sealed = keys::generate(&unit, pass).map_err(key_err)?;
        self.store_key(&unit, &sealed)?;
        let mut info = self.keys_show()?;
        let path = self.write_registration_file(&self.key_dir())?;
        info.registration_file = Some(path.display().to_string());
        Ok(info)
    }

    /// Stores a sealed key (tests seal with small Argon2 parameters).
    #[doc(hidden)]
    pub fn store_key(&mut self, unit: &str, sealed: &SealedKey) -> Result<()> {
        let now = clock::stamp(clock::now());
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
        let k = self.store.signing_key()?.ok_or_else(|| Error::refused("NO_KEY", format!("đơn vị {unit} chưa có khóa ký; hãy chạy \"tobaucu keys init\"")))?;
        let pk: [u8; 32] = k.public_key.as_slice().try_into().map_err(|_| Error::Internal("khóa hỏng".into()))?;
        Ok(KeyInfoDto { public_key: hex(&pk), fingerprint: keys::fingerprint(&pk), unit_id: unit, created_at: k.created_at, registration_file: None })
    }

    /// Opens the private key with the passphrase. Every use is logged
    /// (`key.unlock` with its purpose); a wrong passphrase is logged and
    /// refused, and after repeated wrong ones the next attempt must wait
    /// ([`tobaucu_core::audit::passphrase_wait_secs`]; counted from the log,
    /// so restarting the app does not reset it).
    pub(crate) fn unlock(&mut self, pass: Option<&str>, purpose: &str) -> Result<SigningKey> {
        let (unit, _) = self.unit_id()?;
        let row = self.store.signing_key()?.ok_or_else(|| Error::refused("NO_KEY", format!("đơn vị {unit} chưa có khóa ký; hãy tạo khóa (\"tobaucu keys init\") trước khi {purpose}")))?;
        let Some(pass) = pass else {
            return Err(Error::refused("PASSPHRASE_REQUIRED", format!("cần cụm mật khẩu của Tổ trưởng để {purpose} (biến TOBAUCU_PASSPHRASE hoặc nhập từ bàn phím)")));
        };
        let now_t = clock::now();
        let now = clock::stamp(now_t);
        // Wrong attempts in a row since the last good one.
        let recent = self.store.recent_audit(&["key.wrong_passphrase", "key.unlock", "key.init"], 16)?;
        let failures = recent.iter().take_while(|(a, _)| a == "key.wrong_passphrase").count();
        let wait = tobaucu_core::audit::passphrase_wait_secs(u32::try_from(failures).unwrap_or(u32::MAX));
        if wait > 0 {
            let last = recent.first().and_then(|(_, at)| chrono::DateTime::parse_from_rfc3339(at).ok());
            let elapsed = last.map_or(wait, |t| (now_t - t).num_seconds());
            if elapsed < wait {
                let left = wait - elapsed;
                return Err(Error::refused(
                    "PASSPHRASE_WAIT",
                    format!("đã nhập sai cụm mật khẩu {failures} lần liên tiếp; hãy chờ {left} giây nữa rồi thử lại (mỗi lần sai, thời gian chờ tăng gấp đôi, tối đa 5 phút)"),
                ));
            }
        }
        match keys::unseal(&unit, &sealed_of(&row)?, pass) {
            Ok(k) => {
                self.store.write(|tx| {
                    tx.append_audit(&audit_entry(&now, "key.unlock", format!("khóa ký của {unit}"), purpose, None, None))?;
                    Ok::<_, Error>(())
                })?;
                Ok(k)
            }
            Err(e) => {
                self.store.write(|tx| {
                    tx.append_audit(&audit_entry(&now, "key.wrong_passphrase", format!("khóa ký của {unit}"), purpose, None, None))?;
                    Ok::<_, Error>(())
                })?;
                let next = tobaucu_core::audit::passphrase_wait_secs(u32::try_from(failures + 1).unwrap_or(u32::MAX));
                let e = key_err(e);
                Err(if next > 0 { Error::refused("WRONG_PASSPHRASE", format!("{e}; đã sai {} lần liên tiếp, lần thử sau phải chờ {next} giây", failures + 1)) } else { e })
            }
        }
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
        if my_kind == "area" {
            return Err(Error::refused("NOT_A_BOARD", format!("cơ sở dữ liệu này là của tổ bầu cử {me}; đăng ký khóa làm ở cơ sở dữ liệu của xã (setup --commune)")));
        }
        self.unit_below(unit, None).map_err(|m| Error::refused("UNKNOWN_UNIT", m))?;
        let path = Path::new(arg);
        let (public_key, fingerprint, how) = if path.is_file() {
            let bytes = crate::read_limited(path, 64 * 1024)?;
            let bad = |m: &str| Error::refused("KEY_FILE", format!("{}: {m}", path.display()));
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
            return Err(Error::refused("KEY_ARG", format!("\"{arg}\" không phải tệp đăng ký khóa đọc được, cũng không phải dấu vân tay (20 chữ số hex, ví dụ \"3F2A 9C01 77B4 0E5D A1C3\")")));
        };
        self.register_key_row(unit, public_key, &fingerprint, how, "")
    }

    pub(crate) fn register_key_row(&mut self, unit: &str, public_key: Option<Vec<u8>>, fingerprint: &str, how: &str, reason: &str) -> Result<RegisteredKeyDto> {
        let now = clock::stamp(clock::now());
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
        Ok(self
            .store
            .registered_keys()?
            .into_iter()
            .map(|k| RegisteredKeyDto { unit_id: k.unit_id, fingerprint: k.fingerprint, how: k.how, registered_at: k.registered_at })
            .collect())
    }
}
