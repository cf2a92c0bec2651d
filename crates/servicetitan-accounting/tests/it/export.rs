//! The export feeds: continuation tokens through `stream_export`, and each feed's decoding.

use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_accounting::{types, Client, SERVER_PATH};
use servicetitan_core::paging::{ExportBatch, ExportRequestExt};
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn export_invoices_follows_the_continuation_token_over_two_pages() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/invoices"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("includeRecentChanges", "true")
                .query_param_missing("from");
            then.status(200).header("content-type", "application/json").body(
                r#"{"hasMore": true, "continueFrom": "inv-token-1", "data": [{
                    "id": 90001, "syncStatus": "Pending", "summary": "<p>Replaced capacitor</p>",
                    "referenceNumber": "90001", "invoiceDate": "2024-03-01T00:00:00",
                    "dueDate": "2024-03-31T00:00:00", "subTotal": "1200.00", "salesTax": "34.10",
                    "salesTaxCode": {"id": 3, "name": "County", "taxRate": 0.0825},
                    "total": "1234.10", "balance": "0.00",
                    "customer": {"id": 3001, "name": "Jane Doe"},
                    "job": {"id": 101, "number": "101", "type": "Repair"},
                    "royalty": {"status": "Pending", "date": null, "sentOn": null, "memo": null},
                    "employeeInfo": {"id": 55, "name": "Tech One", "modifiedOn": "2024-02-01T08:00:00.0000000Z"},
                    "createdOn": "2024-03-01T10:00:00.1234567Z", "modifiedOn": "2024-03-01T10:05:00.7654321Z",
                    "sentStatus": "Sent", "reviewStatus": "Reviewed", "active": true,
                    "items": [], "customFields": [{"name": "PO", "value": "PO-7"}]
                }]}"#,
            );
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/invoices"))
                .query_param("includeRecentChanges", "true")
                .query_param("from", "inv-token-1");
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"hasMore": false, "continueFrom": "inv-token-2", "data": [{
                    "id": 90002, "createdOn": "2024-03-02T11:00:00.0000000Z",
                    "sentStatus": "NotSent", "reviewStatus": "NeedsReview", "active": false,
                    "total": "-50.00", "adjustmentToId": 90001
                }]}"#,
                );
        })
        .await;

    let batches: Vec<ExportBatch<types::InvoiceExportItem>> = client(&api)
        .export_invoices()
        .include_recent_changes(true)
        .stream_export(None)
        .try_collect()
        .await
        .unwrap();
    first.assert_async().await;
    second.assert_async().await;

    assert_eq!(batches.len(), 2);
    assert!(batches[0].has_more);
    assert_eq!(batches[0].continue_from.as_deref(), Some("inv-token-1"));
    assert!(!batches[1].has_more);
    assert_eq!(batches[1].continue_from.as_deref(), Some("inv-token-2"));

    let invoice = &batches[0].items[0];
    assert_eq!(invoice.id, 90001);
    assert_eq!(invoice.sent_status, Some(types::InvoiceSentStatus::Sent));
    assert_eq!(
        invoice.review_status,
        Some(types::InvoiceReviewStatus::Reviewed)
    );
    // Invoice amounts are strings in this API.
    assert_eq!(invoice.total.as_deref(), Some("1234.10"));
    let tax = invoice.sales_tax_code.as_ref().unwrap();
    assert_eq!(tax.tax_rate.unwrap().to_string(), "0.0825");
    assert_eq!(
        invoice.job.as_ref().unwrap().type_.as_deref(),
        Some("Repair")
    );
    assert_eq!(
        invoice.modified_on.unwrap().to_string(),
        "2024-03-01T10:05:00.7654321Z"
    );
    assert_eq!(
        invoice.custom_fields.as_ref().unwrap()[0].value.as_deref(),
        Some("PO-7")
    );
    let adjustment = &batches[1].items[0];
    assert_eq!(adjustment.adjustment_to_id, Some(90001));
    assert_eq!(
        adjustment.review_status,
        Some(types::InvoiceReviewStatus::NeedsReview)
    );
}

