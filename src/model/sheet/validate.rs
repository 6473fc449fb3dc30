//! Checking a parsed sheet against what is known, and anchoring its quotes.
//!
//! [`validate`] resolves every id (entities, documents, claims), parses every date,
//! checks every ontology term and finds every quote verbatim in the article text.
//! It reports all problems of a sheet at once, each with file, line and field, and
//! produces a [`ValidSheet`] in which nothing is left to check: the graph stage
//! trusts it completely.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::PathBuf;

use oxigraph::model::{Literal, NamedNode};
use toml::Spanned;

use super::{
    is_slug, ArticleMeta, ClaimKind, DateField, DocumentKind, EntityKind, ExtractionDef, LinkKind,
    PartialDate, Sheet,
};
use crate::model::vocab;

/// One problem in one sheet, located as precisely as the sheet allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The field at fault, as a path (`claim[3].quote`).
    pub field: String,
    pub message: String,
}

impl fmt::Display for SheetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.field,
            self.message
        )
    }
}

/// All the problems of one sheet.
#[derive(Debug, Clone, thiserror::Error)]
pub struct SheetErrors(pub Vec<SheetError>);

impl fmt::Display for SheetErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// What a sheet may refer to besides its own definitions: entities and claims already
/// in the store (or in other sheets of the same batch), and the ontology's terms.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// Entity id -> kind.
    pub entities: HashMap<String, EntityKind>,
    /// "article-id/claim-id" of claims that exist elsewhere.
    pub claims: HashSet<String>,
    /// Full IRIs of the ontology's properties, and whether each takes literal values.
    pub properties: BTreeMap<String, PropertyKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyKind {
    Object,
    Datatype,
}

impl Known {
    /// The properties declared in the bundled ontology.
    pub fn with_ontology() -> Self {
        Known {
            properties: crate::model::ontology::properties(),
            ..Known::default()
        }
    }
}

#[derive(Debug, Clone)]
pub struct ValidSheet {
    pub path: PathBuf,
    /// What identifies the sheet's file ([`super::SheetOrigin::location`]).
    pub location: String,
    pub article: Option<ValidArticle>,
    pub entities: Vec<Entity>,
    pub documents: Vec<Document>,
    pub claims: Vec<Claim>,
}

#[derive(Debug, Clone)]
pub struct ValidArticle {
    pub id: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub publisher: Option<String>,
    pub language: String,
    pub date: Option<DateInfo>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateInfo {
    pub date: PartialDate,
    /// The article's own words for the date, where the sheet keeps them.
    pub text: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Entity {
    pub id: String,
    pub kind: EntityKind,
    pub label_en: String,
    pub label_de: String,
    pub aliases: Vec<String>,
    pub country: Option<String>,
    pub part_of: Option<String>,
    pub wikidata: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Document {
    pub id: String,
    pub kind: DocumentKind,
    pub title: Option<String>,
    pub author: Option<String>,
    pub date: Option<DateInfo>,
    pub url: Option<String>,
    /// The document this one is known through; `None`: the article relays it.
    pub via: Option<String>,
    pub link: LinkKind,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimant {
    Entity(String),
    /// The article's own publisher (known or not).
    Publisher,
}

/// A claim another claim answers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClaimRef {
    pub article: String,
    pub claim: String,
}

#[derive(Debug, Clone)]
pub struct Claim {
    pub id: String,
    pub kind: ClaimKind,
    pub claimant: Claimant,
    /// `None`: made in the article itself.
    pub document: Option<String>,
    pub date: Option<DateInfo>,
    pub event_date: Option<DateInfo>,
    pub about: Vec<String>,
    pub statement: String,
    pub quote: Quote,
    pub answers: Vec<ClaimRef>,
    pub propositions: Vec<Proposition>,
    pub extraction: Option<ExtractionDef>,
    pub review: Option<Review>,
    pub note: Option<String>,
}

/// Who reviewed a claim and when: a reviewer slug and an `xsd:dateTime` in UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub by: String,
    pub at: String,
}

/// A quote anchored in the article text. Offsets count Unicode code points, as the
/// Web Annotation TextPositionSelector does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub exact: String,
    pub start: usize,
    pub end: usize,
    pub prefix: String,
    pub suffix: String,
    pub sentence: String,
}

#[derive(Debug, Clone)]
pub struct Proposition {
    pub subject: String,
    pub predicate: NamedNode,
    pub object: PropositionObject,
}

#[derive(Debug, Clone)]
pub enum PropositionObject {
    Entity(String),
    Literal(Literal),
}

/// How much context a TextQuoteSelector keeps on each side.
const CONTEXT_CHARS: usize = 32;

/// Validates a sheet against what is known; `Ok` means it can be imported as is.
pub fn validate(sheet: &Sheet, known: &Known) -> Result<ValidSheet, SheetErrors> {
    let mut v = Validator {
        sheet,
        errors: Vec::new(),
    };
    let result = v.run(known);
    if v.errors.is_empty() {
        Ok(result)
    } else {
        v.errors.sort_by_key(|e| (e.line, e.column));
        Err(SheetErrors(v.errors))
    }
}

struct Validator<'a> {
    sheet: &'a Sheet,
    errors: Vec<SheetError>,
}

