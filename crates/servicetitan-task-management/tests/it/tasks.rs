//! Task Management API (`/taskmanagement/v2`): lookup data, tasks and subtasks.

use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;
use servicetitan_core::paging::ListRequestExt;
use servicetitan_core::testing::{json_reply, MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_task_management::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn at(text: &str) -> DateTime {
    text.parse().unwrap()
}

const TASK: &str = r#"{
    "reportedById": 88, "assignedToId": 89, "active": true, "isClosed": false,
    "status": "InProgress", "closedOn": null, "name": "Call back about refund",
    "businessUnitId": 301, "employeeTaskTypeId": 5, "employeeTaskSourceId": 6,
    "employeeTaskResolutionId": 0, "reportedOn": "2024-03-01T15:45:00.1234567Z",
    "completeBy": "2024-03-08T00:00:00Z", "involvedEmployeeIdList": [88, 89, 90],
    "customerId": 4242, "jobId": 123456789012, "projectId": null,
    "description": "Customer was double charged", "priority": "High", "id": 640001,
    "taskNumber": 1077, "customerName": "Ada Lovelace", "jobNumber": "J-1077",
    "refundIssued": 149.90, "descriptionModifiedOn": null, "descriptionModifiedById": null,
    "createdOn": "2024-03-01T15:45:01.7654321Z", "modifiedOn": "2024-03-02T09:00:00.0000001Z",
    "comments": [{"employeeId": 89, "comment": "Left a voicemail", "createdOn": "2024-03-02T09:00:00Z"}],
    "attachments": [{"createdOn": "2024-03-02T09:05:00Z", "createdBy": 89, "count": 1,
                     "files": [{"url": "https://files.example.com/t/640001/receipt.png", "filename": "receipt.png"}]}],
    "subTasksData": {"count": 1, "subTasks": [
        {"assignedToId": 90, "reportedById": 88, "active": true, "isClosed": true,
         "closedOn": "2024-03-03T10:00:00Z", "name": "Pull the invoice",
         "createdOn": "2024-03-01T16:00:00.5000000Z", "dueDateTime": null, "subtaskNumber": 2,
         "isViewed": true, "assignedDateTime": "2024-03-01T16:00:00Z", "comments": []}]}
}"#;

#[tokio::test]
async fn get_task_data_decodes_the_lookup_lists() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/data"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            json_reply(
                then,
                r#"{"employees": [{"id": 88, "name": "Grace Hopper", "active": true}],
                    "businessUnits": [{"name": "HVAC Service", "value": 301}],
                    "taskPriorities": [{"name": "Low"}, {"name": "Urgent"}],
                    "taskResolutionTypes": [{"name": "Refund"}],
                    "taskStatuses": [{"name": "ToDo"}, {"name": "OnHold"}],
                    "taskTypes": [{"id": 5, "name": "Billing", "active": true, "excludedTaskResolutionIds": [9]}],
                    "taskSources": [{"id": 6, "name": "Phone", "active": true}],
                    "taskResolutions": [{"id": 9, "name": "Refunded", "type": "Refund", "active": true,
                                         "excludedTaskTypeIds": []}]}"#,
            );
        })
        .await;

    let data = client(&api)
        .get_task_data()
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(data.employees.as_ref().unwrap()[0].id, Some(88));
    assert_eq!(data.business_units.as_ref().unwrap()[0].value, Some(301));
    assert_eq!(data.task_priorities.as_ref().unwrap().len(), 2);
    assert_eq!(
        data.task_types.as_ref().unwrap()[0].excluded_task_resolution_ids,
        Some(vec![9])
    );
    let resolution = &data.task_resolutions.as_ref().unwrap()[0];
    assert_eq!(resolution.type_, Some(types::TaskResolutionType::Refund));
    assert_eq!(resolution.excluded_task_type_ids, Some(vec![]));
}

