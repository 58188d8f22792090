//! The minutes document: one canonical form, read strictly; a board's
//! review refuses what the team's checks would have refused (issue 11 §2,
//! §3; checks.md E01–E15).

use super::*;
use crate::election;

const DEMO: &str = include_str!("../../../../../assets/demo-election.json");
const SHA: &str = "abababababababababababababababababababababababababababababababab";

fn def() -> ElectionDefinition {
    election::parse(DEMO).unwrap_or_else(|e| panic!("{e:?}"))
}

/// Minutes of area X0412-KV01, level QH (QH-01: 3 seats, 5 candidates),
/// that the team's app would have finalized.
fn sample() -> Minutes {
    let d = def();
    let c = d.constituency("QH-01").unwrap_or_else(|| panic!("QH-01"));
    let votes = [400u64, 380, 350, 200, 65];
    let valid = 595;
    Minutes {
        format: FORMAT_V2.into(),
        election: ElectionRef { id: d.election.id.clone(), name: d.election.name.clone(), date: d.election.date.to_string(), mode: d.election.mode.as_str().into(), definition_sha256: SHA.into() },
        area: AreaRef { id: "X0412-KV01".into(), number: Some(1), name: Some("Thôn Chẩn Xuyên 1".into()), commune: Some("X0412".into()) },
        level: LevelRef { code: "QH".into(), name: "Đại biểu Quốc hội khóa XVI".into() },
        constituency: ConstituencyRef { id: c.id.clone(), name: c.name.clone(), seats: c.seats },
        team: TeamRef {
            leader: Some("Nguyễn Văn Tổ".into()),
            secretary: Some("Lê Thị Ký".into()),
            members: vec![],
            witnesses: vec![person("Hoàng Văn Chứng", Some("Thôn Chẩn Xuyên 1")), person("Đỗ Thị Kiến", None)],
        },
        figures: Figures {
            voters_listed: 620,
            voters_voted: 605,
            ballots_issued: 605,
            ballots_received: 605,
            ballots_valid: valid,
            ballots_invalid: 10,
            invalid_by_reason: InvalidReason::ALL.iter().map(|r| (r.code().to_owned(), if r.index() == 0 { 10 } else { 0 })).collect(),
            ballots_by_kept: [("1", 95u64), ("2", 200), ("3", 300)].iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
        },
        inventory: Some(InventoryRef { received: 650, unused: 44, spoiled: 1, issued: 605 }),
        candidates: c
            .candidates
            .iter()
            .zip(votes)
            .enumerate()
            .map(|(i, (x, v))| CandidateLine { id: x.id.clone(), position: u32::try_from(i + 1).unwrap_or(0), name: x.name.clone(), votes: v, percent: Percent::of(v, valid).vi() })
            .collect(),
        complaints: vec![],
        revision: 1,
        correction_reason: String::new(),
        opening: Some(Opening {
            time: Some("07:00".into()),
            witnesses: vec![Person { name: "Trần Văn Mở".into(), address: Some("Thôn Chẩn Xuyên 1".into()) }, Person { name: "Lê Thị Hòm".into(), address: None }],
        }),
        closing_time: Some("19:00".into()),
        incidents: vec![IncidentLine { time: Some("09:15".into()), what: "Mất điện 20 phút".into(), handled: "Tiếp tục phát phiếu theo danh sách giấy".into() }],
        recommendations: vec![],
        explanations: vec![],
        accepted: vec![],
        completed_at: Some("2026-03-15T21:40:00+07:00".into()),
        round: None,
    }
}

fn person(name: &str, address: Option<&str>) -> Witness {
    Witness::Person(Person { name: name.into(), address: address.map(str::to_owned) })
}

fn review(m: &Minutes) -> Result<Vec<Check>, String> {
    m.review(&def(), SHA, "X0412-KV01", "QH", &[])
}

#[test]
fn canonical_text_reads_back_to_the_same_document() {
    let m = sample();
    let text = m.to_canonical();
    assert_eq!(Minutes::parse(text.as_bytes()), Ok(m.clone()));
    // Written straight from the struct, the same text as through a Value.
    assert_eq!(text, crate::canonical::canonical_json(&serde_json::to_value(&m).unwrap_or_default()));
    assert!(text.starts_with("{\"area\":{"), "{text}");
    assert_eq!(review(&m).map(|w| w.is_empty()), Ok(true));
}

#[test]
fn a_duplicated_key_is_refused_even_when_the_last_value_would_be_valid() {
    // issue 11 §3: "votes":136,"votes":300 was accepted, the last one won.
    let text = sample().to_canonical();
    let dup = text.replacen("\"votes\":400", "\"votes\":136,\"votes\":400", 1);
    assert_ne!(dup, text);
    assert!(Minutes::parse(dup.as_bytes()).is_err());
    let dup_map = text.replacen("\"gach_het\":0", "\"gach_het\":0,\"gach_het\":0", 1);
    assert!(Minutes::parse(dup_map.as_bytes()).is_err(), "duplicate key inside a map");
}

