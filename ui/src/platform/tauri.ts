// The only module that imports @tauri-apps/*: typed calls to the Rust commands.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  AuditEntryDto, CheckinResult, EditVoterInput, ElectionPreview, ImportProgress, ImportReport, IpcError,
  NewVoterInput, SnapshotDto, StatusChangeInput, StatusDto, TurnoutView, VoterRowDto,
} from "../bindings/ipc";

/** A refusal or failure from the Rust side, with a Vietnamese message. */
export class AppError extends Error {
  constructor(public readonly detail: IpcError) {
    super(detail.message);
  }
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    if (e && typeof e === "object" && "message" in e && "code" in e) throw new AppError(e as IpcError);
    throw new AppError({ code: "INTERNAL", message: String(e), problems: [] });
  }
}

export const api = {
  status: () => call<StatusDto>("status"),
  previewElection: (json: string) => call<ElectionPreview>("preview_election", { json }),
  demoElection: () => call<string>("demo_election"),
  setup: (json: string, area: string) => call<StatusDto>("setup", { json, area }),
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
  onImportProgress: (f: (p: ImportProgress) => void): Promise<UnlistenFn> =>
    listen<ImportProgress>("import-progress", (e) => f(e.payload)),
};
