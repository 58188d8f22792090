//! Rehearsal → official (issue 16 §1): the demo chain (a rehearsal at
//! every level) is taken further until every table a team or a board
//! writes holds rows; a team and its commune board then switch to
//! official. One test per table checks that exactly the rehearsal's rows
//! are gone and everything kept is byte for byte what it was; then the
//! team counts officially and its bundle is imported at the official
//! board, while rehearsal and official bundles are refused across.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tobaucu_ipc::{AcceptInput, BoardNoteInput, BoardTeamInput, InventoryInput, PersonDto, TeamInput};
use tobaucu_store::{RehearsalRead, KEPT_TABLES, REHEARSAL_TABLES};

use crate::{App, DEMO_PASSPHRASE};

const PASS: &str = DEMO_PASSPHRASE;
const TEAM: &str = "X0412-KV04";

/// Every row of every table of a database file, as text, by table.
type Snapshot = HashMap<String, Vec<String>>;

fn snapshot(path: &Path) -> Snapshot {
    let conn = rusqlite::Connection::open(path).unwrap();
    let tables: Vec<String> = {
        let mut st = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
    };
    let mut out = Snapshot::new();
    for t in tables {
        // WITHOUT ROWID tables (desk_event) in their key's order.
        let mut st = conn.prepare(&format!("SELECT * FROM {t} ORDER BY rowid")).or_else(|_| conn.prepare(&format!("SELECT * FROM {t} ORDER BY 1, 2"))).unwrap_or_else(|e| panic!("{t}: {e}"));
        let n = st.column_count();
        let rows = st
            .query_map([], |r| {
                let mut cells = Vec::with_capacity(n);
                for i in 0..n {
                    // Text as text (ValueRef's Debug shows its bytes).
                    cells.push(match r.get_ref(i)? {
                        rusqlite::types::ValueRef::Text(t) => format!("Text({:?})", String::from_utf8_lossy(t)),
                        v => format!("{v:?}"),
                    });
                }
                Ok(cells.join("|"))
            })
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        out.insert(t, rows);
    }
    out
}

struct Fixture {
    _dir: tempfile::TempDir,
    /// (team, board) before and right after the switch.
    before: (Snapshot, Snapshot),
    after: (Snapshot, Snapshot),
    /// What happened after the switch.
    official_import: String,
    rehearsal_bundle_at_official_board: Vec<(String, bool)>,
    official_bundle_at_rehearsal_board: Vec<(String, bool)>,
    audit_ok: (bool, bool),
    second_switch: String,
    zero_report: String,
}

fn exec(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn ok<T, E: std::fmt::Display>(what: &str, r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// Built once for every test of this file; a failure is kept (not retried
/// by each test: the build runs the whole demo chain).
fn fixture() -> &'static Fixture {
    static F: OnceLock<Result<Fixture, String>> = OnceLock::new();
    let built = F.get_or_init(|| std::panic::catch_unwind(build).map_err(|e| e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned())).unwrap_or_default()));
    match built {
        Ok(f) => f,
        Err(e) => panic!("building the rehearsal fixture failed: {e}"),
    }
}

