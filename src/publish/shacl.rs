//! A focused SHACL validator for the project's own shapes (`ontology/shapes.ttl`).
//!
//! [`Shapes::bundled`] reads the shapes file; [`Shapes::validate`] checks the store's
//! default graph against it and returns every violation with its focus node, path and
//! the shape's message. It implements exactly the constraint kinds the shapes use
//! (targetClass with subclasses; a property path or `sh:inversePath`; minCount,
//! maxCount, nodeKind IRI/Literal/BlankNode, datatype, class, pattern, languageIn;
//! qualifiedValueShape with qualifiedMinCount) and refuses a shapes file that uses
//! anything else, so it never passes data it did not actually check. pySHACL, run on
//! the same shapes in the tests, is the independent reference.

use std::collections::{HashMap, HashSet};

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term};
use oxigraph::store::Store;
use regex::Regex;

use crate::model::vocab::{rdf, rdfs};
use crate::store::{GraphStore, StoreError};

pub const SH: &str = "http://www.w3.org/ns/shacl#";
/// The shapes file, as shipped in `ontology/`.
pub const SHAPES_SOURCE: &str = include_str!("../../ontology/shapes.ttl");

#[derive(Debug, thiserror::Error)]
pub enum ShaclError {
    #[error("{file}: {message}")]
    Shapes { file: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NodeKind {
    Iri,
    Literal,
    BlankNode,
}

/// Constraints on each value of a path.
#[derive(Debug, Clone, Default)]
struct ValueConstraints {
    node_kind: Option<NodeKind>,
    datatype: Option<NamedNode>,
    class: Option<NamedNode>,
    pattern: Option<Regex>,
    language_in: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
enum Path {
    Predicate(NamedNode),
    Inverse(NamedNode),
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Predicate(p) => write!(f, "{}", crate::store::compact(p.as_str())),
            Path::Inverse(p) => write!(f, "^{}", crate::store::compact(p.as_str())),
        }
    }
}

#[derive(Debug, Clone)]
struct PropertyShape {
    path: Path,
    min_count: Option<usize>,
    max_count: Option<usize>,
    values: ValueConstraints,
    qualified: Option<(ValueConstraints, usize)>,
    message: String,
}

#[derive(Debug, Clone)]
struct NodeShape {
    name: String,
    targets: Vec<NamedNode>,
    properties: Vec<PropertyShape>,
}

/// One failed constraint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    pub focus: String,
    pub path: String,
    pub message: String,
    pub shape: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {} ({})",
            self.focus, self.path, self.message, self.shape
        )
    }
}

/// The shapes of one shapes file.
pub struct Shapes {
    shapes: Vec<NodeShape>,
}

fn sh(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{SH}{local}"))
}

/// The constraint predicates this validator understands, on node shapes and property shapes.
const NODE_SHAPE_KEYS: &[&str] = &["targetClass", "property"];
const PROPERTY_KEYS: &[&str] = &[
    "path",
    "minCount",
    "maxCount",
    "nodeKind",
    "datatype",
    "class",
    "pattern",
    "languageIn",
    "qualifiedValueShape",
    "qualifiedMinCount",
    "message",
    "name",
    "description",
];
const VALUE_KEYS: &[&str] = &["nodeKind", "datatype", "class", "pattern", "languageIn"];

struct ShapesReader {
    store: Store,
    file: String,
}

impl ShapesReader {
    fn err(&self, message: String) -> ShaclError {
        ShaclError::Shapes {
            file: self.file.clone(),
            message,
        }
    }

    fn objects(&self, s: &NamedOrBlankNode, p: &NamedNode) -> Vec<Term> {
        self.store
            .quads_for_pattern(
                Some(s.as_ref()),
                Some(p.as_ref()),
                None,
                Some(GraphNameRef::DefaultGraph),
            )
            .filter_map(Result::ok)
            .map(|q| q.object)
            .collect()
    }

