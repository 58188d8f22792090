//! Data of the biên bản xác định kết quả bầu cử ở đơn vị bầu cử (Nghị
//! quyết 40/NQ-HĐBCQG ngày 29/9/2025, Mẫu số 19/HĐBC-QH and 24/HĐBC-HĐND;
//! layouts `forms/board-minutes-qh.json`, `board-minutes-hdnd.json`): one
//! document per constituency complete at this board, and a separate one
//! per declared round once complete ("Việc xác định kết quả trong bầu cử
//! lại, bầu cử thêm được Ban bầu cử … lập thành biên bản riêng").
//!
//! Facts the definition and the database do not hold (resolution numbers,
//! the council's term number, a meeting not recorded) are printed as the
//! form's dotted lines: never invented. Items d, đ, e and g are what was
//! recorded — by the teams in their minutes (incidents, complaints they
//! settled or forwarded) and by the Ban (`board-note`) — and dotted lines
//! when nothing was: the board never prints "Không có" on its own. The
//! wording lives in the layouts (with the form's notes (1)–(13) and their
//! markers); this module supplies figures, names ("Ông"/"Bà" by the
//! candidate's gender, as the Tổ minutes), the items' lines and which of
//! the form's footnote sentences apply (footnote 5: turnout at or below
//! half; footnote 7: seats still empty).

use crate::ErrorCode;
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};
use tobaucu_core::election::{ElectionDefinition, LevelKind, UnitKind};
use tobaucu_core::percent::Percent;
use tobaucu_core::results::{AreaReport, Outcome, RoundKind};
use tobaucu_core::text::fold;
use tobaucu_ipc::BoardFactsDto;

use super::results::Computed;
use crate::forms::candidate_title;
use crate::{App, Error, Result};

/// Dots for a missing number or short word.
const DOTS: &str = ".......";
/// Dots for a missing name or place.
const DOTS_LONG: &str = "........................................";

/// "Xã Thiệu Ngọc" → "xã Thiệu Ngọc" (a unit's name inside a sentence).
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Which administrative tier a council level elects, from its name
/// ("Đại biểu HĐND xã Thiệu Ngọc …" → commune): the definition has no
/// field for it.
fn council_tier(level_name: &str) -> Option<UnitKind> {
    let n = format!(" {} ", fold(level_name));
    if [" xa ", " phuong ", " dac khu ", " thi tran "].iter().any(|k| n.contains(k)) {
        Some(UnitKind::Commune)
    } else if [" huyen ", " quan ", " thi xa "].iter().any(|k| n.contains(k)) {
        Some(UnitKind::District)
    } else if [" tinh ", " thanh pho "].iter().any(|k| n.contains(k)) {
        Some(UnitKind::Province)
    } else {
        None
    }
}

/// The unit of `kind` at or above `unit`.
fn unit_above<'d>(def: &'d ElectionDefinition, unit: &str, kind: UnitKind) -> Option<&'d tobaucu_core::election::Unit> {
    let mut cur = def.unit(unit);
    while let Some(u) = cur {
        if u.kind == kind {
            return Some(u);
        }
        cur = u.parent.as_deref().and_then(|p| def.unit(p));
    }
    None
}

/// One commune's row of the QH table: name, its polling areas in the
/// constituency, votes per candidate of the round.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CommuneRow {
    pub name: String,
    pub areas: usize,
    pub votes: Vec<u64>,
}

/// A candidate as the minutes name them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Named {
    pub id: String,
    pub name: String,
    /// "Ông" or "Bà" (`forms::candidate_title`).
    pub title: &'static str,
}

