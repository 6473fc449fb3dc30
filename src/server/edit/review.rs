//! The review model: a claim sheet as the review page shows and edits it.
//!
//! [`Review::from_sheet`] turns a parsed sheet (a draft or an earlier review) into cards:
//! the article's fields, one card per entity the sheet defines (those the store does not
//! know yet are *proposed*: confirm, merge into a known entity, or drop), one per
//! document, one per claim (accept, leave drafted, or reject). [`Review::apply_form`]
//! reads the review form back into the model; [`Review::highlights`] cuts the article
//! text into segments, each with the claims whose quote covers it, for the page.
//! Everything here is plain data: writing the sheet is [`super::save`]'s job.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;

use crate::model::sheet::{DateField, ExtractionDef, Sheet};

/// The most cards of one kind a form may carry (a bound on hostile input).
const MAX_CARDS: usize = 2_000;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Review {
    pub article: ArticleFields,
    pub entities: Vec<EntityCard>,
    pub documents: Vec<DocumentCard>,
    pub claims: Vec<ClaimCard>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ArticleFields {
    pub id: String,
    pub title: String,
    pub url: String,
    pub publisher: String,
    pub language: String,
    pub date: DateFields,
    pub text: String,
}

/// A date as the form edits it: the value (`2025-11-01`, `2025-11`, `2025`, `--10`) and
/// the article's own words for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateFields {
    pub value: String,
    pub text: String,
}

impl DateFields {
    fn from_field(d: Option<&DateField>) -> Self {
        match d {
            None => DateFields::default(),
            Some(DateField::Plain(v)) => DateFields {
                value: v.clone(),
                text: String::new(),
            },
            Some(DateField::Detailed { value, text }) => DateFields {
                value: value.clone().unwrap_or_default(),
                text: text.clone().unwrap_or_default(),
            },
        }
    }

    pub fn is_empty(&self) -> bool {
        self.value.trim().is_empty() && self.text.trim().is_empty()
    }

    /// What the value's precision is, for the page ("day", "month", "year"...).
    pub fn precision(&self) -> &'static str {
        match crate::model::sheet::PartialDate::parse(self.value.trim()) {
            Ok(d) => d.precision.as_str(),
            Err(_) if self.value.trim().is_empty() && !self.text.trim().is_empty() => "relative",
            Err(_) => "",
        }
    }
}

/// The page sees the precision the value gives beside the value and the words.
impl Serialize for DateFields {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = s.serialize_struct("DateFields", 3)?;
        out.serialize_field("value", &self.value)?;
        out.serialize_field("text", &self.text)?;
        out.serialize_field("precision", self.precision())?;
        out.end()
    }
}

