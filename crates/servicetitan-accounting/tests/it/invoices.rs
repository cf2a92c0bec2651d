//! Invoices: listing, adjustment invoices, updates, items, custom fields and export marks.

use httpmock::prelude::*;
use servicetitan_accounting::{types, Client, SERVER_PATH};
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::{DateTime, Decimal};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn list_invoices_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/invoices"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("jobId", "101")
                .query_param("customerId", "3001")
                .query_param("invoicedOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("balanceFilter.Comparer", "Greater")
                .query_param("orderBy", "invoiceDate")
                .query_param("orderByDirection", "desc")
                .query_param("page", "2")
                .query_param_count("^statuses$", "^(Pending|Posted)$", 2)
                .query_param_count("^reviewStatuses$", "^OnHold$", 1)
                .query_param_count("^assignedToIds$", "^(71|72)$", 2);
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 2, "pageSize": 50, "hasMore": true, "totalCount": null, "data": [{
                    "id": 90001, "syncStatus": "Posted", "summary": "<p>Replaced capacitor</p>",
                    "referenceNumber": "90001", "invoiceDate": "2024-03-01T00:00:00",
                    "dueDate": "2024-03-31T00:00:00", "subTotal": "1200.00", "salesTax": "34.10",
                    "total": "1234.10", "balance": "1234.10",
                    "invoiceType": {"id": 2, "name": "Service"},
                    "customer": {"id": 3001, "name": "Jane Doe"},
                    "customerAddress": {"street": "1 Main St", "unit": "2B", "city": "Springfield",
                                        "state": "IL", "zip": "62701", "country": "USA"},
                    "location": {"id": 4001, "name": "Jane's House"},
                    "businessUnit": {"id": 12, "name": "HVAC Service"},
                    "termName": "Due on receipt", "createdBy": "office",
                    "batch": {"id": 31, "number": "31", "name": "March"},
                    "depositedOn": null,
                    "createdOn": "2024-03-01T10:00:00.1234567Z", "modifiedOn": "2024-03-01T10:05:00.0000000Z",
                    "adjustmentToId": null,
                    "job": {"id": 101, "number": "101", "type": "Repair"},
                    "projectId": 77,
                    "sentStatus": "Opened", "reviewStatus": "OnHold",
                    "assignedTo": {"id": 71, "name": "Reviewer"},
                    "items": [{
                        "id": 4401, "description": "Capacitor", "quantity": "2", "cost": "12.50",
                        "totalCost": "25.00", "price": "89.00", "type": "Material", "skuName": "CAP-45-5",
                        "skuId": 120, "total": "178.00", "inventory": true, "taxable": true,
                        "membershipTypeId": 0, "soldHours": 0.50,
                        "createdOn": "2024-03-01T10:00:00.1234567Z", "modifiedOn": "2024-03-01T10:00:00.1234567Z",
                        "order": 1, "addOn": false, "technicianId": 55
                    }],
                    "customFields": null, "active": true, "discountTotal": "0.00",
                    "paidOn": null
                }]}"#,
            );
        })
        .await;

    let since: DateTime = "2024-03-01T00:00:00Z".parse().unwrap();
    let page = client(&api)
        .list_invoices()
        .job_id(101)
        .customer_id(3001)
        .invoiced_on_or_after(since)
        .balance_filter_comparer(types::BalanceComparer::Greater)
        .order_by("invoiceDate")
        .order_by_direction("desc")
        .page(2)
        .statuses(vec![
            types::TransactionStatus::Pending,
            types::TransactionStatus::Posted,
        ])
        .review_statuses(vec![types::InvoiceReviewStatus::OnHold])
        .assigned_to_ids(vec![71, 72])
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.has_more, Some(true));
    let invoice = &page.data.unwrap()[0];
    assert_eq!(invoice.id, 90001);
    assert_eq!(invoice.sent_status, Some(types::InvoiceSentStatus::Opened));
    assert_eq!(
        invoice.review_status,
        Some(types::InvoiceReviewStatus::OnHold)
    );
    assert_eq!(invoice.balance.as_deref(), Some("1234.10"));
    assert_eq!(invoice.project_id, Some(77));
    assert_eq!(invoice.deposited_on, None);
    assert_eq!(
        invoice.customer_address.as_ref().unwrap().unit.as_deref(),
        Some("2B")
    );
    assert_eq!(
        invoice.invoice_date.unwrap().to_string(),
        "2024-03-01T00:00:00Z"
    );
    let item = &invoice.items.as_ref().unwrap()[0];
    assert_eq!(item.type_, Some(types::InvoiceItemType::Material));
    assert_eq!(item.sold_hours.unwrap().to_string(), "0.50");
    assert_eq!(item.technician_id, Some(55));
}

