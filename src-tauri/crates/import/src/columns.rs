//! Finding the header and what each column holds.
//!
//! A form's header is its two-row merged header (then the row of column
//! numbers); a level's column is found by its header text (the level's code
//! as a word, else its tier). A CSV has the columns of `CSV_COLUMNS`: after
//! `ghi_chu`, `tam_tru` and `noi_o_hien_tai` (columns 7b, 7c), `tam_tru_tu`
//! (the start of temporary residence, written into column (11) as the form
//! asks) and `hom_phieu_phu` (the mobile-box flag) may follow.

use tobaucu_core::text::{fold, words};

use crate::grid::Sheet;
use crate::{ImportContext, Problem, ProblemKind};

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Stt,
    Name,
    Birth,
    /// "x" marks a man / a woman (Mẫu 31 columns Nam, Nữ).
    Male,
    Female,
    /// One column holding "Nam"/"Nữ" (CSV `gioi_tinh`).
    Gender,
    Ethnicity,
    IdNumber,
    /// Nơi thường trú (Mẫu 31 column 7a; a single "Nơi cư trú" column).
    Residence,
    /// Nơi tạm trú (7b).
    ResidenceTemp,
    /// Nơi ở hiện tại (7c).
    ResidenceCurrent,
    /// When the temporary registration started (CSV `tam_tru_tu`): Mẫu 31
    /// writes it in column (11).
    TemporarySince,
    /// "X" when the voter needs the mobile ballot box (CSV `hom_phieu_phu`;
    /// not a column of the form).
    MobileBox,
    /// "x" marks a ballot of this level code.
    Level(String),
    /// Space-separated level codes (CSV `levels`).
    Levels,
    Note,
    Ignore,
}

