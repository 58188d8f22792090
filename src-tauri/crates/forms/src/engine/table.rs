//! Ruled tables (`"type": "table"`): columns that may repeat over the data
//! (one per ballot level), an optional row of header groups and a row of
//! column numbers, a row per element of the data, closing rows (totals,
//! percentages) whose cells may span columns; the header is repeated on
//! every page the table continues on.

use serde_json::Value;

use super::{align, arr, get, num, text, Align, Cmd, Engine};
use crate::fonts::Style;
use crate::template::Scope;
use crate::FormError;

/// The columns' geometry and the table's type sizes.
struct Layout {
    x: f32,
    w: f32,
    /// Each column's left edge and width.
    xs: Vec<f32>,
    widths: Vec<f32>,
    size: f32,
    hsize: f32,
    pad: f32,
    lh: f32,
    hlh: f32,
    thick: f32,
}

/// The header as laid out once and drawn on every page.
struct Header {
    /// Each group's left edge and width.
    spans: Vec<(f32, f32)>,
    /// The group each column is in.
    in_group: Vec<Option<usize>>,
    title_lines: Vec<Vec<String>>,
    group_lines: Vec<Vec<String>>,
    /// The column numbers ("(1)", "(2)", … "(7a)"), when any column has one.
    numbers: Vec<String>,
    /// Heights of the group row, the title row and the number row.
    g_h: f32,
    t_h: f32,
    n_h: f32,
}

impl Header {
    fn height(&self) -> f32 {
        self.g_h + self.t_h + self.n_h
    }
}

/// A cell of a row as laid out: its first column, width, lines, style and
/// alignment (a totals cell may span columns).
struct Cell {
    col: usize,
    width: f32,
    lines: Vec<String>,
    style: Style,
    align: Align,
}