#[test]
fn unknown_fields_other_spacing_and_other_formats_are_refused() {
    let text = sample().to_canonical();
    assert!(Minutes::parse(text.replacen("{\"area\"", "{\"extra\":1,\"area\"", 1).as_bytes()).is_err());
    assert!(Minutes::parse(text.replacen(",\"format\"", ", \"format\"", 1).as_bytes()).is_err());
    assert!(Minutes::parse(text.replacen("tobaucu-minutes/2", "tobaucu-minutes/9", 1).as_bytes()).is_err());
    assert!(Minutes::parse(text.replacen("\"revision\":1", "\"revision\":1.0", 1).as_bytes()).is_err());
    assert!(Minutes::parse(text.replacen("\"revision\":1", "\"revision\":-1", 1).as_bytes()).is_err());
    assert!(Minutes::parse(b"\xff\xfe").is_err());
}

#[test]
fn wrapping_figures_are_refused_not_summed() {
    // issue 11 §1: valid = 2^64-1 and one candidate at 2^64-b passed every
    // check modulo 2^64.
    let mut m = sample();
    m.figures.ballots_valid = u64::MAX;
    m.figures.ballots_received = 9; // u64::MAX + 10 wraps to 9
    m.candidates[0].votes = u64::MAX - 1_500;
    let e = review(&m).unwrap_err();
    assert!(e.contains("E15"), "{e}");
}

#[test]
fn impossible_figures_are_refused_as_the_team_would_have() {
    // issue 11 §2: 100,000 ballots received in an area of 620 voters.
    let mut m = sample();
    m.figures.ballots_received = 100_000;
    m.figures.ballots_valid = 99_990;
    assert!(review(&m).unwrap_err().contains("E15"));
    // The same within the bound: E02 (R ≤ I) refuses it.
    let mut m = sample();
    m.figures.ballots_received = 9_000;
    m.figures.ballots_valid = 8_990;
    for c in &mut m.candidates {
        c.percent = Percent::of(c.votes, 8_990).vi();
    }
    m.figures.ballots_by_kept = [("1", 90u64), ("2", 200), ("3", 300)].iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
    let e = review(&m).unwrap_err();
    assert!(e.contains("E02"), "{e}");
    // Invalid grounds summing to 1,040 against 10 invalid ballots (E14).
    let mut m = sample();
    m.figures.invalid_by_reason.insert("ghi_them".into(), 1_030);
    let e = review(&m).unwrap_err();
    assert!(e.contains("E14"), "{e}");
    // A candidate above the valid ballots (E05), the groups off (E06/E07).
    let mut m = sample();
    m.candidates[0].votes = 596;
    m.candidates[0].percent = Percent::of(596, 595).vi();
    let e = review(&m).unwrap_err();
    assert!(e.contains("E05") && e.contains("E07"), "{e}");
    // Issued above the voters who took part (E03).
    let mut m = sample();
    m.figures.voters_voted = 600;
    let e = review(&m).unwrap_err();
    assert!(e.contains("E03"), "{e}");
    // No witnesses (E11), no kiểm kê (E12).
    let mut m = sample();
    m.team.witnesses.clear();
    assert!(review(&m).unwrap_err().contains("E11"));
    let mut m = sample();
    m.inventory = None;
    m.figures.ballots_issued = 0;
    assert!(review(&m).unwrap_err().contains("E12"));
}

#[test]
fn derived_fields_must_be_what_they_derive_from() {
    let mut m = sample();
    m.candidates[1].percent = "99,99".into();
    assert!(m.well_formed().unwrap_err().contains("percent"));
    let mut m = sample();
    m.candidates[1].position = 7;
    assert!(m.well_formed().is_err());
    let mut m = sample();
    m.figures.invalid_by_reason.remove("gach_het");
    assert!(m.well_formed().is_err());
    let mut m = sample();
    m.figures.invalid_by_reason.insert("khac".into(), 0);
    assert!(m.well_formed().is_err());
    let mut m = sample();
    m.figures.ballots_by_kept.insert("4".into(), 0);
    assert!(m.well_formed().is_err());
    let mut m = sample();
    m.figures.ballots_issued = 604;
    assert!(m.well_formed().is_err());
}

#[test]
fn the_definition_decides_area_level_constituency_and_candidates() {
    let d = def();
    let m = sample();
    assert!(m.review(&d, SHA, "X0412-KV02", "QH", &[]).is_err(), "another area");
    assert!(m.review(&d, SHA, "X0412-KV01", "TINH", &[]).is_err(), "another level");
    assert!(m.review(&d, &"cd".repeat(32), "X0412-KV01", "QH", &[]).is_err(), "another definition");
    let mut m2 = sample();
    m2.candidates.swap(0, 1);
    m2.candidates[0].position = 1;
    m2.candidates[1].position = 2;
    assert!(review(&m2).unwrap_err().contains("A01"));
    let mut m3 = sample();
    m3.constituency.seats = 2;
    assert!(review(&m3).is_err());
    // A witness who is a candidate of the area (E11).
    let mut m4 = sample();
    m4.team.witnesses[0] = Witness::Name(d.constituency("XA-03").map(|c| c.candidates[0].name.clone()).unwrap_or_default());
    assert!(review(&m4).unwrap_err().contains("E11"));
}

