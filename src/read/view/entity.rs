//! The entity page: a summary first (what the entity is, its claims counted by kind and
//! status, the lists claims put it on and according to whom), then every claim it takes
//! part in grouped by its role, each with its trail from claimant to article and the
//! answers it drew (who denied, declined or corrected, in their words), the relations
//! claims state between it and others (diagram and table, each with claimant and
//! status), and a timeline of the dated claims. The claims are cut into pages by content
//! ([`super::paging`], [`EntityPaging`]): each page holds at most 100 cards. Only the first
//! page shows what is counted over all of them (the summary, the relations, the totals);
//! a later page shows its own cards, so an import changes the pages its claims fall on,
//! not every page of a large entity. An entity with more than
//! [`RELATION_ROWS_ON_FIRST_PAGE`] claims of relations shows the relations with the most
//! claims, each with its claims counted by status, and links its relations listing
//! ([`relations_page`]: one row per claim of a relation, cut into pages the same way).
//!
//! Data: `page-entity` (description), `entity-claims` (competency question 2: the claims
//! with role, date, quote and status), `page-entity-answers` (the responses and
//! corroborations of those claims), `page-entity-relations` (the diagram) and
//! `page-relay-chain` (each claim's document chain, once per article and document).
//! What a page shows of all the entity's claims is its [`EntityDigest`], read once and
//! kept by the site while the entity spans pages: the index of its claims
//! ([`model::entity_claim_index`]: role, kind, status and sort key, what orders the
//! cards), the tallies by role, kind and status, the legend and every relation with each
//! claim's status. A page itself reads the whole `entity-claims` rows of its own cards
//! only and the answers of those cards: with its digest kept, a page of a large entity
//! costs its cards, not the entity's claims.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use oxigraph::model::{NamedNode, Term};
use serde::Serialize;

use super::claim::{relay_chain, trail, ChainStep, TrailStep};
use super::diagram::{self, Diagram, Relation, RelationClaim};
use super::lang::Lang;
use super::paging::{AnchoredPages, ListPager};
use super::status::{answers_of_rows, legend, tally, LegendEntry};
use super::{
    external_url, page_path, Answer, DateView, ExternalUrl, KindView, Link, Rows, Source, Status,
};
use crate::model::vocab::cg;
use crate::publish::render::RenderError;
use crate::read::catalog::Table;
use crate::read::kept::Weighed;
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
    /// The first page's: over all the entity's claims.
    pub summary: Vec<SummaryLine>,
    pub memberships: Vec<Membership>,
    pub groups: Vec<ClaimGroup>,
    /// The relations the first page shows: all of them when they are few
    /// ([`RELATION_ROWS_ON_FIRST_PAGE`] claims at most), else those with the most claims,
    /// each with its first claims and its claims counted by status.
    pub relations: Vec<RelationSummary>,
    /// Every relation's claims are in the table above (else the listing has them).
    pub relations_complete: bool,
    /// How many relations, and claims of relations, the entity has in all.
    pub relation_count: usize,
    pub relation_rows: usize,
    /// The first page of the entity's relations listing, when the first page leaves
    /// some out.
    pub relations_href: Option<String>,
    pub diagram: Option<Diagram>,
    pub timeline: Vec<TimelineItem>,
    /// Claims left out of the timeline: their date is known only in the article's words.
    pub undated: usize,
    pub legend: Vec<LegendEntry>,
    /// Where this page stands among the entity's pages of claims.
    pub pager: ListPager,
    /// A later page: it shows its own cards only, and links the first page for the
    /// summary and relations.
    pub later: bool,
    /// The entity's first page, from a later page.
    pub first_href: Option<String>,
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
    /// The entity's claims in this role, on all its pages (on the first page only).
    pub total: Option<usize>,
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

/// What an entity's digest reads from the store: the same rows in every language, read
/// once for the digests of both ([`entity_rows`]).
pub struct EntityRows {
    /// [`claim_index`]: what orders the cards, kept with the digests.
    pub index: Arc<Rows>,
    /// `page-entity`: its labels.
    about: Rows,
    /// `page-entity-relations`: every relation and the claim behind it.
    relations: Rows,
    /// `page-entity-answers` of the claims whose status phrase names who answered.
    answers: Rows,
}

