//! Column (11) "Ghi chú" of the voter list, Mẫu số 31/HĐBC (Nghị quyết
//! 40/NQ-HĐBCQG; `shared/forms-2026/mau-31-HDBC.txt`), and the checks of
//! the list around it.
//!
//! The form's notes say what column (11) holds — "Cột (11) ghi chú cụ thể
//! về các nội dung sau đây":
//! - a temporary resident registered to vote here: the time the temporary
//!   registration started, "bắt đầu tạm trú từ năm 2024 trở về trước thì
//!   chỉ cần ghi năm; từ năm 2024 đến nay thì ghi rõ tháng và năm" (the
//!   address itself goes in (7b), "Tạm trú");
//! - a voter of khoản 5 Điều 29: "Người đang bị tạm giam", "Người đang bị
//!   tạm giữ", "Người đang chấp hành biện pháp…";
//! - "Bỏ phiếu ở nơi khác" (a certificate to vote elsewhere), "Bỏ phiếu ở
//!   nơi cư trú" (a soldier voting where they live);
//! - "Cử tri không cư trú ở địa phương" (Điều 34);
//! - a removal from the list (khoản 3, 4 and 5 Điều 30).
//!
//! A voter's note in the app may hold more — the team's own remarks, such
//! as "Cần hòm phiếu phụ". Those stay in the app: [`printed`] keeps only
//! the form's cases, [`not_printed`] names the rest.
//!
//! Also here: how the start of temporary residence is written (the year
//! alone up to the election's year − 2, `year_only_until`; month and year
//! after), the 12-month rule on election day, and the checks of a line — a
//! tạm trú note with the address in (7a), a (7b) address without its start,
//! the start against the levels marked.

use chrono::{Datelike, Months, NaiveDate};

use crate::text;
use crate::voter::{date_vi, NOTE_VOTES_ELSEWHERE};

/// The last year whose start of temporary residence may be written as the
/// year alone: the election's year − 2 (2024 for 2026). Mẫu 31/HĐBC: "bắt
/// đầu tạm trú từ năm 2024 trở về trước thì chỉ cần ghi năm; từ năm 2024
/// đến nay thì ghi rõ tháng và năm". Anyone whose registration started in
/// that year or earlier has 12 months on election day whatever the month.
pub fn year_only_until(election_day: NaiveDate) -> i32 {
    election_day.year() - 2
}

/// When a temporary registration started (thời gian bắt đầu đăng ký tạm
/// trú): a month and year, or the year alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemporarySince {
    pub year: i32,
    pub month: Option<u32>,
}

/// Why a start of temporary residence cannot stand as the form asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinceRefusal {
    /// The year alone, for a start after [`year_only_until`] (carried): the
    /// month decides whether the voter has 12 months on election day.
    MonthNeeded(i32),
    /// After election day.
    AfterElection,
}

impl TemporarySince {
    /// Reads a start as people write it: "10/2025", "T10/2025", "tháng 10
    /// năm 2025", "15/10/2025" (the day is dropped), "2025-10", "2023",
    /// "năm 2023". In a longer text ("Tạm trú từ tháng 10/2025"), what
    /// follows the last "từ" or "bắt đầu" is read. A text with no year of
    /// four digits ("Tạm trú dưới 12 tháng") is not a start.
    pub fn parse(s: &str) -> Option<TemporarySince> {
        let folded = text::fold(s);
        let words: Vec<&str> = folded.split(' ').collect();
        let mut from = 0;
        for (i, w) in words.iter().enumerate() {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            if w == "tu" || (w == "dau" && i > 0 && words[i - 1] == "bat") {
                from = i + 1;
            }
        }
        let tail = words.get(from..).unwrap_or_default().join(" ");
        let iso = tail.trim().chars().all(|c| c.is_ascii_digit() || c == '-');
        let numbers: Vec<&str> = tail.split(|c: char| !c.is_ascii_digit()).filter(|t| !t.is_empty()).collect();
        let value = |t: &str| t.parse::<u32>().ok();
        let year_at = numbers.iter().position(|t| t.len() == 4 && value(t).is_some_and(|y| (1900..=2100).contains(&y)))?;
        let year = i32::try_from(value(numbers[year_at])?).ok()?;
        let before = &numbers[..year_at];
        let after = &numbers[year_at + 1..];
        let month = match (before, after) {
            ([], []) => None,
            // "2025-10", "2025-10-15"
            ([], [m] | [m, _]) if iso => Some(value(m)?),
            ([m], []) => Some(value(m)?),
            ([d, m], []) => {
                let (d, m) = (value(d)?, value(m)?);
                NaiveDate::from_ymd_opt(year, m, d)?;
                Some(m)
            }
            _ => return None,
        };
        if month.is_some_and(|m| !(1..=12).contains(&m)) {
            return None;
        }
        Some(TemporarySince { year, month })
    }

