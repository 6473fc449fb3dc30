//! The default graph read into memory once, for a build that renders every page: each
//! lookup of the page read model ([`crate::read::model::Facts`]) becomes a binary search
//! over two sorted arrays instead of an index seek in the engine.
//!
//! Oxigraph decodes every term of every quad a pattern matches, the bound subject,
//! predicate and graph too, and decoding an IRI is a lookup of its own: two thirds of a
//! full build's time at 1,000 articles went there, a few dozen lookups per page. Read in
//! one pass, each term is decoded once for the whole build. Lookups answer in the
//! engine's own order (by its encoded terms), so a page is the same byte for byte whether
//! its facts came from here or from the store.

use indexmap::IndexSet;
use oxigraph::model::{GraphNameRef, NamedNodeRef, Term};
use rustc_hash::{FxBuildHasher, FxHashMap};

use crate::store::{GraphStore, StoreError};

/// The triples of the default graph as numbered terms, indexed both ways.
pub struct GraphSnapshot {
    /// Every term of the graph, numbered in the order it was first read.
    terms: IndexSet<Term, FxBuildHasher>,
    /// The numbers of the predicates by IRI: a lookup names its predicate by reference,
    /// and the few dozen predicates are found without building a term.
    predicates: FxHashMap<Box<str>, u32>,
    /// `[subject, predicate, object]`, sorted by subject and predicate; the objects of
    /// one pair in the order the engine lists them.
    by_subject: Vec<[u32; 3]>,
    /// `[predicate, object, subject]`, sorted by predicate and object; the subjects of
    /// one pair in the order the engine lists them.
    by_object: Vec<[u32; 3]>,
}

impl GraphSnapshot {
    /// Reads the store's default graph in one scan. The scan runs in the engine's
    /// subject-predicate-object order and the sorts below are stable, so each pair's
    /// objects keep the order a lookup in the engine gives, and so do each pair's
    /// subjects (a scan by subject meets them in the order the engine sorts them by).
    /// `None` when the graph has more than `max_triples` triples: it is left where it is
    /// rather than filling the machine's memory.
    pub fn read(
        store: &GraphStore,
        max_triples: usize,
    ) -> Result<Option<GraphSnapshot>, StoreError> {
        let mut terms: IndexSet<Term, FxBuildHasher> = IndexSet::default();
        let mut by_subject = Vec::new();
        for quad in store.quads_for_pattern(None, None, None, Some(GraphNameRef::DefaultGraph)) {
            let quad = quad?;
            if by_subject.len() == max_triples {
                return Ok(None);
            }
            let mut number = |term: Term| -> Result<u32, StoreError> {
                let (index, _) = terms.insert_full(term);
                u32::try_from(index).map_err(|_| {
                    StoreError::Query(
                        "the default graph has more terms than a build holds in memory".into(),
                    )
                })
            };
            by_subject.push([
                number(quad.subject.into())?,
                number(quad.predicate.into())?,
                number(quad.object)?,
            ]);
        }
        let mut by_object: Vec<[u32; 3]> = by_subject.iter().map(|&[s, p, o]| [p, o, s]).collect();
        by_subject.sort_by_key(|t| (t[0], t[1]));
        by_object.sort_by_key(|t| (t[0], t[1]));
        by_subject.shrink_to_fit();
        let mut predicates = FxHashMap::default();
        for run in by_object.chunk_by(|a, b| a[0] == b[0]) {
            if let Term::NamedNode(p) = &terms[run[0][0] as usize] {
                predicates.insert(p.as_str().into(), run[0][0]);
            }
        }
        Ok(Some(GraphSnapshot {
            terms,
            predicates,
            by_subject,
            by_object,
        }))
    }

    /// How many triples the snapshot holds.
    pub fn len(&self) -> usize {
        self.by_subject.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_subject.is_empty()
    }

    /// The objects of `subject predicate ?o`.
    pub fn objects(&self, subject: &Term, predicate: NamedNodeRef<'_>) -> Vec<Term> {
        match (self.terms.get_index_of(subject), self.predicate(predicate)) {
            (Some(subject), Some(predicate)) => self.third(&self.by_subject, subject, predicate),
            _ => Vec::new(),
        }
    }

    /// The subjects of `?s predicate object`.
    pub fn subjects(&self, predicate: NamedNodeRef<'_>, object: &Term) -> Vec<Term> {
        match (self.predicate(predicate), self.terms.get_index_of(object)) {
            (Some(predicate), Some(object)) => self.third(&self.by_object, predicate, object),
            _ => Vec::new(),
        }
    }

