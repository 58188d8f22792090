//! The board's day (issue 15): the Tổ's paper minutes checked against the
//! signed file (item 3), the board's own warnings accepted with a reason
//! (item 5), and what the board knows of each area beyond its bundle.

use crate::ErrorCode;
use std::collections::HashMap;

use serde_json::json;
use tobaucu_core::crosscheck::{compare_paper, PaperFigures};
use tobaucu_core::minutes::Minutes;
use tobaucu_core::text::clean;
use tobaucu_ipc::{FieldDiffDto, PaperCheckDto, PaperCheckInput, PaperStatus as Paper};
use tobaucu_store::{BoardAcceptanceRow, BundleRead, DayRead, PaperCheckRow};

use crate::{clock, convert::audit_entry, short_hash, App, Error, Result};

/// An area's paper state: the worst of its levels (any differing level
/// makes it differ; it agrees once every level agrees), with a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AreaPaper {
    pub state: Paper,
    pub note: String,
}

/// "AAAA BBBB …" or "aaaabbbb…" → "AAAABBBB…": the code as typed, compared
/// without spaces and case.
fn normalize_code(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect()
}

fn diffs_of(row: &PaperCheckRow) -> Vec<(String, u64, u64)> {
    serde_json::from_str::<Vec<serde_json::Value>>(&row.differences)
        .unwrap_or_default()
        .iter()
        .map(|d| (d["field"].as_str().unwrap_or("").to_owned(), d["first"].as_u64().unwrap_or(0), d["second"].as_u64().unwrap_or(0)))
        .collect()
}

impl App {
    /// The stored minutes of an area's level at this board (its current
    /// bundle), read strictly.
    fn current_minutes(&self, area: &str, level: &str) -> Result<(tobaucu_store::AreaResultRow, Minutes)> {
        let row = self
            .store
            .current_area_results()?
            .into_iter()
            .find(|r| r.area_id == area && r.level == level)
            .ok_or_else(|| Error::refused(ErrorCode::NoBundle, format!("chưa có gói nào báo cáo khu vực {area} cấp {level}; nhập gói trước rồi mới đối chiếu biên bản giấy")))?;
        super::results::report_of(&row).map_err(|e| Error::refused(ErrorCode::Damaged, e))?;
        let m = Minutes::parse(row.data.as_bytes()).map_err(|e| Error::Internal(e.to_string()))?;
        Ok((row, m))
    }

    /// `paper check`: the figures of a Tổ's paper minutes for one level,
    /// typed once at the board, compared field by field with the signed
    /// file (double entry: the file is the first entry). The minutes' short
    /// code (printed on every page of the paper) is typed in full and must
    /// be the file's. Recorded and logged; a difference blocks the "checked"
    /// status until [`App::paper_resolve`] gives a reason.
    pub fn paper_check(&mut self, input: &PaperCheckInput) -> Result<PaperCheckDto> {
        self.board()?;
        let (row, m) = self.current_minutes(&input.area, &input.level)?;
        let typed = normalize_code(&input.code);
        let want = normalize_code(&short_hash(&row.minutes_sha256));
        if typed != want {
            return Err(Error::refused(
                ErrorCode::PaperCode,
                format!(
                    "mã biên bản đã gõ ({}) không phải mã của biên bản cấp {} khu vực {} trong gói đã nhập; gõ đủ 32 ký tự của dòng \"Mã số liệu\" in ở chân mỗi trang biên bản giấy (biên bản giấy có thể là bản khác, hoặc gõ nhầm)",
                    input.code.trim(),
                    input.level,
                    input.area
                ),
            ));
        }
        if input.votes.len() != m.candidates.len() {
            return Err(Error::refused(ErrorCode::PaperVotes, format!("biên bản cấp {} có {} người ứng cử; đã gõ số phiếu của {}", input.level, m.candidates.len(), input.votes.len())));
        }
        let paper = PaperFigures {
            voters_listed: u64::from(input.voters_listed),
            voters_voted: u64::from(input.voters_voted),
            ballots_issued: u64::from(input.ballots_issued),
            ballots_received: u64::from(input.ballots_received),
            ballots_valid: u64::from(input.ballots_valid),
            ballots_invalid: u64::from(input.ballots_invalid),
            votes: input.votes.iter().map(|v| u64::from(*v)).collect(),
        };
        let diffs = compare_paper(&m, &paper);
        let figures: serde_json::Map<String, serde_json::Value> = paper.named().into_iter().map(|(k, v)| (k, json!(v))).collect();
        let differences = serde_json::Value::Array(diffs.iter().map(|d| json!({"field": d.field, "first": d.first, "second": d.second})).collect());
        let at = clock::stamp(self.now());
        let check = PaperCheckRow {
            id: 0,
            area_id: input.area.clone().into(),
            level: input.level.clone().into(),
            minutes_sha256: row.minutes_sha256.clone(),
            code_typed: input.code.trim().to_owned(),
            figures: serde_json::Value::Object(figures).to_string(),
            differences: differences.to_string(),
            entered_by: clean(&input.entered_by),
            checked_at: at.clone(),
            resolution: None,
        };
        self.store.write(|tx| {
            tx.insert_paper_check(&check)?;
            tx.append_audit(&audit_entry(
                &at,
                "paper.check",
                format!("biên bản giấy cấp {} khu vực {}", input.level, input.area),
                "",
                None,
                Some(json!({"minutes_sha256": row.minutes_sha256, "differences": differences}).to_string()),
            ))?;
            Ok::<_, Error>(())
        })?;
        self.paper_status(&input.area, &input.level)
    }

