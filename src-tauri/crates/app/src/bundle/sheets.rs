//! Results as a spreadsheet (.xlsx, written by `rust_xlsxwriter`) and as a
//! CSV table (issue 15 item 1).
//!
//! The workbook: "Nguồn" (the election, when and by whom it was made, and
//! every bundle the figures came from: short code and full SHA-256), one
//! sheet per level laid out as the Ban's minutes table (a block per
//! constituency: areas as rows, the candidates as columns, the total row
//! and the row of percentages of valid ballots, the outcome), "Tỷ lệ đi
//! bầu" (turnout of every area per level) and "Tình trạng" (every area:
//! waiting / imported / refused, its bundle, its paper minutes against the
//! file, the warnings its Tổ accepted).
//!
//! The CSV is one long table (`bang,cap,don_vi_bau_cu,khu_vuc,muc,ma,ten,
//! gia_tri`): one row per figure, so that a province's tools can read it
//! without knowing the layout; UTF-8 with a byte-order mark (Excel on
//! Vietnamese Windows reads it as UTF-8), numbers plain, percentages with a
//! decimal point.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use tobaucu_core::count::InvalidReason;
use tobaucu_ipc::{ArrivalStatus, PaperStatus};

use super::book::{Block, Book};
use crate::{Error, Result};

fn xe(e: XlsxError) -> Error {
    Error::Internal(format!("không ghi được tệp .xlsx: {e}"))
}

/// A number as a spreadsheet stores it (exact: every figure here is far
/// below 2^53).
fn n(v: u64) -> f64 {
    v as f64
}

/// Column `i`, checked (a sheet has at most 16,384 columns).
fn col(i: usize) -> std::result::Result<u16, XlsxError> {
    u16::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)
}

/// Row `base + i`, checked.
fn row_at(base: u32, i: usize) -> std::result::Result<u32, XlsxError> {
    u32::try_from(i).ok().and_then(|i| base.checked_add(i)).ok_or(XlsxError::RowColumnLimitError)
}

/// The number (STT) of the `i`th line, from 1.
fn ordinal(i: usize) -> std::result::Result<f64, XlsxError> {
    u64::try_from(i).ok().and_then(|i| i.checked_add(1)).map(n).ok_or(XlsxError::RowColumnLimitError)
}

/// "Đang chờ", "Đã nhập", "Bị từ chối".
pub(crate) fn status_vi(s: Option<ArrivalStatus>) -> &'static str {
    s.map_or("Tổ bầu cử", ArrivalStatus::vi)
}

/// The status's code in the CSV: the arrival status, or `team` for the
/// team's own line.
fn status_code(s: Option<ArrivalStatus>) -> &'static str {
    s.map_or("team", ArrivalStatus::as_str)
}

/// "Chỉ có tệp", "Giấy và tệp khớp", "Giấy và tệp khác nhau".
pub(crate) fn paper_vi(s: Option<PaperStatus>) -> &'static str {
    s.map_or("", PaperStatus::vi)
}

struct Styles {
    title: Format,
    bold: Format,
    head: Format,
    cell: Format,
    num: Format,
    pct: Format,
    total: Format,
    total_pct: Format,
}

impl Styles {
    fn new() -> Styles {
        let b = Format::new().set_border(FormatBorder::Thin);
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            head: b.clone().set_bold().set_text_wrap().set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter).set_background_color("#F1F1EC"),
            cell: b.clone(),
            num: b.clone().set_num_format("#,##0"),
            pct: b.clone().set_num_format("0.00"),
            total: b.clone().set_bold().set_num_format("#,##0"),
            total_pct: b.set_bold().set_num_format("0.00"),
        }
    }
}

