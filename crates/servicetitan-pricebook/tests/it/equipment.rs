//! Pricebook equipment: list, create, get, update, delete and the export feed.

use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::{ExportBatch, ExportRequestExt};
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::Decimal;
use servicetitan_pricebook::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn equipment_json(id: i64, code: &str, price: &str) -> String {
    format!(
        r#"{{"id": {id}, "code": "{code}", "displayName": "3 Ton Heat Pump",
            "description": "<p>16 SEER heat pump</p>", "active": true,
            "price": {price}, "memberPrice": 5999.00, "addOnPrice": 6200.00, "addOnMemberPrice": 5800.00,
            "manufacturer": "Carrier", "model": "25HCB636A003",
            "manufacturerWarranty": {{"duration": 120, "description": "10 year parts"}},
            "serviceProviderWarranty": {{"duration": 12, "description": null}},
            "categories": [2001], "assets": [],
            "recommendations": [{{"skuId": 330, "type": "Service"}}, {{"skuId": 120, "type": "Material"}}],
            "upgrades": [], "equipmentMaterials": [{{"skuId": 120, "quantity": 2.5}}],
            "primaryVendor": {{"id": 1, "vendorName": "Carrier Enterprise", "vendorId": 44,
                "memo": null, "vendorPart": "25HCB636", "cost": 3100.55, "active": true,
                "primarySubAccount": {{"id": 7, "cost": 3050.00, "accountName": "Main"}},
                "otherSubAccounts": null}},
            "otherVendors": [], "account": "4000", "costOfSaleAccount": "5000", "assetAccount": "1200",
            "crossSaleGroup": null, "paysCommission": true, "bonus": 50.00, "commissionBonus": 25.00,
            "hours": 8.00, "taxable": true, "cost": 3100.55, "unitOfMeasure": "Each",
            "isInventory": true, "modifiedOn": "2024-03-01T10:00:00.1234567Z", "source": null,
            "externalId": null, "externalData": null, "isConfigurableEquipment": false,
            "variationsOrConfigurableEquipment": null, "typeId": 4, "displayInAmount": true,
            "generalLedgerAccountId": 4000, "createdOn": "2022-06-01T00:00:00.0000000Z",
            "defaultAssetUrl": null}}"#
    )
}

#[tokio::test]
async fn list_equipment_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 50, "hasMore": false, "data": [{}]}}"#,
        equipment_json(9101, "HP-3T", "6499.99")
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/equipment"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("ids", "9101")
                .query_param("active", "True")
                .query_param("sort", "-ModifiedOn");
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;

    let page = client(&api)
        .list_equipment()
        .ids("9101")
        .active(types::ActiveFilter::True)
        .sort("-ModifiedOn")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let item = &page.data.unwrap()[0];
    assert_eq!(item.id, 9101);
    assert_eq!(item.price.unwrap().to_string(), "6499.99");
    assert_eq!(item.cost.unwrap().to_string(), "3100.55");
    assert_eq!(
        item.manufacturer_warranty.as_ref().unwrap().duration,
        Some(120)
    );
    let recs = item.recommendations.as_ref().unwrap();
    assert_eq!(
        recs[0].type_,
        Some(types::EquipmentRecommendationType::Service)
    );
    assert_eq!(
        recs[1].type_,
        Some(types::EquipmentRecommendationType::Material)
    );
    assert_eq!(
        item.equipment_materials.as_ref().unwrap()[0]
            .quantity
            .unwrap()
            .to_string(),
        "2.5"
    );
    let vendor = item.primary_vendor.as_ref().unwrap();
    assert_eq!(vendor.vendor_id, Some(44));
    assert_eq!(
        vendor
            .primary_sub_account
            .as_ref()
            .unwrap()
            .cost
            .unwrap()
            .to_string(),
        "3050.00"
    );
    assert_eq!(item.type_id, Some(4));
    assert_eq!(
        item.modified_on.unwrap().to_string(),
        "2024-03-01T10:00:00.1234567Z"
    );
}

