//! claimgraph: sourced claims from news articles as an RDF knowledge graph.
//!
//! The data flows one way, one module per stage:
//!
//! ```text
//! sheet (TOML) --validate--> graph (quads) --> store (Oxigraph) --> catalog (saved SPARQL)
//!                                                                      |
//!                                                    view models --> render --> site / server
//! ```
//!
//! The entry points are [`import::import_paths`] to load claim sheets and RDF files into
//! a [`store::GraphStore`], and [`catalog::Catalog`] to run the saved queries.

pub mod catalog;
pub mod derive;
pub mod describe;
pub mod export;
pub mod extract;
pub mod graph;
pub mod hash;
pub mod import;
pub mod input;
pub mod jsonld;
pub mod nanopub;
pub mod ontology;
pub mod query_guard;
pub mod render;
pub mod server;
pub mod shacl;
pub mod sheet;
pub mod site;
pub mod snapshots;
pub mod store;
pub mod view;
pub mod vocab;
