//! Claim statuses, derived from the responses that answer each claim: for every claim
//! ([`derive_all`]) or only for the claims a write touched ([`derive_touched`]).
//!
//! The rules are the ones `queries/derive-status.ru` states in SPARQL; that update stays
//! the reference (`claimgraph derive --reference` runs it, and the tests hold the two
//! equal on randomized corpora). They are computed here from direct index lookups
//! instead, because the update's "same proposition, independent origin" join grows with
//! the square of the claims sharing a proposition and cannot be limited to the part of
//! the store an import changed.
//!
//! What a claim's derived triples (`cg:status`, `cg:statusBasis`, `cg:corroboratedBy`)
//! depend on, and so what a write must note in [`Touched`]: the claim's own triples
//! (kinds, claimant, document, subjects, proposition), the responses that answer it, the
//! claims whose propositions share a triple with its own or that corroborate it, and the
//! relay chains between their documents (independence of origin). [`derive_touched`]
//! re-derives the touched claims and every claim whose corroborations may involve them.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use oxigraph::model::{
    GraphName, GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNodeRef, Quad, QuadRef, Term,
    TermRef, Triple, TripleRef,
};
use oxigraph::store::{StorageError, Store, Transaction};

use crate::model::vocab::{cg, rdf};
use crate::store::on_engine::OnEngine;

macro_rules! cg_terms {
    ($($name:ident = $local:literal;)*) => {
        $(const $name: NamedNodeRef<'static> =
            NamedNodeRef::new_unchecked(concat!("https://claimgraph.example/ns#", $local));)*
    };
}

// The response kinds that rank a status, and the statuses (ontology/claimgraph.ttl).
cg_terms! {
    CORROBORATION = "Corroboration";
    RETRACTION = "Retraction";
    CORRECTION = "Correction";
    DENIAL = "Denial";
    OBJECTION = "Objection";
    REFUSAL_TO_COMMENT = "RefusalToComment";
    NON_ANSWER = "NonAnswer";
    NOT_REACHABLE = "NotReachable";
    RETRACTED = "Retracted";
    CORRECTED = "Corrected";
    DENIED_BY_SUBJECT = "DeniedBySubject";
    DISPUTED = "Disputed";
    CORROBORATED = "Corroborated";
    DECLINED_TO_COMMENT = "DeclinedToComment";
    UNCONTESTED = "Uncontested";
}

/// The derived predicates: everything a derivation deletes and writes.
pub const DERIVED: [NamedNodeRef<'static>; 3] = [cg::STATUS, cg::STATUS_BASIS, cg::CORROBORATED_BY];

/// What a write changed that statuses depend on, gathered while writing (old and new
/// triples of each sheet written) and handed to [`derive_touched`].
#[derive(Debug, Default, Clone)]
pub struct Touched {
    /// Claims written or removed, and the claims their responses answer or answered.
    claims: HashSet<Term>,
    /// `cg:relays` links that entered or left the default graph: (relaying, relayed).
    relays_changed: Vec<(Term, Term)>,
    /// The links among those that left it (the chains as they were still run through them).
    relays_removed: Vec<(Term, Term)>,
    /// Something was written whose effect on statuses is not tracked (plain RDF files).
    everything: bool,
}

impl Touched {
    /// Everything may have changed: [`derive_touched`] derives every status.
    pub fn everything() -> Self {
        Touched {
            everything: true,
            ..Touched::default()
        }
    }

    /// Whether something untracked was written, so that every status must be derived.
    pub fn is_everything(&self) -> bool {
        self.everything
    }

    pub fn is_empty(&self) -> bool {
        !self.everything && self.claims.is_empty() && self.relays_changed.is_empty()
    }

    /// How many claims were noted (before the claims around them are added).
    pub fn claims(&self) -> usize {
        self.claims.len()
    }

    pub fn merge(&mut self, other: Touched) {
        self.claims.extend(other.claims);
        self.relays_changed.extend(other.relays_changed);
        self.relays_removed.extend(other.relays_removed);
        self.everything |= other.everything;
    }

    /// Notes a triple a sheet wrote or removed: the claim it describes, and the claim
    /// it answers.
    pub fn note(&mut self, triple: TripleRef<'_>) {
        let p = triple.predicate;
        let describes_claim = p == cg::CLAIMANT
            || p == cg::MADE_IN
            || p == cg::HAS_PROPOSITION
            || p == cg::ABOUT
            || p == cg::ANSWERS
            || (p == rdf::TYPE
                && matches!(triple.object, TermRef::NamedNode(k) if k == cg::CLAIM || k == cg::RESPONSE));
        if describes_claim {
            self.claims.insert(triple.subject.into_owned().into());
        }
        if p == cg::ANSWERS {
            self.claims.insert(triple.object.into_owned());
        }
    }

    /// Notes a `cg:relays` link that entered (`removed` false) or left the default graph.
    pub fn note_relay(&mut self, triple: TripleRef<'_>, removed: bool) {
        let link = (
            Term::from(triple.subject.into_owned()),
            triple.object.into_owned(),
        );
        if removed {
            self.relays_removed.push(link.clone());
        }
        self.relays_changed.push(link);
    }
}

/// What a derivation did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Derivation {
    /// Claims (and answered resources) whose derived triples were recomputed.
    pub rederived: usize,
    /// Derived triples written.
    pub written: usize,
    /// Whether every status was derived (rather than those around the touched claims).
    pub full: bool,
}

