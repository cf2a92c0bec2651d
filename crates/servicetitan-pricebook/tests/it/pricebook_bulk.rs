//! Bulk create and update of pricebook items.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::Decimal;
use servicetitan_pricebook::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn bulk_create_links_new_items_by_custom_id_and_maps_ids_back() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/pricebook"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .json_body_includes(
                    r#"{"materials": [{"code": "FLTR-16", "description": "16x25 filter", "customId": "m-1"}],
                        "services": [{"code": "FLTR-SVC", "description": "Filter change", "customId": "s-1",
                                      "serviceMaterials": [{"customId": "m-1"}]}]}"#,
                )
                .body_includes(r#""quantity":2"#)
                .body_includes(r#""cost":4.35"#);
            then.status(201).header("content-type", "application/json").body(
                r#"{"services": [{"customId": "s-1", "id": 340}],
                    "equipment": null,
                    "materials": [{"customId": "m-1", "id": 121}],
                    "discountAndFees": []}"#,
            );
        })
        .await;

    let result = client(&api)
        .bulk_create_pricebook_items()
        .body(types::PricebookBulkCreateRequest {
            materials: Some(vec![types::MaterialBulkCreateRequest::try_from(
                types::MaterialBulkCreateRequest::builder()
                    .code("FLTR-16".to_string())
                    .description("16x25 filter".to_string())
                    .cost("4.35".parse::<Decimal>().unwrap())
                    .custom_id("m-1".to_string()),
            )
            .unwrap()]),
            services: Some(vec![types::ServiceBulkCreateRequest::try_from(
                types::ServiceBulkCreateRequest::builder()
                    .code("FLTR-SVC".to_string())
                    .description("Filter change".to_string())
                    .custom_id("s-1".to_string())
                    .service_materials(vec![types::SkuLinkBulkCreateRequest {
                        custom_id: Some("m-1".into()),
                        sku_id: None,
                        quantity: 2i64.into(),
                    }]),
            )
            .unwrap()]),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let services = result.services.unwrap();
    assert_eq!(services[0].custom_id.as_deref(), Some("s-1"));
    assert_eq!(services[0].id, Some(340));
    assert_eq!(result.materials.unwrap()[0].id, Some(121));
    assert!(result.equipment.is_none());
    assert_eq!(result.discount_and_fees.map(|d| d.len()), Some(0));
}

#[tokio::test]
async fn bulk_update_patches_items_by_id() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/pricebook"))
                .json_body_includes(
                    r#"{"discountAndFees": [{"id": 8101, "type": "Fee", "code": "TRIP",
                                             "amountType": "Fixed", "active": true}]}"#,
                )
                .body_includes(r#""amount":99.00"#);
            then.status(200);
        })
        .await;

    client(&api)
        .bulk_update_pricebook_items()
        .body(types::PricebookBulkUpdateRequest {
            discount_and_fees: servicetitan_core::types::Patch::Set(vec![
                types::DiscountAndFeesBulkUpdateRequest::try_from(
                    types::DiscountAndFeesBulkUpdateRequest::builder()
                        .id(8101)
                        .type_(types::PriceModifierType::Fee)
                        .code("TRIP".to_string())
                        .amount_type(types::PriceModifierAmountType::Fixed)
                        .amount("99.00".parse::<Decimal>().unwrap())
                        .active(true),
                )
                .unwrap(),
            ]),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}