fn build() -> Fixture {
    let dir = ok("tempdir", tempfile::tempdir());
    let d = dir.path();
    ok("demo", crate::demo::run(d, PASS, &mut |_| {}));
    let team_db = d.join(format!("to-{TEAM}.sqlite"));
    let board_db = d.join("xa-X0412.sqlite");
    let mut t = ok("team", App::open(&team_db));
    let mut xa = ok("board", App::open(&board_db));
    assert!(t.is_rehearsal() && xa.is_rehearsal(), "the demo is a rehearsal");

    // The rest of a rehearsal day at the team: a snapshot, a correction
    // reopened, a recount, an incident, a recommendation, an outage entered
    // in bulk, a backup, a later round opened (the incident and
    // recommendation, which the app takes only while a level is open, are
    // added by hand below).
    ok("snapshot", t.take_snapshot("11 giờ"));
    ok("reopen", t.reopen("XA", "Diễn tập sửa biên bản", Some(PASS)));
    ok("recount", t.record_recount("XA", "Kiểm lại"));
    let waiting = ok("voters", t.voters_list(false)).into_iter().find(|v| v.voter.checked_in.is_empty()).map(|v| v.voter.stt).unwrap_or_else(|| panic!("a voter not checked in"));
    ok("bulk", t.bulk_checkin("giay.txt", &waiting.to_string(), "00:00", "00:00"));
    let usb = d.join("usb-sao-luu");
    ok("mkdir", std::fs::create_dir_all(&usb));
    ok("backup settings", t.set_backup_settings(Some(&usb.display().to_string()), 15, 8));
    ok("backup", t.backup_now(None));
    // A group of desks made while rehearsing (issue 14): desk 2 checks a
    // voter in and its events are merged here; the switch removes the group.
    let package = ok("desk package", t.desk_package(d, "Bàn 2")).path.unwrap_or_default();
    let mut desk = ok("desk", App::open(&d.join("ban-2.sqlite")));
    ok("desk join", desk.desk_join_file(Path::new(&package)));
    let next = ok("voters", desk.voters_list(false)).into_iter().find(|v| v.voter.checked_in.is_empty()).map(|v| v.voter.stt).unwrap_or_else(|| panic!("a voter not checked in"));
    ok("desk checkin", desk.checkin(next.get(), None, false));
    let events = ok("desk export", desk.desk_export(d));
    ok("desk merge", t.desk_merge_files(&[events.files[0].clone().into()]));
    ok("pairing code", t.desk_new_pairing_code());
    // A refusal as a desk of another group leaves it (the path itself is
    // tested in tests/desks.rs).
    exec(&team_db, "INSERT INTO desk_refusal (at, addr, code, detail) VALUES ('2026-03-15T10:00:00+07:00', '192.168.1.20:47153', 'WRONG_GROUP', 'nhóm khác')");
    // The board: its Ban's meeting and notes, a declared round opened at
    // the team, a withdrawn bundle, a refused one.
    ok(
        "board team",
        xa.set_board_team(&BoardTeamInput {
            constituency: "XA-04".into(), leader: Some("Lê Văn Ban".into()), place: Some("Hội trường".into()), time: Some("08:30".into()), ..Default::default()
        }),
    );
    ok("board note", xa.board_note(&BoardNoteInput { constituency: "XA-04".into(), events: Some("Diễn tập".into()), settled: Some(vec!["Đã giải quyết (diễn tập)".into()]), ..Default::default() }));
    ok("declare", xa.declare_round("XA-04", "additional"));
    let round = ok("round file", xa.write_round_file("XA-04", d));
    ok("open round", t.open_round(Path::new(&round.file.unwrap_or_default())));
    ok("withdraw", xa.withdraw_bundle("X0412-KV01", "Diễn tập rút gói"));
    let bad = d.join("hong.tbc");
    let mut bytes = ok("read", std::fs::read(d.join("usb-to/X0412-KV02-goi001.tbc")));
    let i = bytes.len() / 2;
    bytes[i] ^= 1;
    ok("write", std::fs::write(&bad, &bytes));
    assert_eq!(ok("import bad", xa.import_bundle(&bad, None)).outcome, "refused");
    drop((t, xa));
    // What no call of the app makes on these two databases: filled by hand.
    exec(
        &team_db,
        "INSERT INTO incident (time, what, handled, recorded_at) VALUES ('09:00', 'Diễn tập mất điện', '', 't');
                    INSERT INTO recommendation (text, recorded_at) VALUES ('Diễn tập kiến nghị', 't');
                    INSERT INTO tally_entry (level, entry, data, entered_by, entered_at) VALUES ('XA.v2', 1, '{}', '', 't');
                    INSERT INTO error_explanation (level, code, reason, recorded_at) VALUES ('XA', 'E02', 'x', 't');
                    INSERT OR IGNORE INTO check_acceptance (level, code, reason, accepted_at) VALUES ('QH', 'W04', 'x', 't');
                    INSERT INTO tally_fix (level, field, first, second, action, choice, value, entered_by, at) VALUES ('XA.v2', 'ballots_valid', 1, 2, 'pick', 1, 1, '', 't');",
    );
    exec(&board_db, "INSERT INTO bundle_file (bundle_id, bytes) SELECT min(id), x'00' FROM bundle;
                     INSERT INTO paper_check (id, area_id, level, minutes_sha256, code_typed, figures, differences, entered_by, checked_at) VALUES (1, 'X0412-KV02', 'XA', printf('%064d', 0), 'ABCD', '{}', '[]', '', 't');
                     INSERT INTO paper_resolution (check_id, reason, resolved_at) VALUES (1, 'Diễn tập', 't');
                     INSERT INTO board_acceptance (constituency_id, round, code, reason, accepted_at) VALUES ('XA-04', 1, 'A03', 'Diễn tập', 't');
                     INSERT INTO board_team_complaint (constituency_id, round, area_id, complaint_id, decision, text) VALUES ('XA-04', 1, 'X0412-KV02', 1, 'settled', 'Diễn tập');");

    // A wrong passphrase switches nothing (and is logged).
    let mut t = ok("team", App::open(&team_db));
    assert!(t.switch_to_official(Some("sai-mat-khau")).is_err());
    assert!(t.is_rehearsal());
    drop(t);
    let before = (snapshot(&team_db), snapshot(&board_db));
    for (table, _) in REHEARSAL_TABLES {
        let n = before.0.get(*table).map_or(0, Vec::len) + before.1.get(*table).map_or(0, Vec::len);
        assert!(n > 0, "the rehearsal wrote nothing in {table}: the test would prove nothing for it");
    }
    let mut t = ok("team", App::open(&team_db));
    let mut xa = ok("board", App::open(&board_db));
    let sw = ok("switch team", t.switch_to_official(Some(PASS)));
    assert!(sw.removed.iter().any(|r| r.table == "checkin"));
    ok("switch board", xa.switch_to_official(Some(PASS)));
    assert!(!t.is_rehearsal() && !xa.is_rehearsal());
    let second_switch = t.switch_to_official(Some(PASS)).err().map(|e| e.to_string()).unwrap_or_default();
    drop((t, xa));
    let after = (snapshot(&team_db), snapshot(&board_db));

    // Election day, officially: the same team counts and exports; its
    // official commune imports it.
    let mut t = ok("team", App::open(&team_db));
    let zero = ok("zero report", t.render_form("zero-report", None, None));
    let zero_report = pdf_text(&zero.bytes);
    let voters = ok("voters", t.voters_list(false));
    for v in voters.iter().filter(|v| v.voter.levels.len() == 3).take(6) {
        ok("checkin", t.checkin(v.voter.stt.get(), None, false));
    }
    let person = |n: &str| PersonDto { name: n.into(), address: Some("Thôn 2".into()) };
    ok("team", t.set_team(&TeamInput { witnesses: Some(vec![person("Hoàng Văn Chứng"), person("Đỗ Thị Kiến")]), ..Default::default() }));
    for level in ["QH", "TINH", "XA"] {
        ok("inventory", t.record_inventory(&InventoryInput { level: level.into(), received: 10, unused: 4, spoiled: 0, issued: None }));
        ok("ballots", t.count_ballots_file(level, "phieu.txt", b"1 2\n1 3\n2\n1\n1 2\n3\n", "Thư ký"));
        for w in ok("summary", t.summary(level)).checks.into_iter().filter(|c| c.severity == tobaucu_ipc::Severity::Warning) {
            ok("accept", t.accept_warning(&AcceptInput { level: level.into(), code: w.code, reason: "Số liệu đúng".into() }));
        }
        let errors: Vec<String> = ok("summary", t.summary(level)).checks.into_iter().filter(|c| c.severity == tobaucu_ipc::Severity::Error).map(|c| format!("{} {}", c.code, c.message)).collect();
        assert!(errors.is_empty(), "{level}: {errors:?}");
        ok("finalize", t.finalize(level, Some(PASS)));
    }
    let usb2 = d.join("usb-chinh-thuc");
    ok("mkdir", std::fs::create_dir_all(&usb2));
    let e = ok("export", t.export_bundle(&usb2, Some(PASS)));
    assert!(!e.test_mode);
    let audit_team = ok("audit", t.audit_verify()).ok;
    drop(t);
    let mut xa = ok("board", App::open(&board_db));
    let official_import = ok("import", xa.import_bundle(Path::new(&e.path), None)).outcome;
    let checks = |app: &App, p: &Path| ok("verify", app.verify_bundle(p)).checks.into_iter().map(|c| (c.name, c.ok)).collect::<Vec<_>>();
    let rehearsal_bundle_at_official_board = checks(&xa, &d.join("usb-to/X0412-KV05-goi001.tbc"));
    let audit_board = ok("audit", xa.audit_verify()).ok;
    let tinh = ok("province", App::open(&d.join("tinh-T38.sqlite")));
    assert!(tinh.is_rehearsal());
    let official_bundle_at_rehearsal_board = checks(&tinh, &PathBuf::from(&e.path));
    Fixture { _dir: dir, before, after, official_import, rehearsal_bundle_at_official_board, official_bundle_at_rehearsal_board, audit_ok: (audit_team, audit_board), second_switch, zero_report }
}

/// The text of a PDF (pdftotext; the test is skipped without it).
fn pdf_text(bytes: &[u8]) -> String {
    let dir = ok("tempdir", tempfile::tempdir());
    let p = dir.path().join("z.pdf");
    ok("write", std::fs::write(&p, bytes));
    std::process::Command::new("pdftotext").arg("-layout").arg(&p).arg("-").output().map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default()
}

/// The rows of `table` the switch must remove (its filter), in a snapshot.
fn rehearsal_rows<'s>(s: &'s Snapshot, table: &str) -> Vec<&'s String> {
    let rows: Vec<&String> = s.get(table).map(|v| v.iter().collect()).unwrap_or_default();
    match table {
        // role is the first column: the witnesses of counting night.
        "team_member" => rows.into_iter().filter(|r: &&String| r.starts_with("Text(\"witness\")")).collect(),
        // the round level opened at the team ("XA.v2").
        "voter_level" => rows.into_iter().filter(|r: &&String| r.contains(".v2\")")).collect(),
        _ => rows,
    }
}

