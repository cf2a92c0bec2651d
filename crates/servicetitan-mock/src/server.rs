//! The HTTP side: routes, the guard every API request passes (token, app key, tenant, rate
//! limit, latency, faults), and the handlers.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Extension, Router};

use crate::data::{mix, Gen};
use crate::json::{obj, write_str, J};
use crate::reporting::{self, ReportState};
use crate::store::{Active, ListQuery, SortField, TenantData};
use crate::time;
use crate::write;
use crate::{Config, Resource};

/// The token endpoint's path.
pub(crate) const TOKEN_PATH: &str = "/connect/token";
const JSON: &str = "application/json; charset=utf-8";

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
    fn data(&self) -> MutexGuard<'_, TenantData> {
        lock(&self.data)
    }
}

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
        let unauthorized = |code: &'static str, title: &str, desc: &str| {
            let mut e = ApiError::new(StatusCode::UNAUTHORIZED, code, title);
            e.www_authenticate = Some(format!(
                "Bearer error=\"invalid_token\", error_description=\"{desc}\""
            ));
            e
        };
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
                return Err(unauthorized(
                    "MissingToken",
                    "An Authorization: Bearer <access token> header is required; get a token \
                     from the token endpoint with the client credentials grant.",
                    "no bearer token",
                ))
            }
        };
        let tokens = lock(&self.tokens);
        match tokens.get(token) {
            None => Err(unauthorized(
                "InvalidToken",
                "The access token is not valid (unknown, revoked or from another server).",
                "unknown token",
            )),
            Some(t) if t.expires <= Instant::now() => Err(unauthorized(
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

    fn finish(&self, mut resp: Response, trace: &str) -> Response {
        let err = resp.extensions_mut().remove::<ApiError>();
        let status = resp.status();
        let mut resp = match err {
            Some(e) => e.render(trace),
            None if (status.is_client_error() || status.is_server_error())
                && resp.body().size_hint().exact() == Some(0) =>
            {
                let title = match status {
                    StatusCode::METHOD_NOT_ALLOWED => {
                        "The mock does not serve this method on this path.".to_string()
                    }
                    s => s.canonical_reason().unwrap_or("Error").to_string(),
                };
                ApiError::new(status, "Error", title).render(trace)
            }
            None => resp,
        };
        if resp.status() == StatusCode::TOO_MANY_REQUESTS {
            self.stats.rate_limited.fetch_add(1, Relaxed);
        }
        if let Ok(v) = HeaderValue::from_str(trace) {
            resp.headers_mut().insert("x-trace-id", v);
        }
        resp
    }
}

// =========================================================================== errors

/// The error code of a request no operation of the mock serves.
pub(crate) const NO_SUCH_OPERATION: &str = "NoSuchOperation";

/// An error answer, rendered as ProblemDetails with the request's trace id.
#[derive(Clone, Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    title: String,
    code: &'static str,
    errors: Vec<(String, Vec<String>)>,
    retry_after: Option<u64>,
    www_authenticate: Option<String>,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        code: &'static str,
        title: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            title: title.into(),
            code,
            errors: Vec::new(),
            retry_after: None,
            www_authenticate: None,
        }
    }

    pub(crate) fn code(mut self, code: &'static str) -> ApiError {
        self.code = code;
        self
    }

    pub(crate) fn not_found(title: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "NotFound", title)
    }

    pub(crate) fn validation(errors: Vec<(String, Vec<String>)>) -> ApiError {
        let mut e = ApiError::new(
            StatusCode::BAD_REQUEST,
            "ValidationError",
            "One or more validation errors occurred.",
        );
        e.errors = errors;
        e
    }

    pub(crate) fn bad_param(field: &str, msg: impl Into<String>) -> ApiError {
        ApiError::validation(vec![(field.to_string(), vec![msg.into()])])
    }

    pub(crate) fn too_many(retry_after: u64, title: impl Into<String>) -> ApiError {
        let mut e = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "TooManyRequests", title);
        e.retry_after = Some(retry_after);
        e
    }

    fn type_uri(&self) -> &'static str {
        match self.status.as_u16() {
            400 => "https://tools.ietf.org/html/rfc7231#section-6.5.1",
            401 => "https://tools.ietf.org/html/rfc7235#section-3.1",
            403 => "https://tools.ietf.org/html/rfc7231#section-6.5.3",
            404 => "https://tools.ietf.org/html/rfc7231#section-6.5.4",
            405 => "https://tools.ietf.org/html/rfc7231#section-6.5.5",
            409 => "https://tools.ietf.org/html/rfc7231#section-6.5.8",
            429 => "https://tools.ietf.org/html/rfc6585#section-4",
            502 => "https://tools.ietf.org/html/rfc7231#section-6.6.3",
            503 => "https://tools.ietf.org/html/rfc7231#section-6.6.4",
            504 => "https://tools.ietf.org/html/rfc7231#section-6.6.5",
            _ => "https://tools.ietf.org/html/rfc7231#section-6.6.1",
        }
    }

    fn render(self, trace: &str) -> Response {
        let errors = J::Obj(
            self.errors
                .iter()
                .map(|(f, msgs)| {
                    (
                        f.clone().into(),
                        J::Arr(msgs.iter().map(|m| J::s(m.clone())).collect()),
                    )
                })
                .collect(),
        );
        let mut data = obj! {"errorCode" => self.code};
        if let Some(s) = self.retry_after {
            data.set("retryAfterSeconds", J::Int(s as i64));
        }
        let body = obj! {
            "type" => self.type_uri(),
            "title" => self.title.clone(),
            "status" => i64::from(self.status.as_u16()),
            "traceId" => trace.to_string(),
            "errors" => errors,
            "data" => data,
        };
        let mut resp = (
            self.status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(JSON))],
            body.to_bytes(),
        )
            .into_response();
        if let Some(s) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        if let Some(w) = self
            .www_authenticate
            .and_then(|w| HeaderValue::from_str(&w).ok())
        {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, w);
        }
        resp
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = self.status.into_response();
        resp.extensions_mut().insert(self);
        resp
    }
}

