//! A sheet as a grid of cells, from a spreadsheet or a CSV file.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader};
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

pub fn read_spreadsheet(bytes: &[u8]) -> Result<Vec<Sheet>, Problem> {
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        Problem::file(format!(
            "không mở được bảng tính (tệp hỏng hoặc không đúng định dạng): {e}"
        ))
    })?;
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
        if h > MAX_ROWS || w > MAX_COLS {
            return Err(Problem::file(format!(
                "trang tính \"{name}\" quá lớn ({h} dòng × {w} cột); danh sách một khu vực bỏ phiếu không vượt quá {MAX_ROWS} dòng"
            )));
        }
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let rows = range
            .rows()
            .map(|row| {
                row.iter()
                    .map(|d| match d {
                        Data::Empty | Data::Error(_) => Cell::Empty,
                        Data::String(s) => Cell::Text(s.clone()),
                        Data::Float(f) => Cell::Number(*f),
                        Data::Int(i) => Cell::Number(*i as f64),
                        Data::Bool(b) => Cell::Text(if *b { "x".into() } else { String::new() }),
                        Data::DateTime(dt) => dt
                            .as_datetime()
                            .map_or(Cell::Number(dt.as_f64()), |d| Cell::Date(d.date())),
                        Data::DateTimeIso(s) => Cell::Text(s.get(..10).unwrap_or(s).to_owned()),
                        Data::DurationIso(s) => Cell::Text(s.clone()),
                    })
                    .collect()
            })
            .collect();
        out.push(Sheet {
            name: Some(name),
            first_row: r0 + 1,
            first_col: c0,
            rows,
        });
    }
    Ok(out)
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
