//! Readable JSON-LD: quads compacted with the ontology's context.
//!
//! [`compact`] writes a dataset as JSON-LD 1.1 compacted with
//! `ontology/claimgraph.context.jsonld` (terms like `claimant`, `label`, `start`), the
//! context included inline so that a reader needs no network. Named graphs become
//! `{"@id": graph, "@graph": [...]}` entries, so a claim's proposition stays inside it.
//!
//! Why not the `json-ld` crate: it is async, pulls in a large dependency tree, and
//! general compaction is more than this project needs. The context here is flat (no
//! scoped contexts, no nesting), so compaction reduces to choosing, per predicate and
//! object, the term whose coercion fits the object, and falling back to a compact IRI
//! key with a full value object when none does. The output is checked by parsing it
//! back (Oxigraph's JSON-LD parser and rdflib) and comparing with the input.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use oxigraph::model::{GraphName, Literal, NamedOrBlankNode, Quad, Term};
use serde_json::{json, Map, Value};

use crate::model::vocab::{rdf, xsd};

/// The context file, as shipped in `ontology/`.
pub const CONTEXT_SOURCE: &str = include_str!("../../ontology/claimgraph.context.jsonld");

/// The `@context` object of the ontology's context file.
pub fn context() -> &'static Map<String, Value> {
    &compactor().context
}

/// How a term coerces its values.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Coercion {
    /// No `@type` or `@container`: any value object may go under it.
    None,
    /// `"@type": "@id"`: values are IRI strings.
    Id,
    /// `"@type": datatype`: values are lexical forms of that datatype.
    Datatype(String),
    /// `"@container": "@language"`: a map from language tag to values.
    LanguageMap,
}

struct Compactor {
    context: Map<String, Value>,
    /// Prefix -> namespace, longest namespace first.
    prefixes: Vec<(String, String)>,
    /// Expanded IRI -> terms with that IRI and their coercion.
    terms: HashMap<String, Vec<(String, Coercion)>>,
}

fn compactor() -> &'static Compactor {
    static COMPACTOR: OnceLock<Compactor> = OnceLock::new();
    COMPACTOR.get_or_init(|| {
        let file: Value = serde_json::from_str(CONTEXT_SOURCE)
            .expect("ontology/claimgraph.context.jsonld is valid JSON");
        let context = file["@context"]
            .as_object()
            .cloned()
            .expect("the context file has an @context object");
        Compactor::new(context)
    })
}

impl Compactor {
    fn new(context: Map<String, Value>) -> Self {
        let mut prefixes: Vec<(String, String)> = context
            .iter()
            .filter_map(|(k, v)| {
                v.as_str()
                    .filter(|ns| ns.ends_with('/') || ns.ends_with('#'))
                    .map(|ns| (k.clone(), ns.to_owned()))
            })
            .collect();
        prefixes.sort_by_key(|(_, ns)| std::cmp::Reverse(ns.len()));
        let expand = |value: &str| -> String {
            match value.split_once(':') {
                Some((p, local)) => match prefixes.iter().find(|(name, _)| name == p) {
                    Some((_, ns)) => format!("{ns}{local}"),
                    None => value.to_owned(),
                },
                None => value.to_owned(),
            }
        };
        let mut terms: HashMap<String, Vec<(String, Coercion)>> = HashMap::new();
        for (term, definition) in &context {
            let (id, coercion) = match definition {
                Value::String(_) if prefixes.iter().any(|(p, _)| p == term) => continue,
                Value::String(s) => (expand(s), Coercion::None),
                Value::Object(o) => {
                    let Some(id) = o.get("@id").and_then(Value::as_str) else {
                        continue;
                    };
                    let coercion = match (
                        o.get("@type").and_then(Value::as_str),
                        o.get("@container").and_then(Value::as_str),
                    ) {
                        (_, Some("@language")) => Coercion::LanguageMap,
                        (Some("@id"), _) => Coercion::Id,
                        (Some(t), _) => Coercion::Datatype(expand(t)),
                        _ => Coercion::None,
                    };
                    (expand(id), coercion)
                }
                _ => continue,
            };
            terms.entry(id).or_default().push((term.clone(), coercion));
        }
        Compactor {
            context,
            prefixes,
            terms,
        }
    }

