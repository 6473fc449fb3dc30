//! The claim page: one claim with everything known about it (proposition, claimant,
//! document chain, article, dates, quote in its sentence, responses with their own
//! words, status and why), and the relay chain shared with entity and document pages.
//!
//! Data: `page-claim`, `page-claim-responses`, `page-claim-propositions`,
//! `page-relay-chain`. The status and its basis are the derived `cg:status`,
//! `cg:statusBasis` and `cg:corroboratedBy` triples (`queries/derive-status.ru`).

use oxigraph::model::{NamedNode, Term};
use serde::Serialize;

use super::{date_view, page_path, DateView, Link, Source, Status};
use crate::render::RenderError;

/// One link of a relay chain: "cites" -> the Financial Times report.
#[derive(Debug, Clone, Serialize)]
pub struct ChainStep {
    pub link: String,
    pub to: Link,
    pub to_kind: Option<String>,
}

/// The links from `article` down to `document`, in order; empty when the claim was
/// made in the article itself or no chain is recorded.
pub fn relay_chain(
    src: &Source<'_>,
    article: &str,
    document: &str,
) -> Result<Vec<ChainStep>, RenderError> {
    if article == document {
        return Ok(Vec::new());
    }
    let rows = src.select(
        "page-relay-chain",
        &[
            ("article", NamedNode::new_unchecked(article).into()),
            ("document", NamedNode::new_unchecked(document).into()),
        ],
    )?;
    let mut steps = Vec::new();
    let mut current = article.to_owned();
    // Each step moves one link down; a chain is never longer than its links.
    for _ in 0..rows.len() {
        if current == document {
            break;
        }
        let Some(r) = rows
            .iter()
            .find(|&r| rows.iri(r, "from") == Some(current.as_str()))
        else {
            break;
        };
        let to = rows.iri(r, "to").unwrap_or_default().to_owned();
        steps.push(ChainStep {
            link: rows.str(r, "linkLabel").unwrap_or_else(|| "relays".into()),
            to: src.link(Some(&to), rows.str(r, "toTitle")),
            to_kind: rows.str(r, "toKind"),
        });
        current = to;
    }
    Ok(steps)
}

