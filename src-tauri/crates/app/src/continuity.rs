//! Election-day continuity (issue 16 §4, §5): backups on by default on
//! election day, restoring the last backup on any laptop (a spare) and
//! carrying on, and entering at once the voter numbers ticked on the paper
//! list while the app was down.
//!
//! On an official team's election day, check-ins are refused until a backup
//! folder is chosen (`backup_requirement`): the window's desk asks for one,
//! the CLI warns on stderr instead, and a rehearsal only warns.

use crate::ErrorCode;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::json;
use tobaucu_core::voter::{checkin_levels, CheckinRefusal};
use tobaucu_ipc::{BulkCheckinDto, RestoreDto};
use tobaucu_store::{DeskRead, OutageRow, Read, RehearsalRead};

use crate::convert::{audit_entry, status_of};
use crate::{clock, App, Error, Result};

/// The most voter numbers one bulk entry takes (an area holds at most
/// 4,000 voters; a file larger than this is not a list of numbers).
const MAX_BULK_BYTES: u64 = 1 << 20;

/// "HH:MM", checked.
fn hhmm(field: &str, s: &str) -> Result<String> {
    let t = s.trim();
    let ok = t.len() == 5
        && t.is_ascii()
        && t.as_bytes()[2] == b':'
        && t[..2].parse::<u32>().is_ok_and(|h| h < 24)
        && t[3..].parse::<u32>().is_ok_and(|m| m < 60)
        && t.bytes().enumerate().all(|(i, b)| i == 2 || b.is_ascii_digit());
    if ok {
        Ok(t.to_owned())
    } else {
        Err(Error::refused(ErrorCode::FieldInvalid, format!("{field} \"{s}\" không phải giờ:phút (ví dụ 10:05)")))
    }
}

/// The voter numbers of a bulk entry: numbers one per line or separated by
/// spaces, commas or semicolons; `#` starts a comment. Every bad token is
/// named by line; every number given twice too.
pub(crate) fn parse_numbers(source: &str, text: &str) -> Result<Vec<(u32, usize)>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("");
        for tok in line.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|t| !t.is_empty()) {
            match tok.parse::<u32>() {
                Ok(n) if n >= 1 => out.push((n, i + 1)),
                _ => problems.push(format!("{source}, dòng {}: \"{tok}\" không phải số thẻ cử tri (STT)", i + 1)),
            }
        }
    }
    let mut first: HashMap<u32, usize> = HashMap::new();
    for (n, line) in &out {
        if let Some(l) = first.get(n) {
            problems.push(format!("{source}, dòng {line}: số {n} đã có ở dòng {l} (ghi hai lần)"));
        } else {
            first.insert(*n, *line);
        }
    }
    if out.is_empty() && problems.is_empty() {
        return Err(Error::refused(ErrorCode::BulkEmpty, format!("{source}: không có số thẻ cử tri nào")));
    }
    if !problems.is_empty() {
        return Err(Error::Refused { code: ErrorCode::BulkInvalid, message: format!("{source} có {} lỗi; chưa ghi nhận cử tri nào", problems.len()), problems });
    }
    Ok(out)
}

/// The newest backup in `dir` (names sort by their time:
/// `<unit>-sao-luu-YYYYmmdd-HHMMSS.sqlite`).
pub(crate) fn latest_backup_in(dir: &Path) -> Result<PathBuf> {
    let stamp = |p: &PathBuf| p.file_name().and_then(|n| n.to_str()).and_then(|n| n.rsplit_once("-sao-luu-").map(|(_, s)| s.to_owned())).unwrap_or_default();
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, &e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.contains("-sao-luu-") && n.ends_with(".sqlite")))
        .collect();
    found.sort_by_key(stamp);
    found.pop().ok_or_else(|| Error::refused(ErrorCode::NoBackup, format!("{}: không có bản sao lưu nào (tệp …-sao-luu-….sqlite)", dir.display())))
}

impl App {
    /// A backup folder is chosen.
    pub(crate) fn backup_dir_set(&self) -> Result<bool> {
        Ok(self.store.setting("backup.dir")?.is_some_and(|d| !d.trim().is_empty()))
    }

