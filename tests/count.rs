//! Counting night through the real binary: kiểm kê, roster, ballots files,
//! tally sheets with double entry, checks, complaints, finalize and
//! revisions. Citations: Luật Bầu cử 85/2015/QH13 Art. 73–75 (counting,
//! minutes), Art. 74 (invalid ballots); `interfaces.md` §1, §4, §5.

use serde_json::Value;

use crate::util::Cli;

/// A demo team database (area 1: QH-01 3/5, TINH-07 3/5, XA-03 5/8) with
/// `n` voters checked in for every level, roster and witnesses recorded.
fn counting_team(n: u32) -> Cli {
    let cli = Cli::new();
    cli.env_now("2026-03-15T08:00:00+07:00");
    cli.ok(&["setup", "--demo"]);
    for stt in 1..=n {
        cli.ok(&["checkin", &stt.to_string()]);
    }
    cli.env_now("2026-03-15T19:30:00+07:00");
    cli.ok(&["team", "--leader", "Nguyễn Văn Tổ", "--secretary", "Lê Thị Ký", "--member", "Trần Văn Một", "--witness", "Hoàng Văn Chứng", "--witness", "Đỗ Thị Kiến"]);
    cli
}

/// Deterministic pseudo-random ballots for a constituency (seats, candidates).
fn ballots(n: usize, seats: u16, cands: u16, seed: u64) -> Vec<String> {
    let mut s = seed;
    let mut next = |m: u64| {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (s >> 33) % m
    };
    (0..n)
        .map(|_| match next(20) {
            0 => "INVALID khong_co_dau".to_owned(),
            1 => "INVALID ghi_them".to_owned(),
            2 => "-".to_owned(),
            3 => (1..=cands).map(|p| p.to_string()).collect::<Vec<_>>().join(" "),
            _ => {
                let k = 1 + next(u64::from(seats)) as usize;
                let mut picked: Vec<u16> = Vec::new();
                while picked.len() < k {
                    let p = 1 + next(u64::from(cands)) as u16;
                    if !picked.contains(&p) {
                        picked.push(p);
                    }
                }
                picked.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(" ")
            }
        })
        .collect()
}

/// An independent hand tally of a ballots file: (valid, invalid, votes per position).
fn hand_tally(lines: &[String], seats: usize, cands: usize) -> (u64, u64, Vec<u64>) {
    let (mut valid, mut invalid, mut votes) = (0, 0, vec![0u64; cands]);
    for l in lines {
        if l.starts_with("INVALID") || l == "-" {
            invalid += 1;
            continue;
        }
        let kept: Vec<usize> = l.split(' ').map(|w| w.parse().unwrap_or(0)).collect();
        if kept.len() > seats {
            invalid += 1;
            continue;
        }
        valid += 1;
        for p in kept {
            votes[p - 1] += 1;
        }
    }
    (valid, invalid, votes)
}

fn u(v: &Value, k: &str) -> u64 {
    v[k].as_u64().unwrap_or(u64::MAX)
}

fn codes(s: &Value) -> Vec<String> {
    s["checks"].as_array().into_iter().flatten().map(|c| c["code"].as_str().unwrap_or("").to_owned()).collect()
}

