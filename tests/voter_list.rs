//! The 2026 voter list, Nghị quyết 40/NQ-HĐBCQG Mẫu 31/HĐBC, through the
//! real `tobaucu` binary: the list imported from the form's layout (year-only
//! births, three residence columns, "X"/"0" marks), from a CSV saved by Excel
//! on Vietnamese Windows (code page 1258), garbled files refused, and the
//! printed list carrying every line item of the official text in order.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

use crate::util::{fixture, Cli};

fn by_stt(list: &Value, stt: u64) -> Value {
    list.as_array().and_then(|a| a.iter().find(|v| v["stt"] == stt)).cloned().unwrap_or(Value::Null)
}

/// NQ 40, Mẫu 31/HĐBC: import of the form's own layout.
#[test]
fn nq40_mau31_xlsx_keeps_year_only_births_three_residences_and_x_0_marks() {
    let cli = Cli::team();
    let out = cli.json(&["voters", "import", &fixture("mau31-nq40.xlsx"), "--json"]);
    assert_eq!(out["imported"], 6, "{out}");
    let list = cli.json(&["voters", "list", "--json"]);
    let an = by_stt(&list, 1);
    assert_eq!(an["name"], "Nguyễn Văn An");
    // A year alone is stored and printed as the year: no invented day.
    assert_eq!(an["birth_date"], "1960");
    assert_eq!(an["id_number"], "038060001234");
    assert_eq!(an["ethnicity"], "Kinh");
    assert_eq!(an["residence"], "Thôn Chẩn Xuyên 1, xã Thiệu Ngọc");
    assert_eq!(an["residence_permanent"], "Thôn Chẩn Xuyên 1, xã Thiệu Ngọc");
    assert_eq!(an["levels"], json!(["QH", "TINH", "XA"]));
    let hoa = by_stt(&list, 2);
    assert_eq!(hoa["birth_date"], "1985-02-11");
    assert_eq!(hoa["gender"], "Nữ");
    assert_eq!(hoa["residence_permanent"], "");
    assert_eq!(hoa["residence_temporary"], "Xóm 5, xã Thiệu Long");
    assert_eq!(hoa["residence"], "Tạm trú: Xóm 5, xã Thiệu Long");
    // "0" in the commune column: not a commune-council voter.
    assert_eq!(hoa["levels"], json!(["QH", "TINH"]));
    assert_eq!(hoa["note"], "Tạm trú từ tháng 10/2025");
    let pao = by_stt(&list, 3);
    assert_eq!(pao["birth_date"], "1955", "a year typed into a number cell");
    assert_eq!(pao["residence_current"], "Lán trại công trường, thôn Tràng Sơn");
    assert_eq!(pao["id_number"], Value::Null);
    assert_eq!(by_stt(&list, 4)["birth_date"], "1971-06-11", "a date cell");
    assert_eq!(by_stt(&list, 5)["ethnicity"], "Mường");
    // Search and check-in are unchanged for a year-only voter.
    let found = cli.json(&["voters", "search", "nguyen van an", "--json"]);
    assert_eq!(found[0]["stt"], 1);
    cli.ok(&["checkin", "1"]);
    let out = cli.run(&["checkin", "1"]);
    assert_eq!(out.code, 1);
    cli.ok(&["checkin", "2"]);
    let out = cli.run(&["checkin", "3", "--levels", "XA"]);
    assert_eq!(out.code, 1, "Páo does not vote for the commune council");
    // A person adds a voter with a year alone too; 2008 alone is refused.
    let add = |birth: &str| cli.run(&["voters", "add", "--name", "Mai Văn Tư", "--birth-date", birth, "--gender", "Nam", "--residence-current", "Lán 2", "--reason", "Bổ sung theo Điều 32"]);
    let out = add("2008");
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("chỉ ghi năm sinh 2008") && out.stderr.contains("2007 trở về trước"), "{}", out.stderr);
    assert_eq!(add("1977").code, 0);
    let tu = by_stt(&cli.json(&["voters", "list", "--json"]), 7);
    assert_eq!((tu["birth_date"].as_str(), tu["residence_current"].as_str()), (Some("1977"), Some("Lán 2")));
}

