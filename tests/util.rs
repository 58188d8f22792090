//! Test helpers: a scratch directory with its own database, and a runner for
//! the real `tobaucu` binary.

use std::cell::RefCell;
use std::ffi::{OsStr, OsString};
use std::path::PathBuf;
use std::process::Command;

/// True when the tests run the Windows build under Wine
/// (`TOBAUCU_TEST_EXE=<tobaucu.exe>`, `TOBAUCU_TEST_WRAPPER=wine`; set by
/// `tests/windows/run.sh`).
pub fn under_wine() -> bool {
    std::env::var_os("TOBAUCU_TEST_EXE").is_some() && std::env::var("TOBAUCU_TEST_WRAPPER").is_ok_and(|w| w == "wine")
}

/// Skips the calling test under Wine, saying why: `if util::skip_under_wine("…") { return; }`.
pub fn skip_under_wine(reason: &str) -> bool {
    let skip = under_wine();
    if skip {
        eprintln!("SKIPPED under Wine: {reason}");
    }
    skip
}

/// An absolute Linux path as Wine's Windows path (`/a/b` → `Z:\a\b`);
/// `--opt=/a/b` has its value converted; anything else is unchanged.
pub fn win_arg(a: &OsStr) -> OsString {
    let Some(s) = a.to_str() else { return a.to_owned() };
    let conv = |p: &str| format!("Z:{}", p.replace('/', "\\"));
    if s.starts_with('/') {
        return conv(s).into();
    }
    if let Some((k, v)) = s.split_once('=') {
        if k.starts_with("--") && v.starts_with('/') {
            return format!("{k}={}", conv(v)).into();
        }
    }
    a.to_owned()
}

/// A path the program printed, as a path on this machine: under Wine
/// `Z:\a\b` is `/a/b`; anything else is unchanged.
pub fn host_path(printed: &str) -> PathBuf {
    match printed.strip_prefix("Z:").or_else(|| printed.strip_prefix("z:")) {
        Some(rest) if under_wine() => PathBuf::from(rest.replace('\\', "/")),
        _ => PathBuf::from(printed),
    }
}

/// A command running the `tobaucu` under test with `args`: the binary
/// Cargo built, or (opt-in) `wine <TOBAUCU_TEST_EXE>` with Linux paths in
/// the arguments turned into Windows ones.
pub fn tobaucu<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    if under_wine() {
        let mut cmd = Command::new("wine");
        cmd.arg(std::env::var_os("TOBAUCU_TEST_EXE").unwrap_or_default());
        cmd.args(args.into_iter().map(|a| win_arg(a.as_ref())));
        cmd
    } else {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tobaucu"));
        cmd.args(args);
        cmd
    }
}

/// The argument list `--db <db> args…`.
pub fn with_db<'a>(db: &'a OsStr, args: &'a [&'a str]) -> impl Iterator<Item = &'a OsStr> {
    [OsStr::new("--db"), db].into_iter().chain(args.iter().map(OsStr::new))
}

pub fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name).display().to_string()
}

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the real binary on the database at `db`. Each `(name, value)` sets
/// (`Some`) or removes (`None`) an environment variable; `TOBAUCU_DB` is
/// always removed.
pub fn run_on(db: &std::path::Path, args: &[&str], env: &[(&str, Option<&str>)]) -> Out {
    let mut cmd = tobaucu(with_db(db.as_os_str(), args));
    cmd.env_remove("TOBAUCU_DB");
    for (k, v) in env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let o = cmd.output().unwrap_or_else(|e| panic!("run tobaucu: {e}"));
    Out { code: o.status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&o.stdout).into_owned(), stderr: String::from_utf8_lossy(&o.stderr).into_owned() }
}

/// [`run_on`] that expects exit 0; returns stdout.
pub fn ok_on(db: &std::path::Path, args: &[&str], env: &[(&str, Option<&str>)]) -> String {
    let o = run_on(db, args, env);
    assert_eq!(o.code, 0, "tobaucu {args:?}:\n{}\n{}", o.stdout, o.stderr);
    o.stdout
}

/// [`ok_on`], read as one JSON document.
pub fn json_on(db: &std::path::Path, args: &[&str], env: &[(&str, Option<&str>)]) -> serde_json::Value {
    let s = ok_on(db, args, env);
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {s}"))
}

pub struct Cli {
    pub dir: tempfile::TempDir,
    now: RefCell<Option<String>>,
}

impl Cli {
    pub fn new() -> Cli {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        Cli { dir, now: RefCell::new(None) }
    }

    /// A team database set up for the demo election's area 1.
    pub fn team() -> Cli {
        let cli = Cli::new();
        cli.ok(&["setup", &fixture("../../assets/demo-election.json"), "--area", "X0412-KV01"]);
        cli
    }

    pub fn db_path(&self) -> String {
        self.dir.path().join("team.sqlite").display().to_string()
    }

    /// Fixes the clock of later commands (`TOBAUCU_NOW`).
    pub fn env_now(&self, t: &str) {
        *self.now.borrow_mut() = Some(t.to_owned());
    }

    pub fn write(&self, name: &str, text: &str) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("write {name}: {e}"));
        p.display().to_string()
    }

    pub fn run(&self, args: &[&str]) -> Out {
        let db = self.db_path();
        let mut cmd = tobaucu(with_db(OsStr::new(&db), args));
        cmd.env_remove("TOBAUCU_DB");
        match &*self.now.borrow() {
            Some(t) => cmd.env("TOBAUCU_NOW", t),
            None => cmd.env_remove("TOBAUCU_NOW"),
        };
        let out = cmd.output().unwrap_or_else(|e| panic!("run tobaucu: {e}"));
        Out { code: out.status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&out.stdout).into_owned(), stderr: String::from_utf8_lossy(&out.stderr).into_owned() }
    }

    /// Runs and expects exit 0; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.code, 0, "tobaucu {args:?} failed:\n{}\n{}", out.stdout, out.stderr);
        out.stdout
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let s = self.ok(args);
        serde_json::from_str(&s).unwrap_or_else(|e| panic!("tobaucu {args:?}: not JSON ({e}):\n{s}"))
    }
}
