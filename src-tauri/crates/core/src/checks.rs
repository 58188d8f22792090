//! Consistency checks on one level's count (`shared/checks.md`): each has a
//! stable code, a severity, a Vietnamese message naming the figures, a next
//! step and the field it is about (the UI jumps there).
//!
//! Codes are never reused for another meaning. Errors (E…) block
//! finalizing; warnings (W…) may be accepted by the Tổ trưởng with a reason.
//! E04 (participants above listed voters) is not used: that rule is the
//! warning W08, as the counting issue asks.

use crate::count::{CountResult, FieldDiff, Inventory};
use crate::minutes::MAX_AREA_FIGURE;
use crate::percent::Percent;
use crate::text::{fold, thousands};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One failed check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// What to do next (bước tiếp theo).
    pub next_step: &'static str,
    /// The field the check is about: `inventory.received`, `count`,
    /// `votes.3`, `team.witnesses`…
    pub field: String,
}

/// The roster as far as the minutes need it (Art. 75: signatures of the
/// Tổ trưởng, the Thư ký and two witnessing voters).
#[derive(Debug, Clone, Default)]
pub struct RosterFacts {
    pub leader: Option<String>,
    pub secretary: Option<String>,
    pub witnesses: Vec<String>,
    /// Names of the candidates of this area, every level.
    pub area_candidates: Vec<String>,
}

/// Everything the checks of one level look at.
#[derive(Debug, Clone, Default)]
pub struct LevelFacts<'a> {
    pub seats: u32,
    /// Candidate names by position, for messages.
    pub candidate_names: Vec<&'a str>,
    /// L: listed voters for the level.
    pub listed: u64,
    /// P: voters who took part (checked in for the level).
    pub participated: u64,
    pub inventory: Option<Inventory>,
    /// The counted figures; `None` while nothing is counted.
    pub result: Option<CountResult>,
    /// Tally-sheet entries awaiting the second entry (E13) or differing (E10).
    pub tally: TallyState,
    pub roster: RosterFacts,
    /// Other levels' counted figures, for W05 (code, figures).
    pub other_levels: Vec<(String, CountResult)>,
    /// For a council level: the listed voters of the same area's National
    /// Assembly level (code, L), for E16. Every voter entitled to a council
    /// ballot is entitled to the Quốc hội ballot (Luật Bầu cử Điều 29, 30),
    /// so a council level never lists more voters than the Quốc hội level.
    pub national_listed: Option<(String, u64)>,
}

/// Where the double entry of a tally sheet stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum TallyState {
    /// Counted ballot by ballot, or nothing entered.
    #[default]
    NotUsed,
    /// One entry only: a second, independent entry is needed.
    OneEntry,
    /// Both entries, differing on these fields.
    Differ(Vec<FieldDiff>),
    /// Both entries agree.
    Agreed,
}

/// A name kept as a witness that is a candidate of the area.
pub fn witness_is_candidate(witness: &str, area_candidates: &[String]) -> bool {
    let w = fold(witness);
    area_candidates.iter().any(|c| fold(c) == w)
}

fn n(x: u64) -> String {
    thousands(x)
}

/// Runs every check of one level. The order is stable: errors by code,
/// then warnings by code.
pub fn check_level(f: &LevelFacts<'_>) -> Vec<Check> {
    let mut out = Found(Vec::new());
    bounds(f, &mut out);
    figure_errors(f, &mut out);
    team_errors(f, &mut out);
    warnings(f, &mut out);
    let mut out = out.0;
    out.sort_by_key(|c| (c.severity == Severity::Warning, c.code));
    out
}

/// The checks found so far.
struct Found(Vec<Check>);

impl Found {
    fn push(&mut self, code: &'static str, severity: Severity, message: String, next_step: &'static str, field: &str) {
        self.0.push(Check { code, severity, message, next_step, field: field.to_owned() });
    }
}