/// What every page of an entity in one language shows of all its claims and relations,
/// read once ([`entity_digest`]) and kept by the site for the entity's other pages and its
/// relations listing until the data changes: the index of its claims (what orders the
/// cards), the summary's tallies by role, kind and status, the legend, the lists it is
/// on, and every relation with the status of each claim behind it.
pub struct EntityDigest {
    pub lang: Lang,
    iri: String,
    /// [`claim_index`], shared with the digest in the other language.
    pub index: Arc<Rows>,
    label: String,
    summary: Vec<SummaryLine>,
    /// How many cards each role has, in page order.
    role_totals: Vec<(String, usize)>,
    legend: Vec<LegendEntry>,
    memberships: Vec<Membership>,
    /// Every relation, most claims first.
    relations: Vec<Relation>,
    diagram: Option<Diagram>,
    /// How its claims and relations listing are cut into pages.
    pub paging: Arc<EntityPaging>,
}

impl EntityDigest {
    /// How many claims of relations the entity has: the rows of its relations listing.
    pub fn relation_rows(&self) -> usize {
        self.relations.iter().map(|r| r.claims.len()).sum()
    }

    /// Worth keeping for later requests: the entity has more than one page of claims,
    /// or a relations listing (both read the digest again).
    pub fn spans_pages(&self, page_size: usize) -> bool {
        self.index.len() > page_size || self.relation_rows() > RELATION_ROWS_ON_FIRST_PAGE
    }
}

impl Weighed for EntityDigest {
    fn bytes(&self) -> usize {
        // The index is shared between the languages; counted in each, to stay on the
        // safe side of the budget. About 9 terms of ~80 bytes a row; a relation claim
        // holds two links and a status phrase.
        let index = self.index.len() * 9 * 80;
        let relations: usize = self
            .relations
            .iter()
            .map(|r| 200 + r.claims.len() * 300)
            .sum();
        let summary: usize = self
            .summary
            .iter()
            .map(|l| 100 + (l.kinds.len() + l.statuses.len()) * 200)
            .sum();
        index + relations + summary + self.paging.bytes() + 4096
    }
}

/// Which of an entity's lists a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityList {
    /// Its claims: the entity's own page and the later pages.
    Claims,
    /// Its relations listing.
    Relations,
}

/// How an entity's claims and its relations listing are cut into pages by content, and
/// a digest of what each page shows of them (its pager and the rows behind its cards):
/// what a site lists the entity's pages by and an incremental build tells a changed
/// page by. The same in every language.
#[derive(Debug, Clone, Default)]
pub struct EntityPaging {
    pub claims: AnchoredPages,
    claim_digests: Vec<u64>,
    /// `None` when the first page lists every relation itself.
    pub relations: Option<AnchoredPages>,
    relation_digests: Vec<u64>,
}

