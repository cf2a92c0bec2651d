//! A mock ServiceTitan tenant: a real HTTP server on loopback that speaks the ServiceTitan REST
//! API closely enough to build and test an integration on day one, without sandbox access
//! (in the spirit of stripe-mock).
//!
//! ```no_run
//! # async fn demo() {
//! use servicetitan_mock::{MockTenant, Resource};
//!
//! let mock = MockTenant::builder()
//!     .count(Resource::Jobs, 10_000)
//!     .rate_limit(0)
//!     .start()
//!     .await;
//! println!("API base {}  token URL {}", mock.base_url(), mock.auth_url());
//! println!("client {} / {}  app key {}", mock.client_id(), mock.client_secret(), mock.app_key());
//! // GET {base_url}/jpm/v2/tenant/1000001/jobs?page=1&pageSize=500 ...
//! # }
//! ```
//!
//! From synchronous code (or to keep the server off a busy runtime), use
//! [`MockTenantBuilder::start_on_thread`]. The binary `servicetitan-mock --port 8080
//! [--jobs N ...]` runs the same server and prints its URLs and credentials.
//!
//! # What it serves
//!
//! Paths are the real API's under [`MockTenant::base_url`] (e.g.
//! `/jpm/v2/tenant/{tenant}/jobs`), shapes follow the project's `specs/*.yaml` (a test checks
//! every response against them).
//!
//! * `POST /connect/token` — the client-credentials grant (form `grant_type`, `client_id`,
//!   `client_secret`, or HTTP Basic); a wrong client answers 400 `{"error":"invalid_client"}`,
//!   a good one `{access_token, token_type: "Bearer", expires_in}`.
//! * Every API request needs `Authorization: Bearer <token>` (401 when missing, unknown or
//!   expired), `ST-App-Key` (401 when missing, 403 when wrong), a known tenant in the path
//!   (404 otherwise; 403 when the client is not connected to it) and stays under the rate
//!   limit (429 with `Retry-After`). Errors are ProblemDetails (`type`, `title`, `status`,
//!   `traceId`, `errors`, `data` with an `errorCode`); every response carries its trace id
//!   in the `x-trace-id` header.
//! * Lists with `page`, `pageSize` (default 50, 1..=5000, else 400), `includeTotal`
//!   (`totalCount` is null without it), `ids` (comma-separated, at most 50),
//!   `createdOnOrAfter`/`createdBefore`, `modifiedOnOrAfter`/`modifiedBefore`, `active`
//!   (`True` by default, `False`, `Any`) and `sort` (`+Id`, `-Id`, `±CreatedOn`,
//!   `±ModifiedOn`; `orderBy`/`orderByDirection` too) for every [`Resource`]; other filters
//!   are accepted and ignored. Query names are case-insensitive.
//! * Get by id for jobs, appointments, job types, customers, locations, bookings, leads,
//!   technicians, employees, business units, services, materials and calls (v2). The
//!   accounting spec has no get-invoice operation, so invoices are fetched with `?ids=`.
//! * Exports (`/export/...`) for every resource but job types and calls: `from` is a
//!   date-time (start at that `modifiedOn`) or a `continueFrom` token; pages hold
//!   [`MockTenantBuilder::export_page_size`] records in `(modifiedOn, id)` order, so a record
//!   changed later shows up again at the end, as in the real API. `includeRecentChanges` is
//!   accepted; changes are always visible at once. Export items carry `active`.
//! * Create/update kept in memory: customers (with their new locations), locations, jobs
//!   (with their appointments), bookings under `/crm/v2/tenant/{tenant}/booking-provider/
//!   {booking_provider}/bookings`; create of leads (`POST /crm/v2/tenant/{tenant}/leads`,
//!   status `Open`) and payments (`POST /accounting/v2/tenant/{tenant}/payments`). Requests
//!   are validated (400 with a field → messages map, ids of referenced records must exist);
//!   the answer is the stored record, with a fresh `modifiedOn`, and lists, gets and exports
//!   return it from then on. A payment answers the spec's `Payment` (`splits`) and is listed
//!   in the payments list's shape (`total` is `amount`, or the splits' sum; `appliedTo` holds
//!   the splits); amounts keep the digits they were sent with (`150.50` stays `150.50`,
//!   exponents are refused), payment types are 1 (Credit Card), 2 (Check), 3 (Cash) and
//!   4 (ACH). Invoices' balances do not change.
//! * `GET /telecom/v2/tenant/{tenant}/calls/{id}/recording` streams a few hundred KB of
//!   (silent) MPEG audio as `application/octet-stream`.
//! * Reporting: categories, reports, report descriptions, `POST .../data` (a run is a request
//!   for page 1; each report allows [`MockTenantBuilder::report_runs_per_minute`] runs per
//!   minute per tenant, 429 with `Retry-After` beyond; later pages are free) and the data
//!   query flow (`POST .../data/query` → 202 `{token}`; `GET /data-queries/{token}` → 202,
//!   then 200 with the rows; `DELETE` cancels).
//! * Every other operation of the specs (all 570), from a catalog that `cargo xtask codegen`
//!   generates from `specs/`: a sample answer built from the operation's response schema.
//!   Catalog records have ids 1 to 3 (any other integer id answers 404); lists page through
//!   them, exports hand them out in one batch, writes answer with the sample. Counted per
//!   module by [`MockTenant::catalog_operations`].
//!
//! # Data
//!
//! Records are computed from (seed, tenant, kind, index), so the same index always gives the
//! same record and a tenant of a million jobs costs no memory; only created and changed
//! records are kept. Ids of a kind are consecutive from [`Resource::first_id`]; `createdOn`
//! and `modifiedOn` grow with the index across 2023-2025 (UTC, seven fractional digits);
//! money is printed with two decimals (`1234.10`). References agree (a job's customer owns
//! its location; an invoice names its job's customer). With
//! [`quirks`](MockTenantBuilder::quirks) some records carry unknown enum values or nulls in
//! required fields.
//!
//! # Rate limit
//!
//! A token bucket per tenant: it holds `rate` requests and refills at `rate` per second, so
//! a client pacing itself at `rate` requests per second never sees a 429, and a burst of up
//! to `rate` passes. A 429 says `Retry-After: <seconds>` (whole seconds, at least 1) and is
//! counted in [`MockTenant::rate_limited_count`].
//!
//! # Faults
//!
//! [`error_rate`](MockTenantBuilder::error_rate) fails that fraction of API requests with
//! 500/502/503/504 *before* they take effect (a failed create created nothing); the sequence
//! is fixed by [`fault_seed`](MockTenantBuilder::fault_seed) and the request order.
//! [`latency`](MockTenantBuilder::latency) delays every API response;
//! [`token_lifetime`](MockTenantBuilder::token_lifetime) shortens tokens.
//!
//! # Webhooks
//!
//! With [`webhook_url`](MockTenantBuilder::webhook_url), each successful create or update of
//! a job, customer, location, booking, invoice, payment or membership POSTs an event
//! (`{"eventId", "eventType": "Job.Updated", "tenantId", "occurredOn", "entityId", "data"}`,
//! the record as answered in `data`) to that URL, signed with
//! [`webhook_hmac_key`](MockTenantBuilder::webhook_hmac_key) if set (HMAC-SHA256, hex, in
//! `X-ServiceTitan-Signature`). A delivery that gets no 2xx is retried after 10, 30, 60 and
//! 300 s ([`webhook_retry_schedule`](MockTenantBuilder::webhook_retry_schedule) shortens
//! that for tests), then given up; [`MockTenant::webhook_stats`] counts them.

