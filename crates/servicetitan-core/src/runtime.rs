//! The [`Runtime`]: shared state of every generated client, and the request path
//! (tenant, auth, rate limit, retries, tracing) every call goes through.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, ResponseBuilderExt, StatusCode};
use tracing::Instrument;

use crate::auth::TokenCache;
use crate::config::{Environment, RuntimeBuilder, Settings};
use crate::error::{BufferedBody, SDK_AUTH_HEADER};
use crate::pacer::Pacer;
use crate::reports::ReportLimiter;
use crate::retry::{self, Attempted, Plan, Planner, TokenBucket, Verdict};
use crate::secret::Credentials;
use crate::Error;

/// The path segment generated code writes where the API has `{tenant}`.
pub const TENANT_PLACEHOLDER: &str = "__tenant__";

const ST_APP_KEY: HeaderName = HeaderName::from_static("st-app-key");

/// Characters percent-encoded in a path segment (the URL standard's path-segment set).
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%')
    .add(b'\\');

/// What [`encode_path_segment`] writes for a value no encoding keeps in its place; the runtime
/// refuses to send a request whose path holds it.
const UNSAFE_SEGMENT: &str = "__unsafe_path_segment__";

/// Percent-encodes one path segment (tenant ids, ids in paths), so that no value can change
/// which path is requested: `/`, `?`, `#` and `%` are encoded (`%2e%2e` arrives as the text
/// `%2e%2e`). The empty value, `.` and `..` have no such encoding (URL parsing treats `%2e` as a
/// dot too), so they become a marker the runtime rejects before anything is sent.
pub fn encode_path_segment(segment: &str) -> String {
    if matches!(segment, "" | "." | "..") {
        return UNSAFE_SEGMENT.to_string();
    }
    percent_encoding::utf8_percent_encode(segment, PATH_SEGMENT).to_string()
}

/// The tenant id as the API's paths need it: a positive integer.
pub(crate) fn check_tenant_id(tenant: &str) -> Result<String, Error> {
    let trimmed = tenant.trim();
    match trimmed.parse::<u64>() {
        Ok(n) if n > 0 && trimmed.bytes().all(|b| b.is_ascii_digit()) => Ok(trimmed.to_string()),
        _ => Err(Error::Config(format!(
            "the tenant id {tenant:?} is not a positive integer: use the tenant's numeric id \
             (ST_TENANT_ID), not its name or the account id"
        ))),
    }
}

/// The runtime every generated client carries (progenitor's "inner type"): configuration,
/// the tenant and its credentials, the token cache, the rate limiter, the retry policy and
/// budget, and the shared HTTP connection pool.
///
/// Cheap to clone (two `Arc`s). Its `Debug` output holds no secret.
#[derive(Clone)]
pub struct Runtime {
    shared: Arc<Shared>,
    tenant: Arc<TenantState>,
}

struct Shared {
    http: reqwest::Client,
    settings: Settings,
    api_scheme: String,
    api_host: String,
    api_port: Option<u16>,
    app_key_header: HeaderValue,
    /// Each tenant's pacer, shared by every runtime of the tenant.
    pacers: Mutex<HashMap<String, Arc<Pacer>>>,
    budget: TokenBucket,
    tokens: Mutex<HashMap<(String, String), Arc<TokenCache>>>,
    reports: ReportLimiter,
}

struct TenantState {
    id: String,
    encoded: String,
    client_id: String,
    token: Arc<TokenCache>,
    pacer: Arc<Pacer>,
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.shared.settings;
        f.debug_struct("Runtime")
            .field("tenant", &self.tenant.id)
            .field("client_id", &self.tenant.client_id)
            .field("environment", &s.environment)
            .field("api_base_url", &s.api_base_url)
            .field("token_url", &s.token_url.as_str())
            .field("rate_limit_per_second", &s.rate_per_second)
            .field("retry", &s.retry)
            .field("request_timeout", &s.request_timeout)
            .finish_non_exhaustive()
    }
}

/// A pacing slot held by a call until it sends: dropped unused (the call was cancelled or ran
/// out of time first), it goes back to the pacer.
struct Reservation<'a> {
    pacer: &'a Pacer,
    slot: Option<tokio::time::Instant>,
}

