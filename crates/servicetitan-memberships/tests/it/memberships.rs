//! Memberships API (`/memberships/v2`): customer memberships, exports, invoice templates,
//! recurring service events, recurring services, membership types and recurring service types.

use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;
use servicetitan_core::paging::{ExportRequestExt, ListRequestExt};
use servicetitan_core::testing::{json_reply, MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::{DateTime, Decimal};
use servicetitan_memberships::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn at(text: &str) -> DateTime {
    text.parse().unwrap()
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

const MEMBERSHIP: &str = r#"{
    "id": 5501, "createdOn": "2024-01-15T09:30:00.1234567Z", "createdById": 77,
    "modifiedOn": "2024-03-01T10:00:00.7654321Z", "followUpOn": "2025-01-15T00:00:00Z",
    "cancellationDate": null, "from": "2024-01-15T00:00:00Z",
    "nextScheduledBillDate": "2024-04-15T00:00:00Z", "to": "2025-01-15T00:00:00Z",
    "billingFrequency": "Monthly", "renewalBillingFrequency": null, "status": "Active",
    "followUpStatus": "NotAttempted", "active": true, "initialDeferredRevenue": 1234.10,
    "duration": 12, "renewalDuration": null, "businessUnitId": 301, "customerId": 4242,
    "membershipTypeId": 12, "activatedById": null, "activatedFromId": 880011,
    "billingTemplateId": 9001, "cancellationBalanceInvoiceId": null,
    "cancellationInvoiceId": null, "followUpCustomStatusId": null, "locationId": 6060,
    "paymentMethodId": null, "paymentTypeId": 3, "recurringLocationId": 6060,
    "renewalMembershipTaskId": null, "renewedById": null, "soldById": 88,
    "customerPo": "PO-2024-17", "importId": null, "memo": "Gold plan",
    "customFields": [{"typeId": 31, "name": "Referral", "value": "Neighbor"}]
}"#;

// ---- Memberships -------------------------------------------------------------------------

#[tokio::test]
async fn list_memberships_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 2, "pageSize": 10, "hasMore": false, "totalCount": 11, "data": [{MEMBERSHIP}]}}"#
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/memberships"))
                .query_param("ids", "5501,5502")
                .query_param("customerIds", "4242")
                .query_param("status", "Active")
                .query_param("duration", "12")
                .query_param("billingFrequency", "Monthly")
                .query_param("active", "Any")
                .query_param("modifiedOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("page", "2")
                .query_param("pageSize", "10")
                .query_param("includeTotal", "true")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            json_reply(then, &body);
        })
        .await;

    let page = client(&api)
        .list_memberships()
        .ids("5501,5502")
        .customer_ids("4242")
        .status(types::MembershipStatus::Active)
        .duration(12)
        .billing_frequency(types::MembershipRecurrenceType::Monthly)
        .active(types::ActiveFilter::Any)
        .modified_on_or_after(at("2024-03-01T00:00:00Z"))
        .page(2)
        .page_size(10)
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(11));
    let m = &page.data.unwrap()[0];
    assert_eq!(m.id, 5501);
    assert_eq!(m.status, Some(types::MembershipStatus::Active));
    assert_eq!(
        m.billing_frequency,
        Some(types::MembershipRecurrenceType::Monthly)
    );
    assert_eq!(m.renewal_billing_frequency, None);
    assert_eq!(
        m.follow_up_status,
        Some(types::OpportunityStatus::NotAttempted)
    );
    assert_eq!(m.initial_deferred_revenue.unwrap().to_string(), "1234.10");
    assert_eq!(m.created_on, Some(at("2024-01-15T09:30:00.1234567Z")));
    assert_eq!(m.to, Some(at("2025-01-15T00:00:00Z")));
    assert_eq!(m.customer_id, Some(4242));
    assert_eq!(m.activated_from_id, Some(880011));
    assert_eq!(m.customer_po.as_deref(), Some("PO-2024-17"));
    let field = &m.custom_fields.as_ref().unwrap()[0];
    assert_eq!(field.type_id, Some(31));
    assert_eq!(field.value.as_deref(), Some("Neighbor"));
}

#[tokio::test]
async fn get_membership_decodes_one_membership() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/memberships/5501"));
            json_reply(then, MEMBERSHIP);
        })
        .await;

    let m = client(&api)
        .get_membership()
        .id(5501)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(m.id, 5501);
    assert_eq!(m.membership_type_id, Some(12));
    assert_eq!(
        m.modified_on.unwrap().0.timestamp_subsec_nanos(),
        765_432_100
    );
}