#![warn(missing_docs)]

mod base64;
mod catalog;
mod data;
mod handlers;
mod json;
mod params;
mod problem;
mod reply;
mod reporting;
mod resource;
mod routes;
mod server;
mod store;
mod time;
mod webhooks;
mod write;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use resource::{Resource, UnknownResource};
pub use webhooks::WebhookStats;

use server::Shared;

/// The tenant id a mock serves unless told otherwise.
pub const DEFAULT_TENANT: i64 = 1_000_001;
/// The client id a mock accepts unless told otherwise.
pub const DEFAULT_CLIENT_ID: &str = "mock-client-id";
/// The client secret a mock accepts unless told otherwise.
pub const DEFAULT_CLIENT_SECRET: &str = "mock-client-secret";
/// The app key a mock accepts unless told otherwise.
pub const DEFAULT_APP_KEY: &str = "mock-app-key";

/// An OAuth client the token endpoint knows.
#[derive(Clone, Debug)]
pub(crate) struct Client {
    pub(crate) id: String,
    pub(crate) secret: String,
    /// The tenants it may call; `None` is every tenant no other client has for its own.
    pub(crate) tenants: Option<Vec<i64>>,
}

/// The settings of a mock.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub(crate) tenants: Vec<i64>,
    pub(crate) clients: Vec<Client>,
    pub(crate) app_key: String,
    pub(crate) counts: [u64; 16],
    pub(crate) rate_limit: u32,
    pub(crate) token_lifetime: Duration,
    pub(crate) error_rate: f64,
    pub(crate) fault_seed: u64,
    pub(crate) latency: Duration,
    pub(crate) quirks: bool,
    pub(crate) ignore_page: bool,
    pub(crate) export_page_size: usize,
    pub(crate) report_runs_per_minute: u32,
    pub(crate) data_query_polls: u32,
    pub(crate) seed: u64,
    pub(crate) port: u16,
    pub(crate) webhooks: webhooks::Settings,
}

