//! `EventSync`: events drive syncs, bursts coalesce, the checkpoint waits for committed syncs,
//! and a crash between the journal and a sync loses nothing. The sync is a counter here; the
//! CLI's tests run the real one into SQLite.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use servicetitan_webhooks::{
    Event, EventSync, EventSyncMonitor, EventSyncStats, Journal, Shutdown, StreamSync, SyncFuture,
};
use tokio::sync::{oneshot, Semaphore};

/// A sync that records its calls, optionally waits for a permit per run, and fails the
/// first `fail` runs.
#[derive(Clone, Default)]
struct Fake {
    calls: Arc<Mutex<Vec<&'static str>>>,
    gate: Option<Arc<Semaphore>>,
    fail: Arc<AtomicU32>,
}

impl Fake {
    fn gated() -> Fake {
        Fake {
            gate: Some(Arc::new(Semaphore::new(0))),
            ..Fake::default()
        }
    }

    fn calls(&self) -> Vec<&'static str> {
        self.calls.lock().unwrap().clone()
    }

    fn open(&self) -> Arc<Semaphore> {
        let gate = self.gate.clone().unwrap();
        gate.add_permits(Semaphore::MAX_PERMITS / 2);
        gate
    }

    fn syncer(&self) -> impl StreamSync {
        let me = self.clone();
        move |stream: &'static str, mut stop: tokio::sync::watch::Receiver<bool>| -> SyncFuture {
            let me = me.clone();
            Box::pin(async move {
                me.calls.lock().unwrap().push(stream);
                if let Some(gate) = &me.gate {
                    tokio::select! {
                        permit = gate.acquire() => permit.unwrap().forget(),
                        _ = stop.wait_for(|s| *s) => return Err("interrupted".to_string()),
                    }
                }
                let failing = me
                    .fail
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok();
                if failing {
                    Err("the API said no".to_string())
                } else {
                    Ok(1)
                }
            })
        }
    }
}

