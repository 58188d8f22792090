//! Tampering properties (issue 4 §11): any byte flip, truncation, member
//! swap, manifest edit or re-signing with another key is refused; replay
//! and rollback are refused by the sequence check.

use ed25519_dalek::SigningKey;
use proptest::prelude::*;

use crate::auditlog;
use crate::container::Mem;
use crate::container::{self, Bundle, Limits, Manifest};
use crate::verify::{verify, Context, Previous, Registration};

struct Ctx {
    key: [u8; 32],
    last: Option<(u64, String)>,
}

const DEF_SHA: &str = "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd";

fn prev(seq: u64, id: &str) -> Option<(u64, String)> {
    Some((seq, id.to_owned()))
}

impl Context for Ctx {
    fn election_id(&self) -> &str {
        "BC2026"
    }
    fn definition_sha256(&self) -> &str {
        DEF_SHA
    }
    fn mode(&self) -> tobaucu_core::election::Mode {
        tobaucu_core::election::Mode::Official
    }
    fn registration(&self, _unit: &str) -> Option<Registration> {
        Some(Registration::Key(self.key))
    }
    fn unit_allowed(&self, _unit: &str, _kind: &str) -> Result<String, String> {
        Ok(String::new())
    }
    fn last(&self, _unit: &str) -> Option<Previous> {
        self.last.clone().map(|(sequence, id)| Previous { sequence, id, audit: None, key: None, levels: Vec::new() })
    }
    fn results(&self, _b: &Bundle<'_>, _log: Option<&auditlog::Log>) -> Result<String, String> {
        Ok(String::new())
    }
    fn inner<'s>(&'s self, _c: &Manifest, _r: Vec<(String, [u8; 32])>) -> Box<dyn Context + 's> {
        Box::new(Ctx { key: self.key, last: None })
    }
}

fn key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

fn manifest(seq: u64, prev: Option<String>, head: &str) -> Manifest {
    Manifest {
        app_version: "0.1.0".into(),
        created_at: "2026-03-15T21:00:00+07:00".into(),
        election_id: "BC2026".into(),
        definition_sha256: DEF_SHA.into(),
        mode: tobaucu_core::election::Mode::Official,
        unit_id: "X0412-KV01".into(),
        unit_kind: "area".into(),
        levels: vec![],
        sequence: seq,
        previous_sha256: prev,
        public_key: [0; 32],
        audit_head: head.into(),
        members: vec![],
    }
}

fn members(a: &[u8], b: &[u8], pk: &[u8; 32], exported: &[&str]) -> (Vec<(String, Vec<u8>)>, String) {
    let rows = log_rows(pk, exported);
    let head = rows.last().map(|r| r.hash.clone()).unwrap_or_default();
    (vec![("results/QH.json".into(), a.to_vec()), ("minutes.pdf".into(), b.to_vec()), ("audit.jsonl".into(), auditlog::write(&rows))], head)
}

/// A unit's log: its key created, then the export of each earlier bundle.
pub(crate) fn log_rows(pk: &[u8; 32], exported: &[&str]) -> Vec<auditlog::Row> {
    use tobaucu_core::audit;
    let mut actions: Vec<(String, String)> = vec![("key.init".into(), format!("{{\"public_key\":\"{}\"}}", crate::hex(pk)))];
    actions.extend(exported.iter().enumerate().map(|(i, id)| ("bundle.export".to_owned(), format!("{{\"sequence\":{},\"sha256\":\"{id}\"}}", i + 1))));
    let mut prev = audit::GENESIS.to_owned();
    let mut out = Vec::new();
    for (i, (action, after)) in actions.iter().enumerate() {
        let id = i64::try_from(i + 1).unwrap_or(0);
        let e = audit::Entry { id, at: "t", action, subject: "s", reason: "", before: None, after: Some(after) };
        let hash = audit::link(&prev, &audit::content_hash(&e));
        out.push(auditlog::Row {
            id,
            at: "t".into(),
            action: action.clone(),
            subject: "s".into(),
            reason: String::new(),
            before: None,
            after: Some(after.clone()),
            prev: prev.clone(),
            hash: hash.clone(),
        });
        prev = hash;
    }
    out
}

