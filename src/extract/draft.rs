//! Drafting claims from an article's sentences: who says what, in which document, of
//! what kind, answering which earlier claim, with which structured relations.
//!
//! [`draft`] is the entry point. It reads the text sentence by sentence, finds the
//! known entities ([`super::dictionary`]), proposes unknown capitalised names as
//! candidate entities, and applies the language's [`super::rules`]: response rules
//! (denials, refusals...) first, then reporting constructions, then sentences that only
//! state a relation (attributed to whoever the neighbouring sentences quote). Every
//! guess keeps the rule that made it and a confidence, for the reviewer.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::ops::Range;
use std::rc::Rc;

use super::dictionary::{Dictionary, Mention};
use super::rules::{ClaimRule, ClaimantSide, LanguageRules, ProviderSide, Referent};
use super::sentences::{self, SplitRules};
use super::text::{tokens, tokens_in, Token, WordHasher, WordMap, WordSet};
use crate::model::sheet::{ClaimKind, DocumentKind, EntityKind, LinkKind};

/// What the caller knows about the article besides its text.
#[derive(Debug, Clone, Default)]
pub struct ArticleInfo {
    pub id: String,
    pub language: String,
    pub title: Option<String>,
    pub url: Option<String>,
    /// Entity id of the publisher.
    pub publisher: Option<String>,
    pub date: Option<String>,
}

/// An entity proposed because a capitalised name matched nothing in the dictionary.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: String,
    pub label: String,
    pub kind: EntityKind,
    pub confidence: f64,
    /// Why this kind was guessed.
    pub reason: String,
    /// Whether a drafted claim refers to it (then the sheet must define it).
    pub used: bool,
    /// Known already, but only from an article sheet, not from the reference entities: the
    /// draft defines it again so that it imports into a store holding only those.
    pub carried: bool,
}

#[derive(Debug, Clone)]
pub struct DraftDocument {
    pub id: String,
    pub kind: DocumentKind,
    pub author: String,
    pub via: Option<String>,
    pub link: LinkKind,
    /// The words that named it.
    pub cue: String,
}

#[derive(Debug, Clone)]
pub struct DraftClaim {
    pub id: String,
    pub kind: ClaimKind,
    /// Entity id, or "publisher".
    pub claimant: String,
    pub document: Option<String>,
    pub about: Vec<String>,
    /// Byte span of the quote (a whole sentence) in the text.
    pub quote: Range<usize>,
    pub answers: Vec<String>,
    pub propositions: Vec<(String, String, String)>,
    pub rule: String,
    pub confidence: f64,
    /// How the claimant was found, for the reviewer.
    pub claimant_reason: String,
    /// Index of its sentence.
    pub sentence: usize,
}

/// Everything the extractor drafted from one article.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub article: ArticleInfo,
    pub sentences: usize,
    pub candidates: Vec<Candidate>,
    pub documents: Vec<DraftDocument>,
    pub claims: Vec<DraftClaim>,
    /// Known entity ids found in the text, in order of first mention.
    pub entities: Vec<String>,
    /// Statements found but not drafted as claims, each with why: below the rules'
    /// confidence floor, or a response with nothing drafted that it answers. The sheet
    /// lists them as comments for the reviewer.
    pub for_review: Vec<(DraftClaim, String)>,
}

/// A mention of a known entity or of a candidate, in one sentence.
#[derive(Debug, Clone)]
struct Ref {
    id: String,
    kind: EntityKind,
    words: Range<usize>,
    candidate: bool,
}

/// The kinds that can provide or receive a service.
fn is_party(kind: EntityKind) -> bool {
    matches!(
        kind,
        EntityKind::Company | EntityKind::Organization | EntityKind::Group | EntityKind::Government
    )
}

/// Drafts the claims of `text`.
pub fn draft(text: &str, info: ArticleInfo, dict: &Dictionary, rules: &LanguageRules) -> Draft {
    Drafter {
        text,
        dict,
        rules,
        draft: Draft {
            article: info,
            ..Draft::default()
        },
        last_of_kind: HashMap::default(),
        candidate_index: WordMap::default(),
        kind_cue: None,
        listing: false,
        cited: None,
        document_suffix: format!("{:08x}", fnv1a(text) as u32),
        candidate_words: Vec::new(),
        question_turn: false,
        label_end: None,
        turn: None,
        titled: Vec::new(),
        statement: None,
    }
    .run()
}

struct Drafter<'a> {
    text: &'a str,
    dict: &'a Dictionary,
    rules: &'a LanguageRules,
    draft: Draft,
    last_of_kind: HashMap<EntityKind, String, BuildHasherDefault<WordHasher>>,
    candidate_index: WordMap<usize>,
    /// The current sentence's kind cue ("in die ... aufgenommen": official action), found once.
    kind_cue: Option<ClaimKind>,
    /// Whether the current sentence names a list addition.
    listing: bool,
    /// The source the current sentence cites ("laut FT"), which is no party to its relations.
    cited: Option<String>,
    /// Ends every drafted document id: a hash of the article's text, so that documents of
    /// different articles never merge by a generic id ("reuters-news-report").
    document_suffix: String,
    /// The lower-cased words of each proposed entity's label, to split glued names.
    candidate_words: Vec<Vec<String>>,
    /// Whether the transcript turn we are in is a question ("QUESTION: ..."), whose
    /// sentences are never claims.
    question_turn: bool,
    /// Where the speaker label opening the current sentence ends ("MR. BOUCHER:"), if any.
    label_end: Option<usize>,
    /// The speaker of the transcript turn we are in, when its label names someone.
    turn: Option<Who>,
    /// (title, person id) for each person named after a title, in order: "the minister"
    /// refers back to the last one with that title.
    titled: Vec<(String, String)>,
    /// The statement the introduction announced: (where it starts, its author, its document).
    statement: Option<(usize, Who, Option<String>)>,
}

/// A claimant and how it was found.
#[derive(Debug, Clone)]
struct Who {
    id: String,
    reason: String,
    /// Lowers the rule's confidence when the claimant is a guess from context.
    factor: f64,
}

/// A sentence that ended with a colon: its speaker says the next sentence.
struct Pending {
    who: Who,
    document: Option<String>,
    rule: ClaimRule,
}