    fn one(&self, s: &NamedOrBlankNode, local: &str) -> Result<Option<Term>, ShaclError> {
        let mut values = self.objects(s, &sh(local));
        if values.len() > 1 {
            return Err(self.err(format!("{s} has more than one sh:{local}")));
        }
        Ok(values.pop())
    }

    fn count(&self, s: &NamedOrBlankNode, local: &str) -> Result<Option<usize>, ShaclError> {
        match self.one(s, local)? {
            None => Ok(None),
            Some(Term::Literal(l)) => l
                .value()
                .parse()
                .map(Some)
                .map_err(|_| self.err(format!("{s}: sh:{local} is not a count"))),
            Some(other) => Err(self.err(format!("{s}: sh:{local} {other} is not a count"))),
        }
    }

    fn iri(&self, s: &NamedOrBlankNode, local: &str) -> Result<Option<NamedNode>, ShaclError> {
        match self.one(s, local)? {
            None => Ok(None),
            Some(Term::NamedNode(n)) => Ok(Some(n)),
            Some(other) => Err(self.err(format!("{s}: sh:{local} {other} is not an IRI"))),
        }
    }

    /// Refuses any sh: predicate on `s` that is not in `allowed`.
    fn only(&self, s: &NamedOrBlankNode, allowed: &[&str]) -> Result<(), ShaclError> {
        for q in self.store.quads_for_pattern(
            Some(s.as_ref()),
            None,
            None,
            Some(GraphNameRef::DefaultGraph),
        ) {
            let q = q.map_err(|e| self.err(e.to_string()))?;
            if let Some(local) = q.predicate.as_str().strip_prefix(SH) {
                if !allowed.contains(&local) {
                    return Err(self.err(format!(
                        "{s} uses sh:{local}, which `claimgraph check` does not implement; validate with pySHACL instead"
                    )));
                }
            }
        }
        Ok(())
    }

    fn list(&self, head: &Term) -> Result<Vec<Term>, ShaclError> {
        let first = NamedNode::new_unchecked(format!("{}first", crate::model::vocab::RDF));
        let rest = NamedNode::new_unchecked(format!("{}rest", crate::model::vocab::RDF));
        let nil = format!("{}nil", crate::model::vocab::RDF);
        let mut out = Vec::new();
        let mut node = head.clone();
        for _ in 0..1000 {
            let n: NamedOrBlankNode = match &node {
                Term::NamedNode(n) if n.as_str() == nil => return Ok(out),
                Term::NamedNode(n) => n.clone().into(),
                Term::BlankNode(b) => b.clone().into(),
                _ => break,
            };
            out.extend(self.objects(&n, &first));
            match self.objects(&n, &rest).pop() {
                Some(next) => node = next,
                None => break,
            }
        }
        Err(self.err(format!("malformed RDF list at {head}")))
    }

    fn values(&self, s: &NamedOrBlankNode) -> Result<ValueConstraints, ShaclError> {
        let node_kind = match self.iri(s, "nodeKind")? {
            None => None,
            Some(k) if k == sh("IRI") => Some(NodeKind::Iri),
            Some(k) if k == sh("Literal") => Some(NodeKind::Literal),
            Some(k) if k == sh("BlankNode") => Some(NodeKind::BlankNode),
            Some(k) => return Err(self.err(format!("{s}: sh:nodeKind {k} is not supported"))),
        };
        let pattern = match self.one(s, "pattern")? {
            None => None,
            Some(Term::Literal(l)) => {
                Some(Regex::new(l.value()).map_err(|e| self.err(format!("{s}: sh:pattern: {e}")))?)
            }
            Some(other) => return Err(self.err(format!("{s}: sh:pattern {other} is not a string"))),
        };
        let language_in = match self.one(s, "languageIn")? {
            None => None,
            Some(head) => Some(
                self.list(&head)?
                    .into_iter()
                    .map(|t| match t {
                        Term::Literal(l) => Ok(l.value().to_ascii_lowercase()),
                        other => Err(self.err(format!(
                            "{s}: sh:languageIn holds {other}, not a language tag"
                        ))),
                    })
                    .collect::<Result<_, _>>()?,
            ),
        };
        Ok(ValueConstraints {
            node_kind,
            datatype: self.iri(s, "datatype")?,
            class: self.iri(s, "class")?,
            pattern,
            language_in,
        })
    }