fn build(seq: u64, prev: Option<String>, a: &[u8], b: &[u8], k: &SigningKey) -> (Vec<u8>, String) {
    let exported: Vec<&str> = prev.iter().map(String::as_str).collect();
    let (m, head) = members(a, b, &k.verifying_key().to_bytes(), &exported);
    container::write(manifest(seq, prev, &head), &m, k).unwrap_or_default()
}

fn ok(bytes: &[u8], ctx: &Ctx) -> bool {
    verify(&Mem(bytes), ctx, Limits::default()).ok()
}

#[test]
fn a_good_bundle_passes_every_named_check() {
    let k = key(1);
    let (b, id) = build(1, None, b"{\"votes\":[1]}", b"%PDF-1.4", &k);
    let ctx = Ctx { key: k.verifying_key().to_bytes(), last: None };
    let r = verify(&Mem(b.as_slice()), &ctx, Limits::default());
    assert!(r.ok(), "{:?}", r.checks);
    assert_eq!(r.id, Some(id));
    let names: Vec<&str> = r.checks.iter().map(|c| c.name).collect();
    assert_eq!(names, crate::verify::CHECKS);
}

#[test]
fn replay_and_rollback_are_refused_a_newer_sequence_is_accepted() {
    let k = key(1);
    let pk = k.verifying_key().to_bytes();
    let (b1, id1) = build(1, None, b"a", b"b", &k);
    let (b2, id2) = build(2, Some(id1.clone()), b"a2", b"b", &k);
    // Same bundle again: passes (import treats it as a no-op).
    assert!(ok(&b1, &Ctx { key: pk, last: prev(1, &id1) }));
    // Rollback: bundle 1 after bundle 2 was imported.
    assert!(!ok(&b1, &Ctx { key: pk, last: prev(2, &id2) }));
    // Newer sequence chained to the last one.
    assert!(ok(&b2, &Ctx { key: pk, last: prev(1, &id1) }));
    // Diverging: another bundle number 2 not chained to bundle 1.
    let (b2x, _) = build(2, None, b"other", b"b", &k);
    assert!(!ok(&b2x, &Ctx { key: pk, last: prev(1, &id1) }));
    assert!(!ok(&b2x, &Ctx { key: pk, last: prev(2, &id2) }));
}

#[test]
fn a_member_name_that_escapes_is_refused() {
    // Also ".." inside a name and a trailing dot (the fuzz finding
    // "ballots/TI...txt"; Windows drops trailing dots).
    for bad in ["../x", "/etc/passwd", "a/../../b", ".hidden", "a\\b", "", "a//b", "C:x", "ballots/TI...txt", "results."] {
        assert!(!container::safe_name(bad), "{bad}");
    }
    assert!(container::safe_name("units/X0412-KV01.bundle"));
    assert!(container::safe_name("results/XA.v2.json"), "a later round's level code");
}

/// Verification with the work done ahead on another thread, as a folder
/// import does it.
fn ok_prechecked(bytes: &[u8], pre_of: &[u8], ctx: &Ctx) -> bool {
    let pre = crate::Prechecked::new(pre_of.to_vec(), Limits::default());
    let own = crate::Prechecked::new(bytes.to_vec(), Limits::default());
    // Opened on the precheck's own bytes when they are the same file.
    let src = if bytes == pre_of { pre.source() } else { own.source() };
    let Ok(b) = Bundle::open(&src, Limits::default()) else { return false };
    b.apply(&pre);
    crate::verify::verify_opened(&b, ctx).ok()
}

#[test]
fn a_precheck_applies_only_to_its_own_bytes() {
    let k = key(1);
    let ctx = Ctx { key: k.verifying_key().to_bytes(), last: None };
    let (good, _) = build(1, None, b"{\"votes\":[1]}", b"%PDF-1.4", &k);
    let mut bad = good.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    // The good bytes' precheck applied to a bundle opened on altered bytes
    // (same manifest, same signature): ignored, the member is hashed again.
    let pre = crate::Prechecked::new(good, Limits::default());
    let mem = Mem(&bad);
    let b = Bundle::open(&mem, Limits::default()).unwrap();
    b.apply(&pre);
    assert!(!b.is_checked(1));
    assert!(!crate::verify::verify_opened(&b, &ctx).ok());
}

