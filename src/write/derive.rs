//! Claim statuses, derived from the responses that answer each claim: for every claim
//! ([`derive_all`]), only for the claims a write touched ([`derive_touched`]), or for a
//! batch written whole into a store that held next to nothing, from the batch's facts
//! in memory ([`BatchFacts`]: a first bulk import reads nothing back).
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
//!
//! Every term read is numbered once ([`Interner`]) and the rules join numbers: a term is
//! decoded from the store (one string-table read per IRI) once per derivation, not once
//! per lookup that meets it.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;

use oxigraph::model::{
    GraphName, GraphNameRef, NamedNodeRef, NamedOrBlankNodeRef, Quad, QuadRef, Term, TermRef,
    Triple, TripleRef,
};
use oxigraph::store::{StorageError, Store, Transaction};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::model::graph::Contribution;
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
    let (rederived, derived) = {
        let facts = Facts::new(match committed {
            Some(store) => Reader::Store(store),
            None => Reader::Transaction(tx),
        });
        facts.preload(true)?;
        let scope = facts.whole_scope();
        (scope.len(), facts.derive(&scope)?)
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
        rederived,
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
        facts.preload(false)?;
    }
    let link = |(from, to): &(Term, Term)| (facts.id(from.clone()), facts.id(to.clone()));
    let relays_removed: Vec<(Id, Id)> = touched.relays_removed.iter().map(link).collect();
    let mut scope: FxHashSet<Id> = touched.claims.iter().map(|c| facts.id(c.clone())).collect();
    // A changed link changes the independence of claims made on its two sides; every
    // such pair has one claim on the upstream side and one downstream, so re-deriving
    // the claims of the smaller side (with their partners, below) covers them all.
    for (relaying, relayed) in touched.relays_changed.iter().map(link) {
        let up = facts.relay_closure(relaying, false, &relays_removed)?;
        let down = facts.relay_closure(relayed, true, &relays_removed)?;
        let side = if up.len() <= down.len() { up } else { down };
        for document in side {
            scope.extend(facts.subjects(document, Read::MadeIn)?.iter().copied());
        }
    }
    let mut affected = scope.clone();
    for &claim in &scope {
        affected.extend(facts.partners(claim)?);
        // Claims a touched claim corroborated until now, which may lose it.
        affected.extend(facts.subjects(claim, Read::CorroboratedBy)?.iter().copied());
    }
    let derived = facts.derive(&affected)?;
    let affected = affected
        .into_iter()
        .map(|id| Term::clone(&facts.term(id)))
        .collect();
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

/// Where the facts are read: the committed store, a transaction, or a server engine;
/// or nowhere, for facts held whole in memory ([`BatchFacts`]).
#[derive(Clone, Copy)]
enum Reader<'t, 'a> {
    Store(&'t Store),
    Transaction(&'t Transaction<'a>),
    Engine(&'t OnEngine),
    Nothing,
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
            Reader::Nothing => Box::new(std::iter::empty()),
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

/// The default-graph predicates the rules read: loaded whole by [`Facts::preload`],
/// gathered from a batch by [`BatchFacts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Read {
    Claimant,
    MadeIn,
    About,
    HasProposition,
    Answers,
    Relays,
    CorroboratedBy,
}

impl Read {
    const ALL: [Read; 7] = [
        Read::Claimant,
        Read::MadeIn,
        Read::About,
        Read::HasProposition,
        Read::Answers,
        Read::Relays,
        Read::CorroboratedBy,
    ];

    fn iri(self) -> NamedNodeRef<'static> {
        match self {
            Read::Claimant => cg::CLAIMANT,
            Read::MadeIn => cg::MADE_IN,
            Read::About => cg::ABOUT,
            Read::HasProposition => cg::HAS_PROPOSITION,
            Read::Answers => cg::ANSWERS,
            Read::Relays => cg::RELAYS,
            Read::CorroboratedBy => cg::CORROBORATED_BY,
        }
    }

    fn of(predicate: NamedNodeRef<'_>) -> Option<Read> {
        Self::ALL.into_iter().find(|r| r.iri() == predicate)
    }
}

/// A term as the derivation holds it: its place in [`Interner`]. The rules compare and
/// hash these numbers; each term is decoded from the store (or cloned) once.
type Id = usize;
type Ids = Rc<Vec<Id>>;

/// The terms the derivation has met, each once, numbered in the order met.
#[derive(Default)]
struct Interner {
    ids: FxHashMap<Rc<Term>, Id>,
    terms: Vec<Rc<Term>>,
}

impl Interner {
    fn id(&mut self, term: Term) -> Id {
        if let Some(&id) = self.ids.get(&term) {
            return id;
        }
        let id = self.terms.len();
        let term = Rc::new(term);
        self.terms.push(term.clone());
        self.ids.insert(term, id);
        id
    }