/// `format: decimal` query parameters (`totalGreater`, `totalLess`, `balanceFilter.Balance`,
/// `minCost`, `maxCost`) must go out under their own names.
#[tokio::test]

async fn list_invoices_sends_decimal_filters_by_their_wire_names() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/invoices"))
                .query_param("totalGreater", "1234.10")
                .query_param("balanceFilter.Balance", "0.01");
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": []}"#);
        })
        .await;

    let min: Decimal = "1234.10".parse().unwrap();
    let balance: Decimal = "0.01".parse().unwrap();
    let page = client(&api)
        .list_invoices()
        .total_greater(min)
        .balance_filter_balance(balance)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(page.data.map(|d| d.len()), Some(0));
}

#[tokio::test]
async fn create_adjustment_invoice_posts_decimals_as_written_and_returns_the_new_id() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/invoices"))
                .json_body_includes(
                    r#"{"adjustmentToId": 90001, "number": "90001-A", "royaltyStatus": "Pending",
                        "reviewStatus": "NeedsReview", "invoicedOn": "2024-03-15T00:00:00Z",
                        "items": [{"skuId": 120, "description": "Credit for capacitor"}]}"#,
                )
                // The decimal scale survives on the wire.
                .body_includes(r#""subtotal":-100.00"#)
                .body_includes(r#""tax":-8.25"#)
                .body_includes(r#""quantity":1.0"#);
            then.status(200)
                .header("content-type", "application/json")
                .body("90003");
        })
        .await;

    let new_id = client(&api)
        .create_adjustment_invoice()
        .body(
            types::AdjustmentInvoiceCreateRequest::builder()
                .adjustment_to_id(90001)
                .number("90001-A".to_string())
                .invoiced_on("2024-03-15T00:00:00Z".parse::<DateTime>().unwrap())
                .subtotal("-100.00".parse::<Decimal>().unwrap())
                .tax("-8.25".parse::<Decimal>().unwrap())
                .royalty_status(types::RoyaltyStatus::Pending)
                .review_status(types::InvoiceReviewStatus::NeedsReview)
                .items(vec![types::InvoiceItemUpdateRequest::try_from(
                    types::InvoiceItemUpdateRequest::builder()
                        .sku_id(120i64)
                        .description("Credit for capacitor".to_string())
                        .quantity("1.0".parse::<Decimal>().unwrap()),
                )
                .unwrap()]),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(new_id, 90003);
}

#[tokio::test]
async fn update_invoice_patches_settlements_by_invoice_id() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/invoices/90001"))
                .json_body(serde_json::json!({
                    "summary": "<p>Replaced capacitor and cleaned coil</p>",
                    "assignedToId": 72,
                    "payments": [{"id": 7701, "settlementStatus": "Settled",
                                  "settlementDate": "2024-03-20T00:00:00Z"}]
                }));
            then.status(200);
        })
        .await;

    client(&api)
        .update_invoice()
        .id(90001)
        .body(types::InvoiceUpdateRequest {
            summary: servicetitan_core::types::Patch::Set(
                "<p>Replaced capacitor and cleaned coil</p>".into(),
            ),
            assigned_to_id: servicetitan_core::types::Patch::Set(72),
            payments: servicetitan_core::types::Patch::Set(vec![types::PaymentSettlementUpdate {
                id: 7701,
                settlement_status: servicetitan_core::types::Patch::Set(
                    types::SettlementStatus::Settled,
                ),
                settlement_date: servicetitan_core::types::Patch::Set(
                    "2024-03-20T00:00:00Z".parse().unwrap(),
                ),
            }]),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn update_invoice_items_patches_one_item() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/invoices/90001/items"))
                .json_body_includes(
                    r#"{"id": 4401, "description": "Capacitor 45/5", "isAddOn": false}"#,
                )
                .body_includes(r#""quantity":3"#)
                .body_includes(r#""unitPrice":89.00"#);
            then.status(200);
        })
        .await;

    client(&api)
        .update_invoice_items()
        .invoice_id(90001)
        .body(
            types::InvoiceItemUpdateRequest::builder()
                .id(4401i64)
                .description("Capacitor 45/5".to_string())
                .quantity(Decimal::from(3))
                .unit_price("89.00".parse::<Decimal>().unwrap())
                .is_add_on(false),
        )
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn delete_invoice_item_addresses_both_ids() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/invoices/90001/items/4401"));
            then.status(200);
        })
        .await;

    client(&api)
        .delete_invoice_item()
        .invoice_id(90001)
        .item_id(4401)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn mark_invoices_as_exported_decodes_per_invoice_results() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/invoices/markasexported"))
                .json_body(serde_json::json!([
                    {"invoiceId": 90001, "externalId": "QB-INV-1", "externalMessage": "ok"}
                ]));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"[{"invoiceId": 90001, "success": true, "errorMessage": null}]"#);
        })
        .await;

    let results = client(&api)
        .mark_invoices_as_exported()
        .body(vec![types::InvoiceMarkExportedRequest {
            invoice_id: 90001,
            external_id: Some("QB-INV-1".into()),
            external_message: Some("ok".into()),
        }])
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(results[0].invoice_id, Some(90001));
    assert_eq!(results[0].success, Some(true));
}

