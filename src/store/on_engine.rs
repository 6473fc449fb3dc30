//! claimgraph's dataset kept on a SPARQL server engine: how the embedded store's
//! contents, writes and derivation map onto the W3C protocols.
//!
//! Server engines differ in what a query's default graph is (Virtuoso: the union of
//! every graph), so claimgraph's default graph lives in a designated named graph,
//! [`OnEngine::default_graph`] (`{base}graph/default`), passed as `default-graph-uri`
//! with every query and named in every update. claimgraph's dataset on the engine is the
//! graphs under its base IRI; an engine's own graphs (Virtuoso's system graphs) are not
//! part of it.
//!
//! A sheet is replaced in ONE update request ([`OnEngine::replace`]): SPARQL 1.1 Update
//! makes a request atomic, so a refused request leaves the article as it was. Statuses
//! are derived by the reference rules, `queries/derive-status.ru`, each operation
//! given `WITH` the default graph, also in one request.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::time::Duration;

use oxigraph::model::{
    GraphName, GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Quad,
    Term, TermRef, Triple,
};
use oxigraph::sparql::QueryResults;

use super::remote::{split_operations, RemoteEngine, RemoteError};
use super::{ReplaceReport, StoreError};
use crate::model::graph::{Contribution, Iris};
use crate::model::vocab::{self, cg, rdf};
use crate::write::derive::{self, Derivation, Touched};

/// How long a write or a bookkeeping query may take when the caller sets no deadline.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// The dataset on a remote engine.
#[derive(Debug)]
pub struct OnEngine {
    engine: RemoteEngine,
    default_graph: NamedNode,
    /// claimgraph's graphs are those whose IRI starts with this (the base).
    scope: String,
    ledger_prefix: String,
    timeout: Duration,
    /// The longest chain of rdfs:subClassOf or rdfs:subPropertyOf, found at first use.
    hierarchy_depth: std::sync::OnceLock<usize>,
}

impl OnEngine {
    pub fn new(engine: RemoteEngine, iris: &Iris, timeout: Duration) -> Self {
        OnEngine {
            engine,
            default_graph: default_graph(iris),
            scope: iris.base().to_owned(),
            ledger_prefix: iris.ledger_prefix(),
            timeout,
            hierarchy_depth: std::sync::OnceLock::new(),
        }
    }

    /// The longest chain of `rdfs:subClassOf` (or `rdfs:subPropertyOf`) steps in the
    /// engine's data: how far a class or property hierarchy path must reach.
    pub fn hierarchy_depth(&self) -> Result<usize, StoreError> {
        if let Some(depth) = self.hierarchy_depth.get() {
            return Ok(*depth);
        }
        let mut deepest = 1;
        for p in [vocab::rdfs::SUB_CLASS_OF, vocab::rdfs::SUB_PROPERTY_OF] {
            let mut up: std::collections::HashMap<Term, Vec<Term>> = Default::default();
            for row in self.select(&format!("SELECT DISTINCT ?s ?o WHERE {{ ?s {p} ?o }}"))? {
                if let [Some(s), Some(o)] = row.as_slice() {
                    up.entry(s.clone()).or_default().push(o.clone());
                }
            }
            // Steps up from each term, breadth first; a cycle stops at the number of terms.
            for start in up.keys() {
                let mut frontier = vec![start.clone()];
                let mut steps = 0;
                while !frontier.is_empty() && steps <= up.len() {
                    frontier = frontier
                        .iter()
                        .flat_map(|t| up.get(t).into_iter().flatten().cloned())
                        .collect();
                    if !frontier.is_empty() {
                        steps += 1;
                    }
                }
                deepest = deepest.max(steps);
            }
        }
        Ok(*self.hierarchy_depth.get_or_init(|| deepest))
    }

    pub fn engine(&self) -> &RemoteEngine {
        &self.engine
    }

