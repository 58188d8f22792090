//! Vòng bầu cử sau (bầu cử lại, bầu cử thêm — Art. 79, 80) from the board
//! to its teams and back: the board that declared a round writes a round
//! file for the teams of the constituency (`round file`); each team opens
//! it (`round open`), which adds the round as a level of its own ("XA.v2",
//! `core::election::add_round`) whose ballot goes to the same voters; the
//! team checks voters in, counts, locks and exports as for any level; the
//! board, which holds the same round, reviews and sums it
//! (`core::results::aggregate_round`).
//!
//! The round file is not signed: a team that opened a round the board did
//! not declare (or with other candidates or seats) is refused at the board,
//! whose own declaration decides.

use crate::ErrorCode;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::json;
use tobaucu_core::canonical::canonical_json;
use tobaucu_core::election::round_code;
use tobaucu_store::{BoardRead, PaperRead, TeamRoundRow};

use crate::{clock, convert::audit_entry, App, Error, Result};

/// Format of a round file.
pub const ROUND_FORMAT: &str = "tobaucu-round/1";

/// What a board declared, as its teams receive it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoundFile {
    format: String,
    election_id: String,
    definition_sha256: String,
    board: String,
    constituency: String,
    number: u32,
    kind: String,
    seats: u32,
    candidates: Vec<String>,
    declared_at: String,
}

/// The IPC form of a round opened or written.
pub fn dto(r: RoundOpened) -> tobaucu_ipc::RoundOpenedDto {
    tobaucu_ipc::RoundOpenedDto { level: r.level.into(), constituency: r.constituency, number: r.number, kind: r.kind, seats: r.seats, candidates: r.candidates, file: r.file, message: r.message }
}

/// A round opened at a team or written for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundOpened {
    /// The code the round is counted under ("XA.v2").
    pub level: String,
    pub constituency: String,
    pub number: u32,
    pub kind: String,
    pub seats: u32,
    pub candidates: Vec<String>,
    /// The round file (written at a board).
    pub file: Option<String>,
    pub message: String,
}

impl App {
    /// `round file --constituency C --out DIR`: the round this board
    /// declared for `C`, as a file for the teams of the constituency.
    pub fn write_round_file(&mut self, constituency: &str, dir: &Path) -> Result<RoundOpened> {
        let (me, kind) = self.unit_id()?;
        if kind == tobaucu_ipc::UnitKind::Area {
            return Err(Error::refused(ErrorCode::NotABoard, format!("cơ sở dữ liệu này là của tổ bầu cử {me}; tệp vòng bầu cử do ban/ủy ban đã công bố vòng đó ghi")));
        }
        let r = self
            .store
            .board_rounds()?
            .into_iter()
            .filter(|r| r.constituency_id == constituency)
            .max_by_key(|r| r.number)
            .ok_or_else(|| Error::refused(ErrorCode::NoRound, format!("chưa công bố bầu cử lại hay bầu cử thêm nào ở đơn vị bầu cử {constituency} (tobaucu round declare)")))?;
        let u = self.unit_row()?.ok_or_else(|| Error::refused(ErrorCode::NotSetUp, "chưa thiết lập"))?;
        let candidates: Vec<String> = serde_json::from_str(&r.candidates).map_err(|e| Error::Internal(e.to_string()))?;
        let file = RoundFile {
            format: ROUND_FORMAT.into(),
            election_id: self.def()?.election.id.clone(),
            definition_sha256: u.election_sha256,
            board: me,
            constituency: constituency.to_owned(),
            number: crate::convert::stored_u32("số vòng bầu", r.number)?,
            kind: r.kind.clone(),
            seats: crate::convert::stored_u32("số ghế của vòng bầu", r.seats)?,
            candidates: candidates.clone(),
            declared_at: r.declared_at.clone(),
        };
        let value = serde_json::to_value(&file).map_err(|e| Error::Internal(e.to_string()))?;
        let path: PathBuf = dir.join(format!("vong-{}-{constituency}.json", file.number));
        crate::fsio::write_atomic(&path, canonical_json(&value).as_bytes())?;
        let level = self.def()?.constituency(constituency).map(|c| round_code(&c.level, file.number)).unwrap_or_default();
        Ok(RoundOpened {
            message: format!("Đã ghi tệp vòng bầu cử số {} của đơn vị bầu cử {constituency} cho các Tổ bầu cử: {}", file.number, path.display()),
            level,
            constituency: constituency.to_owned(),
            number: file.number,
            kind: file.kind,
            seats: file.seats,
            candidates,
            file: Some(path.display().to_string()),
        })
    }

