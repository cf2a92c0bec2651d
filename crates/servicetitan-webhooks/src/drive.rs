//! Events drive sync: read the journal behind a checkpoint, map each event to its stream
//! ([`stream_for`]), run that stream's incremental sync, and advance the checkpoint only past
//! entries whose syncs have committed.
//!
//! The sync itself is the caller's ([`StreamSync`]): this crate knows streams by name only,
//! so it stays free of the API client, and the same driver serves any destination (the CLI
//! plugs in `servicetitan-sync`; tests plug in a counter).
//!
//! # Coalescing
//!
//! Each stream is in one of three states: idle, running, or running and *dirty*. An event
//! for an idle stream starts its sync; events for a running stream mark it dirty, and a dirty
//! stream runs exactly once more when the current run ends, however many events arrived
//! meanwhile. Entries already in the journal when they are read (a burst, or a restart) are
//! read together before anything starts, so they cost one run per stream.
//!
//! # Nothing lost
//!
//! An entry is *done* once a run of its stream that started after the entry was read has
//! succeeded (such a run sees the change the event announced). The checkpoint advances to the
//! end of the longest prefix of done entries, so after a crash, the entries whose syncs had
//! not committed are read again and trigger their syncs again. A sync is idempotent (it
//! continues from the stream's saved position), so running one again is harmless. A failed
//! run is retried after a backoff; until it succeeds, the checkpoint waits for it.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::journal::{Checkpoint, Consumer, JournalError};
use crate::streams::{stream_for, EVENT_STREAMS};

/// Most journal entries read in one step (a large backlog is read in several).
const READ_BATCH: usize = 4096;

/// What a [`StreamSync`] returns: `Ok(records committed)` once the run has committed what it
/// read, `Err` with the reason otherwise (an interrupted run is an error too: it did not
/// finish).
pub type SyncFuture = Pin<Box<dyn Future<Output = Result<u64, String>> + Send + 'static>>;

/// Runs one stream's incremental sync. Implemented for closures
/// `Fn(&'static str, watch::Receiver<bool>) -> SyncFuture`.
pub trait StreamSync: Send + Sync + 'static {
    /// Syncs `stream` (a name from [`EVENT_STREAMS`], `jpm.jobs`) from where its last run
    /// stopped. `stop` turns true when the driver is interrupted: stop after the batch in
    /// flight (what was committed stays).
    fn sync(&self, stream: &'static str, stop: watch::Receiver<bool>) -> SyncFuture;
}

impl<F> StreamSync for F
where
    F: Fn(&'static str, watch::Receiver<bool>) -> SyncFuture + Send + Sync + 'static,
{
    fn sync(&self, stream: &'static str, stop: watch::Receiver<bool>) -> SyncFuture {
        self(stream, stop)
    }
}

/// Why a stream's sync runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// Events for the stream were journaled.
    Event,
    /// The periodic catch-up run ([`EventSync::catch_up_every`]).
    CatchUp,
    /// The previous run failed; this one tries again.
    Retry,
}

impl Trigger {
    /// `event`, `catch-up` or `retry`.
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Event => "event",
            Trigger::CatchUp => "catch-up",
            Trigger::Retry => "retry",
        }
    }
}

/// What the driver tells its watcher (the CLI's lines). Every method does nothing unless
/// overridden.
pub trait SyncObserver: Send + Sync + 'static {
    /// An entry whose event type maps to no stream (journaled, not synced).
    fn unmapped(&self, event_type: Option<&str>, key: &str) {
        let _ = (event_type, key);
    }
    /// A stream's sync started.
    fn started(&self, stream: &'static str, trigger: Trigger) {
        let _ = (stream, trigger);
    }
    /// A stream's sync ended.
    fn finished(&self, stream: &'static str, result: &Result<u64, String>, elapsed: Duration) {
        let _ = (stream, result, elapsed);
    }
}

/// An observer that ignores everything.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silent;

impl SyncObserver for Silent {}

/// How [`EventSync::run`] ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shutdown {
    /// Read the journal once more, run the syncs that are due (no retries, no catch-up), then
    /// stop.
    Drain,
    /// Start nothing more; running syncs are told to stop after their batch in flight.
    /// Entries whose syncs did not finish stay behind the checkpoint.
    Interrupt,
}