/// Re-derives every status in the store, in `tx`; the facts are read from `committed`
/// when given (see [`derive_touched`]).
pub fn derive_all(
    tx: &mut Transaction<'_>,
    committed: Option<&Store>,
) -> Result<Derivation, StorageError> {
    let (scope, derived) = {
        let facts = Facts::new(match committed {
            Some(store) => Reader::Store(store),
            None => Reader::Transaction(tx),
        });
        facts.preload()?;
        // Whatever the rules can give a derived triple: claims, claims with a
        // proposition, and whatever a response answers.
        let mut scope: HashSet<Term> = HashSet::new();
        for q in facts
            .reader
            .default_quads(None, rdf::TYPE, Some(cg::CLAIM.into()))
        {
            scope.insert(q?.subject.into());
        }
        for q in facts.reader.default_quads(None, cg::HAS_PROPOSITION, None) {
            scope.insert(q?.subject.into());
        }
        for q in facts.reader.default_quads(None, cg::ANSWERS, None) {
            scope.insert(q?.object);
        }
        let derived = facts.derive(&scope)?;
        (scope, derived)
    };
    // Every derived triple goes, also those of resources no longer in scope.
    for p in DERIVED {
        let old: Vec<Quad> = default_quads(tx, None, p, None).collect::<Result<_, _>>()?;
        for q in &old {
            tx.remove(q);
        }
    }
    let written = insert(tx, &derived);
    Ok(Derivation {
        rederived: scope.len(),
        written,
        full: true,
    })
}

/// Re-derives, in `tx`, the statuses a write may have changed: those of the touched
/// claims, of the claims made in documents whose relay chains changed, and of every claim
/// sharing a proposition or a corroboration with those. The result is the same as
/// [`derive_all`]'s.
///
/// The facts are read from `committed` when given: the store as committed, for a
/// transaction that has written nothing yet (reading through a transaction costs more
/// per lookup); otherwise through `tx`, which then sees its own writes.
pub fn derive_touched(
    tx: &mut Transaction<'_>,
    committed: Option<&Store>,
    touched: &Touched,
) -> Result<Derivation, StorageError> {
    if touched.everything {
        return derive_all(tx, committed);
    }
    if touched.is_empty() {
        return Ok(Derivation::default());
    }
    let (affected, derived) = touched_statuses(
        Facts::new(match committed {
            Some(store) => Reader::Store(store),
            None => Reader::Transaction(tx),
        }),
        touched,
    )?;
    for resource in &affected {
        let Some(subject) = as_subject(resource) else {
            continue;
        };
        for p in DERIVED {
            let old: Vec<Quad> =
                default_quads(tx, Some(subject), p, None).collect::<Result<_, _>>()?;
            for q in &old {
                tx.remove(q);
            }
        }
    }
    let written = insert(tx, &derived);
    Ok(Derivation {
        rederived: affected.len(),
        written,
        full: false,
    })
}