impl Config {
    /// Whether client `client` may call tenant `tenant`.
    pub(crate) fn client_allows(&self, client: usize, tenant: i64) -> bool {
        match &self.clients[client].tenants {
            Some(t) => t.contains(&tenant),
            None => !self
                .clients
                .iter()
                .any(|c| c.tenants.as_ref().is_some_and(|t| t.contains(&tenant))),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        let mut counts = [0; 16];
        for r in Resource::ALL {
            counts[r.index()] = r.default_count();
        }
        Config {
            tenants: vec![DEFAULT_TENANT],
            clients: vec![Client {
                id: DEFAULT_CLIENT_ID.into(),
                secret: DEFAULT_CLIENT_SECRET.into(),
                tenants: None,
            }],
            app_key: DEFAULT_APP_KEY.into(),
            counts,
            rate_limit: 60,
            token_lifetime: Duration::from_secs(900),
            error_rate: 0.0,
            fault_seed: 0,
            latency: Duration::ZERO,
            quirks: false,
            ignore_page: false,
            export_page_size: 5000,
            report_runs_per_minute: 1,
            data_query_polls: 1,
            seed: 0,
            port: 0,
            webhooks: webhooks::Settings::default(),
        }
    }
}

/// The most records of one kind a tenant can have (generated plus created).
pub const MAX_RECORDS: u64 = 5_000_000;

/// Sets up a [`MockTenant`]; get one from [`MockTenant::builder`].
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct MockTenantBuilder {
    cfg: Config,
    tenants_set: bool,
    explicit: [bool; 16],
}

impl MockTenantBuilder {
    /// Adds a tenant the mock serves. The first call drops the default tenant
    /// ([`DEFAULT_TENANT`]); each tenant has its own data (same counts, different records).
    pub fn tenant(mut self, id: i64) -> Self {
        if !self.tenants_set {
            self.cfg.tenants.retain(|t| *t != DEFAULT_TENANT);
            self.tenants_set = true;
        }
        if !self.cfg.tenants.contains(&id) {
            self.cfg.tenants.push(id);
        }
        self
    }

