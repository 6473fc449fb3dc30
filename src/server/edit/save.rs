//! Saving a review: the claim sheet written as TOML, its version, the import, the audit log.
//!
//! [`write_sheet`] turns the review model into claim-sheet TOML (the one source of truth,
//! readable in a diff) and remembers which form field each line came from, so that
//! [`check`] can put every validation error next to its field. Every string goes through
//! the TOML escaper, so no field value can add a table or a key. [`import`] runs the
//! sheet through the CLI's own path ([`crate::write::import::import_sheet`]: the same validation
//! and one transaction that replaces the article's contribution). A sheet's version is
//! the SHA-256 of its bytes ([`version`]); [`AuditLog`] appends one JSON line per save.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use super::review::{split_list, ClaimCard, ClaimDecision, DateFields, EntityDecision, Review};
use crate::extract::sheet_writer::{toml_string, toml_text};
use crate::model::sheet::Sheet;
use crate::store::{GraphStore, StoreError};
use crate::write::import::{self, SheetImportError};

/// A sheet's version: the SHA-256 of its bytes, in hex.
pub fn version(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Who saves, and when (an RFC 3339 UTC time).
#[derive(Debug, Clone)]
pub struct Stamp {
    pub reviewer: String,
    pub at: String,
}

/// A written sheet and, for each of its lines (0-based), the form field it came from.
#[derive(Debug, Clone, Default)]
pub struct Written {
    pub toml: String,
    lines: Vec<Option<String>>,
}

impl Written {
    /// The form field of a 1-based line of the sheet.
    pub fn field_at(&self, line: usize) -> Option<&str> {
        self.lines.get(line.checked_sub(1)?)?.as_deref()
    }

    fn line(&mut self, text: &str, field: Option<&str>) {
        for part in text.split_inclusive('\n') {
            self.toml.push_str(part);
            if part.ends_with('\n') {
                self.lines.push(field.map(str::to_owned));
            }
        }
        if !text.ends_with('\n') {
            self.toml.push('\n');
            self.lines.push(field.map(str::to_owned));
        }
    }

    fn key(&mut self, key: &str, value: String, field: &str) {
        self.line(&format!("{key} = {value}"), Some(field));
    }

    fn text(&mut self, key: &str, value: &str, field: &str) {
        if !value.trim().is_empty() {
            self.key(key, toml_string(value.trim()), field);
        }
    }

    fn list(&mut self, key: &str, items: &[String], field: &str) {
        let items: Vec<String> = items.iter().map(|s| toml_string(s)).collect();
        self.key(key, format!("[{}]", items.join(", ")), field);
    }

    fn date(&mut self, key: &str, date: &DateFields, field: &str) {
        let (value, text) = (date.value.trim(), date.text.trim());
        match (value.is_empty(), text.is_empty()) {
            (true, true) => {}
            (false, true) => self.key(key, toml_string(value), field),
            (true, false) => self.key(key, format!("{{ text = {} }}", toml_string(text)), field),
            (false, false) => self.key(
                key,
                format!(
                    "{{ value = {}, text = {} }}",
                    toml_string(value),
                    toml_string(text)
                ),
                field,
            ),
        }
    }
}

/// The review as a claim sheet. Accepted claims lose their extraction table and get a
/// `[claim.review]` with `stamp` (or keep their earlier review when nothing in them
/// changed since `previous`); drafted ones keep their extraction table; rejected ones,
/// merged and dropped entities are left out.
pub fn write_sheet(review: &Review, stamp: &Stamp, previous: &Review) -> Written {
    let mut w = Written::default();
    let a = &review.article;
    w.line(
        "# Claim sheet reviewed in claimgraph's editor (`claimgraph serve --edit`).",
        None,
    );
    w.line(
        "# Claims with a [claim.extraction] table are still machine-drafted.\n",
        None,
    );
    w.line("[article]", None);
    w.key("id", toml_string(&a.id), "a.id");
    w.text("title", &a.title, "a.title");
    w.text("url", &a.url, "a.url");
    w.text("publisher", &a.publisher, "a.publisher");
    w.key("language", toml_string(a.language.trim()), "a.language");
    w.date("date", &a.date, "a.date");
    w.key("text", toml_text(&a.text), "a.text");

    // Fields are named by the card's place in the written sheet, which is where the
    // review page reads its cards from next.
    let confirmed = review
        .entities
        .iter()
        .filter(|e| e.decision == EntityDecision::Confirm);
    for (i, e) in confirmed.enumerate() {
        let f = |name: &str| format!("e{i}.{name}");
        w.line("", None);
        w.line("[[entity]]", Some(&f("id")));
        w.key("id", toml_string(&e.id), &f("id"));
        w.key("kind", toml_string(e.kind.trim()), &f("kind"));
        w.key("label_en", toml_string(e.label_en.trim()), &f("label_en"));
        w.key("label_de", toml_string(e.label_de.trim()), &f("label_de"));
        let aliases = split_list(&e.aliases.replace(',', ";"));
        if !aliases.is_empty() {
            w.list("aliases", &aliases, &f("aliases"));
        }
        w.text("country", &e.country, &f("country"));
        w.text("part_of", &e.part_of, &f("part_of"));
        w.text("wikidata", &e.wikidata, &f("wikidata"));
        w.text("description", &e.description, &f("description"));
    }

    for (i, d) in review.documents.iter().enumerate() {
        let f = |name: &str| format!("d{i}.{name}");
        w.line("", None);
        w.line("[[document]]", Some(&f("id")));
        w.key("id", toml_string(&d.id), &f("id"));
        w.key("kind", toml_string(d.kind.trim()), &f("kind"));
        w.text("title", &d.title, &f("title"));
        w.text("author", &d.author, &f("author"));
        w.date("date", &d.date, &f("date"));
        w.text("url", &d.url, &f("url"));
        w.text("via", &d.via, &f("via"));
        if !d.link.trim().is_empty() {
            w.key("link", toml_string(d.link.trim()), &f("link"));
        }
        w.text("description", &d.description, &f("description"));
    }

    let before: HashMap<&str, &ClaimCard> =
        previous.claims.iter().map(|c| (c.id.as_str(), c)).collect();
    let kept = review
        .claims
        .iter()
        .filter(|c| c.decision != ClaimDecision::Reject);
    for (i, c) in kept.enumerate() {
        w.line("", None);
        write_claim(&mut w, c, i);
        match c.decision {
            ClaimDecision::Draft => {
                if let Some(x) = &c.extraction {
                    w.line("\n[claim.extraction]", None);
                    w.key("method", toml_string(&x.method), &format!("c{i}.id"));
                    w.key("version", toml_string(&x.version), &format!("c{i}.id"));
                    w.key(
                        "confidence",
                        format!("{:.2}", x.confidence),
                        &format!("c{i}.id"),
                    );
                    if let Some(rule) = &x.rule {
                        w.key("rule", toml_string(rule), &format!("c{i}.id"));
                    }
                }
            }
            ClaimDecision::Accept => {
                let unchanged = before.get(c.id.as_str()).is_some_and(|old| {
                    old.extraction.is_none() && old.review.is_some() && same_claim(old, c)
                });
                let (by, at) = match (&c.review, unchanged) {
                    (Some((by, at)), true) => (by.clone(), at.clone()),
                    _ => (stamp.reviewer.clone(), stamp.at.clone()),
                };
                w.line("\n[claim.review]", None);
                w.key("by", toml_string(&by), &format!("c{i}.decision"));
                w.key("at", toml_string(&at), &format!("c{i}.decision"));
            }
            ClaimDecision::Reject => {}
        }
    }
    w
}

/// Whether two versions of a claim say the same (their review record aside).
fn same_claim(a: &ClaimCard, b: &ClaimCard) -> bool {
    let mut x = Written::default();
    let mut y = Written::default();
    write_claim(&mut x, a, 0);
    write_claim(&mut y, b, 0);
    x.toml == y.toml
}

fn write_claim(w: &mut Written, c: &ClaimCard, i: usize) {
    let f = |name: &str| format!("c{i}.{name}");
    w.line("[[claim]]", Some(&f("id")));
    w.key("id", toml_string(&c.id), &f("id"));
    w.key("kind", toml_string(c.kind.trim()), &f("kind"));
    w.key("claimant", toml_string(c.claimant.trim()), &f("claimant"));
    w.text("document", &c.document, &f("document"));
    w.date("date", &c.date, &f("date"));
    w.date("event_date", &c.event_date, &f("event_date"));
    w.list("about", &split_list(&c.about), &f("about"));
    w.key(
        "statement",
        toml_string(c.statement.trim()),
        &f("statement"),
    );
    w.key("quote", toml_string(&c.quote), &f("quote"));
    if let Some(n) = c.occurrence {
        w.key("occurrence", n.to_string(), &f("quote"));
    }
    let answers = split_list(&c.answers);
    if !answers.is_empty() {
        w.list("answers", &answers, &f("answers"));
    }
    w.text("note", &c.note, &f("note"));
    for (j, p) in c.propositions.iter().enumerate() {
        let pf = |name: &str| format!("c{i}.p{j}.{name}");
        w.line("\n[[claim.proposition]]", Some(&pf("predicate")));
        w.key("subject", toml_string(p.subject.trim()), &pf("subject"));
        w.key(
            "predicate",
            toml_string(p.predicate.trim()),
            &pf("predicate"),
        );
        if !p.object.trim().is_empty() {
            w.key("object", toml_string(p.object.trim()), &pf("object"));
        }
        if !p.value.trim().is_empty() {
            w.key("value", toml_value(&p.value), &pf("value"));
        }
    }
}

/// A literal as TOML: what the reviewer typed when it is one TOML value (`9`,
/// `"nine"`, `2025-01-01`), written back by the TOML writer; otherwise the text as a
/// string. Never the typed text itself, which could open a table.
fn toml_value(typed: &str) -> String {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct One {
        v: toml::Value,
    }
    match toml::from_str::<One>(&format!("v = {}", typed.trim())) {
        Ok(one) => one.v.to_string(),
        Err(_) => toml_string(typed.trim()),
    }
}

/// What validation found, by form field; `general` holds what no field explains.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FieldErrors {
    pub by_field: BTreeMap<String, Vec<String>>,
    pub general: Vec<String>,
}

