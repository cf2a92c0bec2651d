//! Responses that stray from the document still decode: unknown enum values, unknown fields,
//! and nulls where the document says a value is required.

use httpmock::prelude::*;
use servicetitan_accounting::{types, Client, SERVER_PATH};
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn ap_credits_with_unknown_enums_extra_fields_and_nulls_still_decode() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/ap-credits"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null,
                    "nextPageHint": "ignored",
                    "data": [{
                        "id": 5503, "active": null, "createdOn": null,
                        "modifiedOn": "2024-03-02T08:15:30.5000000Z", "date": "2024-03-01T00:00:00",
                        "amount": null, "appliedAmount": 10.10,
                        "status": "PartiallyReconciled", "syncStatus": "Posted",
                        "paymentStatus": "OnHoldForReview",
                        "splits": null,
                        "vendor": {"id": 44, "name": "Acme Supply", "vendorTier": "Gold"},
                        "approvalChain": [{"step": 1}]
                    }]}"#,
                );
        })
        .await;

    let page = client(&api)
        .list_ap_credits()
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let credit = &page.data.unwrap()[0];
    assert_eq!(credit.id, 5503);
    // Unknown enum values are kept as they were sent.
    assert_eq!(
        credit.status,
        Some(types::VendorCreditStatus::Unknown(
            "PartiallyReconciled".into()
        ))
    );
    assert!(!credit.payment_status.as_ref().unwrap().is_known());
    assert_eq!(
        credit.payment_status.as_ref().unwrap().as_str(),
        "OnHoldForReview"
    );
    assert_eq!(credit.sync_status, Some(types::ApCreditSyncStatus::Posted));
    // Required fields sent as null are simply absent.
    assert_eq!(credit.active, None);
    assert_eq!(credit.created_on, None);
    assert_eq!(credit.amount, None);
    assert!(credit.splits.is_none());
    assert_eq!(credit.applied_amount.unwrap().to_string(), "10.10");
    assert_eq!(credit.vendor.as_ref().unwrap().id, Some(44));
}