// =========================================================================== router

type S = Arc<Shared>;
type ApiResult = Result<Response, ApiError>;
type Params = Path<HashMap<String, String>>;

/// The tenant an API request is for, set by the guard.
#[derive(Clone)]
struct Ctx(Arc<Tenant>);

/// Builds the router.
pub(crate) fn router(shared: S) -> Router {
    use Resource as R;
    let jpm = "/jpm/v2/tenant/{tenant}";
    let crm = "/crm/v2/tenant/{tenant}";
    let acc = "/accounting/v2/tenant/{tenant}";
    let set = "/settings/v2/tenant/{tenant}";
    let pb = "/pricebook/v2/tenant/{tenant}";
    let disp = "/dispatch/v2/tenant/{tenant}";
    let rep = "/reporting/v2/tenant/{tenant}";
    let bp = format!("{crm}/booking-provider/{{booking_provider}}/bookings");

    let mut r: Router<S> = Router::new().route(TOKEN_PATH, post(token));
    // Lists and exports: (module root, path, resource, export path).
    let simple: [(&str, &str, Resource, Option<&str>, bool); 16] = [
        (jpm, "jobs", R::Jobs, Some("jobs"), true),
        (
            jpm,
            "appointments",
            R::Appointments,
            Some("appointments"),
            true,
        ),
        (jpm, "job-types", R::JobTypes, None, true),
        (crm, "customers", R::Customers, Some("customers"), true),
        (crm, "locations", R::Locations, Some("locations"), true),
        (crm, "bookings", R::Bookings, Some("bookings"), true),
        (crm, "leads", R::Leads, Some("leads"), true),
        (acc, "invoices", R::Invoices, Some("invoices"), false),
        (acc, "payments", R::Payments, Some("payments"), false),
        (
            set,
            "technicians",
            R::Technicians,
            Some("technicians"),
            true,
        ),
        (set, "employees", R::Employees, Some("employees"), true),
        (
            set,
            "business-units",
            R::BusinessUnits,
            Some("business-units"),
            true,
        ),
        (pb, "services", R::Services, Some("services"), true),
        (pb, "materials", R::Materials, Some("materials"), true),
        (
            disp,
            "appointment-assignments",
            R::AppointmentAssignments,
            Some("appointment-assignments"),
            false,
        ),
        (
            "/telecom/v3/tenant/{tenant}",
            "calls",
            R::Calls,
            None,
            false,
        ),
    ];
    for (root, path, res, export, has_get) in simple {
        let mut list: MethodRouter<S> = get(
            move |Extension(t): Extension<Ctx>, State(s): State<S>, RawQuery(q): RawQuery| async move {
                list_handler(&s, &t.0, res, q.as_deref(), None)
            },
        );
        let mut one: Option<MethodRouter<S>> = has_get.then(|| {
            get(
                move |Extension(t): Extension<Ctx>, Path(p): Params| async move {
                    get_handler(&t.0, res, &p, None)
                },
            )
        });
        match res {
            R::Customers => {
                list = list.post(|Extension(t): Extension<Ctx>, body: Bytes| async move {
                    create(&t.0, |g, d| write::create_customer(g, d, &body))
                });
                one = one.map(|m| {
                    m.patch(
                        |Extension(t): Extension<Ctx>, Path(p): Params, body: Bytes| async move {
                            update(&t.0, R::Customers, &p, |g, d, id| {
                                write::update_customer(g, d, id, &body)
                            })
                        },
                    )
                });
            }
            R::Locations => {
                list = list.post(|Extension(t): Extension<Ctx>, body: Bytes| async move {
                    create(&t.0, |g, d| write::create_location(g, d, &body))
                });
                one = one.map(|m| {
                    m.patch(
                        |Extension(t): Extension<Ctx>, Path(p): Params, body: Bytes| async move {
                            update(&t.0, R::Locations, &p, |g, d, id| {
                                write::update_location(g, d, id, &body)
                            })
                        },
                    )
                });
            }
            R::Jobs => {
                list = list.post(|Extension(t): Extension<Ctx>, body: Bytes| async move {
                    create(&t.0, |g, d| write::create_job(g, d, &body))
                });
                one = one.map(|m| {
                    m.patch(
                        |Extension(t): Extension<Ctx>, Path(p): Params, body: Bytes| async move {
                            update(&t.0, R::Jobs, &p, |g, d, id| {
                                write::update_job(g, d, id, &body)
                            })
                        },
                    )
                });
            }
            _ => {}
        }
        r = r.route(&format!("{root}/{path}"), list);
        if let Some(one) = one {
            r = r.route(&format!("{root}/{path}/{{id}}"), one);
        }
        if let Some(e) = export {
            r = r.route(
                &format!("{root}/export/{e}"),
                get(
                    move |Extension(t): Extension<Ctx>,
                          State(s): State<S>,
                          RawQuery(q): RawQuery| async move {
                        export_handler(&s, &t.0, res, q.as_deref())
                    },
                ),
            );
        }
    }

    // Bookings under their provider.
    r = r
        .route(
            &bp,
            get(
                |Extension(t): Extension<Ctx>,
                 State(s): State<S>,
                 Path(p): Params,
                 RawQuery(q): RawQuery| async move {
                    let provider = provider_param(&p)?;
                    list_handler(&s, &t.0, R::Bookings, q.as_deref(), Some(provider))
                },
            )
            .post(
                |Extension(t): Extension<Ctx>, Path(p): Params, body: Bytes| async move {
                    let provider = provider_param(&p)?;
                    create(&t.0, |g, d| write::create_booking(g, d, provider, &body))
                },
            ),
        )
        .route(
            &format!("{bp}/{{id}}"),
            get(|Extension(t): Extension<Ctx>, Path(p): Params| async move {
                let provider = provider_param(&p)?;
                get_handler(&t.0, R::Bookings, &p, Some(provider))
            })
            .patch(
                |Extension(t): Extension<Ctx>, Path(p): Params, body: Bytes| async move {
                    let provider = provider_param(&p)?;
                    get_handler(&t.0, R::Bookings, &p, Some(provider))?;
                    update(&t.0, R::Bookings, &p, |g, d, id| {
                        write::update_booking(g, d, id, &body)
                    })
                },
            ),
        );

    // Telecom v2.
    let tel2 = "/telecom/v2/tenant/{tenant}";
    r = r
        .route(
            &format!("{tel2}/calls"),
            get(|Extension(t): Extension<Ctx>, State(s): State<S>, RawQuery(q): RawQuery| async move {
                calls_v2_handler(&s, &t.0, q.as_deref())
            }),
        )
        .route(
            &format!("{tel2}/calls/{{id}}"),
            get(|Extension(t): Extension<Ctx>, Path(p): Params| async move {
                let id = id_param(&p)?;
                let pos = t.0.data().find(&t.0.gen, R::Calls, id);
                match pos {
                    Some(pos) => Ok(json(t.0.gen.call_v2(pos, true).to_bytes())),
                    None => Err(ApiError::not_found(format!("Call {id} was not found."))),
                }
            }),
        )
        .route(
            &format!("{tel2}/calls/{{id}}/recording"),
            get(|Extension(t): Extension<Ctx>, Path(p): Params| async move {
                recording_handler(&t.0, &p)
            }),
        );

    // Reporting.
    r = r
        .route(
            &format!("{rep}/report-categories"),
            get(|RawQuery(q): RawQuery| async move {
                let q = Query::parse(q.as_deref());
                let (page, size, total) = page_params(&q)?;
                let items: Vec<J> = reporting::CATEGORIES
                    .iter()
                    .map(|(id, name)| obj! {"id" => *id, "name" => *name})
                    .collect();
                Ok::<_, ApiError>(slice_page(items, page, size, total))
            }),
        )
        .route(
            &format!("{rep}/report-category/{{report_category}}/reports"),
            get(|Path(p): Params, RawQuery(q): RawQuery| async move {
                let cat = p.get("report_category").cloned().unwrap_or_default();
                let q = Query::parse(q.as_deref());
                let (page, size, total) = page_params(&q)?;
                let Some(reports) = reporting::reports(&cat) else {
                    return Err(ApiError::not_found(format!(
                        "There is no report category {cat:?}."
                    )));
                };
                let items = reports
                    .into_iter()
                    .filter_map(|(id, _)| reporting::report_summary(&cat, id))
                    .collect();
                Ok(slice_page(items, page, size, total))
            }),
        )
        .route(
            &format!("{rep}/report-category/{{report_category}}/reports/{{reportId}}"),
            get(|Path(p): Params| async move {
                let (cat, id) = report_params(&p)?;
                reporting::report_description(&cat, id)
                    .map(|d| json(d.to_bytes()))
                    .ok_or_else(|| {
                        ApiError::not_found(format!("There is no report {id} in category {cat:?}."))
                    })
            }),
        )
        .route(
            &format!("{rep}/report-category/{{report_category}}/reports/{{reportId}}/data"),
            post(
                |Extension(t): Extension<Ctx>,
                 State(s): State<S>,
                 Path(p): Params,
                 RawQuery(q): RawQuery,
                 body: Bytes| async move {
                    report_data_handler(&s, &t.0, &p, q.as_deref(), &body, false)
                },
            ),
        )
        .route(
            &format!("{rep}/report-category/{{report_category}}/reports/{{reportId}}/data/query"),
            post(
                |Extension(t): Extension<Ctx>,
                 State(s): State<S>,
                 Path(p): Params,
                 RawQuery(q): RawQuery,
                 body: Bytes| async move {
                    report_data_handler(&s, &t.0, &p, q.as_deref(), &body, true)
                },
            ),
        )
        .route(
            &format!("{rep}/data-queries/{{token}}"),
            get(|Extension(t): Extension<Ctx>, Path(p): Params| async move {
                let token = p.get("token").cloned().unwrap_or_default();
                let mut reports = lock(&t.0.reports);
                let Some(q) = reports.queries.get_mut(&token) else {
                    return Err(ApiError::not_found(format!(
                        "There is no data query {token:?}."
                    )));
                };
                if q.polls_left > 0 {
                    q.polls_left -= 1;
                    return Ok((StatusCode::ACCEPTED, [(header::RETRY_AFTER, "1")]).into_response());
                }
                let q = q.clone();
                drop(reports);
                Ok(json(reporting::data_page(
                    &t.0.gen,
                    &q.run,
                    q.page,
                    q.page_size,
                    q.include_total,
                )))
            })
            .delete(|Extension(t): Extension<Ctx>, Path(p): Params| async move {
                let token = p.get("token").cloned().unwrap_or_default();
                match lock(&t.0.reports).queries.remove(&token) {
                    Some(_) => Ok(StatusCode::NO_CONTENT.into_response()),
                    None => Err(ApiError::not_found(format!(
                        "There is no data query {token:?}."
                    ))),
                }
            }),
        );

    // Every other operation of the specs, from the generated catalog.
    r.fallback(|method: Method, uri: Uri| async move {
        crate::catalog::answer(&method, uri.path(), uri.query())
    })
    .layer(middleware::from_fn_with_state(Arc::clone(&shared), guard))
    .with_state(shared)
}