/// Runs of one stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamRuns {
    /// Runs started.
    pub started: u64,
    /// Runs that succeeded.
    pub succeeded: u64,
    /// Runs that failed (or were interrupted).
    pub failed: u64,
    /// Records the successful runs committed.
    pub records: u64,
}

/// What an [`EventSync`] has done so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EventSyncStats {
    /// Journal entries read.
    pub entries: u64,
    /// Entries whose event type maps to no stream.
    pub unmapped: u64,
    /// Runs per stream.
    pub runs: BTreeMap<&'static str, StreamRuns>,
    /// Periodic catch-up rounds begun.
    pub catch_ups: u64,
    /// The committed checkpoint (journal offset).
    pub checkpoint: u64,
    /// Syncs running now.
    pub running: usize,
    /// Entries read whose syncs have not committed yet (behind the checkpoint).
    pub waiting: u64,
}

impl EventSyncStats {
    /// Runs started of `stream` (0 if none).
    pub fn started(&self, stream: &str) -> u64 {
        self.runs.get(stream).map_or(0, |r| r.started)
    }
}

/// A handle that reads an [`EventSync`]'s counters while it runs.
#[derive(Clone, Debug, Default)]
pub struct EventSyncMonitor(Arc<Mutex<EventSyncStats>>);

impl EventSyncMonitor {
    /// The counters now.
    pub fn stats(&self) -> EventSyncStats {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn update(&self, f: impl FnOnce(&mut EventSyncStats)) {
        f(&mut self.0.lock().unwrap_or_else(|p| p.into_inner()));
    }
}

/// The streams [`EVENT_STREAMS`] names, each once, in the table's order: what a catch-up
/// round syncs unless told otherwise.
pub fn table_streams() -> Vec<&'static str> {
    let mut streams: Vec<&'static str> = Vec::new();
    for (_, stream) in EVENT_STREAMS {
        if !streams.contains(stream) {
            streams.push(stream);
        }
    }
    streams
}

/// Drives incremental syncs from the journal.
///
/// Each entry's event type is mapped to its stream ([`stream_for`]); entries of types the
/// table does not list are skipped (logged, and told to the [`SyncObserver`]).
///
/// **Coalescing.** An event for an idle stream starts its sync; events for a stream that is
/// syncing make it run exactly once more when the current run ends, however many arrived.
/// Entries already in the journal when read (a burst, a restart) are read together before
/// anything starts: one run per stream.
///
/// **Nothing lost.** An entry is done once a run of its stream that started after the entry
/// was read has succeeded; the checkpoint moves to the end of the longest prefix of done
/// entries. After a crash, entries whose syncs had not committed are read again and trigger
/// their syncs again (harmless: a sync continues from its saved position). A failed run is
/// retried after a backoff, and the checkpoint waits for it.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use servicetitan_webhooks::{EventSync, Journal, Receiver, Shutdown, SyncFuture};
///
/// let receiver = Receiver::new(Journal::open("events.ndjson")?);
/// let sync = |stream: &'static str, _stop| -> SyncFuture {
///     Box::pin(async move {
///         println!("sync {stream}");
///         Ok(0)
///     })
/// };
/// let driver = EventSync::open("events.ndjson", "events.sync-checkpoint", sync)?
///     .wake_on(receiver.stored_signal())
///     .catch_up_every(Some(Duration::from_secs(15 * 60)));
/// let stats = driver.run(async { let _ = tokio::signal::ctrl_c().await; Shutdown::Interrupt }).await?;
/// println!("{stats:?}");
/// # Ok(()) }
/// ```
pub struct EventSync<S> {
    consumer: Consumer,
    syncer: Arc<S>,
    observer: Arc<dyn SyncObserver>,
    wake: Option<Arc<Notify>>,
    poll_every: Duration,
    catch_up_every: Option<Duration>,
    catch_up_streams: Vec<&'static str>,
    concurrency: usize,
    retry_first: Duration,
    retry_max: Duration,
    monitor: EventSyncMonitor,
}

impl<S> std::fmt::Debug for EventSync<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventSync")
            .field("consumer", &self.consumer)
            .field("poll_every", &self.poll_every)
            .field("catch_up_every", &self.catch_up_every)
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

