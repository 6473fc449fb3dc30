//! Scoring drafts against hand-made claim sheets: precision, recall and F1 of
//! entities, claims, claim kinds and response links, and the measures a reader would use.
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
//!
//! The reader's measures compare who is meant rather than ids: a drafted claimant is the
//! sheet's entity whose id, label or alias it spells (case and punctuation aside), and
//! "publisher" is the article's publisher.
//! - *claims strict* / *claims lenient*: claims (not responses), same claimant, overlapping
//!   quote, and the same kind (strict) or any claim kind (lenient);
//! - *responses strict* / *responses lenient*: responses by the same responder, overlapping
//!   quote, the same kind (strict) or a kind of the same family (lenient: denial and
//!   objection; refusal to comment, non-answer and not reachable; corroboration; correction
//!   and retraction);
//! - *proposed entities*: a proposed new entity is right when its label names an entity the
//!   sheet defines (a real, new named entity); recall counts the sheet's entities proposed;
//! - *documents*: a drafted document is right when a hand-made one has the same author and
//!   reaches the article through a document of the same author (or directly, both).
//!
//! The table ends with a calibration of the drafts' confidence: per confidence bin, how
//! many claims and responses were drafted and how many are right (strict).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::ops::Range;

use super::draft::{slug, Draft};
use crate::model::sheet::{ClaimKind, Sheet};

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

pub const MEASURES: [&str; 10] = [
    "entities",
    "claims",
    "claim kinds",
    "responses",
    "claims strict",
    "claims lenient",
    "responses strict",
    "responses lenient",
    "proposed entities",
    "documents",
];

/// Lower bounds of the confidence bins of the calibration table.
pub const CONFIDENCE_BINS: [f64; 6] = [0.0, 0.5, 0.6, 0.7, 0.8, 0.9];

/// The scores of one article (or a sum of articles), in the order of [`MEASURES`].
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub name: String,
    pub counts: [Counts; 10],
    /// Per bin of [`CONFIDENCE_BINS`]: drafted claims and responses, and how many of them
    /// are right (strict: same speaker, overlapping quote, same kind).
    pub calibration: [(usize, usize); 6],
}

impl Tally {
    pub fn add(&mut self, o: &Tally) {
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            a.add(b);
        }
        for (a, b) in self.calibration.iter_mut().zip(&o.calibration) {
            a.0 += b.0;
            a.1 += b.1;
        }
    }

    /// Drafted claims and responses with confidence at least `min`, and how many are right.
    pub fn at_least(&self, min: f64) -> (usize, usize) {
        CONFIDENCE_BINS
            .iter()
            .zip(&self.calibration)
            .filter(|(lower, _)| **lower >= min - 1e-9)
            .fold((0, 0), |(d, r), (_, (bd, br))| (d + bd, r + br))
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
            crate::write::input::read_text_beside(&sheet.origin.path, f.get_ref()).map_err(err)
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
    let mut drafted_entities: BTreeSet<String> = draft.entity_ids().into_iter().collect();
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

    let names = Names::of(sheet);
    let reader = ReaderScores::of(sheet, text, draft, &names);
    let mut calibration = [(0, 0); 6];
    for (c, right) in draft.claims.iter().zip(reader.right_in_draft_order(draft)) {
        let bin = CONFIDENCE_BINS
            .iter()
            .rposition(|lower| c.confidence >= *lower - 1e-9)
            .unwrap_or(0);
        calibration[bin].0 += 1;
        calibration[bin].1 += usize::from(right);
    }
    Tally {
        calibration,
        name,
        counts: [
            entities,
            claims,
            kinds,
            responses,
            reader.claims_strict,
            reader.claims_lenient,
            reader.responses_strict,
            reader.responses_lenient,
            reader.proposed_entities,
            reader.documents,
        ],
    }
}

/// Who the ids of a hand-made sheet name, by every spelling the sheet gives them.
struct Names {
    by_spelling: HashMap<String, String>,
    publisher: Option<String>,
}

