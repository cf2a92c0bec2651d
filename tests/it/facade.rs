//! End-to-end: the facade against the mock tenant, over real HTTP on loopback.

use futures::{StreamExt, TryStreamExt};
use servicetitan::paging::{ExportRequestExt, ListRequestExt};
use servicetitan::{Credentials, Error, ServiceTitan};
use servicetitan_mock::MockTenant;

pub(crate) fn connect(mock: &MockTenant) -> ServiceTitan {
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
    let mut ids: Vec<i64> = jobs.iter().map(|j| j.id).collect();
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
            first.extend(batch.items.into_iter().map(|c| c.id));
            token = batch.continue_from;
        }
    }
    // Second run from the token.
    let rest: Vec<i64> = crm
        .export_customers()
        .stream_export_items(token)
        .map_ok(|c| c.id)
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
    let id = created.id;
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

#[test]
fn the_operation_tables_carry_each_operations_parameters() {
    let mut operations = 0;
    for m in servicetitan::modules() {
        for op in m.operations {
            operations += 1;
            // Every `{name}` of the path is declared, in path order, and nothing else is a
            // path parameter.
            let declared: Vec<&str> = op.path_param_metas().map(|p| p.name).collect();
            assert_eq!(declared, op.path_params(), "{} {}", m.name, op.id);
        }
    }
    assert!(operations > 500, "{operations} operations");

    let jpm = servicetitan::module("jpm").unwrap();
    let op = |id: &str| jpm.operations.iter().find(|o| o.id == id).unwrap();
    assert!(op("list_appointments").takes_query("active"));
    assert!(op("export_appointments").takes_query("active"));
    assert!(!op("list_jobs").takes_query("active"));
    assert!(op("list_jobs").takes_query("modifiedOnOrAfter"));
    let get_job = op("get_job");
    assert!(get_job.path_param_metas().all(|p| p.integer && p.required));
    // A parameter the generator renamed keeps its declaration.
    let inventory = servicetitan::module("inventory").unwrap();
    let renamed = inventory
        .operations
        .iter()
        .find(|o| o.path.contains("{id_in_path}"))
        .expect("an operation whose parameter the generator renamed");
    assert!(renamed.path_param_metas().next().unwrap().integer);
    // Lists and exports that take the active filter: many, and far from all.
    let (with, all) = servicetitan::modules()
        .iter()
        .flat_map(|m| m.operations.iter())
        .filter(|o| o.kind != servicetitan::operations::OperationKind::Other)
        .fold((0, 0), |(w, a), o| {
            (w + o.takes_query("active") as usize, a + 1)
        });
    assert!(with > 50 && with < all, "{with} of {all}");
    assert!(servicetitan::module("nope").is_err());
}
