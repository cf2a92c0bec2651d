//! Appointments: list, get, create, reschedule, holds, special instructions, confirmation
//! and delete.

use crate::common::{at, authorized, client, json, path};
use httpmock::prelude::*;
use servicetitan_core::testing::MockApi;
use servicetitan_jpm::types;

const APPOINTMENT: &str = r#"{
    "id": 650124, "jobId": 650123, "appointmentNumber": "650123-1",
    "start": "2024-03-04T16:00:00.0000000Z", "end": "2024-03-04T18:00:00.0000000Z",
    "arrivalWindowStart": "2024-03-04T16:00:00.0000000Z", "arrivalWindowEnd": "2024-03-04T20:00:00.0000000Z",
    "status": "Scheduled", "specialInstructions": "Gate code 4412\nDog in yard",
    "createdOn": "2024-02-28T21:14:03.1234567Z", "modifiedOn": "2024-03-01T10:00:00.1234567Z",
    "customerId": 88001, "unused": false, "createdById": 4101, "isConfirmed": true
}"#;

#[tokio::test]
async fn list_appointments_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/appointments"))
                    .query_param("jobId", "650123")
                    .query_param("status", "Scheduled")
                    .query_param("startsOnOrAfter", "2024-03-04T00:00:00Z")
                    .query_param("startsBefore", "2024-03-05T00:00:00Z")
                    .query_param("technicianId", "5201")
                    .query_param("customerId", "88001")
                    .query_param("unused", "false")
                    .query_param("sort", "+start")
                    .query_param("pageSize", "20"),
            );
            json(
                then,
                &format!(
                    r#"{{"page": 1, "pageSize": 20, "hasMore": false, "totalCount": null, "data": [{APPOINTMENT}]}}"#
                ),
            );
        })
        .await;

    let page = client(&api)
        .list_appointments()
        .job_id(650123_i64)
        .status(types::AppointmentStatus::Scheduled)
        .starts_on_or_after(at("2024-03-04T00:00:00Z"))
        .starts_before(at("2024-03-05T00:00:00Z"))
        .technician_id(5201_i64)
        .customer_id(88001_i64)
        .unused(false)
        .sort("+start")
        .page_size(20)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let appointment = &page.data.unwrap()[0];
    assert_eq!(appointment.id, 650124);
    assert_eq!(appointment.job_id, Some(650123));
    assert_eq!(
        appointment.status,
        Some(types::AppointmentStatus::Scheduled)
    );
    assert_eq!(appointment.customer_id, Some(88001));
    assert_eq!(appointment.is_confirmed, Some(true));
    assert_eq!(
        appointment.special_instructions.as_deref(),
        Some("Gate code 4412\nDog in yard")
    );
    assert_eq!(
        appointment.modified_on.unwrap(),
        at("2024-03-01T10:00:00.1234567Z")
    );
}

#[tokio::test]
async fn get_appointment_decodes_the_appointment() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/appointments/650124")));
            json(then, APPOINTMENT);
        })
        .await;

    let appointment = client(&api)
        .get_appointment()
        .id(650124)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(appointment.appointment_number.as_deref(), Some("650123-1"));
    assert_eq!(appointment.start.unwrap(), at("2024-03-04T16:00:00Z"));
    assert_eq!(appointment.end.unwrap(), at("2024-03-04T18:00:00Z"));
    assert_eq!(
        appointment.arrival_window_end.unwrap(),
        at("2024-03-04T20:00:00Z")
    );
    assert_eq!(appointment.created_by_id, Some(4101));
}

