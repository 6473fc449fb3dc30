//! The entity page: a summary first (what the entity is, its claims counted by kind and
//! status, the lists claims put it on and according to whom), then every claim it takes
//! part in grouped by its role, each with its trail from claimant to article and the
//! answers it drew (who denied, declined or corrected, in their words), the relations
//! claims state between it and others (diagram and table, each with claimant and
//! status), and a timeline of the dated claims. The claims are paginated
//! ([`super::paging`]): each page holds at most 100 cards, the summary counts them all.
//!
//! Data: `page-entity` (description), `entity-claims` (competency question 2: the claims
//! with role, date, quote and status), `page-entity-answers` (the responses and
//! corroborations of those claims), `page-entity-relations` (the diagram) and
//! `page-relay-chain` (each claim's document chain, once per article and document).
//! A page reads what it shows: the index of all the entity's claims
//! ([`model::entity_claim_index`]: role, kind, status and sort key, what orders and
//! counts the cards), the whole `entity-claims` rows of its own cards only, and the
//! answers of its own cards and of the claims whose status phrase names who answered;
//! a page of a large entity costs its 100 cards and a few lookups per other claim.

use std::collections::{BTreeMap, HashMap, HashSet};

use oxigraph::model::{NamedNode, Term};
use serde::Serialize;

use super::claim::{relay_chain, trail, ChainStep, TrailStep};
use super::diagram::{self, Diagram, Relation, RelationClaim};
use super::paging::Pager;
use super::status::{answers_of_rows, legend, LegendEntry};
use super::{
    external_url, page_path, Answer, DateView, ExternalUrl, KindView, Link, Rows, Source, Status,
};
use crate::model::vocab::cg;
use crate::publish::render::RenderError;
use crate::read::model::{self, RoleClaim};

#[derive(Debug, Clone, Serialize)]
pub struct EntityPage {
    pub iri: String,
    pub label: String,
    /// The label in the other language, when it differs.
    pub other_label: Option<String>,
    pub kind: String,
    pub aliases: Vec<String>,
    pub country: Option<Link>,
    pub part_of: Option<Link>,
    pub wikidata: Option<ExternalUrl>,
    pub wikidata_id: Option<String>,
    pub description: Option<String>,
    pub claim_count: usize,
    pub summary: Vec<SummaryLine>,
    pub memberships: Vec<Membership>,
    pub groups: Vec<ClaimGroup>,
    pub relations: Vec<Relation>,
    pub diagram: Option<Diagram>,
    pub timeline: Vec<TimelineItem>,
    /// Claims left out of the timeline: their date is known only in the article's words.
    pub undated: usize,
    pub legend: Vec<LegendEntry>,
    /// Where this page stands among the entity's pages of claims.
    pub pager: Pager,
}

/// One line of the summary box: "Claims about Alibaba: allegation (3); denied by Alibaba (3)".
#[derive(Debug, Clone, Serialize)]
pub struct SummaryLine {
    pub heading: String,
    pub role: String,
    pub kinds: Vec<(String, usize)>,
    pub statuses: Vec<(Status, usize)>,
}

