//! The outcome the Ban's minutes state (NQ 40, Mẫu 19/HĐBC-QH and
//! 24/HĐBC-HĐND, footnotes 5 and 7) for full, partial and empty
//! constituencies, re-votes and additional votes, laid out by the real
//! layouts.

use super::*;
use tobaucu_core::percent::Percent;

fn facts() -> BoardFactsDto {
    BoardFactsDto {
        constituency: "XA-04".into(),
        name: "Đơn vị bầu cử số 4".into(),
        round: 1,
        leader: None,
        deputies: vec![],
        members: vec![],
        meeting_date: None,
        meeting_time: None,
        place: None,
        events: None,
        settled: vec![],
        forwarded: vec![],
        attached: vec![],
        team_settled: vec![],
        team_forwarded: vec![],
    }
}

/// A council constituency of 5 seats and 8 candidates whose first `n`
/// candidates are elected, turnout `voted` of 1,000.
fn council(n: usize, voted: u64) -> MinutesInput {
    let candidates: Vec<(String, String)> = (1..=8).map(|i| (format!("XA-04-{i}"), format!("Người Ứng Cử {i}"))).collect();
    let valid = voted.saturating_sub(10);
    let votes: Vec<u64> = (0..8).map(|i| if i < n { valid * 3 / 4 } else { valid / 4 }).collect();
    let outcome = Outcome {
        complete: true,
        areas_expected: 3,
        areas_reported: 3,
        voters_listed: 1000,
        voters_voted: voted,
        ballots_issued: voted,
        ballots_received: voted,
        ballots_valid: valid,
        ballots_invalid: 10,
        percent: votes.iter().map(|&v| Percent::of(v, valid)).collect(),
        votes,
        turnout: Percent::of(voted, 1000),
        turnout_ok: voted * 2 > 1000,
        elected: if voted * 2 > 1000 { candidates.iter().take(n).map(|c| c.0.clone()).collect() } else { vec![] },
        ..Outcome::default()
    };
    MinutesInput {
        id: "XA-04".into(),
        number: 4,
        seats: 5,
        candidate_count: 8,
        council: Some("xã Thiệu Ngọc".into()),
        province: Some("tỉnh Thanh Hóa".into()),
        places: vec!["thôn Tràng Sơn".into(), "thôn Yên Lộ".into(), "thôn Nhân Mỹ".into()],
        election_year: 2026,
        round: RoundKind::First,
        round_number: 1,
        first_elected: n,
        candidates,
        outcome,
        communes: vec![],
        facts: facts(),
        accepted: vec![],
    }
}