impl Engine<'_> {
    /// A ruled table over an array of the data, header repeated on every page.
    /// `keep_after`: the height of the block that must follow the totals
    /// row on its page.
    #[allow(clippy::too_many_arguments)] // the block, its scope, its box, what follows it
    pub(super) fn table(&mut self, b: &Value, scope: &Scope<'_>, x: f32, w: f32, keep_after: f32, path: &str) -> Result<(), FormError> {
        let (cols, groups) = expand_columns(b, scope);
        if cols.is_empty() {
            return Err(self.err(path, "bảng không có cột"));
        }
        let lay = self.layout(b, &cols, x, w);
        let head = self.header(&lay, &cols, &groups, scope);
        self.y += num(b, "before_mm", 0.0);
        let rows = rows(b, &cols, scope);

        // Keep the header with at least one row.
        if self.y + head.height() + lay.lh + 2.0 * lay.pad > self.bottom() {
            self.new_page();
        }
        let mut seg_top = self.draw_header(&lay, &head);
        let mut index = num(b, "start", 1.0) as i64;
        // Column edges inside a spanning cell of the totals row, and where
        // that row starts on its page.
        let mut covered = vec![false; cols.len()];
        let mut merged_top: Option<f32> = None;
        let last_data = rows.iter().rposition(|r| r.get("__total").is_none());
        let has_total = rows.last().is_some_and(|r| r.get("__total").is_some());
        for (r, row) in rows.iter().enumerate() {
            let is_total = row.get("__total").is_some();
            let cells = self.row_cells(&lay, &cols, row, index, scope, &mut covered);
            let row_h = cells.iter().map(|c| c.lines.len()).max().unwrap_or(1) as f32 * lay.lh + 2.0 * lay.pad;
            // The last row keeps the totals row (and the block kept with
            // the table) company on its page.
            let with_total = if has_total && Some(r) == last_data {
                lay.lh + 2.0 * lay.pad + keep_after
            } else if Some(r) == last_data {
                keep_after
            } else {
                0.0
            };
            if self.y + row_h + with_total > self.bottom() {
                self.close_segment(&lay, &head, seg_top, None);
                self.new_page();
                seg_top = self.draw_header(&lay, &head);
            }
            if is_total {
                merged_top = Some(self.y);
            }
            self.draw_row(&lay, &cells, row_h);
            if !is_total {
                index += 1;
            }
        }
        if rows.is_empty() {
            let s = scope.fill(text(b, "empty_text"));
            let mut out = Vec::new();
            self.text_at(&mut out, &s, Style::Italic, lay.size, x, w, self.y + lay.pad + lay.lh * 0.78, Align::Center);
            for c in out {
                self.emit(c);
            }
            self.y += lay.lh + 2.0 * lay.pad;
        }
        self.close_segment(&lay, &head, seg_top, merged_top.map(|t| (t, covered.as_slice())));
        self.y += num(b, "after_mm", 2.0);
        Ok(())
    }

    /// The columns' widths (in proportion to their `width`) across `w`.
    fn layout(&self, b: &Value, cols: &[Value], x: f32, w: f32) -> Layout {
        let total: f32 = cols.iter().map(|c| num(c, "width", 1.0)).sum::<f32>().max(0.0001);
        let widths: Vec<f32> = cols.iter().map(|c| w * num(c, "width", 1.0) / total).collect();
        let xs: Vec<f32> = widths
            .iter()
            .scan(x, |acc, cw| {
                let s = *acc;
                *acc += cw;
                Some(s)
            })
            .collect();
        let size = num(b, "size", self.base_size - 1.0);
        let hsize = num(b, "header_size", size);
        Layout { x, w, xs, widths, size, hsize, pad: num(b, "pad_mm", 1.0), lh: self.line_h(size), hlh: self.line_h(hsize), thick: num(b, "thickness_pt", 0.5) }
    }

    /// The header: an optional group row, then the column titles, then the
    /// row of column numbers.
    fn header(&self, lay: &Layout, cols: &[Value], groups: &[Value], scope: &Scope<'_>) -> Header {
        let (pad, hlh, hsize) = (lay.pad, lay.hlh, lay.hsize);
        // Each group's first column, column count, left edge and width.
        let spans: Vec<(usize, usize, f32, f32)> = groups
            .iter()
            .map(|g| {
                let from = num(g, "from", 0.0) as usize;
                let span = num(g, "span", 1.0) as usize;
                let gx = lay.xs.get(from).copied().unwrap_or(lay.x);
                (from, span, gx, lay.widths.iter().skip(from).take(span).sum())
            })
            .collect();
        let mut in_group = vec![None; cols.len()];
        for (gi, (from, span, _, _)) in spans.iter().enumerate() {
            for c in in_group.iter_mut().skip(*from).take(*span) {
                *c = Some(gi);
            }
        }
        let title_lines: Vec<Vec<String>> = cols.iter().zip(&lay.widths).map(|(c, cw)| self.wrap(&scope.fill(text(c, "title")), Style::Bold, hsize, cw - 2.0 * pad)).collect();
        let group_lines: Vec<Vec<String>> = groups.iter().zip(&spans).map(|(g, (_, _, _, gw))| self.wrap(&scope.fill(text(g, "title")), Style::Bold, hsize, gw - 2.0 * pad)).collect();
        let g_h = if groups.is_empty() { 0.0 } else { group_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * hlh + 2.0 * pad };
        let t_h = title_lines
            .iter()
            .zip(&in_group)
            .map(|(l, g)| {
                let h = l.len() as f32 * hlh + 2.0 * pad;
                if g.is_none() {
                    h - g_h
                } else {
                    h
                }
            })
            .fold(0.0f32, f32::max)
            .max(hlh + 2.0 * pad);
        let numbers: Vec<String> = cols.iter().map(|c| scope.fill(text(c, "number"))).collect();
        let n_h = if numbers.iter().any(|n| !n.is_empty()) { hlh + 2.0 * pad } else { 0.0 };
        Header { spans: spans.iter().map(|&(_, _, gx, gw)| (gx, gw)).collect(), in_group, title_lines, group_lines, numbers, g_h, t_h, n_h }
    }

    /// Draws the header at the current position; returns its top.
    fn draw_header(&mut self, lay: &Layout, h: &Header) -> f32 {
        let (x, w, thick, hlh, hsize) = (lay.x, lay.w, lay.thick, lay.hlh, lay.hsize);
        let top = self.y;
        let header_h = h.height();
        let mut out = Vec::new();
        out.push(Cmd::Line { x1: x, y1: top, x2: x + w, y2: top, width: thick });
        for (lines, &(gx, gw)) in h.group_lines.iter().zip(&h.spans) {
            let mut ty = top + (h.g_h - lines.len() as f32 * hlh) / 2.0;
            for l in lines {
                self.text_at(&mut out, l, Style::Bold, hsize, gx, gw, ty + hlh * 0.78, Align::Center);
                ty += hlh;
            }
            out.push(Cmd::Line { x1: gx, y1: top + h.g_h, x2: gx + gw, y2: top + h.g_h, width: thick });
        }
        for (i, lines) in h.title_lines.iter().enumerate() {
            let (cy, ch) = if h.in_group[i].is_some() { (top + h.g_h, h.t_h) } else { (top, h.g_h + h.t_h) };
            let mut ty = cy + (ch - lines.len() as f32 * hlh) / 2.0;
            for l in lines {
                self.text_at(&mut out, l, Style::Bold, hsize, lay.xs[i], lay.widths[i], ty + hlh * 0.78, Align::Center);
                ty += hlh;
            }
            // Left edge of column i: full height unless inside a group (not its first column).
            let inner = i > 0 && h.in_group[i].is_some() && h.in_group[i] == h.in_group[i - 1];
            let y1 = if inner { top + h.g_h } else { top };
            out.push(Cmd::Line { x1: lay.xs[i], y1, x2: lay.xs[i], y2: top + header_h, width: thick });
        }
        out.push(Cmd::Line { x1: x + w, y1: top, x2: x + w, y2: top + header_h, width: thick });
        if h.n_h > 0.0 {
            let ny = top + h.g_h + h.t_h;
            out.push(Cmd::Line { x1: x, y1: ny, x2: x + w, y2: ny, width: thick });
            for (i, n) in h.numbers.iter().enumerate() {
                self.text_at(&mut out, n, Style::Regular, hsize, lay.xs[i], lay.widths[i], ny + lay.pad + hlh * 0.78, Align::Center);
            }
        }
        for c in out {
            self.emit(c);
        }
        self.y = top + header_h;
        top
    }

    /// The cells of `row` (a data row numbered `index`, or a closing row),
    /// laid out; a closing row's spanning cells mark the column edges they
    /// cover in `covered`.
    fn row_cells(&self, lay: &Layout, cols: &[Value], row: &Value, index: i64, scope: &Scope<'_>, covered: &mut [bool]) -> Vec<Cell> {
        let (cells_src, is_total): (&[Value], bool) = match row.get("__total") {
            Some(t) => (t.as_array().map(Vec::as_slice).unwrap_or(&[]), true),
            None => (cols, false),
        };
        let mut item = row.clone();
        if let Value::Object(m) = &mut item {
            m.insert("index".into(), Value::from(index));
        }
        let inner = scope.with(&item);
        let mut cells = Vec::new();
        let mut i = 0;
        for c in cells_src {
            if i >= cols.len() {
                break;
            }
            let style = if is_total { Style::Bold } else { Style::parse(text(c, "style")).unwrap_or(Style::Regular) };
            let span = if is_total { (num(c, "span", 1.0).max(1.0) as usize).min(cols.len() - i) } else { 1 };
            let s = inner.fill(text(c, "text"));
            let width: f32 = lay.widths.iter().skip(i).take(span).sum();
            cells.push(Cell { col: i, width, lines: self.wrap(&s, style, lay.size, width - 2.0 * lay.pad), style, align: align(c) });
            if is_total {
                for k in covered.iter_mut().skip(i + 1).take(span - 1) {
                    *k = true;
                }
            }
            i += span;
        }
        cells
    }

    /// Draws a row of `row_h` at the current position and the rule below it.
    fn draw_row(&mut self, lay: &Layout, cells: &[Cell], row_h: f32) {
        let mut out = Vec::new();
        for c in cells {
            let mut ty = self.y + lay.pad;
            for l in &c.lines {
                self.text_at(&mut out, l, c.style, lay.size, lay.xs[c.col] + lay.pad, c.width - 2.0 * lay.pad, ty + lay.lh * 0.78, c.align);
                ty += lay.lh;
            }
        }
        for c in out {
            self.emit(c);
        }
        self.y += row_h;
        self.emit(Cmd::Line { x1: lay.x, y1: self.y, x2: lay.x + lay.w, y2: self.y, width: lay.thick * 0.6 });
    }

    /// The column edges and the outline of the part of the table on this
    /// page, from below its header at `seg_top` to the current position.
    /// `merged`: where the totals row starts and which column edges its
    /// spanning cells cover (those edges stop at the totals row).
    fn close_segment(&mut self, lay: &Layout, h: &Header, seg_top: f32, merged: Option<(f32, &[bool])>) {
        let (x, w, thick) = (lay.x, lay.w, lay.thick);
        let header_h = h.height();
        let bottom = self.y;
        let mut out = Vec::new();
        for (k, xi) in lay.xs.iter().enumerate().skip(1) {
            let y2 = match merged {
                Some((top, covered)) if covered.get(k).copied().unwrap_or(false) => top,
                _ => bottom,
            };
            out.push(Cmd::Line { x1: *xi, y1: seg_top + header_h, x2: *xi, y2, width: thick });
        }
        out.push(Cmd::Line { x1: x, y1: seg_top + header_h, x2: x, y2: bottom, width: thick });
        out.push(Cmd::Line { x1: x + w, y1: seg_top + header_h, x2: x + w, y2: bottom, width: thick });
        out.push(Cmd::Line { x1: x, y1: bottom, x2: x + w, y2: bottom, width: thick });
        for c in out {
            self.emit(c);
        }
    }
}

