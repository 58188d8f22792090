//! The paper tally sheet (bảng kiểm phiếu) typed twice: two independent
//! entries must agree field by field before their figures count. When they
//! differ, only the differing fields are settled (issue 15 item 4): the
//! Tổ trưởng picks which entry was right for each, or sends just those
//! fields to a third person who types them without seeing either value.

use super::u32of;
use crate::{clock, App, Error, ErrorCode, Result};
use serde_json::{json, Value};
use tobaucu_core::canonical::canonical_json;
use tobaucu_core::checks::{self, TallyState};
use tobaucu_core::count::{diff_entries, CountResult, InvalidReason};
use tobaucu_core::crosscheck::{resolve_entries, Decided, FieldDecision, FieldState, Resolution};
use tobaucu_core::text::clean;
use tobaucu_ipc::{FieldDiffDto, TallySheetInput, TallyStatusDto};
use tobaucu_ipc::{ReentryFieldDto, TallyDecisionInput, TallyFieldDto, TallyThirdInput};
use tobaucu_store::{CountRead, Read, TallyEntryRow};
use tobaucu_store::{DayRead, TallyFixRow};

/// The decisions recorded on a level's differing fields. A row the app
/// could not have written (an unknown action, a choice or figure out of
/// range) is refused `DB_CORRUPT`, never dropped as if undecided.
pub(super) fn decided(r: &impl Read, level: &str) -> Result<Vec<Decided>> {
    use crate::convert::stored_u64;
    r.tally_fixes(level)?
        .into_iter()
        .map(|f| {
            let what = format!("quyết định về mục {} của bảng kiểm phiếu cấp {level}", f.field);
            let decision = match (f.action.as_str(), f.choice, f.value) {
                ("pick", Some(c), _) if (1..=3).contains(&c) => FieldDecision::Pick(u8::try_from(c).map_err(|_| corrupt(&what))?),
                ("reenter", _, _) => FieldDecision::Reenter,
                ("third", _, Some(v)) => FieldDecision::Third(stored_u64(&what, v)?),
                _ => return Err(corrupt(&what)),
            };
            Ok(Decided { first: stored_u64(&what, f.first)?, second: stored_u64(&what, f.second)?, field: f.field, decision })
        })
        .collect()
}

fn corrupt(what: &str) -> Error {
    crate::convert::damaged(what, "không đúng dạng ứng dụng ghi")
}

/// The figures that count and the double entry's state (E10 names only
/// the fields not settled; E13 while one entry is missing).
pub(super) fn tally_outcome(sheets: &[TallySheetInput], decided: &[Decided]) -> (CountResult, TallyState) {
    match sheets {
        [one] => (sheet_result(one), TallyState::OneEntry),
        [a, b, ..] => {
            let r = resolve_entries(&sheet_result(a), &sheet_result(b), decided);
            let open = r.unresolved();
            if open.is_empty() {
                (r.result, TallyState::Agreed)
            } else {
                (r.result, TallyState::Differ(open))
            }
        }
        [] => (CountResult::default(), TallyState::NotUsed),
    }
}

fn state_code(s: &FieldState) -> &'static str {
    match s {
        FieldState::Open => "open",
        FieldState::AwaitingThird => "awaiting_third",
        FieldState::ThirdDisagrees(_) => "third_disagrees",
        FieldState::Settled { .. } => "settled",
    }
}

/// A tally sheet entry as stored (canonical JSON) ↔ figures.
fn sheet_json(s: &TallySheetInput) -> Value {
    json!({
        "received": s.received, "valid": s.valid, "invalid": s.invalid,
        "invalid_by_reason": s.invalid_by_reason, "groups": s.groups, "votes": s.votes,
    })
}

/// A tally entry as stored: exactly the fields [`sheet_json`] writes, each
/// a number the entry screen could have taken.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredSheet {
    received: u32,
    valid: u32,
    invalid: u32,
    invalid_by_reason: std::collections::BTreeMap<String, u32>,
    groups: Vec<u32>,
    votes: Vec<u32>,
}