/// E15: every figure within what one polling area can hold (first: every
/// sum below is then far from overflowing).
fn bounds(f: &LevelFacts<'_>, out: &mut Found) {
    let e = Severity::Error;
    let (l, p) = (f.listed, f.participated);
    // E15 first: every sum below is then far from overflowing (the sums
    // are also taken in u128 or saturating, whoever calls).
    let mut beyond: Vec<String> = Vec::new();
    let mut bound = |what: &str, x: u64| {
        if x > MAX_AREA_FIGURE {
            beyond.push(format!("{what} = {}", n(x)));
        }
    };
    bound("số cử tri", l);
    bound("số cử tri tham gia", p);
    if let Some(inv) = f.inventory {
        bound("số phiếu nhận", inv.received);
        bound("số phiếu chưa sử dụng", inv.unused);
        bound("số phiếu gạch hỏng", inv.spoiled);
        bound("số phiếu phát ra", inv.issued());
    }
    if let Some(r) = &f.result {
        bound("số phiếu thu vào", r.received);
        bound("số phiếu hợp lệ", r.valid);
        bound("số phiếu không hợp lệ", r.invalid);
        for x in r.invalid_by_reason.iter().chain(r.groups.iter().flatten()).chain(&r.votes) {
            bound("một số liệu phiếu", *x);
        }
    }
    if !beyond.is_empty() {
        out.push(
            "E15",
            e,
            format!("Số liệu vượt quá mức một khu vực bỏ phiếu có thể có ({} — luật: mỗi khu vực từ 300 đến 4.000 cử tri): {}.", n(MAX_AREA_FIGURE), beyond.join("; ")),
            "Kiểm tra lại số liệu đã nhập: có thể thừa một chữ số.",
            "count",
        );
    }
}

