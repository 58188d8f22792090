//! Tỷ lệ cử tri đi bầu: per level, per hour, and named snapshots.

use crate::ErrorCode;
use std::collections::BTreeMap;

use chrono::{DateTime, Timelike};
use tobaucu_core::percent::Percent;
use tobaucu_core::text::clean;
use tobaucu_core::turnout::{per_hour, LevelTurnout};
use tobaucu_ipc::{HourCount, LevelTurnoutDto, LevelTurnoutRow, SnapshotDto, TurnoutDto, TurnoutView};
use tobaucu_store::Read;

use crate::convert::{count_u32, stored_u32};
use crate::{clock, App, Error, Result};

fn row(code: &str, name: &str, listed: i64, voted: i64) -> Result<LevelTurnoutRow> {
    let voters_listed = stored_u32("số cử tri", listed)?;
    let voters_voted = stored_u32("số cử tri đã bỏ phiếu", voted)?;
    let p: Percent = LevelTurnout { listed: u64::from(voters_listed), voted: u64::from(voters_voted) }.percent();
    Ok(LevelTurnoutRow { code: code.into(), name: name.to_owned(), voters_listed, voters_voted, percent: p.as_f64(), percent_vi: p.vi() })
}

impl App {
    fn turnout_rows(&self) -> Result<Vec<LevelTurnoutRow>> {
        let def = self.def()?;
        let listed = self.store.listed_per_level()?;
        let voted = self.store.voted_per_level()?;
        def.levels.iter().map(|l| row(&l.code, &l.name, listed.get(&l.code).copied().unwrap_or(0), voted.get(&l.code).copied().unwrap_or(0))).collect()
    }

    /// `turnout --json`.
    pub fn turnout(&self) -> Result<TurnoutDto> {
        let levels: BTreeMap<tobaucu_ipc::LevelCode, LevelTurnoutDto> =
            self.turnout_rows()?.into_iter().map(|r| (r.code, LevelTurnoutDto { voters_listed: r.voters_listed, voters_voted: r.voters_voted, percent: r.percent })).collect();
        Ok(TurnoutDto { levels })
    }

    /// The dashboard: levels, check-ins per hour, snapshots.
    pub fn turnout_view(&self) -> Result<TurnoutView> {
        let hours = self.store.first_checkin_times()?.iter().filter_map(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.with_timezone(&clock::ict()).hour()).collect::<Vec<_>>();
        let hourly = per_hour(hours).into_iter().map(|(hour, count)| Ok(HourCount { hour, count: count_u32("số cử tri trong giờ", count)? })).collect::<Result<_>>()?;
        Ok(TurnoutView { levels: self.turnout_rows()?, hourly, snapshots: self.snapshots()?, desks: self.desk_turnout()? })
    }

    /// Saves the figures of now under a name ("11 giờ"), for the report the
    /// commune asks for.
    pub fn take_snapshot(&mut self, name: &str) -> Result<SnapshotDto> {
        let name = clean(name);
        if name.is_empty() {
            return Err(Error::refused(ErrorCode::FieldInvalid, "cần đặt tên cho lần báo cáo (ví dụ \"11 giờ\")"));
        }
        let rows = self.turnout_rows()?;
        let at = clock::stamp(self.now());
        let levels: Vec<(String, i64, i64)> = rows.iter().map(|r| (r.code.0.clone(), i64::from(r.voters_listed), i64::from(r.voters_voted))).collect();
        self.store.write(|tx| {
            tx.insert_snapshot(&name, &at, &levels)?;
            tx.append_audit(&tobaucu_store::AuditRow { id: 0, at: at.clone(), action: "turnout.snapshot".into(), subject: name.clone(), reason: String::new(), before: None, after: None })?;
            Ok::<_, Error>(())
        })?;
        Ok(SnapshotDto { name, taken_at: at, levels: rows })
    }

    pub fn snapshots(&self) -> Result<Vec<SnapshotDto>> {
        let def = self.def()?;
        self.store
            .snapshots()?
            .into_iter()
            .map(|s| {
                Ok(SnapshotDto {
                    name: s.name,
                    taken_at: s.taken_at,
                    levels: s.levels.iter().map(|(code, listed, voted)| row(code, def.level(code).map_or("", |l| l.name.as_str()), *listed, *voted)).collect::<Result<_>>()?,
                })
            })
            .collect()
    }
}
