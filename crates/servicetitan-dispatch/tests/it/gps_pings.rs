//! GPS pings: a provider pushes a batch of vehicle positions.

use crate::common::{at, authorized, client, json, path};
use httpmock::prelude::*;
use servicetitan_core::testing::MockApi;
use servicetitan_dispatch::types;

#[tokio::test]
async fn create_gps_pings_posts_the_batch_under_the_provider() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/gps-provider/fleetpulse/gps-pings"))
                    .json_body(serde_json::json!([{
                        "unitId": "TRK-12",
                        "unitName": "Truck 12",
                        "eventTime": "2024-03-01T10:00:00Z",
                        "latitude": 34.1425,
                        "longitude": -118.2551,
                        "speed": 27.5,
                        "street": "1200 Elm St",
                        "city": "Glendale",
                        "region": "CA",
                        "postalCode": "91203",
                        "message": "Moving",
                        "externalId": "ping-0001",
                        "isNew": true,
                        "statusMessage": "OK"
                    }])),
            );
            json(
                then,
                r#"[{"externalId": "ping-0001", "status": "Success", "message": ""},
                    {"externalId": "ping-0002", "status": "Fail", "message": "Unknown unit"}]"#,
            );
        })
        .await;

    let ping = types::GpsPingCreateRequest {
        unit_id: "TRK-12".into(),
        unit_name: "Truck 12".into(),
        event_time: at("2024-03-01T10:00:00Z"),
        latitude: Some(34.1425),
        longitude: Some(-118.2551),
        speed: Some(27.5),
        street: "1200 Elm St".into(),
        city: "Glendale".into(),
        region: "CA".into(),
        postal_code: "91203".into(),
        message: "Moving".into(),
        external_id: "ping-0001".into(),
        is_new: true,
        status_message: "OK".into(),
    };
    let results = client(&api)
        .create_gps_pings()
        .gps_provider("fleetpulse")
        .body(vec![ping])
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].external_id.as_deref(), Some("ping-0001"));
    assert_eq!(results[0].status, Some(types::GpsPingResultStatus::Success));
    assert_eq!(results[1].status, Some(types::GpsPingResultStatus::Fail));
    assert_eq!(results[1].message.as_deref(), Some("Unknown unit"));
}
