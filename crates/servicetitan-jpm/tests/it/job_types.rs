//! Job types: list, get, create and update.

use crate::common::{at, authorized, client, json, path};
use httpmock::prelude::*;
use servicetitan_core::testing::MockApi;
use servicetitan_core::types::Decimal;
use servicetitan_jpm::types;

const APP_GUID: &str = "9a4c1f0e-2b7d-4e8a-b3c5-6d7e8f901234";

const JOB_TYPE: &str = r#"{
    "id": 45, "name": "AC Repair", "businessUnitIds": [301], "skills": ["HVAC", "EPA 608"],
    "tagTypeIds": [801], "priority": "Normal", "duration": 7200, "soldThreshold": 1500.00,
    "class": "Service", "summary": "Diagnose and repair\ncooling issues", "noCharge": false,
    "enforceRecurringServiceEventSelection": null, "invoiceSignaturesRequired": true,
    "modifiedOn": "2024-03-01T10:00:00.1234567Z", "createdOn": "2019-05-05T05:05:05.0000000Z",
    "externalData": [{"key": "erpType", "value": "SVC-AC"}], "active": true
}"#;

#[tokio::test]
async fn list_job_types_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/job-types"))
                    .query_param("name", "Repair")
                    .query_param("minDuration", "3600")
                    .query_param("maxDuration", "14400")
                    .query_param("priority", "Normal")
                    .query_param("active", "True")
                    .query_param("orderBy", "name")
                    .query_param("orderByDirection", "asc")
                    .query_param("externalDataApplicationGuid", APP_GUID),
            );
            json(
                then,
                &format!(
                    r#"{{"page": 1, "pageSize": 50, "hasMore": false, "data": [{JOB_TYPE}]}}"#
                ),
            );
        })
        .await;

    let page = client(&api)
        .list_job_types()
        .name("Repair")
        .min_duration(3600)
        .max_duration(14400)
        .priority("Normal")
        .active(types::ActiveFilter::True)
        .order_by("name")
        .order_by_direction("asc")
        .external_data_application_guid(APP_GUID)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let job_type = &page.data.unwrap()[0];
    assert_eq!(job_type.id, 45);
    assert_eq!(job_type.duration, Some(7200));
    assert_eq!(job_type.sold_threshold.unwrap().to_string(), "1500.00");
    assert_eq!(job_type.skills.as_ref().unwrap(), &["HVAC", "EPA 608"]);
}

#[tokio::test]
async fn get_job_type_decodes_the_type() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/job-types/45")));
            json(then, JOB_TYPE);
        })
        .await;

    let job_type = client(&api)
        .get_job_type()
        .id(45)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(job_type.class.as_deref(), Some("Service"));
    assert_eq!(job_type.invoice_signatures_required, Some(true));
    assert_eq!(job_type.enforce_recurring_service_event_selection, None);
    assert_eq!(job_type.business_unit_ids, Some(vec![301]));
    assert_eq!(
        job_type.external_data.unwrap()[0].key.as_deref(),
        Some("erpType")
    );
    assert_eq!(
        job_type.modified_on.unwrap(),
        at("2024-03-01T10:00:00.1234567Z")
    );
}

#[tokio::test]
async fn create_job_type_writes_the_threshold_as_given() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/job-types"))
                    .body_includes(r#""soldThreshold":2500.50"#)
                    .json_body(serde_json::json!({
                        "name": "Furnace Install",
                        "businessUnitIds": [302],
                        "skills": ["HVAC"],
                        "priority": "High",
                        "duration": 14400,
                        "soldThreshold": 2500.50,
                        "class": "Install",
                        "invoiceSignaturesRequired": true
                    })),
            );
            json(
                then,
                r#"{"id": 46, "name": "Furnace Install", "businessUnitIds": [302], "skills": ["HVAC"],
                    "tagTypeIds": [], "priority": "High", "duration": 14400, "soldThreshold": 2500.50,
                    "class": "Install", "summary": "", "noCharge": false, "invoiceSignaturesRequired": true,
                    "modifiedOn": "2024-03-01T10:00:00.1234567Z", "createdOn": "2024-03-01T10:00:00.1234567Z",
                    "externalData": [], "active": true}"#,
            );
        })
        .await;

    let created = client(&api)
        .create_job_type()
        .body(types::JobTypeCreateRequest {
            name: "Furnace Install".into(),
            business_unit_ids: Some(vec![302]),
            skills: Some(vec!["HVAC".into()]),
            priority: Some("High".into()),
            duration: Some(14400),
            sold_threshold: Some("2500.50".parse::<Decimal>().unwrap()),
            class: Some("Install".into()),
            invoice_signatures_required: Some(true),
            custom_field_type_ids: None,
            default_estimate_sold_action: None,
            enforce_recurring_service_event_selection: None,
            external_data: None,
            no_charge: None,
            summary: None,
            tag_type_ids: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(created.id, 46);
    assert_eq!(created.sold_threshold.unwrap().to_string(), "2500.50");
}

#[tokio::test]
async fn update_job_type_patches_the_given_fields() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(PATCH)
                    .path(path(&api, "/job-types/45"))
                    .json_body(serde_json::json!({"duration": 5400, "noCharge": true, "tagTypeIds": [801, 803]})),
            );
            json(then, JOB_TYPE);
        })
        .await;

    let updated = client(&api)
        .update_job_type()
        .id(45)
        .body_map(|b| {
            b.duration(5400)
                .no_charge(true)
                .tag_type_ids(vec![801, 803])
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(updated.id, 45);
}
