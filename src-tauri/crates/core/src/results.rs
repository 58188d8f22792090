//! Xác định kết quả bầu cử: summing the areas of a constituency and applying
//! the winner rules of the law (`domain.md` §7; Art. 78–80 Luật Bầu cử
//! 85/2015/QH13 as amended by 83/2025/QH15).
//!
//! * Figures are summed from each area's own minutes, never taken from a
//!   lower board's total (check A02).
//! * A constituency is complete only when every area that names it has
//!   reported (A03); only then are winners, re-vote and additional vote
//!   decided.
//! * Turnout must exceed half of the listed voters, else a re-vote is due
//!   (Art. 80). A winner needs more than half of the valid ballots; the
//!   highest totals take the seats; a tie for the last seat goes to the
//!   older candidate (Art. 78). An additional vote is due when a National
//!   Assembly seat stays empty, or when fewer than two thirds of a council
//!   constituency's seats are filled (Art. 79).
//! * Rounds (vòng bầu cử): after the first round a board may declare a
//!   re-vote (bầu cử lại, Art. 80) or an additional vote (bầu cử thêm,
//!   Art. 79) when the first round's result calls for it ([`next_round`]).
//!   Area reports carry their round number; [`aggregate_round`] sums only
//!   the reports of one round and applies [`decide_round`].

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::election::LevelKind;
use crate::percent::Percent;

/// One candidate as the constituency lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateInfo {
    pub id: String,
    pub birth_date: NaiveDate,
}

/// A constituency (đơn vị bầu cử) as the definition gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstituencyInfo {
    pub id: String,
    pub kind: LevelKind,
    pub seats: u32,
    pub candidates: Vec<CandidateInfo>,
    /// Every area that names this constituency.
    pub areas: Vec<String>,
}

/// The figures of one area's locked minutes for one level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaReport {
    pub area: String,
    /// Vòng bầu cử: 1 for the election day, 2 for a declared re-vote or
    /// additional vote ([`RoundInfo::number`]).
    pub round: u32,
    pub seats: u32,
    /// Candidate ids in ballot order, as the area's minutes list them.
    pub candidates: Vec<String>,
    pub voters_listed: u64,
    pub voters_voted: u64,
    pub ballots_issued: u64,
    pub ballots_received: u64,
    pub ballots_valid: u64,
    pub ballots_invalid: u64,
    pub invalid_by_reason: BTreeMap<String, u64>,
    /// Votes in the order of `candidates`.
    pub votes: Vec<u64>,
}

impl Default for AreaReport {
    /// An empty report of the first round.
    fn default() -> AreaReport {
        AreaReport {
            area: String::new(),
            round: 1,
            seats: 0,
            candidates: Vec::new(),
            voters_listed: 0,
            voters_voted: 0,
            ballots_issued: 0,
            ballots_received: 0,
            ballots_valid: 0,
            ballots_invalid: 0,
            invalid_by_reason: BTreeMap::new(),
            votes: Vec::new(),
        }
    }
}

/// Kind of a round (vòng bầu cử) of a constituency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoundKind {
    /// Bầu cử lần đầu: the election day.
    First,
    /// Bầu cử lại (Art. 80): the same candidates, after a first round in
    /// which no more than half of the listed voters voted. Its result
    /// stands whatever the turnout (Art. 80(3)).
    Revote,
    /// Bầu cử thêm (Art. 79): only the first round's candidates who were
    /// not elected, for the seats still empty; never followed by another
    /// additional vote (Art. 79(4)).
    Additional,
}

impl RoundKind {
    /// The code used in the database, the CLI and JSON.
    pub fn code(self) -> &'static str {
        match self {
            RoundKind::First => "first",
            RoundKind::Revote => "revote",
            RoundKind::Additional => "additional",
        }
    }

    pub fn parse(s: &str) -> Option<RoundKind> {
        match s {
            "first" => Some(RoundKind::First),
            "revote" => Some(RoundKind::Revote),
            "additional" => Some(RoundKind::Additional),
            _ => None,
        }
    }

    /// "bầu cử lần đầu", "bầu cử lại", "bầu cử thêm".
    pub fn vi(self) -> &'static str {
        match self {
            RoundKind::First => "bầu cử lần đầu",
            RoundKind::Revote => "bầu cử lại",
            RoundKind::Additional => "bầu cử thêm",
        }
    }
}

/// One round of a constituency: its number (1 = the first), kind, seats to
/// fill and the candidates on its ballot (in ballot order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundInfo {
    pub number: u32,
    pub kind: RoundKind,
    pub seats: u32,
    pub candidates: Vec<CandidateInfo>,
}

impl RoundInfo {
    /// The first round: every seat and every candidate of the constituency.
    pub fn first(c: &ConstituencyInfo) -> RoundInfo {
        RoundInfo { number: 1, kind: RoundKind::First, seats: c.seats, candidates: c.candidates.clone() }
    }
}

