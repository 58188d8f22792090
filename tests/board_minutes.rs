//! The Ban bầu cử's minutes (issue 12 item 5) and the rounds a board
//! declares (item 6) through the real binary, on the demo commune.
//!
//! * NQ 40, Mẫu 19/HĐBC-QH and Mẫu 24/HĐBC-HĐND: every line item of the
//!   official text (`shared/forms-2026/mau-19-HDBC-QH.txt`,
//!   `mau-24-HDBC-HDND.txt`) appears, in order, in `pdftotext -raw` of the
//!   rendered PDF, with the facts the board recorded filled in; goldens of
//!   the text and page images.
//! * The outcome states the truth: XA-04 (3 of 5 seats) "nay đã bầu được 3
//!   đại biểu, còn thiếu 2 đại biểu" and footnote 7's additional-vote
//!   sentence; a full constituency "còn thiếu 0".
//! * Items d–g (footnotes 8–11) carry what the teams' minutes recorded —
//!   KV03's power cut in d), KV05's settled complaint in đ), KV04's
//!   forwarded one in e) or g) by the Ban's decision — and dotted lines
//!   where nothing was recorded; the notes (1)–(13) close both forms.
//! * `round declare` (Art. 79–80 Luật Bầu cử 85/2015/QH13, amended
//!   83/2025/QH15) is refused unless the first round calls for it, logged
//!   when declared, and shown in `results --json` as `rounds`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::forms::{check_image, check_text, page_count, pages_text, tool};
use crate::util::{run_on, Out};

fn run(db: &Path, args: &[&str]) -> Out {
    run_on(db, args, &[("TOBAUCU_NOW", Some("2026-03-17T10:00:00+07:00")), ("TOBAUCU_PASSPHRASE", None)])
}

fn ok(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    assert_eq!(o.code, 0, "tobaucu {args:?} failed:\n{}\n{}", o.stdout, o.stderr);
    o.stdout
}

fn json(db: &Path, args: &[&str]) -> Value {
    let s = ok(db, args);
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {s}"))
}

/// A scratch copy of the demo commune's database (and its bundle store).
fn commune(dir: &tempfile::TempDir) -> PathBuf {
    let src = crate::bundle::demo().join("xa-X0412.sqlite");
    let db = dir.path().join("xa.sqlite");
    for suffix in ["", "-goi", "-wal"] {
        let from = PathBuf::from(format!("{}{suffix}", src.display()));
        if from.exists() {
            std::fs::copy(&from, format!("{}{suffix}", db.display())).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
        }
    }
    db
}

/// Collapsed whitespace.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// 1052 → "1.052".
fn n(v: &Value) -> String {
    let digits = v.as_u64().unwrap_or(0).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// `a` of `b` in percent, 2 decimals half-up, Vietnamese comma.
fn pct(a: &Value, b: &Value) -> String {
    let (a, b) = (a.as_u64().unwrap_or(0), b.as_u64().unwrap_or(1).max(1));
    let h = (a * 20_000 + b) / (2 * b);
    format!("{},{:02}", h / 100, h % 100)
}

/// Every fragment appears in `text`, each after the one before.
fn in_order(what: &str, text: &str, fragments: &[String]) {
    let mut at = 0;
    for f in fragments {
        let f = flat(f);
        match text[at..].find(&f) {
            Some(i) => at += i + f.len(),
            None => {
                let found_earlier = text.find(&f).is_some();
                panic!("{what}: «{f}» {} after byte {at}\n---\n{}", if found_earlier { "is out of order" } else { "is missing" }, &text[at.saturating_sub(300)..(at + 1500).min(text.len())]);
            }
        }
    }
}

/// The figures lines of both forms (Mẫu 19 ends them with a period).
fn figures(c: &Value, period: &str) -> Vec<String> {
    vec![
        format!("- Tổng số cử tri của đơn vị bầu cử: {} người{period}", n(&c["voters_listed"])),
        format!("- Số cử tri đã tham gia bỏ phiếu: {} người{period}", n(&c["voters_voted"])),
        format!("- Tỷ lệ cử tri đã tham gia bỏ phiếu so với tổng số cử tri của đơn vị bầu cử: {}%", pct(&c["voters_voted"], &c["voters_listed"])),
        format!("- Số phiếu phát ra: {} phiếu{period}", n(&c["ballots_issued"])),
        format!("- Số phiếu thu vào: {} phiếu{period}", n(&c["ballots_received"])),
        format!("- Số phiếu hợp lệ: {} phiếu. Tỷ lệ so với tổng số phiếu thu vào: {}%", n(&c["ballots_valid"]), pct(&c["ballots_valid"], &c["ballots_received"])),
        format!("- Số phiếu không hợp lệ: {} phiếu. Tỷ lệ so với tổng số phiếu thu vào: {}%", n(&c["ballots_invalid"]), pct(&c["ballots_invalid"], &c["ballots_received"])),
    ]
}

/// "Ông" or "Bà" for each candidate id, by the gender the demo election's
/// definition gives (as the Tổ minutes name them).
fn title(id: &Value) -> &'static str {
    static TITLES: std::sync::OnceLock<std::collections::HashMap<String, &'static str>> = std::sync::OnceLock::new();
    let titles = TITLES.get_or_init(|| {
        let def: Value = serde_json::from_slice(&std::fs::read(crate::bundle::demo().join("election.json")).unwrap_or_default()).unwrap_or_default();
        let mut m = std::collections::HashMap::new();
        for c in def["constituencies"].as_array().into_iter().flatten() {
            for x in c["candidates"].as_array().into_iter().flatten() {
                m.insert(x["id"].as_str().unwrap_or("").to_owned(), if x["gender"] == "Nữ" { "Bà" } else { "Ông" });
            }
        }
        m
    });
    titles.get(id.as_str().unwrap_or("")).copied().unwrap_or_else(|| panic!("no candidate {id}"))
}

