//! Hand-written conversions between store rows, domain types and IPC DTOs.

use std::collections::{BTreeMap, HashMap};

use tobaucu_core::voter::{listed_residence, Voter, VoterStatus};
use tobaucu_ipc::{VoterDto, VoterRowDto, VoterStanding};
use tobaucu_store::{AuditRow, CheckinRow, VoterRow};

use crate::{Error, Result};

pub fn status_of(row: &VoterRow) -> Result<VoterStatus> {
    stored_word("trạng thái cử tri", &row.status, VoterStatus::parse)
}

/// The core's voter status as it crosses IPC.
pub fn standing(s: VoterStatus) -> VoterStanding {
    match s {
        VoterStatus::Active => VoterStanding::Active,
        VoterStatus::Removed => VoterStanding::Removed,
        VoterStatus::MovedOut => VoterStanding::MovedOut,
        VoterStatus::VotesElsewhere => VoterStanding::Elsewhere,
    }
}

/// The core's voter status of one crossing IPC.
pub fn voter_status(s: VoterStanding) -> VoterStatus {
    match s {
        VoterStanding::Active => VoterStatus::Active,
        VoterStanding::Removed => VoterStatus::Removed,
        VoterStanding::MovedOut => VoterStatus::MovedOut,
        VoterStanding::Elsewhere => VoterStatus::VotesElsewhere,
    }
}

