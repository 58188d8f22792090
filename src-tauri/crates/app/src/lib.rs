//! Use cases of Tổ Bầu Cử: the API boundary called alike by the desktop
//! shell (Tauri commands) and the `tobaucu` CLI. Neither holds logic of its
//! own: they parse their input, call one function here and print or return
//! its result.
//!
//! Each use case that changes data runs as one durable transaction of the
//! store and appends to the audit log (nhật ký) in that same transaction.
//! Rules come from `tobaucu-core`; time comes from [`clock`] and is passed in.

mod backup;
mod bundle;
pub mod clock;
mod continuity;
mod convert;
mod count;
pub mod demo;
pub mod desk;
mod error;
mod forms;
pub mod fsio;
mod keys;
mod par;
mod rehearsal;
pub mod rounds;
mod setup;
mod turnout;
mod voter_check;
mod voters;

use std::path::{Path, PathBuf};

use tobaucu_core::election::{self, ElectionDefinition};
use tobaucu_core::search::SearchIndex;
use tobaucu_store::{Read, Store};

pub use bundle::{removable_drives, scan_bundles};
pub use count::{short_hash, MinutesData};
pub use demo::DEMO_PASSPHRASE;
pub use error::{Error, ErrorCode, Result};
pub use forms::{ListSigner, PrintChoices, FORMS};
pub use fsio::{read_regular, write_atomic};
pub use keys::KEY_FORMAT;
pub use setup::{preview_election, UnitChoice};
pub use tobaucu_core::election::UnitKind;
pub use voters::parse_levels;

/// The synthetic board of the benchmarks, for the crate's tests.
#[cfg(test)]
#[path = "../benches/common/mod.rs"]
pub(crate) mod synthetic;

/// Reads a file of at most `max` bytes (a hostile or wrong file must not
/// exhaust memory before it is refused).
pub fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>> {
    fsio::read_regular(path, max)
}

/// The embedded demo election (Xã Thiệu Ngọc, 2026) and its first area's list.
pub const DEMO_ELECTION: &str = include_str!("../../../../assets/demo-election.json");
pub const DEMO_VOTERS_CSV: &str = include_str!("../../../../assets/demo-voters.csv");
pub const DEMO_AREA: &str = "X0412-KV01";

/// The default database: `<data dir>/tobaucu/tobaucu.sqlite`, the file the
/// desktop app opens. `TOBAUCU_DB` overrides it.
pub fn default_db_path() -> PathBuf {
    if let Some(p) = std::env::var_os("TOBAUCU_DB") {
        return PathBuf::from(p);
    }
    dirs::data_dir().unwrap_or_else(std::env::temp_dir).join("tobaucu").join("tobaucu.sqlite")
}

/// An open unit database and what was loaded from it.
pub struct App {
    store: Store,
    db_path: PathBuf,
    def: Option<ElectionDefinition>,
    /// Search index, rebuilt lazily after a change of the list.
    index: Option<SearchIndex>,
    /// The counting desk's running state per level.
    tallies: std::collections::HashMap<String, count::LevelLive>,
    /// This database's unit (without the definition's text), read once: it
    /// never changes after setup, and reading its later columns from SQLite
    /// walks the overflow pages of a definition that can hold 72,195 areas.
    unit: Option<tobaucu_store::UnitRow>,
    /// The room screen's cache (issue 15 item 6): parsed area reports and
    /// the last view, refreshed only when the database changed.
    room: Option<bundle::RoomCache>,
    /// What the board's integrity check and results remember between
    /// calls ([`bundle::IntegrityMemo`]), valid at a [`DataMark`].
    memo: std::cell::RefCell<bundle::IntegrityMemo>,
    /// Diễn tập: this database rehearses (migration 0017), read with the
    /// unit; changed only by [`App::switch_to_official`].
    rehearsal: bool,
    /// Where use cases read the time ([`App::now`]).
    clock: clock::Clock,
    /// The desktop app's lock on the data file ([`App::open_exclusive`]).
    _lock: Option<std::fs::File>,
    /// This database's desk when it belongs to a group of desks, loaded
    /// once ([`App::desk_ctx`]).
    desk: Option<Box<desk::DeskCtx>>,
    /// The desk list version the search index was built at.
    index_list_version: i64,
}

/// What changed in the data since a read, cheaply: the database's change
/// mark ([`tobaucu_store::DayRead::change_mark`]: `PRAGMA data_version`,
/// which moves with every commit of another connection or process, and this
/// connection's own changes) and the bundle store file's length and time of
/// last change. Two equal marks: nothing was written in between. The one
/// home of "has anything changed" for what is remembered between calls
/// (the room screen, the board's checked results).
pub(crate) type DataMark = ((i64, i64), Option<(u64, Option<std::time::SystemTime>)>);

impl App {
    /// This moment's [`DataMark`].
    pub(crate) fn data_mark(&self) -> Result<DataMark> {
        use tobaucu_store::DayRead;
        let db = self.store.change_mark()?;
        let pack = self.store.pack_path().and_then(|p| std::fs::metadata(p).ok()).map(|m| (m.len(), m.modified().ok()));
        Ok((db, pack))
    }
}