/// The claims a write may have changed the statuses of (see [`derive_touched`]) and
/// their derived triples, read through `facts`.
fn touched_statuses(
    facts: Facts<'_, '_>,
    touched: &Touched,
) -> Result<(HashSet<Term>, Vec<Triple>), StorageError> {
    // Past a few thousand claims (a large batch), a few whole-predicate scans cost
    // less than a dozen lookups per claim.
    if touched.claims.len() > PRELOAD_ABOVE {
        facts.preload()?;
    }
    let mut scope = touched.claims.clone();
    // A changed link changes the independence of claims made on its two sides; every
    // such pair has one claim on the upstream side and one downstream, so re-deriving
    // the claims of the smaller side (with their partners, below) covers them all.
    for (relaying, relayed) in &touched.relays_changed {
        let up = facts.relay_closure(relaying, false, &touched.relays_removed)?;
        let down = facts.relay_closure(relayed, true, &touched.relays_removed)?;
        let side = if up.len() <= down.len() { up } else { down };
        for document in side {
            scope.extend(facts.subjects(&document, cg::MADE_IN)?.iter().cloned());
        }
    }
    let mut affected = scope.clone();
    for claim in &scope {
        affected.extend(facts.partners(claim)?);
        // Claims a touched claim corroborated until now, which may lose it.
        affected.extend(facts.subjects(claim, cg::CORROBORATED_BY)?.iter().cloned());
    }
    let derived = facts.derive(&affected)?;
    Ok((affected, derived))
}

/// [`derive_touched`]'s statuses for a dataset on a server engine, its facts read by
/// one query per lookup: the resources re-derived and their derived triples, for the
/// caller to write. For a batch small enough that lookups cost less than the engine's
/// own run of the reference rules over every claim ([`PRELOAD_ABOVE`] claims at most).
pub fn touched_statuses_on_engine(
    engine: &OnEngine,
    touched: &Touched,
) -> Result<(HashSet<Term>, Vec<Triple>), StorageError> {
    touched_statuses(Facts::new(Reader::Engine(engine)), touched)
}

/// How many touched claims make [`derive_touched`] load the facts whole.
pub const PRELOAD_ABOVE: usize = 2_000;

/// Where the facts are read: the committed store, a transaction, or a server engine.
#[derive(Clone, Copy)]
enum Reader<'t, 'a> {
    Store(&'t Store),
    Transaction(&'t Transaction<'a>),
    Engine(&'t OnEngine),
}

type Quads<'r> = Box<dyn Iterator<Item = Result<Quad, StorageError>> + 'r>;

impl Reader<'_, '_> {
    fn quads(
        &self,
        subject: Option<NamedOrBlankNodeRef<'_>>,
        predicate: Option<NamedNodeRef<'_>>,
        object: Option<TermRef<'_>>,
        graph: Option<GraphNameRef<'_>>,
    ) -> Quads<'_> {
        match self {
            Reader::Store(s) => Box::new(s.quads_for_pattern(subject, predicate, object, graph)),
            Reader::Transaction(t) => {
                Box::new(t.quads_for_pattern(subject, predicate, object, graph))
            }
            Reader::Engine(e) => match e.quads_for_pattern(subject, predicate, object, graph) {
                Ok(quads) => Box::new(quads.into_iter().map(Ok)),
                Err(error) => Box::new(std::iter::once(Err(StorageError::Other(Box::new(error))))),
            },
        }
    }

    fn default_quads(
        &self,
        subject: Option<NamedOrBlankNodeRef<'_>>,
        predicate: NamedNodeRef<'_>,
        object: Option<TermRef<'_>>,
    ) -> Quads<'_> {
        self.quads(
            subject,
            Some(predicate),
            object,
            Some(GraphNameRef::DefaultGraph),
        )
    }
}

fn insert(tx: &mut Transaction<'_>, derived: &[Triple]) -> usize {
    for t in derived {
        tx.insert(QuadRef::new(
            &t.subject,
            &t.predicate,
            &t.object,
            GraphNameRef::DefaultGraph,
        ));
    }
    derived.len()
}

