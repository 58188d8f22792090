//! Nhiều bàn phát phiếu (issue 14): this desk, the events of every desk,
//! peers, refusals, the pairing code (migration 0016).

use rusqlite::{params, OptionalExtension, Row};

use crate::{Read, Result, Tx};

/// What a desk reads before each event it makes ([`DeskRead::desk_clock`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskClock {
    pub ms: i64,
    pub count: i64,
    /// Put back from a backup and not caught up yet: since when.
    pub held_since: Option<String>,
    /// Desks heard from since the hold, separated by spaces.
    pub held_heard: String,
    /// The most events of this desk's own chain any desk said it holds.
    pub known_own: i64,
    /// This desk's own head: its last event's number (0: none yet), hash
    /// and stamp. Its clock is the later of the stored one (what it saw of
    /// other desks) and this stamp, so an event writes no clock row.
    pub head_seq: i64,
    pub head_hash: String,
    pub head_ms: i64,
    pub head_count: i64,
}

/// This database's desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskSelfRow {
    pub role: String,
    pub desk: i64,
    pub name: String,
    pub group_id: String,
    pub authority_public: String,
    pub authority_secret: Option<String>,
    pub sign_secret: String,
    pub noise_secret: String,
    pub cert: String,
    pub enabled: bool,
    pub listen: String,
    pub peers: String,
    /// The clock as seen of other desks (merges, join); not the whole
    /// clock: this desk's own last event may be later ([`DeskClock`]).
    pub hlc_ms: i64,
    pub hlc_count: i64,
    pub list_version: i64,
    pub created_at: String,
}

/// One desk event as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskEventRow {
    pub desk: i64,
    pub seq: i64,
    pub hlc_ms: i64,
    pub hlc_count: i64,
    pub at: String,
    pub kind: String,
    pub stt: i64,
    pub body: String,
    pub prev: String,
    pub hash: String,
    pub sig: String,
}

/// Another desk of the group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskPeerRow {
    pub desk: i64,
    pub name: String,
    pub cert: String,
    pub addr: String,
    pub status: String,
    pub since: Option<String>,
    pub last_seen: Option<String>,
    pub known_seq: i64,
}

/// A machine refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskRefusalRow {
    pub at: String,
    pub addr: String,
    pub code: String,
    pub detail: String,
}

const SELF_COLS: &str = "role, desk, name, group_id, authority_public, authority_secret, sign_secret, noise_secret, cert, enabled, listen, peers, hlc_ms, hlc_count, list_version, created_at";
const EVENT_COLS: &str = "desk, seq, hlc_ms, hlc_count, at, kind, stt, body, prev, hash, sig";

fn event_row(r: &Row<'_>) -> rusqlite::Result<DeskEventRow> {
    Ok(DeskEventRow {
        desk: r.get(0)?,
        seq: r.get(1)?,
        hlc_ms: r.get(2)?,
        hlc_count: r.get(3)?,
        at: r.get(4)?,
        kind: r.get(5)?,
        stt: r.get(6)?,
        body: r.get(7)?,
        prev: r.get(8)?,
        hash: r.get(9)?,
        sig: r.get(10)?,
    })
}

fn peer_row(r: &Row<'_>) -> rusqlite::Result<DeskPeerRow> {
    Ok(DeskPeerRow { desk: r.get(0)?, name: r.get(1)?, cert: r.get(2)?, addr: r.get(3)?, status: r.get(4)?, since: r.get(5)?, last_seen: r.get(6)?, known_seq: r.get(7)? })
}

/// Reads of the desk tables.
pub trait DeskRead: Read {
    fn desk_self(&self) -> Result<Option<DeskSelfRow>> {
        Ok(self
            .conn()
            .prepare_cached(&format!("SELECT {SELF_COLS} FROM desk_self WHERE id = 1"))?
            .query_row([], |r| {
                Ok(DeskSelfRow {
                    role: r.get(0)?,
                    desk: r.get(1)?,
                    name: r.get(2)?,
                    group_id: r.get(3)?,
                    authority_public: r.get(4)?,
                    authority_secret: r.get(5)?,
                    sign_secret: r.get(6)?,
                    noise_secret: r.get(7)?,
                    cert: r.get(8)?,
                    enabled: r.get::<_, i64>(9)? != 0,
                    listen: r.get(10)?,
                    peers: r.get(11)?,
                    hlc_ms: r.get(12)?,
                    hlc_count: r.get(13)?,
                    list_version: r.get(14)?,
                    created_at: r.get(15)?,
                })
            })
            .optional()?)
    }

