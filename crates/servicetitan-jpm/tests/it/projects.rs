//! Projects: list, get, create, update, notes, messages, attaching jobs and the project
//! custom field types.

use crate::common::{at, authorized, client, json, path};
use httpmock::prelude::*;
use servicetitan_core::testing::MockApi;
use servicetitan_jpm::types;

const PROJECT: &str = r#"{
    "id": 7701, "number": "P-7701", "name": "Whole-home HVAC replacement",
    "summary": "<p>Replace furnace and condenser</p>", "status": "In Progress", "statusId": 3,
    "subStatus": "Permits filed", "subStatusId": 31, "customerId": 88001, "locationId": 88002,
    "projectTypeId": 5, "projectManagerIds": [4101], "businessUnitIds": [301, 302],
    "startDate": "2024-03-01T00:00:00Z", "targetCompletionDate": "2024-04-15T00:00:00Z",
    "actualCompletionDate": null, "modifiedOn": "2024-03-01T10:00:00.1234567Z",
    "createdOn": "2024-02-20T15:30:00.1234567Z",
    "customFields": [{"typeId": 950, "name": "Permit number", "value": "BLD-24-0042"}],
    "externalData": [], "jobIds": [650123, 650200]
}"#;

#[tokio::test]
async fn list_projects_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/projects"))
                    .query_param("customerId", "88001")
                    .query_param("projectTypeId", "5")
                    .query_param("projectManagerIds", "4101,4102")
                    .query_param("businessUnitIds", "301")
                    .query_param("status", "In Progress")
                    .query_param("targetCompletionDateBefore", "2024-05-01T00:00:00Z")
                    .query_param("startsOnOrAfter", "2024-01-01T00:00:00Z")
                    .query_param("includeTotal", "true"),
            );
            json(
                then,
                &format!(
                    r#"{{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 1, "data": [{PROJECT}]}}"#
                ),
            );
        })
        .await;

    let page = client(&api)
        .list_projects()
        .customer_id(88001_i64)
        .project_type_id(5_i64)
        .project_manager_ids("4101,4102")
        .business_unit_ids("301")
        .status("In Progress")
        .target_completion_date_before(at("2024-05-01T00:00:00Z"))
        .starts_on_or_after(at("2024-01-01T00:00:00Z"))
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(1));
    let project = &page.data.unwrap()[0];
    assert_eq!(project.id, 7701);
    assert_eq!(project.number.as_deref(), Some("P-7701"));
    assert_eq!(project.job_ids, Some(vec![650123, 650200]));
    assert_eq!(project.actual_completion_date, None);
}

#[tokio::test]
async fn get_project_decodes_the_project() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/projects/7701")));
            json(then, PROJECT);
        })
        .await;

    let project = client(&api)
        .get_project()
        .id(7701)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(project.status_id, Some(3));
    assert_eq!(project.sub_status.as_deref(), Some("Permits filed"));
    assert_eq!(project.project_manager_ids, Some(vec![4101]));
    assert_eq!(project.start_date.unwrap(), at("2024-03-01T00:00:00Z"));
    assert_eq!(
        project.target_completion_date.unwrap(),
        at("2024-04-15T00:00:00Z")
    );
    assert_eq!(
        project.created_on.unwrap(),
        at("2024-02-20T15:30:00.1234567Z")
    );
    assert_eq!(
        project.custom_fields.unwrap()[0].value.as_deref(),
        Some("BLD-24-0042")
    );
}

