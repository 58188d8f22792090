//! Toàn vẹn số liệu của Ban (a board's own data): the rows a board sums
//! (`area_result`) and the bundle it counts as current for each unit are
//! checked against what cannot be edited unnoticed — the bundles' own
//! bytes in the bundle store (kho gói), bound to their ids, and the
//! hash-chained audit log that recorded every import, replacement and
//! withdrawal.
//!
//! Someone with `sqlite3` at the board's laptop could otherwise rewrite an
//! area's figures (and the SHA-256 stored beside them), or make an older
//! bundle of a unit current again, and every later step — results, the
//! printed Mẫu 19/24, the signed bundle for the next level — would carry the
//! new figures. The check runs before those steps ([`App::checked`]:
//! results, board minutes, export) and in `audit verify`:
//!
//! * the log's chain holds, and for each unit the bundle current here is
//!   the one its last `bundle.import`/`bundle.replace` names (none after a
//!   `bundle.withdraw`); it is the newest held of the unit, and the lineage
//!   table names it;
//! * each current bundle read from the store has the id (SHA-256 of its
//!   manifest) its row and the log name; carried bundles, at any depth, are
//!   bound to their carrier by the member's SHA-256 in the carrier's
//!   manifest;
//! * each stored area result is, byte for byte, the `results/<LEVEL>.json`
//!   of the team bundle it came from (the SHA-256 in that team's manifest),
//!   and every level those bundles carry has its row.
//!
//! Cost: a team bundle imported directly is read up to its manifest (a few
//! KB); a board's bundle is read member by member for the bundles it
//! carries (their SHA-256). What was found is remembered in this `App`'s
//! memory ([`IntegrityMemo`]), never in the database an attacker edits:
//! the whole answer while the [`crate::DataMark`] stays the same (any
//! commit by this or another connection or process moves it); after a
//! write every row is read and compared again, and only a current bundle
//! already read back under the same row, id, unit, sequence and place in
//! the bundle store is not read again — what it carries follows from its
//! id. Bytes of the bundle store edited in place under an unchanged row are
//! seen by `audit verify` (which reads everything again) and by every whole
//! read (`Store::bundle_bytes` checks their SHA-256), not by the results
//! screen: the figures summed are still the ones the bundle carries.
//!
//! A row or bundle that fails is not summed (each problem is an A02 error
//! of the results); board minutes and export are refused
//! (`BOARD_DATA_TAMPERED`); `audit verify` reports the problems
//! (`data_problems`).

use crate::ErrorCode;
use std::collections::{BTreeMap, HashMap, HashSet};

use tobaucu_bundle::{Bundle, Source};
use tobaucu_core::audit::sha256_hex;
use tobaucu_store::{AreaResultRow, BundleRead, BundleRow, StoredBundle};

use super::limits;
use crate::{short_hash, App, Error, Result};

/// One thing found wrong, for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// The unit whose bundle or area it concerns (None: the whole log).
    pub unit: Option<String>,
    pub message: String,
}

/// What the check found.
#[derive(Debug, Default)]
pub(crate) struct Integrity {
    pub problems: Vec<Problem>,
    /// Area results (bundle row id, area, level) that are not what the
    /// bundle carries: not summed.
    pub bad_rows: HashSet<(i64, String, String)>,
    /// Current bundles (row id) that should not be current, or cannot be
    /// read back: none of their rows are summed.
    pub bad_bundles: HashSet<i64>,
}

impl Integrity {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// Whether a stored area result may be summed.
    pub fn row_ok(&self, r: &AreaResultRow) -> bool {
        !self.bad_bundles.contains(&r.bundle_id) && !self.bad_rows.contains(&(r.bundle_id, r.area_id.clone(), r.level.clone()))
    }

    /// The refusal of a document or an export made from these figures.
    pub fn refusal(&self, what: &str) -> Error {
        let list: Vec<String> = self.problems.iter().map(|p| p.message.clone()).collect();
        Error::Refused {
            code: ErrorCode::BoardDataTampered,
            message: format!(
                "Không {what}: số liệu trong cơ sở dữ liệu không khớp các gói đã nhập và nhật ký nhập gói — {}. Cơ sở dữ liệu có thể đã bị sửa ngoài ứng dụng; hãy chạy \"tobaucu audit verify\", báo Ban bầu cử và nhập lại các gói gốc từ USB vào một cơ sở dữ liệu mới",
                list.join("; ")
            ),
            problems: list,
        }
    }
}

