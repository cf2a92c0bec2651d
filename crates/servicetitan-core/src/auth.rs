//! OAuth 2.0 client credentials: the per-tenant token cache with single-flight refresh.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use reqwest::header::HeaderValue;
use reqwest::StatusCode;
use serde::Deserialize;

use crate::config::Settings;
use crate::error::{describe_reqwest, AuthError, AuthErrorKind};
use crate::retry::{self, Attempted, Plan, Planner, TokenBucket, Verdict};
use crate::secret::Credentials;
use crate::Error;

/// An access token, ready to be sent.
pub(crate) struct Token {
    /// `Bearer <token>`, marked sensitive.
    pub(crate) header: HeaderValue,
    /// When to replace it (expiry minus the margin).
    pub(crate) refresh_at: Instant,
    /// Increases with every token obtained by this cache.
    pub(crate) generation: u64,
}

/// The token of one set of credentials. Refreshes are single-flight: however many calls find
/// the token missing or stale at once, one token request goes out and all of them use its
/// result.
pub(crate) struct TokenCache {
    credentials: Credentials,
    current: RwLock<Option<Arc<Token>>>,
    refresh: tokio::sync::Mutex<()>,
    generation: AtomicU64,
    requests: AtomicU64,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("client_id", &self.credentials.client_id())
            .field("token_requests", &self.requests.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
struct OAuthError {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
}

impl TokenCache {
    pub(crate) fn new(credentials: Credentials) -> Self {
        TokenCache {
            credentials,
            current: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
            generation: AtomicU64::new(0),
            requests: AtomicU64::new(0),
        }
    }

    /// Whether this cache uses `secret` (a rotated secret gets a new cache).
    pub(crate) fn has_secret(&self, secret: &crate::secret::Secret) -> bool {
        self.credentials.client_secret().expose() == secret.expose()
    }

    fn cached(&self) -> Option<Arc<Token>> {
        self.current.read().ok().and_then(|g| g.clone())
    }

    /// A usable token, from the cache or freshly obtained.
    pub(crate) async fn get(
        &self,
        http: &reqwest::Client,
        settings: &Settings,
        budget: &TokenBucket,
    ) -> Result<Arc<Token>, Error> {
        if let Some(t) = self.cached() {
            if Instant::now() < t.refresh_at {
                return Ok(t);
            }
        }
        self.refresh(http, settings, budget, None).await
    }

    /// A new token after the API rejected the one of generation `rejected` (unless another
    /// call already replaced it).
    pub(crate) async fn replace(
        &self,
        http: &reqwest::Client,
        settings: &Settings,
        budget: &TokenBucket,
        rejected: u64,
    ) -> Result<Arc<Token>, Error> {
        self.refresh(http, settings, budget, Some(rejected)).await
    }

    async fn refresh(
        &self,
        http: &reqwest::Client,
        settings: &Settings,
        budget: &TokenBucket,
        rejected: Option<u64>,
    ) -> Result<Arc<Token>, Error> {
        let _guard = self.refresh.lock().await;
        // Someone else may have refreshed while we waited for the lock.
        if let Some(t) = self.cached() {
            let fresh_enough = match rejected {
                None => Instant::now() < t.refresh_at,
                Some(g) => t.generation != g,
            };
            if fresh_enough {
                return Ok(t);
            }
        }
        let token = Arc::new(self.fetch(http, settings, budget).await?);
        if let Ok(mut g) = self.current.write() {
            *g = Some(token.clone());
        }
        Ok(token)
    }

    /// Requests a token, retrying an unavailable auth server within the retry policy.
    async fn fetch(
        &self,
        http: &reqwest::Client,
        settings: &Settings,
        budget: &TokenBucket,
    ) -> Result<Token, Error> {
        let token_url = settings.token_url.as_str();
        let mut planner = Planner::new(&settings.retry, budget, true);
        loop {
            let attempt = planner.start_attempt();
            self.requests.fetch_add(1, Ordering::Relaxed);
            let timeout = settings
                .request_timeout
                .min(Duration::from_secs(30))
                .min(planner.deadline().saturating_duration_since(Instant::now()));
            let form = [
                ("grant_type", "client_credentials"),
                ("client_id", self.credentials.client_id()),
                ("client_secret", self.credentials.client_secret().expose()),
            ];
            let sent_at = Instant::now();
            let result = http
                .post(settings.token_url.clone())
                .header(reqwest::header::ACCEPT, "application/json")
                .form(&form)
                .timeout(timeout)
                .send()
                .await;
            // A body that broke off is a transport failure, like one that never arrived.
            let response = match result {
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    match resp.bytes().await {
                        Ok(body) => Ok((status, headers, body)),
                        Err(e) => Err((Some(status), e)),
                    }
                }
                Err(e) => Err((None, e)),
            };
            let attempted = match &response {
                Ok((status, ..)) => Attempted::Status(status.as_u16()),
                Err((_, e)) => Attempted::transport(e),
            };
            // A token request may be sent twice (it changes nothing on the server), and a 401
            // from the auth server is a rejection, not a stale token.
            let verdict = retry::classify(attempted, true, false);
            let (failure, retry_after) = match response {
                Ok((s, _, body)) if s.is_success() => {
                    planner.succeeded();
                    return self.parse_token(&body, sent_at, settings, token_url);
                }
                Ok((s, _, body)) if verdict == Verdict::Return => {
                    return Err(rejection(s, &body, settings, token_url));
                }
                Ok((s, headers, _)) => (
                    auth_error(
                        AuthErrorKind::Unavailable,
                        Some(s),
                        format!("the auth server answered {s}"),
                        token_url,
                        None,
                    ),
                    retry::retry_after(&headers),
                ),
                Err((Some(s), e)) => (
                    auth_error(
                        AuthErrorKind::Unavailable,
                        Some(s),
                        format!("the token response broke off: {}", describe_reqwest(&e)),
                        token_url,
                        Some(e),
                    ),
                    None,
                ),
                Err((None, e)) => (
                    auth_error(
                        AuthErrorKind::Unavailable,
                        None,
                        format!(
                            "the auth server could not be reached{}: {}",
                            if e.is_timeout() { " (timeout)" } else { "" },
                            describe_reqwest(&e)
                        ),
                        token_url,
                        Some(e),
                    ),
                    None,
                ),
            };
            // The same classifier and planner as API requests: attempts, deadline,
            // Retry-After, backoff and the shared retry budget.
            let plan = match verdict {
                Verdict::Retry => planner.next(retry_after, attempted.timed_out()),
                Verdict::Return | Verdict::RefreshToken => Plan::GiveUp,
            };
            match plan {
                Plan::Retry { delay, .. } => {
                    tracing::debug!(attempt, ?delay, "token request failed; retrying");
                    tokio::time::sleep(delay).await;
                }
                Plan::GiveUp => {
                    tracing::warn!(attempts = attempt, "token request failed; giving up");
                    return Err(failure);
                }
            }
        }
    }

    fn parse_token(
        &self,
        body: &[u8],
        sent_at: Instant,
        settings: &Settings,
        token_url: &str,
    ) -> Result<Token, Error> {
        let parsed: TokenResponse = serde_json::from_slice(body).map_err(|_| {
            auth_error(
                AuthErrorKind::InvalidResponse,
                Some(StatusCode::OK),
                "the auth server's answer has no access_token; is the auth URL right?".into(),
                token_url,
                None,
            )
        })?;
        let expires_in = parsed
            .expires_in
            .and_then(|v| {
                v.as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .unwrap_or(900);
        let lifetime = Duration::from_secs(expires_in);
        // Refresh a margin before expiry, but never later than at half the lifetime.
        let usable = lifetime
            .saturating_sub(settings.token_refresh_margin)
            .max(lifetime / 2);
        let mut header = HeaderValue::from_str(&format!("Bearer {}", parsed.access_token))
            .map_err(|_| {
                auth_error(
                    AuthErrorKind::InvalidResponse,
                    Some(StatusCode::OK),
                    "the access token contains characters that cannot be sent".into(),
                    token_url,
                    None,
                )
            })?;
        header.set_sensitive(true);
        let generation = self.generation.fetch_add(1, Ordering::Relaxed) + 1;
        tracing::debug!(generation, expires_in, "obtained an access token");
        Ok(Token {
            header,
            refresh_at: sent_at + usable,
            generation,
        })
    }
}

fn auth_error(
    kind: AuthErrorKind,
    status: Option<StatusCode>,
    message: String,
    token_url: &str,
    source: Option<reqwest::Error>,
) -> Error {
    Error::Auth(Box::new(AuthError {
        kind,
        status,
        message,
        token_url: token_url.to_string(),
        source,
    }))
}

/// An explained rejection from the auth server (4xx).
fn rejection(status: StatusCode, body: &[u8], settings: &Settings, token_url: &str) -> Error {
    let oauth: OAuthError = serde_json::from_slice(body).unwrap_or_default();
    let code = oauth.error.unwrap_or_default();
    let env_note = match settings.environment {
        Some(env) => format!("this runtime uses the {env} environment"),
        None => "this runtime uses custom URLs".to_string(),
    };
    let (kind, message) = match code.as_str() {
        "invalid_client" => (
            AuthErrorKind::InvalidClient,
            format!(
                "invalid_client: the client id or client secret is wrong, or they were issued \
                 for the other environment (production and integration have separate \
                 credentials; {env_note})"
            ),
        ),
        "unauthorized_client" => (
            AuthErrorKind::Rejected(code.clone()),
            "unauthorized_client: these credentials may not use the client credentials grant; \
             check the app's setup in the developer portal"
                .to_string(),
        ),
        "" => (
            AuthErrorKind::Rejected(String::new()),
            format!(
                "the auth server refused the token request with {status}; check the client id \
                 and secret and the auth URL ({env_note})"
            ),
        ),
        other => (
            AuthErrorKind::Rejected(other.to_string()),
            match oauth.error_description {
                Some(d) if d.len() < 300 => format!("{other}: {d}"),
                _ => other.to_string(),
            },
        ),
    };
    auth_error(kind, Some(status), message, token_url, None)
}
