//! Sentence splitting for German and English news text.
//!
//! [`split`] returns the byte spans of the sentences of a text, trimmed of white
//! space. A sentence ends at `.`, `!`, `?` or `:` + line break, followed by white space and
//! something that can start a sentence; it does not end after an abbreviation
//! ("z. B.", "u. a.", "Dr."), an initial, an ordinal before a month ("1. November") or a
//! lower-case word, nor inside a quotation ("„Das ist falsch. Wir liefern nichts.“"),
//! so that a quoted passage stays with the sentence that introduces it. A blank line
//! always ends a sentence; so does a line break after final punctuation or a colon.

use std::ops::Range;

use super::text::WordSet;

/// What the splitter needs to know about a language.
#[derive(Debug, Clone, Copy)]
pub struct SplitRules<'a> {
    pub abbreviations: &'a WordSet,
    pub months: &'a WordSet,
}

/// A quotation longer than this (in bytes) is taken to be unbalanced quotation marks,
/// not one quote, and stops holding sentences together.
const MAX_QUOTE: usize = 2_000;

fn is_opening_quote(c: char) -> bool {
    matches!(c, '„' | '“' | '«' | '»' | '‚' | '"')
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        '“' | '”' | '»' | '«' | '‘' | '’' | '"' | '\'' | ')' | ']'
    )
}

/// The spans of the sentences of `text`.
pub fn split(text: &str, rules: SplitRules<'_>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut start = 0usize;
    // Byte offset where the quotation we are in opened, if any.
    let mut quote_open: Option<usize> = None;
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        // Quotation marks: „ opens and “ closes in German; " toggles; “ opens in English.
        match c {
            '„' | '»' => quote_open = Some(pos),
            '"' => {
                quote_open = if quote_open.is_some() {
                    None
                } else {
                    Some(pos)
                }
            }
            '“' => {
                quote_open = if quote_open.is_some() {
                    None
                } else {
                    Some(pos)
                };
            }
            '”' | '«' => quote_open = None,
            _ => {}
        }
        if quote_open.is_some_and(|q| pos - q > MAX_QUOTE) {
            quote_open = None;
        }
        if c == '\n' {
            // A blank line always ends a sentence (and any quotation).
            let mut j = i + 1;
            while j < chars.len() && chars[j].1 != '\n' && chars[j].1.is_whitespace() {
                j += 1;
            }
            let blank = j < chars.len() && chars[j].1 == '\n';
            let before = text[start..pos].trim_end().chars().last();
            let final_before =
                before.is_some_and(|b| matches!(b, '.' | '!' | '?' | ':' | '…') || is_closing(b));
            if blank || final_before {
                push(text, start..pos, &mut out);
                start = pos;
                quote_open = None;
            }
            i += 1;
            continue;
        }
        if matches!(c, '.' | '!' | '?' | '…') && quote_open.is_none()
            || (matches!(c, '.' | '!' | '?') && closes_quote_next(&chars, i))
        {
            // Take closing quotes and brackets that belong to this sentence.
            let mut j = i + 1;
            while j < chars.len()
                && (is_closing(chars[j].1) || matches!(chars[j].1, '.' | '!' | '?'))
            {
                if matches!(chars[j].1, '"' | '“' | '”' | '«' | '»') {
                    quote_open = None;
                }
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |&(p, _)| p);
            // Then white space, then something that may start a sentence.
            let mut k = j;
            while k < chars.len() && chars[k].1.is_whitespace() && chars[k].1 != '\n' {
                k += 1;
            }
            let next = chars.get(k).map(|&(_, ch)| ch);
            let spaced = k > j || k >= chars.len();
            if spaced
                && next.is_none_or(|n| n == '\n' || starts_sentence(n))
                && !(c == '.' && continues(text, start, pos, &chars, k, rules))
            {
                push(text, start..end, &mut out);
                start = end;
                quote_open = None;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    push(text, start..text.len(), &mut out);
    out
}

/// Whether a quotation mark that closes the open quotation follows `i`.
fn closes_quote_next(chars: &[(usize, char)], i: usize) -> bool {
    chars
        .get(i + 1)
        .is_some_and(|&(_, c)| matches!(c, '“' | '”' | '"' | '«'))
}

fn starts_sentence(c: char) -> bool {
    c.is_uppercase()
        || c.is_ascii_digit()
        || is_opening_quote(c)
        || matches!(c, '(' | '[' | '–' | '-' | '—' | '‘' | '\'')
}

/// Whether the `.` at `dot` does not end the sentence: after an abbreviation, an
/// initial or an ordinal before a month, or before a lower-case word.
fn continues(
    text: &str,
    start: usize,
    dot: usize,
    chars: &[(usize, char)],
    next: usize,
    rules: SplitRules<'_>,
) -> bool {
    let before = &text[start..dot];
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if word.is_empty() {
        return false;
    }
    let lower = word.to_lowercase();
    // An initial ("J. Smith") or a spelled abbreviation ("z. B.", "u. a.", "U.S.").
    if word.chars().count() == 1 && word.chars().all(char::is_alphabetic) {
        return true;
    }
    if rules.abbreviations.contains(&lower) {
        return true;
    }
    // An ordinal: "1. November", "am 3. Oktober 2020".
    if word.chars().all(|c| c.is_ascii_digit()) && word.len() <= 2 {
        let following: String = chars[next.min(chars.len())..]
            .iter()
            .map(|&(_, c)| c)
            .take_while(|c| c.is_alphabetic())
            .collect();
        if rules.months.contains(&following.to_lowercase()) {
            return true;
        }
    }
    false
}

fn push(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[range.clone()];
    let lead = s.len() - s.trim_start().len();
    let trimmed = s.trim();
    if trimmed.chars().any(char::is_alphanumeric) {
        let from = range.start + lead;
        out.push(from..from + trimmed.len());
    }
}
