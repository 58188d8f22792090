//! Cử tri (voters) and the rules the list must respect (`domain.md` §3).
//!
//! `BirthDate` is a full date or, as Mẫu 31 column (2) allows, the year
//! alone (for voters born in the election's year − 19 or earlier);
//! `checkin_levels` is the check-in rule.

use chrono::{Datelike, NaiveDate};

use crate::text;

/// Giới tính, as the list and the ballot print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    /// Accepts "Nam"/"Nữ" in any case or without diacritics.
    pub fn parse(s: &str) -> Option<Gender> {
        match text::fold(s).as_str() {
            "nam" | "male" | "m" => Some(Gender::Male),
            "nu" | "female" | "f" => Some(Gender::Female),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "Nam",
            Gender::Female => "Nữ",
        }
    }
}

/// Where a voter stands on the list after the legal changes of `domain.md`
/// §3.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VoterStatus {
    /// On the list and may vote here.
    Active,
    /// Xóa tên: removed (deprived by a court, imprisoned, died, unreachable…).
    Removed,
    /// Chuyển đi: moved to another commune's list.
    MovedOut,
    /// "Bỏ phiếu ở nơi khác": holds a certificate to vote elsewhere.
    VotesElsewhere,
}

impl VoterStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VoterStatus::Active => "active",
            VoterStatus::Removed => "removed",
            VoterStatus::MovedOut => "moved_out",
            VoterStatus::VotesElsewhere => "elsewhere",
        }
    }
    pub fn parse(s: &str) -> Option<VoterStatus> {
        Some(match s {
            "active" => VoterStatus::Active,
            "removed" => VoterStatus::Removed,
            "moved_out" => VoterStatus::MovedOut,
            "elsewhere" => VoterStatus::VotesElsewhere,
            _ => return None,
        })
    }
    /// Vietnamese label for screens and messages.
    pub fn vi(self) -> &'static str {
        match self {
            VoterStatus::Active => "trong danh sách",
            VoterStatus::Removed => "đã xóa tên",
            VoterStatus::MovedOut => "đã chuyển đi",
            VoterStatus::VotesElsewhere => "bỏ phiếu ở nơi khác",
        }
    }
    /// Whether a voter with this status is counted and may receive ballots here.
    pub fn may_vote(self) -> bool {
        self == VoterStatus::Active
    }
}

/// The note the law requires next to a certificate holder's name (§3.4).
pub const NOTE_VOTES_ELSEWHERE: &str = "Bỏ phiếu ở nơi khác";

/// Cử tri: one line of the voter list (Mẫu 31/HĐBC, Nghị quyết
/// 40/NQ-HĐBCQG). STT is also the voter card number (số thẻ cử tri).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voter {
    pub stt: u32,
    /// Họ và tên, column (1).
    pub name: String,
    /// Ngày tháng năm sinh, column (2): the date, or the year alone.
    pub birth_date: BirthDate,
    /// Nam / Nữ, columns (3), (4).
    pub gender: Gender,
    /// Dân tộc, column (6).
    pub ethnicity: String,
    /// Số căn cước, column (5).
    pub id_number: Option<String>,
    /// Nơi thường trú, column (7a).
    pub residence: String,
    /// Nơi tạm trú, column (7b).
    pub residence_temporary: String,
    /// Nơi ở hiện tại, column (7c): a voter with neither a permanent nor a
    /// temporary registration.
    pub residence_current: String,
    /// Level codes this voter receives a ballot for, in definition order
    /// (columns (8)… of the form).
    pub levels: Vec<String>,
    /// Ghi chú, column (11).
    pub note: String,
}

/// The one-line place a voter is listed by (the `residence` of
/// `voters list --json`): the permanent residence (thường trú, 7a); else
/// "Tạm trú: …" (7b); else "Nơi ở hiện tại: …" (7c) — as the importer wrote
/// it before the three columns were kept apart.
pub fn listed_residence(permanent: &str, temporary: &str, current: &str) -> String {
    if !permanent.is_empty() {
        permanent.to_owned()
    } else if !temporary.is_empty() {
        format!("{RESIDENCE_TEMPORARY_PREFIX}{temporary}")
    } else if !current.is_empty() {
        format!("Nơi ở hiện tại: {current}")
    } else {
        String::new()
    }
}

/// How a temporary residence was written into the one residence column
/// before migration 0009 kept it apart.
pub const RESIDENCE_TEMPORARY_PREFIX: &str = "Tạm trú: ";

