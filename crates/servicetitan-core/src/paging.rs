//! Pagination and export streams, used by generated code through the traits below.
//!
//! For every list operation (page / pageSize / hasMore) the generator implements [`Page`] for
//! the page model and [`ListRequest`] for the operation's builder; for every `/export/...`
//! operation (from / continueFrom / hasMore) [`ExportPage`] and [`ExportRequest`]. Users then
//! get, through the blanket extension traits:
//!
//! ```ignore
//! use servicetitan_core::paging::{ListRequestExt, ExportRequestExt};
//! let jobs = client.list_jobs().page_size(200).stream_items();      // Stream<Result<Job>>
//! let pages = client.list_jobs().stream_pages();                    // Stream<Result<FetchedPage<Job>>>
//! let batches = client.export_jobs().stream_export(saved_token);    // Stream<Result<ExportBatch<_>>>
//! ```
//!
//! Inconsistent paging never loops: `hasMore: true` with an empty list page, a page that
//! repeats the one before it, more records than the `totalCount` the server announced, a
//! repeated continuation token, an export page repeated under a fresh token, or a run of empty
//! export pages end the stream with [`Error::Paging`] naming the operation and page.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use futures::stream::{self, FuturesOrdered, Stream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use crate::error::PagingError;
use crate::Error;

/// The paging parameters as the API spells them: the one place outside the specs that names
/// them (requests chosen at run time and the generator's paging detection use these).
pub mod wire {
    /// A list's page number (1-based).
    pub const PAGE: &str = "page";
    /// A list's page size.
    pub const PAGE_SIZE: &str = "pageSize";
    /// Asks a list for `totalCount`.
    pub const INCLUDE_TOTAL: &str = "includeTotal";
    /// An export's continuation token.
    pub const FROM: &str = "from";
    /// The incremental filter of lists.
    pub const MODIFIED_ON_OR_AFTER: &str = "modifiedOnOrAfter";
    /// The `active` filter of lists and exports (`True`, `False`, `Any`).
    pub const ACTIVE: &str = "active";
}

/// A page of a list operation (`page`, `pageSize`, `hasMore`, `totalCount`, `data`).
pub trait Page {
    /// The item type.
    type Item;
    /// Whether another page follows.
    fn has_more(&self) -> bool;
    /// The page's items.
    fn into_items(self) -> Vec<Self::Item>;
    /// The total number of items, when the request asked for it (`includeTotal`).
    fn total_count(&self) -> Option<i64>;
}

/// A page of an export operation (`hasMore`, `continueFrom`, `data`).
pub trait ExportPage {
    /// The item type.
    type Item;
    /// Whether more changes are waiting right now.
    fn has_more(&self) -> bool;
    /// The token to continue from (also after the last page: it is the next run's start).
    fn continue_from(&self) -> Option<&str>;
    /// The page's items.
    fn into_items(self) -> Vec<Self::Item>;
}

/// A list operation's request builder.
pub trait ListRequest: Clone + Send + Sized {
    /// The page model.
    type Page: Page + Send;
    /// The operation's name, for paging errors.
    const OPERATION_ID: &'static str = "";
    /// Sets the `page` query parameter (1-based).
    fn with_page(self, page: i32) -> Self;
    /// Sets the `pageSize` query parameter.
    fn with_page_size(self, page_size: i32) -> Self;
    /// Sends the request.
    fn fetch(self) -> impl std::future::Future<Output = Result<Self::Page, Error>> + Send;
}

/// An export operation's request builder.
pub trait ExportRequest: Clone + Send + Sized {
    /// The export page model.
    type Page: ExportPage + Send;
    /// The operation's name, for paging errors.
    const OPERATION_ID: &'static str = "";
    /// Sets the `from` query parameter (a continuation token).
    fn with_from(self, from: &str) -> Self;
    /// Sends the request.
    fn fetch(self) -> impl std::future::Future<Output = Result<Self::Page, Error>> + Send;
}