    /// The first and the last day the registration may have started on.
    fn span(self) -> Option<(NaiveDate, NaiveDate)> {
        match self.month {
            Some(m) => {
                let first = NaiveDate::from_ymd_opt(self.year, m, 1)?;
                let last = first.checked_add_months(Months::new(1))?.pred_opt()?;
                Some((first, last))
            }
            None => Some((NaiveDate::from_ymd_opt(self.year, 1, 1)?, NaiveDate::from_ymd_opt(self.year, 12, 31)?)),
        }
    }

    /// Checks the start against election day as Mẫu 31/HĐBC asks.
    pub fn check(self, election_day: NaiveDate) -> Result<(), SinceRefusal> {
        match self.span() {
            Some((first, _)) if first > election_day => Err(SinceRefusal::AfterElection),
            None => Err(SinceRefusal::AfterElection),
            _ if self.month.is_none() && self.year > year_only_until(election_day) => Err(SinceRefusal::MonthNeeded(year_only_until(election_day))),
            _ => Ok(()),
        }
    }

    /// Whether the registration has 12 months or more on election day
    /// ("thời gian đăng ký tạm trú từ 12 tháng trở lên tính đến ngày bầu
    /// cử"): `None` when the month written does not tell (it started in
    /// the month twelve months before election day).
    pub fn twelve_months(self, election_day: NaiveDate) -> Option<bool> {
        let ago = election_day.checked_sub_months(Months::new(12))?;
        let (first, last) = self.span()?;
        if last <= ago {
            Some(true)
        } else if first > ago {
            Some(false)
        } else {
            None
        }
    }

    /// "10/2025" or "2023".
    pub fn short_vi(self) -> String {
        match self.month {
            Some(m) => format!("{m}/{}", self.year),
            None => self.year.to_string(),
        }
    }

    /// Column (11) as Mẫu 31/HĐBC asks: "Tạm trú từ năm 2023" for a start
    /// in [`year_only_until`] or earlier without a month, or before it
    /// ("chỉ cần ghi năm"); "Tạm trú từ tháng 10/2025" from that year on
    /// ("ghi rõ tháng và năm").
    pub fn note_vi(self, election_day: NaiveDate) -> String {
        let cut = year_only_until(election_day);
        match self.month {
            Some(m) if self.year >= cut => format!("Tạm trú từ tháng {m}/{}", self.year),
            _ => format!("Tạm trú từ năm {}", self.year),
        }
    }
}

impl SinceRefusal {
    /// The Vietnamese reason, for messages naming the voter or the cell.
    pub fn vi(self, since: TemporarySince, election_day: NaiveDate) -> String {
        match self {
            SinceRefusal::MonthNeeded(cut) => format!(
                "thời gian bắt đầu tạm trú chỉ ghi năm {}: Mẫu 31/HĐBC chỉ cho ghi năm khi bắt đầu tạm trú từ năm {cut} trở về trước, từ năm {cut} đến nay phải ghi rõ tháng và năm (ví dụ 10/{})",
                since.year, since.year
            ),
            SinceRefusal::AfterElection => format!("thời gian bắt đầu tạm trú {} sau ngày bầu cử {}", since.short_vi(), date_vi(election_day)),
        }
    }
}

/// One of the cases Mẫu 31/HĐBC names for column (11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteCase {
    /// Thời gian bắt đầu đăng ký tạm trú.
    TemporaryStart(TemporarySince),
    /// Khoản 5 Điều 29: tạm giam, tạm giữ, chấp hành biện pháp…
    Detained,
    /// "Bỏ phiếu ở nơi khác".
    VotesElsewhere,
    /// "Bỏ phiếu ở nơi cư trú" (a soldier).
    VotesAtResidence,
    /// "Cử tri không cư trú ở địa phương" (Điều 34).
    NotResident,
    /// Xóa tên (khoản 3, 4, 5 Điều 30).
    Removed,
}

/// The parts of a note: separated by ";" or new lines.
pub fn segments(note: &str) -> impl Iterator<Item = &str> {
    note.split([';', '\n']).map(str::trim).filter(|s| !s.is_empty())
}

