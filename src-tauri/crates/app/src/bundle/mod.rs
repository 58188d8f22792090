//! Gói kết quả: export of this unit's signed bundle, verification against
//! this database's context, import at a board, and the results per
//! constituency. The format and the checks live in `tobaucu-bundle`; the
//! law in `tobaucu-core::results`.

mod export;
mod import;
mod results;

use std::collections::HashMap;

use serde_json::Value;
use tobaucu_bundle::container::Manifest;
use tobaucu_bundle::verify::{Context, Registration, Report};
use tobaucu_bundle::{keys, Bundle, Limits};
use tobaucu_core::count::tally_text;
use tobaucu_core::election::ElectionDefinition;
use tobaucu_core::results::AreaReport;
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

/// A team bundle's results members, checked against the definition.
pub(crate) fn team_results(def: &ElectionDefinition, b: &Bundle<'_>) -> std::result::Result<Vec<AreaLevel>, String> {
    let m = &b.manifest;
    let area = def.area(&m.unit_id).ok_or_else(|| format!("khu vực {} không có trong định nghĩa", m.unit_id))?;
    let mut out = Vec::new();
    for (code, cid) in &area.constituencies {
        let lv = m.levels.iter().find(|l| &l.code == code).ok_or_else(|| format!("thiếu cấp {code} trong bản kê"))?;
        if m.mode == "official" && !lv.final_ {
            return Err(format!("cấp {code}: biên bản chưa khóa trong một gói chính thức"));
        }
        let name = format!("results/{code}.json");
        let i = b.find(&name).ok_or_else(|| format!("thiếu thành phần {name}"))?;
        if b.manifest.members[i].sha256 != lv.minutes_sha256 {
            return Err(format!("{name}: mã băm khác mã số liệu biên bản trong bản kê"));
        }
        let bytes = b.read_member(&name).map_err(|e| e.to_string())?;
        let data = String::from_utf8(bytes).map_err(|_| format!("{name}: không phải UTF-8"))?;
        let v: Value = serde_json::from_str(&data).map_err(|e| format!("{name}: JSON lỗi ({e})"))?;
        let c = def.constituency(cid).ok_or_else(|| format!("đơn vị bầu cử {cid} không có trong định nghĩa"))?;
        let err = |f: &str| format!("{name}: trường \"{f}\" sai hoặc thiếu");
        let s = |p: &str| v.pointer(p).and_then(Value::as_str).ok_or_else(|| err(p));
        let u = |p: &str| v.pointer(p).and_then(Value::as_u64).ok_or_else(|| err(p));
        if s("/area/id")? != m.unit_id || s("/level/code")? != code || s("/constituency/id")? != cid {
            return Err(format!("{name}: khu vực, cấp hoặc đơn vị bầu cử không khớp ({}/{code}/{cid})", m.unit_id));
        }
        let cands = v.get("candidates").and_then(Value::as_array).ok_or_else(|| err("candidates"))?;
        let ids: Vec<String> = cands.iter().map(|x| x.get("id").and_then(Value::as_str).unwrap_or("").to_owned()).collect();
        let votes: Vec<u64> = cands.iter().map(|x| x.get("votes").and_then(Value::as_u64).unwrap_or(u64::MAX)).collect();
        if votes.contains(&u64::MAX) {
            return Err(err("candidates[].votes"));
        }
        let mut invalid_by_reason = std::collections::BTreeMap::new();
        if let Some(o) = v.pointer("/figures/invalid_by_reason").and_then(Value::as_object) {
            for (k, x) in o {
                invalid_by_reason.insert(k.clone(), x.as_u64().ok_or_else(|| err("figures.invalid_by_reason"))?);
            }
        }
        let r = AreaReport {
            area: m.unit_id.clone(),
            seats: u32::try_from(u("/constituency/seats")?).map_err(|_| err("constituency.seats"))?,
            candidates: ids,
            voters_listed: u("/figures/voters_listed")?,
            voters_voted: u("/figures/voters_voted")?,
            ballots_issued: u("/figures/ballots_issued")?,
            ballots_received: u("/figures/ballots_received")?,
            ballots_valid: u("/figures/ballots_valid")?,
            ballots_invalid: u("/figures/ballots_invalid")?,
            invalid_by_reason,
            votes,
        };
        let def_ids: Vec<&str> = c.candidates.iter().map(|x| x.id.as_str()).collect();
        if r.seats != c.seats || !r.candidates.iter().map(String::as_str).eq(def_ids.iter().copied()) {
            return Err(format!("{name}: danh sách người ứng cử hoặc số đại biểu khác định nghĩa (A01)"));
        }
        if r.ballots_valid + r.ballots_invalid != r.ballots_received {
            return Err(format!("{name}: hợp lệ {} + không hợp lệ {} ≠ thu vào {} (E01)", r.ballots_valid, r.ballots_invalid, r.ballots_received));
        }
        if r.votes.iter().any(|&x| x > r.ballots_valid) || r.votes.iter().sum::<u64>() > u64::from(r.seats) * r.ballots_valid {
            return Err(format!("{name}: số phiếu bầu cho người ứng cử vượt số phiếu hợp lệ (E05/E08)"));
        }
        // Ballots entered one by one travel too: recount them.
        let bname = format!("ballots/{code}.txt");
        if b.find(&bname).is_some() {
            let text = String::from_utf8(b.read_member(&bname).map_err(|e| e.to_string())?).map_err(|_| format!("{bname}: không phải UTF-8"))?;
            let t = tally_text(&text, c.candidates.len(), c.seats).map_err(|e| format!("{bname}: dòng {} lỗi", e.first().map(|x| x.line).unwrap_or(0)))?;
            let res = t.result();
            if res.valid != r.ballots_valid || res.invalid != r.ballots_invalid || res.votes != r.votes {
                return Err(format!("{bname}: kiểm lại từng phiếu không ra số liệu của biên bản (hợp lệ {} / {}, không hợp lệ {} / {})", res.valid, r.ballots_valid, res.invalid, r.ballots_invalid));
            }
        }
        out.push(AreaLevel { area: m.unit_id.clone(), level: code.clone(), constituency: cid.clone(), final_: lv.final_, sha256: lv.minutes_sha256.clone(), data });
    }
    Ok(out)
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
}

