//! Insiders with real keys (issue 11): a Tổ trưởng who signs impossible
//! figures with the team's own key, a commune that re-signs what it
//! carries, files on the stick that are not bundles. Every case goes
//! through the real binary against a commune board made from the demo.

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use serde_json::Value;
use tobaucu_bundle::container::Manifest;
use tobaucu_bundle::forge::Members;
use tobaucu_bundle::{keys, SealedKey};
use tobaucu_core::canonical::canonical_json;
use tobaucu_core::minutes::Minutes;

use crate::bundle::{demo, PASS};
use crate::util::{run_on, Out};

fn run(db: &Path, args: &[&str]) -> Out {
    run_on(db, args, &[("TOBAUCU_PASSPHRASE", Some(PASS)), ("TOBAUCU_NOW", None)])
}

fn ok(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    assert_eq!(o.code, 0, "tobaucu {args:?}:\n{}\n{}", o.stdout, o.stderr);
    o.stdout
}

/// A fresh commune board with every demo team's key registered.
fn board(dir: &Path) -> PathBuf {
    let db = dir.join("xa.sqlite");
    ok(&db, &["setup", &demo().join("election.json").display().to_string(), "--commune", "X0412", "--rehearsal"]);
    for k in 1..=6 {
        let unit = format!("X0412-KV0{k}");
        ok(&db, &["keys", "register", &demo().join("khoa").join(format!("khoa-{unit}.json")).display().to_string(), "--unit", &unit]);
    }
    db
}

/// The signing key of a unit's database, unsealed with the passphrase: what
/// a dishonest Tổ trưởng (or commune) holds.
fn key_of(db: &Path, unit: &str) -> SigningKey {
    let c = rusqlite::Connection::open(db).unwrap();
    let sealed = c
        .query_row("SELECT public_key, salt, nonce, ciphertext, m_kib, t, p FROM signing_key", [], |r| {
            let b = |i: usize| -> rusqlite::Result<Vec<u8>> { r.get(i) };
            Ok(SealedKey {
                public_key: b(0)?.try_into().unwrap_or([0; 32]),
                salt: b(1)?.try_into().unwrap_or([0; 16]),
                nonce: b(2)?.try_into().unwrap_or([0; 12]),
                ciphertext: b(3)?,
                m_kib: r.get(4)?,
                t: r.get(5)?,
                p: r.get(6)?,
            })
        })
        .unwrap();
    keys::unseal(unit, &sealed, PASS).unwrap()
}

/// [`tobaucu_bundle::forge::reforge`] of a bundle known to be readable.
fn reforge(bytes: &[u8], sk: &SigningKey, edit: &dyn Fn(&mut Manifest, &mut Members)) -> Vec<u8> {
    tobaucu_bundle::forge::reforge(bytes, sk, edit).unwrap_or_else(|| panic!("not a readable bundle"))
}

/// Edits the minutes of `level` in the members (canonical again).
fn edit_minutes(members: &mut [(String, Vec<u8>)], level: &str, f: &dyn Fn(&mut Minutes)) {
    let name = format!("results/{level}.json");
    if let Some((_, data)) = members.iter_mut().find(|(n, _)| *n == name) {
        let mut doc = Minutes::parse(data).unwrap();
        f(&mut doc);
        // A careful forger recomputes what derives from the figures.
        let valid = doc.figures.ballots_valid;
        for c in &mut doc.candidates {
            c.percent = tobaucu_core::percent::Percent::of(c.votes, valid).vi();
        }
        *data = doc.to_canonical().into_bytes();
    }
}