#[tokio::test]
async fn export_invoice_items_resumes_from_a_saved_token() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/invoice-items"))
                .query_param("from", "saved-token");
            then.status(200).header("content-type", "application/json").body(
                r#"{"hasMore": false, "continueFrom": "items-token-9", "data": [{
                    "id": 4401, "description": "<b>Capacitor</b> 45/5 MFD", "quantity": "2",
                    "cost": "12.50", "totalCost": "25.00", "price": "89.00", "total": "178.00",
                    "type": "Material", "skuName": "CAP-45-5", "skuId": 120, "inventory": true,
                    "taxable": true, "membershipTypeId": 0, "soldHours": 0.75,
                    "generalLedgerAccount": {"id": 4000, "name": "Sales", "number": "4000", "type": "Income", "detailType": null},
                    "itemGroup": {"rootId": 8, "name": "Repair kit"},
                    "createdOn": "2024-03-01T10:00:00.1234567Z", "modifiedOn": "2024-03-01T10:00:00.1234567Z",
                    "serviceDate": "2024-03-01T00:00:00", "order": 1, "addOn": false,
                    "active": true, "invoiceId": 90001
                }]}"#,
            );
        })
        .await;

    let batches: Vec<_> = client(&api)
        .export_invoice_items()
        .stream_export(Some("saved-token".to_string()))
        .try_collect()
        .await
        .unwrap();
    mock.assert_async().await;

    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].continue_from.as_deref(), Some("items-token-9"));
    let item: &types::InvoiceItemExportItem = &batches[0].items[0];
    assert_eq!(item.invoice_id, Some(90001));
    assert_eq!(item.type_, Some(types::InvoiceItemType::Material));
    assert_eq!(item.sold_hours.unwrap().to_string(), "0.75");
    assert_eq!(item.item_group.as_ref().unwrap().root_id, Some(8));
    assert_eq!(item.order, Some(1));
}

#[tokio::test]
async fn export_payments_decodes_applications() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/payments"))
                .query_param("from", "2024-01-01T00:00:00Z");
            then.status(200).header("content-type", "application/json").body(
                r#"{"hasMore": false, "continueFrom": "pay-token-1", "data": [{
                    "id": 7701, "syncStatus": "Posted", "referenceNumber": "CHK-1001",
                    "date": "2024-03-03T00:00:00", "type": "Check", "typeId": "2",
                    "total": "1234.10", "unappliedAmount": "0.00", "memo": null,
                    "customer": {"id": 3001, "name": "Jane Doe"},
                    "appliedTo": [{"appliedId": 1, "appliedTo": 90001, "appliedAmount": "1234.10",
                                   "appliedOn": "2024-03-03T12:00:00.0000000Z", "appliedBy": "office",
                                   "appliedToReferenceNumber": "90001"}],
                    "customFields": [{"name": "Deposit", "value": "D-1"}],
                    "modifiedOn": "2024-03-03T12:00:00.0000000Z", "createdOn": "2024-03-03T12:00:00.0000000Z",
                    "active": true
                }]}"#,
            );
        })
        .await;

    // `from` also accepts a date-time to start the feed at.
    let page = client(&api)
        .export_payments()
        .from("2024-01-01T00:00:00Z")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.continue_from.as_deref(), Some("pay-token-1"));
    let payment = &page.data.unwrap()[0];
    assert_eq!(payment.id, 7701);
    assert_eq!(payment.type_id.as_deref(), Some("2"));
    let applied = &payment.applied_to.as_ref().unwrap()[0];
    assert_eq!(applied.applied_to, Some(90001));
    assert_eq!(applied.applied_amount.as_deref(), Some("1234.10"));
    assert_eq!(
        applied.applied_on.unwrap().to_string(),
        "2024-03-03T12:00:00Z"
    );
}

#[tokio::test]
async fn export_inventory_bills_decodes_bill_lines() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/inventory-bills"));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"hasMore": false, "continueFrom": "bills-token-1", "data": [{
                    "id": 7001, "purchaseOrderId": 3301, "syncStatus": "Pending",
                    "referenceNumber": "INV-88", "vendorNumber": "V-44",
                    "billDate": "2024-03-04T00:00:00", "billAmount": "512.30", "taxAmount": "12.30",
                    "shippingAmount": "0.00", "dueDate": "2024-04-03T00:00:00",
                    "vendor": {"id": 44, "name": "Acme Supply"},
                    "shipTo": {"street": "1 Main St", "unit": null, "city": "Springfield",
                               "state": "IL", "zip": "62701", "country": "USA"},
                    "items": [{"order": 1, "name": "Coil", "quantity": "1", "cost": "500.00",
                               "skuId": 220, "skuCode": "COIL-3T"}],
                    "jobId": 101, "jobNumber": "101", "active": true
                }]}"#,
                );
        })
        .await;

    let page = client(&api)
        .export_inventory_bills()
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let bill = &page.data.unwrap()[0];
    assert_eq!(bill.id, 7001);
    assert_eq!(bill.purchase_order_id, Some(3301));
    assert_eq!(bill.bill_amount.as_deref(), Some("512.30"));
    assert_eq!(
        bill.ship_to.as_ref().unwrap().city.as_deref(),
        Some("Springfield")
    );
    let line = &bill.items.as_ref().unwrap()[0];
    assert_eq!(line.sku_code.as_deref(), Some("COIL-3T"));
    assert_eq!(line.sku_id, Some(220));
}