/// A list claims put the entity on, and whose claims they are: "on the US Entity List
/// (per Top10VPN)".
#[derive(Debug, Clone, Serialize)]
pub struct Membership {
    pub list: Link,
    pub per: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClaimGroup {
    pub role: String,
    pub heading: String,
    /// The entity's claims in this role, on all its pages.
    pub total: usize,
    /// The cards of this role on this page.
    pub claims: Vec<ClaimCard>,
}

/// One claim as a card on the entity page.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimCard {
    /// The card's id in the page (the first card of a claim only).
    pub anchor: Option<String>,
    pub href: Option<String>,
    pub kind: KindView,
    pub statement: String,
    pub claimant: Link,
    pub article: Link,
    /// From the claimant through its document up to the article, with dates.
    pub trail: Vec<TrailStep>,
    pub date: Option<DateView>,
    pub quote: String,
    pub lang: Option<String>,
    /// `None` for a response nobody answered.
    pub status: Option<Status>,
    /// Responses and corroborations, in their own words.
    pub answers: Vec<Answer>,
    /// The card before this one in its group drew the very same answers, quoted there;
    /// this card names them without repeating their words.
    pub answers_as_above: bool,
    /// The claims a response answers.
    pub answers_to: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineItem {
    pub date: DateView,
    pub anchor: String,
    pub kind: String,
    pub claimant: String,
}

const ROLES: [(&str, &str); 4] = [
    ("subject", "Claims about"),
    ("claimant", "Claims made by"),
    ("responding", "Responses by"),
    ("mentioned", "Claims that mention"),
];

/// The index of the entity's claims ([`model::entity_claim_index`]): what every page of
/// the entity reads whole, in any language, so a site can keep it for the entity's
/// other pages until the data changes.
pub fn claim_index(src: &Source<'_>, iri: &NamedNode) -> Result<Rows, RenderError> {
    src.read_model(|facts, schema| model::entity_claim_index(facts, schema, iri.clone().into()))
}

/// Builds page `number` (from 1) of the entity `iri`: its description and summary over
/// all its claims, and the claim cards of that page ([`PAGE_SIZE`] at most, by role,
/// then by date and IRI); `None` when the store holds no such entity or its claims do
/// not fill that page. Only the cards shown are built (their trails and relay chains are
/// the costly part), and the relations diagram and table are on the first page. `index`
/// is the entity's [`claim_index`] when the caller kept it, else it is read here.
pub fn entity_page(
    src: &Source<'_>,
    iri: &NamedNode,
    number: usize,
    index: Option<&Rows>,
) -> Result<Option<EntityPage>, RenderError> {
    let lang = src.lang;
    let param: Term = iri.clone().into();
    let about = src.select("page-entity", &[("entity", param.clone())])?;
    let Some(first) = about.first() else {
        return Ok(None);
    };
    let english = about
        .str(first, "labelEn")
        .or_else(|| about.str(first, "labelDe"))
        .or_else(|| about.str(first, "slug"))
        .unwrap_or_else(|| super::local_name(iri.as_str()).to_owned());
    let german = about.str(first, "labelDe");
    let (label, other_label) = match lang {
        super::lang::Lang::En => (english.clone(), german),
        super::lang::Lang::De => (german.unwrap_or_else(|| english.clone()), Some(english)),
    };
    let other_label = other_label.filter(|o| o != &label);
    let mut aliases: Vec<String> = about.iter().filter_map(|r| about.str(r, "alias")).collect();
    aliases.dedup();
    let aliases = reader_aliases(&label, other_label.as_deref(), aliases);
    let wikidata_iri = about.iri(first, "wikidata").map(str::to_owned);
    let country = about
        .iri(first, "country")
        .map(|c| src.link(Some(c), about.str(first, "countryLabel")));
    let part_of = about
        .iri(first, "partOf")
        .map(|p| src.link(Some(p), about.str(first, "partOfLabel")));

    // Every card of every page, in page order, from the index of the entity's claims:
    // what orders the cards and what the summary counts, none of what a card shows.
    let read;
    let index = match index {
        Some(kept) => kept,
        None => {
            read = claim_index(src, iri)?;
            &read
        }
    };
    let items = claim_items(index, iri.as_str());
    let first_path = page_path(src.iris, iri.as_str()).unwrap_or_default();
    let Some(pager) = Pager::new(&first_path, number, items.len(), src.page_size) else {
        return Ok(None);
    };
    let shown = &items[pager.range()];

    // The whole rows of the cards this page shows, and nothing of the others.
    let only: HashSet<RoleClaim> = shown
        .iter()
        .map(|item| (item.role.clone(), named(item.claim)))
        .collect();
    let rows = src
        .read_model(|facts, schema| model::entity_claims_of(facts, schema, param.clone(), &only))?;
    let cards: HashMap<(String, &str), ClaimItem<'_>> = claim_items(&rows, iri.as_str())
        .into_iter()
        .map(|item| ((item.role.clone(), item.claim), item))
        .collect();
    let relation_rows = src.select("page-entity-relations", &[("entity", param.clone())])?;

    // The answers a page needs: those of the claims it shows, of the claims its
    // responses answer (their "answers to" links), and of any other claim, shown or
    // counted, whose status phrase names who answered or counts origins.
    let mut wanted: HashSet<Term> = HashSet::new();
    for item in shown {
        let claim = named(item.claim);
        wanted.extend(src.objects(&claim, cg::ANSWERS)?);
        wanted.insert(claim);
    }
    let mut counted: Vec<(KindView, Option<String>)> = Vec::with_capacity(items.len());
    for item in &items {
        let kind = src.kind(&index.str(item.row, "kind").unwrap_or_default())?;
        let status = index.str(item.row, "status");
        if src.status_needs_answers(status.as_deref(), &kind)? {
            wanted.insert(named(item.claim));
        }
        counted.push((kind, status));
    }
    for r in relation_rows.iter() {
        if let Some(claim) = relation_rows.iri(r, "claim") {
            if src.status_needs_answers(relation_rows.iri(r, "status"), &no_kind())? {
                wanted.insert(named(claim));
            }
        }
    }
    let shown_claims: HashSet<&str> = shown.iter().map(|item| item.claim).collect();
    let answers = answers_of_rows(
        src,
        &src.read_model(|facts, schema| {
            model::entity_answers_of(facts, schema, param.clone(), &wanted)
        })?,
        Some(&shown_claims),
    )?;

    // Which of the entity's claims each response shown answers, read backwards from
    // the answers: the links under a response's card.
    let shown_hrefs: HashSet<String> = shown
        .iter()
        .filter_map(|item| page_path(src.iris, item.claim))
        .collect();
    let entity_claims: HashSet<&str> = index.iter().filter_map(|r| index.iri(r, "claim")).collect();
    let mut answered: HashMap<String, Vec<Link>> = HashMap::new();
    for (claim, list) in &answers {
        let answering_shown = |a: &&Answer| {
            a.kind_key != "Corroboration"
                && a.href.as_ref().is_some_and(|h| shown_hrefs.contains(h))
        };
        if !entity_claims.contains(claim.as_str()) || !list.iter().any(|a| answering_shown(&a)) {
            continue;
        }
        let statement = src
            .objects(&named(claim), cg::STATEMENT)?
            .into_iter()
            .last()
            .and_then(|t| match t {
                Term::Literal(l) => Some(l.value().to_owned()),
                _ => None,
            });
        let target = Link {
            href: page_path(src.iris, claim),
            label: statement.unwrap_or_default(),
        };
        for a in list.iter().filter(answering_shown) {
            if let Some(h) = &a.href {
                let entry = answered.entry(h.clone()).or_default();
                if !entry.contains(&target) {
                    entry.push(target.clone());
                }
            }
        }
    }

    // The summary counts the claims of all pages by kind and status.
    let mut tallies: Vec<ClaimGroup> = Vec::new();
    let mut all_claims: HashSet<&str> = HashSet::new();
    let mut statuses: Vec<Status> = Vec::new();
    for (item, (kind, status)) in items.iter().zip(counted) {
        all_claims.insert(item.claim);
        let claim_answers = answers.get(item.claim).map(Vec::as_slice).unwrap_or(&[]);
        let status = src.status(status.as_deref(), &kind, claim_answers)?;
        statuses.extend(status.clone());
        let tally = tally_card(kind, status);
        match tallies.iter_mut().find(|g| g.role == item.role) {
            Some(g) => {
                g.total += 1;
                g.claims.push(tally);
            }
            None => tallies.push(ClaimGroup {
                heading: format!("{} {label}", lang.tr(role_heading(&item.role))),
                role: item.role.clone(),
                total: 1,
                claims: vec![tally],
            }),
        }
    }

    // The cards of this page, grouped by role, each with its trail and answers.
    let mut chains: HashMap<(String, String), Vec<ChainStep>> = HashMap::new();
    let mut groups: Vec<ClaimGroup> = Vec::new();
    let mut timeline: Vec<(String, String, TimelineItem)> = Vec::new();
    let mut seen_claims: HashSet<String> = HashSet::new();
    let mut undated: HashSet<String> = HashSet::new();
    for item in shown {
        // The card's own row; the index row of the same role and claim orders it.
        let Some(item) = cards.get(&(item.role.clone(), item.claim)) else {
            continue;
        };
        let (r, claim, role) = (item.row, item.claim, &item.role);
        let article = item.article;
        let document = rows.iri(r, "document").unwrap_or(article);
        let chain = match chains.get(&(article.to_owned(), document.to_owned())) {
            Some(c) => c.clone(),
            None => {
                let c = relay_chain(src, article, document)?;
                chains.insert((article.to_owned(), document.to_owned()), c.clone());
                c
            }
        };
        let date = best_date(src, rows.str(r, "date"), rows.str(r, "precision"))?;
        let kind = src.kind(&rows.str(r, "kind").unwrap_or_default())?;
        let claim_answers = answers.get(claim).cloned().unwrap_or_default();
        let status = src.status(rows.str(r, "status").as_deref(), &kind, &claim_answers)?;
        let claimant = src.link(rows.iri(r, "claimant"), rows.str(r, "claimantLabel"));
        let article_link = src.article_link(article, rows.str(r, "articleTitle"))?;
        let document_link =
            (document != article).then(|| src.link(Some(document), rows.str(r, "documentTitle")));
        let document_date = chain.last().and_then(|s| s.to_date.clone());
        let href = page_path(src.iris, claim);
        let anchor = format!(
            "claim-{}",
            src.iris
                .path_of(claim)
                .unwrap_or(claim)
                .trim_start_matches("id/claim/")
                .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        );
        let first_card = seen_claims.insert(claim.to_owned());
        let card = ClaimCard {
            anchor: first_card.then(|| anchor.clone()),
            answers_to: href
                .as_ref()
                .and_then(|h| answered.get(h).cloned())
                .unwrap_or_default(),
            href,
            trail: trail(
                src,
                &claimant,
                document_link.as_ref().map(|d| (d, document_date)),
                &article_link,
                &chain,
            ),
            statement: rows.str(r, "statement").unwrap_or_default(),
            article: article_link,
            date: date.clone(),
            quote: rows.str(r, "quote").unwrap_or_default(),
            lang: rows.str(r, "lang").filter(|l| !l.is_empty()),
            status,
            answers: claim_answers,
            answers_as_above: false,
            claimant,
            kind,
        };
        if first_card {
            match date.filter(|d| !d.only_words) {
                Some(date) => timeline.push((
                    claim.to_owned(),
                    rows.str(r, "sortKey").unwrap_or_else(|| "~~".into()),
                    TimelineItem {
                        date,
                        anchor,
                        kind: card.kind.label.clone(),
                        claimant: card.claimant.label.clone(),
                    },
                )),
                None => {
                    undated.insert(claim.to_owned());
                }
            }
        }
        match groups.iter_mut().find(|g| &g.role == role) {
            Some(g) => g.claims.push(card),
            None => groups.push(ClaimGroup {
                heading: format!("{} {label}", lang.tr(role_heading(role))),
                role: role.clone(),
                total: tallies
                    .iter()
                    .find(|t| &t.role == role)
                    .map_or(0, |t| t.total),
                claims: vec![card],
            }),
        }
    }
    for g in &mut groups {
        for i in 1..g.claims.len() {
            let hrefs =
                |c: &ClaimCard| c.answers.iter().map(|a| a.href.clone()).collect::<Vec<_>>();
            g.claims[i].answers_as_above =
                !g.claims[i].answers.is_empty() && hrefs(&g.claims[i]) == hrefs(&g.claims[i - 1]);
        }
    }
    timeline.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));

    let mut relations = relations(src, &relation_rows, &answers)?;
    let memberships = memberships(&relations);
    let summary = tallies
        .iter()
        .map(|g| summary_line(g, &label, lang))
        .collect();
    let legend = legend(
        statuses.iter().chain(
            relations
                .iter()
                .flat_map(|r| r.claims.iter())
                .filter_map(|c| c.status.as_ref()),
        ),
    );
    // The relations are the whole entity's, shown once: on its first page.
    if pager.number > 1 {
        relations.clear();
    }
    let diagram = diagram::layout(lang, &label, &relations);
    Ok(Some(EntityPage {
        iri: iri.as_str().to_owned(),
        other_label,
        kind: lang
            .tr(&about.str(first, "kind").unwrap_or_else(|| "entity".into()))
            .to_owned(),
        aliases,
        country,
        part_of,
        wikidata_id: wikidata_iri
            .as_deref()
            .and_then(|w| w.rsplit('/').next())
            .map(str::to_owned),
        wikidata: external_url(wikidata_iri.map(|w| {
            w.replace(
                "http://www.wikidata.org/entity/",
                "https://www.wikidata.org/wiki/",
            )
        })),
        description: about.str(first, "description"),
        claim_count: all_claims.len(),
        summary,
        memberships,
        groups,
        relations,
        diagram,
        timeline: timeline.into_iter().map(|(_, _, t)| t).collect(),
        undated: undated.len(),
        legend,
        label,
        pager,
    }))
}

