//! Danh sách cử tri and the check-in desk: import, list, search, legal
//! changes (`domain.md` §3.2), check-in and its undo.
//!
//! `voter_list_warnings`: what Mẫu 31/HĐBC asks otherwise (column (11), the
//! 12-month rule), reported by the import and by the printed list.

use crate::ErrorCode;
use tobaucu_core::search::{SearchEntry, SearchIndex};
use tobaucu_core::text::clean;
use tobaucu_core::voter::{self, checkin_levels, CheckinRefusal, Gender, VoterStatus, NOTE_VOTES_ELSEWHERE};
use tobaucu_import::{read_voter_file, ImportContext};
use tobaucu_ipc::{AuditEntryDto, CheckinResult, EditVoterInput, ImportReport, NewVoterInput, StatusChangeInput, VoterRowDto, VoterStanding};
use tobaucu_store::{AuditRow, CheckinRow, Read, VoterRow};

use crate::convert::{audit_entry, audit_json, by_voter, count_u32, status_of, stored_u32, voter_row, voter_row_dto};
use crate::{clock, App, Error, Result};

/// At most this many problems are carried in one refusal (the count says how many more).
const MAX_PROBLEMS: usize = 500;

pub(crate) fn need_reason(reason: &str) -> Result<String> {
    let r = clean(reason);
    if r.is_empty() {
        return Err(Error::refused(ErrorCode::ReasonRequired, "cần ghi lý do của thay đổi (căn cứ pháp lý, số giấy tờ…)"));
    }
    Ok(r)
}

fn audit(at: &str, action: &str, subject: String, reason: &str, before: Option<&VoterRow>, after: Option<&VoterRow>) -> AuditRow {
    audit_entry(at, action, subject, reason, before.map(audit_json), after.map(audit_json))
}

