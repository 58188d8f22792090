//! Gói kết quả: export of this unit's signed bundle, verification against
//! this database's context, import at a board, and the results per
//! constituency. The format and the checks live in `tobaucu-bundle`; the
//! law in `tobaucu-core::results`.
//!
//! The `Context` of this database: its registered keys, the units below
//! this board and the lineage of each unit; bundles carried inside a
//! board's bundle take their keys from that board's signed registry, which
//! must agree with any key registered here. `verify` reads a file above 64
//! MiB member by member (`FileSource`) instead of whole.

mod export;
mod import;
pub(crate) use import::MAX_IMPORT_BYTES;
mod board;
mod board_minutes;
mod book;
mod day;
mod nist;
mod room;
pub(crate) use integrity::IntegrityMemo;
pub(crate) use room::RoomCache;
mod carrier;
mod integrity;
mod results;
mod sheets;

use crate::ErrorCode;
use std::collections::HashMap;

use serde_json::Value;
use tobaucu_bundle::container::Manifest;
use tobaucu_bundle::verify::{Context, Previous, Registration, Report};
use tobaucu_bundle::{auditlog, keys, Bundle, Limits};
use tobaucu_core::count::tally_text;
use tobaucu_core::election::ElectionDefinition;
use tobaucu_core::minutes::Minutes;
use tobaucu_ipc::{BundleInfoDto, VerifyCheckDto, VerifyReportDto};
use tobaucu_store::BundleRead;

use crate::{short_hash, App, Error, Result};

/// A bundle's levels and its members (name, bytes), before signing.
pub(crate) type Members = (Vec<tobaucu_bundle::LevelEntry>, Vec<(String, Vec<u8>)>);

/// The limits every bundle read here is held to.
pub(crate) fn limits() -> Limits {
    Limits::default()
}

/// One level of one area, read from a team's bundle.
#[derive(Debug, Clone)]
pub(crate) struct AreaLevel {
    pub area: String,
    pub level: String,
    pub constituency: String,
    pub final_: bool,
    pub sha256: String,
    pub data: String,
    /// Warnings of the team's checks that stand on these figures (the team
    /// accepted them before finalizing; shown at the board).
    pub warnings: Vec<String>,
}

impl App {
    /// Whether `unit` (of `kind`, when given) lies below this database's
    /// unit (a board), or is this team's own area.
    pub(crate) fn unit_below(&self, unit: &str, kind: Option<&str>) -> std::result::Result<String, String> {
        let def = self.def().map_err(|e| e.to_string())?;
        let me = self.unit_row().map_err(|e| e.to_string())?.ok_or("chưa thiết lập")?;
        below(def, &me.unit_id, &me.kind, unit, kind)
    }
}

/// The chain of units from `id` upward (inclusive).
fn ancestors<'d>(def: &'d ElectionDefinition, id: &'d str) -> Vec<&'d str> {
    let mut out = vec![id];
    let mut cur = id;
    while let Some(p) = def.unit(cur).and_then(|u| u.parent.as_deref()) {
        if out.contains(&p) || out.len() > 16 {
            break;
        }
        out.push(p);
        cur = p;
    }
    out
}

/// Whether `unit` reports (directly or through boards) to `board`.
pub(crate) fn below(def: &ElectionDefinition, board: &str, board_kind: &str, unit: &str, kind: Option<&str>) -> std::result::Result<String, String> {
    if board_kind == "area" {
        return if unit == board { Ok(format!("gói của chính tổ {unit}")) } else { Err(format!("cơ sở dữ liệu của tổ {board} không nhận gói của {unit}")) };
    }
    if let Some(a) = def.area(unit) {
        if kind.is_some_and(|k| k != "area") {
            return Err(format!("{unit} là khu vực bỏ phiếu, gói ghi loại \"{}\"", kind.unwrap_or("")));
        }
        return if ancestors(def, &a.commune).contains(&board) {
            Ok(format!("khu vực bỏ phiếu {unit} thuộc {board}"))
        } else {
            Err(format!("khu vực bỏ phiếu {unit} không thuộc {board} (thuộc {})", a.commune))
        };
    }
    let Some(u) = def.unit(unit) else {
        return Err(format!("đơn vị \"{unit}\" không có trong định nghĩa bầu cử"));
    };
    if kind.is_some_and(|k| k != u.kind.as_str()) {
        return Err(format!("{unit} là {}, gói ghi loại \"{}\"", u.kind.as_str(), kind.unwrap_or("")));
    }
    match u.parent.as_deref() {
        Some(p) if ancestors(def, p).contains(&board) => Ok(format!("{unit} thuộc {board}")),
        _ => Err(format!("đơn vị {unit} không thuộc {board}")),
    }
}

