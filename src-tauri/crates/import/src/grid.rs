//! A sheet as a grid of cells, from a spreadsheet or a CSV file, and the
//! bounded grid builder ([`Book`]) the three spreadsheet readers share.
//!
//! Bounds: `Book` checks every cell against `MAX_ROWS` × `MAX_COLS`, what
//! is left of the workbook's `MAX_CELLS` and `MAX_TEXT_BYTES`, and
//! `MAX_SHEETS`, and allocates a sheet's dense grid only once it fits.
//! `read_spreadsheet` turns a panic of the zip or XML libraries into a
//! refusal (`catch_unwind`). A CSV that is not UTF-8 is read both as
//! Windows-1258 + NFC (what Excel on Vietnamese Windows saves) and as
//! Windows-1252 (TCVN3/VNI text), and the reading that is more Vietnamese
//! is kept.

use std::fmt;

use chrono::NaiveDate;
use tobaucu_core::{legacy, text};

use crate::{Problem, ProblemKind};

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
    /// The single-byte code page a CSV that is not UTF-8 was read in
    /// ("Windows-1258"): its text is checked to be possible Vietnamese
    /// (`legacy::impossible`) before it is taken.
    pub code_page: Option<&'static str>,
}

impl Sheet {
    pub fn cell(&self, r: usize, c: usize) -> &Cell {
        self.rows.get(r).and_then(|row| row.get(c)).unwrap_or(&Cell::Empty)
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
/// a small zip that would expand to gigabytes is refused before reading, and
/// no member is unpacked beyond what is left of it, whatever its header says.
pub const MAX_UNPACKED: u64 = 200 << 20;

/// At most this many cells in one workbook's grids (a 5,000-voter list with
/// 15 columns is 75,000): grids are dense, so their size is what memory costs.
pub const MAX_CELLS: usize = 2_000_000;

/// Reads every sheet of an .xlsx, .xls or .ods file with this crate's own
/// readers (`xlsx`, `xls`, `ods`), whose every allocation is bounded by the
/// file's length or by the limits above — never by a count or a size the
/// file declares. Cells are placed by [`Book`]. The format is found from
/// the bytes, not the file name.
pub fn read_spreadsheet(bytes: &[u8]) -> Result<Vec<Sheet>, Problem> {
    // Our readers do not panic; the zip and XML libraries under them are
    // not ours, so a panic of theirs (none known) is a refusal, not a crash.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_any(bytes))) {
        Ok(r) => r,
        Err(_) => Err(Problem::file("tệp bảng tính bị hỏng bên trong, không đọc được; hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại (Lưu thành .xlsx) rồi nhập lại")),
    }
}

fn read_any(bytes: &[u8]) -> Result<Vec<Sheet>, Problem> {
    if crate::xls::is_cfb(bytes) {
        return crate::xls::read(bytes);
    }
    if bytes.starts_with(b"PK") {
        let mut zip = crate::zipxml::Zip::open(bytes)?;
        return if zip.is_ods()? { crate::ods::read(&mut zip) } else { crate::xlsx::read(&mut zip) };
    }
    Err(unreadable("không phải tệp .xlsx, .xls hay .ods"))
}

/// "không mở được bảng tính (…): {why}" — the file is damaged or not a
/// spreadsheet.
pub(crate) fn unreadable(why: impl fmt::Display) -> Problem {
    Problem::file(format!("không mở được bảng tính (tệp hỏng hoặc không đúng định dạng): {why}"))
}

/// At most this many sheets in a workbook (a voter list has one or a few).
pub const MAX_SHEETS: usize = 1000;

/// At most this much text in a workbook's cells, counted per cell: one long
/// string repeated by a million cells (a shared string, a repeated .ods
/// cell) costs its length each time. A 5,000-voter list has ≈ 2 MB.
pub const MAX_TEXT_BYTES: usize = 64 << 20;

/// A workbook's sheets as they are read: cells are collected sparsely, each
/// checked against [`MAX_ROWS`], [`MAX_COLS`] and what is left of
/// [`MAX_CELLS`] for the whole workbook; a sheet's dense grid is allocated
/// only once its height × width is known to fit.
pub(crate) struct Book {
    sheets: Vec<Sheet>,
    /// Cells (sparse while reading a sheet, dense once finished) still allowed.
    cells_left: usize,
    /// Text bytes (see [`MAX_TEXT_BYTES`]) still allowed.
    text_left: usize,
    /// The sheet being read, if any.
    name: Option<String>,
    cells: Vec<(u32, u32, Cell)>,
}

impl Book {
    pub fn new() -> Book {
        Book { sheets: Vec::new(), cells_left: MAX_CELLS, text_left: MAX_TEXT_BYTES, name: None, cells: Vec::new() }
    }

