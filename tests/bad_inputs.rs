//! Issue 5 §4: the bad-input suite. Every case of `tests/bad-inputs/
//! cases.json` (48: election definitions, voter lists, ballots files,
//! bundles) goes through the real CLI; each must be refused with exit 1,
//! a Vietnamese message that names the file and the row, line or field, and
//! leave the database as it was.

use std::path::{Path, PathBuf};

use crate::util::{fixture, Cli, Out};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/bad-inputs")
}

fn run(db: &Path, args: &[&str]) -> Out {
    crate::util::run_on(db, args, &[("TOBAUCU_NOW", None), ("TOBAUCU_PASSPHRASE", None)])
}

/// What a case may not change: the rows that matter to each kind.
fn snapshot(db: &Path, kind: &str) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    let q = match kind {
        "election" => "SELECT (SELECT count(*) FROM unit) || ',' || (SELECT count(*) FROM voter)",
        "voters" => "SELECT (SELECT count(*) FROM voter) || ',' || (SELECT count(*) FROM voter_level) || ',' || (SELECT coalesce(group_concat(name), '') FROM voter)",
        "ballots" => "SELECT (SELECT count(*) FROM ballot) || ',' || (SELECT count(*) FROM ballot_batch)",
        _ => "SELECT (SELECT count(*) FROM bundle) || ',' || (SELECT count(*) FROM area_result) || ',' || (SELECT group_concat(sha256) FROM bundle WHERE superseded_by IS NULL)",
    };
    conn.query_row(q, [], |r| r.get::<_, String>(0)).unwrap_or_else(|e| panic!("{kind}: {e}"))
}

/// A bundle derived from the demo's team bundle of area 1.
fn derived(name: &str, scratch: &Path) -> PathBuf {
    let mut b = std::fs::read(crate::bundle::demo().join("usb-to/X0412-KV01-goi001.tbc")).unwrap();
    let find = |b: &[u8], pat: &[u8]| b.windows(pat.len()).position(|w| w == pat).unwrap_or_else(|| panic!("pattern"));
    match name {
        "@truncated" => b.truncate(b.len() - 1),
        "@member-flip" => {
            let i = b.len() - 10;
            b[i] ^= 0x01;
        }
        "@manifest-flip" => {
            // A digit of the creation time: still a canonical manifest, so
            // only the signature can tell.
            let i = find(&b, b"\"created_at\":\"") + 14 + 18;
            b[i] = if b[i] == b'1' { b'2' } else { b'1' };
        }
        "@extra-bytes" => b.extend_from_slice(b"\0\0\0\0"),
        other => panic!("unknown derived case {other}"),
    }
    let p = scratch.join(format!("X0412-KV01-{}.tbc", &name[1..]));
    std::fs::write(&p, b).unwrap();
    p
}

#[test]
fn every_bad_input_is_refused_with_its_place_named_and_nothing_changed() {
    let cases: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir().join("cases.json")).unwrap_or_default()).unwrap_or_else(|e| panic!("cases.json: {e}"));
    let cases = cases["cases"].as_array().cloned().unwrap_or_default();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let scratch = tempfile::tempdir().unwrap();
    // A team with its list (voters, ballots) and the demo commune (bundles).
    let team = Cli::team();
    team.ok(&["voters", "import", &fixture("mau31.xlsx")]);
    let team_db = PathBuf::from(team.db_path());
    let board_db = scratch.path().join("xa.sqlite");
    std::fs::copy(crate::bundle::demo().join("xa-X0412.sqlite"), &board_db).unwrap();
    let pack = crate::bundle::demo().join("xa-X0412.sqlite-goi");
    if pack.exists() {
        std::fs::copy(&pack, scratch.path().join("xa.sqlite-goi")).unwrap();
    }
    let mut refused = 0;
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    for c in &cases {
        let kind = c["kind"].as_str().unwrap_or("");
        let file = c["file"].as_str().unwrap_or("");
        let path = if file.starts_with('@') { derived(file, scratch.path()) } else { dir().join(kind).join(file) };
        let p = path.display().to_string();
        let (db, args): (PathBuf, Vec<&str>) = match kind {
            "election" => (scratch.path().join(format!("e-{file}.sqlite")), vec!["setup", &p, "--area", "X0412-KV01"]),
            "voters" => (team_db.clone(), vec!["voters", "import", &p]),
            "ballots" => (team_db.clone(), vec!["count", "ballots", "--level", "XA", &p]),
            "bundles" => (board_db.clone(), vec!["import", &p]),
            other => panic!("unknown kind {other}"),
        };
        if kind == "election" {
            // A database that exists but was never set up.
            run(&db, &["audit"]);
        }
        let before = snapshot(&db, kind);
        let o = run(&db, &args);
        let all = format!("{}{}", o.stdout, o.stderr);
        assert_eq!(o.code, 1, "{kind}/{file}: exit {}\n{all}", o.code);
        for e in c["expect"].as_array().into_iter().flatten().filter_map(|e| e.as_str()) {
            assert!(all.contains(e), "{kind}/{file}: message lacks «{e}»:\n{all}");
        }
        assert!(!all.contains("panicked") && !all.contains("lỗi nội bộ"), "{kind}/{file}:\n{all}");
        assert_eq!(snapshot(&db, kind), before, "{kind}/{file} changed the database");
        refused += 1;
        *kinds.entry(kind.to_owned()).or_default() += 1;
    }
    // And the same databases still take good input afterwards.
    assert_eq!(run(&scratch.path().join("e-good.sqlite"), &["setup", &fixture("../../assets/demo-election.json"), "--area", "X0412-KV01"]).code, 0);
    assert_eq!(run(&team_db, &["count", "ballot", "--level", "XA", "1", "2"]).code, 0);
    eprintln!("bad inputs refused cleanly: {refused}/{} ({kinds:?})", cases.len());
}