fn team_bundle(area: &str) -> Vec<u8> {
    std::fs::read(demo().join("usb-to").join(format!("{area}-goi001.tbc"))).unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

fn results(db: &Path) -> Value {
    serde_json::from_str(&ok(db, &["results", "--json"])).unwrap_or_default()
}

#[test]
fn a_reforged_team_bundle_round_trips_when_nothing_is_changed() {
    // The forging helper itself: with no edit, the board accepts the
    // re-signed bundle (so the refusals below are the checks' doing).
    let dir = tempfile::tempdir().unwrap();
    let db = board(dir.path());
    let sk = key_of(&demo().join("to-X0412-KV01.sqlite"), "X0412-KV01");
    let same = reforge(&team_bundle("X0412-KV01"), &sk, &|_, _| {});
    let f = write(dir.path(), "same.tbc", &same);
    assert!(ok(&db, &["import", &f]).contains("đã nhập"));
}

#[test]
fn wrapping_figures_signed_with_the_teams_own_key_are_refused() {
    // issue 11 §1: ballots_valid = 2^64-1 and one candidate at 2^64-b
    // passed every check modulo 2^64 and moved ~1,500 votes.
    let dir = tempfile::tempdir().unwrap();
    let db = board(dir.path());
    let sk = key_of(&demo().join("to-X0412-KV01.sqlite"), "X0412-KV01");
    let forged = reforge(&team_bundle("X0412-KV01"), &sk, &|_, members| {
        edit_minutes(members, "QH", &|m| {
            m.figures.ballots_valid = u64::MAX;
            m.figures.ballots_received = m.figures.ballots_invalid.wrapping_add(u64::MAX);
            m.candidates[0].votes = m.candidates[0].votes.wrapping_add(1_500);
            m.candidates[1].votes = u64::MAX - 1_500 + m.candidates[1].votes + 1;
        });
    });
    let f = write(dir.path(), "wrap.tbc", &forged);
    let v = run(&db, &["verify", &f, "--json"]);
    assert_eq!(v.code, 1);
    assert!(v.stdout.contains("E15"), "{}", v.stdout);
    let o = run(&db, &["import", &f]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert_eq!(results(&db)["constituencies"]["QH-01"]["areas_reported"], 0);
}

#[test]
fn figures_the_team_could_not_have_finalized_are_refused() {
    // issue 11 §2: 100,000 ballots in an area of 620 voters; invalid
    // grounds summing to 1,040 against 38 invalid ballots; a JSON member
    // with a duplicated key (§3).
    let dir = tempfile::tempdir().unwrap();
    let db = board(dir.path());
    let sk = key_of(&demo().join("to-X0412-KV02.sqlite"), "X0412-KV02");
    let base = team_bundle("X0412-KV02");
    type Edit = Box<dyn Fn(&mut Minutes)>;
    let cases: Vec<(&str, &str, Edit)> = vec![
        (
            "huge",
            "E15",
            Box::new(|m| {
                m.figures.ballots_received = 100_000;
                m.figures.ballots_valid = 100_000 - m.figures.ballots_invalid;
            }),
        ),
        (
            "over-issued",
            "E02",
            Box::new(|m| {
                m.figures.ballots_received += 50;
                m.figures.ballots_valid += 50;
            }),
        ),
        (
            "grounds",
            "E14",
            Box::new(|m| {
                if let Some(x) = m.figures.invalid_by_reason.get_mut("ghi_them") {
                    *x += 1_000;
                }
            }),
        ),
        ("candidate", "E05", Box::new(|m| m.candidates[0].votes = m.figures.ballots_valid + 1)),
        ("witness", "E11", Box::new(|m| m.team.witnesses.clear())),
    ];
    for (name, code, f) in &cases {
        let forged = reforge(&base, &sk, &|_, members| edit_minutes(members, "TINH", f.as_ref()));
        let p = write(dir.path(), &format!("{name}.tbc"), &forged);
        let o = run(&db, &["import", &p]);
        assert_eq!(o.code, 1, "{name}: {}", o.stdout);
        assert!(o.stdout.contains(code), "{name}: {}", o.stdout);
    }
    // A duplicated key: the member is no longer the canonical document.
    let dup = reforge(&base, &sk, &|_, members| {
        if let Some((_, d)) = members.iter_mut().find(|(n, _)| n == "results/QH.json") {
            let t = String::from_utf8_lossy(d).replacen("\"votes\":", "\"votes\":136,\"votes\":", 1);
            *d = t.into_bytes();
        }
    });
    let p = write(dir.path(), "dup.tbc", &dup);
    let o = run(&db, &["import", &p]);
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("dạng chuẩn") || o.stdout.contains("duplicate"), "{}", o.stdout);
    assert_eq!(results(&db)["constituencies"]["TINH-07"]["areas_reported"], 0);
}

#[test]
fn every_file_of_a_folder_is_judged_on_its_own() {
    // issue 11 §6: a bundle carrying itself, sequence 0, a commune bundle
    // carrying one area twice and a file over 4 GiB each stopped the
    // import; here each is refused and recorded, the rest imported, and
    // verify agrees with import. §9: a link to /dev/zero and a FIFO.
    let dir = tempfile::tempdir().unwrap();
    let usb = dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let db = board(dir.path());
    let sk1 = key_of(&demo().join("to-X0412-KV01.sqlite"), "X0412-KV01");
    let zero = reforge(&team_bundle("X0412-KV01"), &sk1, &|m, _| m.sequence = 0);
    let mut bad: Vec<String> = vec![write(&usb, "a-seq0.tbc", &zero)];
    // A file over 4 GiB (sparse: nothing is written).
    let big = usb.join("b-big.tbc");
    std::fs::File::create(&big).and_then(|f| f.set_len((4 << 30) + 1)).unwrap();
    bad.push(big.display().to_string());
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/dev/zero", usb.join("c-zero.tbc")).unwrap();
        bad.push(usb.join("c-zero.tbc").display().to_string());
        let fifo = std::ffi::CString::new(usb.join("d-fifo.tbc").display().to_string()).unwrap_or_default();
        // SAFETY: a valid path and mode.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        bad.push(usb.join("d-fifo.tbc").display().to_string());
    }
    // A commune bundle that carries one team twice, and one that carries
    // itself (its own earlier bundle), re-signed with the commune's key.
    let xa_key = key_of(&demo().join("xa-X0412.sqlite"), "X0412");
    let commune = std::fs::read(demo().join("usb-xa/X0412-goi001.tbc")).unwrap();
    let twice = reforge(&commune, &xa_key, &|_, members| {
        if let Some(kv) = members.iter().find(|(n, _)| n == "units/X0412-KV01.tbc").cloned() {
            members.push(("units/X0412-KV01-lai.tbc".into(), kv.1));
        }
    });
    let itself = reforge(&commune, &xa_key, &|_, members| members.push(("units/X0412.tbc".into(), commune.clone())));
    let province = dir.path().join("tinh.sqlite");
    ok(&province, &["setup", &demo().join("election.json").display().to_string(), "--province", "T38", "--rehearsal"]);
    ok(&province, &["keys", "register", &demo().join("khoa/khoa-X0412.json").display().to_string(), "--unit", "X0412"]);
    let pdir = dir.path().join("usb-p");
    std::fs::create_dir_all(&pdir).unwrap();
    let p_bad = [write(&pdir, "twice.tbc", &twice), write(&pdir, "itself.tbc", &itself)];
    let p_good = std::fs::read(demo().join("usb-xa/X0412-goi001.tbc")).map(|b| write(&pdir, "z-good.tbc", &b)).unwrap_or_default();
    for f in &p_bad {
        let v = run(&province, &["verify", f]);
        assert_eq!(v.code, 1, "verify {f}: {}", v.stdout);
    }
    let mut args: Vec<&str> = vec!["import"];
    args.extend(p_bad.iter().map(String::as_str));
    args.push(&p_good);
    let o = run(&province, &args);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("z-good.tbc: đã nhập"), "{}", o.stdout);
    assert_eq!(o.stdout.matches("bị từ chối").count(), 2, "{}", o.stdout);

    // The team folder: bad files first, then every good team bundle.
    let good: Vec<String> = (1..=6).map(|k| write(&usb, &format!("z-{k}.tbc"), &team_bundle(&format!("X0412-KV0{k}")))).collect();
    for f in &bad {
        let v = run(&db, &["verify", f]);
        assert_eq!(v.code, 1, "verify {f}");
    }
    let mut args: Vec<&str> = vec!["import"];
    args.extend(bad.iter().map(String::as_str));
    args.extend(good.iter().map(String::as_str));
    let o = run(&db, &args);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(o.stdout.matches("đã nhập gói số 1").count(), 6, "{}", o.stdout);
    let c = rusqlite::Connection::open(&db).unwrap();
    let refusals: i64 = c.query_row("SELECT count(*) FROM bundle_refusal", [], |r| r.get(0)).unwrap_or(0);
    assert_eq!(refusals, i64::try_from(bad.len()).unwrap_or(0), "every bad file recorded");
    assert_eq!(results(&db)["constituencies"]["XA-03"]["complete"], true);
}

