//! Runs the chosen streams concurrently under the runtime's per-tenant limiter, committing each
//! batch with the stream's new state.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};
use futures::StreamExt;
use serde::Serialize;
use servicetitan::dynamic::DynamicRequest;
use servicetitan::pacing::background;
use servicetitan::paging::{wire, ExportRequestExt, ListRequestExt};
use servicetitan::{Error, Runtime};
use tokio::sync::{watch, Semaphore};

use crate::catalog::{StreamDef, StreamKind};
use crate::dest::{Batch, Destination, Shared, Unseen};
use crate::record::{parse_time, Record};
use crate::state::{RunState, StreamState};

/// How a sync runs.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SyncOptions {
    /// Forget saved positions and read every stream from its start (or `since`).
    pub full: bool,
    /// Where a stream without a saved position starts (exports: `from`; lists:
    /// `modifiedOnOrAfter`).
    pub since: Option<DateTime<Utc>>,
    /// Read every stream whole and mark the records that no longer appear as deleted.
    pub reconcile: bool,
    /// Read a stream whole when its last whole read is older than this (`None`: only when
    /// asked with `reconcile`).
    pub reconcile_every: Option<Duration>,
    /// Streams read at once.
    pub stream_concurrency: usize,
    /// Page requests in flight per list stream.
    pub page_concurrency: usize,
    /// Records per list page.
    pub page_size: i32,
    /// How far below its watermark an incremental list starts again (clock skew between the
    /// server's writers).
    pub overlap: Duration,
    /// Stop each stream after this many batches, as if interrupted (a rerun continues).
    pub max_batches: Option<u64>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            full: false,
            since: None,
            reconcile: false,
            reconcile_every: None,
            stream_concurrency: 32,
            page_concurrency: 8,
            page_size: 1000,
            overlap: Duration::from_secs(300),
            max_batches: None,
        }
    }
}

impl SyncOptions {
    /// Sets [`SyncOptions::full`].
    pub fn full(mut self, on: bool) -> Self {
        self.full = on;
        self
    }
    /// Sets [`SyncOptions::since`].
    pub fn since(mut self, since: Option<DateTime<Utc>>) -> Self {
        self.since = since;
        self
    }
    /// Sets [`SyncOptions::reconcile`].
    pub fn reconcile(mut self, on: bool) -> Self {
        self.reconcile = on;
        self
    }
    /// Sets [`SyncOptions::reconcile_every`].
    pub fn reconcile_every(mut self, every: Option<Duration>) -> Self {
        self.reconcile_every = every;
        self
    }
    /// Sets [`SyncOptions::stream_concurrency`] (at least 1).
    pub fn stream_concurrency(mut self, n: usize) -> Self {
        self.stream_concurrency = n.max(1);
        self
    }
    /// Sets [`SyncOptions::page_concurrency`] (at least 1).
    pub fn page_concurrency(mut self, n: usize) -> Self {
        self.page_concurrency = n.max(1);
        self
    }
    /// Sets [`SyncOptions::page_size`].
    pub fn page_size(mut self, n: i32) -> Self {
        self.page_size = n.max(1);
        self
    }
    /// Sets [`SyncOptions::overlap`].
    pub fn overlap(mut self, overlap: Duration) -> Self {
        self.overlap = overlap;
        self
    }
    /// Sets [`SyncOptions::max_batches`].
    pub fn max_batches(mut self, n: Option<u64>) -> Self {
        self.max_batches = n;
        self
    }
}

/// How a stream's run ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "error")]
pub enum StreamOutcome {
    /// Read to its end.
    Complete,
    /// Stopped early (Ctrl-C, `max_batches`, or another stream's authentication failure);
    /// what was committed stays, and a rerun continues.
    Interrupted,
    /// Failed; the message says why. A rerun continues after the last committed batch.
    Failed(String),
}

/// What one stream did in a run.
#[derive(Clone, Debug, Serialize)]
pub struct StreamReport {
    /// The stream.
    pub stream: String,
    /// How it ended.
    #[serde(flatten)]
    pub outcome: StreamOutcome,
    /// Records committed in this run.
    pub records: u64,
    /// Pages or batches read.
    pub pages: u64,
    /// Records marked deleted (whole reads into SQLite).
    pub deleted: u64,
    /// Seconds it took.
    pub seconds: f64,
}