/// Reads a stored tally entry back. A row that is not exactly what the app
/// writes (unparsable, a missing or extra field, a negative or too large
/// figure) was changed outside the app: refused `DB_CORRUPT`, never read
/// as zeros that would then count.
pub(super) fn sheet_from_row(level: &str, row: &TallyEntryRow) -> Result<TallySheetInput> {
    let what = format!("bảng kiểm phiếu cấp {level}, lần nhập {}", row.entry);
    let s: StoredSheet = serde_json::from_str(&row.data).map_err(|e| crate::convert::damaged(&what, format!("không đúng dạng ứng dụng ghi ({e})")))?;
    Ok(TallySheetInput {
        level: level.into(),
        entry: crate::convert::stored_u32(&format!("số lần nhập của {what}"), row.entry)?,
        entered_by: row.entered_by.clone(),
        received: s.received,
        valid: s.valid,
        invalid: s.invalid,
        invalid_by_reason: s.invalid_by_reason,
        groups: s.groups,
        votes: s.votes,
    })
}

pub(super) fn sheet_result(s: &TallySheetInput) -> CountResult {
    let mut by_reason = [0u64; 5];
    for r in InvalidReason::ALL {
        by_reason[r.index()] = u64::from(s.invalid_by_reason.get(r.code()).copied().unwrap_or(0));
    }
    CountResult {
        received: u64::from(s.received),
        valid: u64::from(s.valid),
        invalid: u64::from(s.invalid),
        invalid_by_reason: by_reason,
        groups: Some(s.groups.iter().map(|x| u64::from(*x)).collect()),
        votes: s.votes.iter().map(|x| u64::from(*x)).collect(),
    }
}

impl App {
    // ---- tally sheet (double entry) ---------------------------------------

    /// One entry of the paper tally sheet. Two independent entries must
    /// agree field by field before the figures count (E10/E13).
    pub fn enter_tally(&mut self, s: &TallySheetInput) -> Result<TallyStatusDto> {
        let (_, c, _) = self.count_ctx(&s.level)?;
        let c = c.clone();
        if s.entry != 1 && s.entry != 2 {
            return Err(Error::refused(ErrorCode::TallyEntry, "lần nhập phải là 1 hoặc 2"));
        }
        let mut problems = Vec::new();
        if s.votes.len() != c.candidates.len() {
            problems.push(format!("cần số phiếu bầu của đủ {} người ứng cử, đã ghi {}", c.candidates.len(), s.votes.len()));
        }
        if s.groups.len() > c.seats as usize {
            problems.push(format!("chỉ có nhóm phiếu bầu 1 đến {} đại biểu, đã ghi {} nhóm", c.seats, s.groups.len()));
        }
        for k in s.invalid_by_reason.keys() {
            if InvalidReason::parse(k).is_none() {
                problems.push(format!("lý do phiếu không hợp lệ \"{k}\" không có; dùng khong_theo_mau, khong_co_dau, qua_so_luong, gach_het, ghi_them"));
            }
        }
        if !problems.is_empty() {
            return Err(Error::Refused { code: ErrorCode::TallyInvalid, message: format!("bảng kiểm phiếu cấp {} chưa được ghi", s.level), problems });
        }
        let mut sheet = s.clone();
        sheet.groups.resize(c.seats as usize, 0);
        sheet.entered_by = clean(&s.entered_by);
        let at = clock::stamp(self.now());
        let data = canonical_json(&sheet_json(&sheet));
        self.store.write(|tx| {
            Self::refuse_if_locked(tx, &s.level)?;
            if tx.ballots(&s.level)?.iter().any(|b| !b.undone) {
                return Err(Error::refused(ErrorCode::MethodMixed, format!("cấp {} đã được nhập từng phiếu; không nhập thêm bảng kiểm phiếu", s.level)));
            }
            let entries = tx.tally_entries(&s.level)?;
            // Double entry means two people: the same named person may not
            // type both entries.
            let who = tobaucu_core::text::fold(&sheet.entered_by);
            if !who.is_empty() {
                if let Some(other) = entries.iter().find(|e| e.entry != i64::from(s.entry) && tobaucu_core::text::fold(&e.entered_by) == who) {
                    return Err(Error::refused(ErrorCode::TallySamePerson, format!("{} đã nhập lần {}; lần {} phải do người khác nhập độc lập", other.entered_by, other.entry, s.entry)));
                }
            }
            let before = entries.into_iter().find(|e| e.entry == i64::from(s.entry));
            tx.upsert_tally_entry(&TallyEntryRow { level: s.level.0.clone(), entry: i64::from(s.entry), data: data.clone(), entered_by: sheet.entered_by.clone(), entered_at: at.clone() })?;
            tx.append_audit(&crate::convert::audit_entry(&at, "count.tally", format!("bảng kiểm phiếu cấp {}, lần {}", s.level, s.entry), "", before.map(|b| b.data), Some(data.clone())))?;
            Ok::<_, Error>(())
        })?;
        self.tallies.remove(s.level.as_str());
        self.tally_status(&s.level)
    }

