//! Job cancel reasons and job hold reasons.

use crate::common::{at, authorized, client, json, path};
use httpmock::prelude::*;
use servicetitan_core::testing::MockApi;

#[tokio::test]
async fn list_job_cancel_reasons_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/job-cancel-reasons"))
                    .query_param("active", "Any")
                    .query_param("sort", "+name")
                    .query_param("createdBefore", "2024-03-01T00:00:00Z"),
            );
            json(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [
                    {"id": 17, "name": "Customer resolved", "active": true,
                     "createdOn": "2020-01-01T00:00:00.0000000Z", "modifiedOn": "2023-07-07T07:07:07.1234567Z"},
                    {"id": 18, "name": "Duplicate", "active": false,
                     "createdOn": "2020-01-01T00:00:00.0000000Z", "modifiedOn": "2022-01-01T00:00:00.0000000Z"}
                ]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_job_cancel_reasons()
        .active("Any")
        .sort("+name")
        .created_before(at("2024-03-01T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let reasons = page.data.unwrap();
    assert_eq!(reasons.len(), 2);
    assert_eq!(reasons[0].id, 17);
    assert_eq!(
        reasons[0].modified_on.unwrap(),
        at("2023-07-07T07:07:07.1234567Z")
    );
    assert_eq!(reasons[1].active, Some(false));
}

#[tokio::test]
async fn list_job_hold_reasons_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/job-hold-reasons"))
                    .query_param("active", "True")
                    .query_param("page", "1")
                    .query_param("pageSize", "100")
                    .query_param("includeTotal", "true"),
            );
            json(
                then,
                r#"{"page": 1, "pageSize": 100, "hasMore": false, "totalCount": 1, "data": [
                    {"id": 31, "name": "Waiting on parts", "active": true,
                     "createdOn": "2020-01-01T00:00:00.0000000Z", "modifiedOn": "2024-02-02T02:02:02.1234567Z"}
                ]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_job_hold_reasons()
        .active("True")
        .page(1)
        .page_size(100)
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(1));
    let reason = &page.data.unwrap()[0];
    assert_eq!(reason.id, 31);
    assert_eq!(reason.name.as_deref(), Some("Waiting on parts"));
    assert_eq!(
        reason.modified_on.unwrap(),
        at("2024-02-02T02:02:02.1234567Z")
    );
}
