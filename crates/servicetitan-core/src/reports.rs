//! Reporting helpers: the per-report rate limit and the long-running data query poller.
//!
//! The reporting module's builders are generated, so these helpers take closures:
//!
//! ```ignore
//! use servicetitan_core::reports::{run_query, PollOptions, QueryState};
//! runtime.wait_for_report_slot(report_id).await;           // one run per report per minute
//! let data = run_query(
//!     PollOptions::default(),
//!     async { start(&client).await },                        // -> Result<QueryState<Data, Token>, Error>
//!     |token| poll(&client, token),                          // the same, for a token
//!     |token| async move { let _ = cancel(&client2, token).await; },
//! ).await?;
//! ```

use std::future::Future;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::PagingError;
use crate::{Error, Runtime};

/// Rows per page when a report is run whole ([`Runtime::run_report`]): the reporting API's
/// largest page.
pub const REPORT_PAGE_SIZE: i32 = 5000;

/// One page of a report's data, as the reporting API returns it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportPage {
    /// The columns' names, in row order.
    pub fields: Vec<String>,
    /// The rows: one value per field.
    pub rows: Vec<Vec<serde_json::Value>>,
    /// Whether another page follows.
    pub has_more: bool,
}

/// A whole report: its columns and every row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportRows {
    /// The columns' names, in row order.
    pub fields: Vec<String>,
    /// The rows: one value per field.
    pub rows: Vec<Vec<serde_json::Value>>,
}

impl ReportRows {
    /// The rows as JSON objects keyed by column name.
    pub fn objects(&self) -> impl Iterator<Item = serde_json::Map<String, serde_json::Value>> + '_ {
        self.rows.iter().map(|row| {
            self.fields
                .iter()
                .cloned()
                .zip(row.iter().cloned())
                .collect()
        })
    }
}

impl Runtime {
    /// Runs a report whole: waits for the report's slot (one run per report per tenant per
    /// minute; the runtime owns the limiter's key), then asks `fetch_page` for pages 1, 2, …
    /// of [`REPORT_PAGE_SIZE`] rows until one says no more follow. The facade's
    /// `ServiceTitan::run_report` passes the generated Reporting client's call.
    ///
    /// # Errors
    /// The first error of `fetch_page`; [`PagingError::EmptyPageWithMore`] when a page has no
    /// rows but says more follow (instead of asking forever).
    pub async fn run_report<F, Fut>(
        &self,
        report_id: &str,
        mut fetch_page: F,
    ) -> Result<ReportRows, Error>
    where
        F: FnMut(i32, i32) -> Fut,
        Fut: Future<Output = Result<ReportPage, Error>>,
    {
        self.wait_for_report_slot(report_id).await;
        let mut all = ReportRows::default();
        let mut page = 1;
        loop {
            let fetched = fetch_page(page, REPORT_PAGE_SIZE).await?;
            if all.fields.is_empty() {
                all.fields = fetched.fields;
            }
            if fetched.has_more && fetched.rows.is_empty() {
                return Err(Error::Paging(PagingError::EmptyPageWithMore { page }));
            }
            all.rows.extend(fetched.rows);
            if !fetched.has_more {
                return Ok(all);
            }
            page += 1;
        }
    }
}

/// Allows one run of the same report per tenant per period (ServiceTitan: one per minute),
/// by waiting. Keyed by tenant and report id; shared by a runtime's tenants
/// ([`crate::Runtime::report_limiter`]).
pub struct ReportLimiter {
    limiter: DefaultKeyedRateLimiter<(String, String)>,
    period: Duration,
}

impl std::fmt::Debug for ReportLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportLimiter")
            .field("period", &self.period)
            .finish_non_exhaustive()
    }
}

impl Default for ReportLimiter {
    fn default() -> Self {
        ReportLimiter::new()
    }
}

impl ReportLimiter {
    /// One run per report per tenant per minute.
    pub fn new() -> Self {
        ReportLimiter::with_period(Duration::from_secs(60))
    }

    /// One run per report per tenant per `period` (shorter periods are for tests).
    pub fn with_period(period: Duration) -> Self {
        let period = period.max(Duration::from_nanos(1));
        let quota = Quota::with_period(period)
            .expect("a non-zero period")
            .allow_burst(NonZeroU32::MIN);
        ReportLimiter {
            limiter: RateLimiter::keyed(quota),
            period,
        }
    }

