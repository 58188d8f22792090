//! Golden tests of every printed form: the text pdftotext reads back and
//! low-resolution page images, compared with the committed files in
//! `tests/golden/forms/` (images with a tolerance). `UPDATE_GOLDEN=1`
//! rewrites them; look at the PNGs before committing.
//!
//! Also: fonts embedded and subset, PDF ≥ 1.4, `qpdf`-free structural check
//! by poppler reading every page.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::Cli;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/forms")
}

fn updating() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some()
}

pub(crate) fn tool(name: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| panic!("{name} (poppler-utils) is needed: {e}"));
    assert!(out.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// The text of a PDF as pdftotext reads it (layout mode, pages split by \f).
pub fn pdf_text(pdf: &Path) -> String {
    String::from_utf8_lossy(&tool("pdftotext", &["-layout", &pdf.display().to_string(), "-"])).into_owned()
}

pub(crate) fn pages_text(pdf: &Path, first: usize, last: usize) -> String {
    let t = tool("pdftotext", &["-layout", "-f", &first.to_string(), "-l", &last.to_string(), &pdf.display().to_string(), "-"]);
    // Trailing spaces are layout noise.
    String::from_utf8_lossy(&t).lines().map(str::trim_end).collect::<Vec<_>>().join("\n")
}

pub(crate) fn page_count(pdf: &Path) -> usize {
    let info = String::from_utf8_lossy(&tool("pdfinfo", &[&pdf.display().to_string()])).into_owned();
    info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).unwrap_or(0)
}

/// Gray 8-bit pixels of one page rendered at 24 dpi.
fn page_image(pdf: &Path, page: usize, dir: &Path) -> (u32, u32, Vec<u8>, Vec<u8>) {
    let prefix = dir.join(format!("img-{page}"));
    tool("pdftoppm", &["-png", "-gray", "-r", "24", "-f", &page.to_string(), "-l", &page.to_string(), "-singlefile", &pdf.display().to_string(), &prefix.display().to_string()]);
    let file = prefix.with_extension("png");
    let bytes = std::fs::read(&file).unwrap_or_default();
    let (w, h, px) = decode(&bytes);
    (w, h, px, bytes)
}

fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap_or_else(|e| panic!("png: {e}"));
    let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
    let info = reader.next_frame(&mut buf).unwrap_or_else(|e| panic!("png frame: {e}"));
    buf.truncate(info.buffer_size());
    // Gray (1 byte) or gray+alpha / RGB: keep the first channel.
    let step = info.line_size / info.width as usize;
    let px = buf.chunks(step.max(1)).map(|c| c[0]).collect();
    (info.width, info.height, px)
}

pub(crate) fn check_text(name: &str, text: &str) {
    let path = golden_dir().join(format!("{name}.txt"));
    if updating() {
        std::fs::create_dir_all(golden_dir()).unwrap_or_default();
        std::fs::write(&path, text).unwrap_or_default();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 to create)", path.display()));
    if want != text {
        let diff: Vec<String> = want.lines().zip(text.lines()).enumerate().filter(|(_, (a, b))| a != b).take(5).map(|(i, (a, b))| format!("line {}:\n  golden: {a}\n  now:    {b}", i + 1)).collect();
        panic!("{name}: text differs from {}\n{}", path.display(), diff.join("\n"));
    }
}

pub(crate) fn check_image(name: &str, pdf: &Path, page: usize, dir: &Path) {
    let (w, h, px, bytes) = page_image(pdf, page, dir);
    let path = golden_dir().join(format!("{name}-p{page}.png"));
    if updating() {
        std::fs::write(&path, &bytes).unwrap_or_default();
        return;
    }
    let golden = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 to create)", path.display()));
    let (gw, gh, gpx) = decode(&golden);
    assert_eq!((w, h), (gw, gh), "{name} page {page}: size");
    let total: u64 = px.iter().zip(&gpx).map(|(a, b)| u64::from(a.abs_diff(*b))).sum();
    let mean = total as f64 / px.len() as f64;
    let far = px.iter().zip(&gpx).filter(|(a, b)| a.abs_diff(**b) > 96).count() as f64 / px.len() as f64;
    assert!(mean < 2.0 && far < 0.005, "{name} page {page}: differs from {} (mean {mean:.2}, {:.2}% pixels)", path.display(), far * 100.0);
}