async fn guard(State(s): State<S>, mut req: Request, next: Next) -> Response {
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
                                .is_some_and(|e| e.code == NO_SUCH_OPERATION);
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

// =========================================================================== token endpoint

async fn token(State(s): State<S>, headers: HeaderMap, body: Bytes) -> Response {
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

// =========================================================================== query parsing

/// Query parameters, looked up case-insensitively like ASP.NET does.
struct Query(Vec<(String, String)>);

impl Query {
    fn parse(raw: Option<&str>) -> Query {
        Query(
            form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, v)| k.eq_ignore_ascii_case(name) && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| {
                k.eq_ignore_ascii_case(name) || k.eq_ignore_ascii_case(&format!("{name}[]"))
            })
            .map(|(_, v)| v.as_str())
    }

    fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        self.get(name)
            .map(|v| {
                v.parse::<i64>().map_err(|_| {
                    ApiError::bad_param(name, format!("The value {v:?} is not a valid integer."))
                })
            })
            .transpose()
    }

    fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        self.get(name)
            .map(|v| match v.to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                _ => Err(ApiError::bad_param(
                    name,
                    format!("The value {v:?} is not true or false."),
                )),
            })
            .transpose()
    }

    fn date(&self, name: &str) -> Result<Option<i64>, ApiError> {
        self.get(name)
            .map(|v| {
                time::parse(v).ok_or_else(|| {
                    ApiError::bad_param(
                        name,
                        format!("The value {v:?} is not a valid date-time (use ISO 8601, e.g. 2024-01-31T00:00:00Z)."),
                    )
                })
            })
            .transpose()
    }
}