    /// `round open FILE`: this team opens the round its board declared. A
    /// board opens it too when the round was declared elsewhere (a
    /// National Assembly round declared at the province reaches the
    /// communes' boards, a commune's round the province), so that the
    /// round's minutes pass through it.
    pub fn open_round(&mut self, path: &Path) -> Result<RoundOpened> {
        let (me, kind) = self.unit_id()?;
        let team = kind == tobaucu_ipc::UnitKind::Area;
        let name = path.display().to_string();
        let bad = |m: String| Error::refused(ErrorCode::RoundFile, format!("{name}: {m}"));
        let bytes = crate::fsio::read_regular(path, 64 * 1024)?;
        let f: RoundFile = serde_json::from_slice(&bytes).map_err(|e| bad(format!("không phải tệp vòng bầu cử ({e})")))?;
        if f.format != ROUND_FORMAT {
            return Err(bad(format!("định dạng phải là \"{ROUND_FORMAT}\"")));
        }
        let u = self.unit_row()?.ok_or_else(|| Error::refused(ErrorCode::NotSetUp, "chưa thiết lập"))?;
        let def = self.def()?;
        if f.election_id != def.election.id || f.definition_sha256 != u.election_sha256 {
            return Err(bad("tệp thuộc cuộc bầu cử hoặc định nghĩa khác".into()));
        }
        let c = def.constituency(&f.constituency).ok_or_else(|| bad(format!("đơn vị bầu cử {} không có trong định nghĩa", f.constituency)))?;
        let here =
            def.areas
                .iter()
                .filter(|a| a.constituencies.get(&c.level) == Some(&c.id))
                .any(|a| if team { a.id == me } else { crate::bundle::below(def, &me, kind.as_str(), &a.id, Some("area")).is_ok() });
        if !here {
            return Err(bad(format!("{me} không có khu vực bỏ phiếu nào thuộc đơn vị bầu cử {}", c.id)));
        }
        if !team && self.store.board_rounds()?.iter().any(|r| r.constituency_id == c.id) {
            return Err(Error::refused(ErrorCode::RoundDeclaredHere, format!("vòng bầu cử của {} đã được công bố tại chính cơ sở dữ liệu này", c.id)));
        }
        let level = round_code(&c.level, f.number);
        if self.store.team_rounds()?.iter().any(|r| r.level == c.level && u32::try_from(r.number).ok() == Some(f.number)) {
            return Err(Error::refused(ErrorCode::RoundOpen, format!("vòng bầu cử số {} của {} đã được mở (cấp {level})", f.number, c.id)));
        }
        // The overlay must accept it before anything is stored.
        let mut check = def.clone();
        check.add_round(&c.id, f.number, &f.kind, f.seats, &f.candidates).map_err(bad)?;
        let base = c.level.clone();
        let cid = c.id.clone();
        let at = clock::stamp(self.now());
        let row = TeamRoundRow {
            level: base.clone(),
            number: i64::from(f.number),
            kind: f.kind.clone(),
            constituency_id: cid.clone(),
            seats: i64::from(f.seats),
            candidates: serde_json::to_string(&f.candidates).map_err(|e| Error::Internal(e.to_string()))?,
            declared_at: f.declared_at.clone(),
            opened_at: at.clone(),
        };
        let level2 = level.clone();
        self.store.write(|tx| {
            tx.insert_team_round(&row)?;
            let voters = if team { tx.add_round_level(&base, &level2)? } else { 0 };
            tx.append_audit(&audit_entry(
                &at,
                "round.open",
                format!("vòng bầu cử số {} của {} (cấp {level2})", row.number, row.constituency_id),
                "",
                None,
                Some(json!({"kind": row.kind, "seats": row.seats, "candidates": f.candidates, "declared_at": row.declared_at, "board": f.board, "voters": voters}).to_string()),
            ))?;
            Ok::<_, Error>(())
        })?;
        self.reload_definition()?;
        let what = if f.kind == "revote" { "bầu cử lại" } else { "bầu cử thêm" };
        Ok(RoundOpened {
            message: format!(
                "Đã mở {what} (vòng {}) của đơn vị bầu cử {cid}: phát phiếu, kiểm phiếu và lập biên bản ở cấp {level} ({} đại biểu, {} người ứng cử)",
                f.number,
                f.seats,
                f.candidates.len()
            ),
            level,
            constituency: cid,
            number: f.number,
            kind: f.kind,
            seats: f.seats,
            candidates: f.candidates,
            file: None,
        })
    }
}
