// Build facts for "Giới thiệu" and `tobaucu --version` (issue 17 §4),
// `include!`d by the build scripts of the CLI (`build.rs`) and the desktop
// shell (`src-tauri/build.rs`): the source commit, read from the git
// directory's files (no git program needed; "không rõ" outside a
// checkout), and the build date — `SOURCE_DATE_EPOCH` when set (a
// reproducible release), else the day of the build (UTC).

/// Emits `TOBAUCU_COMMIT` and `TOBAUCU_BUILD_DATE` for `env!`.
fn emit_build_info() {
    let here = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let commit = find_git_dir(&here).and_then(|(git, common)| head_commit(&git, &common)).unwrap_or_else(|| "không rõ".to_owned());
    println!("cargo:rustc-env=TOBAUCU_COMMIT={commit}");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0));
    let (y, m, d) = civil_from_days(i64::try_from(secs / 86_400).unwrap_or(0));
    println!("cargo:rustc-env=TOBAUCU_BUILD_DATE={y:04}-{m:02}-{d:02}");
}

/// The git directory of the checkout holding `from` and its common
/// directory (they differ in a worktree), with a rerun on each file read.
fn find_git_dir(from: &std::path::Path) -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    let mut dir = Some(from);
    while let Some(d) = dir {
        let dot = d.join(".git");
        if dot.is_dir() {
            return Some((dot.clone(), dot));
        }
        if dot.is_file() {
            println!("cargo:rerun-if-changed={}", dot.display());
            let text = std::fs::read_to_string(&dot).ok()?;
            let git = d.join(text.strip_prefix("gitdir:")?.trim());
            let common = std::fs::read_to_string(git.join("commondir")).ok().map(|c| git.join(c.trim())).unwrap_or_else(|| git.clone());
            return Some((git, common));
        }
        dir = d.parent();
    }
    None
}

/// The commit `HEAD` names: detached, a loose ref, or a packed one.
fn head_commit(git: &std::path::Path, common: &std::path::Path) -> Option<String> {
    let head = git.join("HEAD");
    println!("cargo:rerun-if-changed={}", head.display());
    let text = std::fs::read_to_string(&head).ok()?;
    let text = text.trim();
    let is_hash = |s: &str| s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit());
    let Some(name) = text.strip_prefix("ref:").map(str::trim) else {
        return is_hash(text).then(|| text.to_owned());
    };
    let loose = common.join(name);
    println!("cargo:rerun-if-changed={}", loose.display());
    if let Ok(h) = std::fs::read_to_string(&loose) {
        return is_hash(h.trim()).then(|| h.trim().to_owned());
    }
    let packed = common.join("packed-refs");
    println!("cargo:rerun-if-changed={}", packed.display());
    let packed = std::fs::read_to_string(packed).ok()?;
    packed.lines().filter_map(|l| l.split_once(' ')).find(|(_, r)| *r == name).map(|(h, _)| h.to_owned()).filter(|h| is_hash(h))
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian
/// (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}
