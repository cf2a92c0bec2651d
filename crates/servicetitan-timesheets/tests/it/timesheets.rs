//! Timesheets API (`/timesheets/v2`): activities, activity categories, activity types and
//! their export feeds.

use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;
use servicetitan_core::paging::{ExportRequestExt, ListRequestExt};
use servicetitan_core::testing::{json_reply, MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_timesheets::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn at(text: &str) -> DateTime {
    text.parse().unwrap()
}

fn activity(id: i64) -> String {
    format!(
        r#"{{"id": {id}, "employeeId": 88, "employeeType": "Technician", "activityTypeId": 31,
            "startTime": "2024-03-04T13:00:00.1234567Z", "endTime": "2024-03-04T15:30:00.7654321Z",
            "jobId": 123456789012, "appointmentId": 5550001, "projectId": null,
            "projectLabel": null, "laborTypeId": 3, "budgetCodeId": null, "memo": "Install",
            "tagTypes": [17, 18],
            "startCoordinate": {{"latitude": 42.3601, "longitude": -71.0942}},
            "endCoordinate": null, "active": true, "modifiedById": 77,
            "createdOn": "2024-03-04T13:00:01.1234567Z", "modifiedOn": "2024-03-04T15:31:00Z"}}"#
    )
}

const CATEGORY: &str = r#"{"id": 5, "name": "Drive time", "type": "Travel", "allowEdit": true,
    "isDefault": false, "createdOn": "2022-01-01T00:00:00.1234567Z",
    "modifiedOn": "2023-06-01T00:00:00Z", "active": true}"#;

const ACTIVITY_TYPE: &str = r#"{"id": 31, "code": "INSTALL", "categoryId": 5,
    "description": "Installation work", "icon": "wrench", "businessUnitId": null,
    "isUsersHomeBusinessUnit": true, "laborTypeId": 3, "isTechnicianProfileLaborType": false,
    "visibleToRoles": [1, 2], "defaultTagTypeIds": [17], "tagAssociation": "Allow",
    "jobAssociation": "Require", "projectAssociation": "DoNotAllow",
    "projectLabelAssociation": "DoNotAllow", "budgetCodeAssociation": "Allow",
    "laborTypeAssociation": "Require", "memoAssociation": "Allow", "defaultMemo": null,
    "dontAllowToChangeMemo": false, "dontAllowToChangeTag": true, "isArchived": false,
    "isDraft": false, "isDefault": false, "isInUse": true, "active": true,
    "createdOn": "2022-01-01T00:00:00.1234567Z", "modifiedOn": "2023-06-01T00:00:00Z"}"#;

// ---- Activities --------------------------------------------------------------------------

#[tokio::test]
async fn list_activities_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 200, "hasMore": false, "totalCount": 1, "data": [{}]}}"#,
        activity(20001)
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/activities"))
                .query_param("page", "1")
                .query_param("pageSize", "200")
                .query_param("includeTotal", "true")
                .query_param("createdBefore", "2024-04-01T00:00:00Z")
                .query_param("modifiedOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("active", "False")
                .query_param("sort", "+startTime")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            json_reply(then, &body);
        })
        .await;

    let page = client(&api)
        .list_activities()
        .page(1)
        .page_size(200)
        .include_total(true)
        .created_before(at("2024-04-01T00:00:00Z"))
        .modified_on_or_after(at("2024-03-01T00:00:00Z"))
        .active(types::ActiveFilter::False)
        .sort("+startTime")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let a = &page.data.unwrap()[0];
    assert_eq!(a.id, 20001);
    assert_eq!(a.employee_type, Some(types::EmployeeType::Technician));
    assert_eq!(a.start_time, Some(at("2024-03-04T13:00:00.1234567Z")));
    assert_eq!(a.end_time.unwrap().0.timestamp_subsec_nanos(), 765_432_100);
    assert_eq!(a.job_id, Some(123456789012));
    assert_eq!(a.tag_types, Some(vec![17, 18]));
    let start = a.start_coordinate.as_ref().unwrap();
    assert_eq!(
        (start.latitude, start.longitude),
        (Some(42.3601), Some(-71.0942))
    );
    assert!(a.end_coordinate.is_none());
}

#[tokio::test]
async fn list_activities_stream_items_walks_the_pages() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/activities"))
                .query_param("page", "1");
            let body = format!(
                r#"{{"page": 1, "pageSize": 1, "hasMore": true, "totalCount": null, "data": [{}]}}"#,
                activity(20001)
            );
            json_reply(then, &body);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/activities"))
                .query_param("page", "2");
            let body = format!(
                r#"{{"page": 2, "pageSize": 1, "hasMore": false, "totalCount": null, "data": [{}]}}"#,
                activity(20002)
            );
            json_reply(then, &body);
        })
        .await;

    let ids: Vec<i64> = client(&api)
        .list_activities()
        .stream_items()
        .map_ok(|a| a.id)
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(ids, [20001, 20002]);
}