fn fonts_embedded_and_subset(pdf: &Path) {
    let out = String::from_utf8_lossy(&tool("pdffonts", &[&pdf.display().to_string()])).into_owned();
    let rows: Vec<&str> = out.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{out}");
    for r in rows {
        assert!(r.contains("LiberationSerif"), "{r}");
        let cols: Vec<&str> = r.split_whitespace().collect();
        let n = cols.len();
        // emb sub uni object ID → "yes yes yes N 0"
        assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "{r}");
    }
    let head = std::fs::read(pdf).unwrap_or_default();
    assert!(head.starts_with(b"%PDF-1.4"), "PDF version");
}

/// A night with fixed clock: 20 voters checked in, counted, XA finalized.
fn night() -> Cli {
    let cli = Cli::new();
    cli.env_now("2026-03-15T07:05:00+07:00");
    cli.ok(&["setup", "--demo"]);
    cli.ok(&["opening", "--time", "07:00", "--witness", "Trần Văn Mở", "--address", "Thôn Chẩn Xuyên 1", "--witness", "Lê Thị Hòm", "--address", "Thôn Nguyệt Viên"]);
    for stt in 1..=20u32 {
        if stt == 11 {
            cli.env_now("2026-03-15T09:40:00+07:00");
            cli.ok(&["turnout", "snapshot", "9 giờ 30"]);
        }
        cli.ok(&["checkin", &stt.to_string()]);
    }
    cli.env_now("2026-03-15T19:20:00+07:00");
    cli.ok(&[
        "team",
        "--leader",
        "Nguyễn Văn Tổ",
        "--secretary",
        "Lê Thị Ký",
        "--member",
        "Trần Văn Một",
        "--member",
        "Phạm Thị Hai",
        "--witness",
        "Hoàng Văn Chứng",
        "--address",
        "Thôn Chẩn Xuyên 2",
        "--witness",
        "Đỗ Thị Kiến",
        "--address",
        "Thôn Tràng Sơn",
    ]);
    cli.ok(&["incident", "add", "--time", "10:05", "--what", "Mất điện 20 phút", "--handled", "Phát phiếu theo danh sách giấy"]);
    cli.ok(&["closing", "--time", "19:00"]);
    cli.ok(&["recommend", "Đề nghị bổ sung đèn chiếu sáng cho phòng kiểm phiếu"]);
    for (level, file) in [("QH", "1 2 3\n1 2\n2 3\n1\n-\n"), ("TINH", "1 2 3\n4 5\n1 4\n2\nINVALID ghi_them\n"), ("XA", "1 2 3 4 5\n6 7 8\n1 2\n3\nINVALID khong_co_dau\n")] {
        cli.ok(&["count", "inventory", "--level", level, "--received", "30", "--unused", "10", "--spoiled", "0"]);
        let mut text = String::new();
        for _ in 0..4 {
            text.push_str(file);
        }
        let f = cli.write(&format!("{level}.txt"), &text);
        cli.ok(&["count", "ballots", "--level", level, &f]);
    }
    cli.ok(&["complaint", "add", "--content", "Cử tri đề nghị niêm yết lại danh sách", "--from", "Ông Lê Văn Nam"]);
    cli.ok(&["complaint", "settle", "1", "--outcome", "Tổ đã niêm yết lại"]);
    cli.env_now("2026-03-15T21:10:00+07:00");
    cli.ok(&["finalize", "--level", "XA"]);
    cli
}

