//! Technicians: list (paged), get, create, update, account actions and the export feed.

use crate::common::{at, authorized, client, json, path};
use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::{ExportRequestExt, ListRequestExt};
use servicetitan_core::testing::MockApi;
use servicetitan_core::types::Decimal;
use servicetitan_settings::types;

const TECHNICIAN: &str = r#"{
    "id": 5201, "userId": 91001, "name": "Marco Bianchi", "roleIds": [3],
    "businessUnitId": 301, "mainZoneId": 14, "zoneIds": [14, 15],
    "createdOn": "2021-06-14T07:00:00.1234567Z", "modifiedOn": "2024-03-01T10:00:00.1234567Z",
    "email": "marco@example.com", "phoneNumber": "+15555550142", "loginName": "mbianchi",
    "home": {"street": "1200 Elm St", "unit": "4B", "country": "USA", "city": "Glendale",
             "state": "CA", "zip": "91203", "streetAddress": "1200 Elm St, Unit 4B",
             "latitude": 34.1425, "longitude": -118.2551},
    "dailyGoal": 1500.00, "isManagedTech": true,
    "customFields": [{"typeId": 61, "name": "Van", "value": "V-12"}],
    "active": true, "aadUserId": null, "burdenRate": 32.50, "team": "North",
    "jobFilter": "NextScheduledDispatchedWorkingToday",
    "permissions": [{"id": 201, "value": "false"}], "accountLocked": null
}"#;

#[tokio::test]
async fn list_technicians_streams_items_across_pages() {
    let api = MockApi::start().await;
    let page1 = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/technicians"))
                    .query_param("active", "True")
                    .query_param("pageSize", "1")
                    .query_param("page", "1"),
            );
            json(
                then,
                &format!(
                    r#"{{"page": 1, "pageSize": 1, "hasMore": true, "data": [{TECHNICIAN}]}}"#
                ),
            );
        })
        .await;
    let page2 = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/technicians"))
                    .query_param("active", "True")
                    .query_param("pageSize", "1")
                    .query_param("page", "2"),
            );
            json(
                then,
                r#"{"page": 2, "pageSize": 1, "hasMore": false, "totalCount": null, "data": [
                    {"id": 5202, "userId": 91002, "name": "Ana Souza",
                     "createdOn": "2022-01-03T07:00:00.0000000Z", "modifiedOn": "2024-02-11T16:45:10.9876543Z",
                     "dailyGoal": 900.25, "isManagedTech": false, "active": true, "burdenRate": 28.10}
                ]}"#,
            );
        })
        .await;

    let client = client(&api);
    let technicians: Vec<types::Technician> = client
        .list_technicians()
        .active(types::ActiveFilter::True)
        .page_size(1)
        .stream_items()
        .try_collect()
        .await
        .unwrap();

    page1.assert_async().await;
    page2.assert_async().await;
    let ids: Vec<_> = technicians.iter().map(|t| t.id).collect();
    assert_eq!(ids, vec![5201, 5202]);
    assert_eq!(technicians[1].daily_goal.unwrap().to_string(), "900.25");
    assert_eq!(technicians[1].burden_rate.unwrap().to_string(), "28.10");
}

#[tokio::test]
async fn get_technician_decodes_money_address_and_job_filter() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/technicians/5201")));
            json(then, TECHNICIAN);
        })
        .await;

    let tech = client(&api)
        .get_technician()
        .id(5201)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(tech.id, 5201);
    assert_eq!(tech.user_id, Some(91001));
    assert_eq!(tech.zone_ids, Some(vec![14, 15]));
    assert_eq!(tech.main_zone_id, Some(14));
    assert_eq!(tech.daily_goal.unwrap().to_string(), "1500.00");
    assert_eq!(tech.burden_rate.unwrap().to_string(), "32.50");
    assert_eq!(tech.is_managed_tech, Some(true));
    assert_eq!(
        tech.job_filter,
        Some(types::JobFilter::NextScheduledDispatchedWorkingToday)
    );
    let home = tech.home.unwrap();
    assert_eq!(home.city.as_deref(), Some("Glendale"));
    assert_eq!(home.latitude, Some(34.1425));
    assert_eq!(home.longitude, Some(-118.2551));
    assert_eq!(
        tech.modified_on.unwrap(),
        at("2024-03-01T10:00:00.1234567Z")
    );
    assert_eq!(tech.team.as_deref(), Some("North"));
    assert_eq!(tech.account_locked, None);
}

