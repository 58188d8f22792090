//! Reads an .xlsx workbook (Office Open XML) into sheets of cells.
//!
//! Parts read, each as an XML stream through [`crate::zipxml`] (so within
//! the archive's unpacking budget): `_rels/.rels` (where the workbook is),
//! the workbook (sheet names, their relationship ids, the 1904 date
//! system), its relationships (sheet parts, shared strings, styles),
//! `sharedStrings.xml` (each `si`: its `t`, or its rich-text runs' `t`;
//! phonetic `rPh` text left out), `styles.xml` (`cellXfs` number formats and
//! custom `numFmts`, to know which numbers are dates) and each worksheet's
//! `sheetData`: `<row r>` and `<c r s t>` with `<v>` or an inline `<is>`.
//! A cell without `r` follows the one before it.
//!
//! Nothing is sized from a number in the file: strings, styles and sheets
//! grow one element at a time as they are found (bounded by the budget), and
//! cells go to the bounded [`Book`].

use std::collections::HashMap;

use quick_xml::events::Event;

use crate::grid::{bool_cell, builtin_format_is_date, custom_format_is_date, date_cell, unreadable, Book, Cell, Sheet, MAX_CELLS, MAX_SHEETS};
use crate::zipxml::{attr, push_ref, xml_error, Zip};
use crate::Problem;

/// At most this many cell styles and custom number formats are kept (Excel
/// itself allows about 64,000); more are ignored, their cells not dates.
const MAX_STYLES: usize = 65_536;

/// At most this many relationships of a part are kept (one per sheet, and
/// a few for styles, strings, themes); more are ignored.
const MAX_RELS: usize = 10_000;

/// Reads every worksheet of the workbook, in its order.
pub(crate) fn read(zip: &mut Zip<'_>) -> Result<Vec<Sheet>, Problem> {
    let workbook = office_document(zip)?;
    if workbook.ends_with(".bin") {
        return Err(unreadable("tệp .xlsb (bảng tính nhị phân) chưa đọc được; hãy mở bằng Excel và lưu lại thành .xlsx"));
    }
    let Some((sheets, is_1904)) = read_workbook(zip, &workbook)? else {
        return Err(unreadable("không phải tệp .xlsx hay .ods (thiếu phần workbook.xml)"));
    };
    let rels = read_rels(zip, &rels_part(&workbook), &workbook)?;
    let by_type = |kind: &str, default: &str| rels.values().find(|(t, _)| t.rsplit('/').next() == Some(kind)).map_or_else(|| default.to_owned(), |(_, target)| target.clone());
    let strings = read_shared_strings(zip, &by_type("sharedStrings", "xl/sharedStrings.xml"))?;
    let date_styles = read_styles(zip, &by_type("styles", "xl/styles.xml"))?;
    let mut book = Book::new();
    for (name, id) in sheets {
        let Some((kind, target)) = rels.get(&id) else {
            return Err(unreadable(format!("trang tính \"{name}\" không có phần dữ liệu (quan hệ \"{id}\")")));
        };
        // Chart sheets and dialog sheets have no cells.
        if kind.rsplit('/').next() != Some("worksheet") {
            continue;
        }
        book.start_sheet(name.clone())?;
        let ctx = SheetContext { strings: &strings, date_styles: &date_styles, is_1904 };
        if !read_sheet(zip, target, &ctx, &mut book)? {
            return Err(unreadable(format!("thiếu phần \"{target}\" của trang tính \"{name}\"")));
        }
    }
    book.finish()
}

/// The workbook part's path, from the package relationships.
fn office_document(zip: &mut Zip<'_>) -> Result<String, Problem> {
    let rels = read_rels(zip, "_rels/.rels", "")?;
    Ok(rels.values().find(|(t, _)| t.rsplit('/').next() == Some("officeDocument")).map_or_else(|| "xl/workbook.xml".to_owned(), |(_, target)| target.clone()))
}

