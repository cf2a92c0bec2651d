//! Service Agreements API (`/service-agreements/v2`): list, get and the export feed.

use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::{ExportRequestExt, ListRequestExt};
use servicetitan_core::testing::{json_reply, MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::{Date, DateTime};
use servicetitan_service_agreements::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn at(text: &str) -> DateTime {
    text.parse().unwrap()
}

fn day(text: &str) -> Date {
    text.parse().unwrap()
}

const AGREEMENT: &str = r#"{
    "id": 3100, "name": "Commercial HVAC 2024", "createdOn": "2024-01-02T08:00:00.1234567Z",
    "createdById": 12, "modifiedOn": "2024-03-01T10:00:00.7654321Z", "modifiedById": null,
    "templateFields": {
        "originalTemplateId": 44, "revenueRecognitionMode": "DeferredStraightLine",
        "generalLedgerAccountId": 2200, "invoiceCancellationMode": "AlwaysCreateInvoice",
        "billingServiceId": 501, "negativeLiabilityServiceId": null,
        "positiveIncomeServiceId": 502, "defaultLaborCostPerHour": 42.50,
        "defaultExtraTravelCostPerHour": null, "defaultLaborMarkupPercentage": 15.00,
        "defaultMaterialMarkupPercentage": 30.0, "defaultLaborSurcharge": 0.00,
        "defaultMaterialSurcharge": null, "defaultRateSheetId": null, "defaultCampaignId": 9
    },
    "customerId": 4242, "businessUnitId": 301, "status": "Activated",
    "locationIds": [6060, 9007199254740993], "origin": "ManualRenew", "summary": "Quarterly PM",
    "importId": null, "importedDeferredAmount": 0.00, "importedRecognizedAmount": 1500.00,
    "durationMonths": 12, "autoRenew": true, "renewalAgreementId": null,
    "startDate": "2024-01-01", "endDate": "2024-12-31T00:00:00", "billingSchedule": "Quarterly",
    "paymentTermId": 2, "paymentMethodId": null, "estimatedTravelCost": 120.00,
    "estimatedLaborCost": 2400.10, "estimatedMaterialCost": 800.00,
    "laborMarkupPercentage": 15.00, "materialMarkupPercentage": 30.00,
    "laborSurcharge": 5.25, "materialSurcharge": 0.00, "totalAgreementPrice": 4800.00,
    "estimatedGrossMarginAmount": 1479.90, "estimatedGrossMarginPercentage": 30.83,
    "rateSheetId": null, "accountManagerId": 88
}"#;

#[tokio::test]
async fn list_service_agreements_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 100, "hasMore": false, "totalCount": 1, "data": [{AGREEMENT}]}}"#
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/service-agreements"))
                .query_param("ids", "3100,3101")
                .query_param("customerIds", "4242")
                .query_param("businessUnitIds", "301,302")
                .query_param("status", "Activated")
                .query_param("createdOnOrAfter", "2024-01-01T00:00:00Z")
                .query_param("modifiedBefore", "2024-06-01T12:30:00Z")
                .query_param("pageSize", "100")
                .query_param("includeTotal", "true")
                .query_param("sort", "-modifiedOn")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            json_reply(then, &body);
        })
        .await;

    let page = client(&api)
        .list_service_agreements()
        .ids("3100,3101")
        .customer_ids("4242")
        .business_unit_ids("301,302")
        .status(types::AgreementStatus::Activated)
        .created_on_or_after(at("2024-01-01T00:00:00Z"))
        .modified_before(at("2024-06-01T12:30:00Z"))
        .page_size(100)
        .include_total(true)
        .sort("-modifiedOn")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(1));
    let a = &page.data.unwrap()[0];
    assert_eq!(a.id, 3100);
    assert_eq!(a.status, Some(types::AgreementStatus::Activated));
    assert_eq!(a.origin, Some(types::AgreementOrigin::ManualRenew));
    assert_eq!(
        a.billing_schedule,
        Some(types::BillingScheduleType::Quarterly)
    );
    // int64 ids above 2^53 survive.
    assert_eq!(a.location_ids, Some(vec![6060, 9007199254740993]));
    assert_eq!(a.estimated_labor_cost.unwrap().to_string(), "2400.10");
    assert_eq!(a.labor_surcharge.unwrap().to_string(), "5.25");
    assert_eq!(a.start_date, Some(day("2024-01-01")));
    // A date sent as a midnight date-time keeps its date.
    assert_eq!(a.end_date, Some(day("2024-12-31")));
    assert_eq!(a.created_on, Some(at("2024-01-02T08:00:00.1234567Z")));
    let template = a.template_fields.as_ref().unwrap();
    assert_eq!(
        template.revenue_recognition_mode,
        Some(types::RevenueRecognitionMode::DeferredStraightLine)
    );
    assert_eq!(
        template.invoice_cancellation_mode,
        Some(types::CancellationInvoiceMode::AlwaysCreateInvoice)
    );
    assert_eq!(
        template.default_labor_cost_per_hour.unwrap().to_string(),
        "42.50"
    );
    assert_eq!(template.default_extra_travel_cost_per_hour, None);
}

