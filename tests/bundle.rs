//! Signed result bundles through the real binary (issue 4): the demo chain
//! team → commune → province, verification named checks, tampering,
//! replay and rollback, foreign bundles, unregistered keys, the winner rules
//! on real aggregation (`domain.md` §7), recursive verification, and the QR
//! code on the printed minutes.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::Out;

/// Random unrelated words: passes the passphrase policy (issue 11 §8).
pub(crate) const PASS: &str = "ca-voi-doc-bao-duoi-goc-me";

fn run(db: &Path, args: &[&str], pass: Option<&str>) -> Out {
    let mut cmd = crate::util::tobaucu(crate::util::with_db(db.as_os_str(), args));
    cmd.env_remove("TOBAUCU_DB").env_remove("TOBAUCU_NOW");
    match pass {
        Some(p) => cmd.env("TOBAUCU_PASSPHRASE", p),
        None => cmd.env_remove("TOBAUCU_PASSPHRASE"),
    };
    let out = cmd.output().unwrap_or_else(|e| panic!("run tobaucu: {e}"));
    Out { code: out.status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&out.stdout).into_owned(), stderr: String::from_utf8_lossy(&out.stderr).into_owned() }
}

fn ok(db: &Path, args: &[&str]) -> String {
    let o = run(db, args, Some(PASS));
    assert_eq!(o.code, 0, "tobaucu {args:?} failed:\n{}\n{}", o.stdout, o.stderr);
    o.stdout
}

fn json(db: &Path, args: &[&str]) -> Value {
    let s = ok(db, args);
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {s}"))
}

/// One demo run shared by the tests that only read it.
pub(crate) fn demo() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("tobaucu-demo-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let o = run(Path::new("/nonexistent/unused.sqlite"), &["demo", "--out", &dir.display().to_string()], Some(PASS));
        assert_eq!(o.code, 0, "demo failed:\n{}\n{}", o.stdout, o.stderr);
        dir
    })
}

/// A scratch copy of a demo file.
fn copy(dir: &tempfile::TempDir, from: &Path, name: &str) -> PathBuf {
    let to = dir.path().join(name);
    std::fs::copy(from, &to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
    to
}

fn team_bundle(area: &str) -> PathBuf {
    demo().join("usb-to").join(format!("{area}-goi001.tbc"))
}

/// A fresh commune database with the demo teams' keys registered.
fn commune(dir: &tempfile::TempDir) -> PathBuf {
    let db = dir.path().join("xa.sqlite");
    let election = demo().join("election.json");
    // The demo is a rehearsal: so is a board that takes its bundles.
    ok(&db, &["setup", &election.display().to_string(), "--commune", "X0412", "--rehearsal"]);
    for k in 1..=6 {
        let unit = format!("X0412-KV0{k}");
        ok(&db, &["keys", "register", &demo().join("khoa").join(format!("khoa-{unit}.json")).display().to_string(), "--unit", &unit]);
    }
    db
}

fn check<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["checks"].as_array().and_then(|a| a.iter().find(|c| c["name"] == name)).unwrap_or_else(|| panic!("no check {name} in {v}"))
}

