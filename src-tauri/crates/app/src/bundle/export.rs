//! Xuất gói: this unit's signed bundle, written atomically into a folder
//! (a USB stick), read back and verified before it is reported written.

use crate::ErrorCode;
use std::path::Path;

use serde_json::json;
use tobaucu_bundle::auditlog;
use tobaucu_bundle::container::{self, LevelEntry, Manifest};
use tobaucu_bundle::FileSource;
use tobaucu_core::audit::GENESIS;
use tobaucu_core::count::InvalidReason;
use tobaucu_ipc::ExportResultDto;
use tobaucu_store::{BundleRead, CountRead, ExportRow};

use super::{limits, report_dto, Ctx};
use crate::{clock, convert::audit_entry, short_hash, App, Error, Result};

/// Version written into every manifest.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

impl App {
    /// The ballots of a level in the ballots-file format (`interfaces.md`
    /// §4), one counted ballot per line, undone ones left out.
    fn ballots_text(&self, level: &str) -> Result<String> {
        let mut out = format!("# cấp {level}: các phiếu đã kiểm, theo thứ tự nhập\n");
        let seats = self.def()?.area(&self.unit_id()?.0).and_then(|a| a.constituencies.get(level)).and_then(|c| self.def().ok()?.constituency(c)).map_or(0, |c| c.seats);
        for b in self.store.ballots(level)? {
            if b.undone {
                continue;
            }
            match b.invalid_reason.as_deref().and_then(InvalidReason::parse) {
                Some(r) if r.needs_person() => out.push_str(&format!("INVALID {}\n", r.code())),
                // Read from a ballots file, a ballot with more names kept
                // than seats is stored without its positions: any S+1
                // positions recount to the same invalid ground.
                Some(InvalidReason::TooMany) if b.kept.as_ref().is_none_or(|k| k.0.is_empty()) => {
                    out.push_str(&(1..=seats.saturating_add(1)).map(|p| p.to_string()).collect::<Vec<_>>().join(" "));
                    out.push('\n');
                }
                _ => {
                    let k = b.kept.as_ref().map(tobaucu_store::Positions::text).unwrap_or_default();
                    out.push_str(if k.is_empty() { "-" } else { &k });
                    out.push('\n');
                }
            }
        }
        Ok(out)
    }

    /// The audit log as carried (`audit.jsonl`) and its head hash.
    fn audit_member(&self) -> Result<(Vec<u8>, String)> {
        let rows: Vec<auditlog::Row> = self
            .store
            .audit_chain()?
            .into_iter()
            .map(|r| auditlog::Row {
                id: r.entry.id,
                at: r.entry.at,
                action: r.entry.action,
                subject: r.entry.subject,
                reason: r.entry.reason,
                before: r.entry.before,
                after: r.entry.after,
                prev: r.prev_hash,
                hash: r.hash,
            })
            .collect();
        let head = rows.last().map(|r| r.hash.clone()).unwrap_or_else(|| GENESIS.to_owned());
        Ok((auditlog::write(&rows), head))
    }

    /// A team's members: per level the locked minutes data and the counted
    /// ballots; the minutes PDF of every level.
    fn team_members(&self, official: bool) -> Result<super::Members> {
        let def = self.def()?;
        let (unit, _) = self.unit_id()?;
        let area = def.area(&unit).ok_or_else(|| Error::Internal(format!("khu vực {unit} không có trong định nghĩa")))?;
        let mut levels = Vec::new();
        let mut members = Vec::new();
        let mut not_final = Vec::new();
        for code in def.level_codes() {
            if !area.constituencies.contains_key(&code) {
                continue;
            }
            let s = self.summary(&code)?;
            let md = self.minutes_revision_data(&code, None)?;
            if !md.locked {
                not_final.push(code.clone());
            }
            let data = md.data.to_canonical().into_bytes();
            levels.push(LevelEntry { code: code.clone(), final_: md.locked, revision: md.data.revision, minutes_sha256: md.sha256.clone() });
            members.push((format!("results/{code}.json"), data));
            if s.method == tobaucu_ipc::CountMethod::Ballots {
                members.push((format!("ballots/{code}.txt"), self.ballots_text(&code)?.into_bytes()));
            }
        }
        if official && !not_final.is_empty() {
            return Err(Error::refused(ErrorCode::NotFinal, format!("chưa xuất được gói chính thức: biên bản cấp {} chưa khóa; hãy chốt biên bản (finalize) từng cấp trước", not_final.join(", "))));
        }
        let pdf = self.render_form("minutes", None, None)?;
        members.push(("minutes.pdf".into(), pdf.bytes));
        Ok((levels, members))
    }

    /// `export --out DIR`: writes this unit's signed bundle into `dir`,
    /// reads it back and verifies it. Needs the Tổ trưởng's passphrase.
    pub fn export_bundle(&mut self, dir: &Path, pass: Option<&str>) -> Result<ExportResultDto> {
        self.export_bundle_via(dir, pass, &|p| Ok(Box::new(crate::fsio::create_exclusive(p)?)))
    }

