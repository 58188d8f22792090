//! Rehearsal mode through the real binary (issue 16 §1; `interfaces.md`,
//! "Rehearsal and continuity"): `setup … --rehearsal`, the DIỄN TẬP line on
//! every printed page, `official` (one switch guarded by the passphrase that
//! clears what the rehearsal counted and keeps the voters, the team and the
//! key), and bundles of one mode refused by a board of the other.

use std::path::Path;

use serde_json::Value;

use crate::bundle::{demo, PASS};
use crate::util::{fixture, run_on, Out};

const MARK: &str = "DIỄN TẬP — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ";

fn run(db: &Path, args: &[&str]) -> Out {
    run_on(db, args, &[("TOBAUCU_PASSPHRASE", Some(PASS)), ("TOBAUCU_NOW", None)])
}

fn ok(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    assert_eq!(o.code, 0, "tobaucu {args:?}:\n{}\n{}", o.stdout, o.stderr);
    o.stdout
}

fn json(db: &Path, args: &[&str]) -> Value {
    let s = ok(db, args);
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {s}"))
}

fn election() -> String {
    fixture("../../assets/demo-election.json")
}

/// Each page of a printed form, as text (pdftotext separates pages by a
/// form feed).
fn pages(db: &Path, dir: &Path, form: &str) -> Vec<String> {
    let out = dir.join(format!("{form}.pdf"));
    ok(db, &["forms", form, "--out", &out.display().to_string()]);
    let text = crate::forms::pdf_text(&out);
    text.split('\u{c}').filter(|p| !p.trim().is_empty()).map(str::to_owned).collect()
}

fn check<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["checks"].as_array().and_then(|a| a.iter().find(|c| c["name"] == name)).unwrap_or_else(|| panic!("no check {name} in {v}"))
}

fn voted(db: &Path) -> Vec<u64> {
    let t = json(db, &["turnout", "--json"]);
    t["levels"].as_object().into_iter().flatten().map(|(_, l)| l["voters_voted"].as_u64().unwrap_or(u64::MAX)).collect()
}

#[test]
fn setup_rehearsal_marks_every_printed_page_and_an_official_setup_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let rehearsal = dir.path().join("dien-tap.sqlite");
    let out = ok(&rehearsal, &["setup", &election(), "--area", "X0412-KV01", "--rehearsal"]);
    assert!(out.contains("Chế độ DIỄN TẬP") && out.contains("tobaucu official"), "{out}");
    ok(&rehearsal, &["voters", "import", &fixture("mau31.xlsx")]);
    let official = dir.path().join("chinh-thuc.sqlite");
    let out = ok(&official, &["setup", &election(), "--area", "X0412-KV01"]);
    assert!(!out.contains("DIỄN TẬP"), "{out}");
    ok(&official, &["voters", "import", &fixture("mau31.xlsx")]);

    // Every page of the forms, and every voter card, carries the line.
    for form in ["voter-list", "voter-cards", "turnout"] {
        let p = pages(&rehearsal, dir.path(), form);
        assert!(!p.is_empty(), "{form}: no pages");
        for (i, page) in p.iter().enumerate() {
            assert!(page.matches(MARK).count() >= 2, "{form}, page {}: the rehearsal line top and bottom:\n{page}", i + 1);
        }
        let plain = pages(&official, dir.path(), form);
        assert!(plain.iter().all(|p| !p.contains("DIỄN TẬP")), "{form}: official pages carry no rehearsal line");
    }

    // An official database has nothing to switch.
    let o = run(&official, &["official"]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(o.stderr.contains("chính thức từ đầu"), "{}", o.stderr);
    // The mode is chosen at setup only: a second setup is refused.
    assert_eq!(run(&official, &["setup", &election(), "--area", "X0412-KV01", "--rehearsal"]).code, 1);
}