#[test]
fn warnings_are_returned_for_the_board_to_show() {
    let mut m = sample();
    m.figures.voters_voted = 700; // above listed: W08, accepted by the team
    m.figures.ballots_issued = 605;
    let w = review(&m).unwrap();
    assert!(w.iter().any(|c| c.code == "W08" && c.severity == Severity::Warning), "{w:?}");
    // W05 across levels of the same area.
    let mut tinh = sample();
    tinh.level = LevelRef { code: "TINH".into(), name: "x".into() };
    let w = sample().review(&def(), SHA, "X0412-KV01", "QH", &[&tinh]).unwrap();
    assert!(w.iter().any(|c| c.code == "W05"), "{w:?}");
}

/// The canonical bytes of the minutes document are pinned (issue 12 §9):
/// a change of the format is a new format, never a silent change of the
/// bytes that bundles already made were signed over.
#[test]
fn canonical_bytes_are_pinned_by_golden_files() {
    let v2 = sample().to_canonical();
    let golden_v2 = include_str!("golden-v2.json").trim_end();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/src/minutes/golden-v2.json"), format!("{v2}\n"));
    } else {
        assert_eq!(v2, golden_v2, "the canonical bytes of format 2 changed");
    }
    // A format-1 document (bundles made before the 2026 paper facts) still
    // reads, and writes back to the very same bytes.
    let v1 = include_str!("golden-v1.json").trim_end();
    let m = Minutes::parse(v1.as_bytes()).unwrap();
    assert_eq!(m.format, FORMAT_V1);
    assert_eq!(m.to_canonical(), v1);
    assert_eq!(m.witness_names(), vec!["Hoàng Văn Chứng".to_owned(), "Đỗ Thị Kiến".to_owned()]);
    assert!(review(&m).is_ok());
    // Format 1 cannot carry format 2's fields.
    let mixed = v1.replacen("\"revision\":1", "\"closing_time\":\"19:00\",\"revision\":1", 1);
    assert!(Minutes::parse(mixed.as_bytes()).is_err());
}

#[test]
fn e02_is_carried_only_with_an_explanation_in_the_document() {
    let mut m = sample();
    m.figures.ballots_received = 610;
    m.figures.ballots_valid = 600;
    m.figures.ballots_by_kept.insert("1".into(), 100);
    m.candidates[4].votes = 70;
    m.candidates[4].percent = Percent::of(70, 600).vi();
    for c in &mut m.candidates {
        c.percent = Percent::of(c.votes, 600).vi();
    }
    assert!(review(&m).unwrap_err().contains("E02"));
    m.explanations.push(Explanation { code: "E02".into(), reason: "Đã kiểm lại hai lần; 5 phiếu của hòm phụ".into() });
    assert!(review(&m).is_ok());
    m.explanations[0].code = "E01".into();
    assert!(m.well_formed().is_err(), "only E02/E03 can be carried");
}

/// Issue 15 item 5: warnings the Tổ trưởng accepted travel in the signed
/// document with their reasons; a format-2 document without them keeps its
/// bytes (the golden file) and format 1 cannot carry them.
#[test]
fn accepted_warnings_travel_in_the_document() {
    let golden = include_str!("golden-v2.json").trim_end();
    let m = Minutes::parse(golden.as_bytes()).unwrap();
    assert!(m.accepted.is_empty());
    assert_eq!(m.to_canonical(), golden, "an earlier format-2 document re-serializes byte for byte");
    let mut m = sample();
    m.accepted.push(Explanation { code: "W01".into(), reason: "Cả Tổ đã xem lại từng phiếu".into() });
    let text = m.to_canonical();
    assert!(text.contains("\"accepted\":[{\"code\":\"W01\",\"reason\":\"Cả Tổ đã xem lại từng phiếu\"}]"), "{text}");
    let back = Minutes::parse(text.as_bytes()).unwrap();
    assert_eq!(back.accepted_lines(), vec!["W01: Cả Tổ đã xem lại từng phiếu".to_owned()]);
    assert!(review(&back).is_ok());
    // Only warnings, once each, with a reason.
    for bad in [("E02", "x"), ("W01", " "), ("X1", "x")] {
        let mut m = sample();
        m.accepted.push(Explanation { code: bad.0.into(), reason: bad.1.into() });
        assert!(m.well_formed().is_err(), "{bad:?}");
    }
    let mut twice = sample();
    twice.accepted = vec![Explanation { code: "W02".into(), reason: "a".into() }, Explanation { code: "W02".into(), reason: "b".into() }];
    assert!(twice.well_formed().is_err());
    let v1 = include_str!("golden-v1.json").trim_end();
    let mixed = v1.replacen("\"area\":{", "\"accepted\":[{\"code\":\"W01\",\"reason\":\"x\"}],\"area\":{", 1);
    assert!(Minutes::parse(mixed.as_bytes()).is_err(), "format 1 cannot carry accepted warnings");
}
