//! Plain data crossing the app boundary: Tauri IPC requests/responses and the
//! CLI's `--json` output (whose shapes are the contract of `interfaces.md`
//! §1). TypeScript declarations are generated from these types into
//! `ui/src/bindings/ipc.ts` (see [`typescript`]); a test fails when the
//! committed file is stale.
//!
//! No logic here and no dependency on the domain: the application layer
//! converts by hand.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

mod board;
mod bundle;
mod count;
mod day;
pub mod desk;
mod error;
mod ids;
mod rehearsal;
mod vocab;
pub use board::*;
pub use bundle::*;
pub use count::*;
pub use day::*;
pub use error::ErrorCode;
pub use ids::{AreaId, BatchId, CardNumber, LevelCode};
pub use rehearsal::*;
pub use vocab::{ArrivalStatus, ComplaintStatus, CountMethod, MinutesStatus, Mode, PaperStatus, Severity, UnitKind, VoterProblemKind, VoterStanding};

/// A voter as `voters list --json` prints it (`interfaces.md` §1). Every
/// field of the contract is here with its meaning; the three residence
/// fields after `residence` are additions (Mẫu 31/HĐBC columns 7a–7c).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct VoterDto {
    pub stt: CardNumber,
    pub name: String,
    /// YYYY-MM-DD; or YYYY alone for a voter whose list gives only the year
    /// of birth (Mẫu 31/HĐBC column (2) allows it for voters born in 2007
    /// or earlier). The contract's "YYYY-MM-DD" cannot be written for them
    /// without inventing a day and month, which the app never does.
    pub birth_date: String,
    /// "Nam" or "Nữ".
    pub gender: String,
    pub ethnicity: String,
    pub id_number: Option<String>,
    /// The place the voter is listed by, one line: the permanent residence
    /// (thường trú); without one, "Tạm trú: …" or "Nơi ở hiện tại: …".
    pub residence: String,
    /// Nơi thường trú (column 7a), as the list has it.
    pub residence_permanent: String,
    /// Nơi tạm trú (column 7b).
    pub residence_temporary: String,
    /// Nơi ở hiện tại (column 7c).
    pub residence_current: String,
    pub levels: Vec<LevelCode>,
    pub note: String,
    /// Level code → time of the live check-in (RFC 3339, +07:00).
    pub checked_in: BTreeMap<LevelCode, String>,
}

/// A voter with what the screens need beyond the contract shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct VoterRowDto {
    #[serde(flatten)]
    #[ts(flatten)]
    pub voter: VoterDto,
    pub status: VoterStanding,
    /// Vietnamese label of the status.
    pub status_vi: String,
    /// Served by the mobile box (hòm phiếu phụ) for at least one level.
    pub mobile_box: bool,
    /// Certificate number when added on the day with a certificate.
    pub certificate: Option<String>,
}

/// Turnout of one level in `turnout --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LevelTurnoutDto {
    pub voters_listed: u32,
    pub voters_voted: u32,
    /// Percent, 2 decimals, half-up.
    pub percent: f64,
}

/// `turnout --json`: `{"levels": {"QH": {…}, …}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TurnoutDto {
    pub levels: BTreeMap<LevelCode, LevelTurnoutDto>,
}

/// One level's line on the turnout screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LevelTurnoutRow {
    pub code: LevelCode,
    pub name: String,
    pub voters_listed: u32,
    pub voters_voted: u32,
    pub percent: f64,
    /// Vietnamese style, "99,79".
    pub percent_vi: String,
}

/// A named turnout snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SnapshotDto {
    pub name: String,
    pub taken_at: String,
    pub levels: Vec<LevelTurnoutRow>,
}

/// Voters who first received ballots in one hour of the day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HourCount {
    pub hour: u32,
    pub count: u32,
}

/// The turnout dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TurnoutView {
    pub levels: Vec<LevelTurnoutRow>,
    pub hourly: Vec<HourCount>,
    pub snapshots: Vec<SnapshotDto>,
    /// Several desks: voters per desk and each desk's last contact (empty
    /// with one desk).
    pub desks: Vec<desk::DeskTurnoutDto>,
}

/// A level of the election.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LevelDto {
    pub code: LevelCode,
    pub name: String,
}

/// A polling area of the election definition (for the setup screen).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AreaDto {
    pub id: String,
    pub number: u32,
    pub name: String,
    pub commune: String,
    pub commune_name: String,
}