#[test]
fn a_precheck_of_other_bytes_changes_nothing() {
    let k = key(1);
    let ctx = Ctx { key: k.verifying_key().to_bytes(), last: None };
    let (good, _) = build(1, None, b"{\"votes\":[1]}", b"%PDF-1.4", &k);
    assert!(ok_prechecked(&good, &good, &ctx));
    // A member altered after the precheck of the good bytes: still refused.
    let mut bad = good.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    assert!(!ok_prechecked(&bad, &good, &ctx));
    // The precheck of the altered bytes does not vouch for them either.
    assert!(!ok_prechecked(&bad, &bad, &ctx));
    // Another bundle's precheck is ignored.
    let (other, _) = build(2, None, b"x", b"y", &k);
    assert!(ok_prechecked(&good, &other, &ctx));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn any_byte_flip_is_refused_with_a_precheck(a in proptest::collection::vec(any::<u8>(), 1..200), pos in any::<prop::sample::Index>(), bit in 0u8..8) {
        let k = key(2);
        let (good, _) = build(1, None, &a, b"%PDF", &k);
        let mut b = good.clone();
        let i = pos.index(b.len());
        b[i] ^= 1 << bit;
        let ctx = Ctx { key: k.verifying_key().to_bytes(), last: None };
        prop_assert!(!ok_prechecked(&b, &b, &ctx));
        prop_assert!(!ok_prechecked(&b, &good, &ctx));
    }

    #[test]
    fn any_byte_flip_is_refused(a in proptest::collection::vec(any::<u8>(), 1..200), pos in any::<prop::sample::Index>(), bit in 0u8..8) {
        let k = key(2);
        let (mut b, _) = build(1, None, &a, b"%PDF", &k);
        let i = pos.index(b.len());
        b[i] ^= 1 << bit;
        let ctx = Ctx { key: k.verifying_key().to_bytes(), last: None };
        prop_assert!(!ok(&b, &ctx));
    }

    #[test]
    fn any_truncation_or_extension_is_refused(a in proptest::collection::vec(any::<u8>(), 1..200), cut in any::<prop::sample::Index>(), extra in proptest::collection::vec(any::<u8>(), 1..10)) {
        let k = key(2);
        let (b, _) = build(1, None, &a, b"%PDF", &k);
        let ctx = Ctx { key: k.verifying_key().to_bytes(), last: None };
        prop_assert!(!ok(&b[..cut.index(b.len())], &ctx));
        let mut longer = b.clone();
        longer.extend_from_slice(&extra);
        prop_assert!(!ok(&longer, &ctx));
    }

    #[test]
    fn swapping_members_editing_the_manifest_or_resigning_is_refused(a in proptest::collection::vec(any::<u8>(), 4..50), seq in 2u64..100) {
        let k = key(3);
        let pk = k.verifying_key().to_bytes();
        let ctx = Ctx { key: pk, last: None };
        let b2 = a.iter().map(|x| x.wrapping_add(1)).collect::<Vec<u8>>();
        let (b, _) = build(1, None, &a, &b2, &k);
        let mem = Mem(b.as_slice());
        let Ok(opened) = Bundle::open(&mem, Limits::default()) else { return Err(TestCaseError::fail("open")) };
        // Member swap: same sizes, contents exchanged.
        let m = opened.manifest.clone();
        let sig = opened.signature;
        let (r0, r1) = (a.clone(), b2.clone());
        let audit = opened.read_member("audit.jsonl").unwrap_or_default();
        let mut swapped = container::MAGIC.to_vec();
        let mb = m.to_bytes();
        swapped.extend_from_slice(&(mb.len() as u32).to_le_bytes());
        swapped.extend_from_slice(&mb);
        swapped.extend_from_slice(&sig);
        if r0.len() == r1.len() {
            swapped.extend_from_slice(&r1);
            swapped.extend_from_slice(&r0);
            swapped.extend_from_slice(&audit);
            prop_assert!(!ok(&swapped, &ctx));
        }
        // Manifest edited (sequence raised), signature kept.
        let mut edited = m.clone();
        edited.sequence = seq;
        let eb = edited.to_bytes();
        let mut e = container::MAGIC.to_vec();
        e.extend_from_slice(&(eb.len() as u32).to_le_bytes());
        e.extend_from_slice(&eb);
        e.extend_from_slice(&sig);
        e.extend_from_slice(&r0);
        e.extend_from_slice(&r1);
        e.extend_from_slice(&audit);
        let rep = verify(&Mem(e.as_slice()), &ctx, Limits::default());
        prop_assert!(!rep.ok());
        prop_assert!(rep.checks.iter().any(|c| c.name == "signature" && !c.ok));
        // Re-signed with another key: the signature is valid, the key is not registered.
        let (other, _) = build(1, None, &a, &b2, &key(4));
        let rep = verify(&Mem(other.as_slice()), &ctx, Limits::default());
        prop_assert!(rep.checks.iter().any(|c| c.name == "signature" && c.ok));
        prop_assert!(rep.checks.iter().any(|c| c.name == "key_registered" && !c.ok));
    }

    #[test]
    fn random_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut v = container::MAGIC.to_vec();
        v.extend_from_slice(&b);
        let _ = verify(&Mem(v.as_slice()), &Ctx { key: [0; 32], last: None }, Limits::default());
    }
}

