//! `keys`, `export`, `import`, `verify`, `results`, `demo`: signed result
//! bundles from team to board and upward (`interfaces.md` §1).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use tobaucu_app::ErrorCode;

use clap::Subcommand;
use tobaucu_app::Error;

use crate::{open, print_json};

#[derive(Subcommand)]
pub enum KeysCmd {
    /// Tạo khóa ký của đơn vị (cần cụm mật khẩu của Tổ trưởng)
    Init,
    /// Xem khóa công khai và dấu vân tay
    Show,
    /// (Ở xã) đăng ký khóa của đơn vị cấp dưới: tệp đăng ký khóa hoặc dấu vân tay
    Register {
        /// Tệp khoa-….json hoặc dấu vân tay "XXXX XXXX XXXX XXXX XXXX"
        key: String,
        #[arg(long)]
        unit: String,
    },
    /// Danh sách khóa đã đăng ký của các đơn vị cấp dưới
    List,
}

/// The Tổ trưởng's passphrase: `TOBAUCU_PASSPHRASE`, or typed on the
/// terminal without echo; with neither, refused.
pub fn passphrase(prompt: &str, confirm: bool) -> Result<String, Error> {
    if let Ok(p) = std::env::var("TOBAUCU_PASSPHRASE") {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::refused(ErrorCode::PassphraseRequired, "cần cụm mật khẩu của Tổ trưởng: đặt biến môi trường TOBAUCU_PASSPHRASE hoặc chạy lệnh ở cửa sổ dòng lệnh để nhập"));
    }
    let p = rpassword::prompt_password(prompt).map_err(|e| Error::refused(ErrorCode::PassphraseRequired, format!("không đọc được cụm mật khẩu: {e}")))?;
    if confirm {
        let again = rpassword::prompt_password("Nhập lại cụm mật khẩu: ").map_err(|e| Error::refused(ErrorCode::PassphraseRequired, format!("không đọc được cụm mật khẩu: {e}")))?;
        if again != p {
            return Err(Error::refused(ErrorCode::PassphraseMismatch, "hai lần nhập cụm mật khẩu không giống nhau; chưa tạo khóa"));
        }
    }
    Ok(p)
}

/// The passphrase when the unit has a key (finalize, reopen).
pub fn passphrase_if_key(app: &tobaucu_app::App, purpose: &str) -> Result<Option<String>, Error> {
    if app.has_key()? {
        let p = passphrase(&format!("Cụm mật khẩu của Tổ trưởng để {purpose}: "), false)?;
        announce_wait(app);
        return Ok(Some(p));
    }
    Ok(None)
}

/// Says (stderr) that the attempt will first wait, after repeated wrong
/// passphrases (issue 11 §8: the app waits, it does not refuse).
pub fn announce_wait(app: &tobaucu_app::App) {
    if let Ok(n) = app.passphrase_wait() {
        if n > 0 {
            eprintln!("Đang chờ {n} giây vì đã nhập sai nhiều lần…");
        }
    }
}

pub fn keys(db: &Option<PathBuf>, c: KeysCmd, json_mode: bool) -> Result<(), Error> {
    let mut app = open(db)?;
    match c {
        KeysCmd::Init => {
            // Refuse before asking for a passphrase when a key exists.
            if app.has_key()? {
                let k = app.keys_show()?;
                return Err(Error::refused(ErrorCode::KeyExists, format!("đơn vị {} đã có khóa ký (dấu vân tay {}); không tạo khóa thứ hai", k.unit_id, k.fingerprint)));
            }
            let p = passphrase("Cụm mật khẩu mới của Tổ trưởng (ít nhất 12 ký tự; nên là bốn, năm từ ngẫu nhiên không liên quan đến bầu cử): ", true)?;
            let k = app.keys_init(&p)?;
            if json_mode {
                return print_json(&k);
            }
            println!("Đã tạo khóa ký cho {}.", k.unit_id);
            println!("Dấu vân tay: {}", k.fingerprint);
            if let Some(f) = &k.registration_file {
                println!("Tệp đăng ký khóa (mang đến Ủy ban bầu cử xã trước ngày bầu cử): {f}");
            }
            println!("In phiếu đăng ký: tobaucu forms key-registration --out phieu-dang-ky-khoa.pdf");
            Ok(())
        }
        KeysCmd::Show => {
            let k = app.keys_show()?;
            if json_mode {
                return print_json(&serde_json::json!({"public_key": k.public_key, "fingerprint": k.fingerprint}));
            }
            println!("Đơn vị: {}", k.unit_id);
            println!("Khóa công khai: {}", k.public_key);
            println!("Dấu vân tay: {}", k.fingerprint);
            Ok(())
        }
        KeysCmd::Register { key, unit } => {
            let r = app.keys_register(&key, &unit)?;
            if json_mode {
                return print_json(&r);
            }
            println!(
                "Đã đăng ký khóa của {}: dấu vân tay {} ({}).",
                r.unit_id,
                r.fingerprint,
                if r.how == "file" { "từ tệp đăng ký" } else { "chỉ dấu vân tay; khóa sẽ được so khi nhập gói đầu tiên" }
            );
            Ok(())
        }
        KeysCmd::List => {
            let r = app.registered_keys()?;
            if json_mode {
                return print_json(&r);
            }
            for k in r {
                println!("{}\t{}\t{}\t{}", k.unit_id, k.fingerprint, k.how, k.registered_at);
            }
            Ok(())
        }
    }
}

