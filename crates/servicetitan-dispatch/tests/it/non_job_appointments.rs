//! Non-job appointments: list (paged), get, create, update and delete.

use crate::common::{at, authorized, client, json, path};
use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::ListRequestExt;
use servicetitan_core::testing::MockApi;
use servicetitan_dispatch::types;

const DETAIL: &str = r#"{
    "id": 9301, "technicianId": 5201, "start": "2024-03-05T17:00:00.0000000Z", "name": "Safety training",
    "duration": "02:00:00", "timesheetCodeId": 41, "summary": "Quarterly ladder safety",
    "clearDispatchBoard": true, "clearTechnicianView": false, "removeTechnicianFromCapacityPlanning": true,
    "allDay": false, "showOnTechnicianSchedule": true, "active": true,
    "createdOn": "2024-03-01T10:00:00.1234567Z", "createdById": 4101
}"#;

#[tokio::test]
async fn list_non_job_appointments_streams_items_with_filters() {
    let api = MockApi::start().await;
    let page1 = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/non-job-appointments"))
                    .query_param("technicianId", "5201")
                    .query_param("startsOnOrAfter", "2024-03-01T00:00:00Z")
                    .query_param("startsOnOrBefore", "2024-03-31T00:00:00Z")
                    .query_param("timesheetCodeId", "41")
                    .query_param("activeOnly", "true")
                    .query_param("showOnTechnicianSchedule", "true")
                    .query_param("page", "1"),
            );
            json(
                then,
                r#"{"page": 1, "pageSize": 1, "hasMore": true, "data": [
                    {"id": 9301, "technicianId": 5201, "start": "2024-03-05T17:00:00.0000000Z", "name": "Safety training",
                     "duration": "02:00:00", "timesheetCodeId": 41, "summary": "Quarterly ladder safety",
                     "clearDispatchBoard": true, "clearTechnicianView": false, "removeTechnicianFromCapacityPlanning": true,
                     "allDay": false, "showOnTechnicianSchedule": true, "active": true,
                     "createdOn": "2024-03-01T10:00:00.1234567Z", "modifiedOn": "2024-03-02T11:00:00.7654321Z",
                     "createdById": 4101}
                ]}"#,
            );
        })
        .await;
    let page2 = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/non-job-appointments"))
                    .query_param("technicianId", "5201")
                    .query_param("page", "2"),
            );
            json(
                then,
                r#"{"page": 2, "pageSize": 1, "hasMore": false, "data": [
                    {"id": 9302, "technicianId": 5201, "start": "2024-03-12T00:00:00.0000000Z", "name": "Vacation",
                     "duration": "1.00:00:00", "timesheetCodeId": 42, "summary": "",
                     "clearDispatchBoard": true, "clearTechnicianView": true, "removeTechnicianFromCapacityPlanning": true,
                     "allDay": true, "showOnTechnicianSchedule": true, "active": true,
                     "createdOn": "2024-02-20T09:00:00.0000000Z", "modifiedOn": "2024-02-20T09:00:00.0000000Z",
                     "createdById": 4101}
                ]}"#,
            );
        })
        .await;

    let client = client(&api);
    let appointments: Vec<types::NonJobAppointment> = client
        .list_non_job_appointments()
        .technician_id(5201_i64)
        .starts_on_or_after(at("2024-03-01T00:00:00Z"))
        .starts_on_or_before(at("2024-03-31T00:00:00Z"))
        .timesheet_code_id(41_i64)
        .active_only(true)
        .show_on_technician_schedule(true)
        .stream_items()
        .try_collect()
        .await
        .unwrap();

    page1.assert_async().await;
    page2.assert_async().await;
    assert_eq!(appointments.len(), 2);
    assert_eq!(appointments[0].id, 9301);
    assert_eq!(
        appointments[0].modified_on.unwrap(),
        at("2024-03-02T11:00:00.7654321Z")
    );
    assert_eq!(appointments[1].id, 9302);
    assert_eq!(appointments[1].all_day, Some(true));
    assert_eq!(appointments[1].duration.as_deref(), Some("1.00:00:00"));
}