    /// The named graph that holds claimgraph's default graph on the engine.
    pub fn default_graph(&self) -> NamedNodeRef<'_> {
        self.default_graph.as_ref()
    }

    /// Runs a query (already in the engine's dialect) with claimgraph's default graph
    /// as its default graph.
    pub fn query(
        &self,
        text: &str,
        timeout: Option<Duration>,
    ) -> Result<QueryResults<'static>, RemoteError> {
        self.engine.query(
            text,
            Some(self.default_graph.as_str()),
            timeout.unwrap_or(self.timeout),
        )
    }

    /// A SELECT's rows as optional terms, in projection order.
    pub fn select(&self, text: &str) -> Result<Vec<Vec<Option<Term>>>, StoreError> {
        super::solution_rows(self.query(text, None)?)
    }

    fn count(&self, text: &str) -> Result<usize, StoreError> {
        let rows = self.select(text)?;
        Ok(rows
            .first()
            .and_then(|r| r.first())
            .and_then(super::literal_value)
            .and_then(|n| n.parse().ok())
            .unwrap_or(0))
    }

    /// The graph a quad pattern names, as the engine knows it.
    fn graph_text(&self, graph: GraphNameRef<'_>) -> Result<String, StoreError> {
        match graph {
            GraphNameRef::DefaultGraph => Ok(self.default_graph.to_string()),
            GraphNameRef::NamedNode(n) => Ok(n.to_string()),
            GraphNameRef::BlankNode(_) => Err(StoreError::Query(
                "a blank node names no graph on a remote engine".into(),
            )),
        }
    }

    /// The quads matching a pattern, as the embedded store's `quads_for_pattern` gives
    /// them (the designated graph read back as the default graph).
    pub fn quads_for_pattern(
        &self,
        subject: Option<NamedOrBlankNodeRef<'_>>,
        predicate: Option<NamedNodeRef<'_>>,
        object: Option<TermRef<'_>>,
        graph: Option<GraphNameRef<'_>>,
    ) -> Result<Vec<Quad>, StoreError> {
        if matches!(subject, Some(NamedOrBlankNodeRef::BlankNode(_)))
            || matches!(object, Some(TermRef::BlankNode(_)))
        {
            // A blank node cannot be named in a query sent to another engine.
            return Ok(Vec::new());
        }
        let s = subject.map_or_else(|| "?s".to_owned(), |s| s.to_string());
        let p = predicate.map_or_else(|| "?p".to_owned(), |p| p.to_string());
        let o = object.map_or_else(|| "?o".to_owned(), |o| o.to_string());
        let g = match graph {
            Some(g) => self.graph_text(g)?,
            None => "?g".to_owned(),
        };
        let mut query = format!("SELECT * WHERE {{ GRAPH {g} {{ {s} {p} {o} }}");
        if graph.is_none() {
            write!(
                query,
                " FILTER(STRSTARTS(STR(?g), {}))",
                scope_literal(&self.scope)
            )
            .ok();
        }
        query.push_str(" }");
        let QueryResults::Solutions(solutions) = self.engine.query(&query, None, self.timeout)?
        else {
            return Err(StoreError::Query("expected a result set".into()));
        };
        let mut quads = Vec::new();
        for row in solutions {
            let row = row.map_err(|e| StoreError::Query(e.to_string()))?;
            let subject: NamedOrBlankNode = match (subject, row.get("s")) {
                (Some(s), _) => s.into_owned(),
                (None, Some(Term::NamedNode(n))) => n.clone().into(),
                (None, Some(Term::BlankNode(b))) => b.clone().into(),
                _ => continue,
            };
            let predicate = match (predicate, row.get("p")) {
                (Some(p), _) => p.into_owned(),
                (None, Some(Term::NamedNode(n))) => n.clone(),
                _ => continue,
            };
            let object = match (object, row.get("o")) {
                (Some(o), _) => o.into_owned(),
                (None, Some(t)) => t.clone(),
                _ => continue,
            };
            let graph_name = match (graph, row.get("g")) {
                (Some(g), _) => g.into_owned(),
                (None, Some(Term::NamedNode(n))) if *n == self.default_graph => {
                    GraphName::DefaultGraph
                }
                (None, Some(Term::NamedNode(n))) => n.clone().into(),
                _ => continue,
            };
            quads.push(Quad::new(subject, predicate, object, graph_name));
        }
        Ok(quads)
    }

    /// Whether the dataset holds the quad.
    pub fn contains(&self, quad: oxigraph::model::QuadRef<'_>) -> Result<bool, StoreError> {
        Ok(!self
            .quads_for_pattern(
                Some(quad.subject),
                Some(quad.predicate),
                Some(quad.object),
                Some(quad.graph_name),
            )?
            .is_empty())
    }

    /// Number of quads in claimgraph's graphs.
    pub fn len(&self) -> Result<usize, StoreError> {
        self.count(&format!(
            "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {})) }}",
            scope_literal(&self.scope)
        ))
    }

    /// claimgraph's named graphs on the engine (the designated default graph left out).
    pub fn named_graphs(&self) -> Result<Vec<NamedNode>, StoreError> {
        let rows = self.select(&format!(
            "SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {})) }}",
            scope_literal(&self.scope)
        ))?;
        Ok(rows
            .into_iter()
            .filter_map(|r| match r.into_iter().next().flatten() {
                Some(Term::NamedNode(n)) if n != self.default_graph => Some(n),
                _ => None,
            })
            .collect())
    }

    /// Replaces what `contribution`'s sheet contributed before with `contribution`, in
    /// one update request: the old ledger's triples that no other ledger holds leave the
    /// default graph, the old proposition graphs and the ledger are emptied, and the new
    /// contribution goes in. The engine applies the request whole or not at all.
    /// What statuses depend on that the replacement changes is noted in `touched`: the
    /// triples that come or go, every claim with a proposition (its graph is written
    /// anew), and each `cg:relays` link that comes or goes (one another ledger still
    /// holds is noted too: a superset, which costs a few more claims re-derived).
    pub fn replace(
        &self,
        contribution: &Contribution,
        touched: &mut Touched,
    ) -> Result<ReplaceReport, StoreError> {
        let ledger = contribution.ledger.as_ref();
        let old: HashSet<Triple> = self
            .quads_for_pattern(None, None, None, Some(ledger.into()))?
            .into_iter()
            .map(Triple::from)
            .collect();
        let new: HashSet<&Triple> = contribution.triples.iter().collect();
        if contribution.graphs.is_empty()
            && old.len() == new.len()
            && new.iter().all(|t| old.contains(*t))
        {
            // The engine holds this contribution as it is (the ontology, a reference
            // sheet imported again): no request.
            return Ok(ReplaceReport::default());
        }
        let mut removed = 0;
        for triple in old.iter().filter(|t| !new.contains(t)) {
            touched.note(triple.as_ref());
            if triple.predicate == cg::RELAYS {
                touched.note_relay(triple.as_ref(), true);
            }
            removed += 1;
        }
        for triple in &contribution.triples {
            if !old.contains(triple) || triple.predicate == cg::HAS_PROPOSITION {
                touched.note(triple.as_ref());
            }
            if !old.contains(triple) && triple.predicate == cg::RELAYS {
                touched.note_relay(triple.as_ref(), false);
            }
        }
        let (g, l) = (self.default_graph.to_string(), ledger.to_string());
        let prefix = scope_literal(&self.ledger_prefix);
        let proposition = cg::HAS_PROPOSITION.to_string();
        let mut update = String::new();
        writeln!(
            update,
            "DELETE {{ GRAPH {g} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {l} {{ ?s ?p ?o }} \
             FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} \
             FILTER(?other != {l} && STRSTARTS(STR(?other), {prefix})) }} }} ;\n\
             DELETE {{ GRAPH ?graph {{ ?s ?p ?o }} }} WHERE {{ GRAPH {l} {{ ?claim {proposition} ?graph }} \
             GRAPH ?graph {{ ?s ?p ?o }} }} ;\n\
             DELETE {{ GRAPH {l} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {l} {{ ?s ?p ?o }} }} ;"
        )
        .ok();
        let mut placed: Vec<(String, &Triple)> = Vec::new();
        for graph in [&l, &g] {
            placed.extend(contribution.triples.iter().map(|t| (graph.clone(), t)));
        }
        let mut inserted = contribution.triples.len();
        for (graph, triples) in &contribution.graphs {
            let graph = graph.to_string();
            placed.extend(triples.iter().map(|t| (graph.clone(), t)));
            inserted += triples.len();
        }
        write_insert_data(&mut update, &placed);
        self.engine.update(&update, self.timeout)?;
        Ok(ReplaceReport { removed, inserted })
    }

    /// Adds quads (a plain RDF file's) in one update request.
    pub fn insert(&self, quads: &[Quad]) -> Result<(), StoreError> {
        let mut by_graph: std::collections::BTreeMap<String, Vec<Triple>> = Default::default();
        for q in quads {
            let graph = self.graph_text(q.graph_name.as_ref())?;
            by_graph.entry(graph).or_default().push(Triple::new(
                q.subject.clone(),
                q.predicate.clone(),
                q.object.clone(),
            ));
        }
        let placed: Vec<(String, &Triple)> = by_graph
            .iter()
            .flat_map(|(graph, triples)| triples.iter().map(move |t| (graph.clone(), t)))
            .collect();
        let mut update = String::new();
        write_insert_data(&mut update, &placed);
        self.engine.update(&update, self.timeout)?;
        Ok(())
    }

    /// Re-derives the statuses a batch of replacements may have changed, by the same
    /// rules and lookups as the embedded store ([`derive::touched_statuses_on_engine`]),
    /// and writes them in one update request. A batch that touched more than
    /// [`derive::PRELOAD_ABOVE`] claims, or untracked data, is derived whole by
    /// [`Self::derive`] instead: the engine's own run beats a lookup per claim there.
    pub fn derive_touched(&self, touched: &Touched) -> Result<Derivation, StoreError> {
        if touched.is_empty() {
            return Ok(Derivation::default());
        }
        if touched.is_everything() || touched.claims() > derive::PRELOAD_ABOVE {
            return self.derive();
        }
        let (affected, derived) = derive::touched_statuses_on_engine(self, touched)?;
        if affected.iter().any(|t| !matches!(t, Term::NamedNode(_))) {
            // A blank node cannot be named in an update: derive whole.
            return self.derive();
        }
        let g = self.default_graph.to_string();
        let predicates = derive::DERIVED.map(|p| p.to_string()).join(" ");
        let subjects: Vec<String> = affected.iter().map(Term::to_string).collect();
        let mut update = String::new();
        for (i, chunk) in subjects.chunks(TRIPLES_PER_INSERT).enumerate() {
            if i > 0 {
                update.push_str(";\n");
            }
            writeln!(
                update,
                "DELETE {{ GRAPH {g} {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s {{ {} }} \
                 VALUES ?p {{ {predicates} }} GRAPH {g} {{ ?s ?p ?o }} }}",
                chunk.join(" ")
            )
            .ok();
        }
        let placed: Vec<(String, &Triple)> = derived.iter().map(|t| (g.clone(), t)).collect();
        if !placed.is_empty() {
            if !update.is_empty() {
                update.push_str(";\n");
            }
            write_insert_data(&mut update, &placed);
        }
        if !update.is_empty() {
            self.engine.update(&update, self.timeout)?;
        }
        Ok(Derivation {
            rederived: affected.len(),
            written: derived.len(),
            full: false,
        })
    }

    /// Re-derives every claim's status with the reference rules
    /// (`queries/derive-status.ru`), in one update request.
    pub fn derive(&self) -> Result<Derivation, StoreError> {
        self.engine
            .update(&derive_update(self.default_graph()), self.timeout)?;
        let rederived = self.count(&format!(
            "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c {} {} }}",
            rdf::TYPE,
            cg::CLAIM
        ))?;
        let written = self.count(&format!(
            "SELECT (COUNT(*) AS ?n) WHERE {{ ?c ?p ?o VALUES ?p {{ {} {} {} }} }}",
            cg::STATUS,
            cg::STATUS_BASIS,
            cg::CORROBORATED_BY
        ))?;
        Ok(Derivation {
            rederived,
            written,
            full: true,
        })
    }
}