#[test]
fn a_typed_fingerprint_accepts_only_its_bundle_in_a_folder() {
    // issue 11 §6: --accept-fingerprint over a folder stopped at the first
    // bundle with another key.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xa.sqlite");
    ok(&db, &["setup", &demo().join("election.json").display().to_string(), "--commune", "X0412", "--rehearsal"]);
    for k in 1..=5 {
        let unit = format!("X0412-KV0{k}");
        ok(&db, &["keys", "register", &demo().join("khoa").join(format!("khoa-{unit}.json")).display().to_string(), "--unit", &unit]);
    }
    let fp: Value = serde_json::from_str(&ok(&demo().join("to-X0412-KV06.sqlite"), &["keys", "show", "--json"])).unwrap_or_default();
    let files: Vec<String> = (1..=6).map(|k| demo().join("usb-to").join(format!("X0412-KV0{k}-goi001.tbc")).display().to_string()).collect();
    let mut args: Vec<&str> = vec!["import", "--accept-fingerprint", fp["fingerprint"].as_str().unwrap_or("")];
    args.extend(files.iter().map(String::as_str));
    let out = ok(&db, &args);
    assert_eq!(out.matches("đã nhập gói số 1").count(), 6, "{out}");
}

#[test]
fn a_carried_registry_never_replaces_a_registration_made_here() {
    // issue 11 §4: at a province, a team key registered by fingerprint lost
    // to the commune's carried registry (a commune bundle carrying a team
    // bundle signed by a brand-new key for that team was imported). §7: a
    // commune bundle carrying an older revision of a team reverts nothing.
    let dir = tempfile::tempdir().unwrap();
    let province = dir.path().join("tinh.sqlite");
    ok(&province, &["setup", &demo().join("election.json").display().to_string(), "--province", "T38", "--rehearsal"]);
    ok(&province, &["keys", "register", &demo().join("khoa/khoa-X0412.json").display().to_string(), "--unit", "X0412"]);
    let fp: Value = serde_json::from_str(&ok(&demo().join("to-X0412-KV03.sqlite"), &["keys", "show", "--json"])).unwrap_or_default();
    ok(&province, &["keys", "register", fp["fingerprint"].as_str().unwrap_or(""), "--unit", "X0412-KV03"]);
    let xa_key = key_of(&demo().join("xa-X0412.sqlite"), "X0412");
    let new_team_key = SigningKey::from_bytes(&[9u8; 32]);
    let commune = std::fs::read(demo().join("usb-xa/X0412-goi001.tbc")).unwrap();
    let forged = reforge(&commune, &xa_key, &|_, members| {
        if let Some(i) = members.iter().position(|(n, _)| n == "units/X0412-KV03.tbc") {
            // The team's bundle re-signed with a new key, its log made to
            // record that key's creation.
            let inner = reforge(&members[i].1, &new_team_key, &|_, ms| {
                if let Some((_, log)) = ms.iter_mut().find(|(n, _)| n == "audit.jsonl") {
                    let old_pk = fp["public_key"].as_str().unwrap_or("").to_owned();
                    let t = String::from_utf8_lossy(log).replace(&old_pk, &tobaucu_bundle::hex(&new_team_key.verifying_key().to_bytes()));
                    *log = t.into_bytes();
                }
            });
            members[i].1 = inner;
        }
        if let Some((_, reg)) = members.iter_mut().find(|(n, _)| n == "registry.json") {
            let mut v: Value = serde_json::from_slice(reg).unwrap_or_default();
            for e in v.as_array_mut().into_iter().flatten() {
                if e["unit"] == "X0412-KV03" {
                    e["public_key"] = Value::String(tobaucu_bundle::hex(&new_team_key.verifying_key().to_bytes()));
                    e["fingerprint"] = Value::String(tobaucu_bundle::fingerprint(&new_team_key.verifying_key().to_bytes()));
                }
            }
            *reg = canonical_json(&v).into_bytes();
        }
    });
    let f = write(dir.path(), "forged.tbc", &forged);
    let o = run(&province, &["import", &f]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(o.stdout.contains("X0412-KV03"), "{}", o.stdout);
    // The honest commune bundle pins the fingerprint to the real key.
    let honest = demo().join("usb-xa/X0412-goi001.tbc").display().to_string();
    assert!(ok(&province, &["import", &honest]).contains("đã nhập"));
    let keys = ok(&province, &["keys", "list"]);
    assert!(keys.lines().any(|l| l.starts_with("X0412-KV03") && l.contains("pinned")), "{keys}");
}

#[test]
fn a_team_bundle_taken_directly_can_be_withdrawn_for_the_communes() {
    // issue 11 §7: a team bundle accepted directly at a province blocked the
    // commune's bundle (A04) with no way to withdraw it.
    let dir = tempfile::tempdir().unwrap();
    let province = dir.path().join("tinh.sqlite");
    ok(&province, &["setup", &demo().join("election.json").display().to_string(), "--province", "T38", "--rehearsal"]);
    ok(&province, &["keys", "register", &demo().join("khoa/khoa-X0412.json").display().to_string(), "--unit", "X0412"]);
    ok(&province, &["keys", "register", &demo().join("khoa/khoa-X0412-KV01.json").display().to_string(), "--unit", "X0412-KV01"]);
    let team = demo().join("usb-to/X0412-KV01-goi001.tbc").display().to_string();
    let commune = demo().join("usb-xa/X0412-goi001.tbc").display().to_string();
    assert!(ok(&province, &["import", &team]).contains("đã nhập"));
    let o = run(&province, &["import", &commune]);
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("A04") && o.stdout.contains("withdraw"), "{}", o.stdout);
    let w = run(&province, &["withdraw", "X0412-KV01"]);
    assert_eq!(w.code, 2, "a reason is required");
    assert!(ok(&province, &["withdraw", "X0412-KV01", "--reason", "Xã đã nộp gói đầy đủ"]).contains("Đã rút"));
    assert!(ok(&province, &["import", &commune]).contains("đã nhập"));
    // The withdrawn bundle cannot come back.
    let again = run(&province, &["import", &team]);
    assert_eq!(again.code, 1);
    assert!(ok(&province, &["audit"]).contains("bundle.withdraw"));
}

