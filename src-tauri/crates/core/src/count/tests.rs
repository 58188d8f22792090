//! Counting rules. Citations: Luật Bầu cử 85/2015/QH13 Art. 74 (invalid
//! ballots), Art. 73–75 (counting), `interfaces.md` §4 (ballots file).

use super::*;
use proptest::prelude::*;

/// The refusal message of a line that must be refused.
fn refusal(line: &str, candidates: usize) -> String {
    match parse_mark(line, candidates) {
        Err(e) => e.to_string(),
        Ok(m) => panic!("{line:?} was accepted as {m:?}"),
    }
}

fn kept(v: &[u16]) -> Mark {
    Mark::Kept(v.to_vec())
}

// Art. 74 ground 4: every name struck → invalid (gạch hết).
#[test]
fn all_names_struck_is_invalid() {
    assert_eq!(Ballot::decide(&kept(&[]), 5), Ballot::Invalid(InvalidReason::AllStruck));
    assert_eq!(parse_mark("-", 8), Ok(Some(Mark::Kept(vec![]))));
}

// Art. 74 ground 3: more names kept than seats → invalid (quá số lượng).
#[test]
fn more_names_than_seats_is_invalid() {
    assert_eq!(Ballot::decide(&kept(&[1, 2, 3, 4]), 3), Ballot::Invalid(InvalidReason::TooMany));
    assert_eq!(Ballot::decide(&kept(&[3, 1, 2]), 3), Ballot::Valid(vec![1, 2, 3]));
}

// Art. 74 grounds 1, 2, 5: only a person sees them; typed as INVALID <code>.
#[test]
fn grounds_only_a_person_sees() {
    for (code, r) in [("khong_theo_mau", InvalidReason::NotOfficial), ("khong_co_dau", InvalidReason::NoStamp), ("ghi_them", InvalidReason::Added)] {
        let m = parse_mark(&format!("INVALID {code}"), 5);
        assert_eq!(m, Ok(Some(Mark::Invalid(r))));
        assert_eq!(Ballot::decide(&Mark::Invalid(r), 3), Ballot::Invalid(r));
        assert!(r.needs_person());
    }
    // The app decides the other two itself.
    assert!(parse_mark("INVALID qua_so_luong", 5).is_err());
    assert!(parse_mark("INVALID gach_het", 5).is_err());
    assert!(parse_mark("INVALID", 5).is_err());
    assert!(parse_mark("INVALID la", 5).is_err());
}

// A valid ballot keeps 1..=seats names (domain.md §5 "Valid ballots").
#[test]
fn one_to_seats_names_is_valid() {
    for k in 1..=5u16 {
        let v: Vec<u16> = (1..=k).collect();
        assert!(Ballot::decide(&kept(&v), 5).is_valid());
    }
}

#[test]
fn malformed_lines_name_the_problem() {
    assert!(refusal("1 2 x", 5).contains("\"x\""));
    assert!(refusal("0", 5).contains("không có trên phiếu"));
    assert!(refusal("9", 8).contains("8 người ứng cử"));
    assert!(refusal("2 2", 5).contains("hai lần"));
    assert_eq!(parse_mark("  # chú thích", 5), Ok(None));
    assert_eq!(parse_mark("", 5), Ok(None));
    assert_eq!(parse_mark("1,3 5 # ok", 5), Ok(Some(kept(&[1, 3, 5]))));
}

// interfaces.md §4: the example file, all or nothing with line numbers.
#[test]
fn ballots_file_example() {
    let text = "# level XA, constituency with 5 seats and 8 candidates\n1 2 4 5 7\n3 6\n-\nINVALID khong_co_dau\n";
    let b = parse_ballots(text, 8, 5).unwrap_or_default();
    assert_eq!(b.len(), 4);
    let mut t = Tally::new(5, 8);
    b.iter().for_each(|x| t.add(x));
    assert_eq!((t.valid, t.invalid(), t.received()), (2, 2, 4));
    assert_eq!(t.votes, vec![1, 1, 1, 1, 1, 1, 1, 0]);
    assert_eq!(t.groups, vec![0, 1, 0, 0, 1]);
    let errs = parse_ballots("1 2\nabc\n3\n1 1\n", 8, 5).err().unwrap_or_default();
    assert_eq!(errs.iter().map(|e| e.line).collect::<Vec<_>>(), vec![2, 4]);
}

#[test]
fn undo_takes_back_exactly() {
    let mut t = Tally::new(3, 5);
    let b = Ballot::Valid(vec![1, 4]);
    t.add(&b);
    t.add(&Ballot::Invalid(InvalidReason::NoStamp));
    t.remove(&b);
    assert_eq!(t.valid, 0);
    assert_eq!(t.votes, vec![0; 5]);
    assert_eq!(t.invalid(), 1);
}

// Kiểm kê (domain.md §5 step 2): received = issued + unused + spoiled.
#[test]
fn inventory_derives_issued() {
    let inv = Inventory { received: 700, unused: 70, spoiled: 3, issued_entered: None };
    assert_eq!(inv.issued(), 627);
    assert!(inv.balances());
    let bad = Inventory { issued_entered: Some(620), ..inv };
    assert!(!bad.balances());
    let over = Inventory { received: 10, unused: 8, spoiled: 5, issued_entered: None };
    assert!(!over.balances());
}

