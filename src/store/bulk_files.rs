//! Files a server engine's own bulk loader takes as they are: claimgraph's dataset as N
//! N-Quads shards of about equal size ([`ShardWriter`]).
//!
//! Virtuoso's `ld_dir` + `rdf_loader_run`, Jena's `tdb2.tdbloader` and QLever's index
//! builder all read N-Quads, several files in parallel. claimgraph's default graph is
//! written into the named graph a remote engine keeps it in
//! ([`super::on_engine::default_graph`]), so a loaded engine holds what
//! `import --endpoint` would have written. Loaders give each file its own blank nodes:
//! every quad that names a blank node goes into the first shard, so a blank node stays
//! one node. The folder appears whole or not at all: the shards are written into a
//! hidden sibling folder that is renamed into place once every file is on disk (a killed
//! run leaves that hidden `.NAME.partial-PID` folder, never a half-written NAME).

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use oxigraph::model::{GraphNameRef, NamedNode, NamedOrBlankNodeRef, QuadRef, TermRef};

/// The most shards one folder may be split into (each is an open file while writing).
pub const MAX_SHARDS: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    #[error("--shards must be between 1 and {MAX_SHARDS}, not {0}")]
    Shards(usize),
    #[error("{0} already exists and is not an empty folder: choose a new folder or remove it")]
    Occupied(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// What a finished [`ShardWriter`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardSummary {
    pub folder: PathBuf,
    pub files: Vec<PathBuf>,
    pub quads: usize,
    pub bytes: u64,
}

/// One shard file and how many bytes went into it so far.
struct Shard {
    name: String,
    file: BufWriter<File>,
    bytes: u64,
}

/// Writes quads into N N-Quads files in a folder that appears when [`Self::finish`]
/// succeeds (dropped unfinished, it leaves nothing behind).
pub struct ShardWriter {
    output: PathBuf,
    partial: PathBuf,
    shards: Vec<Shard>,
    /// One N-Quads line, reused: what is written is also what is counted.
    line: String,
    default_graph: NamedNode,
    quads: usize,
    finished: bool,
}

impl ShardWriter {
    /// Starts `shards` files for `output`, which must not exist or be an empty folder.
    /// Quads in the default graph will be written into `default_graph`.
    pub fn create(
        output: &Path,
        shards: usize,
        default_graph: NamedNode,
    ) -> Result<Self, BulkError> {
        if shards == 0 || shards > MAX_SHARDS {
            return Err(BulkError::Shards(shards));
        }
        let io = |path: &Path| {
            let path = path.display().to_string();
            move |source| BulkError::Io { path, source }
        };
        if output.exists() {
            let empty_folder = output.is_dir()
                && std::fs::read_dir(output)
                    .map_err(io(output))?
                    .next()
                    .is_none();
            if !empty_folder {
                return Err(BulkError::Occupied(output.display().to_string()));
            }
        }
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "shards".to_owned());
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        let partial = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if partial.exists() {
            std::fs::remove_dir_all(&partial).map_err(io(&partial))?;
        }
        std::fs::create_dir_all(&partial).map_err(io(&partial))?;
        let mut writer = ShardWriter {
            output: output.to_owned(),
            partial,
            shards: Vec::new(),
            line: String::new(),
            default_graph,
            quads: 0,
            finished: false,
        };
        let digits = shards.to_string().len().max(4);
        for i in 1..=shards {
            let file_name = format!("part-{i:0digits$}.nq");
            let path = writer.partial.join(&file_name);
            let file = File::create(&path).map_err(io(&path))?;
            writer.shards.push(Shard {
                name: file_name,
                file: BufWriter::new(file),
                bytes: 0,
            });
        }
        Ok(writer)
    }

    /// Writes one quad into the shard that is smallest so far (the first, when the quad
    /// names a blank node).
    pub fn write(&mut self, quad: QuadRef<'_>) -> Result<(), BulkError> {
        let blank = matches!(quad.subject, NamedOrBlankNodeRef::BlankNode(_))
            || matches!(quad.object, TermRef::BlankNode(_))
            || matches!(quad.graph_name, GraphNameRef::BlankNode(_));
        let index = if blank {
            0
        } else {
            (0..self.shards.len())
                .min_by_key(|&i| self.shards[i].bytes)
                .unwrap_or(0)
        };
        let graph_name = match quad.graph_name {
            GraphNameRef::DefaultGraph => GraphNameRef::NamedNode(self.default_graph.as_ref()),
            named => named,
        };
        let quad = QuadRef::new(quad.subject, quad.predicate, quad.object, graph_name);
        // Oxigraph's own N-Quads serializer writes exactly this line.
        self.line.clear();
        let _ = writeln!(self.line, "{quad} .");
        let shard = &mut self.shards[index];
        shard
            .file
            .write_all(self.line.as_bytes())
            .map_err(|source| BulkError::Io {
                path: self.partial.join(&shard.name).display().to_string(),
                source,
            })?;
        shard.bytes += self.line.len() as u64;
        self.quads += 1;
        Ok(())
    }

    /// Flushes every shard to disk and renames the folder into place.
    pub fn finish(mut self) -> Result<ShardSummary, BulkError> {
        let mut bytes = 0;
        let mut names = Vec::new();
        for shard in std::mem::take(&mut self.shards) {
            let path = self.partial.join(&shard.name);
            let io = |source| BulkError::Io {
                path: path.display().to_string(),
                source,
            };
            bytes += shard.bytes;
            let file = shard.file.into_inner().map_err(|e| io(e.into_error()))?;
            file.sync_all().map_err(io)?;
            names.push(shard.name);
        }
        if self.output.is_dir() {
            // An empty folder (checked at the start): rename(2) replaces it.
            std::fs::remove_dir(&self.output).map_err(|source| BulkError::Io {
                path: self.output.display().to_string(),
                source,
            })?;
        }
        std::fs::rename(&self.partial, &self.output).map_err(|source| BulkError::Io {
            path: self.output.display().to_string(),
            source,
        })?;
        self.finished = true;
        Ok(ShardSummary {
            files: names.iter().map(|n| self.output.join(n)).collect(),
            folder: self.output.clone(),
            quads: self.quads,
            bytes,
        })
    }
}

