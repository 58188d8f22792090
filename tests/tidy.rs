//! Tidy rules of the source tree (issue 13 §7), checked on every test run:
//! every Rust file says what it is in a `//!` line first, and no module
//! takes its parent's names wholesale (`use super::*` only in tests).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "target" && n != "node_modules") {
                rust_files(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn sources() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for d in ["src-tauri", "tests", "fuzz/fuzz_targets"] {
        rust_files(&root.join(d), &mut out);
    }
    out.sort();
    out
}

#[test]
fn every_rust_file_begins_with_what_it_is() {
    let mut missing = Vec::new();
    for p in sources() {
        // Included into two build scripts with `include!`, where inner
        // doc comments are not allowed.
        if p.ends_with("src-tauri/build_info.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        if !text.lines().find(|l| !l.trim().is_empty()).is_some_and(|l| l.starts_with("//!")) {
            missing.push(p.display().to_string());
        }
    }
    assert!(missing.is_empty(), "files without a //! line first: {missing:#?}");
}

#[test]
fn no_glob_import_of_a_parent_outside_tests() {
    let mut found = Vec::new();
    for p in sources() {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name == "tests.rs" || name.ends_with("_tests.rs") || p.components().any(|c| c.as_os_str() == "tests") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        // A test module's imports are indented; a module's own are not.
        for (i, line) in text.lines().enumerate() {
            if line.starts_with("use super::*") {
                found.push(format!("{}:{}", p.display(), i + 1));
            }
        }
    }
    assert!(found.is_empty(), "`use super::*` outside tests: {found:#?}");
}
