//! How the generated client writes the query parameters that form encoding cannot express.

use golden_edge30::{Client, SERVER_PATH};
use httpmock::prelude::*;
use servicetitan_core::testing::MockApi;
use servicetitan_core::types::IndexedObjects;

#[tokio::test]
async fn arrays_of_objects_are_sent_indexed() {
    let api = MockApi::start().await;
    // The document puts the module prefix in its paths and its server has no path.
    assert_eq!(SERVER_PATH, "");
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/edge/v2/tenant/{}/gadgets", servicetitan_core::testing::TENANT))
                .query_param("owners[0].type", "Job")
                .query_param("owners[0].id", "42")
                .query_param("owners[1].type", "Customer")
                .query_param("owners[1].id", "7")
                .query_param("kind", "Large");
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [{"id": 1, "kind": "Huge"}]}"#);
        })
        .await;
    let owners = IndexedObjects::new(
        "owners",
        [
            serde_json::json!({"type": "Job", "id": 42}),
            serde_json::json!({"type": "Customer", "id": 7}),
        ],
    )
    .unwrap();
    let page = Client::with_runtime(&api.runtime)
        .gadgets_get_list()
        .owners(owners)
        .kind("Large")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    let gadget = &page.data.unwrap()[0];
    // "Huge" is not in the document's enum: kept, not a failure.
    assert_eq!(gadget.kind.as_ref().unwrap().as_str(), "Huge");
}
