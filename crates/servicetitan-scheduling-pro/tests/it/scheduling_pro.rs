//! Scheduling Pro API (`/schedulingpro/v2`): schedulers and routers, their sessions and
//! performance counts. Ids here are strings (GUIDs).

use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::ListRequestExt;
use servicetitan_core::testing::{json_reply, MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_scheduling_pro::{types, Client, SERVER_PATH};

const SCHEDULER_ID: &str = "3f2b9c1e-8d4a-4e7b-9c0d-1a2b3c4d5e6f";
const ROUTER_ID: &str = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn at(text: &str) -> DateTime {
    text.parse().unwrap()
}

const SCHEDULER: &str = r#"{"id": "3f2b9c1e-8d4a-4e7b-9c0d-1a2b3c4d5e6f", "name": "Website scheduler",
    "companyName": "Example HVAC", "createdOn": "2023-02-01T12:00:00.1234567Z",
    "modifiedOn": "2024-03-01T10:00:00.7654321Z", "schedulerStatus": "Active",
    "dataApiKey": "pk_live_abc123", "isDefault": true, "mode": "Call_Center",
    "quickLaunchLink": "https://schedule.example.com/ql/abc"}"#;

fn session(id: &str) -> String {
    format!(
        r#"{{"id": "{id}", "createdOn": "2024-03-04T18:00:00.1234567Z",
            "modifiedOn": "2024-03-04T18:05:00Z", "lastCheckinDate": "2024-03-04T18:04:59.9999999Z",
            "sessionOutcome": "Booked", "schedulerId": "{SCHEDULER_ID}", "jobId": 123456789012,
            "bookingId": null, "leadId": null, "gbpName": null,
            "timeslotStart": "2024-03-06T13:00:00Z", "timeslotEnd": "2024-03-06T17:00:00Z",
            "category": "Heating", "jobTypeId": 14, "businessUnitId": 301,
            "customer": {{"isNewCustomer": false, "id": 4242, "firstName": "Ada", "lastName": "Lovelace",
                          "email": "ada@example.com", "phone": "6175550100", "locationId": 6060,
                          "isNewLocation": false,
                          "address": {{"street": "1 Analytical Way", "unit": null, "city": "Cambridge",
                                       "state": "MA", "zip": "02139", "country": "US"}},
                          "deviceType": "mobile", "isBot": false}},
            "zoneId": 7, "customerResponses": ["No heat", "Gas furnace"], "notes": null,
            "sourceTracking": {{"isRWGSession": true, "campaignId": "501", "gclid": "Cj0-abc",
                                "utmSource": "google", "marketingSource": "Paid search"}},
            "mobileNotificationOptIn": true, "lastStep": "Confirmation",
            "paymentInfoCaptured": false, "recurringServiceId": null}}"#
    )
}

// ---- Schedulers --------------------------------------------------------------------------