/// What happens to a proposed entity.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum EntityDecision {
    #[default]
    Confirm,
    Merge,
    Drop,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct EntityCard {
    pub id: String,
    pub kind: String,
    pub label_en: String,
    pub label_de: String,
    /// Aliases, separated by `;` in the form.
    pub aliases: String,
    pub country: String,
    pub part_of: String,
    pub wikidata: String,
    pub description: String,
    /// Not known to the store yet: the reviewer confirms, merges or drops it.
    pub proposed: bool,
    pub decision: EntityDecision,
    /// The known entity it is merged into.
    pub merge_into: String,
    /// The known entity whose names are closest to its label, offered for a merge.
    pub suggestion: Option<Suggestion>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DocumentCard {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub author: String,
    pub date: DateFields,
    pub url: String,
    pub via: String,
    pub link: String,
    pub description: String,
}

/// What happens to a claim.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimDecision {
    /// Reviewed: written without its extraction table, with the reviewer and time.
    Accept,
    /// Not reviewed yet: written as it was, still machine-drafted.
    #[default]
    Draft,
    /// Left out of the sheet.
    Reject,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ClaimCard {
    pub id: String,
    pub kind: String,
    pub claimant: String,
    pub document: String,
    pub date: DateFields,
    pub event_date: DateFields,
    /// Entity ids, separated by commas in the form.
    pub about: String,
    pub statement: String,
    pub quote: String,
    pub occurrence: Option<usize>,
    /// Where the quote starts (in characters), when the reviewer selected it in the text.
    pub quote_start: Option<usize>,
    /// Claim ids this one answers, separated by commas in the form.
    pub answers: String,
    pub propositions: Vec<PropositionRow>,
    pub extraction: Option<ExtractionDef>,
    pub review: Option<(String, String)>,
    pub note: String,
    pub decision: ClaimDecision,
    /// Added by the reviewer (from a selection), not drafted.
    pub added: bool,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct PropositionRow {
    pub subject: String,
    pub predicate: String,
    pub object: String,
    /// A literal value as TOML (`9`, `"nine"`), for datatype properties.
    pub value: String,
}

/// A known entity as the type-ahead offers it.
#[derive(Debug, Clone, Serialize)]
pub struct KnownEntity {
    pub id: String,
    pub kind: String,
    pub label: String,
    /// Every name (labels in all languages, aliases).
    pub names: Vec<String>,
}

impl Review {
    /// The cards of `sheet`; entities not among `known` are proposed, with the closest
    /// known entity as a merge suggestion.
    pub fn from_sheet(sheet: &Sheet, known: &[KnownEntity]) -> Review {
        let article = sheet
            .article
            .as_ref()
            .map(|a| ArticleFields {
                id: a.id.get_ref().clone(),
                title: a.title.clone().unwrap_or_default(),
                url: a
                    .url
                    .as_ref()
                    .map(|u| u.get_ref().clone())
                    .unwrap_or_default(),
                publisher: a
                    .publisher
                    .as_ref()
                    .map(|p| p.get_ref().clone())
                    .unwrap_or_default(),
                language: a.language.get_ref().clone(),
                date: DateFields::from_field(a.date.as_ref().map(|d| d.get_ref())),
                text: a.text.clone().unwrap_or_default(),
            })
            .unwrap_or_default();
        let known_ids: HashSet<&str> = known.iter().map(|k| k.id.as_str()).collect();
        let entities = sheet
            .entity
            .iter()
            .map(|e| {
                let proposed = !known_ids.contains(e.id.get_ref().as_str());
                EntityCard {
                    id: e.id.get_ref().clone(),
                    kind: e.kind.as_str().to_owned(),
                    label_en: e.label_en.clone(),
                    label_de: e.label_de.clone(),
                    aliases: e.aliases.join("; "),
                    country: opt(&e.country),
                    part_of: opt(&e.part_of),
                    wikidata: opt(&e.wikidata),
                    description: e.description.clone().unwrap_or_default(),
                    proposed,
                    decision: EntityDecision::Confirm,
                    merge_into: String::new(),
                    suggestion: proposed.then(|| suggest(&e.label_en, known)).flatten(),
                }
            })
            .collect();
        let documents = sheet
            .document
            .iter()
            .map(|d| DocumentCard {
                id: d.id.get_ref().clone(),
                kind: kebab(&d.kind),
                title: d.title.clone().unwrap_or_default(),
                author: opt(&d.author),
                date: DateFields::from_field(d.date.as_ref().map(|x| x.get_ref())),
                url: opt(&d.url),
                via: opt(&d.via),
                link: kebab(&d.link),
                description: d.description.clone().unwrap_or_default(),
            })
            .collect();
        let claims = sheet
            .claim
            .iter()
            .map(|c| ClaimCard {
                id: c.id.get_ref().clone(),
                kind: c.kind.as_str().to_owned(),
                claimant: c.claimant.get_ref().clone(),
                document: opt(&c.document),
                date: DateFields::from_field(c.date.as_ref().map(|d| d.get_ref())),
                event_date: DateFields::from_field(c.event_date.as_ref().map(|d| d.get_ref())),
                about: join(c.about.iter().map(|a| a.get_ref().as_str())),
                statement: c.statement.clone(),
                quote: c.quote.get_ref().clone(),
                occurrence: c.occurrence,
                quote_start: None,
                answers: join(c.answers.iter().map(|a| a.get_ref().as_str())),
                propositions: c
                    .proposition
                    .iter()
                    .map(|p| PropositionRow {
                        subject: p.subject.get_ref().clone(),
                        predicate: p.predicate.get_ref().clone(),
                        object: opt(&p.object),
                        value: p.value.as_ref().map(|v| v.to_string()).unwrap_or_default(),
                    })
                    .collect(),
                extraction: c.extraction.clone(),
                review: c
                    .review
                    .as_ref()
                    .map(|r| (r.by.get_ref().clone(), r.at.get_ref().clone())),
                note: c.note.clone().unwrap_or_default(),
                // A claim a person wrote or reviewed stays reviewed; a draft waits.
                decision: if c.extraction.is_some() {
                    ClaimDecision::Draft
                } else {
                    ClaimDecision::Accept
                },
                added: false,
            })
            .collect();
        Review {
            article,
            entities,
            documents,
            claims,
        }
    }

    /// Reads the review form into the model. The article's id and text, the entities'
    /// and claims' ids and each drafted claim's extraction record come from the stored
    /// sheet, not from the form; new claims (from a selection) get fresh ids.
    pub fn apply_form(&mut self, form: &HashMap<String, String>) {
        let get = |k: &str| form.get(k).map(|v| v.trim().to_owned());
        let set = |target: &mut String, k: &str| {
            if let Some(v) = get(k) {
                *target = v;
            }
        };
        let a = &mut self.article;
        set(&mut a.title, "a.title");
        set(&mut a.url, "a.url");
        set(&mut a.publisher, "a.publisher");
        set(&mut a.language, "a.language");
        set(&mut a.date.value, "a.date");
        set(&mut a.date.text, "a.date_text");

        for (i, e) in self.entities.iter_mut().enumerate() {
            let k = |f: &str| format!("e{i}.{f}");
            set(&mut e.kind, &k("kind"));
            set(&mut e.label_en, &k("label_en"));
            set(&mut e.label_de, &k("label_de"));
            set(&mut e.aliases, &k("aliases"));
            set(&mut e.country, &k("country"));
            set(&mut e.part_of, &k("part_of"));
            set(&mut e.wikidata, &k("wikidata"));
            set(&mut e.description, &k("description"));
            set(&mut e.merge_into, &k("merge_into"));
            if let Some(d) = get(&k("decision")) {
                e.decision = match d.as_str() {
                    "merge" => EntityDecision::Merge,
                    "drop" => EntityDecision::Drop,
                    _ => EntityDecision::Confirm,
                };
            }
        }
        for (i, d) in self.documents.iter_mut().enumerate() {
            let k = |f: &str| format!("d{i}.{f}");
            set(&mut d.kind, &k("kind"));
            set(&mut d.title, &k("title"));
            set(&mut d.author, &k("author"));
            set(&mut d.date.value, &k("date"));
            set(&mut d.date.text, &k("date_text"));
            set(&mut d.url, &k("url"));
            set(&mut d.via, &k("via"));
            set(&mut d.link, &k("link"));
            set(&mut d.description, &k("description"));
        }

        // Claim cards by index: the drafted ones first, then those the page added.
        let indices: BTreeSet<usize> = form
            .keys()
            .filter_map(|k| k.strip_prefix('c')?.split_once('.')?.0.parse().ok())
            .filter(|&i| i < MAX_CARDS)
            .collect();
        let mut taken: HashSet<String> = self.claims.iter().map(|c| c.id.clone()).collect();
        for i in indices {
            if i >= self.claims.len() {
                let quote = get(&format!("c{i}.quote")).unwrap_or_default();
                if quote.is_empty() {
                    // An empty "add a claim" card: nothing was added.
                    continue;
                }
                let id = fresh_id(&mut taken);
                self.claims.push(ClaimCard {
                    id,
                    kind: "assertion".into(),
                    decision: ClaimDecision::Accept,
                    added: true,
                    ..ClaimCard::default()
                });
                let last = self.claims.len() - 1;
                read_claim(&mut self.claims[last], i, form);
                continue;
            }
            read_claim(&mut self.claims[i], i, form);
        }
        // A selected quote is anchored where it was selected: its occurrence is counted
        // here, so the sheet names the passage the reviewer meant.
        let text = &self.article.text;
        for c in self.claims.iter_mut().filter(|c| c.added) {
            if let Some(range) = quote_range(text, &c.quote, None, c.quote_start) {
                c.occurrence = occurrence_at(text, &c.quote, range.start);
            }
        }
    }

    /// Applies the entity decisions to the whole sheet: a merged entity's id is replaced
    /// by the one it is merged into wherever it is used, a dropped entity is removed from
    /// the claims' `about` lists and propositions (a claimant or publisher that still
    /// names it is left for validation to report at its field).
    pub fn apply_entity_decisions(&mut self) {
        let mut renamed: HashMap<String, String> = HashMap::new();
        let mut dropped: HashSet<String> = HashSet::new();
        for e in &self.entities {
            match e.decision {
                EntityDecision::Merge if !e.merge_into.is_empty() => {
                    renamed.insert(e.id.clone(), e.merge_into.clone());
                }
                EntityDecision::Drop => {
                    dropped.insert(e.id.clone());
                }
                _ => {}
            }
        }
        if renamed.is_empty() && dropped.is_empty() {
            return;
        }
        let rename = |s: &mut String| {
            if let Some(to) = renamed.get(s.as_str()) {
                *s = to.clone();
            }
        };
        rename(&mut self.article.publisher);
        for d in &mut self.documents {
            rename(&mut d.author);
        }
        for e in &mut self.entities {
            rename(&mut e.country);
            rename(&mut e.part_of);
        }
        for c in &mut self.claims {
            rename(&mut c.claimant);
            let about: Vec<String> = split_list(&c.about)
                .into_iter()
                .map(|mut a| {
                    rename(&mut a);
                    a
                })
                .filter(|a| !dropped.contains(a))
                .collect();
            c.about = about.join(", ");
            c.propositions
                .retain(|p| !dropped.contains(&p.subject) && !dropped.contains(&p.object));
            for p in &mut c.propositions {
                rename(&mut p.subject);
                rename(&mut p.object);
            }
        }
    }

    /// The article text cut at every quote boundary: each segment with its start (in
    /// characters) and the indices of the claim cards whose quote covers it.
    pub fn highlights(&self) -> Vec<Segment> {
        let text = &self.article.text;
        let mut spans: Vec<(usize, usize, usize)> = Vec::new(); // (start, end, card) in bytes
        for (card, c) in self.claims.iter().enumerate() {
            if c.decision == ClaimDecision::Reject {
                continue;
            }
            if let Some(range) = quote_range(text, &c.quote, c.occurrence, c.quote_start) {
                spans.push((range.start, range.end, card));
            }
        }
        let mut cuts: BTreeSet<usize> = [0, text.len()].into_iter().collect();
        for (s, e, _) in &spans {
            cuts.insert(*s);
            cuts.insert(*e);
        }
        let cuts: Vec<usize> = cuts.into_iter().collect();
        let mut out = Vec::new();
        let mut chars_before = 0;
        for pair in cuts.windows(2) {
            let (s, e) = (pair[0], pair[1]);
            if s == e {
                continue;
            }
            let piece = &text[s..e];
            let claims: Vec<usize> = spans
                .iter()
                .filter(|(qs, qe, _)| *qs <= s && e <= *qe)
                .map(|(_, _, card)| *card)
                .collect();
            out.push(Segment {
                start: chars_before,
                text: piece.to_owned(),
                claims: claims
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
            });
            chars_before += piece.chars().count();
        }
        out
    }
}

/// A piece of the article text for the page.
#[derive(Debug, Clone, Serialize)]
pub struct Segment {
    /// Its first character's offset in the text.
    pub start: usize,
    pub text: String,
    /// The card indices of the claims quoting it, space-separated (empty: none).
    pub claims: String,
}

fn read_claim(c: &mut ClaimCard, i: usize, form: &HashMap<String, String>) {
    let get = |f: &str| form.get(&format!("c{i}.{f}")).map(|v| v.trim().to_owned());
    let set = |target: &mut String, f: &str| {
        if let Some(v) = get(f) {
            *target = v;
        }
    };
    set(&mut c.kind, "kind");
    set(&mut c.claimant, "claimant");
    set(&mut c.document, "document");
    set(&mut c.date.value, "date");
    set(&mut c.date.text, "date_text");
    set(&mut c.event_date.value, "event_date");
    set(&mut c.event_date.text, "event_date_text");
    set(&mut c.about, "about");
    set(&mut c.statement, "statement");
    set(&mut c.answers, "answers");
    set(&mut c.note, "note");
    if c.added {
        // The words of a new claim are the reviewer's selection, kept exactly.
        if let Some(q) = form.get(&format!("c{i}.quote")) {
            c.quote = q.clone();
        }
        c.quote_start = get("quote_start").and_then(|s| s.parse().ok());
    }
    if let Some(d) = get("decision") {
        c.decision = match d.as_str() {
            "accept" => ClaimDecision::Accept,
            "reject" => ClaimDecision::Reject,
            // Only a drafted claim can stay a draft.
            _ if c.extraction.is_some() => ClaimDecision::Draft,
            _ => ClaimDecision::Accept,
        };
    }
    let mut rows = Vec::new();
    for j in 0..=c.propositions.len().min(MAX_CARDS) {
        let p = |f: &str| get(&format!("p{j}.{f}"));
        if p("predicate").is_none() && j >= c.propositions.len() {
            break;
        }
        let row = PropositionRow {
            subject: p("subject").unwrap_or_default(),
            predicate: p("predicate").unwrap_or_default(),
            object: p("object").unwrap_or_default(),
            value: p("value").unwrap_or_default(),
        };
        // A row whose predicate was cleared is removed.
        if !row.predicate.is_empty() {
            rows.push(row);
        }
    }
    c.propositions = rows;
}

/// The byte range of a quote in `text`: at `start` (characters) when the reviewer
/// selected it there, else its `occurrence` (counted leftmost, non-overlapping, as the
/// importer counts).
pub fn quote_range(
    text: &str,
    quote: &str,
    occurrence: Option<usize>,
    start: Option<usize>,
) -> Option<std::ops::Range<usize>> {
    if quote.is_empty() {
        return None;
    }
    if let Some(chars) = start {
        let byte = text.char_indices().nth(chars).map(|(b, _)| b)?;
        return text[byte..]
            .starts_with(quote)
            .then(|| byte..byte + quote.len());
    }
    let n = occurrence.unwrap_or(1).max(1);
    text.match_indices(quote)
        .nth(n - 1)
        .map(|(b, _)| b..b + quote.len())
}

/// Which occurrence (1-based, leftmost non-overlapping) of `quote` starts at byte
/// `byte` of `text`; `None` when it occurs once (no `occurrence` needed) or not there.
pub fn occurrence_at(text: &str, quote: &str, byte: usize) -> Option<usize> {
    let starts: Vec<usize> = text.match_indices(quote).map(|(b, _)| b).collect();
    if starts.len() < 2 {
        return None;
    }
    starts.iter().position(|&s| s == byte).map(|i| i + 1)
}

/// A list field (`a, b`) as its items.
pub fn split_list(s: &str) -> Vec<String> {
    s.split([',', ';'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

fn opt(v: &Option<toml::Spanned<String>>) -> String {
    v.as_ref().map(|x| x.get_ref().clone()).unwrap_or_default()
}

/// A kebab-case enum's name as the sheet writes it.
fn kebab<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| j.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// An id not yet taken: `added-1`, `added-2`...
fn fresh_id(taken: &mut HashSet<String>) -> String {
    let id = (1..)
        .map(|n| format!("added-{n}"))
        .find(|id| !taken.contains(id))
        .expect("an unbounded range has a free id");
    taken.insert(id.clone());
    id
}

/// The known entity whose names are closest to `label`, when one is close enough to
/// offer as a merge.
fn suggest(label: &str, known: &[KnownEntity]) -> Option<Suggestion> {
    let wanted = label.to_lowercase();
    known
        .iter()
        .flat_map(|k| k.names.iter().map(move |n| (k, n)))
        .map(|(k, n)| (k, strsim::jaro_winkler(&wanted, &n.to_lowercase())))
        .filter(|(_, score)| *score >= 0.88)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| Suggestion {
            id: k.id.clone(),
            label: k.label.clone(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_cut_the_text_at_every_quote_and_count_characters() {
        let review = Review {
            article: ArticleFields {
                text: "Ärger: A said x. B said y.".into(),
                ..ArticleFields::default()
            },
            claims: vec![
                ClaimCard {
                    quote: "A said x.".into(),
                    ..ClaimCard::default()
                },
                ClaimCard {
                    quote: "said".into(),
                    occurrence: Some(2),
                    ..ClaimCard::default()
                },
            ],
            ..Review::default()
        };
        let segments = review.highlights();
        let marked: Vec<(usize, &str, &str)> = segments
            .iter()
            .map(|s| (s.start, s.text.as_str(), s.claims.as_str()))
            .collect();
        assert_eq!(
            marked,
            vec![
                (0, "Ärger: ", ""),
                (7, "A said x.", "0"),
                (16, " B ", ""),
                (19, "said", "1"),
                (23, " y.", "")
            ]
        );
    }

    #[test]
    fn a_selection_names_its_occurrence() {
        let text = "yes. no. yes.";
        assert_eq!(quote_range(text, "yes.", None, Some(9)), Some(9..13));
        assert_eq!(occurrence_at(text, "yes.", 9), Some(2));
        assert_eq!(occurrence_at(text, "no.", 5), None);
        assert_eq!(quote_range(text, "no.", None, Some(0)), None);
    }
}
