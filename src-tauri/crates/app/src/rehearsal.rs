//! Diễn tập — rehearsal in the real database (issue 16): a unit set up in
//! rehearsal works with its real voter list, team and key; every screen and
//! printed page says so, its bundles are rehearsal bundles (manifest mode
//! "test"), and the Tổ trưởng's one guarded switch to official removes what
//! the rehearsal made and keeps the rest. Also: the zero report printed
//! before the box is opened, and the check-in drill.
//!
//! A board refuses bundles of the other mode (an official board rehearsal
//! ones, a rehearsal board official ones). The switch asks for the
//! passphrase, runs as one transaction and is logged as `official`; a board
//! reads a team's log from after it. Every form's data carries `watermark`
//! in rehearsal (`forms.rs`).

use crate::ErrorCode;
use serde_json::{json, Value};
use tobaucu_ipc::{DrillReportDto, OfficialSwitchDto, TableCountDto};
use tobaucu_store::{CountRead, PaperRead, Read, RehearsalRead};

use crate::{clock, convert::audit_entry, App, Error, Result};

/// Printed on every page of a rehearsal database's forms.
pub const REHEARSAL_MARK: &str = "DIỄN TẬP — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ";

/// What a table's rows are, in the words of the people at the desk.
pub(crate) fn table_label(table: &str) -> &'static str {
    match table {
        "checkin" => "lượt nhận phiếu (theo cấp, kể cả lượt đã hoàn tác)",
        "turnout_snapshot" => "lần chốt số cử tri đi bầu",
        "turnout_snapshot_level" => "dòng số liệu theo cấp của các lần chốt",
        "outage" => "lần nhập bổ sung sau mất điện",
        "inventory" => "biên bản kiểm kê phiếu",
        "ballot" => "phiếu đã kiểm",
        "ballot_batch" => "lượt nhập phiếu",
        "tally_entry" => "lần nhập bảng kiểm phiếu",
        "complaint" => "khiếu nại, tố cáo",
        "check_acceptance" => "cảnh báo đã chấp nhận",
        "minutes_reopen" => "lần mở sửa biên bản",
        "minutes_revision" => "biên bản đã khóa",
        "team_member" => "thành viên Tổ bầu cử",
        "voting_time" => "giờ bắt đầu, kết thúc bỏ phiếu",
        "opening_witness" => "cử tri chứng kiến mở hòm phiếu",
        "incident" => "sự việc trong ngày",
        "recommendation" => "kiến nghị",
        "recount" => "lần kiểm lại phiếu",
        "error_explanation" => "giải trình lỗi",
        "bundle_export" => "gói kết quả đã xuất",
        "backup_run" => "lần sao lưu",
        "team_round" => "vòng bầu cử đã mở",
        "area_result" => "số liệu khu vực đã nhập",
        "bundle_file" | "bundle_packed" => "bản lưu gói đã nhập",
        "lineage" => "mốc gói của đơn vị cấp dưới",
        "bundle_withdrawal" => "gói đã rút",
        "bundle" => "gói kết quả đã nhập",
        "bundle_refusal" => "gói đã từ chối",
        "board_meeting" => "cuộc họp Ban bầu cử",
        "board_note" => "mục ghi của Ban bầu cử",
        "board_round" => "vòng bầu cử đã công bố",
        "unit" => "đơn vị và định nghĩa cuộc bầu cử",
        "voter" => "cử tri trong danh sách",
        "voter_level" => "cấp bầu của cử tri",
        "board_roster" => "thành viên Ban bầu cử",
        "signing_key" => "khóa ký",
        "registered_key" => "khóa đã đăng ký của cấp dưới",
        "setting" => "cài đặt (nơi sao lưu…)",
        "audit_log" => "mục nhật ký (giữ nguyên, cả phần diễn tập)",
        _ => "dòng",
    }
}

/// The counting witnesses are the part of `team_member` the switch removes.
fn removed_label(table: &str) -> &'static str {
    match table {
        "team_member" => "cử tri chứng kiến kiểm phiếu",
        "voter_level" => "cấp bầu của vòng bầu cử đã mở (theo cử tri)",
        other => table_label(other),
    }
}

