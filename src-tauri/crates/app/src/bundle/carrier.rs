//! What a board's bundle (a carrier: commune, district, province) says
//! about what it carries, checked at the receiving board after the named
//! checks of `tobaucu-bundle` pass:
//!
//! * its signed `results/aggregate.json` is exactly what the areas it
//!   carries sum to here (per constituency: areas reported, every figure,
//!   each candidate's votes, who is elected, re-vote / additional vote) —
//!   a commune cannot sign one table and carry other minutes;
//! * its newer bundle still carries every unit its previous bundle
//!   carried, unless its own log (hash-chained, signed) records the
//!   withdrawal of that unit after the previous bundle was exported — a
//!   commune cannot silently drop an area the next level already counted.
//!
//! Both apply to every carrier in the tree, at any depth.

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;
use tobaucu_bundle::verify::Report;
use tobaucu_bundle::{auditlog, Bundle};
use tobaucu_core::election::ElectionDefinition;
use tobaucu_store::{AreaResultRow, BundleRead};

use super::integrity::StoredSource;
use super::results::{compute, constituency_dto};
use super::{below, limits, AreaLevel, Ctx};
use crate::{short_hash, App, Result};

/// A carrier in a bundle's tree.
struct Node {
    /// Where it sits, for people (`units/X0412.tbc/`; empty for the outer
    /// bundle), and as member indices from the outer bundle.
    path: String,
    at: Vec<usize>,
    unit: String,
    kind: String,
    id: String,
    sequence: u64,
    /// The areas of the team bundles under it, at any depth.
    areas: HashSet<String>,
    /// The units it carries directly: (unit, bundle id).
    children: Vec<(String, String)>,
}

/// Collects the carriers of the tree of `b` (itself first when it is one),
/// returns the areas under `b`.
fn carriers(b: &Bundle<'_>, depth: u32, path: &str, at: &[usize], out: &mut Vec<Node>) -> std::result::Result<HashSet<String>, String> {
    let m = &b.manifest;
    if m.unit_kind == "area" {
        return Ok(HashSet::from([m.unit_id.clone()]));
    }
    let me = out.len();
    out.push(Node { path: path.to_owned(), at: at.to_vec(), unit: m.unit_id.clone(), kind: m.unit_kind.clone(), id: b.id.clone(), sequence: m.sequence, areas: HashSet::new(), children: vec![] });
    let mut areas = HashSet::new();
    let mut children = Vec::new();
    if depth + 1 < b.limits().max_depth {
        for (i, mem) in m.members.iter().enumerate().filter(|(_, x)| x.name.starts_with("units/")) {
            let sub = b.member_source(i).ok_or_else(|| format!("{path}{}: không đọc được", mem.name))?;
            let inner = Bundle::open(&sub, b.limits()).map_err(|e| format!("{path}{}: {e}", mem.name))?;
            children.push((inner.manifest.unit_id.clone(), inner.id.clone()));
            let mut here = at.to_vec();
            here.push(i);
            areas.extend(carriers(&inner, depth + 1, &format!("{path}{}/", mem.name), &here, out)?);
        }
    }
    if let Some(n) = out.get_mut(me) {
        n.areas = areas.clone();
        n.children = children;
    }
    Ok(areas)
}

/// The fields of a constituency's line compared between a carrier's table
/// and the sums made here, with how people call them.
const FIELDS: &[(&str, &str)] = &[
    ("areas_expected", "số khu vực bỏ phiếu của đơn vị bầu cử"),
    ("areas_reported", "số khu vực đã báo cáo"),
    ("complete", "đủ biên bản của mọi khu vực"),
    ("voters_listed", "tổng số cử tri"),
    ("voters_voted", "số cử tri đã tham gia bỏ phiếu"),
    ("ballots_issued", "số phiếu phát ra"),
    ("ballots_received", "số phiếu thu vào"),
    ("ballots_valid", "số phiếu hợp lệ"),
    ("ballots_invalid", "số phiếu không hợp lệ"),
    ("invalid_by_reason", "số phiếu không hợp lệ theo lý do"),
    ("votes", "số phiếu bầu"),
    ("elected", "người trúng cử"),
    ("turnout_ok", "số cử tri đi bầu quá một nửa"),
    ("revote_due", "phải bầu cử lại"),
    ("additional_vote_due", "phải bầu cử thêm"),
];

fn show(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "(không ghi)".into(),
        Some(Value::Bool(true)) => "có".into(),
        Some(Value::Bool(false)) => "không".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) if a.is_empty() => "(không ai)".into(),
        Some(Value::Array(a)) => a.iter().map(|x| show(Some(x))).collect::<Vec<_>>().join(", "),
        Some(other) => other.to_string(),
    }
}