/// A stored bundle as a [`Source`] for the bundle reader.
pub(crate) struct StoredSource<'a>(pub StoredBundle<'a>);

impl Source for StoredSource<'_> {
    fn len(&self) -> u64 {
        self.0.len()
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        self.0.read_at(offset, buf).map_err(|e| std::io::Error::other(e.to_string()))
    }
}

/// What the bundles inside one stored bundle say: per (area, level) the
/// minutes' SHA-256 and whether they were locked.
#[derive(Debug, Default)]
pub(crate) struct Carried {
    levels: HashMap<(String, String), (String, bool)>,
}

/// A current bundle as read back once from the bundle store: its row id,
/// id (SHA-256 of its manifest), unit, sequence and where it lies in the
/// store (offset, length, SHA-256 of its bytes, from `bundle_packed`).
type BundleKey = (i64, String, String, i64, (i64, i64, String));

/// What this `App` remembers of earlier checks, in its own memory (never
/// taken from the database, which is what an attacker edits).
#[derive(Debug, Default)]
pub(crate) struct IntegrityMemo {
    /// Current bundles read back from the bundle store and found to be the
    /// bundle their row names, with the levels they carry. What a bundle
    /// carries follows from its id (the manifest's SHA-256 binds every
    /// member, carried bundles included), so a row still naming the same
    /// bundle at the same place in the store needs no second read; any
    /// other row (edited, new) is read again. Failures are not kept.
    bundles: HashMap<BundleKey, std::sync::Arc<Carried>>,
    /// The last results computed with their check, at a change mark.
    pub(crate) checked: Option<(crate::DataMark, std::sync::Arc<super::results::Checked>)>,
    /// Area documents already parsed, by the SHA-256 of their text.
    pub(crate) parsed: HashMap<String, std::sync::Arc<super::results::Parsed>>,
}

/// Walks a bundle and the bundles it carries (each bound to its carrier by
/// the member's SHA-256), collecting the levels of the team bundles.
fn walk(b: &Bundle<'_>, depth: u32, out: &mut Carried) -> std::result::Result<(), String> {
    let m = &b.manifest;
    if m.unit_kind == "area" {
        for l in &m.levels {
            let name = format!("results/{}.json", l.code);
            let i = b.find(&name).ok_or_else(|| format!("gói của {} thiếu {name}", m.unit_id))?;
            if m.members[i].sha256 != l.minutes_sha256 {
                return Err(format!("gói của {}: {name} khác mã số liệu biên bản trong bản kê", m.unit_id));
            }
            if out.levels.insert((m.unit_id.clone(), l.code.clone()), (l.minutes_sha256.clone(), l.final_)).is_some() {
                return Err(format!("khu vực {} cấp {} có hai lần trong gói", m.unit_id, l.code));
            }
        }
        return Ok(());
    }
    if depth + 1 >= b.limits().max_depth {
        return Err(format!("gói lồng quá {} tầng", b.limits().max_depth));
    }
    for (i, mem) in m.members.iter().enumerate().filter(|(_, x)| x.name.starts_with("units/")) {
        let h = b.hash_member(i).map_err(|e| format!("{} trong gói của {}: {e}", mem.name, m.unit_id))?;
        if h != mem.sha256 {
            return Err(format!("{} trong gói của {} khác mã băm trong bản kê", mem.name, m.unit_id));
        }
        let sub = b.member_source(i).ok_or_else(|| format!("{} trong gói của {}", mem.name, m.unit_id))?;
        let inner = Bundle::open(&sub, b.limits()).map_err(|e| format!("{} trong gói của {}: {e}", mem.name, m.unit_id))?;
        walk(&inner, depth + 1, out)?;
    }
    Ok(())
}

/// "gói số N của UNIT" (the subject of the import, replace and withdraw
/// entries) → (N, UNIT).
fn subject_unit(subject: &str) -> Option<(i64, &str)> {
    let (n, unit) = subject.strip_prefix("gói số ")?.split_once(" của ")?;
    Some((n.parse().ok()?, unit))
}

