//! `servicetitan-sync` against the mock tenant: whole runs, incremental runs after writes,
//! interrupted and crashed runs resumed, whole reads marking vanished rows, faults per stream,
//! and the rate limit never exceeded.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use servicetitan::dynamic::DynamicRequest;
use servicetitan::ServiceTitan;
use servicetitan_mock::{MockTenant, Resource};
use servicetitan_sync::dest::Target;
use servicetitan_sync::{catalog, run, select, Quiet, StreamOutcome, Summary, SyncOptions};

mod postgres;

fn connect(mock: &MockTenant) -> ServiceTitan {
    connect_tenant(mock, mock.tenant_id())
}

/// A connection to one of the mock's tenants.
fn connect_tenant(mock: &MockTenant, tenant: i64) -> ServiceTitan {
    ServiceTitan::builder()
        .api_base_url(mock.base_url())
        .auth_url(mock.auth_url())
        .client_id(mock.client_id())
        .client_secret(mock.client_secret())
        .app_key(mock.app_key())
        .tenant(tenant)
        .build()
        .unwrap()
}

async fn sync(mock: &MockTenant, target: &Target, streams: &str, options: &SyncOptions) -> Summary {
    let st = connect(mock);
    let streams = select(&catalog(), streams).unwrap();
    let (_stop, stop) = tokio::sync::watch::channel(false);
    run(
        st.runtime(),
        target.open().unwrap(),
        &streams,
        options,
        Arc::new(Quiet),
        stop,
    )
    .await
    .unwrap()
}

fn outcome<'a>(summary: &'a Summary, stream: &str) -> &'a StreamOutcome {
    &summary
        .streams
        .iter()
        .find(|s| s.stream == stream)
        .unwrap_or_else(|| panic!("{stream} not in the summary"))
        .outcome
}

/// The ids of a stream's file, with how often each appears.
fn file_ids(dir: &Path, stream: &str) -> HashMap<i64, usize> {
    let text = std::fs::read_to_string(dir.join(format!("{stream}.ndjson"))).unwrap();
    let mut ids = HashMap::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        *ids.entry(v["id"].as_i64().unwrap()).or_insert(0) += 1;
    }
    ids
}

