//! Helpers shared by the integration tests: the real binary on a temporary store.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures").join(rel)
}

/// A store in a fresh temporary directory, driven through the real binary.
pub struct TestStore {
    pub dir: tempfile::TempDir,
}

impl TestStore {
    pub fn new() -> Self {
        TestStore {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("claimgraph").expect("binary built");
        c.arg("--store").arg(self.path()).current_dir(repo());
        c.env_remove("CLAIMGRAPH_STORE")
            .env_remove("CLAIMGRAPH_BASE");
        c
    }

    /// Imports paths and asserts success.
    pub fn import(&self, paths: &[&Path]) -> String {
        let out = self
            .cmd()
            .arg("import")
            .args(paths)
            .output()
            .expect("run import");
        assert!(
            out.status.success(),
            "import failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn import_seed(&self) -> String {
        self.import(&[&repo().join("data")])
    }

    /// Runs a saved query (with `name=value` params) and returns the JSON result rows as
    /// maps from variable to plain value.
    pub fn rows(&self, query: &str, params: &[&str]) -> Vec<serde_json::Map<String, Value>> {
        let mut c = self.cmd();
        c.args(["query", query, "--format", "json"]);
        for p in params {
            c.args(["--param", p]);
        }
        let out = c.output().expect("run query");
        assert!(
            out.status.success(),
            "query {query} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: Value = serde_json::from_slice(&out.stdout).expect("SPARQL JSON results");
        json["results"]["bindings"]
            .as_array()
            .expect("bindings")
            .iter()
            .map(|b| {
                b.as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v["value"].clone()))
                    .collect()
            })
            .collect()
    }

    /// The number of quads in the store, from `claimgraph stats`.
    pub fn quads(&self) -> usize {
        let out = self.cmd().arg("stats").output().expect("run stats");
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        text.lines()
            .next()
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .expect("quad count")
    }
}

/// The real binary on the store at `store`, as a plain process (for tests that spawn,
/// wait for or kill it).
pub fn claimgraph_at(store: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("claimgraph"));
    c.arg("--store")
        .arg(store)
        .env_remove("CLAIMGRAPH_STORE")
        .env_remove("CLAIMGRAPH_BASE")
        .current_dir(repo());
    c
}

/// Runs the binary on `store`: its exit code (-1 when killed) and stdout then stderr.
pub fn run_at(store: &Path, args: &[&str]) -> (i32, String) {
    let out = claimgraph_at(store)
        .args(args)
        .output()
        .expect("run claimgraph");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The number a one-cell `SELECT (COUNT(...) AS ?n)` query gives on `store`, or the
/// query's error output.
pub fn count_at(store: &Path, query: &str) -> Result<usize, String> {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = claimgraph_at(store)
        .args(["query", "-", "--format", "csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    stdin
        .write_all(query.as_bytes())
        .map_err(|e| e.to_string())?;
    drop(stdin);
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let csv = String::from_utf8_lossy(&out.stdout);
    csv.lines()
        .nth(1)
        .and_then(|l| l.trim().parse().ok())
        .ok_or_else(|| format!("not a count: {csv}"))
}

impl TestStore {
    /// [`count_at`] on this store; panics on a failed query.
    pub fn count(&self, query: &str) -> usize {
        count_at(&self.path(), query).unwrap_or_else(|e| panic!("{query}: {e}"))
    }

    /// [`run_at`] on this store.
    pub fn run(&self, args: &[&str]) -> (i32, String) {
        run_at(&self.path(), args)
    }
}

/// The string value of a column in a row ("" when unbound).
pub fn cell<'a>(row: &'a serde_json::Map<String, Value>, column: &str) -> &'a str {
    row.get(column).and_then(Value::as_str).unwrap_or("")
}

/// The Python interpreter of the test virtualenv (set up by `.ci/test`), or `None`
/// when it is missing and tools are not required (a plain `cargo test` on a
/// developer machine); under `.ci/test` a missing tool is a failure.
pub fn python() -> Option<PathBuf> {
    let candidate = std::env::var_os("CLAIMGRAPH_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv/bin/python"));
    if candidate.exists() {
        return Some(candidate);
    }
    tool_missing("the test virtualenv's python (run `bash .ci/test` once to create .venv)");
    None
}

/// Reports a missing external tool: a failure under `.ci/test`, a skip otherwise.
pub fn tool_missing(what: &str) {
    if std::env::var_os("CLAIMGRAPH_REQUIRE_TOOLS").is_some() {
        panic!("required test tool missing: {what}");
    }
    eprintln!("SKIPPED: {what} is not installed");
}

// ---- The bulk path to a server engine (issue #14): commands that open no store. ----

/// The binary with no store and no engine, run in `dir`: `prepare` needs neither.
pub fn storeless(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("claimgraph").expect("binary built");
    c.current_dir(dir)
        .env_remove("CLAIMGRAPH_STORE")
        .env_remove("CLAIMGRAPH_BASE")
        .env_remove("CLAIMGRAPH_ENDPOINT");
    c
}

/// A command's standard output, after asserting that it succeeded.
pub fn succeeded(out: std::process::Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