#[tokio::test]
async fn get_activity_decodes_one_activity() {
    let api = MockApi::start().await;
    let body = activity(20001);
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/activities/20001"));
            json_reply(then, &body);
        })
        .await;

    let a = client(&api)
        .get_activity()
        .id(20001)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(a.appointment_id, Some(5550001));
    assert_eq!(a.memo.as_deref(), Some("Install"));
    assert_eq!(a.modified_by_id, Some(77));
    assert_eq!(a.project_id, None);
}

#[tokio::test]
async fn create_update_and_delete_an_activity() {
    let api = MockApi::start().await;
    let create = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/activities"))
                .json_body(json!({
                    "employeeId": 88,
                    "employeeType": "Technician",
                    "activityTypeId": 31,
                    "startTime": "2024-03-04T13:00:00Z",
                    "endTime": "2024-03-04T15:30:00Z",
                    "jobId": 123456789012_i64,
                    "milesDriven": 12.5,
                    "memo": "Install",
                    "tagTypes": [17, 18]
                }));
            json_reply(then, r#"{"id": 20003}"#);
        })
        .await;
    let update = api
        .server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(api.path(SERVER_PATH, "/activities/20003"))
                .json_body(json!({
                    "activityTypeId": 32,
                    "startTime": "2024-03-04T13:15:00Z",
                    "budgetCodeName": "CAPEX-7",
                    "tagTypes": [],
                    "active": true
                }));
            json_reply(then, r#"{"id": 20003}"#);
        })
        .await;
    let delete = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/activities/20003"));
            then.status(200);
        })
        .await;

    let c = client(&api);
    let created = c
        .create_activity()
        .body(types::ActivityCreateRequest {
            employee_id: 88,
            employee_type: types::EmployeeType::Technician,
            activity_type_id: 31,
            start_time: at("2024-03-04T13:00:00Z"),
            end_time: Some(at("2024-03-04T15:30:00Z")),
            job_id: Some(123456789012),
            miles_driven: Some(12.5),
            memo: Some("Install".into()),
            tag_types: vec![17, 18],
            appointment_id: None,
            budget_code_id: None,
            budget_code_name: None,
            labor_type_id: None,
            non_job_event_assignment_id: None,
            project_id: None,
            project_label: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let updated = c
        .update_activity()
        .id(20003)
        .body(types::ActivityUpdateRequest {
            activity_type_id: 32,
            start_time: at("2024-03-04T13:15:00Z"),
            budget_code_name: Some("CAPEX-7".into()),
            tag_types: vec![],
            active: true,
            appointment_id: None,
            budget_code_id: None,
            end_time: None,
            job_id: None,
            labor_type_id: None,
            memo: None,
            miles_driven: None,
            non_job_event_assignment_id: None,
            project_id: None,
            project_label: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let deleted = c.delete_activity().id(20003).send().await.unwrap();

    create.assert_async().await;
    update.assert_async().await;
    delete.assert_async().await;
    assert_eq!(created.id, 20003);
    assert_eq!(updated.id, 20003);
    assert_eq!(deleted.status().as_u16(), 200);
}

#[tokio::test]
async fn export_activities_streams_two_pages_with_the_token() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/activities"))
                .query_param_missing("from");
            let body = format!(
                r#"{{"hasMore": true, "continueFrom": "act-1", "data": [{}]}}"#,
                activity(20001)
            );
            json_reply(then, &body);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/activities"))
                .query_param("from", "act-1");
            let body = format!(
                r#"{{"hasMore": false, "continueFrom": "act-2", "data": [{}]}}"#,
                activity(20002).replace(r#""active": true"#, r#""active": false"#)
            );
            json_reply(then, &body);
        })
        .await;

    let batches: Vec<_> = client(&api)
        .export_activities()
        .stream_export(None)
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(batches.len(), 2);
    assert!(batches[0].has_more);
    assert_eq!(batches[0].continue_from.as_deref(), Some("act-1"));
    assert_eq!(batches[0].items[0].id, 20001);
    assert!(!batches[1].has_more);
    assert_eq!(batches[1].continue_from.as_deref(), Some("act-2"));
    assert_eq!(batches[1].items[0].id, 20002);
    assert_eq!(batches[1].items[0].active, Some(false));
}

// ---- Activity categories -----------------------------------------------------------------

#[tokio::test]
async fn list_and_get_activity_categories() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": [{CATEGORY}]}}"#
    );
    let list = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/activity-categories"))
                .query_param("active", "Any")
                .query_param("sort", "+name");
            json_reply(then, &body);
        })
        .await;
    let get = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/activity-categories/5"));
            json_reply(then, CATEGORY);
        })
        .await;

    let c = client(&api);
    let page = c
        .list_activity_categories()
        .active(types::ActiveFilter::Any)
        .sort("+name")
        .send()
        .await
        .unwrap()
        .into_inner();
    let category = c
        .get_activity_category()
        .id(5)
        .send()
        .await
        .unwrap()
        .into_inner();

    list.assert_async().await;
    get.assert_async().await;
    assert_eq!(page.data.unwrap()[0].id, 5);
    assert_eq!(category.type_, Some(types::ActivityCategoryType::Travel));
    assert_eq!(category.allow_edit, Some(true));
    assert_eq!(
        category.created_on,
        Some(at("2022-01-01T00:00:00.1234567Z"))
    );
}

