//! Reference cases for the winner rules (`domain.md` §7; Art. 78–80).

use super::*;
use proptest::prelude::*;

fn d(y: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default()
}

fn council(seats: u32, votes: &[u64], valid: u64) -> Decision {
    let births: Vec<NaiveDate> = (0..votes.len()).map(|i| d(1960 + i as i32)).collect();
    decide(LevelKind::Council, seats, 1000, 900, valid, votes, &births)
}

#[test]
fn art78_more_than_half_of_valid_ballots_exactly_half_is_not_enough() {
    // 1,000 valid ballots: 501 passes, 500 does not.
    let r = council(2, &[501, 500, 499], 1000);
    assert_eq!(r.elected, vec![0]);
    assert!(r.turnout_ok && !r.revote_due);
}

#[test]
fn art78_highest_totals_take_the_seats() {
    let r = council(2, &[600, 800, 700, 100], 1000);
    assert_eq!(r.elected, vec![1, 2]);
}

#[test]
fn art78_a_tie_for_the_last_seat_goes_to_the_older_candidate() {
    // Candidates 1 and 2 tie at 700 for the second seat; candidate 2 (index 2)
    // was born in 1955, candidate 1 in 1970: the older one is elected.
    let births = [d(1965), d(1970), d(1955)];
    let r = decide(LevelKind::Council, 2, 1000, 900, 1000, &[900, 700, 700], &births);
    assert_eq!(r.elected, vec![0, 2]);
    assert!(r.tie_unresolved.is_empty());
    // Same votes and same birth date: not decided by the rule.
    let births = [d(1965), d(1970), d(1970)];
    let r = decide(LevelKind::Council, 2, 1000, 900, 1000, &[900, 700, 700], &births);
    assert_eq!(r.elected, vec![0]);
    assert_eq!(r.tie_unresolved, vec![1, 2]);
}

#[test]
fn art80_turnout_exactly_half_triggers_a_revote() {
    let r = decide(LevelKind::Council, 1, 1000, 500, 480, &[400, 80], &[d(1970), d(1971)]);
    assert!(!r.turnout_ok && r.revote_due && r.elected.is_empty() && !r.additional_vote_due);
    let r = decide(LevelKind::Council, 1, 1000, 501, 480, &[400, 80], &[d(1970), d(1971)]);
    assert!(r.turnout_ok && !r.revote_due);
    assert_eq!(r.elected, vec![0]);
}

#[test]
fn art79_council_two_thirds_boundary() {
    // 3 seats: 2 filled = exactly 2/3 → no additional vote; 1 filled → due.
    assert!(!council(3, &[600, 600, 100, 100, 100], 1000).additional_vote_due);
    assert!(council(3, &[600, 400, 100, 100, 100], 1000).additional_vote_due);
    // 5 seats: 4 filled ≥ 2/3 (3.33) → not due; 3 filled < 10/3 → due.
    assert!(!council(5, &[600, 600, 600, 600, 100, 100, 100, 100], 1000).additional_vote_due);
    assert!(council(5, &[600, 600, 600, 400, 100, 100, 100, 100], 1000).additional_vote_due);
}

#[test]
fn art79_national_assembly_any_empty_seat() {
    let births = [d(1960), d(1961), d(1962), d(1963), d(1964)];
    let r = decide(LevelKind::NationalAssembly, 3, 1000, 900, 1000, &[600, 600, 400, 200, 100], &births);
    assert_eq!(r.elected, vec![0, 1]);
    assert!(r.additional_vote_due);
    let r = decide(LevelKind::NationalAssembly, 2, 1000, 900, 1000, &[600, 600, 400, 200], &births[..4]);
    assert!(!r.additional_vote_due);
}

fn info(areas: &[&str]) -> ConstituencyInfo {
    ConstituencyInfo {
        id: "XA-03".into(),
        kind: LevelKind::Council,
        seats: 1,
        candidates: vec![CandidateInfo { id: "c1".into(), birth_date: d(1970) }, CandidateInfo { id: "c2".into(), birth_date: d(1971) }],
        areas: areas.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn report(area: &str, listed: u64, voted: u64, votes: [u64; 2]) -> AreaReport {
    AreaReport {
        area: area.into(),
        seats: 1,
        candidates: vec!["c1".into(), "c2".into()],
        voters_listed: listed,
        voters_voted: voted,
        ballots_issued: voted,
        ballots_received: voted,
        ballots_valid: votes[0] + votes[1],
        ballots_invalid: voted - votes[0] - votes[1],
        invalid_by_reason: BTreeMap::new(),
        votes: votes.to_vec(),
    }
}

#[test]
fn a03_winners_are_decided_only_when_every_area_reported() {
    let c = info(&["A1", "A2"]);
    let o = aggregate(&c, &[report("A1", 100, 90, [80, 5])]);
    assert!(!o.complete && o.elected.is_empty() && !o.turnout_ok);
    assert_eq!((o.areas_expected, o.areas_reported, o.votes.clone()), (2, 1, vec![80, 5]));
    let o = aggregate(&c, &[report("A1", 100, 90, [80, 5]), report("A2", 100, 95, [10, 80])]);
    assert!(o.complete && o.turnout_ok);
    assert_eq!(o.votes, vec![90, 85]);
    assert_eq!(o.elected, vec!["c1".to_owned()]);
    assert_eq!(o.percent[0].vi(), "51,43");
}

#[test]
fn a01_an_area_with_other_candidates_is_not_summed() {
    let c = info(&["A1", "A2"]);
    let mut bad = report("A2", 100, 95, [10, 80]);
    bad.candidates.reverse();
    let o = aggregate(&c, &[report("A1", 100, 90, [80, 5]), bad]);
    assert!(!o.complete);
    assert_eq!(o.cross_checks.len(), 1);
    assert_eq!(o.cross_checks[0].code, "A01");
}

proptest! {
    /// Summing is order-independent and the elected never exceed the seats;
    /// every elected candidate has more than half of the valid ballots.
    #[test]
    fn aggregate_invariants(v in proptest::collection::vec((0u64..500, 0u64..500, 0u64..100), 1..6), seats in 1u32..4) {
        let n = v.len();
        let areas: Vec<String> = (0..n).map(|i| format!("A{i}")).collect();
        let mut c = info(&[]);
        c.areas = areas.clone();
        c.seats = seats;
        let reports: Vec<AreaReport> = v.iter().enumerate().map(|(i, (a, b, inv))| {
            let mut r = report(&areas[i], 2000, a + b + inv, [*a, *b]);
            r.seats = seats;
            r
        }).collect();
        let o = aggregate(&c, &reports);
        let mut rev = reports.clone();
        rev.reverse();
        prop_assert_eq!(&aggregate(&c, &rev), &o);
        prop_assert!(o.complete);
        prop_assert!(o.elected.len() <= seats as usize);
        for id in &o.elected {
            let i = c.candidates.iter().position(|x| &x.id == id).unwrap_or(0);
            prop_assert!(o.votes[i] * 2 > o.ballots_valid);
        }
        prop_assert_eq!(o.votes.iter().sum::<u64>(), v.iter().map(|(a, b, _)| a + b).sum::<u64>());
    }
}