    /// A term or compact IRI for an IRI in key or `@type` position.
    fn vocab(&self, iri: &str) -> String {
        if let Some((term, _)) = self
            .terms
            .get(iri)
            .and_then(|ts| ts.iter().find(|(_, c)| *c == Coercion::None))
        {
            return term.clone();
        }
        self.prefixed(iri).unwrap_or_else(|| iri.to_owned())
    }

    fn prefixed(&self, iri: &str) -> Option<String> {
        self.prefixes.iter().find_map(|(p, ns)| {
            iri.strip_prefix(ns.as_str())
                .filter(|local| !local.is_empty() && !local.starts_with("//"))
                .map(|local| format!("{p}:{local}"))
        })
    }

    /// The compact form of an IRI in `@id` position: relative to `base`, or a compact IRI.
    fn id(&self, iri: &str, base: Option<&str>) -> String {
        if let Some(rest) = base.and_then(|b| iri.strip_prefix(b)) {
            // A relative reference whose first segment holds a colon would read as an IRI.
            // Dot segments would be removed when the reference is resolved.
            let path = rest.split(['#', '?']).next().unwrap_or("");
            let dots = path
                .split('/')
                .any(|segment| segment == "." || segment == "..");
            let first = rest.split(['/', '#', '?']).next().unwrap_or("");
            if !rest.is_empty() && !first.contains(':') && !dots {
                return rest.to_owned();
            }
        }
        self.prefixed(iri).unwrap_or_else(|| iri.to_owned())
    }

    fn term_with(&self, predicate: &str, wanted: impl Fn(&Coercion) -> bool) -> Option<&str> {
        self.terms
            .get(predicate)?
            .iter()
            .find(|(_, c)| wanted(c))
            .map(|(t, _)| t.as_str())
    }

    /// Adds one `predicate object` pair to a node object.
    fn add(
        &self,
        node: &mut Map<String, Value>,
        predicate: &str,
        object: &Term,
        base: Option<&str>,
    ) {
        if predicate == rdf::TYPE.as_str() {
            if let Term::NamedNode(class) = object {
                push(node, "@type", Value::String(self.vocab(class.as_str())));
                return;
            }
        }
        let fallback = || {
            self.prefixed(predicate)
                .unwrap_or_else(|| predicate.to_owned())
        };
        match object {
            Term::NamedNode(_) | Term::BlankNode(_) => {
                let id = match object {
                    Term::NamedNode(n) => self.id(n.as_str(), base),
                    Term::BlankNode(b) => format!("_:{}", b.as_str()),
                    _ => unreachable!(),
                };
                match self.term_with(predicate, |c| *c == Coercion::Id) {
                    Some(term) => push(node, term, Value::String(id)),
                    None => {
                        let key = self
                            .term_with(predicate, |c| *c == Coercion::None)
                            .map(str::to_owned)
                            .unwrap_or_else(fallback);
                        push(node, &key, json!({ "@id": id }))
                    }
                }
            }
            Term::Literal(literal) => self.add_literal(node, predicate, literal, fallback),
            #[allow(unreachable_patterns)]
            _ => push(node, &fallback(), Value::String(object.to_string())),
        }
    }