#[tokio::test]
async fn invoice_custom_fields_list_types_and_update_values() {
    let api = MockApi::start().await;
    let list = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/invoices/custom-fields"))
                .query_param("pageSize", "10")
                .query_param("modifiedBefore", "2024-06-01T00:00:00Z");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 10, "hasMore": false, "data": [
                    {"id": 81, "name": "Warranty claim", "dataType": "Text", "dataTypeOptions": null,
                     "createdOn": "2022-01-01T00:00:00.0000000Z", "modifiedOn": "2022-01-01T00:00:00.0000000Z"}]}"#,
            );
        })
        .await;
    let update = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/invoices/custom-fields"))
                .json_body(serde_json::json!({"operations": [
                    {"objectId": 90001, "customFields": [{"name": "Warranty claim", "value": "WC-12"}]}
                ]}));
            then.status(200);
        })
        .await;

    let c = client(&api);
    let page = c
        .list_invoice_custom_field_types()
        .page_size(10)
        .modified_before("2024-06-01T00:00:00Z".parse::<DateTime>().unwrap())
        .send()
        .await
        .unwrap()
        .into_inner();
    let field = &page.data.unwrap()[0];
    assert_eq!(field.data_type, Some(types::CustomFieldDataType::Text));
    assert_eq!(field.data_type_options, None);

    c.update_invoice_custom_fields()
        .body(types::CustomFieldUpdateRequest {
            operations: servicetitan_core::types::Patch::Set(vec![types::CustomFieldOperation {
                object_id: 90001,
                custom_fields: vec![types::CustomFieldPair {
                    name: field.name.as_deref().unwrap().parse().unwrap(),
                    value: Some("WC-12".into()),
                }],
            }]),
        })
        .send()
        .await
        .unwrap();
    list.assert_async().await;
    update.assert_async().await;
}
