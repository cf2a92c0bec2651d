//! Locations: list, get, create, update, notes, contacts, tags and custom field types.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_crm::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn at(s: &str) -> DateTime {
    s.parse().expect("a valid date-time")
}

const LOCATION: &str = r#"{
    "id": 5500001, "customerId": 4402113, "active": true, "name": "Main Office",
    "address": {"street": "1640 Riverside Dr", "unit": "Suite 2", "city": "Phoenix", "state": "AZ",
                "zip": "85004", "country": "USA", "latitude": 33.4484, "longitude": -112.074},
    "customFields": [{"typeId": 91, "name": "Parking", "value": "Rear lot"}],
    "createdOn": "2024-03-01T10:00:00.1234567Z", "createdById": 501,
    "modifiedOn": "2024-03-02T11:30:00.7654321Z",
    "mergedToId": null, "zoneId": 3, "tagTypeIds": [21], "taxZoneId": 8,
    "externalData": [{"key": "siteId", "value": "PHX-1"}]
}"#;

#[tokio::test]
async fn list_locations_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/locations"))
                .query_param("customerId", "4402113")
                .query_param("active", "Any")
                .query_param("city", "Phoenix")
                .query_param("ids", "5500001,5500002")
                .query_param("createdBefore", "2024-04-01T00:00:00Z")
                .query_param("page", "1")
                .query_param("pageSize", "50")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": [{LOCATION}]}}"#
                ));
        })
        .await;

    let page = client(&api)
        .list_locations()
        .customer_id(4402113)
        .active(types::ActiveFilter::Any)
        .city("Phoenix")
        .ids("5500001,5500002")
        .created_before(at("2024-04-01T00:00:00Z"))
        .page(1)
        .page_size(50)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.total_count, None);
    let location = &page.data.unwrap()[0];
    assert_eq!(location.id, 5500001);
    assert_eq!(location.customer_id, Some(4402113));
    assert_eq!((location.zone_id, location.tax_zone_id), (Some(3), Some(8)));
    assert_eq!(
        location.modified_on.unwrap().to_string(),
        "2024-03-02T11:30:00.7654321Z"
    );
    assert_eq!(location.address.as_ref().unwrap().latitude, Some(33.4484));
}

#[tokio::test]
async fn get_location_decodes_custom_fields_and_external_data() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/locations/5500001"));
            then.status(200)
                .header("content-type", "application/json")
                .body(LOCATION);
        })
        .await;

    let location = client(&api)
        .get_location()
        .id(5500001)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let field = &location.custom_fields.unwrap()[0];
    assert_eq!(field.name.as_deref(), Some("Parking"));
    assert_eq!(
        location.external_data.unwrap()[0].value.as_deref(),
        Some("PHX-1")
    );
    assert_eq!(location.created_by_id, Some(501));
}

#[tokio::test]
async fn create_location_sends_the_customer_and_address() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/locations"))
                .json_body_includes(
                    r#"{"customerId": 4402113, "name": "Warehouse",
                        "address": {"street": "200 Industrial Way", "city": "Tempe", "state": "AZ",
                                    "zip": "85281", "country": "USA", "latitude": 33.4255, "longitude": -111.94},
                        "contacts": [{"type": "Phone", "value": "4805550142"}],
                        "tagTypeIds": [21]}"#,
                );
            then.status(200).header("content-type", "application/json").body(
                r#"{"id": 5500002, "customerId": 4402113, "active": true, "name": "Warehouse",
                    "address": {"street": "200 Industrial Way", "city": "Tempe", "state": "AZ",
                                "zip": "85281", "country": "USA", "latitude": 33.4255, "longitude": -111.94},
                    "customFields": [], "createdOn": "2024-03-03T08:00:00.0000001Z", "createdById": 501,
                    "modifiedOn": "2024-03-03T08:00:00.0000001Z", "tagTypeIds": [21], "externalData": [],
                    "contacts": [{"id": 9100, "type": "Phone", "value": "4805550142", "memo": null}]}"#,
            );
        })
        .await;

    let body = types::LocationCreateRequest {
        customer_id: 4402113,
        name: "Warehouse".into(),
        address: types::CustomerAddressInput {
            street: "200 Industrial Way".into(),
            city: "Tempe".into(),
            state: "AZ".into(),
            zip: "85281".into(),
            country: "USA".into(),
            latitude: Some(33.4255),
            longitude: Some(-111.94),
            unit: None,
        },
        contacts: Some(vec![types::NewCustomerContact {
            type_: types::ContactType::Phone,
            value: "4805550142".into(),
            memo: None,
        }]),
        tag_type_ids: Some(vec![21]),
        coordinates_source: None,
        coordinates_verification_status: None,
        custom_fields: None,
        external_data: None,
    };
    let created = client(&api)
        .create_location()
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(created.id, 5500002);
    assert_eq!(
        created.created_on.unwrap().to_string(),
        "2024-03-03T08:00:00.0000001Z"
    );
    let contact = &created.contacts.unwrap()[0];
    assert_eq!((contact.id, contact.memo.as_deref()), (Some(9100), None));
}

