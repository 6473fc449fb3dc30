//! The page read model: the rows of the page queries read with direct index lookups
//! instead of the SPARQL engine.
//!
//! Oxigraph plans a query anew on every execution, and for a page that reads a few dozen
//! triples the planning costs more than the reading. The pages' saved queries
//! (`queries/page-*.rq`, `entity-claims`) stay the specification and the public catalog;
//! for the ones every resource page runs, [`native_rows`] computes the same solutions
//! (same variables, same rows, the same ORDER BY) by walking the store's indexes through
//! [`GraphStore::quads_for_pattern`], hand-planned from the page's bound resource outwards.
//! `tests/read_model.rs` holds each form to its query on the seed store and a generated
//! corpus. [`Solutions`] is the small evaluator the forms are written in: each step
//! extends every row with the bindings a lookup from that row finds (a required step drops
//! rows without any, an optional one keeps them unbound), as SPARQL joins and OPTIONALs do.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use oxigraph::model::{
    GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNodeRef, Term, TermRef,
};

use crate::model::vocab::{self, cg, oa, owl, rdf, rdfs, schema, skos};
use crate::read::catalog::Table;
use crate::read::snapshot::GraphSnapshot;
use crate::store::{GraphStore, StoreError};

/// The saved queries [`native_rows`] answers without the SPARQL engine.
pub const NATIVE_QUERIES: [&str; 19] = [
    "page-search-claims",
    "page-entity-claim-counts",
    "page-document",
    "page-document-claims",
    "page-document-links",
    "page-article",
    "page-article-claims",
    "page-article-answers",
    "page-article-documents",
    "page-claims",
    "page-claim",
    "page-claim-propositions",
    "page-claim-responses",
    "page-relay-chain",
    "page-article-label",
    "page-entity",
    "entity-claims",
    "page-entity-answers",
    "page-entity-relations",
];

/// The solutions of page query `name` with `params` bound, read from the indexes; `None`
/// when the query has no native form (run it through the catalog).
pub fn native_rows(
    facts: &Facts<'_>,
    schema: &Schema,
    name: &str,
    params: &[(&str, Term)],
) -> Option<Result<Table, StoreError>> {
    let param = |p: &str| params.iter().find(|(n, _)| *n == p).map(|(_, t)| t.clone());
    let claim = || param("claim");
    let entity = || param("entity");
    Some(match name {
        "page-claims" => every_claim_rows(facts, schema),
        "page-search-claims" => search_claim_rows(facts, schema),
        "page-entity-claim-counts" => entity_card_count_rows(facts, schema),
        "page-document" => document_rows(facts, schema, param("document")?),
        "page-document-claims" => document_claim_rows(facts, schema, param("document")?),
        "page-document-links" => document_link_rows(facts, schema, param("document")?),
        "page-claim" => claim_rows(facts, schema, claim()?),
        "page-claim-propositions" => proposition_rows(facts, claim()?),
        "page-claim-responses" => response_rows(facts, schema, claim()?),
        "page-relay-chain" => {
            relay_chain_rows(facts, schema, param("article")?, param("document")?)
        }
        "page-article-label" => article_label_rows(facts, param("article")?),
        "page-article" => article_rows(facts, param("article")?),
        "page-article-claims" => article_claim_rows(facts, schema, param("article")?),
        "page-article-answers" => answer_rows(facts, schema, "article", param("article")?, None),
        "page-article-documents" => article_document_rows(facts, schema, param("article")?),
        "page-entity" => entity_rows(facts, entity()?),
        "entity-claims" => entity_claim_rows(facts, schema, entity()?, None),
        "page-entity-answers" => answer_rows(facts, schema, "entity", entity()?, None),
        "page-entity-relations" => entity_relation_rows(facts, schema, entity()?),
        _ => return None,
    })
}

/// What the page queries take from the ontology's class and property hierarchy, read
/// once per site (the ontology is bundled; it cannot change while the site runs).
#[derive(Debug, Default, Clone)]
pub struct Schema {
    /// The kinds of claim (`rdfs:subClassOf+ cg:Claim`, not `cg:Response`) with their
    /// English labels.
    claim_kinds: HashMap<String, Vec<Term>>,
    /// The direct subclasses of `cg:Response`.
    response_kinds: HashSet<String>,
    /// The direct subclasses of `cg:SourceDocument` with their English labels.
    document_kinds: HashMap<String, Vec<Term>>,
    /// The relay links (`rdfs:subPropertyOf cg:relays`) with their English labels.
    relay_links: Vec<(NamedNode, Vec<Term>)>,
    /// `cg:listedOn` and its subproperties (`rdfs:subPropertyOf*`).
    listings: HashSet<String>,
}

impl Schema {
    /// Reads the hierarchy from the store's default graph.
    pub fn read(store: &GraphStore) -> Result<Schema, StoreError> {
        let facts = Facts::new(store);
        let mut sub_classes: HashMap<String, Vec<String>> = HashMap::new();
        let mut sub_properties: HashMap<String, Vec<String>> = HashMap::new();
        for (p, into) in [
            (rdfs::SUB_CLASS_OF, &mut sub_classes),
            (rdfs::SUB_PROPERTY_OF, &mut sub_properties),
        ] {
            for q in store.quads_for_pattern(None, Some(p), None, Some(GraphNameRef::DefaultGraph))
            {
                let q = q?;
                if let (oxigraph::model::NamedOrBlankNode::NamedNode(s), Term::NamedNode(o)) =
                    (&q.subject, &q.object)
                {
                    into.entry(o.as_str().to_owned())
                        .or_default()
                        .push(s.as_str().to_owned());
                }
            }
        }
        let below = |tree: &HashMap<String, Vec<String>>, top: &str, reflexive: bool| {
            let mut found: Vec<String> = if reflexive {
                vec![top.to_owned()]
            } else {
                Vec::new()
            };
            let mut next: Vec<&str> = vec![top];
            let mut seen: HashSet<&str> = HashSet::new();
            while let Some(n) = next.pop() {
                for s in tree.get(n).into_iter().flatten() {
                    if seen.insert(s) {
                        found.push(s.clone());
                        next.push(s);
                    }
                }
            }
            found
        };
        let labelled =
            |iri: &str| -> Result<Vec<Term>, StoreError> { facts.labels(&named(iri), "en") };
        let mut schema = Schema::default();
        for class in below(&sub_classes, cg::CLAIM.as_str(), false) {
            if class != cg::RESPONSE.as_str() {
                let labels = labelled(&class)?;
                schema.claim_kinds.insert(class, labels);
            }
        }
        schema.response_kinds = sub_classes
            .get(cg::RESPONSE.as_str())
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        for class in sub_classes
            .get(cg::SOURCE_DOCUMENT.as_str())
            .into_iter()
            .flatten()
        {
            schema
                .document_kinds
                .insert(class.clone(), labelled(class)?);
        }
        for link in sub_properties
            .get(cg::RELAYS.as_str())
            .into_iter()
            .flatten()
        {
            schema.relay_links.push((named(link), labelled(link)?));
        }
        schema.listings = below(&sub_properties, LISTED_ON, true)
            .into_iter()
            .collect();
        Ok(schema)
    }
}

const LISTED_ON: &str = "https://claimgraph.example/ns#listedOn";

fn named(iri: &str) -> NamedNode {
    NamedNode::new_unchecked(iri)
}

fn string(value: &str) -> Term {
    Literal::new_simple_literal(value).into()
}

fn boolean(value: bool) -> Term {
    Literal::from(value).into()
}

/// `STR(term)` as SPARQL gives it.
fn str_of(term: &Term) -> Option<Term> {
    match term {
        Term::NamedNode(n) => Some(string(n.as_str())),
        Term::Literal(l) => Some(string(l.value())),
        _ => None,
    }
}

/// `lang(term)` of a literal.
fn lang_of(term: &Term) -> Option<Term> {
    match term {
        Term::Literal(l) => Some(string(l.language().unwrap_or(""))),
        _ => None,
    }
}

/// Lookups in the store's default graph (and, for propositions, named graphs), for the
/// queries of one page: what one query read, the next finds in memory.
pub struct Facts<'a> {
    store: &'a GraphStore,
    /// The default graph read whole for a full build; lookups go there instead of to the
    /// store.
    snapshot: Option<Arc<GraphSnapshot>>,
    /// The objects already read, by subject and predicate: the queries of one page ask
    /// for many of the same (the claim's article, claimant, labels).
    read: RefCell<HashMap<(Term, NamedNode), Rc<Vec<Term>>>>,
}

impl<'a> Facts<'a> {
    pub fn new(store: &'a GraphStore) -> Self {
        Facts {
            store,
            snapshot: None,
            read: RefCell::new(HashMap::new()),
        }
    }