/// The differences of one constituency's line, named.
fn differences(def: &ElectionDefinition, cid: &str, signed: &Value, here: &Value, out: &mut Vec<String>) {
    let name_of = |id: &str| def.constituency(cid).and_then(|c| c.candidates.iter().find(|x| x.id == id)).map_or_else(|| id.to_owned(), |x| format!("{id} ({})", x.name));
    for (key, label) in FIELDS {
        let (a, b) = (signed.get(*key), here.get(*key));
        if a == b {
            continue;
        }
        match (a, b) {
            (Some(Value::Object(x)), Some(Value::Object(y))) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for k in keys.into_iter().filter(|k| x.get(*k) != y.get(*k)) {
                    let who = if *key == "votes" { format!("{label} cho {}", name_of(k)) } else { format!("{label} \"{k}\"") };
                    out.push(format!("đơn vị bầu cử {cid}, {who}: bảng tổng hợp ghi {}, cộng lại được {}", show(x.get(k)), show(y.get(k))));
                }
            }
            _ => out.push(format!("đơn vị bầu cử {cid}, {label}: bảng tổng hợp ghi {}, cộng lại được {}", show(a), show(b))),
        }
    }
}

/// Compares one carrier's signed table with the sums of the areas under it.
fn aggregate_of(def: &ElectionDefinition, node: &Node, table: &[u8], levels: &[AreaLevel]) -> std::result::Result<(), String> {
    let file = format!("{}results/aggregate.json của {}", node.path, node.unit);
    let signed: Value = serde_json::from_slice(table).map_err(|e| format!("{file}: JSON lỗi ({e})"))?;
    let signed = signed.get("constituencies").and_then(Value::as_object).ok_or_else(|| format!("{file}: thiếu \"constituencies\""))?;
    let scope: HashSet<&str> = def.areas.iter().filter(|a| below(def, &node.unit, &node.kind, &a.id, Some("area")).is_ok()).map(|a| a.id.as_str()).collect();
    let rows: Vec<AreaResultRow> = levels
        .iter()
        .filter(|l| node.areas.contains(&l.area))
        .map(|l| AreaResultRow {
            bundle_id: 0,
            area_id: l.area.clone(),
            level: l.level.clone(),
            constituency_id: l.constituency.clone(),
            final_: l.final_,
            minutes_sha256: l.sha256.clone(),
            data: l.data.clone(),
        })
        .collect();
    let refs: Vec<&AreaResultRow> = rows.iter().collect();
    let here: BTreeMap<String, Value> = compute(def, &scope, &refs, BTreeMap::new())
        .iter()
        .filter_map(|k| constituency_dto(def, k, &super::results::Accepted::new()).map(|d| (k.info.id.clone(), serde_json::to_value(d).unwrap_or(Value::Null))))
        .collect();
    let mut diffs = Vec::new();
    for c in signed.keys().filter(|c| !here.contains_key(*c)) {
        diffs.push(format!("bảng tổng hợp có đơn vị bầu cử {c}, không thuộc các khu vực của {}", node.unit));
    }
    for (c, v) in &here {
        match signed.get(c) {
            None => diffs.push(format!("bảng tổng hợp thiếu đơn vị bầu cử {c}")),
            Some(s) => differences(def, c, s, v, &mut diffs),
        }
    }
    if diffs.is_empty() {
        return Ok(());
    }
    let n = diffs.len();
    diffs.truncate(12);
    Err(format!(
        "{file} (có chữ ký) khác số liệu cộng lại từ biên bản của các khu vực gói mang theo (A02) — {}{}",
        diffs.join("; "),
        if n > 12 { format!("; và {} chỗ khác nữa", n - 12) } else { String::new() }
    ))
}

/// Marks the check `name` of a report failed with `detail`.
pub(crate) fn fail(report: &mut Report, name: &str, detail: String) {
    if let Some(c) = report.checks.iter_mut().find(|c| c.name == name) {
        if c.ok {
            c.ok = false;
            c.detail = detail;
        } else {
            c.detail = format!("{}; {detail}", c.detail);
        }
    }
}

/// The withdrawal of `unit` (whose bundle `id` the carrier held) recorded
/// in the carrier's log after it exported `previous`: (when, reason).
fn withdrawn_after(log: &auditlog::Log, previous: &str, unit: &str, id: &str) -> Option<(String, String)> {
    let exported = log.entries.iter().position(|e| e.action == "bundle.export" && e.after_str("sha256").as_deref() == Some(previous))?;
    log.entries.iter().skip(exported + 1).filter(|e| e.action == "bundle.withdraw").find_map(|e| {
        let named = e.subject.strip_prefix("gói số ").and_then(|s| s.split_once(" của ")).is_some_and(|(_, u)| u == unit);
        (named || e.after_str("sha256").as_deref() == Some(id)).then(|| (e.at.clone(), e.reason.clone()))
    })
}

