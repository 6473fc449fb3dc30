//! Bounding what a user's input files may cost: regular files only, size caps, paths
//! that stay where they belong, and RDF/XML entity expansion with a ceiling.
//!
//! Everything the importer reads from disk goes through [`read_capped`]: a FIFO named
//! `x.toml` must not hang an import, `/dev/zero` must not fill memory, and a file
//! swapped for something else between a check and the read is caught on the open file
//! itself. [`beside`] resolves a sheet's `text_file` inside the sheet's own folder.
//! [`check_rdfxml_entities`] refuses an RDF/XML document whose `<!ENTITY>`
//! declarations would expand beyond a bound (a "billion laughs") before Oxigraph's
//! parser, which expands them eagerly and unbounded, ever sees it.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The largest claim sheet read (a sheet with its text inline is still far smaller).
pub const MAX_SHEET_BYTES: u64 = 8 << 20;
/// The largest article text read from a `text_file`.
pub const MAX_TEXT_BYTES: u64 = 8 << 20;
/// The largest RDF file read: the importer holds a file's quads in memory at once.
pub const MAX_RDF_BYTES: u64 = 64 << 20;
/// How far the `<!ENTITY>` declarations of an RDF/XML document may expand, summed over
/// every reference to them (namespace abbreviations need a few kilobytes at most).
pub const MAX_ENTITY_EXPANSION: u64 = 16 << 20;

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: not a regular file ({kind}); only regular files are read")]
    NotRegular { path: String, kind: &'static str },
    #[error("{path}: larger than the {limit} MiB a file may have here")]
    TooLarge { path: String, limit: u64 },
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Entities { path: String, message: String },
}

/// What kind of file system object `metadata` describes, for messages.
fn kind_of(metadata: &std::fs::Metadata) -> &'static str {
    let t = metadata.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a plain file"
}

/// Whether `path` is (or links to) a regular file; never opens it.
pub fn is_regular_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// Opens `path` for reading without ever blocking on it: a FIFO opened without a
/// writer would wait forever, so the open does not wait, and what was opened is
/// checked to be a regular file before a byte is read.
fn open_regular(path: &Path) -> Result<File, InputError> {
    let shown = path.display().to_string();
    let io = |source| InputError::Io {
        path: shown.clone(),
        source,
    };
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(io)?;
    let metadata = file.metadata().map_err(io)?;
    if !metadata.is_file() {
        return Err(InputError::NotRegular {
            path: shown,
            kind: kind_of(&metadata),
        });
    }
    Ok(file)
}

/// The bytes of the regular file `path`, refused when it is larger than `limit` bytes.
pub fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    let file = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| InputError::Io {
            path: path.display().to_string(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge {
            path: path.display().to_string(),
            limit: limit >> 20,
        });
    }
    Ok(bytes)
}

/// Resolves `relative` (as written in a sheet) against the folder `folder`, refusing
/// anything that could leave it: absolute paths, `..`, and links that point outside.
pub fn beside(folder: &Path, relative: &str) -> Result<PathBuf, String> {
    if relative.trim().is_empty() {
        return Err("the file name is empty".into());
    }
    let written = Path::new(relative);
    for component in written.components() {
        match component {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => {
                return Err(format!(
                    "'{relative}' leaves the sheet's folder (`..`): the text file must be in the sheet's folder or below it"
                ))
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(format!(
                    "'{relative}' is an absolute path: give the text file's name relative to the sheet's folder"
                ))
            }
        }
    }
    let joined = folder.join(written);
    // A symbolic link may still lead out of the folder: compare where both really are.
    let real_folder = std::fs::canonicalize(folder)
        .map_err(|e| format!("cannot resolve the sheet's folder: {e}"))?;
    let real = std::fs::canonicalize(&joined)
        .map_err(|e| format!("cannot read {}: {e}", joined.display()))?;
    if !real.starts_with(&real_folder) {
        return Err(format!(
            "'{relative}' links to a file outside the sheet's folder"
        ));
    }
    Ok(joined)
}

