//! The figures every results export is written from (issue 15 items 1, 2):
//! one [`Book`] gathered once, then laid out as a spreadsheet
//! ([`super::sheets`]), a CSV table or a NIST SP 1500-100 report
//! ([`super::nist`]). At a board: every constituency touched by its areas,
//! each area's line of the first round, turnout and status of every area,
//! and the bundles the figures came from. At a team: its own figures per
//! level and the bundles it exported.

use crate::ErrorCode;
use std::collections::HashMap;
use std::path::Path;

use tobaucu_core::count::InvalidReason;
use tobaucu_core::percent::Percent;
use tobaucu_ipc::{ConstituencyResultDto, ExportedFileDto};
use tobaucu_store::BundleRead;

use crate::{clock, short_hash, App, Error, Result};

/// The figures of one line (an area, or a constituency's total).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Figs {
    pub listed: u64,
    pub voted: u64,
    pub issued: u64,
    pub received: u64,
    pub valid: u64,
    pub invalid: u64,
    /// Invalid ballots per ground of Art. 74, in `InvalidReason::ALL` order.
    pub by_reason: [u64; 5],
}

impl Figs {
    fn of(listed: u64, voted: u64, issued: u64, received: u64, valid: u64, invalid: u64, by: &std::collections::BTreeMap<String, u64>) -> Figs {
        let mut by_reason = [0u64; 5];
        for r in InvalidReason::ALL {
            by_reason[r.index()] = by.get(r.code()).copied().unwrap_or(0);
        }
        Figs { listed, voted, issued, received, valid, invalid, by_reason }
    }

    pub fn turnout(&self) -> Percent {
        Percent::of(self.voted, self.listed)
    }
}

/// One area's line in a constituency's table.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub area_id: String,
    pub number: u32,
    pub name: String,
    pub commune: String,
    pub figs: Figs,
    /// Votes per candidate, ballot order.
    pub votes: Vec<u64>,
}

/// A candidate of a constituency.
#[derive(Debug, Clone)]
pub(crate) struct Cand {
    pub id: String,
    pub name: String,
    pub birth_date: String,
    pub gender: &'static str,
}

/// One constituency: its areas' lines, totals, percentages and outcome.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub level: String,
    pub level_name: String,
    pub id: String,
    pub name: String,
    pub seats: u32,
    pub candidates: Vec<Cand>,
    pub lines: Vec<Line>,
    pub total: Figs,
    pub votes: Vec<u64>,
    pub percent: Vec<Percent>,
    pub areas_expected: u32,
    pub areas_reported: u32,
    pub complete: bool,
    pub elected: Vec<String>,
    pub verdict: String,
    /// Warnings and errors the board (or team) sees, with accepted reasons.
    pub notes: Vec<String>,
}

/// A bundle the figures were made from.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub unit: String,
    pub kind: String,
    pub sequence: i64,
    pub sha256: String,
    pub at: String,
    pub file: String,
}

impl Source {
    pub fn short(&self) -> String {
        short_hash(&self.sha256)
    }
}

/// One area's state at the board.
#[derive(Debug, Clone)]
pub(crate) struct AreaState {
    pub id: String,
    pub number: u32,
    pub name: String,
    pub commune: String,
    pub commune_id: String,
    /// Where the area's bundle stands at the board; `None` in a team's own
    /// book (its figures are its own).
    pub status: Option<tobaucu_ipc::ArrivalStatus>,
    pub bundle: String,
    pub imported_at: String,
    /// Paper against file; `None` before any bundle (or in a team's book).
    pub paper: Option<tobaucu_ipc::PaperStatus>,
    pub paper_note: String,
    pub accepted: Vec<String>,
    pub reason: String,
}

/// A unit above the areas: (id, kind, name, parent).
pub(crate) type UnitLine = (String, String, String, Option<String>);

/// Everything an export says.
#[derive(Debug, Clone)]
pub(crate) struct Book {
    pub unit_id: String,
    pub unit_name: String,
    /// Area ids up to the province, for the NIST units: (id, kind, name, parent).
    pub units: Vec<UnitLine>,
    pub election_id: String,
    pub election_name: String,
    pub election_date: String,
    pub test_mode: bool,
    pub generated_at: String,
    /// A later revision of some area's minutes replaced an earlier one.
    pub correction: bool,
    /// At a team: the figures are the team's own, nothing is decided here.
    pub team: bool,
    pub levels: Vec<(String, String)>,
    pub sources: Vec<Source>,
    pub blocks: Vec<Block>,
    pub areas: Vec<AreaState>,
}

