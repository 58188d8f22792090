//! The board's day at scale (issue 15): a 10,000-area board's exports read
//! back (the .xlsx with calamine, the .csv, the NIST JSON) and compared
//! figure by figure with the results and with every area's minutes; the
//! status screen and the room screen in one pass over the data.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use serde_json::Value;
use tobaucu_core::minutes::Minutes;

use crate::synthetic;
use crate::{App, UnitChoice, UnitKind};

/// A province board holding `n` areas' minutes, written straight into the
/// database (what an import stores; the import itself is tested and
/// benchmarked elsewhere). Returns the board and every area's documents.
pub(crate) fn board(dir: &std::path::Path, n: usize) -> (App, Vec<Vec<Minutes>>) {
    board_with(dir, n, |_, _| {})
}

/// [`board`], each area's minutes edited by `edit(area index, minutes)`
/// before they are signed.
fn board_with(dir: &std::path::Path, n: usize, edit: impl Fn(usize, &mut Minutes)) -> (App, Vec<Vec<Minutes>>) {
    let text = synthetic::definition(n);
    let def: Value = serde_json::from_str(&text).unwrap();
    let sha = synthetic::sha(&text);
    let mut app = App::open(&dir.join("board.sqlite")).unwrap();
    app.setup(&text, &UnitChoice::Board(UnitKind::Province, "P".into())).unwrap();
    let mut docs: Vec<Vec<Minutes>> = (0..n).map(|i| synthetic::area_minutes(&def, &sha, i)).collect();
    for (i, area) in docs.iter_mut().enumerate() {
        for m in area.iter_mut() {
            edit(i, m);
        }
    }
    synthetic::store_board(&mut app.store, &def, &sha, &docs).unwrap();
    (app, docs)
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

/// One constituency's block as read back from its level's sheet.
#[derive(Debug, Default)]
pub(crate) struct ReadBlock {
    /// (area label, [listed, voted, issued, received, valid, invalid], votes)
    pub lines: Vec<(String, [u64; 6], Vec<u64>)>,
    pub total: [u64; 6],
    pub votes: Vec<u64>,
    pub percent: Vec<f64>,
    pub elected_marks: usize,
}

/// Every constituency block of every "KQ …" sheet, by constituency id.
pub(crate) fn read_xlsx(bytes: &[u8]) -> (HashMap<String, ReadBlock>, Vec<Vec<String>>) {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let names = wb.sheet_names();
    let mut blocks: HashMap<String, ReadBlock> = HashMap::new();
    for name in names.iter().filter(|n| n.starts_with("KQ ")) {
        let range = wb.worksheet_range(name).unwrap();
        let mut cur: Option<String> = None;
        for row in range.rows() {
            let cell = |c: usize| row.get(c).cloned().unwrap_or(Data::Empty);
            let label = text(&cell(1));
            if let Some(id) = text(&cell(12)).strip_prefix("Mã: ") {
                cur = Some(id.to_owned());
                blocks.entry(id.to_owned()).or_default();
                continue;
            }
            let Some(id) = cur.clone() else { continue };
            let b = blocks.entry(id).or_default();
            let figs = |r: &[Data]| -> [u64; 6] {
                let g = |c: usize| r.get(c).and_then(num).unwrap_or(-1.0) as u64;
                [g(3), g(4), g(6), g(7), g(8), g(9)]
            };
            let tail = |r: &[Data]| -> Vec<f64> { r.iter().skip(10).map_while(num).collect() };
            if num(&cell(0)).is_some() {
                b.lines.push((label, figs(row), tail(row).into_iter().map(|v| v as u64).collect()));
            } else if label == "Tổng cộng" {
                b.total = figs(row);
                b.votes = tail(row).into_iter().map(|v| v as u64).collect();
            } else if label.starts_with("Tỷ lệ %") {
                b.percent = tail(row);
            } else if label == "Trúng cử" {
                b.elected_marks = row.iter().skip(10).filter(|d| text(d).contains("Trúng cử")).count();
            }
        }
    }
    let sources = wb.worksheet_range("Nguồn").unwrap().rows().map(|r| r.iter().map(text).collect::<Vec<_>>()).collect();
    (blocks, sources)
}

#[test]
fn exports_of_a_10000_area_board_read_back_figure_by_figure() {
    let n: usize = std::env::var("TOBAUCU_TEST_AREAS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let dir = tempfile::tempdir().unwrap();
    let t = std::time::Instant::now();
    let (app, docs) = board(dir.path(), n);
    eprintln!("board {:?}", t.elapsed());
    let (x, c, j) = (dir.path().join("r.xlsx"), dir.path().join("r.csv"), dir.path().join("r.json"));
    let files = app.export_results(Some(&x), Some(&c), Some(&j)).unwrap();
    assert_eq!(files.len(), 3);
    eprintln!("exports {:?}", t.elapsed());
    let results = app.results().unwrap();
    eprintln!("results {:?}", t.elapsed());
    let by_area: HashMap<(String, String), &Minutes> = docs.iter().flatten().map(|m| ((m.area.id.clone(), m.level.code.clone()), m)).collect();

    // The workbook, figure by figure.
    let (blocks, sources) = read_xlsx(&std::fs::read(&x).unwrap_or_default());
    eprintln!("read xlsx {:?}", t.elapsed());
    assert_eq!(blocks.len(), results.constituencies.len());
    for (id, r) in &results.constituencies {
        let b = blocks.get(id).unwrap_or_else(|| panic!("{id} missing from the workbook"));
        assert_eq!(b.total, [r.voters_listed, r.voters_voted, r.ballots_issued, r.ballots_received, r.ballots_valid, r.ballots_invalid], "{id}");
        assert_eq!(b.votes, r.candidates.iter().map(|k| k.votes).collect::<Vec<_>>(), "{id}");
        assert_eq!(b.percent, r.candidates.iter().map(|k| k.percent).collect::<Vec<_>>(), "{id}");
        assert_eq!(b.elected_marks, r.elected.len(), "{id}");
        assert_eq!(b.lines.len(), usize::try_from(r.areas_reported).unwrap_or(0), "{id}");
        for (label, figs, votes) in &b.lines {
            // "7 — Thôn 1236" → area A1236.
            let area = format!("A{}", label.rsplit(' ').next().unwrap_or(""));
            let m = by_area.get(&(area.clone(), r.level.0.clone())).unwrap_or_else(|| panic!("{area} {}", r.level));
            let f = &m.figures;
            assert_eq!(*figs, [f.voters_listed, f.voters_voted, f.ballots_issued, f.ballots_received, f.ballots_valid, f.ballots_invalid], "{id} {area}");
            assert_eq!(*votes, m.candidates.iter().map(|c| c.votes).collect::<Vec<_>>(), "{id} {area}");
        }
    }
    // Every bundle named, short code and full SHA-256.
    let shas: Vec<&String> = sources.iter().filter_map(|r| r.get(5)).filter(|s| s.len() == 64).collect();
    assert_eq!(shas.len(), n);
    let a0 = tobaucu_store::BundleRead::current_bundle(&app.store, "A0").ok().flatten().map(|b| b.sha256).unwrap_or_default();
    assert!(shas.contains(&&a0), "the bundle of A0 ({a0}) named");

    // The CSV, figure by figure.
    let csv_text = std::fs::read_to_string(&c).unwrap_or_default();
    let mut rd = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let mut seen = 0usize;
    let mut goi = 0usize;
    for rec in rd.records() {
        let rec = rec.unwrap();
        let f = |i: usize| rec.get(i).unwrap_or("").to_owned();
        match f(0).as_str() {
            "goi" => goi += 1,
            "ket_qua" => {
                let v: u64 = f(7).parse().unwrap_or(0);
                let (cid, area, item) = (f(2), f(3), f(4));
                let Some(r) = results.constituencies.get(&cid) else { panic!("{cid}") };
                let want = if area == "TONG" {
                    match item.as_str() {
                        "voters_listed" => Some(r.voters_listed),
                        "ballots_valid" => Some(r.ballots_valid),
                        "ballots_invalid" => Some(r.ballots_invalid),
                        "votes" => r.votes.get(&f(5)).copied(),
                        _ => None,
                    }
                } else {
                    let m = by_area.get(&(area.clone(), r.level.0.clone())).unwrap_or_else(|| panic!("{area}"));
                    match item.as_str() {
                        "voters_listed" => Some(m.figures.voters_listed),
                        "voters_voted" => Some(m.figures.voters_voted),
                        "ballots_received" => Some(m.figures.ballots_received),
                        "ballots_valid" => Some(m.figures.ballots_valid),
                        "votes" => m.candidates.iter().find(|x| x.id == f(5)).map(|x| x.votes),
                        i if i.starts_with("invalid.") => m.figures.invalid_by_reason.get(&i[8..]).copied(),
                        _ => None,
                    }
                };
                if let Some(w) = want {
                    assert_eq!(v, w, "{cid} {area} {item} {}", f(5));
                    seen += 1;
                }
            }
            _ => {}
        }
    }
    assert_eq!(goi, n);
    assert!(seen > n * 3 * 5, "{seen} figures compared");

    // The NIST report: counts per area sum to the results; seats × valid =
    // votes + undervotes in every area.
    let nist: Value = serde_json::from_slice(&std::fs::read(&j).unwrap_or_default()).unwrap();
    check_nist_arithmetic(&nist, &results);
    assert_eq!(nist["ExternalIdentifier"].as_array().map(Vec::len), Some(n + 1));
    // The end-to-end test photographs the room screen of this board.
    if n == 10_000 {
        drop(app);
        let keep = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../target/e2e-data");
        std::fs::create_dir_all(&keep).unwrap();
        for suffix in ["", "-goi"] {
            let from = dir.path().join(format!("board.sqlite{suffix}"));
            if from.exists() {
                std::fs::copy(&from, keep.join(format!("board-10000.sqlite{suffix}"))).unwrap();
            }
        }
    }
}

/// The arithmetic a NIST report must hold against `results --json`.
pub(crate) fn check_nist_arithmetic(nist: &Value, results: &tobaucu_ipc::ResultsDto) {
    let mut contests = 0;
    for e in nist["Election"].as_array().into_iter().flatten() {
        let cast: HashMap<&str, (u64, u64)> = e["BallotCounts"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|b| (b["GpUnitId"].as_str().unwrap_or(""), (b["BallotsCast"].as_u64().unwrap_or(0), b["BallotsRejected"].as_u64().unwrap_or(0))))
            .collect();
        let winners: Vec<&str> = e["Candidate"].as_array().into_iter().flatten().filter(|c| c["PostElectionStatus"] == "winner").filter_map(|c| c["@id"].as_str()).collect();
        for c in e["Contest"].as_array().into_iter().flatten() {
            contests += 1;
            let id = c["@id"].as_str().unwrap_or("").trim_start_matches("contest-");
            let r = results.constituencies.get(id).unwrap_or_else(|| panic!("{id}"));
            let seats = c["VotesAllowed"].as_u64().unwrap_or(0);
            assert_eq!(seats, u64::from(r.seats));
            let mut per_area: HashMap<&str, u64> = HashMap::new();
            for (k, s) in c["ContestSelection"].as_array().into_iter().flatten().enumerate() {
                let counts = s["VoteCounts"].as_array().cloned().unwrap_or_default();
                let total: u64 = counts.iter().map(|v| v["Count"].as_u64().unwrap_or(0)).sum();
                assert_eq!(total, r.candidates[k].votes, "{id} candidate {k}");
                for v in s["VoteCounts"].as_array().into_iter().flatten() {
                    *per_area.entry(v["GpUnitId"].as_str().unwrap_or("")).or_default() += v["Count"].as_u64().unwrap_or(0);
                }
                let cand = s["CandidateIds"][0].as_str().unwrap_or("");
                assert_eq!(winners.contains(&cand), r.elected.iter().any(|x| format!("cand-{x}") == cand), "{id} {cand}");
            }
            for o in c["OtherCounts"].as_array().into_iter().flatten() {
                let gp = o["GpUnitId"].as_str().unwrap_or("");
                let (cast, rejected) = cast.get(gp).copied().unwrap_or((0, 0));
                let under = o["Undervotes"].as_u64().unwrap_or(u64::MAX);
                assert_eq!(seats * (cast - rejected), per_area.get(gp).copied().unwrap_or(0) + under, "{id} {gp}");
            }
        }
    }
    assert_eq!(contests, results.constituencies.len());
}

#[test]
fn the_status_screen_names_accepted_warnings_and_paper_per_area() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = board(dir.path(), 200);
    let s = app.board_status().unwrap();
    assert_eq!(s.areas_reported, 200);
    let a0 = &s.areas[0];
    assert_eq!(a0.paper, Some(tobaucu_ipc::PaperStatus::FileOnly));
    // Area 0 and 97 carry an accepted W01 at every level (synthetic).
    assert_eq!(a0.accepted.len(), 3, "{:?}", a0.accepted);
    assert!(a0.accepted[0].contains("W01: Tổ 0 đã xem lại từng phiếu"), "{:?}", a0.accepted);
    assert!(s.areas[1].accepted.is_empty());
}

#[test]
fn the_room_screen_pages_and_refreshes_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _) = board(dir.path(), 200);
    let q = tobaucu_ipc::RoomQuery { constituency_page: 0, constituencies_per_page: 6, area_page: 1, areas_per_page: 50, waiting_only: false };
    let r = app.room_view(&q).unwrap();
    assert_eq!((r.areas_expected, r.areas_imported, r.areas_waiting), (200, 200, 0));
    assert_eq!(r.area_pages, 4);
    assert_eq!(r.areas.len(), 50);
    assert_eq!(r.areas[0].label, "1. Thôn 50");
    // 20 XA + 1 QH + 2 TINH constituencies, six per page.
    assert_eq!(r.constituencies_total, 23);
    assert_eq!(r.constituency_pages, 4);
    assert_eq!(r.constituencies.len(), 6);
    assert_eq!(r.constituencies_complete, 23);
    let results = app.results().unwrap();
    for c in &r.constituencies {
        let want = &results.constituencies[&c.id];
        assert_eq!(c.elected.len(), want.elected.len(), "{} {:?}", c.id, want.checks);
    }
    assert_eq!(r.levels.iter().map(|l| l.voters_voted).sum::<u64>(), results.constituencies.values().map(|c| c.voters_voted).sum::<u64>());
    // Pages wrap round.
    let again = app.room_view(&tobaucu_ipc::RoomQuery { constituency_page: 4, area_page: 4, ..q.clone() }).unwrap();
    assert_eq!((again.constituency_page, again.area_page), (0, 0));
    // Another connection withdraws area A3's bundle: the next refresh sees it.
    let mut other = App::open(&dir.path().join("board.sqlite")).unwrap();
    other.withdraw_bundle("A3", "Tổ bầu cử báo gói nhầm").unwrap();
    let after = app.room_view(&q).unwrap();
    assert_eq!((after.areas_imported, after.areas_waiting), (199, 1));
}