impl<S: StreamSync> EventSync<S> {
    /// Reads `journal` from the checkpoint in `checkpoint` (its own file: not the one of
    /// another consumer) and syncs with `syncer`.
    pub fn open(
        journal: impl AsRef<Path>,
        checkpoint: impl AsRef<Path>,
        syncer: S,
    ) -> Result<EventSync<S>, JournalError> {
        Ok(EventSync {
            consumer: Consumer::open(journal, checkpoint)?,
            syncer: Arc::new(syncer),
            observer: Arc::new(Silent),
            wake: None,
            poll_every: Duration::from_secs(1),
            catch_up_every: None,
            catch_up_streams: table_streams(),
            concurrency: 4,
            retry_first: Duration::from_secs(5),
            retry_max: Duration::from_secs(300),
            monitor: EventSyncMonitor::default(),
        })
    }

    /// Reads the journal as soon as `notify` is signalled (a [`Receiver`](crate::Receiver)'s
    /// [`stored_signal`](crate::Receiver::stored_signal) in the same process), besides
    /// polling.
    pub fn wake_on(mut self, notify: Arc<Notify>) -> Self {
        self.wake = Some(notify);
        self
    }

    /// How often the journal is read without a signal (default 1 s; a journal written by
    /// another process relies on it).
    pub fn poll_every(mut self, every: Duration) -> Self {
        self.poll_every = every.max(Duration::from_millis(1));
        self
    }

    /// Every `every` (the first after one period), an incremental run of every catch-up
    /// stream, whether or not events came: it catches changes whose events were missed. Not
    /// a whole re-read: each stream continues from its saved position. `None` (the default):
    /// off.
    pub fn catch_up_every(mut self, every: Option<Duration>) -> Self {
        self.catch_up_every = every.filter(|d| !d.is_zero());
        self
    }

    /// The streams a catch-up round syncs (default: [`table_streams`]).
    pub fn catch_up_streams(mut self, streams: Vec<&'static str>) -> Self {
        self.catch_up_streams = streams;
        self
    }

    /// How many streams sync at once (default 4, at least 1). Each stream runs at most
    /// once at a time.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// The wait before retrying a failed run (default 5 s), doubled after each further
    /// failure up to `max` (default 5 min).
    pub fn retry_after(mut self, first: Duration, max: Duration) -> Self {
        self.retry_first = first;
        self.retry_max = max.max(first);
        self
    }

    /// Who hears about runs and unmapped events (default: nobody).
    pub fn observer(mut self, observer: impl SyncObserver) -> Self {
        self.observer = Arc::new(observer);
        self
    }

    /// A handle on the counters, readable while [`run`](Self::run) runs.
    pub fn monitor(&self) -> EventSyncMonitor {
        self.monitor.clone()
    }

