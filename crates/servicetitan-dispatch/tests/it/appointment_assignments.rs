//! Appointment assignments: list, assign, unassign and the export feed.

use crate::common::{at, authorized, client, json, path};
use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::ExportRequestExt;
use servicetitan_core::testing::MockApi;
use servicetitan_dispatch::types;

const ASSIGNMENT: &str = r#"{
    "id": 77001, "technicianId": 5201, "technicianName": "Marco Bianchi", "assignedById": 4101,
    "assignedOn": "2024-03-01T10:00:00.1234567Z", "status": "Dispatched", "isPaused": false,
    "jobId": 650123, "appointmentId": 650124, "modifiedOn": "2024-03-01T10:05:00.7654321Z",
    "active": true
}"#;

const APPOINTMENT: &str = r#"{
    "id": 650124, "jobId": 650123, "appointmentNumber": "650123-1",
    "start": "2024-03-04T16:00:00.0000000Z", "end": "2024-03-04T18:00:00.0000000Z",
    "arrivalWindowStart": "2024-03-04T16:00:00.0000000Z", "arrivalWindowEnd": "2024-03-04T20:00:00.0000000Z",
    "status": "Scheduled", "specialInstructions": "Gate code 4412",
    "createdOn": "2024-02-28T21:14:03.1234567Z", "modifiedOn": "2024-03-01T10:05:00.7654321Z"
}"#;

#[tokio::test]
async fn list_appointment_assignments_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/appointment-assignments"))
                    .query_param("appointmentIds", "650124,650130")
                    .query_param("jobId", "650123")
                    .query_param("active", "True")
                    .query_param("sort", "+assignedOn")
                    .query_param("modifiedOnOrAfter", "2024-03-01T00:00:00Z")
                    .query_param("pageSize", "100"),
            );
            json(
                then,
                &format!(
                    r#"{{"page": 1, "pageSize": 100, "hasMore": false, "totalCount": null, "data": [{ASSIGNMENT}]}}"#
                ),
            );
        })
        .await;

    let page = client(&api)
        .list_appointment_assignments()
        .appointment_ids("650124,650130")
        .job_id(650123_i64)
        .active(types::ActiveFilter::True)
        .sort("+assignedOn")
        .modified_on_or_after(at("2024-03-01T00:00:00Z"))
        .page_size(100)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let assignment = &page.data.unwrap()[0];
    assert_eq!(assignment.id, 77001);
    assert_eq!(assignment.technician_id, Some(5201));
    assert_eq!(assignment.assigned_by_id, Some(4101));
    assert_eq!(
        assignment.status,
        Some(types::AppointmentAssignmentStatus::Dispatched)
    );
    assert_eq!(assignment.is_paused, Some(false));
    assert_eq!(assignment.job_id, Some(650123));
    assert_eq!(assignment.appointment_id, Some(650124));
    assert_eq!(
        assignment.assigned_on.unwrap(),
        at("2024-03-01T10:00:00.1234567Z")
    );
}

#[tokio::test]
async fn assign_technicians_posts_the_appointment_and_technicians() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/appointment-assignments/assign-technicians"))
                    .json_body(serde_json::json!({
                        "jobAppointmentId": 650124,
                        "technicianIds": [5201, 5202]
                    })),
            );
            json(then, APPOINTMENT);
        })
        .await;

    let appointment = client(&api)
        .assign_technicians()
        .body(types::AssignTechniciansRequest {
            job_appointment_id: 650124,
            technician_ids: vec![5201, 5202],
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(appointment.id, 650124);
    assert_eq!(appointment.job_id, Some(650123));
    assert_eq!(
        appointment.status,
        Some(types::AppointmentStatus::Scheduled)
    );
    assert_eq!(appointment.appointment_number.as_deref(), Some("650123-1"));
    assert_eq!(
        appointment.arrival_window_end.unwrap(),
        at("2024-03-04T20:00:00Z")
    );
    assert_eq!(
        appointment.special_instructions.as_deref(),
        Some("Gate code 4412")
    );
}

#[tokio::test]
async fn assign_technicians_conflict_is_an_api_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/appointment-assignments/assign-technicians")),
            );
            then.status(409)
                .header("content-type", "application/problem+json")
                .body(
                    r#"{"title": "Technician is already assigned.", "status": 409,
                          "traceId": "00-feedbeef-01"}"#,
                );
        })
        .await;

    let result = client(&api)
        .assign_technicians()
        .body_map(|b| b.job_appointment_id(650124).technician_ids(vec![5201]))
        .send()
        .await;

    mock.assert_async().await;
    let err: servicetitan_core::Error = result.unwrap_err().into();
    let servicetitan_core::Error::Api(api_err) = err else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(api_err.status.as_u16(), 409);
    assert_eq!(api_err.trace_id(), Some("00-feedbeef-01"));
}

