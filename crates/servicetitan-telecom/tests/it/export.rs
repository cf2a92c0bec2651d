//! The calls export feed, paged by continuation token through `stream_export`.

use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::{ExportBatch, ExportRequestExt};
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_telecom::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn export_calls_streams_two_pages_passing_the_token_back() {
    let api = MockApi::start().await;
    let path = format!("{SERVER_PATH}/v2{}", api.path("", "/export/calls"));
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(&path)
                .query_param_missing("from")
                .query_param("includeRecentChanges", "false")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200).header("content-type", "application/json").body(
                r#"{"hasMore": true, "continueFrom": "calls-token-1",
                    "data": [{"id": 99120001, "duration": "00:04:31", "from": "+16025550100",
                              "to": "+16025550000", "direction": "Inbound", "status": "Completed",
                              "type": "Booked", "recordingUrl": "https://recordings.example.com/99120001.mp3",
                              "voiceMailPath": null,
                              "createdOn": "2024-03-01T10:00:00.1234567Z",
                              "modifiedOn": "2024-03-01T10:05:00.7654321Z",
                              "reason": {"id": 5, "name": "New install"},
                              "customer": {"id": 4402113, "name": "Hill Valley Dental"},
                              "location": {"id": 5500001, "name": "Main Office"},
                              "campaign": {"id": 3301, "name": "Spring Tune-up"},
                              "job": {"id": 81234, "number": "81234"},
                              "agent": {"id": 501, "name": "Jennifer Parker"},
                              "createdBy": null, "active": true}]}"#,
            );
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(&path)
                .query_param("from", "calls-token-1")
                .query_param("includeRecentChanges", "false");
            then.status(200).header("content-type", "application/json").body(
                r#"{"hasMore": false, "continueFrom": "calls-token-2",
                    "data": [{"id": 99120002, "duration": "00:00:12", "from": "+16025550177",
                              "to": "+16025550000", "direction": "Inbound", "status": "Ringing",
                              "type": null, "recordingUrl": null, "voiceMailPath": "/vm/99120002.wav",
                              "createdOn": "2024-03-01T11:00:00.0000000Z",
                              "modifiedOn": "2024-03-01T11:00:12.0000000Z",
                              "reason": null, "customer": null, "location": null, "campaign": null,
                              "job": null, "agent": null, "createdBy": null, "active": true}]}"#,
            );
        })
        .await;

    let batches: Vec<ExportBatch<types::CallExportItem>> = client(&api)
        .export_calls()
        .include_recent_changes(false)
        .stream_export(None)
        .try_collect()
        .await
        .unwrap();
    first.assert_async().await;
    second.assert_async().await;

    assert_eq!(batches.len(), 2);
    assert!(batches[0].has_more);
    assert_eq!(batches[0].continue_from.as_deref(), Some("calls-token-1"));
    let call = &batches[0].items[0];
    assert_eq!(call.id, 99120001);
    assert_eq!(call.status, Some(types::CallStatus::Completed));
    assert_eq!(call.type_, Some(types::ExportCallType::Booked));
    assert_eq!(call.direction, Some(types::ExportCallDirection::Inbound));
    assert_eq!(call.job.as_ref().unwrap().number.as_deref(), Some("81234"));
    assert_eq!(
        call.modified_on.unwrap().to_string(),
        "2024-03-01T10:05:00.7654321Z"
    );

    assert!(!batches[1].has_more);
    assert_eq!(batches[1].continue_from.as_deref(), Some("calls-token-2"));
    let ringing = &batches[1].items[0];
    assert_eq!(ringing.status, Some(types::CallStatus::Ringing));
    assert_eq!(ringing.type_, None);
    assert_eq!(ringing.voice_mail_path.as_deref(), Some("/vm/99120002.wav"));
}
