//! The SDK's one error type. How progenitor's errors turn into it is in `bridge`; how a decode
//! failure is located in the body, in `locate`.

mod bridge;
mod locate;

pub(crate) use bridge::{BufferedBody, SDK_AUTH_HEADER};
use locate::{excerpt, json_path_at, offset_of, truncate};

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

/// Everything that can go wrong when calling ServiceTitan through this SDK.
///
/// Convert the generated clients' errors with `Error::from` (or `?`):
/// `client.get_job().id(1).send().await.map_err(servicetitan_core::Error::from)?`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Getting an access token failed (wrong credentials, other environment, auth server down).
    #[error(transparent)]
    Auth(Box<AuthError>),
    /// The API answered with an error status (its problem body, if any, is parsed).
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The API kept answering 429 after the allowed retries, or asked to wait too long.
    #[error(
        "rate limited by ServiceTitan{op} after {attempts} attempt(s) in {elapsed:.1?}{ra}; \
         lower the request rate or raise the retry policy's limits",
        op = fmt_op(*operation_id),
        ra = retry_after.map(|d| format!(" (server asked to wait {d:.1?})")).unwrap_or_default()
    )]
    RateLimited {
        /// The operation, when known.
        operation_id: Option<&'static str>,
        /// Attempts made.
        attempts: u32,
        /// The last `Retry-After` the server sent.
        retry_after: Option<Duration>,
        /// Time spent on the call.
        elapsed: Duration,
    },
    /// A request or the whole call (waits and retries included) took too long.
    #[error(
        "timed out{op}{att}{el}",
        op = fmt_op(*operation_id),
        att = attempts.map(|a| format!(" after {a} attempt(s)")).unwrap_or_default(),
        el = elapsed.map(|d| format!(" ({d:.1?})")).unwrap_or_default()
    )]
    Timeout {
        /// The operation, when known.
        operation_id: Option<&'static str>,
        /// Attempts made, when known.
        attempts: Option<u32>,
        /// Time spent, when known.
        elapsed: Option<Duration>,
        /// The HTTP client's error, if the timeout came from it.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// The connection failed or broke (refused, reset, truncated body, TLS...).
    #[error("transport error{op}: {message}", op = fmt_op(*operation_id))]
    Transport {
        /// The operation, when known.
        operation_id: Option<&'static str>,
        /// What happened.
        message: String,
        /// The HTTP client's error.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// A response body did not match the expected model.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// A paginated or export stream stopped because the server's paging was inconsistent.
    #[error(transparent)]
    Paging(PagingError),
    /// The SDK is misconfigured (missing variables, bad URL, request outside the API base URL).
    #[error("configuration error: {0}")]
    Config(String),
    /// A request could not be built (a generated builder's missing or invalid parameter).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// Reading or writing a local file or writer failed (uploads, binary downloads).
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// Anything else (a custom hook error, a cancelled long-running query...).
    #[error("{0}")]
    Other(String),
}

fn fmt_op(op: Option<&'static str>) -> String {
    op.map(|o| format!(" in {o}")).unwrap_or_default()
}

/// Why no access token could be had.
#[derive(Debug)]
#[non_exhaustive]
pub struct AuthError {
    /// What kind of failure.
    pub kind: AuthErrorKind,
    /// The auth server's status, if it answered.
    pub status: Option<StatusCode>,
    /// A human explanation, with what to check.
    pub message: String,
    /// The token URL used (never contains a secret).
    pub token_url: String,
    /// The underlying HTTP error, if any.
    pub source: Option<reqwest::Error>,
}

/// The kinds of [`AuthError`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthErrorKind {
    /// `invalid_client`: the client id or secret is wrong, or belongs to the other environment.
    InvalidClient,
    /// Another OAuth error (`unauthorized_client`, `invalid_scope`, ...), with its code.
    Rejected(String),
    /// The auth server could not be reached or kept failing (retryable).
    Unavailable,
    /// The auth server answered 200 with something that is not a token.
    InvalidResponse,
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "authentication failed")?;
        if let Some(s) = self.status {
            write!(f, " ({s})")?;
        }
        if !self.token_url.is_empty() {
            write!(f, " at {}", self.token_url)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// An error status from the API.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The operation, when known.
    pub operation_id: Option<&'static str>,
    /// The problem body, parsed leniently (absent if the body was not JSON).
    pub problem: Option<Problem>,
    /// A short excerpt of the body when it was not a problem body.
    pub body_excerpt: Option<String>,
    /// A trace id from the response headers, when the body had none.
    pub header_trace_id: Option<String>,
    /// The API rejected a token that had just been issued (401 after a refresh).
    pub after_token_refresh: bool,
}