fn check_removed(table: &str) {
    let f = fixture();
    for (before, after, who) in [(&f.before.0, &f.after.0, "team"), (&f.before.1, &f.after.1, "board")] {
        assert!(rehearsal_rows(after, table).is_empty(), "{who}: rehearsal rows of {table} left: {:?}", rehearsal_rows(after, table));
        // Anything of the table outside the rehearsal's part is kept.
        let kept_before: Vec<&String> = before.get(table).map(|v| v.iter().filter(|r| !rehearsal_rows(before, table).contains(r)).collect()).unwrap_or_default();
        let kept_after: Vec<&String> = after.get(table).map(|v| v.iter().collect()).unwrap_or_default();
        assert_eq!(kept_before, kept_after, "{who}: {table} outside the rehearsal's rows changed");
    }
}

fn check_kept(table: &str) {
    let f = fixture();
    for (before, after, who) in [(&f.before.0, &f.after.0, "team"), (&f.before.1, &f.after.1, "board")] {
        let b = before.get(table).cloned().unwrap_or_default();
        let a = after.get(table).cloned().unwrap_or_default();
        match table {
            // The log keeps the rehearsal's history and adds the unlock and the switch.
            "audit_log" => {
                assert_eq!(a.len(), b.len() + 2, "{who}: audit_log");
                assert_eq!(a[..b.len()], b[..], "{who}: the rehearsal's log entries are untouched");
                assert!(a.last().is_some_and(|e| e.contains("Text(\"official\")")), "{who}: {:?}", a.last());
            }
            "rehearsal" => {
                assert_eq!(b.len(), 1, "{who}");
                assert!(b[0].contains("Null|Null"), "{who}: rehearsing before: {}", b[0]);
                assert!(a.len() == 1 && !a[0].contains("Null"), "{who}: switched after: {a:?}");
            }
            _ => assert_eq!(a, b, "{who}: {table} must be kept as it was"),
        }
    }
}

