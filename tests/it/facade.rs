//! End-to-end: the facade against the mock tenant, over real HTTP on loopback.

use futures::{StreamExt, TryStreamExt};
use servicetitan::paging::{ExportRequestExt, ListRequestExt};
use servicetitan::{Credentials, Error, ServiceTitan};
use servicetitan_mock::MockTenant;

fn connect(mock: &MockTenant) -> ServiceTitan {
    ServiceTitan::builder()
        .api_base_url(mock.base_url())
        .auth_url(mock.auth_url())
        .client_id(mock.client_id())
        .client_secret(mock.client_secret())
        .app_key(mock.app_key())
        .tenant(mock.tenant_id())
        .build()
        .expect("valid configuration")
}

#[tokio::test]
async fn lists_stream_every_job_exactly_once() {
    let mock = MockTenant::builder().jobs(1234).start().await;
    let st = connect(&mock);
    let jpm = st.jpm();
    let jobs: Vec<_> = jpm
        .list_jobs()
        .page_size(500)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1234);
    let mut ids: Vec<i64> = jobs.iter().map(|j| j.id.unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 1234, "no duplicates across pages");
    // Three pages of 500, 500, 234: one token, three API calls.
    assert_eq!(mock.tokens_issued(), 1);
}

#[tokio::test]
async fn exports_resume_from_a_saved_token_without_gap_or_duplicate() {
    let mock = MockTenant::builder()
        .customers(950)
        .export_page_size(200)
        .start()
        .await;
    let st = connect(&mock);
    let crm = st.crm();
    // First run: stop after two batches, keeping the token as a checkpoint would.
    let mut first = Vec::new();
    let mut token = None;
    {
        let mut batches = std::pin::pin!(crm.export_customers().stream_export(None));
        for _ in 0..2 {
            let batch = batches.next().await.unwrap().unwrap();
            first.extend(batch.items.into_iter().map(|c| c.id.unwrap()));
            token = batch.continue_from;
        }
    }
    // Second run from the token.
    let rest: Vec<i64> = crm
        .export_customers()
        .stream_export_items(token)
        .map_ok(|c| c.id.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(first.len(), 400);
    let mut all = first.clone();
    all.extend(&rest);
    assert_eq!(all.len(), 950);
    let unique: std::collections::BTreeSet<_> = all.iter().collect();
    assert_eq!(unique.len(), 950);
}

#[tokio::test]
async fn create_a_customer_then_read_it_back() {
    let mock = MockTenant::start().await;
    let st = connect(&mock);
    let request: servicetitan::crm::types::CustomerCreateRequest = serde_json::from_value(serde_json::json!({
        "name": "Ada Lovelace",
        "type": "Residential",
        "address": {"street": "1 Main St", "city": "Glendale", "state": "CA", "zip": "91203", "country": "USA"},
        "locations": [{"name": "Home", "address": {"street": "1 Main St", "city": "Glendale", "state": "CA", "zip": "91203", "country": "USA"}}]
    }))
    .unwrap();
    let created = st
        .crm()
        .create_customer()
        .body(request)
        .send()
        .await
        .unwrap()
        .into_inner();
    let id = created.id.expect("the server assigns an id");
    let fetched = st
        .crm()
        .get_customer()
        .id(id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(fetched.name.as_deref(), Some("Ada Lovelace"));
}

#[tokio::test]
async fn a_wrong_app_key_explains_itself() {
    let mock = MockTenant::start().await;
    let st = ServiceTitan::builder()
        .api_base_url(mock.base_url())
        .auth_url(mock.auth_url())
        .client_id(mock.client_id())
        .client_secret(mock.client_secret())
        .app_key("not-the-app-key")
        .tenant(mock.tenant_id())
        .build()
        .unwrap();
    let err: Error = st.jpm().list_jobs().send().await.unwrap_err().into();
    let text = err.to_string();
    assert!(text.contains("App Key"), "{text}");
    assert!(!text.contains("mock-client-secret"), "no secret in errors");
    assert!(err.trace_id().is_some());
}

#[tokio::test]
async fn wrong_credentials_are_an_auth_error() {
    let mock = MockTenant::start().await;
    let st = ServiceTitan::builder()
        .api_base_url(mock.base_url())
        .auth_url(mock.auth_url())
        .client_id("someone-else")
        .client_secret("wrong")
        .app_key(mock.app_key())
        .tenant(mock.tenant_id())
        .build()
        .unwrap();
    let err: Error = st.jpm().list_jobs().send().await.unwrap_err().into();
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    assert!(err.to_string().contains("invalid_client"), "{err}");
}

#[tokio::test]
async fn agencies_reach_many_tenants_over_one_pool() {
    let mock = MockTenant::builder()
        .tenant(1000001)
        .tenant_with_credentials(2000002, "agency-client-2", "agency-secret-2")
        .start()
        .await;
    let st = connect(&mock);
    let other = st
        .tenant(
            2000002,
            Credentials::new("agency-client-2", "agency-secret-2"),
        )
        .unwrap();
    let a = st
        .jpm()
        .list_jobs()
        .page_size(5)
        .send()
        .await
        .unwrap()
        .into_inner();
    let b = other
        .jpm()
        .list_jobs()
        .page_size(5)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(other.tenant_id(), "2000002");
    assert_eq!(a.data.unwrap().len(), 5);
    assert_eq!(b.data.unwrap().len(), 5);
    assert_eq!(mock.tokens_issued(), 2, "one token per tenant");
}

#[tokio::test]
async fn debug_output_never_shows_secrets() {
    let mock = MockTenant::start().await;
    let st = connect(&mock);
    let text = format!("{st:?}");
    assert!(!text.contains(mock.client_secret()), "{text}");
    assert!(!text.contains(mock.app_key()), "{text}");
}

#[test]
fn every_module_is_compiled_in_with_full() {
    let modules = servicetitan::modules();
    assert_eq!(modules.len(), 24);
    let jpm = modules.iter().find(|m| m.name == "jpm").unwrap();
    assert_eq!(jpm.server_path, "/jpm/v2");
    assert!(jpm.operations.iter().any(|op| op.id == "export_jobs"));
}

/// A server that ignores `page` and keeps answering page 1 with `hasMore: true` must end the
/// stream with a paging error at page 2, not loop until killed.
#[tokio::test]
async fn a_list_whose_server_ignores_page_stops_at_the_repeat() {
    let mock = MockTenant::builder()
        .jobs(100)
        .ignore_page(true)
        .start()
        .await;
    let st = connect(&mock);
    let results: Vec<Result<_, Error>> = st
        .jpm()
        .list_jobs()
        .page_size(10)
        .stream_items()
        .take(10_000)
        .collect()
        .await;
    assert_eq!(results.len(), 11, "the first page, then the error");
    let err = results[10].as_ref().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Paging(servicetitan::PagingError::RepeatedPage {
                operation: "list_jobs",
                page: 2
            })
        ),
        "{err}"
    );
}

/// Every request fails once with a 500 (or 502/503/504) before it succeeds: GET lists still
/// arrive whole, because idempotent requests retry server errors.
#[tokio::test]
async fn lists_survive_server_errors_including_500() {
    let mock = MockTenant::builder()
        .jobs(300)
        .error_rate(0.3)
        .fault_seed(7)
        .start()
        .await;
    let st = connect(&mock);
    let jobs: Vec<_> = st
        .jpm()
        .list_jobs()
        .page_size(20)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(jobs.len(), 300);
}
