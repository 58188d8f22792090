//! `tobaucu`: the command line of Tổ Bầu Cử (`interfaces.md` §1).
//!
//! Glue only: parse arguments, call one `tobaucu_app` function, print its
//! result (Vietnamese text, or one JSON document with `--json`), and map
//! errors to exit codes: 0 success, 1 refused, 2 usage, 3 internal.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tobaucu_app::ErrorCode;

use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use serde_json::json;
use tobaucu_app::{App, Error, UnitChoice};
mod board;
mod bundle;
mod count;
mod desk;
mod rehearsal;

use tobaucu_ipc::{EditVoterInput, NewVoterInput, StatusChangeInput, VoterRowDto, VoterStanding};

/// `tobaucu --version`: the version, the source commit and the build date
/// (issue 17 §4; `src-tauri/build_info.rs`), as printed on the commune's
/// handover sheet.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("TOBAUCU_COMMIT"), ", ngày build ", env!("TOBAUCU_BUILD_DATE"), ")");

#[derive(Parser)]
#[command(name = "tobaucu", version = VERSION, about = "Tổ Bầu Cử — phần mềm của tổ bầu cử và ban bầu cử", disable_help_subcommand = true)]
struct Cli {
    /// Tệp cơ sở dữ liệu SQLite (mặc định: tệp của ứng dụng máy tính)
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// In một tài liệu JSON thay cho văn bản
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Thiết lập cơ sở dữ liệu từ định nghĩa cuộc bầu cử
    Setup(SetupArgs),
    /// Danh sách cử tri
    #[command(subcommand)]
    Voters(VotersCmd),
    /// Ghi nhận cử tri nhận phiếu (hoặc hủy, với --undo)
    Checkin(CheckinArgs),
    /// Tỷ lệ cử tri đi bầu theo cấp
    Turnout(TurnoutArgs),
    /// Nhật ký thay đổi; `audit verify` kiểm tra chuỗi mã băm (mã thoát 1 nếu đứt)
    Audit {
        #[command(subcommand)]
        sub: Option<AuditCmd>,
    },
    /// Thành phần Tổ bầu cử và hai cử tri chứng kiến; ở xã và cấp trên, với --constituency: thành phần Ban bầu cử và giờ, nơi họp lập biên bản (mỗi lần gọi thay phần được ghi)
    Team(TeamArgs),
    /// Kiểm tra hòm phiếu trước khi bỏ phiếu: giờ bắt đầu và hai cử tri chứng kiến (kèm nơi ở hiện nay)
    Opening(OpeningArgs),
    /// Giờ Tổ trưởng tuyên bố kết thúc bỏ phiếu
    Closing {
        /// GIỜ:PHÚT
        #[arg(long)]
        time: String,
    },
    /// Sự việc xảy ra trong ngày bầu cử và khi kiểm phiếu (mục 6 của biên bản)
    #[command(subcommand)]
    Incident(IncidentCmd),
    /// Vấn đề Tổ chưa giải quyết được và kiến nghị (mục 7 của biên bản)
    Recommend { text: String },
    /// (Ở xã và cấp trên) các mục của biên bản xác định kết quả: việc xảy ra, khiếu nại Ban bầu cử đã giải quyết, đã chuyển, tài liệu kèm theo
    BoardNote(board::BoardNoteArgs),
    /// (Ở xã và cấp trên) vòng bầu cử: công bố bầu cử lại hoặc bầu cử thêm
    #[command(subcommand)]
    Round(board::RoundCmd),
    /// Kiểm phiếu: kiểm kê, nhập phiếu, bảng kiểm phiếu, số liệu
    #[command(subcommand)]
    Count(CountCmd),
    /// Khiếu nại, tố cáo tại khu vực bỏ phiếu
    #[command(subcommand)]
    Complaint(ComplaintCmd),
    /// Khóa biên bản kết quả kiểm phiếu của một cấp (khi không còn lỗi)
    Finalize {
        #[arg(long)]
        level: String,
    },
    /// In biểu mẫu ra PDF: voter-list, voter-cards, minutes, inventory, turnout, key-registration, board-minutes, board-status, checkin-list, zero-report (báo cáo số không trước khi mở hòm phiếu), official-switch (biên bản chuyển sang chính thức)
    Forms(FormsArgs),
    /// Khóa ký của đơn vị; đăng ký khóa của đơn vị cấp dưới
    #[command(subcommand)]
    Keys(bundle::KeysCmd),
    /// Ghi gói kết quả có chữ ký vào thư mục (USB); in đường dẫn ở dòng cuối
    Export {
        #[arg(long)]
        out: PathBuf,
    },
    /// (Ở xã và cấp trên) kiểm tra và nhập gói kết quả của cấp dưới
    Import {
        #[arg(required = true)]
        bundles: Vec<PathBuf>,
        /// Chấp nhận khóa chưa đăng ký sau khi so dấu vân tay in trên biên bản giấy
        #[arg(long, value_name = "DẤU_VÂN_TAY")]
        accept_fingerprint: Option<String>,
    },
    /// Kiểm tra một gói kết quả (không nhập); mã thoát 1 nếu có kiểm tra không đạt
    Verify { bundle: PathBuf },
    /// (Ở xã và cấp trên) rút gói hiện hành của một đơn vị cấp dưới (ví dụ gói của tổ nhập thẳng ở tỉnh), có lý do; gói vẫn giữ trong lịch sử
    Withdraw {
        /// Mã đơn vị có gói cần rút
        unit: String,
        /// Lý do (bắt buộc, ghi nhật ký)
        #[arg(long)]
        reason: String,
    },
    /// Kết quả theo đơn vị bầu cử: số liệu cộng lại, người trúng cử, bầu cử lại/thêm; --xlsx/--csv/--nist ghi ra tệp (ở tổ: số liệu của tổ)
    Results(ResultsArgs),
    /// (Ở xã và cấp trên) đối chiếu biên bản giấy của Tổ với tệp đã ký: gõ số liệu giấy một lần, giải quyết chênh lệch có lý do
    #[command(subcommand)]
    Paper(PaperCmd),
    /// Sao lưu: làm ngay, đặt nơi và chu kỳ, khôi phục
    #[command(subcommand)]
    Backup(BackupCmd),
    /// Chạy toàn bộ quy trình trên cuộc bầu cử mẫu và để mọi tệp trong DIR
    Demo {
        #[arg(long)]
        out: PathBuf,
    },
    /// Chuyển cơ sở dữ liệu đang diễn tập sang chính thức: xóa mọi dữ liệu diễn tập (nhận phiếu, phiếu, biên bản, gói…), giữ danh sách cử tri, thành phần Tổ, khóa ký, nhật ký; cần cụm mật khẩu; không hoàn tác được
    Official,
    /// Diễn tập (chỉ trên cơ sở dữ liệu đang diễn tập)
    #[command(subcommand)]
    Drill(rehearsal::DrillCmd),
    /// Nhiều bàn phát phiếu trên một danh sách cử tri, không cần Internet
    #[command(subcommand)]
    Desk(desk::DeskCmd),
}

