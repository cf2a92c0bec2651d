//! Export feeds: paged by continuation token through `stream_export`.

use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::{ExportBatch, ExportRequestExt};
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_crm::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

/// Registers one export page answered for `from` (or for no `from` at all).
async fn export_page<'a>(
    api: &'a MockApi,
    path: &str,
    from: Option<&str>,
    body: String,
) -> httpmock::Mock<'a> {
    let full_path = api.path(SERVER_PATH, path);
    api.server
        .mock_async(|when, then| {
            let when = when
                .method(GET)
                .path(full_path)
                .query_param("includeRecentChanges", "true");
            match from {
                Some(token) => when.query_param("from", token),
                None => when.query_param_missing("from"),
            };
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        })
        .await
}

#[tokio::test]
async fn export_customers_streams_two_pages_passing_the_token_back() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/export/customers"))
                .query_param_missing("from")
                .query_param("includeRecentChanges", "true")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200).header("content-type", "application/json").body(
                r#"{"hasMore": true, "continueFrom": "eyJwYWdlIjoxfQ==",
                    "data": [{"id": 1001, "active": true, "name": "Marty McFly", "type": "Residential",
                              "balance": 1234.10, "tagTypeIds": [], "doNotMail": false, "doNotService": false,
                              "createdOn": "2024-03-01T10:00:00.1234567Z", "createdById": 501,
                              "modifiedOn": "2024-03-01T10:00:00.1234567Z", "externalData": []},
                             {"id": 1002, "active": false, "name": "Old Account", "type": "Commercial",
                              "balance": 0.00, "tagTypeIds": [], "doNotMail": true, "doNotService": true,
                              "createdOn": "2020-01-01T00:00:00.0000000Z", "createdById": 1,
                              "modifiedOn": "2024-03-01T11:00:00.0000000Z", "mergedToId": 1001,
                              "externalData": []}]}"#,
            );
        })
        .await;
    let second = export_page(
        &api,
        "/export/customers",
        Some("eyJwYWdlIjoxfQ=="),
        r#"{"hasMore": false, "continueFrom": "eyJwYWdlIjoyfQ==",
            "data": [{"id": 1003, "active": true, "name": "Hill Valley Dental", "type": "Commercial",
                      "balance": 98765.43, "tagTypeIds": [12], "doNotMail": false, "doNotService": false,
                      "createdOn": "2024-03-02T10:00:00.1234567Z", "createdById": 501,
                      "modifiedOn": "2024-03-02T10:00:00.1234567Z", "externalData": []}]}"#
            .to_string(),
    )
    .await;

    let batches: Vec<ExportBatch<types::CustomerExportItem>> = client(&api)
        .export_customers()
        .include_recent_changes(true)
        .stream_export(None)
        .try_collect()
        .await
        .unwrap();
    first.assert_async().await;
    second.assert_async().await;

    assert_eq!(batches.len(), 2);
    assert!(batches[0].has_more);
    assert_eq!(
        batches[0].continue_from.as_deref(),
        Some("eyJwYWdlIjoxfQ==")
    );
    assert_eq!(batches[0].items.len(), 2);
    assert_eq!(batches[0].items[1].merged_to_id, Some(1001));
    assert_eq!(batches[0].items[0].balance.unwrap().to_string(), "1234.10");
    assert!(!batches[1].has_more);
    assert_eq!(
        batches[1].continue_from.as_deref(),
        Some("eyJwYWdlIjoyfQ==")
    );
    let last = &batches[1].items[0];
    assert_eq!(last.id, 1003);
    assert_eq!(last.type_, Some(types::CustomerType::Commercial));
    assert_eq!(last.balance.unwrap().to_string(), "98765.43");
}

#[tokio::test]
async fn export_bookings_resumes_from_a_saved_token() {
    let api = MockApi::start().await;
    let page = export_page(
        &api,
        "/export/bookings",
        Some("saved-bookings"),
        r#"{"hasMore": false, "continueFrom": "next-bookings",
            "data": [{"id": 700123, "source": "Scheduling Widget", "name": "George McFly",
                      "createdOn": "2024-03-01T10:00:00.1234567Z", "start": "2024-03-08T15:00:00.0000000Z",
                      "status": "Dismissed", "dismissingReasonId": 8, "externalId": "WID-88213",
                      "priority": "Low", "bookingProviderId": 61,
                      "modifiedOn": "2024-03-02T10:00:00.1234567Z", "active": false}]}"#
            .to_string(),
    )
    .await;

    let batches: Vec<_> = client(&api)
        .export_bookings()
        .include_recent_changes(true)
        .stream_export(Some("saved-bookings".into()))
        .try_collect()
        .await
        .unwrap();
    page.assert_async().await;

    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].continue_from.as_deref(), Some("next-bookings"));
    let booking = &batches[0].items[0];
    assert_eq!(booking.status, Some(types::BookingStatus::Dismissed));
    assert_eq!(booking.dismissing_reason_id, Some(8));
    assert_eq!(booking.active, Some(false));
}

