//! Official forms of Tổ Bầu Cử as PDF.
//!
//! Every layout is data: one JSON file per form in `forms/` at the top of
//! the repository, versioned (`"version"`), embedded in the binary and
//! interpreted by one renderer ([`render`]). A new year's Mẫu is a change of
//! that file, not of code. The data of a form is plain JSON prepared by the
//! application layer; the renderer substitutes `{paths}` into the layout,
//! wraps text, continues tables across pages with their header repeated and
//! draws footers ("Trang 2/5", the minutes' hash) on every page.
//!
//! Fonts: Liberation Serif Regular/Bold/Italic (Times metrics, full
//! Vietnamese coverage), embedded and subset. All text is NFC-normalised
//! before it is measured and drawn; characters the font lacks are reported
//! in [`Rendered::missing_glyphs`] (a test asserts there are none).

mod engine;
mod fonts;
mod pdf;
mod svg;
mod template;

use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

pub use engine::Cmd;
pub use fonts::Style;
pub use template::thousands;

/// The embedded layouts: (name, JSON).
pub const LAYOUTS: &[(&str, &str)] = &[
    ("key-registration", include_str!("../../../../forms/key-registration.json")),
    ("board-minutes-qh", include_str!("../../../../forms/board-minutes-qh.json")),
    ("board-minutes-hdnd", include_str!("../../../../forms/board-minutes-hdnd.json")),
    ("board-status", include_str!("../../../../forms/board-status.json")),
    ("minutes-qh", include_str!("../../../../forms/minutes-qh.json")),
    ("minutes-hdnd", include_str!("../../../../forms/minutes-hdnd.json")),
    ("inventory", include_str!("../../../../forms/inventory.json")),
    ("voter-list", include_str!("../../../../forms/voter-list.json")),
    ("voter-cards", include_str!("../../../../forms/voter-cards.json")),
    ("turnout", include_str!("../../../../forms/turnout.json")),
    ("checkin-list", include_str!("../../../../forms/checkin-list.json")),
    ("zero-report", include_str!("../../../../forms/zero-report.json")),
    ("official-switch", include_str!("../../../../forms/official-switch.json")),
];

/// The layout JSON of a form.
pub fn layout(name: &str) -> Option<&'static str> {
    LAYOUTS.iter().find(|(n, _)| *n == name).map(|(_, j)| *j)
}

/// Why a form could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    #[error("mẫu {form}, {path}: {message}")]
    Layout { form: String, path: String, message: String },
    #[error("không nạp được phông chữ của biểu mẫu")]
    Fonts,
    #[error("lỗi tạo PDF: {0}")]
    Pdf(String),
}

/// Document information.
#[derive(Debug, Clone)]
pub struct Meta {
    pub title: String,
    pub subject: String,
    pub identifier: String,
    /// Local time in ICT: (year, month, day, hour, minute, second).
    pub created: (i32, u8, u8, u8, u8, u8),
}

/// A rendered form.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Characters the embedded faces cannot draw (should be empty).
    pub missing_glyphs: Vec<char>,
    /// The form's title and version as the layout declares them.
    pub title: String,
    pub version: String,
}

fn nfc(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(s.nfc().collect()),
        Value::Array(a) => Value::Array(a.iter().map(nfc).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), nfc(x))).collect()),
        other => other.clone(),
    }
}

/// Pages laid out: drawing commands, characters the font lacks, geometry.
pub type Laid = (Vec<Vec<Cmd>>, Vec<char>, engine::Geometry);

