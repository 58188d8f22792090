//! The voter list as Nghị quyết 40/NQ-HĐBCQG, Mẫu 31/HĐBC prints it
//! (columns (1)–(11): căn cước before dân tộc, residence as thường trú /
//! tạm trú / nơi ở hiện tại, "X"/"0" marks, a year alone for voters born in
//! 2007 or earlier) and CSV files saved by Excel on Vietnamese Windows
//! (code page 1258, tone marks as combining characters).

use chrono::NaiveDate;
use tobaucu_core::voter::{BirthDate, Gender};

use super::grid::{Cell, Sheet};
use super::*;

fn ctx() -> ImportContext {
    ImportContext {
        levels: vec![("QH".into(), "Đại biểu Quốc hội khóa XVI".into()), ("TINH".into(), "Đại biểu HĐND tỉnh Thanh Hóa".into()), ("XA".into(), "Đại biểu HĐND xã Thiệu Ngọc".into())],
        election_day: NaiveDate::from_ymd_opt(2026, 3, 15).unwrap_or_default(),
        level_columns: Vec::new(),
    }
}

fn t(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.into())
    }
}

fn texts(v: &[&str]) -> Vec<Cell> {
    v.iter().map(|s| t(s)).collect()
}

/// NQ 40, Mẫu 31/HĐBC as the official text lays it out: header, title,
/// the two-row header with its number row (1)…(11), data, "Tổng số" and
/// the footer lines.
fn official_sheet(data: Vec<Vec<Cell>>) -> Sheet {
    let mut rows = vec![
        texts(&["ỦY BAN NHÂN DÂN", "", "", "", "", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]),
        texts(&["XÃ THIỆU NGỌC", "", "", "", "", "", "Độc lập - Tự do - Hạnh phúc"]),
        texts(&["", "", "", "", "", "", "Thiệu Ngọc, ngày 3 tháng 2 năm 2026"]),
        texts(&["", "", "DANH SÁCH CỬ TRI"]),
        texts(&["", "", "BẦU CỬ ĐẠI BIỂU QUỐC HỘI KHÓA XVI"]),
        texts(&["", "", "VÀ BẦU CỬ ĐẠI BIỂU HỘI ĐỒNG NHÂN DÂN CÁC CẤP NHIỆM KỲ 2026-2031"]),
        texts(&["Khu vực bỏ phiếu số 1 thuộc xã Thiệu Ngọc tỉnh Thanh Hóa"]),
        texts(&["STT", "Họ và tên", "Ngày tháng năm sinh", "Nam", "Nữ", "Số Căn cước", "Dân tộc", "Nơi cư trú", "", "", "Bầu cử ĐBQH", "Bầu cửđại biểu HĐND", "", "Ghi chú"]),
        texts(&["", "", "", "", "", "", "", "Thường trú", "Tạm trú", "Nơi ở hiện tại", "", "Tỉnh, thành phố", "Xã/phường, đặc khu", ""]),
        texts(&["", "(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7a)", "(7b)", "(7c)", "(8)", "(9)", "(10)", "(11)"]),
    ];
    rows.extend(data);
    rows.push(texts(&["Tổng số", "", "", "2", "1"]));
    rows.push(texts(&["Tổng số cử tri của khu vực bỏ phiếu là: 3 người; trong đó có: 2 Nam; 1 Nữ."]));
    rows.push(texts(&["Cử tri tham gia bầu cử ĐBQH: 3 người;"]));
    rows.push(texts(&["", "", "", "", "", "", "", "", "", "TM. ỦY BAN NHÂN DÂN"]));
    Sheet { name: Some("Mẫu 31".into()), first_row: 1, first_col: 0, rows, code_page: None }
}

fn voter_row(cells: Vec<Cell>) -> Vec<Cell> {
    cells
}