/// `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`.
fn rels_part(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// A relationship target as a member name: relative to the folder of the
/// part that names it, or absolute from the archive's root.
fn resolve(base_part: &str, target: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if !target.starts_with('/') {
        if let Some((dir, _)) = base_part.rsplit_once('/') {
            parts.extend(dir.split('/').filter(|s| !s.is_empty()));
        }
    }
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Relationships of a part: id → (type, target member name). An absent
/// part has none.
fn read_rels(zip: &mut Zip<'_>, part: &str, base: &str) -> Result<HashMap<String, (String, String)>, Problem> {
    let mut rels = HashMap::new();
    let Some(mut xml) = zip.xml(part)? else {
        return Ok(rels);
    };
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Err(e) => return Err(xml_error(&xml, part, &e)),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) if e.local_name().as_ref() == "Relationship" => {
                if rels.len() >= MAX_RELS {
                    continue;
                }
                if let (Some(id), Some(kind), Some(target)) = (attr(&e, "Id"), attr(&e, "Type"), attr(&e, "Target")) {
                    rels.insert(id, (kind, resolve(base, &target)));
                }
            }
            Ok(_) => {}
        }
    }
    Ok(rels)
}

/// Sheets (name, relationship id) and the date system, or `None` if there
/// is no such part.
type Workbook = (Vec<(String, String)>, bool);

fn read_workbook(zip: &mut Zip<'_>, part: &str) -> Result<Option<Workbook>, Problem> {
    let Some(mut xml) = zip.xml(part)? else {
        return Ok(None);
    };
    let mut sheets = Vec::new();
    let mut is_1904 = false;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Err(e) => return Err(xml_error(&xml, part, &e)),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "workbookPr" => {
                    is_1904 = matches!(attr(&e, "date1904").as_deref(), Some("1" | "true"));
                }
                "sheet" => {
                    if sheets.len() >= MAX_SHEETS {
                        return Err(unreadable(format!("bảng tính có hơn {MAX_SHEETS} trang tính")));
                    }
                    sheets.push((attr(&e, "name").unwrap_or_default(), attr(&e, "id").unwrap_or_default()));
                }
                _ => {}
            },
            Ok(_) => {}
        }
    }
    Ok(Some((sheets, is_1904)))
}

/// Excel writes characters XML cannot carry as `_xHHHH_`.
fn unescape_ooxml(s: &str) -> String {
    fn hex_at(s: &str, at: usize) -> Option<u32> {
        let esc = s.get(at..at.checked_add(7)?)?;
        let hex = esc.strip_prefix("_x")?.strip_suffix('_')?;
        if hex.len() != 4 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(hex, 16).ok()
    }
    if !s.contains("_x") {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if let Some(unit) = hex_at(s, i) {
            i += 7;
            let c = match unit {
                0xD800..=0xDBFF => match hex_at(s, i) {
                    Some(low @ 0xDC00..=0xDFFF) => {
                        i += 7;
                        char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                    }
                    _ => None,
                },
                _ => char::from_u32(unit),
            };
            out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
            continue;
        }
        let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Collects the text of a string item (`si` or an inline `is`): every `t`
/// outside phonetic runs, trimmed of ASCII spaces unless
/// `xml:space="preserve"`, then `_xHHHH_` decoded.
#[derive(Default)]
struct StringItem {
    text: String,
    in_t: bool,
    preserve: bool,
    t: String,
    phonetic: u32,
}

impl StringItem {
    fn start(&mut self, e: &quick_xml::events::BytesStart<'_>) {
        match e.local_name().as_ref() {
            "rPh" => self.phonetic = self.phonetic.saturating_add(1),
            "t" if self.phonetic == 0 => {
                self.in_t = true;
                self.preserve = attr(e, "space").as_deref() == Some("preserve");
                self.t.clear();
            }
            _ => {}
        }
    }

    fn end(&mut self, local: &str) {
        match local {
            "rPh" => self.phonetic = self.phonetic.saturating_sub(1),
            "t" if self.in_t => {
                self.in_t = false;
                let t = if self.preserve { self.t.as_str() } else { self.t.trim_matches([' ', '\t', '\r', '\n']) };
                self.text.push_str(&unescape_ooxml(t));
            }
            _ => {}
        }
    }

    fn take(&mut self) -> String {
        let s = std::mem::take(&mut self.text);
        *self = StringItem::default();
        s
    }
}

fn read_shared_strings(zip: &mut Zip<'_>, part: &str) -> Result<Vec<String>, Problem> {
    let mut strings = Vec::new();
    let Some(mut xml) = zip.xml(part)? else {
        return Ok(strings);
    };
    let mut item = StringItem::default();
    let mut in_si = false;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Err(e) => return Err(xml_error(&xml, part, &e)),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) if e.local_name().as_ref() == "si" => {
                in_si = true;
                item.take();
            }
            Ok(Event::Start(e)) if in_si => item.start(&e),
            Ok(Event::End(e)) if e.local_name().as_ref() == "si" => {
                // Each string is used by a cell at most once per cell: more
                // strings than cells allowed is not a voter list.
                if strings.len() >= MAX_CELLS {
                    return Err(unreadable(format!("bảng chuỗi dùng chung có hơn {MAX_CELLS} chuỗi")));
                }
                strings.push(item.take());
                in_si = false;
            }
            Ok(Event::End(e)) if in_si => item.end(e.local_name().as_ref()),
            Ok(Event::Text(t)) if item.in_t => item.t.push_str(&t.xml10_content()),
            Ok(Event::CData(t)) if item.in_t => item.t.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) if item.in_t => push_ref(&r, &mut item.t),
            Ok(_) => {}
        }
    }
    Ok(strings)
}

