//! Which of a tenant's requests go first when they queue for the rate limit.
//!
//! Every request waits for a slot of its tenant's pacer (see
//! [`RuntimeBuilder::rate_limit_per_second`](crate::RuntimeBuilder::rate_limit_per_second)).
//! Requests made inside [`background`] yield to the others: they take a slot only when the next
//! free one is due within [`BACKGROUND_QUEUE`] intervals, one at a time in the order they
//! came, so another request waits behind at most about one of them. The server still sees one
//! paced sequence; only the order within it changes.
//!
//! A sync uses it for list pages, so an export's next page (whose token comes from the page
//! before, one request at a time) is not held up behind every list page already asked for.

use std::future::Future;

/// How far ahead, in pacing intervals, the next free slot may be when a background request
/// takes it: a quarter (about 4 ms at 58 requests/s). Any other request then waits for at most
/// about one interval behind background requests, and the pacer does not idle while they wait
/// as long as the timer wakes them within that quarter. Measured on the sync bench (2 busy
/// cores, BENCHMARKS.md): 0.25 kept a full backfill at 91.6 % and 0 at 90.6–91.2 %; 0.5 to 3
/// let export pages wait longer (86–89 %), and 0 left gaps when mostly background requests
/// were waiting.
pub const BACKGROUND_QUEUE: f64 = 0.25;

/// How long a background request yields before it takes the next slot like any other request:
/// with many exports at once the queue may never get short, and a list page must still go
/// (the call's deadline would fail it otherwise). Background requests do wait over a second in
/// a full backfill: on the sync bench 1 s gave 89.8–90.8 % of the limit, 5 s 92.4–92.6 %, no
/// limit 92.0–92.1 % (BENCHMARKS.md).
pub const BACKGROUND_PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

tokio::task_local! {
    static BACKGROUND: ();
}

/// Runs `f`; the requests it makes yield to the tenant's other requests (see the module).
pub async fn background<F: Future>(f: F) -> F::Output {
    BACKGROUND.scope((), f).await
}

/// Whether the current request was made inside [`background`].
pub(crate) fn in_background() -> bool {
    BACKGROUND.try_with(|_| ()).is_ok()
}
