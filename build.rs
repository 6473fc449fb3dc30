//! Compiles the saved queries (queries/*.rq) and the templates (templates/**) into the
//! binary, so that every command finds the same catalog wherever it runs.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    embed("queries", "rq", &Path::new(&out).join("queries.rs"));
    embed("templates", "", &Path::new(&out).join("templates.rs"));
}

/// Writes `pub static FILES: &[(&str, &str)]` with (relative path, contents) of every
/// file under `dir` whose extension is `ext` (any when empty).
fn embed(dir: &str, ext: &str, target: &Path) {
    println!("cargo:rerun-if-changed={dir}");
    let mut files = Vec::new();
    collect(Path::new(dir), ext, &mut files);
    files.sort();
    let mut code = String::from("pub static FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // Relative to the manifest, not absolute: a target folder shared by two checkouts
        // must not compile one of them from the other's files.
        let from_manifest = f.to_string_lossy().replace('\\', "/");
        writeln!(
            code,
            "    ({rel:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/{from_manifest}\"))),"
        )
        .unwrap();
    }
    code.push_str("];\n");
    std::fs::write(target, code).unwrap();
}

fn collect(dir: &Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, ext, out);
        } else if ext.is_empty() || path.extension().and_then(|e| e.to_str()) == Some(ext) {
            out.push(path);
        }
    }
}
