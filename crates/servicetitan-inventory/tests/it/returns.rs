//! Returns to vendors: listing, creating, updating, cancellation, custom fields, export feed.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_inventory::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn return_json(status: &str) -> String {
    format!(
        r#"{{"id": 801, "active": true, "number": "RET-801", "referenceNumber": "RMA-77",
            "status": "{status}", "vendorId": 44, "purchaseOrderId": 3301, "jobId": null,
            "businessUnitId": 12, "inventoryLocationId": 501, "createdById": 9,
            "memo": "Damaged in shipping", "returnAmount": 500.00, "taxAmount": 12.30,
            "shippingAmount": 25.00, "returnDate": "2024-03-20T00:00:00",
            "returnedOn": "2024-03-21T10:00:00.0000000Z", "creditReceivedOn": null,
            "createdOn": "2024-03-20T09:00:00.1234567Z", "modifiedOn": "2024-03-21T10:00:00.0000000Z",
            "batchId": null, "batch": null, "syncStatus": "Pending", "canceledById": null,
            "canceledReason": null, "dateCanceled": null,
            "items": [{{"id": 1, "skuId": 220, "description": "3 ton coil",
                "createdOn": "2024-03-20T09:00:00.1234567Z", "modifiedOn": "2024-03-20T09:00:00.1234567Z",
                "name": "Coil", "code": "COIL-3T", "quantity": 1, "cost": 500.00,
                "generalLedgerAccount": null, "costOfSaleAccount": null, "assetAccount": null,
                "serialNumbers": null, "createdById": 9, "active": true, "receiptItemId": 1}}],
            "customFields": [], "externalData": []}}"#
    )
}

#[tokio::test]
async fn list_returns_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 50, "hasMore": false, "data": [{}]}}"#,
        return_json("Returned")
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/returns"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("purchaseOrderId", "3301")
                .query_param("referenceNumber", "RMA-77")
                .query_param("returnDateOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("customFields.Operator", "Or");
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;

    let page = client(&api)
        .list_returns()
        .purchase_order_id(3301)
        .reference_number("RMA-77")
        .return_date_on_or_after("2024-03-01T00:00:00Z".parse::<DateTime>().unwrap())
        .custom_fields_operator(types::LogicalOperator::Or)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let ret = &page.data.unwrap()[0];
    assert_eq!(ret.id, 801);
    assert_eq!(ret.status, Some(types::InventoryReturnStatus::Returned));
    assert_eq!(ret.shipping_amount.unwrap().to_string(), "25.00");
    assert_eq!(ret.credit_received_on, None);
    assert_eq!(ret.returned_on.unwrap().to_string(), "2024-03-21T10:00:00Z");
    assert_eq!(ret.items.as_ref().unwrap()[0].receipt_item_id, Some(1));
}

#[tokio::test]
async fn create_return_posts_fees_and_lines() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/returns"))
                .json_body_includes(
                    r#"{"vendorId": 44, "returnTypeId": 5, "businessUnitId": 12,
                        "inventoryLocationId": 501, "returnDate": "2024-03-20T00:00:00Z",
                        "referenceNumber": "RMA-77", "items": [{"skuId": 220}]}"#,
                )
                .body_includes(r#""restockingFee":25.00"#)
                .body_includes(r#""tax":12.30"#);
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 801}"#);
        })
        .await;

    let created = client(&api)
        .create_return()
        .body(types::InventoryReturnCreateRequest {
            vendor_id: 44,
            return_type_id: 5,
            business_unit_id: 12,
            inventory_location_id: 501,
            return_date: "2024-03-20T00:00:00Z".parse().unwrap(),
            reference_number: Some("RMA-77".into()),
            tax: "12.30".parse().unwrap(),
            shipping: "0.00".parse().unwrap(),
            restocking_fee: "25.00".parse().unwrap(),
            items: Some(vec![types::InventoryReturnItemCreateRequest {
                sku_id: 220,
                quantity: 1i64.into(),
                cost: "500.00".parse().unwrap(),
                budget_code_id: None,
                description: None,
                shipment_item_id: None,
            }]),
            budget_code_id: None,
            job_id: None,
            memo: None,
            purchase_order_id: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(created.id, 801);
}

#[tokio::test]
async fn update_return_patches_by_id() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/returns/801"))
                .json_body_includes(
                    r#"{"memo": "Damaged; vendor pays freight",
                        "items": [{"id": 1, "skuId": 220, "itemDescription": "3 ton coil (dented)"}]}"#,
                )
                .body_includes(r#""shipping":0.00"#);
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 801}"#);
        })
        .await;

    let result = client(&api)
        .update_return()
        .id(801)
        .body(types::InventoryReturnUpdateRequest {
            memo: servicetitan_core::types::Patch::Set("Damaged; vendor pays freight".into()),
            shipping: servicetitan_core::types::Patch::Set("0.00".parse().unwrap()),
            items: servicetitan_core::types::Patch::Set(vec![
                types::InventoryReturnItemUpdateRequest {
                    id: 1,
                    sku_id: servicetitan_core::types::Patch::Set(220),
                    item_description: servicetitan_core::types::Patch::Set(
                        "3 ton coil (dented)".into(),
                    ),
                    quantity: servicetitan_core::types::Patch::Set(1i64.into()),
                    cost: servicetitan_core::types::Patch::Set("500.00".parse().unwrap()),
                    budget_code_id: servicetitan_core::types::Patch::Absent,
                },
            ]),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(result.id, 801);
}

#[tokio::test]
async fn cancel_return_sends_the_reason() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/returns/801/cancellation"))
                .json_body(serde_json::json!({"canceledReason": "NotRequired"}));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 801}"#);
        })
        .await;

    let result = client(&api)
        .cancel_return()
        .id(801)
        .body(types::InventoryReturnCancelRequest {
            canceled_reason: servicetitan_core::types::Patch::Set(
                types::InventoryReturnCancelReason::NotRequired,
            ),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(result.id, 801);
}

#[tokio::test]
async fn update_return_custom_fields_patches_the_operations() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/returns/custom-fields"))
                .json_body(serde_json::json!({"operations": [
                    {"objectId": 801, "customFields": [{"name": "RMA", "value": "RMA-77"}]}
                ]}));
            then.status(200);
        })
        .await;

    client(&api)
        .update_return_custom_fields()
        .body(types::CustomFieldUpdateRequest {
            operations: servicetitan_core::types::Patch::Set(vec![types::CustomFieldOperation {
                object_id: 801,
                custom_fields: vec![types::CustomFieldInput {
                    name: "RMA".into(),
                    value: "RMA-77".into(),
                }],
            }]),
        })
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn export_returns_decodes_a_batch() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"hasMore": false, "continueFrom": "ret-token-2", "data": [{}]}}"#,
        return_json("CreditReceived")
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/returns"))
                .query_param("from", "ret-token-1");
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;

    let page = client(&api)
        .export_returns()
        .from("ret-token-1")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.continue_from.as_deref(), Some("ret-token-2"));
    let ret = &page.data.unwrap()[0];
    assert_eq!(
        ret.status,
        Some(types::InventoryReturnStatus::CreditReceived)
    );
    assert_eq!(ret.return_amount.unwrap().to_string(), "500.00");
}