/// NQ 40, Mẫu 31/HĐBC column (2): a year alone only for voters born in 2007
/// or earlier.
#[test]
fn nq40_mau31_a_year_alone_after_2007_is_refused_naming_row_and_column() {
    let cli = Cli::team();
    let out = cli.run(&["voters", "import", &fixture("mau31-nq40-young.xlsx")]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stderr.contains("mau31-nq40-young.xlsx, dòng 16, cột C (Ngày sinh): chỉ ghi năm sinh 2008: Mẫu 31/HĐBC chỉ cho ghi năm sinh với cử tri sinh từ năm 2007 trở về trước"),
        "{}",
        out.stderr
    );
    assert_eq!(cli.json(&["voters", "list", "--json"]), json!([]));
}

/// The names a person sees in Excel, NFC, from a Windows-1258 "CSV".
#[test]
fn a_csv_saved_by_excel_on_vietnamese_windows_imports_the_names_as_seen() {
    let bytes = std::fs::read(fixture("voters-cp1258.csv")).unwrap_or_default();
    assert!(std::str::from_utf8(&bytes).is_err(), "the fixture is code page 1258");
    let cli = Cli::team();
    let out = cli.json(&["voters", "import", &fixture("voters-cp1258.csv"), "--json"]);
    assert_eq!(out["imported"], 8, "{out}");
    let list = cli.json(&["voters", "list", "--json"]);
    let names: Vec<&str> = list.as_array().into_iter().flatten().filter_map(|v| v["name"].as_str()).collect();
    assert_eq!(names, ["Nguyễn Thị Ánh Tuyết", "Đặng Văn Đức", "Lê Hữu Phước", "Trần Quý Kỳ", "Hoàng Thị Thủy", "Vũ Đình Hưởng", "Phạm Thị Huệ", "Bùi Ngọc Ẩn",]);
    for n in &names {
        // Composed: no combining marks left.
        assert!(n.chars().all(|c| !('\u{300}'..='\u{36f}').contains(&c)), "{n:?}");
    }
    assert_eq!(list[0]["gender"], "Nữ");
    assert_eq!(list[0]["residence"], "Thôn Chẩn Xuyên 1, xã Thiệu Ngọc");
    assert_eq!(list[1]["birth_date"], "1948");
    assert_eq!(list[2]["residence_temporary"], "Xóm Đông, xã Thiệu Long");
    assert_eq!(list[2]["note"], "Tạm trú từ tháng 10/2025");
    assert_eq!(list[3]["residence_current"], "Nhà trọ số 7, thôn Nguyệt Viên");
    assert_eq!(list[4]["ethnicity"], "Mường");
    let found = cli.json(&["voters", "search", "duc", "--json"]);
    assert_eq!(found[0]["name"], "Đặng Văn Đức");
}