impl Validator<'_> {
    fn error_at(
        &mut self,
        span: Option<std::ops::Range<usize>>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) {
        let (line, column) = match span {
            Some(s) => self.sheet.line_col(s.start),
            None => (1, 1),
        };
        self.errors.push(SheetError {
            path: self.sheet.origin.path.clone(),
            line,
            column,
            field: field.into(),
            message: message.into(),
        });
    }

    fn error(
        &mut self,
        value: &Spanned<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.error_at(Some(value.span()), field, message)
    }

    /// The line of a table header such as `[[claim]]` number `index`, for errors about
    /// a whole table (a missing field is caught by serde before this).
    fn slug(&mut self, id: &Spanned<String>, field: &str) -> String {
        let value = id.get_ref().clone();
        if !is_slug(&value) {
            self.error(id, field, format!("'{value}' is not a valid id: use lowercase letters, digits and inner hyphens (at most 100)"));
        }
        value
    }

    fn run(&mut self, known: &Known) -> ValidSheet {
        let sheet = self.sheet;
        let path = sheet.origin.path.clone();

        // Entities first: the rest of the sheet may refer to them.
        let mut entity_kinds = known.entities.clone();
        let mut seen_entities = HashSet::new();
        for (i, e) in sheet.entity.iter().enumerate() {
            let id = self.slug(&e.id, &format!("entity[{i}].id"));
            if !seen_entities.insert(id.clone()) {
                self.error(
                    &e.id,
                    format!("entity[{i}].id"),
                    format!("entity '{id}' is defined twice in this sheet"),
                );
            }
            entity_kinds.insert(id, e.kind);
        }
        let entities: Vec<Entity> =
            sheet
                .entity
                .iter()
                .enumerate()
                .map(|(i, e)| Entity {
                    id: e.id.get_ref().clone(),
                    kind: e.kind,
                    label_en: self.nonempty(&e.label_en, &e.id, &format!("entity[{i}].label_en")),
                    label_de: self.nonempty(&e.label_de, &e.id, &format!("entity[{i}].label_de")),
                    aliases: e.aliases.clone(),
                    country: e.country.as_ref().map(|c| {
                        self.entity_ref(c, &entity_kinds, &format!("entity[{i}].country"))
                    }),
                    part_of: e.part_of.as_ref().map(|c| {
                        self.entity_ref(c, &entity_kinds, &format!("entity[{i}].part_of"))
                    }),
                    wikidata: e
                        .wikidata
                        .as_ref()
                        .map(|w| self.wikidata(w, &format!("entity[{i}].wikidata"))),
                    description: e.description.clone(),
                })
                .collect();

        let Some(meta) = &sheet.article else {
            if let Some(d) = sheet.document.first() {
                self.error(
                    &d.id,
                    "document",
                    "documents need an [article] table: this sheet has none",
                );
            }
            if let Some(c) = sheet.claim.first() {
                self.error(
                    &c.id,
                    "claim",
                    "claims need an [article] table: this sheet has none",
                );
            }
            return ValidSheet {
                path,
                location: sheet.origin.location.clone(),
                article: None,
                entities,
                documents: vec![],
                claims: vec![],
            };
        };

        let article = self.article(meta, &entity_kinds);
        let text = article.text.clone();

        // Documents: ids, then references between them.
        let mut doc_ids = HashSet::new();
        for (i, d) in sheet.document.iter().enumerate() {
            let id = self.slug(&d.id, &format!("document[{i}].id"));
            if !doc_ids.insert(id.clone()) {
                self.error(
                    &d.id,
                    format!("document[{i}].id"),
                    format!("document '{id}' is defined twice in this sheet"),
                );
            }
        }
        let documents: Vec<Document> = sheet
            .document
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let via = d.via.as_ref().map(|v| {
                    let via = v.get_ref().clone();
                    if via == *d.id.get_ref() {
                        self.error(
                            v,
                            format!("document[{i}].via"),
                            "a document cannot be relayed by itself",
                        );
                    } else if !doc_ids.contains(&via) {
                        let hint = suggest(&via, doc_ids.iter());
                        self.error(
                            v,
                            format!("document[{i}].via"),
                            format!("unknown document '{via}'{hint}"),
                        );
                    }
                    via
                });
                Document {
                    id: d.id.get_ref().clone(),
                    kind: d.kind,
                    title: d.title.clone(),
                    author: d.author.as_ref().map(|a| {
                        self.entity_ref(a, &entity_kinds, &format!("document[{i}].author"))
                    }),
                    date: d
                        .date
                        .as_ref()
                        .and_then(|x| self.date(x, &format!("document[{i}].date"))),
                    url: d.url.as_ref().map(|u| u.get_ref().clone()),
                    via,
                    link: d.link,
                    description: d.description.clone(),
                }
            })
            .collect();
        self.check_document_cycles(&documents);

        // Claims: ids first, so that responses may answer claims defined after them.
        let mut claim_ids = HashSet::new();
        for (i, c) in sheet.claim.iter().enumerate() {
            let id = self.slug(&c.id, &format!("claim[{i}].id"));
            if !claim_ids.insert(id.clone()) {
                self.error(
                    &c.id,
                    format!("claim[{i}].id"),
                    format!("two claims have the id '{id}'"),
                );
            }
        }
        let claims = sheet
            .claim
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let f = |name: &str| format!("claim[{i}].{name}");
                let claimant = if c.claimant.get_ref() == "publisher" {
                    Claimant::Publisher
                } else {
                    Claimant::Entity(self.entity_ref(&c.claimant, &entity_kinds, &f("claimant")))
                };
                let document = c.document.as_ref().map(|d| {
                    let id = d.get_ref().clone();
                    if !doc_ids.contains(&id) {
                        let hint = suggest(&id, doc_ids.iter());
                        self.error(d, f("document"), format!("unknown document '{id}'{hint}; define it in a [[document]] table"));
                    }
                    id
                });
                let about = c.about.iter().map(|a| self.entity_ref(a, &entity_kinds, &f("about"))).collect();
                let answers = c
                    .answers
                    .iter()
                    .filter_map(|a| self.claim_ref(a, &article.id, &claim_ids, known, &f("answers"), c.id.get_ref()))
                    .collect::<Vec<_>>();
                if c.kind.is_response() && c.answers.is_empty() {
                    self.error(&c.id, f("answers"), format!("a {} must say which claims it answers", c.kind.as_str()));
                }
                let propositions = c
                    .proposition
                    .iter()
                    .enumerate()
                    .filter_map(|(j, p)| {
                        let pf = |name: &str| format!("claim[{i}].proposition[{j}].{name}");
                        let subject = self.entity_ref(&p.subject, &entity_kinds, &pf("subject"));
                        let (predicate, kind) = self.property(&p.predicate, known, &pf("predicate"))?;
                        let object = match (&p.object, &p.value, kind) {
                            (Some(o), None, PropertyKind::Object) => {
                                PropositionObject::Entity(self.entity_ref(o, &entity_kinds, &pf("object")))
                            }
                            (None, Some(v), PropertyKind::Datatype) => {
                                PropositionObject::Literal(self.literal(v, &article.language, &p.predicate, &pf("value"))?)
                            }
                            (Some(_), Some(_), _) | (None, None, _) => {
                                self.error(&p.predicate, pf("object"), "give exactly one of `object` (an entity id) or `value` (a literal)");
                                return None;
                            }
                            (Some(o), None, PropertyKind::Datatype) => {
                                self.error(o, pf("object"), format!("'{}' takes a literal: write `value = ...` instead of `object`", p.predicate.get_ref()));
                                return None;
                            }
                            (None, Some(_), PropertyKind::Object) => {
                                self.error(&p.predicate, pf("value"), format!("'{}' links to an entity: write `object = \"entity-id\"` instead of `value`", p.predicate.get_ref()));
                                return None;
                            }
                        };
                        Some(Proposition { subject, predicate, object })
                    })
                    .collect();
                let quote = self.quote(&c.quote, c.occurrence, &text, &f("quote"));
                if let Some(x) = &c.extraction {
                    if !(0.0..=1.0).contains(&x.confidence) {
                        self.error(&c.id, f("extraction.confidence"), format!("confidence {} is not between 0 and 1", x.confidence));
                    }
                }
                let review = c.review.as_ref().and_then(|r| {
                    if c.extraction.is_some() {
                        self.error(&r.by, f("review"), "a reviewed claim is no longer machine-drafted: remove its [claim.extraction] table");
                    }
                    let by = self.slug(&r.by, &f("review.by"));
                    if !is_utc_timestamp(r.at.get_ref()) {
                        self.error(&r.at, f("review.at"), format!("'{}' is not a UTC time such as 2026-11-30T06:10:00Z", r.at.get_ref()));
                        return None;
                    }
                    Some(Review { by, at: r.at.get_ref().clone() })
                });
                if c.statement.trim().is_empty() {
                    self.error(&c.id, f("statement"), "the statement is empty");
                }
                Claim {
                    id: c.id.get_ref().clone(),
                    kind: c.kind,
                    claimant,
                    document,
                    date: c.date.as_ref().and_then(|d| self.date(d, &f("date"))),
                    event_date: c.event_date.as_ref().and_then(|d| self.date(d, &f("event_date"))),
                    about,
                    statement: c.statement.trim().to_owned(),
                    quote: quote.unwrap_or(Quote {
                        exact: String::new(),
                        start: 0,
                        end: 0,
                        prefix: String::new(),
                        suffix: String::new(),
                        sentence: String::new(),
                    }),
                    answers,
                    propositions,
                    extraction: c.extraction.clone(),
                    review,
                    note: c.note.clone(),
                }
            })
            .collect();

        ValidSheet {
            path,
            location: sheet.origin.location.clone(),
            article: Some(article),
            entities,
            documents,
            claims,
        }
    }

    fn nonempty(&mut self, value: &str, at: &Spanned<String>, field: &str) -> String {
        if value.trim().is_empty() {
            self.error(at, field, "must not be empty");
        }
        value.trim().to_owned()
    }

    fn article(
        &mut self,
        meta: &ArticleMeta,
        entity_kinds: &HashMap<String, EntityKind>,
    ) -> ValidArticle {
        let id = self.slug(&meta.id, "article.id");
        let language = meta.language.get_ref().clone();
        if oxigraph::model::Literal::new_language_tagged_literal("x", &language).is_err() {
            self.error(
                &meta.language,
                "article.language",
                format!("'{language}' is not a BCP 47 language tag"),
            );
        }
        let text = match (&meta.text, &meta.text_file) {
            (Some(t), None) => t.clone(),
            (None, Some(file)) => self.text_file(file),
            (Some(_), Some(file)) => {
                self.error(
                    file,
                    "article.text_file",
                    "give either `text` or `text_file`, not both",
                );
                String::new()
            }
            (None, None) => {
                self.error(
                    &meta.id,
                    "article.text",
                    "the article has no text: add `text` or `text_file`",
                );
                String::new()
            }
        };
        let url = meta.url.as_ref().map(|u| u.get_ref().trim().to_owned());
        ValidArticle {
            id,
            title: meta.title.clone(),
            url,
            publisher: meta
                .publisher
                .as_ref()
                .map(|p| self.entity_ref(p, entity_kinds, "article.publisher")),
            language,
            date: meta
                .date
                .as_ref()
                .and_then(|d| self.date(d, "article.date")),
            text,
        }
    }

    fn text_file(&mut self, file: &Spanned<String>) -> String {
        crate::write::input::read_text_beside(&self.sheet.origin.path, file.get_ref())
            .unwrap_or_else(|message| {
                self.error(file, "article.text_file", message);
                String::new()
            })
    }

    fn entity_ref(
        &mut self,
        id: &Spanned<String>,
        kinds: &HashMap<String, EntityKind>,
        field: &str,
    ) -> String {
        let value = id.get_ref().clone();
        if !kinds.contains_key(&value) {
            let hint = suggest(&value, kinds.keys());
            self.error(id, field, format!("unknown entity '{value}'{hint}"));
        }
        value
    }

    fn claim_ref(
        &mut self,
        target: &Spanned<String>,
        article: &str,
        local: &HashSet<String>,
        known: &Known,
        field: &str,
        own_id: &str,
    ) -> Option<ClaimRef> {
        let value = target.get_ref();
        let reference = match value.split_once('/') {
            Some((a, c)) => ClaimRef {
                article: a.to_owned(),
                claim: c.to_owned(),
            },
            None => ClaimRef {
                article: article.to_owned(),
                claim: value.clone(),
            },
        };
        if reference.article == article {
            if reference.claim == own_id {
                self.error(target, field, "a claim cannot answer itself");
                return None;
            }
            if !local.contains(&reference.claim) {
                let hint = suggest(&reference.claim, local.iter());
                self.error(
                    target,
                    field,
                    format!("no claim '{}' in this sheet{hint}", reference.claim),
                );
                return None;
            }
        } else if !known
            .claims
            .contains(&format!("{}/{}", reference.article, reference.claim))
        {
            let hint = suggest(value, known.claims.iter());
            self.error(
                target,
                field,
                format!("no claim '{value}' is known (import that article first){hint}"),
            );
            return None;
        }
        Some(reference)
    }

    fn property(
        &mut self,
        term: &Spanned<String>,
        known: &Known,
        field: &str,
    ) -> Option<(NamedNode, PropertyKind)> {
        let raw = term.get_ref();
        let local = raw.strip_prefix("cg:").unwrap_or(raw);
        let iri = if local.contains(':') {
            local.to_owned()
        } else {
            format!("{}{local}", vocab::CG)
        };
        match known.properties.get(&iri) {
            Some(kind) => Some((NamedNode::new_unchecked(iri), *kind)),
            None => {
                let names: Vec<String> = known
                    .properties
                    .keys()
                    .filter_map(|k| k.strip_prefix(vocab::CG))
                    .map(str::to_owned)
                    .collect();
                let hint = suggest(local, names.iter());
                self.error(
                    term,
                    field,
                    format!("'{raw}' is not a property of the claimgraph ontology{hint}"),
                );
                None
            }
        }
    }

    fn literal(
        &mut self,
        value: &toml::Value,
        language: &str,
        at: &Spanned<String>,
        field: &str,
    ) -> Option<Literal> {
        Some(match value {
            toml::Value::Integer(i) => Literal::from(*i),
            toml::Value::Float(f) => Literal::new_typed_literal(f.to_string(), vocab::xsd::DECIMAL),
            toml::Value::Boolean(b) => Literal::from(*b),
            toml::Value::String(s) => {
                Literal::new_language_tagged_literal_unchecked(s, language.to_ascii_lowercase())
            }
            other => {
                self.error(
                    at,
                    field,
                    format!(
                        "a value must be a number, a boolean or a string, not {}",
                        other.type_str()
                    ),
                );
                return None;
            }
        })
    }

    fn wikidata(&mut self, id: &Spanned<String>, field: &str) -> String {
        let value = id.get_ref().clone();
        let ok = value.len() > 1
            && value.starts_with('Q')
            && value[1..].bytes().all(|b| b.is_ascii_digit());
        if !ok {
            self.error(
                id,
                field,
                format!("'{value}' is not a Wikidata item id (Q followed by digits)"),
            );
        }
        value
    }

    fn date(&mut self, field_value: &Spanned<DateField>, field: &str) -> Option<DateInfo> {
        let span = Some(field_value.span());
        let (value, text) = match field_value.get_ref() {
            DateField::Plain(v) => (Some(v), None),
            DateField::Detailed { value, text } => (
                value.as_ref(),
                text.as_ref().filter(|t| !t.trim().is_empty()),
            ),
        };
        match (value, text) {
            (Some(v), text) => match PartialDate::parse(v) {
                Ok(date) => Some(DateInfo {
                    date,
                    text: text.cloned(),
                }),
                Err(e) => {
                    self.error_at(span, field, e.to_string());
                    None
                }
            },
            (None, Some(text)) => Some(DateInfo {
                date: PartialDate::relative(),
                text: Some(text.clone()),
            }),
            (None, None) => {
                self.error_at(span, field, "a date table needs `value`, `text` or both");
                None
            }
        }
    }

    fn quote(
        &mut self,
        quote: &Spanned<String>,
        occurrence: Option<usize>,
        text: &str,
        field: &str,
    ) -> Option<Quote> {
        let exact = quote.get_ref();
        if exact.trim().is_empty() {
            self.error(quote, field, "the quote is empty");
            return None;
        }
        if text.is_empty() {
            return None; // the missing text is reported on the article
        }
        let hits: Vec<usize> = text.match_indices(exact.as_str()).map(|(i, _)| i).collect();
        let byte_start = match (hits.len(), occurrence) {
            (0, _) => {
                let closest = closest_passage(text, exact);
                self.error(quote, field, format!("quote not found in the article text; the closest passage is: \"{closest}\""));
                return None;
            }
            (1, None) | (1, Some(1)) => hits[0],
            (n, Some(k)) if k >= 1 && k <= n => hits[k - 1],
            (n, Some(k)) => {
                self.error(
                    quote,
                    field,
                    format!("occurrence = {k}, but the quote occurs {n} time(s)"),
                );
                return None;
            }
            (n, None) => {
                self.error(quote, field, format!("the quote occurs {n} times in the text: add `occurrence = 1..{n}` to say which"));
                return None;
            }
        };
        Some(anchor(text, byte_start, exact.len()))
    }

    fn check_document_cycles(&mut self, documents: &[Document]) {
        let via: HashMap<&str, &str> = documents
            .iter()
            .filter_map(|d| d.via.as_deref().map(|v| (d.id.as_str(), v)))
            .collect();
        for (i, d) in documents.iter().enumerate() {
            let mut seen = HashSet::new();
            let mut current = d.id.as_str();
            while let Some(next) = via.get(current) {
                if !seen.insert(current) {
                    let span = self.sheet.document[i].id.span();
                    self.error_at(
                        Some(span),
                        format!("document[{i}].via"),
                        format!("document '{}' is part of a cycle of `via` links", d.id),
                    );
                    break;
                }
                current = next;
            }
        }
    }
}

