//! Findings API (`/findings/v2`): location findings, their attachments, and finding assets
//! (multipart upload, download through a redirect).

use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;
use servicetitan_core::paging::ListRequestExt;
use servicetitan_core::testing::{json_reply, MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_core::upload::UploadFile;
use servicetitan_findings::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn at(text: &str) -> DateTime {
    text.parse().unwrap()
}

const FINDING: &str = r#"{"id": 61001, "locationId": 6060, "name": "Cracked heat exchanger",
    "description": "Visible crack near burner 2", "recommendedSolution": "Replace furnace",
    "internalNotes": null, "installedEquipmentId": 880001, "urgencyLevel": "Critical",
    "sourceJobId": 123456789012, "archived": false, "active": true, "createdBy": 88,
    "modifiedBy": 77, "createdOn": "2024-03-04T14:00:00.1234567Z",
    "modifiedOn": "2024-03-05T09:00:00.7654321Z"}"#;

const FINDING_DETAIL: &str = r#"{"id": 61001, "locationId": 6060, "name": "Cracked heat exchanger",
    "description": "Visible crack near burner 2", "recommendedSolution": "Replace furnace",
    "internalNotes": "Customer informed", "installedEquipmentId": 880001,
    "urgencyLevel": "Critical", "sourceJobId": 123456789012, "archived": false, "active": true,
    "createdBy": 88, "modifiedBy": 77, "createdOn": "2024-03-04T14:00:00.1234567Z",
    "modifiedOn": "2024-03-05T09:00:00.7654321Z", "status": "EstimateCreated",
    "attachments": [{"id": 71, "fileName": "crack.jpg", "url": "findings/2024/03/crack.jpg", "type": "Image"}],
    "linkedEstimateIds": [77001], "linkedJobIds": []}"#;

// ---- Findings ----------------------------------------------------------------------------

#[tokio::test]
async fn list_findings_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 1, "data": [{FINDING}]}}"#
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/location-findings"))
                .query_param("ids", "61001,61002")
                .query_param("modifiedOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("includeTotal", "true")
                .query_param("sort", "-createdOn")
                .query_param("active", "True")
                .query_param("locationId", "6060")
                .query_param("sourceJobId", "123456789012")
                .query_param("installedEquipmentId", "880001")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            json_reply(then, &body);
        })
        .await;

    let page = client(&api)
        .list_findings()
        .ids("61001,61002")
        .modified_on_or_after(at("2024-03-01T00:00:00Z"))
        .include_total(true)
        .sort("-createdOn")
        .active(types::ActiveFilter::True)
        .location_id(6060)
        .source_job_id(123456789012_i64)
        .installed_equipment_id(880001)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let f = &page.data.unwrap()[0];
    assert_eq!(f.id, 61001);
    assert_eq!(f.urgency_level, Some(types::FindingUrgencyLevel::Critical));
    assert_eq!(f.source_job_id, Some(123456789012));
    assert_eq!(f.internal_notes, None);
    assert_eq!(f.created_on, Some(at("2024-03-04T14:00:00.1234567Z")));
}

#[tokio::test]
async fn list_findings_stream_items_walks_the_pages() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/location-findings"))
                .query_param("page", "1");
            let body = format!(
                r#"{{"page": 1, "pageSize": 1, "hasMore": true, "totalCount": null, "data": [{FINDING}]}}"#
            );
            json_reply(then, &body);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/location-findings"))
                .query_param("page", "2");
            let body = format!(
                r#"{{"page": 2, "pageSize": 1, "hasMore": false, "totalCount": null, "data": [{}]}}"#,
                FINDING.replace("61001", "61002")
            );
            json_reply(then, &body);
        })
        .await;

    let ids: Vec<i64> = client(&api)
        .list_findings()
        .stream_items()
        .map_ok(|f| f.id)
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(ids, [61001, 61002]);
}

