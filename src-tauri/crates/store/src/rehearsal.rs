//! Diễn tập (migration 0017): the rehearsal state of this database, the
//! one-way switch to official that removes what the rehearsal made, the
//! counts of what an election day makes (the zero report), and the
//! outages entered in bulk.
//!
//! The `rehearsal` row is inserted only at setup (a trigger refuses it once
//! the unit exists) and switched once (`official_at`, `removed`; no undo).
//! `Tx::switch_to_official` deletes the rows of the tables in
//! `REHEARSAL_TABLES` (every other table is in `KEPT_TABLES`; a test
//! classifies every table) while a marker row in `official_switch` lets the
//! no-delete triggers pass (migrations 0017, 0018).

use rusqlite::{params, OptionalExtension};

use crate::{Read, Result, Tx};

/// The rehearsal row: present when the unit was set up in rehearsal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RehearsalRow {
    pub started_at: String,
    /// When the Tổ trưởng switched to official; None while rehearsing.
    pub official_at: Option<String>,
    /// What the switch removed (JSON object: table → rows).
    pub removed: Option<String>,
}

/// One outage entered in bulk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutageRow {
    pub id: i64,
    /// "YYYY-MM-DD".
    pub date: String,
    /// "HH:MM".
    pub from_time: String,
    pub to_time: String,
    pub source: String,
    /// The voter numbers, a JSON array.
    pub voters: String,
    pub entered_at: String,
}

/// What the switch to official removes: every table an election day or a
/// counting night writes, in an order the foreign keys allow, with the
/// rows of it that belong to the rehearsal (a `WHERE` clause, or every
/// row). What is not listed is kept: the unit and its definition, the
/// voter list and its changes, the team (Tổ trưởng, Thư ký, Ủy viên; the
/// Ban's roster at a board), the signing key and the keys registered for
/// lower units, the settings, and the audit log (its hash chain is the
/// record: the rehearsal's entries stay in it as history).
pub const REHEARSAL_TABLES: &[(&str, &str)] = &[
    ("checkin", ""),
    ("turnout_snapshot_level", ""),
    ("turnout_snapshot", ""),
    ("outage", ""),
    ("inventory", ""),
    ("ballot", ""),
    ("ballot_batch", ""),
    ("tally_fix", ""),
    ("tally_entry", ""),
    ("complaint", ""),
    ("check_acceptance", ""),
    ("minutes_reopen", ""),
    ("minutes_revision", ""),
    // The two voters who witnessed the counting (the team stays).
    ("team_member", "role = 'witness'"),
    ("voting_time", ""),
    ("opening_witness", ""),
    ("incident", ""),
    ("recommendation", ""),
    ("recount", ""),
    ("error_explanation", ""),
    ("bundle_export", ""),
    ("backup_run", ""),
    // A later round opened in rehearsal entitled every voter of its base
    // level to it: those entitlements go with the round.
    ("voter_level", "level IN (SELECT level || '.v' || number FROM team_round)"),
    ("team_round", ""),
    // A board's imports, results, refusals and meeting facts.
    ("area_result", ""),
    ("bundle_file", ""),
    ("bundle_packed", ""),
    ("lineage", ""),
    ("bundle_withdrawal", ""),
    ("bundle", ""),
    ("bundle_refusal", ""),
    ("board_meeting", ""),
    ("board_note", ""),
    ("board_round", ""),
    // The board's day (0016) and its decisions on forwarded complaints.
    ("paper_resolution", ""),
    ("paper_check", ""),
    ("board_acceptance", ""),
    ("board_team_complaint", ""),
    // A group of desks made while rehearsing (0019): its events, desks,
    // refusals and pairing code; desks are made again for the official day.
    ("desk_event", ""),
    ("desk_refusal", ""),
    ("desk_pairing", ""),
    ("desk_peer", ""),
    ("desk_self", ""),
];

/// The tables the switch keeps whole.
pub const KEPT_TABLES: &[&str] = &["unit", "voter", "voter_level", "signing_key", "registered_key", "setting", "board_roster", "audit_log", "schema_migration", "rehearsal", "official_switch"];

fn where_clause(filter: &str) -> String {
    if filter.is_empty() {
        String::new()
    } else {
        format!(" WHERE {filter}")
    }
}