    /// The same reader with nothing read yet: what a pass over many resources uses per
    /// chunk, so the lookups of one chunk are dropped before the next.
    fn fresh(&self) -> Facts<'a> {
        Facts {
            store: self.store,
            snapshot: self.snapshot.clone(),
            read: RefCell::new(HashMap::new()),
        }
    }

    /// Facts read from `snapshot`, a copy of `store`'s default graph.
    pub fn with_snapshot(mut self, snapshot: Arc<GraphSnapshot>) -> Self {
        self.snapshot = Some(snapshot);
        self
    }

    /// The objects of `subject predicate ?o` in the default graph (none for a literal).
    /// Only the predicate asked for is read: a subject's other values (an article's
    /// whole text) are never decoded for a page that does not show them.
    pub fn objects(
        &self,
        subject: &Term,
        predicate: NamedNodeRef<'_>,
    ) -> Result<Vec<Term>, StoreError> {
        if let Some(snapshot) = &self.snapshot {
            return Ok(snapshot.objects(subject, predicate));
        }
        let key = (subject.clone(), predicate.into_owned());
        if let Some(found) = self.read.borrow().get(&key) {
            return Ok(found.as_ref().clone());
        }
        let node: NamedOrBlankNodeRef<'_> = match subject {
            Term::NamedNode(n) => n.as_ref().into(),
            Term::BlankNode(b) => b.as_ref().into(),
            _ => return Ok(Vec::new()),
        };
        let objects: Vec<Term> = self
            .store
            .quads_for_pattern(
                Some(node),
                Some(predicate),
                None,
                Some(GraphNameRef::DefaultGraph),
            )
            .map(|q| q.map(|q| q.object))
            .collect::<Result<_, _>>()?;
        self.read.borrow_mut().insert(key, Rc::new(objects.clone()));
        Ok(objects)
    }

    /// The subjects of `?s predicate object` in the default graph.
    fn subjects(
        &self,
        predicate: NamedNodeRef<'_>,
        object: &Term,
    ) -> Result<Vec<Term>, StoreError> {
        if let Some(snapshot) = &self.snapshot {
            return Ok(snapshot.subjects(predicate, object));
        }
        self.store
            .quads_for_pattern(
                None,
                Some(predicate),
                Some(object.as_ref()),
                Some(GraphNameRef::DefaultGraph),
            )
            .map(|q| q.map(|q| q.subject.into()))
            .collect()
    }

    fn has(
        &self,
        subject: &Term,
        predicate: NamedNodeRef<'_>,
        object: TermRef<'_>,
    ) -> Result<bool, StoreError> {
        Ok(self
            .objects(subject, predicate)?
            .iter()
            .any(|o| o.as_ref() == object))
    }

    /// The `rdfs:label`s of `subject` in language `lang`.
    fn labels(&self, subject: &NamedNode, lang: &str) -> Result<Vec<Term>, StoreError> {
        Ok(self
            .objects(&subject.clone().into(), rdfs::LABEL)?
            .into_iter()
            .filter(|t| matches!(t, Term::Literal(l) if l.language() == Some(lang)))
            .collect())
    }

    /// [`Self::labels`] of any term (a literal has none).
    fn labels_of(&self, term: &Term, lang: &str) -> Result<Vec<Term>, StoreError> {
        match term {
            Term::NamedNode(n) => self.labels(n, lang),
            Term::BlankNode(_) => Ok(self
                .objects(term, rdfs::LABEL)?
                .into_iter()
                .filter(|t| matches!(t, Term::Literal(l) if l.language() == Some(lang)))
                .collect()),
            _ => Ok(Vec::new()),
        }
    }

    /// The objects of a property path `p1/p2/...` from `subject`, one per path.
    fn path(&self, subject: &Term, path: &[NamedNodeRef<'_>]) -> Result<Vec<Term>, StoreError> {
        let mut at = vec![subject.clone()];
        for p in path {
            let mut next = Vec::new();
            for t in &at {
                next.extend(self.objects(t, *p)?);
            }
            at = next;
        }
        Ok(at)
    }

    /// The English labels of the objects of `subject predicate ?o` (`predicate/rdfs:label`).
    fn object_labels(
        &self,
        subject: &Term,
        predicate: NamedNodeRef<'_>,
    ) -> Result<Vec<Term>, StoreError> {
        let mut out = Vec::new();
        for o in self.objects(subject, predicate)? {
            out.extend(self.labels_of(&o, "en")?);
        }
        Ok(out)
    }

    /// The nodes reachable from `start` over `predicate*` (forwards), `start` included.
    fn reach(
        &self,
        start: &Term,
        predicate: NamedNodeRef<'_>,
        forwards: bool,
    ) -> Result<Vec<Term>, StoreError> {
        let mut found = vec![start.clone()];
        let mut i = 0;
        while i < found.len() {
            let next = if forwards {
                self.objects(&found[i], predicate)?
            } else {
                self.subjects(predicate, &found[i])?
            };
            for n in next {
                if !found.contains(&n) {
                    found.push(n);
                }
            }
            i += 1;
        }
        Ok(found)
    }

    /// The claim's kinds (`a ?kindClass . ?kindClass rdfs:subClassOf+ cg:Claim ;
    /// rdfs:label ?kind`, English, not `cg:Response`), one per class and label.
    fn kinds(&self, schema: &Schema, claim: &Term) -> Result<Vec<(Term, Term)>, StoreError> {
        let mut out = Vec::new();
        for class in self.objects(claim, rdf::TYPE)? {
            if let Term::NamedNode(c) = &class {
                for label in schema.claim_kinds.get(c.as_str()).into_iter().flatten() {
                    out.push((class.clone(), label.clone()));
                }
            }
        }
        Ok(out)
    }

    /// A partial date node's parts: (node, precision label, value, text, sort key), one
    /// per combination (`?d cg:datePrecision/rdfs:label ?p` required, the rest optional).
    fn dates(
        &self,
        owner: &Term,
        predicate: NamedNodeRef<'_>,
        with_sort_key: bool,
    ) -> Result<Vec<DateParts>, StoreError> {
        let mut out = Vec::new();
        for node in self.objects(owner, predicate)? {
            for precision in self.object_labels(&node, cg::DATE_PRECISION)? {
                for value in optional(self.objects(&node, cg::DATE_VALUE)?) {
                    for text in optional(self.objects(&node, cg::DATE_TEXT)?) {
                        let sort_keys = if with_sort_key {
                            optional(self.objects(&node, cg::SORT_KEY)?)
                        } else {
                            vec![None]
                        };
                        for sort_key in sort_keys {
                            out.push(DateParts {
                                precision: precision.clone(),
                                value: value.clone(),
                                text: text.clone(),
                                sort_key,
                            });
                        }
                    }
                }
            }
        }
        Ok(out)
    }
}

impl Facts<'_> {
    /// How many distinct subjects the lookups so far read `predicate` of: what a test
    /// holds a page's reads to (the quotes of only the claims it shows).
    pub fn subjects_read(&self, predicate: NamedNodeRef<'_>) -> usize {
        self.read
            .borrow()
            .keys()
            .filter(|(_, p)| p.as_ref() == predicate)
            .count()
    }

    /// The sort keys of a partial date (`?owner predicate ?d . ?d cg:datePrecision/
    /// rdfs:label ?p`, English, `OPTIONAL { ?d cg:sortKey ?key }`): one per date node
    /// that has a precision, unbound where it has no key. What orders an entity's
    /// claims, without the date's value and words.
    fn sort_keys(
        &self,
        owner: &Term,
        predicate: NamedNodeRef<'_>,
    ) -> Result<Vec<Vec<Option<Term>>>, StoreError> {
        let mut out = Vec::new();
        for node in self.objects(owner, predicate)? {
            if self.object_labels(&node, cg::DATE_PRECISION)?.is_empty() {
                continue;
            }
            for key in optional(self.objects(&node, cg::SORT_KEY)?) {
                out.push(vec![key]);
            }
        }
        Ok(out)
    }
}

/// One solution of a date's OPTIONAL group.
#[derive(Clone)]
struct DateParts {
    precision: Term,
    value: Option<Term>,
    text: Option<Term>,
    sort_key: Option<Term>,
}

/// The values of an OPTIONAL: each one, or a single unbound when there are none.
fn optional(values: Vec<Term>) -> Vec<Option<Term>> {
    if values.is_empty() {
        vec![None]
    } else {
        values.into_iter().map(Some).collect()
    }
}

/// Solutions under construction: named columns, rows of optional terms.
pub struct Solutions {
    vars: Vec<&'static str>,
    rows: Vec<Vec<Option<Term>>>,
}

/// One solution, read by variable name.
pub struct Row<'s> {
    vars: &'s [&'static str],
    cells: &'s [Option<Term>],
}

impl Row<'_> {
    fn get(&self, var: &str) -> Option<&Term> {
        let i = self.vars.iter().position(|v| *v == var)?;
        self.cells.get(i)?.as_ref()
    }
    /// A variable every row of the step's input has bound.
    fn bound(&self, var: &str) -> &Term {
        self.get(var)
            .unwrap_or_else(|| panic!("the read model's plan reads ?{var} before binding it"))
    }
}

impl Solutions {
    /// One solution binding `var` to `term`.
    fn start(var: &'static str, term: Term) -> Solutions {
        Solutions {
            vars: vec![var],
            rows: vec![vec![Some(term)]],
        }
    }