/// One card of an entity page before it is built: its row of `entity-claims`.
struct ClaimItem<'r> {
    role: String,
    claim: &'r str,
    article: &'r str,
    row: usize,
}

/// The cards of an entity's pages, in order: one per role and claim (the first row of
/// each), by role, then in the query's order (best known date, then IRI). A claim the
/// entity makes about itself (its own denial) is shown among its claims or responses,
/// not again among the claims about it.
fn claim_items<'r>(rows: &'r super::Rows, entity: &str) -> Vec<ClaimItem<'r>> {
    let mut seen: HashSet<(String, &str)> = HashSet::new();
    let mut items: Vec<ClaimItem<'r>> = Vec::new();
    for r in rows.iter() {
        let (Some(claim), Some(article)) = (rows.iri(r, "claim"), rows.iri(r, "article")) else {
            continue;
        };
        let role = rows.str(r, "role").unwrap_or_else(|| "mentioned".into());
        if role == "subject" && rows.iri(r, "claimant") == Some(entity) {
            continue;
        }
        if seen.insert((role.clone(), claim)) {
            items.push(ClaimItem {
                role,
                claim,
                article,
                row: r,
            });
        }
    }
    items.sort_by_key(|item| role_position(&item.role));
    items
}

/// The kind of a claim a relation rests on: not shown, and never a response's.
fn no_kind() -> KindView {
    KindView {
        label: String::new(),
        key: String::new(),
        is_response: false,
    }
}

