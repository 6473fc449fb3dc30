//! A SPARQL server engine (Virtuoso, Jena Fuseki, QLever, GraphDB, ...) as the store of
//! record, spoken to through the W3C protocols only: SPARQL 1.1 Query and Update over
//! HTTP, nothing engine-specific.
//!
//! [`RemoteEngine`] sends a query and hands back Oxigraph's own [`QueryResults`],
//! streamed from the response as it arrives, so the saved-query catalog and the views
//! read a remote engine the way they read the embedded store. [`standard_form`] turns a
//! saved query into plain SPARQL 1.1: the catalog's queries group their optional
//! lookups in `LATERAL` (SEP-0006), which Oxigraph plans well and the server engines
//! do not parse.
//!
//! Credentials come from the environment ([`Credentials::from_env`]), never from the
//! command line, and are answered to the engine's challenge: HTTP Basic or Digest, as
//! it asks. Every request carries a deadline; a request past it is abandoned (the
//! connection closed), which is how an engine learns that nobody waits any more.

use std::fmt;
use std::io::Read;
use std::time::Duration;

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::Term;
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParser, ReaderQueryResultsParserOutput,
};
use oxigraph::sparql::{QueryEvaluationError, QueryResults, QueryTripleIter};

/// The environment variables that hold the engine's user name and password.
pub const USER_VARIABLE: &str = "CLAIMGRAPH_ENDPOINT_USER";
pub const PASSWORD_VARIABLE: &str = "CLAIMGRAPH_ENDPOINT_PASSWORD";

/// The variable Virtuoso names an ASK query's answer by.
const VIRTUOSO_ASK: &str = "__ASK_RETVAL";

/// How much of an engine's error answer an error message repeats.
const ANSWER_EXCERPT: usize = 600;

#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("{0} is not an http:// or https:// address")]
    NotAnEndpoint(String),
    #[error("the engine at {url} answered {status}: {answer}")]
    Refused {
        url: String,
        status: u16,
        answer: String,
    },
    #[error(
        "the engine at {url} asks for credentials: set {USER_VARIABLE} and {PASSWORD_VARIABLE}"
    )]
    NeedsCredentials { url: String },
    #[error(
        "the engine at {url} asks for an authentication scheme claimgraph does not speak: {scheme}"
    )]
    UnknownChallenge { url: String, scheme: String },
    #[error("the engine at {url} did not answer within {seconds} s")]
    TimedOut { url: String, seconds: u64 },
    #[error("could not reach the engine at {url}: {cause}")]
    Unreachable { url: String, cause: String },
    #[error("the engine at {url} sent results claimgraph cannot read ({content_type}): {cause}")]
    BadResults {
        url: String,
        content_type: String,
        cause: String,
    },
}

/// Where the engine listens: its query service, its update service, and its Graph
/// Store Protocol service when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub query: String,
    pub update: String,
    pub graph_store: Option<String>,
}

impl Endpoints {
    /// The endpoints of an engine given its query address. Update and graph store
    /// addresses not given are derived by the common conventions: a Jena Fuseki
    /// dataset's `/{dataset}/sparql` or `/{dataset}/query` has its siblings `update` and
    /// `data`; Oxigraph's `/query` has `/update` and `/store`; any other address
    /// (Virtuoso's `/sparql`, QLever) takes queries and updates alike and has no graph
    /// store.
    pub fn new(
        query: &str,
        update: Option<&str>,
        graph_store: Option<&str>,
    ) -> Result<Self, RemoteError> {
        let checked = |url: &str| {
            let lower = url.to_ascii_lowercase();
            if (lower.starts_with("http://") || lower.starts_with("https://"))
                && !url.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                Ok(url.to_owned())
            } else {
                Err(RemoteError::NotAnEndpoint(url.to_owned()))
            }
        };
        let query = checked(query)?;
        let path = request_target(&query);
        let base = &query[..query.len() - path.len()];
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let (update_path, store_path) = match segments.as_slice() {
            [dataset, "sparql" | "query"] => (
                Some(format!("/{dataset}/update")),
                Some(format!("/{dataset}/data")),
            ),
            ["query"] => (Some("/update".to_owned()), Some("/store".to_owned())),
            _ => (None, None),
        };
        let update = match update {
            Some(u) => checked(u)?,
            None => update_path.map_or_else(|| query.clone(), |p| format!("{base}{p}")),
        };
        let graph_store = match graph_store {
            Some(g) => Some(checked(g)?),
            None => store_path.map(|p| format!("{base}{p}")),
        };
        Ok(Endpoints {
            query,
            update,
            graph_store,
        })
    }
}

