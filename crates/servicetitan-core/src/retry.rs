//! Retry mechanics: backoff with jitter, `Retry-After`, and the shared retry token bucket.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use rand::Rng;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::Method;

use crate::config::{RetryBudget, RetryPolicy};

/// Statuses that mean "try later": throttling (429), a timeout (408) and server errors that
/// are usually passing (500, 502, 503, 504). A 429 is retried for every method; the others
/// only for idempotent ones, since the server may have acted on the request.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
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
