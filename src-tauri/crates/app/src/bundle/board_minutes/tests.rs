//! The outcome the Ban's minutes state (NQ 40, Mẫu 19/HĐBC-QH and
//! 24/HĐBC-HĐND, footnotes 5 and 7) for full, partial and empty
//! constituencies, re-votes and additional votes; items d–g from what the
//! teams and the Ban recorded (footnotes 8–11); the notes (1)–(13) and
//! their markers; laid out by the real layouts.

use super::*;
use tobaucu_core::percent::Percent;
use tobaucu_ipc::TeamComplaintDto;

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
        team_events: vec![],
        team_settled: vec![],
        team_forwarded: vec![],
    }
}

/// A council constituency of 5 seats and 8 candidates whose first `n`
/// candidates are elected, turnout `voted` of 1,000.
fn council(n: usize, voted: u64) -> MinutesInput {
    // Odd positions are men, even ones women.
    let candidates: Vec<Named> = (1..=8).map(|i| Named { id: format!("XA-04-{i}"), name: format!("Người Ứng Cử {i}"), title: if i % 2 == 1 { "Ông" } else { "Bà" } }).collect();
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
        elected: if voted * 2 > 1000 { candidates.iter().take(n).map(|c| c.id.clone()).collect() } else { vec![] },
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
const FN5_HDND: &str =
    "Vì số cử tri đi bỏ phiếu chưa đạt quá một nửa tổng số cử tri của đơn vị bầu cử, nên cuộc bầu cử đại biểu Hội đồng nhân dân xã Thiệu Ngọc tại đơn vị bầu cử số 4 không có giá trị.";

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
    // Only the form's notes speak of bầu cử thêm.
    assert!(!t.contains(FN7_HDND) && !t.contains("(7) Vì") && t.matches("bầu cử thêm").count() == 2, "{t}");
    assert!(t.contains("1. Ông Người Ứng Cử 1 số phiếu: 667 đạt: 74,94% so với tổng số phiếu hợp lệ."), "{t}");
}

#[test]
fn mau24_empty_constituency_elects_no_one_and_says_so() {
    // Nobody above half of the valid ballots.
    let t = text("board-minutes-hdnd", &council(0, 900));
    assert!(t.contains("khóa ......, nhiệm kỳ 2026-2031(6): Không có."), "{t}");
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
    assert!(t.contains("1. Bà Người Ứng Cử 4 được 600 phiếu/890 phiếu hợp lệ") && !t.contains("Người Ứng Cử 1 được"), "{t}");
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
    m.communes =
        vec![CommuneRow { name: "Xã Thiệu Ngọc".into(), areas: 6, votes: vec![600, 200, 200, 200, 200] }, CommuneRow { name: "Xã Thiệu Vũ".into(), areas: 2, votes: vec![67, 22, 22, 22, 22] }];
    let t = text("board-minutes-qh", &m);
    assert!(t.contains("Xã Thiệu Ngọc 6 600 200 200 200 200") && t.contains("Xã Thiệu Vũ 2 67 22 22 22 22"), "{t}");
    assert!(t.contains("Tổng cộng: 8 667 222 222 222 222") && t.contains("74,94% 24,94%"), "{t}");
    assert!(t.contains("nay đã bầu được 1 đại biểu, còn thiếu 2 đại biểu."), "{t}");
    assert!(t.contains("đề nghị Ủy ban bầu cử tỉnh Thanh Hóa báo cáo Hội đồng bầu cử quốc gia để xem xét, quyết định việc bầu cử thêm tại đơn vị bầu cử."), "{t}");
    assert!(t.contains("thuộc tỉnh Thanh Hóa") && t.contains("gồm(1) xã Thiệu Ngọc, xã Thiệu Vũ"), "{t}");
}

