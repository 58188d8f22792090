// Generated from src-tauri/crates/ipc by `UPDATE_BINDINGS=1 cargo test -p tobaucu-ipc`. Do not edit.

export type VoterDto = { stt: CardNumber, name: string, 
/**
 * YYYY-MM-DD; or YYYY alone for a voter whose list gives only the year
 * of birth (Mẫu 31/HĐBC column (2) allows it for voters born in 2007
 * or earlier). The contract's "YYYY-MM-DD" cannot be written for them
 * without inventing a day and month, which the app never does.
 */
birth_date: string, 
/**
 * "Nam" or "Nữ".
 */
gender: string, ethnicity: string, id_number: string | null, 
/**
 * The place the voter is listed by, one line: the permanent residence
 * (thường trú); without one, "Tạm trú: …" or "Nơi ở hiện tại: …".
 */
residence: string, 
/**
 * Nơi thường trú (column 7a), as the list has it.
 */
residence_permanent: string, 
/**
 * Nơi tạm trú (column 7b).
 */
residence_temporary: string, 
/**
 * Nơi ở hiện tại (column 7c).
 */
residence_current: string, levels: Array<LevelCode>, note: string, 
/**
 * Level code → time of the live check-in (RFC 3339, +07:00).
 */
checked_in: { [key in LevelCode]: string }, };

export type VoterRowDto = { status: VoterStanding, 
/**
 * Vietnamese label of the status.
 */
status_vi: string, 
/**
 * Served by the mobile box (hòm phiếu phụ) for at least one level.
 */
mobile_box: boolean, 
/**
 * Certificate number when added on the day with a certificate.
 */
certificate: string | null, stt: CardNumber, name: string, 
/**
 * YYYY-MM-DD; or YYYY alone for a voter whose list gives only the year
 * of birth (Mẫu 31/HĐBC column (2) allows it for voters born in 2007
 * or earlier). The contract's "YYYY-MM-DD" cannot be written for them
 * without inventing a day and month, which the app never does.
 */
birth_date: string, 
/**
 * "Nam" or "Nữ".
 */
gender: string, ethnicity: string, id_number: string | null, 
/**
 * The place the voter is listed by, one line: the permanent residence
 * (thường trú); without one, "Tạm trú: …" or "Nơi ở hiện tại: …".
 */
residence: string, 
/**
 * Nơi thường trú (column 7a), as the list has it.
 */
residence_permanent: string, 
/**
 * Nơi tạm trú (column 7b).
 */
residence_temporary: string, 
/**
 * Nơi ở hiện tại (column 7c).
 */
residence_current: string, levels: Array<LevelCode>, note: string, 
/**
 * Level code → time of the live check-in (RFC 3339, +07:00).
 */
checked_in: { [key in LevelCode]: string }, };

export type LevelTurnoutDto = { voters_listed: number, voters_voted: number, 
/**
 * Percent, 2 decimals, half-up.
 */
percent: number, };

export type TurnoutDto = { levels: { [key in LevelCode]: LevelTurnoutDto }, };

export type LevelTurnoutRow = { code: LevelCode, name: string, voters_listed: number, voters_voted: number, percent: number, 
/**
 * Vietnamese style, "99,79".
 */
percent_vi: string, };

export type SnapshotDto = { name: string, taken_at: string, levels: Array<LevelTurnoutRow>, };

export type HourCount = { hour: number, count: number, };

export type TurnoutView = { levels: Array<LevelTurnoutRow>, hourly: Array<HourCount>, snapshots: Array<SnapshotDto>, 
/**
 * Several desks: voters per desk and each desk's last contact (empty
 * with one desk).
 */
desks: Array<DeskTurnoutDto>, };

export type LevelDto = { code: LevelCode, name: string, };

export type AreaDto = { id: string, number: number, name: string, commune: string, commune_name: string, };

export type StatusDto = { set_up: boolean, db_path: string, unit_kind: UnitKind | null, unit_id: string | null, unit_name: string | null, area_number: number | null, commune_name: string | null, election_name: string | null, election_date: string | null, mode: Mode | null, levels: Array<LevelDto>, 
/**
 * Levels a holder of a certificate to vote elsewhere receives here.
 */
certificate_levels: Array<string>, voters: number, checked_in: number, 
/**
 * What the definition loaded with but deserves a look (fewer
 * candidates than the minimum: a candidate struck off).
 */
definition_warnings: Array<string>, 
/**
 * Diễn tập: this database rehearses (every screen shows the banner,
 * every printed page says so, its bundles are rehearsal bundles).
 */
rehearsal: boolean, 
/**
 * When the rehearsal was switched to official, if it was.
 */
official_since: string | null, 
/**
 * A backup folder is chosen.
 */
backup_dir_set: boolean, 
/**
 * Check-ins are refused until a backup folder is chosen (official
 * database, election day, no folder).
 */
backup_required: boolean, };