#[tokio::test]
async fn update_location_patches_the_address_and_tax_zone() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/locations/5500001"))
                .json_body(serde_json::json!({
                    "taxZoneId": 9,
                    "address": {"street": "1650 Riverside Dr", "unit": "", "city": "Phoenix",
                                "state": "AZ", "zip": "85004", "country": "USA"}
                }));
            then.status(200)
                .header("content-type", "application/json")
                .body(LOCATION.replace(r#""taxZoneId": 8"#, r#""taxZoneId": 9"#));
        })
        .await;

    let updated = client(&api)
        .update_location()
        .id(5500001)
        .body(types::LocationUpdateRequest {
            tax_zone_id: servicetitan_core::types::Patch::Set(9),
            address: servicetitan_core::types::Patch::Set(types::LocationAddressPatch {
                street: "1650 Riverside Dr".into(),
                unit: String::new(),
                city: "Phoenix".into(),
                state: "AZ".into(),
                zip: "85004".into(),
                country: "USA".into(),
                latitude: None,
                longitude: None,
            }),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(updated.tax_zone_id, Some(9));
}

#[tokio::test]
async fn location_notes_list_create_and_delete() {
    let api = MockApi::start().await;
    let list = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/locations/5500001/notes"))
                .query_param("pageSize", "10");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 10, "hasMore": false,
                    "data": [{"id": 770, "text": "Dog in yard", "isPinned": true, "createdById": 501,
                              "createdOn": "2024-02-01T09:00:00.1200000Z",
                              "modifiedOn": "2024-02-01T09:00:00.1200000Z"}]}"#,
            );
        })
        .await;
    let create = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/locations/5500001/notes"))
                .json_body(serde_json::json!({
                    "text": "Use side entrance", "pinToTop": true, "addToCustomer": false
                }));
            then.status(200).header("content-type", "application/json").body(
                r#"{"id": 771, "text": "Use side entrance", "isPinned": true, "createdById": 501,
                    "createdOn": "2024-03-01T10:00:00.1234567Z", "modifiedOn": "2024-03-01T10:00:00.1234567Z"}"#,
            );
        })
        .await;
    let delete = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/locations/5500001/notes/770"));
            then.status(200);
        })
        .await;
    let client = client(&api);

    let notes = client
        .list_location_notes()
        .id(5500001)
        .page_size(10)
        .send()
        .await
        .unwrap()
        .into_inner();
    let note = client
        .create_location_note()
        .id(5500001)
        .body(types::LocationNoteCreateRequest {
            text: "Use side entrance".into(),
            pin_to_top: Some(true),
            add_to_customer: Some(false),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    client
        .delete_location_note()
        .id(5500001)
        .note_id(770)
        .send()
        .await
        .unwrap();
    list.assert_async().await;
    create.assert_async().await;
    delete.assert_async().await;

    assert_eq!(notes.data.unwrap()[0].text.as_deref(), Some("Dog in yard"));
    assert_eq!((note.id, note.is_pinned), (771, Some(true)));
}

#[tokio::test]
async fn location_contacts_list_create_update_and_delete() {
    let api = MockApi::start().await;
    let list = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/locations/5500001/contacts"));
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false,
                    "data": [{"id": 9100, "type": "MobilePhone", "value": "4805550142", "memo": "site manager",
                              "phoneSettings": {"phoneNumber": "4805550142", "doNotText": false},
                              "modifiedOn": "2024-03-01T10:00:00.1234567Z",
                              "createdOn": "2024-01-01T10:00:00.1234567Z"}]}"#,
            );
        })
        .await;
    let create = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/locations/5500001/contacts"))
                .json_body(serde_json::json!({"type": "Email", "value": "site@hvdental.com", "memo": "site"}));
            then.status(200).header("content-type", "application/json").body(
                r#"{"id": 9101, "type": "Email", "value": "site@hvdental.com", "memo": "site",
                    "phoneSettings": null, "modifiedOn": "2024-03-01T10:00:00.1234567Z",
                    "createdOn": "2024-03-01T10:00:00.1234567Z"}"#,
            );
        })
        .await;
    let update = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/locations/5500001/contacts/9100"))
                .json_body(serde_json::json!({"type": "Phone", "value": "4805550143"}));
            then.status(200).header("content-type", "application/json").body(
                r#"{"id": 9100, "type": "Phone", "value": "4805550143", "memo": "site manager",
                    "phoneSettings": {"phoneNumber": "4805550143", "doNotText": false},
                    "modifiedOn": "2024-03-02T10:00:00.0000000Z", "createdOn": "2024-01-01T10:00:00.1234567Z"}"#,
            );
        })
        .await;
    let delete = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/locations/5500001/contacts/9101"));
            then.status(200);
        })
        .await;
    let client = client(&api);

    let page = client
        .list_location_contacts()
        .id(5500001)
        .send()
        .await
        .unwrap()
        .into_inner();
    let created = client
        .create_location_contact()
        .id(5500001)
        .body(types::LocationContactCreateRequest {
            type_: types::ContactType::Email,
            value: "site@hvdental.com".into(),
            memo: Some("site".into()),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let updated = client
        .update_location_contact()
        .id(5500001)
        .contact_id(9100)
        .body(types::LocationContactUpdateRequest {
            type_: servicetitan_core::types::Patch::Set(types::ContactType::Phone),
            value: servicetitan_core::types::Patch::Set("4805550143".into()),
            memo: servicetitan_core::types::Patch::Absent,
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    client
        .delete_location_contact()
        .id(5500001)
        .contact_id(9101)
        .send()
        .await
        .unwrap();
    list.assert_async().await;
    create.assert_async().await;
    update.assert_async().await;
    delete.assert_async().await;

    let listed = &page.data.unwrap()[0];
    assert_eq!(listed.type_, Some(types::ContactType::MobilePhone));
    assert_eq!(created.id, 9101);
    assert_eq!(updated.type_, Some(types::ContactType::Phone));
    assert_eq!(
        updated.phone_settings.unwrap().phone_number.as_deref(),
        Some("4805550143")
    );
}

#[tokio::test]
async fn modified_location_contacts_are_listed_by_date_range() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/locations/contacts"))
                .query_param("modifiedOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("locationIds", "5500001");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false,
                    "data": [{"id": 9100, "locationId": 5500001, "type": "Phone", "value": "4805550143",
                              "phoneSettings": {"phoneNumber": "4805550143", "doNotText": true},
                              "modifiedOn": "2024-03-02T10:00:00.0000000Z",
                              "createdOn": "2024-01-01T10:00:00.1234567Z"}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_modified_location_contacts()
        .modified_on_or_after(at("2024-03-01T00:00:00Z"))
        .location_ids("5500001")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let contact = &page.data.unwrap()[0];
    assert_eq!(contact.location_id, Some(5500001));
    assert_eq!(
        contact.phone_settings.as_ref().unwrap().do_not_text,
        Some(true)
    );
}

#[tokio::test]
async fn location_tags_are_added_and_removed() {
    let api = MockApi::start().await;
    let add = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/locations/5500001/tags/22"));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"locationId": 5500001, "tagTypeIds": [21, 22]}"#);
        })
        .await;
    let remove = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/locations/5500001/tags/21"));
            then.status(200);
        })
        .await;
    let client = client(&api);

    let tags = client
        .create_location_tag()
        .id(5500001)
        .tag_type_id(22)
        .send()
        .await
        .unwrap()
        .into_inner();
    client
        .delete_location_tag()
        .id(5500001)
        .tag_type_id(21)
        .send()
        .await
        .unwrap();
    add.assert_async().await;
    remove.assert_async().await;

    assert_eq!(tags.location_id, Some(5500001));
    assert_eq!(tags.tag_type_ids, Some(vec![21, 22]));
}