    /// [`App::export_bundle`] writing through `open` (tests: a stick pulled
    /// or full part-way). A failed write leaves no file under the final
    /// name, records no export and does not use up the sequence number.
    pub(crate) fn export_bundle_via(&mut self, dir: &Path, pass: Option<&str>, open: crate::fsio::OpenSink<'_>) -> Result<ExportResultDto> {
        let (unit, kind) = self.unit_id()?;
        let def = self.def()?.clone();
        if !dir.is_dir() {
            return Err(Error::refused(ErrorCode::NoTarget, format!("{}: không có thư mục này (USB đã cắm chưa?)", dir.display())));
        }
        // A rehearsal's bundles are marked as the test mode's (manifest
        // "mode": "test"): an official board refuses them, and a
        // rehearsal board refuses official ones.
        let mode = self.bundle_mode();
        let official = mode == tobaucu_ipc::Mode::Official;
        // Refusals that need no key come first.
        let (levels, mut members) = if kind == tobaucu_ipc::UnitKind::Area { self.team_members(official)? } else { self.board_members(official)? };
        let sk = self.unlock(pass, "xuất gói kết quả")?;
        let (audit, head) = self.audit_member()?;
        members.push(("audit.jsonl".into(), audit));
        let exports = self.store.exports()?;
        // The next number after the last export; a stored number out of
        // range (edited outside the app) is refused, never wrapped.
        let sequence: u32 = match exports.last() {
            Some(e) => crate::convert::stored_u32("số thứ tự gói đã xuất", e.sequence)?
                .checked_add(1)
                .ok_or_else(|| Error::refused(ErrorCode::DbCorrupt, "số thứ tự gói đã xuất đã ở mức lớn nhất: tệp có thể đã bị sửa ngoài ứng dụng"))?,
            None => 1,
        };
        let u = self.unit_row()?.ok_or_else(|| Error::refused(ErrorCode::NotSetUp, "chưa thiết lập"))?;
        let now = clock::stamp(self.now());
        let manifest = Manifest {
            app_version: APP_VERSION.into(),
            created_at: now.clone(),
            election_id: def.election.id.clone(),
            definition_sha256: u.election_sha256,
            mode: crate::convert::core_mode(mode),
            unit_id: unit.clone(),
            unit_kind: kind.as_str().to_owned(),
            levels,
            sequence: u64::from(sequence),
            previous_sha256: exports.last().map(|e| e.sha256.clone()),
            public_key: [0; 32],
            audit_head: head,
            members: vec![],
        };
        let all_final = manifest.levels.iter().all(|l| l.final_);
        let (bytes, id) = container::write(manifest, &members, &sk).map_err(|e| Error::Internal(e.to_string()))?;
        // A test election's files say so in their name; a rehearsal's keep
        // the official name (its sequence restarts at the switch, and the
        // official file of the same number replaces it on the stick).
        let test_definition = def.election.mode == tobaucu_core::election::Mode::Test;
        let name = format!("{unit}-goi{sequence:03}{}.tbc", if test_definition { "-thu-nghiem" } else { "" });
        let path = dir.join(&name);
        if let Err(e) = crate::fsio::write_atomic_via(&path, &bytes, open) {
            let _ = self.store.write(|tx| {
                tx.append_audit(&audit_entry(&now, "bundle.export_failed", format!("gói số {sequence} của {unit}"), &e.to_string(), None, None))?;
                Ok::<_, Error>(())
            });
            return Err(e);
        }
        // Read back from the medium and verify as the board will.
        let src = FileSource::open(&path).map_err(|e| Error::io(&path, &e))?;
        let report = tobaucu_bundle::verify::verify(&src, &Ctx::new(self)?, limits());
        drop(src);
        if !report.ok() {
            let _ = std::fs::remove_file(&path);
            let f = report.first_failure().map(|c| format!("{}: {}", c.name, c.detail)).unwrap_or_default();
            return Err(Error::Internal(format!("gói vừa ghi không qua kiểm tra khi đọc lại ({f}); đã xóa tệp")));
        }
        let row = ExportRow {
            sequence: i64::from(sequence),
            sha256: id.clone(),
            file_name: name.clone(),
            path: path.display().to_string(),
            size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            final_: all_final,
            created_at: now.clone(),
        };
        self.store.write(|tx| {
            tx.insert_export(&row)?;
            tx.append_audit(&audit_entry(
                &now,
                "bundle.export",
                format!("gói số {sequence} của {unit}"),
                "",
                None,
                Some(json!({"sha256": id, "file": name, "size": bytes.len(), "final": all_final, "sequence": sequence}).to_string()),
            ))?;
            Ok::<_, Error>(())
        })?;
        Ok(ExportResultDto {
            path: path.display().to_string(),
            sha256: id.clone(),
            short_code: short_hash(&id),
            sequence,
            size: bytes.len() as u64,
            all_final,
            test_mode: !official,
            verified: true,
            checks: report_dto(&path.display().to_string(), &report).checks,
        })
    }

    /// The last bundle this unit exported: (sequence, sha256).
    pub fn last_export(&self) -> Result<Option<(u32, String)>> {
        self.store.exports()?.last().map(|e| Ok((crate::convert::stored_u32("số thứ tự gói đã xuất", e.sequence)?, e.sha256.clone()))).transpose()
    }
}