impl Names {
    fn of(sheet: &Sheet) -> Names {
        let mut by_spelling = HashMap::new();
        for e in &sheet.entity {
            let id = e.id.get_ref();
            for name in [id, &e.label_en, &e.label_de].into_iter().chain(&e.aliases) {
                let key = slug(name);
                if !key.is_empty() {
                    by_spelling.entry(key).or_insert_with(|| id.clone());
                }
            }
        }
        let publisher = sheet
            .article
            .as_ref()
            .and_then(|a| a.publisher.as_ref())
            .map(|p| p.get_ref().clone());
        Names {
            by_spelling,
            publisher,
        }
    }

    /// The hand-made id a drafted entity id (or proposed entity) stands for.
    fn resolve(&self, id: &str, draft: &Draft) -> String {
        if id == "publisher" {
            return self.publisher.clone().unwrap_or_else(|| id.to_owned());
        }
        let label = draft
            .candidates
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.label.as_str())
            .unwrap_or(id);
        self.by_spelling
            .get(&slug(label))
            .or_else(|| self.by_spelling.get(&slug(id)))
            .cloned()
            .unwrap_or_else(|| id.to_owned())
    }

    /// A gold claimant, with "publisher" meaning the article's publisher.
    fn gold(&self, id: &str) -> String {
        match (&self.publisher, id) {
            (Some(p), "publisher") => p.clone(),
            _ => id.to_owned(),
        }
    }
}

/// The family of a response kind: kinds a reader would not tell apart leniently.
fn response_family(kind: ClaimKind) -> u8 {
    match kind {
        ClaimKind::Denial | ClaimKind::Objection => 0,
        ClaimKind::RefusalToComment | ClaimKind::NonAnswer | ClaimKind::NotReachable => 1,
        ClaimKind::Corroboration => 2,
        ClaimKind::Correction | ClaimKind::Retraction => 3,
        _ => 4,
    }
}

struct Said {
    who: String,
    kind: ClaimKind,
    span: Range<usize>,
}

/// Pairs drafted with hand-made statements one to one: same speaker, overlapping quote,
/// kinds `compatible`; each drafted statement takes the hand-made one it overlaps most.
fn pair(
    gold: &[Said],
    drafted: &[Said],
    compatible: impl Fn(ClaimKind, ClaimKind) -> bool,
) -> (Counts, Vec<bool>, HashSet<usize>) {
    let mut taken = HashSet::new();
    let mut right = Vec::with_capacity(drafted.len());
    for d in drafted {
        let best = gold
            .iter()
            .enumerate()
            .filter(|(gi, g)| {
                !taken.contains(gi)
                    && g.who == d.who
                    && overlaps(&g.span, &d.span)
                    && compatible(g.kind, d.kind)
            })
            .max_by_key(|(_, g)| g.span.end.min(d.span.end) - g.span.start.max(d.span.start))
            .map(|(gi, _)| gi);
        right.push(best.is_some());
        if let Some(gi) = best {
            taken.insert(gi);
        }
    }
    let counts = Counts {
        gold: gold.len(),
        drafted: drafted.len(),
        correct_drafted: taken.len(),
        found_gold: taken.len(),
    };
    (counts, right, taken)
}

struct ReaderScores {
    /// Per drafted claim (responses apart), in draft order: right by the strict measure.
    claim_right: Vec<bool>,
    /// Per drafted response, in draft order: right by the strict measure.
    response_right: Vec<bool>,
    /// Hand-made claims and responses (in sheet order, those whose quote is in the text)
    /// and whether a drafted one matched them strictly.
    gold_found: Vec<(usize, bool)>,
    /// Per proposed entity (used, not carried): its id and whether it is right.
    proposed_right: Vec<(String, bool)>,
    claims_strict: Counts,
    claims_lenient: Counts,
    responses_strict: Counts,
    responses_lenient: Counts,
    proposed_entities: Counts,
    documents: Counts,
}

impl ReaderScores {
    /// Per drafted claim or response, in draft order: right by the strict measure.
    fn right_in_draft_order(&self, draft: &Draft) -> Vec<bool> {
        let (mut claims, mut responses) = (self.claim_right.iter(), self.response_right.iter());
        draft
            .claims
            .iter()
            .map(|c| {
                let next = if c.kind.is_response() {
                    responses.next()
                } else {
                    claims.next()
                };
                next.copied().unwrap_or(false)
            })
            .collect()
    }

