//! Receipts: listing, receiving goods, custom fields and cancellation.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_inventory::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn list_receipts_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/receipts"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("purchaseOrderIds", "3301")
                .query_param("vendorIds", "44")
                .query_param("vendorInvoiceNumber", "SO-7781")
                .query_param("receivedOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("active", "Any");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [{
                    "id": 7401, "active": true, "number": "R-7401", "vendorInvoiceNumber": "SO-7781",
                    "createdById": 9, "memo": "Partial", "purchaseOrderId": 3301, "billId": 7001,
                    "jobId": 101, "businessUnitId": 12, "vendorId": 44, "technicianId": null,
                    "inventoryLocationId": 501, "shipTo": null, "shipToDescription": "Main warehouse",
                    "receiptAmount": 512.30, "taxAmount": 12.30, "shippingAmount": 0.00,
                    "receivedOn": "2024-03-12T00:00:00", "createdOn": "2024-03-12T09:00:00.1234567Z",
                    "modifiedOn": "2024-03-12T09:00:00.1234567Z", "batchId": null, "syncStatus": "Posted",
                    "items": [{"id": 1, "skuId": 220, "name": "Coil", "code": "COIL-3T",
                               "description": "3 ton coil", "quantity": 1, "cost": 500.00,
                               "generalLedgerAccount": {"name": "Inventory", "number": "1200",
                                                        "type": "Asset", "detailType": null},
                               "costOfSaleAccount": null, "assetAccount": null,
                               "purchaseOrderItemId": 1}],
                    "customFields": []}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_receipts()
        .purchase_order_ids("3301")
        .vendor_ids("44")
        .vendor_invoice_number("SO-7781")
        .received_on_or_after("2024-03-01T00:00:00Z".parse::<DateTime>().unwrap())
        .active(types::ActiveFilter::Any)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let receipt = &page.data.unwrap()[0];
    assert_eq!(receipt.id, 7401);
    assert_eq!(receipt.bill_id, Some(7001));
    assert_eq!(receipt.sync_status, Some(types::SyncStatus::Posted));
    assert_eq!(receipt.receipt_amount.unwrap().to_string(), "512.30");
    assert_eq!(
        receipt.received_on.unwrap().to_string(),
        "2024-03-12T00:00:00Z"
    );
    let item = &receipt.items.as_ref().unwrap()[0];
    assert_eq!(item.purchase_order_item_id, Some(1));
    assert_eq!(
        item.general_ledger_account
            .as_ref()
            .unwrap()
            .number
            .as_deref(),
        Some("1200")
    );
}

#[tokio::test]
async fn create_receipt_posts_received_lines() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/receipts"))
                .json_body_includes(
                    r#"{"purchaseOrderId": 3301, "dateReceived": "2024-03-12T08:30:00Z",
                        "vendorDocumentNumber": "SO-7781",
                        "items": [{"purchaseOrderItemId": 1, "skuId": 220}]}"#,
                )
                .body_includes(r#""tax":12.30"#)
                .body_includes(r#""quantity":1.000"#)
                .body_includes(r#""cost":500.00"#);
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 7401}"#);
        })
        .await;

    let created = client(&api)
        .create_receipt()
        .body(types::ReceiptCreateRequest {
            purchase_order_id: 3301,
            date_received: "2024-03-12T08:30:00Z".parse().unwrap(),
            vendor_document_number: Some("SO-7781".into()),
            tax: "12.30".parse().unwrap(),
            shipping: "0".parse().unwrap(),
            items: vec![types::ReceiptItemCreateRequest {
                purchase_order_item_id: Some(1),
                sku_id: 220,
                quantity: "1.000".parse().unwrap(),
                cost: "500.00".parse().unwrap(),
                budget_code_id: None,
                description: None,
                vendor_part_number: None,
            }],
            budget_code_id: None,
            job_id: None,
            memo: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(created.id, 7401);
}

#[tokio::test]
async fn update_receipt_custom_fields_patches_the_operations() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/receipts/custom-fields"))
                .json_body(serde_json::json!({"operations": [
                    {"objectId": 7401, "customFields": [{"name": "Dock", "value": "3"}]}
                ]}));
            then.status(200);
        })
        .await;

    client(&api)
        .update_receipt_custom_fields()
        .body(types::CustomFieldUpdateRequest {
            operations: servicetitan_core::types::Patch::Set(vec![types::CustomFieldOperation {
                object_id: 7401,
                custom_fields: vec![types::CustomFieldInput {
                    name: "Dock".into(),
                    value: "3".into(),
                }],
            }]),
        })
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

/// The API declares `id` twice here: the receipt in the path and an optional query value.
/// The generated builder keeps them apart as `id_in_path` and `id`.
#[tokio::test]
async fn cancel_receipt_sends_the_path_id_and_the_query_id_separately() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/receipts/7401/cancellation"))
                .query_param("id", "7401")
                .json_body(serde_json::json!({"canceledReason": "Duplicate"}));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 7401}"#);
        })
        .await;

    let result = client(&api)
        .cancel_receipt()
        .id_in_path(7401)
        .id(7401)
        .body(types::ReceiptCancelRequest {
            canceled_reason: servicetitan_core::types::Patch::Set(
                types::ReceiptCancelReason::Duplicate,
            ),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(result.id, 7401);
}

#[tokio::test]
async fn cancel_receipt_without_the_query_id_leaves_it_out() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/receipts/7402/cancellation"))
                .query_param_missing("id");
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 7402}"#);
        })
        .await;

    let result = client(&api)
        .cancel_receipt()
        .id_in_path(7402)
        .body(types::ReceiptCancelRequest {
            canceled_reason: servicetitan_core::types::Patch::Set(
                types::ReceiptCancelReason::Other,
            ),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(result.id, 7402);
}