/// What the log says is current for a unit: the bundle (id, sequence as
/// logged, when) or none (withdrawn).
#[derive(Debug, Clone)]
struct Logged {
    sha: Option<String>,
    sequence: i64,
    at: String,
    action: String,
}

impl App {
    /// The integrity check of this board's data (see the module). `rows`
    /// are the current area results (as [`BundleRead::current_area_results`]
    /// reads them); `chain` also walks the log's hash chain (`audit verify`
    /// walks it itself).
    pub(crate) fn integrity_of(&self, rows: &[AreaResultRow], chain: bool) -> Result<Integrity> {
        self.integrity_with(rows, chain, true)
    }

    /// [`App::integrity_of`]; `remember`: current bundles already read back
    /// whole at the same place are not read again (see [`IntegrityMemo`]);
    /// without, every current bundle is read from the store.
    fn integrity_with(&self, rows: &[AreaResultRow], chain: bool, remember: bool) -> Result<Integrity> {
        let mut out = Integrity::default();
        let bundles = self.store.bundles()?;
        let log = self.store.audit_chain()?;
        let problem = |unit: Option<&str>, message: String| Problem { unit: unit.map(str::to_owned), message };

        // The log itself.
        if chain {
            use tobaucu_core::audit::{verify_chain, Entry, Link};
            let links = log.iter().map(|r| Link::Full {
                entry: Entry {
                    id: r.entry.id,
                    at: &r.entry.at,
                    action: &r.entry.action,
                    subject: &r.entry.subject,
                    reason: &r.entry.reason,
                    before: r.entry.before.as_deref(),
                    after: r.entry.after.as_deref(),
                },
                prev: &r.prev_hash,
                hash: &r.hash,
            });
            if let Err(b) = verify_chain(links) {
                out.problems.push(problem(None, format!("nhật ký bị đứt ở mục số {} ({}): lịch sử nhập gói không còn đáng tin", b.id, b.why)));
            }
        }

        // What the log says is current, per unit.
        let by_sha: HashMap<&str, &BundleRow> = bundles.iter().map(|b| (b.sha256.as_str(), b)).collect();
        let mut logged: BTreeMap<String, Logged> = BTreeMap::new();
        for r in log.iter().filter(|r| matches!(r.entry.action.as_str(), "bundle.import" | "bundle.replace" | "bundle.withdraw" | "official")) {
            let e = &r.entry;
            // The switch from rehearsal to official (issue 16) removed every
            // bundle the rehearsal imported: the story starts again after it.
            if e.action == "official" {
                logged.clear();
                continue;
            }
            let sha = e.after.as_deref().and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok()).and_then(|v| v.get("sha256").and_then(|s| s.as_str()).map(str::to_owned));
            let Some(sha) = sha else {
                out.problems.push(problem(None, format!("mục số {} của nhật ký ({}) không ghi mã gói", e.id, e.action)));
                continue;
            };
            let (sequence, unit) = match subject_unit(&e.subject) {
                Some((n, u)) => (n, u.to_owned()),
                None => match by_sha.get(sha.as_str()) {
                    Some(b) => (b.sequence, b.unit_id.clone()),
                    None => {
                        out.problems.push(problem(None, format!("mục số {} của nhật ký ({}) ghi gói {} mà cơ sở dữ liệu không có", e.id, e.action, short_hash(&sha))));
                        continue;
                    }
                },
            };
            let withdrawn = e.action == "bundle.withdraw";
            logged.insert(unit, Logged { sha: (!withdrawn).then_some(sha), sequence, at: e.at.clone(), action: e.action.clone() });
        }