// ---- Attack review (insider, after issue 11) -------------------------------

/// Appends entries to the log member (ids follow; `reforge` re-chains).
fn push_log(members: &mut [(String, Vec<u8>)], entries: &[(&str, &str, Value)]) {
    let Some((_, log)) = members.iter_mut().find(|(n, _)| n == "audit.jsonl") else { return };
    let mut text = String::from_utf8_lossy(log).into_owned();
    let last: Value = text.lines().last().and_then(|l| serde_json::from_str(l).ok()).unwrap_or_default();
    let mut id = last["id"].as_i64().or_else(|| last["redacted"]["to"].as_i64()).unwrap_or(0);
    for (action, subject, after) in entries {
        id += 1;
        let line = serde_json::json!({"action": action, "after": canonical_json(after), "at": "2026-03-15T23:00:00+07:00", "before": null, "hash": "", "id": id, "prev": "", "reason": "", "subject": subject});
        text.push_str(&canonical_json(&line));
        text.push('\n');
    }
    *log = text.into_bytes();
}

fn sha_of(members: &[(String, Vec<u8>)], name: &str) -> String {
    members.iter().find(|(n, _)| n == name).map(|(_, d)| tobaucu_core::audit::sha256_hex(d)).unwrap_or_default()
}

fn refused_with(db: &Path, f: &str, says: &str) {
    let o = run(db, &["import", f]);
    assert_eq!(o.code, 1, "{says}: {}", o.stdout);
    assert!(o.stdout.contains(says), "expected «{says}»: {}", o.stdout);
}