fn default_quads<'a>(
    tx: &'a Transaction<'_>,
    subject: Option<NamedOrBlankNodeRef<'_>>,
    predicate: NamedNodeRef<'_>,
    object: Option<TermRef<'_>>,
) -> impl Iterator<Item = Result<Quad, StorageError>> + 'a {
    tx.quads_for_pattern(
        subject,
        Some(predicate),
        object,
        Some(GraphNameRef::DefaultGraph),
    )
}

fn as_subject(term: &Term) -> Option<NamedOrBlankNodeRef<'_>> {
    match term {
        Term::NamedNode(n) => Some(n.as_ref().into()),
        Term::BlankNode(b) => Some(b.as_ref().into()),
        _ => None,
    }
}

/// The kinds of a resource that the rules look at, as bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Kinds(u16);

impl Kinds {
    const CLAIM: u16 = 1;
    const RESPONSE: u16 = 1 << 1;
    const CORROBORATION: u16 = 1 << 2;
    const RETRACTION: u16 = 1 << 3;
    const CORRECTION: u16 = 1 << 4;
    const DENIAL: u16 = 1 << 5;
    const OBJECTION: u16 = 1 << 6;
    const DECLINING: u16 = 1 << 7;
    /// Any type at all (a response of any kind ranks a claim it answers at least 0).
    const TYPED: u16 = 1 << 8;

    fn of(class: NamedNodeRef<'_>) -> u16 {
        let bit = if class == cg::CLAIM {
            Self::CLAIM
        } else if class == cg::RESPONSE {
            Self::RESPONSE
        } else if class == CORROBORATION {
            Self::CORROBORATION
        } else if class == RETRACTION {
            Self::RETRACTION
        } else if class == CORRECTION {
            Self::CORRECTION
        } else if class == DENIAL {
            Self::DENIAL
        } else if class == OBJECTION {
            Self::OBJECTION
        } else if class == REFUSAL_TO_COMMENT || class == NON_ANSWER || class == NOT_REACHABLE {
            Self::DECLINING
        } else {
            0
        };
        bit | Self::TYPED
    }

    fn has(self, bit: u16) -> bool {
        self.0 & bit != 0
    }
}

/// The classes [`Kinds`] distinguishes, for loading them all at once.
const RANKED_CLASSES: [NamedNodeRef<'static>; 10] = [
    cg::CLAIM,
    cg::RESPONSE,
    CORROBORATION,
    RETRACTION,
    CORRECTION,
    DENIAL,
    OBJECTION,
    REFUSAL_TO_COMMENT,
    NON_ANSWER,
    NOT_REACHABLE,
];

/// The predicates the rules read, loaded whole by [`Facts::preload`].
const READ_PREDICATES: [NamedNodeRef<'static>; 7] = [
    cg::CLAIMANT,
    cg::MADE_IN,
    cg::ABOUT,
    cg::HAS_PROPOSITION,
    cg::ANSWERS,
    cg::RELAYS,
    cg::CORROBORATED_BY,
];

type Terms = Rc<Vec<Term>>;

/// The store's default-graph facts the rules read, looked up on first use and kept:
/// a claim's partners are read again for every claim they partner.
struct Facts<'t, 'a> {
    reader: Reader<'t, 'a>,
    objects: RefCell<HashMap<(Term, NamedNode), Terms>>,
    subjects: RefCell<HashMap<(Term, NamedNode), Terms>>,
    /// Whether the maps above hold every triple of the read predicates (after preload).
    complete: std::cell::Cell<bool>,
    kinds: RefCell<HashMap<Term, Kinds>>,
    graph_triples: RefCell<HashMap<NamedNode, Rc<Vec<Triple>>>>,
    graphs_with: RefCell<HashMap<Triple, Rc<Vec<NamedNode>>>>,
    reach: RefCell<HashMap<Term, Rc<HashSet<Term>>>>,
}

impl<'t, 'a> Facts<'t, 'a> {
    fn new(reader: Reader<'t, 'a>) -> Self {
        Facts {
            reader,
            objects: RefCell::default(),
            subjects: RefCell::default(),
            complete: std::cell::Cell::new(false),
            kinds: RefCell::default(),
            graph_triples: RefCell::default(),
            graphs_with: RefCell::default(),
            reach: RefCell::default(),
        }
    }

