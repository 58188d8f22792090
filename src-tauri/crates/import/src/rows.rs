//! Reading and checking the data rows.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use tobaucu_core::text::{clean, fold};
use tobaucu_core::voter::{self, BirthDate, Gender, Voter};
use tobaucu_core::{legacy, list_note};

use crate::columns::{Layout, Role};
use crate::grid::{Cell, Sheet};
use crate::{ImportContext, ImportedVoter, Problem, ProblemKind};

/// Words that start the rows after the data (totals, place and date, signatures).
const FOOTER_STARTS: [&str; 9] = ["tong so", "tong cong", "cong:", "nguoi lap", "tm.", "tm ", "xac nhan", "chu tich", "danh sach nay"];

fn is_footer(row: &[Cell]) -> bool {
    row.iter().any(|c| match c {
        Cell::Text(s) => {
            let f = fold(s);
            FOOTER_STARTS.iter().any(|k| f.starts_with(k)) || (f.contains("ngay") && f.contains("thang") && f.contains("nam"))
        }
        _ => false,
    })
}

/// The row of column numbers under the header: "(1)", "2", "7a", "A"…
fn is_number_row(row: &[Cell]) -> bool {
    let cells: Vec<String> = row.iter().filter(|c| !c.is_empty()).map(Cell::as_text).collect();
    cells.len() >= 3
        && cells.iter().all(|s| {
            let t = s.trim_matches(|c| c == '(' || c == ')' || c == ' ');
            !t.is_empty() && t.len() <= 3 && (t.chars().all(|c| c.is_ascii_alphanumeric()))
        })
        && cells.iter().any(|s| s.contains('(') || s.chars().all(|c| c.is_ascii_uppercase()))
        || {
            // Plain 1,2,3,… in consecutive cells.
            let nums: Vec<i64> = row
                .iter()
                .filter_map(|c| match c {
                    Cell::Number(n) if n.fract() == 0.0 => Some(*n as i64),
                    _ => None,
                })
                .collect();
            nums.len() >= 5 && nums.len() == cells.len() && nums.windows(2).all(|w| w[1] == w[0] + 1)
        }
}

fn is_mark(c: &Cell) -> bool {
    match c {
        Cell::Empty => false,
        Cell::Number(n) => *n != 0.0,
        Cell::Date(_) => true,
        Cell::Text(s) => {
            let f = fold(s);
            !(f.is_empty() || f == "0" || f == "-" || f == "khong")
        }
    }
}

/// Why a text cell cannot be taken as it reads, as a message: letters lost
/// when the file was saved ("Nguy?n", in any file), or — for text read from
/// a single-byte code page — what a wrong decoding left
/// (`legacy::impossible`: a tone mark on a consonant, a letter or sign
/// Vietnamese does not use). The raw cell is checked: cleaning would drop
/// the control characters an undefined byte decodes to.
fn garbled(sheet: &Sheet, cell: &Cell) -> Option<String> {
    let Cell::Text(raw) = cell else { return None };
    let resave = "Hãy mở tệp bằng Excel, lưu lại dạng \"CSV UTF-8\" hoặc .xlsx rồi nhập lại";
    let shown = clean(raw);
    let Some(cp) = sheet.code_page else {
        let lost = legacy::lost_letter(raw)?;
        return Some(format!("\"{shown}\" {}; chưa nhập để tránh sai tên. Hãy sửa lại chữ trong tệp gốc rồi nhập lại", legacy::NotVietnamese::Lost(lost).vi()));
    };
    let why = legacy::impossible(raw)?;
    let read_as = if cp == crate::grid::WINDOWS_1258 { "bảng mã Windows-1258 của Excel tiếng Việt" } else { "bảng mã cũ TCVN3/VNI" };
    Some(format!("\"{shown}\" {}: tệp CSV không phải UTF-8, đọc theo {read_as} vẫn không ra chữ tiếng Việt — tệp được lưu bằng bảng mã khác; chưa nhập để tránh sai tên. {resave}", why.vi()))
}

/// Excel's day 0 (serial dates count from 1899-12-30 in the 1900 system).
fn excel_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(Duration::days(serial.trunc() as i64))
}