/// "1. Bà X số phiếu: N đạt: P% so với tổng số phiếu hợp lệ." for the
/// elected, most votes first (footnote 6).
fn elected_lines(c: &Value) -> Vec<String> {
    let cands = c["candidates"].as_array().cloned().unwrap_or_default();
    c["elected"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, id)| {
            let x = cands.iter().find(|x| x["id"] == *id).cloned().unwrap_or_default();
            format!("{}. {} {} số phiếu: {} đạt: {}% so với tổng số phiếu hợp lệ.", i + 1, title(id), x["name"].as_str().unwrap_or(""), n(&x["votes"]), x["percent_vi"].as_str().unwrap_or(""))
        })
        .collect()
}

const QH_SETTLED: &str = "Đơn của ông Nguyễn Văn Ân về việc niêm yết chậm kết quả: Ban bầu cử đã trả lời bằng văn bản ngày 16/3/2026";
const QH_FORWARDED: &str = "Đơn tố cáo của bà Phạm Thị Bé chuyển Ủy ban bầu cử tỉnh Thanh Hóa";
const XA_EVENTS: &str = "Khu vực bỏ phiếu số 5 mất điện 20 phút khi kiểm phiếu; Tổ bầu cử dùng đèn dự phòng";
/// How the Ban settled the complaint KV04's Tổ forwarded to it.
const XA_SETTLED: &str = "Ban bầu cử đối chiếu danh sách, cử tri đúng là người có tên; trả lời bằng văn bản";
/// KV04's complaint as its minutes forwarded it (status "forwarded").
const KV04_FORWARDED: &str = "Tổ bầu cử khu vực bỏ phiếu số 4 (Thôn Tràng Sơn): Cử tri phản ánh thẻ cử tri ghi sai năm sinh — người khiếu nại, tố cáo: Bà Trần Thị Mơ; ý kiến của Tổ bầu cử: Tổ bầu cử đã cho cử tri bỏ phiếu theo danh sách; chuyển Ban bầu cử xem xét";
/// KV03's power cut as its minutes recorded it (QH, TINH and XA-03).
const KV03_INCIDENT: &str = "Tổ bầu cử khu vực bỏ phiếu số 3 (Thôn Nguyệt Viên): Lúc 10:05: Mất điện khoảng 20 phút tại phòng bỏ phiếu. Cách giải quyết: Tiếp tục phát phiếu theo danh sách cử tri giấy; nhập bổ sung khi có điện";
/// The start of a dotted line left for hand-writing.
const DOTTED: &str = "....................";

/// Records the Ban's facts of QH-01 and XA-04 and prints the minutes.
fn recorded(db: &Path) -> PathBuf {
    ok(
        db,
        &[
            "team",
            "--constituency",
            "QH-01",
            "--leader",
            "Hoàng Minh Trưởng",
            "--deputy",
            "Vũ Thị Phó",
            "--deputy",
            "Đinh Văn Phó",
            "--member",
            "Lý Thị Viên",
            "--member",
            "Tạ Văn Viên",
            "--place",
            "Trụ sở Ủy ban nhân dân xã Thiệu Ngọc",
            "--time",
            "07:45",
            "--date",
            "17/03/2026",
        ],
    );
    ok(
        db,
        &[
            "board-note",
            "--constituency",
            "QH-01",
            "--settled",
            QH_SETTLED,
            "--forwarded",
            QH_FORWARDED,
            "--attached",
            "Đơn khiếu nại của ông Nguyễn Văn Ân",
            "--attached",
            "Báo cáo của Tổ bầu cử số 2",
        ],
    );
    ok(db, &["team", "--constituency", "XA-04", "--leader", "Lê Văn Trưởng", "--deputy", "Trần Thị Phó", "--place", "Hội trường Ủy ban nhân dân xã Thiệu Ngọc", "--time", "09:00"]);
    ok(db, &["board-note", "--constituency", "XA-04", "--events", XA_EVENTS, "--ban-settled", &format!("X0412-KV04#1={XA_SETTLED}")]);
    let pdf = db.with_file_name("bien-ban-xac-dinh.pdf");
    ok(db, &["forms", "board-minutes", "--out", &pdf.display().to_string()]);
    pdf
}

