//! Scoring drafts against hand-made claim sheets: precision, recall and F1 of
//! entities, claims, claim kinds and response links.
//!
//! [`score_sheet`] compares one draft with one sheet; [`Tally`] adds articles up and
//! [`write_table`] prints the table. Definitions:
//! - *entities*: the entity ids a sheet uses (claimants, `about`, proposition ends,
//!   document authors);
//! - *claims*: a drafted claim is right when a hand-made claim has the same claimant
//!   and an overlapping quote (each hand-made claim is matched at most once);
//! - *kinds*: a drafted claim is right when an overlapping hand-made claim has its kind;
//!   a hand-made claim is found when an overlapping drafted claim has its kind;
//! - *responses*: a drafted link "response answers claim" is right when both ends
//!   match hand-made claims (as for *claims*) that are linked the same way.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::ops::Range;

use super::draft::Draft;
use crate::sheet::{ClaimKind, Sheet};

/// Counts for one measure.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    /// Items in the hand-made sheets.
    pub gold: usize,
    /// Items drafted.
    pub drafted: usize,
    /// Drafted items that are right.
    pub correct_drafted: usize,
    /// Hand-made items found.
    pub found_gold: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.correct_drafted, self.drafted)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.found_gold, self.gold)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, o: &Counts) {
        self.gold += o.gold;
        self.drafted += o.drafted;
        self.correct_drafted += o.correct_drafted;
        self.found_gold += o.found_gold;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        if a == 0 {
            1.0
        } else {
            0.0
        }
    } else {
        a as f64 / b as f64
    }
}

pub const MEASURES: [&str; 4] = ["entities", "claims", "claim kinds", "responses"];

/// The scores of one article (or a sum of articles), in the order of [`MEASURES`].
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub name: String,
    pub counts: [Counts; 4],
}

impl Tally {
    pub fn add(&mut self, o: &Tally) {
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            a.add(b);
        }
    }
    pub fn get(&self, measure: &str) -> Counts {
        MEASURES
            .iter()
            .position(|m| *m == measure)
            .map(|i| self.counts[i])
            .unwrap_or_default()
    }
}

/// A hand-made sheet's text that could not be found.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ScoreError {
    pub path: String,
    pub message: String,
}

/// The article text of a sheet (inline or `text_file` beside it).
pub fn sheet_text(sheet: &Sheet) -> Result<String, ScoreError> {
    let err = |message: String| ScoreError {
        path: sheet.origin.path.display().to_string(),
        message,
    };
    let a = sheet
        .article
        .as_ref()
        .ok_or_else(|| err("not an article sheet (no [article] table)".into()))?;
    match (&a.text, &a.text_file) {
        (Some(t), _) => Ok(t.clone()),
        (None, Some(f)) => {
            crate::input::read_text_beside(&sheet.origin.path, f.get_ref()).map_err(err)
        }
        (None, None) => Err(err("the sheet has no text".into())),
    }
}

