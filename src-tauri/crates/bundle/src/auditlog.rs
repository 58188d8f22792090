//! The audit log as carried in a bundle (`audit.jsonl`): one JSON object
//! per line, in id order. Entries about voters' personal data
//! ([`tobaucu_core::audit::is_personal`]) are collapsed into redacted runs
//! that keep only their counts per action and the chain hashes, so the chain
//! still verifies end to end and no voter's data leaves the laptop.
//!
//! ```text
//! {"action":"count.finalize","after":…,"at":…,"before":null,"hash":…,"id":12,"prev":…,"reason":"","subject":…}
//! {"hash":…,"prev":…,"redacted":{"actions":{"checkin":980},"from":13,"to":992}}
//! ```

use std::collections::BTreeMap;

use serde_json::{json, Value};
use tobaucu_core::audit::{self, Entry, Link};
use tobaucu_core::canonical::canonical_json;

use crate::{Error, Result};

/// One stored entry with its chain hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: i64,
    pub at: String,
    pub action: String,
    pub subject: String,
    pub reason: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev: String,
    pub hash: String,
}

/// Writes the log; personal entries are collapsed into redacted runs.
pub fn write(rows: &[Row]) -> Vec<u8> {
    let mut out = String::new();
    let mut i = 0;
    while i < rows.len() {
        let r = &rows[i];
        if audit::is_personal(&r.action) {
            let mut j = i;
            let mut actions: BTreeMap<&str, u64> = BTreeMap::new();
            while j < rows.len() && audit::is_personal(&rows[j].action) {
                *actions.entry(rows[j].action.as_str()).or_insert(0) += 1;
                j += 1;
            }
            let last = &rows[j - 1];
            out.push_str(&canonical_json(&json!({"redacted": {"from": r.id, "to": last.id, "actions": actions}, "prev": r.prev, "hash": last.hash})));
            i = j;
        } else {
            out.push_str(&canonical_json(&json!({
                "id": r.id, "at": r.at, "action": r.action, "subject": r.subject, "reason": r.reason,
                "before": r.before, "after": r.after, "prev": r.prev, "hash": r.hash,
            })));
            i += 1;
        }
        out.push('\n');
    }
    out.into_bytes()
}

/// Parses and verifies a carried log; returns its head hash and the number
/// of entries it stands for.
pub fn verify(bytes: &[u8]) -> Result<(String, u64)> {
    let text = std::str::from_utf8(bytes).map_err(|_| Error::Format("nhật ký không phải UTF-8".into()))?;
    let mut values = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let v: Value = serde_json::from_str(line).map_err(|e| Error::Format(format!("nhật ký dòng {}: không phải JSON ({e})", n + 1)))?;
        values.push(v);
    }
    let mut links = Vec::with_capacity(values.len());
    let mut count = 0u64;
    for (n, v) in values.iter().enumerate() {
        let bad = |f: &str| Error::Format(format!("nhật ký dòng {}: thiếu hoặc sai trường \"{f}\"", n + 1));
        let st = |k: &str| v.get(k).and_then(Value::as_str).ok_or_else(|| bad(k));
        let opt = |k: &str| match v.get(k) {
            Some(Value::Null) => Ok(None),
            Some(Value::String(x)) => Ok(Some(x.as_str())),
            _ => Err(bad(k)),
        };
        if let Some(r) = v.get("redacted") {
            let from = r.get("from").and_then(Value::as_i64).ok_or_else(|| bad("redacted.from"))?;
            let to = r.get("to").and_then(Value::as_i64).ok_or_else(|| bad("redacted.to"))?;
            count += u64::try_from(to - from + 1).unwrap_or(0);
            links.push(Link::Redacted { from, to, prev: st("prev")?, hash: st("hash")? });
        } else {
            count += 1;
            links.push(Link::Full {
                entry: Entry {
                    id: v.get("id").and_then(Value::as_i64).ok_or_else(|| bad("id"))?,
                    at: st("at")?,
                    action: st("action")?,
                    subject: st("subject")?,
                    reason: st("reason")?,
                    before: opt("before")?,
                    after: opt("after")?,
                },
                prev: st("prev")?,
                hash: st("hash")?,
            });
        }
    }
    let head = audit::verify_chain(links).map_err(|b| Error::Format(format!("chuỗi nhật ký đứt ở dòng {} (mục số {}): {}", b.index + 1, b.id, b.why)))?;
    Ok((head, count))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn rows(actions: &[&str]) -> Vec<Row> {
        let mut prev = audit::GENESIS.to_owned();
        let mut out = Vec::new();
        for (i, a) in actions.iter().enumerate() {
            let id = i as i64 + 1;
            let subject = format!("cử tri số {id} Nguyễn Văn A");
            let e = Entry { id, at: "2026-03-15T07:00:00+07:00", action: a, subject: &subject, reason: "", before: None, after: None };
            let hash = audit::link(&prev, &audit::content_hash(&e));
            out.push(Row { id, at: e.at.into(), action: (*a).into(), subject: subject.clone(), reason: String::new(), before: None, after: None, prev: prev.clone(), hash: hash.clone() });
            prev = hash;
        }
        out
    }

    #[test]
    fn personal_entries_leave_redacted_and_the_chain_still_verifies() {
        let r = rows(&["setup", "checkin", "checkin", "checkin.undo", "count.finalize", "checkin"]);
        let b = write(&r);
        let text = String::from_utf8_lossy(&b);
        assert!(!text.contains("Nguyễn Văn A") || text.matches("Nguyễn").count() == 2, "{text}");
        assert_eq!(text.lines().count(), 4);
        assert_eq!(verify(&b), Ok((r[5].hash.clone(), 6)));
        let tampered = text.replacen("count.finalize", "count.finalizX", 1);
        assert!(verify(tampered.as_bytes()).is_err());
    }
}
