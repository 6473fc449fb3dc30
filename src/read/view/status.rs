//! A claim's status in words a reader cannot misread, with the answers it rests on.
//!
//! The store holds one derived status per claim (`cg:status`, from
//! `queries/derive-status.ru`). Shown bare, "uncontested" reads as "undisputed" and
//! "denied by subject" names nobody, so [`describe`] turns the status and the answers
//! behind it into a phrase that says who: "denied by Alibaba", "declined to comment:
//! White House, CIA", "corroborated by 2 independent origins", and "no response
//! reported" where nobody answered. A response (a denial, a refusal...) carries no
//! status of its own unless someone answers it. Each phrase has a one-line
//! [`Status::meaning`] the page shows beside it.

use std::collections::{BTreeMap, HashSet};

use oxigraph::model::Term;
use serde::Serialize;

use super::lang::Lang;
use super::{local_name, page_path, Link, Rows, Source};
use crate::publish::render::RenderError;

/// The derived statuses, by the local name of their IRI in the ontology.
const UNCONTESTED: &str = "Uncontested";
const DENIED_BY_SUBJECT: &str = "DeniedBySubject";
const DISPUTED: &str = "Disputed";
const DECLINED: &str = "DeclinedToComment";
const CORROBORATED: &str = "Corroborated";
const CORRECTED: &str = "Corrected";
const RETRACTED: &str = "Retracted";

/// A status as a page shows it: the phrase, its badge class and what it means.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Status {
    /// "denied by Alibaba".
    pub label: String,
    /// The badge's class, from the status itself ("status-denied-by-subject").
    pub class: String,
    /// One line saying what the status means.
    pub meaning: String,
}

/// One answer to a claim: a response, or a claim of independent origin corroborating it.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    /// The response's page.
    pub href: Option<String>,
    /// The ontology class's local name ("Denial", "RefusalToComment"...), or
    /// "Corroboration" for an independent claim saying the same.
    pub kind_key: String,
    /// The kind as a word in the page's language ("denial", "Dementi").
    pub kind: String,
    pub responder: Link,
    pub quote: String,
    pub lang: Option<String>,
    pub article: Link,
    /// The document the answer was made in: independent origins are counted by it.
    #[serde(skip)]
    pub origin: String,
    /// The responder is one of the answered claim's subjects.
    pub by_subject: bool,
}

/// The answers to every claim a page shows, by claim IRI: `query` (`page-entity-answers`
/// or `page-article-answers`) bound to `param`, one row per claim and answer.
pub fn answers_by_claim(
    src: &Source<'_>,
    query: &str,
    param: (&str, Term),
) -> Result<BTreeMap<String, Vec<Answer>>, RenderError> {
    answers_of_rows(src, &src.select(query, &[param])?, None)
}

/// The answers in the rows of an answers query (see [`answers_by_claim`]), by claim IRI.
/// The answers of claims outside `shown` (when given) are only counted and named in
/// statuses, never shown: their article links are left without a label, which would
/// cost a lookup of each article.
pub fn answers_of_rows(
    src: &Source<'_>,
    rows: &Rows,
    shown: Option<&HashSet<&str>>,
) -> Result<BTreeMap<String, Vec<Answer>>, RenderError> {
    let mut out: BTreeMap<String, Vec<Answer>> = BTreeMap::new();
    for r in rows.iter() {
        let (Some(claim), Some(other), Some(article)) = (
            rows.iri(r, "claim"),
            rows.iri(r, "other"),
            rows.iri(r, "otherArticle"),
        ) else {
            continue;
        };
        let labelled = shown.is_none_or(|s| s.contains(claim));
        let answer = answer_row(src, rows, r, other, article, labelled)?;
        let list = out.entry(claim.to_owned()).or_default();
        if !list.iter().any(|a| a.href == answer.href) {
            list.push(answer);
        }
    }
    Ok(out)
}

