//! Bookings: across all providers and per booking provider, with their contacts.

use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::ListRequestExt;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_crm::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn at(s: &str) -> DateTime {
    s.parse().expect("a valid date-time")
}

fn booking_json(id: i64, status: &str) -> String {
    format!(
        r#"{{"id": {id}, "source": "Scheduling Widget", "createdOn": "2024-03-01T10:00:00.1234567Z",
            "name": "George McFly",
            "address": {{"street": "1727 Bushnell Ave", "unit": "", "city": "Hill Valley", "state": "CA",
                         "zip": "95420", "country": "USA"}},
            "customerType": "Residential", "start": "2024-03-08T15:00:00.0000000Z",
            "summary": "AC not cooling", "campaignId": 3301, "businessUnitId": 12,
            "isFirstTimeClient": true, "uploadedImages": ["https://cdn.example.com/img/ac.jpg"],
            "isSendConfirmationEmail": false, "status": "{status}", "dismissingReasonId": null,
            "jobId": null, "externalId": "WID-88213", "priority": "High", "jobTypeId": 77,
            "bookingProviderId": 61, "modifiedOn": "2024-03-01T10:05:00.7654321Z"}}"#
    )
}

#[tokio::test]
async fn list_bookings_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/bookings"))
                .query_param("externalId", "WID-88213")
                .query_param("createdOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("includeTotal", "true")
                .query_param("sort", "-createdOn")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 1, "data": [{}]}}"#,
                    booking_json(700123, "New")
                ));
        })
        .await;

    let page = client(&api)
        .list_bookings()
        .external_id("WID-88213")
        .created_on_or_after(at("2024-03-01T00:00:00Z"))
        .include_total(true)
        .sort("-createdOn")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let booking = &page.data.unwrap()[0];
    assert_eq!(booking.id, 700123);
    assert_eq!(booking.status, Some(types::BookingStatus::New));
    assert_eq!(booking.priority, Some(types::Priority::High));
    assert_eq!(
        booking.customer_type,
        Some(types::CustomerType::Residential)
    );
    assert_eq!(booking.start.unwrap().to_string(), "2024-03-08T15:00:00Z");
    assert_eq!(booking.job_id, None);
    assert_eq!(booking.booking_provider_id, Some(61));
}

#[tokio::test]
async fn get_booking_and_its_contacts() {
    let api = MockApi::start().await;
    let get = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/bookings/700123"));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    booking_json(700123, "Converted")
                        .replace(r#""jobId": null"#, r#""jobId": 81234"#),
                );
        })
        .await;
    let contacts = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/bookings/700123/contacts"))
                .query_param("page", "1");
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"page": 1, "pageSize": 50, "hasMore": false,
                    "data": [{"id": 4001, "type": "MobilePhone", "value": "5305550111", "memo": "",
                              "modifiedOn": "2024-03-01T10:00:00.1234567Z"}]}"#,
                );
        })
        .await;
    let client = client(&api);

    let booking = client
        .get_booking()
        .id(700123)
        .send()
        .await
        .unwrap()
        .into_inner();
    let page = client
        .list_booking_contacts()
        .id(700123)
        .page(1)
        .send()
        .await
        .unwrap()
        .into_inner();
    get.assert_async().await;
    contacts.assert_async().await;

    assert_eq!(booking.status, Some(types::BookingStatus::Converted));
    assert_eq!(booking.job_id, Some(81234));
    let contact = &page.data.unwrap()[0];
    assert_eq!(contact.id, 4001);
    assert_eq!(contact.type_, Some(types::ContactType::MobilePhone));
}

#[tokio::test]
async fn provider_bookings_stream_across_pages() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/booking-provider/61/bookings"))
                .query_param("page", "1");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 1, "hasMore": true, "data": [{}]}}"#,
                    booking_json(700123, "New")
                ));
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/booking-provider/61/bookings"))
                .query_param("page", "2");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 2, "pageSize": 1, "hasMore": false, "data": [{}]}}"#,
                    booking_json(700124, "Dismissed")
                ));
        })
        .await;

    let bookings: Vec<types::Booking> = client(&api)
        .list_provider_bookings()
        .booking_provider(61)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    first.assert_async().await;
    second.assert_async().await;

    let ids: Vec<_> = bookings.iter().map(|b| b.id).collect();
    assert_eq!(ids, [700123, 700124]);
    assert_eq!(bookings[1].status, Some(types::BookingStatus::Dismissed));
}