impl FieldErrors {
    pub fn is_empty(&self) -> bool {
        self.by_field.is_empty() && self.general.is_empty()
    }

    pub fn count(&self) -> usize {
        self.by_field.values().map(Vec::len).sum::<usize>() + self.general.len()
    }

    fn add(&mut self, written: &Written, line: usize, message: String) {
        match written.field_at(line) {
            Some(field) => self
                .by_field
                .entry(field.to_owned())
                .or_default()
                .push(message),
            None => self.general.push(message),
        }
    }
}

/// Why a save did not import.
#[derive(Debug)]
pub enum SaveError {
    /// The sheet is not valid: nothing was imported.
    Invalid(FieldErrors),
    Store(StoreError),
}

/// Validates the written sheet as `path` against the store and, when it is valid,
/// replaces the article's contribution in one transaction (statuses re-derived) and
/// publishes it to readers, as `claimgraph import` does. Returns the claims imported.
pub fn import(store: &GraphStore, path: &Path, written: &Written) -> Result<usize, SaveError> {
    let sheet = match Sheet::parse(path, written.toml.clone()) {
        Ok(sheet) => sheet,
        Err(crate::model::sheet::ReadError::Toml { line, message, .. }) => {
            let mut errors = FieldErrors::default();
            errors.add(written, line, message);
            return Err(SaveError::Invalid(errors));
        }
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.general.push(e.to_string());
            return Err(SaveError::Invalid(errors));
        }
    };
    let known = import::known_for(store, std::slice::from_ref(&sheet)).map_err(SaveError::Store)?;
    // The same validation the CLI runs, read back field by field.
    if let Err(found) = crate::model::sheet::validate::validate(&sheet, &known) {
        let mut errors = FieldErrors::default();
        for e in found.0 {
            errors.add(written, e.line, format!("{}: {}", e.field, e.message));
        }
        return Err(SaveError::Invalid(errors));
    }
    match import::import_sheet(store, &sheet, &known) {
        Ok((contribution, _)) => {
            store.flush().map_err(SaveError::Store)?;
            Ok(contribution.claims)
        }
        Err(SheetImportError::Invalid(message)) => {
            let mut errors = FieldErrors::default();
            errors.general.push(message);
            Err(SaveError::Invalid(errors))
        }
        Err(SheetImportError::Store(e)) => Err(SaveError::Store(e)),
    }
}