fn named(iri: &str) -> Term {
    NamedNode::new_unchecked(iri).into()
}

/// A claim as the summary counts it: its kind and status only.
fn tally_card(kind: KindView, status: Option<Status>) -> ClaimCard {
    let nowhere = Link {
        href: None,
        label: String::new(),
    };
    ClaimCard {
        anchor: None,
        href: None,
        kind,
        statement: String::new(),
        claimant: nowhere.clone(),
        article: nowhere,
        trail: Vec::new(),
        date: None,
        quote: String::new(),
        lang: None,
        status,
        answers: Vec::new(),
        answers_as_above: false,
        answers_to: Vec::new(),
    }
}

fn role_position(role: &str) -> usize {
    ROLES
        .iter()
        .position(|(r, _)| *r == role)
        .unwrap_or(ROLES.len())
}

fn role_heading(role: &str) -> &'static str {
    ROLES
        .iter()
        .find(|(r, _)| *r == role)
        .map(|(_, h)| *h)
        .unwrap_or("Claims involving")
}

/// The relations claims state between the entity and others, one per direction,
/// relation and other entity, with the claims behind each.
fn relations(
    src: &Source<'_>,
    rows: &super::Rows,
    answers: &BTreeMap<String, Vec<Answer>>,
) -> Result<Vec<Relation>, RenderError> {
    let mut out: Vec<Relation> = Vec::new();
    for r in rows.iter() {
        let Some(claim) = rows.iri(r, "claim") else {
            continue;
        };
        let outgoing = rows.str(r, "direction").as_deref() == Some("out");
        let relation_en = rows.str(r, "relationLabel").unwrap_or_else(|| {
            rows.str(r, "relation")
                .map(|p| crate::store::compact(&p))
                .unwrap_or_default()
        });
        let relation = src.term_label(&relation_en)?;
        let other = src.link(rows.iri(r, "other"), rows.str(r, "otherLabel"));
        let status_label = rows.iri(r, "status").map(str::to_owned);
        let item = RelationClaim {
            href: page_path(src.iris, claim),
            claimant: src.link(rows.iri(r, "claimant"), rows.str(r, "claimantLabel")),
            status: src.status(
                status_label.as_deref(),
                &no_kind(),
                answers.get(claim).map(Vec::as_slice).unwrap_or(&[]),
            )?,
        };
        match out
            .iter_mut()
            .find(|x| x.outgoing == outgoing && x.relation == relation && x.other == other)
        {
            Some(x) => {
                if !x.claims.iter().any(|c| c.href == item.href) {
                    x.claims.push(item)
                }
            }
            None => out.push(Relation {
                outgoing,
                relation,
                other,
                is_listing: rows.bool(r, "isListing"),
                claims: vec![item],
            }),
        }
    }
    // Most claims first; the query's order (by name) breaks ties.
    out.sort_by_key(|x| std::cmp::Reverse(x.claims.len()));
    Ok(out)
}

