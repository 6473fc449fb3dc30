//! "Cite this claim": a claim page's citation as plain text, BibTeX and CSL-JSON, each
//! with the claim's permalink (its IRI, which resolves to the page and its data).
//!
//! [`citation`] builds all three from the claim page's view model; the claim template
//! shows them (`templates/partials/cite.html`). The claimant is the author, the claim's
//! own date (else its event date) the date, the statement the title; the document and
//! the relaying article say where it was found.

use serde::Serialize;

use super::claim::ClaimPage;
use super::DateView;

/// The database a claim is cited from.
const CONTAINER: &str = "claimgraph";

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Citation {
    pub permalink: String,
    pub text: String,
    pub bibtex: String,
    pub csl_json: String,
}

pub fn citation(page: &ClaimPage) -> Citation {
    let date = page.claim_date.as_ref().or(page.event_date.as_ref());
    let year = date
        .and_then(|d| d.machine.as_deref())
        .map(|m| &m[..m.len().min(4)]);
    let found_in = match &page.document {
        Some(document) if document.label != page.article.label => format!(
            "{} in {}, relayed by {}",
            capitalised(&page.kind.label),
            document.label,
            page.article.label
        ),
        _ => format!(
            "{} in {}",
            capitalised(&page.kind.label),
            page.article.label
        ),
    };
    let text = format!(
        "{} ({}). “{}” {} {}. {}",
        page.claimant.label,
        // A date without a year ("1 November") cannot date a citation.
        date.filter(|d| d.machine.is_some())
            .map(|d| d.display.as_str())
            .unwrap_or("n.d."),
        sentence(&page.statement),
        sentence(&found_in),
        CONTAINER,
        page.iri
    );
    let key = format!("claimgraph-{}", bibtex_key(&page.iri));
    let mut bibtex = format!(
        "@misc{{{key},\n  author = {{{{{}}}}},\n  title = {{{}}},\n",
        bibtex_escape(&page.claimant.label),
        bibtex_escape(page.statement.trim_end_matches('.'))
    );
    if let Some(year) = year {
        bibtex.push_str(&format!("  year = {{{year}}},\n"));
    }
    bibtex.push_str(&format!(
        "  howpublished = {{{}}},\n  note = {{{}}},\n  url = {{{}}}\n}}",
        CONTAINER,
        bibtex_escape(&found_in),
        page.iri
    ));
    let mut csl = serde_json::json!({
        "id": key,
        "type": "entry",
        "genre": page.kind.label,
        "title": page.statement,
        "author": [{ "literal": page.claimant.label }],
        "container-title": CONTAINER,
        "note": found_in,
        "URL": page.iri,
    });
    if let Some(parts) = date.and_then(date_parts) {
        csl["issued"] = serde_json::json!({ "date-parts": [parts] });
    }
    Citation {
        permalink: page.iri.clone(),
        text,
        bibtex,
        csl_json: serde_json::to_string_pretty(&serde_json::json!([csl]))
            .expect("a JSON value serializes"),
    }
}

/// `text` ending in a full stop (unless it already ends a sentence or is cut short).
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?', '…']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `[2025, 11, 1]` from a dated view with a year (`2025-11-01`, `2025-11`, `2025`).
fn date_parts(date: &DateView) -> Option<Vec<u32>> {
    let machine = date.machine.as_deref()?;
    machine
        .split('-')
        .map(|p| p.parse::<u32>().ok())
        .collect::<Option<Vec<u32>>>()
        .filter(|parts| !parts.is_empty() && parts.len() <= 3)
}

/// A BibTeX key from the claim's IRI path: its last two segments, letters, digits and `-`.
fn bibtex_key(iri: &str) -> String {
    let segments: Vec<&str> = iri.trim_end_matches('/').rsplit('/').take(2).collect();
    segments
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Text safe inside a BibTeX field: its special characters escaped.
fn bibtex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '^' => out.push_str("\\^{}"),
            '~' => out.push_str("\\~{}"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bibtex_fields_cannot_break_out() {
        assert_eq!(
            bibtex_escape("50% of {x} & $y_1 #2 ~ ^ \\"),
            "50\\% of \\{x\\} \\& \\$y\\_1 \\#2 \\~{} \\^{} \\textbackslash{}"
        );
    }

    #[test]
    fn keys_come_from_the_iri_path() {
        assert_eq!(
            bibtex_key("https://claimgraph.example/id/claim/alibaba-pla-memo/alibaba-supplies-pla"),
            "alibaba-pla-memo-alibaba-supplies-pla"
        );
        assert_eq!(bibtex_key("https://x.test/id/claim/a b/c.d"), "a-b-c-d");
    }

    #[test]
    fn dates_become_csl_date_parts() {
        let d = |m: &str| DateView {
            machine: Some(m.into()),
            ..DateView::default()
        };
        assert_eq!(date_parts(&d("2025-11-01")), Some(vec![2025, 11, 1]));
        assert_eq!(date_parts(&d("2025-11")), Some(vec![2025, 11]));
        assert_eq!(date_parts(&DateView::default()), None);
    }
}