#[test]
fn whole_night_matches_a_hand_tally_and_locks() {
    let cli = counting_team(40);
    for (level, seats, cands, seed) in [("QH", 3u16, 5u16, 1u64), ("TINH", 3, 5, 2), ("XA", 5, 8, 3)] {
        let t = cli.json(&["--json", "turnout"]);
        let p = u(&t["levels"][level], "voters_voted");
        // Kiểm kê before the box is opened (domain.md §5 step 2).
        cli.ok(&["count", "inventory", "--level", level, "--received", &(p + 10).to_string(), "--unused", "9", "--spoiled", "1"]);
        let lines = ballots(p as usize, seats, cands, seed);
        let half = lines.len() / 2;
        // Two recorders' batches.
        let f1 = cli.write(&format!("{level}-1.txt"), &format!("# {level}, lượt 1\n{}\n", lines[..half].join("\n")));
        let f2 = cli.write(&format!("{level}-2.txt"), &format!("{}\n\n", lines[half..].join("\n")));
        cli.ok(&["count", "ballots", "--level", level, &f1, "--recorder", "Người ghi 1"]);
        cli.ok(&["count", "ballots", "--level", level, &f2, "--recorder", "Người ghi 2"]);
        let s = cli.json(&["--json", "count", "summary", "--level", level]);
        let (valid, invalid, votes) = hand_tally(&lines, seats as usize, cands as usize);
        assert_eq!(u(&s, "voters_listed"), u(&t["levels"][level], "voters_listed"), "{level}");
        assert_eq!(u(&s, "voters_voted"), p);
        assert_eq!(u(&s, "ballots_issued"), p);
        assert_eq!(u(&s, "ballots_received"), p);
        assert_eq!((u(&s, "ballots_valid"), u(&s, "ballots_invalid")), (valid, invalid), "{level}");
        let inv: u64 = s["invalid_by_reason"].as_object().map(|m| m.values().filter_map(Value::as_u64).sum()).unwrap_or(0);
        assert_eq!(inv, invalid);
        for (i, v) in votes.iter().enumerate() {
            let id = format!("{}-{}", s["constituency"].as_str().unwrap_or(""), i + 1);
            assert_eq!(s["votes"][&id].as_u64(), Some(*v), "{level} {id}");
            // Percent of valid ballots, 2 decimals half-up (domain.md §5).
            let expect = ((*v as f64) * 10000.0 / valid as f64 + 0.5).floor() / 100.0;
            assert_eq!(s["percent"][&id].as_f64(), Some(expect), "{level} {id}");
        }
        // Σ votes = Σ k·n_k (tally-sheet rule, domain.md §8).
        let weighted: u64 = s["ballots_by_kept"].as_object().into_iter().flatten().map(|(k, n)| k.parse::<u64>().unwrap_or(0) * n.as_u64().unwrap_or(0)).sum();
        assert_eq!(weighted, votes.iter().sum::<u64>());
        assert!(!codes(&s).iter().any(|c| c.starts_with('E')), "{level}: {:?}", codes(&s));
        let live = cli.json(&["--json", "count", "live", "--level", level]);
        assert_eq!(live["batches"].as_array().map(Vec::len), Some(2));
        assert_eq!(live["batches"][0]["recorder"], "Người ghi 1");
        let r = cli.json(&["--json", "finalize", "--level", level]);
        assert_eq!(r["revision"], 1);
        assert_eq!(r["sha256"].as_str().map(str::len), Some(64));
    }
    // Locked: no more ballots; a correction is a new revision with a reason.
    let extra = cli.write("extra.txt", "1 2\n");
    let out = cli.run(&["count", "ballots", "--level", "XA", &extra]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("đã khóa"), "{}", out.stderr);
    let out = cli.run(&["count", "reopen", "--level", "XA", "--reason", ""]);
    assert_eq!(out.code, 1);
    cli.ok(&["count", "reopen", "--level", "XA", "--reason", "Đếm lại theo đề nghị của Ban bầu cử"]);
    cli.ok(&["count", "undo", "--level", "XA", "--reason", "phiếu đọc nhầm"]);
    let before = cli.json(&["--json", "count", "summary", "--level", "XA"]);
    assert_eq!(before["status"], "draft");
    let xa_p = u(&cli.json(&["--json", "turnout"])["levels"]["XA"], "voters_voted");
    assert_eq!(u(&before, "ballots_received"), xa_p - 1);
    cli.ok(&["count", "ballots", "--level", "XA", &extra]);
    let r = cli.json(&["--json", "finalize", "--level", "XA"]);
    assert_eq!(r["revision"], 2);
    let s = cli.json(&["--json", "count", "summary", "--level", "XA"]);
    let revs = s["revisions"].as_array().cloned().unwrap_or_default();
    assert_eq!(revs.len(), 2, "both revisions stay visible");
    assert_eq!(revs[0]["reopen_reason"], "Đếm lại theo đề nghị của Ban bầu cử");
    assert_eq!(revs[1]["reason"], "Đếm lại theo đề nghị của Ban bầu cử");
    assert_ne!(revs[0]["sha256"], revs[1]["sha256"]);
    assert_eq!(s["minutes_sha256"], revs[1]["sha256"]);
    // The printed minutes carry the short hash on every page.
    let pdf = cli.dir.path().join("xa.pdf");
    let out = cli.json(&["--json", "forms", "minutes", "--level", "XA", "--out", &pdf.display().to_string()]);
    assert!(out["pages"].as_u64().unwrap_or(0) >= 1);
    let text = crate::forms::pdf_text(&pdf);
    let short: String = s["minutes_sha256"].as_str().unwrap_or("")[..16].to_uppercase();
    let grouped = format!("{} {} {} {}", &short[..4], &short[4..8], &short[8..12], &short[12..16]);
    let pages = text.split('\u{c}').filter(|p| !p.trim().is_empty()).count();
    assert_eq!(text.matches(&grouped).count(), pages, "hash on each of {pages} pages");
    assert!(text.contains("Bản số 2"));
    assert!(text.contains("Đếm lại theo đề nghị của Ban bầu cử"));
    // Revision 1 stays printable, saying it was replaced, with its own hash.
    let old = cli.dir.path().join("xa-1.pdf");
    cli.ok(&["forms", "minutes", "--level", "XA", "--revision", "1", "--out", &old.display().to_string()]);
    let t1 = crate::forms::pdf_text(&old);
    assert!(t1.contains("BẢN NÀY ĐÃ ĐƯỢC THAY THẾ BỞI BẢN SỐ 2"), "{t1}");
    let short1 = revs[0]["sha256"].as_str().unwrap_or("")[..4].to_uppercase();
    assert!(t1.contains(&format!("Mã số liệu biên bản: {short1}")) && t1.contains("Bản số 1"));
    let out = cli.run(&["forms", "minutes", "--level", "XA", "--revision", "9", "--out", &old.display().to_string()]);
    assert_eq!(out.code, 1);
    assert_eq!(cli.run(&["forms", "minutes", "--revision", "1", "--out", "x.pdf"]).code, 2);
}

