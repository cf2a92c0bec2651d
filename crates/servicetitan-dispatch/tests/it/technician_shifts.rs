//! Technician shifts: list, get, create, update, delete and bulk delete.

use crate::common::{at, authorized, client, json, path};
use httpmock::prelude::*;
use servicetitan_core::testing::MockApi;
use servicetitan_dispatch::types;

const SHIFT: &str = r#"{
    "id": 3301, "shiftType": "OnCall", "title": "Weekend on-call", "note": "Carry the pager",
    "active": true, "technicianId": 5201,
    "start": "2024-03-09T16:00:00.0000000Z", "end": "2024-03-10T04:00:00.0000000Z",
    "timesheetCodeId": null,
    "createdOn": "2024-03-01T10:00:00.1234567Z", "modifiedOn": "2024-03-01T10:00:00.1234567Z"
}"#;

#[tokio::test]
async fn list_technician_shifts_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/technician-shifts"))
                    .query_param("startsOnOrAfter", "2024-03-09T00:00:00Z")
                    .query_param("endsOnOrBefore", "2024-03-11T00:00:00Z")
                    .query_param("shiftType", "OnCall")
                    .query_param("technicianId", "5201")
                    .query_param("titleContains", "on-call")
                    .query_param("noteContains", "pager")
                    .query_param("active", "True"),
            );
            json(
                then,
                &format!(r#"{{"page": 1, "pageSize": 50, "hasMore": false, "data": [{SHIFT}]}}"#),
            );
        })
        .await;

    let page = client(&api)
        .list_technician_shifts()
        .starts_on_or_after(at("2024-03-09T00:00:00Z"))
        .ends_on_or_before(at("2024-03-11T00:00:00Z"))
        .shift_type(types::ShiftType::OnCall)
        .technician_id(5201_i64)
        .title_contains("on-call")
        .note_contains("pager")
        .active("True")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let shift = &page.data.unwrap()[0];
    assert_eq!(shift.id, 3301);
    assert_eq!(shift.shift_type, Some(types::ShiftType::OnCall));
    assert_eq!(shift.technician_id, Some(5201));
    assert_eq!(shift.start.unwrap(), at("2024-03-09T16:00:00Z"));
    assert_eq!(shift.end.unwrap(), at("2024-03-10T04:00:00Z"));
    assert_eq!(shift.timesheet_code_id, None);
}

#[tokio::test]
async fn get_technician_shift_decodes_the_shift() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/technician-shifts/3301")));
            json(then, SHIFT);
        })
        .await;

    let shift = client(&api)
        .get_technician_shift()
        .id(3301)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(shift.title.as_deref(), Some("Weekend on-call"));
    assert_eq!(shift.note.as_deref(), Some("Carry the pager"));
    assert_eq!(
        shift.created_on.unwrap(),
        at("2024-03-01T10:00:00.1234567Z")
    );
}

#[tokio::test]
async fn create_technician_shift_posts_a_repeating_shift() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/technician-shifts"))
                    .json_body(serde_json::json!({
                        "technicianIds": [5201, 5202],
                        "shiftType": "Normal",
                        "title": "Day shift",
                        "start": "2024-03-04T15:00:00Z",
                        "end": "2024-03-05T00:00:00Z",
                        "repeatType": "Weekly",
                        "repeatEndDate": "2024-06-30T00:00:00Z",
                        "repeatInterval": 1,
                        "shiftDays": "Monday, Wednesday, Friday"
                    })),
            );
            json(
                then,
                &format!(r#"{{"created": true, "technicianShifts": [{SHIFT}]}}"#),
            );
        })
        .await;

    let body = types::TechnicianShiftCreateRequest {
        technician_ids: vec![5201, 5202],
        shift_type: types::ShiftType::Normal,
        title: "Day shift".into(),
        start: at("2024-03-04T15:00:00Z"),
        end: at("2024-03-05T00:00:00Z"),
        repeat_type: types::ShiftRepeatType::Weekly,
        repeat_end_date: Some(at("2024-06-30T00:00:00Z")),
        repeat_interval: Some(1),
        shift_days: Some("Monday, Wednesday, Friday".into()),
        note: None,
        timesheet_code_id: None,
    };
    let created = client(&api)
        .create_technician_shift()
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(created.created, Some(true));
    assert_eq!(created.technician_shifts.unwrap()[0].id, 3301);
}

#[tokio::test]
async fn update_technician_shift_patches_the_given_fields() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(PATCH)
                    .path(path(&api, "/technician-shifts/3301"))
                    .json_body(serde_json::json!({
                        "shiftType": "TimeOff",
                        "end": "2024-03-10T02:00:00Z",
                        "timesheetCodeId": 42
                    })),
            );
            json(
                then,
                r#"{"technicianShifts": [
                    {"id": 3301, "shiftType": "TimeOff", "title": "Weekend on-call", "active": true,
                     "technicianId": 5201, "start": "2024-03-09T16:00:00.0000000Z",
                     "end": "2024-03-10T02:00:00.0000000Z", "timesheetCodeId": 42,
                     "createdOn": "2024-03-01T10:00:00.1234567Z", "modifiedOn": "2024-03-02T08:00:00.5000000Z"}
                ]}"#,
            );
        })
        .await;

    let updated = client(&api)
        .update_technician_shift()
        .id(3301)
        .body(types::TechnicianShiftUpdateRequest {
            shift_type: servicetitan_core::types::Patch::Set(types::ShiftType::TimeOff),
            end: servicetitan_core::types::Patch::Set(at("2024-03-10T02:00:00Z")),
            timesheet_code_id: servicetitan_core::types::Patch::Set(42),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let shift = &updated.technician_shifts.unwrap()[0];
    assert_eq!(shift.shift_type, Some(types::ShiftType::TimeOff));
    assert_eq!(shift.timesheet_code_id, Some(42));
    assert_eq!(shift.modified_on.unwrap(), at("2024-03-02T08:00:00.5Z"));
}

#[tokio::test]
async fn delete_technician_shift_decodes_the_result() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(DELETE)
                    .path(path(&api, "/technician-shifts/3301")),
            );
            json(then, r#"{"message": "Shift deleted.", "id": 3301}"#);
        })
        .await;

    let result = client(&api)
        .delete_technician_shift()
        .id(3301)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(result.id, Some(3301));
    assert_eq!(result.message.as_deref(), Some("Shift deleted."));
}

#[tokio::test]
async fn bulk_delete_technician_shifts_posts_the_period() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/technician-shifts/bulk-delete"))
                    .json_body(serde_json::json!({
                        "start": "2024-03-01T00:00:00Z",
                        "end": "2024-03-31T00:00:00Z"
                    })),
            );
            json(
                then,
                r#"{"message": "3 shifts deleted.", "deletedIds": [3301, 3302, 3303]}"#,
            );
        })
        .await;

    let result = client(&api)
        .bulk_delete_technician_shifts()
        .body(types::TechnicianShiftBulkDeleteRequest {
            start: at("2024-03-01T00:00:00Z"),
            end: at("2024-03-31T00:00:00Z"),
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(result.deleted_ids, Some(vec![3301, 3302, 3303]));
    assert_eq!(result.message.as_deref(), Some("3 shifts deleted."));
}
