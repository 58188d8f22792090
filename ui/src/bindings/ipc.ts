// Generated from src-tauri/crates/ipc by `UPDATE_BINDINGS=1 cargo test -p tobaucu-ipc`. Do not edit.

export type VoterDto = { stt: number, name: string, 
/**
 * YYYY-MM-DD.
 */
birth_date: string, 
/**
 * "Nam" or "Nữ".
 */
gender: string, ethnicity: string, id_number: string | null, residence: string, levels: Array<string>, note: string, 
/**
 * Level code → time of the live check-in (RFC 3339, +07:00).
 */
checked_in: { [key in string]: string }, };

export type VoterRowDto = { 
/**
 * active | removed | moved_out | elsewhere
 */
status: string, 
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
certificate: string | null, stt: number, name: string, 
/**
 * YYYY-MM-DD.
 */
birth_date: string, 
/**
 * "Nam" or "Nữ".
 */
gender: string, ethnicity: string, id_number: string | null, residence: string, levels: Array<string>, note: string, 
/**
 * Level code → time of the live check-in (RFC 3339, +07:00).
 */
checked_in: { [key in string]: string }, };

export type LevelTurnoutDto = { voters_listed: number, voters_voted: number, 
/**
 * Percent, 2 decimals, half-up.
 */
percent: number, };

export type TurnoutDto = { levels: { [key in string]: LevelTurnoutDto }, };

export type LevelTurnoutRow = { code: string, name: string, voters_listed: number, voters_voted: number, percent: number, 
/**
 * Vietnamese style, "99,79".
 */
percent_vi: string, };

export type SnapshotDto = { name: string, taken_at: string, levels: Array<LevelTurnoutRow>, };

export type HourCount = { hour: number, count: number, };

export type TurnoutView = { levels: Array<LevelTurnoutRow>, hourly: Array<HourCount>, snapshots: Array<SnapshotDto>, };

export type LevelDto = { code: string, name: string, };

export type AreaDto = { id: string, number: number, name: string, commune: string, commune_name: string, };

export type StatusDto = { set_up: boolean, db_path: string, 
/**
 * area | commune | district | province
 */
unit_kind: string | null, unit_id: string | null, unit_name: string | null, area_number: number | null, commune_name: string | null, election_name: string | null, election_date: string | null, 
/**
 * official | test
 */
mode: string | null, levels: Array<LevelDto>, 
/**
 * Levels a holder of a certificate to vote elsewhere receives here.
 */
certificate_levels: Array<string>, voters: number, checked_in: number, };

export type ElectionPreview = { election_name: string, election_date: string, mode: string, levels: Array<LevelDto>, areas: Array<AreaDto>, };

export type ImportReport = { file: string, imported: number, converted_cells: number, converted_from: string | null, sheet: string | null, };

export type ImportProgress = { done: number, total: number, };

export type CheckinResult = { voter: VoterRowDto, 
/**
 * Levels handed out (or taken back, for an undo).
 */
levels: Array<string>, at: string, 
/**
 * What happened, in Vietnamese, for the big confirmation.
 */
message: string, };

export type NewVoterInput = { name: string, 
/**
 * dd/mm/yyyy or yyyy-mm-dd.
 */
birth_date: string, gender: string, ethnicity: string, id_number: string | null, residence: string, 
/**
 * Empty: every level of the area.
 */
levels: Array<string>, note: string, 
/**
 * Certificate number (giấy chứng nhận) for a holder added on the day.
 */
certificate: string | null, reason: string, };

export type EditVoterInput = { stt: number, 
/**
 * name | birth_date | gender | ethnicity | id_number | residence | levels | note | mobile_box
 */
field: string, value: string, reason: string, };

export type StatusChangeInput = { stt: number, 
/**
 * removed | moved_out | elsewhere | active
 */
status: string, reason: string, };

export type AuditEntryDto = { at: string, action: string, subject: string, reason: string, before: string | null, after: string | null, };

export type IpcError = { code: string, message: string, problems: Array<string>, };

