//! Retries as data: which statuses mean "try later", the policy and budget, and one planner
//! (attempts, deadline, Retry-After, backoff, budget) used by API requests and token requests.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use rand::Rng;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::Method;

/// The retry budget: a token bucket shared by all requests of a [`Runtime`](crate::Runtime)
/// (and its [`Runtime::for_tenant`](crate::Runtime::for_tenant) copies), as in the AWS SDKs. Every retry takes tokens from it and
/// every success puts some back, so a failing server sees retries dry up instead of a storm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryBudget {
    /// Tokens in a full bucket.
    pub capacity: u32,
    /// Tokens a retry after an error response or a connection error costs.
    pub retry_cost: u32,
    /// Tokens a retry after a timeout costs.
    pub timeout_retry_cost: u32,
    /// Tokens a first-try success puts back (a retried success refunds its retry's cost).
    pub success_reward: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget {
            capacity: 500,
            retry_cost: 5,
            timeout_retry_cost: 10,
            success_reward: 1,
        }
    }
}

impl RetryBudget {
    /// A budget that never runs out (for tests and batch jobs that prefer persistence).
    pub fn unlimited() -> Self {
        RetryBudget {
            capacity: u32::MAX,
            retry_cost: 0,
            timeout_retry_cost: 0,
            success_reward: 0,
        }
    }

    /// A budget of `capacity` tokens with the default costs.
    pub fn with_capacity(capacity: u32) -> Self {
        RetryBudget {
            capacity,
            ..RetryBudget::default()
        }
    }
}

/// When and how often requests are retried.
///
/// - `429 Too Many Requests` is retried for every method (the server did not act on the
///   request), after the server's `Retry-After` (seconds or an HTTP date) or else an exponential
///   backoff with jitter.
/// - `408`, `502`, `503`, `504`, timeouts and broken connections are retried for idempotent
///   methods (GET, HEAD, OPTIONS, PUT, DELETE) only, unless [`RetryPolicy::retry_non_idempotent`]
///   is set. A connection that could not be opened is retried for every method.
/// - Attempts, total time and the shared [`RetryBudget`] are all bounded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first one included (1 = never retry). A single extra attempt after
    /// a `401` (with a fresh token) is not counted.
    pub max_attempts: u32,
    /// The first backoff; each retry doubles it, up to `max_backoff`. Half of each delay is
    /// random (jitter).
    pub initial_backoff: Duration,
    /// The longest backoff between two attempts.
    pub max_backoff: Duration,
    /// The longest total time for one call, waits and retries included.
    pub max_elapsed: Duration,
    /// The longest `Retry-After` honored; the call fails as rate-limited if the server asks
    /// for more.
    pub max_retry_after: Duration,
    /// Also retry POST and PATCH on 5xx, timeouts and broken connections (they may then be
    /// applied twice by the server).
    pub retry_non_idempotent: bool,
    /// The shared retry token bucket.
    pub budget: RetryBudget,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(20),
            max_elapsed: Duration::from_secs(150),
            max_retry_after: Duration::from_secs(60),
            retry_non_idempotent: false,
            budget: RetryBudget::default(),
        }
    }
}

impl RetryPolicy {
    /// Never retry (one attempt; the 401 refresh still happens).
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Sets [`RetryPolicy::max_attempts`].
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the initial and maximum backoff.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets [`RetryPolicy::max_elapsed`].
    pub fn with_max_elapsed(mut self, max_elapsed: Duration) -> Self {
        self.max_elapsed = max_elapsed;
        self
    }

    /// Sets [`RetryPolicy::max_retry_after`].
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Sets [`RetryPolicy::retry_non_idempotent`].
    pub fn with_retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// Sets [`RetryPolicy::budget`].
    pub fn with_budget(mut self, budget: RetryBudget) -> Self {
        self.budget = budget;
        self
    }
}

/// Statuses that mean "try later": throttling (429), a timeout (408) and server errors that
/// are usually passing (500, 502, 503, 504). A 429 is retried for every method; the others
/// only for idempotent ones, since the server may have acted on the request.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// One attempt's result, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Attempted {
    /// The server answered with this status.
    Status(u16),
    /// The HTTP client failed: `connect` when no connection was opened (the server saw
    /// nothing), `timeout` when the attempt ran out of time.
    Transport { connect: bool, timeout: bool },
}

impl Attempted {
    /// The classifier's view of a response or of the HTTP client's error.
    pub(crate) fn of(result: &Result<reqwest::Response, reqwest::Error>) -> Attempted {
        match result {
            Ok(resp) => Attempted::Status(resp.status().as_u16()),
            Err(e) => Attempted::transport(e),
        }
    }