    /// Why check-ins are refused for lack of a backup folder, if they are:
    /// backups are on by default on election day — a team's official
    /// database refuses the first check-in (and every one after) on the
    /// election date until a folder is chosen. A rehearsal (or a test
    /// election) only warns: the drills of the week before must run
    /// without a USB stick.
    pub fn backup_requirement(&self) -> Result<Option<String>> {
        let Some(def) = self.def.as_ref() else { return Ok(None) };
        if self.rehearsal || self.bundle_mode() != tobaucu_ipc::Mode::Official || self.now().date_naive() != def.election.date {
            return Ok(None);
        }
        if self.unit.as_ref().is_some_and(|u| u.kind != tobaucu_ipc::UnitKind::Area.as_str()) || self.backup_dir_set()? {
            return Ok(None);
        }
        Ok(Some("hôm nay là ngày bầu cử: phải chọn nơi sao lưu (thư mục trên USB) trước khi phát phiếu, để mất điện hay hỏng máy không làm mất số cử tri đã nhận phiếu — trong ứng dụng: Chuẩn bị → Sao lưu; dòng lệnh: tobaucu backup settings --dir THƯ_MỤC_USB".to_owned()))
    }

    /// Refuses a check-in while [`App::backup_requirement`] holds: the
    /// window's desk asks for the folder before the first check-in of an
    /// official election day; the CLI (`checkin STT`, whose contract is to
    /// mark the voter) warns on stderr instead.
    pub fn require_backup_folder(&self) -> Result<()> {
        match self.backup_requirement()? {
            Some(why) => Err(Error::refused(ErrorCode::BackupRequired, format!("chưa phát phiếu: {why}"))),
            None => Ok(()),
        }
    }

