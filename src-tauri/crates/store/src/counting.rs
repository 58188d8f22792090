//! Queries of counting night: roster, kiểm kê, ballots, tally sheets,
//! complaints, accepted warnings and minutes revisions.

use rusqlite::{params, OptionalExtension, Row};

use crate::queries::Read;
use crate::rows::*;
use crate::{Result, Tx};

const BALLOT_COLS: &str = "id, level, seq, batch_id, kept, invalid_reason, at, undone_at IS NOT NULL";

fn ballot_from_row(r: &Row<'_>) -> rusqlite::Result<BallotRow> {
    Ok(BallotRow { id: r.get(0)?, level: r.get(1)?, seq: r.get(2)?, batch_id: r.get(3)?, kept: r.get(4)?, invalid_reason: r.get(5)?, at: r.get(6)?, undone: r.get(7)? })
}

fn complaint_from_row(r: &Row<'_>) -> rusqlite::Result<ComplaintRow> {
    Ok(ComplaintRow { id: r.get(0)?, level: r.get(1)?, received_at: r.get(2)?, complainant: r.get(3)?, content: r.get(4)?, status: r.get(5)?, outcome: r.get(6)?, resolved_at: r.get(7)? })
}

/// Counting reads, on a store or inside a transaction.
pub trait CountRead: Read {
    /// `PRAGMA data_version`: changes when another connection committed.
    fn data_version(&self) -> Result<i64> {
        Ok(self.conn().query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    fn team(&self) -> Result<Vec<TeamMemberRow>> {
        let mut st = self
            .conn()
            .prepare_cached("SELECT role, position, name, address FROM team_member ORDER BY CASE role WHEN 'leader' THEN 0 WHEN 'secretary' THEN 1 WHEN 'member' THEN 2 ELSE 3 END, position")?;
        let rows = st.query_map([], |r| Ok(TeamMemberRow { role: r.get(0)?, position: r.get(1)?, name: r.get(2)?, address: r.get(3)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn inventory(&self, level: &str) -> Result<Option<InventoryRow>> {
        Ok(self
            .conn()
            .query_row("SELECT level, received, unused, spoiled, issued, recorded_at FROM inventory WHERE level = ?1", [level], |r| {
                Ok(InventoryRow { level: r.get(0)?, received: r.get(1)?, unused: r.get(2)?, spoiled: r.get(3)?, issued: r.get(4)?, recorded_at: r.get(5)? })
            })
            .optional()?)
    }

    /// Every ballot of a level in entry order, undone ones included.
    fn ballots(&self, level: &str) -> Result<Vec<BallotRow>> {
        let mut st = self.conn().prepare_cached(&format!("SELECT {BALLOT_COLS} FROM ballot WHERE level = ?1 ORDER BY seq"))?;
        let rows = st.query_map([level], ballot_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The last ballot of a level still counted.
    fn last_live_ballot(&self, level: &str) -> Result<Option<BallotRow>> {
        Ok(self.conn().prepare_cached(&format!("SELECT {BALLOT_COLS} FROM ballot WHERE level = ?1 AND undone_at IS NULL ORDER BY seq DESC LIMIT 1"))?.query_row([level], ballot_from_row).optional()?)
    }

    fn max_ballot_seq(&self, level: &str) -> Result<i64> {
        Ok(self.conn().prepare_cached("SELECT coalesce(max(seq), 0) FROM ballot WHERE level = ?1")?.query_row([level], |r| r.get(0))?)
    }

    fn batches(&self, level: &str) -> Result<Vec<BatchRow>> {
        let mut st = self.conn().prepare_cached("SELECT id, level, recorder, source, created_at FROM ballot_batch WHERE level = ?1 ORDER BY id")?;
        let rows = st.query_map([level], |r| Ok(BatchRow { id: r.get(0)?, level: r.get(1)?, recorder: r.get(2)?, source: r.get(3)?, created_at: r.get(4)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn tally_entries(&self, level: &str) -> Result<Vec<TallyEntryRow>> {
        let mut st = self.conn().prepare_cached("SELECT level, entry, data, entered_by, entered_at FROM tally_entry WHERE level = ?1 ORDER BY entry")?;
        let rows = st.query_map([level], |r| Ok(TallyEntryRow { level: r.get(0)?, entry: r.get(1)?, data: r.get(2)?, entered_by: r.get(3)?, entered_at: r.get(4)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn complaints(&self) -> Result<Vec<ComplaintRow>> {
        let mut st = self.conn().prepare_cached("SELECT id, level, received_at, complainant, content, status, outcome, resolved_at FROM complaint ORDER BY id")?;
        let rows = st.query_map([], complaint_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn complaint(&self, id: i64) -> Result<Option<ComplaintRow>> {
        Ok(self.conn().query_row("SELECT id, level, received_at, complainant, content, status, outcome, resolved_at FROM complaint WHERE id = ?1", [id], complaint_from_row).optional()?)
    }

    fn acceptances(&self, level: &str) -> Result<Vec<AcceptanceRow>> {
        let mut st = self.conn().prepare_cached("SELECT level, code, reason, accepted_at FROM check_acceptance WHERE level = ?1 ORDER BY code")?;
        let rows = st.query_map([level], |r| Ok(AcceptanceRow { level: r.get(0)?, code: r.get(1)?, reason: r.get(2)?, accepted_at: r.get(3)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every revision of a level's minutes, oldest first.
    fn revisions(&self, level: &str) -> Result<Vec<RevisionRow>> {
        let mut st = self.conn().prepare_cached(
            "SELECT r.level, r.revision, r.finalized_at, r.reason, r.data, r.sha256, o.reopened_at, o.reason
             FROM minutes_revision r LEFT JOIN minutes_reopen o ON o.level = r.level AND o.revision = r.revision
             WHERE r.level = ?1 ORDER BY r.revision",
        )?;
        let rows = st.query_map([level], |r| {
            let at: Option<String> = r.get(6)?;
            let why: Option<String> = r.get(7)?;
            Ok(RevisionRow { level: r.get(0)?, revision: r.get(1)?, finalized_at: r.get(2)?, reason: r.get(3)?, data: r.get(4)?, sha256: r.get(5)?, reopened: at.zip(why) })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl<T: Read + ?Sized> CountRead for T {}

impl Tx<'_> {
    /// Replaces every member of `role` by `names` (positions 1, 2, …).
    pub fn set_team_role(&self, role: &str, names: &[String]) -> Result<()> {
        let people: Vec<(String, Option<String>)> = names.iter().map(|n| (n.clone(), None)).collect();
        self.set_team_people(role, &people)
    }

    /// Replaces every member of `role` by `people` (name, nơi ở hiện nay).
    pub fn set_team_people(&self, role: &str, people: &[(String, Option<String>)]) -> Result<()> {
        self.tx.execute("DELETE FROM team_member WHERE role = ?1", [role])?;
        let mut st = self.tx.prepare_cached("INSERT INTO team_member (role, position, name, address) VALUES (?1, ?2, ?3, ?4)")?;
        for (i, (n, a)) in people.iter().enumerate() {
            st.execute(params![role, i as i64 + 1, n, a])?;
        }
        Ok(())
    }

    pub fn upsert_inventory(&self, i: &InventoryRow) -> Result<()> {
        self.tx.execute(
            "INSERT INTO inventory (level, received, unused, spoiled, issued, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (level) DO UPDATE SET received = excluded.received, unused = excluded.unused,
               spoiled = excluded.spoiled, issued = excluded.issued, recorded_at = excluded.recorded_at",
            params![i.level, i.received, i.unused, i.spoiled, i.issued, i.recorded_at],
        )?;
        Ok(())
    }

    pub fn insert_batch(&self, level: &str, recorder: &str, source: &str, at: &str) -> Result<i64> {
        self.tx.prepare_cached("INSERT INTO ballot_batch (level, recorder, source, created_at) VALUES (?1, ?2, ?3, ?4)")?.execute(params![level, recorder, source, at])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn insert_ballot(&self, b: &BallotRow) -> Result<i64> {
        self.tx.prepare_cached("INSERT INTO ballot (level, seq, batch_id, kept, invalid_reason, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?.execute(params![
            b.level,
            b.seq,
            b.batch_id,
            b.kept,
            b.invalid_reason,
            b.at
        ])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn undo_ballot(&self, id: i64, at: &str, reason: &str) -> Result<()> {
        self.tx.execute("UPDATE ballot SET undone_at = ?2, undo_reason = ?3 WHERE id = ?1 AND undone_at IS NULL", params![id, at, reason])?;
        Ok(())
    }

    pub fn upsert_tally_entry(&self, e: &TallyEntryRow) -> Result<()> {
        self.tx.execute(
            "INSERT INTO tally_entry (level, entry, data, entered_by, entered_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (level, entry) DO UPDATE SET data = excluded.data, entered_by = excluded.entered_by, entered_at = excluded.entered_at",
            params![e.level, e.entry, e.data, e.entered_by, e.entered_at],
        )?;
        Ok(())
    }

    pub fn insert_complaint(&self, c: &ComplaintRow) -> Result<i64> {
        self.tx.execute("INSERT INTO complaint (level, received_at, complainant, content) VALUES (?1, ?2, ?3, ?4)", params![c.level, c.received_at, c.complainant, c.content])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn resolve_complaint(&self, id: i64, status: &str, outcome: &str, at: &str) -> Result<()> {
        self.tx.execute("UPDATE complaint SET status = ?2, outcome = ?3, resolved_at = ?4 WHERE id = ?1", params![id, status, outcome, at])?;
        Ok(())
    }

    pub fn upsert_acceptance(&self, a: &AcceptanceRow) -> Result<()> {
        self.tx.execute(
            "INSERT INTO check_acceptance (level, code, reason, accepted_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (level, code) DO UPDATE SET reason = excluded.reason, accepted_at = excluded.accepted_at",
            params![a.level, a.code, a.reason, a.accepted_at],
        )?;
        Ok(())
    }

    pub fn insert_revision(&self, r: &RevisionRow) -> Result<()> {
        self.tx.execute(
            "INSERT INTO minutes_revision (level, revision, finalized_at, reason, data, sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![r.level, r.revision, r.finalized_at, r.reason, r.data, r.sha256],
        )?;
        Ok(())
    }

    pub fn insert_reopen(&self, level: &str, revision: i64, at: &str, reason: &str) -> Result<()> {
        self.tx.execute("INSERT INTO minutes_reopen (level, revision, reopened_at, reason) VALUES (?1, ?2, ?3, ?4)", params![level, revision, at, reason])?;
        Ok(())
    }
}