#[tokio::test]
async fn get_finding_decodes_status_and_attachments() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/location-findings/61001"));
            json_reply(then, FINDING_DETAIL);
        })
        .await;

    let f = client(&api)
        .get_finding()
        .id(61001)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(f.status, Some(types::FindingStatus::EstimateCreated));
    assert_eq!(f.linked_estimate_ids, Some(vec![77001]));
    assert_eq!(f.linked_job_ids, Some(vec![]));
    let attachment = &f.attachments.unwrap()[0];
    assert_eq!(attachment.id, Some(71));
    assert_eq!(attachment.type_, Some(types::AttachmentAssetType::Image));
    assert_eq!(
        f.modified_on.unwrap().0.timestamp_subsec_nanos(),
        765_432_100
    );
}

#[tokio::test]
async fn create_and_update_a_finding() {
    let api = MockApi::start().await;
    let create = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/location-findings"))
                .json_body(json!({
                    "locationId": 6060,
                    "name": "Cracked heat exchanger",
                    "description": "Visible crack near burner 2",
                    "urgencyLevel": "Critical",
                    "installedEquipmentId": 880001,
                    "sourceJobId": 123456789012_i64,
                    "attachments": [{"fileName": "crack.jpg", "url": "findings/2024/03/crack.jpg",
                                     "type": "Image"}]
                }));
            json_reply(then, FINDING_DETAIL);
        })
        .await;
    let update = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/location-findings/61001"))
                .json_body(json!({"urgencyLevel": "High", "archived": true}));
            json_reply(
                then,
                &FINDING_DETAIL
                    .replace(r#""urgencyLevel": "Critical""#, r#""urgencyLevel": "High""#)
                    .replace(r#""archived": false"#, r#""archived": true"#)
                    .replace(r#""status": "EstimateCreated""#, r#""status": "Archived""#),
            );
        })
        .await;

    let c = client(&api);
    let created = c
        .create_finding()
        .body(types::FindingCreateRequest {
            location_id: 6060,
            name: Some("Cracked heat exchanger".into()),
            description: Some("Visible crack near burner 2".into()),
            urgency_level: types::FindingUrgencyLevel::Critical,
            installed_equipment_id: Some(880001),
            source_job_id: Some(123456789012),
            attachments: Some(vec![types::FindingAttachmentCreateModel {
                file_name: "crack.jpg".into(),
                url: "findings/2024/03/crack.jpg".into(),
                type_: types::AttachmentAssetType::Image,
            }]),
            internal_notes: None,
            recommended_solution: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let updated = c
        .update_finding()
        .id(61001)
        .body(types::FindingUpdateRequest {
            urgency_level: servicetitan_core::types::Patch::Set(types::FindingUrgencyLevel::High),
            archived: servicetitan_core::types::Patch::Set(true),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    create.assert_async().await;
    update.assert_async().await;
    assert_eq!(created.id, 61001);
    assert_eq!(
        updated.urgency_level,
        Some(types::FindingUrgencyLevel::High)
    );
    assert_eq!(updated.archived, Some(true));
    assert_eq!(updated.status, Some(types::FindingStatus::Archived));
}

// ---- Finding attachments -----------------------------------------------------------------

#[tokio::test]
async fn list_and_get_finding_attachments() {
    let api = MockApi::start().await;
    let list = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/location-findings/61001/attachments"))
                .query_param("ids", "71,72")
                .query_param("createdOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("pageSize", "10")
                .query_param("sort", "+id");
            json_reply(
                then,
                r#"{"page": 1, "pageSize": 10, "hasMore": false, "totalCount": null, "data": [
                    {"id": 71, "fileName": "crack.jpg", "url": "findings/2024/03/crack.jpg", "type": "Image"},
                    {"id": 72, "fileName": "walkthrough", "url": "https://video.example.com/v/9", "type": "VideoLink"}]}"#,
            );
        })
        .await;
    let get = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/location-findings/61001/attachments/72"));
            json_reply(
                then,
                r#"{"id": 72, "fileName": "walkthrough", "url": "https://video.example.com/v/9", "type": "VideoLink"}"#,
            );
        })
        .await;

    let c = client(&api);
    let page = c
        .list_finding_attachments()
        .id(61001)
        .ids("71,72")
        .created_on_or_after(at("2024-03-01T00:00:00Z"))
        .page_size(10)
        .sort("+id")
        .send()
        .await
        .unwrap()
        .into_inner();
    let attachment = c
        .get_finding_attachment()
        .id(61001)
        .attachment_id(72)
        .send()
        .await
        .unwrap()
        .into_inner();

    list.assert_async().await;
    get.assert_async().await;
    assert_eq!(page.data.unwrap().len(), 2);
    assert_eq!(
        attachment.type_,
        Some(types::AttachmentAssetType::VideoLink)
    );
    assert_eq!(attachment.file_name.as_deref(), Some("walkthrough"));
}