/// The UTF-8 text of the file `relative` names beside the sheet at `sheet` (a sheet's
/// `text_file`): inside the sheet's folder ([`beside`]), a regular file, at most
/// [`MAX_TEXT_BYTES`]. The error is a sentence for the sheet's `text_file` field.
pub fn read_text_beside(sheet: &Path, relative: &str) -> Result<String, String> {
    let folder = match sheet.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let path = beside(folder, relative)?;
    let bytes = read_capped(&path, MAX_TEXT_BYTES).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{} is not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// Refuses an RDF/XML document whose internal `<!ENTITY>` declarations would expand to
/// more than [`MAX_ENTITY_EXPANSION`] bytes, counting every reference in the document.
///
/// It reads the declarations the way Oxigraph's RDF/XML parser does (each `<!ENTITY`
/// with a double-quoted value, `%` ignored, earlier entities expanded in later values),
/// so what it measures is what the parser would build. References in comments or CDATA
/// are counted too: the bound errs on the safe side.
pub fn check_rdfxml_entities(path: &Path, bytes: &[u8]) -> Result<(), InputError> {
    let text = String::from_utf8_lossy(bytes);
    let fail = |message: String| InputError::Entities {
        path: path.display().to_string(),
        message,
    };
    // Expanded length of each entity declared so far.
    let mut sizes: HashMap<&str, u64> = HashMap::new();
    let mut declarations_end = 0;
    let mut rest_start = 0;
    while let Some(found) = text[rest_start..].find("<!ENTITY") {
        let start = rest_start + found + "<!ENTITY".len();
        let after = text[start..].trim_start();
        let after = after.strip_prefix('%').unwrap_or(after).trim_start();
        let name_end = after
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(after.len());
        let name = &after[..name_end];
        let value_part = after[name_end..].trim_start();
        let Some(value_part) = value_part.strip_prefix('"') else {
            rest_start = start;
            continue; // not a declaration the parser expands (it refuses it instead)
        };
        let Some(value_end) = value_part.find('"') else {
            break;
        };
        let value = &value_part[..value_end];
        let size = expanded_len(value, &sizes);
        if size > MAX_ENTITY_EXPANSION {
            return Err(fail(format!(
                "the RDF/XML entity '{name}' expands to more than {} MiB; entity expansion is bounded (is this a \"billion laughs\" document?)",
                MAX_ENTITY_EXPANSION >> 20
            )));
        }
        sizes.insert(name, size);
        declarations_end = text.len() - value_part.len() + value_end;
        rest_start = declarations_end;
    }
    if sizes.is_empty() {
        return Ok(());
    }
    let total = expanded_len(&text[declarations_end..], &sizes);
    if total > MAX_ENTITY_EXPANSION.max(bytes.len() as u64) {
        return Err(fail(format!(
            "the document's entity references expand to more than {} MiB; entity expansion is bounded (is this a \"billion laughs\" document?)",
            MAX_ENTITY_EXPANSION.max(bytes.len() as u64) >> 20
        )));
    }
    Ok(())
}

/// The length of `text` with every reference to an entity in `sizes` expanded
/// (other references count as written); saturates rather than overflows.
fn expanded_len(text: &str, sizes: &HashMap<&str, u64>) -> u64 {
    let mut total: u64 = 0;
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        total = total.saturating_add(amp as u64);
        let reference = &rest[amp + 1..];
        match reference.find(';') {
            Some(end) if sizes.contains_key(&reference[..end]) => {
                total = total.saturating_add(sizes[&reference[..end]]);
                rest = &reference[end + 1..];
            }
            _ => {
                total = total.saturating_add(1);
                rest = reference;
            }
        }
    }
    total.saturating_add(rest.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn laughs(levels: usize) -> String {
        let mut doc =
            String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE rdf:RDF [\n<!ENTITY lol0 \"lol\">\n");
        for i in 1..levels {
            let refs = format!("&lol{};", i - 1).repeat(10);
            doc.push_str(&format!("<!ENTITY lol{i} \"{refs}\">\n"));
        }
        doc.push_str(&format!(
            "]>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"http://e/x\"><rdf:value>&lol{};</rdf:value></rdf:Description></rdf:RDF>\n",
            levels - 1
        ));
        doc
    }

    #[test]
    fn a_billion_laughs_is_refused_before_parsing() {
        let doc = laughs(10);
        assert!(doc.len() < 1500, "{}", doc.len());
        let err = check_rdfxml_entities(Path::new("laughs.rdf"), doc.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("expands to more than"), "{err}");
    }

    #[test]
    fn namespace_entities_are_accepted() {
        let doc = "<!DOCTYPE rdf:RDF [ <!ENTITY owl \"http://www.w3.org/2002/07/owl#\"> <!ENTITY ex \"http://e/\"> ]>\n<rdf:RDF><owl:Class rdf:about=\"&ex;A\"/><owl:Class rdf:about=\"&ex;B\"/></rdf:RDF>";
        check_rdfxml_entities(Path::new("ok.rdf"), doc.as_bytes()).unwrap();
        // Four levels of ten references stay small: 3 * 10^3 bytes.
        check_rdfxml_entities(Path::new("small.rdf"), laughs(4).as_bytes()).unwrap();
    }

    #[test]
    fn many_references_to_a_large_entity_are_refused() {
        let big = "x".repeat(1 << 20);
        let doc = format!(
            "<!DOCTYPE r [ <!ENTITY big \"{big}\"> ]>\n<r>{}</r>",
            "&big;".repeat(40)
        );
        assert!(check_rdfxml_entities(Path::new("many.rdf"), doc.as_bytes()).is_err());
    }

    #[test]
    fn paths_that_leave_the_folder_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "text").unwrap();
        assert!(beside(dir.path(), "a.txt").is_ok());
        assert!(beside(dir.path(), "./a.txt").is_ok());
        assert!(beside(dir.path(), "/etc/hostname")
            .unwrap_err()
            .contains("absolute"));
        assert!(beside(dir.path(), "../a.txt").unwrap_err().contains(".."));
        assert!(beside(dir.path(), "sub/../../a.txt")
            .unwrap_err()
            .contains(".."));
        assert!(beside(dir.path(), "").is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/hostname", dir.path().join("link.txt")).unwrap();
            assert!(beside(dir.path(), "link.txt")
                .unwrap_err()
                .contains("outside"));
        }
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_not_read() {
        let err = read_capped(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(err.to_string().contains("a device"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'a'; 2048]).unwrap();
        assert!(matches!(
            read_capped(&big, 1024),
            Err(InputError::TooLarge { .. })
        ));
        assert_eq!(read_capped(&big, 4096).unwrap().len(), 2048);
    }
}
