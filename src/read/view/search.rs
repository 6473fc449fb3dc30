//! The offline search index: entities (by every label and alias), articles, documents
//! and claims (by statement, claimant and the verbatim quote), split into small script
//! files so a browser loads only what one search needs.
//!
//! [`SearchIndex::build`] takes the lists of entities, articles and documents the
//! site has read for its list pages and reads the claims (`page-search-claims`), and
//! [`SearchIndex::file`] writes one of its files. Every text is folded ([`fold`]: lower case, accents removed) and cut into
//! words; a word lives in the *terms shard* named by its first two characters. The
//! files, all under `search/`:
//!
//! - `search/index.js`: the shard names, how many entries there are and how many each
//!   entries file holds (loaded with the search page);
//! - `search/terms-KEY.js`: for each word starting with KEY, the entries that contain it
//!   (a search loads the shard of each word typed);
//! - `search/entries-N.js`: the N-th block of entries, what a hit shows (title, kind,
//!   page, and a claim's quote), loaded only for the hits shown.
//!
//! Files are scripts that call a function of `assets/search.js` rather than JSON, so
//! the search also works from a site opened from disk (`file://`), where browsers
//! refuse to fetch files.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::index::{ArticleEntry, DocumentEntry, EntityEntry};
use super::{page_path, Source};
use crate::publish::render::RenderError;

/// Entries per `search/entries-N.js` file.
pub const ENTRIES_PER_FILE: usize = 200;

/// The longest quote an entry carries for display (the whole quote is still searched).
const EXCERPT_CHARS: usize = 240;

/// What a hit shows.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SearchEntry {
    /// The title shown.
    pub t: String,
    /// The kind shown beside it.
    pub k: String,
    /// The page, relative to the site root.
    pub u: String,
    /// A claim's quote (cut to an excerpt), shown under the title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// The quote's language, for its `lang` attribute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub l: Option<String>,
}

impl SearchEntry {
    /// An entry without a quote: an entity, article or document page.
    fn page(title: &str, kind: &str, url: String) -> Self {
        SearchEntry {
            t: title.to_owned(),
            k: kind.to_owned(),
            u: url,
            q: None,
            l: None,
        }
    }
}

/// The whole index, before it is cut into files.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    entries: Vec<SearchEntry>,
    /// Shard key -> word -> ids of the entries containing it (ascending).
    shards: BTreeMap<String, BTreeMap<String, Vec<u32>>>,
}

impl SearchIndex {
    /// Indexes every entity, article and document of the English lists given
    /// ([`super::index::entities`], [`super::index::articles`],
    /// [`super::index::documents`] of `src`) and every claim of the store, whose rows
    /// (`page-search-claims`) are `rows`.
    pub fn build(
        src: &Source<'_>,
        entities: &[EntityEntry],
        articles: &[ArticleEntry],
        documents: &[DocumentEntry],
        rows: &super::Rows,
    ) -> Result<Self, RenderError> {
        let mut index = SearchIndex::default();
        for e in entities {
            if let Some(u) = &e.href {
                let words = [
                    Some(e.label.as_str()),
                    e.label_de.as_deref(),
                    e.aliases.as_deref(),
                ];
                index.add(SearchEntry::page(&e.label, &e.kind, u.clone()), &words);
            }
        }
        for a in articles {
            if let Some(u) = &a.href {
                let words = [Some(a.title.as_str()), a.publisher.as_deref()];
                index.add(SearchEntry::page(&a.title, "article", u.clone()), &words);
            }
        }
        for d in documents {
            if let Some(u) = &d.href {
                let words = [Some(d.title.as_str()), d.author.as_deref()];
                let kind = d.kind.as_deref().unwrap_or("document");
                index.add(SearchEntry::page(&d.title, kind, u.clone()), &words);
            }
        }
        let mut seen = BTreeSet::new();
        for r in rows.iter() {
            let Some(iri) = rows.iri(r, "claim") else {
                continue;
            };
            let Some(u) = page_path(src.iris, iri) else {
                continue;
            };
            if !seen.insert(iri.to_owned()) {
                continue;
            }
            let statement = rows.str(r, "statement").unwrap_or_default();
            let claimant = rows.str(r, "claimantLabel");
            let quote = rows.str(r, "quote");
            let words = [
                Some(statement.as_str()),
                claimant.as_deref(),
                quote.as_deref(),
            ];
            index.add(
                SearchEntry {
                    t: statement.clone(),
                    k: rows.str(r, "kind").unwrap_or_else(|| "claim".into()),
                    u,
                    q: quote
                        .as_deref()
                        .map(|q| super::text::shorten(q, EXCERPT_CHARS)),
                    l: rows.lang(r, "quote").or_else(|| rows.str(r, "lang")),
                },
                &words,
            );
        }
        Ok(index)
    }

    fn add(&mut self, entry: SearchEntry, texts: &[Option<&str>]) {
        let id = self.entries.len() as u32;
        self.entries.push(entry);
        let mut words: BTreeSet<String> = BTreeSet::new();
        for text in texts.iter().flatten() {
            words.extend(words_of(text));
        }
        for word in words {
            let ids = self
                .shards
                .entry(shard_key(&word))
                .or_default()
                .entry(word)
                .or_default();
            if ids.last() != Some(&id) {
                ids.push(id);
            }
        }
    }