#[tokio::test]
async fn list_tasks_sends_every_kind_of_filter() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 25, "hasMore": false, "totalCount": 1, "data": [{TASK}]}}"#
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/tasks"))
                .query_param("pageSize", "25")
                .query_param("includeTotal", "true")
                .query_param("active", "True")
                .query_param("reportedOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("completeBefore", "2024-04-01T00:00:00Z")
                .query_param("statuses", "ToDo,InProgress")
                .query_param("includeSubtasks", "true")
                .query_param("businessUnitIds", "301")
                .query_param("employeeTaskTypeIds", "5,7")
                .query_param("reportedById", "88")
                .query_param("assignedToId", "89")
                .query_param("involvedEmployeeIdList", "88,90")
                .query_param("customerId", "4242")
                .query_param("jobId", "123456789012")
                .query_param("priorities", "High,Urgent")
                .query_param("taskNumber", "1077")
                .query_param("jobNumber", "J-1077")
                .query_param("name", "refund")
                .query_param("sort", "-reportedOn");
            json_reply(then, &body);
        })
        .await;

    let page = client(&api)
        .list_tasks()
        .page_size(25)
        .include_total(true)
        .active(types::ActiveFilter::True)
        .reported_on_or_after(at("2024-03-01T00:00:00Z"))
        .complete_before(at("2024-04-01T00:00:00Z"))
        .statuses("ToDo,InProgress")
        .include_subtasks(true)
        .business_unit_ids("301")
        .employee_task_type_ids("5,7")
        .reported_by_id(88)
        .assigned_to_id(89)
        .involved_employee_id_list("88,90")
        .customer_id(4242)
        .job_id(123456789012_i64)
        .priorities("High,Urgent")
        .task_number(1077)
        .job_number("J-1077")
        .name("refund")
        .sort("-reportedOn")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let task = &page.data.unwrap()[0];
    assert_eq!(task.id, 640001);
    assert_eq!(task.task_number, Some(1077));
    assert_eq!(task.status, Some(types::TaskStatus::InProgress));
    assert_eq!(task.priority.as_deref(), Some("High"));
    assert_eq!(task.refund_issued.unwrap().to_string(), "149.90");
    assert_eq!(task.job_id, Some(123456789012));
    assert_eq!(task.reported_on, Some(at("2024-03-01T15:45:00.1234567Z")));
    assert_eq!(task.involved_employee_id_list, Some(vec![88, 89, 90]));
}

#[tokio::test]
async fn list_tasks_stream_items_walks_the_pages() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/tasks"))
                .query_param("page", "1")
                .query_param("assignedToId", "89");
            let body = format!(
                r#"{{"page": 1, "pageSize": 1, "hasMore": true, "totalCount": null, "data": [{TASK}]}}"#
            );
            json_reply(then, &body);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/tasks"))
                .query_param("page", "2")
                .query_param("assignedToId", "89");
            let body = format!(
                r#"{{"page": 2, "pageSize": 1, "hasMore": false, "totalCount": null, "data": [{}]}}"#,
                TASK.replace("640001", "640002")
            );
            json_reply(then, &body);
        })
        .await;

    let ids: Vec<i64> = client(&api)
        .list_tasks()
        .assigned_to_id(89)
        .stream_items()
        .map_ok(|t| t.id)
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(ids, [640001, 640002]);
}

#[tokio::test]
async fn get_task_decodes_comments_attachments_and_subtasks() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/tasks/640001"))
                .query_param("includeSubtasks", "true");
            json_reply(then, TASK);
        })
        .await;

    let task = client(&api)
        .get_task()
        .id(640001)
        .include_subtasks(true)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(task.customer_name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(
        task.comments.as_ref().unwrap()[0].comment.as_deref(),
        Some("Left a voicemail")
    );
    let group = &task.attachments.as_ref().unwrap()[0];
    assert_eq!(group.count, Some(1));
    assert_eq!(
        group.files.as_ref().unwrap()[0].filename.as_deref(),
        Some("receipt.png")
    );
    let subtasks = task.sub_tasks_data.unwrap();
    assert_eq!(subtasks.count, Some(1));
    let sub = &subtasks.sub_tasks.unwrap()[0];
    assert_eq!(sub.subtask_number, Some(2));
    assert_eq!(sub.closed_on, Some(at("2024-03-03T10:00:00Z")));
    assert_eq!(sub.created_on, Some(at("2024-03-01T16:00:00.5Z")));
}

