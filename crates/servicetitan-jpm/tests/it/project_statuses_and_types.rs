//! Project statuses, sub-statuses and types: list and get for each.

use crate::common::{at, authorized, client, json, path};
use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::ListRequestExt;
use servicetitan_core::testing::MockApi;
use servicetitan_jpm::types;

#[tokio::test]
async fn list_project_statuses_sends_filters_and_decodes_order() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/project-statuses"))
                    .query_param("name", "Progress")
                    .query_param("ids", "2,3")
                    .query_param("sort", "+order")
                    .query_param("modifiedOnOrAfter", "2023-01-01T00:00:00Z"),
            );
            json(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [
                    {"id": 3, "name": "In Progress", "order": 2, "modifiedOn": "2023-05-05T05:05:05.1234567Z"}
                ]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_project_statuses()
        .name("Progress")
        .ids("2,3")
        .sort("+order")
        .modified_on_or_after(at("2023-01-01T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let status = &page.data.unwrap()[0];
    assert_eq!(status.id, 3);
    assert_eq!(status.order, Some(2));
    assert_eq!(
        status.modified_on.unwrap(),
        at("2023-05-05T05:05:05.1234567Z")
    );
}

#[tokio::test]
async fn get_project_status_decodes_the_status() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/project-statuses/3")));
            json(
                then,
                r#"{"id": 3, "name": "In Progress", "order": 2, "modifiedOn": "2023-05-05T05:05:05.1234567Z"}"#,
            );
        })
        .await;

    let status = client(&api)
        .get_project_status()
        .id(3)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(status.name.as_deref(), Some("In Progress"));
    assert_eq!(status.order, Some(2));
}

#[tokio::test]
async fn list_project_sub_statuses_by_status() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/project-substatuses"))
                    .query_param("statusId", "3")
                    .query_param("active", "True")
                    .query_param("includeTotal", "true"),
            );
            json(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 2, "data": [
                    {"id": 31, "name": "Permits filed", "statusId": 3, "order": 1,
                     "modifiedOn": "2023-05-05T05:05:05.1234567Z", "active": true},
                    {"id": 32, "name": "Install scheduled", "statusId": 3, "order": 2,
                     "modifiedOn": "2023-05-06T05:05:05.0000000Z", "active": true}
                ]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_project_sub_statuses()
        .status_id(3_i64)
        .active(types::ActiveFilter::True)
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(2));
    let subs = page.data.unwrap();
    assert_eq!(subs[1].id, 32);
    assert_eq!(subs[1].status_id, Some(3));
    assert_eq!(subs[1].order, Some(2));
}

#[tokio::test]
async fn get_project_sub_status_decodes_the_sub_status() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/project-substatuses/31")));
            json(
                then,
                r#"{"id": 31, "name": "Permits filed", "statusId": 3, "order": 1,
                    "modifiedOn": "2023-05-05T05:05:05.1234567Z", "active": false}"#,
            );
        })
        .await;

    let sub = client(&api)
        .get_project_sub_status()
        .id(31)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(sub.name.as_deref(), Some("Permits filed"));
    assert_eq!(sub.active, Some(false));
    assert_eq!(sub.modified_on.unwrap(), at("2023-05-05T05:05:05.1234567Z"));
}

#[tokio::test]
async fn list_project_types_streams_every_page() {
    let api = MockApi::start().await;
    let page1 = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/project-types"))
                    .query_param("page", "1")
                    .query_param("pageSize", "1"),
            );
            json(
                then,
                r#"{"page": 1, "pageSize": 1, "hasMore": true, "data": [
                    {"id": 5, "name": "Replacement", "description": "Full system replacement", "createdById": 4101}
                ]}"#,
            );
        })
        .await;
    let page2 = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/project-types"))
                    .query_param("page", "2")
                    .query_param("pageSize", "1"),
            );
            json(
                then,
                r#"{"page": 2, "pageSize": 1, "hasMore": false, "data": [
                    {"id": 6, "name": "New construction", "description": "", "createdById": null}
                ]}"#,
            );
        })
        .await;

    let client = client(&api);
    let project_types: Vec<types::ProjectType> = client
        .list_project_types()
        .page_size(1)
        .stream_items()
        .try_collect()
        .await
        .unwrap();

    page1.assert_async().await;
    page2.assert_async().await;
    assert_eq!(project_types.len(), 2);
    assert_eq!(project_types[0].created_by_id, Some(4101));
    assert_eq!(project_types[1].id, 6);
    assert_eq!(project_types[1].created_by_id, None);
}

#[tokio::test]
async fn get_project_type_decodes_the_type() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/project-types/5")));
            json(
                then,
                r#"{"id": 5, "name": "Replacement", "description": "Full system replacement", "createdById": 4101}"#,
            );
        })
        .await;

    let project_type = client(&api)
        .get_project_type()
        .id(5)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(project_type.id, 5);
    assert_eq!(
        project_type.description.as_deref(),
        Some("Full system replacement")
    );
}
