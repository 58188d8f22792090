//! Test helpers: a scratch directory with its own database, and a runner for
//! the real `tobaucu` binary.

use std::cell::RefCell;
use std::path::PathBuf;
use std::process::Command;

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
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tobaucu"));
    cmd.arg("--db").arg(db).args(args).env_remove("TOBAUCU_DB");
    for (k, v) in env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let o = cmd.output().unwrap_or_else(|e| panic!("run tobaucu: {e}"));
    Out { code: o.status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&o.stdout).into_owned(), stderr: String::from_utf8_lossy(&o.stderr).into_owned() }
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
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tobaucu"));
        cmd.arg("--db").arg(self.db_path()).args(args).env_remove("TOBAUCU_DB");
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