export type ElectionPreview = { election_name: string, election_date: string, mode: Mode, levels: Array<LevelDto>, areas: Array<AreaDto>, };

export type ImportReport = { file: string, imported: number, converted_cells: number, converted_from: string | null, sheet: string | null, 
/**
 * What the list has that Mẫu 31/HĐBC asks otherwise (a temporary
 * resident's address in (7a), no start of temporary residence in
 * (11), levels against the 12-month rule, notes not printed in
 * (11)): imported all the same, to correct with `voters edit`.
 */
warnings: Array<string>, };

export type ImportProgress = { done: number, total: number, };

export type CheckinResult = { voter: VoterRowDto, 
/**
 * Levels handed out (or taken back, for an undo).
 */
levels: Array<LevelCode>, at: string, 
/**
 * What happened, in Vietnamese, for the big confirmation.
 */
message: string, };

export type NewVoterInput = { name: string, 
/**
 * dd/mm/yyyy or yyyy-mm-dd; or yyyy alone for a voter born in 2007 or
 * earlier (Mẫu 31/HĐBC).
 */
birth_date: string, gender: string, ethnicity: string, id_number: string | null, 
/**
 * Nơi thường trú (7a).
 */
residence: string, 
/**
 * Nơi tạm trú (7b).
 */
residence_temporary: string, 
/**
 * Nơi ở hiện tại (7c).
 */
residence_current: string, 
/**
 * Empty: every level of the area.
 */
levels: Array<LevelCode>, note: string, 
/**
 * Certificate number (giấy chứng nhận) for a holder added on the day.
 */
certificate: string | null, reason: string, };

export type EditVoterInput = { stt: CardNumber, 
/**
 * name | birth_date | gender | ethnicity | id_number | residence |
 * residence_temporary | residence_current | levels | note | mobile_box
 */
field: string, value: string, reason: string, };

export type StatusChangeInput = { stt: CardNumber, status: VoterStanding, reason: string, };

export type AuditEntryDto = { at: string, action: string, subject: string, reason: string, before: string | null, after: string | null, };

export type AuditVerifyDto = { 
/**
 * Every link holds.
 */
ok: boolean, 
/**
 * Entries checked.
 */
entries: bigint, 
/**
 * Hash of the last entry (what the next bundle carries as its head).
 */
head: string, 
/**
 * The first broken link, when there is one.
 */
broken: AuditBreakDto | null, 
/**
 * Copies of the log's head kept outside this file (backups, exported
 * bundles, the printed minutes): each must still be in the log, or
 * its tail was cut or rewritten.
 */
anchors: Array<AuditAnchorDto>, 
/**
 * At a board: what in its data does not match the bundles it imported
 * and the log of those imports (figures edited, an older bundle made
 * current again), one sentence each; empty when all matches.
 */
data_problems: Array<string>, 
/**
 * A sentence for people.
 */
message: string, };

export type BackupSettingsDto = { 
/**
 * The second place (a USB stick's folder); none = backups off.
 */
dir: string | null, 
/**
 * Minutes between automatic backups.
 */
every_minutes: number, 
/**
 * How many backups to keep in `dir` (older ones are removed).
 */
keep: number, last: BackupDto | null, };

export type BackupDto = { at: string, 
/**
 * The database copy.
 */
path: string, size: bigint, sha256: string, 
/**
 * The check-in list PDF printed with it (polling teams).
 */
pdf: string | null, 
/**
 * Older backups removed by rotation.
 */
removed: Array<string>, };

export type AuditBreakDto = { 
/**
 * Entry number (id) in the log.
 */
id: bigint, 
/**
 * Position in the log, from 1.
 */
position: bigint, at: string, action: string, subject: string, 
/**
 * Why the link fails.
 */
why: string, };

export type AuditAnchorDto = { 
/**
 * Where it was read: a backup file, a bundle, a typed code.
 */
source: string, 
/**
 * The entry it pins.
 */
id: bigint, hash: string, ok: boolean, detail: string, };

export type AreaId = string;

export type LevelCode = string;

export type CardNumber = number;

export type BatchId = number;

export type Mode = "official" | "test";

export type UnitKind = "area" | "commune" | "district" | "province" | "nation";

export type Severity = "error" | "warning";

export type CountMethod = "none" | "ballots" | "tally";

export type MinutesStatus = "draft" | "final";

export type VoterStanding = "active" | "removed" | "moved_out" | "elsewhere";

export type ComplaintStatus = "received" | "settled" | "forwarded";

export type ArrivalStatus = "waiting" | "imported" | "refused";

export type PaperStatus = "file_only" | "agree" | "differ";

export type VoterProblemKind = "duplicate_id" | "under_age" | "missing_id" | "legacy_text" | "two_areas" | "unreadable";

