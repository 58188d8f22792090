// The only module that imports @tauri-apps/*: typed calls to the Rust commands.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  AcceptInput, AuditEntryDto, AuditVerifyDto, BackupDto, BackupSettingsDto, BallotEntryResult, BatchDto, CheckinResult, ComplaintDto, ComplaintInput,
  ComplaintResolveInput, EditVoterInput, ElectionPreview, FinalizeResult, FormOutput, FormPreview, ImportProgress, ImportReport,
  InventoryDto, InventoryInput, IpcError, LevelCountState, LiveTallyDto, NewVoterInput, SnapshotDto, StatusChangeInput,
  StatusDto, SummaryDto, TallySheetInput, TallyStatusDto, TeamDto, TeamInput, TurnoutView, VoterRowDto,
  KeyInfoDto, DriveDto, ExportResultDto, BoardStatusDto, VerifyReportDto, ImportResultDto, ResultsDto, RegisteredKeyDto,
  DayFactsDto, OpeningInput, IncidentInput, IncidentDto, RecommendationDto, RoundOpenedDto, RoundDeclaredDto,
  TallyDecisionInput, TallyThirdInput, PaperCheckInput, PaperCheckDto, RoomQuery, RoomDto, ExportedFileDto,
  OfficialSwitchDto, VoterCheckDto, BulkCheckinDto, RestoreDto, AboutDto,
  DeskStatusDto, AnomalyDto, DeskJoinResult, DeskMergeReport,
} from "../bindings/ipc";
import type { Command } from "../bindings/commands";

/** A refusal or failure from the Rust side, with a Vietnamese message. */
export class AppError extends Error {
  constructor(public readonly detail: IpcError) {
    super(detail.message);
  }
}

async function call<T>(cmd: Command, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    if (e && typeof e === "object" && "message" in e && "code" in e) throw new AppError(e as IpcError);
    throw new AppError({ code: "INTERNAL", message: String(e), problems: [] });
  }
}

