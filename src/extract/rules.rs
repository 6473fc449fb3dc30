//! The extraction rules: one readable TOML file per language (`rules/de.toml`,
//! `rules/en.toml`), compiled in and replaceable at run time with `--rules DIR`.
//!
//! [`Rules::bundled`] and [`Rules::load_dir`] are the entry points; [`Pattern`] is the
//! small word-pattern language the files use (`"wies ... zurück | dementierte*"`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::text::{tokens, Token, WordHasher, WordMap, WordSet};
use crate::model::sheet::{ClaimKind, DocumentKind};

/// A rule file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {field}: {message}")]
    Invalid {
        path: PathBuf,
        field: String,
        message: String,
    },
    #[error("no rules for language '{0}' (rules exist for: de, en)")]
    UnknownLanguage(String),
}

/// How many words "..." may skip.
const MAX_GAP: usize = 12;

/// One element of a pattern alternative.
#[derive(Debug, Clone)]
enum Word {
    Exact(String),
    Prefix(String),
    Gap,
}

/// A compiled word pattern: alternatives of word sequences, indexed by their first
/// word so that matching a sentence costs one hash look-up per word.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub source: String,
    alternatives: Vec<Vec<Word>>,
    /// Alternatives whose first word is exact, by that word.
    by_first: WordMap<Vec<usize>>,
    /// Alternatives whose first word is a prefix shorter than three bytes.
    by_prefix: Vec<(String, usize)>,
    /// Alternatives whose first word is a longer prefix, by its first three bytes.
    by_prefix3: PrefixMap,
    /// The [`FirstBytes`] of every word an alternative can start with: most words of a
    /// sentence start no alternative, and this tells so without hashing the word or
    /// comparing it with every prefix (the bulk of extraction time before).
    first: FirstBytes,
}

/// Prefixes (and the alternatives they start) by their first three bytes.
type PrefixMap = HashMap<[u8; 3], Vec<(String, usize)>, std::hash::BuildHasherDefault<WordHasher>>;

fn first_three(word: &str) -> Option<[u8; 3]> {
    word.as_bytes().get(..3).map(|b| [b[0], b[1], b[2]])
}

/// The words an alternative can start with, by their first bytes, hashed into bit sets: a
/// word found in neither starts no alternative. Words and prefixes of three bytes or more
/// are keyed by their first three bytes, shorter ones (and every word, for a two-byte
/// prefix) by their first two; a prefix shorter than that lets every word through.
#[derive(Debug, Clone, Default)]
struct FirstBytes {
    short: [u64; 4],
    long: [u64; 8],
    any: bool,
}

impl FirstBytes {
    fn key(bytes: &[u8]) -> usize {
        bytes.iter().fold(0x811c_9dc5_u32, |h, &b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        }) as usize
    }

    fn set(bits: &mut [u64], key: usize) {
        let key = key % (bits.len() * 64);
        bits[key / 64] |= 1 << (key % 64);
    }

    fn has(bits: &[u64], key: usize) -> bool {
        let key = key % (bits.len() * 64);
        bits[key / 64] & (1 << (key % 64)) != 0
    }

    fn insert(&mut self, word: &str, prefix: bool) {
        let b = word.as_bytes();
        match b.len() {
            n if n >= 3 => Self::set(&mut self.long, Self::key(&b[..3])),
            2 => Self::set(&mut self.short, Self::key(b)),
            _ if prefix => self.any = true,
            _ => Self::set(&mut self.short, Self::key(b)),
        }
    }

    fn may_start(&self, word: &str) -> bool {
        let b = word.as_bytes();
        self.any
            || Self::has(&self.short, Self::key(&b[..b.len().min(2)]))
            || (b.len() >= 3 && Self::has(&self.long, Self::key(&b[..3])))
    }
}

