//! Queries. Reads are on the [`Read`] trait (a store or a transaction);
//! writes only on [`Tx`].

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::rows::*;
use crate::{Result, Tx};

const VOTER_COLS: &str = "id, stt, name, birth_date, gender, ethnicity, id_number, residence, note, status, certificate, mobile_box, added_at, residence_temporary, residence_current";

fn voter_from_row(r: &Row<'_>) -> rusqlite::Result<VoterRow> {
    Ok(VoterRow {
        id: r.get(0)?,
        stt: r.get(1)?,
        name: r.get(2)?,
        birth_date: r.get(3)?,
        gender: r.get(4)?,
        ethnicity: r.get(5)?,
        id_number: r.get(6)?,
        residence: r.get(7)?,
        note: r.get(8)?,
        status: r.get(9)?,
        certificate: r.get(10)?,
        mobile_box: r.get::<_, i64>(11)? != 0,
        added_at: r.get(12)?,
        residence_temporary: r.get(13)?,
        residence_current: r.get(14)?,
        levels: Vec::new(),
    })
}

/// Reads, available on a [`crate::Store`] and inside a [`Tx`].
pub trait Read {
    fn conn(&self) -> &Connection;

    fn unit(&self) -> Result<Option<UnitRow>> {
        Ok(self
            .conn()
            .query_row("SELECT kind, unit_id, election_id, election_json, election_sha256, mode, created_at FROM unit WHERE id = 1", [], |r| {
                Ok(UnitRow { kind: r.get(0)?, unit_id: r.get(1)?, election_id: r.get(2)?, election_json: r.get(3)?, election_sha256: r.get(4)?, mode: r.get(5)?, created_at: r.get(6)? })
            })
            .optional()?)
    }