#[tokio::test]
async fn update_membership_patches_only_the_given_fields() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/memberships/5501"))
                .header("content-type", "application/json")
                .json_body(json!({
                    "status": "Suspended",
                    "memo": "Paused for the winter",
                    "to": "2025-06-30T00:00:00Z",
                    "initialDeferredRevenue": 99.90,
                    "recurringServiceAction": "None",
                    "recurringLocationId": 6061
                }))
                // The decimal keeps its written scale on the wire.
                .body_includes(r#""initialDeferredRevenue":99.90"#);
            json_reply(then, r#"{"id": 5501}"#);
        })
        .await;

    let result = client(&api)
        .update_membership()
        .id(5501)
        .body(types::CustomerMembershipUpdateRequest {
            status: servicetitan_core::types::Patch::Set(types::MembershipStatus::Suspended),
            memo: servicetitan_core::types::Patch::Set("Paused for the winter".into()),
            to: servicetitan_core::types::Patch::Set(at("2025-06-30T00:00:00Z")),
            initial_deferred_revenue: servicetitan_core::types::Patch::Set(dec("99.90")),
            recurring_service_action: servicetitan_core::types::Patch::Set(
                types::RecurringServiceAction::None,
            ),
            recurring_location_id: servicetitan_core::types::Patch::Set(6061),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(result.id, 5501);
}

#[tokio::test]
async fn list_membership_status_changes_decodes_the_history() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/memberships/5501/status-changes"));
            json_reply(
                then,
                r#"[{"id": 1, "oldStatus": "Active", "newStatus": "Suspended", "note": "Seasonal",
                     "createdOn": "2024-11-01T12:00:00.5000000Z", "createdById": 88},
                    {"id": 2, "oldStatus": "Suspended", "newStatus": "Canceled", "note": null,
                     "createdOn": "2025-02-01T12:00:00.0000000Z", "createdById": null}]"#,
            );
        })
        .await;

    let changes = client(&api)
        .list_membership_status_changes()
        .id(5501)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0].old_status, Some(types::MembershipStatus::Active));
    assert_eq!(
        changes[1].new_status,
        Some(types::MembershipStatus::Canceled)
    );
    assert_eq!(changes[1].note, None);
    assert_eq!(changes[0].created_on, Some(at("2024-11-01T12:00:00.5Z")));
}

#[tokio::test]
async fn create_membership_sale_posts_the_sale() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/memberships/sale"))
                .json_body(json!({
                    "customerId": 4242,
                    "businessUnitId": 301,
                    "saleTaskId": 7001,
                    "durationBillingId": 15,
                    "recurringServiceAction": "All",
                    "recurringLocationId": 6060
                }));
            json_reply(
                then,
                r#"{"invoiceId": 990001, "customerMembershipId": 5503}"#,
            );
        })
        .await;

    let sale = client(&api)
        .create_membership_sale()
        .body(types::MembershipSaleCreateRequest {
            customer_id: 4242,
            business_unit_id: 301,
            sale_task_id: 7001,
            duration_billing_id: 15,
            recurring_service_action: types::RecurringServiceAction::All,
            recurring_location_id: Some(6060),
            location_id: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(sale.invoice_id, Some(990001));
    assert_eq!(sale.customer_membership_id, Some(5503));
}

#[tokio::test]
async fn list_membership_custom_fields_sends_sort_and_decodes_types() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/memberships/custom-fields"))
                .query_param("sort", "+name")
                .query_param("createdOnOrAfter", "2023-01-01T00:00:00Z");
            json_reply(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null,
                    "data": [{"id": 31, "name": "Referral", "dataType": "Dropdown",
                              "dataTypeOptions": ["Neighbor", "Web"],
                              "createdOn": "2023-02-01T00:00:00.0000000Z",
                              "modifiedOn": "2023-02-02T00:00:00.0000000Z"}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_membership_custom_fields()
        .sort("+name")
        .created_on_or_after(at("2023-01-01T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let field = &page.data.unwrap()[0];
    assert_eq!(field.id, 31);
    assert_eq!(field.data_type, Some(types::CustomFieldDataType::Dropdown));
    assert_eq!(
        field.data_type_options.as_deref(),
        Some(&["Neighbor".to_string(), "Web".to_string()][..])
    );
}

// ---- Export ------------------------------------------------------------------------------

#[tokio::test]
async fn export_memberships_streams_two_pages_and_passes_the_token_back() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/memberships"))
                .query_param("includeRecentChanges", "true")
                .query_param_missing("from");
            let body =
                format!(r#"{{"hasMore": true, "continueFrom": "tok-1", "data": [{MEMBERSHIP}]}}"#);
            json_reply(then, &body);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/memberships"))
                .query_param("includeRecentChanges", "true")
                .query_param("from", "tok-1");
            json_reply(
                then,
                r#"{"hasMore": false, "continueFrom": "tok-2", "data": [
                    {"id": 5502, "createdOn": "2024-02-01T00:00:00.0000000Z",
                     "modifiedOn": "2024-03-02T00:00:00.0000000Z", "followUpOn": "2025-02-01T00:00:00Z",
                     "billingFrequency": "Annual", "status": "Expired", "followUpStatus": "Won",
                     "active": false, "initialDeferredRevenue": 0.00, "businessUnitId": 301,
                     "customerId": 4243, "membershipTypeId": 13, "customFields": []}]}"#,
            );
        })
        .await;

    let batches: Vec<_> = client(&api)
        .export_memberships()
        .include_recent_changes(true)
        .stream_export(None)
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(batches.len(), 2);
    assert!(batches[0].has_more);
    assert_eq!(batches[0].continue_from.as_deref(), Some("tok-1"));
    assert_eq!(batches[0].items[0].id, 5501);
    assert!(!batches[1].has_more);
    assert_eq!(batches[1].continue_from.as_deref(), Some("tok-2"));
    let last = &batches[1].items[0];
    assert_eq!(last.status, Some(types::MembershipStatus::Expired));
    assert_eq!(last.follow_up_status, Some(types::OpportunityStatus::Won));
    assert_eq!(last.initial_deferred_revenue.unwrap().to_string(), "0.00");
}

