//! Trucks: listing and external data updates.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_inventory::{types, Client, SERVER_PATH};

const APP_GUID: &str = "9b2f6a8c-1d3e-4f50-8a7b-6c5d4e3f2a1b";

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn list_trucks_sends_external_data_filters() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/trucks"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("externalDataApplicationGuid", APP_GUID)
                .query_param("externalDataKey", "fleetId")
                .query_param("externalDataValues", "F-12")
                .query_param("active", "True");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [{
                    "id": 601, "name": "Truck 12", "active": true, "memo": "Ford Transit",
                    "warehouseId": 501, "technicianIds": [55, 56],
                    "createdOn": "2021-07-07T07:07:07.0000000Z", "modifiedOn": "2024-01-01T00:00:00.0000000Z",
                    "externalData": [{"key": "fleetId", "value": "F-12"}]}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_trucks()
        .external_data_application_guid(APP_GUID)
        .external_data_key("fleetId")
        .external_data_values("F-12")
        .active(types::ActiveFilter::True)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let truck = &page.data.unwrap()[0];
    assert_eq!(truck.id, 601);
    assert_eq!(truck.warehouse_id, Some(501));
    assert_eq!(truck.technician_ids.as_deref(), Some(&[55, 56][..]));
    assert_eq!(
        truck.external_data.as_ref().unwrap()[0].value.as_deref(),
        Some("F-12")
    );
}

#[tokio::test]
async fn update_truck_replaces_external_data() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/trucks/601"))
                .json_body(serde_json::json!({"externalData": {
                    "applicationGuid": APP_GUID,
                    "externalData": [{"key": "fleetId", "value": "F-12B"}]
                }}));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 601}"#);
        })
        .await;

    let result = client(&api)
        .update_truck()
        .id(601)
        .body(types::TruckUpdateRequest {
            external_data: servicetitan_core::types::Patch::Set(types::ExternalDataUpdateRequest {
                patch_mode: None,
                application_guid: APP_GUID.parse().unwrap(),
                external_data: vec![types::ExternalDataUpdateItem {
                    key: "fleetId".into(),
                    value: Some("F-12B".into()),
                }],
            }),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(result.id, 601);
}