/// The figures against each other (E01–E03, E16, W08, the result's and the
/// kiểm kê's own rules, the tally sheet's double entry).
fn figure_errors(f: &LevelFacts<'_>, out: &mut Found) {
    let (e, w) = (Severity::Error, Severity::Warning);
    let issued = f.inventory.map(|i| i.issued());
    let (l, p) = (f.listed, f.participated);
    if let Some(r) = &f.result {
        let vn = u128::from(r.valid) + u128::from(r.invalid);
        if vn != u128::from(r.received) {
            out.push(
                "E01",
                e,
                format!("Số phiếu hợp lệ ({}) cộng số phiếu không hợp lệ ({}) bằng {}, khác số phiếu thu vào ({}).", n(r.valid), n(r.invalid), n(u64::try_from(vn).unwrap_or(u64::MAX)), n(r.received)),
                "Đếm lại số phiếu trong hòm và phân loại lại phiếu hợp lệ, không hợp lệ.",
                "count.received",
            );
        }
        if let Some(i) = issued {
            if r.received > i {
                out.push(
                    "E02",
                    e,
                    format!("Số phiếu thu vào ({}) lớn hơn số phiếu phát ra ({}).", n(r.received), n(i)),
                    "Đếm lại phiếu thu vào; kiểm tra lại biên bản kiểm kê (số phiếu nhận, chưa sử dụng, gạch hỏng).",
                    "count.received",
                );
            }
        }
    }
    if let Some(i) = issued {
        if i > p {
            out.push(
                "E03",
                e,
                format!("Số phiếu phát ra ({}) lớn hơn số cử tri đã tham gia bỏ phiếu cấp này ({}).", n(i), n(p)),
                "Kiểm tra việc ghi nhận cử tri nhận phiếu tại bàn phát phiếu và số phiếu chưa sử dụng trong kiểm kê.",
                "inventory.unused",
            );
        }
    }
    if let Some((code, q)) = &f.national_listed {
        if l > *q {
            out.push("E16", e, format!(
                "Tổng số cử tri của cấp này ({}) lớn hơn tổng số cử tri bầu đại biểu Quốc hội ({code}: {}) của cùng khu vực: cử tri có quyền bầu đại biểu Hội đồng nhân dân đều có quyền bầu đại biểu Quốc hội.",
                n(l), n(*q)),
                "Kiểm tra cột cấp bầu cử trong danh sách cử tri: mỗi cử tri bầu Hội đồng nhân dân phải có cả cấp Quốc hội.", "turnout");
        }
    }
    // Issue 3 lists this among the warnings a Tổ trưởng may accept (checks.md
    // suggested an error, E04, which is therefore never used).
    if p > l {
        out.push(
            "W08",
            w,
            format!("Số cử tri tham gia bỏ phiếu ({}) lớn hơn tổng số cử tri của cấp này ({}).", n(p), n(l)),
            "Kiểm tra danh sách cử tri (cử tri bổ sung, cử tri có giấy chứng nhận) và các lần ghi nhận nhận phiếu.",
            "turnout",
        );
    }
    if let Some(r) = &f.result {
        for (i, v) in r.votes.iter().enumerate() {
            if *v > r.valid {
                let name = f.candidate_names.get(i).copied().unwrap_or("?");
                out.push(
                    "E05",
                    e,
                    format!("Người ứng cử số {} ({}) có {} phiếu bầu, nhiều hơn số phiếu hợp lệ ({}).", i + 1, name, n(*v), n(r.valid)),
                    "Kiểm tra lại số phiếu bầu của người ứng cử này trên bảng kiểm phiếu.",
                    &format!("votes.{}", i + 1),
                );
            }
        }
        if let Some(g) = &r.groups {
            let sum: u64 = g.iter().fold(0u64, |a, x| a.saturating_add(*x));
            if sum != r.valid {
                out.push(
                    "E06",
                    e,
                    format!("Tổng các nhóm \"phiếu bầu k đại biểu\" ({}) khác số phiếu hợp lệ ({}).", n(sum), n(r.valid)),
                    "Đếm lại từng xấp phiếu theo số người được giữ lại trên phiếu.",
                    "groups",
                );
            }
        }
        if let Some(wsum) = r.weighted_groups() {
            if r.total_votes() != wsum {
                out.push(
                    "E07",
                    e,
                    format!("Tổng số phiếu bầu của các người ứng cử ({}) khác tổng theo nhóm Σ k × (số phiếu bầu k đại biểu) ({}).", n(r.total_votes()), n(wsum)),
                    "Dò lại bảng kiểm phiếu: một dấu gạch có thể đã ghi nhầm dòng hoặc thiếu.",
                    "votes",
                );
            }
        }
        let cap = u64::from(f.seats).saturating_mul(r.valid);
        if r.total_votes() > cap {
            out.push(
                "E08",
                e,
                format!("Tổng số phiếu bầu ({}) vượt quá số đại biểu được bầu × số phiếu hợp lệ ({} × {} = {}).", n(r.total_votes()), f.seats, n(r.valid), n(cap)),
                "Kiểm tra lại số phiếu bầu từng người ứng cử và số phiếu hợp lệ.",
                "votes",
            );
        }
    }
    if let Some(inv) = f.inventory {
        if !inv.balances() {
            let msg = match inv.issued_entered {
                Some(i) => format!(
                    "Kiểm kê không khớp: nhận {} tờ, nhưng phát ra {} + chưa sử dụng {} + gạch hỏng {} = {}.",
                    n(inv.received),
                    n(i),
                    n(inv.unused),
                    n(inv.spoiled),
                    n(i.saturating_add(inv.unused).saturating_add(inv.spoiled))
                ),
                None => format!("Kiểm kê không khớp: số phiếu chưa sử dụng ({}) cộng gạch hỏng ({}) vượt số phiếu đã nhận ({}).", n(inv.unused), n(inv.spoiled), n(inv.received)),
            };
            out.push("E09", e, msg, "Đếm lại phiếu chưa sử dụng và phiếu gạch hỏng trước khi mở hòm.", "inventory.received");
        }
    }
    match &f.tally {
        TallyState::Differ(d) => {
            let fields: Vec<String> = d.iter().map(|x| format!("{} ({} ≠ {})", field_vi(&x.field, &f.candidate_names), n(x.first), n(x.second))).collect();
            out.push("E10", e, format!("Hai lần nhập bảng kiểm phiếu khác nhau ở {} mục: {}.", d.len(), fields.join("; ")), "Đối chiếu với bảng kiểm phiếu giấy và nhập lại lần sai.", "tally");
        }
        TallyState::OneEntry => {
            out.push("E13", e, "Bảng kiểm phiếu mới được nhập một lần; cần người thứ hai nhập độc lập lần hai.".to_owned(), "Người thứ hai nhập lại toàn bộ bảng kiểm phiếu giấy (lần 2).", "tally")
        }
        TallyState::NotUsed | TallyState::Agreed => {}
    }
}

