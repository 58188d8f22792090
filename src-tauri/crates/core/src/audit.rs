//! Nhật ký có chuỗi băm: the audit log's hash chain.
//!
//! Each entry's hash is `SHA-256(previous hash ‖ "\n" ‖ SHA-256(canonical
//! JSON of the entry))` in lowercase hex; the first entry links to
//! [`GENESIS`]. Changing, removing or reordering any entry changes every
//! hash after it, so the head hash (signed in each bundle) pins the whole
//! log. An entry can be shown redacted (only its content hash) without
//! breaking the chain: that is how voters' personal data stays out of the
//! bundles that travel upward.

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::canonical::canonical_json;

/// The hash the first entry links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    pub id: i64,
    pub at: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub reason: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

/// Bytes from hex (either case) of exactly `N` bytes; `None` otherwise.
/// The one reader of hex keys, signatures and hashes (bundles, desks).
pub fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let b = s.as_bytes();
    if b.len() != N * 2 {
        return None;
    }
    let nib = |c: u8| char::from(c).to_digit(16).and_then(|d| u8::try_from(d).ok());
    let mut out = [0u8; N];
    for (o, pair) in out.iter_mut().zip(b.chunks_exact(2)) {
        *o = (nib(pair[0])? << 4) | nib(pair[1])?;
    }
    Some(out)
}

/// SHA-256 in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The hash of an entry's content (what a redacted entry still shows).
pub fn content_hash(e: &Entry<'_>) -> String {
    let v = json!({
        "id": e.id, "at": e.at, "action": e.action, "subject": e.subject,
        "reason": e.reason, "before": e.before, "after": e.after,
    });
    sha256_hex(canonical_json(&v).as_bytes())
}

/// The chained hash of an entry whose content hash is `content` and whose
/// predecessor's hash is `prev`.
pub fn link(prev: &str, content: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(content.as_bytes());
    hex(&h.finalize())
}

/// Whether an action's details are personal data of voters (check-ins,
/// list changes): such entries leave the laptop redacted.
pub fn is_personal(action: &str) -> bool {
    action.starts_with("checkin") || action.starts_with("voter")
}

/// One link of a chain as carried in a bundle: either a full entry or a run
/// of redacted entries summarised by its first predecessor and last hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link<'a> {
    Full { entry: Entry<'a>, prev: &'a str, hash: &'a str },
    Redacted { from: i64, to: i64, prev: &'a str, hash: &'a str },
}

/// Where a chain breaks: the position of the link (0-based) and the entry id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub index: usize,
    pub id: i64,
    pub why: &'static str,
}

/// Walks a chain from [`GENESIS`]; returns the head hash, or the first
/// broken link. Entry ids must increase.
pub fn verify_chain<'a>(links: impl IntoIterator<Item = Link<'a>>) -> Result<String, Broken> {
    let mut head = GENESIS.to_owned();
    let mut last_id = 0i64;
    for (index, l) in links.into_iter().enumerate() {
        match l {
            Link::Full { entry, prev, hash } => {
                let id = entry.id;
                if id <= last_id {
                    return Err(Broken { index, id, why: "số thứ tự mục không tăng dần" });
                }
                if prev != head {
                    return Err(Broken { index, id, why: "mục không nối với mục trước (mã băm trước sai)" });
                }
                if link(prev, &content_hash(&entry)) != hash {
                    return Err(Broken { index, id, why: "nội dung mục đã bị sửa (mã băm không khớp)" });
                }
                head = hash.to_owned();
                last_id = id;
            }
            Link::Redacted { from, to, prev, hash } => {
                if from <= last_id || to < from {
                    return Err(Broken { index, id: from, why: "số thứ tự mục không tăng dần" });
                }
                if prev != head {
                    return Err(Broken { index, id: from, why: "đoạn lược bỏ không nối với mục trước" });
                }
                if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(Broken { index, id: to, why: "mã băm của đoạn lược bỏ không hợp lệ" });
                }
                head = hash.to_owned();
                last_id = to;
            }
        }
    }
    Ok(head)
}

/// Chờ sau khi nhập sai: seconds to wait before the next passphrase attempt
/// after `failures` wrong ones in a row — none for the first two (a typo),
/// then 30 s doubling up to 5 minutes (a person who forgot can still act on
/// election night; someone guessing gets a handful of tries per hour).
pub fn passphrase_wait_secs(failures: u32) -> i64 {
    match failures {
        0..=2 => 0,
        n => (30i64 << (n - 3).min(4)).min(300),
    }
}

/// Domain prefix of the signature a successful unlock leaves in the log.
pub const UNLOCK_DOMAIN: &[u8] = b"tobaucu-unlock/1\0";

