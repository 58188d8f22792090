//! Recursive verification through a board's bundle (issue 4 §8, §11): a
//! commune that alters a team's bundle and re-signs its own is caught by
//! the province, because every team signature inside is checked again.

use tobaucu_bundle::container::{self, Manifest};
use tobaucu_bundle::{keys, Bundle, Mem};
use tobaucu_store::BundleRead;

use crate::{App, DEMO_PASSPHRASE};

fn fail(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Rebuilds the commune's bundle with `edit` applied to its members and
/// signs it with the commune's own key, as a dishonest commune could.
type Edit<'a> = &'a dyn Fn(&mut Vec<(String, Vec<u8>)>);

fn resign(xa: &App, bytes: &[u8], edit: Edit<'_>) -> Result<Vec<u8>, String> {
    let mem = Mem(bytes);
    let b = Bundle::open(&mem, super::limits()).map_err(fail)?;
    let mut members = Vec::new();
    for m in &b.manifest.members {
        members.push((m.name.clone(), b.read_member(&m.name).map_err(fail)?));
    }
    edit(&mut members);
    let row = xa.store().signing_key().map_err(fail)?.ok_or("no key")?;
    let sealed = crate::keys::sealed_of(&row).map_err(fail)?;
    let sk = keys::unseal("X0412", &sealed, DEMO_PASSPHRASE).map_err(fail)?;
    let m: Manifest = Manifest { sequence: b.manifest.sequence + 1, previous_sha256: Some(b.id.clone()), ..b.manifest.clone() };
    Ok(container::write(m, &members, &sk).map_err(fail)?.0)
}

fn verify(app: &App, bytes: &[u8]) -> Result<tobaucu_bundle::Report, String> {
    let ctx = super::Ctx::new(app).map_err(fail)?;
    Ok(tobaucu_bundle::verify::verify(&Mem(bytes), &ctx, super::limits()))
}

#[test]
fn a_commune_cannot_alter_a_team_bundle_it_carries() -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(fail)?;
    crate::demo::run(dir.path(), DEMO_PASSPHRASE, &mut |_| {}).map_err(fail)?;
    let xa = App::open(&dir.path().join("xa-X0412.sqlite")).map_err(fail)?;
    let tinh = App::open(&dir.path().join("tinh-T38.sqlite")).map_err(fail)?;
    let original = std::fs::read(dir.path().join("usb-xa/X0412-goi001.tbc")).map_err(fail)?;
    let r = verify(&tinh, &original)?;
    assert!(r.ok(), "{:?}", r.checks);
    assert_eq!(r.inner.len(), 6);

    // 1. One byte of a team's results changed inside the commune's bundle.
    let forged = resign(&xa, &original, &|members| {
        if let Some((_, b)) = members.iter_mut().find(|(n, _)| n == "units/X0412-KV01.tbc") {
            let i = b.len() / 3;
            b[i] ^= 0x20;
        }
    })?;
    let r = verify(&tinh, &forged)?;
    let by = |n: &str| r.checks.iter().find(|c| c.name == n).map(|c| c.ok);
    assert_eq!(by("signature"), Some(true), "the commune's own signature is fine");
    assert_eq!(by("inner_bundles"), Some(false), "{:?}", r.checks);
    assert!(r.checks.iter().any(|c| c.detail.contains("units/X0412-KV01.tbc")));

    // 2. Dropping a team's bundle is not a signature problem: the area
    //    simply shows as not reported.
    //    (Re-signed as a bundle number 2 whose log does not record the
    //    export of number 1, it is a fork: issue 11 §7.)
    let dropped = resign(&xa, &original, &|members| members.retain(|(n, _)| n != "units/X0412-KV02.tbc"))?;
    let r = verify(&tinh, &dropped)?;
    let failed: Vec<&str> = r.checks.iter().filter(|c| !c.ok).map(|c| c.name).collect();
    assert_eq!(failed, vec!["audit_chain"], "{:?}", r.checks);
    assert_eq!(r.inner.len(), 5);

    // 3. A team bundle re-signed with a key the commune invented, the
    //    commune's registry edited to match: refused when the province has
    //    registered that team's real key itself.
    let fake = ed25519_dalek::SigningKey::from_bytes(&[5u8; 32]);
    let fake_pk = tobaucu_bundle::hex(&fake.verifying_key().to_bytes());
    let forged = resign(&xa, &original, &|members| {
        let Some(i) = members.iter().position(|(n, _)| n == "units/X0412-KV02.tbc") else { return };
        let inner = members[i].1.clone();
        let mem = Mem(&inner);
        let Ok(b) = Bundle::open(&mem, super::limits()) else { return };
        let ms: Vec<(String, Vec<u8>)> = b.manifest.members.iter().map(|m| (m.name.clone(), b.read_member(&m.name).unwrap_or_default())).collect();
        if let Ok((bytes, _)) = container::write(b.manifest.clone(), &ms, &fake) {
            members[i].1 = bytes;
        }
        if let Some((_, reg)) = members.iter_mut().find(|(n, _)| n == "registry.json") {
            let text = String::from_utf8_lossy(reg).into_owned();
            let mut v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            for e in v.as_array_mut().into_iter().flatten() {
                if e["unit"] == "X0412-KV02" {
                    e["public_key"] = serde_json::Value::String(fake_pk.clone());
                    e["fingerprint"] = serde_json::Value::String(keys::fingerprint(&fake.verifying_key().to_bytes()));
                }
            }
            *reg = tobaucu_core::canonical::canonical_json(&v).into_bytes();
        }
    })?;
    // Without its own registration the province takes the key from the
    // commune's registry, but it already holds that team's bundle number 1
    // (carried in the commune's bundle it imported): another number 1 is a
    // fork (issue 11 §7), the team's log does not record that key's
    // creation either (issue 11 §5), and the key is not the one the team's
    // bundle number 1 was signed with (attack review, finding 6).
    let r = verify(&tinh, &forged)?;
    let inner = r.inner.iter().find(|(n, _)| n == "units/X0412-KV02.tbc").map(|(_, r)| r.checks.iter().filter(|c| !c.ok).map(|c| c.name).collect::<Vec<_>>());
    assert_eq!(inner, Some(vec!["key_registered", "sequence", "audit_chain"]), "{:?}", r.checks);
    let mut tinh = tinh;
    tinh.keys_register(&dir.path().join("khoa/khoa-X0412-KV02.json").display().to_string(), "X0412-KV02").map_err(fail)?;
    let r = verify(&tinh, &forged)?;
    assert!(!r.ok());
    assert!(r.checks.iter().any(|c| c.name == "inner_bundles" && !c.ok && c.detail.contains("key_registered")), "{:?}", r.checks);
    Ok(())
}

