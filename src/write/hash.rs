//! Canonical content hashes: what one article contributes, as one SHA-256.
//!
//! [`content_hash`] canonicalizes a set of quads with RDF Dataset Canonicalization
//! (RDFC-1.0, sophia's `c14n`) and hashes the canonical N-Quads, so the hash does not
//! depend on blank-node labels or on the order of triples. Sophia has no adapter for
//! Oxigraph's terms, so the quads cross over as N-Quads text.
//!
//! At import, [`seal`] hashes a [`Contribution`] (its default-graph triples and its
//! proposition graphs, without the ledger's own bookkeeping) and records the hash on
//! the article as `cg:contentHash`; the hash never covers itself. [`verify`] recomputes
//! every article's hash from the store, twice: from its ledger graph and from what the
//! default graph shows of it, so that an edit to either is caught.

use std::collections::BTreeSet;

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{
    GraphName, GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, QuadRef,
    Term, Triple,
};
use sha2::{Digest, Sha256};
use sophia::api::source::QuadSource;
use sophia::inmem::dataset::LightDataset;

use crate::model::graph::Contribution;
use crate::model::vocab::{cg, rdf};
use crate::store::{GraphStore, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("cannot canonicalize the content of {what}: {message}")]
    Canonicalize { what: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Predicates the store derives after import (`queries/derive-status.ru`); they are not
/// part of what an article says, so they are not hashed.
const DERIVED: [NamedNodeRef<'static>; 3] = [cg::STATUS, cg::STATUS_BASIS, cg::CORROBORATED_BY];

/// The SHA-256 (lowercase hex) of the RDFC-1.0 canonical N-Quads of `quads`.
pub fn content_hash<'a>(
    quads: impl IntoIterator<Item = QuadRef<'a>>,
    what: &str,
) -> Result<String, HashError> {
    let canonical = canonical_nquads(quads, what)?;
    Ok(hex(&Sha256::digest(canonical.as_bytes())))
}

/// The RDFC-1.0 canonical N-Quads of `quads` (one quad a line, sorted, blank nodes
/// relabelled `_:c14nN`).
pub fn canonical_nquads<'a>(
    quads: impl IntoIterator<Item = QuadRef<'a>>,
    what: &str,
) -> Result<String, HashError> {
    let failed = |message: String| HashError::Canonicalize {
        what: what.to_owned(),
        message,
    };
    let mut writer = RdfSerializer::from_format(RdfFormat::NQuads).for_writer(Vec::new());
    for q in quads {
        writer
            .serialize_quad(q)
            .map_err(|e| failed(e.to_string()))?;
    }
    let nquads = String::from_utf8(writer.finish().map_err(|e| failed(e.to_string()))?)
        .map_err(|e| failed(e.to_string()))?;
    let dataset: LightDataset = sophia::turtle::parser::nq::parse_str(&nquads)
        .collect_quads()
        .map_err(|e| failed(e.to_string()))?;
    let mut canonical = Vec::new();
    sophia::c14n::rdfc10::normalize(&dataset, &mut canonical).map_err(|e| failed(e.to_string()))?;
    String::from_utf8(canonical).map_err(|e| failed(e.to_string()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The quads an article's hash covers, from its contribution: default-graph triples
/// (minus the ledger's description of itself and any recorded hash) and proposition graphs.
fn contribution_quads(contribution: &Contribution) -> Vec<Quad> {
    let mut quads: Vec<Quad> = contribution
        .triples
        .iter()
        .filter(|t| hashed(&contribution.ledger, t))
        .map(|t| t.clone().in_graph(GraphName::DefaultGraph))
        .collect();
    for (graph, triples) in &contribution.graphs {
        quads.extend(triples.iter().map(|t| t.clone().in_graph(graph.clone())));
    }
    quads
}

/// Whether a default-graph triple of an article's contribution counts towards its hash.
fn hashed(ledger: &NamedNode, t: &Triple) -> bool {
    t.predicate != cg::CONTENT_HASH
        && !DERIVED.contains(&t.predicate.as_ref())
        && !matches!(&t.subject, NamedOrBlankNode::NamedNode(s) if s == ledger)
}

/// Computes the hash of an article's contribution and records it on the article as
/// `cg:contentHash`. Reference sheets (no article) are left as they are.
pub fn seal(
    contribution: &mut Contribution,
    iris: &crate::model::graph::Iris,
) -> Result<(), HashError> {
    let Some(article) = contribution.article.clone() else {
        return Ok(());
    };
    contribution
        .triples
        .retain(|t| t.predicate != cg::CONTENT_HASH);
    store_forms(contribution)?;
    let quads = contribution_quads(contribution);
    let hash = content_hash(
        quads.iter().map(Quad::as_ref),
        &format!("article {article}"),
    )?;
    contribution.triples.push(Triple::new(
        iris.article(&article),
        cg::CONTENT_HASH,
        Literal::new_simple_literal(hash),
    ));
    Ok(())
}

/// Puts every literal of `contribution` in the form the store gives it back in, so that
/// the hash is computed over what is stored: Oxigraph keeps numbers and dates as
/// values, so `"0.60"^^xsd:decimal` comes back as `"0.6"` and `"5"^^xsd:int` as
/// `"5"^^xsd:integer`. Rather than restate Oxigraph's rules, each distinct typed
/// literal makes the round trip through a small in-memory store.
fn store_forms(contribution: &mut Contribution) -> Result<(), HashError> {
    let mut distinct: Vec<Literal> = Vec::new();
    let mut index: std::collections::HashMap<Literal, usize> = Default::default();
    let objects = contribution
        .triples
        .iter()
        .chain(contribution.graphs.iter().flat_map(|(_, t)| t.iter()))
        .map(|t| &t.object);
    for object in objects {
        if let Term::Literal(l) = object {
            if l.language().is_none()
                && l.datatype() != oxigraph::model::vocab::xsd::STRING
                && !index.contains_key(l)
            {
                index.insert(l.clone(), distinct.len());
                distinct.push(l.clone());
            }
        }
    }
    if distinct.is_empty() {
        return Ok(());
    }
    let store = oxigraph::store::Store::new().map_err(StoreError::from)?;
    let predicate = NamedNode::new_unchecked("urn:claimgraph:stored-form");
    let subject = |i: usize| NamedNode::new_unchecked(format!("urn:claimgraph:stored-form:{i}"));
    for (i, literal) in distinct.iter().enumerate() {
        store
            .insert(QuadRef::new(
                &subject(i),
                &predicate,
                literal,
                GraphNameRef::DefaultGraph,
            ))
            .map_err(StoreError::from)?;
    }
    let mut stored: Vec<Term> = Vec::with_capacity(distinct.len());
    for (i, literal) in distinct.iter().enumerate() {
        let back = store
            .quads_for_pattern(Some(subject(i).as_ref().into()), None, None, None)
            .next()
            .transpose()
            .map_err(StoreError::from)?
            .map_or_else(|| Term::Literal(literal.clone()), |q| q.object);
        stored.push(back);
    }
    let restate = |t: &mut Triple| {
        if let Term::Literal(l) = &t.object {
            if let Some(&i) = index.get(l) {
                t.object = stored[i].clone();
            }
        }
    };
    contribution.triples.iter_mut().for_each(restate);
    for (_, triples) in &mut contribution.graphs {
        triples.iter_mut().for_each(restate);
    }
    Ok(())
}

/// The outcome of checking one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleCheck {
    pub article: String,
    /// The content hashes recorded on the article, in its ledger and in the default
    /// graph (distinct values); an import records exactly one, in both.
    pub recorded: Vec<String>,
    /// Whether the default graph holds the same single hash as the ledger.
    pub recorded_in_both: bool,
    /// Recomputed from the article's ledger graph and proposition graphs.
    pub from_ledger: String,
    /// Recomputed from what the default graph holds of the article, and its proposition graphs.
    pub from_store: String,
}

impl ArticleCheck {
    pub fn ok(&self) -> bool {
        self.problem().is_none()
    }

    /// A one-line account of what does not match.
    pub fn problem(&self) -> Option<String> {
        let recorded = match self.recorded.as_slice() {
            [] => {
                return Some(
                    "no content hash recorded (re-import the article to record one)".into(),
                )
            }
            [one] => one,
            several => {
                return Some(format!(
                    "{} content hashes recorded ({}); an import records exactly one, so the others were added afterwards",
                    several.len(),
                    several.join(", ")
                ))
            }
        };
        if !self.recorded_in_both {
            Some(format!(
                "the content hash {recorded} is not recorded both in the article's ledger and in the default graph"
            ))
        } else if *recorded != self.from_ledger {
            Some(format!(
                "its contribution ledger hashes to {}, recorded {recorded}",
                self.from_ledger
            ))
        } else if *recorded != self.from_store {
            Some(format!(
                "the store's default graph shows content hashing to {}, recorded {recorded}",
                self.from_store
            ))
        } else {
            None
        }
    }
}

/// Recomputes the content hash of every article in the store.
pub fn verify(store: &GraphStore) -> Result<Vec<ArticleCheck>, HashError> {
    store
        .article_ids()?
        .iter()
        .map(|id| verify_article(store, id))
        .collect()
}

/// Recomputes one article's content hash from the store.
pub fn verify_article(store: &GraphStore, id: &str) -> Result<ArticleCheck, HashError> {
    let iris = store.iris();
    let article = iris.article(id);
    let ledger = iris.article_ledger(id);
    let raw = store;
    let ledger_triples: Vec<Triple> = raw
        .quads_for_pattern(
            None,
            None,
            None,
            Some(GraphNameRef::NamedNode(ledger.as_ref())),
        )
        .map(|q| q.map(Triple::from))
        .collect::<Result<_, _>>()
        .map_err(StoreError::from)?;
    let hash_values = |triples: &mut dyn Iterator<Item = Triple>| -> BTreeSet<String> {
        triples
            .filter(|t| t.predicate == cg::CONTENT_HASH)
            .filter(|t| matches!(&t.subject, NamedOrBlankNode::NamedNode(s) if *s == article))
            .map(|t| match &t.object {
                Term::Literal(l) => l.value().to_owned(),
                other => other.to_string(),
            })
            .collect()
    };
    let in_ledger = hash_values(&mut ledger_triples.iter().cloned());
    let mut in_default = Vec::new();
    for q in raw.quads_for_pattern(
        Some(article.as_ref().into()),
        Some(cg::CONTENT_HASH),
        None,
        Some(GraphNameRef::DefaultGraph),
    ) {
        in_default.push(Triple::from(q.map_err(StoreError::from)?));
    }
    let in_default = hash_values(&mut in_default.into_iter());
    let recorded_in_both = in_ledger.len() == 1 && in_ledger == in_default;
    let recorded: Vec<String> = in_ledger.union(&in_default).cloned().collect();

    // The article's own resources: the article, its claims, and their fragment nodes.
    let owners: BTreeSet<NamedNode> = ledger_triples
        .iter()
        .filter(|t| {
            t.predicate == rdf::TYPE
                && (t.object == cg::CLAIM.into() || t.object == cg::ARTICLE.into())
        })
        .filter_map(|t| match &t.subject {
            NamedOrBlankNode::NamedNode(n) => Some(n.clone()),
            NamedOrBlankNode::BlankNode(_) => None,
        })
        .collect();
    let graphs: BTreeSet<NamedNode> = ledger_triples
        .iter()
        .filter(|t| t.predicate == cg::HAS_PROPOSITION)
        .filter_map(|t| match &t.object {
            Term::NamedNode(g) => Some(g.clone()),
            _ => None,
        })
        .collect();
    let mut proposition_quads = Vec::new();
    for g in &graphs {
        for q in raw.quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g.as_ref())))
        {
            proposition_quads.push(q.map_err(StoreError::from)?);
        }
    }

    let from_ledger_quads: Vec<Quad> = ledger_triples
        .iter()
        .filter(|t| hashed(&ledger, t))
        .map(|t| t.clone().in_graph(GraphName::DefaultGraph))
        .chain(proposition_quads.iter().cloned())
        .collect();

    // What the default graph shows: the ledger's triples that are still there, and
    // every triple about the article's own resources (an added triple counts too).
    let mut shown: BTreeSet<String> = BTreeSet::new();
    let mut from_store_quads = Vec::new();
    let mut keep = |q: Quad, quads: &mut Vec<Quad>| {
        if shown.insert(q.to_string()) {
            quads.push(q);
        }
    };
    for t in ledger_triples.iter().filter(|t| hashed(&ledger, t)) {
        let q = t.clone().in_graph(GraphName::DefaultGraph);
        if raw.contains(q.as_ref()).map_err(StoreError::from)? {
            keep(q, &mut from_store_quads);
        }
    }
    // Every subject the ledger describes that is the article's own (the article, its
    // claims and their fragments), read back from the default graph by subject.
    let owned_subjects: BTreeSet<NamedNode> = ledger_triples
        .iter()
        .filter_map(|t| match &t.subject {
            NamedOrBlankNode::NamedNode(n) => Some(n.clone()),
            NamedOrBlankNode::BlankNode(_) => None,
        })
        .filter(|s| {
            owners
                .iter()
                .any(|o| crate::read::describe::belongs_to(&s.clone().into(), o.as_ref()))
        })
        .collect();
    for subject in &owned_subjects {
        for q in raw.quads_for_pattern(
            Some(subject.as_ref().into()),
            None,
            None,
            Some(GraphNameRef::DefaultGraph),
        ) {
            let q = q.map_err(StoreError::from)?;
            if hashed(&ledger, &Triple::from(q.clone())) {
                keep(q, &mut from_store_quads);
            }
        }
    }
    from_store_quads.extend(proposition_quads);

    let what = format!("article {id}");
    let from_ledger = content_hash(from_ledger_quads.iter().map(Quad::as_ref), &what)?;
    // Canonicalizing is the costly part: when both views hold the same quads, once is enough.
    let as_set = |quads: &[Quad]| {
        quads
            .iter()
            .map(Quad::to_string)
            .collect::<BTreeSet<String>>()
    };
    let from_store = if as_set(&from_ledger_quads) == as_set(&from_store_quads) {
        from_ledger.clone()
    } else {
        content_hash(from_store_quads.iter().map(Quad::as_ref), &what)?
    };
    Ok(ArticleCheck {
        article: id.to_owned(),
        recorded,
        recorded_in_both,
        from_ledger,
        from_store,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::BlankNode;

    fn ex(s: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("https://example.org/{s}"))
    }

    #[test]
    fn the_hash_ignores_blank_node_labels_and_order() {
        let (a, b) = (
            BlankNode::new_unchecked("x1"),
            BlankNode::new_unchecked("zz"),
        );
        let one = [
            Quad::new(ex("s"), ex("p"), a.clone(), GraphName::DefaultGraph),
            Quad::new(a, ex("q"), Literal::new_simple_literal("v"), ex("g")),
        ];
        let other = [
            Quad::new(
                b.clone(),
                ex("q"),
                Literal::new_simple_literal("v"),
                ex("g"),
            ),
            Quad::new(ex("s"), ex("p"), b, GraphName::DefaultGraph),
        ];
        let h1 = content_hash(one.iter().map(Quad::as_ref), "one").unwrap();
        let h2 = content_hash(other.iter().map(Quad::as_ref), "other").unwrap();
        assert_eq!(h1, h2);
        assert_eq!(h1.len(), 64);
        let changed = [Quad::new(
            ex("s"),
            ex("p"),
            Literal::new_simple_literal("w"),
            GraphName::DefaultGraph,
        )];
        assert_ne!(
            h1,
            content_hash(changed.iter().map(Quad::as_ref), "changed").unwrap()
        );
    }

    #[test]
    fn canonical_form_relabels_blank_nodes() {
        let q = [Quad::new(
            BlankNode::new_unchecked("anything"),
            ex("p"),
            ex("o"),
            GraphName::DefaultGraph,
        )];
        let c = canonical_nquads(q.iter().map(Quad::as_ref), "x").unwrap();
        assert_eq!(
            c,
            "_:c14n0 <https://example.org/p> <https://example.org/o> .\n"
        );
    }
}