impl ApiError {
    /// The trace id to quote to ServiceTitan support.
    pub fn trace_id(&self) -> Option<&str> {
        self.problem
            .as_ref()
            .and_then(|p| p.trace_id.as_deref())
            .or(self.header_trace_id.as_deref())
    }

    /// What to check for this status, if there is a usual cause.
    pub fn hint(&self) -> Option<&'static str> {
        match self.status.as_u16() {
            401 if self.after_token_refresh => Some(
                "the API rejected a freshly issued token: check that ST-App-Key is the app's \
                 App Key (it is not the Client ID), that the app is connected to this tenant, \
                 and that the credentials belong to this tenant and environment",
            ),
            401 => Some(
                "check the App Key (ST-App-Key is the app's App Key, not the Client ID) and the \
                 tenant's connection of the app",
            ),
            403 => Some(
                "the token was accepted but this app may not do this: check that the tenant \
                 connected the app with the scope for this API, and that ST-App-Key is the App \
                 Key of that app (not the Client ID)",
            ),
            404 => Some(
                "if every call returns 404, check the tenant id (it is the tenant's id, not the \
                 account id) and the environment (production vs integration)",
            ),
            _ => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServiceTitan API returned {}", self.status)?;
        if let Some(op) = self.operation_id {
            write!(f, " for {op}")?;
        }
        if let Some(p) = &self.problem {
            if let Some(t) = p.title.as_deref().filter(|t| !t.is_empty()) {
                write!(f, ": {t}")?;
            }
            let mut first = true;
            for (field, msgs) in &p.errors {
                write!(
                    f,
                    "{} {field}: {}",
                    if first { ";" } else { "," },
                    msgs.join(" ")
                )?;
                first = false;
            }
        } else if let Some(ex) = self.body_excerpt.as_deref().filter(|e| !e.is_empty()) {
            write!(f, ": {ex}")?;
        }
        if let Some(t) = self.trace_id() {
            write!(f, " (traceId {t})")?;
        }
        if let Some(h) = self.hint() {
            write!(f, ". Hint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// ServiceTitan's error body (RFC 7807-like), read leniently: every field is optional and
/// wrongly typed fields are kept as text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Problem {
    /// A URI or code naming the kind of problem.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// A short summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The HTTP status the server put in the body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// The id to quote to ServiceTitan support.
    #[serde(rename = "traceId", skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// Validation messages by field.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<String, Vec<String>>,
    /// Extra data the server attached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

impl Problem {
    /// Reads a problem body from any JSON value; `None` if it is not an object that looks like
    /// one (no type, title, status, traceId or errors).
    pub fn from_value(value: &serde_json::Value) -> Option<Problem> {
        let obj = value.as_object()?;
        let get = |names: &[&str]| {
            obj.iter()
                .find(|(k, _)| names.iter().any(|n| k.eq_ignore_ascii_case(n)))
                .map(|(_, v)| v)
                .filter(|v| !v.is_null())
        };
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let mut p = Problem {
            type_: get(&["type"]).map(text),
            title: get(&["title", "message", "error_description"]).map(text),
            status: get(&["status"]).and_then(|v| match v {
                serde_json::Value::Number(n) => n.as_i64(),
                serde_json::Value::String(s) => s.trim().parse().ok(),
                _ => None,
            }),
            trace_id: get(&["traceId", "trace_id"]).map(text),
            errors: BTreeMap::new(),
            data: get(&["data"]).cloned(),
        };
        match get(&["errors"]) {
            Some(serde_json::Value::Object(m)) => {
                for (k, v) in m {
                    let msgs = match v {
                        serde_json::Value::Array(a) => a.iter().map(text).collect(),
                        serde_json::Value::Null => Vec::new(),
                        other => vec![text(other)],
                    };
                    p.errors.insert(k.clone(), msgs);
                }
            }
            Some(serde_json::Value::Array(a)) => {
                p.errors.insert(String::new(), a.iter().map(text).collect());
            }
            Some(other) => {
                p.errors.insert(String::new(), vec![text(other)]);
            }
            None => {}
        }
        let looks_like = p.type_.is_some()
            || p.title.is_some()
            || p.status.is_some()
            || p.trace_id.is_some()
            || !p.errors.is_empty();
        looks_like.then_some(p)
    }

    /// Reads a problem body from raw bytes; `None` if they are not such JSON.
    pub fn from_bytes(bytes: &[u8]) -> Option<Problem> {
        serde_json::from_slice::<serde_json::Value>(bytes)
            .ok()
            .and_then(|v| Problem::from_value(&v))
    }
}

/// A response body that did not match the expected model.
#[derive(Debug)]
#[non_exhaustive]
pub struct DecodeError {
    /// The operation, when known.
    pub operation_id: Option<&'static str>,
    /// Where in the body the failure is, e.g. `data[3].modifiedOn` (empty: the whole body).
    pub path: String,
    /// A short excerpt of the body around the failure.
    pub excerpt: String,
    /// The parser's error.
    pub source: serde_json::Error,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not decode the response")?;
        if let Some(op) = self.operation_id {
            write!(f, " of {op}")?;
        }
        if !self.path.is_empty() {
            write!(f, " at `{}`", self.path)?;
        }
        write!(f, ": {}", self.source)?;
        if !self.excerpt.is_empty() {
            write!(f, " near `{}`", self.excerpt)?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl DecodeError {
    /// Builds a decode error from the body and the parser's error, locating the failing field.
    pub fn new(operation_id: Option<&'static str>, body: &[u8], source: serde_json::Error) -> Self {
        let offset = offset_of(body, source.line(), source.column());
        DecodeError {
            operation_id,
            path: json_path_at(body, offset),
            excerpt: excerpt(body, offset),
            source,
        }
    }
}

/// Inconsistent paging from the server; the stream stops instead of looping or skipping.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PagingError {
    /// A list page said `hasMore: true` but had no items.
    #[error("page {page} is empty but says hasMore: true; stopping instead of looping")]
    EmptyPageWithMore {
        /// The page number.
        page: i32,
    },
    /// An export page said `hasMore: true` but gave no `continueFrom` token.
    #[error("an export page says hasMore: true but has no continueFrom token")]
    MissingContinuation,
    /// An export returned a continuation token it had already returned.
    #[error("the export returned continuation token {token:?} a second time; stopping instead of looping")]
    RepeatedContinuation {
        /// The repeated token.
        token: String,
    },
    /// A list page held exactly the records of the page before it (a server that ignores
    /// `page` and keeps answering with the same page).
    #[error("page {page} of {operation} repeats the records of the page before it; stopping instead of looping")]
    RepeatedPage {
        /// The operation.
        operation: &'static str,
        /// The page number.
        page: i32,
    },
    /// The pages handed out more records than the `totalCount` they announced.
    #[error("{operation} handed out {seen} records by page {page}, more than the totalCount of {total} it announced; stopping")]
    BeyondTotal {
        /// The operation.
        operation: &'static str,
        /// The page number.
        page: i32,
        /// The announced total.
        total: i64,
        /// Records received so far.
        seen: u64,
    },
    /// An export page held exactly the records of the page before it, under a fresh token.
    #[error("export page {page} of {operation} repeats the records of the page before it under a new token; stopping instead of looping")]
    RepeatedExportPage {
        /// The operation.
        operation: &'static str,
        /// The page's position in this run (1-based).
        page: u32,
    },
    /// An export kept returning empty pages with `hasMore: true`.
    #[error("the export returned {pages} empty pages in a row with hasMore: true; stopping")]
    EmptyExportPages {
        /// Consecutive empty pages seen.
        pages: u32,
    },
}

impl Error {
    /// The trace id to quote to ServiceTitan support, if the server sent one.
    pub fn trace_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.trace_id(),
            _ => None,
        }
    }

    /// Whether trying again later may succeed (rate limits, timeouts, broken connections,
    /// 408/429/502/503/504, an unreachable auth server).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } | Error::Timeout { .. } | Error::Transport { .. } => true,
            Error::Api(e) => crate::retry::is_retryable_status(e.status.as_u16()),
            Error::Auth(e) => e.kind == AuthErrorKind::Unavailable,
            _ => false,
        }
    }

    /// The HTTP status behind the error, if one was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Auth(e) => e.status,
            Error::RateLimited { .. } => Some(StatusCode::TOO_MANY_REQUESTS),
            Error::Transport {
                source: Some(e), ..
            }
            | Error::Timeout {
                source: Some(e), ..
            } => e.status(),
            _ => None,
        }
    }

    /// The operation id, when known.
    pub fn operation_id(&self) -> Option<&'static str> {
        match self {
            Error::Api(e) => e.operation_id,
            Error::Decode(e) => e.operation_id,
            Error::RateLimited { operation_id, .. }
            | Error::Timeout { operation_id, .. }
            | Error::Transport { operation_id, .. } => *operation_id,
            _ => None,
        }
    }

    /// The API's problem body, for [`Error::Api`].
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Error::Api(e) => e.problem.as_ref(),
            _ => None,
        }
    }

    /// Names the operation in the error if it does not already.
    pub fn with_operation(mut self, op: &'static str) -> Self {
        match &mut self {
            Error::Api(e) => {
                e.operation_id.get_or_insert(op);
            }
            Error::Decode(e) => {
                e.operation_id.get_or_insert(op);
            }
            Error::RateLimited { operation_id, .. }
            | Error::Timeout { operation_id, .. }
            | Error::Transport { operation_id, .. } => {
                operation_id.get_or_insert(op);
            }
            _ => {}
        }
        self
    }

    /// Maps a reqwest error to `Timeout` or `Transport`.
    pub(crate) fn from_reqwest(e: reqwest::Error, operation_id: Option<&'static str>) -> Self {
        if e.is_timeout() {
            Error::Timeout {
                operation_id,
                attempts: None,
                elapsed: None,
                source: Some(e),
            }
        } else {
            Error::Transport {
                operation_id,
                message: describe_reqwest(&e),
                source: Some(e),
            }
        }
    }

    /// An API error from a status, headers and (buffered) body.
    pub(crate) fn api(
        status: StatusCode,
        headers: &reqwest::header::HeaderMap,
        body: Option<&[u8]>,
    ) -> Self {
        let problem = body.and_then(Problem::from_bytes);
        let body_excerpt = match (&problem, body) {
            (None, Some(b)) if !b.is_empty() => Some(excerpt(b, 0)),
            _ => None,
        };
        let header_trace_id = ["x-trace-id", "x-correlation-id", "traceparent"]
            .iter()
            .find_map(|h| headers.get(*h))
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let after_token_refresh = headers
            .get(SDK_AUTH_HEADER)
            .is_some_and(|v| v.as_bytes() == b"refreshed");
        Error::Api(Box::new(ApiError {
            status,
            operation_id: None,
            problem,
            body_excerpt,
            header_trace_id,
            after_token_refresh,
        }))
    }
}