#[test]
fn an_explanation_or_a_missing_ballots_file_needs_the_logged_story() {
    // Attack review finding 2: QH received +3,000 over issued, carried as
    // "E02 with an explanation" with no recount in the log and the ballots
    // file dropped, elected one candidate alone. Mẫu 18 item 7 carries an
    // explanation only after a recount (issue 12 §7).
    let dir = tempfile::tempdir().unwrap();
    let db = board(dir.path());
    let sk = key_of(&demo().join("to-X0412-KV01.sqlite"), "X0412-KV01");
    let base = team_bundle("X0412-KV01");
    let stuffed = reforge(&base, &sk, &|_, members| {
        edit_minutes(members, "QH", &|m| {
            m.figures.ballots_received += 3_000;
            m.figures.ballots_valid += 3_000;
            m.candidates[3].votes += 3_000;
            if let Some(g) = m.figures.ballots_by_kept.get_mut("1") {
                *g += 3_000;
            }
            m.explanations = vec![tobaucu_core::minutes::Explanation { code: "E02".into(), reason: "Cử tri bỏ thêm phiếu".into() }];
        });
        members.retain(|(n, _)| n != "ballots/QH.txt");
    });
    refused_with(&db, &write(dir.path(), "stuffed.tbc", &stuffed), "count.recount");
    // The figures unchanged, only the ballots file left behind.
    let dropped = reforge(&base, &sk, &|_, members| members.retain(|(n, _)| n != "ballots/XA.txt"));
    refused_with(&db, &write(dir.path(), "dropped.tbc", &dropped), "thiếu ballots/XA.txt");
    assert_eq!(results(&db)["constituencies"]["QH-01"]["areas_reported"], 0);
}