/// Attack review, finding 1: a Tổ trưởng can accept any warning of its own
/// minutes with its own key. An area listing more voters than the law
/// allows (Art. 11: 300–4,000), or whose turnout warning W03 only the Tổ
/// accepted, is held for the Ban bầu cử: A08 names it, and the minutes that
/// declare the constituency's winners (Mẫu 19/24) wait for the Ban's own
/// acceptance with a reason.
#[test]
fn a08_areas_the_ban_must_review_hold_the_declaration_of_winners() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _) = board_with(dir.path(), 20, |i, m| {
        if i == 5 {
            m.figures.voters_listed = 4_500;
            m.accepted.push(tobaucu_core::minutes::Explanation { code: "W03".into(), reason: "cử tri đi làm ăn xa".into() });
        }
    });
    let def = app.def().unwrap().clone();
    let area = def.area("A5").unwrap_or_else(|| panic!("A5"));
    let results = app.results().unwrap();
    let held: Vec<&String> = area.constituencies.values().collect();
    for (id, c) in &results.constituencies {
        let a08 = c.checks.iter().find(|k| k.code == "A08");
        if held.contains(&id) {
            let k = a08.unwrap_or_else(|| panic!("{id}: {:?}", c.checks));
            assert_eq!(k.severity, tobaucu_ipc::Severity::Warning);
            assert!(k.message.contains("khu vực bỏ phiếu số 6") && k.message.contains("4.500 cử tri") && k.message.contains("W03"), "{}", k.message);
        } else {
            assert!(a08.is_none(), "{id}: {:?}", a08);
        }
    }
    let cid = held[0].clone();
    let e = app.board_minutes_parts(Some(&cid)).err().map(|e| e.code());
    assert_eq!(e, Some(crate::ErrorCode::BanReviewRequired));
    // Another constituency's minutes are not held.
    let other = results.constituencies.keys().find(|id| !held.contains(id)).unwrap_or_else(|| panic!("another"));
    assert_eq!(app.board_minutes_parts(Some(other)).map(|p| p.len()).unwrap_or(0), 1);
    // The Ban accepts A08 with its reason: the minutes are made, and say so.
    app.accept_board_warning(&cid, "A08", "Ban bầu cử đã đối chiếu danh sách và biên bản giấy của khu vực số 6", 1).unwrap();
    let parts = app.board_minutes_parts(Some(&cid)).unwrap();
    assert_eq!(parts.len(), 1);
    assert!(parts[0].1.to_string().contains("Ban bầu cử chấp nhận cảnh báo A08"), "{}", parts[0].1);
}