    fn of(sheet: &Sheet, text: &str, draft: &Draft, names: &Names) -> ReaderScores {
        let mut gold_claims = Vec::new();
        let mut gold_responses = Vec::new();
        // Sheet index of each hand-made claim and response, in the order pushed.
        let (mut claim_at, mut response_at) = (Vec::new(), Vec::new());
        for (ci, c) in sheet.claim.iter().enumerate() {
            let q = c.quote.get_ref();
            let k = c.occurrence.unwrap_or(1).max(1);
            let Some((start, _)) = text.match_indices(q.as_str()).nth(k - 1) else {
                continue;
            };
            let said = Said {
                who: names.gold(c.claimant.get_ref()),
                kind: c.kind,
                span: start..start + q.len(),
            };
            if c.kind.is_response() {
                gold_responses.push(said);
                response_at.push(ci);
            } else {
                gold_claims.push(said);
                claim_at.push(ci);
            }
        }
        let (mut drafted_claims, mut drafted_responses) = (Vec::new(), Vec::new());
        for c in &draft.claims {
            let said = Said {
                who: names.resolve(&c.claimant, draft),
                kind: c.kind,
                span: c.quote.clone(),
            };
            if c.kind.is_response() {
                drafted_responses.push(said);
            } else {
                drafted_claims.push(said);
            }
        }
        let same = |a: ClaimKind, b: ClaimKind| a == b;
        let family = |a: ClaimKind, b: ClaimKind| response_family(a) == response_family(b);

        // Proposed entities: those the draft defines (used by a drafted claim).
        let defined: HashSet<&str> = sheet
            .entity
            .iter()
            .map(|e| e.id.get_ref().as_str())
            .collect();
        let proposed: Vec<&super::draft::Candidate> = draft
            .candidates
            .iter()
            .filter(|c| c.used && !c.carried)
            .collect();
        let mut found = HashSet::new();
        let mut right = 0;
        let mut proposed_right = Vec::new();
        for c in &proposed {
            let meant = names.resolve(&c.id, draft);
            let is_right = defined.contains(meant.as_str());
            proposed_right.push((c.id.clone(), is_right));
            if is_right {
                right += 1;
                found.insert(meant);
            }
        }
        let proposed_entities = Counts {
            gold: defined.len(),
            drafted: proposed.len(),
            correct_drafted: right,
            found_gold: found.len(),
        };

        // Documents: author, and the author of the document it came through.
        let gold_author = |id: &str| {
            sheet
                .document
                .iter()
                .find(|d| d.id.get_ref() == id)
                .and_then(|d| d.author.as_ref())
                .map(|a| names.gold(a.get_ref()))
        };
        let gold_docs: Vec<(Option<String>, Option<String>)> = sheet
            .document
            .iter()
            .map(|d| {
                (
                    d.author.as_ref().map(|a| names.gold(a.get_ref())),
                    d.via.as_ref().and_then(|v| gold_author(v.get_ref())),
                )
            })
            .collect();
        let drafted_author = |id: &str| {
            draft
                .documents
                .iter()
                .find(|d| d.id == id)
                .map(|d| names.resolve(&d.author, draft))
        };
        let mut taken = HashSet::new();
        for d in &draft.documents {
            let author = Some(names.resolve(&d.author, draft));
            let via = d.via.as_deref().and_then(drafted_author);
            if let Some((gi, _)) = gold_docs
                .iter()
                .enumerate()
                .find(|(gi, g)| !taken.contains(gi) && g.0 == author && g.1 == via)
            {
                taken.insert(gi);
            }
        }
        let documents = Counts {
            gold: gold_docs.len(),
            drafted: draft.documents.len(),
            correct_drafted: taken.len(),
            found_gold: taken.len(),
        };

        let (claims_strict, claim_right, claims_found) = pair(&gold_claims, &drafted_claims, same);
        let (responses_strict, response_right, responses_found) =
            pair(&gold_responses, &drafted_responses, same);
        let mut gold_found: Vec<(usize, bool)> = claim_at
            .iter()
            .enumerate()
            .map(|(k, &ci)| (ci, claims_found.contains(&k)))
            .chain(
                response_at
                    .iter()
                    .enumerate()
                    .map(|(k, &ci)| (ci, responses_found.contains(&k))),
            )
            .collect();
        gold_found.sort_unstable();
        ReaderScores {
            claim_right,
            response_right,
            gold_found,
            proposed_right,
            claims_strict,
            claims_lenient: pair(&gold_claims, &drafted_claims, |_, _| true).0,
            responses_strict,
            responses_lenient: pair(&gold_responses, &drafted_responses, family).0,
            proposed_entities,
            documents,
        }
    }
}