/// Reads of the rehearsal state.
pub trait RehearsalRead: Read {
    fn rehearsal(&self) -> Result<Option<RehearsalRow>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT started_at, official_at, removed FROM rehearsal WHERE id = 1")?
            .query_row([], |r| Ok(RehearsalRow { started_at: r.get(0)?, official_at: r.get(1)?, removed: r.get(2)? }))
            .optional()?)
    }

    /// Rows of each table the switch to official would remove (in
    /// [`REHEARSAL_TABLES`] order): what the election day and the counting
    /// have made so far. All zero on a fresh database and right after the
    /// switch (the zero report).
    fn activity_counts(&self) -> Result<Vec<(&'static str, i64)>> {
        let mut out = Vec::with_capacity(REHEARSAL_TABLES.len());
        for (table, filter) in REHEARSAL_TABLES {
            let n: i64 = self.conn().prepare_cached(&format!("SELECT count(*) FROM {table}{}", where_clause(filter)))?.query_row([], |r| r.get(0))?;
            out.push((*table, n));
        }
        Ok(out)
    }

    /// Rows of what the switch keeps: (table, rows), the team without the
    /// counting witnesses.
    fn kept_counts(&self) -> Result<Vec<(&'static str, i64)>> {
        let mut out = Vec::new();
        for (table, filter) in [
            ("unit", ""),
            ("voter", ""),
            ("voter_level", ""),
            ("team_member", "role <> 'witness'"),
            ("board_roster", ""),
            ("signing_key", ""),
            ("registered_key", ""),
            ("setting", ""),
            ("audit_log", ""),
        ] {
            let n: i64 = self.conn().prepare_cached(&format!("SELECT count(*) FROM {table}{}", where_clause(filter)))?.query_row([], |r| r.get(0))?;
            out.push((table, n));
        }
        Ok(out)
    }

    /// Every table of the schema (for the test that each one is either
    /// cleared by the switch or kept).
    fn table_names(&self) -> Result<Vec<String>> {
        let mut st = self.conn().prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn outages(&self) -> Result<Vec<OutageRow>> {
        let mut st = self.conn().prepare_cached("SELECT id, date, from_time, to_time, source, voters, entered_at FROM outage ORDER BY id")?;
        let rows = st.query_map([], |r| Ok(OutageRow { id: r.get(0)?, date: r.get(1)?, from_time: r.get(2)?, to_time: r.get(3)?, source: r.get(4)?, voters: r.get(5)?, entered_at: r.get(6)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The latest live check-in: (voter STT, time) — printed on the
    /// check-in list of each backup.
    fn last_checkin(&self) -> Result<Option<(i64, String)>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT v.stt, c.at FROM checkin c JOIN voter v ON v.id = c.voter_id WHERE c.undone_at IS NULL ORDER BY c.at DESC, c.id DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }
}

impl<T: Read + ?Sized> RehearsalRead for T {}

impl Tx<'_> {
    /// Marks the unit being set up as a rehearsal (before its `unit` row
    /// is inserted: the schema refuses it afterwards).
    pub fn insert_rehearsal(&self, started_at: &str) -> Result<()> {
        self.tx.execute("INSERT INTO rehearsal (id, started_at) VALUES (1, ?1)", [started_at])?;
        Ok(())
    }

    /// Chuyển sang chính thức: removes, in this transaction, every row of
    /// [`REHEARSAL_TABLES`] (protected rows through the `official_switch`
    /// marker, inserted first and deleted before returning) and records
    /// the switch. Returns the rows removed per table. Refused by the
    /// schema unless the unit is still rehearsing.
    pub fn switch_to_official(&self, at: &str) -> Result<Vec<(&'static str, i64)>> {
        self.tx.execute("INSERT INTO official_switch (id) VALUES (1)", [])?;
        let mut removed = Vec::with_capacity(REHEARSAL_TABLES.len());
        for (table, filter) in REHEARSAL_TABLES {
            let n = self.tx.execute(&format!("DELETE FROM {table}{}", where_clause(filter)), [])?;
            removed.push((*table, i64::try_from(n).unwrap_or(i64::MAX)));
        }
        self.tx.execute("DELETE FROM official_switch", [])?;
        // Table names are identifiers: the object needs no escaping.
        let json = format!("{{{}}}", removed.iter().map(|(t, n)| format!("\"{t}\":{n}")).collect::<Vec<_>>().join(","));
        self.tx.execute("UPDATE rehearsal SET official_at = ?1, removed = ?2 WHERE id = 1", params![at, json])?;
        Ok(removed)
    }

    pub fn insert_outage(&self, o: &OutageRow) -> Result<i64> {
        self.tx.execute(
            "INSERT INTO outage (date, from_time, to_time, source, voters, entered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![o.date, o.from_time, o.to_time, o.source, o.voters, o.entered_at],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Any SQL (tests of the schema's triggers).
    #[cfg(test)]
    pub(crate) fn raw_execute(&self, sql: &str) -> Result<()> {
        self.tx.execute_batch(sql)?;
        Ok(())
    }
}