#[tokio::test]
async fn create_update_and_delete_a_finding_attachment() {
    let api = MockApi::start().await;
    let create = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/location-findings/61001/attachments"))
                .json_body(json!({"fileName": "report.pdf", "url": "findings/2024/03/report.pdf",
                                  "type": "Document"}));
            json_reply(
                then,
                r#"{"id": 73, "fileName": "report.pdf", "url": "findings/2024/03/report.pdf", "type": "Document"}"#,
            );
        })
        .await;
    let update = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/location-findings/61001/attachments/73"))
                .json_body(json!({"fileName": "inspection-report.pdf"}));
            json_reply(
                then,
                r#"{"id": 73, "fileName": "inspection-report.pdf", "url": "findings/2024/03/report.pdf", "type": "Document"}"#,
            );
        })
        .await;
    let delete = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/location-findings/61001/attachments/73"));
            then.status(200);
        })
        .await;

    let c = client(&api);
    let created = c
        .create_finding_attachment()
        .id(61001)
        .body(types::FindingAttachmentCreateRequest {
            file_name: "report.pdf".into(),
            url: "findings/2024/03/report.pdf".into(),
            type_: types::AttachmentAssetType::Document,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let renamed = c
        .update_finding_attachment()
        .id(61001)
        .attachment_id(73)
        .body(types::FindingAttachmentUpdateRequest {
            file_name: servicetitan_core::types::Patch::Set("inspection-report.pdf".into()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let deleted = c
        .delete_finding_attachment()
        .id(61001)
        .attachment_id(73)
        .send()
        .await
        .unwrap();

    create.assert_async().await;
    update.assert_async().await;
    delete.assert_async().await;
    assert_eq!(created.id, 73);
    assert_eq!(renamed.file_name.as_deref(), Some("inspection-report.pdf"));
    assert_eq!(deleted.status().as_u16(), 200);
}

#[tokio::test]
async fn a_conflicting_attachment_is_a_409_api_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/location-findings/61001/attachments"));
            then.status(409)
                .header("content-type", "application/json")
                .body(r#"{"title": "An attachment with this URL already exists.", "status": 409, "traceId": "00-fi-09"}"#);
        })
        .await;

    let result = client(&api)
        .create_finding_attachment()
        .id(61001)
        .body(types::FindingAttachmentCreateRequest {
            file_name: "crack.jpg".into(),
            url: "findings/2024/03/crack.jpg".into(),
            type_: types::AttachmentAssetType::Image,
        })
        .send()
        .await;

    mock.assert_async().await;
    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(err.trace_id(), Some("00-fi-09"));
}

// ---- Finding assets ----------------------------------------------------------------------

#[tokio::test]
async fn upload_finding_asset_sends_multipart_and_returns_the_path() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/assets"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .header_includes("content-type", "multipart/form-data")
                .body_includes(r#"name="file"; filename="crack.png""#)
                .body_includes("Content-Type: image/png")
                .body_includes("PNG-crack-photo-bytes");
            json_reply(then, r#"{"path": "findings/2024/03/5d1e/crack.png"}"#);
        })
        .await;

    let response = client(&api)
        .upload_finding_asset(UploadFile::new("crack.png", &b"PNG-crack-photo-bytes"[..]))
        .await
        .unwrap();

    mock.assert_async().await;
    let uploaded: types::FindingAssetUpload = response.into_inner();
    assert_eq!(
        uploaded.path.as_deref(),
        Some("findings/2024/03/5d1e/crack.png")
    );
}

#[tokio::test]
async fn get_finding_asset_follows_a_same_origin_redirect_to_the_bytes() {
    let api = MockApi::start().await;
    let redirect = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/assets"))
                .query_param("path", "findings/2024/03/5d1e/crack.png");
            then.status(302).header(
                "location",
                api.server.url("/downloads/5d1e/crack.png?sig=short-lived"),
            );
        })
        .await;
    let content: Vec<u8> = (0..40_000u32).map(|i| (i % 256) as u8).collect();
    let download = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/downloads/5d1e/crack.png")
                .query_param("sig", "short-lived");
            then.status(200)
                .header("content-type", "image/png")
                .body(&content);
        })
        .await;

    let response = client(&api)
        .get_finding_asset()
        .path("findings/2024/03/5d1e/crack.png")
        .send()
        .await
        .unwrap();
    let mut received = Vec::new();
    let written = servicetitan_core::binary::write_stream(response.into_inner(), &mut received)
        .await
        .unwrap();

    redirect.assert_async().await;
    download.assert_async().await;
    assert_eq!(written, 40_000);
    assert_eq!(received, content);
}