impl EntityPaging {
    fn new(
        src: &Source<'_>,
        first_path: &str,
        index: &Rows,
        items: &[ClaimItem<'_>],
        relations: &[Relation],
    ) -> EntityPaging {
        let anchors: Vec<String> = items
            .iter()
            .map(|item| format!("{}.{}", item.role, claim_anchor(src, item.claim)))
            .collect();
        let claims = AnchoredPages::new(&anchors, src.page_size);
        let claim_digests = (0..claims.pages())
            .map(|page| {
                let mut hasher = std::collections::hash_map::DefaultHasher::new();
                claims.pager(first_path, page).hash(&mut hasher);
                let rows: Vec<usize> = items[claims.range(page)].iter().map(|i| i.row).collect();
                super::index::rows_digest(index, &rows, &mut hasher);
                hasher.finish()
            })
            .collect();
        let rows = relation_rows(relations);
        let (relations, relation_digests) = match relations_path(first_path) {
            Some(listing) if rows.len() > RELATION_ROWS_ON_FIRST_PAGE => {
                // A claim stating two relations with the entity has a row for each.
                let mut seen: HashMap<String, usize> = HashMap::new();
                let anchors: Vec<String> = rows
                    .iter()
                    .map(|row| {
                        let href = row.claim.href.as_deref().unwrap_or_default();
                        let claim = anchor_of_path(href.strip_suffix(".html").unwrap_or(href));
                        let n = seen.entry(claim.clone()).or_default();
                        *n += 1;
                        match *n {
                            1 => claim,
                            n => format!("{claim}.{n}"),
                        }
                    })
                    .collect();
                let pages = AnchoredPages::new(&anchors, src.page_size);
                let digests = (0..pages.pages())
                    .map(|page| {
                        let mut hasher = std::collections::hash_map::DefaultHasher::new();
                        pages.pager(&listing, page).hash(&mut hasher);
                        serde_json::to_vec(&rows[pages.range(page)])
                            .unwrap_or_default()
                            .hash(&mut hasher);
                        hasher.finish()
                    })
                    .collect();
                (Some(pages), digests)
            }
            _ => (None, Vec::new()),
        };
        EntityPaging {
            claims,
            claim_digests,
            relations,
            relation_digests,
        }
    }

    /// The site paths of the entity's later pages of claims and of its relations
    /// listing, for the entity whose first page is `first_path`.
    pub fn later_paths(&self, first_path: &str) -> Vec<String> {
        let mut paths: Vec<String> = (1..self.claims.pages())
            .map(|page| self.claims.path(first_path, page))
            .collect();
        if let (Some(pages), Some(listing)) = (&self.relations, relations_path(first_path)) {
            paths.extend((0..pages.pages()).map(|page| pages.path(&listing, page)));
        }
        paths
    }

    /// The page of `list` that an address's anchor names (`None`: the first page).
    pub fn page_of(&self, list: EntityList, anchor: Option<&str>) -> Option<usize> {
        self.pages(list)?.page_of(anchor)
    }

    /// A digest of what page `page` of `list` shows of the entity's claims.
    pub fn page_digest(&self, list: EntityList, page: usize) -> Option<u64> {
        match list {
            EntityList::Claims => self.claim_digests.get(page).copied(),
            EntityList::Relations => self.relation_digests.get(page).copied(),
        }
    }

    fn pages(&self, list: EntityList) -> Option<&AnchoredPages> {
        match list {
            EntityList::Claims => Some(&self.claims),
            EntityList::Relations => self.relations.as_ref(),
        }
    }
}

impl Weighed for EntityPaging {
    fn bytes(&self) -> usize {
        let pages = self.claims.pages() + self.relations.as_ref().map_or(0, |r| r.pages());
        256 + pages * 128
    }
}

/// What names a claim in an address: its path below `id/claim/`, dots for slashes
/// (`ARTICLE.CLAIM`; slugs hold no dots).
fn claim_anchor(src: &Source<'_>, claim: &str) -> String {
    anchor_of_path(src.iris.path_of(claim).unwrap_or(claim))
}

/// [`claim_anchor`] from the claim's path (`id/claim/ARTICLE/CLAIM`).
fn anchor_of_path(path: &str) -> String {
    path.strip_prefix("id/claim/")
        .unwrap_or(path)
        .replace('/', ".")
}

impl EntityDigest {
    /// The pages of `list` that show a claim for which `shown` holds (given its site
    /// path), in order: what an incremental build renders again when those claims
    /// changed.
    pub fn pages_showing(
        &self,
        src: &Source<'_>,
        list: EntityList,
        shown: impl Fn(&str) -> bool,
    ) -> Vec<usize> {
        let Some(pages) = self.paging.pages(list) else {
            return Vec::new();
        };
        let hrefs: Vec<Option<String>> = match list {
            EntityList::Claims => claim_items(&self.index, &self.iri)
                .iter()
                .map(|item| page_path(src.iris, item.claim))
                .collect(),
            EntityList::Relations => relation_rows(&self.relations)
                .into_iter()
                .map(|row| row.claim.href)
                .collect(),
        };
        (0..pages.pages())
            .filter(|&page| {
                hrefs
                    .get(pages.range(page))
                    .unwrap_or_default()
                    .iter()
                    .flatten()
                    .any(|href| shown(href))
            })
            .collect()
    }
}

/// Every claim of a relation, one row each, in the order of the first page's summary
/// (relations with the most claims first).
fn relation_rows(relations: &[Relation]) -> Vec<RelationRow> {
    relations
        .iter()
        .flat_map(|r| {
            r.claims.iter().map(|c| RelationRow {
                outgoing: r.outgoing,
                relation: r.relation.clone(),
                other: r.other.clone(),
                claim: c.clone(),
            })
        })
        .collect()
}

/// The relations a first page lists whole: up to this many claims of relations, the
/// table holds every one (as a small entity's page always has); past it the page shows
/// a summary and links to the paginated listing.
pub const RELATION_ROWS_ON_FIRST_PAGE: usize = 20;
/// The relations a first page's summary shows, most claims first.
const RELATIONS_IN_SUMMARY: usize = 10;
/// The claims a summary row names; the rest are counted by status.
const CLAIMS_PER_SUMMARY_ROW: usize = 5;

/// A relation as the first page shows it: its first claims by name and all its claims
/// counted by status.
#[derive(Debug, Clone, Serialize)]
pub struct RelationSummary {
    pub outgoing: bool,
    pub relation: String,
    pub other: Link,
    pub claims: Vec<RelationClaim>,
    /// Claims not named in `claims`.
    pub more: usize,
    /// Every claim of the relation, counted by its status ("denied by Alibaba" × 3).
    pub statuses: Vec<(Status, usize)>,
}

/// The [`EntityDigest`] of entity `iri` in the source's language, from its `rows`
/// ([`entity_rows`]). The German digest takes the English one's paging as it is
/// (`english`): the cuts are the same in every language, and a site compares the
/// English page digests.
pub fn entity_digest(
    src: &Source<'_>,
    iri: &NamedNode,
    rows: &EntityRows,
    english: Option<&EntityDigest>,
) -> Result<EntityDigest, RenderError> {
    let lang = src.lang;
    let label = rows
        .about
        .first()
        .map(|first| entity_label(&rows.about, first, iri, lang).0)
        .unwrap_or_default();
    let index = &rows.index;
    let items = claim_items(index, iri.as_str());
    let mut counted: Vec<(KindView, Option<String>)> = Vec::with_capacity(items.len());
    for item in &items {
        let kind = src.kind(&index.str(item.row, "kind").unwrap_or_default())?;
        counted.push((kind, index.str(item.row, "status")));
    }
    let answers = answers_of_rows(src, &rows.answers, Some(&HashSet::new()))?;

    // The summary counts the claims of all pages by kind and status.
    let mut tallies: Vec<ClaimGroup> = Vec::new();
    let mut statuses: Vec<Status> = Vec::new();
    for (item, (kind, status)) in items.iter().zip(counted) {
        let claim_answers = answers.get(item.claim).map(Vec::as_slice).unwrap_or(&[]);
        let status = src.status(status.as_deref(), &kind, claim_answers)?;
        statuses.extend(status.clone());
        let tally = tally_card(kind, status);
        match tallies.iter_mut().find(|g| g.role == item.role) {
            Some(g) => g.claims.push(tally),
            None => tallies.push(ClaimGroup {
                heading: String::new(),
                role: item.role.clone(),
                total: None,
                claims: vec![tally],
            }),
        }
    }
    let relations = relations(src, &rows.relations, &answers)?;
    let legend = legend(
        statuses.iter().chain(
            relations
                .iter()
                .flat_map(|r| r.claims.iter())
                .filter_map(|c| c.status.as_ref()),
        ),
    );
    // The diagram draws the neighbours with the most claims; the relations come most
    // claims first, so those of its neighbours come before the others'.
    let mut drawn: Vec<&Link> = Vec::new();
    let mut shown: Vec<Relation> = Vec::new();
    for r in &relations {
        if !drawn.contains(&&r.other) {
            if drawn.len() == diagram::MAX_NEIGHBOURS {
                continue;
            }
            drawn.push(&r.other);
        }
        shown.push(r.clone());
    }
    let others: HashSet<(&Option<String>, &str)> = relations
        .iter()
        .map(|r| (&r.other.href, r.other.label.as_str()))
        .collect();
    let mut diagram = diagram::layout(lang, &label, &shown);
    if let Some(d) = diagram.as_mut() {
        d.hidden = others.len() - drawn.len();
        d.summary = diagram::summary(lang, &label, others.len(), d.hidden);
    }
    let paging = match english.filter(|english| english.lang == Lang::En) {
        Some(english) => Arc::clone(&english.paging),
        None => {
            let first_path = page_path(src.iris, iri.as_str()).unwrap_or_default();
            Arc::new(EntityPaging::new(
                src,
                &first_path,
                index,
                &items,
                &relations,
            ))
        }
    };
    Ok(EntityDigest {
        lang,
        iri: iri.as_str().to_owned(),
        paging,
        summary: tallies
            .iter()
            .map(|g| summary_line(g, &label, lang))
            .collect(),
        role_totals: tallies
            .iter()
            .map(|g| (g.role.clone(), g.claims.len()))
            .collect(),
        legend,
        memberships: memberships(&relations),
        relations,
        diagram,
        label,
        index: Arc::clone(index),
    })
}

/// Reads what [`entity_digest`] needs of entity `iri` from the store, in any language.
pub fn entity_rows(src: &Source<'_>, iri: &NamedNode) -> Result<EntityRows, RenderError> {
    let param: Term = iri.clone().into();
    let about = src.select("page-entity", &[("entity", param.clone())])?;
    let index = claim_index(src, iri)?;
    let relations = src.select("page-entity-relations", &[("entity", param.clone())])?;
    let wanted = answers_wanted(src, iri, &index, &relations, None)?;
    let answers = src.read_model(|facts, schema| {
        model::entity_answers_of(facts, schema, param.clone(), &wanted)
    })?;
    Ok(EntityRows {
        index: Arc::new(index),
        about,
        relations,
        answers,
    })
}

impl EntityRows {
    /// The tables of these rows that a build keeps for the next one to patch
    /// ([`patched_entity_rows`]), by name; the entity's own description is read anew.
    pub fn kept_tables(&self) -> [(&'static str, &Table); 3] {
        [
            (model::ENTITY_CLAIM_INDEX, self.index.table()),
            ("page-entity-relations", self.relations.table()),
            ("page-entity-answers", self.answers.table()),
        ]
    }
}

/// What [`entity_rows`] reads now, from `kept` (its [`EntityRows::kept_tables`] as an
/// earlier reading gave them) with the rows of the claims `changed` read again: the same
/// rows for the cost of the changed claims, when no other claim's rows changed since
/// that reading. `None` when a table is missing or cannot be patched.
pub fn patched_entity_rows(
    src: &Source<'_>,
    iri: &NamedNode,
    mut kept: BTreeMap<String, Table>,
    changed: &HashSet<Term>,
) -> Result<Option<EntityRows>, RenderError> {
    let param: Term = iri.clone().into();
    let (Some(index), Some(relations), Some(answers)) = (
        kept.remove(model::ENTITY_CLAIM_INDEX),
        kept.remove("page-entity-relations"),
        kept.remove("page-entity-answers"),
    ) else {
        return Ok(None);
    };
    let roles = model::in_any_role(changed);
    let fresh_index = src.read_model(|facts, schema| {
        model::entity_claim_index_of(facts, schema, param.clone(), &roles)
    })?;
    let Some(index) = model::merge_entity_rows(
        model::ENTITY_CLAIM_INDEX,
        &index,
        changed,
        fresh_index.into_table(),
    ) else {
        return Ok(None);
    };
    let Some(fresh_relations) = src.read_facts(|facts, schema| {
        model::entity_relations_of(facts, schema, param.clone(), changed)
    })?
    else {
        return Ok(None);
    };
    let Some(relations) = model::merge_entity_rows(
        "page-entity-relations",
        &relations,
        changed,
        fresh_relations,
    ) else {
        return Ok(None);
    };
    let (index, relations) = (Rows::from_table(index), Rows::from_table(relations));
    let wanted = answers_wanted(src, iri, &index, &relations, Some(changed))?;
    let fresh_answers = src.read_model(|facts, schema| {
        model::entity_answers_of(facts, schema, param.clone(), &wanted)
    })?;
    let Some(answers) = model::merge_entity_rows(
        "page-entity-answers",
        &answers,
        changed,
        fresh_answers.into_table(),
    ) else {
        return Ok(None);
    };
    Ok(Some(EntityRows {
        index: Arc::new(index),
        about: src.select("page-entity", &[("entity", param)])?,
        relations,
        answers: Rows::from_table(answers),
    }))
}

/// The claims among `index` and `relations` (among `only` when given) whose status
/// phrase names who answered (who denied, who declined, how many origins): the answers
/// a digest reads. None of them is shown, so no answer's article is looked up.
fn answers_wanted(
    src: &Source<'_>,
    iri: &NamedNode,
    index: &Rows,
    relations: &Rows,
    only: Option<&HashSet<Term>>,
) -> Result<HashSet<Term>, RenderError> {
    let mut wanted: HashSet<Term> = HashSet::new();
    let asked = |claim: &Term| only.is_none_or(|only| only.contains(claim));
    for item in claim_items(index, iri.as_str()) {
        let claim = named(item.claim);
        if !asked(&claim) {
            continue;
        }
        let kind = src.kind(&index.str(item.row, "kind").unwrap_or_default())?;
        if src.status_needs_answers(index.str(item.row, "status").as_deref(), &kind)? {
            wanted.insert(claim);
        }
    }
    for r in relations.iter() {
        if let Some(claim) = relations.iri(r, "claim") {
            let claim = named(claim);
            if asked(&claim) && src.status_needs_answers(relations.iri(r, "status"), &no_kind())? {
                wanted.insert(claim);
            }
        }
    }
    Ok(wanted)
}

/// The entity's label in the page's language and its other label, from `page-entity`.
fn entity_label(
    about: &Rows,
    first: usize,
    iri: &NamedNode,
    lang: Lang,
) -> (String, Option<String>) {
    let english = about
        .str(first, "labelEn")
        .or_else(|| about.str(first, "labelDe"))
        .or_else(|| about.str(first, "slug"))
        .unwrap_or_else(|| super::local_name(iri.as_str()).to_owned());
    let german = about.str(first, "labelDe");
    let (label, other_label) = match lang {
        Lang::En => (english.clone(), german),
        Lang::De => (german.unwrap_or_else(|| english.clone()), Some(english)),
    };
    let other_label = other_label.filter(|o| o != &label);
    (label, other_label)
}

/// Builds the page of the entity `iri` whose address has `anchor` (`None`: its first
/// page): its description, and the claim cards of that page (by role, then by date and
/// IRI, cut by [`EntityPaging`]); the first page adds the summary over all its claims and
/// the relations. `None` when the store holds no such entity or no page has that anchor.
/// Only the cards shown are built (their trails and relay chains are the costly part);
/// the summary, legend and relations come from the entity's [`EntityDigest`] (`digest`
/// when the caller kept it, else read here), and the relations are on the first page:
/// whole when they are few, else summarised with a link to the listing
/// ([`relations_page`]).
pub fn entity_page(
    src: &Source<'_>,
    iri: &NamedNode,
    anchor: Option<&str>,
    digest: Option<&EntityDigest>,
    claims: Option<&Table>,
) -> Result<Option<EntityPage>, RenderError> {
    let lang = src.lang;
    let param: Term = iri.clone().into();
    let about = src.select("page-entity", &[("entity", param.clone())])?;
    let Some(first) = about.first() else {
        return Ok(None);
    };
    let (label, other_label) = entity_label(&about, first, iri, lang);
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

    let read;
    let digest = match digest.filter(|d| d.lang == lang) {
        Some(kept) => kept,
        None => {
            read = entity_digest(src, iri, &entity_rows(src, iri)?, None)?;
            &read
        }
    };
    // Every card of every page, in page order, from the index of the entity's claims:
    // what orders the cards, none of what a card shows.
    let index = digest.index.as_ref();
    let items = claim_items(index, iri.as_str());
    let first_path = page_path(src.iris, iri.as_str()).unwrap_or_default();
    let paging = &digest.paging.claims;
    let Some(page) = paging.page_of(anchor) else {
        return Ok(None);
    };
    let Some(pager) = paging.pager(&first_path, page) else {
        return Ok(None);
    };
    let later = page > 0;
    let shown = &items[paging.range(page)];

    // The whole rows of the cards this page shows, and nothing of the others.
    let only: HashSet<RoleClaim> = shown
        .iter()
        .map(|item| (item.role.clone(), named(item.claim)))
        .collect();
    let rows = match claims {
        Some(all) => cards_of(all, &only),
        None => src.read_model(|facts, schema| {
            model::entity_claims_of(facts, schema, param.clone(), &only)
        })?,
    };
    let cards: HashMap<(String, &str), ClaimItem<'_>> = claim_items(&rows, iri.as_str())
        .into_iter()
        .map(|item| ((item.role.clone(), item.claim), item))
        .collect();

    // The answers of the claims this page shows and of the claims its responses
    // answer (their "answers to" links); the digest's statuses cover the others.
    let mut wanted: HashSet<Term> = HashSet::new();
    for item in shown {
        let claim = named(item.claim);
        wanted.extend(src.objects(&claim, cg::ANSWERS)?);
        wanted.insert(claim);
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
                total: digest
                    .role_totals
                    .iter()
                    .find(|(r, _)| r == role && !later)
                    .map(|(_, total)| *total),
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

    // The relations are the whole entity's, shown once: on its first page.
    let relation_rows = digest.relation_rows();
    let relations_complete = relation_rows <= RELATION_ROWS_ON_FIRST_PAGE;
    let relations: Vec<RelationSummary> = match later {
        false => digest
            .relations
            .iter()
            .take(match relations_complete {
                true => usize::MAX,
                false => RELATIONS_IN_SUMMARY,
            })
            .map(|r| relation_summary(lang, r, relations_complete))
            .collect(),
        _ => Vec::new(),
    };
    let relations_href = (!relations_complete)
        .then(|| relations_path(&first_path))
        .flatten();
    // A later page's legend explains the badges it shows; the first page's, those of
    // its summary too.
    let legend = match later {
        true => super::status::legend(
            groups
                .iter()
                .flat_map(|g| &g.claims)
                .filter_map(|c| c.status.as_ref()),
        ),
        false => digest.legend.clone(),
    };
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
        summary: match later {
            true => Vec::new(),
            false => digest.summary.clone(),
        },
        memberships: match later {
            true => Vec::new(),
            false => digest.memberships.clone(),
        },
        groups,
        relations,
        relations_complete,
        relation_count: digest.relations.len(),
        relation_rows,
        relations_href,
        diagram: (!later).then(|| digest.diagram.clone()).flatten(),
        timeline: timeline.into_iter().map(|(_, _, t)| t).collect(),
        undated: undated.len(),
        legend,
        label,
        pager,
        later,
        first_href: later.then_some(first_path),
    }))
}