#[test]
fn nq40_mau31_columns_in_the_forms_order_with_three_residences_and_year_only_births() {
    let sheet = official_sheet(vec![
        voter_row(vec![
            Cell::Number(1.0),
            t("Nguyễn Văn An"),
            t("1960"),
            t("X"),
            t(""),
            t("038060001234"),
            t("Kinh"),
            t("Thôn Chẩn Xuyên 1, xã Thiệu Ngọc"),
            t(""),
            t(""),
            t("X"),
            t("X"),
            t("X"),
            t(""),
        ]),
        voter_row(vec![
            Cell::Number(2.0),
            t("Lê Thị Hoa"),
            t("11/02/1985"),
            t(""),
            t("X"),
            t("038185000001"),
            t("Mường"),
            t(""),
            t("Xóm 5, xã Thiệu Ngọc"),
            t(""),
            t("X"),
            t("X"),
            t("0"),
            t("Tạm trú từ tháng 10/2025"),
        ]),
        voter_row(vec![
            Cell::Number(3.0),
            t("Lò Văn Páo"),
            // A year typed into a number cell.
            Cell::Number(1955.0),
            t("X"),
            t("0"),
            t(""),
            t("Thái"),
            t(""),
            t(""),
            t("Lán trại công trường, thôn 3"),
            t("X"),
            t("X"),
            t("0"),
            t(""),
        ]),
    ]);
    let list = read_sheet(sheet).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(list.len(), 3);
    let [a, b, c] = [&list[0].voter, &list[1].voter, &list[2].voter];
    assert_eq!(list[0].row, 11);
    assert_eq!(a.birth_date, BirthDate::Year(1960));
    assert_eq!(a.id_number.as_deref(), Some("038060001234"));
    assert_eq!(a.ethnicity, "Kinh");
    assert_eq!(a.residence, "Thôn Chẩn Xuyên 1, xã Thiệu Ngọc");
    assert_eq!(a.levels, ["QH", "TINH", "XA"]);
    assert_eq!(b.birth_date, BirthDate::Full(NaiveDate::from_ymd_opt(1985, 2, 11).unwrap_or_default()));
    assert_eq!(b.gender, Gender::Female);
    assert_eq!((b.residence.as_str(), b.residence_temporary.as_str()), ("", "Xóm 5, xã Thiệu Ngọc"));
    // "0" marks a level the voter does not vote for.
    assert_eq!(b.levels, ["QH", "TINH"]);
    assert_eq!(b.note, "Tạm trú từ tháng 10/2025");
    assert_eq!(c.birth_date, BirthDate::Year(1955));
    assert_eq!(c.gender, Gender::Male);
    assert_eq!(c.residence_current, "Lán trại công trường, thôn 3");
    assert_eq!(c.levels, ["QH", "TINH"]);
}

fn read_sheet(sheet: Sheet) -> Result<Vec<ImportedVoter>, Vec<Problem>> {
    let layout = columns::find_layout(&sheet, &ctx())?;
    rows::read_rows(&sheet, &layout, &ctx(), &mut |_, _| {})
}

#[test]
fn nq40_mau31_a_year_alone_after_2007_is_refused_naming_row_and_column() {
    let sheet = official_sheet(vec![
        voter_row(vec![Cell::Number(1.0), t("Trần Văn Bình"), t("2008"), t("X"), t(""), t(""), t("Kinh"), t("Thôn 1"), t(""), t(""), t("X"), t("X"), t("X")]),
        voter_row(vec![Cell::Number(2.0), t("Trần Văn Cường"), Cell::Number(2010.0), t("X"), t(""), t(""), t("Kinh"), t("Thôn 1"), t(""), t(""), t("X"), t("X"), t("X")]),
    ]);
    let p = read_sheet(sheet).err().unwrap_or_default();
    let d: Vec<String> = p.iter().map(|p| p.describe("ds.xlsx")).collect();
    assert_eq!(d.len(), 2, "{d:#?}");
    assert!(
        d[0].starts_with("ds.xlsx, dòng 11, cột C (Ngày sinh): chỉ ghi năm sinh 2008: Mẫu 31/HĐBC chỉ cho ghi năm sinh với cử tri sinh từ năm 2007 trở về trước; hãy ghi đủ ngày, tháng, năm sinh"),
        "{d:#?}"
    );
    assert!(d[1].starts_with("ds.xlsx, dòng 12, cột C (Ngày sinh): chỉ ghi năm sinh 2010"), "{d:#?}");
}

const HEAD: &str = "stt,ho_ten,ngay_sinh,gioi_tinh,dan_toc,can_cuoc,noi_cu_tru,levels,ghi_chu";

