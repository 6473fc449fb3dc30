//! From a validated sheet to RDF: minting stable IRIs and writing the triples.
//!
//! [`contribution`] is pure: it takes a [`ValidSheet`] and returns a [`Contribution`],
//! the triples the sheet adds to the default graph plus one named graph per claim
//! holding the claim's proposition. IRIs come from [`Iris`], which derives every IRI
//! from ids, never from positions, so importing the same sheet again gives the same
//! IRIs and replaces exactly what it contributed.

use std::collections::HashMap;

use oxigraph::model::{
    GraphName, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term, Triple,
};

use crate::model::sheet::validate::{
    Claim, Claimant, DateInfo, Document, Entity, PropositionObject, ValidArticle, ValidSheet,
};
use crate::model::sheet::{EntityKind, Precision};
use crate::model::vocab::{self, cg, oa, owl, prov, rdf, rdfs, schema, skos};

/// The default base of instance IRIs.
pub const DEFAULT_BASE: &str = "https://claimgraph.example/";

/// Mints the IRIs of articles, claims, documents, entities and graphs under one base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iris {
    base: String,
}

impl Iris {
    /// `base` must be an absolute http(s) IRI; a missing final slash is added.
    pub fn new(base: &str) -> Result<Self, String> {
        let mut base = base.trim().to_owned();
        if !base.ends_with('/') {
            base.push('/');
        }
        if !(base.starts_with("http://") || base.starts_with("https://"))
            || NamedNode::new(&base).is_err()
        {
            return Err(format!("'{base}' is not an absolute http(s) IRI"));
        }
        Ok(Iris { base })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn node(&self, path: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}{path}", self.base))
    }

    pub fn entity(&self, kind: EntityKind, id: &str) -> NamedNode {
        self.node(&format!("id/{}/{id}", kind.segment()))
    }
    /// The agent IRI of a reviewer (`{base}id/reviewer/alice`).
    pub fn reviewer(&self, slug: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}id/reviewer/{slug}", self.base))
    }

    pub fn article(&self, id: &str) -> NamedNode {
        self.node(&format!("id/article/{id}"))
    }
    pub fn document(&self, id: &str) -> NamedNode {
        self.node(&format!("id/doc/{id}"))
    }
    pub fn claim(&self, article: &str, claim: &str) -> NamedNode {
        self.node(&format!("id/claim/{article}/{claim}"))
    }
    pub fn proposition_graph(&self, article: &str, claim: &str) -> NamedNode {
        self.node(&format!("graph/claim/{article}/{claim}"))
    }
    /// The graph recording what an article sheet contributed to the default graph.
    pub fn article_ledger(&self, article: &str) -> NamedNode {
        self.node(&format!("graph/contribution/article/{article}"))
    }
    /// The graph recording what a reference sheet of entities contributed.
    pub fn entities_ledger(&self, name: &str) -> NamedNode {
        self.node(&format!("graph/contribution/entities/{name}"))
    }
    pub fn ontology_ledger(&self) -> NamedNode {
        self.node("graph/contribution/ontology")
    }
    /// Every contribution ledger's IRI starts with this.
    pub fn ledger_prefix(&self) -> String {
        format!("{}graph/contribution/", self.base)
    }
    /// The IRI of a resource under this base, from its path (`id/org/hikvision`).
    pub fn resolve(&self, path: &str) -> NamedNode {
        self.node(path.trim_start_matches('/'))
    }
    /// The path of an IRI under this base, or `None` for IRIs elsewhere.
    pub fn path_of<'a>(&self, iri: &'a str) -> Option<&'a str> {
        iri.strip_prefix(&self.base)
    }
}

/// What one sheet adds to the store.
#[derive(Debug, Clone)]
pub struct Contribution {
    /// The named graph that keeps a copy of `triples`, so a re-import knows what to replace.
    pub ledger: NamedNode,
    /// Triples for the default graph: descriptions of the article, its claims, documents
    /// and entities.
    pub triples: Vec<Triple>,
    /// One named graph per claim with its proposition.
    pub graphs: Vec<(NamedNode, Vec<Triple>)>,
    pub article: Option<String>,
    pub claims: usize,
}

