//! Materials markup tiers: list, create, get and replace (PUT).

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_pricebook::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn list_materials_markup_decodes_tiers_and_total() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/materialsmarkup"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("page", "1")
                .query_param("pageSize", "10");
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"data": [
                        {"id": 1, "from": 0.00, "to": 49.99, "percent": 100.00},
                        {"id": 2, "from": 50.00, "to": 199.99, "percent": 65.50}],
                    "page": 1, "pageSize": 10, "totalCount": 2, "hasMore": false}"#,
                );
        })
        .await;

    let page = client(&api)
        .list_materials_markup()
        .page(1)
        .page_size(10)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.total_count, Some(2));
    let tiers = page.data.unwrap();
    assert_eq!(tiers[0].to.unwrap().to_string(), "49.99");
    assert_eq!(tiers[1].from.unwrap().to_string(), "50.00");
    assert_eq!(tiers[1].percent.unwrap().to_string(), "65.50");
}

#[tokio::test]
async fn create_materials_markup_posts_the_tier_and_unwraps_data() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/materialsmarkup"))
                .body_includes(r#""from":200.00"#)
                .body_includes(r#""to":999.99"#)
                .body_includes(r#""percent":40.25"#)
                .json_body_includes(r#"{"id": 0}"#);
            then.status(201)
                .header("content-type", "application/json")
                .body(r#"{"data": {"id": 3, "from": 200.00, "to": 999.99, "percent": 40.25}}"#);
        })
        .await;

    let result = client(&api)
        .create_materials_markup()
        .body(types::MaterialsMarkupRequest {
            id: 0,
            from: "200.00".parse().unwrap(),
            to: "999.99".parse().unwrap(),
            percent: "40.25".parse().unwrap(),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let tier = result.data.unwrap();
    assert_eq!(tier.id, 3);
    assert_eq!(tier.percent.unwrap().to_string(), "40.25");
}

#[tokio::test]
async fn get_materials_markup_puts_the_id_in_the_path() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/materialsmarkup/2"));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"data": {"id": 2, "from": 50.00, "to": 199.99, "percent": 65.50}}"#);
        })
        .await;

    let result = client(&api)
        .get_materials_markup()
        .id(2)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(result.data.unwrap().to.unwrap().to_string(), "199.99");
}

#[tokio::test]
async fn update_materials_markup_replaces_the_tier_with_put() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(api.path(SERVER_PATH, "/materialsmarkup/2"))
                .json_body_includes(r#"{"id": 2}"#)
                .body_includes(r#""percent":60.00"#);
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"data": {"id": 2, "from": 50.00, "to": 199.99, "percent": 60.00}}"#);
        })
        .await;

    let result = client(&api)
        .update_materials_markup()
        .id(2)
        .body(types::MaterialsMarkupRequest {
            id: 2,
            from: "50.00".parse().unwrap(),
            to: "199.99".parse().unwrap(),
            percent: "60.00".parse().unwrap(),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(result.data.unwrap().percent.unwrap().to_string(), "60.00");
}
