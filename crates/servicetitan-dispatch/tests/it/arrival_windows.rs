//! Arrival windows: list, get, create, update, activation and the tenant's configuration.

use crate::common::{at, authorized, client, json, path};
use httpmock::prelude::*;
use servicetitan_core::testing::MockApi;
use servicetitan_dispatch::types;

#[tokio::test]
async fn list_arrival_windows_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/arrival-windows"))
                    .query_param("active", "True")
                    .query_param("page", "1")
                    .query_param("pageSize", "50")
                    .query_param("includeTotal", "true")
                    .query_param("createdOnOrAfter", "2023-01-01T00:00:00Z"),
            );
            json(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 2, "data": [
                    {"id": 12, "start": "08:00:00", "duration": "04:00:00", "businessUnitIds": [301, 302], "active": true},
                    {"id": 13, "start": "12:00:00", "duration": "04:00:00", "businessUnitIds": [], "active": true}
                ]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_arrival_windows()
        .active("True")
        .page(1)
        .page_size(50)
        .include_total(true)
        .created_on_or_after(at("2023-01-01T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(2));
    let windows = page.data.unwrap();
    assert_eq!(windows[0].id, 12);
    assert_eq!(windows[0].start.as_deref(), Some("08:00:00"));
    assert_eq!(windows[0].duration.as_deref(), Some("04:00:00"));
    assert_eq!(windows[0].business_unit_ids, Some(vec![301, 302]));
    assert_eq!(windows[1].business_unit_ids, Some(vec![]));
}

#[tokio::test]
async fn get_arrival_window_decodes_the_window() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/arrival-windows/12")));
            json(
                then,
                r#"{"id": 12, "start": "08:00:00", "duration": "04:00:00", "businessUnitIds": [301], "active": false}"#,
            );
        })
        .await;

    let window = client(&api)
        .get_arrival_window()
        .id(12)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(window.id, 12);
    assert_eq!(window.active, Some(false));
    assert_eq!(window.business_unit_ids, Some(vec![301]));
}

#[tokio::test]
async fn create_arrival_window_posts_the_window() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/arrival-windows"))
                    .json_body(serde_json::json!({
                        "start": "07:30:00",
                        "duration": "03:00:00",
                        "businessUnitIds": [301]
                    })),
            );
            json(
                then,
                r#"{"id": 14, "start": "07:30:00", "duration": "03:00:00", "businessUnitIds": [301], "active": true}"#,
            );
        })
        .await;

    let window = client(&api)
        .create_arrival_window()
        .body(types::ArrivalWindowCreateRequest {
            start: "07:30:00".into(),
            duration: "03:00:00".into(),
            business_unit_ids: vec![301],
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(window.id, 14);
    assert_eq!(window.active, Some(true));
}

#[tokio::test]
async fn update_arrival_window_puts_the_new_settings() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(PUT)
                    .path(path(&api, "/arrival-windows/14"))
                    .json_body(serde_json::json!({
                        "start": "08:00:00",
                        "duration": "02:00:00",
                        "businessUnitIds": [301, 305]
                    })),
            );
            json(
                then,
                r#"{"id": 14, "start": "08:00:00", "duration": "02:00:00", "businessUnitIds": [301, 305], "active": true}"#,
            );
        })
        .await;

    let window = client(&api)
        .update_arrival_window()
        .id(14)
        .body_map(|b| {
            b.start("08:00:00".to_string())
                .duration("02:00:00".to_string())
                .business_unit_ids(vec![301, 305])
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(window.duration.as_deref(), Some("02:00:00"));
    assert_eq!(window.business_unit_ids, Some(vec![301, 305]));
}

#[tokio::test]
async fn set_arrival_window_active_accepts_an_empty_response() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(PUT)
                    .path(path(&api, "/arrival-windows/14/activated"))
                    .json_body(serde_json::json!({"isActive": false})),
            );
            then.status(200);
        })
        .await;

    let response = client(&api)
        .set_arrival_window_active()
        .id(14)
        .body(types::ArrivalWindowStatusRequest { is_active: false })
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn arrival_window_configuration_reads_and_updates() {
    let api = MockApi::start().await;
    let get = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/arrival-windows/configuration")),
            );
            json(then, r#"{"configuration": "StartTimeOfArrivalWindow"}"#);
        })
        .await;
    let update = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/arrival-windows/configuration"))
                    .json_body(serde_json::json!({"configuration": "EndTimeOfArrivalWindow"})),
            );
            json(then, r#"{"configuration": "EndTimeOfArrivalWindow"}"#);
        })
        .await;

    let client = client(&api);
    let current = client
        .get_arrival_window_configuration()
        .send()
        .await
        .unwrap()
        .into_inner();
    let changed = client
        .update_arrival_window_configuration()
        .body(types::ArrivalWindowConfigurationUpdateRequest {
            configuration: types::ArrivalWindowConfiguration::EndTimeOfArrivalWindow,
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    get.assert_async().await;
    update.assert_async().await;
    assert_eq!(
        current.configuration,
        Some(types::ArrivalWindowConfiguration::StartTimeOfArrivalWindow)
    );
    assert_eq!(
        changed.configuration,
        Some(types::ArrivalWindowConfiguration::EndTimeOfArrivalWindow)
    );
}
