//! Kết quả theo đơn vị bầu cử at a board: the areas' minutes summed per
//! constituency (A02: recomputed here, never taken from a lower total), the
//! law applied once complete (`tobaucu_core::results`), the dashboard of
//! areas, the board's own bundle members and printed documents.

use crate::ErrorCode;
use std::collections::BTreeMap;

use serde_json::{json, Value};
use tobaucu_bundle::keys::fingerprint;
use tobaucu_core::canonical::canonical_json;
use tobaucu_core::election::ElectionDefinition;
use tobaucu_core::minutes::{ComplaintLine, Explanation, IncidentLine, Minutes};
use tobaucu_core::percent::Percent;
use tobaucu_core::results::{aggregate, aggregate_round, next_round, AreaReport, CandidateInfo, ConstituencyInfo, Outcome, RoundInfo, RoundKind};
use tobaucu_ipc::{AreaStatusDto, ArrivalStatus, BoardStatusDto, CandidateTotalDto, ConstituencyResultDto, RefusalDto, ResultCheckDto, ResultsDto, RoundResultDto};
use tobaucu_store::{BoardRead, BundleRead, DayRead, PaperRead};

use super::below;
use crate::{short_hash, App, Error, Result};

/// An area's report from its stored minutes data, read strictly: the text
/// must be the canonical document whose SHA-256 the import recorded (a row
/// edited behind the app's back is not summed; the caller names it). With
/// it, what the area's minutes tell the Ban besides figures.
pub(crate) fn report_of(r: &tobaucu_store::AreaResultRow) -> std::result::Result<(AreaReport, AreaNotes), String> {
    report_via(r, &mut |_, data| parse_area(data).map(std::sync::Arc::new))
}

/// [`report_of`] with the document parsed by `parse` (given the SHA-256 of
/// its text, checked first, and the text): a board parses each document
/// once ([`App::checked`]).
fn report_via(r: &tobaucu_store::AreaResultRow, parse: &mut ParseArea<'_>) -> std::result::Result<(AreaReport, AreaNotes), String> {
    if tobaucu_core::audit::sha256_hex(r.data.as_bytes()) != r.minutes_sha256 {
        return Err(format!("số liệu đã lưu của khu vực {} cấp {} không khớp mã số liệu đã nhập (cơ sở dữ liệu bị sửa ngoài ứng dụng); không cộng", r.area_id, r.level));
    }
    let p = parse(&r.minutes_sha256, r.data.as_bytes()).map_err(|e| format!("số liệu đã lưu của khu vực {} cấp {}: {e}; không cộng", r.area_id, r.level))?;
    if p.area != r.area_id || p.level != r.level || p.constituency != r.constituency_id {
        return Err(format!("số liệu đã lưu của khu vực {} cấp {} ghi khu vực/cấp khác; không cộng", r.area_id, r.level));
    }
    Ok((p.report.clone(), p.notes.clone()))
}

/// Parses an area's document given the SHA-256 of its text and the text.
type ParseArea<'a> = dyn FnMut(&str, &[u8]) -> std::result::Result<std::sync::Arc<Parsed>, String> + 'a;

/// Parses the documents of `rows` not in `known` yet on every core (a
/// board's first check meets 30,000 of them), each whose text has the
/// SHA-256 of its row; the others are left to [`report_via`].
fn parse_ahead(rows: &[tobaucu_store::AreaResultRow], known: &std::collections::HashMap<String, std::sync::Arc<Parsed>>) -> Vec<(String, Parsed)> {
    let new: Vec<&tobaucu_store::AreaResultRow> = rows.iter().filter(|r| !known.contains_key(&r.minutes_sha256)).collect();
    if new.len() < 256 || crate::par::cores() < 2 {
        return Vec::new();
    }
    // A row that fails here (or a worker that panicked) is only parsed
    // later, on the way that refuses it properly.
    crate::par::map_on_cores(new, 8, |r| {
        if tobaucu_core::audit::sha256_hex(r.data.as_bytes()) != r.minutes_sha256 {
            return None;
        }
        parse_area(r.data.as_bytes()).ok().map(|p| (r.minutes_sha256.clone(), p))
    })
    .into_iter()
    .flatten()
    .flatten()
    .collect()
}

/// An area's minutes document as parsed (strictly: canonical, well
/// formed): its report and notes, and the area, level and constituency it
/// names. A function of the document's text alone.
#[derive(Debug)]
pub(crate) struct Parsed {
    report: AreaReport,
    notes: AreaNotes,
    area: String,
    level: String,
    constituency: String,
}

