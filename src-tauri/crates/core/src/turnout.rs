//! Tỷ lệ cử tri đi bầu: turnout per level and check-ins per hour.

use std::collections::BTreeMap;

use crate::percent::Percent;

/// Turnout of one level: voters listed for it, voters who received its ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelTurnout {
    pub listed: u64,
    pub voted: u64,
}

impl LevelTurnout {
    pub fn percent(self) -> Percent {
        Percent::of(self.voted, self.listed)
    }
}

/// Counts check-ins per hour of the day (0–23) from the hours of the
/// first check-in of each voter. Hours with no check-in are absent.
pub fn per_hour(hours: impl IntoIterator<Item = u32>) -> BTreeMap<u32, u64> {
    let mut out = BTreeMap::new();
    for h in hours {
        *out.entry(h.min(23)).or_insert(0) += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_of_level() {
        let t = LevelTurnout { listed: 468, voted: 467 };
        assert_eq!(t.percent().vi(), "99,79");
        assert_eq!(LevelTurnout { listed: 0, voted: 0 }.percent(), Percent(0));
    }

    #[test]
    fn hours_are_bucketed() {
        let h = per_hour([7, 7, 8, 13]);
        assert_eq!(h.get(&7), Some(&2));
        assert_eq!(h.get(&9), None);
        assert_eq!(h.values().sum::<u64>(), 4);
    }
}
