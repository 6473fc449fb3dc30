//! A throwaway OpenLink Virtuoso server for tests: its own data folder, loopback ports,
//! stopped (killed) when dropped. `.ci/test` installs Debian's `virtuoso-opensource-7-bin`.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Virtuoso {
    child: Child,
    _dir: tempfile::TempDir,
    pub http: u16,
    pub sql: u16,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Virtuoso {
    /// Starts a server, or `None` (after `tool_missing`) where Virtuoso is not installed.
    pub fn start() -> Option<Virtuoso> {
        let installed = Command::new("sh")
            .args(["-c", "command -v virtuoso-t && command -v isql-vt"])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            super::common::tool_missing("virtuoso-t (Debian's virtuoso-opensource-7-bin)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let (http, sql) = (free_port(), free_port());
        let d = dir.path().display();
        let ini = format!(
            "[Database]\nDatabaseFile = {d}/v.db\nErrorLogFile = {d}/v.log\nLockFile = {d}/v.lck\n\
             TransactionFile = {d}/v.trx\nxa_persistent_file = {d}/v.pxa\n\
             [TempDatabase]\nDatabaseFile = {d}/t.db\nTransactionFile = {d}/t.trx\n\
             [Parameters]\nServerPort = 127.0.0.1:{sql}\nDirsAllowed = ., {d}\n\
             NumberOfBuffers = 10000\nMaxDirtyBuffers = 6000\n\
             [HTTPServer]\nServerPort = 127.0.0.1:{http}\nServerRoot = {d}\n\
             MaxClientConnections = 4\nServerThreads = 4\n\
             [SPARQL]\nResultSetMaxRows = 100000\nMaxQueryExecutionTime = 30\n"
        );
        std::fs::write(dir.path().join("virtuoso.ini"), ini).unwrap();
        // -f: stay in the foreground, so the test owns the process and kills it.
        let child = Command::new("virtuoso-t")
            .args(["-f", "-c", "virtuoso.ini"])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start virtuoso-t");
        let server = Virtuoso {
            child,
            _dir: dir,
            http,
            sql,
        };
        server.wait_until_ready(Duration::from_secs(90));
        server.sql_exec("GRANT SPARQL_UPDATE TO \"SPARQL\";");
        Some(server)
    }

    pub fn sparql(&self) -> String {
        format!("http://127.0.0.1:{}/sparql", self.http)
    }

    /// The endpoint that asks for Digest credentials (user `dba`, password `dba`).
    pub fn sparql_auth(&self) -> String {
        format!("http://127.0.0.1:{}/sparql-auth", self.http)
    }

    fn wait_until_ready(&self, limit: Duration) {
        let started = Instant::now();
        let probe = format!("{}?query=ASK%7B%7D", self.sparql());
        while started.elapsed() < limit {
            if ureq::get(&probe)
                .timeout(Duration::from_secs(2))
                .call()
                .is_ok()
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        panic!("Virtuoso did not answer within {limit:?}");
    }

    /// The server's own folder: the one place (with `.`) its `DirsAllowed` lets the
    /// bulk loader read from.
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// Loads every `*.nq` file of `folder` (inside [`Self::data_dir`]) with Virtuoso's
    /// bulk loader, as an administrator does: `ld_dir`, `rdf_loader_run`, `checkpoint`.
    /// Triples without a graph would go into `default_graph`.
    pub fn bulk_load(&self, folder: &std::path::Path, default_graph: &str) {
        self.sql_exec(&format!(
            "ld_dir('{}', '*.nq', '{default_graph}'); rdf_loader_run(); checkpoint;",
            folder.display()
        ));
        // A file the loader refused is recorded with its error, not raised.
        let out = Command::new("isql-vt")
            .args([
                &self.sql.to_string(),
                "dba",
                "dba",
                "exec=SELECT COUNT(*) FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;",
            ])
            .output()
            .expect("run isql-vt");
        let text = String::from_utf8_lossy(&out.stdout);
        let errors: Vec<&str> = text
            .lines()
            .filter(|l| l.trim().chars().all(|c| c.is_ascii_digit()) && !l.trim().is_empty())
            .collect();
        assert_eq!(errors, vec!["0"], "the bulk loader refused files: {text}");
    }

    /// Runs SQL through Virtuoso's own client, as an administrator does.
    pub fn sql_exec(&self, sql: &str) {
        let out = Command::new("isql-vt")
            .args([&self.sql.to_string(), "dba", "dba", &format!("exec={sql}")])
            .output()
            .expect("run isql-vt");
        assert!(
            out.status.success(),
            "isql-vt failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Virtuoso {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