pub fn read_rows(sheet: &Sheet, layout: &Layout, ctx: &ImportContext, progress: &mut dyn FnMut(usize, usize)) -> Result<Vec<ImportedVoter>, Vec<Problem>> {
    let total = sheet.rows.len().saturating_sub(layout.data_start);
    let mut problems: Vec<Problem> = Vec::new();
    let mut voters: Vec<ImportedVoter> = Vec::new();
    let mut seen_stt: HashMap<u32, u32> = HashMap::new();
    let mut seen_id: HashMap<String, u32> = HashMap::new();
    let all_levels: Vec<String> = ctx.levels.iter().map(|(c, _)| c.clone()).collect();

    for r in layout.data_start..sheet.rows.len() {
        let done = r - layout.data_start;
        if done.is_multiple_of(256) {
            progress(done, total);
        }
        let row = &sheet.rows[r];
        if row.iter().all(Cell::is_empty) {
            continue;
        }
        if is_footer(row) {
            break;
        }
        if layout.csv_names.is_none() && is_number_row(row) {
            continue;
        }
        let mut row_reader = RowReader { sheet, layout, ctx, r, row_no: sheet.row_number(r), problems: Vec::new() };
        let rr = &mut row_reader;
        let stt = rr.stt();
        if let Some(stt) = stt {
            if let Some(first) = seen_stt.insert(stt, rr.row_no) {
                rr.problem(&Role::Stt, layout.col(&Role::Stt), format!("STT {stt} bị trùng với dòng {first}"));
            }
        }
        let name = rr.name();
        let birth = rr.birth();
        let gender = rr.gender();
        let [ethnicity, residence, residence_temporary, residence_current, note] = rr.texts();
        let note = rr.temporary_since(&residence_temporary, note);
        let mobile_box = rr.mobile_box();
        let id_number = rr.id_number(&mut seen_id);
        let levels = rr.levels(&all_levels);
        let row_no = rr.row_no;
        if row_reader.problems.is_empty() {
            if let (Some(stt), Some(name), Some(birth_date), Some(gender)) = (stt, name, birth, gender) {
                voters.push(ImportedVoter {
                    row: row_no,
                    voter: Voter { stt, name, birth_date, gender, ethnicity, id_number, residence, residence_temporary, residence_current, levels, note },
                    mobile_box,
                });
            }
        } else {
            problems.extend(row_reader.problems);
        }
    }
    progress(total, total);
    if voters.is_empty() && problems.is_empty() {
        problems.push(Problem::file("danh sách không có cử tri nào (không có dòng dữ liệu dưới dòng tiêu đề)"));
    }
    if problems.is_empty() {
        Ok(voters)
    } else {
        Err(problems)
    }
}

/// One data row being read: its cells by role, and its problems in the
/// order found (row, column, field, Vietnamese message).
struct RowReader<'a> {
    sheet: &'a Sheet,
    layout: &'a Layout,
    ctx: &'a ImportContext,
    /// Index of the row in the sheet.
    r: usize,
    /// The row's number as people see it (1-based, as the file shows it).
    row_no: u32,
    problems: Vec<Problem>,
}

impl<'a> RowReader<'a> {
    fn problem(&mut self, role: &Role, c: Option<usize>, msg: String) {
        self.problem_of(ProblemKind::Other, role, c, msg);
    }

    fn problem_of(&mut self, kind: ProblemKind, role: &Role, c: Option<usize>, msg: String) {
        self.problems.push(Problem { kind, row: Some(self.row_no), column: c.map(|c| self.layout.col_name(self.sheet, c)), field: Some(role.field_vi().to_owned()), message: msg });
    }

    fn get(&self, role: &Role) -> Option<(usize, &'a Cell)> {
        let (sheet, r) = (self.sheet, self.r);
        self.layout.col(role).map(|c| (c, sheet.cell(r, c)))
    }

    /// STT (= số thẻ cử tri): a positive whole number.
    fn stt(&mut self) -> Option<u32> {
        match self.get(&Role::Stt) {
            Some((c, cell)) => {
                let t = cell.as_text();
                match t.trim_end_matches('.').parse::<u32>() {
                    Ok(n) if n >= 1 => Some(n),
                    _ if t.is_empty() => {
                        self.problem(&Role::Stt, Some(c), "thiếu số thứ tự (STT)".into());
                        None
                    }
                    _ => {
                        self.problem(&Role::Stt, Some(c), format!("STT \"{t}\" phải là số nguyên dương"));
                        None
                    }
                }
            }
            None => None,
        }
    }

    /// Họ và tên: present, and possible Vietnamese.
    fn name(&mut self) -> Option<String> {
        let name = self.get(&Role::Name).map(|(c, cell)| (c, clean(&cell.as_text())));
        if let Some((c, cell)) = self.get(&Role::Name) {
            if let Some(msg) = garbled(self.sheet, cell) {
                self.problem(&Role::Name, Some(c), msg);
            }
        }
        match name {
            Some((_, n)) if !n.is_empty() => Some(n),
            Some((c, _)) => {
                self.problem(&Role::Name, Some(c), "thiếu họ và tên".into());
                None
            }
            None => None,
        }
    }

