//! Kiểm phiếu: the roster and witnesses, kiểm kê, ballot-by-ballot entry in
//! recorders' batches, the paper tally sheet entered twice, checks, accepted
//! warnings, complaints, the summary of each level (`interfaces.md` §5) and
//! finalizing it into a locked, hashed revision of the minutes.

mod desk;
mod minutes;
mod paper;
mod tally;

pub(crate) use desk::LevelLive;
pub use minutes::MinutesData;

use crate::ErrorCode;
use std::collections::BTreeMap;

use serde_json::{json, Value};
use tobaucu_core::canonical::canonical_json;
use tobaucu_core::checks;
use tobaucu_core::count::{InvalidReason, Inventory};
use tobaucu_core::election::{Constituency, Level};
use tobaucu_core::text::clean;
use tobaucu_ipc::{InventoryDto, InventoryInput, PersonDto, TeamDto, TeamInput};
use tobaucu_store::{AuditRow, CountRead, InventoryRow, Read};

use crate::{clock, App, Error, Result};

/// A figure as the `u32` it crosses IPC as (an area holds at most a few
/// thousand voters and ballots); beyond it refused, never clamped.
fn u32of(x: u64) -> Result<u32> {
    crate::convert::count_u32("số liệu", x)
}

/// A stored figure (never negative: the schema's CHECKs and the app) as
/// `u64`; a negative one was written outside the app and is refused.
fn u64of(x: i64) -> Result<u64> {
    u64::try_from(x).map_err(|_| crate::convert::damaged("số liệu âm", format!("({x})")))
}

fn audit_row(at: &str, action: &str, subject: String, reason: &str, before: Option<Value>, after: Option<Value>) -> AuditRow {
    crate::convert::audit_entry(at, action, subject, reason, before.map(|v| canonical_json(&v)), after.map(|v| canonical_json(&v)))
}

fn by_reason_map(counts: &[u64; 5]) -> Result<BTreeMap<String, u32>> {
    InvalidReason::ALL.iter().map(|r| Ok((r.code().to_owned(), u32of(counts[r.index()])?))).collect()
}

fn inventory_of(row: &InventoryRow) -> Result<Inventory> {
    Ok(Inventory { received: u64of(row.received)?, unused: u64of(row.unused)?, spoiled: u64of(row.spoiled)?, issued_entered: row.issued.map(u64of).transpose()? })
}

fn inventory_dto(row: &InventoryRow) -> Result<InventoryDto> {
    let inv = inventory_of(row)?;
    Ok(InventoryDto {
        level: row.level.clone().into(),
        received: u32of(inv.received)?,
        unused: u32of(inv.unused)?,
        spoiled: u32of(inv.spoiled)?,
        issued: u32of(inv.issued())?,
        issued_entered: row.issued.is_some(),
        recorded_at: row.recorded_at.clone(),
    })
}

/// Short form of a hash for paper: the first 16 hex digits in groups of 4.
/// The code printed for a SHA-256 (minutes data, bundle): its first 128
/// bits in groups of four. A shorter code could be collided by its own
/// author (two different minutes with one code: 40 bits took 3.6 s, 64
/// bits is 2^32 work — issue 11 §10); 128 bits cannot. The full hash is in
/// the QR code.
pub fn short_hash(sha: &str) -> String {
    sha.get(..32).unwrap_or(sha).as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).to_uppercase()).collect::<Vec<_>>().join(" ")
}

fn team_of(r: &impl Read) -> Result<TeamDto> {
    let mut t = TeamDto::default();
    for m in r.team()? {
        match m.role.as_str() {
            "leader" => t.leader = Some(m.name),
            "secretary" => t.secretary = Some(m.name),
            "member" => t.members.push(m.name),
            _ => t.witnesses.push(PersonDto { name: m.name, address: m.address }),
        }
    }
    Ok(t)
}

/// People as typed: NFC, single spaces; an empty address is no address;
/// nameless entries are dropped.
fn clean_people(v: &[PersonDto]) -> Vec<PersonDto> {
    v.iter().map(|p| PersonDto { name: clean(&p.name), address: p.address.as_deref().map(clean).filter(|a| !a.is_empty()) }).filter(|p| !p.name.is_empty()).collect()
}

fn team_json(t: &TeamDto) -> Value {
    json!({"leader": t.leader, "secretary": t.secretary, "members": t.members, "witnesses": t.witnesses})
}

impl App {
    /// This database is a polling team's (its area's id).
    pub(crate) fn count_ctx_any(&self) -> Result<String> {
        let unit = self.store.unit()?.ok_or_else(|| Error::refused(ErrorCode::NotSetUp, "cơ sở dữ liệu chưa được thiết lập"))?;
        if unit.kind != "area" {
            return Err(Error::refused(ErrorCode::NotATeam, "việc này chỉ làm tại tổ bầu cử; cơ sở dữ liệu này là của ban/ủy ban tổng hợp"));
        }
        Ok(unit.unit_id)
    }