impl Reservation<'_> {
    /// The request goes out in its slot.
    fn used(mut self) {
        self.slot = None;
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if let Some(slot) = self.slot {
            self.pacer.release(slot);
        }
    }
}

/// What one attempt brought back.
struct Sent {
    /// The response (buffered when textual), or the HTTP client's error.
    result: Result<reqwest::Response, reqwest::Error>,
    /// The generation of the token the attempt carried (to replace exactly that one).
    token_generation: u64,
}

/// How a call failed inside the request path.
pub(crate) enum Failure {
    /// The HTTP client failed on the last attempt.
    Http {
        error: reqwest::Error,
        attempts: u32,
        elapsed: Duration,
    },
    /// The SDK gave up (auth, rate limit, time budget, configuration).
    Sdk(Error),
}

impl Failure {
    pub(crate) fn into_error(self, operation_id: &'static str) -> Error {
        match self {
            Failure::Http {
                error,
                attempts,
                elapsed,
            } => match Error::from_reqwest(error, Some(operation_id)) {
                Error::Timeout { source, .. } => Error::Timeout {
                    operation_id: Some(operation_id),
                    attempts: Some(attempts),
                    elapsed: Some(elapsed),
                    source,
                },
                other => other,
            },
            Failure::Sdk(e) => e.with_operation(operation_id),
        }
    }
}

impl Runtime {
    /// A builder for a runtime.
    pub fn builder() -> RuntimeBuilder {
        RuntimeBuilder::new()
    }

    /// A runtime configured from `ST_CLIENT_ID`, `ST_CLIENT_SECRET`, `ST_APP_KEY`,
    /// `ST_TENANT_ID`, `ST_ENV`, `ST_API_BASE_URL` and `ST_AUTH_URL`.
    pub fn from_env() -> Result<Runtime, Error> {
        RuntimeBuilder::from_env()?.build()
    }

