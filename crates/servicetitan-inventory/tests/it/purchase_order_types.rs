//! Purchase order types: list, create, update.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_inventory::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn list_purchase_order_types_decodes_settings() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/purchase-order-types"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("active", "True");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [{
                    "id": 2, "name": "Job PO", "active": true, "automaticallyReceive": false,
                    "displayToTechnician": true, "impactToTechnicianPayroll": true,
                    "allowTechniciansToSendPo": false, "defaultRequiredDateDaysOffset": 3,
                    "skipWeekends": true, "excludeTaxFromJobCosting": false,
                    "createdOn": "2019-09-09T09:09:09.0900000Z", "modifiedOn": "2023-10-10T10:10:10.0000000Z"}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_purchase_order_types()
        .active(types::ActiveFilter::True)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let kind = &page.data.unwrap()[0];
    assert_eq!(kind.id, 2);
    assert_eq!(kind.default_required_date_days_offset, Some(3));
    assert_eq!(kind.skip_weekends, Some(true));
    assert_eq!(
        kind.created_on.unwrap().to_string(),
        "2019-09-09T09:09:09.09Z"
    );
}

#[tokio::test]
async fn create_purchase_order_type_posts_all_settings() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/purchase-order-types"))
                .json_body(serde_json::json!({
                    "name": "Stock PO", "active": true, "includeInPoScreen": true,
                    "automaticallyReceive": false, "displayToTechnician": false,
                    "excludeTaxFromJobCosting": true, "impactToTechnicianPayroll": false,
                    "allowTechniciansToSendPo": false, "defaultRequiredDateDaysOffset": 7,
                    "skipWeekends": true, "requireJobBeforeReceipt": false,
                    "includeInSalesTax": false, "isDefault": false,
                    "copyPurchaseOrderItemsToInvoiceWhenReceived": false,
                    "isDefaultForConsignment": false,
                    "alertSettings": {
                        "sendEmailToTechnicianWhenPoMovedToSend": false,
                        "sendEmailToTechnicianWhenPoMovedToReceived": true,
                        "sendEmailToPmWhenPoMovedToSend": false,
                        "sendEmailToPmWhenPoMovedToReceived": true
                    }
                }));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 3}"#);
        })
        .await;

    let created = client(&api)
        .create_purchase_order_type()
        .body(
            types::PurchaseOrderTypeCreateRequest::builder()
                .name("Stock PO".to_string())
                .active(true)
                .include_in_po_screen(true)
                .automatically_receive(false)
                .display_to_technician(false)
                .exclude_tax_from_job_costing(true)
                .impact_to_technician_payroll(false)
                .allow_technicians_to_send_po(false)
                .default_required_date_days_offset(7)
                .skip_weekends(true)
                .require_job_before_receipt(false)
                .include_in_sales_tax(false)
                .is_default(false)
                .copy_purchase_order_items_to_invoice_when_received(false)
                .is_default_for_consignment(false)
                .alert_settings(types::PurchaseOrderTypeAlertSettings {
                    send_email_to_technician_when_po_moved_to_send: false,
                    send_email_to_technician_when_po_moved_to_received: true,
                    send_email_to_pm_when_po_moved_to_send: false,
                    send_email_to_pm_when_po_moved_to_received: true,
                }),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(created.id, 3);
}

#[tokio::test]
async fn update_purchase_order_type_conflict_is_an_api_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/purchase-order-types/3"))
                .json_body(serde_json::json!({"isDefault": true}));
            then.status(409)
                .header("content-type", "application/json")
                .body(
                    r#"{"title": "Another type is already the default", "status": 409,
                          "traceId": "po-type-409"}"#,
                );
        })
        .await;

    let result = client(&api)
        .update_purchase_order_type()
        .id(3)
        .body(types::PurchaseOrderTypeUpdateRequest::builder().is_default(true))
        .send()
        .await;
    mock.assert_async().await;

    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(err.trace_id(), Some("po-type-409"));
}

#[tokio::test]
async fn update_purchase_order_type_patches_by_id() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/purchase-order-types/3"))
                .json_body(serde_json::json!({"name": "Stock replenishment", "active": false}));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 3}"#);
        })
        .await;

    let result = client(&api)
        .update_purchase_order_type()
        .id(3)
        .body(
            types::PurchaseOrderTypeUpdateRequest::builder()
                .name("Stock replenishment".to_string())
                .active(false),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(result.id, 3);
}