#[derive(Debug, Clone, Serialize)]
pub struct ClaimPage {
    pub iri: String,
    pub slug: String,
    pub kind: String,
    pub statement: String,
    pub claimant: Link,
    pub document: Option<Link>,
    pub article: Link,
    /// The quote's place in the article page.
    pub quote_href: Option<String>,
    pub chain: Vec<ChainStep>,
    pub quote: String,
    pub lang: Option<String>,
    /// The sentence around the quote, cut into the words before, the quote, the words after.
    pub sentence_before: String,
    pub sentence_after: String,
    pub start: i64,
    pub end: i64,
    pub claim_date: Option<DateView>,
    pub event_date: Option<DateView>,
    pub status: Status,
    pub status_meaning: Option<String>,
    pub about: Vec<Link>,
    pub propositions: Vec<PropositionView>,
    /// Responses answering this claim (the status's basis).
    pub responses: Vec<RelatedClaim>,
    /// Claims this one answers, if it is a response.
    pub answers: Vec<RelatedClaim>,
    /// Independent claims saying the same.
    pub corroborations: Vec<RelatedClaim>,
    pub note: Option<String>,
    pub review: Option<String>,
    pub confidence: Option<String>,
    pub rule: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PropositionView {
    pub subject: Link,
    pub predicate: String,
    /// An entity, or a literal value (then `href` is `None`).
    pub object: Link,
}

#[derive(Debug, Clone, Serialize)]
pub struct RelatedClaim {
    pub href: Option<String>,
    pub kind: String,
    pub statement: String,
    pub claimant: Link,
    pub quote: String,
    pub lang: Option<String>,
    pub article: Link,
    pub status: Status,
    /// The responder is one of the claim's subjects.
    pub by_subject: bool,
}

/// Builds the page of claim `iri`; `None` when there is no such claim.
pub fn claim_page(src: &Source<'_>, iri: &NamedNode) -> Result<Option<ClaimPage>, RenderError> {
    let param: Term = iri.clone().into();
    let rows = src.select("page-claim", &[("claim", param.clone())])?;
    let Some(r) = rows.first() else {
        return Ok(None);
    };
    let article = rows.iri(r, "article").unwrap_or_default().to_owned();
    let document = rows.iri(r, "document").unwrap_or(&article).to_owned();
    let quote = rows.str(r, "quote").unwrap_or_default();
    let sentence = rows.str(r, "sentence").unwrap_or_default();
    let (sentence_before, sentence_after) = match sentence.find(&quote) {
        Some(i) if !quote.is_empty() => (
            sentence[..i].to_owned(),
            sentence[i + quote.len()..].to_owned(),
        ),
        _ => (String::new(), String::new()),
    };
    let mut about: Vec<Link> = Vec::new();
    for row in rows.iter() {
        if let Some(a) = rows.iri(row, "about") {
            let link = src.link(Some(a), rows.str(row, "aboutLabel"));
            if !about.contains(&link) {
                about.push(link);
            }
        }
    }
    let local = iri.as_str().rsplit('/').next().unwrap_or_default();
    let article_link = src.article_link(&article, rows.str(r, "articleTitle"))?;
    let quote_href = page_path(src.iris, &article).map(|p| format!("{p}#quote-{local}"));

    let prop_rows = src.select("page-claim-propositions", &[("claim", param.clone())])?;
    let propositions = prop_rows
        .iter()
        .map(|p| PropositionView {
            subject: src.link(
                prop_rows.iri(p, "subject"),
                prop_rows.str(p, "subjectLabel"),
            ),
            predicate: prop_rows.str(p, "predicateLabel").unwrap_or_else(|| {
                prop_rows
                    .str(p, "predicate")
                    .map(|x| crate::store::compact(&x))
                    .unwrap_or_default()
            }),
            object: match prop_rows.term(p, "object") {
                Some(Term::NamedNode(o)) => {
                    src.link(Some(o.as_str()), prop_rows.str(p, "objectLabel"))
                }
                _ => Link {
                    href: None,
                    label: prop_rows.str(p, "object").unwrap_or_default(),
                },
            },
        })
        .collect();

    let resp = src.select("page-claim-responses", &[("claim", param)])?;
    let (mut responses, mut answers, mut corroborations) = (Vec::new(), Vec::new(), Vec::new());
    for x in resp.iter() {
        let Some(other_article) = resp.iri(x, "article") else {
            continue;
        };
        let related = RelatedClaim {
            href: resp.iri(x, "other").and_then(|o| page_path(src.iris, o)),
            kind: resp.str(x, "kind").unwrap_or_default(),
            statement: resp.str(x, "statement").unwrap_or_default(),
            claimant: src.link(resp.iri(x, "claimant"), resp.str(x, "claimantLabel")),
            quote: resp.str(x, "quote").unwrap_or_default(),
            lang: resp.str(x, "language").filter(|l| !l.is_empty()),
            article: src.article_link(other_article, None)?,
            status: Status::new(resp.str(x, "status")),
            by_subject: resp.bool(x, "bySubject"),
        };
        match resp.str(x, "direction").as_deref() {
            Some("answered-by") => responses.push(related),
            Some("answers") => answers.push(related),
            _ => corroborations.push(related),
        }
    }

    Ok(Some(ClaimPage {
        iri: iri.as_str().to_owned(),
        slug: rows.str(r, "slug").unwrap_or_default(),
        kind: rows.str(r, "kind").unwrap_or_default(),
        statement: rows.str(r, "statement").unwrap_or_default(),
        claimant: src.link(rows.iri(r, "claimant"), rows.str(r, "claimantLabel")),
        document: (document != article)
            .then(|| src.link(Some(&document), rows.str(r, "documentTitle"))),
        chain: relay_chain(src, &article, &document)?,
        article: article_link,
        quote_href,
        quote,
        lang: rows.str(r, "language").filter(|l| !l.is_empty()),
        sentence_before,
        sentence_after,
        start: rows.int(r, "start").unwrap_or(0),
        end: rows.int(r, "end").unwrap_or(0),
        claim_date: date_view(
            rows.str(r, "claimDate"),
            rows.str(r, "claimDateText"),
            rows.str(r, "claimDatePrecision"),
        ),
        event_date: date_view(
            rows.str(r, "eventDate"),
            rows.str(r, "eventDateText"),
            rows.str(r, "eventDatePrecision"),
        ),
        status: Status::new(rows.str(r, "statusLabel")),
        status_meaning: rows.str(r, "statusComment"),
        about,
        propositions,
        responses,
        answers,
        corroborations,
        note: rows.str(r, "note"),
        review: rows.str(r, "review"),
        confidence: rows.str(r, "confidence"),
        rule: rows.str(r, "rule"),
    }))
}