    /// `checkin --bulk FILE --from HH:MM --to HH:MM`: the voter numbers
    /// ticked on the paper list while the app was down (a power cut, a
    /// broken laptop), entered after restoring the last backup. All or
    /// nothing: a number not on the list, not voting here, given twice, or
    /// already checked in in this database refuses the whole entry with
    /// every such number named. Each voter receives the ballots of every
    /// level they vote for, stamped with the end of the outage; the outage
    /// window and the numbers are recorded (`outage`) and logged in the
    /// same transaction; turnout is recomputed.
    pub fn bulk_checkin(&mut self, source: &str, text: &str, from: &str, to: &str) -> Result<BulkCheckinDto> {
        self.require_area()?;
        let from = hhmm("--from", from)?;
        let to = hhmm("--to", to)?;
        if to < from {
            return Err(Error::refused(ErrorCode::FieldInvalid, format!("giờ hết mất điện {to} trước giờ bắt đầu {from}")));
        }
        let now_t = self.now();
        let now_hm = now_t.format("%H:%M").to_string();
        if to > now_hm {
            return Err(Error::refused(ErrorCode::FieldInvalid, format!("giờ hết mất điện {to} sau giờ hiện tại {now_hm}; hãy ghi giờ đã qua")));
        }
        let numbers = parse_numbers(source, text)?;
        let date = now_t.format("%Y-%m-%d").to_string();
        let at = format!("{date}T{to}:00+07:00");
        let entered = clock::stamp(now_t);
        // Several desks (issue 14): each voter's check-in is this desk's
        // event too, so the other desks learn of it and a double check-in
        // elsewhere is an anomaly.
        self.desk_ctx()?;
        let desk = self.desk.as_deref();
        // The list and the check-ins are read inside the transaction that
        // writes: a desk's check-in merged meanwhile is named as a double,
        // not met as a constraint error.
        let (id, stts, checkins) = self.store.write(|tx| {
            let mut problems = Vec::new();
            let mut plan: Vec<(i64, u32, Vec<String>)> = Vec::new();
            for (stt, line) in &numbers {
                let Some(row) = tx.voter_by_stt(i64::from(*stt))? else {
                    problems.push(format!("{source}, dòng {line}: không có cử tri số {stt} trong danh sách"));
                    continue;
                };
                let live = tx.live_checkins_of(row.id)?;
                if let Some(c) = live.first() {
                    let levels: Vec<&str> = live.iter().map(|c| c.level.as_str()).collect();
                    problems.push(format!("{source}, dòng {line}: cử tri số {stt} — {} — đã nhận phiếu {} lúc {} (trong cơ sở dữ liệu): trùng", row.name, levels.join(", "), clock::vi_time(&c.at)));
                    continue;
                }
                match checkin_levels(status_of(&row)?, &row.levels, &[], None) {
                    Ok(levels) => plan.push((row.id, *stt, levels)),
                    Err(CheckinRefusal::NotVoting(st)) => problems.push(format!("{source}, dòng {line}: cử tri số {stt} — {} — {}; không phát phiếu", row.name, st.vi())),
                    Err(_) => problems.push(format!("{source}, dòng {line}: cử tri số {stt} — {} — không có cấp nào để phát phiếu", row.name)),
                }
            }
            if !problems.is_empty() {
                return Err(Error::Refused {
                    code: ErrorCode::BulkRefused,
                    message: format!("{source}: {} số không ghi nhận được; chưa ghi nhận cử tri nào (tất cả hoặc không) — sửa danh sách số rồi nhập lại", problems.len()),
                    problems,
                });
            }
            let stts: Vec<u32> = plan.iter().map(|p| p.1).collect();
            let checkins: usize = plan.iter().map(|p| p.2.len()).sum();
            for (voter_id, stt, levels) in &plan {
                match desk {
                    Some(c) => {
                        let e = App::desk_emit(tx, c, &at, tobaucu_core::desk::Body::Checkin { stt: *stt, levels: levels.clone(), mobile_box: false })?;
                        let seq = i64::try_from(e.id.seq).map_err(|_| Error::Internal("số thứ tự sự kiện".into()))?;
                        for l in levels {
                            tx.insert_desk_checkin(*voter_id, l, &at, false, i64::from(c.desk), seq)?;
                        }
                    }
                    None => {
                        for l in levels {
                            tx.insert_checkin(*voter_id, l, &at, false)?;
                        }
                    }
                }
            }
            let outage = OutageRow { id: 0, date: date.clone(), from_time: from.clone(), to_time: to.clone(), source: source.to_owned(), voters: json!(stts).to_string(), entered_at: entered.clone() };
            let id = tx.insert_outage(&outage)?;
            tx.append_audit(&audit_entry(
                &entered,
                "checkin.bulk",
                format!("{} cử tri nhận phiếu lúc mất điện {from}–{to}", stts.len()),
                "",
                None,
                Some(json!({"outage": id, "date": date, "from": from, "to": to, "file": source, "voters": stts, "checkins": checkins}).to_string()),
            ))?;
            Ok::<_, Error>((id, stts, checkins))
        })?;
        let turnout = self.turnout()?;
        let per_level: Vec<String> = turnout.levels.iter().map(|(l, t)| format!("{l} {}/{}", t.voters_voted, t.voters_listed)).collect();
        Ok(BulkCheckinDto {
            outage_id: crate::convert::stored_u32("số lần mất điện", id)?,
            date,
            from: from.clone(),
            to: to.clone(),
            voters: crate::convert::count_u32("số cử tri", stts.len())?,
            checkins: crate::convert::count_u32("số lượt nhận phiếu", checkins)?,
            message: format!("Đã ghi nhận {} cử tri nhận phiếu trong lúc mất điện {from}–{to} (theo danh sách giấy, {source}); tỷ lệ đi bầu đã tính lại: {}", stts.len(), per_level.join(", ")),
            turnout,
        })
    }

    /// The last check-in this database holds: "cử tri số N lúc HH:MM:SS".
    pub(crate) fn last_checkin_text(&self) -> Result<Option<String>> {
        Ok(self.store.last_checkin()?.map(|(stt, at)| format!("cử tri số {stt} lúc {}", at.get(11..19).unwrap_or(""))))
    }