/// "on the US Entity List (per Top10VPN)": each list an outgoing listing relation puts
/// the entity on, with the claimants who say so.
fn memberships(relations: &[Relation]) -> Vec<Membership> {
    let mut out: Vec<Membership> = Vec::new();
    for r in relations.iter().filter(|r| r.outgoing && r.is_listing) {
        let i = match out.iter().position(|m| m.list == r.other) {
            Some(i) => i,
            None => {
                out.push(Membership {
                    list: r.other.clone(),
                    per: Vec::new(),
                });
                out.len() - 1
            }
        };
        let m = &mut out[i];
        for c in &r.claims {
            if !m.per.contains(&c.claimant) {
                m.per.push(c.claimant.clone());
            }
        }
    }
    out
}

fn summary_line(group: &ClaimGroup, label: &str, lang: super::lang::Lang) -> SummaryLine {
    let mut kinds: Vec<(String, usize)> = Vec::new();
    let mut statuses: Vec<(Status, usize)> = Vec::new();
    for c in &group.claims {
        match kinds.iter_mut().find(|(k, _)| *k == c.kind.label) {
            Some((_, n)) => *n += 1,
            None => kinds.push((c.kind.label.clone(), 1)),
        }
        if let Some(s) = &c.status {
            match statuses.iter_mut().find(|(x, _)| x.label == s.label) {
                Some((_, n)) => *n += 1,
                None => statuses.push((s.clone(), 1)),
            }
        }
    }
    SummaryLine {
        heading: format!("{} {label}", lang.tr(role_heading(&group.role))),
        role: group.role.clone(),
        kinds,
        statuses,
    }
}