impl Drafter<'_> {
    fn run(mut self) -> Draft {
        let split = SplitRules {
            abbreviations: &self.rules.abbreviations,
            months: &self.rules.months,
        };
        let spans = sentences::split(self.text, split);
        self.draft.sentences = spans.len();
        let mut pending: Option<Pending> = None;
        // The sentence before, for "Das behauptet X" (which attributes it).
        let mut previous: Option<SentenceSeen> = None;
        let mut last_document: Option<String> = None;
        // Whether a quotation opened in an earlier sentence is still open.
        let mut quote_open = false;
        // The last person named outside a quotation, and in which sentence.
        let mut last_person: Option<(usize, String)> = None;
        for (index, span) in spans.iter().enumerate() {
            // Shared with `previous` rather than copied: a sentence's words are kept one
            // sentence longer, for "Das behauptet X".
            let words = Rc::new(tokens_in(self.text, span.clone()));
            let refs = Rc::new(self.refs(&words));
            let in_quotation = quote_open || opens_with_quote(&self.text[span.clone()]);
            let quoted = quoted_words(self.text, span.start, &words, quote_open);
            let person_before = last_person.clone();
            if let Some(p) = refs
                .iter()
                .rfind(|r| r.kind == EntityKind::Person && !quoted[r.words.start])
            {
                last_person = Some((index, p.id.clone()));
            }
            let last_person = person_before;
            // Who may be a reporting verb's subject: nobody named inside a quotation (the
            // speaker's words) or in a dateline ("WASHINGTON, D.C. –").
            let dateline = dateline_end(&self.text[span.clone()]).map(|e| span.start + e);
            // Nor a party in brackets after a person: "Vít Bárta (VV)" names Bárta's party
            // ("Democrats 66 (D66)" is the same party twice).
            let affiliation = |r: &Ref| {
                r.words.start > 0
                    && self.text[words[r.words.start - 1].span.end..words[r.words.start].span.start]
                        .trim_end()
                        .ends_with('(')
                    && refs
                        .iter()
                        .any(|p| p.words.end == r.words.start && p.kind == EntityKind::Person)
            };
            // Nor a place's name after "in": "the British embassy in Zimbabwe said" is the
            // embassy's (unnamed) word, not Zimbabwe's.
            let located = |r: &Ref| r.words.start > 0 && words[r.words.start - 1].lower == "in";
            // Nor a country qualifying an office or a title nobody names: "the U.S. embassy
            // said", "Zimbabwe's police chief said" are not the government's words ("the
            // U.S. government" is; a name after the title is the speaker).
            let qualifies_office = |r: &Ref| {
                r.kind == EntityKind::Country
                    && words.get(r.words.end).is_some_and(|w| {
                        self.rules.country_offices.contains(&w.lower)
                            || self.is_person_title(&w.lower)
                    })
            };
            // Nor a name qualifying the people who speak: "Thousands of Ohio citizens have
            // reported" is the citizens' (unnamed) word, not Ohio's.
            let qualifies_people = |r: &Ref| {
                words
                    .get(r.words.end)
                    .is_some_and(|w| !w.capitalised && POPULATION_NOUNS.contains(&w.lower.as_str()))
            };
            let speakers: Vec<Ref> = refs
                .iter()
                .filter(|r| {
                    !quoted[r.words.start]
                        && !qualifies_people(r)
                        && dateline.is_none_or(|d| words[r.words.start].span.start >= d)
                        && !affiliation(r)
                        && !located(r)
                        && !qualifies_office(r)
                })
                .cloned()
                .collect();
            quote_open =
                quotation_left_open(&self.text[span.clone()], quote_open, &self.rules.language);
            let before =
                previous.replace((index, span.clone(), Rc::clone(&words), Rc::clone(&refs)));
            // Questions, a questioner's turn and bylines state nothing anyone claims.
            if !self.states_something(span.clone()) {
                pending = None;
                continue;
            }
            // "MR. BOUCHER: ...": the turn's speaker says what the turn says.
            if let Some(label_end) = self.label_end.take() {
                self.turn = refs
                    .iter()
                    .find(|r| words[r.words.start].span.start < label_end && can_speak(r))
                    .map(|r| who(r, "the speaker of the transcript turn", 0.9));
            }
            // A percentage is a number the tokens do not keep ("42%").
            self.kind_cue = self
                .rules
                .kinds
                .iter()
                .find(|(p, _)| p.find(&words).is_some())
                .map(|(_, k)| *k)
                .or_else(|| {
                    states_an_amount(&self.text[span.clone()], &words)
                        .then_some(ClaimKind::Quantitative)
                });
            self.listing = self.rules.listings.iter().any(|p| p.find(&words).is_some());
            self.cited = None;
            let ends_with_colon = self.text[span.clone()].trim_end().ends_with(':');

            // Documents named here; "dem Dokument" refers back to the last one.
            let mut document = self.documents_in(&words, &refs);
            let doc_anaphor = self
                .rules
                .anaphora
                .iter()
                .any(|(p, r)| *r == Referent::Document && p.find(&words).is_some());
            if document.is_none() && doc_anaphor {
                document = last_document.clone();
            }

            // "Nachfolgend veröffentlichen wir die Erklärung von X", "Wir haben es übersetzt", a
            // title "Statement von X": the statement printed after the introduction is X's.
            if self.statement.is_none() && index <= 3 && !in_quotation {
                self.statement = self
                    .announced_statement(
                        index,
                        (&words, &refs),
                        document.as_deref(),
                        last_document.as_deref(),
                    )
                    .map(|(who, doc)| {
                        // The statement starts with the paragraph after the introduction.
                        let end = self.text[span.end..]
                            .find('\n')
                            .map_or(self.text.len(), |k| span.end + k);
                        (end, who, doc)
                    });
            }

            // Sentences that only attribute the sentence before ("Dies berichtete die FT ...").
            if let Some((_, end)) = self.rules.attributions.iter().find_map(|p| p.find(&words)) {
                let who = self
                    .document_author(document.as_deref())
                    .or_else(|| {
                        first_after(&refs, end + 1)
                            .map(|r| who(r, "named in the attributing sentence", 1.0))
                    })
                    .or_else(|| {
                        first_before(&refs, end)
                            .map(|r| who(r, "subject of the attributing sentence", 1.0))
                    });
                if let Some(w) = who {
                    self.relay(&words, &refs, document.as_deref(), &w);
                    // "Trotz Verboten ... arbeiten US-Firmen weiter mit ... Das behauptet
                    // Top10VPN": the sentence before is the claim, even without a cue of its own.
                    let claimed_before = self.claims_before(index).next().is_some();
                    if let (false, Some((i, prev_span, prev_words, prev_refs))) =
                        (claimed_before, &before)
                    {
                        if *i + 1 == index && !prev_refs.is_empty() {
                            let rule =
                                best_match(&self.rules.claims, &self.rules.claim_cues, &words, &[])
                                    .map(|(r, _, _)| r.clone())
                                    .unwrap_or_else(|| ClaimRule {
                                        rule: format!("{}.attribution", self.rules.language),
                                        pattern: no_pattern(),
                                        kind: ClaimKind::Assertion,
                                        claimant: ClaimantSide::Subject,
                                        confidence: 0.5,
                                        document: None,
                                    });
                            let (cue, listing) = (self.kind_cue, self.listing);
                            self.kind_cue = self
                                .rules
                                .kinds
                                .iter()
                                .find(|(p, _)| p.find(prev_words).is_some())
                                .map(|(_, k)| *k);
                            self.listing = self
                                .rules
                                .listings
                                .iter()
                                .any(|p| p.find(prev_words).is_some());
                            let attributed = Who {
                                reason: format!("attributed by the next sentence ({})", w.reason),
                                ..w.clone()
                            };
                            self.push_claim(
                                *i,
                                prev_span.clone(),
                                &rule,
                                attributed,
                                prev_words,
                                prev_refs,
                                document.clone(),
                            );
                            (self.kind_cue, self.listing) = (cue, listing);
                        }
                    }
                    for c in self
                        .draft
                        .claims
                        .iter_mut()
                        .rev()
                        .take_while(|c| c.sentence + 2 >= index)
                    {
                        if c.claimant_reason.starts_with("context")
                            || c.claimant == "publisher"
                            || c.rule.ends_with("relation-in-context")
                        {
                            c.claimant = w.id.clone();
                            c.claimant_reason =
                                format!("attributed by the next sentence ({})", w.reason);
                            c.document = document.clone().or_else(|| c.document.clone());
                            c.about.retain(|a| *a != w.id);
                        }
                    }
                    if let Some(d) = &document {
                        last_document = Some(d.clone());
                    }
                    if ends_with_colon {
                        let rule = ClaimRule {
                            rule: format!("{}.colon", self.rules.language),
                            pattern: no_pattern(),
                            kind: ClaimKind::Assertion,
                            claimant: ClaimantSide::Subject,
                            confidence: 0.6,
                            document: None,
                        };
                        pending = Some(Pending {
                            who: w,
                            document,
                            rule,
                        });
                    }
                    continue;
                }
            }

            let mut made = false;
            // Responses.
            // "Huawei did not deny the report" answers nothing: no denial is drafted from it.
            let response = best_match(
                &self.rules.responses,
                &self.rules.response_cues,
                &words,
                &quoted,
            )
            .filter(|(_, start, _)| {
                !(start.saturating_sub(2)..*start)
                    .any(|k| self.rules.negations.contains(&words[k].lower))
            })
            // "to deny interview requests", "denied the motion": a refusal of a request, no
            // denial of a claim.
            .filter(|(rule, _, end)| {
                rule.kind != ClaimKind::Denial
                    || !words
                        .iter()
                        .skip(end + 1)
                        .take(4)
                        .any(|w| self.rules.denied_objects.contains(&w.lower))
            });
            if let Some((rule, start, _)) = response {
                // "X had reported that ..., but Y has denied this": X's claim, then Y's answer.
                let contrast = (1..start).rev().find(|&k| {
                    self.rules.contrasts.contains(&words[k].lower)
                        && self.text[words[k - 1].span.end..words[k].span.start]
                            .contains([',', ';'])
                });
                let mut responder_refs = speakers.clone();
                if let Some(b) = contrast {
                    let head: Vec<Ref> =
                        refs.iter().filter(|r| r.words.end <= b).cloned().collect();
                    if let Some((claim_rule, cs, ce)) = best_match(
                        &self.rules.claims,
                        &self.rules.claim_cues,
                        &words[..b],
                        &quoted[..b],
                    ) {
                        let claimant = match claim_rule.claimant {
                            ClaimantSide::Subject => self.subject_of(&words[..b], &head, cs, ce),
                            ClaimantSide::After => {
                                cited_source(self.text, &words[..b], &head, ce + 1, self.rules)
                                    .map(|r| who(r, "the cited source", 1.0))
                            }
                            _ => None,
                        };
                        if let Some(c) = claimant {
                            self.push_claim(
                                index,
                                span.clone(),
                                claim_rule,
                                c,
                                &words,
                                &head,
                                document.clone(),
                            );
                            responder_refs.retain(|r| r.words.start > b);
                        }
                    }
                }
                let is_title = |w: &str| self.is_title(w);
                let mut responders =
                    coordinated_subject(self.text, &words, &responder_refs, start, &is_title);
                // '"That is totally false," Ensor said': a denial inside a quotation is its
                // speaker's.
                if quoted[start] {
                    responders =
                        best_match(&self.rules.claims, &self.rules.claim_cues, &words, &quoted)
                            .filter(|(_, cs, _)| !quoted[*cs])
                            .and_then(|(_, cs, ce)| self.subject_of(&words, &speakers, cs, ce))
                            .and_then(|w| speakers.iter().find(|r| r.id == w.id).cloned())
                            .into_iter()
                            .collect();
                }
                // "condemns the comments by President Maduro": whose words it answers, when
                // the sentence names them after the cue.
                let answered = words
                    .iter()
                    .enumerate()
                    .skip(start + 1)
                    .filter(|(_, w)| self.rules.agent_words.contains(&w.lower))
                    .find_map(|(by, _)| {
                        speakers.iter().find(|r| {
                            r.words.start > by
                                && r.words.start <= by + 3
                                && can_speak(r)
                                && self.text[words[by].span.end..words[r.words.start].span.start]
                                    .chars()
                                    .all(|c| c.is_alphanumeric() || c.is_whitespace())
                        })
                    })
                    .cloned();
                for r in responders {
                    let w = who(&r, "subject of the response", 1.0);
                    let answered = answered.as_ref().filter(|a| a.id != r.id);
                    self.push_response(
                        index,
                        span.clone(),
                        rule,
                        w,
                        (&words, &refs),
                        answered,
                        document.clone(),
                    );
                    made = true;
                }
            }
            // Inside a statement the introduction announced, a guess from context
            // ("angeblich", a subjunctive) is the statement's own wording: its author's.
            let in_statement = self
                .statement
                .as_ref()
                .is_some_and(|(at, _, _)| span.start >= *at);
            // Reporting constructions.
            if !made {
                if let Some((rule, start, end)) =
                    best_match(&self.rules.claims, &self.rules.claim_cues, &words, &quoted)
                        .filter(|(r, _, _)| !(in_statement && r.claimant == ClaimantSide::Context))
                {
                    let w = match rule.claimant {
                        // "He said ...": whoever the sentences before quote.
                        ClaimantSide::Subject
                            if (start > 0
                                && self.rules.pronouns.contains(&words[start - 1].lower))
                                || (self.rules.language == "de"
                                    && start > 0
                                    && words.get(end + 1).is_some_and(|w| {
                                        self.rules.pronouns.contains(&w.lower)
                                    })) =>
                        {
                            // "A foreign ministry official, X issued a statement ... He said":
                            // the person the sentence before names, when nobody was quoted
                            // there and "he" would otherwise reach back further.
                            let pronoun = if start > 0
                                && self.rules.pronouns.contains(&words[start - 1].lower)
                            {
                                words[start - 1].lower.as_str()
                            } else {
                                words.get(end + 1).map_or("", |w| w.lower.as_str())
                            };
                            let named_before = last_person
                                .as_ref()
                                .filter(|(s, _)| *s + 1 == index && PERSONAL.contains(&pronoun))
                                .map(|(_, id)| id.clone());
                            // "he", "she", "er" speak for a person, never for a newspaper
                            // or a ministry quoted before.
                            let context = self.context(index).filter(|c| {
                                !ONE_PERSON.contains(&pronoun) || self.may_be_person(&c.id)
                            });
                            let quoted_before = context.as_ref().is_some_and(|c| {
                                self.claims_before(index).any(|d| d.claimant == c.id)
                            });
                            // "X says A. He says B. He said C": the speaker of the sentence
                            // before goes on, though another source's document is nearer.
                            let speaker_before = self
                                .claims_before(index)
                                .find(|d| {
                                    !d.kind.is_response()
                                        && self.kind_of(&d.claimant) == Some(EntityKind::Person)
                                })
                                .map(|d| d.claimant.clone())
                                .filter(|_| PERSONAL.contains(&pronoun));
                            let context = match (speaker_before, named_before) {
                                (Some(p), _) if context.as_ref().is_some_and(|c| c.id != p) => {
                                    Some(Who {
                                        id: p,
                                        reason: "the speaker of the sentence before".to_owned(),
                                        factor: 0.8,
                                    })
                                }
                                (None, Some(p))
                                    if !quoted_before
                                        && context.as_ref().is_some_and(|c| c.id != p) =>
                                {
                                    Some(Who {
                                        id: p,
                                        reason: "the person the sentence before names".to_owned(),
                                        factor: 0.8,
                                    })
                                }
                                _ => context,
                            };
                            context
                                .map(|c| Who {
                                    reason: format!("pronoun: {}", c.reason),
                                    ..c
                                })
                                .or_else(|| {
                                    // "Erik Möller zeigte sich zuversichtlich. „...“, sagte er":
                                    // the person the sentence before names.
                                    last_person.as_ref().filter(|(s, _)| *s + 1 == index).map(
                                        |(_, id)| Who {
                                            id: id.clone(),
                                            reason: "pronoun: the person the sentence before names"
                                                .to_owned(),
                                            factor: 0.8,
                                        },
                                    )
                                })
                        }
                        ClaimantSide::Subject => self.subject_of(&words, &speakers, start, end),
                        // "According to the report": its author; "laut FT": the FT; "X, citing
                        // risks" with nothing cited: the subject.
                        ClaimantSide::After => {
                            let cited_document = doc_anaphor
                                && words
                                    .get(end + 1)
                                    .is_some_and(|w| DEFINITE.contains(&w.lower.as_str()));
                            let cited = if cited_document {
                                self.document_author(document.as_deref())
                            } else {
                                None
                            }
                            .or_else(|| {
                                cited_source(self.text, &words, &refs, end + 1, self.rules)
                                    .map(|r| who(r, "the cited source", 1.0))
                            });
                            self.cited = cited.as_ref().map(|w| w.id.clone());
                            // "According to official sources": nobody named, nothing drafted.
                            cited
                        }
                        // "The Daily Telegraph quotes Yushchenko as saying": Yushchenko, in
                        // the Telegraph's report.
                        ClaimantSide::Inner => {
                            // The quoted speaker stands right before "as saying".
                            let quoted = refs
                                .iter()
                                .find(|r| {
                                    r.words.start > start
                                        && r.words.end + 2 == end + 1
                                        && can_speak(r)
                                })
                                .map(|r| who(r, "quoted by the source", 1.0));
                            if let (Some(q), Some(outlet)) = (
                                &quoted,
                                refs.iter().rfind(|r| r.words.end <= start && can_speak(r)),
                            ) {
                                if outlet.id != q.id && document.is_none() {
                                    let (id, candidate) = (outlet.id.clone(), outlet.candidate);
                                    document = Some(self.document(
                                        &id,
                                        DocumentKind::NewsReport,
                                        "quoted as saying",
                                        candidate,
                                    ));
                                }
                            }
                            // "Mr Beattie was quoted as saying": the passive's subject.
                            let passive = start > 0
                                && matches!(
                                    words[start - 1].lower.as_str(),
                                    "was" | "were" | "is" | "are"
                                );
                            quoted.or_else(|| {
                                if passive {
                                    self.subject_of(&words, &refs, start, end)
                                } else {
                                    None
                                }
                            })
                        }
                        ClaimantSide::Context => None,
                    };
                    let w = match (w, document.as_deref()) {
                        // "X quotes Y as saying": Y says it, in X's report.
                        (Some(w), Some(_)) if rule.claimant == ClaimantSide::Inner => Some(w),
                        // "unter Berufung auf ein Memorandum des Weißen Hauses": the memo's author says it.
                        (Some(w), Some(d)) => {
                            self.relay(&words, &refs, Some(d), &w);
                            self.document_author(Some(d))
                                .filter(|a| a.id != w.id && !doc_anaphor)
                                .map(|a| Who {
                                    reason: format!("author of the document {} cites", w.id),
                                    ..a
                                })
                                .or(Some(w))
                        }
                        (None, Some(_)) if doc_anaphor => self.document_author(document.as_deref()),
                        (w, _) => w,
                    };
                    // "We have said ..." in a transcript turn: the turn's speaker.
                    let first_person = (start.saturating_sub(2)..start)
                        .any(|k| FIRST_PERSON.contains(&words[k].lower.as_str()));
                    let w = self.turn.clone().filter(|_| first_person).or(w);
                    // Rules made for it ("angeblich", "heißt es") take whoever the sentences
                    // around quote; a reporting verb whose subject is not named takes nobody.
                    let w = w.or_else(|| {
                        (rule.claimant == ClaimantSide::Context)
                            .then(|| self.context(index))
                            .flatten()
                    });
                    let Some(w) = w else {
                        // Nobody to attribute it to: nothing drafted (a wrong claimant costs
                        // a reviewer more than a missed claim).
                        pending = pending.filter(|_| ends_with_colon);
                        if let Some(d) = document {
                            last_document = Some(d);
                        }
                        continue;
                    };
                    if ends_with_colon && self.text[span.clone()].len() < 200 {
                        pending = Some(Pending {
                            who: w,
                            document,
                            rule: rule.clone(),
                        });
                        continue;
                    }
                    // "Amazon stellt Webdienste für Hikvision bereit, denen Washington ... vorwirft":
                    // the main clause is the quoted source's, the subordinate one Washington's.
                    let main = clause(self.text, &words, 0);
                    let subordinate = !main.contains(&start);
                    let main_relation = subordinate
                        && self
                            .rules
                            .services
                            .iter()
                            .any(|(p, _)| p.find(&words[main.clone()]).is_some());
                    let context = if main_relation {
                        self.context(index)
                    } else {
                        None
                    };
                    if let Some(source) = context.filter(|c| c.id != w.id) {
                        let relation = ClaimRule {
                            rule: format!("{}.relation-in-context", self.rules.language),
                            pattern: no_pattern(),
                            kind: ClaimKind::Allegation,
                            claimant: ClaimantSide::Context,
                            confidence: 0.4,
                            document: None,
                        };
                        let doc = self.document_of(&source.id);
                        self.push_claim(index, span.clone(), &relation, source, &words, &refs, doc);
                    }
                    // "Steve Linford, director of SpamHaus, and Graham Cluley, a consultant
                    // of Sophos, pointed out": the name opening the sentence with its own
                    // apposition, joined by ", and", says it too.
                    let co_speakers: Vec<Ref> = if w.reason == "subject before the apposition" {
                        self.first_apposition_speaker(&words, &speakers, &w)
                            .into_iter()
                            .collect()
                    } else if w.reason == "subject before the reporting verb" {
                        let is_title = |t: &str| self.is_title(t);
                        let group = subject_group(self.text, &words, &speakers, start, &is_title);
                        if group.iter().any(|g| g.id == w.id) {
                            group.into_iter().filter(|g| g.id != w.id).collect()
                        } else {
                            Vec::new()
                        }
                    } else {
                        Vec::new()
                    };
                    let speakers = std::iter::once(w).chain(
                        co_speakers
                            .iter()
                            .map(|g| who(g, "coordinated with the subject", 1.0)),
                    );
                    for w in speakers {
                        self.push_claim(
                            index,
                            span.clone(),
                            rule,
                            w,
                            &words,
                            &refs,
                            document.clone(),
                        );
                    }
                    made = true;
                } else if let Some(p) = pending.take() {
                    // The sentence a colon announced.
                    self.push_claim(
                        index,
                        span.clone(),
                        &p.rule,
                        Who {
                            reason: format!("announced by the sentence before ({})", p.who.reason),
                            ..p.who
                        },
                        &words,
                        &refs,
                        p.document,
                    );
                    made = true;
                }
            }
            // '„...“, so Müller.': German names the speaker after "so".
            if !made {
                if let Some(r) = so_speaker(
                    self.text,
                    &self.text[span.clone()],
                    &words,
                    &refs,
                    &self.rules.language,
                ) {
                    let rule = self.synthetic_rule("report.so", ClaimKind::Assertion, 0.8);
                    let w = who(&r, "named after 'so' following a quotation", 1.0);
                    self.push_claim(
                        index,
                        span.clone(),
                        &rule,
                        w,
                        &words,
                        &refs,
                        document.clone(),
                    );
                    made = true;
                }
            }
            // '"These are anchor projects," said Wagner. "They were chosen because ..."': a
            // quotation going on in the next sentence is the same speaker's.
            if !made && in_quotation {
                let quoted = self
                    .claims_before(index)
                    .find(|c| {
                        !c.kind.is_response() && self.text[c.quote.clone()].contains(QUOTE_MARKS)
                    })
                    .map(|c| (c.claimant.clone(), c.document.clone(), c.id.clone()));
                if let Some((claimant, doc, previous_id)) = quoted {
                    let rule =
                        self.synthetic_rule("quotation-continued", ClaimKind::Assertion, 0.7);
                    let w = Who {
                        id: claimant,
                        reason: format!("the quotation of claim {previous_id} goes on"),
                        factor: 1.0,
                    };
                    self.push_claim(index, span.clone(), &rule, w, &words, &refs, doc);
                    made = true;
                }
            }
            // The statement an introduction announced: each sentence of it that states
            // something (no thanks, greetings or feelings) is its author's.
            if !made {
                if let Some((at, author, doc)) = self.statement.clone() {
                    let courtesy = self
                        .rules
                        .courtesy
                        .as_ref()
                        .is_some_and(|p| p.find(&words).is_some());
                    if span.start >= at && !courtesy {
                        let rule =
                            self.synthetic_rule("statement-body", ClaimKind::Assertion, 0.55);
                        self.push_claim(index, span.clone(), &rule, author, &words, &refs, doc);
                        made = true;
                    }
                }
            }
            // Sentences that state a relation, an official action or a threat without a
            // reporting verb: whoever is being quoted around them says it.
            if !made && !refs.is_empty() {
                let relation = self.listing
                    || self.kind_cue.is_some()
                    || self
                        .rules
                        .services
                        .iter()
                        .any(|(p, _)| p.find(&words).is_some());
                if relation {
                    let listing = self.listing;
                    let rule = ClaimRule {
                        rule: format!("{}.relation-in-context", self.rules.language),
                        pattern: no_pattern(),
                        kind: if listing {
                            ClaimKind::OfficialAction
                        } else {
                            ClaimKind::Allegation
                        },
                        claimant: ClaimantSide::Context,
                        confidence: 0.4,
                        document: None,
                    };
                    let acting = self.kind_cue == Some(ClaimKind::OfficialAction) || self.listing;
                    let government = refs
                        .iter()
                        .find(|r| r.kind == EntityKind::Government)
                        .filter(|_| acting);
                    // "Beira-Mar was arrested by the Colombian army": the agent acts.
                    let agent = words
                        .iter()
                        .position(|w| self.rules.agent_words.contains(&w.lower))
                        .and_then(|by| {
                            refs.iter().find(|r| {
                                r.words.start > by && r.words.start <= by + 3 && can_speak(r)
                            })
                        })
                        .filter(|_| acting);
                    // An act is done by someone named; a relation or a number is said by whoever
                    // the sentences around it quote. Nobody: nothing drafted.
                    let w = agent
                        .map(|a| who(a, "the agent of the act", 0.8))
                        .or_else(|| government.map(|g| who(g, "the government acting", 0.8)))
                        .or_else(|| {
                            // An act with no actor named is the government's that the
                            // sentences around quote ("The order adds ZTE to a list").
                            self.context(index).filter(|c| {
                                !acting
                                    || self
                                        .dict
                                        .entry(&c.id)
                                        .is_some_and(|e| e.kind == EntityKind::Government)
                            })
                        });
                    if let Some(w) = w {
                        let document = document.clone().or_else(|| self.document_of(&w.id));
                        self.push_claim(index, span.clone(), &rule, w, &words, &refs, document);
                    }
                }
            }
            pending = pending.filter(|_| ends_with_colon);
            if let Some(d) = document {
                last_document = Some(d);
            }
        }
        self.drop_unconfident();
        self.rename_claims();
        self.draft
    }

    /// The author and document of a statement an introduction announces: a statement
    /// named in a sentence carrying the rules' `statement_intro` cue and no reporting verb
    /// ("Nachfolgend veröffentlichen wir die Erklärung von X", "X begrüßte das Verbot in
    /// seiner Erklärung"; "Wir haben es übersetzt": the statement named before), or in a
    /// title opening with the statement ("Statement von Botschafter X").
    fn announced_statement(
        &mut self,
        index: usize,
        (words, refs): (&[Token], &[Ref]),
        document: Option<&str>,
        last_document: Option<&str>,
    ) -> Option<(Who, Option<String>)> {
        let statement = |d: Option<&str>| {
            self.draft
                .documents
                .iter()
                .find(|x| Some(x.id.as_str()) == d && x.kind == DocumentKind::Statement)
                .map(|x| (x.id.clone(), x.author.clone(), x.cue.clone()))
        };
        let intro = self
            .rules
            .statement_intro
            .as_ref()
            .is_some_and(|p| p.find(words).is_some())
            && self.rules.claim_cues.find(words).is_none();
        let title = index == 0
            && self.rules.documents.iter().any(|(p, k)| {
                *k == DocumentKind::Statement && p.find(words).is_some_and(|(s, _)| s == 0)
            });
        let (id, author, cue) = if intro {
            statement(document).or_else(|| statement(last_document))
        } else if title {
            statement(document)
        } else {
            None
        }?;
        // "die Erklärung von US-Präsident Barack Obama": the country glued to the title is
        // not the author; the person the sentence names is, and the statement is theirs.
        let (author, id) = match self.kind_of(&author) {
            Some(
                EntityKind::Person
                | EntityKind::Government
                | EntityKind::Organization
                | EntityKind::Company,
            ) => (author, id),
            Some(EntityKind::Country) => {
                let (p, candidate) = refs
                    .iter()
                    .find(|r| r.kind == EntityKind::Person)
                    .map(|r| (r.id.clone(), r.candidate))?;
                let id = self.document(&p, DocumentKind::Statement, &cue, candidate);
                (p, id)
            }
            _ => return None,
        };
        Some((
            Who {
                id: author,
                reason: format!("author of the statement the introduction announces ({cue})"),
                factor: 1.0,
            },
            Some(id),
        ))
    }

    /// A rule the drafter applies by itself (no pattern in the rule files), named by language.
    fn synthetic_rule(&self, name: &str, kind: ClaimKind, confidence: f64) -> ClaimRule {
        ClaimRule {
            rule: format!("{}.{name}", self.rules.language),
            pattern: no_pattern(),
            kind,
            claimant: ClaimantSide::Context,
            confidence,
            document: None,
        }
    }

    /// The subject of the reporting verb at words `start..=end`, by this language's word order.
    fn subject_of(&self, words: &[Token], refs: &[Ref], start: usize, end: usize) -> Option<Who> {
        subject(
            self.text,
            words,
            refs,
            start,
            end,
            &self.rules.contrasts,
            self.rules.language == "de",
        )
    }

    /// The name opening a sentence before an apposition of its own and ", and" the
    /// speaker `w` ("Steve Linford, director of SpamHaus, and Graham Cluley, ...").
    fn first_apposition_speaker(&self, words: &[Token], refs: &[Ref], w: &Who) -> Option<Ref> {
        let gap = |k: usize| &self.text[words[k - 1].span.end..words[k].span.start];
        let second = refs.iter().find(|r| r.id == w.id && r.words.start >= 2)?;
        let and = second.words.start - 1;
        if !matches!(words[and].lower.as_str(), "and" | "und") || !gap(and).contains(',') {
            return None;
        }
        let opening = (1..and).rev().find(|&k| gap(k).contains(','))?;
        refs.iter()
            .find(|r| r.words.start == 0 && r.words.end == opening && can_speak(r) && r.id != w.id)
            .cloned()
    }

    /// A word of a job title ("minister", "ceo", "transport").
    fn is_title(&self, word: &str) -> bool {
        self.is_person_title(word) || self.rules.candidate.title_words.contains(word)
    }

    /// A title a person's name follows ("minister", "Bundesinnenminister").
    fn is_person_title(&self, word: &str) -> bool {
        let c = &self.rules.candidate;
        c.person_titles.contains(word) || c.title_endings.iter().any(|e| word.ends_with(e.as_str()))
    }

    /// Whether a sentence can state a claim: not a question, not a questioner's turn in a
    /// transcript ("QUESTION: ...", until the next speaker's label), not a byline.
    fn states_something(&mut self, span: Range<usize>) -> bool {
        let sentence = self.text[span.clone()].trim();
        // A speaker label: capitals (and dots or spaces) before a colon opening the sentence.
        if let Some((label, _)) = sentence.split_once(':') {
            let is_label = !label.is_empty()
                && label.len() <= 40
                && label.chars().any(char::is_alphabetic)
                && label
                    .chars()
                    .all(|c| c.is_uppercase() || matches!(c, ' ' | '.' | '-' | '\''));
            if is_label {
                let indent =
                    self.text[span.clone()].len() - self.text[span.clone()].trim_start().len();
                self.label_end = Some(span.start + indent + label.len());
                self.turn = None;
                self.question_turn = self
                    .rules
                    .question_labels
                    .contains(&label.trim().to_lowercase());
            }
        }
        if self.question_turn {
            return false;
        }
        let ends_with_question = sentence
            .trim_end_matches(|c: char| is_closing_mark(c) || c.is_whitespace())
            .ends_with('?');
        // Bylines are short: "Reported by Jane Doe in Berlin." (not "By Tuesday, X said ...").
        let byline = sentence.split_whitespace().count() <= 8 && {
            let lower = sentence.to_lowercase();
            self.rules
                .bylines
                .iter()
                .any(|b| lower.starts_with(b.as_str()))
        };
        !ends_with_question && !byline
    }

    /// Moves claims below the rules' confidence floor, and responses left answering
    /// nothing, to the statements for review; then a proposed entity is used only when a
    /// drafted claim or document refers to it.
    fn drop_unconfident(&mut self) {
        let min = self.rules.min_confidence;
        let floor = format!("confidence below the floor {min:.2}");
        let dropped: HashSet<String> = self
            .draft
            .claims
            .iter()
            .filter(|c| c.confidence < min - 1e-9)
            .map(|c| c.id.clone())
            .collect();
        let claims = std::mem::take(&mut self.draft.claims);
        for mut c in claims {
            if dropped.contains(&c.id) {
                self.draft.for_review.push((c, floor.clone()));
                continue;
            }
            let answered = !c.answers.is_empty();
            c.answers.retain(|a| !dropped.contains(a));
            if answered && c.answers.is_empty() {
                let why = format!(
                    "a {} whose answered claims fell below the floor",
                    c.kind.as_str()
                );
                self.draft.for_review.push((c, why));
            } else {
                self.draft.claims.push(c);
            }
        }
        self.draft.for_review.sort_by_key(|(c, _)| c.sentence);
        let used: HashSet<String> = self.draft.entity_ids().into_iter().collect();
        for c in &mut self.draft.candidates {
            c.used = used.contains(&c.id);
        }
    }

    /// Claim ids say sentence, claimant and kind; claimants found later (by an
    /// attributing sentence) are only known at the end, so ids are given last.
    fn rename_claims(&mut self) {
        let mut renamed: HashMap<String, String> = HashMap::new();
        let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
        for c in &self.draft.claims {
            let base = format!("s{}-{}-{}", c.sentence + 1, c.claimant, c.kind.as_str());
            let base: String = base
                .chars()
                .take(90)
                .collect::<String>()
                .trim_end_matches('-')
                .to_owned();
            let mut id = base.clone();
            let mut n = 2;
            while taken.contains(&id) {
                id = format!("{base}-{n}");
                n += 1;
            }
            taken.insert(id.clone());
            renamed.insert(c.id.clone(), id);
        }
        for c in &mut self.draft.claims {
            c.id = renamed[&c.id].clone();
            for a in &mut c.answers {
                *a = renamed[a.as_str()].clone();
            }
        }
    }

    /// Known entities, resolved anaphora and candidate names of one sentence, in order.
    fn refs(&mut self, words: &[Token]) -> Vec<Ref> {
        let mut mentions: Vec<Mention> = self.dict.find(self.text, words);
        mentions.retain(|m| !self.text[m.span.end..].starts_with('$'));
        let mut refs: Vec<Ref> = mentions
            .iter()
            .map(|m| {
                let e = &self.dict.entries()[m.entry];
                Ref {
                    id: e.id.clone(),
                    kind: e.kind,
                    words: m.words.clone(),
                    candidate: false,
                }
            })
            .collect();
        for r in &refs {
            if !self.draft.entities.contains(&r.id) {
                self.draft.entities.push(r.id.clone());
            }
        }
        // Anaphora: "das Unternehmen" is the last company named.
        let anaphora: &[_] = if self.rules.anaphora_cues.find(words).is_some() {
            &self.rules.anaphora
        } else {
            &[]
        };
        for (pattern, referent) in anaphora {
            if let (Some((s, e)), Referent::Kind(kind)) = (pattern.find(words), referent) {
                if refs.iter().any(|r| r.words.start <= e && s < r.words.end) {
                    continue;
                }
                // "the ministry" is the last ministry named, not any government body ("Police").
                let noun = slug(pattern.source.split_whitespace().last().unwrap_or_default());
                let fits = |id: &str| {
                    *kind != EntityKind::Government
                        || GENERIC_GOVERNMENT.contains(&noun.as_str())
                        || id.contains(noun.as_str())
                };
                if let Some(id) = self.last_of_kind.get(kind).filter(|id| fits(id)) {
                    refs.push(Ref {
                        id: id.clone(),
                        kind: *kind,
                        words: s..e + 1,
                        candidate: false,
                    });
                }
            }
        }
        // "the minister", "der Minister": the person last named with that title.
        for k in 0..words.len() {
            if let Some(r) = self.titled_anaphor(words, k, &refs) {
                refs.push(r);
            }
        }
        // Capitalised names that match nothing.
        let covered = |i: usize, refs: &[Ref]| refs.iter().any(|r| r.words.contains(&i));
        let mut i = 0;
        while i < words.len() {
            if covered(i, &refs)
                || !words[i].capitalised
                || self.rules.stopwords.contains(&words[i].lower)
            {
                i += 1;
                continue;
            }
            let mut j = i + 1;
            loop {
                if j >= words.len() || covered(j, &refs) {
                    break;
                }
                let gap = &self.text[words[j - 1].span.end..words[j].span.start];
                let name_word =
                    words[j].capitalised && !self.rules.stopwords.contains(&words[j].lower);
                // "Roh Moo-hyun": a lower-case part after a hyphen belongs to the name.
                // ("Moscow-based Institute": "based" ends the name, Moscow is one.)
                let hyphen_part = gap == "-"
                    && !words[j].capitalised
                    && self.rules.language == "en"
                    && !self
                        .rules
                        .candidate
                        .compound_suffixes
                        .contains(&words[j].lower);
                // "Lula da Silva", "van der Laan": particles inside a name.
                let particles = (j..words.len())
                    .take_while(|&k| {
                        self.rules
                            .candidate
                            .name_particles
                            .contains(&words[k].lower)
                    })
                    .count();
                // "Voice of America" is one name, "Secretary of State Colin Powell" a title
                // and a name.
                let title_of = words[j].lower == "of" && self.is_title(&words[j - 1].lower);
                let particle_run = particles > 0
                    && !title_of
                    && gap == " "
                    && words.get(j + particles).is_some_and(|w| w.capitalised)
                    && (j..=j + particles)
                        .all(|k| self.text[words[k - 1].span.end..words[k].span.start] == *" ");
                if particle_run {
                    j += particles + 1;
                } else if (name_word && matches!(gap, " " | "-" | " & ")) || hyphen_part {
                    j += 1;
                } else if name_word
                    && gap == ". "
                    && words[j - 1].capitalised
                    && words[j - 1].lower.chars().count() == 1
                    && j - 1 > i
                {
                    // "Michael R. Pompeo": an initial inside a name.
                    j += 1;
                } else {
                    break;
                }
            }
            // "Andean Community Wagner" after "Andean Community": two names side by side.
            let known_prefix = self
                .candidate_words
                .iter()
                .filter(|t| {
                    j - i >= 2
                        && t.len() < j - i
                        && t.iter().zip(&words[i..j]).all(|(a, b)| *a == b.lower)
                })
                .map(Vec::len)
                .max();
            match known_prefix {
                Some(m) => {
                    refs.extend(self.candidate(words, i, i + m));
                    refs.extend(self.candidate(words, i + m, j));
                }
                None => refs.extend(self.candidate(words, i, j)),
            }
            i = j;
        }
        refs.sort_by_key(|r| r.words.start);
        for r in &refs {
            self.last_of_kind.insert(r.kind, r.id.clone());
            // "Foreign Minister Sergei Lavrov": later "the minister".
            if let Some(title) = r
                .words
                .start
                .checked_sub(1)
                .map(|t| &words[t].lower)
                .filter(|t| r.kind == EntityKind::Person && self.is_person_title(t))
            {
                self.titled.push((title.clone(), r.id.clone()));
            }
        }
        refs
    }

    /// The person a definite article and a title at word `k` refer back to ("the minister",
    /// "the foreign minister", "der Minister"): the last one named with that title. Not
    /// when a name or a genitive follows ("the president of Venezuela" is someone else).
    fn titled_anaphor(&self, words: &[Token], k: usize, refs: &[Ref]) -> Option<Ref> {
        if !DEFINITE.contains(&words[k].lower.as_str()) {
            return None;
        }
        let cw = &self.rules.candidate;
        let l =
            (k + 1..(k + 4).min(words.len())).find(|&l| self.is_person_title(&words[l].lower))?;
        let title = &words[l].lower;
        let plain_title = (k + 1..l).all(|m| cw.title_words.contains(&words[m].lower))
            && !cw.government_words.contains(title);
        let names_another = words
            .get(l + 1)
            .is_some_and(|w| w.capitalised || GENITIVE.contains(&w.lower.as_str()));
        let covered = refs.iter().any(|r| r.words.start <= l && k < r.words.end);
        if !plain_title || names_another || covered {
            return None;
        }
        let (_, id) = self
            .titled
            .iter()
            .rev()
            .find(|(t, _)| t == title || t.ends_with(title.as_str()))?;
        Some(Ref {
            id: id.clone(),
            kind: EntityKind::Person,
            words: k..l + 1,
            candidate: self.candidate_index.contains_key(id),
        })
    }

    /// Capitalised words that are no name: a demonym ("Chinese"), a month ("Dec"), a ticker
    /// ("NYSE: BABA"), page furniture ("Key Points"), a company word trailing a known name
    /// ("Alibaba Group Holding").
    fn not_a_name(&self, words: &[Token], i: usize, j: usize) -> bool {
        let cw = &self.rules.candidate;
        let run = &words[i..j];
        let lower: Vec<&str> = run.iter().map(|w| w.lower.as_str()).collect();
        let phrase = lower.join(" ");
        if cw.furniture.contains(&phrase) {
            return true;
        }
        // "US$3 billion", "R$200": a currency, not a name.
        if self.text[run[run.len() - 1].span.end..].starts_with('$') {
            return true;
        }
        // Company words alone ("Technology", "Group") name nothing.
        if lower.iter().all(|w| cw.company_words.contains(*w)) {
            return true;
        }
        // "John Conyers (D-MI)": a US party and state in brackets after a name.
        let span = &self.text[run[0].span.start..run[run.len() - 1].span.end];
        let bracketed = self.text[..run[0].span.start].ends_with('(')
            && self.text[run[run.len() - 1].span.end..].starts_with(')');
        if bracketed && party_and_state(span) {
            return true;
        }
        if let [only] = lower.as_slice() {
            let demonym = cw.demonyms.contains(*only)
                || (!run[0].marked
                    && cw
                        .demonym_endings
                        .iter()
                        .any(|e| only.ends_with(e.as_str())));
            let month = self.rules.months.contains(*only)
                || (self.rules.abbreviations.contains(*only)
                    && self.rules.months.iter().any(|m| m.starts_with(*only)));
            let after_exchange = i
                .checked_sub(1)
                .is_some_and(|p| cw.exchanges.contains(&words[p].lower));
            if demonym || month || after_exchange {
                return true;
            }
        }
        // Every word a demonym: "South Korean", "Western".
        lower.iter().all(|w| cw.demonyms.contains(*w))
    }

    /// Where a country named right before word `i` (one space between) starts in the text.
    fn country_before(&self, words: &[Token], i: usize) -> Option<usize> {
        let from = i.saturating_sub(3);
        // "U.S. State Department": the abbreviation's dot is no gap.
        if i == 0
            || self.text[words[i - 1].span.end..words[i].span.start].trim_start_matches('.') != " "
        {
            return None;
        }
        self.dict
            .find(self.text, &words[from..i])
            .into_iter()
            .find(|m| {
                from + m.words.end == i && self.dict.entries()[m.entry].kind == EntityKind::Country
            })
            .map(|m| m.span.start)
    }

    /// A proposed company already known under a name that is this one plus or minus company
    /// words ("Group", "Inc").
    fn same_company(&self, id: &str) -> Option<String> {
        let cw = &self.rules.candidate;
        let words: Vec<&str> = id.split('-').collect();
        self.draft.candidates.iter().find_map(|c| {
            let other: Vec<&str> = c.id.split('-').collect();
            let (short, long) = if other.len() < words.len() {
                (&other, &words)
            } else {
                (&words, &other)
            };
            let extends = long.len() > short.len()
                && long.starts_with(short)
                && long[short.len()..]
                    .iter()
                    .all(|w| cw.company_words.contains(*w));
            extends.then(|| c.id.clone())
        })
    }

    /// A government body or organisation proposed before under a longer name that ends
    /// in this one ("Accountability Office" after "Government Accountability Office"):
    /// the same body, its first word read as a qualifier.
    fn same_body(&self, id: &str, kind: EntityKind) -> Option<String> {
        if !matches!(kind, EntityKind::Government | EntityKind::Organization) || !id.contains('-') {
            return None;
        }
        let suffix = format!("-{id}");
        self.draft
            .candidates
            .iter()
            .find(|c| c.kind == kind && c.id.ends_with(&suffix))
            .map(|c| c.id.clone())
    }

    /// A one-word name that is the last word of a person proposed before ("Abbas").
    fn same_person(&self, id: &str) -> Option<String> {
        if id.contains('-') {
            return None;
        }
        self.draft
            .candidates
            .iter()
            .find(|c| {
                // German two-word names are proposed as organisations: a kind guess, not a company.
                let personal = c.kind == EntityKind::Person
                    || (c.kind == EntityKind::Organization && c.id.matches('-').count() <= 2);
                personal && c.id.ends_with(&format!("-{id}"))
            })
            .map(|c| c.id.clone())
    }

    /// A candidate entity from the capitalised words `i..j`, if they look like a name.
    fn candidate(&mut self, words: &[Token], i: usize, j: usize) -> Option<Ref> {
        let german = self.rules.language == "de";
        // "Queensland Transport Minister Paul Lucas": the name follows the last title word;
        // a run that ends in a title ("Prime Minister") names nobody.
        let cw = &self.rules.candidate;
        let title_at = (i..j)
            .rev()
            .find(|&k| self.is_person_title(&words[k].lower));
        let (i, titled) = match title_at {
            Some(k) if (k + 1..j).all(|n| self.is_title(&words[n].lower)) => return None,
            Some(k) => (k + 1, true),
            None => (i, false),
        };
        // "Secretary of State Colin Powell": the title goes on past "of".
        let after_title_of =
            i >= 2 && words[i - 1].lower == "of" && self.is_person_title(&words[i - 2].lower);
        let (i, titled) = if after_title_of {
            match (i..j).find(|&k| !self.is_title(&words[k].lower)) {
                Some(k) if k > i => (k, true),
                Some(_) => (i, titled),
                None => return None,
            }
        } else {
            (i, titled)
        };
        let i = (i..j)
            .find(|&k| !cw.name_particles.contains(&words[k].lower))
            .unwrap_or(j);
        // "die drei Parteien Občanská ...": a common noun before a name is no part of it.
        let i = if j - i >= 2 && cw.class_nouns.contains(&words[i].lower) {
            i + 1
        } else {
            i
        };
        if i >= j {
            return None;
        }
        // "the CAN-SPAM act" names a law, not anyone who could say or be accused of anything.
        if words
            .get(j)
            .is_some_and(|w| !w.capitalised && cw.instrument_words.contains(&w.lower))
        {
            return None;
        }
        // A sentence's first word is capitalised anyway: "Then Google ..." names Google.
        let i = if i == 0 && j - i >= 2 && cw.sentence_starters.contains(&words[0].lower) {
            1
        } else {
            i
        };
        // "Thousands of Ohio citizens": no name starts with the particle the starter leaves.
        let i = (i..j)
            .find(|&k| !cw.name_particles.contains(&words[k].lower))
            .unwrap_or(j);
        if i >= j {
            return None;
        }
        if self.not_a_name(words, i, j) {
            return None;
        }
        // "the first Gulf War", "die Olympischen Spiele": an event, no one who speaks or acts.
        if EVENT_WORDS.contains(&words[j - 1].lower.as_str()) {
            return None;
        }
        let run = &words[i..j];
        let marked = run.iter().any(|w| {
            w.marked && w.lower.chars().count() >= 2 && w.lower.chars().any(char::is_alphabetic)
        });
        let sentence_start = i == 0;
        // "Wagner identifies ...": a sentence's first word is a name when a reporting verb follows.
        let speaks = || {
            self.rules
                .claims
                .iter()
                .chain(&self.rules.responses)
                .any(|r| r.pattern.starts_at(words, j))
        };
        // "Abbas" after "Mahmoud Abbas": the surname of a person proposed before.
        let known_surname = run.len() == 1 && self.same_person(&slug(&run[0].lower)).is_some();
        // "..., sagte Hofreiter": a capitalised word right after a reporting verb names its speaker.
        let after_verb =
            i > 0
                && self.rules.claims.iter().any(|r| {
                    r.pattern.starts_at(words, i - 1) && r.claimant == ClaimantSide::Subject
                });
        // "Nach Angaben der „Netzeitung“", "laut Spiegel": the source a cue names.
        let after_source =
            i > 0 && self.text[..words[i].span.start].ends_with(['„', '"', '“', '«']) && {
                let from = i.saturating_sub(4);
                self.rules.claims.iter().any(|r| {
                    r.claimant == ClaimantSide::After
                        && r.pattern
                            .find(&words[from..i])
                            .is_some_and(|(_, e)| from + e + 2 >= i)
                })
            };
        let looks_like_name = if known_surname {
            true
        } else if german {
            marked
                || (run.len() >= 2 && !sentence_start)
                || titled
                || (sentence_start && speaks())
                || (run.len() == 1 && (after_verb || after_source))
        } else {
            marked || !sentence_start || run.len() >= 2 || titled || speaks()
        };
        if run.len() == 1 && run[0].lower.chars().count() < 2 {
            return None;
        }
        // German compounds ("Cloud-Dienste", "IP-Adressen") and runs ending in a common
        // noun ("Geheimdienstangaben Informationen") are words, not names.
        let last = &run[run.len() - 1];
        let hyphen_compound = run.len() >= 2
            && self.text[run[run.len() - 2].span.end..last.span.start] == *"-"
            && !last.marked;
        let noun_ending = self
            .rules
            .candidate
            .noun_endings
            .iter()
            .any(|e| last.lower.ends_with(e.as_str()))
            && !last.marked
            // "Nach Angaben der „Netzeitung“": a source a cue names in quotation marks is a
            // title, whatever it ends with.
            && !(run.len() == 1 && after_source);
        if !looks_like_name || (german && (hyphen_compound || noun_ending)) {
            return None;
        }
        let label = self.text[run[0].span.start..run[run.len() - 1].span.end].to_owned();
        let cw = &self.rules.candidate;
        let last = &run[run.len() - 1].lower;
        let previous = i.checked_sub(1).map(|p| words[p].lower.as_str());
        let (kind, confidence, reason) = if titled {
            (
                EntityKind::Person,
                0.6,
                format!("after the title '{}'", previous.unwrap_or_default()),
            )
        } else if run.iter().any(|w| cw.company_words.contains(&w.lower)) {
            (
                EntityKind::Company,
                0.6,
                format!("'{last}' names a company"),
            )
        } else if run.iter().any(|w| {
            cw.government_words.contains(&w.lower)
                || cw
                    .government_words
                    .iter()
                    .any(|g| g.len() > 5 && w.lower.ends_with(g.as_str()))
        }) {
            (
                EntityKind::Government,
                0.6,
                "a word that names a government body".to_owned(),
            )
        } else if previous.is_some_and(|p| cw.person_titles.contains(p)) {
            (
                EntityKind::Person,
                0.6,
                format!("after the title '{}'", previous.unwrap_or_default()),
            )
        } else if run.len() == 2 && !marked && !german {
            (EntityKind::Person, 0.35, "two capitalised words".to_owned())
        } else {
            (
                EntityKind::Organization,
                0.35,
                "an unknown capitalised name".to_owned(),
            )
        };
        // "Russia's Foreign Ministry": a government body is named with the country it is
        // the body of ("Foreign Ministry" alone names any country's).
        let label = match i.checked_sub(2) {
            Some(owner)
                if kind == EntityKind::Government
                    && !german
                    && words[owner].capitalised
                    && words[i - 1].lower == "s"
                    && matches!(
                        &self.text[words[owner].span.end..words[i - 1].span.start],
                        "'" | "’"
                    ) =>
            {
                self.text[words[owner].span.start..run[run.len() - 1].span.end].to_owned()
            }
            // "U.S. State Department", "British Foreign Office": so with the country before it.
            _ if kind == EntityKind::Government && !german => {
                self.country_before(words, i).map_or(label, |from| {
                    self.text[from..run[run.len() - 1].span.end].to_owned()
                })
            }
            _ => label,
        };
        let id = slug(&label);
        if id.is_empty() || self.dict.entry(&id).is_some() {
            return None;
        }
        // "Time Warner" and "Time Warner Inc": one company under its short and long name;
        // "Abbas" after "Mahmoud Abbas": the person named before.
        let id = self
            .same_company(&id)
            .or_else(|| self.same_person(&id))
            .or_else(|| self.same_body(&id, kind))
            .unwrap_or(id);
        if !self.candidate_index.contains_key(&id) {
            self.candidate_words
                .push(tokens(&label).into_iter().map(|t| t.lower).collect());
            self.draft.candidates.push(Candidate {
                id: id.clone(),
                label,
                kind,
                confidence,
                reason,
                used: false,
                carried: false,
            });
            self.candidate_index
                .insert(id.clone(), self.draft.candidates.len() - 1);
        }
        let c = &self.draft.candidates[self.candidate_index[&id]];
        Some(Ref {
            id,
            kind: c.kind,
            words: i..j,
            candidate: true,
        })
    }

    /// The document a sentence names, with its author: the entity right after the noun
    /// ("Memorandum des Weißen Hauses", "a report by Top10VPN"), else the speaker before
    /// it. "dem Memorandum", "the report" (a definite article) refer back to the last
    /// document of that kind.
    fn documents_in(&mut self, words: &[Token], refs: &[Ref]) -> Option<String> {
        let mut best: Option<(u8, String)> = None;
        for (pattern, kind) in &self.rules.documents {
            let Some((s, e)) = pattern.find(words) else {
                continue;
            };
            // A document noun inside an entity's name ("Office of ... Intelligence") is not a document.
            if refs.iter().any(|r| r.words.start <= s && e < r.words.end) {
                continue;
            }
            // "requested an investigation by the GAO", "forderte eine Untersuchung": a
            // document asked for or set going is no source anyone cites yet.
            if (s.saturating_sub(3)..s).any(|i| REQUEST_VERBS.contains(&words[i].lower.as_str())) {
                continue;
            }
            let definite = s > 0 && DEFINITE.contains(&words[s - 1].lower.as_str());
            let cue = words[s..=e]
                .iter()
                .map(|w| w.lower.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let genitive = words
                .get(e + 1)
                .is_some_and(|w| GENITIVE.contains(&w.lower.as_str()));
            let adjacent = words
                .get(e + 1)
                .is_some_and(|n| self.text[words[e].span.end..n.span.start].trim().is_empty());
            // English names a document's author with a preposition ("a statement by X");
            // a name right after the noun is its object, or the noun an adjective ("the
            // ruling ZANU-PF party"). German may ("die Erklärung Obamas").
            let bare_author = self.rules.language == "de";
            let named_after = refs.iter().find(|r| {
                can_speak(r)
                    && adjacent
                    && ((bare_author && r.words.start == e + 1)
                        || (genitive && r.words.start > e + 1 && r.words.start <= e + 3))
            });
            // "die Erklärung von US-Präsident Barack Obama": the country glued to the title
            // is the person's.
            let named_after = named_after.map(|r| {
                refs.iter()
                    .find(|p| {
                        r.kind == EntityKind::Country
                            && p.kind == EntityKind::Person
                            && p.words.start == r.words.end + 1
                    })
                    .unwrap_or(r)
            });
            let own =
                (s.saturating_sub(3)..s).any(|i| INDEFINITE.contains(&words[i].lower.as_str()));
            let (rank, id) = if let Some(author) = named_after {
                (
                    3,
                    self.document(&author.id.clone(), *kind, &cue, author.candidate),
                )
            } else if let Some(previous) = self
                .draft
                .documents
                .iter()
                .rev()
                .find(|d| d.kind == *kind && definite)
            {
                (2, previous.id.clone())
            } else if let Some(author) = refs
                .iter()
                .find(|r| r.words.end <= s && can_speak(r))
                .filter(|_| own)
            {
                (
                    1,
                    self.document(&author.id.clone(), *kind, &cue, author.candidate),
                )
            } else {
                continue;
            };
            if best.as_ref().is_none_or(|(r, _)| rank > *r) {
                best = Some((rank, id));
            }
        }
        best.map(|(_, id)| id)
    }

    fn document(&mut self, author: &str, kind: DocumentKind, cue: &str, candidate: bool) -> String {
        let id = format!("{author}-{}-{}", kind_slug(kind), self.document_suffix);
        if !self.draft.documents.iter().any(|d| d.id == id) {
            self.draft.documents.push(DraftDocument {
                id: id.clone(),
                kind,
                author: author.to_owned(),
                via: None,
                link: LinkKind::Cites,
                cue: cue.to_owned(),
            });
        }
        if candidate {
            self.use_candidate(author);
        }
        id
    }

    /// "X berichtete unter Berufung auf ein Memorandum von Y": Y's document reaches the
    /// article through X's report.
    fn relay(&mut self, _words: &[Token], _refs: &[Ref], document: Option<&str>, reporter: &Who) {
        let Some(doc) = document else { return };
        let Some(author) = self
            .draft
            .documents
            .iter()
            .find(|d| d.id == doc)
            .map(|d| d.author.clone())
        else {
            return;
        };
        if author == reporter.id || reporter.id == "publisher" {
            return;
        }
        let news = self.document(
            &reporter.id.clone(),
            DocumentKind::NewsReport,
            "reporting verb",
            self.candidate_index.contains_key(&reporter.id),
        );
        if let Some(d) = self.draft.documents.iter_mut().find(|d| d.id == doc) {
            if d.via.is_none() && d.id != news {
                d.via = Some(news);
            }
        }
    }

    fn document_author(&self, document: Option<&str>) -> Option<Who> {
        let d = self
            .draft
            .documents
            .iter()
            .find(|d| Some(d.id.as_str()) == document)?;
        Some(Who {
            id: d.author.clone(),
            reason: format!("author of the {} ({})", kind_slug(d.kind), d.cue),
            factor: 0.9,
        })
    }

    /// The last document by `author`, for later claims of the same claimant.
    fn document_of(&self, author: &str) -> Option<String> {
        self.draft
            .documents
            .iter()
            .rev()
            .find(|d| d.author == author && d.kind != DocumentKind::NewsReport)
            .map(|d| d.id.clone())
    }

    /// Whoever the last three sentences quoted, preferring a source whose document the
    /// article relays (the report being retold) over a party quoted in passing.
    fn context(&self, index: usize) -> Option<Who> {
        let recent: Vec<&DraftClaim> = self
            .draft
            .claims
            .iter()
            .rev()
            .take_while(|c| c.sentence + 3 >= index)
            .filter(|c| !c.kind.is_response() && c.claimant != "publisher")
            .collect();
        recent
            .iter()
            .find(|c| c.document.is_some())
            .or(recent.first())
            .map(|c| Who {
                id: c.claimant.clone(),
                reason: format!("context: the claimant of claim {}", c.id),
                factor: 0.8,
            })
    }

    /// A country does not speak; its government does.
    fn speaker(&self, w: Who) -> Who {
        match self
            .dict
            .entry(&w.id)
            .filter(|e| e.kind == EntityKind::Country)
            .and_then(|e| self.dict.government_of(&e.id))
        {
            Some(g) => Who {
                id: g.id.clone(),
                reason: format!("{} (the government of {})", w.reason, w.id),
                ..w
            },
            None => w,
        }
    }

    /// The claims drafted from the sentence before sentence `index`.
    fn claims_before(&self, index: usize) -> impl Iterator<Item = &DraftClaim> {
        self.draft
            .claims
            .iter()
            .rev()
            .take_while(move |c| c.sentence + 1 >= index)
            .filter(move |c| c.sentence + 1 == index)
    }

    /// Whether an entity may be a person: a known or proposed person, or a proposed German
    /// name of two words (those are proposed as organisations, a guess of kind only).
    fn may_be_person(&self, id: &str) -> bool {
        match self.kind_of(id) {
            Some(EntityKind::Person) => true,
            Some(EntityKind::Organization) => {
                self.candidate_index.contains_key(id)
                    && self.rules.language == "de"
                    && id.matches('-').count() == 1
            }
            _ => false,
        }
    }

    /// The kind of a known or proposed entity.
    fn kind_of(&self, id: &str) -> Option<EntityKind> {
        self.dict.entry(id).map(|e| e.kind).or_else(|| {
            self.candidate_index
                .get(id)
                .map(|&i| self.draft.candidates[i].kind)
        })
    }

    fn use_candidate(&mut self, id: &str) {
        if let Some(&i) = self.candidate_index.get(id) {
            self.draft.candidates[i].used = true;
        }
    }

    fn new_id(&self, claimant: &str, kind: ClaimKind, sentence: usize) -> String {
        // Provisional and unique (its position); rename_claims gives the readable id.
        format!(
            "draft-{}-{}-{}-{}",
            self.draft.claims.len(),
            sentence + 1,
            claimant,
            kind.as_str()
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn push_claim(
        &mut self,
        index: usize,
        span: Range<usize>,
        rule: &ClaimRule,
        w: Who,
        words: &[Token],
        refs: &[Ref],
        document: Option<String>,
    ) {
        // Without a speaker and without anyone it is about, a reporting word says nothing
        // worth drafting ("nobody said anything").
        if w.id == "publisher" && refs.is_empty() {
            return;
        }
        let w = self.speaker(w);
        let mut kind = rule.kind;
        if matches!(kind, ClaimKind::Allegation | ClaimKind::Assertion) {
            if let Some(k) = self.kind_cue {
                kind = k;
            }
        }
        // "Prosecutors say the group were tasked with ...", "Hisbollah plant Anschläge": a
        // statement naming a wrongdoing accuses someone, whatever verb reports it.
        if kind == ClaimKind::Assertion
            && self
                .rules
                .accusations
                .as_ref()
                .is_some_and(|p| p.find(words).is_some())
        {
            kind = ClaimKind::Allegation;
        }
        // "hat angekündigt, im Falle eines Sieges ... nicht zu nominieren": an act announced
        // on a condition is a threat.
        if rule.kind == ClaimKind::OfficialAction
            && words
                .iter()
                .any(|w| self.rules.conditions.contains(&w.lower))
        {
            kind = ClaimKind::Threat;
        }
        let mut propositions = self.services(words, refs);
        propositions.extend(self.listings(words, refs));
        // "NOS reported that ...": the claim is in NOS's news report.
        let own = match (&document, rule.document) {
            (None, Some(kind)) if w.id != "publisher" => {
                let candidate = self.candidate_index.contains_key(&w.id);
                Some(self.document(&w.id.clone(), kind, "reporting verb", candidate))
            }
            _ => None,
        };
        let document = document
            .or(own)
            .or_else(|| self.document_of(&w.id))
            .filter(|d| {
                self.draft
                    .documents
                    .iter()
                    .any(|x| x.id == *d && x.author == w.id)
            });
        // A lone capitalised word nobody says anything with ("Party", "Freedom") is too
        // likely a common noun to be proposed just for being mentioned.
        let mentioned: Vec<Ref> = refs
            .iter()
            .filter(|r| !(r.candidate && r.words.len() == 1 && !words[r.words.start].marked))
            .cloned()
            .collect();
        let about = about(&mentioned, &w.id);
        for id in about
            .iter()
            .chain([&w.id])
            .chain(propositions.iter().flat_map(|(s, _, o)| [s, o]))
            .cloned()
            .collect::<Vec<_>>()
        {
            self.use_candidate(&id);
        }
        let id = self.new_id(&w.id, kind, index);
        self.draft.claims.push(DraftClaim {
            id,
            kind,
            claimant: w.id,
            document,
            about,
            quote: span,
            answers: Vec::new(),
            propositions,
            rule: rule.rule.clone(),
            confidence: round2(rule.confidence * w.factor),
            claimant_reason: w.reason,
            sentence: index,
        });
    }

    // The sentence (index, span, words, refs), the rule, the responder, whose words it
    // answers and the document: one call site, each needed.
    #[allow(clippy::too_many_arguments)]
    fn push_response(
        &mut self,
        index: usize,
        span: Range<usize>,
        rule: &ClaimRule,
        w: Who,
        (words, refs): (&[Token], &[Ref]),
        answered: Option<&Ref>,
        document: Option<String>,
    ) {
        let w = self.speaker(w);
        // The nearest earlier claim about the responder, else the nearest earlier allegation.
        // One may decline to comment on one's own claims, but not deny them.
        let own_ok = matches!(
            rule.kind,
            ClaimKind::RefusalToComment | ClaimKind::NonAnswer | ClaimKind::NotReachable
        );
        // The three nearest earlier claims about the responder ("die Behauptungen" answers
        // several), else the nearest earlier allegations.
        // A government answers for what is said about its country.
        let country = self
            .dict
            .entry(&w.id)
            .filter(|e| e.kind == EntityKind::Government)
            .and_then(|e| e.country.as_deref());
        let answerable = |c: &&DraftClaim| !c.kind.is_response() && (c.claimant != w.id || own_ok);
        // "äußerte sich nicht zu dem Bericht": the claims made in that document.
        let mut targets: Vec<String> = match &document {
            Some(d) => self
                .draft
                .claims
                .iter()
                .rev()
                .take_while(|c| c.sentence + RESPONSE_WINDOW >= index)
                .filter(answerable)
                .filter(|c| c.document.as_ref() == Some(d))
                .take(MAX_ANSWERS)
                .map(|c| c.id.clone())
                .collect(),
            None => Vec::new(),
        };
        if targets.is_empty() {
            targets = self
                .draft
                .claims
                .iter()
                .rev()
                .take_while(|c| c.sentence + RESPONSE_WINDOW >= index)
                .filter(answerable)
                .filter(|c| {
                    c.about
                        .iter()
                        .any(|a| *a == w.id || Some(a.as_str()) == country)
                })
                .take(MAX_ANSWERS)
                .map(|c| c.id.clone())
                .collect();
        }
        if targets.is_empty() {
            targets = self
                .draft
                .claims
                .iter()
                .rev()
                .take_while(|c| c.sentence + RESPONSE_WINDOW >= index)
                .filter(answerable)
                .filter(|c| {
                    matches!(
                        c.kind,
                        ClaimKind::Allegation | ClaimKind::OfficialAction | ClaimKind::Threat
                    )
                })
                .take(MAX_ANSWERS)
                .map(|c| c.id.clone())
                .collect();
        }
        // Nothing earlier to answer, but the sentence names whose words it answers: their
        // claim is drafted from the same sentence ("denied allegations by X").
        // ("apologized for remarks made by X" names X's words without saying them: no claim.)
        let answers_words = matches!(rule.kind, ClaimKind::Denial | ClaimKind::Objection);
        if let Some(a) = answered.filter(|_| targets.is_empty() && answers_words) {
            let rule =
                self.synthetic_rule("response.answered-in-sentence", ClaimKind::Allegation, 0.6);
            let before = self.draft.claims.len();
            let accuser = who(a, "named as the one answered", 1.0);
            self.push_claim(index, span.clone(), &rule, accuser, words, refs, None);
            targets.extend(self.draft.claims[before..].iter().map(|c| c.id.clone()));
        }
        targets.reverse();
        let mut about = about(refs, "");
        if !about.contains(&w.id) {
            about.insert(0, w.id.clone());
        }
        let id = self.new_id(&w.id, rule.kind, index);
        let document = document.filter(|d| {
            self.draft
                .documents
                .iter()
                .any(|x| x.id == *d && x.author == w.id)
        });
        let response = DraftClaim {
            id,
            kind: rule.kind,
            claimant: w.id,
            document,
            about,
            quote: span,
            answers: targets,
            propositions: Vec::new(),
            rule: rule.rule.clone(),
            confidence: round2(rule.confidence * w.factor),
            claimant_reason: w.reason,
            sentence: index,
        };
        // A response must say what it answers; drafted as a plain assertion it would be a
        // wrong kind, so with nothing drafted to answer it waits for the reviewer.
        if response.answers.is_empty() {
            let why = format!("a {} with no drafted claim it answers", rule.kind.as_str());
            self.draft.for_review.push((response, why));
        } else {
            self.draft.claims.push(response);
        }
    }

    /// Service relations: providers on one side of the verb, customers on the other,
    /// within the verb's clause; the more specific service wins where two name the same words.
    fn services(&self, words: &[Token], refs: &[Ref]) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        let mut from = 0;
        // Each clause with a service verb: "ZTE supplies X, while Ericsson provides Y".
        while from < words.len() {
            let rest = &words[from..];
            let Some((verb_at, side)) = self
                .rules
                .service_verbs
                .iter()
                .filter_map(|(p, side)| p.find(rest).map(|(s, _)| (from + s, *side)))
                .min_by_key(|(s, _)| *s)
            else {
                break;
            };
            let scope = clause(self.text, words, verb_at);
            from = scope.end.max(verb_at + 1);
            let in_scope = &words[scope.clone()];
            let mut found: Vec<(&str, usize, usize)> = Vec::new();
            for (p, predicate) in &self.rules.services {
                if let Some((s, e)) = p.find(in_scope) {
                    let (s, e) = (s + scope.start, e + scope.start);
                    let generic = predicate == "providesServiceTo" && !found.is_empty();
                    if !generic && !found.iter().any(|&(_, fs, fe)| s <= fe && fs <= e) {
                        found.push((predicate.as_str(), s, e));
                    }
                }
            }
            // The cited source ("according to analysts at X") is not a party.
            let parties: Vec<&Ref> = refs
                .iter()
                .filter(|r| {
                    is_party(r.kind)
                        && scope.contains(&r.words.start)
                        && self.cited.as_deref() != Some(r.id.as_str())
                })
                .collect();
            for (predicate, noun_at, _) in found {
                let (providers, customers): (Vec<&Ref>, Vec<&Ref>) = match side {
                    ProviderSide::Before => {
                        let split = if parties.iter().any(|r| r.words.start < noun_at)
                            && parties.iter().any(|r| r.words.start > noun_at)
                        {
                            noun_at
                        } else {
                            verb_at
                        };
                        parties.iter().partition(|r| r.words.start < split)
                    }
                    // "X nutzt Dienste von Y", "X soll Y-CDNs nutzen": the provider follows the
                    // verb or stands right before the service noun.
                    ProviderSide::After => parties.iter().partition(|r| {
                        r.words.start > verb_at
                            || (r.words.start < noun_at && r.words.start + 4 > noun_at)
                    }),
                };
                for p in &providers {
                    for c in &customers {
                        if p.id != c.id {
                            let t = (p.id.clone(), predicate.to_owned(), c.id.clone());
                            if !out.contains(&t) {
                                out.push(t);
                            }
                        }
                    }
                }
            }
        }
        out
    }

    /// List additions: the parties named in the sentence are added to the list it names.
    fn listings(&self, words: &[Token], refs: &[Ref]) -> Vec<(String, String, String)> {
        if !self.listing {
            return Vec::new();
        }
        let Some(list) = refs.iter().find(|r| r.kind == EntityKind::List) else {
            return Vec::new();
        };
        let scope = clause(self.text, words, list.words.start);
        let mut out = Vec::new();
        let listed = refs.iter().filter(|r| {
            matches!(
                r.kind,
                EntityKind::Company | EntityKind::Organization | EntityKind::Group
            ) && scope.contains(&r.words.start)
                && r.words.start < list.words.start
        });
        for r in listed {
            let t = (r.id.clone(), "addedTo".to_owned(), list.id.clone());
            if !out.contains(&t) {
                out.push(t);
            }
            if let Some(g) = refs.iter().find(|g| g.kind == EntityKind::Government) {
                out.push((r.id.clone(), "listedBy".to_owned(), g.id.clone()));
            }
        }
        out
    }
}

/// FNV-1a (64 bit): a stable hash of the article text for document ids.
fn fnv1a(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn is_closing_mark(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '“' | '’' | '«' | '»' | ')')
}

fn no_pattern() -> super::rules::Pattern {
    super::rules::Pattern::parse("x").expect("a one-word pattern parses")
}

fn who(r: &Ref, reason: &str, factor: f64) -> Who {
    Who {
        id: r.id.clone(),
        reason: reason.to_owned(),
        factor,
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The rule whose match starts first (the higher confidence on a tie).
/// The rule whose cue comes first (the longer, then the more confident, on a tie). Cues
/// inside a quotation (`quoted[i]`) count only when there is none outside: in '"X accused
/// us," said Y' the report is "said", and Y its speaker.
/// `cues` is all the rules' patterns in one: no match there, no rule to try.
fn best_match<'r>(
    rules: &'r [ClaimRule],
    cues: &super::rules::Pattern,
    words: &[Token],
    quoted: &[bool],
) -> Option<(&'r ClaimRule, usize, usize)> {
    cues.find(words)?;
    let outside = |i: usize| !quoted.get(i).copied().unwrap_or(false);
    // With nothing quoted the second pass would find what the first did not.
    best_match_where(rules, words, outside).or_else(|| {
        quoted
            .iter()
            .any(|&q| q)
            .then(|| best_match_where(rules, words, |_| true))
            .flatten()
    })
}

fn best_match_where<'r>(
    rules: &'r [ClaimRule],
    words: &[Token],
    may_start: impl Fn(usize) -> bool + Copy,
) -> Option<(&'r ClaimRule, usize, usize)> {
    let mut best: Option<(&ClaimRule, usize, usize)> = None;
    for r in rules {
        if let Some((s, e)) = r.pattern.find_where(words, may_start) {
            let better = match best {
                None => true,
                Some((b, bs, be)) => {
                    s < bs || (s == bs && (e > be || (e == be && r.confidence > b.confidence)))
                }
            };
            if better {
                best = Some((r, s, e));
            }
        }
    }
    best
}

/// The subject of a reporting verb at words `start..=end`: right after the verb when
/// something else comes first (German verb-second order: "Das behauptet Top10VPN",
/// "..., drohte Peking"), otherwise the nearest entity before it in its clause.
fn subject(
    text: &str,
    words: &[Token],
    refs: &[Ref],
    start: usize,
    end: usize,
    contrasts: &WordSet,
    german: bool,
) -> Option<Who> {
    let after_comma =
        start > 0 && text[words[start - 1].span.end..words[start].span.start].contains(',');
    // The verb's own main clause: "A win could put Israel in a spot; however an official
    // said" (a relative clause, "NCSC, which said", keeps its antecedent).
    let scope_start = (1..start)
        .rev()
        .find(|&k| {
            let gap = &text[words[k - 1].span.end..words[k].span.start];
            gap.contains(';') || (gap.contains(',') && contrasts.contains(&words[k].lower))
        })
        .unwrap_or(0);
    let scope = scope_start..start;
    let first_mention_at = refs
        .iter()
        .filter(|r| can_speak(r))
        .map(|r| r.words.start)
        .min();
    let before = refs
        .iter()
        .rfind(|r| r.words.end <= start && r.words.start >= scope.start && can_speak(r));
    // "explains Secretary General of the Andean Community Wagner": a name right after
    // another (nothing between) is the officer of the first, and the one speaking.
    let after = refs
        .iter()
        .position(|r| r.words.start > end && r.words.start <= end + 8 && can_speak(r))
        .map(|k| match refs.get(k + 1) {
            Some(next)
                if can_speak(next)
                    && next.words.start == refs[k].words.end
                    && text[words[refs[k].words.end - 1].span.end
                        ..words[next.words.start].span.start]
                        .trim()
                        .is_empty() =>
            {
                next
            }
            // "lobte US-Außenminister Kerry": the country glued to a title is the person's.
            Some(next)
                if refs[k].kind == EntityKind::Country
                    && next.kind == EntityKind::Person
                    && next.words.start == refs[k].words.end + 1 =>
            {
                next
            }
            _ => &refs[k],
        });
    // "a survivor, who said": the verb's subject is the relative clause's antecedent; when
    // that is no named entity, nobody named speaks.
    // "prosecutors who told her" (no comma) too: "who" opens a relative clause however it
    // is punctuated, and its antecedent stands right before it.
    let relative = (start.saturating_sub(3)..start).rev().find(|&k| {
        k > 0
            && RELATIVE_PRONOUNS.contains(&words[k].lower.as_str())
            && (words[k].lower == "who"
                || text[words[k - 1].span.end..words[k].span.start].contains(','))
            && (k + 1..start).all(|a| AUXILIARIES.contains(&words[a].lower.as_str()))
    });
    if let Some(k) = relative {
        return refs
            .iter()
            .find(|r| r.words.end == k && can_speak(r))
            .map(|r| who(r, "the antecedent of the relative clause", 1.0));
    }
    // German "Wie Präsident Biden beim Treffen des Rates sagte": a verb-final clause opened
    // by "wie" has its subject first, before names governed by a preposition.
    if german {
        let opener = (scope.start..start).rev().find(|&k| {
            words[k].lower == "wie"
                && (k == 0 || text[words[k - 1].span.end..words[k].span.start].contains(','))
        });
        if let Some(r) = opener.and_then(|k| {
            refs.iter()
                .find(|r| r.words.start > k && r.words.end <= start && can_speak(r))
        }) {
            return Some(who(r, "subject of the clause opened by 'wie'", 1.0));
        }
    }
    // '"...," said X': a quotation closes right before the verb.
    let quoted_before = after_comma
        && text[words[start - 1].span.end..words[start].span.start]
            .contains(['"', '“', '”', '„', '«', '»', '\'', '’']);
    // "X, Secretary-General of Y, said ..." and "X, who met Y, said ...": the verb's subject
    // is the name before the apposition or relative clause, not the last name inside it.
    if after_comma && !quoted_before {
        let opening = (scope.start.max(1)..start - 1)
            .rev()
            .find(|&k| text[words[k - 1].span.end..words[k].span.start].contains(','));
        // "Der Sprecher des Amtes, Martin Schäfer, sagte": a name that is the whole
        // apposition is the speaker.
        // "The government candidate, Mr. Yanukovich, vowed": an honorific may open it.
        let named = opening.and_then(|k| {
            refs.iter().find(|r| {
                r.words.start >= k
                    && (k..r.words.start).all(|i| HONORIFICS.contains(&words[i].lower.as_str()))
                    && r.words.end == start
                    && can_speak(r)
            })
        });
        if let Some(r) = named {
            return Some(who(r, "the name in the apposition", 1.0));
        }
        let head = opening.and_then(|k| {
            refs.iter()
                .rfind(|r| r.words.end == k && r.words.start >= scope.start && can_speak(r))
        });
        // German puts a subordinate clause first ("Als er ankam, sagte X"): only a name
        // opening the sentence heads an apposition there.
        if let Some(r) = head.filter(|r| !german || r.words.start <= scope.start + 3) {
            return Some(who(r, "subject before the apposition", 1.0));
        }
    }
    // German verb-second order: "Gegenüber der Zeitung sagte X": the subject follows the verb
    // unless it stands right before it ("X sagte", "X hat ... gesagt").
    let v2_inverted = german
        && after.is_some_and(|a| a.words.start <= end + 3)
        && before.is_none_or(|b| {
            let governed = (b.words.start.saturating_sub(3)..b.words.start)
                .any(|k| PREPOSITIONS_DE.contains(&words[k].lower.as_str()));
            governed || (b.words.end != start && b.words.start > scope.start + 2)
        });
    // A verb opening the sentence ("Said Wagner: ..."); in English only there, since "The
    // minister accused Galperovich" names the accused after the verb, not the speaker.
    let opening = start <= if german { 2 } else { 0 };
    let inverted =
        after_comma || v2_inverted || (opening && first_mention_at.is_none_or(|m| m > start));
    // "..., vowed to challenge the outcome in the Supreme Court": an English name after the
    // verb speaks only when no preposition governs it ('"...," said X').
    let governed_after = |r: &Ref| {
        !german
            && !quoted_before
            && (end + 1..r.words.start).any(|i| PREPOSITIONS_EN.contains(&words[i].lower.as_str()))
    };
    if inverted {
        if let Some(r) = after.filter(|r| !governed_after(r)) {
            return Some(who(r, "subject after the reporting verb", 1.0));
        }
        // "X ordered ..., citing risks": a participle's subject is the sentence's.
        if after_comma && words[start].lower.ends_with("ing") {
            if let Some(r) = refs.iter().find(|r| can_speak(r) && r.words.end <= start) {
                return Some(who(r, "subject of the sentence", 0.9));
            }
        }
    }
    before.map(|r| who(r, "subject before the reporting verb", 1.0))
}

/// Nouns of the people of a place or body ("Ohio citizens", "Gaza residents"): they speak
/// for themselves, unnamed, not for the name before them.
const POPULATION_NOUNS: [&str; 16] = [
    "citizens",
    "residents",
    "voters",
    "workers",
    "employees",
    "students",
    "protesters",
    "villagers",
    "supporters",
    "fans",
    "users",
    "customers",
    "inhabitants",
    "bürger",
    "einwohner",
    "anwohner",
];
/// Verbs that ask for or set going what a document noun after them names ("requested an
/// investigation"): no document that exists to be cited.
const REQUEST_VERBS: [&str; 18] = [
    "requested",
    "request",
    "requests",
    "requesting",
    "demanded",
    "demands",
    "sought",
    "seeks",
    "launched",
    "opened",
    "initiated",
    "ordered",
    "forderte",
    "fordert",
    "fordern",
    "verlangte",
    "verlangt",
    "einleiten",
];
/// Last words of an event's name ("Gulf War", "Winter Olympics"): no entity anyone is.
const EVENT_WORDS: [&str; 10] = [
    "war",
    "wars",
    "olympics",
    "games",
    "cup",
    "championship",
    "krieg",
    "spiele",
    "meisterschaft",
    "weltmeisterschaft",
];
/// Whether a bracketed tag is a US party and state ("D-MI", "R-TX", "I-VT").
fn party_and_state(tag: &str) -> bool {
    let b = tag.as_bytes();
    b.len() == 4
        && matches!(b[0], b'D' | b'R' | b'I')
        && b[1] == b'-'
        && b[2].is_ascii_uppercase()
        && b[3].is_ascii_uppercase()
}
/// Honorifics before a name that are no part of it ("Mr. Yanukovich", "Frau Merkel").
const HONORIFICS: [&str; 7] = ["mr", "mrs", "ms", "dr", "prof", "herr", "frau"];
/// English prepositions: a name governed by one ("in the Supreme Court") is no subject.
const PREPOSITIONS_EN: [&str; 14] = [
    "in", "to", "at", "on", "with", "of", "for", "from", "into", "about", "against", "by", "over",
    "under",
];
/// Relative pronouns: after a comma they open a clause whose subject is the word before.
const RELATIVE_PRONOUNS: [&str; 7] = ["who", "which", "that", "der", "die", "welcher", "welche"];
/// Words between a relative pronoun and its verb that leave the verb its subject.
const AUXILIARIES: [&str; 7] = ["has", "had", "have", "also", "then", "later", "once"];
/// First-person pronouns: in a transcript turn, the turn's speaker.
const FIRST_PERSON: [&str; 4] = ["we", "i", "wir", "ich"];
/// Pronouns that refer to one person ("they" and "it" may refer to a body).
const PERSONAL: [&str; 4] = ["he", "she", "er", "sie"];
/// Pronouns that refer to a person only (German "sie" may be a body or many).
const ONE_PERSON: [&str; 3] = ["he", "she", "er"];
/// Government anaphora that may refer to any government body.
const GENERIC_GOVERNMENT: [&str; 2] = ["government", "regierung"];
/// German prepositions: a name governed by one ("gegenüber der Zeitung") is no subject.
const PREPOSITIONS_DE: [&str; 12] = [
    "gegenüber",
    "laut",
    "nach",
    "in",
    "im",
    "bei",
    "beim",
    "mit",
    "von",
    "vom",
    "zu",
    "zufolge",
];
/// Words between a document noun and its author: "Memorandum des Weißen Hauses".
const GENITIVE: [&str; 9] = [
    "des", "der", "von", "vom", "of", "by", "from", "the", "seitens",
];
/// Words before a speaker's own document: "in einem kürzlich veröffentlichten Bericht".
const INDEFINITE: [&str; 14] = [
    "ein", "einem", "einer", "eines", "einen", "a", "an", "its", "seinem", "seiner", "ihrem",
    "ihrer", "their", "his",
];
/// How many sentences back a response looks for the claims it answers.
const RESPONSE_WINDOW: usize = 40;
/// How many earlier claims one response is linked to at most.
const MAX_ANSWERS: usize = 3;
/// Definite articles: "dem Memorandum" is one named before.
const DEFINITE: [&str; 7] = ["der", "die", "das", "dem", "den", "des", "the"];

/// Words that open a subordinate clause after a comma: the clause ends a list of parties.
const CLAUSE_OPENERS: [&str; 24] = [
    "die", "der", "das", "denen", "dem", "deren", "dessen", "was", "wobei", "während", "weil",
    "dass", "sondern", "doch", "um", "nachdem", "which", "who", "that", "while", "because", "but",
    "after", "whose",
];

/// The word range of the clause around word `at`: up to a comma that opens a
/// subordinate clause, or a semicolon.
fn clause(text: &str, words: &[Token], at: usize) -> Range<usize> {
    let boundary = |i: usize| {
        // A boundary between words i-1 and i.
        let gap = &text[words[i - 1].span.end..words[i].span.start];
        gap.contains(';')
            || gap.contains(':')
            || (gap.contains(',') && CLAUSE_OPENERS.contains(&words[i].lower.as_str()))
    };
    let mut s = at.min(words.len());
    while s > 0 && s < words.len() && !boundary(s) {
        s -= 1;
    }
    let mut e = at + 1;
    while e < words.len() && !boundary(e) {
        e += 1;
    }
    s..e
}

/// Claimants cannot be lists or places.
fn can_speak(r: &Ref) -> bool {
    !matches!(r.kind, EntityKind::List | EntityKind::Place)
}

/// The source named after "according to": the first entity, when only lower-case words
/// ("a report by", "research done by an anti-spam company") stand between.
fn cited_source<'r>(
    text: &str,
    words: &[Token],
    refs: &'r [Ref],
    at: usize,
    rules: &LanguageRules,
) -> Option<&'r Ref> {
    let r = refs.iter().find(|r| r.words.start >= at && can_speak(r))?;
    // "according to official sources Brazil ...": the sources are unnamed, Brazil is no source.
    // ("analysts at Strand Consulting" are named by their firm).
    let of_firm = r.words.start > at && {
        let before = words[r.words.start - 1].lower.as_str();
        rules.agent_words.contains(before) || matches!(before, "at" | "of" | "from" | "bei" | "von")
    };
    let unnamed =
        !of_firm && (at..r.words.start).any(|i| rules.source_nouns.contains(&words[i].lower));
    // German capitalises nouns ("nach einer Untersuchung des IW"); English only names and
    // demonyms ("according to Dutch broadcaster RTL").
    let between_plain = rules.language == "de"
        || (at..r.words.start).all(|i| {
            let w = &words[i].lower;
            // "according to Col. C. Tsai": a title before the name is no other name.
            !words[i].capitalised
                || rules.candidate.demonyms.contains(w)
                || rules.candidate.person_titles.contains(w)
                || w.chars().count() == 1
        });
    let between_lower = between_plain && !unnamed;
    // "according to a screenshot sent via email to F-Secure": whom a document was sent
    // to is no source of it.
    let recipient = rules.language == "en" && (at..r.words.start).any(|i| words[i].lower == "to");
    let close = r.words.start <= at + 10 && !recipient;
    let same_clause =
        !text[words.get(at)?.span.start..words[r.words.start].span.start].contains([',', ';', ':']);
    (between_lower && close && same_clause).then_some(r)
}

