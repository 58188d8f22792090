//! `team`, `count …`, `complaint …`, `forms`: glue to the counting use cases.

use std::collections::BTreeMap;
use std::path::PathBuf;
use tobaucu_app::ErrorCode;

use tobaucu_app::Error;
use tobaucu_ipc::{AcceptInput, ComplaintInput, ComplaintResolveInput, ComplaintStatus, InventoryInput, LiveTallyDto, MinutesStatus, SummaryDto, TallyDecisionInput, TallySheetInput, TallyThirdInput};

use crate::{open, print_json, read_file_limited, ComplaintCmd, CountCmd, FormsArgs, TallyArgs};

/// A ballots file holds at most 20,000 short lines.
const MAX_BALLOTS_FILE: u64 = 4 * 1024 * 1024;

fn usage(msg: String) -> Error {
    Error::refused(ErrorCode::Usage, msg)
}

/// "1=30,2=58" → {1: 30, 2: 58}; "70,40" → positional.
fn pairs(s: &str, what: &str) -> Result<Vec<(Option<String>, u32)>, Error> {
    let mut out = Vec::new();
    for part in s.split([',', ' ']).map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = match part.split_once('=') {
            Some((k, v)) => (Some(k.trim().to_owned()), v.trim()),
            None => (None, part),
        };
        let n: u32 = v.parse().map_err(|_| usage(format!("{what}: \"{part}\" không phải số")))?;
        out.push((k, n));
    }
    Ok(out)
}

fn tally_input(app: &tobaucu_app::App, a: TallyArgs) -> Result<TallySheetInput, Error> {
    let live = app.summary(&a.level)?;
    let mut groups = vec![0u32; live.seats as usize];
    for (k, n) in pairs(&a.groups, "--groups")? {
        let k: usize = k.and_then(|k| k.parse().ok()).ok_or_else(|| usage("--groups phải có dạng k=số phiếu, ví dụ 1=30,2=58".into()))?;
        if k == 0 || k > groups.len() {
            return Err(usage(format!("--groups: chỉ có nhóm 1 đến {} đại biểu", groups.len())));
        }
        groups[k - 1] = n;
    }
    if a.received.is_none() || a.valid.is_none() || a.invalid.is_none() || a.votes.is_none() {
        return Err(usage("lần nhập 1 hoặc 2 cần đủ --received, --valid, --invalid và --votes".into()));
    }
    let votes_in = pairs(a.votes.as_deref().unwrap_or(""), "--votes")?;
    let mut votes = vec![0u32; live.candidates.len()];
    if votes_in.iter().all(|(k, _)| k.is_none()) {
        votes = votes_in.iter().map(|(_, n)| *n).collect();
    } else {
        for (k, n) in votes_in {
            let k = k.unwrap_or_default();
            let pos = live.candidates.iter().position(|c| c.id == k || c.position.to_string() == k).ok_or_else(|| usage(format!("--votes: không có người ứng cử \"{k}\"")))?;
            votes[pos] = n;
        }
    }
    let mut reasons = BTreeMap::new();
    for (k, n) in pairs(&a.invalid_reasons, "--invalid-reasons")? {
        reasons.insert(k.unwrap_or_default(), n);
    }
    Ok(TallySheetInput {
        level: a.level.into(),
        entry: a.entry.unwrap_or(0),
        entered_by: a.entered_by,
        received: a.received.unwrap_or(0),
        valid: a.valid.unwrap_or(0),
        invalid: a.invalid.unwrap_or(0),
        invalid_by_reason: reasons,
        groups,
        votes,
    })
}

fn print_live(l: &LiveTallyDto) {
    println!("Cấp {}: {} phiếu đã kiểm ({} hợp lệ, {} không hợp lệ)", l.level, l.received, l.valid, l.invalid);
    for (i, g) in l.groups.iter().enumerate() {
        println!("  Phiếu bầu {} đại biểu: {}", i + 1, g);
    }
    for c in &l.candidates {
        println!("  {:>2}. {:<30} {:>6}", c.position, c.name, c.votes);
    }
}

pub fn print_summary(s: &SummaryDto) {
    println!("Biên bản kết quả kiểm phiếu — {} — {} ({} đại biểu) — {}", s.level_name, s.constituency_name, s.seats, if s.status == MinutesStatus::Final { "ĐÃ KHÓA" } else { "bản nháp" });
    println!("  Tổng số cử tri:           {}", s.voters_listed);
    println!("  Cử tri đã tham gia:       {}", s.voters_voted);
    println!("  Số phiếu phát ra:         {}", s.ballots_issued);
    println!("  Số phiếu thu vào:         {}", s.ballots_received);
    println!("  Số phiếu hợp lệ:          {}", s.ballots_valid);
    println!("  Số phiếu không hợp lệ:    {}", s.ballots_invalid);
    for c in &s.candidates {
        println!("  {:>2}. {:<30} {:>6} phiếu  {:>6}%", c.position, c.name, c.votes, c.percent_vi);
    }
    if s.checks.is_empty() {
        println!("Không có lỗi hay cảnh báo.");
    }
    for c in &s.checks {
        let kind = if c.severity == tobaucu_ipc::Severity::Error {
            "LỖI"
        } else if c.accepted {
            "cảnh báo (đã chấp nhận)"
        } else {
            "cảnh báo"
        };
        println!("  [{}] {kind}: {} → {}", c.code, c.message, c.next_step);
    }
    println!("Mã số liệu: {}", tobaucu_app::short_hash(&s.minutes_sha256));
}