    pub fn entries(&self) -> &[SearchEntry] {
        &self.entries
    }

    /// Every file of the index, as site paths.
    pub fn paths(&self) -> Vec<String> {
        let mut paths = vec!["search/index.js".to_owned()];
        paths.extend(
            self.shards
                .keys()
                .map(|k| format!("search/terms-{}.js", file_key(k))),
        );
        paths.extend(
            (0..self.entries.len().div_ceil(ENTRIES_PER_FILE))
                .map(|n| format!("search/entries-{n}.js")),
        );
        paths
    }

    /// The script at site path `path`, or `None` when the index has no such file.
    pub fn file(&self, path: &str) -> Option<String> {
        let name = path.strip_prefix("search/")?.strip_suffix(".js")?;
        if name == "index" {
            let shards: BTreeMap<&str, String> = self
                .shards
                .keys()
                .map(|k| (k.as_str(), file_key(k)))
                .collect();
            let manifest = serde_json::json!({
                "shards": shards,
                "entries": self.entries.len(),
                "perFile": ENTRIES_PER_FILE,
            });
            return Some(format!(
                "window.CLAIMGRAPH_SEARCH = {};\n",
                script_safe(&manifest)
            ));
        }
        if let Some(key) = name.strip_prefix("terms-") {
            let (shard, words) = self.shards.iter().find(|(k, _)| file_key(k) == key)?;
            return Some(format!(
                "CLAIMGRAPH_SEARCH_LOADED(\"terms\", {}, {});\n",
                script_safe(shard),
                script_safe(words)
            ));
        }
        if let Some(n) = name.strip_prefix("entries-") {
            let n: usize = n.parse().ok()?;
            let block = self.entries.chunks(ENTRIES_PER_FILE).nth(n)?;
            return Some(format!(
                "CLAIMGRAPH_SEARCH_LOADED(\"entries\", {n}, {});\n",
                script_safe(&block)
            ));
        }
        None
    }
}

/// Lower case with accents removed (`Völligen` -> `volligen`): the same folding as `assets/search.js` does to what is typed (`toLowerCase`, NFD,
/// combining marks dropped).
pub fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.to_lowercase()
        .nfd()
        .filter(|c| !('\u{0300}'..='\u{036f}').contains(c))
        .collect()
}

/// The folded words of `text` (runs of letters and digits), two characters or longer.
pub fn words_of(text: &str) -> impl Iterator<Item = String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_owned)
        .collect::<Vec<_>>()
        .into_iter()
}

/// The shard a word belongs to: its first two characters.
fn shard_key(word: &str) -> String {
    word.chars().take(2).collect()
}

/// A shard key as a file name: ASCII letters and digits as they are, anything else as
/// `_` and its code point in hex (`ß` -> `_df`).
fn file_key(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_string()
            } else {
                format!("_{:x}", c as u32)
            }
        })
        .collect()
}

/// JSON that is safe inside a script: `<`, `>` and `&` as escapes.
fn script_safe<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".to_owned())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(t: &str) -> SearchEntry {
        SearchEntry::page(t, "claim", "id/claim/x.html".into())
    }

    #[test]
    fn folding_drops_case_and_accents_like_the_browser() {
        assert_eq!(fold("Völligen UNSINN"), "volligen unsinn");
        assert_eq!(fold("Citroën"), "citroen");
        let words: Vec<String> = words_of("\"völligen Unsinn\" – a, b2").collect();
        assert_eq!(words, ["volligen", "unsinn", "b2"]);
    }

    #[test]
    fn each_word_is_in_the_shard_of_its_first_two_characters() {
        let mut index = SearchIndex::default();
        index.add(entry("one"), &[Some("Alibaba nannte es völligen Unsinn")]);
        index.add(entry("two"), &[Some("Unsinn"), Some("straße")]);
        assert_eq!(index.shards["un"]["unsinn"], vec![0, 1]);
        assert_eq!(index.shards["vo"]["volligen"], vec![0]);
        assert!(index.paths().contains(&"search/terms-un.js".to_owned()));
        assert!(index.paths().contains(&"search/terms-st.js".to_owned()));
        let shard = index.file("search/terms-un.js").unwrap();
        assert!(
            shard.starts_with("CLAIMGRAPH_SEARCH_LOADED(\"terms\", \"un\", "),
            "{shard}"
        );
        assert!(shard.contains("\"unsinn\":[0,1]"), "{shard}");
        assert!(index.file("search/terms-zz.js").is_none());
        assert!(index
            .file("search/entries-0.js")
            .unwrap()
            .contains("\"t\":\"two\""));
        assert!(index.file("search/entries-1.js").is_none());
    }

    #[test]
    fn odd_shard_keys_make_safe_file_names_and_scripts_hold_no_markup() {
        assert_eq!(file_key("ßa"), "_dfa");
        assert_eq!(file_key("日本"), "_65e5_672c");
        let mut index = SearchIndex::default();
        index.add(
            entry("</script><script>alert(1)</script>"),
            &[Some("script")],
        );
        let block = index.file("search/entries-0.js").unwrap();
        assert!(!block.contains('<') && !block.contains('>'), "{block}");
    }
}
