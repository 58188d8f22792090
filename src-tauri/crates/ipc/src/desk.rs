//! Several check-in desks (issue 14): `desk status|anomalies|export|merge`
//! and the screens Nhiều bàn, Cử tri nhận phiếu hai lần, and the per-desk
//! column of Tỷ lệ đi bầu.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One desk of the group as this laptop sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DeskPeerDto {
    pub desk: u32,
    pub name: String,
    /// This laptop.
    pub this: bool,
    /// "self", "connected", "lost" (since `since`) or "never".
    pub status: String,
    pub since: Option<String>,
    pub last_seen: Option<String>,
    /// Where it listens, as last heard.
    pub addr: String,
    /// Its events held here.
    #[ts(type = "number")]
    pub events: u64,
    /// Its events some desk said it holds that are not here yet.
    #[ts(type = "number")]
    pub unmerged: u64,
    /// Voters whose standing check-in is this desk's.
    #[ts(type = "number")]
    pub voters: u64,
    /// Check-ins it made (undone ones included).
    #[ts(type = "number")]
    pub checkins: u64,
    pub last_event_at: Option<String>,
}

/// A machine refused (another election, team, group; a false credential;
/// an altered or replayed message).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DeskRefusalDto {
    pub at: String,
    pub addr: String,
    pub code: String,
    pub detail: String,
}

/// `desk status --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DeskStatusDto {
    /// Multi-desk on (the listener runs while the app is open).
    pub enabled: bool,
    /// "main" or "desk"; "" when this laptop is not in a group.
    pub role: String,
    pub desk: u32,
    pub name: String,
    pub group: String,
    pub listen: String,
    pub peers_config: String,
    /// Main laptop: the pairing code to type on a new desk, while valid.
    pub pairing_code: Option<String>,
    pub pairing_expires: Option<String>,
    pub desks: Vec<DeskPeerDto>,
    pub refusals: Vec<DeskRefusalDto>,
    pub anomalies_open: u32,
    /// Check-ins merged from other desks that the list here would not
    /// have allowed (counted, since the ballot was handed out; the reasons
    /// are in the audit log, `checkin.desk.flagged`).
    pub flagged: u32,
    /// Main laptop: desks that may hold check-ins not merged here.
    pub unmerged_warning: Option<String>,
    /// Put back from a backup and not yet caught up with its own events:
    /// why no check-in is made here for now (migration 0020).
    pub held: Option<String>,
    pub message: String,
}

/// One check-in involved in a double check-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AnomalyCheckinDto {
    /// "desk:seq", what `desk anomalies --resolve … --keep` takes.
    pub id: String,
    pub desk: u32,
    pub desk_name: String,
    pub at: String,
    pub mobile_box: bool,
}

/// A voter checked in for a level at two desks (or more).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AnomalyDto {
    pub stt: u32,
    pub name: String,
    pub level: String,
    pub checkins: Vec<AnomalyCheckinDto>,
    pub resolved: bool,
    pub keep: Option<String>,
    pub reason: Option<String>,
    pub resolved_at: Option<String>,
}

/// `desk package` / `desk join`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DeskJoinResult {
    pub desk: u32,
    pub name: String,
    /// The package written (desk package).
    pub path: Option<String>,
    pub message: String,
}

/// `desk export` / `desk merge`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DeskMergeReport {
    pub files: Vec<String>,
    pub added: u32,
    pub known: u32,
    pub anomalies: u32,
    pub message: String,
}

/// The per-desk column of the turnout screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DeskTurnoutDto {
    pub desk: u32,
    pub name: String,
    pub this: bool,
    #[ts(type = "number")]
    pub voters: u64,
    /// "self", "connected", "lost", "never".
    pub status: String,
    pub last_seen: Option<String>,
}
