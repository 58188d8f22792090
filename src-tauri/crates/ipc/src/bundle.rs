//! Keys, bundles, verification, import and results DTOs (`interfaces.md`
//! §1 JSON shapes: `keys show`, `verify`, `results`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{AreaId, LevelCode};

use crate::{Mode, Severity, UnitKind};

/// `keys show --json`: `{"public_key", "fingerprint"}` plus what the app shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct KeyInfoDto {
    pub public_key: String,
    pub fingerprint: String,
    pub unit_id: String,
    pub created_at: String,
    /// Where the registration file was written (keys init), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration_file: Option<String>,
}

/// A lower unit's registered key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RegisteredKeyDto {
    pub unit_id: String,
    pub fingerprint: String,
    /// "file" | "fingerprint" | "accepted"
    pub how: String,
    pub registered_at: String,
}

/// One named check of `verify --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct VerifyCheckDto {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

/// What a bundle says about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BundleInfoDto {
    pub sha256: String,
    /// The short code printed on the minutes (16 hex digits in 4 groups).
    pub short_code: String,
    pub unit_id: String,
    pub unit_kind: UnitKind,
    pub sequence: u32,
    pub created_at: String,
    pub mode: Mode,
    pub fingerprint: String,
    pub levels: Vec<LevelCode>,
    pub all_final: bool,
    pub carried: u32,
}

/// `verify --json`: `{"ok", "checks": [{"name", "ok", "detail"}]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct VerifyReportDto {
    pub ok: bool,
    pub checks: Vec<VerifyCheckDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bundle: Option<BundleInfoDto>,
    pub file: String,
}

/// `export`: where the bundle went and what the read-back found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ExportResultDto {
    pub path: String,
    pub sha256: String,
    pub short_code: String,
    pub sequence: u32,
    pub size: u64,
    /// Every level final (an official bundle).
    pub all_final: bool,
    pub test_mode: bool,
    /// The written file was read back and passed verification.
    pub verified: bool,
    pub checks: Vec<VerifyCheckDto>,
}

/// One bundle's import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportResultDto {
    pub file: String,
    /// "imported" | "replaced" | "unchanged" | "refused"
    pub outcome: String,
    pub message: String,
    pub report: VerifyReportDto,
    /// Areas whose results this bundle brought.
    pub areas: Vec<AreaId>,
}

/// A removable drive or folder offered as an export target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DriveDto {
    pub path: String,
    pub label: String,
    pub free_bytes: Option<u64>,
}

/// One area on the board's dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AreaStatusDto {
    pub area_id: AreaId,
    pub number: u32,
    pub name: String,
    pub commune: String,
    pub status: crate::ArrivalStatus,
    /// The unit whose bundle reports it (the area itself, or a board).
    pub via: Option<String>,
    pub sequence: Option<u32>,
    pub imported_at: Option<String>,
    pub short_code: Option<String>,
    pub reason: Option<String>,
    /// Bundle history of this unit (older sequences), newest first.
    pub history: Vec<String>,
    /// The paper minutes against the file (issue 15 item 3); `null` while
    /// no bundle reports the area.
    #[serde(default)]
    pub paper: Option<crate::PaperStatus>,
    #[serde(default)]
    pub paper_note: String,
    /// Warnings the Tổ trưởng accepted, with the signed reasons
    /// ("QH · W01: …"; issue 15 item 5).
    #[serde(default)]
    pub accepted: Vec<String>,
}

/// One refused import, for the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RefusalDto {
    pub at: String,
    pub file_name: String,
    pub unit_id: Option<String>,
    pub reason: String,
}

/// The board's dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BoardStatusDto {
    pub unit_id: String,
    pub unit_kind: UnitKind,
    pub unit_name: String,
    pub areas: Vec<AreaStatusDto>,
    pub areas_expected: u32,
    pub areas_reported: u32,
    pub refusals: Vec<RefusalDto>,
    pub registered: Vec<RegisteredKeyDto>,
}

/// A cross-area check (A01–A04) in `results --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ResultCheckDto {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// The board accepted this warning with a written reason (issue 15
    /// item 5; `tobaucu results accept`): printed in the board minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_reason: Option<String>,
}

/// A candidate's line in a constituency's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CandidateTotalDto {
    pub id: String,
    pub name: String,
    pub votes: u64,
    pub percent: f64,
    pub percent_vi: String,
    pub elected: bool,
}

/// One constituency in `results --json` (§5 figures and the §1 fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConstituencyResultDto {
    pub voters_listed: u64,
    pub voters_voted: u64,
    pub ballots_issued: u64,
    pub ballots_received: u64,
    pub ballots_valid: u64,
    pub ballots_invalid: u64,
    pub invalid_by_reason: BTreeMap<String, u64>,
    pub votes: BTreeMap<String, u64>,
    pub percent: BTreeMap<String, f64>,
    pub checks: Vec<ResultCheckDto>,
    pub areas_expected: u32,
    pub areas_reported: u32,
    pub complete: bool,
    pub turnout_ok: bool,
    pub elected: Vec<String>,
    pub additional_vote_due: bool,
    pub revote_due: bool,
    // What people read besides the contract fields.
    pub name: String,
    pub level: LevelCode,
    pub level_name: String,
    pub seats: u32,
    pub turnout_percent: f64,
    /// Every area of the constituency lies under this board (it can be
    /// complete here); otherwise a higher level decides.
    pub decided_here: bool,
    pub tie_unresolved: Vec<String>,
    pub candidates: Vec<CandidateTotalDto>,
    /// Rounds declared after the first (bầu cử lại, bầu cử thêm), each
    /// with its own figures; the fields above are the first round's.
    #[serde(default)]
    pub rounds: Vec<crate::RoundResultDto>,
}

/// `results --json`: `{"constituencies": {id: …}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ResultsDto {
    pub constituencies: BTreeMap<String, ConstituencyResultDto>,
}
