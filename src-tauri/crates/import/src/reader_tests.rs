//! Hostile files for the spreadsheet readers, made byte by byte here (.xls:
//! a compound file around BIFF8 records) or with the zip writer (.xlsx,
//! .ods): counts and lengths that lie, cells at the far corner, repeats by
//! the million. Each is read or refused with a message, quickly, and
//! without a large allocation (the unit tests run under
//! `fuzzing::CappedAlloc`).

use std::io::Write as _;
use std::time::{Duration, Instant};

use super::grid::{self, Cell, Sheet, MAX_UNPACKED};
use super::zipxml::Zip;
use super::Problem;

/// Reads a spreadsheet, within a time no bound-respecting reader needs.
fn read(bytes: &[u8]) -> Result<Vec<Sheet>, Problem> {
    let started = Instant::now();
    let r = grid::read_spreadsheet(bytes);
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    r
}

fn read_ok(bytes: &[u8]) -> Vec<Sheet> {
    read(bytes).unwrap_or_else(|p| panic!("{p:?}"))
}

fn refused(bytes: &[u8]) -> String {
    match read(bytes) {
        Ok(sheets) => panic!("read: {sheets:?}"),
        Err(p) => p.message,
    }
}

/// The cell at a row as the user sees it (1-based) and a 0-based column.
fn at(sheet: &Sheet, row: u32, col: u32) -> Cell {
    let (Some(r), Some(c)) = (row.checked_sub(sheet.first_row), col.checked_sub(sheet.first_col)) else {
        return Cell::Empty;
    };
    sheet.cell(r as usize, c as usize).clone()
}

fn text(s: &str) -> Cell {
    Cell::Text(s.into())
}

// ---------------------------------------------------------------- .xls

fn rec(kind: u16, data: &[u8]) -> Vec<u8> {
    let mut r = kind.to_le_bytes().to_vec();
    r.extend((data.len() as u16).to_le_bytes());
    r.extend(data);
    r
}

