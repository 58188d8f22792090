//! The Ban bầu cử's facts for its minutes (Mẫu 19/HĐBC-QH, 24/HĐBC-HĐND)
//! and the rounds a board declares (bầu cử lại, bầu cử thêm).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::LevelCode;

use crate::{CandidateTotalDto, ResultCheckDto};

/// `team --constituency ID …` at a board: the Ban's roster and the meeting
/// of one round's minutes. Each named part replaces what was recorded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct BoardTeamInput {
    pub constituency: String,
    /// The round whose meeting `place`/`time` describe (default 1).
    pub round: Option<u32>,
    /// Trưởng ban.
    pub leader: Option<String>,
    /// Phó Trưởng ban, in order.
    pub deputies: Option<Vec<String>>,
    /// Ủy viên, in order.
    pub members: Option<Vec<String>>,
    /// "Đã họp tại …".
    pub place: Option<String>,
    /// "Vào hồi … giờ … phút": `HH:MM`.
    pub time: Option<String>,
    /// The day of the meeting (`YYYY-MM-DD` or `dd/mm/yyyy`); default: today.
    pub date: Option<String>,
}

/// `board-note`: items of one round's minutes. Each named part replaces
/// what was recorded; an empty text clears it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct BoardNoteInput {
    pub constituency: String,
    pub round: Option<u32>,
    /// d) Tóm tắt những việc xảy ra.
    pub events: Option<String>,
    /// e) Complaints the Ban settled, and how.
    pub settled: Option<Vec<String>>,
    /// g) Complaints forwarded to the election committee above.
    pub forwarded: Option<Vec<String>>,
    /// Các tài liệu kèm theo.
    pub attached: Option<Vec<String>>,
    /// The Ban's decisions on complaints its teams forwarded, each
    /// replacing the decision recorded for that complaint.
    #[serde(default)]
    pub decisions: Vec<TeamComplaintDecision>,
}

/// The Ban's decision on one complaint a Tổ bầu cử forwarded to it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct TeamComplaintDecision {
    /// "X0412-KV04#1": the area and the complaint's number in its minutes
    /// (`TeamComplaintDto::reference`).
    pub reference: String,
    /// "settled" (the Ban settled it: item e) or "forwarded" (the Ban sent
    /// it on to the Ủy ban bầu cử: item g).
    pub decision: String,
    /// How the Ban settled it, or to whom and when it forwarded it; empty
    /// takes the decision back.
    pub text: String,
}

/// A complaint a Tổ bầu cử forwarded to the Ban in its minutes, and what
/// the Ban decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TeamComplaintDto {
    /// "X0412-KV04#1": what `board-note --ban-settled`/`--ban-forwarded` name.
    pub reference: String,
    /// The Tổ, the content, the complainant and the Tổ's opinion.
    pub text: String,
    /// "settled" (item e), "forwarded" (item g), or none yet (printed in
    /// item e with the way of settling it left dotted).
    pub decision: Option<String>,
    /// How the Ban settled it, or to whom it forwarded it.
    pub how: Option<String>,
}

/// What a board has recorded about one constituency's Ban and one round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BoardFactsDto {
    pub constituency: String,
    pub name: String,
    pub round: u32,
    pub leader: Option<String>,
    pub deputies: Vec<String>,
    pub members: Vec<String>,
    /// `YYYY-MM-DD`.
    pub meeting_date: Option<String>,
    /// `HH:MM`.
    pub meeting_time: Option<String>,
    pub place: Option<String>,
    pub events: Option<String>,
    pub settled: Vec<String>,
    pub forwarded: Vec<String>,
    pub attached: Vec<String>,
    /// d) What the teams' minutes recorded: incidents and how they were
    /// handled, figures carried after a recount, unresolved matters and
    /// recommendations, each named by its Tổ.
    pub team_events: Vec<String>,
    /// đ) Complaints the teams settled, from the areas' minutes.
    pub team_settled: Vec<String>,
    /// Complaints the teams forwarded to the Ban (settled by it, item e, or
    /// forwarded on, item g), with the Ban's decision.
    pub team_forwarded: Vec<TeamComplaintDto>,
}

/// A declared round in `results --json` (field `rounds` of a
/// constituency): its own figures, summed from the areas' reports of that
/// round, and what the law decides (Art. 78–80).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RoundResultDto {
    pub number: u32,
    /// "revote" | "additional"
    pub kind: String,
    pub declared_at: String,
    /// Seats this round fills.
    pub seats: u32,
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
    pub votes: BTreeMap<String, u64>,
    pub percent: BTreeMap<String, f64>,
    pub turnout_ok: bool,
    pub turnout_percent: f64,
    pub elected: Vec<String>,
    pub revote_due: bool,
    pub additional_vote_due: bool,
    pub tie_unresolved: Vec<String>,
    /// The round's candidates, in ballot order.
    pub candidates: Vec<CandidateTotalDto>,
    pub checks: Vec<ResultCheckDto>,
}

/// `round declare`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RoundDeclaredDto {
    pub constituency: String,
    pub number: u32,
    pub kind: String,
    pub seats: u32,
    /// Candidate ids, in ballot order.
    pub candidates: Vec<String>,
    pub declared_at: String,
    pub message: String,
}

/// `round open FILE` / `round file`: a later round as a team counts it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RoundOpenedDto {
    /// The code the round is counted under ("XA.v2").
    pub level: LevelCode,
    pub constituency: String,
    pub number: u32,
    /// "revote" | "additional"
    pub kind: String,
    pub seats: u32,
    pub candidates: Vec<String>,
    /// The round file written (at a board).
    pub file: Option<String>,
    pub message: String,
}