    /// The classifier's view of the HTTP client's error.
    pub(crate) fn transport(e: &reqwest::Error) -> Attempted {
        Attempted::Transport {
            connect: e.is_connect(),
            timeout: e.is_timeout(),
        }
    }

    /// Whether the attempt timed out (a retry after a timeout costs more budget).
    pub(crate) fn timed_out(self) -> bool {
        matches!(self, Attempted::Transport { timeout: true, .. })
    }
}

/// What the request path does with an attempt's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Hand the result to the caller: a success, or a failure retrying cannot mend.
    Return,
    /// A `401` while the token may still be replaced: get a new token, try once more.
    RefreshToken,
    /// Try later, if the [`Planner`] allows another attempt.
    Retry,
}

/// The classifier: what an attempt's result means, given whether the request may be applied
/// twice (`idempotent`, after [`RetryPolicy::retry_non_idempotent`]) and whether a `401` may
/// still be answered with a new token. Pure, so the whole table is tested at once.
pub(crate) fn classify(result: Attempted, idempotent: bool, may_refresh: bool) -> Verdict {
    match result {
        Attempted::Status(401) if may_refresh => Verdict::RefreshToken,
        // The server did not act on a throttled request, whatever its method.
        Attempted::Status(429) => Verdict::Retry,
        Attempted::Status(s) if is_retryable_status(s) && idempotent => Verdict::Retry,
        Attempted::Status(_) => Verdict::Return,
        // A connection that was never opened carried nothing to the server.
        Attempted::Transport { connect: true, .. } => Verdict::Retry,
        Attempted::Transport { .. } if idempotent => Verdict::Retry,
        Attempted::Transport { .. } => Verdict::Return,
    }
}

/// What to do after a failed attempt.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Wait `delay`, then try again; `cost` budget tokens were taken (refunded on success).
    Retry { delay: Duration, cost: u32 },
    /// Stop and report the failure.
    GiveUp,
}

/// The state of one call's attempts: how many were made, the deadline, and what the retries
/// took from the budget. The runtime and the token fetch each run one per call.
pub(crate) struct Planner<'a> {
    policy: &'a RetryPolicy,
    budget: &'a TokenBucket,
    replayable: bool,
    attempt: u32,
    max_attempts: u32,
    started: Instant,
    deadline: Instant,
    refund: Option<u32>,
}

impl<'a> Planner<'a> {
    /// A call starting now; a request whose body cannot be sent twice (`replayable` false) is
    /// never retried.
    pub(crate) fn new(policy: &'a RetryPolicy, budget: &'a TokenBucket, replayable: bool) -> Self {
        let started = Instant::now();
        Planner {
            policy,
            budget,
            replayable,
            attempt: 0,
            max_attempts: policy.max_attempts,
            started,
            deadline: started + policy.max_elapsed,
            refund: None,
        }
    }

    /// Counts the next attempt and returns its number (1 for the first).
    pub(crate) fn start_attempt(&mut self) -> u32 {
        self.attempt += 1;
        self.attempt
    }

    /// The attempts made so far.
    pub(crate) fn attempts(&self) -> u32 {
        self.attempt
    }

    /// Allows one attempt beyond the policy's count (the retry with a new token after a `401`).
    pub(crate) fn grant_extra_attempt(&mut self) {
        self.max_attempts += 1;
    }

    /// When the call must be over, waits and retries included.
    pub(crate) fn deadline(&self) -> Instant {
        self.deadline
    }

    /// The time since the call started.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// After a failed attempt: [`plan`] with this call's state; a retry's cost is remembered
    /// for the refund.
    pub(crate) fn next(&mut self, retry_after: Option<Duration>, timed_out: bool) -> Plan {
        if !self.replayable {
            return Plan::GiveUp;
        }
        let plan = plan(
            self.policy,
            self.budget,
            self.attempt,
            self.max_attempts,
            self.deadline,
            retry_after,
            timed_out,
        );
        if let Plan::Retry { cost, .. } = plan {
            *self.refund.get_or_insert(0) += cost;
        }
        plan
    }

    /// The call succeeded: refund its retries' cost to the budget, or reward a first try.
    pub(crate) fn succeeded(&self) {
        self.budget.on_success(self.refund);
    }
}

/// Decides whether attempt `attempt` may be followed by another, and after how long: within
/// `max_attempts` and the `deadline`, honouring a `Retry-After` up to the policy's limit (a
/// longer one gives up at once), else backing off; each retry draws from the shared budget.
fn plan(
    policy: &RetryPolicy,
    budget: &TokenBucket,
    attempt: u32,
    max_attempts: u32,
    deadline: Instant,
    retry_after: Option<Duration>,
    timed_out: bool,
) -> Plan {
    if attempt >= max_attempts {
        return Plan::GiveUp;
    }
    let delay = match retry_after {
        Some(d) if d > policy.max_retry_after => return Plan::GiveUp,
        Some(d) => d,
        None => backoff(policy, attempt),
    };
    if Instant::now() + delay >= deadline {
        return Plan::GiveUp;
    }
    match budget.try_acquire(timed_out) {
        Some(cost) => Plan::Retry { delay, cost },
        None => {
            tracing::warn!("retry budget exhausted; not retrying");
            Plan::GiveUp
        }
    }
}

