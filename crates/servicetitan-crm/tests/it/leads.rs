//! Leads: list, get, create, update, follow-ups, notes, dismissal and web form submissions.

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

fn lead_json(id: i64, status: &str, priority: &str) -> String {
    format!(
        r#"{{"id": {id}, "status": "{status}", "customerId": 4402113, "locationId": 5500001,
            "businessUnitId": 12, "jobTypeId": 77, "priority": "{priority}", "campaignId": 3301,
            "summary": "Quote for new furnace", "callReasonId": 5, "callId": 99120001,
            "bookingId": null, "manualCallId": null,
            "followUpDate": "2024-03-10T17:00:00.0000000Z",
            "createdOn": "2024-03-01T10:00:00.1234567Z", "createdById": 501,
            "modifiedOn": "2024-03-02T09:45:00.5000000Z", "tagTypeIds": [31],
            "dismissingReasonId": null, "leadUrl": "https://go.servicetitan.com/lead/{id}"}}"#
    )
}

#[tokio::test]
async fn list_leads_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/leads"))
                .query_param("status", "Open")
                .query_param("customerId", "4402113")
                .query_param("isProspect", "false")
                .query_param("customerCity", "Phoenix")
                .query_param("customerCreatedOnOrAfter", "2023-01-01T00:00:00Z")
                .query_param("genPermUrl", "true")
                .query_param("page", "1")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": [{}]}}"#,
                    lead_json(300501, "Open", "Normal")
                ));
        })
        .await;

    let page = client(&api)
        .list_leads()
        .status(types::LeadStatus::Open)
        .customer_id(4402113)
        .is_prospect(false)
        .customer_city("Phoenix")
        .customer_created_on_or_after(at("2023-01-01T00:00:00Z"))
        .gen_perm_url(true)
        .page(1)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let lead = &page.data.unwrap()[0];
    assert_eq!(lead.id, 300501);
    assert_eq!(lead.status, Some(types::LeadStatus::Open));
    assert_eq!(lead.priority, Some(types::Priority::Normal));
    assert_eq!(lead.booking_id, None);
    assert_eq!(
        lead.follow_up_date.unwrap().to_string(),
        "2024-03-10T17:00:00Z"
    );
    assert_eq!(
        lead.created_on.unwrap().to_string(),
        "2024-03-01T10:00:00.1234567Z"
    );
}

#[tokio::test]
async fn get_lead_decodes_the_lead() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/leads/300501"));
            then.status(200)
                .header("content-type", "application/json")
                .body(lead_json(300501, "Converted", "Urgent"));
        })
        .await;

    let lead = client(&api)
        .get_lead()
        .id(300501)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(lead.status, Some(types::LeadStatus::Converted));
    assert_eq!(lead.priority, Some(types::Priority::Urgent));
    assert_eq!(lead.call_id, Some(99120001));
    assert_eq!(lead.tag_type_ids, Some(vec![31]));
}