#[tokio::test]
async fn export_activity_categories_decodes_a_batch() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/activity-categories"))
                .query_param("from", "cat-7")
                .query_param("includeRecentChanges", "true");
            let body = format!(
                r#"{{"hasMore": false, "continueFrom": "cat-8", "data": [{}]}}"#,
                CATEGORY.replace(r#""type": "Travel""#, r#""type": "PaidTimeOff""#)
            );
            json_reply(then, &body);
        })
        .await;

    let page = client(&api)
        .export_activity_categories()
        .from("cat-7")
        .include_recent_changes(true)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.continue_from.as_deref(), Some("cat-8"));
    assert_eq!(
        page.data.unwrap()[0].type_,
        Some(types::ActivityCategoryType::PaidTimeOff)
    );
}

// ---- Activity types ----------------------------------------------------------------------

#[tokio::test]
async fn list_and_get_activity_types() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 1, "data": [{ACTIVITY_TYPE}]}}"#
    );
    let list = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/activity-types"))
                .query_param("includeTotal", "true")
                .query_param("createdOnOrAfter", "2022-01-01T00:00:00Z");
            json_reply(then, &body);
        })
        .await;
    let get = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/activity-types/31"));
            json_reply(then, ACTIVITY_TYPE);
        })
        .await;

    let c = client(&api);
    let page = c
        .list_activity_types()
        .include_total(true)
        .created_on_or_after(at("2022-01-01T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();
    let t = c
        .get_activity_type()
        .id(31)
        .send()
        .await
        .unwrap()
        .into_inner();

    list.assert_async().await;
    get.assert_async().await;
    assert_eq!(page.total_count, Some(1));
    assert_eq!(t.code.as_deref(), Some("INSTALL"));
    assert_eq!(t.job_association, Some(types::Association::Require));
    assert_eq!(t.project_association, Some(types::Association::DoNotAllow));
    assert_eq!(t.tag_association, Some(types::Association::Allow));
    assert_eq!(t.visible_to_roles, Some(vec![1, 2]));
    assert_eq!(t.dont_allow_to_change_tag, Some(true));
}

#[tokio::test]
async fn export_activity_types_decodes_a_batch() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/activity-types"));
            let body = format!(
                r#"{{"hasMore": false, "continueFrom": "at-1", "data": [{ACTIVITY_TYPE}]}}"#
            );
            json_reply(then, &body);
        })
        .await;

    let page = client(&api)
        .export_activity_types()
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let t = &page.data.unwrap()[0];
    assert_eq!(t.id, 31);
    assert_eq!(t.labor_type_association, Some(types::Association::Require));
}

// ---- Decoding and errors -----------------------------------------------------------------

#[tokio::test]
async fn lenient_decoding_keeps_unknown_enums_and_tolerates_nulls_and_extras() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/activities/20009"));
            // `employeeType` is a value the spec does not list, `geofence` is not in the
            // spec, and the required `startTime` and `tagTypes` are null.
            json_reply(
                then,
                r#"{"id": 20009, "employeeId": 88, "employeeType": "Subcontractor",
                    "activityTypeId": 31, "startTime": null, "tagTypes": null, "active": true,
                    "createdOn": "2024-03-04T13:00:01.1234567", "modifiedOn": "2024-03-04T13:00:01Z",
                    "geofence": {"radiusMeters": 150}}"#,
            );
        })
        .await;

    let a = client(&api)
        .get_activity()
        .id(20009)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(a.id, 20009);
    assert_eq!(
        a.employee_type,
        Some(types::EmployeeType::Unknown("Subcontractor".into()))
    );
    assert_eq!(a.start_time, None);
    assert_eq!(a.tag_types, None);
    assert_eq!(a.created_on, Some(at("2024-03-04T13:00:01.1234567Z")));
}

#[tokio::test]
async fn a_missing_activity_is_an_api_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/activities/404"));
            then.status(404)
                .header("content-type", "application/json")
                .body(r#"{"title": "Activity not found.", "status": 404, "traceId": "00-ts-04"}"#);
        })
        .await;

    let result = client(&api).get_activity().id(404).send().await;

    mock.assert_async().await;
    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.trace_id(), Some("00-ts-04"));
}
