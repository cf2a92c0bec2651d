//! Marketing API (`/marketing/v2`): campaign categories, campaign costs and campaigns.

use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;
use servicetitan_core::paging::ListRequestExt;
use servicetitan_core::testing::{json_reply, MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::{DateTime, Decimal};
use servicetitan_marketing::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn at(text: &str) -> DateTime {
    text.parse().unwrap()
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

// ---- Campaign categories -----------------------------------------------------------------

#[tokio::test]
async fn list_campaign_categories_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/categories"))
                .query_param("page", "1")
                .query_param("pageSize", "100")
                .query_param("includeTotal", "true")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            json_reply(
                then,
                r#"{"page": 1, "pageSize": 100, "hasMore": false, "totalCount": 2, "data": [
                    {"id": 11, "name": "Direct mail", "active": true, "type": "Regular"},
                    {"id": 12, "name": "Google LSA", "active": true, "type": "GoogleHomeServices"}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_campaign_categories()
        .page(1)
        .page_size(100)
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(2));
    let categories = page.data.unwrap();
    assert_eq!(categories[0].id, 11);
    assert_eq!(
        categories[0].type_,
        Some(types::CampaignCategoryType::Regular)
    );
    assert_eq!(
        categories[1].type_,
        Some(types::CampaignCategoryType::GoogleHomeServices)
    );
}

#[tokio::test]
async fn get_create_and_update_a_campaign_category() {
    let api = MockApi::start().await;
    let get = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/categories/11"));
            json_reply(
                then,
                r#"{"id": 11, "name": "Direct mail", "active": false, "type": "Regular"}"#,
            );
        })
        .await;
    let create = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/categories"))
                .json_body(json!({"name": "Radio"}));
            json_reply(then, r#"{"id": 13}"#);
        })
        .await;
    let update = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/categories/11"))
                .json_body(json!({"name": "Direct mail (legacy)", "active": false}));
            json_reply(then, r#"{"id": 11}"#);
        })
        .await;

    let c = client(&api);
    let category = c
        .get_campaign_category()
        .id(11)
        .send()
        .await
        .unwrap()
        .into_inner();
    let created = c
        .create_campaign_category()
        .body(types::CampaignCategoryCreateRequest {
            name: "Radio".into(),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let updated = c
        .update_campaign_category()
        .id(11)
        .body(types::CampaignCategoryUpdateRequest {
            name: servicetitan_core::types::Patch::Set("Direct mail (legacy)".into()),
            active: servicetitan_core::types::Patch::Set(false),
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    get.assert_async().await;
    create.assert_async().await;
    update.assert_async().await;
    assert_eq!(category.name.as_deref(), Some("Direct mail"));
    assert_eq!(category.active, Some(false));
    assert_eq!(created.id, 13);
    assert_eq!(updated.id, 11);
}

// ---- Campaign costs ----------------------------------------------------------------------

#[tokio::test]
async fn get_create_and_update_a_campaign_cost() {
    let api = MockApi::start().await;
    let get = api
        .server
        .mock_async(|when, then| {
            when.method(GET).path(api.path(SERVER_PATH, "/costs/9100"));
            json_reply(
                then,
                r#"{"id": 9100, "year": 2024, "month": 3, "dailyCost": 1234.10}"#,
            );
        })
        .await;
    let create = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/costs"))
                .json_body(json!({"campaignId": 501, "year": 2024, "month": 4, "dailyCost": 45.50}))
                .body_includes(r#""dailyCost":45.50"#);
            json_reply(
                then,
                r#"{"id": 9101, "year": 2024, "month": 4, "dailyCost": 45.50}"#,
            );
        })
        .await;
    let update = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/costs/9100"))
                .json_body(json!({"dailyCost": 1300.00}))
                .body_includes(r#""dailyCost":1300.00"#);
            json_reply(then, r#"{"id": 9100}"#);
        })
        .await;

    let c = client(&api);
    let cost = c
        .get_campaign_cost()
        .id(9100)
        .send()
        .await
        .unwrap()
        .into_inner();
    let created = c
        .create_campaign_cost()
        .body(types::CampaignCostCreateRequest {
            campaign_id: 501,
            year: 2024,
            month: 4,
            daily_cost: dec("45.50"),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let updated = c
        .update_campaign_cost()
        .id(9100)
        .body(types::CampaignCostUpdateRequest {
            daily_cost: servicetitan_core::types::Patch::Set(dec("1300.00")),
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    get.assert_async().await;
    create.assert_async().await;
    update.assert_async().await;
    assert_eq!(cost.daily_cost.unwrap().to_string(), "1234.10");
    assert_eq!((cost.year, cost.month), (Some(2024), Some(3)));
    assert_eq!(created.id, 9101);
    assert_eq!(created.daily_cost.unwrap().to_string(), "45.50");
    assert_eq!(updated.id, 9100);
}

// ---- Campaigns ---------------------------------------------------------------------------

const CAMPAIGN: &str = r#"{"id": 501, "name": "Spring tune-up mailer",
    "modifiedOn": "2024-03-01T10:00:00.1234567Z", "active": true,
    "category": {"id": 11, "name": "Direct mail", "active": true}}"#;

#[tokio::test]
async fn list_campaigns_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 2, "pageSize": 10, "hasMore": false, "totalCount": 11, "data": [{CAMPAIGN}]}}"#
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/campaigns"))
                .query_param("page", "2")
                .query_param("pageSize", "10")
                .query_param("modifiedOnOrAfter", "2024-01-01T00:00:00Z")
                .query_param("modifiedBefore", "2024-12-31T00:00:00Z")
                .query_param("active", "Any")
                .query_param("ids", "501,502")
                .query_param("name", "Spring tune-up mailer");
            json_reply(then, &body);
        })
        .await;

    let page = client(&api)
        .list_campaigns()
        .page(2)
        .page_size(10)
        .modified_on_or_after(at("2024-01-01T00:00:00Z"))
        .modified_before(at("2024-12-31T00:00:00Z"))
        .active(types::ActiveFilter::Any)
        .ids("501,502")
        .name("Spring tune-up mailer")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let campaign = &page.data.unwrap()[0];
    assert_eq!(campaign.id, 501);
    assert_eq!(
        campaign.modified_on,
        Some(at("2024-03-01T10:00:00.1234567Z"))
    );
    assert_eq!(campaign.category.as_ref().unwrap().id, Some(11));
}