/// Mở khóa thành công: the message a `key.unlock` entry signs with the key
/// just opened (issue 11 §8): [`UNLOCK_DOMAIN`] ‖ unit ‖ 0 ‖ the hash of the
/// entry before it ‖ 0 ‖ its time ‖ 0 ‖ its purpose. Binding the previous
/// hash pins the entry to its place in the chain: a copy elsewhere does not
/// verify, and nobody without the passphrase can make a new one.
pub fn unlock_message(unit: &str, prev_hash: &str, at: &str, purpose: &str) -> Vec<u8> {
    let mut m = UNLOCK_DOMAIN.to_vec();
    for (i, part) in [unit, prev_hash, at, purpose].iter().enumerate() {
        if i > 0 {
            m.push(0);
        }
        m.extend_from_slice(part.as_bytes());
    }
    m
}

/// One `key.*` entry as the wrong-attempt count sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEvent<'a> {
    /// `key.init`, `key.unlock` or `key.wrong_passphrase` (others are skipped).
    pub action: &'a str,
    pub at: &'a str,
    /// The purpose (the entry's `reason`).
    pub reason: &'a str,
    pub after: Option<&'a str>,
    /// The previous hash stored in the entry.
    pub prev_hash: &'a str,
    /// The hash of the entry actually before it in the log ([`GENESIS`] for
    /// the first).
    pub preceding_hash: &'a str,
}

