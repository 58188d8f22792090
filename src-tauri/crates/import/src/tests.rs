//! Importer tests on in-memory grids and CSV text (`interfaces.md` §3,
//! `domain.md` §3, §8). Real .xlsx/.ods/.xls files are tested in `tests/`.

use chrono::NaiveDate;

use tobaucu_core::voter::BirthDate;

use super::grid::{Cell, Sheet};
use super::*;

/// One allocation above 512 MiB aborts the unit tests with a message
/// (`fuzzing::CappedAlloc`): a size taken from a file fails here on every
/// machine.
#[global_allocator]
static ALLOC: crate::fuzzing::CappedAlloc = crate::fuzzing::CappedAlloc;

fn ctx() -> ImportContext {
    ImportContext {
        levels: vec![("QH".into(), "Đại biểu Quốc hội khóa XVI".into()), ("TINH".into(), "Đại biểu HĐND tỉnh Thanh Hóa".into()), ("XA".into(), "Đại biểu HĐND xã Thiệu Ngọc".into())],
        election_day: NaiveDate::from_ymd_opt(2026, 3, 15).unwrap_or_default(),
        level_columns: Vec::new(),
    }
}

fn csv(text: &str) -> Result<ImportedList, Vec<Problem>> {
    read_voter_file("ds.csv", text.as_bytes(), &ctx(), &mut |_, _| {})
}

const HEAD: &str = "stt,ho_ten,ngay_sinh,gioi_tinh,dan_toc,can_cuoc,noi_cu_tru,levels,ghi_chu\n";

#[test]
fn csv_reads_every_field() {
    let r = csv(&format!("{HEAD}1,  Nguyễn   Văn An ,05/07/1960,Nam,Kinh,038060001234,Thôn Chẩn Xuyên 1,QH TINH XA,\n2,Lê Thị Hoa,1985-02-11,Nữ,Kinh,,Thôn 2,QH TINH,Tạm trú dưới 12 tháng\n"));
    let list = r.unwrap_or_else(|p| panic!("{p:?}"));
    let v = &list.voters[0].voter;
    assert_eq!(v.name, "Nguyễn Văn An");
    assert_eq!(v.birth_date, BirthDate::Full(NaiveDate::from_ymd_opt(1960, 7, 5).unwrap_or_default()));
    assert_eq!(v.id_number.as_deref(), Some("038060001234"));
    assert_eq!(v.levels, ["QH", "TINH", "XA"]);
    let v2 = &list.voters[1].voter;
    assert_eq!(v2.levels, ["QH", "TINH"]);
    assert_eq!(v2.gender, tobaucu_core::voter::Gender::Female);
    assert_eq!(list.voters[1].row, 3);
}

#[test]
fn csv_problems_name_row_column_and_field() {
    let r = csv(&format!("{HEAD}1,Nguyễn Văn An,31/02/1960,Nam,Kinh,,x,QH,\n2,Trần Văn B,01/01/2010,Nam,Kinh,123,x,QH HUYEN,\n1,Lê C,01/01/1970,X,Kinh,,x,QH,\n"));
    let problems = r.err().unwrap_or_default();
    let described: Vec<String> = problems.iter().map(|p| p.describe("ds.csv")).collect();
    let want = [
        "ds.csv, dòng 2, cột ngay_sinh (Ngày sinh): ngày sinh \"31/02/1960\" không hợp lệ",
        "ds.csv, dòng 3, cột ngay_sinh (Ngày sinh): sinh ngày 01/01/2010 nên chưa đủ 18 tuổi",
        "ds.csv, dòng 3, cột can_cuoc (Số định danh/căn cước): số định danh \"123\"",
        "ds.csv, dòng 3, cột levels (Cấp bầu cử): cấp \"HUYEN\" không có",
        "ds.csv, dòng 4, cột stt (STT): STT 1 bị trùng với dòng 2",
        "ds.csv, dòng 4, cột gioi_tinh (Giới tính): giới tính \"X\" không hợp lệ",
    ];
    for w in want {
        assert!(described.iter().any(|d| d.starts_with(w)), "missing {w:?} in {described:#?}");
    }
    assert_eq!(described.len(), want.len(), "{described:#?}");
}

#[test]
fn duplicate_id_numbers_are_refused() {
    let r = csv(&format!("{HEAD}1,A,01/01/1970,Nam,Kinh,038070000001,x,QH,\n2,B,01/01/1971,Nữ,Kinh,038070000001,x,QH,\n"));
    let p = r.err().unwrap_or_default();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].row, Some(3));
    assert!(p[0].message.contains("trùng với dòng 2"), "{}", p[0].message);
}

