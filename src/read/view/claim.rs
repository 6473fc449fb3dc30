//! The claim page: one claim with everything known about it (proposition, claimant,
//! document chain, article, dates, quote in its sentence, responses with their own
//! words, status and why), and the relay chain shared with entity and document pages.
//!
//! Data: `page-claim`, `page-claim-responses`, `page-claim-propositions`,
//! `page-relay-chain`. The status and its basis are the derived `cg:status`,
//! `cg:statusBasis` and `cg:corroboratedBy` triples (`queries/derive-status.ru`).

use oxigraph::model::{NamedNode, Term};
use serde::Serialize;

use super::lang::Lang;
use super::{page_path, Answer, DateView, KindView, Link, Source, Status};
use crate::publish::render::RenderError;

/// One link of a relay chain: "cites" -> the Financial Times report.
#[derive(Debug, Clone, Serialize)]
pub struct ChainStep {
    pub link: String,
    /// The link read upwards ("cited by"), for trails from the claimant to the article.
    pub inverse: String,
    pub to: Link,
    pub to_kind: Option<String>,
    pub to_date: Option<DateView>,
}

/// One step of a claim's trail, from its claimant to the article that relays it:
/// "White House" -> "in the White House memorandum, 1 November" -> "cited by the
/// Financial Times report" -> "cited by the article".
#[derive(Debug, Clone, Serialize)]
pub struct TrailStep {
    /// How this step relates to the one before ("in", "cited by"); `None` for the claimant.
    pub how: Option<String>,
    pub to: Link,
    pub date: Option<DateView>,
}

/// A claim's trail from `claimant` through `document` (when not the article itself) and
/// the relay `chain` (article down to document) up to `article`.
pub fn trail(
    src: &Source<'_>,
    claimant: &Link,
    document: Option<(&Link, Option<DateView>)>,
    article: &Link,
    chain: &[ChainStep],
) -> Vec<TrailStep> {
    let lang = src.lang;
    let mut out = vec![TrailStep {
        how: None,
        to: claimant.clone(),
        date: None,
    }];
    let Some((document, date)) = document else {
        out.push(TrailStep {
            how: Some(lang.tr("in").to_owned()),
            to: article.clone(),
            date: None,
        });
        return out;
    };
    out.push(TrailStep {
        how: Some(lang.tr("in").to_owned()),
        to: document.clone(),
        date,
    });
    if chain.is_empty() {
        out.push(TrailStep {
            how: Some(lang.tr("relayed by").to_owned()),
            to: article.clone(),
            date: None,
        });
        return out;
    }
    // Step i leads from (the article, or step i-1's document) to step i's document.
    for i in (0..chain.len()).rev() {
        let (to, date) = if i == 0 {
            (article.clone(), None)
        } else {
            (chain[i - 1].to.clone(), chain[i - 1].to_date.clone())
        };
        out.push(TrailStep {
            how: Some(chain[i].inverse.clone()),
            to,
            date,
        });
    }
    out
}

/// The inverse of a relay link's English label, in `lang`.
fn inverse_link(lang: Lang, english: &str) -> String {
    let inverse = match english {
        "cites" => "cited by",
        "reports on" => "reported on by",
        "quotes" => "quoted by",
        "based on" => "underlies",
        _ => "relayed by",
    };
    lang.tr(inverse).to_owned()
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
        let link = rows.str(r, "linkLabel").unwrap_or_else(|| "relays".into());
        steps.push(ChainStep {
            inverse: inverse_link(src.lang, &link),
            link: src.term_label(&link)?,
            to: src.link(Some(&to), rows.str(r, "toTitle")),
            to_kind: match rows.str(r, "toKind") {
                Some(k) => Some(src.term_label(&k)?),
                None => None,
            },
            to_date: src.date(
                rows.str(r, "toDate"),
                rows.str(r, "toDateText"),
                rows.str(r, "toDatePrecision"),
            )?,
        });
        current = to;
    }
    Ok(steps)
}

