//! Purchase orders and purchase order requests.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_inventory::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn purchase_order_json(id: i64, status: &str) -> String {
    format!(
        r#"{{"id": {id}, "number": "PO-{id}", "invoiceId": null, "jobId": 101, "projectId": null,
            "status": "{status}", "typeId": 2, "vendorId": 44, "technicianId": 55,
            "shipTo": {{"street": "100 Warehouse Rd", "unit": null, "city": "Springfield",
                       "state": "IL", "zip": "62702", "country": "USA"}},
            "businessUnitId": 12, "inventoryLocationId": 501, "batchId": null,
            "vendorDocumentNumber": "SO-7781", "date": "2024-03-10T00:00:00",
            "requiredOn": "2024-03-14T00:00:00", "sentOn": "2024-03-10T15:00:00.0000000Z",
            "receivedOn": null, "createdOn": "2024-03-10T14:00:00.1234567Z",
            "modifiedOn": "2024-03-10T15:00:00.0000000Z",
            "total": 1063.85, "tax": 63.85, "shipping": 0.00, "summary": "Coils for job 101",
            "items": [{{"id": 1, "skuId": 220, "description": "3 ton coil",
                "createdOn": "2024-03-10T14:00:00.1234567Z", "modifiedOn": "2024-03-10T14:00:00.1234567Z",
                "skuName": "Coil", "skuCode": "COIL-3T", "skuType": "Material",
                "vendorPartNumber": "CE-COIL-3", "quantity": 2, "quantityReceived": 0.5,
                "cost": 500.00, "total": 1000.00, "serialNumbers": [], "status": "Pending",
                "chargeable": true}}],
            "customFields": []}}"#
    )
}

#[tokio::test]
async fn list_purchase_orders_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 50, "hasMore": false, "data": [{}]}}"#,
        purchase_order_json(3301, "Sent")
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/purchase-orders"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("status", "Sent")
                .query_param("jobIds", "101,102")
                .query_param("technicianId", "55")
                .query_param("sentOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("sort", "-Date");
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;

    let page = client(&api)
        .list_purchase_orders()
        .status("Sent")
        .job_ids("101,102")
        .technician_id(55)
        .sent_on_or_after("2024-03-01T00:00:00Z".parse::<DateTime>().unwrap())
        .sort("-Date")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let po = &page.data.unwrap()[0];
    assert_eq!(po.id, 3301);
    assert_eq!(po.status.as_deref(), Some("Sent"));
    assert_eq!(po.total.unwrap().to_string(), "1063.85");
    assert_eq!(po.shipping.unwrap().to_string(), "0.00");
    assert_eq!(po.ship_to.as_ref().unwrap().zip.as_deref(), Some("62702"));
    assert_eq!(po.received_on, None);
    let line = &po.items.as_ref().unwrap()[0];
    assert_eq!(line.quantity.unwrap().to_string(), "2");
    assert_eq!(line.quantity_received.unwrap().to_string(), "0.5");
    assert_eq!(line.sku_code.as_deref(), Some("COIL-3T"));
}

#[tokio::test]
async fn get_purchase_order_puts_the_id_in_the_path() {
    let api = MockApi::start().await;
    let body = purchase_order_json(3301, "PartiallyReceived");
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/purchase-orders/3301"));
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;

    let po = client(&api)
        .get_purchase_order()
        .id(3301)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(po.status.as_deref(), Some("PartiallyReceived"));
    assert_eq!(po.sent_on.unwrap().to_string(), "2024-03-10T15:00:00Z");
    assert_eq!(po.vendor_document_number.as_deref(), Some("SO-7781"));
}

