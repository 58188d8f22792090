//! Khóa ký của đơn vị: one Ed25519 key pair per unit.
//!
//! The private key is stored only sealed: a key derived from the Tổ
//! trưởng's passphrase with Argon2id (19 MiB, 2 passes — OWASP's
//! recommendation) encrypts it with ChaCha20-Poly1305; the unit id and the
//! public key are the associated data, so a sealed key cannot be moved to
//! another unit. It is never displayed or exported.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::{hex, Error, Result};

/// Argon2id memory in KiB, passes and lanes used for new keys.
pub const ARGON2_M_KIB: u32 = 19 * 1024;
pub const ARGON2_T: u32 = 2;
pub const ARGON2_P: u32 = 1;
/// Shortest passphrase accepted for a new key.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// A private key sealed with a passphrase, as stored in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedKey {
    pub public_key: [u8; 32],
    pub salt: [u8; 16],
    pub nonce: [u8; 12],
    pub ciphertext: Vec<u8>,
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| Error::Key(format!("không lấy được số ngẫu nhiên của hệ điều hành: {e}")))?;
    Ok(b)
}

fn derive(pass: &str, salt: &[u8], m: u32, t: u32, p: u32) -> Result<Zeroizing<[u8; 32]>> {
    let params = Params::new(m, t, p, Some(32)).map_err(|e| Error::Key(format!("tham số Argon2 không hợp lệ: {e}")))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(pass.as_bytes(), salt, out.as_mut())
        .map_err(|e| Error::Key(format!("không tạo được khóa từ cụm mật khẩu: {e}")))?;
    Ok(out)
}

fn aad(unit: &str, pk: &[u8; 32]) -> Vec<u8> {
    let mut a = b"tobaucu-key/1\0".to_vec();
    a.extend_from_slice(unit.as_bytes());
    a.push(0);
    a.extend_from_slice(pk);
    a
}

/// Creates a new key pair for `unit`, sealed with `pass`.
pub fn generate(unit: &str, pass: &str) -> Result<SealedKey> {
    if pass.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(Error::Key(format!("cụm mật khẩu phải có ít nhất {MIN_PASSPHRASE_CHARS} ký tự")));
    }
    let seed = Zeroizing::new(random::<32>()?);
    let sk = SigningKey::from_bytes(&seed);
    seal(unit, &sk, pass, ARGON2_M_KIB, ARGON2_T, ARGON2_P)
}

/// Seals `sk` with `pass` (parameters given; tests use small ones).
pub fn seal(unit: &str, sk: &SigningKey, pass: &str, m_kib: u32, t: u32, p: u32) -> Result<SealedKey> {
    let public_key = sk.verifying_key().to_bytes();
    let salt = random::<16>()?;
    let nonce = random::<12>()?;
    let k = derive(pass, &salt, m_kib, t, p)?;
    let cipher = ChaCha20Poly1305::new(Key::from_slice(k.as_ref()));
    let ciphertext = cipher
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: sk.as_bytes(), aad: &aad(unit, &public_key) })
        .map_err(|_| Error::Key("không mã hóa được khóa".into()))?;
    Ok(SealedKey { public_key, salt, nonce, ciphertext, m_kib, t, p })
}

/// Opens a sealed key with `pass`.
pub fn unseal(unit: &str, s: &SealedKey, pass: &str) -> Result<SigningKey> {
    let k = derive(pass, &s.salt, s.m_kib, s.t, s.p)?;
    let cipher = ChaCha20Poly1305::new(Key::from_slice(k.as_ref()));
    let plain = Zeroizing::new(
        cipher
            .decrypt(Nonce::from_slice(&s.nonce), Payload { msg: &s.ciphertext, aad: &aad(unit, &s.public_key) })
            .map_err(|_| Error::WrongPassphrase)?,
    );
    let seed: [u8; 32] = plain.as_slice().try_into().map_err(|_| Error::Key("khóa đã lưu bị hỏng".into()))?;
    let sk = SigningKey::from_bytes(&seed);
    if sk.verifying_key().to_bytes() != s.public_key {
        return Err(Error::Key("khóa đã lưu không khớp khóa công khai".into()));
    }
    Ok(sk)
}

/// The fingerprint people compare: the first 10 bytes of SHA-256 of the
/// public key, as five groups of four uppercase hex digits
/// (`3F2A 9C01 77B4 0E5D A1C3`).
pub fn fingerprint(public_key: &[u8; 32]) -> String {
    let h = hex(&Sha256::digest(public_key)[..10]).to_uppercase();
    h.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Normalises a fingerprint typed by a person (spaces, dashes, case).
pub fn normalize_fingerprint(s: &str) -> Option<String> {
    let h: String = s.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != ':').collect::<String>().to_uppercase();
    if h.len() != 20 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    Some(h.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" "))
}

/// Signs `msg` under the bundle domain prefix.
pub fn sign(sk: &SigningKey, msg: &[u8]) -> [u8; 64] {
    sk.sign(&domain(msg)).to_bytes()
}