/// Every item of an official form's text, in the form's order (whitespace
/// folded: lines wrap differently on paper).
fn assert_in_order(form: &str, text: &str, items: &[&str]) {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut at = 0;
    for item in items {
        let item = item.split_whitespace().collect::<Vec<_>>().join(" ");
        match t[at..].find(&item) {
            Some(i) => at += i + item.len(),
            None => panic!("{form}: \"{item}\" missing or out of order after byte {at}:\n{t}"),
        }
    }
}

#[test]
fn nq40_mau_18_23_and_32_print_every_item_in_order_with_the_recorded_facts() {
    // Nghị quyết 40/NQ-HĐBCQG (29/9/2025): Mẫu 18/HĐBC-QH, 23/HĐBC-HĐND,
    // 32/HĐBC, as in shared/forms-2026/ — each line item, in order, with the
    // facts the Tổ recorded (issue 12 §1, §2, §3).
    let cli = night();
    let pdf = |args: &[&str], name: &str| -> String {
        let p = cli.dir.path().join(name);
        let mut a = args.to_vec();
        let out = p.display().to_string();
        a.extend(["--out", out.as_str()]);
        cli.ok(&a);
        pdf_text(&p)
    };
    let qh = pdf(&["forms", "minutes", "--level", "QH"], "qh.pdf");
    assert_in_order(
        "Mẫu 18/HĐBC-QH",
        &qh,
        &[
            "Mẫu số 18/HĐBC-QH",
            "TỈNH THANH HÓA",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "BIÊN BẢN KẾT QUẢ KIỂM PHIẾU BẦU CỬ",
            "ĐẠI BIỂU QUỐC HỘI KHÓA XVI",
            "CỦA TỔ BẦU CỬ",
            "Khu vực bỏ phiếu số: 1",
            "Đơn vị bầu cử đại biểu Quốc hội số: 1",
            "Gồm(1): Xã Thiệu Ngọc",
            "Ngày 15 tháng 3 năm 2026, Tổ bầu cử gồm có:",
            "1. Nguyễn Văn Tổ - Tổ trưởng",
            "2. Lê Thị Ký - Thư ký",
            "3. Trần Văn Một - Ủy viên",
            "Đã họp tại phòng bỏ phiếu của khu vực bỏ phiếu số 1",
            "để tiến hành việc kiểm phiếu bầu cử đại biểu Quốc hội khóa XVI.",
            "Đúng 07 giờ 00 phút(2), ngày 15 tháng 3 năm 2026, trước khi thực hiện việc bỏ phiếu, đại diện Tổ bầu cử đã kiểm tra hòm phiếu với sự chứng kiến của hai cử tri là:",
            // Mẫu 18 names the witnesses without "Nơi ở hiện nay" (Mẫu 23 has it).
            "1. Trần Văn Mở",
            "2. Lê Thị Hòm",
            "Sau đó, Tổ bầu cử đã khóa và niêm phong hòm phiếu lại, mời cử tri bắt đầu bỏ phiếu.",
            "Đúng 19 giờ 00 phút(3), ngày 15 tháng 3 năm 2026, Tổ trưởng Tổ bầu cử tuyên bố kết thúc cuộc bầu cử và tiến hành kiểm phiếu ngay tại phòng bỏ phiếu.",
            "Trước khi mở hòm phiếu, Tổ trưởng Tổ bầu cử đã mời hai cử tri không phải là người ứng cử chứng kiến việc kiểm phiếu gồm:",
            "1. Hoàng Văn Chứng",
            "2. Đỗ Thị Kiến",
            "Trước khi mở hòm phiếu, Tổ bầu cử đã tiến hành kiểm kê và lập biên bản về việc sử dụng phiếu bầu cử đại biểu Quốc hội.",
            "Kết quả cuộc bầu cử như sau:",
            "- Số đại biểu Quốc hội được ấn định cho đơn vị bầu cử: 3 người",
            "- Số người ứng cử: 5 người",
            "- Tổng số cử tri của khu vực bỏ phiếu: 620 người(4)",
            "- Số cử tri đã tham gia bỏ phiếu: 20 người",
            "- Tỷ lệ cử tri đã tham gia bỏ phiếu so với tổng số cử tri:",
            "- Số phiếu phát ra: 20 phiếu",
            "- Số phiếu thu vào: 20 phiếu",
            "- Số phiếu hợp lệ: 16 phiếu. Tỷ lệ so với tổng số phiếu thu vào: 80,00%",
            "- Số phiếu không hợp lệ: 4 phiếu. Tỷ lệ so với tổng số phiếu thu vào: 20,00%",
            "- Số phiếu bầu cho mỗi người ứng cử như sau(5):",
            "1. Bà Đào Thanh Hà được 12 phiếu/16 phiếu hợp lệ",
            "2. Ông Ngô Đình Hùng được 12 phiếu/16 phiếu hợp lệ",
            "Trong ngày bầu cử và thời gian kiểm phiếu, đã xảy ra sự việc hoặc khiếu nại, tố cáo sau đây(6):",
            "Lúc 10:05: Mất điện 20 phút. Cách giải quyết: Phát phiếu theo danh sách giấy",
            "Khiếu nại, tố cáo của Ông Lê Văn Nam: Cử tri đề nghị niêm yết lại danh sách. Tổ bầu cử đã giải quyết: Tổ đã niêm yết lại",
            "Những vấn đề hoặc khiếu nại, tố cáo mà Tổ bầu cử chưa giải quyết được và kiến nghị(7):",
            "Đề nghị bổ sung đèn chiếu sáng cho phòng kiểm phiếu",
            "Biên bản này được hoàn thành vào hồi",
            "được lập thành 03 bản và được gửi đến Ban bầu cử đại biểu Quốc hội, Ủy ban nhân dân, Ban thường trực Ủy ban Mặt trận Tổ quốc Việt Nam cấp xã.(9)",
            "CỬ TRI THỨ NHẤT",
            "CỬ TRI THỨ HAI",
            "CHỨNG KIẾN VIỆC KIỂM PHIẾU",
            "TM. TỔ BẦU CỬ",
            "THƯ KÝ",
            "TỔ TRƯỞNG",
            "(Ký, ghi rõ họ và tên, đóng dấu của Tổ bầu cử)",
            "Ghi chú: Nhất thiết không được tẩy xóa trên biên bản.",
            "(1) Ghi tên các đơn vị hành chính cấp xã trong phạm vi đơn vị bầu cử đại biểu Quốc hội.",
            "(9) Biên bản phải được gửi đến các cơ quan được nêu tên chậm nhất là 03 ngày sau ngày bầu cử.",
            "Số phiếu bầu sau khi đã được kiểm được tiến hành niêm phong và quản lý theo hướng dẫn của Bộ Nội vụ.",
        ],
    );
    // The locked XA minutes: Mẫu 23 with the completion time of the lock.
    let xa = pdf(&["forms", "minutes", "--level", "XA"], "xa.pdf");
    assert_in_order(
        "Mẫu 23/HĐBC-HĐND",
        &xa,
        &[
            "Mẫu số 23/HĐBC-HĐND",
            "Tỉnh/Thành phố: Thanh Hóa",
            "Xã/Phường/Đặc khu: Thiệu Ngọc",
            "BIÊN BẢN KẾT QUẢ KIỂM PHIẾU BẦU CỬ",
            "ĐẠI BIỂU HỘI ĐỒNG NHÂN DÂN(1) XÃ THIỆU NGỌC",
            "NHIỆM KỲ 2026-2031",
            "CỦA TỔ BẦU CỬ",
            "Đơn vị bầu cử đại biểu Hội đồng nhân dân xã Thiệu Ngọc số: 3",
            "Gồm(2): Thôn Chẩn Xuyên 1",
            "Đúng 07 giờ 00 phút(3)",
            "Nơi ở hiện nay: Thôn Chẩn Xuyên 1",
            "Sau đó, Tổ bầu cử đã khóa và niêm phong hòm phiếu, mời cử tri bắt đầu bỏ phiếu.",
            "Đúng 19 giờ 00 phút(4)",
            "- Số đại biểu Hội đồng nhân dân được ấn định cho đơn vị bầu cử: 5 người",
            "- Số người ứng cử: 8 người",
            "- Số phiếu bầu cho mỗi người ứng cử như sau(6):",
            "Trong ngày bầu cử và thời gian kiểm phiếu, đã xảy ra sự việc hoặc khiếu nại, tố cáo sau đây(7):",
            "Biên bản này được hoàn thành vào hồi 21 giờ 10 phút(9), ngày 15 tháng 3 năm 2026, được lập thành 03 bản và gửi đến Ban bầu cử đại biểu Hội đồng nhân dân xã Thiệu Ngọc",
            "THƯ KÝ",
            "Ghi chú: Nhất thiết không được tẩy xóa trên biên bản.",
            // Note (10) whole, with both recipients' lines.
            "(10) Tổ bầu cử lập 03 loại biên bản theo mẫu này để thể hiện kết quả kiểm phiếu bầu cử đại biểu Hội đồng nhân dân ở từng cấp, cụ thể như sau:",
            "- Biên bản kết quả kiểm phiếu bầu cử đại biểu Hội đồng nhân dân tỉnh, thành phố được gửi đến Ban bầu cử đại biểu Hội đồng nhân dân cấp tỉnh",
            "- Biên bản kết quả kiểm phiếu bầu cử đại biểu Hội đồng nhân dân xã/phường/đặc khu được gửi đến Ban bầu cử đại biểu Hội đồng nhân dân cấp xã",
            "Các biên bản phải được gửi đến các cơ quan được nêu tên chậm nhất là 03 ngày sau ngày bầu cử.",
        ],
    );
    // Mid-sentence the commune is "xã Thiệu Ngọc", lower case.
    assert!(xa.contains("Khu vực bỏ phiếu số: 1 (") && !xa.contains("), Xã Thiệu Ngọc"), "{xa}");
    let kk = pdf(&["forms", "inventory"], "kk.pdf");
    assert_in_order(
        "Mẫu 32/HĐBC",
        &kk,
        &[
            "Mẫu số 32/HĐBC",
            "TỔ BẦU CỬ",
            "BIÊN BẢN KIỂM KÊ VIỆC SỬ DỤNG PHIẾU BẦU CỬ",
            "ĐẠI BIỂU QUỐC HỘI KHÓA XVI VÀ ĐẠI BIỂU HỘI ĐỒNG NHÂN DÂN CÁC CẤP NHIỆM KỲ 2026-2031",
            "Khu vực bỏ phiếu số: 1",
            "Thuộc xã/phường/đặc khu: Thiệu Ngọc",
            "Tỉnh/thành phố: Thanh Hóa",
            "Vào hồi 19 giờ 00, ngày 15 tháng 3 năm 2026, Tổ trưởng Tổ bầu cử tuyên bố kết thúc cuộc bầu cử",
            "dưới sự chứng kiến của hai cử tri không phải là người ứng cử gồm:",
            "1. Ông/Bà Hoàng Văn Chứng. Nơi ở hiện nay: Thôn Chẩn Xuyên 2",
            "Kết quả kiểm kê việc sử dụng phiếu bầu cử như sau:",
            "1. Số phiếu Tổ bầu cử đã nhận về là: 90 phiếu",
            "Trong đó: Phiếu bầu cử đại biểu Quốc hội là: 30 phiếu",
            "Phiếu bầu cử đại biểu HĐND cấp tỉnh là: 30 phiếu",
            "Phiếu bầu cử đại biểu HĐND cấp xã là: 30 phiếu",
            "2. Số phiếu phát ra là: 60 phiếu",
            "3. Số phiếu cử tri đổi do gạch hỏng là: 0 phiếu",
            "4. Số phiếu còn lại không sử dụng đến là: 30 phiếu",
            "Sau khi kiểm kê, Tổ bầu cử đã niêm phong toàn bộ số phiếu chưa sử dụng và số phiếu cử tri đổi do gạch hỏng.",
            "Biên bản kiểm kê việc sử dụng phiếu bầu được lập thành 05 bản và được gửi đến:",
            "- Ban bầu cử đại biểu Quốc hội, đơn vị bầu cử số 1 (kèm theo số phiếu bầu cử đại biểu Quốc hội đã được niêm phong);",
            "- Ủy ban nhân dân, Ban thường trực Ủy ban Mặt trận Tổ quốc Việt Nam cùng cấp.",
            "TM. TỔ BẦU CỬ",
            "Lưu ý:",
            "- Phiếu bầu đại biểu Quốc hội chưa sử dụng hoặc gạch hỏng.",
            "Tổ bầu cử gửi bì niêm phong từng loại phiếu bầu kèm theo Biên bản này đến từng Ban bầu cử tương ứng.",
        ],
    );
    // A fact not recorded prints as the form's dotted line, never invented.
    let blank = Cli::team();
    let p = blank.dir.path().join("b.pdf");
    blank.ok(&["forms", "minutes", "--level", "QH", "--out", &p.display().to_string()]);
    assert_in_order("Mẫu 18 (trống)", &pdf_text(&p), &["Đúng ........ giờ ........ phút(2)", "hồi .... giờ .... phút(8), ngày .... tháng .... năm 2026"]);
}

