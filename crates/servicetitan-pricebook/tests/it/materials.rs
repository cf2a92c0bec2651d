//! Pricebook materials: list, create, get, update, delete, cost types and the export feed.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::Decimal;
use servicetitan_pricebook::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

const MATERIAL: &str = r#"{
    "id": 120, "code": "CAP-45-5", "displayName": "Capacitor 45/5 MFD",
    "description": "<p>Dual run capacitor</p>", "cost": 12.50, "active": true,
    "price": 89.00, "memberPrice": 79.00, "addOnPrice": 69.00, "addOnMemberPrice": 59.00,
    "hours": 0.25, "bonus": 1.00, "commissionBonus": 0.50, "paysCommission": true,
    "deductAsJobCost": false, "unitOfMeasure": "Each", "isInventory": true,
    "account": "4000", "costOfSaleAccount": "5000", "assetAccount": "1200", "taxable": true,
    "primaryVendor": {"id": 2, "vendorName": "Acme Supply", "vendorId": 44, "memo": null,
                      "vendorPart": "AC-455", "cost": 12.50, "active": true},
    "otherVendors": [], "categories": [2003], "assets": [],
    "modifiedOn": "2024-02-29T23:59:59.9990000Z", "source": null, "externalId": null,
    "externalData": [], "isConfigurableMaterial": false, "chargeableByDefault": true,
    "variationsOrConfigurableMaterials": null, "businessUnitId": 12, "createdById": 9,
    "createdOn": "2021-01-01T00:00:00.0000000Z", "displayInAmount": true,
    "generalLedgerAccountId": null, "isOtherDirectCost": false, "costTypeId": 3,
    "defaultAssetUrl": null
}"#;

#[tokio::test]
async fn list_materials_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/materials"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("isOtherDirectCost", "false")
                .query_param("costTypeIds", "3,4")
                .query_param("page", "1")
                .query_param("pageSize", "500");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 500, "hasMore": false, "data": [{MATERIAL}]}}"#
                ));
        })
        .await;

    let page = client(&api)
        .list_materials()
        .is_other_direct_cost(false)
        .cost_type_ids("3,4")
        .page(1)
        .page_size(500)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let material = &page.data.unwrap()[0];
    assert_eq!(material.id, 120);
    assert_eq!(material.cost.unwrap().to_string(), "12.50");
    assert_eq!(material.price.unwrap().to_string(), "89.00");
    assert_eq!(material.cost_type_id, Some(3));
    assert_eq!(material.general_ledger_account_id, None);
    assert_eq!(material.created_by_id, Some(9));
    assert_eq!(
        material.modified_on.unwrap().to_string(),
        "2024-02-29T23:59:59.999Z"
    );
}

#[tokio::test]
async fn create_material_posts_costs_as_written() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/materials"))
                .json_body_includes(
                    r#"{"code": "CAP-45-5", "description": "<p>Dual run capacitor</p>",
                        "isInventory": true, "categories": [2003], "costTypeId": 3}"#,
                )
                .body_includes(r#""cost":12.50"#)
                .body_includes(r#""price":89.00"#);
            then.status(201)
                .header("content-type", "application/json")
                .body(MATERIAL);
        })
        .await;

    let material = client(&api)
        .create_material()
        .body(
            types::MaterialCreateRequest::builder()
                .code("CAP-45-5".to_string())
                .description("<p>Dual run capacitor</p>".to_string())
                .cost("12.50".parse::<Decimal>().unwrap())
                .price("89.00".parse::<Decimal>().unwrap())
                .is_inventory(true)
                .categories(vec![2003i64])
                .cost_type_id(3i64),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(material.id, 120);
}

#[tokio::test]
async fn get_material_puts_the_id_in_the_path() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/materials/120"));
            then.status(200)
                .header("content-type", "application/json")
                .body(MATERIAL);
        })
        .await;

    let material = client(&api)
        .get_material()
        .id(120)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(material.code.as_deref(), Some("CAP-45-5"));
    assert_eq!(
        material
            .primary_vendor
            .as_ref()
            .unwrap()
            .vendor_part
            .as_deref(),
        Some("AC-455")
    );
}

#[tokio::test]
async fn update_material_patches_the_changed_fields() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/materials/120"))
                .json_body(serde_json::json!({"active": false, "unitOfMeasure": "Box"}));
            then.status(200)
                .header("content-type", "application/json")
                .body(MATERIAL.replace(r#""unitOfMeasure": "Each""#, r#""unitOfMeasure": "Box""#));
        })
        .await;

    let material = client(&api)
        .update_material()
        .id(120)
        .body(types::MaterialUpdateRequest {
            active: servicetitan_core::types::Patch::Set(false),
            unit_of_measure: servicetitan_core::types::Patch::Set("Box".into()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(material.unit_of_measure.as_deref(), Some("Box"));
}

#[tokio::test]
async fn delete_material_expects_204() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/materials/120"));
            then.status(204);
        })
        .await;

    client(&api).delete_material().id(120).send().await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn list_material_cost_types_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/materials/costtypes"));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 2,
                    "data": [{"id": 3, "name": "Parts"}, {"id": 4, "name": null}]}"#,
                );
        })
        .await;

    let page = client(&api)
        .list_material_cost_types()
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let kinds = page.data.unwrap();
    assert_eq!(kinds[0].name.as_deref(), Some("Parts"));
    assert_eq!(kinds[1].id, Some(4));
    assert_eq!(kinds[1].name, None);
}

#[tokio::test]
async fn export_materials_decodes_a_batch() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/materials"))
                .query_param("from", "mat-token-4")
                .query_param("includeRecentChanges", "false");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"hasMore": false, "continueFrom": "mat-token-5", "data": [{MATERIAL}]}}"#
                ));
        })
        .await;

    let page = client(&api)
        .export_materials()
        .from("mat-token-4")
        .include_recent_changes(false)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.has_more, Some(false));
    assert_eq!(page.continue_from.as_deref(), Some("mat-token-5"));
    let item = &page.data.unwrap()[0];
    assert_eq!(item.id, 120);
    assert_eq!(item.add_on_member_price.unwrap().to_string(), "59.00");
    assert_eq!(item.chargeable_by_default, Some(true));
}
