//! Purchase order markups: list, create, get, update, delete.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_inventory::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

const MARKUP: &str = r#"{"createdOn": "2023-01-01T00:00:00.0000000Z",
    "modifiedOn": "2024-02-02T12:00:00.5000000Z", "from": 100.00, "to": 499.99,
    "percent": 35.50, "id": 21}"#;

#[tokio::test]
async fn list_purchase_order_markups_decodes_ranges() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/purchase-order-markups"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("ids", "21,22")
                .query_param("pageSize", "2");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 2, "hasMore": false, "data": [{MARKUP}]}}"#
                ));
        })
        .await;

    let page = client(&api)
        .list_purchase_order_markups()
        .ids("21,22")
        .page_size(2)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let markup = &page.data.unwrap()[0];
    assert_eq!(markup.id, 21);
    assert_eq!(markup.from.unwrap().to_string(), "100.00");
    assert_eq!(markup.to.unwrap().to_string(), "499.99");
    assert_eq!(markup.percent.unwrap().to_string(), "35.50");
    assert_eq!(
        markup.modified_on.unwrap().to_string(),
        "2024-02-02T12:00:00.5Z"
    );
}

#[tokio::test]
async fn create_purchase_order_markup_posts_the_range() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/purchase-order-markups"))
                .body_includes(r#""from":100.00"#)
                .body_includes(r#""to":499.99"#)
                .body_includes(r#""percent":35.50"#);
            then.status(200)
                .header("content-type", "application/json")
                .body(MARKUP);
        })
        .await;

    let markup = client(&api)
        .create_purchase_order_markup()
        .body(types::PurchaseOrderMarkupCreateRequest {
            from: "100.00".parse().unwrap(),
            to: "499.99".parse().unwrap(),
            percent: "35.50".parse().unwrap(),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(markup.id, 21);
}

#[tokio::test]
async fn get_purchase_order_markup_puts_the_id_in_the_path() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/purchase-order-markups/21"));
            then.status(200)
                .header("content-type", "application/json")
                .body(MARKUP);
        })
        .await;

    let markup = client(&api)
        .get_purchase_order_markup()
        .id(21)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(markup.percent.unwrap().to_string(), "35.50");
}

#[tokio::test]
async fn update_purchase_order_markup_patches_the_range() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/purchase-order-markups/21"))
                .body_includes(r#""percent":30.00"#);
            then.status(200)
                .header("content-type", "application/json")
                .body(MARKUP.replace("35.50", "30.00"));
        })
        .await;

    let markup = client(&api)
        .update_purchase_order_markup()
        .id(21)
        .body(types::PurchaseOrderMarkupUpdateRequest {
            from: servicetitan_core::types::Patch::Set("100.00".parse().unwrap()),
            to: servicetitan_core::types::Patch::Set("499.99".parse().unwrap()),
            percent: servicetitan_core::types::Patch::Set("30.00".parse().unwrap()),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(markup.percent.unwrap().to_string(), "30.00");
}

#[tokio::test]
async fn delete_purchase_order_markup_by_id() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/purchase-order-markups/21"));
            then.status(200);
        })
        .await;

    client(&api)
        .delete_purchase_order_markup()
        .id(21)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}
