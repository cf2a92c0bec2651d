//! Dynamic value sets: the values a report parameter may take.

use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::ListRequestExt;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_reporting::{Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn get_dynamic_value_set_decodes_fields_and_rows() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/dynamic-value-sets/business-units"))
                .query_param("page", "1")
                .query_param("includeTotal", "true")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"fields": [{"name": "Value", "label": "Value", "dataType": "Number"},
                               {"name": "Name", "label": "Name", "dataType": "String"}],
                    "page": 1, "pageSize": 50, "hasMore": false, "totalCount": 2,
                    "data": [[12, "HVAC Service"], [14, "Plumbing"]]}"#,
                );
        })
        .await;

    let page = client(&api)
        .get_dynamic_value_set()
        .dynamic_set_id("business-units")
        .page(1)
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.total_count, Some(2));
    let fields = page.fields.unwrap();
    assert_eq!(fields[1].name.as_deref(), Some("Name"));
    let rows = page.data.unwrap();
    assert_eq!(rows[0][0].as_i64(), Some(12));
    assert_eq!(rows[1][1], "Plumbing");
}

#[tokio::test]
async fn dynamic_value_set_rows_stream_across_pages() {
    let api = MockApi::start().await;
    let path = api.path(SERVER_PATH, "/dynamic-value-sets/technicians");
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET).path(&path).query_param("page", "1");
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"fields": [{"name": "Value", "label": "Value", "dataType": "Number"}],
                    "page": 1, "pageSize": 1, "hasMore": true, "data": [[501]]}"#,
                );
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET).path(&path).query_param("page", "2");
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"fields": [{"name": "Value", "label": "Value", "dataType": "Number"}],
                    "page": 2, "pageSize": 1, "hasMore": false, "data": [[502]]}"#,
                );
        })
        .await;

    let rows: Vec<Vec<serde_json::Value>> = client(&api)
        .get_dynamic_value_set()
        .dynamic_set_id("technicians")
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    first.assert_async().await;
    second.assert_async().await;

    let ids: Vec<_> = rows.iter().map(|r| r[0].as_i64().unwrap()).collect();
    assert_eq!(ids, [501, 502]);
}
