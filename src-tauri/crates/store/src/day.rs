//! The board's day and the team's double entry (`0016_board_day.sql`,
//! issue 15): paper minutes checked against the signed file, the board's
//! own accepted warnings, and the decisions on the fields where the two
//! entries of a tally sheet differ.

use rusqlite::params;

use crate::{Read, Result, Tx};

/// One comparison of a Tổ's paper minutes (one level) with the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperCheckRow {
    pub id: i64,
    pub area_id: String,
    pub level: String,
    pub minutes_sha256: String,
    pub code_typed: String,
    /// JSON object of the typed figures.
    pub figures: String,
    /// JSON array of `{field, first, second}`.
    pub differences: String,
    pub entered_by: String,
    pub checked_at: String,
    /// The board's reason, once a difference is settled: (reason, at).
    pub resolution: Option<(String, String)>,
}

/// A board's own warning accepted with a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardAcceptanceRow {
    pub constituency_id: String,
    pub round: i64,
    pub code: String,
    pub reason: String,
    pub accepted_at: String,
}

/// A decision on a differing field of a tally sheet: `action` is `pick`
/// (with `choice`), `reenter` or `third` (with `value`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyFixRow {
    pub id: i64,
    pub level: String,
    pub field: String,
    pub first: i64,
    pub second: i64,
    pub action: String,
    pub choice: Option<i64>,
    pub value: Option<i64>,
    pub entered_by: String,
    pub at: String,
}

/// An area's current result without its data (the room screen's light
/// read: the data is read only for rows not seen before).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaResultKey {
    pub bundle_id: i64,
    pub area_id: String,
    pub level: String,
    pub constituency_id: String,
    pub minutes_sha256: String,
}

/// A current area result's key borrowed from the row being read
/// ([`DayRead::each_current_area_key`]), with the row's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AreaKeyRef<'r> {
    pub rowid: i64,
    pub bundle_id: i64,
    pub area_id: &'r str,
    pub level: &'r str,
    pub constituency_id: &'r str,
    pub minutes_sha256: &'r str,
}

/// Reads of the day's records.
pub trait DayRead: Read {
    /// What changed since a read, cheaply: `PRAGMA data_version` (other
    /// connections' commits) and this connection's own changes.
    fn change_mark(&self) -> Result<(i64, i64)> {
        let v: i64 = self.conn().query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let t: i64 = self.conn().query_row("SELECT total_changes()", [], |r| r.get(0))?;
        Ok((v, t))
    }