#[test]
fn a_revision_keeps_the_end_of_the_count_and_states_its_reason_outside_the_form_text() {
    // Mẫu 23/HĐBC-HĐND note (9): "Ghi thời điểm kết thúc việc kiểm phiếu".
    // Correcting the minutes two days later does not move the end of the
    // count; the revision and its reason print as a note under the header,
    // not as a sentence the official form does not have.
    let cli = night();
    cli.env_now("2026-03-17T09:30:00+07:00");
    cli.ok(&["count", "reopen", "--level", "XA", "--reason", "Sửa lỗi đánh máy tên cử tri chứng kiến"]);
    cli.ok(&["finalize", "--level", "XA"]);
    let p = cli.dir.path().join("rev2.pdf");
    cli.ok(&["forms", "minutes", "--level", "XA", "--out", &p.display().to_string()]);
    let t = pdf_text(&p);
    assert_in_order(
        "Mẫu 23, bản số 2",
        &t,
        &["(Bản số 2, lập lại vì: Sửa lỗi đánh máy tên cử tri chứng kiến)", "BIÊN BẢN KẾT QUẢ KIỂM PHIẾU BẦU CỬ", "Biên bản này được hoàn thành vào hồi 21 giờ 10 phút(9), ngày 15 tháng 3 năm 2026"],
    );
    assert!(!t.contains("Biên bản này là Bản số"), "{t}");
}