/// The sheet of one level: a block per constituency.
fn level_sheet(ws: &mut Worksheet, st: &Styles, book: &Book, code: &str, name: &str, blocks: &[&Block]) -> std::result::Result<(), XlsxError> {
    ws.set_name(format!("KQ {code}").chars().take(31).collect::<String>())?;
    ws.write_string_with_format(0, 0, format!("KẾT QUẢ BẦU CỬ {} — {}", name.to_uppercase(), book.unit_name), &st.title)?;
    ws.write_string(1, 0, format!("{} · lập lúc {}{}", book.election_name, book.generated_at, if book.test_mode { " · CHẾ ĐỘ THỬ NGHIỆM" } else { "" }))?;
    for (c, w) in [(0u16, 6.0), (1, 28.0), (2, 18.0)] {
        ws.set_column_width(c, w)?;
    }
    for c in 3..10u16 {
        ws.set_column_width(c, 11.0)?;
    }
    let mut row: u32 = 3;
    for b in blocks {
        ws.write_string_with_format(row, 0, format!("{} — {} đại biểu được bầu — {}/{} khu vực đã báo cáo", b.name, b.seats, b.areas_reported, b.areas_expected), &st.bold)?;
        ws.write_string(row, 12, format!("Mã: {}", b.id))?;
        row += 1;
        let heads =
            ["STT", "Khu vực bỏ phiếu", "Xã", "Tổng số cử tri", "Số cử tri đã bỏ phiếu", "Tỷ lệ đi bầu (%)", "Số phiếu phát ra", "Số phiếu thu vào", "Số phiếu hợp lệ", "Số phiếu không hợp lệ"];
        for (c, h) in heads.iter().enumerate() {
            ws.write_string_with_format(row, col(c)?, *h, &st.head)?;
        }
        for (i, c) in b.candidates.iter().enumerate() {
            ws.write_string_with_format(row, col(10 + i)?, format!("{}. {}", i + 1, c.name), &st.head)?;
            ws.set_column_width(col(10 + i)?, 14.0)?;
        }
        row += 1;
        for (i, l) in b.lines.iter().enumerate() {
            ws.write_number_with_format(row, 0, ordinal(i)?, &st.cell)?;
            ws.write_string_with_format(row, 1, format!("{} — {}", l.number, l.name), &st.cell)?;
            ws.write_string_with_format(row, 2, &l.commune, &st.cell)?;
            let f = &l.figs;
            for (c, v) in [(3u16, f.listed), (4, f.voted)] {
                ws.write_number_with_format(row, c, n(v), &st.num)?;
            }
            ws.write_number_with_format(row, 5, f.turnout().as_f64(), &st.pct)?;
            for (c, v) in [(6u16, f.issued), (7, f.received), (8, f.valid), (9, f.invalid)] {
                ws.write_number_with_format(row, c, n(v), &st.num)?;
            }
            for (k, v) in l.votes.iter().enumerate() {
                ws.write_number_with_format(row, col(10 + k)?, n(*v), &st.num)?;
            }
            row += 1;
        }
        let t = &b.total;
        ws.write_string_with_format(row, 0, "", &st.total)?;
        ws.write_string_with_format(row, 1, "Tổng cộng", &st.total)?;
        ws.write_string_with_format(row, 2, format!("{} khu vực", b.lines.len()), &st.total)?;
        for (c, v) in [(3u16, t.listed), (4, t.voted)] {
            ws.write_number_with_format(row, c, n(v), &st.total)?;
        }
        ws.write_number_with_format(row, 5, t.turnout().as_f64(), &st.total_pct)?;
        for (c, v) in [(6u16, t.issued), (7, t.received), (8, t.valid), (9, t.invalid)] {
            ws.write_number_with_format(row, c, n(v), &st.total)?;
        }
        for (k, v) in b.votes.iter().enumerate() {
            ws.write_number_with_format(row, col(10 + k)?, n(*v), &st.total)?;
        }
        row += 1;
        ws.write_string_with_format(row, 1, "Tỷ lệ % so với tổng số phiếu hợp lệ", &st.total)?;
        for (k, p) in b.percent.iter().enumerate() {
            ws.write_number_with_format(row, col(10 + k)?, p.as_f64(), &st.total_pct)?;
        }
        row += 1;
        if b.complete {
            ws.write_string_with_format(row, 1, "Trúng cử", &st.bold)?;
            for (k, c) in b.candidates.iter().enumerate() {
                if b.elected.contains(&c.id) {
                    ws.write_string_with_format(row, col(10 + k)?, "★ Trúng cử", &st.bold)?;
                }
            }
            row += 1;
        }
        ws.write_string(row, 1, format!("Kết luận: {}", b.verdict))?;
        row += 1;
        for note in &b.notes {
            ws.write_string(row, 1, note)?;
            row += 1;
        }
        row += 1;
    }
    if blocks.is_empty() {
        ws.write_string(row, 0, "Chưa có số liệu.")?;
    }
    ws.set_freeze_panes(3, 0)?;
    Ok(())
}