/// For each cell style (`cellXfs/xf`), whether its number format is a date.
fn read_styles(zip: &mut Zip<'_>, part: &str) -> Result<Vec<bool>, Problem> {
    let Some(mut xml) = zip.xml(part)? else {
        return Ok(Vec::new());
    };
    let mut custom: HashMap<String, bool> = HashMap::new();
    let mut xf_formats: Vec<Option<String>> = Vec::new();
    let mut in_cell_xfs = false;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Err(e) => return Err(xml_error(&xml, part, &e)),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "numFmt" if custom.len() < MAX_STYLES => {
                    if let (Some(id), Some(code)) = (attr(&e, "numFmtId"), attr(&e, "formatCode")) {
                        custom.insert(id, custom_format_is_date(&code));
                    }
                }
                "cellXfs" => in_cell_xfs = true,
                "xf" if in_cell_xfs && xf_formats.len() < MAX_STYLES => {
                    xf_formats.push(attr(&e, "numFmtId"));
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == "cellXfs" => in_cell_xfs = false,
            Ok(_) => {}
        }
    }
    Ok(xf_formats
        .into_iter()
        .map(|id| {
            id.is_some_and(|id| match custom.get(&id) {
                Some(&is_date) => is_date,
                None => id.trim().parse().is_ok_and(builtin_format_is_date),
            })
        })
        .collect())
}

/// "B3" → (row 2, column 1), 0-based.
fn parse_ref(r: &str) -> Option<(u64, u64)> {
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 {
        return None;
    }
    let mut col: u64 = 0;
    for b in r.bytes().take(letters) {
        let digit = u64::from(b.to_ascii_uppercase() - b'A') + 1;
        col = col.checked_mul(26)?.checked_add(digit)?;
    }
    let row: u64 = r.get(letters..)?.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

/// A cell reference that is not one (or beyond any sheet): a damaged file.
fn bad_ref(e: &quick_xml::events::BytesStart<'_>) -> Problem {
    let r = attr(e, "r").unwrap_or_default();
    let shown: String = r.chars().take(20).collect();
    let more = if shown.len() < r.len() { "…" } else { "" };
    unreadable(format!("ô có địa chỉ \"{shown}{more}\" không hợp lệ"))
}

struct SheetContext<'s> {
    strings: &'s [String],
    date_styles: &'s [bool],
    is_1904: bool,
}