#[tokio::test]
async fn get_finding_asset_fetches_a_short_lived_url_on_another_host_without_credentials() {
    let api = MockApi::start().await;
    let storage = MockServer::start_async().await;
    let blob = storage
        .mock_async(|when, then| {
            when.method(GET)
                .path("/blob/5d1e/crack.png")
                .query_param("sig", "short-lived")
                .header_missing("authorization")
                .header_missing("ST-App-Key");
            then.status(200)
                .header("content-type", "image/png")
                .body(b"PNG-from-storage");
        })
        .await;
    let location = storage.url("/blob/5d1e/crack.png?sig=short-lived");
    let redirect = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/assets"))
                .header("ST-App-Key", APP_KEY);
            then.status(302).header("location", &location);
        })
        .await;

    let response = client(&api)
        .get_finding_asset()
        .path("findings/2024/03/5d1e/crack.png")
        .send()
        .await
        .unwrap();
    let chunks: Vec<bytes::Bytes> = response
        .into_inner()
        .into_inner()
        .try_collect()
        .await
        .unwrap();

    redirect.assert_async().await;
    blob.assert_async().await;
    assert_eq!(chunks.concat(), b"PNG-from-storage");
}

#[tokio::test]
async fn a_missing_asset_is_a_404_api_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/assets"))
                .query_param("path", "findings/missing.png");
            then.status(404)
                .header("content-type", "application/json")
                .body(r#"{"title": "Asset not found.", "status": 404, "traceId": "00-fa-04"}"#);
        })
        .await;

    let result = client(&api)
        .get_finding_asset()
        .path("findings/missing.png")
        .send()
        .await;

    mock.assert_async().await;
    let err: servicetitan_core::Error = result.err().unwrap().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.trace_id(), Some("00-fa-04"));
}

// ---- Decoding ----------------------------------------------------------------------------

#[tokio::test]
async fn lenient_decoding_keeps_unknown_enums_and_tolerates_nulls_and_extras() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/location-findings/61009"));
            // `status` and `urgencyLevel` are values the spec does not list, `aiSummary` is
            // not in the spec, and the required `locationId` and `createdOn` are null.
            json_reply(
                then,
                r#"{"id": 61009, "locationId": null, "urgencyLevel": "Emergency", "archived": false,
                    "active": true, "createdBy": 88, "modifiedBy": 88, "createdOn": null,
                    "modifiedOn": "2024-03-05T09:00:00.1234567", "status": "QuoteSent",
                    "aiSummary": {"text": "Furnace at end of life"}}"#,
            );
        })
        .await;

    let f = client(&api)
        .get_finding()
        .id(61009)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(f.id, 61009);
    assert_eq!(
        f.status,
        Some(types::FindingStatus::Unknown("QuoteSent".into()))
    );
    assert_eq!(
        f.urgency_level,
        Some(types::FindingUrgencyLevel::Unknown("Emergency".into()))
    );
    assert_eq!(f.location_id, None);
    assert_eq!(f.created_on, None);
    assert_eq!(f.modified_on, Some(at("2024-03-05T09:00:00.1234567Z")));
}