/// What must be zero before the ballot box is opened: check-ins, ballots,
/// tally sheets, kiểm kê, minutes, exports (and a board's imports).
pub(crate) const ZERO_TABLES: &[&str] = &["checkin", "outage", "turnout_snapshot", "inventory", "ballot", "tally_entry", "minutes_revision", "bundle_export", "bundle", "area_result"];

fn counts_dto(rows: &[(&'static str, i64)], label: fn(&str) -> &'static str) -> Vec<TableCountDto> {
    rows.iter().filter(|(_, n)| *n > 0).map(|(t, n)| TableCountDto { table: (*t).to_owned(), label: label(t).to_owned(), rows: u64::try_from(*n).unwrap_or(0) }).collect()
}

/// A small generator for the drill (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }
    fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }
}

impl App {
    /// Whether this database rehearses (diễn tập).
    pub fn is_rehearsal(&self) -> bool {
        self.rehearsal
    }

    /// The mode this database's bundles carry and accept: "test" for a
    /// rehearsal or a test election, else "official".
    pub(crate) fn bundle_mode(&self) -> tobaucu_ipc::Mode {
        let test_definition = self.def.as_ref().is_some_and(|d| d.election.mode == tobaucu_core::election::Mode::Test);
        if self.rehearsal || test_definition {
            tobaucu_ipc::Mode::Test
        } else {
            tobaucu_ipc::Mode::Official
        }
    }

    /// Drills write rehearsal data only: refused on an official database.
    fn require_rehearsal(&self, what: &str) -> Result<()> {
        self.unit_id()?;
        if self.rehearsal {
            return Ok(());
        }
        Err(Error::refused(ErrorCode::NotRehearsal, format!("{what} chỉ chạy được trên cơ sở dữ liệu đang ở chế độ diễn tập; cơ sở dữ liệu này là chính thức, không ghi dữ liệu giả vào đây")))
    }

    /// `official`: chuyển từ diễn tập sang chính thức. One action guarded
    /// by the Tổ trưởng's passphrase (the unit's key is needed): in one
    /// transaction every check-in, ballot, tally sheet, kiểm kê, minutes,
    /// complaint, fact of the day, export and backup record made in
    /// rehearsal is removed (a board's imports and results too); the
    /// definition, the voter list and its changes, the team, the key and
    /// the audit log stay. The switch is logged in the same transaction,
    /// cannot be undone, and its record is printed into `ban-in/`.
    pub fn switch_to_official(&mut self, pass: Option<&str>) -> Result<OfficialSwitchDto> {
        let (unit, _) = self.unit_id()?;
        self.refuse_on_desk("chuyển sang chính thức")?;
        if !self.rehearsal {
            let since = self.store.rehearsal()?.and_then(|r| r.official_at);
            return Err(Error::refused(
                ErrorCode::AlreadyOfficial,
                match since {
                    Some(t) => format!("cơ sở dữ liệu của {unit} đã chuyển sang chính thức lúc {}; việc này chỉ làm một lần", clock::vi_time(&t)),
                    None => format!("cơ sở dữ liệu của {unit} được thiết lập chính thức từ đầu, không có gì để chuyển"),
                },
            ));
        }
        self.unlock(pass, "chuyển từ diễn tập sang chính thức")?;
        let now = clock::stamp(self.now());
        let removed = self.store.write(|tx| {
            let removed = tx.switch_to_official(&now)?;
            let counts: serde_json::Map<String, Value> = removed.iter().filter(|(_, n)| *n > 0).map(|(t, n)| ((*t).to_owned(), json!(n))).collect();
            tx.append_audit(&audit_entry(&now, "official", format!("chuyển {unit} sang chính thức"), "", None, Some(json!({"removed": counts}).to_string())))?;
            Ok::<_, Error>(removed)
        })?;
        self.rehearsal = false;
        // The rehearsal's group of desks went with it.
        self.desk = None;
        self.tallies.clear();
        self.index = None;
        self.reload_definition()?;
        let kept = self.store.kept_counts()?;
        let record = self.save_form("official-switch", None, None).ok();
        let total: i64 = removed.iter().map(|(_, n)| n).sum();
        Ok(OfficialSwitchDto {
            switched_at: now.clone(),
            removed: counts_dto(&removed, removed_label),
            kept: counts_dto(&kept, table_label),
            message: format!(
                "Đã chuyển {unit} sang chính thức lúc {}: đã xóa {total} dòng dữ liệu diễn tập; giữ nguyên định nghĩa, danh sách cử tri, thành phần Tổ, khóa ký và nhật ký.{}",
                clock::vi_time(&now),
                match &record {
                    Some(r) => format!(" Biên bản chuyển: {}", r.path),
                    None => " In biên bản chuyển bằng \"tobaucu forms official-switch --out TỆP.pdf\".".to_owned(),
                }
            ),
            record,
        })
    }

