//! Return types: list (with the required `activeOnly`), create, update.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_inventory::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn list_return_types_sends_the_required_active_only_flag() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/return-types"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("activeOnly", "true")
                .query_param("name", "Warranty");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [{
                    "id": 5, "name": "Warranty", "automaticallyReceiveVendorCredit": true,
                    "includeInSalesTax": false, "active": true, "isDefault": false,
                    "isDefaultForConsignment": false,
                    "createdOn": "2022-02-22T22:22:22.2222222Z", "modifiedOn": "2022-02-22T22:22:22.2222222Z"}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_return_types()
        .active_only(true)
        .name("Warranty")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let kind = &page.data.unwrap()[0];
    assert_eq!(kind.id, 5);
    assert_eq!(kind.automatically_receive_vendor_credit, Some(true));
    assert_eq!(
        kind.created_on.unwrap().to_string(),
        "2022-02-22T22:22:22.2222222Z"
    );
}

#[tokio::test]
async fn list_return_types_without_active_only_is_rejected_before_sending() {
    let api = MockApi::start().await;
    let result = client(&api).list_return_types().send().await;
    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert!(
        matches!(&err, servicetitan_core::Error::InvalidRequest(m) if m.contains("active_only")),
        "{err}"
    );
}

#[tokio::test]
async fn create_return_type_posts_the_settings() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/return-types"))
                .json_body(serde_json::json!({
                    "name": "Restock", "automaticallyReceiveVendorCredit": false,
                    "includeInSalesTax": true, "isDefault": false, "isDefaultForConsignment": false
                }));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 6}"#);
        })
        .await;

    let created = client(&api)
        .create_return_type()
        .body(types::ReturnTypeCreateRequest {
            name: "Restock".into(),
            automatically_receive_vendor_credit: false,
            include_in_sales_tax: true,
            is_default: false,
            is_default_for_consignment: false,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(created.id, 6);
}

#[tokio::test]
async fn update_return_type_sends_the_id_in_path_and_body() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/return-types/6"))
                .json_body(serde_json::json!({"id": 6, "active": false}));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 6}"#);
        })
        .await;

    let result = client(&api)
        .update_return_type()
        .id(6)
        .body(
            types::ReturnTypeUpdateRequest::builder()
                .id(6)
                .active(false),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(result.id, 6);
}
