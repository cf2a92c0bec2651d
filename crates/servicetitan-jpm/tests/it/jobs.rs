//! Jobs: list (filters and paging), get, create, update, and lenient decoding.

use crate::common::{at, authorized, client, json, path};
use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::ListRequestExt;
use servicetitan_core::testing::MockApi;
use servicetitan_jpm::types;

const APP_GUID: &str = "9a4c1f0e-2b7d-4e8a-b3c5-6d7e8f901234";

const JOB: &str = r#"{
    "id": 650123, "jobNumber": "650123", "projectId": 7701, "customerId": 88001, "locationId": 88002,
    "jobStatus": "Completed", "completedOn": "2024-03-04T19:42:10.1234567Z",
    "businessUnitId": 301, "jobTypeId": 45, "priority": "Normal", "campaignId": 12,
    "summary": "<p>No cooling upstairs</p>",
    "customFields": [{"typeId": 901, "name": "Gate code", "value": "4412"}],
    "appointmentCount": 2, "firstAppointmentId": 650124, "lastAppointmentId": 650125,
    "recallForId": null, "warrantyId": null,
    "jobGeneratedLeadSource": {"jobId": 640000, "employeeId": 5201},
    "noCharge": false, "notificationsEnabled": true,
    "createdOn": "2024-02-28T21:14:03.1234567Z", "createdById": 4101,
    "modifiedOn": "2024-03-04T19:45:00.7654321Z", "tagTypeIds": [801, 803],
    "leadCallId": 3300991, "bookingId": null, "soldById": 5201,
    "externalData": [{"key": "erpJob", "value": "J-2024-0042"}],
    "customerPo": "PO-7731", "invoiceId": 990011, "membershipId": null, "total": 1234.10
}"#;

#[tokio::test]
async fn list_jobs_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/jobs"))
                    .query_param("page", "2")
                    .query_param("pageSize", "50")
                    .query_param("includeTotal", "true")
                    .query_param("jobStatus", "Completed")
                    .query_param("appointmentStatus", "Done")
                    .query_param("customerId", "88001")
                    .query_param("businessUnitId", "301")
                    .query_param("completedOnOrAfter", "2024-03-01T00:00:00Z")
                    .query_param("completedBefore", "2024-04-01T00:00:00Z")
                    .query_param("tagTypeIds", "801,803")
                    .query_param("externalDataApplicationGuid", APP_GUID)
                    .query_param("externalDataKey", "erpJob")
                    .query_param("externalDataValues", "J-2024-0042")
                    .query_param("hasUnusedAppointments", "false")
                    .query_param("sort", "-modifiedOn"),
            );
            json(
                then,
                &format!(
                    r#"{{"page": 2, "pageSize": 50, "hasMore": false, "totalCount": 51, "data": [{JOB}]}}"#
                ),
            );
        })
        .await;

    let page = client(&api)
        .list_jobs()
        .page(2)
        .page_size(50)
        .include_total(true)
        .job_status("Completed")
        .appointment_status(types::JobAppointmentStatus::Done)
        .customer_id(88001_i64)
        .business_unit_id(301_i64)
        .completed_on_or_after(at("2024-03-01T00:00:00Z"))
        .completed_before(at("2024-04-01T00:00:00Z"))
        .tag_type_ids("801,803")
        .external_data_application_guid(APP_GUID)
        .external_data_key("erpJob")
        .external_data_values("J-2024-0042")
        .has_unused_appointments(false)
        .sort("-modifiedOn")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(51));
    let job = &page.data.unwrap()[0];
    assert_eq!(job.id, 650123);
    assert_eq!(job.job_number.as_deref(), Some("650123"));
    assert_eq!(job.job_status.as_deref(), Some("Completed"));
    assert_eq!(job.total.unwrap().to_string(), "1234.10");
    assert_eq!(job.tag_type_ids, Some(vec![801, 803]));
    assert_eq!(
        job.completed_on.unwrap(),
        at("2024-03-04T19:42:10.1234567Z")
    );
}