/// The rows of `all` (the entity's whole `entity-claims`) of the roles and claims in
/// `only`, in their order: what [`model::entity_claims_of`] reads for them.
fn cards_of(all: &Table, only: &HashSet<RoleClaim>) -> Rows {
    let (Some(role), Some(claim)) = (all.column("role"), all.column("claim")) else {
        return Rows::from_table(Table {
            variables: all.variables.clone(),
            rows: Vec::new(),
        });
    };
    let shown = |row: &&Vec<Option<Term>>| match (&row[role], &row[claim]) {
        (Some(Term::Literal(r)), Some(c)) => only.contains(&(r.value().to_owned(), c.clone())),
        _ => false,
    };
    Rows::from_table(Table {
        variables: all.variables.clone(),
        rows: all.rows.iter().filter(shown).cloned().collect(),
    })
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

fn summary_line(group: &ClaimGroup, label: &str, lang: Lang) -> SummaryLine {
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for c in &group.claims {
        match kinds.iter_mut().find(|(k, _)| *k == c.kind.label) {
            Some((_, n)) => *n += 1,
            None => kinds.push((c.kind.label.clone(), 1)),
        }
    }
    SummaryLine {
        heading: format!("{} {label}", lang.tr(role_heading(&group.role))),
        role: group.role.clone(),
        kinds,
        statuses: tally(lang, group.claims.iter().filter_map(|c| c.status.as_ref())),
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

/// A relation as a first page shows it: whole when the page lists every relation, else
/// its first claims and the rest counted.
fn relation_summary(lang: Lang, r: &Relation, whole: bool) -> RelationSummary {
    let named = match whole {
        true => r.claims.len(),
        false => CLAIMS_PER_SUMMARY_ROW,
    };
    let statuses = tally(lang, r.claims.iter().filter_map(|c| c.status.as_ref()));
    RelationSummary {
        outgoing: r.outgoing,
        relation: r.relation.clone(),
        other: r.other.clone(),
        claims: r.claims.iter().take(named).cloned().collect(),
        more: r.claims.len().saturating_sub(named),
        statuses,
    }
}

/// The site path of the first page of the relations listing of the entity whose page
/// is `entity_path` (`id/list/x.html` -> `id/list/x.relations.html`; its later pages are
/// `id/list/x.relations.from-ANCHOR.html`, see [`super::paging::anchored_path`]).
pub fn relations_path(entity_path: &str) -> Option<String> {
    entity_path
        .strip_suffix(".html")
        .map(|stem| format!("{stem}{RELATIONS_SUFFIX}"))
}

/// How many rows each entity's relations listing has, by entity IRI
/// (`page-entity-relation-counts`: one query for the whole store, what the site lists
/// the listings' pages by).
pub fn relation_counts(src: &Source<'_>) -> Result<HashMap<String, usize>, RenderError> {
    super::index::counts_by_entity(src, "page-entity-relation-counts", "rows")
}

/// What a relations listing's path adds to its entity's stem.
pub const RELATIONS_SUFFIX: &str = ".relations.html";

/// The relations listing of an entity: every claim of a relation between it and
/// another entity, one row each, paginated.
#[derive(Debug, Clone, Serialize)]
pub struct RelationsPage {
    pub iri: String,
    pub label: String,
    /// The entity's own (first) page.
    pub entity_href: Option<String>,
    pub rows: Vec<RelationRow>,
    /// How many relations (direction, relation and other entity) the rows of all pages
    /// fall in (on the first page only).
    pub relation_count: Option<usize>,
    pub legend: Vec<LegendEntry>,
    pub pager: ListPager,
}

/// One claim of a relation: who claims the entity is linked how with whom, and where
/// the claim stands.
#[derive(Debug, Clone, Serialize)]
pub struct RelationRow {
    pub outgoing: bool,
    pub relation: String,
    pub other: Link,
    pub claim: RelationClaim,
}

/// The page of the relations listing of entity `iri` whose address has `anchor`
/// (`None`: its first page), in the order of the first page's summary (relations with
/// the most claims first), cut by [`EntityPaging`]; `None` when the store holds no such
/// entity, the entity's first page lists every relation itself (no listing), or no page
/// has that anchor.
pub fn relations_page(
    src: &Source<'_>,
    iri: &NamedNode,
    anchor: Option<&str>,
    digest: Option<&EntityDigest>,
) -> Result<Option<RelationsPage>, RenderError> {
    let read;
    let digest = match digest.filter(|d| d.lang == src.lang) {
        Some(kept) => kept,
        None => {
            let about = src.select("page-entity", &[("entity", iri.clone().into())])?;
            if about.is_empty() {
                return Ok(None);
            }
            read = entity_digest(src, iri, &entity_rows(src, iri)?, None)?;
            &read
        }
    };
    let Some(paging) = digest.paging.relations.as_ref() else {
        return Ok(None);
    };
    let entity_path = page_path(src.iris, iri.as_str());
    let Some(first_path) = entity_path.as_deref().and_then(relations_path) else {
        return Ok(None);
    };
    let Some(page) = paging.page_of(anchor) else {
        return Ok(None);
    };
    let Some(pager) = paging.pager(&first_path, page) else {
        return Ok(None);
    };
    let rows = relation_rows(&digest.relations)[paging.range(page)].to_vec();
    Ok(Some(RelationsPage {
        iri: iri.as_str().to_owned(),
        label: digest.label.clone(),
        entity_href: entity_path,
        legend: legend(rows.iter().filter_map(|r| r.claim.status.as_ref())),
        rows,
        relation_count: (page == 0).then_some(digest.relations.len()),
        pager,
    }))
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
