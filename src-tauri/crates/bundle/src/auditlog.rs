//! The audit log as carried in a bundle (`audit.jsonl`): one canonical
//! JSON object per line, in id order, ids 1…n without a gap. Entries about
//! voters' personal data ([`tobaucu_core::audit::is_personal`]) are
//! collapsed into redacted runs: their counts per action, how many entries
//! (`count`), and a commitment to them (`digest`: SHA-256 over their content
//! hashes, one per line) that the team's own database can be checked
//! against; no voter's data leaves the laptop.
//!
//! ```text
//! {"action":"count.finalize","after":…,"at":…,"before":null,"hash":…,"id":12,"prev":…,"reason":"","subject":…}
//! {"hash":…,"prev":…,"redacted":{"actions":{"checkin":980},"count":980,"digest":…,"from":13,"to":992}}
//! ```
//!
//! A redacted run's last hash cannot be recomputed by the receiver, so the
//! log proves little on its own about what it hides; what makes it
//! tamper-evident is that (a) the board checks the log records what the
//! signed figures say (`finalize` of each level's minutes, the key), and
//! (b) a later bundle's log must begin with exactly the links of the log
//! imported before ([`Log::boundaries_digest`]): history cannot be
//! rewritten or cut once it has left the laptop.

use std::collections::BTreeMap;

use serde::Deserialize;
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

impl Row {
    fn entry(&self) -> Entry<'_> {
        Entry { id: self.id, at: &self.at, action: &self.action, subject: &self.subject, reason: &self.reason, before: self.before.as_deref(), after: self.after.as_deref() }
    }
}

