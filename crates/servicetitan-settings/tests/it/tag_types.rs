//! Tag types: the sorted list and the export feed.

use crate::common::{at, authorized, client, json, path};
use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::ExportRequestExt;
use servicetitan_core::testing::MockApi;
use servicetitan_settings::types;

#[tokio::test]
async fn list_tag_types_sends_sort_and_decodes_importance() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/tag-types"))
                    .query_param("sort", "-modifiedOn")
                    .query_param("active", "Any")
                    .query_param("page", "1")
                    .query_param("pageSize", "200")
                    .query_param("modifiedOnOrAfter", "2024-01-01T00:00:00Z"),
            );
            json(
                then,
                r##"{"page": 1, "pageSize": 200, "hasMore": false, "data": [
                    {"id": 801, "name": "VIP", "color": "#FF8800", "code": "VIP", "importance": "High",
                     "isConversionOpportunity": true, "allowToUseOnTimesheetActivity": false, "active": true,
                     "createdOn": "2022-09-09T09:09:09.0000000Z", "modifiedOn": "2024-03-01T10:00:00.1234567Z"},
                    {"id": 802, "name": "Dog on site", "color": "#00AA00", "code": "DOG", "importance": null,
                     "isConversionOpportunity": false, "allowToUseOnTimesheetActivity": true, "active": false,
                     "createdOn": "2023-01-01T00:00:00.0000000Z", "modifiedOn": "2024-02-01T00:00:00.0000000Z"}
                ]}"##,
            );
        })
        .await;

    let page = client(&api)
        .list_tag_types()
        .sort("-modifiedOn")
        .active(types::ActiveFilter::Any)
        .page(1)
        .page_size(200)
        .modified_on_or_after(at("2024-01-01T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let tags = page.data.unwrap();
    assert_eq!(tags[0].id, 801);
    assert_eq!(tags[0].color.as_deref(), Some("#FF8800"));
    assert_eq!(tags[0].importance, Some(types::TagImportance::High));
    assert_eq!(tags[0].is_conversion_opportunity, Some(true));
    assert_eq!(
        tags[0].modified_on.unwrap(),
        at("2024-03-01T10:00:00.1234567Z")
    );
    assert_eq!(tags[1].importance, None);
    assert_eq!(tags[1].allow_to_use_on_timesheet_activity, Some(true));
}

#[tokio::test]
async fn export_tag_types_streams_two_batches() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/export/tag-types"))
                    .query_param_missing("from"),
            );
            json(
                then,
                r##"{"hasMore": true, "continueFrom": "tags-1", "data": [
                    {"id": 801, "name": "VIP", "color": "#FF8800", "code": "VIP", "importance": "Medium",
                     "isConversionOpportunity": true, "allowToUseOnTimesheetActivity": false, "active": true,
                     "createdOn": "2022-09-09T09:09:09.0000000Z", "modifiedOn": "2024-03-01T10:00:00.1234567Z"}
                ]}"##,
            );
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/export/tag-types"))
                    .query_param("from", "tags-1"),
            );
            json(
                then,
                r##"{"hasMore": false, "continueFrom": "tags-2", "data": [
                    {"id": 803, "name": "Warranty", "color": "#0000FF", "code": "WAR",
                     "isConversionOpportunity": false, "allowToUseOnTimesheetActivity": false, "active": true,
                     "createdOn": "2023-03-03T03:03:03.0000000Z", "modifiedOn": "2024-03-02T00:00:00.0000000Z"}
                ]}"##,
            );
        })
        .await;

    let client = client(&api);
    let batches: Vec<_> = client
        .export_tag_types()
        .stream_export(None)
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(batches.len(), 2);
    assert_eq!(
        batches[0].items[0].importance,
        Some(types::TagImportance::Medium)
    );
    assert_eq!(batches[0].continue_from.as_deref(), Some("tags-1"));
    assert_eq!(batches[1].items[0].id, 803);
    assert_eq!(batches[1].continue_from.as_deref(), Some("tags-2"));
    assert!(!batches[1].has_more);
}