#[derive(Debug, Clone, Serialize)]
pub struct ClaimPage {
    pub iri: String,
    pub slug: String,
    pub kind: KindView,
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
    /// `None` for a response nobody answered.
    pub status: Option<Status>,
    /// From the claimant through its document up to the article, with dates.
    pub trail: Vec<TrailStep>,
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
    pub kind: KindView,
    pub statement: String,
    pub claimant: Link,
    pub quote: String,
    pub lang: Option<String>,
    pub article: Link,
    pub status: Option<Status>,
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
        .map(|p| -> Result<PropositionView, RenderError> {
            Ok(PropositionView {
                subject: src.link(
                    prop_rows.iri(p, "subject"),
                    prop_rows.str(p, "subjectLabel"),
                ),
                predicate: src.term_label(&prop_rows.str(p, "predicateLabel").unwrap_or_else(
                    || {
                        prop_rows
                            .str(p, "predicate")
                            .map(|x| crate::store::compact(&x))
                            .unwrap_or_default()
                    },
                ))?,
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
        })
        .collect::<Result<Vec<_>, _>>()?;

    let resp = src.select("page-claim-responses", &[("claim", param)])?;
    let (mut responses, mut answers, mut corroborations) = (Vec::new(), Vec::new(), Vec::new());
    // The answers to this claim, for its status phrase.
    let mut basis: Vec<Answer> = Vec::new();
    for x in resp.iter() {
        let Some(other_article) = resp.iri(x, "article") else {
            continue;
        };
        let kind = src.kind(&resp.str(x, "kind").unwrap_or_default())?;
        let direction = resp.str(x, "direction");
        let claimant = src.link(resp.iri(x, "claimant"), resp.str(x, "claimantLabel"));
        let href = resp.iri(x, "other").and_then(|o| page_path(src.iris, o));
        if direction.as_deref() != Some("answers") {
            basis.push(Answer {
                href: href.clone(),
                kind_key: if direction.as_deref() == Some("answered-by") {
                    kind.key.clone()
                } else {
                    "Corroboration".into()
                },
                kind: kind.label.clone(),
                responder: claimant.clone(),
                quote: String::new(),
                lang: None,
                article: Link {
                    href: None,
                    label: String::new(),
                },
                origin: resp.str(x, "origin").unwrap_or_default(),
                by_subject: resp.bool(x, "bySubject"),
            });
        }
        let related = RelatedClaim {
            href,
            status: src.status(resp.str(x, "status").as_deref(), &kind, &[])?,
            kind,
            statement: resp.str(x, "statement").unwrap_or_default(),
            claimant,
            quote: resp.str(x, "quote").unwrap_or_default(),
            lang: resp.str(x, "language").filter(|l| !l.is_empty()),
            article: src.article_link(other_article, None)?,
            by_subject: resp.bool(x, "bySubject"),
        };
        match direction.as_deref() {
            Some("answered-by") => responses.push(related),
            Some("answers") => answers.push(related),
            _ => corroborations.push(related),
        }
    }

    let kind = src.kind(&rows.str(r, "kind").unwrap_or_default())?;
    let claimant = src.link(rows.iri(r, "claimant"), rows.str(r, "claimantLabel"));
    let document_link =
        (document != article).then(|| src.link(Some(&document), rows.str(r, "documentTitle")));
    let chain = relay_chain(src, &article, &document)?;
    let trail = trail(
        src,
        &claimant,
        document_link
            .as_ref()
            .map(|d| (d, chain.last().and_then(|s| s.to_date.clone()))),
        &article_link,
        &chain,
    );
    Ok(Some(ClaimPage {
        iri: iri.as_str().to_owned(),
        slug: rows.str(r, "slug").unwrap_or_default(),
        status: src.status(rows.str(r, "statusLabel").as_deref(), &kind, &basis)?,
        kind,
        statement: rows.str(r, "statement").unwrap_or_default(),
        claimant,
        document: document_link,
        chain,
        trail,
        article: article_link,
        quote_href,
        quote,
        lang: rows.str(r, "language").filter(|l| !l.is_empty()),
        sentence_before,
        sentence_after,
        start: rows.int(r, "start").unwrap_or(0),
        end: rows.int(r, "end").unwrap_or(0),
        claim_date: src.date(
            rows.str(r, "claimDate"),
            rows.str(r, "claimDateText"),
            rows.str(r, "claimDatePrecision"),
        )?,
        event_date: src.date(
            rows.str(r, "eventDate"),
            rows.str(r, "eventDateText"),
            rows.str(r, "eventDatePrecision"),
        )?,
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