    /// Starts a sheet (finishing the one before, if any).
    pub fn start_sheet(&mut self, name: String) -> Result<(), Problem> {
        self.finish_sheet()?;
        if self.sheets.len() >= MAX_SHEETS {
            return Err(unreadable(format!("bảng tính có hơn {MAX_SHEETS} trang tính")));
        }
        self.name = Some(name);
        Ok(())
    }

    /// Places a cell (0-based row and column, as the file numbers them) in
    /// the sheet being read. Empty cells cost nothing; a cell past the
    /// bounds refuses the file.
    pub fn put(&mut self, row: u64, col: u64, cell: Cell) -> Result<(), Problem> {
        if cell == Cell::Empty {
            return Ok(());
        }
        let (Ok(r), Ok(c)) = (u32::try_from(row), u32::try_from(col)) else {
            return Err(self.cell_too_far(row, col));
        };
        if r as usize >= MAX_ROWS || c as usize >= MAX_COLS {
            return Err(self.cell_too_far(row, col));
        }
        if self.cells_left == 0 {
            return Err(self.too_many_cells());
        }
        if let Cell::Text(t) = &cell {
            self.text_left = self.text_left.checked_sub(t.len()).ok_or_else(|| {
                Problem::file(format!(
                    "bảng tính có quá nhiều chữ (hơn {} MB trong các ô, đến trang tính \"{}\"); đây không phải danh sách cử tri của một khu vực bỏ phiếu (hoặc tệp đã bị làm hỏng)",
                    MAX_TEXT_BYTES >> 20,
                    self.sheet_name()
                ))
            })?;
        }
        self.cells_left -= 1;
        self.cells.push((r, c, cell));
        Ok(())
    }

    fn sheet_name(&self) -> &str {
        self.name.as_deref().unwrap_or_default()
    }

    /// A cell beyond [`MAX_ROWS`] × [`MAX_COLS`] (0-based row and column).
    pub fn cell_too_far(&self, row: u64, col: u64) -> Problem {
        Problem::file(format!(
            "trang tính \"{}\" có ô ở dòng {}, cột {}: quá lớn so với danh sách cử tri của một khu vực bỏ phiếu (tối đa {MAX_ROWS} dòng, {MAX_COLS} cột); tệp có thể đã bị làm hỏng",
            self.sheet_name(),
            row.saturating_add(1),
            col.saturating_add(1)
        ))
    }

    fn too_many_cells(&self) -> Problem {
        Problem::file(format!(
            "bảng tính có quá nhiều ô (đến trang tính \"{}\" đã hơn {MAX_CELLS} ô); đây không phải danh sách cử tri của một khu vực bỏ phiếu (hoặc tệp đã bị làm hỏng)",
            self.sheet_name()
        ))
    }