/// The table's rows: one per element of its `source`, then its closing
/// rows (marked `__total`): `total_row`, or a totals row ("Tổng số") from
/// each column's `total` (`total_span` merging the cells after it), then
/// each of `total_rows` (cells that may repeat like the columns: a total
/// per candidate, then a percentage per candidate).
fn rows(b: &Value, cols: &[Value], scope: &Scope<'_>) -> Vec<Value> {
    let mut rows: Vec<Value> = match get(b, "source").and_then(Value::as_str) {
        Some(src) => scope.lookup(src).and_then(Value::as_array).cloned().unwrap_or_default(),
        None => Vec::new(),
    };
    if let Some(extra) = get(b, "total_row") {
        rows.push(serde_json::json!({"__total": extra}));
    } else if cols.iter().any(|c| get(c, "total").is_some()) {
        let mut cells: Vec<Value> = Vec::new();
        let mut skip = 0usize;
        for c in cols {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let span = num(c, "total_span", 1.0).max(1.0) as usize;
            skip = span - 1;
            cells.push(serde_json::json!({"text": text(c, "total"), "align": text(c, "align"), "span": span}));
        }
        rows.push(serde_json::json!({"__total": cells}));
    }
    for extra in arr(b, "total_rows") {
        rows.push(serde_json::json!({"__total": expand_cells(extra, scope)}));
    }
    rows
}