#[test]
fn levels_of_one_area_cannot_contradict_each_other() {
    // Finding 1: the same area listed 620 voters for the Quốc hội and 9,000
    // for the province, which flipped TINH-07. E16 (Luật Bầu cử Điều 29–30:
    // whoever may vote for a council may vote for the Quốc hội).
    let dir = tempfile::tempdir().unwrap();
    let db = board(dir.path());
    let sk = key_of(&demo().join("to-X0412-KV01.sqlite"), "X0412-KV01");
    let forged = reforge(&team_bundle("X0412-KV01"), &sk, &|_, members| edit_minutes(members, "TINH", &|m| m.figures.voters_listed = 9_000));
    refused_with(&db, &write(dir.path(), "tinh.tbc", &forged), "E16");
}

#[test]
fn invisible_characters_do_not_make_a_candidate_a_stranger_or_nobody_a_signer() {
    // Finding 7: leader U+200B, secretary U+2060, both witnesses a
    // candidate's name with a zero-width character appended (Art. 75:
    // the signatures of the Tổ trưởng, Thư ký and two voters).
    let dir = tempfile::tempdir().unwrap();
    let db = board(dir.path());
    let sk = key_of(&demo().join("to-X0412-KV01.sqlite"), "X0412-KV01");
    let forged = reforge(&team_bundle("X0412-KV01"), &sk, &|_, members| {
        edit_minutes(members, "XA", &|m| {
            m.team.leader = Some("\u{200b}".into());
            m.team.secretary = Some("\u{2060}".into());
            let c = m.candidates[0].name.clone();
            m.team.witnesses = vec![tobaucu_core::minutes::Witness::Name(format!("{c}\u{200b}")), tobaucu_core::minutes::Witness::Name(format!("{c}\u{2060}"))];
        });
    });
    refused_with(&db, &write(dir.path(), "invisible.tbc", &forged), "chưa được chuẩn hóa");
}