/// Ngày tháng năm sinh (Mẫu 31/HĐBC column (2)): the full date, or the year
/// alone. The form: "Đối với cử tri sinh từ năm 2007 trở về trước, nếu không
/// xác định được chính xác ngày sinh, tháng sinh thì chỉ cần ghi năm sinh"
/// — a year alone is kept as a year, never given an invented day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BirthDate {
    Full(NaiveDate),
    /// Năm sinh only.
    Year(i32),
}

impl BirthDate {
    /// "YYYY-MM-DD", or "YYYY" for a year alone: how the database stores it
    /// and `voters list --json` prints it.
    pub fn iso(self) -> String {
        match self {
            BirthDate::Full(d) => d.format("%Y-%m-%d").to_string(),
            BirthDate::Year(y) => format!("{y:04}"),
        }
    }

    /// Reads what [`BirthDate::iso`] wrote.
    pub fn from_iso(s: &str) -> Option<BirthDate> {
        let s = s.trim();
        if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
            return s.parse().ok().map(BirthDate::Year);
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().filter(|_| s.len() == 10).map(BirthDate::Full)
    }

    /// "dd/mm/yyyy", or "yyyy" for a year alone, as the forms print it.
    pub fn vi(self) -> String {
        match self {
            BirthDate::Full(d) => date_vi(d),
            BirthDate::Year(y) => format!("{y:04}"),
        }
    }

    pub fn year(self) -> i32 {
        match self {
            BirthDate::Full(d) => d.year(),
            BirthDate::Year(y) => y,
        }
    }
}

/// Parses a birth as lists write it: a date ([`parse_date`]) or a year
/// alone of four digits ("1960").
pub fn parse_birth(s: &str) -> Option<BirthDate> {
    let t = s.trim();
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse().ok().map(BirthDate::Year);
    }
    parse_date(t).map(BirthDate::Full)
}

/// The latest year that may be written alone for an election on
/// `election_day`: the election's year − 19 (2007 for 2026, "sinh từ năm
/// 2007 trở về trước"). Anyone born in it is 18 on election day whatever
/// the day and month.
pub fn year_only_limit(election_day: NaiveDate) -> i32 {
    election_day.year() - 19
}

/// Why a birth does not make someone a voter on election day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BirthRefusal {
    /// A full date: not 18 on election day.
    UnderAge,
    /// A year alone later than [`year_only_limit`] (carried): the day and
    /// month are needed to know whether the voter is 18.
    YearTooRecent(i32),
}

/// Checks a birth against election day (`domain.md` §3.1, Mẫu 31/HĐBC
/// column (2)).
pub fn check_birth(birth: BirthDate, election_day: NaiveDate) -> Result<(), BirthRefusal> {
    match birth {
        BirthDate::Full(d) if is_of_age(d, election_day) => Ok(()),
        BirthDate::Full(_) => Err(BirthRefusal::UnderAge),
        BirthDate::Year(y) if y <= year_only_limit(election_day) => Ok(()),
        BirthDate::Year(_) => Err(BirthRefusal::YearTooRecent(year_only_limit(election_day))),
    }
}

/// The Vietnamese reason a birth is refused, for messages naming the row
/// and column around it.
pub fn birth_refusal_vi(birth: BirthDate, why: BirthRefusal, election_day: NaiveDate) -> String {
    match why {
        BirthRefusal::UnderAge => format!("sinh ngày {} nên chưa đủ 18 tuổi vào ngày bầu cử {} (Điều 2 Luật Bầu cử)", birth.vi(), date_vi(election_day)),
        BirthRefusal::YearTooRecent(limit) => format!(
            "chỉ ghi năm sinh {}: Mẫu 31/HĐBC chỉ cho ghi năm sinh với cử tri sinh từ năm {limit} trở về trước; hãy ghi đủ ngày, tháng, năm sinh để xác định cử tri đủ 18 tuổi vào ngày bầu cử {}",
            birth.vi(),
            date_vi(election_day)
        ),
    }
}

/// Whether someone born on `birth` is 18 or older on `election_day`
/// (§3.1: born on or before 15/3/2008 for the 2026 election).
pub fn is_of_age(birth: NaiveDate, election_day: NaiveDate) -> bool {
    let (y, m, d) = (election_day.year() - 18, election_day.month(), election_day.day());
    // 29 February: the 18th birthday falls on 1 March in a non-leap year.
    let limit = NaiveDate::from_ymd_opt(y, m, d).or_else(|| NaiveDate::from_ymd_opt(y, 3, 1));
    limit.is_some_and(|limit| birth <= limit)
}