#[test]
fn every_form_matches_its_golden_text_and_images() {
    let cli = night();
    let dir = cli.dir.path().to_path_buf();
    for (name, args, pages) in [
        ("minutes", vec!["minutes"], vec![1, 2, 3, 6]),
        ("minutes-xa", vec!["minutes", "--level", "XA"], vec![1, 2]),
        ("inventory", vec!["inventory"], vec![1]),
        ("voter-list", vec!["voter-list"], vec![1, 24, 25]),
        ("voter-cards", vec!["voter-cards"], vec![1]),
        ("turnout", vec!["turnout"], vec![1]),
    ] {
        let pdf = dir.join(format!("{name}.pdf"));
        let mut a = vec!["forms"];
        a.extend(args);
        let out = pdf.display().to_string();
        a.extend(["--out", out.as_str()]);
        cli.ok(&a);
        fonts_embedded_and_subset(&pdf);
        let n = page_count(&pdf);
        assert!(pages.iter().all(|p| *p <= n), "{name}: {n} pages");
        let mut text = String::new();
        for p in &pages {
            text.push_str(&format!("=== trang {p}/{n}\n"));
            text.push_str(&pages_text(&pdf, *p, *p));
            text.push('\n');
        }
        check_text(name, &text);
        for p in pages.iter().take(2) {
            check_image(name, &pdf, *p, &dir);
        }
    }
}