/// One answer from a row of an answers query.
fn answer_row(
    src: &Source<'_>,
    rows: &Rows,
    r: usize,
    other: &str,
    article: &str,
    labelled: bool,
) -> Result<Answer, RenderError> {
    let vocabulary = src.vocabulary()?;
    let (kind_key, kind) = match rows.iri(r, "kindClass").and_then(|k| vocabulary.by_iri(k)) {
        Some(term) => (
            local_name(&term.iri).to_owned(),
            src.term_label(&term.label_en)?,
        ),
        None => ("Corroboration".to_owned(), src.term_label("corroboration")?),
    };
    Ok(Answer {
        href: page_path(src.iris, other),
        kind_key,
        kind,
        responder: src.link(rows.iri(r, "responder"), rows.str(r, "responderLabel")),
        quote: rows.str(r, "quote").unwrap_or_default(),
        lang: rows.lang(r, "quote"),
        article: match labelled {
            true => src.article_link(article, None)?,
            false => Link {
                href: page_path(src.iris, article),
                label: String::new(),
            },
        },
        origin: rows.str(r, "origin").unwrap_or_default(),
        by_subject: rows.bool(r, "bySubject"),
    })
}

/// The reader's status of a claim whose derived status is `status_iri` (or none), given
/// the answers recorded for it. `None` for a response nobody answered: it has no status.
pub fn describe(
    lang: Lang,
    status_iri: Option<&str>,
    is_response: bool,
    answers: &[Answer],
) -> Option<Status> {
    let key = status_iri.map(local_name).unwrap_or("");
    if is_response && (key.is_empty() || key == UNCONTESTED) && answers.is_empty() {
        return None;
    }
    let names = |kinds: &[&str], subjects_only: bool| -> String {
        let mut out: Vec<&str> = Vec::new();
        for a in answers {
            if kinds.contains(&a.kind_key.as_str())
                && (!subjects_only || a.by_subject)
                && !out.contains(&a.responder.label.as_str())
            {
                out.push(&a.responder.label);
            }
        }
        out.join(", ")
    };
    let with = |phrase: &str, who: String, fallback: &str| {
        if who.is_empty() {
            lang.tr(fallback).to_owned()
        } else {
            format!("{} {who}", lang.tr(phrase))
        }
    };
    let (label, class, meaning) = match key {
        RETRACTED => (
            lang.tr("retracted by its claimant").to_owned(),
            "retracted",
            "The claimant withdrew its own claim.",
        ),
        CORRECTED => (
            lang.tr("corrected by its claimant").to_owned(),
            "corrected",
            "The claimant corrected its own claim.",
        ),
        DENIED_BY_SUBJECT => (
            with("denied by", names(&["Denial"], true), "denied by its subject"),
            "denied-by-subject",
            "An entity the claim is about denies it.",
        ),
        DISPUTED => (
            with("disputed by", names(&["Denial", "Objection"], false), "disputed"),
            "disputed",
            "Someone other than the claim's subjects denies it or objects to it.",
        ),
        CORROBORATED => {
            let mut origins: Vec<&str> = answers
                .iter()
                .filter(|a| a.kind_key == "Corroboration")
                .map(|a| a.origin.as_str())
                .collect();
            origins.sort_unstable();
            origins.dedup();
            let label = if origins.is_empty() {
                lang.tr("corroborated").to_owned()
            } else {
                format!(
                    "{} {}",
                    lang.tr("corroborated by"),
                    lang.count(
                        origins.len() as i64,
                        "independent origin",
                        "independent origins"
                    )
                )
            };
            (
                label,
                "corroborated",
                "Sources of independent origin (not relaying one another) confirm the claim or make the same claim.",
            )
        }
        DECLINED => {
            let parts: Vec<String> = [
                ("declined to comment:", "RefusalToComment"),
                ("did not address it:", "NonAnswer"),
                ("could not be reached:", "NotReachable"),
            ]
            .iter()
            .filter_map(|(phrase, kind)| {
                let who = names(&[*kind], false);
                (!who.is_empty()).then(|| format!("{} {who}", lang.tr(phrase)))
            })
            .collect();
            let label = if parts.is_empty() {
                lang.tr("declined to comment").to_owned()
            } else {
                parts.join("; ")
            };
            (
                label,
                "declined-to-comment",
                "Those asked declined to comment, did not address the point, or could not be reached; nobody denied it.",
            )
        }
        UNCONTESTED => (
            lang.tr("no response reported").to_owned(),
            "no-response",
            "Nobody is reported to have answered this claim: no denial, no confirmation, no refusal to comment. That does not make it true.",
        ),
        _ => (
            lang.tr("status not derived").to_owned(),
            "not-derived",
            "The status could not be derived.",
        ),
    };
    Some(Status {
        label,
        class: format!("status-{class}"),
        meaning: lang.tr(meaning).to_owned(),
    })
}

