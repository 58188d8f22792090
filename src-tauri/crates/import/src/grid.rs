//! A sheet as a grid of cells, from a spreadsheet or a CSV file.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, DataRef, Reader, Xlsx};
use chrono::NaiveDate;
use tobaucu_core::{legacy, text};

use crate::Problem;

/// Largest sheet we read: well above any polling area (≤ 4,000 voters,
/// domain.md §2) while bounding memory on hostile files.
pub const MAX_ROWS: usize = 200_000;
pub const MAX_COLS: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text (numbers without a trailing ".0").
    pub fn as_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => text::clean(s),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.format("%d/%m/%Y").to_string(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: Option<String>,
    /// 1-based number of the first row in `rows` as the user sees it.
    pub first_row: u32,
    /// Column letter offset: index 0 in a row is column `first_col`.
    pub first_col: u32,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    pub fn cell(&self, r: usize, c: usize) -> &Cell {
        self.rows
            .get(r)
            .and_then(|row| row.get(c))
            .unwrap_or(&Cell::Empty)
    }

    pub fn row_number(&self, r: usize) -> u32 {
        self.first_row + u32::try_from(r).unwrap_or(u32::MAX - self.first_row)
    }

    pub fn col_name(&self, c: usize) -> String {
        col_letter(self.first_col + u32::try_from(c).unwrap_or(0))
    }

    /// Converts legacy-encoded text cells to Unicode; returns how many cells
    /// changed and from which encoding (the most frequent one). When most
    /// non-ASCII cells are clearly legacy, the file's encoding also decides
    /// the cells that read well both ways (`legacy::to_unicode_hinted`).
    pub fn convert_legacy(&mut self) -> (usize, Option<&'static str>) {
        let (mut tcvn, mut vni, mut non_ascii) = (0usize, 0usize, 0usize);
        for cell in self.rows.iter().flatten() {
            if let Cell::Text(s) = cell {
                if s.is_ascii() {
                    continue;
                }
                non_ascii += 1;
                match legacy::to_unicode(s).1 {
                    legacy::Encoding::Tcvn3 => tcvn += 1,
                    legacy::Encoding::Vni => vni += 1,
                    legacy::Encoding::Unicode => {}
                }
            }
        }
        let hint = if (tcvn + vni) * 2 >= non_ascii && tcvn + vni > 0 {
            if tcvn >= vni {
                legacy::Encoding::Tcvn3
            } else {
                legacy::Encoding::Vni
            }
        } else {
            legacy::Encoding::Unicode
        };
        let (mut changed_t, mut changed_v) = (0usize, 0usize);
        for cell in self.rows.iter_mut().flatten() {
            if let Cell::Text(s) = cell {
                if s.is_ascii() {
                    continue;
                }
                let (converted, enc) = legacy::to_unicode_hinted(s, hint);
                match enc {
                    legacy::Encoding::Unicode => continue,
                    legacy::Encoding::Tcvn3 => changed_t += 1,
                    legacy::Encoding::Vni => changed_v += 1,
                }
                *s = converted;
            }
        }
        let from = match (changed_t, changed_v) {
            (0, 0) => None,
            (t, v) if t >= v => Some(legacy::Encoding::Tcvn3.vi()),
            _ => Some(legacy::Encoding::Vni.vi()),
        };
        (changed_t + changed_v, from)
    }
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
pub fn col_letter(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + u8::try_from(c % 26).unwrap_or(0));
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Largest total a spreadsheet may unpack to (a 4,000-voter list is ≈ 2 MB):
/// a small zip that would expand to gigabytes is refused before reading.
const MAX_UNPACKED: u64 = 200 << 20;

/// Reads every sheet of an .xlsx, .xls or .ods file. A file whose parts
/// would unpack beyond [`MAX_UNPACKED`] is refused; a file so damaged that
/// the spreadsheet library itself fails (it has panicked on crafted .xls
/// files found by fuzzing) is refused with a message, never a crash.
pub fn read_spreadsheet(bytes: &[u8]) -> Result<Vec<Sheet>, Problem> {
    check_unpacked_size(bytes)?;
    if crate::xls_guard::is_cfb(bytes) {
        crate::xls_guard::check(bytes).map_err(|r| match r {
            crate::xls_guard::Refusal::Unreadable(m) => Problem::file(format!("không mở được bảng tính (tệp hỏng hoặc không đúng định dạng): {m}")),
            crate::xls_guard::Refusal::TooLarge(h, w) => Problem::file(format!(
                "một trang tính có ô ở dòng {h}, cột {w}: quá lớn so với danh sách cử tri của một khu vực bỏ phiếu (tối đa {MAX_ROWS} dòng, {MAX_COLS} cột); tệp có thể đã bị làm hỏng"
            )),
        })?;
    }
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_spreadsheet_inner(bytes))) {
        Ok(r) => r,
        Err(_) => Err(Problem::file(
            "tệp bảng tính bị hỏng bên trong, không đọc được; hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại (Lưu thành .xlsx) rồi nhập lại".to_owned(),
        )),
    }
}