#[test]
fn mau19_qh_and_mau24_hdnd_every_line_item_in_order_with_the_recorded_facts() {
    let dir = tempfile::tempdir().unwrap();
    let db = commune(&dir);
    let pdf = recorded(&db);
    let raw = flat(&String::from_utf8_lossy(&tool("pdftotext", &["-raw", &pdf.display().to_string(), "-"])));
    let r = json(&db, &["results", "--json"]);
    let qh = &r["constituencies"]["QH-01"];
    let xa = &r["constituencies"]["XA-04"];
    let cands = |c: &Value| c["candidates"].as_array().cloned().unwrap_or_default();

    // NQ 40, Mẫu 19/HĐBC-QH, item by item.
    let mut want: Vec<String> = [
        "Mẫu số 19/HĐBC-QH",
        "BAN BẦU CỬ ĐẠI BIỂU QUỐC HỘI",
        "ĐƠN VỊ BẦU CỬ SỐ 1",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BIÊN BẢN",
        "XÁC ĐỊNH KẾT QUẢ BẦU CỬ ĐẠI BIỂU QUỐC HỘI KHÓA XVI",
        "Ở ĐƠN VỊ BẦU CỬ SỐ 1",
        "Gồm xã Thiệu Ngọc",
        "Vào hồi 07 giờ 45 phút, ngày 17 tháng 3 năm 2026, Ban bầu cử đại biểu Quốc hội gồm có:",
        "1. Ông/Bà Hoàng Minh Trưởng, Trưởng ban",
        "2. Ông/Bà Vũ Thị Phó, Phó Trưởng ban",
        "3. Ông/Bà Đinh Văn Phó, Phó Trưởng ban",
        "4. Ông/Bà Lý Thị Viên, Ủy viên",
        "5. Ông/Bà Tạ Văn Viên, Ủy viên",
        "Đã họp tại Trụ sở Ủy ban nhân dân xã Thiệu Ngọc để lập biên bản xác định kết quả bầu cử đại biểu Quốc hội khóa XVI tại các khu vực bỏ phiếu của đơn vị bầu cử đại biểu Quốc hội số: 1 gồm(1) xã Thiệu Ngọc thuộc tỉnh Thanh Hóa.",
        "Theo Nghị quyết số: ......../NQ-HĐBCQG ngày ....... tháng ...... năm 2025 của Hội đồng bầu cử quốc gia, thì đơn vị bầu cử số: 1 được bầu(2) 3 đại biểu Quốc hội.",
        "Theo Nghị quyết số ....../NQ-HĐBCQG ngày .... tháng ..... năm 2026 của Hội đồng bầu cử quốc gia, thì đơn vị bầu cử đại biểu Quốc hội số 1 có(3) 5 người ứng cử đại biểu Quốc hội.",
        "Sau khi kiểm tra và tổng hợp kết quả từ Biên bản kết quả kiểm phiếu do các Tổ bầu cử chuyển đến, kết quả bầu cử đại biểu Quốc hội ở đơn vị bầu cử số 1 như sau:",
    ]
    .map(String::from)
    .to_vec();
    want.extend(figures(qh, "."));
    want.push("SỐ PHIẾU BẦU CHO MỖI NGƯỜI ỨNG CỬ(4)".into());
    want.push("Tên xã, phường, đặc khu trong phạm vi đơn vị bầu cử".into());
    want.push("Số khu vực bỏ phiếu".into());
    // Footnote 4: one column per candidate, in the official list's order,
    // "Ông (Bà)" filled by the candidate's gender.
    for x in cands(qh) {
        want.push(format!("Số phiếu bầu cho {} {}", title(&x["id"]), x["name"].as_str().unwrap_or("")));
    }
    want.push("Ghi chú".into());
    let votes: Vec<String> = cands(qh).iter().map(|x| n(&x["votes"])).collect();
    want.push(format!("Xã Thiệu Ngọc 6 {}", votes.join(" ")));
    want.push(format!("Tổng cộng: 6 {}", votes.join(" ")));
    let pcts: Vec<String> = cands(qh).iter().map(|x| format!("{}%", x["percent_vi"].as_str().unwrap_or(""))).collect();
    want.push(format!("Tỷ lệ % so với tổng số phiếu hợp lệ {}", pcts.join(" ")));
    want.push("Căn cứ vào kết quả ghi trên đây, Ban bầu cử đại biểu Quốc hội kết luận:".into());
    want.push(format!("a) Số cử tri đã tham gia bỏ phiếu đạt {}% so với tổng số cử tri của đơn vị bầu cử.", pct(&qh["voters_voted"], &qh["voters_listed"])));
    want.push("b) Các Ông/Bà có tên sau đây nhận được quá nửa tổng số phiếu hợp lệ và có nhiều phiếu hơn, đã trúng cử đại biểu Quốc hội khóa XVI(6):".into());
    want.extend(elected_lines(qh));
    want.extend(
        [
            "c) Theo ấn định của Hội đồng bầu cử quốc gia thì số đại biểu Quốc hội được bầu ở đơn vị bầu cử số 1 là 3 đại biểu, nay đã bầu được 3 đại biểu, còn thiếu 0 đại biểu.",
            // Footnote 8: what the Tổ of KV03 recorded, named by its Tổ.
            "d) Tóm tắt những việc xảy ra(8):",
            &format!("- {KV03_INCIDENT}"),
            // Footnote 9: no Tổ settled a complaint; nothing is claimed.
            "đ) Những khiếu nại, tố cáo trong quá trình bầu cử do các Tổ bầu cử đã giải quyết(9):",
            DOTTED,
            "e) Những khiếu nại, tố cáo trong quá trình bầu cử do Ban bầu cử đã giải quyết, cách giải quyết(10):",
            &format!("- {QH_SETTLED}"),
            "g) Những khiếu nại, tố cáo chuyển đến Ủy ban bầu cử ở tỉnh/thành phố, Hội đồng bầu cử quốc gia(11):",
            &format!("- {QH_FORWARDED}"),
            "Biên bản xác định kết quả bầu cử đại biểu Quốc hội khóa XVI ở đơn vị bầu cử số 1 được lập thành 03 bản và được gửi đến Hội đồng bầu cử quốc gia, Ủy ban bầu cử tỉnh/thành phố, Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, thành phố.(12)",
            "Các tài liệu kèm theo gồm(13):",
            "1. Đơn khiếu nại của ông Nguyễn Văn Ân",
            "2. Báo cáo của Tổ bầu cử số 2",
            "TM. BAN BẦU CỬ TRƯỞNG BAN",
            "(Ký, ghi rõ họ và tên, đóng dấu của Ban bầu cử)",
            "Hoàng Minh Trưởng",
            "CÁC PHÓ TRƯỞNG BAN BẦU CỬ",
            "(Ký, ghi rõ họ và tên)",
            "Vũ Thị Phó",
            "Đinh Văn Phó",
            // The form's notes, after the signatures.
            "Ghi chú: Nhất thiết không được tẩy xóa trên biên bản.",
            "(1) Ghi tên các đơn vị hành chính cấp xã trong phạm vi đơn vị bầu cử đại biểu Quốc hội.",
            "(13) Ví dụ như các đơn khiếu nại, tố cáo hay tờ trình, báo cáo của Tổ bầu cử.",
            "Việc xác định kết quả trong bầu cử lại, bầu cử thêm được Ban bầu cử đại biểu Quốc hội lập thành biên bản riêng.",
        ]
        .map(String::from),
    );
    let qh_doc = &raw[..raw.find("Mẫu số 24/HĐBC-HĐND BAN BẦU CỬ ĐẠI BIỂU").unwrap_or(raw.len())];
    in_order("Mẫu 19/HĐBC-QH (QH-01)", qh_doc, &want);
    assert!(!qh_doc.contains("THƯ KÝ") && !qh_doc.contains("(7) Vì"), "no Thư ký; nothing to add: {qh_doc}");
    assert!(!qh_doc.contains("Ông/Bà Đào Thanh Hà") && qh_doc.contains("1. Bà Đào Thanh Hà số phiếu:"), "{qh_doc}");

    // NQ 40, Mẫu 24/HĐBC-HĐND, item by item (XA-04: the last document).
    let mut want: Vec<String> = [
        "Mẫu số 24/HĐBC-HĐND",
        "BAN BẦU CỬ ĐẠI BIỂU",
        "HỘI ĐỒNG NHÂN DÂN(1) XÃ THIỆU NGỌC",
        "ĐƠN VỊ BẦU CỬ SỐ 4",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BIÊN BẢN XÁC ĐỊNH KẾT QUẢ BẦU CỬ",
        "ĐẠI BIỂU HỘI ĐỒNG NHÂN DÂN(1) XÃ THIỆU NGỌC",
        "Ở ĐƠN VỊ BẦU CỬ SỐ 4",
        // Footnote 2: a commune council's constituency is named by its thôn.
        "Gồm(2) thôn Tràng Sơn, thôn Yên Lộ, thôn Nhân Mỹ",
        "Vào hồi 09 giờ 00 phút, ngày 17 tháng 3 năm 2026, Ban bầu cử đại biểu Hội đồng nhân dân(1) xã Thiệu Ngọc gồm có:",
        "1. Ông/Bà Lê Văn Trưởng, Trưởng Ban",
        "2. Ông/Bà Trần Thị Phó, Phó Trưởng ban",
        "3. Ông/Bà ........................................, Ủy viên",
        "4. ........................................",
        "Đã họp tại Hội trường Ủy ban nhân dân xã Thiệu Ngọc để lập biên bản xác định kết quả bầu cử đại biểu Hội đồng nhân dân(1) xã Thiệu Ngọc khóa .........., nhiệm kỳ 2026-2031 tại các khu vực bỏ phiếu của đơn vị bầu cử đại biểu Hội đồng nhân dân số 4 gồm(2) thôn Tràng Sơn, thôn Yên Lộ, thôn Nhân Mỹ.",
        "Theo Nghị quyết số ....../NQ-UBBC ngày ...... tháng ...... năm ........ của Ủy ban bầu cử(1) xã Thiệu Ngọc thì đơn vị bầu cử số 4 được bầu(3) 5 đại biểu Hội đồng nhân dân.",
        "Theo Nghị quyết số ....../NQ-UBBC ngày ........ tháng .......... năm 2026 của Ủy ban bầu cử(1) xã Thiệu Ngọc thì đơn vị bầu cử số 4 có(4) 8 người ứng cử đại biểu Hội đồng nhân dân.",
        "Sau khi kiểm tra và tổng hợp kết quả từ Biên bản kết quả kiểm phiếu bầu cử do các Tổ bầu cử chuyển đến, kết quả bầu cử đại biểu Hội đồng nhân dân(1) xã Thiệu Ngọc ở đơn vị bầu cử số 4 như sau:",
    ]
    .map(String::from)
    .to_vec();
    want.extend(figures(xa, ""));
    want.push("- Số phiếu bầu cho mỗi người ứng cử như sau:".into());
    for (i, x) in cands(xa).iter().enumerate() {
        want.push(format!("{}. {} {} được {} phiếu/{} phiếu hợp lệ", i + 1, title(&x["id"]), x["name"].as_str().unwrap_or(""), n(&x["votes"]), n(&xa["ballots_valid"])));
    }
    want.push("Căn cứ vào kết quả ghi trên đây, Ban bầu cử đại biểu Hội đồng nhân dân(1) xã Thiệu Ngọc kết luận:".into());
    want.push(format!("a) Số cử tri đã tham gia bỏ phiếu đạt {}% so với tổng số cử tri của đơn vị bầu cử.", pct(&xa["voters_voted"], &xa["voters_listed"])));
    want.push(
        "b) Các ông/bà có tên sau đây nhận được quá nửa tổng số phiếu hợp lệ và có nhiều phiếu hơn, đã trúng cử đại biểu Hội đồng nhân dân(1) xã Thiệu Ngọc khóa ......, nhiệm kỳ 2026-2031(6):".into(),
    );
    want.extend(elected_lines(xa));
    want.extend(
        [
            // The demo commune's XA-04 fills 3 of 5 seats (footnote 7).
            "c) Theo ấn định của Ủy ban bầu cử(1) xã Thiệu Ngọc, thì số đại biểu Hội đồng nhân dân(1) xã Thiệu Ngọc được bầu ở đơn vị bầu cử số 4 là 5 đại biểu, nay đã bầu được 3 đại biểu, còn thiếu 2 đại biểu.",
            "(7) Vì số người trúng cử đại biểu Hội đồng nhân dân chưa đủ số lượng đại biểu được bầu đã ấn định cho đơn vị bầu cử nên đề nghị Ủy ban bầu cử xã Thiệu Ngọc xem xét, quyết định việc bầu cử thêm tại đơn vị bầu cử.",
            "d) Tóm tắt những việc xảy ra(8):",
            &format!("- {XA_EVENTS}"),
            "đ) Những khiếu nại, tố cáo trong quá trình bầu cử do các Tổ bầu cử đã giải quyết(9):",
            // From the minutes document of area 5 (its Tổ settled it).
            "- Tổ bầu cử khu vực bỏ phiếu số 5 (Thôn Yên Lộ): Cử tri đề nghị niêm yết lại danh sách người ứng cử bị rách — người khiếu nại, tố cáo: Ông Lê Văn Nam; kết quả giải quyết: Tổ bầu cử đã niêm yết lại danh sách mới",
            // Footnotes 9–11: what KV04's Tổ forwarded, settled by the Ban.
            "e) Những khiếu nại, tố cáo trong quá trình bầu cử do Ban bầu cử đã giải quyết, cách giải quyết(10):",
            &format!("- {KV04_FORWARDED}; cách giải quyết: {XA_SETTLED}"),
            "g) Những khiếu nại, tố cáo chuyển đến Ủy ban bầu cử(11):",
            DOTTED,
            "Biên bản xác định kết quả bầu cử đại biểu Hội đồng nhân dân(1) xã Thiệu Ngọc ở đơn vị bầu cử số 4 được lập thành 04 bản và được gửi đến Ủy ban bầu cử, Thường trực Hội đồng nhân dân, Ủy ban nhân dân, Ban thường trực Ủy ban Mặt trận Tổ quốc Việt Nam(1) xã Thiệu Ngọc.(12)",
            "Các tài liệu kèm theo(13):",
            "1. .....",
            "2. .....",
            "TM. BAN BẦU CỬ TRƯỞNG BAN",
            "(Ký, ghi rõ họ và tên, đóng dấu của Ban bầu cử)",
            "Lê Văn Trưởng",
            "CÁC PHÓ TRƯỞNG BAN",
            "(Ký, ghi rõ họ và tên)",
            "Trần Thị Phó",
            "Ghi chú: Nhất thiết không được tẩy xóa trên biên bản.",
            "(1) Ghi tên đơn vị hành chính cấp tổ chức bầu cử đại biểu Hội đồng nhân dân.",
            "(9), (10), (11) Ghi rõ các đơn thư, nội dung khiếu nại, tố cáo do Tổ bầu cử chuyển đến; nếu không có thì ghi \"Không có\".",
            "Việc xác định kết quả trong bầu cử lại, bầu cử thêm được Ban bầu cử đại biểu Hội đồng nhân dân lập thành biên bản riêng với các nội dung theo Mẫu số 23/HĐBC-HĐND.",
        ]
        .map(String::from),
    );
    let xa_doc = &raw[raw.rfind("Mẫu số 24/HĐBC-HĐND BAN BẦU CỬ ĐẠI BIỂU").unwrap_or(0)..];
    in_order("Mẫu 24/HĐBC-HĐND (XA-04)", xa_doc, &want);
    assert!(!xa_doc.contains("Đã bầu đủ") && !xa_doc.contains("THƯ KÝ"), "{xa_doc}");
    assert_eq!(xa_doc.matches("ghi sai năm sinh").count(), 1, "KV04's complaint once, in e): {xa_doc}");
    // KV03's incident in every Ban minutes of its constituencies (QH-01,
    // TINH-07, XA-03), and not where KV03 has no area (XA-04).
    assert_eq!(raw.matches(KV03_INCIDENT).count(), 3, "{raw}");
    assert!(!xa_doc.contains("Mất điện khoảng 20 phút"), "{xa_doc}");
    // The other council constituencies: TINH-07 and XA-03 fill every seat.
    assert_eq!(raw.matches("còn thiếu 0 đại biểu.").count(), 3, "QH-01, TINH-07, XA-03");

    // Goldens: the text and the page images (look at the PNGs when updating).
    let n_pages = page_count(&pdf);
    let pages = [1, 2, n_pages - 1, n_pages];
    let mut text = String::new();
    for p in pages {
        text.push_str(&format!("=== trang {p}/{n_pages}\n"));
        text.push_str(&pages_text(&pdf, p, p));
        text.push('\n');
    }
    check_text("board-minutes", &text);
    for p in [1, n_pages] {
        check_image("board-minutes", &pdf, p, dir.path());
    }
}