    pub fn tally_status(&self, level: &str) -> Result<TallyStatusDto> {
        let (_, c, _) = self.count_ctx(level)?;
        let sheets: Vec<TallySheetInput> = self.store.tally_entries(level)?.iter().map(|e| sheet_from_row(level, e)).collect::<Result<_>>()?;
        let names: Vec<&str> = c.candidates.iter().map(|x| x.name.as_str()).collect();
        let (agreed, differences, message) = match sheets.as_slice() {
            [] => (false, Vec::new(), "Chưa nhập bảng kiểm phiếu.".to_owned()),
            [one] => (false, Vec::new(), format!("Đã nhập lần {}; cần người thứ hai nhập độc lập lần {}.", one.entry, 3 - one.entry)),
            [a, b, ..] => {
                let d = diff_entries(&sheet_result(a), &sheet_result(b));
                let dto: Vec<FieldDiffDto> = d
                    .iter()
                    .map(|x| Ok(FieldDiffDto { field: x.field.clone(), label: checks::field_vi(&x.field, &names), first: u32of(x.first)?, second: u32of(x.second)? }))
                    .collect::<Result<_>>()?;
                let r = resolve_entries(&sheet_result(a), &sheet_result(b), &decided(&self.store, level)?);
                let open = r.unresolved().len();
                if dto.is_empty() {
                    (true, dto, "Hai lần nhập khớp nhau; số liệu được chấp nhận.".to_owned())
                } else if open == 0 {
                    (true, dto, format!("Hai lần nhập khác nhau ở {} mục; mọi mục khác nhau đã được quyết định, số liệu được chấp nhận.", d.len()))
                } else {
                    let waiting = r.fields.iter().filter(|(_, s)| matches!(s, FieldState::AwaitingThird)).count();
                    let m = format!(
                        "Hai lần nhập khác nhau ở {} mục, còn {open} mục chưa quyết định{}. Tổ trưởng chọn lần nhập đúng cho từng mục, hoặc gửi riêng các mục đó cho người thứ ba nhập lại; các mục khớp không phải nhập lại.",
                        d.len(),
                        if waiting > 0 { format!(" ({waiting} mục đang chờ người thứ ba nhập)") } else { String::new() }
                    );
                    (false, dto, m)
                }
            }
        };
        let (fields, reentry) = match sheets.as_slice() {
            [a, b, ..] => {
                let r = resolve_entries(&sheet_result(a), &sheet_result(b), &decided(&self.store, level)?);
                field_dtos(&r, &names)?
            }
            _ => (vec![], vec![]),
        };
        Ok(TallyStatusDto { level: level.into(), entries: sheets.iter().map(|s| s.entry).collect(), agreed, differences, message, sheets, fields, reentry })
    }
}

/// Each differing field with its state, and the fields a third person must
/// type (labels only).
fn field_dtos(r: &Resolution, names: &[&str]) -> Result<(Vec<TallyFieldDto>, Vec<ReentryFieldDto>)> {
    let mut fields = Vec::new();
    let mut reentry = Vec::new();
    for (d, st) in &r.fields {
        let label = checks::field_vi(&d.field, names);
        let (third, value, by) = match st {
            FieldState::ThirdDisagrees(v) => (Some(u32of(*v)?), None, None),
            FieldState::Settled { value, by } => (None, Some(u32of(*value)?), Some(u32::from(*by))),
            _ => (None, None, None),
        };
        if matches!(st, FieldState::AwaitingThird) {
            reentry.push(ReentryFieldDto { field: d.field.clone(), label: label.clone() });
        }
        fields.push(TallyFieldDto { field: d.field.clone(), label, first: u32of(d.first)?, second: u32of(d.second)?, state: state_code(st).to_owned(), third, value, settled_by: by });
    }
    Ok((fields, reentry))
}