#[tokio::test]
async fn list_schedulers_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 20, "hasMore": false, "totalCount": 1, "data": [{SCHEDULER}]}}"#
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/schedulers"))
                .query_param("page", "1")
                .query_param("pageSize", "20")
                .query_param("includeTotal", "true")
                .query_param("createdOnOrAfter", "2023-01-01T00:00:00Z")
                .query_param("modifiedBefore", "2024-04-01T00:00:00Z")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            json_reply(then, &body);
        })
        .await;

    let page = client(&api)
        .list_schedulers()
        .page(1)
        .page_size(20)
        .include_total(true)
        .created_on_or_after(at("2023-01-01T00:00:00Z"))
        .modified_before(at("2024-04-01T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let s = &page.data.unwrap()[0];
    assert_eq!(s.id.as_deref(), Some(SCHEDULER_ID));
    // The wire value `Call_Center` maps to its variant and back.
    assert_eq!(s.mode, Some(types::SchedulerMode::CallCenter));
    assert_eq!(s.mode.as_ref().unwrap().as_str(), "Call_Center");
    assert_eq!(s.is_default, Some(true));
    assert_eq!(s.created_on, Some(at("2023-02-01T12:00:00.1234567Z")));
}

#[tokio::test]
async fn list_scheduler_sessions_streams_across_pages() {
    let api = MockApi::start().await;
    let path = api.path(SERVER_PATH, &format!("/schedulers/{SCHEDULER_ID}/sessions"));
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(&path)
                .query_param("page", "1")
                .query_param("createdOnOrAfter", "2024-03-01T00:00:00Z");
            let body = format!(
                r#"{{"page": 1, "pageSize": 1, "hasMore": true, "totalCount": null, "data": [{}]}}"#,
                session("sess-1")
            );
            json_reply(then, &body);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(&path)
                .query_param("page", "2")
                .query_param("createdOnOrAfter", "2024-03-01T00:00:00Z");
            let body = format!(
                r#"{{"page": 2, "pageSize": 1, "hasMore": false, "totalCount": null, "data": [{}]}}"#,
                session("sess-2")
            );
            json_reply(then, &body);
        })
        .await;

    let sessions: Vec<types::Session> = client(&api)
        .list_scheduler_sessions()
        .id(SCHEDULER_ID)
        .created_on_or_after(at("2024-03-01T00:00:00Z"))
        .stream_items()
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(sessions.len(), 2);
    let s = &sessions[0];
    assert_eq!(s.id.as_deref(), Some("sess-1"));
    assert_eq!(s.job_id, Some(123456789012));
    assert_eq!(
        s.last_checkin_date,
        Some(at("2024-03-04T18:04:59.9999999Z"))
    );
    let customer = s.customer.as_ref().unwrap();
    assert_eq!(customer.id, Some(4242));
    assert_eq!(
        customer.address.as_ref().unwrap().zip.as_deref(),
        Some("02139")
    );
    let tracking = s.source_tracking.as_ref().unwrap();
    assert_eq!(tracking.is_rwg_session, Some(true));
    assert_eq!(tracking.gclid.as_deref(), Some("Cj0-abc"));
    assert_eq!(
        s.customer_responses,
        Some(vec!["No heat".to_string(), "Gas furnace".to_string()])
    );
}

#[tokio::test]
async fn get_scheduler_performance_sends_the_required_window() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, &format!("/schedulers/{SCHEDULER_ID}/performance")))
                .query_param("sessionCreatedOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("sessionCreatedBefore", "2024-04-01T00:00:00Z");
            json_reply(
                then,
                r#"{"id": "3f2b9c1e-8d4a-4e7b-9c0d-1a2b3c4d5e6f", "schedulerName": "Website scheduler",
                    "brandName": "Example HVAC", "schedulerCompletionRate": 0.4125,
                    "openedCompletionRate": 0.275, "totalCustomerContactsCaptured": 310,
                    "totalJobsCreated": 120, "totalBookingsCreated": 45,
                    "totalAbandonedSessionsSentToBookings": 12, "totalAbandonedSessionsSentToLeads": 30,
                    "totalBookingsRecoveredFromAbandonedSessions": 4,
                    "totalJobsRecoveredFromAbandonedSessions": 3, "totalMembershipInterest": 9,
                    "totalSessions": 640,
                    "milestoneFrequencyCount": {"opened": 640, "zipcode": 500, "interacted": 420,
                        "issue": 380, "schedule": 300, "customer": 250, "details": 200,
                        "booked": 165, "abandoned": 475}}"#,
            );
        })
        .await;

    let perf = client(&api)
        .get_scheduler_performance()
        .id(SCHEDULER_ID)
        .session_created_on_or_after(at("2024-03-01T00:00:00Z"))
        .session_created_before(at("2024-04-01T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(perf.scheduler_completion_rate, Some(0.4125));
    assert_eq!(perf.total_sessions, Some(640));
    assert_eq!(perf.total_jobs_created, Some(120));
    let milestones = perf.milestone_frequency_count.unwrap();
    assert_eq!(milestones.booked, Some(165));
    assert_eq!(milestones.abandoned, Some(475));
}

#[tokio::test]
async fn performance_without_the_required_window_is_refused_before_sending() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.any_request().path_includes("/performance");
            json_reply(then, "{}");
        })
        .await;

    let err = client(&api)
        .get_scheduler_performance()
        .id(SCHEDULER_ID)
        .session_created_on_or_after(at("2024-03-01T00:00:00Z"))
        .send()
        .await
        .unwrap_err();

    assert!(err.to_string().contains("session_created_before"), "{err}");
    mock.assert_calls_async(0).await;
}

// ---- Routers -----------------------------------------------------------------------------