export const api = {
  keyInfo: () => call<KeyInfoDto | null>("key_info"),
  passphraseWait: () => call<number>("passphrase_wait"),
  keysInit: (passphrase: string) => call<KeyInfoDto>("keys_init", { passphrase }),
  saveRegistration: (dir: string) => call<string>("save_registration", { dir }),
  listDrives: () => call<DriveDto[]>("list_drives"),
  exportBundle: (dir: string, passphrase: string) => call<ExportResultDto>("export_bundle", { dir, passphrase }),
  boardStatus: () => call<BoardStatusDto>("board_status"),
  scanBundles: (dir: string) => call<string[]>("scan_bundles", { dir }),
  verifyBundle: (path: string) => call<VerifyReportDto>("verify_bundle", { path }),
  importBundle: (path: string, acceptFingerprint: string | null) => call<ImportResultDto>("import_bundle", { path, acceptFingerprint }),
  importBundles: (paths: string[]) => call<ImportResultDto[]>("import_bundles", { paths }),
  results: () => call<ResultsDto>("results"),
  registerKey: (key: string, unit: string) => call<RegisteredKeyDto>("register_key", { key, unit }),
  about: () => call<AboutDto>("about"),
  status: () => call<StatusDto>("status"),
  previewElection: (json: string) => call<ElectionPreview>("preview_election", { json }),
  demoElection: () => call<string>("demo_election"),
  setup: (json: string, area: string, rehearsal = false) => call<StatusDto>("setup", { json, area, rehearsal }),
  switchToOfficial: (passphrase: string) => call<OfficialSwitchDto>("switch_to_official", { passphrase }),
  votersCheck: () => call<VoterCheckDto>("voters_check"),
  bulkCheckin: (text: string, from: string, to: string) => call<BulkCheckinDto>("bulk_checkin", { text, from, to }),
  restoreBackup: (path: string) => call<RestoreDto>("restore_backup", { path }),
  setupDemo: () => call<StatusDto>("setup_demo"),
  importVoters: (fileName: string, bytes: Uint8Array, replace: boolean) =>
    call<ImportReport>("import_voters", { fileName, bytes: Array.from(bytes), replace }),
  votersList: (all: boolean) => call<VoterRowDto[]>("voters_list", { all }),
  search: (query: string, limit: number) => call<VoterRowDto[]>("search", { query, limit }),
  voter: (stt: number) => call<VoterRowDto>("voter", { stt }),
  checkin: (stt: number, levels: string[] | null, mobileBox: boolean) =>
    call<CheckinResult>("checkin", { stt, levels, mobileBox }),
  undoCheckin: (stt: number, levels: string[] | null, reason: string) =>
    call<CheckinResult>("undo_checkin", { stt, levels, reason }),
  addVoter: (input: NewVoterInput) => call<VoterRowDto>("add_voter", { input }),
  editVoter: (input: EditVoterInput) => call<VoterRowDto>("edit_voter", { input }),
  changeStatus: (input: StatusChangeInput) => call<VoterRowDto>("change_status", { input }),
  turnoutView: () => call<TurnoutView>("turnout_view"),
  takeSnapshot: (name: string) => call<SnapshotDto>("take_snapshot", { name }),
  auditLog: () => call<AuditEntryDto[]>("audit_log"),
  auditVerify: () => call<AuditVerifyDto>("audit_verify"),
  backupSettings: () => call<BackupSettingsDto>("backup_settings"),
  setBackupSettings: (dir: string | null, everyMinutes: number, keep: number) =>
    call<BackupSettingsDto>("set_backup_settings", { dir, everyMinutes, keep }),
  backupNow: () => call<BackupDto>("backup_now"),
  onBackup: (made: (b: BackupDto) => void, failed: (e: IpcError) => void): Promise<UnlistenFn[]> =>
    Promise.all([listen<BackupDto>("backup-made", (e) => made(e.payload)), listen<IpcError>("backup-failed", (e) => failed(e.payload))]),
  team: () => call<TeamDto>("team"),
  setTeam: (input: TeamInput) => call<TeamDto>("set_team", { input }),
  recordInventory: (input: InventoryInput) => call<InventoryDto>("record_inventory", { input }),
  dayFacts: () => call<DayFactsDto>("day_facts"),
  recordOpening: (input: OpeningInput) => call<DayFactsDto>("record_opening", { input }),
  recordClosing: (time: string) => call<DayFactsDto>("record_closing", { time }),
  addIncident: (input: IncidentInput) => call<IncidentDto>("add_incident", { input }),
  recommend: (text: string) => call<RecommendationDto>("recommend", { text }),
  recordRecount: (level: string, note: string) => call<SummaryDto>("record_recount", { level, note }),
  openRound: (path: string) => call<RoundOpenedDto>("open_round", { path }),
  declareRound: (constituency: string, kind: string) => call<RoundDeclaredDto>("declare_round", { constituency, kind }),
  writeRoundFile: (constituency: string, dir: string) => call<RoundOpenedDto>("write_round_file", { constituency, dir }),
  liveTally: (level: string) => call<LiveTallyDto>("live_tally", { level }),
  startBatch: (level: string, recorder: string) => call<BatchDto>("start_batch", { level, recorder }),
  enterBallot: (level: string, batch: number | null, line: string) =>
    call<BallotEntryResult>("enter_ballot", { level, batch, line }),
  undoBallot: (level: string, reason: string) => call<BallotEntryResult>("undo_ballot", { level, reason }),
  enterTally: (input: TallySheetInput) => call<TallyStatusDto>("enter_tally", { input }),
  tallyStatus: (level: string) => call<TallyStatusDto>("tally_status", { level }),
  decideTally: (input: TallyDecisionInput) => call<TallyStatusDto>("decide_tally", { input }),
  enterTallyThird: (input: TallyThirdInput) => call<TallyStatusDto>("enter_tally_third", { input }),
  paperCheck: (input: PaperCheckInput) => call<PaperCheckDto>("paper_check", { input }),
  paperResolve: (area: string, level: string, reason: string) => call<PaperCheckDto>("paper_resolve", { area, level, reason }),
  paperStatus: (area: string, level: string) => call<PaperCheckDto>("paper_status", { area, level }),
  acceptBoardWarning: (constituency: string, code: string, reason: string, round: number) =>
    call<ResultsDto>("accept_board_warning", { constituency, code, reason, round }),
  roomView: (query: RoomQuery) => call<RoomDto>("room_view", { query }),
  exportResults: (dir: string | null) => call<ExportedFileDto[]>("export_results", { dir }),
  summary: (level: string) => call<SummaryDto>("summary", { level }),
  acceptWarning: (input: AcceptInput) => call<SummaryDto>("accept_warning", { input }),
  complaints: () => call<ComplaintDto[]>("complaints"),
  addComplaint: (input: ComplaintInput) => call<ComplaintDto>("add_complaint", { input }),
  resolveComplaint: (input: ComplaintResolveInput) => call<ComplaintDto>("resolve_complaint", { input }),
  finalize: (level: string, passphrase: string | null) => call<FinalizeResult>("finalize", { level, passphrase }),
  reopen: (level: string, reason: string, passphrase: string | null) => call<SummaryDto>("reopen", { level, reason, passphrase }),
  countOverview: () => call<LevelCountState[]>("count_overview"),
  /** `signer`: who signs the voter list (Mẫu 31/HĐBC) — "chair" (default) or "vice-chair". */
  saveForm: (form: string, level: string | null, revision: number | null = null, signer: string | null = null) =>
    call<FormOutput>("save_form", { form, level, revision, signer }),
  previewForm: (form: string, level: string | null, maxPages: number, revision: number | null = null, signer: string | null = null) =>
    call<FormPreview>("preview_form", { form, level, revision, maxPages, signer }),
  onImportProgress: (f: (p: ImportProgress) => void): Promise<UnlistenFn> =>
    listen<ImportProgress>("import-progress", (e) => f(e.payload)),
  // Nhiều bàn phát phiếu (several check-in desks).
  deskStatus: () => call<DeskStatusDto>("desk_status"),
  deskReleaseHold: (reason: string) => call<DeskStatusDto>("desk_release_hold", { reason }),
  deskAnomalies: () => call<AnomalyDto[]>("desk_anomalies"),
  deskResolve: (stt: number, level: string, keep: string | null, reason: string) => call<AnomalyDto>("desk_resolve", { stt, level, keep, reason }),
  deskPackage: (dir: string, name: string) => call<DeskJoinResult>("desk_package", { dir, name }),
  deskPairingCode: () => call<string>("desk_pairing_code"),
  deskJoinFile: (path: string) => call<DeskJoinResult>("desk_join", { path }),
  deskJoinNetwork: (host: string, code: string, name: string) => call<DeskJoinResult>("desk_join", { host, code, name }),
  deskExport: (dir: string) => call<DeskMergeReport>("desk_export", { dir }),
  deskMerge: (files: string[]) => call<DeskMergeReport>("desk_merge", { files }),
  deskEnable: (enabled: boolean, listen: string, peers: string) => call<DeskStatusDto>("desk_enable", { enabled, listen, peers }),
  onDeskNote: (f: (text: string) => void): Promise<UnlistenFn> => listen<string>("desk-note", (e) => f(e.payload)),
};
