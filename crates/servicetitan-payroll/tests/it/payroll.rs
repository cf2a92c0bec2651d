//! Payroll API (`/payroll/v2`): gross pay items, job splits, activity codes, payroll
//! adjustments, payrolls, timesheet codes and job timesheets.

use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;
use servicetitan_core::paging::ListRequestExt;
use servicetitan_core::testing::{json_reply, MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::{DateTime, Decimal};
use servicetitan_payroll::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn at(text: &str) -> DateTime {
    text.parse().unwrap()
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

// ---- Gross pay items ---------------------------------------------------------------------

const GROSS_PAY_ITEM: &str = r#"{
    "id": 310001, "employeeId": 88, "employeeType": "Technician", "businessUnitName": "HVAC Service",
    "payrollId": 4401, "date": "2024-03-04T00:00:00Z", "activity": "Service call",
    "activityCodeId": 12, "activityCode": "SVC", "amount": 1234.10, "amountAdjustment": null,
    "payoutBusinessUnitName": null, "grossPayItemType": "TimesheetTime",
    "startedOn": "2024-03-04T13:00:00.1234567Z", "endedOn": "2024-03-04T15:30:00.1234567Z",
    "paidDurationHours": 2.50, "paidTimeType": "Overtime", "jobId": 123456789012,
    "jobNumber": "J-1077", "jobTypeName": "Repair", "projectNumber": null, "projectId": null,
    "invoiceId": 990001, "invoiceNumber": "INV-990001", "invoiceItemId": null,
    "customerId": 4242, "customerName": "Ada Lovelace", "locationId": 6060,
    "locationName": "Home", "locationAddress": "1 Analytical Way", "locationZip": "02139",
    "zoneName": "North", "taxZoneName": null, "laborTypeId": 3, "laborTypeCode": "JRN",
    "isPrevailingWageJob": false
}"#;

#[tokio::test]
async fn list_gross_pay_items_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 500, "hasMore": false, "totalCount": 1, "data": [{GROSS_PAY_ITEM}]}}"#
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/gross-pay-items"))
                .query_param("pageSize", "500")
                .query_param("includeTotal", "true")
                .query_param("employeeType", "Technician")
                .query_param("employeeId", "88")
                .query_param("payrollIds", "4401,4402")
                .query_param("dateOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("dateOnOrBefore", "2024-03-15T00:00:00Z")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            json_reply(then, &body);
        })
        .await;

    let page = client(&api)
        .list_gross_pay_items()
        .page_size(500)
        .include_total(true)
        .employee_type(types::EmployeeType::Technician)
        .employee_id(88)
        .payroll_ids("4401,4402")
        .date_on_or_after(at("2024-03-01T00:00:00Z"))
        .date_on_or_before(at("2024-03-15T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let item = &page.data.unwrap()[0];
    assert_eq!(item.id, 310001);
    assert_eq!(item.employee_type, Some(types::EmployeeType::Technician));
    assert_eq!(
        item.gross_pay_item_type,
        Some(types::GrossPayItemType::TimesheetTime)
    );
    assert_eq!(item.paid_time_type, Some(types::PaidTimeType::Overtime));
    assert_eq!(item.amount.unwrap().to_string(), "1234.10");
    assert_eq!(item.paid_duration_hours.unwrap().to_string(), "2.50");
    assert_eq!(item.amount_adjustment, None);
    assert_eq!(item.job_id, Some(123456789012));
    assert_eq!(item.started_on, Some(at("2024-03-04T13:00:00.1234567Z")));
}

#[tokio::test]
async fn gross_pay_items_stream_across_pages() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/gross-pay-items"))
                .query_param("page", "1")
                .query_param("payrollIds", "4401");
            let body = format!(
                r#"{{"page": 1, "pageSize": 1, "hasMore": true, "totalCount": null, "data": [{GROSS_PAY_ITEM}]}}"#
            );
            json_reply(then, &body);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/gross-pay-items"))
                .query_param("page", "2")
                .query_param("payrollIds", "4401");
            json_reply(
                then,
                r#"{"page": 2, "pageSize": 1, "hasMore": false, "totalCount": null, "data": [
                    {"id": 310002, "payrollId": 4401, "date": "2024-03-05T00:00:00Z", "amount": 75.00,
                     "grossPayItemType": "CustomBonus", "jobId": 0, "paidTimeType": null}]}"#,
            );
        })
        .await;

    let items: Vec<types::GrossPayItem> = client(&api)
        .list_gross_pay_items()
        .payroll_ids("4401")
        .stream_items()
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[1].gross_pay_item_type,
        Some(types::GrossPayItemType::CustomBonus)
    );
    assert_eq!(items[1].amount.unwrap().to_string(), "75.00");
}

