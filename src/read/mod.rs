//! The read path: the saved-query catalog (the one public set of queries), the RDF
//! description of one resource, the page read model (page data by direct index lookups)
//! and the view models that pages are built from.

pub mod catalog;
pub mod describe;
pub mod kept;
pub mod keyset;
pub mod model;
pub mod view;
