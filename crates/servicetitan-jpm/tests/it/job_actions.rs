//! What happens to a job after booking: cancel, hold, complete, notes, messages, history, logs
//! and the job custom field types.

use crate::common::{at, authorized, client, json, path};
use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::ListRequestExt;
use servicetitan_core::testing::MockApi;
use servicetitan_jpm::types;

#[tokio::test]
async fn cancel_and_reinstate_a_job() {
    let api = MockApi::start().await;
    let cancel = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(PUT)
                    .path(path(&api, "/jobs/650123/cancel"))
                    .json_body(serde_json::json!({"reasonId": 17, "memo": "Customer fixed it"})),
            );
            then.status(200);
        })
        .await;
    let reinstate = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(PUT)
                    .path(path(&api, "/jobs/650123/remove-cancellation")),
            );
            then.status(200);
        })
        .await;

    let client = client(&api);
    let canceled = client
        .cancel_job()
        .id(650123)
        .body(types::JobCancelRequest {
            reason_id: 17,
            memo: "Customer fixed it".into(),
        })
        .send()
        .await
        .unwrap();
    let reinstated = client
        .remove_job_cancellation()
        .id(650123)
        .send()
        .await
        .unwrap();

    cancel.assert_async().await;
    reinstate.assert_async().await;
    assert_eq!(canceled.status().as_u16(), 200);
    assert_eq!(reinstated.status().as_u16(), 200);
}

#[tokio::test]
async fn hold_a_job_with_a_reason() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(PUT)
                    .path(path(&api, "/jobs/650123/hold"))
                    .json_body(serde_json::json!({"reasonId": 31, "memo": "Waiting on parts"})),
            );
            then.status(200);
        })
        .await;

    let response = client(&api)
        .hold_job()
        .id(650123)
        .body_map(|b| b.reason_id(31).memo("Waiting on parts".to_string()))
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn complete_a_job_at_a_time() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(PUT)
                    .path(path(&api, "/jobs/650123/complete"))
                    .json_body(serde_json::json!({"completedOn": "2024-03-04T19:42:10.123Z"})),
            );
            then.status(200);
        })
        .await;

    let response = client(&api)
        .complete_job()
        .id(650123)
        .body(types::JobCompleteRequest {
            completed_on: at("2024-03-04T19:42:10.123Z"),
        })
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn job_notes_stream_across_pages_and_a_note_can_be_added() {
    let api = MockApi::start().await;
    let page1 = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/jobs/650123/notes"))
                    .query_param("pageSize", "1")
                    .query_param("page", "1"),
            );
            json(
                then,
                r#"{"page": 1, "pageSize": 1, "hasMore": true, "data": [
                    {"text": "Customer prefers text messages", "isPinned": true, "createdById": 4101,
                     "createdOn": "2024-02-28T21:15:00.1234567Z", "modifiedOn": "2024-02-28T21:15:00.1234567Z"}
                ]}"#,
            );
        })
        .await;
    let page2 = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/jobs/650123/notes"))
                    .query_param("pageSize", "1")
                    .query_param("page", "2"),
            );
            json(
                then,
                r#"{"page": 2, "pageSize": 1, "hasMore": false, "data": [
                    {"text": "Replaced capacitor", "isPinned": false, "createdById": 5201,
                     "createdOn": "2024-03-04T19:40:00.0000000Z", "modifiedOn": "2024-03-04T19:41:00.0000000Z"}
                ]}"#,
            );
        })
        .await;
    let create = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/jobs/650123/notes"))
                    .json_body(serde_json::json!({"text": "Follow up in 2 weeks", "pinToTop": true})),
            );
            json(
                then,
                r#"{"text": "Follow up in 2 weeks", "isPinned": true, "createdById": 4101,
                    "createdOn": "2024-03-05T09:00:00.1234567Z", "modifiedOn": "2024-03-05T09:00:00.1234567Z"}"#,
            );
        })
        .await;

    let client = client(&api);
    let notes: Vec<types::Note> = client
        .list_job_notes()
        .id(650123)
        .page_size(1)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    let note = client
        .create_job_note()
        .id(650123)
        .body(types::JobNoteCreateRequest {
            text: "Follow up in 2 weeks".into(),
            pin_to_top: Some(true),
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    page1.assert_async().await;
    page2.assert_async().await;
    create.assert_async().await;
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0].is_pinned, Some(true));
    assert_eq!(notes[1].text.as_deref(), Some("Replaced capacitor"));
    assert_eq!(notes[1].created_by_id, Some(5201));
    assert_eq!(note.is_pinned, Some(true));
    assert_eq!(note.created_on.unwrap(), at("2024-03-05T09:00:00.1234567Z"));
}

#[tokio::test]
async fn list_job_cancellation_reasons_for_jobs() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/jobs/cancel-reasons"))
                    .query_param("ids", "650123,650124"),
            );
            json(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [
                    {"jobId": 650123, "reasonId": 17, "name": "Customer resolved", "text": "Customer fixed it"}
                ]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_job_cancellation_reasons()
        .ids("650123,650124")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let reason = &page.data.unwrap()[0];
    assert_eq!(reason.job_id, Some(650123));
    assert_eq!(reason.reason_id, Some(17));
    assert_eq!(reason.name.as_deref(), Some("Customer resolved"));
}