impl Drop for ShardWriter {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.partial);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::{RdfFormat, RdfParser};
    use oxigraph::model::{BlankNode, GraphName, Literal, Quad};

    fn graph() -> NamedNode {
        NamedNode::new("https://claimgraph.example/graph/default").unwrap()
    }

    fn read_all(files: &[PathBuf]) -> Vec<Vec<Quad>> {
        files
            .iter()
            .map(|f| {
                let bytes = std::fs::read(f).unwrap();
                RdfParser::from_format(RdfFormat::NQuads)
                    .for_slice(&bytes)
                    .collect::<Result<_, _>>()
                    .unwrap()
            })
            .collect()
    }

    #[test]
    fn shards_hold_every_quad_about_evenly_with_the_default_graph_named() {
        let dir = std::env::temp_dir().join(format!("cg-shards-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let out = dir.join("dump");
        let mut writer = ShardWriter::create(&out, 3, graph()).unwrap();
        let s = NamedNode::new("https://claimgraph.example/id/a").unwrap();
        let p = NamedNode::new("https://schema.org/name").unwrap();
        let g = NamedNode::new("https://claimgraph.example/graph/x").unwrap();
        let b = BlankNode::default();
        for i in 0..300 {
            let o = Literal::new_simple_literal(format!("name \"{i}\"\n"));
            let graph_name = if i % 2 == 0 {
                GraphName::DefaultGraph
            } else {
                g.clone().into()
            };
            writer
                .write(QuadRef::new(&s, &p, &o, graph_name.as_ref()))
                .unwrap();
        }
        for _ in 0..5 {
            writer
                .write(QuadRef::new(&b, &p, &s, GraphNameRef::DefaultGraph))
                .unwrap();
        }
        assert!(!out.exists(), "the folder appears only when finished");
        let summary = writer.finish().unwrap();
        assert_eq!(summary.quads, 305);
        let shards = read_all(&summary.files);
        assert_eq!(shards.iter().map(Vec::len).sum::<usize>(), 305);
        assert!(shards.iter().all(|s| s.len() >= 95), "uneven shards");
        let all: Vec<&Quad> = shards.iter().flatten().collect();
        assert!(all.iter().all(|q| q.graph_name != GraphName::DefaultGraph));
        assert_eq!(
            all.iter()
                .filter(|q| q.graph_name == GraphName::from(graph()))
                .count(),
            155
        );
        // The blank node's quads are together, so a loader keeps it one node.
        assert_eq!(
            shards[0]
                .iter()
                .filter(|q| q.subject.is_blank_node())
                .count(),
            5
        );
        // Not twice into the same folder.
        assert!(matches!(
            ShardWriter::create(&out, 2, graph()),
            Err(BulkError::Occupied(_))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unfinished_writer_leaves_nothing() {
        let dir = std::env::temp_dir().join(format!("cg-unfinished-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("dump");
        let writer = ShardWriter::create(&out, 2, graph()).unwrap();
        drop(writer);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        assert!(matches!(
            ShardWriter::create(&out, 0, graph()),
            Err(BulkError::Shards(0))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