#[test]
fn ban_facts_come_from_the_board_and_the_teams_minutes_and_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = commune(&dir);
    // The Tổ of area 4 forwarded a complaint to the Ban; area 5 settled one.
    let f = json(&db, &["--json", "team", "--constituency", "XA-04"]);
    assert_eq!(f["leader"], Value::Null);
    assert_eq!(f["team_forwarded"][0]["reference"], "X0412-KV04#1", "{f}");
    assert_eq!(f["team_forwarded"][0]["text"], KV04_FORWARDED, "{f}");
    assert_eq!(f["team_forwarded"][0]["decision"], Value::Null, "not decided yet: {f}");
    assert!(f["team_settled"][0].as_str().unwrap_or("").contains("Tổ bầu cử đã niêm yết lại danh sách mới"), "{f}");
    // Item d of XA-03 carries KV03's incident (footnote 8); XA-04's has none.
    assert_eq!(f["team_events"], serde_json::json!([]), "{f}");
    let f3 = json(&db, &["--json", "team", "--constituency", "XA-03"]);
    assert_eq!(f3["team_events"], serde_json::json!([KV03_INCIDENT]), "{f3}");
    // The Ban's decision on KV04's complaint (footnotes 9–11): forwarded on
    // to the Ủy ban bầu cử, it is item g; taken back, undecided again.
    let f = json(&db, &["--json", "board-note", "--constituency", "XA-04", "--ban-forwarded", "X0412-KV04#1=Chuyển Ủy ban bầu cử xã Thiệu Ngọc ngày 17/3/2026"]);
    assert_eq!((f["team_forwarded"][0]["decision"].as_str(), f["team_forwarded"][0]["how"].as_str()), (Some("forwarded"), Some("Chuyển Ủy ban bầu cử xã Thiệu Ngọc ngày 17/3/2026")), "{f}");
    let pdf = dir.path().join("g.pdf");
    ok(&db, &["forms", "board-minutes", "--level", "XA-04", "--out", &pdf.display().to_string()]);
    let t = flat(&crate::forms::pdf_text(&pdf));
    in_order(
        "Mẫu 24/HĐBC-HĐND g)",
        &t,
        &[
            "cách giải quyết(10):".into(),
            DOTTED.into(),
            "g) Những khiếu nại, tố cáo chuyển đến Ủy ban bầu cử(11):".into(),
            format!("- {KV04_FORWARDED}; ý kiến của Ban bầu cử: Chuyển Ủy ban bầu cử xã Thiệu Ngọc ngày 17/3/2026"),
            "Biên bản xác định kết quả".into(),
        ],
    );
    let f = json(&db, &["--json", "board-note", "--constituency", "XA-04", "--ban-settled", "X0412-KV04#1="]);
    assert_eq!(f["team_forwarded"][0]["decision"], Value::Null, "{f}");
    // A complaint no Tổ forwarded, a bad form of the option.
    let o = run(&db, &["board-note", "--constituency", "XA-04", "--ban-settled", "X0412-KV05#1=x"]);
    assert_eq!(o.code, 1, "KV05 settled its own: {}", o.stderr);
    assert!(o.stderr.contains("X0412-KV04#1"), "names what can be decided: {}", o.stderr);
    assert_eq!(run(&db, &["board-note", "--constituency", "XA-04", "--ban-settled", "X0412-KV04#1"]).code, 2);
    let f = json(&db, &["--json", "team", "--constituency", "XA-04", "--leader", "Lê Văn Trưởng", "--deputy", "Trần Thị Phó", "--deputy", "Ngô Văn Phó", "--time", "8:05"]);
    assert_eq!((f["meeting_time"].as_str(), f["meeting_date"].as_str()), (Some("08:05"), Some("2026-03-17")), "date defaults to today: {f}");
    // Each call replaces what it names; an empty text clears.
    let f = json(&db, &["--json", "team", "--constituency", "XA-04", "--deputy", "Ngô Văn Phó"]);
    assert_eq!(f["deputies"], serde_json::json!(["Ngô Văn Phó"]));
    assert_eq!(f["leader"], "Lê Văn Trưởng");
    json(&db, &["--json", "board-note", "--constituency", "XA-04", "--attached", "Tờ trình", "--attached", "Đơn"]);
    let f = json(&db, &["--json", "board-note", "--constituency", "XA-04", "--attached", ""]);
    assert_eq!(f["attached"], serde_json::json!([]));
    // Refusals: one person one role, bad time, unknown constituency, a
    // Thư ký (the Ban's minutes have none), a board without --constituency,
    // a team database.
    let o = run(&db, &["team", "--constituency", "XA-04", "--member", "lê văn trưởng"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("Trưởng ban") && o.stderr.contains("một vai"), "{}", o.stderr);
    assert_eq!(run(&db, &["team", "--constituency", "XA-04", "--time", "25:00"]).code, 2);
    assert_eq!(run(&db, &["team", "--constituency", "XA-09", "--leader", "A"]).code, 1);
    assert_eq!(run(&db, &["team", "--constituency", "XA-04", "--secretary", "A"]).code, 2);
    assert_eq!(run(&db, &["team", "--leader", "A"]).code, 2);
    assert_eq!(run(&db, &["board-note", "--constituency", "XA-04", "--round", "2", "--events", "x"]).code, 1, "no round 2 declared");
    let team = crate::bundle::demo().join("to-X0412-KV04.sqlite");
    let copy = dir.path().join("to4.sqlite");
    std::fs::copy(&team, &copy).unwrap();
    let o = run(&copy, &["team", "--constituency", "XA-04", "--leader", "A"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("tổ bầu cử"), "{}", o.stderr);
    // Audited, in the chain.
    let log = json(&db, &["--json", "audit"]);
    let actions: Vec<&str> = log.as_array().into_iter().flatten().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "board.team").count(), 2, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| **a == "board.note").count(), 4, "{actions:?}");
    ok(&db, &["audit", "verify"]);
}