#[tokio::test]
async fn get_job_history_decodes_the_events() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/jobs/650123/history")));
            json(
                then,
                r#"{"history": [
                    {"id": 1, "employeeId": 4101, "eventType": "Job Booked", "date": "2024-02-28T21:14:03.1234567Z",
                     "usedSchedulingTool": "SmartDispatch", "memo": ""},
                    {"id": 2, "employeeId": null, "eventType": "Job Completed", "date": "2024-03-04T19:42:10.1234567Z",
                     "usedSchedulingTool": "Manual", "memo": "Done"}
                ]}"#,
            );
        })
        .await;

    let history = client(&api)
        .get_job_history()
        .id(650123)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let events = history.history.unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[0].used_scheduling_tool,
        Some(types::JobHistorySchedulingTool::SmartDispatch)
    );
    assert_eq!(events[0].employee_id, Some(4101));
    assert_eq!(events[1].employee_id, None);
    assert_eq!(events[1].date.unwrap(), at("2024-03-04T19:42:10.1234567Z"));
}

#[tokio::test]
async fn create_job_message_posts_the_message() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/jobs/650123/messages"))
                    .json_body(serde_json::json!({
                        "body": "Parts arrived, please schedule",
                        "recipientIds": [5201, 4102],
                        "parentMessageId": 70001,
                        "addParentMessageSenderToRecipients": true,
                        "createdByEmployeeId": 4101
                    })),
            );
            json(then, r#"{"id": 70002}"#);
        })
        .await;

    let created = client(&api)
        .create_job_message()
        .id(650123)
        .body(types::MessageCreateRequest {
            body: "Parts arrived, please schedule".into(),
            recipient_ids: Some(vec![5201, 4102]),
            parent_message_id: Some(70001),
            add_parent_message_sender_to_recipients: Some(true),
            created_by_employee_id: 4101,
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(created.id, 70002);
}

#[tokio::test]
async fn list_job_canceled_logs_decodes_the_log() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/jobs/650123/canceled-log"))
                    .query_param("includeTotal", "true"),
            );
            json(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 1, "data": [
                    {"id": 4401, "jobId": 650123, "reasonId": 17, "memo": "Customer fixed it",
                     "createdOn": "2024-03-02T10:00:00.1234567Z", "createdById": 4101, "active": false}
                ]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_job_canceled_logs()
        .id(650123)
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(1));
    let log = &page.data.unwrap()[0];
    assert_eq!(log.id, 4401);
    assert_eq!(log.reason_id, Some(17));
    assert_eq!(log.active, Some(false));
    assert_eq!(log.created_on.unwrap(), at("2024-03-02T10:00:00.1234567Z"));
}

#[tokio::test]
async fn get_job_booked_log_decodes_the_booking() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/jobs/650123/booked-log")));
            json(
                then,
                r#"{"id": 5501, "jobId": 650123, "jobAppointmentId": 650124,
                    "start": "2024-03-04T16:00:00.0000000Z", "arrivalWindowStart": "2024-03-04T16:00:00.0000000Z",
                    "arrivalWindowEnd": null, "createdOn": "2024-02-28T21:14:03.1234567Z",
                    "createdById": 4101, "active": true}"#,
            );
        })
        .await;

    let log = client(&api)
        .get_job_booked_log()
        .id(650123)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(log.id, Some(5501));
    assert_eq!(log.job_appointment_id, Some(650124));
    assert_eq!(log.start.unwrap(), at("2024-03-04T16:00:00Z"));
    assert_eq!(log.arrival_window_end, None);
}

#[tokio::test]
async fn list_job_custom_field_types_decodes_data_types() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/jobs/custom-fields"))
                    .query_param("modifiedOnOrAfter", "2024-01-01T00:00:00Z")
                    .query_param("sort", "+name"),
            );
            json(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [
                    {"id": 901, "name": "Gate code", "dataType": "Text", "dataTypeOptions": null,
                     "createdOn": "2021-01-01T00:00:00.0000000Z", "modifiedOn": "2024-01-02T00:00:00.0000000Z"},
                    {"id": 902, "name": "Unit size", "dataType": "Dropdown", "dataTypeOptions": ["2 ton", "3 ton"],
                     "createdOn": "2021-01-01T00:00:00.0000000Z", "modifiedOn": "2024-02-02T00:00:00.1234567Z"}
                ]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_job_custom_field_types()
        .modified_on_or_after(at("2024-01-01T00:00:00Z"))
        .sort("+name")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let fields = page.data.unwrap();
    assert_eq!(fields[0].data_type, Some(types::CustomFieldDataType::Text));
    assert_eq!(fields[0].data_type_options, None);
    assert_eq!(fields[1].id, 902);
    assert_eq!(
        fields[1].data_type,
        Some(types::CustomFieldDataType::Dropdown)
    );
    assert_eq!(
        fields[1].data_type_options.as_deref(),
        Some(&["2 ton".to_string(), "3 ton".to_string()][..])
    );
}
