//! Khóa ký của đơn vị: one Ed25519 key pair per unit.
//!
//! The private key is stored only sealed: a key derived from the Tổ
//! trưởng's passphrase with Argon2id ([`ARGON2_M_KIB`], [`ARGON2_T`]: chosen
//! by measurement so that an unlock costs about a second on a commune
//! laptop; older keys keep their stored parameters) encrypts it with
//! ChaCha20-Poly1305; the unit id and the
//! public key are the associated data, so a sealed key cannot be moved to
//! another unit. It is never displayed or exported.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::{hex, Error, Result};

/// Argon2id memory in KiB, passes and lanes used for new keys, chosen by
/// measurement (issue 11 §8; `cargo bench -p tobaucu-bundle --bench
/// argon2`): one derivation, one lane, on the development machine (Intel
/// Xeon, 2 cores, other builds running: load average about 4):
///
/// | memory  | passes | time here | commune laptop (est.) |
/// |---------|--------|-----------|-----------------------|
/// | 19 MiB  | 2      | 25 ms     | 50–75 ms (the old setting) |
/// | 64 MiB  | 1      | 93 ms     | 0.2–0.3 s |
/// | 64 MiB  | 2      | 149 ms    | 0.3–0.45 s |
/// | 64 MiB  | 3      | 198 ms    | 0.4–0.6 s |
/// | 128 MiB | 1      | 209 ms    | 0.4–0.65 s |
/// | **128 MiB** | **2** | **317 ms** | **0.65–0.95 s** |
/// | 128 MiB | 3      | 434 ms    | 0.85–1.3 s |
/// | 256 MiB | 1      | 404 ms    | 0.8–1.2 s |
/// | 256 MiB | 2      | 666 ms    | 1.3–2 s |
///
/// A commune laptop (an older Core i3/Celeron-class machine) is taken to be
/// 2–3× slower per core than this one — an estimate, not a measurement.
/// 128 MiB × 2 passes costs the Tổ trưởng under a second per unlock there
/// and an offline guesser 128 MiB and about a third of a fast core-second
/// per guess, six times the memory and thirteen times the time of the old
/// 19 MiB × 2. Memory stays well under 256 MiB. Keys sealed before keep
/// the parameters stored with them and open as they are.
pub const ARGON2_M_KIB: u32 = 128 * 1024;
pub const ARGON2_T: u32 = 2;
pub const ARGON2_P: u32 = 1;
/// Shortest passphrase accepted for a new key (characters).
pub const MIN_PASSPHRASE_CHARS: usize = 12;
/// Lowest strength estimate accepted for a new key: zxcvbn's score 0–4,
/// where 3 means about 10^10 guesses for a guesser that tries words,
/// names, dates, keyboard runs, repeats and — first of all — the words of
/// the app and of the election (issue 11 §8: the old demo passphrase
/// "to-bau-cu-mau-2026" fell to 83 such guesses).
pub const MIN_PASSPHRASE_SCORE: u8 = 3;

/// Words anyone guessing a Tổ trưởng's passphrase tries first, whatever the
/// unit: the app's name, "bầu cử", "mẫu", the election year…
const APP_WORDS: &[&str] = &[
    "tổ bầu cử",
    "tobaucu",
    "to-bau-cu",
    "bầu cử",
    "baucu",
    "tổ",
    "bầu",
    "cử",
    "mẫu",
    "mẫu 2026",
    "2026",
    "2031",
    "2026-2031",
    "mật khẩu",
    "matkhau",
    "khóa",
    "khoá",
    "kiểm phiếu",
    "phiếu",
    "biên bản",
    "tổ trưởng",
    "hội đồng",
    "ủy ban",
    "ban bầu cử",
    "quốc hội",
];

/// The words a guesser of this unit's passphrase tries first, for the
/// strength estimate: [`APP_WORDS`] and `context` (unit id and name,
/// commune, election id and name…), whole and split into words, with and
/// without diacritics, letters and digits apart (`BC2026` → `bc`, `2026`).
pub fn passphrase_user_inputs(context: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |w: String| {
        if !w.is_empty() && !out.contains(&w) {
            out.push(w);
        }
    };
    for c in APP_WORDS.iter().chain(context) {
        for whole in [c.to_lowercase(), tobaucu_core::text::fold(c)] {
            add(whole.split_whitespace().collect::<String>());
            for w in whole.split(|ch: char| !ch.is_alphanumeric()) {
                add(w.to_owned());
                // Letters and digits apart.
                for part in split_letters_digits(w) {
                    add(part);
                }
            }
            add(whole);
        }
    }
    out
}