/// Whether [`describe`] of a claim with this status needs the claim's answers: the
/// phrases that name who answered or count origins do, and so does a response's
/// (whether anyone answered it at all); the others read the status alone.
pub fn needs_answers(status_iri: Option<&str>, is_response: bool) -> bool {
    let key = status_iri.map(local_name).unwrap_or("");
    (is_response && (key.is_empty() || key == UNCONTESTED))
        || matches!(key, DENIED_BY_SUBJECT | DISPUTED | CORROBORATED | DECLINED)
}

/// A tally names at most this many phrases of one status ("denied by Alibaba",
/// "denied by Huawei"...); past it the status is counted once, unnamed.
const NAMED_PHRASES_PER_STATUS: usize = 3;

/// `statuses` counted by phrase, in first-seen order, for a summary line: where one
/// status comes in more than [`NAMED_PHRASES_PER_STATUS`] phrases (a list denied by
/// dozens of its members), its phrases are counted together under the status's phrase
/// without names ("denied by its subject" × 37), so the line stays a glance long.
pub fn tally<'a>(
    lang: Lang,
    statuses: impl IntoIterator<Item = &'a Status>,
) -> Vec<(Status, usize)> {
    let mut counted: Vec<(Status, usize)> = Vec::new();
    for s in statuses {
        match counted.iter_mut().find(|(x, _)| x.label == s.label) {
            Some((_, n)) => *n += 1,
            None => counted.push((s.clone(), 1)),
        }
    }
    let mut out: Vec<(Status, usize)> = Vec::new();
    for (status, n) in &counted {
        let phrases = counted
            .iter()
            .filter(|(x, _)| x.class == status.class)
            .count();
        if phrases <= NAMED_PHRASES_PER_STATUS {
            out.push((status.clone(), *n));
            continue;
        }
        let unnamed = unnamed(lang, status);
        match out.iter_mut().find(|(x, _)| x.label == unnamed.label) {
            Some((_, total)) => *total += n,
            None => out.push((unnamed, *n)),
        }
    }
    out
}

/// The phrase of `status` without the names in it ("denied by its subject" for "denied
/// by Alibaba").
fn unnamed(lang: Lang, status: &Status) -> Status {
    let key = match status.class.trim_start_matches("status-") {
        "denied-by-subject" => DENIED_BY_SUBJECT,
        "disputed" => DISPUTED,
        "declined-to-comment" => DECLINED,
        "corroborated" => CORROBORATED,
        _ => return status.clone(),
    };
    describe(lang, Some(key), false, &[]).unwrap_or_else(|| status.clone())
}

/// The distinct statuses of a page, each once, for its legend.
pub fn legend<'a>(statuses: impl IntoIterator<Item = &'a Status>) -> Vec<LegendEntry> {
    let mut out: Vec<LegendEntry> = Vec::new();
    for s in statuses {
        if !out.iter().any(|e| e.class == s.class) {
            out.push(LegendEntry {
                label: s.label.clone(),
                class: s.class.clone(),
                meaning: s.meaning.clone(),
            });
        }
    }
    out
}