#[tokio::test]
async fn export_membership_types_resumes_from_a_saved_token() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/membership-types"))
                .query_param("from", "saved-token");
            json_reply(
                then,
                r#"{"hasMore": false, "continueFrom": "next-token", "data": [
                    {"id": 12, "createdOn": "2022-05-01T00:00:00.0000000Z", "createdById": null,
                     "modifiedOn": "2024-01-01T00:00:00.0000000Z", "importId": null,
                     "billingTemplateId": 9001,
                     "durationBilling": [{"duration": 12, "billingFrequency": "Monthly"},
                                         {"duration": null, "billingFrequency": "OneTime"}],
                     "name": "Gold", "displayName": "Gold Club", "active": true,
                     "discountMode": "Categories", "locationTarget": "SingleLocation",
                     "revenueRecognitionMode": "Deferred", "autoCalculateInvoiceTemplates": true,
                     "useMembershipPricingTable": false, "showMembershipSavings": true}]}"#,
            );
        })
        .await;

    let batches: Vec<_> = client(&api)
        .export_membership_types()
        .stream_export(Some("saved-token".into()))
        .try_collect()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].continue_from.as_deref(), Some("next-token"));
    let t = &batches[0].items[0];
    assert_eq!(t.discount_mode, Some(types::DiscountMode::Categories));
    assert_eq!(
        t.location_target,
        Some(types::MembershipLocationTarget::SingleLocation)
    );
    assert_eq!(
        t.revenue_recognition_mode,
        Some(types::RevenueRecognitionMode::Deferred)
    );
    let billing = t.duration_billing.as_ref().unwrap();
    assert_eq!(billing[1].duration, None);
    assert_eq!(
        billing[1].billing_frequency,
        Some(types::MembershipRecurrenceType::OneTime)
    );
}

#[tokio::test]
async fn the_other_export_feeds_decode_their_items() {
    let api = MockApi::start().await;
    let service_types = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/recurring-service-types"))
                .query_param("from", "2024-01-01T00:00:00Z");
            json_reply(
                then,
                r#"{"hasMore": false, "continueFrom": "rst-1", "data": [
                    {"id": 40, "createdOn": "2022-01-01T00:00:00.0000000Z",
                     "modifiedOn": "2024-01-02T00:00:00.0000000Z", "active": true,
                     "recurrenceType": "Seasonal", "recurrenceInterval": 1,
                     "recurrenceMonths": ["March", "September"], "durationType": "NumberOfVisits",
                     "durationLength": 2, "priority": "High", "name": "Spring/Fall tune-up"}]}"#,
            );
        })
        .await;
    let templates = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/invoice-templates"));
            json_reply(
                then,
                r#"{"hasMore": false, "continueFrom": "it-1", "data": [
                    {"id": 9001, "name": null, "createdOn": "2023-01-01T00:00:00.0000000Z",
                     "modifiedOn": "2023-06-01T00:00:00.0000000Z", "active": true, "total": 250.50,
                     "isSettingsTemplate": false, "items": [
                        {"id": 1, "skuId": 501, "skuType": "Service", "quantity": 1.0,
                         "unitPrice": 250.50, "isAddOn": false, "description": "<p>Tune-up</p>",
                         "cost": null, "hours": 1.25}]}]}"#,
            );
        })
        .await;
    let services = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/recurring-services"));
            json_reply(
                then,
                r#"{"hasMore": false, "continueFrom": "rs-1", "data": [
                    {"id": 700, "name": "Filter change", "active": true,
                     "createdOn": "2024-01-15T00:00:00.0000000Z", "modifiedOn": "2024-01-15T00:00:00.0000000Z",
                     "locationId": 6060, "recurringServiceTypeId": 40, "durationType": "Continuous",
                     "durationLength": 0, "firstVisitComplete": false, "allocation": 120.00,
                     "priority": "Normal", "recurrenceType": "Monthly", "recurrenceInterval": 3,
                     "recurrenceMonths": [], "recurrenceDaysOfWeek": [], "recurrenceWeek": "None",
                     "recurrenceDaysOfMonth": [15], "jobStartTime": "08:30:00"}]}"#,
            );
        })
        .await;
    let events = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/recurring-service-events"));
            json_reply(
                then,
                r#"{"hasMore": false, "continueFrom": "rse-1", "data": [
                    {"id": 81, "locationRecurringServiceId": 700, "status": "Dismissed",
                     "date": "2024-04-15T00:00:00Z", "createdOn": "2024-01-15T00:00:00.0000000Z",
                     "modifiedOn": "2024-04-16T00:00:00.0000000Z", "active": false}]}"#,
            );
        })
        .await;
    let status_changes = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/membership-status-changes"));
            json_reply(
                then,
                r#"{"hasMore": false, "continueFrom": "msc-1", "data": [
                    {"id": 3, "oldStatus": "Active", "newStatus": "Deleted", "note": null,
                     "createdOn": "2024-05-01T00:00:00.1000000Z", "membershipId": 5501}]}"#,
            );
        })
        .await;

    let c = client(&api);
    let rst = c
        .export_recurring_service_types()
        .from("2024-01-01T00:00:00Z")
        .send()
        .await
        .unwrap()
        .into_inner();
    let it = c
        .export_invoice_templates()
        .send()
        .await
        .unwrap()
        .into_inner();
    let rs = c
        .export_recurring_services()
        .send()
        .await
        .unwrap()
        .into_inner();
    let rse = c
        .export_recurring_service_events()
        .send()
        .await
        .unwrap()
        .into_inner();
    let msc = c
        .export_membership_status_changes()
        .send()
        .await
        .unwrap()
        .into_inner();

    service_types.assert_async().await;
    templates.assert_async().await;
    services.assert_async().await;
    events.assert_async().await;
    status_changes.assert_async().await;

    let st = &rst.data.unwrap()[0];
    assert_eq!(
        st.recurrence_type,
        Some(types::ServiceRecurrenceType::Seasonal)
    );
    assert_eq!(
        st.recurrence_months,
        Some(vec![types::Month::March, types::Month::September])
    );
    assert_eq!(st.priority, Some(types::Priority::High));

    let template = &it.data.unwrap()[0];
    assert_eq!(template.total.unwrap().to_string(), "250.50");
    let line = &template.items.as_ref().unwrap()[0];
    assert_eq!(line.sku_type, Some(types::SkuType::Service));
    assert_eq!(line.hours.unwrap().to_string(), "1.25");

    let service = &rs.data.unwrap()[0];
    assert_eq!(service.recurrence_week, Some(types::WeekOfMonth::None));
    assert_eq!(service.allocation.unwrap().to_string(), "120.00");
    assert_eq!(service.recurrence_days_of_month, Some(vec![15]));
    assert_eq!(service.job_start_time.as_deref(), Some("08:30:00"));

    let event = &rse.data.unwrap()[0];
    assert_eq!(event.status, Some(types::OpportunityStatus::Dismissed));
    assert_eq!(event.active, Some(false));

    let change = &msc.data.unwrap()[0];
    assert_eq!(change.new_status, Some(types::MembershipStatus::Deleted));
    assert_eq!(change.membership_id, Some(5501));
}

