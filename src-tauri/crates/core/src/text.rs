//! Text normalisation and folding.
//!
//! All user text is stored in Unicode NFC with whitespace collapsed
//! ([`clean`]). Search compares *folded* text ([`fold`]): lower case,
//! diacritics removed, `đ` → `d`, so that "nguyen van an" finds
//! "Nguyễn Văn An".

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

/// Normalises user text on entry: NFC, control characters dropped, every
/// run of whitespace (including non-breaking spaces) turned into one space,
/// leading and trailing whitespace removed.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfc() {
        if c.is_whitespace() || c == '\u{a0}' || c == '\u{feff}' || c == '\u{200b}' {
            pending_space = !out.is_empty();
        } else if c.is_control() || is_invisible(c) {
            continue;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Characters that print as nothing (Unicode format characters and fillers:
/// soft hyphen, zero-width joiners, word joiner, bidirectional controls,
/// variation selectors, tags, Hangul fillers…). A name made of them, or a
/// name with one inside, looks like another on screen and on paper, so they
/// are dropped on entry ([`clean`]) and ignored in comparisons ([`fold`]).
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{ad}' | '\u{34f}' | '\u{61c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
        | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}' | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{ffa0}'
        | '\u{fff0}'..='\u{fff8}' | '\u{1bca0}'..='\u{1bca3}' | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0000}'..='\u{e0fff}')
}

/// Unicode NFC (composes tone marks typed or decoded as combining
/// characters), nothing else changed — whole files, line breaks kept.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Folds one character for search: lower case, no diacritics, `đ` → `d`.
/// Pushes the result onto `out` (a character may fold to nothing).
fn fold_char(c: char, out: &mut String) {
    match c {
        'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
        c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
        c => decompose_canonical(c, |d| {
            if !is_combining_mark(d) {
                for l in d.to_lowercase() {
                    out.push(l);
                }
            }
        }),
    }
}

/// Folds text for comparison: lower case, diacritics removed, `đ` → `d`,
/// whitespace collapsed. `fold("  Nguyễn  VĂN Đức ")` is `"nguyen van duc"`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        // As in `clean`: a zero-width space or byte-order mark separates.
        if c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}' {
            pending_space = !out.is_empty();
            continue;
        }
        if is_combining_mark(c) || is_invisible(c) || c.is_control() {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        fold_char(c, &mut out);
    }
    out
}

/// The words of folded text: split on anything that is not a letter or digit.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    #[test]
    fn invisible_characters_are_dropped_and_ignored() {
        // A name of nothing but format characters is empty; a candidate's
        // name with a word joiner inside is still the candidate's name.
        assert_eq!(super::clean("\u{2060}\u{200b}\u{200d}"), "");
        assert_eq!(super::clean("Đỗ Văn\u{2060} Bình\u{202e}"), "Đỗ Văn Bình");
        assert_eq!(super::fold("Đỗ Văn Bình\u{2060}"), super::fold("Đỗ Văn Bình"));
        assert_eq!(super::fold("Đỗ\u{200b}Văn"), "do van");
        assert_eq!(super::fold("\u{e0041}\u{fe0f}"), "");
    }

    use super::*;

    #[test]
    fn clean_makes_nfc_and_collapses_space() {
        // "Nguyễn" written in NFD (e + circumflex + tilde as combining marks).
        let nfd = "  Nguye\u{302}\u{303}n\u{a0}\u{a0}Va\u{306}n\tAn \n";
        assert_eq!(clean(nfd), "Nguyễn Văn An");
        assert_eq!(clean("\u{feff}Lê\u{0007}  Thị"), "Lê Thị");
        assert_eq!(clean("   "), "");
    }

    #[test]
    fn fold_removes_diacritics_case_and_d_stroke() {
        assert_eq!(fold("Nguyễn Văn An"), "nguyen van an");
        assert_eq!(fold("NGUYỄN VĂN AN"), "nguyen van an");
        assert_eq!(fold("Đặng Thị Đào"), "dang thi dao");
        assert_eq!(fold("Nguye\u{302}\u{303}n"), "nguyen");
        assert_eq!(fold("Ưng Hoàng Phúc"), "ung hoang phuc");
    }

    #[test]
    fn words_split_on_punctuation() {
        let f = fold("Lò Văn Pá (Pá Chưn)");
        assert_eq!(words(&f).collect::<Vec<_>>(), ["lo", "van", "pa", "pa", "chun"]);
    }
}

/// Vietnamese number style: thousands separated by dots (`1052` → `"1.052"`).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod thousands_tests {
    use super::thousands;

    #[test]
    fn vietnamese_grouping() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1052), "1.052");
        assert_eq!(thousands(76_516_637), "76.516.637");
    }
}
