//! Payment types: listing and fetching one.

use httpmock::prelude::*;
use servicetitan_accounting::{types, Client, SERVER_PATH};
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn list_payment_types_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/payment-types"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("active", "False")
                .query_param("createdOnOrAfter", "2020-01-01T00:00:00Z");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [
                    {"id": 2, "name": "Check", "modifiedOn": null, "createdOn": "2020-02-02T02:02:02.0200000Z"},
                    {"id": 3, "name": "Credit Card"}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_payment_types()
        .active(types::ActiveFilter::False)
        .created_on_or_after("2020-01-01T00:00:00Z".parse::<DateTime>().unwrap())
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let kinds = page.data.unwrap();
    assert_eq!(kinds.len(), 2);
    assert_eq!(kinds[0].name.as_deref(), Some("Check"));
    assert_eq!(kinds[0].modified_on, None);
    assert_eq!(
        kinds[0].created_on.unwrap().to_string(),
        "2020-02-02T02:02:02.02Z"
    );
    assert_eq!(kinds[1].created_on, None);
}

#[tokio::test]
async fn get_payment_type_puts_the_id_in_the_path() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/payment-types/3"));
            then.status(200).header("content-type", "application/json").body(
                r#"{"id": 3, "name": "Credit Card", "modifiedOn": "2024-01-01T00:00:00.0000000Z",
                    "createdOn": "2020-02-02T00:00:00.0000000Z"}"#,
            );
        })
        .await;

    let kind = client(&api)
        .get_payment_type()
        .id(3)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(kind.id, 3);
    assert_eq!(kind.name.as_deref(), Some("Credit Card"));
}