// interfaces.md §4: a malformed line refuses the whole file with its line number.
#[test]
fn bad_ballots_file_changes_nothing() {
    let cli = counting_team(3);
    let f = cli.write("bad.txt", "1 2\n# chú thích\n1 9\nINVALID ly_do_la\n2 2\n3\n");
    let out = cli.run(&["--json", "count", "ballots", "--level", "XA", &f]);
    assert_eq!(out.code, 1);
    let e: Value = serde_json::from_str(&out.stdout).unwrap_or(Value::Null);
    let problems: Vec<String> = e["error"]["problems"].as_array().into_iter().flatten().filter_map(|p| p.as_str().map(str::to_owned)).collect();
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems[0].starts_with("bad.txt, dòng 3:") && problems[0].contains("8 người ứng cử"), "{problems:?}");
    assert!(problems[1].starts_with("bad.txt, dòng 4:") && problems[1].contains("ly_do_la"));
    assert!(problems[2].starts_with("bad.txt, dòng 5:") && problems[2].contains("hai lần"));
    let s = cli.json(&["--json", "count", "summary", "--level", "XA"]);
    assert_eq!(u(&s, "ballots_received"), 0);
    let out = cli.run(&["count", "ballots", "--level", "HĐND", &f]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("không có cấp bầu cử"));
    let bin = cli.dir.path().join("bin.txt");
    std::fs::write(&bin, [b'1', b'\n', 0xff, 0xfe, b'\n']).unwrap_or_default();
    let out = cli.run(&["count", "ballots", "--level", "XA", &bin.display().to_string()]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("dòng 2") && out.stderr.contains("UTF-8"), "{}", out.stderr);
}

// domain.md §5 step 3: witnesses are voters who are not candidates at the area.
#[test]
fn a_candidate_cannot_witness() {
    let cli = counting_team(1);
    // XA-03's first candidate in the demo definition.
    let def: Value = serde_json::from_str(tobaucu_demo_election()).unwrap_or(Value::Null);
    let cand = def["constituencies"].as_array().into_iter().flatten().find(|c| c["id"] == "XA-03").and_then(|c| c["candidates"][0]["name"].as_str()).unwrap_or("").to_owned();
    let folded_lower = cand.to_lowercase();
    let out = cli.run(&["team", "--witness", "Hoàng Văn Chứng", "--witness", &folded_lower]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("người ứng cử"), "{}", out.stderr);
    let t = cli.json(&["--json", "team"]);
    assert_eq!(t["witnesses"][1]["name"], "Đỗ Thị Kiến", "unchanged");
}

fn tobaucu_demo_election() -> &'static str {
    include_str!("../assets/demo-election.json")
}