#[tokio::test]
async fn create_get_and_update_a_provider_booking() {
    let api = MockApi::start().await;
    let create = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/booking-provider/61/bookings"))
                .json_body_includes(
                    r#"{"source": "Scheduling Widget", "name": "George McFly", "summary": "AC not cooling",
                        "isFirstTimeClient": true, "externalId": "WID-88213",
                        "customerType": "Residential", "priority": "High",
                        "start": "2024-03-08T15:00:00Z", "campaignId": 3301,
                        "address": {"street": "1727 Bushnell Ave", "city": "Hill Valley", "state": "CA",
                                    "zip": "95420", "country": "USA"},
                        "contacts": [{"type": "MobilePhone", "value": "5305550111"}]}"#,
                );
            then.status(200)
                .header("content-type", "application/json")
                .body(booking_json(700125, "New"));
        })
        .await;
    let get = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/booking-provider/61/bookings/700125"));
            then.status(200)
                .header("content-type", "application/json")
                .body(booking_json(700125, "New"));
        })
        .await;
    let update = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/booking-provider/61/bookings/700125"))
                .json_body(serde_json::json!({
                    "start": "2024-03-09T16:30:00Z", "priority": "Urgent", "customerType": "Commercial"
                }));
            then.status(200).header("content-type", "application/json").body(
                booking_json(700125, "Accepted")
                    .replace(r#""priority": "High""#, r#""priority": "Urgent""#)
                    .replace(r#""customerType": "Residential""#, r#""customerType": "Commercial""#),
            );
        })
        .await;
    let client = client(&api);

    let created = client
        .create_provider_booking()
        .booking_provider(61)
        .body(types::BookingCreateRequest {
            source: "Scheduling Widget".into(),
            name: "George McFly".into(),
            summary: "AC not cooling".into(),
            is_first_time_client: true,
            external_id: "WID-88213".into(),
            customer_type: Some("Residential".into()),
            priority: Some(types::Priority::High),
            start: Some(at("2024-03-08T15:00:00Z")),
            campaign_id: Some(3301),
            address: Some(types::AddressInput {
                street: "1727 Bushnell Ave".into(),
                city: "Hill Valley".into(),
                state: "CA".into(),
                zip: "95420".into(),
                country: "USA".into(),
                unit: None,
            }),
            contacts: Some(vec![types::NewBookingContact {
                type_: types::ContactType::MobilePhone,
                value: "5305550111".into(),
                memo: None,
            }]),
            business_unit_id: None,
            is_send_confirmation_email: None,
            job_type_id: None,
            uploaded_images: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let fetched = client
        .get_provider_booking()
        .booking_provider(61)
        .id(700125)
        .send()
        .await
        .unwrap()
        .into_inner();
    let updated = client
        .update_provider_booking()
        .booking_provider(61)
        .id(700125)
        .body(types::BookingUpdateRequest {
            start: servicetitan_core::types::Patch::Set(at("2024-03-09T16:30:00Z")),
            priority: servicetitan_core::types::Patch::Set(types::Priority::Urgent),
            customer_type: servicetitan_core::types::Patch::Set(types::CustomerType::Commercial),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    create.assert_async().await;
    get.assert_async().await;
    update.assert_async().await;

    assert_eq!(created.id, 700125);
    assert_eq!(fetched.external_id.as_deref(), Some("WID-88213"));
    assert_eq!(updated.status, Some(types::BookingStatus::Accepted));
    assert_eq!(updated.priority, Some(types::Priority::Urgent));
}

#[tokio::test]
async fn provider_booking_contacts_list_create_update_and_delete() {
    let api = MockApi::start().await;
    let contacts = "/booking-provider/61/bookings/700125/contacts";
    let list = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, contacts))
                .query_param("includeTotal", "true");
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 1,
                    "data": [{"id": 4001, "type": "Phone", "value": "5305550111", "memo": "home",
                              "modifiedOn": "2024-03-01T10:00:00.1234567Z"}]}"#,
                );
        })
        .await;
    let create = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, contacts))
                .json_body(serde_json::json!({"type": "Email", "value": "george@example.com", "memo": "personal"}));
            then.status(200).header("content-type", "application/json").body(
                r#"{"id": 4002, "type": "Email", "value": "george@example.com", "memo": "personal",
                    "modifiedOn": "2024-03-01T10:00:00.1234567Z"}"#,
            );
        })
        .await;
    let update = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, &format!("{contacts}/4001")))
                .json_body(serde_json::json!({"type": "MobilePhone", "memo": "cell"}));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"type": "MobilePhone", "value": "5305550111", "memo": "cell"}"#);
        })
        .await;
    let delete = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, &format!("{contacts}/4002")));
            then.status(200);
        })
        .await;
    let client = client(&api);

    let page = client
        .list_provider_booking_contacts()
        .booking_provider(61)
        .id(700125)
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();
    let created = client
        .create_provider_booking_contact()
        .booking_provider(61)
        .id(700125)
        .body(types::BookingContactCreateRequest {
            type_: "Email".into(),
            value: "george@example.com".into(),
            memo: Some("personal".into()),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let applied = client
        .update_provider_booking_contact()
        .booking_provider(61)
        .id(700125)
        .contact_id(4001)
        .body(types::BookingContactUpdateRequestInput {
            type_: servicetitan_core::types::Patch::Set(types::ContactType::MobilePhone),
            memo: servicetitan_core::types::Patch::Set("cell".into()),
            value: servicetitan_core::types::Patch::Absent,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    client
        .delete_provider_booking_contact()
        .booking_provider(61)
        .id(700125)
        .contact_id(4002)
        .send()
        .await
        .unwrap();
    list.assert_async().await;
    create.assert_async().await;
    update.assert_async().await;
    delete.assert_async().await;

    assert_eq!(page.total_count, Some(1));
    assert_eq!(page.data.unwrap()[0].type_, Some(types::ContactType::Phone));
    assert_eq!(created.id, 4002);
    assert_eq!(created.type_, Some(types::ContactType::Email));
    assert_eq!(applied.type_, Some(types::ContactType::MobilePhone));
    assert_eq!(applied.value.as_deref(), Some("5305550111"));
}
