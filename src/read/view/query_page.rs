//! The SPARQL query page's view model without results: the editor's starting query,
//! the project's prefixes (shown, copyable, and offered by the editor's completion),
//! the ontology's labelled terms for completion, and the saved queries as ready-to-run examples.
//!
//! [`QueryPageBase::new`] builds it from the catalog and the store (the examples have
//! their example parameters bound); the static site renders it as `sparql.html`, and the
//! server's `/sparql` page (`crate::server::sparql`) adds a result or an error to it.

use oxigraph::model::{NamedNode, NamedNodeRef, NamedOrBlankNode, Term, Triple};
use oxigraph::sparql::Variable;
use serde::Serialize;

use super::Source;
use crate::model::vocab::{self, owl, rdf, rdfs};
use crate::read::catalog;
use crate::store::compact;

/// The query in the editor of an empty query page: one row per claim, its most specific
/// kind only (every claim is also typed with its kind's superclasses, so matching
/// `rdfs:subClassOf* cg:Claim` alone would return a denial as Denial, Response and Claim).
pub const DEFAULT_QUERY: &str = "# Every claim: its kind, who made it, what it says and its derived status.
SELECT ?claim ?kind ?claimant ?statement ?status WHERE {
  ?claim a cg:Claim ;
         a ?class ;
         cg:claimant ?claimant ;
         cg:statement ?statement .
  ?class rdfs:subClassOf* cg:Claim ; rdfs:label ?kind FILTER(lang(?kind) = \"en\")
  # Keep only the most specific class: no other type of the claim lies below it.
  FILTER NOT EXISTS { ?claim a ?narrower . ?narrower rdfs:subClassOf+ ?class FILTER(?narrower != ?class) }
  OPTIONAL { ?claim cg:status/rdfs:label ?status FILTER(lang(?status) = \"en\") }
}
ORDER BY ?claim
LIMIT 50
";

/// What the query page shows around the editor.
#[derive(Debug, Clone, Serialize)]
pub struct QueryPageBase {
    /// The query in the editor.
    pub query: String,
    pub prefixes: Vec<PrefixView>,
    /// The prefixes as SPARQL `PREFIX` lines, for copying into another tool.
    pub prologue: String,
    /// Prefixes and ontology terms for the editor's completion, as JSON.
    pub completion_json: String,
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrefixView {
    pub prefix: String,
    pub namespace: String,
}

/// A saved query, its example parameters bound, ready to load into the editor.
#[derive(Debug, Clone, Serialize)]
pub struct Example {
    pub name: String,
    pub title: String,
    pub question: Option<u32>,
    pub description: String,
    pub text: String,
}

/// One completion candidate: `cg:Denial` with its English label and comment.
#[derive(Debug, Clone, Serialize)]
struct CompletionTerm {
    /// The prefixed name.
    n: String,
    /// "class", "property" or "term" (a status or another individual).
    k: &'static str,
    /// The label and comment, shown beside the candidate.
    d: String,
}

impl QueryPageBase {
    /// The page with `query` in the editor (the default example when `None`).
    pub fn new(src: &Source<'_>, query: Option<String>) -> Self {
        let prefixes = prefix_views();
        QueryPageBase {
            query: query.unwrap_or_else(|| DEFAULT_QUERY.to_owned()),
            prologue: vocab::sparql_prologue(),
            completion_json: completion_json(&prefixes),
            prefixes,
            examples: examples(src),
        }
    }
}

fn prefix_views() -> Vec<PrefixView> {
    vocab::PREFIXES
        .iter()
        .map(|(p, ns)| PrefixView {
            prefix: (*p).to_owned(),
            namespace: (*ns).to_owned(),
        })
        .collect()
}

/// The competency queries with their example parameters bound. A query whose example
/// cannot be bound (its entity is not in this store) is offered unbound.
pub fn examples(src: &Source<'_>) -> Vec<Example> {
    src.catalog
        .competency()
        .into_iter()
        .map(|q| {
            let raw: Vec<(String, String)> = q
                .examples
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let text = match catalog::bind(src.store, q, &raw) {
                Ok(bindings) => with_values(&q.text, &bindings),
                Err(_) => q.text.clone(),
            };
            Example {
                name: q.name.clone(),
                title: q.title.clone(),
                question: q.question,
                description: q.description.clone(),
                text,
            }
        })
        .collect()
}

/// `text` with a trailing `VALUES` clause binding `bindings`: what any SPARQL client
/// sends to run a parameterised query on a standard endpoint. The terms are written by
/// Oxigraph, so a parameter value cannot change the query's shape.
pub fn with_values(text: &str, bindings: &[(Variable, Term)]) -> String {
    if bindings.is_empty() {
        return text.to_owned();
    }
    let vars: Vec<String> = bindings.iter().map(|(v, _)| v.to_string()).collect();
    let terms: Vec<String> = bindings.iter().map(|(_, t)| t.to_string()).collect();
    format!(
        "{}\nVALUES ({}) {{ ({}) }}\n",
        text.trim_end(),
        vars.join(" "),
        terms.join(" ")
    )
}

/// `{"prefixes": [...], "terms": [...]}`: the prefixes, and every term the ontology
/// labels (classes, properties, statuses and other individuals) with its English label
/// and comment.
fn completion_json(prefixes: &[PrefixView]) -> String {
    let triples = crate::model::ontology::triples();
    let about = |iri: &NamedNode, predicate: NamedNodeRef<'_>| -> Option<String> {
        triples.iter().find_map(|t: &Triple| match &t.object {
            Term::Literal(l)
                if t.subject == iri.clone().into()
                    && t.predicate.as_ref() == predicate
                    && l.language() == Some("en") =>
            {
                Some(l.value().to_owned())
            }
            _ => None,
        })
    };
    let kind_of = |iri: &NamedNode| -> &'static str {
        let mut kind = "term";
        for t in triples
            .iter()
            .filter(|t| t.subject == iri.clone().into() && t.predicate == rdf::TYPE)
        {
            match &t.object {
                Term::NamedNode(n) if n.as_ref() == owl::CLASS => kind = "class",
                Term::NamedNode(n)
                    if n.as_ref() == owl::OBJECT_PROPERTY
                        || n.as_ref() == owl::DATATYPE_PROPERTY =>
                {
                    kind = "property"
                }
                _ => {}
            }
        }
        kind
    };
    let mut terms: Vec<CompletionTerm> = Vec::new();
    for t in triples.iter().filter(|t| t.predicate == rdfs::LABEL) {
        let NamedOrBlankNode::NamedNode(iri) = &t.subject else {
            continue;
        };
        let name = compact(iri.as_str());
        if name == iri.as_str() || terms.iter().any(|c| c.n == name) {
            continue;
        }
        let label = about(iri, rdfs::LABEL).unwrap_or_default();
        let comment = about(iri, rdfs::COMMENT).unwrap_or_default();
        terms.push(CompletionTerm {
            n: name,
            k: kind_of(iri),
            d: [label, comment]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(": "),
        });
    }
    terms.sort_by(|a, b| a.n.cmp(&b.n));
    serde_json::json!({ "prefixes": prefixes, "terms": terms }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_offers_every_prefix_and_the_ontology_terms() {
        let prefixes = prefix_views();
        let json: serde_json::Value = serde_json::from_str(&completion_json(&prefixes)).unwrap();
        assert_eq!(
            json["prefixes"].as_array().unwrap().len(),
            vocab::PREFIXES.len()
        );
        let names: Vec<&str> = json["terms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["n"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"cg:Denial"), "{names:?}");
        assert!(names.contains(&"cg:claimant"), "{names:?}");
        assert!(
            names.contains(&"cg:DeniedBySubject"),
            "statuses too: {names:?}"
        );
    }
}