/// A cell's type (its `t` attribute; none is a number).
#[derive(Clone, Copy)]
enum Kind {
    Shared,
    Str,
    Inline,
    Bool,
    Error,
    Date,
    Number,
    Other,
}

impl Kind {
    fn of(t: &str) -> Kind {
        match t.trim() {
            "s" => Kind::Shared,
            "str" => Kind::Str,
            "inlineStr" => Kind::Inline,
            "b" => Kind::Bool,
            "e" => Kind::Error,
            "d" => Kind::Date,
            "n" => Kind::Number,
            _ => Kind::Other,
        }
    }
}

/// A `<c>` element being read.
struct CellXml {
    row: u64,
    col: u64,
    style: Option<usize>,
    kind: Kind,
    value: String,
    in_v: bool,
    inline: Option<StringItem>,
    in_is: bool,
}

impl CellXml {
    fn cell(self, ctx: &SheetContext<'_>) -> Result<Cell, Problem> {
        if let Some(mut item) = self.inline {
            return Ok(Cell::Text(item.take()));
        }
        let v = self.value;
        Ok(match self.kind {
            Kind::Shared => {
                let index = v.trim();
                if index.is_empty() {
                    return Ok(Cell::Empty);
                }
                match index.parse::<usize>().ok().and_then(|i| ctx.strings.get(i)) {
                    Some(s) => Cell::Text(s.clone()),
                    None => {
                        return Err(unreadable(format!(
                            "ô {} trỏ tới chuỗi số {index} không có trong bảng chuỗi dùng chung ({} chuỗi)",
                            crate::grid::col_letter(u32::try_from(self.col).unwrap_or(u32::MAX)) + &self.row.saturating_add(1).to_string(),
                            ctx.strings.len()
                        )))
                    }
                }
            }
            Kind::Str => Cell::Text(unescape_ooxml(&v)),
            Kind::Inline => Cell::Empty,
            Kind::Bool => match v.trim() {
                "0" => bool_cell(false),
                "1" => bool_cell(true),
                b if b.eq_ignore_ascii_case("false") => bool_cell(false),
                b if b.eq_ignore_ascii_case("true") => bool_cell(true),
                _ => Cell::Empty,
            },
            Kind::Error => Cell::Empty,
            Kind::Date => Cell::Text(v.get(..10).unwrap_or(&v).to_owned()),
            Kind::Number => {
                if v.is_empty() {
                    return Ok(Cell::Empty);
                }
                match v.parse::<f64>() {
                    Ok(n) => {
                        let is_date = self.style.and_then(|s| ctx.date_styles.get(s)).copied().unwrap_or(false);
                        if is_date {
                            date_cell(n, ctx.is_1904)
                        } else {
                            Cell::Number(n)
                        }
                    }
                    Err(_) => Cell::Text(v),
                }
            }
            Kind::Other => Cell::Text(v),
        })
    }
}

