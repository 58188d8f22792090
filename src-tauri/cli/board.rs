//! `team --constituency`, `board-note`, `round declare`: what a board
//! records for the Ban bầu cử's minutes of each constituency and the
//! rounds it declares (issue 12 items 5 and 6).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use tobaucu_app::Error;
use tobaucu_ipc::{BoardFactsDto, BoardNoteInput, BoardTeamInput, TeamComplaintDecision};

use crate::{open, print_json};

#[derive(Args)]
pub struct BoardNoteArgs {
    /// Mã đơn vị bầu cử
    #[arg(long)]
    constituency: String,
    /// Vòng bầu cử (1: lần đầu; 2: bầu cử lại/thêm đã công bố); mặc định 1
    #[arg(long)]
    round: Option<u32>,
    /// d) Tóm tắt những việc xảy ra ("" để xóa)
    #[arg(long)]
    events: Option<String>,
    /// e) Khiếu nại, tố cáo Ban bầu cử đã giải quyết và cách giải quyết (ghi nhiều lần; thay danh sách đã ghi)
    #[arg(long = "settled")]
    settled: Vec<String>,
    /// g) Khiếu nại, tố cáo chuyển đến Ủy ban bầu cử (ghi nhiều lần; thay danh sách đã ghi)
    #[arg(long = "forwarded")]
    forwarded: Vec<String>,
    /// Tài liệu kèm theo (ghi nhiều lần; thay danh sách đã ghi)
    #[arg(long = "attached")]
    attached: Vec<String>,
    /// e) Khiếu nại, tố cáo do Tổ bầu cử chuyển đến mà Ban bầu cử đã giải quyết: MÃ=cách giải quyết (mã như "X0412-KV04#1", xem `team --constituency`; "MÃ=" xóa)
    #[arg(long = "ban-settled", value_parser = reference_and_text)]
    ban_settled: Vec<(String, String)>,
    /// g) Khiếu nại, tố cáo do Tổ bầu cử chuyển đến mà Ban bầu cử chuyển tiếp đến Ủy ban bầu cử: MÃ=nơi chuyển, ngày ("MÃ=" xóa)
    #[arg(long = "ban-forwarded", value_parser = reference_and_text)]
    ban_forwarded: Vec<(String, String)>,
}

/// "X0412-KV04#1=text" → (reference, text).
fn reference_and_text(s: &str) -> Result<(String, String), String> {
    s.split_once('=').map(|(r, t)| (r.trim().to_owned(), t.to_owned())).ok_or_else(|| format!("\"{s}\": ghi MÃ=NỘI DUNG, ví dụ X0412-KV04#1=Ban bầu cử đã trả lời bằng văn bản"))
}

#[derive(Subcommand)]
pub enum RoundCmd {
    /// Công bố bầu cử lại (revote) hoặc bầu cử thêm (additional) ở một đơn vị bầu cử khi kết quả lần đầu đòi hỏi
    Declare {
        #[arg(long)]
        constituency: String,
        /// revote (bầu cử lại, Điều 80) hoặc additional (bầu cử thêm, Điều 79)
        #[arg(long)]
        kind: String,
    },
    /// (Ở ban/ủy ban đã công bố) ghi tệp vòng bầu cử cho các Tổ bầu cử của đơn vị bầu cử
    File {
        #[arg(long)]
        constituency: String,
        /// Thư mục đích (USB)
        #[arg(long)]
        out: PathBuf,
    },
    /// (Ở Tổ bầu cử) mở vòng bầu cử lại/thêm từ tệp của Ban bầu cử: một cấp riêng để phát phiếu, kiểm phiếu, lập biên bản
    Open { file: PathBuf },
}

/// `team --constituency ID …` at a board.
#[allow(clippy::too_many_arguments)] // the command's options, as parsed
pub fn team(
    db: &Option<PathBuf>,
    constituency: String,
    round: Option<u32>,
    leader: Option<String>,
    deputies: Vec<String>,
    members: Vec<String>,
    place: Option<String>,
    time: Option<String>,
    date: Option<String>,
    json_mode: bool,
) -> Result<(), Error> {
    let mut app = open(db)?;
    let input = BoardTeamInput {
        constituency: constituency.clone(),
        round,
        leader,
        deputies: (!deputies.is_empty()).then_some(deputies),
        members: (!members.is_empty()).then_some(members),
        place,
        time,
        date,
    };
    let nothing = BoardTeamInput { constituency, round, ..BoardTeamInput::default() };
    let f = if input == nothing { app.board_facts(&input.constituency, round)? } else { app.set_board_team(&input)? };
    if json_mode {
        return print_json(&f);
    }
    print_facts(&f);
    Ok(())
}

