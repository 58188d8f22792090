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
        round: 1,
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

// ---- Rounds: bầu cử lại (Art. 80), bầu cử thêm (Art. 79) ----------------
// Reference cases of Luật Bầu cử 85/2015/QH13 (amended 83/2025/QH15).

fn births(n: usize) -> Vec<NaiveDate> {
    (0..n).map(|i| d(1960 + i as i32)).collect()
}

#[test]
fn art80_3_a_revote_result_stands_even_at_or_below_half() {
    // Re-vote, 1,000 listed, 400 voted (40 %): the result is recognised
    // and no second re-vote is proposed (Art. 80(3), Art. 78(1) exception).
    let r = decide_round(LevelKind::Council, RoundKind::Revote, 1, 1000, 400, 380, &[300, 80], &births(2));
    assert!(!r.turnout_ok, "turnout is reported as it is");
    assert_eq!(r.elected, vec![0]);
    assert!(!r.revote_due && !r.additional_vote_due);
    // Exactly half: same.
    let r = decide_round(LevelKind::NationalAssembly, RoundKind::Revote, 1, 1000, 500, 500, &[251, 249], &births(2));
    assert_eq!(r.elected, vec![0]);
    assert!(!r.revote_due);
    // The same figures in a first round: no value, re-vote (Art. 80(1)).
    let r = decide_round(LevelKind::Council, RoundKind::First, 1, 1000, 400, 380, &[300, 80], &births(2));
    assert!(r.elected.is_empty() && r.revote_due);
}

#[test]
fn art79_1_no_additional_vote_after_a_revote() {
    // Art. 79(1) speaks of the first election only: a re-vote that fills
    // 1 of 3 National Assembly seats states it; no additional vote follows.
    let r = decide_round(LevelKind::NationalAssembly, RoundKind::Revote, 3, 1000, 700, 700, &[600, 300, 300, 200, 100], &births(5));
    assert_eq!(r.elected, vec![0]);
    assert!(!r.additional_vote_due && !r.revote_due);
}

#[test]
fn art79_4_an_additional_vote_elects_by_the_same_majority_rule() {
    // 2 seats left, 3 candidates left; 1,000 valid ballots.
    let r = decide_round(LevelKind::Council, RoundKind::Additional, 2, 1000, 800, 1000, &[700, 501, 500], &births(3));
    assert_eq!(r.elected, vec![0, 1]);
    // Exactly half is not enough (Art. 78(2)).
    let r = decide_round(LevelKind::Council, RoundKind::Additional, 2, 1000, 800, 1000, &[700, 500, 500], &births(3));
    assert_eq!(r.elected, vec![0]);
    // Highest first; a tie for the last seat goes to the older (Art. 78(4)).
    let b = [d(1980), d(1990), d(1950)];
    let r = decide_round(LevelKind::Council, RoundKind::Additional, 1, 1000, 800, 1000, &[600, 600, 100], &b);
    assert_eq!(r.elected, vec![0]);
    let b = [d(1990), d(1980), d(1950)];
    let r = decide_round(LevelKind::Council, RoundKind::Additional, 1, 1000, 800, 1000, &[600, 600, 100], &b);
    assert_eq!(r.elected, vec![1]);
}

#[test]
fn art79_4_an_additional_vote_never_proposes_another() {
    // Nobody passes half: the seats stay empty, no second additional vote,
    // for the National Assembly (any empty seat) and a council alike.
    for kind in [LevelKind::NationalAssembly, LevelKind::Council] {
        let r = decide_round(kind, RoundKind::Additional, 2, 1000, 800, 1000, &[400, 300, 300], &births(3));
        assert!(r.elected.is_empty());
        assert!(!r.additional_vote_due && !r.revote_due, "{kind:?}");
    }
}

#[test]
fn art78_1_an_additional_vote_at_or_below_half_turnout_elects_no_one() {
    // Only a re-vote is excepted from the turnout rule (Art. 78(1)).
    let r = decide_round(LevelKind::Council, RoundKind::Additional, 1, 1000, 500, 500, &[400, 100], &births(2));
    assert!(!r.turnout_ok && r.elected.is_empty() && !r.additional_vote_due);
}

fn xa04() -> ConstituencyInfo {
    // Like the demo commune's XA-04: 5 seats, 8 candidates, 3 areas.
    ConstituencyInfo {
        id: "XA-04".into(),
        kind: LevelKind::Council,
        seats: 5,
        candidates: (1..=8).map(|i| CandidateInfo { id: format!("XA-04-{i}"), birth_date: d(1960 + i) }).collect(),
        areas: vec!["K4".into(), "K5".into(), "K6".into()],
    }
}

fn first_round(c: &ConstituencyInfo, elected: &[&str], listed: u64, voted: u64) -> Outcome {
    let mut o = Outcome { complete: true, areas_expected: 3, areas_reported: 3, voters_listed: listed, voters_voted: voted, turnout_ok: voted * 2 > listed, ..Outcome::default() };
    o.elected = elected.iter().map(|s| (*s).to_owned()).collect();
    o.revote_due = !o.turnout_ok;
    let filled = o.elected.len() as u32;
    o.additional_vote_due = o.turnout_ok && filled * 3 < c.seats * 2;
    o
}

