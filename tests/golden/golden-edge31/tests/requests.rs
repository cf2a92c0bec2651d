//! Requests the generated client sends: tenant bound once, map filters, arrays, uploads.

use golden_edge31::{Client, SERVER_PATH};
use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, TENANT};

#[tokio::test]
async fn map_filters_send_each_entry_and_arrays_repeat() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/edge/v2/tenant/{TENANT}/widgets"))
                .query_param("Region", "West")
                .query_param("Tier", "Gold")
                .query_param("ids", "1")
                .query_param("ids", "2")
                .query_param("status", "In Progress");
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": []}"#);
        })
        .await;
    let filter: std::collections::BTreeMap<String, String> = [
        ("Region".to_string(), "West".to_string()),
        ("Tier".to_string(), "Gold".to_string()),
    ]
    .into();
    Client::with_runtime(&api.runtime)
        .list_widgets()
        .custom_field(filter)
        .ids(vec![1i64, 2])
        .status("In Progress")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(SERVER_PATH, "/edge/v2");
}

#[tokio::test]
async fn uploads_are_multipart_with_the_file_part() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/edge/v2/tenant/{TENANT}/widgets/9/image"))
                .header_includes("content-type", "multipart/form-data")
                .body_includes("name=\"file\"")
                .body_includes("PNGDATA");
            then.status(200)
                .header("content-type", "application/json")
                .body("\"stored\"");
        })
        .await;
    let file =
        servicetitan_core::upload::UploadFile::new("w.png", bytes::Bytes::from_static(b"PNGDATA"))
            .with_content_type("image/png");
    let resp = Client::with_runtime(&api.runtime)
        .upload_widget_image(9, file)
        .await
        .unwrap();
    assert!(resp.status().is_success());
    mock.assert_async().await;
}