/// A medium that accepts `limit` bytes, then fails like a full disk or a
/// pulled stick (issue 5 §2). It writes into a real temporary file, so a
/// half-written file really exists until the export removes it.
struct Failing {
    file: std::fs::File,
    left: usize,
    kind: std::io::ErrorKind,
}

impl std::io::Write for Failing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::from(self.kind));
        }
        let n = buf.len().min(self.left).min(4096);
        self.left -= n;
        self.file.write(&buf[..n])
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl crate::fsio::Sink for Failing {
    fn sync(&mut self) -> std::io::Result<()> {
        if self.left == 0 {
            return Err(std::io::Error::from(self.kind));
        }
        self.file.sync_all()
    }
}

#[test]
fn an_export_interrupted_part_way_leaves_nothing_importable() -> Result<(), String> {
    use std::io::ErrorKind::{NotFound, StorageFull};
    let dir = tempfile::tempdir().map_err(fail)?;
    crate::demo::run(dir.path(), DEMO_PASSPHRASE, &mut |_| {}).map_err(fail)?;
    let db = dir.path().join("to-X0412-KV03.sqlite");
    let mut team = App::open(&db).map_err(fail)?;
    let before = team.store().exports().map_err(fail)?.len();
    let usb = dir.path().join("usb-rut");
    std::fs::create_dir_all(&usb).map_err(fail)?;
    let full = std::fs::metadata(dir.path().join("usb-to/X0412-KV03-goi001.tbc")).map_err(fail)?.len() as usize;
    for (limit, kind, says) in [(0, StorageFull, "đã đầy"), (1, StorageFull, "đã đầy"), (full / 2, NotFound, "không tìm thấy"), (full - 1, StorageFull, "đã đầy"), (full, StorageFull, "đã đầy")]
    {
        let open = move |p: &std::path::Path| -> std::io::Result<Box<dyn crate::fsio::Sink>> { Ok(Box::new(Failing { file: std::fs::File::create(p)?, left: limit, kind })) };
        let e = team.export_bundle_via(&usb, Some(DEMO_PASSPHRASE), &open).err().ok_or("an interrupted export must fail")?;
        assert!(e.to_string().contains(says), "{limit} bytes: {e}");
        let left: Vec<_> = std::fs::read_dir(&usb).map_err(fail)?.filter_map(|d| d.ok()).map(|d| d.file_name()).collect();
        assert!(left.is_empty(), "{limit} bytes: files left on the medium: {left:?}");
        assert_eq!(team.store().exports().map_err(fail)?.len(), before, "no export recorded");
    }
    // The bytes a pulled stick could hold are refused by a board.
    let xa_db = dir.path().join("xa-X0412.sqlite");
    let whole = std::fs::read(dir.path().join("usb-to/X0412-KV03-goi001.tbc")).map_err(fail)?;
    let mut xa = App::open(&xa_db).map_err(fail)?;
    for cut in [0, 17, 100, whole.len() / 2, whole.len() - 1] {
        let p = usb.join(format!("X0412-KV03-cat-{cut}.tbc"));
        std::fs::write(&p, &whole[..cut]).map_err(fail)?;
        let r = xa.import_bundle(&p, None).map_err(fail)?;
        assert_eq!(r.outcome, "refused", "{cut} bytes: {}", r.message);
        std::fs::remove_file(&p).map_err(fail)?;
    }
    // The same export to a good medium then works, with the next number.
    let ok = team.export_bundle(&usb, Some(DEMO_PASSPHRASE)).map_err(fail)?;
    assert_eq!(ok.sequence as usize, before + 1);
    assert!(ok.verified);
    let log = team.audit_log().map_err(fail)?;
    assert_eq!(log.iter().filter(|e| e.action == "bundle.export_failed").count(), 5);
    Ok(())
}

