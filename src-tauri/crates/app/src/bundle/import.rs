//! Nhập gói at a board: verify, then store the whole bundle and the minutes
//! data of every area it carries, in one transaction (all or nothing). The
//! same bundle again is a no-op; a newer sequence of a unit replaces the
//! older (kept as history); anything that fails a check is refused with the
//! reason and recorded for the dashboard.
//!
//! A folder (`import_bundles`) is one batch in which each file is all or
//! nothing and judged on its own; a second thread reads the next files
//! (regular files of at most `MAX_IMPORT_BYTES`, 4 GiB) and hashes their
//! members and checks their signatures ahead (`tobaucu_bundle::Prechecked`,
//! which owns the bytes, so its work applies only to them). Each import
//! records the lineage of every bundle it meets, at any depth, and checks
//! A04 (an area reported by one current bundle only); `withdraw_bundle`
//! withdraws a unit's current bundle.

use crate::ErrorCode;
use std::path::Path;

use serde_json::json;
use tobaucu_bundle::keys::{fingerprint, normalize_fingerprint};
use tobaucu_bundle::{Bundle, Prechecked};
use tobaucu_core::canonical::canonical_json;
use tobaucu_ipc::{ImportResultDto, VerifyReportDto};
use tobaucu_store::{AreaResultRow, BundleRead, BundleRow, LineageRow, RefusalRow, RegisteredKeyRow};

use super::{limits, report_dto, Ctx};
use crate::{clock, convert::audit_entry, App, Error, Result};

/// Largest bundle file accepted for import.
pub const MAX_IMPORT_BYTES: u64 = 4 << 30;

impl App {
    fn refuse_import(&mut self, file: &str, unit: Option<String>, sha: Option<String>, reason: String, report: VerifyReportDto) -> Result<ImportResultDto> {
        let now = clock::stamp(self.now());
        let row =
            RefusalRow { id: 0, at: now.clone(), file_name: file.to_owned(), unit_id: unit.clone(), sha256: sha, reason: reason.clone(), report: serde_json::to_string(&report).unwrap_or_default() };
        self.store.write(|tx| {
            tx.insert_refusal(&row)?;
            tx.append_audit(&audit_entry(&now, "bundle.refuse", format!("gói {file}"), &reason, None, None))?;
            Ok::<_, Error>(())
        })?;
        Ok(ImportResultDto { file: file.to_owned(), outcome: "refused".into(), message: format!("{file}: bị từ chối — {reason}"), report, areas: vec![] })
    }

    /// `import BUNDLE`: verifies and imports one bundle. An unregistered
    /// key is accepted only when `accept_fingerprint` is the fingerprint
    /// printed on the paper minutes (logged).
    pub fn import_bundle(&mut self, path: &Path, accept_fingerprint: Option<&str>) -> Result<ImportResultDto> {
        self.import_loaded(load(path), accept_fingerprint)
    }

