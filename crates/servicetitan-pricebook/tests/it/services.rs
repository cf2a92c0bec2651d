//! Pricebook services: list, create, get, update, delete and the export feed.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_pricebook::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

const SERVICE: &str = r#"{
    "id": 330, "code": "TUNEUP-AC", "displayName": "AC Tune-up",
    "description": "<ul><li>Check refrigerant</li></ul>",
    "warranty": {"duration": 30, "description": "30 day labor"},
    "categories": [{"id": 2002, "name": "Cooling", "active": true}],
    "price": 149.00, "memberPrice": 99.00, "addOnPrice": 129.00, "addOnMemberPrice": 89.00,
    "taxable": false, "account": "4000", "hours": 1.50, "isLabor": true,
    "recommendations": [120], "upgrades": [331], "assets": [],
    "serviceMaterials": [{"skuId": 120, "quantity": 1}], "serviceEquipment": [],
    "active": true, "crossSaleGroup": null, "paysCommission": true, "bonus": 0.00,
    "commissionBonus": 10.00, "modifiedOn": "2024-03-05T07:08:09.1000000Z", "source": null,
    "externalId": null, "externalData": null, "businessUnitId": 12, "cost": 35.75,
    "createdOn": "2020-04-04T00:00:00.0000000Z", "soldByCommission": 7.5000,
    "defaultAssetUrl": "https://cdn.example.com/tuneup.png"
}"#;

#[tokio::test]
async fn list_services_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/services"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("createdBefore", "2024-01-01T00:00:00Z")
                .query_param("active", "True")
                .query_param("includeTotal", "false");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 50, "hasMore": false, "data": [{SERVICE}]}}"#
                ));
        })
        .await;

    let page = client(&api)
        .list_services()
        .created_before("2024-01-01T00:00:00Z".parse::<DateTime>().unwrap())
        .active(types::ActiveFilter::True)
        .include_total(false)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let service = &page.data.unwrap()[0];
    assert_eq!(service.id, 330);
    assert_eq!(service.hours.unwrap().to_string(), "1.50");
    assert_eq!(service.sold_by_commission.unwrap().to_string(), "7.5000");
    assert_eq!(
        service.categories.as_ref().unwrap()[0].name.as_deref(),
        Some("Cooling")
    );
    assert_eq!(service.warranty.as_ref().unwrap().duration, Some(30));
    assert_eq!(service.is_labor, Some(true));
    assert_eq!(
        service.modified_on.unwrap().to_string(),
        "2024-03-05T07:08:09.1Z"
    );
}

#[tokio::test]
async fn create_service_posts_links_and_prices() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/services"))
                .json_body_includes(
                    r#"{"code": "TUNEUP-AC", "description": "<ul><li>Check refrigerant</li></ul>",
                        "warranty": {"duration": 30, "description": "30 day labor"},
                        "serviceMaterials": [{"skuId": 120}], "isLabor": true}"#,
                )
                .body_includes(r#""price":149.00"#)
                .body_includes(r#""quantity":1"#);
            then.status(201)
                .header("content-type", "application/json")
                .body(SERVICE);
        })
        .await;

    let service = client(&api)
        .create_service()
        .body(
            types::ServiceCreateRequest::builder()
                .code("TUNEUP-AC".to_string())
                .description("<ul><li>Check refrigerant</li></ul>".to_string())
                .warranty(types::SkuWarrantyRequest {
                    duration: 30,
                    description: Some("30 day labor".into()),
                })
                .price(
                    "149.00"
                        .parse::<servicetitan_core::types::Decimal>()
                        .unwrap(),
                )
                .is_labor(true)
                .service_materials(vec![types::SkuLinkRequest {
                    sku_id: 120,
                    quantity: "1".parse().unwrap(),
                }]),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(service.id, 330);
    assert_eq!(service.price.unwrap().to_string(), "149.00");
}

#[tokio::test]
async fn get_service_asks_for_one_applications_external_data() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/services/330"))
                .query_param(
                    "externalDataApplicationGuid",
                    "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
                );
            then.status(200)
                .header("content-type", "application/json")
                .body(SERVICE);
        })
        .await;

    let service = client(&api)
        .get_service()
        .id(330)
        .external_data_application_guid("3f2504e0-4f89-11d3-9a0c-0305e82c3301")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(service.cost.unwrap().to_string(), "35.75");
    assert_eq!(service.upgrades.as_deref(), Some(&[331][..]));
}

#[tokio::test]
async fn update_service_patches_the_changed_fields() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/services/330"))
                .json_body_includes(
                    r#"{"displayName": "AC Tune-up (2 units)", "categories": [2002]}"#,
                )
                .body_includes(r#""memberPrice":179.00"#);
            then.status(200)
                .header("content-type", "application/json")
                .body(SERVICE.replace(r#""memberPrice": 99.00"#, r#""memberPrice": 179.00"#));
        })
        .await;

    let service = client(&api)
        .update_service()
        .id(330)
        .body(types::ServiceUpdateRequest {
            display_name: servicetitan_core::types::Patch::Set("AC Tune-up (2 units)".into()),
            member_price: servicetitan_core::types::Patch::Set("179.00".parse().unwrap()),
            categories: servicetitan_core::types::Patch::Set(vec![2002]),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(service.member_price.unwrap().to_string(), "179.00");
}

#[tokio::test]
async fn delete_service_expects_204() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/services/330"));
            then.status(204);
        })
        .await;

    client(&api).delete_service().id(330).send().await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn export_services_decodes_a_batch() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/services"))
                .query_param("from", "svc-token-1");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"hasMore": true, "continueFrom": "svc-token-2", "data": [{SERVICE}]}}"#
                ));
        })
        .await;

    let page = client(&api)
        .export_services()
        .from("svc-token-1")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.has_more, Some(true));
    assert_eq!(page.continue_from.as_deref(), Some("svc-token-2"));
    let item = &page.data.unwrap()[0];
    assert_eq!(item.code.as_deref(), Some("TUNEUP-AC"));
    assert_eq!(
        item.service_materials.as_ref().unwrap()[0]
            .quantity
            .unwrap()
            .to_string(),
        "1"
    );
}