/// Builds the selectors of the quote found at `byte_start` (a byte offset in `text`).
pub fn anchor(text: &str, byte_start: usize, byte_len: usize) -> Quote {
    let byte_end = byte_start + byte_len;
    let start = text[..byte_start].chars().count();
    let exact = &text[byte_start..byte_end];
    let end = start + exact.chars().count();
    let prefix: String = {
        let before: Vec<char> = text[..byte_start]
            .chars()
            .rev()
            .take(CONTEXT_CHARS)
            .collect();
        before.into_iter().rev().collect()
    };
    let suffix: String = text[byte_end..].chars().take(CONTEXT_CHARS).collect();
    Quote {
        exact: exact.to_owned(),
        start,
        end,
        prefix,
        suffix,
        sentence: sentence_around(text, byte_start, byte_end),
    }
}

/// The sentence(s) of `text` that contain the byte range: back to the previous sentence
/// end and forward to the next one, never across a paragraph break.
pub fn sentence_around(text: &str, byte_start: usize, byte_end: usize) -> String {
    let is_end = |c: char| matches!(c, '.' | '!' | '?' | '\n');
    let mut start = 0;
    for (i, c) in text[..byte_start].char_indices().rev() {
        if c == '\n' || (is_end(c) && text[i + c.len_utf8()..].starts_with(char::is_whitespace)) {
            start = i + c.len_utf8();
            break;
        }
    }
    let mut end = text.len();
    let tail = &text[byte_end..];
    for (i, c) in tail.char_indices() {
        if c == '\n' {
            end = byte_end + i;
            break;
        }
        if is_end(c) {
            let after = byte_end + i + c.len_utf8();
            if text[after..].is_empty() || text[after..].starts_with(char::is_whitespace) {
                end = after;
                break;
            }
        }
    }
    // A quote that already ends with its sentence's full stop needs nothing more.
    if byte_end > 0 && text[..byte_end].ends_with(['.', '!', '?']) {
        end = end.min(byte_end);
    }
    text[start..end].trim().to_owned()
}

