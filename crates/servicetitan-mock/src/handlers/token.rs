//! The token endpoint: OAuth 2 client credentials (in the form or as HTTP Basic), answering an
//! access token or an OAuth error. The guard lets its requests through without a tenant.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::base64::unbase64url;
use crate::json::{obj, write_str};
use crate::reply::{json, JSON};
use crate::server::Shared;

/// Issues a token for a known client.
pub(crate) async fn token(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    // Client authentication may also come as HTTP Basic (RFC 6749 section 2.3.1).
    if let Some((id, secret)) = basic_credentials(&headers) {
        form.entry("client_id".into()).or_insert(id);
        form.entry("client_secret".into()).or_insert(secret);
    }
    let oauth_error = |error: &str, desc: &str| {
        let mut out = Vec::new();
        out.extend_from_slice(b"{\"error\":");
        write_str(error, &mut out);
        out.extend_from_slice(b",\"error_description\":");
        write_str(desc, &mut out);
        out.push(b'}');
        (StatusCode::BAD_REQUEST, [(header::CONTENT_TYPE, JSON)], out).into_response()
    };
    match form.get("grant_type").map(String::as_str) {
        Some("client_credentials") => {}
        None => return oauth_error("invalid_request", "grant_type is required"),
        Some(_) => {
            return oauth_error(
                "unsupported_grant_type",
                "only the client_credentials grant is supported",
            )
        }
    }
    let id = form
        .get("client_id")
        .map(String::as_str)
        .unwrap_or_default();
    let secret = form
        .get("client_secret")
        .map(String::as_str)
        .unwrap_or_default();
    let Some(client) = s
        .cfg
        .clients
        .iter()
        .position(|c| c.id == id && c.secret == secret)
    else {
        return oauth_error("invalid_client", "unknown client_id or wrong client_secret");
    };
    let token = s.issue_token(client);
    let lifetime = s.cfg.token_lifetime.as_secs_f64().ceil() as i64;
    let body = obj! {
        "access_token" => token,
        "expires_in" => lifetime,
        "token_type" => "Bearer",
    };
    let mut resp = json(body.to_bytes());
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The client id and secret of an `Authorization: Basic` header.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let url_alphabet: String = encoded
        .trim()
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    let decoded = String::from_utf8(unbase64url(&url_alphabet)?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| -> String {
        form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((unescape(id), unescape(secret)))
}