/// Takes the one-window lock of the data file at `path` (`<file>-dang-mo`);
/// refused when another window holds it.
pub(crate) fn lock_window(path: &Path) -> Result<std::fs::File> {
    let lock_path = tobaucu_store::sidefiles::beside(path, tobaucu_store::sidefiles::Side::WindowLock);
    let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path).map_err(|e| Error::io(&lock_path, &e))?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::refused(
            ErrorCode::InUse,
            format!(
                "tệp dữ liệu {} đang được mở trong một cửa sổ Tổ Bầu Cử khác trên máy này; hãy dùng cửa sổ đó, hoặc đóng nó rồi mở lại (không mở hai cửa sổ trên cùng một tệp để tránh nhầm lẫn)",
                path.display()
            ),
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&lock_path, &e)),
    }
}

impl App {
    /// Opens (creating) the database at `path`.
    pub fn open(path: &Path) -> Result<App> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() && !dir.exists() {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
            }
        }
        let mut app = App::on(Store::open(path)?, path.to_path_buf());
        app.load_definition()?;
        Ok(app)
    }

    /// An app on `store`, nothing loaded yet.
    fn on(store: Store, db_path: PathBuf) -> App {
        App {
            store,
            db_path,
            def: None,
            index: None,
            tallies: Default::default(),
            unit: None,
            room: None,
            memo: Default::default(),
            rehearsal: false,
            clock: clock::Clock::System,
            _lock: None,
            desk: None,
            index_list_version: 0,
        }
    }

    /// Opens the database for the desktop app: one window per data file.
    /// An exclusive lock on `<database>-dang-mo` is held while the app runs
    /// (released by the system when the process ends, even by a crash); a
    /// second window on the same file is refused with a clear message
    /// instead of two people working on one file without knowing it. The
    /// CLI opens with [`App::open`] and may run beside the app: SQLite
    /// serialises the writes.
    pub fn open_exclusive(path: &Path) -> Result<App> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() && !dir.exists() {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
            }
        }
        let lock = lock_window(path)?;
        let mut app = App::open(path)?;
        app._lock = Some(lock);
        Ok(app)
    }

    /// An in-memory database (tests, benchmarks).
    pub fn open_in_memory() -> Result<App> {
        Ok(App::on(Store::open_in_memory()?, PathBuf::from(":memory:")))
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// The time now, as this app's clock says (ICT).
    pub fn now(&self) -> chrono::DateTime<chrono::FixedOffset> {
        self.clock.now()
    }

    /// Sets where this app reads the time: a fixed moment for a use case
    /// run in process, or back to the system clock.
    pub fn set_clock(&mut self, clock: clock::Clock) {
        self.clock = clock;
    }

    fn load_definition(&mut self) -> Result<()> {
        if let Some(mut unit) = self.store.unit()? {
            let mut def = election::parse(&unit.election_json).map_err(|d| Error::Internal(format!("định nghĩa bầu cử đã lưu không đọc được: {}", d.len())))?;
            self.add_rounds(&mut def)?;
            self.def = Some(def);
            self.rehearsal = {
                use tobaucu_store::RehearsalRead;
                self.store.rehearsal()?.is_some_and(|r| r.official_at.is_none())
            };
            unit.election_json = String::new();
            self.unit = Some(unit);
        }
        Ok(())
    }

    /// Later rounds (Art. 79-80) as levels of their own: those opened at a
    /// team, those declared at a board (and carried to it).
    fn add_rounds(&self, def: &mut ElectionDefinition) -> Result<()> {
        use tobaucu_store::{BoardRead, PaperRead};
        let rounds: Vec<(String, i64, String, i64, String)> = self
            .store
            .team_rounds()?
            .into_iter()
            .map(|r| (r.constituency_id, r.number, r.kind, r.seats, r.candidates))
            .chain(self.store.board_rounds()?.into_iter().map(|r| (r.constituency_id, r.number, r.kind, r.seats, r.candidates)))
            .collect();
        for (c, number, kind, seats, ids) in rounds {
            let ids: Vec<String> = serde_json::from_str(&ids).map_err(|e| Error::Internal(e.to_string()))?;
            def.add_round(&c, convert::stored_u32("số vòng bầu", number)?, &kind, convert::stored_u32("số ghế của vòng bầu", seats)?, &ids)
                .map_err(|e| Error::Internal(format!("vòng bầu cử đã lưu không hợp với định nghĩa: {e}")))?;
        }
        Ok(())
    }

    /// Reads the definition and rounds again (after a round is opened or
    /// declared).
    pub(crate) fn reload_definition(&mut self) -> Result<()> {
        self.load_definition()
    }

    /// This database's unit row (without the definition's text), cached.
    pub(crate) fn unit_row(&self) -> Result<Option<tobaucu_store::UnitRow>> {
        match &self.unit {
            Some(u) => Ok(Some(u.clone())),
            None => Ok(self.store.unit_brief()?),
        }
    }

    /// The election definition, or a refusal when the database is not set up.
    fn def(&self) -> Result<&ElectionDefinition> {
        self.def.as_ref().ok_or_else(|| Error::refused(ErrorCode::NotSetUp, "cơ sở dữ liệu chưa được thiết lập; hãy chạy \"tobaucu setup ELECTION.json --area MÃ_KHU_VỰC\" trước"))
    }

    /// Direct store access for tests and benchmarks.
    #[doc(hidden)]
    pub fn store(&self) -> &Store {
        &self.store
    }
}