fn check_unpacked_size(bytes: &[u8]) -> Result<(), Problem> {
    if !bytes.starts_with(b"PK") {
        return Ok(());
    }
    // Unreadable archives are left to the reader, which says why.
    let Ok(mut z) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(()) };
    let mut total: u64 = 0;
    for i in 0..z.len() {
        if let Ok(f) = z.by_index_raw(i) {
            total = total.saturating_add(f.size());
        }
    }
    if total > MAX_UNPACKED {
        return Err(Problem::file(format!(
            "bảng tính khi giải nén lớn {} MB, vượt giới hạn {} MB; đây không phải danh sách cử tri của một khu vực bỏ phiếu (hoặc tệp đã bị làm hỏng)",
            total >> 20,
            MAX_UNPACKED >> 20
        )));
    }
    Ok(())
}

/// At most this many cells in one sheet's grid (a 5,000-voter list with 15
/// columns is 75,000): the grid is dense, so its size is what memory costs.
pub const MAX_CELLS: usize = 2_000_000;

fn too_large(name: &str, h: usize, w: usize) -> Problem {
    Problem::file(format!(
        "trang tính \"{name}\" quá lớn ({h} dòng × {w} cột); danh sách một khu vực bỏ phiếu không vượt quá {MAX_ROWS} dòng và {MAX_COLS} cột"
    ))
}

/// An Excel date serial as a date — only within years 1900–9999: the date
/// library panics on serials beyond its range (found by fuzzing).
fn excel_date(dt: &calamine::ExcelDateTime) -> Cell {
    let f = dt.as_f64();
    if f.is_finite() && (0.0..2_958_466.0).contains(&f) {
        dt.as_datetime().map_or(Cell::Number(f), |d| Cell::Date(d.date()))
    } else {
        Cell::Number(f)
    }
}

fn cell_of(d: &Data) -> Cell {
    match d {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(b) => Cell::Text(if *b { "x".into() } else { String::new() }),
        Data::DateTime(dt) => excel_date(dt),
        Data::DateTimeIso(s) => Cell::Text(s.get(..10).unwrap_or(s).to_owned()),
        Data::DurationIso(s) => Cell::Text(s.clone()),
    }
}

fn cell_of_ref(d: DataRef<'_>) -> Cell {
    match d {
        DataRef::SharedString(s) => Cell::Text(s.to_owned()),
        DataRef::Empty => Cell::Empty,
        DataRef::Error(_) => Cell::Empty,
        DataRef::String(s) => Cell::Text(s),
        DataRef::Float(f) => Cell::Number(f),
        DataRef::Int(i) => Cell::Number(i as f64),
        DataRef::Bool(b) => Cell::Text(if b { "x".into() } else { String::new() }),
        DataRef::DateTime(dt) => excel_date(&dt),
        DataRef::DateTimeIso(s) => Cell::Text(s.get(..10).unwrap_or(&s).to_owned()),
        DataRef::DurationIso(s) => Cell::Text(s),
    }
}