/// The named graph that holds claimgraph's default graph on a remote engine; the bulk
/// export (`export --format nquads --shards`) writes the default graph's quads into it.
pub fn default_graph(iris: &Iris) -> NamedNode {
    iris.resolve("graph/default")
}

/// The update that derives every status on an engine that keeps claimgraph's default
/// graph in `default_graph`: `queries/derive-status.ru`, each operation given `WITH` it.
pub fn derive_update(default_graph: NamedNodeRef<'_>) -> String {
    let with = format!("WITH {default_graph} ");
    let mut update = vocab::sparql_prologue();
    let operations = split_operations(super::DERIVE_STATUS);
    for (i, operation) in operations.iter().enumerate() {
        if i > 0 {
            update.push_str(" ;\n");
        }
        update.push_str(&with);
        update.push_str(operation);
    }
    update
}

/// A string as a SPARQL literal, escaped by oxrdf.
fn scope_literal(text: &str) -> String {
    oxigraph::model::Literal::new_simple_literal(text).to_string()
}

/// How many triples one `INSERT DATA` operation carries. Virtuoso 7's SPARQL compiler
/// runs out of parser stack on one of about 5,000 triples ("SP030 ... memory exhausted":
/// the 1,000-article bench corpus's entity sheet has 16,000), so a large sheet goes as
/// several operations of the same request, which the engine still applies whole or not
/// at all.
const TRIPLES_PER_INSERT: usize = 1_000;