    /// Adds several tenants, like calling [`tenant`](Self::tenant) for each.
    pub fn tenants(mut self, ids: impl IntoIterator<Item = i64>) -> Self {
        for id in ids {
            self = self.tenant(id);
        }
        self
    }

    /// Adds a tenant reachable only with its own client credentials (as when an agency's
    /// app is connected to each customer's tenant separately); the other tenants stay. The
    /// default client is not connected to it (its calls there answer 403).
    pub fn tenant_with_credentials(
        mut self,
        id: i64,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        if !self.cfg.tenants.contains(&id) {
            self.cfg.tenants.push(id);
        }
        self.cfg.clients.push(Client {
            id: client_id.into(),
            secret: client_secret.into(),
            tenants: Some(vec![id]),
        });
        self
    }

    /// Sets the client id and secret the token endpoint accepts
    /// (default [`DEFAULT_CLIENT_ID`] / [`DEFAULT_CLIENT_SECRET`]).
    pub fn credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.cfg.clients[0].id = client_id.into();
        self.cfg.clients[0].secret = client_secret.into();
        self
    }

    /// Sets the client id the token endpoint accepts.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.cfg.clients[0].id = client_id.into();
        self
    }

    /// Sets the client secret the token endpoint accepts.
    pub fn client_secret(mut self, client_secret: impl Into<String>) -> Self {
        self.cfg.clients[0].secret = client_secret.into();
        self
    }

    /// Sets the app key every API request must send in `ST-App-Key` (default
    /// [`DEFAULT_APP_KEY`]).
    pub fn app_key(mut self, app_key: impl Into<String>) -> Self {
        self.cfg.app_key = app_key.into();
        self
    }

    /// Sets how many records of a kind each tenant has (up to 1,000,000 is comfortable;
    /// capped at [`MAX_RECORDS`]).
    ///
    /// Kinds that hang off another follow it unless set themselves: appointments are 1.2 ×
    /// jobs, appointment assignments = appointments, invoices = jobs, payments = 0.8 ×
    /// invoices, calls = jobs, locations = 1.2 × customers. With no counts set, see
    /// [`Resource::default_count`].
    pub fn count(mut self, resource: Resource, n: u64) -> Self {
        self.cfg.counts[resource.index()] = n.min(MAX_RECORDS);
        self.explicit[resource.index()] = true;
        self
    }

    /// Sets every kind's record count to `n`.
    pub fn count_all(mut self, n: u64) -> Self {
        for r in Resource::ALL {
            self = self.count(r, n);
        }
        self
    }

    /// Fills the counts not set explicitly from the ones they hang off.
    fn derive_counts(&mut self) {
        use Resource as R;
        let rules: [(R, R, u64, u64); 6] = [
            (R::Appointments, R::Jobs, 6, 5),
            (R::AppointmentAssignments, R::Appointments, 1, 1),
            (R::Invoices, R::Jobs, 1, 1),
            (R::Payments, R::Invoices, 4, 5),
            (R::Calls, R::Jobs, 1, 1),
            (R::Locations, R::Customers, 6, 5),
        ];
        for (child, parent, num, den) in rules {
            if !self.explicit[child.index()] {
                let n = self.cfg.counts[parent.index()] * num / den;
                self.cfg.counts[child.index()] = n.min(MAX_RECORDS);
            }
        }
    }

    /// Shorthand for `count(Resource::Jobs, n)`.
    pub fn jobs(self, n: u64) -> Self {
        self.count(Resource::Jobs, n)
    }

    /// Shorthand for `count(Resource::Customers, n)`.
    pub fn customers(self, n: u64) -> Self {
        self.count(Resource::Customers, n)
    }

    /// Shorthand for `count(Resource::Locations, n)`.
    pub fn locations(self, n: u64) -> Self {
        self.count(Resource::Locations, n)
    }

    /// Shorthand for `count(Resource::Invoices, n)`.
    pub fn invoices(self, n: u64) -> Self {
        self.count(Resource::Invoices, n)
    }

    /// Shorthand for `count(Resource::Appointments, n)`.
    pub fn appointments(self, n: u64) -> Self {
        self.count(Resource::Appointments, n)
    }

    /// Sets the rate limit in requests per second per tenant (default 60; 0 turns it off).
    /// See the crate docs for how it is measured.
    pub fn rate_limit(mut self, per_second: u32) -> Self {
        self.cfg.rate_limit = per_second;
        self
    }

    /// Sets how long issued tokens stay valid (default 900 s); `expires_in` reports it,
    /// rounded up to whole seconds.
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.cfg.token_lifetime = lifetime;
        self
    }

    /// A fault seen in the wild: lists ignore `page`, answering every request with the first
    /// page and `hasMore: true`, so a client that trusts `hasMore` never stops.
    pub fn ignore_page(mut self, on: bool) -> Self {
        self.cfg.ignore_page = on;
        self
    }

    /// Makes a fraction (0.0..=1.0) of API requests fail with 500, 502, 503 or 504 before
    /// they have any effect. Which requests fail follows [`fault_seed`](Self::fault_seed)
    /// and the order of requests, so a sequential client sees the same failures each run.
    pub fn error_rate(mut self, fraction: f64) -> Self {
        self.cfg.error_rate = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        self
    }

    /// Sets the seed of the fault sequence (default 0).
    pub fn fault_seed(mut self, seed: u64) -> Self {
        self.cfg.fault_seed = seed;
        self
    }

    /// Adds a delay before every API response (default none).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.cfg.latency = latency;
        self
    }

    /// Turns on quirky data (default off): about one record in 25 of some kinds carries an
    /// enum value the specs do not list (e.g. appointment status `Rescheduled`, invoice
    /// `sentStatus` `Bounced`, customer type `Government`) or a null in a field the specs
    /// mark required (e.g. a job's `customerPo`, an invoice's `reviewStatus`, a customer's
    /// `address.zip`), to exercise lenient clients.
    pub fn quirks(mut self, on: bool) -> Self {
        self.cfg.quirks = on;
        self
    }

    /// Sets how many records an export page holds (default 5000).
    pub fn export_page_size(mut self, n: usize) -> Self {
        self.cfg.export_page_size = n.max(1);
        self
    }

    /// Sets how many report runs (report data requests for page 1, and data queries) each
    /// report allows per minute per tenant (default 1; 0 turns the limit off). Later pages
    /// of a run are not limited.
    pub fn report_runs_per_minute(mut self, runs: u32) -> Self {
        self.cfg.report_runs_per_minute = runs;
        self
    }

    /// Sets how many polls of a data query answer 202 before the result (default 1:
    /// start → 202 token, poll → 202, poll → 200). With 0 the query answers 200 at once.
    pub fn data_query_polls(mut self, polls: u32) -> Self {
        self.cfg.data_query_polls = polls;
        self
    }

    /// Sets the data seed (default 0): another seed gives other names, amounts and dates.
    pub fn seed(mut self, seed: u64) -> Self {
        self.cfg.seed = seed;
        self
    }

    /// Sets the port to listen on at 127.0.0.1 (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.cfg.port = port;
        self
    }

    /// Starts the server on the current Tokio runtime.
    ///
    /// # Panics
    /// When the port cannot be bound; use [`try_start`](Self::try_start) to handle that.
    pub async fn start(self) -> MockTenant {
        match self.try_start().await {
            Ok(m) => m,
            Err(e) => panic!("servicetitan-mock: cannot start the server: {e}"),
        }
    }

    /// Starts the server on the current Tokio runtime, or says why it could not.
    ///
    /// The server runs as a task of that runtime: in a current-thread runtime (such as
    /// `#[tokio::test]`'s) it only makes progress while the caller awaits, so do not block
    /// that thread; [`start_on_thread`](Self::start_on_thread) has no such limit.
    pub async fn try_start(self) -> std::io::Result<MockTenant> {
        let (mock, serve) = self.bind().await?;
        let task = tokio::spawn(serve);
        Ok(mock.with_runner(Runner::Task(task)))
    }

    /// Starts the server on a thread of its own (with its own Tokio runtime), so it can be
    /// used from synchronous code or next to a busy runtime, e.g. by a CLI's `--mock` mode
    /// or a benchmark. Dropping the [`MockTenant`] stops it.
    pub fn start_on_thread(self) -> std::io::Result<MockTenant> {
        let (tx, rx) = std::sync::mpsc::channel::<std::io::Result<MockTenant>>();
        let thread = std::thread::Builder::new()
            .name("servicetitan-mock".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                };
                rt.block_on(async move {
                    match self.bind().await {
                        Ok((mock, serve)) => {
                            let _ = tx.send(Ok(mock));
                            serve.await;
                        }
                        Err(e) => {
                            let _ = tx.send(Err(e));
                        }
                    }
                });
            })?;
        let mock = rx.recv().map_err(|_| {
            std::io::Error::other("the mock's thread ended before the server started")
        })??;
        Ok(mock.with_runner(Runner::Thread(thread)))
    }

    /// Binds the port and builds the server; the future serves until shutdown.
    async fn bind(
        mut self,
    ) -> std::io::Result<(
        MockTenant,
        impl std::future::Future<Output = ()> + Send + 'static,
    )> {
        self.derive_counts();
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, self.cfg.port)).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let shared = Arc::new(Shared::new(self.cfg, &base_url));
        let app = webhooks::wrap(routes::router(Arc::clone(&shared)), &shared.cfg.webhooks)?;
        let (tx, rx) = oneshot::channel::<()>();
        let serve = async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        };
        let mock = MockTenant {
            auth_url: format!("{base_url}{}", server::TOKEN_PATH),
            base_url,
            addr,
            shared,
            shutdown: Some(tx),
            runner: None,
        };
        Ok((mock, serve))
    }
}

