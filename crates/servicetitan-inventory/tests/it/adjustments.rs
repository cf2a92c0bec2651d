//! Inventory adjustments: listing, external data and custom field updates, the export feed.

use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::{ExportBatch, ExportRequestExt};
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_inventory::{types, Client, SERVER_PATH};

const APP_GUID: &str = "9b2f6a8c-1d3e-4f50-8a7b-6c5d4e3f2a1b";

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn adjustment_json(id: i64, quantity: &str) -> String {
    format!(
        r#"{{"id": {id}, "active": true, "number": "ADJ-{id}", "referenceNumber": "CYCLE-03",
            "type": "CycleCount", "inventoryLocationId": 501, "businessUnitId": 12,
            "createdById": 9, "memo": "Quarterly count\nShelf B", "date": "2024-03-15T00:00:00",
            "createdOn": "2024-03-15T16:20:00.1234567Z", "modifiedOn": "2024-03-15T16:25:00.0000000Z",
            "batchId": 31, "batch": {{"id": 31, "number": "31", "name": "March"}},
            "syncStatus": "Pending", "canceledReason": null, "canceledById": null, "dateCanceled": null,
            "externalData": [{{"key": "erpId", "value": "ADJ-E-{id}"}}],
            "items": [{{"id": 1, "skuId": 120, "description": "Capacitor",
                "createdOn": "2024-03-15T16:20:00.1234567Z", "modifiedOn": "2024-03-15T16:20:00.1234567Z",
                "name": "Capacitor 45/5", "code": "CAP-45-5", "quantity": {quantity},
                "createdById": 9, "active": true,
                "serialNumbers": [{{"id": 70, "number": "SN-0070"}}]}}],
            "customFields": [{{"typeId": 61, "name": "Counter", "value": "Kim"}}]}}"#
    )
}

#[tokio::test]
async fn list_adjustments_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 1, "data": [{}]}}"#,
        adjustment_json(8801, "-2.5")
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/adjustments"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("inventoryLocationIds", "501,502")
                .query_param("adjustmentTypes", "CycleCount")
                .query_param("syncStatuses", "Pending,Posted")
                .query_param("customFields.Operator", "And")
                .query_param("dateOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("externalDataApplicationGuid", APP_GUID)
                .query_param("includeTotal", "true");
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;

    let page = client(&api)
        .list_adjustments()
        .inventory_location_ids("501,502")
        .adjustment_types("CycleCount")
        .sync_statuses("Pending,Posted")
        .custom_fields_operator(types::LogicalOperator::And)
        .date_on_or_after("2024-03-01T00:00:00Z".parse::<DateTime>().unwrap())
        .external_data_application_guid(APP_GUID)
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.total_count, Some(1));
    let adjustment = &page.data.unwrap()[0];
    assert_eq!(adjustment.id, 8801);
    assert_eq!(adjustment.sync_status, Some(types::SyncStatus::Pending));
    assert_eq!(adjustment.memo.as_deref(), Some("Quarterly count\nShelf B"));
    assert_eq!(adjustment.batch.as_ref().unwrap().id, Some(31));
    let item = &adjustment.items.as_ref().unwrap()[0];
    assert_eq!(item.quantity.unwrap().to_string(), "-2.5");
    assert_eq!(
        item.serial_numbers.as_ref().unwrap()[0].number.as_deref(),
        Some("SN-0070")
    );
    assert_eq!(
        adjustment.custom_fields.as_ref().unwrap()[0].type_id,
        Some(61)
    );
    assert_eq!(
        adjustment.created_on.unwrap().to_string(),
        "2024-03-15T16:20:00.1234567Z"
    );
}

#[tokio::test]
async fn update_adjustment_replaces_external_data() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/adjustments/8801"))
                .json_body(serde_json::json!({"externalData": {
                    "patchMode": "Replace",
                    "applicationGuid": APP_GUID,
                    "externalData": [{"key": "erpId", "value": "ADJ-E-8801-v2"}]
                }}));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 8801}"#);
        })
        .await;

    let result = client(&api)
        .update_adjustment()
        .id(8801)
        .body(types::AdjustmentUpdateRequest {
            external_data: servicetitan_core::types::Patch::Set(types::ExternalDataUpdateRequest {
                patch_mode: Some(types::ExternalDataPatchMode::Replace),
                application_guid: APP_GUID.parse().unwrap(),
                external_data: vec![types::ExternalDataUpdateItem {
                    key: "erpId".into(),
                    value: Some("ADJ-E-8801-v2".into()),
                }],
            }),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(result.id, 8801);
}

#[tokio::test]
async fn update_adjustment_custom_fields_patches_the_operations() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/adjustments/custom-fields"))
                .json_body(serde_json::json!({"operations": [
                    {"objectId": 8801, "customFields": [{"name": "Counter", "value": "Lee"}]}
                ]}));
            then.status(200);
        })
        .await;

    client(&api)
        .update_adjustment_custom_fields()
        .body(types::CustomFieldUpdateRequest {
            operations: servicetitan_core::types::Patch::Set(vec![types::CustomFieldOperation {
                object_id: 8801,
                custom_fields: vec![types::CustomFieldInput {
                    name: "Counter".into(),
                    value: "Lee".into(),
                }],
            }]),
        })
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn export_adjustments_follows_the_continuation_token_over_two_pages() {
    let api = MockApi::start().await;
    let page1 = format!(
        r#"{{"hasMore": true, "continueFrom": "adj-token-1", "data": [{}]}}"#,
        adjustment_json(8801, "-2.5")
    );
    let page2 = format!(
        r#"{{"hasMore": false, "continueFrom": "adj-token-2", "data": [{}]}}"#,
        adjustment_json(8802, "4.00")
    );
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/adjustments"))
                .query_param("includeRecentChanges", "true")
                .query_param_missing("from");
            then.status(200)
                .header("content-type", "application/json")
                .body(page1);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/adjustments"))
                .query_param("includeRecentChanges", "true")
                .query_param("from", "adj-token-1");
            then.status(200)
                .header("content-type", "application/json")
                .body(page2);
        })
        .await;

    let batches: Vec<ExportBatch<types::AdjustmentExportItem>> = client(&api)
        .export_adjustments()
        .include_recent_changes(true)
        .stream_export(None)
        .try_collect()
        .await
        .unwrap();
    first.assert_async().await;
    second.assert_async().await;

    assert_eq!(batches.len(), 2);
    assert!(batches[0].has_more);
    assert_eq!(batches[0].continue_from.as_deref(), Some("adj-token-1"));
    assert!(!batches[1].has_more);
    assert_eq!(batches[1].continue_from.as_deref(), Some("adj-token-2"));
    assert_eq!(batches[0].items[0].id, 8801);
    let second_item = &batches[1].items[0];
    assert_eq!(second_item.id, 8802);
    assert_eq!(
        second_item.items.as_ref().unwrap()[0]
            .quantity
            .unwrap()
            .to_string(),
        "4.00"
    );
}
