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

/// The search index over one voter list.
///
/// Layout for speed on 100,000 voters: the folded words of all names form a
/// sorted vocabulary; a query word's prefix matches are one contiguous range
/// of word ids. Postings (word id → documents) and each document's word ids
/// are flat arrays (compressed sparse rows), so a query walks contiguous
/// integers and compares no strings after the two binary searches per word.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    /// STT per document; documents are sorted by STT.
    stts: Vec<u32>,
    /// Sorted, unique folded words.
    vocab: Vec<Box<str>>,
    /// Word id → documents: `post_docs[post_off[w]..post_off[w + 1]]`.
    post_off: Vec<u32>,
    post_docs: Vec<u32>,
    /// Document → its word ids in name order: `doc_words[doc_off[d]..doc_off[d + 1]]`.
    doc_off: Vec<u32>,
    doc_words: Vec<u32>,
    /// ID number → document.
    ids: std::collections::HashMap<Box<str>, u32>,
}

fn idx(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl SearchIndex {
    pub fn new(entries: impl IntoIterator<Item = SearchEntry>) -> SearchIndex {
        let mut entries: Vec<SearchEntry> = entries.into_iter().collect();
        entries.sort_by_key(|e| e.stt);
        let folded: Vec<Vec<String>> = entries.iter().map(|e| text::words(&text::fold(&e.name)).map(str::to_owned).collect()).collect();
        let mut vocab: Vec<Box<str>> = folded.iter().flatten().map(|w| Box::from(w.as_str())).collect();
        vocab.sort_unstable();
        vocab.dedup();
        let id_of = |w: &str| idx(vocab.partition_point(|v| v.as_ref() < w));

        let mut doc_off = Vec::with_capacity(entries.len() + 1);
        let mut doc_words = Vec::new();
        doc_off.push(0);
        for words in &folded {
            doc_words.extend(words.iter().map(|w| id_of(w)));
            doc_off.push(idx(doc_words.len()));
        }
        // Postings by counting sort on word id.
        let mut post_off = vec![0u32; vocab.len() + 1];
        for d in 0..entries.len() {
            let mut ws: Vec<u32> = doc_words[doc_off[d] as usize..doc_off[d + 1] as usize].to_vec();
            ws.sort_unstable();
            ws.dedup();
            for w in ws {
                post_off[w as usize + 1] += 1;
            }
        }
        for i in 1..post_off.len() {
            post_off[i] += post_off[i - 1];
        }
        let mut fill = post_off.clone();
        let mut post_docs = vec![0u32; post_off.last().copied().unwrap_or(0) as usize];
        for d in 0..entries.len() {
            let mut ws: Vec<u32> = doc_words[doc_off[d] as usize..doc_off[d + 1] as usize].to_vec();
            ws.sort_unstable();
            ws.dedup();
            for w in ws {
                post_docs[fill[w as usize] as usize] = idx(d);
                fill[w as usize] += 1;
            }
        }
        let ids = entries.iter().enumerate().filter_map(|(i, e)| e.id_number.as_deref().map(|id| (Box::from(id), idx(i)))).collect();
        let stts = entries.iter().map(|e| e.stt).collect();
        SearchIndex { stts, vocab, post_off, post_docs, doc_off, doc_words, ids }
    }

    /// Word ids whose word starts with `prefix`: a contiguous range, and the
    /// id of the word equal to `prefix` if there is one.
    fn prefix_range(&self, prefix: &str) -> QueryWord {
        let lo = self.vocab.partition_point(|v| v.as_ref() < prefix);
        let hi = lo + self.vocab[lo..].partition_point(|v| v.starts_with(prefix));
        let exact = (lo < hi && self.vocab[lo].as_ref() == prefix).then_some(idx(lo));
        QueryWord { lo: idx(lo), hi: idx(hi), exact }
    }

    /// STTs matching `query`, best match first, at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<u32> {
        let q = text::fold(query);
        let q = q.trim();
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let compact: String = q.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.bytes().all(|b| b.is_ascii_digit()) {
            return self.search_number(&compact, limit);
        }
        let qwords: Vec<QueryWord> = text::words(q).map(|w| self.prefix_range(w)).collect();
        if qwords.is_empty() || qwords.iter().any(|w| w.lo == w.hi) {
            return Vec::new();
        }
        // Candidates from the most selective query word (fewest postings).
        let postings = |w: &QueryWord| self.post_off[w.hi as usize] - self.post_off[w.lo as usize];
        let Some(pivot) = qwords.iter().min_by_key(|w| postings(w)) else {
            return Vec::new();
        };
        let from = self.post_off[pivot.lo as usize] as usize;
        let to = self.post_off[pivot.hi as usize] as usize;
        let mut seen = vec![0u64; self.stts.len().div_ceil(64)];
        // Hits packed as one sortable key: best score first, then smaller STT.
        let mut hits: Vec<u64> = Vec::new();
        for &d in &self.post_docs[from..to] {
            let (slot, bit) = ((d / 64) as usize, 1u64 << (d % 64));
            if seen[slot] & bit != 0 {
                continue;
            }
            seen[slot] |= bit;
            let words = &self.doc_words[self.doc_off[d as usize] as usize..self.doc_off[d as usize + 1] as usize];
            if let Some(score) = score(words, &qwords) {
                hits.push((u64::from(u32::MAX - score) << 32) | u64::from(d));
            }
        }
        if hits.len() > limit {
            hits.select_nth_unstable(limit - 1);
            hits.truncate(limit);
        }
        hits.sort_unstable();
        hits.into_iter().map(|k| self.stts[(k & 0xffff_ffff) as usize]).collect()
    }

    fn search_number(&self, digits: &str, limit: usize) -> Vec<u32> {
        let mut out = Vec::new();
        if let Ok(stt) = digits.parse::<u32>() {
            if self.stts.binary_search(&stt).is_ok() {
                out.push(stt);
            }
        }
        if let Some(&d) = self.ids.get(digits) {
            let stt = self.stts[d as usize];
            if !out.contains(&stt) {
                out.push(stt);
            }
        }
        out.truncate(limit);
        out
    }
}