fn sqlite(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

fn count(db: &rusqlite::Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

async fn mock(records: u64) -> MockTenant {
    MockTenant::builder()
        .count_all(records)
        .export_page_size(40)
        .start()
        .await
}

#[tokio::test]
async fn a_whole_run_writes_every_record_once_to_files_and_sqlite() {
    let mock = mock(130).await;
    let dir = tempfile::tempdir().unwrap();
    let files = Target::Dir(dir.path().join("data"));
    let db_path = dir.path().join("st.db");
    let db = Target::Sqlite(db_path.clone());
    let options = SyncOptions::default().page_size(25);
    let streams = "jpm.jobs,crm.customers,jpm.jobs.list,settings.technicians";
    for target in [&files, &db] {
        let summary = sync(&mock, target, streams, &options).await;
        assert!(
            summary
                .streams
                .iter()
                .all(|s| s.outcome == StreamOutcome::Complete),
            "{summary:#?}"
        );
        assert_eq!(summary.records(), 4 * 130);
    }
    for stream in [
        "jpm.jobs",
        "crm.customers",
        "jpm.jobs.list",
        "settings.technicians",
    ] {
        let ids = file_ids(&dir.path().join("data"), stream);
        assert_eq!(ids.len(), 130, "{stream}");
        assert!(ids.values().all(|n| *n == 1), "{stream} has a duplicate");
    }
    let db = sqlite(&db_path);
    assert_eq!(count(&db, "SELECT count(*) FROM jpm_jobs"), 130);
    assert_eq!(
        count(&db, "SELECT count(DISTINCT id) FROM jpm_jobs_list"),
        130
    );
    // Records are kept as sent, and JSON functions read them.
    let first = mock.record_id(Resource::Jobs, 0);
    let same: i64 = db
        .query_row(
            "SELECT count(*) FROM jpm_jobs WHERE json_extract(record, '$.id') = id AND id = ?1",
            [first],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(same, 1);
    assert_eq!(mock.rate_limited_count(), 0);
}

#[tokio::test]
async fn a_second_run_reads_only_what_changed() {
    let mock = mock(120).await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db_path = dir.path().join("st.db");
    let targets = [Target::Dir(data.clone()), Target::Sqlite(db_path.clone())];
    let options = SyncOptions::default().page_size(25);
    let streams = "jpm.jobs,crm.customers.list";
    for target in &targets {
        sync(&mock, target, streams, &options).await;
    }
    // A write through the API: a new customer and a changed job.
    let st = connect(&mock);
    let crm = servicetitan::module("crm").unwrap();
    let create = crm
        .operations
        .iter()
        .find(|o| o.id == "create_customer")
        .unwrap();
    let created = DynamicRequest::new(st.runtime().clone(), crm, create)
        .json_body(
            r#"{"name":"Ada Lovelace","type":"Residential","locations":[{"name":"Home","address":{"street":"1 Main St","city":"Springfield","zip":"11111","country":"USA","state":"IL"}}],"address":{"street":"1 Main St","city":"Springfield","zip":"11111","country":"USA","state":"IL"}}"#,
        )
        .send()
        .await
        .unwrap();
    let new_id = serde_json::from_slice::<serde_json::Value>(&created).unwrap()["id"]
        .as_i64()
        .unwrap();
    let jpm = servicetitan::module("jpm").unwrap();
    let update = jpm
        .operations
        .iter()
        .find(|o| o.id == "update_job")
        .unwrap();
    let job = mock.record_id(Resource::Jobs, 7);
    DynamicRequest::new(st.runtime().clone(), jpm, update)
        .path_values([job.to_string()])
        .json_body(r#"{"summary":"changed by the test"}"#)
        .send()
        .await
        .unwrap();

    for target in &targets {
        let summary = sync(&mock, target, streams, &options).await;
        let changed: HashMap<&str, u64> = summary
            .streams
            .iter()
            .map(|s| (s.stream.as_str(), s.records))
            .collect();
        // The export hands out the changed job; the list re-reads its overlap but nothing else.
        assert_eq!(changed["jpm.jobs"], 1, "{summary:#?}");
        assert!(changed["crm.customers.list"] < 120, "{summary:#?}");
    }
    // Files: the changed job appended once, the new customer once, nothing else twice.
    let jobs = file_ids(&data, "jpm.jobs");
    assert_eq!(jobs.len(), 120);
    assert_eq!(jobs[&job], 2, "the first version and the changed one");
    assert_eq!(jobs.values().filter(|n| **n > 1).count(), 1);
    let customers = file_ids(&data, "crm.customers.list");
    assert_eq!(customers.len(), 121);
    assert!(customers.values().all(|n| *n == 1), "{customers:?}");
    // SQLite: one row each, the changed job's record replaced.
    let db = sqlite(&db_path);
    assert_eq!(count(&db, "SELECT count(*) FROM jpm_jobs"), 120);
    assert_eq!(count(&db, "SELECT count(*) FROM crm_customers_list"), 121);
    let summary: String = db
        .query_row(
            "SELECT json_extract(record, '$.summary') FROM jpm_jobs WHERE id = ?1",
            [job],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(summary, "changed by the test");
    let new_row = count(
        &db,
        &format!("SELECT count(*) FROM crm_customers_list WHERE id = {new_id}"),
    );
    assert_eq!(new_row, 1);
}

#[tokio::test]
async fn an_interrupted_run_continues_where_it_stopped() {
    let mock = mock(170).await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db_path = dir.path().join("st.db");
    let streams = "jpm.jobs,crm.customers.list";
    for target in [Target::Dir(data.clone()), Target::Sqlite(db_path.clone())] {
        let mut runs = 0;
        loop {
            runs += 1;
            assert!(runs <= 20, "the runs never finished");
            let options = SyncOptions::default()
                .page_size(30)
                .page_concurrency(2)
                .max_batches(Some(1));
            let summary = sync(&mock, &target, streams, &options).await;
            if summary
                .streams
                .iter()
                .all(|s| s.outcome == StreamOutcome::Complete)
            {
                break;
            }
            assert!(summary.failed().next().is_none(), "{summary:#?}");
        }
        assert!(runs >= 5, "one batch per run: {runs} runs");
    }
    for stream in ["jpm.jobs", "crm.customers.list"] {
        let ids = file_ids(&data, stream);
        assert_eq!(ids.len(), 170, "{stream}");
        assert!(ids.values().all(|n| *n == 1), "{stream} has a duplicate");
    }
    let db = sqlite(&db_path);
    assert_eq!(count(&db, "SELECT count(*) FROM jpm_jobs"), 170);
    assert_eq!(count(&db, "SELECT count(*) FROM crm_customers_list"), 170);
}

#[tokio::test]
async fn a_batch_written_without_its_state_is_cut_off_and_read_again() {
    let mock = mock(90).await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let target = Target::Dir(data.clone());
    let options = SyncOptions::default().max_batches(Some(1));
    sync(&mock, &target, "jpm.jobs", &options).await;
    // A crash after the append, before the state: lines the state does not count.
    let file = data.join("jpm.jobs.ndjson");
    let mut text = std::fs::read_to_string(&file).unwrap();
    let committed = text.lines().count();
    assert_eq!(committed, 40);
    text.push_str("{\"id\":999999999,\"half\":\n");
    std::fs::write(&file, text).unwrap();
    let summary = sync(&mock, &target, "jpm.jobs", &SyncOptions::default()).await;
    assert_eq!(*outcome(&summary, "jpm.jobs"), StreamOutcome::Complete);
    let ids = file_ids(&data, "jpm.jobs");
    assert_eq!(ids.len(), 90);
    assert!(ids.values().all(|n| *n == 1));
}

#[tokio::test]
async fn a_whole_read_marks_rows_that_vanished_as_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("st.db");
    let target = Target::Sqlite(db_path.clone());
    let options = SyncOptions::default().page_size(20);
    // The same tenant, later with fewer records: the last ten are gone.
    let before = mock(60).await;
    sync(&before, &target, "crm.customers.list,jpm.jobs", &options).await;
    before.shutdown().await;
    let after = mock(50).await;
    let summary = sync(
        &after,
        &target,
        "crm.customers.list,jpm.jobs",
        &options.clone().reconcile(true),
    )
    .await;
    for s in &summary.streams {
        assert_eq!(s.outcome, StreamOutcome::Complete, "{summary:#?}");
        assert_eq!(s.deleted, 10, "{}", s.stream);
    }
    let db = sqlite(&db_path);
    for table in ["crm_customers_list", "jpm_jobs"] {
        let gone = count(
            &db,
            &format!("SELECT count(*) FROM {table} WHERE deleted_at IS NOT NULL"),
        );
        let alive = count(
            &db,
            &format!("SELECT count(*) FROM {table} WHERE deleted_at IS NULL"),
        );
        assert_eq!((gone, alive), (10, 50), "{table}");
    }
}

#[tokio::test]
async fn one_failing_stream_does_not_stop_the_others() {
    let mock = mock(50).await;
    let dir = tempfile::tempdir().unwrap();
    let st = connect(&mock);
    let mut streams = select(&catalog(), "jpm.jobs,crm.customers").unwrap();
    // A stream whose operation the server does not know: 404 on every request.
    let mut broken = streams[0];
    broken.name = "crm.nowhere";
    let op = Box::leak(Box::new(*broken.op));
    op.path = "/tenant/__tenant__/nowhere";
    broken.op = op;
    streams.push(broken);
    let (_stop, stop) = tokio::sync::watch::channel(false);
    let summary = run(
        st.runtime(),
        Target::Dir(dir.path().to_path_buf()).open().unwrap(),
        &streams,
        &SyncOptions::default(),
        Arc::new(Quiet),
        stop,
    )
    .await
    .unwrap();
    assert_eq!(*outcome(&summary, "jpm.jobs"), StreamOutcome::Complete);
    assert_eq!(*outcome(&summary, "crm.customers"), StreamOutcome::Complete);
    let StreamOutcome::Failed(why) = outcome(&summary, "crm.nowhere") else {
        panic!("{summary:#?}")
    };
    assert!(why.contains("404"), "{why}");
    assert_eq!(summary.failed().count(), 1);
}

#[tokio::test]
async fn a_stream_whose_saved_state_cannot_be_read_fails_alone() {
    let mock = mock(50).await;
    let dir = tempfile::tempdir().unwrap();
    let target = Target::Sqlite(dir.path().join("st.db"));
    let streams = "jpm.jobs,crm.customers";
    sync(&mock, &target, streams, &SyncOptions::default()).await;
    sqlite(&dir.path().join("st.db"))
        .execute(
            &format!(
                "UPDATE {} SET state = 'not json' WHERE stream = 'crm.customers'",
                servicetitan_sync::dest::STATE_TABLE
            ),
            [],
        )
        .unwrap();
    let summary = sync(&mock, &target, streams, &SyncOptions::default()).await;
    assert_eq!(*outcome(&summary, "jpm.jobs"), StreamOutcome::Complete);
    let StreamOutcome::Failed(why) = outcome(&summary, "crm.customers") else {
        panic!("{summary:#?}")
    };
    assert!(why.contains("saved state"), "{why}");
}

#[tokio::test]
async fn refused_credentials_stop_the_whole_sync() {
    let mock = mock(10).await;
    let st = ServiceTitan::builder()
        .api_base_url(mock.base_url())
        .auth_url(mock.auth_url())
        .client_id(mock.client_id())
        .client_secret("not the secret")
        .app_key(mock.app_key())
        .tenant(mock.tenant_id())
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let streams = select(&catalog(), "jpm.jobs,crm.customers").unwrap();
    let (_stop, stop) = tokio::sync::watch::channel(false);
    let err = run(
        st.runtime(),
        Target::Dir(dir.path().to_path_buf()).open().unwrap(),
        &streams,
        &SyncOptions::default(),
        Arc::new(Quiet),
        stop,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, servicetitan::Error::Auth(_)), "{err}");
}

#[tokio::test]
async fn every_stream_of_the_catalog_syncs_without_a_429() {
    let mock = mock(30).await;
    let dir = tempfile::tempdir().unwrap();
    let target = Target::Sqlite(dir.path().join("st.db"));
    let summary = sync(&mock, &target, "*", &SyncOptions::default()).await;
    let failed: Vec<_> = summary.failed().collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(
        summary.streams.len() > 100,
        "{} streams",
        summary.streams.len()
    );
    assert_eq!(mock.rate_limited_count(), 0);
    // Every stream's state is saved.
    let db = sqlite(&dir.path().join("st.db"));
    let saved = count(&db, "SELECT count(*) FROM _servicetitan_streams");
    assert_eq!(saved as usize, summary.streams.len());
    let names: HashSet<&str> = summary.streams.iter().map(|s| s.stream.as_str()).collect();
    assert!(names.contains("jpm.jobs") && !names.contains("jpm.jobs.list"));
}

#[tokio::test]
async fn a_stream_whose_last_whole_read_is_too_old_is_read_whole_again() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("st.db");
    let target = Target::Sqlite(db_path.clone());
    let before = mock(40).await;
    sync(&before, &target, "jpm.jobs", &SyncOptions::default()).await;
    before.shutdown().await;
    let after = mock(35).await;
    // A recent whole read: an ordinary incremental run marks nothing.
    let week = Some(std::time::Duration::from_secs(7 * 86_400));
    let summary = sync(
        &after,
        &target,
        "jpm.jobs",
        &SyncOptions::default().reconcile_every(week),
    )
    .await;
    assert_eq!(summary.streams[0].deleted, 0);
    // Older than allowed (any age is, here): read whole, the five vanished rows marked.
    let now = Some(std::time::Duration::ZERO);
    let summary = sync(
        &after,
        &target,
        "jpm.jobs",
        &SyncOptions::default().reconcile_every(now),
    )
    .await;
    assert_eq!(summary.streams[0].deleted, 5, "{summary:#?}");
}

/// Records the order in which streams start.
struct StartOrder(std::sync::Mutex<Vec<String>>);

impl servicetitan_sync::Progress for StartOrder {
    fn started(&self, stream: &servicetitan_sync::StreamDef) {
        self.0.lock().unwrap().push(stream.name.to_string());
    }
    fn committed(&self, _: &servicetitan_sync::StreamDef, _: u64, _: u64, _: Option<i64>) {}
    fn finished(&self, _: &servicetitan_sync::StreamDef, _: &servicetitan_sync::StreamReport) {}
}

// A runtime with worker threads: spawned tasks there start in no fixed order, so the order
// must come from the sync itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_start_in_order_exports_first_on_a_first_run() {
    let mock = mock(30).await;
    let dir = tempfile::tempdir().unwrap();
    let target = Target::Sqlite(dir.path().join("st.db"));
    let st = connect(&mock);
    let streams = select(&catalog(), "jpm.*,crm.*").unwrap();
    let order = Arc::new(StartOrder(Default::default()));
    let (_stop, stop) = tokio::sync::watch::channel(false);
    let summary = run(
        st.runtime(),
        target.open().unwrap(),
        &streams,
        &SyncOptions::default().stream_concurrency(2),
        order.clone(),
        stop,
    )
    .await
    .unwrap();
    assert_eq!(summary.failed().count(), 0, "{summary:#?}");
    // Before any run: the exports, then the lists, each in name order.
    let want: Vec<String> = streams
        .iter()
        .filter(|s| s.kind == servicetitan_sync::StreamKind::Export)
        .chain(
            streams
                .iter()
                .filter(|s| s.kind == servicetitan_sync::StreamKind::List),
        )
        .map(|s| s.name.to_string())
        .collect();
    let started = order.0.lock().unwrap().clone();
    assert_eq!(started, want);
}