    fn add_literal(
        &self,
        node: &mut Map<String, Value>,
        predicate: &str,
        literal: &Literal,
        fallback: impl Fn() -> String,
    ) {
        let plain = self
            .term_with(predicate, |c| *c == Coercion::None)
            .map(str::to_owned);
        if let Some(language) = literal.language() {
            if let Some(term) = self.term_with(predicate, |c| *c == Coercion::LanguageMap) {
                let map = node
                    .entry(term.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(map) = map {
                    push(map, language, Value::String(literal.value().to_owned()));
                }
                return;
            }
            let key = plain.unwrap_or_else(fallback);
            push(
                node,
                &key,
                json!({ "@value": literal.value(), "@language": language }),
            );
            return;
        }
        let datatype = literal.datatype();
        if datatype == xsd::STRING {
            let key = plain.unwrap_or_else(fallback);
            push(node, &key, Value::String(literal.value().to_owned()));
            return;
        }
        if let Some(term) = self.term_with(predicate, |c| {
            *c == Coercion::Datatype(datatype.as_str().to_owned())
        }) {
            push(node, term, Value::String(literal.value().to_owned()));
            return;
        }
        let key = plain.unwrap_or_else(fallback);
        push(
            node,
            &key,
            json!({ "@value": literal.value(), "@type": self.vocab(datatype.as_str()) }),
        );
    }
}

/// Adds a value under a key, turning the key's value into an array at the second value.
fn push(node: &mut Map<String, Value>, key: &str, value: Value) {
    match node.get_mut(key) {
        None => {
            node.insert(key.to_owned(), value);
        }
        Some(Value::Array(values)) => values.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
    }
}

fn subject_id(subject: &NamedOrBlankNode, base: Option<&str>) -> String {
    match subject {
        NamedOrBlankNode::NamedNode(n) => compactor().id(n.as_str(), base),
        NamedOrBlankNode::BlankNode(b) => format!("_:{}", b.as_str()),
    }
}

/// The node objects of one graph's triples, one per subject, in subject order.
fn nodes<'a>(
    quads: impl Iterator<Item = &'a Quad>,
    base: Option<&str>,
) -> BTreeMap<String, Map<String, Value>> {
    let c = compactor();
    let mut nodes: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for q in quads {
        let id = subject_id(&q.subject, base);
        let node = nodes.entry(id.clone()).or_insert_with(|| {
            let mut m = Map::new();
            m.insert("@id".into(), Value::String(id));
            m
        });
        c.add(node, q.predicate.as_str(), &q.object, base);
    }
    nodes
}

/// The quads as compacted JSON-LD with the ontology's context inline. With `base`,
/// IRIs under it are written relative to it (and the context says `@base`).
pub fn compact(quads: &[Quad], base: Option<&str>) -> Value {
    let mut context = compactor().context.clone();
    if let Some(b) = base {
        context.insert("@base".into(), Value::String(b.to_owned()));
    }
    let mut default_nodes = nodes(
        quads
            .iter()
            .filter(|q| q.graph_name == GraphName::DefaultGraph),
        base,
    );
    let mut graphs: BTreeMap<String, Vec<&Quad>> = BTreeMap::new();
    for q in quads {
        let name = match &q.graph_name {
            GraphName::NamedNode(n) => c_id(n.as_str(), base),
            GraphName::BlankNode(b) => format!("_:{}", b.as_str()),
            GraphName::DefaultGraph => continue,
        };
        graphs.entry(name).or_default().push(q);
    }
    for (name, quads) in graphs {
        let inner: Vec<Value> = nodes(quads.into_iter(), base)
            .into_values()
            .map(Value::Object)
            .collect();
        // A graph described in the default graph (a proposition graph is typed there)
        // carries its content in the same node object.
        let node = default_nodes.entry(name.clone()).or_insert_with(|| {
            let mut m = Map::new();
            m.insert("@id".into(), Value::String(name));
            m
        });
        node.insert("@graph".into(), Value::Array(inner));
    }
    json!({
        "@context": Value::Object(context),
        "@graph": default_nodes.into_values().map(Value::Object).collect::<Vec<_>>(),
    })
}

fn c_id(iri: &str, base: Option<&str>) -> String {
    compactor().id(iri, base)
}