/// Parses a date as lists write it: `dd/mm/yyyy`, `d/m/yyyy`, `dd-mm-yyyy`,
/// `dd.mm.yyyy` or `yyyy-mm-dd`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let parts: Vec<&str> = s.split(['/', '-', '.']).map(str::trim).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let n = |p: &str| p.parse::<u32>().ok();
    let (y, m, d) = if parts[0].len() == 4 {
        (n(parts[0])?, n(parts[1])?, n(parts[2])?)
    } else if parts[2].len() == 4 {
        (n(parts[2])?, n(parts[1])?, n(parts[0])?)
    } else {
        return None;
    };
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

/// Checks an ID number (số định danh cá nhân / căn cước: 12 digits; old CMND: 9).
pub fn valid_id_number(s: &str) -> bool {
    (s.len() == 12 || s.len() == 9) && s.bytes().all(|b| b.is_ascii_digit())
}

/// `dd/mm/yyyy`, as Vietnamese forms print dates.
pub fn date_vi(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn eighteen_on_election_day() {
        // domain.md §3.1: for 15/3/2026, born on or before 15/3/2008.
        let day = d(2026, 3, 15);
        assert!(is_of_age(d(2008, 3, 15), day));
        assert!(!is_of_age(d(2008, 3, 16), day));
        assert!(is_of_age(d(1930, 1, 1), day));
        // Born 29/2/2008; election on 28/2/2026: not yet 18.
        assert!(!is_of_age(d(2008, 2, 29), d(2026, 2, 28)));
        assert!(is_of_age(d(2008, 2, 29), d(2026, 3, 1)));
    }

    #[test]
    fn dates_in_list_formats() {
        assert_eq!(parse_date("05/07/1960"), Some(d(1960, 7, 5)));
        assert_eq!(parse_date("5/7/1960"), Some(d(1960, 7, 5)));
        assert_eq!(parse_date("1960-07-05"), Some(d(1960, 7, 5)));
        assert_eq!(parse_date("05.07.1960"), Some(d(1960, 7, 5)));
        assert_eq!(parse_date("31/02/1990"), None);
        assert_eq!(parse_date("1960"), None);
        assert_eq!(parse_date("abc"), None);
    }

    #[test]
    fn year_alone_only_for_those_born_in_2007_or_earlier() {
        // NQ 40, Mẫu 31/HĐBC column (2): "sinh từ năm 2007 trở về trước".
        let day = d(2026, 3, 15);
        assert_eq!(year_only_limit(day), 2007);
        assert_eq!(parse_birth("1960"), Some(BirthDate::Year(1960)));
        assert_eq!(parse_birth(" 05/07/1960 "), Some(BirthDate::Full(d(1960, 7, 5))));
        assert_eq!(parse_birth("196"), None);
        assert_eq!(parse_birth("19600"), None);
        assert_eq!(check_birth(BirthDate::Year(2007), day), Ok(()));
        assert_eq!(check_birth(BirthDate::Year(2008), day), Err(BirthRefusal::YearTooRecent(2007)));
        // The full date decides for those born in 2008.
        assert_eq!(check_birth(BirthDate::Full(d(2008, 3, 15)), day), Ok(()));
        assert_eq!(check_birth(BirthDate::Full(d(2008, 3, 16)), day), Err(BirthRefusal::UnderAge));
        let msg = birth_refusal_vi(BirthDate::Year(2008), BirthRefusal::YearTooRecent(2007), day);
        assert!(msg.contains("2007 trở về trước") && msg.contains("15/03/2026"), "{msg}");
    }

    #[test]
    fn birth_is_stored_without_an_invented_day() {
        for (b, s, vi) in [(BirthDate::Year(1960), "1960", "1960"), (BirthDate::Full(d(1960, 7, 5)), "1960-07-05", "05/07/1960")] {
            assert_eq!(b.iso(), s);
            assert_eq!(BirthDate::from_iso(s), Some(b));
            assert_eq!(b.vi(), vi);
        }
        assert_eq!(BirthDate::from_iso("1960-7-5"), None);
        assert_eq!(BirthDate::from_iso("60"), None);
    }

    #[test]
    fn listed_residence_names_the_kind_when_not_permanent() {
        assert_eq!(listed_residence("Thôn 1", "Xóm 5", ""), "Thôn 1");
        assert_eq!(listed_residence("", "Xóm 5", ""), "Tạm trú: Xóm 5");
        assert_eq!(listed_residence("", "", "Lán 3"), "Nơi ở hiện tại: Lán 3");
        assert_eq!(listed_residence("", "", ""), "");
    }

    #[test]
    fn gender_words() {
        assert_eq!(Gender::parse("Nữ"), Some(Gender::Female));
        assert_eq!(Gender::parse("NU"), Some(Gender::Female));
        assert_eq!(Gender::parse(" nam "), Some(Gender::Male));
        assert_eq!(Gender::parse("x"), None);
    }

    #[test]
    fn id_numbers() {
        assert!(valid_id_number("038090001234"));
        assert!(valid_id_number("123456789"));
        assert!(!valid_id_number("03809000123"));
        assert!(!valid_id_number("03809000123a"));
    }
}