/// `INSERT DATA { GRAPH <g> { triples } ... }` operations for `placed` (each triple with
/// the graph it goes into, written by oxrdf), [`TRIPLES_PER_INSERT`] triples an
/// operation, joined by `;`.
fn write_insert_data(out: &mut String, placed: &[(String, &Triple)]) {
    for (i, operation) in placed.chunks(TRIPLES_PER_INSERT).enumerate() {
        if i > 0 {
            out.push_str(";\n");
        }
        out.push_str("INSERT DATA {\n");
        let mut open: Option<&str> = None;
        for (graph, triple) in operation {
            if open != Some(graph.as_str()) {
                if open.is_some() {
                    out.push_str("}\n");
                }
                writeln!(out, "GRAPH {graph} {{").ok();
                open = Some(graph.as_str());
            }
            writeln!(out, "{triple} .").ok();
        }
        if open.is_some() {
            out.push_str("}\n");
        }
        out.push_str("}\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_insert_goes_as_several_operations_of_one_request() {
        let p = NamedNode::new("https://schema.org/name").unwrap();
        let triples: Vec<Triple> = (0..2_500)
            .map(|i| {
                Triple::new(
                    NamedNode::new(format!("https://claimgraph.example/id/{i}")).unwrap(),
                    p.clone(),
                    oxigraph::model::Literal::new_simple_literal(format!("n \"{i}\" }}")),
                )
            })
            .collect();
        let placed: Vec<(String, &Triple)> = triples
            .iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    format!("<https://claimgraph.example/graph/{}>", i / 2_000),
                    t,
                )
            })
            .collect();
        let mut update = String::new();
        write_insert_data(&mut update, &placed);
        assert_eq!(update.matches("INSERT DATA").count(), 3);
        let parsed = spargebra::SparqlParser::new()
            .parse_update(&update)
            .expect("the request parses");
        let inserted: usize = parsed
            .operations
            .iter()
            .map(|op| match op {
                spargebra::GraphUpdateOperation::InsertData { data } => data.len(),
                _ => 0,
            })
            .sum();
        assert_eq!(inserted, 2_500);
    }
}