#[tokio::test]
async fn stream_items_walks_the_pages() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/service-agreements"))
                .query_param("status", "Expired")
                .query_param("page", "1");
            let body = format!(
                r#"{{"page": 1, "pageSize": 1, "hasMore": true, "totalCount": null, "data": [{AGREEMENT}]}}"#
            );
            json_reply(then, &body);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/service-agreements"))
                .query_param("status", "Expired")
                .query_param("page", "2");
            json_reply(
                then,
                r#"{"page": 2, "pageSize": 1, "hasMore": false, "totalCount": null, "data": [
                    {"id": 3101, "name": "Residential", "createdOn": "2023-01-01T00:00:00.0000000Z",
                     "modifiedOn": "2024-01-01T00:00:00.0000000Z",
                     "templateFields": {"originalTemplateId": 45, "revenueRecognitionMode": "Immediate",
                                        "billingServiceId": 501},
                     "customerId": 4243, "businessUnitId": 302, "status": "Expired",
                     "locationIds": [], "origin": "Initial", "importedDeferredAmount": 0,
                     "importedRecognizedAmount": 0, "autoRenew": false, "laborSurcharge": 0,
                     "materialSurcharge": 0, "billingSchedule": null}]}"#,
            );
        })
        .await;

    let agreements: Vec<types::ServiceAgreement> = client(&api)
        .list_service_agreements()
        .status(types::AgreementStatus::Expired)
        .stream_items()
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(agreements.len(), 2);
    assert_eq!(agreements[1].id, 3101);
    assert_eq!(agreements[1].billing_schedule, None);
    assert_eq!(agreements[1].origin, Some(types::AgreementOrigin::Initial));
}

#[tokio::test]
async fn get_service_agreement_decodes_one_agreement() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/service-agreements/3100"))
                .header("ST-App-Key", APP_KEY);
            json_reply(then, AGREEMENT);
        })
        .await;

    let a = client(&api)
        .get_service_agreement()
        .id(3100)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(a.name.as_deref(), Some("Commercial HVAC 2024"));
    assert_eq!(a.auto_renew, Some(true));
    assert_eq!(a.total_agreement_price.unwrap().to_string(), "4800.00");
    assert_eq!(
        a.estimated_gross_margin_percentage.unwrap().to_string(),
        "30.83"
    );
    assert_eq!(a.account_manager_id, Some(88));
    assert_eq!(
        a.modified_on.unwrap().0.timestamp_subsec_nanos(),
        765_432_100
    );
}

