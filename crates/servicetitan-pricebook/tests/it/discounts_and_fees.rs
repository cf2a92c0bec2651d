//! Discounts and fees: list, create, get, update, delete.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::Decimal;
use servicetitan_pricebook::{types, Client, SERVER_PATH};

const APP_GUID: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

const FEE: &str = r#"{
    "id": 8101, "type": "Fee", "code": "TRIP", "displayName": "Trip charge",
    "description": "<p>Standard trip charge</p>", "amountType": "Fixed", "amount": 89.00,
    "limit": 0.00, "taxable": false, "categories": [2001], "hours": 0.25,
    "assets": [{"alias": "Truck", "fileName": "truck.png", "isDefault": true, "type": "Image",
                "url": "Images/Sku/truck.png"}],
    "account": "4000", "crossSaleGroup": null, "active": true, "bonus": 5.00,
    "commissionBonus": 2.50, "paysCommission": true, "excludeFromPayroll": false,
    "externalData": [{"key": "erpId", "value": "FEE-1"}]
}"#;

#[tokio::test]
async fn list_discounts_and_fees_sends_external_data_filters() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/discounts-and-fees"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("externalDataApplicationGuid", APP_GUID)
                .query_param("externalDataKey", "erpId")
                .query_param("externalDataValues", "FEE-1,FEE-2")
                .query_param("active", "True")
                .query_param("includeTotal", "true");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 1, "data": [{FEE}]}}"#
                ));
        })
        .await;

    let page = client(&api)
        .list_discounts_and_fees()
        .external_data_application_guid(APP_GUID)
        .external_data_key("erpId")
        .external_data_values("FEE-1,FEE-2")
        .active(types::ActiveFilter::True)
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let fee = &page.data.unwrap()[0];
    assert_eq!(fee.id, 8101);
    assert_eq!(fee.type_, Some(types::PriceModifierType::Fee));
    assert_eq!(fee.amount_type, Some(types::PriceModifierAmountType::Fixed));
    assert_eq!(fee.amount.unwrap().to_string(), "89.00");
    assert_eq!(fee.hours.unwrap().to_string(), "0.25");
    assert_eq!(fee.commission_bonus.unwrap().to_string(), "2.50");
    let asset = &fee.assets.as_ref().unwrap()[0];
    assert_eq!(asset.type_, Some(types::SkuAssetType::Image));
    assert_eq!(asset.is_default, Some(true));
    assert_eq!(
        fee.external_data.as_ref().unwrap()[0].value.as_deref(),
        Some("FEE-1")
    );
}

#[tokio::test]
async fn create_discount_and_fee_posts_amounts_as_written() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/discounts-and-fees"))
                .json_body_includes(format!(
                    r#"{{"type": "Discount", "code": "SENIOR10", "description": "Senior discount",
                        "amountType": "Percentage", "taxable": false,
                        "externalData": {{"applicationGuid": "{APP_GUID}",
                                          "externalData": [{{"key": "erpId", "value": "DSC-10"}}]}}}}"#
                ))
                .body_includes(r#""amount":10.00"#)
                .body_includes(r#""limit":250.00"#);
            then.status(201).header("content-type", "application/json").body(
                FEE.replace(r#""type": "Fee""#, r#""type": "Discount""#)
                    .replace(r#""amountType": "Fixed""#, r#""amountType": "Percentage""#),
            );
        })
        .await;

    let created = client(&api)
        .create_discount_and_fee()
        .body(
            types::DiscountAndFeesCreateRequest::builder()
                .type_(types::PriceModifierType::Discount)
                .code("SENIOR10".to_string())
                .description("Senior discount".to_string())
                .amount_type(types::PriceModifierAmountType::Percentage)
                .amount("10.00".parse::<Decimal>().unwrap())
                .limit("250.00".parse::<Decimal>().unwrap())
                .taxable(false)
                .external_data(types::ExternalDataCreateRequest {
                    application_guid: APP_GUID.parse().unwrap(),
                    external_data: vec![types::ExternalDataEntryInput {
                        key: "erpId".into(),
                        value: "DSC-10".into(),
                    }],
                }),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(created.type_, Some(types::PriceModifierType::Discount));
    assert_eq!(
        created.amount_type,
        Some(types::PriceModifierAmountType::Percentage)
    );
}

#[tokio::test]
async fn get_discount_and_fee_asks_for_one_applications_external_data() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/discounts-and-fees/8101"))
                .query_param("externalDataApplicationGuid", APP_GUID);
            then.status(200)
                .header("content-type", "application/json")
                .body(FEE);
        })
        .await;

    let fee = client(&api)
        .get_discount_and_fee()
        .id(8101)
        .external_data_application_guid(APP_GUID)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(fee.code.as_deref(), Some("TRIP"));
    assert_eq!(fee.bonus.unwrap().to_string(), "5.00");
}

#[tokio::test]
async fn update_discount_and_fee_merges_external_data() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/discounts-and-fees/8101"))
                .json_body_includes(format!(
                    r#"{{"displayName": "Trip charge (after hours)",
                        "externalData": {{"patchMode": "Merge", "applicationGuid": "{APP_GUID}",
                                          "externalData": [{{"key": "erpId", "value": "FEE-1B"}}]}}}}"#
                ))
                .body_includes(r#""amount":129.00"#);
            then.status(200)
                .header("content-type", "application/json")
                .body(FEE.replace("89.00", "129.00"));
        })
        .await;

    let fee = client(&api)
        .update_discount_and_fee()
        .id(8101)
        .body(types::DiscountAndFeesUpdateRequest {
            display_name: servicetitan_core::types::Patch::Set("Trip charge (after hours)".into()),
            amount: servicetitan_core::types::Patch::Set("129.00".parse().unwrap()),
            external_data: servicetitan_core::types::Patch::Set(types::ExternalDataUpdateRequest {
                patch_mode: Some(types::ExternalDataPatchMode::Merge),
                application_guid: APP_GUID.parse().unwrap(),
                external_data: vec![types::ExternalDataUpdateEntry {
                    key: "erpId".into(),
                    value: Some("FEE-1B".into()),
                }],
            }),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(fee.amount.unwrap().to_string(), "129.00");
}

#[tokio::test]
async fn delete_discount_and_fee_expects_204() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/discounts-and-fees/8101"));
            then.status(204);
        })
        .await;

    client(&api)
        .delete_discount_and_fee()
        .id(8101)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}
