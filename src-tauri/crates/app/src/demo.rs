//! `tobaucu demo --out DIR`: the whole chain on the embedded demo election
//! (Xã Thiệu Ngọc, 6 areas, 3 levels) — per team: setup, voter list,
//! check-ins, kiểm kê, counted ballots, finalized minutes, signed bundle on
//! a "USB" folder; at the commune: key registration, import, results, the
//! board's minutes and its own bundle; at the province: import of the
//! commune's bundle (re-verifying every team signature inside) and results.
//! Every file it makes stays in DIR. Deterministic: the same figures on
//! every run. The demo is a rehearsal (diễn tập) at every level: its
//! databases say so on every screen and page, and its bundles are
//! rehearsal bundles, which only rehearsal boards accept. Its times are
//! a fixed election day ([`at`]), whatever the laptop's clock says: set up
//! the day before, check-ins from 07:00, counting from 19:30, the commune's
//! results that night and the province's the next morning.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use tobaucu_ipc::{InventoryInput, TeamInput};

use crate::clock::Clock;
use crate::{App, Error, Result, UnitChoice, UnitKind, DEMO_ELECTION, DEMO_VOTERS_CSV};

/// A moment of the demo's election (15/03/2026, ICT): `day` 0 is election
/// day, −1 the day before; `secs` after 00:00.
fn at(day: i64, secs: i64) -> Clock {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 15).and_then(|d| d.and_hms_opt(0, 0, 0)).unwrap_or_default();
    let local = start + chrono::Duration::days(day) + chrono::Duration::seconds(secs);
    Clock::Fixed(local.and_local_timezone(crate::clock::ict()).single().unwrap_or_else(|| local.and_utc().fixed_offset()))
}

/// `h:m` as seconds after midnight.
const fn hm(h: i64, m: i64) -> i64 {
    h * 3600 + m * 60
}

/// The Tổ trưởng's passphrase of every demo unit (when
/// `TOBAUCU_PASSPHRASE` is not set).
/// Random words unrelated to the election (issue 11 §8: the old one,
/// made of the app's words and the year, fell to 83 pattern guesses).
pub const DEMO_PASSPHRASE: &str = "ngựa-vằn-ăn-đậu-phộng-lúc-tám-giờ";

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// True with probability `p` per mille.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }
}

/// The demo voter list of area number `k` (0-based): a different subset of
/// the embedded list for each area, renumbered.
fn voters_csv(k: u64) -> String {
    let mut lines = DEMO_VOTERS_CSV.lines();
    let mut out = String::new();
    if let Some(h) = lines.next() {
        out.push_str(h);
        out.push('\n');
    }
    let mut n = 0;
    for line in lines {
        let Some((stt, rest)) = line.split_once(',') else { continue };
        let Ok(stt) = stt.parse::<u64>() else { continue };
        if k > 0 && (stt * 7 + k).is_multiple_of(6) {
            continue;
        }
        n += 1;
        out.push_str(&format!("{n},{rest}\n"));
    }
    out
}

/// Keep-probabilities (per mille) by candidate position: the first
/// candidates are kept more often. XA-04 leaves seats empty on purpose (an
/// additional vote is due, Art. 79).
fn preferences(constituency: &str, n: usize) -> Vec<u64> {
    let base: &[u64] = match constituency {
        "QH-01" => &[820, 730, 610, 350, 300],
        "TINH-07" => &[790, 700, 640, 420, 280],
        "XA-04" => &[880, 830, 780, 450, 400, 350, 300, 250],
        _ => &[900, 820, 760, 700, 600, 420, 330, 280],
    };
    (0..n).map(|i| base.get(i).copied().unwrap_or(300)).collect()
}

