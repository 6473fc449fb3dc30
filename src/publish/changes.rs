//! What an incremental build reads from the store to tell what changed since the last
//! build: the state it compares ([`StoreState`]) and the resources whose pages a change
//! reaches ([`Footprints`]).
//!
//! The state is cheap to read whole (a few index scans): each article's content hash
//! (`cg:contentHash`, over everything its sheet contributed), a digest of each
//! resource's derived triples (status, status basis, corroborations: what another
//! article's import can change), and a digest of each entity's own description. The
//! footprint of an article is the set of resource page stems its contribution names
//! (its article, claims, documents, the entities and claims its claims name); the pages a
//! change reaches are those stems widened by one hop in the default graph around every
//! article, claim and document among them ([`Footprints::widen`]), since those pages show
//! their neighbours' titles, statements and statuses. Entities are not widened (a
//! hub entity's neighbours are thousands of claims): an entity whose own description
//! changed makes the build a full one.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};

use oxigraph::model::{
    GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNodeRef, Quad, Term, TermRef,
};

use crate::model::graph::Iris;
use crate::model::vocab::{cg, rdf};
use crate::read::view::is_safe_resource_path;
use crate::store::{GraphStore, StoreError};

/// The predicates the status derivation writes ([`crate::write::derive`]).
const DERIVED: [NamedNodeRef<'static>; 3] = [cg::STATUS, cg::STATUS_BASIS, cg::CORROBORATED_BY];

/// What the store holds that the pages depend on, in the form a manifest keeps.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StoreState {
    /// Article IRI -> its content hash.
    pub articles: HashMap<String, String>,
    /// Resource IRI -> digest of its derived triples.
    pub derived: HashMap<String, u64>,
    /// Entity IRI -> digest of its own default-graph triples.
    pub entities: HashMap<String, u64>,
}

impl StoreState {
    /// Reads the state of `store`.
    pub fn read(store: &GraphStore) -> Result<StoreState, StoreError> {
        let oxi = store;
        let default = Some(GraphNameRef::DefaultGraph);
        let mut state = StoreState::default();
        for quad in oxi.quads_for_pattern(None, Some(cg::CONTENT_HASH), None, default) {
            let quad = quad?;
            if let (NamedOrBlankNodeRef::NamedNode(article), Term::Literal(hash)) =
                (quad.subject.as_ref(), &quad.object)
            {
                state
                    .articles
                    .insert(article.as_str().to_owned(), hash.value().to_owned());
            }
        }
        for predicate in DERIVED {
            for quad in oxi.quads_for_pattern(None, Some(predicate), None, default) {
                let quad = quad?;
                if let NamedOrBlankNodeRef::NamedNode(subject) = quad.subject.as_ref() {
                    let digest = state
                        .derived
                        .entry(subject.as_str().to_owned())
                        .or_default();
                    *digest = digest.wrapping_add(triple_digest(&quad));
                }
            }
        }
        let entity_type = Term::from(NamedNode::from(cg::ENTITY));
        for quad in
            oxi.quads_for_pattern(None, Some(rdf::TYPE), Some(entity_type.as_ref()), default)
        {
            let quad = quad?;
            // A fragment node (an article's `#publisher`) is part of its resource, whose
            // content hash covers it.
            let NamedOrBlankNodeRef::NamedNode(entity) = quad.subject.as_ref() else {
                continue;
            };
            if entity.as_str().contains('#') {
                continue;
            }
            let mut digest = 0u64;
            for own in oxi.quads_for_pattern(Some(entity.into()), None, None, default) {
                digest = digest.wrapping_add(triple_digest(&own?));
            }
            state.entities.insert(entity.as_str().to_owned(), digest);
        }
        Ok(state)
    }
}

/// A digest of one triple, summed per subject, so the order the store gives them in does
/// not matter.
fn triple_digest(quad: &Quad) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    quad.predicate.as_str().hash(&mut hasher);
    quad.object.to_string().hash(&mut hasher);
    hasher.finish()
}

/// Reads which resource pages a change reaches.
pub struct Footprints<'a> {
    store: &'a GraphStore,
    iris: &'a Iris,
}