    /// Reads every triple of the predicates and classes the rules use in a few
    /// whole-predicate scans, for a derivation of every claim (one lookup per claim and
    /// predicate would cost far more).
    fn preload(&self) -> Result<(), StorageError> {
        let mut objects: HashMap<(Term, NamedNode), Vec<Term>> = HashMap::new();
        let mut subjects: HashMap<(Term, NamedNode), Vec<Term>> = HashMap::new();
        for p in READ_PREDICATES {
            for q in self.reader.default_quads(None, p, None) {
                let q = q?;
                let subject = Term::from(q.subject);
                objects
                    .entry((subject.clone(), q.predicate.clone()))
                    .or_default()
                    .push(q.object.clone());
                subjects
                    .entry((q.object, q.predicate))
                    .or_default()
                    .push(subject);
            }
        }
        let mut kinds: HashMap<Term, Kinds> = HashMap::new();
        for class in RANKED_CLASSES {
            for q in self
                .reader
                .default_quads(None, rdf::TYPE, Some(class.into()))
            {
                kinds.entry(q?.subject.into()).or_default().0 |= Kinds::of(class);
            }
        }
        *self.objects.borrow_mut() = objects.into_iter().map(|(k, v)| (k, Rc::new(v))).collect();
        *self.subjects.borrow_mut() = subjects.into_iter().map(|(k, v)| (k, Rc::new(v))).collect();
        *self.kinds.borrow_mut() = kinds;
        self.complete.set(true);
        Ok(())
    }

    /// The objects of `subject predicate ?o` in the default graph.
    fn objects(&self, subject: &Term, predicate: NamedNodeRef<'_>) -> Result<Terms, StorageError> {
        let key = (subject.clone(), predicate.into_owned());
        if let Some(found) = self.objects.borrow().get(&key) {
            return Ok(found.clone());
        }
        let found: Terms = if self.complete.get() && READ_PREDICATES.contains(&predicate) {
            Rc::default()
        } else {
            match as_subject(subject) {
                Some(s) => Rc::new(
                    self.reader
                        .default_quads(Some(s), predicate, None)
                        .map(|q| q.map(|q| q.object))
                        .collect::<Result<_, _>>()?,
                ),
                None => Rc::default(),
            }
        };
        self.objects.borrow_mut().insert(key, found.clone());
        Ok(found)
    }

    /// The subjects of `?s predicate object` in the default graph.
    fn subjects(&self, object: &Term, predicate: NamedNodeRef<'_>) -> Result<Terms, StorageError> {
        let key = (object.clone(), predicate.into_owned());
        if let Some(found) = self.subjects.borrow().get(&key) {
            return Ok(found.clone());
        }
        let found: Terms = if self.complete.get() && READ_PREDICATES.contains(&predicate) {
            Rc::default()
        } else {
            Rc::new(
                self.reader
                    .default_quads(None, predicate, Some(object.as_ref()))
                    .map(|q| q.map(|q| q.subject.into()))
                    .collect::<Result<_, _>>()?,
            )
        };
        self.subjects.borrow_mut().insert(key, found.clone());
        Ok(found)
    }

    fn kinds(&self, resource: &Term) -> Result<Kinds, StorageError> {
        if let Some(k) = self.kinds.borrow().get(resource) {
            return Ok(*k);
        }
        let mut kinds = Kinds::default();
        if let Some(s) = as_subject(resource) {
            if self.complete.get() {
                // The ranked classes are loaded; only whether it has any type is left.
                if self
                    .reader
                    .default_quads(Some(s), rdf::TYPE, None)
                    .next()
                    .transpose()?
                    .is_some()
                {
                    kinds.0 |= Kinds::TYPED;
                }
            } else {
                for q in self.reader.default_quads(Some(s), rdf::TYPE, None) {
                    if let Term::NamedNode(class) = q?.object {
                        kinds.0 |= Kinds::of(class.as_ref());
                    }
                }
            }
        }
        self.kinds.borrow_mut().insert(resource.clone(), kinds);
        Ok(kinds)
    }