    fn import_loaded(&mut self, loaded: Loaded, accept_fingerprint: Option<&str>) -> Result<ImportResultDto> {
        let (me, kind) = self.unit_id()?;
        if kind == tobaucu_ipc::UnitKind::Area {
            return Err(Error::refused(ErrorCode::NotABoard, format!("cơ sở dữ liệu này là của tổ bầu cử {me}; nhập gói làm ở cơ sở dữ liệu của xã (setup --commune)")));
        }
        if let Some(fp) = accept_fingerprint {
            if normalize_fingerprint(fp).is_none() {
                return Err(Error::refused(ErrorCode::Fingerprint, format!("\"{fp}\" không phải dấu vân tay (20 chữ số hex)")));
            }
        }
        let Loaded { file, pre } = loaded;
        let pre = match pre {
            Ok(p) => p,
            Err(reason) => {
                let dto = report_dto(&file, &tobaucu_bundle::verify::unreadable(&reason));
                return self.refuse_import(&file, None, None, reason, dto);
            }
        };
        let mem = pre.source();
        // The frame is read once; verification and storage reuse it, and
        // the work done ahead on the bytes is taken over.
        let opened = Bundle::open(&mem, limits());
        if let Ok(b) = &opened {
            b.apply(&pre);
        }
        let head = opened.as_ref().ok().map(|b| (b.manifest.clone(), b.id.clone()));
        // The same bundle again: nothing to do.
        let previous = match &head {
            Some((m, _)) => self.store.current_bundle(&m.unit_id)?,
            None => None,
        };
        if let Some((m, id)) = &head {
            if let Some(cur) = &previous {
                if &cur.sha256 == id {
                    let ctx = Ctx::new(self)?;
                    let r = match &opened {
                        Ok(b) => tobaucu_bundle::verify::verify_opened(b, &ctx),
                        Err(e) => tobaucu_bundle::verify::unreadable(&e.to_string()),
                    };
                    if !r.ok() {
                        // Same manifest, altered content: a damaged or tampered copy.
                        let reason = r.first_failure().map(|c| format!("{} ({})", c.detail, c.name)).unwrap_or_default();
                        let dto = report_dto(&file, &r);
                        return self.refuse_import(&file, Some(m.unit_id.clone()), Some(id.clone()), reason, dto);
                    }
                    return Ok(ImportResultDto {
                        file: file.clone(),
                        outcome: "unchanged".into(),
                        message: format!("{file}: gói số {} của {} đã được nhập trước đây; không có gì thay đổi", m.sequence, m.unit_id),
                        report: report_dto(&file, &r),
                        areas: vec![],
                    });
                }
            }
        }
        if let Some((m, id)) = &head {
            if let Some(old) = self.store.bundle_by_sha(id)? {
                if old.superseded_by.as_deref() == Some(old.sha256.as_str()) {
                    let reason = format!("gói số {} của {} đã được nhập rồi bị rút; không nhập lại gói đã rút", m.sequence, m.unit_id);
                    let dto = report_dto(&file, &tobaucu_bundle::verify::unreadable(&reason));
                    return self.refuse_import(&file, Some(m.unit_id.clone()), Some(id.clone()), reason, dto);
                }
            }
            if m.unit_id == me {
                let reason = format!("đây là gói của chính {me}; gói này dành cho cấp trên");
                let dto = report_dto(&file, &tobaucu_bundle::verify::unreadable(&reason));
                return self.refuse_import(&file, Some(me.clone()), Some(id.clone()), reason, dto);
            }
        }
        let mut ctx = Ctx::new(self)?;
        let mut accepted = None;
        // A typed fingerprint accepts only the bundle whose key it is; in a
        // folder, the other bundles are judged as usual.
        let mut typed_other = None;
        if let (Some(typed), Some((m, _))) = (accept_fingerprint.and_then(normalize_fingerprint), &head) {
            if typed != fingerprint(&m.public_key) {
                typed_other = Some(format!("; dấu vân tay đã nhập ({typed}) khác dấu vân tay của gói ({}), không chấp nhận", fingerprint(&m.public_key)));
            } else if self.store.registered_key(&m.unit_id)?.is_none() {
                ctx.accepted = Some((m.unit_id.clone(), m.public_key));
                accepted = Some((m.unit_id.clone(), m.public_key, typed));
            }
        }
        let report = match &opened {
            Ok(b) => tobaucu_bundle::verify::verify_opened(b, &ctx),
            Err(e) => tobaucu_bundle::verify::unreadable(&e.to_string()),
        };
        let dto = report_dto(&file, &report);
        let (Some((m, id)), true) = (head, report.ok()) else {
            let mut reason = report.first_failure().map(|c| format!("{} ({})", c.detail, c.name)).unwrap_or_else(|| "không đọc được".into());
            reason.push_str(typed_other.as_deref().unwrap_or(""));
            let (unit, sha) = match &report.manifest {
                Some(m) => (Some(m.unit_id.clone()), report.id.clone()),
                None => (None, None),
            };
            return self.refuse_import(&file, unit, sha, reason, dto);
        };
        // Held already, neither current nor withdrawn, yet newest by the
        // lineage: the state of this database contradicts what it
        // received (edited outside the app). Storing it again would fail
        // on the bundle's id; say why instead.
        if let Some(old) = self.store.bundle_by_sha(&id)? {
            let cur = previous.as_ref().map_or_else(|| "không tính gói nào".to_owned(), |p| format!("đang tính gói số {}", p.sequence));
            let reason = format!(
                "gói số {} của {} đã có trong cơ sở dữ liệu (nhập lúc {}) nhưng cơ sở dữ liệu {cur} của {}, trái với nhật ký nhập gói: trạng thái gói trong cơ sở dữ liệu đã bị sửa ngoài ứng dụng. Không nhập lại; hãy chạy \"tobaucu audit verify\" và báo Ban bầu cử",
                m.sequence, m.unit_id, old.imported_at, m.unit_id
            );
            return self.refuse_import(&file, Some(m.unit_id.clone()), Some(id.clone()), reason, dto);
        }
        // Read once by the `results` check of every bundle, at any depth.
        let levels = ctx.collected.take();
        let seen = ctx.seen.take();
        drop(ctx);
        let manifest_text = match &opened {
            Ok(b) => String::from_utf8_lossy(&b.manifest_bytes).into_owned(),
            Err(e) => return Err(Error::Internal(e.to_string())),
        };
        // A04: an area is reported by exactly one current bundle, and once
        // in it.
        let mut areas: Vec<String> = Vec::new();
        for l in &levels {
            if levels.iter().filter(|x| x.area == l.area && x.level == l.level).count() > 1 {
                let reason = format!("gói mang số liệu của khu vực {} cấp {} hai lần (A04)", l.area, l.level);
                return self.refuse_import(&file, Some(m.unit_id.clone()), Some(id.clone()), reason, dto);
            }
            if !areas.contains(&l.area) {
                areas.push(l.area.clone());
            }
        }
        for a in &areas {
            if let Some((_, via)) = self.store.area_reported_by(a)? {
                if via != m.unit_id {
                    let hint = if &via == a {
                        format!("; nếu gói của tổ {a} được nhập thẳng ở đây, hãy rút gói đó (\"tobaucu withdraw {a} --reason …\") rồi nhập lại")
                    } else {
                        String::new()
                    };
                    let reason = format!("khu vực {a} đã được báo cáo qua gói của {via}; một khu vực chỉ do một gói báo cáo (A04){hint}");
                    return self.refuse_import(&file, Some(m.unit_id.clone()), Some(id.clone()), reason, dto);
                }
            }
        }
        // One key signs for one unit (a Tổ trưởng's key accepted or
        // registered for a second area would let one person report both).
        for s in &seen {
            let fp = fingerprint(&s.public_key);
            let mut others = self.key_owners(&s.unit, &s.public_key, &fp)?;
            others.extend(seen.iter().filter(|o| o.unit != s.unit && o.public_key == s.public_key).map(|o| o.unit.clone()));
            if let Some(other) = others.first() {
                let reason = format!("khóa {fp} ký gói của {} đã là khóa của {other}; mỗi khóa chỉ ký cho một đơn vị", s.unit);
                return self.refuse_import(&file, Some(m.unit_id.clone()), Some(id.clone()), reason, dto);
            }
        }
        let now = clock::stamp(self.now());
        let row = BundleRow {
            id: 0,
            sha256: id.clone(),
            unit_id: m.unit_id.clone(),
            unit_kind: m.unit_kind.clone(),
            sequence: i64::try_from(m.sequence).unwrap_or(i64::MAX),
            created_at: m.created_at.clone(),
            imported_at: now.clone(),
            file_name: file.clone(),
            manifest: manifest_text,
            report: canonical_json(&serde_json::to_value(&dto).unwrap_or_default()),
            superseded_by: None,
        };
        let replaced = previous.as_ref().map(|p| p.sequence);
        let mut pinned: Vec<RegisteredKeyRow> = Vec::new();
        for s in &seen {
            if let Some(r) = self.store.registered_key(&s.unit)? {
                if r.public_key.is_none() && r.fingerprint == fingerprint(&s.public_key) && !pinned.iter().any(|p| p.unit_id == s.unit) {
                    pinned.push(RegisteredKeyRow { unit_id: s.unit.clone(), public_key: Some(s.public_key.to_vec()), fingerprint: r.fingerprint, how: "pinned".into(), registered_at: now.clone() });
                }
            }
        }
        self.store.write(|tx| {
            if let Some((unit, pk, fp)) = &accepted {
                tx.upsert_registered_key(&RegisteredKeyRow { unit_id: unit.clone(), public_key: Some(pk.to_vec()), fingerprint: fp.clone(), how: "accepted".into(), registered_at: now.clone() })?;
                tx.append_audit(&audit_entry(
                    &now,
                    "key.accept_unregistered",
                    format!("khóa của {unit}"),
                    "người nhập đã so dấu vân tay trên biên bản giấy",
                    None,
                    Some(json!({"fingerprint": fp}).to_string()),
                ))?;
            }
            if previous.is_some() {
                tx.supersede(&m.unit_id, &id)?;
            }
            let bid = tx.insert_bundle(&row, pre.bytes(), pre.sha256())?;
            for s in &seen {
                if let Some((links, boundaries)) = &s.audit {
                    tx.upsert_lineage(&LineageRow {
                        unit_id: s.unit.clone(),
                        sequence: i64::try_from(s.sequence).unwrap_or(i64::MAX),
                        sha256: s.id.clone(),
                        audit_links: i64::try_from(*links).unwrap_or(i64::MAX),
                        audit_boundaries: boundaries.clone(),
                        via_bundle: bid,
                        public_key: Some(s.public_key.to_vec()),
                        levels: Some(super::lineage_levels_text(&s.levels)),
                    })?;
                }
                // A key registered by its fingerprint is pinned to the key
                // first seen with it.
                if let Some(r) = pinned.iter().find(|r| r.unit_id == s.unit) {
                    tx.upsert_registered_key(r)?;
                    tx.append_audit(&audit_entry(
                        &now,
                        "key.pin",
                        format!("khóa của {}", r.unit_id),
                        "dấu vân tay đã đăng ký khớp khóa của gói đầu tiên",
                        None,
                        Some(json!({"fingerprint": r.fingerprint, "public_key": tobaucu_bundle::hex(&s.public_key)}).to_string()),
                    ))?;
                }
            }
            for l in &levels {
                tx.insert_area_result(&AreaResultRow {
                    bundle_id: bid,
                    area_id: l.area.clone(),
                    level: l.level.clone(),
                    constituency_id: l.constituency.clone(),
                    final_: l.final_,
                    minutes_sha256: l.sha256.clone(),
                    data: l.data.clone(),
                })?;
            }
            tx.append_audit(&audit_entry(
                &now,
                if replaced.is_some() { "bundle.replace" } else { "bundle.import" },
                format!("gói số {} của {}", m.sequence, m.unit_id),
                "",
                replaced.map(|s| json!({"sequence": s}).to_string()),
                Some(json!({"sha256": id, "file": file, "areas": areas}).to_string()),
            ))?;
            Ok::<_, Error>(())
        })?;
        let (outcome, message) = match replaced {
            Some(s) => ("replaced", format!("{file}: đã nhập gói số {} của {}, thay cho gói số {s} (gói cũ vẫn giữ trong lịch sử)", m.sequence, m.unit_id)),
            None => ("imported", format!("{file}: đã nhập gói số {} của {} ({} khu vực)", m.sequence, m.unit_id, areas.len())),
        };
        Ok(ImportResultDto { file, outcome: outcome.into(), message, report: dto, areas: areas.into_iter().map(Into::into).collect() })
    }

