//! The source-document page: who made a report, memo or statement and when, which
//! documents and articles relay it, what it relays in turn, the chain from each
//! relaying article down to it, and the claims that rest on it.
//!
//! Data: `page-document`, `page-document-links`, `page-document-claims`, and
//! `page-relay-chain` once per relaying article.

use oxigraph::model::{NamedNode, Term};
use serde::Serialize;

use super::claim::{relay_chain, ChainStep};
use super::{external_url, page_path, DateView, ExternalUrl, KindView, Link, Source, Status};
use crate::publish::render::RenderError;

#[derive(Debug, Clone, Serialize)]
pub struct DocumentPage {
    pub iri: String,
    pub slug: String,
    pub title: String,
    pub kind: Option<String>,
    pub author: Option<Link>,
    pub date: Option<DateView>,
    pub url: Option<ExternalUrl>,
    pub description: Option<String>,
    pub relayed_by: Vec<RelayLink>,
    pub relays: Vec<RelayLink>,
    pub chains: Vec<Chain>,
    pub claims: Vec<DocumentClaim>,
    pub legend: Vec<super::status::LegendEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RelayLink {
    pub link: String,
    pub other: Link,
}

/// The chain from one relaying article down to this document.
#[derive(Debug, Clone, Serialize)]
pub struct Chain {
    pub article: Link,
    pub steps: Vec<ChainStep>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentClaim {
    pub href: Option<String>,
    pub kind: KindView,
    pub statement: String,
    pub claimant: Link,
    pub article: Link,
    pub status: Option<Status>,
}

/// Builds the page of document `iri`; `None` when there is no such document.
pub fn document_page(
    src: &Source<'_>,
    iri: &NamedNode,
) -> Result<Option<DocumentPage>, RenderError> {
    let param: Term = iri.clone().into();
    let rows = src.select("page-document", &[("document", param.clone())])?;
    let Some(r) = rows.first() else {
        return Ok(None);
    };
    let slug = rows.str(r, "slug").unwrap_or_default();

    let links = src.select("page-document-links", &[("document", param.clone())])?;
    let (mut relayed_by, mut relays, mut chains) = (Vec::new(), Vec::new(), Vec::new());
    for l in links.iter() {
        let Some(other) = links.iri(l, "other") else {
            continue;
        };
        let is_article = links.bool(l, "isArticle");
        let label = if is_article {
            src.article_link(other, links.str(l, "otherTitle"))?
        } else {
            src.link(Some(other), links.str(l, "otherTitle"))
        };
        let link = src.term_label(&links.str(l, "linkLabel").unwrap_or_else(|| "relays".into()))?;
        match links.str(l, "direction").as_deref() {
            Some("relayed-by") => relayed_by.push(RelayLink { link, other: label }),
            Some("relays") => relays.push(RelayLink { link, other: label }),
            Some("article") => chains.push(Chain {
                steps: relay_chain(src, other, iri.as_str())?,
                article: label,
            }),
            _ => {}
        }
    }

    let claim_rows = src.select("page-document-claims", &[("document", param)])?;
    let mut claims = Vec::new();
    for c in claim_rows.iter() {
        let Some(article) = claim_rows.iri(c, "article") else {
            continue;
        };
        let kind = src.kind(&claim_rows.str(c, "kind").unwrap_or_default())?;
        claims.push(DocumentClaim {
            href: claim_rows
                .iri(c, "claim")
                .and_then(|x| page_path(src.iris, x)),
            status: src.status(claim_rows.str(c, "status").as_deref(), &kind, &[])?,
            kind,
            statement: claim_rows.str(c, "statement").unwrap_or_default(),
            claimant: src.link(
                claim_rows.iri(c, "claimant"),
                claim_rows.str(c, "claimantLabel"),
            ),
            article: src.article_link(article, claim_rows.str(c, "articleTitle"))?,
        });
    }

    Ok(Some(DocumentPage {
        iri: iri.as_str().to_owned(),
        title: rows
            .str(r, "title")
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| format!("{} {slug}", src.lang.tr("Document"))),
        slug,
        kind: match rows.str(r, "kind") {
            Some(k) => Some(src.term_label(&k)?),
            None => None,
        },
        author: rows
            .iri(r, "author")
            .map(|a| src.link(Some(a), rows.str(r, "authorLabel"))),
        date: src.date(
            rows.str(r, "date"),
            rows.str(r, "dateText"),
            rows.str(r, "datePrecision"),
        )?,
        url: external_url(rows.str(r, "url")),
        description: rows.str(r, "description"),
        relayed_by,
        relays,
        chains,
        legend: super::status::legend(claims.iter().filter_map(|c| c.status.as_ref())),
        claims,
    }))
}