#[test]
fn demo_chain_team_commune_province_results_and_winners() {
    let d = demo();
    // The province's results are recomputed from every team's minutes
    // carried inside the commune's bundle (A02).
    let db = d.join("tinh-T38.sqlite");
    let r = json(&db, &["results", "--json"]);
    let c = &r["constituencies"];
    for id in ["QH-01", "TINH-07", "XA-03", "XA-04"] {
        assert_eq!(c[id]["complete"], true, "{id}: {}", c[id]);
        assert_eq!(c[id]["turnout_ok"], true);
        assert_eq!(c[id]["revote_due"], false);
    }
    assert_eq!(c["QH-01"]["areas_expected"], 6);
    assert_eq!(c["XA-03"]["areas_expected"], 3);
    assert_eq!(c["XA-03"]["elected"].as_array().map(Vec::len), Some(5));
    // XA-04: three of five seats filled: below two thirds → additional vote (Art. 79).
    assert_eq!(c["XA-04"]["elected"].as_array().map(Vec::len), Some(3));
    assert_eq!(c["XA-04"]["additional_vote_due"], true);
    // Every elected candidate has more than half of the valid ballots (Art. 78).
    for (_, x) in c.as_object().into_iter().flatten() {
        let valid = x["ballots_valid"].as_u64().unwrap_or(0);
        for id in x["elected"].as_array().into_iter().flatten() {
            let v = x["votes"][id.as_str().unwrap_or("")].as_u64().unwrap_or(0);
            assert!(v * 2 > valid, "{id}: {v} of {valid}");
        }
        // Sums equal the teams' own summaries (A02).
    }
    let mut listed = 0;
    for k in 1..=6 {
        let t = json(&d.join(format!("to-X0412-KV0{k}.sqlite")), &["count", "summary", "--level", "QH", "--json"]);
        listed += t["voters_listed"].as_u64().unwrap_or(0);
    }
    assert_eq!(c["QH-01"]["voters_listed"].as_u64(), Some(listed));
    // The commune sees the same.
    let rx = json(&d.join("xa-X0412.sqlite"), &["results", "--json"]);
    assert_eq!(rx["constituencies"]["QH-01"]["votes"], c["QH-01"]["votes"]);
    // Board documents were printed.
    let text = crate::forms::pdf_text(&d.join("xa-bien-ban-xac-dinh-ket-qua.pdf"));
    assert!(text.contains("BIÊN BẢN XÁC ĐỊNH KẾT QUẢ BẦU CỬ") && text.contains("Mẫu số 19/HĐBC-QH") && text.contains("Mẫu số 24/HĐBC-HĐND"), "{text}");
    // XA-04 fills 3 of 5 seats: the truth and footnote 7 of Mẫu 24/HĐBC-HĐND.
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("nay đã bầu được 3 đại biểu, còn thiếu 2 đại biểu.") && flat.contains("quyết định việc bầu cử thêm tại đơn vị bầu cử"), "{flat}");
}

#[test]
fn verify_lists_named_checks_and_the_printed_minutes_carry_the_bundle_qr() {
    let d = demo();
    let db = d.join("xa-X0412.sqlite");
    let v = json(&db, &["verify", &team_bundle("X0412-KV01").display().to_string(), "--json"]);
    assert_eq!(v["ok"], true, "{v}");
    let names: Vec<&str> = v["checks"].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str()).collect();
    for n in ["format", "member_hashes", "signature", "key_registered", "election", "definition", "mode", "sequence", "audit_chain"] {
        assert!(names.contains(&n), "{n} missing in {names:?}");
    }
    // The QR code on the paper minutes names the bundle file's manifest hash.
    let sha = v["bundle"]["sha256"].as_str().unwrap_or("").to_owned();
    // (It closes each level's minutes: the last page of the first level.)
    let qr_dir = tempfile::tempdir().unwrap();
    let png = qr_dir.path().join("p");
    let st = Command::new("pdftoppm").args(["-r", "150", "-png", "-f", "1", "-l", "4"]).arg(d.join("bien-ban-X0412-KV01-co-ma-goi.pdf")).arg(&png).status();
    assert!(st.is_ok_and(|s| s.success()));
    let mut pages: Vec<_> = std::fs::read_dir(qr_dir.path()).into_iter().flatten().flatten().map(|e| e.path()).collect();
    pages.sort();
    let decoded: Vec<String> = pages
        .iter()
        .map(|p| Command::new("zbarimg").args(["-q", "--raw"]).arg(p).output().unwrap_or_else(|e| panic!("zbarimg (apt zbar-tools): {e}")))
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(decoded.first().map(String::as_str), Some(format!("TOBAUCU-BUNDLE:X0412-KV01:1:{sha}").as_str()), "{decoded:?}");
    // The province re-verifies every team signature inside the commune's bundle.
    let p = json(&d.join("tinh-T38.sqlite"), &["verify", &d.join("usb-xa").join("X0412-goi001.tbc").display().to_string(), "--json"]);
    assert_eq!(check(&p, "inner_bundles")["ok"], true, "{p}");
    assert!(check(&p, "inner_bundles")["detail"].as_str().unwrap_or("").contains("6 gói"));
}

