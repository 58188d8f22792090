//! The facts of election day the official paper needs (NQ 40, Mẫu 18/23,
//! 32): the opening check of the ballot box and its two witnesses, when
//! voting started and ended, the events of the day and night and how they
//! were handled, the matters left unsettled and the Tổ's recommendations,
//! and the recounts after which E02/E03 may be carried with an
//! explanation. Each change is one audited transaction; none once a level's
//! minutes are locked (they print on every level's minutes).

use crate::ErrorCode;
use tobaucu_core::text::clean;
use tobaucu_ipc::{DayFactsDto, IncidentDto, IncidentInput, OpeningInput, PersonDto, RecommendationDto};
use tobaucu_store::{IncidentRow, PaperRead, PersonRow};

use super::audit_row;
use crate::convert::stored_u32;
use crate::{clock, App, Error, Result};
use serde_json::json;
use tobaucu_ipc::SummaryDto;
use tobaucu_store::Read;

/// "7:5", "07:05" → "07:05"; anything else is refused with the field named.
pub(crate) fn hhmm(s: &str, what: &str) -> Result<String> {
    let t = s.trim();
    let bad = || Error::refused(ErrorCode::Time, format!("{what}: \"{t}\" không phải giờ hợp lệ; viết theo dạng GIỜ:PHÚT, ví dụ 07:00"));
    let (h, m) = t.split_once([':', 'h', 'g']).ok_or_else(bad)?;
    let h: u8 = h.trim().parse().map_err(|_| bad())?;
    let m: u8 = if m.trim().is_empty() { 0 } else { m.trim().parse().map_err(|_| bad())? };
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(format!("{h:02}:{m:02}"))
}

impl App {
    fn refuse_if_any_locked(tx: &impl Read, levels: &[String]) -> Result<()> {
        for l in levels {
            Self::refuse_if_locked(tx, l)?;
        }
        Ok(())
    }

    fn team_levels(&self) -> Result<Vec<String>> {
        self.count_ctx_any()?;
        Ok(self.def()?.level_codes())
    }

    /// The day's facts as recorded.
    pub fn day_facts(&self) -> Result<DayFactsDto> {
        let s = &self.store;
        Ok(DayFactsDto {
            opening_time: s.voting_time("opening")?,
            opening_witnesses: s.opening_witnesses()?.into_iter().map(|p| PersonDto { name: p.name, address: p.address }).collect(),
            closing_time: s.voting_time("closing")?,
            incidents: s.incidents()?.into_iter().map(incident_dto).collect::<Result<_>>()?,
            recommendations: s
                .recommendations()?
                .into_iter()
                .map(|r| Ok(RecommendationDto { id: stored_u32("số kiến nghị", r.id)?, text: r.text, recorded_at: r.recorded_at }))
                .collect::<Result<_>>()?,
        })
    }

    /// `opening --time HH:MM --witness NAME --address ADDR …`: the check of
    /// the ballot box before voting and the two voters who witnessed it.
    pub fn record_opening(&mut self, input: &OpeningInput) -> Result<DayFactsDto> {
        let levels = self.team_levels()?;
        let time = hhmm(&input.time, "giờ bắt đầu bỏ phiếu")?;
        let people = super::clean_people(&input.witnesses);
        if people.len() != 2 {
            return Err(Error::refused(ErrorCode::Witnesses, format!("việc kiểm tra hòm phiếu cần đúng hai cử tri chứng kiến, đã ghi {}", people.len())));
        }
        self.check_witnesses(&people, "cử tri chứng kiến việc kiểm tra hòm phiếu")?;
        let at = clock::stamp(self.now());
        let rows: Vec<PersonRow> = people.iter().map(|p| PersonRow { name: p.name.clone(), address: p.address.clone() }).collect();
        self.store.write(|tx| {
            Self::refuse_if_any_locked(tx, &levels)?;
            let before = json!({"time": tx.voting_time("opening")?, "witnesses": tx.opening_witnesses()?.iter().map(|p| json!({"name": p.name, "address": p.address})).collect::<Vec<_>>()});
            tx.set_voting_time("opening", &time, &at)?;
            tx.set_opening_witnesses(&rows)?;
            let after = json!({"time": time, "witnesses": rows.iter().map(|p| json!({"name": p.name, "address": p.address})).collect::<Vec<_>>()});
            tx.append_audit(&audit_row(&at, "day.opening", "kiểm tra hòm phiếu trước khi bỏ phiếu".into(), "", Some(before), Some(after)))?;
            Ok::<_, Error>(())
        })?;
        self.day_facts()
    }

