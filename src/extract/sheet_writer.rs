//! Writing a [`Draft`] as a claim sheet (the TOML `claimgraph import` reads), with every
//! guess visible: each drafted entry carries a comment naming the rule that fired and
//! its confidence, and each claim an `[claim.extraction]` table, which the importer
//! turns into the *machine-drafted* review status.
//!
//! [`write_sheet`] is the entry point. Every string from the article is written as an
//! escaped TOML string, so no text can break out of its field; quotes are whole
//! sentences sliced from the text, so the importer finds them verbatim.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::draft::{Draft, DraftClaim};

/// The extractor's name, recorded on every drafted claim.
pub const METHOD: &str = "claimgraph-extract";
/// Its version: the crate's.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where the sheet finds the article text.
#[derive(Debug, Clone)]
pub enum TextSource<'a> {
    /// Inline, in the sheet (`text = '''...'''`).
    Inline,
    /// A file, relative to the sheet (`text_file = "..."`).
    File(&'a str),
}

/// Candidates below this confidence that no claim needs are listed commented out.
const WEAK_CANDIDATE: f64 = 0.5;

/// The draft as claim-sheet TOML.
pub fn write_sheet(draft: &Draft, text: &str, source: TextSource<'_>) -> String {
    let mut out = String::new();
    let a = &draft.article;
    let _ = writeln!(out, "# Draft claim sheet written by {METHOD} {VERSION} from {} sentence(s). REVIEW EVERY ENTRY.", draft.sentences);
    out.push_str("# Each guess names the rule that fired and a confidence. When a claim is right, delete its\n");
    out.push_str(
        "# [claim.extraction] table: it is then a reviewed claim. Delete what is wrong.\n\n",
    );
    out.push_str("[article]\n");
    let _ = writeln!(out, "id = {}", toml_string(&a.id));
    if let Some(t) = &a.title {
        let _ = writeln!(out, "title = {}", toml_string(t));
    }
    if let Some(u) = &a.url {
        let _ = writeln!(out, "url = {}", toml_string(u));
    }
    if let Some(p) = &a.publisher {
        let _ = writeln!(out, "publisher = {}", toml_string(p));
    }
    let _ = writeln!(out, "language = {}", toml_string(&a.language));
    if let Some(d) = &a.date {
        let _ = writeln!(out, "date = {}", toml_string(d));
    }
    match source {
        TextSource::File(f) => {
            let _ = writeln!(out, "text_file = {}", toml_string(f));
        }
        TextSource::Inline => {
            let _ = writeln!(out, "text = {}", toml_text(text));
        }
    }

    let (used, unused): (Vec<_>, Vec<_>) = draft
        .candidates
        .iter()
        .partition(|c| c.used || c.confidence >= WEAK_CANDIDATE);
    if !used.is_empty() {
        out.push_str(
            "\n################################################################################\n",
        );
        out.push_str(
            "# PROPOSED ENTITIES: names that match no known entity. Check the kind, add the\n",
        );
        out.push_str(
            "# German or English label, aliases and country, or replace the id by a known one.\n",
        );
        out.push_str(
            "################################################################################\n",
        );
    }
    for c in &used {
        if c.carried {
            let _ = writeln!(
                out,
                "\n[[entity]]  # known from another article's sheet, defined again so this draft stands alone"
            );
        } else {
            let _ = writeln!(
                out,
                "\n[[entity]]  # proposed: kind guessed from {} (confidence {:.2})",
                comment(&c.reason),
                c.confidence
            );
        }
        let _ = writeln!(out, "id = {}", toml_string(&c.id));
        let _ = writeln!(out, "kind = {}", toml_string(c.kind.as_str()));
        let _ = writeln!(out, "label_en = {}", toml_string(&c.label));
        let _ = writeln!(out, "label_de = {}", toml_string(&c.label));
    }
    if !unused.is_empty() {
        out.push_str(
            "\n# Further capitalised names that match no known entity (no claim needs them):\n",
        );
        for c in &unused {
            let _ = writeln!(
                out,
                "#   {} -> id {:?}, kind {} ({}, confidence {:.2})",
                comment(&c.label),
                c.id,
                c.kind.as_str(),
                comment(&c.reason),
                c.confidence
            );
        }
    }

    if !draft.documents.is_empty() {
        out.push_str(
            "\n################################################################################\n",
        );
        out.push_str("# DOCUMENTS the article relays (guessed from the words that name them)\n");
        out.push_str(
            "################################################################################\n",
        );
    }
    for d in &draft.documents {
        let _ = writeln!(out, "\n[[document]]  # named by \"{}\"", comment(&d.cue));
        let _ = writeln!(out, "id = {}", toml_string(&d.id));
        let _ = writeln!(out, "kind = {}", toml_string(d.kind_str()));
        let _ = writeln!(out, "author = {}", toml_string(&d.author));
        if let Some(v) = &d.via {
            let _ = writeln!(out, "via = {}", toml_string(v));
        }
        let _ = writeln!(out, "link = {}", toml_string(d.link_str()));
    }

    if !draft.claims.is_empty() {
        out.push_str(
            "\n################################################################################\n",
        );
        out.push_str("# CLAIMS (machine-drafted)\n");
        out.push_str(
            "################################################################################\n",
        );
    }
    let occurrences = occurrences(text, &draft.claims);
    for (c, occurrence) in draft.claims.iter().zip(occurrences) {
        write_claim(&mut out, c, text, occurrence);
    }
    write_for_review(&mut out, draft, text);
    out
}