/// Which of column (11)'s cases a part of a note is, if any.
pub fn case_of(segment: &str) -> Option<NoteCase> {
    let f = text::fold(segment);
    let has = |k: &str| f.contains(k);
    if has("tam tru") {
        if let Some(since) = TemporarySince::parse(segment) {
            return Some(NoteCase::TemporaryStart(since));
        }
    }
    if has("tam giam") || has("tam giu") || has("chap hanh bien phap") {
        Some(NoteCase::Detained)
    } else if has("bo phieu o noi khac") {
        Some(NoteCase::VotesElsewhere)
    } else if has("bo phieu o noi cu tru") {
        Some(NoteCase::VotesAtResidence)
    } else if has("khong cu tru o dia phuong") {
        Some(NoteCase::NotResident)
    } else if has("xoa ten") {
        Some(NoteCase::Removed)
    } else {
        None
    }
}

/// The start of temporary residence a note gives, if any.
pub fn temporary_since(note: &str) -> Option<TemporarySince> {
    segments(note).find_map(|s| match case_of(s) {
        Some(NoteCase::TemporaryStart(since)) => Some(since),
        _ => None,
    })
}

/// Column (11) as printed: the parts of the note that are the form's
/// cases, in the note's order, joined by "; " — and "Bỏ phiếu ở nơi khác"
/// for a certificate holder whose note does not say it yet.
pub fn printed(note: &str, votes_elsewhere: bool) -> String {
    let mut parts: Vec<&str> = segments(note).filter(|s| case_of(s).is_some()).collect();
    if votes_elsewhere && !parts.iter().any(|s| case_of(s) == Some(NoteCase::VotesElsewhere)) {
        parts.push(NOTE_VOTES_ELSEWHERE);
    }
    parts.join("; ")
}

/// The parts of a note that are none of column (11)'s cases: kept in the
/// app, not printed on the list.
pub fn not_printed(note: &str) -> Vec<String> {
    segments(note).filter(|s| case_of(s).is_none()).map(str::to_owned).collect()
}

/// A voter's line as the checks need it.
#[derive(Debug, Clone, Copy)]
pub struct ListLine<'a> {
    /// (7a) Thường trú.
    pub permanent: &'a str,
    /// (7b) Tạm trú.
    pub temporary: &'a str,
    /// (11) Ghi chú as stored (the team's remarks included).
    pub note: &'a str,
    /// The levels the voter is marked for.
    pub levels: &'a [String],
}

/// The election's levels as the 12-month rule needs them.
#[derive(Debug, Clone, Copy)]
pub struct ListLevels<'a> {
    /// Every level of the election (first round).
    pub all: &'a [String],
    /// The levels of a temporary resident under 12 months (ĐBQH and the
    /// province council: columns (8), (9)).
    pub short: &'a [String],
}

/// Something on a voter's line that the form asks otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListWarning {
    /// The note speaks of tạm trú, (7b) is empty and the address is in (7a).
    TemporaryAddressInPermanent,
    /// (7b) holds the address; (11) gives no start of the registration.
    NoTemporaryStart,
    /// The start written in (11) is not as the form asks.
    TemporaryStart(TemporarySince, SinceRefusal),
    /// Under 12 months on election day, yet marked for these levels too.
    UnderTwelveMonths(TemporarySince, Vec<String>),
    /// 12 months or more on election day, yet not marked for these levels.
    TwelveMonthsOrMore(TemporarySince, Vec<String>),
}

impl ListWarning {
    pub fn vi(&self, election_day: NaiveDate) -> String {
        let cut = year_only_until(election_day);
        match self {
            ListWarning::TemporaryAddressInPermanent => "ghi chú nói tạm trú nhưng địa chỉ nằm ở cột (7a) Thường trú, cột (7b) Tạm trú trống — Mẫu 31/HĐBC ghi địa chỉ nơi tạm trú vào cột (7b) và ghi thời gian bắt đầu đăng ký tạm trú vào cột (11)".to_owned(),
            ListWarning::NoTemporaryStart => format!(
                "có địa chỉ tạm trú (7b) nhưng cột (11) chưa ghi thời gian bắt đầu đăng ký tạm trú — Mẫu 31/HĐBC: từ năm {cut} trở về trước ghi năm, từ năm {cut} đến nay ghi rõ tháng và năm (ví dụ \"Tạm trú từ tháng 10/{}\")",
                election_day.year() - 1
            ),
            ListWarning::TemporaryStart(since, why) => why.vi(*since, election_day),
            ListWarning::UnderTwelveMonths(since, extra) => format!(
                "tạm trú từ {}, chưa đủ 12 tháng tính đến ngày bầu cử {}: Mẫu 31/HĐBC chỉ đánh dấu (X) vào cột (8), (9), nhưng danh sách ghi cả cấp {}",
                since.short_vi(),
                date_vi(election_day),
                extra.join(", ")
            ),
            ListWarning::TwelveMonthsOrMore(since, missing) => format!(
                "tạm trú từ {}, đủ 12 tháng trở lên tính đến ngày bầu cử {}: Mẫu 31/HĐBC đánh dấu (X) vào mọi cột cấp bầu cử, nhưng danh sách chưa ghi cấp {}",
                since.short_vi(),
                date_vi(election_day),
                missing.join(", ")
            ),
        }
    }
}