/// A bundle signed with the registered key whose log is `log` (head taken
/// from its last line).
fn with_log(seq: u64, prev: Option<String>, log: &[u8], k: &SigningKey) -> (Vec<u8>, String) {
    let head = crate::auditlog::verify(log).map(|l| l.head).unwrap_or_else(|_| "0".repeat(64));
    let m = vec![("results/QH.json".to_owned(), b"{}".to_vec()), ("audit.jsonl".to_owned(), log.to_vec())];
    container::write(manifest(seq, prev, &head), &m, k).unwrap_or_default()
}

fn failed(bytes: &[u8], ctx: &Ctx) -> Vec<&'static str> {
    verify(&Mem(bytes), ctx, Limits::default()).checks.iter().filter(|c| !c.ok).map(|c| c.name).collect()
}

#[test]
fn a_log_that_hides_everything_or_nothing_is_refused_even_when_signed() {
    // issue 11 §5: a log of one redacted line, or an empty log with a
    // genesis head, passed.
    let k = key(1);
    let pk = k.verifying_key().to_bytes();
    let ctx = Ctx { key: pk, last: None };
    let run = format!(
        "{{\"hash\":\"{}\",\"prev\":\"{}\",\"redacted\":{{\"actions\":{{\"checkin\":3}},\"count\":3,\"digest\":\"{}\",\"from\":1,\"to\":3}}}}\n",
        "ab".repeat(32),
        tobaucu_core::audit::GENESIS,
        "cd".repeat(32)
    );
    let (b, _) = with_log(1, None, run.as_bytes(), &k);
    assert_eq!(failed(&b, &ctx), vec!["audit_chain"]);
    let (b, _) = with_log(1, None, b"", &k);
    assert_eq!(failed(&b, &ctx), vec!["audit_chain"]);
    // The log of a real unit passes.
    let (b, _) = with_log(1, None, &auditlog::write(&log_rows(&pk, &[])), &k);
    assert!(failed(&b, &ctx).is_empty());
}

