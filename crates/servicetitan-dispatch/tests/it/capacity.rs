//! Capacity: the availability calculation (a POST that reads).

use crate::common::{at, authorized, client, json, path};
use httpmock::prelude::*;
use servicetitan_core::testing::MockApi;
use servicetitan_dispatch::types;

#[tokio::test]
async fn get_capacity_posts_the_period_and_decodes_slots() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(POST)
                    .path(path(&api, "/capacity"))
                    .json_body(serde_json::json!({
                        "startsOnOrAfter": "2024-03-04T00:00:00Z",
                        "endsOnOrBefore": "2024-03-05T00:00:00Z",
                        "businessUnitIds": [301],
                        "jobTypeId": 88,
                        "skillBasedAvailability": true
                    })),
            );
            json(
                then,
                r#"{"timeStamp": "2024-03-01T10:00:00.1234567Z", "availabilities": [
                    {"start": "2024-03-04T08:00:00", "end": "2024-03-04T12:00:00",
                     "startUtc": "2024-03-04T16:00:00Z", "endUtc": "2024-03-04T20:00:00Z",
                     "businessUnitIds": [301], "totalAvailability": 12.5, "openAvailability": 4.25,
                     "technicians": [
                        {"id": 5201, "name": "Marco Bianchi", "status": "Available", "hasRequiredSkills": true},
                        {"id": 5202, "name": "Ana Souza", "status": "Unavailable", "hasRequiredSkills": null}
                     ],
                     "isAvailable": true, "isExceedingIdealBookingPercentage": false}
                ]}"#,
            );
        })
        .await;

    let capacity = client(&api)
        .get_capacity()
        .body(types::CapacityRequest {
            starts_on_or_after: at("2024-03-04T00:00:00Z"),
            ends_on_or_before: at("2024-03-05T00:00:00Z"),
            business_unit_ids: Some(vec![301]),
            job_type_id: Some(88),
            skill_based_availability: true,
        })
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        capacity.time_stamp.unwrap(),
        at("2024-03-01T10:00:00.1234567Z")
    );
    let slot = &capacity.availabilities.unwrap()[0];
    assert_eq!(slot.start_utc.unwrap(), at("2024-03-04T16:00:00Z"));
    assert_eq!(slot.end_utc.unwrap(), at("2024-03-04T20:00:00Z"));
    assert_eq!(slot.total_availability, Some(12.5));
    assert_eq!(slot.open_availability, Some(4.25));
    assert_eq!(slot.is_available, Some(true));
    let technicians = slot.technicians.as_ref().unwrap();
    assert_eq!(technicians[0].id, Some(5201));
    assert_eq!(
        technicians[0].status,
        Some(types::CapacityTechnicianStatus::Available)
    );
    assert_eq!(
        technicians[1].status,
        Some(types::CapacityTechnicianStatus::Unavailable)
    );
    assert_eq!(technicians[1].has_required_skills, None);
}