#[tokio::test]
async fn get_non_job_appointment_decodes_the_detail() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/non-job-appointments/9301")),
            );
            json(then, DETAIL);
        })
        .await;

    let detail = client(&api)
        .get_non_job_appointment()
        .id(9301)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(detail.id, 9301);
    assert_eq!(detail.technician_id, Some(5201));
    assert_eq!(detail.start.unwrap(), at("2024-03-05T17:00:00Z"));
    assert_eq!(detail.duration.as_deref(), Some("02:00:00"));
    assert_eq!(detail.timesheet_code_id, Some(41));
    assert_eq!(detail.remove_technician_from_capacity_planning, Some(true));
    assert_eq!(detail.created_by_id, Some(4101));
}

#[tokio::test]
async fn create_non_job_appointment_posts_a_repeating_block() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/non-job-appointments"))
                    .json_body(serde_json::json!({
                        "technicianId": 5201,
                        "start": "2024-03-05T17:00:00Z",
                        "duration": "01:30:00",
                        "name": "Team huddle",
                        "timesheetCodeId": 41,
                        "repeat": true,
                        "interval": 1,
                        "frequency": "Weekly",
                        "endType": "On",
                        "endOn": "2024-06-25T00:00:00Z",
                        "daysOfWeek": "Tuesday"
                    })),
            );
            json(
                then,
                r#"{"id": 9310, "technicianId": 5201, "start": "2024-03-05T17:00:00.0000000Z", "name": "Team huddle",
                    "duration": "01:30:00", "timesheetCodeId": 41, "summary": "",
                    "clearDispatchBoard": false, "clearTechnicianView": false,
                    "removeTechnicianFromCapacityPlanning": false, "allDay": false,
                    "showOnTechnicianSchedule": true, "active": true,
                    "createdOn": "2024-03-01T10:00:00.1234567Z", "createdById": 4101,
                    "repeat": true, "countOccurrences": null, "interval": 1, "frequency": 1,
                    "endType": 2, "endOn": "2024-06-25T00:00:00.0000000Z", "daysOfWeek": "Tuesday"}"#,
            );
        })
        .await;

    let created = client(&api)
        .create_non_job_appointment()
        .body(
            types::NonJobAppointmentCreateRequest::builder()
                .technician_id(5201)
                .start(at("2024-03-05T17:00:00Z"))
                .duration("01:30:00".to_string())
                .name("Team huddle".to_string())
                .timesheet_code_id(41_i64)
                .repeat(true)
                .interval(1_i32)
                .frequency(types::RepeatFrequency::Weekly)
                .end_type(types::RepeatEndType::On)
                .end_on(at("2024-06-25T00:00:00Z"))
                .days_of_week("Tuesday".to_string()),
        )
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(created.id, 9310);
    // The create result reports the repeat settings as numbers.
    assert_eq!(created.frequency.map(|f| *f), Some(1));
    assert_eq!(created.end_type.map(|e| *e), Some(2));
    assert_eq!(created.end_on.unwrap(), at("2024-06-25T00:00:00Z"));
    assert_eq!(created.count_occurrences, None);
    assert_eq!(created.days_of_week.as_deref(), Some("Tuesday"));
}

#[tokio::test]
async fn update_non_job_appointment_puts_the_new_values() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(PUT)
                    .path(path(&api, "/non-job-appointments/9301"))
                    .json_body_includes(
                        r#"{"technicianId": 5201, "start": "2024-03-05T18:00:00Z",
                            "duration": "02:30:00", "name": "Safety training", "allDay": false}"#,
                    ),
            );
            json(then, DETAIL);
        })
        .await;

    let updated = client(&api)
        .update_non_job_appointment()
        .id(9301)
        .body(
            types::NonJobAppointmentUpdateRequest::builder()
                .technician_id(5201)
                .start(at("2024-03-05T18:00:00Z"))
                .duration("02:30:00".to_string())
                .name("Safety training".to_string())
                .all_day(false),
        )
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(updated.id, 9301);
    assert_eq!(updated.name.as_deref(), Some("Safety training"));
}

#[tokio::test]
async fn delete_non_job_appointment_decodes_the_result() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(DELETE)
                    .path(path(&api, "/non-job-appointments/9301")),
            );
            json(
                then,
                r#"{"message": "Non-job appointment deleted.", "id": 9301}"#,
            );
        })
        .await;

    let result = client(&api)
        .delete_non_job_appointment()
        .id(9301)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(result.id, Some(9301));
    assert_eq!(
        result.message.as_deref(),
        Some("Non-job appointment deleted.")
    );
}
