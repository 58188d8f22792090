//! Drawing commands → one SVG document per page (the app's preview).

use std::fmt::Write;

use crate::engine::Cmd;
use crate::fonts::Style;

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

pub fn page(cmds: &[Cmd], width: f32, height: f32) -> String {
    let mut out = String::with_capacity(cmds.len() * 90 + 200);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="form-page" viewBox="0 0 {width} {height}" width="{width}mm" height="{height}mm" font-family="Liberation Serif, Times New Roman, serif"><rect width="{width}" height="{height}" fill="white"/>"#
    );
    for c in cmds {
        match c {
            Cmd::Line { x1, y1, x2, y2, width: w } => {
                let _ = write!(out, r#"<line x1="{x1:.2}" y1="{y1:.2}" x2="{x2:.2}" y2="{y2:.2}" stroke="black" stroke-width="{:.3}"/>"#, w * 25.4 / 72.0);
            }
            Cmd::Rect { x, y, w, h } => {
                let _ = write!(out, r#"<rect x="{x:.3}" y="{y:.3}" width="{w:.3}" height="{h:.3}" fill="black"/>"#);
            }
            Cmd::Text { x, y, style, size, text } => {
                let face = match style {
                    Style::Regular => "",
                    Style::Bold => r#" font-weight="bold""#,
                    Style::Italic => r#" font-style="italic""#,
                };
                let _ = write!(out, r#"<text x="{x:.2}" y="{y:.2}" font-size="{:.3}"{face}>{}</text>"#, size * 25.4 / 72.0, escape(text));
            }
        }
    }
    out.push_str("</svg>");
    out
}