/// The passage of `text` most like `wanted`, for "did you mean" messages.
pub fn closest_passage(text: &str, wanted: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let width = wanted.chars().count();
    if width == 0 || chars.is_empty() {
        return String::new();
    }
    let wanted_lower = wanted.to_lowercase();
    let mut best = (f64::MIN, 0usize, 0usize);
    // Windows start at word starts; near the end they are cut short by the text's end.
    let starts: Vec<usize> = (0..chars.len())
        .filter(|&i| i == 0 || !chars[i - 1].is_alphanumeric())
        .collect();
    // Long texts and long quotes make every window expensive; stepping keeps an error
    // message fast without changing which passage wins in practice.
    let step = if chars.len() * width > 20_000_000 {
        8
    } else {
        1
    };
    for &i in starts.iter().step_by(step) {
        let end = (i + width).min(chars.len());
        let window: String = chars[i..end].iter().collect();
        let score = strsim::normalized_levenshtein(&window.to_lowercase(), &wanted_lower);
        if score > best.0 {
            best = (score, i, end);
        }
    }
    chars[best.1..best.2]
        .iter()
        .collect::<String>()
        .trim()
        .to_owned()
}

/// " (did you mean 'a', 'b'?)" for the known values closest to `wanted`, or "".
pub fn suggest<'a>(wanted: &str, known: impl Iterator<Item = &'a String>) -> String {
    let mut scored: Vec<(f64, &String)> = known
        .map(|k| (strsim::jaro_winkler(wanted, k), k))
        .filter(|(s, _)| *s > 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let names: Vec<String> = scored
        .iter()
        .take(3)
        .map(|(_, k)| format!("'{k}'"))
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", names.join(", "))
    }
}