/// Used by generated `fetch` impls: turns progenitor's result into ours, naming the operation
/// in errors (decode errors then read "could not decode the response of listJobs at
/// `data[3].modifiedOn`").
pub fn finish<T, E: serde::Serialize + std::fmt::Debug>(
    result: Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>,
    operation_id: &'static str,
) -> Result<T, crate::Error> {
    match result {
        Ok(value) => Ok(value.into_inner()),
        Err(e) => Err(Error::from(e).with_operation(operation_id)),
    }
}

/// One page of a list, as [`ListRequestExt::stream_pages`] yields it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct FetchedPage<T> {
    /// The page number (1-based).
    pub number: i32,
    /// The items.
    pub items: Vec<T>,
    /// Whether another page follows.
    pub has_more: bool,
    /// The total number of items, if the server sent it.
    pub total_count: Option<i64>,
}

/// One page of an export, with the token to checkpoint.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ExportBatch<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Save this after processing `items`: passing it to
    /// [`ExportRequestExt::stream_export`] resumes right after this page. After the last page
    /// it is where the next incremental run starts.
    pub continue_from: Option<String>,
    /// Whether more pages follow in this run.
    pub has_more: bool,
}

/// A fingerprint of a page, to notice a server that hands out the same page again: the number
/// of records and the JSON form of the first and the last. Distinct pages of one listing never
/// share both ends, and hashing two records instead of thousands keeps paging cheap. `None` for
/// an empty page.
fn fingerprint<T: Serialize>(items: &[T]) -> Option<u64> {
    use std::hash::Hasher;
    struct HashWriter(std::collections::hash_map::DefaultHasher);
    impl std::io::Write for HashWriter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    if items.is_empty() {
        return None;
    }
    let mut w = HashWriter(Default::default());
    w.0.write_usize(items.len());
    serde_json::to_writer(&mut w, &items[0]).ok()?;
    serde_json::to_writer(&mut w, &items[items.len() - 1]).ok()?;
    Some(w.0.finish())
}

/// The checks every list page passes before it is handed out: no empty page that says more
/// follow, no page that repeats the one before it, no more records than the announced total.
struct PageGuard {
    operation: &'static str,
    previous: Option<u64>,
    seen: u64,
}

impl PageGuard {
    fn new(operation: &'static str) -> Self {
        PageGuard {
            operation,
            previous: None,
            seen: 0,
        }
    }

    fn check<P: Page>(&mut self, number: i32, page: P) -> Result<FetchedPage<P::Item>, Error>
    where
        P::Item: Serialize,
    {
        let has_more = page.has_more();
        let total_count = page.total_count();
        let items = page.into_items();
        if has_more && items.is_empty() {
            return Err(Error::Paging(PagingError::EmptyPageWithMore {
                page: number,
            }));
        }
        let print = fingerprint(&items);
        if print.is_some() && print == self.previous {
            return Err(Error::Paging(PagingError::RepeatedPage {
                operation: self.operation,
                page: number,
            }));
        }
        self.previous = print;
        self.seen += items.len() as u64;
        if let Some(total) = total_count.filter(|t| self.seen > (*t).max(0) as u64) {
            return Err(Error::Paging(PagingError::BeyondTotal {
                operation: self.operation,
                page: number,
                total,
                seen: self.seen,
            }));
        }
        Ok(FetchedPage {
            number,
            items,
            has_more,
            total_count,
        })
    }
}

/// Page `number` of `request`, labelled with its number.
async fn fetch_page<R: ListRequest>(request: R, number: i32) -> (i32, Result<R::Page, Error>) {
    (number, request.with_page(number).fetch().await)
}

/// Streams over every page of a list operation. Implemented for every [`ListRequest`].
pub trait ListRequestExt: ListRequest {
    /// Every page from page 1, one request at a time (one page in memory).
    fn stream_pages(
        self,
    ) -> impl Stream<Item = Result<FetchedPage<<Self::Page as Page>::Item>, Error>> + Send
    where
        <Self::Page as Page>::Item: Send + Serialize,
    {
        self.stream_pages_from(1)
    }