fn page_params(q: &Query) -> Result<(u64, u64, bool), ApiError> {
    let page = q.int("page")?.unwrap_or(1);
    if page < 1 {
        return Err(ApiError::bad_param("page", "The page must be 1 or more."));
    }
    let size = q.int("pageSize")?.unwrap_or(50);
    if !(1..=5000).contains(&size) {
        return Err(ApiError::bad_param(
            "pageSize",
            "The pageSize must be between 1 and 5000.",
        ));
    }
    let total = q.bool("includeTotal")?.unwrap_or(false);
    Ok((page as u64, size as u64, total))
}

fn list_query(q: &Query) -> Result<ListQuery, ApiError> {
    let (page, page_size, include_total) = page_params(q)?;
    let mut ids: Vec<i64> = Vec::new();
    let mut any_ids = false;
    for v in q.all("ids") {
        for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            any_ids = true;
            ids.push(
                part.parse().map_err(|_| {
                    ApiError::bad_param("ids", format!("{part:?} is not a valid id."))
                })?,
            );
        }
    }
    if ids.len() > 50 {
        return Err(ApiError::bad_param(
            "ids",
            "At most 50 ids can be looked up at once.",
        ));
    }
    let after = |name: &str| -> Result<Option<i64>, ApiError> { Ok(q.date(name)?.map(|t| t + 1)) };
    let max = |a: Option<i64>, b: Option<i64>| match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let active = match q.get("active").map(str::to_ascii_lowercase).as_deref() {
        None => match q.bool("activeOnly")? {
            Some(false) => Active::Any,
            _ => Active::True,
        },
        Some("true") => Active::True,
        Some("false") => Active::False,
        Some("any") => Active::Any,
        Some(other) => {
            return Err(ApiError::bad_param(
                "active",
                format!("{other:?} is not one of True, False, Any."),
            ))
        }
    };
    let (mut sort, mut desc) = (SortField::Id, false);
    let sort_field = |name: &str, param: &str| -> Result<SortField, ApiError> {
        match name.to_ascii_lowercase().as_str() {
            "id" | "createdon" => Ok(SortField::Id),
            "modifiedon" => Ok(SortField::Modified),
            _ => Err(ApiError::bad_param(
                param,
                format!("Sorting by {name:?} is not supported; use Id, CreatedOn or ModifiedOn."),
            )),
        }
    };
    if let Some(s) = q.get("sort") {
        let (d, name) = match s.as_bytes()[0] {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        sort = sort_field(name.trim(), "sort")?;
        desc = d;
    } else if let Some(o) = q.get("orderBy") {
        sort = sort_field(o, "orderBy")?;
        desc = q.get("orderByDirection").is_some_and(|d| {
            d.eq_ignore_ascii_case("desc") || d.eq_ignore_ascii_case("descending")
        });
    }
    Ok(ListQuery {
        page,
        page_size,
        include_total,
        ids: any_ids.then_some(ids),
        created_ge: max(q.date("createdOnOrAfter")?, after("createdAfter")?),
        created_lt: q.date("createdBefore")?,
        modified_ge: max(q.date("modifiedOnOrAfter")?, after("modifiedAfter")?),
        modified_lt: q.date("modifiedBefore")?,
        active,
        provider: None,
        sort,
        desc,
    })
}