fn sources_sheet(ws: &mut Worksheet, st: &Styles, book: &Book) -> std::result::Result<(), XlsxError> {
    ws.set_name("Nguồn")?;
    ws.write_string_with_format(0, 0, format!("KẾT QUẢ BẦU CỬ — {}", book.unit_name), &st.title)?;
    ws.write_string(1, 0, format!("{} (ngày bầu cử {})", book.election_name, book.election_date))?;
    ws.write_string(
        2,
        0,
        format!("Lập lúc {} bằng Tổ Bầu Cử {}{}", book.generated_at, super::export::APP_VERSION, if book.test_mode { " — CHẾ ĐỘ THỬ NGHIỆM (diễn tập), không phải kết quả chính thức" } else { "" }),
    )?;
    ws.write_string(3, 0, if book.team { "Số liệu của Tổ bầu cử, lập từ biên bản kết quả kiểm phiếu của tổ; các gói kết quả tổ đã xuất:" } else { "Số liệu được cộng lại từ biên bản của từng khu vực trong các gói kết quả sau (mã ngắn in trên biên bản giấy; mã gói đầy đủ: SHA-256 của bản kê đã ký, bản kê ghi SHA-256 của từng thành phần):" })?;
    let heads = ["STT", "Đơn vị", "Loại", "Gói số", "Mã ngắn", "Mã gói đầy đủ (SHA-256 của bản kê đã ký)", "Thời điểm", "Tệp"];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(5, col(c)?, *h, &st.head)?;
    }
    for (c, w) in [(0u16, 6.0), (1, 16.0), (2, 10.0), (3, 8.0), (4, 42.0), (5, 70.0), (6, 28.0), (7, 30.0)] {
        ws.set_column_width(c, w)?;
    }
    for (i, s) in book.sources.iter().enumerate() {
        let r = row_at(6, i)?;
        ws.write_number_with_format(r, 0, ordinal(i)?, &st.cell)?;
        ws.write_string_with_format(r, 1, &s.unit, &st.cell)?;
        ws.write_string_with_format(r, 2, &s.kind, &st.cell)?;
        ws.write_number_with_format(r, 3, s.sequence as f64, &st.cell)?;
        ws.write_string_with_format(r, 4, s.short(), &st.cell)?;
        ws.write_string_with_format(r, 5, &s.sha256, &st.cell)?;
        ws.write_string_with_format(r, 6, &s.at, &st.cell)?;
        ws.write_string_with_format(r, 7, &s.file, &st.cell)?;
    }
    if book.sources.is_empty() {
        ws.write_string(6, 1, "Chưa có gói nào.")?;
    }
    Ok(())
}

fn turnout_sheet(ws: &mut Worksheet, st: &Styles, book: &Book) -> std::result::Result<(), XlsxError> {
    ws.set_name("Tỷ lệ đi bầu")?;
    ws.write_string_with_format(0, 0, format!("TỶ LỆ CỬ TRI ĐI BẦU THEO KHU VỰC — {}", book.unit_name), &st.title)?;
    let mut per: std::collections::HashMap<(&str, &str), &super::book::Figs> = std::collections::HashMap::new();
    for b in &book.blocks {
        for l in &b.lines {
            per.insert((l.area_id.as_str(), b.level.as_str()), &l.figs);
        }
    }
    for (c, h) in ["STT", "Khu vực bỏ phiếu", "Xã"].iter().enumerate() {
        ws.write_string_with_format(2, col(c)?, *h, &st.head)?;
    }
    ws.set_column_width(1, 28.0)?;
    ws.set_column_width(2, 18.0)?;
    for (k, (code, _)) in book.levels.iter().enumerate() {
        let c = col(3 + 3 * k)?;
        ws.write_string_with_format(2, c, format!("Cử tri {code}"), &st.head)?;
        ws.write_string_with_format(2, c + 1, format!("Đã bỏ phiếu {code}"), &st.head)?;
        ws.write_string_with_format(2, c + 2, format!("Tỷ lệ {code} (%)"), &st.head)?;
    }
    for (i, a) in book.areas.iter().enumerate() {
        let r = row_at(3, i)?;
        ws.write_number_with_format(r, 0, ordinal(i)?, &st.cell)?;
        ws.write_string_with_format(r, 1, format!("{} — {}", a.number, a.name), &st.cell)?;
        ws.write_string_with_format(r, 2, &a.commune, &st.cell)?;
        for (k, (code, _)) in book.levels.iter().enumerate() {
            let c = col(3 + 3 * k)?;
            if let Some(f) = per.get(&(a.id.as_str(), code.as_str())) {
                ws.write_number_with_format(r, c, n(f.listed), &st.num)?;
                ws.write_number_with_format(r, c + 1, n(f.voted), &st.num)?;
                ws.write_number_with_format(r, c + 2, f.turnout().as_f64(), &st.pct)?;
            }
        }
    }
    ws.set_freeze_panes(3, 0)?;
    Ok(())
}

