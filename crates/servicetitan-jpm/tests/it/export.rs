//! The export feeds: each streams two batches, passing the continuation token back as `from`.

use crate::common::{at, authorized, client, json, path};
use futures::TryStreamExt;
use httpmock::prelude::*;
use httpmock::Mock;
use servicetitan_core::paging::ExportRequestExt;
use servicetitan_core::testing::MockApi;
use servicetitan_jpm::types;

/// Mounts a two-batch export at `/export/{feed}`: the first request carries no `from` and
/// gets `first` with token `{feed}-1`; the second must send `from={feed}-1` and gets `second`
/// (the last batch) with token `{feed}-2`.
async fn two_batches<'a>(
    api: &'a MockApi,
    feed: &str,
    first: &str,
    second: &str,
) -> (Mock<'a>, Mock<'a>) {
    let export_path = path(api, &format!("/export/{feed}"));
    let one = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(export_path.clone())
                    .query_param("includeRecentChanges", "true")
                    .query_param_missing("from"),
            );
            json(
                then,
                &format!(r#"{{"hasMore": true, "continueFrom": "{feed}-1", "data": [{first}]}}"#),
            );
        })
        .await;
    let two = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(export_path.clone())
                    .query_param("includeRecentChanges", "true")
                    .query_param("from", format!("{feed}-1")),
            );
            json(
                then,
                &format!(r#"{{"hasMore": false, "continueFrom": "{feed}-2", "data": [{second}]}}"#),
            );
        })
        .await;
    (one, two)
}

#[tokio::test]
async fn export_jobs_streams_two_batches() {
    let api = MockApi::start().await;
    let (one, two) = two_batches(
        &api,
        "jobs",
        r#"{"id": 650123, "jobNumber": "650123", "customerId": 88001, "locationId": 88002,
            "jobStatus": "Completed", "businessUnitId": 301, "jobTypeId": 45, "priority": "Normal",
            "campaignId": 12, "customFields": [], "appointmentCount": 2, "firstAppointmentId": 650124,
            "lastAppointmentId": 650125, "noCharge": false, "notificationsEnabled": true,
            "createdOn": "2024-02-28T21:14:03.1234567Z", "createdById": 4101,
            "modifiedOn": "2024-03-04T19:45:00.7654321Z", "tagTypeIds": [], "externalData": [],
            "customerPo": "", "invoiceId": 990011, "total": 1234.10, "active": true}"#,
        r#"{"id": 650124, "jobNumber": "650124", "customerId": 88003, "locationId": 88004,
            "jobStatus": "Canceled", "businessUnitId": 301, "jobTypeId": 45, "priority": "Low",
            "campaignId": 12, "customFields": [], "appointmentCount": 0, "firstAppointmentId": 0,
            "lastAppointmentId": 0, "noCharge": false, "notificationsEnabled": false,
            "createdOn": "2024-03-01T08:00:00.0000000Z", "createdById": 4101,
            "modifiedOn": "2024-03-02T09:00:00.0000000Z", "tagTypeIds": [], "externalData": [],
            "customerPo": "", "invoiceId": 990012, "total": null, "active": false}"#,
    )
    .await;

    let client = client(&api);
    let batches: Vec<_> = client
        .export_jobs()
        .include_recent_changes(true)
        .stream_export(None)
        .try_collect()
        .await
        .unwrap();

    one.assert_async().await;
    two.assert_async().await;
    assert_eq!(batches.len(), 2);
    assert!(batches[0].has_more);
    assert_eq!(batches[0].continue_from.as_deref(), Some("jobs-1"));
    let first = &batches[0].items[0];
    assert_eq!(first.id, 650123);
    assert_eq!(first.total.unwrap().to_string(), "1234.10");
    assert_eq!(
        first.modified_on.unwrap(),
        at("2024-03-04T19:45:00.7654321Z")
    );
    assert!(!batches[1].has_more);
    assert_eq!(batches[1].continue_from.as_deref(), Some("jobs-2"));
    let second = &batches[1].items[0];
    assert_eq!(second.job_status.as_deref(), Some("Canceled"));
    assert_eq!(second.total, None);
    assert_eq!(second.active, Some(false));
}