#[test]
fn legacy_csv_bytes_are_converted() {
    // TCVN3 bytes: "NguyÔn V¨n An" in Windows-1252, not UTF-8.
    let mut bytes = HEAD.as_bytes().to_vec();
    bytes.extend_from_slice(b"1,Nguy\xD4n V\xA8n An,05/07/1960,Nam,Kinh,,Th\xABn 1,QH,\n");
    let r = read_voter_file("cu.csv", &bytes, &ctx(), &mut |_, _| {}).unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(r.voters[0].voter.name, "Nguyễn Văn An");
    assert_eq!(r.voters[0].voter.residence, "Thôn 1");
    assert_eq!(r.converted_from, Some("TCVN3 (ABC)"));
}

#[test]
fn unknown_extension_and_empty_list() {
    let p = read_voter_file("ds.pdf", b"%PDF", &ctx(), &mut |_, _| {}).err().unwrap_or_default();
    assert!(p[0].message.contains(".pdf"));
    let p = csv(HEAD).err().unwrap_or_default();
    assert!(p[0].message.contains("không có cử tri"));
}

fn t(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.into())
    }
}

/// A Mẫu 31 sheet as a commune makes it: title rows, a two-row merged header,
/// a row of column numbers, data with "x" marks, then totals and signatures.
fn form_sheet(data: Vec<Vec<Cell>>) -> Sheet {
    let mut rows = vec![
        vec![t("ỦY BAN NHÂN DÂN XÃ THIỆU NGỌC")],
        vec![t(""), t(""), t("DANH SÁCH CỬ TRI")],
        vec![t("Khu vực bỏ phiếu số 1")],
        vec![],
        vec![
            t("STT"),
            t("Họ và tên"),
            t("Ngày, tháng, năm sinh"),
            t("Giới tính"),
            t(""),
            t("Dân tộc"),
            t("Số định danh cá nhân"),
            t("Nơi cư trú"),
            t(""),
            t("Bầu cử đại biểu Quốc hội"),
            t("Bầu cử đại biểu HĐND"),
            t(""),
            t("Ghi chú"),
        ],
        vec![t(""), t(""), t(""), t("Nam"), t("Nữ"), t(""), t(""), t("Thường trú"), t("Tạm trú"), t(""), t("Tỉnh"), t("Xã"), t("")],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8a)", "(8b)", "(9)", "(10)", "(11)", "(12)"].iter().map(|s| t(s)).collect(),
    ];
    rows.extend(data);
    rows.push(vec![t(""), t("Tổng số: 2 người; trong đó có 1 Nam, 1 Nữ")]);
    rows.push(vec![t(""), t(""), t(""), t(""), t(""), t(""), t(""), t("Thiệu Ngọc, ngày 3 tháng 2 năm 2026")]);
    rows.push(vec![t(""), t("NGƯỜI LẬP DANH SÁCH"), t(""), t(""), t(""), t(""), t(""), t("TM. ỦY BAN NHÂN DÂN")]);
    Sheet { name: Some("DS".into()), first_row: 1, first_col: 0, rows, code_page: None }
}

#[test]
fn form_layout_with_merged_header_and_footer() {
    let sheet = form_sheet(vec![
        vec![
            Cell::Number(1.0),
            t("Nguyễn Văn An"),
            Cell::Date(NaiveDate::from_ymd_opt(1960, 7, 5).unwrap_or_default()),
            t("x"),
            t(""),
            t("Kinh"),
            Cell::Number(38060001234.0),
            t("Thôn 1"),
            t(""),
            t("x"),
            t("x"),
            t("x"),
            t(""),
        ],
        vec![Cell::Number(2.0), t("Lê Thị Hoa"), t("11/02/1985"), t(""), t("X"), t("Kinh"), t("038185000001"), t(""), t("Thôn 9, xã Khác"), t("x"), t("x"), t(""), t("Tạm trú dưới 12 tháng")],
    ]);
    let layout = columns::find_layout(&sheet, &ctx()).unwrap_or_else(|p| panic!("{p:?}"));
    let voters = rows::read_rows(&sheet, &layout, &ctx(), &mut |_, _| {}).unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(voters.len(), 2);
    assert_eq!(voters[0].row, 8);
    assert_eq!(voters[0].voter.levels, ["QH", "TINH", "XA"]);
    // A căn cước typed as a number lost its leading zero: restored.
    assert_eq!(voters[0].voter.id_number.as_deref(), Some("038060001234"));
    assert_eq!(voters[1].voter.levels, ["QH", "TINH"]);
    assert_eq!(voters[1].voter.residence, "");
    assert_eq!(voters[1].voter.residence_temporary, "Thôn 9, xã Khác");
    assert_eq!(voters[1].voter.gender, tobaucu_core::voter::Gender::Female);
}