pub fn note(db: &Option<PathBuf>, a: BoardNoteArgs, json_mode: bool) -> Result<(), Error> {
    let mut app = open(db)?;
    let some = |v: Vec<String>| (!v.is_empty()).then_some(v);
    let f = app.board_note(&BoardNoteInput {
        constituency: a.constituency,
        round: a.round,
        events: a.events,
        settled: some(a.settled),
        forwarded: some(a.forwarded),
        attached: some(a.attached),
        decisions: a
            .ban_settled
            .into_iter()
            .map(|(reference, text)| TeamComplaintDecision { reference, decision: "settled".into(), text })
            .chain(a.ban_forwarded.into_iter().map(|(reference, text)| TeamComplaintDecision { reference, decision: "forwarded".into(), text }))
            .collect(),
    })?;
    if json_mode {
        return print_json(&f);
    }
    print_facts(&f);
    Ok(())
}

pub fn round(db: &Option<PathBuf>, c: RoundCmd, json_mode: bool) -> Result<(), Error> {
    let mut app = open(db)?;
    match c {
        RoundCmd::Declare { constituency, kind } => {
            let r = app.declare_round(&constituency, &kind)?;
            if json_mode {
                return print_json(&r);
            }
            println!("{}", r.message);
            Ok(())
        }
        RoundCmd::File { constituency, out } => {
            let r = app.write_round_file(&constituency, &out)?;
            if json_mode {
                return print_json(&r);
            }
            println!("{}", r.message);
            Ok(())
        }
        RoundCmd::Open { file } => {
            let r = app.open_round(&file)?;
            if json_mode {
                return print_json(&r);
            }
            println!("{}", r.message);
            Ok(())
        }
    }
}

fn print_facts(f: &BoardFactsDto) {
    let none = "(chưa ghi)";
    println!("Ban bầu cử {} — {} (vòng {})", f.constituency, f.name, f.round);
    println!("Trưởng ban:      {}", f.leader.as_deref().unwrap_or(none));
    for d in &f.deputies {
        println!("Phó Trưởng ban:  {d}");
    }
    for m in &f.members {
        println!("Ủy viên:         {m}");
    }
    match (&f.meeting_time, &f.meeting_date) {
        (Some(t), Some(d)) => println!("Họp lập biên bản: {t} ngày {}", d.split('-').rev().collect::<Vec<_>>().join("/")),
        _ => println!("Họp lập biên bản: {none}"),
    }
    println!("Nơi họp:         {}", f.place.as_deref().unwrap_or(none));
    println!("d) Việc xảy ra:  {}", f.events.as_deref().unwrap_or(none));
    for x in &f.team_events {
        println!("d) Tổ bầu cử ghi: {x}");
    }
    for x in &f.team_settled {
        println!("đ) Tổ bầu cử đã giải quyết: {x}");
    }
    for x in &f.team_forwarded {
        let what = match (x.decision.as_deref(), x.how.as_deref()) {
            (Some("settled"), Some(h)) => format!("e) Ban bầu cử đã giải quyết: {h}"),
            (Some("forwarded"), Some(h)) => format!("g) Ban bầu cử chuyển Ủy ban bầu cử: {h}"),
            _ => "Ban bầu cử chưa ghi cách giải quyết (board-note --ban-settled MÃ=… hoặc --ban-forwarded MÃ=…)".to_owned(),
        };
        println!("   Tổ bầu cử chuyển đến Ban [{}]: {}\n      → {what}", x.reference, x.text);
    }
    for (title, list) in [("e) Ban bầu cử đã giải quyết", &f.settled), ("g) Chuyển đến Ủy ban bầu cử", &f.forwarded), ("Tài liệu kèm theo", &f.attached)] {
        for x in list.iter() {
            println!("{title}: {x}");
        }
    }
}
