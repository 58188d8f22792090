//! Thiết lập: creating a unit's database from an election definition, and
//! what the app shows about it.

use crate::ErrorCode;
use sha2::{Digest, Sha256};
use tobaucu_core::election::{self, UnitKind};
use tobaucu_ipc::{AreaDto, ElectionPreview, LevelDto, StatusDto};
use tobaucu_store::{AuditRow, Read, UnitRow};

use crate::{clock, App, Error, Result, DEMO_AREA, DEMO_ELECTION, DEMO_VOTERS_CSV};

/// Which unit a database is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitChoice {
    /// A polling team (tổ bầu cử) of one area (khu vực bỏ phiếu).
    Area(String),
    /// An aggregating board of a commune, district or province.
    Board(UnitKind, String),
}

fn parse_definition(json: &str) -> Result<election::ElectionDefinition> {
    election::parse(json).map_err(|diags| Error::Refused {
        code: ErrorCode::ElectionInvalid,
        message: format!("định nghĩa cuộc bầu cử có {} lỗi, chưa thiết lập gì", diags.len()),
        problems: diags.iter().map(|d| format!("{}: {}", d.path, d.message)).collect(),
    })
}

fn levels_dto(def: &election::ElectionDefinition) -> Vec<LevelDto> {
    def.levels.iter().map(|l| LevelDto { code: l.code.clone().into(), name: l.name.clone() }).collect()
}

/// Reads a definition for the setup screen: its areas to pick from.
pub fn preview_election(json: &str) -> Result<ElectionPreview> {
    let def = parse_definition(json)?;
    let areas = def
        .areas
        .iter()
        .map(|a| AreaDto { id: a.id.clone(), number: a.number, name: a.name.clone(), commune: a.commune.clone(), commune_name: def.unit(&a.commune).map(|u| u.name.clone()).unwrap_or_default() })
        .collect();
    Ok(ElectionPreview {
        election_name: def.election.name.clone(),
        election_date: def.election.date.format("%Y-%m-%d").to_string(),
        mode: crate::convert::mode(def.election.mode),
        levels: levels_dto(&def),
        areas,
    })
}

impl App {
    /// Creates this database's unit from a definition, official from the
    /// start. Refused on a database that is already set up or holds voters.
    pub fn setup(&mut self, json: &str, unit: &UnitChoice) -> Result<StatusDto> {
        self.setup_mode(json, unit, false)
    }

    /// [`App::setup`], in rehearsal (diễn tập) when `rehearsal` is set:
    /// the unit rehearses in this very database, with its real list, until
    /// the Tổ trưởng switches it to official ([`App::switch_to_official`]).
    pub fn setup_mode(&mut self, json: &str, unit: &UnitChoice, rehearsal: bool) -> Result<StatusDto> {
        let now = clock::stamp(self.now());
        if let Some(u) = self.store.unit()? {
            return Err(Error::refused(
                ErrorCode::AlreadySetUp,
                format!("cơ sở dữ liệu {} đã được thiết lập cho {} (cuộc bầu cử {}); không thiết lập lần hai", self.db_path.display(), u.unit_id, u.election_id),
            ));
        }
        if self.store.voter_count()? > 0 {
            return Err(Error::refused(ErrorCode::NotEmpty, "cơ sở dữ liệu đã có dữ liệu; hãy dùng một tệp mới"));
        }
        let (row, def) = self.prepare_unit(json, unit)?;
        let (kind, unit_id, sha) = (row.kind.clone(), row.unit_id.clone(), row.election_sha256.clone());
        self.store.write(|tx| {
            if rehearsal {
                // Before the unit row: the schema refuses it afterwards.
                tx.insert_rehearsal(&now)?;
            }
            tx.insert_unit(&row)?;
            let mut after = serde_json::json!({"election": def.election.id, "election_sha256": sha});
            if rehearsal {
                after["rehearsal"] = serde_json::Value::Bool(true);
            }
            tx.append_audit(&AuditRow { id: 0, at: now.clone(), action: "setup".into(), subject: format!("{kind} {unit_id}"), reason: String::new(), before: None, after: Some(after.to_string()) })?;
            Ok::<_, Error>(())
        })?;
        self.rehearsal = rehearsal;
        self.def = Some(def);
        self.unit = Some(tobaucu_store::UnitRow { election_json: String::new(), ..row });
        self.status()
    }