    /// The level, its constituency at this area, and the area id. Counting
    /// is the work of a polling team.
    fn count_ctx(&self, level: &str) -> Result<(&Level, &Constituency, String)> {
        let def = self.def()?;
        let unit_id = self.count_ctx_any()?;
        let lv = def.level(level).ok_or_else(|| Error::refused(ErrorCode::UnknownLevel, format!("không có cấp bầu cử \"{level}\"; các cấp: {}", def.level_codes().join(", "))))?;
        let area = def.area(&unit_id).ok_or_else(|| Error::Internal(format!("khu vực {unit_id} không có trong định nghĩa")))?;
        let cid = area.constituencies.get(level).ok_or_else(|| Error::refused(ErrorCode::UnknownLevel, format!("khu vực {} không bầu cấp {level}", area.id)))?;
        let c = def.constituency(cid).ok_or_else(|| Error::Internal(format!("đơn vị bầu cử {cid} không có trong định nghĩa")))?;
        Ok((lv, c, area.id.clone()))
    }

    fn area_candidate_names(&self) -> Result<Vec<String>> {
        let def = self.def()?;
        let Some(unit) = self.unit_row()? else {
            return Ok(Vec::new());
        };
        let Some(area) = def.area(&unit.unit_id) else {
            return Ok(Vec::new());
        };
        Ok(area.constituencies.values().filter_map(|c| def.constituency(c)).flat_map(|c| c.candidates.iter().map(|x| x.name.clone())).collect())
    }

    /// Locked: the latest revision of the level's minutes is not reopened.
    fn is_locked(r: &impl Read, level: &str) -> Result<bool> {
        Ok(r.revisions(level)?.last().is_some_and(|x| x.reopened.is_none()))
    }

    fn refuse_if_locked(r: &impl Read, level: &str) -> Result<()> {
        if Self::is_locked(r, level)? {
            return Err(Error::refused(
                ErrorCode::LevelFinalized,
                format!("biên bản cấp {level} đã khóa (đã hoàn tất); muốn sửa phải mở bản sửa đổi có lý do: tobaucu count reopen --level {level} --reason \"…\""),
            ));
        }
        Ok(())
    }

    // ---- roster ------------------------------------------------------------

    /// Two distinct voters, neither a candidate of this area (Điều 73 and
    /// the forms' "hai cử tri không phải là người ứng cử").
    fn check_witnesses(&self, w: &[PersonDto], what: &str) -> Result<()> {
        if w.len() > 2 {
            return Err(Error::refused(ErrorCode::Witnesses, format!("chỉ mời hai {what}, đã ghi {}", w.len())));
        }
        if w.len() == 2 && tobaucu_core::text::fold(&w[0].name) == tobaucu_core::text::fold(&w[1].name) {
            return Err(Error::refused(ErrorCode::Witnesses, format!("hai {what} phải là hai người khác nhau")));
        }
        let cands = self.area_candidate_names()?;
        for p in w {
            if checks::witness_is_candidate(&p.name, &cands) {
                return Err(Error::refused(ErrorCode::WitnessIsCandidate, format!("{} là người ứng cử tại khu vực bỏ phiếu này nên không được làm {what} (Điều 73, Luật Bầu cử)", p.name)));
            }
        }
        Ok(())
    }

    /// Tổ bầu cử as recorded.
    pub fn team(&self) -> Result<TeamDto> {
        team_of(&self.store)
    }

    /// `team`: replaces the roles it names. A witness may not be a
    /// candidate of this area (`domain.md` §5 step 3).
    pub fn set_team(&mut self, input: &TeamInput) -> Result<TeamDto> {
        self.def()?;
        let clean_list = |v: &Vec<String>| -> Vec<String> { v.iter().map(|s| clean(s)).filter(|s| !s.is_empty()).collect() };
        let leader = input.leader.as_deref().map(clean);
        let secretary = input.secretary.as_deref().map(clean);
        let members = input.members.as_ref().map(clean_list);
        let witnesses = input.witnesses.as_ref().map(|w| clean_people(w));
        if let Some(w) = &witnesses {
            self.check_witnesses(w, "cử tri chứng kiến việc kiểm phiếu")?;
        }
        for (what, v) in [("Tổ trưởng", &leader), ("Thư ký", &secretary)] {
            if v.as_deref() == Some("") {
                return Err(Error::refused(ErrorCode::Team, format!("tên {what} không được để trống")));
            }
        }
        let at = clock::stamp(self.now());
        let store = &mut self.store;
        let before = team_of(store)?;
        let def_levels = self.def.as_ref().map(|d| d.level_codes()).unwrap_or_default();
        store.write(|tx| {
            for l in &def_levels {
                Self::refuse_if_locked(tx, l)?;
            }
            if let Some(l) = &leader {
                tx.set_team_role("leader", std::slice::from_ref(l))?;
            }
            if let Some(s) = &secretary {
                tx.set_team_role("secretary", std::slice::from_ref(s))?;
            }
            if let Some(m) = &members {
                tx.set_team_role("member", m)?;
            }
            if let Some(w) = &witnesses {
                let people: Vec<(String, Option<String>)> = w.iter().map(|p| (p.name.clone(), p.address.clone())).collect();
                tx.set_team_people("witness", &people)?;
            }
            let after = team_of(tx)?;
            tx.append_audit(&audit_row(&at, "team", "tổ bầu cử".into(), "", Some(team_json(&before)), Some(team_json(&after))))?;
            Ok::<_, Error>(())
        })?;
        self.team()
    }

