//! The board's day (issue 15) through the real binary: the demo commune's
//! spreadsheets and NIST report read back and compared figure by figure
//! with `results --json` (the NIST report validated against the official
//! schema, its arithmetic checked); a team's own exports; the paper minutes
//! checked against the file; the board's own warning accepted; a tally
//! sheet whose two entries differ settled field by field.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;

use crate::util::{run_on, Cli};

const PASS: &str = "ngựa-vằn-ăn-đậu-phộng-lúc-tám-giờ";

fn ok(db: &Path, args: &[&str]) -> String {
    let o = run_on(db, args, &[("TOBAUCU_PASSPHRASE", Some(PASS))]);
    assert_eq!(o.code, 0, "{args:?}\n{}\n{}", o.stdout, o.stderr);
    o.stdout
}

fn json(db: &Path, args: &[&str]) -> Value {
    let s = ok(db, args);
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {s}"))
}

/// A scratch copy of a demo database (and its bundle store).
fn copy_db(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    let src = crate::bundle::demo().join(name);
    let db = dir.path().join(name);
    for suffix in ["", "-goi", "-wal"] {
        let from = PathBuf::from(format!("{}{suffix}", src.display()));
        if from.exists() {
            std::fs::copy(&from, format!("{}{suffix}", db.display())).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
        }
    }
    db
}

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(crate::util::fixture("nist_err_v2.schema.json")).unwrap_or_default();
    let s: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(s["$schema"], "http://json-schema.org/draft-04/schema#");
    jsonschema::draft4::options().should_validate_formats(true).build(&s).unwrap()
}

fn assert_valid_nist(path: &Path) -> Value {
    let v: Value = serde_json::from_slice(&std::fs::read(path).unwrap_or_default()).unwrap();
    let errors: Vec<String> = schema().iter_errors(&v).take(10).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    v
}