/// The cells of a closing row: a cell marked `"repeat": "path"` becomes
/// one cell per element of that array, `#` in its text being the index.
fn expand_cells(row: &Value, scope: &Scope<'_>) -> Value {
    let mut out = Vec::new();
    for c in row.as_array().map(Vec::as_slice).unwrap_or(&[]) {
        match c.get("repeat").and_then(Value::as_str) {
            Some(src) => {
                let n = scope.lookup(src).and_then(Value::as_array).map_or(0, Vec::len);
                for i in 0..n {
                    let mut cell = c.clone();
                    if let Value::Object(m) = &mut cell {
                        m.insert("text".into(), Value::String(text(c, "text").replace('#', &i.to_string())));
                        m.remove("repeat");
                    }
                    out.push(cell);
                }
            }
            None => out.push(c.clone()),
        }
    }
    Value::Array(out)
}

/// Columns marked `"repeat": "path"` become one column per element of that
/// array (the level columns of the voter list: 1 to 4 levels are data);
/// `#` in their `text` and `total` is the element's index and their `title`
/// and `number` are filled from the element. A header group whose `span`
/// names such an array spans them; one whose `from` names it starts at its
/// first column.
fn expand_columns(b: &Value, scope: &Scope<'_>) -> (Vec<Value>, Vec<Value>) {
    let mut cols = Vec::new();
    let mut spans = std::collections::HashMap::new();
    for c in arr(b, "columns") {
        match c.get("repeat").and_then(Value::as_str) {
            Some(src) => {
                let items = scope.lookup(src).and_then(Value::as_array).cloned().unwrap_or_default();
                spans.insert(src.to_owned(), (cols.len(), items.len()));
                for (i, it) in items.iter().enumerate() {
                    let mut col = c.clone();
                    if let Value::Object(m) = &mut col {
                        for key in ["title", "number"] {
                            if get(c, key).is_some() {
                                let filled = scope.with(it).fill(text(c, key));
                                m.insert(key.into(), Value::String(filled));
                            }
                        }
                        for key in ["text", "total"] {
                            if get(c, key).is_some() {
                                let indexed = text(c, key).replace('#', &i.to_string());
                                m.insert(key.into(), Value::String(indexed));
                            }
                        }
                        m.remove("repeat");
                    }
                    cols.push(col);
                }
            }
            None => cols.push(c.clone()),
        }
    }
    let groups = arr(b, "header_groups")
        .iter()
        .filter_map(|g| {
            let mut g = g.clone();
            if let Some(src) = g.get("span").and_then(Value::as_str).map(str::to_owned) {
                let n = spans.get(&src).map_or(0, |s| s.1);
                if n == 0 {
                    return None;
                }
                if let Value::Object(m) = &mut g {
                    m.insert("span".into(), Value::from(n));
                }
            }
            if let Some(src) = g.get("from").and_then(Value::as_str).map(str::to_owned) {
                let (from, n) = spans.get(&src).copied().unwrap_or((0, 0));
                if n == 0 {
                    return None;
                }
                if let Value::Object(m) = &mut g {
                    m.insert("from".into(), Value::from(from));
                }
            }
            Some(g)
        })
        .collect();
    (cols, groups)
}