/// A readable description of a reqwest error, with its causes (never the request body).
pub(crate) fn describe_reqwest(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut msg = if e.is_connect() {
        "could not connect".to_string()
    } else if e.is_body() || e.is_decode() {
        "the response body broke off".to_string()
    } else if e.is_redirect() {
        "redirect refused".to_string()
    } else {
        "request failed".to_string()
    };
    let mut src = e.source();
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

impl From<crate::types::ParseValueError> for Error {
    /// A date, time or decimal given as text that does not parse: the request cannot be built.
    fn from(e: crate::types::ParseValueError) -> Self {
        Error::InvalidRequest(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: i64,
        name: String,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Item>,
    }

    fn path_of(body: &str) -> String {
        let err = serde_json::from_str::<Page>(body).unwrap_err();
        DecodeError::new(None, body.as_bytes(), err).path
    }

    #[test]
    fn finds_wrongly_typed_field() {
        assert_eq!(
            path_of(r#"{"data":[{"id":1,"name":"a"},{"id":"x","name":"b"}]}"#),
            "data[1].id"
        );
        assert_eq!(
            path_of("{\n  \"data\": [\n    {\"id\": 1, \"name\": \"a\"},\n    {\"id\": 2, \"name\": 7}\n  ]\n}"),
            "data[1].name"
        );
    }

    #[test]
    fn finds_missing_field_object() {
        let p = path_of(r#"{"data":[{"id":1,"name":"a"},{"id":2}]}"#);
        assert_eq!(p, "data[1]");
    }

    #[test]
    fn keys_with_odd_characters_and_escapes() {
        let body = r#"{"a b":{"x\"y":[true, {"k": 1}]}}"#;
        let at = body.find("1}").unwrap();
        assert_eq!(
            json_path_at(body.as_bytes(), at + 1),
            r#"["a b"]["x\"y"][1].k"#
        );
    }

    #[test]
    fn problem_is_lenient() {
        let p = Problem::from_bytes(
            br#"{"type":"t","title":"Bad","status":"400","traceId":"abc","errors":{"Name":["required"],"Other":"single"},"data":{"x":1}}"#,
        )
        .unwrap();
        assert_eq!(p.status, Some(400));
        assert_eq!(p.trace_id.as_deref(), Some("abc"));
        assert_eq!(p.errors["Other"], vec!["single".to_string()]);
        assert!(Problem::from_bytes(b"[1,2]").is_none());
        assert!(Problem::from_bytes(b"not json").is_none());
    }
}