    /// The triples of a proposition graph.
    fn graph_triples(&self, graph: &NamedNode) -> Result<Rc<Vec<Triple>>, StorageError> {
        if let Some(found) = self.graph_triples.borrow().get(graph) {
            return Ok(found.clone());
        }
        let found: Rc<Vec<Triple>> = Rc::new(
            self.reader
                .quads(None, None, None, Some(graph.as_ref().into()))
                .map(|q| q.map(Triple::from))
                .collect::<Result<_, _>>()?,
        );
        self.graph_triples
            .borrow_mut()
            .insert(graph.clone(), found.clone());
        Ok(found)
    }

    /// The named graphs holding `triple`.
    fn graphs_with(&self, triple: &Triple) -> Result<Rc<Vec<NamedNode>>, StorageError> {
        if let Some(found) = self.graphs_with.borrow().get(triple) {
            return Ok(found.clone());
        }
        let mut graphs = Vec::new();
        for q in self.reader.quads(
            Some(triple.subject.as_ref()),
            Some(triple.predicate.as_ref()),
            Some(triple.object.as_ref()),
            None,
        ) {
            if let GraphName::NamedNode(g) = q?.graph_name {
                graphs.push(g);
            }
        }
        let found = Rc::new(graphs);
        self.graphs_with
            .borrow_mut()
            .insert(triple.clone(), found.clone());
        Ok(found)
    }

    /// `document` and every document it relays, directly or down a chain (`relays*`).
    fn reach(&self, document: &Term) -> Result<Rc<HashSet<Term>>, StorageError> {
        if let Some(found) = self.reach.borrow().get(document) {
            return Ok(found.clone());
        }
        let found = Rc::new(self.relay_closure(document, true, &[])?);
        self.reach
            .borrow_mut()
            .insert(document.clone(), found.clone());
        Ok(found)
    }

    /// `start` and what it relays down the chains (`downstream`), or what relays it up
    /// the chains, also through the `extra` links (those a write removed).
    fn relay_closure(
        &self,
        start: &Term,
        downstream: bool,
        extra: &[(Term, Term)],
    ) -> Result<HashSet<Term>, StorageError> {
        let mut seen = HashSet::from([start.clone()]);
        let mut todo = vec![start.clone()];
        while let Some(node) = todo.pop() {
            let next = if downstream {
                self.objects(&node, cg::RELAYS)?
            } else {
                self.subjects(&node, cg::RELAYS)?
            };
            let more = extra.iter().filter_map(|(from, to)| match downstream {
                true if *from == node => Some(to),
                false if *to == node => Some(from),
                _ => None,
            });
            for n in next.iter().chain(more) {
                if seen.insert(n.clone()) {
                    todo.push(n.clone());
                }
            }
        }
        Ok(seen)
    }

