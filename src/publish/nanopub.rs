//! Claims as nanopublications: one TriG file per claim.
//!
//! [`nanopublication`] builds the four graphs the nanopublication guidelines ask for:
//! the head (linking the other three), the assertion (the claim's proposition graph,
//! or, for a claim without structured content such as a refusal to comment, the claim's
//! own statement and links), the provenance (the claimant, the document the claim was
//! made in, the relay chain from the article, the quote with its selectors, the
//! claim's date) and the publication info (when and from what it was generated, and
//! the article's content hash). [`write_all`] writes every claim in the store to a
//! folder. The assertion is never put in the default graph: a nanopublication says
//! who claimed it, exactly as the store does.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{
    GraphName, GraphNameRef, Literal, NamedNode, NamedOrBlankNode, Quad, Term, Triple,
};

use crate::model::vocab::{self, cg, rdf};
use crate::store::{GraphStore, StoreError};

pub const NP: &str = "http://www.nanopub.org/nschema#";
const PROV_WAS_ATTRIBUTED_TO: &str = "http://www.w3.org/ns/prov#wasAttributedTo";
const PROV_WAS_DERIVED_FROM: &str = "http://www.w3.org/ns/prov#wasDerivedFrom";
const PROV_WAS_QUOTED_FROM: &str = "http://www.w3.org/ns/prov#wasQuotedFrom";
const PROV_GENERATED_AT_TIME: &str = "http://www.w3.org/ns/prov#generatedAtTime";
const DCT_CREATED: &str = "http://purl.org/dc/terms/created";
const XSD_DATE_TIME: &str = "http://www.w3.org/2001/XMLSchema#dateTime";

#[derive(Debug, thiserror::Error)]
pub enum NanopubError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "claim slug '{0}' is not ARTICLE/CLAIM with plain ids; no nanopublications written for it"
    )]
    UnsafeSlug(String),
    #[error("claim {0} has no claimant or article in the store")]
    Incomplete(String),
}

fn iri(s: &str) -> NamedNode {
    NamedNode::new_unchecked(s)
}

/// The IRIs of one nanopublication.
#[derive(Debug, Clone)]
pub struct NanopubIris {
    pub nanopub: NamedNode,
    pub head: NamedNode,
    pub assertion: NamedNode,
    pub provenance: NamedNode,
    pub pubinfo: NamedNode,
}

impl NanopubIris {
    /// `{base}np/ARTICLE/CLAIM`, its graphs as fragments of it.
    pub fn for_claim(store: &GraphStore, article: &str, claim: &str) -> Self {
        let nanopub = store.iris().resolve(&format!("np/{article}/{claim}"));
        let part = |p: &str| iri(&format!("{}#{p}", nanopub.as_str()));
        NanopubIris {
            head: part("Head"),
            assertion: part("assertion"),
            provenance: part("provenance"),
            pubinfo: part("pubinfo"),
            nanopub,
        }
    }
}

fn default_triples(store: &GraphStore, subject: &NamedNode) -> Result<Vec<Triple>, StoreError> {
    Ok(store
        .quads_for_pattern(
            Some(subject.as_ref().into()),
            None,
            None,
            Some(GraphNameRef::DefaultGraph),
        )
        .map(|q| q.map(Triple::from))
        .collect::<Result<_, _>>()?)
}

fn objects(triples: &[Triple], predicate: oxigraph::model::NamedNodeRef<'_>) -> Vec<Term> {
    triples
        .iter()
        .filter(|t| t.predicate == predicate)
        .map(|t| t.object.clone())
        .collect()
}

fn named(term: &Term) -> Option<NamedNode> {
    match term {
        Term::NamedNode(n) => Some(n.clone()),
        _ => None,
    }
}