    /// `paper resolve`: the board settles the differences of the latest
    /// check of an area's level with a written reason (logged).
    pub fn paper_resolve(&mut self, area: &str, level: &str, reason: &str) -> Result<PaperCheckDto> {
        self.board()?;
        let reason = clean(reason);
        if reason.is_empty() {
            return Err(Error::refused(ErrorCode::ReasonRequired, "cần ghi lý do: đã xác minh chênh lệch giữa biên bản giấy và tệp thế nào"));
        }
        let (row, _) = self.current_minutes(area, level)?;
        let last = self.store.paper_checks()?.into_iter().rev().find(|c| c.area_id == area && c.level == level && c.minutes_sha256 == row.minutes_sha256);
        let Some(last) = last else {
            return Err(Error::refused(ErrorCode::NoPaperCheck, format!("chưa gõ biên bản giấy cấp {level} khu vực {area}; không có gì để giải quyết")));
        };
        if diffs_of(&last).is_empty() {
            return Err(Error::refused(ErrorCode::NothingToResolve, format!("biên bản giấy cấp {level} khu vực {area} khớp với tệp; không có chênh lệch nào cần giải quyết")));
        }
        if last.resolution.is_some() {
            return Err(Error::refused(ErrorCode::AlreadyResolved, format!("chênh lệch của biên bản cấp {level} khu vực {area} đã được giải quyết")));
        }
        let at = clock::stamp(self.now());
        self.store.write(|tx| {
            tx.insert_paper_resolution(last.id, &reason, &at)?;
            tx.append_audit(&audit_entry(&at, "paper.resolve", format!("biên bản giấy cấp {level} khu vực {area}"), &reason, Some(last.differences.clone()), None))?;
            Ok::<_, Error>(())
        })?;
        self.paper_status(area, level)
    }

    /// Where the paper of one area's level stands.
    pub fn paper_status(&self, area: &str, level: &str) -> Result<PaperCheckDto> {
        let (row, m) = self.current_minutes(area, level)?;
        let names: Vec<&str> = m.candidates.iter().map(|c| c.name.as_str()).collect();
        let last = self.store.paper_checks()?.into_iter().rev().find(|c| c.area_id == area && c.level == level && c.minutes_sha256 == row.minutes_sha256);
        let (state, differences, resolution) = match &last {
            None => (Paper::FileOnly, vec![], None),
            Some(c) => {
                let d: Vec<FieldDiffDto> = diffs_of(c)
                    .into_iter()
                    .map(|(field, first, second)| {
                        Ok(FieldDiffDto {
                            label: tobaucu_core::checks::field_vi(&field, &names),
                            first: crate::convert::count_u32(&format!("số của mục {field} trong tệp"), first)?,
                            second: crate::convert::count_u32(&format!("số của mục {field} trên giấy"), second)?,
                            field,
                        })
                    })
                    .collect::<Result<_>>()?;
                let state = if d.is_empty() || c.resolution.is_some() { Paper::Agree } else { Paper::Differ };
                (state, d, c.resolution.as_ref().map(|r| r.0.clone()))
            }
        };
        let message = match (state, resolution.as_deref()) {
            (Paper::FileOnly, _) => format!("Biên bản cấp {level} khu vực {area}: chưa đối chiếu biên bản giấy."),
            (Paper::Agree, None) => format!("Biên bản giấy cấp {level} khu vực {area} khớp với tệp đã ký."),
            (Paper::Agree, Some(r)) => format!("Biên bản giấy cấp {level} khu vực {area} khác tệp ở {} mục; đã giải quyết: {r}", differences.len()),
            (Paper::Differ, _) => format!("Biên bản giấy cấp {level} khu vực {area} khác tệp đã ký ở {} mục; chưa được coi là đã đối chiếu cho đến khi ghi lý do giải quyết.", differences.len()),
        };
        Ok(PaperCheckDto {
            area: area.into(),
            level: level.into(),
            status: state,
            minutes_code: short_hash(&row.minutes_sha256),
            differences,
            resolution,
            checked_at: last.map(|c| c.checked_at),
            message,
        })
    }