/// Finds, in the tree of `b`, the bundle whose id is `id`; returns the
/// units it carries directly.
fn children_of(b: &Bundle<'_>, id: &str, depth: u32) -> Option<Vec<(String, String)>> {
    let m = &b.manifest;
    let units: Vec<usize> = m.members.iter().enumerate().filter(|(_, x)| x.name.starts_with("units/")).map(|(i, _)| i).collect();
    let mut opened = Vec::new();
    for i in units {
        let sub = b.member_source(i)?;
        let inner = Bundle::open(&sub, b.limits()).ok()?;
        opened.push((inner.manifest.unit_id.clone(), inner.id.clone()));
        if b.id != id && depth + 1 < b.limits().max_depth {
            if let Some(found) = children_of(&inner, id, depth + 1) {
                return Some(found);
            }
        }
    }
    (b.id == id).then_some(opened)
}

impl App {
    /// The units the previous bundle of `unit` held here (id `previous`)
    /// carried directly, read from the stored bundle that brought it.
    fn carried_before(&self, unit: &str, previous: &str) -> Result<Option<Vec<(String, String)>>> {
        let via = match self.store.lineage(unit)? {
            Some(l) if l.sha256 == previous => Some(l.via_bundle),
            _ => self.store.current_bundle(unit)?.filter(|b| b.sha256 == previous).map(|b| b.id),
        };
        let Some(via) = via else { return Ok(None) };
        let stored = self.store.stored_bundle(via)?;
        let src = StoredSource(stored);
        let Ok(b) = Bundle::open(&src, limits()) else { return Ok(None) };
        Ok(children_of(&b, previous, 0))
    }

    /// The checks of this module on a bundle whose named checks passed:
    /// failures go into the report (`results`, `inner_bundles`); the
    /// returned notes (units withdrawn by the carrier) go into the import
    /// message.
    pub(crate) fn check_carriers(&self, b: &Bundle<'_>, ctx: &Ctx<'_>, report: &mut Report) -> Result<Vec<String>> {
        let mut notes = Vec::new();
        if !report.ok() || b.manifest.unit_kind == "area" {
            return Ok(notes);
        }
        let mut nodes = Vec::new();
        if let Err(e) = carriers(b, 0, "", &[], &mut nodes) {
            fail(report, "inner_bundles", e);
            return Ok(notes);
        }
        let levels = ctx.collected.borrow();
        let mut dropped_refused = Vec::new();
        for node in &nodes {
            // The bundle of this carrier, opened again where it sits.
            let table = read_nested(b, &node.at, "results/aggregate.json");
            if let Err(e) = table.and_then(|t| aggregate_of(ctx.def, node, &t, &levels)) {
                fail(report, "results", e);
            }
            // What this board held of the carrier before.
            let Some(prev) = super::previous_of(self, &node.unit) else { continue };
            if prev.id == node.id || prev.sequence >= node.sequence {
                continue;
            }
            let Some(before) = self.carried_before(&node.unit, &prev.id)? else { continue };
            let now: HashSet<&str> = node.children.iter().map(|(u, _)| u.as_str()).collect();
            let gone: Vec<&(String, String)> = before.iter().filter(|(u, _)| !now.contains(u.as_str())).collect();
            if gone.is_empty() {
                continue;
            }
            let log = read_nested(b, &node.at, "audit.jsonl");
            let log = log.and_then(|l| auditlog::verify(&l).map_err(|e| e.to_string()));
            let mut silent = Vec::new();
            for (u, id) in gone {
                match log.as_ref().ok().and_then(|l| withdrawn_after(l, &prev.id, u, id)) {
                    Some((at, reason)) => {
                        notes.push(format!("{} không còn mang gói của {u}: {} đã rút gói đó lúc {at} (lý do: {reason}); các khu vực của {u} không còn được tính", node.unit, node.unit))
                    }
                    None => silent.push(u.clone()),
                }
            }
            if !silent.is_empty() {
                dropped_refused.push(format!(
                    "{}gói số {} của {} không còn mang gói của {} mà gói số {} (mã {}) đã nhận trước đây có mang, và nhật ký của {} không ghi việc rút (bundle.withdraw) các gói này sau khi xuất gói số {}; không nhập để khỏi mất kết quả đã có của các khu vực đó",
                    node.path,
                    node.sequence,
                    node.unit,
                    silent.join(", "),
                    prev.sequence,
                    short_hash(&prev.id),
                    node.unit,
                    prev.sequence
                ));
            }
        }
        if !dropped_refused.is_empty() {
            fail(report, "inner_bundles", dropped_refused.join("; "));
        }
        Ok(notes)
    }
}

/// Reads member `name` of the bundle reached from `b` through the member
/// indices `at`.
fn read_nested(b: &Bundle<'_>, at: &[usize], name: &str) -> std::result::Result<Vec<u8>, String> {
    let Some((&i, rest)) = at.split_first() else { return b.read_member(name).map_err(|e| e.to_string()) };
    let member = b.manifest.members.get(i).map(|m| m.name.clone()).unwrap_or_default();
    let sub = b.member_source(i).ok_or_else(|| format!("thiếu {member}"))?;
    let inner = Bundle::open(&sub, b.limits()).map_err(|e| format!("{member}: {e}"))?;
    read_nested(&inner, rest, name)
}
