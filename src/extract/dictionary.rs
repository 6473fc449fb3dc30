//! The entity gazetteer: every label and alias of the known entities, matched in one
//! pass over a text's words.
//!
//! [`Dictionary::from_sheets`] (reference sheets such as `data/entities.toml`) and
//! [`Dictionary::from_store`] (the entities already imported) build it; [`Dictionary::find`]
//! returns the longest, leftmost, non-overlapping [`Mention`]s. Names are cut into
//! words by [`super::text::tokens`] and kept in a word trie, so matching costs a few
//! hash look-ups per word however many entities there are. A word matches a name's
//! word in any case (except acronyms, "US" is not "us") and with German or English
//! inflection endings ("Googles", "des US-Handelsministeriums", "chinesischen";
//! "Alibaba's" splits into `alibaba` `s`), so hyphenated compounds ("Huawei-Chef")
//! match their first part.

use super::text::{tokens, Token, WordMap};
use crate::model::sheet::{EntityDef, EntityKind, Sheet};
use crate::store::GraphStore;

/// Endings a word may add to a name's word: German case endings, English plural/genitive.
const ENDINGS: [&str; 6] = ["s", "es", "n", "en", "e", "er"];
/// Shorter name words never take endings ("US" + "e" is not a name).
const MIN_INFLECTED: usize = 4;
/// Leading articles dropped from names, so "das Weiße Haus" is stored as "Weiße Haus".
const ARTICLES: [&str; 10] = [
    "der", "die", "das", "des", "dem", "den", "the", "ein", "eine", "a",
];

/// An entity the dictionary knows.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub kind: EntityKind,
    pub label: String,
    /// Entity id of its country.
    pub country: Option<String>,
    /// Entity id of the body it belongs to.
    pub part_of: Option<String>,
}

/// One occurrence of a known entity in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Index into [`Dictionary::entries`].
    pub entry: usize,
    /// Byte span in the text.
    pub span: std::ops::Range<usize>,
    /// Index of its first and one past its last word in the token list it was found in.
    pub words: std::ops::Range<usize>,
}

#[derive(Debug, Default, Clone)]
struct Node {
    /// Keyed by the lower-cased word.
    children: WordMap<usize>,
    /// Acronyms and very short words, keyed as written ("US" is not "us").
    exact: WordMap<usize>,
    entry: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Dictionary {
    entries: Vec<Entry>,
    by_id: WordMap<usize>,
    nodes: Vec<Node>,
}

/// Failure to read the entities from the store.
#[derive(Debug, thiserror::Error)]
pub enum DictionaryError {
    #[error(transparent)]
    Query(#[from] crate::read::catalog::CatalogError),
}

impl Default for Dictionary {
    fn default() -> Self {
        Dictionary {
            entries: Vec::new(),
            by_id: WordMap::default(),
            nodes: vec![Node::default()],
        }
    }
}

/// The reference entities shipped with the source (`data/entities.toml`), used when the
/// store holds none.
pub const BUNDLED_ENTITIES: &str = include_str!("../../data/entities.toml");

impl Dictionary {
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    /// Adds an entity under its names; an id already known gets the new names too.
    pub fn add(
        &mut self,
        id: &str,
        kind: EntityKind,
        label: &str,
        names: impl IntoIterator<Item = impl AsRef<str>>,
    ) {
        let index = match self.by_id.get(id) {
            Some(&i) => i,
            None => {
                self.entries.push(Entry {
                    id: id.to_owned(),
                    kind,
                    label: label.to_owned(),
                    country: None,
                    part_of: None,
                });
                self.by_id.insert(id.to_owned(), self.entries.len() - 1);
                self.entries.len() - 1
            }
        };
        for name in names {
            self.insert_name(name.as_ref(), index);
        }
    }

    fn insert_name(&mut self, name: &str, entry: usize) {
        let mut words = tokens(name);
        if words.len() > 1 && ARTICLES.contains(&words[0].lower.as_str()) {
            words.remove(0);
        }
        if words.is_empty() {
            return;
        }
        let mut node = 0;
        for w in &words {
            let (key, exact) = key_of(w, name);
            let existing = if exact {
                self.nodes[node].exact.get(&key)
            } else {
                self.nodes[node].children.get(&key)
            };
            node = match existing {
                Some(&n) => n,
                None => {
                    self.nodes.push(Node::default());
                    let n = self.nodes.len() - 1;
                    let map = if exact {
                        &mut self.nodes[node].exact
                    } else {
                        &mut self.nodes[node].children
                    };
                    map.insert(key, n);
                    n
                }
            };
        }
        // The first entity to claim a name keeps it; later ones are aliases clashing with it.
        self.nodes[node].entry.get_or_insert(entry);
    }

    /// Entities from sheets (reference sheets and the `[[entity]]` tables of article sheets).
    pub fn from_sheets<'a>(sheets: impl IntoIterator<Item = &'a Sheet>) -> Dictionary {
        let mut d = Dictionary::default();
        for s in sheets {
            d.add_sheet(s);
        }
        d
    }

    pub fn add_sheet(&mut self, sheet: &Sheet) {
        for e in &sheet.entity {
            self.add_def(e);
        }
    }