pub fn export(db: &Option<PathBuf>, out: &Path, json_mode: bool) -> Result<(), Error> {
    let mut app = open(db)?;
    if !out.is_dir() {
        return Err(Error::refused(ErrorCode::NoTarget, format!("{}: không có thư mục này (USB đã cắm chưa?)", out.display())));
    }
    let p = passphrase("Cụm mật khẩu của Tổ trưởng để ký gói kết quả: ", false)?;
    announce_wait(&app);
    let r = app.export_bundle(out, Some(&p))?;
    if json_mode {
        return print_json(&r);
    }
    println!("Đã ghi gói số {} ({} byte{}), đọc lại và kiểm tra: hợp lệ.", r.sequence, r.size, if r.test_mode { ", CHẾ ĐỘ THỬ NGHIỆM" } else { "" });
    println!("Mã gói (in trên biên bản): {}", r.short_code);
    println!("{}", r.path);
    Ok(())
}

pub fn import(db: &Option<PathBuf>, bundles: &[PathBuf], accept: Option<&str>, json_mode: bool) -> Result<(), Error> {
    let mut app = open(db)?;
    let results = app.import_bundles(bundles, accept)?;
    let mut refused = 0;
    for r in &results {
        if r.outcome == "refused" {
            refused += 1;
        }
        if !json_mode {
            println!("{}", r.message);
            if r.outcome == "refused" {
                for c in r.report.checks.iter().filter(|c| !c.ok) {
                    println!("  ✗ {}: {}", c.name, c.detail);
                }
            }
        }
    }
    if json_mode {
        print_json(&results)?;
    }
    if refused > 0 {
        return Err(Error::Refused {
            code: if json_mode { ErrorCode::Reported } else { ErrorCode::BundleRefused },
            message: format!("{refused}/{} gói bị từ chối; các gói khác đã được xử lý", bundles.len()),
            problems: vec![],
        });
    }
    Ok(())
}

pub fn verify(db: &Option<PathBuf>, bundle: &Path, json_mode: bool) -> Result<(), Error> {
    let app = open(db)?;
    let r = app.verify_bundle(bundle)?;
    if json_mode {
        print_json(&serde_json::json!({"ok": r.ok, "checks": r.checks, "bundle": r.bundle}))?;
    } else {
        if let Some(b) = &r.bundle {
            println!("Gói số {} của {} ({}), mã {}, tạo lúc {}", b.sequence, b.unit_id, b.unit_kind, b.short_code, b.created_at);
        }
        for c in &r.checks {
            println!("{} {:<14} {}", if c.ok { "✓" } else { "✗" }, c.name, c.detail);
        }
    }
    if !r.ok {
        return Err(Error::Refused {
            code: if json_mode { ErrorCode::Reported } else { ErrorCode::VerifyFailed },
            message: format!("{}: gói không hợp lệ", bundle.display()),
            problems: r.checks.iter().filter(|c| !c.ok).map(|c| format!("{}: {}", c.name, c.detail)).collect(),
        });
    }
    Ok(())
}