    /// Every page from `first_page` on.
    fn stream_pages_from(
        self,
        first_page: i32,
    ) -> impl Stream<Item = Result<FetchedPage<<Self::Page as Page>::Item>, Error>> + Send
    where
        <Self::Page as Page>::Item: Send + Serialize,
    {
        let state = (Some(first_page.max(1)), PageGuard::new(Self::OPERATION_ID));
        stream::try_unfold(state, move |(next, mut guard)| {
            let request = self.clone();
            async move {
                let Some(number) = next else {
                    return Ok(None);
                };
                let page = guard.check(number, request.with_page(number).fetch().await?)?;
                let next = if page.has_more {
                    number.checked_add(1)
                } else {
                    None
                };
                Ok(Some((page, (next, guard))))
            }
        })
    }

    /// Every page from page 1, with up to `concurrency` page requests in flight: page 1 alone
    /// (a one-page list costs one request), then pages k+1 … k+`concurrency` while pages say
    /// `hasMore`. Pages are yielded in order with the same guards as
    /// [`ListRequestExt::stream_pages`]; the stream ends at the first page without `hasMore`,
    /// and requests for pages beyond it are dropped unread. All requests go through the
    /// runtime, so they share the tenant's rate limit.
    fn stream_pages_concurrently(
        self,
        concurrency: usize,
    ) -> impl Stream<Item = Result<FetchedPage<<Self::Page as Page>::Item>, Error>> + Send
    where
        <Self::Page as Page>::Item: Send + Serialize,
    {
        self.stream_pages_concurrently_from(1, concurrency)
    }

    /// [`ListRequestExt::stream_pages_concurrently`] from page `first_page` on (to resume a
    /// list inside a run).
    fn stream_pages_concurrently_from(
        self,
        first_page: i32,
        concurrency: usize,
    ) -> impl Stream<Item = Result<FetchedPage<<Self::Page as Page>::Item>, Error>> + Send
    where
        <Self::Page as Page>::Item: Send + Serialize,
    {
        let concurrency = concurrency.max(1);
        let first_page = first_page.max(1);
        let mut in_flight = FuturesOrdered::new();
        in_flight.push_back(fetch_page(self.clone(), first_page));
        let state = (
            in_flight,
            first_page.saturating_add(1),
            PageGuard::new(Self::OPERATION_ID),
        );
        stream::try_unfold(state, move |(mut in_flight, mut next, mut guard)| {
            let request = self.clone();
            async move {
                let Some((number, fetched)) = in_flight.next().await else {
                    return Ok(None);
                };
                let page = guard.check(number, fetched?)?;
                if page.has_more {
                    while in_flight.len() < concurrency {
                        in_flight.push_back(fetch_page(request.clone(), next));
                        next = next.saturating_add(1);
                    }
                } else {
                    // The last page: requests beyond it are dropped unread.
                    in_flight = FuturesOrdered::new();
                }
                Ok(Some((page, (in_flight, next, guard))))
            }
        })
    }

    /// Every item of every page, in order, with up to `concurrency` page requests in flight
    /// (see [`ListRequestExt::stream_pages_concurrently`]).
    fn stream_items_concurrently(
        self,
        concurrency: usize,
    ) -> impl Stream<Item = Result<<Self::Page as Page>::Item, Error>> + Send
    where
        <Self::Page as Page>::Item: Send + Serialize,
    {
        self.stream_pages_concurrently(concurrency)
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
    }

    /// Every item of every page, in order.
    fn stream_items(self) -> impl Stream<Item = Result<<Self::Page as Page>::Item, Error>> + Send
    where
        <Self::Page as Page>::Item: Send + Serialize,
    {
        self.stream_pages()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
    }

    /// Every item of every page, collected.
    fn collect_all(
        self,
    ) -> impl std::future::Future<Output = Result<Vec<<Self::Page as Page>::Item>, Error>> + Send
    where
        <Self::Page as Page>::Item: Send + Serialize,
    {
        self.stream_items().try_collect()
    }
}

impl<T: ListRequest> ListRequestExt for T {}

/// How many empty export pages with `hasMore: true` (each with a new token) are tolerated in a
/// row before the stream stops.
pub const MAX_EMPTY_EXPORT_PAGES: u32 = 3;