    /// The unit row without the election definition's text (cheap: read on
    /// every bundle import).
    fn unit_brief(&self) -> Result<Option<UnitRow>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT kind, unit_id, election_id, election_sha256, mode, created_at FROM unit WHERE id = 1")?
            .query_row([], |r| {
                Ok(UnitRow { kind: r.get(0)?, unit_id: r.get(1)?, election_id: r.get(2)?, election_json: String::new(), election_sha256: r.get(3)?, mode: r.get(4)?, created_at: r.get(5)? })
            })
            .optional()?)
    }

    /// Every voter in STT order, with levels.
    fn voters(&self) -> Result<Vec<VoterRow>> {
        let conn = self.conn();
        let mut levels: HashMap<i64, Vec<String>> = HashMap::new();
        {
            let mut stmt = conn.prepare_cached("SELECT voter_id, level FROM voter_level ORDER BY voter_id, rowid")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
            for row in rows {
                let (id, level) = row?;
                levels.entry(id).or_default().push(level);
            }
        }
        let mut stmt = conn.prepare_cached(&format!("SELECT {VOTER_COLS} FROM voter ORDER BY stt"))?;
        let rows = stmt.query_map([], voter_from_row)?;
        let mut out = Vec::new();
        for row in rows {
            let mut v = row?;
            v.levels = levels.remove(&v.id).unwrap_or_default();
            out.push(v);
        }
        Ok(out)
    }

    fn voter_by_stt(&self, stt: i64) -> Result<Option<VoterRow>> {
        let conn = self.conn();
        let v = conn.prepare_cached(&format!("SELECT {VOTER_COLS} FROM voter WHERE stt = ?1"))?.query_row([stt], voter_from_row).optional()?;
        let Some(mut v) = v else { return Ok(None) };
        v.levels = voter_levels(conn, v.id)?;
        Ok(Some(v))
    }

    fn voter_by_id_number(&self, id_number: &str) -> Result<Option<VoterRow>> {
        let stt: Option<i64> = self.conn().query_row("SELECT stt FROM voter WHERE id_number = ?1", [id_number], |r| r.get(0)).optional()?;
        match stt {
            Some(stt) => self.voter_by_stt(stt),
            None => Ok(None),
        }
    }

    fn voter_count(&self) -> Result<i64> {
        Ok(self.conn().query_row("SELECT count(*) FROM voter", [], |r| r.get(0))?)
    }

    fn max_stt(&self) -> Result<i64> {
        Ok(self.conn().query_row("SELECT coalesce(max(stt), 0) FROM voter", [], |r| r.get(0))?)
    }

    /// Every live check-in, by voter.
    fn live_checkins(&self) -> Result<Vec<CheckinRow>> {
        let mut stmt = self.conn().prepare_cached("SELECT voter_id, level, at, mobile_box FROM checkin WHERE undone_at IS NULL ORDER BY voter_id, id")?;
        let rows = stmt.query_map([], checkin_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn live_checkins_of(&self, voter_id: i64) -> Result<Vec<CheckinRow>> {
        let mut stmt = self.conn().prepare_cached("SELECT voter_id, level, at, mobile_box FROM checkin WHERE voter_id = ?1 AND undone_at IS NULL ORDER BY id")?;
        let rows = stmt.query_map([voter_id], checkin_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Active voters listed per level.
    fn listed_per_level(&self) -> Result<HashMap<String, i64>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT vl.level, count(*) FROM voter_level vl JOIN voter v ON v.id = vl.voter_id
             WHERE v.status = 'active' GROUP BY vl.level",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Voters with a live check-in, per level.
    fn voted_per_level(&self) -> Result<HashMap<String, i64>> {
        let mut stmt = self.conn().prepare_cached("SELECT level, count(DISTINCT voter_id) FROM checkin WHERE undone_at IS NULL GROUP BY level")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many voters have a live check-in for any level.
    fn checked_in_voters(&self) -> Result<i64> {
        Ok(self.conn().query_row("SELECT count(DISTINCT voter_id) FROM checkin WHERE undone_at IS NULL", [], |r| r.get(0))?)
    }

    /// The time of each voter's first live check-in.
    fn first_checkin_times(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare_cached("SELECT min(at) FROM checkin WHERE undone_at IS NULL GROUP BY voter_id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn snapshots(&self) -> Result<Vec<SnapshotRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached("SELECT id, name, taken_at FROM turnout_snapshot ORDER BY taken_at, id")?;
        let heads: Vec<(i64, String, String)> = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
        let mut lv = conn.prepare_cached("SELECT level, listed, voted FROM turnout_snapshot_level WHERE snapshot_id = ?1 ORDER BY rowid")?;
        let mut out = Vec::new();
        for (id, name, taken_at) in heads {
            let levels = lv.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
            out.push(SnapshotRow { id, name, taken_at, levels });
        }
        Ok(out)
    }

    /// The latest audit entries whose action is one of `actions`, newest
    /// first: (action, at).
    fn recent_audit(&self, actions: &[&str], limit: u32) -> Result<Vec<(String, String)>> {
        let list = actions.iter().map(|a| format!("'{}'", a.replace('\'', "''"))).collect::<Vec<_>>().join(", ");
        let mut stmt = self.conn().prepare(&format!("SELECT action, at FROM audit_log WHERE action IN ({list}) ORDER BY id DESC LIMIT ?1"))?;
        let rows = stmt.query_map([limit], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn audit(&self) -> Result<Vec<AuditRow>> {
        let mut stmt = self.conn().prepare_cached("SELECT id, at, action, subject, reason, before, after FROM audit_log ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok(AuditRow { id: r.get(0)?, at: r.get(1)?, action: r.get(2)?, subject: r.get(3)?, reason: r.get(4)?, before: r.get(5)?, after: r.get(6)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn checkin_from_row(r: &Row<'_>) -> rusqlite::Result<CheckinRow> {
    Ok(CheckinRow { voter_id: r.get(0)?, level: r.get(1)?, at: r.get(2)?, mobile_box: r.get::<_, i64>(3)? != 0 })
}

fn voter_levels(conn: &Connection, voter_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT level FROM voter_level WHERE voter_id = ?1 ORDER BY rowid")?;
    let rows = stmt.query_map([voter_id], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Tx<'_> {
    pub fn insert_unit(&self, u: &UnitRow) -> Result<()> {
        self.tx.execute(
            "INSERT INTO unit (id, kind, unit_id, election_id, election_json, election_sha256, mode, created_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![u.kind, u.unit_id, u.election_id, u.election_json, u.election_sha256, u.mode, u.created_at],
        )?;
        Ok(())
    }

    /// Inserts a voter and its levels; returns the row id.
    pub fn insert_voter(&self, v: &VoterRow) -> Result<i64> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO voter (stt, name, birth_date, gender, ethnicity, id_number, residence, note, status, certificate, mobile_box, added_at, residence_temporary, residence_current)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?;
        stmt.execute(params![
            v.stt,
            v.name,
            v.birth_date,
            v.gender,
            v.ethnicity,
            v.id_number,
            v.residence,
            v.note,
            v.status,
            v.certificate,
            i64::from(v.mobile_box),
            v.added_at,
            v.residence_temporary,
            v.residence_current
        ])?;
        let id = self.tx.last_insert_rowid();
        self.set_levels(id, &v.levels)?;
        Ok(id)
    }

    /// Replaces every field of an existing voter (by row id), levels included.
    pub fn update_voter(&self, v: &VoterRow) -> Result<()> {
        self.tx.execute(
            "UPDATE voter SET stt = ?2, name = ?3, birth_date = ?4, gender = ?5, ethnicity = ?6, id_number = ?7,
             residence = ?8, note = ?9, status = ?10, certificate = ?11, mobile_box = ?12,
             residence_temporary = ?13, residence_current = ?14 WHERE id = ?1",
            params![
                v.id,
                v.stt,
                v.name,
                v.birth_date,
                v.gender,
                v.ethnicity,
                v.id_number,
                v.residence,
                v.note,
                v.status,
                v.certificate,
                i64::from(v.mobile_box),
                v.residence_temporary,
                v.residence_current
            ],
        )?;
        self.set_levels(v.id, &v.levels)
    }

    fn set_levels(&self, voter_id: i64, levels: &[String]) -> Result<()> {
        self.tx.prepare_cached("DELETE FROM voter_level WHERE voter_id = ?1")?.execute([voter_id])?;
        let mut stmt = self.tx.prepare_cached("INSERT INTO voter_level (voter_id, level) VALUES (?1, ?2)")?;
        for l in levels {
            stmt.execute(params![voter_id, l])?;
        }
        Ok(())
    }

    /// Deletes every voter (only used to replace a list before any check-in).
    pub fn delete_all_voters(&self) -> Result<()> {
        self.tx.execute("DELETE FROM voter", [])?;
        Ok(())
    }

    pub fn insert_checkin(&self, voter_id: i64, level: &str, at: &str, mobile_box: bool) -> Result<()> {
        self.tx.prepare_cached("INSERT INTO checkin (voter_id, level, at, mobile_box) VALUES (?1, ?2, ?3, ?4)")?.execute(params![voter_id, level, at, i64::from(mobile_box)])?;
        Ok(())
    }

    /// Marks live check-ins of `voter_id` for `level` as undone; returns how many.
    pub fn undo_checkin(&self, voter_id: i64, level: &str, at: &str, reason: &str) -> Result<usize> {
        Ok(self.tx.execute("UPDATE checkin SET undone_at = ?3, undo_reason = ?4 WHERE voter_id = ?1 AND level = ?2 AND undone_at IS NULL", params![voter_id, level, at, reason])?)
    }

    pub fn insert_snapshot(&self, name: &str, taken_at: &str, levels: &[(String, i64, i64)]) -> Result<i64> {
        self.tx.execute("INSERT INTO turnout_snapshot (name, taken_at) VALUES (?1, ?2)", params![name, taken_at])?;
        let id = self.tx.last_insert_rowid();
        let mut stmt = self.tx.prepare_cached("INSERT INTO turnout_snapshot_level (snapshot_id, level, listed, voted) VALUES (?1, ?2, ?3, ?4)")?;
        for (level, listed, voted) in levels {
            stmt.execute(params![id, level, listed, voted])?;
        }
        Ok(id)
    }

    /// Appends an audit entry linked to the previous one by its hash.
    pub fn append_audit(&self, a: &AuditRow) -> Result<i64> {
        crate::bundles::append_chained(self.tx, a)
    }
}
