//! Office employees: list, get, create, update, account actions and the export feed.

use crate::common::{at, authorized, client, json, path};
use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::ExportRequestExt;
use servicetitan_core::testing::MockApi;
use servicetitan_settings::types;

const EMPLOYEE: &str = r#"{
    "id": 4101, "userId": 90001, "name": "Dana Whitfield",
    "role": "Dispatch", "roleIds": [7, 12], "businessUnitId": 301,
    "createdOn": "2023-11-02T08:15:00.1234567Z", "modifiedOn": "2024-03-01T10:00:00.7654321Z",
    "email": "dana@example.com", "phoneNumber": "+15555550123", "loginName": "dwhitfield",
    "customFields": [{"typeId": 55, "name": "Shirt size", "value": "L"}],
    "active": true, "aadUserId": null,
    "permissions": [{"id": 14, "value": "true"}], "accountLocked": false
}"#;

#[tokio::test]
async fn list_employees_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/employees"))
                    .query_param("ids", "4101,4102")
                    .query_param("userIds", "90001")
                    .query_param("name", "dana")
                    .query_param("active", "Any")
                    .query_param("page", "2")
                    .query_param("pageSize", "25")
                    .query_param("includeTotal", "true")
                    .query_param("modifiedOnOrAfter", "2024-03-01T00:00:00Z")
                    .query_param("createdBefore", "2024-01-01T00:00:00Z"),
            );
            json(
                then,
                &format!(
                    r#"{{"page": 2, "pageSize": 25, "hasMore": false, "totalCount": 26, "data": [{EMPLOYEE}]}}"#
                ),
            );
        })
        .await;

    let page = client(&api)
        .list_employees()
        .ids("4101,4102")
        .user_ids("90001")
        .name("dana")
        .active("Any")
        .page(2)
        .page_size(25)
        .include_total(true)
        .modified_on_or_after(at("2024-03-01T00:00:00Z"))
        .created_before(at("2024-01-01T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.page, Some(2));
    assert_eq!(page.has_more, Some(false));
    assert_eq!(page.total_count, Some(26));
    let employees = page.data.unwrap();
    assert_eq!(employees.len(), 1);
    let dana = &employees[0];
    assert_eq!(dana.id, 4101);
    assert_eq!(dana.user_id, Some(90001));
    assert_eq!(dana.role, Some(types::EmployeeUserRole::Dispatch));
    assert_eq!(dana.role_ids, Some(vec![7, 12]));
    assert_eq!(dana.business_unit_id, Some(301));
    assert_eq!(
        dana.modified_on.unwrap().to_string(),
        "2024-03-01T10:00:00.7654321Z"
    );
    assert_eq!(dana.aad_user_id, None);
    let field = &dana.custom_fields.as_ref().unwrap()[0];
    assert_eq!(field.type_id, Some(55));
    assert_eq!(field.value.as_deref(), Some("L"));
    assert_eq!(dana.permissions.as_ref().unwrap()[0].id, Some(14));
    assert_eq!(dana.account_locked, Some(false));
}

#[tokio::test]
async fn get_employee_decodes_the_record() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/employees/4101")));
            json(then, EMPLOYEE);
        })
        .await;

    let dana = client(&api)
        .get_employee()
        .id(4101)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(dana.id, 4101);
    assert_eq!(dana.name.as_deref(), Some("Dana Whitfield"));
    assert_eq!(dana.email.as_deref(), Some("dana@example.com"));
    assert_eq!(dana.created_on.unwrap(), at("2023-11-02T08:15:00.1234567Z"));
    assert_eq!(dana.active, Some(true));
}

#[tokio::test]
async fn create_employee_sends_the_new_employee() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/employees"))
                    .header("content-type", "application/json")
                    .json_body(serde_json::json!({
                        "name": "Priya Raman",
                        "email": "priya@example.com",
                        "mobilePhoneNumber": "+15555550188",
                        "accountCreationMethod": "SendInvite",
                        "businessUnitId": 301,
                        "roleId": 12,
                        "positions": ["CSR", "DispatchManager"],
                        "customFields": [{"typeId": 55, "value": "M"}]
                    })),
            );
            json(then, r#"{"id": 4188}"#);
        })
        .await;

    let body = types::EmployeeCreateRequest {
        name: "Priya Raman".into(),
        email: "priya@example.com".into(),
        mobile_phone_number: Some("+15555550188".into()),
        account_creation_method: types::AccountCreationMethod::SendInvite,
        business_unit_id: Some(301),
        role_id: 12,
        positions: vec![
            types::EmployeePosition::Csr,
            types::EmployeePosition::DispatchManager,
        ],
        custom_fields: Some(vec![types::EmployeeCustomFieldRequest {
            type_id: 55,
            value: Some("M".into()),
        }]),
        aad_user_id: None,
        login: None,
        password: None,
        phone_number: None,
    };
    let created = client(&api)
        .create_employee()
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(created.id, 4188);
}