fn parse_area(data: &[u8]) -> std::result::Result<Parsed, String> {
    let m = Minutes::parse(data)?;
    m.well_formed().map_err(|e| e.to_string())?;
    let report = AreaReport::from_minutes(&m);
    let notes = AreaNotes {
        area: m.area.id.clone(),
        round: report.round,
        complaints: m.complaints,
        incidents: m.incidents,
        recommendations: m.recommendations,
        explanations: m.explanations,
        accepted: m.accepted,
    };
    Ok(Parsed { report, notes, area: m.area.id, level: m.level.code, constituency: m.constituency.id })
}

/// What one area's minutes of one round tell the Ban bầu cử besides
/// figures: the complaints (items đ, e, g of Mẫu 19/24), the incidents,
/// the errors carried after a recount and the unresolved matters and
/// recommendations (item d).
#[derive(Debug, Clone)]
pub(crate) struct AreaNotes {
    pub area: String,
    pub round: u32,
    pub complaints: Vec<ComplaintLine>,
    pub incidents: Vec<IncidentLine>,
    pub recommendations: Vec<String>,
    pub explanations: Vec<Explanation>,
    /// The warnings the area's Tổ trưởng accepted, with the reason,
    /// signed in its minutes (issue 15 item 5).
    pub accepted: Vec<Explanation>,
}

impl AreaNotes {
    fn is_empty(&self) -> bool {
        self.complaints.is_empty() && self.incidents.is_empty() && self.recommendations.is_empty() && self.explanations.is_empty() && self.accepted.is_empty()
    }
}

/// A round declared at this board, summed from its areas' reports.
#[derive(Debug)]
pub(crate) struct DeclaredRound {
    pub info: RoundInfo,
    pub declared_at: String,
    pub outcome: Outcome,
    pub checks: Vec<ResultCheckDto>,
}

/// A constituency touched by this board's areas, computed from the areas'
/// minutes: the first round and any declared round.
#[derive(Debug)]
pub(crate) struct Computed {
    pub info: ConstituencyInfo,
    pub level_name: String,
    /// Every area of the constituency lies under this board.
    pub decided_here: bool,
    pub reports: Vec<AreaReport>,
    /// What the areas' minutes of every round say besides figures, areas
    /// in definition order (only areas that say something).
    pub notes: Vec<AreaNotes>,
    pub first: Outcome,
    pub damaged: Vec<String>,
    pub not_final: Vec<String>,
    pub rounds: Vec<DeclaredRound>,
}

/// A board's results and the integrity check of the figures they sum
/// ([`App::checked`]).
#[derive(Debug)]
pub(crate) struct Checked {
    pub computed: Vec<Computed>,
    pub integrity: super::integrity::Integrity,
}

/// The candidates' lines of an outcome (`ids` in ballot order).
fn candidate_totals(def: &tobaucu_core::election::ElectionDefinition, cid: &str, ids: &[String], o: &Outcome) -> Vec<CandidateTotalDto> {
    let names: BTreeMap<&str, &str> = def.constituency(cid).map(|c| c.candidates.iter().map(|x| (x.id.as_str(), x.name.as_str())).collect()).unwrap_or_default();
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            let p = o.percent.get(i).copied().unwrap_or(Percent(0));
            CandidateTotalDto {
                id: id.clone(),
                name: names.get(id.as_str()).map(|s| (*s).to_owned()).unwrap_or_default(),
                votes: o.votes.get(i).copied().unwrap_or(0),
                percent: p.as_f64(),
                percent_vi: p.vi(),
                elected: o.elected.contains(id),
            }
        })
        .collect()
}

/// A round a board declared (bầu thêm, bầu lại), as read back from the
/// store: every word and number checked, or the row refused `DB_CORRUPT`.
pub(crate) struct StoredRound {
    number: u32,
    kind: RoundKind,
    seats: u32,
    candidates: Vec<String>,
    declared_at: String,
}

impl StoredRound {
    pub(crate) fn read(r: tobaucu_store::BoardRoundRow) -> Result<StoredRound> {
        let candidates = serde_json::from_str(&r.candidates)
            .map_err(|e| crate::convert::damaged(&format!("danh sách người ứng cử của vòng {} đơn vị {}", r.number, r.constituency_id), format!("không đúng dạng ({e})")))?;
        Ok(StoredRound {
            number: crate::convert::stored_u32("số vòng bầu", r.number)?,
            kind: crate::convert::stored_word("loại vòng bầu", &r.kind, RoundKind::parse)?,
            seats: crate::convert::stored_u32("số ghế của vòng bầu", r.seats)?,
            candidates,
            declared_at: r.declared_at,
        })
    }
}

/// The constituencies touched by the areas in `scope`, in definition
/// order, summed from `rows` (the current area results; at import, those a
/// carrier brings), with the rounds `declared`. Pure: the same sums at a
/// board and when a carrier's signed table is checked against its areas.
pub(crate) fn compute(def: &ElectionDefinition, scope: &std::collections::HashSet<&str>, rows: &[&tobaucu_store::AreaResultRow], declared: BTreeMap<String, Vec<StoredRound>>) -> Vec<Computed> {
    compute_via(def, scope, rows, declared, &mut |_, data| parse_area(data).map(std::sync::Arc::new))
}