// checks.md E11, E12: finalize is refused while a blocking error stands.
#[test]
fn finalize_refused_while_errors_stand() {
    let cli = Cli::new();
    cli.ok(&["setup", "--demo"]);
    let out = cli.run(&["--json", "finalize", "--level", "QH"]);
    assert_eq!(out.code, 1);
    let e: Value = serde_json::from_str(&out.stdout).unwrap_or(Value::Null);
    assert_eq!(e["error"]["code"], "CHECKS_FAILED");
    let problems = e["error"]["problems"].to_string();
    assert!(problems.contains("E11") && problems.contains("E12"), "{problems}");
    // Drafts can always be saved: the inventory that does not balance is kept (E09).
    cli.ok(&["count", "inventory", "--level", "QH", "--received", "10", "--unused", "8", "--spoiled", "5"]);
    let s = cli.json(&["--json", "count", "summary", "--level", "QH"]);
    assert!(codes(&s).contains(&"E09".to_owned()));
    assert_eq!(s["status"], "draft");
}

// Double entry of the paper tally sheet (E10, E13).
#[test]
fn tally_sheet_needs_two_agreeing_entries() {
    let cli = counting_team(10);
    cli.ok(&["count", "inventory", "--level", "QH", "--received", "12", "--unused", "2", "--spoiled", "0"]);
    let base = ["count", "tally", "--level", "QH", "--received", "10", "--valid", "9", "--invalid", "1", "--groups", "1=2,2=3,3=4"];
    let mut first: Vec<&str> = base.to_vec();
    first.extend(["--entry", "1", "--votes", "8,6,3,1,2", "--entered-by", "Lê Thị Ký"]);
    cli.ok(&first);
    // The same person may not type the second entry.
    let mut same: Vec<&str> = base.to_vec();
    same.extend(["--entry", "2", "--votes", "8,6,3,1,2", "--entered-by", "le thi ky"]);
    let out = cli.run(&same);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("người khác"), "{}", out.stderr);
    let s = cli.json(&["--json", "count", "summary", "--level", "QH"]);
    assert!(codes(&s).contains(&"E13".to_owned()), "{:?}", codes(&s));
    assert_eq!(s["method"], "tally");
    let mut second: Vec<&str> = base.to_vec();
    second.extend(["--entry", "2", "--votes", "8,6,3,2,1"]);
    let st = cli.json(&[&["--json"], &second[..]].concat());
    assert_eq!(st["agreed"], false);
    let fields: Vec<&str> = st["differences"].as_array().into_iter().flatten().filter_map(|d| d["field"].as_str()).collect();
    assert_eq!(fields, vec!["votes.4", "votes.5"]);
    let s = cli.json(&["--json", "count", "summary", "--level", "QH"]);
    assert!(codes(&s).contains(&"E10".to_owned()));
    let mut again: Vec<&str> = base.to_vec();
    again.extend(["--entry", "2", "--votes", "8,6,3,1,2"]);
    let st = cli.json(&[&["--json"], &again[..]].concat());
    assert_eq!(st["agreed"], true);
    let s = cli.json(&["--json", "count", "summary", "--level", "QH"]);
    assert!(!codes(&s).iter().any(|c| c.starts_with('E')), "{:?}", codes(&s));
    assert_eq!(u(&s, "ballots_valid"), 9);
    assert_eq!(s["votes"]["QH-01-4"], 1);
    // Mixing methods is refused.
    let f = cli.write("qh.txt", "1 2\n");
    assert_eq!(cli.run(&["count", "ballots", "--level", "QH", &f]).code, 1);
}

// checks.md W01: a warning may be accepted with a reason; it does not block.
#[test]
fn warnings_accepted_with_a_reason() {
    let cli = counting_team(4);
    cli.ok(&["count", "inventory", "--level", "TINH", "--received", "4", "--unused", "0", "--spoiled", "0"]);
    let f = cli.write("t.txt", "1 2 3\n1 2\n3\n-\n");
    cli.ok(&["count", "ballots", "--level", "TINH", &f]);
    let s = cli.json(&["--json", "count", "summary", "--level", "TINH"]);
    assert!(codes(&s).contains(&"W01".to_owned()));
    assert_eq!(cli.run(&["count", "accept", "--level", "TINH", "--code", "W01", "--reason", " "]).code, 1);
    assert_eq!(cli.run(&["count", "accept", "--level", "TINH", "--code", "E01", "--reason", "x"]).code, 1);
    let s = cli.json(&["--json", "count", "accept", "--level", "TINH", "--code", "W01", "--reason", "Cả Tổ đã xem lại từng phiếu"]);
    let w01 = s["checks"].as_array().into_iter().flatten().find(|c| c["code"] == "W01").cloned().unwrap_or(Value::Null);
    assert_eq!(w01["accepted"], true);
    assert_eq!(w01["accepted_reason"], "Cả Tổ đã xem lại từng phiếu");
    cli.ok(&["finalize", "--level", "TINH"]);
    let audit = cli.ok(&["audit"]);
    assert!(audit.contains("count.accept") && audit.contains("Cả Tổ đã xem lại từng phiếu"));
}