    /// What a desk reads before each event it makes, in one query: its
    /// hybrid logical clock (đồng hồ lai), the hold of a desk put back from
    /// a backup (migration 0020), the most events of its own chain any desk
    /// said it holds, and its own head. Not the whole row with its keys and
    /// certificate.
    fn desk_clock(&self) -> Result<Option<DeskClock>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT s.hlc_ms, s.hlc_count, s.held_since, s.held_heard, coalesce((SELECT known_seq FROM desk_peer p WHERE p.desk = s.desk), 0),
                        coalesce(e.seq, 0), coalesce(e.hash, ''), coalesce(e.hlc_ms, 0), coalesce(e.hlc_count, 0)
                 FROM desk_self s LEFT JOIN desk_event e ON e.desk = s.desk AND e.seq = (SELECT max(seq) FROM desk_event WHERE desk = s.desk)
                 WHERE s.id = 1",
            )?
            .query_row([], |r| {
                Ok(DeskClock {
                    ms: r.get(0)?,
                    count: r.get(1)?,
                    held_since: r.get(2)?,
                    held_heard: r.get(3)?,
                    known_own: r.get(4)?,
                    head_seq: r.get(5)?,
                    head_hash: r.get(6)?,
                    head_ms: r.get(7)?,
                    head_count: r.get(8)?,
                })
            })
            .optional()?)
    }

    /// How many audit entries have `action`.
    fn audit_count(&self, action: &str) -> Result<i64> {
        Ok(self.conn().prepare_cached("SELECT count(*) FROM audit_log WHERE action = ?1")?.query_row([action], |r| r.get(0))?)
    }

    /// Every event, desk by desk in order.
    fn desk_events(&self) -> Result<Vec<DeskEventRow>> {
        let mut stmt = self.conn().prepare_cached(&format!("SELECT {EVENT_COLS} FROM desk_event ORDER BY desk, seq"))?;
        let rows = stmt.query_map([], event_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Events of `desk` after number `after`, in order.
    fn desk_events_after(&self, desk: i64, after: i64) -> Result<Vec<DeskEventRow>> {
        let mut stmt = self.conn().prepare_cached(&format!("SELECT {EVENT_COLS} FROM desk_event WHERE desk = ?1 AND seq > ?2 ORDER BY seq"))?;
        let rows = stmt.query_map([desk, after], event_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every event about voter `stt`.
    fn desk_events_of(&self, stt: i64) -> Result<Vec<DeskEventRow>> {
        let mut stmt = self.conn().prepare_cached(&format!("SELECT {EVENT_COLS} FROM desk_event WHERE stt = ?1 ORDER BY desk, seq"))?;
        let rows = stmt.query_map([stt], event_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Per desk: the last event's number and hash.
    fn desk_heads(&self) -> Result<Vec<(i64, i64, String)>> {
        let mut stmt = self.conn().prepare_cached("SELECT desk, seq, hash FROM desk_event e WHERE seq = (SELECT max(seq) FROM desk_event WHERE desk = e.desk) ORDER BY desk")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Desk `desk`'s last event number and hash.
    fn desk_head(&self, desk: i64) -> Result<Option<(i64, String)>> {
        Ok(self.conn().prepare_cached("SELECT seq, hash FROM desk_event WHERE desk = ?1 ORDER BY seq DESC LIMIT 1")?.query_row([desk], |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
    }

    fn desk_peers(&self) -> Result<Vec<DeskPeerRow>> {
        let mut stmt = self.conn().prepare_cached("SELECT desk, name, cert, addr, status, since, last_seen, known_seq FROM desk_peer ORDER BY desk")?;
        let rows = stmt.query_map([], peer_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The latest refusals, newest first.
    fn desk_refusals(&self, limit: i64) -> Result<Vec<DeskRefusalRow>> {
        let mut stmt = self.conn().prepare_cached("SELECT at, addr, code, detail FROM desk_refusal ORDER BY id DESC LIMIT ?1")?;
        let rows = stmt.query_map([limit], |r| Ok(DeskRefusalRow { at: r.get(0)?, addr: r.get(1)?, code: r.get(2)?, detail: r.get(3)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The pairing code, its expiry and failed attempts.
    fn desk_pairing(&self) -> Result<Option<(String, String, i64)>> {
        Ok(self.conn().prepare_cached("SELECT code, expires_at, failures FROM desk_pairing WHERE id = 1")?.query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional()?)
    }

    /// Per desk: voters with a live check-in standing for that desk's event.
    fn live_voters_per_desk(&self) -> Result<Vec<(Option<i64>, i64)>> {
        let mut stmt = self.conn().prepare_cached("SELECT desk, count(DISTINCT voter_id) FROM checkin WHERE undone_at IS NULL GROUP BY desk ORDER BY desk")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Live check-ins of a voter: (level, desk, desk_seq).
    fn live_checkins_of_full(&self, voter_id: i64) -> Result<Vec<LevelAtDesk>> {
        let mut stmt = self.conn().prepare_cached("SELECT level, desk, desk_seq FROM checkin WHERE voter_id = ?1 AND undone_at IS NULL ORDER BY id")?;
        let rows = stmt.query_map([voter_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Live check-ins with the desk event each stands for:
    /// (stt, level, at, mobile_box, desk, desk_seq).
    fn live_checkins_by_stt(&self) -> Result<Vec<LiveAtDesk>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT v.stt, c.level, c.at, c.mobile_box, c.desk, c.desk_seq FROM checkin c JOIN voter v ON v.id = c.voter_id WHERE c.undone_at IS NULL ORDER BY v.stt, c.level")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, i64>(3)? != 0, r.get(4)?, r.get(5)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl<T: Read> DeskRead for T {}

/// A live check-in of one voter: (level, desk, desk_seq).
pub type LevelAtDesk = (String, Option<i64>, Option<i64>);

/// A live check-in with the desk event it stands for:
/// (stt, level, at, mobile_box, desk, desk_seq).
pub type LiveAtDesk = (i64, String, String, bool, Option<i64>, Option<i64>);

impl Tx<'_> {
    pub fn insert_desk_self(&self, s: &DeskSelfRow) -> Result<()> {
        self.tx.execute(
            &format!("INSERT INTO desk_self (id, {SELF_COLS}) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"),
            params![
                s.role,
                s.desk,
                s.name,
                s.group_id,
                s.authority_public,
                s.authority_secret,
                s.sign_secret,
                s.noise_secret,
                s.cert,
                i64::from(s.enabled),
                s.listen,
                s.peers,
                s.hlc_ms,
                s.hlc_count,
                s.list_version,
                s.created_at
            ],
        )?;
        Ok(())
    }

    /// Multi-desk on or off, where to listen, whom to dial.
    pub fn set_desk_network(&self, enabled: bool, listen: &str, peers: &str) -> Result<()> {
        self.tx.execute("UPDATE desk_self SET enabled = ?1, listen = ?2, peers = ?3 WHERE id = 1", params![i64::from(enabled), listen, peers])?;
        Ok(())
    }

    /// Moves the stored clock forward (never back): what was seen of other
    /// desks. An event of this desk is not stored here; its stamp is read
    /// back from the desk's head ([`DeskRead::desk_clock`]).
    pub fn set_desk_clock(&self, ms: i64, count: i64) -> Result<()> {
        self.tx.prepare_cached("UPDATE desk_self SET hlc_ms = ?1, hlc_count = ?2 WHERE id = 1 AND (hlc_ms < ?1 OR (hlc_ms = ?1 AND hlc_count < ?2))")?.execute(params![ms, count])?;
        Ok(())
    }

    /// Releases a desk put back from a backup (migration 0020).
    pub fn release_desk_hold(&self) -> Result<()> {
        self.tx.execute("UPDATE desk_self SET held_since = NULL, held_heard = '' WHERE id = 1", [])?;
        Ok(())
    }

    /// Holds this desk from `since` on, whatever held it before: a backup
    /// put back (the hold begins now; nothing heard yet).
    pub fn restart_desk_hold(&self, since: &str) -> Result<()> {
        self.tx.execute("UPDATE desk_self SET held_since = ?1, held_heard = '' WHERE id = 1", params![since])?;
        Ok(())
    }

    /// The desks heard from since the hold (numbers separated by spaces).
    pub fn set_desk_held_heard(&self, heard: &str) -> Result<()> {
        self.tx.execute("UPDATE desk_self SET held_heard = ?1 WHERE id = 1", params![heard])?;
        Ok(())
    }

    /// Sets what desks are known to hold of `desk` (the Tổ trưởng's release
    /// of a hold forgets claims no desk backed with events).
    pub fn set_desk_known(&self, desk: i64, seq: i64) -> Result<()> {
        self.tx.execute("UPDATE desk_peer SET known_seq = ?2 WHERE desk = ?1", params![desk, seq])?;
        Ok(())
    }

    pub fn bump_list_version(&self) -> Result<()> {
        self.tx.execute("UPDATE desk_self SET list_version = list_version + 1 WHERE id = 1", [])?;
        Ok(())
    }

    pub fn insert_desk_event(&self, e: &DeskEventRow, received_at: &str) -> Result<()> {
        self.tx.prepare_cached(&format!("INSERT INTO desk_event ({EVENT_COLS}, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"))?.execute(params![
            e.desk,
            e.seq,
            e.hlc_ms,
            e.hlc_count,
            e.at,
            e.kind,
            e.stt,
            e.body,
            e.prev,
            e.hash,
            e.sig,
            received_at
        ])?;
        Ok(())
    }

    /// Adds a peer, or updates its certificate and name.
    pub fn upsert_desk_peer(&self, desk: i64, name: &str, cert: &str) -> Result<()> {
        self.tx.execute("INSERT INTO desk_peer (desk, name, cert) VALUES (?1, ?2, ?3) ON CONFLICT (desk) DO UPDATE SET name = excluded.name, cert = excluded.cert", params![desk, name, cert])?;
        Ok(())
    }

    /// A peer's contact: status, since when, last seen, address.
    pub fn set_desk_peer_contact(&self, desk: i64, status: &str, since: Option<&str>, last_seen: Option<&str>, addr: Option<&str>) -> Result<()> {
        self.tx.execute(
            "UPDATE desk_peer SET status = ?2, since = coalesce(?3, since), last_seen = coalesce(?4, last_seen), addr = coalesce(?5, addr) WHERE desk = ?1",
            params![desk, status, since, last_seen, addr],
        )?;
        Ok(())
    }

    /// Someone holds `seq` events of `desk`.
    pub fn raise_desk_known(&self, desk: i64, seq: i64) -> Result<()> {
        self.tx.execute("UPDATE desk_peer SET known_seq = ?2 WHERE desk = ?1 AND known_seq < ?2", params![desk, seq])?;
        Ok(())
    }

    pub fn insert_desk_refusal(&self, r: &DeskRefusalRow) -> Result<()> {
        self.tx.execute("INSERT INTO desk_refusal (at, addr, code, detail) VALUES (?1, ?2, ?3, ?4)", params![r.at, r.addr, r.code, r.detail])?;
        Ok(())
    }

    pub fn set_desk_pairing(&self, code: &str, expires_at: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO desk_pairing (id, code, expires_at, failures) VALUES (1, ?1, ?2, 0) ON CONFLICT (id) DO UPDATE SET code = excluded.code, expires_at = excluded.expires_at, failures = 0",
            params![code, expires_at],
        )?;
        Ok(())
    }

    pub fn desk_pairing_failed(&self) -> Result<()> {
        self.tx.execute("UPDATE desk_pairing SET failures = failures + 1 WHERE id = 1", [])?;
        Ok(())
    }

    pub fn clear_desk_pairing(&self) -> Result<()> {
        self.tx.execute("DELETE FROM desk_pairing", [])?;
        Ok(())
    }

    /// A check-in made by a desk event.
    pub fn insert_desk_checkin(&self, voter_id: i64, level: &str, at: &str, mobile_box: bool, desk: i64, seq: i64) -> Result<()> {
        self.tx.prepare_cached("INSERT INTO checkin (voter_id, level, at, mobile_box, desk, desk_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?.execute(params![
            voter_id,
            level,
            at,
            i64::from(mobile_box),
            desk,
            seq
        ])?;
        Ok(())
    }

    /// Replaces which desk event a live check-in stands for (an earlier
    /// check-in of the voter arrived from another desk).
    pub fn retarget_desk_checkin(&self, voter_id: i64, level: &str, at: &str, mobile_box: bool, desk: i64, seq: i64) -> Result<()> {
        self.tx.prepare_cached("UPDATE checkin SET at = ?3, mobile_box = ?4, desk = ?5, desk_seq = ?6 WHERE voter_id = ?1 AND level = ?2 AND undone_at IS NULL")?.execute(params![
            voter_id,
            level,
            at,
            i64::from(mobile_box),
            desk,
            seq
        ])?;
        Ok(())
    }

    /// Marks the desk columns of live check-ins made before multi-desk.
    pub fn stamp_checkin_desk(&self, voter_id: i64, level: &str, desk: i64, seq: i64) -> Result<()> {
        self.tx.prepare_cached("UPDATE checkin SET desk = ?3, desk_seq = ?4 WHERE voter_id = ?1 AND level = ?2 AND undone_at IS NULL")?.execute(params![voter_id, level, desk, seq])?;
        Ok(())
    }
}