/// Everything one board-minutes document prints.
#[derive(Debug, Clone)]
pub(crate) struct MinutesInput {
    pub id: String,
    pub number: u32,
    /// Seats of the constituency (the resolution's number).
    pub seats: u32,
    /// Candidates on the official list of the constituency.
    pub candidate_count: usize,
    /// "tỉnh Thanh Hóa", "xã Thiệu Ngọc": the council's unit (HĐND).
    pub council: Option<String>,
    /// "tỉnh Thanh Hóa": the province of the constituency.
    pub province: Option<String>,
    /// "Gồm …": communes (QH, HĐND tỉnh) or the areas' names (HĐND xã).
    pub places: Vec<String>,
    pub election_year: i32,
    pub round: RoundKind,
    pub round_number: u32,
    /// Elected in the first round (an additional vote's minutes count them).
    pub first_elected: usize,
    /// The round's candidates in ballot order.
    pub candidates: Vec<Named>,
    pub outcome: Outcome,
    pub communes: Vec<CommuneRow>,
    pub facts: BoardFactsDto,
    /// Warnings accepted with a reason, by the areas' Tổ trưởng and by the
    /// Ban itself (issue 15 item 5), printed under d).
    pub accepted: Vec<String>,
}

fn roster(f: &BoardFactsDto) -> Vec<Value> {
    let item = |name: &str, role: &str| json!({"name": name, "leader": role == "leader", "deputy": role == "deputy", "member": role == "member", "blank": role == "blank"});
    let mut out = vec![item(f.leader.as_deref().unwrap_or(DOTS_LONG), "leader")];
    if f.deputies.is_empty() {
        out.push(item(DOTS_LONG, "deputy"));
        out.push(item(DOTS_LONG, "deputy"));
    }
    out.extend(f.deputies.iter().map(|d| item(d, "deputy")));
    if f.members.is_empty() {
        out.push(item(DOTS_LONG, "member"));
        out.push(item(DOTS_LONG, "blank"));
    }
    out.extend(f.members.iter().map(|m| item(m, "member")));
    out
}

/// "Không có" as the Ban recorded it (footnotes 8–11: "nếu không có …
/// thì ghi “Không có”").
fn says_none(s: &str) -> bool {
    fold(s.trim_end_matches('.').trim()) == "khong co"
}

/// The lines of one of items d, đ, e, g: each recorded text as "- …", or
/// the Ban's "Không có." alone; empty (the layout prints dotted lines)
/// when nothing was recorded.
fn item_lines(lines: Vec<String>) -> Vec<Value> {
    match lines.as_slice() {
        [only] if says_none(only) => vec![json!({"text": "Không có."})],
        _ => lines.into_iter().map(|l| json!({"text": format!("- {l}")})).collect(),
    }
}

/// Items d, đ, e, g of the minutes from what the teams and the Ban
/// recorded (footnotes 8–11 of Mẫu 19/HĐBC-QH and 24/HĐBC-HĐND):
/// d) the Ban's summary, then what each Tổ's minutes recorded; đ) the
/// complaints the teams settled; e) those the teams forwarded that the Ban
/// settled — or has not decided yet, its way of settling left dotted: the
/// Ban is where a Tổ sends what it cannot settle —, then the Ban's own;
/// g) those it forwarded on to the Ủy ban bầu cử, then the Ban's own.
fn items(f: &BoardFactsDto, accepted: &[String]) -> [Vec<Value>; 4] {
    // Item d: the Ban's events, the teams' (incidents, recommendations), then
    // the warnings accepted with their reasons (issue 15 item 5).
    let events: Vec<String> = f.events.iter().cloned().chain(f.team_events.iter().cloned()).chain(accepted.iter().cloned()).collect();
    let mut settled = Vec::new();
    let mut forwarded = Vec::new();
    for x in &f.team_forwarded {
        match (x.decision.as_deref(), x.how.as_deref()) {
            (Some("forwarded"), Some(how)) => forwarded.push(format!("{}; ý kiến của Ban bầu cử: {how}", x.text)),
            (Some("settled"), Some(how)) => settled.push(format!("{}; cách giải quyết: {how}", x.text)),
            _ => settled.push(format!("{}; cách giải quyết: {DOTS_LONG}", x.text)),
        }
    }
    settled.extend(f.settled.iter().cloned());
    forwarded.extend(f.forwarded.iter().cloned());
    [item_lines(events), item_lines(f.team_settled.clone()), item_lines(settled), item_lines(forwarded)]
}

