//! Pricebook categories: list, create, get, update, delete.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_pricebook::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

const CATEGORY: &str = r#"{
    "id": 2001, "name": "Heating", "active": true, "description": "Furnaces and heat pumps",
    "image": "Images/Category/heating.png", "parentId": null, "position": 3,
    "categoryType": "Services",
    "subcategories": [{"id": 2002, "name": "Furnace Repair", "active": true, "parentId": 2001,
                       "position": 1, "categoryType": "Services", "hideInMobile": false,
                       "subcategories": []}],
    "businessUnitIds": [12, 13], "skuImages": [], "skuVideos": null,
    "source": null, "externalId": "EXT-2001", "hideInMobile": false
}"#;

#[tokio::test]
async fn list_categories_sends_filters_and_decodes_nested_subcategories() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/categories"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("categoryType", "Services")
                .query_param("active", "Any")
                .query_param("modifiedOnOrAfter", "2024-01-01T00:00:00Z")
                .query_param("sort", "+Position");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 50, "hasMore": false, "data": [{CATEGORY}]}}"#
                ));
        })
        .await;

    let page = client(&api)
        .list_categories()
        .category_type(types::CategoryType::Services)
        .active(types::ActiveFilter::Any)
        .modified_on_or_after("2024-01-01T00:00:00Z".parse::<DateTime>().unwrap())
        .sort("+Position")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let category = &page.data.unwrap()[0];
    assert_eq!(category.id, 2001);
    assert_eq!(category.category_type, Some(types::CategoryType::Services));
    assert_eq!(category.business_unit_ids.as_deref(), Some(&[12, 13][..]));
    assert_eq!(category.parent_id, None);
    let child = &category.subcategories.as_ref().unwrap()[0];
    assert_eq!(child.id, 2002);
    assert_eq!(child.parent_id, Some(2001));
}

#[tokio::test]
async fn create_category_returns_201_with_the_category() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/categories"))
                .json_body(serde_json::json!({
                    "name": "Heating",
                    "categoryType": "Services",
                    "position": 3,
                    "businessUnitIds": [12, 13]
                }));
            then.status(201)
                .header("content-type", "application/json")
                .body(CATEGORY);
        })
        .await;

    let category = client(&api)
        .create_category()
        .body(
            types::CategoryCreateRequest::builder()
                .name("Heating".to_string())
                .category_type(types::CategoryType::Services)
                .position(3)
                .business_unit_ids(vec![12i64, 13]),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(category.id, 2001);
    assert_eq!(category.position, Some(3));
}

#[tokio::test]
async fn get_category_puts_the_id_in_the_path() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/categories/2001"));
            then.status(200)
                .header("content-type", "application/json")
                .body(CATEGORY);
        })
        .await;

    let category = client(&api)
        .get_category()
        .id(2001)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(category.name.as_deref(), Some("Heating"));
    assert_eq!(category.external_id.as_deref(), Some("EXT-2001"));
}

#[tokio::test]
async fn update_category_patches_the_changed_fields() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/categories/2001"))
                .json_body(serde_json::json!({
                    "active": false,
                    "skuImages": ["Images/Sku/furnace.png"]
                }));
            then.status(200)
                .header("content-type", "application/json")
                .body(CATEGORY.replace(
                    r#""active": true, "description""#,
                    r#""active": false, "description""#,
                ));
        })
        .await;

    let category = client(&api)
        .update_category()
        .id(2001)
        .body(types::CategoryUpdateRequest {
            active: servicetitan_core::types::Patch::Set(false),
            sku_images: servicetitan_core::types::Patch::Set(vec![Some(
                "Images/Sku/furnace.png".into(),
            )]),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(category.active, Some(false));
}

#[tokio::test]
async fn delete_category_expects_204() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/categories/2001"));
            then.status(204);
        })
        .await;

    client(&api)
        .delete_category()
        .id(2001)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn delete_category_404_is_an_api_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/categories/9"));
            then.status(404)
                .header("content-type", "application/json")
                .body(r#"{"title": "Category not found", "status": 404, "traceId": "trace-9"}"#);
        })
        .await;

    let result = client(&api).delete_category().id(9).send().await;
    mock.assert_async().await;
    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.trace_id(), Some("trace-9"));
}