/// Chính sách cụm mật khẩu: refuses a new passphrase shorter than
/// [`MIN_PASSPHRASE_CHARS`], or whose strength estimate is below
/// [`MIN_PASSPHRASE_SCORE`]. The estimate is zxcvbn's, with
/// [`passphrase_user_inputs`]`(context)` as the words it knows, taken
/// twice: on the passphrase, and on what is left of it once the words a
/// guesser of this unit tries for free are taken out (zxcvbn alone lets
/// "to-bau-cu-mau-2026" through at about 10^9 guesses, because it prices
/// every separator and short word as unknown). The Vietnamese message says
/// why and what to do instead.
pub fn check_passphrase(pass: &str, context: &[&str]) -> Result<()> {
    const ADVICE: &str = "hãy dùng bốn, năm từ ngẫu nhiên không liên quan đến bầu cử (không dùng tên đơn vị, địa danh, năm, ngày sinh, số điện thoại), cách nhau bằng dấu cách hoặc dấu gạch";
    let n = pass.chars().count();
    if n < MIN_PASSPHRASE_CHARS {
        return Err(Error::Key(format!("cụm mật khẩu quá ngắn ({n} ký tự, cần ít nhất {MIN_PASSPHRASE_CHARS}); {ADVICE}")));
    }
    let inputs = passphrase_user_inputs(context);
    let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    // The words of the passphrase (letters and digits apart) that a guesser
    // of this unit tries first, and the rest.
    let (mut known, mut rest) = (Vec::<String>::new(), Vec::<String>::new());
    for word in pass.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        for part in split_letters_digits(word) {
            let is_known = [part.to_lowercase(), tobaucu_core::text::fold(&part)].iter().any(|p| inputs.contains(p));
            if is_known {
                known.push(part)
            } else {
                rest.push(part)
            }
        }
    }
    let rest = rest.join(" ");
    let whole = zxcvbn::zxcvbn(pass, &refs);
    let left = zxcvbn::zxcvbn(&rest, &refs);
    let (score_whole, score_left) = (u8::from(whole.score()), if rest.is_empty() { 0 } else { u8::from(left.score()) });
    let score = score_whole.min(score_left);
    if score >= MIN_PASSPHRASE_SCORE {
        return Ok(());
    }
    let weak = if score_whole < MIN_PASSPHRASE_SCORE { &whole } else { &left };
    use zxcvbn::matching::patterns::MatchPattern;
    for m in weak.sequence() {
        if matches!(&m.pattern, MatchPattern::Dictionary(d) if inputs.contains(&d.matched_word)) && !known.contains(&m.token) {
            known.push(m.token.clone());
        }
    }
    let mut why: Vec<String> = Vec::new();
    if !known.is_empty() {
        let list = known.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(", ");
        why.push(format!("{list} là từ của ứng dụng, đơn vị hoặc cuộc bầu cử — người đoán thử những từ này trước tiên"));
    }
    let mut found: Vec<String> = Vec::new();
    for m in weak.sequence() {
        let what = match &m.pattern {
            MatchPattern::Dictionary(d) if inputs.contains(&d.matched_word) => continue,
            MatchPattern::Dictionary(_) => "từ hoặc mật khẩu phổ biến",
            MatchPattern::Date(_) => "ngày tháng",
            MatchPattern::Regex(_) => "năm",
            MatchPattern::Spatial(_) => "phím liền nhau",
            MatchPattern::Repeat(_) => "lặp lại",
            MatchPattern::Sequence(_) => "chuỗi liên tiếp",
            MatchPattern::BruteForce => continue,
        };
        let item = format!("\"{}\" ({what})", m.token);
        if !found.contains(&item) {
            found.push(item);
        }
    }
    if !found.is_empty() {
        why.push(format!("dễ đoán: {}", found.join(", ")));
    }
    if why.is_empty() || (score_left < MIN_PASSPHRASE_SCORE && !rest.is_empty() && score_whole >= MIN_PASSPHRASE_SCORE) {
        why.push(if rest.is_empty() { "không còn từ nào khác".to_owned() } else { format!("phần còn lại \"{rest}\" quá ngắn hoặc quá quen") });
    }
    Err(Error::Key(format!("cụm mật khẩu quá dễ đoán (độ mạnh {score}/4, cần ít nhất {MIN_PASSPHRASE_SCORE}/4): {}; {ADVICE}", why.join("; "))))
}