/// A stored word of a small vocabulary (a status, a kind) read back with
/// its `parse`: a word the app never writes was written outside it,
/// refused `DB_CORRUPT` naming `what`.
pub fn stored_word<T>(what: &str, word: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<T> {
    parse(word).ok_or_else(|| damaged(what, format!("là «{word}», không phải giá trị ứng dụng ghi")))
}

/// The one refusal of a stored value the app could not have written:
/// "cơ sở dữ liệu ghi {what} {why}: tệp có thể đã bị sửa ngoài ứng dụng;
/// không đọc tiếp" (`DB_CORRUPT`).
pub fn damaged(what: &str, why: impl std::fmt::Display) -> Error {
    Error::refused(tobaucu_ipc::ErrorCode::DbCorrupt, format!("cơ sở dữ liệu ghi {what} {why}: tệp có thể đã bị sửa ngoài ứng dụng; không đọc tiếp"))
}

pub fn voter_dto(row: &VoterRow, checkins: &[CheckinRow]) -> Result<VoterDto> {
    Ok(VoterDto {
        stt: stored_u32("số thứ tự cử tri", row.stt)?.into(),
        name: row.name.clone(),
        birth_date: row.birth_date.clone(),
        gender: row.gender.clone(),
        ethnicity: row.ethnicity.clone(),
        id_number: row.id_number.clone(),
        residence: listed_residence(&row.residence, &row.residence_temporary, &row.residence_current),
        residence_permanent: row.residence.clone(),
        residence_temporary: row.residence_temporary.clone(),
        residence_current: row.residence_current.clone(),
        levels: row.levels.iter().map(Into::into).collect(),
        note: row.note.clone(),
        checked_in: checkins.iter().map(|c| (c.level.clone().into(), c.at.clone())).collect::<BTreeMap<_, _>>(),
    })
}

pub fn voter_row_dto(row: &VoterRow, checkins: &[CheckinRow]) -> Result<VoterRowDto> {
    let status = status_of(row)?;
    Ok(VoterRowDto {
        voter: voter_dto(row, checkins)?,
        status: standing(status),
        status_vi: status.vi().to_owned(),
        mobile_box: row.mobile_box || checkins.iter().any(|c| c.mobile_box),
        certificate: row.certificate.clone(),
    })
}

/// Live check-ins grouped by voter row id.
pub fn by_voter(checkins: Vec<CheckinRow>) -> HashMap<i64, Vec<CheckinRow>> {
    let mut out: HashMap<i64, Vec<CheckinRow>> = HashMap::new();
    for c in checkins {
        out.entry(c.voter_id).or_default().push(c);
    }
    out
}

pub fn voter_row(v: &Voter, added_at: &str) -> VoterRow {
    VoterRow {
        id: 0,
        stt: i64::from(v.stt),
        name: v.name.clone(),
        birth_date: v.birth_date.iso(),
        gender: v.gender.as_str().to_owned(),
        ethnicity: v.ethnicity.clone(),
        id_number: v.id_number.clone(),
        residence: v.residence.clone(),
        residence_temporary: v.residence_temporary.clone(),
        residence_current: v.residence_current.clone(),
        note: v.note.clone(),
        status: VoterStatus::Active.as_str().to_owned(),
        certificate: None,
        mobile_box: false,
        added_at: added_at.to_owned(),
        levels: v.levels.clone(),
    }
}

/// A voter row as audit-log JSON.
pub fn audit_json(row: &VoterRow) -> String {
    serde_json::json!({
        "stt": row.stt, "name": row.name, "birth_date": row.birth_date, "gender": row.gender,
        "ethnicity": row.ethnicity, "id_number": row.id_number, "residence": row.residence,
        "residence_temporary": row.residence_temporary, "residence_current": row.residence_current,
        "levels": row.levels, "note": row.note, "status": row.status,
        "certificate": row.certificate, "mobile_box": row.mobile_box,
    })
    .to_string()
}

/// One audit-log entry (nhật ký) with its before/after JSON.
pub fn audit_entry(at: &str, action: &str, subject: String, reason: &str, before: Option<String>, after: Option<String>) -> AuditRow {
    AuditRow { id: 0, at: at.to_owned(), action: action.to_owned(), subject, reason: reason.to_owned(), before, after }
}

/// The core's mode as it crosses IPC.
pub fn mode(m: tobaucu_core::election::Mode) -> tobaucu_ipc::Mode {
    match m {
        tobaucu_core::election::Mode::Official => tobaucu_ipc::Mode::Official,
        tobaucu_core::election::Mode::Test => tobaucu_ipc::Mode::Test,
    }
}

/// A mode from IPC (or the app's bundle mode) as the core's.
pub fn core_mode(m: tobaucu_ipc::Mode) -> tobaucu_core::election::Mode {
    match m {
        tobaucu_ipc::Mode::Official => tobaucu_core::election::Mode::Official,
        tobaucu_ipc::Mode::Test => tobaucu_core::election::Mode::Test,
    }
}

/// The core's severity as it crosses IPC.
pub fn severity(s: tobaucu_core::checks::Severity) -> tobaucu_ipc::Severity {
    match s {
        tobaucu_core::checks::Severity::Error => tobaucu_ipc::Severity::Error,
        tobaucu_core::checks::Severity::Warning => tobaucu_ipc::Severity::Warning,
    }
}

/// The kind of this database's unit as the store keeps it (a `CHECK`
/// allows only these); anything else is a damaged file.
pub fn unit_kind(kind: &str) -> crate::Result<tobaucu_ipc::UnitKind> {
    tobaucu_ipc::UnitKind::parse(kind).ok_or_else(|| crate::Error::Internal(format!("loại đơn vị \"{kind}\" trong cơ sở dữ liệu không có")))
}

/// A stored integer (a row id, a sequence or STT number, a count) as the
/// `u32` it crosses IPC as. The app never stores one out of that range; a
/// value outside it was written outside the app: refused as a damaged file
/// naming `what`, never clamped to a number that means something else.
pub fn stored_u32(what: &str, v: i64) -> Result<u32> {
    u32::try_from(v).map_err(|_| out_of_range(what, &v))
}

/// A stored size or count as the `u64` it crosses IPC as; negative is
/// refused `DB_CORRUPT`, naming `what`.
pub fn stored_u64(what: &str, v: i64) -> Result<u64> {
    u64::try_from(v).map_err(|_| out_of_range(what, &v))
}

/// A count made in memory (the rows of a list, the ballots of a file) as
/// the `u32` it crosses IPC as; a count beyond it is refused, not clamped.
pub fn count_u32<N: TryInto<u32> + Copy + std::fmt::Display>(what: &str, n: N) -> Result<u32> {
    n.try_into().map_err(|_| out_of_range(what, &n))
}

fn out_of_range(what: &str, v: &dyn std::fmt::Display) -> Error {
    damaged(what, format!("là {v}, ngoài khoảng ứng dụng dùng"))
}

#[cfg(test)]
mod tests {
    /// issue 13: a stored number out of range is refused, not clamped to 0.
    #[test]
    fn out_of_range_numbers_are_refused_not_clamped() {
        assert_eq!(super::stored_u32("số thứ tự", 7).ok(), Some(7));
        for v in [-1i64, i64::from(u32::MAX) + 1, i64::MIN] {
            let e = super::stored_u32("số thứ tự", v).err().map(|e| e.code());
            assert_eq!(e, Some(tobaucu_ipc::ErrorCode::DbCorrupt), "{v}");
        }
        assert_eq!(super::count_u32("số phiếu", 20_000).ok(), Some(20_000));
    }
}