    /// The current area results' keys (no data), each handed to `f` as
    /// read, without copying (the room screen reads 30,000 of them at each
    /// refresh after a change).
    fn each_current_area_key(&self, f: &mut dyn FnMut(&AreaKeyRef<'_>)) -> Result<()> {
        let mut st = self.conn().prepare_cached(
            "SELECT r.rowid, r.bundle_id, r.area_id, r.level, r.constituency_id, r.minutes_sha256
             FROM area_result r JOIN bundle b ON b.id = r.bundle_id WHERE b.superseded_by IS NULL",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let text = |i: usize| -> rusqlite::Result<&str> { r.get_ref(i)?.as_str().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))) };
            f(&AreaKeyRef { rowid: r.get(0)?, bundle_id: r.get(1)?, area_id: text(2)?, level: text(3)?, constituency_id: text(4)?, minutes_sha256: text(5)? });
        }
        Ok(())
    }

    /// One area result's data.
    fn area_result_data(&self, k: &AreaResultKey) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn()
            .prepare_cached("SELECT data FROM area_result WHERE bundle_id = ?1 AND area_id = ?2 AND level = ?3")?
            .query_row(params![k.bundle_id, k.area_id, k.level], |r| r.get(0))
            .optional()?)
    }

    /// Areas with a refusal recorded, and no current bundle yet or not.
    fn refused_units(&self) -> Result<Vec<String>> {
        let mut st = self.conn().prepare_cached("SELECT DISTINCT unit_id FROM bundle_refusal WHERE unit_id IS NOT NULL")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
    /// Every paper check, oldest first, with its resolution.
    fn paper_checks(&self) -> Result<Vec<PaperCheckRow>> {
        let mut st = self.conn().prepare_cached(
            "SELECT c.id, c.area_id, c.level, c.minutes_sha256, c.code_typed, c.figures, c.differences, c.entered_by, c.checked_at, r.reason, r.resolved_at
             FROM paper_check c LEFT JOIN paper_resolution r ON r.check_id = c.id ORDER BY c.id",
        )?;
        let rows = st.query_map([], |r| {
            let reason: Option<String> = r.get(9)?;
            let at: Option<String> = r.get(10)?;
            Ok(PaperCheckRow {
                id: r.get(0)?,
                area_id: r.get(1)?,
                level: r.get(2)?,
                minutes_sha256: r.get(3)?,
                code_typed: r.get(4)?,
                figures: r.get(5)?,
                differences: r.get(6)?,
                entered_by: r.get(7)?,
                checked_at: r.get(8)?,
                resolution: reason.zip(at),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every accepted board warning.
    fn board_acceptances(&self) -> Result<Vec<BoardAcceptanceRow>> {
        let mut st = self.conn().prepare_cached("SELECT constituency_id, round, code, reason, accepted_at FROM board_acceptance ORDER BY constituency_id, round, code")?;
        let rows = st.query_map([], |r| Ok(BoardAcceptanceRow { constituency_id: r.get(0)?, round: r.get(1)?, code: r.get(2)?, reason: r.get(3)?, accepted_at: r.get(4)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A level's tally decisions, oldest first.
    fn tally_fixes(&self, level: &str) -> Result<Vec<TallyFixRow>> {
        let mut st = self.conn().prepare_cached("SELECT id, level, field, first, second, action, choice, value, entered_by, at FROM tally_fix WHERE level = ?1 ORDER BY id")?;
        let rows = st.query_map([level], |r| {
            Ok(TallyFixRow {
                id: r.get(0)?,
                level: r.get(1)?,
                field: r.get(2)?,
                first: r.get(3)?,
                second: r.get(4)?,
                action: r.get(5)?,
                choice: r.get(6)?,
                value: r.get(7)?,
                entered_by: r.get(8)?,
                at: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl<T: Read + ?Sized> DayRead for T {}

impl Tx<'_> {
    /// Records one comparison; returns its id.
    pub fn insert_paper_check(&self, c: &PaperCheckRow) -> Result<i64> {
        self.tx
            .prepare_cached("INSERT INTO paper_check (area_id, level, minutes_sha256, code_typed, figures, differences, entered_by, checked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?
            .execute(params![c.area_id, c.level, c.minutes_sha256, c.code_typed, c.figures, c.differences, c.entered_by, c.checked_at])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn insert_paper_resolution(&self, check_id: i64, reason: &str, at: &str) -> Result<()> {
        self.tx.prepare_cached("INSERT INTO paper_resolution (check_id, reason, resolved_at) VALUES (?1, ?2, ?3)")?.execute(params![check_id, reason, at])?;
        Ok(())
    }

    pub fn upsert_board_acceptance(&self, a: &BoardAcceptanceRow) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO board_acceptance (constituency_id, round, code, reason, accepted_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (constituency_id, round, code) DO UPDATE SET reason = excluded.reason, accepted_at = excluded.accepted_at",
            )?
            .execute(params![a.constituency_id, a.round, a.code, a.reason, a.accepted_at])?;
        Ok(())
    }

    pub fn insert_tally_fix(&self, f: &TallyFixRow) -> Result<()> {
        self.tx.prepare_cached("INSERT INTO tally_fix (level, field, first, second, action, choice, value, entered_by, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?.execute(params![
            f.level,
            f.field,
            f.first,
            f.second,
            f.action,
            f.choice,
            f.value,
            f.entered_by,
            f.at
        ])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    #[test]
    fn records_of_the_day_are_append_only_and_checked() -> Result<()> {
        let mut s = Store::open_in_memory()?;
        let c = PaperCheckRow {
            id: 0,
            area_id: "X0412-KV01".into(),
            level: "QH".into(),
            minutes_sha256: "a".repeat(64),
            code_typed: "AAAA".into(),
            figures: "{}".into(),
            differences: r#"[{"field":"votes.2","first":380,"second":308}]"#.into(),
            entered_by: String::new(),
            checked_at: "2026-03-15T23:00:00+07:00".into(),
            resolution: None,
        };
        let id = s.write(|tx| tx.insert_paper_check(&c))?;
        s.write(|tx| tx.insert_paper_resolution(id, "Tổ trưởng xác nhận bản giấy chép nhầm", "2026-03-15T23:05:00+07:00"))?;
        let got = s.paper_checks()?;
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].resolution.as_ref().map(|r| r.0.as_str()), Some("Tổ trưởng xác nhận bản giấy chép nhầm"));
        assert!(s.write(|tx| Ok::<_, crate::Error>(tx.tx.execute("UPDATE paper_check SET differences = '[]'", [])?)).is_err());
        assert!(s.write(|tx| Ok::<_, crate::Error>(tx.tx.execute("DELETE FROM paper_resolution", [])?)).is_err());
        assert!(s.write(|tx| tx.insert_paper_check(&PaperCheckRow { figures: "[1]".into(), ..c.clone() })).is_err(), "figures must be an object");
        let fix =
            TallyFixRow { id: 0, level: "QH".into(), field: "votes.2".into(), first: 5, second: 3, action: "reenter".into(), choice: None, value: None, entered_by: String::new(), at: "t".into() };
        s.write(|tx| tx.insert_tally_fix(&fix))?;
        assert!(s.write(|tx| tx.insert_tally_fix(&TallyFixRow { action: "pick".into(), ..fix.clone() })).is_err(), "a pick names its choice");
        assert!(s.write(|tx| tx.insert_tally_fix(&TallyFixRow { action: "third".into(), ..fix.clone() })).is_err(), "a third entry has a value");
        assert_eq!(s.tally_fixes("QH")?.len(), 1);
        let a = BoardAcceptanceRow { constituency_id: "XA-04".into(), round: 1, code: "A05".into(), reason: "gói thử".into(), accepted_at: "t".into() };
        s.write(|tx| tx.upsert_board_acceptance(&a))?;
        s.write(|tx| tx.upsert_board_acceptance(&BoardAcceptanceRow { reason: "lý do mới".into(), ..a.clone() }))?;
        assert_eq!(s.board_acceptances()?.iter().map(|x| x.reason.as_str()).collect::<Vec<_>>(), ["lý do mới"]);
        assert!(s.write(|tx| tx.upsert_board_acceptance(&BoardAcceptanceRow { code: "W01".into(), ..a.clone() })).is_err(), "only A codes");
        Ok(())
    }
}