#[tokio::test]
async fn export_projects_streams_two_batches() {
    let api = MockApi::start().await;
    let (one, two) = two_batches(
        &api,
        "projects",
        r#"{"id": 7701, "number": "P-7701", "customerId": 88001, "locationId": 88002,
            "projectManagerIds": [4101], "businessUnitIds": [301], "createdOn": "2024-02-20T15:30:00.1234567Z",
            "customFields": [], "externalData": [], "jobIds": [650123], "active": true}"#,
        r#"{"id": 7702, "number": "P-7702", "customerId": 88003, "locationId": 88004,
            "projectManagerIds": [], "businessUnitIds": [302], "createdOn": "2024-02-21T15:30:00.0000000Z",
            "modifiedOn": null, "customFields": [], "externalData": [], "jobIds": [], "active": false}"#,
    )
    .await;

    let client = client(&api);
    let items: Vec<types::ProjectExportItem> = client
        .export_projects()
        .include_recent_changes(true)
        .stream_export_items(None)
        .try_collect()
        .await
        .unwrap();

    one.assert_async().await;
    two.assert_async().await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].job_ids, Some(vec![650123]));
    assert_eq!(items[1].id, 7702);
    assert_eq!(items[1].modified_on, None);
}

#[tokio::test]
async fn export_appointments_streams_two_batches() {
    let api = MockApi::start().await;
    let (one, two) = two_batches(
        &api,
        "appointments",
        r#"{"id": 650124, "jobId": 650123, "start": "2024-03-04T16:00:00.0000000Z",
            "end": "2024-03-04T18:00:00.0000000Z", "status": "Done", "createdOn": "2024-02-28T21:14:03.1234567Z",
            "modifiedOn": "2024-03-04T19:42:10.1234567Z", "customerId": 88001, "unused": false,
            "createdById": 4101, "isConfirmed": true, "active": true}"#,
        r#"{"id": 650125, "jobId": 650123, "start": "2024-03-05T16:00:00.0000000Z",
            "end": "2024-03-05T18:00:00.0000000Z", "status": "Canceled", "createdOn": "2024-03-01T10:00:00.1234567Z",
            "modifiedOn": "2024-03-02T10:00:00.0000000Z", "customerId": 88001, "unused": true,
            "createdById": 4101, "isConfirmed": false, "active": false}"#,
    )
    .await;

    let client = client(&api);
    let batches: Vec<_> = client
        .export_appointments()
        .include_recent_changes(true)
        .stream_export(None)
        .try_collect()
        .await
        .unwrap();

    one.assert_async().await;
    two.assert_async().await;
    assert_eq!(
        batches[0].items[0].status,
        Some(types::AppointmentStatus::Done)
    );
    assert_eq!(
        batches[1].items[0].status,
        Some(types::AppointmentStatus::Canceled)
    );
    assert_eq!(batches[1].continue_from.as_deref(), Some("appointments-2"));
}

#[tokio::test]
async fn export_job_canceled_logs_streams_two_batches() {
    let api = MockApi::start().await;
    let (one, two) = two_batches(
        &api,
        "job-canceled-logs",
        r#"{"id": 4401, "jobId": 650123, "reasonId": 17, "memo": "Customer fixed it",
            "createdOn": "2024-03-02T10:00:00.1234567Z", "createdById": 4101, "active": true}"#,
        r#"{"id": 4402, "jobId": 650124, "reasonId": 18, "memo": null,
            "createdOn": "2024-03-03T10:00:00.0000000Z", "createdById": 4102, "active": true}"#,
    )
    .await;

    let client = client(&api);
    let items: Vec<types::JobCanceledLogExportItem> = client
        .export_job_canceled_logs()
        .include_recent_changes(true)
        .stream_export_items(None)
        .try_collect()
        .await
        .unwrap();

    one.assert_async().await;
    two.assert_async().await;
    assert_eq!(items[0].reason_id, Some(17));
    assert_eq!(items[1].id, 4402);
    assert_eq!(items[1].memo, None);
}