impl Contribution {
    /// Every quad the contribution writes: its triples in the default graph and in its
    /// ledger, and its proposition graphs.
    pub fn quads(&self) -> impl Iterator<Item = Quad> + '_ {
        let ledger = GraphName::NamedNode(self.ledger.clone());
        self.triples
            .iter()
            .flat_map(move |t| {
                [
                    Quad::new(
                        t.subject.clone(),
                        t.predicate.clone(),
                        t.object.clone(),
                        GraphName::DefaultGraph,
                    ),
                    Quad::new(
                        t.subject.clone(),
                        t.predicate.clone(),
                        t.object.clone(),
                        ledger.clone(),
                    ),
                ]
            })
            .chain(self.graphs.iter().flat_map(|(g, triples)| {
                triples.iter().map(move |t| {
                    Quad::new(
                        t.subject.clone(),
                        t.predicate.clone(),
                        t.object.clone(),
                        g.clone(),
                    )
                })
            }))
    }

    pub fn quad_count(&self) -> usize {
        2 * self.triples.len() + self.graphs.iter().map(|(_, t)| t.len()).sum::<usize>()
    }
}

/// Turns a validated sheet into triples. `kinds` gives the kind of every entity the
/// sheet may refer to (its own and the store's), which fixes their IRIs.
pub fn contribution(
    sheet: &ValidSheet,
    iris: &Iris,
    kinds: &HashMap<String, EntityKind>,
) -> Contribution {
    let mut w = Writer {
        iris,
        kinds,
        out: Vec::new(),
    };
    for e in &sheet.entities {
        w.entity(e);
    }
    let mut graphs = Vec::new();
    let ledger = match &sheet.article {
        Some(article) => {
            w.article(article);
            for d in &sheet.documents {
                w.document(d, article);
            }
            for c in &sheet.claims {
                let (graph, triples) = w.claim(c, article);
                graphs.push((graph, triples));
            }
            iris.article_ledger(&article.id)
        }
        None => iris.entities_ledger(&reference_ledger_name(&sheet.path, &sheet.location)),
    };
    w.add(ledger.clone(), rdf::TYPE, cg::CONTRIBUTION);
    if let Some(name) = sheet.path.file_name().and_then(|n| n.to_str()) {
        w.add(
            ledger.clone(),
            cg::SOURCE_FILE,
            Literal::new_simple_literal(name),
        );
    }
    Contribution {
        ledger,
        triples: w.out,
        graphs,
        article: sheet.article.as_ref().map(|a| a.id.clone()),
        claims: sheet.claims.len(),
    }
}

/// The ontology as a contribution of its own, so that a new version replaces the old.
pub fn ontology_contribution(iris: &Iris) -> Contribution {
    Contribution {
        ledger: iris.ontology_ledger(),
        triples: crate::model::ontology::triples(),
        graphs: Vec::new(),
        article: None,
        claims: 0,
    }
}

/// The ledger name of a reference sheet: its file stem for people to read, then a
/// digest of its location ([`crate::model::sheet::SheetOrigin::location`]) that makes it unique.
/// Two `entities.toml` of two folders get two ledgers, so neither import removes what
/// the other contributed; the same file imported again gets the same ledger and
/// replaces exactly what it contributed before. The digest, not the path, goes into
/// the IRI, so a user's folder names are not published.
fn reference_ledger_name(path: &std::path::Path, location: &str) -> String {
    use sha2::{Digest, Sha256};
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("entities");
    let mut slug: String = stem
        .chars()
        .take(60)
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if slug.is_empty() {
        slug.push_str("entities");
    }
    let digest = Sha256::digest(location.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{slug}-{hex}")
}

struct Writer<'a> {
    iris: &'a Iris,
    kinds: &'a HashMap<String, EntityKind>,
    out: Vec<Triple>,
}

fn cg_term(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{}{local}", vocab::CG))
}

