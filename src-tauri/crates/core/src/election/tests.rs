//! Tests of the election definition parser (`interfaces.md` §2, `domain.md` §2).

use super::*;

const DEMO: &str = include_str!("../../../../../assets/demo-election.json");

fn problems(json: &str) -> Vec<(String, &'static str)> {
    match parse(json) {
        Ok(_) => Vec::new(),
        Err(d) => d.into_iter().map(|d| (d.path, d.code)).collect(),
    }
}

fn demo_with(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(DEMO).unwrap_or_default();
    edit(&mut v);
    v.to_string()
}

#[test]
fn demo_definition_is_valid() {
    let def = match parse(DEMO) {
        Ok(d) => d,
        Err(e) => panic!("demo election refused: {e:?}"),
    };
    assert_eq!(def.levels.len(), 3);
    assert_eq!(def.levels[0].kind, LevelKind::NationalAssembly);
    assert_eq!(def.levels[2].kind, LevelKind::Council);
    let area = def.area("X0412-KV01").map(|a| a.constituencies.clone()).unwrap_or_default();
    assert_eq!(area.get("XA").map(String::as_str), Some("XA-03"));
    assert_eq!(def.election.mode, Mode::Official);
}

#[test]
fn every_problem_is_reported_with_its_path() {
    let json = demo_with(|v| {
        v["election"]["date"] = "15/03/2026".into();
        v["election"]["colour"] = "đỏ".into();
        v["constituencies"][0]["seats"] = 4.into(); // QH: at most 3 (Art. 10(4))
        v["areas"][0]["constituencies"]["XA"] = "XA-99".into();
        v["levels"][1]["code"] = serde_json::Value::Null;
    });
    let p = problems(&json);
    let paths: Vec<&str> = p.iter().map(|(p, _)| p.as_str()).collect();
    assert!(paths.contains(&"$.election.date"), "{p:?}");
    assert!(paths.contains(&"$.election.colour"), "{p:?}");
    assert!(p.contains(&("$.constituencies[0].seats".into(), "E_SEATS")), "{p:?}");
    assert!(p.contains(&("$.areas[0].constituencies.XA".into(), "E_REF")), "{p:?}");
    assert!(paths.contains(&"$.levels[1].code"), "{p:?}");
    assert!(p.len() >= 5);
}

#[test]
fn unknown_fields_are_refused_not_ignored() {
    let json = demo_with(|v| v["areas"][0]["voters"] = 500.into());
    assert_eq!(problems(&json), vec![("$.areas[0].voters".into(), "E_UNKNOWN_FIELD")]);
}

#[test]
fn one_to_four_levels() {
    let json = demo_with(|v| v["levels"] = serde_json::json!([]));
    assert!(problems(&json).contains(&("$.levels".into(), "E_LEVEL_COUNT")));
    let json = demo_with(|v| {
        let lv = serde_json::json!([
            {"code": "QH", "name": "Quốc hội"}, {"code": "TINH", "name": "HĐND tỉnh"},
            {"code": "HUYEN", "name": "HĐND huyện"}, {"code": "XA", "name": "HĐND xã"},
            {"code": "X5", "name": "thêm"}]);
        v["levels"] = lv;
    });
    assert!(problems(&json).contains(&("$.levels".into(), "E_LEVEL_COUNT")));
}

#[test]
fn minimum_candidates_follow_the_law() {
    // domain.md §2: QH seats+2; HĐND 3 seats +2, 4–5 seats +3, 1–2 seats +1.
    assert_eq!(min_candidates(LevelKind::NationalAssembly, 3), 5);
    assert_eq!(min_candidates(LevelKind::Council, 3), 5);
    assert_eq!(min_candidates(LevelKind::Council, 4), 7);
    assert_eq!(min_candidates(LevelKind::Council, 5), 8);
    assert_eq!(min_candidates(LevelKind::Council, 2), 3);
    let json = demo_with(|v| {
        if let Some(c) = v["constituencies"][2]["candidates"].as_array_mut() {
            c.truncate(7); // XA-03 has 5 seats: needs 8.
        }
    });
    // issue 12 §7: a candidate struck off after publication leaves fewer
    // than the minimum; the definition loads, with a warning.
    assert_eq!(problems(&json), vec![]);
    let def = super::parse(&json).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(def.warnings.iter().map(|w| (w.path.as_str(), w.code)).collect::<Vec<_>>(), vec![("$.constituencies[2].candidates", "W_MIN_CANDIDATES")]);
}

#[test]
fn hdnd_seats_at_most_five() {
    let json = demo_with(|v| v["constituencies"][2]["seats"] = 6.into());
    let p = problems(&json);
    assert!(p.contains(&("$.constituencies[2].seats".into(), "E_SEATS")), "{p:?}");
}

#[test]
fn area_needs_one_constituency_per_level() {
    let json = demo_with(|v| {
        if let Some(m) = v["areas"][1]["constituencies"].as_object_mut() {
            m.remove("TINH");
        }
    });
    assert_eq!(problems(&json), vec![("$.areas[1].constituencies".into(), "E_AREA_LEVEL")]);
    let json = demo_with(|v| v["areas"][1]["constituencies"]["TINH"] = "QH-01".into());
    assert_eq!(problems(&json), vec![("$.areas[1].constituencies.TINH".into(), "E_REF")]);
}

#[test]
fn messages_are_vietnamese() {
    let json = demo_with(|v| v["election"]["mode"] = "real".into());
    let Err(d) = parse(&json) else { panic!("accepted a bad mode") };
    assert!(d[0].message.contains("chính thức"), "{}", d[0].message);
    let Err(d) = parse("{ \"format\": ") else { panic!("accepted broken JSON") };
    assert!(d[0].message.contains("JSON"), "{}", d[0].message);
    assert!(d[0].path.contains("dòng 1"));
}

#[test]
fn text_is_normalised_to_nfc() {
    let json = demo_with(|v| v["constituencies"][0]["candidates"][0]["name"] = "  Nguye\u{302}\u{303}n   Văn  Bình ".into());
    let def = parse(&json).map_err(|e| format!("{e:?}"));
    assert_eq!(def.map(|d| d.constituencies[0].candidates[0].name.clone()), Ok("Nguyễn Văn Bình".into()));
}

#[test]
fn certificate_holders_vote_qh_and_province() {
    // domain.md §3.3: "Holder of a certificate to vote elsewhere: QH + HĐND tỉnh".
    let def = parse(DEMO).map_err(|e| format!("{e:?}"));
    assert_eq!(def.map(|d| d.certificate_levels()), Ok(vec!["QH".to_owned(), "TINH".to_owned()]));
}

#[test]
fn ids_that_could_escape_a_folder_are_refused() {
    // issue 11 §10: `KV/../../x` was accepted by setup and used in a key
    // file's path.
    for bad in ["KV/../../x", "..", ".hidden", "X 1", "X0412\\KV01", "Xã", "", &"A".repeat(65)] {
        assert!(!super::is_safe_id(bad), "{bad:?}");
    }
    for good in ["X0412-KV01", "QH", "TINH-07", "BC2026", "T38", "a.b_c"] {
        assert!(super::is_safe_id(good), "{good}");
    }
    let bad = DEMO.replace("\"X0412-KV01\"", "\"KV/../../x\"");
    let e = super::parse(&bad).unwrap_err();
    assert!(e.iter().any(|d| d.code == "E_ID"), "{e:?}");
}