    fn id_of_ref(&mut self, term: TermRef<'_>) -> Id {
        self.id(term.into_owned())
    }
}

/// Facts read whole (by whole-predicate scans, or from a batch in memory), before
/// [`Facts::install`] indexes them.
#[derive(Default)]
struct Gathered {
    triples: Vec<(Id, Read, Id)>,
    kinds: FxHashMap<Id, Kinds>,
    /// The triples of named graphs, by graph (only proposition graphs are kept).
    graphs: FxHashMap<Id, Vec<[Id; 3]>>,
}

impl Gathered {
    /// Notes a default-graph triple the rules may read.
    fn triple(
        &mut self,
        terms: &mut Interner,
        subject: NamedOrBlankNodeRef<'_>,
        predicate: NamedNodeRef<'_>,
        object: TermRef<'_>,
    ) {
        if predicate == rdf::TYPE {
            let kind = match object {
                TermRef::NamedNode(class) => Kinds::of(class),
                _ => Kinds::TYPED,
            };
            let subject = terms.id_of_ref(subject.into());
            self.kinds.entry(subject).or_default().0 |= kind;
        } else if let Some(read) = Read::of(predicate) {
            let subject = terms.id_of_ref(subject.into());
            self.triples.push((subject, read, terms.id_of_ref(object)));
        }
    }

    /// Notes a triple of the named graph `graph`.
    fn graph_triple(
        &mut self,
        terms: &mut Interner,
        graph: NamedNodeRef<'_>,
        triple: TripleRef<'_>,
    ) {
        let graph = terms.id_of_ref(graph.into());
        let triple = [
            terms.id_of_ref(triple.subject.into()),
            terms.id_of_ref(triple.predicate.into()),
            terms.id_of_ref(triple.object),
        ];
        self.graphs.entry(graph).or_default().push(triple);
    }
}

/// The store's default-graph facts the rules read, looked up on first use and kept:
/// a claim's partners are read again for every claim they partner.
struct Facts<'t, 'a> {
    reader: Reader<'t, 'a>,
    terms: RefCell<Interner>,
    objects: RefCell<FxHashMap<(Id, Read), Ids>>,
    subjects: RefCell<FxHashMap<(Id, Read), Ids>>,
    /// Whether the maps above hold every triple of the read predicates (after preload).
    complete: Cell<bool>,
    /// Whether the two graph maps hold every proposition graph and its triples.
    graphs_complete: Cell<bool>,
    kinds: RefCell<FxHashMap<Id, Kinds>>,
    graph_triples: RefCell<FxHashMap<Id, Rc<Vec<[Id; 3]>>>>,
    /// The named graphs holding a triple (when complete: the proposition graphs only,
    /// the only ones the rules look further at).
    graphs_with: RefCell<FxHashMap<[Id; 3], Ids>>,
    reach: RefCell<FxHashMap<Id, Rc<FxHashSet<Id>>>>,
    none: Ids,
}

impl<'t, 'a> Facts<'t, 'a> {
    fn new(reader: Reader<'t, 'a>) -> Self {
        Facts {
            reader,
            terms: RefCell::default(),
            objects: RefCell::default(),
            subjects: RefCell::default(),
            complete: Cell::new(false),
            graphs_complete: Cell::new(false),
            kinds: RefCell::default(),
            graph_triples: RefCell::default(),
            graphs_with: RefCell::default(),
            reach: RefCell::default(),
            none: Rc::default(),
        }
    }

    fn id(&self, term: Term) -> Id {
        self.terms.borrow_mut().id(term)
    }

    fn term(&self, id: Id) -> Rc<Term> {
        self.terms.borrow().terms[id].clone()
    }

    fn ids(&self, terms: impl IntoIterator<Item = Term>) -> Vec<Id> {
        let mut interner = self.terms.borrow_mut();
        terms.into_iter().map(|t| interner.id(t)).collect()
    }