/// A team bundle's results members: each the canonical minutes document of
/// its level (read strictly), checked against the definition and judged by
/// the same checks the team had to pass before finalizing (issue 11 §2:
/// a valid signature proves who sent the figures, not that they are
/// possible); ballots entered one by one are recounted.
pub(crate) fn team_results(def: &ElectionDefinition, definition_sha256: &str, b: &Bundle<'_>, log: Option<&auditlog::Log>) -> std::result::Result<Vec<AreaLevel>, String> {
    let m = &b.manifest;
    let area = def.area(&m.unit_id).ok_or_else(|| format!("khu vực {} không có trong định nghĩa", m.unit_id))?;
    let mut docs: Vec<(String, String, String, Minutes, String)> = Vec::new();
    for l in &m.levels {
        if !area.constituencies.contains_key(&l.code) {
            return Err(format!("cấp {} trong bản kê không phải cấp của khu vực {}", l.code, m.unit_id));
        }
    }
    for (code, cid) in &area.constituencies {
        // A later round (bầu cử lại/thêm) the team has not held yet.
        let later_round = def.constituency(cid).is_some_and(|c| c.round_of.is_some());
        let Some(lv) = m.levels.iter().find(|l| &l.code == code) else {
            if later_round {
                continue;
            }
            return Err(format!("thiếu cấp {code} trong bản kê"));
        };
        if m.mode == tobaucu_core::election::Mode::Official && !lv.final_ {
            return Err(format!("cấp {code}: biên bản chưa khóa trong một gói chính thức"));
        }
        let name = format!("results/{code}.json");
        let i = b.find(&name).ok_or_else(|| format!("thiếu thành phần {name}"))?;
        if b.manifest.members[i].sha256 != lv.minutes_sha256 {
            return Err(format!("{name}: mã băm khác mã số liệu biên bản trong bản kê"));
        }
        let bytes = b.read_member(&name).map_err(|e| e.to_string())?;
        let doc = Minutes::parse(&bytes).map_err(|e| format!("{name}: {e}"))?;
        if doc.revision != lv.revision {
            return Err(format!("{name}: bản số {} khác bản số {} trong bản kê", doc.revision, lv.revision));
        }
        let data = String::from_utf8(bytes).map_err(|_| format!("{name}: không phải UTF-8"))?;
        docs.push((code.clone(), cid.clone(), lv.minutes_sha256.clone(), doc, data));
    }
    let mut out = Vec::new();
    for (code, cid, sha, doc, data) in &docs {
        let name = format!("results/{code}.json");
        let siblings: Vec<&Minutes> = docs.iter().map(|d| &d.3).filter(|d| &d.level.code != code).collect();
        let lv_final = m.levels.iter().any(|l| &l.code == code && l.final_);
        // Locked minutes are judged as the team's finalize judged them; a
        // rehearsal's draft is shown with whatever its checks say.
        let warnings = if lv_final { doc.review(def, definition_sha256, &m.unit_id, code, &siblings) } else { doc.review_all(def, definition_sha256, &m.unit_id, code, &siblings) }
            .map_err(|e| format!("{name}: {e}"))?;
        let c = def.constituency(cid).ok_or_else(|| format!("đơn vị bầu cử {cid} không có trong định nghĩa"))?;
        // What the team's log recorded for this level before it locked
        // these minutes: the ballots entered one by one, the recount and
        // the explanation an E02/E03 carried into the minutes needs.
        let story = match (lv_final, log) {
            (true, Some(l)) => Some(level_story(l, code, sha)?),
            _ => None,
        };
        if let Some(st) = &story {
            for e in &doc.explanations {
                if st.recounts == 0 || !st.explained.contains(&e.code) {
                    return Err(format!("{name}: {} được ghi vào biên bản kèm giải trình, nhưng nhật ký của Tổ không ghi việc kiểm lại phiếu (count.recount) và việc ghi giải trình (count.explain) cấp {code} trước khi khóa", e.code));
                }
            }
        }
        // Ballots entered one by one travel too: recount them.
        let bname = format!("ballots/{code}.txt");
        let carried = b.find(&bname).is_some();
        if let Some(st) = &story {
            if st.ballots > 0 && !carried {
                return Err(format!("thiếu {bname}: nhật ký của Tổ ghi {} phiếu cấp {code} được nhập từng phiếu, gói phải mang các phiếu đó để kiểm lại", st.ballots));
            }
        }
        if carried {
            let text = String::from_utf8(b.read_member(&bname).map_err(|e| e.to_string())?).map_err(|_| format!("{bname}: không phải UTF-8"))?;
            let t = tally_text(&text, c.candidates.len(), c.seats).map_err(|e| format!("{bname}: dòng {} lỗi", e.first().map(|x| x.line).unwrap_or(0)))?;
            let res = t.result();
            let r = doc.count_result();
            if let Some(st) = &story {
                if u64::try_from(st.ballots).ok() != Some(res.received) {
                    return Err(format!("{bname}: {} phiếu, nhật ký của Tổ ghi {} phiếu cấp {code} được nhập", res.received, st.ballots));
                }
            }
            if res.valid != r.valid || res.invalid != r.invalid || res.votes != r.votes || res.invalid_by_reason != r.invalid_by_reason {
                return Err(format!(
                    "{bname}: kiểm lại từng phiếu không ra số liệu của biên bản (hợp lệ {} / {}, không hợp lệ {} / {}, theo lý do {:?} / {:?})",
                    res.valid, r.valid, res.invalid, r.invalid, res.invalid_by_reason, r.invalid_by_reason
                ));
            }
        }
        out.push(AreaLevel {
            area: m.unit_id.clone(),
            level: code.clone(),
            constituency: cid.clone(),
            final_: lv_final,
            sha256: sha.clone(),
            data: data.clone(),
            // A warning the Tổ trưởng accepted carries its signed reason (issue 15 item 5).
            warnings: warnings
                .iter()
                .map(|w| match doc.accepted.iter().find(|a| a.code == w.code) {
                    Some(a) => format!("{}: {} — Tổ trưởng đã chấp nhận, lý do: {}", w.code, w.message, a.reason),
                    None => format!("{}: {}", w.code, w.message),
                })
                .collect(),
        });
    }
    Ok(out)
}

