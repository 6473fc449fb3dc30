//! The relation diagram of an entity page: geometry for a server-side inline SVG.
//!
//! The entity sits in the middle; every entity it is claimed to be linked with sits on
//! an ellipse around it, one edge per neighbour, labelled with each relation and the
//! number of claims behind it, an arrow showing the direction. Only the geometry is
//! computed here; `templates/diagram.svg` draws it (escaped like any page text), so the
//! diagram needs no script and prints as it shows.

use serde::Serialize;

use super::Link;

/// At most this many neighbours are drawn; the rest are listed in the table beside it.
pub const MAX_NEIGHBOURS: usize = 14;
const WIDTH: f64 = 760.0;
const CENTRE_X: f64 = WIDTH / 2.0;
const RADIUS_X: f64 = 270.0;
const RADIUS_Y: f64 = 150.0;
const TOP: f64 = 40.0;
/// Wider text is cut with an ellipsis so boxes stay apart.
const MAX_LABEL_CHARS: usize = 26;
const CHAR_WIDTH: f64 = 7.2;

/// One relation between the entity and a neighbour, as a row of the relations table.
#[derive(Debug, Clone, Serialize)]
pub struct Relation {
    /// "out": the entity is the subject (Entity -> relation -> other).
    pub outgoing: bool,
    pub relation: String,
    pub other: Link,
    pub claims: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Node {
    pub label: String,
    pub full_label: String,
    pub href: Option<String>,
    pub x: f64,
    pub y: f64,
    pub width: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Edge {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    /// Where the label sits.
    pub lx: f64,
    pub ly: f64,
    /// "provides CDN to (2)"; one line per relation.
    pub lines: Vec<String>,
    /// Arrow towards the neighbour, towards the centre, or both ways.
    pub arrow_out: bool,
    pub arrow_in: bool,
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

fn cut(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL_CHARS {
        label.to_owned()
    } else {
        format!(
            "{}…",
            label
                .chars()
                .take(MAX_LABEL_CHARS - 1)
                .collect::<String>()
                .trim_end()
        )
    }
}

fn node(label: &str, href: Option<String>, x: f64, y: f64) -> Node {
    let shown = cut(label);
    let width = shown.chars().count() as f64 * CHAR_WIDTH + 20.0;
    Node {
        label: shown,
        full_label: label.to_owned(),
        href,
        x,
        y,
        width,
    }
}

/// Lays out the neighbours of `centre` from its relations (in the order given, most
/// claims first). `None` when there is nothing to draw.
pub fn layout(centre: &str, relations: &[Relation]) -> Option<Diagram> {
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
    let n = neighbours.len();
    let centre_y = TOP + RADIUS_Y + 20.0;
    let height = centre_y + RADIUS_Y + 60.0;
    let centre_node = node(centre, None, CENTRE_X, centre_y);
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for (i, (other, rels)) in neighbours.iter().enumerate() {
        // Start at the top and go clockwise; a lone neighbour sits to the right.
        let angle = if n == 1 {
            0.0
        } else {
            -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n as f64
        };
        let (x, y) = (
            CENTRE_X + RADIUS_X * angle.cos(),
            centre_y + RADIUS_Y * angle.sin(),
        );
        nodes.push(node(&other.label, other.href.clone(), x, y));
        // Edges stop short of the boxes so arrows stay visible.
        let (dx, dy) = (x - CENTRE_X, y - centre_y);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ux, uy) = (dx / len, dy / len);
        let trim_centre = 22.0 + (centre_node.width / 2.0 * ux.abs()).min(60.0);
        let trim_other = 22.0 + (nodes[i].width / 2.0 * ux.abs()).min(60.0);
        let lines = rels
            .iter()
            .map(|r| format!("{} ({})", r.relation, r.claims))
            .collect::<Vec<_>>();
        edges.push(Edge {
            x1: CENTRE_X + ux * trim_centre,
            y1: centre_y + uy * trim_centre,
            x2: x - ux * trim_other,
            y2: y - uy * trim_other,
            lx: CENTRE_X + dx * 0.55,
            ly: centre_y + dy * 0.55 - 6.0 * (lines.len() as f64 - 1.0),
            arrow_out: rels.iter().any(|r| r.outgoing),
            arrow_in: rels.iter().any(|r| !r.outgoing),
            lines,
        });
    }
    let summary = format!(
        "Diagram of {} entit{} that claims link with {centre}{}.",
        n + hidden,
        if n + hidden == 1 { "y" } else { "ies" },
        if hidden > 0 {
            format!("; {hidden} more are listed in the table only")
        } else {
            String::new()
        }
    );
    Some(Diagram {
        width: WIDTH,
        height,
        centre: centre_node,
        nodes,
        edges,
        hidden,
        summary,
    })
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
            claims: 2,
        }
    }

    #[test]
    fn one_edge_per_neighbour_with_every_relation_labelled() {
        let d = layout(
            "Hikvision",
            &[
                rel("amazon", "hosts", false),
                rel("amazon", "supplies", true),
                rel("us", "lists", false),
            ],
        )
        .unwrap();
        assert_eq!(d.nodes.len(), 2);
        assert_eq!(d.edges[0].lines, ["hosts (2)", "supplies (2)"]);
        assert!(d.edges[0].arrow_in && d.edges[0].arrow_out);
        assert!(d
            .nodes
            .iter()
            .all(|n| n.x > 0.0 && n.x < d.width && n.y > 0.0 && n.y < d.height));
        assert!(layout("x", &[]).is_none());
    }

    #[test]
    fn many_neighbours_are_capped_and_counted() {
        let rels: Vec<Relation> = (0..20).map(|i| rel(&format!("e{i}"), "r", true)).collect();
        let d = layout("x", &rels).unwrap();
        assert_eq!(d.nodes.len(), MAX_NEIGHBOURS);
        assert_eq!(d.hidden, 20 - MAX_NEIGHBOURS);
    }
}