/// One line of a page's status legend.
#[derive(Debug, Clone, Serialize)]
pub struct LegendEntry {
    /// The first phrase of this status on the page ("denied by Alibaba").
    pub label: String,
    pub class: String,
    pub meaning: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_names_a_few_who_answered_and_counts_the_rest_unnamed() {
        let denied = |who: &str| {
            describe(
                Lang::En,
                Some(DENIED_BY_SUBJECT),
                false,
                &[answer("Denial", who, true, "o")],
            )
            .unwrap()
        };
        let none = describe(Lang::En, Some(UNCONTESTED), false, &[]).unwrap();
        let few = [denied("A"), denied("B"), denied("A"), none.clone()];
        let labels = |t: Vec<(Status, usize)>| {
            t.into_iter()
                .map(|(s, n)| format!("{} x{n}", s.label))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            labels(tally(Lang::En, &few)),
            [
                "denied by A x2",
                "denied by B x1",
                "no response reported x1"
            ]
        );
        let many = [
            denied("A"),
            none,
            denied("B"),
            denied("C"),
            denied("D"),
            denied("A"),
        ];
        assert_eq!(
            labels(tally(Lang::En, &many)),
            ["denied by its subject x5", "no response reported x1"]
        );
    }

    fn answer(kind: &str, who: &str, by_subject: bool, origin: &str) -> Answer {
        Answer {
            href: None,
            kind_key: kind.into(),
            kind: kind.to_lowercase(),
            responder: Link {
                href: None,
                label: who.into(),
            },
            quote: String::new(),
            lang: None,
            article: Link {
                href: None,
                label: "a".into(),
            },
            origin: origin.into(),
            by_subject,
        }
    }

    const NS: &str = "https://claimgraph.example/ns#";

    #[test]
    fn statuses_name_who_answered() {
        let answers = [
            answer("Denial", "Alibaba", true, "d1"),
            answer("RefusalToComment", "White House", false, "d2"),
            answer("RefusalToComment", "CIA", false, "d3"),
        ];
        let denied = describe(
            Lang::En,
            Some(&format!("{NS}DeniedBySubject")),
            false,
            &answers,
        )
        .unwrap();
        assert_eq!(denied.label, "denied by Alibaba");
        assert_eq!(denied.class, "status-denied-by-subject");
        let declined = describe(
            Lang::En,
            Some(&format!("{NS}DeclinedToComment")),
            false,
            &answers[1..],
        )
        .unwrap();
        assert_eq!(declined.label, "declined to comment: White House, CIA");
        let german = describe(
            Lang::De,
            Some(&format!("{NS}DeclinedToComment")),
            false,
            &answers[1..],
        )
        .unwrap();
        assert_eq!(german.label, "Stellungnahme abgelehnt: White House, CIA");
    }

    #[test]
    fn uncontested_is_never_shown_as_such() {
        let none = describe(Lang::En, Some(&format!("{NS}Uncontested")), false, &[]).unwrap();
        assert_eq!(none.label, "no response reported");
        assert!(!none.label.contains("uncontested"));
        assert_eq!(
            describe(Lang::En, Some(&format!("{NS}Uncontested")), true, &[]),
            None,
            "an unanswered denial has no status"
        );
    }

    #[test]
    fn corroboration_counts_origins_not_claims() {
        let answers = [
            answer("Corroboration", "A", false, "report-1"),
            answer("Corroboration", "B", false, "report-1"),
            answer("Corroboration", "C", false, "report-2"),
        ];
        let s = describe(
            Lang::En,
            Some(&format!("{NS}Corroborated")),
            false,
            &answers,
        )
        .unwrap();
        assert_eq!(s.label, "corroborated by 2 independent origins");
    }
}