/// Streams an export operation. Implemented for every [`ExportRequest`].
pub trait ExportRequestExt: ExportRequest {
    /// Every page of the export from `from` (a saved continuation token; `None` starts where
    /// the request builder says, by default at the beginning), until `hasMore: false`. Each
    /// batch carries the token to checkpoint after processing it.
    fn stream_export(
        self,
        from: Option<String>,
    ) -> impl Stream<Item = Result<ExportBatch<<Self::Page as ExportPage>::Item>, Error>> + Send
    where
        <Self::Page as ExportPage>::Item: Send + Serialize,
    {
        struct State {
            token: Option<String>,
            seen: HashSet<String>,
            empty_run: u32,
            done: bool,
            previous: Option<u64>,
            pages: u32,
        }
        let operation = Self::OPERATION_ID;
        let mut seen = HashSet::new();
        if let Some(t) = &from {
            seen.insert(t.clone());
        }
        let state = State {
            token: from,
            seen,
            empty_run: 0,
            done: false,
            previous: None,
            pages: 0,
        };
        stream::try_unfold(state, move |mut st| {
            let request = self.clone();
            async move {
                if st.done {
                    return Ok(None);
                }
                let request = match &st.token {
                    Some(t) => request.with_from(t),
                    None => request,
                };
                let page = request.fetch().await?;
                let has_more = page.has_more();
                let next = page
                    .continue_from()
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned);
                let items = page.into_items();
                st.pages += 1;
                let print = fingerprint(&items);
                if print.is_some() && print == st.previous {
                    return Err(Error::Paging(PagingError::RepeatedExportPage {
                        operation,
                        page: st.pages,
                    }));
                }
                st.previous = print;
                if has_more {
                    let Some(next) = &next else {
                        return Err(Error::Paging(PagingError::MissingContinuation));
                    };
                    if !st.seen.insert(next.clone()) {
                        return Err(Error::Paging(PagingError::RepeatedContinuation {
                            token: next.clone(),
                        }));
                    }
                    if items.is_empty() {
                        st.empty_run += 1;
                        if st.empty_run >= MAX_EMPTY_EXPORT_PAGES {
                            return Err(Error::Paging(PagingError::EmptyExportPages {
                                pages: st.empty_run,
                            }));
                        }
                    } else {
                        st.empty_run = 0;
                    }
                }
                if next.is_some() {
                    st.token = next;
                }
                st.done = !has_more;
                let batch = ExportBatch {
                    items,
                    continue_from: st.token.clone(),
                    has_more,
                };
                Ok(Some((batch, st)))
            }
        })
    }

    /// The items of [`ExportRequestExt::stream_export`], without the tokens (for one-off
    /// full exports that need no checkpoint).
    fn stream_export_items(
        self,
        from: Option<String>,
    ) -> impl Stream<Item = Result<<Self::Page as ExportPage>::Item, Error>> + Send
    where
        <Self::Page as ExportPage>::Item: Send + Serialize,
    {
        self.stream_export(from)
            .map_ok(|b| stream::iter(b.items.into_iter().map(Ok)))
            .try_flatten()
    }
}

impl<T: ExportRequest> ExportRequestExt for T {}

/// Turns a stream of results into one that ends after the first error (streams above already
/// do; this is for callers composing their own).
pub fn stop_after_error<T, S>(s: S) -> impl Stream<Item = Result<T, Error>>
where
    S: Stream<Item = Result<T, Error>>,
{
    s.scan(false, |failed, item| {
        if *failed {
            return futures::future::ready(None);
        }
        *failed = item.is_err();
        futures::future::ready(Some(item))
    })
}

// ---------------------------------------------------------------------------------------------
// Incremental sync by modifiedOnOrAfter.

/// A UTC high-water mark for incremental sync with `modifiedOnOrAfter`.
///
/// Persist it (it prints and parses as RFC 3339, and is serde-serializable). Each run:
///
/// ```ignore
/// let mut run = watermark.begin();                       // overlap: 2 minutes
/// let mut jobs = client.list_jobs()
///     .modified_on_or_after(run.modified_on_or_after())  // None on the first run
///     .stream_items();
/// while let Some(job) = jobs.try_next().await? {
///     run.observe(job.modified_on.map(|t| t.0));          // the server's own timestamps
///     save(job)?;
/// }
/// watermark = run.finish();                              // persist after the run succeeded
/// ```
///
/// The next watermark is the latest `modifiedOn` the server returned (never later than the
/// run's start), so client clock skew cannot skip records; the overlap re-reads a little, so
/// changes committed late are not missed (upserts make the repeats harmless).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Watermark(Option<chrono::DateTime<chrono::Utc>>);