pub fn results(db: &Option<PathBuf>, a: crate::ResultsArgs, json_mode: bool) -> Result<(), Error> {
    let mut app = open(db)?;
    if let Some(crate::ResultsCmd::Accept { constituency, code, reason, round }) = a.sub {
        let r = app.accept_board_warning(&constituency, &code, &reason, round)?;
        if json_mode {
            return print_json(&r);
        }
        println!("Ban bầu cử đã chấp nhận cảnh báo {code} của đơn vị bầu cử {constituency} (vòng {round}). Lý do: {reason}");
        return Ok(());
    }
    let exporting = a.xlsx.is_some() || a.csv.is_some() || a.nist.is_some();
    if exporting {
        let files = app.export_results(a.xlsx.as_deref(), a.csv.as_deref(), a.nist.as_deref())?;
        for f in &files {
            // stderr: with --json, stdout stays one JSON document.
            eprintln!("Đã ghi {} ({} byte): {}", f.format, f.bytes, f.path);
        }
        if !json_mode {
            return Ok(());
        }
        if app.status()?.unit_kind == Some(tobaucu_ipc::UnitKind::Area) {
            // A team's own figures, per level.
            let levels: Vec<String> = app.status()?.levels.iter().map(|l| l.code.0.clone()).collect();
            let mut out = serde_json::Map::new();
            for l in levels {
                out.insert(l.clone(), serde_json::to_value(app.summary(&l)?).map_err(|e| Error::Internal(e.to_string()))?);
            }
            return print_json(&serde_json::json!({"levels": out, "files": files}));
        }
    }
    let r = app.results()?;
    if json_mode {
        return print_json(&r);
    }
    for (id, c) in &r.constituencies {
        println!("{id} — {} ({}; {} đại biểu): {}/{} khu vực", c.name, c.level_name, c.seats, c.areas_reported, c.areas_expected);
        println!("  cử tri {} · đi bầu {} ({}%) · hợp lệ {} · không hợp lệ {}", c.voters_listed, c.voters_voted, c.turnout_percent, c.ballots_valid, c.ballots_invalid);
        for x in &c.candidates {
            println!("  {} {:<32} {:>8} {:>7}%", if x.elected { "★" } else { " " }, x.name, x.votes, x.percent_vi);
        }
        if c.complete {
            if c.revote_due {
                println!("  → Bầu cử lại: số cử tri đi bầu không quá một nửa.");
            } else if c.additional_vote_due {
                println!("  → Bầu cử thêm: mới trúng cử {}/{}.", c.elected.len(), c.seats);
            } else {
                println!("  → Trúng cử: {}", c.elected.join(", "));
            }
        }
        for k in &c.checks {
            match &k.accepted_reason {
                Some(why) => println!("  [{}] {} — Ban bầu cử đã chấp nhận: {why}", k.code, k.message),
                None => println!("  [{}] {}", k.code, k.message),
            }
        }
    }
    Ok(())
}

pub fn paper(db: &Option<PathBuf>, c: crate::PaperCmd, json_mode: bool) -> Result<(), Error> {
    let mut app = open(db)?;
    let r = match c {
        crate::PaperCmd::Check { area, level, code, listed, voted, issued, received, valid, invalid, votes, by } => {
            let votes: Vec<u32> = votes
                .split([',', ' '])
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(|x| x.parse::<u32>().map_err(|_| Error::refused(ErrorCode::Usage, format!("--votes: \"{x}\" không phải số"))))
                .collect::<Result<_, _>>()?;
            app.paper_check(&tobaucu_ipc::PaperCheckInput {
                area: area.into(),
                level: level.into(),
                code,
                entered_by: by,
                voters_listed: listed,
                voters_voted: voted,
                ballots_issued: issued,
                ballots_received: received,
                ballots_valid: valid,
                ballots_invalid: invalid,
                votes,
            })?
        }
        crate::PaperCmd::Resolve { area, level, reason } => app.paper_resolve(&area, &level, &reason)?,
        crate::PaperCmd::Status { area, level } => app.paper_status(&area, &level)?,
    };
    if json_mode {
        return print_json(&r);
    }
    println!("{}", r.message);
    for d in &r.differences {
        println!("  {} [{}]: tệp = {}, giấy = {}", d.label, d.field, d.first, d.second);
    }
    Ok(())
}

pub fn demo(out: &Path, json_mode: bool) -> Result<(), Error> {
    let pass = std::env::var("TOBAUCU_PASSPHRASE").unwrap_or_else(|_| tobaucu_app::DEMO_PASSPHRASE.to_owned());
    let r = tobaucu_app::demo::run(out, &pass, &mut |m| {
        if !json_mode {
            println!("{m}");
        }
    })?;
    if json_mode {
        return print_json(&r);
    }
    println!("Xong. Mọi tệp nằm trong {}", out.display());
    Ok(())
}
