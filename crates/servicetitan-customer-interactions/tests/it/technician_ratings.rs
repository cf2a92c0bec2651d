//! Customer Interactions API (`/customer-interactions/v2`): technician ratings (list, upsert,
//! the older per-job PUT, and the export feed).

use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;
use servicetitan_core::paging::{ExportRequestExt, ListRequestExt};
use servicetitan_core::testing::{json_reply, MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_customer_interactions::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn at(text: &str) -> DateTime {
    text.parse().unwrap()
}

fn rating(technician: i64, job: i64, value: &str) -> String {
    format!(
        r#"{{"technicianId": {technician}, "jobId": {job}, "rating": {value}, "active": true,
            "createdOn": "2024-03-05T18:00:00.1234567Z", "modifiedOn": "2024-03-06T09:00:00.7654321Z"}}"#
    )
}

#[tokio::test]
async fn list_technician_ratings_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 100, "hasMore": false, "totalCount": 1, "data": [{}]}}"#,
        rating(88, 123456789012, "4.5")
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/technician-ratings"))
                .query_param("technicianId", "88")
                .query_param("jobId", "123456789012")
                .query_param("page", "1")
                .query_param("pageSize", "100")
                .query_param("includeTotal", "true")
                .query_param("active", "Any")
                .query_param("createdOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("modifiedBefore", "2024-04-01T00:00:00Z")
                .query_param("sort", "-modifiedOn")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            json_reply(then, &body);
        })
        .await;

    let page = client(&api)
        .list_technician_ratings()
        .technician_id(88)
        .job_id(123456789012_i64)
        .page(1)
        .page_size(100)
        .include_total(true)
        .active(types::ActiveFilter::Any)
        .created_on_or_after(at("2024-03-01T00:00:00Z"))
        .modified_before(at("2024-04-01T00:00:00Z"))
        .sort("-modifiedOn")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(1));
    let r = &page.data.unwrap()[0];
    assert_eq!(r.technician_id, Some(88));
    assert_eq!(r.job_id, Some(123456789012));
    assert_eq!(r.rating, Some(4.5));
    assert_eq!(r.created_on, Some(at("2024-03-05T18:00:00.1234567Z")));
    assert_eq!(
        r.modified_on.unwrap().0.timestamp_subsec_nanos(),
        765_432_100
    );
}

#[tokio::test]
async fn list_technician_ratings_stream_items_walks_the_pages() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/technician-ratings"))
                .query_param("page", "1")
                .query_param("technicianId", "88");
            let body = format!(
                r#"{{"page": 1, "pageSize": 1, "hasMore": true, "totalCount": null, "data": [{}]}}"#,
                rating(88, 1001, "5.0")
            );
            json_reply(then, &body);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/technician-ratings"))
                .query_param("page", "2")
                .query_param("technicianId", "88");
            let body = format!(
                r#"{{"page": 2, "pageSize": 1, "hasMore": false, "totalCount": null, "data": [{}]}}"#,
                rating(88, 1002, "3.0")
            );
            json_reply(then, &body);
        })
        .await;

    let jobs: Vec<i64> = client(&api)
        .list_technician_ratings()
        .technician_id(88)
        .stream_items()
        .map_ok(|r| r.job_id.unwrap())
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(jobs, [1001, 1002]);
}