#[tokio::test]
async fn unassign_technicians_posts_the_technicians_to_remove() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/appointment-assignments/unassign-technicians"))
                    .json_body(serde_json::json!({
                        "jobAppointmentId": 650124,
                        "technicianIds": [5202]
                    })),
            );
            json(then, APPOINTMENT);
        })
        .await;

    let appointment = client(&api)
        .unassign_technicians()
        .body(types::UnassignTechniciansRequest {
            job_appointment_id: 650124,
            technician_ids: vec![5202],
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(appointment.id, 650124);
    assert_eq!(appointment.start.unwrap(), at("2024-03-04T16:00:00Z"));
}

#[tokio::test]
async fn export_appointment_assignments_streams_two_batches() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/export/appointment-assignments"))
                    .query_param("active", "Any")
                    .query_param_missing("from"),
            );
            json(
                then,
                &format!(r#"{{"hasMore": true, "continueFrom": "aa-1", "data": [{ASSIGNMENT}]}}"#),
            );
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/export/appointment-assignments"))
                    .query_param("active", "Any")
                    .query_param("from", "aa-1"),
            );
            json(
                then,
                r#"{"hasMore": false, "continueFrom": "aa-2", "data": [
                    {"id": 77002, "technicianId": 5202, "technicianName": "Ana Souza", "assignedById": 4101,
                     "assignedOn": "2024-03-02T08:00:00.0000000Z", "status": "Done", "isPaused": false,
                     "jobId": 650200, "appointmentId": 650201, "modifiedOn": "2024-03-02T12:00:00.0000000Z",
                     "active": false}
                ]}"#,
            );
        })
        .await;

    let client = client(&api);
    let batches: Vec<_> = client
        .export_appointment_assignments()
        .active("Any")
        .stream_export(None)
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(batches.len(), 2);
    assert!(batches[0].has_more);
    assert_eq!(batches[0].continue_from.as_deref(), Some("aa-1"));
    assert_eq!(batches[0].items[0].id, 77001);
    let done = &batches[1].items[0];
    assert_eq!(done.id, 77002);
    assert_eq!(done.status, Some(types::AppointmentAssignmentStatus::Done));
    assert_eq!(done.active, Some(false));
    assert_eq!(batches[1].continue_from.as_deref(), Some("aa-2"));
}

#[tokio::test]
async fn assignment_decoding_is_lenient() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/appointment-assignments")));
            // An unknown status, a field the document does not list, nulls in required fields.
            json(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [
                    {"id": 77003, "technicianId": 5203, "technicianName": null, "assignedById": null,
                     "assignedOn": "2024-03-03T09:00:00.1234567", "status": "EnRoute", "isPaused": null,
                     "jobId": 650300, "appointmentId": 650301, "modifiedOn": null, "active": true,
                     "dispatchedOn": "2024-03-03T09:30:00Z"}
                ]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_appointment_assignments()
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let assignment = &page.data.unwrap()[0];
    assert_eq!(assignment.id, 77003);
    assert_eq!(
        assignment.status,
        Some(types::AppointmentAssignmentStatus::Unknown(
            "EnRoute".into()
        ))
    );
    assert!(!assignment.status.as_ref().unwrap().is_known());
    assert_eq!(assignment.technician_name, None);
    assert_eq!(assignment.assigned_by_id, None);
    assert_eq!(assignment.is_paused, None);
    assert_eq!(assignment.modified_on, None);
    assert_eq!(
        assignment.assigned_on.unwrap(),
        at("2024-03-03T09:00:00.1234567Z")
    );
}