    /// Imports several bundles (a USB stick's folder) as one user action:
    /// each bundle all or nothing on its own (a savepoint), made durable by
    /// a commit every ~32 MB and at the end. Every file is judged on its
    /// own: a bad one is refused and recorded and the next is read. Only a
    /// failure of this database (disk full, damaged) stops the run; the
    /// bundles before it stay imported.
    ///
    /// A second thread reads the next files and does the work that needs
    /// no database (SHA-256 of every member and of the file, the signature
    /// check) while this one verifies against the database and stores.
    pub fn import_bundles(&mut self, paths: &[std::path::PathBuf], accept_fingerprint: Option<&str>) -> Result<Vec<ImportResultDto>> {
        let (me, kind) = self.unit_id()?;
        if kind == tobaucu_ipc::UnitKind::Area {
            return Err(Error::refused(ErrorCode::NotABoard, format!("cơ sở dữ liệu này là của tổ bầu cử {me}; nhập gói làm ở cơ sở dữ liệu của xã (setup --commune)")));
        }
        let (tx, rx) = std::sync::mpsc::sync_channel::<Loaded>(16);
        std::thread::scope(|scope| {
            scope.spawn(move || {
                for p in paths {
                    if tx.send(load(p)).is_err() {
                        break;
                    }
                }
            });
            self.store.begin_batch()?;
            let mut out = Vec::with_capacity(paths.len());
            let mut failed = None;
            let mut pending: u64 = 0;
            for loaded in rx {
                // Commit every ~32 MB: what is imported stays durable, and
                // the write-ahead log stays small enough to be checkpointed.
                if pending > 32 << 20 {
                    self.store.end_batch()?;
                    self.store.begin_batch()?;
                    pending = 0;
                }
                pending = pending.saturating_add(loaded.len());
                let file = loaded.file.clone();
                match self.import_loaded(loaded, accept_fingerprint) {
                    Ok(r) => out.push(r),
                    // Something about this file that no check named: it is
                    // refused on its own, the folder goes on.
                    Err(e) if !e.is_environment() => {
                        let dto = report_dto(&file, &tobaucu_bundle::verify::unreadable(&e.to_string()));
                        match self.refuse_import(&file, None, None, e.to_string(), dto) {
                            Ok(r) => out.push(r),
                            Err(e) => {
                                failed = Some(e);
                                break;
                            }
                        }
                    }
                    Err(e) => {
                        failed = Some(e);
                        // Dropping the receiver stops the reader.
                        break;
                    }
                }
            }
            let committed = self.store.end_batch();
            if let Some(e) = failed {
                return Err(e);
            }
            committed?;
            Ok(out)
        })
    }
}