macro_rules! per_table {
    ($check:ident: $($table:ident),* $(,)?) => {
        $(
            #[test]
            fn $table() {
                $check(stringify!($table));
            }
        )*
    };
}

/// One test per table the switch clears.
mod removed {
    use super::check_removed;
    per_table!(check_removed: checkin, turnout_snapshot_level, turnout_snapshot, outage, inventory, ballot, ballot_batch, tally_entry,
        complaint, check_acceptance, minutes_reopen, minutes_revision, team_member, voting_time, opening_witness, incident,
        recommendation, recount, error_explanation, bundle_export, backup_run, voter_level, team_round, area_result, bundle_file,
        bundle_packed, lineage, bundle_withdrawal, bundle, bundle_refusal, board_meeting, board_note, board_round, tally_fix, paper_resolution,
        paper_check, board_acceptance, board_team_complaint, desk_event, desk_refusal, desk_pairing, desk_peer, desk_self);
}

/// One test per table the switch keeps.
mod kept {
    use super::check_kept;
    // voter_level: kept but for a rehearsal round's entitlements (its
    // test in `removed` checks that the rest is unchanged).
    per_table!(check_kept: unit, voter, signing_key, registered_key, setting, board_roster, audit_log, schema_migration, rehearsal, official_switch);
}