fn gender_vi(g: tobaucu_core::voter::Gender) -> &'static str {
    match g {
        tobaucu_core::voter::Gender::Male => "Nam",
        tobaucu_core::voter::Gender::Female => "Nữ",
    }
}

/// One sentence on a constituency's outcome, as the board screen says it.
pub(crate) fn verdict(c: &ConstituencyResultDto) -> String {
    if !c.complete {
        return if c.decided_here {
            format!("Mới có {}/{} khu vực; chưa xác định người trúng cử", c.areas_reported, c.areas_expected)
        } else {
            format!("Đơn vị bầu cử có khu vực ngoài địa bàn này ({}/{}); cấp trên xác định kết quả", c.areas_reported, c.areas_expected)
        };
    }
    let seats = usize::try_from(c.seats).unwrap_or(usize::MAX);
    if c.revote_due {
        "Số cử tri đi bầu không quá một nửa: phải bầu cử lại (Điều 80)".into()
    } else if c.additional_vote_due {
        format!("Trúng cử {}/{}: phải bầu cử thêm (Điều 79)", c.elected.len(), c.seats)
    } else if c.elected.len() < seats {
        format!("Trúng cử {}/{}: còn thiếu {} đại biểu (đã bầu được từ hai phần ba trở lên nên không bầu cử thêm, Điều 79)", c.elected.len(), c.seats, seats - c.elected.len())
    } else {
        format!("Đã bầu đủ {}/{} đại biểu", c.elected.len(), c.seats)
    }
}

impl App {
    /// The units from this database's unit's areas up to the top, for the
    /// NIST report (the definition's own order).
    fn units_of(&self, area_ids: &[&str]) -> Result<Vec<UnitLine>> {
        let def = self.def()?;
        let mut keep: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for a in area_ids.iter().filter_map(|a| def.area(a)) {
            let mut cur = Some(a.commune.as_str());
            while let Some(u) = cur.and_then(|u| def.unit(u)) {
                if !keep.insert(u.id.as_str()) {
                    break;
                }
                cur = u.parent.as_deref();
            }
        }
        let kind = |k: tobaucu_core::election::UnitKind| match k {
            tobaucu_core::election::UnitKind::Nation => "nation",
            tobaucu_core::election::UnitKind::Province => "province",
            tobaucu_core::election::UnitKind::District => "district",
            tobaucu_core::election::UnitKind::Commune => "commune",
        };
        Ok(def.units.iter().filter(|u| keep.contains(u.id.as_str())).map(|u| (u.id.clone(), kind(u.kind).to_owned(), u.name.clone(), u.parent.clone())).collect())
    }