#[derive(Subcommand)]
enum BackupCmd {
    /// Sao lưu ngay (cơ sở dữ liệu và, ở tổ bầu cử, danh sách nhận phiếu PDF)
    Now {
        /// Thư mục đích (mặc định: nơi đã đặt)
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Xem hoặc đặt nơi sao lưu (USB), chu kỳ (phút) và số bản giữ lại
    Settings {
        #[arg(long, conflicts_with = "off")]
        dir: Option<PathBuf>,
        /// Tắt sao lưu tự động
        #[arg(long)]
        off: bool,
        #[arg(long)]
        every: Option<u32>,
        #[arg(long)]
        keep: Option<u32>,
    },
    /// Sao lưu nếu đã đến hạn theo chu kỳ đã đặt (dùng được với bộ hẹn giờ của hệ điều hành)
    Auto,
    /// Khôi phục một bản sao lưu (tệp, hoặc thư mục: bản mới nhất trong đó) thành tệp dữ liệu --db, trên bất kỳ máy nào (tệp cũ được giữ lại dưới tên khác)
    Restore { backup: PathBuf },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Kiểm tra chuỗi mã băm của nhật ký; chỉ ra mục đầu tiên bị đứt; so với các mốc lưu ngoài tệp (bản sao lưu, gói đã xuất)
    Verify {
        /// Mốc thêm: tệp sao lưu, tệp gói (.tbc), hoặc mã in trên biên bản dạng SỐ_MỤC:MÃ (ít nhất 16 chữ số hex)
        #[arg(long = "anchor")]
        anchors: Vec<String>,
    },
}

#[derive(Args)]
struct TeamArgs {
    /// Tổ trưởng (với --constituency: Trưởng ban)
    #[arg(long)]
    leader: Option<String>,
    /// Thư ký
    #[arg(long, conflicts_with = "constituency")]
    secretary: Option<String>,
    /// Ủy viên (ghi nhiều lần)
    #[arg(long = "member")]
    members: Vec<String>,
    /// Cử tri chứng kiến việc kiểm phiếu (ghi hai lần)
    #[arg(long = "witness", conflicts_with = "constituency")]
    witnesses: Vec<String>,
    /// Nơi ở hiện nay của cử tri chứng kiến ghi ngay trước (tùy chọn)
    #[arg(long = "address")]
    addresses: Vec<String>,
    /// The witnesses paired with their addresses (filled after parsing).
    #[arg(skip)]
    people: Vec<tobaucu_ipc::PersonDto>,
    /// (Ở xã và cấp trên) mã đơn vị bầu cử: ghi thành phần Ban bầu cử của đơn vị đó
    #[arg(long)]
    constituency: Option<String>,
    /// Phó Trưởng ban (ghi nhiều lần; cùng --constituency)
    #[arg(long = "deputy", requires = "constituency")]
    deputies: Vec<String>,
    /// Nơi Ban bầu cử họp lập biên bản (cùng --constituency)
    #[arg(long, requires = "constituency")]
    place: Option<String>,
    /// Giờ họp lập biên bản, GIỜ:PHÚT (cùng --constituency)
    #[arg(long, requires = "constituency")]
    time: Option<String>,
    /// Ngày họp (dd/mm/yyyy; mặc định: hôm nay)
    #[arg(long, requires = "time")]
    date: Option<String>,
    /// Vòng bầu cử của cuộc họp (mặc định 1)
    #[arg(long, requires = "constituency")]
    round: Option<u32>,
}

/// `opening`: kiểm tra hòm phiếu trước khi bỏ phiếu.
#[derive(Args)]
struct OpeningArgs {
    /// Giờ bắt đầu bỏ phiếu (GIỜ:PHÚT)
    #[arg(long)]
    time: String,
    /// Cử tri chứng kiến việc kiểm tra hòm phiếu (ghi hai lần)
    #[arg(long = "witness")]
    witnesses: Vec<String>,
    /// Nơi ở hiện nay của cử tri chứng kiến ghi ngay trước
    #[arg(long = "address")]
    addresses: Vec<String>,
    #[arg(skip)]
    people: Vec<tobaucu_ipc::PersonDto>,
}

#[derive(Subcommand)]
enum IncidentCmd {
    /// Ghi một sự việc xảy ra trong ngày bầu cử hoặc khi kiểm phiếu và cách Tổ đã giải quyết
    Add {
        /// Sự việc đã xảy ra
        #[arg(long)]
        what: String,
        /// Giờ xảy ra (GIỜ:PHÚT)
        #[arg(long)]
        time: Option<String>,
        /// Tổ đã giải quyết thế nào
        #[arg(long)]
        handled: Option<String>,
    },
    /// Các sự việc đã ghi
    List,
}

#[derive(Subcommand)]
enum CountCmd {
    /// Ghi các phiếu từ tệp phiếu (mỗi dòng một phiếu; tất cả hoặc không)
    Ballots {
        #[arg(long)]
        level: String,
        file: PathBuf,
        /// Người ghi (thư ký ghi phiếu)
        #[arg(long, default_value = "")]
        recorder: String,
    },
    /// Ghi một phiếu: số thứ tự các tên giữ lại, "-" nếu gạch hết, hoặc "INVALID lý_do"
    Ballot {
        #[arg(long)]
        level: String,
        #[arg(required = true, num_args = 1.., allow_hyphen_values = true)]
        mark: Vec<String>,
    },
    /// Hủy phiếu vừa ghi cuối cùng
    Undo {
        #[arg(long)]
        level: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Biên bản kiểm kê phiếu (trước khi mở hòm): phát ra = nhận − chưa dùng − gạch hỏng
    Inventory {
        #[arg(long)]
        level: String,
        #[arg(long)]
        received: u32,
        #[arg(long)]
        unused: u32,
        #[arg(long)]
        spoiled: u32,
        /// Số phiếu phát ra đếm riêng (nếu có); khi đó kiểm tra nhận = phát ra + chưa dùng + gạch hỏng
        #[arg(long)]
        issued: Option<u32>,
    },
    /// Nhập bảng kiểm phiếu giấy (nhập hai lần độc lập: --entry 1 và --entry 2)
    Tally(TallyArgs),
    /// Số liệu biên bản của một cấp và các kiểm tra
    Summary {
        #[arg(long)]
        level: String,
    },
    /// Số phiếu đang đếm của một cấp (theo nhóm và theo người ứng cử)
    Live {
        #[arg(long)]
        level: String,
    },
    /// Ghi việc Tổ đã kiểm lại phiếu của một cấp (sau đó E02/E03 có thể ghi vào biên bản kèm giải trình)
    Recount {
        #[arg(long)]
        level: String,
        /// Ghi chú (ai kiểm, kết quả)
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Tổ trưởng chấp nhận một cảnh báo, có lý do (hoặc ghi E02/E03 vào biên bản kèm giải trình, sau khi đã kiểm lại)
    Accept {
        #[arg(long)]
        level: String,
        #[arg(long)]
        code: String,
        #[arg(long)]
        reason: String,
    },
    /// Mở bản sửa đổi của biên bản đã khóa, có lý do
    Reopen {
        #[arg(long)]
        level: String,
        #[arg(long)]
        reason: String,
    },
    /// Tình trạng kiểm phiếu của mọi cấp
    Status,
}

#[derive(Args)]
pub struct ResultsArgs {
    /// Ghi bảng tính .xlsx (bảng như biên bản của Ban: khu vực theo hàng, người ứng cử theo cột; tỷ lệ đi bầu; tình trạng các khu vực; các gói đã dùng)
    #[arg(long, value_name = "TỆP")]
    xlsx: Option<PathBuf>,
    /// Ghi bảng .csv (mỗi dòng một số liệu)
    #[arg(long, value_name = "TỆP")]
    csv: Option<PathBuf>,
    /// Ghi báo cáo theo chuẩn NIST SP 1500-100 phiên bản 2 (JSON)
    #[arg(long, value_name = "TỆP")]
    nist: Option<PathBuf>,
    #[command(subcommand)]
    sub: Option<ResultsCmd>,
}

#[derive(Subcommand)]
pub enum ResultsCmd {
    /// Ban bầu cử chấp nhận một cảnh báo của mình (A03, A05, A06, A07…) ở một đơn vị bầu cử, có lý do (in trong biên bản, ghi nhật ký)
    Accept {
        #[arg(long)]
        constituency: String,
        #[arg(long)]
        code: String,
        #[arg(long)]
        reason: String,
        /// Vòng bầu cử (1: lần đầu; 2: bầu cử lại/thêm đã công bố)
        #[arg(long, default_value_t = 1)]
        round: u32,
    },
}

#[derive(Subcommand)]
pub enum PaperCmd {
    /// Gõ số liệu của biên bản giấy một cấp (một lần) để so với tệp đã ký; mã biên bản gõ đủ 32 ký tự in ở chân trang
    Check {
        #[arg(long)]
        area: String,
        #[arg(long)]
        level: String,
        /// Mã số liệu in ở chân mỗi trang biên bản giấy
        #[arg(long)]
        code: String,
        #[arg(long)]
        listed: u32,
        #[arg(long)]
        voted: u32,
        #[arg(long)]
        issued: u32,
        #[arg(long)]
        received: u32,
        #[arg(long)]
        valid: u32,
        #[arg(long)]
        invalid: u32,
        /// Số phiếu bầu theo thứ tự trên phiếu: "400,380,350"
        #[arg(long)]
        votes: String,
        #[arg(long, default_value = "")]
        by: String,
    },
    /// Giải quyết chênh lệch giữa giấy và tệp, có lý do (ghi nhật ký)
    Resolve {
        #[arg(long)]
        area: String,
        #[arg(long)]
        level: String,
        #[arg(long)]
        reason: String,
    },
    /// Tình trạng đối chiếu của một cấp của một khu vực
    Status {
        #[arg(long)]
        area: String,
        #[arg(long)]
        level: String,
    },
}

#[derive(Args)]
struct TallyArgs {
    #[arg(long)]
    level: String,
    /// Lần nhập: 1 hoặc 2; 3 là người thứ ba nhập lại chỉ các mục được gửi lại (--field)
    #[arg(long)]
    entry: Option<u32>,
    #[arg(long, alias = "by", default_value = "")]
    entered_by: String,
    /// Số phiếu thu vào
    #[arg(long)]
    received: Option<u32>,
    #[arg(long)]
    valid: Option<u32>,
    #[arg(long)]
    invalid: Option<u32>,
    /// Số phiếu bầu k đại biểu: "1=30,2=58" (k=số phiếu)
    #[arg(long, default_value = "")]
    groups: String,
    /// Số phiếu bầu theo thứ tự trên phiếu: "70,40,36" hoặc "XA-03-1=70,…"
    #[arg(long)]
    votes: Option<String>,
    /// (Tổ trưởng) mục khác nhau và lần nhập đúng: "votes.2=1" (1, 2, hoặc 3 sau lần nhập thứ ba); lặp lại cho từng mục
    #[arg(long, value_name = "MỤC=LẦN")]
    resolve: Vec<String>,
    /// (Tổ trưởng) gửi các mục khác nhau (hoặc chỉ các mục nêu tên) cho người thứ ba nhập lại
    #[arg(long, num_args = 0.., value_name = "MỤC")]
    reenter: Option<Vec<String>>,
    /// (Lần nhập 3) giá trị của một mục được gửi lại: "votes.2=380"; lặp lại cho từng mục
    #[arg(long, value_name = "MỤC=SỐ")]
    field: Vec<String>,
    /// Phiếu không hợp lệ theo lý do: "khong_co_dau=1,gach_het=1"
    #[arg(long, default_value = "")]
    invalid_reasons: String,
}

#[derive(Subcommand)]
enum ComplaintCmd {
    /// Ghi nhận khiếu nại, tố cáo
    Add {
        #[arg(long)]
        content: String,
        #[arg(long, default_value = "")]
        from: String,
        /// Cấp liên quan (mặc định: mọi cấp)
        #[arg(long)]
        level: Option<String>,
    },
    /// Tổ đã giải quyết, với kết quả
    Settle {
        id: u32,
        #[arg(long)]
        outcome: String,
    },
    /// Chuyển Ban bầu cử, với ý kiến của Tổ
    Forward {
        id: u32,
        #[arg(long)]
        opinion: String,
    },
    /// Danh sách khiếu nại
    List,
}

#[derive(Args)]
struct FormsArgs {
    /// voter-list, voter-cards, minutes, inventory, turnout
    form: String,
    #[arg(long)]
    out: PathBuf,
    /// Cấp bầu cử (biên bản, kiểm kê; với board-minutes: cấp hoặc mã đơn vị bầu cử); mặc định: mọi cấp
    #[arg(long)]
    level: Option<String>,
    /// Một bản biên bản đã khóa (bản số N), kể cả bản đã được thay thế
    #[arg(long, requires = "level")]
    revision: Option<u32>,
    /// Người ký danh sách cử tri (voter-list, Mẫu 31/HĐBC): chair — CHỦ TỊCH
    /// (mặc định), vice-chair — Phó Chủ tịch ký thay: KT. CHỦ TỊCH / PHÓ CHỦ TỊCH
    #[arg(long, value_name = "chair|vice-chair")]
    signer: Option<String>,
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("unit").required(true).args(["area", "commune", "district", "province", "demo"]))]
struct SetupArgs {
    /// Tệp định nghĩa cuộc bầu cử (JSON)
    election: Option<PathBuf>,
    /// Mã khu vực bỏ phiếu (tổ bầu cử)
    #[arg(long)]
    area: Option<String>,
    /// Mã xã (ban bầu cử / UBND xã tổng hợp)
    #[arg(long)]
    commune: Option<String>,
    #[arg(long)]
    district: Option<String>,
    #[arg(long)]
    province: Option<String>,
    /// Dùng cuộc bầu cử mẫu có sẵn (khu vực X0412-KV01 và danh sách mẫu; luôn ở chế độ diễn tập)
    #[arg(long, conflicts_with = "election")]
    demo: bool,
    /// Chế độ diễn tập: làm thử trên chính cơ sở dữ liệu này với danh sách thật, đến khi Tổ trưởng chuyển sang chính thức (tobaucu official)
    #[arg(long)]
    rehearsal: bool,
}

#[derive(Subcommand)]
enum VotersCmd {
    /// Nhập danh sách từ tệp .xlsx, .xls, .ods hoặc .csv (tất cả hoặc không)
    Import {
        file: PathBuf,
        /// Thay thế danh sách hiện có (chỉ khi chưa ai nhận phiếu)
        #[arg(long)]
        replace: bool,
        /// Ghép cột cấp bầu cử: "TIÊU ĐỀ CỘT=MÃ CẤP" hoặc "K=QH"
        #[arg(long = "level-column", value_name = "COT=CAP")]
        level_columns: Vec<String>,
    },
    /// Danh sách theo STT
    List {
        /// Kể cả cử tri đã xóa tên hoặc chuyển đi
        #[arg(long)]
        all: bool,
    },
    /// Tìm theo tên (không cần dấu), STT/số thẻ hoặc số định danh
    Search {
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        #[arg(long, default_value_t = 1000)]
        limit: usize,
    },
    /// Một cử tri
    Show { stt: u32 },
    /// Bổ sung cử tri (STT tiếp sau số cuối), hoặc người có giấy chứng nhận (--certificate)
    Add(Box<AddArgs>),
    /// Sửa một trường của cử tri, với lý do
    Edit {
        stt: u32,
        /// name, birth_date, gender, ethnicity, id_number, residence (thường trú),
        /// residence_temporary (tạm trú), residence_current (nơi ở hiện tại), levels, note, mobile_box
        #[arg(long)]
        field: String,
        #[arg(long, allow_hyphen_values = true)]
        value: String,
        #[arg(long)]
        reason: String,
    },
    /// Xóa tên khỏi danh sách, với lý do
    Remove {
        stt: u32,
        #[arg(long)]
        reason: String,
    },
    /// Chuyển đi nơi khác, với lý do
    MoveOut {
        stt: u32,
        #[arg(long)]
        reason: String,
    },
    /// Cấp giấy chứng nhận bỏ phiếu ở nơi khác (ghi chú "Bỏ phiếu ở nơi khác")
    Elsewhere {
        stt: u32,
        #[arg(long)]
        reason: String,
    },
    /// Đưa cử tri trở lại danh sách, với lý do
    Restore {
        stt: u32,
        #[arg(long)]
        reason: String,
    },
    /// Kiểm tra danh sách trước ngày bầu cử: trùng căn cước, chưa đủ 18 tuổi, thiếu căn cước, chữ còn ở bảng mã cũ, một người ở hai khu vực (với tệp danh sách của khu vực khác); mã thoát 0 kể cả khi có vấn đề
    Check {
        /// Tệp danh sách (Mẫu 31) của các khu vực khác để đối chiếu; ở ban/ủy ban cấp trên: tệp của từng khu vực
        files: Vec<PathBuf>,
    },
}

#[derive(Args)]
struct AddArgs {
    #[arg(long)]
    name: String,
    /// Ngày sinh (ngày/tháng/năm), hoặc chỉ năm sinh với cử tri sinh từ năm 2007 trở về trước
    #[arg(long)]
    birth_date: String,
    #[arg(long)]
    gender: String,
    #[arg(long, default_value = "")]
    ethnicity: String,
    #[arg(long)]
    id_number: Option<String>,
    /// Nơi thường trú (cột 7a Mẫu 31/HĐBC)
    #[arg(long, default_value = "")]
    residence: String,
    /// Nơi tạm trú (cột 7b)
    #[arg(long, default_value = "")]
    residence_temporary: String,
    /// Nơi ở hiện tại (cột 7c)
    #[arg(long, default_value = "")]
    residence_current: String,
    /// Các cấp, ví dụ QH,TINH (mặc định: mọi cấp; với --certificate: QH và tỉnh)
    #[arg(long)]
    levels: Option<String>,
    #[arg(long, default_value = "")]
    note: String,
    /// Số giấy chứng nhận cử tri bỏ phiếu ở nơi khác
    #[arg(long)]
    certificate: Option<String>,
    #[arg(long)]
    reason: String,
}

#[derive(Args)]
struct CheckinArgs {
    /// STT (số thẻ cử tri)
    #[arg(required_unless_present = "bulk")]
    stt: Option<u32>,
    /// Nhập bổ sung sau mất điện: tệp các số thẻ cử tri đã đánh dấu trên danh sách giấy (mỗi dòng một số, hoặc cách nhau dấu cách/dấu phẩy); tất cả hoặc không
    #[arg(long, value_name = "TỆP", conflicts_with_all = ["stt", "undo", "levels", "mobile_box"], requires_all = ["from", "to"])]
    bulk: Option<PathBuf>,
    /// Giờ bắt đầu mất điện (GIỜ:PHÚT), cùng --bulk
    #[arg(long, requires = "bulk")]
    from: Option<String>,
    /// Giờ có điện lại (GIỜ:PHÚT), cùng --bulk
    #[arg(long, requires = "bulk")]
    to: Option<String>,
    /// Chỉ các cấp này, ví dụ QH,TINH (mặc định: mọi cấp của cử tri)
    #[arg(long)]
    levels: Option<String>,
    /// Phiếu được đưa đến bằng hòm phiếu phụ
    #[arg(long)]
    mobile_box: bool,
    /// Hủy lần nhận phiếu (nhầm lẫn), cần --reason
    #[arg(long, requires = "reason")]
    undo: bool,
    #[arg(long)]
    reason: Option<String>,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
struct TurnoutArgs {
    #[command(subcommand)]
    cmd: Option<TurnoutCmd>,
}

#[derive(Subcommand)]
enum TurnoutCmd {
    /// Lưu số liệu lúc này với một tên ("11 giờ")
    Snapshot { name: String },
    /// Các lần báo cáo đã lưu
    Snapshots,
    /// Số cử tri nhận phiếu theo giờ
    Hourly,
}

/// Pairs each `--witness` with the `--address` written right after it
/// (`interfaces.md`: "an --address right after a --witness is that
/// witness's nơi ở hiện nay").
fn pair_witnesses(m: &ArgMatches) -> Result<Vec<tobaucu_ipc::PersonDto>, String> {
    let values = |id: &str| -> Vec<(usize, String)> {
        match (m.indices_of(id), m.get_many::<String>(id)) {
            (Some(i), Some(v)) => i.zip(v.cloned()).collect(),
            _ => Vec::new(),
        }
    };
    let mut people: Vec<(usize, tobaucu_ipc::PersonDto)> = values("witnesses").into_iter().map(|(i, name)| (i, tobaucu_ipc::PersonDto { name, address: None })).collect();
    for (j, addr) in values("addresses") {
        let owner = people.iter_mut().rev().find(|(i, _)| *i < j);
        match owner {
            Some((_, p)) if p.address.is_none() => p.address = Some(addr),
            _ => return Err(format!("--address \"{addr}\" phải đứng ngay sau --witness của người đó (mỗi người một nơi ở)")),
        }
    }
    Ok(people.into_iter().map(|(_, p)| p).collect())
}

fn parse_cli() -> Cli {
    let m = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&m).unwrap_or_else(|e| e.exit());
    let sub = m.subcommand().map(|(_, s)| s);
    let pair = |s: &ArgMatches| {
        pair_witnesses(s).unwrap_or_else(|e| {
            eprintln!("Lỗi: {e}");
            std::process::exit(2)
        })
    };
    match (&mut cli.cmd, sub) {
        (Cmd::Team(t), Some(s)) => t.people = pair(s),
        (Cmd::Opening(o), Some(s)) => o.people = pair(s),
        _ => {}
    }
    cli
}

fn main() -> ExitCode {
    let cli = parse_cli();
    let json_mode = cli.json;
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            report(&e, json_mode);
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(3))
        }
        Err(_) => {
            eprintln!("Lỗi nội bộ: chương trình dừng bất thường; dữ liệu đã ghi trước đó không bị ảnh hưởng.");
            ExitCode::from(3)
        }
    }
}

