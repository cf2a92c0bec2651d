//! Client-side pacing of one tenant's requests: slightly under the configured limit, slower for
//! a while after the server answers 429, back to full speed as requests succeed again.
//!
//! Each request reserves the next free slot (GCRA: a "theoretical arrival time" that moves one
//! interval per request), so concurrent callers queue fairly and never bunch up. The interval
//! is `1 s / (rate × margin × factor)`: the margin (default 97 %) absorbs the jitter of a busy
//! machine, whose requests would otherwise reach the server a little early and draw a 429; the
//! factor drops to 80 % of itself on each 429 (not below half) and recovers by 1 % of the full
//! rate per success.
//!
//! A slot reserved by a request that is then dropped before its time (a list page past the
//! last one, a cancelled call) is handed to the next request instead of passing unused: the
//! slots handed out stay those of the one sequence, so the rate is never exceeded.
//!
//! Requests made inside [`crate::pacing::background`] take a slot only when the next free one
//! is due within [`crate::pacing::BACKGROUND_QUEUE`] intervals, one at a time in arrival
//! order; other requests reserve at once, ahead of every background request still waiting.

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
    /// Background requests take their turn here, one at a time, in arrival order.
    background: tokio::sync::Mutex<()>,
}

#[derive(Debug)]
struct State {
    /// When the next slot is free, in the absence of a burst allowance.
    next: Option<Instant>,
    /// The current share of `rate` (1.0 at full speed).
    factor: f64,
    /// Slots of the sequence whose requests were dropped before their time, earliest first.
    freed: Vec<Instant>,
}

impl Pacer {
    pub(crate) fn new(rate_per_second: u32, burst: u32, margin: f64) -> Pacer {
        Pacer {
            rate: f64::from(rate_per_second.max(1)) * margin.clamp(0.1, 1.0),
            burst: burst.max(1),
            state: Mutex::new(State {
                next: None,
                factor: 1.0,
                freed: Vec::new(),
            }),
            background: tokio::sync::Mutex::new(()),
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
        let Ok(start) = self.try_reserve(None) else {
            unreachable!("a reservation without a bound always succeeds")
        };
        start
    }

    /// Reserves the next slot if it starts within `queue` intervals from now (`None`: whenever
    /// it starts); else tells how long until it would.
    fn try_reserve(&self, queue: Option<f64>) -> Result<Instant, Duration> {
        let now = Instant::now();
        let mut st = self.lock();
        // A freed slot still ahead goes first; those already past are gone.
        st.freed.retain(|t| *t >= now);
        let interval = self.interval(st.factor);
        let (start, sequence_next) = match st.freed.first() {
            Some(&slot) => (slot, None),
            None => {
                let next = st.next.map_or(now, |n| n.max(now));
                let allowance = interval * (self.burst - 1);
                let start = next.checked_sub(allowance).map_or(now, |s| s.max(now));
                (start, Some(next + interval))
            }
        };
        if let Some(queue) = queue {
            let wait = start
                .saturating_duration_since(now)
                .saturating_sub(interval.mul_f64(queue.max(0.0)));
            if !wait.is_zero() {
                return Err(wait);
            }
        }
        match sequence_next {
            Some(next) => st.next = Some(next),
            None => {
                st.freed.remove(0);
            }
        }
        Ok(start)
    }

    /// Reserves a slot for a background request: waits its turn behind the background
    /// requests before it, then until the next free slot is due within `queue` intervals,
    /// and takes it. After `patience` it stops yielding and reserves like any request, so a
    /// queue that never gets short (many exports at once) delays it but cannot starve it,
    /// and neither can a background request ahead of it whose caller stopped polling.
    pub(crate) async fn reserve_background(&self, queue: f64, patience: Duration) -> Instant {
        let give_up = Instant::now() + patience;
        let Ok(_turn) = tokio::time::timeout_at(give_up, self.background.lock()).await else {
            return self.reserve();
        };
        loop {
            match self.try_reserve(Some(queue)) {
                Ok(start) => return start,
                Err(_) if Instant::now() >= give_up => return self.reserve(),
                Err(wait) => tokio::time::sleep_until((Instant::now() + wait).min(give_up)).await,
            }
        }
    }

    /// A request that reserved `slot` was dropped before it was sent: the slot, if still
    /// ahead, goes to the next request.
    pub(crate) fn release(&self, slot: Instant) {
        if slot <= Instant::now() {
            return;
        }
        let mut st = self.lock();
        let at = st.freed.partition_point(|t| *t <= slot);
        st.freed.insert(at, slot);
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
        // Slowing down: no slot of the faster sequence is handed out again.
        st.freed.clear();
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

    #[tokio::test(start_paused = true)]
    async fn a_slot_released_before_its_time_goes_to_the_next_request() {
        let p = Pacer::new(10, 1, 1.0);
        let t0 = Instant::now();
        let ms = |n: u64| t0 + Duration::from_millis(n);
        assert_eq!(
            [p.reserve(), p.reserve(), p.reserve()],
            [ms(0), ms(100), ms(200)]
        );
        p.release(ms(100));
        // The freed slot first, then the sequence goes on where it was.
        assert_eq!(p.reserve(), ms(100));
        assert_eq!(p.reserve(), ms(300));
        // A slot already past is not handed out again.
        p.release(ms(300));
        tokio::time::advance(Duration::from_millis(350)).await;
        assert_eq!(p.reserve(), ms(400));
    }

    #[tokio::test(start_paused = true)]
    async fn background_requests_wait_for_a_short_queue_and_yield_to_others() {
        let p = std::sync::Arc::new(Pacer::new(10, 1, 1.0));
        let t0 = Instant::now();
        let ms = |n: u64| t0 + Duration::from_millis(n);
        // Ten slots taken: 0 … 900 ms.
        for _ in 0..10 {
            p.reserve();
        }
        let background = |p: std::sync::Arc<Pacer>| {
            tokio::spawn(async move {
                let slot = p.reserve_background(2.0, Duration::from_secs(60)).await;
                (Instant::now(), slot)
            })
        };
        let first = background(p.clone());
        tokio::task::yield_now().await;
        let second = background(p.clone());
        tokio::task::yield_now().await;
        // At 500 ms an ordinary request goes ahead of both: slot 1000 ms.
        tokio::time::sleep_until(ms(500)).await;
        assert_eq!(p.reserve(), ms(1000));
        // The first background request takes its slot when two slots are left ahead of it
        // (at 900 ms, slot 1100 ms), the second one after it, in order.
        let (taken, slot) = first.await.unwrap();
        assert_eq!((taken, slot), (ms(900), ms(1100)));
        let (taken, slot) = second.await.unwrap();
        assert_eq!((taken, slot), (ms(1000), ms(1200)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_background_request_stops_yielding_after_its_patience() {
        let p = Pacer::new(10, 1, 1.0);
        let t0 = Instant::now();
        // A queue 5 s long that ordinary requests keep long: it never gets short.
        for _ in 0..50 {
            p.reserve();
        }
        let slot = p.reserve_background(0.25, Duration::from_secs(1)).await;
        // It gave up yielding at 1 s and took its place at the end of the line, behind every
        // slot already reserved, not ahead of them.
        assert_eq!(Instant::now() - t0, Duration::from_secs(1));
        assert_eq!(slot, t0 + Duration::from_secs(5));
        assert_eq!(p.reserve(), t0 + Duration::from_millis(5100));
    }
}