#[test]
fn voter_list_repeats_header_and_totals_every_voter() {
    let cli = Cli::new();
    cli.ok(&["setup", "--demo"]);
    let pdf = cli.dir.path().join("vl.pdf");
    let r = cli.json(&["--json", "forms", "voter-list", "--out", &pdf.display().to_string()]);
    let n = r["pages"].as_u64().unwrap_or(0) as usize;
    assert!(n > 10);
    let text = pdf_text(&pdf);
    let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert_eq!(pages.len(), n);
    // The table's header repeats on every page of the table; the totals
    // row, the footer counts and the signature block stay together on its
    // last page; the form's notes (Mẫu số 31/HĐBC "Ghi chú:") follow.
    let last = pages.iter().position(|p| p.contains("Tổng số: ")).unwrap_or_else(|| panic!("no totals row"));
    for (i, p) in pages.iter().enumerate() {
        assert_eq!(p.contains("Họ và tên") && p.contains("Nơi cư trú"), i <= last, "header on page {} (table ends on page {})", i + 1, last + 1);
        assert!(p.contains(&format!("Trang {}/{n}", i + 1)));
    }
    let end = pages[last];
    assert!(
        end.contains("Tổng số cử tri của khu vực bỏ phiếu là") && end.contains("TM. ỦY BAN NHÂN DÂN (***)") && end.contains("(Ký, ghi rõ họ và tên, đóng dấu của Ủy ban nhân dân)"),
        "totals and signature together:\n{end}"
    );
    assert!(text.contains("PHÓ CHỦ TỊCH"), "the notes end with the KT. block");
    let voters = cli.json(&["--json", "voters", "list"]);
    let listed = voters.as_array().map(Vec::len).unwrap_or(0);
    assert!(text.contains(&format!("Tổng số cử tri của khu vực bỏ phiếu là: {listed} người")), "totals footer");
    // Every voter's name is printed (whitespace-insensitive: names may wrap).
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for v in voters.as_array().into_iter().flatten().take(50) {
        let first = v["name"].as_str().unwrap_or("").split(' ').next().unwrap_or("");
        assert!(flat.contains(first));
    }
}