/// The laid-out text of one document, whitespace collapsed.
fn text(layout: &str, m: &MinutesInput) -> String {
    let l = tobaucu_forms::layout(layout).unwrap_or_default();
    let (pages, missing, _) = tobaucu_forms::layout_pages(l, &minutes_data(m)).unwrap();
    assert!(missing.is_empty(), "{missing:?}");
    let mut out = Vec::new();
    for p in &pages {
        for c in p {
            if let tobaucu_forms::Cmd::Text { text, .. } = c {
                out.push(text.clone());
            }
        }
    }
    out.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

const FN7_HDND: &str = "Vì số người trúng cử đại biểu Hội đồng nhân dân chưa đủ số lượng đại biểu được bầu đã ấn định cho đơn vị bầu cử nên đề nghị Ủy ban bầu cử xã Thiệu Ngọc xem xét, quyết định việc bầu cử thêm tại đơn vị bầu cử.";
const FN5_HDND: &str = "Vì số cử tri đi bỏ phiếu chưa đạt quá một nửa tổng số cử tri của đơn vị bầu cử, nên cuộc bầu cử đại biểu Hội đồng nhân dân xã Thiệu Ngọc tại đơn vị bầu cử số 4 không có giá trị.";

#[test]
fn mau24_partial_constituency_states_what_is_missing_and_proposes_an_additional_vote() {
    // The demo commune's XA-04: 3 of 5 seats (footnote 7).
    let t = text("board-minutes-hdnd", &council(3, 900));
    assert!(t.contains("là 5 đại biểu, nay đã bầu được 3 đại biểu, còn thiếu 2 đại biểu."), "{t}");
    assert!(t.contains(FN7_HDND), "{t}");
    assert!(!t.contains("Đã bầu đủ"));
    // 4 of 5 (the bug: it said "Đã bầu đủ 4 đại biểu"): the truth,
    // and footnote 7's sentence, as the form asks whenever a seat is empty.
    let t = text("board-minutes-hdnd", &council(4, 900));
    assert!(t.contains("nay đã bầu được 4 đại biểu, còn thiếu 1 đại biểu.") && t.contains(FN7_HDND), "{t}");
    assert!(!t.contains("Đã bầu đủ"));
}

#[test]
fn mau24_full_constituency_prints_zero_missing_and_no_additional_vote() {
    let t = text("board-minutes-hdnd", &council(5, 900));
    assert!(t.contains("nay đã bầu được 5 đại biểu, còn thiếu 0 đại biểu."), "{t}");
    assert!(!t.contains("bầu cử thêm"), "{t}");
    assert!(t.contains("1. Ông/Bà Người Ứng Cử 1 số phiếu: 667 đạt: 74,94% so với tổng số phiếu hợp lệ."), "{t}");
}

#[test]
fn mau24_empty_constituency_elects_no_one_and_says_so() {
    // Nobody above half of the valid ballots.
    let t = text("board-minutes-hdnd", &council(0, 900));
    assert!(t.contains("khóa ......, nhiệm kỳ 2026-2031: Không có."), "{t}");
    assert!(t.contains("nay đã bầu được 0 đại biểu, còn thiếu 5 đại biểu.") && t.contains(FN7_HDND), "{t}");
}

#[test]
fn mau24_turnout_at_or_below_half_is_footnote_5_not_an_additional_vote() {
    let t = text("board-minutes-hdnd", &council(3, 500));
    assert!(t.contains("a) Số cử tri đã tham gia bỏ phiếu đạt 50,00% so với tổng số cử tri của đơn vị bầu cử."), "{t}");
    assert!(t.contains(FN5_HDND) && t.contains("Đề nghị Ủy ban bầu cử xã Thiệu Ngọc xem xét, quyết định việc bầu cử lại tại đơn vị bầu cử."), "{t}");
    assert!(t.contains("còn thiếu 5 đại biểu.") && !t.contains(FN7_HDND), "{t}");
}

#[test]
fn a_revote_has_its_own_minutes_and_stands_at_low_turnout() {
    // Art. 80(3): a re-vote's result stands; no footnote 5 sentence.
    let mut m = council(2, 450);
    m.round = RoundKind::Revote;
    m.round_number = 2;
    m.outcome.elected = vec!["XA-04-1".into(), "XA-04-2".into()];
    let t = text("board-minutes-hdnd", &m);
    assert!(t.contains("(BẦU CỬ LẠI — BIÊN BẢN RIÊNG)"), "{t}");
    assert!(!t.contains(FN5_HDND) && t.contains("không tổ chức bầu cử lại lần thứ hai (khoản 3 Điều 80"), "{t}");
    assert!(t.contains("nay đã bầu được 2 đại biểu, còn thiếu 3 đại biểu.") && !t.contains(FN7_HDND), "{t}");
    assert!(t.contains("bầu cử lại (vòng 2)"), "footer names the round: {t}");
}

#[test]
fn an_additional_vote_has_its_own_minutes_and_never_proposes_another() {
    // First round 3 of 5; the additional vote among the 5 others fills 1.
    let mut m = council(3, 900);
    m.round = RoundKind::Additional;
    m.round_number = 2;
    m.candidates = m.candidates.split_off(3);
    m.outcome.votes = vec![600, 300, 200, 100, 90];
    m.outcome.percent = m.outcome.votes.iter().map(|&v| Percent::of(v, 890)).collect();
    m.outcome.elected = vec!["XA-04-4".into()];
    let t = text("board-minutes-hdnd", &m);
    assert!(t.contains("(BẦU CỬ THÊM — BIÊN BẢN RIÊNG)"), "{t}");
    assert!(t.contains("1. Ông/Bà Người Ứng Cử 4 được 600 phiếu/890 phiếu hợp lệ") && !t.contains("Người Ứng Cử 1 được"), "{t}");
    assert!(t.contains("nay đã bầu được 4 đại biểu, còn thiếu 1 đại biểu.") && t.contains("(Bầu cử lần đầu: 3 đại biểu; bầu cử thêm: 1 đại biểu.)"), "{t}");
    assert!(!t.contains(FN7_HDND) && t.contains("không tổ chức bầu cử thêm lần thứ hai"), "{t}");
}

#[test]
fn mau19_qh_table_by_commune_and_footnote_7() {
    let mut m = council(1, 900);
    m.seats = 3;
    m.candidate_count = 5;
    m.candidates.truncate(5);
    m.outcome.votes.truncate(5);
    m.outcome.percent.truncate(5);
    m.council = None;
    m.places = vec!["xã Thiệu Ngọc".into(), "xã Thiệu Vũ".into()];
    m.communes = vec![CommuneRow { name: "Xã Thiệu Ngọc".into(), areas: 6, votes: vec![600, 200, 200, 200, 200] }, CommuneRow { name: "Xã Thiệu Vũ".into(), areas: 2, votes: vec![67, 22, 22, 22, 22] }];
    let t = text("board-minutes-qh", &m);
    assert!(t.contains("Xã Thiệu Ngọc 6 600 200 200 200 200") && t.contains("Xã Thiệu Vũ 2 67 22 22 22 22"), "{t}");
    assert!(t.contains("Tổng cộng: 8 667 222 222 222 222") && t.contains("74,94% 24,94%"), "{t}");
    assert!(t.contains("nay đã bầu được 1 đại biểu, còn thiếu 2 đại biểu."), "{t}");
    assert!(t.contains("đề nghị Ủy ban bầu cử tỉnh Thanh Hóa báo cáo Hội đồng bầu cử quốc gia để xem xét, quyết định việc bầu cử thêm tại đơn vị bầu cử."), "{t}");
    assert!(t.contains("thuộc tỉnh Thanh Hóa") && t.contains("gồm xã Thiệu Ngọc, xã Thiệu Vũ"), "{t}");
}

#[test]
fn recorded_facts_are_printed_and_missing_ones_are_dotted_never_invented() {
    let m = council(5, 900);
    let t = text("board-minutes-hdnd", &m);
    assert!(t.contains("Vào hồi ....... giờ ....... phút, ngày ....... tháng ....... năm 2026"), "{t}");
    assert!(t.contains("Đã họp tại ........................................ để lập"), "{t}");
    assert!(t.contains("d) Tóm tắt những việc xảy ra: Không có."), "{t}");
    assert!(t.contains("Các tài liệu kèm theo: 1. ....") && t.contains("TM. BAN BẦU CỬ TRƯỞNG BAN"), "{t}");
    let mut m = m;
    m.facts.leader = Some("Lê Văn Trưởng".into());
    m.facts.deputies = vec!["Trần Thị Phó".into(), "Ngô Văn Phó".into()];
    m.facts.members = vec!["Đỗ Thị Viên".into()];
    m.facts.meeting_date = Some("2026-03-16".into());
    m.facts.meeting_time = Some("08:30".into());
    m.facts.place = Some("Hội trường Ủy ban nhân dân xã".into());
    m.facts.events = Some("Khu vực bỏ phiếu số 5 mất điện 20 phút lúc kiểm phiếu".into());
    m.facts.team_settled = vec!["Khu vực bỏ phiếu số 4 (Thôn Tràng Sơn): cử tri đề nghị niêm yết lại".into()];
    m.facts.attached = vec!["Đơn khiếu nại của ông A".into()];
    let t = text("board-minutes-hdnd", &m);
    for want in [
        "Vào hồi 08 giờ 30 phút, ngày 16 tháng 3 năm 2026, Ban bầu cử đại biểu Hội đồng nhân dân xã Thiệu Ngọc gồm có:",
        "1. Ông/Bà Lê Văn Trưởng, Trưởng Ban 2. Ông/Bà Trần Thị Phó, Phó Trưởng ban 3. Ông/Bà Ngô Văn Phó, Phó Trưởng ban 4. Ông/Bà Đỗ Thị Viên, Ủy viên",
        "Đã họp tại Hội trường Ủy ban nhân dân xã để lập",
        "d) Tóm tắt những việc xảy ra: Khu vực bỏ phiếu số 5 mất điện",
        "do các Tổ bầu cử đã giải quyết: - Khu vực bỏ phiếu số 4 (Thôn Tràng Sơn): cử tri đề nghị niêm yết lại",
        "cách giải quyết: Không có.",
        "Các tài liệu kèm theo: 1. Đơn khiếu nại của ông A",
        "Lê Văn Trưởng",
    ] {
        assert!(t.contains(want), "{want}\n{t}");
    }
    assert!(!t.contains("5. ....") && !t.contains("THƯ KÝ"), "{t}");
}

#[test]
fn layouts_cite_nq40_and_their_form_number() {
    for (name, number) in [("board-minutes-qh", "Mẫu số 19/HĐBC-QH"), ("board-minutes-hdnd", "Mẫu số 24/HĐBC-HĐND")] {
        let v: Value = serde_json::from_str(tobaucu_forms::layout(name).unwrap_or_default()).unwrap();
        assert!(v["source"].as_str().unwrap_or("").contains(&format!("Nghị quyết 40/NQ-HĐBCQG ngày 29/9/2025, {number}")), "{name}: {}", v["source"]);
        assert_eq!(v["number"], number);
    }
}