/// A demo run shared by the signed-edit properties: a team bundle, the
/// team's key, and the demo's directory.
fn signed_base() -> Option<&'static (Vec<u8>, ed25519_dalek::SigningKey)> {
    static BASE: std::sync::OnceLock<Option<(Vec<u8>, ed25519_dalek::SigningKey)>> = std::sync::OnceLock::new();
    BASE.get_or_init(|| {
        let dir = tempfile::tempdir().ok()?;
        crate::demo::run(dir.path(), DEMO_PASSPHRASE, &mut |_| {}).ok()?;
        let team = App::open(&dir.path().join("to-X0412-KV01.sqlite")).ok()?;
        let row = team.store().signing_key().ok()??;
        let sk = keys::unseal("X0412-KV01", &crate::keys::sealed_of(&row).ok()?, DEMO_PASSPHRASE).ok()?;
        Some((std::fs::read(dir.path().join("usb-to/X0412-KV01-goi001.tbc")).ok()?, sk))
    })
    .as_ref()
}

fn signed_board(sk: &ed25519_dalek::SigningKey) -> App {
    let mut a = App::open_in_memory().unwrap();
    // The demo's bundles are rehearsal bundles: a rehearsal board takes them.
    a.setup_mode(crate::DEMO_ELECTION, &crate::UnitChoice::Board(crate::UnitKind::Commune, "X0412".into()), true).unwrap();
    a.keys_register(&keys::fingerprint(&sk.verifying_key().to_bytes()), "X0412-KV01").unwrap();
    a
}