    /// Reads every triple of the predicates and classes the rules use in a few
    /// whole-predicate scans, for a derivation of many claims (one lookup per claim and
    /// predicate would cost far more); with `graphs`, every proposition graph too.
    fn preload(&self, graphs: bool) -> Result<(), StorageError> {
        let mut gathered = Gathered::default();
        {
            let mut terms = self.terms.borrow_mut();
            for read in Read::ALL {
                for q in self.reader.default_quads(None, read.iri(), None) {
                    let q = q?;
                    let subject = terms.id(q.subject.into());
                    gathered.triples.push((subject, read, terms.id(q.object)));
                }
            }
            for class in RANKED_CLASSES {
                for q in self
                    .reader
                    .default_quads(None, rdf::TYPE, Some(class.into()))
                {
                    let subject = terms.id(q?.subject.into());
                    gathered.kinds.entry(subject).or_default().0 |= Kinds::of(class);
                }
            }
        }
        if graphs {
            let propositions: FxHashSet<Id> = gathered
                .triples
                .iter()
                .filter(|(_, read, _)| *read == Read::HasProposition)
                .map(|(_, _, graph)| *graph)
                .collect();
            for graph in propositions {
                self.read_graph(graph, &mut gathered)?;
            }
        }
        self.install(gathered, graphs);
        Ok(())
    }

    /// Reads the triples of the named graph `graph` (if it is a named node) into `gathered`.
    fn read_graph(&self, graph: Id, gathered: &mut Gathered) -> Result<(), StorageError> {
        let term = self.term(graph);
        let Term::NamedNode(name) = &*term else {
            return Ok(());
        };
        let mut terms = self.terms.borrow_mut();
        for q in self
            .reader
            .quads(None, None, None, Some(name.as_ref().into()))
        {
            let q = q?;
            gathered.graph_triple(&mut terms, name.as_ref(), Triple::from(q).as_ref());
        }
        Ok(())
    }

    /// Indexes facts read whole; every lookup of a read predicate is then answered from
    /// memory, and with `graphs`, every proposition graph lookup too.
    fn install(&self, gathered: Gathered, graphs: bool) {
        let mut objects: FxHashMap<(Id, Read), Vec<Id>> = FxHashMap::default();
        let mut subjects: FxHashMap<(Id, Read), Vec<Id>> = FxHashMap::default();
        for &(subject, read, object) in &gathered.triples {
            objects.entry((subject, read)).or_default().push(object);
            subjects.entry((object, read)).or_default().push(subject);
        }
        let index = |map: FxHashMap<(Id, Read), Vec<Id>>| -> FxHashMap<(Id, Read), Ids> {
            map.into_iter()
                .map(|(key, mut found)| {
                    // The same triple may come from two sources (the store and a batch).
                    found.sort_unstable();
                    found.dedup();
                    (key, Rc::new(found))
                })
                .collect()
        };
        if graphs {
            let mut graph_triples = FxHashMap::default();
            let mut graphs_with: FxHashMap<[Id; 3], Vec<Id>> = FxHashMap::default();
            let mut gathered_graphs = gathered.graphs;
            for graph in subjects
                .keys()
                .filter(|(_, read)| *read == Read::HasProposition)
                .map(|(graph, _)| *graph)
            {
                let mut triples = gathered_graphs.remove(&graph).unwrap_or_default();
                triples.sort_unstable();
                triples.dedup();
                for triple in &triples {
                    graphs_with.entry(*triple).or_default().push(graph);
                }
                graph_triples.insert(graph, Rc::new(triples));
            }
            *self.graph_triples.borrow_mut() = graph_triples;
            *self.graphs_with.borrow_mut() = graphs_with
                .into_iter()
                .map(|(triple, graphs)| (triple, Rc::new(graphs)))
                .collect();
            self.graphs_complete.set(true);
        }
        *self.objects.borrow_mut() = index(objects);
        *self.subjects.borrow_mut() = index(subjects);
        *self.kinds.borrow_mut() = gathered.kinds;
        self.complete.set(true);
    }

    /// Every resource a full derivation covers, once the facts are loaded whole:
    /// claims, claims with a proposition, and whatever a response answers.
    fn whole_scope(&self) -> FxHashSet<Id> {
        let mut scope: FxHashSet<Id> = self
            .kinds
            .borrow()
            .iter()
            .filter(|(_, kinds)| kinds.has(Kinds::CLAIM))
            .map(|(id, _)| *id)
            .collect();
        scope.extend(
            self.objects
                .borrow()
                .keys()
                .filter(|(_, read)| *read == Read::HasProposition)
                .map(|(claim, _)| *claim),
        );
        scope.extend(
            self.subjects
                .borrow()
                .keys()
                .filter(|(_, read)| *read == Read::Answers)
                .map(|(answered, _)| *answered),
        );
        scope
    }