impl Pattern {
    pub fn parse(source: &str) -> Result<Pattern, String> {
        let mut alternatives = Vec::new();
        for alt in source.split('|') {
            let mut words = Vec::new();
            for raw in alt.split_whitespace() {
                if raw == "..." {
                    if words.is_empty() {
                        return Err(format!("'{alt}': a pattern cannot start with '...'"));
                    }
                    words.push(Word::Gap);
                    continue;
                }
                let star = raw.ends_with('*');
                let pieces = tokens(raw.trim_end_matches('*'));
                let n = pieces.len();
                for (i, p) in pieces.into_iter().enumerate() {
                    words.push(if star && i + 1 == n {
                        Word::Prefix(p.lower)
                    } else {
                        Word::Exact(p.lower)
                    });
                }
            }
            if matches!(words.last(), Some(Word::Gap)) {
                return Err(format!("'{alt}': a pattern cannot end with '...'"));
            }
            if words.is_empty() {
                return Err(format!("'{source}' has an empty alternative"));
            }
            alternatives.push(words);
        }
        Ok(Pattern::from_alternatives(source.to_owned(), alternatives))
    }

    /// A pattern of the given alternatives, indexed.
    fn from_alternatives(source: String, alternatives: Vec<Vec<Word>>) -> Pattern {
        let mut by_first: WordMap<Vec<usize>> = WordMap::default();
        let mut by_prefix = Vec::new();
        let mut by_prefix3: PrefixMap = PrefixMap::default();
        let mut first = FirstBytes::default();
        for (i, alt) in alternatives.iter().enumerate() {
            match &alt[0] {
                Word::Exact(w) => {
                    first.insert(w, false);
                    by_first.entry(w.clone()).or_default().push(i)
                }
                Word::Prefix(p) => {
                    first.insert(p, true);
                    match first_three(p) {
                        Some(key) => by_prefix3.entry(key).or_default().push((p.clone(), i)),
                        None => by_prefix.push((p.clone(), i)),
                    }
                }
                Word::Gap => unreachable!("checked by parse: no alternative starts with a gap"),
            }
        }
        Pattern {
            source,
            alternatives,
            by_first,
            by_prefix,
            by_prefix3,
            first,
        }
    }

    /// One pattern with the alternatives of all `patterns`: it matches a sentence exactly
    /// when one of them does, so one pass over the words tells whether any can.
    pub fn union<'p>(patterns: impl IntoIterator<Item = &'p Pattern>) -> Pattern {
        let patterns: Vec<&Pattern> = patterns.into_iter().collect();
        let source = patterns
            .iter()
            .map(|p| p.source.as_str())
            .collect::<Vec<_>>()
            .join(" | ");
        let alternatives = patterns
            .iter()
            .flat_map(|p| p.alternatives.iter().cloned())
            .collect();
        Pattern::from_alternatives(source, alternatives)
    }

    /// The alternatives that can start at word `w`: those whose first word it is, or starts with.
    fn starting_with<'p>(&'p self, w: &'p Token) -> impl Iterator<Item = usize> + 'p {
        let possible = self.first.may_start(&w.lower);
        let exact = possible
            .then(|| self.by_first.get(&w.lower))
            .flatten()
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let prefixes = if possible { &self.by_prefix[..] } else { &[] };
        let long_prefixes = possible
            .then(|| first_three(&w.lower).and_then(|k| self.by_prefix3.get(&k)))
            .flatten()
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let prefixed = prefixes
            .iter()
            .chain(long_prefixes)
            .filter(|(p, _)| w.lower.starts_with(p.as_str()))
            .map(|(_, i)| *i);
        exact.iter().copied().chain(prefixed)
    }

    /// Whether a match starts at word `pos` (one hash look-up, not a scan of the sentence).
    pub fn starts_at(&self, words: &[Token], pos: usize) -> bool {
        words.get(pos).is_some_and(|w| {
            self.starting_with(w)
                .any(|i| match_at(&self.alternatives[i], words, pos).is_some())
        })
    }

    /// The first match in `words` (earliest start; the first alternative on a tie): the
    /// index of its first and last word.
    pub fn find(&self, words: &[Token]) -> Option<(usize, usize)> {
        self.find_where(words, |_| true)
    }

    /// The first match whose first word `may_start` allows (a cue inside a quotation is
    /// the quoted speaker's words, not the article's report of them).
    pub fn find_where(
        &self,
        words: &[Token],
        may_start: impl Fn(usize) -> bool,
    ) -> Option<(usize, usize)> {
        for (pos, w) in words.iter().enumerate() {
            if !may_start(pos) {
                continue;
            }
            let mut best: Option<(usize, usize)> = None; // (alternative, last word)
            for i in self.starting_with(w) {
                if best.is_none_or(|(b, _)| i < b) {
                    if let Some(end) = match_at(&self.alternatives[i], words, pos) {
                        best = Some((i, end));
                    }
                }
            }
            if let Some((_, end)) = best {
                return Some((pos, end));
            }
        }
        None
    }
}