    /// The unit row a setup would insert, after checking the definition and
    /// the unit chosen (setup, and a desk joining its team).
    pub(crate) fn prepare_unit(&self, json: &str, unit: &UnitChoice) -> Result<(UnitRow, election::ElectionDefinition)> {
        let def = parse_definition(json)?;
        let (kind, unit_id) = match unit {
            UnitChoice::Area(id) => {
                if def.area(id).is_none() {
                    let known: Vec<&str> = def.areas.iter().map(|a| a.id.as_str()).collect();
                    return Err(Error::refused(ErrorCode::UnknownArea, format!("khu vực bỏ phiếu \"{id}\" không có trong định nghĩa; các khu vực: {}", known.join(", "))));
                }
                ("area", id.clone())
            }
            UnitChoice::Board(kind, id) => {
                match def.unit(id) {
                    Some(u) if u.kind == *kind => {}
                    Some(u) => return Err(Error::refused(ErrorCode::UnitKind, format!("đơn vị \"{id}\" là {}, không phải {}", u.kind.as_str(), kind.as_str()))),
                    None => return Err(Error::refused(ErrorCode::UnknownUnit, format!("đơn vị \"{id}\" không có trong định nghĩa (units)"))),
                }
                (kind.as_str(), id.clone())
            }
        };
        let sha: String = Sha256::digest(json.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        let row = UnitRow {
            kind: kind.to_owned(),
            unit_id: unit_id.clone(),
            election_id: def.election.id.clone(),
            election_json: json.to_owned(),
            election_sha256: sha.clone(),
            mode: def.election.mode.as_str().to_owned(),
            created_at: clock::stamp(self.now()),
        };
        Ok((row, def))
    }

    /// Sets up the embedded demo election for its first area and imports
    /// the demo voter list. The demo is always a rehearsal (diễn tập).
    pub fn setup_demo(&mut self) -> Result<StatusDto> {
        self.setup_mode(DEMO_ELECTION, &UnitChoice::Area(DEMO_AREA.to_owned()), true)?;
        self.import_voters("demo-voters.csv", DEMO_VOTERS_CSV.as_bytes(), &[], false, &mut |_, _| {})?;
        self.status()
    }

    /// What the header of every screen shows.
    pub fn status(&self) -> Result<StatusDto> {
        let unit = self.unit_row()?;
        let mut s = StatusDto {
            set_up: unit.is_some(),
            db_path: self.db_path.display().to_string(),
            unit_kind: None,
            unit_id: None,
            unit_name: None,
            area_number: None,
            commune_name: None,
            election_name: None,
            election_date: None,
            mode: None,
            levels: Vec::new(),
            certificate_levels: Vec::new(),
            voters: crate::convert::count_u32("số cử tri", self.store.voter_count()?)?,
            checked_in: 0,
            definition_warnings: Vec::new(),
            rehearsal: self.rehearsal,
            official_since: None,
            backup_dir_set: false,
            backup_required: false,
        };
        if let (Some(unit), Some(def)) = (unit, &self.def) {
            s.definition_warnings = def.warnings.iter().map(|w| format!("{}: {}", w.path, w.message)).collect();
            s.unit_kind = Some(crate::convert::unit_kind(&unit.kind)?);
            s.unit_id = Some(unit.unit_id.clone());
            if let Some(area) = def.area(&unit.unit_id) {
                s.unit_name = Some(area.name.clone());
                s.area_number = Some(area.number);
                s.commune_name = def.unit(&area.commune).map(|u| u.name.clone());
            } else {
                s.unit_name = def.unit(&unit.unit_id).map(|u| u.name.clone());
            }
            s.election_name = Some(def.election.name.clone());
            s.election_date = Some(def.election.date.format("%Y-%m-%d").to_string());
            s.mode = Some(crate::convert::mode(def.election.mode));
            s.levels = levels_dto(def);
            s.certificate_levels = def.certificate_levels();
            s.checked_in = crate::convert::count_u32("số cử tri đã nhận phiếu", self.store.checked_in_voters()?)?;
            s.official_since = {
                use tobaucu_store::RehearsalRead;
                self.store.rehearsal()?.and_then(|r| r.official_at)
            };
            s.backup_dir_set = self.backup_dir_set()?;
            s.backup_required = self.backup_requirement()?.is_some();
        }
        Ok(s)
    }
}