/// [`compact`] as pretty-printed bytes.
pub fn to_vec(quads: &[Quad], base: Option<&str>) -> Vec<u8> {
    let mut out =
        serde_json::to_vec_pretty(&compact(quads, base)).expect("JSON values always serialize");
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfParser};
    use oxigraph::model::{BlankNode, NamedNode};

    fn parse_back(value: &Value) -> Vec<Quad> {
        RdfParser::from_format(RdfFormat::JsonLd {
            profile: JsonLdProfileSet::empty(),
        })
        .for_slice(value.to_string().as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
    }

    #[test]
    fn compacted_output_reads_back_as_the_same_quads() {
        let base = "https://example.org/kg/";
        let n = |s: &str| NamedNode::new_unchecked(s);
        let claim = n("https://example.org/kg/id/claim/a/c1");
        let graph = n("https://example.org/kg/graph/claim/a/c1");
        let quads = vec![
            Quad::new(
                claim.clone(),
                rdf::TYPE,
                n("https://claimgraph.example/ns#Claim"),
                GraphName::DefaultGraph,
            ),
            Quad::new(
                claim.clone(),
                n("https://claimgraph.example/ns#claimant"),
                n("https://example.org/kg/id/org/acme"),
                GraphName::DefaultGraph,
            ),
            Quad::new(
                claim.clone(),
                n("https://claimgraph.example/ns#statement"),
                Literal::new_language_tagged_literal_unchecked("Acme says \"hi\" <b>", "en"),
                GraphName::DefaultGraph,
            ),
            Quad::new(
                claim.clone(),
                n("http://www.w3.org/2000/01/rdf-schema#label"),
                Literal::new_language_tagged_literal_unchecked("Behauptung", "de"),
                GraphName::DefaultGraph,
            ),
            Quad::new(
                claim.clone(),
                n("http://www.w3.org/2000/01/rdf-schema#label"),
                Literal::new_simple_literal("plain"),
                GraphName::DefaultGraph,
            ),
            Quad::new(
                claim.clone(),
                n("http://www.w3.org/ns/oa#start"),
                Literal::from(12_i64),
                GraphName::DefaultGraph,
            ),
            Quad::new(
                claim.clone(),
                n("http://www.w3.org/ns/oa#start"),
                Literal::new_simple_literal("not a number"),
                GraphName::DefaultGraph,
            ),
            Quad::new(
                claim.clone(),
                n("http://schema.org/url"),
                Literal::new_simple_literal("ftp-ish text"),
                GraphName::DefaultGraph,
            ),
            Quad::new(
                claim.clone(),
                n("https://claimgraph.example/ns#hasProposition"),
                graph.clone(),
                GraphName::DefaultGraph,
            ),
            Quad::new(
                graph.clone(),
                rdf::TYPE,
                n("https://claimgraph.example/ns#PropositionGraph"),
                GraphName::DefaultGraph,
            ),
            Quad::new(
                n("https://example.org/kg/id/org/acme"),
                n("https://claimgraph.example/ns#providesCdnTo"),
                n("https://example.org/kg/id/org/globex"),
                graph.clone(),
            ),
            Quad::new(
                BlankNode::new_unchecked("b1"),
                n("https://claimgraph.example/ns#numberOfCustomers"),
                Literal::new_typed_literal("9", xsd::INTEGER),
                graph,
            ),
        ];
        let mut quads = quads;
        quads.push(Quad::new(
            n("https://example.org/kg/id/org/.."),
            rdf::TYPE,
            n("https://claimgraph.example/ns#Entity"),
            GraphName::DefaultGraph,
        ));
        let value = compact(&quads, Some(base));
        let text = value.to_string();
        assert!(text.contains("\"claimant\":\"id/org/acme\""), "{text}");
        assert!(text.contains("\"label\":{\"de\":\"Behauptung\"}"), "{text}");
        assert!(text.contains("\"start\":\"12\""), "{text}");
        let mut back: Vec<String> = parse_back(&value)
            .iter()
            .map(|q| q.to_string().replace("_:b1", "_:x"))
            .collect();
        // The parser names blank nodes its own way.
        back.iter_mut().for_each(|s| {
            if s.starts_with("_:") {
                *s = format!("_:x{}", &s[s.find(' ').unwrap()..]);
            }
        });
        let mut expected: Vec<String> = quads
            .iter()
            .map(|q| q.to_string().replace("_:b1", "_:x"))
            .collect();
        back.sort();
        expected.sort();
        assert_eq!(back, expected);
    }
}