#[tokio::test]
async fn create_equipment_posts_vendor_and_warranty() {
    let api = MockApi::start().await;
    let body = equipment_json(9101, "HP-3T", "6499.99");
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/equipment"))
                .json_body_includes(
                    r#"{"code": "HP-3T", "description": "<p>16 SEER heat pump</p>",
                        "manufacturerWarranty": {"duration": 120},
                        "primaryVendor": {"vendorId": 44, "active": true},
                        "recommendations": [{"skuId": 330, "type": "Service"}]}"#,
                )
                .body_includes(r#""price":6499.99"#)
                .body_includes(r#""cost":3100.55"#);
            then.status(201)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;

    let created = client(&api)
        .create_equipment()
        .body(
            types::EquipmentCreateRequest::builder()
                .code("HP-3T".to_string())
                .description("<p>16 SEER heat pump</p>".to_string())
                .price("6499.99".parse::<Decimal>().unwrap())
                .manufacturer_warranty(types::SkuWarrantyRequest {
                    duration: 120,
                    description: None,
                })
                .primary_vendor(types::SkuVendorRequest {
                    vendor_id: 44,
                    cost: "3100.55".parse().unwrap(),
                    active: true,
                    memo: None,
                    other_sub_accounts: None,
                    primary_sub_account: None,
                    vendor_part: None,
                })
                .recommendations(vec![types::EquipmentRecommendationRequest {
                    sku_id: 330,
                    type_: types::EquipmentRecommendationType::Service,
                }]),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(created.id, 9101);
}

#[tokio::test]
async fn get_equipment_puts_the_id_in_the_path() {
    let api = MockApi::start().await;
    let body = equipment_json(9101, "HP-3T", "6499.99");
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/equipment/9101"));
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;

    let item = client(&api)
        .get_equipment()
        .id(9101)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(item.model.as_deref(), Some("25HCB636A003"));
    assert_eq!(item.member_price.unwrap().to_string(), "5999.00");
}

#[tokio::test]
async fn update_equipment_patches_price() {
    let api = MockApi::start().await;
    let body = equipment_json(9101, "HP-3T", "6799.00");
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/equipment/9101"))
                .body_includes(r#""price":6799.00"#)
                .json_body_includes(r#"{"active": true, "upgrades": [9102]}"#);
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;

    let item = client(&api)
        .update_equipment()
        .id(9101)
        .body(types::EquipmentUpdateRequest {
            price: servicetitan_core::types::Patch::Set("6799.00".parse().unwrap()),
            active: servicetitan_core::types::Patch::Set(true),
            upgrades: servicetitan_core::types::Patch::Set(vec![9102]),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(item.price.unwrap().to_string(), "6799.00");
}

#[tokio::test]
async fn delete_equipment_expects_204() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/equipment/9101"));
            then.status(204);
        })
        .await;

    client(&api)
        .delete_equipment()
        .id(9101)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn export_equipment_follows_the_continuation_token_over_two_pages() {
    let api = MockApi::start().await;
    let page1 = format!(
        r#"{{"hasMore": true, "continueFrom": "eq-token-1", "data": [{}]}}"#,
        equipment_json(9101, "HP-3T", "6499.99")
    );
    let page2 = format!(
        r#"{{"hasMore": false, "continueFrom": "eq-token-2", "data": [{}]}}"#,
        equipment_json(9102, "HP-4T", "7499.10")
    );
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/equipment"))
                .query_param_missing("from");
            then.status(200)
                .header("content-type", "application/json")
                .body(page1);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/equipment"))
                .query_param("from", "eq-token-1");
            then.status(200)
                .header("content-type", "application/json")
                .body(page2);
        })
        .await;

    let batches: Vec<ExportBatch<types::EquipmentExportItem>> = client(&api)
        .export_equipment()
        .stream_export(None)
        .try_collect()
        .await
        .unwrap();
    first.assert_async().await;
    second.assert_async().await;

    assert_eq!(batches.len(), 2);
    assert!(batches[0].has_more);
    assert_eq!(batches[0].continue_from.as_deref(), Some("eq-token-1"));
    assert_eq!(batches[1].continue_from.as_deref(), Some("eq-token-2"));
    assert_eq!(batches[0].items[0].id, 9101);
    assert_eq!(batches[1].items[0].code.as_deref(), Some("HP-4T"));
    assert_eq!(batches[1].items[0].price.unwrap().to_string(), "7499.10");
}