// Art. 75(2) item 8: complaints recorded, settled or forwarded, and printed.
#[test]
fn complaints_are_recorded_and_printed() {
    let cli = counting_team(2);
    cli.ok(&["complaint", "add", "--content", "Phản ánh có người nhìn cử tri viết phiếu", "--from", "Bà Lê Thị Hạnh"]);
    cli.ok(&["complaint", "add", "--level", "XA", "--content", "Đề nghị kiểm lại phiếu số 12"]);
    cli.ok(&["complaint", "settle", "1", "--outcome", "Tổ đã nhắc nhở, nhắc lại nội quy"]);
    cli.ok(&["complaint", "forward", "2", "--opinion", "Tổ giữ nguyên kết quả"]);
    assert_eq!(cli.run(&["complaint", "settle", "9", "--outcome", "x"]).code, 1);
    let all = cli.json(&["--json", "complaint", "list"]);
    assert_eq!(all[0]["status"], "settled");
    assert_eq!(all[1]["status"], "forwarded");
    let pdf = cli.dir.path().join("xa.pdf");
    cli.ok(&["forms", "minutes", "--level", "XA", "--out", &pdf.display().to_string()]);
    let text = crate::forms::pdf_text(&pdf).split_whitespace().collect::<Vec<_>>().join(" ");
    // Item 6 of Mẫu 23 (NQ 40): the events and complaints with how each was
    // settled; item 7: what was forwarded, with the Tổ's opinion.
    assert!(text.contains("Khiếu nại, tố cáo của Bà Lê Thị Hạnh: Phản ánh có người nhìn cử tri viết phiếu. Tổ bầu cử đã giải quyết: Tổ đã nhắc nhở"), "{text}");
    assert!(text.contains("Khiếu nại, tố cáo chuyển Ban bầu cử: Đề nghị kiểm lại phiếu số 12. Ý kiến của Tổ: Tổ giữ nguyên kết quả"), "{text}");
    assert!(text.contains("BẢN NHÁP"));
    // The QH minutes print only complaints about every level.
    let qh = cli.dir.path().join("qh.pdf");
    cli.ok(&["forms", "minutes", "--level", "QH", "--out", &qh.display().to_string()]);
    let t = crate::forms::pdf_text(&qh);
    assert!(!t.contains("phiếu số 12"));
}

#[test]
fn desk_entry_and_undo_of_the_last_ballot() {
    let cli = counting_team(3);
    let r = cli.json(&["--json", "count", "ballot", "--level", "XA", "3", "1", "5"]);
    assert_eq!(r["ballot"]["seq"], 1);
    assert_eq!(r["ballot"]["kept"], serde_json::json!([1, 3, 5]));
    let r = cli.json(&["--json", "count", "ballot", "--level", "XA", "-"]);
    assert_eq!(r["ballot"]["reason"], "gach_het");
    let r = cli.json(&["--json", "count", "ballot", "--level", "XA", "INVALID", "khong_theo_mau"]);
    assert_eq!(r["live"]["invalid"], 2);
    let r = cli.json(&["--json", "count", "undo", "--level", "XA"]);
    assert_eq!(r["ballot"]["seq"], 3);
    assert_eq!(r["live"]["received"], 2);
    let r = cli.json(&["--json", "count", "ballot", "--level", "XA", "1", "2", "3", "4", "5", "6"]);
    assert_eq!(r["ballot"]["seq"], 4, "sequence numbers are never reused");
    assert_eq!(r["ballot"]["reason"], "qua_so_luong");
    assert_eq!(cli.run(&["count", "ballot", "--level", "XA", "0"]).code, 1);
}

