//! Sales API (`/sales/v2`): estimates, their items, selling/dismissing, and the export feed.

use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;
use servicetitan_core::paging::{ExportRequestExt, ListRequestExt};
use servicetitan_core::testing::{json_reply, MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::{DateTime, Decimal};
use servicetitan_salestech::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn at(text: &str) -> DateTime {
    text.parse().unwrap()
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

const ITEM: &str = r#"{
    "id": 50001, "sku": {"id": 501, "name": "TUNEUP", "displayName": "Furnace tune-up",
    "type": "Service", "soldHours": 1.50, "generalLedgerAccountId": 4000,
    "generalLedgerAccountName": "Service Income", "modifiedOn": "2023-09-01T00:00:00.1234567Z"},
    "skuAccount": "4000", "description": "<p>Annual tune-up</p>", "membershipTypeId": null,
    "qty": 2.000, "unitRate": 129.95, "total": 259.90, "unitCost": 40.00, "totalCost": 80.00,
    "itemGroupName": "Maintenance", "itemGroupRootId": null,
    "createdOn": "2024-03-01T10:00:00.1234567Z", "modifiedOn": "2024-03-01T10:05:00.7654321Z",
    "chargeable": true
}"#;

fn estimate(id: i64) -> String {
    format!(
        r#"{{"id": {id}, "jobId": 123456789012, "projectId": null, "locationId": 6060,
            "customerId": 4242, "name": "Furnace options", "jobNumber": "J-1077",
            "status": {{"value": 1, "name": "Open"}}, "reviewStatus": "NeedsApproval",
            "summary": "Good / better / best", "createdOn": "2024-03-01T09:59:00.1234567Z",
            "modifiedOn": "2024-03-01T10:05:00.7654321Z", "soldOn": null, "soldBy": null,
            "active": true, "items": [{ITEM}],
            "externalLinks": [{{"name": "Photos", "url": "https://photos.example.com/j1077"}}],
            "subtotal": 1234.10, "tax": 101.81, "businessUnitId": 301,
            "businessUnitName": "HVAC Sales"}}"#
    )
}

#[tokio::test]
async fn list_estimates_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 1, "data": [{}]}}"#,
        estimate(77001)
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/estimates"))
                .query_param("jobId", "123456789012")
                .query_param("jobNumber", "J-1077")
                .query_param("soldById", "88")
                .query_param("soldAfter", "2024-01-01T00:00:00Z")
                .query_param("status", "Open")
                .query_param("active", "True")
                .query_param("orderBy", "createdOn")
                .query_param("orderByDirection", "desc")
                .query_param("locationId", "6060")
                .query_param("includeTotal", "true")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            json_reply(then, &body);
        })
        .await;

    let page = client(&api)
        .list_estimates()
        .job_id(123456789012_i64)
        .job_number("J-1077")
        .sold_by_id(88)
        .sold_after(at("2024-01-01T00:00:00Z"))
        .status("Open")
        .active(types::ActiveFilter::True)
        .order_by("createdOn")
        .order_by_direction("desc")
        .location_id(6060)
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(1));
    let e = &page.data.unwrap()[0];
    assert_eq!(e.id, 77001);
    assert_eq!(
        e.review_status,
        Some(types::EstimateReviewStatus::NeedsApproval)
    );
    let status = e.status.as_ref().unwrap();
    assert_eq!(
        (status.value, status.name.as_deref()),
        (Some(1), Some("Open"))
    );
    assert_eq!(e.subtotal.unwrap().to_string(), "1234.10");
    assert_eq!(e.tax.unwrap().to_string(), "101.81");
    assert_eq!(e.created_on, Some(at("2024-03-01T09:59:00.1234567Z")));
    let item = &e.items.as_ref().unwrap()[0];
    assert_eq!(item.total.unwrap().to_string(), "259.90");
    assert_eq!(
        item.sku.as_ref().unwrap().sold_hours.unwrap().to_string(),
        "1.50"
    );
}

/// `totalGreater` / `totalLess` are decimal query parameters, sent as their exact text (they
/// once went out as `$serde_json::private::RawValue=1000.00`, silently dropping the filter).
#[tokio::test]
async fn list_estimates_sends_decimal_total_bounds() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/estimates"))
                .query_param("totalGreater", "1000.00")
                .query_param("totalLess", "2500.50");
            json_reply(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": []}"#,
            );
        })
        .await;

    let result = client(&api)
        .list_estimates()
        .total_greater(dec("1000.00"))
        .total_less(dec("2500.50"))
        .send()
        .await;

    result.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn list_estimates_stream_items_walks_the_pages() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/estimates"))
                .query_param("page", "1")
                .query_param("projectId", "9001");
            let body = format!(
                r#"{{"page": 1, "pageSize": 1, "hasMore": true, "totalCount": null, "data": [{}]}}"#,
                estimate(77001)
            );
            json_reply(then, &body);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/estimates"))
                .query_param("page", "2")
                .query_param("projectId", "9001");
            let body = format!(
                r#"{{"page": 2, "pageSize": 1, "hasMore": false, "totalCount": null, "data": [{}]}}"#,
                estimate(77002)
            );
            json_reply(then, &body);
        })
        .await;

    let ids: Vec<i64> = client(&api)
        .list_estimates()
        .project_id(9001)
        .stream_items()
        .map_ok(|e| e.id)
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(ids, [77001, 77002]);
}

