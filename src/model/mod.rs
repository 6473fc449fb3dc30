//! The claim model, pure: the ontology's terms, the claim-sheet format and its validation,
//! and the mapping from a validated sheet to RDF. Nothing here touches a store or a file
//! system beyond reading a sheet's text.

pub mod graph;
pub mod ontology;
pub mod sheet;
pub mod vocab;