#[tokio::test]
async fn upsert_technician_rating_posts_and_returns_the_rating() {
    let api = MockApi::start().await;
    let body = rating(88, 123456789012, "4.0");
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/technician-ratings"))
                .header("content-type", "application/json")
                .json_body(json!({"technicianId": 88, "jobId": 123456789012_i64, "rating": 4.0}));
            json_reply(then, &body);
        })
        .await;

    let saved = client(&api)
        .upsert_technician_rating()
        .body(types::TechnicianRatingUpsertRequest {
            technician_id: 88,
            job_id: 123456789012,
            rating: 4.0,
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(saved.rating, Some(4.0));
    assert_eq!(saved.active, Some(true));
}

#[tokio::test]
// The older operation's body model is deprecated in favour of `TechnicianRatingUpsertRequest`;
// this test covers the older operation on purpose.
#[allow(deprecated)]
async fn set_technician_job_rating_puts_the_value_on_the_pair_path() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(api.path(
                    SERVER_PATH,
                    "/technician-rating/technician/88/job/123456789012",
                ))
                .json_body(json!({"value": 3.5}));
            then.status(200);
        })
        .await;

    let response = client(&api)
        .set_technician_job_rating()
        .technician_id(88)
        .job_id(123456789012_i64)
        .body(types::TechnicianJobRatingRequest { value: 3.5 })
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
// The older operation's body model is deprecated in favour of `TechnicianRatingUpsertRequest`;
// this test covers the older operation on purpose.
#[allow(deprecated)]
async fn set_technician_job_rating_for_an_unknown_job_is_a_404() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(api.path(SERVER_PATH, "/technician-rating/technician/88/job/404"));
            then.status(404)
                .header("content-type", "application/json")
                .body(r#"{"title": "Job 404 not found.", "status": 404, "traceId": "00-ci-04"}"#);
        })
        .await;

    let result = client(&api)
        .set_technician_job_rating()
        .technician_id(88)
        .job_id(404)
        .body(types::TechnicianJobRatingRequest { value: 1.0 })
        .send()
        .await;

    mock.assert_async().await;
    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.trace_id(), Some("00-ci-04"));
}

#[tokio::test]
async fn export_technician_ratings_streams_two_pages_with_the_token() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/technician-ratings"))
                .query_param("includeRecentChanges", "true")
                .query_param("from", "2020-01-01");
            let body = format!(
                r#"{{"hasMore": true, "continueFrom": "tr-1", "data": [{}]}}"#,
                rating(88, 1001, "5.0")
            );
            json_reply(then, &body);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/technician-ratings"))
                .query_param("includeRecentChanges", "true")
                .query_param("from", "tr-1");
            let body = format!(
                r#"{{"hasMore": false, "continueFrom": "tr-2", "data": [{}]}}"#,
                rating(89, 1003, "2.5").replace(r#""active": true"#, r#""active": false"#)
            );
            json_reply(then, &body);
        })
        .await;

    // Start from a date, as the spec allows, then follow the tokens.
    let batches: Vec<_> = client(&api)
        .export_technician_ratings()
        .include_recent_changes(true)
        .stream_export(Some("2020-01-01".into()))
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(batches.len(), 2);
    assert!(batches[0].has_more);
    assert_eq!(batches[0].continue_from.as_deref(), Some("tr-1"));
    assert_eq!(batches[0].items[0].job_id, Some(1001));
    assert!(!batches[1].has_more);
    assert_eq!(batches[1].continue_from.as_deref(), Some("tr-2"));
    assert_eq!(batches[1].items[0].technician_id, Some(89));
    assert_eq!(batches[1].items[0].rating, Some(2.5));
    assert_eq!(batches[1].items[0].active, Some(false));
}

/// No response model here has an enum field; leniency covers unknown fields and nulls.
#[tokio::test]
async fn lenient_decoding_tolerates_nulls_and_extras() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/technician-ratings"));
            // `rating` and `createdOn` are required but null; `source` is not in the spec.
            json_reply(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": [
                    {"technicianId": 88, "jobId": 1004, "rating": null, "active": true,
                     "createdOn": null, "modifiedOn": "2024-03-06T09:00:00.1234567",
                     "source": "SurveyMonkey"}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_technician_ratings()
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let r = &page.data.unwrap()[0];
    assert_eq!(r.job_id, Some(1004));
    assert_eq!(r.rating, None);
    assert_eq!(r.created_on, None);
    assert_eq!(r.modified_on, Some(at("2024-03-06T09:00:00.1234567Z")));
}