/// The round a board may declare after the first round's `first` outcome
/// (Art. 79, 80), or why not (Vietnamese):
///
/// * a re-vote only when the first round's turnout was at most half
///   (`revote_due`): same seats, same candidates;
/// * an additional vote only when `additional_vote_due`: the seats still
///   empty, the first round's candidates who were not elected.
///
/// The declared round is number 2: the law knows no round after a re-vote
/// or an additional vote (Art. 79(4), 80(3)).
pub fn next_round(c: &ConstituencyInfo, first: &Outcome, kind: RoundKind) -> Result<RoundInfo, String> {
    if !first.complete {
        return Err(format!("đơn vị bầu cử {} chưa có đủ biên bản của mọi khu vực bỏ phiếu ({}/{}); chưa xác định được kết quả lần đầu", c.id, first.areas_reported, first.areas_expected));
    }
    match kind {
        RoundKind::First => Err("bầu cử lần đầu không cần công bố".into()),
        RoundKind::Revote if !first.revote_due => Err(format!(
            "không bầu cử lại được ở đơn vị bầu cử {}: số cử tri đi bầu ({}/{}) đã quá một nửa tổng số cử tri (Điều 80 Luật Bầu cử chỉ cho bầu cử lại khi chưa quá một nửa)",
            c.id, first.voters_voted, first.voters_listed
        )),
        RoundKind::Revote => Ok(RoundInfo { number: 2, kind, seats: c.seats, candidates: c.candidates.clone() }),
        RoundKind::Additional if !first.additional_vote_due => Err(format!(
            "không bầu cử thêm được ở đơn vị bầu cử {}: {}",
            c.id,
            if first.revote_due {
                "kết quả lần đầu không có giá trị vì số cử tri đi bầu chưa quá một nửa; phải bầu cử lại (Điều 80), không phải bầu cử thêm".to_owned()
            } else if u32::try_from(first.elected.len()).unwrap_or(u32::MAX) >= c.seats {
                format!("đã bầu đủ {} đại biểu", c.seats)
            } else {
                format!("đã bầu được {}/{} đại biểu, không ít hơn hai phần ba số đại biểu được bầu (Điều 79 Luật Bầu cử)", first.elected.len(), c.seats)
            }
        )),
        RoundKind::Additional => {
            let filled = u32::try_from(first.elected.len()).unwrap_or(u32::MAX);
            let candidates: Vec<CandidateInfo> = c.candidates.iter().filter(|x| !first.elected.contains(&x.id)).cloned().collect();
            if candidates.is_empty() {
                return Err(format!("đơn vị bầu cử {}: không còn người ứng cử nào chưa trúng cử để bầu cử thêm", c.id));
            }
            Ok(RoundInfo { number: 2, kind, seats: c.seats.saturating_sub(filled), candidates })
        }
    }
}

/// A cross-area problem (A01…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossCheck {
    pub code: &'static str,
    pub area: String,
    pub message: String,
}

/// What the law decides for one constituency.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    pub areas_expected: u32,
    pub areas_reported: u32,
    pub complete: bool,
    pub voters_listed: u64,
    pub voters_voted: u64,
    pub ballots_issued: u64,
    pub ballots_received: u64,
    pub ballots_valid: u64,
    pub ballots_invalid: u64,
    pub invalid_by_reason: BTreeMap<String, u64>,
    /// Votes per candidate, in the definition's order.
    pub votes: Vec<u64>,
    /// Percent of valid ballots per candidate, in the definition's order.
    pub percent: Vec<Percent>,
    /// Turnout as a percentage of listed voters.
    pub turnout: Percent,
    pub turnout_ok: bool,
    /// Elected candidate ids, highest votes first.
    pub elected: Vec<String>,
    pub revote_due: bool,
    pub additional_vote_due: bool,
    /// Two candidates tied for the last seat with the same votes and the
    /// same birth date: the law's tie-break does not decide; no one takes
    /// that seat here and people must decide.
    pub tie_unresolved: Vec<String>,
    pub cross_checks: Vec<CrossCheck>,
}

/// The winner rules on summed figures (Art. 78–80), given that every area
/// has reported.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decision {
    pub turnout_ok: bool,
    pub elected: Vec<usize>,
    pub revote_due: bool,
    pub additional_vote_due: bool,
    pub tie_unresolved: Vec<usize>,
}

/// Applies the law to the summed figures of a first round. `votes` and
/// `births` are per candidate (same order).
pub fn decide(kind: LevelKind, seats: u32, listed: u64, voted: u64, valid: u64, votes: &[u64], births: &[NaiveDate]) -> Decision {
    decide_round(kind, RoundKind::First, seats, listed, voted, valid, votes, births)
}