fn ballots_text(rng: &mut Rng, count: u64, seats: usize, prefs: &[u64]) -> String {
    let mut out = String::from("# phiếu của cuộc bầu cử mẫu\n");
    for _ in 0..count {
        if rng.chance(5) {
            out.push_str("INVALID khong_co_dau\n");
            continue;
        }
        let mut kept: Vec<(u64, usize)> = Vec::new();
        for (i, p) in prefs.iter().enumerate() {
            if rng.chance(*p) {
                kept.push((*p, i + 1));
            }
        }
        if kept.len() > seats && !rng.chance(3) {
            kept.sort_by_key(|k| std::cmp::Reverse(k.0));
            kept.truncate(seats);
        }
        if kept.is_empty() {
            out.push_str("-\n");
            continue;
        }
        let mut pos: Vec<usize> = kept.iter().map(|k| k.1).collect();
        pos.sort_unstable();
        out.push_str(&pos.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(" "));
        out.push('\n');
    }
    out
}

fn dir(p: PathBuf) -> Result<PathBuf> {
    std::fs::create_dir_all(&p).map_err(|e| Error::io(&p, &e))?;
    Ok(p)
}

/// One team's election day and counting night; returns its bundle.
fn team(out: &Path, usb: &Path, area: &str, k: u64, pass: &str, say: &mut dyn FnMut(&str)) -> Result<PathBuf> {
    let db = out.join(format!("to-{area}.sqlite"));
    let _ = std::fs::remove_file(&db);
    let mut app = App::open(&db)?;
    let k_min = i64::try_from(k).unwrap_or(0);
    app.set_clock(at(-1, hm(15, 0) + k_min * 600));
    app.setup_mode(DEMO_ELECTION, &UnitChoice::Area(area.to_owned()), true)?;
    app.keys_init(pass)?;
    let csv = voters_csv(k);
    let csv_path = out.join(format!("cu-tri-{area}.csv"));
    crate::write_atomic(&csv_path, csv.as_bytes())?;
    let imported = app.import_voters(&format!("cu-tri-{area}.csv"), csv.as_bytes(), &[], false, &mut |_, _| {})?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (k + 1).wrapping_mul(0x1234_5678_9ABC));
    let voters = app.voters_list(false)?;
    // Before voting: the ballot box checked in front of two voters.
    let person = |v: &tobaucu_ipc::VoterRowDto| tobaucu_ipc::PersonDto { name: v.voter.name.clone(), address: Some(v.voter.residence.clone()).filter(|r| !r.is_empty()) };
    let opening: Vec<tobaucu_ipc::PersonDto> = voters.iter().skip(3).step_by(41).take(2).map(person).collect();
    app.set_clock(at(0, hm(6, 50)));
    app.record_opening(&tobaucu_ipc::OpeningInput { time: "07:00".into(), witnesses: opening })?;
    let mut voted = 0;
    // The queue from 07:00 to about 17:00, the early hours busiest.
    let n = i64::try_from(voters.len()).unwrap_or(1).max(1);
    for (i, v) in voters.iter().enumerate() {
        let i = i64::try_from(i).unwrap_or(0);
        app.set_clock(at(0, hm(7, 0) + (hm(10, 0) * i * i / (n * n) + hm(10, 0) * i / n) / 2 + k_min * 7));
        if rng.chance(975) && app.checkin(v.voter.stt.get(), None, false).is_ok() {
            voted += 1;
        }
    }
    if k == 2 {
        app.add_incident(&tobaucu_ipc::IncidentInput {
            what: "Mất điện khoảng 20 phút tại phòng bỏ phiếu".into(),
            time: Some("10:05".into()),
            handled: Some("Tiếp tục phát phiếu theo danh sách cử tri giấy; nhập bổ sung khi có điện".into()),
        })?;
    }
    app.set_clock(at(0, hm(19, 5)));
    app.record_closing("19:00")?;
    let witnesses: Vec<tobaucu_ipc::PersonDto> = voters.iter().skip(10).step_by(37).take(2).map(person).collect();
    app.set_team(&TeamInput {
        leader: Some(["Nguyễn Văn Hùng", "Lê Thị Mai", "Trần Đức Thắng", "Phạm Thị Hạnh", "Hoàng Văn Long", "Vũ Thị Lan"][usize::try_from(k % 6).unwrap_or(0)].to_owned()),
        secretary: Some(["Đỗ Minh Tuấn", "Bùi Thị Thu", "Ngô Văn Bình", "Đặng Thị Hoa", "Lý Văn Nam", "Trịnh Thị Yến"][usize::try_from(k % 6).unwrap_or(0)].to_owned()),
        members: Some(vec!["Lê Văn Sơn".into(), "Nguyễn Thị Hương".into()]),
        witnesses: Some(witnesses),
    })?;
    // Two complaints of the commune council's level, so that the Ban's
    // minutes of XA-04 have a settled one (item đ) and one forwarded.
    if k == 3 || k == 4 {
        let (content, from, status, outcome) = if k == 4 {
            ("Cử tri đề nghị niêm yết lại danh sách người ứng cử bị rách", "Ông Lê Văn Nam", tobaucu_ipc::ComplaintStatus::Settled, "Tổ bầu cử đã niêm yết lại danh sách mới")
        } else {
            ("Cử tri phản ánh thẻ cử tri ghi sai năm sinh", "Bà Trần Thị Mơ", tobaucu_ipc::ComplaintStatus::Forwarded, "Tổ bầu cử đã cho cử tri bỏ phiếu theo danh sách; chuyển Ban bầu cử xem xét")
        };
        let c = app.add_complaint(&tobaucu_ipc::ComplaintInput { level: Some("XA".into()), complainant: from.into(), content: content.into() })?;
        app.resolve_complaint(&tobaucu_ipc::ComplaintResolveInput { id: c.id, status, outcome: outcome.into() })?;
    }
    let def = app.def()?.clone();
    let a = def.area(area).ok_or_else(|| Error::Internal(format!("thiếu khu vực {area}")))?.clone();
    let mut minute = hm(19, 30);
    for (level, cid) in &a.constituencies {
        let start = minute + k_min * 300;
        app.set_clock(at(0, start));
        minute += hm(0, 40);
        let c = def.constituency(cid).ok_or_else(|| Error::Internal(format!("thiếu {cid}")))?.clone();
        let s = app.summary(level)?;
        let issued = s.voters_voted;
        app.record_inventory(&InventoryInput { level: level.clone().into(), received: issued + 15, unused: 13, spoiled: 2, issued: None })?;
        let text = ballots_text(&mut rng, u64::from(issued), usize::try_from(c.seats).unwrap_or(1), &preferences(cid, c.candidates.len()));
        let name = format!("phieu-{area}-{level}.txt");
        crate::write_atomic(&out.join(&name), text.as_bytes())?;
        app.count_ballots_file(level, &name, text.as_bytes(), "Thư ký")?;
        let s = app.summary(level)?;
        for w in s.checks.iter().filter(|c| c.severity == tobaucu_ipc::Severity::Warning) {
            app.accept_warning(&tobaucu_ipc::AcceptInput { level: level.clone().into(), code: w.code.clone(), reason: "Tổ đã kiểm tra lại, số liệu đúng (bầu cử mẫu)".into() })?;
        }
        app.set_clock(at(0, start + hm(0, 30)));
        app.finalize(level, Some(pass))?;
    }
    app.set_clock(at(0, minute + k_min * 300));
    app.write_form("minutes", None, None, &out.join(format!("bien-ban-{area}.pdf")))?;
    let e = app.export_bundle(usb, Some(pass))?;
    // The printed minutes now carry the bundle's QR code and short code.
    app.write_form("minutes", None, None, &out.join(format!("bien-ban-{area}-co-ma-goi.pdf")))?;
    say(&format!("Tổ {area}: {} cử tri, {voted} đã bầu; biên bản 3 cấp đã khóa; gói {} ({})", imported.imported, e.path, e.short_code));
    Ok(PathBuf::from(e.path))
}