struct Gold {
    claimant: String,
    kind: ClaimKind,
    span: Range<usize>,
    id: String,
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Scores `draft` (drafted from `text`) against the hand-made `sheet`.
pub fn score_sheet(sheet: &Sheet, text: &str, draft: &Draft) -> Tally {
    let name = sheet
        .article
        .as_ref()
        .map(|a| a.id.get_ref().clone())
        .unwrap_or_default();
    let gold: Vec<Gold> = sheet
        .claim
        .iter()
        .filter_map(|c| {
            let q = c.quote.get_ref();
            let k = c.occurrence.unwrap_or(1).max(1);
            let start = text.match_indices(q.as_str()).nth(k - 1)?.0;
            Some(Gold {
                claimant: c.claimant.get_ref().clone(),
                kind: c.kind,
                span: start..start + q.len(),
                id: c.id.get_ref().clone(),
            })
        })
        .collect();

    // Entities.
    let mut gold_entities = BTreeSet::new();
    for c in &sheet.claim {
        gold_entities.insert(c.claimant.get_ref().clone());
        gold_entities.extend(c.about.iter().map(|a| a.get_ref().clone()));
        for p in &c.proposition {
            gold_entities.insert(p.subject.get_ref().clone());
            gold_entities.extend(p.object.iter().map(|o| o.get_ref().clone()));
        }
    }
    gold_entities.extend(
        sheet
            .document
            .iter()
            .filter_map(|d| d.author.as_ref().map(|a| a.get_ref().clone())),
    );
    gold_entities.remove("publisher");
    let mut drafted_entities = BTreeSet::new();
    for c in &draft.claims {
        drafted_entities.insert(c.claimant.clone());
        drafted_entities.extend(c.about.iter().cloned());
        for (s, _, o) in &c.propositions {
            drafted_entities.insert(s.clone());
            drafted_entities.insert(o.clone());
        }
    }
    drafted_entities.extend(draft.documents.iter().map(|d| d.author.clone()));
    drafted_entities.remove("publisher");
    let common = gold_entities.intersection(&drafted_entities).count();
    let entities = Counts {
        gold: gold_entities.len(),
        drafted: drafted_entities.len(),
        correct_drafted: common,
        found_gold: common,
    };

    // Claims: same claimant, overlapping quote, one to one.
    let mut matched: HashMap<usize, usize> = HashMap::new(); // drafted -> gold
    let mut taken = HashSet::new();
    for (di, d) in draft.claims.iter().enumerate() {
        let best = gold
            .iter()
            .enumerate()
            .filter(|(gi, g)| {
                !taken.contains(gi) && g.claimant == d.claimant && overlaps(&g.span, &d.quote)
            })
            .max_by_key(|(_, g)| g.span.end.min(d.quote.end) - g.span.start.max(d.quote.start))
            .map(|(gi, _)| gi);
        if let Some(gi) = best {
            taken.insert(gi);
            matched.insert(di, gi);
        }
    }
    let claims = Counts {
        gold: gold.len(),
        drafted: draft.claims.len(),
        correct_drafted: matched.len(),
        found_gold: matched.len(),
    };

    // Kinds.
    let kinds = Counts {
        gold: gold.len(),
        drafted: draft.claims.len(),
        correct_drafted: draft
            .claims
            .iter()
            .filter(|d| {
                gold.iter()
                    .any(|g| overlaps(&g.span, &d.quote) && g.kind == d.kind)
            })
            .count(),
        found_gold: gold
            .iter()
            .filter(|g| {
                draft
                    .claims
                    .iter()
                    .any(|d| overlaps(&g.span, &d.quote) && g.kind == d.kind)
            })
            .count(),
    };

    // Response links.
    let gold_index: HashMap<&str, usize> = gold
        .iter()
        .enumerate()
        .map(|(i, g)| (g.id.as_str(), i))
        .collect();
    let mut gold_links = HashSet::new();
    for c in &sheet.claim {
        let Some(&r) = gold_index.get(c.id.get_ref().as_str()) else {
            continue;
        };
        for a in &c.answers {
            if let Some(&t) = gold_index.get(a.get_ref().as_str()) {
                gold_links.insert((r, t));
            }
        }
    }
    let draft_index: HashMap<&str, usize> = draft
        .claims
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut drafted_links = 0;
    let mut right = HashSet::new();
    for (di, d) in draft.claims.iter().enumerate() {
        for a in &d.answers {
            drafted_links += 1;
            let (Some(&r), Some(t)) = (
                matched.get(&di),
                draft_index.get(a.as_str()).and_then(|ti| matched.get(ti)),
            ) else {
                continue;
            };
            if gold_links.contains(&(r, *t)) {
                right.insert((r, *t));
            }
        }
    }
    let responses = Counts {
        gold: gold_links.len(),
        drafted: drafted_links,
        correct_drafted: right.len(),
        found_gold: right.len(),
    };

    Tally {
        name,
        counts: [entities, claims, kinds, responses],
    }
}

/// Prints one row per article and measure, then the totals.
pub fn write_table(tallies: &[Tally], out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<28} {:<12} {:>5} {:>8} {:>8} {:>6} {:>10} {:>7} {:>6}",
        "article", "measure", "gold", "drafted", "right", "found", "precision", "recall", "F1"
    )?;
    let mut total = Tally {
        name: "TOTAL".into(),
        ..Tally::default()
    };
    for t in tallies {
        total.add(t);
    }
    for t in tallies.iter().chain(std::iter::once(&total)) {
        for (m, c) in MEASURES.iter().zip(&t.counts) {
            let name: String = t.name.chars().take(28).collect();
            writeln!(
                out,
                "{:<28} {:<12} {:>5} {:>8} {:>8} {:>6} {:>10.2} {:>7.2} {:>6.2}",
                name,
                m,
                c.gold,
                c.drafted,
                c.correct_drafted,
                c.found_gold,
                c.precision(),
                c.recall(),
                c.f1()
            )?;
        }
    }
    Ok(())
}