    fn finish_sheet(&mut self) -> Result<(), Problem> {
        let Some(name) = self.name.take() else {
            return Ok(());
        };
        let cells = std::mem::take(&mut self.cells);
        // The sparse cells' share of the budget comes back: the dense grid
        // below takes its own.
        self.cells_left = self.cells_left.saturating_add(cells.len());
        let (mut r0, mut c0, mut r1, mut c1) = (u32::MAX, u32::MAX, 0u32, 0u32);
        for &(r, c, _) in &cells {
            (r0, c0, r1, c1) = (r0.min(r), c0.min(c), r1.max(r), c1.max(c));
        }
        if cells.is_empty() {
            (r0, c0) = (0, 0);
        }
        // Empty sheet: 0 × 0. Else r1 < MAX_ROWS, c1 < MAX_COLS (checked by
        // `put`): no overflow.
        let (h, w) = if cells.is_empty() { (0, 0) } else { ((r1 - r0) as usize + 1, (c1 - c0) as usize + 1) };
        let area = h.saturating_mul(w);
        if area > self.cells_left {
            return Err(Problem::file(format!(
                "trang tính \"{name}\" quá lớn ({h} dòng × {w} cột); danh sách một khu vực bỏ phiếu không vượt quá {MAX_ROWS} dòng, {MAX_COLS} cột và {MAX_CELLS} ô cả tệp"
            )));
        }
        self.cells_left -= area;
        let mut rows = vec![vec![Cell::Empty; w]; h];
        for (r, c, v) in cells {
            if let Some(slot) = rows.get_mut((r - r0) as usize).and_then(|row| row.get_mut((c - c0) as usize)) {
                *slot = v;
            }
        }
        self.sheets.push(Sheet { name: Some(name), first_row: r0 + 1, first_col: c0, rows, code_page: None });
        Ok(())
    }

