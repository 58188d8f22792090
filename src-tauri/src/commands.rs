//! Tauri commands: one-line adapters over `tobaucu_app`.

use tauri::{AppHandle, Emitter, State};
use tobaucu_app::UnitChoice;
use tobaucu_ipc::*;

use crate::AppState;

type R<T> = Result<T, IpcError>;

#[tauri::command]
pub fn status(state: State<'_, AppState>) -> R<StatusDto> {
    state.with(|a| a.status())
}

/// Giới thiệu: this build's version, commit and date (`build_info.rs`).
#[tauri::command]
pub fn about(state: State<'_, AppState>) -> AboutDto {
    let db_path = state.with(|a| Ok(a.db_path().display().to_string())).unwrap_or_default();
    AboutDto { version: env!("CARGO_PKG_VERSION").to_owned(), commit: env!("TOBAUCU_COMMIT").to_owned(), build_date: env!("TOBAUCU_BUILD_DATE").to_owned(), db_path }
}

#[tauri::command]
pub fn preview_election(json: String) -> R<ElectionPreview> {
    tobaucu_app::preview_election(&json).map_err(IpcError::from)
}

#[tauri::command]
pub fn demo_election() -> String {
    tobaucu_app::DEMO_ELECTION.to_owned()
}

#[tauri::command]
pub fn setup(state: State<'_, AppState>, json: String, area: String, rehearsal: Option<bool>) -> R<StatusDto> {
    state.with(|a| a.setup_mode(&json, &UnitChoice::Area(area), rehearsal.unwrap_or(false)))
}

#[tauri::command]
pub fn setup_demo(state: State<'_, AppState>) -> R<StatusDto> {
    state.with(|a| a.setup_demo())
}

/// Runs off the main thread: it may take a while and the window must stay responsive.
#[tauri::command(async)]
pub fn import_voters(app: AppHandle, state: State<'_, AppState>, file_name: String, bytes: Vec<u8>, replace: bool) -> R<ImportReport> {
    state.with(|a| {
        a.import_voters(&file_name, &bytes, &[], replace, &mut |done, total| {
            let p = ImportProgress { done: u32::try_from(done).unwrap_or(0), total: u32::try_from(total).unwrap_or(0) };
            let _ = app.emit("import-progress", p);
        })
    })
}

#[tauri::command]
pub fn voters_list(state: State<'_, AppState>, all: bool) -> R<Vec<VoterRowDto>> {
    state.with(|a| a.voters_list(all))
}

#[tauri::command]
pub fn search(state: State<'_, AppState>, query: String, limit: u32) -> R<Vec<VoterRowDto>> {
    state.with(|a| a.search(&query, limit as usize))
}

#[tauri::command]
pub fn voter(state: State<'_, AppState>, stt: u32) -> R<VoterRowDto> {
    state.with(|a| a.voter(stt))
}

#[tauri::command]
pub fn checkin(state: State<'_, AppState>, stt: u32, levels: Option<Vec<String>>, mobile_box: bool) -> R<CheckinResult> {
    state.with(|a| {
        a.require_backup_folder()?;
        a.checkin(stt, levels.as_deref(), mobile_box)
    })
}

#[tauri::command]
pub fn undo_checkin(state: State<'_, AppState>, stt: u32, levels: Option<Vec<String>>, reason: String) -> R<CheckinResult> {
    state.with(|a| a.undo_checkin(stt, levels.as_deref(), &reason))
}

#[tauri::command]
pub fn add_voter(state: State<'_, AppState>, input: NewVoterInput) -> R<VoterRowDto> {
    state.with(|a| a.add_voter(&input))
}

#[tauri::command]
pub fn edit_voter(state: State<'_, AppState>, input: EditVoterInput) -> R<VoterRowDto> {
    state.with(|a| a.edit_voter(&input))
}

#[tauri::command]
pub fn change_status(state: State<'_, AppState>, input: StatusChangeInput) -> R<VoterRowDto> {
    state.with(|a| a.change_status(&input))
}

#[tauri::command]
pub fn turnout_view(state: State<'_, AppState>) -> R<TurnoutView> {
    state.with(|a| a.turnout_view())
}

#[tauri::command]
pub fn take_snapshot(state: State<'_, AppState>, name: String) -> R<SnapshotDto> {
    state.with(|a| a.take_snapshot(&name))
}