/// The default overlap re-read by each run (2 minutes).
pub const DEFAULT_SYNC_OVERLAP: Duration = Duration::from_secs(120);

impl Watermark {
    /// No sync yet: the first run reads everything.
    pub fn none() -> Self {
        Watermark(None)
    }

    /// A watermark at `at`.
    pub fn at(at: chrono::DateTime<chrono::Utc>) -> Self {
        Watermark(Some(at))
    }

    /// The stored instant, if any.
    pub fn value(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0
    }

    /// Starts a run with the default overlap.
    pub fn begin(&self) -> SyncRun {
        self.begin_with_overlap(DEFAULT_SYNC_OVERLAP)
    }

    /// Starts a run re-reading `overlap` before the watermark.
    pub fn begin_with_overlap(&self, overlap: Duration) -> SyncRun {
        let overlap = chrono::Duration::from_std(overlap).unwrap_or(chrono::Duration::zero());
        SyncRun {
            previous: *self,
            since: self.0.map(|t| t - overlap),
            started_at: chrono::Utc::now(),
            latest_seen: None,
        }
    }
}

impl fmt::Display for Watermark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(t) => f.write_str(&t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            None => Ok(()),
        }
    }
}

impl FromStr for Watermark {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(Watermark(None));
        }
        s.parse::<crate::types::DateTime>()
            .map(|t| Watermark(Some(t.0)))
            .map_err(|e| Error::Config(format!("invalid watermark: {e}")))
    }
}

/// One incremental sync run (see [`Watermark`]).
#[derive(Clone, Debug)]
pub struct SyncRun {
    previous: Watermark,
    since: Option<chrono::DateTime<chrono::Utc>>,
    started_at: chrono::DateTime<chrono::Utc>,
    latest_seen: Option<chrono::DateTime<chrono::Utc>>,
}

impl SyncRun {
    /// The `modifiedOnOrAfter` value for this run (`None` on the first run).
    pub fn modified_on_or_after(&self) -> Option<crate::types::DateTime> {
        self.since.map(crate::types::DateTime)
    }

    /// The same, as chrono's type.
    pub fn since(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.since
    }

    /// Records an item's `modifiedOn` (as the server sent it).
    pub fn observe(&mut self, modified_on: Option<chrono::DateTime<chrono::Utc>>) {
        if let Some(t) = modified_on {
            if self.latest_seen.is_none_or(|l| t > l) {
                self.latest_seen = Some(t);
            }
        }
    }

    /// The watermark to persist once the run succeeded.
    pub fn finish(self) -> Watermark {
        match self.latest_seen {
            Some(t) => {
                let next = t.min(self.started_at);
                Watermark(Some(self.previous.0.map_or(next, |p| p.max(next))))
            }
            None => self.previous,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn watermark_moves_to_latest_seen_and_overlaps() {
        let t0 = chrono::Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        let wm = Watermark::at(t0);
        let mut run = wm.begin_with_overlap(Duration::from_secs(60));
        assert_eq!(run.since(), Some(t0 - chrono::Duration::seconds(60)));
        run.observe(Some(t0 + chrono::Duration::hours(1)));
        run.observe(Some(t0 + chrono::Duration::minutes(5)));
        run.observe(None);
        let next = run.finish();
        assert_eq!(next.value(), Some(t0 + chrono::Duration::hours(1)));
        let parsed: Watermark = next.to_string().parse().unwrap();
        assert_eq!(parsed, next);
        assert_eq!(Watermark::none().begin().since(), None);
        // Nothing seen: keep the old mark. A timestamp from the future is capped at the start.
        assert_eq!(wm.begin().finish(), wm);
        let mut run = wm.begin();
        run.observe(Some(chrono::Utc::now() + chrono::Duration::days(1)));
        assert!(run.finish().value().unwrap() <= chrono::Utc::now());
    }
}
