//! Configuration: environments, the [`RuntimeBuilder`] and `ST_*` environment variables.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::time::Duration;

use crate::retry::RetryPolicy;
use crate::runtime::Runtime;
use crate::secret::{Credentials, Secret};
use crate::Error;

/// A ServiceTitan environment: where the API and the auth server live.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Environment {
    /// `https://api.servicetitan.io` and `https://auth.servicetitan.io`.
    #[default]
    Production,
    /// `https://api-integration.servicetitan.io` and `https://auth-integration.servicetitan.io`.
    Integration,
}

impl Environment {
    /// The API base URL of this environment (no trailing slash).
    pub fn api_base_url(self) -> &'static str {
        match self {
            Environment::Production => "https://api.servicetitan.io",
            Environment::Integration => "https://api-integration.servicetitan.io",
        }
    }

    /// The auth server's base URL of this environment (no trailing slash).
    pub fn auth_url(self) -> &'static str {
        match self {
            Environment::Production => "https://auth.servicetitan.io",
            Environment::Integration => "https://auth-integration.servicetitan.io",
        }
    }

    /// The lower-case name used by `ST_ENV`: `production` or `integration`.
    pub fn name(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Integration => "integration",
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Environment {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "production" | "prod" => Ok(Environment::Production),
            "integration" | "int" | "sandbox" => Ok(Environment::Integration),
            other => Err(Error::Config(format!(
                "ST_ENV must be `production` or `integration`, not {other:?}"
            ))),
        }
    }
}

/// Settings resolved by [`RuntimeBuilder::build`], shared by every tenant of a runtime.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) environment: Option<Environment>,
    pub(crate) api_base_url: String,
    pub(crate) token_url: url::Url,
    pub(crate) app_key: Secret,
    pub(crate) retry: RetryPolicy,
    pub(crate) request_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) token_refresh_margin: Duration,
    pub(crate) rate_per_second: u32,
    pub(crate) rate_burst: u32,
    pub(crate) rate_margin: f64,
}

/// Builds a [`Runtime`]. Get one from [`Runtime::builder`] or [`RuntimeBuilder::from_env`].
///
/// ```no_run
/// # async fn f() -> Result<(), servicetitan_core::Error> {
/// use servicetitan_core::{Environment, Runtime};
/// let runtime = Runtime::builder()
///     .client_id("cid.abc")
///     .client_secret("cs1.xyz")
///     .app_key("ak1.123")
///     .tenant(123456789)
///     .environment(Environment::Integration)
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RuntimeBuilder {
    client_id: Option<String>,
    client_secret: Option<Secret>,
    app_key: Option<Secret>,
    tenant: Option<String>,
    environment: Environment,
    api_base_url: Option<String>,
    auth_url: Option<String>,
    rate_per_second: u32,
    rate_burst: Option<u32>,
    rate_margin: f64,
    retry: RetryPolicy,
    connect_timeout: Duration,
    request_timeout: Duration,
    token_refresh_margin: Duration,
    user_agent: Option<String>,
}

impl fmt::Debug for RuntimeBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuntimeBuilder")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("app_key", &self.app_key)
            .field("tenant", &self.tenant)
            .field("environment", &self.environment)
            .field("api_base_url", &self.api_base_url)
            .field("auth_url", &self.auth_url)
            .field("rate_per_second", &self.rate_per_second)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Default for RuntimeBuilder {
    fn default() -> Self {
        RuntimeBuilder {
            client_id: None,
            client_secret: None,
            app_key: None,
            tenant: None,
            environment: Environment::Production,
            api_base_url: None,
            auth_url: None,
            rate_per_second: 60,
            rate_burst: None,
            rate_margin: crate::pacer::DEFAULT_MARGIN,
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(100),
            token_refresh_margin: Duration::from_secs(60),
            user_agent: None,
        }
    }
}

impl RuntimeBuilder {
    /// An empty builder (production environment, default limits and timeouts).
    pub fn new() -> Self {
        RuntimeBuilder::default()
    }