#[test]
fn every_table_is_either_cleared_or_kept_by_the_switch() {
    let app = ok("app", App::open_in_memory());
    let tables = ok("tables", app.store().table_names());
    let known: Vec<&str> = REHEARSAL_TABLES.iter().map(|(t, _)| *t).chain(KEPT_TABLES.iter().copied()).collect();
    let unknown: Vec<&String> = tables.iter().filter(|t| !known.contains(&t.as_str())).collect();
    assert!(unknown.is_empty(), "tables the switch to official neither clears nor keeps (classify them in tobaucu_store::rehearsal): {unknown:?}");
    // The per-table tests name every one.
    assert_eq!(REHEARSAL_TABLES.len(), 43);
    assert_eq!(KEPT_TABLES.len(), 11);
}

#[test]
fn after_the_switch_an_official_bundle_verifies_at_the_official_board_and_modes_do_not_mix() {
    let f = fixture();
    assert_eq!(f.official_import, "imported");
    assert_eq!(f.audit_ok, (true, true), "audit verify holds on both switched databases");
    let mode = |checks: &[(String, bool)]| checks.iter().find(|c| c.0 == "mode").map(|c| c.1);
    assert_eq!(mode(&f.rehearsal_bundle_at_official_board), Some(false), "{:?}", f.rehearsal_bundle_at_official_board);
    assert_eq!(mode(&f.official_bundle_at_rehearsal_board), Some(false), "{:?}", f.official_bundle_at_rehearsal_board);
    assert!(f.second_switch.contains("chỉ làm một lần"), "{}", f.second_switch);
}

#[test]
fn the_zero_report_after_the_switch_says_everything_is_zero() {
    let f = fixture();
    if f.zero_report.is_empty() {
        return; // no pdftotext here
    }
    let flat = f.zero_report.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("BÁO CÁO SỐ KHÔNG TRƯỚC KHI MỞ HÒM PHIẾU"), "{flat}");
    assert!(flat.contains("Kết luận: ĐẠT: mọi số liệu bằng 0"), "{flat}");
    assert!(!flat.contains("DIỄN TẬP — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"), "an official database prints no rehearsal mark");
}

#[test]
fn drills_refuse_an_official_database_and_write_only_check_ins() {
    let mut app = ok("app", App::open_in_memory());
    ok("setup", app.setup(crate::DEMO_ELECTION, &crate::UnitChoice::Area(crate::DEMO_AREA.into())));
    ok("import", app.import_voters("ds.csv", crate::DEMO_VOTERS_CSV.as_bytes(), &[], false, &mut |_, _| {}));
    let e = app.drill_checkin(10, 0.0, Some(1), &mut |_| {}).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("chế độ diễn tập"), "{e}");

    let mut demo = ok("app", App::open_in_memory());
    ok("demo", demo.setup_demo());
    let r = ok("drill", demo.drill_checkin(40, 0.0, Some(7), &mut |_| {}));
    assert_eq!((r.voters, r.checkins), (40, 40));
    assert_eq!(r.turnout.levels.get("QH").map(|l| l.voters_voted), Some(40));
    let counts = ok("counts", demo.store().activity_counts());
    let written: Vec<&str> = counts.iter().filter(|(_, n)| *n > 0).map(|(t, _)| *t).collect();
    assert_eq!(written, vec!["checkin"], "a check-in drill writes check-ins (and the log) only");
}