/// Applies the law to the summed figures of one round. `seats` and the
/// candidates (`votes`, `births`, same order) are the round's own
/// ([`RoundInfo`]).
///
/// * Art. 78(1): the result counts only when more than half of the listed
///   voters voted — except in a re-vote, whose result stands whatever the
///   turnout, with no second re-vote (Art. 80(3)). A first round or an
///   additional vote at or below half elects no one and calls for a
///   re-vote (Art. 80(1)).
/// * Art. 78(2)–(4): more than half of the valid ballots; the highest
///   totals take the seats; a tie for the last seat goes to the older.
/// * Art. 79: an additional vote is proposed only after the first round
///   ("trong cuộc bầu cử đầu tiên"), never after a re-vote or another
///   additional vote (79(4)).
#[allow(clippy::too_many_arguments)] // the law's inputs, each named
pub fn decide_round(kind: LevelKind, round: RoundKind, seats: u32, listed: u64, voted: u64, valid: u64, votes: &[u64], births: &[NaiveDate]) -> Decision {
    let turnout_ok = u128::from(voted) * 2 > u128::from(listed);
    if !turnout_ok && round != RoundKind::Revote {
        return Decision { turnout_ok, revote_due: true, ..Decision::default() };
    }
    // Art. 78: more than half of the valid ballots.
    let mut passing: Vec<usize> = (0..votes.len()).filter(|&i| u128::from(votes[i]) * 2 > u128::from(valid)).collect();
    // Highest first; equal votes: older (earlier birth date) first.
    passing.sort_by(|&a, &b| votes[b].cmp(&votes[a]).then(births.get(a).cmp(&births.get(b))));
    let seats_us = usize::try_from(seats).unwrap_or(usize::MAX);
    let mut elected: Vec<usize> = passing.iter().copied().take(seats_us).collect();
    let mut tie_unresolved = Vec::new();
    if passing.len() > seats_us && seats_us > 0 {
        let last = passing[seats_us - 1];
        let same = |i: usize| votes[i] == votes[last] && births.get(i) == births.get(last);
        let tied: Vec<usize> = passing.iter().copied().filter(|&i| same(i)).collect();
        if tied.len() > 1 {
            elected.retain(|i| !tied.contains(i));
            tie_unresolved = tied;
        }
    }
    let filled = u64::try_from(elected.len()).unwrap_or(u64::MAX);
    // Art. 79: QH — any empty seat; HĐND — fewer than two thirds filled;
    // only after the first round.
    let additional_vote_due = round == RoundKind::First
        && match kind {
            LevelKind::NationalAssembly => filled < u64::from(seats),
            LevelKind::Council => u128::from(filled) * 3 < u128::from(seats) * 2,
        };
    Decision { turnout_ok, elected, revote_due: false, additional_vote_due, tie_unresolved }
}

/// `o` plus one area's figures, or `None` if any sum would overflow.
fn add_report(o: &Outcome, r: &AreaReport) -> Option<Outcome> {
    let mut n = o.clone();
    n.voters_listed = o.voters_listed.checked_add(r.voters_listed)?;
    n.voters_voted = o.voters_voted.checked_add(r.voters_voted)?;
    n.ballots_issued = o.ballots_issued.checked_add(r.ballots_issued)?;
    n.ballots_received = o.ballots_received.checked_add(r.ballots_received)?;
    n.ballots_valid = o.ballots_valid.checked_add(r.ballots_valid)?;
    n.ballots_invalid = o.ballots_invalid.checked_add(r.ballots_invalid)?;
    for (k, v) in &r.invalid_by_reason {
        let t = n.invalid_by_reason.entry(k.clone()).or_insert(0);
        *t = t.checked_add(*v)?;
    }
    for (t, v) in n.votes.iter_mut().zip(&r.votes) {
        *t = t.checked_add(*v)?;
    }
    Some(n)
}

impl AreaReport {
    /// The figures of one area's minutes document.
    pub fn from_minutes(m: &crate::minutes::Minutes) -> AreaReport {
        let f = &m.figures;
        AreaReport {
            area: m.area.id.clone(),
            round: m.round.as_ref().map_or(1, |r| r.number),
            seats: m.constituency.seats,
            candidates: m.candidates.iter().map(|c| c.id.clone()).collect(),
            voters_listed: f.voters_listed,
            voters_voted: f.voters_voted,
            ballots_issued: f.ballots_issued,
            ballots_received: f.ballots_received,
            ballots_valid: f.ballots_valid,
            ballots_invalid: f.ballots_invalid,
            invalid_by_reason: f.invalid_by_reason.clone(),
            votes: m.candidates.iter().map(|c| c.votes).collect(),
        }
    }
}