/// [`compute`] with the documents parsed by `parse` ([`report_via`]).
fn compute_via(
    def: &ElectionDefinition,
    scope: &std::collections::HashSet<&str>,
    rows: &[&tobaucu_store::AreaResultRow],
    mut declared: BTreeMap<String, Vec<StoredRound>>,
    parse: &mut ParseArea<'_>,
) -> Vec<Computed> {
    // Areas per constituency touched by the scope, in definition order
    // (one pass).
    let touched: std::collections::HashSet<&str> = scope.iter().filter_map(|a| def.area(a)).flat_map(|a| a.constituencies.values().map(String::as_str)).collect();
    let mut areas_of: std::collections::HashMap<&str, Vec<String>> = std::collections::HashMap::new();
    for a in &def.areas {
        for cid in a.constituencies.values().filter(|c| touched.contains(c.as_str())) {
            areas_of.entry(cid.as_str()).or_default().push(a.id.clone());
        }
    }
    let mut by_c: BTreeMap<&str, Vec<AreaReport>> = BTreeMap::new();
    let mut notes: BTreeMap<&str, Vec<AreaNotes>> = BTreeMap::new();
    let mut not_final: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut damaged: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for r in rows {
        // A later round's minutes count for its constituency, as that
        // round (`AreaReport::round`).
        let base = def.constituency(&r.constituency_id).and_then(|c| c.round_of.as_ref()).map_or(r.constituency_id.as_str(), |x| x.constituency.as_str());
        match report_via(r, parse) {
            Ok((rep, n)) => {
                if !n.is_empty() {
                    notes.entry(base).or_default().push(n);
                }
                by_c.entry(base).or_default().push(rep);
            }
            Err(e) => damaged.entry(base).or_default().push(e),
        }
        if !r.final_ {
            not_final.entry(base).or_default().push(r.area_id.clone());
        }
    }
    let mut out = Vec::new();
    for c in def.constituencies.iter().filter(|c| c.round_of.is_none()) {
        let areas: Vec<String> = areas_of.remove(c.id.as_str()).unwrap_or_default();
        if !areas.iter().any(|a| scope.contains(a.as_str())) {
            continue;
        }
        let Some(level) = def.level(&c.level) else { continue };
        let info = ConstituencyInfo {
            id: c.id.clone(),
            kind: level.kind,
            seats: c.seats,
            candidates: c.candidates.iter().map(|x| CandidateInfo { id: x.id.clone(), birth_date: x.birth_date }).collect(),
            areas: areas.clone(),
        };
        let decided_here = areas.iter().all(|a| scope.contains(a.as_str()));
        let reports = by_c.remove(c.id.as_str()).unwrap_or_default();
        let first = aggregate(&info, &reports);
        let mut rounds = Vec::new();
        for r in declared.remove(&c.id).unwrap_or_default() {
            let mut checks = Vec::new();
            let kind = r.kind;
            let candidates: Vec<CandidateInfo> = r.candidates.iter().filter_map(|id| info.candidates.iter().find(|x| &x.id == id).cloned()).collect();
            let round = RoundInfo { number: r.number, kind, seats: r.seats, candidates };
            // A07: the first round's result as it stands now would not
            // call for this round (a bundle replaced since).
            match next_round(&info, &first, kind) {
                Ok(now) if now.seats == round.seats && now.candidates == round.candidates => {}
                Ok(_) => checks.push(ResultCheckDto {
                    code: "A07".into(),
                    severity: tobaucu_ipc::Severity::Warning,
                    message: format!("kết quả lần đầu hiện nay khác lúc công bố {} ({}): số ghế hoặc danh sách người ứng cử của vòng này cần Ban bầu cử xem lại", kind.vi(), r.declared_at),
                    accepted_reason: None,
                }),
                Err(e) => checks.push(ResultCheckDto {
                    code: "A07".into(),
                    severity: tobaucu_ipc::Severity::Warning,
                    message: format!("kết quả lần đầu hiện nay không còn dẫn đến {} đã công bố ({}): {e}", kind.vi(), r.declared_at),
                    accepted_reason: None,
                }),
            }
            let outcome = aggregate_round(&info, &round, &reports);
            checks.extend(outcome.cross_checks.iter().map(|x| ResultCheckDto { code: x.code.into(), severity: tobaucu_ipc::Severity::Error, message: x.message.clone(), accepted_reason: None }));
            if !outcome.complete {
                checks.push(ResultCheckDto {
                    code: "A03".into(),
                    severity: tobaucu_ipc::Severity::Warning,
                    message: format!("{}: mới có {}/{} khu vực báo cáo; chưa xác định người trúng cử", kind.vi(), outcome.areas_reported, outcome.areas_expected),
                    accepted_reason: None,
                });
            }
            rounds.push(DeclaredRound { info: round, declared_at: r.declared_at, outcome, checks });
        }
        out.push(Computed {
            info,
            level_name: level.name.clone(),
            decided_here,
            reports,
            notes: {
                let mut n = notes.remove(c.id.as_str()).unwrap_or_default();
                n.sort_by_key(|x| (x.round, areas.iter().position(|a| *a == x.area).unwrap_or(usize::MAX)));
                n
            },
            first,
            damaged: damaged.remove(c.id.as_str()).unwrap_or_default(),
            not_final: not_final.remove(c.id.as_str()).unwrap_or_default(),
            rounds,
        });
    }
    out
}

