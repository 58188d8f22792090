//! Reads an .ods spreadsheet (OpenDocument) into sheets of cells.
//!
//! Only `content.xml` is read, as an XML stream through [`crate::zipxml`]:
//! each `table:table` is a sheet; `table:table-row` (repeated by
//! `table:number-rows-repeated`) holds `table:table-cell` and
//! `table:covered-table-cell` (repeated by `table:number-columns-repeated`).
//! A cell's value: `office:value` for numbers, percentages and currencies;
//! the first 10 characters of `office:date-value`; `office:boolean-value`;
//! `office:string-value`, or for a string without it the text of its
//! `text:p` paragraphs (one per line) with `text:s`, `text:tab`,
//! `text:line-break` and nested spans; comments (`office:annotation`) left
//! out.
//!
//! Repeats cost only what they hold: an empty cell or row repeated a
//! million times (LibreOffice writes those to the sheet's end) only moves
//! the position; a non-empty one is expanded cell by cell into the bounded
//! [`Book`], which refuses the file as soon as a bound is passed.

use quick_xml::events::Event;

use crate::grid::{bool_cell, unreadable, Book, Cell, Sheet, MAX_COLS, MAX_ROWS};
use crate::zipxml::{attr_q, push_ref, xml_error, Zip};
use crate::Problem;

/// The longest text a cell keeps from `text:s` runs of spaces (Excel's own
/// limit for a cell).
const MAX_TEXT: usize = 32_767;

/// A cell element being read.
struct OdsCell {
    repeat: u64,
    value: Cell,
    /// The value is the element's text (a string without
    /// `office:string-value`).
    from_text: bool,
    text: String,
    paragraphs: u32,
    /// Elements open inside the cell.
    depth: u32,
    /// Inside a comment (its text is not the cell's).
    annotation: u32,
}

/// A repeat count: absent, zero or unreadable counts as once.
fn repeat(value: Option<String>) -> u64 {
    value.and_then(|v| v.trim().parse::<u64>().ok()).filter(|&n| n > 0).unwrap_or(1)
}

fn start_cell(e: &quick_xml::events::BytesStart<'_>) -> OdsCell {
    let mut value = Cell::Empty;
    let mut set = false;
    let mut is_string = false;
    let mut is_error = false;
    // As LibreOffice and the previous reader (calamine) read them: the
    // first value attribute wins.
    for a in e.attributes().with_checks(false).flatten() {
        let v = || a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_or_else(|_| a.value.to_string(), |v| v.into_owned());
        match a.key.as_ref() {
            "office:value" if !set => {
                let s = v();
                value = s.trim().parse::<f64>().map_or(Cell::Text(s), Cell::Number);
                set = true;
            }
            "office:date-value" if !set => {
                let s = v();
                value = Cell::Text(s.get(..10).unwrap_or(&s).to_owned());
                set = true;
            }
            "office:string-value" | "office:time-value" if !set => {
                value = Cell::Text(v());
                set = true;
            }
            "office:boolean-value" if !set => {
                let s = v();
                value = bool_cell(s == "true" || s == "TRUE");
                set = true;
            }
            "office:value-type" if !set => is_string = v() == "string",
            "calcext:value-type" => is_error = v() == "error",
            _ => {}
        }
    }
    let from_text = (!set && is_string) || (is_error && value == Cell::Text(String::new()));
    OdsCell { repeat: repeat(attr_q(e, "table:number-columns-repeated")), value, from_text, text: String::new(), paragraphs: 0, depth: 0, annotation: 0 }
}

