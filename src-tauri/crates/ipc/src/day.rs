//! The board's day and the team's double entry (issue 15): paper minutes
//! checked against the file, the fields of a tally sheet that differ, the
//! screen for the room, the results exports.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{AreaId, LevelCode};

use crate::FieldDiffDto;

/// `paper check`: the figures of a Tổ's paper minutes for one level, typed
/// once at the board (the signed file is the first entry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PaperCheckInput {
    pub area: AreaId,
    pub level: LevelCode,
    /// The minutes' short code as typed from the paper (32 hex digits).
    pub code: String,
    pub entered_by: String,
    pub voters_listed: u32,
    pub voters_voted: u32,
    pub ballots_issued: u32,
    pub ballots_received: u32,
    pub ballots_valid: u32,
    pub ballots_invalid: u32,
    /// Votes per candidate in ballot order.
    pub votes: Vec<u32>,
}

/// Where the paper of one area's level stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PaperCheckDto {
    pub area: AreaId,
    pub level: LevelCode,
    pub status: crate::PaperStatus,
    /// The short code of the file's minutes (what the paper must carry).
    pub minutes_code: String,
    /// File (first) against paper (second), field by field.
    pub differences: Vec<FieldDiffDto>,
    /// The board's reason when the differences were settled.
    pub resolution: Option<String>,
    pub checked_at: Option<String>,
    pub message: String,
}

/// One field on which the two entries of a tally sheet differ, and where
/// it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TallyFieldDto {
    pub field: String,
    pub label: String,
    pub first: u32,
    pub second: u32,
    /// "open" | "awaiting_third" | "third_disagrees" | "settled"
    pub state: String,
    /// The third entry's value, once typed.
    pub third: Option<u32>,
    /// The value that holds once settled, and whose entry it is (1, 2, 3).
    pub value: Option<u32>,
    pub settled_by: Option<u32>,
}

/// The Tổ trưởng's decisions on differing fields: for some, which entry
/// was right (1, 2, or 3 after a third entry); others sent to be typed
/// again by a third person (`reenter`, or every field still open with
/// `reenter_all`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TallyDecisionInput {
    pub level: LevelCode,
    pub picks: BTreeMap<String, u32>,
    pub reenter: Vec<String>,
    pub reenter_all: bool,
    /// The Tổ trưởng's name (recorded and logged).
    pub decided_by: String,
}

/// The third person's entry: only the fields sent back, typed without
/// seeing either earlier value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TallyThirdInput {
    pub level: LevelCode,
    pub entered_by: String,
    pub values: BTreeMap<String, u32>,
}

/// A field the third person must type: its name and label only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReentryFieldDto {
    pub field: String,
    pub label: String,
}

/// What the room screen asks for: which page of constituencies and of
/// areas, and how many of each fit the screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RoomQuery {
    pub constituency_page: u32,
    pub constituencies_per_page: u32,
    pub area_page: u32,
    pub areas_per_page: u32,
    /// Only the areas not imported yet (a wall of 10,000 tiles says less
    /// than the few still awaited).
    pub waiting_only: bool,
}

/// Turnout of one level over the areas reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RoomLevelDto {
    pub code: LevelCode,
    pub name: String,
    pub voters_listed: u64,
    pub voters_voted: u64,
    pub percent_vi: String,
}

/// Someone elected, for the wall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RoomElectedDto {
    pub name: String,
    pub votes: u64,
    pub percent_vi: String,
}

/// One constituency's progress, and who is elected once complete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RoomConstituencyDto {
    pub id: String,
    pub name: String,
    pub level_name: String,
    pub seats: u32,
    pub areas_reported: u32,
    pub areas_expected: u32,
    pub complete: bool,
    pub turnout_vi: String,
    /// One sentence: progress, or the outcome once complete.
    pub verdict: String,
    pub elected: Vec<RoomElectedDto>,
}

/// One area's tile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RoomAreaDto {
    pub id: String,
    pub label: String,
    pub status: crate::ArrivalStatus,
}

/// Everything the room screen shows for one refresh (read-only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RoomDto {
    pub unit_name: String,
    pub test_mode: bool,
    pub areas_expected: u32,
    pub areas_imported: u32,
    pub areas_refused: u32,
    pub areas_waiting: u32,
    pub levels: Vec<RoomLevelDto>,
    pub constituencies_total: u32,
    pub constituencies_complete: u32,
    pub constituency_page: u32,
    pub constituency_pages: u32,
    pub constituencies: Vec<RoomConstituencyDto>,
    pub area_page: u32,
    pub area_pages: u32,
    /// The page's areas (only those not imported with `waiting_only`).
    pub areas: Vec<RoomAreaDto>,
}

/// One file written by `results --xlsx/--csv/--nist` or the app's button.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ExportedFileDto {
    /// "xlsx" | "csv" | "nist"
    pub format: String,
    pub path: String,
    pub bytes: u64,
}