/// `BC2026` → `BC`, `2026`.
fn split_letters_digits(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run = String::new();
    for ch in word.chars() {
        if run.chars().last().is_some_and(|l| l.is_ascii_digit() != ch.is_ascii_digit()) {
            out.push(std::mem::take(&mut run));
        }
        run.push(ch);
    }
    if !run.is_empty() {
        out.push(run);
    }
    out
}

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

/// The passphrase in NFC: "bầu" typed with precomposed letters or with
/// combining marks (Unikey's "Unicode tổ hợp") opens the same key.
fn nfc(pass: &str) -> Zeroizing<String> {
    use unicode_normalization::UnicodeNormalization;
    Zeroizing::new(pass.nfc().collect())
}

fn derive(pass: &str, salt: &[u8], m: u32, t: u32, p: u32) -> Result<Zeroizing<[u8; 32]>> {
    let params = Params::new(m, t, p, Some(32)).map_err(|e| Error::Key(format!("tham số Argon2 không hợp lệ: {e}")))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params).hash_password_into(pass.as_bytes(), salt, out.as_mut()).map_err(|e| Error::Key(format!("không tạo được khóa từ cụm mật khẩu: {e}")))?;
    Ok(out)
}

fn aad(unit: &str, pk: &[u8; 32]) -> Vec<u8> {
    let mut a = b"tobaucu-key/1\0".to_vec();
    a.extend_from_slice(unit.as_bytes());
    a.push(0);
    a.extend_from_slice(pk);
    a
}

/// Creates a new key pair for `unit`, sealed with `pass` — refused unless
/// `pass` passes [`check_passphrase`] with `context` (the unit's and the
/// election's names and ids).
pub fn generate(unit: &str, pass: &str, context: &[&str]) -> Result<SealedKey> {
    check_passphrase(pass, &[&[unit], context].concat())?;
    let seed = Zeroizing::new(random::<32>()?);
    let sk = SigningKey::from_bytes(&seed);
    seal(unit, &sk, pass, ARGON2_M_KIB, ARGON2_T, ARGON2_P)
}

/// Seals `sk` with `pass` (parameters given; tests use small ones).
pub fn seal(unit: &str, sk: &SigningKey, pass: &str, m_kib: u32, t: u32, p: u32) -> Result<SealedKey> {
    let public_key = sk.verifying_key().to_bytes();
    let salt = random::<16>()?;
    let nonce = random::<12>()?;
    let k = derive(&nfc(pass), &salt, m_kib, t, p)?;
    let cipher = ChaCha20Poly1305::new(Key::from_slice(k.as_ref()));
    let ciphertext = cipher.encrypt(Nonce::from_slice(&nonce), Payload { msg: sk.as_bytes(), aad: &aad(unit, &public_key) }).map_err(|_| Error::Key("không mã hóa được khóa".into()))?;
    Ok(SealedKey { public_key, salt, nonce, ciphertext, m_kib, t, p })
}

/// Opens a sealed key with `pass` (in NFC; keys sealed before NFC was
/// applied with a passphrase typed otherwise open with it as typed).
pub fn unseal(unit: &str, s: &SealedKey, pass: &str) -> Result<SigningKey> {
    let normal = nfc(pass);
    match unseal_exact(unit, s, &normal) {
        Err(Error::WrongPassphrase) if normal.as_str() != pass => unseal_exact(unit, s, pass),
        r => r,
    }
}

