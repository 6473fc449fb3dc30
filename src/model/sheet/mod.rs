//! The claim sheet: one human-editable TOML file per article, and reference sheets
//! that only define entities.
//!
//! [`Sheet::parse`] reads the TOML into these serde types; [`validate::validate`]
//! checks every reference and anchors every quote, producing a
//! [`validate::ValidSheet`] that [`crate::model::graph`] turns into quads. The format is
//! documented for analysts in `docs/claim-sheet.md`.
//!
//! Fields that other parts of a sheet refer to keep their byte span
//! ([`toml::Spanned`]) so that a bad reference is reported at its line.

pub mod date;
pub mod validate;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

pub use date::{PartialDate, Precision};

/// A parsed (not yet validated) sheet.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sheet {
    /// The article this sheet models; absent in a reference sheet of entities.
    pub article: Option<ArticleMeta>,
    #[serde(default)]
    pub entity: Vec<EntityDef>,
    #[serde(default)]
    pub document: Vec<DocumentDef>,
    #[serde(default)]
    pub claim: Vec<ClaimDef>,
    /// Not part of the file: where it was read from and its source text.
    #[serde(skip)]
    pub origin: SheetOrigin,
}

/// Where a sheet came from, for error messages and for reading `text_file`.
#[derive(Debug, Clone, Default)]
pub struct SheetOrigin {
    pub path: PathBuf,
    pub source: String,
    /// What identifies the sheet's file whatever its name: its canonical absolute path
    /// (the path as given when it cannot be resolved). A reference sheet's contribution
    /// ledger is keyed by it, so two `entities.toml` in two folders are two sheets.
    pub location: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleMeta {
    /// A slug (`[a-z0-9-]`); the article's IRI is minted from it, so it must not change.
    pub id: Spanned<String>,
    pub title: Option<String>,
    pub url: Option<Spanned<String>>,
    /// The id of the publishing entity, when the text or its metadata says who it is.
    pub publisher: Option<Spanned<String>>,
    /// BCP 47 language tag of the text, e.g. "de".
    pub language: Spanned<String>,
    pub date: Option<Spanned<DateField>>,
    /// The article text, inline.
    pub text: Option<String>,
    /// The article text, in a UTF-8 file beside the sheet.
    pub text_file: Option<Spanned<String>>,
}

/// A date as written in a sheet (kept with its span by the fields that hold it): either `"2019-10"` or `{ value = "--10", text = "im Oktober" }`
/// or, for dates the article gives only relatively, `{ text = "am Freitag" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum DateField {
    Plain(String),
    Detailed {
        value: Option<String>,
        text: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntityKind {
    Company,
    Organization,
    Government,
    Person,
    Country,
    Place,
    List,
    Group,
}

impl EntityKind {
    pub const ALL: [EntityKind; 8] = [
        EntityKind::Company,
        EntityKind::Organization,
        EntityKind::Government,
        EntityKind::Person,
        EntityKind::Country,
        EntityKind::Place,
        EntityKind::List,
        EntityKind::Group,
    ];

    /// The path segment of this kind's IRIs (`…/id/org/hikvision`).
    pub fn segment(self) -> &'static str {
        match self {
            EntityKind::Company | EntityKind::Organization => "org",
            EntityKind::Government => "gov",
            EntityKind::Person => "person",
            EntityKind::Country | EntityKind::Place => "place",
            EntityKind::List => "list",
            EntityKind::Group => "group",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Company => "company",
            EntityKind::Organization => "organization",
            EntityKind::Government => "government",
            EntityKind::Person => "person",
            EntityKind::Country => "country",
            EntityKind::Place => "place",
            EntityKind::List => "list",
            EntityKind::Group => "group",
        }
    }

    pub fn from_str(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityDef {
    pub id: Spanned<String>,
    pub kind: EntityKind,
    pub label_en: String,
    pub label_de: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Entity id of the country it belongs to.
    pub country: Option<Spanned<String>>,
    /// Entity id of the body it is part of (a department of a government...).
    pub part_of: Option<Spanned<String>>,
    /// Wikidata item id ("Q95"), only where certain.
    pub wikidata: Option<Spanned<String>>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    Report,
    NewsReport,
    Memorandum,
    Intelligence,
    Statement,
    OfficialNotice,
    Interview,
    Document,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 8] = [
        DocumentKind::Report,
        DocumentKind::NewsReport,
        DocumentKind::Memorandum,
        DocumentKind::Intelligence,
        DocumentKind::Statement,
        DocumentKind::OfficialNotice,
        DocumentKind::Interview,
        DocumentKind::Document,
    ];

    /// The ontology class (local name in `cg:`).
    pub fn class(self) -> &'static str {
        match self {
            DocumentKind::Report => "Report",
            DocumentKind::NewsReport => "NewsReport",
            DocumentKind::Memorandum => "Memorandum",
            DocumentKind::Intelligence => "IntelligenceReport",
            DocumentKind::Statement => "PublicStatement",
            DocumentKind::OfficialNotice => "OfficialNotice",
            DocumentKind::Interview => "Interview",
            DocumentKind::Document => "SourceDocument",
        }
    }
}

/// How a document reaches the one that relays it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// The relaying text cites it as its source ("unter Berufung auf").
    #[default]
    Cites,
    /// The relaying text reports on it.
    ReportsOn,
    /// The relaying text quotes it word for word.
    Quotes,
    /// The relaying document rests on it (a memo on intelligence).
    BasedOn,
}