/// The Tổ, its witnesses, the kiểm kê entered, the result complete.
fn team_errors(f: &LevelFacts<'_>, out: &mut Found) {
    let e = Severity::Error;
    let ro = &f.roster;
    let mut roster_problems = Vec::new();
    if ro.leader.as_deref().unwrap_or("").is_empty() {
        roster_problems.push("chưa ghi Tổ trưởng".to_owned());
    }
    if ro.secretary.as_deref().unwrap_or("").is_empty() {
        roster_problems.push("chưa ghi Thư ký".to_owned());
    }
    let wit: Vec<&String> = ro.witnesses.iter().filter(|w| !w.is_empty()).collect();
    if wit.len() < 2 {
        roster_problems.push(format!("cần hai cử tri chứng kiến (mới có {})", wit.len()));
    } else if fold(wit[0]) == fold(wit[1]) {
        roster_problems.push("hai cử tri chứng kiến phải là hai người khác nhau".to_owned());
    }
    for w in &wit {
        if witness_is_candidate(w, &ro.area_candidates) {
            roster_problems.push(format!("{w} là người ứng cử tại khu vực này, không được làm chứng"));
        }
    }
    if !roster_problems.is_empty() {
        out.push("E11", e, format!("Biên bản chưa thể ký: {}.", roster_problems.join("; ")), "Ghi đủ Tổ trưởng, Thư ký và hai cử tri chứng kiến không phải người ứng cử.", "team");
    }
    if f.inventory.is_none() {
        out.push(
            "E12",
            e,
            "Chưa lập biên bản kiểm kê phiếu bầu (số phiếu nhận, chưa sử dụng, gạch hỏng).".to_owned(),
            "Trước khi mở hòm, đếm và ghi số phiếu đã nhận, chưa sử dụng và gạch hỏng.",
            "inventory.received",
        );
    }
    if let Some(r) = &f.result {
        let by_reason: u64 = r.invalid_by_reason.iter().fold(0u64, |a, x| a.saturating_add(*x));
        if by_reason != 0 && by_reason != r.invalid {
            out.push(
                "E14",
                e,
                format!("Chi tiết phiếu không hợp lệ theo lý do ({}) khác tổng số phiếu không hợp lệ ({}).", n(by_reason), n(r.invalid)),
                "Đếm lại phiếu không hợp lệ theo từng lý do.",
                "count.invalid",
            );
        }
    }
}