/// What the app is working on: `None` fields before setup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StatusDto {
    pub set_up: bool,
    pub db_path: String,
    pub unit_kind: Option<UnitKind>,
    pub unit_id: Option<String>,
    pub unit_name: Option<String>,
    pub area_number: Option<u32>,
    pub commune_name: Option<String>,
    pub election_name: Option<String>,
    pub election_date: Option<String>,
    pub mode: Option<Mode>,
    pub levels: Vec<LevelDto>,
    /// Levels a holder of a certificate to vote elsewhere receives here.
    pub certificate_levels: Vec<String>,
    pub voters: u32,
    pub checked_in: u32,
    /// What the definition loaded with but deserves a look (fewer
    /// candidates than the minimum: a candidate struck off).
    pub definition_warnings: Vec<String>,
    /// Diễn tập: this database rehearses (every screen shows the banner,
    /// every printed page says so, its bundles are rehearsal bundles).
    pub rehearsal: bool,
    /// When the rehearsal was switched to official, if it was.
    pub official_since: Option<String>,
    /// A backup folder is chosen.
    pub backup_dir_set: bool,
    /// Check-ins are refused until a backup folder is chosen (official
    /// database, election day, no folder).
    pub backup_required: bool,
}

/// An election definition read for setup: its areas to choose from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ElectionPreview {
    pub election_name: String,
    pub election_date: String,
    pub mode: Mode,
    pub levels: Vec<LevelDto>,
    pub areas: Vec<AreaDto>,
}

/// Result of a voter list import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportReport {
    pub file: String,
    pub imported: u32,
    pub converted_cells: u32,
    pub converted_from: Option<String>,
    pub sheet: Option<String>,
    /// What the list has that Mẫu 31/HĐBC asks otherwise (a temporary
    /// resident's address in (7a), no start of temporary residence in
    /// (11), levels against the 12-month rule, notes not printed in
    /// (11)): imported all the same, to correct with `voters edit`.
    pub warnings: Vec<String>,
}

/// Progress of a long import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportProgress {
    pub done: u32,
    pub total: u32,
}

/// Result of a check-in or its undo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CheckinResult {
    pub voter: VoterRowDto,
    /// Levels handed out (or taken back, for an undo).
    pub levels: Vec<LevelCode>,
    pub at: String,
    /// What happened, in Vietnamese, for the big confirmation.
    pub message: String,
}

/// A new voter (added to the list, or a certificate holder on the day).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NewVoterInput {
    pub name: String,
    /// dd/mm/yyyy or yyyy-mm-dd; or yyyy alone for a voter born in 2007 or
    /// earlier (Mẫu 31/HĐBC).
    pub birth_date: String,
    pub gender: String,
    pub ethnicity: String,
    pub id_number: Option<String>,
    /// Nơi thường trú (7a).
    pub residence: String,
    /// Nơi tạm trú (7b).
    #[serde(default)]
    pub residence_temporary: String,
    /// Nơi ở hiện tại (7c).
    #[serde(default)]
    pub residence_current: String,
    /// Empty: every level of the area.
    pub levels: Vec<LevelCode>,
    pub note: String,
    /// Certificate number (giấy chứng nhận) for a holder added on the day.
    pub certificate: Option<String>,
    pub reason: String,
}

/// A correction of one field of a voter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EditVoterInput {
    pub stt: CardNumber,
    /// name | birth_date | gender | ethnicity | id_number | residence |
    /// residence_temporary | residence_current | levels | note | mobile_box
    pub field: String,
    pub value: String,
    pub reason: String,
}

/// A change of a voter's standing: remove, move out, vote elsewhere, restore.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StatusChangeInput {
    pub stt: CardNumber,
    pub status: VoterStanding,
    pub reason: String,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditEntryDto {
    pub at: String,
    pub action: String,
    pub subject: String,
    pub reason: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Sao lưu: the user's settings and the last backup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BackupSettingsDto {
    /// The second place (a USB stick's folder); none = backups off.
    pub dir: Option<String>,
    /// Minutes between automatic backups.
    pub every_minutes: u32,
    /// How many backups to keep in `dir` (older ones are removed).
    pub keep: u32,
    pub last: Option<BackupDto>,
}