// ---- Invoice templates -------------------------------------------------------------------

const INVOICE_TEMPLATE: &str = r#"{
    "id": 9001, "name": "Gold monthly", "createdOn": "2023-01-01T08:00:00.1234567Z",
    "createdById": 77, "modifiedOn": "2023-06-01T08:00:00.1234567Z", "active": true,
    "total": 1234.10, "isSettingsTemplate": true, "importId": null,
    "items": [
        {"id": 1, "skuId": 501, "skuType": "Service", "quantity": 2.000, "unitPrice": 600.05,
         "isAddOn": false, "importId": null, "workflowActionItemId": null,
         "description": "<b>Visit</b>", "cost": 125.00, "hours": 1.50},
        {"id": 2, "skuId": 502, "skuType": "Material", "quantity": 1, "unitPrice": 34.00,
         "isAddOn": true, "description": null, "cost": null, "hours": null}
    ]
}"#;

#[tokio::test]
async fn list_invoice_templates_requires_ids() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": [{INVOICE_TEMPLATE}]}}"#
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/invoice-templates"))
                .query_param("ids", "9001,9002");
            json_reply(then, &body);
        })
        .await;

    let c = client(&api);
    let page = c
        .list_invoice_templates()
        .ids("9001,9002")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let template = &page.data.unwrap()[0];
    assert_eq!(template.id, 9001);
    assert_eq!(template.is_settings_template, Some(true));
    assert_eq!(
        template.items.as_ref().unwrap()[1].sku_type,
        Some(types::SkuType::Material)
    );

    // `ids` is required: without it the request is refused before it is sent.
    let err = c.list_invoice_templates().send().await.unwrap_err();
    assert!(err.to_string().contains("ids"), "{err}");
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn get_invoice_template_decodes_lines_and_money() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/invoice-templates/9001"));
            json_reply(then, INVOICE_TEMPLATE);
        })
        .await;

    let template = client(&api)
        .get_invoice_template()
        .id(9001)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(template.total.unwrap().to_string(), "1234.10");
    assert_eq!(
        template.created_on,
        Some(at("2023-01-01T08:00:00.1234567Z"))
    );
    let items = template.items.unwrap();
    assert_eq!(items[0].quantity.unwrap().to_string(), "2.000");
    assert_eq!(items[0].unit_price.unwrap().to_string(), "600.05");
    assert_eq!(items[0].cost.unwrap().to_string(), "125.00");
    assert_eq!(items[1].cost, None);
    assert_eq!(items[1].is_add_on, Some(true));
}

