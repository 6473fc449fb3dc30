//! Publishing what the read path gives: the one template environment, the static site,
//! exports (TriG, N-Quads, Turtle, JSON-LD, nanopublications) and the SHACL check.

pub mod changes;
pub mod export;
pub mod jsonld;
pub mod manifest;
pub mod nanopub;
pub mod render;
pub mod shacl;
pub mod site;