/// The layout's data for one document.
pub(crate) fn minutes_data(m: &MinutesInput) -> Value {
    let o = &m.outcome;
    let f = &m.facts;
    let pct = |i: usize| o.percent.get(i).copied().unwrap_or(Percent(0)).vi();
    let candidates: Vec<Value> = m.candidates.iter().enumerate().map(|(i, c)| json!({"title": c.title, "name": c.name, "votes": o.votes.get(i).copied().unwrap_or(0), "percent": pct(i)})).collect();
    let elected: Vec<Value> = o
        .elected
        .iter()
        .map(|id| {
            let i = m.candidates.iter().position(|c| c.id == *id);
            let (title, name) = i.and_then(|i| m.candidates.get(i)).map_or(("Ông/Bà", ""), |c| (c.title, c.name.as_str()));
            let i = i.unwrap_or(usize::MAX);
            json!({"title": title, "name": name, "votes": o.votes.get(i).copied().unwrap_or(0), "percent": pct(i)})
        })
        .collect();
    let [events, team_settled, settled, forwarded] = items(f, &m.accepted);
    let round_elected = o.elected.len();
    let elected_count = if m.round == RoundKind::Additional { m.first_elected + round_elected } else { round_elected };
    let missing = usize::try_from(m.seats).unwrap_or(0).saturating_sub(elected_count);
    let (hour, minute, day, month, year) = match (f.meeting_time.as_deref(), f.meeting_date.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())) {
        (Some(t), Some(d)) => {
            let (h, mi) = t.split_once(':').unwrap_or((DOTS, DOTS));
            (h.to_owned(), mi.to_owned(), d.day().to_string(), d.month().to_string(), d.year().to_string())
        }
        _ => (DOTS.into(), DOTS.into(), DOTS.into(), DOTS.into(), m.election_year.to_string()),
    };
    let council = m.council.clone().unwrap_or_else(|| DOTS_LONG.into());
    let places = if m.places.is_empty() { DOTS_LONG.to_owned() } else { m.places.join(", ") };
    let areas_total: usize = m.communes.iter().map(|c| c.areas).sum();
    let received = o.ballots_received;
    json!({
        "constituency": {"id": m.id, "number": m.number},
        "seats": m.seats,
        "candidate_count": m.candidate_count,
        "council": council,
        "council_upper": council.to_uppercase(),
        "province": m.province.clone().unwrap_or_else(|| DOTS_LONG.into()),
        "places": places,
        "meeting": {"hour": hour, "minute": minute, "day": day, "month": month, "year": year},
        "place": f.place.clone().unwrap_or_else(|| DOTS_LONG.into()),
        "roster": roster(f),
        "leader_name": f.leader.clone().unwrap_or_default(),
        "deputies_names": f.deputies.join("\n\n\n"),
        "figures": {
            "voters_listed": o.voters_listed, "voters_voted": o.voters_voted, "turnout": o.turnout.vi(),
            "ballots_issued": o.ballots_issued, "ballots_received": received,
            "ballots_valid": o.ballots_valid, "valid_percent": Percent::of(o.ballots_valid, received).vi(),
            "ballots_invalid": o.ballots_invalid, "invalid_percent": Percent::of(o.ballots_invalid, received).vi(),
        },
        "candidates": candidates,
        "communes": m.communes.iter().map(|c| json!({"name": c.name, "areas": c.areas, "votes": c.votes})).collect::<Vec<_>>(),
        "totals": {"areas": areas_total, "votes": o.votes, "percent": (0..m.candidates.len()).map(pct).collect::<Vec<_>>()},
        "elected": elected,
        "elected_count": elected_count,
        "missing": missing,
        "first_elected": m.first_elected,
        "round_elected": round_elected,
        // Footnote 5 (turnout at or below half), except in a re-vote whose
        // result stands (Art. 80(3)).
        "revote_sentence": !o.turnout_ok && m.round != RoundKind::Revote,
        "revote_stands": !o.turnout_ok && m.round == RoundKind::Revote,
        // Footnote 7: seats still empty after the first round.
        "additional_sentence": o.turnout_ok && missing > 0 && m.round == RoundKind::First,
        "no_second_additional": missing > 0 && m.round == RoundKind::Additional,
        "is_revote": m.round == RoundKind::Revote,
        "is_additional": m.round == RoundKind::Additional,
        "round_number": m.round_number,
        "round_footer": if m.round == RoundKind::First { String::new() } else { format!(" · {} (vòng {})", m.round.vi(), m.round_number) },
        "events": events,
        "team_settled": team_settled,
        "settled": settled,
        "forwarded": forwarded,
        "attached": f.attached,
        "areas_reported": o.areas_reported,
        "areas_expected": o.areas_expected,
    })
}

