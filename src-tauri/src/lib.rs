//! The Tauri shell of Tổ Bầu Cử: builder, managed state and command
//! adapters. **No logic here**: every command decodes its arguments, calls
//! one `tobaucu_app` function and returns its DTO or an [`IpcError`].

mod commands;

use std::sync::Mutex;

use tauri::{Emitter, Manager};
use tobaucu_app::App;
use tobaucu_ipc::IpcError;

/// The open unit database, or why it could not be opened.
pub struct AppState(pub Mutex<Result<App, IpcError>>);

impl AppState {
    /// Runs `f` on the open app.
    pub fn with<T>(&self, f: impl FnOnce(&mut App) -> tobaucu_app::Result<T>) -> Result<T, IpcError> {
        let mut guard = self.0.lock().map_err(|_| IpcError { code: "INTERNAL".into(), message: "lỗi nội bộ: khóa dữ liệu".into(), problems: vec![] })?;
        match guard.as_mut() {
            Ok(app) => f(app).map_err(IpcError::from),
            Err(e) => Err(e.clone()),
        }
    }

    /// Gives the open app up to [`App::restore_and_reopen`] and keeps what
    /// comes back (the restored file, or the one that was there).
    pub fn restore(&self, backup: &std::path::Path) -> Result<tobaucu_ipc::RestoreDto, IpcError> {
        let mut guard = self.0.lock().map_err(|_| IpcError { code: "INTERNAL".into(), message: "lỗi nội bộ: khóa dữ liệu".into(), problems: vec![] })?;
        let held = std::mem::replace(&mut *guard, Err(IpcError { code: "INTERNAL".into(), message: "đang khôi phục".into(), problems: vec![] }));
        let app = match held {
            Ok(app) => app,
            Err(e) => {
                *guard = Err(e.clone());
                return Err(e);
            }
        };
        let (reopened, outcome) = app.restore_and_reopen(backup);
        *guard = reopened.map_err(IpcError::from);
        outcome.map_err(IpcError::from)
    }
}

/// Starts the app on the database named by `--db PATH`, else `TOBAUCU_DB`,
/// else the default data file.
pub fn run() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.iter().position(|a| a == "--db").and_then(|i| args.get(i + 1)).map(std::path::PathBuf::from).unwrap_or_else(tobaucu_app::default_db_path);
    // `--demo-commune`: the demo chain (six teams' bundles imported by the
    // commune) is made next to the data file, and the commune's board opens.
    let opened = if args.iter().any(|a| a == "--demo-commune") {
        let dir = path.with_file_name("demo-xa");
        let db = dir.join("xa-X0412.sqlite");
        if db.is_file() {
            App::open_exclusive(&db)
        } else {
            tobaucu_app::demo::run(&dir, tobaucu_app::DEMO_PASSPHRASE, &mut |m| eprintln!("{m}")).and_then(|_| App::open_exclusive(&db))
        }
    } else {
        App::open_exclusive(&path)
    };
    let state = AppState(Mutex::new(opened.map_err(IpcError::from)));
    let result = tauri::Builder::default()
        .manage(state)
        .setup(|app| {
            // Sao lưu tự động: the timer only ticks; whether a backup is due
            // and how it is made is the application layer's business.
            let handle = app.handle().clone();
            std::thread::spawn(move || loop {
                std::thread::sleep(std::time::Duration::from_secs(30));
                let state = handle.state::<AppState>();
                match state.with(|a| a.backup_if_due()) {
                    Ok(Some(b)) => {
                        let _ = handle.emit("backup-made", &b);
                    }
                    Ok(None) => {}
                    Err(e) if e.code == "NOT_SET_UP" => {}
                    Err(e) => {
                        let _ = handle.emit("backup-failed", &e);
                    }
                }
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::status,
            commands::preview_election,
            commands::demo_election,
            commands::setup,
            commands::setup_demo,
            commands::switch_to_official,
            commands::voters_check,
            commands::bulk_checkin,
            commands::restore_backup,
            commands::import_voters,
            commands::voters_list,
            commands::search,
            commands::voter,
            commands::checkin,
            commands::undo_checkin,
            commands::add_voter,
            commands::edit_voter,
            commands::change_status,
            commands::turnout_view,
            commands::take_snapshot,
            commands::audit_log,
            commands::audit_verify,
            commands::backup_settings,
            commands::set_backup_settings,
            commands::backup_now,
            commands::team,
            commands::set_team,
            commands::day_facts,
            commands::record_opening,
            commands::record_closing,
            commands::add_incident,
            commands::recommend,
            commands::record_recount,
            commands::open_round,
            commands::declare_round,
            commands::write_round_file,
            commands::record_inventory,
            commands::live_tally,
            commands::start_batch,
            commands::enter_ballot,
            commands::undo_ballot,
            commands::enter_tally,
            commands::tally_status,
            commands::summary,
            commands::accept_warning,
            commands::complaints,
            commands::add_complaint,
            commands::resolve_complaint,
            commands::finalize,
            commands::reopen,
            commands::count_overview,
            commands::save_form,
            commands::preview_form,
            commands::key_info,
            commands::passphrase_wait,
            commands::keys_init,
            commands::save_registration,
            commands::list_drives,
            commands::export_bundle,
            commands::board_status,
            commands::scan_bundles,
            commands::verify_bundle,
            commands::import_bundle,
            commands::import_bundles,
            commands::results,
            commands::decide_tally,
            commands::enter_tally_third,
            commands::paper_check,
            commands::paper_resolve,
            commands::paper_status,
            commands::accept_board_warning,
            commands::room_view,
            commands::export_results,
            commands::register_key,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Không khởi động được Tổ Bầu Cử: {e}");
        std::process::exit(3);
    }
}
