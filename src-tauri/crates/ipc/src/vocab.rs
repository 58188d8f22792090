//! The domain's small vocabularies as they cross IPC and the CLI's JSON:
//! each is an enum here (a TypeScript union through ts-rs), so no layer
//! compares them as text. `app::convert` maps the core's types onto them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Wire forms of the small enums in this file: the serde name, also what the
/// store writes; `parse` is its inverse.
macro_rules! wire {
    ($t:ident { $($v:ident = $s:literal),+ $(,)? }) => {
        impl $t {
            /// Every value, in declaration order.
            pub const ALL: &'static [$t] = &[$($t::$v),+];
            /// The wire form (serde name; what the store writes).
            pub fn as_str(self) -> &'static str {
                match self { $($t::$v => $s),+ }
            }
            pub fn parse(s: &str) -> Option<$t> {
                match s { $($s => Some($t::$v),)+ _ => None }
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Chế độ: an official election or a test one (a rehearsal's bundles and
/// a test definition carry `test`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Chính thức.
    Official,
    /// Thử nghiệm hoặc diễn tập.
    Test,
}

wire!(Mode { Official = "official", Test = "test" });

/// The kind of unit a database (or a bundle) belongs to: a polling team's
/// area, or a board (commune, district, province, nation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Tổ bầu cử: one polling area.
    Area,
    /// Ủy ban bầu cử xã.
    Commune,
    /// Huyện (none in 2026).
    District,
    /// Ủy ban bầu cử tỉnh.
    Province,
    /// Hội đồng bầu cử quốc gia.
    Nation,
}

wire!(UnitKind { Area = "area", Commune = "commune", District = "district", Province = "province", Nation = "nation" });

impl UnitKind {
    /// A board (any unit above a polling area).
    pub fn is_board(self) -> bool {
        self != UnitKind::Area
    }
}

/// How serious a failed check is (`shared/checks.md`): an error blocks
/// finalizing; a warning needs a reason to be accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Lỗi.
    Error,
    /// Cảnh báo.
    Warning,
}

/// Cách kiểm: how a level's figures were entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CountMethod {
    /// Chưa nhập gì.
    None,
    /// Kiểm từng phiếu (ballot by ballot).
    Ballots,
    /// Nhập bảng kiểm phiếu (two agreeing entries of the paper tally sheet).
    Tally,
}
wire!(CountMethod { None = "none", Ballots = "ballots", Tally = "tally" });

/// Biên bản: a draft, or final (locked; changes only through a logged reopen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MinutesStatus {
    /// Bản nháp.
    Draft,
    /// Đã hoàn tất (khóa).
    Final,
}
wire!(MinutesStatus { Draft = "draft", Final = "final" });

/// Where a voter stands on the list (`domain.md` §3.2); the core's
/// `VoterStatus` as it crosses IPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub enum VoterStanding {
    /// Trong danh sách.
    #[serde(rename = "active")]
    Active,
    /// Đã xóa tên.
    #[serde(rename = "removed")]
    Removed,
    /// Đã chuyển đi.
    #[serde(rename = "moved_out")]
    MovedOut,
    /// Bỏ phiếu ở nơi khác (holds a certificate).
    #[serde(rename = "elsewhere")]
    Elsewhere,
}
wire!(VoterStanding { Active = "active", Removed = "removed", MovedOut = "moved_out", Elsewhere = "elsewhere" });

/// Khiếu nại: where a complaint received at the polling place stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    /// Đã nhận, chưa giải quyết.
    Received,
    /// Tổ đã giải quyết.
    Settled,
    /// Đã chuyển Ban bầu cử.
    Forwarded,
}
wire!(ComplaintStatus { Received = "received", Settled = "settled", Forwarded = "forwarded" });

impl ComplaintStatus {
    /// Vietnamese label for screens and forms.
    pub fn vi(self) -> &'static str {
        match self {
            ComplaintStatus::Received => "Đã nhận, chưa giải quyết",
            ComplaintStatus::Settled => "Tổ đã giải quyết",
            ComplaintStatus::Forwarded => "Đã chuyển Ban bầu cử",
        }
    }
}

/// One area as a board sees it on results night.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ArrivalStatus {
    /// Chưa nhận.
    Waiting,
    /// Đã nhận (a bundle passed every check).
    Imported,
    /// Bị từ chối (only refused bundles so far).
    Refused,
}
wire!(ArrivalStatus { Waiting = "waiting", Imported = "imported", Refused = "refused" });