    /// Restores `backup` (a file, or a folder: its newest backup) as this
    /// window's own data file and opens it again: the desktop app on a
    /// spare laptop after a power cut or a broken laptop. `self` (and its
    /// lock on the file) is given up first; whatever happens, the app that
    /// comes back is open on the data file (the restored one, or the one
    /// that was there when the restore was refused).
    pub fn restore_and_reopen(self, backup: &Path) -> (Result<App>, Result<RestoreDto>) {
        let target = self.db_path.clone();
        let exclusive = self._lock.is_some();
        let clock = self.clock;
        drop(self);
        let outcome = App::restore_backup_at(backup, &target, clock);
        let reopened = if exclusive { App::open_exclusive(&target) } else { App::open(&target) };
        let reopened = reopened.map(|mut app| {
            app.set_clock(clock);
            app
        });
        let dto = match (outcome, &reopened) {
            (Ok((from, aside)), Ok(app)) => app.restore_dto(&from, aside.as_deref()),
            (Ok(_), Err(e)) => Err(Error::Internal(format!("đã khôi phục nhưng không mở lại được tệp dữ liệu: {e}"))),
            (Err(e), _) => Err(e),
        };
        (reopened, dto)
    }

    /// What a restore brought back: where from, and where the backup stops
    /// (the paper list takes over after that).
    pub fn restore_dto(&self, from: &Path, aside: Option<&Path>) -> Result<RestoreDto> {
        let last = self.last_checkin_text()?;
        let backed_up = self.store.backup_runs()?.last().map(|r| r.at.clone());
        let held = if self.store.desk_clock()?.is_some_and(|c| c.held_since.is_some()) {
            " Máy này thuộc nhóm nhiều bàn: chưa phát phiếu được cho đến khi lấy lại các sự kiện của chính nó (bàn phát phiếu: từ máy chính; máy chính: từ mọi bàn) — bật đồng bộ ở màn hình Nhiều bàn, hoặc \"tobaucu desk merge\" tệp sự kiện."
        } else {
            ""
        };
        Ok(RestoreDto {
            restored_from: from.display().to_string(),
            db_path: self.db_path.display().to_string(),
            previous_kept_as: aside.map(|p| p.display().to_string()),
            last_checkin: last.clone(),
            message: format!(
                "Đã khôi phục {}{}. Bản này dừng ở {}: các cử tri nhận phiếu sau đó (đánh dấu trên danh sách giấy) hãy nhập bổ sung bằng \"Nhập bổ sung sau mất điện\" (tobaucu checkin --bulk TỆP --from GIỜ --to GIỜ).",
                from.display(),
                backed_up.map(|b| format!(" (sao lưu lúc {})", clock::vi_time(&b))).unwrap_or_default(),
                last.unwrap_or_else(|| "lúc chưa cử tri nào nhận phiếu".into())
            ) + held,
        })
    }

    /// The outages entered so far (the turnout screen lists them).
    pub fn outages(&self) -> Result<Vec<tobaucu_store::OutageRow>> {
        Ok(self.store.outages()?)
    }

    /// Reads a bulk-entry file (bounded) and enters it.
    pub fn bulk_checkin_file(&mut self, path: &Path, from: &str, to: &str) -> Result<BulkCheckinDto> {
        let bytes = crate::fsio::read_regular(path, MAX_BULK_BYTES)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = String::from_utf8(bytes).map_err(|_| Error::refused(ErrorCode::BulkInvalid, format!("{name}: tệp không phải văn bản UTF-8 (chỉ gồm các số thẻ cử tri)")))?;
        self.bulk_checkin(&name, &text, from, to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_one_per_line_or_separated_and_every_bad_token_named() {
        let ok = parse_numbers("giay.txt", "12\n13, 14;15  16\n# ghi chú\n\n17 # cuối").unwrap_or_default();
        assert_eq!(ok.iter().map(|x| x.0).collect::<Vec<_>>(), vec![12, 13, 14, 15, 16, 17]);
        match parse_numbers("giay.txt", "12\n1a, 0\n12") {
            Err(Error::Refused { problems, .. }) => {
                assert_eq!(problems.len(), 3, "{problems:?}");
                assert!(problems[0].contains("dòng 2") && problems[0].contains("\"1a\""));
                assert!(problems[2].contains("dòng 3: số 12 đã có ở dòng 1"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse_numbers("x", " \n# \n"), Err(Error::Refused { code: ErrorCode::BulkEmpty, .. })));
        assert!(hhmm("--from", "9:05").is_err());
        assert_eq!(hhmm("--to", "10:05").ok().as_deref(), Some("10:05"));
        assert!(hhmm("--to", "24:00").is_err());
    }
}