#[tauri::command]
pub fn backup_settings(state: State<'_, AppState>) -> R<tobaucu_ipc::BackupSettingsDto> {
    state.with(|a| a.backup_settings())
}

#[tauri::command]
pub fn set_backup_settings(state: State<'_, AppState>, dir: Option<String>, every_minutes: u32, keep: u32) -> R<tobaucu_ipc::BackupSettingsDto> {
    state.with(|a| a.set_backup_settings(dir.as_deref(), every_minutes, keep))
}

#[tauri::command(async)]
pub fn backup_now(app: AppHandle, state: State<'_, AppState>) -> R<tobaucu_ipc::BackupDto> {
    let r = state.with(|a| a.backup_now(None));
    if let Ok(b) = &r {
        let _ = app.emit("backup-made", b);
    }
    r
}

#[tauri::command]
pub fn audit_verify(state: State<'_, AppState>) -> R<tobaucu_ipc::AuditVerifyDto> {
    state.with(|a| a.audit_verify())
}

#[tauri::command]
pub fn audit_log(state: State<'_, AppState>) -> R<Vec<AuditEntryDto>> {
    state.with(|a| a.audit_log())
}

// ---- counting night ----------------------------------------------------------

#[tauri::command]
pub fn team(state: State<'_, AppState>) -> R<TeamDto> {
    state.with(|a| a.team())
}

#[tauri::command]
pub fn set_team(state: State<'_, AppState>, input: TeamInput) -> R<TeamDto> {
    state.with(|a| a.set_team(&input))
}

#[tauri::command]
pub fn day_facts(state: State<'_, AppState>) -> R<tobaucu_ipc::DayFactsDto> {
    state.with(|a| a.day_facts())
}

#[tauri::command]
pub fn record_opening(state: State<'_, AppState>, input: tobaucu_ipc::OpeningInput) -> R<tobaucu_ipc::DayFactsDto> {
    state.with(|a| a.record_opening(&input))
}

#[tauri::command]
pub fn record_closing(state: State<'_, AppState>, time: String) -> R<tobaucu_ipc::DayFactsDto> {
    state.with(|a| a.record_closing(&time))
}

#[tauri::command]
pub fn add_incident(state: State<'_, AppState>, input: tobaucu_ipc::IncidentInput) -> R<tobaucu_ipc::IncidentDto> {
    state.with(|a| a.add_incident(&input))
}

#[tauri::command]
pub fn recommend(state: State<'_, AppState>, text: String) -> R<tobaucu_ipc::RecommendationDto> {
    state.with(|a| a.recommend(&text))
}

#[tauri::command]
pub fn record_recount(state: State<'_, AppState>, level: String, note: String) -> R<SummaryDto> {
    state.with(|a| a.record_recount(&level, &note))
}

#[tauri::command]
pub fn record_inventory(state: State<'_, AppState>, input: InventoryInput) -> R<InventoryDto> {
    state.with(|a| a.record_inventory(&input))
}

/// Runs off the main thread: it may take a while and the window must stay responsive.
#[tauri::command(async)]
pub fn live_tally(state: State<'_, AppState>, level: String) -> R<LiveTallyDto> {
    state.with(|a| a.live_tally(&level))
}

#[tauri::command]
pub fn start_batch(state: State<'_, AppState>, level: String, recorder: String) -> R<BatchDto> {
    state.with(|a| a.start_batch(&level, &recorder))
}

#[tauri::command]
pub fn enter_ballot(state: State<'_, AppState>, level: String, batch: Option<u32>, line: String) -> R<BallotEntryResult> {
    state.with(|a| a.enter_ballot(&level, batch, &line))
}

#[tauri::command]
pub fn undo_ballot(state: State<'_, AppState>, level: String, reason: String) -> R<BallotEntryResult> {
    state.with(|a| a.undo_ballot(&level, &reason))
}

#[tauri::command]
pub fn enter_tally(state: State<'_, AppState>, input: TallySheetInput) -> R<TallyStatusDto> {
    state.with(|a| a.enter_tally(&input))
}

/// Runs off the main thread: it may take a while and the window must stay responsive.
#[tauri::command(async)]
pub fn tally_status(state: State<'_, AppState>, level: String) -> R<TallyStatusDto> {
    state.with(|a| a.tally_status(&level))
}

