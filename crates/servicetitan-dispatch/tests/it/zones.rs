//! Zones: list and get.

use crate::common::{at, authorized, client, json, path};
use httpmock::prelude::*;
use servicetitan_core::testing::MockApi;

const ZONE: &str = r#"{
    "id": 14, "active": true, "name": "Glendale", "zips": ["91201", "91203"], "cities": ["Glendale"],
    "territoryNumbers": ["T-7"], "locnNumbers": [], "createdBy": 4101,
    "createdOn": "2020-04-01T00:00:00.0000000Z", "modifiedOn": "2024-03-01T10:00:00.1234567Z",
    "serviceDaysEnabled": true, "serviceDays": ["Monday", "Thursday"],
    "businessUnits": [301, 302], "technicians": [5201, 5202]
}"#;

#[tokio::test]
async fn list_zones_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/zones"))
                    .query_param("active", "Any")
                    .query_param("sort", "-createdOn")
                    .query_param("page", "3")
                    .query_param("pageSize", "10"),
            );
            json(
                then,
                &format!(r#"{{"page": 3, "pageSize": 10, "hasMore": true, "data": [{ZONE}]}}"#),
            );
        })
        .await;

    let page = client(&api)
        .list_zones()
        .active("Any")
        .sort("-createdOn")
        .page(3)
        .page_size(10)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.page, Some(3));
    assert_eq!(page.has_more, Some(true));
    let zone = &page.data.unwrap()[0];
    assert_eq!(zone.id, 14);
    assert_eq!(zone.zips.as_ref().unwrap(), &["91201", "91203"]);
    assert_eq!(zone.technicians, Some(vec![5201, 5202]));
}

#[tokio::test]
async fn get_zone_decodes_the_zone() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/zones/14")));
            json(then, ZONE);
        })
        .await;

    let zone = client(&api)
        .get_zone()
        .id(14)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(zone.name.as_deref(), Some("Glendale"));
    assert_eq!(zone.created_by, Some(4101));
    assert_eq!(zone.service_days_enabled, Some(true));
    assert_eq!(zone.service_days.as_ref().unwrap(), &["Monday", "Thursday"]);
    assert_eq!(zone.business_units, Some(vec![301, 302]));
    assert_eq!(zone.territory_numbers.as_ref().unwrap(), &["T-7"]);
    assert_eq!(
        zone.modified_on.unwrap(),
        at("2024-03-01T10:00:00.1234567Z")
    );
}