fn status_sheet(ws: &mut Worksheet, st: &Styles, book: &Book) -> std::result::Result<(), XlsxError> {
    ws.set_name("Tình trạng")?;
    ws.write_string_with_format(0, 0, format!("TÌNH TRẠNG CÁC KHU VỰC BỎ PHIẾU — {}", book.unit_name), &st.title)?;
    let heads =
        ["STT", "Mã khu vực", "Khu vực bỏ phiếu", "Xã", "Tình trạng", "Gói (số · mã ngắn)", "Nhập lúc", "Biên bản giấy", "Ghi chú đối chiếu", "Cảnh báo Tổ trưởng đã chấp nhận", "Lý do từ chối"];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(2, col(c)?, *h, &st.head)?;
    }
    for (c, w) in [(1u16, 14.0), (2, 28.0), (3, 18.0), (4, 12.0), (5, 48.0), (6, 26.0), (7, 20.0), (8, 22.0), (9, 50.0), (10, 50.0)] {
        ws.set_column_width(c, w)?;
    }
    for (i, a) in book.areas.iter().enumerate() {
        let r = row_at(3, i)?;
        ws.write_number_with_format(r, 0, ordinal(i)?, &st.cell)?;
        ws.write_string_with_format(r, 1, &a.id, &st.cell)?;
        ws.write_string_with_format(r, 2, format!("{} — {}", a.number, a.name), &st.cell)?;
        ws.write_string_with_format(r, 3, &a.commune, &st.cell)?;
        ws.write_string_with_format(r, 4, status_vi(a.status), &st.cell)?;
        ws.write_string_with_format(r, 5, &a.bundle, &st.cell)?;
        ws.write_string_with_format(r, 6, &a.imported_at, &st.cell)?;
        ws.write_string_with_format(r, 7, paper_vi(a.paper), &st.cell)?;
        ws.write_string_with_format(r, 8, &a.paper_note, &st.cell)?;
        ws.write_string_with_format(r, 9, a.accepted.join("; "), &st.cell)?;
        ws.write_string_with_format(r, 10, &a.reason, &st.cell)?;
    }
    ws.set_freeze_panes(3, 0)?;
    Ok(())
}

/// The workbook's bytes.
pub(crate) fn xlsx(book: &Book) -> Result<Vec<u8>> {
    let st = Styles::new();
    let mut wb = Workbook::new();
    sources_sheet(wb.add_worksheet(), &st, book).map_err(xe)?;
    // The other sheets are filled on every core (each format is looked up
    // per cell, half the work for 10,000 areas), then added in order.
    type Fill<'a> = Box<dyn FnOnce(&mut Worksheet) -> std::result::Result<(), XlsxError> + Send + 'a>;
    let mut fills: Vec<Fill<'_>> = Vec::new();
    for (code, name) in &book.levels {
        let blocks: Vec<&Block> = book.blocks.iter().filter(|b| &b.level == code).collect();
        if blocks.is_empty() && book.team {
            continue;
        }
        let st = &st;
        fills.push(Box::new(move |ws| level_sheet(ws, st, book, code, name, &blocks)));
    }
    fills.push(Box::new(|ws| turnout_sheet(ws, &st, book)));
    if !book.team {
        fills.push(Box::new(|ws| status_sheet(ws, &st, book)));
    }
    // A sheet whose thread panicked is None: refused below.
    let sheets = crate::par::map_on_cores(fills, usize::MAX, |f: Fill<'_>| {
        let mut ws = Worksheet::new();
        f(&mut ws).map(|()| ws)
    });
    for ws in sheets {
        let ws = ws.ok_or_else(|| Error::Internal("không ghi được tệp .xlsx: một trang tính không được lập".into()))?.map_err(xe)?;
        wb.push_worksheet(ws);
    }
    // Zip level 2 instead of 6: a 10,000-area workbook saves in less than
    // half the time for a file a fifth larger (5.8 MB; level 3: 5.5 MB and
    // 40 ms more, level 1: 8.3 MB).
    wb.set_zip_compression_level(2);
    wb.save_to_buffer().map_err(xe)
}