#[test]
fn a_newer_bundle_whose_log_rewrites_the_old_one_is_refused() {
    // issue 11 §5/§7: entries of the previous export deleted and a forged
    // one added; a diverging bundle numbered last+2.
    let k = key(1);
    let pk = k.verifying_key().to_bytes();
    let old_rows = log_rows(&pk, &[]);
    let (b1, id1) = with_log(1, None, &auditlog::write(&old_rows), &k);
    let old = auditlog::verify(&auditlog::write(&old_rows)).unwrap_or_default();
    let prev = Some(Previous {
        sequence: 1,
        id: id1.clone(),
        audit: Some((u64::try_from(old.links.len()).unwrap_or(0), old.boundaries_digest(old.links.len()).unwrap_or_default())),
        key: None,
        levels: Vec::new(),
    });
    struct Lineage(Ctx, Option<Previous>);
    impl Context for Lineage {
        fn election_id(&self) -> &str {
            self.0.election_id()
        }
        fn definition_sha256(&self) -> &str {
            self.0.definition_sha256()
        }
        fn mode(&self) -> tobaucu_core::election::Mode {
            self.0.mode()
        }
        fn registration(&self, u: &str) -> Option<Registration> {
            self.0.registration(u)
        }
        fn unit_allowed(&self, u: &str, k: &str) -> Result<String, String> {
            self.0.unit_allowed(u, k)
        }
        fn last(&self, _u: &str) -> Option<Previous> {
            self.1.clone()
        }
        fn results(&self, b: &Bundle<'_>, log: Option<&auditlog::Log>) -> Result<String, String> {
            self.0.results(b, log)
        }
        fn inner<'s>(&'s self, c: &Manifest, r: Vec<(String, [u8; 32])>) -> Box<dyn Context + 's> {
            self.0.inner(c, r)
        }
    }
    let ctx = Lineage(Ctx { key: pk, last: None }, prev);
    let names = |b: &[u8]| -> Vec<&'static str> { verify(&Mem(b), &ctx, Limits::default()).checks.iter().filter(|c| !c.ok).map(|c| c.name).collect() };
    assert!(names(&b1).is_empty(), "the same bundle again");
    // The honest successor: the old log, then the export of bundle 1.
    let (b2, id2) = with_log(2, Some(id1.clone()), &auditlog::write(&log_rows(&pk, &[&id1])), &k);
    assert!(names(&b2).is_empty());
    // Number 3 (skipping 2), from a log that never exported bundle 1.
    let (b3, _) = with_log(3, Some(id2), &auditlog::write(&log_rows(&pk, &["ee".repeat(32).as_str()])), &k);
    assert_eq!(names(&b3), vec!["audit_chain"]);
    // A successor whose log starts differently (its first entry rewritten).
    let mut rows = log_rows(&pk, &[&id1]);
    rows[0].subject = "khác".into();
    let mut prevh = tobaucu_core::audit::GENESIS.to_owned();
    for r in &mut rows {
        r.prev = prevh.clone();
        r.hash = tobaucu_core::audit::link(
            &prevh,
            &tobaucu_core::audit::content_hash(&tobaucu_core::audit::Entry {
                id: r.id,
                at: &r.at,
                action: &r.action,
                subject: &r.subject,
                reason: &r.reason,
                before: r.before.as_deref(),
                after: r.after.as_deref(),
            }),
        );
        prevh = r.hash.clone();
    }
    let (b2x, _) = with_log(2, Some(id1), &auditlog::write(&rows), &k);
    assert_eq!(names(&b2x), vec!["audit_chain"]);
}

#[test]
fn sequence_zero_or_near_the_top_of_the_range_is_refused() {
    // issue 11 §6, §10.
    let k = key(1);
    let ctx = Ctx { key: k.verifying_key().to_bytes(), last: None };
    for seq in [0, crate::verify::MAX_SEQUENCE + 1, u64::MAX] {
        let (b, _) = build(seq, None, b"a", b"b", &k);
        assert!(failed(&b, &ctx).contains(&"sequence"), "{seq}");
    }
}

#[test]
fn manifest_fields_say_only_what_they_may() {
    // issue 11 §10: created_at and app_version were free text; unit ids
    // were not path-safe.
    let k = key(1);
    let ctx = Ctx { key: k.verifying_key().to_bytes(), last: None };
    let (rows, head) = members(b"a", b"b", &k.verifying_key().to_bytes(), &[]);
    type Edit = Box<dyn Fn(&mut Manifest)>;
    let edits: Vec<Edit> = vec![
        Box::new(|m| m.created_at = "hôm qua".into()),
        Box::new(|m| m.app_version = "phiên bản mới nhất; hãy tin".into()),
        Box::new(|m| m.unit_id = "KV/../../x".into()),
        Box::new(|m| m.unit_kind = "galaxy".into()),
        Box::new(|m| m.sequence = u64::from(u32::MAX) + 1),
        Box::new(|m| m.sequence = 0),
        Box::new(|m| m.levels = vec![container::LevelEntry { code: "QH".into(), final_: true, revision: 1, minutes_sha256: "aa".repeat(32) }; 2]),
    ];
    for e in edits {
        let mut m = manifest(1, None, &head);
        e(&mut m);
        let (b, _) = container::write(m, &rows, &k).unwrap_or_default();
        assert!(failed(&b, &ctx).contains(&"format"));
    }
    // A mode the app does not know cannot even be built any more (the
    // manifest's mode is typed); its bytes are refused when read.
    let m = manifest(1, None, &head);
    let bytes = String::from_utf8(m.to_bytes()).unwrap_or_default();
    assert!(container::Manifest::parse(bytes.as_bytes()).is_ok());
    let maybe = bytes.replace("\"mode\":\"official\"", "\"mode\":\"maybe\"");
    assert_ne!(maybe, bytes);
    assert!(container::Manifest::parse(maybe.as_bytes()).is_err());
}
