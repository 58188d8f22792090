//! Re-signing a bundle as its signer could (tests and fuzzing only,
//! feature `forge`): the insider attacks of issue 11 are a Tổ trưởng or a
//! commune holding their own key, so the board's checks must be exercised
//! on bundles whose signature is valid.

use ed25519_dalek::SigningKey;
use serde_json::Value;
use tobaucu_core::audit::{content_hash, link, sha256_hex, Entry, GENESIS};
use tobaucu_core::canonical::canonical_json;

use crate::container::{self, Bundle, Limits, Manifest, Mem};

/// Members of a bundle as (name, bytes).
pub type Members = Vec<(String, Vec<u8>)>;

/// Rewrites a bundle: `edit` changes the manifest and the members; the
/// minutes hashes in the manifest and the log's entries that name them
/// follow the edited minutes; the log is re-chained (a redacted run's end
/// hash is only claimed, so it is kept); the result is signed with `sk`.
/// `None` when the input is not a readable bundle.
pub fn reforge(bytes: &[u8], sk: &SigningKey, edit: &dyn Fn(&mut Manifest, &mut Members)) -> Option<Vec<u8>> {
    reforge_with(bytes, sk, true, edit)
}

/// [`reforge`], choosing whether the log's entries that name the old
/// minutes follow the edited ones (`follow`), or keep naming the old
/// (a forger who appends a new `finalize` and leaves history as it was).
pub fn reforge_with(bytes: &[u8], sk: &SigningKey, follow: bool, edit: &dyn Fn(&mut Manifest, &mut Members)) -> Option<Vec<u8>> {
    let mem = Mem(bytes);
    let b = Bundle::open(&mem, Limits::default()).ok()?;
    let mut m = b.manifest.clone();
    let mut members: Members = m.members.iter().map(|x| Some((x.name.clone(), b.read_member(&x.name).ok()?))).collect::<Option<_>>()?;
    let old: Vec<(String, String)> = m.levels.iter().map(|l| (l.code.clone(), l.minutes_sha256.clone())).collect();
    edit(&mut m, &mut members);
    for l in &mut m.levels {
        if let Some((_, data)) = members.iter().find(|(n, _)| *n == format!("results/{}.json", l.code)) {
            l.minutes_sha256 = sha256_hex(data);
        }
    }
    let renamed: Vec<(String, String)> =
        if !follow { Vec::new() } else { old.iter().filter_map(|(c, o)| m.levels.iter().find(|l| &l.code == c).map(|l| (o.clone(), l.minutes_sha256.clone()))).filter(|(o, n)| o != n).collect() };
    if let Some((_, log)) = members.iter_mut().find(|(n, _)| n == "audit.jsonl") {
        let (text, head) = rechain(&String::from_utf8_lossy(log), &renamed);
        *log = text.into_bytes();
        m.audit_head = head;
    }
    container::write(m, &members, sk).ok().map(|(b, _)| b)
}

/// Re-chains a carried log after replacing, in every entry's `after`, each
/// old text by its new one; returns the log and its head.
pub fn rechain(log: &str, renamed: &[(String, String)]) -> (String, String) {
    let mut head = GENESIS.to_owned();
    let mut out = String::new();
    for line in log.lines() {
        let mut v: Value = serde_json::from_str(line).unwrap_or_default();
        v["prev"] = Value::String(head.clone());
        if v.get("redacted").is_some() {
            head = v["hash"].as_str().unwrap_or("").to_owned();
        } else {
            if let Some(after) = v["after"].as_str() {
                let mut a = after.to_owned();
                for (o, n) in renamed {
                    a = a.replace(o.as_str(), n);
                }
                v["after"] = Value::String(a);
            }
            let s = |k: &str| v[k].as_str().unwrap_or("").to_owned();
            let (at, action, subject, reason) = (s("at"), s("action"), s("subject"), s("reason"));
            let (before, after) = (v["before"].as_str().map(str::to_owned), v["after"].as_str().map(str::to_owned));
            let e = Entry { id: v["id"].as_i64().unwrap_or(0), at: &at, action: &action, subject: &subject, reason: &reason, before: before.as_deref(), after: after.as_deref() };
            head = link(&head, &content_hash(&e));
            v["hash"] = Value::String(head.clone());
        }
        out.push_str(&canonical_json(&v));
        out.push('\n');
    }
    (out, head)
}