#[test]
fn the_demo_is_a_rehearsal_and_an_official_board_refuses_its_bundles() {
    let dir = tempfile::tempdir().unwrap();
    let def = demo().join("election.json").display().to_string();
    let bundle = demo().join("usb-to").join("X0412-KV02-goi001.tbc").display().to_string();
    let key = demo().join("khoa").join("khoa-X0412-KV02.json").display().to_string();
    let official = dir.path().join("xa-chinh-thuc.sqlite");
    ok(&official, &["setup", &def, "--commune", "X0412"]);
    ok(&official, &["keys", "register", &key, "--unit", "X0412-KV02"]);
    let v: Value = serde_json::from_str(&run(&official, &["verify", &bundle, "--json"]).stdout).unwrap_or_default();
    assert_eq!(check(&v, "mode")["ok"], false, "{v}");
    assert_eq!(check(&v, "signature")["ok"], true, "{v}");
    let o = run(&official, &["import", &bundle]);
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("diễn tập") && o.stdout.contains("(mode)"), "{}", o.stdout);
    assert_eq!(json(&official, &["results", "--json"])["constituencies"]["QH-01"]["areas_reported"], 0);

    let rehearsal = dir.path().join("xa-dien-tap.sqlite");
    ok(&rehearsal, &["setup", &def, "--commune", "X0412", "--rehearsal"]);
    ok(&rehearsal, &["keys", "register", &key, "--unit", "X0412-KV02"]);
    assert!(ok(&rehearsal, &["import", &bundle]).contains("đã nhập"));

    // The demo's own printed pages say so, each of them.
    let text = crate::forms::pdf_text(&demo().join("xa-bien-ban-xac-dinh-ket-qua.pdf"));
    assert!(text.contains(MARK), "{text}");
    let team = dir.path().join("to.sqlite");
    std::fs::copy(demo().join("to-X0412-KV01.sqlite"), &team).unwrap();
    let list = pages(&team, dir.path(), "voter-list");
    assert!(list.len() > 2, "the demo list spans several pages: {}", list.len());
    for (i, page) in list.iter().enumerate() {
        assert!(page.matches(MARK).count() >= 2, "voter-list, page {}:\n{page}", i + 1);
    }
}

