//! Report categories, reports of a category, a report's description and its data.

use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::ListRequestExt;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_reporting::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn data_type(field: &types::ReportField) -> Option<&str> {
    field.data_type.as_ref().map(|t| t.as_str())
}

fn report_parameters() -> types::ReportDataRequest {
    types::ReportDataRequest {
        parameters: vec![
            types::ReportParameterValue {
                name: "From".into(),
                value: Some(serde_json::json!("2024-03-01")),
            },
            types::ReportParameterValue {
                name: "To".into(),
                value: Some(serde_json::json!("2024-03-31")),
            },
            types::ReportParameterValue {
                name: "BusinessUnitIds".into(),
                value: Some(serde_json::json!([12, 14])),
            },
        ],
    }
}

const FIELDS: &str = r#"[{"name": "JobNumber", "label": "Job #", "dataType": "String"},
                         {"name": "CompletedOn", "label": "Completed On", "dataType": "Date"},
                         {"name": "Revenue", "label": "Total Revenue", "dataType": "Number"},
                         {"name": "IsRecall", "label": "Recall", "dataType": "Boolean"}]"#;

#[tokio::test]
async fn list_report_categories_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/report-categories"))
                .query_param("page", "1")
                .query_param("pageSize", "100")
                .query_param("includeTotal", "true")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"page": 1, "pageSize": 100, "hasMore": false, "totalCount": 3,
                    "data": [{"id": "operations", "name": "Operations"},
                             {"id": "accounting", "name": "Accounting"},
                             {"id": "marketing", "name": "Marketing"}]}"#,
                );
        })
        .await;

    let page = client(&api)
        .list_report_categories()
        .page(1)
        .page_size(100)
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.total_count, Some(3));
    let categories = page.data.unwrap();
    assert_eq!(categories[0].id.as_deref(), Some("operations"));
    assert_eq!(categories[2].name.as_deref(), Some("Marketing"));
}

#[tokio::test]
async fn list_reports_of_a_category() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/report-category/operations/reports"))
                .query_param("pageSize", "50");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null,
                    "data": [{"id": 1001, "name": "Completed Jobs", "description": "Jobs completed in a period",
                              "modifiedOn": "2024-02-20T14:03:11.1234567Z"},
                             {"id": 1002, "name": "Technician Productivity", "description": null,
                              "modifiedOn": null}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_reports()
        .report_category("operations")
        .page_size(50)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let reports = page.data.unwrap();
    assert_eq!(reports[0].id, 1001);
    assert_eq!(reports[1].description, None);
}

#[tokio::test]
async fn get_report_describes_fields_and_parameters() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/report-category/operations/reports/1001"));
            then.status(200).header("content-type", "application/json").body(format!(
                r#"{{"id": 1001, "name": "Completed Jobs", "description": "Jobs completed in a period",
                    "modifiedOn": "2024-02-20T14:03:11.1234567Z",
                    "fields": {FIELDS},
                    "parameters": [
                        {{"name": "From", "label": "From", "dataType": "Date", "isArray": false,
                          "isRequired": true, "acceptValues": null}},
                        {{"name": "BusinessUnitIds", "label": "Business Units", "dataType": "Number",
                          "isArray": true, "isRequired": false,
                          "acceptValues": {{"dynamicSetId": "business-units", "fields": null, "values": null}}}},
                        {{"name": "JobStatus", "label": "Status", "dataType": "String", "isArray": false,
                          "isRequired": false,
                          "acceptValues": {{"dynamicSetId": null,
                                            "fields": [{{"name": "Value", "label": "Value", "dataType": "String"}}],
                                            "values": [["Completed"], ["Canceled"]]}}}}]}}"#
            ));
        })
        .await;

    let report = client(&api)
        .get_report()
        .report_category("operations")
        .report_id(1001)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let fields = report.fields.unwrap();
    assert_eq!(fields.len(), 4);
    assert_eq!(data_type(&fields[2]), Some("Number"));
    let parameters = report.parameters.unwrap();
    assert_eq!(parameters[0].is_required, Some(true));
    assert!(parameters[0].accept_values.is_none());
    let units = parameters[1].accept_values.as_ref().unwrap();
    assert_eq!(units.dynamic_set_id.as_deref(), Some("business-units"));
    assert_eq!(parameters[1].is_array, Some(true));
    let statuses = parameters[2].accept_values.as_ref().unwrap();
    assert_eq!(
        statuses.values,
        Some(vec![
            vec![serde_json::json!("Completed")],
            vec![serde_json::json!("Canceled")]
        ])
    );
}

