//! Exports: the whole store, one article's contribution or one entity's description,
//! in TriG, N-Quads, Turtle or compacted JSON-LD.
//!
//! [`select`] gathers the quads of a [`Scope`]; [`write`] serializes them with the
//! project's prefixes (and the instance base, so Turtle and TriG stay readable). A
//! whole-store export is a backup: `claimgraph import` of it into an empty store gives
//! back the same dataset, ledgers and content hashes included. An article's export
//! carries its ledger graph too, so importing it elsewhere keeps it replaceable and
//! verifiable. [`write_shards`] writes the whole store as the N-Quads shards a server
//! engine's bulk loader takes ([`crate::store::bulk_files`]).

use std::io::Write;

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphName, GraphNameRef, Literal, NamedNode, NamedOrBlankNode, Quad, Term};

use crate::model::vocab::{self, cg};
use crate::store::{GraphStore, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("no article '{0}' in the store (see `claimgraph query` for the articles there are)")]
    UnknownArticle(String),
    #[error("no entity '{0}' in the store")]
    UnknownEntity(String),
    #[error("'{0}' is not an id: ids are letters, digits, '-', '_' and '.', not first")]
    BadId(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Bulk(#[from] crate::store::bulk_files::BulkError),
}

/// The RDF syntaxes an export can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// TriG: named graphs, prefixes, readable.
    Trig,
    /// N-Quads: one quad a line.
    Nquads,
    /// Turtle: the default graph only (claims' propositions and ledgers are left out).
    Turtle,
    /// JSON-LD compacted with ontology/claimgraph.context.jsonld.
    Jsonld,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Trig => "trig",
            ExportFormat::Nquads => "nq",
            ExportFormat::Turtle => "ttl",
            ExportFormat::Jsonld => "jsonld",
        }
    }
}

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every quad in the store.
    All,
    /// One article's contribution: its ledger graph, the same triples in the default
    /// graph, and its claims' proposition graphs.
    Article(String),
    /// One entity's description (its triples in the default graph).
    Entity(String),
}

/// `id` if it is a plain id (safe in an IRI path and as a file name), else an error.
pub fn checked_id(id: &str) -> Result<&str, ExportError> {
    let ok = !id.is_empty()
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(id)
    } else {
        Err(ExportError::BadId(id.to_owned()))
    }
}

/// The quads of `scope`.
pub fn select(store: &GraphStore, scope: &Scope) -> Result<Vec<Quad>, ExportError> {
    let raw = store;
    let collect = |graph: GraphNameRef<'_>| -> Result<Vec<Quad>, StoreError> {
        Ok(raw
            .quads_for_pattern(None, None, None, Some(graph))
            .collect::<Result<_, _>>()?)
    };
    match scope {
        Scope::All => Ok(raw
            .quads_for_pattern(None, None, None, None)
            .collect::<Result<_, _>>()?),
        Scope::Article(id) => {
            let id = checked_id(id)?;
            let ledger = store.iris().article_ledger(id);
            let ledger_quads = collect(GraphNameRef::NamedNode(ledger.as_ref()))?;
            if ledger_quads.is_empty() {
                return Err(ExportError::UnknownArticle(id.to_owned()));
            }
            let mut quads = Vec::new();
            for q in &ledger_quads {
                quads.push(Quad::new(
                    q.subject.clone(),
                    q.predicate.clone(),
                    q.object.clone(),
                    GraphName::DefaultGraph,
                ));
                if q.predicate == cg::HAS_PROPOSITION {
                    if let Term::NamedNode(g) = &q.object {
                        quads.extend(collect(GraphNameRef::NamedNode(g.as_ref()))?);
                    }
                }
            }
            quads.extend(ledger_quads);
            Ok(quads)
        }
        Scope::Entity(id) => {
            let id = checked_id(id)?;
            let iri =
                entity_iri(store, id)?.ok_or_else(|| ExportError::UnknownEntity(id.to_owned()))?;
            Ok(crate::read::describe::describe(store, iri.as_ref())?)
        }
    }
}

/// The IRI of the entity with slug `id`, looked up by its `cg:slug` (a bound term, no query text).
fn entity_iri(store: &GraphStore, id: &str) -> Result<Option<NamedNode>, StoreError> {
    let slug = Literal::new_simple_literal(id);
    for q in store.quads_for_pattern(
        None,
        Some(cg::SLUG),
        Some(slug.as_ref().into()),
        Some(GraphNameRef::DefaultGraph),
    ) {
        let q = q?;
        if let NamedOrBlankNode::NamedNode(n) = &q.subject {
            let typed = store.contains(oxigraph::model::QuadRef::new(
                n,
                vocab::rdf::TYPE,
                cg::ENTITY,
                GraphNameRef::DefaultGraph,
            ))?;
            if typed {
                return Ok(Some(n.clone()));
            }
        }
    }
    Ok(None)
}

/// Writes `quads` in `format`, IRIs under `base` written relative to it.
pub fn write(
    quads: &[Quad],
    format: ExportFormat,
    base: &str,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    let rdf_format = match format {
        ExportFormat::Jsonld => {
            out.write_all(&crate::publish::jsonld::to_vec(quads, Some(base)))?;
            return Ok(());
        }
        ExportFormat::Trig => RdfFormat::TriG,
        ExportFormat::Nquads => RdfFormat::NQuads,
        ExportFormat::Turtle => RdfFormat::Turtle,
    };
    let mut serializer = RdfSerializer::from_format(rdf_format);
    if rdf_format != RdfFormat::NQuads {
        for (prefix, ns) in vocab::PREFIXES {
            serializer = serializer
                .with_prefix(*prefix, *ns)
                .expect("the namespaces are valid IRIs");
        }
        serializer = serializer
            .with_base_iri(base)
            .expect("the base was checked when the store was opened");
    }
    let mut writer = serializer.for_writer(out);
    for q in quads {
        if rdf_format.supports_datasets() {
            writer.serialize_quad(q)?;
        } else if q.graph_name == GraphName::DefaultGraph {
            writer.serialize_triple(q.as_ref())?;
        }
    }
    writer.finish()?;
    Ok(())
}

/// Writes every quad of the store into `shards` N-Quads files in the new folder
/// `output`, the default graph into the graph a remote engine keeps it in: loaded into
/// an engine, they hold what `import --endpoint` of the same sheets holds.
pub fn write_shards(
    store: &GraphStore,
    shards: usize,
    output: &std::path::Path,
) -> Result<crate::store::bulk_files::ShardSummary, ExportError> {
    let default_graph = crate::store::on_engine::default_graph(store.iris());
    let mut writer = crate::store::bulk_files::ShardWriter::create(output, shards, default_graph)?;
    for quad in store.quads_for_pattern(None, None, None, None) {
        writer.write(quad?.as_ref())?;
    }
    Ok(writer.finish()?)
}

/// [`write`] into a byte vector.
pub fn to_vec(quads: &[Quad], format: ExportFormat, base: &str) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::new();
    write(quads, format, base, &mut out)?;
    Ok(out)
}