    fn property(&self, p: &NamedOrBlankNode) -> Result<PropertyShape, ShaclError> {
        self.only(p, PROPERTY_KEYS)?;
        let path = match self.one(p, "path")? {
            Some(Term::NamedNode(n)) => Path::Predicate(n),
            Some(Term::BlankNode(b)) => {
                let b: NamedOrBlankNode = b.into();
                self.only(&b, &["inversePath"])?;
                match self.iri(&b, "inversePath")? {
                    Some(n) => Path::Inverse(n),
                    None => {
                        return Err(self.err(format!(
                            "{p}: only predicate and sh:inversePath paths are supported"
                        )))
                    }
                }
            }
            _ => return Err(self.err(format!("{p}: a property shape needs one sh:path"))),
        };
        let qualified = match self.one(p, "qualifiedValueShape")? {
            None => None,
            Some(shape) => {
                let shape: NamedOrBlankNode = match shape {
                    Term::NamedNode(n) => n.into(),
                    Term::BlankNode(b) => b.into(),
                    other => {
                        return Err(self.err(format!(
                            "{p}: sh:qualifiedValueShape {other} is not a shape"
                        )))
                    }
                };
                self.only(&shape, VALUE_KEYS)?;
                let min = self.count(p, "qualifiedMinCount")?.ok_or_else(|| {
                    self.err(format!(
                        "{p}: sh:qualifiedValueShape needs sh:qualifiedMinCount"
                    ))
                })?;
                Some((self.values(&shape)?, min))
            }
        };
        let message = match self.one(p, "message")? {
            Some(Term::Literal(l)) => l.value().to_owned(),
            _ => format!("fails a constraint on {path}"),
        };
        Ok(PropertyShape {
            min_count: self.count(p, "minCount")?,
            max_count: self.count(p, "maxCount")?,
            values: self.values(p)?,
            path,
            qualified,
            message,
        })
    }
}

impl Shapes {
    /// The project's shapes, `ontology/shapes.ttl`.
    pub fn bundled() -> Result<Self, ShaclError> {
        Self::parse(SHAPES_SOURCE, "ontology/shapes.ttl")
    }