#[tokio::test]
async fn create_invoice_template_posts_lines_with_exact_decimals() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/invoice-templates"))
                .json_body_includes(
                    r#"{"items": [{"skuId": 501, "quantity": 2, "unitPrice": 600.05, "isAddOn": false,
                                   "description": "Visit", "hours": 1.5}]}"#,
                )
                .body_includes(r#""unitPrice":600.05"#)
                .body_includes(r#""hours":1.50"#);
            json_reply(then, r#"{"id": 9003}"#);
        })
        .await;

    let created = client(&api)
        .create_invoice_template()
        .body(types::InvoiceTemplateCreateRequest {
            items: Some(vec![types::InvoiceTemplateItemCreateRequest {
                sku_id: 501,
                quantity: dec("2"),
                unit_price: dec("600.05"),
                is_add_on: false,
                description: Some("Visit".into()),
                hours: Some(dec("1.50")),
                cost: None,
                workflow_action_item_id: None,
            }]),
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(created.id, 9003);
}

#[tokio::test]
async fn update_invoice_template_sends_new_and_existing_lines() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/invoice-templates/9001"))
                .json_body(json!({
                    "name": "Gold monthly (2025)",
                    "active": true,
                    "items": [
                        {"id": 1, "skuId": 501, "quantity": 1, "unitPrice": 650.00, "isAddOn": false},
                        {"skuId": 503, "quantity": 1, "unitPrice": 19.99, "isAddOn": true}
                    ]
                }))
                .body_includes(r#""unitPrice":650.00"#);
            json_reply(then, r#"{"id": 9001}"#);
        })
        .await;

    let result = client(&api)
        .update_invoice_template()
        .id(9001)
        .body(types::InvoiceTemplateUpdateRequest {
            name: servicetitan_core::types::Patch::Set("Gold monthly (2025)".into()),
            active: servicetitan_core::types::Patch::Set(true),
            items: servicetitan_core::types::Patch::Set(vec![
                Some(types::InvoiceTemplateItemUpdateRequest {
                    id: servicetitan_core::types::Patch::Set(1),
                    sku_id: servicetitan_core::types::Patch::Set(501),
                    quantity: servicetitan_core::types::Patch::Set(dec("1")),
                    unit_price: servicetitan_core::types::Patch::Set(dec("650.00")),
                    is_add_on: servicetitan_core::types::Patch::Set(false),
                    cost: servicetitan_core::types::Patch::Absent,
                    description: servicetitan_core::types::Patch::Absent,
                    hours: servicetitan_core::types::Patch::Absent,
                }),
                Some(types::InvoiceTemplateItemUpdateRequest {
                    sku_id: servicetitan_core::types::Patch::Set(503),
                    quantity: servicetitan_core::types::Patch::Set(dec("1")),
                    unit_price: servicetitan_core::types::Patch::Set(dec("19.99")),
                    is_add_on: servicetitan_core::types::Patch::Set(true),
                    cost: servicetitan_core::types::Patch::Absent,
                    description: servicetitan_core::types::Patch::Absent,
                    hours: servicetitan_core::types::Patch::Absent,
                    id: servicetitan_core::types::Patch::Absent,
                }),
            ]),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(result.id, 9001);
}

// ---- Recurring service events ------------------------------------------------------------

#[tokio::test]
async fn list_recurring_service_events_sends_filters() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/recurring-service-events"))
                .query_param("locationId", "6060")
                .query_param("jobId", "123456789012")
                .query_param("status", "Contacted")
                .query_param("createdBefore", "2024-12-31T23:59:59Z");
            json_reply(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": [
                    {"id": 81, "locationRecurringServiceId": 700,
                     "locationRecurringServiceName": "Filter change", "membershipId": 5501,
                     "membershipName": "Gold", "status": "Contacted",
                     "date": "2024-04-15T00:00:00Z", "createdOn": "2024-01-15T00:00:00.0000000Z",
                     "jobId": 123456789012, "createdById": null,
                     "modifiedOn": "2024-04-01T00:00:00.0000000Z"}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_recurring_service_events()
        .location_id(6060)
        .job_id(123456789012_i64)
        .status(types::OpportunityStatus::Contacted)
        .created_before(at("2024-12-31T23:59:59Z"))
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let event = &page.data.unwrap()[0];
    assert_eq!(event.id, 81);
    assert_eq!(event.job_id, Some(123456789012));
    assert_eq!(event.status, Some(types::OpportunityStatus::Contacted));
    assert_eq!(event.date, Some(at("2024-04-15T00:00:00Z")));
}

#[tokio::test]
async fn mark_recurring_service_events_complete_and_incomplete() {
    let api = MockApi::start().await;
    let complete = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/recurring-service-events/81/mark-complete"))
                .json_body(json!({"jobId": 123456789012_i64}));
            json_reply(then, r#"{"id": 81}"#);
        })
        .await;
    let incomplete = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/recurring-service-events/82/mark-incomplete"))
                .json_body(json!({"jobId": 123456789013_i64}));
            json_reply(then, r#"{"id": 82}"#);
        })
        .await;

    let c = client(&api);
    let done = c
        .mark_recurring_service_event_complete()
        .id(81)
        .body(types::RecurringServiceEventJobRequest {
            job_id: 123456789012,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let undone = c
        .mark_recurring_service_event_incomplete()
        .id(82)
        .body(types::RecurringServiceEventJobRequest {
            job_id: 123456789013,
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    complete.assert_async().await;
    incomplete.assert_async().await;
    assert_eq!(done.id, 81);
    assert_eq!(undone.id, 82);
}

// ---- Recurring services ------------------------------------------------------------------

const RECURRING_SERVICE: &str = r#"{
    "id": 700, "name": "Filter change", "active": true,
    "createdOn": "2024-01-15T09:30:00.1234567Z", "createdById": 77,
    "modifiedOn": "2024-02-01T10:00:00.0000001Z", "importId": null, "membershipId": 5501,
    "locationId": 6060, "recurringServiceTypeId": 40, "durationType": "NumberOfVisits",
    "durationLength": 4, "from": "2024-02-01T00:00:00Z", "to": null, "memo": null,
    "invoiceTemplateId": 9001, "invoiceTemplateForFollowingYearsId": null,
    "firstVisitComplete": true, "activatedFromId": null, "allocation": 75.25,
    "businessUnitId": 301, "jobTypeId": 14, "campaignId": 9, "priority": "Urgent",
    "jobSummary": "Replace filters", "recurrenceType": "NthWeekdayOfMonth",
    "recurrenceInterval": 1, "recurrenceMonths": ["January", "April", "July", "October"],
    "recurrenceDaysOfWeek": ["Tuesday"], "recurrenceWeek": "Second",
    "recurrenceDayOfNthWeek": "Tuesday", "recurrenceDaysOfMonth": [],
    "jobStartTime": "09:00:00", "estimatedPayrollCost": 45.50
}"#;

#[tokio::test]
async fn list_recurring_services_streams_items_across_pages() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/recurring-services"))
                .query_param("membershipIds", "5501")
                .query_param("locationIds", "6060,6061")
                .query_param("page", "1");
            let body = format!(
                r#"{{"page": 1, "pageSize": 1, "hasMore": true, "totalCount": null, "data": [{RECURRING_SERVICE}]}}"#
            );
            json_reply(then, &body);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/recurring-services"))
                .query_param("membershipIds", "5501")
                .query_param("locationIds", "6060,6061")
                .query_param("page", "2");
            json_reply(
                then,
                r#"{"page": 2, "pageSize": 1, "hasMore": false, "totalCount": null, "data": [
                    {"id": 701, "name": "Duct cleaning", "active": true,
                     "createdOn": "2024-01-15T00:00:00.0000000Z", "modifiedOn": "2024-01-15T00:00:00.0000000Z",
                     "locationId": 6061, "recurringServiceTypeId": 41, "durationType": "Continuous",
                     "durationLength": 0, "firstVisitComplete": false, "allocation": 0.00,
                     "priority": "Low", "recurrenceType": "Weekly", "recurrenceInterval": 2,
                     "recurrenceMonths": [], "recurrenceDaysOfWeek": ["Monday", "Friday"],
                     "recurrenceWeek": "None", "recurrenceDaysOfMonth": []}]}"#,
            );
        })
        .await;

    let services: Vec<types::RecurringService> = client(&api)
        .list_recurring_services()
        .membership_ids("5501")
        .location_ids("6060,6061")
        .stream_items()
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(services.len(), 2);
    assert_eq!(services[0].id, 700);
    assert_eq!(services[1].id, 701);
    assert_eq!(
        services[1].recurrence_days_of_week,
        Some(vec![types::WeekDay::Monday, types::WeekDay::Friday])
    );
}

