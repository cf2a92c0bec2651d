//! The PostgreSQL destination against a real server: `ST_TEST_DATABASE_URL` names it (CI
//! starts a throwaway cluster with `scripts/throwaway-postgres.sh`). Without it the tests say
//! how to start one and pass; with `ST_REQUIRE_POSTGRES` set (CI) they fail instead.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use servicetitan_mock::MockTenant;
use servicetitan_sync::dest::Target;
use servicetitan_sync::{catalog, run, select, Quiet, StreamOutcome, Summary, SyncOptions};

use super::connect_tenant;

/// A database of its own for one test, on the server `ST_TEST_DATABASE_URL` names.
fn database(name: &str) -> Option<String> {
    let Ok(url) = std::env::var("ST_TEST_DATABASE_URL") else {
        assert!(
            std::env::var_os("ST_REQUIRE_POSTGRES").is_none(),
            "ST_REQUIRE_POSTGRES is set but ST_TEST_DATABASE_URL is not"
        );
        eprintln!(
            "skipped: no PostgreSQL server; start one with \
             eval \"$(scripts/throwaway-postgres.sh start)\""
        );
        return None;
    };
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let db = format!(
        "st_{name}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    blocking(|| {
        let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {db}"))
            .unwrap();
    });
    let mut u = url::Url::parse(&url).unwrap();
    u.set_path(&format!("/{db}"));
    Some(u.to_string())
}

/// Runs blocking client code off the test's async thread (the blocking client starts a
/// runtime of its own).
fn blocking<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().unwrap())
}

/// The first column of the first row of `sql`, as a number.
fn count(url: &str, sql: &str) -> i64 {
    blocking(|| {
        let mut db = postgres::Client::connect(url, postgres::NoTls).unwrap();
        db.query_one(sql, &[]).unwrap().get(0)
    })
}

async fn sync(
    mock: &MockTenant,
    tenant: i64,
    url: &str,
    streams: &str,
    options: &SyncOptions,
) -> Summary {
    let st = connect_tenant(mock, tenant);
    let streams = select(&catalog(), streams).unwrap();
    let (_stop, stop) = tokio::sync::watch::channel(false);
    let destination = Target::parse(url)
        .unwrap()
        .open_for_tenant(&tenant.to_string())
        .unwrap();
    run(
        st.runtime(),
        destination,
        &streams,
        options,
        Arc::new(Quiet),
        stop,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn two_tenants_share_one_database_with_every_record_once_as_sent() {
    let Some(url) = database("tenants") else {
        return;
    };
    let mock = MockTenant::builder()
        .tenants([1001, 1002])
        .count_all(120)
        .export_page_size(35)
        .start()
        .await;
    let options = SyncOptions::default().page_size(25);
    for tenant in [1001, 1002] {
        let summary = sync(&mock, tenant, &url, "jpm.jobs,crm.customers.list", &options).await;
        assert!(
            summary
                .streams
                .iter()
                .all(|s| s.outcome == StreamOutcome::Complete),
            "{summary:#?}"
        );
    }
    for table in ["jpm_jobs", "crm_customers_list"] {
        for tenant in [1001i64, 1002] {
            let sql = format!("SELECT count(DISTINCT id) FROM {table} WHERE tenant_id = {tenant}");
            assert_eq!(count(&url, &sql), 120, "{table} of {tenant}");
        }
        assert_eq!(count(&url, &format!("SELECT count(*) FROM {table}")), 240);
    }
    // The stored record is the record the API sends (jsonb keeps numbers' digits).
    let st = connect_tenant(&mock, 1001);
    let jpm = servicetitan::module("jpm").unwrap();
    let export = jpm
        .find(servicetitan::operations::OperationKind::Export, "jobs")
        .unwrap();
    let page = servicetitan::dynamic::DynamicRequest::new(st.runtime().clone(), jpm, export)
        .send()
        .await
        .unwrap();
    let page: serde_json::Value = serde_json::from_slice(&page).unwrap();
    let first = &page["data"][0];
    let id = first["id"].as_i64().unwrap();
    let sent = first.to_string();
    let same: bool = blocking(|| {
        let mut db = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        db.query_one(
            "SELECT record = $1::text::jsonb FROM jpm_jobs WHERE tenant_id = 1001 AND id = $2",
            &[&sent, &id.to_string()],
        )
        .unwrap()
        .get(0)
    });
    assert!(same);
    assert_eq!(count(&url, "SELECT count(*) FROM _servicetitan_streams"), 4);
    // A second run is incremental: the exports bring nothing new.
    let summary = sync(&mock, 1001, &url, "jpm.jobs", &options).await;
    assert_eq!(summary.records(), 0);
}

#[tokio::test]
async fn an_interrupted_run_into_postgres_continues_where_it_stopped() {
    let Some(url) = database("resume") else {
        return;
    };
    let mock = MockTenant::builder()
        .count_all(150)
        .export_page_size(30)
        .start()
        .await;
    let tenant = mock.tenant_id();
    let options = SyncOptions::default().page_size(30).max_batches(Some(1));
    let mut runs = 0;
    loop {
        runs += 1;
        assert!(runs <= 20, "the runs never finished");
        let summary = sync(&mock, tenant, &url, "jpm.jobs,crm.customers.list", &options).await;
        assert!(summary.failed().next().is_none(), "{summary:#?}");
        if summary
            .streams
            .iter()
            .all(|s| s.outcome == StreamOutcome::Complete)
        {
            break;
        }
    }
    assert!(runs >= 5, "{runs} runs");
    assert_eq!(count(&url, "SELECT count(*) FROM jpm_jobs"), 150);
    assert_eq!(count(&url, "SELECT count(*) FROM crm_customers_list"), 150);
}

#[tokio::test]
async fn a_whole_read_into_postgres_marks_vanished_rows() {
    let Some(url) = database("reconcile") else {
        return;
    };
    let before = MockTenant::builder().count_all(45).start().await;
    let tenant = before.tenant_id();
    sync(&before, tenant, &url, "jpm.jobs", &SyncOptions::default()).await;
    before.shutdown().await;
    let after = MockTenant::builder().count_all(40).start().await;
    let summary = sync(
        &after,
        tenant,
        &url,
        "jpm.jobs",
        &SyncOptions::default().reconcile(true),
    )
    .await;
    assert_eq!(summary.streams[0].deleted, 5, "{summary:#?}");
    assert_eq!(
        count(
            &url,
            "SELECT count(*) FROM jpm_jobs WHERE deleted_at IS NOT NULL"
        ),
        5
    );
}
