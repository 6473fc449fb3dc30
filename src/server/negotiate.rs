//! HTTP content negotiation: which of the media types a route offers the client's
//! `Accept` header prefers.
//!
//! [`choose`] implements RFC 9110 §12.5.1: each offered type takes the quality of the
//! most specific media range that matches it (`text/turtle` beats `text/*` beats
//! `*/*`, and a range with parameters beats one without), ranges with `q=0` exclude,
//! and among equal qualities the route's own order decides. A missing or empty header
//! accepts anything, so the first offer wins. Malformed ranges are ignored rather
//! than failing the request, as browsers and libraries send odd headers.

/// One media range of an `Accept` header.
#[derive(Debug, Clone, PartialEq)]
struct MediaRange {
    kind: String,
    subtype: String,
    params: Vec<(String, String)>,
    quality: f32,
}

impl MediaRange {
    /// How specifically this range matches `offer` (higher is more specific), or `None`.
    fn specificity(&self, offer: &MediaType) -> Option<u32> {
        match (self.kind.as_str(), self.subtype.as_str()) {
            ("*", "*") => Some(0),
            (k, "*") if k == offer.kind => Some(1),
            (k, s) if k == offer.kind && s == offer.subtype => {
                // Parameters in the range must all be present in the offer to match.
                if self.params.iter().all(|p| offer.params.contains(p)) {
                    Some(2 + self.params.len() as u32)
                } else {
                    None
                }
            }
            _ => None,
        }
    }
}

/// A parsed `type/subtype;name=value` (an offer, or a range before its quality).
struct MediaType {
    kind: String,
    subtype: String,
    params: Vec<(String, String)>,
}

fn parse_type(s: &str) -> Option<MediaType> {
    let mut parts = s.split(';');
    let (kind, subtype) = parts.next()?.trim().split_once('/')?;
    let (kind, subtype) = (
        kind.trim().to_ascii_lowercase(),
        subtype.trim().to_ascii_lowercase(),
    );
    let token = |t: &str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+*".contains(c))
    };
    if !token(&kind) || !token(&subtype) || (kind == "*" && subtype != "*") {
        return None;
    }
    let mut params = Vec::new();
    for p in parts {
        let Some((name, value)) = p.split_once('=') else {
            continue;
        };
        params.push((
            name.trim().to_ascii_lowercase(),
            value.trim().trim_matches('"').to_owned(),
        ));
    }
    Some(MediaType {
        kind,
        subtype,
        params,
    })
}

fn parse_accept(header: &str) -> Vec<MediaRange> {
    let mut ranges = Vec::new();
    for item in header.split(',') {
        let Some(MediaType {
            kind,
            subtype,
            mut params,
        }) = parse_type(item)
        else {
            continue;
        };
        let mut quality = 1.0;
        // Parameters after `q` are accept-extensions, not media type parameters.
        if let Some(i) = params.iter().position(|(n, _)| n == "q") {
            match params[i].1.parse::<f32>() {
                Ok(q) if (0.0..=1.0).contains(&q) => quality = q,
                _ => continue,
            }
            params.truncate(i);
        }
        ranges.push(MediaRange {
            kind,
            subtype,
            params,
            quality,
        });
    }
    ranges
}

/// The offered media type the client prefers, or `None` when it accepts none of them
/// (the caller answers 406). `offers` are in the server's order of preference.
pub fn choose<'a>(accept: Option<&str>, offers: &[&'a str]) -> Option<&'a str> {
    let ranges = match accept.map(str::trim) {
        None | Some("") => return offers.first().copied(),
        Some(h) => parse_accept(h),
    };
    if ranges.is_empty() {
        // Nothing parseable: treat like a missing header rather than refusing.
        return offers.first().copied();
    }
    let mut best: Option<(&'a str, f32)> = None;
    for &offer in offers {
        let Some(offer_parsed) = parse_type(offer) else {
            continue;
        };
        let quality = ranges
            .iter()
            .filter_map(|r| r.specificity(&offer_parsed).map(|s| (s, r.quality)))
            .max_by_key(|(s, _)| *s)
            .map(|(_, q)| q)
            .unwrap_or(0.0);
        if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
            best = Some((offer, quality));
        }
    }
    best.map(|(o, _)| o)
}