/// Runs off the main thread: it may take a while and the window must stay responsive.
#[tauri::command(async)]
pub fn summary(state: State<'_, AppState>, level: String) -> R<SummaryDto> {
    state.with(|a| a.summary(&level))
}

#[tauri::command]
pub fn accept_warning(state: State<'_, AppState>, input: AcceptInput) -> R<SummaryDto> {
    state.with(|a| a.accept_warning(&input))
}

#[tauri::command]
pub fn complaints(state: State<'_, AppState>) -> R<Vec<ComplaintDto>> {
    state.with(|a| a.complaints())
}

#[tauri::command]
pub fn add_complaint(state: State<'_, AppState>, input: ComplaintInput) -> R<ComplaintDto> {
    state.with(|a| a.add_complaint(&input))
}

#[tauri::command]
pub fn resolve_complaint(state: State<'_, AppState>, input: ComplaintResolveInput) -> R<ComplaintDto> {
    state.with(|a| a.resolve_complaint(&input))
}

/// Runs off the main thread: it may take a while and the window must stay responsive.
#[tauri::command(async)]
pub fn finalize(state: State<'_, AppState>, level: String, passphrase: Option<String>) -> R<FinalizeResult> {
    state.with(|a| a.finalize(&level, passphrase.as_deref()))
}

/// Runs off the main thread: the passphrase may have to wait.
#[tauri::command(async)]
pub fn reopen(state: State<'_, AppState>, level: String, reason: String, passphrase: Option<String>) -> R<SummaryDto> {
    state.with(|a| a.reopen(&level, &reason, passphrase.as_deref()))
}

/// Runs off the main thread: it may take a while and the window must stay responsive.
#[tauri::command(async)]
pub fn count_overview(state: State<'_, AppState>) -> R<Vec<LevelCountState>> {
    state.with(|a| a.count_overview())
}

/// Runs off the main thread: it may take a while and the window must stay responsive.
#[tauri::command(async)]
pub fn save_form(state: State<'_, AppState>, form: String, level: Option<String>, revision: Option<u32>, signer: Option<String>) -> R<FormOutput> {
    state.with(|a| a.save_form_with(&form, level.as_deref(), revision, tobaucu_app::PrintChoices::with_signer(signer.as_deref())?))
}

/// Runs off the main thread: it may take a while and the window must stay responsive.
#[tauri::command(async)]
pub fn preview_form(state: State<'_, AppState>, form: String, level: Option<String>, revision: Option<u32>, max_pages: u32, signer: Option<String>) -> R<FormPreview> {
    state.with(|a| a.preview_form_with(&form, level.as_deref(), revision, max_pages as usize, tobaucu_app::PrintChoices::with_signer(signer.as_deref())?))
}

// ---- keys and bundles -------------------------------------------------------

#[tauri::command]
pub fn key_info(state: State<'_, AppState>) -> R<Option<KeyInfoDto>> {
    state.with(|a| a.key_info())
}

/// Seconds the next passphrase attempt will wait (issue 11 §8).
#[tauri::command(async)]
pub fn passphrase_wait(state: State<'_, AppState>) -> R<i64> {
    state.with(|a| a.passphrase_wait())
}

/// Argon2id takes a moment: off the main thread.
#[tauri::command(async)]
pub fn keys_init(state: State<'_, AppState>, passphrase: String) -> R<KeyInfoDto> {
    state.with(|a| a.keys_init(&passphrase))
}

/// Writes the key registration file into `dir` (a USB stick).
#[tauri::command]
pub fn save_registration(state: State<'_, AppState>, dir: String) -> R<String> {
    state.with(|a| a.write_registration_file(std::path::Path::new(&dir)).map(|p| p.display().to_string()))
}

#[tauri::command]
pub fn list_drives(state: State<'_, AppState>) -> R<Vec<DriveDto>> {
    state.with(|a| {
        let d = a.bundle_dir();
        let _ = std::fs::create_dir_all(&d);
        Ok(tobaucu_app::removable_drives(&d))
    })
}

#[tauri::command(async)]
pub fn export_bundle(state: State<'_, AppState>, dir: String, passphrase: String) -> R<ExportResultDto> {
    state.with(|a| a.export_bundle(std::path::Path::new(&dir), Some(&passphrase)))
}

#[tauri::command]
pub fn board_status(state: State<'_, AppState>) -> R<BoardStatusDto> {
    state.with(|a| a.board_status())
}