#[test]
fn double_entry_diff_names_fields() {
    let a = CountResult { received: 10, valid: 9, invalid: 1, votes: vec![5, 4], groups: Some(vec![9]), ..Default::default() };
    let mut b = a.clone();
    b.votes[1] = 6;
    let d = diff_entries(&a, &b);
    assert_eq!(d, vec![FieldDiff { field: "votes.2".into(), first: 4, second: 6 }]);
    assert!(diff_entries(&a, &a).is_empty());
}

fn arb_mark(candidates: u16) -> impl Strategy<Value = Mark> {
    prop_oneof![
        4 => proptest::sample::subsequence((1..=candidates).collect::<Vec<_>>(), 0..=candidates as usize)
            .prop_shuffle()
            .prop_map(Mark::Kept),
        1 => proptest::sample::select(vec![InvalidReason::NotOfficial, InvalidReason::NoStamp, InvalidReason::Added])
            .prop_map(Mark::Invalid),
    ]
}

proptest! {
    // Tally-sheet rule (domain.md §8): Σ votes = Σ k·n_k; and V + N = R.
    #[test]
    fn tally_invariants(seats in 1u32..=5, marks in proptest::collection::vec(arb_mark(8), 0..300)) {
        let mut t = Tally::new(seats, 8);
        for m in &marks { t.add(&Ballot::decide(m, seats)); }
        let r = t.result();
        prop_assert_eq!(r.total_votes(), r.weighted_groups().unwrap_or(u64::MAX));
        prop_assert_eq!(r.valid + r.invalid, r.received);
        prop_assert_eq!(r.received, marks.len() as u64);
        prop_assert!(r.total_votes() <= u64::from(seats) * r.valid);
        prop_assert!(r.votes.iter().all(|v| *v <= r.valid));
    }

    // The order of entry does not change the result.
    #[test]
    fn order_does_not_matter(marks in proptest::collection::vec(arb_mark(6), 0..200), seed in any::<u64>()) {
        let mut a = Tally::new(3, 6);
        for m in &marks { a.add(&Ballot::decide(m, 3)); }
        let mut shuffled = marks.clone();
        // Deterministic Fisher–Yates from the seed.
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let mut b = Tally::new(3, 6);
        for m in &shuffled { b.add(&Ballot::decide(m, 3)); }
        prop_assert_eq!(a, b);
    }

    // Adding then undoing any ballot returns to the same tally.
    #[test]
    fn undo_is_inverse(marks in proptest::collection::vec(arb_mark(5), 1..100)) {
        let mut t = Tally::new(3, 5);
        let ballots: Vec<Ballot> = marks.iter().map(|m| Ballot::decide(m, 3)).collect();
        for b in &ballots { t.add(b); }
        let before = t.clone();
        let last = &ballots[ballots.len() - 1];
        t.remove(last);
        t.add(last);
        prop_assert_eq!(t, before);
    }

    // A ballots file written from any marks reads back to the same tally
    // (interfaces.md §4 round trip: positions, "-" and INVALID lines).
    #[test]
    fn ballots_file_round_trip(seats in 1u32..=5, marks in proptest::collection::vec(arb_mark(8), 0..200)) {
        let mut text = String::from("# level XA\n");
        let mut direct = Tally::new(seats, 8);
        for m in &marks {
            direct.add(&Ballot::decide(m, seats));
            match m {
                Mark::Kept(k) if k.is_empty() => text.push('-'),
                Mark::Kept(k) => text.push_str(&k.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(" ")),
                Mark::Invalid(r) => text.push_str(&format!("INVALID {}", r.code())),
            }
            text.push_str("\r\n\n");
        }
        let read = parse_ballots(&text, 8, seats);
        prop_assert!(read.is_ok());
        let mut back = Tally::new(seats, 8);
        for b in read.unwrap_or_default() { back.add(&b); }
        prop_assert_eq!(&back, &direct);
        // The board's streaming recount gives the same tally.
        prop_assert_eq!(tally_text(&text, 8, seats).ok(), Some(direct));
    }

    /// On any text, the streaming recount and the line reader agree: the
    /// same tally, or errors on the same lines.
    #[test]
    fn tally_text_agrees_with_parse_ballots(lines in proptest::collection::vec("[0-9 ,\\t#-]{0,12}|INVALID khong_co_dau|[0-9]{1,3}", 0..40), seats in 1u32..=5) {
        let text = lines.join("\n");
        let slow = parse_ballots(&text, 8, seats).map(|bs| {
            let mut t = Tally::new(seats, 8);
            for b in &bs { t.add(b); }
            t
        });
        let fast = tally_text(&text, 8, seats);
        match (slow, fast) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(a), Err(b)) => prop_assert_eq!(a.iter().map(|e| e.line).collect::<Vec<_>>(), b.iter().map(|e| e.line).collect::<Vec<_>>()),
            (a, b) => prop_assert!(false, "differ: {:?} / {:?}", a.is_ok(), b.is_ok()),
        }
    }

    // The file reader and the typed line agree, and never panic.
    #[test]
    fn parse_never_panics(line in "\\PC{0,40}") {
        let _ = parse_mark(&line, 8);
    }
}