fn unseal_exact(unit: &str, s: &SealedKey, pass: &str) -> Result<SigningKey> {
    let k = derive(pass, &s.salt, s.m_kib, s.t, s.p)?;
    let cipher = ChaCha20Poly1305::new(Key::from_slice(k.as_ref()));
    let plain = Zeroizing::new(cipher.decrypt(Nonce::from_slice(&s.nonce), Payload { msg: &s.ciphertext, aad: &aad(unit, &s.public_key) }).map_err(|_| Error::WrongPassphrase)?);
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
    h.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
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
        // The same passphrase with combining marks (NFD) opens it too.
        assert_eq!(unseal("X0412-KV01", &s, "ma\u{0302}\u{0323}t kha\u{0302}\u{0309}u da\u{0300}i").map(|k| k.to_bytes()), Ok([7u8; 32]));
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
        assert!(generate("A", "short", &[]).is_err());
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

    /// The demo election's words, as the app passes them.
    const CONTEXT: &[&str] = &["X0412-KV01", "Thôn Chẩn Xuyên 1", "Xã Thiệu Ngọc", "BC2026", "Bầu cử đại biểu Quốc hội khóa XVI và đại biểu Hội đồng nhân dân các cấp nhiệm kỳ 2026-2031"];

    #[test]
    fn issue_11_8_passphrases_a_pattern_guesser_finds_first_are_refused() {
        for weak in [
            "to-bau-cu-mau-2026",
            "tobaucu2026!",
            "Tổ Bầu Cử 2026",
            "to bau cu mau 2026",
            "thieu ngoc 2026",
            "chan xuyen 1 2026",
            "X0412-KV01-2026",
            "password1234",
            "123456789012",
            "qwertyuiopas",
            "mat khau bau cu",
            "bầu cử quốc hội",
            "Thiệu Ngọc 2026 hoa mai",
            "mat-khau-kiem-thu",
        ] {
            let e = check_passphrase(weak, CONTEXT).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains("bốn, năm từ ngẫu nhiên không liên quan đến bầu cử"), "{weak}: {e}");
        }
        let e = check_passphrase("ngắn quá", CONTEXT).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("quá ngắn (8 ký tự, cần ít nhất 12)"), "{e}");
        let e = check_passphrase("to-bau-cu-mau-2026", CONTEXT).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("quá dễ đoán") && e.contains("\"to\", \"bau\", \"cu\", \"mau\", \"2026\" là từ của ứng dụng, đơn vị hoặc cuộc bầu cử"), "{e}");
        assert!(generate("X0412-KV01", "to-bau-cu-mau-2026", CONTEXT).is_err());
        // Words run together are found too.
        let e = check_passphrase("tobaucumau2026", CONTEXT).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("\"tobaucu\"") && e.contains("2026\""), "{e}");
    }

    #[test]
    fn issue_11_8_random_unrelated_words_pass() {
        for strong in ["ngựa-vằn-ăn-đậu-phộng-lúc-tám-giờ", "ngựa vằn ăn đậu phộng lúc tám giờ", "cá-voi-đọc-báo-dưới-gốc-me", "ca-voi-doc-bao-duoi-goc-me", "lantern-okra-velvet-pigeon"]
        {
            assert_eq!(check_passphrase(strong, CONTEXT).map_err(|e| e.to_string()), Ok(()), "{strong}");
        }
    }

    #[test]
    fn issue_11_8_new_keys_use_the_measured_cost_old_ones_their_own() {
        let s = generate("X0412-KV01", "ngựa-vằn-ăn-đậu-phộng-lúc-tám-giờ", CONTEXT).map_err(|e| e.to_string());
        let Ok(s) = s else { panic!("{s:?}") };
        assert_eq!((s.m_kib, s.t, s.p), (128 * 1024, 2, 1));
        assert!(unseal("X0412-KV01", &s, "ngựa-vằn-ăn-đậu-phộng-lúc-tám-giờ").is_ok());
        // A key sealed with the old setting opens with the parameters stored beside it.
        let sk = SigningKey::from_bytes(&[8u8; 32]);
        let old = seal("X0412-KV01", &sk, "to-bau-cu-mau-2026", 19 * 1024, 2, 1).map_err(|e| e.to_string());
        let Ok(old) = old else { panic!("{old:?}") };
        assert_eq!(unseal("X0412-KV01", &old, "to-bau-cu-mau-2026").map(|k| k.to_bytes()), Ok([8u8; 32]));
    }

    #[test]
    fn issue_11_8_user_inputs_cover_words_with_and_without_diacritics() {
        let u = passphrase_user_inputs(CONTEXT);
        for w in ["tobaucu", "bầu", "bau", "cu", "mẫu", "mau", "2026", "x0412", "kv01", "thiệu", "thieu", "ngoc", "bc", "bc2026", "quoc", "2031", "thonchanxuyen1"] {
            assert!(u.iter().any(|x| x == w), "{w} missing: {u:?}");
        }
    }
}
