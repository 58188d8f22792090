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
}
