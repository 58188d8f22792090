//! The embedded serif faces (Liberation Serif 2.1.5, SIL OFL 1.1: Times New
//! Roman metrics, every precomposed Vietnamese letter) and text measuring.

use std::collections::HashMap;
use std::sync::OnceLock;

use printpdf::ParsedFont;

const REGULAR: &[u8] = include_bytes!("../../../../assets/fonts/LiberationSerif-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../../../assets/fonts/LiberationSerif-Bold.ttf");
const ITALIC: &[u8] = include_bytes!("../../../../assets/fonts/LiberationSerif-Italic.ttf");

/// A face of the form font.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    Regular,
    Bold,
    Italic,
}

impl Style {
    pub fn parse(s: &str) -> Option<Style> {
        match s {
            "regular" | "" => Some(Style::Regular),
            "bold" => Some(Style::Bold),
            "italic" => Some(Style::Italic),
            _ => None,
        }
    }

    pub fn index(self) -> usize {
        match self {
            Style::Regular => 0,
            Style::Bold => 1,
            Style::Italic => 2,
        }
    }
}

/// One parsed face with its advances per character (em units / 1000).
pub struct Face {
    pub parsed: ParsedFont,
    advances: HashMap<char, f32>,
    units_per_em: f32,
}

impl Face {
    fn load(bytes: &[u8]) -> Option<Face> {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings)?;
        let units_per_em = f32::from(parsed.pdf_font_metrics.units_per_em.max(1));
        let mut face = Face { parsed, advances: HashMap::new(), units_per_em };
        // Pre-compute the advances of every character a Vietnamese form uses.
        let mut chars: Vec<char> = (' '..='~').collect();
        chars.extend("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯưẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ–—…“”‘’•×≠→№".chars());
        for c in chars {
            if let Some(a) = face.compute(c) {
                face.advances.insert(c, a);
            }
        }
        Some(face)
    }

    fn compute(&self, c: char) -> Option<f32> {
        let gid = self.parsed.lookup_glyph_index(u32::from(c))?;
        Some(f32::from(self.parsed.get_horizontal_advance(gid)) * 1000.0 / self.units_per_em)
    }

    /// Whether the face has a glyph for `c`.
    pub fn has(&self, c: char) -> bool {
        self.advances.contains_key(&c) || self.parsed.lookup_glyph_index(u32::from(c)).is_some()
    }

    /// Width of `s` at `size` points, in millimetres.
    pub fn width_mm(&self, s: &str, size: f32) -> f32 {
        let mut w = 0.0;
        for c in s.chars() {
            w += match self.advances.get(&c) {
                Some(a) => *a,
                None => self.compute(c).unwrap_or(500.0),
            };
        }
        w / 1000.0 * size * 25.4 / 72.0
    }
}

/// The three faces, loaded once per process.
pub struct Fonts {
    pub faces: [Face; 3],
}

impl Fonts {
    pub fn get() -> Option<&'static Fonts> {
        static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
        FONTS.get_or_init(|| Some(Fonts { faces: [Face::load(REGULAR)?, Face::load(BOLD)?, Face::load(ITALIC)?] })).as_ref()
    }

    pub fn face(&self, s: Style) -> &Face {
        &self.faces[s.index()]
    }
}
