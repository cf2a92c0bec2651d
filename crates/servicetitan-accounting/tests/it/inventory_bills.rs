//! Inventory bills: listing, custom fields and marking as exported.

use httpmock::prelude::*;
use servicetitan_accounting::{types, Client, SERVER_PATH};
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn list_inventory_bills_sends_filters_and_decodes_the_array() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/inventory-bills"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("batchId", "31")
                .query_param("billNumber", "INV-88")
                .query_param("dateFrom", "2024-03-01T00:00:00Z")
                .query_param("customField.Operator", "Or")
                // An array query parameter repeats its name per value.
                .query_param_count("^syncStatuses$", "^(Pending|PostedAndExported)$", 2);
            then.status(200).header("content-type", "application/json").body(
                r#"[{"id": 7001, "purchaseOrderId": 3301, "syncStatus": "Pending",
                     "referenceNumber": "INV-88", "vendorNumber": "V-44", "summary": "Coils",
                     "billDate": "2024-03-04T00:00:00", "billAmount": "512.30", "taxAmount": "12.30",
                     "shippingAmount": "0.00", "createdBy": "jsmith",
                     "createdOn": "2024-03-04T09:30:00.1234567Z", "modifiedOn": null,
                     "termName": "Net 30", "dueDate": "2024-04-03T00:00:00",
                     "batch": {"id": 31, "number": "31", "name": "March"},
                     "businessUnit": {"id": 12, "name": "HVAC Service"},
                     "vendor": {"id": 44, "name": "Acme Supply"},
                     "items": [{"order": 1, "name": "Coil", "description": "3 ton coil",
                                "quantity": "1", "cost": "500.00", "inventoryLocation": "Main",
                                "serialNumber": "SN-1",
                                "assetAccount": {"id": 1200, "name": "Inventory Asset"},
                                "skuId": 220, "skuCode": "COIL-3T"}],
                     "customFields": [{"name": "Approver", "value": "Kim"}],
                     "jobId": null, "jobNumber": null}]"#,
            );
        })
        .await;

    let from: DateTime = "2024-03-01T00:00:00Z".parse().unwrap();
    let bills = client(&api)
        .list_inventory_bills()
        .batch_id(31)
        .bill_number("INV-88")
        .date_from(from)
        .custom_field_operator(types::LogicalOperator::Or)
        .sync_statuses(vec![
            types::InventoryBillSyncStatus::Pending,
            types::InventoryBillSyncStatus::PostedAndExported,
        ])
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let bill = &bills[0];
    assert_eq!(bill.id, 7001);
    assert_eq!(bill.sync_status.as_deref(), Some("Pending"));
    assert_eq!(bill.tax_amount.as_deref(), Some("12.30"));
    assert_eq!(bill.modified_on, None);
    assert_eq!(
        bill.created_on.unwrap().to_string(),
        "2024-03-04T09:30:00.1234567Z"
    );
    let line = &bill.items.as_ref().unwrap()[0];
    assert_eq!(line.order, Some(1));
    assert_eq!(line.asset_account.as_ref().unwrap().id, Some(1200));
    assert_eq!(
        bill.custom_fields.as_ref().unwrap()[0].name.as_deref(),
        Some("Approver")
    );
}

#[tokio::test]
async fn list_inventory_bill_custom_field_types_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/inventory-bills/custom-fields"))
                .query_param("page", "1")
                .query_param("includeTotal", "true");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 1, "data": [
                    {"id": 61, "name": "Approver", "dataType": "Dropdown",
                     "dataTypeOptions": ["Kim", "Lee"],
                     "createdOn": "2023-05-01T00:00:00.0000000Z", "modifiedOn": "2023-05-02T00:00:00.0000000Z"}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_inventory_bill_custom_field_types()
        .page(1)
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let field = &page.data.unwrap()[0];
    assert_eq!(field.id, 61);
    assert_eq!(field.data_type, Some(types::CustomFieldDataType::Dropdown));
    assert_eq!(field.data_type_options.as_ref().unwrap().len(), 2);
}

#[tokio::test]
async fn update_inventory_bill_custom_fields_patches_the_operations() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/inventory-bills/custom-fields"))
                .json_body(serde_json::json!({"operations": [
                    {"objectId": 7001, "customFields": [{"name": "Approver", "value": "Lee"}]}
                ]}));
            then.status(200);
        })
        .await;

    client(&api)
        .update_inventory_bill_custom_fields()
        .body(types::CustomFieldUpdateRequest {
            operations: servicetitan_core::types::Patch::Set(vec![types::CustomFieldOperation {
                object_id: 7001,
                custom_fields: vec![types::CustomFieldPair {
                    name: "Approver".parse().unwrap(),
                    value: Some("Lee".into()),
                }],
            }]),
        })
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn mark_inventory_bills_as_exported_posts_the_ids() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/inventory-bills/markasexported"))
                .json_body(serde_json::json!({"inventoryBillIds": [7001, 7002]}));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"[{"inventoryBillId": 7001, "success": true, "errorMessage": null},
                    {"inventoryBillId": 7002, "success": false, "errorMessage": "Not posted"}]"#,
                );
        })
        .await;

    let results = client(&api)
        .mark_inventory_bills_as_exported()
        .body(types::InventoryBillMarkExportedRequest {
            inventory_bill_ids: vec![7001, 7002],
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(results[1].inventory_bill_id, Some(7002));
    assert_eq!(results[1].success, Some(false));
    assert_eq!(results[1].error_message.as_deref(), Some("Not posted"));
}