/// Text that only decodes to impossible Vietnamese is refused, never
/// imported garbled; the message names the file, row and column.
#[test]
fn a_garbled_csv_is_refused_with_file_row_and_column() {
    let cli = Cli::team();
    cli.ok(&["voters", "import", &fixture("voters-cp1258.csv")]);
    let before = cli.json(&["voters", "list", "--json"]);
    let good = std::fs::read(fixture("voters-cp1258.csv")).unwrap_or_default();
    // The same file with a tone mark after a consonant in row 3's name
    // ("Đặng" written as "Đ" + nặng + "ăng"): no reading makes it Vietnamese.
    let mut bytes = good.clone();
    if let Some(i) = bytes.windows(3).position(|w| w == b"\xd0\xe3\xf2") {
        bytes.splice(i..i + 3, *b"\xd0\xf2\xe3");
    }
    let path = cli.dir.path().join("hong.csv");
    std::fs::write(&path, &bytes).unwrap();
    let out = cli.run(&["voters", "import", &path.display().to_string(), "--replace"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stderr.contains("hong.csv, dòng 3, cột ho_ten (Họ và tên): \"Đ\u{323}ăng Văn Đức\" có dấu thanh nằm trên phụ âm \"Đ\""), "{}", out.stderr);
    // Saved by Excel on an English Windows: every letter code page 1252
    // lacks became "?".
    // Bytes: "Hà" is 0xE0 and "ô" 0xF4 in Windows-1252.
    let mut lost = b"stt,ho_ten,ngay_sinh,gioi_tinh,dan_toc,can_cuoc,noi_cu_tru,levels,ghi_chu\r\n".to_vec();
    lost.extend_from_slice(b"1,Nguy?n Th? H\xe0,1960,N?,Kinh,,Th\xf4n 1,QH,\r\n");
    let path = cli.dir.path().join("tay.csv");
    std::fs::write(&path, lost).unwrap();
    let out = cli.run(&["voters", "import", &path.display().to_string(), "--replace"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("tay.csv, dòng 2, cột ho_ten (Họ và tên): \"Nguy?n Th? Hà\" có \"?\" thay cho chữ đã mất"), "{}", out.stderr);
    assert_eq!(cli.json(&["voters", "list", "--json"]), before, "a refused file changed the list");
}

fn raw_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext").args(["-raw", &pdf.display().to_string(), "-"]).output().unwrap_or_else(|e| panic!("pdftotext (poppler-utils) is needed: {e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Whitespace-insensitive search of `items` in order in `text`; the first
/// item missing (or out of order) with what follows it.
fn in_order(text: &str, items: &[&str]) -> Result<(), String> {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut at = 0;
    for item in items {
        let want = item.split_whitespace().collect::<Vec<_>>().join(" ");
        match flat[at..].find(&want) {
            Some(i) => at += i + want.len(),
            None => {
                let rest: String = flat[at..].chars().take(300).collect();
                return Err(format!("{item:?} not found after position {at}; next: {rest}"));
            }
        }
    }
    Ok(())
}

/// NQ 40, Mẫu 31/HĐBC (shared/forms-2026/mau-31-HDBC.txt): every line item
/// of the official text appears on the printed list, in order — header,
/// motto, place and date, title, the area line, column headings (1)–(11)
/// with căn cước before dân tộc and residence as thường trú / tạm trú / nơi
/// ở hiện tại, the number row, the voters with "X"/"0", "Tổng số", the
/// footer counts by sex and per level, where the list was made, and the
/// signature block.
#[test]
fn the_printed_list_has_every_line_item_of_nq40_mau31_in_order() {
    let cli = Cli::team();
    cli.ok(&["voters", "import", &fixture("mau31-nq40.xlsx")]);
    let pdf = cli.dir.path().join("ds.pdf");
    cli.ok(&["forms", "voter-list", "--out", &pdf.display().to_string()]);
    let text = raw_text(&pdf);
    let items = [
        "Mẫu số 31/HĐBC",
        "ỦY BAN NHÂN DÂN",
        "XÃ THIỆU NGỌC(*)",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Thiệu Ngọc, ngày ..... tháng ..... năm 2026",
        "DANH SÁCH CỬ TRI",
        "BẦU CỬ ĐẠI BIỂU QUỐC HỘI KHÓA XVI",
        "VÀ BẦU CỬ ĐẠI BIỂU HỘI ĐỒNG NHÂN DÂN CÁC CẤP NHIỆM KỲ 2026-2031",
        "Khu vực bỏ phiếu số (*) 1 thuộc xã Thiệu Ngọc tỉnh Thanh Hóa",
        // Grouped headings first (Nơi cư trú, Bầu cử đại biểu HĐND), then
        // each column's, in the form's order.
        "Nơi cư trú",
        "Bầu cử đại biểu HĐND",
        "STT",
        "Họ và tên",
        "Ngày tháng năm sinh",
        "Nam",
        "Nữ",
        "Số Căn cước",
        "Dân tộc",
        "Thường trú",
        "Tạm trú",
        "Nơi ở hiện tại",
        "Bầu cử ĐBQH",
        "Tỉnh, thành phố",
        "Xã/phường, đặc khu",
        "Ghi chú",
        "(1) (2) (3) (4) (5) (6) (7a) (7b) (7c) (8) (9) (10) (11)",
        "1 Nguyễn Văn An 1960 X 038060001234 Kinh Thôn Chẩn Xuyên 1, xã Thiệu Ngọc X X X",
        "2 Lê Thị Hoa 11/02/1985 X 038185000001 Kinh Xóm 5, xã Thiệu Long X X 0 Tạm trú từ tháng 10/2025",
        "3 Lò Văn Páo 1955 X Thái Lán trại công trường, thôn Tràng Sơn X X 0",
        "4 Đặng Thị Ánh Tuyết 11/06/1971",
        "Tổng số: 6 người 3 3 6 6 4",
        "Tổng số cử tri của khu vực bỏ phiếu là: 6 người; trong đó có: 3 Nam; 3 Nữ.",
        "Cử tri tham gia bầu cử ĐBQH: 6 người;",
        "Cử tri tham gia bầu cử đại biểu HĐND tỉnh, thành phố 6 người;",
        "Cử tri tham gia bầu cử đại biểu HĐND xã, phường, đặc khu 4 người;",
        "Danh sách này được lập tại Thiệu Ngọc ngày ..... tháng ..... năm 2026.",
        "TM. ỦY BAN NHÂN DÂN (***)",
        "CHỦ TỊCH",
        "(Ký, ghi rõ họ và tên, đóng dấu của Ủy ban nhân dân)",
        "Ghi chú:",
        "(*) Ghi số thứ tự của khu vực bỏ phiếu.",
    ];
    if let Err(e) = in_order(&text, &items) {
        panic!("{e}\n--- text:\n{text}");
    }
    // The app's addition: page numbers.
    assert!(text.contains("Trang 1/"), "{text}");
    let layout = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/forms/voter-list.json")).unwrap_or_default();
    assert!(layout.contains("Nghị quyết 40/NQ-HĐBCQG ngày 29/9/2025, Mẫu số 31/HĐBC"), "the layout cites its source");
    // Voter cards print a year alone as the year.
    let cards = cli.dir.path().join("the.pdf");
    cli.ok(&["forms", "voter-cards", "--out", &cards.display().to_string()]);
    let t = raw_text(&cards);
    assert!(in_order(&t, &["Họ và tên: Nguyễn Văn An", "Ngày, tháng, năm sinh: 1960"]).is_ok(), "{t}");
    assert!(in_order(&t, &["Họ và tên: Lê Thị Hoa", "Nơi cư trú: Tạm trú: Xóm 5, xã Thiệu Long"]).is_ok(), "{t}");
}

fn print_list(cli: &Cli, name: &str, extra: &[&str]) -> (Value, String) {
    let pdf = cli.dir.path().join(name);
    let out = pdf.display().to_string();
    let mut args = vec!["--json", "forms", "voter-list", "--out", out.as_str()];
    args.extend(extra);
    let r = cli.json(&args);
    (r, raw_text(&pdf))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_owned)).collect()
}

/// Mẫu số 31/HĐBC, notes on columns (7a), (7b) and (11): "Cột (7a), (7b)
/// chỉ ghi địa chỉ nơi thường trú hoặc nơi tạm trú của cử tri vào cột tương
/// ứng…; Trường hợp cử tri đăng ký bỏ phiếu ở nơi tạm trú thì ghi chú vào
/// cột (11) thời gian bắt đầu đăng ký tạm trú" — "bắt đầu tạm trú từ năm
/// 2024 trở về trước thì chỉ cần ghi năm; từ năm 2024 đến nay thì ghi rõ
/// tháng và năm". The review found No. 33 and No. 40 of the demo list
/// printed in (7a) with "Tạm trú dưới 12 tháng" in (11): the demo CSV now
/// gives tạm trú (7b) and its start (`tam_tru_tu`); a list that still has
/// the old shape is imported with a warning naming (7b).
#[test]
fn mau31_temporary_residents_print_in_7b_with_the_start_of_registration_in_11() {
    let cli = Cli::team();
    let r = cli.json(&["--json", "voters", "import", &fixture("../../assets/demo-voters.csv")]);
    assert_eq!(r["imported"], 620);
    assert_eq!(r["warnings"], json!([]), "the demo list is as the form asks");
    let list = cli.json(&["voters", "list", "--json"]);
    for (stt, name, address, note, levels) in [
        (33, "Phạm Kim Yến", "Thôn Chẩn Xuyên 1, xã Thiệu Ngọc", "Tạm trú từ tháng 12/2025", json!(["QH", "TINH"])),
        (40, "Nguyễn Thị Huệ", "Thôn Tràng Sơn, xã Thiệu Ngọc", "Tạm trú từ tháng 7/2025", json!(["QH", "TINH"])),
        // 12 months or more on 15/3/2026: every level; before 2024 the year alone.
        (230, "Đào Thị Thảo", "Thôn Nguyệt Viên, xã Thiệu Ngọc", "Tạm trú từ năm 2019", json!(["QH", "TINH", "XA"])),
        (351, "Đào Văn Sơn", "Thôn Chẩn Xuyên 1, xã Thiệu Ngọc", "Tạm trú từ tháng 9/2024", json!(["QH", "TINH", "XA"])),
    ] {
        let v = by_stt(&list, stt);
        assert_eq!(v["name"], name);
        assert_eq!(v["residence_permanent"], "", "{stt}: nothing in (7a)");
        assert_eq!(v["residence_temporary"], address, "{stt}: (7b)");
        assert_eq!(v["note"], note, "{stt}: (11)");
        assert_eq!(v["levels"], levels, "{stt}");
    }
    let (out, text) = print_list(&cli, "ds.pdf", &[]);
    assert_eq!(out["warnings"], json!([]));
    for row in [
        // (7a) empty, (7b) the address, (8) (9) X, (10) 0, (11) the start.
        "33 Phạm Kim Yến 04/05/1948 X 038148645367 Kinh Thôn Chẩn Xuyên 1, xã Thiệu Ngọc X X 0 Tạm trú từ tháng 12/2025",
        "40 Nguyễn Thị Huệ 19/05/1983 X 038183985850 Kinh Thôn Tràng Sơn, xã Thiệu Ngọc X X 0 Tạm trú từ tháng 7/2025",
        "230 Đào Thị Thảo",
        "Thôn Nguyệt Viên, xã Thiệu Ngọc X X X Tạm trú từ năm 2019",
    ] {
        if let Err(e) = in_order(&text, &[row]) {
            panic!("{e}");
        }
    }
    assert!(!text.contains("Tạm trú dưới 12 tháng"), "not a case of (11)");

    // A list of the old shape: the address in the one residence column,
    // "Tạm trú dưới 12 tháng" as the note. Imported, with warnings.
    let old = Cli::team();
    let csv = old.write(
        "cu.csv",
        "stt,ho_ten,ngay_sinh,gioi_tinh,dan_toc,can_cuoc,noi_cu_tru,levels,ghi_chu,tam_tru\n\
         1,Phạm Kim Yến,04/05/1948,Nữ,Kinh,,Thôn Chẩn Xuyên 1,QH TINH,Tạm trú dưới 12 tháng,\n\
         2,Lê Thị Hoa,11/02/1985,Nữ,Kinh,,,QH TINH XA,Tạm trú từ tháng 10/2025,Xóm 5\n\
         3,Lò Văn Páo,1955,Nam,Thái,,,QH TINH,,Xóm 6\n",
    );
    let r = old.json(&["--json", "voters", "import", &csv]);
    let w = strings(&r["warnings"]);
    assert!(
        w.iter().any(
            |w| w.starts_with("cử tri số 1 — Phạm Kim Yến: ghi chú nói tạm trú nhưng địa chỉ nằm ở cột (7a) Thường trú, cột (7b) Tạm trú trống — Mẫu 31/HĐBC ghi địa chỉ nơi tạm trú vào cột (7b)")
        ),
        "{w:#?}"
    );
    assert!(
        w.iter().any(|w| w.starts_with(
            "cử tri số 2 — Lê Thị Hoa: tạm trú từ 10/2025, chưa đủ 12 tháng tính đến ngày bầu cử 15/03/2026: Mẫu 31/HĐBC chỉ đánh dấu (X) vào cột (8), (9), nhưng danh sách ghi cả cấp XA"
        )),
        "{w:#?}"
    );
    assert!(w.iter().any(|w| w.starts_with("cử tri số 3 — Lò Văn Páo: có địa chỉ tạm trú (7b) nhưng cột (11) chưa ghi thời gian bắt đầu đăng ký tạm trú")), "{w:#?}");
    // The person importing sees them too.
    let again = Cli::team();
    let out = again.run(&["voters", "import", &csv]);
    assert_eq!(out.code, 0);
    assert!(out.stderr.contains("Cảnh báo: cử tri số 1 — Phạm Kim Yến"), "{}", out.stderr);
    // The printed list carries them as well (the data printed as it is).
    let (out, _) = print_list(&old, "old.pdf", &[]);
    assert_eq!(strings(&out["warnings"]), w);
}

/// Mẫu số 31/HĐBC, note on column (11): "Cột (11) ghi chú cụ thể về các nội
/// dung sau đây" — the start of temporary residence, tạm giam / tạm giữ /
/// chấp hành biện pháp, "Bỏ phiếu ở nơi khác", "Bỏ phiếu ở nơi cư trú",
/// "Cử tri không cư trú ở địa phương", xóa tên. The review found No. 11
/// printing the internal "Cần hòm phiếu phụ" (her mobile_box 0): a team's
/// remarks stay in the app, and the demo list gives the mobile box as a
/// flag (`hom_phieu_phu`).
#[test]
fn mau31_column_11_prints_only_the_official_cases_internal_notes_stay_internal() {
    let cli = Cli::team();
    cli.ok(&["voters", "import", &fixture("../../assets/demo-voters.csv")]);
    let list = cli.json(&["voters", "list", "--json"]);
    let db = rusqlite::Connection::open(cli.db_path()).unwrap();
    let mobile = |stt: i64| -> bool { db.query_row("SELECT mobile_box FROM voter WHERE stt = ?1", [stt], |r| r.get::<_, i64>(0)).unwrap() == 1 };
    for stt in [11, 77, 335, 337] {
        assert_eq!(by_stt(&list, stt)["note"], "", "No. {stt}: no note");
        assert!(mobile(stt as i64), "No. {stt} needs the mobile ballot box");
    }
    assert!(!mobile(12));
    drop(db);
    // The team's remarks and the form's cases, then the list printed.
    let edit = |stt: &str, value: &str| {
        cli.ok(&["voters", "edit", stt, "--field", "note", "--value", value, "--reason", "ghi chú của tổ"]);
    };
    edit("11", "Cần hòm phiếu phụ");
    edit("12", "Người đang bị tạm giam; gọi điện trước khi mang hòm phiếu phụ");
    edit("13", "Cử tri không cư trú ở địa phương");
    edit("14", "Bỏ phiếu ở nơi cư trú");
    cli.ok(&["voters", "elsewhere", "15", "--reason", "Giấy chứng nhận số 12/GCN"]);
    let (out, text) = print_list(&cli, "ds.pdf", &[]);
    for row in [
        "11 Đào Thu Tuyết 15/04/1968 X 038168094300 Kinh Thôn Chẩn Xuyên 1, xã Thiệu Ngọc X X X 12 Dương Văn Đức",
        "X X X Người đang bị tạm giam 13 Hoàng Văn Long",
        "X X X Cử tri không cư trú ở địa phương 14",
        "X X X Bỏ phiếu ở nơi cư trú 15",
        "0 0 0 Bỏ phiếu ở nơi khác 16",
    ] {
        if let Err(e) = in_order(&text, &[row]) {
            panic!("{e}");
        }
    }
    assert!(!text.contains("Cần hòm phiếu phụ"), "an internal note printed");
    assert!(!text.contains("gọi điện"), "an internal note printed");
    // Kept in the app, and named when the list is printed.
    let list = cli.json(&["voters", "list", "--json"]);
    assert_eq!(by_stt(&list, 11)["note"], "Cần hòm phiếu phụ");
    let w = strings(&out["warnings"]);
    assert!(
        w.iter().any(|w| w.starts_with("ghi chú của 2 cử tri không thuộc các trường hợp ghi ở cột (11) Ghi chú của Mẫu 31/HĐBC nên chỉ lưu trong máy, không in ra danh sách: số 11 (Cần hòm phiếu phụ), số 12 (gọi điện trước khi mang hòm phiếu phụ)")),
        "{w:#?}"
    );
    // The commune's own Mẫu 31 spreadsheet: its (11) "Cần hòm phiếu phụ"
    // for No. 5 is not printed either; "Tạm trú từ tháng 10/2025" is.
    let nq = Cli::team();
    nq.ok(&["voters", "import", &fixture("mau31-nq40.xlsx")]);
    let (_, text) = print_list(&nq, "nq.pdf", &[]);
    assert!(!text.contains("Cần hòm phiếu phụ"), "{text}");
    assert!(in_order(&text, &["Tạm trú từ tháng 10/2025"]).is_ok(), "{text}");
}

/// Mẫu số 31/HĐBC as the official text has it: the markers "(*)" (after
/// the commune and after "Khu vực bỏ phiếu số") and "(***)" (after "TM. ỦY
/// BAN NHÂN DÂN"), the form's "Ghi chú:" — "(*) Ghi số thứ tự của khu vực
/// bỏ phiếu.", the instructions column by column — and its last note: when
/// a Phó Chủ tịch signs for the Chủ tịch, "TM. ỦY BAN NHÂN DÂN / KT. CHỦ
/// TỊCH / PHÓ CHỦ TỊCH", chosen with `--signer vice-chair`.
#[test]
fn mau31_prints_its_markers_and_notes_and_the_kt_chu_tich_variant() {
    let cli = Cli::team();
    cli.ok(&["voters", "import", &fixture("mau31-nq40.xlsx")]);
    let notes = [
        "Ghi chú:",
        "(*) Ghi số thứ tự của khu vực bỏ phiếu.",
        "Ủy ban nhân dân cấp xã có trách nhiệm thông báo cho cử tri ở địa phương về việc lập danh sách cử tri theo từng khu vực bỏ phiếu.",
        "Việc điền thông tin ở các nội dung trong bảng danh sách được thực hiện như sau:",
        "- Cột (1) ghi họ và tên cử tri xếp theo hộ gia đình",
        "- Cột (2) cần ghi đầy đủ ngày, tháng, năm sinh.",
        "- Các cột (3), (4) đánh dấu (X) theo giới tính của cử tri.",
        "- Cột (5) ghi đầy đủ Số căn cước.",
        "- Cột (6) ghi rõ: Kinh, Tày, Nùng,...",
        "- Cột (7a), (7b) chỉ ghi địa chỉ nơi thường trú hoặc nơi tạm trú của cử tri vào cột tương ứng tùy theo nơi cử tri có nguyện vọng đăng ký tham gia bỏ phiếu.",
        "+ Trường hợp cử tri đăng ký bỏ phiếu ở nơi tạm trú thì ghi chú vào cột (11) thời gian bắt đầu đăng ký tạm trú.",
        "- Cột (7c) ghi trường hợp các cử tri không đủ điều kiện hoặc chưa đăng ký thường trú, tạm trú.",
        "- Các cột (7), (8), (9), (10) thực hiện đánh dấu như sau:",
        "+ Đánh dấu (0) vào các ô còn lại.",
        "- Cột (11) ghi chú cụ thể về các nội dung sau đây:",
        "(bắt đầu tạm trú từ năm 2024 trở về trước thì chỉ cần ghi năm; từ năm 2024 đến nay thì ghi rõ tháng và năm)",
        "thì ghi “Cử tri không cư trú ở địa phương”.",
        "+ Việc xóa tên trong danh sách cử tri theo quy định tại các khoản 3, 4 và 5 Điều 30 của Luật Bầu cử ĐBQH và đại biểu HĐND",
        "- Trường hợp Phó Chủ tịch Ủy ban nhân dân ký thay Chủ tịch thì trình bày như sau:",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    ];
    // The default: the Chủ tịch signs.
    let (_, text) = print_list(&cli, "ct.pdf", &[]);
    let mut items = vec![
        "Mẫu số 31/HĐBC",
        "ỦY BAN NHÂN DÂN",
        "XÃ THIỆU NGỌC(*)",
        "Khu vực bỏ phiếu số (*) 1 thuộc xã Thiệu Ngọc tỉnh Thanh Hóa",
        "Danh sách này được lập tại Thiệu Ngọc ngày ..... tháng ..... năm 2026.",
        "TM. ỦY BAN NHÂN DÂN (***) CHỦ TỊCH (Ký, ghi rõ họ và tên, đóng dấu của Ủy ban nhân dân)",
    ];
    items.extend(notes);
    if let Err(e) = in_order(&text, &items) {
        panic!("{e}\n--- text:\n{text}");
    }
    // A Phó Chủ tịch signs for the Chủ tịch.
    let (_, text) = print_list(&cli, "kt.pdf", &["--signer", "vice-chair"]);
    let mut items = vec!["XÃ THIỆU NGỌC(*)", "TM. ỦY BAN NHÂN DÂN (***) KT. CHỦ TỊCH PHÓ CHỦ TỊCH (Ký, ghi rõ họ và tên, đóng dấu của Ủy ban nhân dân)"];
    items.extend(notes);
    if let Err(e) = in_order(&text, &items) {
        panic!("{e}\n--- text:\n{text}");
    }
    // The flag is optional, for this form only, with the two values.
    let pdf = cli.dir.path().join("x.pdf").display().to_string();
    let out = cli.run(&["forms", "voter-cards", "--signer", "vice-chair", "--out", &pdf]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = cli.run(&["forms", "voter-list", "--signer", "thu-ky", "--out", &pdf]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("vice-chair"), "{}", out.stderr);
}