#[tokio::test]
async fn list_jobs_streams_every_page() {
    let api = MockApi::start().await;
    let page1 = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/jobs"))
                    .query_param("modifiedOnOrAfter", "2024-03-01T00:00:00Z")
                    .query_param("page", "1"),
            );
            json(
                then,
                &format!(r#"{{"page": 1, "pageSize": 1, "hasMore": true, "data": [{JOB}]}}"#),
            );
        })
        .await;
    let page2 = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/jobs"))
                    .query_param("modifiedOnOrAfter", "2024-03-01T00:00:00Z")
                    .query_param("page", "2"),
            );
            json(
                then,
                r#"{"page": 2, "pageSize": 1, "hasMore": false, "data": [
                    {"id": 650200, "jobNumber": "650200", "customerId": 88010, "locationId": 88011,
                     "jobStatus": "Scheduled", "businessUnitId": 302, "jobTypeId": 46, "priority": "High",
                     "campaignId": 12, "customFields": [], "appointmentCount": 1,
                     "firstAppointmentId": 650201, "lastAppointmentId": 650201, "noCharge": true,
                     "notificationsEnabled": false, "createdOn": "2024-03-02T08:00:00.0000000Z",
                     "createdById": 4102, "modifiedOn": "2024-03-02T08:00:00.0000000Z", "tagTypeIds": [],
                     "externalData": [], "customerPo": "", "invoiceId": 990020, "total": 0.00}
                ]}"#,
            );
        })
        .await;

    let client = client(&api);
    let jobs: Vec<types::Job> = client
        .list_jobs()
        .modified_on_or_after(at("2024-03-01T00:00:00Z"))
        .stream_items()
        .try_collect()
        .await
        .unwrap();

    page1.assert_async().await;
    page2.assert_async().await;
    let ids: Vec<_> = jobs.iter().map(|j| j.id).collect();
    assert_eq!(ids, vec![650123, 650200]);
    assert_eq!(jobs[1].no_charge, Some(true));
    assert_eq!(jobs[1].total.unwrap().to_string(), "0.00");
}

#[tokio::test]
async fn get_job_decodes_the_whole_job() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/jobs/650123"))
                    .query_param("externalDataApplicationGuid", APP_GUID),
            );
            json(then, JOB);
        })
        .await;

    let job = client(&api)
        .get_job()
        .id(650123)
        .external_data_application_guid(APP_GUID)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(job.project_id, Some(7701));
    assert_eq!(job.customer_id, Some(88001));
    assert_eq!(job.location_id, Some(88002));
    assert_eq!(job.appointment_count, Some(2));
    assert_eq!(job.lead_call_id, Some(3300991));
    assert_eq!(job.booking_id, None);
    assert_eq!(job.invoice_id, Some(990011));
    let lead = job.job_generated_lead_source.unwrap();
    assert_eq!(lead.job_id, Some(640000));
    assert_eq!(lead.employee_id, Some(5201));
    let field = &job.custom_fields.unwrap()[0];
    assert_eq!(
        (field.type_id, field.value.as_deref()),
        (Some(901), Some("4412"))
    );
    assert_eq!(
        job.external_data.unwrap()[0].value.as_deref(),
        Some("J-2024-0042")
    );
    assert_eq!(job.total.unwrap().to_string(), "1234.10");
    assert_eq!(job.modified_on.unwrap(), at("2024-03-04T19:45:00.7654321Z"));
}

#[tokio::test]
async fn create_job_posts_the_job_with_its_first_appointment() {
    let api = MockApi::start().await;
    let mock =
        api.server
            .mock_async(|when, then| {
                authorized(when.method(POST).path(path(&api, "/jobs")).json_body(
                    serde_json::json!({
                        "customerId": 88001,
                        "locationId": 88002,
                        "businessUnitId": 301,
                        "jobTypeId": 45,
                        "priority": "Normal",
                        "campaignId": 12,
                        "appointments": [{
                            "start": "2024-03-04T16:00:00Z",
                            "end": "2024-03-04T18:00:00Z",
                            "arrivalWindowStart": "2024-03-04T16:00:00Z",
                            "arrivalWindowEnd": "2024-03-04T20:00:00Z",
                            "technicianIds": [5201]
                        }],
                        "summary": "No cooling upstairs",
                        "customFields": [{"typeId": 901, "value": "4412"}],
                        "tagTypeIds": [801],
                        "externalData": {
                            "applicationGuid": APP_GUID,
                            "externalData": [{"key": "erpJob", "value": "J-2024-0042"}]
                        },
                        "customerPo": "PO-7731"
                    }),
                ));
                json(then, JOB);
            })
            .await;

    let body = types::JobCreateRequest {
        customer_id: 88001,
        location_id: 88002,
        business_unit_id: 301,
        job_type_id: 45,
        priority: "Normal".into(),
        campaign_id: 12,
        appointments: vec![types::JobAppointmentRequest {
            start: at("2024-03-04T16:00:00Z"),
            end: at("2024-03-04T18:00:00Z"),
            arrival_window_start: Some(at("2024-03-04T16:00:00Z")),
            arrival_window_end: Some(at("2024-03-04T20:00:00Z")),
            technician_ids: Some(vec![5201]),
        }],
        summary: Some("No cooling upstairs".into()),
        custom_fields: Some(vec![types::JobCustomFieldRequest {
            type_id: 901,
            value: Some("4412".into()),
        }]),
        tag_type_ids: Some(vec![801]),
        external_data: Some(types::ExternalDataCreateRequest {
            application_guid: APP_GUID.parse().unwrap(),
            external_data: vec![types::ExternalDataInput {
                key: "erpJob".into(),
                value: "J-2024-0042".into(),
            }],
        }),
        customer_po: Some("PO-7731".into()),
        booking_id: None,
        invoice_signature_is_required: None,
        job_generated_lead_source: None,
        lead_id: None,
        no_charge: None,
        partner_lead_call_id: None,
        project_id: None,
        sold_by_id: None,
    };
    let job = client(&api)
        .create_job()
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(job.id, 650123);
    assert_eq!(job.first_appointment_id, Some(650124));
}

