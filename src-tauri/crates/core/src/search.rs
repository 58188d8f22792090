//! Tìm cử tri: the in-memory search index of the check-in desk.
//!
//! Names are folded ([`crate::text::fold`]) and split into words once, when
//! the index is built. A query of letters matches a voter when every query
//! word is a prefix of a different word of the name ("ng v an" finds
//! "Nguyễn Văn An"); a query of digits matches the STT (card number) or the
//! ID number exactly. Candidates come from a sorted word table by binary
//! search on the most selective query word, so a query touches only the
//! voters sharing that word prefix, not the whole list.

use crate::text;

/// What the index needs to know of one voter.
#[derive(Debug, Clone)]
pub struct SearchEntry {
    pub stt: u32,
    pub name: String,
    pub id_number: Option<String>,
}

#[derive(Debug, Clone)]
struct Doc {
    stt: u32,
    folded: Box<str>,
    words: Box<[Box<str>]>,
    id_number: Option<Box<str>>,
}

/// The search index over one voter list.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    docs: Vec<Doc>,
    /// (word, doc index), sorted by word then doc.
    words: Vec<(Box<str>, u32)>,
}

impl SearchIndex {
    pub fn new(entries: impl IntoIterator<Item = SearchEntry>) -> SearchIndex {
        let mut docs: Vec<Doc> = entries
            .into_iter()
            .map(|e| {
                let folded = text::fold(&e.name);
                let words: Box<[Box<str>]> = text::words(&folded).map(Box::from).collect();
                Doc {
                    stt: e.stt,
                    folded: folded.into(),
                    words,
                    id_number: e.id_number.map(Box::from),
                }
            })
            .collect();
        docs.sort_by_key(|d| d.stt);
        let mut words: Vec<(Box<str>, u32)> = Vec::new();
        for (i, d) in docs.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            for w in d.words.iter() {
                words.push((w.clone(), i));
            }
        }
        words.sort_unstable();
        words.dedup();
        SearchIndex { docs, words }
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// STTs matching `query`, best match first, at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<u32> {
        let q = text::fold(query);
        let q = q.trim();
        if q.is_empty() {
            return Vec::new();
        }
        let compact: String = q.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.bytes().all(|b| b.is_ascii_digit()) {
            return self.search_number(&compact, limit);
        }
        let qwords: Vec<&str> = text::words(q).collect();
        if qwords.is_empty() {
            return Vec::new();
        }
        // The longest query word is usually the most selective.
        let pivot = qwords.iter().copied().max_by_key(|w| w.len()).unwrap_or("");
        let start = self.words.partition_point(|(w, _)| w.as_ref() < pivot);
        let mut candidates: Vec<u32> = self.words[start..]
            .iter()
            .take_while(|(w, _)| w.starts_with(pivot))
            .map(|&(_, d)| d)
            .collect();
        candidates.sort_unstable();
        candidates.dedup();

        let mut hits: Vec<(u32, u32)> = Vec::new(); // (score, doc)
        for d in candidates {
            let doc = &self.docs[d as usize];
            if let Some(score) = score(doc, q, &qwords) {
                hits.push((score, d));
            }
        }
        hits.sort_unstable_by(|a, b| {
            b.0.cmp(&a.0).then(
                self.docs[a.1 as usize]
                    .stt
                    .cmp(&self.docs[b.1 as usize].stt),
            )
        });
        hits.into_iter()
            .take(limit)
            .map(|(_, d)| self.docs[d as usize].stt)
            .collect()
    }

    fn search_number(&self, digits: &str, limit: usize) -> Vec<u32> {
        let mut out = Vec::new();
        if let Ok(stt) = digits.parse::<u32>() {
            if let Ok(i) = self.docs.binary_search_by_key(&stt, |d| d.stt) {
                out.push(self.docs[i].stt);
            }
        }
        if digits.len() >= 9 {
            for d in &self.docs {
                if d.id_number.as_deref() == Some(digits) && !out.contains(&d.stt) {
                    out.push(d.stt);
                }
            }
        }
        out.truncate(limit);
        out
    }
}

/// Scores a candidate; `None` when some query word finds no name word.
/// Higher is better: whole-name equality, words in order, whole words,
/// and the given name (last word) matched.
fn score(doc: &Doc, q: &str, qwords: &[&str]) -> Option<u32> {
    let mut used = [false; 16];
    let mut in_order = true;
    let mut last_pos: Option<usize> = None;
    let mut exact = 0u32;
    for qw in qwords {
        // Prefer the first unused word after the previous match (keeps order).
        let from = last_pos.map_or(0, |p| p + 1);
        let pick = (from..doc.words.len())
            .chain(0..from)
            .find(|&i| i < used.len() && !used[i] && doc.words[i].starts_with(qw))?;
        if let Some(p) = last_pos {
            if pick < p {
                in_order = false;
            }
        }
        used[pick] = true;
        last_pos = Some(pick);
        if doc.words[pick].len() == qw.len() {
            exact += 1;
        }
    }
    let mut s = exact * 10;
    if in_order {
        s += 100;
    }
    if *doc.folded == *q {
        s += 1000;
    }
    if doc.words.len() >= 1 && used.get(doc.words.len() - 1).copied().unwrap_or(false) {
        s += 5;
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> SearchIndex {
        let names = [
            (1, "Nguyễn Văn An", Some("038090001234")),
            (2, "Nguyễn Văn Anh", None),
            (3, "Trần Thị Đào", Some("038190004321")),
            (4, "Đặng Văn An", None),
            (5, "An Thị Nguyễn", None),
            (12, "Lê Văn Dũng", None),
        ];
        SearchIndex::new(names.iter().map(|&(stt, n, id)| SearchEntry {
            stt,
            name: n.into(),
            id_number: id.map(String::from),
        }))
    }

    #[test]
    fn issue_examples_find_nguyen_van_an() {
        // Issue 2 §6: these three queries all find "Nguyễn Văn An", first.
        let idx = index();
        for q in ["nguyen van an", "NGUYỄN VĂN AN", "ng v an"] {
            let r = idx.search(q, 10);
            assert_eq!(r.first(), Some(&1), "query {q:?} gave {r:?}");
        }
        // "ng v an" is a prefix of "Nguyễn Văn Anh" too.
        assert!(idx.search("ng v an", 10).contains(&2));
    }

    #[test]
    fn d_matches_d_stroke() {
        let idx = index();
        assert_eq!(idx.search("dao", 10), vec![3]);
        assert_eq!(idx.search("dang", 10), vec![4]);
        // Given-name (last word) matches rank first, then STT order.
        assert_eq!(idx.search("d", 10), vec![3, 12, 4]);
    }

    #[test]
    fn numbers_are_exact() {
        let idx = index();
        assert_eq!(idx.search("12", 10), vec![12]);
        assert_eq!(idx.search("1", 10), vec![1]);
        assert_eq!(idx.search("038190004321", 10), vec![3]);
        assert_eq!(idx.search("0381900", 10), Vec::<u32>::new());
        assert_eq!(idx.search("99", 10), Vec::<u32>::new());
    }

    #[test]
    fn order_is_preferred_but_not_required() {
        let idx = index();
        let r = idx.search("an nguyen", 10);
        assert_eq!(r.first(), Some(&5));
        assert!(r.contains(&1));
    }

    #[test]
    fn no_match_and_empty() {
        let idx = index();
        assert!(idx.search("xyz", 10).is_empty());
        assert!(idx.search("   ", 10).is_empty());
        assert!(idx.search("van van van", 10).is_empty());
    }
}