#[tokio::test]
async fn export_service_agreements_streams_two_pages_with_the_token() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/service-agreements"))
                .query_param("includeRecentChanges", "false")
                .query_param_missing("from");
            let item = AGREEMENT.replacen('{', r#"{"active": true, "#, 1);
            let body =
                format!(r#"{{"hasMore": true, "continueFrom": "sa-token-1", "data": [{item}]}}"#);
            json_reply(then, &body);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/service-agreements"))
                .query_param("includeRecentChanges", "false")
                .query_param("from", "sa-token-1");
            json_reply(
                then,
                r#"{"hasMore": false, "continueFrom": "sa-token-2", "data": [
                    {"id": 3099, "name": "Old deal", "createdOn": "2020-01-01T00:00:00.0000000Z",
                     "modifiedOn": "2024-03-05T00:00:00.0000000Z",
                     "templateFields": {"originalTemplateId": 40, "revenueRecognitionMode": "Deferred",
                                        "billingServiceId": 500},
                     "customerId": 4000, "businessUnitId": 300, "status": "Canceled",
                     "locationIds": [6000], "origin": "AutoRenew", "importedDeferredAmount": 10.10,
                     "importedRecognizedAmount": 0.00, "autoRenew": false, "laborSurcharge": 0.00,
                     "materialSurcharge": 0.00, "active": false}]}"#,
            );
        })
        .await;

    let batches: Vec<_> = client(&api)
        .export_service_agreements()
        .include_recent_changes(false)
        .stream_export(None)
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(batches.len(), 2);
    assert!(batches[0].has_more);
    assert_eq!(batches[0].continue_from.as_deref(), Some("sa-token-1"));
    assert_eq!(batches[0].items[0].id, 3100);
    assert_eq!(batches[0].items[0].active, Some(true));
    assert!(!batches[1].has_more);
    assert_eq!(batches[1].continue_from.as_deref(), Some("sa-token-2"));
    let old = &batches[1].items[0];
    assert_eq!(old.status, Some(types::AgreementStatus::Canceled));
    assert_eq!(old.active, Some(false));
    assert_eq!(old.imported_deferred_amount.unwrap().to_string(), "10.10");
}

#[tokio::test]
async fn lenient_decoding_keeps_unknown_enums_and_tolerates_nulls_and_extras() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/service-agreements/3102"));
            // `status`/`origin` are values the spec does not list, `slaLevel` is not in the
            // spec, and the required `name`, `locationIds` and `templateFields` are null.
            json_reply(
                then,
                r#"{"id": 3102, "name": null, "createdOn": "2024-01-02T08:00:00.1234567",
                    "modifiedOn": "2024-01-02T08:00:00.1234567", "templateFields": null,
                    "customerId": 4242, "businessUnitId": 301, "status": "PendingSignature",
                    "locationIds": null, "origin": "Imported", "importedDeferredAmount": 0,
                    "importedRecognizedAmount": 0, "autoRenew": false, "laborSurcharge": 1.10,
                    "materialSurcharge": 0, "slaLevel": "Platinum"}"#,
            );
        })
        .await;

    let a = client(&api)
        .get_service_agreement()
        .id(3102)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        a.status,
        Some(types::AgreementStatus::Unknown("PendingSignature".into()))
    );
    assert_eq!(a.origin.as_ref().map(|o| o.as_str()), Some("Imported"));
    assert_eq!(a.name, None);
    assert!(a.template_fields.is_none());
    assert!(a.location_ids.is_none());
    assert_eq!(a.labor_surcharge.unwrap().to_string(), "1.10");
    assert_eq!(a.created_on, Some(at("2024-01-02T08:00:00.1234567Z")));
}

#[tokio::test]
async fn a_bad_request_becomes_an_api_error_with_the_problem() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/service-agreements"));
            then.status(400)
                .header("content-type", "application/json")
                .body(
                    r#"{"type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
                        "title": "One or more validation errors occurred.", "status": 400,
                        "traceId": "00-sa-01", "errors": {"ids": ["At most 50 ids."]}}"#,
                );
        })
        .await;

    let result = client(&api).list_service_agreements().send().await;

    mock.assert_async().await;
    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.trace_id(), Some("00-sa-01"));
    assert_eq!(err.problem().unwrap().errors["ids"], ["At most 50 ids."]);
}