    pub(crate) fn from_settings(
        settings: Settings,
        tenant: String,
        credentials: Credentials,
        user_agent: &str,
    ) -> Result<Runtime, Error> {
        // reqwest is built without a default crypto provider: install ring's (once per
        // process; an already installed provider is kept).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .redirect(redirect_policy())
            .user_agent(user_agent)
            .pool_idle_timeout(Duration::from_secs(90))
            .build()
            .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))?;
        let api = url::Url::parse(&settings.api_base_url)
            .map_err(|e| Error::Config(format!("invalid API base URL: {e}")))?;
        let mut app_key_header = HeaderValue::from_str(settings.app_key.expose())
            .map_err(|_| Error::Config("the app key cannot be sent in a header".into()))?;
        app_key_header.set_sensitive(true);
        let shared = Arc::new(Shared {
            http,
            api_scheme: api.scheme().to_string(),
            api_host: api.host_str().unwrap_or_default().to_ascii_lowercase(),
            api_port: api.port_or_known_default(),
            app_key_header,
            pacers: Mutex::new(HashMap::new()),
            budget: TokenBucket::new(settings.retry.budget),
            tokens: Mutex::new(HashMap::new()),
            reports: ReportLimiter::new(),
            settings,
        });
        let tenant = Shared::tenant_state(&shared, tenant, credentials);
        Ok(Runtime { shared, tenant })
    }

    /// The same app for another tenant, with that tenant's credentials (agencies run many
    /// tenants from one process). The HTTP connection pool, the rate limiter (keyed by
    /// tenant), the retry budget and the report limiter are shared; the token cache is the
    /// tenant's own (and shared with other runtimes of the same tenant and client id).
    ///
    /// # Errors
    /// [`Error::Config`] when the tenant id is not a positive integer.
    pub fn for_tenant(
        &self,
        tenant_id: impl ToString,
        credentials: Credentials,
    ) -> Result<Runtime, Error> {
        let id = check_tenant_id(&tenant_id.to_string())?;
        let tenant = Shared::tenant_state(&self.shared, id, credentials);
        Ok(Runtime {
            shared: self.shared.clone(),
            tenant,
        })
    }

    /// The tenant id this runtime calls for.
    pub fn tenant(&self) -> &str {
        &self.tenant.id
    }

    /// The API base URL, without trailing slash (e.g. `https://api.servicetitan.io`).
    /// Generated clients are built on `<api_base_url>/<module path>`.
    pub fn api_base_url(&self) -> &str {
        &self.shared.settings.api_base_url
    }

    /// The OAuth token URL.
    pub fn token_url(&self) -> &str {
        self.shared.settings.token_url.as_str()
    }

    /// The environment, unless custom URLs are used.
    pub fn environment(&self) -> Option<Environment> {
        self.shared.settings.environment
    }

    /// The shared HTTP client (connection pool). Requests sent with it directly bypass auth,
    /// limits and retries; use [`Runtime::send`] for those.
    pub fn http(&self) -> &reqwest::Client {
        &self.shared.http
    }

    /// The report limiter (one run of a report per tenant per minute) shared by this
    /// runtime's tenants.
    pub fn report_limiter(&self) -> &ReportLimiter {
        &self.shared.reports
    }

    /// Waits until report `report_id` may run again for this tenant (one run per minute).
    pub async fn wait_for_report_slot(&self, report_id: &str) {
        self.shared
            .reports
            .until_ready(&self.tenant.id, report_id)
            .await
    }

    /// Sends a request through the whole request path and returns the response, as
    /// progenitor's `exec` hook needs it: generated clients call it, hand-written code uses
    /// [`Runtime::send`]. See the crate docs for what happens on the way.
    ///
    /// Errors the SDK raises itself (auth failed, rate limited after retries, time budget
    /// exhausted, misconfiguration) come back as a synthesized response with status 599 and
    /// header `x-servicetitan-sdk-error`, which `Error::from` turns back into the typed error.
    /// Errors of the HTTP client on the last attempt come back as they are.
    #[doc(hidden)]
    pub async fn execute(
        &self,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> reqwest::Result<reqwest::Response> {
        match self.send_request(request, operation_id).await {
            Ok(resp) => Ok(resp),
            Err(Failure::Http { error, .. }) => Err(error),
            Err(Failure::Sdk(e)) => Ok(e.with_operation(operation_id).into_response()),
        }
    }

    /// Like [`Runtime::execute`] with the SDK's error type: any status that is not a success
    /// becomes [`Error::Api`] (with its problem body), and SDK failures their own variants.
    /// For hand-written calls to endpoints no generated client covers.
    pub async fn send(
        &self,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> Result<reqwest::Response, Error> {
        match self.send_request(request, operation_id).await {
            Ok(resp) if resp.status().is_success() => Ok(resp),
            Ok(resp) => Err(Error::from_response(resp).with_operation(operation_id)),
            Err(f) => Err(f.into_error(operation_id)),
        }
    }

    async fn send_request(
        &self,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> Result<reqwest::Response, Failure> {
        let method = request.method().clone();
        let template = request.try_clone();
        let replayable = template.is_some();
        let mut first = Some(request);
        self.send_with(&method, operation_id, replayable, move || {
            match first.take() {
                Some(r) => Ok(r),
                None => template
                    .as_ref()
                    .and_then(reqwest::Request::try_clone)
                    .ok_or_else(|| Error::Other("the request body cannot be sent again".into())),
            }
        })
        .await
    }

    /// The request path. `make` produces the request of each attempt; `replayable` says
    /// whether it can produce more than one.
    pub(crate) async fn send_with<F>(
        &self,
        method: &Method,
        operation_id: &'static str,
        replayable: bool,
        make: F,
    ) -> Result<reqwest::Response, Failure>
    where
        F: FnMut() -> Result<reqwest::Request, Error> + Send,
    {
        let span = tracing::info_span!(
            "servicetitan.request",
            operation = operation_id,
            tenant = %self.tenant.id,
            method = %method,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            limiter_wait_ms = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        self.attempts(method, operation_id, replayable, make)
            .instrument(span)
            .await
    }

    /// The call's attempts: send one, classify its result, and let the planner say whether
    /// and when to try again.
    async fn attempts<F>(
        &self,
        method: &Method,
        operation_id: &'static str,
        replayable: bool,
        mut make: F,
    ) -> Result<reqwest::Response, Failure>
    where
        F: FnMut() -> Result<reqwest::Request, Error> + Send,
    {
        let shared = &*self.shared;
        let settings = &shared.settings;
        let idempotent = retry::is_idempotent(method) || settings.retry.retry_non_idempotent;
        let span = tracing::Span::current();
        let mut planner = Planner::new(&settings.retry, &shared.budget, replayable);
        let mut may_refresh = replayable;
        let mut limiter_wait = Duration::ZERO;
        let mut last_retry_after = None;

        loop {
            let attempt = planner.start_attempt();
            span.record("attempt", attempt);
            let request = make().map_err(Failure::Sdk)?;
            let sent = self
                .send_once(
                    request,
                    method,
                    operation_id,
                    &planner,
                    replayable && !may_refresh,
                    &mut limiter_wait,
                )
                .await
                .map_err(Failure::Sdk)?;
            let attempted = Attempted::of(&sent.result);
            let retry_after = sent.result.as_ref().ok().and_then(|r| {
                span.record("status", r.status().as_u16());
                retry::retry_after(r.headers())
            });
            let throttled = attempted == Attempted::Status(429);
            if throttled {
                self.tenant.pacer.throttled(retry_after);
                last_retry_after = retry_after.or(last_retry_after);
            }
            match retry::classify(attempted, idempotent, may_refresh) {
                Verdict::RefreshToken => {
                    // The token may have been revoked or expired early: replace it and try
                    // once more, not counted as an attempt.
                    may_refresh = false;
                    planner.grant_extra_attempt();
                    tracing::debug!("401: replacing the access token and retrying once");
                    self.tenant
                        .token
                        .replace(
                            &shared.http,
                            settings,
                            &shared.budget,
                            sent.token_generation,
                        )
                        .await
                        .map_err(Failure::Sdk)?;
                    continue;
                }
                Verdict::Retry => match planner.next(retry_after, attempted.timed_out()) {
                    Plan::Retry { delay, .. } => {
                        tracing::debug!(?attempted, ?delay, "retrying");
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    Plan::GiveUp if throttled => {
                        tracing::warn!(attempts = attempt, "still rate limited; giving up");
                        return Err(Failure::Sdk(Error::RateLimited {
                            operation_id: Some(operation_id),
                            attempts: attempt,
                            retry_after: last_retry_after,
                            elapsed: planner.elapsed(),
                        }));
                    }
                    Plan::GiveUp => {}
                },
                Verdict::Return => {}
            }
            span.record("elapsed_ms", planner.elapsed().as_millis() as u64);
            return match sent.result {
                Ok(resp) => {
                    if resp.status().is_success() {
                        planner.succeeded();
                        self.tenant.pacer.succeeded();
                    }
                    Ok(resp)
                }
                Err(error) => {
                    tracing::warn!(attempts = attempt, error = %error, "request failed");
                    Err(Failure::Http {
                        error,
                        attempts: attempt,
                        elapsed: planner.elapsed(),
                    })
                }
            };
        }
    }

    /// One attempt: the tenant and origin checks, a token, the tenant's pacing slot, the
    /// attempt's timeout, the credentials, the exchange itself, a redirect to storage
    /// followed without credentials, and the body buffered when it is JSON or text.
    /// `Err` means nothing could be sent (bad request, no token, out of time).
    async fn send_once(
        &self,
        mut req: reqwest::Request,
        method: &Method,
        operation_id: &'static str,
        planner: &Planner<'_>,
        token_replaced: bool,
        limiter_wait: &mut Duration,
    ) -> Result<Sent, Error> {
        let shared = &*self.shared;
        let settings = &shared.settings;
        self.prepare(&mut req)?;
        let token = self
            .tenant
            .token
            .get(&shared.http, settings, &shared.budget)
            .await?;

        // Client-side pacing: wait for the tenant's next slot instead of drawing a 429. A
        // background request (see `pacing`) first waits until the queue is short.
        let deadline = planner.deadline();
        let t0 = Instant::now();
        let pacer = &*self.tenant.pacer;
        let slot = if crate::pacing::in_background() {
            let turn = tokio::time::timeout_at(
                tokio::time::Instant::from_std(deadline),
                pacer.reserve_background(
                    crate::pacing::BACKGROUND_QUEUE,
                    crate::pacing::BACKGROUND_PATIENCE,
                ),
            )
            .await;
            match turn {
                Ok(slot) => slot,
                Err(_) => return Err(self.timeout(planner)),
            }
        } else {
            pacer.reserve()
        };
        // Dropped before its time (or out of time), the call hands its slot on.
        let reservation = Reservation {
            pacer,
            slot: Some(slot),
        };
        let waits = slot > tokio::time::Instant::now();
        if waits {
            let ready = tokio::time::timeout_at(
                tokio::time::Instant::from_std(deadline),
                tokio::time::sleep_until(slot),
            )
            .await;
            if ready.is_err() {
                return Err(self.timeout(planner));
            }
        }
        reservation.used();
        if waits || t0.elapsed() >= Duration::from_millis(1) {
            *limiter_wait += t0.elapsed();
            tracing::Span::current().record("limiter_wait_ms", limiter_wait.as_millis() as u64);
        }
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(self.timeout(planner));
        }
        let per_attempt = settings.request_timeout.min(remaining);
        let timeout = req.timeout_mut();
        *timeout = Some(timeout.map_or(per_attempt, |t| t.min(per_attempt)));
        let headers = req.headers_mut();
        headers.insert(AUTHORIZATION, token.header.clone());
        headers.insert(ST_APP_KEY, shared.app_key_header.clone());
        tracing::debug!(
            attempt = planner.attempts(),
            path = req.url().path(),
            "sending"
        );

        let result = match shared.http.execute(req).await {
            Ok(resp) => match foreign_redirect(&resp, method) {
                // A download redirected to another host (images live in storage): fetched
                // there without our credentials, which never leave the API's origin.
                Some(location) => {
                    tracing::debug!(%location, "following a redirect without credentials");
                    shared.http.get(location).send().await
                }
                None => Ok(resp),
            },
            Err(e) => Err(e),
        };
        let result = match result {
            // A body that breaks off (reset, truncated) fails the attempt like any transport
            // error.
            Ok(resp) => {
                let mark = token_replaced && resp.status() == StatusCode::UNAUTHORIZED;
                buffer(resp, mark, operation_id).await
            }
            Err(e) => Err(e),
        };
        Ok(Sent {
            result,
            token_generation: token.generation,
        })
    }

    /// The call's time ran out before an attempt could be sent (the operation id is added by
    /// the caller).
    fn timeout(&self, planner: &Planner<'_>) -> Error {
        Error::Timeout {
            operation_id: None,
            attempts: Some(planner.attempts()),
            elapsed: Some(planner.elapsed()),
            source: None,
        }
    }

    /// Fills in the tenant and checks that the request goes to the configured API.
    fn prepare(&self, req: &mut reqwest::Request) -> Result<(), Error> {
        let url = req.url_mut();
        if url.path().split('/').any(|seg| seg == UNSAFE_SEGMENT) {
            return Err(Error::InvalidRequest(format!(
                "a path parameter of {} is empty, \".\" or \"..\": such a value would change \
                 which path is requested, so nothing was sent",
                url.path().replace(UNSAFE_SEGMENT, "{?}")
            )));
        }
        if url.path().contains(TENANT_PLACEHOLDER) {
            let path: Vec<&str> = url
                .path()
                .split('/')
                .map(|seg| {
                    if seg == TENANT_PLACEHOLDER {
                        self.tenant.encoded.as_str()
                    } else {
                        seg
                    }
                })
                .collect();
            let path = path.join("/");
            url.set_path(&path);
        }
        let s = &*self.shared;
        let same_origin = url.scheme() == s.api_scheme
            && url
                .host_str()
                .is_some_and(|h| h.eq_ignore_ascii_case(&s.api_host))
            && url.port_or_known_default() == s.api_port;
        if !same_origin {
            return Err(Error::Config(format!(
                "refusing to send credentials to {}://{}: it is not the configured API base URL \
                 {} (build generated clients on runtime.api_base_url())",
                url.scheme(),
                url.host_str().unwrap_or_default(),
                s.settings.api_base_url
            )));
        }
        Ok(())
    }
}

impl Shared {
    fn tenant_state(
        shared: &Arc<Shared>,
        tenant: String,
        credentials: Credentials,
    ) -> Arc<TenantState> {
        let key = (tenant.clone(), credentials.client_id().to_string());
        let token = {
            let mut tokens = shared.tokens.lock().unwrap_or_else(|p| p.into_inner());
            match tokens.get(&key) {
                Some(t) if t.has_secret(credentials.client_secret()) => t.clone(),
                _ => {
                    let t = Arc::new(TokenCache::new(credentials.clone()));
                    tokens.insert(key, t.clone());
                    t
                }
            }
        };
        let pacer = {
            let mut pacers = shared.pacers.lock().unwrap_or_else(|p| p.into_inner());
            let s = &shared.settings;
            pacers
                .entry(tenant.clone())
                .or_insert_with(|| {
                    Arc::new(Pacer::new(s.rate_per_second, s.rate_burst, s.rate_margin))
                })
                .clone()
        };
        Arc::new(TenantState {
            encoded: encode_path_segment(&tenant),
            client_id: credentials.client_id().to_string(),
            id: tenant,
            token,
            pacer,
        })
    }
}

/// Reads JSON and text bodies (and every error body) inside the request path, so a body that
/// breaks off is retried like any transport error and error bodies can be parsed later. Binary
/// bodies stay streaming.
async fn buffer(
    mut resp: reqwest::Response,
    token_replaced: bool,
    operation_id: &'static str,
) -> Result<reqwest::Response, reqwest::Error> {
    let status = resp.status();
    let textual = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|ct| {
            let ct = ct.to_ascii_lowercase();
            ct.contains("json") || ct.starts_with("text/") || ct.contains("xml")
        });
    if status.is_success() && !textual {
        return Ok(resp);
    }
    let version = resp.version();
    let url = resp.url().clone();
    let mut headers = std::mem::take(resp.headers_mut());
    let extensions = std::mem::take(resp.extensions_mut());
    let body = resp.bytes().await?;
    if token_replaced {
        headers.insert(SDK_AUTH_HEADER, HeaderValue::from_static("refreshed"));
    }
    let mut builder = http::Response::builder()
        .status(status)
        .version(version)
        .url(url);
    if let Some(h) = builder.headers_mut() {
        *h = headers;
    }
    if let Some(x) = builder.extensions_mut() {
        *x = extensions;
    }
    if !status.is_success() {
        builder = builder.extension(BufferedBody(body.clone(), operation_id));
    }
    let rebuilt = builder
        .body(body)
        .expect("parts of a valid response make a valid response");
    Ok(reqwest::Response::from(rebuilt))
}

/// The target of a redirect answering a GET that points at another origin, if this is one.
fn foreign_redirect(resp: &reqwest::Response, method: &reqwest::Method) -> Option<reqwest::Url> {
    if !resp.status().is_redirection() || method != reqwest::Method::GET {
        return None;
    }
    let location = resp
        .headers()
        .get(reqwest::header::LOCATION)?
        .to_str()
        .ok()?;
    let target = resp.url().join(location).ok()?;
    let here = resp.url();
    let same = target.scheme() == here.scheme()
        && target.host_str() == here.host_str()
        && target.port_or_known_default() == here.port_or_known_default();
    (!same).then_some(target)
}

/// Follows redirects only within the same origin (at most 5); a redirect to another host is
/// returned to the caller instead, so neither the token nor the App Key ever goes there.
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        if attempt.previous().len() > 5 {
            return attempt.error("too many redirects");
        }
        let next = attempt.url();
        let same = attempt.previous().first().is_some_and(|first| {
            first.scheme() == next.scheme()
                && first.host_str() == next.host_str()
                && first.port_or_known_default() == next.port_or_known_default()
        });
        if same {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn futures_are_send_and_runtime_is_sync() {
        fn sync<T: Send + Sync + Clone + fmt::Debug + 'static>() {}
        sync::<Runtime>();
        let rt = Runtime::builder()
            .client_id("id")
            .client_secret("secret")
            .app_key("key")
            .tenant(1)
            .build()
            .unwrap();
        let req = rt
            .http()
            .get("https://api.servicetitan.io/x")
            .build()
            .unwrap();
        let fut = rt.execute(req, "op");
        assert_send(&fut);
    }

    #[test]
    fn encodes_segments() {
        assert_eq!(encode_path_segment("12 3/4?"), "12%203%2F4%3F");
        assert_eq!(encode_path_segment("123456"), "123456");
    }
}