    /// The paper state of every area with a current bundle, from one read
    /// of the checks (the dashboard and the exports).
    pub(crate) fn area_papers(&self, rows: &[tobaucu_store::AreaResultRow]) -> Result<HashMap<String, AreaPaper>> {
        let mut latest: HashMap<(&str, &str), PaperCheckRow> = HashMap::new();
        let checks = self.store.paper_checks()?;
        let mut by_key: HashMap<(String, String), Vec<&PaperCheckRow>> = HashMap::new();
        for c in &checks {
            by_key.entry((c.area_id.clone(), c.level.clone())).or_default().push(c);
        }
        for r in rows {
            if let Some(list) = by_key.get(&(r.area_id.clone(), r.level.clone())) {
                if let Some(c) = list.iter().rev().find(|c| c.minutes_sha256 == r.minutes_sha256) {
                    latest.insert((r.area_id.as_str(), r.level.as_str()), (*c).clone());
                }
            }
        }
        let mut levels: HashMap<&str, Vec<(&str, Paper)>> = HashMap::new();
        for r in rows {
            let state = match latest.get(&(r.area_id.as_str(), r.level.as_str())) {
                None => Paper::FileOnly,
                Some(c) if diffs_of(c).is_empty() || c.resolution.is_some() => Paper::Agree,
                Some(_) => Paper::Differ,
            };
            levels.entry(r.area_id.as_str()).or_default().push((r.level.as_str(), state));
        }
        Ok(levels
            .into_iter()
            .map(|(area, ls)| {
                let differ: Vec<&str> = ls.iter().filter(|(_, s)| *s == Paper::Differ).map(|(l, _)| *l).collect();
                let agree = ls.iter().filter(|(_, s)| *s == Paper::Agree).count();
                let (state, note) = if !differ.is_empty() {
                    (Paper::Differ, format!("khác nhau ở cấp {}", differ.join(", ")))
                } else if agree == ls.len() {
                    (Paper::Agree, format!("đã đối chiếu {agree}/{} cấp", ls.len()))
                } else {
                    (Paper::FileOnly, if agree == 0 { String::new() } else { format!("đã đối chiếu {agree}/{} cấp", ls.len()) })
                };
                (area.to_owned(), AreaPaper { state, note })
            })
            .collect())
    }

    /// `results accept --constituency ID --code A0x --reason …`: the board
    /// accepts one of its own warnings (A03, A05, A06, A07) for a round of
    /// a constituency with a written reason; shown with the warning, printed
    /// in the board minutes, logged.
    pub fn accept_board_warning(&mut self, constituency: &str, code: &str, reason: &str, round: u32) -> Result<tobaucu_ipc::ResultsDto> {
        self.board()?;
        let reason = clean(reason);
        if reason.is_empty() {
            return Err(Error::refused(ErrorCode::ReasonRequired, "cần ghi lý do chấp nhận cảnh báo"));
        }
        let results = self.results()?;
        let c = results.constituencies.get(constituency).ok_or_else(|| Error::refused(ErrorCode::NoConstituency, format!("đơn vị bầu cử {constituency} không thuộc địa bàn này")))?;
        let checks = if round <= 1 { Some(&c.checks) } else { c.rounds.iter().find(|r| r.number == round).map(|r| &r.checks) };
        let Some(checks) = checks else {
            return Err(Error::refused(ErrorCode::NoRound, format!("đơn vị bầu cử {constituency} không có vòng {round}")));
        };
        match checks.iter().find(|k| k.code == code) {
            Some(k) if k.severity == tobaucu_ipc::Severity::Warning => {}
            Some(_) => return Err(Error::refused(ErrorCode::NotAWarning, format!("{code} là lỗi, không phải cảnh báo; lỗi phải được sửa, không chấp nhận"))),
            None => return Err(Error::refused(ErrorCode::NoSuchWarning, format!("đơn vị bầu cử {constituency} hiện không có cảnh báo {code}"))),
        }
        let at = clock::stamp(self.now());
        let row = BoardAcceptanceRow { constituency_id: constituency.to_owned(), round: i64::from(round.max(1)), code: code.to_owned(), reason: reason.clone(), accepted_at: at.clone() };
        self.store.write(|tx| {
            tx.upsert_board_acceptance(&row)?;
            tx.append_audit(&audit_entry(&at, "results.accept", format!("cảnh báo {code} của đơn vị bầu cử {constituency}, vòng {}", round.max(1)), &reason, None, None))?;
            Ok::<_, Error>(())
        })?;
        self.results()
    }
}

#[cfg(test)]
#[path = "day_tests.rs"]
pub(crate) mod tests;