/// Whether a sentence states an amount the tokens do not keep as a word: a percentage
/// ("42%"), a sum of money ("US$200", "€5") or a number with a unit glued on ("200bn").
fn states_an_amount(sentence: &str, words: &[Token]) -> bool {
    let money = sentence
        .char_indices()
        .filter(|(_, c)| matches!(c, '$' | '€' | '£'))
        .any(|(i, c)| {
            sentence[i + c.len_utf8()..]
                .chars()
                .next()
                .is_some_and(|n| n.is_ascii_digit())
        });
    let glued_unit = words.iter().any(|w| {
        let unit = w.lower.trim_start_matches(|c: char| c.is_ascii_digit());
        unit.len() < w.lower.len() && matches!(unit, "bn" | "mn" | "mrd" | "mio")
    });
    sentence.contains('%') || money || glued_unit
}

/// A sentence as drafted: its index, span, words and the entities named in it.
type SentenceSeen = (usize, Range<usize>, Rc<Vec<Token>>, Rc<Vec<Ref>>);

/// Quotation marks of either language.
const QUOTE_MARKS: [char; 6] = ['"', '“', '”', '„', '«', '»'];

/// Whether a sentence opens with a quotation mark.
/// Where a dateline opening a sentence ends ("WASHINGTON, D.C. – ", "Bukarest (Rumänien),
/// 09.12.2012 – "): a place and a date before a dash, no one speaking.
fn dateline_end(sentence: &str) -> Option<usize> {
    let dash = sentence.find(['–', '—'])?;
    let head = &sentence[..dash];
    let capitals = !head.chars().any(char::is_lowercase);
    let dated = head.chars().filter(char::is_ascii_digit).count() >= 4;
    (head.chars().count() <= 60 && head.chars().any(char::is_alphabetic) && (capitals || dated))
        .then(|| dash + sentence[dash..].chars().next().map_or(0, char::len_utf8))
}

