//! Renderer behaviour: wrapping, page breaks with repeated headers, footers,
//! Vietnamese coverage, layouts that parse.

use super::*;
use serde_json::json;

fn texts(pages: &[Vec<Cmd>]) -> Vec<Vec<String>> {
    pages
        .iter()
        .map(|p| {
            p.iter()
                .filter_map(|c| match c {
                    Cmd::Text { text, .. } => Some(text.clone()),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

#[test]
fn every_layout_parses_and_names_its_form() {
    for (name, json) in LAYOUTS {
        let v: Value = serde_json::from_str(json).unwrap_or(Value::Null);
        assert_eq!(v.get("form").and_then(Value::as_str), Some(*name), "{name}");
        assert!(v.get("version").and_then(Value::as_str).is_some(), "{name} has a version");
        assert!(v.get("number").and_then(Value::as_str).is_some(), "{name} has a form number");
    }
}

/// A block marked `keep_with_previous` (Mẫu 31/HĐBC: the footer counts and
/// the signature block) stays on the page of the table's last row and
/// totals row: when it would not fit below them, they go to the next page
/// together.
#[test]
fn a_block_kept_with_the_table_goes_with_its_last_rows() -> Result<(), FormError> {
    let layout = |keep: bool| {
        format!(
            r#"{{"form":"t","page":{{"size":"A4"}},
      "body":[{{"kind":"table","source":"rows","columns":[{{"title":"STT","width":1,"text":"{{index}}","total":"Tổng số"}},{{"title":"Họ và tên","width":4,"text":"{{name}}"}}]}},
              {{"kind":"row","keep_with_previous":{keep},"cols":[{{"width":1,"blocks":[{{"kind":"text","text":"CHÂN TRANG"}},{{"kind":"spacer","mm":60}},{{"kind":"text","text":"CHỦ TỊCH"}}]}}]}}]}}"#
        )
    };
    let mut separated = 0;
    for n in 40..60 {
        let rows: Vec<Value> = (0..n).map(|i| json!({"name": format!("Cử tri {i}")})).collect();
        let data = json!({"rows": rows});
        let page_of = |pages: &[Vec<String>], s: &str| pages.iter().position(|p| p.iter().any(|t| t == s));
        let (pages, _, _) = layout_pages(&layout(true), &data)?;
        let t = texts(&pages);
        let last = n.to_string();
        assert_eq!(page_of(&t, "Tổng số"), page_of(&t, "CHÂN TRANG"), "{n} rows");
        assert_eq!(page_of(&t, &last), page_of(&t, "CHỦ TỊCH"), "{n} rows");
        let (pages, _, _) = layout_pages(&layout(false), &data)?;
        let loose = texts(&pages);
        if page_of(&loose, "Tổng số") != page_of(&loose, "CHÂN TRANG") {
            // Without the mark the footer may go alone to the next page.
            assert!(page_of(&t, "Tổng số") > page_of(&loose, "Tổng số"));
            separated += 1;
        }
    }
    assert!(separated > 0, "the sizes tried never separate the footer");
    Ok(())
}

#[test]
fn long_table_repeats_header_and_numbers_pages() -> Result<(), FormError> {
    let layout = r#"{"form":"t","page":{"size":"A4"},"footer":[{"kind":"text","text":"Trang {page}/{pages}"}],
      "body":[{"kind":"table","source":"rows","columns":[{"title":"STT","width":1,"text":"{index}"},{"title":"Họ và tên","width":4,"text":"{name}"}]}]}"#;
    let rows: Vec<Value> = (0..200).map(|i| json!({"name": format!("Nguyễn Thị Ánh Tuyết {i}")})).collect();
    let (pages, missing, _) = layout_pages(layout, &json!({"rows": rows}))?;
    assert!(missing.is_empty());
    assert!(pages.len() >= 4, "{} pages", pages.len());
    let t = texts(&pages);
    for (i, p) in t.iter().enumerate() {
        assert!(p.contains(&"Họ và tên".to_owned()), "header on page {}", i + 1);
        assert!(p.contains(&format!("Trang {}/{}", i + 1, pages.len())));
    }
    let all: Vec<&String> = t.iter().flatten().collect();
    assert!(all.iter().any(|s| s.as_str() == "200"));
    Ok(())
}

#[test]
fn long_names_wrap_inside_their_cell() -> Result<(), FormError> {
    let layout = r#"{"form":"t","page":{"size":"A4"},"body":[{"kind":"table","source":"rows","columns":[{"title":"A","width":1,"text":"{name}"},{"title":"B","width":1,"text":"x"}]}]}"#;
    let long = "Tôn Nữ Thị Hoàng Phương Thảo Nguyên Công Tằng Tôn Nữ Bảo Châu Ngọc Diệp Huyền Trang";
    let (pages, _, geo) = layout_pages(layout, &json!({"rows": [{"name": long}]}))?;
    let col_right = geo.left + (geo.width - geo.left - geo.right) / 2.0;
    let fonts = fonts::Fonts::get().ok_or(FormError::Fonts)?;
    let mut lines = 0;
    for c in &pages[0] {
        if let Cmd::Text { x, text, size, style, .. } = c {
            if long.contains(text.as_str()) && !["A", "B", "x"].contains(&text.as_str()) {
                lines += 1;
                assert!(x + fonts.face(*style).width_mm(text, *size) <= col_right + 0.01, "{text} overflows");
            }
        }
    }
    assert!(lines >= 2, "the name wrapped onto {lines} lines");
    Ok(())
}

#[test]
fn vietnamese_text_has_every_glyph_and_is_nfc() -> Result<(), FormError> {
    let layout = r#"{"form":"t","body":[{"kind":"text","text":"{s}"}]}"#;
    // NFD input (decomposed marks) must come out NFC.
    let nfd: String = "Nguyễn Thị Hường — Đặng Quốc Khánh, Ỷ Lan, Ữ".nfd().collect();
    let (pages, missing, _) = layout_pages(layout, &json!({"s": nfd}))?;
    assert!(missing.is_empty(), "{missing:?}");
    let t = texts(&pages).concat().join(" ");
    assert!(t.contains("Nguyễn Thị Hường"), "{t}");
    let (_, missing, _) = layout_pages(layout, &json!({"s": "☑ 漢"}))?;
    assert_eq!(missing, vec!['☑', '漢']);
    Ok(())
}

#[test]
fn unknown_block_kind_names_its_path() {
    let layout = r#"{"form":"t","body":[{"kind":"text","text":"a"},{"kind":"circle"}]}"#;
    let e = layout_pages(layout, &json!({})).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("body[1]") && e.contains("circle"), "{e}");
}

#[test]
fn pdf_is_a_small_pdf_14() -> Result<(), FormError> {
    let layout = r#"{"form":"t","body":[{"kind":"text","text":"Biên bản kết quả kiểm phiếu — Đơn vị bầu cử số 3"}]}"#;
    let meta = Meta { title: "Thử".into(), subject: String::new(), identifier: String::new(), created: (2026, 3, 15, 20, 0, 0) };
    let r = render(layout, &json!({}), &meta)?;
    assert!(r.bytes.starts_with(b"%PDF-1.4"));
    assert!(r.bytes.len() < 60_000, "{} bytes: fonts are subset", r.bytes.len());
    Ok(())
}

#[test]
fn svg_preview_is_the_laid_out_page() -> Result<(), FormError> {
    let layout = r#"{"form":"t","footer":[{"kind":"text","text":"Trang {page}/{pages}"}],"body":[{"kind":"text","text":"{s}"},{"kind":"page_break"},{"kind":"rule"}]}"#;
    let data = json!({"s": "Số phiếu <hợp lệ> & \"đủ\""});
    let p = svg_pages(&[(layout, &data)], 1)?;
    assert_eq!((p.total, p.pages.len()), (2, 1));
    let page = &p.pages[0];
    assert!(page.starts_with("<svg ") && page.ends_with("</svg>"));
    assert!(page.contains("Số phiếu &lt;hợp lệ&gt; &amp; &quot;đủ&quot;"), "{page}");
    assert!(page.contains(">Trang 1/2</text>"));
    assert!(page.contains(r#"viewBox="0 0 210 297""#));
    Ok(())
}

#[test]
fn closing_rows_repeat_their_cells_like_the_columns() -> Result<(), FormError> {
    // The QH board minutes (NQ 40, Mẫu 19/HĐBC-QH): one column per
    // candidate, then a total row and a percentage row.
    let layout = r#"{"form":"t","page":{"size":"A4"},
      "body":[{"kind":"table","source":"rows","columns":[{"title":"Xã","width":3,"text":"{name}"},{"repeat":"cands","title":"Ông (Bà) {name}","width":2,"text":"{votes.#}"}],
        "total_rows":[[{"text":"Tổng cộng:"},{"repeat":"cands","text":"{totals.#}"}],[{"text":"Tỷ lệ %"},{"repeat":"cands","text":"{pct.#}%"}]]}]}"#;
    let data = json!({"cands": [{"name": "A"}, {"name": "B"}], "rows": [{"name": "Xã X", "votes": [1, 2]}, {"name": "Xã Y", "votes": [3, 4]}],
                      "totals": [4, 6], "pct": ["40,00", "60,00"]});
    let laid = layout_pages(layout, &data)?;
    let t = texts(&laid.0).concat();
    let tail: Vec<&str> = t.iter().rev().take(6).rev().map(String::as_str).collect();
    assert_eq!(tail, ["Tổng cộng:", "4", "6", "Tỷ lệ %", "40,00%", "60,00%"], "{t:?}");
    Ok(())
}

#[test]
fn numbered_header_groups_by_repeat_source_and_column_totals() -> Result<(), FormError> {
    // The shape of NQ 40, Mẫu 31/HĐBC: a number row "(1) (2) …" under the
    // titles (repeated with them), a group over the columns of a repeat
    // source wherever they fall, and a "Tổng số" row from the columns.
    let layout = r#"{"form":"t","page":{"size":"A4","orientation":"landscape"},"footer":[],
      "body":[{"kind":"table","source":"rows",
        "header_groups":[{"title":"Bầu cử đại biểu HĐND","from":"councils","span":"councils"}],
        "columns":[
          {"title":"STT","width":2,"text":"{index}","total":"Tổng số"},
          {"title":"Họ và tên","number":"(1)","width":6,"text":"{name}"},
          {"repeat":"qh","title":"{title}","number":"({number})","width":2,"text":"{qh_marks.#}","total":"{qh_totals.#}"},
          {"repeat":"councils","title":"{title}","number":"({number})","width":2,"text":"{council_marks.#}","total":"{council_totals.#}"},
          {"title":"Ghi chú","number":"({note_number})","width":3,"text":""}]}]}"#;
    let rows: Vec<Value> = (0..120).map(|i| json!({"name": format!("Cử tri {i}"), "qh_marks": ["X"], "council_marks": ["X", "0"]})).collect();
    let data = json!({"rows": rows, "qh": [{"title": "Bầu cử ĐBQH", "number": 2}],
        "councils": [{"title": "Tỉnh, thành phố", "number": 3}, {"title": "Xã/phường, đặc khu", "number": 4}],
        "note_number": 5, "qh_totals": [120], "council_totals": [120, 0]});
    let (pages, _, _) = layout_pages(layout, &data)?;
    let t = texts(&pages);
    assert!(pages.len() >= 2);
    for p in &t {
        let pos = |s: &str| p.iter().position(|x| x == s);
        let order: Vec<Option<usize>> = ["(1)", "(2)", "(3)", "(4)", "(5)"].iter().map(|s| pos(s)).collect();
        assert!(order.iter().all(Option::is_some), "{p:?}");
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
        assert!(pos("Bầu cử đại biểu HĐND").is_some() && pos("Bầu cử ĐBQH").is_some());
    }
    let last = t.last().cloned().unwrap_or_default();
    let total = last.iter().position(|s| s == "Tổng số").unwrap_or(usize::MAX);
    assert_eq!(last.get(total + 1).map(String::as_str), Some("120"), "{last:?}");
    assert_eq!(last.get(total + 3).map(String::as_str), Some("0"), "{last:?}");
    Ok(())
}

#[test]
fn a_mark_in_the_data_is_on_every_page_and_on_every_card() -> Result<(), FormError> {
    let mark = "DIỄN TẬP — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ";
    let layout = r#"{"form":"t","page":{"size":"A4","margins_mm":[15,15,20,25]},"footer":[{"kind":"text","text":"Trang {page}/{pages}"}],
      "body":[{"kind":"table","source":"rows","columns":[{"title":"Họ và tên","width":1,"text":"{name}"}]}]}"#;
    let rows: Vec<Value> = (0..150).map(|i| json!({"name": format!("Cử tri {i}")})).collect();
    let (pages, missing, _) = layout_pages(layout, &json!({"rows": rows, "watermark": mark}))?;
    assert!(missing.is_empty());
    assert!(pages.len() >= 3);
    for (i, p) in texts(&pages).iter().enumerate() {
        assert_eq!(p.iter().filter(|s| s.as_str() == mark).count(), 2, "top and bottom of page {}", i + 1);
    }
    // Without it, nothing is added (official forms are unchanged).
    let (plain, _, _) = layout_pages(layout, &json!({"rows": rows}))?;
    assert!(texts(&plain).iter().flatten().all(|s| s != mark));
    // Cards: on each card, not across the cut between two cards.
    let cards = r#"{"form":"c","page":{"size":"A4","orientation":"landscape","margins_mm":[0,0,0,0]},
      "body":[{"kind":"cards","source":"voters","across":2,"down":2,"card_width_mm":148,"card_height_mm":105,"pad_mm":6,"blocks":[{"kind":"text","text":"{name}"}]}]}"#;
    let voters: Vec<Value> = (0..6).map(|i| json!({"name": format!("Cử tri {i}")})).collect();
    let (pages, _, _) = layout_pages(cards, &json!({"voters": voters, "watermark": mark}))?;
    let t = texts(&pages);
    assert_eq!(t[0].iter().filter(|s| s.as_str() == mark).count(), 4);
    assert_eq!(t[1].iter().filter(|s| s.as_str() == mark).count(), 2);
    Ok(())
}