/// GET, HEAD, OPTIONS, PUT and DELETE may be sent twice without changing the outcome.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE | Method::TRACE
    )
}

/// The delay before retry number `retry` (1 = first retry): exponential, capped, with the
/// upper half randomized ("equal jitter", never zero).
pub(crate) fn backoff(policy: &RetryPolicy, retry: u32) -> Duration {
    let exp = retry.saturating_sub(1).min(30);
    let base = policy
        .initial_backoff
        .saturating_mul(1u32 << exp)
        .min(policy.max_backoff);
    let half = base / 2;
    let jitter_nanos = half.as_nanos().min(u64::MAX as u128) as u64;
    let jitter = if jitter_nanos == 0 {
        0
    } else {
        rand::rng().random_range(0..=jitter_nanos)
    };
    half + Duration::from_nanos(jitter)
}

/// The server's `Retry-After`: delta-seconds (fractions accepted) or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let raw = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = raw.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = raw.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(secs.min(86_400.0)));
        }
    }
    let when = httpdate::parse_http_date(raw).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// The token bucket retries draw from (shared by all tenants of a runtime).
#[derive(Debug)]
pub(crate) struct TokenBucket {
    config: RetryBudget,
    tokens: AtomicU64,
}

impl TokenBucket {
    pub(crate) fn new(config: RetryBudget) -> Self {
        TokenBucket {
            config,
            tokens: AtomicU64::new(u64::from(config.capacity)),
        }
    }

