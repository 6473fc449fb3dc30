//! Apache Jena's TDB2 command-line tools (Debian's `libapache-jena-java`): the storage
//! and query engine inside Jena Fuseki, run without Fuseki's HTTP server (its jar is not
//! available where the tests run). Each command is `java -cp CLASSPATH tdb2.NAME`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Jena {
    classpath: String,
    /// Holds the resource files the classpath needs (see [`Jena::find`]).
    _resources: tempfile::TempDir,
}

impl Jena {
    /// The tools, or `None` (after `tool_missing`) where Java or Jena is not installed.
    pub fn find() -> Option<Jena> {
        let jars = Command::new("sh")
            .args([
                "-c",
                // The package's jars and those of its dependencies; one SLF4J binding (nop).
                "command -v java >/dev/null && dpkg -s libapache-jena-java >/dev/null 2>&1 && \
                 (echo libapache-jena-java; apt-cache depends libapache-jena-java | awk '/Depends:/{print $2}') \
                 | xargs -n1 dpkg -L 2>/dev/null | grep '^/usr/share/java/.*\\.jar$' \
                 | grep -vE 'log4j|jcl|jul-to|jdk14|slf4j-simple|slf4j-ext|migrator|android|reload4j' | sort -u",
            ])
            .output()
            .ok()
            .filter(|o| o.status.success() && !o.stdout.is_empty());
        let Some(jars) = jars else {
            super::common::tool_missing("Java and Jena (Debian's libapache-jena-java)");
            return None;
        };
        // Debian's jena-core holds a copy of Xerces under `xerces.` without the message
        // files its regular expressions load at start; they are the same as those of the
        // copy under `org.apache.jena.ext.xerces`, so they are put on the classpath
        // where the first copy looks.
        let resources = tempfile::tempdir().unwrap();
        let script = "import sys, zipfile\n\
            z = zipfile.ZipFile('/usr/share/java/jena-core.jar')\n\
            for n in z.namelist():\n\
            \x20   p = 'org/apache/jena/ext/xerces/impl/'\n\
            \x20   if n.startswith(p) and n.endswith('.properties'):\n\
            \x20       out = sys.argv[1] + '/xerces/impl/' + n[len(p):]\n\
            \x20       import os; os.makedirs(os.path.dirname(out), exist_ok=True)\n\
            \x20       open(out, 'wb').write(z.read(n))\n";
        let extracted = Command::new("python3")
            .args(["-c", script])
            .arg(resources.path())
            .status()
            .expect("run python3");
        assert!(extracted.success(), "extracting Xerces' message files");
        let mut classpath = resources.path().display().to_string();
        for jar in String::from_utf8(jars.stdout).unwrap().lines() {
            classpath.push(':');
            classpath.push_str(jar);
        }
        Some(Jena {
            classpath,
            _resources: resources,
        })
    }

    /// Runs `tdb2.{tool}` with `args`; panics with its output when it fails.
    pub fn run(&self, tool: &str, args: &[&str]) -> Output {
        let out = Command::new("java")
            .args(["-Xmx1g", "-cp", &self.classpath, &format!("tdb2.{tool}")])
            .args(args)
            .output()
            .expect("run java");
        assert!(
            out.status.success(),
            "tdb2.{tool} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Loads N-Quads files into a new TDB2 database at `db`, as `tdb2.tdbloader` does.
    pub fn load(&self, db: &Path, files: &[PathBuf]) {
        let mut args = vec![format!("--loc={}", db.display())];
        args.extend(files.iter().map(|f| f.display().to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run("tdbloader", &args);
    }

    /// Applies a SPARQL Update from a file.
    pub fn update(&self, db: &Path, update_file: &Path) {
        self.run(
            "tdbupdate",
            &[
                &format!("--loc={}", db.display()),
                &format!("--update={}", update_file.display()),
            ],
        );
    }

    /// A query's results as SPARQL JSON.
    pub fn query_json(&self, db: &Path, query_file: &Path) -> String {
        let out = self.run(
            "tdbquery",
            &[
                &format!("--loc={}", db.display()),
                "--results=json",
                &format!("--query={}", query_file.display()),
            ],
        );
        String::from_utf8(out.stdout).unwrap()
    }
}