#[tokio::test]
async fn list_campaigns_stream_items_walks_the_pages() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/campaigns"))
                .query_param("page", "1");
            let body = format!(
                r#"{{"page": 1, "pageSize": 1, "hasMore": true, "totalCount": null, "data": [{CAMPAIGN}]}}"#
            );
            json_reply(then, &body);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/campaigns"))
                .query_param("page", "2");
            json_reply(
                then,
                r#"{"page": 2, "pageSize": 1, "hasMore": false, "totalCount": null, "data": [
                    {"id": 502, "name": "Radio", "modifiedOn": "2024-03-02T00:00:00Z",
                     "active": false, "category": null}]}"#,
            );
        })
        .await;

    let campaigns: Vec<types::Campaign> = client(&api)
        .list_campaigns()
        .stream_items()
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(campaigns.len(), 2);
    assert_eq!(campaigns[1].id, 502);
    assert!(campaigns[1].category.is_none());
}

#[tokio::test]
async fn get_create_and_update_a_campaign() {
    let api = MockApi::start().await;
    let get = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/campaigns/501"));
            json_reply(then, CAMPAIGN);
        })
        .await;
    let create = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/campaigns"))
                .json_body(
                    json!({"name": "Spring tune-up mailer", "businessUnitId": 301,
                                  "dnis": "8005550199", "categoryId": 11, "active": true}),
                );
            json_reply(then, CAMPAIGN);
        })
        .await;
    let update = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/campaigns/501"))
                .json_body(
                    json!({"name": "Spring tune-up mailer", "businessUnitId": 301,
                                  "categoryId": 11, "active": false}),
                );
            json_reply(
                then,
                &CAMPAIGN.replace(r#""active": true,"#, r#""active": false,"#),
            );
        })
        .await;

    let c = client(&api);
    let campaign = c.get_campaign().id(501).send().await.unwrap().into_inner();
    let created = c
        .create_campaign()
        .body(
            types::CampaignUpsertRequest::builder()
                .name("Spring tune-up mailer".to_string())
                .business_unit_id(301)
                .dnis("8005550199".to_string())
                .category_id(11)
                .active(true),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    let updated = c
        .update_campaign()
        .id(501)
        .body(
            types::CampaignUpsertRequest::builder()
                .name("Spring tune-up mailer".to_string())
                .business_unit_id(301)
                .category_id(11)
                .active(false),
        )
        .send()
        .await
        .unwrap()
        .into_inner();

    get.assert_async().await;
    create.assert_async().await;
    update.assert_async().await;
    assert_eq!(campaign.name.as_deref(), Some("Spring tune-up mailer"));
    assert_eq!(created.id, 501);
    assert_eq!(updated.active, Some(false));
}

#[tokio::test]
async fn list_campaign_costs_filters_by_month() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/campaigns/501/costs"))
                .query_param("year", "2024")
                .query_param("month", "3")
                .query_param("pageSize", "31");
            json_reply(
                then,
                r#"{"page": 1, "pageSize": 31, "hasMore": false, "totalCount": null, "data": [
                    {"id": 9100, "year": 2024, "month": 3, "dailyCost": 1234.10},
                    {"id": 9102, "year": 2024, "month": 3, "dailyCost": 0.05}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_campaign_costs()
        .id(501)
        .year(2024)
        .month(3)
        .page_size(31)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let costs = page.data.unwrap();
    assert_eq!(costs[0].daily_cost.unwrap().to_string(), "1234.10");
    assert_eq!(costs[1].daily_cost.unwrap().to_string(), "0.05");
}

// ---- Decoding and errors -----------------------------------------------------------------

#[tokio::test]
async fn lenient_decoding_keeps_unknown_enums_and_tolerates_nulls_and_extras() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/categories/14"));
            // `type` is a value the spec does not list, `color` is not in the spec, and the
            // required `name` is null.
            json_reply(
                then,
                r##"{"id": 14, "name": null, "active": true, "type": "MetaAds", "color": "#00ff00"}"##,
            );
        })
        .await;

    let category = client(&api)
        .get_campaign_category()
        .id(14)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(category.id, 14);
    assert_eq!(category.name, None);
    assert_eq!(
        category.type_,
        Some(types::CampaignCategoryType::Unknown("MetaAds".into()))
    );
}

#[tokio::test]
async fn a_bad_request_is_an_api_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST).path(api.path(SERVER_PATH, "/campaigns"));
            then.status(400)
                .header("content-type", "application/json")
                .body(
                    r#"{"title": "Campaign name must be unique.", "status": 400,
                        "traceId": "00-mk-01", "errors": {"Name": ["Already in use."]}}"#,
                );
        })
        .await;

    let result = client(&api)
        .create_campaign()
        .body(
            types::CampaignUpsertRequest::builder()
                .name("Radio".to_string())
                .active(true)
                .business_unit_id(1)
                .category_id(1),
        )
        .send()
        .await;

    mock.assert_async().await;
    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.problem().unwrap().errors["Name"], ["Already in use."]);
}