#[tokio::test]
async fn get_recurring_service_decodes_the_schedule() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/recurring-services/700"));
            json_reply(then, RECURRING_SERVICE);
        })
        .await;

    let s = client(&api)
        .get_recurring_service()
        .id(700)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(s.id, 700);
    assert_eq!(
        s.recurrence_type,
        Some(types::ServiceRecurrenceType::NthWeekdayOfMonth)
    );
    assert_eq!(s.recurrence_week, Some(types::WeekOfMonth::Second));
    assert_eq!(s.recurrence_day_of_nth_week, Some(types::WeekDay::Tuesday));
    assert_eq!(
        s.duration_type,
        Some(types::ServiceRecurrenceDuration::NumberOfVisits)
    );
    assert_eq!(s.priority, Some(types::Priority::Urgent));
    assert_eq!(s.allocation.unwrap().to_string(), "75.25");
    assert_eq!(s.estimated_payroll_cost.unwrap().to_string(), "45.50");
    assert_eq!(s.to, None);
    assert_eq!(s.recurrence_months.as_ref().map(Vec::len), Some(4));
}

#[tokio::test]
async fn update_recurring_service_patches_the_schedule() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/recurring-services/700"))
                .json_body(json!({
                    "priority": "High",
                    "recurrenceType": "Monthly",
                    "recurrenceInterval": 2,
                    "recurrenceWeek": "Last",
                    "recurrenceDayOfNthWeek": "Saturday",
                    "recurrenceMonths": ["May", "November"],
                    "from": "2025-05-01T00:00:00Z",
                    "estimatedPayrollCost": 60.10
                }))
                .body_includes(r#""estimatedPayrollCost":60.10"#);
            json_reply(then, r#"{"id": 700}"#);
        })
        .await;

    let result = client(&api)
        .update_recurring_service()
        .id(700)
        .body(types::RecurringServiceUpdateRequest {
            priority: servicetitan_core::types::Patch::Set(types::Priority::High),
            recurrence_type: servicetitan_core::types::Patch::Set(
                types::ServiceRecurrenceType::Monthly,
            ),
            recurrence_interval: servicetitan_core::types::Patch::Set(2),
            recurrence_week: servicetitan_core::types::Patch::Set(types::WeekOfMonth::Last),
            recurrence_day_of_nth_week: servicetitan_core::types::Patch::Set(
                types::WeekDay::Saturday,
            ),
            recurrence_months: servicetitan_core::types::Patch::Set(vec![
                types::Month::May,
                types::Month::November,
            ]),
            from: servicetitan_core::types::Patch::Set(at("2025-05-01T00:00:00Z")),
            estimated_payroll_cost: servicetitan_core::types::Patch::Set(dec("60.10")),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(result.id, 700);
}

// ---- Membership types --------------------------------------------------------------------

const MEMBERSHIP_TYPE: &str = r#"{
    "name": "Gold", "displayName": "Gold Club", "active": true, "discountMode": "Units",
    "locationTarget": "AllLocations", "revenueRecognitionMode": "PointOfSale",
    "autoCalculateInvoiceTemplates": false, "useMembershipPricingTable": true,
    "showMembershipSavings": true, "id": 12, "createdOn": "2022-05-01T12:00:00.1234567Z",
    "createdById": 1, "modifiedOn": "2024-01-01T00:00:00.0000000Z", "importId": "legacy-12",
    "billingTemplateId": 9001,
    "durationBilling": [{"duration": 12, "billingFrequency": "Quarterly"}]
}"#;

