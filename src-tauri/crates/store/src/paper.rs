//! The facts of the official paper (migration 0007): voting times, the
//! opening check's witnesses, incidents, recommendations, recounts and
//! the explanations that carry E02/E03 into the minutes.

use rusqlite::{params, OptionalExtension};

use crate::rows::*;
use crate::{Read, Result, Tx};

/// Reads of the paper's facts.
pub trait PaperRead: Read {
    /// "HH:MM" of the opening (`opening`) or the end (`closing`) of voting.
    fn voting_time(&self, kind: &str) -> Result<Option<String>> {
        Ok(self.conn().prepare_cached("SELECT time FROM voting_time WHERE kind = ?1")?.query_row([kind], |r| r.get(0)).optional()?)
    }

    fn opening_witnesses(&self) -> Result<Vec<PersonRow>> {
        let mut st = self.conn().prepare_cached("SELECT name, address FROM opening_witness ORDER BY position")?;
        let rows = st.query_map([], |r| Ok(PersonRow { name: r.get(0)?, address: r.get(1)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn incidents(&self) -> Result<Vec<IncidentRow>> {
        let mut st = self.conn().prepare_cached("SELECT id, time, what, handled, recorded_at FROM incident ORDER BY coalesce(time, '99:99'), id")?;
        let rows = st.query_map([], |r| Ok(IncidentRow { id: r.get(0)?, time: r.get(1)?, what: r.get(2)?, handled: r.get(3)?, recorded_at: r.get(4)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn recommendations(&self) -> Result<Vec<RecommendationRow>> {
        let mut st = self.conn().prepare_cached("SELECT id, text, recorded_at FROM recommendation ORDER BY id")?;
        let rows = st.query_map([], |r| Ok(RecommendationRow { id: r.get(0)?, text: r.get(1)?, recorded_at: r.get(2)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many recounts of `level` were recorded.
    fn recounts(&self, level: &str) -> Result<i64> {
        Ok(self.conn().prepare_cached("SELECT count(*) FROM recount WHERE level = ?1")?.query_row([level], |r| r.get(0))?)
    }

    /// Later rounds opened at this team.
    fn team_rounds(&self) -> Result<Vec<TeamRoundRow>> {
        let mut st = self.conn().prepare_cached("SELECT level, number, kind, constituency_id, seats, candidates, declared_at, opened_at FROM team_round ORDER BY level, number")?;
        let rows = st.query_map([], |r| {
            Ok(TeamRoundRow { level: r.get(0)?, number: r.get(1)?, kind: r.get(2)?, constituency_id: r.get(3)?, seats: r.get(4)?, candidates: r.get(5)?, declared_at: r.get(6)?, opened_at: r.get(7)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn explanations(&self, level: &str) -> Result<Vec<ExplanationRow>> {
        let mut st = self.conn().prepare_cached("SELECT level, code, reason, recorded_at FROM error_explanation WHERE level = ?1 ORDER BY code")?;
        let rows = st.query_map([level], |r| Ok(ExplanationRow { level: r.get(0)?, code: r.get(1)?, reason: r.get(2)?, recorded_at: r.get(3)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl<T: Read + ?Sized> PaperRead for T {}

impl Tx<'_> {
    pub fn set_voting_time(&self, kind: &str, time: &str, at: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO voting_time (kind, time, recorded_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (kind) DO UPDATE SET time = excluded.time, recorded_at = excluded.recorded_at",
            params![kind, time, at],
        )?;
        Ok(())
    }

    /// Replaces the opening check's witnesses.
    pub fn set_opening_witnesses(&self, people: &[PersonRow]) -> Result<()> {
        self.tx.execute("DELETE FROM opening_witness", [])?;
        let mut st = self.tx.prepare_cached("INSERT INTO opening_witness (position, name, address) VALUES (?1, ?2, ?3)")?;
        for (i, p) in people.iter().enumerate() {
            st.execute(params![i as i64 + 1, p.name, p.address])?;
        }
        Ok(())
    }

    pub fn insert_incident(&self, i: &IncidentRow) -> Result<i64> {
        self.tx.execute("INSERT INTO incident (time, what, handled, recorded_at) VALUES (?1, ?2, ?3, ?4)", params![i.time, i.what, i.handled, i.recorded_at])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn insert_recommendation(&self, text: &str, at: &str) -> Result<i64> {
        self.tx.execute("INSERT INTO recommendation (text, recorded_at) VALUES (?1, ?2)", params![text, at])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn insert_recount(&self, level: &str, note: &str, at: &str) -> Result<i64> {
        self.tx.execute("INSERT INTO recount (level, note, recorded_at) VALUES (?1, ?2, ?3)", params![level, note, at])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn insert_team_round(&self, r: &TeamRoundRow) -> Result<()> {
        self.tx.execute(
            "INSERT INTO team_round (level, number, kind, constituency_id, seats, candidates, declared_at, opened_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![r.level, r.number, r.kind, r.constituency_id, r.seats, r.candidates, r.declared_at, r.opened_at],
        )?;
        Ok(())
    }

    /// Entitles every voter of `base` to `round` too (the round's ballot
    /// goes to the same voters).
    pub fn add_round_level(&self, base: &str, round: &str) -> Result<usize> {
        Ok(self.tx.execute("INSERT OR IGNORE INTO voter_level (voter_id, level) SELECT voter_id, ?2 FROM voter_level WHERE level = ?1", params![base, round])?)
    }

    pub fn upsert_explanation(&self, e: &ExplanationRow) -> Result<()> {
        self.tx.execute(
            "INSERT INTO error_explanation (level, code, reason, recorded_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (level, code) DO UPDATE SET reason = excluded.reason, recorded_at = excluded.recorded_at",
            params![e.level, e.code, e.reason, e.recorded_at],
        )?;
        Ok(())
    }
}