/// Whether the client explicitly prefers `preferred` over every other type in `offers`:
/// used to tell a browser (which asks for HTML) from a program that sends `*/*`.
pub fn prefers(accept: Option<&str>, preferred: &str, offers: &[&str]) -> bool {
    let Some(accept) = accept else { return false };
    let ranges = parse_accept(accept);
    let Some(wanted) = parse_type(preferred) else {
        return false;
    };
    let explicit = ranges
        .iter()
        .any(|r| r.kind == wanted.kind && r.subtype == wanted.subtype && r.quality > 0.0);
    explicit && choose(Some(accept), offers) == Some(preferred)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RDF: &[&str] = &[
        "text/turtle",
        "application/ld+json",
        "application/n-triples",
        "text/html",
    ];

    #[test]
    fn missing_or_empty_header_takes_the_first_offer() {
        assert_eq!(choose(None, RDF), Some("text/turtle"));
        assert_eq!(choose(Some("  "), RDF), Some("text/turtle"));
    }

    #[test]
    fn exact_type_wins() {
        assert_eq!(
            choose(Some("application/ld+json"), RDF),
            Some("application/ld+json")
        );
        assert_eq!(
            choose(Some("Application/N-Triples"), RDF),
            Some("application/n-triples")
        );
    }

    #[test]
    fn q_values_order_the_choice() {
        assert_eq!(
            choose(Some("text/turtle;q=0.5, application/ld+json;q=0.9"), RDF),
            Some("application/ld+json")
        );
        assert_eq!(
            choose(Some("text/turtle;q=0.5, application/ld+json;q=0.4"), RDF),
            Some("text/turtle")
        );
    }

    #[test]
    fn the_most_specific_range_sets_the_quality() {
        // text/* would allow HTML at 1.0, but the exact range puts it at 0.1.
        assert_eq!(
            choose(
                Some("text/*, text/html;q=0.1"),
                &["text/html", "text/turtle"]
            ),
            Some("text/turtle")
        );
        // q=0 on the exact type excludes it even under */*.
        assert_eq!(
            choose(Some("*/*, text/turtle;q=0"), RDF),
            Some("application/ld+json")
        );
    }

    #[test]
    fn wildcards_match_and_ties_go_to_server_order() {
        assert_eq!(choose(Some("*/*"), RDF), Some("text/turtle"));
        assert_eq!(
            choose(Some("application/*"), RDF),
            Some("application/ld+json")
        );
    }

    #[test]
    fn a_browser_gets_html() {
        let firefox = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8";
        assert_eq!(choose(Some(firefox), RDF), Some("text/html"));
        assert!(prefers(Some(firefox), "text/html", RDF));
        assert!(!prefers(Some("*/*"), "text/html", RDF));
        assert!(!prefers(None, "text/html", RDF));
    }

    #[test]
    fn nothing_acceptable_is_none() {
        assert_eq!(choose(Some("image/png"), RDF), None);
        assert_eq!(choose(Some("text/turtle;q=0"), &["text/turtle"]), None);
    }

    #[test]
    fn malformed_ranges_are_skipped() {
        assert_eq!(
            choose(Some("garbage, text/turtle;q=abc, application/ld+json"), RDF),
            Some("application/ld+json")
        );
        assert_eq!(choose(Some(";;;,"), RDF), Some("text/turtle"));
        assert_eq!(choose(Some("*/turtle"), RDF), Some("text/turtle"));
    }

    #[test]
    fn range_parameters_must_match_the_offer() {
        let offers = &["application/ld+json", "text/turtle"];
        assert_eq!(
            choose(
                Some("application/ld+json;profile=\"x\", text/turtle;q=0.5"),
                offers
            ),
            Some("text/turtle")
        );
    }
}
