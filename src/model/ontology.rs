//! The bundled ontology (`ontology/claimgraph.ttl`): its triples, for loading into the
//! store, and its property list, for checking the terms that sheets use.

use std::collections::BTreeMap;

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Term, Triple};

use crate::model::sheet::validate::PropertyKind;
use crate::model::vocab::{self, owl, rdf};

/// The ontology's Turtle source, compiled in so that every binary knows its terms.
pub const TURTLE: &str = include_str!("../../ontology/claimgraph.ttl");

/// The ontology's triples.
pub fn triples() -> Vec<Triple> {
    RdfParser::from_format(RdfFormat::Turtle)
        .for_slice(TURTLE.as_bytes())
        .map(|q| {
            q.expect("the bundled ontology is valid Turtle (checked by a test)")
                .into()
        })
        .collect()
}

/// Every `cg:` property the ontology declares, with whether it links to entities
/// (object property) or to literals (datatype property).
pub fn properties() -> BTreeMap<String, PropertyKind> {
    triples()
        .into_iter()
        .filter(|t| {
            t.predicate == rdf::TYPE
                && t.subject
                    .to_string()
                    .starts_with(&format!("<{}", vocab::CG))
        })
        .filter_map(|t| {
            let kind = match &t.object {
                Term::NamedNode(n) if n.as_ref() == owl::OBJECT_PROPERTY => PropertyKind::Object,
                Term::NamedNode(n) if n.as_ref() == owl::DATATYPE_PROPERTY => {
                    PropertyKind::Datatype
                }
                _ => return None,
            };
            match t.subject {
                oxigraph::model::NamedOrBlankNode::NamedNode(n) => Some((n.into_string(), kind)),
                _ => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ontology_parses_and_declares_service_relations() {
        let props = properties();
        for name in [
            "providesServiceTo",
            "providesWebHostingTo",
            "providesEmailHostingTo",
            "providesCdnTo",
            "listedOn",
        ] {
            assert_eq!(
                props.get(&format!("{}{name}", vocab::CG)),
                Some(&PropertyKind::Object),
                "{name}"
            );
        }
        assert_eq!(
            props.get(&format!("{}numberOfCustomers", vocab::CG)),
            Some(&PropertyKind::Datatype)
        );
    }

    #[test]
    fn every_term_is_labelled_and_commented_in_english_and_german() {
        use std::collections::HashMap;
        let triples = triples();
        let mut seen: HashMap<String, Vec<String>> = HashMap::new();
        for t in &triples {
            let subject = t.subject.to_string();
            if !subject.starts_with(&format!("<{}", vocab::CG)) {
                continue;
            }
            if let Term::Literal(l) = &t.object {
                if t.predicate == vocab::rdfs::LABEL || t.predicate == vocab::rdfs::COMMENT {
                    seen.entry(subject).or_default().push(format!(
                        "{}@{}",
                        t.predicate.as_str(),
                        l.language().unwrap_or("")
                    ));
                }
            }
        }
        let subjects: std::collections::BTreeSet<String> = triples
            .iter()
            .map(|t| t.subject.to_string())
            .filter(|s| s.starts_with(&format!("<{}", vocab::CG)))
            .collect();
        for s in subjects {
            let got = seen.get(&s).cloned().unwrap_or_default();
            for want in ["label@en", "label@de", "comment@en", "comment@de"] {
                assert!(
                    got.iter().any(|g| g.ends_with(want)),
                    "{s} lacks rdfs:{want}"
                );
            }
        }
    }
}
