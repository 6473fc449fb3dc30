//! Who may write: the edit token, login sessions and CSRF tokens.
//!
//! A reviewer logs in with the server's edit token (`CLAIMGRAPH_EDIT_TOKEN`, compared in
//! constant time) and a name; the server answers with a session cookie
//! (`Secure; HttpOnly; SameSite=Strict`, path `/edit`) and keeps the session's reviewer
//! and CSRF token in memory. The login form itself carries a CSRF token, double-submitted
//! in a cookie of its own ([`login_csrf_matches`]). [`Sessions::authorize_write`] is the one gate of every
//! write: no session is 401, a session whose form does not carry its CSRF token is 403.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use sha2::{Digest, Sha256};

/// The session cookie's name.
pub const COOKIE: &str = "claimgraph_edit";

/// How long a login lasts.
const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);

/// The most sessions kept at once; the oldest is dropped for a new one.
const MAX_SESSIONS: usize = 256;

/// One logged-in reviewer.
#[derive(Debug, Clone)]
pub struct Session {
    /// The reviewer's slug, recorded on every claim they accept and in the audit log.
    pub reviewer: String,
    /// The token every write form of this session carries.
    pub csrf: String,
    started: Instant,
}

/// Why a write was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No valid session: log in first (401).
    NotLoggedIn,
    /// A session, but the form's CSRF token is missing or wrong (403).
    BadCsrf,
}

/// The edit token and the live sessions.
pub struct Sessions {
    token: String,
    sessions: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    pub fn new(token: String) -> Self {
        Sessions {
            token,
            sessions: Mutex::new(HashMap::new()),
        }
    }

    /// Starts a session for `reviewer` when `token` is the edit token; returns the
    /// session id (the cookie's value).
    pub fn login(&self, token: &str, reviewer: &str) -> Option<String> {
        if !same_secret(token, &self.token) {
            return None;
        }
        let id = random_token();
        let session = Session {
            reviewer: reviewer.to_owned(),
            csrf: random_token(),
            started: Instant::now(),
        };
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.retain(|_, s| s.started.elapsed() < SESSION_LIFETIME);
        if sessions.len() >= MAX_SESSIONS {
            if let Some(oldest) = sessions
                .iter()
                .min_by_key(|(_, s)| s.started)
                .map(|(k, _)| k.clone())
            {
                sessions.remove(&oldest);
            }
        }
        sessions.insert(id.clone(), session);
        Some(id)
    }

    /// Ends the session the request's cookie names.
    pub fn logout(&self, headers: &HeaderMap) {
        if let Some(id) = cookie(headers) {
            self.sessions
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&id);
        }
    }

    /// The session the request's cookie names, when it is live.
    pub fn session(&self, headers: &HeaderMap) -> Option<Session> {
        let id = cookie(headers)?;
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        // Looked up by the digest-compared id, so timing says nothing about near misses.
        sessions
            .iter()
            .find(|(k, _)| same_secret(k, &id))
            .map(|(_, s)| s.clone())
            .filter(|s| s.started.elapsed() < SESSION_LIFETIME)
    }

    /// The gate of every write: the session, when the request has one and its form
    /// carries the session's CSRF token.
    pub fn authorize_write(
        &self,
        headers: &HeaderMap,
        csrf: Option<&str>,
    ) -> Result<Session, Refusal> {
        let session = self.session(headers).ok_or(Refusal::NotLoggedIn)?;
        match csrf {
            Some(given) if same_secret(given, &session.csrf) => Ok(session),
            _ => Err(Refusal::BadCsrf),
        }
    }
}

/// The `Set-Cookie` value of a new session. `Secure`: browsers send it over HTTPS and to
/// the loopback address only; `SameSite=Strict`: never on a request another site starts.
pub fn session_cookie(id: &str) -> String {
    format!("{COOKIE}={id}; Path=/edit; Secure; HttpOnly; SameSite=Strict")
}

/// The `Set-Cookie` value that ends a session in the browser.
pub fn expired_cookie() -> String {
    format!("{COOKIE}=; Path=/edit; Secure; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// The cookie that carries the login form's CSRF token.
pub const LOGIN_COOKIE: &str = "claimgraph_login";

/// The `Set-Cookie` value of a login form's CSRF token (double-submitted: the form
/// carries it too, and another site can neither read nor set it).
pub fn login_cookie(nonce: &str) -> String {
    format!("{LOGIN_COOKIE}={nonce}; Path=/edit; Secure; HttpOnly; SameSite=Strict; Max-Age=3600")
}

/// Whether a login form carries the CSRF token its page set in the login cookie.
pub fn login_csrf_matches(headers: &HeaderMap, given: Option<&str>) -> bool {
    match (named_cookie(headers, LOGIN_COOKIE), given) {
        (Some(expected), Some(given)) => same_secret(given, &expected),
        _ => false,
    }
}

/// The value of our session cookie in the request's `Cookie` headers.
fn cookie(headers: &HeaderMap) -> Option<String> {
    named_cookie(headers, COOKIE)
}

fn named_cookie(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// Whether two secrets are equal, in time that does not depend on where they differ:
/// both are hashed first (so their lengths do not show either) and the digests compared
/// byte by byte without an early exit.
pub fn same_secret(given: &str, expected: &str) -> bool {
    let a = Sha256::digest(given.as_bytes());
    let b = Sha256::digest(expected.as_bytes());
    let difference = a
        .iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

/// 32 random bytes from the operating system, as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .expect("the operating system's random source (/dev/urandom) is readable");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_cookie(id: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            axum::http::header::COOKIE,
            HeaderValue::from_str(&format!("other=1; {COOKIE}={id}")).unwrap(),
        );
        h
    }

    #[test]
    fn a_write_needs_the_session_and_its_csrf_token() {
        let sessions = Sessions::new("sesame".into());
        assert!(sessions.login("sesam", "alice").is_none(), "wrong token");
        let id = sessions.login("sesame", "alice").unwrap();
        let csrf = sessions.session(&with_cookie(&id)).unwrap().csrf;
        assert_eq!(
            sessions
                .authorize_write(&with_cookie(&id), Some(&csrf))
                .unwrap()
                .reviewer,
            "alice"
        );
        assert_eq!(
            sessions
                .authorize_write(&with_cookie(&id), Some("forged"))
                .unwrap_err(),
            Refusal::BadCsrf
        );
        assert_eq!(
            sessions
                .authorize_write(&with_cookie("guess"), Some(&csrf))
                .unwrap_err(),
            Refusal::NotLoggedIn
        );
        sessions.logout(&with_cookie(&id));
        assert!(sessions.session(&with_cookie(&id)).is_none());
    }

    #[test]
    fn secrets_compare_equal_only_when_equal() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
        assert_ne!(random_token(), random_token());
    }
}