#[tokio::test]
async fn create_and_update_a_lead() {
    let api = MockApi::start().await;
    let create = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/leads"))
                .json_body(serde_json::json!({
                    "customerId": 4402113, "locationId": 5500001, "campaignId": 3301,
                    "summary": "Quote for new furnace", "priority": "Low",
                    "followUpDate": "2024-03-10T17:00:00Z", "tagTypeIds": [31]
                }));
            then.status(200)
                .header("content-type", "application/json")
                .body(lead_json(300502, "Open", "Low"));
        })
        .await;
    let update = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/leads/300502"))
                .json_body(serde_json::json!({"priority": "High", "businessUnitId": 14}));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    lead_json(300502, "Open", "High")
                        .replace(r#""businessUnitId": 12"#, r#""businessUnitId": 14"#),
                );
        })
        .await;
    let client = client(&api);

    let created = client
        .create_lead()
        .body(
            types::LeadCreateRequest::builder()
                .customer_id(4402113_i64)
                .location_id(5500001_i64)
                .campaign_id(3301)
                .summary("Quote for new furnace".to_string())
                .priority(types::Priority::Low)
                .follow_up_date(at("2024-03-10T17:00:00Z"))
                .tag_type_ids(vec![31_i64]),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    let updated = client
        .update_lead()
        .id(300502)
        .body(types::LeadUpdateRequest {
            priority: servicetitan_core::types::Patch::Set(types::Priority::High),
            business_unit_id: servicetitan_core::types::Patch::Set(14),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    create.assert_async().await;
    update.assert_async().await;

    assert_eq!(created.id, 300502);
    assert_eq!(created.priority, Some(types::Priority::Low));
    assert_eq!(updated.priority, Some(types::Priority::High));
    assert_eq!(updated.business_unit_id, Some(14));
}

#[tokio::test]
async fn lead_follow_up_notes_and_dismissal() {
    let api = MockApi::start().await;
    let follow_up = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/leads/300501/follow-up"))
                .json_body(serde_json::json!({
                    "followUpDate": "2024-03-15T16:00:00Z", "text": "Call after 4pm", "pinToTop": true
                }));
            then.status(200).header("content-type", "application/json").body(
                r#"{"leadId": 300501, "followUpDate": "2024-03-15T16:00:00.0000000Z",
                    "text": "Call after 4pm", "pinToTop": true}"#,
            );
        })
        .await;
    let notes = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/leads/300501/notes"))
                .query_param("includeTotal", "true");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 1,
                    "data": [{"id": 660, "text": "Call after 4pm", "isPinned": true, "createdById": 501,
                              "createdOn": "2024-03-01T10:00:00.1234567Z",
                              "modifiedOn": "2024-03-01T10:00:00.1234567Z"}]}"#,
            );
        })
        .await;
    let note = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/leads/300501/notes"))
                .json_body(serde_json::json!({"text": "Sent brochure", "pinToTop": false}));
            then.status(200).header("content-type", "application/json").body(
                r#"{"id": 661, "text": "Sent brochure", "isPinned": false, "createdById": 501,
                    "createdOn": "2024-03-02T10:00:00.1234567Z", "modifiedOn": "2024-03-02T10:00:00.1234567Z"}"#,
            );
        })
        .await;
    let dismiss = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/leads/300501/dismiss"))
                .json_body(serde_json::json!({"dismissingReasonId": 8}));
            then.status(200);
        })
        .await;
    let client = client(&api);

    let scheduled = client
        .create_lead_follow_up()
        .id(300501)
        .body(types::LeadFollowUpCreateRequest {
            follow_up_date: at("2024-03-15T16:00:00Z"),
            text: Some("Call after 4pm".into()),
            pin_to_top: Some(true),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let page = client
        .list_lead_notes()
        .id(300501)
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();
    let added = client
        .create_lead_note()
        .id(300501)
        .body(types::LeadNoteCreateRequest {
            text: "Sent brochure".into(),
            pin_to_top: Some(false),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    client
        .dismiss_lead()
        .id(300501)
        .body(types::LeadDismissRequest {
            dismissing_reason_id: 8,
        })
        .send()
        .await
        .unwrap();
    follow_up.assert_async().await;
    notes.assert_async().await;
    note.assert_async().await;
    dismiss.assert_async().await;

    assert_eq!(scheduled.lead_id, Some(300501));
    assert_eq!(
        scheduled.follow_up_date.unwrap().to_string(),
        "2024-03-15T16:00:00Z"
    );
    assert_eq!(page.data.unwrap()[0].id, 660);
    assert_eq!(added.id, 661);
}

#[tokio::test]
async fn submit_lead_form_sends_the_optional_id_and_contact_details() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/leads/form"))
                .query_param("id", "42")
                .json_body_includes(
                    r#"{"name": "Biff Tannen", "email": "biff@example.com", "phoneNumber": "5305550188",
                        "summary": "Car detailing quote",
                        "address": {"street": "1809 Mason St", "city": "Hill Valley", "state": "CA",
                                    "zip": "95420", "country": "USA"}}"#,
                );
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"leadId": 300777}"#);
        })
        .await;

    let response = client(&api)
        .submit_lead_form()
        .id(42)
        .body(types::LeadFormSubmitRequest {
            name: "Biff Tannen".into(),
            email: Some("biff@example.com".into()),
            phone_number: Some("5305550188".into()),
            summary: Some("Car detailing quote".into()),
            address: Some(types::CustomerAddressInput {
                street: "1809 Mason St".into(),
                city: "Hill Valley".into(),
                state: "CA".into(),
                zip: "95420".into(),
                country: "USA".into(),
                unit: None,
                latitude: None,
                longitude: None,
            }),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(response.lead_id, Some(300777));
}

#[tokio::test]
async fn lead_with_unknown_status_and_nulls_still_decodes() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/leads/300501"));
            then.status(200).header("content-type", "application/json").body(
                r#"{"id": 300501, "status": "Snoozed", "priority": "Critical", "campaignId": null,
                    "createdOn": "2024-03-01T10:00:00.1234567Z", "createdById": null,
                    "modifiedOn": "2024-03-01T10:00:00.1234567Z", "aiScore": 0.87}"#,
            );
        })
        .await;

    let lead = client(&api)
        .get_lead()
        .id(300501)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(
        lead.status,
        Some(types::LeadStatus::Unknown("Snoozed".into()))
    );
    assert_eq!(lead.priority.as_ref().map(|p| p.as_str()), Some("Critical"));
    assert_eq!(lead.campaign_id, None);
}