/// The two entries of a level and the current resolution, or why there is
/// nothing to decide.
fn tally_resolution(r: &impl Read, level: &str) -> Result<Resolution> {
    let sheets: Vec<TallySheetInput> = r.tally_entries(level)?.iter().map(|e| sheet_from_row(level, e)).collect::<Result<_>>()?;
    let [a, b, ..] = sheets.as_slice() else {
        return Err(Error::refused(ErrorCode::TallyNotTwice, format!("bảng kiểm phiếu cấp {level} chưa được nhập đủ hai lần; chưa có gì để chọn")));
    };
    Ok(resolve_entries(&sheet_result(a), &sheet_result(b), &decided(r, level)?))
}

impl App {
    fn candidate_names(&self, level: &str) -> Result<Vec<String>> {
        let (_, c, _) = self.count_ctx(level)?;
        Ok(c.candidates.iter().map(|x| x.name.clone()).collect())
    }

    /// `count tally --level L --resolve FIELD=1|2|3 … [--reenter [FIELD…]]`:
    /// the Tổ trưởng settles differing fields one by one — which entry was
    /// right — or sends just those fields to be typed again by a third
    /// person. Fields that agree are never touched. Every choice is logged.
    pub fn decide_tally(&mut self, d: &TallyDecisionInput) -> Result<TallyStatusDto> {
        let by = clean(&d.decided_by);
        let at = clock::stamp(self.now());
        let names = self.candidate_names(&d.level)?;
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        self.store.write(|tx| {
            Self::refuse_if_locked(tx, &d.level)?;
            let r = tally_resolution(tx, &d.level)?;
            let mut rows = Vec::new();
            let find = |field: &str| r.fields.iter().find(|(x, _)| x.field == field);
            for (field, choice) in &d.picks {
                let Some((diff, st)) = find(field) else {
                    return Err(Error::refused(
                        ErrorCode::TallyField,
                        format!(
                            "\"{field}\" không phải mục mà hai lần nhập khác nhau; chỉ chọn cho các mục khác nhau: {}",
                            r.fields.iter().map(|(x, _)| x.field.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    ));
                };
                let value = match (choice, st) {
                    (1, _) => diff.first,
                    (2, _) => diff.second,
                    (3, FieldState::ThirdDisagrees(v)) => *v,
                    (3, _) => return Err(Error::refused(ErrorCode::TallyChoice, format!("{}: chưa có lần nhập thứ ba khác cả hai lần trước để chọn", checks::field_vi(field, &names)))),
                    _ => return Err(Error::refused(ErrorCode::TallyChoice, format!("{field}={choice}: chọn 1 (lần nhập 1), 2 (lần nhập 2) hoặc 3 (người thứ ba)"))),
                };
                rows.push(TallyFixRow {
                    id: 0,
                    level: d.level.0.clone(),
                    field: field.clone(),
                    first: i64::try_from(diff.first).unwrap_or(i64::MAX),
                    second: i64::try_from(diff.second).unwrap_or(i64::MAX),
                    action: "pick".into(),
                    choice: Some(i64::from(*choice)),
                    value: Some(i64::try_from(value).unwrap_or(i64::MAX)),
                    entered_by: by.clone(),
                    at: at.clone(),
                });
            }
            let mut send: Vec<&str> = d.reenter.iter().map(String::as_str).collect();
            if d.reenter_all {
                send.extend(r.fields.iter().filter(|(x, s)| !matches!(s, FieldState::Settled { .. }) && !d.picks.contains_key(&x.field)).map(|(x, _)| x.field.as_str()));
            }
            for field in send {
                let Some((diff, _)) = find(field) else {
                    return Err(Error::refused(ErrorCode::TallyField, format!("\"{field}\" không phải mục mà hai lần nhập khác nhau; chỉ gửi nhập lại các mục khác nhau")));
                };
                rows.push(TallyFixRow {
                    id: 0,
                    level: d.level.0.clone(),
                    field: field.to_owned(),
                    first: i64::try_from(diff.first).unwrap_or(i64::MAX),
                    second: i64::try_from(diff.second).unwrap_or(i64::MAX),
                    action: "reenter".into(),
                    choice: None,
                    value: None,
                    entered_by: by.clone(),
                    at: at.clone(),
                });
            }
            if rows.is_empty() {
                return Err(Error::refused(ErrorCode::TallyNothing, "chưa chọn gì: dùng --resolve MỤC=1|2 cho từng mục khác nhau, hoặc --reenter để gửi các mục đó cho người thứ ba nhập lại"));
            }
            for row in &rows {
                tx.insert_tally_fix(row)?;
                let what = match row.action.as_str() {
                    "pick" => format!("chọn lần nhập {} ({})", row.choice.unwrap_or(0), row.value.unwrap_or(0)),
                    _ => "gửi người thứ ba nhập lại".to_owned(),
                };
                tx.append_audit(&crate::convert::audit_entry(
                    &at,
                    "count.tally_decide",
                    format!("bảng kiểm phiếu cấp {}, mục {}", d.level, checks::field_vi(&row.field, &names)),
                    &what,
                    Some(json!({"first": row.first, "second": row.second}).to_string()),
                    Some(json!({"action": row.action, "choice": row.choice, "value": row.value, "by": row.entered_by}).to_string()),
                ))?;
            }
            Ok::<_, Error>(())
        })?;
        self.tallies.remove(d.level.as_str());
        self.tally_status(&d.level)
    }

    /// `count tally --level L --entry 3 --by NAME --field FIELD=N …`: the
    /// third person types only the fields sent back, without seeing either
    /// earlier value; a value that agrees with one of the two entries
    /// settles the field. The third person is neither of the first two.
    pub fn enter_tally_third(&mut self, t: &TallyThirdInput) -> Result<TallyStatusDto> {
        let who = clean(&t.entered_by);
        if who.is_empty() {
            return Err(Error::refused(ErrorCode::TallyWho, "cần họ tên người nhập lần thứ ba (người thứ ba, khác hai người đã nhập)"));
        }
        let at = clock::stamp(self.now());
        let names = self.candidate_names(&t.level)?;
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        self.store.write(|tx| {
            Self::refuse_if_locked(tx, &t.level)?;
            let folded = tobaucu_core::text::fold(&who);
            if let Some(e) = tx.tally_entries(&t.level)?.iter().find(|e| tobaucu_core::text::fold(&e.entered_by) == folded) {
                return Err(Error::refused(ErrorCode::TallySamePerson, format!("{} đã nhập lần {}; mục gửi lại phải do người thứ ba nhập", e.entered_by, e.entry)));
            }
            let r = tally_resolution(tx, &t.level)?;
            let waiting: Vec<&str> = r.fields.iter().filter(|(_, s)| matches!(s, FieldState::AwaitingThird)).map(|(d, _)| d.field.as_str()).collect();
            if waiting.is_empty() {
                return Err(Error::refused(ErrorCode::TallyNoReentry, format!("không có mục nào của bảng kiểm phiếu cấp {} đang chờ nhập lại", t.level)));
            }
            let missing: Vec<String> = waiting.iter().filter(|f| !t.values.contains_key(**f)).map(|f| checks::field_vi(f, &names)).collect();
            let extra: Vec<&String> = t.values.keys().filter(|f| !waiting.contains(&f.as_str())).collect();
            if !missing.is_empty() || !extra.is_empty() {
                let mut problems: Vec<String> = missing.iter().map(|m| format!("chưa nhập: {m}")).collect();
                problems.extend(extra.iter().map(|f| format!("\"{f}\" không phải mục được gửi nhập lại")));
                return Err(Error::Refused { code: ErrorCode::TallyReentry, message: format!("lần nhập thứ ba cấp {} phải có đúng các mục được gửi lại", t.level), problems });
            }
            for (d, _) in r.fields.iter().filter(|(d, _)| waiting.contains(&d.field.as_str())) {
                let v = t.values.get(&d.field).copied().unwrap_or(0);
                let row = TallyFixRow {
                    id: 0,
                    level: t.level.0.clone(),
                    field: d.field.clone(),
                    first: i64::try_from(d.first).unwrap_or(i64::MAX),
                    second: i64::try_from(d.second).unwrap_or(i64::MAX),
                    action: "third".into(),
                    choice: None,
                    value: Some(i64::from(v)),
                    entered_by: who.clone(),
                    at: at.clone(),
                };
                tx.insert_tally_fix(&row)?;
                tx.append_audit(&crate::convert::audit_entry(
                    &at,
                    "count.tally_third",
                    format!("bảng kiểm phiếu cấp {}, mục {}", t.level, checks::field_vi(&d.field, &names)),
                    "",
                    Some(json!({"first": d.first, "second": d.second}).to_string()),
                    Some(json!({"third": v, "by": who}).to_string()),
                ))?;
            }
            Ok::<_, Error>(())
        })?;
        self.tallies.remove(t.level.as_str());
        self.tally_status(&t.level)
    }
}