#[test]
fn csv_may_add_the_temporary_and_current_residence_columns() {
    let text = format!(
        "{HEAD},tam_tru,noi_o_hien_tai\n1,Nguyễn Văn An,1960,Nam,Kinh,,Thôn 1,QH TINH XA,,,\n2,Lê Thị Hoa,11/02/1985,Nữ,Kinh,,,QH TINH,,Xóm 5,\n3,Lò Văn Páo,1955,Nam,Thái,,,QH TINH,,,Lán 3\n"
    );
    let list = read_voter_file("ds.csv", text.as_bytes(), &ctx(), &mut |_, _| {}).unwrap_or_else(|p| panic!("{p:#?}"));
    let v: Vec<&tobaucu_core::voter::Voter> = list.voters.iter().map(|v| &v.voter).collect();
    assert_eq!(v[0].birth_date, BirthDate::Year(1960));
    assert_eq!(v[1].residence_temporary, "Xóm 5");
    assert_eq!(v[2].residence_current, "Lán 3");
    let p = read_voter_file("ds.csv", format!("{HEAD}\n1,An,2008,Nam,Kinh,,Thôn 1,QH,\n").as_bytes(), &ctx(), &mut |_, _| {}).err().unwrap_or_default();
    assert!(p.first().is_some_and(|p| p.describe("ds.csv").starts_with("ds.csv, dòng 2, cột ngay_sinh (Ngày sinh): chỉ ghi năm sinh 2008")), "{p:#?}");
}

/// Mẫu số 31/HĐBC, note on columns (7a), (7b) and (11): a temporary
/// resident's address goes in (7b) and "Trường hợp cử tri đăng ký bỏ phiếu
/// ở nơi tạm trú thì ghi chú vào cột (11) thời gian bắt đầu đăng ký tạm
/// trú" — from 2024 on with month and year, before it the year alone. The
/// CSV gives the start in `tam_tru_tu`; it becomes the (11) text. The
/// mobile ballot box (`hom_phieu_phu`) is a flag, not a note.
#[test]
fn mau31_csv_start_of_temporary_residence_becomes_column_11() {
    let head = format!("{HEAD},tam_tru,noi_o_hien_tai,tam_tru_tu,hom_phieu_phu");
    let text = format!(
        "{head}\n1,Nguyễn Văn An,1960,Nam,Kinh,,Thôn 1,QH TINH XA,,,,,X\n2,Lê Thị Hoa,11/02/1985,Nữ,Kinh,,,QH TINH,,Xóm 5,,10/2025,\n3,Lò Văn Páo,1955,Nam,Thái,,,QH TINH XA,Cử tri không cư trú ở địa phương,Xóm 6,,5/2022,\n4,Hà Văn Tư,1950,Nam,Kinh,,,QH TINH XA,,Xóm 7,,tháng 5/2024,\n"
    );
    let list = read_voter_file("ds.csv", text.as_bytes(), &ctx(), &mut |_, _| {}).unwrap_or_else(|p| panic!("{p:#?}"));
    let v: Vec<&ImportedVoter> = list.voters.iter().collect();
    assert!(v[0].mobile_box && v[0].voter.note.is_empty());
    assert!(!v[1].mobile_box);
    assert_eq!(v[1].voter.residence, "");
    assert_eq!(v[1].voter.residence_temporary, "Xóm 5");
    assert_eq!(v[1].voter.note, "Tạm trú từ tháng 10/2025");
    assert_eq!(v[2].voter.note, "Tạm trú từ năm 2022; Cử tri không cư trú ở địa phương");
    assert_eq!(v[3].voter.note, "Tạm trú từ tháng 5/2024");
    // Refused, naming row and column: a year alone from 2025 on, a start
    // after election day, a start without a (7b) address, a note that says
    // another start, a mobile-box cell that is not a mark.
    let bad = format!(
        "{head}\n1,An,1960,Nam,Kinh,,,QH TINH,,Xóm 5,,2025,\n2,Bình,1960,Nam,Kinh,,,QH TINH,,Xóm 5,,5/2026,\n3,Cúc,1960,Nữ,Kinh,,Thôn 1,QH TINH,,,,10/2025,\n4,Dung,1960,Nữ,Kinh,,,QH TINH,Tạm trú từ tháng 9/2025,Xóm 5,,10/2025,\n5,Em,1960,Nữ,Kinh,,Thôn 1,QH TINH XA,,,,,cần\n6,Gia,1960,Nữ,Kinh,,,QH TINH,,Xóm 5,,dưới 12 tháng,\n"
    );
    let p: Vec<String> = read_voter_file("ds.csv", bad.as_bytes(), &ctx(), &mut |_, _| {}).err().unwrap_or_default().iter().map(|p| p.describe("ds.csv")).collect();
    let want = [
        "ds.csv, dòng 2, cột tam_tru_tu (Thời gian bắt đầu tạm trú): thời gian bắt đầu tạm trú chỉ ghi năm 2025: Mẫu 31/HĐBC chỉ cho ghi năm khi bắt đầu tạm trú từ năm 2024 trở về trước",
        "ds.csv, dòng 3, cột tam_tru_tu (Thời gian bắt đầu tạm trú): thời gian bắt đầu tạm trú 5/2026 sau ngày bầu cử 15/03/2026",
        "ds.csv, dòng 4, cột tam_tru_tu (Thời gian bắt đầu tạm trú): có thời gian bắt đầu tạm trú nhưng chưa có địa chỉ tạm trú",
        "ds.csv, dòng 5, cột ghi_chu (Ghi chú): ghi chú ghi tạm trú từ 9/2025, khác cột tam_tru_tu (10/2025)",
        "ds.csv, dòng 6, cột hom_phieu_phu (Hòm phiếu phụ): \"cần\": ghi \"X\" nếu cử tri cần hòm phiếu phụ",
        "ds.csv, dòng 7, cột tam_tru_tu (Thời gian bắt đầu tạm trú): thời gian bắt đầu tạm trú \"dưới 12 tháng\" không hợp lệ",
    ];
    assert_eq!(p.len(), want.len(), "{p:#?}");
    for (got, want) in p.iter().zip(want) {
        assert!(got.starts_with(want), "{got}\nwant: {want}");
    }
}

