//! `desk package|join|serve|export|merge|status|anomalies`: several
//! check-in desks of one Tổ on one voter list (issue 14; `interfaces.md`,
//! "Several desks"). Thin: every rule is in `tobaucu_app::desk`.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;
use tobaucu_app::desk::service::{Note, Options, Service};
use tobaucu_app::{Error, ErrorCode};

use crate::{open, print_json};

#[derive(Subcommand)]
pub enum DeskCmd {
    /// Máy chính: làm gói cho một máy bàn mới (danh sách cử tri, chứng nhận và khóa của bàn) vào thư mục DIR (USB)
    Package {
        #[arg(long)]
        out: PathBuf,
        /// Tên bàn (ví dụ "Bàn 2 — thôn Đông")
        #[arg(long)]
        name: Option<String>,
    },
    /// Máy bàn (tệp dữ liệu mới): nhận gói bàn từ USB, hoặc ghép nối qua mạng nội bộ bằng mã trên màn hình máy chính
    Join {
        /// Gói bàn (.tbban) do máy chính làm
        package: Option<PathBuf>,
        /// Địa chỉ máy chính trong mạng nội bộ (ví dụ 192.168.1.10:47153)
        #[arg(long)]
        host: Option<String>,
        /// Mã ghép nối 8 chữ số đang hiện trên máy chính
        #[arg(long)]
        code: Option<String>,
        /// Tên bàn (ghép nối qua mạng)
        #[arg(long)]
        name: Option<String>,
        /// Địa chỉ máy bàn này nghe khi bật đồng bộ (mặc định: cổng 47153 trên mọi địa chỉ mạng nội bộ)
        #[arg(long)]
        listen: Option<String>,
        /// Địa chỉ các bàn để gọi tới, cách nhau bởi dấu phẩy
        #[arg(long)]
        peers: Option<String>,
    },
    /// Đồng bộ với các bàn khác qua mạng nội bộ; chạy đến khi dừng (Ctrl+C)
    Serve {
        /// Địa chỉ nghe (mặc định: cổng 47153 trên mọi địa chỉ mạng nội bộ của máy)
        #[arg(long)]
        listen: Option<String>,
        /// Địa chỉ các bàn để gọi tới, cách nhau bởi dấu phẩy (ngoài các bàn tự tìm thấy)
        #[arg(long)]
        peers: Option<String>,
        /// Máy chính: tạo mã ghép nối mới (hiệu lực ít phút) cho một máy bàn ghép qua mạng
        #[arg(long)]
        pair: bool,
    },
    /// Ghi mọi sự kiện bàn mà máy này có vào một tệp (đường USB)
    Export {
        #[arg(long)]
        out: PathBuf,
    },
    /// Hợp nhất tệp sự kiện của các bàn khác (đường USB)
    Merge {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Các bàn của nhóm, lần cuối thấy, máy bị từ chối, cử tri nhận phiếu hai lần
    Status {
        /// Tổ trưởng cho máy đang bị giữ (chạy trên bản sao lưu, thiếu sự kiện của chính nó) phát phiếu lại mà không chờ lấy lại sự kiện; cần --reason
        #[arg(long)]
        release_hold: bool,
        /// Lý do (bắt buộc với --release-hold)
        #[arg(long)]
        reason: Option<String>,
    },
    /// Cử tri nhận phiếu hai lần ở hai bàn; máy chính xử lý với lý do
    Anomalies {
        /// Xử lý lượt của cử tri số STT
        #[arg(long)]
        resolve: Option<u32>,
        /// Cấp (khi cử tri có lượt hai lần ở nhiều cấp)
        #[arg(long)]
        level: Option<String>,
        /// Lượt được giữ ("bàn:số", ví dụ 2:17, hoặc số bàn); bỏ trống: giữ mọi lượt như đã ghi
        #[arg(long)]
        keep: Option<String>,
        /// Lý do xử lý
        #[arg(long)]
        reason: Option<String>,
    },
}

/// Runs one `desk` verb.
pub fn run(db: &Option<PathBuf>, c: DeskCmd, json_mode: bool) -> Result<(), Error> {
    match c {
        DeskCmd::Package { out, name } => {
            let mut app = open(db)?;
            let name = name.unwrap_or_default();
            let r = app.desk_package(&out, &name)?;
            if json_mode {
                return print_json(&r);
            }
            println!("{}", r.message);
            Ok(())
        }
        DeskCmd::Join { package, host, code, name, listen, peers } => {
            let mut app = open(db)?;
            let r = match (package, host, code) {
                (Some(p), None, None) => app.desk_join_file(&p)?,
                (None, Some(h), Some(c)) => app.desk_join_network(&h, &c, name.as_deref().unwrap_or(""))?,
                _ => return Err(Error::refused(ErrorCode::Usage, "cần một gói bàn (tobaucu desk join GOI.tbban) hoặc --host ĐỊA_CHỈ --code MÃ")),
            };
            // Where the window's sync listens and whom it calls (the same
            // settings as the Nhiều bàn screen).
            if listen.is_some() || peers.is_some() {
                app.desk_configure(true, listen.as_deref().unwrap_or(""), peers.as_deref().unwrap_or(""))?;
            }
            if json_mode {
                return print_json(&r);
            }
            println!("{}", r.message);
            Ok(())
        }
        DeskCmd::Serve { listen, peers, pair } => serve(db, listen, peers, pair, json_mode),
        DeskCmd::Export { out } => {
            let mut app = open(db)?;
            let r = app.desk_export(&out)?;
            if json_mode {
                return print_json(&r);
            }
            println!("{}", r.message);
            Ok(())
        }
        DeskCmd::Merge { files } => {
            let mut app = open(db)?;
            let r = app.desk_merge_files(&files)?;
            if json_mode {
                return print_json(&r);
            }
            println!("{}", r.message);
            Ok(())
        }
        DeskCmd::Status { release_hold, reason } => {
            let mut app = open(db)?;
            let s = if release_hold { app.desk_release_hold(reason.as_deref().unwrap_or(""))? } else { app.desk_status()? };
            if json_mode {
                return print_json(&s);
            }
            println!("{}", s.message);
            for d in &s.desks {
                let seen = d.last_seen.as_deref().map(|t| format!(", thấy lần cuối {t}")).unwrap_or_default();
                println!("  Bàn {} — {}: {}{seen}; {} sự kiện, {} cử tri", d.desk, d.name, d.status, d.events, d.voters);
            }
            for r in &s.refusals {
                println!("  Từ chối {} lúc {}: {} ({})", r.addr, r.at, r.detail, r.code);
            }
            if let Some(w) = &s.unmerged_warning {
                println!("Cảnh báo: {w}");
            }
            if let Some(w) = &s.held {
                println!("Cảnh báo: {w}");
            }
            Ok(())
        }
        DeskCmd::Anomalies { resolve: Some(stt), level, keep, reason } => {
            let mut app = open(db)?;
            let a = app.desk_resolve(stt, level.as_deref(), keep.as_deref(), reason.as_deref().unwrap_or(""))?;
            if json_mode {
                return print_json(&a);
            }
            println!("Đã xử lý cử tri số {} — {} (cấp {}): {}", a.stt, a.name, a.level, a.reason.unwrap_or_default());
            Ok(())
        }
        DeskCmd::Anomalies { resolve: None, .. } => {
            let mut app = open(db)?;
            let all = app.desk_anomalies()?;
            if json_mode {
                return print_json(&all);
            }
            if all.is_empty() {
                println!("Không có cử tri nào nhận phiếu hai lần.");
            }
            for a in &all {
                let at: Vec<String> = a.checkins.iter().map(|c| format!("{} ({}) lúc {} [{}]", c.desk_name, c.desk, c.at, c.id)).collect();
                let state = if a.resolved { format!("đã xử lý: {}", a.reason.as_deref().unwrap_or("")) } else { "chờ Tổ trưởng xử lý".into() };
                println!("Cử tri số {} — {} — cấp {}: {}; {state}", a.stt, a.name, a.level, at.join("; "));
            }
            Ok(())
        }
    }
}

/// `desk serve`: the sync service in the foreground; one line per event
/// (one JSON object per line with `--json`).
fn serve(db: &Option<PathBuf>, listen: Option<String>, peers: Option<String>, pair: bool, json_mode: bool) -> Result<(), Error> {
    let path = db.clone().unwrap_or_else(tobaucu_app::default_db_path);
    if pair {
        let mut app = open(db)?;
        let code = app.desk_new_pairing_code()?;
        say(json_mode, serde_json::json!({"event": "pairing_code", "code": code}), &format!("Mã ghép nối: {code} (gõ trên máy bàn: tobaucu desk join --host ĐỊA_CHỈ --code {code})"));
    }
    let service = Service::start(
        &path,
        Options { listen, peers },
        Box::new(move |n: Note| {
            let (v, text) = describe(&n);
            say(json_mode, v, &text);
        }),
    )?;
    service.wait();
    Ok(())
}

fn say(json_mode: bool, v: serde_json::Value, text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = if json_mode { writeln!(out, "{v}") } else { writeln!(out, "{text}") };
    let _ = out.flush();
}

fn describe(n: &Note) -> (serde_json::Value, String) {
    use serde_json::json;
    match n {
        Note::Listening(a) => {
            let a: Vec<String> = a.iter().map(ToString::to_string).collect();
            (json!({"event": "listening", "addrs": a}), format!("Đang nghe các bàn tại {}", a.join(", ")))
        }
        Note::Connected { desk, name, addr } => (json!({"event": "connected", "desk": desk, "name": name, "addr": addr}), format!("Đã nối với bàn {desk} — {name} ({addr})")),
        Note::Lost { desk, name } => (json!({"event": "lost", "desk": desk, "name": name}), format!("Mất liên lạc với bàn {desk} — {name}")),
        Note::Merged { desk, added, anomalies } => (
            json!({"event": "merged", "desk": desk, "added": added, "anomalies": anomalies}),
            format!("Nhận {added} sự kiện từ bàn {desk}{}", if *anomalies > 0 { format!("; {anomalies} cử tri nhận phiếu hai lần") } else { String::new() }),
        ),
        Note::Refused { addr, code, detail } => (json!({"event": "refused", "addr": addr, "code": code, "detail": detail}), format!("Từ chối {addr}: {detail}")),
        Note::Paired { desk, name } => (json!({"event": "paired", "desk": desk, "name": name}), format!("Đã ghép nối bàn {desk} — {name}")),
        Note::Problem(m) => (json!({"event": "problem", "message": m}), format!("Sự cố: {m}")),
    }
}