/// A user name and password for the engine. Never printed: its `Debug` hides the
/// password.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    user: String,
    password: String,
}

impl Credentials {
    pub fn new(user: impl Into<String>, password: impl Into<String>) -> Self {
        Credentials {
            user: user.into(),
            password: password.into(),
        }
    }

    /// The credentials in [`USER_VARIABLE`] and [`PASSWORD_VARIABLE`], when the user
    /// name is set (an empty password is allowed).
    pub fn from_env() -> Option<Self> {
        let user = std::env::var(USER_VARIABLE)
            .ok()
            .filter(|u| !u.is_empty())?;
        let password = std::env::var(PASSWORD_VARIABLE).unwrap_or_default();
        Some(Credentials { user, password })
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password", &"(hidden)")
            .finish()
    }
}

/// A SPARQL engine reached over HTTP.
#[derive(Debug)]
pub struct RemoteEngine {
    endpoints: Endpoints,
    credentials: Option<Credentials>,
    agent: ureq::Agent,
}

/// What a query asks the engine for, in order of preference: result sets as JSON (or
/// XML, which every engine speaks), graphs as N-Triples (or Turtle).
const QUERY_ACCEPT: &str =
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, \
     application/n-triples;q=0.8, text/turtle;q=0.7";

impl RemoteEngine {
    pub fn new(endpoints: Endpoints, credentials: Option<Credentials>) -> Self {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(10))
            .redirects(0)
            .build();
        RemoteEngine {
            endpoints,
            credentials,
            agent,
        }
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// Sends a query (in the engine's dialect: see [`standard_form`]) and streams its
    /// results. `default_graph` names the graph the engine must take as the query's
    /// default graph (`default-graph-uri`), for engines whose default graph is the
    /// union of all graphs.
    pub fn query(
        &self,
        query: &str,
        default_graph: Option<&str>,
        timeout: Duration,
    ) -> Result<QueryResults<'static>, RemoteError> {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("query", &ascii_escaped(query));
        if let Some(graph) = default_graph {
            form.append_pair("default-graph-uri", graph);
        }
        let url = &self.endpoints.query;
        let response = self.post(
            url,
            "application/x-www-form-urlencoded",
            QUERY_ACCEPT,
            form.finish().as_bytes(),
            timeout,
        )?;
        results(url, response)
    }

    /// Sends an update; it is the engine's to apply whole or not at all (SPARQL 1.1
    /// Update requires a request to be atomic).
    pub fn update(&self, update: &str, timeout: Duration) -> Result<(), RemoteError> {
        let url = &self.endpoints.update;
        let response = self.post(
            url,
            "application/sparql-update",
            "*/*",
            update.as_bytes(),
            timeout,
        )?;
        // Read the answer to its end so the connection can be reused.
        let _ = std::io::copy(&mut response.into_reader(), &mut std::io::sink());
        Ok(())
    }

    /// POSTs `body`, answering an authentication challenge once with the configured
    /// credentials.
    #[allow(clippy::result_large_err)] // ureq's own error type, unwrapped right here
    fn post(
        &self,
        url: &str,
        content_type: &str,
        accept: &str,
        body: &[u8],
        timeout: Duration,
    ) -> Result<ureq::Response, RemoteError> {
        let send = |authorization: Option<&str>| {
            let mut request = self
                .agent
                .post(url)
                .timeout(timeout)
                .set("Content-Type", content_type)
                .set("Accept", accept);
            if let Some(value) = authorization {
                request = request.set("Authorization", value);
            }
            request.send_bytes(body)
        };
        match send(None) {
            Err(ureq::Error::Status(401, challenge)) => {
                let authorization = self.answer(url, &challenge, body)?;
                send(Some(&authorization)).map_err(|e| failure(url, e, timeout))
            }
            other => other.map_err(|e| failure(url, e, timeout)),
        }
    }

    /// The `Authorization` header that answers the engine's `WWW-Authenticate`.
    fn answer(
        &self,
        url: &str,
        challenge: &ureq::Response,
        body: &[u8],
    ) -> Result<String, RemoteError> {
        let Some(credentials) = &self.credentials else {
            return Err(RemoteError::NeedsCredentials {
                url: url.to_owned(),
            });
        };
        let offered: Vec<&str> = challenge
            .all("WWW-Authenticate")
            .into_iter()
            .map(str::trim)
            .collect();
        let scheme = |name: &str| {
            offered
                .iter()
                .find(|c| c.len() >= name.len() && c[..name.len()].eq_ignore_ascii_case(name))
        };
        if let Some(digest) = scheme("Digest") {
            let mut prompt =
                digest_auth::parse(digest).map_err(|e| RemoteError::UnknownChallenge {
                    url: url.to_owned(),
                    scheme: e.to_string(),
                })?;
            let path = request_target(url);
            let context = digest_auth::AuthContext::new_with_method(
                credentials.user.as_str(),
                credentials.password.as_str(),
                path.as_str(),
                Some(body),
                digest_auth::HttpMethod::POST,
            );
            let header = prompt
                .respond(&context)
                .map_err(|e| RemoteError::UnknownChallenge {
                    url: url.to_owned(),
                    scheme: e.to_string(),
                })?;
            return Ok(header.to_header_string());
        }
        if scheme("Basic").is_some() {
            return Ok(basic_authorization(credentials));
        }
        Err(RemoteError::UnknownChallenge {
            url: url.to_owned(),
            scheme: offered.join(", "),
        })
    }
}

