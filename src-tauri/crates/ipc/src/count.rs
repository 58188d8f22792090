//! Counting-night DTOs: roster, kiểm kê, ballots, tally sheets, checks,
//! the summary of `count summary --json` (`interfaces.md` §5), complaints
//! and minutes revisions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{AreaId, BatchId, LevelCode};

use crate::Severity;

/// A person named on the paper, with their "nơi ở hiện nay" when known.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct PersonDto {
    pub name: String,
    pub address: Option<String>,
}

impl From<&str> for PersonDto {
    /// A person whose address is not recorded.
    fn from(name: &str) -> PersonDto {
        PersonDto { name: name.to_owned(), address: None }
    }
}

/// The team as the minutes name it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct TeamDto {
    pub leader: Option<String>,
    pub secretary: Option<String>,
    pub members: Vec<String>,
    /// The two voters who witness the counting.
    pub witnesses: Vec<PersonDto>,
}

/// `team`: each field given replaces what it names; `None` keeps it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct TeamInput {
    pub leader: Option<String>,
    pub secretary: Option<String>,
    pub members: Option<Vec<String>>,
    pub witnesses: Option<Vec<PersonDto>>,
}

/// `opening`: the check of the ballot box before voting (Mẫu 18/23).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct OpeningInput {
    /// "HH:MM" voting started.
    pub time: String,
    pub witnesses: Vec<PersonDto>,
}

/// `incident add`: an event of the day or night (item 6 of the minutes).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct IncidentInput {
    pub what: String,
    /// "HH:MM", when known.
    pub time: Option<String>,
    /// How the Tổ handled it.
    pub handled: Option<String>,
}

/// An event as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct IncidentDto {
    pub id: u32,
    pub time: Option<String>,
    pub what: String,
    pub handled: String,
    pub recorded_at: String,
}

/// A matter not settled, with its recommendation (item 7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RecommendationDto {
    pub id: u32,
    pub text: String,
    pub recorded_at: String,
}

/// The facts of election day the paper needs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct DayFactsDto {
    pub opening_time: Option<String>,
    pub opening_witnesses: Vec<PersonDto>,
    pub closing_time: Option<String>,
    pub incidents: Vec<IncidentDto>,
    pub recommendations: Vec<RecommendationDto>,
}

/// Kiểm kê of one level, as entered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct InventoryInput {
    pub level: LevelCode,
    pub received: u32,
    pub unused: u32,
    pub spoiled: u32,
    /// Counted separately at the desk; otherwise received − unused − spoiled.
    pub issued: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct InventoryDto {
    pub level: LevelCode,
    pub received: u32,
    pub unused: u32,
    pub spoiled: u32,
    pub issued: u32,
    pub issued_entered: bool,
    pub recorded_at: String,
}

/// One failed check (`shared/checks.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CheckDto {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub next_step: String,
    /// The field the check is about (the UI jumps there).
    pub field: String,
    /// A warning the Tổ trưởng accepted, with the reason.
    pub accepted: bool,
    pub accepted_reason: Option<String>,
}

/// One candidate's line of the minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CandidateResultDto {
    pub id: String,
    /// Position on the ballot (1-based).
    pub position: u32,
    pub name: String,
    pub votes: u32,
    pub percent: f64,
    /// "55,12"
    pub percent_vi: String,
}

/// A finalized revision of a level's minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RevisionDto {
    pub revision: u32,
    pub finalized_at: String,
    /// Why the previous revision was corrected (empty for the first).
    pub reason: String,
    pub sha256: String,
    pub reopened_at: Option<String>,
    pub reopen_reason: Option<String>,
}

/// `count summary --json`: the figures of the result minutes of one level
/// (`interfaces.md` §5), with every failed check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SummaryDto {
    pub level: LevelCode,
    pub level_name: String,
    pub area: AreaId,
    pub constituency: String,
    pub constituency_name: String,
    pub seats: u32,
    pub voters_listed: u32,
    pub voters_voted: u32,
    pub ballots_issued: u32,
    pub ballots_received: u32,
    pub ballots_valid: u32,
    pub ballots_invalid: u32,
    /// khong_theo_mau, khong_co_dau, qua_so_luong, gach_het, ghi_them → count.
    pub invalid_by_reason: BTreeMap<String, u32>,
    /// Candidate id → votes.
    pub votes: BTreeMap<String, u32>,
    /// Candidate id → percent of valid ballots (2 decimals, half-up).
    pub percent: BTreeMap<String, f64>,
    /// k → valid ballots keeping exactly k names ("phiếu bầu k đại biểu").
    pub ballots_by_kept: BTreeMap<String, u32>,
    pub candidates: Vec<CandidateResultDto>,
    pub checks: Vec<CheckDto>,
    pub method: crate::CountMethod,
    pub status: crate::MinutesStatus,
    pub may_finalize: bool,
    pub inventory: Option<InventoryDto>,
    /// SHA-256 of the minutes' canonical data (of the locked revision when final).
    pub minutes_sha256: String,
    pub revisions: Vec<RevisionDto>,
}