/// The team's QH minutes edited by `f` and its ballots by `g`, re-signed
/// with the team's own key (the ballots travel: the team's log records
/// that they were entered one by one).
fn forge_qh(base: &[u8], sk: &ed25519_dalek::SigningKey, f: &dyn Fn(&mut tobaucu_core::minutes::Minutes), g: &dyn Fn(&str) -> String) -> Vec<u8> {
    tobaucu_bundle::forge::reforge(base, sk, &|_, members| {
        if let Some((_, d)) = members.iter_mut().find(|(n, _)| n == "results/QH.json") {
            if let Ok(mut m) = tobaucu_core::minutes::Minutes::parse(d) {
                f(&mut m);
                let valid = m.figures.ballots_valid;
                for c in &mut m.candidates {
                    c.percent = tobaucu_core::percent::Percent::of(c.votes, valid).vi();
                }
                *d = m.to_canonical().into_bytes();
            }
        }
        if let Some((_, d)) = members.iter_mut().find(|(n, _)| n == "ballots/QH.txt") {
            *d = g(&String::from_utf8_lossy(d)).into_bytes();
        }
    })
    .unwrap_or_else(|| panic!("base bundle unreadable"))
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Figures signed with the team's own key (issue 11 §1, §2): the board
    /// accepts them exactly when the team's own checks would have let the
    /// team finalize them, whatever the values (near 2^64 included).
    #[test]
    fn signed_figures_pass_the_board_exactly_when_the_teams_checks_pass(
        field in 0usize..11,
        value in proptest::prop_oneof![0u64..50, 550u64..700, (u64::MAX - 2_000)..=u64::MAX, proptest::num::u64::ANY],
    ) {
        let Some((base, sk)) = signed_base() else { panic!("demo failed") };
        let board = signed_board(sk);
        let set = move |m: &mut tobaucu_core::minutes::Minutes| {
            let f = &mut m.figures;
            match field {
                0 => f.voters_listed = value,
                1 => f.voters_voted = value,
                2 => f.ballots_issued = value,
                3 => f.ballots_received = value,
                4 => f.ballots_valid = value,
                5 => f.ballots_invalid = value,
                6 => { if let Some(x) = f.invalid_by_reason.get_mut("ghi_them") { *x = value } }
                n => { if let Some(c) = m.candidates.get_mut(n - 7) { c.votes = value } }
            }
        };
        let bytes = forge_qh(base, sk, &set, &|t| t.to_owned());
        let r = board.verify_bundle_bytes("forged.tbc", &bytes).unwrap();
        // What the team's own app says of the same document.
        let mem = Mem(&bytes);
        let b = Bundle::open(&mem, super::limits()).unwrap();
        let doc = tobaucu_core::minutes::Minutes::parse(&b.read_member("results/QH.json").unwrap_or_default()).unwrap();
        let def = board.def().unwrap();
        // Every level is judged with its sibling levels, as the board and
        // the team's finalize do: a forged QH list smaller than the
        // council's (E16) fails the council's level.
        let docs: Vec<tobaucu_core::minutes::Minutes> = b.manifest.levels.iter().filter_map(|l| b.read_member(&format!("results/{}.json", l.code)).ok()).filter_map(|x| tobaucu_core::minutes::Minutes::parse(&x).ok()).collect();
        let team_ok = docs.iter().all(|d| {
            let siblings: Vec<&tobaucu_core::minutes::Minutes> = docs.iter().filter(|o| o.level.code != d.level.code).collect();
            d.review(def, &d.election.definition_sha256, "X0412-KV01", &d.level.code, &siblings).is_ok()
        });
        // The ballots the team entered one by one travel and are recounted:
        // a counted figure (valid, invalid, a ground, a candidate's votes)
        // must also be what they recount to.
        let original = tobaucu_core::minutes::Minutes::parse(&Bundle::open(&Mem(base), super::limits()).and_then(|b| b.read_member("results/QH.json")).unwrap_or_default()).unwrap();
        let recount_ok = field <= 3 || {
            let (a, b) = (doc.count_result(), original.count_result());
            a.valid == b.valid && a.invalid == b.invalid && a.votes == b.votes && a.invalid_by_reason == b.invalid_by_reason
        };
        let results_ok = r.checks.iter().find(|c| c.name == "results").map(|c| c.ok);
        proptest::prop_assert_eq!(results_ok, Some(team_ok && recount_ok), "{:?}", r.checks);
    }
}

