//! Words of a text: the one tokenizer that the dictionary, the rules and the sentence
//! splitter share, so that a name, a pattern and an article are cut the same way.
//!
//! [`tokens`] splits at everything that is not a letter or digit (hyphens and
//! apostrophes too: "US-Handelsministeriums" is `us` `handelsministeriums`, "Alibaba's"
//! is `alibaba` `s`) and keeps each word's byte span in the text. [`WordMap`] is the
//! hash map the dictionary and the rules key by words: short keys, looked up once per
//! word, so a cheap multiplicative hash instead of the default SipHash.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

/// A hash map keyed by words (not exposed to untrusted key choice at a scale where
/// flooding matters: keys come from names and rule files).
pub type WordMap<V> = HashMap<String, V, BuildHasherDefault<WordHasher>>;

/// A set of words (rule word lists), hashed like [`WordMap`]: looked up for most words of
/// every sentence.
pub type WordSet = HashSet<String, BuildHasherDefault<WordHasher>>;

/// The FxHash mixing step (as in rustc): fast on short keys.
#[derive(Default, Clone, Copy)]
pub struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("chunks of eight"));
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// One word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte span in the text it was cut from.
    pub span: Range<usize>,
    /// Lower-cased form, for matching.
    pub lower: String,
    /// Starts with an upper-case letter.
    pub capitalised: bool,
    /// Has an upper-case letter after its first character, or a digit ("SenseTime", "ZTE", "Top10VPN").
    pub marked: bool,
}

impl Token {
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.span.clone()]
    }
}

/// The words of `text`, in order.
pub fn tokens(text: &str) -> Vec<Token> {
    tokens_in(text, 0..text.len())
}

/// The words of `text[range]`, with spans relative to the whole text.
pub fn tokens_in(text: &str, range: Range<usize>) -> Vec<Token> {
    let mut out = Vec::new();
    let slice = &text[range.clone()];
    let mut start: Option<usize> = None;
    for (i, c) in slice
        .char_indices()
        .chain(std::iter::once((slice.len(), ' ')))
    {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            let word = &slice[s..i];
            let mut chars = word.chars();
            let first = chars.next().unwrap_or(' ');
            out.push(Token {
                span: range.start + s..range.start + i,
                lower: word.to_lowercase(),
                capitalised: first.is_uppercase(),
                marked: chars.any(|c| c.is_uppercase() || c.is_ascii_digit())
                    || first.is_ascii_digit(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphens_and_apostrophes_split_words() {
        let words: Vec<String> = tokens("US-Handelsministeriums, Alibaba's Top10VPN")
            .into_iter()
            .map(|t| t.lower)
            .collect();
        assert_eq!(
            words,
            ["us", "handelsministeriums", "alibaba", "s", "top10vpn"]
        );
    }
}