async fn append(journal: &Journal, n: &mut u32, event_type: &str) {
    *n += 1;
    let body = format!(r#"{{"eventId":"e-{n}","eventType":"{event_type}","entityId":{n}}}"#);
    journal
        .append(&Event::parse(body.as_bytes()).unwrap())
        .await
        .unwrap();
}

/// Waits (at most 60 s, checking every 5 ms) until `done` holds for the driver's counters.
async fn until(monitor: &EventSyncMonitor, what: &str, done: impl Fn(&EventSyncStats) -> bool) {
    for _ in 0..12_000 {
        if done(&monitor.stats()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("timed out waiting for {what}: {:?}", monitor.stats());
}

async fn until_calls(fake: &Fake, n: usize) {
    for _ in 0..12_000 {
        if fake.calls().len() >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("timed out waiting for {n} sync calls: {:?}", fake.calls());
}

fn len(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().len()
}

/// A driver running on its own task, stopped by `stop`.
fn spawn(
    driver: EventSync<impl StreamSync>,
) -> (
    EventSyncMonitor,
    oneshot::Sender<Shutdown>,
    tokio::task::JoinHandle<EventSyncStats>,
) {
    let monitor = driver.monitor();
    let (tx, rx) = oneshot::channel();
    let task = tokio::spawn(async move {
        driver
            .run(async move { rx.await.unwrap_or(Shutdown::Interrupt) })
            .await
            .unwrap()
    });
    (monitor, tx, task)
}

#[tokio::test]
async fn a_burst_for_a_running_stream_causes_exactly_one_more_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.ndjson");
    let journal = Journal::open(&path).unwrap();
    let fake = Fake::gated();
    let driver = EventSync::open(&path, dir.path().join("sync.checkpoint"), fake.syncer())
        .unwrap()
        .poll_every(Duration::from_millis(5));
    let (monitor, stop, task) = spawn(driver);

    let mut n = 0;
    append(&journal, &mut n, "Job.Created").await;
    // The first event starts a run, which waits at the gate ...
    until_calls(&fake, 1).await;
    // ... while 49 more events for the stream arrive and are read.
    const BURST: u64 = 50;
    for _ in 1..BURST {
        append(&journal, &mut n, "Job.Updated").await;
    }
    until(&monitor, "the burst read", |s| s.entries == BURST).await;
    assert_eq!(fake.calls(), ["jpm.jobs"], "no run per event");
    assert_eq!(monitor.stats().checkpoint, 0, "nothing synced yet");
    fake.open();
    until(&monitor, "every entry synced", |s| {
        s.waiting == 0 && s.running == 0
    })
    .await;
    stop.send(Shutdown::Drain).unwrap();
    let stats = task.await.unwrap();
    assert_eq!(
        fake.calls(),
        ["jpm.jobs", "jpm.jobs"],
        "one run, then exactly one more for the burst"
    );
    assert_eq!(stats.started("jpm.jobs"), 2);
    assert_eq!(stats.checkpoint, len(&path));
}

#[tokio::test]
async fn a_backlog_is_read_whole_one_run_per_stream_and_unknown_types_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.ndjson");
    let journal = Journal::open(&path).unwrap();
    let mut n = 0;
    for i in 0..30 {
        let event_type = ["Job.Updated", "Customer.Updated", "Mystery.Happened"][i % 3];
        append(&journal, &mut n, event_type).await;
    }
    let fake = Fake::default();
    let stats = EventSync::open(&path, dir.path().join("sync.checkpoint"), fake.syncer())
        .unwrap()
        .run(async { Shutdown::Drain })
        .await
        .unwrap();
    let mut calls = fake.calls();
    calls.sort();
    assert_eq!(calls, ["crm.customers", "jpm.jobs"]);
    assert_eq!((stats.entries, stats.unmapped), (30, 10));
    assert_eq!(stats.checkpoint, len(&path));
}

#[tokio::test]
async fn a_crash_between_journal_and_sync_loses_nothing_and_a_restart_syncs_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.ndjson");
    let checkpoint = dir.path().join("sync.checkpoint");
    let journal = Journal::open(&path).unwrap();
    let mut n = 0;
    for event_type in [
        "Job.Created",
        "Customer.Created",
        "Job.Updated",
        "Mystery.Happened",
    ] {
        append(&journal, &mut n, event_type).await;
    }

    // The first process reads the entries and starts both syncs, which never commit: then it
    // dies (its task is aborted, its syncs with it).
    let stuck = Fake::gated();
    let (monitor, _stop, task) =
        spawn(EventSync::open(&path, &checkpoint, stuck.syncer()).unwrap());
    until_calls(&stuck, 2).await;
    until(&monitor, "the entries read", |s| s.entries == 4).await;
    task.abort();
    let _ = task.await;
    assert!(
        !checkpoint.exists(),
        "no checkpoint while no sync has committed"
    );

    // The restart reads them again: each stream syncs once, and the checkpoint moves to the end.
    let fake = Fake::default();
    let stats = EventSync::open(&path, &checkpoint, fake.syncer())
        .unwrap()
        .run(async { Shutdown::Drain })
        .await
        .unwrap();
    let mut calls = fake.calls();
    calls.sort();
    assert_eq!(calls, ["crm.customers", "jpm.jobs"]);
    assert_eq!(stats.checkpoint, len(&path));

    // Another restart has nothing left to do.
    let idle = Fake::default();
    let stats = EventSync::open(&path, &checkpoint, idle.syncer())
        .unwrap()
        .run(async { Shutdown::Drain })
        .await
        .unwrap();
    assert!(idle.calls().is_empty(), "{:?}", idle.calls());
    assert_eq!(stats.entries, 0);
}

#[tokio::test]
async fn an_entry_waits_behind_a_stream_still_syncing_and_a_failed_sync_is_retried() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.ndjson");
    let journal = Journal::open(&path).unwrap();
    let mut n = 0;
    append(&journal, &mut n, "Customer.Created").await;
    let after_customer = len(&path);
    append(&journal, &mut n, "Job.Created").await;
    append(&journal, &mut n, "Customer.Updated").await;

    // Jobs: the first run waits at a gate, then fails; the retry succeeds.
    let jobs = Fake::gated();
    jobs.fail.store(1, Ordering::SeqCst);
    let customers = Fake::default();
    let driver = EventSync::open(&path, dir.path().join("sync.checkpoint"), {
        let (jobs, customers) = (jobs.syncer(), customers.syncer());
        move |stream: &'static str, stop| -> SyncFuture {
            match stream {
                "jpm.jobs" => jobs.sync(stream, stop),
                _ => customers.sync(stream, stop),
            }
        }
    })
    .unwrap()
    .poll_every(Duration::from_millis(5))
    .retry_after(Duration::from_millis(10), Duration::from_millis(40));
    let (monitor, stop, task) = spawn(driver);
    // (`running` is published after the checkpoint moved.)
    until(&monitor, "customers synced", |s| {
        s.runs
            .get("crm.customers")
            .is_some_and(|r| r.succeeded == 1)
            && s.running == 1
    })
    .await;
    // The customer entry before the job entry is done; the job entry (and what follows) waits.
    let stats = monitor.stats();
    assert_eq!(stats.checkpoint, after_customer, "{stats:?}");
    assert_eq!(stats.waiting, 2);

    jobs.open();
    until(&monitor, "jobs synced after a retry", |s| {
        s.runs.get("jpm.jobs").is_some_and(|r| r.succeeded == 1)
    })
    .await;
    until(&monitor, "the checkpoint at the end", |s| {
        s.checkpoint == len(&path)
    })
    .await;
    stop.send(Shutdown::Interrupt).unwrap();
    let stats = task.await.unwrap();
    let runs = stats.runs["jpm.jobs"];
    assert_eq!((runs.started, runs.failed, runs.succeeded), (2, 1, 1));
    assert_eq!(stats.runs["crm.customers"].started, 1);
}

#[tokio::test]
async fn catch_up_rounds_run_the_streams_without_events() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.ndjson");
    let _journal = Journal::open(&path).unwrap();
    let fake = Fake::default();
    let driver = EventSync::open(&path, dir.path().join("sync.checkpoint"), fake.syncer())
        .unwrap()
        .catch_up_every(Some(Duration::from_millis(20)))
        .catch_up_streams(vec!["jpm.jobs", "crm.customers"]);
    let (monitor, stop, task) = spawn(driver);
    until(&monitor, "two catch-up rounds", |s| {
        s.runs.get("jpm.jobs").is_some_and(|r| r.succeeded >= 2)
            && s.runs
                .get("crm.customers")
                .is_some_and(|r| r.succeeded >= 2)
    })
    .await;
    stop.send(Shutdown::Interrupt).unwrap();
    let stats = task.await.unwrap();
    assert!(stats.catch_ups >= 2, "{stats:?}");
    assert_eq!((stats.entries, stats.checkpoint), (0, 0));
}

#[test]
fn every_catch_up_stream_comes_from_the_table() {
    let streams = servicetitan_webhooks::table_streams();
    assert!(streams.contains(&"jpm.jobs") && streams.contains(&"crm.customers"));
    let mut unique = streams.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), streams.len());
}