#[tokio::test]
async fn get_report_data_posts_parameters_and_decodes_rows() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/report-category/operations/reports/1001/data"))
                .query_param("page", "1")
                .query_param("pageSize", "500")
                .query_param("includeTotal", "true")
                .json_body(serde_json::json!({"parameters": [
                    {"name": "From", "value": "2024-03-01"},
                    {"name": "To", "value": "2024-03-31"},
                    {"name": "BusinessUnitIds", "value": [12, 14]}
                ]}));
            then.status(200).header("content-type", "application/json").body(format!(
                r#"{{"fields": {FIELDS}, "page": 1, "pageSize": 500, "hasMore": false, "totalCount": 2,
                    "data": [["81234", "2024-03-05T00:00:00", 1234.10, false],
                             ["81240", "2024-03-07T00:00:00", 0, true]]}}"#
            ));
        })
        .await;

    let page = client(&api)
        .get_report_data()
        .report_category("operations")
        .report_id(1001)
        .page(1)
        .page_size(500)
        .include_total(true)
        .body(report_parameters())
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.total_count, Some(2));
    let header = &page.fields.unwrap()[0];
    assert_eq!(header.name.as_deref(), Some("JobNumber"));
    assert_eq!(header.label.as_deref(), Some("Job #"));
    let rows = page.data.unwrap();
    assert_eq!(rows[0][0], "81234");
    // Cells are untyped JSON values: numbers come back as JSON numbers (f64).
    assert_eq!(rows[0][2].as_f64(), Some(1234.1));
    assert_eq!(rows[1][3], true);
}

#[tokio::test]
async fn report_data_streams_every_page_with_the_same_parameters() {
    let api = MockApi::start().await;
    let path = api.path(SERVER_PATH, "/report-category/operations/reports/1001/data");
    let body = serde_json::json!({"parameters": [
        {"name": "From", "value": "2024-03-01"},
        {"name": "To", "value": "2024-03-31"},
        {"name": "BusinessUnitIds", "value": [12, 14]}
    ]});
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(&path)
                .query_param("page", "1")
                .query_param("pageSize", "2")
                .json_body(body.clone());
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"fields": {FIELDS}, "page": 1, "pageSize": 2, "hasMore": true,
                    "data": [["81234", "2024-03-05T00:00:00", 1234.10, false],
                             ["81240", "2024-03-07T00:00:00", 0, true]]}}"#
                ));
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(&path)
                .query_param("page", "2")
                .query_param("pageSize", "2")
                .json_body(body.clone());
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"fields": {FIELDS}, "page": 2, "pageSize": 2, "hasMore": false,
                    "data": [["81251", "2024-03-12T00:00:00", 560.00, false]]}}"#
                ));
        })
        .await;

    let rows: Vec<Vec<serde_json::Value>> = client(&api)
        .get_report_data()
        .report_category("operations")
        .report_id(1001)
        .page_size(2)
        .body(report_parameters())
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    first.assert_async().await;
    second.assert_async().await;

    let job_numbers: Vec<_> = rows.iter().map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(job_numbers, ["81234", "81240", "81251"]);
}

#[tokio::test]
async fn unknown_report_is_a_not_found_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/report-category/operations/reports/9999/data"));
            then.status(404)
                .header("content-type", "application/json")
                .body(r#"{"title": "Report not found", "status": 404, "traceId": "00-ee-01"}"#);
        })
        .await;

    let result = client(&api)
        .get_report_data()
        .report_category("operations")
        .report_id(9999)
        .body(report_parameters())
        .send()
        .await;
    mock.assert_async().await;

    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.trace_id(), Some("00-ee-01"));
}

/// The module has no enums: its open data type names, extra fields and nulls in required
/// fields must still decode.
#[tokio::test]
async fn lenient_report_decoding() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/report-category/accounting/reports/2001"));
            then.status(200).header("content-type", "application/json").body(
                r#"{"id": 2001, "name": null, "owner": {"id": 501},
                    "fields": [{"name": "Amount", "label": null, "dataType": "Currency", "precision": 2}],
                    "parameters": null}"#,
            );
        })
        .await;

    let report = client(&api)
        .get_report()
        .report_category("accounting")
        .report_id(2001)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(report.id, 2001);
    assert_eq!(report.name, None);
    assert!(report.parameters.is_none());
    let field = &report.fields.unwrap()[0];
    assert_eq!(data_type(field), Some("Currency"));
    assert_eq!(field.label, None);
}

#[tokio::test]
async fn path_parameters_cannot_climb_out_of_their_segment() {
    let api = MockApi::start().await;
    let any = api
        .server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": []}"#);
        })
        .await;
    for bad in ["..", ".", ""] {
        let err = client(&api)
            .list_reports()
            .report_category(bad)
            .send()
            .await
            .unwrap_err();
        let err = servicetitan_core::Error::from(err);
        assert!(
            matches!(&err, servicetitan_core::Error::InvalidRequest(_)),
            "{bad:?}: {err}"
        );
    }
    any.assert_calls_async(0).await;
    any.delete_async().await;
    let encoded = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/report-category/%252e%252e%2Fx/reports"));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": []}"#);
        })
        .await;
    client(&api)
        .list_reports()
        .report_category("%2e%2e/x")
        .send()
        .await
        .unwrap();
    encoded.assert_async().await;
}