/// Per-commune rows of one round's reports (QH table), communes in the
/// order their areas come in the definition.
fn commune_rows(def: &ElectionDefinition, k: &Computed, round: u32, n: usize) -> Vec<CommuneRow> {
    let mut order: Vec<String> = Vec::new();
    let mut rows: BTreeMap<String, CommuneRow> = BTreeMap::new();
    for a in &k.info.areas {
        let Some(area) = def.area(a) else { continue };
        let e = rows.entry(area.commune.clone()).or_insert_with(|| {
            order.push(area.commune.clone());
            CommuneRow { name: def.unit(&area.commune).map(|u| u.name.clone()).unwrap_or_else(|| area.commune.clone()), areas: 0, votes: vec![0; n] }
        });
        e.areas += 1;
    }
    for r in k.reports.iter().filter(|r: &&AreaReport| r.round == round && r.votes.len() == n) {
        let Some(area) = def.area(&r.area) else { continue };
        if let Some(e) = rows.get_mut(&area.commune) {
            for (t, v) in e.votes.iter_mut().zip(&r.votes) {
                *t = t.saturating_add(*v);
            }
        }
    }
    order.into_iter().filter_map(|c| rows.remove(&c)).collect()
}

impl App {
    /// The warnings accepted for one round of a constituency: the areas'
    /// (first round, signed in their minutes) and the Ban's own.
    fn accepted_lines(&self, k: &Computed, round: u32) -> Result<Vec<String>> {
        let def = self.def()?;
        let mut out: Vec<String> = Vec::new();
        {
            for (area, a) in k.notes.iter().filter(|n| n.round == round).flat_map(|n| n.accepted.iter().map(move |a| (&n.area, a))) {
                let place = def.area(area).map_or_else(|| area.clone(), |x| format!("khu vực bỏ phiếu số {} ({})", x.number, x.name));
                out.push(format!("Tổ bầu cử {place}: cảnh báo {} đã được Tổ trưởng chấp nhận. Lý do: {}", a.code, a.reason));
            }
        }
        for a in tobaucu_store::DayRead::board_acceptances(&self.store)?.into_iter().filter(|a| a.constituency_id == k.info.id && a.round == i64::from(round)) {
            out.push(format!("Ban bầu cử chấp nhận cảnh báo {}. Lý do: {}", a.code, a.reason));
        }
        Ok(out)
    }

