//! The domain's small vocabularies as they cross IPC and the CLI's JSON:
//! each is an enum here (a TypeScript union through ts-rs), so no layer
//! compares them as text. `app::convert` maps the core's types onto them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

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

impl Mode {
    /// The wire form (`official`, `test`), as the bundle manifest writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Official => "official",
            Mode::Test => "test",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "official" => Some(Mode::Official),
            "test" => Some(Mode::Test),
            _ => None,
        }
    }
}

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

impl UnitKind {
    /// The wire form, as the store and the bundle manifest write it.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Area => "area",
            UnitKind::Commune => "commune",
            UnitKind::District => "district",
            UnitKind::Province => "province",
            UnitKind::Nation => "nation",
        }
    }

    pub fn parse(s: &str) -> Option<UnitKind> {
        Some(match s {
            "area" => UnitKind::Area,
            "commune" => UnitKind::Commune,
            "district" => UnitKind::District,
            "province" => UnitKind::Province,
            "nation" => UnitKind::Nation,
            _ => return None,
        })
    }

    /// A board (any unit above a polling area).
    pub fn is_board(self) -> bool {
        self != UnitKind::Area
    }
}

impl std::fmt::Display for UnitKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
    }
}