/// Writes `bytes` to `path` whole or not at all: a temporary file beside it, renamed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("sheet");
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

/// One save, as the audit log records it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEntry<'a> {
    pub at: &'a str,
    pub reviewer: &'a str,
    pub article: &'a str,
    /// `imported`, `invalid` (kept as a draft, nothing imported) or `failed`.
    pub outcome: &'a str,
    /// SHA-256 of the sheet before and after.
    pub before: &'a str,
    pub after: &'a str,
}

/// The append-only audit log: one JSON object per line.
pub struct AuditLog {
    path: PathBuf,
    lock: Mutex<()>,
}

impl AuditLog {
    pub fn new(path: PathBuf) -> Self {
        AuditLog {
            path,
            lock: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn append(&self, entry: &AuditEntry<'_>) -> std::io::Result<()> {
        let _held = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
        line.push('\n');
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        f.write_all(line.as_bytes())?;
        f.sync_data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::edit::review::{ArticleFields, ClaimCard};

    #[test]
    fn review_times_are_what_the_sheet_accepts() {
        assert!(crate::model::sheet::validate::is_utc_timestamp(
            &crate::publish::nanopub::now_xsd()
        ));
        assert!(!crate::model::sheet::validate::is_utc_timestamp(
            "2026-13-01T00:00:00Z"
        ));
        assert!(!crate::model::sheet::validate::is_utc_timestamp(
            "2026-11-30 06:00:00Z"
        ));
    }

    #[test]
    fn hostile_field_values_stay_inside_their_field() {
        let review = Review {
            article: ArticleFields {
                id: "a".into(),
                language: "en".into(),
                title: "x\"\n[[claim]]\nid = \"evil\"".into(),
                text: "A said so.".into(),
                ..ArticleFields::default()
            },
            claims: vec![ClaimCard {
                id: "c1".into(),
                kind: "assertion".into(),
                claimant: "publisher".into(),
                statement: "s".into(),
                quote: "A said so.".into(),
                decision: ClaimDecision::Accept,
                propositions: vec![super::super::review::PropositionRow {
                    subject: "a".into(),
                    predicate: "p".into(),
                    object: String::new(),
                    value: "1\n[article]\nid = \"b\"".into(),
                }],
                ..ClaimCard::default()
            }],
            ..Review::default()
        };
        let stamp = Stamp {
            reviewer: "alice".into(),
            at: "2026-11-30T06:00:00Z".into(),
        };
        let written = write_sheet(&review, &stamp, &Review::default());
        let sheet = Sheet::parse(Path::new("a.toml"), written.toml.clone()).unwrap();
        assert_eq!(sheet.claim.len(), 1, "{}", written.toml);
        assert_eq!(sheet.article.unwrap().title.unwrap(), review.article.title);
        let value = sheet.claim[0].proposition[0].value.clone().unwrap();
        assert_eq!(value.as_str(), Some("1\n[article]\nid = \"b\""));
        let r = sheet.claim[0].review.as_ref().unwrap();
        assert_eq!(r.by.get_ref(), "alice");
        assert!(sheet.claim[0].extraction.is_none());
    }
}