#[tokio::test]
async fn list_router_sessions_sends_filters() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 1, "data": [{}]}}"#,
        session("sess-9")
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, &format!("/routers/{ROUTER_ID}/sessions")))
                .query_param("modifiedOnOrAfter", "2024-03-04T00:00:00Z")
                .query_param("createdBefore", "2024-03-05T00:00:00Z")
                .query_param("includeTotal", "true");
            json_reply(then, &body);
        })
        .await;

    let page = client(&api)
        .list_router_sessions()
        .id(ROUTER_ID)
        .modified_on_or_after(at("2024-03-04T00:00:00Z"))
        .created_before(at("2024-03-05T00:00:00Z"))
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(1));
    let s = &page.data.unwrap()[0];
    assert_eq!(s.id.as_deref(), Some("sess-9"));
    assert_eq!(s.session_outcome.as_deref(), Some("Booked"));
    assert_eq!(s.timeslot_start, Some(at("2024-03-06T13:00:00Z")));
}

#[tokio::test]
async fn get_router_performance_decodes_counts_per_scheduler() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, &format!("/routers/{ROUTER_ID}/performance")))
                .query_param("sessionCreatedOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("sessionCreatedBefore", "2024-03-08T00:00:00Z");
            json_reply(
                then,
                r#"{"id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "openedCount": 200,
                    "interactedCount": 150, "sessionCountBySchedulerId": [
                        {"schedulerId": "3f2b9c1e-8d4a-4e7b-9c0d-1a2b3c4d5e6f", "openedCount": 120},
                        {"schedulerId": null, "openedCount": 80}]}"#,
            );
        })
        .await;

    let perf = client(&api)
        .get_router_performance()
        .id(ROUTER_ID)
        .session_created_on_or_after(at("2024-03-01T00:00:00Z"))
        .session_created_before(at("2024-03-08T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(perf.opened_count, Some(200));
    assert_eq!(perf.interacted_count, Some(150));
    let counts = perf.session_count_by_scheduler_id.unwrap();
    assert_eq!(counts[0].scheduler_id.as_deref(), Some(SCHEDULER_ID));
    assert_eq!(counts[1].scheduler_id, None);
    assert_eq!(counts[1].opened_count, Some(80));
}

#[tokio::test]
async fn string_ids_are_percent_encoded_in_the_path() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/routers/legacy%20router%2F7/sessions"));
            json_reply(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": []}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_router_sessions()
        .id("legacy router/7")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.data.map(|d| d.len()), Some(0));
}

// ---- Decoding and errors -----------------------------------------------------------------

#[tokio::test]
async fn lenient_decoding_keeps_unknown_enums_and_tolerates_nulls_and_extras() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET).path(api.path(SERVER_PATH, "/schedulers"));
            // `mode` is a value the spec does not list, `theme` is not in the spec, and the
            // required `name` and `dataApiKey` are null.
            json_reply(
                then,
                r##"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": [
                    {"id": "s-2", "name": null, "companyName": "Example HVAC",
                     "createdOn": "2023-02-01T12:00:00.1234567", "modifiedOn": "2023-02-01T12:00:00Z",
                     "schedulerStatus": "Draft", "dataApiKey": null, "isDefault": false,
                     "mode": "Kiosk", "quickLaunchLink": "", "theme": {"primary": "#003366"}}]}"##,
            );
        })
        .await;

    let page = client(&api)
        .list_schedulers()
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let s = &page.data.unwrap()[0];
    assert_eq!(s.mode, Some(types::SchedulerMode::Unknown("Kiosk".into())));
    assert_eq!(s.name, None);
    assert_eq!(s.data_api_key, None);
    assert_eq!(s.created_on, Some(at("2023-02-01T12:00:00.1234567Z")));
}

#[tokio::test]
async fn an_unknown_router_is_a_404_api_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/routers/nope/performance"));
            then.status(404)
                .header("content-type", "application/json")
                .body(r#"{"title": "Router not found.", "status": 404, "traceId": "00-sp-04"}"#);
        })
        .await;

    let result = client(&api)
        .get_router_performance()
        .id("nope")
        .session_created_on_or_after(at("2024-03-01T00:00:00Z"))
        .session_created_before(at("2024-03-08T00:00:00Z"))
        .send()
        .await;

    mock.assert_async().await;
    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.trace_id(), Some("00-sp-04"));
}