#[tauri::command]
pub fn scan_bundles(dir: String) -> R<Vec<String>> {
    tobaucu_app::scan_bundles(std::path::Path::new(&dir)).map_err(IpcError::from)
}

#[tauri::command(async)]
pub fn verify_bundle(state: State<'_, AppState>, path: String) -> R<VerifyReportDto> {
    state.with(|a| a.verify_bundle(std::path::Path::new(&path)))
}

#[tauri::command(async)]
pub fn import_bundle(state: State<'_, AppState>, path: String, accept_fingerprint: Option<String>) -> R<ImportResultDto> {
    state.with(|a| a.import_bundle(std::path::Path::new(&path), accept_fingerprint.as_deref()))
}

#[tauri::command(async)]
pub fn results(state: State<'_, AppState>) -> R<ResultsDto> {
    state.with(|a| a.results())
}

#[tauri::command]
pub fn register_key(state: State<'_, AppState>, key: String, unit: String) -> R<RegisteredKeyDto> {
    state.with(|a| a.keys_register(&key, &unit))
}

/// A folder's bundles as one action (one durable commit).
#[tauri::command(async)]
pub fn import_bundles(state: State<'_, AppState>, paths: Vec<String>) -> R<Vec<ImportResultDto>> {
    let paths: Vec<std::path::PathBuf> = paths.into_iter().map(std::path::PathBuf::from).collect();
    state.with(|a| a.import_bundles(&paths, None))
}

#[tauri::command]
pub fn open_round(state: State<'_, AppState>, path: String) -> R<tobaucu_ipc::RoundOpenedDto> {
    state.with(|a| a.open_round(std::path::Path::new(&path)).map(tobaucu_app::rounds::dto))
}

#[tauri::command]
pub fn declare_round(state: State<'_, AppState>, constituency: String, kind: String) -> R<tobaucu_ipc::RoundDeclaredDto> {
    state.with(|a| a.declare_round(&constituency, &kind))
}

#[tauri::command]
pub fn write_round_file(state: State<'_, AppState>, constituency: String, dir: String) -> R<tobaucu_ipc::RoundOpenedDto> {
    state.with(|a| a.write_round_file(&constituency, std::path::Path::new(&dir)).map(tobaucu_app::rounds::dto))
}

// ---- the board's day (issue 15) ---------------------------------------------

#[tauri::command]
pub fn decide_tally(state: State<'_, AppState>, input: TallyDecisionInput) -> R<TallyStatusDto> {
    state.with(|a| a.decide_tally(&input))
}

#[tauri::command]
pub fn enter_tally_third(state: State<'_, AppState>, input: TallyThirdInput) -> R<TallyStatusDto> {
    state.with(|a| a.enter_tally_third(&input))
}

#[tauri::command]
pub fn paper_check(state: State<'_, AppState>, input: PaperCheckInput) -> R<PaperCheckDto> {
    state.with(|a| a.paper_check(&input))
}

#[tauri::command]
pub fn paper_resolve(state: State<'_, AppState>, area: String, level: String, reason: String) -> R<PaperCheckDto> {
    state.with(|a| a.paper_resolve(&area, &level, &reason))
}

#[tauri::command]
pub fn paper_status(state: State<'_, AppState>, area: String, level: String) -> R<PaperCheckDto> {
    state.with(|a| a.paper_status(&area, &level))
}

#[tauri::command]
pub fn accept_board_warning(state: State<'_, AppState>, constituency: String, code: String, reason: String, round: u32) -> R<ResultsDto> {
    state.with(|a| a.accept_board_warning(&constituency, &code, &reason, round))
}

/// The room screen's refresh: cheap when nothing changed.
#[tauri::command]
pub fn room_view(state: State<'_, AppState>, query: RoomQuery) -> R<RoomDto> {
    state.with(|a| a.room_view(&query))
}

/// Runs off the main thread: a province's spreadsheet takes a moment.
#[tauri::command(async)]
pub fn export_results(state: State<'_, AppState>, dir: Option<String>) -> R<Vec<ExportedFileDto>> {
    state.with(|a| a.save_results_exports(dir.as_deref().map(std::path::Path::new)))
}

// ---- rehearsal and continuity (issue 16) ----

#[tauri::command(async)]
pub fn switch_to_official(state: State<'_, AppState>, passphrase: String) -> R<OfficialSwitchDto> {
    state.with(|a| a.switch_to_official(Some(&passphrase)))
}

