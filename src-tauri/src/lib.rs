//! The Tauri shell of Tổ Bầu Cử: builder, managed state and command
//! adapters. **No logic here**: every command decodes its arguments, calls
//! one `tobaucu_app` function and returns its DTO or an [`IpcError`].

mod commands;
mod desks;

use std::sync::Mutex;
use tobaucu_ipc::ErrorCode;

use tauri::{Emitter, Manager};
use tobaucu_app::App;
use tobaucu_ipc::IpcError;

/// The open unit database, or why it could not be opened.
pub struct AppState(pub Mutex<Result<App, IpcError>>);

impl AppState {
    /// Runs `f` on the open app.
    pub fn with<T>(&self, f: impl FnOnce(&mut App) -> tobaucu_app::Result<T>) -> Result<T, IpcError> {
        let mut guard = self.0.lock().map_err(|_| IpcError { code: ErrorCode::Internal, message: "lỗi nội bộ: khóa dữ liệu".into(), problems: vec![] })?;
        match guard.as_mut() {
            Ok(app) => f(app).map_err(IpcError::from),
            Err(e) => Err(e.clone()),
        }
    }

    /// Gives the open app up to [`App::restore_and_reopen`] and keeps what
    /// comes back (the restored file, or the one that was there).
    pub fn restore(&self, backup: &std::path::Path) -> Result<tobaucu_ipc::RestoreDto, IpcError> {
        let mut guard = self.0.lock().map_err(|_| IpcError { code: ErrorCode::Internal, message: "lỗi nội bộ: khóa dữ liệu".into(), problems: vec![] })?;
        let held = std::mem::replace(&mut *guard, Err(IpcError { code: ErrorCode::Internal, message: "đang khôi phục".into(), problems: vec![] }));
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

/// Declares every Tauri command once: the handler given to the builder,
/// [`COMMANDS`] and the TypeScript union `Command` of
/// `ui/src/bindings/commands.ts` (which `ui/src/platform/tauri.ts` takes as
/// the type of a command's name, so the window cannot call a command that
/// is not registered here) all come from this list. A function in
/// `commands.rs` left out of it is dead code (clippy refuses it).
macro_rules! commands {
    ($($name:ident),* $(,)?) => {
        /// The name of every command the window may call, in the order declared.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];

        fn invoke_handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(commands::$name),*]
        }
    };
}

commands![
    about,
    status,
    preview_election,
    demo_election,
    setup,
    setup_demo,
    switch_to_official,
    voters_check,
    bulk_checkin,
    restore_backup,
    import_voters,
    voters_list,
    search,
    voter,
    checkin,
    undo_checkin,
    add_voter,
    edit_voter,
    change_status,
    turnout_view,
    take_snapshot,
    audit_log,
    audit_verify,
    backup_settings,
    set_backup_settings,
    backup_now,
    team,
    set_team,
    day_facts,
    record_opening,
    record_closing,
    add_incident,
    recommend,
    record_recount,
    open_round,
    declare_round,
    write_round_file,
    record_inventory,
    live_tally,
    start_batch,
    enter_ballot,
    undo_ballot,
    enter_tally,
    tally_status,
    summary,
    accept_warning,
    complaints,
    add_complaint,
    resolve_complaint,
    finalize,
    reopen,
    count_overview,
    save_form,
    preview_form,
    key_info,
    passphrase_wait,
    keys_init,
    save_registration,
    list_drives,
    export_bundle,
    board_status,
    scan_bundles,
    verify_bundle,
    import_bundle,
    import_bundles,
    results,
    decide_tally,
    enter_tally_third,
    paper_check,
    paper_resolve,
    paper_status,
    accept_board_warning,
    room_view,
    export_results,
    register_key,
    desk_status,
    desk_release_hold,
    desk_anomalies,
    desk_resolve,
    desk_package,
    desk_pairing_code,
    desk_join,
    desk_export,
    desk_merge,
    desk_enable,
];

/// `ui/src/bindings/commands.ts`: the union of [`COMMANDS`].
pub fn commands_typescript() -> String {
    let mut out = String::from("// Generated from src-tauri/src/lib.rs (`commands!`) by `UPDATE_BINDINGS=1 cargo test -p tobaucu-desktop`. Do not edit.\n\n");
    out.push_str("/** The name of every Rust command the window may call. */\nexport type Command =\n");
    for (i, name) in COMMANDS.iter().enumerate() {
        out.push_str(&format!("  | \"{name}\"{}\n", if i + 1 == COMMANDS.len() { ";" } else { "" }));
    }
    out
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
        .manage(desks::DeskService::default())
        .setup(|app| {
            // Nhiều bàn: the sync service runs while this file is a desk
            // of a group with multi-desk on.
            app.state::<desks::DeskService>().restart(app.handle(), &app.state::<AppState>());
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
                    Err(e) if e.code == ErrorCode::NotSetUp => {}
                    Err(e) => {
                        let _ = handle.emit("backup-failed", &e);
                    }
                }
            });
            Ok(())
        })
        .invoke_handler(invoke_handler())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Không khởi động được Tổ Bầu Cử: {e}");
        std::process::exit(3);
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    fn ui(path: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src").join(path)
    }

    #[test]
    fn committed_command_list_is_fresh() {
        let path = ui("bindings/commands.ts");
        let want = super::commands_typescript();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            if let Err(e) = std::fs::write(&path, &want) {
                panic!("cannot write {}: {e}", path.display());
            }
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(have == want, "ui/src/bindings/commands.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p tobaucu-desktop` and commit it");
    }

    /// Every registered command is called by the window's platform module
    /// (a command nobody calls is dead weight on the IPC surface), and the
    /// module calls commands only through `call`, typed by `Command`.
    #[test]
    fn the_window_calls_every_command_and_only_through_call() {
        let ts = std::fs::read_to_string(ui("platform/tauri.ts")).unwrap_or_default();
        for name in super::COMMANDS {
            assert!(ts.contains(&format!(">(\"{name}\"")), "ui/src/platform/tauri.ts never calls `{name}`");
        }
        assert_eq!(ts.matches("invoke<").count(), 1, "only `call` invokes a command");
        assert!(ts.contains("cmd: Command"), "`call` takes a `Command`");
    }

    #[test]
    fn every_command_is_declared_once() {
        let mut seen = std::collections::HashSet::new();
        for name in super::COMMANDS {
            assert!(seen.insert(name), "{name} declared twice");
        }
    }
}