    /// Takes the cost of a retry; `None` (no retry) when the bucket cannot pay it.
    pub(crate) fn try_acquire(&self, timeout: bool) -> Option<u32> {
        let cost = if timeout {
            self.config.timeout_retry_cost
        } else {
            self.config.retry_cost
        };
        let cost64 = u64::from(cost);
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                t.checked_sub(cost64)
            })
            .ok()
            .map(|_| cost)
    }

    /// A call succeeded: refund what its retries took, or reward a first-try success.
    pub(crate) fn on_success(&self, refund: Option<u32>) {
        let add = u64::from(refund.unwrap_or(self.config.success_reward));
        if add == 0 {
            return;
        }
        let cap = u64::from(self.config.capacity);
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                (t < cap).then(|| t.saturating_add(add).min(cap))
            });
    }

    /// Tokens left (for tests).
    #[cfg(test)]
    pub(crate) fn available(&self) -> u64 {
        self.tokens.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_statuses_mean_try_later() {
        for (status, retry) in [
            (200, false),
            (400, false),
            (401, false),
            (403, false),
            (404, false),
            (408, true),
            (409, false),
            (429, true),
            (500, true),
            (501, false),
            (502, true),
            (503, true),
            (504, true),
            (505, false),
        ] {
            assert_eq!(is_retryable_status(status), retry, "{status}");
        }
    }

    #[test]
    fn the_classifier_as_a_table() {
        use Attempted::{Status, Transport};
        use Verdict::{RefreshToken, Retry, Return};
        let broken = Transport {
            connect: false,
            timeout: false,
        };
        let refused = Transport {
            connect: true,
            timeout: false,
        };
        let slow = Transport {
            connect: false,
            timeout: true,
        };
        // (result, idempotent, may refresh the token) -> verdict
        let table = [
            (Status(200), true, true, Return),
            (Status(201), false, true, Return),
            (Status(400), true, true, Return),
            (Status(401), true, true, RefreshToken),
            (Status(401), false, true, RefreshToken),
            (Status(401), true, false, Return),
            (Status(403), true, true, Return),
            (Status(404), true, true, Return),
            (Status(408), true, true, Retry),
            (Status(408), false, true, Return),
            (Status(429), true, true, Retry),
            (Status(429), false, false, Retry),
            (Status(500), true, true, Retry),
            (Status(500), false, true, Return),
            (Status(501), true, true, Return),
            (Status(503), true, true, Retry),
            (Status(503), false, true, Return),
            (Status(504), true, true, Retry),
            (refused, false, true, Retry),
            (refused, true, true, Retry),
            (broken, true, true, Retry),
            (broken, false, true, Return),
            (slow, true, true, Retry),
            (slow, false, true, Return),
        ];
        for (result, idempotent, may_refresh, verdict) in table {
            assert_eq!(
                classify(result, idempotent, may_refresh),
                verdict,
                "{result:?} idempotent={idempotent} may_refresh={may_refresh}"
            );
        }
        assert!(slow.timed_out() && !broken.timed_out() && !Status(504).timed_out());
    }

    #[test]
    fn a_planner_refunds_what_its_retries_took_and_never_replays_a_stream() {
        let policy =
            RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(1));
        let budget = TokenBucket::new(RetryBudget::with_capacity(20));
        let mut planner = Planner::new(&policy, &budget, true);
        planner.start_attempt();
        assert!(matches!(
            planner.next(None, false),
            Plan::Retry { cost: 5, .. }
        ));
        planner.start_attempt();
        assert!(matches!(
            planner.next(None, true),
            Plan::Retry { cost: 10, .. }
        ));
        assert_eq!(budget.available(), 5);
        planner.succeeded();
        assert_eq!(budget.available(), 20);

        let mut once = Planner::new(&policy, &budget, false);
        once.start_attempt();
        assert_eq!(once.next(None, false), Plan::GiveUp);
        assert_eq!(budget.available(), 20, "a refused retry takes nothing");

        let one_attempt = policy.clone().with_max_attempts(1);
        let mut counted = Planner::new(&one_attempt, &budget, true);
        counted.start_attempt();
        assert_eq!(counted.next(None, false), Plan::GiveUp);
        counted.grant_extra_attempt();
        assert!(matches!(counted.next(None, false), Plan::Retry { .. }));
    }

    #[test]
    fn the_planner_bounds_attempts_time_retry_after_and_budget() {
        let policy = RetryPolicy::default()
            .with_backoff(Duration::from_millis(10), Duration::from_millis(10))
            .with_max_retry_after(Duration::from_secs(5));
        let budget = TokenBucket::new(RetryBudget::unlimited());
        let later = Instant::now() + Duration::from_secs(60);
        let soon = Instant::now() + Duration::from_millis(1);
        let plan_with =
            |attempt, max, deadline, ra| plan(&policy, &budget, attempt, max, deadline, ra, false);
        assert!(matches!(plan_with(1, 4, later, None), Plan::Retry { .. }));
        assert_eq!(plan_with(4, 4, later, None), Plan::GiveUp, "attempts");
        assert_eq!(
            plan_with(1, 4, soon, Some(Duration::from_secs(1))),
            Plan::GiveUp,
            "deadline"
        );
        assert_eq!(
            plan_with(1, 4, later, Some(Duration::from_secs(6))),
            Plan::GiveUp,
            "Retry-After"
        );
        assert!(matches!(
            plan_with(1, 4, later, Some(Duration::from_secs(2))),
            Plan::Retry { delay, .. } if delay == Duration::from_secs(2)
        ));
        let small = TokenBucket::new(RetryBudget::with_capacity(5));
        assert!(matches!(
            plan(&policy, &small, 1, 4, later, None, false),
            Plan::Retry { .. }
        ));
        assert_eq!(
            plan(&policy, &small, 1, 4, later, None, false),
            Plan::GiveUp,
            "budget"
        );
    }

    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert(RETRY_AFTER, HeaderValue::from_static("0.5"));
        assert_eq!(retry_after(&h), Some(Duration::from_millis(500)));
        let later = SystemTime::now() + Duration::from_secs(30);
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_str(&httpdate::fmt_http_date(later)).unwrap(),
        );
        let d = retry_after(&h).unwrap();
        assert!(
            d > Duration::from_secs(27) && d <= Duration::from_secs(30),
            "{d:?}"
        );
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p =
            RetryPolicy::default().with_backoff(Duration::from_millis(100), Duration::from_secs(1));
        for _ in 0..50 {
            let d1 = backoff(&p, 1);
            assert!(d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100));
            let d3 = backoff(&p, 3);
            assert!(d3 >= Duration::from_millis(200) && d3 <= Duration::from_millis(400));
            let d10 = backoff(&p, 10);
            assert!(d10 >= Duration::from_millis(500) && d10 <= Duration::from_secs(1));
        }
    }

    #[test]
    fn bucket_drains_and_refills() {
        let b = TokenBucket::new(RetryBudget::with_capacity(12));
        assert_eq!(b.try_acquire(false), Some(5));
        assert_eq!(b.try_acquire(false), Some(5));
        assert_eq!(b.try_acquire(false), None);
        assert_eq!(b.try_acquire(true), None);
        b.on_success(Some(5));
        assert_eq!(b.available(), 7);
        b.on_success(None);
        assert_eq!(b.available(), 8);
        for _ in 0..10 {
            b.on_success(None);
        }
        assert_eq!(b.available(), 12);
    }
}
