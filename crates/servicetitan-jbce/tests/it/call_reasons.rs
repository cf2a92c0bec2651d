//! Call reasons (`/jbce/v2`): the module's only operation, `listCallReasons`.

use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::ListRequestExt;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_jbce::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn at(text: &str) -> DateTime {
    text.parse().unwrap()
}

#[tokio::test]
async fn list_call_reasons_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/call-reasons"))
                .query_param("page", "3")
                .query_param("pageSize", "25")
                .query_param("includeTotal", "true")
                .query_param("active", "Any")
                .query_param("modifiedOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("createdBefore", "2024-04-01T00:00:00Z")
                .query_param("sort", "-modifiedOn")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"page": 3, "pageSize": 25, "hasMore": true, "totalCount": 57,
                    "data": [
                      {"id": 90210, "name": "No heat", "isLead": false, "active": true,
                       "createdOn": "2023-11-02T08:15:00.1234567Z",
                       "modifiedOn": "2024-03-01T10:00:00.7654321Z"},
                      {"id": 90211, "name": "Wants a quote", "isLead": true, "active": false,
                       "createdOn": "2023-11-02T08:16:00.0000001Z",
                       "modifiedOn": "2024-03-02T11:30:00.5Z"}
                    ]}"#,
                );
        })
        .await;

    let page = client(&api)
        .list_call_reasons()
        .page(3)
        .page_size(25)
        .include_total(true)
        .active(types::ActiveFilter::Any)
        .modified_on_or_after(at("2024-03-01T00:00:00Z"))
        .created_before(at("2024-04-01T00:00:00Z"))
        .sort("-modifiedOn")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.page, Some(3));
    assert_eq!(page.has_more, Some(true));
    assert_eq!(page.total_count, Some(57));
    let reasons = page.data.unwrap();
    assert_eq!(reasons.len(), 2);
    assert_eq!(reasons[0].id, 90210);
    assert_eq!(reasons[0].name.as_deref(), Some("No heat"));
    assert_eq!(reasons[0].is_lead, Some(false));
    assert_eq!(
        reasons[0].created_on,
        Some(at("2023-11-02T08:15:00.1234567Z"))
    );
    assert_eq!(
        reasons[0].modified_on.unwrap().0.timestamp_subsec_nanos(),
        765_432_100
    );
    assert_eq!(reasons[1].id, 90211);
    assert_eq!(reasons[1].is_lead, Some(true));
    assert_eq!(reasons[1].active, Some(false));
}

#[tokio::test]
async fn stream_items_walks_every_page() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/call-reasons"))
                .query_param("page", "1")
                .query_param("pageSize", "2")
                .query_param("active", "True");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 2, "hasMore": true, "totalCount": null,
                    "data": [{"id": 1, "name": "Leak", "isLead": false, "active": true,
                              "createdOn": "2024-01-01T00:00:00.0000000Z", "modifiedOn": "2024-01-01T00:00:00.0000000Z"},
                             {"id": 2, "name": "Noise", "isLead": false, "active": true,
                              "createdOn": "2024-01-01T00:00:00.0000000Z", "modifiedOn": "2024-01-01T00:00:00.0000000Z"}]}"#,
            );
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/call-reasons"))
                .query_param("page", "2")
                .query_param("pageSize", "2")
                .query_param("active", "True");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 2, "pageSize": 2, "hasMore": false, "totalCount": null,
                    "data": [{"id": 3, "name": "Maintenance", "isLead": true, "active": true,
                              "createdOn": "2024-01-01T00:00:00.0000000Z", "modifiedOn": "2024-01-01T00:00:00.0000000Z"}]}"#,
            );
        })
        .await;

    let reasons: Vec<types::CallReason> = client(&api)
        .list_call_reasons()
        .page_size(2)
        .active("True")
        .stream_items()
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    let ids: Vec<_> = reasons.iter().map(|r| r.id).collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(reasons[2].name.as_deref(), Some("Maintenance"));
}

#[tokio::test]
async fn lenient_decoding_accepts_unknown_fields_and_nulls() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/call-reasons"));
            // `name` and `createdOn` are required by the spec; `priority` is not in it.
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null,
                    "data": [{"id": 7, "name": null, "isLead": false, "active": true,
                              "createdOn": null, "modifiedOn": "2024-03-01T10:00:00.1234567",
                              "priority": "High"}],
                    "nextPageHint": {"cursor": "abc"}}"#,
                );
        })
        .await;

    let page = client(&api)
        .list_call_reasons()
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let reason = &page.data.unwrap()[0];
    assert_eq!(reason.id, 7);
    assert_eq!(reason.name, None);
    assert_eq!(reason.created_on, None);
    // An offset-less time is UTC.
    assert_eq!(reason.modified_on, Some(at("2024-03-01T10:00:00.1234567Z")));
}

#[tokio::test]
async fn a_problem_response_becomes_an_api_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/call-reasons"));
            then.status(400)
                .header("content-type", "application/json")
                .body(
                    r#"{"type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
                    "title": "One or more validation errors occurred.", "status": 400,
                    "traceId": "00-abc-01", "errors": {"PageSize": ["Must be at most 5000."]}}"#,
                );
        })
        .await;

    let result = client(&api)
        .list_call_reasons()
        .page_size(9000)
        .send()
        .await;

    mock.assert_async().await;
    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.trace_id(), Some("00-abc-01"));
    let problem = err.problem().unwrap();
    assert_eq!(problem.errors["PageSize"], ["Must be at most 5000."]);
}