/// A08: the areas of a constituency (round `round`) whose minutes need the
/// Ban bầu cử's own review before its winners are declared — a list above
/// 4,000 voters, or a W03 only the Tổ trưởng accepted
/// (`core::results::ban_review_reasons`); one line per area.
pub(crate) fn ban_review(def: &ElectionDefinition, k: &Computed, round: u32) -> Vec<String> {
    k.reports
        .iter()
        .filter(|r| r.round == round)
        .filter_map(|r| {
            let accepted: Vec<&str> = k.notes.iter().filter(|n| n.area == r.area && n.round == round).flat_map(|n| n.accepted.iter().map(|a| a.code.as_str())).collect();
            let why = tobaucu_core::results::ban_review_reasons(r, &accepted);
            if why.is_empty() {
                return None;
            }
            let place = def.area(&r.area).map_or_else(|| r.area.clone(), |a| format!("khu vực bỏ phiếu số {} ({})", a.number, a.name));
            Some(format!("{place}: {}", why.join("; ")))
        })
        .collect()
}

/// The warnings a board accepted with a reason: (constituency, round,
/// code) → reason (issue 15 item 5).
pub(crate) type Accepted = std::collections::HashMap<(String, i64, String), String>;

/// A constituency's line of `results --json` (and of a board's signed
/// `results/aggregate.json`), its warnings marked with the reasons in
/// `accepted`.
pub(crate) fn constituency_dto(def: &ElectionDefinition, k: &Computed, accepted: &Accepted) -> Option<ConstituencyResultDto> {
    let mark = |cid: &str, round: u32, checks: &mut Vec<ResultCheckDto>| {
        for k in checks.iter_mut().filter(|k| k.severity == tobaucu_ipc::Severity::Warning) {
            k.accepted_reason = accepted.get(&(cid.to_owned(), i64::from(round), k.code.clone())).cloned();
        }
    };
    let o = &k.first;
    let c = def.constituency(&k.info.id)?;
    let mut checks: Vec<ResultCheckDto> =
        o.cross_checks.iter().map(|x| ResultCheckDto { code: x.code.into(), severity: tobaucu_ipc::Severity::Error, message: x.message.clone(), accepted_reason: None }).collect();
    for e in &k.damaged {
        checks.push(ResultCheckDto { code: "A02".into(), severity: tobaucu_ipc::Severity::Error, message: e.clone(), accepted_reason: None });
    }
    if !o.complete {
        checks.push(ResultCheckDto {
            code: "A03".into(),
            severity: tobaucu_ipc::Severity::Warning,
            message: if k.decided_here {
                format!("mới có {}/{} khu vực báo cáo; chưa xác định người trúng cử", o.areas_reported, o.areas_expected)
            } else {
                format!("đơn vị bầu cử gồm {} khu vực, một phần nằm ngoài đơn vị này; kết quả được xác định ở cấp trên", o.areas_expected)
            },
            accepted_reason: None,
        });
    }
    if !k.not_final.is_empty() {
        checks.push(ResultCheckDto {
            code: "A05".into(),
            severity: tobaucu_ipc::Severity::Warning,
            message: format!("biên bản chưa khóa (gói thử nghiệm) của: {}", k.not_final.join(", ")),
            accepted_reason: None,
        });
    }
    let review = ban_review(def, k, 1);
    if !review.is_empty() {
        checks.push(ResultCheckDto {
            code: "A08".into(),
            severity: tobaucu_ipc::Severity::Warning,
            message: format!("Ban bầu cử cần xem xét trước khi xác định người trúng cử — {}", review.join(" · ")),
            accepted_reason: None,
        });
    }
    if !o.tie_unresolved.is_empty() {
        checks.push(ResultCheckDto {
            code: "A06".into(),
            severity: tobaucu_ipc::Severity::Warning,
            message: format!("bằng phiếu và cùng ngày sinh ở ghế cuối: {}; luật không tự quyết, cần Ban bầu cử xem xét", o.tie_unresolved.join(", ")),
            accepted_reason: None,
        });
    }
    mark(&c.id, 1, &mut checks);
    let ids: Vec<String> = k.info.candidates.iter().map(|x| x.id.clone()).collect();
    let candidates = candidate_totals(def, &c.id, &ids, o);
    let rounds = k
        .rounds
        .iter()
        .map(|r| {
            let ro = &r.outcome;
            let ids: Vec<String> = r.info.candidates.iter().map(|x| x.id.clone()).collect();
            let cands = candidate_totals(def, &c.id, &ids, ro);
            let mut round_checks = r.checks.clone();
            mark(&c.id, r.info.number, &mut round_checks);
            RoundResultDto {
                number: r.info.number,
                kind: r.info.kind.code().into(),
                declared_at: r.declared_at.clone(),
                seats: r.info.seats,
                areas_expected: ro.areas_expected,
                areas_reported: ro.areas_reported,
                complete: ro.complete,
                voters_listed: ro.voters_listed,
                voters_voted: ro.voters_voted,
                ballots_issued: ro.ballots_issued,
                ballots_received: ro.ballots_received,
                ballots_valid: ro.ballots_valid,
                ballots_invalid: ro.ballots_invalid,
                invalid_by_reason: ro.invalid_by_reason.clone(),
                votes: cands.iter().map(|x| (x.id.clone(), x.votes)).collect(),
                percent: cands.iter().map(|x| (x.id.clone(), x.percent)).collect(),
                turnout_ok: ro.turnout_ok,
                turnout_percent: ro.turnout.as_f64(),
                elected: ro.elected.clone(),
                revote_due: ro.revote_due,
                additional_vote_due: ro.additional_vote_due,
                tie_unresolved: ro.tie_unresolved.clone(),
                candidates: cands,
                checks: round_checks,
            }
        })
        .collect();
    Some(ConstituencyResultDto {
        voters_listed: o.voters_listed,
        voters_voted: o.voters_voted,
        ballots_issued: o.ballots_issued,
        ballots_received: o.ballots_received,
        ballots_valid: o.ballots_valid,
        ballots_invalid: o.ballots_invalid,
        invalid_by_reason: o.invalid_by_reason.clone(),
        votes: candidates.iter().map(|x| (x.id.clone(), x.votes)).collect(),
        percent: candidates.iter().map(|x| (x.id.clone(), x.percent)).collect(),
        checks,
        areas_expected: o.areas_expected,
        areas_reported: o.areas_reported,
        complete: o.complete,
        turnout_ok: o.turnout_ok,
        elected: o.elected.clone(),
        additional_vote_due: o.additional_vote_due,
        revote_due: o.revote_due,
        name: c.name.clone(),
        level: c.level.clone().into(),
        level_name: k.level_name.clone(),
        seats: c.seats,
        turnout_percent: o.turnout.as_f64(),
        decided_here: k.decided_here,
        tie_unresolved: o.tie_unresolved.clone(),
        candidates,
        rounds,
    })
}