/// Lays a form out without writing the PDF (tests, previews).
pub fn layout_pages(layout_json: &str, data: &Value) -> Result<Laid, FormError> {
    let fonts = fonts::Fonts::get().ok_or(FormError::Fonts)?;
    let layout: Value = serde_json::from_str(layout_json).map_err(|e| FormError::Layout { form: "?".into(), path: format!("dòng {}", e.line()), message: format!("JSON không hợp lệ: {e}") })?;
    let form = layout.get("form").and_then(Value::as_str).unwrap_or("?").to_owned();
    let page = layout.get("page").cloned().unwrap_or(Value::Null);
    let (pw, ph) = match page.get("size").and_then(Value::as_str).unwrap_or("A4") {
        "A4" => (210.0, 297.0),
        "A5" => (148.0, 210.0),
        "A6" => (105.0, 148.0),
        other => return Err(FormError::Layout { form, path: "page.size".into(), message: format!("khổ giấy \"{other}\" không có (A4, A5, A6)") }),
    };
    let (pw, ph) = match page.get("orientation").and_then(Value::as_str) {
        Some("landscape") => (ph, pw),
        _ => (pw, ph),
    };
    let m: Vec<f32> = page.get("margins_mm").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_f64).map(|x| x as f32).collect()).unwrap_or_default();
    let geo = engine::Geometry {
        width: pw,
        height: ph,
        top: m.first().copied().unwrap_or(20.0),
        right: m.get(1).copied().unwrap_or(15.0),
        bottom: m.get(2).copied().unwrap_or(20.0),
        left: m.get(3).copied().unwrap_or(30.0),
    };
    let size = layout.get("font_size").and_then(Value::as_f64).unwrap_or(13.0) as f32;
    let lf = layout.get("line_height").and_then(Value::as_f64).unwrap_or(1.25) as f32;
    let mut data = nfc(data);
    // The form number printed in the header comes from the layout.
    if let (Value::Object(m), Some(n)) = (&mut data, layout.get("number").and_then(Value::as_str)) {
        m.entry("form_number").or_insert_with(|| Value::String(n.to_owned()));
    }
    let scope = template::Scope::new(&data);
    let mut eng = engine::Engine::new(fonts, &form, geo, size, lf);
    let body = layout.get("body").and_then(Value::as_array).cloned().unwrap_or_default();
    let w = geo.width - geo.left - geo.right;
    eng.flow(&body, &scope, geo.left, w, "body")?;
    let footer = layout.get("footer").and_then(Value::as_array).cloned().unwrap_or_default();
    eng.footers(&footer, &scope)?;
    // A mark the data asks for on every page (a rehearsal database's
    // forms: "DIỄN TẬP — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"), in the top margin of
    // each page and again under the footers, whatever the layout.
    if let Some(mark) = data.get("watermark").and_then(Value::as_str).filter(|m| !m.trim().is_empty()) {
        eng.mark_pages(mark)?;
    }
    let missing = eng.missing.iter().copied().collect();
    Ok((eng.pages, missing, geo))
}

/// Renders a form's layout over `data` into a PDF.
pub fn render(layout_json: &str, data: &Value, meta: &Meta) -> Result<Rendered, FormError> {
    let fonts = fonts::Fonts::get().ok_or(FormError::Fonts)?;
    let (pages, missing, geo) = layout_pages(layout_json, data)?;
    let layout: Value = serde_json::from_str(layout_json).unwrap_or(Value::Null);
    let title = layout.get("title").and_then(Value::as_str).unwrap_or("").to_owned();
    let version = layout.get("version").and_then(Value::as_str).unwrap_or("").to_owned();
    let meta = Meta { title: meta.title.nfc().collect(), ..meta.clone() };
    let bytes = pdf::write(fonts, &pages, geo.width, geo.height, &meta)?;
    Ok(Rendered { bytes, pages: pages.len(), missing_glyphs: missing, title, version })
}

/// Renders several filled layouts (each with its own footers and page
/// numbers) into one PDF, e.g. the minutes of every level. All layouts must
/// share the page size of the first.
pub fn render_many(parts: &[(&str, &Value)], meta: &Meta) -> Result<Rendered, FormError> {
    let fonts = fonts::Fonts::get().ok_or(FormError::Fonts)?;
    let mut all = Vec::new();
    let mut missing = Vec::new();
    let mut geo = None;
    let mut title = String::new();
    let mut version = String::new();
    for (layout_json, data) in parts {
        let (pages, miss, g) = layout_pages(layout_json, data)?;
        all.extend(pages);
        missing.extend(miss);
        geo.get_or_insert(g);
        if title.is_empty() {
            let layout: Value = serde_json::from_str(layout_json).unwrap_or(Value::Null);
            title = layout.get("title").and_then(Value::as_str).unwrap_or("").to_owned();
            version = layout.get("version").and_then(Value::as_str).unwrap_or("").to_owned();
        }
    }
    let geo = geo.ok_or_else(|| FormError::Pdf("không có trang nào để in".into()))?;
    missing.sort_unstable();
    missing.dedup();
    let meta = Meta { title: meta.title.nfc().collect(), ..meta.clone() };
    let bytes = pdf::write(fonts, &all, geo.width, geo.height, &meta)?;
    Ok(Rendered { bytes, pages: all.len(), missing_glyphs: missing, title, version })
}

/// Pages as SVG documents.
#[derive(Debug, Clone)]
pub struct SvgPages {
    pub pages: Vec<String>,
    pub total: usize,
}

/// Lays filled layouts out like [`render_many`] and returns the first
/// `max_pages` pages as SVG (view box in millimetres; text in the same
/// positions and faces as the PDF — the app's preview of the paper).
pub fn svg_pages(parts: &[(&str, &Value)], max_pages: usize) -> Result<SvgPages, FormError> {
    let mut all = Vec::new();
    let mut geo = None;
    for (layout_json, data) in parts {
        let (pages, _, g) = layout_pages(layout_json, data)?;
        all.extend(pages);
        geo.get_or_insert(g);
    }
    let Some(geo) = geo else {
        return Ok(SvgPages { pages: Vec::new(), total: 0 });
    };
    let total = all.len();
    let pages = all.iter().take(max_pages).map(|p| svg::page(p, geo.width, geo.height)).collect();
    Ok(SvgPages { pages, total })
}

#[cfg(test)]
mod tests;