/// The nanopublication of claim `article/claim`, as quads in its four graphs.
/// `created` is the xsd:dateTime written as its creation time.
pub fn nanopublication(
    store: &GraphStore,
    article: &str,
    claim: &str,
    created: &str,
) -> Result<Vec<Quad>, NanopubError> {
    let ids = NanopubIris::for_claim(store, article, claim);
    let claim_iri = store.iris().claim(article, claim);
    let claim_triples = default_triples(store, &claim_iri)?;
    let incomplete = || NanopubError::Incomplete(format!("{article}/{claim}"));
    let claimant = objects(&claim_triples, cg::CLAIMANT)
        .first()
        .cloned()
        .ok_or_else(incomplete)?;
    let article_iri = objects(&claim_triples, cg::RELAYED_BY)
        .first()
        .and_then(named)
        .ok_or_else(incomplete)?;
    let mut quads = Vec::new();
    let mut add = |graph: &NamedNode, s: NamedOrBlankNode, p: NamedNode, o: Term| {
        quads.push(Quad::new(s, p, o, GraphName::NamedNode(graph.clone())));
    };

    // Head.
    let np = NamedOrBlankNode::from(ids.nanopub.clone());
    add(
        &ids.head,
        np.clone(),
        rdf::TYPE.into_owned(),
        iri(&format!("{NP}Nanopublication")).into(),
    );
    add(
        &ids.head,
        np.clone(),
        iri(&format!("{NP}hasAssertion")),
        ids.assertion.clone().into(),
    );
    add(
        &ids.head,
        np.clone(),
        iri(&format!("{NP}hasProvenance")),
        ids.provenance.clone().into(),
    );
    add(
        &ids.head,
        np.clone(),
        iri(&format!("{NP}hasPublicationInfo")),
        ids.pubinfo.clone().into(),
    );

    // Assertion: the proposition, as claimed.
    let mut asserted = 0;
    for g in objects(&claim_triples, cg::HAS_PROPOSITION)
        .iter()
        .filter_map(named)
    {
        for q in
            store.quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g.as_ref())))
        {
            let q = q.map_err(StoreError::from)?;
            add(&ids.assertion, q.subject, q.predicate, q.object);
            asserted += 1;
        }
    }
    if asserted == 0 {
        // No structured content (a refusal to comment, a non-answer): the claim's own
        // words and links are what is asserted.
        for t in &claim_triples {
            let keep =
                [rdf::TYPE, cg::STATEMENT, cg::ANSWERS, cg::ABOUT].contains(&t.predicate.as_ref());
            if keep {
                add(
                    &ids.assertion,
                    t.subject.clone(),
                    t.predicate.clone(),
                    t.object.clone(),
                );
            }
        }
    }

    // Provenance: who claimed it, where, relayed by whom, in which words.
    let assertion = NamedOrBlankNode::from(ids.assertion.clone());
    add(
        &ids.provenance,
        assertion.clone(),
        iri(PROV_WAS_ATTRIBUTED_TO),
        claimant,
    );
    for doc in objects(&claim_triples, cg::MADE_IN) {
        add(
            &ids.provenance,
            assertion.clone(),
            iri(PROV_WAS_DERIVED_FROM),
            doc,
        );
    }
    add(
        &ids.provenance,
        assertion.clone(),
        iri(PROV_WAS_QUOTED_FROM),
        article_iri.clone().into(),
    );
    add(
        &ids.provenance,
        assertion.clone(),
        cg::RELAYED_BY.into_owned(),
        article_iri.clone().into(),
    );
    add(
        &ids.provenance,
        assertion.clone(),
        iri(PROV_WAS_DERIVED_FROM),
        claim_iri.clone().into(),
    );
    for p in [cg::CLAIM_DATE, cg::EVENT_DATE, cg::HAS_QUOTE] {
        for o in objects(&claim_triples, p) {
            add(&ids.provenance, assertion.clone(), p.into_owned(), o);
        }
    }
    // The fragment nodes (quote, selectors, dates) with their own triples.
    let mut fragments: Vec<NamedNode> = claim_triples
        .iter()
        .filter_map(|t| named(&t.object))
        .filter(|o| o.as_str().starts_with(&format!("{}#", claim_iri.as_str())))
        .collect();
    let mut seen = BTreeSet::new();
    while let Some(f) = fragments.pop() {
        if !seen.insert(f.clone()) {
            continue;
        }
        for t in default_triples(store, &f)? {
            if let Some(o) = named(&t.object)
                .filter(|o| o.as_str().starts_with(&format!("{}#", claim_iri.as_str())))
            {
                fragments.push(o);
            }
            add(&ids.provenance, t.subject, t.predicate, t.object);
        }
    }
    // The relay chain from the article to the documents it passes on.
    let mut relaying = vec![article_iri.clone()];
    let mut visited = BTreeSet::new();
    while let Some(r) = relaying.pop() {
        if !visited.insert(r.clone()) || visited.len() > 1000 {
            continue;
        }
        for o in objects(&default_triples(store, &r)?, cg::RELAYS)
            .iter()
            .filter_map(named)
        {
            add(
                &ids.provenance,
                r.clone().into(),
                cg::RELAYS.into_owned(),
                o.clone().into(),
            );
            relaying.push(o);
        }
    }

    // Publication info.
    let created = Literal::new_typed_literal(created, iri(XSD_DATE_TIME));
    add(
        &ids.pubinfo,
        np.clone(),
        iri(DCT_CREATED),
        created.clone().into(),
    );
    add(
        &ids.pubinfo,
        np.clone(),
        iri(PROV_GENERATED_AT_TIME),
        created.into(),
    );
    add(
        &ids.pubinfo,
        np.clone(),
        iri(PROV_WAS_DERIVED_FROM),
        claim_iri.into(),
    );
    let article_triples = default_triples(store, &article_iri)?;
    for hash in objects(&article_triples, cg::CONTENT_HASH) {
        add(
            &ids.pubinfo,
            article_iri.clone().into(),
            cg::CONTENT_HASH.into_owned(),
            hash,
        );
    }
    Ok(quads)
}

