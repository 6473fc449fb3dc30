//! The read path: the saved-query catalog (the one public set of queries), the RDF
//! description of one resource, the page read model (page data by direct index lookups,
//! or from a snapshot of the default graph held in memory for a full build) and the view
//! models that pages are built from.

pub mod catalog;
pub mod describe;
pub mod kept;
pub mod keyset;
pub mod model;
pub mod snapshot;
pub mod view;
