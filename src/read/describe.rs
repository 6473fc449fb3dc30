//! The RDF description of one resource: what a linked-data client gets for an IRI.
//!
//! [`describe`] collects the default-graph triples whose subject is the resource or
//! one of its fragment nodes (`…#quote`, `…#date`: the parts minted with it), and, for
//! a claim, its proposition graph; [`serialize`] writes them in any RDF syntax with
//! the project's prefixes. The static site's alternates and the server's content
//! negotiation both come from here.

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{
    GraphName, GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term,
};

use crate::model::vocab::{self, cg};
use crate::store::{GraphStore, StoreError};

/// The quads describing `iri`: its own triples and its fragments' in the default graph,
/// plus the proposition graph of a claim (as a named graph).
pub fn describe(store: &GraphStore, iri: NamedNodeRef<'_>) -> Result<Vec<Quad>, StoreError> {
    let mut quads = Vec::new();
    let fragment_prefix = format!("{}#", iri.as_str());
    let mut subjects = vec![NamedNode::from(iri)];
    // Fragment nodes are objects of the resource itself (hasQuote, claimDate...) or of
    // its fragments (the quote's selectors), so a short walk finds them all.
    let mut i = 0;
    while i < subjects.len() {
        let subject = subjects[i].clone();
        for q in store.quads_for_pattern(
            Some(subject.as_ref().into()),
            None,
            None,
            Some(GraphNameRef::DefaultGraph),
        ) {
            let q = q?;
            if let Term::NamedNode(o) = &q.object {
                if o.as_str().starts_with(&fragment_prefix) && !subjects.contains(o) {
                    subjects.push(o.clone());
                }
            }
            if q.predicate == cg::HAS_PROPOSITION {
                if let Term::NamedNode(g) = &q.object {
                    for p in store.quads_for_pattern(
                        None,
                        None,
                        None,
                        Some(GraphNameRef::NamedNode(g.as_ref())),
                    ) {
                        quads.push(p?);
                    }
                }
            }
            quads.push(q);
        }
        i += 1;
    }
    // One order whatever the backend answered in, so a page's RDF is the same from the
    // embedded store and from a remote engine.
    quads.sort_by_cached_key(|q| q.to_string());
    Ok(quads)
}

/// Writes quads in `format` (JSON-LD compacted by [`crate::publish::jsonld`]). Formats without named graphs (Turtle, N-Triples, RDF/XML)
/// get the default-graph triples only.
pub fn serialize(quads: &[Quad], format: RdfFormat) -> Result<Vec<u8>, std::io::Error> {
    // JSON-LD is compacted with the ontology's context (Oxigraph writes expanded JSON-LD only).
    if matches!(format, RdfFormat::JsonLd { .. }) {
        return Ok(crate::publish::jsonld::to_vec(quads, None));
    }
    let mut serializer = RdfSerializer::from_format(format);
    if matches!(format, RdfFormat::Turtle | RdfFormat::TriG) {
        for (prefix, ns) in vocab::PREFIXES {
            serializer = serializer
                .with_prefix(*prefix, *ns)
                .expect("the namespaces are valid IRIs");
        }
    }
    let mut writer = serializer.for_writer(Vec::new());
    for q in quads {
        if format.supports_datasets() {
            writer.serialize_quad(q)?;
        } else if q.graph_name == GraphName::DefaultGraph {
            writer.serialize_triple(q.as_ref())?;
        }
    }
    writer.finish()
}

/// Whether a subject is the resource or one of its fragment nodes.
pub fn belongs_to(subject: &NamedOrBlankNode, iri: NamedNodeRef<'_>) -> bool {
    match subject {
        NamedOrBlankNode::NamedNode(n) => {
            n.as_str() == iri.as_str()
                || n.as_str()
                    .strip_prefix(iri.as_str())
                    .is_some_and(|rest| rest.starts_with('#'))
        }
        NamedOrBlankNode::BlankNode(_) => false,
    }
}