/// Writes, for one article, every drafted claim and response marked right or wrong (the
/// strict measure), every hand-made one no draft found, and every proposed entity marked
/// right or junk: what a rule writer reads to find the causes of errors. Read it for the
/// development half only; a frozen half is scored by its totals.
pub fn explain(
    sheet: &Sheet,
    text: &str,
    draft: &Draft,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let names = Names::of(sheet);
    let reader = ReaderScores::of(sheet, text, draft, &names);
    let excerpt = |span: Range<usize>| -> String {
        let s: String = text
            .get(span)
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let mut e: String = s.chars().take(110).collect();
        if e.len() < s.len() {
            e.push('…');
        }
        e
    };
    let name = sheet
        .article
        .as_ref()
        .map(|a| a.id.get_ref().as_str())
        .unwrap_or_default();
    writeln!(out, "== {name}")?;
    for (c, right) in draft.claims.iter().zip(reader.right_in_draft_order(draft)) {
        writeln!(
            out,
            "  {} s{} {} by {} ({}) {:.2} [{}; {}] {}",
            if right { "RIGHT" } else { "WRONG" },
            c.sentence + 1,
            c.kind.as_str(),
            c.claimant,
            names.resolve(&c.claimant, draft),
            c.confidence,
            c.rule,
            c.claimant_reason,
            excerpt(c.quote.clone())
        )?;
    }
    for (c, why) in &draft.for_review {
        writeln!(
            out,
            "  REVIEW s{} {} by {} {:.2} [{}]: {}",
            c.sentence + 1,
            c.kind.as_str(),
            c.claimant,
            c.confidence,
            c.rule,
            why
        )?;
    }
    for (ci, found) in &reader.gold_found {
        if *found {
            continue;
        }
        let c = &sheet.claim[*ci];
        writeln!(
            out,
            "  MISSED {} {} by {}: {}",
            c.id.get_ref(),
            c.kind.as_str(),
            c.claimant.get_ref(),
            c.quote.get_ref().chars().take(110).collect::<String>()
        )?;
    }
    for (id, right) in &reader.proposed_right {
        let c = draft.candidates.iter().find(|c| c.id == *id);
        writeln!(
            out,
            "  {} entity {} '{}' ({})",
            if *right { "RIGHT" } else { "JUNK" },
            id,
            c.map(|c| c.label.as_str()).unwrap_or_default(),
            c.map(|c| c.reason.as_str()).unwrap_or_default()
        )?;
    }
    Ok(())
}

/// Prints one row per article and measure, then the totals.
pub fn write_table(tallies: &[Tally], out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<28} {:<18} {:>5} {:>8} {:>8} {:>6} {:>10} {:>7} {:>6}",
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
                "{:<28} {:<18} {:>5} {:>8} {:>8} {:>6} {:>10.2} {:>7.2} {:>6.2}",
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
    writeln!(
        out,
        "CALIBRATION confidence  drafted    right  precision   (claims and responses, strict)"
    )?;
    for (k, lower) in CONFIDENCE_BINS.iter().enumerate() {
        let upper = CONFIDENCE_BINS.get(k + 1).copied().unwrap_or(1.0);
        let (drafted, right) = total.calibration[k];
        writeln!(
            out,
            "CALIBRATION {lower:.1}-{upper:.1}   {drafted:>8} {right:>8} {:>10.2}",
            ratio(right, drafted)
        )?;
    }
    let (drafted, right) = total.at_least(0.8);
    writeln!(
        out,
        "CALIBRATION >= 0.8     {drafted:>8} {right:>8} {:>10.2}",
        ratio(right, drafted)
    )?;
    Ok(())
}