/// Sums the first round's reports of a constituency's areas and, once
/// complete, applies [`decide`] ([`aggregate_round`] of the first round).
pub fn aggregate(c: &ConstituencyInfo, reports: &[AreaReport]) -> Outcome {
    aggregate_round(c, &RoundInfo::first(c), reports)
}

/// Sums the reports of one round (those whose `round` is its number; the
/// others belong to other rounds and are left alone) and, once every area
/// of the constituency has reported that round, applies [`decide_round`].
/// Reports for areas outside the constituency, or that list other
/// candidates or seats than the round's (A01), are not summed and are
/// named in `cross_checks`.
pub fn aggregate_round(c: &ConstituencyInfo, round: &RoundInfo, reports: &[AreaReport]) -> Outcome {
    let ids: Vec<&str> = round.candidates.iter().map(|x| x.id.as_str()).collect();
    let mut o = Outcome { areas_expected: u32::try_from(c.areas.len()).unwrap_or(u32::MAX), votes: vec![0; ids.len()], ..Outcome::default() };
    let mut seen: Vec<&str> = Vec::new();
    for r in reports.iter().filter(|r| r.round == round.number) {
        if !c.areas.contains(&r.area) {
            o.cross_checks.push(CrossCheck { code: "A03", area: r.area.clone(), message: format!("khu vực {} không thuộc đơn vị bầu cử {}; không cộng", r.area, c.id) });
            continue;
        }
        if seen.contains(&r.area.as_str()) {
            o.cross_checks.push(CrossCheck { code: "A04", area: r.area.clone(), message: format!("khu vực {} được báo cáo hai lần; chỉ cộng một lần", r.area) });
            continue;
        }
        let same_list = r.candidates.iter().map(String::as_str).eq(ids.iter().copied());
        if r.seats != round.seats || !same_list || r.votes.len() != ids.len() {
            o.cross_checks.push(CrossCheck {
                code: "A01",
                area: r.area.clone(),
                message: format!("khu vực {} báo cáo danh sách người ứng cử hoặc số đại biểu được bầu ({}) khác với đơn vị bầu cử {} ({}); không cộng", r.area, r.seats, c.id, round.seats),
            });
            continue;
        }
        // Exact arithmetic: a sum that would overflow is not made (and
        // cannot happen with figures bounded per area, E15).
        let Some(sum) = add_report(&o, r) else {
            o.cross_checks
                .push(CrossCheck { code: "A02", area: r.area.clone(), message: format!("số liệu của khu vực {} làm tổng vượt giới hạn tính toán; không cộng", r.area) });
            continue;
        };
        seen.push(&r.area);
        o = sum;
    }
    o.areas_reported = u32::try_from(seen.len()).unwrap_or(u32::MAX);
    o.complete = !c.areas.is_empty() && c.areas.iter().all(|a| seen.contains(&a.as_str()));
    o.percent = o.votes.iter().map(|&v| Percent::of(v, o.ballots_valid)).collect();
    o.turnout = Percent::of(o.voters_voted, o.voters_listed);
    if o.complete {
        let births: Vec<NaiveDate> = round.candidates.iter().map(|x| x.birth_date).collect();
        let d = decide_round(c.kind, round.kind, round.seats, o.voters_listed, o.voters_voted, o.ballots_valid, &o.votes, &births);
        o.turnout_ok = d.turnout_ok;
        o.revote_due = d.revote_due;
        o.additional_vote_due = d.additional_vote_due;
        o.elected = d.elected.iter().filter_map(|&i| ids.get(i).map(|s| (*s).to_owned())).collect();
        o.tie_unresolved = d.tie_unresolved.iter().filter_map(|&i| ids.get(i).map(|s| (*s).to_owned())).collect();
    }
    o
}

/// The most voters a polling area may list (Art. 11: 300–4,000 voters;
/// fewer only in mountain, island or sparse areas).
pub const AREA_VOTERS_MAX: u64 = 4_000;

/// Why an area's minutes need the Ban bầu cử's own review before the
/// winners of its constituency are declared: a list larger than the law
/// allows, or a turnout warning (W03, participants under half the list)
/// that only the Tổ trưởng accepted. `accepted` are the codes the Tổ
/// accepted in its signed minutes. Empty: nothing to review.
pub fn ban_review_reasons(report: &AreaReport, accepted: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    if report.voters_listed > AREA_VOTERS_MAX {
        out.push(format!("danh sách có {} cử tri, quá {} cử tri một khu vực bỏ phiếu (Điều 11)", crate::text::thousands(report.voters_listed), crate::text::thousands(AREA_VOTERS_MAX)));
    }
    if accepted.contains(&"W03") {
        out.push("Tổ trưởng đã chấp nhận cảnh báo W03 (số cử tri đi bầu dưới một nửa danh sách)".to_owned());
    }
    out
}

#[cfg(test)]
mod tests;