    /// The board's book: the figures of `results --json` and each area's line.
    pub(crate) fn board_book(&self) -> Result<Book> {
        let (me, _) = self.board()?;
        let def = self.def()?;
        // The area results read once, for the figures and the status.
        let mark = self.data_mark()?;
        let rows = self.store.current_area_results()?;
        let checked = self.checked_at(mark, Some(&rows))?;
        let computed = &checked.computed;
        let results = self.results_of(computed)?;
        let status = self.board_status_of(&rows)?;
        let mut blocks = Vec::new();
        for k in computed {
            let Some(c) = def.constituency(&k.info.id) else { continue };
            let Some(r) = results.constituencies.get(&c.id) else { continue };
            let o = &k.first;
            let by_area: HashMap<&str, &tobaucu_core::results::AreaReport> = k.reports.iter().filter(|x| x.round == 1 && x.votes.len() == c.candidates.len()).map(|x| (x.area.as_str(), x)).collect();
            let lines = k
                .info
                .areas
                .iter()
                .filter_map(|a| {
                    let rep = by_area.get(a.as_str())?;
                    let area = def.area(a)?;
                    Some(Line {
                        area_id: a.clone(),
                        number: area.number,
                        name: area.name.clone(),
                        commune: def.unit(&area.commune).map(|u| u.name.clone()).unwrap_or_default(),
                        figs: Figs::of(rep.voters_listed, rep.voters_voted, rep.ballots_issued, rep.ballots_received, rep.ballots_valid, rep.ballots_invalid, &rep.invalid_by_reason),
                        votes: rep.votes.clone(),
                    })
                })
                .collect();
            blocks.push(Block {
                level: c.level.clone(),
                level_name: k.level_name.clone(),
                id: c.id.clone(),
                name: c.name.clone(),
                seats: c.seats,
                candidates: c.candidates.iter().map(|x| Cand { id: x.id.clone(), name: x.name.clone(), birth_date: x.birth_date.to_string(), gender: gender_vi(x.gender) }).collect(),
                lines,
                total: Figs::of(o.voters_listed, o.voters_voted, o.ballots_issued, o.ballots_received, o.ballots_valid, o.ballots_invalid, &o.invalid_by_reason),
                votes: o.votes.clone(),
                percent: o.percent.clone(),
                areas_expected: o.areas_expected,
                areas_reported: o.areas_reported,
                complete: o.complete,
                elected: o.elected.clone(),
                verdict: verdict(r),
                notes: r
                    .checks
                    .iter()
                    .map(|x| match &x.accepted_reason {
                        Some(why) => format!("{}: {} — Ban bầu cử đã chấp nhận: {why}", x.code, x.message),
                        None => format!("{}: {}", x.code, x.message),
                    })
                    .collect(),
            });
        }
        let bundles = self.store.bundles()?;
        let sources: Vec<Source> = bundles
            .iter()
            .filter(|b| b.superseded_by.is_none())
            .map(|b| Source { unit: b.unit_id.clone(), kind: b.unit_kind.clone(), sequence: b.sequence, sha256: b.sha256.clone(), at: b.imported_at.clone(), file: b.file_name.clone() })
            .collect();
        let correction = bundles.iter().any(|b| b.superseded_by.is_none() && b.sequence > 1);
        let areas: Vec<AreaState> = status
            .areas
            .into_iter()
            .map(|a| AreaState {
                commune_id: def.area(&a.area_id).map(|x| x.commune.clone()).unwrap_or_default(),
                id: a.area_id.into(),
                number: a.number,
                name: a.name,
                commune: a.commune,
                status: Some(a.status),
                bundle: match (a.sequence, a.short_code) {
                    (Some(n), Some(c)) => format!("số {n} · {c}"),
                    _ => String::new(),
                },
                imported_at: a.imported_at.unwrap_or_default(),
                paper: a.paper,
                paper_note: a.paper_note,
                accepted: a.accepted,
                reason: a.reason.unwrap_or_default(),
            })
            .collect();
        let ids: Vec<&str> = areas.iter().map(|a| a.id.as_str()).collect();
        Ok(Book {
            units: self.units_of(&ids)?,
            unit_name: status.unit_name,
            unit_id: me,
            election_id: def.election.id.clone(),
            election_name: def.election.name.clone(),
            election_date: def.election.date.to_string(),
            test_mode: def.election.mode == tobaucu_core::election::Mode::Test,
            generated_at: clock::stamp(self.now()),
            correction,
            team: false,
            levels: def.levels.iter().map(|l| (l.code.clone(), l.name.clone())).collect(),
            sources,
            blocks,
            areas,
        })
    }