export type ErrorCode = "BAN_REVIEW_REQUIRED" | "DB_UPGRADE_COPY" | "AUDIT_BROKEN" | "VERIFY_FAILED" | "BUNDLE_REFUSED" | "ALREADY_CHECKED_IN" | "ALREADY_OFFICIAL" | "ALREADY_RESOLVED" | "ALREADY_SET_UP" | "BACKUP_EXISTS" | "BACKUP_REQUIRED" | "BALLOTS_INVALID" | "BALLOT_EMPTY" | "BALLOT_INVALID_INPUT" | "BATCH_UNKNOWN" | "BOARD_DATA_TAMPERED" | "BULK_EMPTY" | "BULK_INVALID" | "BULK_REFUSED" | "CHECKED_IN" | "CHECKINS_EXIST" | "CHECKS_FAILED" | "CHECK_IS_ERROR" | "CHECK_NOT_FAILED" | "COMPLAINT" | "DAMAGED" | "DB" | "DB_BUSY" | "DB_CANNOT_OPEN" | "DB_CORRUPT" | "DB_MIGRATION_EDITED" | "DB_NEWER" | "DB_NOT_OURS" | "DISK_FULL" | "DISK_IO" | "DUPLICATE_ID" | "ELECTION_INVALID" | "FIELD_INVALID" | "FILE_TOO_LARGE" | "FINGERPRINT" | "IMPORT_INVALID" | "INCIDENT" | "INCOMPLETE" | "INTERNAL" | "IN_USE" | "IO" | "KEY" | "KEY_ARG" | "KEY_EXISTS" | "KEY_FILE" | "KEY_IN_USE" | "LEVEL_FINALIZED" | "LEVEL_NOT_ENTITLED" | "LIST_NOT_EMPTY" | "METHOD_MIXED" | "MINUTES_TAMPERED" | "NOTHING_TO_EXPORT" | "NOTHING_TO_RESOLVE" | "NOTHING_TO_UNDO" | "NOT_A_BACKUP" | "NOT_A_BOARD" | "NOT_A_FILE" | "NOT_A_TEAM" | "NOT_A_WARNING" | "NOT_CHECKED_IN" | "NOT_COMPLETE" | "NOT_DECIDED_HERE" | "NOT_EMPTY" | "NOT_FINAL" | "NOT_FINALIZED" | "NOT_HERE" | "NOT_REHEARSAL" | "NOT_SET_UP" | "NOT_SWITCHED" | "NOT_VOTING_HERE" | "NO_BACKUP" | "NO_BUNDLE" | "NO_CHANGE" | "NO_CONSTITUENCY" | "NO_KEY" | "NO_LEVEL" | "NO_PAPER_CHECK" | "NO_REVISION" | "NO_ROUND" | "NO_SUCH_VOTER" | "NO_SUCH_WARNING" | "NO_TARGET" | "NO_VOTERS" | "PAPER_CODE" | "PAPER_VOTES" | "PASSPHRASE_MISMATCH" | "PASSPHRASE_REQUIRED" | "READ_ONLY" | "REASON_REQUIRED" | "RECOMMENDATION" | "RECOUNT_REQUIRED" | "REPORTED" | "ROUND_DECLARED_HERE" | "ROUND_EXISTS" | "ROUND_FILE" | "ROUND_NOT_DUE" | "ROUND_OPEN" | "SAME_PLACE" | "TALLY_CHOICE" | "TALLY_ENTRY" | "TALLY_FIELD" | "TALLY_INVALID" | "TALLY_NOTHING" | "TALLY_NOT_TWICE" | "TALLY_NO_REENTRY" | "TALLY_REENTRY" | "TALLY_SAME_PERSON" | "TALLY_WHO" | "TEAM" | "TIME" | "UNDER_AGE" | "UNIT_KIND" | "UNKNOWN_AREA" | "UNKNOWN_COMPLAINT" | "UNKNOWN_CONSTITUENCY" | "UNKNOWN_FIELD" | "UNKNOWN_FORM" | "UNKNOWN_LEVEL" | "UNKNOWN_ROUND" | "UNKNOWN_UNIT" | "BAD_CREDENTIAL" | "BAD_EVENT" | "DESK_BAD_RECORD" | "DESK_FILE_INVALID" | "DESK_FORGED" | "DESK_FULL" | "DESK_LIST_LOCKED" | "DESK_LISTEN" | "DESK_MERGE" | "DESK_NO_NETWORK" | "DESK_NONE" | "DESK_NOT_MAIN" | "DESK_HELD" | "DESK_REFUSED" | "DESK_SERVICE_RUNNING" | "DESK_UNKNOWN" | "DESK_UNREACHABLE" | "DUPLICATE_DESK" | "HANDSHAKE" | "NO_SUCH_ANOMALY" | "PAIR_REFUSED" | "PAIRING_FAILED" | "WRONG_ELECTION" | "WRONG_TEAM" | "WRONG_GROUP" | "USAGE" | "WITNESSES" | "WITNESS_IS_CANDIDATE" | "WRONG_PASSPHRASE";