    /// Mẫu 31 column (2): the date, or the year alone for voters born in
    /// 2007 or earlier (a year typed into a number cell is a number); of
    /// age on election day.
    fn birth(&mut self) -> Option<BirthDate> {
        let birth = match self.get(&Role::Birth) {
            Some((c, cell)) => {
                let d = match cell {
                    Cell::Date(d) => Some(BirthDate::Full(*d)),
                    Cell::Number(n) if *n > 3000.0 => excel_date(*n).map(BirthDate::Full),
                    other => voter::parse_birth(&other.as_text()),
                };
                match d {
                    Some(d) => Some(d),
                    None if cell.is_empty() => {
                        self.problem(&Role::Birth, Some(c), "thiếu ngày sinh".into());
                        None
                    }
                    None => {
                        self.problem(
                            &Role::Birth,
                            Some(c),
                            format!(
                                "ngày sinh \"{}\" không hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 05/07/1960 (hoặc chỉ năm sinh, ví dụ 1960, với cử tri sinh từ năm {} trở về trước)",
                                cell.as_text(),
                                voter::year_only_limit(self.ctx.election_day)
                            ),
                        );
                        None
                    }
                }
            }
            None => None,
        };
        if let Some(b) = birth {
            if let Err(why) = voter::check_birth(b, self.ctx.election_day) {
                self.problem_of(ProblemKind::UnderAge, &Role::Birth, self.layout.col(&Role::Birth), voter::birth_refusal_vi(b, why, self.ctx.election_day));
            }
        }
        birth
    }

    /// Giới tính: one column ("Nam"/"Nữ") or two marked columns.
    fn gender(&mut self) -> Option<Gender> {
        if let Some((c, cell)) = self.get(&Role::Gender) {
            let g = Gender::parse(&cell.as_text());
            if g.is_none() {
                self.problem(&Role::Gender, Some(c), format!("giới tính \"{}\" không hợp lệ; ghi \"Nam\" hoặc \"Nữ\"", cell.as_text()));
            }
            g
        } else {
            let male = self.get(&Role::Male).is_some_and(|(_, c)| is_mark(c));
            let female = self.get(&Role::Female).is_some_and(|(_, c)| is_mark(c));
            match (male, female) {
                (true, false) => Some(Gender::Male),
                (false, true) => Some(Gender::Female),
                (true, true) => {
                    self.problem(&Role::Male, self.layout.col(&Role::Male), "đánh dấu cả ô Nam và ô Nữ".into());
                    None
                }
                (false, false) => {
                    self.problem(&Role::Male, self.layout.col(&Role::Male), "chưa đánh dấu \"x\" vào ô Nam hoặc Nữ".into());
                    None
                }
            }
        }
    }

    /// Dân tộc, the three residence columns and the note, each kept as
    /// written; text read from a code page must be possible Vietnamese (a
    /// wrong decoding is refused here, naming the cell, never imported).
    fn texts(&mut self) -> [String; 5] {
        [Role::Ethnicity, Role::Residence, Role::ResidenceTemp, Role::ResidenceCurrent, Role::Note].map(|role| {
            let Some((c, cell)) = self.get(&role) else {
                return String::new();
            };
            if let Some(msg) = garbled(self.sheet, cell) {
                self.problem(&role, Some(c), msg);
            }
            clean(&cell.as_text())
        })
    }

    /// When the temporary registration started (CSV `tam_tru_tu`): Mẫu
    /// 31/HĐBC writes it in column (11) — "Tạm trú từ tháng 10/2025", the
    /// year alone when it started in 2024 or earlier — for a voter whose
    /// address is in (7b). Returns the note with it.
    fn temporary_since(&mut self, residence_temporary: &str, note: String) -> String {
        let mut note = note;
        if let Some((c, cell)) = self.get(&Role::TemporarySince).filter(|(_, cell)| !cell.is_empty()) {
            let typed = cell.as_text();
            match list_note::TemporarySince::parse(&typed) {
                None => self.problem(
                    &Role::TemporarySince,
                    Some(c),
                    format!(
                        "thời gian bắt đầu tạm trú \"{typed}\" không hợp lệ; ghi tháng/năm, ví dụ 10/2025 (hoặc chỉ năm với tạm trú từ năm {} trở về trước)",
                        list_note::year_only_until(self.ctx.election_day)
                    ),
                ),
                Some(since) => {
                    if let Err(why) = since.check(self.ctx.election_day) {
                        self.problem(&Role::TemporarySince, Some(c), why.vi(since, self.ctx.election_day));
                    }
                    if residence_temporary.is_empty() {
                        self.problem(&Role::TemporarySince, Some(c), "có thời gian bắt đầu tạm trú nhưng chưa có địa chỉ tạm trú (cột tam_tru, cột (7b) của Mẫu 31/HĐBC)".into());
                    }
                    match list_note::temporary_since(&note) {
                        Some(written) if written != since => {
                            self.problem(&Role::Note, self.layout.col(&Role::Note), format!("ghi chú ghi tạm trú từ {}, khác cột tam_tru_tu ({})", written.short_vi(), since.short_vi()))
                        }
                        Some(_) => {}
                        None if note.is_empty() => note = since.note_vi(self.ctx.election_day),
                        None => note = format!("{}; {note}", since.note_vi(self.ctx.election_day)),
                    }
                }
            }
        }
        note
    }