    /// Reads a Turtle shapes file.
    pub fn parse(turtle: &str, file: &str) -> Result<Self, ShaclError> {
        let store = Store::new().map_err(|e| ShaclError::Shapes {
            file: file.into(),
            message: e.to_string(),
        })?;
        let reader = ShapesReader {
            store,
            file: file.to_owned(),
        };
        let quads: Vec<Quad> = RdfParser::from_format(RdfFormat::Turtle)
            .for_slice(turtle.as_bytes())
            .collect::<Result<_, _>>()
            .map_err(|e| reader.err(e.to_string()))?;
        reader
            .store
            .extend(quads)
            .map_err(|e| reader.err(e.to_string()))?;
        let node_shape = sh("NodeShape");
        let mut shapes = Vec::new();
        let subjects: Vec<NamedOrBlankNode> = reader
            .store
            .quads_for_pattern(
                None,
                Some(rdf::TYPE),
                Some(node_shape.as_ref().into()),
                Some(GraphNameRef::DefaultGraph),
            )
            .filter_map(Result::ok)
            .map(|q| q.subject)
            .collect();
        for s in subjects {
            reader.only(&s, NODE_SHAPE_KEYS)?;
            let targets = reader
                .objects(&s, &sh("targetClass"))
                .into_iter()
                .filter_map(|t| match t {
                    Term::NamedNode(n) => Some(n),
                    _ => None,
                });
            let mut properties = Vec::new();
            for p in reader.objects(&s, &sh("property")) {
                let p: NamedOrBlankNode = match p {
                    Term::NamedNode(n) => n.into(),
                    Term::BlankNode(b) => b.into(),
                    other => {
                        return Err(reader.err(format!("{s}: sh:property {other} is not a shape")))
                    }
                };
                properties.push(reader.property(&p)?);
            }
            let name = match &s {
                NamedOrBlankNode::NamedNode(n) => n
                    .as_str()
                    .rsplit(['#', '/'])
                    .next()
                    .unwrap_or(n.as_str())
                    .to_owned(),
                NamedOrBlankNode::BlankNode(b) => format!("_:{}", b.as_str()),
            };
            shapes.push(NodeShape {
                name,
                targets: targets.collect(),
                properties,
            });
        }
        shapes.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Shapes { shapes })
    }

    /// The number of node shapes and property constraints read.
    pub fn size(&self) -> (usize, usize) {
        (
            self.shapes.len(),
            self.shapes.iter().map(|s| s.properties.len()).sum(),
        )
    }

    /// Checks the store's default graph; returns every violation, sorted.
    pub fn validate(&self, store: &GraphStore) -> Result<Vec<Violation>, ShaclError> {
        let data = Data::new(store)?;
        let mut violations = Vec::new();
        for shape in &self.shapes {
            let mut focus_nodes = HashSet::new();
            for class in &shape.targets {
                focus_nodes.extend(data.instances(class)?);
            }
            for focus in &focus_nodes {
                for p in &shape.properties {
                    let values = data.values(focus, &p.path)?;
                    let mut fail = |message: String| {
                        violations.push(Violation {
                            focus: focus.to_string(),
                            path: p.path.to_string(),
                            message,
                            shape: shape.name.clone(),
                        })
                    };
                    if p.min_count.is_some_and(|min| values.len() < min)
                        || p.max_count.is_some_and(|max| values.len() > max)
                    {
                        fail(format!("{} (found {})", p.message, values.len()));
                    }
                    for v in &values {
                        if let Some(problem) = data.check(v, &p.values)? {
                            fail(format!("{} ({v} {problem})", p.message));
                        }
                    }
                    if let Some((constraints, min)) = &p.qualified {
                        let mut conforming = 0;
                        for v in &values {
                            if data.check(v, constraints)?.is_none() {
                                conforming += 1;
                            }
                        }
                        if conforming < *min {
                            fail(format!("{} (found {conforming})", p.message));
                        }
                    }
                }
            }
        }
        violations.sort();
        Ok(violations)
    }
}

/// The data graph with its class hierarchy.
struct Data<'a> {
    store: &'a GraphStore,
    /// Class -> its subclasses, direct and indirect, itself included.
    subclasses: HashMap<NamedNode, HashSet<NamedNode>>,
}

impl<'a> Data<'a> {
    fn new(store: &'a GraphStore) -> Result<Self, StoreError> {
        let mut direct: HashMap<NamedNode, Vec<NamedNode>> = HashMap::new();
        for q in store.quads_for_pattern(
            None,
            Some(rdfs::SUB_CLASS_OF),
            None,
            Some(GraphNameRef::DefaultGraph),
        ) {
            let q = q?;
            if let (NamedOrBlankNode::NamedNode(sub), Term::NamedNode(sup)) = (q.subject, q.object)
            {
                direct.entry(sup).or_default().push(sub);
            }
        }
        let mut subclasses = HashMap::new();
        for class in direct.keys() {
            let mut all = HashSet::from([class.clone()]);
            let mut todo = vec![class.clone()];
            while let Some(c) = todo.pop() {
                for sub in direct.get(&c).into_iter().flatten() {
                    if all.insert(sub.clone()) {
                        todo.push(sub.clone());
                    }
                }
            }
            subclasses.insert(class.clone(), all);
        }
        Ok(Data { store, subclasses })
    }

    fn class_closure(&self, class: &NamedNode) -> HashSet<NamedNode> {
        self.subclasses
            .get(class)
            .cloned()
            .unwrap_or_else(|| HashSet::from([class.clone()]))
    }

    fn instances(&self, class: &NamedNode) -> Result<HashSet<NamedOrBlankNode>, StoreError> {
        let mut out = HashSet::new();
        for c in self.class_closure(class) {
            for q in self.store.quads_for_pattern(
                None,
                Some(rdf::TYPE),
                Some(c.as_ref().into()),
                Some(GraphNameRef::DefaultGraph),
            ) {
                out.insert(q?.subject);
            }
        }
        Ok(out)
    }