/// Unicode → the bytes Excel on Vietnamese Windows writes in code page
/// 1258: a letter the code page has is one byte ("ê", "á", "Đ"); any other
/// is its base letter with its circumflex, breve or horn (precomposed where
/// the code page has it) followed by the tone mark as a combining byte.
pub(crate) fn cp1258(s: &str) -> Vec<u8> {
    use unicode_normalization::UnicodeNormalization;
    let one = |c: char| -> Option<Vec<u8>> {
        let mut buf = [0u8; 4];
        let (bytes, _, errors) = encoding_rs::WINDOWS_1258.encode(c.encode_utf8(&mut buf));
        (!errors).then(|| bytes.into_owned())
    };
    let mut out = Vec::new();
    for c in s.nfc() {
        if let Some(b) = one(c) {
            out.extend(b);
            continue;
        }
        let d: String = c.to_string().nfd().collect();
        let tone: String = d.chars().filter(|m| matches!(m, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}')).collect();
        let base: String = d.chars().filter(|m| !tone.contains(*m)).collect::<String>().nfc().collect();
        for part in base.chars().chain(tone.chars()) {
            out.extend(one(part).unwrap_or_else(|| panic!("{part:?} not in cp1258")));
        }
    }
    out
}

#[test]
fn windows_1258_csv_reads_as_the_names_a_person_sees_in_nfc() {
    let names = ["Nguyễn Thị Ánh Tuyết", "Đặng Văn Đức", "Lê Hữu Phước", "Trần Quý Kỳ", "Hoàng Ngọc Bích"];
    let mut text = format!("{HEAD}\r\n");
    for (i, n) in names.iter().enumerate() {
        text.push_str(&format!("{},{n},05/07/1960,Nam,Kinh,,Thôn Chẩn Xuyên,QH,Ghi chú ở dòng {}\r\n", i + 1, i + 2));
    }
    let bytes = cp1258(&text);
    assert!(std::str::from_utf8(&bytes).is_err());
    // Tone marks travel as combining bytes: "ễ" is "ê" (0xEA) + 0xDE.
    assert!(bytes.windows(2).any(|w| w == [0xEA, 0xDE]));
    let list = read_voter_file("excel.csv", &bytes, &ctx(), &mut |_, _| {}).unwrap_or_else(|p| panic!("{p:#?}"));
    let got: Vec<&str> = list.voters.iter().map(|v| v.voter.name.as_str()).collect();
    assert_eq!(got, names);
    assert_eq!(list.voters[0].voter.residence, "Thôn Chẩn Xuyên");
    assert_eq!(list.voters[4].voter.note, "Ghi chú ở dòng 6");
    assert_eq!(list.converted_from, None);
    // Excel's Vietnamese list separator is ';'.
    let semi = cp1258(&text.replace(',', ";"));
    let list = read_voter_file("excel.csv", &semi, &ctx(), &mut |_, _| {}).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(list.voters[1].voter.name, "Đặng Văn Đức");
}

#[test]
fn legacy_vni_csv_bytes_are_still_read_as_legacy_not_as_windows_1258() {
    // VNI: "Nguyeãn Thò Höông", "Ñaëng Vaên Ñöùc" in Latin-1 bytes; 0xE3
    // and 0xF2 are other letters in Windows-1258.
    let mut bytes = format!("{HEAD}\n").into_bytes();
    bytes.extend_from_slice(b"1,Nguye\xE3n Th\xF2 H\xF6\xF4ng,05/07/1960,N\xF6\xF5,Kinh,,Tho\xE2n 1,QH,\n");
    bytes.extend_from_slice(b"2,\xD1a\xEBng Va\xEAn \xD1\xF6\xF9c,05/07/1961,Nam,Kinh,,Tho\xE2n 1,QH,\n");
    let list = read_voter_file("cu.csv", &bytes, &ctx(), &mut |_, _| {});
    let list = list.unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(list.voters[0].voter.name, "Nguyễn Thị Hương");
    assert_eq!(list.voters[1].voter.name, "Đặng Văn Đức");
    assert_eq!(list.voters[0].voter.gender, Gender::Female);
    assert_eq!(list.voters[0].voter.residence, "Thôn 1");
    assert_eq!(list.converted_from, Some("VNI"));
}

#[test]
fn text_that_only_decodes_to_impossible_vietnamese_is_refused_with_row_and_column() {
    // A Windows-1258 list in which one cell has a tone mark after a
    // consonant ("Th" + ngã) — what a different tool's bytes read as.
    let mut text = format!("{HEAD}\n");
    for (i, n) in ["Nguyễn Thị Ánh", "Đặng Văn Đức", "Phạm Thị Huệ"].iter().enumerate() {
        text.push_str(&format!("{},{n},05/07/1960,Nữ,Kinh,,Thôn 1,QH,\n", i + 1));
    }
    let mut bytes = cp1258(&text);
    bytes.extend_from_slice(&cp1258("4,Lê Văn Tài,05/07/1960,Nam,Kinh,,"));
    bytes.extend_from_slice(b"Th\xDE\xF4n 2,QH,\n");
    let p = read_voter_file("excel.csv", &bytes, &ctx(), &mut |_, _| {}).err().unwrap_or_default();
    let d: Vec<String> = p.iter().map(|p| p.describe("excel.csv")).collect();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(
        d[0].starts_with("excel.csv, dòng 5, cột noi_cu_tru (Nơi thường trú): \"Th\u{303}ôn 2\" có dấu thanh nằm trên phụ âm \"h\": tệp CSV không phải UTF-8, đọc theo bảng mã Windows-1258 của Excel tiếng Việt vẫn không ra chữ tiếng Việt"),
        "{d:#?}"
    );

    // A list saved in another code page (Windows-1251: "Иванов Петр"):
    // neither Windows-1258 nor a legacy font reads it as Vietnamese.
    let mut bytes = format!("{HEAD}\n").into_bytes();
    bytes.extend_from_slice(b"1,\xC8\xE2\xE0\xED\xEE\xE2 \xCF\xE5\xF2\xF0,05/07/1960,Nam,Kinh,,Thon 1,QH,\n");
    let p = read_voter_file("khac.csv", &bytes, &ctx(), &mut |_, _| {}).err().unwrap_or_default();
    let d: Vec<String> = p.iter().map(|p| p.describe("khac.csv")).collect();
    assert!(d.iter().any(|s| s.starts_with("khac.csv, dòng 2, cột ho_ten (Họ và tên): \"") && s.contains("chưa nhập để tránh sai tên")), "{d:#?}");
}

#[test]
fn letters_lost_when_excel_saved_in_another_code_page_are_refused() {
    // Excel on an English Windows writes "?" for every letter its code
    // page lacks: "Nguyễn Thị Hương" becomes "Nguy?n Th? H??ng", "Hà" stays.
    let mut bytes = format!("{HEAD}\n").into_bytes();
    bytes.extend_from_slice(b"1,Nguy?n Th? H\xe0,05/07/1960,N?,Kinh,,Th\xf4n 1,QH,\n");
    let p = read_voter_file("tay.csv", &bytes, &ctx(), &mut |_, _| {}).err().unwrap_or_default();
    let d: Vec<String> = p.iter().map(|p| p.describe("tay.csv")).collect();
    assert!(d.iter().any(|s| s.starts_with("tay.csv, dòng 2, cột ho_ten (Họ và tên): \"Nguy?n Th? Hà\" có \"?\" thay cho chữ đã mất")), "{d:#?}");
    // The same text in a UTF-8 file (pure ASCII and "?") is refused too.
    let text = format!("{HEAD}\n1,Nguy?n V?n An,05/07/1960,Nam,Kinh,,Thon 1,QH,\n");
    let p = read_voter_file("ascii.csv", text.as_bytes(), &ctx(), &mut |_, _| {}).err().unwrap_or_default();
    assert!(p.first().is_some_and(|p| p.describe("ascii.csv").starts_with("ascii.csv, dòng 2, cột ho_ten (Họ và tên): \"Nguy?n V?n An\" có \"?\"")), "{p:#?}");
}