impl App {
    pub(crate) fn board(&self) -> Result<(String, tobaucu_ipc::UnitKind)> {
        let (me, kind) = self.unit_id()?;
        if kind == tobaucu_ipc::UnitKind::Area {
            return Err(Error::refused(ErrorCode::NotABoard, format!("cơ sở dữ liệu này là của tổ bầu cử {me}; kết quả theo đơn vị bầu cử xem ở cơ sở dữ liệu của xã (setup --commune)")));
        }
        Ok((me, kind))
    }

    /// The areas under this board, in definition order.
    pub(crate) fn areas_in_scope(&self) -> Result<Vec<&tobaucu_core::election::Area>> {
        let (me, kind) = self.board()?;
        let def = self.def()?;
        Ok(def.areas.iter().filter(|a| below(def, &me, kind.as_str(), &a.id, Some("area")).is_ok()).collect())
    }

    /// Every constituency touched by this board's areas, in definition
    /// order, with its rounds, and the integrity check of the figures it
    /// summed (`integrity.rs`): an area result that is not what its stored
    /// bundle carries, or that comes from a bundle the log does not count
    /// as current, is not summed; each problem is an A02 error of the
    /// constituencies it touches.
    ///
    /// Remembered in this `App` at the [`crate::DataMark`] it was made at:
    /// while nothing is written (by this connection, another one, another
    /// process, or to the bundle store file) the same answer is given
    /// without reading again; after any write everything is read and
    /// checked again, only what is provably the same (a bundle already
    /// read back at the same place, a document whose text has the same
    /// SHA-256) is not re-read or re-parsed.
    pub(crate) fn checked(&self) -> Result<std::sync::Arc<Checked>> {
        let mark = self.data_mark()?;
        self.checked_at(mark, None)
    }