    /// Every sheet read, in the workbook's order.
    pub fn finish(mut self) -> Result<Vec<Sheet>, Problem> {
        self.finish_sheet()?;
        Ok(self.sheets)
    }
}

/// Whether an Excel number format shows a date or a time: built-in ids
/// 14–22, 27–36, 45–47 and 50–58 (the East Asian ones are dates too).
pub(crate) fn builtin_format_is_date(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// Whether a custom number format shows a date or a time: a d, m, y, h or s
/// (or an AM/PM) outside quotes, brackets and escapes, in its first section;
/// "[h]:mm" durations too. The same rule the previous reader (calamine)
/// applied, so numbers read as before.
pub(crate) fn custom_format_is_date(format: &str) -> bool {
    let mut escaped = false;
    let mut quoted = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut ap = false;
    for ch in format.chars() {
        match ch {
            _ if escaped => escaped = false,
            '_' | '\\' | '*' => escaped = true,
            '"' if quoted => quoted = false,
            _ if quoted => {}
            '"' => quoted = true,
            ';' => return false,
            '[' => brackets = brackets.saturating_add(1),
            ']' if brackets == 1 && hms => return true,
            ']' => brackets = brackets.saturating_sub(1),
            'a' | 'A' if !ap && brackets == 0 => ap = true,
            'p' | 'm' | '/' | 'P' | 'M' if ap && brackets == 0 => return true,
            'd' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S' if !ap && brackets == 0 => return true,
            _ => {
                if !(hms && ch.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(ch, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = ch;
    }
    false
}

/// A number shown as a date: the date of an Excel serial (1900 or 1904
/// system; Excel's 1900 leap-year bug kept), only within years 1900–9999 —
/// anything else stays a number.
pub(crate) fn date_cell(serial: f64, is_1904: bool) -> Cell {
    if !(serial.is_finite() && (0.0..2_958_466.0).contains(&serial)) {
        return Cell::Number(serial);
    }
    let f = if is_1904 { serial + 1462.0 } else { serial };
    let f = if f >= 60.0 { f } else { f + 1.0 };
    // f < 2,959,929 days: the milliseconds fit an i64 with room to spare.
    let ms = (f * 86_400_000.0).round() as i64;
    let date = NaiveDate::from_ymd_opt(1899, 12, 30).and_then(|d| d.and_hms_opt(0, 0, 0)).zip(chrono::TimeDelta::try_milliseconds(ms)).and_then(|(epoch, delta)| epoch.checked_add_signed(delta));
    date.map_or(Cell::Number(serial), |d| Cell::Date(d.date()))
}

/// A boolean cell as the importer reads marks: true is "x".
pub(crate) fn bool_cell(b: bool) -> Cell {
    Cell::Text(if b { "x".into() } else { String::new() })
}

/// Code page names, as messages print them.
pub const WINDOWS_1258: &str = "Windows-1258";
pub const WINDOWS_1252: &str = "Windows-1252";

/// The text of a CSV file that is not UTF-8, and the code page it was read
/// in. Excel on Vietnamese Windows saves "CSV" in Windows-1258: base letters
/// (precomposed where the code page has them: "ê", "ơ", "á") followed by
/// tone marks as combining characters; NFC composes them into the letters a
/// person sees. Older files hold TCVN3 or VNI text, which only reads as
/// Latin-1 characters (Windows-1252) that `legacy` converts cell by cell
/// afterwards. Both readings are made, each as `legacy` would convert it,
/// and the one that reads more like Vietnamese (`legacy::oddness`) is kept;
/// on a tie (the bytes that differ between the two code pages are absent)
/// Windows-1258.
fn decode_code_page(bytes: &[u8]) -> (String, &'static str) {
    let vietnamese = text::nfc(&encoding_rs::WINDOWS_1258.decode_without_bom_handling(bytes).0);
    let latin = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned();
    let odd = |t: &str| -> u64 { t.lines().map(|l| u64::from(legacy::oddness(&legacy::to_unicode(l).0))).sum() };
    if odd(&vietnamese) <= odd(&latin) {
        (vietnamese, WINDOWS_1258)
    } else {
        (latin, WINDOWS_1252)
    }
}

pub fn read_csv(bytes: &[u8]) -> Result<Sheet, Problem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let utf16 = encoding_rs::Encoding::for_bom(bytes).filter(|(e, _)| *e != encoding_rs::UTF_8).map(|(e, _)| e);
    let (decoded, code_page) = match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), None),
        // "Unicode Text" from Excel: UTF-16 with its byte order mark.
        Err(_) if utf16.is_some() => (utf16.map(|e| e.decode_with_bom_removal(bytes).0.into_owned()).unwrap_or_default(), None),
        // Not UTF-8: Windows-1258 (Excel on Vietnamese Windows) or an old
        // TCVN3/VNI file read as Windows-1252.
        Err(_) => {
            let (text, cp) = decode_code_page(bytes);
            (text, Some(cp))
        }
    };
    // Excel in Vietnamese locales writes ';' separated "CSV".
    let first_line = decoded.lines().next().unwrap_or("");
    let delim = if first_line.matches(';').count() > first_line.matches(',').count() { b';' } else { b',' };
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delim).from_reader(decoded.as_bytes());
    let mut rows = Vec::new();
    let mut first_line_no = None;
    let mut line_of_row: Vec<u32> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Problem { kind: ProblemKind::Other, row: Some(u32::try_from(line).unwrap_or(0)), column: None, field: None, message: format!("dòng CSV không đọc được: {e}") }
        })?;
        if rows.len() >= MAX_ROWS || rec.len() > MAX_COLS {
            return Err(Problem::file(format!("tệp CSV quá lớn; danh sách không vượt quá {MAX_ROWS} dòng, {MAX_COLS} cột")));
        }
        let line = rec.position().map_or(0, |p| u32::try_from(p.line()).unwrap_or(0));
        first_line_no.get_or_insert(line);
        line_of_row.push(line);
        rows.push(rec.iter().map(|s| if s.trim().is_empty() { Cell::Empty } else { Cell::Text(s.to_owned()) }).collect());
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
    Ok(Sheet { name: None, first_row: base, first_col: 0, rows: padded, code_page })
}