#[test]
fn tampered_bundles_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = commune(&dir);
    let good = std::fs::read(team_bundle("X0412-KV02")).unwrap_or_default();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "flip-member",
            {
                let mut b = good.clone();
                let i = b.len() - 500;
                b[i] ^= 1;
                b
            },
            "member_hashes",
        ),
        (
            "flip-manifest",
            {
                let mut b = good.clone();
                b[60] ^= 4;
                b
            },
            "format",
        ),
        ("truncated", good[..good.len() - 10].to_vec(), "format"),
        ("not-a-bundle", b"PK\x03\x04 zip".to_vec(), "format"),
    ];
    for (name, bytes, failing) in cases {
        let p = dir.path().join(format!("{name}.tbc"));
        std::fs::write(&p, &bytes).unwrap();
        let v = run(&db, &["verify", &p.display().to_string(), "--json"], None);
        assert_eq!(v.code, 1, "{name}: {}", v.stdout);
        let j: Value = serde_json::from_str(&v.stdout).unwrap_or_default();
        assert_eq!(j["ok"], false);
        assert!(j["checks"].as_array().into_iter().flatten().any(|c| c["ok"] == false && (c["name"] == failing || failing == "format")), "{name}: {j}");
        let o = run(&db, &["import", &p.display().to_string()], None);
        assert_eq!(o.code, 1, "{name}: {}{}", o.stdout, o.stderr);
        assert!(o.stdout.contains("bị từ chối"), "{}", o.stdout);
    }
    let r = json(&db, &["results", "--json"]);
    assert_eq!(r["constituencies"]["QH-01"]["areas_reported"], 0, "nothing imported");
    // The good one imports; the same again is a no-op that says so.
    let p = copy(&dir, &team_bundle("X0412-KV02"), "kv02.tbc");
    assert!(ok(&db, &["import", &p.display().to_string()]).contains("đã nhập gói số 1"));
    assert!(ok(&db, &["import", &p.display().to_string()]).contains("không có gì thay đổi"));
    let r = json(&db, &["results", "--json"]);
    assert_eq!(r["constituencies"]["QH-01"]["areas_reported"], 1);
    assert_eq!(r["constituencies"]["QH-01"]["complete"], false);
    assert_eq!(r["constituencies"]["QH-01"]["elected"], serde_json::json!([]));
}

#[test]
fn newer_sequence_replaces_older_rollback_and_foreign_bundles_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = commune(&dir);
    // A copy of team 3's database exports bundle number 2.
    let team = copy(&dir, &demo().join("to-X0412-KV03.sqlite"), "to3.sqlite");
    let usb = dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let wrong = run(&team, &["export", "--out", &usb.display().to_string()], Some("sai-mat-khau"));
    assert_eq!(wrong.code, 1, "{}", wrong.stderr);
    assert!(wrong.stderr.contains("cụm mật khẩu không đúng"));
    let none = run(&team, &["export", "--out", &usb.display().to_string()], None);
    assert_eq!(none.code, 1);
    assert!(none.stderr.contains("TOBAUCU_PASSPHRASE"));
    let b2 = ok(&team, &["export", "--out", &usb.display().to_string()]);
    let b2 = b2.lines().last().unwrap_or("").to_owned();
    assert!(b2.ends_with("X0412-KV03-goi002.tbc"), "{b2}");
    let b1 = team_bundle("X0412-KV03").display().to_string();
    assert!(ok(&db, &["import", &b1]).contains("gói số 1"));
    assert!(ok(&db, &["import", &b2]).contains("thay cho gói số 1"));
    // Rollback: bundle 1 after bundle 2.
    let o = run(&db, &["import", &b1], None);
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("không quay lui"), "{}", o.stdout);
    // Another election (its own definition): refused on election and definition.
    let def = std::fs::read_to_string(demo().join("election.json")).unwrap_or_default().replace("\"BC2026\"", "\"BC2026B\"");
    let other_def = dir.path().join("other.json");
    std::fs::write(&other_def, def.replace("\"official\"", "\"test\"")).unwrap();
    let other = dir.path().join("other.sqlite");
    ok(&other, &["setup", &other_def.display().to_string(), "--area", "X0412-KV04"]);
    ok(&other, &["keys", "init"]);
    let ob = ok(&other, &["export", "--out", &usb.display().to_string()]);
    let ob = ob.lines().last().unwrap_or("").to_owned();
    assert!(ob.contains("thu-nghiem"), "test mode marked: {ob}");
    let v = run(&db, &["verify", &ob, "--json"], None);
    let j: Value = serde_json::from_str(&v.stdout).unwrap_or_default();
    // (The mode check passes: a rehearsal board and a test election both
    // carry the mode "test"; the election and its definition still differ.)
    for n in ["election", "definition", "key_registered"] {
        assert_eq!(check(&j, n)["ok"], false, "{n}: {j}");
    }
    // A team database is not a board.
    let o = run(&team, &["import", &b1], None);
    assert_eq!(o.code, 1);
}