    // ---- kiểm kê ----------------------------------------------------------

    pub fn inventory(&self, level: &str) -> Result<Option<InventoryDto>> {
        self.count_ctx(level)?;
        self.store.inventory(level)?.as_ref().map(inventory_dto).transpose()
    }

    /// `count inventory`: the kiểm kê of a level, before the box is opened.
    /// Saved even when it does not balance (E09 says so).
    pub fn record_inventory(&mut self, i: &InventoryInput) -> Result<InventoryDto> {
        self.count_ctx(&i.level)?;
        let row = InventoryRow {
            level: i.level.0.clone(),
            received: i64::from(i.received),
            unused: i64::from(i.unused),
            spoiled: i64::from(i.spoiled),
            issued: i.issued.map(i64::from),
            recorded_at: clock::stamp(self.now()),
        };
        self.store.write(|tx| {
            Self::refuse_if_locked(tx, &i.level)?;
            let before = tx.inventory(&i.level)?;
            tx.upsert_inventory(&row)?;
            tx.append_audit(&audit_row(
                &row.recorded_at,
                "count.inventory",
                format!("kiểm kê cấp {}", i.level),
                "",
                before.map(|b| json!({"received": b.received, "unused": b.unused, "spoiled": b.spoiled, "issued": b.issued})),
                Some(json!({"received": row.received, "unused": row.unused, "spoiled": row.spoiled, "issued": row.issued})),
            ))?;
            Ok::<_, Error>(())
        })?;
        inventory_dto(&row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{UnitChoice, DEMO_AREA, DEMO_ELECTION};
    use tobaucu_store::RevisionRow;

    fn open(path: &std::path::Path) -> App {
        App::open(path).unwrap()
    }

    // The desk's cached state follows changes made by another connection
    // (a second window, or the CLI on the same file).
    #[test]
    fn two_connections_keep_sequence_and_totals() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::Internal(e.to_string()))?;
        let path = dir.path().join("t.sqlite");
        let mut a = open(&path);
        a.setup(DEMO_ELECTION, &UnitChoice::Area(DEMO_AREA.into()))?;
        let mut b = open(&path);
        assert_eq!(a.enter_ballot("XA", None, "1 2")?.ballot.seq, 1);
        assert_eq!(b.enter_ballot("XA", None, "3")?.ballot.seq, 2);
        let r = a.enter_ballot("XA", None, "-")?;
        assert_eq!(r.ballot.seq, 3);
        assert_eq!((r.live.received, r.live.valid, r.live.invalid), (3, 2, 1));
        b.undo_ballot("XA", "nhầm")?;
        let live = a.live_tally("XA")?;
        assert_eq!((live.received, live.valid), (2, 2));
        // Locked by the other connection (a revision written as finalize
        // writes it): the desk with its cached state refuses too.
        b.store.write(|tx| {
            tx.insert_revision(&RevisionRow {
                level: "XA".into(),
                revision: 1,
                finalized_at: "2026-03-15T21:00:00+07:00".into(),
                reason: String::new(),
                data: "{}".into(),
                sha256: "0".repeat(64),
                reopened: None,
            })?;
            Ok::<_, Error>(())
        })?;
        let e = a.enter_ballot("XA", None, "1").err().map(|e| e.code());
        assert_eq!(e, Some(ErrorCode::LevelFinalized));
        Ok(())
    }

    /// A ballot for a batch that does not exist is refused by its code
    /// (the store's typed foreign-key failure), and nothing is written.
    #[test]
    fn a_ballot_for_an_unknown_batch_is_refused_by_code() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::Internal(e.to_string()))?;
        let mut a = open(&dir.path().join("t.sqlite"));
        a.setup(DEMO_ELECTION, &UnitChoice::Area(DEMO_AREA.into()))?;
        let e = a.enter_ballot("XA", Some(4242), "1 2").err().map(|e| e.code());
        assert_eq!(e, Some(ErrorCode::BatchUnknown));
        assert_eq!(a.live_tally("XA")?.received, 0);
        Ok(())
    }
}
