//! The entity page: who or what an entity is, every claim it takes part in grouped by
//! its role, the relations claims state between it and others (as a diagram and a
//! table), and a timeline.
//!
//! Data: `page-entity` (description), `entity-claims` (competency question 2: the claims
//! with role, date, quote and status), `page-entity-relations` (the diagram) and
//! `page-relay-chain` (each claim's document chain, once per article and document).

use std::collections::HashMap;

use oxigraph::model::{NamedNode, Term};
use serde::Serialize;

use super::claim::{relay_chain, ChainStep};
use super::diagram::{self, Diagram, Relation};
use super::{date_view, external_url, DateView, ExternalUrl, Link, Source, Status};
use crate::render::RenderError;

#[derive(Debug, Clone, Serialize)]
pub struct EntityPage {
    pub iri: String,
    pub label: String,
    pub label_de: Option<String>,
    pub kind: String,
    pub aliases: Vec<String>,
    pub country: Option<Link>,
    pub part_of: Option<Link>,
    pub wikidata: Option<ExternalUrl>,
    pub wikidata_id: Option<String>,
    pub description: Option<String>,
    pub claim_count: usize,
    pub groups: Vec<ClaimGroup>,
    pub relations: Vec<Relation>,
    pub diagram: Option<Diagram>,
    pub timeline: Vec<TimelineItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClaimGroup {
    pub role: String,
    pub heading: String,
    pub claims: Vec<ClaimCard>,
}

/// One claim as a card on entity and document pages.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimCard {
    pub href: Option<String>,
    pub kind: String,
    pub statement: String,
    pub claimant: Link,
    /// The document the claim was made in; `None` when made in the article itself.
    pub document: Option<Link>,
    pub article: Link,
    /// From the article down to the document.
    pub chain: Vec<ChainStep>,
    pub date: Option<DateView>,
    pub quote: String,
    pub lang: Option<String>,
    pub status: Status,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineItem {
    pub date: Option<DateView>,
    pub href: Option<String>,
    pub statement: String,
    pub kind: String,
    pub status: Status,
}

const ROLES: [(&str, &str); 4] = [
    ("subject", "Claims about"),
    ("claimant", "Claims made by"),
    ("responding", "Responses by"),
    ("mentioned", "Claims that mention"),
];

/// Builds the page of the entity `iri`; `None` when the store holds no such entity.
pub fn entity_page(src: &Source<'_>, iri: &NamedNode) -> Result<Option<EntityPage>, RenderError> {
    let param: Term = iri.clone().into();
    let about = src.select("page-entity", &[("entity", param.clone())])?;
    let Some(first) = about.first() else {
        return Ok(None);
    };
    let label = about
        .str(first, "labelEn")
        .or_else(|| about.str(first, "labelDe"))
        .or_else(|| about.str(first, "slug"))
        .unwrap_or_else(|| iri.as_str().to_owned());
    let mut aliases: Vec<String> = about.iter().filter_map(|r| about.str(r, "alias")).collect();
    aliases.dedup();
    let wikidata_iri = about.iri(first, "wikidata").map(str::to_owned);
    let country = about
        .iri(first, "country")
        .map(|c| src.link(Some(c), about.str(first, "countryLabel")));
    let part_of = about
        .iri(first, "partOf")
        .map(|p| src.link(Some(p), about.str(first, "partOfLabel")));

    // Claims, grouped by role, each with its chain of documents.
    let rows = src.select("entity-claims", &[("entity", param.clone())])?;
    let mut chains: HashMap<(String, String), Vec<ChainStep>> = HashMap::new();
    let mut groups: Vec<ClaimGroup> = Vec::new();
    let mut timeline: Vec<(String, String, TimelineItem)> = Vec::new();
    for r in rows.iter() {
        let (Some(claim), Some(article)) = (rows.iri(r, "claim"), rows.iri(r, "article")) else {
            continue;
        };
        let document = rows.iri(r, "document").unwrap_or(article);
        let chain = match chains.get(&(article.to_owned(), document.to_owned())) {
            Some(c) => c.clone(),
            None => {
                let c = relay_chain(src, article, document)?;
                chains.insert((article.to_owned(), document.to_owned()), c.clone());
                c
            }
        };
        let date = best_date(rows.str(r, "date"), rows.str(r, "precision"));
        let card = ClaimCard {
            href: super::page_path(src.iris, claim),
            kind: rows.str(r, "kind").unwrap_or_default(),
            statement: rows.str(r, "statement").unwrap_or_default(),
            claimant: src.link(rows.iri(r, "claimant"), rows.str(r, "claimantLabel")),
            document: (document != article)
                .then(|| src.link(Some(document), rows.str(r, "documentTitle"))),
            article: src.article_link(article, rows.str(r, "articleTitle"))?,
            chain,
            date: date.clone(),
            quote: rows.str(r, "quote").unwrap_or_default(),
            lang: rows.str(r, "lang").filter(|l| !l.is_empty()),
            status: Status::new(rows.str(r, "status")),
        };
        let role = rows.str(r, "role").unwrap_or_else(|| "mentioned".into());
        if !timeline.iter().any(|(c, _, _)| c == claim) {
            timeline.push((
                claim.to_owned(),
                rows.str(r, "sortKey").unwrap_or_else(|| "~~".into()),
                TimelineItem {
                    date,
                    href: card.href.clone(),
                    statement: card.statement.clone(),
                    kind: card.kind.clone(),
                    status: card.status.clone(),
                },
            ));
        }
        match groups.iter_mut().find(|g| g.role == role) {
            Some(g) => {
                if !g.claims.iter().any(|c| c.href == card.href) {
                    g.claims.push(card)
                }
            }
            None => {
                let heading = ROLES
                    .iter()
                    .find(|(r, _)| *r == role)
                    .map(|(_, h)| *h)
                    .unwrap_or("Claims involving");
                groups.push(ClaimGroup {
                    heading: format!("{heading} {label}"),
                    role,
                    claims: vec![card],
                });
            }
        }
    }
    groups.sort_by_key(|g| {
        ROLES
            .iter()
            .position(|(r, _)| *r == g.role)
            .unwrap_or(ROLES.len())
    });
    timeline.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));

    let rel_rows = src.select("page-entity-relations", &[("entity", param)])?;
    let relations: Vec<Relation> = rel_rows
        .iter()
        .map(|r| Relation {
            outgoing: rel_rows.str(r, "direction").as_deref() == Some("out"),
            relation: rel_rows.str(r, "relationLabel").unwrap_or_else(|| {
                rel_rows
                    .str(r, "relation")
                    .map(|p| crate::store::compact(&p))
                    .unwrap_or_default()
            }),
            other: src.link(rel_rows.iri(r, "other"), rel_rows.str(r, "otherLabel")),
            claims: rel_rows.int(r, "claims").unwrap_or(0),
        })
        .collect();
    let diagram = diagram::layout(&label, &relations);

    let mut seen = std::collections::HashSet::new();
    let claim_count = timeline
        .iter()
        .filter(|(c, _, _)| seen.insert(c.clone()))
        .count();
    Ok(Some(EntityPage {
        iri: iri.as_str().to_owned(),
        label_de: about.str(first, "labelDe").filter(|d| d != &label),
        kind: about.str(first, "kind").unwrap_or_else(|| "entity".into()),
        aliases,
        country,
        part_of,
        wikidata_id: wikidata_iri
            .as_deref()
            .and_then(|w| w.rsplit('/').next())
            .map(str::to_owned),
        wikidata: external_url(wikidata_iri.map(|w| {
            w.replace(
                "http://www.wikidata.org/entity/",
                "https://www.wikidata.org/wiki/",
            )
        })),
        description: about.str(first, "description"),
        claim_count,
        groups,
        relations,
        diagram,
        timeline: timeline.into_iter().map(|(_, _, t)| t).collect(),
        label,
    }))
}

/// `entity-claims` gives the best known date as one string (a value, or the article's
/// words when only those are known) and its precision.
fn best_date(date: Option<String>, precision: Option<String>) -> Option<DateView> {
    let date = date?;
    let is_value = date.chars().all(|c| c.is_ascii_digit() || c == '-');
    if is_value {
        date_view(Some(date), None, precision)
    } else {
        date_view(None, Some(date), precision)
    }
}
