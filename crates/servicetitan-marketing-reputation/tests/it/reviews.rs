//! Marketing Reputation API (`/marketingreputation/v2`): its only operation, `listReviews`,
//! with array and integer-enum query parameters.

use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::ListRequestExt;
use servicetitan_core::testing::{json_reply, MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_marketing_reputation::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn at(text: &str) -> DateTime {
    text.parse().unwrap()
}

const REVIEW: &str = r#"{
    "address": "1 Analytical Way, Cambridge MA", "platform": "Google",
    "authorEmail": null, "authorName": "Ada L.", "review": "Fast and friendly.",
    "reviewType": 1, "reviewResponse": "Thank you, Ada!",
    "publishDate": "2024-03-05T18:00:00.1234567Z", "rating": 4.5, "recommendationStatus": 1,
    "verificationStatus": true, "jobId": 123456789012, "verifiedByUserId": 77,
    "verifiedOn": "2024-03-06T09:00:00.7654321Z", "isAutoVerified": false,
    "businessUnitId": 301, "completedDate": "2024-03-04T15:30:00Z",
    "customerName": "Ada Lovelace", "customerId": 4242,
    "dispatchedDate": "2024-03-04T12:30:00Z", "jobStatus": 3, "jobTypeName": "Repair",
    "technicianFullName": "Grace Hopper", "technicianId": 88,
    "externalId": "google-review-abc", "internalId": 9001
}"#;

#[tokio::test]
async fn list_reviews_sends_scalar_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"page": 1, "pageSize": 25, "hasMore": false, "totalCount": 1, "data": [{REVIEW}]}}"#
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/reviews"))
                .query_param("page", "1")
                .query_param("pageSize", "25")
                .query_param("includeTotal", "true")
                .query_param("search", "friendly")
                .query_param("reportType", "2")
                .query_param("sort", "-publishDate")
                .query_param("fromDate", "2024-03-01T00:00:00Z")
                .query_param("toDate", "2024-03-31T00:00:00Z")
                .query_param("modifiedOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("fromRating", "3.5")
                .query_param("toRating", "4.5")
                .query_param("includeReviewsWithoutLocation", "false")
                .query_param("includeReviewsWithoutCampaign", "true")
                .query_param("includeReviewsWithoutTechnician", "false")
                .query_param("internalId", "9001")
                .query_param("externalId", "google-review-abc")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            json_reply(then, &body);
        })
        .await;

    let page = client(&api)
        .list_reviews()
        .page(1)
        .page_size(25)
        .include_total(true)
        .search("friendly")
        .report_type(2)
        .sort("-publishDate")
        .from_date(at("2024-03-01T00:00:00Z"))
        .to_date(at("2024-03-31T00:00:00Z"))
        .modified_on_or_after(at("2024-03-01T00:00:00Z"))
        .from_rating(3.5_f32)
        .to_rating(4.5_f32)
        .include_reviews_without_location(false)
        .include_reviews_without_campaign(true)
        .include_reviews_without_technician(false)
        .internal_id(9001)
        .external_id("google-review-abc")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(1));
    let r = &page.data.unwrap()[0];
    assert_eq!(r.platform.as_deref(), Some("Google"));
    assert_eq!(r.rating, Some(4.5));
    assert_eq!(r.job_id, Some(123456789012));
    assert_eq!(r.job_status.as_ref().map(|s| **s), Some(3));
    assert_eq!(
        r.review_type.as_ref().map(|s| i32::from(s.clone())),
        Some(1)
    );
    assert_eq!(r.recommendation_status.as_ref().map(|s| **s), Some(1));
    assert_eq!(r.publish_date, Some(at("2024-03-05T18:00:00.1234567Z")));
    assert_eq!(
        r.verified_on.unwrap().0.timestamp_subsec_nanos(),
        765_432_100
    );
    assert_eq!(r.author_email, None);
}

#[tokio::test]
async fn list_reviews_repeats_array_parameters() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/reviews"))
                .query_param("locationIds", "6060")
                .query_param("locationIds", "6061")
                .query_param_count("^locationIds$", ".*", 2)
                .query_param("technicianIds", "88")
                .query_param("campaignIds", "501")
                .query_param("campaignIds", "9007199254740993")
                .query_param("sources", "Google")
                .query_param("sources", "Yelp")
                .query_param("responseTypes", "0")
                .query_param("responseTypes", "2")
                .query_param("reviewStatuses", "4")
                .query_param("reviewStatuses", "6");
            json_reply(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": []}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_reviews()
        .location_ids(vec![6060_i64, 6061])
        .technician_ids(vec![88_i64])
        .campaign_ids(vec![501_i64, 9007199254740993])
        .sources(vec!["Google".to_string(), "Yelp".to_string()])
        .response_types(vec![
            types::ReviewResponseType::from(0),
            types::ReviewResponseType::from(2),
        ])
        .review_statuses(vec![
            types::ReviewMatchConfidenceLevel::from(4),
            types::ReviewMatchConfidenceLevel::from(6),
        ])
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.data.map(|d| d.len()), Some(0));
}

#[tokio::test]
async fn stream_items_walks_the_pages() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/reviews"))
                .query_param("page", "1")
                .query_param("pageSize", "1");
            let body = format!(
                r#"{{"page": 1, "pageSize": 1, "hasMore": true, "totalCount": null, "data": [{REVIEW}]}}"#
            );
            json_reply(then, &body);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/reviews"))
                .query_param("page", "2")
                .query_param("pageSize", "1");
            json_reply(
                then,
                r#"{"page": 2, "pageSize": 1, "hasMore": false, "totalCount": null, "data": [
                    {"platform": "Yelp", "publishDate": "2024-03-07T00:00:00Z", "rating": 2.0,
                     "internalId": 9002, "jobStatus": 0}]}"#,
            );
        })
        .await;

    let reviews: Vec<types::Review> = client(&api)
        .list_reviews()
        .page_size(1)
        .stream_items()
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    let ids: Vec<_> = reviews.iter().map(|r| r.internal_id.unwrap()).collect();
    assert_eq!(ids, [9001, 9002]);
    assert_eq!(reviews[1].platform.as_deref(), Some("Yelp"));
}

#[tokio::test]
async fn lenient_decoding_tolerates_nulls_and_extras() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET).path(api.path(SERVER_PATH, "/reviews"));
            // Nothing in this module is marked required; `publishDate` and
            // `verificationStatus` are not nullable but come as null, `sentiment` is not in
            // the spec, and the page's `data` is null.
            json_reply(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": [
                    {"platform": "Facebook", "publishDate": null, "verificationStatus": null,
                     "rating": null, "sentiment": {"score": 0.93}, "internalId": 9003}],
                    "facets": {"platforms": ["Facebook"]}}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_reviews()
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let r = &page.data.unwrap()[0];
    assert_eq!(r.internal_id, Some(9003));
    assert_eq!(r.publish_date, None);
    assert_eq!(r.verification_status, None);
    assert_eq!(r.rating, None);
}

/// String enums are open (unknown values become `Unknown(..)`); this module's enums are
/// integers, and a value the spec does not list should decode too.
#[tokio::test]
async fn lenient_decoding_keeps_unknown_integer_enum_values() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET).path(api.path(SERVER_PATH, "/reviews"));
            json_reply(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [
                    {"platform": "Google", "jobStatus": 1, "reviewType": 9, "internalId": 9004}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_reviews()
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let r = &page.data.unwrap()[0];
    assert_eq!(r.job_status.as_ref().map(|s| s.0), Some(1));
    assert_eq!(r.review_type.as_ref().map(|s| s.0), Some(9));
}