    /// Whether two claims have independent origins: different claimants and documents
    /// neither of which relays the other, down any chain (some pair of their claimants
    /// and documents, as the SPARQL rule joins them).
    fn independent(&self, claim: &Term, other: &Term) -> Result<bool, StorageError> {
        let (claimants, documents) = (
            self.objects(claim, cg::CLAIMANT)?,
            self.objects(claim, cg::MADE_IN)?,
        );
        let (other_claimants, other_documents) = (
            self.objects(other, cg::CLAIMANT)?,
            self.objects(other, cg::MADE_IN)?,
        );
        let claimants_differ = claimants
            .iter()
            .any(|c| other_claimants.iter().any(|o| o != c));
        if !claimants_differ {
            return Ok(false);
        }
        for doc in documents.iter() {
            let from_doc = self.reach(doc)?;
            for other_doc in other_documents.iter() {
                if doc != other_doc
                    && !from_doc.contains(other_doc)
                    && !self.reach(other_doc)?.contains(doc)
                {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// The claims whose propositions share a triple with `claim`'s (in another graph).
    fn sharing_a_proposition(&self, claim: &Term) -> Result<Vec<Term>, StorageError> {
        let mut out = Vec::new();
        for graph in self.objects(claim, cg::HAS_PROPOSITION)?.iter() {
            let Term::NamedNode(graph) = graph else {
                continue;
            };
            for triple in self.graph_triples(graph)?.iter() {
                for other_graph in self.graphs_with(triple)?.iter() {
                    if other_graph != graph {
                        let g = Term::NamedNode(other_graph.clone());
                        out.extend(self.subjects(&g, cg::HAS_PROPOSITION)?.iter().cloned());
                    }
                }
            }
        }
        Ok(out)
    }

    /// The claims whose derived triples may name `claim` or depend on it beyond
    /// [`Touched`]: those sharing a proposition with it, and those it answers (as a
    /// corroboration).
    fn partners(&self, claim: &Term) -> Result<Vec<Term>, StorageError> {
        let mut out = self.sharing_a_proposition(claim)?;
        out.extend(self.objects(claim, cg::ANSWERS)?.iter().cloned());
        Ok(out)
    }

    /// The claims that independently corroborate `claim`: corroborating responses, and
    /// claims (not responses) with a proposition triple in common.
    fn corroborations(&self, claim: &Term) -> Result<HashSet<Term>, StorageError> {
        let mut out = HashSet::new();
        if self.objects(claim, cg::CLAIMANT)?.is_empty()
            || self.objects(claim, cg::MADE_IN)?.is_empty()
        {
            return Ok(out);
        }
        for response in self.subjects(claim, cg::ANSWERS)?.iter() {
            if self.kinds(response)?.has(Kinds::CORROBORATION)
                && !out.contains(response)
                && self.independent(claim, response)?
            {
                out.insert(response.clone());
            }
        }
        for other in self.sharing_a_proposition(claim)? {
            if !out.contains(&other)
                && !self.kinds(&other)?.has(Kinds::RESPONSE)
                && self.independent(claim, &other)?
            {
                out.insert(other);
            }
        }
        Ok(out)
    }

    /// The strongest applicable status: each response (and any corroboration) gives a
    /// rank, and the claim takes the highest; nothing when no rule applies.
    fn status(
        &self,
        claim: &Term,
        corroborated: bool,
    ) -> Result<Option<NamedNodeRef<'static>>, StorageError> {
        let mut best: Option<u8> = None;
        let mut rank = |r: u8| best = Some(best.map_or(r, |b| b.max(r)));
        if self.kinds(claim)?.has(Kinds::CLAIM) {
            rank(0);
        }
        if corroborated {
            rank(2);
        }
        let claimants = self.objects(claim, cg::CLAIMANT)?;
        if !claimants.is_empty() {
            let about = self.objects(claim, cg::ABOUT)?;
            for response in self.subjects(claim, cg::ANSWERS)?.iter() {
                let kinds = self.kinds(response)?;
                if !kinds.has(Kinds::TYPED) {
                    continue;
                }
                for responder in self.objects(response, cg::CLAIMANT)?.iter() {
                    let own = claimants.contains(responder);
                    let by_subject = about.contains(responder);
                    let r = if kinds.has(Kinds::RETRACTION) && own {
                        6
                    } else if kinds.has(Kinds::CORRECTION) && own {
                        5
                    } else if kinds.has(Kinds::DENIAL) && by_subject {
                        4
                    } else if kinds.has(Kinds::DENIAL) || kinds.has(Kinds::OBJECTION) {
                        3
                    } else if kinds.has(Kinds::DECLINING) {
                        1
                    } else {
                        0
                    };
                    rank(r);
                }
            }
        }
        Ok(best.map(|b| match b {
            6 => RETRACTED,
            5 => CORRECTED,
            4 => DENIED_BY_SUBJECT,
            3 => DISPUTED,
            2 => CORROBORATED,
            1 => DECLINED_TO_COMMENT,
            _ => UNCONTESTED,
        }))
    }

    /// Every derived triple of the resources in `scope`.
    fn derive(&self, scope: &HashSet<Term>) -> Result<Vec<Triple>, StorageError> {
        let mut out = Vec::new();
        for resource in scope {
            let Some(subject) = as_subject(resource) else {
                continue;
            };
            let subject = subject.into_owned();
            for response in self.subjects(resource, cg::ANSWERS)?.iter() {
                out.push(Triple::new(
                    subject.clone(),
                    cg::STATUS_BASIS,
                    response.clone(),
                ));
            }
            let corroborations = self.corroborations(resource)?;
            if let Some(status) = self.status(resource, !corroborations.is_empty())? {
                out.push(Triple::new(subject.clone(), cg::STATUS, status));
            }
            for other in corroborations {
                out.push(Triple::new(subject.clone(), cg::CORROBORATED_BY, other));
            }
        }
        Ok(out)
    }
}