#[tokio::test]
async fn update_job_patches_fields_and_external_data() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(PATCH)
                    .path(path(&api, "/jobs/650123"))
                    .json_body(serde_json::json!({
                        "priority": "Urgent",
                        "shouldUpdateInvoiceItems": false,
                        "soldById": 5202,
                        "externalData": {
                            "patchMode": "Replace",
                            "applicationGuid": APP_GUID,
                            "externalData": [{"key": "erpJob", "value": "J-2024-0043"}]
                        }
                    })),
            );
            json(then, JOB);
        })
        .await;

    let job = client(&api)
        .update_job()
        .id(650123)
        .body_map(|b| {
            b.priority("Urgent".to_string())
                .should_update_invoice_items(false)
                .sold_by_id(5202)
                .external_data(types::ExternalDataUpdateRequest {
                    patch_mode: Some(types::ExternalDataPatchMode::Replace),
                    application_guid: APP_GUID.parse().unwrap(),
                    external_data: vec![types::ExternalDataUpdateItem {
                        key: "erpJob".into(),
                        value: Some("J-2024-0043".into()),
                    }],
                })
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(job.id, 650123);
}

#[tokio::test]
async fn job_decoding_is_lenient() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/jobs/650400")));
            json(
                then,
                r#"{"id": 650400, "jobNumber": null, "customerId": 88001, "locationId": null,
                    "jobStatus": "Dispatched", "businessUnitId": 301, "jobTypeId": 45, "priority": null,
                    "campaignId": 12, "customFields": null, "appointmentCount": 1,
                    "firstAppointmentId": 650401, "lastAppointmentId": 650401, "noCharge": false,
                    "notificationsEnabled": true, "createdOn": "2024-03-08T08:00:00.1234567Z",
                    "createdById": 4101, "modifiedOn": "2024-03-08T08:00:00.1234567Z",
                    "tagTypeIds": [], "externalData": null, "customerPo": null, "invoiceId": 990030,
                    "total": "89.90", "partnerLeadId": "abc-123"}"#,
            );
        })
        .await;

    let job = client(&api)
        .get_job()
        .id(650400)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(job.id, 650400);
    assert_eq!(job.job_number, None);
    assert_eq!(job.location_id, None);
    assert!(job.custom_fields.is_none());
    // Money sent as a string still keeps its scale.
    assert_eq!(job.total.unwrap().to_string(), "89.90");
}

#[tokio::test]
async fn a_job_in_a_page_without_its_id_fails_naming_the_place() {
    // A resource's id is the one field that is not lenient: a page where a job lacks it is a
    // broken response, reported with where it broke rather than decoded with a made-up id.
    let api = MockApi::start().await;
    api.server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/jobs")));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"page": 1, "pageSize": 50, "hasMore": false,
                    "data": [{"id": 1, "jobStatus": "Completed"}, {"jobStatus": "Scheduled"}]}"#,
                );
        })
        .await;
    let err = client(&api).list_jobs().send().await.unwrap_err();
    let err = servicetitan_core::Error::from(err);
    let servicetitan_core::Error::Decode(decode) = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    assert_eq!(decode.path, "data[1]", "{err}");
    assert!(err.to_string().contains("missing field `id`"), "{err}");
}