        // The bundle current here, per unit, against the log and the lineage.
        let current: BTreeMap<&str, &BundleRow> = bundles.iter().filter(|b| b.superseded_by.is_none()).map(|b| (b.unit_id.as_str(), b)).collect();
        let mut held_of: HashMap<&str, Vec<&BundleRow>> = HashMap::new();
        for x in &bundles {
            held_of.entry(x.unit_id.as_str()).or_default().push(x);
        }
        let units: std::collections::BTreeSet<&str> = current.keys().copied().chain(logged.keys().map(String::as_str)).collect();
        for unit in units {
            let cur = current.get(unit).copied();
            let Some(b) = cur else {
                if let Some(l @ Logged { sha: Some(sha), .. }) = logged.get(unit) {
                    out.problems.push(problem(
                        Some(unit),
                        format!("nhật ký ghi đã nhập gói số {} của {unit} (mã {}, lúc {}) nhưng cơ sở dữ liệu không còn gói nào của {unit} được tính", l.sequence, short_hash(sha), l.at),
                    ));
                }
                continue;
            };
            // Why this bundle should not be the one counted.
            let mut why = Vec::new();
            match logged.get(unit) {
                Some(Logged { sha: Some(sha), .. }) if *sha == b.sha256 => {}
                Some(l @ Logged { sha: Some(sha), .. }) => why.push(format!("nhật ký ghi lần cuối ({} lúc {}) gói số {} (mã {})", l.action, l.at, l.sequence, short_hash(sha))),
                Some(l @ Logged { sha: None, .. }) => why.push(format!("nhật ký ghi đã rút gói của {unit} lúc {}", l.at)),
                None => why.push("nhật ký không ghi việc nhập gói này".to_owned()),
            }
            if let Some(l) = self.store.lineage(unit)? {
                if l.sha256 != b.sha256 {
                    why.push(format!("gói mới nhất đã nhận của {unit} là gói số {} (mã {})", l.sequence, short_hash(&l.sha256)));
                }
            }
            if let Some(newer) = held_of.get(unit).into_iter().flatten().find(|x| x.sequence > b.sequence && x.superseded_by.as_deref() != Some(x.sha256.as_str())) {
                why.push(format!("cơ sở dữ liệu giữ gói số {} mới hơn, không bị rút", newer.sequence));
            }
            if !why.is_empty() {
                out.problems.push(problem(Some(unit), format!("gói đang được tính của {unit} là gói số {} (mã {}), nhưng {}", b.sequence, short_hash(&b.sha256), why.join("; "))));
                out.bad_bundles.insert(b.id);
            }
        }