fn read_spreadsheet_inner(bytes: &[u8]) -> Result<Vec<Sheet>, Problem> {
    let open_err = |e: String| Problem::file(format!("không mở được bảng tính (tệp hỏng hoặc không đúng định dạng): {e}"));
    // .xlsx: cells are streamed and placed by us, so a file naming a cell
    // at the far corner of the sheet cannot make anyone allocate the whole
    // sheet.
    let xlsx = if bytes.starts_with(b"PK") && !is_ods(bytes) { Xlsx::new(Cursor::new(bytes)).ok() } else { None };
    // (.xlsb and other zipped books fall through to the generic reader.)
    if let Some(mut wb) = xlsx {
        let wb: &mut Xlsx<_> = &mut wb;
        let names = wb.sheet_names().to_vec();
        let mut out = Vec::new();
        for name in names {
            let mut reader = match wb.worksheet_cells_reader(&name) {
                Ok(r) => r,
                Err(calamine::XlsxError::NotAWorksheet(_)) => continue,
                Err(e) => return Err(Problem::file(format!("không đọc được trang tính \"{name}\": {e}"))),
            };
            let mut cells: Vec<(usize, usize, Cell)> = Vec::new();
            let (mut r0, mut c0, mut r1, mut c1) = (usize::MAX, usize::MAX, 0usize, 0usize);
            loop {
                let next = reader.next_cell().map_err(|e| Problem::file(format!("không đọc được trang tính \"{name}\": {e}")))?;
                let Some(c) = next else { break };
                let (r, col) = (c.get_position().0 as usize, c.get_position().1 as usize);
                let v = cell_of_ref(c.get_value().clone());
                if v == Cell::Empty {
                    continue;
                }
                if r >= MAX_ROWS || col >= MAX_COLS || cells.len() >= MAX_CELLS {
                    return Err(too_large(&name, r.max(r1) + 1, col.max(c1) + 1));
                }
                (r0, c0, r1, c1) = (r0.min(r), c0.min(col), r1.max(r), c1.max(col));
                cells.push((r, col, v));
            }
            if cells.is_empty() {
                out.push(Sheet { name: Some(name), first_row: 1, first_col: 0, rows: vec![] });
                continue;
            }
            let (h, w) = (r1 - r0 + 1, c1 - c0 + 1);
            if h.saturating_mul(w) > MAX_CELLS {
                return Err(too_large(&name, h, w));
            }
            let mut rows = vec![vec![Cell::Empty; w]; h];
            for (r, c, v) in cells {
                if let Some(slot) = rows.get_mut(r - r0).and_then(|row| row.get_mut(c - c0)) {
                    *slot = v;
                }
            }
            out.push(Sheet { name: Some(name), first_row: u32::try_from(r0 + 1).unwrap_or(u32::MAX), first_col: u32::try_from(c0).unwrap_or(0), rows });
        }
        return Ok(out);
    }
    // .ods: repeated rows and cells are checked before the reader expands
    // them; .xls is bounded by its format (65,536 rows × 256 columns).
    if is_ods(bytes) {
        check_ods_repeats(bytes)?;
    }
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| open_err(e.to_string()))?;
    let names = wb.sheet_names().to_vec();
    let mut out = Vec::new();
    for name in names {
        let range = match wb.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                return Err(Problem::file(format!(
                    "không đọc được trang tính \"{name}\": {e}"
                )))
            }
        };
        let (h, w) = range.get_size();
        if h > MAX_ROWS || w > MAX_COLS || h.saturating_mul(w) > MAX_CELLS {
            return Err(too_large(&name, h, w));
        }
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let rows = range.rows().map(|row| row.iter().map(cell_of).collect()).collect();
        out.push(Sheet {
            name: Some(name),
            first_row: r0 + 1,
            first_col: c0,
            rows,
        });
    }
    Ok(out)
}

/// An OpenDocument file (its first member is `mimetype`, stored).
fn is_ods(bytes: &[u8]) -> bool {
    bytes.get(30..38) == Some(b"mimetype") && bytes.windows(46).take(200).any(|w| w.starts_with(b"application/vnd.oasis.opendocument.spreadsheet"))
}