    /// Data of the printed record of the switch (`official-switch`).
    pub(crate) fn official_switch_data(&self) -> Result<Value> {
        let r = self.store.rehearsal()?;
        let Some((started, at, removed)) = r.and_then(|r| Some((r.started_at, r.official_at?, r.removed?))) else {
            return Err(Error::refused(ErrorCode::NotSwitched, "cơ sở dữ liệu này chưa chuyển từ diễn tập sang chính thức; không có biên bản chuyển để in"));
        };
        let removed: serde_json::Map<String, Value> = serde_json::from_str(&removed).map_err(|e| Error::Internal(e.to_string()))?;
        let mut m = self.common_data()?;
        let rows: Vec<Value> =
            tobaucu_store::REHEARSAL_TABLES.iter().filter_map(|(t, _)| removed.get(*t).and_then(Value::as_u64).filter(|n| *n > 0).map(|n| json!({"what": removed_label(t), "rows": n}))).collect();
        let total: u64 = removed.values().filter_map(Value::as_u64).sum();
        let kept: Vec<Value> = self.store.kept_counts()?.into_iter().map(|(t, n)| json!({"what": table_label(t), "rows": n})).collect();
        let entry = self.store.audit()?.into_iter().rev().find(|e| e.action == "official");
        let anchor = match &entry {
            Some(e) => {
                use tobaucu_store::BundleRead;
                let hash = self.store.audit_chain()?.into_iter().find(|c| c.entry.id == e.id).map(|c| c.hash).unwrap_or_default();
                format!("mục số {} · {}", e.id, crate::short_hash(&hash))
            }
            None => String::new(),
        };
        m.insert("rehearsal_since".into(), json!(clock::vi_time(&started)));
        m.insert("switched_at".into(), json!(clock::vi_time(&at)));
        m.insert("removed".into(), Value::Array(rows));
        m.insert("removed_total".into(), json!(total));
        m.insert("kept".into(), Value::Array(kept));
        m.insert("audit_anchor".into(), json!(anchor));
        m.insert("fingerprint".into(), json!(self.keys_show().map(|k| k.fingerprint).unwrap_or_default()));
        m.insert("leader".into(), json!(self.store.team()?.into_iter().find(|t| t.role == "leader").map(|t| t.name).unwrap_or_default()));
        m.insert("printed_at".into(), json!(clock::vi_time(&clock::stamp(self.now()))));
        Ok(Value::Object(m))
    }

