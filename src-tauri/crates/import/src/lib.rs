//! Reads a commune's voter list (danh sách cử tri) into checked voters.
//!
//! Accepts the Mẫu 31/HĐBC spreadsheet layout as communes really have it
//! (title rows, a two-row merged header, a row of column numbers, "x"
//! marks, a "Tổng số" row and signatures after the data) in .xlsx, .xls and
//! .ods — each read by this crate's own reader, whose every allocation is
//! bounded (`grid`, `xlsx`, `xls`, `ods`, `zipxml`) — and the CSV of
//! `interfaces.md` §3. Legacy TCVN3/VNI text is
//! converted, every text field is cleaned to NFC.
//!
//! All or nothing: [`read_voter_file`] returns either every voter or every
//! problem (row, column, field, Vietnamese message). It works on bytes and
//! never touches the disk or the database.

mod columns;
pub mod fuzzing;
mod grid;
mod ods;
mod rows;
mod xls;
mod xlsx;
mod zipxml;

use std::fmt;

use chrono::NaiveDate;
use tobaucu_core::voter::Voter;

/// What the importer needs to know of the election.
#[derive(Debug, Clone)]
pub struct ImportContext {
    /// Levels in definition order: (code, name).
    pub levels: Vec<(String, String)>,
    /// Election day: voters must be 18 or older on it.
    pub election_day: NaiveDate,
    /// Explicit level columns: (header text or column letter, level code).
    pub level_columns: Vec<(String, String)>,
}

/// One problem in the file. Rows are numbered as the spreadsheet program
/// (or a text editor, for CSV) shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What kind of finding it is, for a caller that sorts them (the
    /// voter-list check) without reading the message.
    pub kind: ProblemKind,
    pub row: Option<u32>,
    /// Column letter (A, B, …) or CSV column name.
    pub column: Option<String>,
    /// The field, in Vietnamese ("Ngày sinh").
    pub field: Option<String>,
    pub message: String,
}

/// The kinds of finding a caller tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// Số định danh trùng với một dòng khác.
    DuplicateId,
    /// Ngày sinh: chưa đủ 18 tuổi, hoặc chỉ ghi năm sinh khi không được.
    UnderAge,
    /// Anything else that stops the file from being read.
    Other,
}

impl Problem {
    fn file(message: impl Into<String>) -> Problem {
        Problem { kind: ProblemKind::Other, row: None, column: None, field: None, message: message.into() }
    }

    /// "danh-sach.xlsx, dòng 12, cột C (Ngày sinh): …"
    pub fn describe(&self, file: &str) -> String {
        let mut s = file.to_owned();
        if let Some(r) = self.row {
            s.push_str(&format!(", dòng {r}"));
        }
        match (&self.column, &self.field) {
            (Some(c), Some(f)) => s.push_str(&format!(", cột {c} ({f})")),
            (Some(c), None) => s.push_str(&format!(", cột {c}")),
            (None, Some(f)) => s.push_str(&format!(", trường {f}")),
            (None, None) => {}
        }
        s.push_str(": ");
        s.push_str(&self.message);
        s
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe("tệp"))
    }
}

/// A voter read from the file, with the row it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedVoter {
    pub row: u32,
    pub voter: Voter,
    /// Needs the mobile ballot box (CSV `hom_phieu_phu`).
    pub mobile_box: bool,
}

/// The result of reading a file.
#[derive(Debug, Clone)]
pub struct ImportedList {
    pub voters: Vec<ImportedVoter>,
    /// Cells converted from a legacy encoding, and which encoding.
    pub converted_cells: usize,
    pub converted_from: Option<&'static str>,
    /// Sheet the list was read from (spreadsheets only).
    pub sheet: Option<String>,
}

/// Reads a voter list file. `file_name` decides the format by extension.
/// `progress(done, total)` is called while rows are checked.
pub fn read_voter_file(file_name: &str, bytes: &[u8], ctx: &ImportContext, progress: &mut dyn FnMut(usize, usize)) -> Result<ImportedList, Vec<Problem>> {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let sheets = match ext.as_str() {
        "csv" | "txt" => vec![grid::read_csv(bytes).map_err(|p| vec![p])?],
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => grid::read_spreadsheet(bytes).map_err(|p| vec![p])?,
        _ => return Err(vec![Problem::file(format!("không đọc được tệp đuôi \".{ext}\"; chỉ nhận .xlsx, .xls, .ods hoặc .csv"))]),
    };
    let mut last_err = None;
    for mut sheet in sheets {
        let (converted, from) = sheet.convert_legacy();
        match columns::find_layout(&sheet, ctx) {
            Ok(layout) => {
                let voters = rows::read_rows(&sheet, &layout, ctx, progress)?;
                return Ok(ImportedList { voters, converted_cells: converted, converted_from: from, sheet: sheet.name.clone() });
            }
            Err(p) => last_err = Some(p),
        }
    }
    Err(last_err.unwrap_or_else(|| vec![Problem::file("tệp không có trang tính nào có dữ liệu")]))
}

#[cfg(test)]
mod mau31_tests;
#[cfg(test)]
mod reader_tests;
#[cfg(test)]
mod tests;