    /// [`App::checked`] at `mark`, taken before `rows` (the current area
    /// results, read here when needed if None) were read: a write between
    /// the two makes the next mark differ, never hides the write.
    pub(crate) fn checked_at(&self, mark: crate::DataMark, rows: Option<&[tobaucu_store::AreaResultRow]>) -> Result<std::sync::Arc<Checked>> {
        let hit = self.memo.borrow().checked.as_ref().filter(|(m, _)| *m == mark).map(|(_, c)| c.clone());
        if let Some(c) = hit {
            return Ok(c);
        }
        let read;
        let rows = match rows {
            Some(r) => r,
            None => {
                read = self.store.current_area_results()?;
                &read
            }
        };
        let c = std::sync::Arc::new(self.check_and_compute(rows)?);
        self.memo.borrow_mut().checked = Some((mark, c.clone()));
        Ok(c)
    }

    /// [`App::checked`] of `rows`, made now.
    fn check_and_compute(&self, rows: &[tobaucu_store::AreaResultRow]) -> Result<Checked> {
        let def = self.def()?;
        let scope: std::collections::HashSet<&str> = self.areas_in_scope()?.iter().map(|a| a.id.as_str()).collect();
        // The documents are parsed on the other cores while this thread
        // checks the figures against the bundles (a board's first check:
        // 30,000 documents and 10,000 bundles). Every row's document is
        // parsed, summed or not: only rows that are not summed are parsed
        // for nothing, and those are the rare damaged ones.
        let mut known = std::mem::take(&mut self.memo.borrow_mut().parsed);
        let (integrity, ahead) = std::thread::scope(|s| {
            let ahead = s.spawn(|| parse_ahead(rows, &known));
            let integrity = self.integrity_of(rows, true);
            (integrity, ahead.join().unwrap_or_default())
        });
        let integrity = match integrity {
            Ok(i) => i,
            Err(e) => {
                self.memo.borrow_mut().parsed = known;
                return Err(e);
            }
        };
        for (sha, p) in ahead {
            known.insert(sha, std::sync::Arc::new(p));
        }
        // An excluded row is named by the problem that excluded it.
        let summed: Vec<&tobaucu_store::AreaResultRow> = rows.iter().filter(|r| integrity.row_ok(r)).collect();
        let mut declared: BTreeMap<String, Vec<StoredRound>> = BTreeMap::new();
        // Declared here, or opened from the round file of the board that
        // declared it.
        let opened = self.store.team_rounds()?.into_iter().map(|r| tobaucu_store::BoardRoundRow {
            constituency_id: r.constituency_id,
            number: r.number,
            kind: r.kind,
            seats: r.seats,
            candidates: r.candidates,
            declared_at: r.declared_at,
        });
        for r in self.store.board_rounds()?.into_iter().chain(opened) {
            declared.entry(r.constituency_id.clone()).or_default().push(StoredRound::read(r)?);
        }
        let mut used: std::collections::HashMap<String, std::sync::Arc<Parsed>> = std::collections::HashMap::with_capacity(summed.len());
        let mut out = compute_via(def, &scope, &summed, declared, &mut |sha, data| {
            let p = match known.remove(sha).or_else(|| used.get(sha).cloned()) {
                Some(p) => p,
                None => std::sync::Arc::new(parse_area(data)?),
            };
            used.insert(sha.to_owned(), p.clone());
            Ok(p)
        });
        self.memo.borrow_mut().parsed = used;
        for p in &integrity.problems {
            let message = format!("{}; không cộng — cơ sở dữ liệu có thể đã bị sửa ngoài ứng dụng (chạy \"tobaucu audit verify\")", p.message);
            let mut touched: Vec<&str> = Vec::new();
            for a in def.areas.iter().filter(|a| p.unit.as_deref().is_none_or(|u| a.id == u || super::ancestors(def, &a.commune).contains(&u))) {
                for cid in a.constituencies.values() {
                    let base = def.constituency(cid).and_then(|c| c.round_of.as_ref()).map_or(cid.as_str(), |x| x.constituency.as_str());
                    if !touched.contains(&base) {
                        touched.push(base);
                    }
                }
            }
            for k in out.iter_mut().filter(|k| touched.contains(&k.info.id.as_str())) {
                k.damaged.push(message.clone());
            }
        }
        Ok(Checked { computed: out, integrity })
    }

    /// `results`: every constituency touched by this board's areas.
    pub fn results(&self) -> Result<ResultsDto> {
        self.results_of(&self.checked()?.computed)
    }

    /// [`App::results`] of constituencies already computed (the exports
    /// reuse one computation for every file they write).
    pub(crate) fn results_of(&self, computed: &[Computed]) -> Result<ResultsDto> {
        let def = self.def()?;
        // The board's own warnings accepted with a reason (issue 15 item 5).
        let mut accepted = Accepted::new();
        for a in self.store.board_acceptances()? {
            accepted.insert((a.constituency_id, a.round, a.code), a.reason);
        }
        let constituencies = computed.iter().filter_map(|k| constituency_dto(def, k, &accepted).map(|d| (k.info.id.clone(), d))).collect();
        Ok(ResultsDto { constituencies })
    }