export type AboutDto = { 
/**
 * The release (`0.1.0`).
 */
version: string, 
/**
 * The source commit it was built from (40 hex digits, or "không rõ").
 */
commit: string, 
/**
 * The day it was built (YYYY-MM-DD; `SOURCE_DATE_EPOCH` for a release).
 */
build_date: string, 
/**
 * The data file open in this window.
 */
db_path: string, };

export type IpcError = { code: ErrorCode, message: string, problems: Array<string>, };

export type PersonDto = { name: string, address: string | null, };

export type TeamDto = { leader: string | null, secretary: string | null, members: Array<string>, 
/**
 * The two voters who witness the counting.
 */
witnesses: Array<PersonDto>, };

export type TeamInput = { leader: string | null, secretary: string | null, members: Array<string> | null, witnesses: Array<PersonDto> | null, };

export type OpeningInput = { 
/**
 * "HH:MM" voting started.
 */
time: string, witnesses: Array<PersonDto>, };

export type IncidentInput = { what: string, 
/**
 * "HH:MM", when known.
 */
time: string | null, 
/**
 * How the Tổ handled it.
 */
handled: string | null, };

export type IncidentDto = { id: number, time: string | null, what: string, handled: string, recorded_at: string, };

export type RecommendationDto = { id: number, text: string, recorded_at: string, };

export type DayFactsDto = { opening_time: string | null, opening_witnesses: Array<PersonDto>, closing_time: string | null, incidents: Array<IncidentDto>, recommendations: Array<RecommendationDto>, };

export type InventoryInput = { level: LevelCode, received: number, unused: number, spoiled: number, 
/**
 * Counted separately at the desk; otherwise received − unused − spoiled.
 */
issued: number | null, };

export type InventoryDto = { level: LevelCode, received: number, unused: number, spoiled: number, issued: number, issued_entered: boolean, recorded_at: string, };

export type CheckDto = { code: string, severity: Severity, message: string, next_step: string, 
/**
 * The field the check is about (the UI jumps there).
 */
field: string, 
/**
 * A warning the Tổ trưởng accepted, with the reason.
 */
accepted: boolean, accepted_reason: string | null, };

export type CandidateResultDto = { id: string, 
/**
 * Position on the ballot (1-based).
 */
position: number, name: string, votes: number, percent: number, 
/**
 * "55,12"
 */
percent_vi: string, };

export type RevisionDto = { revision: number, finalized_at: string, 
/**
 * Why the previous revision was corrected (empty for the first).
 */
reason: string, sha256: string, reopened_at: string | null, reopen_reason: string | null, };

export type SummaryDto = { level: LevelCode, level_name: string, area: AreaId, constituency: string, constituency_name: string, seats: number, voters_listed: number, voters_voted: number, ballots_issued: number, ballots_received: number, ballots_valid: number, ballots_invalid: number, 
/**
 * khong_theo_mau, khong_co_dau, qua_so_luong, gach_het, ghi_them → count.
 */
invalid_by_reason: { [key in string]: number }, 
/**
 * Candidate id → votes.
 */
votes: { [key in string]: number }, 
/**
 * Candidate id → percent of valid ballots (2 decimals, half-up).
 */
percent: { [key in string]: number }, 
/**
 * k → valid ballots keeping exactly k names ("phiếu bầu k đại biểu").
 */
ballots_by_kept: { [key in string]: number }, candidates: Array<CandidateResultDto>, checks: Array<CheckDto>, method: CountMethod, status: MinutesStatus, may_finalize: boolean, inventory: InventoryDto | null, 
/**
 * SHA-256 of the minutes' canonical data (of the locked revision when final).
 */
minutes_sha256: string, revisions: Array<RevisionDto>, };

export type BatchDto = { id: number, recorder: string, source: string, created_at: string, ballots: number, valid: number, invalid: number, };

export type BallotDto = { seq: number, batch_id: BatchId, valid: boolean, 
/**
 * Positions kept (ascending).
 */
kept: Array<number>, 
/**
 * Invalid ground code, if invalid.
 */
reason: string | null, 
/**
 * "Hợp lệ — giữ 1, 3, 5" / "Không hợp lệ — gạch hết tên".
 */
text_vi: string, };

export type LiveCandidateDto = { position: number, id: string, name: string, votes: number, };

export type LiveTallyDto = { level: LevelCode, seats: number, received: number, valid: number, invalid: number, invalid_by_reason: { [key in string]: number }, 
/**
 * groups[k-1] = ballots keeping k names.
 */
groups: Array<number>, candidates: Array<LiveCandidateDto>, batches: Array<BatchDto>, last: BallotDto | null, locked: boolean, };