impl Writer<'_> {
    fn add(&mut self, s: impl Into<NamedOrBlankNode>, p: NamedNodeRef<'_>, o: impl Into<Term>) {
        self.out.push(Triple::new(s, p.into_owned(), o));
    }

    fn entity_iri(&self, id: &str) -> NamedNode {
        // Validation guarantees every referenced id has a kind.
        let kind = self
            .kinds
            .get(id)
            .copied()
            .unwrap_or(EntityKind::Organization);
        self.iris.entity(kind, id)
    }

    fn entity(&mut self, e: &Entity) {
        let me = self.iris.entity(e.kind, &e.id);
        let class = match e.kind {
            EntityKind::Company => schema_class("Corporation"),
            EntityKind::Organization => schema_class("Organization"),
            EntityKind::Government => schema_class("GovernmentOrganization"),
            EntityKind::Person => schema_class("Person"),
            EntityKind::Country => schema_class("Country"),
            EntityKind::Place => schema_class("Place"),
            EntityKind::List => cg::SANCTIONS_LIST.into_owned(),
            EntityKind::Group => cg_term("Group"),
        };
        self.add(me.clone(), rdf::TYPE, cg::ENTITY);
        self.add(me.clone(), rdf::TYPE, class);
        self.add(me.clone(), cg::SLUG, Literal::new_simple_literal(&e.id));
        self.add(
            me.clone(),
            cg::ENTITY_KIND,
            Literal::new_simple_literal(e.kind.as_str()),
        );
        self.add(
            me.clone(),
            rdfs::LABEL,
            Literal::new_language_tagged_literal_unchecked(&e.label_en, "en"),
        );
        self.add(
            me.clone(),
            rdfs::LABEL,
            Literal::new_language_tagged_literal_unchecked(&e.label_de, "de"),
        );
        for alias in &e.aliases {
            self.add(
                me.clone(),
                skos::ALT_LABEL,
                Literal::new_simple_literal(alias),
            );
        }
        if let Some(c) = &e.country {
            let c = self.entity_iri(c);
            self.add(me.clone(), cg::COUNTRY, c);
        }
        if let Some(p) = &e.part_of {
            let p = self.entity_iri(p);
            self.add(me.clone(), cg::PART_OF, p);
        }
        if let Some(q) = &e.wikidata {
            self.add(
                me.clone(),
                owl::SAME_AS,
                NamedNode::new_unchecked(format!("{}{q}", vocab::WIKIDATA)),
            );
        }
        if let Some(d) = &e.description {
            self.add(
                me,
                schema::DESCRIPTION,
                Literal::new_language_tagged_literal_unchecked(d, "en"),
            );
        }
    }

    fn date(
        &mut self,
        owner: &NamedNode,
        property: NamedNodeRef<'_>,
        fragment: &str,
        date: &DateInfo,
    ) {
        let node = NamedNode::new_unchecked(format!("{}#{fragment}", owner.as_str()));
        self.add(owner.clone(), property, node.clone());
        self.add(node.clone(), rdf::TYPE, cg_term("PartialDate"));
        if let (Some(lexical), Some(datatype)) = (date.date.lexical(), date.date.xsd_type()) {
            self.add(
                node.clone(),
                cg::DATE_VALUE,
                Literal::new_typed_literal(lexical, datatype),
            );
        }
        let precision = match date.date.precision {
            Precision::Day => cg::PRECISION_DAY,
            Precision::Month => cg::PRECISION_MONTH,
            Precision::Year => cg::PRECISION_YEAR,
            Precision::DayOfUnknownYear => cg::PRECISION_DAY_OF_UNKNOWN_YEAR,
            Precision::MonthOfUnknownYear => cg::PRECISION_MONTH_OF_UNKNOWN_YEAR,
            Precision::Relative => cg::PRECISION_RELATIVE,
        };
        self.add(node.clone(), cg::DATE_PRECISION, precision);
        if date.date.precision != Precision::Relative {
            self.add(
                node.clone(),
                cg::SORT_KEY,
                Literal::new_simple_literal(date.date.sort_key()),
            );
        }
        if let Some(text) = &date.text {
            self.add(node, cg::DATE_TEXT, Literal::new_simple_literal(text));
        }
    }

    fn url(&mut self, owner: &NamedNode, url: &str) {
        // Only web addresses become links; anything else is kept as inert text.
        let lower = url.to_ascii_lowercase();
        match NamedNode::new(url) {
            Ok(node) if lower.starts_with("http://") || lower.starts_with("https://") => {
                self.add(owner.clone(), schema::URL, node)
            }
            _ => self.add(owner.clone(), schema::URL, Literal::new_simple_literal(url)),
        }
    }

    fn article(&mut self, a: &ValidArticle) {
        let me = self.iris.article(&a.id);
        let lang = a.language.to_ascii_lowercase();
        self.add(me.clone(), rdf::TYPE, cg::ARTICLE);
        self.add(me.clone(), cg::SLUG, Literal::new_simple_literal(&a.id));
        if let Some(t) = &a.title {
            self.add(
                me.clone(),
                schema::HEADLINE,
                Literal::new_language_tagged_literal_unchecked(t, &lang),
            );
        }
        if let Some(u) = &a.url {
            self.url(&me, u);
        }
        match &a.publisher {
            Some(p) => {
                let p = self.entity_iri(p);
                self.add(me.clone(), cg::PUBLISHER, p);
            }
            None => {
                // Unidentified, but still the article's publisher: the claims it makes in
                // its own voice are its publisher's, whoever that is.
                let unknown = self.unidentified_publisher(&a.id);
                self.add(me.clone(), cg::PUBLISHER, unknown.clone());
                self.add(unknown.clone(), rdf::TYPE, cg::UNIDENTIFIED_PUBLISHER);
                self.add(unknown.clone(), rdf::TYPE, cg::ENTITY);
                self.add(
                    unknown.clone(),
                    cg::ENTITY_KIND,
                    Literal::new_simple_literal("organization"),
                );
                self.add(
                    unknown.clone(),
                    rdfs::LABEL,
                    Literal::new_language_tagged_literal_unchecked("unidentified publisher", "en"),
                );
                self.add(
                    unknown,
                    rdfs::LABEL,
                    Literal::new_language_tagged_literal_unchecked("unbekannter Herausgeber", "de"),
                );
            }
        }
        self.add(me.clone(), cg::LANGUAGE, Literal::new_simple_literal(&lang));
        if let Some(d) = &a.date {
            self.date(&me, cg::PUBLICATION_DATE, "date", d);
        }
        self.add(
            me,
            schema::ARTICLE_BODY,
            Literal::new_language_tagged_literal_unchecked(&a.text, &lang),
        );
    }

    fn unidentified_publisher(&self, article: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}#publisher", self.iris.article(article).as_str()))
    }

    fn document(&mut self, d: &Document, article: &ValidArticle) {
        let me = self.iris.document(&d.id);
        self.add(me.clone(), rdf::TYPE, cg::SOURCE_DOCUMENT);
        self.add(me.clone(), rdf::TYPE, cg_term(d.kind.class()));
        self.add(me.clone(), cg::SLUG, Literal::new_simple_literal(&d.id));
        if let Some(t) = &d.title {
            self.add(me.clone(), schema::NAME, Literal::new_simple_literal(t));
        }
        if let Some(a) = &d.author {
            let a = self.entity_iri(a);
            self.add(me.clone(), cg::AUTHOR, a);
        }
        if let Some(date) = &d.date {
            self.date(&me, cg::PUBLICATION_DATE, "date", date);
        }
        if let Some(u) = &d.url {
            self.url(&me, u);
        }
        if let Some(desc) = &d.description {
            self.add(
                me.clone(),
                schema::DESCRIPTION,
                Literal::new_language_tagged_literal_unchecked(desc, "en"),
            );
        }
        let relaying: NamedNode = match &d.via {
            Some(via) => self.iris.document(via),
            None => self.iris.article(&article.id),
        };
        self.add(
            relaying.clone(),
            cg_term(d.link.property()).as_ref(),
            me.clone(),
        );
        self.add(relaying, cg::RELAYS, me);
    }

    fn claim(&mut self, c: &Claim, article: &ValidArticle) -> (NamedNode, Vec<Triple>) {
        let lang = article.language.to_ascii_lowercase();
        let me = self.iris.claim(&article.id, &c.id);
        let article_iri = self.iris.article(&article.id);
        self.add(me.clone(), rdf::TYPE, cg::CLAIM);
        if c.kind.is_response() {
            self.add(me.clone(), rdf::TYPE, cg::RESPONSE);
        }
        self.add(me.clone(), rdf::TYPE, cg_term(c.kind.class()));
        self.add(
            me.clone(),
            cg::SLUG,
            Literal::new_simple_literal(format!("{}/{}", article.id, c.id)),
        );
        let claimant = match &c.claimant {
            Claimant::Entity(id) => self.entity_iri(id),
            Claimant::Publisher => match &article.publisher {
                Some(p) => self.entity_iri(p),
                None => self.unidentified_publisher(&article.id),
            },
        };
        self.add(me.clone(), cg::CLAIMANT, claimant);
        let made_in = match &c.document {
            Some(d) => self.iris.document(d),
            None => article_iri.clone(),
        };
        self.add(me.clone(), cg::MADE_IN, made_in);
        self.add(me.clone(), cg::RELAYED_BY, article_iri.clone());
        for about in &c.about {
            let e = self.entity_iri(about);
            self.add(me.clone(), cg::ABOUT, e);
        }
        self.add(
            me.clone(),
            cg::STATEMENT,
            Literal::new_language_tagged_literal_unchecked(&c.statement, "en"),
        );
        for target in &c.answers {
            let t = self.iris.claim(&target.article, &target.claim);
            self.add(me.clone(), cg::ANSWERS, t);
        }
        if let Some(d) = &c.date {
            self.date(&me, cg::CLAIM_DATE, "date", d);
        }
        if let Some(d) = &c.event_date {
            self.date(&me, cg::EVENT_DATE, "event-date", d);
        }
        // The quote, as a Web Annotation specific resource with two selectors.
        let quote = NamedNode::new_unchecked(format!("{}#quote", me.as_str()));
        let text_selector = NamedNode::new_unchecked(format!("{}#quote-text", me.as_str()));
        let position_selector = NamedNode::new_unchecked(format!("{}#quote-position", me.as_str()));
        self.add(me.clone(), cg::HAS_QUOTE, quote.clone());
        self.add(quote.clone(), rdf::TYPE, oa::SPECIFIC_RESOURCE);
        self.add(quote.clone(), oa::HAS_SOURCE, article_iri);
        self.add(quote.clone(), oa::HAS_SELECTOR, text_selector.clone());
        self.add(quote.clone(), oa::HAS_SELECTOR, position_selector.clone());
        self.add(
            quote,
            cg::SENTENCE,
            Literal::new_language_tagged_literal_unchecked(&c.quote.sentence, &lang),
        );
        self.add(text_selector.clone(), rdf::TYPE, oa::TEXT_QUOTE_SELECTOR);
        self.add(
            text_selector.clone(),
            oa::EXACT,
            Literal::new_language_tagged_literal_unchecked(&c.quote.exact, &lang),
        );
        self.add(
            text_selector.clone(),
            oa::PREFIX,
            Literal::new_simple_literal(&c.quote.prefix),
        );
        self.add(
            text_selector,
            oa::SUFFIX,
            Literal::new_simple_literal(&c.quote.suffix),
        );
        self.add(
            position_selector.clone(),
            rdf::TYPE,
            oa::TEXT_POSITION_SELECTOR,
        );
        self.add(
            position_selector.clone(),
            oa::START,
            Literal::from(c.quote.start as i64),
        );
        self.add(
            position_selector,
            oa::END,
            Literal::from(c.quote.end as i64),
        );
        match &c.extraction {
            Some(x) => {
                self.add(me.clone(), cg::REVIEW_STATUS, cg::MACHINE_DRAFTED);
                self.add(
                    me.clone(),
                    cg::EXTRACTION_METHOD,
                    Literal::new_simple_literal(&x.method),
                );
                self.add(
                    me.clone(),
                    cg::EXTRACTION_VERSION,
                    Literal::new_simple_literal(&x.version),
                );
                self.add(
                    me.clone(),
                    cg::CONFIDENCE,
                    Literal::new_typed_literal(format!("{:.2}", x.confidence), vocab::xsd::DECIMAL),
                );
                if let Some(rule) = &x.rule {
                    self.add(
                        me.clone(),
                        cg::EXTRACTION_RULE,
                        Literal::new_simple_literal(rule),
                    );
                }
            }
            None => self.add(me.clone(), cg::REVIEW_STATUS, cg::REVIEWED),
        }
        if let Some(review) = &c.review {
            // The review is a record of its own: `prov:wasAttributedTo` on the claim would
            // say the reviewer made the claim (cg:claimant is its subproperty).
            let record = NamedNode::new_unchecked(format!("{}#review", me.as_str()));
            let reviewer = self.iris.reviewer(&review.by);
            self.add(me.clone(), cg::REVIEW, record.clone());
            self.add(record.clone(), rdf::TYPE, cg::REVIEW_CLASS);
            self.add(record.clone(), prov::WAS_ATTRIBUTED_TO, reviewer.clone());
            self.add(
                record,
                prov::GENERATED_AT_TIME,
                Literal::new_typed_literal(&review.at, vocab::xsd::DATE_TIME),
            );
            self.add(reviewer.clone(), rdf::TYPE, prov::AGENT);
            self.add(reviewer, cg::SLUG, Literal::new_simple_literal(&review.by));
        }
        if let Some(note) = &c.note {
            self.add(
                me.clone(),
                cg::NOTE,
                Literal::new_language_tagged_literal_unchecked(note, "en"),
            );
        }
        // The proposition: claimed, never asserted, so it lives in the claim's own graph.
        let graph = self.iris.proposition_graph(&article.id, &c.id);
        self.add(me.clone(), cg::HAS_PROPOSITION, graph.clone());
        self.add(graph.clone(), rdf::TYPE, cg::PROPOSITION_GRAPH);
        let propositions: Vec<Triple> = c
            .propositions
            .iter()
            .map(|p| {
                let object: Term = match &p.object {
                    PropositionObject::Entity(id) => self.entity_iri(id).into(),
                    PropositionObject::Literal(l) => l.clone().into(),
                };
                Triple::new(self.entity_iri(&p.subject), p.predicate.clone(), object)
            })
            .collect();
        // That the claim names these entities is a fact about the claim, asserted even
        // though the proposition is not; it lets "every claim naming X" be one lookup
        // rather than a search through every proposition graph.
        let mut mentioned: Vec<NamedNode> = Vec::new();
        for t in &propositions {
            let subject = match &t.subject {
                NamedOrBlankNode::NamedNode(n) => Some(n.clone()),
                _ => None,
            };
            let object = match &t.object {
                Term::NamedNode(n) => Some(n.clone()),
                _ => None,
            };
            for entity in subject.into_iter().chain(object) {
                if !mentioned.contains(&entity) {
                    mentioned.push(entity);
                }
            }
        }
        for entity in mentioned {
            self.add(me.clone(), schema::MENTIONS, entity);
        }
        (graph, propositions)
    }
}

fn schema_class(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{}{local}", vocab::SCHEMA))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iris_are_minted_from_ids_under_the_base() {
        let iris = Iris::new("https://example.org/kg").unwrap();
        assert_eq!(
            iris.entity(EntityKind::Company, "hikvision").as_str(),
            "https://example.org/kg/id/org/hikvision"
        );
        assert_eq!(
            iris.claim("a", "c1").as_str(),
            "https://example.org/kg/id/claim/a/c1"
        );
        assert_eq!(
            iris.path_of("https://example.org/kg/id/doc/x"),
            Some("id/doc/x")
        );
        assert!(Iris::new("ftp://x/").is_err());
        assert!(Iris::new("not an iri").is_err());
    }
}