/// What a team's log says of one level up to the lock of its minutes.
#[derive(Debug, Default)]
struct LevelStory {
    /// Ballots entered one by one or from a file, less those undone.
    ballots: i64,
    /// Recounts recorded (`count.recount`).
    recounts: usize,
    /// Codes carried into the minutes with an explanation (`count.explain`).
    explained: Vec<String>,
}

/// Reads [`LevelStory`] from the full entries of `log` before the
/// `finalize` that locked the minutes `sha` (`log_records` has made sure
/// there is one) and after the switch to official, if the unit rehearsed.
/// Entries name their level in `after.level`.
fn level_story(log: &auditlog::Log, level: &str, sha: &str) -> std::result::Result<LevelStory, String> {
    let end = log.entries.iter().rposition(|e| e.action == "finalize" && e.after_str("sha256").as_deref() == Some(sha)).ok_or_else(|| format!("nhật ký không ghi việc khóa biên bản cấp {level}"))?;
    // A unit set up in rehearsal (its logged `setup` says so): what it
    // counted before its one switch to official (the first logged
    // `official` action) was removed with the rehearsal and is not part of
    // these minutes' story. A log that did not start as a rehearsal has no
    // such cut.
    let rehearsed = log
        .entries
        .iter()
        .find(|e| e.action == "setup")
        .is_some_and(|e| e.after.as_deref().and_then(|a| serde_json::from_str::<Value>(a).ok()).is_some_and(|v| v.get("rehearsal") == Some(&Value::Bool(true))));
    let start = if rehearsed { log.entries[..end].iter().position(|e| e.action == "official").map_or(0, |i| i + 1) } else { 0 };
    let mut st = LevelStory::default();
    for e in &log.entries[start..end] {
        if !e.action.starts_with("count.") || e.after_str("level").as_deref() != Some(level) {
            continue;
        }
        match e.action.as_str() {
            "count.ballot" => st.ballots = st.ballots.saturating_add(1),
            "count.ballot.undo" => st.ballots = st.ballots.saturating_sub(1),
            "count.ballots_file" => {
                let n = e
                    .after
                    .as_deref()
                    .and_then(|a| serde_json::from_str::<Value>(a).ok())
                    .and_then(|v| v.get("ballots").and_then(Value::as_u64))
                    .and_then(|n| i64::try_from(n).ok())
                    .ok_or_else(|| format!("nhật ký mục {}: count.ballots_file không ghi số phiếu", e.id))?;
                st.ballots = st.ballots.saturating_add(n);
            }
            "count.recount" => st.recounts += 1,
            "count.explain" => st.explained.extend(e.after_str("code")),
            _ => {}
        }
    }
    Ok(st)
}