export type BallotEntryResult = { ballot: BallotDto, live: LiveTallyDto, message: string, };

export type BallotsFileReport = { level: LevelCode, file: string, batch_id: BatchId, ballots: number, valid: number, invalid: number, total_received: number, };

export type TallySheetInput = { level: LevelCode, 
/**
 * 1 or 2 (double entry by two people).
 */
entry: number, entered_by: string, received: number, valid: number, invalid: number, 
/**
 * Optional breakdown by ground code.
 */
invalid_by_reason: { [key in string]: number }, 
/**
 * groups[k-1] = valid ballots keeping k names.
 */
groups: Array<number>, 
/**
 * votes[p-1] = votes of the candidate at position p.
 */
votes: Array<number>, };

export type FieldDiffDto = { field: string, label: string, first: number, second: number, };

export type TallyStatusDto = { level: LevelCode, 
/**
 * Entries present (1, 2).
 */
entries: Array<number>, agreed: boolean, differences: Array<FieldDiffDto>, message: string, 
/**
 * The entries as typed, for re-editing.
 */
sheets: Array<TallySheetInput>, 
/**
 * Each differing field and where it stands (picked, sent to a third
 * entry, settled): only these are ever typed again (issue 15 item 4).
 */
fields: Array<TallyFieldDto>, 
/**
 * The fields a third person must type, without either earlier value.
 */
reentry: Array<ReentryFieldDto>, };

export type ComplaintDto = { id: number, level: LevelCode | null, received_at: string, complainant: string, content: string, status: ComplaintStatus, status_vi: string, outcome: string, resolved_at: string | null, };

export type ComplaintInput = { level: LevelCode | null, complainant: string, content: string, };

export type ComplaintResolveInput = { id: number, 
/**
 * Settled or forwarded (received is where every complaint starts).
 */
status: ComplaintStatus, outcome: string, };

export type AcceptInput = { level: LevelCode, code: string, reason: string, };

export type FinalizeResult = { level: LevelCode, revision: number, sha256: string, short_hash: string, message: string, 
/**
 * Several desks: desks known (or feared) to hold check-ins not merged
 * into this laptop when the minutes were locked.
 */
desk_warning: string | null, };

export type LevelCountState = { code: LevelCode, name: string, method: CountMethod, status: MinutesStatus, inventory: boolean, received: number, errors: number, warnings: number, };

export type FormOutput = { form: string, level: LevelCode | null, path: string, title: string, version: string, pages: number, bytes: number, 
/**
 * What the printed data has that the form asks otherwise (the voter
 * list: see `ImportReport::warnings`); printed all the same.
 */
warnings: Array<string>, };

export type FormPreview = { form: string, title: string, total_pages: number, 
/**
 * The first pages, each one SVG document.
 */
pages: Array<string>, };

export type KeyInfoDto = { public_key: string, fingerprint: string, unit_id: string, created_at: string, 
/**
 * Where the registration file was written (keys init), if any.
 */
registration_file: string | null, };

export type RegisteredKeyDto = { unit_id: string, fingerprint: string, 
/**
 * "file" | "fingerprint" | "accepted"
 */
how: string, registered_at: string, };

export type VerifyCheckDto = { name: string, ok: boolean, detail: string, };

export type BundleInfoDto = { sha256: string, 
/**
 * The short code printed on the minutes (16 hex digits in 4 groups).
 */
short_code: string, unit_id: string, unit_kind: UnitKind, sequence: number, created_at: string, mode: Mode, fingerprint: string, levels: Array<LevelCode>, all_final: boolean, carried: number, };

export type VerifyReportDto = { ok: boolean, checks: Array<VerifyCheckDto>, bundle: BundleInfoDto | null, file: string, };

export type ExportResultDto = { path: string, sha256: string, short_code: string, sequence: number, size: bigint, 
/**
 * Every level final (an official bundle).
 */
all_final: boolean, test_mode: boolean, 
/**
 * The written file was read back and passed verification.
 */
verified: boolean, checks: Array<VerifyCheckDto>, };

export type ImportResultDto = { file: string, 
/**
 * "imported" | "replaced" | "unchanged" | "refused"
 */
outcome: string, message: string, report: VerifyReportDto, 
/**
 * Areas whose results this bundle brought.
 */
areas: Array<AreaId>, };

export type DriveDto = { path: string, label: string, free_bytes: bigint | null, };

export type AreaStatusDto = { area_id: AreaId, number: number, name: string, commune: string, status: ArrivalStatus, 
/**
 * The unit whose bundle reports it (the area itself, or a board).
 */
via: string | null, sequence: number | null, imported_at: string | null, short_code: string | null, reason: string | null, 
/**
 * Bundle history of this unit (older sequences), newest first.
 */
history: Array<string>, 
/**
 * The paper minutes against the file (issue 15 item 3); `null` while
 * no bundle reports the area.
 */
paper: PaperStatus | null, paper_note: string, 
/**
 * Warnings the Tổ trưởng accepted, with the signed reasons
 * ("QH · W01: …"; issue 15 item 5).
 */
accepted: Array<string>, };