fn num(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// Per constituency: (total row, votes, percents, area rows).
type Blocks = HashMap<String, ([u64; 6], Vec<u64>, Vec<f64>, Vec<[u64; 6]>)>;

fn read_blocks(path: &Path) -> (Blocks, Vec<String>) {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let mut out: Blocks = HashMap::new();
    let names = wb.sheet_names();
    for name in names.iter().filter(|n| n.starts_with("KQ ")) {
        let range = wb.worksheet_range(name).unwrap();
        let mut cur = String::new();
        for row in range.rows() {
            let cell = |c: usize| row.get(c).cloned().unwrap_or(Data::Empty);
            if let Some(id) = text(&cell(12)).strip_prefix("Mã: ") {
                cur = id.to_owned();
                continue;
            }
            if cur.is_empty() {
                continue;
            }
            let figs = [3usize, 4, 6, 7, 8, 9].map(|c| num(&cell(c)).unwrap_or(-1.0) as u64);
            let tail: Vec<f64> = row.iter().skip(10).map_while(num).collect();
            let e = out.entry(cur.clone()).or_default();
            if num(&cell(0)).is_some() {
                e.3.push(figs);
            } else if text(&cell(1)) == "Tổng cộng" {
                e.0 = figs;
                e.1 = tail.iter().map(|v| *v as u64).collect();
            } else if text(&cell(1)).starts_with("Tỷ lệ %") {
                e.2 = tail;
            }
        }
    }
    let sources: Vec<String> = wb.worksheet_range("Nguồn").unwrap().rows().filter_map(|r| r.get(5).map(text)).filter(|s| s.len() == 64).collect();
    (out, sources)
}

#[test]
fn the_demo_communes_exports_read_back_figure_by_figure() {
    let dir = tempfile::tempdir().unwrap();
    let db = copy_db(&dir, "xa-X0412.sqlite");
    let (x, c, n) = (dir.path().join("kq.xlsx"), dir.path().join("kq.csv"), dir.path().join("kq.nist.json"));
    // Together with --json: the files are written, stdout is the results.
    let r = json(&db, &["results", "--json", "--xlsx", &x.display().to_string(), "--csv", &c.display().to_string(), "--nist", &n.display().to_string()]);
    let again = json(&db, &["results", "--json"]);
    assert_eq!(r, again);
    let cons = r["constituencies"].as_object().cloned().unwrap_or_default();
    assert_eq!(cons.len(), 4);
    let u = |v: &Value, k: &str| v[k].as_u64().unwrap_or(u64::MAX);

    // .xlsx, read back with calamine.
    let (blocks, sources) = read_blocks(&x);
    for (id, c) in &cons {
        let (total, votes, pct, areas) = blocks.get(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(*total, ["voters_listed", "voters_voted", "ballots_issued", "ballots_received", "ballots_valid", "ballots_invalid"].map(|k| u(c, k)), "{id}");
        let want: Vec<u64> = c["candidates"].as_array().into_iter().flatten().map(|x| u(x, "votes")).collect();
        assert_eq!(*votes, want, "{id}");
        let want_pct: Vec<f64> = c["candidates"].as_array().into_iter().flatten().map(|x| x["percent"].as_f64().unwrap_or(-1.0)).collect();
        assert_eq!(*pct, want_pct, "{id}");
        assert_eq!(areas.len() as u64, u(c, "areas_reported"));
        // The area rows add up to the total, column by column.
        for k in 0..6 {
            assert_eq!(areas.iter().map(|a| a[k]).sum::<u64>(), total[k], "{id} column {k}");
        }
    }
    // The bundles it was made from: the six teams' files, by full SHA-256.
    // The bundle id: the SHA-256 of its signed manifest (`verify` names it).
    let mut want: Vec<String> = std::fs::read_dir(crate::bundle::demo().join("usb-to"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| json(&db, &["verify", &e.path().display().to_string(), "--json"])["bundle"]["sha256"].as_str().unwrap_or("").to_owned())
        .collect();
    want.sort();
    let mut got = sources.clone();
    got.sort();
    assert_eq!(got, want);

    // .csv: every total and every vote figure.
    let mut rd = csv::Reader::from_path(&c).unwrap();
    let mut compared = 0;
    let mut goi = Vec::new();
    for rec in rd.records() {
        let rec = rec.unwrap();
        let f = |i: usize| rec.get(i).unwrap_or("").to_owned();
        if f(0) == "goi" {
            goi.push(f(6));
        }
        if f(0) != "ket_qua" || f(3) != "TONG" {
            continue;
        }
        let c = &cons[&f(2)];
        let got = f(7);
        let want = match f(4).as_str() {
            "votes" => c["votes"][f(5)].to_string(),
            "percent" => format!("{:.2}", c["percent"][f(5)].as_f64().unwrap_or(-1.0)),
            k if k.starts_with("invalid.") => c["invalid_by_reason"][&k[8..]].to_string(),
            "complete" => (if c["complete"] == true { "1" } else { "0" }).to_owned(),
            "elected" => {
                assert!(c["elected"].as_array().into_iter().flatten().any(|e| e == f(5).as_str()));
                "1".into()
            }
            k if c.get(k).is_some() => c[k].to_string(),
            _ => continue,
        };
        assert_eq!(got, want, "{} {}", f(2), f(4));
        compared += 1;
    }
    assert!(compared > 60, "{compared}");
    goi.sort();
    assert_eq!(goi, want);

    // NIST: valid against the official schema; arithmetic holds.
    let v = assert_valid_nist(&n);
    assert_eq!(v["Status"], "unofficial-complete");
    assert_eq!(v["IsTest"], false);
    let ids: Vec<&str> = v["ExternalIdentifier"].as_array().into_iter().flatten().filter(|e| e["OtherType"] == "tobaucu-bundle-sha256").filter_map(|e| e["Value"].as_str()).collect();
    assert_eq!(ids.len(), 6);
    assert!(want.iter().all(|s| ids.contains(&s.as_str())));
    let mut contests = 0;
    for e in v["Election"].as_array().into_iter().flatten() {
        let cast: HashMap<String, (u64, u64)> =
            e["BallotCounts"].as_array().into_iter().flatten().map(|b| (b["GpUnitId"].as_str().unwrap_or("").to_owned(), (u(b, "BallotsCast"), u(b, "BallotsRejected")))).collect();
        for k in e["Contest"].as_array().into_iter().flatten() {
            contests += 1;
            let id = k["@id"].as_str().unwrap_or("").trim_start_matches("contest-").to_owned();
            let c = &cons[&id];
            let seats = u(k, "VotesAllowed");
            assert_eq!(seats, u(c, "seats"));
            let mut per_area: HashMap<String, u64> = HashMap::new();
            for (i, s) in k["ContestSelection"].as_array().into_iter().flatten().enumerate() {
                let mut sum = 0;
                for vc in s["VoteCounts"].as_array().into_iter().flatten() {
                    sum += u(vc, "Count");
                    *per_area.entry(vc["GpUnitId"].as_str().unwrap_or("").to_owned()).or_default() += u(vc, "Count");
                }
                assert_eq!(sum, u(&c["candidates"][i], "votes"), "{id} {i}");
            }
            let mut valid = 0;
            for o in k["OtherCounts"].as_array().into_iter().flatten() {
                let gp = o["GpUnitId"].as_str().unwrap_or("");
                let (cast, rejected) = cast[gp];
                valid += cast - rejected;
                assert_eq!(seats * (cast - rejected), per_area[gp] + u(o, "Undervotes"), "{id} {gp}");
            }
            assert_eq!(valid, u(c, "ballots_valid"), "{id}");
        }
        let winners: Vec<String> = e["Candidate"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["PostElectionStatus"] == "winner")
            .filter_map(|c| c["@id"].as_str())
            .map(|s| s.trim_start_matches("cand-").to_owned())
            .collect();
        for w in &winners {
            assert!(cons.values().any(|c| c["elected"].as_array().into_iter().flatten().any(|e| e == w.as_str())), "{w}");
        }
    }
    assert_eq!(contests, 4);
}

#[test]
fn a_team_exports_its_own_figures_per_level() {
    let dir = tempfile::tempdir().unwrap();
    let db = copy_db(&dir, "to-X0412-KV01.sqlite");
    let (x, n) = (dir.path().join("to.xlsx"), dir.path().join("to.nist.json"));
    let r = json(&db, &["results", "--json", "--xlsx", &x.display().to_string(), "--nist", &n.display().to_string()]);
    let (blocks, sources) = read_blocks(&x);
    assert_eq!(sources.len(), 1, "the team's exported bundle");
    for level in ["QH", "TINH", "XA"] {
        let s = &r["levels"][level];
        let id = s["constituency"].as_str().unwrap_or("");
        let (total, votes, _, areas) = &blocks[id];
        assert_eq!(areas.len(), 1);
        assert_eq!(total[4], s["ballots_valid"].as_u64().unwrap_or(0));
        let want: Vec<u64> = s["candidates"].as_array().into_iter().flatten().filter_map(|c| c["votes"].as_u64()).collect();
        assert_eq!(*votes, want, "{level}");
    }
    let v = assert_valid_nist(&n);
    assert_eq!(v["Election"].as_array().map(Vec::len), Some(3));
    assert!(v["GpUnit"].as_array().into_iter().flatten().any(|g| g["Type"] == "precinct"));
    // `results --json` alone stays a board's command.
    assert_eq!(run_on(&db, &["results", "--json"], &[]).code, 1);
}

#[test]
fn paper_minutes_with_a_difference_are_checked_only_once_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let db = copy_db(&dir, "xa-X0412.sqlite");
    let area = ["--area", "X0412-KV02", "--level", "QH"];
    let st = json(&db, &[&["--json", "paper", "status"], &area[..]].concat());
    assert_eq!(st["status"], "file_only");
    // The code printed on the paper: the minutes' own short code.
    let code = st["minutes_code"].as_str().unwrap_or("").to_owned();
    assert_eq!(code.len(), 39);
    // The file's figures, as printed on the Tổ's paper.
    let team = copy_db(&dir, "to-X0412-KV02.sqlite");
    let s = json(&team, &["--json", "count", "summary", "--level", "QH"]);
    let f = |k: &str| s[k].as_u64().unwrap_or(0).to_string();
    let mut votes: Vec<u64> = s["candidates"].as_array().into_iter().flatten().filter_map(|c| c["votes"].as_u64()).collect();
    let paper = |code: &str, votes: &[u64]| -> Vec<String> {
        let v = votes.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
        [
            &["--json", "paper", "check"][..],
            &area[..],
            &[
                "--code",
                code,
                "--listed",
                &f("voters_listed"),
                "--voted",
                &f("voters_voted"),
                "--issued",
                &f("ballots_issued"),
                "--received",
                &f("ballots_received"),
                "--valid",
                &f("ballots_valid"),
                "--invalid",
                &f("ballots_invalid"),
                "--votes",
                &v,
                "--by",
                "Lê Văn Nhập",
            ][..],
        ]
        .concat()
        .iter()
        .map(|x| (*x).to_owned())
        .collect()
    };
    fn args(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    // A code glanced at (the first groups only) is refused; nothing recorded.
    let short: String = code.chars().take(9).collect();
    let o = run_on(&db, &args(&paper(&short, &votes)), &[]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(o.stderr.contains("32 ký tự"), "{}", o.stderr);
    // One digit differs on the paper.
    votes[1] += 9;
    let r = json(&db, &args(&paper(&code.to_lowercase().replace(' ', ""), &votes)));
    assert_eq!(r["status"], "differ");
    let d = &r["differences"][0];
    assert_eq!((d["field"].as_str(), d["second"].as_u64().unwrap_or(0) - d["first"].as_u64().unwrap_or(0)), (Some("votes.2"), 9));
    let status = |db: &Path| -> String {
        let o = run_on(db, &["paper", "status", "--area", "X0412-KV02", "--level", "QH", "--json"], &[]);
        serde_json::from_str::<Value>(&o.stdout).map(|v| v["status"].as_str().unwrap_or("").to_owned()).unwrap_or_default()
    };
    assert_eq!(status(&db), "differ");
    // A reason is required.
    assert_eq!(run_on(&db, &[&["paper", "resolve"][..], &area[..], &["--reason", " "]].concat(), &[]).code, 1);
    let r = json(&db, &[&["--json", "paper", "resolve"][..], &area[..], &["--reason", "Thư ký chép nhầm khi viết bản giấy; Tổ trưởng xác nhận số của tệp"]].concat());
    assert_eq!(r["status"], "agree");
    assert!(r["resolution"].as_str().unwrap_or("").contains("chép nhầm"));
    // Logged; the spreadsheet's status sheet says so.
    let audit = ok(&db, &["audit"]);
    assert!(audit.contains("paper.check") && audit.contains("paper.resolve"), "{audit}");
    let csv_path = dir.path().join("s.csv");
    run_on(&db, &["results", "--csv", &csv_path.display().to_string()], &[]);
    let text = std::fs::read_to_string(&csv_path).unwrap_or_default();
    // QH agrees; the area's other levels were not typed: still "file only".
    assert!(text.contains("tinh_trang,,,X0412-KV02,paper,,Chỉ có tệp,file_only"), "{text}");
    assert!(text.contains("tinh_trang,,,X0412-KV02,paper_note,,đã đối chiếu 1/3 cấp,"), "{text}");
    assert!(text.contains("tinh_trang,,,X0412-KV01,paper,,Chỉ có tệp,file_only"));
}

#[test]
fn the_board_accepts_its_own_warning_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = copy_db(&dir, "xa-X0412.sqlite");
    // An additional vote declared at XA-04: its round waits for the areas (A03).
    ok(&db, &["round", "declare", "--constituency", "XA-04", "--kind", "additional"]);
    let r = json(&db, &["results", "--json"]);
    let a03 = r["constituencies"]["XA-04"]["rounds"][0]["checks"].as_array().into_iter().flatten().find(|k| k["code"] == "A03").cloned().unwrap_or(Value::Null);
    assert_eq!(a03["severity"], "warning");
    assert_eq!(run_on(&db, &["results", "accept", "--constituency", "XA-04", "--code", "A03", "--reason", "x"], &[]).code, 1, "round 1 has no A03");
    assert_eq!(run_on(&db, &["results", "accept", "--constituency", "XA-04", "--code", "A03", "--round", "2", "--reason", " "], &[]).code, 1, "a reason is required");
    let r = json(&db, &["--json", "results", "accept", "--constituency", "XA-04", "--code", "A03", "--round", "2", "--reason", "Ban bầu cử đã báo lịch bầu cử thêm ngày 29/3"]);
    let a03 = r["constituencies"]["XA-04"]["rounds"][0]["checks"].as_array().into_iter().flatten().find(|k| k["code"] == "A03").cloned().unwrap_or(Value::Null);
    assert_eq!(a03["accepted_reason"], "Ban bầu cử đã báo lịch bầu cử thêm ngày 29/3");
    assert!(ok(&db, &["audit"]).contains("results.accept"));
}

#[test]
fn a_tally_sheets_differing_fields_are_settled_one_by_one() {
    let cli = Cli::new();
    cli.env_now("2026-03-15T08:00:00+07:00");
    cli.ok(&["setup", "--demo"]);
    for stt in 1..=10 {
        cli.ok(&["checkin", &stt.to_string()]);
    }
    cli.env_now("2026-03-15T19:30:00+07:00");
    cli.ok(&["team", "--leader", "Nguyễn Văn Tổ", "--secretary", "Lê Thị Ký", "--witness", "Hoàng Văn Chứng", "--witness", "Đỗ Thị Kiến"]);
    let base = ["count", "tally", "--level", "QH", "--received", "10", "--valid", "9", "--invalid", "1", "--groups", "1=9"];
    cli.ok(&[&base[..], &["--entry", "1", "--entered-by", "Lê Thị Một", "--votes", "3,2,2,1,1"]].concat());
    let st = cli.json(&[&["--json"], &base[..], &["--entry", "2", "--entered-by", "Trần Văn Hai", "--votes", "3,4,2,1,3"]].concat());
    assert_eq!(st["agreed"], false);
    let states = |st: &Value| -> Vec<(String, String)> {
        st["fields"].as_array().into_iter().flatten().map(|f| (f["field"].as_str().unwrap_or("").to_owned(), f["state"].as_str().unwrap_or("").to_owned())).collect()
    };
    assert_eq!(states(&st), [("votes.2".to_owned(), "open".to_owned()), ("votes.5".to_owned(), "open".to_owned())]);
    // A field that agrees is not the Tổ trưởng's to pick.
    assert_eq!(cli.run(&["count", "tally", "--level", "QH", "--resolve", "votes.1=2"]).code, 1);
    // Entry 1 was right on votes.2.
    let st = cli.json(&["--json", "count", "tally", "--level", "QH", "--resolve", "votes.2=1", "--by", "Nguyễn Văn Tổ"]);
    assert_eq!(states(&st)[0].1, "settled");
    let s = cli.json(&["--json", "count", "summary", "--level", "QH"]);
    let e10 = s["checks"].as_array().into_iter().flatten().find(|c| c["code"] == "E10").cloned().unwrap_or(Value::Null);
    assert!(e10["message"].as_str().unwrap_or("").contains("1 mục"), "{e10}");
    // votes.5 goes to a third person.
    let st = cli.json(&["--json", "count", "tally", "--level", "QH", "--reenter", "--by", "Nguyễn Văn Tổ"]);
    assert_eq!(states(&st)[1].1, "awaiting_third");
    assert_eq!(st["reentry"][0]["field"], "votes.5");
    // The third person is told which fields to type, never a value.
    let o = cli.run(&["count", "tally", "--level", "QH", "--entry", "3", "--by", "Phạm Thị Ba"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("votes.5") && !o.stderr.contains("lần 1"), "{}", o.stderr);
    // Neither earlier person, and only the fields sent back.
    assert_eq!(cli.run(&["count", "tally", "--level", "QH", "--entry", "3", "--by", "lê thị một", "--field", "votes.5=1"]).code, 1);
    assert_eq!(cli.run(&["count", "tally", "--level", "QH", "--entry", "3", "--by", "Phạm Thị Ba", "--field", "votes.5=1", "--field", "votes.1=3"]).code, 1);
    let out = cli.ok(&["count", "tally", "--level", "QH", "--entry", "3", "--by", "Phạm Thị Ba", "--field", "votes.5=1"]);
    assert!(out.contains("số liệu được chấp nhận"), "{out}");
    let s = cli.json(&["--json", "count", "summary", "--level", "QH"]);
    assert!(!s["checks"].as_array().into_iter().flatten().any(|c| c["code"] == "E10" || c["code"] == "E13"), "{}", s["checks"]);
    let votes: Vec<u64> = s["candidates"].as_array().into_iter().flatten().filter_map(|c| c["votes"].as_u64()).collect();
    assert_eq!(votes, [3, 2, 2, 1, 1]);
    let audit = cli.ok(&["audit"]);
    assert!(audit.contains("count.tally_decide") && audit.contains("count.tally_third"), "{audit}");
}

#[test]
fn a_warning_the_team_accepted_is_signed_in_its_minutes_and_printed_in_item_7() {
    let cli = Cli::new();
    cli.env_now("2026-03-15T08:00:00+07:00");
    cli.ok(&["setup", "--demo"]);
    for stt in 1..=4 {
        cli.ok(&["checkin", &stt.to_string()]);
    }
    cli.env_now("2026-03-15T19:30:00+07:00");
    cli.ok(&["team", "--leader", "Nguyễn Văn Tổ", "--secretary", "Lê Thị Ký", "--witness", "Hoàng Văn Chứng", "--witness", "Đỗ Thị Kiến"]);
    cli.ok(&["count", "inventory", "--level", "TINH", "--received", "4", "--unused", "0", "--spoiled", "0"]);
    let f = cli.write("t.txt", "1 2 3\n1 2\n3\n-\n");
    cli.ok(&["count", "ballots", "--level", "TINH", &f]);
    cli.ok(&["count", "accept", "--level", "TINH", "--code", "W01", "--reason", "Cả Tổ đã xem lại từng phiếu"]);
    cli.ok(&["finalize", "--level", "TINH"]);
    // The locked document carries it, signed with the figures.
    let conn = rusqlite::Connection::open(cli.db_path()).unwrap();
    let data: String = conn.query_row("SELECT data FROM minutes_revision WHERE level = 'TINH'", [], |r| r.get(0)).unwrap();
    assert!(data.contains(r#""accepted":[{"code":"W01","reason":"Cả Tổ đã xem lại từng phiếu"}]"#), "{data}");
    // Item 7 of the printed minutes.
    let pdf = cli.dir.path().join("bb.pdf");
    cli.ok(&["forms", "minutes", "--level", "TINH", "--out", &pdf.display().to_string()]);
    let text = crate::forms::pdf_text(&pdf).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Cảnh báo W01 đã được Tổ trưởng chấp nhận. Lý do: Cả Tổ đã xem lại từng phiếu"), "{text}");
}