/// One backup made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BackupDto {
    pub at: String,
    /// The database copy.
    pub path: String,
    pub size: u64,
    pub sha256: String,
    /// The check-in list PDF printed with it (polling teams).
    pub pdf: Option<String>,
    /// Older backups removed by rotation.
    pub removed: Vec<String>,
}

/// Kiểm tra nhật ký: the audit log's hash chain walked from the start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditVerifyDto {
    /// Every link holds.
    pub ok: bool,
    /// Entries checked.
    pub entries: u64,
    /// Hash of the last entry (what the next bundle carries as its head).
    pub head: String,
    /// The first broken link, when there is one.
    pub broken: Option<AuditBreakDto>,
    /// Copies of the log's head kept outside this file (backups, exported
    /// bundles, the printed minutes): each must still be in the log, or
    /// its tail was cut or rewritten.
    pub anchors: Vec<AuditAnchorDto>,
    /// At a board: what in its data does not match the bundles it imported
    /// and the log of those imports (figures edited, an older bundle made
    /// current again), one sentence each; empty when all matches.
    #[serde(default)]
    pub data_problems: Vec<String>,
    /// A sentence for people.
    pub message: String,
}

/// One anchor of the log checked by `audit verify`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditAnchorDto {
    /// Where it was read: a backup file, a bundle, a typed code.
    pub source: String,
    /// The entry it pins.
    pub id: i64,
    pub hash: String,
    pub ok: bool,
    pub detail: String,
}

/// The first entry whose link does not hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditBreakDto {
    /// Entry number (id) in the log.
    pub id: i64,
    /// Position in the log, from 1.
    pub position: u64,
    pub at: String,
    pub action: String,
    pub subject: String,
    /// Why the link fails.
    pub why: String,
}

/// Giới thiệu: what was installed (issue 17 §4), as the handover sheet
/// prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AboutDto {
    /// The release (`0.1.0`).
    pub version: String,
    /// The source commit it was built from (40 hex digits, or "không rõ").
    pub commit: String,
    /// The day it was built (YYYY-MM-DD; `SOURCE_DATE_EPOCH` for a release).
    pub build_date: String,
    /// The data file open in this window.
    pub db_path: String,
}

/// An error for people: a stable code, a Vietnamese message and, for file
/// imports, every problem found (already described with file, row, column).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    pub problems: Vec<String>,
}

