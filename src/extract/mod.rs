//! The extractor: drafts a claim sheet from raw article text, for a person to review.
//!
//! ```text
//! bytes --UTF-8--> text --sentences--> sentences --dictionary--> entity mentions
//!                                           \--rules--> draft (claims, documents, responses, relations)
//!                                                           \--sheet_writer--> claim sheet TOML
//! ```
//!
//! [`Extractor::draft_bytes`] is the entry point; [`Extractor::sheet`] writes the sheet
//! that `claimgraph import` reads unchanged. The extractor never touches the store:
//! its dictionary is built by the caller ([`dictionary::Dictionary::from_store`] or
//! from reference sheets) and its rules are data files ([`rules`]). [`score`]
//! measures a draft against a hand-made sheet.

pub mod dictionary;
pub mod draft;
pub mod rules;
pub mod score;
pub mod sentences;
pub mod sheet_writer;
pub mod text;

pub use dictionary::Dictionary;
pub use draft::{ArticleInfo, Draft};
pub use rules::Rules;

/// Why an article could not be drafted at all.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("the article is not UTF-8 text (invalid byte at offset {offset}); convert it to UTF-8 first")]
    NotUtf8 { offset: usize },
    #[error("the article text is empty")]
    Empty,
    #[error("the article id '{0}' is not a slug: use lowercase letters, digits and inner hyphens (pass --id)")]
    BadId(String),
    #[error("--date {value}: {message}")]
    BadDate { value: String, message: String },
    #[error(transparent)]
    Rules(#[from] rules::RulesError),
}

/// A dictionary and rules, ready to draft any number of articles.
#[derive(Debug, Clone)]
pub struct Extractor {
    pub dictionary: Dictionary,
    pub rules: Rules,
    /// Ids of the reference entities (`data/entities.toml`): a draft may refer to these
    /// without defining them; any other known entity it uses, it carries.
    reference: std::collections::HashSet<String>,
}

impl Extractor {
    pub fn new(dictionary: Dictionary, rules: Rules) -> Self {
        let reference = Dictionary::bundled()
            .entries()
            .iter()
            .map(|e| e.id.clone())
            .collect();
        Extractor {
            dictionary,
            rules,
            reference,
        }
    }

    /// Drafts the claims of an article given as raw bytes.
    pub fn draft_bytes(
        &self,
        bytes: &[u8],
        info: ArticleInfo,
    ) -> Result<(String, Draft), ExtractError> {
        let text = std::str::from_utf8(bytes).map_err(|e| ExtractError::NotUtf8 {
            offset: e.valid_up_to(),
        })?;
        // A byte-order mark is not part of the text.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let draft = self.draft(text, info)?;
        Ok((text.to_owned(), draft))
    }

    /// Drafts the claims of an article's text.
    pub fn draft(&self, text: &str, mut info: ArticleInfo) -> Result<Draft, ExtractError> {
        if text.trim().is_empty() {
            return Err(ExtractError::Empty);
        }
        if !crate::model::sheet::is_slug(&info.id) {
            return Err(ExtractError::BadId(info.id));
        }
        if let Some(d) = &info.date {
            crate::model::sheet::PartialDate::parse(d).map_err(|e| ExtractError::BadDate {
                value: d.clone(),
                message: e.to_string(),
            })?;
        }
        let rules = self.rules.language(&info.language)?;
        info.language = info.language.to_ascii_lowercase();
        // A publisher given by name rather than by a known id becomes a proposed entity.
        let mut proposed_publisher = None;
        if let Some(p) = info.publisher.clone() {
            if self.dictionary.entry(&p).is_none() {
                let id = draft::slug(&p);
                if self.dictionary.entry(&id).is_none() {
                    proposed_publisher = Some(draft::Candidate {
                        id: id.clone(),
                        label: p.clone(),
                        kind: crate::model::sheet::EntityKind::Organization,
                        confidence: 0.5,
                        reason: "--publisher, not a known entity".into(),
                        used: true,
                        carried: false,
                    });
                }
                info.publisher = Some(id).filter(|s| !s.is_empty());
            }
        }
        let mut d = draft::draft(text, info, &self.dictionary, rules);
        if let Some(c) = proposed_publisher {
            d.candidates.retain(|x| x.id != c.id);
            d.candidates.insert(0, c);
        }
        self.carry_sheet_entities(&mut d);
        Ok(d)
    }

    /// Defines in the draft every entity it uses that only an article sheet defined (the
    /// store's, or `--entities`): the draft never depends on another article's sheet.
    fn carry_sheet_entities(&self, d: &mut Draft) {
        let mut used = d.entity_ids();
        used.extend(d.article.publisher.iter().cloned());
        for id in used {
            if self.reference.contains(&id) || d.candidates.iter().any(|c| c.id == id) {
                continue;
            }
            if let Some(e) = self.dictionary.entry(&id) {
                d.candidates.push(draft::Candidate {
                    id: e.id.clone(),
                    label: e.label.clone(),
                    kind: e.kind,
                    confidence: 1.0,
                    reason: "a known entity that only an article sheet defines".into(),
                    used: true,
                    carried: true,
                });
            }
        }
    }

    /// The draft as a claim sheet.
    pub fn sheet(&self, draft: &Draft, text: &str, source: sheet_writer::TextSource<'_>) -> String {
        sheet_writer::write_sheet(draft, text, source)
    }
}

/// An article id from a file name: "Alibaba PLA memo.txt" -> "alibaba-pla-memo".
pub fn id_from_path(path: &std::path::Path) -> String {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("article");
    let s = draft::slug(stem);
    if s.is_empty() {
        "article".into()
    } else {
        s
    }
}

/// German or English, by counting a few frequent function words.
pub fn guess_language(text: &str) -> &'static str {
    const DE: [&str; 10] = [
        "der", "die", "das", "und", "nicht", "mit", "ist", "den", "von", "sich",
    ];
    const EN: [&str; 10] = [
        "the", "and", "of", "to", "is", "that", "with", "was", "for", "said",
    ];
    let (mut de, mut en) = (0usize, 0usize);
    for w in text.split(|c: char| !c.is_alphabetic()).take(5_000) {
        let w = w.to_lowercase();
        de += DE.contains(&w.as_str()) as usize;
        en += EN.contains(&w.as_str()) as usize;
    }
    if en > de {
        "en"
    } else {
        "de"
    }
}