/// This database as the receiving side of a verification.
pub(crate) struct Ctx<'a> {
    pub app: &'a App,
    pub def: &'a ElectionDefinition,
    pub election_sha: String,
    /// A key the operator accepted for a unit after comparing fingerprints.
    pub accepted: Option<(String, [u8; 32])>,
    /// The area results the `results` check read, at any depth (import
    /// stores them without reading the members a second time).
    pub collected: std::cell::RefCell<Vec<AreaLevel>>,
    /// Every bundle verified, at any depth: the lineage import records.
    pub seen: std::cell::RefCell<Vec<Seen>>,
}

/// A bundle met during a verification, as the lineage records it.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub unit: String,
    pub sequence: u64,
    pub id: String,
    pub public_key: [u8; 32],
    /// The log's number of links and the digest of their boundaries.
    pub audit: Option<(u64, String)>,
    /// Its levels (for the revision rules of the unit's next bundle).
    pub levels: Vec<tobaucu_bundle::LevelEntry>,
}

/// What this database holds from `unit` (the lineage; for boards made by
/// an earlier version, the current directly imported bundle).
fn previous_of(app: &App, unit: &str) -> Option<Previous> {
    if let Ok(Some(l)) = app.store.lineage(unit) {
        let levels = l.levels.as_deref().and_then(lineage_levels).unwrap_or_default();
        return Some(Previous {
            sequence: u64::try_from(l.sequence).ok()?,
            id: l.sha256,
            audit: Some((u64::try_from(l.audit_links).ok()?, l.audit_boundaries)),
            key: l.public_key.as_deref().and_then(|k| k.try_into().ok()),
            levels,
        });
    }
    let b = app.store.current_bundle(unit).ok().flatten()?;
    Some(Previous { sequence: u64::try_from(b.sequence).ok()?, id: b.sha256, audit: None, key: None, levels: Vec::new() })
}

/// The levels a lineage row keeps: `[[code, final, revision, sha256], …]`.
pub(crate) fn lineage_levels_text(levels: &[tobaucu_bundle::LevelEntry]) -> String {
    serde_json::Value::Array(levels.iter().map(|l| serde_json::json!([l.code, l.final_, l.revision, l.minutes_sha256])).collect()).to_string()
}

fn lineage_levels(text: &str) -> Option<Vec<tobaucu_bundle::LevelEntry>> {
    let v: Vec<(String, bool, u32, String)> = serde_json::from_str(text).ok()?;
    Some(v.into_iter().map(|(code, final_, revision, minutes_sha256)| tobaucu_bundle::LevelEntry { code, final_, revision, minutes_sha256 }).collect())
}

fn seen_of(m: &Manifest, id: &str, log: Option<&auditlog::Log>) -> Seen {
    let audit = log.and_then(|l| Some((u64::try_from(l.links.len()).ok()?, l.boundaries_digest(l.links.len())?)));
    Seen { unit: m.unit_id.clone(), sequence: m.sequence, id: id.to_owned(), public_key: m.public_key, audit, levels: m.levels.clone() }
}

