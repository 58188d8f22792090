//! Đối chiếu: two records of the same figures compared field by field, and
//! what people decided about the fields that differ (issue 15 items 3, 4).
//!
//! * A team's tally sheet typed twice (E10): the Tổ trưởng either picks,
//!   for each differing field, which entry was right, or sends just those
//!   fields to a third person who types them without seeing either value
//!   ([`resolve_entries`]). Fields that agree are never typed again.
//! * A board's check of a Tổ's paper minutes against the signed file: the
//!   file is the first entry, the paper typed once is the second
//!   ([`compare_paper`]).

use std::collections::BTreeMap;

use crate::count::{diff_entries, CountResult, FieldDiff, InvalidReason};
use crate::minutes::Minutes;

impl CountResult {
    /// The value of a field named as [`diff_entries`] names it
    /// (`received`, `valid`, `invalid`, `invalid.<ground>`, `group.k`,
    /// `votes.p`), or `None` for a name it does not know.
    pub fn field(&self, field: &str) -> Option<u64> {
        match field {
            "received" => Some(self.received),
            "valid" => Some(self.valid),
            "invalid" => Some(self.invalid),
            f => {
                if let Some(g) = f.strip_prefix("invalid.") {
                    InvalidReason::parse(g).map(|r| self.invalid_by_reason[r.index()])
                } else if let Some(k) = f.strip_prefix("group.") {
                    let i = k.parse::<usize>().ok()?.checked_sub(1)?;
                    self.groups.as_ref().map(|g| g.get(i).copied().unwrap_or(0))
                } else if let Some(p) = f.strip_prefix("votes.") {
                    let i = p.parse::<usize>().ok()?.checked_sub(1)?;
                    self.votes.get(i).copied()
                } else {
                    None
                }
            }
        }
    }

    /// Sets a field named as [`CountResult::field`] names it; false when
    /// the name is unknown or out of range.
    pub fn set_field(&mut self, field: &str, v: u64) -> bool {
        match field {
            "received" => self.received = v,
            "valid" => self.valid = v,
            "invalid" => self.invalid = v,
            f => {
                let slot = if let Some(g) = f.strip_prefix("invalid.") {
                    InvalidReason::parse(g).map(|r| &mut self.invalid_by_reason[r.index()])
                } else if let Some(k) = f.strip_prefix("group.") {
                    let i = k.parse::<usize>().ok().and_then(|k| k.checked_sub(1));
                    match (i, self.groups.as_mut()) {
                        (Some(i), Some(g)) => g.get_mut(i),
                        _ => None,
                    }
                } else if let Some(p) = f.strip_prefix("votes.") {
                    let i = p.parse::<usize>().ok().and_then(|p| p.checked_sub(1));
                    i.and_then(|i| self.votes.get_mut(i))
                } else {
                    None
                };
                match slot {
                    Some(s) => *s = v,
                    None => return false,
                }
            }
        }
        true
    }
}

/// What was decided about one differing field of a tally sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldDecision {
    /// The Tổ trưởng chose the value of entry 1, 2 or (after a re-entry) 3.
    Pick(u8),
    /// Sent to be typed again by a third person; not typed yet.
    Reenter,
    /// The third person's value.
    Third(u64),
}

/// One decision as recorded: the values of the two entries it was made
/// on (a decision made on other values — an entry typed again since — no
/// longer applies), and the third value when one was typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    pub field: String,
    pub first: u64,
    pub second: u64,
    pub decision: FieldDecision,
}

/// Where one differing field stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldState {
    /// Nobody decided yet.
    Open,
    /// Waiting for the third person's entry.
    AwaitingThird,
    /// The third entry agrees with neither: the Tổ trưởng must pick (1, 2
    /// or 3) or send it again.
    ThirdDisagrees(u64),
    /// Settled on this value (`by`: 1, 2 or 3, the entry whose value holds).
    Settled { value: u64, by: u8 },
}

/// The double entry after decisions: the figures that count and the state
/// of every field on which the two entries differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// Entry 1 with every settled field set to its settled value.
    pub result: CountResult,
    pub fields: Vec<(FieldDiff, FieldState)>,
}

