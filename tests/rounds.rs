//! A later round end to end (issue 12 §6; Luật Bầu cử 85/2015/QH13 as
//! amended by 83/2025/QH15, Art. 79): the demo commune's XA-04 filled 3 of
//! 5 seats, so the board declares an additional vote; its three teams open
//! the round from the board's file, hand out the round's ballot, count it,
//! lock its minutes and export; the board imports them and the round elects
//! by the same majority rule, with its own minutes.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::bundle::{demo, PASS};
use crate::util::{run_on, Out};

fn run(db: &Path, args: &[&str]) -> Out {
    run_on(db, args, &[("TOBAUCU_PASSPHRASE", Some(PASS)), ("TOBAUCU_NOW", None)])
}

fn ok(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    assert_eq!(o.code, 0, "tobaucu {args:?}:\n{}\n{}", o.stdout, o.stderr);
    o.stdout
}

fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

/// A scratch copy of a demo database (with its bundle store).
fn copy_db(dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    for ext in ["", "-goi"] {
        let from = PathBuf::from(format!("{}{ext}", demo().join(name).display()));
        if from.exists() {
            std::fs::copy(&from, PathBuf::from(format!("{}{ext}", to.display()))).unwrap();
        }
    }
    to
}

#[test]
fn an_additional_vote_is_declared_held_by_the_teams_and_decided_by_the_board() {
    let dir = tempfile::tempdir().unwrap();
    let usb = dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let xa = copy_db(dir.path(), "xa-X0412.sqlite");
    let before = json(&xa, &["results", "--json"]);
    let first = &before["constituencies"]["XA-04"];
    assert_eq!(first["additional_vote_due"], true, "{first}");
    let elected_first: Vec<String> = first["elected"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect();
    assert_eq!(elected_first.len(), 3);
    // A re-vote is not due (turnout above half): refused; the additional
    // vote is declared, then written for the teams.
    assert_eq!(run(&xa, &["round", "declare", "--constituency", "XA-04", "--kind", "revote"]).code, 1);
    ok(&xa, &["round", "declare", "--constituency", "XA-04", "--kind", "additional"]);
    let f = json(&xa, &["--json", "round", "file", "--constituency", "XA-04", "--out", &usb.display().to_string()]);
    let file = f["file"].as_str().unwrap_or("").to_owned();
    assert_eq!(f["seats"], 2);
    let round_cands: Vec<String> = f["candidates"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect();
    assert_eq!(round_cands.len(), 5, "only the first round's non-elected candidates");
    assert!(round_cands.iter().all(|c| !elected_first.contains(c)));
    // A team of another constituency cannot open it.
    let kv1 = copy_db(dir.path(), "to-X0412-KV01.sqlite");
    assert_eq!(run(&kv1, &["round", "open", &file]).code, 1);

    let mut bundles = Vec::new();
    for (k, area) in ["X0412-KV04", "X0412-KV05", "X0412-KV06"].iter().enumerate() {
        let team = copy_db(dir.path(), &format!("to-{area}.sqlite"));
        let o = json(&team, &["--json", "round", "open", &file]);
        assert_eq!(o["level"], "XA.v2", "{o}");
        assert_eq!(run(&team, &["round", "open", &file]).code, 1, "opened once");
        // The round's day: voters come again for the round's ballot only.
        let mut voted = 0u32;
        for stt in 1..=300u32 {
            let o = run(&team, &["checkin", &stt.to_string()]);
            if o.code == 0 {
                assert!(o.stdout.contains("XA.v2") && !o.stdout.contains("QH"), "{}", o.stdout);
                voted += 1;
            }
        }
        assert!(voted > 150, "{voted}");
        ok(&team, &["count", "inventory", "--level", "XA.v2", "--received", &(voted + 10).to_string(), "--unused", "10", "--spoiled", "0"]);
        // Positions on the round's ballot: 1..5 (its own candidates).
        let lines: Vec<&str> = vec!["1 2", "1", "2", "1 3", "4 5", "1 2"];
        let mut text = String::new();
        for i in 0..voted {
            text.push_str(lines[(i as usize + k) % lines.len()]);
            text.push('\n');
        }
        let bf = dir.path().join(format!("phieu-{area}.txt"));
        std::fs::write(&bf, text).unwrap();
        ok(&team, &["count", "ballots", "--level", "XA.v2", &bf.display().to_string()]);
        let s = json(&team, &["--json", "count", "summary", "--level", "XA.v2"]);
        for w in s["checks"].as_array().into_iter().flatten().filter(|c| c["severity"] == "warning") {
            ok(&team, &["count", "accept", "--level", "XA.v2", "--code", w["code"].as_str().unwrap_or(""), "--reason", "Tổ đã xem lại"]);
        }
        ok(&team, &["finalize", "--level", "XA.v2"]);
        // Its minutes: Mẫu 23 of the round.
        let pdf = dir.path().join(format!("bb-{area}.pdf"));
        ok(&team, &["forms", "minutes", "--level", "XA.v2", "--out", &pdf.display().to_string()]);
        let t = crate::forms::pdf_text(&pdf).split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(t.contains("(BẦU CỬ THÊM — VÒNG 2)") && t.contains("Số đại biểu Hội đồng nhân dân được ấn định cho đơn vị bầu cử: 2 người") && t.contains("Số người ứng cử: 5 người"), "{t}");
        let out = ok(&team, &["export", "--out", &usb.display().to_string()]);
        bundles.push(out.lines().last().unwrap_or("").to_owned());
    }
    let mut args = vec!["import"];
    args.extend(bundles.iter().map(String::as_str));
    let o = ok(&xa, &args);
    assert_eq!(o.matches("thay cho gói số 1").count(), 3, "{o}");
    let after = json(&xa, &["results", "--json"]);
    let c = &after["constituencies"]["XA-04"];
    assert_eq!(c["elected"].as_array().map(Vec::len), Some(3), "the first round stands: {c}");
    let round = &c["rounds"][0];
    assert_eq!(round["complete"], true, "{c}");
    assert_eq!(round["kind"], "additional");
    let elected_round = round["elected"].as_array().map(Vec::len).unwrap_or(0);
    assert!((1..=2).contains(&elected_round), "{round}");
    assert_eq!(round["additional_vote_due"], false, "never another additional vote: {round}");
    // Its own Ban minutes (Mẫu 24).
    let pdf = dir.path().join("ban.pdf");
    ok(&xa, &["forms", "board-minutes", "--level", "XA-04", "--out", &pdf.display().to_string()]);
    let t = crate::forms::pdf_text(&pdf);
    assert!(t.contains("BẦU CỬ THÊM"), "{t}");
    // Each document carries its own round's facts (Mẫu 24/HĐBC-HĐND, ghi
    // chú (9)–(11)): KV04's first-round complaint is in the first one only.
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let (first, round2) = t.split_at(t.find("(BẦU CỬ THÊM — BIÊN BẢN RIÊNG)").unwrap_or(t.len()));
    assert!(first.contains("ghi sai năm sinh") && !round2.is_empty() && !round2.contains("ghi sai năm sinh"), "{t}");
}

#[test]
fn a_round_the_board_did_not_declare_is_refused_at_the_board() {
    // The round file is not signed: a team that opens a forged one (other
    // candidates) counts a level the board does not know, and the board,
    // whose own declaration decides, refuses its bundle.
    let dir = tempfile::tempdir().unwrap();
    let xa = copy_db(dir.path(), "xa-X0412.sqlite");
    let team = copy_db(dir.path(), "to-X0412-KV04.sqlite");
    let def_sha = tobaucu_core::audit::sha256_hex(&std::fs::read(demo().join("election.json")).unwrap_or_default());
    let forged = serde_json::json!({"format": "tobaucu-round/1", "election_id": "BC2026", "definition_sha256": def_sha, "board": "X0412",
        "constituency": "XA-04", "number": 2, "kind": "additional", "seats": 2, "candidates": ["XA-04-1", "XA-04-2"], "declared_at": "2026-03-20T08:00:00+07:00"});
    let f = dir.path().join("vong-2-XA-04.json");
    std::fs::write(&f, forged.to_string()).unwrap();
    ok(&team, &["round", "open", &f.display().to_string()]);
    for stt in 1..=5u32 {
        let _ = run(&team, &["checkin", &stt.to_string()]);
    }
    ok(&team, &["count", "inventory", "--level", "XA.v2", "--received", "15", "--unused", "10", "--spoiled", "0"]);
    let bf = dir.path().join("p.txt");
    std::fs::write(&bf, "1 2\n1\n2\n1 2\n1\n").unwrap();
    ok(&team, &["count", "ballots", "--level", "XA.v2", &bf.display().to_string()]);
    let s = json(&team, &["--json", "count", "summary", "--level", "XA.v2"]);
    for w in s["checks"].as_array().into_iter().flatten().filter(|c| c["severity"] == "warning") {
        ok(&team, &["count", "accept", "--level", "XA.v2", "--code", w["code"].as_str().unwrap_or(""), "--reason", "x"]);
    }
    ok(&team, &["finalize", "--level", "XA.v2"]);
    let usb = dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let out = ok(&team, &["export", "--out", &usb.display().to_string()]);
    let b = out.lines().last().unwrap_or("").to_owned();
    let o = run(&xa, &["import", &b]);
    assert_eq!(o.code, 1, "no round declared at the board: {}", o.stdout);
    // Declared at the board (with its own, different list): still refused.
    ok(&xa, &["round", "declare", "--constituency", "XA-04", "--kind", "additional"]);
    let o = run(&xa, &["import", &b]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(o.stdout.contains("A01") || o.stdout.contains("người ứng cử"), "{}", o.stdout);
}
