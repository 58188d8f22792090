//! Ballots file (interfaces.md §4), differential: the line reader used for
//! `count ballots` and the streaming recount used on import agree on every
//! input — both refuse it, or both give the same tally.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tobaucu_core::count::{parse_ballots, tally_text, Tally};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for (cands, seats) in [(8usize, 5u32), (5, 3), (1, 1)] {
        let a = parse_ballots(text, cands, seats);
        let b = tally_text(text, cands, seats);
        match (a, b) {
            (Ok(ballots), Ok(t)) => {
                let mut u = Tally::new(seats, cands);
                for x in &ballots {
                    u.add(x);
                }
                assert_eq!(u.result(), t.result());
            }
            (Err(_), Err(_)) => {}
            (a, b) => panic!("readers disagree: {:?} vs {:?}", a.is_ok(), b.is_ok()),
        }
    }
});
