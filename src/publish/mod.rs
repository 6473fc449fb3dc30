//! Publishing what the read path gives: the one template environment, the static site,
//! exports (TriG, N-Quads, Turtle, JSON-LD, nanopublications) and the SHACL check; what
//! a build keeps for the next one (manifest, kept rows).

pub mod changes;
pub mod export;
pub mod jsonld;
pub mod kept_rows;
pub mod manifest;
pub mod nanopub;
pub mod render;
pub mod shacl;
pub mod site;