#[test]
fn recorded_facts_are_printed_and_missing_ones_are_dotted_never_invented() {
    let m = council(5, 900);
    let t = text("board-minutes-hdnd", &m);
    assert!(t.contains("Vào hồi ....... giờ ....... phút, ngày ....... tháng ....... năm 2026"), "{t}");
    assert!(t.contains("Đã họp tại ........................................ để lập"), "{t}");
    assert!(t.contains(&format!("d) Tóm tắt những việc xảy ra(8): {DOTTED}")), "{t}");
    assert!(t.contains("Các tài liệu kèm theo(13): 1. ....") && t.contains("TM. BAN BẦU CỬ TRƯỞNG BAN"), "{t}");
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
        "Vào hồi 08 giờ 30 phút, ngày 16 tháng 3 năm 2026, Ban bầu cử đại biểu Hội đồng nhân dân(1) xã Thiệu Ngọc gồm có:",
        "1. Ông/Bà Lê Văn Trưởng, Trưởng Ban 2. Ông/Bà Trần Thị Phó, Phó Trưởng ban 3. Ông/Bà Ngô Văn Phó, Phó Trưởng ban 4. Ông/Bà Đỗ Thị Viên, Ủy viên",
        "Đã họp tại Hội trường Ủy ban nhân dân xã để lập",
        "d) Tóm tắt những việc xảy ra(8): - Khu vực bỏ phiếu số 5 mất điện",
        "do các Tổ bầu cử đã giải quyết(9): - Khu vực bỏ phiếu số 4 (Thôn Tràng Sơn): cử tri đề nghị niêm yết lại",
        &format!("cách giải quyết(10): {DOTTED}"),
        "Các tài liệu kèm theo(13): 1. Đơn khiếu nại của ông A",
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

/// Twenty dots: the start of a dotted line left for hand-writing.
const DOTTED: &str = "....................";

/// Every fragment appears in `text`, each after the one before.
fn in_order(text: &str, fragments: &[&str]) {
    let mut at = 0;
    for f in fragments {
        match text[at..].find(f) {
            Some(i) => at += i + f.len(),
            None => panic!("«{f}» {} after byte {at}\n{text}", if text.contains(f) { "is out of order" } else { "is missing" }),
        }
    }
}

#[test]
fn items_d_to_g_are_dotted_when_nothing_is_recorded_never_khong_co_mau24_notes_8_to_11() {
    // Mẫu số 24/HĐBC-HĐND, ghi chú (8) and (9)–(11): "nếu không có … thì
    // ghi “Không có”" is the Ban's statement to make, not the board's
    // default: nothing recorded leaves the lines to write by hand.
    let t = text("board-minutes-hdnd", &council(5, 900));
    in_order(
        &t,
        &[
            &format!("d) Tóm tắt những việc xảy ra(8): {DOTTED}"),
            &format!("do các Tổ bầu cử đã giải quyết(9): {DOTTED}"),
            &format!("do Ban bầu cử đã giải quyết, cách giải quyết(10): {DOTTED}"),
            &format!("g) Những khiếu nại, tố cáo chuyển đến Ủy ban bầu cử(11): {DOTTED}"),
        ],
    );
    assert!(!t.contains("Không có."), "{t}");
    // The Ban says so: printed as it said it, without a dash; item đ is the
    // teams' (their minutes), so it stays dotted.
    let mut m = council(5, 900);
    m.facts.events = Some("Không có".into());
    m.facts.settled = vec!["Không có.".into()];
    m.facts.forwarded = vec!["không có".into()];
    let t = text("board-minutes-hdnd", &m);
    in_order(
        &t,
        &[
            "d) Tóm tắt những việc xảy ra(8): Không có. đ)",
            &format!("do các Tổ bầu cử đã giải quyết(9): {DOTTED}"),
            "cách giải quyết(10): Không có. g)",
            "chuyển đến Ủy ban bầu cử(11): Không có. Biên bản",
        ],
    );
    // Mẫu số 19/HĐBC-QH: the same items, the same rule.
    let mut q = council(1, 900);
    q.council = None;
    let t = text("board-minutes-qh", &q);
    in_order(
        &t,
        &[
            &format!("d) Tóm tắt những việc xảy ra(8): {DOTTED}"),
            &format!("do các Tổ bầu cử đã giải quyết(9): {DOTTED}"),
            &format!("cách giải quyết(10): {DOTTED}"),
            &format!("Hội đồng bầu cử quốc gia(11): {DOTTED}"),
        ],
    );
}

#[test]
fn item_d_carries_the_bans_summary_then_what_each_team_recorded_mau24_note_8() {
    // Mẫu số 24/HĐBC-HĐND, d) "Tóm tắt những việc xảy ra", ghi chú (8):
    // "Ghi rõ những việc bất thường đã xảy ra" — the teams' incidents come
    // from their minutes, named by their Tổ.
    let mut m = council(5, 900);
    m.facts.events = Some("Ban bầu cử nhận đủ biên bản lúc 21:30".into());
    m.facts.team_events = vec![
        "Tổ bầu cử khu vực bỏ phiếu số 3 (Thôn Nhân Mỹ): Lúc 10:05: Mất điện khoảng 20 phút tại phòng bỏ phiếu. Cách giải quyết: Tiếp tục phát phiếu theo danh sách cử tri giấy".into(),
        "Tổ bầu cử khu vực bỏ phiếu số 5 (Thôn Yên Lộ) kiến nghị: bổ sung đèn dự phòng".into(),
    ];
    let t = text("board-minutes-hdnd", &m);
    in_order(
        &t,
        &[
            "d) Tóm tắt những việc xảy ra(8):",
            "- Ban bầu cử nhận đủ biên bản lúc 21:30",
            "- Tổ bầu cử khu vực bỏ phiếu số 3 (Thôn Nhân Mỹ): Lúc 10:05: Mất điện khoảng 20 phút tại phòng bỏ phiếu.",
            "- Tổ bầu cử khu vực bỏ phiếu số 5 (Thôn Yên Lộ) kiến nghị: bổ sung đèn dự phòng",
            "đ) Những khiếu nại",
        ],
    );
    // The teams' alone, when the Ban recorded nothing.
    m.facts.events = None;
    let t = text("board-minutes-hdnd", &m);
    assert!(t.contains("d) Tóm tắt những việc xảy ra(8): - Tổ bầu cử khu vực bỏ phiếu số 3"), "{t}");
}

#[test]
fn complaints_a_team_forwarded_are_in_e_unless_the_ban_forwarded_them_on_to_g_mau24_notes_9_to_11() {
    // Mẫu số 24/HĐBC-HĐND, ghi chú (9), (10), (11): "Ghi rõ các đơn thư,
    // nội dung khiếu nại, tố cáo do Tổ bầu cử chuyển đến". đ) is what the
    // Tổ settled; what it forwarded is the Ban's: e) once the Ban settled
    // it — and until it decides, with its way of settling left dotted —,
    // g) once the Ban sent it on to the Ủy ban bầu cử.
    let forwarded = |n: u32, decision: Option<&str>, how: Option<&str>| TeamComplaintDto {
        reference: format!("X0412-KV0{n}#1"),
        text: format!("Tổ bầu cử khu vực bỏ phiếu số {n} (Thôn {n}): Khiếu nại {n} — người khiếu nại, tố cáo: Bà Trần Thị Mơ; ý kiến của Tổ bầu cử: chuyển Ban bầu cử xem xét"),
        decision: decision.map(str::to_owned),
        how: how.map(str::to_owned),
    };
    let mut m = council(5, 900);
    m.facts.team_settled = vec!["Tổ bầu cử khu vực bỏ phiếu số 5 (Thôn Yên Lộ): Niêm yết lại danh sách".into()];
    m.facts.team_forwarded = vec![
        forwarded(4, None, None),
        forwarded(6, Some("settled"), Some("Ban bầu cử đối chiếu danh sách, trả lời bằng văn bản")),
        forwarded(7, Some("forwarded"), Some("chuyển Ủy ban bầu cử xã Thiệu Ngọc ngày 16/3/2026")),
    ];
    m.facts.settled = vec!["Đơn của ông A gửi thẳng Ban bầu cử: đã trả lời".into()];
    m.facts.forwarded = vec!["Đơn tố cáo của bà B chuyển Ủy ban bầu cử".into()];
    let t = text("board-minutes-hdnd", &m);
    in_order(
        &t,
        &[
            "do các Tổ bầu cử đã giải quyết(9): - Tổ bầu cử khu vực bỏ phiếu số 5 (Thôn Yên Lộ): Niêm yết lại danh sách",
            "do Ban bầu cử đã giải quyết, cách giải quyết(10):",
            &format!("- Tổ bầu cử khu vực bỏ phiếu số 4 (Thôn 4): Khiếu nại 4 — người khiếu nại, tố cáo: Bà Trần Thị Mơ; ý kiến của Tổ bầu cử: chuyển Ban bầu cử xem xét; cách giải quyết: {DOTTED}"),
            "- Tổ bầu cử khu vực bỏ phiếu số 6 (Thôn 6): Khiếu nại 6",
            "; cách giải quyết: Ban bầu cử đối chiếu danh sách, trả lời bằng văn bản",
            "- Đơn của ông A gửi thẳng Ban bầu cử: đã trả lời",
            "g) Những khiếu nại, tố cáo chuyển đến Ủy ban bầu cử(11):",
            "- Tổ bầu cử khu vực bỏ phiếu số 7 (Thôn 7): Khiếu nại 7",
            "; ý kiến của Ban bầu cử: chuyển Ủy ban bầu cử xã Thiệu Ngọc ngày 16/3/2026",
            "- Đơn tố cáo của bà B chuyển Ủy ban bầu cử",
            "Biên bản xác định kết quả",
        ],
    );
    // Each complaint once.
    for n in [4, 6, 7] {
        assert_eq!(t.matches(&format!("Khiếu nại {n} —")).count(), 1, "{t}");
    }
}

const NOTES_24: [&str; 12] = [
    "(1) Ghi tên đơn vị hành chính cấp tổ chức bầu cử đại biểu Hội đồng nhân dân.",
    "(2) Ghi tên các đơn vị hành chính cấp xã hoặc thôn, tổ dân phố trong phạm vi đơn vị bầu cử đại biểu Hội đồng nhân dân tương ứng ở cấp xã, cấp tỉnh.",
    "(3) Ghi rõ số lượng đại biểu Hội đồng nhân dân được bầu tại đơn vị bầu cử theo Nghị quyết của Ủy ban bầu cử đại biểu Hội đồng nhân dân ở cấp đó.",
    "(4) Ghi rõ số lượng người ứng cử đại biểu Hội đồng nhân dân theo Danh sách chính thức những người ứng cử đại biểu Hội đồng nhân dân do Ủy ban bầu cử đại biểu Hội đồng nhân dân ở cấp đó đã công bố.",
    "(5) Trường hợp số cử tri đi bỏ phiếu chưa đạt quá một nửa tổng số cử tri của đơn vị bầu cử thì viết thêm như sau: “Vì số cử tri đi bỏ phiếu chưa đạt quá một nửa tổng số cử tri của đơn vị bầu cử, nên cuộc bầu cử đại biểu Hội đồng nhân dân (1)........................... tại đơn vị bầu cử số... không có giá trị. Đề nghị Ủy ban bầu cử (1)........................... xem xét, quyết định việc bầu cử lại tại đơn vị bầu cử”.",
    "(6) Xếp tên người trúng cử theo thứ tự từ người nhiều phiếu nhất đến người ít phiếu nhất.",
    "(7) Trường hợp đã bầu được đủ số lượng đại biểu thì ghi tổng số đại biểu đã trúng cử và ghi “0” vào số đại biểu còn thiếu. Trường hợp không có người ứng cử nào được quá nửa số phiếu hợp lệ hoặc số người trúng cử ít hơn số đại biểu được bầu ở đơn vị bầu cử thì ghi rõ số lượng còn thiếu và viết thêm như sau: “Vì số người trúng cử đại biểu Hội đồng nhân dân chưa đủ số lượng đại biểu được bầu đã ấn định cho đơn vị bầu cử nên đề nghị Ủy ban bầu cử (1).................................... xem xét, quyết định việc bầu cử thêm tại đơn vị bầu cử”.",
    "(8) Ghi rõ những việc bất thường đã xảy ra; nếu không có việc gì xảy ra thì ghi “Không có”.",
    "(9), (10), (11) Ghi rõ các đơn thư, nội dung khiếu nại, tố cáo do Tổ bầu cử chuyển đến; nếu không có thì ghi \"Không có\".",
    "(12) Biên bản phải được gửi đến các cơ quan được nêu tên chậm nhất là 05 ngày sau ngày bầu cử.",
    "(13) Ví dụ như các đơn khiếu nại, tố cáo hay tờ trình, báo cáo của Tổ bầu cử.",
    // The form's closing sentence (its reference to Mẫu 23 is the form's own).
    "Việc xác định kết quả trong bầu cử lại, bầu cử thêm được Ban bầu cử đại biểu Hội đồng nhân dân lập thành biên bản riêng với các nội dung theo Mẫu số 23/HĐBC-HĐND.",
];

const NOTES_19: [&str; 12] = [
    "(1) Ghi tên các đơn vị hành chính cấp xã trong phạm vi đơn vị bầu cử đại biểu Quốc hội.",
    "(2) Ghi rõ số lượng đại biểu Quốc hội được bầu tại đơn vị bầu cử theo Nghị quyết của Hội đồng bầu cử quốc gia.",
    "(3) Ghi rõ số lượng người ứng cử đại biểu Quốc hội tại đơn vị bầu cử theo Danh sách chính thức những người ứng cử đại biểu Quốc hội do Hội đồng bầu cử quốc gia công bố.",
    "(4) Xếp các cột và số phiếu bầu cho từng người ứng cử bắt đầu từ trái sang phải theo thứ tự trong Danh sách chính thức những người ứng cử đại biểu Quốc hội đã công bố.",
    "(5) Trường hợp số cử tri đi bỏ phiếu chưa đạt quá nửa tổng số cử tri của đơn vị bầu cử thì viết thêm như sau: “Vì số cử tri đi bỏ phiếu chưa đạt quá nửa tổng số cử tri của đơn vị bầu cử, nên cuộc bầu cử đại biểu Quốc hội tại đơn vị bầu cử đại biểu Quốc hội số... không có giá trị. Đề nghị Ủy ban bầu cử tỉnh/thành phố...... báo cáo Hội đồng bầu cử quốc gia xem xét, quyết định việc bầu cử lại tại đơn vị bầu cử”.",
    "(6) Xếp tên người trúng cử theo thứ tự từ người nhiều phiếu nhất đến người ít phiếu nhất.",
    "(7) Trường hợp đã bầu được đủ số lượng đại biểu thì ghi tổng số đại biểu đã trúng cử và ghi “0” vào số đại biểu còn thiếu. Trường hợp không có người ứng cử nào được quá nửa tổng số phiếu hợp lệ hoặc số người trúng cử ít hơn số đại biểu được bầu ở đơn vị bầu cử thì ghi rõ số lượng còn thiếu và viết thêm như sau: “Vì số người trúng cử đại biểu Quốc hội chưa đủ số lượng đại biểu được bầu đã ấn định cho đơn vị bầu cử nên đề nghị Ủy ban bầu cử tỉnh/thành phố..................báo cáo Hội đồng bầu cử quốc gia để xem xét, quyết định việc bầu cử thêm tại đơn vị bầu cử”.",
    "(8) Ghi rõ những việc bất thường đã xảy ra; nếu không có việc gì xảy ra thì ghi “Không có”.",
    "(9), (10), (11) Ghi rõ các đơn thư, nội dung khiếu nại, tố cáo do Tổ bầu cử chuyển đến; nếu không có thì ghi \"Không có\".",
    "(12) Biên bản phải được gửi đến các cơ quan được nêu tên chậm nhất là 05 ngày sau ngày bầu cử.",
    "(13) Ví dụ như các đơn khiếu nại, tố cáo hay tờ trình, báo cáo của Tổ bầu cử.",
    "Việc xác định kết quả trong bầu cử lại, bầu cử thêm được Ban bầu cử đại biểu Quốc hội lập thành biên bản riêng.",
];

#[test]
fn mau24_prints_notes_1_to_13_word_for_word_after_the_signatures_and_their_markers_in_the_body() {
    // Mẫu số 24/HĐBC-HĐND, "Ghi chú" (1)–(13) and the closing sentence on
    // bầu cử lại / bầu cử thêm, as the official text has them; the markers
    // where the official text puts them (XA-04: 3 of 5 seats, (7) applies).
    let t = text("board-minutes-hdnd", &council(3, 900));
    let mut want = vec![
        "HỘI ĐỒNG NHÂN DÂN(1) XÃ THIỆU NGỌC",
        "ĐẠI BIỂU HỘI ĐỒNG NHÂN DÂN(1) XÃ THIỆU NGỌC",
        "Gồm(2) thôn Tràng Sơn",
        "Ban bầu cử đại biểu Hội đồng nhân dân(1) xã Thiệu Ngọc gồm có:",
        "bầu cử đại biểu Hội đồng nhân dân(1) xã Thiệu Ngọc khóa ..........",
        "số 4 gồm(2) thôn Tràng Sơn, thôn Yên Lộ, thôn Nhân Mỹ.",
        "của Ủy ban bầu cử(1) xã Thiệu Ngọc thì đơn vị bầu cử số 4 được bầu(3) 5 đại biểu",
        "của Ủy ban bầu cử(1) xã Thiệu Ngọc thì đơn vị bầu cử số 4 có(4) 8 người ứng cử",
        "kết quả bầu cử đại biểu Hội đồng nhân dân(1) xã Thiệu Ngọc ở đơn vị bầu cử số 4 như sau:",
        "Ban bầu cử đại biểu Hội đồng nhân dân(1) xã Thiệu Ngọc kết luận:",
        "trúng cử đại biểu Hội đồng nhân dân(1) xã Thiệu Ngọc khóa ......, nhiệm kỳ 2026-2031(6):",
        "c) Theo ấn định của Ủy ban bầu cử(1) xã Thiệu Ngọc, thì số đại biểu Hội đồng nhân dân(1) xã Thiệu Ngọc được bầu",
        "(7) Vì số người trúng cử",
        "d) Tóm tắt những việc xảy ra(8):",
        "đã giải quyết(9):",
        "cách giải quyết(10):",
        "chuyển đến Ủy ban bầu cử(11):",
        "Biên bản xác định kết quả bầu cử đại biểu Hội đồng nhân dân(1) xã Thiệu Ngọc ở đơn vị bầu cử số 4",
        "Ban thường trực Ủy ban Mặt trận Tổ quốc Việt Nam(1) xã Thiệu Ngọc.(12)",
        "Các tài liệu kèm theo(13):",
        "TM. BAN BẦU CỬ TRƯỞNG BAN",
        "CÁC PHÓ TRƯỞNG BAN",
        "Ghi chú: Nhất thiết không được tẩy xóa trên biên bản.",
    ];
    want.extend(NOTES_24);
    in_order(&t, &want);
    // Footnote 5's marker comes with its sentence (turnout at or below half).
    let t = text("board-minutes-hdnd", &council(3, 500));
    in_order(&t, &["a) Số cử tri đã tham gia bỏ phiếu đạt 50,00%", "(5) Vì số cử tri đi bỏ phiếu chưa đạt quá một nửa", "b) Các ông/bà"]);
}

#[test]
fn mau19_prints_notes_1_to_13_word_for_word_after_the_signatures_and_their_markers_in_the_body() {
    // Mẫu số 19/HĐBC-QH, "Ghi chú" (1)–(13) and the closing sentence.
    let mut m = council(1, 900);
    m.seats = 3;
    m.candidate_count = 5;
    m.candidates.truncate(5);
    m.outcome.votes.truncate(5);
    m.outcome.percent.truncate(5);
    m.council = None;
    m.places = vec!["xã Thiệu Ngọc".into()];
    m.communes = vec![CommuneRow { name: "Xã Thiệu Ngọc".into(), areas: 6, votes: vec![667, 222, 222, 222, 222] }];
    let t = text("board-minutes-qh", &m);
    let mut want = vec![
        "số: 4 gồm(1) xã Thiệu Ngọc thuộc tỉnh Thanh Hóa.",
        "được bầu(2) 3 đại biểu Quốc hội.",
        "có(3) 5 người ứng cử đại biểu Quốc hội.",
        "SỐ PHIẾU BẦU CHO MỖI NGƯỜI ỨNG CỬ(4)",
        "đã trúng cử đại biểu Quốc hội khóa XVI(6):",
        "(7) Vì số người trúng cử đại biểu Quốc hội chưa đủ",
        "d) Tóm tắt những việc xảy ra(8):",
        "đã giải quyết(9):",
        "cách giải quyết(10):",
        "Hội đồng bầu cử quốc gia(11):",
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, thành phố.(12)",
        "Các tài liệu kèm theo gồm(13):",
        "TM. BAN BẦU CỬ TRƯỞNG BAN",
        "CÁC PHÓ TRƯỞNG BAN BẦU CỬ",
        "Ghi chú: Nhất thiết không được tẩy xóa trên biên bản.",
    ];
    want.extend(NOTES_19);
    in_order(&t, &want);
}

#[test]
fn candidates_and_winners_are_ong_or_ba_by_gender_as_in_the_team_minutes() {
    // Mẫu 24/HĐBC-HĐND "1. Ông/Bà … được … phiếu", b) "1. Ông/Bà … số
    // phiếu"; Mẫu 19/HĐBC-QH "Số phiếu bầu cho Ông (Bà) …": filled as the
    // Tổ minutes fill them (Mẫu 18/23), by the candidate's gender.
    let t = text("board-minutes-hdnd", &council(3, 900));
    in_order(
        &t,
        &[
            "1. Ông Người Ứng Cử 1 được",
            "2. Bà Người Ứng Cử 2 được",
            "3. Ông Người Ứng Cử 3 được",
            "1. Ông Người Ứng Cử 1 số phiếu:",
            "2. Bà Người Ứng Cử 2 số phiếu:",
            "3. Ông Người Ứng Cử 3 số phiếu:",
        ],
    );
    assert!(!t.contains("Ông/Bà Người Ứng Cử"), "{t}");
    let mut q = council(1, 900);
    q.candidates.truncate(2);
    q.outcome.votes.truncate(2);
    q.outcome.percent.truncate(2);
    q.communes = vec![CommuneRow { name: "Xã Thiệu Ngọc".into(), areas: 6, votes: vec![667, 222] }];
    let t = text("board-minutes-qh", &q);
    assert!(t.contains("Số phiếu bầu cho Ông Người Ứng Cử 1") && t.contains("Số phiếu bầu cho Bà Người Ứng Cử 2"), "{t}");
    assert!(t.contains("1. Ông Người Ứng Cử 1 số phiếu:"), "{t}");
}