/// A query word: the range of vocabulary ids it is a prefix of.
#[derive(Debug, Clone, Copy)]
struct QueryWord {
    lo: u32,
    hi: u32,
    exact: Option<u32>,
}

/// Scores a candidate; `None` when some query word finds no name word.
/// Higher is better: the whole name typed exactly, words in order, whole
/// words, and the given name (last word) matched.
fn score(words: &[u32], qwords: &[QueryWord]) -> Option<u32> {
    let mut used = 0u64;
    let mut in_order = true;
    let mut last_pos: Option<usize> = None;
    let mut exact = 0u32;
    let n = words.len().min(64);
    for qw in qwords {
        // Prefer the first unused word after the previous match (keeps order).
        let from = last_pos.map_or(0, |p| p + 1).min(n);
        let pick = (from..n).chain(0..from).find(|&i| used & (1 << i) == 0 && (qw.lo..qw.hi).contains(&words[i]))?;
        if last_pos.is_some_and(|p| pick < p) {
            in_order = false;
        }
        used |= 1 << pick;
        last_pos = Some(pick);
        if qw.exact == Some(words[pick]) {
            exact += 1;
        }
    }
    let mut s = exact * 10;
    if in_order {
        s += 100;
        if exact as usize == qwords.len() && qwords.len() == words.len() {
            s += 1000;
        }
    }
    if n > 0 && used & (1 << (n - 1)) != 0 {
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
        SearchIndex::new(names.iter().map(|&(stt, n, id)| SearchEntry { stt, name: n.into(), id_number: id.map(String::from) }))
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

    proptest::proptest! {
        /// Every voter is found by their own name, typed with or without
        /// diacritics, and the best hit carries that very name.
        #[test]
        fn everyone_is_found_by_their_name(picks in proptest::collection::vec((0usize..6, 0usize..5, 0usize..8), 1..60)) {
            let fam = ["Nguyễn", "Trần", "Lê", "Đặng", "Bùi", "Hồ"];
            let mid = ["Văn", "Thị", "Ngọc", "Đình", "Hữu"];
            let given = ["An", "Anh", "Đào", "Dũng", "Hương", "Hùng", "Lan", "Lâm"];
            let names: Vec<String> = picks.iter().map(|&(a, b, c)| format!("{} {} {}", fam[a], mid[b], given[c])).collect();
            let idx = SearchIndex::new(names.iter().enumerate().map(|(i, n)| SearchEntry { stt: i as u32 + 1, name: n.clone(), id_number: None }));
            for (i, n) in names.iter().enumerate() {
                for q in [n.clone(), crate::text::fold(n), n.to_uppercase()] {
                    let r = idx.search(&q, 1000);
                    proptest::prop_assert!(r.contains(&(i as u32 + 1)), "{q:?} missed {i}");
                    let best = r[0] as usize - 1;
                    proptest::prop_assert_eq!(crate::text::fold(&names[best]), crate::text::fold(n));
                }
            }
        }
    }

    #[test]
    fn no_match_and_empty() {
        let idx = index();
        assert!(idx.search("xyz", 10).is_empty());
        assert!(idx.search("   ", 10).is_empty());
        assert!(idx.search("van van van", 10).is_empty());
    }
}
