//! Tests of the desk rules: merge laws and replay (proptests), refused events, double check-ins.
use super::*;
use proptest::prelude::*;

const LEVELS: [&str; 2] = ["QH", "TINH"];

/// What a desk does at one step of a generated history.
#[derive(Debug, Clone)]
enum Step {
    Checkin { desk: DeskId, stt: u32, both: bool },
    Undo { desk: DeskId, stt: u32 },
    ListChange { stt: u32, text: u8 },
    Resolve { stt: u32, keep_first: bool },
    Sync { from: DeskId, to: DeskId },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (1u32..=3, 1u32..=12, any::<bool>()).prop_map(|(desk, stt, both)| Step::Checkin { desk, stt, both }),
        2 => (1u32..=3, 1u32..=12).prop_map(|(desk, stt)| Step::Undo { desk, stt }),
        1 => (1u32..=12, any::<u8>()).prop_map(|(stt, text)| Step::ListChange { stt, text }),
        1 => (1u32..=12, any::<bool>()).prop_map(|(stt, keep_first)| Step::Resolve { stt, keep_first }),
        3 => (1u32..=3, 1u32..=3).prop_map(|(from, to)| Step::Sync { from, to }),
    ]
}

/// Runs a history: three desks, each with its own log and clock, making
/// events from what it knows and syncing now and then. Returns each
/// desk's log.
fn run(steps: &[Step]) -> Vec<Log> {
    let mut logs = vec![Log::new(), Log::new(), Log::new()];
    let mut clocks = [Hlc::default(); 3];
    for (t, s) in steps.iter().enumerate() {
        let now = 1_000 + (t as u64) * 7 % 50; // clocks that stall and repeat
        let mut emit = |desk: DeskId, body: Body, logs: &mut Vec<Log>| {
            let i = (desk - 1) as usize;
            clocks[i] = Hlc::tick(clocks[i], now, desk);
            let (seq, hash) = logs[i].head(desk);
            let e = Event::new(desk, (seq, hash), clocks[i], &format!("t{t}"), body);
            assert_eq!(logs[i].offer(e), Offer::Added);
        };
        match s {
            Step::Checkin { desk, stt, both } => {
                let state = replay(&logs[(*desk - 1) as usize], None);
                let levels: Vec<String> = LEVELS.iter().take(if *both { 2 } else { 1 }).filter(|l| !state.checkins.contains_key(&(*stt, (*l).to_string()))).map(|l| (*l).to_owned()).collect();
                if !levels.is_empty() {
                    emit(*desk, Body::Checkin { stt: *stt, levels, mobile_box: *both }, &mut logs);
                }
            }
            Step::Undo { desk, stt } => {
                let state = replay(&logs[(*desk - 1) as usize], None);
                let targets: Vec<EventId> = state.checkins.iter().filter(|((s, _), _)| s == stt).map(|(_, c)| c.id).collect();
                if !targets.is_empty() {
                    emit(*desk, Body::Undo { stt: *stt, levels: LEVELS.iter().map(|l| (*l).to_owned()).collect(), targets, reason: "nhầm".into() }, &mut logs);
                }
            }
            Step::ListChange { stt, text } => emit(MAIN_DESK, Body::Voter { stt: *stt, record: format!("{{\"v\":{text}}}") }, &mut logs),
            Step::Resolve { stt, keep_first } => {
                let state = replay(&logs[0], None);
                let found = state.open_anomalies().find(|a| a.stt == *stt).cloned();
                if let Some(a) = found {
                    let keep = if *keep_first { a.checkins.first().map(|c| c.id) } else { None };
                    emit(MAIN_DESK, Body::Resolve { stt: *stt, level: a.level, seen: a.checkins.iter().map(|c| c.id).collect(), keep, reason: "đã xác minh".into() }, &mut logs);
                }
            }
            Step::Sync { from, to } => {
                let src = logs[(*from - 1) as usize].clone();
                let refused = logs[(*to - 1) as usize].merge(&src);
                assert!(refused.is_empty(), "{refused:?}");
                let i = (*to - 1) as usize;
                for e in src.events() {
                    clocks[i] = Hlc::observe(clocks[i], e.hlc, now);
                }
            }
        }
    }
    logs
}