    fn add_def(&mut self, e: &EntityDef) {
        let names = [e.label_en.as_str(), e.label_de.as_str()]
            .into_iter()
            .chain(e.aliases.iter().map(String::as_str));
        self.add(e.id.get_ref(), e.kind, &e.label_en, names);
        self.set_relations(
            e.id.get_ref(),
            e.country.as_ref().map(|c| c.get_ref().clone()),
            e.part_of.as_ref().map(|p| p.get_ref().clone()),
        );
    }

    fn set_relations(&mut self, id: &str, country: Option<String>, part_of: Option<String>) {
        if let Some(e) = self.by_id.get(id).map(|&i| &mut self.entries[i]) {
            e.country = country.or(e.country.take());
            e.part_of = part_of.or(e.part_of.take());
        }
    }

    /// The government of a country: a government entity of that country that is part of
    /// nothing else. "China dementierte" is said by China's government.
    pub fn government_of(&self, country: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| {
            e.kind == EntityKind::Government
                && e.country.as_deref() == Some(country)
                && e.part_of.is_none()
        })
    }

    /// The bundled reference entities (`data/entities.toml` at build time).
    pub fn bundled() -> Dictionary {
        let sheet = Sheet::parse(
            std::path::Path::new("data/entities.toml"),
            BUNDLED_ENTITIES.to_owned(),
        )
        .expect("the bundled entities parse (checked by a test)");
        Dictionary::from_sheets([&sheet])
    }

    /// The entities in the store, with their labels and aliases (saved query
    /// `extract-dictionary`).
    pub fn from_store(store: &GraphStore) -> Result<Dictionary, DictionaryError> {
        let catalog = crate::read::catalog::Catalog::bundled();
        let query = catalog.get("extract-dictionary")?;
        let outcome = crate::read::catalog::run_saved(
            store,
            query,
            &[],
            crate::read::catalog::Limits::default(),
        )?;
        let mut d = Dictionary::default();
        if let crate::read::catalog::Outcome::Table(table) = outcome {
            let (Some(ci), Some(ck), Some(cl), Some(cn)) = (
                table.column("id"),
                table.column("kind"),
                table.column("label"),
                table.column("name"),
            ) else {
                return Ok(d);
            };
            for row in &table.rows {
                let value = |i: usize| crate::store::literal_value(&row[i]);
                let (Some(id), Some(kind), Some(name)) = (
                    value(ci),
                    value(ck).and_then(|k| EntityKind::from_str(&k)),
                    value(cn),
                ) else {
                    continue;
                };
                let label = value(cl).unwrap_or_else(|| id.clone());
                d.add(&id, kind, &label, [name]);
                let column = |name: &str| table.column(name).and_then(value);
                d.set_relations(&id, column("country"), column("partOf"));
            }
        }
        Ok(d)
    }

    /// The known entities in `words` (cut from `text`): longest match first, left to right.
    pub fn find(&self, text: &str, words: &[Token]) -> Vec<Mention> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let mut best: Option<(usize, usize)> = None; // (end word, entry)
            self.walk(0, text, words, i, &mut best);
            match best {
                Some((end, entry)) => {
                    out.push(Mention {
                        entry,
                        span: words[i].span.start..words[end - 1].span.end,
                        words: i..end,
                    });
                    i = end;
                }
                None => i += 1,
            }
        }
        out
    }

    fn walk(
        &self,
        node: usize,
        text: &str,
        words: &[Token],
        at: usize,
        best: &mut Option<(usize, usize)>,
    ) {
        if let Some(e) = self.nodes[node].entry {
            if at > 0 && best.is_none_or(|(end, _)| at > end) {
                *best = Some((at, e));
            }
        }
        let Some(w) = words.get(at) else { return };
        // Words of one name must be adjacent in the text: at most a space, hyphen,
        // apostrophe, dot or "&" between them.
        if node != 0 {
            let gap = &text[words[at - 1].span.end..w.span.start];
            if gap.chars().count() > 2
                || gap
                    .chars()
                    .any(|c| !matches!(c, ' ' | '-' | '\'' | '’' | '.' | '&' | ','))
            {
                return;
            }
        }
        let children = &self.nodes[node].children;
        if let Some(&n) = self.nodes[node].exact.get(w.text(text)) {
            self.walk(n, text, words, at + 1, best);
        }
        if let Some(&n) = children.get(&w.lower) {
            self.walk(n, text, words, at + 1, best);
        }
        for ending in ENDINGS {
            if let Some(stem) = w.lower.strip_suffix(ending) {
                if stem.chars().count() >= MIN_INFLECTED {
                    if let Some(&n) = children.get(stem) {
                        self.walk(n, text, words, at + 1, best);
                    }
                }
            }
        }
    }
}

/// The trie key of a name's word, and whether it must match as written (acronyms and
/// very short words) rather than in any case.
fn key_of(w: &Token, name: &str) -> (String, bool) {
    let written = w.text(name);
    let upper = written.chars().filter(|c| c.is_uppercase()).count();
    let lower = written.chars().filter(|c| c.is_lowercase()).count();
    if (upper >= 2 && lower == 0) || (written.chars().count() <= 2 && upper >= 1) {
        (written.to_owned(), true)
    } else {
        (w.lower.clone(), false)
    }
}