fn id_param(p: &HashMap<String, String>) -> Result<i64, ApiError> {
    let raw = p.get("id").map(String::as_str).unwrap_or_default();
    raw.parse().map_err(|_| {
        ApiError::not_found(format!(
            "{raw:?} is not an id, and the mock serves no operation at this path."
        ))
        .code(NO_SUCH_OPERATION)
    })
}

fn provider_param(p: &HashMap<String, String>) -> Result<i64, ApiError> {
    let raw = p
        .get("booking_provider")
        .map(String::as_str)
        .unwrap_or_default();
    raw.parse().map_err(|_| {
        ApiError::bad_param(
            "booking_provider",
            format!("{raw:?} is not a valid booking provider id."),
        )
    })
}

fn report_params(p: &HashMap<String, String>) -> Result<(String, i64), ApiError> {
    let cat = p.get("report_category").cloned().unwrap_or_default();
    let raw = p.get("reportId").map(String::as_str).unwrap_or_default();
    let id = raw.parse().map_err(|_| {
        ApiError::bad_param("reportId", format!("{raw:?} is not a valid report id."))
    })?;
    Ok((cat, id))
}

// =========================================================================== responses

fn json(bytes: Vec<u8>) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, JSON)], bytes).into_response()
}

fn page_bytes(
    page: u64,
    page_size: u64,
    has_more: bool,
    total: Option<u64>,
    items: impl Iterator<Item = J>,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    let _ = write!(
        out,
        "{{\"page\":{page},\"pageSize\":{page_size},\"hasMore\":{has_more},\"totalCount\":"
    );
    match total {
        Some(t) => {
            let _ = write!(out, "{t}");
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"data\":[");
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        item.write(&mut out);
    }
    out.extend_from_slice(b"]}");
    out
}

