//! Percentages as the law prints them: two decimals, half-up on the third
//! (`domain.md` §5: 22.566% → 22.57%).

use std::fmt;

/// A percentage in hundredths of a percent (`9979` is 99,79%).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Percent(pub u64);

impl Percent {
    /// `part / whole` as a percentage rounded half-up to two decimals.
    /// A zero `whole` gives 0%.
    pub fn of(part: u64, whole: u64) -> Percent {
        if whole == 0 {
            return Percent(0);
        }
        // part/whole * 10_000, rounded half-up, in integers (u128: no overflow).
        let num = u128::from(part) * 20_000 + u128::from(whole);
        let den = u128::from(whole) * 2;
        Percent(u64::try_from(num / den).unwrap_or(u64::MAX))
    }

    /// The value as a JSON number (99.79).
    pub fn as_f64(self) -> f64 {
        // Exact decimal text round-trips through f64 to the shortest form.
        format!("{}.{:02}", self.0 / 100, self.0 % 100).parse().unwrap_or(0.0)
    }

    /// Vietnamese style: `99,79`.
    pub fn vi(self) -> String {
        format!("{},{:02}", self.0 / 100, self.0 % 100)
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.vi())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn half_up_on_the_third_decimal() {
        // domain.md §5: 22.566% → 22.57%.
        assert_eq!(Percent::of(22_566, 100_000), Percent(2257));
        assert_eq!(Percent::of(22_565, 100_000), Percent(2257));
        assert_eq!(Percent::of(22_564, 100_000), Percent(2256));
        assert_eq!(Percent::of(1, 3), Percent(3333));
        assert_eq!(Percent::of(2, 3), Percent(6667));
        assert_eq!(Percent::of(0, 0), Percent(0));
        assert_eq!(Percent::of(467, 468).as_f64(), 99.79);
        assert_eq!(Percent::of(1052, 1187).vi(), "88,63");
    }

    proptest! {
        #[test]
        fn never_above_hundred_and_monotonic(whole in 1u64..1_000_000, a in 0u64..1_000_000) {
            let part = a % (whole + 1);
            let p = Percent::of(part, whole);
            prop_assert!(p.0 <= 10_000);
            if part < whole { prop_assert!(p <= Percent::of(part + 1, whole)); }
        }
    }
}
