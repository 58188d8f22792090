//! The paper tally sheet (bảng kiểm phiếu) typed twice: two independent
//! entries must agree field by field before their figures count.

use super::*;

/// A tally sheet entry as stored (canonical JSON) ↔ figures.
fn sheet_json(s: &TallySheetInput) -> Value {
    json!({
        "received": s.received, "valid": s.valid, "invalid": s.invalid,
        "invalid_by_reason": s.invalid_by_reason, "groups": s.groups, "votes": s.votes,
    })
}

pub(super) fn sheet_from_row(level: &str, row: &TallyEntryRow) -> TallySheetInput {
    let v: Value = serde_json::from_str(&row.data).unwrap_or(Value::Null);
    let num = |k: &str| u32::try_from(v.get(k).and_then(Value::as_u64).unwrap_or(0)).unwrap_or(0);
    let list = |k: &str| -> Vec<u32> {
        v.get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|x| u32::try_from(x.as_u64().unwrap_or(0)).unwrap_or(0))
                    .collect()
            })
            .unwrap_or_default()
    };
    let reasons = v
        .get("invalid_by_reason")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, x)| {
                    (
                        k.clone(),
                        u32::try_from(x.as_u64().unwrap_or(0)).unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    TallySheetInput {
        level: level.to_owned(),
        entry: u32::try_from(row.entry).unwrap_or(0),
        entered_by: row.entered_by.clone(),
        received: num("received"),
        valid: num("valid"),
        invalid: num("invalid"),
        invalid_by_reason: reasons,
        groups: list("groups"),
        votes: list("votes"),
    }
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
            return Err(Error::refused("TALLY_ENTRY", "lần nhập phải là 1 hoặc 2"));
        }
        let mut problems = Vec::new();
        if s.votes.len() != c.candidates.len() {
            problems.push(format!(
                "cần số phiếu bầu của đủ {} người ứng cử, đã ghi {}",
                c.candidates.len(),
                s.votes.len()
            ));
        }
        if s.groups.len() > c.seats as usize {
            problems.push(format!(
                "chỉ có nhóm phiếu bầu 1 đến {} đại biểu, đã ghi {} nhóm",
                c.seats,
                s.groups.len()
            ));
        }
        for k in s.invalid_by_reason.keys() {
            if InvalidReason::parse(k).is_none() {
                problems.push(format!("lý do phiếu không hợp lệ \"{k}\" không có; dùng khong_theo_mau, khong_co_dau, qua_so_luong, gach_het, ghi_them"));
            }
        }
        if !problems.is_empty() {
            return Err(Error::Refused {
                code: "TALLY_INVALID",
                message: format!("bảng kiểm phiếu cấp {} chưa được ghi", s.level),
                problems,
            });
        }
        let mut sheet = s.clone();
        sheet.groups.resize(c.seats as usize, 0);
        sheet.entered_by = clean(&s.entered_by);
        let at = clock::stamp(clock::now());
        let data = canonical_json(&sheet_json(&sheet));
        self.store.write(|tx| {
            Self::refuse_if_locked(tx, &s.level)?;
            if tx.ballots(&s.level)?.iter().any(|b| !b.undone) {
                return Err(Error::refused(
                    "METHOD_MIXED",
                    format!(
                        "cấp {} đã được nhập từng phiếu; không nhập thêm bảng kiểm phiếu",
                        s.level
                    ),
                ));
            }
            let entries = tx.tally_entries(&s.level)?;
            // Double entry means two people: the same named person may not
            // type both entries.
            let who = tobaucu_core::text::fold(&sheet.entered_by);
            if !who.is_empty() {
                if let Some(other) = entries.iter().find(|e| {
                    e.entry != i64::from(s.entry) && tobaucu_core::text::fold(&e.entered_by) == who
                }) {
                    return Err(Error::refused(
                        "TALLY_SAME_PERSON",
                        format!(
                            "{} đã nhập lần {}; lần {} phải do người khác nhập độc lập",
                            other.entered_by, other.entry, s.entry
                        ),
                    ));
                }
            }
            let before = entries.into_iter().find(|e| e.entry == i64::from(s.entry));
            tx.upsert_tally_entry(&TallyEntryRow {
                level: s.level.clone(),
                entry: i64::from(s.entry),
                data: data.clone(),
                entered_by: sheet.entered_by.clone(),
                entered_at: at.clone(),
            })?;
            tx.append_audit(&crate::convert::audit_entry(
                &at,
                "count.tally",
                format!("bảng kiểm phiếu cấp {}, lần {}", s.level, s.entry),
                "",
                before.map(|b| b.data),
                Some(data.clone()),
            ))?;
            Ok::<_, Error>(())
        })?;
        self.tallies.remove(&s.level);
        self.tally_status(&s.level)
    }

    pub fn tally_status(&self, level: &str) -> Result<TallyStatusDto> {
        let (_, c, _) = self.count_ctx(level)?;
        let sheets: Vec<TallySheetInput> = self
            .store
            .tally_entries(level)?
            .iter()
            .map(|e| sheet_from_row(level, e))
            .collect();
        let names: Vec<&str> = c.candidates.iter().map(|x| x.name.as_str()).collect();
        let (agreed, differences, message) = match sheets.as_slice() {
            [] => (false, Vec::new(), "Chưa nhập bảng kiểm phiếu.".to_owned()),
            [one] => (
                false,
                Vec::new(),
                format!(
                    "Đã nhập lần {}; cần người thứ hai nhập độc lập lần {}.",
                    one.entry,
                    3 - one.entry
                ),
            ),
            [a, b, ..] => {
                let d = diff_entries(&sheet_result(a), &sheet_result(b));
                let dto: Vec<FieldDiffDto> = d
                    .iter()
                    .map(|x| FieldDiffDto {
                        field: x.field.clone(),
                        label: checks::field_vi(&x.field, &names),
                        first: u32of(x.first),
                        second: u32of(x.second),
                    })
                    .collect();
                if dto.is_empty() {
                    (
                        true,
                        dto,
                        "Hai lần nhập khớp nhau; số liệu được chấp nhận.".to_owned(),
                    )
                } else {
                    let m = format!(
                        "Hai lần nhập khác nhau ở {} mục; đối chiếu bảng giấy và nhập lại lần sai.",
                        dto.len()
                    );
                    (false, dto, m)
                }
            }
        };
        Ok(TallyStatusDto {
            level: level.to_owned(),
            entries: sheets.iter().map(|s| s.entry).collect(),
            agreed,
            differences,
            message,
            sheets,
        })
    }
}