fn u16s(values: &[u16]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// BOF of BIFF `version` (0x0600 is BIFF8) for substream `dt` (5 the
/// globals, 0x10 a worksheet).
fn bof(version: u16, dt: u16) -> Vec<u8> {
    let mut d = u16s(&[version, dt, 0, 0]);
    d.extend([0u8; 8]);
    rec(0x0809, &d)
}

/// A cell record's row, column and style.
fn cell_head(row: u16, col: u16, xf: u16) -> Vec<u8> {
    u16s(&[row, col, xf])
}

fn number(row: u16, col: u16, xf: u16, v: f64) -> Vec<u8> {
    let mut d = cell_head(row, col, xf);
    d.extend(v.to_le_bytes());
    rec(0x0203, &d)
}

fn label_sst(row: u16, col: u16, index: u32) -> Vec<u8> {
    let mut d = cell_head(row, col, 0);
    d.extend(index.to_le_bytes());
    rec(0x00FD, &d)
}

/// An `XLUnicodeString` of Latin-1 characters, claiming `cch` of them.
fn xl_string(cch: u16, chars: &[u8]) -> Vec<u8> {
    let mut d = cch.to_le_bytes().to_vec();
    d.push(0);
    d.extend(chars);
    d
}

/// A compound file holding `stream` as its Workbook stream (512-byte
/// sectors: FAT in sector 0, directory in 1, the stream from 2).
fn cfb(stream: &[u8]) -> Vec<u8> {
    let mut s = stream.to_vec();
    // At least the mini-stream cutoff, so it lives in ordinary sectors.
    let len = s.len().max(4096).div_ceil(512) * 512;
    s.resize(len, 0);
    let sectors = (len / 512) as u32;
    assert!(sectors + 2 <= 128, "test stream too long");
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let put16 = |h: &mut Vec<u8>, at: usize, v: u16| h[at..at + 2].copy_from_slice(&v.to_le_bytes());
    let put32 = |h: &mut Vec<u8>, at: usize, v: u32| h[at..at + 4].copy_from_slice(&v.to_le_bytes());
    put16(&mut header, 0x18, 0x3E);
    put16(&mut header, 0x1A, 3);
    put16(&mut header, 0x1C, 0xFFFE);
    put16(&mut header, 0x1E, 9);
    put16(&mut header, 0x20, 6);
    put32(&mut header, 0x2C, 1); // FAT sectors
    put32(&mut header, 0x30, 1); // first directory sector
    put32(&mut header, 0x38, 4096); // mini stream cutoff
    put32(&mut header, 0x3C, 0xFFFF_FFFE); // no mini FAT
    put32(&mut header, 0x44, 0xFFFF_FFFE); // no DIFAT sectors
    for i in 0..109 {
        put32(&mut header, 0x4C + i * 4, if i == 0 { 0 } else { 0xFFFF_FFFF });
    }
    let mut fat = vec![0xFFu8; 512];
    let mut set = |i: u32, v: u32| {
        let i = i as usize * 4;
        fat[i..i + 4].copy_from_slice(&v.to_le_bytes());
    };
    set(0, 0xFFFF_FFFD);
    set(1, 0xFFFF_FFFE);
    for k in 0..sectors {
        set(2 + k, if k + 1 == sectors { 0xFFFF_FFFE } else { 3 + k });
    }
    let mut dir = vec![0u8; 512];
    let entry = |dir: &mut Vec<u8>, i: usize, name: &str, kind: u8, child: u32, start: u32, size: u32| {
        let e = &mut dir[i * 128..i * 128 + 128];
        let units: Vec<u16> = name.encode_utf16().collect();
        for (k, u) in units.iter().enumerate() {
            e[k * 2..k * 2 + 2].copy_from_slice(&u.to_le_bytes());
        }
        e[0x40..0x42].copy_from_slice(&((units.len() as u16 + 1) * 2).to_le_bytes());
        e[0x42] = kind;
        e[0x44..0x48].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        e[0x48..0x4C].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        e[0x4C..0x50].copy_from_slice(&child.to_le_bytes());
        e[0x74..0x78].copy_from_slice(&start.to_le_bytes());
        e[0x78..0x7C].copy_from_slice(&size.to_le_bytes());
    };
    entry(&mut dir, 0, "Root Entry", 5, 1, 0xFFFF_FFFE, 0);
    entry(&mut dir, 1, "Workbook", 2, 0xFFFF_FFFF, 2, len as u32);
    let mut out = header;
    out.extend(fat);
    out.extend(dir);
    out.extend(s);
    out
}

/// An .xls: globals (BOF, `globals`, one BOUNDSHEET "DS", EOF) and one
/// worksheet (BOF, `cells`, EOF).
fn xls(globals: &[Vec<u8>], cells: &[Vec<u8>]) -> Vec<u8> {
    xls_with_bof(bof(0x0600, 5), globals, cells)
}

fn xls_with_bof(first: Vec<u8>, globals: &[Vec<u8>], cells: &[Vec<u8>]) -> Vec<u8> {
    let mut g = first;
    g.extend(globals.iter().flatten());
    let sheet_at = g.len() + 4;
    let mut bs = 0u32.to_le_bytes().to_vec();
    bs.extend([0, 0, 2, 0]);
    bs.extend(b"DS");
    g.extend(rec(0x0085, &bs));
    g.extend(rec(0x000A, &[]));
    let pos = (g.len() as u32).to_le_bytes();
    g[sheet_at..sheet_at + 4].copy_from_slice(&pos);
    g.extend(bof(0x0600, 0x10));
    g.extend(cells.iter().flatten());
    g.extend(rec(0x000A, &[]));
    cfb(&g)
}

/// SST data: the two counts, then each string as Latin-1 `XLUnicodeRichExtendedString`.
fn sst(counts: u32, strings: &[&str]) -> Vec<u8> {
    let mut d = counts.to_le_bytes().to_vec();
    d.extend(counts.to_le_bytes());
    for s in strings {
        d.extend(xl_string(s.len() as u16, s.as_bytes()));
    }
    d
}

#[test]
fn xls_reads_its_cell_records() {
    let mut formula_str = cell_head(3, 0, 0);
    formula_str.extend([0x00, 0, 0, 0, 0, 0, 0xFF, 0xFF]);
    formula_str.extend([0u8; 8]);
    let mut formula_num = cell_head(3, 1, 0);
    formula_num.extend(7.5f64.to_le_bytes());
    formula_num.extend([0u8; 8]);
    let mut mulrk = cell_head(4, 0, 0);
    mulrk.truncate(4);
    // 3 as an integer RK, 1.23 as an integer ÷ 100.
    mulrk.extend(u16s(&[0]));
    mulrk.extend(((3u32 << 2) | 2).to_le_bytes());
    mulrk.extend(u16s(&[0]));
    mulrk.extend(((123u32 << 2) | 3).to_le_bytes());
    mulrk.extend(u16s(&[1]));
    let mut boolerr = cell_head(5, 0, 0);
    boolerr.extend([1, 0]);
    let mut xf_date = vec![0u8; 20];
    xf_date[2] = 14; // built-in m/d/yy
    let mut xf_custom = vec![0u8; 20];
    xf_custom[2] = 164;
    let mut format = 164u16.to_le_bytes().to_vec();
    format.extend(xl_string(10, b"dd/mm/yyyy"));
    let bytes = xls(
        &[rec(0x00E0, &[0u8; 20]), rec(0x00E0, &xf_date), rec(0x00E0, &xf_custom), rec(0x041E, &format), rec(0x00FC, &sst(2, &["STT", "Họ và tên"]))],
        &[
            label_sst(0, 0, 0),
            label_sst(0, 1, 1),
            number(1, 0, 0, 1.0),
            number(1, 2, 1, 21_600.0),
            number(2, 2, 2, 21_601.0),
            rec(0x0006, &formula_str),
            rec(0x0207, &xl_string(4, b"chu\xE1")),
            rec(0x0006, &formula_num),
            rec(0x00BD, &mulrk),
            rec(0x0205, &boolerr),
            rec(0x0201, &cell_head(9, 9, 0)),
        ],
    );
    let sheets = read_ok(&bytes);
    assert_eq!(sheets.len(), 1);
    let s = &sheets[0];
    assert_eq!(s.name.as_deref(), Some("DS"));
    assert_eq!(at(s, 1, 0), text("STT"));
    // Latin-1 bytes: "Họ và tên" was written as UTF-8 bytes, read back one
    // character per byte — as BIFF8's compressed strings are.
    assert_eq!(at(s, 1, 1), text(&"Họ và tên".bytes().map(char::from).collect::<String>()));
    assert_eq!(at(s, 2, 0), Cell::Number(1.0));
    let date = |y, m, d| Cell::Date(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default());
    assert_eq!(at(s, 2, 2), date(1959, 2, 19));
    assert_eq!(at(s, 3, 2), date(1959, 2, 20));
    assert_eq!(at(s, 4, 0), text("chuá"));
    assert_eq!(at(s, 4, 1), Cell::Number(7.5));
    assert_eq!(at(s, 5, 0), Cell::Number(3.0));
    assert_eq!(at(s, 5, 1), Cell::Number(1.23));
    assert_eq!(at(s, 6, 0), text("x"));
    // BLANK cells are formatting: the grid ends at the last value.
    assert_eq!(s.rows.len(), 6);
    // The 1904 date system moves dates by 1462 days.
    let bytes = xls(&[rec(0x0022, &[1, 0]), rec(0x00E0, &xf_date)], &[number(0, 0, 0, 0.0)]);
    assert_eq!(at(&read_ok(&bytes)[0], 1, 0), date(1904, 1, 1));
}

#[test]
fn xls_sst_claiming_two_billion_strings_holds_the_strings_it_has() {
    let bytes = xls(&[rec(0x00FC, &sst(1 << 31, &["a", "b"]))], &[label_sst(0, 0, 0), label_sst(0, 1, 1)]);
    let s = &read_ok(&bytes)[0];
    assert_eq!((at(s, 1, 0), at(s, 1, 1)), (text("a"), text("b")));
    // A string claiming 65,535 characters with 3 there, and no CONTINUE.
    let mut d = sst(1 << 31, &["a"]);
    d.extend(xl_string(u16::MAX, b"abc"));
    let bytes = xls(&[rec(0x00FC, &d)], &[label_sst(0, 0, 1)]);
    assert_eq!(at(&read_ok(&bytes)[0], 1, 0), text("abc"));
    // A cell naming a string beyond the table: the file is damaged.
    let bytes = xls(&[rec(0x00FC, &sst(3, &["a"]))], &[label_sst(0, 0, 2)]);
    let m = refused(&bytes);
    assert!(m.contains("hỏng") && m.contains("chuỗi số 2"), "{m}");
}

#[test]
fn xls_sst_strings_split_across_continue_records() {
    // 1: "Nguyễn", begun in 8-bit characters ("Ng"), continued in a
    //    CONTINUE record that restarts with its own option byte (UTF-16).
    // 2: a rich-text string with 2 runs (8 bytes) and 6 bytes of phonetic
    //    data, both split over the next CONTINUE.
    // 3: "Văn", after them — read only if the skips were right.
    let mut first = 2u32.to_le_bytes().to_vec();
    first.extend(3u32.to_le_bytes());
    first.extend(6u16.to_le_bytes());
    first.push(0x00);
    first.extend(b"Ng");
    let mut second = vec![0x01];
    second.extend("uyễn".encode_utf16().flat_map(u16::to_le_bytes));
    second.extend(2u16.to_le_bytes());
    second.push(0x0C); // fRichSt | fExtSt, 8-bit characters
    second.extend(2u16.to_le_bytes()); // 2 runs
    second.extend(6u32.to_le_bytes()); // 6 bytes of phonetic data
    second.extend(b"Hi");
    second.extend([0xAA; 5]); // runs, begun
    let mut third = vec![0xBB; 3]; // runs, ended (no option byte: not characters)
    third.extend([0xCC; 6]); // phonetic data
    third.extend(xl_string(3, b"V\xE3n"));
    let bytes = xls(&[rec(0x00FC, &first), rec(0x003C, &second), rec(0x003C, &third)], &[label_sst(0, 0, 0), label_sst(0, 1, 1), label_sst(0, 2, 2)]);
    let s = &read_ok(&bytes)[0];
    assert_eq!(at(s, 1, 0), text("Nguyễn"));
    assert_eq!(at(s, 1, 1), text("Hi"));
    assert_eq!(at(s, 1, 2), text("Vãn"));
}

#[test]
fn xls_cell_at_the_far_corner_is_refused_or_read_cheaply() {
    // Row 65,535, column 255 (the last BIFF8 cell), alone: past 200 columns.
    let m = refused(&xls(&[], &[number(65_535, 255, 0, 1.0)]));
    assert!(m.contains("dòng 65536, cột 256") && m.contains("quá lớn"), "{m}");
    // Alone within the columns: one cell, not 65,536 rows of them.
    let s = &read_ok(&xls(&[], &[number(65_535, 199, 0, 1.0)]))[0];
    assert_eq!((s.first_row, s.first_col, s.rows.len()), (65_536, 199, 1));
    // With a cell at A1 too: 65,536 × 200 cells is over the bound, refused
    // before any grid is made.
    let m = refused(&xls(&[], &[number(0, 0, 0, 1.0), number(65_535, 199, 0, 1.0)]));
    assert!(m.contains("65536 dòng × 200 cột"), "{m}");
}

#[test]
fn xls_label_longer_than_its_record_is_cut_to_its_bytes() {
    let mut label = cell_head(0, 0, 0);
    label.extend(xl_string(60_000, b"Lan"));
    let s = &read_ok(&xls(&[], &[rec(0x0204, &label)]))[0];
    assert_eq!(at(s, 1, 0), text("Lan"));
    // UTF-16 claiming more than it has, and an odd byte at the end.
    let mut label = cell_head(0, 0, 0);
    label.extend(60_000u16.to_le_bytes());
    label.push(1);
    label.extend("Huệ".encode_utf16().flat_map(u16::to_le_bytes));
    label.push(0x41);
    let s = &read_ok(&xls(&[], &[rec(0x0204, &label)]))[0];
    assert_eq!(at(s, 1, 0), text("Huệ"));
}

#[test]
fn xls_old_and_encrypted_files_are_refused_with_a_message() {
    let m = refused(&xls_with_bof(bof(0x0500, 5), &[], &[]));
    assert!(m.contains("Excel 5/95") && m.contains(".xlsx"), "{m}");
    let m = refused(&xls(&[rec(0x002F, &[1, 0, 1, 0])], &[]));
    assert!(m.contains("mật khẩu"), "{m}");
    // Not a BOF where the sheet should begin.
    let mut bytes = xls(&[], &[number(0, 0, 0, 1.0)]);
    let bof_sheet = bytes.windows(6).rposition(|w| w == [0x09, 0x08, 0x10, 0x00, 0x00, 0x06]).unwrap_or_default();
    bytes[bof_sheet] = 0x08;
    assert!(refused(&bytes).contains("BOF"));
}

#[test]
fn xls_container_lies_are_refused() {
    let good = xls(&[], &[number(0, 0, 0, 1.0)]);
    // The Workbook stream claiming more bytes than the file has.
    let mut bytes = good.clone();
    let size_at = 1024 + 128 + 0x78;
    bytes[size_at..size_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(refused(&bytes).contains("hỏng"));
    // A FAT chain that loops back on itself.
    let mut bytes = good.clone();
    bytes[512 + 3 * 4..512 + 4 * 4].copy_from_slice(&2u32.to_le_bytes());
    assert!(refused(&bytes).contains("hỏng"));
    // A chain shorter than the stream.
    let mut bytes = good;
    bytes[512 + 2 * 4..512 + 3 * 4].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    assert!(refused(&bytes).contains("hỏng"));
}

// ---------------------------------------------------------------- zip

fn zip_of(members: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, body) in members {
        w.start_file(*name, opts).unwrap();
        w.write_all(body).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn xlsx(sheet_data: &str, shared: &[&str], extra_styles: &str) -> Vec<u8> {
    let strings: String = shared.iter().map(|s| format!("<si><t>{s}</t></si>")).collect();
    let members: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", "<Types/>".into()),
        (
            "_rels/.rels",
            r#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into(),
        ),
        (
            "xl/workbook.xml",
            r#"<workbook xmlns:r="r"><workbookPr date1904="false"/><sheets><sheet name="DS" sheetId="1" r:id="rId1"/></sheets></workbook>"#.into(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="/xl/styles.xml"/></Relationships>"#.into(),
        ),
        ("xl/sharedStrings.xml", format!("<sst>{strings}</sst>")),
        (
            "xl/styles.xml",
            format!(r#"<styleSheet><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><cellStyleXfs><xf numFmtId="14"/></cellStyleXfs><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/>{extra_styles}</cellXfs></styleSheet>"#),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!("<worksheet><dimension ref=\"A1:XFD1048576\"/><sheetData>{sheet_data}</sheetData></worksheet>"),
        ),
    ];
    let members: Vec<(&str, &[u8])> = members.iter().map(|(n, b)| (*n, b.as_bytes())).collect();
    zip_of(&members, zip::CompressionMethod::Stored)
}

#[test]
fn xlsx_reads_types_rich_text_and_cells_without_a_reference() {
    let bytes = xlsx(
        concat!(
            r#"<row r="2"><c r="A2" t="s"><v>0</v></c><c t="s"><v>1</v></c><c t="str"><v>a &amp; b_x000D_</v></c></row>"#,
            r#"<row><c r="B3" s="1"><v>21600</v></c><c s="2"><v>21601</v></c><c><v>12.5</v></c><c t="b"><v>1</v></c>"#,
            r#"<c t="inlineStr"><is><r><t>Lê </t></r><r><t xml:space="preserve"> Thị</t></r></is></c><c t="e"><v>#N/A</v></c>"#,
            r#"<c t="d"><v>1985-02-11T00:00:00</v></c><c><f>1+1</f><v>2</v></c></row>"#,
        ),
        &["STT", r#"<r><t>Họ và</t></r><r><t xml:space="preserve"> tên</t></r><rPh><t>ホ</t></rPh>"#],
        "",
    );
    let s = &read_ok(&bytes)[0];
    assert_eq!(s.name.as_deref(), Some("DS"));
    assert_eq!(at(s, 2, 0), text("STT"));
    assert_eq!(at(s, 2, 1), text("Họ và tên"));
    assert_eq!(at(s, 2, 2), text("a & b\r"));
    let date = |y, m, d| Cell::Date(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default());
    assert_eq!(at(s, 3, 1), date(1959, 2, 19));
    assert_eq!(at(s, 3, 2), date(1959, 2, 20));
    assert_eq!(at(s, 3, 3), Cell::Number(12.5));
    assert_eq!(at(s, 3, 4), text("x"));
    assert_eq!(at(s, 3, 5), text("Lê Thị"));
    assert_eq!(at(s, 3, 6), Cell::Empty);
    assert_eq!(at(s, 3, 7), text("1985-02-11"));
    assert_eq!(at(s, 3, 8), Cell::Number(2.0));
}

#[test]
fn xlsx_cell_at_xfd1048576_is_refused_or_costs_nothing() {
    let m = refused(&xlsx(r#"<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#, &[], ""));
    assert!(m.contains("dòng 1048576, cột 16384") && m.contains("quá lớn"), "{m}");
    // Empty there: nothing to place (the dimension claims the whole sheet).
    let s = &read_ok(&xlsx(r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576" s="1"/></row>"#, &[], ""))[0];
    assert_eq!((s.rows.len(), s.rows[0].len()), (1, 1));
    // References too long for any sheet are not trusted either.
    let m = refused(&xlsx(r#"<row><c r="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA99999999999999999999999999999"><v>1</v></c><c r="Q1"><v>1</v></c></row>"#, &[], ""));
    assert!(m.contains("quá lớn") || m.contains("hỏng"), "{m}");
}

#[test]
fn xlsx_shared_string_index_out_of_range_is_refused() {
    let m = refused(&xlsx(r#"<row r="1"><c r="C1" t="s"><v>4294967296</v></c></row>"#, &["a"], ""));
    assert!(m.contains("C1") && m.contains("không có trong bảng chuỗi dùng chung (1 chuỗi)"), "{m}");
    let m = refused(&xlsx(r#"<row r="1"><c r="A1" t="s"><v>1</v></c></row>"#, &["a"], ""));
    assert!(m.contains("chuỗi số 1"), "{m}");
}

/// Reads a member's XML to its end; the problem that stopped it, if any.
fn drain(zip: &mut Zip<'_>, name: &str) -> Option<Problem> {
    let mut xml = zip.xml(name).unwrap_or_else(|p| panic!("{p:?}")).unwrap_or_else(|| panic!("no {name}"));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Eof) => return None,
            Ok(_) => {}
            Err(e) => return Some(super::zipxml::xml_error(&xml, name, &e)),
        }
    }
}

#[test]
fn zip_lying_about_its_entries_or_sizes_is_refused() {
    let body: Vec<u8> = [&b"<sst>"[..], &b"<si><t>x</t></si>".repeat(100_000), b"</sst>"].concat();
    let name = "xl/sharedStrings.xml";
    let honest = zip_of(&[(name, &body)], zip::CompressionMethod::Deflated);
    // Honest sizes over the budget: refused before unpacking anything.
    let Err(p) = Zip::open_with_budget(&honest, 1 << 20) else { panic!("opened") };
    assert!(p.message.contains("vượt giới hạn"), "{p:?}");
    // Within it, but read again and again (a workbook naming one big part
    // for many sheets): the budget is the archive's, not the member's.
    let mut zip = Zip::open_with_budget(&honest, 2 << 20).unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(drain(&mut zip, name), None);
    let p = drain(&mut zip, name).unwrap_or_else(|| panic!("read twice"));
    assert!(p.message.contains(&format!("vượt giới hạn {} MB", MAX_UNPACKED >> 20)), "{p:?}");
    // Declared 100 bytes, unpacks to 1.7 MB: cut off (by the zip reader,
    // which checks declared sizes; the budget would stop it otherwise).
    let mut lying = honest.clone();
    let real = (body.len() as u32).to_le_bytes();
    let mut patched = 0;
    for at in 0..lying.len() - 4 {
        if lying[at..at + 4] == real {
            lying[at..at + 4].copy_from_slice(&100u32.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "local and central headers");
    let mut zip = Zip::open_with_budget(&lying, 1 << 20).unwrap_or_else(|p| panic!("{p:?}"));
    let p = drain(&mut zip, name).unwrap_or_else(|| panic!("read to the end"));
    assert!(p.message.contains("hỏng") || p.message.contains("vượt giới hạn"), "{p:?}");
    // An end-of-directory record claiming 65,535 entries in a small file:
    // refused before the zip reader reserves room for them.
    let mut bytes = honest;
    let eocd = bytes.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap_or_default();
    bytes[eocd + 8..eocd + 12].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
    let m = refused(&bytes);
    assert!(m.contains("65535 mục"), "{m}");
}

// ---------------------------------------------------------------- .ods

fn ods(table: &str) -> Vec<u8> {
    let content = format!(
        r#"<office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet><table:table table:name="DS">{table}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    zip_of(&[("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", content.as_bytes())], zip::CompressionMethod::Deflated)
}

#[test]
fn ods_reads_values_text_and_repeats() {
    let bytes = ods(concat!(
        r#"<table:table-row><table:table-cell office:value-type="string"><text:p>Nguyễn<text:s text:c="2"/>Văn<text:tab/>An</text:p><text:p>dòng <text:span>hai</text:span></text:p><office:annotation><text:p>ghi chú</text:p></office:annotation></table:table-cell>"#,
        r#"<table:table-cell office:value-type="float" office:value="38060001234"><text:p>38060001234</text:p></table:table-cell>"#,
        r#"<table:table-cell office:value-type="date" office:date-value="1960-07-05T00:00:00"/>"#,
        r#"<table:table-cell office:value-type="boolean" office:boolean-value="true"/>"#,
        r#"<table:table-cell table:number-columns-repeated="2" office:value-type="string" office:string-value="x"/>"#,
        r#"<table:covered-table-cell table:number-columns-repeated="1000000"/></table:table-row>"#,
        r#"<table:table-row table:number-rows-repeated="2"><table:table-cell office:value-type="percentage" office:value="0.5"/></table:table-row>"#,
        r#"<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#,
    ));
    let s = &read_ok(&bytes)[0];
    assert_eq!(s.name.as_deref(), Some("DS"));
    assert_eq!(at(s, 1, 0), text("Nguyễn  Văn\tAn\ndòng hai"));
    assert_eq!(at(s, 1, 1), Cell::Number(38_060_001_234.0));
    assert_eq!(at(s, 1, 2), text("1960-07-05"));
    assert_eq!(at(s, 1, 3), text("x"));
    assert_eq!((at(s, 1, 4), at(s, 1, 5)), (text("x"), text("x")));
    assert_eq!((at(s, 2, 0), at(s, 3, 0)), (Cell::Number(0.5), Cell::Number(0.5)));
    assert_eq!((s.rows.len(), s.rows[0].len()), (3, 6));
}

#[test]
fn ods_repeats_by_the_million_around_a_cell() {
    // Empty rows repeated a million times before and after a cell: they
    // move it down (past the row bound) at no cost.
    let empty = r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row>"#;
    let cell = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#;
    let m = refused(&ods(&format!("{empty}{cell}{empty}")));
    assert!(m.contains("dòng 1000001") && m.contains("quá lớn"), "{m}");
    // A cell, then a million empty rows: read, one cell.
    let s = &read_ok(&ods(&format!("{cell}{empty}")))[0];
    assert_eq!((s.rows.len(), s.rows[0].len()), (1, 1));
    // The non-empty row itself repeated a million times: refused before
    // placing a cell past the bound.
    let m = refused(&ods(r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#));
    assert!(m.contains("dòng 1000000"), "{m}");
    // Within the rows but over the workbook's cell budget: refused.
    let m =
        refused(&ods(r#"<table:table-row table:number-rows-repeated="150000"><table:table-cell table:number-columns-repeated="20" office:value-type="float" office:value="1"/></table:table-row>"#));
    assert!(m.contains("quá nhiều ô"), "{m}");
    // A non-empty cell repeated across a million columns.
    let m = refused(&ods(r#"<table:table-row><table:table-cell table:number-columns-repeated="1000000" office:value-type="string" office:string-value="x"/></table:table-row>"#));
    assert!(m.contains("cột 1000000"), "{m}");
    // Spaces repeated a billion times: a cell's text stays within 32,767.
    let s = &read_ok(&ods(r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="1000000000"/>b</text:p></table:table-cell></table:table-row>"#))[0];
    let Cell::Text(t) = at(s, 1, 0) else { panic!("not text") };
    assert!(t.len() <= 32_768 && t.starts_with("a ") && t.ends_with(" b"), "{}", t.len());
}

#[test]
fn not_a_spreadsheet_is_refused_with_a_message() {
    for bytes in [&b"PK\x03\x04 truncated"[..], b"%PDF-1.4", b""] {
        let m = refused(bytes);
        assert!(m.starts_with("không mở được bảng tính"), "{m}");
    }
    let odt = zip_of(&[("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<x/>")], zip::CompressionMethod::Stored);
    assert!(refused(&odt).contains("không phải bảng tính"));
}

#[test]
fn one_long_string_in_many_cells_or_many_sheets_is_refused() {
    // A 40 KB shared string used by 2,000 cells would be 80 MB of text.
    let long = "a".repeat(40_000);
    let cells: String = (1..=2000).map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#)).collect();
    let m = refused(&xlsx(&cells, &[&long], ""));
    assert!(m.contains("quá nhiều chữ"), "{m}");
    // A long .ods cell repeated over rows and columns.
    let m = refused(&ods(&format!(
        r#"<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="100" office:value-type="string" office:string-value="{long}"/></table:table-row>"#
    )));
    assert!(m.contains("quá nhiều chữ"), "{m}");
    // Tables by the thousand.
    let content = format!(
        r#"<office:document-content xmlns:office="o" xmlns:table="t"><office:body><office:spreadsheet>{}</office:spreadsheet></office:body></office:document-content>"#,
        r#"<table:table table:name="T"/>"#.repeat(1001)
    );
    let bytes = zip_of(&[("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", content.as_bytes())], zip::CompressionMethod::Deflated);
    assert!(refused(&bytes).contains("hơn 1000 trang tính"));
}

#[test]
fn zip64_archives_open() {
    // As writers that always use Zip64 leave them: 0xFFFF placeholders in
    // the classic end record, the counts in a Zip64 record before it.
    let plain = zip_of(&[("content.xml", b"<a/>")], zip::CompressionMethod::Stored);
    let eocd = plain.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap_or_default();
    let cd_size = u64::from(u32::from_le_bytes([plain[eocd + 12], plain[eocd + 13], plain[eocd + 14], plain[eocd + 15]]));
    let cd_at = u64::from(u32::from_le_bytes([plain[eocd + 16], plain[eocd + 17], plain[eocd + 18], plain[eocd + 19]]));
    let mut bytes = plain[..eocd].to_vec();
    let record_at = bytes.len() as u64;
    bytes.extend(b"PK\x06\x06");
    bytes.extend(44u64.to_le_bytes());
    bytes.extend(u16s(&[45, 45]));
    bytes.extend([0u8; 8]);
    for v in [1u64, 1, cd_size, cd_at] {
        bytes.extend(v.to_le_bytes());
    }
    bytes.extend(b"PK\x06\x07");
    bytes.extend(0u32.to_le_bytes());
    bytes.extend(record_at.to_le_bytes());
    bytes.extend(1u32.to_le_bytes());
    let mut end = plain[eocd..].to_vec();
    end[8..12].copy_from_slice(&[0xFF; 4]);
    bytes.extend(end);
    let mut zip = Zip::open(&bytes).unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(drain(&mut zip, "content.xml"), None);
    // The same Zip64 record claiming 2^40 entries: refused.
    let at = record_at as usize + 24;
    bytes[at..at + 8].copy_from_slice(&(1u64 << 40).to_le_bytes());
    let Err(p) = Zip::open(&bytes) else { panic!("opened") };
    assert!(p.message.contains("1099511627776 mục"), "{p:?}");
}