#[tokio::test]
async fn location_custom_field_types_are_listed() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/locations/custom-fields"))
                .query_param("modifiedOnOrAfter", "2023-01-01T00:00:00Z");
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"page": 1, "pageSize": 50, "hasMore": false,
                    "data": [{"id": 91, "name": "Parking", "dataType": "Text",
                              "createdOn": "2022-06-01T00:00:00.0000000Z",
                              "modifiedOn": "2023-06-01T00:00:00.0000000Z"}]}"#,
                );
        })
        .await;

    let page = client(&api)
        .list_location_custom_field_types()
        .modified_on_or_after(at("2023-01-01T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let field = &page.data.unwrap()[0];
    assert_eq!(field.id, 91);
    assert_eq!(field.data_type.as_deref(), Some("Text"));
}

#[tokio::test]
async fn update_location_conflict_is_an_api_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/locations/5500001"));
            then.status(409)
                .header("content-type", "application/json")
                .body(
                    r#"{"title": "Location was merged", "status": 409,
                    "errors": {"customerId": ["The location was merged into 5500009."]}}"#,
                );
        })
        .await;

    let result = client(&api)
        .update_location()
        .id(5500001)
        .body(types::LocationUpdateRequest {
            customer_id: servicetitan_core::types::Patch::Set(4402200),
            ..Default::default()
        })
        .send()
        .await;
    mock.assert_async().await;

    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    let problem = err.problem().unwrap();
    assert_eq!(
        problem.errors["customerId"],
        ["The location was merged into 5500009."]
    );
}