/// The warnings a Tổ trưởng may accept with a reason (W01–W08).
fn warnings(f: &LevelFacts<'_>, out: &mut Found) {
    let w = Severity::Warning;
    let issued = f.inventory.map(|i| i.issued());
    let (l, p) = (f.listed, f.participated);
    // Warnings.
    if let Some(r) = &f.result {
        if r.received > 0 && u128::from(r.invalid) * 100 > 3 * u128::from(r.received) {
            out.push(
                "W01",
                w,
                format!("Phiếu không hợp lệ chiếm {} số phiếu thu vào ({} / {}), trên 3%.", Percent::of(r.invalid, r.received), n(r.invalid), n(r.received)),
                "Xem lại từng phiếu không hợp lệ cùng cả Tổ.",
                "count.invalid",
            );
        }
        if let Some(i) = issued {
            if r.received < i {
                out.push(
                    "W02",
                    w,
                    format!("Số phiếu thu vào ({}) ít hơn số phiếu phát ra ({}): {} phiếu không có trong hòm.", n(r.received), n(i), n(i - r.received)),
                    "Đếm lại phiếu thu vào; cử tri có thể đã mang phiếu ra về.",
                    "count.received",
                );
            }
        }
    }
    // Art. 78: valid only when MORE than half of the listed voters voted.
    if l > 0 && u128::from(p) * 2 <= u128::from(l) {
        out.push(
            "W03",
            w,
            format!("Chỉ {} cử tri ({}) trong {} cử tri của cấp này tham gia bỏ phiếu, chưa quá một nửa.", n(p), Percent::of(p, l), n(l)),
            "Báo Ban bầu cử: đơn vị bầu cử có thể phải bầu cử lại (Điều 80).",
            "turnout",
        );
    }
    if let Some(r) = &f.result {
        if r.valid > 0 {
            for (i, v) in r.votes.iter().enumerate() {
                if *v == 0 {
                    let name = f.candidate_names.get(i).copied().unwrap_or("?");
                    out.push(
                        "W04",
                        w,
                        format!("Người ứng cử số {} ({}) không có phiếu bầu nào.", i + 1, name),
                        "Kiểm tra xem số phiếu có bị ghi nhầm sang dòng khác không.",
                        &format!("votes.{}", i + 1),
                    );
                }
            }
        }
        if r.received > 0 {
            for (code, other) in &f.other_levels {
                if other.received == r.received && other.valid == r.valid && other.invalid == r.invalid && other.votes == r.votes {
                    out.push("W05", w, format!("Số liệu cấp này trùng khớp hoàn toàn với cấp {code}."), "Kiểm tra xem số liệu có bị chép nhầm từ cấp khác không.", "count");
                }
            }
        }
        if let Some(g) = &r.groups {
            if f.seats > 1 && r.valid > 0 && g.iter().take(f.seats as usize - 1).all(|x| *x == 0) {
                out.push(
                    "W07",
                    w,
                    format!("Mọi phiếu hợp lệ đều giữ lại đủ {} người; không có phiếu bầu ít hơn {} đại biểu.", f.seats, f.seats),
                    "Kiểm tra lại việc chia xấp phiếu theo số người được giữ lại.",
                    "groups",
                );
            }
        }
    }
    if let (Some(inv), Some(i)) = (f.inventory, issued) {
        if i > 0 && u128::from(inv.spoiled) * 100 > 2 * u128::from(i) {
            out.push("W06", w, format!("Số phiếu gạch hỏng ({}) vượt 2% số phiếu phát ra ({}).", n(inv.spoiled), n(i)), "Đếm lại phiếu gạch hỏng đã niêm phong.", "inventory.spoiled");
        }
    }
}

/// The Vietnamese label of a tally-sheet field.
pub fn field_vi(field: &str, names: &[&str]) -> String {
    match field {
        "received" => "số phiếu thu vào".to_owned(),
        "valid" => "số phiếu hợp lệ".to_owned(),
        "invalid" => "số phiếu không hợp lệ".to_owned(),
        "voters_listed" => "tổng số cử tri".to_owned(),
        "voters_voted" => "số cử tri đã tham gia bỏ phiếu".to_owned(),
        "issued" => "số phiếu phát ra".to_owned(),
        f => {
            if let Some(k) = f.strip_prefix("group.") {
                format!("số phiếu bầu {k} đại biểu")
            } else if let Some(p) = f.strip_prefix("votes.") {
                let name = p.parse::<usize>().ok().and_then(|i| names.get(i.wrapping_sub(1))).copied().unwrap_or("?");
                format!("số phiếu bầu của {name}")
            } else if let Some(r) = f.strip_prefix("invalid.") {
                format!("phiếu không hợp lệ ({})", crate::count::InvalidReason::parse(r).map(|r| r.vi()).unwrap_or(r))
            } else {
                f.to_owned()
            }
        }
    }
}

/// True when no blocking error stands. `explained` are the codes the Tổ
/// carried into the minutes with a written explanation after a recount
/// (only [`crate::minutes::CARRIED_CODES`] can be).
pub fn may_finalize(checks: &[Check], explained: &[&str]) -> bool {
    checks.iter().all(|c| c.severity != Severity::Error || (crate::minutes::CARRIED_CODES.contains(&c.code) && explained.contains(&c.code)))
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
