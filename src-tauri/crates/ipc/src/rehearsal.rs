//! Rehearsal and continuity (issue 16): the switch to official, the
//! voter-list check, check-ins entered in bulk after an outage, the
//! check-in drill.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{AreaId, CardNumber};

use crate::{FormOutput, TurnoutDto};

/// Rows of one table, with what they are in Vietnamese.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TableCountDto {
    pub table: String,
    /// "lượt nhận phiếu", "phiếu đã kiểm", …
    pub label: String,
    pub rows: u64,
}

/// `official`: the switch from rehearsal (diễn tập) to official.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OfficialSwitchDto {
    pub switched_at: String,
    /// What the rehearsal made and the switch removed, per table (tables
    /// with no rows left out).
    pub removed: Vec<TableCountDto>,
    /// What stays: the definition, the voter list, the team, the key, the
    /// audit log.
    pub kept: Vec<TableCountDto>,
    /// The printed record of the switch (`ban-in/`).
    pub record: Option<FormOutput>,
    pub message: String,
}

/// One list checked by `voters check`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CheckedListDto {
    /// This database's list, or a file.
    pub source: String,
    /// The polling area the list is of, when known.
    pub area: Option<AreaId>,
    pub voters: u32,
}

/// One finding of the voter-list check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct VoterProblemDto {
    pub kind: crate::VoterProblemKind,
    /// The list it was found in (see [`CheckedListDto::source`]).
    pub list: String,
    pub stt: Option<CardNumber>,
    pub name: String,
    /// The field concerned (`id_number`, `birth_date`, `name`, …).
    pub field: String,
    /// What is wrong and where, in Vietnamese.
    pub message: String,
}

/// `voters check [--json]`: the voter-list check report (exit 0 even
/// when it finds problems).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct VoterCheckDto {
    /// No problem found.
    pub ok: bool,
    pub checked_at: String,
    pub lists: Vec<CheckedListDto>,
    pub problems: Vec<VoterProblemDto>,
    /// Problems per kind.
    pub counts: BTreeMap<String, u32>,
    pub message: String,
}

/// `checkin --bulk FILE --from HH:MM --to HH:MM`: voters ticked on the
/// paper list during an outage, entered at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BulkCheckinDto {
    pub outage_id: u32,
    pub date: String,
    pub from: String,
    pub to: String,
    /// Voters entered.
    pub voters: u32,
    /// Check-ins written (one per voter and level).
    pub checkins: u32,
    /// Turnout recomputed after the entry.
    pub turnout: TurnoutDto,
    pub message: String,
}

/// `drill checkin`: stand-in voters played through the desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DrillReportDto {
    pub voters: u32,
    pub checkins: u32,
    pub undos: u32,
    /// Check-ins the desk refused (a second check-in, a voter not on the
    /// list), as it must.
    pub refusals: u32,
    pub seconds: f64,
    pub turnout: TurnoutDto,
    pub message: String,
}

/// `backup restore`: a backup put back as the data file (on a spare
/// laptop), and where it stops.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RestoreDto {
    pub restored_from: String,
    pub db_path: String,
    /// The data file that was there before, kept under a new name.
    pub previous_kept_as: Option<String>,
    /// The last check-in the backup holds ("cử tri số 215 lúc 10:02:37").
    pub last_checkin: Option<String>,
    pub message: String,
}
