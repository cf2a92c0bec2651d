//! Transfers between inventory locations: listing, updates, custom fields, export feed.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_inventory::{types, Client, SERVER_PATH};

const APP_GUID: &str = "9b2f6a8c-1d3e-4f50-8a7b-6c5d4e3f2a1b";

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

const TRANSFER: &str = r#"{
    "id": 9901, "transferType": "Replenishment", "status": "Picked", "number": "T-9901",
    "referenceNumber": "REPL-12", "fromLocationId": 501, "toLocationId": 601, "createdById": 9,
    "memo": "Truck 12 restock", "date": "2024-03-18T00:00:00",
    "pickedDate": "2024-03-18T14:00:00.0000000Z", "receivedDate": null,
    "createdOn": "2024-03-18T13:00:00.1234567Z", "modifiedOn": "2024-03-18T14:00:00.0000000Z",
    "batchId": null, "batch": null, "syncStatus": "Pending", "dateRequired": "2024-03-19T00:00:00",
    "jobId": null, "invoiceId": null, "canceledById": null, "canceledReason": null,
    "dateCanceled": null, "active": true, "pickedById": 55, "receivedById": null,
    "items": [{"id": 1, "skuId": 120, "description": "Capacitor",
        "createdOn": "2024-03-18T13:00:00.1234567Z", "modifiedOn": "2024-03-18T14:00:00.0000000Z",
        "name": "Capacitor 45/5", "code": "CAP-45-5", "quantity": 6, "quantityPicked": 5.5,
        "serialNumbers": null, "createdById": 9, "active": true}],
    "customFields": [], "externalData": null
}"#;

#[tokio::test]
async fn list_transfers_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/transfers"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("statuses", "Picked,Pending")
                .query_param("fromLocationIds", "501")
                .query_param("toLocationIds", "601")
                .query_param("transferTypeIds", "3");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 50, "hasMore": false, "data": [{TRANSFER}]}}"#
                ));
        })
        .await;

    let page = client(&api)
        .list_transfers()
        .statuses("Picked,Pending")
        .from_location_ids("501")
        .to_location_ids("601")
        .transfer_type_ids("3")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let transfer = &page.data.unwrap()[0];
    assert_eq!(transfer.id, 9901);
    assert_eq!(transfer.status.as_deref(), Some("Picked"));
    assert_eq!(transfer.sync_status, Some(types::SyncStatus::Pending));
    assert_eq!(transfer.picked_by_id, Some(55));
    assert!(transfer.external_data.is_none());
    assert_eq!(
        transfer.picked_date.unwrap().to_string(),
        "2024-03-18T14:00:00Z"
    );
    let item = &transfer.items.as_ref().unwrap()[0];
    assert_eq!(item.quantity_picked.unwrap().to_string(), "5.5");
}

#[tokio::test]
async fn update_transfer_merges_external_data() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/transfers/9901"))
                .json_body(serde_json::json!({"externalData": {
                    "patchMode": "Merge", "applicationGuid": APP_GUID,
                    "externalData": [{"key": "wmsId", "value": "W-42"}]
                }}));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 9901}"#);
        })
        .await;

    let result = client(&api)
        .update_transfer()
        .id(9901)
        .body(types::TransferUpdateRequest {
            external_data: servicetitan_core::types::Patch::Set(types::ExternalDataUpdateRequest {
                patch_mode: Some(types::ExternalDataPatchMode::Merge),
                application_guid: APP_GUID.parse().unwrap(),
                external_data: vec![types::ExternalDataUpdateItem {
                    key: "wmsId".into(),
                    value: Some("W-42".into()),
                }],
            }),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(result.id, 9901);
}

#[tokio::test]
async fn update_transfer_custom_fields_patches_the_operations() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/transfers/custom-fields"))
                .json_body(serde_json::json!({"operations": [
                    {"objectId": 9901, "customFields": [{"name": "Driver", "value": "Sam"}]}
                ]}));
            then.status(200);
        })
        .await;

    client(&api)
        .update_transfer_custom_fields()
        .body(types::CustomFieldUpdateRequest {
            operations: servicetitan_core::types::Patch::Set(vec![types::CustomFieldOperation {
                object_id: 9901,
                custom_fields: vec![types::CustomFieldInput {
                    name: "Driver".into(),
                    value: "Sam".into(),
                }],
            }]),
        })
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn export_transfers_decodes_a_batch() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/transfers"))
                .query_param("includeRecentChanges", "true");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"hasMore": false, "continueFrom": "tr-token-1", "data": [{TRANSFER}]}}"#
                ));
        })
        .await;

    let page = client(&api)
        .export_transfers()
        .include_recent_changes(true)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.continue_from.as_deref(), Some("tr-token-1"));
    let transfer = &page.data.unwrap()[0];
    assert_eq!(transfer.transfer_type.as_deref(), Some("Replenishment"));
    assert_eq!(transfer.to_location_id, Some(601));
}