fn word_matches(w: &Word, t: &Token) -> bool {
    match w {
        Word::Exact(s) => &t.lower == s,
        Word::Prefix(s) => t.lower.starts_with(s.as_str()),
        Word::Gap => true,
    }
}

/// Matches `alt` starting exactly at `pos`; returns the last word's index.
fn match_at(alt: &[Word], words: &[Token], pos: usize) -> Option<usize> {
    let (first, rest) = alt.split_first()?;
    match first {
        Word::Gap => {
            for skip in 0..=MAX_GAP {
                if pos + skip >= words.len() {
                    break;
                }
                if let Some(end) = match_at(rest, words, pos + skip) {
                    return Some(end);
                }
            }
            None
        }
        w => {
            let t = words.get(pos)?;
            if !word_matches(w, t) {
                return None;
            }
            if rest.is_empty() {
                Some(pos)
            } else {
                match_at(rest, words, pos + 1)
            }
        }
    }
}

/// Where a claim's claimant is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimantSide {
    /// The reporting subject: the entity before the cue (or just after a sentence-initial verb).
    Subject,
    /// The entity after the cue ("laut FT", "according to Reuters").
    After,
    /// Whoever the neighbouring sentences attribute.
    Context,
    /// The entity inside the cue: "X quotes Y as saying" is Y's claim, X's report relays it.
    Inner,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProviderSide {
    Before,
    After,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    language: String,
    #[serde(default)]
    abbreviations: Vec<String>,
    #[serde(default)]
    months: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    anaphora: HashMap<String, String>,
    #[serde(default)]
    document: Vec<RawDocument>,
    #[serde(default)]
    response: Vec<RawClaimRule>,
    #[serde(default)]
    claim: Vec<RawClaimRule>,
    #[serde(default)]
    attribution: Vec<RawPattern>,
    #[serde(default)]
    kind: Vec<RawKind>,
    #[serde(default)]
    service: Vec<RawService>,
    #[serde(default)]
    service_verb: Vec<RawServiceVerb>,
    #[serde(default)]
    listing: Vec<RawPattern>,
    #[serde(default)]
    candidate: CandidateWords,
    #[serde(default)]
    bylines: Vec<String>,
    #[serde(default)]
    min_confidence: f64,
    #[serde(default)]
    pronouns: Vec<String>,
    #[serde(default)]
    contrasts: Vec<String>,
    #[serde(default)]
    agent_words: Vec<String>,
    #[serde(default)]
    source_nouns: Vec<String>,
    #[serde(default)]
    negations: Vec<String>,
    #[serde(default)]
    question_labels: Vec<String>,
    #[serde(default)]
    conditions: Vec<String>,
    #[serde(default)]
    denied_objects: Vec<String>,
    #[serde(default)]
    country_offices: Vec<String>,
    #[serde(default)]
    statement_intro: Option<String>,
    #[serde(default)]
    courtesy: Option<String>,
    #[serde(default)]
    accusations: Option<String>,
}