/// The TypeScript declarations of every IPC type, as committed in
/// `ui/src/bindings/ipc.ts`.
pub fn typescript() -> String {
    let cfg = ts_rs::Config::new();
    let decls = [
        VoterDto::decl(&cfg),
        VoterRowDto::decl(&cfg),
        LevelTurnoutDto::decl(&cfg),
        TurnoutDto::decl(&cfg),
        LevelTurnoutRow::decl(&cfg),
        SnapshotDto::decl(&cfg),
        HourCount::decl(&cfg),
        TurnoutView::decl(&cfg),
        LevelDto::decl(&cfg),
        AreaDto::decl(&cfg),
        StatusDto::decl(&cfg),
        ElectionPreview::decl(&cfg),
        ImportReport::decl(&cfg),
        ImportProgress::decl(&cfg),
        CheckinResult::decl(&cfg),
        NewVoterInput::decl(&cfg),
        EditVoterInput::decl(&cfg),
        StatusChangeInput::decl(&cfg),
        AuditEntryDto::decl(&cfg),
        AuditVerifyDto::decl(&cfg),
        BackupSettingsDto::decl(&cfg),
        BackupDto::decl(&cfg),
        AuditBreakDto::decl(&cfg),
        AuditAnchorDto::decl(&cfg),
        AreaId::decl(&cfg),
        LevelCode::decl(&cfg),
        CardNumber::decl(&cfg),
        BatchId::decl(&cfg),
        Mode::decl(&cfg),
        UnitKind::decl(&cfg),
        Severity::decl(&cfg),
        CountMethod::decl(&cfg),
        MinutesStatus::decl(&cfg),
        VoterStanding::decl(&cfg),
        ComplaintStatus::decl(&cfg),
        ArrivalStatus::decl(&cfg),
        PaperStatus::decl(&cfg),
        VoterProblemKind::decl(&cfg),
        ErrorCode::decl(&cfg),
        AboutDto::decl(&cfg),
        IpcError::decl(&cfg),
        PersonDto::decl(&cfg),
        TeamDto::decl(&cfg),
        TeamInput::decl(&cfg),
        OpeningInput::decl(&cfg),
        IncidentInput::decl(&cfg),
        IncidentDto::decl(&cfg),
        RecommendationDto::decl(&cfg),
        DayFactsDto::decl(&cfg),
        InventoryInput::decl(&cfg),
        InventoryDto::decl(&cfg),
        CheckDto::decl(&cfg),
        CandidateResultDto::decl(&cfg),
        RevisionDto::decl(&cfg),
        SummaryDto::decl(&cfg),
        BatchDto::decl(&cfg),
        BallotDto::decl(&cfg),
        LiveCandidateDto::decl(&cfg),
        LiveTallyDto::decl(&cfg),
        BallotEntryResult::decl(&cfg),
        BallotsFileReport::decl(&cfg),
        TallySheetInput::decl(&cfg),
        FieldDiffDto::decl(&cfg),
        TallyStatusDto::decl(&cfg),
        ComplaintDto::decl(&cfg),
        ComplaintInput::decl(&cfg),
        ComplaintResolveInput::decl(&cfg),
        AcceptInput::decl(&cfg),
        FinalizeResult::decl(&cfg),
        LevelCountState::decl(&cfg),
        FormOutput::decl(&cfg),
        FormPreview::decl(&cfg),
        KeyInfoDto::decl(&cfg),
        RegisteredKeyDto::decl(&cfg),
        VerifyCheckDto::decl(&cfg),
        BundleInfoDto::decl(&cfg),
        VerifyReportDto::decl(&cfg),
        ExportResultDto::decl(&cfg),
        ImportResultDto::decl(&cfg),
        DriveDto::decl(&cfg),
        AreaStatusDto::decl(&cfg),
        RefusalDto::decl(&cfg),
        BoardStatusDto::decl(&cfg),
        ResultCheckDto::decl(&cfg),
        CandidateTotalDto::decl(&cfg),
        ConstituencyResultDto::decl(&cfg),
        ResultsDto::decl(&cfg),
        BoardTeamInput::decl(&cfg),
        BoardNoteInput::decl(&cfg),
        TeamComplaintDecision::decl(&cfg),
        TeamComplaintDto::decl(&cfg),
        BoardFactsDto::decl(&cfg),
        RoundResultDto::decl(&cfg),
        RoundDeclaredDto::decl(&cfg),
        RoundOpenedDto::decl(&cfg),
        PaperCheckInput::decl(&cfg),
        PaperCheckDto::decl(&cfg),
        TallyFieldDto::decl(&cfg),
        TallyDecisionInput::decl(&cfg),
        TallyThirdInput::decl(&cfg),
        ReentryFieldDto::decl(&cfg),
        RoomQuery::decl(&cfg),
        RoomLevelDto::decl(&cfg),
        RoomElectedDto::decl(&cfg),
        RoomConstituencyDto::decl(&cfg),
        RoomAreaDto::decl(&cfg),
        RoomDto::decl(&cfg),
        ExportedFileDto::decl(&cfg),
        TableCountDto::decl(&cfg),
        OfficialSwitchDto::decl(&cfg),
        CheckedListDto::decl(&cfg),
        VoterProblemDto::decl(&cfg),
        VoterCheckDto::decl(&cfg),
        BulkCheckinDto::decl(&cfg),
        DrillReportDto::decl(&cfg),
        RestoreDto::decl(&cfg),
        desk::DeskPeerDto::decl(&cfg),
        desk::DeskRefusalDto::decl(&cfg),
        desk::DeskStatusDto::decl(&cfg),
        desk::AnomalyCheckinDto::decl(&cfg),
        desk::AnomalyDto::decl(&cfg),
        desk::DeskJoinResult::decl(&cfg),
        desk::DeskMergeReport::decl(&cfg),
        desk::DeskTurnoutDto::decl(&cfg),
    ];
    let mut out = String::from("// Generated from src-tauri/crates/ipc by `UPDATE_BINDINGS=1 cargo test -p tobaucu-ipc`. Do not edit.\n\n");
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    #[test]
    fn committed_typescript_bindings_are_fresh() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../ui/src/bindings/ipc.ts");
        let want = super::typescript();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            if let Err(e) = std::fs::write(&path, &want) {
                panic!("cannot write {}: {e}", path.display());
            }
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(have == want, "ui/src/bindings/ipc.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p tobaucu-ipc` and commit it");
    }
}