    /// The objects of `subject predicate ?o` in the default graph.
    fn objects(&self, subject: Id, predicate: Read) -> Result<Ids, StorageError> {
        if let Some(found) = self.objects.borrow().get(&(subject, predicate)) {
            return Ok(found.clone());
        }
        if self.complete.get() {
            return Ok(self.none.clone());
        }
        let term = self.term(subject);
        let found: Ids = match as_subject(&term) {
            Some(s) => Rc::new(
                self.ids(
                    self.reader
                        .default_quads(Some(s), predicate.iri(), None)
                        .map(|q| q.map(|q| q.object))
                        .collect::<Result<Vec<_>, _>>()?,
                ),
            ),
            None => self.none.clone(),
        };
        self.objects
            .borrow_mut()
            .insert((subject, predicate), found.clone());
        Ok(found)
    }

    /// The subjects of `?s predicate object` in the default graph.
    fn subjects(&self, object: Id, predicate: Read) -> Result<Ids, StorageError> {
        if let Some(found) = self.subjects.borrow().get(&(object, predicate)) {
            return Ok(found.clone());
        }
        if self.complete.get() {
            return Ok(self.none.clone());
        }
        let term = self.term(object);
        let found: Ids = Rc::new(
            self.ids(
                self.reader
                    .default_quads(None, predicate.iri(), Some(Term::as_ref(&term)))
                    .map(|q| q.map(|q| q.subject.into()))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        );
        self.subjects
            .borrow_mut()
            .insert((object, predicate), found.clone());
        Ok(found)
    }

    fn kinds(&self, resource: Id) -> Result<Kinds, StorageError> {
        if let Some(k) = self.kinds.borrow().get(&resource) {
            return Ok(*k);
        }
        let mut kinds = Kinds::default();
        let term = self.term(resource);
        if let Some(s) = as_subject(&term) {
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
                    kinds.0 |= match q?.object {
                        Term::NamedNode(class) => Kinds::of(class.as_ref()),
                        _ => Kinds::TYPED,
                    };
                }
            }
        }
        self.kinds.borrow_mut().insert(resource, kinds);
        Ok(kinds)
    }

    /// The triples of a proposition graph.
    fn graph_triples(&self, graph: Id) -> Result<Rc<Vec<[Id; 3]>>, StorageError> {
        if let Some(found) = self.graph_triples.borrow().get(&graph) {
            return Ok(found.clone());
        }
        let mut gathered = Gathered::default();
        if !self.graphs_complete.get() {
            self.read_graph(graph, &mut gathered)?;
        }
        let found = Rc::new(gathered.graphs.remove(&graph).unwrap_or_default());
        self.graph_triples.borrow_mut().insert(graph, found.clone());
        Ok(found)
    }

    /// The named graphs holding `triple`.
    fn graphs_with(&self, triple: [Id; 3]) -> Result<Ids, StorageError> {
        if let Some(found) = self.graphs_with.borrow().get(&triple) {
            return Ok(found.clone());
        }
        if self.graphs_complete.get() {
            return Ok(self.none.clone());
        }
        let [s, p, o] = triple.map(|id| self.term(id));
        let mut graphs = Vec::new();
        if let (Some(subject), Term::NamedNode(predicate)) = (as_subject(&s), &*p) {
            for q in self.reader.quads(
                Some(subject),
                Some(predicate.as_ref()),
                Some(Term::as_ref(&o)),
                None,
            ) {
                if let GraphName::NamedNode(g) = q?.graph_name {
                    graphs.push(self.id(g.into()));
                }
            }
        }
        let found = Rc::new(graphs);
        self.graphs_with.borrow_mut().insert(triple, found.clone());
        Ok(found)
    }

    /// `document` and every document it relays, directly or down a chain (`relays*`).
    fn reach(&self, document: Id) -> Result<Rc<FxHashSet<Id>>, StorageError> {
        if let Some(found) = self.reach.borrow().get(&document) {
            return Ok(found.clone());
        }
        let found = Rc::new(self.relay_closure(document, true, &[])?);
        self.reach.borrow_mut().insert(document, found.clone());
        Ok(found)
    }