impl<'a> Footprints<'a> {
    pub fn new(store: &'a GraphStore) -> Self {
        Footprints {
            store,
            iris: store.iris(),
        }
    }

    /// The page stem (`id/org/hikvision`) of a resource IRI, fragment dropped; `None` for
    /// IRIs that have no page.
    pub fn stem_of(&self, iri: &str) -> Option<String> {
        let path = self.iris.path_of(iri)?;
        let path = path.split('#').next().unwrap_or(path);
        is_safe_resource_path(path).then(|| path.to_owned())
    }

    fn term_stem(&self, term: TermRef<'_>) -> Option<String> {
        match term {
            TermRef::NamedNode(n) => self.stem_of(n.as_str()),
            _ => None,
        }
    }

    /// The stems the contribution of the article `article_iri` names: every resource in
    /// its ledger and in its claims' proposition graphs. Empty for an article not in
    /// the store.
    pub fn article(&self, article_iri: &str) -> Result<BTreeSet<String>, StoreError> {
        let mut stems = BTreeSet::new();
        let Some(id) = self
            .stem_of(article_iri)
            .and_then(|s| s.strip_prefix("id/article/").map(str::to_owned))
        else {
            return Ok(stems);
        };
        stems.insert(format!("id/article/{id}"));
        let ledger = self.iris.article_ledger(&id);
        let oxi = self.store;
        let mut propositions = Vec::new();
        for quad in oxi.quads_for_pattern(None, None, None, Some(ledger.as_ref().into())) {
            let quad = quad?;
            if let NamedOrBlankNodeRef::NamedNode(s) = quad.subject.as_ref() {
                stems.extend(self.stem_of(s.as_str()));
            }
            stems.extend(self.term_stem(quad.object.as_ref()));
            if quad.predicate == cg::HAS_PROPOSITION {
                if let Term::NamedNode(graph) = quad.object {
                    propositions.push(graph);
                }
            }
        }
        for graph in propositions {
            for quad in oxi.quads_for_pattern(None, None, None, Some(graph.as_ref().into())) {
                let quad = quad?;
                if let NamedOrBlankNodeRef::NamedNode(s) = quad.subject.as_ref() {
                    stems.extend(self.stem_of(s.as_str()));
                }
                stems.extend(self.term_stem(quad.object.as_ref()));
            }
        }
        Ok(stems)
    }

    /// `stems` with the default-graph neighbours (both directions, and what a claim's
    /// proposition names) of every article, claim and document among them.
    pub fn widen(&self, stems: &HashSet<String>) -> Result<HashSet<String>, StoreError> {
        let oxi = self.store;
        let default = Some(GraphNameRef::DefaultGraph);
        let mut out = stems.clone();
        for stem in stems {
            if !matches!(kind_of(stem), "article" | "claim" | "doc") {
                continue;
            }
            let iri = self.iris.resolve(stem);
            for quad in oxi.quads_for_pattern(Some(iri.as_ref().into()), None, None, default) {
                let quad = quad?;
                out.extend(self.term_stem(quad.object.as_ref()));
                if quad.predicate == cg::HAS_PROPOSITION {
                    if let Term::NamedNode(graph) = &quad.object {
                        for named in
                            oxi.quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
                        {
                            let named = named?;
                            if let NamedOrBlankNodeRef::NamedNode(s) = named.subject.as_ref() {
                                out.extend(self.stem_of(s.as_str()));
                            }
                            out.extend(self.term_stem(named.object.as_ref()));
                        }
                    }
                }
            }
            let object = Term::from(iri);
            for quad in oxi.quads_for_pattern(None, None, Some(object.as_ref()), default) {
                if let NamedOrBlankNodeRef::NamedNode(s) = quad?.subject.as_ref() {
                    out.extend(self.stem_of(s.as_str()));
                }
            }
        }
        Ok(out)
    }
}

/// The kind segment of a stem: `org` in `id/org/hikvision`, `claim`, `article`, `doc`.
pub fn kind_of(stem: &str) -> &str {
    stem.split('/').nth(1).unwrap_or_default()
}
