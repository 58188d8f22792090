//! Tampering properties (issue 4 §11): any byte flip, truncation, member
//! swap, manifest edit or re-signing with another key is refused; replay
//! and rollback are refused by the sequence check.

use ed25519_dalek::SigningKey;
use proptest::prelude::*;

use crate::container::{self, Bundle, Limits, Manifest};
use crate::verify::{verify, Context, Registration};
use crate::auditlog;
use crate::container::Mem;

struct Ctx {
    key: [u8; 32],
    last: Option<(u64, String)>,
}

impl Context for Ctx {
    fn election_id(&self) -> &str {
        "BC2026"
    }
    fn definition_sha256(&self) -> &str {
        "d"
    }
    fn mode(&self) -> &str {
        "official"
    }
    fn registration(&self, _unit: &str) -> Option<Registration> {
        Some(Registration::Key(self.key))
    }
    fn unit_allowed(&self, _unit: &str, _kind: &str) -> Result<String, String> {
        Ok(String::new())
    }
    fn last(&self, _unit: &str) -> Option<(u64, String)> {
        self.last.clone()
    }
    fn results(&self, _b: &Bundle<'_>) -> Result<String, String> {
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
        definition_sha256: "d".into(),
        mode: "official".into(),
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

fn members(a: &[u8], b: &[u8]) -> (Vec<(String, Vec<u8>)>, String) {
    let rows = auditlog_rows();
    let head = rows.last().map(|r| r.hash.clone()).unwrap_or_default();
    (vec![("results/QH.json".into(), a.to_vec()), ("minutes.pdf".into(), b.to_vec()), ("audit.jsonl".into(), auditlog::write(&rows))], head)
}

fn auditlog_rows() -> Vec<auditlog::Row> {
    use tobaucu_core::audit;
    let e = audit::Entry { id: 1, at: "t", action: "count.finalize", subject: "QH", reason: "", before: None, after: None };
    let hash = audit::link(audit::GENESIS, &audit::content_hash(&e));
    vec![auditlog::Row { id: 1, at: "t".into(), action: "count.finalize".into(), subject: "QH".into(), reason: String::new(), before: None, after: None, prev: audit::GENESIS.into(), hash }]
}

fn build(seq: u64, prev: Option<String>, a: &[u8], b: &[u8], k: &SigningKey) -> (Vec<u8>, String) {
    let (m, head) = members(a, b);
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
    assert!(ok(&b1, &Ctx { key: pk, last: Some((1, id1.clone())) }));
    // Rollback: bundle 1 after bundle 2 was imported.
    assert!(!ok(&b1, &Ctx { key: pk, last: Some((2, id2.clone())) }));
    // Newer sequence chained to the last one.
    assert!(ok(&b2, &Ctx { key: pk, last: Some((1, id1.clone())) }));
    // Diverging: another bundle number 2 not chained to bundle 1.
    let (b2x, _) = build(2, None, b"other", b"b", &k);
    assert!(!ok(&b2x, &Ctx { key: pk, last: Some((1, id1)) }));
    assert!(!ok(&b2x, &Ctx { key: pk, last: Some((2, id2)) }));
}

#[test]
fn a_member_name_that_escapes_is_refused() {
    for bad in ["../x", "/etc/passwd", "a/../../b", ".hidden", "a\\b", "", "a//b", "C:x"] {
        assert!(!container::safe_name(bad), "{bad}");
    }
    assert!(container::safe_name("units/X0412-KV01.bundle"));
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
    let b = Bundle::open(&mem, Limits::default()).unwrap_or_else(|e| panic!("{e}"));
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