/// Verifies a signature made by [`sign`] (strict: no malleable encodings).
pub fn verify(public_key: &[u8; 32], msg: &[u8], sig: &[u8; 64]) -> bool {
    let Ok(vk) = VerifyingKey::from_bytes(public_key) else { return false };
    vk.verify_strict(&domain(msg), &ed25519_dalek::Signature::from_bytes(sig)).is_ok()
}

/// Signs a successful unlock's audit entry (issue 11 §8): the message is
/// [`tobaucu_core::audit::unlock_message`], which carries its own domain
/// prefix (`tobaucu-unlock/1`), distinct from the bundles' one.
pub fn sign_unlock(sk: &SigningKey, unit: &str, prev_hash: &str, at: &str, purpose: &str) -> [u8; 64] {
    sk.sign(&tobaucu_core::audit::unlock_message(unit, prev_hash, at, purpose)).to_bytes()
}

/// Verifies a signature made by [`sign_unlock`]; `msg` must be an unlock
/// message (its domain prefix is checked).
pub fn verify_unlock(public_key: &[u8; 32], msg: &[u8], sig: &[u8; 64]) -> bool {
    if !msg.starts_with(tobaucu_core::audit::UNLOCK_DOMAIN) {
        return false;
    }
    let Ok(vk) = VerifyingKey::from_bytes(public_key) else { return false };
    vk.verify_strict(msg, &ed25519_dalek::Signature::from_bytes(sig)).is_ok()
}

/// The signed message: a fixed domain-separation prefix, then `msg`.
fn domain(msg: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(crate::container::SIG_DOMAIN.len() + msg.len());
    m.extend_from_slice(crate::container::SIG_DOMAIN);
    m.extend_from_slice(msg);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_unseal_wrong_passphrase_other_unit() {
        let sk = SigningKey::from_bytes(&[7u8; 32]);
        let s = seal("X0412-KV01", &sk, "mật khẩu dài", 64, 1, 1).map_err(|e| e.to_string());
        let Ok(s) = s else { panic!("seal: {s:?}") };
        assert_eq!(unseal("X0412-KV01", &s, "mật khẩu dài").map(|k| k.to_bytes()), Ok([7u8; 32]));
        assert_eq!(unseal("X0412-KV01", &s, "sai").err(), Some(Error::WrongPassphrase));
        assert_eq!(unseal("X0412-KV02", &s, "mật khẩu dài").err(), Some(Error::WrongPassphrase));
        assert!(!s.ciphertext.windows(32).any(|w| w == [7u8; 32]));
    }

    #[test]
    fn fingerprints_are_five_groups_and_typed_ones_normalise() {
        let f = fingerprint(&[1u8; 32]);
        assert_eq!(f.len(), 24);
        assert_eq!(f.split(' ').count(), 5);
        assert_eq!(normalize_fingerprint(&f.to_lowercase().replace(' ', "-")), Some(f.clone()));
        assert_eq!(normalize_fingerprint("12"), None);
    }

    #[test]
    fn signatures_bind_the_domain_and_the_message() {
        let sk = SigningKey::from_bytes(&[9u8; 32]);
        let pk = sk.verifying_key().to_bytes();
        let sig = sign(&sk, b"manifest");
        assert!(verify(&pk, b"manifest", &sig));
        assert!(!verify(&pk, b"manifesT", &sig));
        let plain = sk.sign(b"manifest").to_bytes();
        assert!(!verify(&pk, b"manifest", &plain), "a signature without the domain prefix is refused");
        assert!(generate("A", "short").is_err());
    }

    #[test]
    fn issue_11_8_unlock_signatures_are_their_own_domain() {
        let sk = SigningKey::from_bytes(&[3u8; 32]);
        let pk = sk.verifying_key().to_bytes();
        let prev = "ab".repeat(32);
        let sig = sign_unlock(&sk, "KV01", &prev, "2026-03-15T20:00:00+07:00", "xuất gói");
        let msg = tobaucu_core::audit::unlock_message("KV01", &prev, "2026-03-15T20:00:00+07:00", "xuất gói");
        assert!(verify_unlock(&pk, &msg, &sig));
        let other = tobaucu_core::audit::unlock_message("KV01", &"cd".repeat(32), "2026-03-15T20:00:00+07:00", "xuất gói");
        assert!(!verify_unlock(&pk, &other, &sig));
        assert!(!verify_unlock(&SigningKey::from_bytes(&[4u8; 32]).verifying_key().to_bytes(), &msg, &sig));
        // A bundle signature is no unlock signature and the reverse.
        let bundle_sig = sign(&sk, &msg);
        assert!(!verify_unlock(&pk, &msg, &bundle_sig));
        assert!(!verify(&pk, &msg, &sig));
        let plain = sk.sign(b"manifest").to_bytes();
        assert!(!verify_unlock(&pk, b"manifest", &plain), "a message without the unlock prefix is refused");
    }
}
