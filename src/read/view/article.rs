//! The article page: metadata, the full text with every quoted span highlighted and
//! linked to its claim, the numbered list of claims, and the documents the article
//! relays.
//!
//! Data: `page-article`, `page-article-claims` (claims with quote offsets, in text
//! order) and `page-article-documents`.

use oxigraph::model::{NamedNode, Term};
use serde::Serialize;

use super::status::answers_by_claim;
use super::text::{segments, Segment, Span};
use super::{external_url, page_path, DateView, ExternalUrl, KindView, Link, Source, Status};
use crate::publish::render::RenderError;

#[derive(Debug, Clone, Serialize)]
pub struct ArticlePage {
    pub iri: String,
    pub slug: String,
    pub title: String,
    /// Whether `title` is the article's headline (not a fallback from its text).
    pub has_headline: bool,
    pub url: Option<ExternalUrl>,
    /// The language code of the text (its `lang` attribute).
    pub language: Option<String>,
    /// The language as a word in the page's language ("German", "Deutsch").
    pub language_name: Option<String>,
    /// SHA-256 of the canonical form of everything the article contributes.
    pub content_hash: Option<String>,
    /// When the article's content last changed in the store (its ledger's `dct:modified`).
    pub last_updated: Option<DateView>,
    pub publisher: Link,
    pub publisher_unidentified: bool,
    pub date: Option<DateView>,
    pub paragraphs: Vec<Vec<Segment>>,
    pub claims: Vec<ArticleClaim>,
    pub documents: Vec<RelayedDocument>,
    /// Claims whose quote could not be placed in the text (bad offsets from raw RDF).
    pub unplaced: usize,
    pub legend: Vec<super::status::LegendEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArticleClaim {
    pub number: usize,
    pub href: Option<String>,
    pub anchor: String,
    pub kind: KindView,
    pub statement: String,
    pub claimant: Link,
    pub document: Option<Link>,
    pub status: Option<Status>,
    pub quote: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RelayedDocument {
    pub from: Link,
    pub link: String,
    pub document: Link,
    pub kind: Option<String>,
    pub author: Option<Link>,
}

/// Builds the page of article `iri`; `None` when there is no such article.
pub fn article_page(src: &Source<'_>, iri: &NamedNode) -> Result<Option<ArticlePage>, RenderError> {
    let param: Term = iri.clone().into();
    let rows = src.select("page-article", &[("article", param.clone())])?;
    let Some(r) = rows.first() else {
        return Ok(None);
    };
    let body = rows.str(r, "body").unwrap_or_default();
    let headline = rows.str(r, "title").filter(|t| !t.trim().is_empty());
    let slug = rows.str(r, "slug").unwrap_or_default();
    let title = src.article_label(iri.as_str())?;
    let publisher_unidentified =
        rows.iri(r, "publisher").is_none() || rows.str(r, "unidentifiedPublisher").is_some();
    let publisher = match rows.iri(r, "publisher") {
        Some(p) if !publisher_unidentified => src.link(Some(p), rows.str(r, "publisherLabel")),
        _ => Link {
            href: None,
            label: src.lang.tr("unidentified publisher").into(),
        },
    };

    let answers = answers_by_claim(src, "page-article-answers", ("article", param.clone()))?;

    let claim_rows = src.select("page-article-claims", &[("article", param.clone())])?;
    let mut claims = Vec::new();
    let mut spans = Vec::new();
    let length = body.chars().count();
    let mut unplaced = 0;
    for c in claim_rows.iter() {
        let Some(claim) = claim_rows.iri(c, "claim") else {
            continue;
        };
        let number = claims.len() + 1;
        let href = page_path(src.iris, claim);
        let anchor = format!("quote-{}", claim.rsplit('/').next().unwrap_or_default());
        let statement = claim_rows.str(c, "statement").unwrap_or_default();
        let document = claim_rows.iri(c, "document").filter(|d| *d != iri.as_str());
        let (start, end) = (
            claim_rows.int(c, "start").unwrap_or(-1),
            claim_rows.int(c, "end").unwrap_or(-1),
        );
        if start >= 0 && start < end && end as usize <= length {
            spans.push(Span {
                start: start as usize,
                end: end as usize,
                number,
                href: href.clone(),
                title: format!("[{number}] {statement}"),
                anchor: anchor.clone(),
            });
        } else {
            unplaced += 1;
        }
        let kind = src.kind(&claim_rows.str(c, "kind").unwrap_or_default())?;
        claims.push(ArticleClaim {
            number,
            href,
            anchor,
            status: src.status(
                claim_rows.str(c, "status").as_deref(),
                &kind,
                answers.get(claim).map(Vec::as_slice).unwrap_or(&[]),
            )?,
            kind,
            claimant: src.link(
                claim_rows.iri(c, "claimant"),
                claim_rows.str(c, "claimantLabel"),
            ),
            document: document.map(|d| src.link(Some(d), claim_rows.str(c, "documentTitle"))),
            quote: claim_rows.str(c, "quote").unwrap_or_default(),
            statement,
        });
    }

    let doc_rows = src.select("page-article-documents", &[("article", param)])?;
    let title_for = |i: &str| -> Option<String> { (i == iri.as_str()).then(|| title.clone()) };
    let documents = chain_order(&doc_rows, iri.as_str())
        .into_iter()
        .map(|d| -> Result<RelayedDocument, RenderError> {
            let from = doc_rows.iri(d, "from").unwrap_or_default();
            Ok(RelayedDocument {
                from: src.link(
                    Some(from),
                    title_for(from).or_else(|| doc_title(&doc_rows, from)),
                ),
                link: src.term_label(&doc_rows.str(d, "linkLabel").unwrap_or_default())?,
                document: src.link(doc_rows.iri(d, "document"), doc_rows.str(d, "title")),
                kind: match doc_rows.str(d, "kind") {
                    Some(k) => Some(src.term_label(&k)?),
                    None => None,
                },
                author: doc_rows
                    .iri(d, "author")
                    .map(|a| src.link(Some(a), doc_rows.str(d, "authorLabel"))),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;

    Ok(Some(ArticlePage {
        iri: iri.as_str().to_owned(),
        slug,
        has_headline: headline.is_some(),
        title,
        url: external_url(rows.str(r, "url")),
        language_name: rows.str(r, "language").map(|l| src.lang.language_name(&l)),
        language: rows.str(r, "language"),
        content_hash: rows.str(r, "contentHash"),
        last_updated: rows.str(r, "modified").and_then(|at| {
            let day = at.get(..10)?.to_owned();
            let view = super::date_view(src.lang, Some(day), None, None)?;
            Some(DateView {
                machine: Some(at),
                ..view
            })
        }),
        publisher,
        publisher_unidentified,
        date: src.date(
            rows.str(r, "date"),
            rows.str(r, "dateText"),
            rows.str(r, "datePrecision"),
        )?,
        paragraphs: segments(&body, &spans),
        legend: super::status::legend(claims.iter().filter_map(|c| c.status.as_ref())),
        claims,
        documents,
        unplaced,
    }))
}

/// The title of a document that appears as the target of another row.
fn doc_title(rows: &super::Rows, iri: &str) -> Option<String> {
    rows.iter()
        .find(|&r| rows.iri(r, "document") == Some(iri))
        .and_then(|r| rows.str(r, "title"))
}

/// The rows of `page-article-documents` from the article outwards: by how many links
/// their source lies from the article, then by source, link and document, so the table
/// reads the same whatever order the engine returned them in.
fn chain_order(rows: &super::Rows, article: &str) -> Vec<usize> {
    let mut depth: std::collections::HashMap<&str, usize> = [(article, 0)].into();
    // Each pass settles at least one more link of a chain; a chain has at most one link
    // per row.
    for _ in 0..rows.len() {
        let mut changed = false;
        for r in rows.iter() {
            let (Some(from), Some(to)) = (rows.iri(r, "from"), rows.iri(r, "document")) else {
                continue;
            };
            if let Some(&d) = depth.get(from) {
                if depth.get(to).is_none_or(|&known| known > d + 1) {
                    depth.insert(to, d + 1);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut order: Vec<usize> = rows.iter().collect();
    order.sort_by_key(|&r| {
        let from = rows.iri(r, "from");
        (
            from.and_then(|f| depth.get(f).copied())
                .unwrap_or(usize::MAX),
            from.map(str::to_owned),
            rows.str(r, "linkLabel"),
            rows.iri(r, "document").map(str::to_owned),
        )
    });
    order
}