/// The demo definition reshaped to the given levels (1 to 4 are data,
/// `interfaces.md` §2): a 2021-style HUYEN level is added when asked for.
fn definition_with_levels(codes: &[&str]) -> String {
    let mut d: Value = serde_json::from_str(tobaucu_demo_election()).unwrap_or(Value::Null);
    if codes.contains(&"HUYEN") {
        if let Some(l) = d["levels"].as_array_mut() {
            l.insert(2, serde_json::json!({"code": "HUYEN", "name": "Đại biểu HĐND huyện Thiệu Hóa nhiệm kỳ 2021-2026"}));
        }
        let cands: Vec<Value> = ["Lê Văn Một", "Trần Thị Hai", "Phạm Văn Ba", "Hoàng Thị Bốn", "Vũ Văn Năm"]
            .iter()
            .enumerate()
            .map(|(i, n)| serde_json::json!({"id": format!("H-02-{}", i + 1), "name": n, "birth_date": format!("19{}-01-01", 60 + i), "gender": if i % 2 == 0 { "Nam" } else { "Nữ" }}))
            .collect();
        if let Some(c) = d["constituencies"].as_array_mut() {
            c.push(serde_json::json!({"id": "H-02", "level": "HUYEN", "number": 2, "name": "Đơn vị bầu cử số 2", "seats": 3, "candidates": cands}));
        }
        if let Some(areas) = d["areas"].as_array_mut() {
            for a in areas {
                a["constituencies"]["HUYEN"] = Value::from("H-02");
            }
        }
    }
    let keep = |code: &str| codes.contains(&code);
    if let Some(l) = d["levels"].as_array_mut() {
        l.retain(|x| keep(x["code"].as_str().unwrap_or("")));
    }
    if let Some(c) = d["constituencies"].as_array_mut() {
        c.retain(|x| keep(x["level"].as_str().unwrap_or("")));
    }
    if let Some(areas) = d["areas"].as_array_mut() {
        for a in areas {
            if let Some(m) = a["constituencies"].as_object_mut() {
                m.retain(|k, _| keep(k));
            }
        }
    }
    d.to_string()
}

// Levels are data: the same night with 4 levels (2021) and with 1 level.
#[test]
fn one_to_four_levels_count_and_print() {
    for codes in [vec!["QH", "TINH", "HUYEN", "XA"], vec!["XA"]] {
        let cli = Cli::new();
        let def = cli.write("election.json", &definition_with_levels(&codes));
        cli.ok(&["setup", &def, "--area", "X0412-KV01"]);
        let levels = codes.join(" ");
        let csv: String = (1..=6).map(|i| format!("{i},Người Thứ {i},01/01/1980,{},Kinh,,Thôn Một,{levels},\n", if i % 2 == 0 { "Nữ" } else { "Nam" })).collect();
        let f = cli.write("voters.csv", &format!("stt,ho_ten,ngay_sinh,gioi_tinh,dan_toc,can_cuoc,noi_cu_tru,levels,ghi_chu\n{csv}"));
        cli.ok(&["voters", "import", &f]);
        for stt in 1..=6 {
            cli.ok(&["checkin", &stt.to_string()]);
        }
        cli.ok(&["team", "--leader", "Nguyễn Văn Tổ", "--secretary", "Lê Thị Ký", "--witness", "Hoàng Văn Chứng", "--witness", "Đỗ Thị Kiến"]);
        for code in &codes {
            cli.ok(&["count", "inventory", "--level", code, "--received", "8", "--unused", "2", "--spoiled", "0"]);
            let b = cli.write("b.txt", "1 2\n2 3\n1\n3\n1 2 3\n2\n");
            cli.ok(&["count", "ballots", "--level", code, &b]);
            let s = cli.json(&["--json", "count", "summary", "--level", code]);
            assert_eq!(u(&s, "ballots_valid"), 6, "{code}");
            cli.ok(&["finalize", "--level", code]);
        }
        let pdf = cli.dir.path().join("all.pdf");
        cli.ok(&["forms", "minutes", "--out", &pdf.display().to_string()]);
        let text = crate::forms::pdf_text(&pdf);
        for code in &codes {
            assert!(text.contains(&format!("· {code} ·")), "{code} minutes present");
        }
        let vl = cli.dir.path().join("vl.pdf");
        cli.ok(&["forms", "voter-list", "--out", &vl.display().to_string()]);
        let all = crate::forms::pdf_text(&vl);
        // The list itself, before the form's notes (which name "Luật Bầu cử
        // ĐBQH và đại biểu HĐND" whatever the levels).
        let t = all.split("(*) Ghi số thứ tự").next().unwrap_or(&all).to_owned();
        assert!(all.contains("(*) Ghi số thứ tự của khu vực bỏ phiếu."), "{all}");
        assert_eq!(t.contains("HĐND huyện"), codes.contains(&"HUYEN"));
        // NQ 40, Mẫu 31/HĐBC: column (8) "Bầu cử ĐBQH" only when QH is a level.
        assert_eq!(t.contains("ĐBQH"), codes.contains(&"QH"));
        assert!(t.contains("Tổng số cử tri của khu vực bỏ phiếu là: 6 người; trong đó có: 3 Nam; 3 Nữ."), "{t}");
    }
}

