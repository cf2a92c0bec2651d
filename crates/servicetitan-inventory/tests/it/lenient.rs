//! Responses that stray from the document still decode: unknown enum values, unknown fields,
//! and nulls where the document says a value is required.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_inventory::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn returns_with_unknown_enums_extra_fields_and_nulls_still_decode() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/returns"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [{
                    "id": 802, "active": true, "number": null, "referenceNumber": null,
                    "status": "AwaitingPickup", "vendorId": 44, "businessUnitId": null,
                    "memo": null, "returnAmount": null, "taxAmount": 0.00, "shippingAmount": null,
                    "returnDate": null, "createdOn": "2024-03-22T09:00:00.1234567Z",
                    "modifiedOn": null, "syncStatus": "Reconciling",
                    "canceledReason": "LostInTransit",
                    "items": null, "customFields": null, "externalData": null,
                    "carrier": {"name": "UPS", "tracking": "1Z999"}, "weightLbs": 41.5
                }]}"#,
                );
        })
        .await;

    let page = client(&api)
        .list_returns()
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let ret = &page.data.unwrap()[0];
    assert_eq!(ret.id, 802);
    assert_eq!(
        ret.status,
        Some(types::InventoryReturnStatus::Unknown(
            "AwaitingPickup".into()
        ))
    );
    assert_eq!(
        ret.sync_status.as_ref().map(|s| s.as_str()),
        Some("Reconciling")
    );
    assert!(!ret.canceled_reason.as_ref().unwrap().is_known());
    assert_eq!(ret.number, None);
    assert_eq!(ret.business_unit_id, None);
    assert_eq!(ret.return_amount, None);
    assert_eq!(ret.return_date, None);
    assert!(ret.items.is_none());
    assert_eq!(ret.tax_amount.unwrap().to_string(), "0.00");
    assert_eq!(
        ret.created_on.unwrap().to_string(),
        "2024-03-22T09:00:00.1234567Z"
    );
}