#[tokio::test]
async fn list_membership_types_sends_filters() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 1, "data": [{MEMBERSHIP_TYPE}]}}"#
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/membership-types"))
                .query_param("active", "True")
                .query_param("duration", "12")
                .query_param("billingFrequency", "Quarterly")
                .query_param("includeDurationBilling", "true")
                .query_param("includeTotal", "true");
            json_reply(then, &body);
        })
        .await;

    let page = client(&api)
        .list_membership_types()
        .active(types::ActiveFilter::True)
        .duration(12)
        .billing_frequency(types::MembershipRecurrenceType::Quarterly)
        .include_duration_billing(true)
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(1));
    let t = &page.data.unwrap()[0];
    assert_eq!(t.id, 12);
    assert_eq!(t.discount_mode, Some(types::DiscountMode::Units));
    assert_eq!(
        t.duration_billing.as_ref().unwrap()[0].billing_frequency,
        Some(types::MembershipRecurrenceType::Quarterly)
    );
}

#[tokio::test]
async fn get_membership_type_decodes_one_type() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/membership-types/12"));
            json_reply(then, MEMBERSHIP_TYPE);
        })
        .await;

    let t = client(&api)
        .get_membership_type()
        .id(12)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(t.name.as_deref(), Some("Gold"));
    assert_eq!(
        t.revenue_recognition_mode,
        Some(types::RevenueRecognitionMode::PointOfSale)
    );
    assert_eq!(t.import_id.as_deref(), Some("legacy-12"));
    assert_eq!(t.created_on, Some(at("2022-05-01T12:00:00.1234567Z")));
}

#[tokio::test]
async fn membership_type_sub_lists_decode_items_discounts_and_prices() {
    let api = MockApi::start().await;
    let items = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/membership-types/12/recurring-service-items"));
            json_reply(
                then,
                r#"[{"id": 1, "membershipTypeId": 12, "recurringServiceTypeId": 40, "offset": 6,
                     "offsetType": "Months", "allocation": 60.00, "importId": null,
                     "createdOn": "2022-05-01T00:00:00.0000000Z", "createdById": null}]"#,
            );
        })
        .await;
    let discounts = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/membership-types/12/discounts"));
            json_reply(
                then,
                r#"[{"id": 2, "targetId": 301, "discount": 15.5,
                     "createdOn": "2022-05-01T00:00:00.0000000Z", "createdById": 1}]"#,
            );
        })
        .await;
    let billing = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/membership-types/12/duration-billing-items"))
                .query_param("active", "False");
            json_reply(
                then,
                r#"[{"id": 15, "duration": 12, "billingFrequency": "Monthly", "salePrice": 0.00,
                     "billingPrice": 19.95, "renewalPrice": 21.00, "importId": null,
                     "active": false, "createdOn": "2022-05-01T00:00:00.0000000Z",
                     "createdById": null}]"#,
            );
        })
        .await;

    let c = client(&api);
    let service_items = c
        .list_membership_type_recurring_service_items()
        .id(12)
        .send()
        .await
        .unwrap()
        .into_inner();
    let discount_items = c
        .list_membership_type_discounts()
        .id(12)
        .send()
        .await
        .unwrap()
        .into_inner();
    let billing_items = c
        .list_membership_type_duration_billing_items()
        .id(12)
        .active(types::ActiveFilter::False)
        .send()
        .await
        .unwrap()
        .into_inner();

    items.assert_async().await;
    discounts.assert_async().await;
    billing.assert_async().await;
    assert_eq!(
        service_items[0].offset_type,
        Some(types::OffsetType::Months)
    );
    assert_eq!(service_items[0].allocation.unwrap().to_string(), "60.00");
    assert_eq!(discount_items[0].discount.unwrap().to_string(), "15.5");
    assert_eq!(discount_items[0].target_id, Some(301));
    assert_eq!(billing_items[0].billing_price.unwrap().to_string(), "19.95");
    assert_eq!(billing_items[0].renewal_price.unwrap().to_string(), "21.00");
    assert_eq!(billing_items[0].active, Some(false));
}