// A locked level keeps reporting its locked figures (the paper and the JSON
// never disagree), while a draft level follows the database.
#[test]
fn final_figures_do_not_drift() {
    let cli = counting_team(3);
    for level in ["QH", "XA"] {
        cli.ok(&["count", "inventory", "--level", level, "--received", "5", "--unused", "2", "--spoiled", "0"]);
        let f = cli.write("b.txt", "1\n2\n1 2\n");
        cli.ok(&["count", "ballots", "--level", level, &f]);
    }
    cli.ok(&["finalize", "--level", "XA"]);
    let before = cli.json(&["--json", "count", "summary", "--level", "XA"]);
    cli.ok(&["checkin", "4"]);
    let after = cli.json(&["--json", "count", "summary", "--level", "XA"]);
    assert_eq!(after["voters_voted"], before["voters_voted"]);
    assert_eq!(after["minutes_sha256"], before["minutes_sha256"]);
    assert_eq!(after["votes"], before["votes"]);
    let qh = cli.json(&["--json", "count", "summary", "--level", "QH"]);
    assert_eq!(u(&qh, "voters_voted"), 4);
}

// domain.md §5 Percentages: half-up to 2 decimals, and the parts of one
// whole (valid + invalid) adjusted to add up to 100%: 1/800 = 0,125% → 0,13%,
// so the invalid share prints 99,87% (not 99,88%).
#[test]
fn valid_and_invalid_shares_add_up_to_100() {
    let cli = counting_team(1);
    let mut text = String::from("1\n");
    for _ in 0..799 {
        text.push_str("-\n");
    }
    let f = cli.write("b.txt", &text);
    cli.ok(&["count", "ballots", "--level", "QH", &f]);
    let pdf = cli.dir.path().join("qh.pdf");
    cli.ok(&["forms", "minutes", "--level", "QH", "--out", &pdf.display().to_string()]);
    let t = crate::forms::pdf_text(&pdf).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(t.contains("Số phiếu hợp lệ: 1 phiếu. Tỷ lệ so với tổng số phiếu thu vào: 0,13%"), "{t}");
    assert!(t.contains("Số phiếu không hợp lệ: 799 phiếu. Tỷ lệ so với tổng số phiếu thu vào: 99,87%"), "{t}");
    let s = cli.json(&["--json", "count", "summary", "--level", "QH"]);
    assert_eq!(s["percent"]["QH-01-1"], 100.0);
}

