//! Business hours: read and set the tenant's opening hours.

use crate::common::{authorized, client, json, path};
use httpmock::prelude::*;
use servicetitan_core::testing::MockApi;
use servicetitan_dispatch::types;

fn range(from_hour: i32, to_hour: i32) -> types::TimeRangeInput {
    types::TimeRangeInput { from_hour, to_hour }
}

#[tokio::test]
async fn get_business_hours_decodes_each_day_group() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(when.method(GET).path(path(&api, "/business-hours")));
            json(
                then,
                r#"{"weekdays": [{"fromHour": 7, "toHour": 12}, {"fromHour": 13, "toHour": 18}],
                    "saturday": [{"fromHour": 9, "toHour": 13}], "sunday": []}"#,
            );
        })
        .await;

    let hours = client(&api)
        .get_business_hours()
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let weekdays = hours.weekdays.unwrap();
    assert_eq!(weekdays.len(), 2);
    assert_eq!(weekdays[1].from_hour, Some(13));
    assert_eq!(weekdays[1].to_hour, Some(18));
    assert_eq!(hours.saturday.unwrap()[0].to_hour, Some(13));
    assert!(hours.sunday.unwrap().is_empty());
}

#[tokio::test]
async fn create_business_hours_posts_every_day_group() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/business-hours"))
                    .json_body(serde_json::json!({
                        "weekdays": [{"fromHour": 8, "toHour": 17}],
                        "saturday": [{"fromHour": 9, "toHour": 12}],
                        "sunday": []
                    })),
            );
            json(
                then,
                r#"{"weekdays": [{"fromHour": 8, "toHour": 17}], "saturday": [{"fromHour": 9, "toHour": 12}], "sunday": []}"#,
            );
        })
        .await;

    let saved = client(&api)
        .create_business_hours()
        .body(types::BusinessHoursCreateRequest {
            weekdays: vec![range(8, 17)],
            saturday: vec![range(9, 12)],
            sunday: vec![],
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(saved.weekdays.unwrap()[0].from_hour, Some(8));
    assert_eq!(saved.saturday.unwrap()[0].to_hour, Some(12));
    assert_eq!(saved.sunday.map(|d| d.len()), Some(0));
}