#[tokio::test]
async fn create_update_and_delete_a_gross_pay_item() {
    let api = MockApi::start().await;
    let create = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/gross-pay-items"))
                .json_body(
                    json!({"payrollId": 4401, "amount": 150.25, "activityCodeId": 12,
                                  "date": "2024-03-04T00:00:00Z", "invoiceId": 990001}),
                )
                .body_includes(r#""amount":150.25"#);
            json_reply(then, r#"{"id": 310003}"#);
        })
        .await;
    let update = api
        .server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(api.path(SERVER_PATH, "/gross-pay-items/310003"))
                .json_body(
                    json!({"payrollId": 4401, "amount": 175.50, "activityCodeId": 12,
                                  "date": "2024-03-04T00:00:00Z"}),
                )
                .body_includes(r#""amount":175.50"#);
            json_reply(then, r#"{"id": 310003}"#);
        })
        .await;
    let delete = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/gross-pay-items/310003"));
            then.status(200);
        })
        .await;

    let c = client(&api);
    let created = c
        .create_gross_pay_item()
        .body(types::GrossPayItemCreateRequest {
            payroll_id: 4401,
            amount: dec("150.25"),
            activity_code_id: 12,
            date: at("2024-03-04T00:00:00Z"),
            invoice_id: Some(990001),
            budget_code_id: None,
            memo: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let updated = c
        .update_gross_pay_item()
        .id(310003)
        .body(types::GrossPayItemUpdateRequest {
            payroll_id: 4401,
            amount: dec("175.50"),
            activity_code_id: 12,
            date: at("2024-03-04T00:00:00Z"),
            invoice_id: None,
            budget_code_id: None,
            memo: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let deleted = c.delete_gross_pay_item().id(310003).send().await.unwrap();

    create.assert_async().await;
    update.assert_async().await;
    delete.assert_async().await;
    assert_eq!(created.id, 310003);
    assert_eq!(updated.id, 310003);
    assert_eq!(deleted.status().as_u16(), 200);
}

#[tokio::test]
async fn a_conflict_on_a_locked_payroll_is_an_api_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/gross-pay-items"));
            then.status(409)
                .header("content-type", "application/json")
                .body(r#"{"title": "Payroll 4401 is already approved.", "status": 409, "traceId": "00-pr-09"}"#);
        })
        .await;

    let result = client(&api)
        .create_gross_pay_item()
        .body(types::GrossPayItemCreateRequest {
            payroll_id: 4401,
            amount: dec("1.00"),
            activity_code_id: 12,
            date: at("2024-03-04T00:00:00Z"),
            invoice_id: None,
            budget_code_id: None,
            memo: None,
        })
        .send()
        .await;

    mock.assert_async().await;
    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(err.trace_id(), Some("00-pr-09"));
}

// ---- Job splits and job timesheets -------------------------------------------------------

#[tokio::test]
async fn list_job_splits_decodes_the_shares() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/jobs/123456789012/splits"));
            json_reply(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [
                    {"id": 1, "jobId": 123456789012, "technicianId": 88, "split": 66.67},
                    {"id": 2, "jobId": 123456789012, "technicianId": 89, "split": 33.33}]}"#,
            );
        })
        .await;

    let splits = client(&api)
        .list_job_splits()
        .job(123456789012_i64)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap();

    mock.assert_async().await;
    assert_eq!(splits.len(), 2);
    assert_eq!(splits[0].technician_id, Some(88));
    assert_eq!(splits[0].split.unwrap().to_string(), "66.67");
    assert_eq!(splits[1].split.unwrap().to_string(), "33.33");
}

