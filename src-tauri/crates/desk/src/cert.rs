//! Chứng nhận bàn: a desk's certificate, issued and signed by the main
//! laptop's authority key of the group.

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde_json::{json, Value};
use tobaucu_core::canonical::canonical_json;
use tobaucu_core::desk::{DeskId, MAX_DESKS};
use tobaucu_ipc::ErrorCode;

use crate::{hex, unhex};

const CERT_DOMAIN: &[u8] = b"tobaucu-desk-cert/1\0";
pub const CERT_FORMAT: &str = "tobaucu-desk-cert/1";

/// A desk's certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cert {
    /// The group of desks (random, 16 bytes hex): one per multi-desk setup
    /// of a team.
    pub group: String,
    /// The team (polling area) and the election, with the SHA-256 of its
    /// definition.
    pub unit: String,
    pub election: String,
    pub election_sha256: String,
    pub desk: DeskId,
    pub name: String,
    /// Ed25519 key that signs the desk's events (hex).
    pub sign_key: String,
    /// X25519 key of its Noise transport (hex).
    pub noise_key: String,
    /// The group's authority key that signed this certificate (hex).
    pub authority: String,
    pub issued_at: String,
    pub sig: String,
}

/// Why a peer's certificate is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// Another election (or another version of its definition).
    Election(String),
    /// Another team of the same election.
    Team(String),
    /// The same team, another group of desks (an old package, a second
    /// setup): its events cannot be trusted here.
    Group,
    /// The signature does not hold, or the key the peer used is not the
    /// one its certificate names.
    Forged(String),
}

impl Mismatch {
    /// A stable code (peer status, audit log).
    pub fn code(&self) -> ErrorCode {
        match self {
            Mismatch::Election(_) => ErrorCode::WrongElection,
            Mismatch::Team(_) => ErrorCode::WrongTeam,
            Mismatch::Group => ErrorCode::WrongGroup,
            Mismatch::Forged(_) => ErrorCode::BadCredential,
        }
    }

    /// What the person at the desk reads.
    pub fn vi(&self) -> String {
        match self {
            Mismatch::Election(e) => format!("máy này thuộc cuộc bầu cử khác ({e}); không trao đổi dữ liệu"),
            Mismatch::Team(u) => format!("máy này là bàn của tổ bầu cử khác ({u}); không trao đổi dữ liệu"),
            Mismatch::Group => "máy này có gói bàn của một lần thiết lập nhiều bàn khác (gói cũ hoặc của máy chính khác); hãy làm lại gói bàn từ máy chính hiện tại".into(),
            Mismatch::Forged(why) => format!("chứng nhận bàn không hợp lệ: {why}; không trao đổi dữ liệu"),
        }
    }
}

impl Cert {
    fn body(&self) -> Value {
        json!({
            "format": CERT_FORMAT, "group": self.group, "unit": self.unit, "election": self.election,
            "election_sha256": self.election_sha256, "desk": self.desk, "name": self.name,
            "sign_key": self.sign_key, "noise_key": self.noise_key, "authority": self.authority, "issued_at": self.issued_at,
        })
    }

    fn message(&self) -> Vec<u8> {
        let mut m = CERT_DOMAIN.to_vec();
        m.extend_from_slice(canonical_json(&self.body()).as_bytes());
        m
    }

    /// Signs the certificate with the group's authority key (which it names).
    pub fn sign(mut self, authority: &SigningKey) -> Cert {
        self.authority = hex(authority.verifying_key().as_bytes());
        self.sig = hex(&authority.sign(&self.message()).to_bytes());
        self
    }

    /// The certificate as JSON.
    pub fn to_value(&self) -> Value {
        let mut v = self.body();
        if let Some(o) = v.as_object_mut() {
            o.insert("sig".into(), Value::String(self.sig.clone()));
        }
        v
    }

    /// Reads a certificate (its signature is checked by [`Cert::judge`]).
    pub fn from_value(v: &Value) -> Result<Cert, String> {
        let o = v.as_object().ok_or("chứng nhận bàn không phải đối tượng JSON")?;
        const KEYS: [&str; 12] = ["format", "group", "unit", "election", "election_sha256", "desk", "name", "sign_key", "noise_key", "authority", "issued_at", "sig"];
        if let Some(k) = o.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(format!("chứng nhận bàn có trường lạ \"{k}\""));
        }
        let s = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_owned).ok_or(format!("chứng nhận bàn thiếu trường {k}"));
        if s("format")? != CERT_FORMAT {
            return Err("chứng nhận bàn không đúng định dạng".into());
        }
        let desk = o.get("desk").and_then(Value::as_u64).and_then(|d| u32::try_from(d).ok()).filter(|d| (1..=MAX_DESKS).contains(d)).ok_or("số bàn trong chứng nhận không hợp lệ")?;
        let c = Cert {
            group: s("group")?,
            unit: s("unit")?,
            election: s("election")?,
            election_sha256: s("election_sha256")?,
            desk,
            name: s("name")?,
            sign_key: s("sign_key")?,
            noise_key: s("noise_key")?,
            authority: s("authority")?,
            issued_at: s("issued_at")?,
            sig: s("sig")?,
        };
        if unhex::<32>(&c.sign_key).is_none() || unhex::<32>(&c.noise_key).is_none() || unhex::<32>(&c.authority).is_none() || unhex::<64>(&c.sig).is_none() {
            return Err("khóa trong chứng nhận bàn không hợp lệ".into());
        }
        if c.name.chars().count() > 60 || c.unit.len() > 100 || c.election.len() > 100 {
            return Err("chứng nhận bàn có trường quá dài".into());
        }
        Ok(c)
    }

    /// Whether the authority's signature holds.
    pub fn signature_ok(&self) -> bool {
        let (Some(k), Some(s)) = (unhex::<32>(&self.authority), unhex::<64>(&self.sig)) else { return false };
        let Ok(k) = VerifyingKey::from_bytes(&k) else { return false };
        k.verify_strict(&self.message(), &ed25519_dalek::Signature::from_bytes(&s)).is_ok()
    }

    /// Judges a peer's certificate against our own: same election (and
    /// definition), team, group and authority; a valid signature; and the
    /// Noise key the peer actually used (`used_noise_key`) is the one the
    /// certificate names.
    pub fn judge(&self, ours: &Cert, used_noise_key: &[u8]) -> Result<(), Mismatch> {
        if self.election != ours.election || self.election_sha256 != ours.election_sha256 {
            return Err(Mismatch::Election(self.election.clone()));
        }
        if self.unit != ours.unit {
            return Err(Mismatch::Team(self.unit.clone()));
        }
        if self.group != ours.group || self.authority != ours.authority {
            return Err(Mismatch::Group);
        }
        if !self.signature_ok() {
            return Err(Mismatch::Forged("chữ ký của máy chính không đúng".into()));
        }
        if unhex::<32>(&self.noise_key).map(|k| k.to_vec()) != Some(used_noise_key.to_vec()) {
            return Err(Mismatch::Forged("khóa kết nối khác với khóa trong chứng nhận".into()));
        }
        Ok(())
    }

    /// A certificate relayed by a peer (of a desk not connected here):
    /// same group and authority, valid signature.
    pub fn belongs(&self, ours: &Cert) -> bool {
        self.group == ours.group && self.authority == ours.authority && self.unit == ours.unit && self.election_sha256 == ours.election_sha256 && self.signature_ok()
    }
}
