//! Drawing commands → a PDF with the three faces embedded and subset.

use printpdf::{
    Color, Date, DateTime, Line, LinePoint, Mm, Offset, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rgb, TextItem, TextMatrix, Time,
    WindingOrder,
};

use crate::engine::Cmd;
use crate::fonts::{Fonts, Style};
use crate::{FormError, Meta};

fn pdf_date(m: &Meta) -> DateTime {
    DateTime {
        date: Date { year: m.created.0, month: m.created.1, day: m.created.2 },
        time: Time { hour: m.created.3, minute: m.created.4, second: m.created.5, millisecond: 0 },
        offset: Offset { hours: 7, minutes: 0, seconds: 0, milliseconds: 0 },
    }
}

pub fn write(fonts: &Fonts, pages: &[Vec<Cmd>], width: f32, height: f32, meta: &Meta) -> Result<Vec<u8>, FormError> {
    let mut doc = PdfDocument::new(&meta.title);
    let ids = [doc.add_font(&fonts.face(Style::Regular).parsed), doc.add_font(&fonts.face(Style::Bold).parsed), doc.add_font(&fonts.face(Style::Italic).parsed)];
    let d = pdf_date(meta);
    doc.metadata.info.creation_date = d;
    doc.metadata.info.modification_date = d;
    doc.metadata.info.metadata_date = d;
    doc.metadata.info.creator = "Tổ Bầu Cử".into();
    doc.metadata.info.producer = "Tổ Bầu Cử (printpdf)".into();
    doc.metadata.info.subject = meta.subject.clone();
    doc.metadata.info.identifier = meta.identifier.clone();
    let to_pt = |mm: f32| Pt(mm * 72.0 / 25.4);
    let mut out_pages = Vec::with_capacity(pages.len());
    for cmds in pages {
        let mut ops = Vec::with_capacity(cmds.len() * 3 + 8);
        ops.push(Op::SetOutlineColor { col: Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None)) });
        let mut thickness = -1.0f32;
        for c in cmds {
            if let Cmd::Line { x1, y1, x2, y2, width: w } = c {
                if (*w - thickness).abs() > 0.001 {
                    ops.push(Op::SetOutlineThickness { pt: Pt(*w) });
                    thickness = *w;
                }
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![LinePoint { p: Point::new(Mm(*x1), Mm(height - *y1)), bezier: false }, LinePoint { p: Point::new(Mm(*x2), Mm(height - *y2)), bezier: false }],
                        is_closed: false,
                    },
                });
            }
        }
        ops.push(Op::SetFillColor { col: Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None)) });
        // Filled rectangles (QR modules) as one polygon of many rings.
        let rings: Vec<PolygonRing> = cmds
            .iter()
            .filter_map(|c| match c {
                Cmd::Rect { x, y, w, h } => Some(PolygonRing {
                    points: [(*x, *y), (*x + *w, *y), (*x + *w, *y + *h), (*x, *y + *h)].iter().map(|(px, py)| LinePoint { p: Point::new(Mm(*px), Mm(height - *py)), bezier: false }).collect(),
                }),
                _ => None,
            })
            .collect();
        if !rings.is_empty() {
            ops.push(Op::DrawPolygon { polygon: Polygon { rings, mode: PaintMode::Fill, winding_order: WindingOrder::NonZero } });
        }
        ops.push(Op::StartTextSection);
        let mut cur: Option<(Style, f32)> = None;
        for c in cmds {
            if let Cmd::Text { x, y, style, size, text } = c {
                if cur != Some((*style, *size)) {
                    ops.push(Op::SetFont { font: PdfFontHandle::External(ids[style.index()].clone()), size: Pt(*size) });
                    cur = Some((*style, *size));
                }
                ops.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(to_pt(*x), to_pt(height - *y)) });
                ops.push(Op::ShowText { items: vec![TextItem::Text(text.clone())] });
            }
        }
        ops.push(Op::EndTextSection);
        out_pages.push(PdfPage::new(Mm(width), Mm(height), ops));
    }
    doc.with_pages(out_pages);
    let mut warnings = Vec::new();
    let opts = PdfSaveOptions { subset_fonts: true, optimize: true, ..Default::default() };
    let mut bytes = doc.save(&opts, &mut warnings);
    // printpdf writes a 1.3 header; e-documents expect ≥ 1.4 (same length,
    // so the cross-reference offsets stay right).
    if bytes.starts_with(b"%PDF-1.3") {
        bytes[7] = b'4';
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(FormError::Pdf("tệp PDF tạo ra không hợp lệ".into()));
    }
    Ok(bytes)
}