/// TriG with the project's prefixes plus `np:`.
pub fn to_trig(quads: &[Quad]) -> Result<Vec<u8>, std::io::Error> {
    let mut serializer = RdfSerializer::from_format(RdfFormat::TriG)
        .with_prefix("np", NP)
        .expect("valid namespace");
    for (prefix, ns) in vocab::PREFIXES {
        serializer = serializer
            .with_prefix(*prefix, *ns)
            .expect("the namespaces are valid IRIs");
    }
    let mut writer = serializer.for_writer(Vec::new());
    for q in quads {
        writer.serialize_quad(q)?;
    }
    writer.finish()
}

/// Every claim of the store as `DIR/ARTICLE/CLAIM.trig`; returns the files written.
pub fn write_all(store: &GraphStore, dir: &Path) -> Result<Vec<PathBuf>, NanopubError> {
    let created = now_xsd();
    let query = format!(
        "SELECT ?slug WHERE {{ ?c a <{}> ; <{}> ?slug }} ORDER BY ?slug",
        cg::CLAIM.as_str(),
        cg::SLUG.as_str()
    );
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| NanopubError::Io { path, source }
    };
    let mut written = Vec::new();
    for row in store.select(&query)? {
        let Some(slug) = crate::store::literal_value(&row[0]) else {
            continue;
        };
        // Slugs become file names: anything but a plain id (a store loaded from a hostile
        // RDF file could hold "../x") is refused rather than written outside `dir`.
        let (article, claim) = slug
            .split_once('/')
            .filter(|(a, c)| {
                crate::publish::export::checked_id(a).is_ok()
                    && crate::publish::export::checked_id(c).is_ok()
            })
            .ok_or_else(|| NanopubError::UnsafeSlug(slug.clone()))?;
        let quads = nanopublication(store, article, claim, &created)?;
        let folder = dir.join(article);
        std::fs::create_dir_all(&folder).map_err(io(&folder))?;
        let path = folder.join(format!("{claim}.trig"));
        let bytes = to_trig(&quads).map_err(io(&path))?;
        std::fs::write(&path, bytes).map_err(io(&path))?;
        written.push(path);
    }
    Ok(written)
}

/// The current time as an xsd:dateTime in UTC, to the second (a record's time, not a
/// measurement).
pub fn now_xsd() -> String {
    let now = oxsdatatypes::DateTime::now().to_string();
    format!("{}Z", now.get(..19).unwrap_or(&now))
}

#[cfg(test)]
mod tests {
    #[test]
    fn now_is_an_xsd_date_time() {
        let now = super::now_xsd();
        assert_eq!(now.len(), 20, "{now}");
        assert!(
            now.starts_with("20") && now.ends_with('Z') && &now[10..11] == "T",
            "{now}"
        );
    }
}