#[tokio::test]
async fn export_job_notes_streams_two_batches() {
    let api = MockApi::start().await;
    let (one, two) = two_batches(
        &api,
        "job-notes",
        r#"{"id": 120001, "active": true, "text": "Customer prefers text messages", "isPinned": true,
            "createdById": 4101, "createdOn": "2024-02-28T21:15:00.1234567Z",
            "modifiedOn": "2024-02-28T21:15:00.1234567Z", "jobId": 650123}"#,
        r#"{"id": 120002, "active": false, "text": "Old note", "isPinned": false,
            "createdById": 4102, "createdOn": "2023-01-01T00:00:00.0000000Z",
            "modifiedOn": "2024-03-01T00:00:00.0000000Z", "jobId": 650124}"#,
    )
    .await;

    let client = client(&api);
    let items: Vec<types::JobNoteExportItem> = client
        .export_job_notes()
        .include_recent_changes(true)
        .stream_export_items(None)
        .try_collect()
        .await
        .unwrap();

    one.assert_async().await;
    two.assert_async().await;
    assert_eq!(items[0].id, 120001);
    assert_eq!(items[0].job_id, Some(650123));
    assert_eq!(items[1].active, Some(false));
}

#[tokio::test]
async fn export_project_notes_streams_two_batches() {
    let api = MockApi::start().await;
    let (one, two) = two_batches(
        &api,
        "project-notes",
        r#"{"id": 130001, "active": true, "text": "Permit approved", "isPinned": false,
            "createdById": 4101, "createdOn": "2024-03-03T12:00:00.1234567Z",
            "modifiedOn": "2024-03-03T12:00:00.1234567Z", "projectId": 7701}"#,
        r#"{"id": 130002, "active": true, "text": "Inspection booked", "isPinned": true,
            "createdById": 4101, "createdOn": "2024-03-05T09:00:00.1234567Z",
            "modifiedOn": "2024-03-05T09:00:00.1234567Z", "projectId": 7701}"#,
    )
    .await;

    let client = client(&api);
    let items: Vec<types::ProjectNoteExportItem> = client
        .export_project_notes()
        .include_recent_changes(true)
        .stream_export_items(None)
        .try_collect()
        .await
        .unwrap();

    one.assert_async().await;
    two.assert_async().await;
    assert_eq!(items[0].project_id, Some(7701));
    assert_eq!(items[1].is_pinned, Some(true));
    assert_eq!(
        items[1].created_on.unwrap(),
        at("2024-03-05T09:00:00.1234567Z")
    );
}

#[tokio::test]
async fn export_job_history_streams_two_batches() {
    let api = MockApi::start().await;
    let (one, two) = two_batches(
        &api,
        "job-history",
        r#"{"jobId": 650123, "history": [
            {"id": 1, "employeeId": 4101, "eventType": "Job Booked", "date": "2024-02-28T21:14:03.1234567Z",
             "usedSchedulingTool": "SmartSchedule"},
            {"id": 2, "employeeId": null, "eventType": "Job Completed", "date": "2024-03-04T19:42:10.1234567Z",
             "usedSchedulingTool": "Manual"}]}"#,
        r#"{"jobId": 650124, "history": [
            {"id": 3, "employeeId": 4102, "eventType": "Job Canceled", "date": "2024-03-02T10:00:00.0000000Z",
             "usedSchedulingTool": "AdaptiveCapacity"}]}"#,
    )
    .await;

    let client = client(&api);
    let items: Vec<types::JobHistoryExportItem> = client
        .export_job_history()
        .include_recent_changes(true)
        .stream_export_items(None)
        .try_collect()
        .await
        .unwrap();

    one.assert_async().await;
    two.assert_async().await;
    assert_eq!(items.len(), 2);
    let first = items[0].history.as_ref().unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(
        first[0].used_scheduling_tool,
        Some(types::JobSchedulingTool::SmartSchedule)
    );
    assert_eq!(first[1].date.unwrap(), at("2024-03-04T19:42:10.1234567Z"));
    assert_eq!(items[1].job_id, Some(650124));
    assert_eq!(
        items[1].history.as_ref().unwrap()[0].used_scheduling_tool,
        Some(types::JobSchedulingTool::AdaptiveCapacity)
    );
}