fn slice_page(items: Vec<J>, page: u64, size: u64, include_total: bool) -> Response {
    let total = items.len() as u64;
    let start = ((page - 1).saturating_mul(size)).min(total);
    let end = start.saturating_add(size).min(total);
    let has_more = end < total;
    json(page_bytes(
        page,
        size,
        has_more,
        include_total.then_some(total),
        items
            .into_iter()
            .skip(start as usize)
            .take((end - start) as usize),
    ))
}

// =========================================================================== handlers

fn list_handler(
    s: &Shared,
    t: &Tenant,
    r: Resource,
    raw: Option<&str>,
    provider: Option<i64>,
) -> ApiResult {
    let q = Query::parse(raw);
    let mut lq = list_query(&q)?;
    lq.provider = provider;
    if s.cfg.ignore_page {
        // The fault: every page request gets page 1, which still says more follow.
        lq.page = 1;
        let page = t.data().list(&t.gen, r, &lq);
        let items = page.items.into_iter().map(|i| i.render(&t.gen, r, false));
        return Ok(json(page_bytes(1, lq.page_size, true, page.total, items)));
    }
    let page = t.data().list(&t.gen, r, &lq);
    let items = page.items.into_iter().map(|i| i.render(&t.gen, r, false));
    Ok(json(page_bytes(
        lq.page,
        lq.page_size,
        page.has_more,
        page.total,
        items,
    )))
}

fn calls_v2_handler(s: &Shared, t: &Tenant, raw: Option<&str>) -> ApiResult {
    let _ = s;
    let q = Query::parse(raw);
    let mut lq = list_query(&q)?;
    lq.include_total = true;
    let page = t.data().list(&t.gen, Resource::Calls, &lq);
    let items = page.items.into_iter().map(|i| match i {
        crate::store::Item::Generated(pos) => t.gen.call_v2(pos, false),
        stored => stored.render(&t.gen, Resource::Calls, false),
    });
    Ok(json(page_bytes(
        lq.page,
        lq.page_size,
        page.has_more,
        page.total,
        items,
    )))
}

fn get_handler(
    t: &Tenant,
    r: Resource,
    p: &HashMap<String, String>,
    provider: Option<i64>,
) -> ApiResult {
    let id = id_param(p)?;
    let rec = t.data().get_json(&t.gen, r, id);
    let rec = rec.filter(|rec| {
        provider.is_none_or(|p| rec.get("bookingProviderId").and_then(J::as_i64) == Some(p))
    });
    match rec {
        Some(rec) => Ok(json(rec.to_bytes())),
        None => Err(ApiError::not_found(format!(
            "{} {id} was not found.",
            label(r)
        ))),
    }
}

