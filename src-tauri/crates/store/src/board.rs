//! What a board records about each constituency's Ban bầu cử for its
//! minutes (roster, meeting, events, complaints, attached documents) and
//! the rounds it declares (`0008_board_minutes.sql`).

use rusqlite::{params, OptionalExtension};

use crate::{Read, Result, Tx};

/// One member of a Ban bầu cử: `role` is `leader` (Trưởng ban), `deputy`
/// (Phó Trưởng ban) or `member` (Ủy viên).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardMemberRow {
    pub constituency_id: String,
    pub role: String,
    pub position: i64,
    pub name: String,
}

/// The meeting that makes one round's minutes, and its events (item d).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BoardMeetingRow {
    pub constituency_id: String,
    pub round: i64,
    /// `YYYY-MM-DD`, with `meeting_time`.
    pub meeting_date: Option<String>,
    /// `HH:MM`.
    pub meeting_time: Option<String>,
    pub place: Option<String>,
    pub events: Option<String>,
}

/// An item of a round's minutes: `kind` is `settled` (item e),
/// `forwarded` (item g) or `attached` (tài liệu kèm theo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardNoteRow {
    pub constituency_id: String,
    pub round: i64,
    pub kind: String,
    pub position: i64,
    pub text: String,
}

/// What the Ban decided about a complaint a Tổ forwarded to it
/// (`0015_board_team_complaints.sql`): `decision` is `settled` (item e,
/// `text` says how) or `forwarded` (item g, `text` says to whom, when).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardTeamComplaintRow {
    pub constituency_id: String,
    pub round: i64,
    pub area_id: String,
    /// The complaint's number in the area's minutes.
    pub complaint_id: i64,
    pub decision: String,
    pub text: String,
}

/// A declared round (bầu cử lại `revote`, bầu cử thêm `additional`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardRoundRow {
    pub constituency_id: String,
    pub number: i64,
    pub kind: String,
    pub seats: i64,
    /// JSON array of candidate ids, in ballot order.
    pub candidates: String,
    pub declared_at: String,
}

