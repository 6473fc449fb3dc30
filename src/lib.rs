//! claimgraph: sourced claims from news articles as an RDF knowledge graph.
//!
//! The data flows one way, and the folders follow it:
//!
//! ```text
//! extract/  raw text --draft--> claim sheet (TOML, reviewed by a person)
//! model/    sheet --validate--> quads (graph.rs), the ontology's terms
//! write/    quads --import--> store, one article per transaction; statuses derived
//! store/    the engine boundary: embedded Oxigraph, or a remote SPARQL engine
//! read/     saved queries (catalog) --> rows --> view models
//! publish/  view models --> templates --> static site, exports, nanopublications
//! server/   the same pages and the SPARQL protocol over HTTP; review and edit
//! ```
//!
//! The entry points are [`write::import::import_paths`] to load claim sheets and RDF files
//! into a [`store::GraphStore`], and [`read::catalog::Catalog`] to run the saved queries.
//! The command line (`src/cli/`) is the edge that calls them.

pub mod extract;
pub mod model;
pub mod publish;
pub mod read;
pub mod server;
pub mod store;
pub mod write;