/// An .ods sheet says "this row N times" and "this cell M times"; the reader
/// expands repeated rows and non-empty repeated cells. Their product, summed
/// over the sheet, must stay within [`MAX_CELLS`] (trailing empty rows and
/// cells, which LibreOffice writes by the million, cost nothing).
fn check_ods_repeats(bytes: &[u8]) -> Result<(), Problem> {
    use std::io::Read as _;
    let Ok(mut z) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(()) };
    let Ok(f) = z.by_name("content.xml") else { return Ok(()) };
    let mut xml = Vec::new();
    if f.take(MAX_UNPACKED).read_to_end(&mut xml).is_err() {
        return Ok(());
    }
    let xml = String::from_utf8_lossy(&xml);
    let attr = |tag: &str, name: &str| -> usize {
        tag.find(name)
            .and_then(|i| tag[i + name.len()..].strip_prefix("=\""))
            .and_then(|v| v.split('"').next())
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(1)
    };
    let mut total: usize = 0;
    for row in xml.split("<table:table-row").skip(1) {
        let Some(end) = row.find('>') else { continue };
        let rows = attr(&row[..end], "table:number-rows-repeated");
        let body = row.split("</table:table-row>").next().unwrap_or("");
        let mut width: usize = 0;
        let mut used: usize = 0;
        for cell in body.split("<table:").skip(1) {
            if !(cell.starts_with("table-cell") || cell.starts_with("covered-table-cell")) {
                continue;
            }
            let tag_end = cell.find('>').unwrap_or(cell.len());
            let tag = &cell[..tag_end];
            let n = attr(tag, "table:number-columns-repeated");
            width = width.saturating_add(n);
            let empty = tag.ends_with('/') && !tag.contains("office:value");
            if !empty {
                used = width;
            }
        }
        if used > 0 {
            total = total.saturating_add(rows.saturating_mul(used));
        }
        if total > MAX_CELLS {
            return Err(Problem::file(format!(
                "bảng tính có quá nhiều ô (hơn {MAX_CELLS} ô có nội dung sau khi trải các dòng/ô lặp lại); đây không phải danh sách cử tri của một khu vực bỏ phiếu (hoặc tệp đã bị làm hỏng)"
            )));
        }
    }
    Ok(())
}

pub fn read_csv(bytes: &[u8]) -> Result<Sheet, Problem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let decoded = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        // Not UTF-8: an old Windows file (TCVN3 text is read as Windows-1252
        // and converted cell by cell afterwards).
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    };
    // Excel in Vietnamese locales writes ';' separated "CSV".
    let first_line = decoded.lines().next().unwrap_or("");
    let delim = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(decoded.as_bytes());
    let mut rows = Vec::new();
    let mut first_line_no = None;
    let mut line_of_row: Vec<u32> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Problem {
                row: Some(u32::try_from(line).unwrap_or(0)),
                column: None,
                field: None,
                message: format!("dòng CSV không đọc được: {e}"),
            }
        })?;
        if rows.len() >= MAX_ROWS || rec.len() > MAX_COLS {
            return Err(Problem::file(format!(
                "tệp CSV quá lớn; danh sách không vượt quá {MAX_ROWS} dòng, {MAX_COLS} cột"
            )));
        }
        let line = rec
            .position()
            .map_or(0, |p| u32::try_from(p.line()).unwrap_or(0));
        first_line_no.get_or_insert(line);
        line_of_row.push(line);
        rows.push(
            rec.iter()
                .map(|s| {
                    if s.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(s.to_owned())
                    }
                })
                .collect(),
        );
    }
    // Quoted fields may span lines; keep rows aligned with their first line
    // by padding: row numbers use the record's own line.
    let mut padded: Vec<Vec<Cell>> = Vec::new();
    let base = first_line_no.unwrap_or(1);
    for (row, line) in rows.into_iter().zip(line_of_row) {
        while (padded.len() as u32) + base < line {
            padded.push(Vec::new());
        }
        padded.push(row);
    }
    Ok(Sheet {
        name: None,
        first_row: base,
        first_col: 0,
        rows: padded,
    })
}