#[tokio::test]
async fn get_estimate_decodes_one_estimate() {
    let api = MockApi::start().await;
    let body = estimate(77001);
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/estimates/77001"));
            json_reply(then, &body);
        })
        .await;

    let e = client(&api)
        .get_estimate()
        .id(77001)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(e.job_id, Some(123456789012));
    assert_eq!(e.business_unit_name.as_deref(), Some("HVAC Sales"));
    assert_eq!(
        e.external_links.as_ref().unwrap()[0].url.as_deref(),
        Some("https://photos.example.com/j1077")
    );
    assert_eq!(e.sold_on, None);
}

#[tokio::test]
async fn create_estimate_posts_items_with_exact_decimals() {
    let api = MockApi::start().await;
    let body = estimate(77003);
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/estimates"))
                .json_body(json!({
                    "name": "Furnace options",
                    "summary": "Good / better / best",
                    "tax": 101.81,
                    "status": "Open",
                    "reviewStatus": "None",
                    "jobId": 123456789012_i64,
                    "items": [{"skuId": 501, "quantity": 2.0, "unitPrice": 129.95,
                               "description": "Annual tune-up", "chargeable": true}],
                    "externalLinks": [{"name": "Photos", "url": "https://photos.example.com/j1077"}]
                }))
                .body_includes(r#""unitPrice":129.95"#)
                .body_includes(r#""quantity":2.000"#);
            json_reply(then, &body);
        })
        .await;

    let created = client(&api)
        .create_estimate()
        .body(types::EstimateCreateRequest {
            name: Some("Furnace options".into()),
            summary: Some("Good / better / best".into()),
            tax: Some(dec("101.81")),
            status: Some(types::EstimateStatus::Open),
            review_status: Some(types::EstimateReviewStatus::None),
            job_id: Some(123456789012),
            items: Some(vec![types::EstimateItemUpsertRequest {
                sku_id: Some(501),
                quantity: Some(dec("2.000")),
                unit_price: Some(dec("129.95")),
                description: Some("Annual tune-up".into()),
                chargeable: Some(true),
                ..Default::default()
            }]),
            external_links: Some(vec![types::ExternalLinkInput {
                name: Some("Photos".into()),
                url: Some("https://photos.example.com/j1077".into()),
            }]),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(created.id, 77003);
}

#[tokio::test]
async fn update_estimate_puts_the_changes() {
    let api = MockApi::start().await;
    let body = estimate(77001).replace(
        r#""reviewStatus": "NeedsApproval""#,
        r#""reviewStatus": "Approved""#,
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(api.path(SERVER_PATH, "/estimates/77001"))
                .json_body(json!({"reviewStatus": "Approved", "summary": "Approved by manager"}));
            json_reply(then, &body);
        })
        .await;

    let updated = client(&api)
        .update_estimate()
        .id(77001)
        .body(types::EstimateUpdateRequest {
            review_status: Some(types::EstimateReviewStatus::Approved),
            summary: Some("Approved by manager".into()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        updated.review_status,
        Some(types::EstimateReviewStatus::Approved)
    );
}

#[tokio::test]
async fn sell_unsell_and_dismiss_an_estimate() {
    let api = MockApi::start().await;
    let sold = estimate(77001)
        .replace(
            r#""soldOn": null, "soldBy": null"#,
            r#""soldOn": "2024-03-02T14:00:00.1234567Z", "soldBy": 88"#,
        )
        .replace(
            r#"{"value": 1, "name": "Open"}"#,
            r#"{"value": 2, "name": "Sold"}"#,
        );
    let sell = api
        .server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(api.path(SERVER_PATH, "/estimates/77001/sell"))
                .json_body(json!({"soldBy": 88}));
            json_reply(then, &sold);
        })
        .await;
    let unsell = api
        .server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(api.path(SERVER_PATH, "/estimates/77001/unsell"));
            then.status(200);
        })
        .await;
    let dismiss = api
        .server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(api.path(SERVER_PATH, "/estimates/77002/dismiss"));
            then.status(200);
        })
        .await;

    let c = client(&api);
    let e = c
        .sell_estimate()
        .id(77001)
        .body(types::EstimateSellRequest { sold_by: 88 })
        .send()
        .await
        .unwrap()
        .into_inner();
    let unsold = c.unsell_estimate().id(77001).send().await.unwrap();
    let dismissed = c.dismiss_estimate().id(77002).send().await.unwrap();

    sell.assert_async().await;
    unsell.assert_async().await;
    dismiss.assert_async().await;
    assert_eq!(e.sold_by, Some(88));
    assert_eq!(e.sold_on, Some(at("2024-03-02T14:00:00.1234567Z")));
    assert_eq!(e.status.unwrap().name.as_deref(), Some("Sold"));
    assert_eq!(unsold.status().as_u16(), 200);
    assert_eq!(dismissed.status().as_u16(), 200);
}