/// The aliases a reader learns something from: not the label itself, nor its inflected
/// forms ("Hikvision's", "Hikvisions"), which only the extractor needs.
fn reader_aliases(label: &str, other: Option<&str>, aliases: Vec<String>) -> Vec<String> {
    let is_form_of = |alias: &str, name: &str| {
        let (a, n) = (alias.to_lowercase(), name.to_lowercase());
        let (long, short) = if a.len() >= n.len() {
            (&a, &n)
        } else {
            (&n, &a)
        };
        long.starts_with(short.as_str()) && long.chars().count() - short.chars().count() <= 3
    };
    let mut out: Vec<String> = Vec::new();
    for alias in aliases {
        let redundant = is_form_of(&alias, label)
            || other.is_some_and(|o| is_form_of(&alias, o))
            || out.iter().any(|kept| is_form_of(&alias, kept));
        if !redundant {
            out.push(alias);
        }
    }
    out
}

/// `entity-claims` gives the best known date as one string (a value, or the article's
/// words when only those are known) and its precision.
fn best_date(
    src: &Source<'_>,
    date: Option<String>,
    precision: Option<String>,
) -> Result<Option<DateView>, RenderError> {
    let Some(date) = date else {
        return Ok(None);
    };
    let is_value = date.chars().all(|c| c.is_ascii_digit() || c == '-');
    if is_value {
        src.date(Some(date), None, precision)
    } else {
        src.date(None, Some(date), precision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflected_aliases_are_not_shown_to_readers() {
        let kept = reader_aliases(
            "Hikvision",
            None,
            vec![
                "Hikvision's".into(),
                "Hikvisions".into(),
                "Hangzhou Hikvision Digital Technology".into(),
            ],
        );
        assert_eq!(kept, ["Hangzhou Hikvision Digital Technology"]);
    }
}