#[test]
fn round_declare_is_refused_unless_the_first_round_calls_for_it_art79_art80() {
    let dir = tempfile::tempdir().unwrap();
    let db = commune(&dir);
    let before = json(&db, &["results", "--json"]);
    // Art. 80: no re-vote where more than half voted.
    for c in ["QH-01", "XA-03", "XA-04"] {
        let o = run(&db, &["round", "declare", "--constituency", c, "--kind", "revote"]);
        assert_eq!(o.code, 1, "{c}: {}", o.stderr);
        assert!(o.stderr.contains("Điều 80"), "{}", o.stderr);
    }
    // Art. 79: no additional vote where every seat is filled.
    for c in ["QH-01", "TINH-07", "XA-03"] {
        let o = run(&db, &["round", "declare", "--constituency", c, "--kind", "additional"]);
        assert_eq!(o.code, 1, "{c}: {}", o.stderr);
        assert!(o.stderr.contains("đã bầu đủ"), "{}", o.stderr);
    }
    assert_eq!(run(&db, &["round", "declare", "--constituency", "XA-04", "--kind", "second"]).code, 2);
    assert_eq!(json(&db, &["results", "--json"]), before, "refusals change nothing");
    // XA-04: 3 of 5 (< 2/3): the additional vote, among the 5 not elected, for 2 seats.
    let d = json(&db, &["--json", "round", "declare", "--constituency", "XA-04", "--kind", "additional"]);
    assert_eq!((d["number"].as_u64(), d["kind"].as_str(), d["seats"].as_u64()), (Some(2), Some("additional"), Some(2)), "{d}");
    let elected = before["constituencies"]["XA-04"]["elected"].as_array().cloned().unwrap_or_default();
    let cands = d["candidates"].as_array().cloned().unwrap_or_default();
    assert_eq!(cands.len(), 5);
    assert!(cands.iter().all(|c| !elected.contains(c)));
    // Once: the law has no round after it (Art. 79(4)).
    let o = run(&db, &["round", "declare", "--constituency", "XA-04", "--kind", "additional"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("đã công bố bầu cử thêm"), "{}", o.stderr);
    // results --json: the contract's fields as they were, plus `rounds`.
    let after = json(&db, &["results", "--json"]);
    let c = &after["constituencies"]["XA-04"];
    let keys = |v: &Value| v.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
    let mut want = keys(&before["constituencies"]["XA-04"]);
    assert!(want.contains(&"rounds".to_owned()));
    want.sort();
    let mut have = keys(c);
    have.sort();
    assert_eq!(have, want);
    for k in ["voters_listed", "voters_voted", "ballots_valid", "votes", "percent", "elected", "complete", "turnout_ok", "additional_vote_due", "revote_due", "areas_expected", "areas_reported"] {
        assert_eq!(c[k], before["constituencies"]["XA-04"][k], "{k}");
    }
    let r = &c["rounds"][0];
    assert_eq!(
        (r["number"].as_u64(), r["kind"].as_str(), r["seats"].as_u64(), r["complete"].as_bool(), r["areas_reported"].as_u64()),
        (Some(2), Some("additional"), Some(2), Some(false), Some(0)),
        "{r}"
    );
    assert_eq!(after["constituencies"]["XA-03"]["rounds"], serde_json::json!([]));
    // Logged in the chain.
    let log = json(&db, &["--json", "audit"]);
    assert!(log.as_array().into_iter().flatten().any(|e| e["action"] == "round.declare" && e["subject"].as_str().unwrap_or("").contains("XA-04")), "{log}");
    ok(&db, &["audit", "verify"]);
    // Its own minutes come once the teams report the round; until then the
    // first round's minutes print as before, and round 2's facts can be kept.
    ok(&db, &["board-note", "--constituency", "XA-04", "--round", "2", "--events", "Chưa có"]);
    let pdf = dir.path().join("bb.pdf");
    ok(&db, &["forms", "board-minutes", "--level", "XA-04", "--out", &pdf.display().to_string()]);
    let t = flat(&crate::forms::pdf_text(&pdf));
    assert!(t.contains("còn thiếu 2 đại biểu") && !t.contains("BIÊN BẢN RIÊNG"), "{t}");
}
