//! The one template environment: minijinja over `templates/`, with the shared filters.
//!
//! [`Renderer::new`] loads every template compiled into the binary (see `build.rs`) into
//! one [`minijinja::Environment`]; the static site ([`crate::publish::site`]) and the live server
//! both render through [`Renderer::render`], so a page looks the same from either.
//! Auto-escaping is on for `.html`, `.xml` and `.svg` templates: every string that came
//! from an article or a sheet is hostile until escaped, and templates never mark data
//! as safe. Files under `templates/assets/` are served as they are, not rendered.
//!
//! [`RenderError`] is the error of the whole presentation layer (views, render, site).

use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

use crate::read::catalog::CatalogError;
use crate::read::view::lang::Lang;
use crate::store::StoreError;

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template {name}: {source:#}")]
    Template {
        name: String,
        source: minijinja::Error,
    },
    // The cause is part of the message, not a `source`, so it is not printed twice.
    #[error("page query {query}: {cause}")]
    Query { query: String, cause: CatalogError },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("'{0}' is not a safe site path")]
    UnsafePath(String),
    #[error("cannot write RDF: {0}")]
    Rdf(std::io::Error),
    #[error("refusing to build into {0}: {1}")]
    BadOutput(String, String),
}

/// The template environment shared by the static site and the server.
pub struct Renderer {
    env: Environment<'static>,
}

impl Renderer {
    /// Loads every bundled template. A template with a syntax error is reported here,
    /// not on first use.
    pub fn new() -> Result<Self, RenderError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") || name.ends_with(".xml") || name.ends_with(".svg") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(html_formatter);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.add_filter("plural", plural);
        env.add_function("t", translate);
        for (name, text) in bundled::FILES {
            if name.starts_with("assets/") {
                continue;
            }
            env.add_template(name, text)
                .map_err(|source| RenderError::Template {
                    name: (*name).to_owned(),
                    source,
                })?;
        }
        Ok(Renderer { env })
    }

    /// Renders template `name` with `context` (any `Serialize` value).
    pub fn render(&self, name: &str, context: Value) -> Result<String, RenderError> {
        let template = self
            .env
            .get_template(name)
            .map_err(|source| RenderError::Template {
                name: name.to_owned(),
                source,
            })?;
        template
            .render(context)
            .map_err(|source| RenderError::Template {
                name: name.to_owned(),
                source,
            })
    }

    /// A static asset (`assets/site.css`...) as it is in `templates/assets/`.
    pub fn asset(&self, path: &str) -> Option<&'static str> {
        bundled::FILES
            .iter()
            .find(|(name, _)| *name == path && name.starts_with("assets/"))
            .map(|(_, text)| *text)
    }

    /// The paths of every static asset.
    pub fn asset_paths(&self) -> impl Iterator<Item = &'static str> {
        bundled::FILES
            .iter()
            .map(|(name, _)| *name)
            .filter(|n| n.starts_with("assets/"))
    }
}

/// Escapes the five characters that matter in HTML text and quoted attributes (`&`, `<`,
/// `>`, `"`, `'`) and leaves the rest as it is, so links stay readable (minijinja's own
/// escaper also turns `/` into `&#x2f;`). `none` prints as nothing.
fn html_formatter(
    out: &mut minijinja::Output<'_>,
    state: &minijinja::State<'_, '_>,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if state.auto_escape() != AutoEscape::Html || value.is_safe() {
        return minijinja::escape_formatter(out, state, value);
    }
    if value.is_none() || value.is_undefined() {
        return Ok(());
    }
    let text = value.to_string();
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    out.write_str(&escaped)
        .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()))
}

/// The page's interface language, from the template context's `lang`.
fn page_lang(state: &minijinja::State<'_, '_>) -> Lang {
    match state.lookup("lang").as_ref().and_then(Value::as_str) {
        Some("de") => Lang::De,
        _ => Lang::En,
    }
}

/// `{{ t("Claims about") }}`: interface text in the page's language.
fn translate(state: &minijinja::State<'_, '_>, english: &str) -> String {
    page_lang(state).tr(english).to_owned()
}

/// `{{ n|plural("claim") }}` -> "1 claim", "3 claims" ("3 Behauptungen" in German);
/// `{{ n|plural("entry", "entries") }}` for an irregular plural.
fn plural(state: &minijinja::State<'_, '_>, n: i64, word: &str, plural: Option<&str>) -> String {
    let plural = plural.map_or_else(|| format!("{word}s"), str::to_owned);
    page_lang(state).count(n, word, &plural)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_interface_text_of_the_templates_has_german() {
        let call = translated_texts();
        for (name, text) in super::bundled::FILES {
            for english in call(text) {
                assert!(
                    crate::read::view::lang::german(&english).is_some(),
                    "templates/{name}: t(\"{english}\") has no German in view/lang.rs"
                );
            }
        }
    }

    /// The string arguments of every `t("...")` call in a template.
    fn translated_texts() -> impl Fn(&str) -> Vec<String> {
        |text: &str| {
            let mut out = Vec::new();
            let mut rest = text;
            while let Some(i) = rest.find("t(") {
                let boundary = rest[..i]
                    .chars()
                    .last()
                    .is_none_or(|c| !c.is_alphanumeric() && c != '_');
                rest = &rest[i + 2..];
                let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                    continue;
                };
                rest = &rest[1..];
                if let (true, Some(end)) = (boundary, rest.find(quote)) {
                    out.push(rest[..end].to_owned());
                    rest = &rest[end..];
                }
            }
            out
        }
    }

    #[test]
    fn html_templates_escape_and_assets_are_not_templates() {
        let r = Renderer::new().expect("bundled templates parse");
        let html = r
            .render("search.html", minijinja::context! { root => "../", title => "<script>alert('x')</script> & \"q\"", page => () , alternates => Vec::<()>::new() })
            .unwrap();
        assert!(html.contains("<title>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; · claimgraph</title>"), "{html}");
        assert!(
            html.contains("href=\"../assets/site.css\""),
            "slashes stay readable"
        );
        assert!(r.asset("assets/site.css").is_some());
        assert!(r.asset("page-base.html").is_none());
    }
}