fn report(e: &Error, json_mode: bool) {
    // Writes that fail (output piped into a program that stopped reading)
    // are ignored: the exit code still tells.
    let mut err = std::io::stderr().lock();
    // Already printed as the command's one JSON document (verify, import).
    if json_mode && e.code() == ErrorCode::Reported {
        let _ = writeln!(err, "Lỗi: {e}");
        return;
    }
    if json_mode {
        let doc = json!({"error": {"code": e.code(), "message": e.to_string(), "problems": e.problems()}});
        let _ = writeln!(std::io::stdout().lock(), "{doc}");
    }
    let _ = writeln!(err, "Lỗi: {e}");
    for p in e.problems() {
        let _ = writeln!(err, "  - {p}");
    }
}

fn open(db: &Option<PathBuf>) -> Result<App, Error> {
    let path = db.clone().unwrap_or_else(tobaucu_app::default_db_path);
    App::open(&path)
}

fn read_file(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::io(path, &e))
}

/// Reads a file no larger than `max` bytes (`tobaucu_app::read_limited`).
fn read_file_limited(path: &Path, max: u64) -> Result<Vec<u8>, Error> {
    tobaucu_app::read_limited(path, max)
}

fn print_json(v: &impl serde::Serialize) -> Result<(), Error> {
    let s = serde_json::to_string_pretty(v).map_err(|e| Error::Internal(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{s}");
    Ok(())
}

fn print_voters(rows: &[VoterRowDto], json_mode: bool) -> Result<(), Error> {
    if json_mode {
        let plain: Vec<_> = rows.iter().map(|r| &r.voter).collect();
        return print_json(&plain);
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{:>5}  {:<28} {:<10} {:<4} {:<12} {:<14} Đã nhận phiếu", "STT", "Họ và tên", "Ngày sinh", "GT", "Căn cước", "Cấp");
    for r in rows {
        let v = &r.voter;
        // "YYYY-MM-DD" → "dd/mm/yyyy"; a year alone stays the year.
        let birth = v.birth_date.split('-').rev().collect::<Vec<_>>().join("/");
        let got: Vec<String> = v.checked_in.iter().map(|(l, t)| format!("{l} {}", t.get(11..16).unwrap_or(""))).collect();
        let mut line = format!("{:>5}  {:<28} {:<10} {:<4} {:<12} {:<14} {}", v.stt, v.name, birth, v.gender, v.id_number.as_deref().unwrap_or(""), v.levels.join(" "), got.join(", "));
        if r.status != VoterStanding::Active {
            line.push_str(&format!(" [{}]", r.status_vi));
        }
        if !v.note.is_empty() {
            line.push_str(&format!(" — {}", v.note));
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(out, "Tổng số: {} cử tri", rows.len());
    Ok(())
}

fn run(cli: Cli) -> Result<(), Error> {
    let json_mode = cli.json;
    match cli.cmd {
        Cmd::Setup(a) => {
            let mut app = open(&cli.db)?;
            let status = if a.demo {
                app.setup_demo()?
            } else {
                let path = a.election.ok_or_else(|| Error::refused(ErrorCode::Usage, "cần tệp định nghĩa cuộc bầu cử (ELECTION.json)"))?;
                let bytes = read_file(&path)?;
                let text = String::from_utf8(bytes).map_err(|_| Error::refused(ErrorCode::ElectionInvalid, format!("{}: tệp không phải văn bản UTF-8", path.display())))?;
                let unit = match (a.area, a.commune, a.district, a.province) {
                    (Some(id), ..) => UnitChoice::Area(id),
                    (_, Some(id), ..) => UnitChoice::Board(tobaucu_core_kind("commune"), id),
                    (_, _, Some(id), _) => UnitChoice::Board(tobaucu_core_kind("district"), id),
                    (_, _, _, Some(id)) => UnitChoice::Board(tobaucu_core_kind("province"), id),
                    _ => return Err(Error::refused(ErrorCode::Usage, "cần --area, --commune, --district hoặc --province")),
                };
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                app.setup_mode(&text, &unit, a.rehearsal).map_err(|e| e.in_file(&name))?
            };
            for w in &status.definition_warnings {
                eprintln!("Cảnh báo: {w}");
            }
            if json_mode {
                return print_json(&status);
            }
            println!(
                "Đã thiết lập {} — {} ({}) cho cuộc bầu cử \"{}\", {} cấp: {}. Tệp dữ liệu: {}",
                status.unit_id.as_deref().unwrap_or(""),
                status.unit_name.as_deref().unwrap_or(""),
                status.commune_name.as_deref().unwrap_or(""),
                status.election_name.as_deref().unwrap_or(""),
                status.levels.len(),
                status.levels.iter().map(|l| l.code.as_str()).collect::<Vec<_>>().join(", "),
                status.db_path
            );
            if status.voters > 0 {
                println!("Danh sách mẫu: {} cử tri.", status.voters);
            }
            if status.rehearsal {
                println!("Chế độ DIỄN TẬP: mọi trang in mang dòng \"DIỄN TẬP — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ\"; gói kết quả là gói diễn tập. Tổ trưởng chuyển sang chính thức bằng \"tobaucu official\" trước ngày bầu cử.");
            }
            Ok(())
        }
        Cmd::Voters(v) => voters(&cli.db, v, json_mode),
        Cmd::Checkin(a) if a.bulk.is_some() => {
            let file = a.bulk.unwrap_or_default();
            rehearsal::bulk(&cli.db, &file, a.from.as_deref().unwrap_or(""), a.to.as_deref().unwrap_or(""), json_mode)
        }
        Cmd::Checkin(a) => {
            let mut app = open(&cli.db)?;
            let levels = a.levels.as_deref().map(tobaucu_app::parse_levels);
            let stt = a.stt.ok_or_else(|| Error::refused(ErrorCode::Usage, "cần STT của cử tri, hoặc --bulk TỆP --from GIỜ --to GIỜ"))?;
            let r = if a.undo {
                app.undo_checkin(stt, levels.as_deref(), a.reason.as_deref().unwrap_or(""))?
            } else {
                // Election day without a backup folder: the window asks for
                // one; here the voter is marked and the risk said (issue 16 §4).
                if let Some(why) = app.backup_requirement()? {
                    eprintln!("Cảnh báo: {why}");
                }
                app.checkin(stt, levels.as_deref(), a.mobile_box)?
            };
            if json_mode {
                return print_json(&r);
            }
            println!("{}", r.message);
            Ok(())
        }
        Cmd::Turnout(t) => {
            let mut app = open(&cli.db)?;
            match t.cmd {
                None => {
                    if json_mode {
                        return print_json(&app.turnout()?);
                    }
                    for l in app.turnout_view()?.levels {
                        println!("{:<6} {}: {}/{} cử tri đã bỏ phiếu ({}%)", l.code, l.name, l.voters_voted, l.voters_listed, l.percent_vi);
                    }
                    Ok(())
                }
                Some(TurnoutCmd::Snapshot { name }) => {
                    let s = app.take_snapshot(&name)?;
                    if json_mode {
                        return print_json(&s);
                    }
                    println!("Đã lưu số liệu \"{}\" lúc {}", s.name, tobaucu_app::clock::vi_time(&s.taken_at));
                    print_levels(&s.levels);
                    Ok(())
                }
                Some(TurnoutCmd::Snapshots) => {
                    let s = app.snapshots()?;
                    if json_mode {
                        return print_json(&s);
                    }
                    for snap in s {
                        println!("{} — {}", snap.name, tobaucu_app::clock::vi_time(&snap.taken_at));
                        print_levels(&snap.levels);
                    }
                    Ok(())
                }
                Some(TurnoutCmd::Hourly) => {
                    let v = app.turnout_view()?;
                    if json_mode {
                        return print_json(&v.hourly);
                    }
                    for h in v.hourly {
                        println!("{:02}:00–{:02}:59  {:>5}  {}", h.hour, h.hour, h.count, "█".repeat(usize::try_from(h.count.min(60)).unwrap_or(0)));
                    }
                    Ok(())
                }
            }
        }
        Cmd::Team(t) if t.constituency.is_some() => {
            let c = t.constituency.unwrap_or_default();
            board::team(&cli.db, c, t.round, t.leader, t.deputies, t.members, t.place, t.time, t.date, json_mode)
        }
        Cmd::BoardNote(a) => board::note(&cli.db, a, json_mode),
        Cmd::Round(c) => board::round(&cli.db, c, json_mode),
        Cmd::Team(t) => {
            let mut app = open(&cli.db)?;
            if app.status()?.unit_kind.is_some_and(|k| k.is_board()) {
                return Err(Error::refused(ErrorCode::Usage, "đây là cơ sở dữ liệu của ban/ủy ban cấp trên: thành phần Ban bầu cử ghi theo từng đơn vị bầu cử, cần --constituency MÃ_ĐƠN_VỊ"));
            }
            let input =
                tobaucu_ipc::TeamInput { leader: t.leader, secretary: t.secretary, members: (!t.members.is_empty()).then_some(t.members), witnesses: (!t.people.is_empty()).then_some(t.people) };
            let team = if input == tobaucu_ipc::TeamInput::default() { app.team()? } else { app.set_team(&input)? };
            if json_mode {
                return print_json(&team);
            }
            print_team(&team);
            Ok(())
        }
        Cmd::Opening(o) => {
            let mut app = open(&cli.db)?;
            let r = app.record_opening(&tobaucu_ipc::OpeningInput { time: o.time, witnesses: o.people })?;
            if json_mode {
                return print_json(&r);
            }
            println!("Đã ghi: bắt đầu bỏ phiếu lúc {}; hòm phiếu được kiểm tra trước hai cử tri:", r.opening_time.as_deref().unwrap_or(""));
            for p in &r.opening_witnesses {
                println!("  Ông/Bà {} — nơi ở hiện nay: {}", p.name, p.address.as_deref().unwrap_or("(chưa ghi)"));
            }
            Ok(())
        }
        Cmd::Closing { time } => {
            let mut app = open(&cli.db)?;
            let r = app.record_closing(&time)?;
            if json_mode {
                return print_json(&r);
            }
            println!("Đã ghi: Tổ trưởng tuyên bố kết thúc bỏ phiếu lúc {}.", r.closing_time.as_deref().unwrap_or(""));
            Ok(())
        }
        Cmd::Incident(IncidentCmd::Add { what, time, handled }) => {
            let mut app = open(&cli.db)?;
            let r = app.add_incident(&tobaucu_ipc::IncidentInput { what, time, handled })?;
            if json_mode {
                return print_json(&r);
            }
            println!(
                "Đã ghi sự việc số {}{}: {}{}",
                r.id,
                r.time.as_deref().map(|t| format!(" lúc {t}")).unwrap_or_default(),
                r.what,
                if r.handled.is_empty() { String::new() } else { format!(" — cách giải quyết: {}", r.handled) }
            );
            Ok(())
        }
        Cmd::Incident(IncidentCmd::List) => {
            let app = open(&cli.db)?;
            let r = app.day_facts()?;
            if json_mode {
                return print_json(&r.incidents);
            }
            for i in &r.incidents {
                println!("{}. {} {} — {}", i.id, i.time.as_deref().unwrap_or("--:--"), i.what, i.handled);
            }
            Ok(())
        }
        Cmd::Recommend { text } => {
            let mut app = open(&cli.db)?;
            let r = app.recommend(&text)?;
            if json_mode {
                return print_json(&r);
            }
            println!("Đã ghi kiến nghị số {}: {}", r.id, r.text);
            Ok(())
        }
        Cmd::Count(c) => count::run(&cli.db, c, json_mode),
        Cmd::Complaint(c) => count::complaint(&cli.db, c, json_mode),
        Cmd::Keys(c) => bundle::keys(&cli.db, c, json_mode),
        Cmd::Export { out } => bundle::export(&cli.db, &out, json_mode),
        Cmd::Import { bundles, accept_fingerprint } => bundle::import(&cli.db, &bundles, accept_fingerprint.as_deref(), json_mode),
        Cmd::Verify { bundle: b } => bundle::verify(&cli.db, &b, json_mode),
        Cmd::Withdraw { unit, reason } => {
            let mut app = open(&cli.db)?;
            let r = app.withdraw_bundle(&unit, &reason)?;
            if json_mode {
                return print_json(&r);
            }
            println!("{}", r.message);
            Ok(())
        }
        Cmd::Results(a) => bundle::results(&cli.db, a, json_mode),
        Cmd::Paper(c) => bundle::paper(&cli.db, c, json_mode),
        Cmd::Demo { out } => bundle::demo(&out, json_mode),
        Cmd::Official => rehearsal::official(&cli.db, json_mode),
        Cmd::Drill(d) => rehearsal::drill(&cli.db, d, json_mode),
        Cmd::Desk(d) => desk::run(&cli.db, d, json_mode),
        Cmd::Finalize { level } => {
            let mut app = open(&cli.db)?;
            let pass = bundle::passphrase_if_key(&app, &format!("khóa biên bản cấp {level}"))?;
            let r = app.finalize(&level, pass.as_deref())?;
            if json_mode {
                return print_json(&r);
            }
            println!("{}", r.message);
            Ok(())
        }
        Cmd::Forms(f) => count::forms(&cli.db, f, json_mode),
        Cmd::Backup(BackupCmd::Now { out }) => {
            let mut app = open(&cli.db)?;
            let b = app.backup_now(out.as_deref())?;
            if json_mode {
                return print_json(&b);
            }
            println!("Đã sao lưu lúc {}: {} ({} byte)", b.at, b.path, b.size);
            if let Some(p) = &b.pdf {
                println!("Danh sách nhận phiếu: {p}");
            }
            for r in &b.removed {
                println!("Đã xóa bản cũ: {r}");
            }
            Ok(())
        }
        Cmd::Backup(BackupCmd::Auto) => {
            let mut app = open(&cli.db)?;
            let b = app.backup_if_due()?;
            if json_mode {
                return print_json(&json!({"made": b}));
            }
            match b {
                Some(b) => println!("Đã sao lưu lúc {}: {}", b.at, b.path),
                None => println!("Chưa đến hạn sao lưu (hoặc sao lưu tự động đang tắt)"),
            }
            Ok(())
        }
        Cmd::Backup(BackupCmd::Settings { dir, off, every, keep }) => {
            let mut app = open(&cli.db)?;
            let cur = app.backup_settings()?;
            let s = if dir.is_some() || off || every.is_some() || keep.is_some() {
                let d = if off { None } else { dir.map(|d| d.display().to_string()).or(cur.dir) };
                app.set_backup_settings(d.as_deref(), every.unwrap_or(cur.every_minutes), keep.unwrap_or(cur.keep))?
            } else {
                cur
            };
            if json_mode {
                return print_json(&s);
            }
            match &s.dir {
                Some(d) => println!("Sao lưu tự động mỗi {} phút vào {d}, giữ {} bản gần nhất", s.every_minutes, s.keep),
                None => println!("Sao lưu tự động đang tắt (chưa chọn nơi sao lưu)"),
            }
            if let Some(l) = &s.last {
                println!("Lần sao lưu gần nhất: {} — {}", l.at, l.path);
            }
            Ok(())
        }
        Cmd::Backup(BackupCmd::Restore { backup }) => {
            let target = cli.db.clone().unwrap_or_else(tobaucu_app::default_db_path);
            let (from, aside) = App::restore_backup(&backup, &target)?;
            let restored = App::open(&target)?.restore_dto(&from, aside.as_deref())?;
            if json_mode {
                return print_json(
                    &json!({"restored": target.display().to_string(), "from": from.display().to_string(), "previous_kept_as": aside.map(|p| p.display().to_string()), "last_checkin": restored.last_checkin, "message": restored.message}),
                );
            }
            println!("Đã khôi phục {} thành {}", from.display(), target.display());
            if let Some(a) = aside {
                println!("Tệp dữ liệu trước đó được giữ lại: {}", a.display());
            }
            println!("{}", restored.message);
            Ok(())
        }
        Cmd::Audit { sub: Some(AuditCmd::Verify { anchors }) } => {
            let app = open(&cli.db)?;
            let r = app.audit_verify_with(&anchors)?;
            if json_mode {
                print_json(&r)?;
            } else {
                println!("{}", r.message);
            }
            if !r.ok {
                return Err(Error::Refused { code: if json_mode { ErrorCode::Reported } else { ErrorCode::AuditBroken }, message: r.message, problems: vec![] });
            }
            Ok(())
        }
        Cmd::Audit { sub: None } => {
            let app = open(&cli.db)?;
            let log = app.audit_log()?;
            if json_mode {
                return print_json(&log);
            }
            for e in log {
                let reason = if e.reason.is_empty() { String::new() } else { format!(" — lý do: {}", e.reason) };
                println!("{}  {:<22} {}{}", e.at, e.action, e.subject, reason);
            }
            Ok(())
        }
    }
}

fn print_team(t: &tobaucu_ipc::TeamDto) {
    println!("Tổ trưởng: {}", t.leader.as_deref().unwrap_or("(chưa ghi)"));
    println!("Thư ký:    {}", t.secretary.as_deref().unwrap_or("(chưa ghi)"));
    for m in &t.members {
        println!("Ủy viên:   {m}");
    }
    for w in &t.witnesses {
        println!("Cử tri chứng kiến: {}{}", w.name, w.address.as_deref().map(|a| format!(" — nơi ở hiện nay: {a}")).unwrap_or_default());
    }
}

fn print_levels(levels: &[tobaucu_ipc::LevelTurnoutRow]) {
    for l in levels {
        println!("  {:<6} {}/{} ({}%)", l.code, l.voters_voted, l.voters_listed, l.percent_vi);
    }
}

fn tobaucu_core_kind(s: &str) -> tobaucu_app::UnitKind {
    tobaucu_app::UnitKind::parse(s).unwrap_or(tobaucu_app::UnitKind::Commune)
}

fn voters(db: &Option<PathBuf>, cmd: VotersCmd, json_mode: bool) -> Result<(), Error> {
    let mut app = open(db)?;
    let show_one = |r: VoterRowDto, what: &str| -> Result<(), Error> {
        if json_mode {
            return print_json(&r.voter);
        }
        println!("{what}: cử tri số {} — {} ({})", r.voter.stt, r.voter.name, r.status_vi);
        Ok(())
    };
    match cmd {
        VotersCmd::Import { file, replace, level_columns } => {
            let mut mapping = Vec::new();
            for m in level_columns {
                let Some((k, v)) = m.rsplit_once('=') else {
                    return Err(Error::refused(ErrorCode::Usage, format!("--level-column \"{m}\" phải có dạng COT=CAP, ví dụ K=QH")));
                };
                mapping.push((k.trim().to_owned(), v.trim().to_owned()));
            }
            let bytes = read_file(&file)?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let show_progress = !json_mode && bytes.len() > 200_000;
            let mut progress = |done: usize, total: usize| {
                if show_progress && total > 0 {
                    eprint!("\rĐang kiểm tra {done}/{total} dòng…");
                }
            };
            let r = app.import_voters(&name, &bytes, &mapping, replace, &mut progress)?;
            if show_progress {
                eprintln!();
            }
            if json_mode {
                return print_json(&r);
            }
            println!("Đã nhập {} cử tri từ {}.", r.imported, r.file);
            if let Some(from) = &r.converted_from {
                println!("Đã chuyển {} ô từ bảng mã {} sang Unicode.", r.converted_cells, from);
            }
            for w in &r.warnings {
                eprintln!("Cảnh báo: {w}");
            }
            Ok(())
        }
        VotersCmd::List { all } => print_voters(&app.voters_list(all)?, json_mode),
        VotersCmd::Search { query, limit } => print_voters(&app.search(&query.join(" "), limit)?, json_mode),
        VotersCmd::Show { stt } => {
            let r = app.voter(stt)?;
            print_voters(std::slice::from_ref(&r), json_mode)
        }
        VotersCmd::Add(a) => {
            let a = *a;
            let input = NewVoterInput {
                name: a.name,
                birth_date: a.birth_date,
                gender: a.gender,
                ethnicity: a.ethnicity,
                id_number: a.id_number,
                residence: a.residence,
                residence_temporary: a.residence_temporary,
                residence_current: a.residence_current,
                levels: a.levels.as_deref().map(tobaucu_app::parse_levels).unwrap_or_default().into_iter().map(Into::into).collect(),
                note: a.note,
                certificate: a.certificate,
                reason: a.reason,
            };
            show_one(app.add_voter(&input)?, "Đã bổ sung")
        }
        VotersCmd::Edit { stt, field, value, reason } => show_one(app.edit_voter(&EditVoterInput { stt: stt.into(), field, value, reason })?, "Đã sửa"),
        VotersCmd::Remove { stt, reason } => status(&mut app, stt, VoterStanding::Removed, reason, json_mode),
        VotersCmd::MoveOut { stt, reason } => status(&mut app, stt, VoterStanding::MovedOut, reason, json_mode),
        VotersCmd::Elsewhere { stt, reason } => status(&mut app, stt, VoterStanding::Elsewhere, reason, json_mode),
        VotersCmd::Restore { stt, reason } => status(&mut app, stt, VoterStanding::Active, reason, json_mode),
        VotersCmd::Check { files } => rehearsal::voters_check(&app, &files, json_mode),
    }
}

fn status(app: &mut App, stt: u32, status: VoterStanding, reason: String, json_mode: bool) -> Result<(), Error> {
    let r = app.change_status(&StatusChangeInput { stt: stt.into(), status, reason })?;
    if json_mode {
        return print_json(&r.voter);
    }
    println!("Cử tri số {} — {}: {}", r.voter.stt, r.voter.name, r.status_vi);
    Ok(())
}