// ---- Recurring service types -------------------------------------------------------------

const RECURRING_SERVICE_TYPE: &str = r#"{
    "id": 40, "createdOn": "2022-01-01T00:00:00.1234567Z", "createdById": null,
    "modifiedOn": "2024-01-02T00:00:00.0000000Z", "active": true, "recurrenceType": "Daily",
    "recurrenceInterval": 7, "recurrenceMonths": [], "durationType": "Continuous",
    "durationLength": 0, "invoiceTemplateId": null, "businessUnitId": 301, "jobTypeId": 14,
    "priority": "Normal", "campaignId": null, "jobSummary": "Weekly check",
    "name": "Pool check", "importId": null
}"#;

#[tokio::test]
async fn list_recurring_service_types_sends_filters() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": [{RECURRING_SERVICE_TYPE}]}}"#
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/recurring-service-types"))
                .query_param("membershipTypeId", "12")
                .query_param("recurrenceType", "Daily")
                .query_param("durationType", "Continuous")
                .query_param("sort", "-id");
            json_reply(then, &body);
        })
        .await;

    let page = client(&api)
        .list_recurring_service_types()
        .membership_type_id(12)
        .recurrence_type(types::ServiceRecurrenceType::Daily)
        .duration_type(types::ServiceRecurrenceDuration::Continuous)
        .sort("-id")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let t = &page.data.unwrap()[0];
    assert_eq!(t.id, 40);
    assert_eq!(t.recurrence_interval, Some(7));
    assert_eq!(t.name.as_deref(), Some("Pool check"));
}

#[tokio::test]
async fn get_recurring_service_type_decodes_one_type() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/recurring-service-types/40"));
            json_reply(then, RECURRING_SERVICE_TYPE);
        })
        .await;

    let t = client(&api)
        .get_recurring_service_type()
        .id(40)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(t.recurrence_type, Some(types::ServiceRecurrenceType::Daily));
    assert_eq!(t.priority, Some(types::Priority::Normal));
    assert_eq!(t.created_on, Some(at("2022-01-01T00:00:00.1234567Z")));
}

// ---- Decoding and errors -----------------------------------------------------------------

#[tokio::test]
async fn lenient_decoding_keeps_unknown_enums_and_tolerates_nulls_and_extras() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/memberships/5504"));
            // `status` is a value the spec does not list, `loyaltyTier` is not in the spec,
            // and `createdOn`, `billingFrequency` and `customFields` are required but null.
            json_reply(
                then,
                r#"{"id": 5504, "createdOn": null, "modifiedOn": "2024-03-01T10:00:00.1234567",
                    "followUpOn": "2025-01-15T00:00:00Z", "billingFrequency": null,
                    "status": "PendingRenewal", "followUpStatus": "Won", "active": true,
                    "initialDeferredRevenue": 10.00, "businessUnitId": 301, "customerId": 4242,
                    "membershipTypeId": 12, "customFields": null, "loyaltyTier": {"level": 3}}"#,
            );
        })
        .await;

    let m = client(&api)
        .get_membership()
        .id(5504)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        m.status,
        Some(types::MembershipStatus::Unknown("PendingRenewal".into()))
    );
    assert!(!m.status.as_ref().unwrap().is_known());
    assert_eq!(m.created_on, None);
    assert_eq!(m.billing_frequency, None);
    assert!(m.custom_fields.is_none());
    assert_eq!(m.modified_on, Some(at("2024-03-01T10:00:00.1234567Z")));
    assert_eq!(m.initial_deferred_revenue.unwrap().to_string(), "10.00");
}

#[tokio::test]
async fn a_missing_membership_is_a_404_api_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/memberships/404404"));
            then.status(404)
                .header("content-type", "application/json")
                .body(
                    r#"{"type": "https://httpstatuses.com/404", "title": "Membership not found.",
                        "status": 404, "traceId": "00-404-01"}"#,
                );
        })
        .await;

    let result = client(&api).get_membership().id(404404).send().await;

    mock.assert_async().await;
    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.trace_id(), Some("00-404-01"));
    assert_eq!(
        err.problem().and_then(|p| p.title.as_deref()),
        Some("Membership not found.")
    );
}