    /// The board's dashboard: each area waiting, imported or refused, its
    /// paper minutes against the file and the warnings its Tổ accepted.
    /// One pass over each table (10,000 areas stay fast).
    pub fn board_status(&self) -> Result<BoardStatusDto> {
        self.board_status_of(&self.store.current_area_results()?)
    }

    /// [`App::board_status`] from the current area results `rows`.
    pub(crate) fn board_status_of(&self, rows: &[tobaucu_store::AreaResultRow]) -> Result<BoardStatusDto> {
        let (me, kind) = self.board()?;
        let def = self.def()?;
        let areas = self.areas_in_scope()?;
        let bundles = self.store.bundles()?;
        let refusals = self.store.refusals()?;
        let papers = self.area_papers(rows)?;
        let by_id: std::collections::HashMap<i64, &tobaucu_store::BundleRow> = bundles.iter().map(|b| (b.id, b)).collect();
        let mut bundle_of: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
        let mut accepted: std::collections::HashMap<&str, Vec<String>> = std::collections::HashMap::new();
        for r in rows {
            bundle_of.entry(r.area_id.as_str()).or_insert(r.bundle_id);
            // Only documents that carry accepted warnings are read.
            if r.data.contains("\"accepted\":[") {
                if let Ok((_, n)) = report_of(r) {
                    accepted.entry(r.area_id.as_str()).or_default().extend(n.accepted.iter().map(|a| format!("{} · {}: {}", r.level, a.code, a.reason)));
                }
            }
        }
        let mut history_of: std::collections::HashMap<&str, Vec<String>> = std::collections::HashMap::new();
        for x in bundles.iter().filter(|x| x.superseded_by.is_some()) {
            history_of.entry(x.unit_id.as_str()).or_default().push(format!("gói số {} ({}, nhập {})", x.sequence, short_hash(&x.sha256), x.imported_at));
        }
        let mut refused_of: std::collections::HashMap<&str, &tobaucu_store::RefusalRow> = std::collections::HashMap::new();
        for x in &refusals {
            if let Some(u) = x.unit_id.as_deref() {
                refused_of.insert(u, x);
            }
        }
        let mut list = Vec::with_capacity(areas.len());
        let mut reported = 0u32;
        for a in &areas {
            let b = bundle_of.get(a.id.as_str()).and_then(|id| by_id.get(id)).copied();
            let refused = refused_of.get(a.id.as_str());
            let (status, reason) = match (b, refused) {
                (Some(_), _) => (ArrivalStatus::Imported, None),
                (None, Some(x)) => (ArrivalStatus::Refused, Some(x.reason.clone())),
                (None, None) => (ArrivalStatus::Waiting, None),
            };
            if b.is_some() {
                reported += 1;
            }
            let via = b.map(|b| b.unit_id.clone());
            let history = via.as_deref().and_then(|u| history_of.get(u)).cloned().unwrap_or_default();
            let paper = papers.get(&a.id);
            list.push(AreaStatusDto {
                area_id: a.id.clone().into(),
                number: a.number,
                name: a.name.clone(),
                commune: def.unit(&a.commune).map(|u| u.name.clone()).unwrap_or_default(),
                status,
                via,
                sequence: b.map(|b| crate::convert::stored_u32("số thứ tự gói", b.sequence)).transpose()?,
                imported_at: b.map(|b| b.imported_at.clone()),
                short_code: b.map(|b| short_hash(&b.sha256)),
                reason,
                history,
                paper: b.is_some().then(|| paper.map_or(tobaucu_ipc::PaperStatus::FileOnly, |p| p.state)),
                paper_note: paper.map(|p| p.note.clone()).unwrap_or_default(),
                accepted: accepted.remove(a.id.as_str()).unwrap_or_default(),
            });
        }
        Ok(BoardStatusDto {
            unit_name: def.unit(&me).map(|u| u.name.clone()).unwrap_or_default(),
            unit_id: me,
            unit_kind: kind,
            areas_expected: crate::convert::count_u32("số khu vực", areas.len())?,
            areas_reported: reported,
            areas: list,
            refusals: refusals.iter().rev().map(|x| RefusalDto { at: x.at.clone(), file_name: x.file_name.clone(), unit_id: x.unit_id.clone(), reason: x.reason.clone() }).collect(),
            registered: self.registered_keys()?,
        })
    }

