//! The relation diagram of an entity page: geometry for a server-side inline SVG.
//!
//! Three columns: entities claimed to act on this one on the left, this entity in the
//! middle, entities it is claimed to act on (or both ways) on the right. Each neighbour
//! is one box holding its relations with their claim counts and its full name, wrapped,
//! so no text sits on a line or under another box: boxes are stacked with gaps in their
//! column and every text stays inside its own box. Lines run from the middle box to
//! each neighbour with an arrowhead at the object's end, and carry who claims the
//! relation and where the claim stands as a tooltip. Only the geometry is computed here;
//! `templates/partials/diagram.html` draws it (escaped like any page text), so the
//! diagram needs no script and prints as it shows. Phones get the table instead.

use serde::Serialize;

use super::lang::Lang;
use super::{Link, Status};

/// At most this many neighbours are drawn; the rest are listed in the table beside it.
pub const MAX_NEIGHBOURS: usize = 24;
/// At most this many claims of a relation are named in its line's tooltip.
const TITLE_CLAIMS: usize = 10;
const WIDTH: f64 = 760.0;
const COLUMN_WIDTH: f64 = 232.0;
const CENTRE_WIDTH: f64 = 150.0;
const MARGIN: f64 = 10.0;
const GAP: f64 = 14.0;
const LINE_HEIGHT: f64 = 16.0;
const PADDING: f64 = 8.0;
/// Characters per line that fit a column box at the diagram's font sizes (12 px names,
/// 11 px relations: at most about 7.4 px a character).
const CHARS_PER_LINE: usize = 28;
const CENTRE_CHARS_PER_LINE: usize = 16;

/// A relation claims state between the entity and a neighbour, as a row of the
/// relations table: one per direction, relation and neighbour.
#[derive(Debug, Clone, Serialize)]
pub struct Relation {
    /// The entity is the subject (Entity -> relation -> other).
    pub outgoing: bool,
    pub relation: String,
    pub other: Link,
    /// The relation puts its subject on a list (`cg:listedOn` and its kinds).
    pub is_listing: bool,
    pub claims: Vec<RelationClaim>,
}

/// One claim behind a relation: who claims it and where it stands.
#[derive(Debug, Clone, Serialize)]
pub struct RelationClaim {
    pub href: Option<String>,
    pub claimant: Link,
    pub status: Option<Status>,
}

