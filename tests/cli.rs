//! The `tobaucu` command line on real files (`interfaces.md` §1–3): exit
//! codes, JSON shapes, all-or-nothing imports of spreadsheets made with
//! LibreOffice Calc (tests/fixtures/make_spreadsheets.py).

use serde_json::Value;

use crate::util::{fixture, Cli};

/// Issue 17 §4: `tobaucu --version` names the release, the source commit
/// (the checkout's HEAD, read from the git directory) and the build date.
#[test]
fn version_names_the_release_the_commit_and_the_build_date() {
    let o = Cli::new().run(&["--version"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let line = o.stdout.trim();
    let rest = line.strip_prefix(&format!("tobaucu {} (commit ", env!("CARGO_PKG_VERSION"))).unwrap_or_else(|| panic!("{line}"));
    let (commit, date) = rest.split_once(", ngày build ").unwrap_or_else(|| panic!("{line}"));
    let date = date.strip_suffix(')').unwrap_or_else(|| panic!("{line}"));
    assert!(commit == "không rõ" || (commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit())), "{line}");
    assert!(date.len() == 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-', "{line}");
    let head = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.git/HEAD")).unwrap_or_default();
    if let Some(r) = head.trim().strip_prefix("ref: ") {
        if let Ok(h) = std::fs::read_to_string(format!("{}/.git/{r}", env!("CARGO_MANIFEST_DIR"))) {
            assert_eq!(commit, h.trim(), "the commit of the checkout it was built from");
        }
    }
}

#[test]
fn setup_then_second_setup_is_refused() {
    let cli = Cli::team();
    let out = cli.run(&["setup", &fixture("../../assets/demo-election.json"), "--area", "X0412-KV01"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("đã được thiết lập"), "{}", out.stderr);
}

#[test]
fn setup_with_a_bad_definition_lists_every_problem() {
    let cli = Cli::new();
    let bad = cli.write(
        "bad.json",
        r#"{"format": "tobaucu-election/1", "election": {"id": "X", "name": "Y", "date": "2026-13-01", "mode": "thật"},
        "levels": [], "units": [], "constituencies": [], "areas": [], "extra": 1}"#,
    );
    let out = cli.run(&["setup", &bad, "--area", "A"]);
    assert_eq!(out.code, 1);
    for path in ["$.election.date", "$.election.mode", "$.levels", "$.extra"] {
        assert!(out.stderr.contains(path), "missing {path} in {}", out.stderr);
    }
    // Nothing was set up: a correct setup afterwards works.
    cli.ok(&["setup", &fixture("../../assets/demo-election.json"), "--area", "X0412-KV01"]);
}

#[test]
fn usage_errors_exit_2() {
    let cli = Cli::new();
    assert_eq!(cli.run(&["frobnicate"]).code, 2);
    assert_eq!(cli.run(&["checkin"]).code, 2);
    assert_eq!(cli.run(&["checkin", "abc"]).code, 2);
    // Usage errors the argument parser cannot see are exit 2 as well.
    cli.ok(&["setup", "--demo"]);
    assert_eq!(cli.run(&["count", "tally", "--level", "QH", "--entry", "1", "--received", "1", "--valid", "1", "--invalid", "0", "--votes", "x"]).code, 2);
    assert_eq!(cli.run(&["voters", "import", "x.csv", "--level-column", "K"]).code, 2);
}

#[test]
fn commands_before_setup_are_refused() {
    let cli = Cli::new();
    let out = cli.run(&["voters", "list"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("chưa được thiết lập"));
}

#[test]
fn import_every_spreadsheet_format() {
    for (file, n) in [("mau31.xlsx", 40), ("mau31.ods", 40), ("mau31.xls", 40), ("mau31-ugly.xlsx", 60), ("mau31-ugly.ods", 60)] {
        let cli = Cli::team();
        let out = cli.ok(&["voters", "import", &fixture(file), "--json"]);
        let v: Value = serde_json::from_str(&out).unwrap_or_default();
        assert_eq!(v["imported"], n, "{file}: {out}");
        let list = cli.json(&["voters", "list", "--json"]);
        assert_eq!(list.as_array().map(Vec::len), Some(n), "{file}");
    }
}

#[test]
fn same_list_in_three_formats_gives_the_same_voters() {
    let lists: Vec<Value> = ["mau31.xlsx", "mau31.ods", "mau31.xls"]
        .iter()
        .map(|f| {
            let cli = Cli::team();
            cli.ok(&["voters", "import", &fixture(f)]);
            cli.json(&["voters", "list", "--json"])
        })
        .collect();
    assert_eq!(lists[0], lists[1]);
    assert_eq!(lists[0], lists[2]);
}

#[test]
fn ugly_file_is_cleaned_on_the_way_in() {
    let cli = Cli::team();
    let out = cli.ok(&["voters", "import", &fixture("mau31-ugly.xlsx")]);
    assert!(out.contains("TCVN3"), "{out}");
    let list = cli.json(&["voters", "list", "--json"]);
    for v in list.as_array().into_iter().flatten() {
        let name = v["name"].as_str().unwrap_or("");
        assert_eq!(name, name.trim());
        assert!(!name.contains("  ") && !name.contains('\u{a0}'), "{name:?}");
        assert!(name.chars().all(|c| !"¨©ª«¬®µ¸¶·¹»¾ÇËÐÖ×Þßäåîïøö".contains(c)), "legacy text left: {name}");
        let id = v["id_number"].as_str().unwrap_or("");
        assert_eq!(id.len(), 12, "ID with lost leading zero not restored: {id}");
        assert!(v["birth_date"].as_str().is_some_and(|d| d.len() == 10));
    }
}

#[test]
fn bad_file_is_refused_whole_with_row_level_messages() {
    let cli = Cli::team();
    let before = cli.json(&["voters", "list", "--json"]);
    let out = cli.run(&["voters", "import", &fixture("mau31-bad.xlsx")]);
    assert_eq!(out.code, 1);
    for want in [
        "mau31-bad.xlsx, dòng 12, cột C (Ngày sinh): sinh ngày 01/01/2009 nên chưa đủ 18 tuổi",
        "mau31-bad.xlsx, dòng 13, cột A (STT): STT 2 bị trùng với dòng 12",
        "mau31-bad.xlsx, dòng 14, cột D (Giới tính)",
        "mau31-bad.xlsx, dòng 14, cột H (Số định danh/căn cước): số định danh 038060001234 bị trùng với dòng 11",
        "mau31-bad.xlsx, dòng 15, cột C (Ngày sinh): ngày sinh \"31/02/1975\" không hợp lệ",
        "mau31-bad.xlsx, dòng 15, cột K (Cấp bầu cử)",
    ] {
        assert!(out.stderr.contains(want), "missing {want:?} in\n{}", out.stderr);
    }
    assert_eq!(cli.json(&["voters", "list", "--json"]), before, "a refused import changed the list");
}

#[test]
fn bad_csv_files_are_refused_and_change_nothing() {
    let head = "stt,ho_ten,ngay_sinh,gioi_tinh,dan_toc,can_cuoc,noi_cu_tru,levels,ghi_chu\n";
    let cases: &[(&str, String, &str)] = &[
        ("no-header.csv", "1,Nguyễn Văn An,01/01/1970,Nam,Kinh,,x,QH,\n".into(), "không tìm thấy dòng tiêu đề"),
        ("bad-level.csv", format!("{head}1,Nguyễn Văn An,01/01/1970,Nam,Kinh,,x,QH HUYEN,\n"), "no-such: dòng 2, cột levels (Cấp bầu cử): cấp \"HUYEN\""),
        ("young.csv", format!("{head}1,Nguyễn Văn An,16/03/2008,Nam,Kinh,,x,QH,\n"), "dòng 2, cột ngay_sinh (Ngày sinh): sinh ngày 16/03/2008 nên chưa đủ 18 tuổi"),
        ("dup.csv", format!("{head}1,A,01/01/1970,Nam,Kinh,,x,QH,\n1,B,01/01/1970,Nữ,Kinh,,x,QH,\n"), "dòng 3, cột stt (STT): STT 1 bị trùng với dòng 2"),
        ("gender.csv", format!("{head}1,A,01/01/1970,Trai,Kinh,,x,QH,\n"), "dòng 2, cột gioi_tinh (Giới tính): giới tính \"Trai\""),
        ("extra-col.csv", "stt,ho_ten,ngay_sinh,gioi_tinh,que_quan\n1,A,01/01/1970,Nam,x\n".into(), "cột \"que_quan\" không có trong mẫu CSV"),
        ("empty.csv", head.to_owned(), "không có cử tri nào"),
        ("noname.csv", format!("{head}1,,01/01/1970,Nam,Kinh,,x,QH,\n"), "dòng 2, cột ho_ten (Họ và tên): thiếu họ và tên"),
        ("stt.csv", format!("{head}một,A,01/01/1970,Nam,Kinh,,x,QH,\n"), "dòng 2, cột stt (STT): STT \"một\" phải là số nguyên dương"),
        ("nolevels.csv", format!("{head}1,A,01/01/1970,Nam,Kinh,,x,,\n"), "dòng 2, cột levels (Cấp bầu cử): chưa ghi cấp bầu cử nào"),
    ];
    let cli = Cli::team();
    cli.ok(&["voters", "import", &fixture("mau31.xlsx")]);
    let before = cli.json(&["voters", "list", "--json"]);
    for (name, text, want) in cases {
        let path = cli.write(name, text);
        let out = cli.run(&["voters", "import", &path, "--replace"]);
        assert_eq!(out.code, 1, "{name}: {}", out.stderr);
        let want = want.trim_start_matches("no-such: ");
        assert!(out.stderr.contains(want), "{name}: missing {want:?} in\n{}", out.stderr);
        assert!(out.stderr.contains(name), "{name}: message does not name the file");
        assert_eq!(cli.json(&["voters", "list", "--json"]), before, "{name} changed the list");
    }
}

#[test]
fn csv_of_the_contract_and_json_shape_of_voters() {
    let cli = Cli::team();
    let csv = cli.write(
        "ds.csv",
        "stt,ho_ten,ngay_sinh,gioi_tinh,dan_toc,can_cuoc,noi_cu_tru,levels,ghi_chu\n1,  Nguyễn  Văn An ,05/07/1960,Nam,Kinh,038060001234,Thôn Chẩn Xuyên 1,QH TINH XA,\n2,Lê Thị Hoa,1985-02-11,Nữ,Kinh,,Thôn 2,QH TINH,Tạm trú\n",
    );
    cli.ok(&["voters", "import", &csv]);
    let list = cli.json(&["voters", "list", "--json"]);
    let v = &list[0];
    let keys: Vec<&str> = v.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
    // Every field of the contract (interfaces.md §1), plus the residence
    // columns of Mẫu 31/HĐBC (7a, 7b, 7c) as additional fields.
    let mut want =
        vec!["stt", "name", "birth_date", "gender", "ethnicity", "id_number", "residence", "levels", "note", "checked_in", "residence_permanent", "residence_temporary", "residence_current"];
    let mut got = keys.clone();
    want.sort_unstable();
    got.sort_unstable();
    assert_eq!(got, want);
    assert_eq!(v["name"], "Nguyễn Văn An");
    assert_eq!(v["birth_date"], "1960-07-05");
    assert_eq!(v["gender"], "Nam");
    assert_eq!(v["levels"], serde_json::json!(["QH", "TINH", "XA"]));
    assert_eq!(list[1]["levels"], serde_json::json!(["QH", "TINH"]));
    assert_eq!(list[1]["gender"], "Nữ");
}

#[test]
fn search_finds_by_name_without_diacritics_stt_and_id() {
    let cli = Cli::team();
    let csv = cli.write(
        "ds.csv",
        "stt,ho_ten,ngay_sinh,gioi_tinh,dan_toc,can_cuoc,noi_cu_tru,levels,ghi_chu\n1,Nguyễn Văn An,05/07/1960,Nam,Kinh,038060001234,x,QH TINH XA,\n2,Đặng Thị Đào,1985-02-11,Nữ,Kinh,,x,QH TINH XA,\n3,Nguyễn Văn Anh,1985-02-11,Nam,Kinh,,x,QH TINH XA,\n",
    );
    cli.ok(&["voters", "import", &csv]);
    for q in ["nguyen van an", "NGUYỄN VĂN AN", "ng v an"] {
        let r = cli.json(&["voters", "search", q, "--json"]);
        assert_eq!(r[0]["stt"], 1, "{q}: {r}");
    }
    assert_eq!(cli.json(&["voters", "search", "dao", "--json"])[0]["stt"], 2);
    assert_eq!(cli.json(&["voters", "search", "3", "--json"])[0]["stt"], 3);
    assert_eq!(cli.json(&["voters", "search", "038060001234", "--json"])[0]["stt"], 1);
    assert_eq!(cli.json(&["voters", "search", "xyz", "--json"]), serde_json::json!([]));
}

#[test]
fn checkin_once_per_level_and_turnout_json() {
    let cli = Cli::team();
    cli.ok(&["voters", "import", &fixture("mau31.xlsx")]);
    cli.env_now("2026-03-15T07:12:03+07:00");
    // Election day at an official team without a backup folder: the voter
    // is marked and the CLI says the risk (the window asks first; issue 16
    // §4).
    let out = cli.run(&["checkin", "1"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("Cảnh báo") && out.stderr.contains("phải chọn nơi sao lưu") && out.stderr.contains("backup settings --dir"), "{}", out.stderr);
    let out = cli.run(&["checkin", "1"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("đã nhận phiếu") && out.stderr.contains("07:12 ngày 15/03/2026"), "{}", out.stderr);
    cli.ok(&["checkin", "2", "--levels", "QH,TINH"]);
    let t = cli.json(&["turnout", "--json"]);
    assert_eq!(t["levels"]["QH"]["voters_voted"], 2);
    assert_eq!(t["levels"]["XA"]["voters_voted"], 1);
    assert_eq!(t["levels"]["QH"]["voters_listed"], 40);
    assert_eq!(t["levels"]["QH"]["percent"], 5.0);
    let v = cli.json(&["voters", "search", "1", "--json"]);
    assert_eq!(v[0]["checked_in"]["QH"], "2026-03-15T07:12:03+07:00");
    // Undo needs a reason, and is logged.
    assert_eq!(cli.run(&["checkin", "1", "--undo"]).code, 2);
    cli.ok(&["checkin", "1", "--undo", "--reason", "Nhầm người"]);
    assert_eq!(cli.json(&["turnout", "--json"])["levels"]["QH"]["voters_voted"], 1);
    let log = cli.ok(&["audit"]);
    assert!(log.contains("checkin.undo") && log.contains("Nhầm người"), "{log}");
    cli.ok(&["checkin", "1"]);
    // A level the voter does not have, and an unknown STT.
    assert_eq!(cli.run(&["checkin", "999"]).code, 1);
}

#[test]
fn percent_is_half_up_two_decimals() {
    // domain.md §5: 2 decimals, half-up. 1 of 3 voters → 33.33; 2 of 3 → 66.67.
    let cli = Cli::team();
    let csv = cli
        .write("ds.csv", "stt,ho_ten,ngay_sinh,gioi_tinh,dan_toc,can_cuoc,noi_cu_tru,levels,ghi_chu\n1,A,01/01/1970,Nam,Kinh,,x,QH,\n2,B,01/01/1970,Nam,Kinh,,x,QH,\n3,C,01/01/1970,Nam,Kinh,,x,QH,\n");
    cli.ok(&["voters", "import", &csv]);
    cli.ok(&["checkin", "1"]);
    cli.ok(&["checkin", "2"]);
    assert_eq!(cli.json(&["turnout", "--json"])["levels"]["QH"]["percent"], 66.67);
}

#[test]
fn legal_changes_are_logged_with_reasons() {
    let cli = Cli::team();
    cli.ok(&["voters", "import", &fixture("mau31.xlsx")]);
    // Add: STT continues after the last (Nam Định 702/SNV-XDCQ).
    let v: Value = serde_json::from_str(&cli.ok(&["voters", "add", "--name", "Hà Văn Mới", "--birth-date", "02/03/1990", "--gender", "Nam", "--reason", "Được phục hồi quyền bầu cử", "--json"]))
        .unwrap_or_default();
    assert_eq!(v["stt"], 41);
    // Certificate holder on the day: QH + HĐND tỉnh only (domain.md §3.3).
    let c: Value = serde_json::from_str(&cli.ok(&[
        "voters",
        "add",
        "--name",
        "Khách Thị Đến",
        "--birth-date",
        "1990-01-01",
        "--gender",
        "Nữ",
        "--certificate",
        "GCN 12/2026",
        "--reason",
        "Giấy chứng nhận của UBND xã X",
        "--json",
    ]))
    .unwrap_or_default();
    assert_eq!(c["levels"], serde_json::json!(["QH", "TINH"]));
    assert_eq!(cli.run(&["checkin", "42", "--levels", "XA"]).code, 1);
    cli.ok(&["checkin", "42"]);
    // Vote elsewhere: note written, no ballots here, not counted as listed.
    let e: Value = serde_json::from_str(&cli.ok(&["voters", "elsewhere", "3", "--reason", "Cấp giấy chứng nhận số 5", "--json"])).unwrap_or_default();
    assert!(e["note"].as_str().unwrap_or("").contains("Bỏ phiếu ở nơi khác"));
    assert_eq!(cli.run(&["checkin", "3"]).code, 1);
    // Remove and move out need a reason; removed voters leave the list.
    assert_eq!(cli.run(&["voters", "remove", "4"]).code, 2);
    assert_eq!(cli.run(&["voters", "remove", "4", "--reason", " "]).code, 1);
    cli.ok(&["voters", "remove", "4", "--reason", "Bị tòa án tước quyền bầu cử"]);
    cli.ok(&["voters", "move-out", "5", "--reason", "Chuyển thường trú đi xã khác"]);
    let listed = cli.json(&["voters", "list", "--json"]);
    assert!(listed.as_array().is_some_and(|l| l.iter().all(|v| v["stt"] != 4 && v["stt"] != 5)));
    assert_eq!(cli.json(&["turnout", "--json"])["levels"]["QH"]["voters_listed"], 42 - 3);
    // Correct a field: before and after in the log.
    cli.ok(&["voters", "edit", "6", "--field", "name", "--value", "Tên  Đã   Sửa", "--reason", "Sai chính tả"]);
    assert_eq!(cli.json(&["voters", "search", "6", "--json"])[0]["name"], "Tên Đã Sửa");
    let log = cli.json(&["audit", "--json"]);
    let edit = log.as_array().and_then(|l| l.iter().find(|e| e["action"] == "voter.edit.name")).cloned().unwrap_or_default();
    assert_eq!(edit["reason"], "Sai chính tả");
    assert!(edit["before"].as_str().is_some_and(|b| b.contains("\"stt\":6")));
    assert!(edit["after"].as_str().is_some_and(|a| a.contains("Tên Đã Sửa")));
    // An under-age voter cannot be added.
    assert_eq!(cli.run(&["voters", "add", "--name", "Trẻ", "--birth-date", "01/01/2010", "--gender", "Nam", "--reason", "x"]).code, 1);
}

#[test]
fn snapshots_are_kept() {
    let cli = Cli::team();
    cli.ok(&["voters", "import", &fixture("mau31.xlsx")]);
    let usb = cli.dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    cli.ok(&["backup", "settings", "--dir", &usb.display().to_string()]);
    cli.env_now("2026-03-15T09:00:00+07:00");
    cli.ok(&["checkin", "1"]);
    cli.ok(&["turnout", "snapshot", "9 giờ"]);
    cli.env_now("2026-03-15T11:00:00+07:00");
    cli.ok(&["checkin", "2"]);
    cli.ok(&["turnout", "snapshot", "11 giờ"]);
    let s = cli.json(&["turnout", "snapshots", "--json"]);
    assert_eq!(s[0]["name"], "9 giờ");
    assert_eq!(s[0]["levels"][0]["voters_voted"], 1);
    assert_eq!(s[1]["levels"][0]["voters_voted"], 2);
    let hourly = cli.json(&["turnout", "hourly", "--json"]);
    assert_eq!(hourly, serde_json::json!([{"hour": 9, "count": 1}, {"hour": 11, "count": 1}]));
}

#[test]
fn newer_database_is_refused_with_a_message() {
    let cli = Cli::team();
    let db = cli.db_path();
    let conn = rusqlite_free_bump(&db);
    assert!(conn, "could not bump user_version");
    let out = cli.run(&["voters", "list"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("phiên bản mới hơn"), "{}", out.stderr);
}

/// Sets PRAGMA user_version far ahead by editing the header bytes (offset 60).
fn rusqlite_free_bump(db: &str) -> bool {
    let Ok(mut bytes) = std::fs::read(db) else {
        return false;
    };
    if bytes.len() < 100 {
        return false;
    }
    bytes[60..64].copy_from_slice(&999u32.to_be_bytes());
    // Checkpointed WAL content would override the header; the CLI's connections
    // are closed, so the main file is the whole database.
    let _ = std::fs::remove_file(format!("{db}-wal"));
    std::fs::write(db, bytes).is_ok()
}

#[test]
fn whole_lists_in_tcvn3_or_vni_read_as_the_unicode_list() {
    // The same 40 voters as mau31.xlsx, every cell (header too) typed with a
    // .VnTime (TCVN3) or VNI-Times font.
    let unicode = {
        let cli = Cli::team();
        cli.ok(&["voters", "import", &fixture("mau31.xlsx")]);
        cli.json(&["voters", "list", "--json"])
    };
    for (file, enc) in [("mau31-tcvn3.xlsx", "TCVN3"), ("mau31-vni.xlsx", "VNI")] {
        let cli = Cli::team();
        let out = cli.ok(&["voters", "import", &fixture(file)]);
        assert!(out.contains(enc), "{file}: {out}");
        assert_eq!(cli.json(&["voters", "list", "--json"]), unicode, "{file}");
    }
}