#[test]
fn unknown_form_is_refused() {
    let cli = Cli::new();
    cli.ok(&["setup", "--demo"]);
    let out = cli.run(&["forms", "ballot", "--out", &cli.dir.path().join("x.pdf").display().to_string()]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("voter-list"), "{}", out.stderr);
    let out = cli.run(&["forms", "minutes", "--level", "HUYEN", "--out", "x.pdf"]);
    assert_eq!(out.code, 1);
    // A kiểm kê not yet entered prints as a blank record to fill by hand.
    let blank = cli.dir.path().join("kk.pdf");
    cli.ok(&["forms", "inventory", "--level", "QH", "--out", &blank.display().to_string()]);
    // Mẫu 32/HĐBC is one record for every level: totals and "trong đó".
    let t = pdf_text(&blank);
    assert!(t.contains("Phiếu bầu cử đại biểu Quốc hội là: .......... phiếu") && t.contains("1. Số phiếu Tổ bầu cử đã nhận về là: .........."), "{t}");
    assert!(t.contains("Phiếu bầu cử đại biểu HĐND cấp xã là"), "{t}");
    let out = cli.run(&["forms", "minutes", "--out", "/nonexistent-dir/x.pdf"]);
    assert_eq!(out.code, 1);
    assert!(!Path::new("x.pdf").exists());
}