/// Waits (at most 5 s) for a server task to finish, then aborts it.
async fn stop_task(mut task: JoinHandle<()>) {
    let finished = tokio::time::timeout(Duration::from_secs(5), &mut task).await;
    if finished.is_err() {
        task.abort();
    }
}

/// What runs the server.
#[derive(Debug)]
enum Runner {
    Task(JoinHandle<()>),
    Thread(std::thread::JoinHandle<()>),
}

/// Counters of what a mock has done, for tests and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MockStats {
    /// Requests received (token endpoint and API, whatever their answer).
    pub requests: u64,
    /// 429 answers sent (rate limit and report runs).
    pub rate_limited: u64,
    /// Access tokens issued.
    pub tokens_issued: u64,
    /// Injected faults.
    pub faults_injected: u64,
}

/// A running mock ServiceTitan tenant server on 127.0.0.1. It stops when dropped (or with
/// [`shutdown`](Self::shutdown)).
#[derive(Debug)]
pub struct MockTenant {
    base_url: String,
    auth_url: String,
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    runner: Option<Runner>,
}

impl MockTenant {
    /// Starts a mock with the defaults: tenant [`DEFAULT_TENANT`], the default credentials,
    /// 60 requests per second, 900-second tokens, the default record counts.
    ///
    /// # Panics
    /// When no loopback port can be bound.
    pub async fn start() -> MockTenant {
        MockTenant::builder().start().await
    }

