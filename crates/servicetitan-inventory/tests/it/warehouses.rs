//! Warehouses: listing and external data updates.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_inventory::{types, Client, SERVER_PATH};

const APP_GUID: &str = "9b2f6a8c-1d3e-4f50-8a7b-6c5d4e3f2a1b";

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn list_warehouses_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/warehouses"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("modifiedOnOrAfter", "2024-01-01T00:00:00Z")
                .query_param("ids", "501");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [{
                    "id": 501, "name": "Main warehouse", "active": true,
                    "address": {"street": "100 Warehouse Rd", "unit": "B", "city": "Springfield",
                                "state": "IL", "zip": "62702", "country": "USA"},
                    "createdOn": "2017-07-17T17:17:17.1700000Z", "modifiedOn": "2024-02-02T02:02:02.0000000Z",
                    "externalData": []}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_warehouses()
        .modified_on_or_after("2024-01-01T00:00:00Z".parse::<DateTime>().unwrap())
        .ids("501")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let warehouse = &page.data.unwrap()[0];
    assert_eq!(warehouse.id, 501);
    assert_eq!(
        warehouse.address.as_ref().unwrap().unit.as_deref(),
        Some("B")
    );
    assert_eq!(warehouse.external_data.as_ref().map(|e| e.len()), Some(0));
    assert_eq!(
        warehouse.created_on.unwrap().to_string(),
        "2017-07-17T17:17:17.17Z"
    );
}

#[tokio::test]
async fn update_warehouse_merges_external_data() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/warehouses/501"))
                .json_body(serde_json::json!({"externalData": {
                    "patchMode": "Merge", "applicationGuid": APP_GUID,
                    "externalData": [{"key": "wmsSite", "value": "SPR-1"}]
                }}));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 501}"#);
        })
        .await;

    let result = client(&api)
        .update_warehouse()
        .id(501)
        .body(types::WarehouseUpdateRequest {
            external_data: servicetitan_core::types::Patch::Set(types::ExternalDataUpdateRequest {
                patch_mode: Some(types::ExternalDataPatchMode::Merge),
                application_guid: APP_GUID.parse().unwrap(),
                external_data: vec![types::ExternalDataUpdateItem {
                    key: "wmsSite".into(),
                    value: Some("SPR-1".into()),
                }],
            }),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(result.id, 501);
}