impl Resolution {
    /// The differing fields not settled yet (what E10 still reports).
    pub fn unresolved(&self) -> Vec<FieldDiff> {
        self.fields.iter().filter(|(_, s)| !matches!(s, FieldState::Settled { .. })).map(|(d, _)| d.clone()).collect()
    }
}

/// Applies the decisions (oldest first; the last one that still applies
/// to a field wins) to the differences between entries `a` and `b`.
///
/// A third entry settles a field when it agrees with entry 1 or entry 2
/// (two people of three typed the same); one that agrees with neither
/// leaves the field open to the Tổ trưởng's pick, who may then choose it
/// (`Pick(3)`).
pub fn resolve_entries(a: &CountResult, b: &CountResult, decided: &[Decided]) -> Resolution {
    let mut result = a.clone();
    let mut fields = Vec::new();
    for d in diff_entries(a, b) {
        let mut third: Option<u64> = None;
        let mut state = FieldState::Open;
        for x in decided.iter().filter(|x| x.field == d.field && x.first == d.first && x.second == d.second) {
            state = match x.decision {
                FieldDecision::Reenter => {
                    third = None;
                    FieldState::AwaitingThird
                }
                FieldDecision::Third(v) => {
                    third = Some(v);
                    if v == d.first {
                        FieldState::Settled { value: v, by: 1 }
                    } else if v == d.second {
                        FieldState::Settled { value: v, by: 2 }
                    } else {
                        FieldState::ThirdDisagrees(v)
                    }
                }
                FieldDecision::Pick(1) => FieldState::Settled { value: d.first, by: 1 },
                FieldDecision::Pick(2) => FieldState::Settled { value: d.second, by: 2 },
                FieldDecision::Pick(_) => match third {
                    Some(v) => FieldState::Settled { value: v, by: 3 },
                    None => state,
                },
            };
        }
        if let FieldState::Settled { value, .. } = state {
            result.set_field(&d.field, value);
        }
        fields.push((d, state));
    }
    Resolution { result, fields }
}

/// The figures of a Tổ's paper minutes for one level, typed once at the
/// board.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaperFigures {
    pub voters_listed: u64,
    pub voters_voted: u64,
    pub ballots_issued: u64,
    pub ballots_received: u64,
    pub ballots_valid: u64,
    pub ballots_invalid: u64,
    /// Votes per candidate, in ballot order.
    pub votes: Vec<u64>,
}

impl PaperFigures {
    /// Named figures, in the order of the paper.
    pub fn named(&self) -> Vec<(String, u64)> {
        let mut out = vec![
            ("voters_listed".to_owned(), self.voters_listed),
            ("voters_voted".to_owned(), self.voters_voted),
            ("issued".to_owned(), self.ballots_issued),
            ("received".to_owned(), self.ballots_received),
            ("valid".to_owned(), self.ballots_valid),
            ("invalid".to_owned(), self.ballots_invalid),
        ];
        out.extend(self.votes.iter().enumerate().map(|(i, v)| (format!("votes.{}", i + 1), *v)));
        out
    }

    /// The same figures as a signed minutes document gives them.
    pub fn of_minutes(m: &Minutes) -> PaperFigures {
        let f = &m.figures;
        PaperFigures {
            voters_listed: f.voters_listed,
            voters_voted: f.voters_voted,
            ballots_issued: f.ballots_issued,
            ballots_received: f.ballots_received,
            ballots_valid: f.ballots_valid,
            ballots_invalid: f.ballots_invalid,
            votes: m.candidates.iter().map(|c| c.votes).collect(),
        }
    }
}