#[test]
fn form_rows_with_problems_are_all_listed() {
    let sheet = form_sheet(vec![
        vec![Cell::Number(1.0), t("Nguyễn Văn An"), t("05/07/1960"), t("x"), t("x"), t("Kinh"), t(""), t("Thôn 1"), t(""), t("x"), t("x"), t("x")],
        vec![Cell::Number(2.0), t(""), t("2008"), t("x"), t(""), t("Kinh"), t(""), t("Thôn 1"), t(""), t(""), t(""), t("")],
    ]);
    let layout = columns::find_layout(&sheet, &ctx()).unwrap_or_else(|p| panic!("{p:?}"));
    let p = rows::read_rows(&sheet, &layout, &ctx(), &mut |_, _| {}).err().unwrap_or_default();
    let d: Vec<String> = p.iter().map(|p| p.describe("ds.xlsx")).collect();
    assert!(d.iter().any(|s| s.starts_with("ds.xlsx, dòng 8, cột D (Giới tính): đánh dấu cả ô Nam và ô Nữ")), "{d:#?}");
    assert!(d.iter().any(|s| s.starts_with("ds.xlsx, dòng 9, cột B (Họ và tên): thiếu họ và tên")), "{d:#?}");
    assert!(d.iter().any(|s| s.starts_with("ds.xlsx, dòng 9, cột C (Ngày sinh): chỉ ghi năm sinh 2008: Mẫu 31/HĐBC chỉ cho ghi năm sinh với cử tri sinh từ năm 2007 trở về trước")), "{d:#?}");
    assert!(d.iter().any(|s| s.starts_with("ds.xlsx, dòng 9, cột J (Cấp bầu cử): chưa đánh dấu")), "{d:#?}");
}

#[test]
fn level_columns_match_by_header_text() {
    let c = ctx();
    assert_eq!(columns::match_level("bau cu dai bieu quoc hoi", &c).as_deref(), Some("QH"));
    assert_eq!(columns::match_level("bau cu dai bieu hdnd tinh", &c).as_deref(), Some("TINH"));
    assert_eq!(columns::match_level("hdnd xa", &c).as_deref(), Some("XA"));
    assert_eq!(columns::match_level("hdnd huyen", &c), None);
}

#[test]
fn column_letters() {
    assert_eq!(grid::col_letter(0), "A");
    assert_eq!(grid::col_letter(25), "Z");
    assert_eq!(grid::col_letter(26), "AA");
    assert_eq!(grid::col_letter(27), "AB");
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap_or_default()
}

#[test]
fn a_spreadsheet_that_makes_the_library_panic_is_refused_not_crashed() {
    // Found by `cargo fuzz run voter_spreadsheet`: calamine 0.38 (the
    // reader before ours) panicked on this .xls (an out-of-range slice in
    // its OLE reader). Our reader finds its directory damaged; the importer
    // also contains any panic of the zip/XML libraries (catch_unwind).
    let bytes = fixture("fuzz-calamine-panic.xls");
    assert!(!bytes.is_empty());
    let r = read_voter_file("danh-sach.xls", &bytes, &ctx(), &mut |_, _| {});
    let problems = r.err().unwrap_or_default();
    assert!(problems.iter().any(|p| p.describe("danh-sach.xls").contains("hỏng")), "{problems:?}");
}

#[test]
fn a_zip_that_would_unpack_to_gigabytes_is_refused_before_reading() {
    // 250 KB on disk, 250 MB unpacked.
    let bytes = fixture("zip-bomb.xlsx");
    assert!(bytes.len() < 300_000);
    let r = read_voter_file("danh-sach.xlsx", &bytes, &ctx(), &mut |_, _| {});
    let problems = r.err().unwrap_or_default();
    assert!(problems.iter().any(|p| p.describe("danh-sach.xlsx").contains("vượt giới hạn 200 MB")), "{problems:?}");
}

#[test]
fn an_xls_whose_cells_would_span_gigabytes_is_refused_before_the_library_reads_it() {
    // Found by fuzzing: 16 KB that made calamine allocate a 16 GB grid.
    let bytes = fixture("fuzz-xls-16gb.xls");
    assert!(bytes.len() < 20_000);
    let r = read_voter_file("danh-sach.xls", &bytes, &ctx(), &mut |_, _| {});
    let problems = r.err().unwrap_or_default();
    assert!(problems.iter().any(|p| p.describe("danh-sach.xls").contains("quá lớn so với danh sách cử tri")), "{problems:?}");
}

#[test]
fn the_xls_container_reader_reads_small_and_large_workbooks() {
    // A workbook under 4 KB lives in the compound file's mini stream; the
    // 4,000-voter one spans many FAT sectors. Both made by LibreOffice.
    for (name, voters) in [("tiny-ministream.xls", 1), ("mau31.xls", 40), ("mau31-4000.xls", 4000)] {
        let bytes = fixture(name);
        assert!(crate::xls::read(&bytes).is_ok(), "{name}");
        let list = read_voter_file(name, &bytes, &ctx(), &mut |_, _| {}).unwrap_or_else(|p| panic!("{name}: {p:?}"));
        assert_eq!(list.voters.len(), voters, "{name}");
    }
}