/// The checks of one line of the list around residence and column (11).
pub fn check_line(line: ListLine<'_>, levels: ListLevels<'_>, election_day: NaiveDate) -> Vec<ListWarning> {
    let mut out = Vec::new();
    let since = temporary_since(line.note);
    if line.temporary.is_empty() {
        if !line.permanent.is_empty() && text::fold(line.note).contains("tam tru") {
            out.push(ListWarning::TemporaryAddressInPermanent);
        }
        return out;
    }
    let Some(since) = since else {
        out.push(ListWarning::NoTemporaryStart);
        return out;
    };
    if let Err(why) = since.check(election_day) {
        out.push(ListWarning::TemporaryStart(since, why));
    }
    let marked = |l: &String| line.levels.contains(l);
    match since.twelve_months(election_day) {
        Some(false) => {
            let extra: Vec<String> = levels.all.iter().filter(|l| marked(l) && !levels.short.contains(l)).cloned().collect();
            if !extra.is_empty() {
                out.push(ListWarning::UnderTwelveMonths(since, extra));
            }
        }
        Some(true) => {
            let missing: Vec<String> = levels.all.iter().filter(|l| !marked(l)).cloned().collect();
            if !missing.is_empty() {
                out.push(ListWarning::TwelveMonthsOrMore(since, missing));
            }
        }
        None => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 15).unwrap_or_default()
    }

    fn since(year: i32, month: Option<u32>) -> TemporarySince {
        TemporarySince { year, month }
    }

    #[test]
    fn a_start_is_read_as_lists_write_it() {
        for (s, want) in [
            ("10/2025", Some(since(2025, Some(10)))),
            ("T10/2025", Some(since(2025, Some(10)))),
            ("tháng 10 năm 2025", Some(since(2025, Some(10)))),
            ("15/10/2025", Some(since(2025, Some(10)))),
            ("2025-10", Some(since(2025, Some(10)))),
            ("2023", Some(since(2023, None))),
            ("năm 2023", Some(since(2023, None))),
            ("Tạm trú từ tháng 10/2025", Some(since(2025, Some(10)))),
            ("Đăng ký tạm trú bắt đầu 3/2024", Some(since(2024, Some(3)))),
            ("Tạm trú tại số 12 ngõ 5 từ 10/2025", Some(since(2025, Some(10)))),
            ("Tạm trú dưới 12 tháng", None),
            ("13/2025", None),
            ("31/02/2025", None),
            ("", None),
        ] {
            assert_eq!(TemporarySince::parse(s), want, "{s}");
        }
    }

    /// Mẫu số 31/HĐBC, note on column (11): "bắt đầu tạm trú từ năm 2024
    /// trở về trước thì chỉ cần ghi năm; từ năm 2024 đến nay thì ghi rõ
    /// tháng và năm".
    #[test]
    fn mau31_note_11_year_alone_until_2024_month_and_year_from_2024() {
        assert_eq!(year_only_until(day()), 2024);
        assert_eq!(since(2023, Some(5)).note_vi(day()), "Tạm trú từ năm 2023");
        assert_eq!(since(2024, None).note_vi(day()), "Tạm trú từ năm 2024");
        assert_eq!(since(2024, Some(5)).note_vi(day()), "Tạm trú từ tháng 5/2024");
        assert_eq!(since(2025, Some(10)).note_vi(day()), "Tạm trú từ tháng 10/2025");
        assert_eq!(since(2024, None).check(day()), Ok(()));
        assert_eq!(since(2025, None).check(day()), Err(SinceRefusal::MonthNeeded(2024)));
        assert_eq!(since(2026, Some(4)).check(day()), Err(SinceRefusal::AfterElection));
        assert_eq!(since(2026, Some(3)).check(day()), Ok(()));
    }

    /// Mẫu số 31/HĐBC: "thời gian đăng ký tạm trú từ 12 tháng trở lên tính
    /// đến ngày bầu cử" — 15/3/2026: a start in February 2025 has them, in
    /// April 2025 not; March 2025 depends on the day.
    #[test]
    fn twelve_months_on_election_day() {
        assert_eq!(since(2025, Some(2)).twelve_months(day()), Some(true));
        assert_eq!(since(2025, Some(3)).twelve_months(day()), None);
        assert_eq!(since(2025, Some(4)).twelve_months(day()), Some(false));
        assert_eq!(since(2024, None).twelve_months(day()), Some(true));
        assert_eq!(since(2025, None).twelve_months(day()), None);
    }

    /// Mẫu số 31/HĐBC: column (11) holds only the form's cases; the team's
    /// remarks ("Cần hòm phiếu phụ") are not printed.
    #[test]
    fn mau31_column_11_prints_only_the_forms_cases() {
        assert_eq!(printed("Cần hòm phiếu phụ", false), "");
        assert_eq!(not_printed("Cần hòm phiếu phụ"), vec!["Cần hòm phiếu phụ"]);
        assert_eq!(printed("Tạm trú dưới 12 tháng", false), "");
        assert_eq!(printed("Tạm trú từ tháng 10/2025; cần hòm phiếu phụ", false), "Tạm trú từ tháng 10/2025");
        assert_eq!(printed("Người đang bị tạm giam", false), "Người đang bị tạm giam");
        assert_eq!(printed("Người đang chấp hành biện pháp đưa vào cơ sở cai nghiện bắt buộc", false), "Người đang chấp hành biện pháp đưa vào cơ sở cai nghiện bắt buộc");
        assert_eq!(printed("Bỏ phiếu ở nơi khác", true), "Bỏ phiếu ở nơi khác");
        assert_eq!(printed("ốm, nằm nhà", true), "Bỏ phiếu ở nơi khác");
        assert_eq!(printed("Bỏ phiếu ở nơi cư trú", false), "Bỏ phiếu ở nơi cư trú");
        assert_eq!(printed("Cử tri không cư trú ở địa phương", false), "Cử tri không cư trú ở địa phương");
        assert_eq!(printed("Xóa tên theo khoản 3 Điều 30", false), "Xóa tên theo khoản 3 Điều 30");
        assert_eq!(temporary_since("Cần hòm phiếu phụ\nTạm trú từ 2023"), Some(since(2023, None)));
    }

    #[test]
    fn the_lines_checks() {
        let all = ["QH".to_owned(), "TINH".to_owned(), "XA".to_owned()];
        let short = ["QH".to_owned(), "TINH".to_owned()];
        let levels = ListLevels { all: &all, short: &short };
        let check = |permanent: &str, temporary: &str, note: &str, marked: &[String]| check_line(ListLine { permanent, temporary, note, levels: marked }, levels, day());
        // The review's case: a temporary resident printed as permanent.
        assert_eq!(check("Thôn 1", "", "Tạm trú dưới 12 tháng", &short), vec![ListWarning::TemporaryAddressInPermanent]);
        assert_eq!(check("", "Thôn 1", "Tạm trú dưới 12 tháng", &short), vec![ListWarning::NoTemporaryStart]);
        assert_eq!(check("", "Thôn 1", "Tạm trú từ tháng 10/2025", &short), vec![]);
        assert_eq!(check("", "Thôn 1", "Tạm trú từ tháng 10/2025", &all), vec![ListWarning::UnderTwelveMonths(since(2025, Some(10)), vec!["XA".into()])]);
        assert_eq!(check("", "Thôn 1", "Tạm trú từ năm 2023", &all), vec![]);
        assert_eq!(check("", "Thôn 1", "Tạm trú từ năm 2023", &short), vec![ListWarning::TwelveMonthsOrMore(since(2023, None), vec!["XA".into()])]);
        assert_eq!(check("", "Thôn 1", "Tạm trú từ 2025", &short), vec![ListWarning::TemporaryStart(since(2025, None), SinceRefusal::MonthNeeded(2024))]);
        assert_eq!(check("Thôn 1", "", "Cần hòm phiếu phụ", &all), vec![]);
        let w = ListWarning::TemporaryAddressInPermanent.vi(day());
        assert!(w.contains("(7b)") && w.contains("Mẫu 31/HĐBC"), "{w}");
    }
}