/// The commitment of a redacted run: SHA-256 over the content hashes of
/// the hidden entries, each followed by a newline.
pub fn run_digest<'a>(entries: impl IntoIterator<Item = Entry<'a>>) -> String {
    let mut text = String::new();
    for e in entries {
        text.push_str(&audit::content_hash(&e));
        text.push('\n');
    }
    tobaucu_core::audit::sha256_hex(text.as_bytes())
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
            let run = &rows[i..j];
            let last = &rows[j - 1];
            let digest = run_digest(run.iter().map(Row::entry));
            out.push_str(&canonical_json(&json!({"redacted": {"from": r.id, "to": last.id, "count": run.len(), "digest": digest, "actions": actions}, "prev": r.prev, "hash": last.hash})));
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

/// A full (not redacted) entry of a carried log.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FullEntry {
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

impl FullEntry {
    /// A field of the entry's `after` JSON object, as a string.
    pub fn after_str(&self, key: &str) -> Option<String> {
        let v: Value = serde_json::from_str(self.after.as_deref()?).ok()?;
        v.get(key)?.as_str().map(str::to_owned)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunLine {
    redacted: Run,
    prev: String,
    hash: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Run {
    from: i64,
    to: i64,
    count: u64,
    digest: String,
    actions: BTreeMap<String, u64>,
}

/// Where one link of the log ends: its last entry id, the chain hash
/// there, and for a redacted run its commitment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Boundary {
    pub to: i64,
    pub hash: String,
    pub digest: Option<String>,
}

/// A carried log, parsed and verified.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Log {
    /// The entries shown in full, in order.
    pub entries: Vec<FullEntry>,
    /// Every link, in order.
    pub links: Vec<Boundary>,
    /// The head hash (the last link's).
    pub head: String,
    /// How many entries the log stands for (full and redacted).
    pub count: u64,
    /// Redacted entries per action.
    pub redacted: BTreeMap<String, u64>,
}

impl Log {
    /// A digest of the first `k` links' boundaries: equal for two logs
    /// exactly when they begin with the same `k` links (ids, chain hashes
    /// and commitments). `None` when the log has fewer links.
    pub fn boundaries_digest(&self, k: usize) -> Option<String> {
        let links = self.links.get(..k)?;
        let mut text = String::new();
        for b in links {
            text.push_str(&format!("{}\t{}\t{}\n", b.to, b.hash, b.digest.as_deref().unwrap_or("")));
        }
        Some(tobaucu_core::audit::sha256_hex(text.as_bytes()))
    }

    /// The id of the last entry.
    pub fn last_id(&self) -> i64 {
        self.links.last().map_or(0, |b| b.to)
    }
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Parses and verifies a carried log: every line canonical (no duplicate
/// or unknown key), ids from 1 without a gap, redacted runs whose counts
/// agree and whose actions are personal ones, and an unbroken chain.
pub fn verify(bytes: &[u8]) -> Result<Log> {
    let text = std::str::from_utf8(bytes).map_err(|_| Error::Format("nhật ký không phải UTF-8".into()))?;
    if text.is_empty() {
        return Err(Error::Format("nhật ký rỗng: một đơn vị đã khóa biên bản và ký gói phải có nhật ký".into()));
    }
    if !text.ends_with('\n') {
        return Err(Error::Format("nhật ký không kết thúc bằng dòng mới (bị cắt?)".into()));
    }
    let mut log = Log::default();
    let mut runs: Vec<(i64, i64, String, String)> = Vec::new();
    // Positions into `entries` (Some) or `runs` (None) in order.
    let mut order: Vec<(bool, usize)> = Vec::new();
    let mut next_id = 1i64;
    for (n, line) in text.split_terminator('\n').enumerate() {
        let bad = |why: String| Error::Format(format!("nhật ký dòng {}: {why}", n + 1));
        let v: Value = serde_json::from_str(line).map_err(|e| bad(format!("không phải JSON ({e})")))?;
        if canonical_json(&v) != line {
            return Err(bad("không ở dạng chuẩn (khóa lặp lại, thứ tự hoặc khoảng trắng khác)".into()));
        }
        if v.get("redacted").is_some() {
            let r: RunLine = serde_json::from_value(v).map_err(|e| bad(format!("đoạn lược bỏ sai cấu trúc ({e})")))?;
            let run = r.redacted;
            let span = run.to.checked_sub(run.from).and_then(|d| d.checked_add(1)).and_then(|d| u64::try_from(d).ok());
            if run.from != next_id || span != Some(run.count) || run.count == 0 {
                return Err(bad(format!("đoạn lược bỏ mục {}–{} (ghi {} mục) không liền với mục trước (cần bắt đầu từ mục {next_id})", run.from, run.to, run.count)));
            }
            let total = run.actions.values().try_fold(0u64, |a, x| a.checked_add(*x));
            if total != Some(run.count) || run.actions.keys().any(|a| !audit::is_personal(a)) {
                return Err(bad("số mục theo loại của đoạn lược bỏ không khớp, hoặc có loại không phải dữ liệu cá nhân".into()));
            }
            if !is_hex64(&run.digest) || !is_hex64(&r.hash) || !is_hex64(&r.prev) {
                return Err(bad("mã băm hoặc cam kết của đoạn lược bỏ không hợp lệ".into()));
            }
            for (a, c) in &run.actions {
                let t = log.redacted.entry(a.clone()).or_insert(0);
                *t = t.saturating_add(*c);
            }
            log.count = log.count.saturating_add(run.count);
            next_id = run.to.saturating_add(1);
            log.links.push(Boundary { to: run.to, hash: r.hash.clone(), digest: Some(run.digest) });
            order.push((false, runs.len()));
            runs.push((run.from, run.to, r.prev, r.hash));
        } else {
            let e: FullEntry = serde_json::from_value(v).map_err(|e| bad(format!("mục sai cấu trúc ({e})")))?;
            if e.id != next_id {
                return Err(bad(format!("mục số {} không liền với mục trước (cần mục số {next_id})", e.id)));
            }
            if audit::is_personal(&e.action) {
                return Err(bad(format!("mục \"{}\" chứa dữ liệu cá nhân của cử tri, phải được lược bỏ", e.action)));
            }
            log.count = log.count.saturating_add(1);
            next_id = e.id.saturating_add(1);
            log.links.push(Boundary { to: e.id, hash: e.hash.clone(), digest: None });
            order.push((true, log.entries.len()));
            log.entries.push(e);
        }
    }
    let links = order.iter().filter_map(|&(full, i)| {
        if full {
            log.entries.get(i).map(|e| Link::Full {
                entry: Entry { id: e.id, at: &e.at, action: &e.action, subject: &e.subject, reason: &e.reason, before: e.before.as_deref(), after: e.after.as_deref() },
                prev: &e.prev,
                hash: &e.hash,
            })
        } else {
            runs.get(i).map(|(from, to, prev, hash)| Link::Redacted { from: *from, to: *to, prev, hash })
        }
    });
    log.head = audit::verify_chain(links).map_err(|b| Error::Format(format!("chuỗi nhật ký đứt ở dòng {} (mục số {}): {}", b.index + 1, b.id, b.why)))?;
    Ok(log)
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
        let log = verify(&b).unwrap();
        assert_eq!((log.head.clone(), log.count), (r[5].hash.clone(), 6));
        assert_eq!(log.redacted.get("checkin"), Some(&3));
        assert_eq!(log.entries.len(), 2);
        let tampered = text.replacen("count.finalize", "count.finalizX", 1);
        assert!(verify(tampered.as_bytes()).is_err());
    }

    fn lines(b: &[u8]) -> Vec<String> {
        String::from_utf8_lossy(b).lines().map(str::to_owned).collect()
    }

    fn join(l: &[String]) -> Vec<u8> {
        let mut s = l.join("\n");
        s.push('\n');
        s.into_bytes()
    }

    #[test]
    fn a_log_must_be_whole_contiguous_and_canonical() {
        // issue 11 §5: an empty log, a cut log, a gap, a line rewritten with
        // another spacing or a duplicated key are refused.
        let r = rows(&["setup", "checkin", "checkin", "count.finalize", "key.unlock"]);
        let b = write(&r);
        assert!(verify(&b).is_ok());
        assert!(verify(b"").is_err(), "empty");
        assert!(verify(&b[..b.len() - 1]).is_err(), "no final newline: cut");
        let l = lines(&b);
        assert!(verify(&join(&l[1..])).is_err(), "does not start at entry 1");
        assert!(verify(&join(&[l[0].clone(), l[2].clone(), l[3].clone()])).is_err(), "gap");
        let spaced = l[2].replacen("\"action\":", "\"action\": ", 1);
        assert!(verify(&join(&[l[0].clone(), l[1].clone(), spaced, l[3].clone()])).is_err());
        let dup = l[2].replacen("{\"action\":\"count.finalize\",", "{\"action\":\"count.finalize\",\"action\":\"count.finalize\",", 1);
        assert!(verify(&join(&[l[0].clone(), l[1].clone(), dup, l[3].clone()])).is_err());
        let extra = l[2].replacen("{\"action\"", "{\"a\":1,\"action\"", 1);
        assert!(verify(&join(&[l[0].clone(), l[1].clone(), extra, l[3].clone()])).is_err());
    }

    #[test]
    fn a_redacted_run_must_say_what_it_hides() {
        let r = rows(&["setup", "checkin", "checkin", "count.finalize"]);
        let l = lines(&write(&r));
        assert!(l[1].contains("\"count\":2") && l[1].contains("\"digest\":"), "{}", l[1]);
        let miscounted = l[1].replacen("\"count\":2", "\"count\":3", 1);
        assert!(verify(&join(&[l[0].clone(), miscounted, l[2].clone()])).is_err());
        let wrong_action = l[1].replacen("\"checkin\":2", "\"count.finalize\":2", 1);
        assert!(verify(&join(&[l[0].clone(), wrong_action, l[2].clone()])).is_err(), "only personal entries may be hidden");
        // A legacy run without its commitment.
        let legacy = format!("{{\"hash\":\"{}\",\"prev\":\"{}\",\"redacted\":{{\"actions\":{{\"checkin\":2}},\"from\":2,\"to\":3}}}}", r[2].hash, r[1].prev);
        assert!(verify(&join(&[l[0].clone(), legacy, l[2].clone()])).is_err());
        // The commitment is the team database's to check.
        let digest = run_digest(r[1..3].iter().map(Row::entry));
        assert!(l[1].contains(&digest));
        // A personal entry shown in full is refused too.
        let mut full = r.clone();
        full[1].action = "checkin".into();
        let shown = canonical_json(
            &json!({"id": 2, "at": full[1].at, "action": "checkin", "subject": full[1].subject, "reason": "", "before": null, "after": null, "prev": full[1].prev, "hash": full[1].hash}),
        );
        assert!(verify(&join(&[l[0].clone(), shown])).is_err());
    }

    #[test]
    fn a_later_log_begins_with_the_links_of_the_earlier_one() {
        let first = rows(&["setup", "checkin", "checkin", "count.finalize"]);
        let mut later = rows(&["setup", "checkin", "checkin", "count.finalize", "checkin", "bundle.export", "key.unlock"]);
        let a = verify(&write(&first)).unwrap();
        let b = verify(&write(&later)).unwrap();
        let k = a.links.len();
        assert_eq!(b.boundaries_digest(k), a.boundaries_digest(k));
        // History rewritten: the first entries collapsed into one run that
        // claims the same hash at the same place.
        later[1].action = "checkin.undo".into();
        let c = verify(&write(&later));
        assert!(c.is_err() || c.ok().and_then(|c| c.boundaries_digest(k)) != a.boundaries_digest(k));
        assert_eq!(a.boundaries_digest(k + 1), None);
    }
}