#[tokio::test]
async fn create_appointment_posts_the_slot_and_technicians() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/appointments"))
                    .json_body(serde_json::json!({
                        "jobId": 650123,
                        "start": "2024-03-05T16:00:00Z",
                        "end": "2024-03-05T18:00:00Z",
                        "arrivalWindowStart": "2024-03-05T16:00:00Z",
                        "arrivalWindowEnd": "2024-03-05T20:00:00Z",
                        "technicianIds": [5201],
                        "specialInstructions": "Second visit: bring the condenser fan"
                    })),
            );
            json(
                then,
                r#"{"id": 650125, "jobId": 650123, "appointmentNumber": "650123-2",
                    "start": "2024-03-05T16:00:00.0000000Z", "end": "2024-03-05T18:00:00.0000000Z",
                    "arrivalWindowStart": "2024-03-05T16:00:00.0000000Z", "arrivalWindowEnd": "2024-03-05T20:00:00.0000000Z",
                    "status": "Scheduled", "specialInstructions": "Second visit: bring the condenser fan",
                    "createdOn": "2024-03-01T10:00:00.1234567Z", "modifiedOn": "2024-03-01T10:00:00.1234567Z",
                    "customerId": 88001, "unused": true, "createdById": 4101, "isConfirmed": false}"#,
            );
        })
        .await;

    let created = client(&api)
        .create_appointment()
        .body(types::AppointmentCreateRequest {
            job_id: 650123,
            start: at("2024-03-05T16:00:00Z"),
            end: at("2024-03-05T18:00:00Z"),
            arrival_window_start: Some(at("2024-03-05T16:00:00Z")),
            arrival_window_end: Some(at("2024-03-05T20:00:00Z")),
            technician_ids: Some(vec![5201]),
            special_instructions: Some("Second visit: bring the condenser fan".into()),
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(created.id, 650125);
    assert_eq!(created.unused, Some(true));
    assert_eq!(created.is_confirmed, Some(false));
}

#[tokio::test]
async fn reschedule_appointment_patches_the_times() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(PATCH)
                    .path(path(&api, "/appointments/650124/reschedule"))
                    .json_body(serde_json::json!({
                        "start": "2024-03-06T17:00:00Z",
                        "end": "2024-03-06T19:00:00Z"
                    })),
            );
            json(
                then,
                r#"{"id": 650124, "jobId": 650123, "start": "2024-03-06T17:00:00.0000000Z",
                    "end": "2024-03-06T19:00:00.0000000Z", "arrivalWindowStart": null, "arrivalWindowEnd": null,
                    "status": "Scheduled", "createdOn": "2024-02-28T21:14:03.1234567Z",
                    "modifiedOn": "2024-03-01T11:00:00.0000001Z", "customerId": 88001, "unused": false,
                    "createdById": 4101, "isConfirmed": false}"#,
            );
        })
        .await;

    let moved = client(&api)
        .reschedule_appointment()
        .id(650124)
        .body(types::AppointmentRescheduleRequest {
            start: servicetitan_core::types::Patch::Set(at("2024-03-06T17:00:00Z")),
            end: servicetitan_core::types::Patch::Set(at("2024-03-06T19:00:00Z")),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(moved.start.unwrap(), at("2024-03-06T17:00:00Z"));
    assert_eq!(moved.arrival_window_start, None);
    assert_eq!(moved.is_confirmed, Some(false));
}

#[tokio::test]
async fn hold_and_release_an_appointment() {
    let api = MockApi::start().await;
    let hold = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(PUT)
                    .path(path(&api, "/appointments/650124/hold"))
                    .json_body(serde_json::json!({"reasonId": 31, "memo": "Waiting on parts"})),
            );
            then.status(200);
        })
        .await;
    let release = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(DELETE)
                    .path(path(&api, "/appointments/650124/hold")),
            );
            then.status(200);
        })
        .await;

    let client = client(&api);
    let held = client
        .hold_appointment()
        .id(650124)
        .body(types::AppointmentHoldRequest {
            reason_id: 31,
            memo: "Waiting on parts".into(),
        })
        .send()
        .await
        .unwrap();
    let released = client
        .remove_appointment_hold()
        .id(650124)
        .send()
        .await
        .unwrap();

    hold.assert_async().await;
    release.assert_async().await;
    assert_eq!(held.status().as_u16(), 200);
    assert_eq!(released.status().as_u16(), 200);
}