/// Which words of a sentence stand inside a quotation: each quotation mark between two
/// words opens or closes one (`open_before`: a quotation of an earlier sentence goes on).
fn quoted_words(
    text: &str,
    sentence_start: usize,
    words: &[Token],
    open_before: bool,
) -> Vec<bool> {
    let mut open = open_before;
    let mut from = sentence_start;
    words
        .iter()
        .map(|w| {
            let marks = text[from.min(w.span.start)..w.span.start]
                .chars()
                .filter(|c| QUOTE_MARKS.contains(c))
                .count();
            open ^= marks % 2 == 1;
            from = w.span.end;
            open
        })
        .collect()
}

fn opens_with_quote(sentence: &str) -> bool {
    sentence.trim_start().starts_with(QUOTE_MARKS)
}

/// Whether a quotation is still open after `sentence`, given whether one was open before it.
fn quotation_left_open(sentence: &str, open_before: bool, language: &str) -> bool {
    let mut open = open_before;
    for c in sentence.chars() {
        match c {
            '"' => open = !open,
            '„' | '«' => open = true,
            '»' => open = false,
            // German opens with „ and closes with “; English opens with “ and closes with ”.
            '“' => open = language != "de",
            '”' => open = false,
            _ => {}
        }
    }
    open
}

/// German "„...“, so Müller": the speaker named right after a "so" that follows a comma
/// in a sentence holding a quotation.
fn so_speaker(
    text: &str,
    sentence: &str,
    words: &[Token],
    refs: &[Ref],
    language: &str,
) -> Option<Ref> {
    if language != "de" {
        return None;
    }
    if !sentence.contains(QUOTE_MARKS) {
        return None;
    }
    let at = (1..words.len()).find(|&k| {
        words[k].lower == "so" && text[words[k - 1].span.end..words[k].span.start].contains(',')
    })?;
    refs.iter()
        .find(|r| r.words.start > at && r.words.start <= at + 3 && can_speak(r))
        .cloned()
}