#[tokio::test]
async fn create_purchase_order_posts_items_and_ship_to() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/purchase-orders"))
                .json_body_includes(
                    r#"{"vendorId": 44, "typeId": 2, "businessUnitId": 12, "inventoryLocationId": 501,
                        "jobId": 101, "impactsTechnicianPayroll": false,
                        "date": "2024-03-10T00:00:00Z", "requiredOn": "2024-03-14T00:00:00Z",
                        "shipTo": {"description": "Main warehouse",
                                   "address": {"street": "100 Warehouse Rd", "unit": "",
                                               "city": "Springfield", "state": "IL",
                                               "zip": "62702", "country": "USA"}},
                        "items": [{"skuId": 220, "description": "3 ton coil",
                                   "vendorPartNumber": "CE-COIL-3"}]}"#,
                )
                .body_includes(r#""tax":63.85"#)
                .body_includes(r#""shipping":0.00"#)
                .body_includes(r#""cost":500.00"#);
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 3301}"#);
        })
        .await;

    let created = client(&api)
        .create_purchase_order()
        .body(types::PurchaseOrderCreateRequest {
            vendor_id: 44,
            type_id: 2,
            business_unit_id: 12,
            inventory_location_id: 501,
            job_id: Some(101),
            impacts_technician_payroll: false,
            date: "2024-03-10T00:00:00".parse().unwrap(),
            required_on: "2024-03-14T00:00:00".parse().unwrap(),
            tax: "63.85".parse().unwrap(),
            shipping: "0.00".parse().unwrap(),
            ship_to: types::AddressCreateRequest {
                description: "Main warehouse".into(),
                address: types::AddressInput {
                    street: "100 Warehouse Rd".into(),
                    unit: String::new(),
                    city: "Springfield".into(),
                    state: "IL".into(),
                    zip: "62702".into(),
                    country: "USA".into(),
                },
            },
            items: vec![types::PurchaseOrderItemCreateRequest {
                sku_id: 220,
                description: "3 ton coil".into(),
                vendor_part_number: "CE-COIL-3".into(),
                quantity: 2i64.into(),
                cost: "500.00".parse().unwrap(),
                budget_code_id: None,
            }],
            budget_code_id: None,
            memo: None,
            project_id: None,
            technician_id: None,
            vendor_invoice_number: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(created.id, 3301);
}

#[tokio::test]
async fn update_purchase_order_patches_items_by_id() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/purchase-orders/3301"))
                .json_body_includes(
                    r#"{"memo": "Vendor backordered one coil",
                        "items": [{"id": 1, "skuId": 220, "description": "3 ton coil",
                                   "vendorPartNumber": "CE-COIL-3"}]}"#,
                )
                .body_includes(r#""quantity":1"#)
                .body_includes(r#""cost":489.99"#);
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 3301}"#);
        })
        .await;

    let result = client(&api)
        .update_purchase_order()
        .id(3301)
        .body(types::PurchaseOrderUpdateRequest {
            memo: servicetitan_core::types::Patch::Set("Vendor backordered one coil".into()),
            items: servicetitan_core::types::Patch::Set(vec![
                types::PurchaseOrderItemUpdateRequest {
                    id: 1,
                    sku_id: servicetitan_core::types::Patch::Set(220),
                    description: servicetitan_core::types::Patch::Set("3 ton coil".into()),
                    vendor_part_number: servicetitan_core::types::Patch::Set("CE-COIL-3".into()),
                    quantity: servicetitan_core::types::Patch::Set(1i64.into()),
                    cost: servicetitan_core::types::Patch::Set("489.99".parse().unwrap()),
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

    assert_eq!(result.id, 3301);
}

#[tokio::test]
async fn cancel_purchase_order_sends_the_reason() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/purchase-orders/3301/cancellation"))
                .json_body(serde_json::json!({"canceledReason": "VendorIssue"}));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 3301}"#);
        })
        .await;

    let result = client(&api)
        .cancel_purchase_order()
        .id(3301)
        .body(types::PurchaseOrderCancelRequest {
            canceled_reason: servicetitan_core::types::Patch::Set(
                types::PurchaseOrderCancelReason::VendorIssue,
            ),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(result.id, 3301);
}

#[tokio::test]
async fn list_purchase_order_requests_filters_by_approval_state() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/purchase-orders/requests"))
                .query_param("requestStatus", "PendingApproval")
                .query_param("projectId", "77");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [{
                    "id": 6101, "requestNumber": "POR-6101", "requestStatus": "PendingApproval",
                    "invoiceId": null, "jobId": 101, "projectId": 77, "typeId": 2, "vendorId": 44,
                    "technicianId": 55, "shipTo": null, "businessUnitId": 12,
                    "inventoryLocationId": 501, "batchId": null, "vendorDocumentNumber": null,
                    "date": "2024-03-09T00:00:00", "requiredOn": null,
                    "createdOn": "2024-03-09T10:00:00.0000000Z", "modifiedOn": "2024-03-09T10:00:00.0000000Z",
                    "total": 250.00, "tax": 0.00, "shipping": 15.00, "summary": null,
                    "items": [], "customFields": null}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_purchase_order_requests()
        .request_status(types::PoRequestStatus::PendingApproval)
        .project_id(77)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let request = &page.data.unwrap()[0];
    assert_eq!(request.id, 6101);
    assert_eq!(request.request_status.as_deref(), Some("PendingApproval"));
    assert!(request.ship_to.is_none());
    assert_eq!(request.shipping.unwrap().to_string(), "15.00");
}

#[tokio::test]
async fn approve_and_reject_purchase_order_requests() {
    let api = MockApi::start().await;
    let approve = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/purchase-orders/requests/6101/approve"));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 3302}"#);
        })
        .await;
    let reject = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/purchase-orders/requests/6102/reject"))
                .json_body(serde_json::json!({"rejectionReason": "CostTooHigh"}));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 6102}"#);
        })
        .await;

    let c = client(&api);
    let approved = c
        .approve_purchase_order_request()
        .id(6101)
        .send()
        .await
        .unwrap()
        .into_inner();
    let rejected = c
        .reject_purchase_order_request()
        .id(6102)
        .body(types::PoRequestRejection {
            rejection_reason: servicetitan_core::types::Patch::Set(
                types::PoRequestRejectionReason::CostTooHigh,
            ),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    approve.assert_async().await;
    reject.assert_async().await;

    assert_eq!(approved.id, 3302);
    assert_eq!(rejected.id, 6102);
}

#[tokio::test]
async fn export_purchase_orders_decodes_a_batch() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"hasMore": false, "continueFrom": "po-token-8", "data": [{}]}}"#,
        purchase_order_json(3301, "Received")
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/purchase-orders"))
                .query_param("from", "po-token-7");
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;

    let page = client(&api)
        .export_purchase_orders()
        .from("po-token-7")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.continue_from.as_deref(), Some("po-token-8"));
    let po = &page.data.unwrap()[0];
    assert_eq!(po.status.as_deref(), Some("Received"));
    assert_eq!(po.tax.unwrap().to_string(), "63.85");
}
