//! Marketing Ads API (`/marketingads/v2`): its only operation, `createWebBookingAttribution`
//! (a POST whose success response has no body).

use httpmock::prelude::*;
use serde_json::json;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_marketing_ads::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn session() -> types::WebSessionData {
    types::WebSessionData {
        landing_page_url: "https://www.example-hvac.com/furnace-repair?utm_source=google".into(),
        referrer_url: "https://www.google.com/".into(),
        gclid: Some("Cj0KCQiA-abc123".into()),
        utm_source: Some("google".into()),
        utm_medium: Some("cpc".into()),
        utm_campaign: Some("spring-furnace".into()),
        google_analytics_client_id: Some("1234567890.1709280000".into()),
        fbclid: None,
        gbraid: None,
        msclkid: None,
        utm_adgroup: None,
        utm_content: None,
        utm_term: None,
        wbraid: None,
    }
}

#[tokio::test]
async fn create_web_booking_attribution_posts_the_session() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/web-booking-attributions"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("content-type", "application/json")
                .json_body(json!({
                    "bookingId": 9007199254740993_i64,
                    "webSessionData": {
                        "landingPageUrl": "https://www.example-hvac.com/furnace-repair?utm_source=google",
                        "referrerUrl": "https://www.google.com/",
                        "gclid": "Cj0KCQiA-abc123",
                        "utmSource": "google",
                        "utmMedium": "cpc",
                        "utmCampaign": "spring-furnace",
                        "googleAnalyticsClientId": "1234567890.1709280000"
                    }
                }));
            then.status(200);
        })
        .await;

    let response = client(&api)
        .create_web_booking_attribution()
        .body(types::WebBookingAttributionCreateRequest {
            booking_id: 9007199254740993,
            web_session_data: session(),
        })
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 200);
    let () = response.into_inner();
}

#[tokio::test]
async fn the_builder_map_sets_fields_one_by_one() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/web-booking-attributions"))
                .json_body_includes(r#"{"bookingId": 42, "webSessionData": {"msclkid": "ms-1"}}"#);
            then.status(200);
        })
        .await;

    client(&api)
        .create_web_booking_attribution()
        .body_map(|b| {
            b.booking_id(42_i64).web_session_data(
                types::WebSessionData::builder()
                    .landing_page_url("https://www.example-hvac.com/".to_string())
                    .referrer_url("https://www.bing.com/".to_string())
                    .msclkid("ms-1".to_string()),
            )
        })
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
}

#[tokio::test]
async fn with_runtime_targets_the_module_path() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/marketingads/v2/tenant/1234567/web-booking-attributions");
            then.status(200);
        })
        .await;

    Client::with_runtime(&api.runtime)
        .create_web_booking_attribution()
        .body(types::WebBookingAttributionCreateRequest {
            booking_id: 7,
            web_session_data: session(),
        })
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
}

/// The module has no response model; leniency here means a body the spec says is empty (with
/// an unknown field and a null) does not fail the call.
#[tokio::test]
async fn lenient_an_unexpected_success_body_is_ignored() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/web-booking-attributions"));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"attributionId": null, "matchedChannel": "PaidSearch"}"#);
        })
        .await;

    let response = client(&api)
        .create_web_booking_attribution()
        .body(types::WebBookingAttributionCreateRequest {
            booking_id: 8,
            web_session_data: session(),
        })
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn a_validation_error_is_an_api_error_with_the_problem() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/web-booking-attributions"));
            then.status(400)
                .header("content-type", "application/json")
                .body(
                    r#"{"type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
                        "title": "One or more validation errors occurred.", "status": 400,
                        "traceId": "00-ads-01",
                        "errors": {"WebSessionData.LandingPageUrl": ["The LandingPageUrl field is required."]}}"#,
                );
        })
        .await;

    let result = client(&api)
        .create_web_booking_attribution()
        .body(
            types::WebBookingAttributionCreateRequest::builder()
                .booking_id(9)
                // Blank where the server wants a URL: it answers with a field error.
                .web_session_data(
                    types::WebSessionData::builder()
                        .landing_page_url(String::new())
                        .referrer_url(String::new()),
                ),
        )
        .send()
        .await;

    mock.assert_async().await;
    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.trace_id(), Some("00-ads-01"));
    assert_eq!(
        err.problem().unwrap().errors["WebSessionData.LandingPageUrl"],
        ["The LandingPageUrl field is required."]
    );
}