pub fn run(db: &Option<PathBuf>, cmd: CountCmd, json_mode: bool) -> Result<(), Error> {
    let mut app = open(db)?;
    match cmd {
        CountCmd::Ballots { level, file, recorder } => {
            let bytes = read_file_limited(&file, MAX_BALLOTS_FILE)?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let r = app.count_ballots_file(&level, &name, &bytes, &recorder)?;
            if json_mode {
                return print_json(&r);
            }
            println!("Đã ghi {} phiếu cấp {} từ {} ({} hợp lệ, {} không hợp lệ); tổng số phiếu đã kiểm: {}.", r.ballots, r.level, r.file, r.valid, r.invalid, r.total_received);
            Ok(())
        }
        CountCmd::Ballot { level, mark } => {
            let r = app.enter_ballot(&level, None, &mark.join(" "))?;
            if json_mode {
                return print_json(&r);
            }
            println!("{}", r.message);
            Ok(())
        }
        CountCmd::Undo { level, reason } => {
            let r = app.undo_ballot(&level, &reason)?;
            if json_mode {
                return print_json(&r);
            }
            println!("{}", r.message);
            Ok(())
        }
        CountCmd::Inventory { level, received, unused, spoiled, issued } => {
            let r = app.record_inventory(&InventoryInput { level: level.into(), received, unused, spoiled, issued })?;
            if json_mode {
                return print_json(&r);
            }
            println!("Kiểm kê cấp {}: nhận {}, phát ra {}, chưa sử dụng {}, gạch hỏng {}.", r.level, r.received, r.issued, r.unused, r.spoiled);
            Ok(())
        }
        CountCmd::Tally(a) if !a.resolve.is_empty() || a.reenter.is_some() => {
            // The Tổ trưởng's decisions on the differing fields only.
            let mut picks = BTreeMap::new();
            for p in &a.resolve {
                let (f, n) = p.split_once('=').ok_or_else(|| usage(format!("--resolve \"{p}\": dùng MỤC=1, MỤC=2 hoặc MỤC=3, ví dụ votes.2=1")))?;
                let n: u32 = n.trim().parse().map_err(|_| usage(format!("--resolve \"{p}\": lần nhập phải là 1, 2 hoặc 3")))?;
                picks.insert(f.trim().to_owned(), n);
            }
            let reenter = a.reenter.clone().unwrap_or_default();
            let input = TallyDecisionInput { level: a.level.clone().into(), reenter_all: a.reenter.as_ref().is_some_and(Vec::is_empty), reenter, picks, decided_by: a.entered_by.clone() };
            let r = app.decide_tally(&input)?;
            if json_mode {
                return print_json(&r);
            }
            println!("{}", r.message);
            for f in &r.fields {
                let state = match f.state.as_str() {
                    "settled" => format!("đã quyết định: {} (lần nhập {})", f.value.unwrap_or(0), f.settled_by.unwrap_or(0)),
                    "awaiting_third" => "chờ người thứ ba nhập lại".to_owned(),
                    "third_disagrees" => format!("lần nhập thứ ba ({}) khác cả hai; Tổ trưởng chọn 1, 2 hoặc 3", f.third.unwrap_or(0)),
                    _ => "chưa quyết định".to_owned(),
                };
                println!("  {} [{}]: lần 1 = {}, lần 2 = {} — {state}", f.label, f.field, f.first, f.second);
            }
            Ok(())
        }
        CountCmd::Tally(a) if a.entry == Some(3) => {
            // The third person sees only the fields to type, never a value.
            if a.field.is_empty() {
                let st = app.tally_status(&a.level)?;
                return Err(Error::Refused {
                    code: ErrorCode::TallyReentry,
                    message: format!("lần nhập thứ ba cấp {}: nhập các mục sau theo bảng kiểm phiếu giấy, mỗi mục một --field MỤC=SỐ", a.level),
                    problems: st.reentry.iter().map(|f| format!("{} — {}", f.field, f.label)).collect(),
                });
            }
            let mut values = BTreeMap::new();
            for p in &a.field {
                let (f, n) = p.split_once('=').ok_or_else(|| usage(format!("--field \"{p}\": dùng MỤC=SỐ, ví dụ votes.2=380")))?;
                let n: u32 = n.trim().parse().map_err(|_| usage(format!("--field \"{p}\": không phải số")))?;
                values.insert(f.trim().to_owned(), n);
            }
            let r = app.enter_tally_third(&TallyThirdInput { level: a.level.clone().into(), entered_by: a.entered_by.clone(), values })?;
            if json_mode {
                return print_json(&serde_json::json!({"level": r.level, "agreed": r.agreed, "reentry": r.reentry}));
            }
            println!("Đã ghi lần nhập thứ ba cấp {}.", r.level);
            println!(
                "{}",
                if r.agreed {
                    "Mọi mục khác nhau đã được quyết định; số liệu được chấp nhận."
                } else {
                    "Còn mục chưa quyết định; Tổ trưởng xem \"count tally --level … --resolve\"."
                }
            );
            Ok(())
        }
        CountCmd::Tally(a) => {
            let input = tally_input(&app, a)?;
            let r = app.enter_tally(&input)?;
            if json_mode {
                return print_json(&r);
            }
            println!("{}", r.message);
            for d in &r.differences {
                println!("  {} [{}]: lần 1 = {}, lần 2 = {}", d.label, d.field, d.first, d.second);
            }
            Ok(())
        }
        CountCmd::Summary { level } => {
            let s = app.summary(&level)?;
            if json_mode {
                return print_json(&s);
            }
            print_summary(&s);
            Ok(())
        }
        CountCmd::Live { level } => {
            let l = app.live_tally(&level)?;
            if json_mode {
                return print_json(&l);
            }
            print_live(&l);
            Ok(())
        }
        CountCmd::Recount { level, note } => {
            let s = app.record_recount(&level, &note)?;
            if json_mode {
                return print_json(&s);
            }
            println!("Đã ghi việc kiểm lại phiếu cấp {level}.");
            print_summary(&s);
            Ok(())
        }
        CountCmd::Accept { level, code, reason } => {
            let s = app.accept_warning(&AcceptInput { level: level.into(), code, reason })?;
            if json_mode {
                return print_json(&s);
            }
            print_summary(&s);
            Ok(())
        }
        CountCmd::Reopen { level, reason } => {
            let pass = crate::bundle::passphrase_if_key(&app, &format!("mở bản sửa đổi biên bản cấp {level}"))?;
            let s = app.reopen(&level, &reason, pass.as_deref())?;
            if json_mode {
                return print_json(&s);
            }
            println!("Đã mở bản sửa đổi biên bản cấp {level}; bản đã khóa vẫn được giữ nguyên.");
            Ok(())
        }
        CountCmd::Status => {
            let o = app.count_overview()?;
            if json_mode {
                return print_json(&o);
            }
            for l in o {
                println!(
                    "{:<6} {:<10} kiểm kê: {:<5} phiếu: {:>5}  lỗi: {}  cảnh báo: {}  ({})",
                    l.code,
                    if l.status == MinutesStatus::Final { "đã khóa" } else { "nháp" },
                    if l.inventory { "có" } else { "chưa" },
                    l.received,
                    l.errors,
                    l.warnings,
                    l.name
                );
            }
            Ok(())
        }
    }
}