#[tokio::test]
async fn create_task_posts_the_task() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/tasks"))
                .json_body(json!({
                    "reportedById": 88,
                    "assignedToId": 89,
                    "isClosed": false,
                    "status": "ToDo",
                    "name": "Call back about refund",
                    "businessUnitId": 301,
                    "employeeTaskTypeId": 5,
                    "employeeTaskSourceId": 6,
                    "reportedDate": "2024-03-01T15:45:00Z",
                    "completeBy": "2024-03-08T00:00:00Z",
                    "involvedEmployeeIdList": [88, 90],
                    "customerId": 4242,
                    "jobId": 123456789012_i64,
                    "description": "Customer was double charged",
                    "priority": "Urgent"
                }));
            json_reply(
                then,
                r#"{"reportedById": 88, "assignedToId": 89, "isClosed": false, "status": "ToDo",
                    "name": "Call back about refund", "businessUnitId": 301, "employeeTaskTypeId": 5,
                    "employeeTaskSourceId": 6, "employeeTaskResolutionId": null,
                    "reportedDate": "2024-03-01T15:45:00Z", "completeBy": "2024-03-08T00:00:00Z",
                    "startedOn": null, "involvedEmployeeIdList": [88, 90], "customerId": 4242,
                    "jobId": 123456789012, "projectId": null,
                    "description": "Customer was double charged", "priority": "Urgent",
                    "id": 640003, "taskNumber": 1078, "customerName": "Ada Lovelace",
                    "jobNumber": "J-1077", "refundIssued": null, "descriptionModifiedOn": null,
                    "descriptionModifiedBy": null, "createdOn": "2024-03-01T15:45:01.1234567Z",
                    "modifiedOn": "2024-03-01T15:45:01.1234567Z"}"#,
            );
        })
        .await;

    let created = client(&api)
        .create_task()
        .body(types::TaskCreateRequest {
            reported_by_id: 88,
            assigned_to_id: 89,
            is_closed: false,
            status: Some(types::TaskStatus::ToDo),
            name: "Call back about refund".into(),
            business_unit_id: 301,
            employee_task_type_id: 5,
            employee_task_source_id: 6,
            reported_date: at("2024-03-01T15:45:00Z"),
            complete_by: Some(at("2024-03-08T00:00:00Z")),
            involved_employee_id_list: Some(vec![88, 90]),
            customer_id: Some(4242),
            job_id: Some(123456789012),
            description: Some("Customer was double charged".into()),
            priority: types::TaskPriority::Urgent,
            employee_task_resolution_id: None,
            project_id: None,
            started_on: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(created.id, 640003);
    assert_eq!(created.task_number, Some(1078));
    assert_eq!(created.priority, Some(types::TaskPriority::Urgent));
    assert_eq!(created.status, Some(types::TaskStatus::ToDo));
    assert_eq!(created.refund_issued, None);
    assert_eq!(created.created_on, Some(at("2024-03-01T15:45:01.1234567Z")));
}

#[tokio::test]
async fn create_subtask_posts_under_the_parent_task() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/tasks/640001/subtasks"))
                .json_body(json!({
                    "isClosed": false,
                    "name": "Email the receipt",
                    "assignedToId": 90,
                    "dueDateTime": "2024-03-05T17:00:00Z"
                }));
            json_reply(
                then,
                r#"{"isClosed": false, "name": "Email the receipt", "assignedToId": 90,
                    "dueDateTime": "2024-03-05T17:00:00Z", "parentTaskId": 640001,
                    "subtaskNumber": "3", "isViewed": false,
                    "assignedDateTime": "2024-03-02T10:00:00.1234567Z",
                    "createdOn": "2024-03-02T10:00:00.1234567Z"}"#,
            );
        })
        .await;

    let sub = client(&api)
        .create_subtask()
        .id(640001)
        .body(types::SubtaskCreateRequest {
            is_closed: false,
            name: "Email the receipt".into(),
            assigned_to_id: 90,
            due_date_time: Some(at("2024-03-05T17:00:00Z")),
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(sub.parent_task_id, Some(640001));
    // The spec types `subtaskNumber` as a string here (an integer on `Subtask`).
    assert_eq!(sub.subtask_number.as_deref(), Some("3"));
    assert_eq!(sub.due_date_time, Some(at("2024-03-05T17:00:00Z")));
}

#[tokio::test]
async fn lenient_decoding_keeps_unknown_enums_and_tolerates_nulls_and_extras() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/tasks/640009"));
            // `status` is a value the spec does not list, `slaBreached` is not in the spec,
            // and the required `reportedOn`, `businessUnitId` and `taskNumber` are null.
            json_reply(
                then,
                r#"{"reportedById": 88, "assignedToId": 89, "active": true, "isClosed": false,
                    "status": "Escalated", "businessUnitId": null, "employeeTaskTypeId": 5,
                    "employeeTaskSourceId": 6, "employeeTaskResolutionId": 0, "reportedOn": null,
                    "id": 640009, "taskNumber": null, "createdOn": "2024-03-01T15:45:01.1234567",
                    "slaBreached": true, "subTasksData": null}"#,
            );
        })
        .await;

    let task = client(&api)
        .get_task()
        .id(640009)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(task.id, 640009);
    assert_eq!(
        task.status,
        Some(types::TaskStatus::Unknown("Escalated".into()))
    );
    assert_eq!(task.reported_on, None);
    assert_eq!(task.business_unit_id, None);
    assert_eq!(task.task_number, None);
    assert!(task.sub_tasks_data.is_none());
    assert_eq!(task.created_on, Some(at("2024-03-01T15:45:01.1234567Z")));
}

#[tokio::test]
async fn a_validation_error_on_create_is_an_api_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST).path(api.path(SERVER_PATH, "/tasks"));
            then.status(400)
                .header("content-type", "application/json")
                .body(
                    r#"{"title": "One or more validation errors occurred.", "status": 400,
                        "traceId": "00-tm-01", "errors": {"Name": ["The Name field is required."]}}"#,
                );
        })
        .await;

    let result = client(&api)
        .create_task()
        // A blank name: the server wants one.
        .body(
            types::TaskCreateRequest::builder()
                .name(String::new())
                .assigned_to_id(1)
                .business_unit_id(1)
                .employee_task_source_id(1)
                .employee_task_type_id(1)
                .is_closed(false)
                .priority(types::TaskPriority::Normal)
                .reported_by_id(1)
                .reported_date(
                    "2026-11-29T12:00:00Z"
                        .parse::<servicetitan_core::types::DateTime>()
                        .unwrap(),
                ),
        )
        .send()
        .await;

    mock.assert_async().await;
    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(
        err.problem().unwrap().errors["Name"],
        ["The Name field is required."]
    );
}