impl LinkKind {
    /// The ontology property (local name in `cg:`), a subproperty of `cg:relays`.
    pub fn property(self) -> &'static str {
        match self {
            LinkKind::Cites => "cites",
            LinkKind::ReportsOn => "reportsOn",
            LinkKind::Quotes => "quotes",
            LinkKind::BasedOn => "basedOn",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentDef {
    /// A slug; documents are shared between articles by id (two articles relaying the
    /// same report name the same id), which is how independent origins are told apart.
    pub id: Spanned<String>,
    pub kind: DocumentKind,
    pub title: Option<String>,
    /// Entity id of who made the document.
    pub author: Option<Spanned<String>>,
    pub date: Option<Spanned<DateField>>,
    pub url: Option<Spanned<String>>,
    /// The document this one is known through; absent means the article itself relays it.
    pub via: Option<Spanned<String>>,
    /// How `via` (or the article) relays this document.
    #[serde(default)]
    pub link: LinkKind,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimKind {
    Allegation,
    Assertion,
    OfficialAction,
    Threat,
    Quantitative,
    Assessment,
    Denial,
    RefusalToComment,
    NonAnswer,
    Objection,
    Corroboration,
    Correction,
    Retraction,
    NotReachable,
}

impl ClaimKind {
    pub const ALL: [ClaimKind; 14] = [
        ClaimKind::Allegation,
        ClaimKind::Assertion,
        ClaimKind::OfficialAction,
        ClaimKind::Threat,
        ClaimKind::Quantitative,
        ClaimKind::Assessment,
        ClaimKind::Denial,
        ClaimKind::RefusalToComment,
        ClaimKind::NonAnswer,
        ClaimKind::Objection,
        ClaimKind::Corroboration,
        ClaimKind::Correction,
        ClaimKind::Retraction,
        ClaimKind::NotReachable,
    ];

    /// The ontology class (local name in `cg:`).
    pub fn class(self) -> &'static str {
        match self {
            ClaimKind::Allegation => "Allegation",
            ClaimKind::Assertion => "Assertion",
            ClaimKind::OfficialAction => "OfficialAction",
            ClaimKind::Threat => "Threat",
            ClaimKind::Quantitative => "QuantitativeClaim",
            ClaimKind::Assessment => "Assessment",
            ClaimKind::Denial => "Denial",
            ClaimKind::RefusalToComment => "RefusalToComment",
            ClaimKind::NonAnswer => "NonAnswer",
            ClaimKind::Objection => "Objection",
            ClaimKind::Corroboration => "Corroboration",
            ClaimKind::Correction => "Correction",
            ClaimKind::Retraction => "Retraction",
            ClaimKind::NotReachable => "NotReachable",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Allegation => "allegation",
            ClaimKind::Assertion => "assertion",
            ClaimKind::OfficialAction => "official-action",
            ClaimKind::Threat => "threat",
            ClaimKind::Quantitative => "quantitative",
            ClaimKind::Assessment => "assessment",
            ClaimKind::Denial => "denial",
            ClaimKind::RefusalToComment => "refusal-to-comment",
            ClaimKind::NonAnswer => "non-answer",
            ClaimKind::Objection => "objection",
            ClaimKind::Corroboration => "corroboration",
            ClaimKind::Correction => "correction",
            ClaimKind::Retraction => "retraction",
            ClaimKind::NotReachable => "not-reachable",
        }
    }

    /// Responses answer other claims and must say which (`answers`).
    pub fn is_response(self) -> bool {
        matches!(
            self,
            ClaimKind::Denial
                | ClaimKind::RefusalToComment
                | ClaimKind::NonAnswer
                | ClaimKind::Objection
                | ClaimKind::Corroboration
                | ClaimKind::Correction
                | ClaimKind::Retraction
                | ClaimKind::NotReachable
        )
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimDef {
    /// A slug, unique within the article.
    pub id: Spanned<String>,
    pub kind: ClaimKind,
    /// Entity id of who makes the claim, or "publisher" for the article's own publisher.
    pub claimant: Spanned<String>,
    /// Document id the claim was made in; absent means the article itself.
    pub document: Option<Spanned<String>>,
    /// When the claim was made.
    pub date: Option<Spanned<DateField>>,
    /// When what the claim describes happened (a listing, a threat).
    pub event_date: Option<Spanned<DateField>>,
    /// Entity ids the claim is about.
    #[serde(default)]
    pub about: Vec<Spanned<String>>,
    /// A short plain-English statement of what is claimed.
    pub statement: String,
    /// The verbatim words of the article the claim rests on.
    pub quote: Spanned<String>,
    /// Which occurrence of the quote is meant (1-based) when the words occur more than once.
    pub occurrence: Option<usize>,
    /// Claims this one answers: ids in this sheet, or "article-id/claim-id" for another article's.
    #[serde(default)]
    pub answers: Vec<Spanned<String>>,
    /// The structured content, kept in the claim's own named graph.
    #[serde(default)]
    pub proposition: Vec<PropositionDef>,
    /// Present on machine-drafted claims: how they were drafted.
    pub extraction: Option<ExtractionDef>,
    /// Present on claims a person reviewed in the editor: who, and when.
    pub review: Option<ReviewDef>,
    pub note: Option<String>,
}

/// Who reviewed a claim and when (`[claim.review]`), recorded as PROV attribution.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewDef {
    /// The reviewer, a slug (`alice`): the agent IRI is minted from it.
    pub by: Spanned<String>,
    /// When, as an RFC 3339 UTC time (`2026-11-30T06:10:00Z`).
    pub at: Spanned<String>,
}

/// One statement inside a claim: `subject predicate object` with entity ids and an
/// ontology property, or `subject predicate value` with a literal.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PropositionDef {
    pub subject: Spanned<String>,
    /// An ontology property's local name (`providesCdnTo`) or a prefixed name (`cg:listedOn`).
    pub predicate: Spanned<String>,
    pub object: Option<Spanned<String>>,
    pub value: Option<toml::Value>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExtractionDef {
    pub method: String,
    pub version: String,
    pub confidence: f64,
    pub rule: Option<String>,
}

/// A sheet that could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Input(#[from] crate::write::input::InputError),
    #[error("{path}: not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { path: PathBuf, offset: usize },
    #[error("{path}:{line}:{column}: {message}")]
    Toml {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

impl Sheet {
    /// Reads and parses a sheet file.
    pub fn read(path: &Path) -> Result<Sheet, ReadError> {
        let bytes = crate::write::input::read_capped(path, crate::write::input::MAX_SHEET_BYTES)?;
        let source = String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
            path: path.to_owned(),
            offset: e.utf8_error().valid_up_to(),
        })?;
        Sheet::parse(path, source)
    }

    /// Parses sheet text; `path` is used for messages and to find a `text_file`.
    pub fn parse(path: &Path, source: String) -> Result<Sheet, ReadError> {
        let mut sheet: Sheet = toml::from_str(&source).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| line_col(&source, s.start))
                .unwrap_or((1, 1));
            ReadError::Toml {
                path: path.to_owned(),
                line,
                column,
                message: e.message().trim().to_owned(),
            }
        })?;
        let location = std::fs::canonicalize(path)
            .unwrap_or_else(|_| path.to_owned())
            .display()
            .to_string();
        sheet.origin = SheetOrigin {
            path: path.to_owned(),
            source,
            location,
        };
        Ok(sheet)
    }

    /// The 1-based line and column of a byte offset in this sheet's source.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(&self.origin.source, offset)
    }
}

/// The 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..source.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Whether an id is a safe slug: lowercase ASCII letters, digits and inner hyphens,
/// so that it can become an IRI segment and a file name unchanged.
pub fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}
