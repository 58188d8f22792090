//! The layout engine: walks a form's blocks (`forms/*.json`) over the data
//! and produces positioned text and lines per page (millimetres from the
//! top-left corner). Text wraps at spaces (a word longer than the cell is
//! cut), tables continue on the next page with their header repeated,
//! footers are drawn last so they can say "Trang 3/12".
//!
//! A block marked `keep_with_previous` (a footer and its signatures) after
//! a table goes on the page of the table's last row and totals row;
//! `cards` lays out `across × down` boxes per page (voter cards).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::fonts::{Fonts, Style};
use crate::template::Scope;
use crate::FormError;

mod table;

const PT_MM: f32 = 25.4 / 72.0;

/// One drawing command, in millimetres from the page's top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        style: Style,
        size: f32,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    /// A filled black rectangle (the modules of a QR code); `y` is its top.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

impl Cmd {
    fn shifted(&self, dx: f32, dy: f32) -> Cmd {
        match self {
            Cmd::Text { x, y, style, size, text } => Cmd::Text { x: x + dx, y: y + dy, style: *style, size: *size, text: text.clone() },
            Cmd::Line { x1, y1, x2, y2, width } => Cmd::Line { x1: x1 + dx, y1: y1 + dy, x2: x2 + dx, y2: y2 + dy, width: *width },
            Cmd::Rect { x, y, w, h } => Cmd::Rect { x: x + dx, y: y + dy, w: *w, h: *h },
        }
    }
}

/// Page geometry.
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    pub width: f32,
    pub height: f32,
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
    pub left: f32,
}

pub struct Engine<'a> {
    fonts: &'a Fonts,
    form: &'a str,
    pub geo: Geometry,
    pub pages: Vec<Vec<Cmd>>,
    y: f32,
    base_size: f32,
    line_factor: f32,
    pub missing: BTreeSet<char>,
    /// Pages whose blocks drew the data's mark themselves (cards).
    marked_inside: BTreeSet<usize>,
}

fn get<'v>(b: &'v Value, k: &str) -> Option<&'v Value> {
    b.get(k)
}

fn num(b: &Value, k: &str, default: f32) -> f32 {
    get(b, k).and_then(Value::as_f64).map(|x| x as f32).unwrap_or(default)
}

fn text<'v>(b: &'v Value, k: &str) -> &'v str {
    get(b, k).and_then(Value::as_str).unwrap_or("")
}

fn arr<'v>(b: &'v Value, k: &str) -> &'v [Value] {
    get(b, k).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// Which blocks of an `if` apply: `"blocks"` when `when` holds (`!path`
