//! The server's state and the guard every API request passes before its handler: the token,
//! the app key, the tenant, the rate limit, then latency and injected faults; afterwards the
//! trace id and the rendering of problems. Routes are in [`crate::routes`], handlers in
//! [`crate::handlers`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::data::{mix, Gen};
use crate::problem::{self, ApiError, NO_SUCH_OPERATION};
use crate::reporting::ReportState;
use crate::store::TenantData;
use crate::time;
use crate::Config;

/// The token endpoint's path.
pub(crate) const TOKEN_PATH: &str = "/connect/token";

// =========================================================================== state

/// Counters shared with [`crate::MockTenant`].
#[derive(Default, Debug)]
pub(crate) struct Stats {
    pub(crate) requests: AtomicU64,
    pub(crate) rate_limited: AtomicU64,
    pub(crate) tokens_issued: AtomicU64,
    pub(crate) faults: AtomicU64,
}

#[derive(Debug)]
struct TokenInfo {
    expires: Instant,
    client: usize,
}

/// A token bucket: `rate` tokens per second, holding at most `rate`.
#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// One tenant.
#[derive(Debug)]
pub(crate) struct Tenant {
    pub(crate) gen: Gen,
    pub(crate) data: Mutex<TenantData>,
    bucket: Mutex<Bucket>,
    reports: Mutex<ReportState>,
}

impl Tenant {
    /// The tenant's records, locked.
    pub(crate) fn data(&self) -> MutexGuard<'_, TenantData> {
        lock(&self.data)
    }

    /// The tenant's report runs and data queries, locked.
    pub(crate) fn reports(&self) -> MutexGuard<'_, ReportState> {
        lock(&self.reports)
    }
}

/// Locks `m`, also after a panic elsewhere (the state stays usable for the next request).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Everything the server holds.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) cfg: Config,
    pub(crate) tenants: HashMap<i64, Arc<Tenant>>,
    tokens: Mutex<HashMap<String, TokenInfo>>,
    pub(crate) stats: Stats,
    seq: AtomicU64,
    fault_seq: AtomicU64,
    nonce: u64,
}

impl Shared {
    pub(crate) fn new(cfg: Config, base_url: &str) -> Shared {
        let nonce = mix(time::now_ticks() as u64 ^ u64::from(std::process::id()));
        let tenants = cfg
            .tenants
            .iter()
            .map(|&id| {
                let tenant = Tenant {
                    gen: Gen::new(cfg.seed, id, cfg.counts, cfg.quirks, base_url.to_string()),
                    data: Mutex::new(TenantData::new()),
                    bucket: Mutex::new(Bucket {
                        tokens: f64::from(cfg.rate_limit),
                        last: Instant::now(),
                    }),
                    reports: Mutex::new(ReportState::default()),
                };
                (id, Arc::new(tenant))
            })
            .collect();
        Shared {
            cfg,
            tenants,
            tokens: Mutex::new(HashMap::new()),
            stats: Stats::default(),
            seq: AtomicU64::new(1),
            fault_seq: AtomicU64::new(0),
            nonce,
        }
    }

    /// A number no other call of this server returns.
    pub(crate) fn unique(&self) -> u64 {
        mix(self.nonce ^ self.seq.fetch_add(1, Relaxed))
    }

    fn trace_id(&self) -> String {
        let n = self.seq.fetch_add(1, Relaxed);
        let a = mix(self.nonce ^ n);
        let b = mix(a ^ 0x5eed);
        let c = mix(b);
        format!("00-{a:016x}{b:016x}-{c:016x}-00")
    }

    /// Issues a token for client `client`.
    pub(crate) fn issue_token(&self, client: usize) -> String {
        let n = self.seq.fetch_add(1, Relaxed);
        let token = format!(
            "mock.{:016x}.{:016x}{:016x}",
            self.nonce,
            mix(self.nonce ^ n),
            mix(n)
        );
        let now = Instant::now();
        let mut tokens = lock(&self.tokens);
        tokens.retain(|_, t| t.expires > now);
        tokens.insert(
            token.clone(),
            TokenInfo {
                expires: now + self.cfg.token_lifetime,
                client,
            },
        );
        self.stats.tokens_issued.fetch_add(1, Relaxed);
        token
    }

    /// Makes every issued token invalid.
    pub(crate) fn revoke_tokens(&self) {
        lock(&self.tokens).clear();
    }

