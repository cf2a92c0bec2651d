//! User roles: the list, filtered by employee type.

use crate::common::{at, authorized, client, json, path};
use httpmock::prelude::*;
use servicetitan_core::testing::MockApi;
use servicetitan_settings::types;

#[tokio::test]
async fn list_user_roles_filters_by_employee_type() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/user-roles"))
                    .query_param("ids", "3,7")
                    .query_param("employeeType", "Technician")
                    .query_param("active", "True")
                    .query_param("createdOnOrAfter", "2020-01-01T00:00:00Z")
                    .query_param("includeTotal", "true"),
            );
            json(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 2, "data": [
                    {"id": 3, "active": true, "name": "Field Technician",
                     "createdOn": "2020-02-02T09:00:00.1234567Z", "employeeType": "Technician"},
                    {"id": 7, "active": true, "name": "Lead Installer",
                     "createdOn": "2021-08-19T13:30:00.0000000Z", "employeeType": "Technician"}
                ]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_user_roles()
        .ids("3,7")
        .employee_type(types::EmployeeTypeFilter::Technician)
        .active("True")
        .created_on_or_after(at("2020-01-01T00:00:00Z"))
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(2));
    let roles = page.data.unwrap();
    assert_eq!(roles.len(), 2);
    assert_eq!(roles[0].id, 3);
    assert_eq!(
        roles[0].employee_type,
        Some(types::EmployeeType::Technician)
    );
    assert_eq!(
        roles[0].created_on.unwrap(),
        at("2020-02-02T09:00:00.1234567Z")
    );
    assert_eq!(roles[1].name.as_deref(), Some("Lead Installer"));
}