/// What a whole run did.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// One report per stream, by name.
    pub streams: Vec<StreamReport>,
    /// Seconds the run took.
    pub seconds: f64,
}

impl Summary {
    /// The streams that failed.
    pub fn failed(&self) -> impl Iterator<Item = &StreamReport> {
        self.streams
            .iter()
            .filter(|s| matches!(s.outcome, StreamOutcome::Failed(_)))
    }

    /// Records committed by every stream.
    pub fn records(&self) -> u64 {
        self.streams.iter().map(|s| s.records).sum()
    }
}

/// What a sync tells its watcher (the CLI's progress lines).
pub trait Progress: Send + Sync {
    /// A stream started.
    fn started(&self, stream: &StreamDef);
    /// A batch was committed: totals so far in this run, and the list's `totalCount` when
    /// the server sent one.
    fn committed(&self, stream: &StreamDef, records: u64, pages: u64, total: Option<i64>);
    /// A stream ended.
    fn finished(&self, stream: &StreamDef, report: &StreamReport);
}

/// A watcher that ignores everything.
pub struct Quiet;

impl Progress for Quiet {
    fn started(&self, _: &StreamDef) {}
    fn committed(&self, _: &StreamDef, _: u64, _: u64, _: Option<i64>) {}
    fn finished(&self, _: &StreamDef, _: &StreamReport) {}
}