/// `query` with every character outside ASCII written as a SPARQL `\\u` escape, which
/// the grammar resolves before parsing: Virtuoso 7 reads a form-encoded query as
/// Latin-1 and would garble "·" or "ß" in a literal.
fn ascii_escaped(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    for c in query.chars() {
        match c as u32 {
            0..=0x7f => out.push(c),
            n @ 0x80..=0xffff => out.push_str(&format!("\\u{n:04X}")),
            n => out.push_str(&format!("\\U{n:08X}")),
        }
    }
    out
}

/// The path and query of `url`, as a request line names it (what Digest signs).
fn request_target(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].to_owned(),
        None => "/".to_owned(),
    }
}

fn basic_authorization(credentials: &Credentials) -> String {
    use base64::Engine;
    let pair = format!("{}:{}", credentials.user, credentials.password);
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// A failed request as the error a user can act on: the engine's own answer when it
/// gave one.
fn failure(url: &str, error: ureq::Error, timeout: Duration) -> RemoteError {
    match error {
        ureq::Error::Status(401, _) => RemoteError::Refused {
            url: url.to_owned(),
            status: 401,
            answer: "the credentials were not accepted".to_owned(),
        },
        ureq::Error::Status(status, response) => {
            let mut answer = String::new();
            let _ = response
                .into_reader()
                .take(ANSWER_EXCERPT as u64 * 4)
                .read_to_string(&mut answer);
            RemoteError::Refused {
                url: url.to_owned(),
                status,
                answer: excerpt(&answer),
            }
        }
        ureq::Error::Transport(transport) => {
            let timed_out = matches!(transport.kind(), ureq::ErrorKind::Io)
                && transport
                    .to_string()
                    .to_ascii_lowercase()
                    .contains("timed out");
            if timed_out {
                RemoteError::TimedOut {
                    url: url.to_owned(),
                    seconds: timeout.as_secs(),
                }
            } else {
                RemoteError::Unreachable {
                    url: url.to_owned(),
                    cause: transport.to_string(),
                }
            }
        }
    }
}

/// An engine's answer on one line, cut at a character boundary.
fn excerpt(answer: &str) -> String {
    let line: String = answer.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(ANSWER_EXCERPT) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

/// The response's results, streamed: a result set or a boolean by its results format, a
/// graph by its RDF format.
fn results(url: &str, response: ureq::Response) -> Result<QueryResults<'static>, RemoteError> {
    let content_type = response.content_type().to_ascii_lowercase();
    let bad = |cause: String| RemoteError::BadResults {
        url: url.to_owned(),
        content_type: content_type.clone(),
        cause,
    };
    if let Some(format) = QueryResultsFormat::from_media_type(&content_type) {
        let parsed = QueryResultsParser::from_format(format)
            .for_reader(response.into_reader())
            .map_err(|e| bad(e.to_string()))?;
        return match parsed {
            ReaderQueryResultsParserOutput::Solutions(mut solutions)
                if solutions.variables().len() == 1
                    && solutions.variables()[0].as_str() == VIRTUOSO_ASK =>
            {
                // Virtuoso answers an ASK on its authenticated endpoint as a one-row
                // result set of an integer instead of a boolean.
                let answer = match solutions.next() {
                    Some(Ok(row)) => row
                        .get(VIRTUOSO_ASK)
                        .is_some_and(|t| matches!(t, Term::Literal(l) if l.value() != "0")),
                    Some(Err(e)) => return Err(bad(e.to_string())),
                    None => false,
                };
                Ok(QueryResults::Boolean(answer))
            }
            parsed => Ok(QueryResults::from(parsed)),
        };
    }
    if let Some(format) = RdfFormat::from_media_type(&content_type) {
        let triples = RdfParser::from_format(format)
            .for_reader(response.into_reader())
            .map(|quad| {
                quad.map(Into::into)
                    .map_err(|e| QueryEvaluationError::Service(Box::new(e)))
            });
        return Ok(QueryResults::Graph(QueryTripleIter::new(triples)));
    }
    Err(bad("not a SPARQL results or RDF format".to_owned()))
}

/// A saved query in plain SPARQL 1.1, for engines without SEP-0006: each
/// `LATERAL { ... }` group is replaced by its contents. The catalog's queries mostly use
/// `LATERAL` around optional lookups of variables the outer pattern has already bound,
/// where joining the group's contents directly gives the same solutions. A group that
/// holds a subquery (a `LIMIT 1` per outer row) is truly lateral: then there is no
/// mechanical standard form and `None` says so.
pub fn standard_form(query: &str) -> Option<String> {
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    while let Some(at) = find_keyword(rest, "LATERAL") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "LATERAL".len()..];
        let open = after.find('{')?;
        let body = &after[open + 1..];
        let close = matching_brace(body)?;
        if find_keyword(&body[..close], "SELECT").is_some() {
            return None;
        }
        out.push_str(&body[..close]);
        rest = &body[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// The operations of an update request, each without its comments: the request split
/// at the `;` that stand outside groups, strings and IRIs.
pub fn split_operations(update: &str) -> Vec<String> {
    let bytes = update.as_bytes();
    let mut operations = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut i = 0;
    let mut copied = 0;
    let mut finish = |current: &mut String| {
        let operation = std::mem::take(current);
        if !operation.trim().is_empty() {
            operations.push(operation.trim().to_owned());
        }
    };
    while i < bytes.len() {
        if bytes[i] == b'#' {
            current.push_str(&update[copied..i]);
            i = skip_to_line_end(bytes, i);
            current.push('\n');
            copied = i;
            continue;
        }
        if let Some(next) = skip_inert(bytes, i) {
            i = next;
            continue;
        }
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b';' if depth == 0 => {
                current.push_str(&update[copied..i]);
                finish(&mut current);
                copied = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    current.push_str(&update[copied.min(update.len())..]);
    finish(&mut current);
    operations
}

/// Where `keyword` first stands as a keyword of `text`: outside strings, IRIs and
/// comments, not part of a longer name.
fn find_keyword(text: &str, keyword: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(next) = skip_inert(bytes, i) {
            i = next;
            continue;
        }
        // Not part of a longer name, nor a variable (`?lateral`).
        let word_start =
            i == 0 || !(is_name_byte(bytes[i - 1]) || matches!(bytes[i - 1], b'?' | b'$'));
        if word_start
            && text.is_char_boundary(i)
            && text[i..].len() >= keyword.len()
            && text.is_char_boundary(i + keyword.len())
            && text[i..i + keyword.len()].eq_ignore_ascii_case(keyword)
            && bytes
                .get(i + keyword.len())
                .is_none_or(|b| !is_name_byte(*b))
        {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The position of the `}` that closes a group whose `{` came just before `text`.
fn matching_brace(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(next) = skip_inert(bytes, i) {
            i = next;
            continue;
        }
        match bytes[i] {
            b'{' => {
                depth += 1;
                i += 1;
            }
            b'}' => {
                if depth == 0 {
                    return Some(i);
                }
                depth -= 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

/// Past the comment, string or IRI that starts at `i`, if one does: text where no
/// keyword or brace counts.
fn skip_inert(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes[i] {
        b'#' => Some(skip_to_line_end(bytes, i)),
        b'"' | b'\'' => Some(skip_string(bytes, i)),
        b'<' if is_iri_at(bytes, i) => Some(skip_past(bytes, i, b'>')),
        _ => None,
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b':' || b == b'-' || b >= 0x80
}

/// Whether the `<` at `i` opens an IRI (its `>` comes before any space), not a
/// comparison.
fn is_iri_at(bytes: &[u8], i: usize) -> bool {
    bytes[i + 1..]
        .iter()
        .find(|b| matches!(b, b'>' | b' ' | b'\t' | b'\n' | b'\r'))
        == Some(&b'>')
}

fn skip_to_line_end(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |n| i + n + 1)
}

fn skip_past(bytes: &[u8], i: usize, end: u8) -> usize {
    bytes[i + 1..]
        .iter()
        .position(|b| *b == end)
        .map_or(bytes.len(), |n| i + n + 2)
}

/// Skips a SPARQL string literal (short or long form, with backslash escapes).
fn skip_string(bytes: &[u8], i: usize) -> usize {
    let quote = bytes[i];
    let long = bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote);
    let mut j = if long { i + 3 } else { i + 1 };
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b if b == quote => {
                if !long {
                    return j + 1;
                }
                if bytes.get(j + 1) == Some(&quote) && bytes.get(j + 2) == Some(&quote) {
                    return j + 3;
                }
                j += 1;
            }
            b'\n' if !long => return j,
            _ => j += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lateral_groups_become_their_contents() {
        let q = "SELECT * WHERE { ?a ?b ?c . LATERAL { OPTIONAL { ?a <x:p> ?d } OPTIONAL { ?a <x:q> ?e } } }";
        assert_eq!(
            standard_form(q).unwrap(),
            "SELECT * WHERE { ?a ?b ?c .  OPTIONAL { ?a <x:p> ?d } OPTIONAL { ?a <x:q> ?e }  }"
        );
        let lateral =
            "SELECT * WHERE { ?a ?b ?c LATERAL { SELECT ?a ?d WHERE { ?a <x:p> ?d } LIMIT 1 } }";
        assert_eq!(standard_form(lateral), None);
    }

    #[test]
    fn lateral_inside_strings_iris_and_comments_is_left_alone() {
        let q = "# LATERAL { here }\nSELECT * WHERE { ?a <x:LATERAL> \"LATERAL { }\" . FILTER(?a < ?b) FILTER(?b > 1) }";
        assert_eq!(standard_form(q).as_deref(), Some(q));
        let long = "SELECT * WHERE { ?a ?b '''it's LATERAL {''' }";
        assert_eq!(standard_form(long).as_deref(), Some(long));
        let names = "SELECT ?lateral WHERE { ?a cg:LATERAL ?lateral_x }";
        assert_eq!(standard_form(names).as_deref(), Some(names));
    }

    #[test]
    fn endpoints_follow_the_fuseki_convention_or_share_one_address() {
        let fuseki = Endpoints::new("http://127.0.0.1:3030/ds/sparql", None, None).unwrap();
        assert_eq!(fuseki.update, "http://127.0.0.1:3030/ds/update");
        assert_eq!(
            fuseki.graph_store.as_deref(),
            Some("http://127.0.0.1:3030/ds/data")
        );
        let virtuoso = Endpoints::new("http://127.0.0.1:8890/sparql", None, None).unwrap();
        assert_eq!(virtuoso.update, virtuoso.query);
        assert_eq!(virtuoso.graph_store, None);
        let oxigraph = Endpoints::new("http://127.0.0.1:7878/query", None, None).unwrap();
        assert_eq!(oxigraph.update, "http://127.0.0.1:7878/update");
        assert_eq!(
            oxigraph.graph_store.as_deref(),
            Some("http://127.0.0.1:7878/store")
        );
        assert!(matches!(
            Endpoints::new("file:///etc/passwd", None, None),
            Err(RemoteError::NotAnEndpoint(_))
        ));
        assert!(Endpoints::new("http://h/q", Some("ftp://h/u"), None).is_err());
    }

    #[test]
    fn credentials_never_print_the_password() {
        let c = Credentials::new("dba", "s3cret");
        assert!(!format!("{c:?}").contains("s3cret"));
    }

    #[test]
    fn basic_authorization_is_base64_of_user_and_password() {
        // RFC 7617's example.
        assert_eq!(
            basic_authorization(&Credentials::new("Aladdin", "open sesame")),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(
            basic_authorization(&Credentials::new("a", "")),
            "Basic YTo="
        );
    }

    #[test]
    fn request_targets_keep_path_and_query() {
        assert_eq!(
            request_target("http://h:1/sparql-auth?x=1"),
            "/sparql-auth?x=1"
        );
        assert_eq!(request_target("http://h:1"), "/");
    }

    #[test]
    fn an_update_splits_into_its_operations_without_comments() {
        let u = "# one\nDELETE { ?a <x:p> \"a;b\" } WHERE { ?a <x:q> ?b } ;\n# two ; not here\nINSERT { ?a <x:p> 1 } WHERE { { ?a <x:q> ?b } UNION { ?a <x:r> ?b } } ;\n# done\n";
        assert_eq!(
            split_operations(u),
            vec![
                "DELETE { ?a <x:p> \"a;b\" } WHERE { ?a <x:q> ?b }",
                "INSERT { ?a <x:p> 1 } WHERE { { ?a <x:q> ?b } UNION { ?a <x:r> ?b } }",
            ]
        );
    }

    #[test]
    fn queries_travel_as_ascii_with_sparql_escapes() {
        assert_eq!(
            ascii_escaped("\"a · ß 😀\""),
            "\"a \\u00B7 \\u00DF \\U0001F600\""
        );
    }
}