/// Reads of the Ban's facts and rounds.
pub trait BoardRead: Read {
    /// The Ban's members of a constituency: leader, deputies, members, each in order.
    fn board_roster(&self, constituency: &str) -> Result<Vec<BoardMemberRow>> {
        let mut st = self.conn().prepare_cached(
            "SELECT constituency_id, role, position, name FROM board_roster WHERE constituency_id = ?1
             ORDER BY CASE role WHEN 'leader' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END, position",
        )?;
        let rows = st.query_map([constituency], |r| Ok(BoardMemberRow { constituency_id: r.get(0)?, role: r.get(1)?, position: r.get(2)?, name: r.get(3)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn board_meeting(&self, constituency: &str, round: i64) -> Result<Option<BoardMeetingRow>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT constituency_id, round, meeting_date, meeting_time, place, events FROM board_meeting WHERE constituency_id = ?1 AND round = ?2")?
            .query_row(params![constituency, round], |r| {
                Ok(BoardMeetingRow { constituency_id: r.get(0)?, round: r.get(1)?, meeting_date: r.get(2)?, meeting_time: r.get(3)?, place: r.get(4)?, events: r.get(5)? })
            })
            .optional()?)
    }

    /// A round's items of every kind, each kind in order.
    fn board_notes(&self, constituency: &str, round: i64) -> Result<Vec<BoardNoteRow>> {
        let mut st = self.conn().prepare_cached("SELECT constituency_id, round, kind, position, text FROM board_note WHERE constituency_id = ?1 AND round = ?2 ORDER BY kind, position")?;
        let rows = st.query_map(params![constituency, round], |r| Ok(BoardNoteRow { constituency_id: r.get(0)?, round: r.get(1)?, kind: r.get(2)?, position: r.get(3)?, text: r.get(4)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The Ban's decisions on the complaints its teams forwarded, for a
    /// round, by area and complaint number.
    fn board_team_complaints(&self, constituency: &str, round: i64) -> Result<Vec<BoardTeamComplaintRow>> {
        let mut st = self.conn().prepare_cached(
            "SELECT constituency_id, round, area_id, complaint_id, decision, text FROM board_team_complaint
             WHERE constituency_id = ?1 AND round = ?2 ORDER BY area_id, complaint_id",
        )?;
        let rows = st.query_map(params![constituency, round], |r| {
            Ok(BoardTeamComplaintRow { constituency_id: r.get(0)?, round: r.get(1)?, area_id: r.get(2)?, complaint_id: r.get(3)?, decision: r.get(4)?, text: r.get(5)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every declared round, by constituency and number.
    fn board_rounds(&self) -> Result<Vec<BoardRoundRow>> {
        let mut st = self.conn().prepare_cached("SELECT constituency_id, number, kind, seats, candidates, declared_at FROM board_round ORDER BY constituency_id, number")?;
        let rows = st.query_map([], |r| Ok(BoardRoundRow { constituency_id: r.get(0)?, number: r.get(1)?, kind: r.get(2)?, seats: r.get(3)?, candidates: r.get(4)?, declared_at: r.get(5)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl<T: Read + ?Sized> BoardRead for T {}

impl Tx<'_> {
    /// Replaces the Ban's members of `role` for a constituency by `names`
    /// (positions 1, 2, …).
    pub fn set_board_role(&self, constituency: &str, role: &str, names: &[String]) -> Result<()> {
        self.tx.prepare_cached("DELETE FROM board_roster WHERE constituency_id = ?1 AND role = ?2")?.execute(params![constituency, role])?;
        let mut st = self.tx.prepare_cached("INSERT INTO board_roster (constituency_id, role, position, name) VALUES (?1, ?2, ?3, ?4)")?;
        for (i, n) in names.iter().enumerate() {
            st.execute(params![constituency, role, i as i64 + 1, n])?;
        }
        Ok(())
    }

    /// Writes a round's meeting row whole (insert or replace).
    pub fn upsert_board_meeting(&self, m: &BoardMeetingRow) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO board_meeting (constituency_id, round, meeting_date, meeting_time, place, events) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (constituency_id, round) DO UPDATE SET meeting_date = excluded.meeting_date, meeting_time = excluded.meeting_time,
                   place = excluded.place, events = excluded.events",
            )?
            .execute(params![m.constituency_id, m.round, m.meeting_date, m.meeting_time, m.place, m.events])?;
        Ok(())
    }

    /// Replaces a round's items of `kind` by `texts` (positions 1, 2, …).
    pub fn set_board_notes(&self, constituency: &str, round: i64, kind: &str, texts: &[String]) -> Result<()> {
        self.tx.prepare_cached("DELETE FROM board_note WHERE constituency_id = ?1 AND round = ?2 AND kind = ?3")?.execute(params![constituency, round, kind])?;
        let mut st = self.tx.prepare_cached("INSERT INTO board_note (constituency_id, round, kind, position, text) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        for (i, t) in texts.iter().enumerate() {
            st.execute(params![constituency, round, kind, i as i64 + 1, t])?;
        }
        Ok(())
    }

    /// Records the Ban's decision on a complaint a team forwarded (replacing
    /// an earlier one); `None` takes the decision back.
    pub fn set_board_team_complaint(&self, constituency: &str, round: i64, area: &str, complaint: i64, decision: Option<(&str, &str)>) -> Result<()> {
        self.tx.prepare_cached("DELETE FROM board_team_complaint WHERE constituency_id = ?1 AND round = ?2 AND area_id = ?3 AND complaint_id = ?4")?.execute(params![
            constituency,
            round,
            area,
            complaint
        ])?;
        if let Some((d, text)) = decision {
            self.tx.prepare_cached("INSERT INTO board_team_complaint (constituency_id, round, area_id, complaint_id, decision, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?.execute(params![
                constituency,
                round,
                area,
                complaint,
                d,
                text
            ])?;
        }
        Ok(())
    }

    pub fn insert_board_round(&self, r: &BoardRoundRow) -> Result<()> {
        self.tx.prepare_cached("INSERT INTO board_round (constituency_id, number, kind, seats, candidates, declared_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?.execute(params![
            r.constituency_id,
            r.number,
            r.kind,
            r.seats,
            r.candidates,
            r.declared_at
        ])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    #[test]
    fn a_declared_round_is_never_edited_and_checks_hold() -> Result<()> {
        let mut s = Store::open_in_memory()?;
        let round = BoardRoundRow {
            constituency_id: "XA-04".into(),
            number: 2,
            kind: "additional".into(),
            seats: 2,
            candidates: r#"["XA-04-4","XA-04-5"]"#.into(),
            declared_at: "2026-03-16T08:00:00+07:00".into(),
        };
        s.write(|tx| tx.insert_board_round(&round))?;
        assert_eq!(s.board_rounds()?, vec![round.clone()]);
        let edit = s.write(|tx| Ok::<_, crate::Error>(tx.tx.execute("UPDATE board_round SET seats = 1", [])?));
        assert!(edit.is_err());
        let del = s.write(|tx| Ok::<_, crate::Error>(tx.tx.execute("DELETE FROM board_round", [])?));
        assert!(del.is_err());
        assert_eq!(s.board_rounds()?.len(), 1);
        // CHECKs: a first round is not declared, candidates are a JSON array.
        for bad in [
            BoardRoundRow { number: 1, ..round.clone() },
            BoardRoundRow { number: 3, candidates: "XA-04-4".into(), ..round.clone() },
            BoardRoundRow { number: 3, kind: "second".into(), ..round.clone() },
        ] {
            assert!(s.write(|tx| tx.insert_board_round(&bad)).is_err(), "{bad:?}");
        }
        // A meeting's time goes with its date.
        let m = BoardMeetingRow { constituency_id: "XA-04".into(), round: 1, meeting_time: Some("08:30".into()), ..BoardMeetingRow::default() };
        assert!(s.write(|tx| tx.upsert_board_meeting(&m)).is_err());
        let m = BoardMeetingRow { meeting_date: Some("2026-03-16".into()), ..m };
        s.write(|tx| tx.upsert_board_meeting(&m))?;
        assert_eq!(s.board_meeting("XA-04", 1)?, Some(m));
        // Roles are replaced as a whole, in order; one leader.
        s.write(|tx| tx.set_board_role("XA-04", "deputy", &["B".into(), "C".into()]))?;
        s.write(|tx| tx.set_board_role("XA-04", "leader", &["A".into()]))?;
        let names: Vec<String> = s.board_roster("XA-04")?.into_iter().map(|m| m.name).collect();
        assert_eq!(names, ["A", "B", "C"]);
        assert!(s.write(|tx| tx.set_board_role("XA-04", "leader", &["A".into(), "D".into()])).is_err());
        s.write(|tx| tx.set_board_notes("XA-04", 1, "attached", &["Đơn 1".into(), "Tờ trình".into()]))?;
        assert_eq!(s.board_notes("XA-04", 1)?.len(), 2);
        Ok(())
    }
}
