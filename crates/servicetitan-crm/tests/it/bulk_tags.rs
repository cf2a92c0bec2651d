//! Bulk tags: adding and removing tags on many customers at once.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_crm::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn add_bulk_tags_puts_customer_and_tag_ids() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(api.path(SERVER_PATH, "/tags"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .json_body(serde_json::json!({
                    "customerIds": [4402113, 4402200], "tagTypeIds": [12, 14]
                }));
            then.status(200);
        })
        .await;

    let response = client(&api)
        .add_bulk_tags()
        .body(types::BulkTagsAddRequest {
            customer_ids: vec![4402113, 4402200],
            tag_type_ids: vec![12, 14],
        })
        .send()
        .await
        .unwrap();
    mock.assert_async().await;

    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn remove_bulk_tags_sends_a_delete_with_a_body() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/tags"))
                .header("content-type", "application/json")
                .json_body(serde_json::json!({"customerIds": [4402113], "tagTypeIds": [12]}));
            then.status(200);
        })
        .await;

    let response = client(&api)
        .remove_bulk_tags()
        .body(types::BulkTagsRemoveRequest {
            customer_ids: vec![4402113],
            tag_type_ids: vec![12],
        })
        .send()
        .await
        .unwrap();
    mock.assert_async().await;

    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn bulk_tag_conflict_is_an_api_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PUT).path(api.path(SERVER_PATH, "/tags"));
            then.status(409).header("content-type", "application/json").body(
                r#"{"title": "Tag type 14 is archived.", "status": 409, "traceId": "00-bb-01"}"#,
            );
        })
        .await;

    let result = client(&api)
        .add_bulk_tags()
        .body(types::BulkTagsAddRequest {
            customer_ids: vec![4402113],
            tag_type_ids: vec![14],
        })
        .send()
        .await;
    mock.assert_async().await;

    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(err.trace_id(), Some("00-bb-01"));
}