#[tokio::test]
async fn export_customer_contacts_decodes_the_feed() {
    let api = MockApi::start().await;
    let page = export_page(
        &api,
        "/export/customers/contacts",
        Some("2024-03-01T00:00:00Z"),
        r#"{"hasMore": false, "continueFrom": "cc-2",
            "data": [{"id": 9000, "customerId": 4402113, "type": "Email", "value": "billing@hvdental.com",
                      "memo": null, "phoneSettings": null, "active": true,
                      "modifiedOn": "2024-03-01T10:00:00.1234567Z", "createdOn": "2024-01-01T10:00:00.1234567Z"}]}"#
            .to_string(),
    )
    .await;

    let items: Vec<types::CustomerContactExportItem> = client(&api)
        .export_customer_contacts()
        .include_recent_changes(true)
        .stream_export_items(Some("2024-03-01T00:00:00Z".into()))
        .try_collect()
        .await
        .unwrap();
    page.assert_async().await;

    assert_eq!(items[0].customer_id, Some(4402113));
    assert_eq!(items[0].type_, Some(types::ContactType::Email));
}

#[tokio::test]
async fn export_leads_decodes_the_feed() {
    let api = MockApi::start().await;
    let page = export_page(
        &api,
        "/export/leads",
        None,
        r#"{"hasMore": false, "continueFrom": "leads-1",
            "data": [{"id": 300501, "status": "Open", "priority": "High", "campaignId": 3301,
                      "createdOn": "2024-03-01T10:00:00.1234567Z", "createdById": 501,
                      "modifiedOn": "2024-03-01T10:00:00.1234567Z", "tagTypeIds": [31], "active": true}]}"#
            .to_string(),
    )
    .await;

    let items: Vec<types::LeadExportItem> = client(&api)
        .export_leads()
        .include_recent_changes(true)
        .stream_export_items(None)
        .try_collect()
        .await
        .unwrap();
    page.assert_async().await;

    assert_eq!(items[0].id, 300501);
    assert_eq!(items[0].status, Some(types::LeadStatus::Open));
    assert_eq!(items[0].priority, Some(types::Priority::High));
}

#[tokio::test]
async fn export_locations_and_location_contacts_decode_their_feeds() {
    let api = MockApi::start().await;
    let locations = export_page(
        &api,
        "/export/locations",
        None,
        r#"{"hasMore": false, "continueFrom": "loc-1",
            "data": [{"id": 5500001, "customerId": 4402113, "active": true, "name": "Main Office",
                      "taxZoneId": 8, "zoneId": 3, "customFields": [], "tagTypeIds": [], "externalData": [],
                      "createdOn": "2024-03-01T10:00:00.1234567Z", "createdById": 501,
                      "modifiedOn": "2024-03-01T10:00:00.1234567Z"}]}"#
            .to_string(),
    )
    .await;
    let contacts = export_page(
        &api,
        "/export/locations/contacts",
        None,
        r#"{"hasMore": false, "continueFrom": "lc-1",
            "data": [{"id": 9100, "locationId": 5500001, "type": "Phone", "value": "4805550142",
                      "phoneSettings": {"phoneNumber": "4805550142", "doNotText": true}, "active": true,
                      "modifiedOn": "2024-03-01T10:00:00.1234567Z", "createdOn": "2024-01-01T10:00:00.1234567Z"}]}"#
            .to_string(),
    )
    .await;
    let client = client(&api);

    let location_items: Vec<types::LocationExportItem> = client
        .export_locations()
        .include_recent_changes(true)
        .stream_export_items(None)
        .try_collect()
        .await
        .unwrap();
    let contact_items: Vec<types::LocationContactExportItem> = client
        .export_location_contacts()
        .include_recent_changes(true)
        .stream_export_items(None)
        .try_collect()
        .await
        .unwrap();
    locations.assert_async().await;
    contacts.assert_async().await;

    assert_eq!(location_items[0].tax_zone_id, Some(8));
    assert_eq!(contact_items[0].location_id, Some(5500001));
    assert_eq!(
        contact_items[0]
            .phone_settings
            .as_ref()
            .unwrap()
            .do_not_text,
        Some(true)
    );
}