/// Parses a list of level codes ("QH,TINH" or "QH TINH").
pub fn parse_levels(s: &str) -> Vec<String> {
    s.split([',', ' ', ';']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

impl App {
    pub(crate) fn require_area(&self) -> Result<()> {
        let unit = self.unit_row()?;
        match unit {
            Some(u) if u.kind == tobaucu_ipc::UnitKind::Area.as_str() => Ok(()),
            Some(u) => Err(Error::refused(ErrorCode::NotATeam, format!("cơ sở dữ liệu này của {} {}, không phải của một tổ bầu cử", u.kind, u.unit_id))),
            None => self.def().map(drop),
        }
    }

    fn level_codes(&self) -> Result<Vec<String>> {
        Ok(self.def()?.level_codes())
    }

    fn check_levels(&self, levels: &[String]) -> Result<Vec<String>> {
        let all = self.level_codes()?;
        let unknown: Vec<&String> = levels.iter().filter(|l| !all.contains(l)).collect();
        if !unknown.is_empty() {
            let u: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
            return Err(Error::refused(ErrorCode::UnknownLevel, format!("cấp {} không có trong cuộc bầu cử (các cấp: {})", u.join(", "), all.join(", "))));
        }
        Ok(all.into_iter().filter(|l| levels.contains(l)).collect())
    }

    fn voter_or_refuse(&self, stt: u32) -> Result<VoterRow> {
        self.store.voter_by_stt(i64::from(stt))?.ok_or_else(|| Error::refused(ErrorCode::NoSuchVoter, format!("không có cử tri số {stt} trong danh sách")))
    }

    fn row_dto(&self, row: &VoterRow) -> Result<VoterRowDto> {
        voter_row_dto(row, &self.store.live_checkins_of(row.id)?)
    }

    /// Nhập danh sách cử tri from a file's bytes: all or nothing.
    pub fn import_voters(&mut self, file_name: &str, bytes: &[u8], level_columns: &[(String, String)], replace: bool, progress: &mut dyn FnMut(usize, usize)) -> Result<ImportReport> {
        self.require_area()?;
        let def = self.def()?;
        let ctx = ImportContext { levels: def.levels.iter().map(|l| (l.code.clone(), l.name.clone())).collect(), election_day: def.election.date, level_columns: level_columns.to_vec() };
        let list = read_voter_file(file_name, bytes, &ctx, progress).map_err(|problems| {
            let n = problems.len();
            let mut described: Vec<String> = problems.iter().take(MAX_PROBLEMS).map(|p| p.describe(file_name)).collect();
            if n > MAX_PROBLEMS {
                described.push(format!("… và {} lỗi khác", n - MAX_PROBLEMS));
            }
            Error::Refused { code: ErrorCode::ImportInvalid, message: format!("tệp {file_name} có {n} lỗi; chưa nhập cử tri nào, danh sách không thay đổi"), problems: described }
        })?;
        if self.desk_enabled()? {
            return Err(Error::refused(
                ErrorCode::DeskListLocked,
                "đang dùng nhiều bàn phát phiếu: không nhập lại danh sách (các bàn giữ danh sách này); hãy sửa từng cử tri với lý do trên máy chính",
            ));
        }
        let existing = self.store.voter_count()?;
        if existing > 0 && !replace {
            return Err(Error::refused(ErrorCode::ListNotEmpty, format!("danh sách đã có {existing} cử tri; nhập lại sẽ thay thế toàn bộ — dùng tùy chọn thay thế (--replace) nếu đó là ý muốn")));
        }
        if replace && !self.store.live_checkins()?.is_empty() {
            return Err(Error::refused(ErrorCode::CheckinsExist, "đã có cử tri nhận phiếu; không thể thay thế danh sách. Hãy sửa từng cử tri với lý do"));
        }
        let now = clock::stamp(self.now());
        let digest = tobaucu_core::audit::sha256_hex(bytes);
        let n = list.voters.len();
        self.store.write(|tx| {
            if replace {
                tx.delete_all_voters()?;
            }
            for v in &list.voters {
                let mut row = voter_row(&v.voter, &now);
                row.mobile_box = v.mobile_box;
                tx.insert_voter(&row)?;
            }
            tx.append_audit(&AuditRow {
                id: 0,
                at: now.clone(),
                action: if replace { "voters.replace" } else { "voters.import" }.into(),
                subject: file_name.to_owned(),
                reason: String::new(),
                before: None,
                after: Some(serde_json::json!({"file": file_name, "sha256": digest, "voters": n, "converted_cells": list.converted_cells}).to_string()),
            })?;
            Ok::<_, Error>(())
        })?;
        self.index = None;
        Ok(ImportReport {
            file: file_name.to_owned(),
            imported: count_u32("số cử tri đã nhập", n)?,
            converted_cells: count_u32("số ô đã chuyển mã", list.converted_cells)?,
            converted_from: list.converted_from.map(str::to_owned),
            sheet: list.sheet,
            warnings: self.voter_list_warnings()?,
        })
    }

    /// What the list has that Mẫu 31/HĐBC asks otherwise, per voter
    /// (`core::list_note::check_line`: a note that says tạm trú with the
    /// address in (7a), an address in (7b) without the start of the
    /// temporary registration in (11), a start written as the form does not
    /// allow, levels against the 12-month rule), and one line naming the
    /// voters whose notes are not column (11)'s cases — kept in the app,
    /// not printed.
    pub fn voter_list_warnings(&self) -> Result<Vec<String>> {
        use tobaucu_core::list_note::{check_line, not_printed, ListLevels, ListLine};
        let def = self.def()?;
        let first = |codes: Vec<String>| -> Vec<String> { codes.into_iter().filter(|c| tobaucu_core::election::split_round_code(c).is_none()).collect() };
        let all = first(def.level_codes());
        let short = first(def.certificate_levels());
        let levels = ListLevels { all: &all, short: &short };
        let day = def.election.date;
        let mut out = Vec::new();
        let mut unprinted: Vec<String> = Vec::new();
        for v in self.store.voters()? {
            let status = VoterStatus::parse(&v.status);
            if !matches!(status, Some(VoterStatus::Active | VoterStatus::VotesElsewhere)) {
                continue;
            }
            let line = ListLine { permanent: &v.residence, temporary: &v.residence_temporary, note: &v.note, levels: &v.levels };
            let found = check_line(line, levels, day);
            for w in found {
                // A certificate holder's levels are not marked here.
                if status == Some(VoterStatus::VotesElsewhere)
                    && matches!(w, tobaucu_core::list_note::ListWarning::UnderTwelveMonths(..) | tobaucu_core::list_note::ListWarning::TwelveMonthsOrMore(..))
                {
                    continue;
                }
                out.push(format!("cử tri số {} — {}: {}", v.stt, v.name, w.vi(day)));
            }
            let rest = not_printed(&v.note);
            if !rest.is_empty() {
                unprinted.push(format!("số {} ({})", v.stt, rest.join("; ")));
            }
        }
        if !unprinted.is_empty() {
            const SHOWN: usize = 10;
            let n = unprinted.len();
            let more = if n > SHOWN { format!(" và {} cử tri khác", n - SHOWN) } else { String::new() };
            unprinted.truncate(SHOWN);
            out.push(format!("ghi chú của {n} cử tri không thuộc các trường hợp ghi ở cột (11) Ghi chú của Mẫu 31/HĐBC nên chỉ lưu trong máy, không in ra danh sách: {}{more}", unprinted.join(", ")));
        }
        Ok(out)
    }

    /// The list in STT order; `all` includes removed and moved-out voters.
    pub fn voters_list(&self, all: bool) -> Result<Vec<VoterRowDto>> {
        self.def()?;
        let rows = self.store.voters()?;
        let checkins = by_voter(self.store.live_checkins()?);
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let dto = voter_row_dto(r, checkins.get(&r.id).map_or(&[][..], Vec::as_slice))?;
            // Removed and moved-out voters are off the working list.
            if all || !matches!(dto.status, VoterStanding::Removed | VoterStanding::MovedOut) {
                out.push(dto);
            }
        }
        Ok(out)
    }

    /// One voter by STT.
    pub fn voter(&self, stt: u32) -> Result<VoterRowDto> {
        let row = self.voter_or_refuse(stt)?;
        self.row_dto(&row)
    }

    fn index(&mut self) -> Result<&SearchIndex> {
        if self.desk.is_some() || self.desk_enabled()? {
            // A list change merged from the main laptop by another
            // connection (the desk service) bumps the list version.
            use tobaucu_store::DeskRead;
            let v = self.store.desk_self()?.map_or(0, |d| d.list_version);
            if v != self.index_list_version {
                self.index = None;
                self.index_list_version = v;
            }
        }
        if self.index.is_none() {
            let rows = self.store.voters()?;
            let entries = rows.into_iter().map(|r| Ok(SearchEntry { stt: stored_u32("số thứ tự cử tri", r.stt)?, name: r.name, id_number: r.id_number })).collect::<Result<Vec<_>>>()?;
            self.index = Some(SearchIndex::new(entries));
        }
        self.index.as_ref().ok_or_else(|| Error::Internal("chỉ mục tìm kiếm".into()))
    }

    /// Tìm cử tri: by name (word prefixes, no diacritics needed), STT or ID number.
    pub fn search(&mut self, query: &str, limit: usize) -> Result<Vec<VoterRowDto>> {
        self.def()?;
        let stts = self.index()?.search(query, limit);
        let mut out = Vec::with_capacity(stts.len());
        for stt in stts {
            if let Some(row) = self.store.voter_by_stt(i64::from(stt))? {
                out.push(self.row_dto(&row)?);
            }
        }
        Ok(out)
    }

    /// STTs only (the hot path measured by the benchmark).
    pub fn search_stts(&mut self, query: &str, limit: usize) -> Result<Vec<u32>> {
        Ok(self.index()?.search(query, limit))
    }

    /// Phát phiếu: marks a voter as having received the ballots of `levels`
    /// (default: all theirs). Refuses a second check-in, naming when the
    /// first was.
    pub fn checkin(&mut self, stt: u32, levels: Option<&[String]>, mobile_box: bool) -> Result<CheckinResult> {
        self.require_area()?;
        let at = clock::stamp(self.now());
        self.desk_ctx()?;
        let desk = self.desk.as_deref();
        // The voter and their check-ins are read once, inside the
        // transaction that writes: another desk's check-in of this voter (or
        // the main laptop's correction of the list) merged a moment ago is
        // seen (several desks, issue 14), and the answer shows the
        // check-ins as committed without reading them again.
        let (row, wanted, live) = self.store.write(|tx| {
            let row = tx.voter_by_stt(i64::from(stt))?.ok_or_else(|| Error::refused(ErrorCode::NoSuchVoter, format!("không có cử tri số {stt} trong danh sách")))?;
            let status = status_of(&row)?;
            let mut live = tx.live_checkins_of(row.id)?;
            let already: Vec<String> = live.iter().map(|c| c.level.clone()).collect();
            // On the day of a later round (Art. 79, 80) a voter comes for
            // that round's ballot: by default only the rounds' levels not
            // yet handed.
            let rounds: Vec<String> = row.levels.iter().filter(|l| tobaucu_core::election::split_round_code(l).is_some() && !already.contains(l)).cloned().collect();
            let levels = match levels {
                None if !rounds.is_empty() => Some(rounds.as_slice()),
                other => other,
            };
            let wanted = checkin_levels(status, &row.levels, &already, levels).map_err(|r| match r {
                CheckinRefusal::NotVoting(st) => Error::refused(ErrorCode::NotVotingHere, format!("cử tri số {stt} — {} — {}; không phát phiếu", row.name, st.vi())),
                CheckinRefusal::NotEntitled(ls) => {
                    Error::refused(ErrorCode::LevelNotEntitled, format!("cử tri số {stt} — {} — không bầu cấp {}; chỉ được nhận phiếu {}", row.name, ls.join(", "), row.levels.join(", ")))
                }
                CheckinRefusal::Already(ls) => {
                    let when = live.iter().find(|c| ls.contains(&c.level)).map(|c| clock::vi_time(&c.at)).unwrap_or_default();
                    Error::refused(ErrorCode::AlreadyCheckedIn, format!("cử tri số {stt} — {} — đã nhận phiếu {} lúc {when}; không phát phiếu lần hai", row.name, ls.join(", ")))
                }
                CheckinRefusal::NoLevel => Error::refused(ErrorCode::NoLevel, "chưa chọn cấp nào để phát phiếu"),
            })?;
            match desk {
                Some(c) => {
                    let e = App::desk_emit(tx, c, &at, tobaucu_core::desk::Body::Checkin { stt, levels: wanted.clone(), mobile_box })?;
                    for l in &wanted {
                        tx.insert_desk_checkin(row.id, l, &at, mobile_box, i64::from(c.desk), i64::try_from(e.id.seq).map_err(|_| Error::Internal("số thứ tự sự kiện".into()))?)?;
                    }
                }
                None => {
                    for l in &wanted {
                        tx.insert_checkin(row.id, l, &at, mobile_box)?;
                    }
                }
            }
            tx.append_audit(&AuditRow {
                id: 0,
                at: at.clone(),
                action: "checkin".into(),
                subject: format!("cử tri số {stt}"),
                reason: String::new(),
                before: None,
                after: Some(serde_json::json!({"levels": wanted, "mobile_box": mobile_box}).to_string()),
            })?;
            live.extend(wanted.iter().map(|l| CheckinRow { voter_id: row.id, level: l.clone(), at: at.clone(), mobile_box }));
            Ok::<_, Error>((row, wanted, live))
        })?;
        let voter = voter_row_dto(&row, &live)?;
        let box_note = if mobile_box { " (hòm phiếu phụ)" } else { "" };
        Ok(CheckinResult {
            message: format!("Đã ghi nhận cử tri số {stt} — {} — nhận {} phiếu ({}){box_note}", row.name, wanted.len(), wanted.join(", ")),
            voter,
            levels: wanted.into_iter().map(Into::into).collect(),
            at,
        })
    }

    /// Hủy nhận phiếu: undoes a check-in (a mistake at the desk), with a reason.
    pub fn undo_checkin(&mut self, stt: u32, levels: Option<&[String]>, reason: &str) -> Result<CheckinResult> {
        self.require_area()?;
        let reason = need_reason(reason)?;
        let row = self.voter_or_refuse(stt)?;
        let live: Vec<String> = self.store.live_checkins_of(row.id)?.into_iter().map(|c| c.level).collect();
        let undo: Vec<String> = match levels {
            Some(ls) => ls.to_vec(),
            None => live.clone(),
        };
        let missing: Vec<&String> = undo.iter().filter(|l| !live.contains(l)).collect();
        if undo.is_empty() || !missing.is_empty() {
            return Err(Error::refused(ErrorCode::NotCheckedIn, format!("cử tri số {stt} — {} — chưa nhận phiếu cấp cần hủy", row.name)));
        }
        let at = clock::stamp(self.now());
        self.desk_ctx()?;
        let desk = self.desk.as_deref();
        self.store.write(|tx| {
            if let Some(c) = desk {
                // Read in this transaction: a check-in merged from another
                // desk a moment ago is among the targets.
                let targets = crate::desk::live_targets(tx, stt, &undo)?;
                App::desk_emit(tx, c, &at, tobaucu_core::desk::Body::Undo { stt, levels: undo.clone(), targets, reason: reason.clone() })?;
            }
            for l in &undo {
                tx.undo_checkin(row.id, l, &at, &reason)?;
            }
            tx.append_audit(&AuditRow {
                id: 0,
                at: at.clone(),
                action: "checkin.undo".into(),
                subject: format!("cử tri số {stt}"),
                reason: reason.clone(),
                before: Some(serde_json::json!({"levels": undo}).to_string()),
                after: None,
            })?;
            Ok::<_, Error>(())
        })?;
        Ok(CheckinResult {
            message: format!("Đã hủy nhận phiếu {} của cử tri số {stt} — {}", undo.join(", "), row.name),
            voter: self.row_dto(&row)?,
            levels: undo.into_iter().map(Into::into).collect(),
            at,
        })
    }

    /// Bổ sung cử tri: adds a voter after the last STT (`domain.md` §3.2), or
    /// a certificate holder on election day with restricted levels (§3.3).
    pub fn add_voter(&mut self, input: &NewVoterInput) -> Result<VoterRowDto> {
        self.require_area()?;
        self.refuse_on_desk("bổ sung cử tri")?;
        let reason = need_reason(&input.reason)?;
        let def = self.def()?;
        let name = clean(&input.name);
        if name.is_empty() {
            return Err(Error::refused(ErrorCode::FieldInvalid, "thiếu họ và tên"));
        }
        let birth = checked_birth(&input.birth_date, def.election.date)?;
        let gender = Gender::parse(&input.gender).ok_or_else(|| Error::refused(ErrorCode::FieldInvalid, format!("giới tính \"{}\" không hợp lệ; ghi \"Nam\" hoặc \"Nữ\"", input.gender)))?;
        let id_number = self.checked_id_number(input.id_number.as_deref().unwrap_or(""), None)?;
        let certificate = input.certificate.as_deref().map(clean).filter(|c| !c.is_empty());
        let levels = if input.levels.is_empty() {
            if certificate.is_some() {
                def.certificate_levels()
            } else {
                def.level_codes()
            }
        } else {
            self.check_levels(&input.levels.iter().map(|l| l.0.clone()).collect::<Vec<_>>())?
        };
        let now = clock::stamp(self.now());
        // The next card number after the list's last (a number edited out
        // of range outside the app is refused, never wrapped).
        let stt = stored_u32("số thứ tự cử tri lớn nhất", self.store.max_stt()?)?
            .checked_add(1)
            .map(i64::from)
            .ok_or_else(|| Error::refused(ErrorCode::DbCorrupt, "số thứ tự cử tri đã ở mức lớn nhất: tệp có thể đã bị sửa ngoài ứng dụng"))?;
        let row = VoterRow {
            id: 0,
            stt,
            name,
            birth_date: birth.iso(),
            gender: gender.as_str().to_owned(),
            ethnicity: clean(&input.ethnicity),
            id_number,
            residence: clean(&input.residence),
            residence_temporary: clean(&input.residence_temporary),
            residence_current: clean(&input.residence_current),
            note: clean(&input.note),
            status: VoterStatus::Active.as_str().to_owned(),
            certificate: certificate.clone(),
            mobile_box: false,
            added_at: now.clone(),
            levels,
        };
        let action = if certificate.is_some() { "voter.add_certificate" } else { "voter.add" };
        self.desk_ctx()?;
        let desk = self.desk.as_deref();
        self.store.write(|tx| {
            tx.insert_voter(&row)?;
            if let Some(c) = desk {
                App::desk_emit(tx, c, &now, tobaucu_core::desk::Body::Voter { stt: stored_u32("số thứ tự cử tri", stt)?, record: crate::desk::voter_record(&row) })?;
            }
            tx.append_audit(&audit(&now, action, format!("cử tri số {stt}"), &reason, None, Some(&row)))?;
            Ok::<_, Error>(())
        })?;
        self.index = None;
        self.voter(stored_u32("số thứ tự cử tri", stt)?)
    }

    fn checked_id_number(&self, raw: &str, own_stt: Option<i64>) -> Result<Option<String>> {
        let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.is_empty() {
            return Ok(None);
        }
        if !voter::valid_id_number(&digits) {
            return Err(Error::refused(ErrorCode::FieldInvalid, format!("số định danh \"{raw}\" phải gồm 12 chữ số (căn cước) hoặc 9 chữ số (CMND cũ)")));
        }
        if let Some(other) = self.store.voter_by_id_number(&digits)? {
            if Some(other.stt) != own_stt {
                return Err(Error::refused(ErrorCode::DuplicateId, format!("số định danh {digits} đã có ở cử tri số {} — {}", other.stt, other.name)));
            }
        }
        Ok(Some(digits))
    }

    /// Sửa thông tin: corrects one field of a voter, with a reason.
    pub fn edit_voter(&mut self, input: &EditVoterInput) -> Result<VoterRowDto> {
        self.require_area()?;
        self.refuse_on_desk("sửa thông tin cử tri")?;
        let reason = need_reason(&input.reason)?;
        let before = self.voter_or_refuse(input.stt.get())?;
        let mut after = before.clone();
        let value = clean(&input.value);
        let bad = |what: &str| Error::refused(ErrorCode::FieldInvalid, format!("{what} \"{}\" không hợp lệ", input.value));
        match input.field.as_str() {
            "name" if !value.is_empty() => after.name = value,
            "name" => return Err(Error::refused(ErrorCode::FieldInvalid, "họ và tên không được để trống")),
            "birth_date" => after.birth_date = checked_birth(&value, self.def()?.election.date)?.iso(),
            "gender" => after.gender = Gender::parse(&value).ok_or_else(|| bad("giới tính"))?.as_str().to_owned(),
            "ethnicity" => after.ethnicity = value,
            "id_number" => after.id_number = self.checked_id_number(&value, Some(before.stt))?,
            "residence" => after.residence = value,
            "residence_temporary" => after.residence_temporary = value,
            "residence_current" => after.residence_current = value,
            "note" => after.note = value,
            "mobile_box" => {
                after.mobile_box = match tobaucu_core::text::fold(&value).as_str() {
                    "1" | "co" | "true" | "x" => true,
                    "0" | "khong" | "false" | "" => false,
                    _ => return Err(bad("hòm phiếu phụ")),
                }
            }
            "levels" => {
                let levels = self.check_levels(&parse_levels(&value))?;
                if levels.is_empty() {
                    return Err(Error::refused(ErrorCode::FieldInvalid, "cử tri phải bầu ít nhất một cấp"));
                }
                let live = self.store.live_checkins_of(before.id)?;
                if let Some(c) = live.iter().find(|c| !levels.contains(&c.level)) {
                    return Err(Error::refused(ErrorCode::CheckedIn, format!("cử tri đã nhận phiếu {}; hủy nhận phiếu trước khi bỏ cấp này", c.level)));
                }
                after.levels = levels;
            }
            other => {
                return Err(Error::refused(
                    ErrorCode::UnknownField,
                    format!(
                        "không sửa được trường \"{other}\"; các trường: name, birth_date, gender, ethnicity, id_number, residence, residence_temporary, residence_current, levels, note, mobile_box"
                    ),
                ))
            }
        }
        if after == before {
            return self.row_dto(&before);
        }
        self.save_change(&format!("voter.edit.{}", input.field), &before, &after, &reason)
    }

    /// Stores a changed voter and its audit entry (before/after, reason) in
    /// one transaction.
    fn save_change(&mut self, action: &str, before: &VoterRow, after: &VoterRow, reason: &str) -> Result<VoterRowDto> {
        let now = clock::stamp(self.now());
        self.desk_ctx()?;
        let desk = self.desk.as_deref();
        self.store.write(|tx| {
            tx.update_voter(after)?;
            if let Some(c) = desk {
                App::desk_emit(tx, c, &now, tobaucu_core::desk::Body::Voter { stt: stored_u32("số thứ tự cử tri", after.stt)?, record: crate::desk::voter_record(after) })?;
            }
            tx.append_audit(&audit(&now, action, format!("cử tri số {}", before.stt), reason, Some(before), Some(after)))?;
            Ok::<_, Error>(())
        })?;
        self.index = None;
        self.row_dto(after)
    }

    /// Xóa tên, chuyển đi, bỏ phiếu ở nơi khác, or back on the list.
    pub fn change_status(&mut self, input: &StatusChangeInput) -> Result<VoterRowDto> {
        self.require_area()?;
        self.refuse_on_desk("xóa tên, chuyển đi hay thay đổi trạng thái cử tri")?;
        let reason = need_reason(&input.reason)?;
        let status = crate::convert::voter_status(input.status);
        let before = self.voter_or_refuse(input.stt.get())?;
        if status_of(&before)? == status {
            return Err(Error::refused(ErrorCode::NoChange, format!("cử tri số {} đã ở trạng thái \"{}\"", input.stt, status.vi())));
        }
        if status != VoterStatus::Active && !self.store.live_checkins_of(before.id)?.is_empty() {
            return Err(Error::refused(ErrorCode::CheckedIn, format!("cử tri số {} — {} — đã nhận phiếu; hủy nhận phiếu trước khi {}", input.stt, before.name, status.vi())));
        }
        let mut after = before.clone();
        after.status = status.as_str().to_owned();
        if status == VoterStatus::VotesElsewhere && !after.note.contains(NOTE_VOTES_ELSEWHERE) {
            after.note = if after.note.is_empty() { NOTE_VOTES_ELSEWHERE.to_owned() } else { format!("{}; {NOTE_VOTES_ELSEWHERE}", after.note) };
        }
        if status == VoterStatus::Active {
            after.note = after.note.replace(&format!("; {NOTE_VOTES_ELSEWHERE}"), "").replace(NOTE_VOTES_ELSEWHERE, "");
        }
        self.save_change(&format!("voter.status.{}", status.as_str()), &before, &after, &reason)
    }

    /// Kiểm tra nhật ký: walks the audit log's hash chain from the genesis
    /// hash and names the first entry whose link does not hold (an entry
    /// edited, removed or inserted behind the app's back).
    pub fn audit_verify(&self) -> Result<tobaucu_ipc::AuditVerifyDto> {
        self.audit_verify_with(&[])
    }

    /// [`App::audit_verify`], also against anchors the user names: backup
    /// files, bundle files, or a code typed from the printed minutes
    /// (`N:HEX`, the entry number and at least 16 hex digits of its hash).
    pub fn audit_verify_with(&self, extra: &[String]) -> Result<tobaucu_ipc::AuditVerifyDto> {
        use tobaucu_core::audit::{self, Link};
        use tobaucu_store::BundleRead;
        let rows = self.store.audit_chain()?;
        let links = rows.iter().map(|r| Link::Full {
            entry: audit::Entry {
                id: r.entry.id,
                at: &r.entry.at,
                action: &r.entry.action,
                subject: &r.entry.subject,
                reason: &r.entry.reason,
                before: r.entry.before.as_deref(),
                after: r.entry.after.as_deref(),
            },
            prev: &r.prev_hash,
            hash: &r.hash,
        });
        let entries = rows.len() as u64;
        // Entry numbers run 1…n: a gap is a deleted entry.
        let gap = rows.iter().enumerate().find(|(i, r)| i64::try_from(*i + 1).ok() != Some(r.entry.id)).map(|(i, _)| i);
        let chain = audit::verify_chain(links).map_err(|b| (b.index, b.id, b.why)).and_then(|head| match gap {
            Some(i) => Err((i, rows.get(i).map_or(0, |r| r.entry.id), "số thứ tự mục bị hở: có mục đã bị xóa")),
            None => Ok(head),
        });
        let anchors = self.audit_anchors(&rows, extra);
        let anchors_ok = anchors.iter().all(|a| a.ok);
        // At a board: its figures and current bundles against the bundles
        // it stored and the imports the log recorded.
        let data_problems: Vec<String> = match self.unit_id() {
            Ok((_, kind)) if kind.is_board() => self.integrity_of(&self.store.current_area_results()?, false)?.problems.into_iter().map(|p| p.message).collect(),
            _ => vec![],
        };
        let data_note = if data_problems.is_empty() {
            String::new()
        } else {
            format!(" Số liệu của Ban không khớp các gói đã nhập và nhật ký nhập gói (cơ sở dữ liệu đã bị sửa ngoài ứng dụng?) — {}. Hãy báo Ban bầu cử và nhập lại các gói gốc từ USB vào một cơ sở dữ liệu mới.", data_problems.join("; "))
        };
        Ok(match chain {
            Ok(head) => tobaucu_ipc::AuditVerifyDto {
                ok: anchors_ok && data_problems.is_empty(),
                entries,
                message: if anchors_ok && data_problems.is_empty() {
                    format!(
                        "Nhật ký nguyên vẹn: {entries} mục, mỗi mục nối đúng với mục trước{}. Mã cuối chuỗi {}.",
                        if anchors.is_empty() { String::new() } else { format!("; khớp {} mốc lưu ngoài tệp (sao lưu, gói đã xuất, biên bản in)", anchors.len()) },
                        &head[..16.min(head.len())]
                    )
                } else if anchors_ok {
                    format!("Chuỗi nhật ký liền mạch ({entries} mục), nhưng cơ sở dữ liệu đã bị can thiệp:{data_note}")
                } else {
                    let bad: Vec<String> = anchors.iter().filter(|a| !a.ok).map(|a| format!("{}: {}", a.source, a.detail)).collect();
                    format!("Nhật ký đã bị can thiệp: chuỗi trong tệp liền mạch nhưng không còn khớp mốc lưu bên ngoài — {}. Hãy báo Ban bầu cử.{data_note}", bad.join("; "))
                },
                head,
                broken: None,
                anchors,
                data_problems,
            },
            Err((index, id, why)) => {
                let r = rows.get(index);
                let at = r.map(|r| r.entry.at.clone()).unwrap_or_default();
                let action = r.map(|r| r.entry.action.clone()).unwrap_or_default();
                let subject = r.map(|r| r.entry.subject.clone()).unwrap_or_default();
                tobaucu_ipc::AuditVerifyDto {
                    ok: false,
                    entries,
                    head: rows.last().map(|r| r.hash.clone()).unwrap_or_default(),
                    message: format!(
                        "Nhật ký đã bị can thiệp: chuỗi đứt ở mục số {id} (vị trí {}/{entries}, {action} lúc {at}): {why}. Các mục từ đây trở đi không còn đáng tin; hãy báo Ban bầu cử.{data_note}",
                        index + 1
                    ),
                    broken: Some(tobaucu_ipc::AuditBreakDto { id, position: index as u64 + 1, at, action, subject, why: why.to_owned() }),
                    anchors,
                    data_problems,
                }
            }
        })
    }

    /// The log's head as kept outside this file: every backup made (and
    /// every backup file in the backup folder), every exported bundle
    /// still at its path, and what the user names. Cutting the log's tail
    /// or rewriting it shows against them.
    fn audit_anchors(&self, rows: &[tobaucu_store::ChainedAuditRow], extra: &[String]) -> Vec<tobaucu_ipc::AuditAnchorDto> {
        use tobaucu_store::BundleRead;
        let mut files: Vec<std::path::PathBuf> = Vec::new();
        if let Ok(runs) = self.store.backup_runs() {
            files.extend(runs.into_iter().map(|r| std::path::PathBuf::from(r.path)));
        }
        if let Ok(Some(dir)) = self.backup_settings().map(|s| s.dir) {
            if let Ok(rd) = std::fs::read_dir(&dir) {
                files.extend(rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "sqlite")));
            }
        }
        if let Ok(exports) = self.store.exports() {
            files.extend(exports.into_iter().map(|e| std::path::PathBuf::from(e.path)));
        }
        let mut out = Vec::new();
        let mut typed = Vec::new();
        for x in extra {
            match x.split_once(':').filter(|(n, h)| n.parse::<i64>().is_ok() && h.len() >= 16 && h.bytes().all(|b| b.is_ascii_hexdigit() || b == b' ')) {
                Some((n, h)) => typed.push((n.parse::<i64>().unwrap_or(0), h.replace(' ', "").to_lowercase())),
                None => files.push(std::path::PathBuf::from(x)),
            }
        }
        files.sort();
        files.dedup();
        let judge = |source: String, id: i64, hash: &str| -> tobaucu_ipc::AuditAnchorDto {
            let last = rows.last().map_or(0, |r| r.entry.id);
            let (ok, detail) = match rows.iter().find(|r| r.entry.id == id) {
                _ if id > last => (false, format!("ghi nhật ký đến mục số {id}, tệp này chỉ còn đến mục số {last}: phần cuối nhật ký đã bị cắt")),
                Some(r) if r.hash.starts_with(hash) => (true, format!("mục số {id} khớp")),
                Some(_) => (false, format!("mục số {id} khác với mốc: nhật ký đã bị viết lại")),
                None => (false, format!("không còn mục số {id}")),
            };
            tobaucu_ipc::AuditAnchorDto { source, id, hash: hash.to_owned(), ok, detail }
        };
        for (id, h) in typed {
            out.push(judge(format!("mã nhập tay {id}:{}", &h[..16.min(h.len())]), id, &h));
        }
        for f in files {
            let name = f.display().to_string();
            if !f.is_file() || f == self.db_path {
                continue;
            }
            if f.extension().is_some_and(|x| x == "tbc") {
                let head = crate::fsio::read_regular(&f, crate::bundle::MAX_IMPORT_BYTES).ok().and_then(|b| {
                    let mem = tobaucu_bundle::Mem(&b);
                    let bundle = tobaucu_bundle::Bundle::open(&mem, tobaucu_bundle::Limits::default()).ok()?;
                    let log = tobaucu_bundle::auditlog::verify(&bundle.read_member("audit.jsonl").ok()?).ok()?;
                    Some((log.last_id(), log.head))
                });
                if let Some((id, h)) = head {
                    out.push(judge(format!("gói {name}"), id, &h));
                }
            } else if let Ok(Some((id, h))) = tobaucu_store::audit_head_of(&f) {
                out.push(judge(format!("sao lưu {name}"), id, &h));
            }
        }
        out
    }

    /// Nhật ký: every change, oldest first.
    pub fn audit_log(&self) -> Result<Vec<AuditEntryDto>> {
        Ok(self.store.audit()?.into_iter().map(|a| AuditEntryDto { at: a.at, action: a.action, subject: a.subject, reason: a.reason, before: a.before, after: a.after }).collect())
    }
}

/// A birth typed by a person (add, edit): a date, or a year alone for a
/// voter born in 2007 or earlier (Mẫu 31/HĐBC column (2)), of age on
/// election day.
fn checked_birth(typed: &str, election_day: chrono::NaiveDate) -> Result<voter::BirthDate> {
    let birth = voter::parse_birth(typed).ok_or_else(|| {
        Error::refused(
            ErrorCode::FieldInvalid,
            format!("ngày sinh \"{typed}\" không hợp lệ; ghi theo dạng ngày/tháng/năm (hoặc chỉ năm sinh với cử tri sinh từ năm {} trở về trước)", voter::year_only_limit(election_day)),
        )
    })?;
    voter::check_birth(birth, election_day).map_err(|why| {
        let code = match why {
            voter::BirthRefusal::UnderAge => ErrorCode::UnderAge,
            voter::BirthRefusal::YearTooRecent(_) => ErrorCode::FieldInvalid,
        };
        Error::refused(code, voter::birth_refusal_vi(birth, why, election_day))
    })?;
    Ok(birth)
}