fn first_before(refs: &[Ref], at: usize) -> Option<&Ref> {
    refs.iter().find(|r| r.words.end <= at && can_speak(r))
}

fn first_after(refs: &[Ref], at: usize) -> Option<&Ref> {
    refs.iter().find(|r| r.words.start >= at && can_speak(r))
}

/// How two entity mentions of one sentence are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Join {
    /// "Huawei and ZTE", "das Weiße Haus und die CIA": both speak.
    And,
    /// "Queensland Rail CEO Bob Scheuber": only a title between, the second is the speaker.
    Apposition,
    /// "Britain, France": a comma only, a list when a conjunction closes it.
    Comma,
    None,
}

/// A group joined by commas alone is no list ("In an interview with reporter X, Y said"):
/// the last name speaks.
fn close_list(mut group: Vec<Ref>, conjunction: bool) -> Vec<Ref> {
    if !conjunction && group.len() > 1 {
        group.drain(..group.len() - 1);
    }
    group
}

fn join(text: &str, words: &[Token], a: &Ref, b: &Ref, is_title: &dyn Fn(&str) -> bool) -> Join {
    // Overlapping references (one name found inside another) have nothing between them.
    let Some(between) = text.get(words[a.words.end - 1].span.end..words[b.words.start].span.start)
    else {
        return Join::None;
    };
    let parts: Vec<String> = between
        .split_whitespace()
        .map(|w| {
            w.to_lowercase()
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_owned()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let conjunction = |w: &str| {
        matches!(
            w,
            "und" | "and" | "sowie" | "die" | "der" | "das" | "the" | "both" | "beide"
        )
    };
    if between.len() < 14
        && parts.iter().any(|w| conjunction(w))
        && parts.iter().all(|w| conjunction(w))
    {
        Join::And
    } else if between.trim() == "," {
        // "Britain, France and Germany": a comma lists names only when a conjunction
        // closes the list ("In an interview with reporter X, Y said" lists nobody).
        Join::Comma
    } else if !parts.is_empty() && parts.len() <= 4 && parts.iter().all(|w| is_title(w)) {
        Join::Apposition
    } else {
        Join::None
    }
}

/// The mentions before word `cue` that can speak.
fn speakers_before(refs: &[Ref], cue: usize) -> Vec<&Ref> {
    refs.iter()
        .filter(|r| r.words.end <= cue && can_speak(r))
        .collect()
}

/// The subject of a response and the entities coordinated with it ("Das Weiße Haus und
/// die CIA lehnten ... ab"); a title between two names makes the second the speaker.
fn coordinated_subject(
    text: &str,
    words: &[Token],
    refs: &[Ref],
    cue: usize,
    is_title: &dyn Fn(&str) -> bool,
) -> Vec<Ref> {
    let before = speakers_before(refs, cue);
    let Some(first) = before.first() else {
        return refs
            .iter()
            .find(|r| r.words.start > cue && can_speak(r))
            .cloned()
            .into_iter()
            .collect();
    };
    let mut out = vec![(*first).clone()];
    let mut conjunction = false;
    for pair in before.windows(2) {
        match join(text, words, pair[0], pair[1], is_title) {
            j @ (Join::And | Join::Comma) => {
                conjunction |= matches!(j, Join::And);
                if !out.iter().any(|o| o.id == pair[1].id) {
                    out.push(pair[1].clone());
                }
            }
            Join::Apposition => {
                out.pop();
                out.push(pair[1].clone());
            }
            Join::None => break,
        }
    }
    close_list(out, conjunction)
}

/// The coordinated speakers nearest before a reporting verb ("Premier Peter Beattie and
/// Queensland Rail CEO Bob Scheuber said"): each says it.
fn subject_group(
    text: &str,
    words: &[Token],
    refs: &[Ref],
    cue: usize,
    is_title: &dyn Fn(&str) -> bool,
) -> Vec<Ref> {
    let before = speakers_before(refs, cue);
    let mut group: Vec<Ref> = Vec::new();
    let mut conjunction = false;
    for (k, r) in before.iter().enumerate() {
        let joined = match k {
            0 => Join::None,
            _ => join(text, words, before[k - 1], r, is_title),
        };
        match joined {
            j @ (Join::And | Join::Comma) => {
                conjunction |= matches!(j, Join::And);
                if !group.iter().any(|g| g.id == r.id) {
                    group.push((*r).clone());
                }
            }
            Join::Apposition => {
                group.pop();
                group.push((*r).clone());
            }
            Join::None => {
                group = vec![(*r).clone()];
                conjunction = false;
            }
        }
    }
    close_list(group, conjunction)
}

fn about(refs: &[Ref], claimant: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in refs {
        if r.id != claimant && !out.contains(&r.id) {
            out.push(r.id.clone());
        }
    }
    out
}

fn kind_slug(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Report => "report",
        DocumentKind::NewsReport => "news-report",
        DocumentKind::Memorandum => "memorandum",
        DocumentKind::Intelligence => "intelligence",
        DocumentKind::Statement => "statement",
        DocumentKind::OfficialNotice => "official-notice",
        DocumentKind::Interview => "interview",
        DocumentKind::Document => "document",
    }
}

/// A slug from a name: lower-case ASCII letters and digits joined by hyphens (German
/// umlauts spelled out).
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let piece: &str = match c {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            // Other Latin letters with accents lose them: "Inácio" is "inacio".
            'à' | 'á' | 'â' | 'ã' | 'å' => "a",
            'ç' | 'ć' | 'č' => "c",
            'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => "e",
            'ì' | 'í' | 'î' | 'ï' | 'ı' => "i",
            'ñ' | 'ń' | 'ň' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ø' => "o",
            'ù' | 'ú' | 'û' | 'ů' => "u",
            'ý' | 'ÿ' => "y",
            'ğ' => "g",
            'ş' | 'š' | 'ś' => "s",
            'ž' | 'ź' | 'ż' => "z",
            'ł' => "l",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "-",
        };
        if piece == "-" {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push_str(piece);
        }
    }
    let s: String = out.trim_matches('-').chars().take(60).collect();
    s.trim_end_matches('-').to_owned()
}

impl Draft {
    /// Every entity id its claims (claimant, `about`, propositions) and documents (author)
    /// refer to, in order, with repeats; "publisher" included.
    pub fn entity_ids(&self) -> Vec<String> {
        let mut out = Vec::new();
        for c in &self.claims {
            out.push(c.claimant.clone());
            out.extend(c.about.iter().cloned());
            for (s, _, o) in &c.propositions {
                out.push(s.clone());
                out.push(o.clone());
            }
        }
        out.extend(self.documents.iter().map(|d| d.author.clone()));
        out
    }
}

impl DraftDocument {
    pub fn kind_str(&self) -> &'static str {
        kind_slug(self.kind)
    }

    pub fn link_str(&self) -> &'static str {
        match self.link {
            LinkKind::Cites => "cites",
            LinkKind::ReportsOn => "reports-on",
            LinkKind::Quotes => "quotes",
            LinkKind::BasedOn => "based-on",
        }
    }
}