#[test]
fn an_xls_whose_dimensions_record_overflows_is_refused() {
    // Found by fuzzing calamine, the reader before ours: a DIMENSIONS
    // record with its last row before its first made it reserve 4 PB (an
    // abort, not a panic); the second one names strings its table lacks
    // (it was found only by walking the sheet from the position its
    // BOUNDSHEET record gives); the third loops its directory chain, which
    // calamine would read forever. Each is damaged, and said so.
    for name in ["fuzz-xls-dimensions.xls", "fuzz-xls-dimensions-2.xls", "fuzz-xls-chain-loop.xls"] {
        let bytes = fixture(name);
        let r = read_voter_file("danh-sach.xls", &bytes, &ctx(), &mut |_, _| {});
        let problems = r.err().unwrap_or_default();
        assert!(problems.iter().any(|p| p.describe("danh-sach.xls").contains("hỏng") || p.describe("danh-sach.xls").contains("quá lớn")), "{name}: {problems:?}");
    }
}

#[test]
fn a_date_serial_beyond_the_calendar_is_a_number_not_a_crash() {
    // Found by fuzzing: an .xls date cell whose serial is out of range made
    // the date library panic when converted.
    let bytes = fixture("fuzz-date-serial.xls");
    let r = read_voter_file("danh-sach.xls", &bytes, &ctx(), &mut |_, _| {});
    // Whatever the verdict on the list, it is a verdict (no panic escaped).
    if let Err(problems) = r {
        assert!(!problems.is_empty());
        assert!(problems.iter().all(|p| !p.describe("danh-sach.xls").contains("hỏng bên trong")), "{problems:?}");
    }
}

#[test]
fn an_xls_that_made_the_library_ask_for_10_petabytes_is_refused() {
    // Found by the fixed-seed fuzz run in CI: a 17 KB .xls (mau31.xls with
    // its mini-stream cutoff changed) made calamine ask for 10 PB and abort.
    // Read by our own reader: its Workbook stream is then in the mini
    // stream, where the chain is too short — a damaged file, said so.
    let bytes = fixture("fuzz-xls-alloc-10pb.xls");
    assert_eq!(bytes.len(), 17_408);
    let r = read_voter_file("danh-sach.xls", &bytes, &ctx(), &mut |_, _| {});
    let problems = r.err().unwrap_or_default();
    assert!(problems.iter().any(|p| p.describe("danh-sach.xls").contains("hỏng")), "{problems:?}");
}

/// A sheet's non-empty cells by position as the user sees it (1-based row,
/// 0-based column). .ods dates are read as ISO text ("1995-02-25"), Excel's
/// as dates: compared as that text.
fn cells_by_position(sheet: &Sheet) -> Vec<(u32, u32, Cell)> {
    let mut out = Vec::new();
    for (r, row) in sheet.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let cell = match cell {
                Cell::Empty => continue,
                Cell::Date(d) => Cell::Text(d.format("%Y-%m-%d").to_string()),
                other => other.clone(),
            };
            out.push((sheet.row_number(r), sheet.first_col + c as u32, cell));
        }
    }
    out
}

#[test]
fn the_same_list_in_three_formats_reads_cell_for_cell_the_same() {
    // Made from one .fods by LibreOffice (tests/fixtures/make_spreadsheets.py).
    for set in [&["mau31.xlsx", "mau31.xls", "mau31.ods"][..], &["mau31-4000.xlsx", "mau31-4000.xls"], &["mau31-ugly.xlsx", "mau31-ugly.ods"]] {
        let read = |name: &str| {
            let sheets = grid::read_spreadsheet(&fixture(name)).unwrap_or_else(|p| panic!("{name}: {p:?}"));
            assert_eq!(sheets.len(), 1, "{name}");
            let cells = cells_by_position(&sheets[0]);
            let voters = read_voter_file(name, &fixture(name), &ctx(), &mut |_, _| {}).unwrap_or_else(|p| panic!("{name}: {p:?}")).voters;
            (sheets[0].name.clone(), cells, voters)
        };
        let (name0, cells0, voters0) = read(set[0]);
        assert!(cells0.len() > 400 && !voters0.is_empty(), "{}", set[0]);
        for other in &set[1..] {
            let (name, cells, voters) = read(other);
            assert_eq!(name, name0, "{other}");
            assert_eq!(cells.len(), cells0.len(), "{other}");
            for (a, b) in cells.iter().zip(&cells0) {
                assert_eq!(a, b, "{other} vs {}", set[0]);
            }
            assert_eq!(voters, voters0, "{other} vs {}", set[0]);
        }
    }
}