/// negates), otherwise `"else"`.
fn branch(b: &Value, scope: &Scope<'_>) -> &'static str {
    let cond = text(b, "when");
    let yes = match cond.strip_prefix('!') {
        Some(c) => !scope.truthy(c),
        None => scope.truthy(cond),
    };
    if yes {
        "blocks"
    } else {
        "else"
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Center,
    Right,
}

fn align(b: &Value) -> Align {
    match text(b, "align") {
        "center" => Align::Center,
        "right" => Align::Right,
        _ => Align::Left,
    }
}

impl<'a> Engine<'a> {
    pub fn new(fonts: &'a Fonts, form: &'a str, geo: Geometry, base_size: f32, line_factor: f32) -> Engine<'a> {
        Engine { fonts, form, geo, pages: vec![Vec::new()], y: geo.top, base_size, line_factor, missing: BTreeSet::new(), marked_inside: BTreeSet::new() }
    }

    fn err(&self, path: &str, message: impl Into<String>) -> FormError {
        FormError::Layout { form: self.form.to_owned(), path: path.to_owned(), message: message.into() }
    }

    fn bottom(&self) -> f32 {
        self.geo.height - self.geo.bottom
    }

    fn content_width(&self) -> f32 {
        self.geo.width - self.geo.left - self.geo.right
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.geo.top;
    }

    fn emit(&mut self, c: Cmd) {
        if let Some(p) = self.pages.last_mut() {
            p.push(c);
        }
    }

    fn line_h(&self, size: f32) -> f32 {
        size * self.line_factor * PT_MM
    }

    fn style_of(&self, b: &Value, path: &str) -> Result<Style, FormError> {
        Style::parse(text(b, "style")).ok_or_else(|| self.err(path, format!("kiểu chữ \"{}\" không có (regular, bold, italic)", text(b, "style"))))
    }

    /// Wraps `s` into lines no wider than `width` mm.
    pub fn wrap(&self, s: &str, style: Style, size: f32, width: f32) -> Vec<String> {
        let face = self.fonts.face(style);
        let mut lines = Vec::new();
        for para in s.split('\n') {
            let mut cur = String::new();
            for word in para.split(' ').filter(|w| !w.is_empty()) {
                let candidate = if cur.is_empty() { word.to_owned() } else { format!("{cur} {word}") };
                if face.width_mm(&candidate, size) <= width {
                    cur = candidate;
                    continue;
                }
                if !cur.is_empty() {
                    lines.push(std::mem::take(&mut cur));
                }
                // A word wider than the cell is cut by characters.
                if face.width_mm(word, size) > width {
                    let mut piece = String::new();
                    for ch in word.chars() {
                        piece.push(ch);
                        if face.width_mm(&piece, size) > width && piece.chars().count() > 1 {
                            piece.pop();
                            lines.push(std::mem::take(&mut piece));
                            piece.push(ch);
                        }
                    }
                    cur = piece;
                } else {
                    cur = word.to_owned();
                }
            }
            lines.push(cur);
        }
        lines
    }

    fn note_missing(&mut self, s: &str, style: Style) {
        let face = self.fonts.face(style);
        for c in s.chars() {
            if !c.is_whitespace() && !face.has(c) {
                self.missing.insert(c);
            }
        }
    }

    /// A line of text placed in `[x, x + w]` with its baseline at `y`.
    #[allow(clippy::too_many_arguments)] // a drawing primitive: position, box and style
    fn text_at(&mut self, out: &mut Vec<Cmd>, s: &str, style: Style, size: f32, x: f32, w: f32, y: f32, al: Align) {
        if s.is_empty() {
            return;
        }
        self.note_missing(s, style);
        let tw = self.fonts.face(style).width_mm(s, size);
        let x = match al {
            Align::Left => x,
            Align::Center => x + (w - tw) / 2.0,
            Align::Right => x + w - tw,
        };
        out.push(Cmd::Text { x, y, style, size, text: s.to_owned() });
    }

    /// Wraps `s` into `[x, x + w]` and draws it from the top `y`; returns
    /// the `y` below the last line.
    #[allow(clippy::too_many_arguments)] // a drawing primitive: position, box and style
    fn wrapped(&mut self, out: &mut Vec<Cmd>, s: &str, style: Style, size: f32, x: f32, w: f32, mut y: f32, al: Align) -> f32 {
        let lh = self.line_h(size);
        for line in self.wrap(s, style, size, w) {
            self.text_at(out, &line, style, size, x, w, y + lh * 0.78, al);
            y += lh;
        }
        y
    }

    /// Lays `blocks` out in the page flow (breaking pages) at `[x, x + w]`.
    pub fn flow(&mut self, blocks: &[Value], scope: &Scope<'_>, x: f32, w: f32, path: &str) -> Result<(), FormError> {
        for (i, b) in blocks.iter().enumerate() {
            let p = format!("{path}[{i}]");
            match text(b, "kind") {
                "table" => {
                    // A block marked `keep_with_previous` (a footer and its
                    // signatures) goes on the page of the table's last row
                    // and totals row: they move together to the next page
                    // when it would not fit below them.
                    let keep_after = match blocks.get(i + 1) {
                        Some(next) if next.get("keep_with_previous").and_then(Value::as_bool) == Some(true) => {
                            let mut scratch = Vec::new();
                            self.block(next, scope, x, w, 0.0, &mut scratch, &format!("{path}[{}]", i + 1))?
                        }
                        _ => 0.0,
                    };
                    self.table(b, scope, x, w, keep_after, &p)?
                }
                "each" => {
                    let src = text(b, "source");
                    let items: Vec<Value> = scope.lookup(src).and_then(Value::as_array).cloned().unwrap_or_default();
                    let start = num(b, "start", 1.0) as i64;
                    for (k, item) in items.iter().enumerate() {
                        let mut item = item.clone();
                        if let Value::Object(m) = &mut item {
                            m.insert("index".into(), Value::from(start + k as i64));
                        } else {
                            item = serde_json::json!({"value": item, "index": start + k as i64});
                        }
                        let inner = scope.with(&item);
                        self.flow(arr(b, "blocks"), &inner, x, w, &format!("{p}.blocks"))?;
                    }
                    if items.is_empty() {
                        self.flow(arr(b, "empty"), scope, x, w, &format!("{p}.empty"))?;
                    }
                }
                "if" => {
                    let which = branch(b, scope);
                    self.flow(arr(b, which), scope, x, w, &format!("{p}.{which}"))?;
                }
                "page_break" => self.new_page(),
                // Rows of signatures may go to the next page one row at a time.
                "signatures" if arr(b, "items").len() > num(b, "per_row", 2.0).max(1.0) as usize => {
                    let per_row = num(b, "per_row", 2.0).max(1.0) as usize;
                    let rows: Vec<Value> = arr(b, "items")
                        .chunks(per_row)
                        .map(|chunk| {
                            let mut one = b.clone();
                            if let Value::Object(m) = &mut one {
                                m.insert("items".into(), Value::Array(chunk.to_vec()));
                                m.insert("keep_mm".into(), Value::from(0));
                            }
                            one
                        })
                        .collect();
                    self.flow(&rows, scope, x, w, &p)?;
                }
                "cards" => self.cards(b, scope, &p)?,
                _ => {
                    // Blocks that never break inside: laid out at y = 0, then placed.
                    let mut cmds = Vec::new();
                    let h = self.block(b, scope, x, w, 0.0, &mut cmds, &p)?;
                    let keep = num(b, "keep_mm", 0.0);
                    if self.y + h.max(keep) > self.bottom() && self.y > self.geo.top + 0.01 {
                        // Text longer than a page still breaks line by line.
                        if h > self.bottom() - self.geo.top && text(b, "kind") == "text" {
                            self.long_text(cmds, h);
                            continue;
                        }
                        self.new_page();
                    }
                    let dy = self.y;
                    for c in cmds {
                        self.emit(c.shifted(0.0, dy));
                    }
                    self.y += h;
                }
            }
        }
        Ok(())
    }

    fn long_text(&mut self, cmds: Vec<Cmd>, _h: f32) {
        let mut base = self.y;
        let mut last = 0.0;
        for c in cmds {
            if let Cmd::Text { y, .. } = &c {
                if base + y > self.bottom() {
                    self.new_page();
                    base = self.y - last;
                }
                last = *y;
            }
            self.emit(c.shifted(0.0, base));
        }
        self.y = base + last + 2.0;
    }

    /// A block that does not break: returns its height; commands relative to `y0`.
    #[allow(clippy::too_many_arguments)] // the block, its scope, its box and where to draw
    fn block(&mut self, b: &Value, scope: &Scope<'_>, x: f32, w: f32, y0: f32, out: &mut Vec<Cmd>, path: &str) -> Result<f32, FormError> {
        let before = num(b, "before_mm", 0.0);
        let after = num(b, "after_mm", 0.0);
        let mut y = y0 + before;
        match text(b, "kind") {
            "text" | "" => {
                let style = self.style_of(b, path)?;
                let size = num(b, "size", self.base_size);
                let indent = num(b, "indent_mm", 0.0);
                let s = scope.fill(text(b, "text"));
                y = self.wrapped(out, &s, style, size, x + indent, w - indent, y, align(b));
            }
            "rule" => {
                let lw = num(b, "width_mm", w);
                let x1 = match align(b) {
                    Align::Left => x,
                    Align::Center => x + (w - lw) / 2.0,
                    Align::Right => x + w - lw,
                };
                out.push(Cmd::Line { x1, y1: y, x2: x1 + lw, y2: y, width: num(b, "thickness_pt", 0.6) });
            }
            "spacer" => y += num(b, "mm", 4.0),
            "row" => {
                let cols = arr(b, "cols");
                let total: f32 = cols.iter().map(|c| num(c, "width", 1.0)).sum::<f32>().max(0.0001);
                let mut cx = x;
                let mut h: f32 = 0.0;
                for (i, c) in cols.iter().enumerate() {
                    let cw = w * num(c, "width", 1.0) / total;
                    let mut cy = y;
                    for (j, inner) in arr(c, "blocks").iter().enumerate() {
                        cy += self.block(inner, scope, cx, cw, cy, out, &format!("{path}.cols[{i}].blocks[{j}]"))?;
                    }
                    h = h.max(cy - y);
                    cx += cw;
                }
                y += h;
            }
            "signatures" => {
                let items = arr(b, "items");
                let per_row = num(b, "per_row", 2.0).max(1.0) as usize;
                let gap = num(b, "space_mm", 24.0);
                let size = num(b, "size", self.base_size);
                let cw = w / per_row as f32;
                let lh = self.line_h(size);
                for row in items.chunks(per_row) {
                    let mut h: f32 = 0.0;
                    // A lone last item sits in the middle of its row.
                    let offset = if row.len() < per_row { (w - cw * row.len() as f32) / 2.0 } else { 0.0 };
                    for (k, it) in row.iter().enumerate() {
                        let cx = x + offset + cw * k as f32;
                        let mut cy = y;
                        for (key, style) in [("title", Style::Bold), ("note", Style::Italic)] {
                            let s = scope.fill(text(it, key));
                            cy = self.wrapped(out, &s, style, size, cx + 1.0, cw - 2.0, cy, Align::Center);
                        }
                        cy += gap;
                        let name = scope.fill(text(it, "name"));
                        cy = self.wrapped(out, &name, Style::Bold, size, cx + 1.0, cw - 2.0, cy, Align::Center);
                        if name.is_empty() {
                            cy += lh;
                        }
                        h = h.max(cy - y);
                    }
                    y += h + num(b, "row_gap_mm", 4.0);
                }
            }
            "if" => {
                let which = branch(b, scope);
                for (j, inner) in arr(b, which).iter().enumerate() {
                    y += self.block(inner, scope, x, w, y, out, &format!("{path}.{which}[{j}]"))?;
                }
            }
            // Inside a block that does not break (a row's column): the
            // blocks once per element of an array, kept together.
            "each" => {
                let items: Vec<Value> = scope.lookup(text(b, "source")).and_then(Value::as_array).cloned().unwrap_or_default();
                for (k, item) in items.into_iter().enumerate() {
                    let item = match item {
                        Value::Object(mut m) => {
                            m.insert("index".into(), Value::from(k as i64 + 1));
                            Value::Object(m)
                        }
                        other => serde_json::json!({"value": other, "index": k as i64 + 1}),
                    };
                    let inner = scope.with(&item);
                    for (j, blk) in arr(b, "blocks").iter().enumerate() {
                        y += self.block(blk, &inner, x, w, y, out, &format!("{path}[{k}].blocks[{j}]"))?;
                    }
                }
            }
            "qr" => {
                // A QR code of the filled text (nothing when it is empty),
                // drawn as filled runs of dark modules with a quiet zone.
                let data = scope.fill(text(b, "data"));
                if !data.is_empty() {
                    let size = num(b, "size_mm", 25.0);
                    let code = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M).map_err(|e| self.err(path, format!("không tạo được mã QR: {e}")))?;
                    let n = code.width();
                    let colors = code.to_colors();
                    let module = size / (n as f32 + 8.0);
                    let bx = match align(b) {
                        Align::Left => x,
                        Align::Center => x + (w - size) / 2.0,
                        Align::Right => x + w - size,
                    } + 4.0 * module;
                    let by = y + 4.0 * module;
                    for row in 0..n {
                        let mut col = 0;
                        while col < n {
                            if colors[row * n + col] == qrcode::Color::Dark {
                                let start = col;
                                while col < n && colors[row * n + col] == qrcode::Color::Dark {
                                    col += 1;
                                }
                                out.push(Cmd::Rect { x: bx + start as f32 * module, y: by + row as f32 * module, w: (col - start) as f32 * module, h: module });
                            } else {
                                col += 1;
                            }
                        }
                    }
                    y += size;
                }
            }
            "box" => {
                // A framed box (e.g. the "Đã bỏ phiếu" stamp area of a card).
                let bw = num(b, "width_mm", w);
                let bh = num(b, "height_mm", 10.0);
                let bx = match align(b) {
                    Align::Left => x,
                    Align::Center => x + (w - bw) / 2.0,
                    Align::Right => x + w - bw,
                };
                let t = num(b, "thickness_pt", 0.5);
                out.push(Cmd::Line { x1: bx, y1: y, x2: bx + bw, y2: y, width: t });
                out.push(Cmd::Line { x1: bx, y1: y + bh, x2: bx + bw, y2: y + bh, width: t });
                out.push(Cmd::Line { x1: bx, y1: y, x2: bx, y2: y + bh, width: t });
                out.push(Cmd::Line { x1: bx + bw, y1: y, x2: bx + bw, y2: y + bh, width: t });
                let size = num(b, "size", self.base_size);
                let s = scope.fill(text(b, "text"));
                let lh = self.line_h(size);
                let lines = self.wrap(&s, Style::Bold, size, bw - 2.0).len();
                let ty = y + (bh - lh * lines as f32) / 2.0;
                self.wrapped(out, &s, Style::Bold, size, bx + 1.0, bw - 2.0, ty, Align::Center);
                y += bh;
            }
            other => return Err(self.err(path, format!("loại khối \"{other}\" không có"))),
        }
        Ok(y + after - y0)
    }

    /// Cards (voter cards): `across × down` boxes per page, each laid out
    /// from the card's blocks.
    fn cards(&mut self, b: &Value, scope: &Scope<'_>, path: &str) -> Result<(), FormError> {
        let items: Vec<Value> = scope.lookup(text(b, "source")).and_then(Value::as_array).cloned().unwrap_or_default();
        let across = num(b, "across", 2.0).max(1.0) as usize;
        let down = num(b, "down", 2.0).max(1.0) as usize;
        let cw = num(b, "card_width_mm", 148.0);
        let ch = num(b, "card_height_mm", 105.0);
        let pad = num(b, "pad_mm", 6.0);
        let ox = (self.geo.width - cw * across as f32) / 2.0;
        let oy = (self.geo.height - ch * down as f32) / 2.0;
        let per_page = across * down;
        if !self.pages.last().is_some_and(Vec::is_empty) {
            self.new_page();
        }
        for (k, item) in items.iter().enumerate() {
            if k > 0 && k % per_page == 0 {
                self.new_page();
            }
            let slot = k % per_page;
            let cx = ox + cw * (slot % across) as f32;
            let cy = oy + ch * (slot / across) as f32;
            // Cut lines around the card.
            for c in [
                Cmd::Line { x1: cx, y1: cy, x2: cx + cw, y2: cy, width: 0.3 },
                Cmd::Line { x1: cx, y1: cy + ch, x2: cx + cw, y2: cy + ch, width: 0.3 },
                Cmd::Line { x1: cx, y1: cy, x2: cx, y2: cy + ch, width: 0.3 },
                Cmd::Line { x1: cx + cw, y1: cy, x2: cx + cw, y2: cy + ch, width: 0.3 },
            ] {
                self.emit(c);
            }
            let inner = scope.with(item);
            let mut out = Vec::new();
            let mut y = cy + pad;
            for (j, blk) in arr(b, "blocks").iter().enumerate() {
                y += self.block(blk, &inner, cx + pad, cw - 2.0 * pad, y, &mut out, &format!("{path}.blocks[{j}]"))?;
            }
            // A card is cut from its sheet: the page's mark goes on each
            // card, in its bottom padding.
            if let Some(mark) = scope.lookup("watermark").and_then(Value::as_str).filter(|m| !m.trim().is_empty()) {
                let size = 8.0;
                let lh = self.line_h(size);
                self.wrapped(&mut out, mark, Style::Bold, size, cx + pad, cw - 2.0 * pad, cy + ch - pad + (pad - lh) / 2.0, Align::Center);
                self.marked_inside.insert(self.pages.len().saturating_sub(1));
            }
            for c in out {
                self.emit(c);
            }
        }
        Ok(())
    }

    /// `mark` in bold capitals centred in the top margin of every page and
    /// near its bottom edge (layouts keep at least 12 mm above their
    /// content and below their footers). Drawn after the content: nothing
    /// moves, and the mark is on the preview as on the paper.
    pub fn mark_pages(&mut self, mark: &str) -> Result<(), FormError> {
        let size = 10.0;
        let lh = self.line_h(size);
        let top = (self.geo.top - lh - 2.0).max(1.0);
        let bottom = self.geo.height - lh - 2.0;
        let w = self.content_width();
        let x = self.geo.left;
        for p in 0..self.pages.len() {
            if self.marked_inside.contains(&p) {
                continue;
            }
            let mut out = Vec::new();
            for y in [top, bottom] {
                self.wrapped(&mut out, mark, Style::Bold, size, x, w, y, Align::Center);
            }
            if let Some(page) = self.pages.get_mut(p) {
                page.extend(out);
            }
        }
        Ok(())
    }

    /// Footer blocks on every page, with `{page}` and `{pages}`.
    pub fn footers(&mut self, blocks: &[Value], scope: &Scope<'_>) -> Result<(), FormError> {
        let pages = self.pages.len();
        for p in 0..pages {
            let mut info = serde_json::Map::new();
            info.insert("page".into(), Value::from(p as i64 + 1));
            info.insert("pages".into(), Value::from(pages as i64));
            let info = Value::Object(info);
            let inner = scope.with(&info);
            let mut out = Vec::new();
            let mut y = self.geo.height - self.geo.bottom + 4.0;
            let w = self.content_width();
            for (j, b) in blocks.iter().enumerate() {
                y += self.block(b, &inner, self.geo.left, w, y, &mut out, &format!("footer[{j}]"))?;
            }
            if let Some(page) = self.pages.get_mut(p) {
                page.extend(out);
            }
        }
        Ok(())
    }
}