    /// Runs until `shutdown` resolves (and then as it says); returns the final counters.
    ///
    /// # Errors
    /// Reading the journal or writing the checkpoint failed. Failed syncs are not errors:
    /// they are retried.
    pub async fn run(
        self,
        shutdown: impl Future<Output = Shutdown>,
    ) -> Result<EventSyncStats, JournalError> {
        let EventSync {
            consumer,
            syncer,
            observer,
            wake,
            poll_every,
            catch_up_every,
            catch_up_streams,
            concurrency,
            retry_first,
            retry_max,
            monitor,
        } = self;
        let committed = consumer.checkpoint().offset;
        monitor.update(|s| s.checkpoint = committed);
        let consumer = Arc::new(Mutex::new(consumer));
        let mut state = State::default();
        let (stop_tx, stop_rx) = watch::channel(false);
        let mut tasks: JoinSet<Result<u64, String>> = JoinSet::new();
        let mut running: HashMap<tokio::task::Id, (&'static str, u64, Instant)> = HashMap::new();
        let mut shutdown = std::pin::pin!(shutdown);
        let mut mode: Option<Shutdown> = None;
        let mut read_again = true;
        // The journal is read first thing anyway: the first poll is one period away.
        let mut poll = tokio::time::interval_at(Instant::now() + poll_every, poll_every);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut catch_up = catch_up_every.map(|every| {
            let mut i = tokio::time::interval_at(Instant::now() + every, every);
            i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            i
        });
        let mut checkpoint = committed;
        loop {
            // 1. Everything journaled so far (a burst is read whole before anything starts).
            while read_again {
                let batch = read_batch(&consumer).await?;
                read_again = batch.len() == READ_BATCH;
                monitor.update(|s| s.entries += batch.len() as u64);
                for entry in batch {
                    match entry.event_type.as_deref().and_then(stream_for) {
                        Some(stream) => state.event(stream, entry.end),
                        None => {
                            tracing::info!(
                                event_type = entry.event_type.as_deref().unwrap_or("?"),
                                key = %entry.key,
                                "webhook event maps to no stream; journaled, not synced"
                            );
                            observer.unmapped(entry.event_type.as_deref(), &entry.key);
                            monitor.update(|s| s.unmapped += 1);
                            state.wait(None, entry.end);
                        }
                    }
                }
            }
            // 2. Start what is due, up to the concurrency.
            if mode != Some(Shutdown::Interrupt) {
                for (stream, trigger) in state.startable(concurrency.saturating_sub(tasks.len())) {
                    let n = state.start(stream);
                    observer.started(stream, trigger);
                    monitor.update(|s| s.runs.entry(stream).or_default().started += 1);
                    let handle = tasks.spawn(syncer.sync(stream, stop_rx.clone()));
                    running.insert(handle.id(), (stream, n, Instant::now()));
                }
            }
            // 3. The checkpoint, past every entry whose syncs have committed.
            if let Some(end) = state.done_until() {
                if end > checkpoint {
                    commit(&consumer, end).await?;
                    checkpoint = end;
                }
            }
            let waiting = state.waiting_entries();
            let in_flight = tasks.len();
            monitor.update(|s| {
                s.checkpoint = checkpoint;
                s.running = in_flight;
                s.waiting = waiting;
            });
            match mode {
                Some(Shutdown::Interrupt) if tasks.is_empty() => break,
                Some(Shutdown::Drain) if tasks.is_empty() && !state.anything_due() => break,
                _ => {}
            }
            let next_retry = if mode.is_none() {
                state.next_retry()
            } else {
                None
            };
            tokio::select! {
                s = &mut shutdown, if mode.is_none() => {
                    mode = Some(s);
                    match s {
                        Shutdown::Interrupt => { let _ = stop_tx.send(true); }
                        Shutdown::Drain => {
                            state.drop_retries();
                            read_again = true;
                        }
                    }
                }
                Some(done) = tasks.join_next_with_id(), if !tasks.is_empty() => {
                    let (id, result) = match done {
                        Ok((id, result)) => (id, result),
                        Err(e) => (e.id(), Err(format!("the sync task failed: {e}"))),
                    };
                    if let Some((stream, n, started)) = running.remove(&id) {
                        observer.finished(stream, &result, started.elapsed());
                        if let Err(why) = &result {
                            tracing::warn!(stream, error = %why, "event-driven sync failed");
                        }
                        monitor.update(|s| {
                            let runs = s.runs.entry(stream).or_default();
                            match &result {
                                Ok(records) => {
                                    runs.succeeded += 1;
                                    runs.records += records;
                                }
                                Err(_) => runs.failed += 1,
                            }
                        });
                        let retry = (mode.is_none() && result.is_err()).then(|| {
                            let failures = state.failures(stream);
                            let wait = retry_first
                                .saturating_mul(1u32 << failures.min(16))
                                .min(retry_max);
                            Instant::now() + wait
                        });
                        state.finish(stream, n, result.is_ok(), retry);
                    }
                }
                () = signalled(wake.as_deref()), if mode.is_none() => { read_again = true; }
                _ = poll.tick(), if mode.is_none() => { read_again = true; }
                _ = tick(catch_up.as_mut()), if mode.is_none() => {
                    monitor.update(|s| s.catch_ups += 1);
                    for stream in &catch_up_streams {
                        state.mark(stream, Trigger::CatchUp);
                    }
                }
                () = sleep_until(next_retry), if next_retry.is_some() => {}
            }
        }
        Ok(monitor.stats())
    }
}

async fn signalled(notify: Option<&Notify>) {
    match notify {
        Some(n) => n.notified().await,
        None => std::future::pending().await,
    }
}

async fn tick(interval: Option<&mut tokio::time::Interval>) {
    match interval {
        Some(i) => {
            i.tick().await;
        }
        None => std::future::pending().await,
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// A journal entry as the driver needs it.
struct Read {
    end: u64,
    key: String,
    event_type: Option<String>,
}

async fn read_batch(consumer: &Arc<Mutex<Consumer>>) -> Result<Vec<Read>, JournalError> {
    let consumer = Arc::clone(consumer);
    tokio::task::spawn_blocking(move || {
        let mut consumer = consumer.lock().unwrap_or_else(|p| p.into_inner());
        let mut batch = Vec::new();
        while batch.len() < READ_BATCH {
            let Some(entry) = consumer.next_entry()? else {
                break;
            };
            let event_type = entry
                .parse_event()
                .ok()
                .and_then(|e| e.event_type().map(str::to_string));
            batch.push(Read {
                end: entry.end,
                key: entry.key,
                event_type,
            });
        }
        Ok(batch)
    })
    .await
    .map_err(|_| JournalError::Closed)?
}

async fn commit(consumer: &Arc<Mutex<Consumer>>, offset: u64) -> Result<(), JournalError> {
    let consumer = Arc::clone(consumer);
    tokio::task::spawn_blocking(move || {
        consumer
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .commit(Checkpoint {
                offset,
                output_len: None,
            })
    })
    .await
    .map_err(|_| JournalError::Closed)?
}

/// One stream's place in the driver.
#[derive(Default)]
struct Slot {
    /// Due to run: since when (a sequence number, for fairness) and why.
    dirty: Option<(u64, Trigger)>,
    running: bool,
    /// Runs started (the number of the latest).
    started: u64,
    /// The number of the latest run that succeeded.
    last_ok: u64,
    /// Failures in a row.
    failures: u32,
    /// Not before this (after a failure).
    retry_at: Option<Instant>,
}

/// Entries read, in journal order, with the run each waits for; consecutive entries that
/// wait for the same run are one item.
struct Waiting {
    end: u64,
    /// The stream and the run number whose success makes these entries done; `None`: done.
    need: Option<(&'static str, u64)>,
    entries: u64,
}

#[derive(Default)]
struct State {
    slots: BTreeMap<&'static str, Slot>,
    waiting: VecDeque<Waiting>,
    seq: u64,
}

impl State {
    /// Marks `stream` due (keeping an earlier mark's place; an event outranks other reasons).
    fn mark(&mut self, stream: &'static str, trigger: Trigger) {
        self.seq += 1;
        let seq = self.seq;
        let slot = self.slots.entry(stream).or_default();
        slot.dirty = Some(match slot.dirty {
            Some((since, old)) => (
                since,
                if trigger == Trigger::Event {
                    trigger
                } else {
                    old
                },
            ),
            None => (seq, trigger),
        });
    }

    /// An entry for `stream` ending at `end`: it waits for the stream's next run.
    fn event(&mut self, stream: &'static str, end: u64) {
        self.mark(stream, Trigger::Event);
        let next = self.slots[stream].started + 1;
        self.wait(Some((stream, next)), end);
    }

    fn wait(&mut self, need: Option<(&'static str, u64)>, end: u64) {
        match self.waiting.back_mut() {
            Some(last) if last.need == need => {
                last.end = end;
                last.entries += 1;
            }
            _ => self.waiting.push_back(Waiting {
                end,
                need,
                entries: 1,
            }),
        }
    }

    /// Up to `room` streams that may start now, longest-waiting first.
    fn startable(&self, room: usize) -> Vec<(&'static str, Trigger)> {
        let now = Instant::now();
        let mut due: Vec<(u64, &'static str, Trigger)> = self
            .slots
            .iter()
            .filter(|(_, s)| !s.running && s.retry_at.is_none_or(|t| t <= now))
            .filter_map(|(name, s)| s.dirty.map(|(since, why)| (since, *name, why)))
            .collect();
        due.sort_by_key(|(since, name, _)| (*since, *name));
        due.into_iter()
            .take(room)
            .map(|(_, name, why)| (name, why))
            .collect()
    }

    /// Starts `stream`'s next run; returns its number.
    fn start(&mut self, stream: &'static str) -> u64 {
        let slot = self.slots.entry(stream).or_default();
        slot.dirty = None;
        slot.running = true;
        slot.retry_at = None;
        slot.started += 1;
        slot.started
    }

    fn failures(&self, stream: &str) -> u32 {
        self.slots.get(stream).map_or(0, |s| s.failures)
    }

    /// Run `n` of `stream` ended; a failed one runs again not before `retry` (`None`: not
    /// again, unless marked).
    fn finish(&mut self, stream: &'static str, n: u64, ok: bool, retry: Option<Instant>) {
        let slot = self.slots.entry(stream).or_default();
        slot.running = false;
        if ok {
            slot.last_ok = slot.last_ok.max(n);
            slot.failures = 0;
        } else {
            slot.failures = slot.failures.saturating_add(1);
            if let Some(at) = retry {
                slot.retry_at = Some(at);
                self.mark(stream, Trigger::Retry);
            }
        }
    }

    /// Gives up waiting retries (draining): their entries stay behind the checkpoint.
    fn drop_retries(&mut self) {
        for slot in self.slots.values_mut() {
            if slot.retry_at.take().is_some() {
                slot.dirty = None;
            }
        }
    }

    fn next_retry(&self) -> Option<Instant> {
        self.slots
            .values()
            .filter(|s| s.dirty.is_some() && !s.running)
            .filter_map(|s| s.retry_at)
            .min()
    }

    fn anything_due(&self) -> bool {
        self.slots.values().any(|s| s.dirty.is_some())
    }

    /// Drops the done entries at the front; returns the end of the last one dropped.
    fn done_until(&mut self) -> Option<u64> {
        let mut end = None;
        while let Some(front) = self.waiting.front() {
            let done = match front.need {
                None => true,
                Some((stream, n)) => self.slots.get(stream).is_some_and(|s| s.last_ok >= n),
            };
            if !done {
                break;
            }
            end = Some(front.end);
            self.waiting.pop_front();
        }
        end
    }

    fn waiting_entries(&self) -> u64 {
        self.waiting.iter().map(|w| w.entries).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_done_only_after_a_later_run_succeeds_and_in_journal_order() {
        let mut s = State::default();
        s.event("jpm.jobs", 10);
        s.event("crm.customers", 20);
        s.event("jpm.jobs", 30);
        assert_eq!(s.waiting.len(), 3);
        let due = s.startable(8);
        assert_eq!(
            due,
            [
                ("jpm.jobs", Trigger::Event),
                ("crm.customers", Trigger::Event)
            ]
        );
        let jobs = s.start("jpm.jobs");
        let customers = s.start("crm.customers");
        // An event while jobs run: one more run, whatever the number of events.
        s.event("jpm.jobs", 40);
        s.event("jpm.jobs", 50);
        assert_eq!(s.waiting.len(), 4, "the last two wait for the same run");
        s.finish("crm.customers", customers, true, None);
        assert_eq!(s.done_until(), None, "the first entry waits for jobs");
        s.finish("jpm.jobs", jobs, true, None);
        assert_eq!(s.done_until(), Some(30));
        assert_eq!(s.startable(8), [("jpm.jobs", Trigger::Event)]);
        let again = s.start("jpm.jobs");
        assert_eq!(again, 2);
        s.finish("jpm.jobs", again, false, Some(Instant::now()));
        assert_eq!(s.done_until(), None);
        assert_eq!(s.startable(8), [("jpm.jobs", Trigger::Retry)]);
        let third = s.start("jpm.jobs");
        s.finish("jpm.jobs", third, true, None);
        assert_eq!(s.done_until(), Some(50));
        assert!(!s.anything_due());
    }

    #[test]
    fn unmapped_entries_are_done_at_once_and_the_room_bounds_starts() {
        let mut s = State::default();
        s.wait(None, 5);
        s.wait(None, 9);
        assert_eq!(s.waiting_entries(), 2);
        assert_eq!(s.done_until(), Some(9));
        for (i, stream) in ["a.a", "b.b", "c.c"].into_iter().enumerate() {
            s.event(stream, 10 + i as u64);
        }
        assert_eq!(s.startable(2).len(), 2);
        assert_eq!(s.startable(2)[0].0, "a.a", "longest waiting first");
    }
}