/// The CSV table's bytes (see the module's doc).
pub(crate) fn csv(book: &Book) -> Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(1 << 20);
    buf.extend_from_slice("\u{feff}".as_bytes());
    let mut w = ::csv::Writer::from_writer(buf);
    let ce = |e: ::csv::Error| Error::Internal(format!("không ghi được tệp .csv: {e}"));
    w.write_record(["bang", "cap", "don_vi_bau_cu", "khu_vuc", "muc", "ma", "ten", "gia_tri"]).map_err(ce)?;
    let rec = |w: &mut ::csv::Writer<Vec<u8>>, f: [&str; 8]| w.write_record(f).map_err(ce);
    rec(&mut w, ["nguon", "", "", &book.unit_id, "don_vi", "", &book.unit_name, ""])?;
    rec(&mut w, ["nguon", "", "", "", "cuoc_bau_cu", &book.election_id, &book.election_name, &book.election_date])?;
    rec(&mut w, ["nguon", "", "", "", "lap_luc", "", "", &book.generated_at])?;
    rec(&mut w, ["nguon", "", "", "", "che_do", "", "", if book.test_mode { "test" } else { "official" }])?;
    for s in &book.sources {
        rec(&mut w, ["goi", "", "", &s.unit, "so_goi", &s.short(), &s.sha256, &s.sequence.to_string()])?;
    }
    for b in &book.blocks {
        let figs = |w: &mut ::csv::Writer<Vec<u8>>, area: &str, name: &str, f: &super::book::Figs, votes: &[u64]| -> Result<()> {
            let head = ["ket_qua", b.level.as_str(), b.id.as_str(), area];
            for (k, v) in
                [("voters_listed", f.listed), ("voters_voted", f.voted), ("ballots_issued", f.issued), ("ballots_received", f.received), ("ballots_valid", f.valid), ("ballots_invalid", f.invalid)]
            {
                w.write_record([head[0], head[1], head[2], head[3], k, "", name, &v.to_string()]).map_err(ce)?;
            }
            for r in InvalidReason::ALL {
                w.write_record([head[0], head[1], head[2], head[3], &format!("invalid.{}", r.code()), "", name, &f.by_reason[r.index()].to_string()]).map_err(ce)?;
            }
            for (c, v) in b.candidates.iter().zip(votes) {
                w.write_record([head[0], head[1], head[2], head[3], "votes", c.id.as_str(), c.name.as_str(), &v.to_string()]).map_err(ce)?;
            }
            Ok(())
        };
        for l in &b.lines {
            figs(&mut w, &l.area_id, &l.name, &l.figs, &l.votes)?;
        }
        figs(&mut w, "TONG", &b.name, &b.total, &b.votes)?;
        for (c, p) in b.candidates.iter().zip(&b.percent) {
            rec(&mut w, ["ket_qua", &b.level, &b.id, "TONG", "percent", &c.id, &c.name, &format!("{}.{:02}", p.0 / 100, p.0 % 100)])?;
        }
        rec(&mut w, ["ket_qua", &b.level, &b.id, "TONG", "areas_reported", "", "", &b.areas_reported.to_string()])?;
        rec(&mut w, ["ket_qua", &b.level, &b.id, "TONG", "areas_expected", "", "", &b.areas_expected.to_string()])?;
        rec(&mut w, ["ket_qua", &b.level, &b.id, "TONG", "complete", "", "", if b.complete { "1" } else { "0" }])?;
        for c in b.candidates.iter().filter(|c| b.elected.contains(&c.id)) {
            rec(&mut w, ["ket_qua", &b.level, &b.id, "TONG", "elected", &c.id, &c.name, "1"])?;
        }
        rec(&mut w, ["ket_qua", &b.level, &b.id, "TONG", "ket_luan", "", &b.verdict, ""])?;
    }
    for a in &book.areas {
        rec(&mut w, ["tinh_trang", "", "", &a.id, "status", "", status_vi(a.status), status_code(a.status)])?;
        if !a.bundle.is_empty() {
            rec(&mut w, ["tinh_trang", "", "", &a.id, "goi", "", &a.bundle, ""])?;
        }
        if let Some(p) = a.paper {
            rec(&mut w, ["tinh_trang", "", "", &a.id, "paper", "", p.vi(), p.as_str()])?;
        }
        if !a.paper_note.is_empty() {
            rec(&mut w, ["tinh_trang", "", "", &a.id, "paper_note", "", &a.paper_note, ""])?;
        }
        for x in &a.accepted {
            rec(&mut w, ["tinh_trang", "", "", &a.id, "accepted", "", x, ""])?;
        }
        if !a.reason.is_empty() {
            rec(&mut w, ["tinh_trang", "", "", &a.id, "reason", "", &a.reason, ""])?;
        }
    }
    w.into_inner().map_err(|e| Error::Internal(format!("không ghi được tệp .csv: {e}")))
}