/// Whether `s` is an RFC 3339 time in UTC to the second (`2026-11-30T06:10:00Z`), a
/// valid `xsd:dateTime`.
pub fn is_utc_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let number = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(99);
    b.len() == 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && b[19] == b'Z'
        && (1..=12).contains(&number(5..7))
        && (1..=31).contains(&number(8..10))
        && number(11..13) < 24
        && number(14..16) < 60
        && number(17..19) < 60
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_in_code_points_with_context() {
        let text = "Über Käse. Alibaba bezeichnete die Behauptungen als \"völligen Unsinn\". Ende.";
        let at = text.find("\"völligen").unwrap();
        let q = anchor(text, at, "\"völligen Unsinn\"".len());
        assert_eq!(q.start, text[..at].chars().count());
        assert_eq!(q.end - q.start, "\"völligen Unsinn\"".chars().count());
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(
            chars[q.start..q.end].iter().collect::<String>(),
            "\"völligen Unsinn\""
        );
        assert_eq!(
            q.sentence,
            "Alibaba bezeichnete die Behauptungen als \"völligen Unsinn\"."
        );
    }

    #[test]
    fn closest_passage_finds_the_near_miss() {
        let text = "China dementierte die Anschuldigungen und erklärte etwas.";
        assert_eq!(
            closest_passage(text, "China dementiert die Anschuldigung"),
            "China dementierte die Anschuldigun"
        );
        assert_eq!(
            closest_passage(
                "a b. Globex declined to comment.\n",
                "Globex declined to comment on it."
            ),
            "Globex declined to comment."
        );
    }

    #[test]
    fn suggests_close_ids() {
        let known = vec![
            "hikvision".to_owned(),
            "huawei".to_owned(),
            "google".to_owned(),
        ];
        assert_eq!(
            suggest("hikvison", known.iter()),
            " (did you mean 'hikvision'?)"
        );
        assert_eq!(suggest("zzz", known.iter()), "");
    }
}