impl<'a> Ctx<'a> {
    pub fn new(app: &'a App) -> Result<Ctx<'a>> {
        let def = app.def()?;
        let u = app.unit_row()?.ok_or_else(|| Error::refused(ErrorCode::NotSetUp, "chưa thiết lập"))?;
        Ok(Ctx { app, def, election_sha: u.election_sha256, accepted: None, collected: Default::default(), seen: Default::default() })
    }
}

fn results_check(def: &ElectionDefinition, definition_sha256: &str, b: &Bundle<'_>, log: Option<&auditlog::Log>, sink: &std::cell::RefCell<Vec<AreaLevel>>) -> std::result::Result<String, String> {
    if b.manifest.unit_kind == "area" {
        let r = team_results(def, definition_sha256, b, log)?;
        let n = r.len();
        let warnings: Vec<String> = r.iter().flat_map(|l| l.warnings.iter().map(move |w| format!("cấp {}: {w}", l.level))).collect();
        sink.borrow_mut().extend(r);
        Ok(format!(
            "{n} cấp, số liệu khớp định nghĩa bầu cử và qua các kiểm tra của Tổ bầu cử (E01–E15){}{}",
            {
                let recounted: Vec<&str> = b.manifest.members.iter().filter_map(|m| m.name.strip_prefix("ballots/")?.strip_suffix(".txt")).collect();
                if recounted.is_empty() {
                    String::new()
                } else {
                    format!("; kiểm lại từng phiếu khớp (cấp {})", recounted.join(", "))
                }
            },
            if warnings.is_empty() { String::new() } else { format!("; cảnh báo Tổ đã chấp nhận: {}", warnings.join(" · ")) }
        ))
    } else {
        let bytes = b.read_member("results/aggregate.json").map_err(|e| e.to_string())?;
        serde_json::from_slice::<Value>(&bytes).map_err(|e| format!("results/aggregate.json: JSON lỗi ({e})"))?;
        Ok("bảng tổng hợp đọc được; số liệu được cộng lại từ biên bản của từng khu vực (A02)".into())
    }
}

impl Context for Ctx<'_> {
    fn election_id(&self) -> &str {
        &self.def.election.id
    }
    fn definition_sha256(&self) -> &str {
        &self.election_sha
    }
    /// A rehearsal database's mode is "test" whatever its definition says.
    fn mode(&self) -> tobaucu_core::election::Mode {
        crate::convert::core_mode(self.app.bundle_mode())
    }
    fn registration(&self, unit: &str) -> Option<Registration> {
        let me = self.app.unit_row().ok().flatten()?;
        if unit == me.unit_id {
            let k = self.app.store.signing_key().ok().flatten()?;
            return k.public_key.as_slice().try_into().ok().map(Registration::Key);
        }
        let r = self.app.store.registered_key(unit).ok().flatten()?;
        match r.public_key {
            Some(pk) => pk.as_slice().try_into().ok().map(Registration::Key),
            None => Some(Registration::Fingerprint(r.fingerprint)),
        }
    }
    fn accepted_unregistered(&self, unit: &str, key: &[u8; 32]) -> bool {
        self.accepted.as_ref().is_some_and(|(u, k)| u == unit && k == key)
    }
    fn key_change_allowed(&self, unit: &str, key: &[u8; 32]) -> bool {
        self.accepted_unregistered(unit, key)
            || matches!(self.registration(unit), Some(Registration::Key(k)) if &k == key)
            || matches!(self.registration(unit), Some(Registration::Fingerprint(f)) if f == keys::fingerprint(key))
    }
    fn unit_allowed(&self, unit: &str, kind: &str) -> std::result::Result<String, String> {
        match self.app.unit_row() {
            Ok(Some(me)) if me.unit_id == unit && me.kind == kind => Ok(format!("gói của chính đơn vị {unit}")),
            _ => self.app.unit_below(unit, Some(kind)),
        }
    }
    fn last(&self, unit: &str) -> Option<Previous> {
        let me = self.app.unit_row().ok().flatten()?;
        if me.kind == "area" {
            // A team checks its own bundles against the previous export.
            return None;
        }
        previous_of(self.app, unit)
    }
    fn note(&self, m: &Manifest, id: &str, log: Option<&auditlog::Log>) {
        self.seen.borrow_mut().push(seen_of(m, id, log));
    }
    fn results(&self, b: &Bundle<'_>, log: Option<&auditlog::Log>) -> std::result::Result<String, String> {
        results_check(self.def, &self.election_sha, b, log, &self.collected)
    }
    fn inner<'s>(&'s self, carrier: &Manifest, registry: Vec<(String, [u8; 32])>) -> Box<dyn Context + 's> {
        Box::new(Inner { outer: self, carrier: carrier.unit_id.clone(), carrier_kind: carrier.unit_kind.clone(), registry: registry.into_iter().collect() })
    }
}