    /// Data of the board minutes (layout name, data) for each constituency
    /// complete at this board — `only` narrows to a level or a
    /// constituency — followed by a separate document for each declared
    /// round that is complete.
    pub(crate) fn board_minutes_parts(&self, only: Option<&str>) -> Result<Vec<(&'static str, Value)>> {
        let def = self.def()?;
        let mut parts = Vec::new();
        let mut held: Vec<String> = Vec::new();
        let checked = self.checked()?;
        if !checked.integrity.ok() {
            return Err(checked.integrity.refusal("lập biên bản xác định kết quả"));
        }
        for k in &checked.computed {
            let Some(c) = def.constituency(&k.info.id) else { continue };
            if only.is_some_and(|o| o != c.level && o != c.id) {
                continue;
            }
            let kind = k.info.kind;
            // Units of the constituency: communes in definition order.
            let mut communes: Vec<&str> = Vec::new();
            for a in k.info.areas.iter().filter_map(|a| def.area(a)) {
                if !communes.contains(&a.commune.as_str()) {
                    communes.push(&a.commune);
                }
            }
            let commune_names: Vec<String> = communes.iter().map(|u| def.unit(u).map_or_else(|| (*u).to_owned(), |x| lower_first(&x.name))).collect();
            let province = communes.first().and_then(|u| unit_above(def, u, UnitKind::Province)).map(|u| lower_first(&u.name));
            let tier = council_tier(&k.level_name);
            let council = match (kind, tier) {
                (LevelKind::Council, Some(t)) => communes.first().and_then(|u| unit_above(def, u, t)).map(|u| lower_first(&u.name)),
                _ => None,
            };
            let places =
                if kind == LevelKind::Council && tier == Some(UnitKind::Commune) { k.info.areas.iter().filter_map(|a| def.area(a)).map(|a| lower_first(&a.name)).collect() } else { commune_names };
            let layout_name = if kind == LevelKind::NationalAssembly { "board-minutes-qh" } else { "board-minutes-hdnd" };
            let layout = tobaucu_forms::layout(layout_name).ok_or_else(|| Error::Internal(format!("thiếu mẫu {layout_name}")))?;
            let named = |id: &str| Named { id: id.to_owned(), name: c.candidates.iter().find(|x| x.id == id).map(|x| x.name.clone()).unwrap_or_default(), title: candidate_title(Some(c), id) };
            let base = MinutesInput {
                id: c.id.clone(),
                number: c.number,
                seats: c.seats,
                candidate_count: c.candidates.len(),
                council,
                province,
                places,
                election_year: def.election.date.year(),
                round: RoundKind::First,
                round_number: 1,
                first_elected: k.first.elected.len(),
                candidates: c.candidates.iter().map(|x| named(&x.id)).collect(),
                outcome: k.first.clone(),
                communes: if kind == LevelKind::NationalAssembly { commune_rows(def, k, 1, c.candidates.len()) } else { vec![] },
                facts: self.facts_with(&c.id, 1, &k.notes)?,
                accepted: self.accepted_lines(k, 1)?,
            };
            // A08: winners are declared only once the Ban accepted, with
            // its reason, the areas that need its own review.
            let review = super::results::ban_review(def, k, 1);
            let reviewed = review.is_empty() || tobaucu_store::DayRead::board_acceptances(&self.store)?.iter().any(|a| a.constituency_id == c.id && a.round == 1 && a.code == "A08");
            if k.first.complete && !reviewed {
                held.push(format!("{}: {}", c.id, review.join(" · ")));
            } else if k.first.complete {
                parts.push((layout, minutes_data(&base)));
            }
            for r in k.rounds.iter().filter(|r| r.outcome.complete) {
                let cands: Vec<Named> = r.info.candidates.iter().map(|x| named(&x.id)).collect();
                let input = MinutesInput {
                    round: r.info.kind,
                    round_number: r.info.number,
                    communes: if kind == LevelKind::NationalAssembly { commune_rows(def, k, r.info.number, cands.len()) } else { vec![] },
                    candidates: cands,
                    outcome: r.outcome.clone(),
                    facts: self.facts_with(&c.id, r.info.number, &k.notes)?,
                    accepted: self.accepted_lines(k, r.info.number)?,
                    ..base.clone()
                };
                parts.push((layout, minutes_data(&input)));
            }
        }
        if parts.is_empty() && !held.is_empty() {
            return Err(Error::Refused {
                code: ErrorCode::BanReviewRequired,
                message: "Ban bầu cử chưa xem xét các khu vực cần xem xét (A08); chấp nhận cảnh báo A08 kèm lý do (tobaucu results accept) trước khi lập biên bản xác định kết quả".into(),
                problems: held,
            });
        }
        if parts.is_empty() {
            return Err(Error::refused(ErrorCode::NotComplete, "chưa có đơn vị bầu cử nào đủ biên bản của mọi khu vực; chưa lập được biên bản xác định kết quả"));
        }
        Ok(parts)
    }
}

#[cfg(test)]
mod tests;