export type RefusalDto = { at: string, file_name: string, unit_id: string | null, reason: string, };

export type BoardStatusDto = { unit_id: string, unit_kind: UnitKind, unit_name: string, areas: Array<AreaStatusDto>, areas_expected: number, areas_reported: number, refusals: Array<RefusalDto>, registered: Array<RegisteredKeyDto>, };

export type ResultCheckDto = { code: string, severity: Severity, message: string, 
/**
 * The board accepted this warning with a written reason (issue 15
 * item 5; `tobaucu results accept`): printed in the board minutes.
 */
accepted_reason?: string | null, };

export type CandidateTotalDto = { id: string, name: string, votes: bigint, percent: number, percent_vi: string, elected: boolean, };

export type ConstituencyResultDto = { voters_listed: bigint, voters_voted: bigint, ballots_issued: bigint, ballots_received: bigint, ballots_valid: bigint, ballots_invalid: bigint, invalid_by_reason: { [key in string]: bigint }, votes: { [key in string]: bigint }, percent: { [key in string]: number }, checks: Array<ResultCheckDto>, areas_expected: number, areas_reported: number, complete: boolean, turnout_ok: boolean, elected: Array<string>, additional_vote_due: boolean, revote_due: boolean, name: string, level: LevelCode, level_name: string, seats: number, turnout_percent: number, 
/**
 * Every area of the constituency lies under this board (it can be
 * complete here); otherwise a higher level decides.
 */
decided_here: boolean, tie_unresolved: Array<string>, candidates: Array<CandidateTotalDto>, 
/**
 * Rounds declared after the first (bầu cử lại, bầu cử thêm), each
 * with its own figures; the fields above are the first round's.
 */
rounds: Array<RoundResultDto>, };

export type ResultsDto = { constituencies: { [key in string]: ConstituencyResultDto }, };

export type BoardTeamInput = { constituency: string, 
/**
 * The round whose meeting `place`/`time` describe (default 1).
 */
round: number | null, 
/**
 * Trưởng ban.
 */
leader: string | null, 
/**
 * Phó Trưởng ban, in order.
 */
deputies: Array<string> | null, 
/**
 * Ủy viên, in order.
 */
members: Array<string> | null, 
/**
 * "Đã họp tại …".
 */
place: string | null, 
/**
 * "Vào hồi … giờ … phút": `HH:MM`.
 */
time: string | null, 
/**
 * The day of the meeting (`YYYY-MM-DD` or `dd/mm/yyyy`); default: today.
 */
date: string | null, };

export type BoardNoteInput = { constituency: string, round: number | null, 
/**
 * d) Tóm tắt những việc xảy ra.
 */
events: string | null, 
/**
 * e) Complaints the Ban settled, and how.
 */
settled: Array<string> | null, 
/**
 * g) Complaints forwarded to the election committee above.
 */
forwarded: Array<string> | null, 
/**
 * Các tài liệu kèm theo.
 */
attached: Array<string> | null, 
/**
 * The Ban's decisions on complaints its teams forwarded, each
 * replacing the decision recorded for that complaint.
 */
decisions: Array<TeamComplaintDecision>, };

export type TeamComplaintDecision = { 
/**
 * "X0412-KV04#1": the area and the complaint's number in its minutes
 * (`TeamComplaintDto::reference`).
 */
reference: string, 
/**
 * "settled" (the Ban settled it: item e) or "forwarded" (the Ban sent
 * it on to the Ủy ban bầu cử: item g).
 */
decision: string, 
/**
 * How the Ban settled it, or to whom and when it forwarded it; empty
 * takes the decision back.
 */
text: string, };

export type TeamComplaintDto = { 
/**
 * "X0412-KV04#1": what `board-note --ban-settled`/`--ban-forwarded` name.
 */
reference: string, 
/**
 * The Tổ, the content, the complainant and the Tổ's opinion.
 */
text: string, 
/**
 * "settled" (item e), "forwarded" (item g), or none yet (printed in
 * item e with the way of settling it left dotted).
 */
decision: string | null, 
/**
 * How the Ban settled it, or to whom it forwarded it.
 */
how: string | null, };

export type BoardFactsDto = { constituency: string, name: string, round: number, leader: string | null, deputies: Array<string>, members: Array<string>, 
/**
 * `YYYY-MM-DD`.
 */
meeting_date: string | null, 
/**
 * `HH:MM`.
 */
meeting_time: string | null, place: string | null, events: string | null, settled: Array<string>, forwarded: Array<string>, attached: Array<string>, 
/**
 * d) What the teams' minutes recorded: incidents and how they were
 * handled, figures carried after a recount, unresolved matters and
 * recommendations, each named by its Tổ.
 */
team_events: Array<string>, 
/**
 * đ) Complaints the teams settled, from the areas' minutes.
 */
team_settled: Array<string>, 
/**
 * Complaints the teams forwarded to the Ban (settled by it, item e, or
 * forwarded on, item g), with the Ban's decision.
 */
team_forwarded: Array<TeamComplaintDto>, };