fn merged(parts: &[&Log]) -> Log {
    let mut out = Log::new();
    for p in parts {
        assert!(out.merge(p).is_empty());
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn merge_is_idempotent_commutative_associative(steps in proptest::collection::vec(step(), 0..80)) {
        let logs = run(&steps);
        let (a, b, c) = (&logs[0], &logs[1], &logs[2]);
        prop_assert_eq!(merged(&[a, a]), a.clone());
        prop_assert_eq!(merged(&[a, b]), merged(&[b, a]));
        let ab_c = merged(&[&merged(&[a, b]), c]);
        let a_bc = merged(&[a, &merged(&[b, c])]);
        prop_assert_eq!(&ab_c, &a_bc);
        prop_assert_eq!(merged(&[c, a, b]), ab_c);
    }

    #[test]
    fn the_state_is_the_replay_of_the_union_whatever_the_order(steps in proptest::collection::vec(step(), 0..80), order in proptest::collection::vec(0usize..3, 1..40)) {
        let logs = run(&steps);
        let union = merged(&[&logs[0], &logs[1], &logs[2]]);
        let whole = replay(&union, None);
        // Events delivered one by one in a scrambled order (each desk's
        // chain in order; desks interleaved as `order` says), with gaps
        // held back and offered again: the same state.
        let mut pending: Vec<Vec<Event>> = (1..=3u32).map(|d| union.events().filter(|e| e.id.desk == d).cloned().collect()).collect();
        let mut log = Log::new();
        let mut k = 0;
        while pending.iter().any(|p| !p.is_empty()) {
            let d = order.get(k % order.len().max(1)).copied().unwrap_or(0);
            k += 1;
            let i = if pending[d].is_empty() { pending.iter().position(|p| !p.is_empty()).unwrap_or(0) } else { d };
            let e = pending[i].remove(0);
            prop_assert!(matches!(log.offer(e), Offer::Added | Offer::Known));
        }
        prop_assert_eq!(&log, &union);
        prop_assert_eq!(replay(&log, None), whole.clone());
        // Per voter, the replay of that voter's events is the same.
        let some: BTreeSet<u32> = [1, 5, 9].into_iter().collect();
        let part = replay(&union, Some(&some));
        prop_assert_eq!(part.checkins, whole.checkins.iter().filter(|((s, _), _)| some.contains(s)).map(|(k, v)| (k.clone(), v.clone())).collect::<BTreeMap<_, _>>());
        // A double check-in shows as an anomaly and nowhere else: a voter
        // counts once per level.
        for a in &whole.anomalies {
            prop_assert!(a.checkins.len() >= 2);
            let ids: BTreeSet<EventId> = a.checkins.iter().map(|c| c.id).collect();
            prop_assert_eq!(ids.len(), a.checkins.len());
        }
    }

    #[test]
    fn the_clock_never_goes_back(now in proptest::collection::vec((0u64..5_000, any::<bool>(), 0u64..10_000), 1..50)) {
        let mut c = Hlc::default();
        for (t, remote, rms) in now {
            let next = if remote { Hlc::observe(c, Hlc { ms: rms, count: 3, desk: 9 }, t) } else { Hlc::tick(c, t, 2) };
            prop_assert!((next.ms, next.count) >= (c.ms, c.count));
            if !remote { prop_assert!((next.ms, next.count) > (c.ms, c.count)); }
            c = next;
        }
    }
}

fn chain(desk: DeskId, bodies: Vec<Body>) -> Vec<Event> {
    let mut log = Log::new();
    let mut h = Hlc::default();
    for (i, b) in bodies.into_iter().enumerate() {
        h = Hlc::tick(h, 100 + i as u64, desk);
        let (s, hash) = log.head(desk);
        let e = Event::new(desk, (s, hash), h, "07:00", b);
        log.offer(e);
    }
    log.events().cloned().collect()
}

fn ci(stt: u32) -> Body {
    Body::Checkin { stt, levels: vec!["QH".into()], mobile_box: false }
}

#[test]
fn altered_forked_gapped_and_usurping_events_are_refused() {
    let evs = chain(2, vec![ci(1), ci(2), ci(3)]);
    let mut log = Log::new();
    assert_eq!(log.offer(evs[0].clone()), Offer::Added);
    // Altered content, same hash.
    let mut bad = evs[1].clone();
    bad.body = ci(7);
    assert!(matches!(log.offer(bad), Offer::Refused(_)));
    // A gap waits.
    assert_eq!(log.offer(evs[2].clone()), Offer::Gap { have: 1 });
    assert_eq!(log.offer(evs[1].clone()), Offer::Added);
    assert_eq!(log.offer(evs[2].clone()), Offer::Added);
    assert_eq!(log.offer(evs[1].clone()), Offer::Known);
    // A fork: another event numbered 2 by the same desk.
    let other = chain(2, vec![ci(1), ci(9)]);
    assert!(matches!(log.offer(other[1].clone()), Offer::Refused(_)));
    // A desk may not change the list.
    let usurp = Event::new(3, (0, ""), Hlc { ms: 5, count: 0, desk: 3 }, "07:00", Body::Voter { stt: 1, record: "{}".into() });
    assert!(matches!(log.offer(usurp), Offer::Refused(_)));
    assert_eq!(log.len(), 3);
    // Round trip through the wire form.
    for e in &evs {
        assert_eq!(Event::from_value(&e.to_value()).as_ref(), Ok(e));
    }
    let mut v = evs[0].to_value();
    if let Some(o) = v.as_object_mut() {
        o.insert("extra".into(), json!(1));
    }
    assert!(Event::from_value(&v).is_err());
}

#[test]
fn a_double_checkin_is_an_anomaly_until_resolved() {
    let a = chain(2, vec![ci(5)]);
    let b = chain(3, vec![ci(5)]);
    let mut log = Log::new();
    for e in a.iter().chain(&b) {
        log.offer(e.clone());
    }
    let st = replay(&log, None);
    assert_eq!(st.checkins.len(), 1);
    assert_eq!(st.open_anomalies().count(), 1);
    assert_eq!(st.anomalies[0].checkins.len(), 2);
    let keep = st.anomalies[0].checkins[1].id;
    let seen: Vec<EventId> = st.anomalies[0].checkins.iter().map(|c| c.id).collect();
    let r = chain(1, vec![Body::Resolve { stt: 5, level: "QH".into(), seen, keep: Some(keep), reason: "bàn 2 bấm nhầm người".into() }]);
    log.offer(r[0].clone());
    let st = replay(&log, None);
    assert_eq!(st.open_anomalies().count(), 0);
    assert_eq!(st.anomalies.len(), 1);
    assert_eq!(st.checkins.get(&(5, "QH".into())).map(|c| c.id), Some(keep));
    assert_eq!(st.desks.get(&3).map(|d| d.voters), Some(1));
    assert_eq!(st.desks.get(&2).map(|d| d.voters), Some(0));
}

/// An undo filed under one voter cannot undo another voter's check-in
/// (attack review: desk 2 named desk 3's check-ins of voters 10 and 11
/// under voter 5); a replay of those voters alone agrees with the whole.
#[test]
fn an_undo_under_one_voter_never_undoes_another_voters_checkin() {
    let d3 = chain(3, vec![ci(10), ci(11)]);
    let targets: Vec<EventId> = d3.iter().map(|e| e.id).collect();
    let d2 = chain(2, vec![ci(5), Body::Undo { stt: 5, levels: vec!["QH".into()], targets, reason: "giả".into() }]);
    let mut log = Log::new();
    for e in d2.iter().chain(&d3) {
        assert_eq!(log.offer(e.clone()), Offer::Added);
    }
    let whole = replay(&log, None);
    assert!(whole.checkins.contains_key(&(10, "QH".into())) && whole.checkins.contains_key(&(11, "QH".into())));
    assert!(whole.checkins.contains_key(&(5, "QH".into())), "its own check-in was not among the targets");
    let only: BTreeSet<u32> = [10, 11].into_iter().collect();
    let part = replay(&log, Some(&only));
    assert_eq!(part.checkins.len(), 2);
}

/// Numbers a SQLite integer cannot hold, and a level named twice, are
/// refused when an event is read (attack review: a clock of 2⁶³ + 5 was
/// stored clamped and broke the chain for good).
#[test]
fn events_with_numbers_beyond_storage_or_a_repeated_level_are_refused() {
    let e = chain(2, vec![ci(1)]).remove(0);
    for (k, v) in [("hlc", json!([9_223_372_036_854_775_813u64, 0])), ("seq", json!(9_223_372_036_854_775_808u64))] {
        let mut x = e.to_value();
        if let Some(o) = x.as_object_mut() {
            o.insert(k.into(), v);
        }
        assert!(Event::from_value(&x).is_err(), "{k}");
    }
    let mut x = e.to_value();
    x["body"]["levels"] = json!(["QH", "QH"]);
    assert!(Event::from_value(&x).is_err());
}