#[tokio::test]
async fn list_job_timesheets_sends_the_window() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/jobs/123456789012/timesheets"))
                .query_param("technicianId", "88")
                .query_param("startedOn", "2024-03-04T00:00:00Z")
                .query_param("endedOn", "2024-03-05T00:00:00Z");
            json_reply(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [
                    {"id": 700001, "jobId": 123456789012, "appointmentId": 5550001, "technicianId": 88,
                     "dispatchedOn": "2024-03-04T12:30:00.1234567Z", "arrivedOn": "2024-03-04T13:00:00Z",
                     "canceledOn": null, "doneOn": "2024-03-04T15:30:00.7654321Z"}]}"#,
            );
        })
        .await;

    let timesheets = client(&api)
        .list_job_timesheets()
        .job(123456789012_i64)
        .technician_id(88)
        .started_on(at("2024-03-04T00:00:00Z"))
        .ended_on(at("2024-03-05T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap();

    mock.assert_async().await;
    let t = &timesheets[0];
    assert_eq!(t.appointment_id, Some(5550001));
    assert_eq!(t.dispatched_on, Some(at("2024-03-04T12:30:00.1234567Z")));
    assert_eq!(t.canceled_on, None);
    assert_eq!(t.done_on.unwrap().0.timestamp_subsec_nanos(), 765_432_100);
}

// ---- Activity codes ----------------------------------------------------------------------

#[tokio::test]
async fn list_and_get_activity_codes() {
    let api = MockApi::start().await;
    let list = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/activity-codes"))
                .query_param("page", "1")
                .query_param("pageSize", "50");
            json_reply(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": [
                    {"id": 12, "name": "Service call", "code": "SVC", "earningCategory": "Timesheet"},
                    {"id": 13, "name": "Sales commission", "code": "COM", "earningCategory": "Commission"}]}"#,
            );
        })
        .await;
    let get = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/activity-codes/13"));
            json_reply(
                then,
                r#"{"id": 13, "name": "Sales commission", "code": "COM", "earningCategory": "Commission"}"#,
            );
        })
        .await;

    let c = client(&api);
    let page = c
        .list_activity_codes()
        .page(1)
        .page_size(50)
        .send()
        .await
        .unwrap()
        .into_inner();
    let code = c
        .get_activity_code()
        .id(13)
        .send()
        .await
        .unwrap()
        .into_inner();

    list.assert_async().await;
    get.assert_async().await;
    let codes = page.data.unwrap();
    assert_eq!(
        codes[0].earning_category,
        Some(types::PayrollEarningCategory::Timesheet)
    );
    assert_eq!(code.code.as_deref(), Some("COM"));
    assert_eq!(
        code.earning_category,
        Some(types::PayrollEarningCategory::Commission)
    );
}

// ---- Payroll adjustments -----------------------------------------------------------------

