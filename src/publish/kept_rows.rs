//! The rows of the whole-store queries a build reads for the site's lists and search
//! index (`page-entities`, `page-articles`, `page-documents`, `page-claims`,
//! `page-search-claims`: a row or more for every resource of the store), kept in the site
//! folder beside the manifest, so that an incremental build reads from the store only
//! the rows of the resources a change reached and takes the others from here.
//!
//! Terms are kept in their N-Triples form. The file carries a stamp that the manifest
//! written after it repeats: a build cut off between the two leaves a stamp no manifest
//! names, and the rows are read from the store again.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use oxigraph::model::Term;
use serde::{Deserialize, Serialize};

use crate::publish::render::RenderError;
use crate::read::catalog::Table;

/// The file's name in the site folder.
pub const KEPT_ROWS_FILE: &str = ".claimgraph-rows.json";

/// The rows of each kept query, by the query's name.
#[derive(Debug, Default, Clone)]
pub struct KeptRows {
    pub tables: BTreeMap<String, Table>,
}

#[derive(Deserialize)]
struct Stored {
    stamp: String,
    tables: BTreeMap<String, StoredTable>,
}

#[derive(Deserialize)]
struct StoredTable {
    variables: Vec<String>,
    rows: Vec<Vec<Option<String>>>,
}

/// What [`Stored`] reads, written from the tables as they are: each term is spelled out
/// only as it is written, so saving holds no second copy of the rows.
#[derive(Serialize)]
struct StoredOut<'a> {
    stamp: &'a str,
    tables: BTreeMap<&'a str, TableOut<'a>>,
}

#[derive(Serialize)]
struct TableOut<'a> {
    variables: &'a [String],
    rows: RowsOut<'a>,
}

struct RowsOut<'a>(&'a [Vec<Option<Term>>]);

impl Serialize for RowsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|row| CellsOut(row)))
    }
}

struct CellsOut<'a>(&'a [Option<Term>]);

impl Serialize for CellsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|c| c.as_ref().map(Term::to_string)))
    }
}

impl KeptRows {
    /// The rows kept in `out` with the stamp `stamp` (the last finished build's);
    /// `None` when there are none, another build's, or any term fails to parse.
    pub fn load(out: &Path, stamp: &str) -> Option<KeptRows> {
        let bytes = std::fs::read(out.join(KEPT_ROWS_FILE)).ok()?;
        let stored: Stored = serde_json::from_slice(&bytes).ok()?;
        if stamp.is_empty() || stored.stamp != stamp {
            return None;
        }
        let mut tables = BTreeMap::new();
        for (name, table) in stored.tables {
            let rows = table
                .rows
                .into_iter()
                .map(|row| {
                    row.into_iter()
                        .map(|cell| cell.map(|t| Term::from_str(&t)).transpose())
                        .collect::<Result<Vec<_>, _>>()
                })
                .collect::<Result<Vec<_>, _>>()
                .ok()?;
            tables.insert(
                name,
                Table {
                    variables: table.variables,
                    rows,
                },
            );
        }
        Some(KeptRows { tables })
    }

    /// Writes `tables` (query name, rows) into `out` under `stamp`, in one step (a
    /// temporary file renamed).
    pub fn save(out: &Path, stamp: &str, tables: &[(&str, &Table)]) -> Result<(), RenderError> {
        let stored = StoredOut {
            stamp,
            tables: tables
                .iter()
                .map(|(name, table)| {
                    let table = TableOut {
                        variables: &table.variables,
                        rows: RowsOut(&table.rows),
                    };
                    (*name, table)
                })
                .collect(),
        };
        let path = out.join(KEPT_ROWS_FILE);
        crate::publish::manifest::write_atomically_with(&path, |file| {
            serde_json::to_writer(InertJson(file), &stored).map_err(std::io::Error::other)
        })
    }

    /// Removes the kept rows from `out`.
    pub fn remove(out: &Path) -> Result<(), RenderError> {
        crate::publish::manifest::remove_if_present(&out.join(KEPT_ROWS_FILE))
    }
}

/// Writes JSON with `<`, `>` and `&` spelled as escapes (in JSON they occur only inside
/// strings, and never inside a multi-byte character), so the article text kept in the
/// site folder is no markup even where the file is served as a page.
struct InertJson<W>(W);

impl<W: std::io::Write> std::io::Write for InertJson<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut start = 0;
        for (i, byte) in buf.iter().enumerate() {
            let escape: &[u8] = match byte {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                b'&' => b"\\u0026",
                _ => continue,
            };
            self.0.write_all(&buf[start..i])?;
            self.0.write_all(escape)?;
            start = i + 1;
        }
        self.0.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// A stamp no earlier build in this folder used: the time and the process.
pub fn new_stamp() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{nanos}-{}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{Literal, NamedNode};

    #[test]
    fn kept_rows_come_back_only_under_their_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let table = Table {
            variables: vec!["claim".into(), "quote".into()],
            rows: vec![
                vec![
                    Some(NamedNode::new_unchecked("https://x.example/id/claim/a/c1").into()),
                    Some(
                        Literal::new_language_tagged_literal_unchecked(
                            "„Unsinn“ <b>&amp;\"x\"\n",
                            "de",
                        )
                        .into(),
                    ),
                ],
                vec![None, Some(Literal::new_simple_literal("plain").into())],
            ],
        };
        KeptRows::save(dir.path(), "one", &[("page-search-claims", &table)]).unwrap();
        let text = std::fs::read_to_string(dir.path().join(KEPT_ROWS_FILE)).unwrap();
        assert!(!text.contains('<') && !text.contains('&'), "{text}");
        let back = KeptRows::load(dir.path(), "one").unwrap();
        assert_eq!(back.tables["page-search-claims"].rows, table.rows);
        assert!(KeptRows::load(dir.path(), "two").is_none());
        assert!(KeptRows::load(dir.path(), "").is_none());
        KeptRows::remove(dir.path()).unwrap();
        assert!(KeptRows::load(dir.path(), "one").is_none());
    }
}