/// Words that tell the kind of a proposed new entity.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateWords {
    #[serde(default)]
    pub company_words: WordSet,
    #[serde(default)]
    pub government_words: WordSet,
    #[serde(default)]
    pub person_titles: WordSet,
    /// Endings of common nouns: a capitalised run ending so is not proposed (German).
    #[serde(default)]
    pub noun_endings: Vec<String>,
    /// Words of job titles that are not person titles of address ("transport", "foreign"
    /// in "Transport Minister"): the name follows the last of them.
    #[serde(default)]
    pub title_words: WordSet,
    /// Endings of compound job titles ("Bundesinnenminister", "Parteivorsitzende"): a word
    /// ending so is a person title.
    #[serde(default)]
    pub title_endings: Vec<String>,
    /// Capitalised words that never make a name on their own ("Chinese", "American").
    #[serde(default)]
    pub demonyms: WordSet,
    /// Endings of single capitalised words that are adjectives of origin ("-ese", "-ian").
    #[serde(default)]
    pub demonym_endings: Vec<String>,
    /// Phrases of page furniture ("key points", "read more"), compared in lower case.
    #[serde(default)]
    pub furniture: Vec<String>,
    /// Stock exchanges: the capitalised word after one is a ticker ("NYSE: BABA").
    #[serde(default)]
    pub exchanges: WordSet,
    /// Words that open sentences and are no part of a name ("then", "are").
    #[serde(default)]
    pub sentence_starters: WordSet,
    /// Lower-case words inside names ("da" in "Lula da Silva", "van der").
    #[serde(default)]
    pub name_particles: WordSet,
    /// Common nouns that stand before a name without being part of it (German capitalises
    /// them: "die drei Parteien Občanská ...", "der Sender Arte").
    #[serde(default)]
    pub class_nouns: WordSet,
    /// Lower-case words after a name that make it the name of a law or treaty, no actor
    /// ("the CAN-SPAM act").
    #[serde(default)]
    pub instrument_words: WordSet,
    /// Lower-case words after a hyphen that end a name instead of going on with it
    /// ("Moscow-based", "Kremlin-backed"); a lower-case part otherwise belongs to it
    /// ("Roh Moo-hyun").
    #[serde(default)]
    pub compound_suffixes: WordSet,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    pattern: String,
    kind: DocumentKind,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaimRule {
    rule: String,
    pattern: String,
    kind: ClaimKind,
    claimant: Option<ClaimantSide>,
    confidence: f64,
    document: Option<DocumentKind>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPattern {
    pattern: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    pattern: String,
    kind: ClaimKind,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    pattern: String,
    predicate: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServiceVerb {
    pattern: String,
    provider: ProviderSide,
}

/// A rule that makes a claim (or a response) of a kind.
#[derive(Debug, Clone)]
pub struct ClaimRule {
    pub rule: String,
    pub pattern: Pattern,
    pub kind: ClaimKind,
    pub claimant: ClaimantSide,
    pub confidence: f64,
    /// The claimant's own document the cue names ("X reported": X's news report).
    pub document: Option<DocumentKind>,
}

/// What an anaphor ("das Unternehmen") refers back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Referent {
    Kind(crate::model::sheet::EntityKind),
    Document,
}

/// The compiled rules of one language.
#[derive(Debug, Clone)]
pub struct LanguageRules {
    pub language: String,
    pub abbreviations: WordSet,
    pub months: WordSet,
    pub stopwords: WordSet,
    pub anaphora: Vec<(Pattern, Referent)>,
    pub documents: Vec<(Pattern, DocumentKind)>,
    pub responses: Vec<ClaimRule>,
    pub claims: Vec<ClaimRule>,
    pub attributions: Vec<Pattern>,
    pub kinds: Vec<(Pattern, ClaimKind)>,
    pub services: Vec<(Pattern, String)>,
    pub service_verbs: Vec<(Pattern, ProviderSide)>,
    pub listings: Vec<Pattern>,
    pub candidate: CandidateWords,
    /// How bylines start ("reported by"): such a sentence is never a claim.
    pub bylines: Vec<String>,
    /// Transcript speaker labels of questioners ("question", "q").
    pub question_labels: WordSet,
    /// Personal pronouns: "He said" is said by whoever was quoted before.
    pub pronouns: WordSet,
    /// Words opening a contrasting clause after a comma ("but"): a claim before, an answer after.
    pub contrasts: WordSet,
    /// Words introducing the agent of a passive act ("by").
    pub agent_words: WordSet,
    /// Nouns of unnamed sources ("officials", "sources"): a claim they make has no claimant to draft.
    pub source_nouns: WordSet,
    /// Negations: a response cue right after one ("did not deny") is no response.
    pub negations: WordSet,
    /// Words of a condition ("if", "im Falle"): an announced act on a condition is a threat.
    pub conditions: WordSet,
    /// Claims drafted with a lower confidence are left out: on the development half they
    /// were wrong as often as right, and a wrong draft costs a reviewer more than a missed one.
    pub min_confidence: f64,
    /// What is refused rather than denied: "deny interview requests", "denied the motion".
    pub denied_objects: WordSet,
    /// Offices a country's name may qualify ("the U.S. embassy", "Zimbabwe's police"): the
    /// office speaks there, not the country's government.
    pub country_offices: WordSet,
    /// An introduction announcing a statement printed after it ("Nachfolgend
    /// veröffentlichen wir die Erklärung von X"): the sentences after it are X's.
    pub statement_intro: Option<Pattern>,
    /// Thanks, greetings and feelings in such a statement: no claim.
    pub courtesy: Option<Pattern>,
    /// Words of wrongdoing ("terrorist", "plot", "a lie"): a statement reported with a
    /// plain reporting verb that carries one accuses someone, and is an allegation.
    pub accusations: Option<Pattern>,
    /// Every claim rule's pattern in one: a sentence it does not match has no reporting
    /// cue, found with one pass over its words instead of one per rule.
    pub claim_cues: Pattern,
    /// The same for the response rules.
    pub response_cues: Pattern,
    /// The same for the anaphora.
    pub anaphora_cues: Pattern,
}

/// The rules of every language.
#[derive(Debug, Clone)]
pub struct Rules {
    languages: Vec<LanguageRules>,
}

const BUNDLED: [(&str, &str); 2] = [
    ("de.toml", include_str!("rules/de.toml")),
    ("en.toml", include_str!("rules/en.toml")),
];

impl Rules {
    /// The rules compiled into the binary.
    pub fn bundled() -> Rules {
        let languages = BUNDLED
            .iter()
            .map(|(name, text)| {
                LanguageRules::parse(Path::new(name), text)
                    .expect("bundled rules are checked by a test")
            })
            .collect();
        Rules { languages }
    }

    /// Every `*.toml` in `dir`, replacing the bundled rules of the same language.
    pub fn load_dir(dir: &Path) -> Result<Rules, RulesError> {
        let mut rules = Rules::bundled();
        let entries = std::fs::read_dir(dir).map_err(|source| RulesError::Io {
            path: dir.to_owned(),
            source,
        })?;
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        {
            let text = std::fs::read_to_string(&path).map_err(|source| RulesError::Io {
                path: path.clone(),
                source,
            })?;
            let lang = LanguageRules::parse(&path, &text)?;
            rules.languages.retain(|l| l.language != lang.language);
            rules.languages.push(lang);
        }
        Ok(rules)
    }

    pub fn language(&self, tag: &str) -> Result<&LanguageRules, RulesError> {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or(tag)
            .to_ascii_lowercase();
        self.languages
            .iter()
            .find(|l| l.language == primary)
            .ok_or(RulesError::UnknownLanguage(tag.to_owned()))
    }
}

impl LanguageRules {
    pub fn parse(path: &Path, text: &str) -> Result<LanguageRules, RulesError> {
        let raw: RawRules = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| crate::model::sheet::line_col(text, s.start))
                .unwrap_or((1, 1));
            RulesError::Syntax {
                path: path.to_owned(),
                line,
                column,
                message: e.message().trim().to_owned(),
            }
        })?;
        let pat = |field: &str, source: &str| {
            Pattern::parse(source).map_err(|message| RulesError::Invalid {
                path: path.to_owned(),
                field: field.to_owned(),
                message,
            })
        };
        let lower = |v: Vec<String>| v.into_iter().map(|s| s.to_lowercase()).collect::<WordSet>();
        let mut anaphora = Vec::new();
        let mut phrases: Vec<_> = raw.anaphora.into_iter().collect();
        phrases.sort();
        for (phrase, target) in phrases {
            let referent = if target == "document" {
                Referent::Document
            } else {
                Referent::Kind(
                    crate::model::sheet::EntityKind::from_str(&target).ok_or_else(|| {
                        RulesError::Invalid {
                            path: path.to_owned(),
                            field: format!("anaphora.\"{phrase}\""),
                            message: format!("'{target}' is not an entity kind or \"document\""),
                        }
                    })?,
                )
            };
            anaphora.push((pat("anaphora", &phrase)?, referent));
        }
        let claim_rules =
            |list: Vec<RawClaimRule>, field: &str| -> Result<Vec<ClaimRule>, RulesError> {
                list.into_iter()
                    .map(|r| {
                        if !(0.0..=1.0).contains(&r.confidence) {
                            return Err(RulesError::Invalid {
                                path: path.to_owned(),
                                field: format!("{field} {}", r.rule),
                                message: "confidence must be between 0 and 1".into(),
                            });
                        }
                        Ok(ClaimRule {
                            pattern: pat(&format!("{field} {}", r.rule), &r.pattern)?,
                            rule: r.rule,
                            kind: r.kind,
                            claimant: r.claimant.unwrap_or(ClaimantSide::Subject),
                            confidence: r.confidence,
                            document: r.document,
                        })
                    })
                    .collect()
            };
        if !(0.0..=1.0).contains(&raw.min_confidence) {
            return Err(RulesError::Invalid {
                path: path.to_owned(),
                field: "min_confidence".into(),
                message: "must be between 0 and 1".into(),
            });
        }
        let known_properties = crate::model::ontology::properties();
        let mut services = Vec::new();
        for s in raw.service {
            if !known_properties
                .keys()
                .any(|iri| iri.rsplit(['#', '/']).next() == Some(s.predicate.as_str()))
            {
                return Err(RulesError::Invalid {
                    path: path.to_owned(),
                    field: "service.predicate".into(),
                    message: format!("'{}' is not a property of the ontology", s.predicate),
                });
            }
            services.push((pat("service", &s.pattern)?, s.predicate));
        }
        let mut rules = LanguageRules {
            language: raw.language.to_ascii_lowercase(),
            abbreviations: lower(raw.abbreviations),
            months: lower(raw.months),
            stopwords: lower(raw.stopwords),
            anaphora,
            documents: raw
                .document
                .into_iter()
                .map(|d| Ok((pat("document", &d.pattern)?, d.kind)))
                .collect::<Result<_, RulesError>>()?,
            responses: claim_rules(raw.response, "response")?,
            claims: claim_rules(raw.claim, "claim")?,
            attributions: raw
                .attribution
                .into_iter()
                .map(|a| pat("attribution", &a.pattern))
                .collect::<Result<_, _>>()?,
            kinds: raw
                .kind
                .into_iter()
                .map(|k| Ok((pat("kind", &k.pattern)?, k.kind)))
                .collect::<Result<_, RulesError>>()?,
            services,
            service_verbs: raw
                .service_verb
                .into_iter()
                .map(|v| Ok((pat("service_verb", &v.pattern)?, v.provider)))
                .collect::<Result<_, RulesError>>()?,
            listings: raw
                .listing
                .into_iter()
                .map(|l| pat("listing", &l.pattern))
                .collect::<Result<_, _>>()?,
            candidate: raw.candidate,
            bylines: raw.bylines.iter().map(|b| b.to_lowercase()).collect(),
            question_labels: lower(raw.question_labels),
            conditions: lower(raw.conditions),
            pronouns: lower(raw.pronouns),
            contrasts: lower(raw.contrasts),
            agent_words: lower(raw.agent_words),
            source_nouns: lower(raw.source_nouns),
            negations: lower(raw.negations),
            min_confidence: raw.min_confidence,
            denied_objects: lower(raw.denied_objects),
            country_offices: lower(raw.country_offices),
            statement_intro: raw
                .statement_intro
                .as_deref()
                .map(|p| pat("statement_intro", p))
                .transpose()?,
            courtesy: raw
                .courtesy
                .as_deref()
                .map(|p| pat("courtesy", p))
                .transpose()?,
            accusations: raw
                .accusations
                .as_deref()
                .map(|p| pat("accusations", p))
                .transpose()?,
            claim_cues: Pattern::union([]),
            response_cues: Pattern::union([]),
            anaphora_cues: Pattern::union([]),
        };
        rules.claim_cues = Pattern::union(rules.claims.iter().map(|r| &r.pattern));
        rules.response_cues = Pattern::union(rules.responses.iter().map(|r| &r.pattern));
        rules.anaphora_cues = Pattern::union(rules.anaphora.iter().map(|(p, _)| p));
        Ok(rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::text::tokens;

    #[test]
    fn bundled_rules_parse() {
        let rules = Rules::bundled();
        assert!(rules.language("de").is_ok() && rules.language("en-GB").is_ok());
    }

    #[test]
    fn a_union_matches_exactly_when_one_of_its_patterns_does() {
        let patterns = [
            Pattern::parse("wies ... zurück | dementiert*").unwrap(),
            Pattern::parse("said | according to | a*").unwrap(),
            Pattern::parse("x").unwrap(),
        ];
        let union = Pattern::union(&patterns);
        for text in [
            "Peking wies die Vorwürfe zurück",
            "China dementierte",
            "according to Reuters",
            "Amazon hosts it",
            "nothing here",
            "wies darauf hin",
            "x",
            "",
        ] {
            let words = tokens(text);
            let any = patterns.iter().any(|p| p.find(&words).is_some());
            assert_eq!(union.find(&words).is_some(), any, "{text}");
        }
        assert!(Pattern::union([]).find(&tokens("said")).is_none());
    }

    #[test]
    fn first_bytes_let_through_every_word_an_alternative_starts_with() {
        // Short words, two-byte prefixes, long prefixes, non-ASCII first letters.
        let p = Pattern::parse("a | ab* | über* | äußerte* | zu | laut").unwrap();
        for (word, starts) in [
            ("a", true),
            ("ab", true),
            ("abc", true),
            ("über", true),
            ("überzeugt", true),
            ("äußerte", true),
            ("zu", true),
            ("zum", false),
            ("laut", true),
            ("lauter", false),
            ("b", false),
        ] {
            assert_eq!(p.starts_at(&tokens(word), 0), starts, "{word}");
        }
    }

    #[test]
    fn gaps_and_prefixes_match() {
        let p = Pattern::parse("wies ... zurück | dementiert*").unwrap();
        assert_eq!(
            p.find(&tokens("Peking wies die Vorwürfe entschieden zurück")),
            Some((1, 5))
        );
        assert_eq!(p.find(&tokens("China dementierte")), Some((1, 1)));
        assert_eq!(p.find(&tokens("Peking wies darauf")), None);
    }
}