    /// Checks everything an API request needs before its handler runs.
    fn admit(&self, headers: &HeaderMap, path: &str) -> Result<Arc<Tenant>, ApiError> {
        let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        if segs.len() < 5 || segs[2] != "tenant" {
            return Err(ApiError::not_found(format!(
                "The mock serves no operation at {path}; API paths look like \
                 /jpm/v2/tenant/{{tenant}}/jobs and the token endpoint is {TOKEN_PATH}."
            ))
            .code(NO_SUCH_OPERATION));
        }
        let client = self.check_token(headers)?;
        match headers.get("st-app-key") {
            None => {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "MissingAppKey",
                    "The ST-App-Key header is missing: send the app's App Key (not the client id) \
                     in ST-App-Key with every API request.",
                ))
            }
            Some(v) if v.as_bytes() != self.cfg.app_key.as_bytes() => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "InvalidAppKey",
                    "The ST-App-Key header does not match this app's App Key.",
                ))
            }
            Some(_) => {}
        }
        let tenant_id: Option<i64> = segs[3].parse().ok();
        let Some((tenant_id, tenant)) =
            tenant_id.and_then(|id| self.tenants.get(&id).map(|t| (id, t)))
        else {
            let known: Vec<String> = self.cfg.tenants.iter().map(i64::to_string).collect();
            return Err(ApiError::not_found(format!(
                "Tenant {} is not known to this mock tenant server (it serves tenant {}).",
                segs[3],
                known.join(", ")
            ))
            .code("TenantNotFound"));
        };
        if !self.cfg.client_allows(client, tenant_id) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "TenantNotConnected",
                format!(
                    "The app's client {} is not connected to tenant {tenant_id}.",
                    self.cfg.clients[client].id
                ),
            ));
        }
        self.take_rate_token(tenant)?;
        Ok(Arc::clone(tenant))
    }

    fn check_token(&self, headers: &HeaderMap) -> Result<usize, ApiError> {
        let value = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .trim();
        // The real API also takes the bare token, without the scheme (a popular Python client
        // sends it that way).
        let token = match value.split_once(' ') {
            Some((scheme, t)) if scheme.eq_ignore_ascii_case("bearer") && !t.trim().is_empty() => {
                t.trim()
            }
            None if !value.is_empty() => value,
            _ => {
                return Err(ApiError::invalid_token(
                    "MissingToken",
                    "An Authorization: Bearer <access token> header is required; get a token \
                     from the token endpoint with the client credentials grant.",
                    "no bearer token",
                ))
            }
        };
        let tokens = lock(&self.tokens);
        match tokens.get(token) {
            None => Err(ApiError::invalid_token(
                "InvalidToken",
                "The access token is not valid (unknown, revoked or from another server).",
                "unknown token",
            )),
            Some(t) if t.expires <= Instant::now() => Err(ApiError::invalid_token(
                "TokenExpired",
                "The access token has expired; request a new one.",
                "the token expired",
            )),
            Some(t) => Ok(t.client),
        }
    }

    fn take_rate_token(&self, tenant: &Tenant) -> Result<(), ApiError> {
        let rate = f64::from(self.cfg.rate_limit);
        if rate <= 0.0 {
            return Ok(());
        }
        let mut b = lock(&tenant.bucket);
        let now = Instant::now();
        let elapsed = now.duration_since(b.last).as_secs_f64();
        b.tokens = (b.tokens + elapsed * rate).min(rate);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            return Ok(());
        }
        let wait = ((1.0 - b.tokens) / rate).ceil().max(1.0) as u64;
        Err(ApiError::too_many(
            wait,
            format!(
                "Too many requests: this tenant allows {} requests per second; retry after {wait} s.",
                self.cfg.rate_limit
            ),
        ))
    }

    fn fault(&self) -> Option<ApiError> {
        let rate = self.cfg.error_rate;
        if rate <= 0.0 {
            return None;
        }
        let n = self.fault_seq.fetch_add(1, Relaxed);
        let h = mix(self.cfg.fault_seed ^ mix(n));
        let x = (h >> 11) as f64 / (1u64 << 53) as f64;
        if x >= rate {
            return None;
        }
        self.stats.faults.fetch_add(1, Relaxed);
        let status = [
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::BAD_GATEWAY,
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::GATEWAY_TIMEOUT,
        ][(mix(h) % 4) as usize];
        Some(ApiError::new(
            status,
            "InjectedFault",
            format!(
                "An injected fault: the mock fails {:.1}% of API requests on purpose; the request had no effect.",
                rate * 100.0
            ),
        ))
    }

    fn finish(&self, resp: Response, trace: &str) -> Response {
        let mut resp = problem::render(resp, trace);
        if resp.status() == StatusCode::TOO_MANY_REQUESTS {
            self.stats.rate_limited.fetch_add(1, Relaxed);
        }
        if let Ok(v) = HeaderValue::from_str(trace) {
            resp.headers_mut().insert("x-trace-id", v);
        }
        resp
    }
}

// =========================================================================== guard

/// The tenant an API request is for, set by the guard.
#[derive(Clone)]
pub(crate) struct Ctx(pub(crate) Arc<Tenant>);

/// The middleware in front of every route: counts the request, admits it (or answers the
/// problem), hands what no route serves to the catalog, and stamps the trace id.
pub(crate) async fn guard(State(s): State<Arc<Shared>>, mut req: Request, next: Next) -> Response {
    s.stats.requests.fetch_add(1, Relaxed);
    let trace = s.trace_id();
    let path = req.uri().path().to_string();
    let resp = if path == TOKEN_PATH {
        next.run(req).await
    } else {
        match s.admit(req.headers(), &path) {
            Err(e) => e.into_response(),
            Ok(tenant) => {
                req.extensions_mut().insert(Ctx(tenant));
                if !s.cfg.latency.is_zero() {
                    tokio::time::sleep(s.cfg.latency).await;
                }
                match s.fault() {
                    Some(e) => e.into_response(),
                    None => {
                        let method = req.method().clone();
                        let uri = req.uri().clone();
                        let resp = next.run(req).await;
                        // A hand-written route that does not serve this request (another method
                        // on its path, or `/customers/contacts` taken for `/customers/{id}`)
                        // leaves it to the catalog of every operation in the specs.
                        let unserved = resp.status() == StatusCode::METHOD_NOT_ALLOWED
                            || resp
                                .extensions()
                                .get::<ApiError>()
                                .is_some_and(ApiError::is_no_such_operation);
                        if !unserved {
                            resp
                        } else {
                            match crate::catalog::answer(&method, uri.path(), uri.query()) {
                                Ok(answer) => answer,
                                // No operation of the specs either: a method the path does
                                // not take stays 405.
                                Err(_) if resp.status() == StatusCode::METHOD_NOT_ALLOWED => resp,
                                Err(e) => e.into_response(),
                            }
                        }
                    }
                }
            }
        }
    };
    s.finish(resp, &trace)
}