#[tokio::test]
async fn list_get_and_create_payroll_adjustments() {
    let api = MockApi::start().await;
    let list = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/payroll-adjustments"))
                .query_param("employeeIds", "88,89")
                .query_param("postedOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("postedOnOrBefore", "2024-03-31T23:59:59Z");
            json_reply(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": [
                    {"id": 8801, "employeeType": "Employee", "employeeId": 89,
                     "postedOn": "2024-03-15T00:00:00.1234567Z", "amount": -25.00,
                     "memo": "Uniform deduction", "activityCodeId": null, "hours": null, "rate": null}]}"#,
            );
        })
        .await;
    let get = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/payroll-adjustments/8802"))
                .query_param("employeeType", "Technician");
            json_reply(
                then,
                r#"{"id": 8802, "employeeType": "Technician", "employeeId": 88,
                    "postedOn": "2024-03-16T00:00:00Z", "amount": 180.00, "memo": "Training",
                    "activityCodeId": 12, "hours": 4.00, "rate": 45.00}"#,
            );
        })
        .await;
    let create = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/payroll-adjustments"))
                .json_body(json!({"employeeType": "Technician", "employeeId": 88,
                                  "postedOn": "2024-03-16T00:00:00Z", "memo": "Training",
                                  "activityCodeId": 12, "hours": 4.00, "rate": 45.00}))
                .body_includes(r#""hours":4.00"#)
                .body_includes(r#""rate":45.00"#);
            json_reply(then, r#"{"id": 8802}"#);
        })
        .await;

    let c = client(&api);
    let page = c
        .list_payroll_adjustments()
        .employee_ids("88,89")
        .posted_on_or_after(at("2024-03-01T00:00:00Z"))
        .posted_on_or_before(at("2024-03-31T23:59:59Z"))
        .send()
        .await
        .unwrap()
        .into_inner();
    let adjustment = c
        .get_payroll_adjustment()
        .id(8802)
        .employee_type(types::EmployeeType::Technician)
        .send()
        .await
        .unwrap()
        .into_inner();
    let created = c
        .create_payroll_adjustment()
        .body(types::PayrollAdjustmentCreateRequest {
            employee_type: types::EmployeeType::Technician,
            employee_id: 88,
            posted_on: at("2024-03-16T00:00:00Z"),
            memo: Some("Training".into()),
            activity_code_id: Some(12),
            hours: Some(dec("4.00")),
            rate: Some(dec("45.00")),
            amount: None,
            invoice_id: None,
            quantity: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    list.assert_async().await;
    get.assert_async().await;
    create.assert_async().await;
    let listed = &page.data.unwrap()[0];
    assert_eq!(listed.amount.unwrap().to_string(), "-25.00");
    assert_eq!(listed.employee_type, Some(types::EmployeeType::Employee));
    assert_eq!(listed.posted_on, Some(at("2024-03-15T00:00:00.1234567Z")));
    assert_eq!(adjustment.rate.unwrap().to_string(), "45.00");
    assert_eq!(adjustment.hours.unwrap().to_string(), "4.00");
    assert_eq!(created.id, 8802);
}

// ---- Payrolls ----------------------------------------------------------------------------

const PAYROLL_PAGE: &str = r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": [
    {"id": 4401, "startedOn": "2024-03-01T00:00:00Z", "endedOn": "2024-03-14T23:59:59.9999999Z",
     "employeeId": 88, "employeeType": "Technician", "status": "Approved"}]}"#;