/// Bundles carried inside a board's bundle: keys come from the board's
/// signed registry (and must agree with any key registered here); they
/// must lie below the carrying board.
struct Inner<'a> {
    outer: &'a Ctx<'a>,
    carrier: String,
    carrier_kind: String,
    registry: HashMap<String, [u8; 32]>,
}

impl Context for Inner<'_> {
    fn election_id(&self) -> &str {
        self.outer.election_id()
    }
    fn definition_sha256(&self) -> &str {
        self.outer.definition_sha256()
    }
    fn mode(&self) -> tobaucu_core::election::Mode {
        self.outer.mode()
    }
    fn registration(&self, unit: &str) -> Option<Registration> {
        let carried = self.registry.get(unit).copied();
        match (self.outer.registration(unit), carried) {
            // Registered here (key, or fingerprint until a bundle pins
            // it): that registration wins, whatever the carrier says.
            (Some(mine), _) => Some(mine),
            (None, Some(c)) => Some(Registration::Key(c)),
            (None, None) => None,
        }
    }
    fn unit_allowed(&self, unit: &str, kind: &str) -> std::result::Result<String, String> {
        below(self.outer.def, &self.carrier, &self.carrier_kind, unit, Some(kind))
    }
    fn key_change_allowed(&self, unit: &str, key: &[u8; 32]) -> bool {
        self.outer.key_change_allowed(unit, key)
    }
    /// Carried bundles are held to the same lineage as bundles imported
    /// directly: no rollback, no fork, a log that continues.
    fn last(&self, unit: &str) -> Option<Previous> {
        self.outer.last(unit)
    }
    fn note(&self, m: &Manifest, id: &str, log: Option<&auditlog::Log>) {
        self.outer.note(m, id, log);
    }
    fn results(&self, b: &Bundle<'_>, log: Option<&auditlog::Log>) -> std::result::Result<String, String> {
        results_check(self.outer.def, &self.outer.election_sha, b, log, &self.outer.collected)
    }
    fn inner<'s>(&'s self, carrier: &Manifest, registry: Vec<(String, [u8; 32])>) -> Box<dyn Context + 's> {
        Box::new(Inner { outer: self.outer, carrier: carrier.unit_id.clone(), carrier_kind: carrier.unit_kind.clone(), registry: registry.into_iter().collect() })
    }
}

/// The report as IPC/CLI JSON.
pub(crate) fn report_dto(file: &str, r: &Report) -> VerifyReportDto {
    VerifyReportDto {
        ok: r.ok(),
        checks: r.checks.iter().map(|c| VerifyCheckDto { name: c.name.to_owned(), ok: c.ok, detail: c.detail.clone() }).collect(),
        bundle: r.manifest.as_ref().zip(r.id.as_ref()).and_then(|(m, id)| info_dto(m, id)),
        file: file.to_owned(),
    }
}

/// `None` only for a manifest whose kind or mode is not one of ours, which
/// the container refuses before any manifest is handed out.
pub(crate) fn info_dto(m: &Manifest, id: &str) -> Option<BundleInfoDto> {
    Some(BundleInfoDto {
        sha256: id.to_owned(),
        short_code: short_hash(id),
        unit_id: m.unit_id.clone(),
        unit_kind: tobaucu_ipc::UnitKind::parse(&m.unit_kind)?,
        sequence: u32::try_from(m.sequence).ok()?,
        created_at: m.created_at.clone(),
        mode: crate::convert::mode(m.mode),
        fingerprint: keys::fingerprint(&m.public_key),
        levels: m.levels.iter().map(|l| l.code.clone().into()).collect(),
        all_final: m.levels.iter().all(|l| l.final_),
        carried: u32::try_from(m.members.iter().filter(|x| x.name.starts_with("units/")).count()).unwrap_or(0),
    })
}