#[tokio::test]
async fn create_project_posts_the_project() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(POST).path(path(&api, "/projects")).json_body(
                serde_json::json!({
                    "locationId": 88002,
                    "customerId": 88001,
                    "projectTypeId": 5,
                    "projectManagerIds": [4101],
                    "name": "Whole-home HVAC replacement",
                    "statusId": 3,
                    "startDate": "2024-03-01T00:00:00Z",
                    "targetCompletionDate": "2024-04-15T00:00:00Z",
                    "customFields": [{"typeId": 950, "value": "BLD-24-0042"}]
                }),
            ));
            json(then, PROJECT);
        })
        .await;

    let project = client(&api)
        .create_project()
        .body(types::ProjectCreateRequest {
            location_id: 88002,
            customer_id: Some(88001),
            project_type_id: Some(5),
            project_manager_ids: Some(vec![4101]),
            name: Some("Whole-home HVAC replacement".into()),
            status_id: Some(3),
            start_date: Some(at("2024-03-01T00:00:00Z")),
            target_completion_date: Some(at("2024-04-15T00:00:00Z")),
            custom_fields: Some(vec![types::ProjectCustomFieldRequest {
                type_id: 950,
                value: "BLD-24-0042".into(),
            }]),
            actual_completion_date: None,
            business_unit_ids: None,
            external_data: None,
            sub_status_id: None,
            summary: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(project.id, 7701);
}

#[tokio::test]
async fn update_project_patches_the_given_fields() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(PATCH)
                    .path(path(&api, "/projects/7701"))
                    .json_body(serde_json::json!({
                        "subStatusId": 32,
                        "actualCompletionDate": "2024-04-10T22:00:00Z"
                    })),
            );
            json(then, PROJECT);
        })
        .await;

    let project = client(&api)
        .update_project()
        .id(7701)
        .body(types::ProjectUpdateRequest {
            sub_status_id: servicetitan_core::types::Patch::Set(32),
            actual_completion_date: servicetitan_core::types::Patch::Set(at(
                "2024-04-10T22:00:00Z",
            )),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(project.id, 7701);
}

#[tokio::test]
async fn project_notes_list_and_create() {
    let api = MockApi::start().await;
    let list = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/projects/7701/notes"))
                    .query_param("page", "1")
                    .query_param("pageSize", "10"),
            );
            json(
                then,
                r#"{"page": 1, "pageSize": 10, "hasMore": false, "data": [
                    {"text": "Permit approved", "isPinned": false, "createdById": 4101,
                     "createdOn": "2024-03-03T12:00:00.1234567Z", "modifiedOn": "2024-03-03T12:00:00.1234567Z"}
                ]}"#,
            );
        })
        .await;
    let create = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/projects/7701/notes"))
                    .json_body(serde_json::json!({"text": "Inspection booked"})),
            );
            json(
                then,
                r#"{"text": "Inspection booked", "isPinned": false, "createdById": 4101,
                    "createdOn": "2024-03-05T09:00:00.1234567Z", "modifiedOn": "2024-03-05T09:00:00.1234567Z"}"#,
            );
        })
        .await;

    let client = client(&api);
    let page = client
        .list_project_notes()
        .id(7701)
        .page(1)
        .page_size(10)
        .send()
        .await
        .unwrap()
        .into_inner();
    let note = client
        .create_project_note()
        .id(7701)
        .body(types::ProjectNoteCreateRequest {
            text: "Inspection booked".into(),
            pin_to_top: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    list.assert_async().await;
    create.assert_async().await;
    assert_eq!(
        page.data.unwrap()[0].text.as_deref(),
        Some("Permit approved")
    );
    assert_eq!(note.text.as_deref(), Some("Inspection booked"));
    assert_eq!(note.created_on.unwrap(), at("2024-03-05T09:00:00.1234567Z"));
}

#[tokio::test]
async fn attach_and_detach_a_job() {
    let api = MockApi::start().await;
    let attach = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/projects/7701/attach-job/650300")),
            );
            then.status(200);
        })
        .await;
    let detach = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/projects/detach-job/650300")),
            );
            then.status(200);
        })
        .await;

    let client = client(&api);
    let attached = client
        .attach_job_to_project()
        .id(7701)
        .job_id(650300)
        .send()
        .await
        .unwrap();
    let detached = client
        .detach_job_from_project()
        .job_id(650300)
        .send()
        .await
        .unwrap();

    attach.assert_async().await;
    detach.assert_async().await;
    assert_eq!(attached.status().as_u16(), 200);
    assert_eq!(detached.status().as_u16(), 200);
}

#[tokio::test]
async fn create_project_message_posts_the_message() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/projects/7701/messages"))
                    .json_body(serde_json::json!({
                        "body": "Crane delivery moved to Friday",
                        "recipientIds": [4101],
                        "createdByEmployeeId": 4102
                    })),
            );
            json(then, r#"{"id": 70010}"#);
        })
        .await;

    let created = client(&api)
        .create_project_message()
        .id(7701)
        .body_map(|b| {
            b.body("Crane delivery moved to Friday".to_string())
                .recipient_ids(Some(vec![4101]))
                .created_by_employee_id(4102)
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(created.id, 70010);
}

#[tokio::test]
async fn list_project_custom_field_types_decodes_data_types() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/projects/custom-fields"))
                    .query_param("createdOnOrAfter", "2020-01-01T00:00:00Z"),
            );
            json(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [
                    {"id": 950, "name": "Permit number", "dataType": "Text",
                     "createdOn": "2021-01-01T00:00:00.0000000Z", "modifiedOn": "2024-01-02T00:00:00.1234567Z"},
                    {"id": 951, "name": "Square feet", "dataType": "Numeric", "dataTypeOptions": [],
                     "createdOn": "2021-01-01T00:00:00.0000000Z", "modifiedOn": "2024-01-02T00:00:00.0000000Z"}
                ]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_project_custom_field_types()
        .created_on_or_after(at("2020-01-01T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let fields = page.data.unwrap();
    assert_eq!(fields[0].id, 950);
    assert_eq!(
        fields[1].data_type,
        Some(types::CustomFieldDataType::Numeric)
    );
    assert_eq!(
        fields[0].modified_on.unwrap(),
        at("2024-01-02T00:00:00.1234567Z")
    );
}