impl App {
    /// `withdraw UNIT --reason`: the board withdraws the current bundle of a
    /// lower unit (for example a team's bundle taken directly at the
    /// province while its commune could not report): its areas stop being
    /// reported by it, it stays in the history, the reason is logged. What
    /// the board learned of the unit's lineage stays: an older bundle is
    /// still a rollback.
    pub fn withdraw_bundle(&mut self, unit: &str, reason: &str) -> Result<ImportResultDto> {
        let (me, kind) = self.unit_id()?;
        if kind == tobaucu_ipc::UnitKind::Area {
            return Err(Error::refused(ErrorCode::NotABoard, format!("cơ sở dữ liệu này là của tổ bầu cử {me}; rút gói làm ở cơ sở dữ liệu của xã hoặc cấp trên")));
        }
        let reason = tobaucu_core::text::clean(reason);
        if reason.is_empty() {
            return Err(Error::refused(ErrorCode::ReasonRequired, "cần ghi lý do rút gói"));
        }
        let cur = self.store.current_bundle(unit)?.ok_or_else(|| Error::refused(ErrorCode::NoBundle, format!("chưa có gói hiện hành nào của {unit} để rút")))?;
        let now = clock::stamp(self.now());
        self.store.write(|tx| {
            tx.withdraw(cur.id, &now, &reason)?;
            tx.append_audit(&audit_entry(&now, "bundle.withdraw", format!("gói số {} của {unit}", cur.sequence), &reason, None, Some(json!({"sha256": cur.sha256}).to_string())))?;
            Ok::<_, Error>(())
        })?;
        let file = cur.file_name.clone();
        Ok(ImportResultDto {
            file,
            outcome: "withdrawn".into(),
            message: format!("Đã rút gói số {} của {unit}; các khu vực của gói này không còn được tính cho đến khi có gói khác báo cáo. Lý do: {reason}", cur.sequence),
            report: report_dto(&cur.file_name, &tobaucu_bundle::verify::unreadable("gói đã rút")),
            areas: vec![],
        })
    }
}

/// A bundle file read into memory, with what could be computed without the
/// database (hashes, signature), or why it could not be read.
struct Loaded {
    file: String,
    pre: std::result::Result<Prechecked, String>,
}

impl Loaded {
    fn len(&self) -> u64 {
        self.pre.as_ref().map_or(0, |p| u64::try_from(p.bytes().len()).unwrap_or(u64::MAX))
    }
}

/// Reads one file: a regular file of at most [`MAX_IMPORT_BYTES`], never a
/// link to a device or a FIFO. A file that cannot be read is refused on its
/// own (recorded), it does not stop a folder.
fn load(path: &Path) -> Loaded {
    let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    let pre = crate::fsio::read_regular(path, MAX_IMPORT_BYTES).map(|bytes| Prechecked::new(bytes, limits())).map_err(|e| e.to_string());
    Loaded { file, pre }
}