/// The statements found but not drafted as claims, as comments: a reviewer who wants one
/// writes it as a claim.
fn write_for_review(out: &mut String, draft: &Draft, text: &str) {
    if draft.for_review.is_empty() {
        return;
    }
    out.push_str(
        "\n################################################################################\n",
    );
    out.push_str("# NEEDS REVIEW: statements found but not drafted as claims (too unsure, or a\n");
    out.push_str(
        "# response with nothing drafted that it answers). Write one as a [[claim]] if right.\n",
    );
    out.push_str(
        "################################################################################\n",
    );
    for (c, why) in &draft.for_review {
        let _ = writeln!(
            out,
            "# - sentence {}: {} by {} (rule {}, confidence {:.2}; claimant: {}): {}",
            c.sentence + 1,
            c.kind.as_str(),
            comment(&c.claimant),
            comment(&c.rule),
            c.confidence,
            comment(&c.claimant_reason),
            comment(why)
        );
        let _ = writeln!(out, "#   quote: {}", comment(&text[c.quote.clone()]));
    }
}

/// For each claim, which occurrence of its quote it is when the quote occurs more than
/// once, counted as the importer counts (leftmost, non-overlapping). All quotes are
/// searched in one pass, so a long text with many claims stays linear.
fn occurrences(text: &str, claims: &[DraftClaim]) -> Vec<Option<usize>> {
    let mut distinct: Vec<&str> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let pattern_of: Vec<usize> = claims
        .iter()
        .map(|c| {
            let q = &text[c.quote.clone()];
            *index.entry(q).or_insert_with(|| {
                distinct.push(q);
                distinct.len() - 1
            })
        })
        .collect();
    // A short text is searched quote by quote; a long one in a single pass.
    if text.len() < 1 << 16 {
        let counts: Vec<Vec<usize>> = distinct
            .iter()
            .map(|q| text.match_indices(q).map(|(i, _)| i).collect())
            .collect();
        return claims
            .iter()
            .zip(pattern_of)
            .map(|(c, p)| {
                (counts[p].len() > 1).then(|| {
                    counts[p]
                        .iter()
                        .position(|&s| s == c.quote.start)
                        .map_or(1, |i| i + 1)
                })
            })
            .collect();
    }
    // The NFA builds in time linear in the quotes, where a DFA would cost more than the search.
    let built = aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
        .build(&distinct);
    let Ok(automaton) = built else {
        return claims.iter().map(|_| None).collect();
    };
    // Every occurrence, overlapping ones included, then thinned per quote to what a
    // left-to-right non-overlapping search finds.
    let mut starts: Vec<Vec<usize>> = vec![Vec::new(); distinct.len()];
    for m in automaton.find_overlapping_iter(text) {
        let p = m.pattern().as_usize();
        let last_end = starts[p].last().map(|&s| s + distinct[p].len());
        if last_end.is_none_or(|e| m.start() >= e) {
            starts[p].push(m.start());
        }
    }
    claims
        .iter()
        .zip(pattern_of)
        .map(|(c, p)| {
            (starts[p].len() > 1).then(|| {
                starts[p]
                    .iter()
                    .position(|&s| s == c.quote.start)
                    .map_or(1, |i| i + 1)
            })
        })
        .collect()
}