pub fn complaint(db: &Option<PathBuf>, cmd: ComplaintCmd, json_mode: bool) -> Result<(), Error> {
    let mut app = open(db)?;
    let one = match cmd {
        ComplaintCmd::Add { content, from, level } => app.add_complaint(&ComplaintInput { level: level.map(Into::into), complainant: from, content })?,
        ComplaintCmd::Settle { id, outcome } => app.resolve_complaint(&ComplaintResolveInput { id, status: ComplaintStatus::Settled, outcome })?,
        ComplaintCmd::Forward { id, opinion } => app.resolve_complaint(&ComplaintResolveInput { id, status: ComplaintStatus::Forwarded, outcome: opinion })?,
        ComplaintCmd::List => {
            let all = app.complaints()?;
            if json_mode {
                return print_json(&all);
            }
            for c in all {
                println!("{}. [{}] {} — {} {}", c.id, c.status_vi, c.complainant, c.content, c.outcome);
            }
            return Ok(());
        }
    };
    if json_mode {
        return print_json(&one);
    }
    println!("Khiếu nại số {}: {} — {}", one.id, one.status_vi, one.content);
    Ok(())
}

pub fn forms(db: &Option<PathBuf>, f: FormsArgs, json_mode: bool) -> Result<(), Error> {
    let app = open(db)?;
    if f.revision.is_some() && f.form != "minutes" {
        return Err(usage("--revision chỉ dùng với biểu mẫu minutes".into()));
    }
    let mut choices = tobaucu_app::PrintChoices::default();
    if let Some(s) = &f.signer {
        if f.form != "voter-list" {
            return Err(usage("--signer chỉ dùng với biểu mẫu voter-list".into()));
        }
        choices.signer = tobaucu_app::ListSigner::parse(s).ok_or_else(|| usage(format!("--signer \"{s}\": chọn chair (CHỦ TỊCH) hoặc vice-chair (KT. CHỦ TỊCH / PHÓ CHỦ TỊCH)")))?;
    }
    let out = app.write_form_with(&f.form, f.level.as_deref(), f.revision, choices, &f.out)?;
    if json_mode {
        return print_json(&out);
    }
    println!("Đã in {} ({} trang, {} byte): {}", out.title, out.pages, out.bytes, out.path);
    for w in &out.warnings {
        eprintln!("Cảnh báo: {w}");
    }
    Ok(())
}
