//! The write path: reading input files within their bounds, importing batches of sheets
//! and RDF into the store one article at a time, content hashes and ledgers, and deriving
//! claim statuses from the responses a write touched.

pub mod derive;
pub mod hash;
pub mod import;
pub mod input;
pub mod prepare;