    fn predicate(&self, predicate: NamedNodeRef<'_>) -> Option<usize> {
        self.predicates.get(predicate.as_str()).map(|&p| p as usize)
    }

    /// The third terms of the triples of `index` that start with `first` and `second`.
    fn third(&self, index: &[[u32; 3]], first: usize, second: usize) -> Vec<Term> {
        let key = (first as u32, second as u32);
        let start = index.partition_point(|t| (t[0], t[1]) < key);
        index[start..]
            .iter()
            .take_while(|t| (t[0], t[1]) == key)
            .filter_map(|t| self.terms.get_index(t[2] as usize).cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::graph::Iris;
    use oxigraph::model::{GraphName, Literal, NamedNode, Quad};

    fn node(iri: &str) -> NamedNode {
        NamedNode::new(iri).expect("test IRI")
    }

    #[test]
    fn lookups_answer_as_the_store_does_in_its_order() {
        let store = GraphStore::in_memory(Iris::new("https://claimgraph.example/").expect("base"))
            .expect("store");
        let engine = store.embedded().expect("embedded");
        let p = node("http://example.org/p");
        let q = node("http://example.org/q");
        let mut quads = Vec::new();
        for s in 0..30 {
            for o in 0..7 {
                quads.push(Quad::new(
                    node(&format!("http://example.org/s{s}")),
                    if (s + o) % 3 == 0 {
                        q.clone()
                    } else {
                        p.clone()
                    },
                    if o % 2 == 0 {
                        Term::from(node(&format!("http://example.org/o{}", (s * o) % 11)))
                    } else {
                        Term::from(Literal::new_language_tagged_literal_unchecked(
                            format!("l{o}"),
                            "en",
                        ))
                    },
                    GraphName::DefaultGraph,
                ));
            }
        }
        quads.push(Quad::new(
            node("http://example.org/s1"),
            p.clone(),
            node("http://example.org/elsewhere"),
            node("http://example.org/g"),
        ));
        engine.extend(quads).expect("load");
        let snapshot = GraphSnapshot::read(&store, usize::MAX)
            .expect("snapshot")
            .expect("within the limit");
        let in_default_graph = store
            .quads_for_pattern(None, None, None, Some(GraphNameRef::DefaultGraph))
            .count();
        assert!(in_default_graph > 150);
        assert_eq!(snapshot.len(), in_default_graph);
        assert!(GraphSnapshot::read(&store, in_default_graph - 1)
            .expect("read")
            .is_none());
        assert!(GraphSnapshot::read(&store, in_default_graph)
            .expect("read")
            .is_some());

        let from_store = |s: Option<&NamedNode>, pred: &NamedNode, o: Option<&Term>| -> Vec<Term> {
            store
                .quads_for_pattern(
                    s.map(|s| s.as_ref().into()),
                    Some(pred.as_ref()),
                    o.map(|o| o.as_ref()),
                    Some(GraphNameRef::DefaultGraph),
                )
                .map(|quad| {
                    let quad = quad.expect("quad");
                    if s.is_some() {
                        quad.object
                    } else {
                        quad.subject.into()
                    }
                })
                .collect()
        };
        for s in 0..31 {
            let subject = node(&format!("http://example.org/s{s}"));
            for pred in [&p, &q] {
                assert_eq!(
                    snapshot.objects(&subject.clone().into(), pred.as_ref()),
                    from_store(Some(&subject), pred, None),
                    "objects of s{s}"
                );
            }
        }
        for o in 0..12 {
            let object: Term = node(&format!("http://example.org/o{o}")).into();
            for pred in [&p, &q] {
                let subjects = snapshot.subjects(pred.as_ref(), &object);
                assert_eq!(
                    subjects,
                    from_store(None, pred, Some(&object)),
                    "subjects of o{o}"
                );
            }
        }
        let literal: Term = Literal::new_language_tagged_literal_unchecked("l1", "en").into();
        assert_eq!(
            snapshot.subjects(p.as_ref(), &literal),
            from_store(None, &p, Some(&literal))
        );
        assert!(!snapshot.subjects(p.as_ref(), &literal).is_empty());
        // Named graphs are not the default graph's.
        assert!(snapshot
            .subjects(p.as_ref(), &node("http://example.org/elsewhere").into())
            .is_empty());
    }
}