/// Why a check-in (phát phiếu) is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckinRefusal {
    /// The voter is not on the list as a voter here.
    NotVoting(VoterStatus),
    /// A requested level is not one the voter is entitled to.
    NotEntitled(Vec<String>),
    /// Already received these levels' ballots.
    Already(Vec<String>),
    /// No level requested.
    NoLevel,
}

/// Decides which levels' ballots a voter receives now (`domain.md` §3.3, §4):
/// the requested levels (default: every level the voter is entitled to),
/// refused when the voter may not vote here, when a level is not theirs,
/// or when any of them was already handed out (no second check-in).
pub fn checkin_levels(status: VoterStatus, entitled: &[String], already: &[String], requested: Option<&[String]>) -> Result<Vec<String>, CheckinRefusal> {
    if !status.may_vote() {
        return Err(CheckinRefusal::NotVoting(status));
    }
    let wanted: Vec<String> = match requested {
        Some(r) => {
            let not_entitled: Vec<String> = r.iter().filter(|l| !entitled.contains(l)).cloned().collect();
            if !not_entitled.is_empty() {
                return Err(CheckinRefusal::NotEntitled(not_entitled));
            }
            entitled.iter().filter(|l| r.contains(l)).cloned().collect()
        }
        None => entitled.to_vec(),
    };
    if wanted.is_empty() {
        return Err(CheckinRefusal::NoLevel);
    }
    let dup: Vec<String> = wanted.iter().filter(|l| already.contains(l)).cloned().collect();
    if !dup.is_empty() {
        return Err(CheckinRefusal::Already(dup));
    }
    Ok(wanted)
}

#[cfg(test)]
mod checkin_tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn default_is_every_entitled_level() {
        assert_eq!(checkin_levels(VoterStatus::Active, &s(&["QH", "TINH", "XA"]), &[], None), Ok(s(&["QH", "TINH", "XA"])));
    }

    #[test]
    fn some_levels_in_definition_order() {
        let r = checkin_levels(VoterStatus::Active, &s(&["QH", "TINH", "XA"]), &[], Some(&s(&["XA", "QH"])));
        assert_eq!(r, Ok(s(&["QH", "XA"])));
    }

    #[test]
    fn second_checkin_is_refused() {
        let r = checkin_levels(VoterStatus::Active, &s(&["QH", "TINH"]), &s(&["QH"]), None);
        assert_eq!(r, Err(CheckinRefusal::Already(s(&["QH"]))));
        // The remaining level alone is fine (the voter took one ballot first).
        let r = checkin_levels(VoterStatus::Active, &s(&["QH", "TINH"]), &s(&["QH"]), Some(&s(&["TINH"])));
        assert_eq!(r, Ok(s(&["TINH"])));
    }

    #[test]
    fn certificate_holder_gets_only_their_levels() {
        // domain.md §3.3: a holder of a certificate votes QH + HĐND tỉnh only.
        let r = checkin_levels(VoterStatus::Active, &s(&["QH", "TINH"]), &[], Some(&s(&["XA"])));
        assert_eq!(r, Err(CheckinRefusal::NotEntitled(s(&["XA"]))));
    }

    #[test]
    fn removed_and_elsewhere_cannot_vote() {
        for st in [VoterStatus::Removed, VoterStatus::MovedOut, VoterStatus::VotesElsewhere] {
            assert_eq!(checkin_levels(st, &s(&["QH"]), &[], None), Err(CheckinRefusal::NotVoting(st)));
        }
    }
}