    /// A team's book: its own figures per level (the minutes' figures, the
    /// locked revision's when final) and the bundles it exported.
    pub(crate) fn team_book(&self) -> Result<Book> {
        let def = self.def()?;
        let unit = self.unit_row()?.ok_or_else(|| Error::refused(ErrorCode::NotSetUp, "chưa thiết lập"))?;
        let area = def.area(&unit.unit_id).ok_or_else(|| Error::Internal(format!("thiếu khu vực {}", unit.unit_id)))?;
        let commune = def.unit(&area.commune).map(|u| u.name.clone()).unwrap_or_default();
        let mut blocks = Vec::new();
        let mut correction = false;
        for l in &def.levels {
            let Some(cid) = area.constituencies.get(&l.code) else { continue };
            let Some(c) = def.constituency(cid) else { continue };
            let s = self.summary(&l.code)?;
            correction |= s.revisions.len() > 1;
            let widen = |m: &std::collections::BTreeMap<String, u32>| m.iter().map(|(k, v)| (k.clone(), u64::from(*v))).collect::<std::collections::BTreeMap<String, u64>>();
            let figs = Figs::of(
                u64::from(s.voters_listed),
                u64::from(s.voters_voted),
                u64::from(s.ballots_issued),
                u64::from(s.ballots_received),
                u64::from(s.ballots_valid),
                u64::from(s.ballots_invalid),
                &widen(&s.invalid_by_reason),
            );
            let votes: Vec<u64> = s.candidates.iter().map(|x| u64::from(x.votes)).collect();
            let state = if s.status == tobaucu_ipc::MinutesStatus::Final { "biên bản đã khóa" } else { "biên bản chưa khóa (bản nháp)" };
            blocks.push(Block {
                level: l.code.clone(),
                level_name: l.name.clone(),
                id: c.id.clone(),
                name: c.name.clone(),
                seats: c.seats,
                candidates: c.candidates.iter().map(|x| Cand { id: x.id.clone(), name: x.name.clone(), birth_date: x.birth_date.to_string(), gender: gender_vi(x.gender) }).collect(),
                lines: vec![Line { area_id: area.id.clone(), number: area.number, name: area.name.clone(), commune: commune.clone(), figs: figs.clone(), votes: votes.clone() }],
                percent: votes.iter().map(|v| Percent::of(*v, figs.valid)).collect(),
                total: figs,
                votes,
                areas_expected: u32::try_from(def.areas.iter().filter(|a| a.constituencies.get(&l.code) == Some(cid)).count()).unwrap_or(0),
                areas_reported: 1,
                complete: false,
                elected: vec![],
                verdict: format!("Số liệu của Tổ bầu cử ({state}); người trúng cử do Ban bầu cử xác định"),
                notes: s
                    .checks
                    .iter()
                    .map(|k| match &k.accepted_reason {
                        Some(why) => format!("{}: {} — đã chấp nhận: {why}", k.code, k.message),
                        None => format!("{}: {}", k.code, k.message),
                    })
                    .collect(),
            });
        }
        let sources: Vec<Source> = self
            .store
            .exports()?
            .into_iter()
            .map(|e| Source { unit: unit.unit_id.clone(), kind: "area".into(), sequence: e.sequence, sha256: e.sha256, at: e.created_at, file: e.file_name })
            .collect();
        Ok(Book {
            units: self.units_of(&[area.id.as_str()])?,
            unit_id: unit.unit_id.clone(),
            unit_name: format!("Tổ bầu cử khu vực bỏ phiếu số {} — {}", area.number, area.name),
            election_id: def.election.id.clone(),
            election_name: def.election.name.clone(),
            election_date: def.election.date.to_string(),
            test_mode: def.election.mode == tobaucu_core::election::Mode::Test,
            generated_at: clock::stamp(self.now()),
            correction,
            team: true,
            levels: def.levels.iter().map(|l| (l.code.clone(), l.name.clone())).collect(),
            sources,
            blocks,
            areas: vec![AreaState {
                id: area.id.clone(),
                number: area.number,
                name: area.name.clone(),
                commune,
                commune_id: area.commune.clone(),
                status: None,
                bundle: String::new(),
                imported_at: String::new(),
                paper: None,
                paper_note: String::new(),
                accepted: vec![],
                reason: String::new(),
            }],
        })
    }

    /// This database's book: a board's or a team's.
    pub(crate) fn book(&self) -> Result<Book> {
        match self.unit_row()? {
            Some(u) if u.kind == "area" => self.team_book(),
            Some(_) => self.board_book(),
            None => Err(Error::refused(ErrorCode::NotSetUp, "cơ sở dữ liệu chưa được thiết lập")),
        }
    }

    /// `results --xlsx FILE --csv FILE --nist FILE`: each file asked for,
    /// written from one gathering of the figures (atomically, read back).
    pub fn export_results(&self, xlsx: Option<&Path>, csv: Option<&Path>, nist: Option<&Path>) -> Result<Vec<ExportedFileDto>> {
        let book = self.book()?;
        let mut out = Vec::new();
        let mut put = |format: &str, path: &Path, bytes: Vec<u8>| -> Result<()> {
            crate::fsio::write_atomic(path, &bytes)?;
            out.push(ExportedFileDto { format: format.into(), path: path.display().to_string(), bytes: u64::try_from(bytes.len()).unwrap_or(u64::MAX) });
            Ok(())
        };
        if let Some(p) = xlsx {
            put("xlsx", p, super::sheets::xlsx(&book)?)?;
        }
        if let Some(p) = csv {
            put("csv", p, super::sheets::csv(&book)?)?;
        }
        if let Some(p) = nist {
            put("nist", p, super::nist::report(&book)?)?;
        }
        Ok(out)
    }

    /// The app's button: the three files into `dir` (default: `ket-qua/`
    /// next to the database), named after the unit and the time.
    pub fn save_results_exports(&self, dir: Option<&Path>) -> Result<Vec<ExportedFileDto>> {
        let dir = dir.map(Path::to_path_buf).unwrap_or_else(|| self.beside_db("ket-qua"));
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, &e))?;
        let unit = self.unit_row()?.map(|u| u.unit_id).unwrap_or_default();
        let stamp = self.now().format("%Y%m%d-%H%M%S").to_string();
        let base = format!("ket-qua-{unit}-{stamp}");
        self.export_results(Some(&dir.join(format!("{base}.xlsx"))), Some(&dir.join(format!("{base}.csv"))), Some(&dir.join(format!("{base}.nist.json"))))
    }
}