    /// A board's bundle members: the recomputed results, the registry of
    /// the keys that signed the carried bundles, every current lower
    /// bundle whole, its minutes and its status sheet.
    pub(crate) fn board_members(&self, official: bool) -> Result<super::Members> {
        let status = self.board_status()?;
        let waiting: Vec<&str> = status.areas.iter().filter(|a| a.status != ArrivalStatus::Imported).map(|a| a.area_id.as_str()).collect();
        if status.areas_reported == 0 {
            return Err(Error::refused(ErrorCode::NothingToExport, "chưa nhập gói nào của cấp dưới; chưa có gì để xuất"));
        }
        // What is signed for the next level is what was imported.
        self.require_intact("xuất gói")?;
        if official && !waiting.is_empty() {
            return Err(Error::refused(ErrorCode::Incomplete, format!("chưa xuất được gói chính thức: còn {} khu vực chưa có gói hợp lệ ({})", waiting.len(), waiting.join(", "))));
        }
        let results = self.results()?;
        let mut members = vec![("results/aggregate.json".to_owned(), canonical_json(&serde_json::to_value(&results).map_err(|e| Error::Internal(e.to_string()))?).into_bytes())];
        let mut registry = Vec::new();
        let mut carried = Vec::new();
        for b in self.store.bundles()?.into_iter().filter(|b| b.superseded_by.is_none()) {
            let m = tobaucu_bundle::Manifest::parse(b.manifest.as_bytes()).map_err(|e| Error::Internal(e.to_string()))?;
            registry.push(json!({"unit": b.unit_id, "kind": b.unit_kind, "public_key": tobaucu_bundle::hex(&m.public_key), "fingerprint": fingerprint(&m.public_key)}));
            carried.push((format!("units/{}.tbc", b.unit_id), self.store.bundle_bytes(b.id)?));
        }
        members.push(("registry.json".into(), canonical_json(&Value::Array(registry)).into_bytes()));
        members.extend(carried);
        if results.constituencies.values().any(|c| c.complete) {
            members.push(("minutes.pdf".into(), self.render_form("board-minutes", None, None)?.bytes));
        }
        members.push(("status.pdf".into(), self.render_form("board-status", None, None)?.bytes));
        Ok((vec![], members))
    }

    /// Data of the status sheet of all areas.
    pub(crate) fn board_status_data(&self) -> Result<Value> {
        let s = self.board_status()?;
        let mut d = self.common_data()?;
        d.insert("issuer_top".into(), Value::String(s.unit_name.to_uppercase()));
        d.insert("board_name".into(), Value::String(s.unit_name.clone()));
        d.insert("areas_expected".into(), json!(s.areas_expected));
        d.insert("areas_reported".into(), json!(s.areas_reported));
        d.insert(
            "areas".into(),
            Value::Array(
                s.areas
                    .iter()
                    .enumerate()
                    .map(|(i, a)| {
                        let st = match a.status.as_str() {
                            "imported" => format!("Đã nhập gói số {}", a.sequence.unwrap_or(0)),
                            "refused" => "Bị từ chối".to_owned(),
                            _ => "Đang chờ".to_owned(),
                        };
                        json!({"index": i + 1, "area": format!("{} — {}", a.number, a.name), "commune": a.commune, "status": st,
                               "code": a.short_code.clone().unwrap_or_default(), "note": a.reason.clone().or_else(|| a.imported_at.clone()).unwrap_or_default()})
                    })
                    .collect(),
            ),
        );
        d.insert("refusals".into(), Value::Array(s.refusals.iter().map(|r| json!({"at": r.at, "file": r.file_name, "reason": r.reason})).collect()));
        Ok(Value::Object(d))
    }
}

#[cfg(test)]
mod tests {
    use super::StoredRound;
    use tobaucu_ipc::ErrorCode;
    use tobaucu_store::BoardRoundRow;

    fn row(kind: &str, number: i64, seats: i64, candidates: &str) -> BoardRoundRow {
        BoardRoundRow { constituency_id: "QH-1".into(), number, kind: kind.into(), seats, candidates: candidates.into(), declared_at: "2026-03-16T08:00:00+07:00".into() }
    }

    /// Issue 13: a declared round (Art. 78-79: bầu thêm, bầu lại) edited
    /// outside the app is refused, never skipped or read with made-up
    /// numbers (the old reading took a lost number as round 2 and lost
    /// seats as 0).
    #[test]
    fn a_stored_round_is_read_strictly() {
        let ok = StoredRound::read(row("additional", 2, 1, r#"["c1","c2"]"#)).unwrap();
        assert_eq!((ok.number, ok.seats, ok.candidates.len()), (2, 1, 2));
        for bad in [row("extra", 2, 1, "[]"), row("additional", -2, 1, "[]"), row("additional", 2, i64::from(u32::MAX) + 1, "[]"), row("additional", 2, 1, "c1,c2"), row("additional", 2, 1, "[1]")] {
            let e = StoredRound::read(bad).err().map(|e| e.code());
            assert_eq!(e, Some(ErrorCode::DbCorrupt));
        }
    }
}