#[test]
fn the_days_facts_are_recorded_checked_and_audited() {
    // issue 12 §2 and interfaces.md: opening, closing, incident add,
    // recommend, and `--address` right after a `--witness`.
    let cli = Cli::team();
    cli.ok(&["voters", "import", &crate::util::fixture("../../assets/demo-voters.csv")]);
    let cand = "Đào Thanh Hà";
    let o = cli.run(&["opening", "--time", "07:00", "--witness", cand, "--witness", "Lê Thị Hòm"]);
    assert_eq!(o.code, 1, "a candidate cannot witness the opening check");
    assert!(o.stderr.contains("người ứng cử"), "{}", o.stderr);
    assert_eq!(cli.run(&["opening", "--time", "07:00", "--witness", "Trần Văn Mở"]).code, 1, "two witnesses");
    assert_eq!(cli.run(&["opening", "--time", "7 giờ", "--witness", "A B", "--witness", "C D"]).code, 1, "a time people can read");
    assert_eq!(cli.run(&["opening", "--time", "07:00", "--address", "Thôn 1", "--witness", "A B", "--witness", "C D"]).code, 2, "an address before any witness");
    let f = cli.json(&["--json", "opening", "--time", "6:55", "--witness", "Trần Văn Mở", "--address", "Thôn Chẩn Xuyên 1", "--witness", "Lê Thị Hòm"]);
    assert_eq!(f["opening_time"], "06:55");
    assert_eq!(f["opening_witnesses"][0]["address"], "Thôn Chẩn Xuyên 1");
    assert_eq!(f["opening_witnesses"][1]["address"], serde_json::Value::Null);
    let i = cli.json(&["--json", "incident", "add", "--what", "Mất điện", "--time", "10:05", "--handled", "Dùng danh sách giấy"]);
    assert_eq!(i["id"], 1);
    assert_eq!(cli.run(&["incident", "add", "--what", "  "]).code, 1);
    cli.ok(&["recommend", "Đề nghị thêm đèn"]);
    cli.ok(&["closing", "--time", "19:00"]);
    let t = cli.json(&["--json", "team", "--leader", "A", "--secretary", "B", "--witness", "Hoàng Văn Chứng", "--address", "Thôn 2", "--witness", "Đỗ Thị Kiến"]);
    assert_eq!(t["witnesses"][0]["address"], "Thôn 2");
    let audit = cli.ok(&["audit"]);
    for a in ["day.opening", "day.incident", "day.recommend", "day.closing"] {
        assert!(audit.contains(a), "{a} in the audit log");
    }
}

#[test]
fn received_above_issued_is_carried_only_after_a_recount_with_an_explanation() {
    // issue 12 §7: E02 stays blocking until a recount is recorded; then the
    // Tổ trưởng may carry it into the minutes with a written explanation,
    // printed in item 7, and the board accepts those minutes.
    let cli = Cli::team();
    cli.ok(&["voters", "import", &crate::util::fixture("../../assets/demo-voters.csv")]);
    for stt in 1..=10u32 {
        cli.ok(&["checkin", &stt.to_string(), "--levels", "QH"]);
    }
    cli.ok(&["team", "--leader", "Nguyễn Văn Tổ", "--secretary", "Lê Thị Ký", "--witness", "Hoàng Văn Chứng", "--witness", "Đỗ Thị Kiến"]);
    cli.ok(&["count", "inventory", "--level", "QH", "--received", "20", "--unused", "10", "--spoiled", "0"]);
    let f = cli.write("qh.txt", &"1 2\n".repeat(11));
    cli.ok(&["count", "ballots", "--level", "QH", &f]);
    let s = cli.json(&["--json", "count", "summary", "--level", "QH"]);
    assert!(s["checks"].as_array().into_iter().flatten().any(|c| c["code"] == "E02"), "{s}");
    assert_eq!(cli.run(&["finalize", "--level", "QH"]).code, 1);
    let early = cli.run(&["count", "accept", "--level", "QH", "--code", "E02", "--reason", "Phiếu của hòm phụ"]);
    assert_eq!(early.code, 1, "not before a recount");
    assert!(early.stderr.contains("kiểm lại"), "{}", early.stderr);
    assert_eq!(cli.run(&["count", "accept", "--level", "QH", "--code", "E01", "--reason", "x"]).code, 1, "E01 is never carried");
    cli.ok(&["count", "recount", "--level", "QH", "--note", "Cả Tổ kiểm lại hai lần"]);
    let s = cli.json(&["--json", "count", "accept", "--level", "QH", "--code", "E02", "--reason", "Một cử tri hòm phụ được phát phiếu nhưng chưa ghi nhận tại bàn"]);
    assert_eq!(s["may_finalize"], true, "{s}");
    cli.ok(&["finalize", "--level", "QH"]);
    let pdf = cli.dir.path().join("qh.pdf");
    cli.ok(&["forms", "minutes", "--level", "QH", "--out", &pdf.display().to_string()]);
    let text = crate::forms::pdf_text(&pdf).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("E02 (số phiếu thu vào nhiều hơn số phiếu phát ra): Một cử tri hòm phụ được phát phiếu nhưng chưa ghi nhận tại bàn"), "{text}");
    let audit = cli.ok(&["audit"]);
    assert!(audit.contains("count.recount") && audit.contains("count.explain"));
}