    /// Joins each row with what `find` returns for it: one new row per extension, each
    /// binding `vars` (in order; `None` leaves one unbound). A `required` step drops the
    /// rows it finds nothing for, an optional one keeps them with `vars` unbound.
    fn join(
        &mut self,
        vars: &[&'static str],
        required: bool,
        mut find: impl FnMut(&Row<'_>) -> Result<Vec<Vec<Option<Term>>>, StoreError>,
    ) -> Result<(), StoreError> {
        let width = self.vars.len();
        let mut all_vars = self.vars.clone();
        all_vars.extend_from_slice(vars);
        let mut rows = Vec::with_capacity(self.rows.len());
        for cells in &self.rows {
            let found = find(&Row {
                vars: &self.vars,
                cells,
            })?;
            if found.is_empty() && !required {
                let mut row = cells.clone();
                row.resize(width + vars.len(), None);
                rows.push(row);
            }
            for extension in found {
                let mut row = cells.clone();
                row.extend(extension);
                row.resize(width + vars.len(), None);
                rows.push(row);
            }
        }
        self.vars = all_vars;
        self.rows = rows;
        Ok(())
    }

    /// Drops the rows `test` says no to (a required pattern whose values the query
    /// does not need, only their existence).
    fn keep(
        &mut self,
        mut test: impl FnMut(&Row<'_>) -> Result<bool, StoreError>,
    ) -> Result<(), StoreError> {
        let mut kept = Vec::with_capacity(self.rows.len());
        for cells in std::mem::take(&mut self.rows) {
            if test(&Row {
                vars: &self.vars,
                cells: &cells,
            })? {
                kept.push(cells);
            }
        }
        self.rows = kept;
        Ok(())
    }

    /// [`Self::join`] of one variable with a list of values.
    fn join_one(
        &mut self,
        var: &'static str,
        required: bool,
        mut find: impl FnMut(&Row<'_>) -> Result<Vec<Term>, StoreError>,
    ) -> Result<(), StoreError> {
        self.join(&[var], required, |r| {
            Ok(find(r)?.into_iter().map(|t| vec![Some(t)]).collect())
        })
    }

    /// `?from predicate ?var` (required or OPTIONAL), `?from` bound in every row.
    fn property(
        &mut self,
        facts: &Facts<'_>,
        from: &'static str,
        predicate: NamedNodeRef<'_>,
        var: &'static str,
        required: bool,
    ) -> Result<(), StoreError> {
        self.join_one(var, required, |r| facts.objects(r.bound(from), predicate))
    }

    /// Adds `var` computed from each row (`BIND`).
    fn bind(&mut self, var: &'static str, mut value: impl FnMut(&Row<'_>) -> Option<Term>) {
        let vars = self.vars.clone();
        for cells in &mut self.rows {
            let v = value(&Row { vars: &vars, cells });
            cells.push(v);
        }
        self.vars.push(var);
    }

    fn empty(vars: &[&'static str]) -> Solutions {
        Solutions {
            vars: vars.to_vec(),
            rows: Vec::new(),
        }
    }

    /// The projection on `select` (in that order), `distinct` or not, ordered by `order`
    /// (ascending, SPARQL's order of terms; ties keep their order).
    fn finish(self, select: &[&str], distinct: bool, order: &[&str]) -> Table {
        let columns: Vec<Option<usize>> = select
            .iter()
            .map(|s| self.vars.iter().position(|v| v == s))
            .collect();
        let mut rows: Vec<Vec<Option<Term>>> = self
            .rows
            .into_iter()
            .map(|cells| {
                columns
                    .iter()
                    .map(|c| c.and_then(|i| cells[i].clone()))
                    .collect()
            })
            .collect();
        if distinct {
            let mut seen = HashSet::new();
            rows.retain(|r| seen.insert(r.clone()));
        }
        let keys: Vec<usize> = order
            .iter()
            .filter_map(|o| select.iter().position(|s| s == o))
            .collect();
        sort_rows(&mut rows, &keys);
        Table {
            variables: select.iter().map(|s| (*s).to_owned()).collect(),
            rows,
        }
    }
}

/// Sorts `rows` by the columns `keys` in SPARQL's order of terms; the sort is stable, so
/// ties keep their order.
fn sort_rows(rows: &mut [Vec<Option<Term>>], keys: &[usize]) {
    rows.sort_by(|a, b| {
        keys.iter()
            .map(|&k| sparql_order(a[k].as_ref(), b[k].as_ref()))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
}

/// SPARQL's ORDER BY on terms: unbound, blank nodes, IRIs, then literals (by value).
pub fn sparql_order(a: Option<&Term>, b: Option<&Term>) -> Ordering {
    fn rank(t: Option<&Term>) -> u8 {
        match t {
            None => 0,
            Some(Term::BlankNode(_)) => 1,
            Some(Term::NamedNode(_)) => 2,
            Some(_) => 3,
        }
    }
    match (a, b) {
        (Some(Term::BlankNode(x)), Some(Term::BlankNode(y))) => x.as_str().cmp(y.as_str()),
        (Some(Term::NamedNode(x)), Some(Term::NamedNode(y))) => x.as_str().cmp(y.as_str()),
        (Some(Term::Literal(x)), Some(Term::Literal(y))) => {
            match (x.value().parse::<f64>(), y.value().parse::<f64>()) {
                (Ok(p), Ok(q)) if is_numeric(x) && is_numeric(y) => {
                    p.partial_cmp(&q).unwrap_or(Ordering::Equal)
                }
                _ => (x.value(), x.datatype(), x.language()).cmp(&(
                    y.value(),
                    y.datatype(),
                    y.language(),
                )),
            }
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

fn is_numeric(l: &Literal) -> bool {
    let d = l.datatype().as_str();
    d.starts_with(vocab::XSD)
        && matches!(
            &d[vocab::XSD.len()..],
            "integer" | "decimal" | "double" | "float" | "int" | "long" | "nonNegativeInteger"
        )
}

/// `?claim a ?kindClass . ?kindClass rdfs:subClassOf+ cg:Claim ; rdfs:label ?kind`
/// (English, not `cg:Response`) for the claim in `claim`.
fn join_kinds(
    s: &mut Solutions,
    facts: &Facts<'_>,
    schema: &Schema,
    claim: &'static str,
) -> Result<(), StoreError> {
    s.join(&["kindClass", "kind"], true, |r| {
        Ok(facts
            .kinds(schema, r.bound(claim))?
            .into_iter()
            .map(|(c, k)| vec![Some(c), Some(k)])
            .collect())
    })
}

/// `OPTIONAL { ?owner predicate ?d . ?d cg:datePrecision/rdfs:label ?precision (English)
/// OPTIONAL { ?d cg:dateValue ?v } OPTIONAL { ?d cg:dateText ?text } }` with
/// `BIND(STR(?v) AS ?value)`, into `[value, text, precision]`.
fn join_date(
    s: &mut Solutions,
    facts: &Facts<'_>,
    owner: &'static str,
    predicate: NamedNodeRef<'static>,
    [value, text, precision]: [&'static str; 3],
) -> Result<(), StoreError> {
    s.join(&[value, text, precision], false, |r| {
        Ok(facts
            .dates(r.bound(owner), predicate, false)?
            .into_iter()
            .map(|d| vec![d.value.as_ref().and_then(str_of), d.text, Some(d.precision)])
            .collect())
    })
}

/// `?claim cg:hasQuote ?q . ?q oa:hasSelector ?textSelector , ?positionSelector .
/// ?textSelector oa:exact ?quote . ?positionSelector oa:start ?start ; oa:end ?end`.
fn join_quote_position(s: &mut Solutions, facts: &Facts<'_>) -> Result<(), StoreError> {
    s.property(facts, "claim", cg::HAS_QUOTE, "q", true)?;
    s.property(facts, "q", oa::HAS_SELECTOR, "textSelector", true)?;
    s.property(facts, "q", oa::HAS_SELECTOR, "positionSelector", true)?;
    s.property(facts, "textSelector", oa::EXACT, "quote", true)?;
    s.property(facts, "positionSelector", oa::START, "start", true)?;
    s.property(facts, "positionSelector", oa::END, "end", true)
}

/// `?claim cg:hasQuote/oa:hasSelector/oa:exact ?quote`, one per path.
fn quotes(facts: &Facts<'_>, claim: &Term) -> Result<Vec<Term>, StoreError> {
    facts.path(claim, &[cg::HAS_QUOTE, oa::HAS_SELECTOR, oa::EXACT])
}

/// `?x schema:name|schema:headline ?title`.
fn titles(facts: &Facts<'_>, document: &Term) -> Result<Vec<Term>, StoreError> {
    let mut out = facts.objects(document, schema::NAME)?;
    out.extend(facts.objects(document, schema::HEADLINE)?);
    Ok(out)
}

/// `queries/page-claim.rq`.
fn claim_rows(facts: &Facts<'_>, schema: &Schema, claim: Term) -> Result<Table, StoreError> {
    let mut s = Solutions::start("claim", claim.clone());
    if !facts.has(&claim, rdf::TYPE, cg::CLAIM.into())? {
        s.rows.clear();
    }
    s.property(facts, "claim", cg::SLUG, "slug", true)?;
    s.property(facts, "claim", cg::STATEMENT, "statement", true)?;
    s.property(facts, "claim", cg::CLAIMANT, "claimant", true)?;
    s.property(facts, "claim", cg::MADE_IN, "document", true)?;
    s.property(facts, "claim", cg::RELAYED_BY, "article", true)?;
    join_kinds(&mut s, facts, schema, "claim")?;
    join_quote_position(&mut s, facts)?;
    s.bind("language", |r| lang_of(r.bound("quote")));
    s.property(facts, "q", cg::SENTENCE, "sentence", false)?;
    s.join_one("claimantLabel", false, |r| {
        facts.labels_of(r.bound("claimant"), "en")
    })?;
    s.join_one("documentTitle", false, |r| {
        titles(facts, r.bound("document"))
    })?;
    s.property(facts, "article", schema::HEADLINE, "articleTitle", false)?;
    s.join(&["status", "statusLabel", "statusComment"], false, |r| {
        let mut out = Vec::new();
        for status in facts.objects(r.bound("claim"), cg::STATUS)? {
            for label in optional(facts.labels_of(&status, "en")?) {
                let comments: Vec<Term> = facts
                    .objects(&status, rdfs::COMMENT)?
                    .into_iter()
                    .filter(|t| matches!(t, Term::Literal(l) if l.language() == Some("en")))
                    .collect();
                for comment in optional(comments) {
                    out.push(vec![Some(status.clone()), label.clone(), comment]);
                }
            }
        }
        Ok(out)
    })?;
    s.property(facts, "claim", cg::NOTE, "note", false)?;
    s.join_one("review", false, |r| {
        facts.object_labels(r.bound("claim"), cg::REVIEW_STATUS)
    })?;
    s.property(facts, "claim", cg::CONFIDENCE, "confidence", false)?;
    s.property(facts, "claim", cg::EXTRACTION_RULE, "rule", false)?;
    s.join(&["about", "aboutLabel"], false, |r| {
        labelled_objects(facts, r.bound("claim"), cg::ABOUT)
    })?;
    for (predicate, [value, text, precision]) in [
        (
            cg::CLAIM_DATE,
            ["claimDate", "claimDateText", "claimDatePrecision"],
        ),
        (
            cg::EVENT_DATE,
            ["eventDate", "eventDateText", "eventDatePrecision"],
        ),
    ] {
        join_date(&mut s, facts, "claim", predicate, [value, text, precision])?;
    }
    Ok(s.finish(
        &[
            "claim",
            "slug",
            "kind",
            "statement",
            "claimant",
            "claimantLabel",
            "document",
            "documentTitle",
            "article",
            "articleTitle",
            "language",
            "quote",
            "sentence",
            "start",
            "end",
            "status",
            "statusLabel",
            "statusComment",
            "note",
            "review",
            "confidence",
            "rule",
            "about",
            "aboutLabel",
            "claimDate",
            "claimDateText",
            "claimDatePrecision",
            "eventDate",
            "eventDateText",
            "eventDatePrecision",
        ],
        false,
        &["aboutLabel"],
    ))
}

/// `queries/page-claims.rq`: every claim, from one scan of the claims and a few lookups
/// per claim (the labels of claimants and statuses, shared by many, read once each).
fn every_claim_rows(facts: &Facts<'_>, schema: &Schema) -> Result<Table, StoreError> {
    let all = every_claim_in_chunks(facts, |facts, chunk| claim_list_rows(facts, schema, chunk))?;
    Ok(all.finish(CLAIM_LIST_COLUMNS, false, CLAIM_LIST_ORDER))
}

/// `queries/page-claims.rq`'s columns and order.
const CLAIM_LIST_COLUMNS: &[&str] = &[
    "claim",
    "slug",
    "kind",
    "statement",
    "claimant",
    "claimantLabel",
    "article",
    "status",
];
const CLAIM_LIST_ORDER: &[&str] = &["slug"];

/// `queries/page-search-claims.rq`'s columns and order.
const SEARCH_CLAIM_COLUMNS: &[&str] = &[
    "claim",
    "kind",
    "statement",
    "claimantLabel",
    "quote",
    "lang",
];
const SEARCH_CLAIM_ORDER: &[&str] = &["claim"];

/// The whole-store queries with one or more rows per claim, named by `?claim`, whose
/// rows [`claim_rows_for`] reads for a few claims and [`merge_claim_rows`] merges.
pub const PER_CLAIM_QUERIES: [&str; 2] = ["page-claims", "page-search-claims"];

/// The rows the whole-store query `name` (one of [`PER_CLAIM_QUERIES`]) gives for the
/// claims `claims` that are still in the store, the same rows its full reading holds
/// for them: an incremental build reads these for the claims a change reached and
/// keeps the rest of the last build's.
pub fn claim_rows_for(
    facts: &Facts<'_>,
    schema: &Schema,
    name: &str,
    claims: &[Term],
) -> Option<Result<Table, StoreError>> {
    let claim_type: Term = cg::CLAIM.into_owned().into();
    let read = || -> Result<Table, StoreError> {
        let mut present = Vec::new();
        for claim in claims {
            if facts.objects(claim, rdf::TYPE)?.contains(&claim_type) {
                present.push(claim.clone());
            }
        }
        Ok(match name {
            "page-claims" => claim_list_rows(facts, schema, &present)?.finish(
                CLAIM_LIST_COLUMNS,
                false,
                CLAIM_LIST_ORDER,
            ),
            _ => search_claim_chunk(facts, schema, &present)?.finish(
                SEARCH_CLAIM_COLUMNS,
                false,
                SEARCH_CLAIM_ORDER,
            ),
        })
    };
    PER_CLAIM_QUERIES.contains(&name).then(read)
}

/// `kept`, rows of the whole-store query `name` (one of [`PER_CLAIM_QUERIES`]), with
/// the rows of the claims `replaced` taken out and `fresh` (their rows now, from
/// [`claim_rows_for`]) put in, in the query's order: the rows a full reading gives;
/// `None` when either holds other columns than the query's.
pub fn merge_claim_rows(
    name: &str,
    kept: &Table,
    replaced: &HashSet<Term>,
    fresh: Table,
) -> Option<Table> {
    let (columns, order) = match name {
        "page-claims" => (CLAIM_LIST_COLUMNS, CLAIM_LIST_ORDER),
        _ => (SEARCH_CLAIM_COLUMNS, SEARCH_CLAIM_ORDER),
    };
    if kept.variables != columns || fresh.variables != columns {
        return None;
    }
    merge_by_claim(kept, replaced, fresh, order)
}

const CLAIMS_PER_CHUNK: usize = 2_000;

/// The rows `rows` gives for every claim of the store, a chunk of claims at a time,
/// each chunk with lookups of its own: what is read of one chunk is dropped before the
/// next, so memory holds the rows, not every description.
fn every_claim_in_chunks(
    facts: &Facts<'_>,
    mut rows: impl FnMut(&Facts<'_>, &[Term]) -> Result<Solutions, StoreError>,
) -> Result<Solutions, StoreError> {
    let claims = facts.subjects(rdf::TYPE, &cg::CLAIM.into_owned().into())?;
    let mut all = Solutions::empty(&[]);
    for chunk in claims.chunks(CLAIMS_PER_CHUNK) {
        let chunk_rows = rows(&facts.fresh(), chunk)?;
        all.vars = chunk_rows.vars;
        all.rows.extend(chunk_rows.rows);
    }
    Ok(all)
}

/// `queries/page-entity-claim-counts.rq`: how many (role, claim) cards each entity's
/// pages hold, from one pass over the claims of every kind, a chunk at a time: each
/// claim complete enough for a card names its entities in their roles.
fn entity_card_count_rows(facts: &Facts<'_>, schema: &Schema) -> Result<Table, StoreError> {
    let mut claims: Vec<Term> = Vec::new();
    let mut seen: HashSet<Term> = HashSet::new();
    for (class, labels) in &schema.claim_kinds {
        if labels.is_empty() {
            continue;
        }
        for claim in facts.subjects(rdf::TYPE, &named(class).into())? {
            if seen.insert(claim.clone()) {
                claims.push(claim);
            }
        }
    }
    drop(seen);
    let mut cards: HashMap<Term, i64> = HashMap::new();
    for chunk in claims.chunks(CLAIMS_PER_CHUNK) {
        let facts = &facts.fresh();
        for claim in chunk {
            for (entity, _) in card_roles(facts, claim)? {
                *cards.entry(entity).or_default() += 1;
            }
        }
    }
    let mut s = Solutions::empty(&["entity", "cards"]);
    s.rows.extend(
        cards
            .into_iter()
            .map(|(entity, n)| vec![Some(entity), Some(Literal::from(n).into())]),
    );
    Ok(s.finish(&["entity", "cards"], false, &["entity"]))
}

/// The (entity, role) cards claim `claim` puts on entity pages, as
/// `page-entity-claim-counts` counts them: none for a claim too incomplete for a card
/// (no statement, document, article, quote or claimant). Its kind is not checked.
fn card_roles(
    facts: &Facts<'_>,
    claim: &Term,
) -> Result<HashSet<(Term, &'static str)>, StoreError> {
    let mut roles = HashSet::new();
    let complete = !facts.objects(claim, cg::STATEMENT)?.is_empty()
        && !facts.objects(claim, cg::MADE_IN)?.is_empty()
        && !facts.objects(claim, cg::RELAYED_BY)?.is_empty()
        && !quotes(facts, claim)?.is_empty();
    let claimants = facts.objects(claim, cg::CLAIMANT)?;
    if !complete || claimants.is_empty() {
        return Ok(roles);
    }
    let abouts = facts.objects(claim, cg::ABOUT)?;
    let is_response = facts.has(claim, rdf::TYPE, cg::RESPONSE.into())?;
    for entity in &abouts {
        if claimants.iter().any(|c| c != entity) {
            roles.insert((entity.clone(), "subject"));
        }
    }
    let role = match is_response {
        true => "responding",
        false => "claimant",
    };
    for entity in &claimants {
        roles.insert((entity.clone(), role));
    }
    for entity in facts.objects(claim, schema::MENTIONS)? {
        if !abouts.contains(&entity) && !claimants.contains(&entity) {
            roles.insert((entity, "mentioned"));
        }
    }
    Ok(roles)
}

/// `queries/page-search-claims.rq`: every claim with what the search index holds of it
/// (statement, kind, its claimant's label, its quote), from one scan of the claims.
fn search_claim_rows(facts: &Facts<'_>, schema: &Schema) -> Result<Table, StoreError> {
    let all = every_claim_in_chunks(facts, |facts, chunk| {
        search_claim_chunk(facts, schema, chunk)
    })?;
    Ok(all.finish(SEARCH_CLAIM_COLUMNS, false, SEARCH_CLAIM_ORDER))
}

/// The rows of `page-search-claims` for `claims`, before ordering.
fn search_claim_chunk(
    facts: &Facts<'_>,
    schema: &Schema,
    claims: &[Term],
) -> Result<Solutions, StoreError> {
    let mut s = Solutions::empty(&["claim"]);
    s.rows
        .extend(claims.iter().map(|claim| vec![Some(claim.clone())]));
    s.property(facts, "claim", cg::STATEMENT, "statement", true)?;
    s.property(facts, "claim", cg::CLAIMANT, "claimant", true)?;
    join_kinds(&mut s, facts, schema, "claim")?;
    s.join_one("claimantLabel", false, |r| {
        facts.labels_of(r.bound("claimant"), "en")
    })?;
    s.join(&["quote", "lang"], false, |r| {
        Ok(quotes(facts, r.bound("claim"))?
            .into_iter()
            .map(|quote| {
                let lang = lang_of(&quote);
                vec![Some(quote), lang]
            })
            .collect())
    })?;
    Ok(s)
}

/// The rows of `page-claims` for `claims`, before ordering.
fn claim_list_rows(
    facts: &Facts<'_>,
    schema: &Schema,
    claims: &[Term],
) -> Result<Solutions, StoreError> {
    let mut s = Solutions::empty(&["claim"]);
    for claim in claims {
        s.rows.push(vec![Some(claim.clone())]);
    }
    s.property(facts, "claim", cg::SLUG, "slug", true)?;
    s.property(facts, "claim", cg::STATEMENT, "statement", true)?;
    s.property(facts, "claim", cg::CLAIMANT, "claimant", true)?;
    s.property(facts, "claim", cg::RELAYED_BY, "article", true)?;
    join_kinds(&mut s, facts, schema, "claim")?;
    let mut labels: HashMap<Term, Vec<Term>> = HashMap::new();
    let mut label = |t: &Term| -> Result<Vec<Term>, StoreError> {
        if let Some(found) = labels.get(t) {
            return Ok(found.clone());
        }
        let found = facts.labels_of(t, "en")?;
        labels.insert(t.clone(), found.clone());
        Ok(found)
    };
    s.join_one("status", false, |r| {
        let mut out = Vec::new();
        for status in facts.objects(r.bound("claim"), cg::STATUS)? {
            out.extend(label(&status)?);
        }
        Ok(out)
    })?;
    s.join_one("claimantLabel", false, |r| label(r.bound("claimant")))?;
    Ok(s)
}

/// `queries/page-document.rq`.
fn document_rows(facts: &Facts<'_>, schema: &Schema, document: Term) -> Result<Table, StoreError> {
    let mut s = Solutions::start("document", document.clone());
    if !facts.has(&document, rdf::TYPE, cg::SOURCE_DOCUMENT.into())? {
        s.rows.clear();
    }
    s.property(facts, "document", cg::SLUG, "slug", true)?;
    s.property(facts, "document", schema::NAME, "title", false)?;
    s.join_one("kind", false, |r| {
        document_kinds(facts, schema, r.bound("document"))
    })?;
    s.join(&["author", "authorLabel"], false, |r| {
        labelled_objects(facts, r.bound("document"), cg::AUTHOR)
    })?;
    s.property(facts, "document", schema::URL, "url", false)?;
    s.property(facts, "document", schema::DESCRIPTION, "description", false)?;
    join_date(
        &mut s,
        facts,
        "document",
        cg::PUBLICATION_DATE,
        ["date", "dateText", "datePrecision"],
    )?;
    s.rows.truncate(1);
    Ok(s.finish(
        &[
            "document",
            "slug",
            "title",
            "kind",
            "author",
            "authorLabel",
            "url",
            "description",
            "date",
            "dateText",
            "datePrecision",
        ],
        false,
        &[],
    ))
}

/// `queries/page-document-claims.rq`.
fn document_claim_rows(
    facts: &Facts<'_>,
    schema: &Schema,
    document: Term,
) -> Result<Table, StoreError> {
    let mut s = Solutions::start("document", document);
    s.join_one("claim", true, |r| {
        facts.subjects(cg::MADE_IN, r.bound("document"))
    })?;
    s.property(facts, "claim", cg::SLUG, "slug", true)?;
    s.property(facts, "claim", cg::STATEMENT, "statement", true)?;
    s.property(facts, "claim", cg::CLAIMANT, "claimant", true)?;
    s.property(facts, "claim", cg::RELAYED_BY, "article", true)?;
    join_kinds(&mut s, facts, schema, "claim")?;
    s.join_one("status", false, |r| {
        facts.object_labels(r.bound("claim"), cg::STATUS)
    })?;
    s.join_one("claimantLabel", false, |r| {
        facts.labels_of(r.bound("claimant"), "en")
    })?;
    s.property(facts, "article", schema::HEADLINE, "articleTitle", false)?;
    Ok(s.finish(
        &[
            "document",
            "claim",
            "slug",
            "kind",
            "statement",
            "claimant",
            "claimantLabel",
            "article",
            "articleTitle",
            "status",
        ],
        false,
        &["slug"],
    ))
}

/// `queries/page-document-links.rq`.
fn document_link_rows(
    facts: &Facts<'_>,
    schema: &Schema,
    document: Term,
) -> Result<Table, StoreError> {
    let mut s = Solutions::start("document", document);
    s.join(&["direction", "other", "linkLabel"], true, |r| {
        let document = r.bound("document");
        let mut out = Vec::new();
        for (link, labels) in &schema.relay_links {
            for other in facts.subjects(link.as_ref(), document)? {
                for label in labels {
                    out.push(vec![
                        Some(string("relayed-by")),
                        Some(other.clone()),
                        Some(label.clone()),
                    ]);
                }
            }
            for other in facts.objects(document, link.as_ref())? {
                for label in labels {
                    out.push(vec![
                        Some(string("relays")),
                        Some(other.clone()),
                        Some(label.clone()),
                    ]);
                }
            }
        }
        // `?other cg:relays+ ?document`: one link or more.
        let mut upstream: Vec<Term> = Vec::new();
        for first in facts.subjects(cg::RELAYS, document)? {
            for other in facts.reach(&first, cg::RELAYS, false)? {
                if !upstream.contains(&other) {
                    upstream.push(other);
                }
            }
        }
        for other in upstream {
            if facts.has(&other, rdf::TYPE, cg::ARTICLE.into())? {
                out.push(vec![Some(string("article")), Some(other), None]);
            }
        }
        Ok(out)
    })?;
    s.join_one("otherTitle", false, |r| {
        let other = r.bound("other");
        let mut out = facts.objects(other, schema::NAME)?;
        out.extend(facts.objects(other, schema::HEADLINE)?);
        Ok(out)
    })?;
    let mut articles = Vec::new();
    for cells in &s.rows {
        let r = Row {
            vars: &s.vars,
            cells,
        };
        articles.push(facts.has(r.bound("other"), rdf::TYPE, cg::ARTICLE.into())?);
    }
    let mut flags = articles.into_iter();
    s.bind("isArticle", |_| flags.next().map(boolean));
    Ok(s.finish(
        &[
            "document",
            "direction",
            "other",
            "otherTitle",
            "linkLabel",
            "isArticle",
        ],
        true,
        &["direction", "otherTitle", "other"],
    ))
}

/// The kinds of source document `document` is, by their English labels.
fn document_kinds(
    facts: &Facts<'_>,
    schema: &Schema,
    document: &Term,
) -> Result<Vec<Term>, StoreError> {
    let mut out = Vec::new();
    for class in facts.objects(document, rdf::TYPE)? {
        if let Term::NamedNode(c) = &class {
            out.extend(
                schema
                    .document_kinds
                    .get(c.as_str())
                    .into_iter()
                    .flatten()
                    .cloned(),
            );
        }
    }
    Ok(out)
}

/// `OPTIONAL { ?s predicate ?o OPTIONAL { ?o rdfs:label ?label (English) } }`'s rows.
fn labelled_objects(
    facts: &Facts<'_>,
    subject: &Term,
    predicate: NamedNodeRef<'_>,
) -> Result<Vec<Vec<Option<Term>>>, StoreError> {
    let mut out = Vec::new();
    for o in facts.objects(subject, predicate)? {
        for label in optional(facts.labels_of(&o, "en")?) {
            out.push(vec![Some(o.clone()), label]);
        }
    }
    Ok(out)
}

/// `queries/page-claim-propositions.rq`.
fn proposition_rows(facts: &Facts<'_>, claim: Term) -> Result<Table, StoreError> {
    let mut s = Solutions::start("claim", claim);
    s.join(&["subject", "predicate", "object"], true, |r| {
        let mut out = Vec::new();
        for graph in facts.objects(r.bound("claim"), cg::HAS_PROPOSITION)? {
            let graph: GraphNameRef<'_> = match &graph {
                Term::NamedNode(g) => g.as_ref().into(),
                Term::BlankNode(g) => g.as_ref().into(),
                _ => continue,
            };
            for q in facts.store.quads_for_pattern(None, None, None, Some(graph)) {
                let q = q?;
                out.push(vec![
                    Some(q.subject.into()),
                    Some(q.predicate.into()),
                    Some(q.object),
                ]);
            }
        }
        Ok(out)
    })?;
    for (of, label) in [
        ("subject", "subjectLabel"),
        ("predicate", "predicateLabel"),
        ("object", "objectLabel"),
    ] {
        s.join_one(label, false, |r| facts.labels_of(r.bound(of), "en"))?;
    }
    Ok(s.finish(
        &[
            "claim",
            "subject",
            "subjectLabel",
            "predicate",
            "predicateLabel",
            "object",
            "objectLabel",
        ],
        false,
        &["subjectLabel", "predicateLabel", "objectLabel"],
    ))
}

/// The claim's facts the response and answer lists show of `other`: slug, statement,
/// claimant, article, origin, quote, kind.
fn related_claim(
    s: &mut Solutions,
    facts: &Facts<'_>,
    schema: &Schema,
    article: &'static str,
) -> Result<(), StoreError> {
    s.property(facts, "other", cg::SLUG, "slug", true)?;
    s.property(facts, "other", cg::STATEMENT, "statement", true)?;
    s.property(facts, "other", cg::CLAIMANT, "claimant", true)?;
    s.join_one(article, true, |r| {
        facts.objects(r.bound("other"), cg::RELAYED_BY)
    })?;
    s.property(facts, "other", cg::MADE_IN, "origin", true)?;
    s.join_one("quote", true, |r| quotes(facts, r.bound("other")))?;
    join_kinds(s, facts, schema, "other")
}

/// The three directions of `page-claim-responses` (answered by, answers, corroborated
/// by) from `claim`, as (direction, other) rows.
fn answer_links(facts: &Facts<'_>, claim: &Term) -> Result<Vec<Vec<Option<Term>>>, StoreError> {
    let mut out = Vec::new();
    for other in facts.subjects(cg::ANSWERS, claim)? {
        out.push(vec![Some(string("answered-by")), Some(other)]);
    }
    for other in facts.objects(claim, cg::ANSWERS)? {
        out.push(vec![Some(string("answers")), Some(other)]);
    }
    for other in facts.objects(claim, cg::CORROBORATED_BY)? {
        if !facts.has(&other, cg::ANSWERS, claim.as_ref())? {
            out.push(vec![Some(string("corroborated-by")), Some(other)]);
        }
    }
    Ok(out)
}

/// `queries/page-claim-responses.rq`.
fn response_rows(facts: &Facts<'_>, schema: &Schema, claim: Term) -> Result<Table, StoreError> {
    let mut s = Solutions::start("claim", claim);
    s.join(&["direction", "other"], true, |r| {
        answer_links(facts, r.bound("claim"))
    })?;
    related_claim(&mut s, facts, schema, "article")?;
    s.bind("language", |r| lang_of(r.bound("quote")));
    let mut by_subject = Vec::new();
    for cells in &s.rows {
        let r = Row {
            vars: &s.vars,
            cells,
        };
        by_subject.push(facts.has(r.bound("claim"), cg::ABOUT, r.bound("claimant").as_ref())?);
    }
    let mut flags = by_subject.into_iter();
    s.bind("bySubject", |_| flags.next().map(boolean));
    s.join_one("status", false, |r| {
        facts.object_labels(r.bound("other"), cg::STATUS)
    })?;
    s.join_one("claimantLabel", false, |r| {
        facts.labels_of(r.bound("claimant"), "en")
    })?;
    Ok(s.finish(
        &[
            "claim",
            "direction",
            "other",
            "slug",
            "kind",
            "statement",
            "claimant",
            "claimantLabel",
            "quote",
            "language",
            "article",
            "origin",
            "status",
            "bySubject",
        ],
        false,
        &["direction", "slug"],
    ))
}

/// `queries/page-relay-chain.rq`.
fn relay_chain_rows(
    facts: &Facts<'_>,
    schema: &Schema,
    article: Term,
    document: Term,
) -> Result<Table, StoreError> {
    let upstream: HashSet<Term> = facts
        .reach(&document, cg::RELAYS, false)?
        .into_iter()
        .collect();
    let mut s = Solutions::start("article", article);
    s.join_one("document", true, |_| Ok(vec![document.clone()]))?;
    s.join_one("from", true, |r| {
        facts.reach(r.bound("article"), cg::RELAYS, true)
    })?;
    s.join(&["link", "linkLabel", "to"], true, |r| {
        let mut out = Vec::new();
        for (link, labels) in &schema.relay_links {
            if labels.is_empty() {
                continue;
            }
            for to in facts.objects(r.bound("from"), link.as_ref())? {
                if upstream.contains(&to) {
                    for label in labels {
                        out.push(vec![
                            Some(link.clone().into()),
                            Some(label.clone()),
                            Some(to.clone()),
                        ]);
                    }
                }
            }
        }
        Ok(out)
    })?;
    s.property(facts, "to", schema::NAME, "toTitle", false)?;
    s.join_one("toKind", false, |r| {
        document_kinds(facts, schema, r.bound("to"))
    })?;
    join_date(
        &mut s,
        facts,
        "to",
        cg::PUBLICATION_DATE,
        ["toDate", "toDateText", "toDatePrecision"],
    )?;
    Ok(s.finish(
        &[
            "article",
            "document",
            "from",
            "link",
            "linkLabel",
            "to",
            "toTitle",
            "toKind",
            "toDate",
            "toDateText",
            "toDatePrecision",
        ],
        false,
        &[],
    ))
}

/// `queries/page-article-label.rq`.
fn article_label_rows(facts: &Facts<'_>, article: Term) -> Result<Table, StoreError> {
    article_naming_rows(facts, article, false)
}

/// The row of `queries/page-article-label.rq` as a link's label uses it: `mainSource`
/// is left unbound where the label does not name it (the article has a headline or an
/// identified publisher), since finding it reads every claim of the article.
pub fn article_naming(facts: &Facts<'_>, article: Term) -> Result<Table, StoreError> {
    article_naming_rows(facts, article, true)
}

fn article_naming_rows(
    facts: &Facts<'_>,
    article: Term,
    main_source_only_when_unnamed: bool,
) -> Result<Table, StoreError> {
    let mut s = Solutions::start("article", article.clone());
    if !facts.has(&article, rdf::TYPE, cg::ARTICLE.into())? {
        s.rows.clear();
    }
    s.property(facts, "article", cg::SLUG, "slug", true)?;
    s.property(facts, "article", schema::HEADLINE, "title", false)?;
    s.property(facts, "article", cg::LANGUAGE, "language", false)?;
    s.join(&["publisher", "publisherLabel"], false, |r| {
        let mut out = Vec::new();
        for publisher in facts.objects(r.bound("article"), cg::PUBLISHER)? {
            if facts.has(&publisher, rdf::TYPE, cg::UNIDENTIFIED_PUBLISHER.into())? {
                continue;
            }
            for label in facts.labels_of(&publisher, "en")? {
                out.push(vec![Some(publisher.clone()), Some(label)]);
            }
        }
        Ok(out)
    })?;
    s.join_one("date", false, |r| {
        Ok(facts
            .path(r.bound("article"), &[cg::PUBLICATION_DATE, cg::DATE_VALUE])?
            .iter()
            .filter_map(str_of)
            .collect())
    })?;
    let named = s.rows.first().is_some_and(|cells| {
        let r = Row {
            vars: &s.vars,
            cells,
        };
        r.get("publisher").is_some()
            || matches!(r.get("title"), Some(Term::Literal(t)) if !t.value().trim().is_empty())
    });
    let main_source = match main_source_only_when_unnamed && named {
        true => None,
        false => main_source(facts, &article)?,
    };
    s.join_one("mainSource", false, |_| {
        Ok(main_source.clone().into_iter().collect())
    })?;
    s.rows.truncate(1);
    Ok(s.finish(
        &[
            "article",
            "slug",
            "title",
            "language",
            "publisher",
            "publisherLabel",
            "date",
            "mainSource",
        ],
        false,
        &[],
    ))
}

/// `queries/page-article.rq`.
fn article_rows(facts: &Facts<'_>, article: Term) -> Result<Table, StoreError> {
    let mut s = Solutions::start("article", article.clone());
    if !facts.has(&article, rdf::TYPE, cg::ARTICLE.into())? {
        s.rows.clear();
    }
    s.property(facts, "article", cg::SLUG, "slug", true)?;
    for (var, predicate) in [
        ("title", schema::HEADLINE),
        ("url", schema::URL),
        ("language", cg::LANGUAGE),
        ("body", schema::ARTICLE_BODY),
        ("contentHash", cg::CONTENT_HASH),
    ] {
        s.join_one(var, false, |r| facts.objects(r.bound("article"), predicate))?;
    }
    s.join_one("modified", false, |r| {
        let Term::NamedNode(a) = r.bound("article") else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for q in facts.store.quads_for_pattern(
            Some(a.as_ref().into()),
            Some(rdf::TYPE),
            Some(cg::ARTICLE.into()),
            None,
        ) {
            let oxigraph::model::GraphName::NamedNode(ledger) = q?.graph_name else {
                continue;
            };
            let ledger: Term = ledger.into();
            if facts.has(&ledger, rdf::TYPE, cg::CONTRIBUTION.into())? {
                out.extend(facts.objects(&ledger, vocab::dct::MODIFIED)?);
            }
        }
        Ok(out)
    })?;
    s.join(
        &["publisher", "publisherLabel", "unidentifiedPublisher"],
        false,
        |r| {
            let mut out = Vec::new();
            for publisher in facts.objects(r.bound("article"), cg::PUBLISHER)? {
                let unidentified = facts
                    .has(&publisher, rdf::TYPE, cg::UNIDENTIFIED_PUBLISHER.into())?
                    .then(|| boolean(true));
                for label in optional(facts.labels_of(&publisher, "en")?) {
                    out.push(vec![Some(publisher.clone()), label, unidentified.clone()]);
                }
            }
            Ok(out)
        },
    )?;
    join_date(
        &mut s,
        facts,
        "article",
        cg::PUBLICATION_DATE,
        ["date", "dateText", "datePrecision"],
    )?;
    s.rows.truncate(1);
    Ok(s.finish(
        &[
            "article",
            "slug",
            "title",
            "url",
            "language",
            "publisher",
            "publisherLabel",
            "unidentifiedPublisher",
            "date",
            "dateText",
            "datePrecision",
            "body",
            "contentHash",
            "modified",
        ],
        false,
        &[],
    ))
}

/// `queries/page-article-claims.rq`.
fn article_claim_rows(
    facts: &Facts<'_>,
    schema: &Schema,
    article: Term,
) -> Result<Table, StoreError> {
    let mut s = Solutions::start("article", article);
    s.join_one("claim", true, |r| {
        facts.subjects(cg::RELAYED_BY, r.bound("article"))
    })?;
    s.property(facts, "claim", cg::SLUG, "slug", true)?;
    s.property(facts, "claim", cg::STATEMENT, "statement", true)?;
    s.property(facts, "claim", cg::CLAIMANT, "claimant", true)?;
    s.property(facts, "claim", cg::MADE_IN, "document", true)?;
    join_kinds(&mut s, facts, schema, "claim")?;
    join_quote_position(&mut s, facts)?;
    s.join_one("status", false, |r| {
        facts.object_labels(r.bound("claim"), cg::STATUS)
    })?;
    s.join_one("claimantLabel", false, |r| {
        facts.labels_of(r.bound("claimant"), "en")
    })?;
    s.join_one("documentTitle", false, |r| {
        titles(facts, r.bound("document"))
    })?;
    Ok(s.finish(
        &[
            "article",
            "claim",
            "slug",
            "start",
            "end",
            "quote",
            "kind",
            "statement",
            "claimant",
            "claimantLabel",
            "document",
            "documentTitle",
            "status",
        ],
        false,
        &["start", "end", "slug"],
    ))
}

/// `queries/page-article-documents.rq`.
fn article_document_rows(
    facts: &Facts<'_>,
    schema: &Schema,
    article: Term,
) -> Result<Table, StoreError> {
    let mut s = Solutions::start("article", article);
    s.join_one("from", true, |r| {
        facts.reach(r.bound("article"), cg::RELAYS, true)
    })?;
    s.join(&["linkLabel", "document"], true, |r| {
        let mut out = Vec::new();
        for (link, labels) in &schema.relay_links {
            for document in facts.objects(r.bound("from"), link.as_ref())? {
                for label in labels {
                    out.push(vec![Some(label.clone()), Some(document.clone())]);
                }
            }
        }
        Ok(out)
    })?;
    s.property(facts, "document", cg::SLUG, "slug", true)?;
    s.property(facts, "document", schema::NAME, "title", false)?;
    s.join_one("kind", false, |r| {
        document_kinds(facts, schema, r.bound("document"))
    })?;
    s.join(&["author", "authorLabel"], false, |r| {
        labelled_objects(facts, r.bound("document"), cg::AUTHOR)
    })?;
    Ok(s.finish(
        &[
            "article",
            "from",
            "linkLabel",
            "document",
            "slug",
            "title",
            "kind",
            "author",
            "authorLabel",
        ],
        false,
        &[],
    ))
}

/// Who made the documents most of an article's claims rest on (its English label; by
/// count of claims, then label).
fn main_source(facts: &Facts<'_>, article: &Term) -> Result<Option<Term>, StoreError> {
    let mut counts: HashMap<Term, usize> = HashMap::new();
    for claim in facts.subjects(cg::RELAYED_BY, article)? {
        for document in facts.objects(&claim, cg::MADE_IN)? {
            if &document == article {
                continue;
            }
            for label in facts.object_labels(&document, cg::AUTHOR)? {
                *counts.entry(label).or_default() += 1;
            }
        }
    }
    Ok(counts
        .into_iter()
        .max_by(|(a, n), (b, m)| n.cmp(m).then_with(|| sparql_order(Some(b), Some(a))))
        .map(|(label, _)| label))
}

/// `queries/page-entity.rq`.
fn entity_rows(facts: &Facts<'_>, entity: Term) -> Result<Table, StoreError> {
    let mut s = Solutions::start("entity", entity.clone());
    if !facts.has(&entity, rdf::TYPE, cg::ENTITY.into())? {
        s.rows.clear();
    }
    s.property(facts, "entity", cg::SLUG, "slug", false)?;
    s.property(facts, "entity", cg::ENTITY_KIND, "kind", false)?;
    s.join_one("labelEn", false, |r| {
        facts.labels_of(r.bound("entity"), "en")
    })?;
    s.join_one("labelDe", false, |r| {
        facts.labels_of(r.bound("entity"), "de")
    })?;
    s.property(facts, "entity", skos::ALT_LABEL, "alias", false)?;
    for (predicate, node, label) in [
        (cg::COUNTRY, "country", "countryLabel"),
        (cg::PART_OF, "partOf", "partOfLabel"),
    ] {
        s.join(&[node, label], false, |r| {
            labelled_objects(facts, r.bound("entity"), predicate)
        })?;
    }
    s.join_one("wikidata", false, |r| {
        Ok(facts
            .objects(r.bound("entity"), owl::SAME_AS)?
            .into_iter()
            .filter(|t| matches!(t, Term::NamedNode(n) if n.as_str().starts_with(vocab::WIKIDATA)))
            .collect())
    })?;
    s.property(facts, "entity", schema::DESCRIPTION, "description", false)?;
    Ok(s.finish(
        &[
            "entity",
            "slug",
            "kind",
            "labelEn",
            "labelDe",
            "alias",
            "country",
            "countryLabel",
            "partOf",
            "partOfLabel",
            "wikidata",
            "description",
        ],
        false,
        &["alias"],
    ))
}

/// The claims `entity` takes part in, with the role `entity-claims` gives it.
fn entity_roles(facts: &Facts<'_>, entity: &Term) -> Result<Vec<Vec<Option<Term>>>, StoreError> {
    let mut out = Vec::new();
    let about: Vec<Term> = facts.subjects(cg::ABOUT, entity)?;
    for claim in &about {
        out.push(vec![Some(string("subject")), Some(claim.clone())]);
    }
    let made = facts.subjects(cg::CLAIMANT, entity)?;
    for claim in &made {
        let role = if facts.has(claim, rdf::TYPE, cg::RESPONSE.into())? {
            "responding"
        } else {
            "claimant"
        };
        out.push(vec![Some(string(role)), Some(claim.clone())]);
    }
    let named: HashSet<&Term> = about.iter().chain(&made).collect();
    for claim in facts.subjects(schema::MENTIONS, entity)? {
        if !named.contains(&claim) {
            out.push(vec![Some(string("mentioned")), Some(claim)]);
        }
    }
    Ok(out)
}

/// A role and a claim of an entity's claims, as `entity-claims` binds `?role` and
/// `?claim` (`("subject", claim)`...).
pub type RoleClaim = (String, Term);

/// [`entity_roles`], only the pairs in `only` when given.
fn entity_roles_of(
    facts: &Facts<'_>,
    entity: &Term,
    only: Option<&HashSet<RoleClaim>>,
) -> Result<Vec<Vec<Option<Term>>>, StoreError> {
    let Some(only) = only else {
        return entity_roles(facts, entity);
    };
    // Each pair checked on its own claim: a page of a large entity reads its cards'
    // roles, not the list of every claim the entity takes part in.
    let mut roles = Vec::with_capacity(only.len());
    for (role, claim) in only {
        let about = || facts.has(claim, cg::ABOUT, entity.as_ref());
        let made = || facts.has(claim, cg::CLAIMANT, entity.as_ref());
        let response = || facts.has(claim, rdf::TYPE, cg::RESPONSE.into());
        let holds = match role.as_str() {
            "subject" => about()?,
            "claimant" => made()? && !response()?,
            "responding" => made()? && response()?,
            "mentioned" => {
                facts.has(claim, schema::MENTIONS, entity.as_ref())? && !about()? && !made()?
            }
            _ => false,
        };
        if holds {
            roles.push(vec![Some(string(role)), Some(claim.clone())]);
        }
    }
    Ok(roles)
}

/// The index of an entity's claims: for each role and claim of `entity-claims`, what
/// orders the entity's pages and what their summary counts (`kind`, `status`,
/// `claimant`, `article`, `sortKey`), with the same rows first in the same ORDER BY,
/// but none of the text the cards show (statements, quotes, labels, titles, dates as
/// shown). An entity page reads this for every claim and [`entity_claims_of`] for the
/// claims it shows.
///
/// The required patterns whose values the index does not show (statement, quote) are
/// checked for existence only; every other pattern keeps its multiplicity up to the
/// dates, so the first row of each role and claim carries the kind and status of the
/// first row `entity-claims` has for it (the dates, which alone order a claim's rows,
/// are the innermost join in both).
pub fn entity_claim_index(
    facts: &Facts<'_>,
    schema: &Schema,
    entity: Term,
) -> Result<Table, StoreError> {
    claim_index_rows(facts, schema, entity, None)
}

/// The rows of [`entity_claim_index`] for the roles and claims in `only`: the same rows,
/// in the same order, as the whole index has for them.
pub fn entity_claim_index_of(
    facts: &Facts<'_>,
    schema: &Schema,
    entity: Term,
    only: &HashSet<RoleClaim>,
) -> Result<Table, StoreError> {
    claim_index_rows(facts, schema, entity, Some(only))
}

/// The roles an entity can take in a claim, as `entity-claims` binds `?role`.
const ROLES: [&str; 4] = ["subject", "claimant", "responding", "mentioned"];

/// Every role with each of `claims`: what reads the rows of some claims of an entity
/// ([`entity_claim_index_of`], [`entity_claims_of`]) whatever role it has in them.
pub fn in_any_role(claims: &HashSet<Term>) -> HashSet<RoleClaim> {
    claims
        .iter()
        .flat_map(|claim| ROLES.map(|role| (role.to_owned(), claim.clone())))
        .collect()
}

fn claim_index_rows(
    facts: &Facts<'_>,
    schema: &Schema,
    entity: Term,
    only: Option<&HashSet<RoleClaim>>,
) -> Result<Table, StoreError> {
    let mut s = Solutions::start("entity", entity);
    s.join(&["role", "claim"], true, |r| {
        entity_roles_of(facts, r.bound("entity"), only)
    })?;
    s.keep(|r| Ok(!facts.objects(r.bound("claim"), cg::STATEMENT)?.is_empty()))?;
    s.property(facts, "claim", cg::CLAIMANT, "claimant", true)?;
    s.property(facts, "claim", cg::MADE_IN, "document", true)?;
    s.property(facts, "claim", cg::RELAYED_BY, "article", true)?;
    s.keep(|r| Ok(!quotes(facts, r.bound("claim"))?.is_empty()))?;
    join_kinds(&mut s, facts, schema, "claim")?;
    s.join_one("status", false, |r| {
        facts.object_labels(r.bound("claim"), cg::STATUS)
    })?;
    for (owner, predicate, sort_key) in [
        ("claim", cg::EVENT_DATE, "eds"),
        ("claim", cg::CLAIM_DATE, "cds"),
        ("document", cg::PUBLICATION_DATE, "dds"),
    ] {
        s.join(&[sort_key], false, |r| {
            facts.sort_keys(r.bound(owner), predicate)
        })?;
    }
    s.bind("sortKey", |r| {
        ["eds", "cds", "dds"]
            .iter()
            .find_map(|v| r.get(v).cloned())
            .or_else(|| Some(string("~~")))
    });
    Ok(s.finish(
        &[
            "entity", "role", "claim", "kind", "status", "claimant", "document", "article",
            "sortKey",
        ],
        true,
        ENTITY_CLAIMS_ORDER,
    ))
}

/// The order of `entity-claims` and of the index of an entity's claims.
const ENTITY_CLAIMS_ORDER: &[&str] = &["role", "sortKey", "claim"];

/// The rows of `entity-claims` for the roles and claims in `only`: the same rows, in
/// the same order, as the whole query has for them.
pub fn entity_claims_of(
    facts: &Facts<'_>,
    schema: &Schema,
    entity: Term,
    only: &HashSet<RoleClaim>,
) -> Result<Table, StoreError> {
    entity_claim_rows(facts, schema, entity, Some(only))
}

/// The rows of `page-entity-answers` for the claims in `only`: the same rows, in the
/// same order, as the whole query has for them.
pub fn entity_answers_of(
    facts: &Facts<'_>,
    schema: &Schema,
    entity: Term,
    only: &HashSet<Term>,
) -> Result<Table, StoreError> {
    answer_rows(facts, schema, "entity", entity, Some(only))
}

/// `queries/entity-claims.rq` (competency question 2), only the roles and claims in
/// `only` when given.
fn entity_claim_rows(
    facts: &Facts<'_>,
    schema: &Schema,
    entity: Term,
    only: Option<&HashSet<RoleClaim>>,
) -> Result<Table, StoreError> {
    let mut s = Solutions::start("entity", entity);
    s.join(&["role", "claim"], true, |r| {
        entity_roles_of(facts, r.bound("entity"), only)
    })?;
    s.property(facts, "claim", cg::STATEMENT, "statement", true)?;
    s.property(facts, "claim", cg::CLAIMANT, "claimant", true)?;
    s.property(facts, "claim", cg::MADE_IN, "document", true)?;
    s.property(facts, "claim", cg::RELAYED_BY, "article", true)?;
    s.join_one("quote", true, |r| quotes(facts, r.bound("claim")))?;
    join_kinds(&mut s, facts, schema, "claim")?;
    s.bind("lang", |r| lang_of(r.bound("quote")));
    s.join_one("status", false, |r| {
        facts.object_labels(r.bound("claim"), cg::STATUS)
    })?;
    s.join_one("claimantLabel", false, |r| {
        facts.labels_of(r.bound("claimant"), "en")
    })?;
    s.join_one("documentTitle", false, |r| {
        titles(facts, r.bound("document"))
    })?;
    s.property(facts, "article", schema::HEADLINE, "articleTitle", false)?;
    for (owner, predicate, [value, text, precision, sort_key]) in [
        ("claim", cg::EVENT_DATE, ["edv", "edt", "edp", "eds"]),
        ("claim", cg::CLAIM_DATE, ["cdv", "cdt", "cdp", "cds"]),
        (
            "document",
            cg::PUBLICATION_DATE,
            ["ddv", "ddt", "ddp", "dds"],
        ),
    ] {
        s.join(&[value, text, precision, sort_key], false, |r| {
            Ok(facts
                .dates(r.bound(owner), predicate, true)?
                .into_iter()
                .map(|d| vec![d.value, d.text, Some(d.precision), d.sort_key])
                .collect())
        })?;
    }
    let first = |r: &Row<'_>, options: &[(&str, bool)]| {
        options.iter().find_map(|(var, as_str)| {
            let t = r.get(var)?;
            if *as_str {
                str_of(t)
            } else {
                Some(t.clone())
            }
        })
    };
    s.bind("date", |r| {
        first(
            r,
            &[
                ("edv", true),
                ("edt", false),
                ("cdv", true),
                ("cdt", false),
                ("ddv", true),
                ("ddt", false),
            ],
        )
    });
    s.bind("precision", |r| {
        first(r, &[("edp", false), ("cdp", false), ("ddp", false)])
    });
    s.bind("sortKey", |r| {
        first(r, &[("eds", false), ("cds", false), ("dds", false)]).or_else(|| Some(string("~~")))
    });
    Ok(s.finish(
        &[
            "entity",
            "role",
            "claim",
            "kind",
            "statement",
            "claimantLabel",
            "documentTitle",
            "articleTitle",
            "date",
            "precision",
            "quote",
            "lang",
            "status",
            "claimant",
            "document",
            "article",
            "sortKey",
        ],
        true,
        ENTITY_CLAIMS_ORDER,
    ))
}

/// `queries/page-entity-answers.rq` (`owner` "entity": the claims it takes part in) and
/// `queries/page-article-answers.rq` (`owner` "article": the claims it relays), only
/// for the claims in `only` when given.
fn answer_rows(
    facts: &Facts<'_>,
    schema: &Schema,
    owner: &'static str,
    of: Term,
    only: Option<&HashSet<Term>>,
) -> Result<Table, StoreError> {
    let mut s = Solutions::start(owner, of);
    s.join_one("claim", true, |r| {
        let e = r.bound(owner);
        let links: &[NamedNodeRef<'_>] = match owner {
            "article" => &[cg::RELAYED_BY],
            _ => &[cg::ABOUT, cg::CLAIMANT, schema::MENTIONS],
        };
        // The claims wanted are checked one by one: a page of a large entity reads its
        // cards' answers, not the list of every claim the entity takes part in.
        let mut out = Vec::new();
        match only {
            Some(only) => {
                for claim in only {
                    for link in links {
                        if facts.has(claim, *link, e.as_ref())? {
                            out.push(claim.clone());
                            break;
                        }
                    }
                }
            }
            None => {
                for link in links {
                    out.extend(facts.subjects(*link, e)?);
                }
            }
        }
        Ok(out)
    })?;
    s.join(&["direction", "other", "kindClass"], true, |r| {
        let claim = r.bound("claim");
        let mut out = Vec::new();
        for other in facts.subjects(cg::ANSWERS, claim)? {
            for class in facts.objects(&other, rdf::TYPE)? {
                if matches!(&class, Term::NamedNode(c) if schema.response_kinds.contains(c.as_str())) {
                    out.push(vec![Some(string("answered-by")), Some(other.clone()), Some(class)]);
                }
            }
        }
        for other in facts.objects(claim, cg::CORROBORATED_BY)? {
            if !facts.has(&other, cg::ANSWERS, claim.as_ref())? {
                out.push(vec![Some(string("corroborated-by")), Some(other), None]);
            }
        }
        Ok(out)
    })?;
    s.property(facts, "other", cg::CLAIMANT, "responder", true)?;
    s.property(facts, "other", cg::MADE_IN, "origin", true)?;
    s.property(facts, "other", cg::RELAYED_BY, "otherArticle", true)?;
    s.join_one("quote", true, |r| quotes(facts, r.bound("other")))?;
    let mut by_subject = Vec::new();
    for cells in &s.rows {
        let r = Row {
            vars: &s.vars,
            cells,
        };
        by_subject.push(facts.has(r.bound("claim"), cg::ABOUT, r.bound("responder").as_ref())?);
    }
    let mut flags = by_subject.into_iter();
    s.bind("bySubject", |_| flags.next().map(boolean));
    s.join_one("responderLabel", false, |r| {
        facts.labels_of(r.bound("responder"), "en")
    })?;
    Ok(s.finish(
        &[
            owner,
            "claim",
            "direction",
            "other",
            "kindClass",
            "responder",
            "responderLabel",
            "quote",
            "otherArticle",
            "origin",
            "bySubject",
        ],
        true,
        ANSWERS_ORDER,
    ))
}

/// The order of `page-entity-answers` and `page-article-answers`.
const ANSWERS_ORDER: &[&str] = &["claim", "direction", "other"];

/// `queries/page-entity-relations.rq`.
fn entity_relation_rows(
    facts: &Facts<'_>,
    schema: &Schema,
    entity: Term,
) -> Result<Table, StoreError> {
    let Term::NamedNode(node) = &entity else {
        return Ok(Solutions::empty(&[]).finish(&ENTITY_RELATION_VARS, true, &[]));
    };
    let quads = facts
        .store
        .quads_for_pattern(Some(node.as_ref().into()), None, None, None)
        .map(|q| q.map(|q| (q, "out")))
        .chain(
            facts
                .store
                .quads_for_pattern(None, None, Some(node.as_ref().into()), None)
                .map(|q| q.map(|q| (q, "in"))),
        );
    relation_rows_of_quads(facts, schema, &entity, quads, None)
}

/// The rows of `page-entity-relations` for the claims `claims`: the same rows, in the
/// same order, as the whole query has for them; `None` when one of them has more than
/// one proposition (the whole query orders their rows by how the store orders quads
/// across graphs, which a reading graph by graph does not see).
pub fn entity_relations_of(
    facts: &Facts<'_>,
    schema: &Schema,
    entity: Term,
    claims: &HashSet<Term>,
) -> Result<Option<Table>, StoreError> {
    let Term::NamedNode(node) = &entity else {
        return Ok(Some(Solutions::empty(&[]).finish(
            &ENTITY_RELATION_VARS,
            true,
            &[],
        )));
    };
    let mut graphs: Vec<NamedNode> = Vec::new();
    for claim in claims {
        let propositions = facts.objects(claim, cg::HAS_PROPOSITION)?;
        if propositions.len() > 1 {
            return Ok(None);
        }
        for graph in propositions {
            if let Term::NamedNode(graph) = graph {
                if !graphs.contains(&graph) {
                    graphs.push(graph);
                }
            }
        }
    }
    // Within one graph the store yields the quads in the order the whole reading meets
    // them: by predicate and object (out), by subject and predicate (in).
    let mut quads = Vec::new();
    for direction in ["out", "in"] {
        for graph in &graphs {
            let (subject, object) = match direction {
                "out" => (Some(node.as_ref().into()), None),
                _ => (None, Some(node.as_ref().into())),
            };
            for q in
                facts
                    .store
                    .quads_for_pattern(subject, None, object, Some(graph.as_ref().into()))
            {
                quads.push(q.map(|q| (q, direction)));
            }
        }
    }
    relation_rows_of_quads(facts, schema, &entity, quads.into_iter(), Some(claims)).map(Some)
}

/// The rows of `page-entity-relations` from the quads naming `entity` (with their
/// direction), for the claims in `only` when given.
fn relation_rows_of_quads(
    facts: &Facts<'_>,
    schema: &Schema,
    entity: &Term,
    quads: impl Iterator<Item = Result<(oxigraph::model::Quad, &'static str), StoreError>>,
    only: Option<&HashSet<Term>>,
) -> Result<Table, StoreError> {
    let mut s = Solutions::empty(&["entity", "direction", "relation", "other", "graph"]);
    let mut push = |q: oxigraph::model::Quad, direction: &str, other: Term| {
        if let (oxigraph::model::GraphName::NamedNode(g), Term::NamedNode(_)) =
            (&q.graph_name, &other)
        {
            if &other != entity {
                s.rows.push(vec![
                    Some(entity.clone()),
                    Some(string(direction)),
                    Some(q.predicate.into()),
                    Some(other),
                    Some(g.clone().into()),
                ]);
            }
        }
    };
    for q in quads {
        let (q, direction) = q?;
        let other: Term = match direction {
            "out" => q.object.clone(),
            _ => q.subject.clone().into(),
        };
        push(q, direction, other);
    }
    s.join_one("claim", true, |r| {
        let claims = facts.subjects(cg::HAS_PROPOSITION, r.bound("graph"))?;
        Ok(match only {
            Some(only) => claims.into_iter().filter(|c| only.contains(c)).collect(),
            None => claims,
        })
    })?;
    s.property(facts, "claim", cg::CLAIMANT, "claimant", true)?;
    s.join_one("relationLabel", false, |r| {
        facts.labels_of(r.bound("relation"), "en")
    })?;
    s.join_one("otherLabel", false, |r| {
        facts.labels_of(r.bound("other"), "en")
    })?;
    s.join_one("claimantLabel", false, |r| {
        facts.labels_of(r.bound("claimant"), "en")
    })?;
    s.property(facts, "claim", cg::STATUS, "status", false)?;
    s.bind("isListing", |r| {
        Some(boolean(matches!(
            r.get("relation"),
            Some(Term::NamedNode(p)) if schema.listings.contains(p.as_str())
        )))
    });
    Ok(s.finish(&ENTITY_RELATION_VARS, true, ENTITY_RELATIONS_ORDER))
}

/// The order of `page-entity-relations`.
const ENTITY_RELATIONS_ORDER: &[&str] = &["otherLabel", "relationLabel", "claim"];

/// The tables of an entity's rows that an incremental build patches claim by claim:
/// the query (or [`ENTITY_CLAIM_INDEX`]) and its ORDER BY.
const ENTITY_TABLE_ORDERS: [(&str, &[&str]); 4] = [
    (ENTITY_CLAIM_INDEX, ENTITY_CLAIMS_ORDER),
    ("entity-claims", ENTITY_CLAIMS_ORDER),
    ("page-entity-answers", ANSWERS_ORDER),
    ("page-entity-relations", ENTITY_RELATIONS_ORDER),
];

/// What [`entity_claim_index`]'s rows are called among an entity's tables.
pub const ENTITY_CLAIM_INDEX: &str = "entity-claim-index";

/// `kept`, the rows of one of an entity's tables (`name`: `entity-claims`,
/// `page-entity-answers`, `page-entity-relations` or [`ENTITY_CLAIM_INDEX`]) as an earlier
/// reading gave them, with the rows of the claims `replaced` taken out and `fresh`
/// (their rows now, read for those claims alone) put in, in the table's order: the rows
/// a whole reading gives now, when no other claim's rows changed. `None` for another
/// table, or when the columns differ.
pub fn merge_entity_rows(
    name: &str,
    kept: &Table,
    replaced: &HashSet<Term>,
    fresh: Table,
) -> Option<Table> {
    let (_, order) = ENTITY_TABLE_ORDERS.iter().find(|(n, _)| *n == name)?;
    if kept.variables != fresh.variables {
        return None;
    }
    merge_by_claim(kept, replaced, fresh, order)
}

/// `kept` without the rows whose `claim` is among `replaced`, with `fresh` added, sorted
/// by `order`. Every table merged orders by the claim (after the keys that come before
/// it), so rows of different claims never tie, and the sort is stable, so the rows of one
/// claim keep the order they were read in, as in a whole reading. No row is in both
/// (`fresh` holds only the claims taken out), so a DISTINCT query's rows stay distinct.
fn merge_by_claim(
    kept: &Table,
    replaced: &HashSet<Term>,
    fresh: Table,
    order: &[&str],
) -> Option<Table> {
    let column = kept.column("claim")?;
    let mut rows: Vec<Vec<Option<Term>>> = kept
        .rows
        .iter()
        .filter(|row| !row[column].as_ref().is_some_and(|c| replaced.contains(c)))
        .cloned()
        .chain(fresh.rows)
        .collect();
    let keys: Vec<usize> = order.iter().filter_map(|o| kept.column(o)).collect();
    sort_rows(&mut rows, &keys);
    Some(Table {
        variables: kept.variables.clone(),
        rows,
    })
}

const ENTITY_RELATION_VARS: [&str; 11] = [
    "entity",
    "direction",
    "relation",
    "relationLabel",
    "other",
    "otherLabel",
    "claim",
    "claimant",
    "claimantLabel",
    "status",
    "isListing",
];