#[test]
fn art79_2_additional_vote_has_the_missing_seats_and_the_first_rounds_non_elected() {
    let c = xa04();
    let first = first_round(&c, &["XA-04-1", "XA-04-3", "XA-04-2"], 1000, 900);
    let r = next_round(&c, &first, RoundKind::Additional).unwrap();
    assert_eq!((r.number, r.kind, r.seats), (2, RoundKind::Additional, 2));
    let ids: Vec<&str> = r.candidates.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, ["XA-04-4", "XA-04-5", "XA-04-6", "XA-04-7", "XA-04-8"], "ballot order kept");
    // Refused: a re-vote when more than half voted.
    let e = next_round(&c, &first, RoundKind::Revote).unwrap_err();
    assert!(e.contains("Điều 80"), "{e}");
}

#[test]
fn art79_2_council_at_two_thirds_or_more_cannot_declare_an_additional_vote() {
    let c = xa04();
    // 4 of 5 filled: ≥ 2/3, no additional vote.
    let first = first_round(&c, &["XA-04-1", "XA-04-2", "XA-04-3", "XA-04-4"], 1000, 900);
    let e = next_round(&c, &first, RoundKind::Additional).unwrap_err();
    assert!(e.contains("4/5") && e.contains("hai phần ba"), "{e}");
    // Full: refused too.
    let first = first_round(&c, &["XA-04-1", "XA-04-2", "XA-04-3", "XA-04-4", "XA-04-5"], 1000, 900);
    assert!(next_round(&c, &first, RoundKind::Additional).unwrap_err().contains("đủ 5"));
}

#[test]
fn art80_1_revote_only_after_turnout_at_or_below_half_with_every_candidate() {
    let c = xa04();
    let first = first_round(&c, &[], 1000, 500);
    let r = next_round(&c, &first, RoundKind::Revote).unwrap();
    assert_eq!((r.number, r.seats, r.candidates.len()), (2, 5, 8));
    // Not an additional vote: the first round had no value.
    let e = next_round(&c, &first, RoundKind::Additional).unwrap_err();
    assert!(e.contains("bầu cử lại"), "{e}");
    // Not before every area has reported.
    let mut partial = first.clone();
    partial.complete = false;
    partial.areas_reported = 2;
    assert!(next_round(&c, &partial, RoundKind::Revote).unwrap_err().contains("2/3"));
}

#[test]
fn aggregation_groups_reports_by_round() {
    let mut c = info(&["A1", "A2"]);
    c.seats = 2;
    c.candidates.push(CandidateInfo { id: "c3".into(), birth_date: d(1972) });
    let first_reports: Vec<AreaReport> = ["A1", "A2"]
        .iter()
        .map(|a| AreaReport {
            area: (*a).into(),
            seats: 2,
            candidates: vec!["c1".into(), "c2".into(), "c3".into()],
            voters_listed: 100,
            voters_voted: 90,
            ballots_issued: 90,
            ballots_received: 90,
            ballots_valid: 90,
            votes: vec![80, 40, 30],
            ..AreaReport::default()
        })
        .collect();
    let first = aggregate(&c, &first_reports);
    assert_eq!(first.elected, vec!["c1".to_owned()]);
    assert!(first.additional_vote_due, "council: 1 of 2 seats is below two thirds");
    let round = next_round(&c, &first, RoundKind::Additional).unwrap();
    assert_eq!(round.seats, 1);
    // Round 2 reports: c2 and c3 only, one seat.
    let second: Vec<AreaReport> = ["A1", "A2"]
        .iter()
        .map(|a| AreaReport {
            area: (*a).into(),
            round: 2,
            seats: 1,
            candidates: vec!["c2".into(), "c3".into()],
            voters_listed: 100,
            voters_voted: 70,
            ballots_issued: 70,
            ballots_received: 70,
            ballots_valid: 70,
            votes: vec![50, 20],
            ..AreaReport::default()
        })
        .collect();
    let mut all = first_reports.clone();
    all.extend(second.iter().cloned());
    // The first round is unchanged by the second round's reports.
    assert_eq!(aggregate(&c, &all), first);
    let o = aggregate_round(&c, &round, &all);
    assert!(o.complete && o.cross_checks.is_empty(), "{:?}", o.cross_checks);
    assert_eq!((o.voters_voted, o.ballots_valid, o.votes.clone()), (140, 140, vec![100, 40]));
    assert_eq!(o.elected, vec!["c2".to_owned()]);
    assert!(!o.additional_vote_due && !o.revote_due);
    // A round-2 report listing the first round's ballot is not summed (A01).
    let mut bad = all.clone();
    bad[3] = AreaReport { round: 2, ..first_reports[1].clone() };
    let o = aggregate_round(&c, &round, &bad);
    assert!(!o.complete);
    assert_eq!(o.cross_checks.first().map(|x| x.code), Some("A01"));
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

// Art. 11: an area lists 300–4,000 voters. A list above that, or a W03
// only the Tổ trưởng accepted, is for the Ban bầu cử to review (A08).
#[test]
fn art11_an_area_above_4000_voters_or_with_a_team_accepted_w03_needs_the_ban() {
    let mut r = AreaReport { voters_listed: 4_000, ..AreaReport::default() };
    assert!(ban_review_reasons(&r, &["W01", "W04"]).is_empty());
    r.voters_listed = 4_001;
    let why = ban_review_reasons(&r, &[]);
    assert_eq!(why.len(), 1);
    assert!(why[0].contains("4.001 cử tri") && why[0].contains("Điều 11"), "{why:?}");
    r.voters_listed = 530;
    let why = ban_review_reasons(&r, &["W03"]);
    assert_eq!(why.len(), 1);
    assert!(why[0].contains("W03"), "{why:?}");
}