#[tokio::test]
async fn create_technician_writes_decimals_as_given() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/technicians"))
                    // The exact text of the money fields, as the request carries it.
                    .body_includes(r#""dailyGoal":1250.10"#)
                    .body_includes(r#""burdenRate":31.00"#)
                    .json_body_includes(
                        r#"{"name": "Sam Okafor", "accountCreationMethod": "AssignLoginAndPassword",
                            "login": "sokafor", "roleId": 3, "positions": ["Service", "Maintenance"],
                            "licenseType": "ManagedTech", "jobFilter": "AllScheduledDispatchedWorkingToday",
                            "jobHistoryDateFilter": "LastSevenDays",
                            "home": {"street": "55 Oak Ave", "city": "Pasadena", "state": "CA", "zip": "91101"}}"#,
                    ),
            );
            json(then, r#"{"id": 5230}"#);
        })
        .await;

    let body = types::TechnicianCreateRequest {
        name: "Sam Okafor".into(),
        account_creation_method: types::AccountCreationMethod::AssignLoginAndPassword,
        login: Some("sokafor".into()),
        password: Some("s3cret-Passw0rd".into()),
        role_id: 3,
        positions: vec![
            types::TechnicianPosition::Service,
            types::TechnicianPosition::Maintenance,
        ],
        license_type: types::LicenseType::ManagedTech,
        daily_goal: Some("1250.10".parse::<Decimal>().unwrap()),
        burden_rate: Some("31.00".parse::<Decimal>().unwrap()),
        job_filter: Some(types::JobFilter::AllScheduledDispatchedWorkingToday),
        job_history_date_filter: Some(types::JobHistoryDateFilter::LastSevenDays),
        home: Some(types::AddressRequest {
            street: "55 Oak Ave".into(),
            city: "Pasadena".into(),
            state: Some("CA".into()),
            zip: Some("91101".into()),
            country: None,
            latitude: None,
            longitude: None,
            unit: None,
        }),
        aad_user_id: None,
        bio: None,
        business_unit_id: None,
        custom_fields: None,
        email: None,
        memo: None,
        phone_number: None,
        team: None,
    };
    let created = client(&api)
        .create_technician()
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(created.id, 5230);
}

#[tokio::test]
async fn update_technician_patches_the_given_fields() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(PATCH)
                    .path(path(&api, "/technicians/5201"))
                    .body_includes(r#""burdenRate":34.75"#)
                    .json_body(serde_json::json!({
                        "team": "South",
                        "burdenRate": 34.75,
                        "customFields": [{"typeId": 61, "value": "V-14"}]
                    })),
            );
            json(then, r#"{"id": 5201}"#);
        })
        .await;

    let updated = client(&api)
        .update_technician()
        .id(5201)
        .body(types::TechnicianUpdateRequest {
            team: servicetitan_core::types::Patch::Set("South".into()),
            burden_rate: servicetitan_core::types::Patch::Set("34.75".parse::<Decimal>().unwrap()),
            custom_fields: servicetitan_core::types::Patch::Set(vec![
                types::TechnicianCustomFieldRequest {
                    type_id: 61,
                    value: Some("V-14".into()),
                },
            ]),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(updated.id, Some(5201));
}

#[tokio::test]
async fn apply_technician_account_action_sends_license_and_truck() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/technicians/5201/account-actions"))
                    .json_body(serde_json::json!({
                        "action": "Activate",
                        "licenseType": "ManagedInstaller",
                        "truckId": 880
                    })),
            );
            json(then, r#"{"status": "Success"}"#);
        })
        .await;

    let result = client(&api)
        .apply_technician_account_action()
        .id(5201)
        .body(types::TechnicianAccountActionRequest {
            action: types::AccountAction::Activate,
            license_type: Some(types::TechnicianLicenseType::ManagedInstaller),
            truck_id: Some(880),
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(result.status, Some(types::AccountActionStatus::Success));
}

#[tokio::test]
async fn export_technicians_resumes_from_a_saved_token() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/export/technicians"))
                    .query_param("from", "saved-token"),
            );
            json(
                then,
                &format!(
                    r#"{{"hasMore": true, "continueFrom": "tech-token-1", "data": [{TECHNICIAN}]}}"#
                ),
            );
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/export/technicians"))
                    .query_param("from", "tech-token-1"),
            );
            json(
                then,
                r#"{"hasMore": false, "continueFrom": "tech-token-2", "data": []}"#,
            );
        })
        .await;

    let client = client(&api);
    let batches: Vec<_> = client
        .export_technicians()
        .stream_export(Some("saved-token".to_string()))
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(batches.len(), 2);
    assert_eq!(batches[0].continue_from.as_deref(), Some("tech-token-1"));
    let tech = &batches[0].items[0];
    assert_eq!(tech.id, 5201);
    assert_eq!(tech.daily_goal.unwrap().to_string(), "1500.00");
    assert!(batches[1].items.is_empty());
    assert!(!batches[1].has_more);
    assert_eq!(batches[1].continue_from.as_deref(), Some("tech-token-2"));
}