    /// Hòm phiếu phụ: "X" when the voter needs the mobile box.
    fn mobile_box(&mut self) -> bool {
        match self.get(&Role::MobileBox) {
            Some((c, cell)) => match fold(&cell.as_text()).as_str() {
                "x" | "1" | "co" => true,
                "" | "0" | "khong" => false,
                _ => {
                    self.problem(&Role::MobileBox, Some(c), format!("\"{}\": ghi \"X\" nếu cử tri cần hòm phiếu phụ, để trống nếu không", cell.as_text()));
                    false
                }
            },
            None => false,
        }
    }

    /// Số định danh: 12 digits (căn cước) or 9 (CMND), once in the list.
    fn id_number(&mut self, seen: &mut HashMap<String, u32>) -> Option<String> {
        match self.get(&Role::IdNumber) {
            Some((c, cell)) if !cell.is_empty() => {
                let mut digits: String = cell.as_text().chars().filter(|c| !c.is_whitespace() && *c != '.' && *c != '\'').collect();
                // Numbers typed into a number cell lose their leading zero
                // (every căn cước starts with a province code like 038).
                if matches!(cell, Cell::Number(_)) && (digits.len() == 11 || digits.len() == 8) {
                    digits.insert(0, '0');
                }
                if voter::valid_id_number(&digits) {
                    if let Some(first) = seen.insert(digits.clone(), self.row_no) {
                        self.problem_of(ProblemKind::DuplicateId, &Role::IdNumber, Some(c), format!("số định danh {digits} bị trùng với dòng {first}"));
                    }
                    Some(digits)
                } else {
                    self.problem(&Role::IdNumber, Some(c), format!("số định danh \"{}\" phải gồm 12 chữ số (căn cước) hoặc 9 chữ số (CMND cũ)", cell.as_text()));
                    None
                }
            }
            _ => None,
        }
    }

    /// The levels the voter votes for: a codes column, marked level
    /// columns, or every level; in the definition's order.
    fn levels(&mut self, all_levels: &[String]) -> Vec<String> {
        let levels: Vec<String> = if let Some((c, cell)) = self.get(&Role::Levels) {
            let mut out = Vec::new();
            for code in cell.as_text().split([' ', ',', ';']).filter(|s| !s.is_empty()) {
                match all_levels.iter().find(|l| l.eq_ignore_ascii_case(code)) {
                    Some(l) => out.push(l.clone()),
                    None => self.problem(&Role::Levels, Some(c), format!("cấp \"{code}\" không có trong cuộc bầu cử (các cấp: {})", all_levels.join(", "))),
                }
            }
            if cell.is_empty() {
                self.problem(&Role::Levels, Some(c), format!("chưa ghi cấp bầu cử nào (các cấp: {})", all_levels.join(" ")));
            }
            out
        } else if self.layout.has_levels {
            let marked: Vec<String> = self
                .layout
                .columns
                .iter()
                .filter_map(|(c, role)| match role {
                    Role::Level(code) if is_mark(self.sheet.cell(self.r, *c)) => Some(code.clone()),
                    _ => None,
                })
                .collect();
            if marked.is_empty() {
                let first = self.layout.columns.iter().find(|(_, r)| matches!(r, Role::Level(_))).map(|(c, _)| *c);
                self.problem(&Role::Levels, first, "chưa đánh dấu \"x\" vào cột cấp bầu cử nào".into());
            }
            marked
        } else {
            all_levels.to_vec()
        };
        let mut levels: Vec<String> = all_levels.iter().filter(|l| levels.contains(l)).cloned().collect();
        levels.dedup();
        let mut levels: Vec<String> = all_levels.iter().filter(|l| levels.contains(l)).cloned().collect();
        levels.dedup();
        levels
    }
}