impl App {
    /// `verify BUNDLE`: every named check against this database, without
    /// importing anything.
    pub fn verify_bundle(&self, path: &std::path::Path) -> Result<VerifyReportDto> {
        let ctx = Ctx::new(self)?;
        // Only a regular file of a bounded size, as import reads it.
        let (file, len) = crate::fsio::open_regular(path, import::MAX_IMPORT_BYTES)?;
        // Small bundles (a team's is ≈ 80 KB) are read at once; large ones
        // (a province's) are read member by member from the file.
        let r = if len <= 64 << 20 {
            drop(file);
            let bytes = crate::fsio::read_regular(path, 64 << 20)?;
            return self.verify_bundle_bytes(&path.display().to_string(), &bytes);
        } else {
            let src = tobaucu_bundle::FileSource::from_file(file, len);
            self.verify_source(&src, &ctx)?
        };
        Ok(report_dto(&path.display().to_string(), &r))
    }

    /// [`App::verify_bundle`] of bytes in memory (also the fuzz target's
    /// entry: every check, down to the results and the recount).
    pub fn verify_bundle_bytes(&self, name: &str, bytes: &[u8]) -> Result<VerifyReportDto> {
        let ctx = Ctx::new(self)?;
        let r = self.verify_source(&tobaucu_bundle::Mem(bytes), &ctx)?;
        Ok(report_dto(name, &r))
    }

    /// The named checks, then what a carrier says of what it carries
    /// (`carrier.rs`), as import judges it.
    fn verify_source(&self, src: &dyn tobaucu_bundle::Source, ctx: &Ctx<'_>) -> Result<Report> {
        let mut r = tobaucu_bundle::verify::verify(src, ctx, limits());
        if let Ok(b) = Bundle::open(src, limits()) {
            self.check_carriers(&b, ctx, &mut r)?;
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests;

/// Folders offered as export targets: mounted removable media (Linux
/// `/media/<user>/*`, `/run/media/<user>/*`; Windows drive letters other
/// than the system drive), then the app's own `goi/` folder.
pub fn removable_drives(fallback: &std::path::Path) -> Vec<tobaucu_ipc::DriveDto> {
    let mut out = Vec::new();
    let mut push = |p: std::path::PathBuf, label: String| {
        if p.is_dir() {
            out.push(tobaucu_ipc::DriveDto { path: p.display().to_string(), label, free_bytes: None });
        }
    };
    if cfg!(windows) {
        for l in b'D'..=b'Z' {
            let p = std::path::PathBuf::from(format!("{}:\\", char::from(l)));
            push(p, format!("Ổ {}:", char::from(l)));
        }
    } else {
        let user = std::env::var("USER").unwrap_or_default();
        for base in [format!("/media/{user}"), format!("/run/media/{user}"), "/media".into()] {
            if let Ok(rd) = std::fs::read_dir(&base) {
                for e in rd.flatten() {
                    let p = e.path();
                    if p.is_dir() && p.as_os_str() != std::ffi::OsStr::new(&format!("/media/{user}")) {
                        push(p.clone(), format!("USB {}", e.file_name().to_string_lossy()));
                    }
                }
            }
        }
    }
    push(fallback.to_path_buf(), "Thư mục gói của ứng dụng".into());
    out
}

/// The bundle files (`*.tbc`) in `dir` and its direct subfolders.
pub fn scan_bundles(dir: &std::path::Path) -> Result<Vec<String>> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io(dir, &e))?;
    let mut out = Vec::new();
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            if let Ok(sub) = std::fs::read_dir(&p) {
                out.extend(sub.flatten().map(|x| x.path()).filter(|x| x.extension().is_some_and(|e| e == "tbc")).map(|x| x.display().to_string()));
            }
        } else if p.extension().is_some_and(|e| e == "tbc") {
            out.push(p.display().to_string());
        }
    }
    out.sort();
    Ok(out)
}

impl App {
    /// The app's own folder for bundles: `goi/` next to the database.
    pub fn bundle_dir(&self) -> std::path::PathBuf {
        self.beside_db("goi")
    }

    /// `keys show` for the window: `None` while the unit has no key.
    pub fn key_info(&self) -> Result<Option<tobaucu_ipc::KeyInfoDto>> {
        if !self.has_key()? {
            return Ok(None);
        }
        self.keys_show().map(Some)
    }
}