#[tauri::command(async)]
pub fn voters_check(state: State<'_, AppState>) -> R<VoterCheckDto> {
    state.with(|a| a.voters_check(&[]))
}

#[tauri::command]
pub fn bulk_checkin(state: State<'_, AppState>, text: String, from: String, to: String) -> R<BulkCheckinDto> {
    state.with(|a| {
        a.require_backup_folder()?;
        a.bulk_checkin("danh sách giấy", &text, &from, &to)
    })
}

/// Restores a backup (a file, or a folder: its newest) as this window's
/// data file and opens it again (a spare laptop after a power cut).
#[tauri::command(async)]
pub fn restore_backup(app: AppHandle, state: State<'_, AppState>, svc: State<'_, crate::desks::DeskService>, path: String) -> R<RestoreDto> {
    // The desk sync works on the file: stopped for the restore, started
    // again on the file put back (which is held until it catches up).
    svc.stop();
    let r = state.restore(std::path::Path::new(&path));
    svc.restart(&app, &state);
    r
}

// Nhiều bàn phát phiếu (issue 14): adapters over `tobaucu_app::desk`; the
// sync service is started and stopped by `crate::desks`.

#[tauri::command]
pub fn desk_status(state: State<'_, AppState>) -> R<desk::DeskStatusDto> {
    state.with(|a| a.desk_status())
}

/// The Tổ trưởng lets a held desk check voters in again (with a reason).
#[tauri::command]
pub fn desk_release_hold(state: State<'_, AppState>, reason: String) -> R<desk::DeskStatusDto> {
    state.with(|a| a.desk_release_hold(&reason))
}

#[tauri::command]
pub fn desk_anomalies(state: State<'_, AppState>) -> R<Vec<desk::AnomalyDto>> {
    state.with(|a| a.desk_anomalies())
}

#[tauri::command]
pub fn desk_resolve(state: State<'_, AppState>, stt: u32, level: Option<String>, keep: Option<String>, reason: String) -> R<desk::AnomalyDto> {
    state.with(|a| a.desk_resolve(stt, level.as_deref(), keep.as_deref(), &reason))
}

#[tauri::command]
pub fn desk_package(state: State<'_, AppState>, dir: String, name: String) -> R<desk::DeskJoinResult> {
    state.with(|a| a.desk_package(std::path::Path::new(&dir), &name))
}

#[tauri::command]
pub fn desk_pairing_code(state: State<'_, AppState>) -> R<String> {
    state.with(|a| a.desk_new_pairing_code())
}

#[tauri::command(async)]
pub fn desk_join(
    app: AppHandle,
    state: State<'_, AppState>,
    svc: State<'_, crate::desks::DeskService>,
    path: Option<String>,
    host: Option<String>,
    code: Option<String>,
    name: Option<String>,
) -> R<desk::DeskJoinResult> {
    let r = state.with(|a| match (&path, &host, &code) {
        (Some(p), _, _) => a.desk_join_file(std::path::Path::new(p)),
        (None, Some(h), Some(c)) => a.desk_join_network(h, c, name.as_deref().unwrap_or("")),
        _ => Err(tobaucu_app::Error::refused(ErrorCode::FieldInvalid, "cần gói bàn, hoặc địa chỉ máy chính và mã ghép nối")),
    })?;
    svc.restart(&app, &state);
    Ok(r)
}

#[tauri::command]
pub fn desk_export(state: State<'_, AppState>, dir: String) -> R<desk::DeskMergeReport> {
    state.with(|a| a.desk_export(std::path::Path::new(&dir)))
}

#[tauri::command]
pub fn desk_merge(state: State<'_, AppState>, files: Vec<String>) -> R<desk::DeskMergeReport> {
    let files: Vec<std::path::PathBuf> = files.into_iter().map(std::path::PathBuf::from).collect();
    state.with(|a| a.desk_merge_files(&files))
}

/// Turns multi-desk on (the listener runs while the window is open) or off.
#[tauri::command]
pub fn desk_enable(app: AppHandle, state: State<'_, AppState>, svc: State<'_, crate::desks::DeskService>, enabled: bool, listen: String, peers: String) -> R<desk::DeskStatusDto> {
    state.with(|a| a.desk_configure(enabled, &listen, &peers))?;
    svc.restart(&app, &state);
    state.with(|a| a.desk_status())
}