/// Runs `streams` into `destination`. Each stream runs on its own (up to
/// `stream_concurrency` at once), all sharing the runtime's limiter; one stream's failure does
/// not stop the others, an authentication failure stops all. `stop` turning true (Ctrl-C)
/// stops every stream after its current commit.
///
/// # Errors
/// [`Error::Auth`] when the credentials are refused; per-stream failures are in the
/// [`Summary`].
pub async fn run(
    runtime: &Runtime,
    destination: impl Into<Shared>,
    streams: &[StreamDef],
    options: &SyncOptions,
    progress: Arc<dyn Progress>,
    stop: watch::Receiver<bool>,
) -> Result<Summary, Error> {
    let started = Instant::now();
    let destination: Shared = destination.into();
    let replaces = destination.replaces_by_key();
    let slots = Arc::new(Semaphore::new(options.stream_concurrency.max(1)));
    // Set when a stream meets an authentication failure: every stream stops.
    let (abort_tx, abort_rx) = watch::channel(None::<String>);
    let abort_tx = Arc::new(abort_tx);
    // Longest streams first: an export reads one page after another, so a long one started
    // last would keep the run going alone. A stream's length is the records it has committed
    // (over its runs, as its state counts them); before any run, exports (usually the big
    // ones) go first.
    // The saved states are read once, here, off the async threads; each job starts from its
    // own, and a state that cannot be read fails its stream only.
    let mut order: Vec<(usize, StreamDef, Result<StreamState, String>)> = {
        let (destination, streams) = (destination.clone(), streams.to_vec());
        tokio::task::spawn_blocking(move || {
            destination.with(|d| {
                streams
                    .into_iter()
                    .enumerate()
                    .map(|(index, stream)| {
                        let saved = d
                            .state(&stream)
                            .map(Option::unwrap_or_default)
                            .map_err(|e| format!("reading its saved state: {e}"));
                        (index, stream, saved)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .await
        .map_err(|e| Error::Other(format!("reading the saved states failed: {e}")))?
    };
    order.sort_by_key(|(_, s, saved)| {
        (
            std::cmp::Reverse(saved.as_ref().map_or(0, |s| s.records)),
            s.kind != StreamKind::Export,
        )
    });
    let mut tasks = tokio::task::JoinSet::new();
    for (index, stream, saved) in order {
        let job = StreamJob {
            saved,
            runtime: runtime.clone(),
            destination: destination.clone(),
            replaces,
            stream,
            options: options.clone(),
            progress: progress.clone(),
            stop: stop.clone(),
            abort: abort_rx.clone(),
        };
        // The slot is taken here, in order: spawned tasks start in no particular order, and
        // a long stream that got its slot late would end the run alone.
        let slot = slots.clone().acquire_owned().await;
        // Reported here, not in the task, so progress shows streams in the order they start.
        job.progress.started(&job.stream);
        let abort_tx = abort_tx.clone();
        tasks.spawn(async move {
            let _slot = slot;
            let t0 = Instant::now();
            let mut tally = Tally::default();
            let result = if job.stopped() {
                Ok(false)
            } else {
                job.run(&mut tally).await
            };
            let mut refused = None;
            let outcome = match result {
                Ok(true) => StreamOutcome::Complete,
                Ok(false) => StreamOutcome::Interrupted,
                Err(e) => {
                    let message = e.to_string();
                    if matches!(e, Error::Auth(_)) {
                        let _ = abort_tx.send(Some(message.clone()));
                        refused = Some(e);
                    }
                    StreamOutcome::Failed(message)
                }
            };
            let report = StreamReport {
                stream: job.stream.name.to_string(),
                outcome,
                records: tally.records,
                pages: tally.pages,
                deleted: tally.deleted,
                seconds: t0.elapsed().as_secs_f64(),
            };
            job.progress.finished(&job.stream, &report);
            (index, report, refused)
        });
    }
    let mut reports: Vec<(usize, StreamReport)> = Vec::with_capacity(streams.len());
    let mut refused = None;
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok((index, report, auth)) => {
                reports.push((index, report));
                refused = refused.or(auth);
            }
            Err(e) => return Err(Error::Other(format!("a stream's task failed: {e}"))),
        }
    }
    reports.sort_by_key(|(i, _)| *i);
    if let Some(e) = refused {
        return Err(e);
    }
    Ok(Summary {
        streams: reports.into_iter().map(|(_, r)| r).collect(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[derive(Default)]
struct Tally {
    records: u64,
    pages: u64,
    deleted: u64,
}

struct StreamJob {
    /// The stream's state when the run started.
    saved: Result<StreamState, String>,
    runtime: Runtime,
    destination: Shared,
    /// Whether the destination replaces records by key (else it appends).
    replaces: bool,
    stream: StreamDef,
    options: SyncOptions,
    progress: Arc<dyn Progress>,
    stop: watch::Receiver<bool>,
    abort: watch::Receiver<Option<String>>,
}

fn now() -> String {
    time_text(Utc::now())
}

fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

impl StreamJob {
    fn stopped(&self) -> bool {
        *self.stop.borrow() || self.abort.borrow().is_some()
    }

    /// Whether the stream stops after its `read`-th batch of this run (Ctrl-C, another
    /// stream's authentication failure, `max_batches`).
    fn stop_after(&self, read: u64) -> bool {
        self.stopped() || self.options.max_batches.is_some_and(|m| read >= m)
    }

    /// Runs `f` on the destination off the async threads (file syncs, SQLite).
    async fn with_destination<T, F>(&self, f: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Destination) -> Result<T, Error> + Send + 'static,
    {
        let destination = self.destination.clone();
        tokio::task::spawn_blocking(move || destination.with(f))
            .await
            .map_err(|e| Error::Other(format!("a destination task failed: {e}")))?
    }

    async fn commit(&self, records: Vec<Record>, state: StreamState) -> Result<(), Error> {
        let stream = self.stream;
        self.with_destination(move |d| {
            d.commit(&Batch {
                stream: &stream,
                records: &records,
                state: &state,
                synced_at: &now(),
            })
        })
        .await
    }

    /// Whether this run reads the stream whole to find vanished records: asked for, or the
    /// last whole read is older than `reconcile_every`.
    fn reconcile_due(&self, state: &StreamState) -> bool {
        self.options.reconcile
            || self.options.reconcile_every.is_some_and(|every| {
                let last = state.full_read_at.as_deref().and_then(parse_time);
                last.is_none_or(|t| {
                    Utc::now()
                        .signed_duration_since(t)
                        .to_std()
                        .unwrap_or_default()
                        > every
                })
            })
    }

    fn request(&self) -> DynamicRequest {
        let mut request =
            DynamicRequest::new(self.runtime.clone(), self.stream.module, self.stream.op);
        if self.stream.takes_active {
            // Lists return only active records unless asked: a copy wants them all.
            request = request.query(wire::ACTIVE, "Any");
        }
        request
    }

    /// `Ok(true)` when the stream was read to its end, `Ok(false)` when it stopped early.
    async fn run(&self, tally: &mut Tally) -> Result<bool, Error> {
        let saved = self.saved.clone().map_err(Error::Other)?;
        match self.stream.kind {
            StreamKind::Export => self.run_export(saved, tally).await,
            StreamKind::List => self.run_list(saved, tally).await,
        }
    }

    async fn run_export(&self, mut state: StreamState, tally: &mut Tally) -> Result<bool, Error> {
        let replaces = self.replaces;
        // A run from no token and no `since` reads the stream whole; asked for (`full`, a due
        // reconcile), it starts over from the beginning. Either is resumable like any run.
        let restart = self.options.full || self.reconcile_due(&state);
        let fresh = state.token.is_none();
        let start_new = match &state.run {
            None => restart || fresh,
            Some(run) => restart && !run.whole,
        };
        if start_new {
            state.token = None;
            state.run = Some(RunState {
                whole: self.options.since.is_none(),
                started_at: now(),
                ..RunState::default()
            });
            if restart && !replaces {
                let stream = self.stream;
                self.with_destination(move |d| d.restart(&stream)).await?;
                state.records = 0;
            }
            self.commit(Vec::new(), state.clone()).await?;
        }
        let from = state
            .token
            .clone()
            .or_else(|| self.options.since.map(time_text));
        let mut batches = std::pin::pin!(self.request().stream_export(from));
        let mut read = 0u64;
        let mut next = batches.next().await;
        while let Some(batch) = next {
            let batch = batch.map_err(|e| self.request().name_paging_error(e))?;
            let records: Vec<Record> = batch.items.into_iter().map(Record::new).collect();
            let n = records.len() as u64;
            if let Some(token) = batch.continue_from {
                state.token = Some(token);
            }
            state.records += n;
            let last = !batch.has_more;
            if last {
                state.completed_at = Some(now());
            }
            read += 1;
            let go_on = !last && !self.stop_after(read);
            // The next page (its token is known) is fetched while this one is committed.
            // A failed commit ends the stream at once, the fetch with it.
            let ((), following) = futures::try_join!(self.commit(records, state.clone()), async {
                Ok(fetch_if(go_on, batches.next()).await)
            })?;
            tally.records += n;
            tally.pages += 1;
            self.progress
                .committed(&self.stream, tally.records, tally.pages, None);
            if last {
                break;
            }
            if !go_on || self.stopped() {
                return Ok(false);
            }
            next = following;
        }
        self.finish_whole_read(state, tally).await?;
        Ok(true)
    }

    async fn run_list(&self, mut state: StreamState, tally: &mut Tally) -> Result<bool, Error> {
        let incremental = self.stream.incremental.is_some();
        let replaces = self.replaces;
        let whole_wanted = self.options.full || self.reconcile_due(&state) || !incremental;
        // Continue an interrupted run, unless this run wants a whole read and that one was not.
        let resume = state
            .run
            .clone()
            .filter(|r| !self.options.full && (r.whole || !whole_wanted));
        let run = match resume {
            Some(run) => run,
            None => {
                let since = if !incremental {
                    None
                } else if whole_wanted {
                    self.options.since
                } else {
                    state
                        .watermark
                        .as_deref()
                        .and_then(parse_time)
                        .map(|w| w - self.options.overlap)
                        .or(self.options.since)
                };
                let run = RunState {
                    since: since.map(time_text),
                    next_page: 1,
                    whole: since.is_none(),
                    started_at: now(),
                    ..RunState::default()
                };
                // A file holds a log of what was read: a whole read starts it over.
                if run.whole && !replaces {
                    let stream = self.stream;
                    self.with_destination(move |d| d.restart(&stream)).await?;
                    state.records = 0;
                    state.edge.clear();
                }
                state.run = Some(run.clone());
                self.commit(Vec::new(), state.clone()).await?;
                run
            }
        };
        let mut request = self
            .request()
            .query(wire::PAGE_SIZE, self.options.page_size.to_string());
        if let (Some(param), Some(since)) = (self.stream.incremental, &run.since) {
            request = request.query(param, since.clone());
        }
        // Versions the previous run already wrote near its watermark (files skip them).
        let skip: std::collections::HashSet<String> = if replaces {
            Default::default()
        } else {
            state.edge.iter().cloned().collect()
        };
        let mut run = run;
        let mut pages = std::pin::pin!(request
            .clone()
            .stream_pages_concurrently_from(run.next_page, self.options.page_concurrency));
        let mut read = 0u64;
        // List pages yield to the exports' pages in the tenant's pacer: an export reads one
        // page after another, and each of its pages queued behind every list page already
        // asked for would stretch the whole run.
        let mut next = background(pages.next()).await;
        while let Some(page) = next {
            let page = page.map_err(|e| request.name_paging_error(e))?;
            let mut records: Vec<Record> = page.items.into_iter().map(Record::new).collect();
            if !skip.is_empty() {
                records.retain(|r| !skip.contains(&r.version()));
            }
            let mut max = run.max_modified.as_deref().and_then(parse_time);
            for r in &records {
                if let Some(t) = r.modified_on {
                    if max.is_none_or(|m| t > m) {
                        max = Some(t);
                    }
                }
            }
            if let Some(max) = max {
                run.max_modified = Some(time_text(max));
                // Keep the versions within the overlap below the highest `modifiedOn`.
                let floor = max - self.options.overlap;
                run.edge
                    .retain(|v| version_time(v).is_none_or(|t| t >= floor));
                run.edge.extend(
                    records
                        .iter()
                        .filter(|r| r.modified_on.is_some_and(|t| t >= floor))
                        .map(Record::version),
                );
            }
            run.next_page = page.number.saturating_add(1);
            let n = records.len() as u64;
            state.records += n;
            let last = !page.has_more;
            if last {
                state.watermark = match (state.watermark.as_deref().and_then(parse_time), max) {
                    (Some(w), Some(m)) => Some(time_text(w.max(m))),
                    (w, m) => w.or(m).map(time_text),
                };
                state.edge = std::mem::take(&mut run.edge);
                state.completed_at = Some(now());
                if run.whole {
                    state.full_read_at = Some(run.started_at.clone());
                }
                state.run = Some(run.clone()).filter(|_| run.whole);
            } else {
                state.run = Some(run.clone());
            }
            read += 1;
            let go_on = !last && !self.stop_after(read);
            // The pages in flight go on while this one is committed.
            let ((), following) = futures::try_join!(self.commit(records, state.clone()), async {
                Ok(fetch_if(go_on, background(pages.next())).await)
            })?;
            tally.records += n;
            tally.pages += 1;
            self.progress
                .committed(&self.stream, tally.records, tally.pages, page.total_count);
            if last {
                break;
            }
            if !go_on || self.stopped() {
                return Ok(false);
            }
            next = following;
        }
        self.finish_whole_read(state, tally).await?;
        Ok(true)
    }

    /// After a stream was read to its end: if the read was whole, the records it did not see
    /// are marked deleted, and the run is closed.
    async fn finish_whole_read(
        &self,
        mut state: StreamState,
        tally: &mut Tally,
    ) -> Result<(), Error> {
        let Some(run) = state.run.take() else {
            return Ok(());
        };
        if run.whole {
            let stream = self.stream;
            let since = run.started_at.clone();
            tally.deleted = self
                .with_destination(move |d| {
                    d.mark_unseen_deleted(&Unseen {
                        stream: &stream,
                        since: &since,
                        at: &now(),
                    })
                })
                .await?;
            state.full_read_at = Some(run.started_at);
        }
        self.commit(Vec::new(), state).await
    }
}

/// The next page when the stream goes on, else nothing (and no request).
async fn fetch_if<T>(go_on: bool, next: impl std::future::Future<Output = Option<T>>) -> Option<T> {
    if go_on {
        next.await
    } else {
        None
    }
}

/// The `modifiedOn` of a `key@modifiedOn` version.
fn version_time(version: &str) -> Option<DateTime<Utc>> {
    version.rsplit_once('@').and_then(|(_, t)| parse_time(t))
}