    /// Data of the zero report (`zero-report`), printed and signed before
    /// the ballot box is opened: every count of the day (all zero, or what
    /// is not), the list's totals per level, each level's candidates in
    /// ballot order (to compare with the printed ballot papers), the key's
    /// fingerprint.
    pub(crate) fn zero_report_data(&self) -> Result<Value> {
        let (unit, kind) = self.unit_id()?;
        if kind.is_board() {
            return Err(Error::refused(ErrorCode::NotATeam, format!("báo cáo số không in ở tổ bầu cử trước khi mở hòm phiếu; {unit} là {kind}")));
        }
        let def = self.def()?;
        let area = def.area(&unit).ok_or_else(|| Error::Internal(format!("khu vực {unit} không có trong định nghĩa")))?;
        let mut m = self.common_data()?;
        let listed = self.store.listed_per_level()?;
        let voted = self.store.voted_per_level()?;
        let mut levels = Vec::new();
        let mut ballots_entered = Vec::new();
        for l in &def.levels {
            let Some(cid) = area.constituencies.get(&l.code) else { continue };
            let Some(c) = def.constituency(cid) else { continue };
            let ballots = self.store.ballots(&l.code)?.iter().filter(|b| !b.undone).count();
            let tally = self.store.tally_entries(&l.code)?.len();
            let minutes = self.store.revisions(&l.code)?.len();
            ballots_entered.push(ballots + tally + minutes);
            let candidates: Vec<Value> = c
                .candidates
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    json!({
                        "position": i + 1,
                        "name": format!("{} {}", if x.gender.as_str() == "Nữ" { "Bà" } else { "Ông" }, x.name),
                        "birth": tobaucu_core::voter::date_vi(x.birth_date),
                    })
                })
                .collect();
            levels.push(json!({
                "code": l.code,
                "name": l.name,
                "constituency": c.name,
                "seats": c.seats,
                "candidate_count": c.candidates.len(),
                "listed": listed.get(&l.code).copied().unwrap_or(0),
                "voted": voted.get(&l.code).copied().unwrap_or(0),
                "ballots": ballots,
                "tally": tally,
                "minutes": minutes,
                "candidates": candidates,
            }));
        }
        let counts = self.store.activity_counts()?;
        let not_zero: Vec<String> = counts.iter().filter(|(t, n)| *n > 0 && ZERO_TABLES.contains(t)).map(|(t, n)| format!("{n} {}", table_label(t))).collect();
        let verdict = if not_zero.is_empty() {
            "ĐẠT: mọi số liệu bằng 0 — chưa cử tri nào nhận phiếu, chưa phiếu nào được kiểm, chưa bảng kiểm phiếu, kiểm kê hay biên bản nào, chưa gói kết quả nào.".to_owned()
        } else {
            format!(
                "KHÔNG ĐẠT — số liệu chưa bằng 0: {}.{}",
                not_zero.join(", "),
                if self.rehearsal {
                    " Cơ sở dữ liệu còn ở chế độ diễn tập: Tổ trưởng chuyển sang chính thức (tobaucu official) trước khi mở hòm phiếu."
                } else {
                    ""
                }
            )
        };
        let total_listed = self.store.voters()?.iter().filter(|v| v.status == "active").count();
        m.insert("levels".into(), Value::Array(levels));
        m.insert("zero".into(), json!(not_zero.is_empty()));
        m.insert("verdict".into(), json!(verdict));
        m.insert("voters_total".into(), json!(total_listed));
        m.insert("checked_in_total".into(), json!(self.store.checked_in_voters()?));
        m.insert("fingerprint".into(), json!(self.keys_show().map(|k| k.fingerprint).unwrap_or_else(|_| "chưa tạo khóa ký".into())));
        m.insert("printed_at".into(), json!(clock::vi_time(&clock::stamp(self.now()))));
        let team = self.store.team()?;
        let name_of = |role: &str| team.iter().find(|t| t.role == role).map(|t| t.name.clone()).unwrap_or_default();
        m.insert("leader".into(), json!(name_of("leader")));
        m.insert("secretary".into(), json!(name_of("secretary")));
        let w = self.store.opening_witnesses()?;
        m.insert("witness1".into(), json!(w.first().map(|p| p.name.clone()).unwrap_or_default()));
        m.insert("witness2".into(), json!(w.get(1).map(|p| p.name.clone()).unwrap_or_default()));
        Ok(Value::Object(m))
    }

    /// `drill checkin --voters N [--seconds-per-voter S]`: plays `voters`
    /// stand-in voters through the desk of this rehearsal database — real
    /// check-ins of voters not yet checked in, in a random order, at about
    /// `seconds_per_voter` each (0: at once), with the slips of a real
    /// morning: about one undo in 25 (then checked in again) and one
    /// refused attempt in 20 (a second check-in of someone already served,
    /// a card number not on the list), which the desk must refuse. Refused
    /// on an official database: a drill writes rehearsal data only.
    pub fn drill_checkin(&mut self, voters: u32, seconds_per_voter: f64, seed: Option<u64>, say: &mut dyn FnMut(&str)) -> Result<DrillReportDto> {
        self.require_rehearsal("Diễn tập phát phiếu")?;
        self.require_area()?;
        if voters == 0 {
            return Err(Error::refused(ErrorCode::FieldInvalid, "--voters: số cử tri diễn tập phải từ 1 trở lên"));
        }
        if !(0.0..=600.0).contains(&seconds_per_voter) {
            return Err(Error::refused(ErrorCode::FieldInvalid, format!("--seconds-per-voter {seconds_per_voter}: chọn từ 0 đến 600 giây")));
        }
        let served: std::collections::HashSet<i64> = self.store.live_checkins()?.into_iter().map(|c| c.voter_id).collect();
        let mut waiting: Vec<u32> = self
            .store
            .voters()?
            .into_iter()
            .filter(|v| v.status == tobaucu_core::voter::VoterStatus::Active.as_str() && !served.contains(&v.id))
            .map(|v| crate::convert::stored_u32("số thứ tự cử tri", v.stt))
            .collect::<Result<_>>()?;
        if waiting.is_empty() {
            return Err(Error::refused(ErrorCode::NoVoters, "không còn cử tri nào chưa nhận phiếu để diễn tập; hãy nhập danh sách cử tri trước"));
        }
        let seed = seed.unwrap_or_else(|| u64::try_from(self.now().timestamp_nanos_opt().unwrap_or(1)).unwrap_or(1)) | 1;
        let mut rng = Rng(seed);
        let n = usize::try_from(voters).unwrap_or(usize::MAX).min(waiting.len());
        let beyond = crate::convert::stored_u32("số thứ tự cử tri lớn nhất", self.store.max_stt()?)?.saturating_add(1);
        let started = std::time::Instant::now();
        let (mut checkins, mut undos, mut refusals) = (0u32, 0u32, 0u32);
        let mut done: Vec<u32> = Vec::new();
        for i in 0..n {
            if seconds_per_voter > 0.0 {
                // 0.5 to 1.5 times the pace: people do not come evenly.
                let f = 0.5 + (rng.next() % 1000) as f64 / 1000.0;
                std::thread::sleep(std::time::Duration::from_secs_f64(seconds_per_voter * f));
            }
            if rng.chance(50) {
                // Someone at the desk tries a number the app must refuse.
                let again = if done.is_empty() { beyond } else { done[rng.below(done.len())] };
                if self.checkin(if rng.chance(500) { beyond } else { again }, None, false).is_err() {
                    refusals += 1;
                }
            }
            let k = rng.below(waiting.len());
            let stt = waiting.swap_remove(k);
            self.checkin(stt, None, rng.chance(30))?;
            checkins += 1;
            if rng.chance(40) {
                self.undo_checkin(stt, None, "Diễn tập: nhầm cử tri, phát lại")?;
                undos += 1;
                self.checkin(stt, None, false)?;
            }
            done.push(stt);
            if n >= 10 && (i + 1) % (n / 10).max(1) == 0 {
                say(&format!("Đã phát phiếu cho {}/{n} cử tri diễn tập", i + 1));
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        let now = clock::stamp(self.now());
        self.store.write(|tx| {
            tx.append_audit(&audit_entry(
                &now,
                "drill.checkin",
                "diễn tập phát phiếu".into(),
                "",
                None,
                Some(json!({"voters": n, "checkins": checkins, "undos": undos, "refusals": refusals, "seconds_per_voter": seconds_per_voter}).to_string()),
            ))?;
            Ok::<_, Error>(())
        })?;
        Ok(DrillReportDto {
            voters: u32::try_from(n).unwrap_or(u32::MAX),
            checkins,
            undos,
            refusals,
            seconds,
            turnout: self.turnout()?,
            message: format!(
                "Diễn tập phát phiếu: {n} cử tri trong {:.0} giây ({:.1} giây mỗi người); {undos} lần hoàn tác, {refusals} lần bàn phát phiếu từ chối đúng (phát hai lần, số thẻ không có)",
                seconds,
                if n > 0 { seconds / n as f64 } else { 0.0 }
            ),
        })
    }
}

#[cfg(test)]
mod tests;