#[tokio::test]
async fn list_estimate_items_sends_filters() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": [{ITEM}]}}"#
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/estimates/items"))
                .query_param("estimateId", "77001")
                .query_param("ids", "50001,50002")
                .query_param("active", "Any")
                .query_param("createdOnOrAfter", "2024-03-01T00:00:00Z");
            json_reply(then, &body);
        })
        .await;

    let page = client(&api)
        .list_estimate_items()
        .estimate_id(77001)
        .ids("50001,50002")
        .active(types::ActiveFilter::Any)
        .created_on_or_after(at("2024-03-01T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let item = &page.data.unwrap()[0];
    assert_eq!(item.id, 50001);
    assert_eq!(item.qty.unwrap().to_string(), "2.000");
    assert_eq!(item.unit_rate.unwrap().to_string(), "129.95");
    assert_eq!(item.sku.as_ref().unwrap().type_.as_deref(), Some("Service"));
    assert_eq!(
        item.modified_on.unwrap().0.timestamp_subsec_nanos(),
        765_432_100
    );
}

#[tokio::test]
async fn upsert_and_delete_an_estimate_item() {
    let api = MockApi::start().await;
    let saved = ITEM.replacen(r#""id": 50001"#, r#""estimateId": 77001, "id": 50001"#, 1);
    let upsert = api
        .server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(api.path(SERVER_PATH, "/estimates/77001/items"))
                .json_body(json!({"id": 50001, "quantity": 3, "unitPrice": 119.95,
                                  "skipUpdatingMembershipPrices": true}))
                .body_includes(r#""unitPrice":119.95"#);
            json_reply(then, &saved);
        })
        .await;
    let delete = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/estimates/77001/items/50002"));
            then.status(200);
        })
        .await;

    let c = client(&api);
    let item = c
        .upsert_estimate_item()
        .id(77001)
        .body(types::EstimateItemUpsertRequest {
            id: Some(50001),
            quantity: Some(dec("3")),
            unit_price: Some(dec("119.95")),
            skip_updating_membership_prices: Some(true),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let deleted = c
        .delete_estimate_item()
        .id(77001)
        .item_id(50002)
        .send()
        .await
        .unwrap();

    upsert.assert_async().await;
    delete.assert_async().await;
    assert_eq!(item.estimate_id, Some(77001));
    assert_eq!(item.id, Some(50001));
    assert_eq!(deleted.status().as_u16(), 200);
}

#[tokio::test]
async fn export_estimates_streams_two_pages_with_the_token() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/estimates/export"))
                .query_param("includeRecentChanges", "true")
                .query_param_missing("from");
            let body = format!(
                r#"{{"hasMore": true, "continueFrom": "est-1", "data": [{}]}}"#,
                estimate(77001)
            );
            json_reply(then, &body);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/estimates/export"))
                .query_param("includeRecentChanges", "true")
                .query_param("from", "est-1");
            let body = format!(
                r#"{{"hasMore": false, "continueFrom": "est-2", "data": [{}]}}"#,
                estimate(77002).replace(r#""active": true"#, r#""active": false"#)
            );
            json_reply(then, &body);
        })
        .await;

    let batches: Vec<_> = client(&api)
        .export_estimates()
        .include_recent_changes(true)
        .stream_export(None)
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(batches.len(), 2);
    assert!(batches[0].has_more);
    assert_eq!(batches[0].continue_from.as_deref(), Some("est-1"));
    assert_eq!(batches[0].items[0].id, 77001);
    assert!(!batches[1].has_more);
    assert_eq!(batches[1].continue_from.as_deref(), Some("est-2"));
    assert_eq!(batches[1].items[0].id, 77002);
    assert_eq!(batches[1].items[0].active, Some(false));
    assert_eq!(batches[1].items[0].subtotal.unwrap().to_string(), "1234.10");
}

#[tokio::test]
async fn lenient_decoding_keeps_unknown_enums_and_tolerates_nulls_and_extras() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/estimates/77009"));
            // `reviewStatus` is a value the spec does not list, `proposalTemplate` is not in
            // the spec, and the required `createdOn` and `subtotal` are null.
            json_reply(
                then,
                r#"{"id": 77009, "reviewStatus": "Escalated", "createdOn": null,
                    "modifiedOn": "2024-03-01T10:05:00.7654321", "active": true,
                    "subtotal": null, "tax": 0.00, "proposalTemplate": {"id": 3}}"#,
            );
        })
        .await;

    let e = client(&api)
        .get_estimate()
        .id(77009)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        e.review_status,
        Some(types::EstimateReviewStatus::Unknown("Escalated".into()))
    );
    assert_eq!(e.created_on, None);
    assert_eq!(e.subtotal, None);
    assert_eq!(e.tax.unwrap().to_string(), "0.00");
    assert_eq!(e.modified_on, Some(at("2024-03-01T10:05:00.7654321Z")));
}