/// A box: its text lines (relations first, in italics, then the name).
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    pub href: Option<String>,
    pub full_label: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub lines: Vec<TextLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TextLine {
    pub text: String,
    /// A relation line (smaller, italic), not the name.
    pub relation: bool,
    /// Baseline, absolute.
    pub y: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Edge {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    /// Arrowhead at the neighbour's end (the entity is the subject) and/or at the entity's.
    pub arrow_out: bool,
    pub arrow_in: bool,
    /// Who claims what, and where each claim stands (the line's tooltip).
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diagram {
    pub width: f64,
    pub height: f64,
    pub centre: Node,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Neighbours not drawn (listed in the table only).
    pub hidden: usize,
    /// A plain-language summary for screen readers.
    pub summary: String,
}

/// Wraps `text` at word boundaries into lines of at most `width` characters; a word
/// longer than a line is cut into pieces, so nothing is ever left out.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word[..width].iter().collect());
            word.drain(..width);
        }
        let word: String = word.into_iter().collect();
        if word.is_empty() {
            continue;
        }
        if line.is_empty() {
            line = word;
        } else if line.chars().count() + 1 + word.chars().count() <= width {
            line.push(' ');
            line.push_str(&word);
        } else {
            lines.push(std::mem::replace(&mut line, word));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The diagram's plain-language summary: how many entities claims link with `centre`,
/// and how many of them are listed (in the table or the relations listing) only.
pub fn summary(lang: Lang, centre: &str, total: usize, hidden: usize) -> String {
    match lang {
        Lang::En => format!(
            "Diagram of {total} entit{} that claims link with {centre}{}.",
            if total == 1 { "y" } else { "ies" },
            if hidden > 0 {
                format!("; {hidden} more are listed among the claimed relations only")
            } else {
                String::new()
            }
        ),
        Lang::De => format!(
            "Diagramm der {total} Entitäten, die Behauptungen mit {centre} verbinden{}.",
            if hidden > 0 {
                format!("; {hidden} weitere stehen nur bei den behaupteten Beziehungen")
            } else {
                String::new()
            }
        ),
    }
}

/// Lays out the neighbours of `centre` from its relations (most claims first). `None`
/// when there is nothing to draw.
pub fn layout(lang: Lang, centre: &str, relations: &[Relation]) -> Option<Diagram> {
    // Group relations by neighbour, keeping first-seen order.
    let mut neighbours: Vec<(Link, Vec<&Relation>)> = Vec::new();
    for r in relations {
        match neighbours.iter_mut().find(|(l, _)| l == &r.other) {
            Some((_, rs)) => rs.push(r),
            None => neighbours.push((r.other.clone(), vec![r])),
        }
    }
    if neighbours.is_empty() {
        return None;
    }
    let hidden = neighbours.len().saturating_sub(MAX_NEIGHBOURS);
    neighbours.truncate(MAX_NEIGHBOURS);

    // Left: only claimed to act on the entity; right: the entity acts on them (or both).
    let mut columns: [Vec<Node>; 2] = [Vec::new(), Vec::new()];
    let mut column_of: Vec<(usize, usize)> = Vec::new();
    let mut heights = [MARGIN, MARGIN];
    for (other, rels) in &neighbours {
        let side = usize::from(rels.iter().any(|r| r.outgoing));
        let mut texts: Vec<(String, bool)> = Vec::new();
        for r in rels {
            let arrow = match (side, r.outgoing) {
                (1, true) => "→ ",
                (1, false) => "← ",
                _ => "",
            };
            let line = format!("{arrow}{} ({})", r.relation, r.claims.len());
            texts.extend(wrap(&line, CHARS_PER_LINE).into_iter().map(|l| (l, true)));
        }
        texts.extend(
            wrap(&other.label, CHARS_PER_LINE)
                .into_iter()
                .map(|l| (l, false)),
        );
        let x = if side == 0 {
            MARGIN
        } else {
            WIDTH - MARGIN - COLUMN_WIDTH
        };
        let node = boxed(other, x, heights[side], COLUMN_WIDTH, texts);
        heights[side] += node.height + GAP;
        column_of.push((side, columns[side].len()));
        columns[side].push(node);
    }

    let centre_lines: Vec<(String, bool)> = wrap(centre, CENTRE_CHARS_PER_LINE)
        .into_iter()
        .map(|l| (l, false))
        .collect();
    // Tall enough for the lines of each side to meet it apart, so arrowheads do not pile up.
    let most_on_a_side = columns[0].len().max(columns[1].len()) as f64;
    let centre_height =
        (centre_lines.len() as f64 * LINE_HEIGHT + 2.0 * PADDING).max(most_on_a_side * 14.0);
    let height = heights[0]
        .max(heights[1])
        .max(centre_height + 2.0 * MARGIN)
        .max(80.0);
    let text_height = centre_lines.len() as f64 * LINE_HEIGHT;
    let mut centre_node = boxed(
        &Link {
            href: None,
            label: centre.to_owned(),
        },
        (WIDTH - CENTRE_WIDTH) / 2.0,
        (height - centre_height) / 2.0,
        CENTRE_WIDTH,
        centre_lines,
    );
    // The name sits in the middle of a box taller than its text.
    let shift = (centre_height - text_height - 2.0 * PADDING) / 2.0;
    centre_node.height = centre_height;
    for line in &mut centre_node.lines {
        line.y += shift;
    }
    // Where the line to the i-th of n boxes on a side meets the centre box.
    let meet = |i: usize, n: usize| {
        centre_node.y + centre_node.height * (i as f64 + 1.0) / (n as f64 + 1.0)
    };

    let mut edges = Vec::new();
    for ((_, rels), (side, index)) in neighbours.iter().zip(&column_of) {
        let node = &columns[*side][*index];
        let mid = node.y + node.height / 2.0;
        let (x1, x2) = if *side == 0 {
            (centre_node.x, node.x + node.width)
        } else {
            (centre_node.x + centre_node.width, node.x)
        };
        let title = rels
            .iter()
            .map(|r| {
                // A tooltip names the first claims; a relation may have thousands.
                let mut who: Vec<String> = r
                    .claims
                    .iter()
                    .take(TITLE_CLAIMS)
                    .map(|c| match &c.status {
                        Some(s) => format!("{} ({})", c.claimant.label, s.label),
                        None => c.claimant.label.clone(),
                    })
                    .collect();
                if r.claims.len() > TITLE_CLAIMS {
                    who.push(format!(
                        "{} {} {}",
                        lang.tr("and"),
                        r.claims.len() - TITLE_CLAIMS,
                        lang.tr("more claims")
                    ));
                }
                let (subject, object) = if r.outgoing {
                    (centre, r.other.label.as_str())
                } else {
                    (r.other.label.as_str(), centre)
                };
                format!(
                    "{subject} {} {object}: {} {}",
                    r.relation,
                    lang.tr("Claimed by").to_lowercase(),
                    who.join("; ")
                )
            })
            .collect::<Vec<_>>()
            .join("\n");
        edges.push(Edge {
            x1,
            y1: meet(*index, columns[*side].len()),
            x2,
            y2: mid,
            arrow_out: rels.iter().any(|r| r.outgoing),
            arrow_in: rels.iter().any(|r| !r.outgoing),
            title,
        });
    }
    let summary = summary(lang, centre, neighbours.len() + hidden, hidden);
    let [left, right] = columns;
    Some(Diagram {
        width: WIDTH,
        height,
        centre: centre_node,
        nodes: left.into_iter().chain(right).collect(),
        edges,
        hidden,
        summary,
    })
}

fn boxed(link: &Link, x: f64, y: f64, width: f64, texts: Vec<(String, bool)>) -> Node {
    let height = texts.len() as f64 * LINE_HEIGHT + 2.0 * PADDING;
    let lines = texts
        .into_iter()
        .enumerate()
        .map(|(i, (text, relation))| TextLine {
            text,
            relation,
            // Baseline: a 16 px line with the text's descent below.
            y: y + PADDING + (i as f64 + 1.0) * LINE_HEIGHT - 4.0,
        })
        .collect();
    Node {
        href: link.href.clone(),
        full_label: link.label.clone(),
        x,
        y,
        width,
        height,
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(other: &str, relation: &str, outgoing: bool) -> Relation {
        Relation {
            outgoing,
            relation: relation.into(),
            other: Link {
                href: Some(format!("id/org/{other}.html")),
                label: other.into(),
            },
            is_listing: false,
            claims: vec![RelationClaim {
                href: None,
                claimant: Link {
                    href: None,
                    label: "Top10VPN".into(),
                },
                status: None,
            }],
        }
    }

    fn overlaps(a: &Node, b: &Node) -> bool {
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
    }

    #[test]
    fn one_box_per_neighbour_with_every_relation_and_its_count() {
        let d = layout(
            Lang::En,
            "Hikvision",
            &[
                rel("amazon", "hosts", false),
                rel("amazon", "supplies", true),
                rel("us", "lists", false),
            ],
        )
        .unwrap();
        assert_eq!(d.nodes.len(), 2);
        let amazon = d.nodes.iter().find(|n| n.full_label == "amazon").unwrap();
        let texts: Vec<&str> = amazon.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["← hosts (1)", "→ supplies (1)", "amazon"]);
        assert!(d.edges.iter().any(|e| e.arrow_in && e.arrow_out));
        assert!(d.edges[0].title.contains("claimed by Top10VPN"));
        assert!(layout(Lang::En, "x", &[]).is_none());
    }

    #[test]
    fn boxes_never_overlap_and_long_names_are_wrapped_whole() {
        let long = "NSO Group and 16 other firms facing allegations of human rights abuses";
        let mut rels: Vec<Relation> = (0..10)
            .map(|i| {
                rel(
                    &format!("entity {i}"),
                    "provides web hosting to",
                    i % 2 == 0,
                )
            })
            .collect();
        rels.push(rel(long, "provides service to", true));
        let d = layout(Lang::En, "Google", &rels).unwrap();
        let all: Vec<&Node> = d.nodes.iter().chain([&d.centre]).collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert!(
                    !overlaps(a, b),
                    "{} overlaps {}",
                    a.full_label,
                    b.full_label
                );
            }
            assert!(a.x >= 0.0 && a.x + a.width <= d.width && a.y + a.height <= d.height);
            assert!(a
                .lines
                .iter()
                .all(|l| l.text.chars().count() <= CHARS_PER_LINE));
        }
        let node = d.nodes.iter().find(|n| n.full_label == long).unwrap();
        let name: Vec<&str> = node
            .lines
            .iter()
            .filter(|l| !l.relation)
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(name.join(" "), long, "nothing cut");
    }

    #[test]
    fn many_neighbours_are_capped_and_counted() {
        let rels: Vec<Relation> = (0..30).map(|i| rel(&format!("e{i}"), "r", true)).collect();
        let d = layout(Lang::En, "x", &rels).unwrap();
        assert_eq!(d.nodes.len(), MAX_NEIGHBOURS);
        assert_eq!(d.hidden, 30 - MAX_NEIGHBOURS);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
    }
}