impl<'a> Ctx<'a> {
    pub fn new(app: &'a App) -> Result<Ctx<'a>> {
        let def = app.def()?;
        let u = app.unit_row()?.ok_or_else(|| Error::refused("NOT_SET_UP", "chưa thiết lập"))?;
        Ok(Ctx { app, def, election_sha: u.election_sha256, accepted: None, collected: Default::default() })
    }
}

fn results_check(def: &ElectionDefinition, b: &Bundle<'_>, sink: &std::cell::RefCell<Vec<AreaLevel>>) -> std::result::Result<String, String> {
    if b.manifest.unit_kind == "area" {
        let r = team_results(def, b)?;
        let n = r.len();
        sink.borrow_mut().extend(r);
        Ok(format!("{n} cấp, số liệu khớp định nghĩa bầu cử{}", if b.manifest.members.iter().any(|m| m.name.starts_with("ballots/")) { "; kiểm lại từng phiếu khớp" } else { "" }))
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
    fn mode(&self) -> &str {
        self.def.election.mode.as_str()
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
    fn unit_allowed(&self, unit: &str, kind: &str) -> std::result::Result<String, String> {
        match self.app.unit_row() {
            Ok(Some(me)) if me.unit_id == unit && me.kind == kind => Ok(format!("gói của chính đơn vị {unit}")),
            _ => self.app.unit_below(unit, Some(kind)),
        }
    }
    fn last(&self, unit: &str) -> Option<(u64, String)> {
        let me = self.app.unit_row().ok().flatten()?;
        if me.kind == "area" {
            // A team checks its own bundles against the previous export.
            return None;
        }
        let b = self.app.store.current_bundle(unit).ok().flatten()?;
        Some((u64::try_from(b.sequence).unwrap_or(0), b.sha256))
    }
    fn results(&self, b: &Bundle<'_>) -> std::result::Result<String, String> {
        results_check(self.def, b, &self.collected)
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
    fn mode(&self) -> &str {
        self.outer.mode()
    }
    fn registration(&self, unit: &str) -> Option<Registration> {
        let carried = self.registry.get(unit).copied();
        match (self.outer.registration(unit), carried) {
            // Registered here too: the carried key must be that one.
            (Some(Registration::Key(k)), Some(c)) if k != c => Some(Registration::Key(k)),
            (_, Some(c)) => Some(Registration::Key(c)),
            (mine, None) => mine,
        }
    }
    fn unit_allowed(&self, unit: &str, kind: &str) -> std::result::Result<String, String> {
        below(self.outer.def, &self.carrier, &self.carrier_kind, unit, Some(kind))
    }
    fn last(&self, _unit: &str) -> Option<(u64, String)> {
        None
    }
    fn results(&self, b: &Bundle<'_>) -> std::result::Result<String, String> {
        results_check(self.outer.def, b, &self.outer.collected)
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
        bundle: r.manifest.as_ref().zip(r.id.as_ref()).map(|(m, id)| info_dto(m, id)),
        file: file.to_owned(),
    }
}

pub(crate) fn info_dto(m: &Manifest, id: &str) -> BundleInfoDto {
    BundleInfoDto {
        sha256: id.to_owned(),
        short_code: short_hash(id),
        unit_id: m.unit_id.clone(),
        unit_kind: m.unit_kind.clone(),
        sequence: u32::try_from(m.sequence).unwrap_or(u32::MAX),
        created_at: m.created_at.clone(),
        mode: m.mode.clone(),
        fingerprint: keys::fingerprint(&m.public_key),
        levels: m.levels.iter().map(|l| l.code.clone()).collect(),
        all_final: m.levels.iter().all(|l| l.final_),
        carried: u32::try_from(m.members.iter().filter(|x| x.name.starts_with("units/")).count()).unwrap_or(0),
    }
}

impl App {
    /// `verify BUNDLE`: every named check against this database, without
    /// importing anything.
    pub fn verify_bundle(&self, path: &std::path::Path) -> Result<VerifyReportDto> {
        let ctx = Ctx::new(self)?;
        let len = std::fs::metadata(path).map_err(|e| Error::io(path, &e))?.len();
        // Small bundles (a team's is ≈ 80 KB) are read at once; large ones
        // (a province's) are read member by member from the file.
        let r = if len <= 64 << 20 {
            let bytes = std::fs::read(path).map_err(|e| Error::io(path, &e))?;
            return self.verify_bundle_bytes(&path.display().to_string(), &bytes);
        } else {
            let src = tobaucu_bundle::FileSource::open(path).map_err(|e| Error::io(path, &e))?;
            tobaucu_bundle::verify::verify(&src, &ctx, limits())
        };
        Ok(report_dto(&path.display().to_string(), &r))
    }

    /// [`App::verify_bundle`] of bytes in memory (also the fuzz target's
    /// entry: every check, down to the results and the recount).
    pub fn verify_bundle_bytes(&self, name: &str, bytes: &[u8]) -> Result<VerifyReportDto> {
        let ctx = Ctx::new(self)?;
        let r = tobaucu_bundle::verify::verify(&tobaucu_bundle::Mem(bytes), &ctx, limits());
        Ok(report_dto(name, &r))
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
