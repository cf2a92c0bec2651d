//! Client-side pacing of one tenant's requests: slightly under the configured limit, slower for
//! a while after the server answers 429, back to full speed as requests succeed again.
//!
//! Each request reserves the next free slot (GCRA: a "theoretical arrival time" that moves one
//! interval per request), so concurrent callers queue fairly and never bunch up. The interval
//! is `1 s / (rate × margin × factor)`: the margin (default 97 %) absorbs the jitter of a busy
//! machine, whose requests would otherwise reach the server a little early and draw a 429; the
//! factor drops to 80 % of itself on each 429 (not below half) and recovers by 1 % of the full
//! rate per success.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// The share of the configured rate a pacer aims for by default.
pub const DEFAULT_MARGIN: f64 = 0.97;

const SLOWDOWN: f64 = 0.8;
const FLOOR: f64 = 0.5;
const RECOVERY: f64 = 0.01;

/// One tenant's pacer, shared by every runtime of that tenant.
#[derive(Debug)]
pub(crate) struct Pacer {
    /// Requests per second at full speed (the configured rate times the margin).
    rate: f64,
    /// How many requests may go at once after a quiet period.
    burst: u32,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// When the next slot is free, in the absence of a burst allowance.
    next: Option<Instant>,
    /// The current share of `rate` (1.0 at full speed).
    factor: f64,
}

impl Pacer {
    pub(crate) fn new(rate_per_second: u32, burst: u32, margin: f64) -> Pacer {
        Pacer {
            rate: f64::from(rate_per_second.max(1)) * margin.clamp(0.1, 1.0),
            burst: burst.max(1),
            state: Mutex::new(State {
                next: None,
                factor: 1.0,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn interval(&self, factor: f64) -> Duration {
        Duration::from_secs_f64(1.0 / (self.rate * factor))
    }

    /// Reserves the next slot and returns when it starts (now or later).
    pub(crate) fn reserve(&self) -> Instant {
        let now = Instant::now();
        let mut st = self.lock();
        let interval = self.interval(st.factor);
        let allowance = interval * (self.burst - 1);
        let next = st.next.map_or(now, |n| n.max(now));
        let start = next.checked_sub(allowance).map_or(now, |s| s.max(now));
        st.next = Some(next + interval);
        start
    }

    /// Waits for the next slot; returns how long it waited.
    #[cfg(test)]
    pub(crate) async fn acquire(&self) -> Duration {
        let start = self.reserve();
        let now = Instant::now();
        if start > now {
            tokio::time::sleep_until(start).await;
        }
        start.saturating_duration_since(now)
    }

    /// The server answered 429: slow down, and let nothing through before `retry_after`.
    pub(crate) fn throttled(&self, retry_after: Option<Duration>) {
        let mut st = self.lock();
        st.factor = (st.factor * SLOWDOWN).max(FLOOR);
        if let Some(wait) = retry_after {
            let resume = Instant::now() + wait;
            st.next = Some(st.next.map_or(resume, |n| n.max(resume)));
        }
    }

    /// A request went through: speed up again, a little.
    pub(crate) fn succeeded(&self) {
        let mut st = self.lock();
        if st.factor < 1.0 {
            st.factor = (st.factor + RECOVERY).min(1.0);
        }
    }

    /// The current share of the full rate.
    #[cfg(test)]
    pub(crate) fn factor(&self) -> f64 {
        self.lock().factor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Slot times under virtual time: no wall clock, so a busy machine cannot move them.
    async fn slots(p: &Pacer, n: usize) -> Vec<Duration> {
        let t0 = Instant::now();
        let mut out = Vec::new();
        for _ in 0..n {
            p.acquire().await;
            out.push(Instant::now() - t0);
        }
        out
    }

    #[tokio::test(start_paused = true)]
    async fn paces_just_under_the_limit() {
        let p = Pacer::new(60, 1, DEFAULT_MARGIN);
        let t = slots(&p, 61).await;
        assert_eq!(t[0], Duration::ZERO);
        // 60 intervals at 58.2/s: 1.0309 s, so 60/s is never exceeded in any second (tokio's
        // timer rounds each wait up to the millisecond).
        let sixty = t[60].as_secs_f64();
        assert!((sixty - 60.0 / 58.2).abs() < 0.002, "{sixty}");
        assert!(sixty > 1.0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_goes_at_once_after_a_quiet_period() {
        let p = Pacer::new(10, 3, 1.0);
        let t = slots(&p, 4).await;
        assert_eq!(&t[..3], [Duration::ZERO; 3]);
        assert_eq!(t[3], Duration::from_millis(100));
    }

    #[tokio::test(start_paused = true)]
    async fn slows_after_a_429_and_recovers_with_successes() {
        let p = Pacer::new(10, 1, 1.0);
        p.acquire().await;
        p.throttled(Some(Duration::from_secs(2)));
        assert!((p.factor() - 0.8).abs() < 1e-9);
        // Nothing before the Retry-After, then slots 1 / (10 × 0.8) = 125 ms apart.
        let t = slots(&p, 3).await;
        assert_eq!(t[0], Duration::from_secs(2));
        assert_eq!(t[1] - t[0], Duration::from_millis(125));
        for _ in 0..5 {
            p.throttled(None);
        }
        assert!((p.factor() - 0.5).abs() < 1e-9, "never below half speed");
        for _ in 0..100 {
            p.succeeded();
        }
        assert_eq!(p.factor(), 1.0);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_get_distinct_slots() {
        let p = std::sync::Arc::new(Pacer::new(20, 1, 1.0));
        let t0 = Instant::now();
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let p = p.clone();
                tokio::spawn(async move {
                    p.acquire().await;
                    Instant::now() - t0
                })
            })
            .collect();
        let mut times = Vec::new();
        for t in tasks {
            times.push(t.await.unwrap());
        }
        times.sort();
        for (i, t) in times.iter().enumerate() {
            assert_eq!(*t, Duration::from_millis(50) * i as u32);
        }
    }
}
