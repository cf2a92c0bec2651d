//! Booking provider tags: list, get, create and update.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_crm::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn at(s: &str) -> DateTime {
    s.parse().expect("a valid date-time")
}

#[tokio::test]
async fn list_booking_provider_tags_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/booking-provider-tags"))
                .query_param("name", "Scheduling Widget")
                .query_param("modifiedBefore", "2024-04-01T00:00:00Z")
                .query_param("page", "1")
                .query_param("pageSize", "25")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 25, "hasMore": false, "totalCount": null,
                    "data": [{"id": 61, "tagName": "Scheduling Widget", "description": "Website booking widget",
                              "type": "V2Api", "createdOn": "2023-05-01T08:00:00.1234567Z",
                              "modifiedOn": "2024-03-01T10:00:00.1234567Z", "active": true}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_booking_provider_tags()
        .name("Scheduling Widget")
        .modified_before(at("2024-04-01T00:00:00Z"))
        .page(1)
        .page_size(25)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let tag = &page.data.unwrap()[0];
    assert_eq!(tag.id, 61);
    assert_eq!(tag.type_, Some(types::BookingAgentTagType::V2Api));
    assert_eq!(tag.active, Some(true));
    assert_eq!(
        tag.created_on.unwrap().to_string(),
        "2023-05-01T08:00:00.1234567Z"
    );
}

#[tokio::test]
async fn get_booking_provider_tag_decodes_the_tag() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/booking-provider-tags/61"));
            then.status(200).header("content-type", "application/json").body(
                r#"{"id": 61, "tagName": "Scheduling Widget", "description": "Website booking widget",
                    "type": "V1Api", "createdOn": "2023-05-01T08:00:00.1234567Z",
                    "modifiedOn": "2024-03-01T10:00:00.1234567Z", "active": false}"#,
            );
        })
        .await;

    let tag = client(&api)
        .get_booking_provider_tag()
        .id(61)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(tag.type_, Some(types::BookingAgentTagType::V1Api));
    assert_eq!(tag.tag_name.as_deref(), Some("Scheduling Widget"));
    assert_eq!(tag.active, Some(false));
}

#[tokio::test]
async fn create_and_update_a_booking_provider_tag() {
    let api = MockApi::start().await;
    let create =
        api.server
            .mock_async(|when, then| {
                when.method(POST)
                    .path(api.path(SERVER_PATH, "/booking-provider-tags"))
                    .json_body(serde_json::json!({
                        "tagName": "Call Center", "description": "Outsourced call center"
                    }));
                then.status(200).header("content-type", "application/json").body(
                r#"{"id": 62, "tagName": "Call Center", "description": "Outsourced call center",
                    "type": "V2Api", "createdOn": "2024-03-01T10:00:00.1234567Z",
                    "modifiedOn": "2024-03-01T10:00:00.1234567Z"}"#,
            );
            })
            .await;
    let update = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/booking-provider-tags/62"))
                .json_body(serde_json::json!({"description": "Night shift call center"}));
            then.status(200).header("content-type", "application/json").body(
                r#"{"id": 62, "tagName": "Call Center", "description": "Night shift call center",
                    "type": "V2Api", "createdOn": "2024-03-01T10:00:00.1234567Z",
                    "modifiedOn": "2024-03-02T10:00:00.0000000Z"}"#,
            );
        })
        .await;
    let client = client(&api);

    let created = client
        .create_booking_provider_tag()
        .body(types::BookingProviderTagCreateRequest {
            tag_name: "Call Center".into(),
            description: "Outsourced call center".into(),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let updated = client
        .update_booking_provider_tag()
        .id(62)
        .body(types::BookingProviderTagUpdateRequest {
            description: servicetitan_core::types::Patch::Set("Night shift call center".into()),
            tag_name: servicetitan_core::types::Patch::Absent,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    create.assert_async().await;
    update.assert_async().await;

    assert_eq!(created.id, 62);
    assert_eq!(created.type_, Some(types::BookingAgentTagType::V2Api));
    assert_eq!(
        updated.description.as_deref(),
        Some("Night shift call center")
    );
    assert_eq!(
        updated.modified_on.unwrap().to_string(),
        "2024-03-02T10:00:00Z"
    );
}

#[tokio::test]
async fn duplicate_booking_provider_tag_is_a_conflict() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/booking-provider-tags"));
            then.status(409).header("content-type", "application/json").body(
                r#"{"title": "A tag with this name already exists.", "status": 409, "traceId": "00-aa-01"}"#,
            );
        })
        .await;

    let result = client(&api)
        .create_booking_provider_tag()
        .body(types::BookingProviderTagCreateRequest {
            tag_name: "Call Center".into(),
            description: "dup".into(),
        })
        .send()
        .await;
    mock.assert_async().await;

    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(
        err.problem().and_then(|p| p.title.as_deref()),
        Some("A tag with this name already exists.")
    );
}