fn label(r: Resource) -> &'static str {
    match r {
        Resource::Jobs => "Job",
        Resource::Appointments => "Appointment",
        Resource::JobTypes => "Job type",
        Resource::Customers => "Customer",
        Resource::Locations => "Location",
        Resource::Bookings => "Booking",
        Resource::Leads => "Lead",
        Resource::Invoices => "Invoice",
        Resource::Payments => "Payment",
        Resource::Technicians => "Technician",
        Resource::Employees => "Employee",
        Resource::BusinessUnits => "Business unit",
        Resource::Services => "Service",
        Resource::Materials => "Material",
        Resource::Calls => "Call",
        Resource::AppointmentAssignments => "Appointment assignment",
    }
}

fn create(t: &Tenant, f: impl FnOnce(&Gen, &mut TenantData) -> Result<J, ApiError>) -> ApiResult {
    let rec = f(&t.gen, &mut t.data())?;
    Ok(json(rec.to_bytes()))
}

fn update(
    t: &Tenant,
    r: Resource,
    p: &HashMap<String, String>,
    f: impl FnOnce(&Gen, &mut TenantData, i64) -> Result<Option<J>, ApiError>,
) -> ApiResult {
    let id = id_param(p)?;
    match f(&t.gen, &mut t.data(), id)? {
        Some(rec) => Ok(json(rec.to_bytes())),
        None => Err(ApiError::not_found(format!(
            "{} {id} was not found.",
            label(r)
        ))),
    }
}

// --------------------------------------------------------------------------- exports

const TOKEN_VERSION: u8 = 1;

/// An opaque continuation token for the export position `(modifiedOn, id)`.
pub(crate) fn encode_token(pos: (i64, i64)) -> String {
    let mut bytes = Vec::with_capacity(18);
    bytes.push(TOKEN_VERSION);
    bytes.extend_from_slice(&pos.0.to_be_bytes());
    bytes.extend_from_slice(&pos.1.to_be_bytes());
    let check = bytes.iter().fold(0x5au8, |a, b| a.rotate_left(1) ^ b);
    bytes.push(check);
    base64url(&bytes)
}

pub(crate) fn decode_token(s: &str) -> Option<(i64, i64)> {
    let bytes = unbase64url(s)?;
    if bytes.len() != 18 || bytes[0] != TOKEN_VERSION {
        return None;
    }
    let check = bytes[..17].iter().fold(0x5au8, |a, b| a.rotate_left(1) ^ b);
    if check != bytes[17] {
        return None;
    }
    let m = i64::from_be_bytes(bytes[1..9].try_into().ok()?);
    let id = i64::from_be_bytes(bytes[9..17].try_into().ok()?);
    Some((m, id))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |a, (i, b)| a | u32::from(*b) << (16 - 8 * i));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn unbase64url(s: &str) -> Option<Vec<u8>> {
    let vals: Option<Vec<u32>> = s
        .bytes()
        .map(|c| B64.iter().position(|b| *b == c).map(|p| p as u32))
        .collect();
    let vals = vals?;
    let mut out = Vec::new();
    for chunk in vals.chunks(4) {
        if chunk.len() < 2 {
            return None;
        }
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |a, (i, v)| a | v << (18 - 6 * i));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

fn export_handler(s: &Shared, t: &Tenant, r: Resource, raw: Option<&str>) -> ApiResult {
    let q = Query::parse(raw);
    q.bool("includeRecentChanges")?;
    let after = match q.get("from") {
        None => (i64::MIN, i64::MIN),
        Some(v) => {
            let looks_like_date =
                v.len() >= 10 && v.as_bytes()[4] == b'-' && v.as_bytes()[7] == b'-';
            if looks_like_date {
                let t = time::parse(v).ok_or_else(|| {
                    ApiError::bad_param(
                        "from",
                        format!("{v:?} is not a valid date-time or continuation token."),
                    )
                })?;
                (t, i64::MIN)
            } else {
                decode_token(v).ok_or_else(|| {
                    ApiError::bad_param(
                        "from",
                        format!(
                            "{v:?} is not a continuation token from this export (nor a date-time)."
                        ),
                    )
                })?
            }
        }
    };
    let page = t.data().export(&t.gen, r, after, s.cfg.export_page_size);
    let mut out = Vec::with_capacity(4096);
    let _ = write!(out, "{{\"hasMore\":{},\"continueFrom\":", page.has_more);
    write_str(&encode_token(page.last), &mut out);
    out.extend_from_slice(b",\"data\":[");
    for (i, item) in page.items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        item.render(&t.gen, r, true).write(&mut out);
    }
    out.extend_from_slice(b"]}");
    Ok(json(out))
}

