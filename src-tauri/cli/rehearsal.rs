//! `official`, `drill`, `voters check`, `checkin --bulk`: rehearsal and
//! election-day continuity (issue 16; `interfaces.md`, "Rehearsal and
//! continuity").

use std::path::{Path, PathBuf};

use clap::Subcommand;
use tobaucu_app::{App, Error};

use crate::{open, print_json};

#[derive(Subcommand)]
pub enum DrillCmd {
    /// Diễn tập bàn phát phiếu: N cử tri giả lần lượt nhận phiếu (có hoàn tác, có lần bàn phải từ chối) với nhịp như thật
    Checkin {
        /// Số cử tri diễn tập
        #[arg(long)]
        voters: u32,
        /// Số giây trung bình cho mỗi cử tri (0: chạy ngay; mặc định 6)
        #[arg(long, default_value_t = 6.0)]
        seconds_per_voter: f64,
        /// Hạt giống ngẫu nhiên (để lặp lại đúng một buổi diễn tập)
        #[arg(long)]
        seed: Option<u64>,
    },
}

/// `official`.
pub fn official(db: &Option<PathBuf>, json_mode: bool) -> Result<(), Error> {
    let mut app = open(db)?;
    if !app.is_rehearsal() {
        // Refused with its reason before asking for anything.
        app.switch_to_official(None)?;
    }
    let pass = crate::bundle::passphrase("Cụm mật khẩu của Tổ trưởng để chuyển sang chính thức (xóa mọi dữ liệu diễn tập, không hoàn tác được): ", false)?;
    crate::bundle::announce_wait(&app);
    let r = app.switch_to_official(Some(&pass))?;
    if json_mode {
        return print_json(&r);
    }
    println!("{}", r.message);
    if !r.removed.is_empty() {
        println!("Đã xóa (dữ liệu diễn tập):");
        for t in &r.removed {
            println!("  {:>7}  {}", t.rows, t.label);
        }
    }
    println!("Giữ nguyên:");
    for t in &r.kept {
        println!("  {:>7}  {}", t.rows, t.label);
    }
    Ok(())
}

/// `drill checkin`.
pub fn drill(db: &Option<PathBuf>, d: DrillCmd, json_mode: bool) -> Result<(), Error> {
    let mut app = open(db)?;
    match d {
        DrillCmd::Checkin { voters, seconds_per_voter, seed } => {
            let r = app.drill_checkin(voters, seconds_per_voter, seed, &mut |m| {
                if !json_mode {
                    println!("{m}");
                }
            })?;
            if json_mode {
                return print_json(&r);
            }
            println!("{}", r.message);
            for (l, t) in &r.turnout.levels {
                println!("  {l}: {}/{} cử tri đã nhận phiếu ({}%)", t.voters_voted, t.voters_listed, t.percent);
            }
            Ok(())
        }
    }
}

/// `voters check [FILE…]`: exit 0 even when problems are found.
pub fn voters_check(app: &App, files: &[PathBuf], json_mode: bool) -> Result<(), Error> {
    let r = app.voters_check_files(files)?;
    if json_mode {
        return print_json(&r);
    }
    for l in &r.lists {
        println!("Danh sách: {} — {} cử tri", l.source, l.voters);
    }
    for p in &r.problems {
        println!("  - {}", p.message);
    }
    println!("{}", r.message);
    Ok(())
}

/// `checkin --bulk FILE --from HH:MM --to HH:MM`.
pub fn bulk(db: &Option<PathBuf>, file: &Path, from: &str, to: &str, json_mode: bool) -> Result<(), Error> {
    let mut app = open(db)?;
    if let Some(why) = app.backup_requirement()? {
        eprintln!("Cảnh báo: {why}");
    }
    let r = app.bulk_checkin_file(file, from, to)?;
    if json_mode {
        return print_json(&r);
    }
    println!("{}", r.message);
    Ok(())
}