/// Số lần nhập sai liên tiếp: wrong passphrases since the last success
/// that counts, given the `key.*` entries oldest first. What resets the
/// count: a `key.unlock` whose stored previous hash is the hash of the entry
/// before it and whose `after` carries `{"signature": "<128 hex>"}` that
/// `verify(message, signature)` accepts for [`unlock_message`] (the caller
/// checks it against the unit's public key); or the first `key.init` (a
/// unit has one key, so a later `key.init` is not one the app wrote). A
/// row inserted with a SQLite tool — even with a correct chain hash — or a
/// genuine one copied elsewhere resets nothing.
pub fn wrong_passphrases_in_a_row(unit: &str, events: &[KeyEvent<'_>], verify: impl Fn(&[u8], &[u8; 64]) -> bool) -> u32 {
    let first_init = events.iter().position(|e| e.action == "key.init");
    let mut failures = 0u32;
    for (i, e) in events.iter().enumerate().rev() {
        match e.action {
            "key.wrong_passphrase" => failures = failures.saturating_add(1),
            "key.init" if Some(i) == first_init => break,
            "key.unlock" if genuine_unlock(unit, e, &verify) => break,
            _ => {}
        }
    }
    failures
}

fn genuine_unlock(unit: &str, e: &KeyEvent<'_>, verify: &impl Fn(&[u8], &[u8; 64]) -> bool) -> bool {
    if e.prev_hash != e.preceding_hash {
        return false;
    }
    let Some(v) = e.after.and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok()) else { return false };
    let Some(sig) = v.get("signature").and_then(serde_json::Value::as_str).and_then(unhex::<64>) else { return false };
    verify(&unlock_message(unit, e.prev_hash, e.at, e.reason), &sig)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_passphrases_slow_down_then_cap() {
        let waits: Vec<i64> = (0..10).map(passphrase_wait_secs).collect();
        assert_eq!(waits, vec![0, 0, 0, 30, 60, 120, 240, 300, 300, 300]);
        assert_eq!(passphrase_wait_secs(u32::MAX), 300);
    }

    fn entry(id: i64, action: &'static str) -> Entry<'static> {
        Entry { id, at: "2026-03-15T07:00:00+07:00", action, subject: "s", reason: "", before: None, after: Some("{}") }
    }

    fn chain(n: i64) -> Vec<(Entry<'static>, String, String)> {
        let mut prev = GENESIS.to_owned();
        let mut out = Vec::new();
        for id in 1..=n {
            let e = entry(id, if id % 2 == 0 { "checkin" } else { "count.finalize" });
            let h = link(&prev, &content_hash(&e));
            out.push((e, prev.clone(), h.clone()));
            prev = h;
        }
        out
    }

    #[test]
    fn an_intact_chain_verifies_and_a_changed_entry_is_found() {
        let c = chain(5);
        let links = c.iter().map(|(e, p, h)| Link::Full { entry: e.clone(), prev: p, hash: h });
        assert_eq!(verify_chain(links), Ok(c[4].2.clone()));
        let mut bad = c.clone();
        bad[2].0.subject = "sửa";
        let links = bad.iter().map(|(e, p, h)| Link::Full { entry: e.clone(), prev: p, hash: h });
        assert_eq!(verify_chain(links).map_err(|b| b.id), Err(3));
        // Removing an entry breaks the next link.
        let links = c.iter().enumerate().filter(|(i, _)| *i != 1).map(|(_, (e, p, h))| Link::Full { entry: e.clone(), prev: p, hash: h });
        assert_eq!(verify_chain(links).map_err(|b| b.id), Err(3));
    }

    #[test]
    fn a_redacted_run_keeps_the_chain() {
        let c = chain(4);
        let links = vec![
            Link::Full { entry: c[0].0.clone(), prev: &c[0].1, hash: &c[0].2 },
            Link::Redacted { from: 2, to: 3, prev: &c[1].1, hash: &c[2].2 },
            Link::Full { entry: c[3].0.clone(), prev: &c[3].1, hash: &c[3].2 },
        ];
        assert_eq!(verify_chain(links), Ok(c[3].2.clone()));
        assert!(is_personal("checkin") && is_personal("voter.edit") && !is_personal("count.finalize"));
    }

    // Issue 11 §8: the wrong-attempt count is reset only by an unlock the
    // key signed at its place in the chain, or by the first key.init.
    fn ev<'a>(action: &'a str, after: Option<&'a str>, prev: &'a str, preceding: &'a str) -> KeyEvent<'a> {
        KeyEvent { action, at: "2026-03-15T20:00:00+07:00", reason: "khóa biên bản cấp XA", after, prev_hash: prev, preceding_hash: preceding }
    }

    /// A stand-in signature: the message's SHA-256 twice (the app checks Ed25519).
    fn fake_sign(msg: &[u8]) -> String {
        let h = Sha256::digest(msg);
        hex(&[h.as_slice(), h.as_slice()].concat())
    }

    fn fake_verify(msg: &[u8], sig: &[u8; 64]) -> bool {
        let h = Sha256::digest(msg);
        sig[..32] == h[..] && sig[32..] == h[..]
    }

    #[test]
    fn issue_11_8_only_a_signed_unlock_in_its_place_resets_the_count() {
        let a = "a".repeat(64);
        let b = "b".repeat(64);
        let c = "c".repeat(64);
        let good = format!("{{\"signature\":\"{}\"}}", fake_sign(&unlock_message("KV01", &b, "2026-03-15T20:00:00+07:00", "khóa biên bản cấp XA")));
        let wrong = |p: &'static str| ev("key.wrong_passphrase", None, p, p);
        let init = ev("key.init", Some("{}"), GENESIS, GENESIS);
        let count = |evs: &[KeyEvent<'_>]| wrong_passphrases_in_a_row("KV01", evs, fake_verify);

        assert_eq!(count(&[]), 0);
        assert_eq!(count(&[init.clone(), wrong("x"), wrong("y")]), 2);
        // A genuine unlock resets.
        let genuine = ev("key.unlock", Some(&good), &b, &b);
        assert_eq!(count(&[init.clone(), wrong("x"), wrong("y"), genuine.clone(), wrong("z")]), 1);
        // A fake one (no or a bad signature) does not.
        let unsigned = ev("key.unlock", None, &c, &c);
        let forged = ev("key.unlock", Some("{\"signature\":\"00\"}"), &c, &c);
        assert_eq!(count(&[init.clone(), wrong("x"), wrong("y"), wrong("z"), unsigned, forged, wrong("w")]), 4);
        // The genuine one copied to another place: its stored previous hash
        // no longer is the entry before it, or (stored hash changed) the
        // signature no longer matches.
        let copied = ev("key.unlock", Some(&good), &b, &c);
        let rehashed = ev("key.unlock", Some(&good), &c, &c);
        assert_eq!(count(&[init.clone(), genuine.clone(), wrong("x"), wrong("y"), wrong("z"), copied, rehashed]), 3);
        // Signed for another unit or another time: not valid here.
        assert_eq!(wrong_passphrases_in_a_row("KV02", &[init.clone(), wrong("x"), genuine.clone()], fake_verify), 1);
        let mut later = genuine.clone();
        later.at = "2026-03-15T20:00:01+07:00";
        assert_eq!(count(&[init.clone(), wrong("x"), later]), 1);
        // Only the first key.init resets: a second one is not the app's.
        let init2 = ev("key.init", Some("{}"), &a, &a);
        assert_eq!(count(&[init.clone(), wrong("x"), wrong("y"), wrong("z"), init2, wrong("w")]), 4);
        assert_eq!(count(&[wrong("x"), init, wrong("y")]), 1);
        // Other actions are skipped.
        assert_eq!(count(&[wrong("x"), ev("checkin", None, &a, &a), wrong("y")]), 2);
    }

    #[test]
    fn unlock_messages_are_domain_separated_and_unambiguous() {
        let m = unlock_message("KV01", GENESIS, "t", "p");
        assert!(m.starts_with(UNLOCK_DOMAIN));
        assert_ne!(unlock_message("KV0", "1", "t", "p"), unlock_message("KV01", "", "t", "p"));
        assert_eq!(unhex::<64>(&"0f".repeat(64)), Some([15u8; 64]));
        assert_eq!(unhex::<64>(&"zz".repeat(64)), None);
        assert_eq!(unhex::<64>("00"), None);
    }
}