        // The stored figures against the stored bundles.
        let mut rows_of: HashMap<i64, Vec<&AreaResultRow>> = HashMap::new();
        for r in rows {
            rows_of.entry(r.bundle_id).or_default().push(r);
        }
        let def = self.def()?;
        let packed = self.store.packed_index()?;
        let mut known = if remember { std::mem::take(&mut self.memo.borrow_mut().bundles) } else { HashMap::new() };
        let mut kept: HashMap<BundleKey, std::sync::Arc<Carried>> = HashMap::new();
        for b in current.values() {
            let what = format!("gói số {} của {}", b.sequence, b.unit_id);
            // A bundle kept as a BLOB in the database (before the bundle
            // store) is read every time: its bytes are the database's.
            let key: Option<BundleKey> = packed.get(&b.id).map(|p| (b.id, b.sha256.clone(), b.unit_id.clone(), b.sequence, p.clone()));
            if let Some((k, c)) = key.as_ref().and_then(|k| known.remove(k).map(|c| (k.clone(), c))) {
                kept.insert(k, c);
            }
            let carried = match key.as_ref().and_then(|k| kept.get(k)) {
                Some(c) => Ok(c.clone()),
                None => self.read_back(b, &what).map(std::sync::Arc::new),
            };
            let carried = match carried {
                Ok(c) => {
                    if let Some(k) = key {
                        kept.insert(k, c.clone());
                    }
                    c
                }
                Err(e) => {
                    out.problems.push(problem(Some(&b.unit_id), e));
                    out.bad_bundles.insert(b.id);
                    continue;
                }
            };
            let mine = rows_of.remove(&b.id).unwrap_or_default();
            let mut seen: HashSet<(&str, &str)> = HashSet::new();
            for r in &mine {
                seen.insert((r.area_id.as_str(), r.level.as_str()));
                let place = format!("khu vực {} cấp {}", r.area_id, r.level);
                let wrong = match carried.levels.get(&(r.area_id.clone(), r.level.clone())) {
                    None => Some(format!("số liệu đang lưu của {place} không có trong {what} đã nhập")),
                    Some((sha, fin)) => {
                        let data_sha = sha256_hex(r.data.as_bytes());
                        let constituency = def.area(&r.area_id).and_then(|a| a.constituencies.get(&r.level));
                        if data_sha != *sha || r.minutes_sha256 != *sha {
                            Some(format!("số liệu đang lưu của {place} khác biên bản trong {what} đã nhập (mã số liệu trong gói {}, số liệu đang lưu {})", short_hash(sha), short_hash(&data_sha)))
                        } else if r.final_ != *fin || constituency != Some(&r.constituency_id) {
                            Some(format!("số liệu đang lưu của {place} ghi đơn vị bầu cử hoặc trạng thái khóa khác {what} đã nhập"))
                        } else {
                            None
                        }
                    }
                };
                if let Some(w) = wrong {
                    out.bad_rows.insert((r.bundle_id, r.area_id.clone(), r.level.clone()));
                    out.problems.push(problem(Some(&r.area_id), w));
                }
            }
            let mut missing: Vec<&(String, String)> = carried.levels.keys().filter(|(a, l)| !seen.contains(&(a.as_str(), l.as_str()))).collect();
            missing.sort();
            for (a, l) in missing {
                out.problems
                    .push(Problem { unit: Some(a.clone()), message: format!("{what} mang biên bản của khu vực {a} cấp {l} nhưng số liệu này không còn trong cơ sở dữ liệu") });
            }
        }
        if remember {
            self.memo.borrow_mut().bundles = kept;
        }
        // Rows of bundles that are not current are never summed; rows of a
        // bundle id that does not exist are.
        for (id, rs) in rows_of {
            for r in rs {
                out.bad_rows.insert((id, r.area_id.clone(), r.level.clone()));
                out.problems.push(Problem {
                    unit: Some(r.area_id.clone()), message: format!("số liệu đang lưu của khu vực {} cấp {} không thuộc gói nào đang được tính", r.area_id, r.level)
                });
            }
        }
        Ok(out)
    }

    /// A current bundle read back from the store: the bundle its row names
    /// (id, unit, sequence), and the levels it carries, each carried bundle
    /// bound to its carrier.
    fn read_back(&self, b: &BundleRow, what: &str) -> std::result::Result<Carried, String> {
        let stored = self.store.stored_bundle(b.id).map_err(|e| format!("không đọc được {what} đã lưu ({e})"))?;
        let src = StoredSource(stored);
        match Bundle::open(&src, limits()) {
            Err(e) => Err(format!("{what} lưu trong kho gói không đọc được ({e})")),
            Ok(bundle) if bundle.id != b.sha256 => Err(format!("{what} lưu trong kho gói không phải gói đã nhập (mã bản kê {} thay vì {})", short_hash(&bundle.id), short_hash(&b.sha256))),
            Ok(bundle) if bundle.manifest.unit_id != b.unit_id || i64::try_from(bundle.manifest.sequence).ok() != Some(b.sequence) => {
                Err(format!("{what}: gói đã lưu ghi đơn vị {} gói số {}", bundle.manifest.unit_id, bundle.manifest.sequence))
            }
            Ok(bundle) => {
                let mut c = Carried::default();
                walk(&bundle, 0, &mut c).map(|()| c).map_err(|e| format!("{what} đã lưu: {e}"))
            }
        }
    }

    /// `audit verify`'s check of a board's data, alone: one sentence per
    /// problem (empty when the figures and current bundles are what was
    /// imported).
    pub fn board_data_problems(&self) -> Result<Vec<String>> {
        self.board()?;
        // Read every current bundle again: `audit verify` trusts nothing
        // remembered.
        let rows = self.store.current_area_results()?;
        Ok(self.integrity_with(&rows, true, false)?.problems.into_iter().map(|p| p.message).collect())
    }

    /// Refuses `what` (a document, an export) while the check finds
    /// anything.
    pub(crate) fn require_intact(&self, what: &str) -> Result<()> {
        let checked = self.checked()?;
        let it = &checked.integrity;
        if it.ok() {
            Ok(())
        } else {
            Err(it.refusal(what))
        }
    }
}

#[cfg(test)]
#[path = "integrity_tests.rs"]
mod tests;
