//! Nhiều bàn phát phiếu — what travels between the check-in desks of one
//! Tổ bầu cử (issue 14), below the database:
//!
//! * [`cert`]: the credentials the main laptop issues (an Ed25519
//!   *authority* key per group of desks signs each desk's certificate,
//!   which binds the desk's number and name, its event-signing key and its
//!   Noise key to the team, the election and the group);
//! * [`wire`]: the encrypted, mutually authenticated transport — Noise
//!   `XX` (X25519, ChaCha20-Poly1305, BLAKE2s; the `snow` crate) over TCP,
//!   with pairing by a short code through SPAKE2 whose key becomes the
//!   Noise pre-shared key (`XXpsk3`): the code never crosses the wire;
//! * [`proto`]: the messages of a sync session;
//! * [`lan`]: what "the local network" is (private, link-local and
//!   loopback addresses only), the interfaces to listen on and the
//!   discovery beacon.
//!
//! No database, no clock: times are passed in.

pub mod cert;
pub mod lan;
pub mod proto;
pub mod wire;

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};

/// Errors of the desk transport, in Vietnamese for the person at the desk.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("kết nối mã hóa thất bại: {0}")]
    Noise(String),
    #[error("{0}")]
    Format(String),
    #[error("không lấy được số ngẫu nhiên của hệ điều hành: {0}")]
    Random(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub use tobaucu_core::audit::{hex, unhex};

/// `N` random bytes from the operating system.
pub fn random<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| Error::Random(e.to_string()))?;
    Ok(b)
}

/// A desk's own secret keys: Ed25519 to sign its events, X25519 for the
/// Noise transport.
pub struct DeskKeys {
    pub sign: SigningKey,
    pub noise_secret: [u8; 32],
    pub noise_public: [u8; 32],
}

impl DeskKeys {
    /// New random keys.
    pub fn generate() -> Result<DeskKeys> {
        let sign = SigningKey::from_bytes(&random::<32>()?);
        let noise_secret = random::<32>()?;
        let noise_public = wire::noise_public(&noise_secret)?;
        Ok(DeskKeys { sign, noise_secret, noise_public })
    }

    /// Keys kept as hex (`sign`, `noise`).
    pub fn from_hex(sign: &str, noise: &str) -> Option<DeskKeys> {
        let sign = SigningKey::from_bytes(&unhex::<32>(sign)?);
        let noise_secret = unhex::<32>(noise)?;
        let noise_public = wire::noise_public(&noise_secret).ok()?;
        Some(DeskKeys { sign, noise_secret, noise_public })
    }

    pub fn sign_hex(&self) -> String {
        hex(&self.sign.to_bytes())
    }

    pub fn noise_hex(&self) -> String {
        hex(&self.noise_secret)
    }

    pub fn sign_public_hex(&self) -> String {
        hex(self.sign.verifying_key().as_bytes())
    }

    pub fn noise_public_hex(&self) -> String {
        hex(&self.noise_public)
    }

    /// The signature of an event (over its hash).
    pub fn sign_event(&self, hash: &str) -> String {
        hex(&self.sign.sign(&event_message(hash)).to_bytes())
    }
}

const EVENT_DOMAIN: &[u8] = b"tobaucu-desk-event/1\0";

fn event_message(hash: &str) -> Vec<u8> {
    let mut m = EVENT_DOMAIN.to_vec();
    m.extend_from_slice(hash.as_bytes());
    m
}

/// Whether `sig` is the signature of the desk key `public` (hex) over an
/// event's `hash`.
pub fn event_sig_ok(public: &str, hash: &str, sig: &str) -> bool {
    let (Some(k), Some(s)) = (unhex::<32>(public), unhex::<64>(sig)) else { return false };
    let Ok(k) = VerifyingKey::from_bytes(&k) else { return false };
    k.verify_strict(&event_message(hash), &ed25519_dalek::Signature::from_bytes(&s)).is_ok()
}

#[cfg(test)]
mod tests;