export type RoundResultDto = { number: number, 
/**
 * "revote" | "additional"
 */
kind: string, declared_at: string, 
/**
 * Seats this round fills.
 */
seats: number, areas_expected: number, areas_reported: number, complete: boolean, voters_listed: bigint, voters_voted: bigint, ballots_issued: bigint, ballots_received: bigint, ballots_valid: bigint, ballots_invalid: bigint, invalid_by_reason: { [key in string]: bigint }, votes: { [key in string]: bigint }, percent: { [key in string]: number }, turnout_ok: boolean, turnout_percent: number, elected: Array<string>, revote_due: boolean, additional_vote_due: boolean, tie_unresolved: Array<string>, 
/**
 * The round's candidates, in ballot order.
 */
candidates: Array<CandidateTotalDto>, checks: Array<ResultCheckDto>, };

export type RoundDeclaredDto = { constituency: string, number: number, kind: string, seats: number, 
/**
 * Candidate ids, in ballot order.
 */
candidates: Array<string>, declared_at: string, message: string, };

export type RoundOpenedDto = { 
/**
 * The code the round is counted under ("XA.v2").
 */
level: LevelCode, constituency: string, number: number, 
/**
 * "revote" | "additional"
 */
kind: string, seats: number, candidates: Array<string>, 
/**
 * The round file written (at a board).
 */
file: string | null, message: string, };

export type PaperCheckInput = { area: AreaId, level: LevelCode, 
/**
 * The minutes' short code as typed from the paper (32 hex digits).
 */
code: string, entered_by: string, voters_listed: number, voters_voted: number, ballots_issued: number, ballots_received: number, ballots_valid: number, ballots_invalid: number, 
/**
 * Votes per candidate in ballot order.
 */
votes: Array<number>, };

export type PaperCheckDto = { area: AreaId, level: LevelCode, status: PaperStatus, 
/**
 * The short code of the file's minutes (what the paper must carry).
 */
minutes_code: string, 
/**
 * File (first) against paper (second), field by field.
 */
differences: Array<FieldDiffDto>, 
/**
 * The board's reason when the differences were settled.
 */
resolution: string | null, checked_at: string | null, message: string, };

export type TallyFieldDto = { field: string, label: string, first: number, second: number, 
/**
 * "open" | "awaiting_third" | "third_disagrees" | "settled"
 */
state: string, 
/**
 * The third entry's value, once typed.
 */
third: number | null, 
/**
 * The value that holds once settled, and whose entry it is (1, 2, 3).
 */
value: number | null, settled_by: number | null, };

export type TallyDecisionInput = { level: LevelCode, picks: { [key in string]: number }, reenter: Array<string>, reenter_all: boolean, 
/**
 * The Tổ trưởng's name (recorded and logged).
 */
decided_by: string, };

export type TallyThirdInput = { level: LevelCode, entered_by: string, values: { [key in string]: number }, };

export type ReentryFieldDto = { field: string, label: string, };

export type RoomQuery = { constituency_page: number, constituencies_per_page: number, area_page: number, areas_per_page: number, 
/**
 * Only the areas not imported yet (a wall of 10,000 tiles says less
 * than the few still awaited).
 */
waiting_only: boolean, };

export type RoomLevelDto = { code: LevelCode, name: string, voters_listed: bigint, voters_voted: bigint, percent_vi: string, };

export type RoomElectedDto = { name: string, votes: bigint, percent_vi: string, };

export type RoomConstituencyDto = { id: string, name: string, level_name: string, seats: number, areas_reported: number, areas_expected: number, complete: boolean, turnout_vi: string, 
/**
 * One sentence: progress, or the outcome once complete.
 */
verdict: string, elected: Array<RoomElectedDto>, };

export type RoomAreaDto = { id: string, label: string, status: ArrivalStatus, };

export type RoomDto = { unit_name: string, test_mode: boolean, areas_expected: number, areas_imported: number, areas_refused: number, areas_waiting: number, levels: Array<RoomLevelDto>, constituencies_total: number, constituencies_complete: number, constituency_page: number, constituency_pages: number, constituencies: Array<RoomConstituencyDto>, area_page: number, area_pages: number, 
/**
 * The page's areas (only those not imported with `waiting_only`).
 */
areas: Array<RoomAreaDto>, };

export type ExportedFileDto = { 
/**
 * "xlsx" | "csv" | "nist"
 */
format: string, path: string, bytes: bigint, };