    /// Waits until `report_id` may run for `tenant`, and takes the slot.
    pub async fn until_ready(&self, tenant: &str, report_id: &str) {
        let key = (tenant.to_string(), report_id.to_string());
        if self.limiter.check_key(&key).is_err() {
            tracing::debug!(tenant, report_id, "waiting for the report's next run slot");
            self.limiter.until_key_ready(&key).await;
        }
    }

    /// Takes the slot if it is free now; `false` if the report ran too recently.
    pub fn try_acquire(&self, tenant: &str, report_id: &str) -> bool {
        self.limiter
            .check_key(&(tenant.to_string(), report_id.to_string()))
            .is_ok()
    }
}

/// What starting or polling a long-running query returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryState<T, K> {
    /// 200: the data.
    Ready(T),
    /// 202: not ready; poll again with this token.
    Pending(K),
}

/// How [`run_query`] polls.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PollOptions {
    /// The first wait between polls; doubled after each poll up to `max_interval`.
    pub initial_interval: Duration,
    /// The longest wait between polls.
    pub max_interval: Duration,
    /// Give up (and cancel the query) after this long.
    pub timeout: Duration,
}

impl Default for PollOptions {
    fn default() -> Self {
        PollOptions {
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(15),
            timeout: Duration::from_secs(600),
        }
    }
}

impl PollOptions {
    /// Sets the poll intervals.
    pub fn with_interval(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_interval = initial;
        self.max_interval = max.max(initial);
        self
    }

    /// Sets the overall timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// Cancels the pending query when dropped before it finished.
struct CancelGuard<K, C, CF>
where
    K: Send + 'static,
    C: FnOnce(K) -> CF,
    CF: Future<Output = ()> + Send + 'static,
{
    token: Option<K>,
    cancel: Option<C>,
}

impl<K, C, CF> CancelGuard<K, C, CF>
where
    K: Send + 'static,
    C: FnOnce(K) -> CF,
    CF: Future<Output = ()> + Send + 'static,
{
    fn disarm(&mut self) {
        self.token = None;
        self.cancel = None;
    }

    async fn cancel_now(&mut self) {
        if let (Some(k), Some(c)) = (self.token.take(), self.cancel.take()) {
            c(k).await;
        }
    }
}

impl<K, C, CF> Drop for CancelGuard<K, C, CF>
where
    K: Send + 'static,
    C: FnOnce(K) -> CF,
    CF: Future<Output = ()> + Send + 'static,
{
    fn drop(&mut self) {
        if let (Some(k), Some(c)) = (self.token.take(), self.cancel.take()) {
            if let Ok(handle) = tokio::runtime::Handle::try_current() {
                tracing::debug!("long-running query dropped; cancelling it");
                handle.spawn(c(k));
            }
        }
    }
}

/// Runs a long-running data query: `start` returns the data (200) or a token (202); the token
/// is polled with `poll` (waiting between polls) until the data is ready. If the returned
/// future is dropped before then (cancellation), or the query fails or times out, `cancel`
/// is called with the last token (on drop, it is spawned on the current Tokio runtime).
pub async fn run_query<T, K, SF, P, PF, C, CF>(
    options: PollOptions,
    start: SF,
    mut poll: P,
    cancel: C,
) -> Result<T, Error>
where
    K: Clone + Send + 'static,
    SF: Future<Output = Result<QueryState<T, K>, Error>>,
    P: FnMut(K) -> PF,
    PF: Future<Output = Result<QueryState<T, K>, Error>>,
    C: FnOnce(K) -> CF,
    CF: Future<Output = ()> + Send + 'static,
{
    let started = Instant::now();
    let mut guard: CancelGuard<K, C, CF> = CancelGuard {
        token: None,
        cancel: Some(cancel),
    };
    let mut state = start.await?;
    let mut interval = options.initial_interval;
    let mut polls = 0u32;
    loop {
        match state {
            QueryState::Ready(data) => {
                guard.disarm();
                return Ok(data);
            }
            QueryState::Pending(token) => {
                guard.token = Some(token.clone());
                if started.elapsed() + interval > options.timeout {
                    guard.cancel_now().await;
                    return Err(Error::Timeout {
                        operation_id: None,
                        attempts: Some(polls + 1),
                        elapsed: Some(started.elapsed()),
                        source: None,
                    });
                }
                tokio::time::sleep(interval).await;
                interval = (interval * 2).min(options.max_interval);
                polls += 1;
                state = match poll(token).await {
                    Ok(s) => s,
                    Err(e) => {
                        guard.cancel_now().await;
                        return Err(e);
                    }
                };
            }
        }
    }
}
