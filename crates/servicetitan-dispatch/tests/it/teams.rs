//! Teams: list, get, create and delete.

use crate::common::{at, authorized, client, json, path};
use httpmock::prelude::*;
use servicetitan_core::testing::MockApi;
use servicetitan_dispatch::types;

#[tokio::test]
async fn list_teams_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/teams"))
                    .query_param("includeInactive", "true")
                    .query_param("sort", "+name")
                    .query_param("modifiedBefore", "2024-03-01T00:00:00Z")
                    .query_param("includeTotal", "true"),
            );
            json(
                then,
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 2, "data": [
                    {"id": 21, "active": true, "name": "North", "createdBy": 4101,
                     "createdOn": "2022-01-10T08:00:00.1234567Z", "modifiedOn": "2023-05-01T08:00:00.0000000Z"},
                    {"id": 22, "active": false, "name": null, "createdBy": null,
                     "createdOn": "2022-01-11T08:00:00.0000000Z", "modifiedOn": "2023-06-01T08:00:00.0000000Z"}
                ]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_teams()
        .include_inactive(true)
        .sort("+name")
        .modified_before(at("2024-03-01T00:00:00Z"))
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(2));
    let teams = page.data.unwrap();
    assert_eq!(teams[0].id, 21);
    assert_eq!(teams[0].created_by, Some(4101));
    assert_eq!(
        teams[0].created_on.unwrap(),
        at("2022-01-10T08:00:00.1234567Z")
    );
    assert_eq!(teams[1].active, Some(false));
    assert_eq!(teams[1].name, None);
}

#[tokio::test]
async fn get_team_decodes_the_team() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/teams/21")));
            json(
                then,
                r#"{"id": 21, "active": true, "name": "North", "createdBy": 4101,
                    "createdOn": "2022-01-10T08:00:00.1234567Z", "modifiedOn": "2023-05-01T08:00:00.0000000Z"}"#,
            );
        })
        .await;

    let team = client(&api)
        .get_team()
        .id(21)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(team.id, 21);
    assert_eq!(team.name.as_deref(), Some("North"));
    assert_eq!(team.modified_on.unwrap(), at("2023-05-01T08:00:00Z"));
}

#[tokio::test]
async fn create_team_posts_the_team() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/teams"))
                    .json_body(serde_json::json!({"active": true, "name": "Installers"})),
            );
            json(
                then,
                r#"{"id": 23, "active": true, "name": "Installers", "createdBy": 4101,
                    "createdOn": "2024-03-01T10:00:00.1234567Z", "modifiedOn": "2024-03-01T10:00:00.1234567Z",
                    "created": true}"#,
            );
        })
        .await;

    let created = client(&api)
        .create_team()
        .body(types::TeamCreateRequest {
            active: true,
            name: Some("Installers".into()),
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(created.id, 23);
    assert_eq!(created.created, Some(true));
    assert_eq!(created.created_by, Some(4101));
}

#[tokio::test]
async fn delete_team_accepts_an_empty_response() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(DELETE).path(path(&api, "/teams/23")));
            then.status(200);
        })
        .await;

    let response = client(&api).delete_team().id(23).send().await.unwrap();

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 200);
}
