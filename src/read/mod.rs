//! The read path: the saved-query catalog (the one public set of queries), the RDF
//! description of one resource, and the view models that pages are built from.

pub mod catalog;
pub mod describe;
pub mod view;