#[test]
fn an_unregistered_key_needs_the_fingerprint_from_the_paper() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xa.sqlite");
    ok(&db, &["setup", &demo().join("election.json").display().to_string(), "--commune", "X0412", "--rehearsal"]);
    let b = team_bundle("X0412-KV05").display().to_string();
    let o = run(&db, &["import", &b], None);
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("chưa đăng ký khóa"), "{}", o.stdout);
    let fp = json(&demo().join("to-X0412-KV05.sqlite"), &["keys", "show", "--json"]);
    assert!(fp["public_key"].as_str().is_some_and(|k| k.len() == 64));
    let fp = fp["fingerprint"].as_str().unwrap_or("").to_owned();
    let wrong = run(&db, &["import", &b, "--accept-fingerprint", "0000 0000 0000 0000 0000"], None);
    assert_eq!(wrong.code, 1);
    assert!(wrong.stdout.contains("khác dấu vân tay"), "{}", wrong.stdout);
    assert!(ok(&db, &["import", &b, "--accept-fingerprint", &fp.to_lowercase()]).contains("đã nhập"));
    let audit = ok(&db, &["audit"]);
    assert!(audit.contains("key.accept_unregistered"), "{audit}");
    // Registering by fingerprint only is matched on the next bundle.
    ok(&db, &["keys", "register", &json(&demo().join("to-X0412-KV06.sqlite"), &["keys", "show", "--json"])["fingerprint"].as_str().unwrap_or("").replace(' ', "-"), "--unit", "X0412-KV06"]);
    assert!(ok(&db, &["import", &team_bundle("X0412-KV06").display().to_string()]).contains("đã nhập"));
    let wrong_unit = run(&db, &["keys", "register", "AAAA BBBB CCCC DDDD EEEE", "--unit", "X9999"], None);
    assert_eq!(wrong_unit.code, 1);
}

#[test]
fn keys_passphrase_guards_and_export_refused_before_finalize() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("to.sqlite");
    ok(&db, &["setup", &demo().join("election.json").display().to_string(), "--area", "X0412-KV01"]);
    let o = run(&db, &["keys", "init"], None);
    assert_eq!(o.code, 1, "no passphrase, no terminal: refused");
    let short = run(&db, &["keys", "init"], Some("ngan"));
    assert_eq!(short.code, 1);
    // Issue 11 §8: the election's and the app's words are what a guesser
    // tries first; the old demo passphrase is refused, saying why.
    for weak in ["to-bau-cu-mau-2026", "ThieuNgoc2026!", "x0412-kv01-bau-cu"] {
        let o = run(&db, &["keys", "init"], Some(weak));
        assert_eq!(o.code, 1, "{weak}: {}", o.stderr);
        assert!(o.stderr.contains("quá dễ đoán") && o.stderr.contains("bốn, năm từ ngẫu nhiên không liên quan đến bầu cử"), "{weak}: {}", o.stderr);
    }
    let o = run(&db, &["keys", "init"], Some("hai-con-meo"));
    assert!(o.stderr.contains("quá ngắn (11 ký tự, cần ít nhất 12)"), "{}", o.stderr);
    let k = json(&db, &["keys", "init", "--json"]);
    assert!(k["fingerprint"].as_str().is_some_and(|f| f.len() == 24));
    assert!(crate::util::host_path(k["registration_file"].as_str().unwrap_or("")).is_file());
    assert_eq!(run(&db, &["keys", "init"], Some(PASS)).code, 1, "one key per unit");
    let usb = dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let o = run(&db, &["export", "--out", &usb.display().to_string()], Some(PASS));
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("chưa khóa"), "{}", o.stderr);
    assert_eq!(std::fs::read_dir(&usb).map(|d| d.count()).unwrap_or(99), 0, "nothing written");
    let sheet = dir.path().join("dk.pdf");
    ok(&db, &["forms", "key-registration", "--out", &sheet.display().to_string()]);
    let text = crate::forms::pdf_text(&sheet);
    assert!(text.contains(k["fingerprint"].as_str().unwrap_or("?")), "{text}");
}