/// A rehearsal team counts, exports, switches to official, then counts and
/// exports officially: only the official bundle enters the official board,
/// and the rehearsal board refuses it.
#[test]
fn switching_to_official_clears_the_counts_and_keeps_voters_team_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("to.sqlite");
    let usb = dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    ok(&db, &["setup", &election(), "--area", "X0412-KV01", "--rehearsal"]);
    ok(&db, &["voters", "import", &fixture("mau31.xlsx")]);
    ok(&db, &["keys", "init"]);
    ok(&db, &["team", "--leader", "Nguyễn Văn Tổ", "--secretary", "Lê Thị Ký", "--member", "Trần Văn Một", "--witness", "Hoàng Văn Chứng", "--witness", "Đỗ Thị Kiến"]);
    let voters = json(&db, &["voters", "list", "--json"]);
    let all: Vec<u64> = voters.as_array().into_iter().flatten().filter(|v| v["levels"].as_array().map(Vec::len) == Some(3)).filter_map(|v| v["stt"].as_u64()).collect();
    assert!(all.len() >= 6, "{voters}");
    let key = json(&db, &["keys", "show", "--json"]);
    let ballots = dir.path().join("phieu.txt");
    std::fs::write(&ballots, "1 2\n1 3\n2\n").unwrap();

    // The rehearsal: three voters, a count, a snapshot, a rehearsal bundle.
    for stt in &all[..3] {
        ok(&db, &["checkin", &stt.to_string()]);
    }
    ok(&db, &["turnout", "snapshot", "diễn tập"]);
    ok(&db, &["count", "inventory", "--level", "QH", "--received", "10", "--unused", "7", "--spoiled", "0"]);
    ok(&db, &["count", "ballots", "--level", "QH", &ballots.display().to_string()]);
    // (Its own stick: the official bundle later takes the same file name.)
    let usb_rehearsal = dir.path().join("usb-dien-tap");
    std::fs::create_dir_all(&usb_rehearsal).unwrap();
    let rehearsal_bundle = ok(&db, &["export", "--out", &usb_rehearsal.display().to_string()]).lines().last().unwrap_or("").to_owned();
    assert_eq!(voted(&db), vec![3, 3, 3]);

    // The switch needs the passphrase and is logged.
    let wrong = run_on(&db, &["official"], &[("TOBAUCU_PASSPHRASE", Some("sai-mat-khau-hoan-toan")), ("TOBAUCU_NOW", None)]);
    assert_eq!(wrong.code, 1, "{}", wrong.stdout);
    assert_eq!(voted(&db), vec![3, 3, 3], "a wrong passphrase switches nothing");
    let sw = json(&db, &["official", "--json"]);
    let removed = |t: &str| sw["removed"].as_array().and_then(|a| a.iter().find(|r| r["table"] == t)).map(|r| r["rows"].as_u64().unwrap_or(0));
    assert_eq!(removed("checkin"), Some(9), "{sw}");
    assert_eq!(removed("ballot"), Some(3), "{sw}");
    assert_eq!(removed("bundle_export"), Some(1), "{sw}");
    assert!(removed("voter").is_none() && removed("signing_key").is_none(), "{sw}");
    let record = crate::util::host_path(sw["record"]["path"].as_str().unwrap_or_default());
    assert!(record.is_file(), "the switch prints its record: {sw}");
    let record_text = crate::forms::pdf_text(&record);
    assert!(!record_text.contains(MARK), "the record is official: {record_text}");

    // Kept: voters, team, key; cleared: every count.
    assert_eq!(json(&db, &["voters", "list", "--json"]), {
        let mut v = voters.clone();
        for x in v.as_array_mut().into_iter().flatten() {
            x["checked_in"] = serde_json::json!({});
        }
        v
    });
    assert_eq!(json(&db, &["keys", "show", "--json"]), key);
    assert_eq!(voted(&db), vec![0, 0, 0]);
    assert_eq!(json(&db, &["turnout", "snapshots", "--json"]), serde_json::json!([]));
    let s = json(&db, &["count", "summary", "--level", "QH", "--json"]);
    assert_eq!((s["ballots_received"].as_u64(), s["ballots_valid"].as_u64()), (Some(0), Some(0)), "{s}");
    assert!(ok(&db, &["audit"]).contains("official"));
    let again = run(&db, &["official"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("đã chuyển sang chính thức"), "{}", again.stderr);
    // Printed pages no longer carry the rehearsal line.
    assert!(pages(&db, dir.path(), "turnout").iter().all(|p| !p.contains("DIỄN TẬP")));

    // Election day, officially, with the team and key kept (the two voters
    // who witness the counting are the night's own: named again).
    ok(&db, &["team", "--witness", "Phan Văn Chứng", "--witness", "Vũ Thị Kiến"]);
    for stt in &all[..3] {
        ok(&db, &["checkin", &stt.to_string()]);
    }
    for level in ["QH", "TINH", "XA"] {
        ok(&db, &["count", "inventory", "--level", level, "--received", "10", "--unused", "7", "--spoiled", "0"]);
        ok(&db, &["count", "ballots", "--level", level, &ballots.display().to_string()]);
        let s = json(&db, &["count", "summary", "--level", level, "--json"]);
        for c in s["checks"].as_array().into_iter().flatten() {
            assert_eq!(c["severity"], "warning", "{level}: {c}");
            ok(&db, &["count", "accept", "--level", level, "--code", c["code"].as_str().unwrap_or(""), "--reason", "Số liệu đúng"]);
        }
        ok(&db, &["finalize", "--level", level]);
    }
    let official_bundle = ok(&db, &["export", "--out", &usb.display().to_string()]).lines().last().unwrap_or("").to_owned();

    // An official board takes the official bundle and refuses the rehearsal's.
    let def = election();
    let fp = key["fingerprint"].as_str().unwrap_or("").to_owned();
    let board = dir.path().join("xa.sqlite");
    ok(&board, &["setup", &def, "--commune", "X0412"]);
    ok(&board, &["keys", "register", &fp, "--unit", "X0412-KV01"]);
    let o = run(&board, &["import", &rehearsal_bundle]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(o.stdout.contains("(mode)"), "{}", o.stdout);
    assert!(ok(&board, &["import", &official_bundle]).contains("đã nhập"));
    assert_eq!(json(&board, &["results", "--json"])["constituencies"]["QH-01"]["areas_reported"], 1);
    // A rehearsal board refuses the official bundle.
    let rboard = dir.path().join("xa-dien-tap.sqlite");
    ok(&rboard, &["setup", &def, "--commune", "X0412", "--rehearsal"]);
    ok(&rboard, &["keys", "register", &fp, "--unit", "X0412-KV01"]);
    let o = run(&rboard, &["import", &official_bundle]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(o.stdout.contains("chế độ chính thức, cơ sở dữ liệu ở chế độ thử nghiệm hoặc diễn tập"), "{}", o.stdout);
}

/// Election day at an official team (issue 16 §4, §5): no check-in before
/// a backup folder is chosen; each backup's check-in list names the last
/// check-in it holds; after a power cut the backup is restored on a spare
/// data file and the numbers ticked on paper are entered at once, all or
/// nothing, with the outage window logged.
#[test]
fn election_day_backups_then_a_power_cut_restored_and_entered_in_bulk() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("to.sqlite");
    let usb = dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let at = |t: &str| format!("2026-03-15T{t}:00+07:00");
    let run_at = |db: &Path, t: &str, args: &[&str]| run_on(db, args, &[("TOBAUCU_PASSPHRASE", Some(PASS)), ("TOBAUCU_NOW", Some(&at(t)))]);
    let ok_at = |db: &Path, t: &str, args: &[&str]| {
        let o = run_at(db, t, args);
        assert_eq!(o.code, 0, "tobaucu {args:?}:\n{}\n{}", o.stdout, o.stderr);
        o.stdout
    };
    ok(&db, &["setup", &election(), "--area", "X0412-KV01"]);
    ok(&db, &["voters", "import", &fixture("mau31.xlsx")]);
    // No backup folder yet: the CLI marks the voter and warns.
    let o = run_at(&db, "07:05", &["checkin", "1"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("phải chọn nơi sao lưu"), "{}", o.stderr);
    ok_at(&db, "07:06", &["backup", "settings", "--dir", &usb.display().to_string()]);
    ok_at(&db, "07:40", &["checkin", "2"]);
    ok_at(&db, "07:45", &["backup", "now"]);
    let list = std::fs::read_dir(&usb).into_iter().flatten().flatten().map(|e| e.path()).find(|p| p.display().to_string().ends_with("-danh-sach-nhan-phieu.pdf"));
    let list = list.unwrap_or_else(|| panic!("no check-in list beside the backup"));
    let text = crate::forms::pdf_text(&list).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Lượt nhận phiếu cuối cùng trong bản sao lưu này: cử tri số 2 lúc 07:40:00 — đã có 2 cử tri nhận phiếu."), "{text}");

    // 10:00, the power goes; voters 3, 4 and 5 are ticked on the paper list.
    let spare = dir.path().join("may-du-phong.sqlite");
    ok_at(&spare, "10:20", &["backup", "restore", &usb.display().to_string()]);
    let numbers = dir.path().join("giay.txt");
    std::fs::write(&numbers, "3, 4\n2 5\n").unwrap();
    let o = run_at(&spare, "10:20", &["checkin", "--bulk", &numbers.display().to_string(), "--from", "10:00", "--to", "10:15"]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(o.stderr.contains("số 2") && o.stderr.contains("tất cả hoặc không"), "voter 2 is already in the backup: {}", o.stderr);
    std::fs::write(&numbers, "3, 4\n5\n").unwrap();
    ok_at(&spare, "10:20", &["checkin", "--bulk", &numbers.display().to_string(), "--from", "10:00", "--to", "10:15"]);
    let voters = json(&spare, &["voters", "list", "--json"]);
    let checked: Vec<u64> = voters.as_array().into_iter().flatten().filter(|v| v["checked_in"].as_object().is_some_and(|m| !m.is_empty())).filter_map(|v| v["stt"].as_u64()).collect();
    assert_eq!(checked, vec![1, 2, 3, 4, 5]);
    assert_eq!(voters[2]["checked_in"]["QH"], "2026-03-15T10:15:00+07:00", "stamped with the end of the outage");
    assert_eq!(voted(&spare), vec![5, 5, 5]);
    let audit = ok(&spare, &["audit"]);
    assert!(audit.contains("checkin.bulk") && audit.contains("10:00–10:15") && audit.contains("backup.restore"), "{audit}");
}

/// `voters check [--json]` (issue 16 §3): exit 0 even when it finds
/// problems; another area's list is compared with the one held here.
#[test]
fn voters_check_names_each_problem_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("to.sqlite");
    ok(&db, &["setup", &election(), "--area", "X0412-KV01", "--rehearsal"]);
    ok(&db, &["voters", "import", &fixture("mau31.xlsx")]);
    let clean = json(&db, &["voters", "check", "--json"]);
    assert_eq!((clean["ok"].as_bool(), clean["problems"].as_array().map(Vec::len)), (Some(true), Some(0)), "{clean}");
    let first = &json(&db, &["voters", "list", "--json"])[0];
    let other = dir.path().join("kv02.csv");
    std::fs::write(
        &other,
        format!(
            "stt,ho_ten,ngay_sinh,gioi_tinh,dan_toc,can_cuoc,noi_cu_tru,levels,ghi_chu\n1,{},{},{},Kinh,{},Thôn 2,QH TINH XA,\n2,Lê Văn Không,1980-01-01,Nam,Kinh,,Thôn 2,QH TINH XA,\n",
            first["name"].as_str().unwrap_or(""),
            first["birth_date"].as_str().unwrap_or(""),
            first["gender"].as_str().unwrap_or(""),
            first["id_number"].as_str().unwrap_or("")
        ),
    )
    .unwrap();
    let o = run(&db, &["voters", "check", &other.display().to_string(), "--json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: Value = serde_json::from_str(&o.stdout).unwrap_or_default();
    assert_eq!(v["ok"], false);
    assert_eq!(v["counts"], serde_json::json!({"missing_id": 1, "two_areas": 1}), "{v}");
    let kinds: Vec<(&str, u64)> = v["problems"].as_array().into_iter().flatten().map(|p| (p["kind"].as_str().unwrap_or(""), p["stt"].as_u64().unwrap_or(0))).collect();
    assert!(kinds.contains(&("two_areas", 1)) && kinds.contains(&("missing_id", 2)), "{v}");
}

/// `forms zero-report --out FILE.pdf` (issue 16 §3): ĐẠT while nothing is
/// counted, with the candidates in ballot order; KHÔNG ĐẠT after a
/// rehearsal check-in, until the switch to official.
#[test]
fn the_zero_report_passes_only_while_every_count_is_zero() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("to.sqlite");
    ok(&db, &["setup", &election(), "--area", "X0412-KV01", "--rehearsal"]);
    ok(&db, &["voters", "import", &fixture("mau31.xlsx")]);
    ok(&db, &["keys", "init"]);
    let flat = |p: &[String]| p.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
    let zero = flat(&pages(&db, dir.path(), "zero-report"));
    assert!(zero.contains("BÁO CÁO SỐ KHÔNG TRƯỚC KHI MỞ HÒM PHIẾU") && zero.contains("Kết luận: ĐẠT: mọi số liệu bằng 0"), "{zero}");
    assert!(zero.contains(MARK), "a rehearsal's report says so: {zero}");
    // QH-01's candidates in the definition's (the printed ballot's) order.
    let at: Vec<usize> = ["Đào Thanh Hà", "Ngô Đình Hùng", "Lê Đình Long", "Trịnh Hồng Trang", "Dương Quang Tuấn"].iter().map(|n| zero.find(n).unwrap_or(usize::MAX)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1] && w[1] != usize::MAX), "{at:?}: {zero}");
    let fp = json(&db, &["keys", "show", "--json"])["fingerprint"].as_str().unwrap_or("").to_owned();
    assert!(zero.contains(&fp), "the key's fingerprint {fp}: {zero}");
    ok(&db, &["checkin", "1"]);
    let not = flat(&pages(&db, dir.path(), "zero-report"));
    assert!(not.contains("KHÔNG ĐẠT") && not.contains("tobaucu official"), "{not}");
    ok(&db, &["official"]);
    let after = flat(&pages(&db, dir.path(), "zero-report"));
    assert!(after.contains("Kết luận: ĐẠT") && !after.contains("DIỄN TẬP"), "{after}");
}