#[test]
fn a_first_round_document_cannot_claim_a_later_round() {
    // Finding 9: `round` in a first-round XA document silently left the
    // area out of round 1.
    let dir = tempfile::tempdir().unwrap();
    let db = board(dir.path());
    let sk = key_of(&demo().join("to-X0412-KV01.sqlite"), "X0412-KV01");
    let forged = reforge(&team_bundle("X0412-KV01"), &sk, &|_, members| {
        edit_minutes(members, "XA", &|m| m.round = Some(tobaucu_core::minutes::RoundRef { number: 2, kind: "revote".into() }));
    });
    refused_with(&db, &write(dir.path(), "round.tbc", &forged), "vòng bầu cử");
}

#[test]
fn a_key_signs_for_one_unit_only() {
    // Finding 4: KV01's Tổ trưởng signed a bundle for KV06 (not yet
    // registered) with KV01's key; `--accept-fingerprint` and `keys
    // register <fingerprint> --unit KV06` both took it.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xa.sqlite");
    ok(&db, &["setup", &demo().join("election.json").display().to_string(), "--commune", "X0412", "--rehearsal"]);
    for k in 1..=5 {
        let unit = format!("X0412-KV0{k}");
        ok(&db, &["keys", "register", &demo().join("khoa").join(format!("khoa-{unit}.json")).display().to_string(), "--unit", &unit]);
    }
    let fp1: Value = serde_json::from_str(&ok(&demo().join("to-X0412-KV01.sqlite"), &["keys", "show", "--json"])).unwrap_or_default();
    let fp1 = fp1["fingerprint"].as_str().unwrap_or("").to_owned();
    let sk = key_of(&demo().join("to-X0412-KV01.sqlite"), "X0412-KV01");
    let kv06 = team_bundle("X0412-KV06");
    let kv06_members: Members = {
        let mem = tobaucu_bundle::Mem(&kv06);
        let b = tobaucu_bundle::Bundle::open(&mem, tobaucu_bundle::Limits::default()).unwrap();
        b.manifest.members.iter().map(|x| (x.name.clone(), b.read_member(&x.name).unwrap_or_default())).collect()
    };
    let kv06_levels = tobaucu_bundle::Bundle::open(&tobaucu_bundle::Mem(&kv06), tobaucu_bundle::Limits::default()).map(|b| b.manifest.levels.clone()).unwrap_or_default();
    let forged = tobaucu_bundle::forge::reforge_with(&team_bundle("X0412-KV01"), &sk, false, &|m, members| {
        m.unit_id = "X0412-KV06".into();
        m.levels = kv06_levels.clone();
        // The log made to tell KV06's ballots (KV01's entries undone or
        // topped up), then the locking of KV06's minutes.
        let ballots = |ms: &[(String, Vec<u8>)], code: &str| -> i64 {
            ms.iter().find(|(n, _)| *n == format!("ballots/{code}.txt")).map_or(0, |(_, d)| String::from_utf8_lossy(d).lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).count() as i64)
        };
        let mut story: Vec<(String, String, Value)> = Vec::new();
        for l in &kv06_levels {
            let d = ballots(members, &l.code) - ballots(&kv06_members, &l.code);
            for _ in 0..d.max(0) {
                story.push(("count.ballot.undo".into(), format!("cấp {}", l.code), serde_json::json!({"level": l.code})));
            }
            if d < 0 {
                story.push(("count.ballots_file".into(), format!("cấp {}", l.code), serde_json::json!({"level": l.code, "ballots": -d})));
            }
        }
        story.extend(kv06_levels.iter().map(|l| ("finalize".to_owned(), format!("biên bản cấp {}, bản số 1", l.code), serde_json::json!({"sha256": l.minutes_sha256, "warnings": []}))));
        for (n, d) in &kv06_members {
            if n.starts_with("results/") || n.starts_with("ballots/") {
                if let Some(x) = members.iter_mut().find(|(k, _)| k == n) {
                    x.1 = d.clone();
                }
            }
        }
        let entries: Vec<(&str, &str, Value)> = story.iter().map(|(a, s, v)| (a.as_str(), s.as_str(), v.clone())).collect();
        push_log(members, &entries);
    })
    .unwrap_or_else(|| panic!("forge"));
    let f = write(dir.path(), "kv06.tbc", &forged);
    let o = run(&db, &["import", "--accept-fingerprint", &fp1, &f]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(o.stdout.contains("đã là khóa của X0412-KV01"), "{}", o.stdout);
    let r = run(&db, &["keys", "register", &fp1, "--unit", "X0412-KV06"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("đã là khóa của X0412-KV01") || r.stdout.contains("đã là khóa của X0412-KV01"), "{}{}", r.stdout, r.stderr);
}

#[test]
fn locked_minutes_change_only_through_a_logged_reopen_and_a_new_revision() {
    // Finding 5: bundle 2 kept XA at revision 1 with other figures and no
    // reopen; bundle 4 went back from revision 2 to 1. Mẫu 23: the minutes
    // are the signed record; a correction is a new revision with a reason.
    let dir = tempfile::tempdir().unwrap();
    let db = board(dir.path());
    let area = "X0412-KV01";
    let sk = key_of(&demo().join("to-X0412-KV01.sqlite"), area);
    let base = team_bundle(area);
    ok(&db, &["import", &write(dir.path(), "1.tbc", &base)]);
    let id1 = tobaucu_bundle::Bundle::open(&tobaucu_bundle::Mem(&base), tobaucu_bundle::Limits::default()).map(|b| b.id.clone()).unwrap_or_default();
    let next = |revision: u32, reason: &'static str, reopen: bool| {
        let id1 = id1.clone();
        tobaucu_bundle::forge::reforge_with(&base, &sk, false, &move |m, members| {
            m.sequence = 2;
            m.previous_sha256 = Some(id1.clone());
            edit_minutes(members, "XA", &|d| {
                if let Some(tobaucu_core::minutes::Witness::Person(p)) = d.team.witnesses.get_mut(0) {
                    p.address = Some("Thôn khác".into());
                }
                d.revision = revision;
                d.correction_reason = reason.into();
            });
            for l in &mut m.levels {
                if l.code == "XA" {
                    l.revision = revision;
                }
            }
            let new_sha = sha_of(members, "results/XA.json");
            let mut entries: Vec<(&str, &str, Value)> = vec![("bundle.export", "gói số 1", serde_json::json!({"sequence": 1, "sha256": id1}))];
            if reopen {
                entries.push(("reopen", "biên bản cấp XA, bản số 1", serde_json::json!({"level": "XA", "revision": 1})));
            }
            entries.push(("finalize", "biên bản cấp XA, bản số 2", serde_json::json!({"sha256": new_sha, "warnings": []})));
            push_log(members, &entries);
        })
        .unwrap_or_else(|| panic!("forge"))
    };
    refused_with(&db, &write(dir.path(), "same-rev.tbc", &next(1, "", false)), "bị thay bằng biên bản khác mang bản số 1");
    refused_with(&db, &write(dir.path(), "no-reopen.tbc", &next(2, "Sửa địa chỉ cử tri chứng kiến", false)), "không ghi việc mở sửa (reopen)");
    // The honest correction goes through.
    let good = next(2, "Sửa địa chỉ cử tri chứng kiến", true);
    assert!(ok(&db, &["import", &write(dir.path(), "good.tbc", &good)]).contains("thay cho gói số 1"));
}

#[test]
fn a_sequence_cannot_jump_ahead_or_start_afresh() {
    // Smaller finding: sequence 99,999 with previous_sha256 null locked the
    // unit near the top of the range.
    let dir = tempfile::tempdir().unwrap();
    let db = board(dir.path());
    let sk = key_of(&demo().join("to-X0412-KV01.sqlite"), "X0412-KV01");
    let base = team_bundle("X0412-KV01");
    let jump = reforge(&base, &sk, &|m, _| m.sequence = 99_999);
    refused_with(&db, &write(dir.path(), "jump.tbc", &jump), "mã băm gói trước");
    let chained = reforge(&base, &sk, &|m, _| {
        m.sequence = 99_999;
        m.previous_sha256 = Some("ab".repeat(32));
    });
    refused_with(&db, &write(dir.path(), "jump2.tbc", &chained), "không ghi việc xuất gói số 1");
}

/// Insiders at a board: its own database edited, a carrier's table and
/// dropped units, files too large to hold.
#[path = "hostile_board.rs"]
mod board_data;
