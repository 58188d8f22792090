//! The desk sync service of the window (issue 14): running while this data
//! file belongs to a group of desks and multi-desk is on; what it reports
//! reaches the window as `desk-note` events. No logic: the service is
//! `tobaucu_app::desk::service`.

use std::sync::Mutex;

use tauri::{AppHandle, Emitter};
use tobaucu_app::desk::service::{Note, Options, Service};

use crate::AppState;

/// The running service, if any.
#[derive(Default)]
pub struct DeskService(Mutex<Option<Service>>);

impl DeskService {
    /// Stops the service if it runs.
    pub fn stop(&self) {
        if let Some(s) = self.0.lock().ok().and_then(|mut slot| slot.take()) {
            s.stop();
        }
    }

    /// Stops the service if it runs, and starts it again when the data
    /// file's settings say multi-desk is on. A failure to start (no local
    /// network, the port taken) reaches the window as a `desk-note`.
    pub fn restart(&self, app: &AppHandle, state: &AppState) {
        let Ok(mut slot) = self.0.lock() else { return };
        if let Some(s) = slot.take() {
            s.stop();
        }
        let wanted = state.with(|a| Ok((a.db_path().to_path_buf(), a.desk_status()?.enabled))).ok();
        let Some((db, true)) = wanted else { return };
        let handle = app.clone();
        let notes = Box::new(move |n: Note| {
            let _ = handle.emit("desk-note", describe(&n));
        });
        match Service::start(&db, Options::default(), notes) {
            Ok(s) => *slot = Some(s),
            Err(e) => {
                let _ = app.emit("desk-note", format!("Chưa đồng bộ được với các bàn: {e}"));
            }
        }
    }
}

/// One line for the window.
fn describe(n: &Note) -> String {
    match n {
        Note::Listening(a) => format!("Đang nghe các bàn tại {}", a.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
        Note::Connected { desk, name, .. } => format!("Đã nối với bàn {desk} — {name}"),
        Note::Lost { desk, name } => format!("Mất liên lạc với bàn {desk} — {name}"),
        Note::Merged { desk, added, anomalies } => {
            format!("Nhận {added} sự kiện qua bàn {desk}{}", if *anomalies > 0 { format!("; {anomalies} lượt nhận phiếu hai lần") } else { String::new() })
        }
        Note::Refused { addr, detail, .. } => format!("Từ chối {addr}: {detail}"),
        Note::Paired { desk, name } => format!("Đã ghép nối bàn {desk} — {name}"),
        Note::Problem(m) => format!("Sự cố đồng bộ: {m}"),
    }
}