/// Runs the whole demo chain into `out`.
pub fn run(out: &Path, pass: &str, say: &mut dyn FnMut(&str)) -> Result<Value> {
    let out = dir(out.to_path_buf())?;
    crate::write_atomic(&out.join("election.json"), DEMO_ELECTION.as_bytes())?;
    let usb = dir(out.join("usb-to"))?;
    let def = tobaucu_core::election::parse(DEMO_ELECTION).map_err(|d| Error::Internal(format!("{} lỗi", d.len())))?;
    let mut bundles = Vec::new();
    for (k, a) in def.areas.iter().enumerate() {
        bundles.push(team(&out, &usb, &a.id, k as u64, pass, say)?);
    }
    // The commune board.
    let commune_db = out.join("xa-X0412.sqlite");
    let _ = std::fs::remove_file(&commune_db);
    let mut xa = App::open(&commune_db)?;
    xa.set_clock(at(-1, hm(16, 0)));
    xa.setup_mode(DEMO_ELECTION, &UnitChoice::Board(UnitKind::Commune, "X0412".into()), true)?;
    xa.keys_init(pass)?;
    for a in &def.areas {
        xa.keys_register(&out.join("khoa").join(format!("khoa-{}.json", a.id)).display().to_string(), &a.id)?;
    }
    xa.set_clock(at(0, hm(23, 15)));
    let mut imported = Vec::new();
    for b in &bundles {
        let r = xa.import_bundle(b, None)?;
        say(&format!("Xã: {}", r.message));
        imported.push(json!({"file": r.file, "outcome": r.outcome}));
    }
    xa.write_form("board-minutes", None, None, &out.join("xa-bien-ban-xac-dinh-ket-qua.pdf"))?;
    xa.write_form("board-status", None, None, &out.join("xa-tinh-hinh-nhan-goi.pdf"))?;
    let usb_xa = dir(out.join("usb-xa"))?;
    let xe = xa.export_bundle(&usb_xa, Some(pass))?;
    say(&format!("Xã: kết quả đã tổng hợp; gói của xã {} ({})", xe.path, xe.short_code));
    let commune_results = xa.results()?;
    crate::write_atomic(&out.join("ket-qua-xa.json"), serde_json::to_string_pretty(&commune_results).unwrap_or_default().as_bytes())?;
    // The province.
    let province_db = out.join("tinh-T38.sqlite");
    let _ = std::fs::remove_file(&province_db);
    let mut tinh = App::open(&province_db)?;
    tinh.set_clock(at(1, hm(8, 30)));
    tinh.setup_mode(DEMO_ELECTION, &UnitChoice::Board(UnitKind::Province, "T38".into()), true)?;
    tinh.keys_register(&out.join("khoa").join("khoa-X0412.json").display().to_string(), "X0412")?;
    let r = tinh.import_bundle(Path::new(&xe.path), None)?;
    say(&format!("Tỉnh: {}", r.message));
    if r.outcome == "refused" {
        return Err(Error::Internal(format!("tỉnh từ chối gói của xã: {}", r.message)));
    }
    let results = tinh.results()?;
    crate::write_atomic(&out.join("ket-qua-tinh.json"), serde_json::to_string_pretty(&results).unwrap_or_default().as_bytes())?;
    for (id, c) in &results.constituencies {
        if c.complete {
            let names: Vec<&str> = c.candidates.iter().filter(|x| x.elected).map(|x| x.name.as_str()).collect();
            say(&format!("{id}: trúng cử {}{}", names.join(", "), if c.additional_vote_due { " — phải bầu cử thêm" } else { "" }));
        }
    }
    Ok(json!({
        "out": out.display().to_string(),
        "team_bundles": bundles.iter().map(|b| b.display().to_string()).collect::<Vec<_>>(),
        "commune_imports": imported,
        "commune_bundle": xe.path,
        "province_import": r.outcome,
        "results": results,
    }))
}