    /// A builder for a mock with other settings.
    pub fn builder() -> MockTenantBuilder {
        MockTenantBuilder::default()
    }

    /// The API base URL (`http://127.0.0.1:PORT`); module paths go under it, e.g.
    /// `{base_url}/jpm/v2/tenant/{tenant}/jobs`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The token endpoint URL (`http://127.0.0.1:PORT/connect/token`).
    pub fn auth_url(&self) -> &str {
        &self.auth_url
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many operations of `module` (`jpm`, `crm`, ...) the mock answers: the hand-written
    /// handlers plus the catalog generated from the specs cover every operation of the specs.
    pub fn catalog_operations(&self, module: &str) -> usize {
        catalog::operations_of(module)
    }

    /// The (first) tenant id the mock serves.
    pub fn tenant_id(&self) -> i64 {
        self.shared
            .cfg
            .tenants
            .first()
            .copied()
            .unwrap_or(DEFAULT_TENANT)
    }

    /// Every tenant id the mock serves.
    pub fn tenant_ids(&self) -> &[i64] {
        &self.shared.cfg.tenants
    }

    /// The client id the token endpoint accepts.
    pub fn client_id(&self) -> &str {
        &self.shared.cfg.clients[0].id
    }

    /// The client secret the token endpoint accepts.
    pub fn client_secret(&self) -> &str {
        &self.shared.cfg.clients[0].secret
    }

    /// The app key API requests must send in `ST-App-Key`.
    pub fn app_key(&self) -> &str {
        &self.shared.cfg.app_key
    }

    /// How many records of a kind each tenant started with.
    pub fn count(&self, resource: Resource) -> u64 {
        self.shared.cfg.counts[resource.index()]
    }

    /// The rate limit in requests per second per tenant (0: none).
    pub fn rate_limit(&self) -> u32 {
        self.shared.cfg.rate_limit
    }

    /// The id of the generated record of kind `resource` at `index` (0-based).
    pub fn record_id(&self, resource: Resource, index: u64) -> i64 {
        resource.first_id() + index as i64
    }

    /// Issues an access token without an HTTP round trip (counted like any other).
    pub fn issue_token(&self) -> String {
        self.shared.issue_token(0)
    }

    /// Makes every token issued so far invalid (their next use answers 401), as if they
    /// had expired.
    pub fn revoke_tokens(&self) {
        self.shared.revoke_tokens();
    }

    /// Requests received so far (token endpoint and API).
    pub fn requests_served(&self) -> u64 {
        self.shared.stats.requests.load(Relaxed)
    }

    /// 429 answers sent so far.
    pub fn rate_limited_count(&self) -> u64 {
        self.shared.stats.rate_limited.load(Relaxed)
    }

    /// Access tokens issued so far.
    pub fn tokens_issued(&self) -> u64 {
        self.shared.stats.tokens_issued.load(Relaxed)
    }

    /// Faults injected so far.
    pub fn faults_injected(&self) -> u64 {
        self.shared.stats.faults.load(Relaxed)
    }

    /// All counters at once.
    pub fn stats(&self) -> MockStats {
        MockStats {
            requests: self.requests_served(),
            rate_limited: self.rate_limited_count(),
            tokens_issued: self.tokens_issued(),
            faults_injected: self.faults_injected(),
        }
    }

    /// The `ST_*` environment variables that point a client at this mock (`ST_CLIENT_ID`,
    /// `ST_CLIENT_SECRET`, `ST_APP_KEY`, `ST_TENANT_ID`, `ST_API_BASE_URL`, `ST_AUTH_URL`).
    pub fn env_vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("ST_CLIENT_ID", self.client_id().to_string()),
            ("ST_CLIENT_SECRET", self.client_secret().to_string()),
            ("ST_APP_KEY", self.app_key().to_string()),
            ("ST_TENANT_ID", self.tenant_id().to_string()),
            ("ST_API_BASE_URL", self.base_url().to_string()),
            ("ST_AUTH_URL", self.auth_url().to_string()),
        ]
    }

    fn with_runner(mut self, runner: Runner) -> MockTenant {
        self.runner = Some(runner);
        self
    }

    /// Stops the server and waits (at most 5 s) for it to finish.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.runner.take() {
            Some(Runner::Task(task)) => stop_task(task).await,
            Some(Runner::Thread(thread)) => {
                for _ in 0..100 {
                    if thread.is_finished() {
                        let _ = thread.join();
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
            None => {}
        }
    }
}

impl Drop for MockTenant {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