#[tokio::test]
async fn update_employee_sends_only_the_changed_fields() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(PATCH)
                    .path(path(&api, "/employees/4101"))
                    .json_body(serde_json::json!({
                        "phoneNumber": "+15555550999",
                        "positions": ["OfficeManager"],
                        "accountLocked": true
                    })),
            );
            json(then, r#"{"id": 4101}"#);
        })
        .await;

    let updated = client(&api)
        .update_employee()
        .id(4101)
        .body_map(|b| {
            b.phone_number("+15555550999".to_string())
                .positions(vec![types::EmployeePosition::OfficeManager])
                .account_locked(true)
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(updated.id, Some(4101));
}

#[tokio::test]
async fn apply_employee_account_action_posts_the_action() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/employees/4101/account-actions"))
                    .json_body(serde_json::json!({"action": "SendPasswordResetLink"})),
            );
            json(then, r#"{"status": "Success"}"#);
        })
        .await;

    let result = client(&api)
        .apply_employee_account_action()
        .id(4101)
        .body(types::AccountActionRequest {
            action: types::AccountAction::SendPasswordResetLink,
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(result.status, Some(types::AccountActionStatus::Success));
}

#[tokio::test]
async fn export_employees_streams_batches_and_passes_the_token_back() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/export/employees"))
                    .query_param("includeRecentChanges", "true")
                    .query_param_missing("from"),
            );
            json(
                then,
                &format!(
                    r#"{{"hasMore": true, "continueFrom": "emp-token-1", "data": [{EMPLOYEE}]}}"#
                ),
            );
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/export/employees"))
                    .query_param("includeRecentChanges", "true")
                    .query_param("from", "emp-token-1"),
            );
            json(
                then,
                r#"{"hasMore": false, "continueFrom": "emp-token-2", "data": [
                    {"id": 4102, "userId": 90002, "name": "Lee Ortiz", "role": "Accounting",
                     "createdOn": "2022-05-05T12:00:00.0000001Z", "modifiedOn": "2024-03-02T09:30:00.5000000Z",
                     "active": false}
                ]}"#,
            );
        })
        .await;

    let client = client(&api);
    let batches: Vec<_> = client
        .export_employees()
        .include_recent_changes(true)
        .stream_export(None)
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(batches.len(), 2);
    assert!(batches[0].has_more);
    assert_eq!(batches[0].continue_from.as_deref(), Some("emp-token-1"));
    assert_eq!(batches[0].items[0].id, 4101);
    assert!(!batches[1].has_more);
    assert_eq!(batches[1].continue_from.as_deref(), Some("emp-token-2"));
    let lee = &batches[1].items[0];
    assert_eq!(lee.id, 4102);
    assert_eq!(lee.role, Some(types::EmployeeUserRole::Accounting));
    assert_eq!(lee.active, Some(false));
}

#[tokio::test]
async fn get_employee_not_found_becomes_an_api_error_with_the_problem() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/employees/999")));
            then.status(404)
                .header("content-type", "application/json")
                .body(
                    r#"{"type": "https://httpstatuses.com/404", "title": "Employee not found.",
                          "status": 404, "traceId": "00-abc123-01"}"#,
                );
        })
        .await;

    let result = client(&api).get_employee().id(999).send().await;

    mock.assert_async().await;
    let err: servicetitan_core::Error = result.unwrap_err().into();
    let servicetitan_core::Error::Api(api_err) = err else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(api_err.status.as_u16(), 404);
    assert_eq!(api_err.trace_id(), Some("00-abc123-01"));
    assert_eq!(
        api_err.problem.as_ref().unwrap().title.as_deref(),
        Some("Employee not found.")
    );
}

#[tokio::test]
async fn create_employee_validation_errors_keep_the_field_messages() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(POST).path(path(&api, "/employees")));
            then.status(400)
                .header("content-type", "application/json")
                .body(
                    r#"{"title": "One or more validation errors occurred.", "status": 400,
                          "errors": {"Email": ["The Email field is required."]}}"#,
                );
        })
        .await;

    let result = client(&api)
        .create_employee()
        // A blank email: the server wants a real one.
        .body_map(|b| {
            b.name("No Email".to_string())
                .email(String::new())
                .role_id(3)
                .positions(vec![types::EmployeePosition::Csr])
                .account_creation_method(types::AccountCreationMethod::CreateLater)
        })
        .send()
        .await;

    mock.assert_async().await;
    let err: servicetitan_core::Error = result.unwrap_err().into();
    let servicetitan_core::Error::Api(api_err) = err else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(api_err.status.as_u16(), 400);
    assert_eq!(
        api_err.problem.as_ref().unwrap().errors["Email"],
        vec!["The Email field is required.".to_string()]
    );
}

#[tokio::test]
async fn employee_decoding_is_lenient() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/employees/4103")));
            // An unknown role, a field the document does not list, and nulls in required fields.
            json(
                then,
                r#"{"id": 4103, "userId": null, "name": null, "role": "RegionalDirector",
                    "createdOn": "2024-03-01T10:00:00.1234567", "modifiedOn": null, "active": true,
                    "preferredLanguage": "es-MX"}"#,
            );
        })
        .await;

    let employee = client(&api)
        .get_employee()
        .id(4103)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(employee.id, 4103);
    assert_eq!(employee.user_id, None);
    assert_eq!(employee.name, None);
    assert_eq!(
        employee.role,
        Some(types::EmployeeUserRole::Unknown("RegionalDirector".into()))
    );
    assert_eq!(employee.role.as_ref().unwrap().as_str(), "RegionalDirector");
    assert_eq!(
        employee.created_on.unwrap(),
        at("2024-03-01T10:00:00.1234567Z")
    );
    assert_eq!(employee.modified_on, None);
}