// --------------------------------------------------------------------------- recordings

/// A silent MPEG-1 Layer III stream (128 kbit/s, 44.1 kHz): frame headers and empty frames.
const FRAME_LEN: usize = 417;
const FRAME_HEADER: [u8; 4] = [0xFF, 0xFB, 0x90, 0x64];
const CHUNK: usize = 16 * 1024;

fn recording_len(id: i64) -> usize {
    FRAME_LEN * (600 + (id.rem_euclid(240)) as usize)
}

fn recording_chunk(offset: usize, len: usize) -> Bytes {
    let mut buf = vec![0u8; len];
    for (i, b) in buf.iter_mut().enumerate() {
        let in_frame = (offset + i) % FRAME_LEN;
        if in_frame < 4 {
            *b = FRAME_HEADER[in_frame];
        }
    }
    Bytes::from(buf)
}

fn recording_handler(t: &Tenant, p: &HashMap<String, String>) -> ApiResult {
    let id = id_param(p)?;
    if t.data().find(&t.gen, Resource::Calls, id).is_none() {
        return Err(ApiError::not_found(format!("Call {id} was not found.")));
    }
    let total = recording_len(id);
    let stream = futures_util::stream::unfold(0usize, move |offset| async move {
        if offset >= total {
            return None;
        }
        let len = CHUNK.min(total - offset);
        tokio::task::yield_now().await;
        Some((
            Ok::<_, Infallible>(recording_chunk(offset, len)),
            offset + len,
        ))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(header::CONTENT_LENGTH, total)
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"call-{id}.mp3\""),
        )
        .body(Body::from_stream(stream))
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal", e.to_string()))
}

// --------------------------------------------------------------------------- reporting

fn report_data_handler(
    s: &Shared,
    t: &Tenant,
    p: &HashMap<String, String>,
    raw: Option<&str>,
    body: &[u8],
    query: bool,
) -> ApiResult {
    let (cat, id) = report_params(p)?;
    let q = Query::parse(raw);
    let (page, page_size, include_total) = page_params(&q)?;
    let run = reporting::parse_run(&cat, id, body)?;
    let counts_as_run = query || page == 1;
    if counts_as_run {
        lock(&t.reports)
            .try_run(&cat, id, s.cfg.report_runs_per_minute)
            .map_err(|wait| {
                ApiError::too_many(
                    wait,
                    format!(
                        "Report {id} can run {} time(s) per minute per tenant; retry after {wait} s.",
                        s.cfg.report_runs_per_minute
                    ),
                )
            })?;
    }
    if !query || s.cfg.data_query_polls == 0 {
        return Ok(json(reporting::data_page(
            &t.gen,
            &run,
            page,
            page_size,
            include_total,
        )));
    }
    let n = s.seq.fetch_add(1, Relaxed);
    let token = format!("dq-{:016x}", mix(s.nonce ^ n));
    lock(&t.reports).queries.insert(
        token.clone(),
        reporting::Query {
            run,
            page,
            page_size,
            include_total,
            polls_left: s.cfg.data_query_polls,
        },
    );
    Ok((
        StatusCode::ACCEPTED,
        [(header::CONTENT_TYPE, JSON)],
        obj! {"token" => token}.to_bytes(),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        for pos in [
            (i64::MIN, i64::MIN),
            (0, 0),
            (1234567890123, 10000042),
            (-5, i64::MAX),
        ] {
            let t = encode_token(pos);
            assert_eq!(decode_token(&t), Some(pos), "{t}");
        }
        assert_eq!(decode_token("garbage"), None);
        let mut t = encode_token((1, 2)).into_bytes();
        t[3] = if t[3] == b'A' { b'B' } else { b'A' };
        assert_eq!(decode_token(std::str::from_utf8(&t).unwrap()), None);
    }

    #[test]
    fn recording_is_mpeg_frames() {
        let c = recording_chunk(0, 2 * FRAME_LEN);
        assert_eq!(&c[..4], &FRAME_HEADER);
        assert_eq!(&c[FRAME_LEN..FRAME_LEN + 4], &FRAME_HEADER);
        assert!(recording_len(7) > 200_000 && recording_len(7) < 400_000);
    }
}