    /// A builder filled from the process environment: `ST_CLIENT_ID`, `ST_CLIENT_SECRET`,
    /// `ST_APP_KEY`, `ST_TENANT_ID`, `ST_ENV` (`production` | `integration`),
    /// `ST_API_BASE_URL`, `ST_AUTH_URL` and `ST_TIMEOUT` (seconds per request). Unset variables
    /// leave the builder's defaults; [`RuntimeBuilder::build`] reports the missing ones.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`RuntimeBuilder::from_env`], reading variables through `lookup` (for tests and
    /// for configuration kept elsewhere).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let mut b = RuntimeBuilder::new();
        if let Some(v) = get("ST_ENV") {
            b.environment = v.parse()?;
        }
        b.client_id = get("ST_CLIENT_ID").map(|v| v.trim().to_string());
        b.client_secret = get("ST_CLIENT_SECRET").map(|v| Secret::new(v.trim()));
        b.app_key = get("ST_APP_KEY").map(|v| Secret::new(v.trim()));
        b.tenant = get("ST_TENANT_ID").map(|v| v.trim().to_string());
        b.api_base_url = get("ST_API_BASE_URL");
        b.auth_url = get("ST_AUTH_URL");
        if let Some(v) = get("ST_TIMEOUT") {
            let seconds: f64 = v
                .trim()
                .parse()
                .ok()
                .filter(|s: &f64| s.is_finite() && *s > 0.0)
                .ok_or_else(|| {
                    Error::Config(format!(
                        "ST_TIMEOUT {v:?} is not a positive number of seconds"
                    ))
                })?;
            b.request_timeout = Duration::from_secs_f64(seconds);
        }
        Ok(b)
    }

    /// The OAuth client id (`ST_CLIENT_ID`).
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The OAuth client secret (`ST_CLIENT_SECRET`).
    pub fn client_secret(mut self, client_secret: impl Into<Secret>) -> Self {
        self.client_secret = Some(client_secret.into());
        self
    }

    /// Client id and secret together.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.client_id = Some(credentials.client_id().to_string());
        self.client_secret = Some(credentials.client_secret().clone());
        self
    }

    /// The app's App Key (`ST_APP_KEY`), sent as `ST-App-Key` (it is not the client id).
    pub fn app_key(mut self, app_key: impl Into<Secret>) -> Self {
        self.app_key = Some(app_key.into());
        self
    }

    /// The tenant id (`ST_TENANT_ID`), the number in the API's `/tenant/{tenant}/` paths.
    pub fn tenant(mut self, tenant: impl ToString) -> Self {
        self.tenant = Some(tenant.to_string());
        self
    }

    /// Production (the default) or integration.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// A custom API base URL (a proxy or a mock server), e.g. `http://127.0.0.1:8080`.
    /// Plain `http` is accepted only for loopback hosts.
    pub fn api_base_url(mut self, url: impl Into<String>) -> Self {
        self.api_base_url = Some(url.into());
        self
    }

    /// A custom auth server: its base URL (`/connect/token` is appended) or the full token URL.
    /// Plain `http` is accepted only for loopback hosts.
    pub fn auth_url(mut self, url: impl Into<String>) -> Self {
        self.auth_url = Some(url.into());
        self
    }

    /// The client-side rate limit per tenant, in requests per second (default 60). Calls wait
    /// for a slot instead of drawing 429s: they are paced at
    /// [`rate_limit_margin`](Self::rate_limit_margin) of it, and slower for a while after the
    /// server answers 429.
    pub fn rate_limit_per_second(mut self, per_second: u32) -> Self {
        self.rate_per_second = per_second;
        self
    }

    /// How many requests may go out at once before the per-second pacing applies (default 1:
    /// requests are evenly spaced, so no one-second window ever exceeds the limit by more than one).
    pub fn rate_limit_burst(mut self, burst: u32) -> Self {
        self.rate_burst = Some(burst);
        self
    }

    /// The share of the rate limit requests are paced at (default 0.97: 58.2 of 60 per
    /// second). The margin absorbs a busy machine's jitter, which would otherwise deliver some
    /// requests early and draw 429s; 1.0 paces at exactly the limit. Clamped to 0.1..=1.0.
    pub fn rate_limit_margin(mut self, share: f64) -> Self {
        self.rate_margin = share;
        self
    }

    /// The retry policy (see [`RetryPolicy`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How long opening a connection may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, body included (default 100 s, when the server itself
    /// gives up).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// How long before its expiry a token is replaced (default 60 s; tokens last about 15 min).
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.token_refresh_margin = margin;
        self
    }

    /// The `User-Agent` header (default `servicetitan-rs/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Validates the configuration and builds the runtime (and its HTTP connection pool).
    pub fn build(self) -> Result<Runtime, Error> {
        let mut missing = Vec::new();
        if self
            .client_id
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
        {
            missing.push("client id (ST_CLIENT_ID)");
        }
        if self.client_secret.as_ref().is_none_or(Secret::is_empty) {
            missing.push("client secret (ST_CLIENT_SECRET)");
        }
        if self.app_key.as_ref().is_none_or(Secret::is_empty) {
            missing.push("app key (ST_APP_KEY)");
        }
        if self.tenant.as_deref().is_none_or(|s| s.trim().is_empty()) {
            missing.push("tenant id (ST_TENANT_ID)");
        }
        if !missing.is_empty() {
            return Err(Error::Config(format!(
                "missing configuration: {}",
                missing.join(", ")
            )));
        }
        if self.rate_per_second == 0 {
            return Err(Error::Config(
                "the rate limit must be at least 1 request per second".into(),
            ));
        }
        let (environment, api_raw, auth_raw) = match (&self.api_base_url, &self.auth_url) {
            (None, None) => (
                Some(self.environment),
                self.environment.api_base_url().to_string(),
                self.environment.auth_url().to_string(),
            ),
            (api, auth) => (
                None,
                api.clone()
                    .unwrap_or_else(|| self.environment.api_base_url().to_string()),
                auth.clone()
                    .unwrap_or_else(|| self.environment.auth_url().to_string()),
            ),
        };
        let api = parse_base_url(&api_raw, "API base URL (ST_API_BASE_URL)")?;
        let mut token_url = parse_base_url(&auth_raw, "auth URL (ST_AUTH_URL)")?;
        if token_url.path().trim_end_matches('/').is_empty() {
            token_url.set_path("/connect/token");
        }
        let api_base_url = api.as_str().trim_end_matches('/').to_string();
        let app_key = self.app_key.unwrap_or_else(|| Secret::new(""));
        if http::HeaderValue::from_str(app_key.expose().trim()).is_err() {
            return Err(Error::Config(
                "the app key contains characters that cannot be sent in a header".into(),
            ));
        }
        let settings = Settings {
            environment,
            api_base_url,
            token_url,
            app_key: Secret::new(app_key.expose().trim()),
            retry: RetryPolicy {
                max_attempts: self.retry.max_attempts.max(1),
                ..self.retry
            },
            request_timeout: self.request_timeout,
            connect_timeout: self.connect_timeout,
            token_refresh_margin: self.token_refresh_margin,
            rate_per_second: self.rate_per_second,
            rate_burst: self.rate_burst.unwrap_or(1).max(1),
            rate_margin: if self.rate_margin.is_finite() {
                self.rate_margin.clamp(0.1, 1.0)
            } else {
                crate::pacer::DEFAULT_MARGIN
            },
        };
        let credentials = Credentials::new(
            self.client_id.unwrap_or_default().trim(),
            self.client_secret.unwrap_or_else(|| Secret::new("")),
        );
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| format!("servicetitan-rs/{}", env!("CARGO_PKG_VERSION")));
        let tenant = crate::runtime::check_tenant_id(&self.tenant.unwrap_or_default())?;
        Runtime::from_settings(settings, tenant, credentials, &user_agent)
    }
}

/// Parses a base URL, refusing plain http except on loopback hosts.
pub(crate) fn parse_base_url(raw: &str, what: &str) -> Result<url::Url, Error> {
    let url = url::Url::parse(raw.trim())
        .map_err(|e| Error::Config(format!("the {what} {raw:?} is not a URL: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(Error::Config(format!(
                "the {what} {raw:?} uses plain http; only https is allowed, except for \
                 loopback hosts (127.0.0.1, ::1, localhost)"
            )))
        }
        other => {
            return Err(Error::Config(format!(
                "the {what} {raw:?} has scheme {other:?}; use https"
            )))
        }
    }
    if url.host().is_none() {
        return Err(Error::Config(format!("the {what} {raw:?} has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "the {what} {raw:?} must not have a query or fragment"
        )));
    }
    Ok(url)
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        None => false,
    }
}