impl Role {
    pub fn field_vi(&self) -> &'static str {
        match self {
            Role::Stt => "STT",
            Role::Name => "Họ và tên",
            Role::Birth => "Ngày sinh",
            Role::Male | Role::Female | Role::Gender => "Giới tính",
            Role::Ethnicity => "Dân tộc",
            Role::IdNumber => "Số định danh/căn cước",
            Role::Residence => "Nơi thường trú",
            Role::ResidenceTemp => "Nơi tạm trú",
            Role::ResidenceCurrent => "Nơi ở hiện tại",
            Role::TemporarySince => "Thời gian bắt đầu tạm trú",
            Role::MobileBox => "Hòm phiếu phụ",
            Role::Level(_) | Role::Levels => "Cấp bầu cử",
            Role::Note => "Ghi chú",
            Role::Ignore => "",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Layout {
    /// Index of the first data row candidate (after the header rows).
    pub data_start: usize,
    pub columns: Vec<(usize, Role)>,
    /// CSV header names by column, to name columns in messages.
    pub csv_names: Option<Vec<String>>,
    /// Whether the file has level columns at all.
    pub has_levels: bool,
}

impl Layout {
    pub fn col(&self, role: &Role) -> Option<usize> {
        self.columns.iter().find(|(_, r)| r == role).map(|(c, _)| *c)
    }
    pub fn col_name(&self, sheet: &Sheet, c: usize) -> String {
        match &self.csv_names {
            Some(names) => names.get(c).cloned().unwrap_or_else(|| sheet.col_name(c)),
            None => sheet.col_name(c),
        }
    }
}

/// The CSV of `interfaces.md` §3; `tam_tru` and `noi_o_hien_tai` (Mẫu 31
/// columns 7b, 7c), `tam_tru_tu` (when the temporary registration started,
/// written into column (11) as the form asks) and `hom_phieu_phu` may follow.
const CSV_COLUMNS: [&str; 13] = ["stt", "ho_ten", "ngay_sinh", "gioi_tinh", "dan_toc", "can_cuoc", "noi_cu_tru", "levels", "ghi_chu", "tam_tru", "noi_o_hien_tai", "tam_tru_tu", "hom_phieu_phu"];

pub fn find_layout(sheet: &Sheet, ctx: &ImportContext) -> Result<Layout, Vec<Problem>> {
    // The CSV of interfaces.md §3: a first row with the fixed column keys.
    if let Some(h) = sheet.rows.iter().position(|r| r.iter().any(|c| !c.is_empty())) {
        let names: Vec<String> = sheet.rows[h].iter().map(|c| c.as_text().trim().to_ascii_lowercase()).collect();
        if names.iter().any(|n| n == "ho_ten") {
            return csv_layout(sheet, h, names);
        }
    }
    form_layout(sheet, ctx)
}

fn csv_layout(sheet: &Sheet, h: usize, names: Vec<String>) -> Result<Layout, Vec<Problem>> {
    let mut columns = Vec::new();
    let mut problems = Vec::new();
    for (c, n) in names.iter().enumerate() {
        let role = match n.as_str() {
            "stt" => Role::Stt,
            "ho_ten" => Role::Name,
            "ngay_sinh" => Role::Birth,
            "gioi_tinh" => Role::Gender,
            "dan_toc" => Role::Ethnicity,
            "can_cuoc" => Role::IdNumber,
            "noi_cu_tru" => Role::Residence,
            "tam_tru" => Role::ResidenceTemp,
            "noi_o_hien_tai" => Role::ResidenceCurrent,
            "tam_tru_tu" => Role::TemporarySince,
            "hom_phieu_phu" => Role::MobileBox,
            "levels" => Role::Levels,
            "ghi_chu" => Role::Note,
            "" => Role::Ignore,
            other => {
                problems.push(Problem {
                    kind: ProblemKind::Other,
                    row: Some(sheet.row_number(h)),
                    column: Some(other.to_owned()),
                    field: None,
                    message: format!("cột \"{other}\" không có trong mẫu CSV; các cột hợp lệ: {}", CSV_COLUMNS.join(",")),
                });
                continue;
            }
        };
        if columns.iter().any(|(_, r)| r == &role) && role != Role::Ignore {
            problems.push(Problem { kind: ProblemKind::Other, row: Some(sheet.row_number(h)), column: Some(n.clone()), field: None, message: format!("cột \"{n}\" bị lặp") });
        }
        columns.push((c, role));
    }
    for required in ["stt", "ho_ten", "ngay_sinh", "gioi_tinh"] {
        if !names.iter().any(|n| n == required) {
            problems.push(Problem {
                kind: ProblemKind::Other, row: Some(sheet.row_number(h)), column: None, field: None, message: format!("thiếu cột bắt buộc \"{required}\" ở dòng tiêu đề")
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let has_levels = columns.iter().any(|(_, r)| *r == Role::Levels);
    Ok(Layout { data_start: h + 1, columns, csv_names: Some(names), has_levels })
}

fn is_stt_label(f: &str) -> bool {
    matches!(f, "stt" | "tt" | "so tt" | "so thu tu" | "s tt" | "so t t")
}

fn form_layout(sheet: &Sheet, ctx: &ImportContext) -> Result<Layout, Vec<Problem>> {
    let scan = sheet.rows.len().min(60);
    let header = (0..scan).find(|&r| {
        let f: Vec<String> = sheet.rows[r].iter().map(|c| fold(&c.as_text())).collect();
        f.iter().any(|s| is_stt_label(s.trim_end_matches('.'))) && f.iter().any(|s| s.contains("ho va ten") || s.contains("ho ten"))
    });
    let Some(h) = header else {
        return Err(vec![Problem::file("không tìm thấy dòng tiêu đề của danh sách (cần các cột \"STT\" và \"Họ và tên\" theo Mẫu 31/HĐBC, hoặc tệp CSV có dòng tiêu đề stt,ho_ten,…)")]);
    };
    let width = sheet.rows.iter().skip(h).take(3).map(Vec::len).max().unwrap_or(0);
    let top: Vec<String> = (0..width).map(|c| fold(&sheet.cell(h, c).as_text())).collect();
    let below: Vec<String> = (0..width).map(|c| fold(&sheet.cell(h + 1, c).as_text())).collect();
    // The row under the header is a sub-header when it labels columns
    // (Nam/Nữ, Thường trú/Tạm trú, Tỉnh/Xã…) rather than holding numbers or data.
    let sub_words = ["nam", "nu", "thuong tru", "tam tru", "noi o hien tai", "tinh", "xa", "huyen", "quoc hoi", "phuong", "thanh pho", "hdnd", "dbqh"];
    let has_sub = below.iter().any(|s| sub_words.iter().any(|w| s == w || s.starts_with(&format!("{w} "))));
    // Merged header cells hold their text in the top-left cell only:
    // carry a parent label rightwards over the columns it spans.
    let mut parents = Vec::with_capacity(width);
    let mut carry = String::new();
    for c in 0..width {
        if !top[c].is_empty() {
            carry = top[c].clone();
            parents.push(carry.clone());
        } else if has_sub && !below[c].is_empty() {
            parents.push(carry.clone());
        } else {
            carry.clear();
            parents.push(String::new());
        }
    }
    let mut columns = Vec::new();
    let mut problems = Vec::new();
    for c in 0..width {
        let parent = parents[c].as_str();
        let sub = if has_sub { below[c].as_str() } else { "" };
        if parent.is_empty() && sub.is_empty() {
            continue;
        }
        let letter = sheet.col_name(c);
        let explicit =
            ctx.level_columns.iter().find(|(k, _)| k.eq_ignore_ascii_case(&letter) || (!fold(k).is_empty() && (fold(k) == sub || fold(k) == parent || format!("{parent} {sub}").contains(&fold(k)))));
        let role = if let Some((_, code)) = explicit {
            if !ctx.levels.iter().any(|(c, _)| c == code) {
                problems.push(Problem {
                    kind: ProblemKind::Other,
                    row: Some(sheet.row_number(h)),
                    column: Some(letter.clone()),
                    field: None,
                    message: format!("cấp \"{code}\" trong tùy chọn ghép cột không có trong cuộc bầu cử"),
                });
                continue;
            }
            Role::Level(code.clone())
        } else {
            match classify(parent, sub, ctx) {
                Ok(r) => r,
                Err(msg) => {
                    problems.push(Problem { kind: ProblemKind::Other, row: Some(sheet.row_number(h)), column: Some(letter), field: None, message: msg });
                    continue;
                }
            }
        };
        if role != Role::Ignore && !matches!(role, Role::Level(_)) && columns.iter().any(|(_, r)| r == &role) {
            // A second column of the same kind (e.g. "Số thẻ" beside "STT"): keep the first.
            continue;
        }
        if let Role::Level(code) = &role {
            if columns.iter().any(|(_, r)| r == &role) {
                problems.push(Problem { kind: ProblemKind::Other, row: Some(sheet.row_number(h)), column: Some(letter), field: None, message: format!("hai cột cùng ghép với cấp {code}") });
                continue;
            }
        }
        columns.push((c, role));
    }
    let layout = Layout { data_start: h + if has_sub { 2 } else { 1 }, has_levels: columns.iter().any(|(_, r)| matches!(r, Role::Level(_))), columns, csv_names: None };
    for (role, what) in [(Role::Stt, "STT"), (Role::Name, "Họ và tên"), (Role::Birth, "Ngày, tháng, năm sinh")] {
        if layout.col(&role).is_none() {
            problems
                .push(Problem { kind: ProblemKind::Other, row: Some(sheet.row_number(h)), column: None, field: None, message: format!("không tìm thấy cột \"{what}\" ở dòng tiêu đề") });
        }
    }
    if layout.col(&Role::Gender).is_none() && (layout.col(&Role::Male).is_none() || layout.col(&Role::Female).is_none()) {
        problems.push(Problem {
            kind: ProblemKind::Other,
            row: Some(sheet.row_number(h)),
            column: None,
            field: None,
            message: "không tìm thấy cột giới tính (\"Nam\" và \"Nữ\", hoặc \"Giới tính\")".into(),
        });
    }
    if problems.is_empty() {
        Ok(layout)
    } else {
        Err(problems)
    }
}

/// Decides a column's role from its (folded) parent and sub-header labels.
fn classify(parent: &str, sub: &str, ctx: &ImportContext) -> Result<Role, String> {
    let both = format!("{parent} {sub}");
    let is_level_group = ["bau cu", "hdnd", "hoi dong nhan dan", "quoc hoi", "dbqh", "dai bieu"].iter().any(|k| both.contains(k));
    if !sub.is_empty() {
        match sub {
            "nam" => return Ok(Role::Male),
            "nu" => return Ok(Role::Female),
            _ => {}
        }
        if sub.contains("thuong tru") {
            return Ok(Role::Residence);
        }
        if sub.contains("tam tru") {
            return Ok(Role::ResidenceTemp);
        }
        if is_current_place(sub) {
            return Ok(Role::ResidenceCurrent);
        }
        if is_level_group {
            return match_level(&both, ctx)
                .map(Role::Level)
                .ok_or_else(|| format!("cột \"{}\" trông như cột cấp bầu cử nhưng không khớp cấp nào của cuộc bầu cử; hãy ghép bằng tùy chọn --level-column", both.trim()));
        }
    }
    let l = if sub.is_empty() { parent } else { sub };
    let t = l.trim_end_matches(['.', ':']);
    Ok(if is_stt_label(t) {
        Role::Stt
    } else if t.contains("ho va ten") || t.contains("ho ten") {
        Role::Name
    } else if (t.contains("ngay") && t.contains("sinh")) || t.contains("nam sinh") {
        Role::Birth
    } else if t.contains("gioi tinh") {
        Role::Gender
    } else if t == "nam" {
        Role::Male
    } else if t == "nu" {
        Role::Female
    } else if t.contains("dan toc") {
        Role::Ethnicity
    } else if ["can cuoc", "cccd", "dinh danh", "cmnd", "chung minh"].iter().any(|k| t.contains(k)) {
        Role::IdNumber
    } else if t.contains("tam tru") {
        Role::ResidenceTemp
    } else if is_current_place(t) {
        Role::ResidenceCurrent
    } else if ["noi cu tru", "thuong tru", "dia chi", "noi o", "cu tru"].iter().any(|k| t.contains(k)) {
        Role::Residence
    } else if t.contains("ghi chu") {
        Role::Note
    } else if is_level_group {
        return match_level(&both, ctx)
            .map(Role::Level)
            .ok_or_else(|| format!("cột \"{}\" trông như cột cấp bầu cử nhưng không khớp cấp nào của cuộc bầu cử; hãy ghép bằng tùy chọn --level-column", both.trim()));
    } else {
        Role::Ignore
    })
}

/// "Nơi ở hiện tại" (Mẫu 31 column 7c), also written "hiện nay".
fn is_current_place(folded: &str) -> bool {
    folded.contains("noi o hien tai") || folded.contains("noi o hien nay")
}

/// Tiers of the level a header names, by keywords of the folded header.
const TIERS: [(&str, &[&str]); 4] = [("qh", &["quoc hoi", "dbqh", "qh"]), ("tinh", &["tinh", "thanh pho"]), ("huyen", &["huyen", "quan", "thi xa"]), ("xa", &["xa", "phuong", "thi tran", "dac khu"])];

fn has_phrase(folded: &str, phrase: &str) -> bool {
    let w: Vec<&str> = words(folded).collect();
    let p: Vec<&str> = phrase.split(' ').collect();
    w.windows(p.len()).any(|win| win == p.as_slice())
}

fn tier_of(folded: &str) -> Option<&'static str> {
    // "quoc hoi" wins over the others; "thi xa" is a district-level town.
    if has_phrase(folded, "quoc hoi") || has_phrase(folded, "dbqh") || has_phrase(folded, "qh") {
        return Some("qh");
    }
    TIERS.iter().skip(1).find(|(_, keys)| keys.iter().any(|k| has_phrase(folded, k))).map(|(t, _)| *t)
}

/// Finds the level a header names: its code as a word, else its tier.
pub fn match_level(header_folded: &str, ctx: &ImportContext) -> Option<String> {
    for (code, _) in &ctx.levels {
        if words(header_folded).any(|w| w == fold(code)) {
            return Some(code.clone());
        }
    }
    let tier = tier_of(header_folded)?;
    ctx.levels.iter().find(|(code, name)| tier_of(&fold(&format!("{code} {name}"))) == Some(tier) || fold(code) == tier).map(|(code, _)| code.clone())
}