#[tokio::test]
async fn update_appointment_special_instructions_puts_the_text() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(PUT)
                    .path(path(&api, "/appointments/650124/special-instructions"))
                    .json_body(serde_json::json!({"specialInstructions": "Call on arrival"})),
            );
            json(
                then,
                r#"{"id": 650124, "jobId": 650123, "start": "2024-03-04T16:00:00.0000000Z",
                    "end": "2024-03-04T18:00:00.0000000Z", "status": "Dispatched",
                    "specialInstructions": "Call on arrival", "createdOn": "2024-02-28T21:14:03.1234567Z",
                    "modifiedOn": "2024-03-01T12:00:00.0000000Z", "customerId": 88001, "unused": false,
                    "createdById": 4101, "isConfirmed": true}"#,
            );
        })
        .await;

    let updated = client(&api)
        .update_appointment_special_instructions()
        .id(650124)
        .body(types::AppointmentSpecialInstructionsUpdateRequest {
            special_instructions: "Call on arrival".into(),
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        updated.special_instructions.as_deref(),
        Some("Call on arrival")
    );
    assert_eq!(updated.status, Some(types::AppointmentStatus::Dispatched));
}

#[tokio::test]
async fn confirm_and_unconfirm_an_appointment() {
    let api = MockApi::start().await;
    let confirm = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(PUT)
                    .path(path(&api, "/appointments/650124/confirmation")),
            );
            then.status(200);
        })
        .await;
    let unconfirm = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(DELETE)
                    .path(path(&api, "/appointments/650124/confirmation")),
            );
            then.status(200);
        })
        .await;

    let client = client(&api);
    let confirmed = client
        .confirm_appointment()
        .id(650124)
        .send()
        .await
        .unwrap();
    let unconfirmed = client
        .remove_appointment_confirmation()
        .id(650124)
        .send()
        .await
        .unwrap();

    confirm.assert_async().await;
    unconfirm.assert_async().await;
    assert_eq!(confirmed.status().as_u16(), 200);
    assert_eq!(unconfirmed.status().as_u16(), 200);
}

#[tokio::test]
async fn delete_appointment_conflict_is_an_api_error() {
    let api = MockApi::start().await;
    let ok = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(DELETE).path(path(&api, "/appointments/650125")));
            then.status(200);
        })
        .await;
    let conflict = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(DELETE).path(path(&api, "/appointments/650124")));
            then.status(409)
                .header("content-type", "application/json")
                .body(r#"{"title": "The only appointment of a job cannot be deleted.", "status": 409}"#);
        })
        .await;

    let client = client(&api);
    let deleted = client.delete_appointment().id(650125).send().await.unwrap();
    let refused = client.delete_appointment().id(650124).send().await;

    ok.assert_async().await;
    conflict.assert_async().await;
    assert_eq!(deleted.status().as_u16(), 200);
    let err: servicetitan_core::Error = refused.unwrap_err().into();
    let servicetitan_core::Error::Api(api_err) = err else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(api_err.status.as_u16(), 409);
    assert_eq!(
        api_err.problem.as_ref().unwrap().title.as_deref(),
        Some("The only appointment of a job cannot be deleted.")
    );
}

#[tokio::test]
async fn appointment_decoding_is_lenient() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/appointments/650300")));
            // An unknown status, a field the document does not list, nulls in required fields.
            json(
                then,
                r#"{"id": 650300, "jobId": null, "start": "2024-03-07T16:00:00.1234567",
                    "end": null, "status": "OnTheWay", "createdOn": null,
                    "modifiedOn": "2024-03-07T15:00:00.0000000Z", "customerId": 88001,
                    "unused": null, "createdById": 4101, "isConfirmed": false,
                    "dispatchZone": {"id": 14, "name": "Glendale"}}"#,
            );
        })
        .await;

    let appointment = client(&api)
        .get_appointment()
        .id(650300)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(appointment.id, 650300);
    assert_eq!(
        appointment.status,
        Some(types::AppointmentStatus::Unknown("OnTheWay".into()))
    );
    assert_eq!(appointment.job_id, None);
    assert_eq!(appointment.end, None);
    assert_eq!(appointment.unused, None);
    assert_eq!(
        appointment.start.unwrap(),
        at("2024-03-07T16:00:00.1234567Z")
    );
}
