//! AP credits: listing (filters, decoding, paging across pages) and marking as exported.

use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_accounting::{types, Client, SERVER_PATH};
use servicetitan_core::paging::ListRequestExt;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

const CREDIT: &str = r#"{
    "id": 5501, "inventoryReturnId": 801, "jobId": null, "active": true,
    "createdOn": "2024-03-01T10:00:00.1234567Z", "modifiedOn": "2024-03-02T08:15:30.5000000Z",
    "date": "2024-03-01T00:00:00", "canceledOn": null, "number": "VC-5501",
    "referenceNumber": "RMA-77", "memo": "Returned damaged coils",
    "amount": 1234.10, "appliedAmount": 200.05,
    "status": "Unreconciled", "syncStatus": "Posted",
    "batch": {"id": 31, "number": "B-31", "name": "March AP"},
    "businessUnit": {"id": 12, "name": "HVAC Service"},
    "remittanceVendor": null,
    "vendor": {"id": 44, "name": "Acme Supply"},
    "paymentStatus": "ReadyForApproval",
    "splits": [{"id": 9001, "active": true, "createdOn": "2024-03-01T10:00:01.0000000Z",
                "inventoryBillId": 7001, "vendorCreditId": 5501, "amount": 200.05}]
}"#;

#[tokio::test]
async fn list_ap_credits_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 3, "pageSize": 25, "hasMore": false, "totalCount": 51, "data": [{CREDIT}]}}"#
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/ap-credits"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("ids", "5501,5502")
                .query_param("page", "3")
                .query_param("pageSize", "25")
                .query_param("includeTotal", "true")
                .query_param("modifiedOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("sort", "-ModifiedOn");
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;

    let since: DateTime = "2024-03-01T00:00:00Z".parse().unwrap();
    let page = client(&api)
        .list_ap_credits()
        .ids("5501,5502")
        .page(3)
        .page_size(25)
        .include_total(true)
        .modified_on_or_after(since)
        .sort("-ModifiedOn")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.page, Some(3));
    assert_eq!(page.total_count, Some(51));
    assert_eq!(page.has_more, Some(false));
    let credit = &page.data.unwrap()[0];
    assert_eq!(credit.id, 5501);
    assert_eq!(credit.inventory_return_id, Some(801));
    assert_eq!(credit.job_id, None);
    assert_eq!(credit.amount.unwrap().to_string(), "1234.10");
    assert_eq!(credit.applied_amount.unwrap().to_string(), "200.05");
    assert_eq!(credit.status, Some(types::VendorCreditStatus::Unreconciled));
    assert_eq!(credit.sync_status, Some(types::ApCreditSyncStatus::Posted));
    assert_eq!(
        credit.payment_status,
        Some(types::ApPaymentStatus::ReadyForApproval)
    );
    assert_eq!(
        credit.created_on.unwrap().to_string(),
        "2024-03-01T10:00:00.1234567Z"
    );
    // An offset-less date-time is UTC.
    assert_eq!(credit.date.unwrap().to_string(), "2024-03-01T00:00:00Z");
    assert_eq!(
        credit.batch.as_ref().unwrap().number.as_deref(),
        Some("B-31")
    );
    assert_eq!(credit.vendor.as_ref().unwrap().id, Some(44));
    assert!(credit.remittance_vendor.is_none());
    let split = &credit.splits.as_ref().unwrap()[0];
    assert_eq!(split.inventory_bill_id, Some(7001));
    assert_eq!(split.vendor_credit_id, Some(5501));
    assert_eq!(split.amount.unwrap().to_string(), "200.05");
}

#[tokio::test]
async fn stream_items_walks_every_page_of_ap_credits() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/ap-credits"))
                .query_param("page", "1")
                .query_param("pageSize", "1");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 1, "hasMore": true, "data": [{CREDIT}]}}"#
                ));
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/ap-credits"))
                .query_param("page", "2")
                .query_param("pageSize", "1");
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"page": 2, "pageSize": 1, "hasMore": false, "data": [
                        {"id": 5502, "active": false, "amount": 15.00, "appliedAmount": 0.00,
                         "status": "Canceled", "syncStatus": "Exported", "paymentStatus": "Cancelled",
                         "createdOn": "2024-03-05T09:00:00.0000001Z", "modifiedOn": "2024-03-05T09:00:00.0000001Z",
                         "date": "2024-03-05T00:00:00", "canceledOn": "2024-03-06T12:00:00.0000000Z",
                         "splits": []}]}"#,
                );
        })
        .await;

    let credits: Vec<types::ApCredit> = client(&api)
        .list_ap_credits()
        .page_size(1)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    first.assert_async().await;
    second.assert_async().await;

    let ids: Vec<_> = credits.iter().map(|c| c.id).collect();
    assert_eq!(ids, [5501, 5502]);
    assert_eq!(credits[1].status, Some(types::VendorCreditStatus::Canceled));
    assert_eq!(credits[1].amount.unwrap().to_string(), "15.00");
    assert_eq!(
        credits[1].canceled_on.unwrap().to_string(),
        "2024-03-06T12:00:00Z"
    );
}

#[tokio::test]
async fn mark_ap_credits_as_exported_posts_the_ids_and_decodes_results() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/ap-credits/markasexported"))
                .header("content-type", "application/json")
                .json_body(serde_json::json!([{"apCreditId": 5501}, {"apCreditId": 5502}]));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"[{"apCreditId": 5501, "success": true, "errorMessage": null},
                    {"apCreditId": 5502, "success": false, "errorMessage": "Credit is canceled"}]"#,
                );
        })
        .await;

    let results = client(&api)
        .mark_ap_credits_as_exported()
        .body(vec![
            types::ApCreditMarkExportedRequest { ap_credit_id: 5501 },
            types::ApCreditMarkExportedRequest { ap_credit_id: 5502 },
        ])
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(results.len(), 2);
    assert_eq!(results[0].ap_credit_id, Some(5501));
    assert_eq!(results[0].success, Some(true));
    assert_eq!(results[1].success, Some(false));
    assert_eq!(
        results[1].error_message.as_deref(),
        Some("Credit is canceled")
    );
}