export type TableCountDto = { table: string, 
/**
 * "lượt nhận phiếu", "phiếu đã kiểm", …
 */
label: string, rows: bigint, };

export type OfficialSwitchDto = { switched_at: string, 
/**
 * What the rehearsal made and the switch removed, per table (tables
 * with no rows left out).
 */
removed: Array<TableCountDto>, 
/**
 * What stays: the definition, the voter list, the team, the key, the
 * audit log.
 */
kept: Array<TableCountDto>, 
/**
 * The printed record of the switch (`ban-in/`).
 */
record: FormOutput | null, message: string, };

export type CheckedListDto = { 
/**
 * This database's list, or a file.
 */
source: string, 
/**
 * The polling area the list is of, when known.
 */
area: AreaId | null, voters: number, };

export type VoterProblemDto = { kind: VoterProblemKind, 
/**
 * The list it was found in (see [`CheckedListDto::source`]).
 */
list: string, stt: CardNumber | null, name: string, 
/**
 * The field concerned (`id_number`, `birth_date`, `name`, …).
 */
field: string, 
/**
 * What is wrong and where, in Vietnamese.
 */
message: string, };

export type VoterCheckDto = { 
/**
 * No problem found.
 */
ok: boolean, checked_at: string, lists: Array<CheckedListDto>, problems: Array<VoterProblemDto>, 
/**
 * Problems per kind.
 */
counts: { [key in string]: number }, message: string, };

export type BulkCheckinDto = { outage_id: number, date: string, from: string, to: string, 
/**
 * Voters entered.
 */
voters: number, 
/**
 * Check-ins written (one per voter and level).
 */
checkins: number, 
/**
 * Turnout recomputed after the entry.
 */
turnout: TurnoutDto, message: string, };

export type DrillReportDto = { voters: number, checkins: number, undos: number, 
/**
 * Check-ins the desk refused (a second check-in, a voter not on the
 * list), as it must.
 */
refusals: number, seconds: number, turnout: TurnoutDto, message: string, };

export type RestoreDto = { restored_from: string, db_path: string, 
/**
 * The data file that was there before, kept under a new name.
 */
previous_kept_as: string | null, 
/**
 * The last check-in the backup holds ("cử tri số 215 lúc 10:02:37").
 */
last_checkin: string | null, message: string, };

export type DeskPeerDto = { desk: number, name: string, 
/**
 * This laptop.
 */
this: boolean, 
/**
 * "self", "connected", "lost" (since `since`) or "never".
 */
status: string, since: string | null, last_seen: string | null, 
/**
 * Where it listens, as last heard.
 */
addr: string, 
/**
 * Its events held here.
 */
events: number, 
/**
 * Its events some desk said it holds that are not here yet.
 */
unmerged: number, 
/**
 * Voters whose standing check-in is this desk's.
 */
voters: number, 
/**
 * Check-ins it made (undone ones included).
 */
checkins: number, last_event_at: string | null, };

export type DeskRefusalDto = { at: string, addr: string, code: string, detail: string, };

export type DeskStatusDto = { 
/**
 * Multi-desk on (the listener runs while the app is open).
 */
enabled: boolean, 
/**
 * "main" or "desk"; "" when this laptop is not in a group.
 */
role: string, desk: number, name: string, group: string, listen: string, peers_config: string, 
/**
 * Main laptop: the pairing code to type on a new desk, while valid.
 */
pairing_code: string | null, pairing_expires: string | null, desks: Array<DeskPeerDto>, refusals: Array<DeskRefusalDto>, anomalies_open: number, 
/**
 * Check-ins merged from other desks that the list here would not
 * have allowed (counted, since the ballot was handed out; the reasons
 * are in the audit log, `checkin.desk.flagged`).
 */
flagged: number, 
/**
 * Main laptop: desks that may hold check-ins not merged here.
 */
unmerged_warning: string | null, 
/**
 * Put back from a backup and not yet caught up with its own events:
 * why no check-in is made here for now (migration 0020).
 */
held: string | null, message: string, };

export type AnomalyCheckinDto = { 
/**
 * "desk:seq", what `desk anomalies --resolve … --keep` takes.
 */
id: string, desk: number, desk_name: string, at: string, mobile_box: boolean, };

export type AnomalyDto = { stt: number, name: string, level: string, checkins: Array<AnomalyCheckinDto>, resolved: boolean, keep: string | null, reason: string | null, resolved_at: string | null, };

export type DeskJoinResult = { desk: number, name: string, 
/**
 * The package written (desk package).
 */
path: string | null, message: string, };

export type DeskMergeReport = { files: Array<string>, added: number, known: number, anomalies: number, message: string, };

export type DeskTurnoutDto = { desk: number, name: string, this: boolean, voters: number, 
/**
 * "self", "connected", "lost", "never".
 */
status: string, last_seen: string | null, };