fn write_claim(out: &mut String, c: &DraftClaim, text: &str, occurrence: Option<usize>) {
    let quote = &text[c.quote.clone()];
    let _ = writeln!(
        out,
        "\n[[claim]]  # rule {} (confidence {:.2}); claimant: {}",
        comment(&c.rule),
        c.confidence,
        comment(&c.claimant_reason)
    );
    let _ = writeln!(out, "id = {}", toml_string(&c.id));
    let _ = writeln!(out, "kind = {}", toml_string(c.kind.as_str()));
    let _ = writeln!(out, "claimant = {}", toml_string(&c.claimant));
    if let Some(d) = &c.document {
        let _ = writeln!(out, "document = {}", toml_string(d));
    }
    let _ = writeln!(
        out,
        "about = [{}]",
        c.about
            .iter()
            .map(|a| toml_string(a))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(out, "statement = {}", toml_string(&statement(c, quote)));
    let _ = writeln!(out, "quote = {}", toml_string(quote));
    if let Some(k) = occurrence {
        let _ = writeln!(out, "occurrence = {k}");
    }
    if !c.answers.is_empty() {
        let _ = writeln!(
            out,
            "answers = [{}]  # draft link: the nearest earlier claims about the responder (else the nearest allegations)",
            c.answers.iter().map(|a| toml_string(a)).collect::<Vec<_>>().join(", ")
        );
    }
    for (s, p, o) in &c.propositions {
        let _ = writeln!(out, "\n[[claim.proposition]]  # relation rule");
        let _ = writeln!(
            out,
            "subject = {}\npredicate = {}\nobject = {}",
            toml_string(s),
            toml_string(p),
            toml_string(o)
        );
    }
    let _ = writeln!(out, "\n[claim.extraction]");
    let _ = writeln!(out, "method = {}", toml_string(METHOD));
    let _ = writeln!(out, "version = {}", toml_string(VERSION));
    let _ = writeln!(out, "confidence = {:.2}", c.confidence);
    let _ = writeln!(out, "rule = {}", toml_string(&c.rule));
}

/// A placeholder statement that says it is one: the reviewer rewrites it in plain English.
fn statement(c: &DraftClaim, quote: &str) -> String {
    const MAX: usize = 160;
    let mut short: String = quote.chars().take(MAX).collect();
    if quote.chars().count() > MAX {
        short.push('…');
    }
    format!("[draft {}] {}", c.kind.as_str(), short)
}

/// One line of comment: no line breaks or control characters from the article.
fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A TOML basic string with everything escaped that must be.
pub fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    // Runs of characters that need no escape are copied whole.
    let mut plain_from = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\t' => "\\t",
            '\r' => "\\r",
            c if c.is_control() => "",
            _ => continue,
        };
        out.push_str(&s[plain_from..i]);
        plain_from = i + c.len_utf8();
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04X}", c as u32);
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(&s[plain_from..]);
    out.push('"');
    out
}

/// The article text: a readable multi-line literal string where TOML can hold it
/// unchanged, an escaped string otherwise.
pub fn toml_text(text: &str) -> String {
    let literal_ok = !text.contains("'''")
        && !text.ends_with('\'')
        && text
            .chars()
            .all(|c| c == '\n' || c == '\t' || !c.is_control());
    if literal_ok {
        format!("'''\n{text}'''")
    } else {
        toml_string(text)
    }
}