/// The signed file (first entry) against the paper typed at the board
/// (second entry), field by field; a candidate line missing on either side
/// counts as 0.
pub fn compare_paper(file: &Minutes, paper: &PaperFigures) -> Vec<FieldDiff> {
    let a: BTreeMap<String, u64> = PaperFigures::of_minutes(file).named().into_iter().collect();
    let b: BTreeMap<String, u64> = paper.named().into_iter().collect();
    let mut order: Vec<String> = PaperFigures::of_minutes(file).named().into_iter().map(|(k, _)| k).collect();
    for (k, _) in paper.named() {
        if !order.contains(&k) {
            order.push(k);
        }
    }
    order
        .into_iter()
        .filter_map(|field| {
            let first = a.get(&field).copied().unwrap_or(0);
            let second = b.get(&field).copied().unwrap_or(0);
            (first != second).then_some(FieldDiff { field, first, second })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(votes: &[u64]) -> CountResult {
        CountResult { received: 10, valid: 9, invalid: 1, invalid_by_reason: [1, 0, 0, 0, 0], groups: Some(vec![3, 6]), votes: votes.to_vec() }
    }

    #[test]
    fn fields_read_and_write_by_name() {
        let mut r = sheet(&[4, 5, 6]);
        assert_eq!(r.field("votes.2"), Some(5));
        assert_eq!(r.field("group.2"), Some(6));
        assert_eq!(r.field("invalid.khong_theo_mau"), Some(1));
        assert_eq!(r.field("votes.0"), None);
        assert!(r.set_field("votes.3", 7) && r.votes[2] == 7);
        assert!(r.set_field("group.1", 2) && r.field("group.1") == Some(2));
        assert!(!r.set_field("votes.9", 1));
        assert!(!r.set_field("nonsense", 1));
    }

    #[test]
    fn a_pick_or_an_agreeing_third_entry_settles_only_that_field() {
        let a = sheet(&[4, 5, 6]);
        let b = sheet(&[4, 3, 8]);
        let open = resolve_entries(&a, &b, &[]);
        assert_eq!(open.unresolved().len(), 2);
        let d = |field: &str, first, second, decision| Decided { field: field.into(), first, second, decision };
        let r = resolve_entries(&a, &b, &[d("votes.2", 5, 3, FieldDecision::Pick(2)), d("votes.3", 6, 8, FieldDecision::Reenter)]);
        assert_eq!(r.fields[0].1, FieldState::Settled { value: 3, by: 2 });
        assert_eq!(r.fields[1].1, FieldState::AwaitingThird);
        assert_eq!(r.unresolved().iter().map(|x| x.field.as_str()).collect::<Vec<_>>(), ["votes.3"]);
        assert_eq!(r.result.votes, vec![4, 3, 6]);
        // The third person agrees with entry 1.
        let r = resolve_entries(&a, &b, &[d("votes.2", 5, 3, FieldDecision::Pick(2)), d("votes.3", 6, 8, FieldDecision::Reenter), d("votes.3", 6, 8, FieldDecision::Third(6))]);
        assert!(r.unresolved().is_empty());
        assert_eq!(r.result.votes, vec![4, 3, 6]);
        // A third value that agrees with neither waits for a pick; pick 3 takes it.
        let t = [d("votes.3", 6, 8, FieldDecision::Third(7))];
        assert_eq!(resolve_entries(&a, &b, &t).fields[1].1, FieldState::ThirdDisagrees(7));
        let t = [d("votes.3", 6, 8, FieldDecision::Third(7)), d("votes.3", 6, 8, FieldDecision::Pick(3))];
        assert_eq!(resolve_entries(&a, &b, &t).result.votes[2], 7);
        // A decision made on other values no longer applies.
        let stale = [d("votes.2", 5, 4, FieldDecision::Pick(1))];
        assert_eq!(resolve_entries(&a, &b, &stale).unresolved().len(), 2);
    }

    #[test]
    fn the_paper_is_compared_field_by_field_with_the_file() {
        let text = include_str!("minutes/golden-v2.json").trim_end();
        let m = Minutes::parse(text.as_bytes()).unwrap();
        let mut p = PaperFigures::of_minutes(&m);
        assert!(compare_paper(&m, &p).is_empty());
        p.votes[1] = 308;
        p.ballots_valid += 1;
        let d = compare_paper(&m, &p);
        assert_eq!(d.iter().map(|x| (x.field.as_str(), x.first, x.second)).collect::<Vec<_>>(), [("valid", 595, 596), ("votes.2", 380, 308)]);
        p.votes.pop();
        assert!(compare_paper(&m, &p).iter().any(|x| x.field == "votes.5" && x.second == 0));
    }
}