#[tokio::test]
async fn list_payrolls_for_everyone_a_technician_and_an_employee() {
    let api = MockApi::start().await;
    let all = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/payrolls"))
                .query_param("employeeType", "Technician")
                .query_param("startedOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("endedOnOrBefore", "2024-03-31T00:00:00Z");
            json_reply(then, PAYROLL_PAGE);
        })
        .await;
    let technician = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/technicians/88/payrolls"))
                .query_param("includeTotal", "true");
            json_reply(then, PAYROLL_PAGE);
        })
        .await;
    let employee = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/employees/89/payrolls"))
                .query_param("startedOnOrAfter", "2024-01-01T00:00:00Z");
            json_reply(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": [
                    {"id": 4402, "startedOn": "2024-03-01T00:00:00Z", "endedOn": "2024-03-14T00:00:00Z",
                     "employeeId": 89, "employeeType": "Employee", "status": "Paid"}]}"#,
            );
        })
        .await;

    let c = client(&api);
    let everyone = c
        .list_payrolls()
        .employee_type(types::EmployeeType::Technician)
        .started_on_or_after(at("2024-03-01T00:00:00Z"))
        .ended_on_or_before(at("2024-03-31T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();
    let tech = c
        .list_technician_payrolls()
        .technician(88)
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();
    let office = c
        .list_employee_payrolls()
        .employee(89)
        .started_on_or_after(at("2024-01-01T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();

    all.assert_async().await;
    technician.assert_async().await;
    employee.assert_async().await;
    let p = &everyone.data.unwrap()[0];
    assert_eq!(p.id, 4401);
    assert_eq!(p.status, Some(types::PayrollStatus::Approved));
    assert_eq!(p.ended_on, Some(at("2024-03-14T23:59:59.9999999Z")));
    assert_eq!(tech.data.unwrap()[0].employee_id, Some(88));
    let o = &office.data.unwrap()[0];
    assert_eq!(o.status, Some(types::PayrollStatus::Paid));
    assert_eq!(o.employee_type, Some(types::EmployeeType::Employee));
}

// ---- Timesheet codes ---------------------------------------------------------------------

#[tokio::test]
async fn list_and_get_timesheet_codes() {
    let api = MockApi::start().await;
    let list = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/timesheet-codes"))
                .query_param("includeTotal", "true");
            json_reply(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 1, "data": [
                    {"id": 21, "code": "PTO", "description": "Paid time off", "type": "PaidTimeOff",
                     "applicableEmployeeType": "All",
                     "rateInfo": {"hourlyRate": "EmployeeHourlyRate", "customHourlyRate": null,
                                  "rateMultiplier": 1.0}}]}"#,
            );
        })
        .await;
    let get = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/timesheet-codes/22"));
            json_reply(
                then,
                r#"{"id": 22, "code": "ONCALL", "description": null, "type": "ClockInOut",
                    "applicableEmployeeType": "Technician",
                    "rateInfo": {"hourlyRate": "CustomHourlyRate", "customHourlyRate": 32.50,
                                 "rateMultiplier": 1.5}}"#,
            );
        })
        .await;

    let c = client(&api);
    let page = c
        .list_timesheet_codes()
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();
    let code = c
        .get_timesheet_code()
        .id(22)
        .send()
        .await
        .unwrap()
        .into_inner();

    list.assert_async().await;
    get.assert_async().await;
    let pto = &page.data.unwrap()[0];
    assert_eq!(pto.type_, Some(types::TimesheetCodeType::PaidTimeOff));
    assert_eq!(
        pto.applicable_employee_type,
        Some(types::TimesheetCodeEmployeeType::All)
    );
    assert_eq!(
        pto.rate_info
            .as_ref()
            .unwrap()
            .rate_multiplier
            .unwrap()
            .to_string(),
        "1.0"
    );
    assert_eq!(code.type_, Some(types::TimesheetCodeType::ClockInOut));
    let rate = code.rate_info.unwrap();
    assert_eq!(
        rate.hourly_rate,
        Some(types::TimesheetHourlyRateType::CustomHourlyRate)
    );
    assert_eq!(rate.custom_hourly_rate.unwrap().to_string(), "32.50");
}

// ---- Decoding ----------------------------------------------------------------------------

#[tokio::test]
async fn lenient_decoding_keeps_unknown_enums_and_tolerates_nulls_and_extras() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET).path(api.path(SERVER_PATH, "/payrolls"));
            // `status` and `employeeType` are values the spec does not list, `approvedBy` is
            // not in the spec, and the required `startedOn` and `employeeId` are null.
            json_reply(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": [
                    {"id": 4409, "startedOn": null, "endedOn": "2024-03-14T00:00:00.1234567",
                     "employeeId": null, "employeeType": "Contractor", "status": "Reopened",
                     "approvedBy": {"id": 1, "name": "Admin"}}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_payrolls()
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let p = &page.data.unwrap()[0];
    assert_eq!(p.id, 4409);
    assert_eq!(p.started_on, None);
    assert_eq!(p.employee_id, None);
    assert_eq!(
        p.status,
        Some(types::PayrollStatus::Unknown("Reopened".into()))
    );
    assert_eq!(
        p.employee_type,
        Some(types::EmployeeType::Unknown("Contractor".into()))
    );
    assert_eq!(p.ended_on, Some(at("2024-03-14T00:00:00.1234567Z")));
}