/// A recorder's batch with its subtotals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BatchDto {
    pub id: u32,
    pub recorder: String,
    pub source: String,
    pub created_at: String,
    pub ballots: u32,
    pub valid: u32,
    pub invalid: u32,
}

/// One counted ballot as shown on the desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BallotDto {
    pub seq: u32,
    pub batch_id: BatchId,
    pub valid: bool,
    /// Positions kept (ascending).
    pub kept: Vec<u32>,
    /// Invalid ground code, if invalid.
    pub reason: Option<String>,
    /// "Hợp lệ — giữ 1, 3, 5" / "Không hợp lệ — gạch hết tên".
    pub text_vi: String,
}

/// A candidate's running total on the desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LiveCandidateDto {
    pub position: u32,
    pub id: String,
    pub name: String,
    pub votes: u32,
}

/// Running totals of a level on the counting desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LiveTallyDto {
    pub level: LevelCode,
    pub seats: u32,
    pub received: u32,
    pub valid: u32,
    pub invalid: u32,
    pub invalid_by_reason: BTreeMap<String, u32>,
    /// groups[k-1] = ballots keeping k names.
    pub groups: Vec<u32>,
    pub candidates: Vec<LiveCandidateDto>,
    pub batches: Vec<BatchDto>,
    pub last: Option<BallotDto>,
    pub locked: bool,
}

/// The desk's result of one typed ballot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BallotEntryResult {
    pub ballot: BallotDto,
    pub live: LiveTallyDto,
    pub message: String,
}

/// `count ballots FILE`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BallotsFileReport {
    pub level: LevelCode,
    pub file: String,
    pub batch_id: BatchId,
    pub ballots: u32,
    pub valid: u32,
    pub invalid: u32,
    pub total_received: u32,
}

/// One entry of a paper tally sheet (bảng kiểm phiếu).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TallySheetInput {
    pub level: LevelCode,
    /// 1 or 2 (double entry by two people).
    pub entry: u32,
    pub entered_by: String,
    pub received: u32,
    pub valid: u32,
    pub invalid: u32,
    /// Optional breakdown by ground code.
    pub invalid_by_reason: BTreeMap<String, u32>,
    /// groups[k-1] = valid ballots keeping k names.
    pub groups: Vec<u32>,
    /// votes[p-1] = votes of the candidate at position p.
    pub votes: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FieldDiffDto {
    pub field: String,
    pub label: String,
    pub first: u32,
    pub second: u32,
}

/// Where the double entry of a level's tally sheet stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TallyStatusDto {
    pub level: LevelCode,
    /// Entries present (1, 2).
    pub entries: Vec<u32>,
    pub agreed: bool,
    pub differences: Vec<FieldDiffDto>,
    pub message: String,
    /// The entries as typed, for re-editing.
    pub sheets: Vec<TallySheetInput>,
    /// Each differing field and where it stands (picked, sent to a third
    /// entry, settled): only these are ever typed again (issue 15 item 4).
    #[serde(default)]
    pub fields: Vec<crate::TallyFieldDto>,
    /// The fields a third person must type, without either earlier value.
    #[serde(default)]
    pub reentry: Vec<crate::ReentryFieldDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ComplaintDto {
    pub id: u32,
    pub level: Option<LevelCode>,
    pub received_at: String,
    pub complainant: String,
    pub content: String,
    pub status: crate::ComplaintStatus,
    pub status_vi: String,
    pub outcome: String,
    pub resolved_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ComplaintInput {
    pub level: Option<LevelCode>,
    pub complainant: String,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ComplaintResolveInput {
    pub id: u32,
    /// Settled or forwarded (received is where every complaint starts).
    pub status: crate::ComplaintStatus,
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AcceptInput {
    pub level: LevelCode,
    pub code: String,
    pub reason: String,
}

/// `finalize`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FinalizeResult {
    pub level: LevelCode,
    pub revision: u32,
    pub sha256: String,
    pub short_hash: String,
    pub message: String,
    /// Several desks: desks known (or feared) to hold check-ins not merged
    /// into this laptop when the minutes were locked.
    pub desk_warning: Option<String>,
}

/// One level on the counting overview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LevelCountState {
    pub code: LevelCode,
    pub name: String,
    pub method: crate::CountMethod,
    pub status: crate::MinutesStatus,
    pub inventory: bool,
    pub received: u32,
    pub errors: u32,
    pub warnings: u32,
}

/// `forms FORM --out FILE`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FormOutput {
    pub form: String,
    pub level: Option<LevelCode>,
    pub path: String,
    pub title: String,
    pub version: String,
    pub pages: u32,
    pub bytes: u32,
    /// What the printed data has that the form asks otherwise (the voter
    /// list: see `ImportReport::warnings`); printed all the same.
    pub warnings: Vec<String>,
}

/// Pages of a form as SVG (millimetre view box), for the app's preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FormPreview {
    pub form: String,
    pub title: String,
    pub total_pages: u32,
    /// The first pages, each one SVG document.
    pub pages: Vec<String>,
}
