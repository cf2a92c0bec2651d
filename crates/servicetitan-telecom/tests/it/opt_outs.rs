//! Opt-outs: listing, creating and looking up phone-number opt-outs (v3).

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_telecom::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn v3(api: &MockApi, path: &str) -> String {
    format!("{SERVER_PATH}/v3{}", api.path("", path))
}

#[tokio::test]
async fn list_opt_outs_decodes_every_opt_out() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(v3(&api, "/optinouts/optouts"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"data": [{"contactNumber": "+16025550100", "optOutType": "Global"},
                             {"contactNumber": "+16025550101", "optOutType": "Marketing"}]}"#,
                );
        })
        .await;

    let list = client(&api)
        .list_opt_outs()
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let opt_outs = list.data.unwrap();
    assert_eq!(opt_outs.len(), 2);
    assert_eq!(opt_outs[0].contact_number.as_deref(), Some("+16025550100"));
    assert_eq!(opt_outs[0].opt_out_type, Some(types::OptOutType::Global));
    assert_eq!(opt_outs[1].opt_out_type, Some(types::OptOutType::Marketing));
}

#[tokio::test]
async fn create_opt_outs_sends_the_numbers_and_decodes_each_outcome() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(v3(&api, "/optinouts/optouts"))
                .json_body(serde_json::json!({
                    "optOutType": "Marketing",
                    "contactNumbers": ["+16025550100", "(602) 555-0102"]
                }));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"data": [{"contactNumber": "+16025550100", "status": "LogicalError"},
                             {"contactNumber": "+16025550102", "status": "Ok"}]}"#,
                );
        })
        .await;

    let result = client(&api)
        .create_opt_outs()
        .body(types::OptOutCreateRequest {
            opt_out_type: types::OptOutType::Marketing,
            contact_numbers: vec!["+16025550100".into(), "(602) 555-0102".into()],
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let outcomes = result.data.unwrap();
    assert_eq!(
        outcomes[0].status,
        Some(types::OptOutCreateStatus::LogicalError)
    );
    assert_eq!(outcomes[1].contact_number.as_deref(), Some("+16025550102"));
    assert_eq!(outcomes[1].status, Some(types::OptOutCreateStatus::Ok));
}

#[tokio::test]
async fn lookup_opt_outs_posts_the_numbers_to_getlist() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(v3(&api, "/optinouts/optouts/getlist"))
                .json_body(serde_json::json!({"contactNumbers": ["+16025550100", "+16025550199"]}));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"data": [{"contactNumber": "+16025550100", "optOutType": "Other"}]}"#);
        })
        .await;

    let list = client(&api)
        .lookup_opt_outs()
        .body(types::OptOutLookupRequest {
            contact_numbers: vec!["+16025550100".into(), "+16025550199".into()],
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let opt_outs = list.data.unwrap();
    assert_eq!(opt_outs.len(), 1);
    assert_eq!(opt_outs[0].opt_out_type, Some(types::OptOutType::Other));
}

#[tokio::test]
async fn invalid_number_is_a_bad_request_with_field_errors() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST).path(v3(&api, "/optinouts/optouts"));
            then.status(400)
                .header("content-type", "application/json")
                .body(
                    r#"{"type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
                    "title": "One or more validation errors occurred.", "status": 400,
                    "errors": {"contactNumbers[0]": ["'555' is not a valid phone number."]}}"#,
                );
        })
        .await;

    let result = client(&api)
        .create_opt_outs()
        .body(types::OptOutCreateRequest {
            opt_out_type: types::OptOutType::Global,
            contact_numbers: vec!["555".into()],
        })
        .send()
        .await;
    mock.assert_async().await;

    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(
        err.problem().unwrap().errors["contactNumbers[0]"],
        ["'555' is not a valid phone number."]
    );
}
