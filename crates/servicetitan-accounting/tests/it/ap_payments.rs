//! AP payments: listing and marking as exported.

use httpmock::prelude::*;
use servicetitan_accounting::{types, Client, SERVER_PATH};
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn list_ap_payments_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/ap-payments"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("createdOnOrAfter", "2024-01-01T00:00:00Z")
                .query_param("createdBefore", "2024-04-01T00:00:00Z")
                .query_param("page", "1")
                .query_param("pageSize", "200");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 200, "hasMore": false, "totalCount": null, "data": [{
                    "id": 6601, "active": true,
                    "createdOn": "2024-03-10T14:22:05.1234567Z", "modifiedOn": "2024-03-11T09:00:00.0000000Z",
                    "date": "2024-03-10T00:00:00", "approvedDate": "2024-03-10T15:00:00.0000000Z",
                    "method": "ServiceTitan", "name": "Check 10442", "printCheck": true,
                    "amount": 98765.40, "errorMessage": null,
                    "status": "Paid", "syncStatus": "Exported",
                    "batch": null,
                    "glAccount": {"id": 300, "name": "Operating Checking", "number": "1000",
                                  "type": "Bank", "detailType": "Checking"},
                    "businessUnit": {"id": 12, "name": "HVAC Service"},
                    "vendor": {"id": 44, "name": "Acme Supply"},
                    "remittanceVendor": {"id": 45, "name": "Acme Remit"},
                    "splits": [{"id": 1, "active": true, "createdOn": "2024-03-10T14:22:05.1234567Z",
                                "documentId": null, "inventoryBillId": 7001, "amount": 98765.40}]
                }]}"#,
            );
        })
        .await;

    let from: DateTime = "2024-01-01T00:00:00Z".parse().unwrap();
    let to: DateTime = "2024-04-01T00:00:00Z".parse().unwrap();
    let page = client(&api)
        .list_ap_payments()
        .created_on_or_after(from)
        .created_before(to)
        .page(1)
        .page_size(200)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.total_count, None);
    let payment = &page.data.unwrap()[0];
    assert_eq!(payment.id, 6601);
    assert_eq!(payment.method, Some(types::ApPaymentMethod::ServiceTitan));
    assert_eq!(payment.status, Some(types::ApPaymentStatus::Paid));
    assert_eq!(
        payment.sync_status,
        Some(types::ApPaymentSyncStatus::Exported)
    );
    assert_eq!(payment.amount.unwrap().to_string(), "98765.40");
    assert_eq!(payment.print_check, Some(true));
    assert_eq!(
        payment.approved_date.unwrap().to_string(),
        "2024-03-10T15:00:00Z"
    );
    let gl = payment.gl_account.as_ref().unwrap();
    assert_eq!(gl.id, Some(300));
    assert_eq!(gl.type_.as_deref(), Some("Bank"));
    assert_eq!(gl.detail_type.as_deref(), Some("Checking"));
    assert!(payment.batch.is_none());
    let split = &payment.splits.as_ref().unwrap()[0];
    assert_eq!(split.inventory_bill_id, Some(7001));
    assert_eq!(split.document_id, None);
}

#[tokio::test]
async fn mark_ap_payments_as_exported_sends_external_references() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/ap-payments/markasexported"))
                .json_body(serde_json::json!([{
                    "apPaymentId": 6601,
                    "externalId": "QB-BILLPMT-9912",
                    "externalMessage": "Synced to QuickBooks"
                }]));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"[{"apPaymentId": 6601, "success": true}]"#);
        })
        .await;

    let results = client(&api)
        .mark_ap_payments_as_exported()
        .body(vec![types::ApPaymentMarkExportedRequest {
            ap_payment_id: 6601,
            external_id: Some("QB-BILLPMT-9912".into()),
            external_message: Some("Synced to QuickBooks".into()),
        }])
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(results[0].ap_payment_id, Some(6601));
    assert_eq!(results[0].success, Some(true));
    assert_eq!(results[0].error_message, None);
}