    fn values(&self, focus: &NamedOrBlankNode, path: &Path) -> Result<Vec<Term>, StoreError> {
        let raw = self.store;
        Ok(match path {
            Path::Predicate(p) => raw
                .quads_for_pattern(
                    Some(focus.as_ref()),
                    Some(p.as_ref()),
                    None,
                    Some(GraphNameRef::DefaultGraph),
                )
                .map(|q| q.map(|q| q.object))
                .collect::<Result<_, _>>()?,
            Path::Inverse(p) => raw
                .quads_for_pattern(
                    None,
                    Some(p.as_ref()),
                    Some(focus.as_ref().into()),
                    Some(GraphNameRef::DefaultGraph),
                )
                .map(|q| q.map(|q| Term::from(q.subject)))
                .collect::<Result<_, _>>()?,
        })
    }

    fn has_type(&self, value: &Term, class: &NamedNode) -> Result<bool, StoreError> {
        let subject: NamedOrBlankNode = match value {
            Term::NamedNode(n) => n.clone().into(),
            Term::BlankNode(b) => b.clone().into(),
            _ => return Ok(false),
        };
        for c in self.class_closure(class) {
            let quad = oxigraph::model::QuadRef::new(
                subject.as_ref(),
                rdf::TYPE,
                NamedNodeRef::from(&c),
                GraphNameRef::DefaultGraph,
            );
            if self.store.contains(quad)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Why `value` fails `c`, or `None` when it conforms.
    fn check(&self, value: &Term, c: &ValueConstraints) -> Result<Option<String>, StoreError> {
        let kind = match value {
            Term::NamedNode(_) => NodeKind::Iri,
            Term::BlankNode(_) => NodeKind::BlankNode,
            _ => NodeKind::Literal,
        };
        if let Some(k) = c.node_kind {
            if k != kind {
                return Ok(Some(format!("is not a {k:?}")));
            }
        }
        if let Some(d) = &c.datatype {
            match value {
                Term::Literal(l) if l.datatype() == d.as_ref() => {}
                _ => {
                    return Ok(Some(format!(
                        "is not of datatype {}",
                        crate::store::compact(d.as_str())
                    )))
                }
            }
        }
        if let Some(class) = &c.class {
            if !self.has_type(value, class)? {
                return Ok(Some(format!(
                    "is not a {}",
                    crate::store::compact(class.as_str())
                )));
            }
        }
        if let Some(pattern) = &c.pattern {
            let text = match value {
                Term::NamedNode(n) => n.as_str().to_owned(),
                Term::Literal(l) => l.value().to_owned(),
                _ => return Ok(Some("is a blank node, which no pattern matches".into())),
            };
            if !pattern.is_match(&text) {
                return Ok(Some(format!("does not match {}", pattern.as_str())));
            }
        }
        if let Some(languages) = &c.language_in {
            let ok = match value {
                Term::Literal(l) => l.language().is_some_and(|tag| {
                    let tag = tag.to_ascii_lowercase();
                    languages
                        .iter()
                        .any(|want| tag == *want || tag.starts_with(&format!("{want}-")))
                }),
                _ => false,
            };
            if !ok {
                return Ok(Some(format!("is not in language {}", languages.join(", "))));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_shapes_are_all_understood() {
        let shapes = Shapes::bundled().unwrap();
        let (nodes, properties) = shapes.size();
        assert_eq!(nodes, 9);
        assert!(properties >= 25, "{properties}");
    }

    #[test]
    fn unsupported_constraints_are_refused_not_ignored() {
        let ttl = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
            ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:hasValue ex:o ] .";
        let err = Shapes::parse(ttl, "test.ttl")
            .err()
            .expect("refused")
            .to_string();
        assert!(
            err.contains("sh:hasValue") && err.contains("pySHACL"),
            "{err}"
        );
    }
}