    /// `start` and what it relays down the chains (`downstream`), or what relays it up
    /// the chains, also through the `extra` links (those a write removed).
    fn relay_closure(
        &self,
        start: Id,
        downstream: bool,
        extra: &[(Id, Id)],
    ) -> Result<FxHashSet<Id>, StorageError> {
        let mut seen = FxHashSet::from_iter([start]);
        let mut todo = vec![start];
        while let Some(node) = todo.pop() {
            let next = if downstream {
                self.objects(node, Read::Relays)?
            } else {
                self.subjects(node, Read::Relays)?
            };
            let more = extra.iter().filter_map(|&(from, to)| match downstream {
                true if from == node => Some(to),
                false if to == node => Some(from),
                _ => None,
            });
            for n in next.iter().copied().chain(more) {
                if seen.insert(n) {
                    todo.push(n);
                }
            }
        }
        Ok(seen)
    }

    /// Whether two claims have independent origins: different claimants and documents
    /// neither of which relays the other, down any chain (some pair of their claimants
    /// and documents, as the SPARQL rule joins them).
    fn independent(&self, claim: Id, other: Id) -> Result<bool, StorageError> {
        let (claimants, documents) = (
            self.objects(claim, Read::Claimant)?,
            self.objects(claim, Read::MadeIn)?,
        );
        let (other_claimants, other_documents) = (
            self.objects(other, Read::Claimant)?,
            self.objects(other, Read::MadeIn)?,
        );
        let claimants_differ = claimants
            .iter()
            .any(|c| other_claimants.iter().any(|o| o != c));
        if !claimants_differ {
            return Ok(false);
        }
        for &doc in documents.iter() {
            let from_doc = self.reach(doc)?;
            for &other_doc in other_documents.iter() {
                if doc != other_doc
                    && !from_doc.contains(&other_doc)
                    && !self.reach(other_doc)?.contains(&doc)
                {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// The claims whose propositions share a triple with `claim`'s (in another graph),
    /// each once.
    fn sharing_a_proposition(&self, claim: Id) -> Result<FxHashSet<Id>, StorageError> {
        let mut out = FxHashSet::default();
        for &graph in self.objects(claim, Read::HasProposition)?.iter() {
            for &triple in self.graph_triples(graph)?.iter() {
                for &other_graph in self.graphs_with(triple)?.iter() {
                    if other_graph != graph {
                        out.extend(
                            self.subjects(other_graph, Read::HasProposition)?
                                .iter()
                                .copied(),
                        );
                    }
                }
            }
        }
        Ok(out)
    }

    /// The claims whose derived triples may name `claim` or depend on it beyond
    /// [`Touched`]: those sharing a proposition with it, and those it answers (as a
    /// corroboration).
    fn partners(&self, claim: Id) -> Result<FxHashSet<Id>, StorageError> {
        let mut out = self.sharing_a_proposition(claim)?;
        out.extend(self.objects(claim, Read::Answers)?.iter().copied());
        Ok(out)
    }

    /// The claims that independently corroborate `claim`: corroborating responses, and
    /// claims (not responses) with a proposition triple in common.
    fn corroborations(&self, claim: Id) -> Result<FxHashSet<Id>, StorageError> {
        let mut out = FxHashSet::default();
        if self.objects(claim, Read::Claimant)?.is_empty()
            || self.objects(claim, Read::MadeIn)?.is_empty()
        {
            return Ok(out);
        }
        for &response in self.subjects(claim, Read::Answers)?.iter() {
            if self.kinds(response)?.has(Kinds::CORROBORATION)
                && !out.contains(&response)
                && self.independent(claim, response)?
            {
                out.insert(response);
            }
        }
        for other in self.sharing_a_proposition(claim)? {
            if !out.contains(&other)
                && !self.kinds(other)?.has(Kinds::RESPONSE)
                && self.independent(claim, other)?
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
        claim: Id,
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
        let claimants = self.objects(claim, Read::Claimant)?;
        if !claimants.is_empty() {
            let about = self.objects(claim, Read::About)?;
            for &response in self.subjects(claim, Read::Answers)?.iter() {
                let kinds = self.kinds(response)?;
                if !kinds.has(Kinds::TYPED) {
                    continue;
                }
                for responder in self.objects(response, Read::Claimant)?.iter() {
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
    fn derive(&self, scope: &FxHashSet<Id>) -> Result<Vec<Triple>, StorageError> {
        let mut out = Vec::new();
        for &resource in scope {
            let term = self.term(resource);
            let Some(subject) = as_subject(&term) else {
                continue;
            };
            let subject = subject.into_owned();
            let object = |id: Id| Term::clone(&self.term(id));
            for &response in self.subjects(resource, Read::Answers)?.iter() {
                out.push(Triple::new(
                    subject.clone(),
                    cg::STATUS_BASIS,
                    object(response),
                ));
            }
            let corroborations = self.corroborations(resource)?;
            if let Some(status) = self.status(resource, !corroborations.is_empty())? {
                out.push(Triple::new(subject.clone(), cg::STATUS, status));
            }
            for other in corroborations {
                out.push(Triple::new(
                    subject.clone(),
                    cg::CORROBORATED_BY,
                    object(other),
                ));
            }
        }
        Ok(out)
    }
}

/// The facts of a batch written into a store that held next to nothing before it,
/// gathered as the batch is written ([`crate::store::BatchWriter`]), so that every
/// status is derived from memory and written with the batch, without reading the store
/// back: the same derived triples [`derive_all`] gives on the store the batch leaves.
pub struct BatchFacts {
    terms: Interner,
    gathered: Gathered,
    /// Whether a contribution holds a derived triple, which a full derivation would
    /// replace: only a transaction can, so the batch is then derived in the store.
    holds_derived: bool,
}

impl BatchFacts {
    /// The facts of `store` when it holds at most [`BARE_STORE_QUADS`] quads (the
    /// ontology and perhaps a few plain RDF files) and no derived triple, all read now;
    /// `None` otherwise.
    pub fn of_bare_store(store: &Store) -> Result<Option<BatchFacts>, StorageError> {
        let mut facts = BatchFacts {
            terms: Interner::default(),
            gathered: Gathered::default(),
            holds_derived: false,
        };
        for (read, quad) in store.iter().enumerate() {
            if read >= BARE_STORE_QUADS {
                return Ok(None);
            }
            let quad = quad?;
            let triple = TripleRef::from(quad.as_ref());
            match &quad.graph_name {
                GraphName::DefaultGraph if DERIVED.contains(&triple.predicate) => {
                    // Derived triples a full derivation would replace: only a
                    // transaction can remove them, so the batch is derived in the store.
                    return Ok(None);
                }
                GraphName::DefaultGraph => facts.add_triple(triple),
                GraphName::NamedNode(graph) => {
                    facts
                        .gathered
                        .graph_triple(&mut facts.terms, graph.as_ref(), triple)
                }
                // The rules join proposition graphs by name only.
                GraphName::BlankNode(_) => {}
            }
        }
        Ok(Some(facts))
    }

    fn add_triple(&mut self, triple: TripleRef<'_>) {
        self.holds_derived |= DERIVED.contains(&triple.predicate);
        self.gathered.triple(
            &mut self.terms,
            triple.subject,
            triple.predicate,
            triple.object,
        );
    }

    /// Notes what a contribution written whole into the store brings.
    pub fn add_contribution(&mut self, contribution: &Contribution) {
        for triple in &contribution.triples {
            self.add_triple(triple.as_ref());
        }
        for (graph, triples) in &contribution.graphs {
            for triple in triples {
                self.gathered
                    .graph_triple(&mut self.terms, graph.as_ref(), triple.as_ref());
            }
        }
    }

    /// Every derived triple of the store the batch leaves, and what that derivation
    /// was; `None` when the batch must be derived in the store instead (something
    /// held derived triples).
    pub fn derive(self) -> Result<Option<(Vec<Triple>, Derivation)>, StorageError> {
        if self.holds_derived {
            return Ok(None);
        }
        let facts = Facts::new(Reader::Nothing);
        *facts.terms.borrow_mut() = self.terms;
        facts.install(self.gathered, true);
        let scope = facts.whole_scope();
        let derived = facts.derive(&scope)?;
        let done = Derivation {
            rederived: scope.len(),
            written: derived.len(),
            full: true,
        };
        Ok(Some((derived, done)))
    }
}

/// How many quads a store may hold for a batch into it to be derived in memory
/// ([`BatchFacts`]): the ontology and a few small RDF files, read whole in well under a
/// second.
const BARE_STORE_QUADS: usize = 100_000;