/// Reads every table of `content.xml`.
pub(crate) fn read(zip: &mut Zip<'_>) -> Result<Vec<Sheet>, Problem> {
    const PART: &str = "content.xml";
    let Some(mut xml) = zip.xml(PART)? else {
        return Err(unreadable("tệp .ods thiếu phần content.xml"));
    };
    let mut book = Book::new();
    let mut in_table = false;
    let (mut row, mut col) = (0u64, 0u64);
    let mut rows_repeat = 1u64;
    // The current row's non-empty cells: at most MAX_COLS (columns are
    // checked before a cell is kept, and only move forward).
    let mut row_cells: Vec<(u64, Cell)> = Vec::new();
    let mut cell: Option<OdsCell> = None;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let event = match xml.read_event_into(&mut buf) {
            Err(e) => return Err(xml_error(&xml, PART, &e)),
            Ok(Event::Eof) => break,
            Ok(event) => event,
        };
        if let Some(c) = cell.as_mut() {
            match event {
                Event::End(_) if c.depth == 0 => {
                    // The cell's own end.
                    let Some(c) = cell.take() else { continue };
                    let value = if c.from_text { Cell::Text(c.text) } else { c.value };
                    if value != Cell::Empty {
                        let last = col.saturating_add(c.repeat - 1);
                        if last >= MAX_COLS as u64 {
                            return Err(book.cell_too_far(row, last));
                        }
                        for k in col..=last {
                            row_cells.push((k, value.clone()));
                        }
                    }
                    col = col.saturating_add(c.repeat);
                }
                Event::End(e) => {
                    c.depth -= 1;
                    if e.name().as_ref() == "office:annotation" {
                        c.annotation = c.annotation.saturating_sub(1);
                    }
                }
                Event::Start(e) => {
                    c.depth = c.depth.saturating_add(1);
                    if !c.from_text {
                        continue;
                    }
                    match e.name().as_ref() {
                        "office:annotation" => c.annotation = c.annotation.saturating_add(1),
                        _ if c.annotation > 0 => {}
                        "text:p" => {
                            if c.paragraphs > 0 {
                                c.text.push('\n');
                            }
                            c.paragraphs = c.paragraphs.saturating_add(1);
                        }
                        "text:s" => {
                            let n = repeat(attr_q(&e, "text:c"));
                            let room = MAX_TEXT.saturating_sub(c.text.len());
                            let n = usize::try_from(n).unwrap_or(usize::MAX).min(room);
                            c.text.extend(std::iter::repeat_n(' ', n));
                        }
                        "text:tab" => c.text.push('\t'),
                        "text:line-break" => c.text.push('\n'),
                        _ => {}
                    }
                }
                Event::Text(t) if c.from_text && c.annotation == 0 => {
                    c.text.push_str(&t.xml10_content());
                }
                Event::CData(t) if c.from_text && c.annotation == 0 => {
                    c.text.push_str(&t.xml10_content());
                }
                Event::GeneralRef(r) if c.from_text && c.annotation == 0 => {
                    push_ref(&r, &mut c.text);
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(e) => match e.name().as_ref() {
                "table:table" => {
                    book.start_sheet(attr_q(&e, "table:name").unwrap_or_default())?;
                    in_table = true;
                    (row, col) = (0, 0);
                    row_cells.clear();
                }
                "table:table-row" if in_table => {
                    rows_repeat = repeat(attr_q(&e, "table:number-rows-repeated"));
                    col = 0;
                    row_cells.clear();
                }
                "table:table-cell" | "table:covered-table-cell" if in_table => {
                    cell = Some(start_cell(&e));
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                "table:table-row" if in_table => {
                    if let Some(&(first_col, _)) = row_cells.first() {
                        let last = row.saturating_add(rows_repeat - 1);
                        if last >= MAX_ROWS as u64 {
                            return Err(book.cell_too_far(last, first_col));
                        }
                        for r in row..=last {
                            for (k, v) in &row_cells {
                                book.put(r, *k, v.clone())?;
                            }
                        }
                    }
                    row = row.saturating_add(rows_repeat);
                    rows_repeat = 1;
                    row_cells.clear();
                }
                "table:table" => in_table = false,
                _ => {}
            },
            _ => {}
        }
    }
    book.finish()
}