    /// `closing --time HH:MM`: the Tổ trưởng declared voting over.
    pub fn record_closing(&mut self, time: &str) -> Result<DayFactsDto> {
        let levels = self.team_levels()?;
        let time = hhmm(time, "giờ kết thúc bỏ phiếu")?;
        // On election day, the end of voting is recorded once it happened
        // (written up the next morning is fine; ahead of time is not).
        let now = self.now();
        let now_hm = now.format("%H:%M").to_string();
        if now.date_naive() == self.def()?.election.date && time > now_hm {
            return Err(Error::refused(ErrorCode::Time, format!("giờ kết thúc bỏ phiếu {time} chưa đến (bây giờ là {now_hm}); ghi khi đã kết thúc bỏ phiếu")));
        }
        let at = clock::stamp(now);
        self.store.write(|tx| {
            Self::refuse_if_any_locked(tx, &levels)?;
            let before = tx.voting_time("closing")?;
            tx.set_voting_time("closing", &time, &at)?;
            tx.append_audit(&audit_row(&at, "day.closing", "kết thúc bỏ phiếu".into(), "", Some(json!({"time": before})), Some(json!({"time": time}))))?;
            Ok::<_, Error>(())
        })?;
        self.day_facts()
    }

    /// `incident add --what TEXT [--time HH:MM] [--handled TEXT]`.
    pub fn add_incident(&mut self, input: &IncidentInput) -> Result<IncidentDto> {
        let levels = self.team_levels()?;
        let what = clean(&input.what);
        if what.is_empty() {
            return Err(Error::refused(ErrorCode::Incident, "cần ghi sự việc đã xảy ra (--what)"));
        }
        let time = input.time.as_deref().filter(|t| !t.trim().is_empty()).map(|t| hhmm(t, "giờ xảy ra sự việc")).transpose()?;
        let handled = input.handled.as_deref().map(clean).unwrap_or_default();
        let at = clock::stamp(self.now());
        let row = IncidentRow { id: 0, time, what, handled, recorded_at: at.clone() };
        let id = self.store.write(|tx| {
            Self::refuse_if_any_locked(tx, &levels)?;
            let id = tx.insert_incident(&row)?;
            tx.append_audit(&audit_row(&at, "day.incident", format!("sự việc số {id}"), "", None, Some(json!({"time": row.time, "what": row.what, "handled": row.handled}))))?;
            Ok::<_, Error>(id)
        })?;
        incident_dto(IncidentRow { id, ..row })
    }

    /// `recommend TEXT`: a matter the Tổ could not settle, and its
    /// recommendation (item 7).
    pub fn recommend(&mut self, text: &str) -> Result<RecommendationDto> {
        let levels = self.team_levels()?;
        let text = clean(text);
        if text.is_empty() {
            return Err(Error::refused(ErrorCode::Recommendation, "cần ghi vấn đề chưa giải quyết được hoặc kiến nghị"));
        }
        let at = clock::stamp(self.now());
        let id = self.store.write(|tx| {
            Self::refuse_if_any_locked(tx, &levels)?;
            let id = tx.insert_recommendation(&text, &at)?;
            tx.append_audit(&audit_row(&at, "day.recommend", format!("kiến nghị số {id}"), "", None, Some(json!({"text": text}))))?;
            Ok::<_, Error>(id)
        })?;
        Ok(RecommendationDto { id: stored_u32("số kiến nghị", id)?, text, recorded_at: at })
    }

    /// `count recount --level L`: the Tổ recounted the ballots of a level.
    /// After it, E02/E03 may be carried into the minutes with a written
    /// explanation (`count accept --code E02 --reason …`).
    pub fn record_recount(&mut self, level: &str, note: &str) -> Result<SummaryDto> {
        self.count_ctx(level)?;
        let note = clean(note);
        let at = clock::stamp(self.now());
        self.store.write(|tx| {
            Self::refuse_if_locked(tx, level)?;
            let id = tx.insert_recount(level, &note, &at)?;
            tx.append_audit(&audit_row(&at, "count.recount", format!("cấp {level}, lần kiểm lại số {id}"), &note, None, Some(json!({"level": level}))))?;
            Ok::<_, Error>(())
        })?;
        self.summary(level)
    }
}

fn incident_dto(r: IncidentRow) -> Result<IncidentDto> {
    Ok(IncidentDto { id: stored_u32("số sự việc", r.id)?, time: r.time, what: r.what, handled: r.handled, recorded_at: r.recorded_at })
}

#[cfg(test)]
mod tests {
    use super::hhmm;

    #[test]
    fn times_are_read_as_people_write_them() {
        assert_eq!(hhmm("7:00", "x").ok().as_deref(), Some("07:00"));
        assert_eq!(hhmm(" 19:05 ", "x").ok().as_deref(), Some("19:05"));
        assert_eq!(hhmm("7h30", "x").ok().as_deref(), Some("07:30"));
        assert_eq!(hhmm("7g", "x").ok().as_deref(), Some("07:00"));
        for bad in ["24:00", "7:60", "bảy giờ", "", "7", "-1:00"] {
            assert!(hhmm(bad, "x").is_err(), "{bad}");
        }
    }
}
