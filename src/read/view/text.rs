//! An article's text cut into paragraphs of segments, each segment knowing which quoted
//! spans cover it, so the article page can highlight every quote and link it to its
//! claim.
//!
//! Quote spans may overlap or coincide (two claims resting on the same sentence). Links
//! cannot nest in HTML, so the text is cut at every span boundary: a segment covered by
//! several spans links to the shortest (most specific) one and is marked as an overlap,
//! and after the last segment of each span a numbered marker links to that span's claim,
//! so every claim keeps its own link. Offsets are Unicode code points, as the import
//! records them (`oa:TextPositionSelector`). [`shorten`] cuts a text for display.

use serde::Serialize;

/// One quoted span: code-point offsets into the text and the claim it backs.
#[derive(Debug, Clone)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    /// The claim's number on the page (1-based, in text order).
    pub number: usize,
    pub href: Option<String>,
    pub title: String,
    /// The id of the span's start in the page, for links to the quote ("quote-c1").
    pub anchor: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Marker {
    pub number: usize,
    pub href: Option<String>,
}

/// A run of text with the same covering spans.
#[derive(Debug, Clone, Serialize)]
pub struct Segment {
    pub text: String,
    /// Whether any quote covers it.
    pub quoted: bool,
    /// The claim page the segment links to (the shortest covering span's).
    pub href: Option<String>,
    pub title: String,
    /// How many spans cover it (more than one: an overlap).
    pub depth: usize,
    /// Anchors of spans that start here, for links to the quote from claim pages.
    pub anchors: Vec<String>,
    /// Markers of the spans that end here.
    pub markers: Vec<Marker>,
}

/// `text` cut at a word to at most `max_chars` characters and an ellipsis, or whole when
/// it is short enough.
pub fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let at_word = cut.rfind(' ').map(|i| &cut[..i]).unwrap_or(&cut);
    format!("{at_word} …")
}

/// Cuts `text` into paragraphs (at line breaks) of segments. Spans outside the text or
/// reversed are ignored (a store loaded from raw RDF may hold them).
pub fn segments(text: &str, spans: &[Span]) -> Vec<Vec<Segment>> {
    let chars: Vec<char> = text.chars().collect();
    let spans: Vec<&Span> = spans
        .iter()
        .filter(|s| s.start < s.end && s.end <= chars.len())
        .collect();
    let mut cuts: Vec<usize> = vec![0, chars.len()];
    for s in &spans {
        cuts.push(s.start);
        cuts.push(s.end);
    }
    for (i, c) in chars.iter().enumerate() {
        if *c == '\n' {
            cuts.push(i);
            cuts.push(i + 1);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();

    let mut paragraphs: Vec<Vec<Segment>> = vec![Vec::new()];
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a == b {
            continue;
        }
        if b == a + 1 && chars[a] == '\n' {
            if paragraphs.last().is_some_and(|p| !p.is_empty()) {
                paragraphs.push(Vec::new());
            }
            continue;
        }
        let covering: Vec<&&Span> = spans
            .iter()
            .filter(|s| s.start <= a && b <= s.end)
            .collect();
        let shortest = covering.iter().min_by_key(|s| (s.end - s.start, s.number));
        let mut ending: Vec<&&Span> = covering.iter().copied().filter(|s| s.end == b).collect();
        ending.sort_by_key(|s| s.number);
        let mut starting: Vec<&&Span> = covering.iter().copied().filter(|s| s.start == a).collect();
        starting.sort_by_key(|s| s.number);
        paragraphs
            .last_mut()
            .expect("always one paragraph")
            .push(Segment {
                text: chars[a..b].iter().collect(),
                quoted: !covering.is_empty(),
                href: shortest.and_then(|s| s.href.clone()),
                title: shortest.map(|s| s.title.clone()).unwrap_or_default(),
                depth: covering.len(),
                anchors: starting.iter().map(|s| s.anchor.clone()).collect(),
                markers: ending
                    .iter()
                    .map(|s| Marker {
                        number: s.number,
                        href: s.href.clone(),
                    })
                    .collect(),
            });
    }
    paragraphs.retain(|p| !p.is_empty());
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize, number: usize) -> Span {
        Span {
            start,
            end,
            number,
            href: Some(format!("c{number}.html")),
            title: format!("claim {number}"),
            anchor: format!("quote-{number}"),
        }
    }

    #[test]
    fn overlapping_and_identical_spans_each_keep_a_link() {
        // "aa bb cc": span 1 = "aa bb", span 2 = "bb cc", span 3 = "bb cc" (same words).
        let p = segments("aa bb cc", &[span(0, 5, 1), span(3, 8, 2), span(3, 8, 3)]);
        assert_eq!(p.len(), 1);
        let texts: Vec<&str> = p[0].iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["aa ", "bb", " cc"]);
        assert_eq!(p[0][1].depth, 3);
        assert_eq!(
            p[0][1].markers,
            vec![Marker {
                number: 1,
                href: Some("c1.html".into())
            }]
        );
        let ends: Vec<usize> = p[0][2].markers.iter().map(|m| m.number).collect();
        assert_eq!(ends, [2, 3]);
        assert_eq!(p[0][0].anchors, ["quote-1"]);
        assert_eq!(p[0][1].anchors, ["quote-2", "quote-3"]);
    }

    #[test]
    fn offsets_are_code_points_and_lines_make_paragraphs() {
        let p = segments("Zölle ä\nÜber \"x\"", &[span(13, 16, 1), span(40, 50, 2)]);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0][0].text, "Zölle ä");
        let quoted: Vec<&str> = p[1]
            .iter()
            .filter(|s| s.quoted)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(quoted, ["\"x\""]);
    }
}