#[test]
fn votes_moved_between_candidates_move_the_results_exactly() {
    // A board's results are the areas' figures in exact arithmetic: a
    // consistent change signed by the team (votes moved from one candidate
    // to another on ballots keeping one name each) is accepted and shows up
    // vote for vote.
    let Some((base, sk)) = signed_base() else { panic!("demo failed") };
    let honest = {
        let mut b = signed_board(sk);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.tbc");
        std::fs::write(&p, base).unwrap();
        b.import_bundle(&p, None).unwrap();
        b.results().unwrap()
    };
    // Seven ballots that keep candidate 1 and not candidate 2 now keep 2.
    let moved = forge_qh(
        base,
        sk,
        &|m| {
            m.candidates[0].votes -= 7;
            m.candidates[1].votes += 7;
        },
        &|t| {
            let mut left = 7;
            t.lines()
                .map(|l| {
                    let w: Vec<&str> = l.split_whitespace().collect();
                    if left > 0 && w.contains(&"1") && !w.contains(&"2") {
                        left -= 1;
                        w.iter().map(|x| if *x == "1" { "2" } else { x }).collect::<Vec<_>>().join(" ")
                    } else {
                        l.to_owned()
                    }
                })
                .map(|l| l + "\n")
                .collect()
        },
    );
    let mut b = signed_board(sk);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("b.tbc");
    std::fs::write(&p, &moved).unwrap();
    let r = b.import_bundle(&p, None).unwrap();
    assert_eq!(r.outcome, "imported", "{}", r.message);
    let after = b.results().unwrap();
    let votes = |x: &tobaucu_ipc::ResultsDto| -> Vec<u64> { x.constituencies.get("QH-01").map(|c| c.candidates.iter().map(|k| k.votes).collect()).unwrap_or_default() };
    let (h, a) = (votes(&honest), votes(&after));
    assert_eq!(a[0] + 7, h[0]);
    assert_eq!(a[1], h[1] + 7);
    assert_eq!(a[2..], h[2..]);
}

#[test]
fn warnings_the_team_accepted_travel_signed_to_the_board() {
    // Issue 15 item 5: the reasons are in the signed minutes; the board
    // shows them per area.
    let Some((base, sk)) = signed_base() else { panic!("demo failed") };
    let forged = forge_qh(base, sk, &|m| m.accepted.push(tobaucu_core::minutes::Explanation { code: "W01".into(), reason: "Cả Tổ đã xem lại từng phiếu".into() }), &|t| t.to_owned());
    let mut b = signed_board(sk);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.tbc");
    std::fs::write(&p, &forged).unwrap();
    let r = b.import_bundle(&p, None).unwrap();
    assert_eq!(r.outcome, "imported", "{}", r.message);
    let s = b.board_status().unwrap();
    let a = s.areas.iter().find(|a| a.area_id == "X0412-KV01").unwrap_or_else(|| panic!("area"));
    assert_eq!(a.accepted, vec!["QH · W01: Cả Tổ đã xem lại từng phiếu".to_owned()]);
    assert!(s.areas.iter().filter(|a| a.area_id != "X0412-KV01").all(|a| a.accepted.is_empty()));
}