/// Reads a worksheet's cells into the book; `false` if the part is absent.
fn read_sheet(zip: &mut Zip<'_>, part: &str, ctx: &SheetContext<'_>, book: &mut Book) -> Result<bool, Problem> {
    let Some(mut xml) = zip.xml(part)? else {
        return Ok(false);
    };
    let (mut row, mut col) = (0u64, 0u64);
    let mut in_data = false;
    let mut cell: Option<CellXml> = None;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let event = match xml.read_event_into(&mut buf) {
            Err(e) => return Err(xml_error(&xml, part, &e)),
            Ok(Event::Eof) => break,
            Ok(event) => event,
        };
        if let Some(c) = cell.as_mut() {
            match event {
                Event::End(e) if e.local_name().as_ref() == "c" => {
                    if let Some(c) = cell.take() {
                        let (r, k) = (c.row, c.col);
                        let value = c.cell(ctx)?;
                        book.put(r, k, value)?;
                    }
                }
                Event::Start(e) if c.in_is => {
                    if let Some(item) = c.inline.as_mut() {
                        item.start(&e);
                    }
                }
                Event::End(e) if c.in_is => {
                    if e.local_name().as_ref() == "is" {
                        c.in_is = false;
                    } else if let Some(item) = c.inline.as_mut() {
                        item.end(e.local_name().as_ref());
                    }
                }
                Event::Start(e) => match e.local_name().as_ref() {
                    "v" => {
                        c.in_v = true;
                        c.value.clear();
                    }
                    "is" => {
                        c.in_is = true;
                        c.inline = Some(StringItem::default());
                    }
                    _ => {}
                },
                Event::End(e) if e.local_name().as_ref() == "v" => c.in_v = false,
                Event::Text(t) => {
                    if c.in_v {
                        c.value.push_str(&t.xml10_content());
                    } else if let Some(item) = c.inline.as_mut().filter(|i| i.in_t) {
                        item.t.push_str(&t.xml10_content());
                    }
                }
                Event::CData(t) => {
                    if let Some(item) = c.inline.as_mut().filter(|i| i.in_t) {
                        item.t.push_str(&t.xml10_content());
                    }
                }
                Event::GeneralRef(r) => {
                    if c.in_v {
                        push_ref(&r, &mut c.value);
                    } else if let Some(item) = c.inline.as_mut().filter(|i| i.in_t) {
                        push_ref(&r, &mut item.t);
                    }
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                "sheetData" => in_data = true,
                "row" if in_data => {
                    let r = e.attributes().with_checks(false).flatten().find_map(|a| (a.key.local_name().as_ref() == "r").then(|| a.value.trim().parse::<u64>().ok()));
                    if let Some(Some(r)) = r {
                        row = r.saturating_sub(1);
                    }
                    col = 0;
                }
                "c" if in_data => {
                    // One pass over the attributes, borrowed: this runs for
                    // every cell.
                    let (mut pos, mut style, mut kind) = (None, None, Kind::Number);
                    for a in e.attributes().with_checks(false).flatten() {
                        match a.key.local_name().as_ref() {
                            "r" => pos = Some(parse_ref(a.value.trim())),
                            "s" => style = a.value.trim().parse::<usize>().ok(),
                            "t" => kind = Kind::of(&a.value),
                            _ => {}
                        }
                    }
                    let (r, k) = match pos {
                        None => (row, col),
                        Some(Some(p)) => p,
                        Some(None) => return Err(bad_ref(&e)),
                    };
                    col = k.saturating_add(1);
                    cell = Some(CellXml { row: r, col: k, style, kind, value: String::new(), in_v: false, inline: None, in_is: false });
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "row" if in_data => {
                    row = row.saturating_add(1);
                    col = 0;
                }
                "sheetData" => break,
                _ => {}
            },
            _ => {}
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(parse_ref("A1"), Some((0, 0)));
        assert_eq!(parse_ref("B3"), Some((2, 1)));
        assert_eq!(parse_ref("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_ref("A0"), None);
        assert_eq!(parse_ref("12"), None);
        assert_eq!(parse_ref("ZZZZZZZZZZZZZZZZZZZZ1"), None);
        assert_eq!(parse_ref("A99999999999999999999999"), None);
    }

    #[test]
    fn targets_resolve_against_the_part_that_names_them() {
        assert_eq!(resolve("xl/workbook.xml", "worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
        assert_eq!(resolve("xl/workbook.xml", "/xl/worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
        assert_eq!(resolve("xl/workbook.xml", "../other/s.xml"), "other/s.xml");
        assert_eq!(resolve("", "xl/workbook.xml"), "xl/workbook.xml");
        assert_eq!(rels_part("xl/workbook.xml"), "xl/_rels/workbook.xml.rels");
    }

    #[test]
    fn excel_escapes() {
        assert_eq!(unescape_ooxml("a_x000D_b"), "a\rb");
        assert_eq!(unescape_ooxml("_xD83D__xDE00_"), "😀");
        assert_eq!(unescape_ooxml("_xD83D_"), "\u{FFFD}");
        assert_eq!(unescape_ooxml("_x12_ và _xZZZZ_"), "_x12_ và _xZZZZ_");
    }
}