impl ArrivalStatus {
    /// Vietnamese label for screens and spreadsheets.
    pub fn vi(self) -> &'static str {
        match self {
            ArrivalStatus::Waiting => "Đang chờ",
            ArrivalStatus::Imported => "Đã nhập",
            ArrivalStatus::Refused => "Bị từ chối",
        }
    }
}

/// What the voter-list check found (`voters check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum VoterProblemKind {
    /// Trùng số căn cước trong một danh sách.
    DuplicateId,
    /// Chưa đủ 18 tuổi (or a year alone where the date is needed).
    UnderAge,
    /// Thiếu số căn cước.
    MissingId,
    /// Chữ còn ở bảng mã cũ hoặc bị lỗi.
    LegacyText,
    /// Một người có tên ở hai khu vực.
    TwoAreas,
    /// Tệp không đọc được.
    Unreadable,
}
wire!(VoterProblemKind { DuplicateId = "duplicate_id", UnderAge = "under_age", MissingId = "missing_id", LegacyText = "legacy_text", TwoAreas = "two_areas", Unreadable = "unreadable" });

impl VoterProblemKind {
    /// What the check calls each kind, for the summary line.
    pub fn vi(self) -> &'static str {
        match self {
            VoterProblemKind::DuplicateId => "trùng số căn cước",
            VoterProblemKind::UnderAge => "chưa đủ 18 tuổi",
            VoterProblemKind::MissingId => "thiếu số căn cước",
            VoterProblemKind::LegacyText => "chữ còn ở bảng mã cũ hoặc bị lỗi",
            VoterProblemKind::TwoAreas => "một người có tên ở hai khu vực",
            VoterProblemKind::Unreadable => "tệp không đọc được",
        }
    }
}

/// Paper minutes against the signed file (issue 15 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PaperStatus {
    /// Chỉ có tệp: the paper's figures not typed yet.
    FileOnly,
    /// Giấy và tệp khớp.
    Agree,
    /// Giấy và tệp khác nhau.
    Differ,
}
wire!(PaperStatus { FileOnly = "file_only", Agree = "agree", Differ = "differ" });

impl PaperStatus {
    /// Vietnamese label for screens and spreadsheets.
    pub fn vi(self) -> &'static str {
        match self {
            PaperStatus::FileOnly => "Chỉ có tệp",
            PaperStatus::Agree => "Giấy và tệp khớp",
            PaperStatus::Differ => "Giấy và tệp khác nhau",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_forms_are_the_serde_names() {
        for m in [Mode::Official, Mode::Test] {
            assert_eq!(serde_json::to_value(m).unwrap_or_default(), serde_json::Value::String(m.as_str().into()));
            assert_eq!(Mode::parse(m.as_str()), Some(m));
        }
        for k in [UnitKind::Area, UnitKind::Commune, UnitKind::District, UnitKind::Province, UnitKind::Nation] {
            assert_eq!(serde_json::to_value(k).unwrap_or_default(), serde_json::Value::String(k.as_str().into()));
            assert_eq!(UnitKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(serde_json::to_value(Severity::Warning).unwrap_or_default(), serde_json::Value::String("warning".into()));
        fn each<T: Copy + Serialize + std::fmt::Debug + PartialEq>(all: &[T], as_str: fn(T) -> &'static str, parse: fn(&str) -> Option<T>) {
            for &x in all {
                assert_eq!(serde_json::to_value(x).unwrap_or_default(), serde_json::Value::String(as_str(x).into()), "{x:?}");
                assert_eq!(parse(as_str(x)), Some(x));
            }
        }
        each(CountMethod::ALL, CountMethod::as_str, CountMethod::parse);
        each(MinutesStatus::ALL, MinutesStatus::as_str, MinutesStatus::parse);
        each(VoterStanding::ALL, VoterStanding::as_str, VoterStanding::parse);
        each(ComplaintStatus::ALL, ComplaintStatus::as_str, ComplaintStatus::parse);
        each(ArrivalStatus::ALL, ArrivalStatus::as_str, ArrivalStatus::parse);
        each(PaperStatus::ALL, PaperStatus::as_str, PaperStatus::parse);
        each(VoterProblemKind::ALL, VoterProblemKind::as_str, VoterProblemKind::parse);
    }
}
