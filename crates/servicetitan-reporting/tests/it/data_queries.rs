//! Long-running report data queries: start (200 with rows or 202 with a token), poll, cancel.
//!
//! The generated methods cannot type these responses: `start_report_data_query` returns a JSON
//! value for both 200 (`ReportDataPage`) and 202 (`DataQueryToken`), and `get_data_query`
//! returns the raw body (202 has none). Callers tell them apart by status, as below.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use httpmock::prelude::*;
use httpmock::HttpMockResponse;
use servicetitan_core::reports::{run_query, PollOptions, QueryState};
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::{DecodeError, Error};
use servicetitan_reporting::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

const QUERY_PATH: &str = "/report-category/operations/reports/1001/data/query";
const ROWS: &str = r#"{"fields": [{"name": "JobNumber", "label": "Job #", "dataType": "String"},
                                  {"name": "Revenue", "label": "Total Revenue", "dataType": "Number"}],
                       "page": 1, "pageSize": 500, "hasMore": false, "totalCount": 2,
                       "data": [["81234", 1234.10], ["81240", 0]]}"#;

fn parameters() -> types::ReportDataRequest {
    types::ReportDataRequest {
        parameters: vec![types::ReportParameterValue {
            name: "From".into(),
            value: Some(serde_json::json!("2024-03-01")),
        }],
    }
}

fn decode<T: serde::de::DeserializeOwned>(op: &'static str, body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body)
        .map_err(|e| Error::Decode(Box::new(DecodeError::new(Some(op), body, e))))
}

/// Starts the query: 200 carries the rows, 202 a token to poll with.
async fn start(client: &Client) -> Result<QueryState<types::ReportDataPage, String>, Error> {
    let response = client
        .start_report_data_query()
        .report_category("operations")
        .report_id(1001)
        .page_size(500)
        .body(parameters())
        .send()
        .await?;
    let status = response.status().as_u16();
    // Back to bytes, so that a decode error can point at the failing field.
    let body = serde_json::to_vec(&response.into_inner()).unwrap();
    if status == 202 {
        let token: types::DataQueryToken = decode("start_report_data_query", &body)?;
        Ok(QueryState::Pending(token.token.unwrap_or_default()))
    } else {
        Ok(QueryState::Ready(decode("start_report_data_query", &body)?))
    }
}

/// Polls the query: 202 (no body) while it runs, 200 with the rows when done.
async fn poll(
    client: &Client,
    token: String,
) -> Result<QueryState<types::ReportDataPage, String>, Error> {
    let response = client.get_data_query().token(token.clone()).send().await?;
    let status = response.status().as_u16();
    let mut body = Vec::new();
    servicetitan_core::binary::write_response(response, &mut body).await?;
    if status == 202 {
        return Ok(QueryState::Pending(token));
    }
    Ok(QueryState::Ready(decode("get_data_query", &body)?))
}

#[tokio::test]
async fn start_returns_the_rows_at_once_with_200() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, QUERY_PATH))
                .query_param("pageSize", "500")
                .json_body(
                    serde_json::json!({"parameters": [{"name": "From", "value": "2024-03-01"}]}),
                )
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(ROWS);
        })
        .await;

    let response = client(&api)
        .start_report_data_query()
        .report_category("operations")
        .report_id(1001)
        .page_size(500)
        .body(parameters())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;

    assert_eq!(response.status().as_u16(), 200);
    let page: types::ReportDataPage = serde_json::from_value(response.into_inner()).unwrap();
    assert_eq!(page.total_count, Some(2));
    let rows = page.data.unwrap();
    assert_eq!(rows[0][0], "81234");
    assert_eq!(rows[0][1].as_f64(), Some(1234.1));
}

#[tokio::test]
async fn a_202_query_is_polled_until_its_rows_are_ready() {
    let api = MockApi::start().await;
    let started = api
        .server
        .mock_async(|when, then| {
            when.method(POST).path(api.path(SERVER_PATH, QUERY_PATH));
            then.status(202)
                .header("content-type", "application/json")
                .body(r#"{"token": "q-7f3a9c"}"#);
        })
        .await;
    let polls = AtomicUsize::new(0);
    let polled = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/data-queries/q-7f3a9c"));
            then.respond_with(move |_| {
                if polls.fetch_add(1, Ordering::SeqCst) == 0 {
                    HttpMockResponse::builder().status(202).build()
                } else {
                    HttpMockResponse::builder()
                        .status(200)
                        .header("content-type", "application/json")
                        .body(ROWS)
                        .build()
                }
            });
        })
        .await;
    let cancelled = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/data-queries/q-7f3a9c"));
            then.status(204);
        })
        .await;
    let client = client(&api);
    let canceller = client.clone();

    let page = run_query(
        PollOptions::default().with_interval(Duration::from_millis(1), Duration::from_millis(2)),
        start(&client),
        |token| poll(&client, token),
        |token| async move {
            let _ = canceller.cancel_data_query().token(token).send().await;
        },
    )
    .await
    .unwrap();

    started.assert_async().await;
    polled.assert_calls_async(2).await;
    cancelled.assert_calls_async(0).await;
    assert_eq!(page.page_size, Some(500));
    let rows = page.data.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][0], "81240");
}

#[tokio::test]
async fn a_query_that_times_out_is_cancelled() {
    let api = MockApi::start().await;
    let started = api
        .server
        .mock_async(|when, then| {
            when.method(POST).path(api.path(SERVER_PATH, QUERY_PATH));
            then.status(202)
                .header("content-type", "application/json")
                .body(r#"{"token": "q-slow"}"#);
        })
        .await;
    api.server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/data-queries/q-slow"));
            then.status(202);
        })
        .await;
    let cancelled = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/data-queries/q-slow"));
            then.status(204);
        })
        .await;
    let client = client(&api);
    let canceller = client.clone();

    let result = run_query(
        PollOptions::default()
            .with_interval(Duration::from_millis(5), Duration::from_millis(20))
            .with_timeout(Duration::from_millis(150)),
        start(&client),
        |token| poll(&client, token),
        |token| async move {
            let response = canceller.cancel_data_query().token(token).send().await;
            assert_eq!(response.unwrap().status().as_u16(), 204);
        },
    )
    .await;

    started.assert_async().await;
    cancelled.assert_calls_async(1).await;
    assert!(matches!(result, Err(Error::Timeout { .. })));
}

#[tokio::test]
async fn cancel_data_query_sends_a_delete() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/data-queries/q-7f3a9c"));
            then.status(204);
        })
        .await;

    let response = client(&api)
        .cancel_data_query()
        .token("q-7f3a9c")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;

    assert_eq!(response.status().as_u16(), 204);
}

#[tokio::test]
async fn polling_an_unknown_token_is_a_not_found_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/data-queries/q-gone"));
            then.status(404).header("content-type", "application/json").body(
                r#"{"title": "Query not found or expired", "status": 404, "traceId": "00-ff-01"}"#,
            );
        })
        .await;

    let result = client(&api).get_data_query().token("q-gone").send().await;
    mock.assert_async().await;

    let err: Error = result.err().expect("a 404 error").into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(
        err.problem().and_then(|p| p.title.as_deref()),
        Some("Query not found or expired")
    );
}
