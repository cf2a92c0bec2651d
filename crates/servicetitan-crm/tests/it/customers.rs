//! Customers: list, get, create, update, notes, contacts, tags and custom field types.

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

const APP_GUID: &str = "0b9f6a52-3c1d-4e8a-9f1e-5d2c7a4b8e61";

#[tokio::test]
async fn list_customers_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/customers"))
                .query_param("page", "2")
                .query_param("pageSize", "100")
                .query_param("includeTotal", "true")
                .query_param("active", "True")
                .query_param("name", "Hill Valley Dental")
                .query_param("zip", "85004")
                .query_param("latitude", "33.4484")
                .query_param("modifiedOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("excludeAccountingChangesFromModifiedDateRange", "true")
                .query_param("externalDataApplicationGuid", APP_GUID)
                .query_param("externalDataKey", "erpId")
                .query_param("sort", "-modifiedOn")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 2, "pageSize": 100, "hasMore": false, "totalCount": 101,
                    "data": [{
                        "id": 4402113, "active": true, "name": "Hill Valley Dental",
                        "type": "Commercial",
                        "address": {"street": "1640 Riverside Dr", "unit": "Suite 2", "city": "Phoenix",
                                    "state": "AZ", "zip": "85004", "country": "USA",
                                    "latitude": 33.4484, "longitude": -112.074},
                        "customFields": [{"typeId": 77, "name": "Gate code", "value": "4411"}],
                        "balance": 1234.10,
                        "tagTypeIds": [12, 13],
                        "doNotMail": false, "doNotService": false,
                        "createdOn": "2024-03-01T10:00:00.1234567Z", "createdById": 501,
                        "modifiedOn": "2024-03-02T08:15:30.7654321Z",
                        "mergedToId": null,
                        "externalData": [{"key": "erpId", "value": "C-0099"}]
                    }]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_customers()
        .page(2)
        .page_size(100)
        .include_total(true)
        .active(types::ActiveFilter::True)
        .name("Hill Valley Dental")
        .zip("85004")
        .latitude(33.4484)
        .modified_on_or_after(at("2024-03-01T00:00:00Z"))
        .exclude_accounting_changes_from_modified_date_range(true)
        .external_data_application_guid(uuid::Uuid::parse_str(APP_GUID).unwrap())
        .external_data_key("erpId")
        .sort("-modifiedOn")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.total_count, Some(101));
    assert_eq!(page.has_more, Some(false));
    let customer = &page.data.unwrap()[0];
    assert_eq!(customer.id, 4402113);
    assert_eq!(customer.type_, Some(types::CustomerType::Commercial));
    assert_eq!(customer.balance.unwrap().to_string(), "1234.10");
    assert_eq!(
        customer.created_on.unwrap().to_string(),
        "2024-03-01T10:00:00.1234567Z"
    );
    assert_eq!(customer.tag_type_ids.as_deref(), Some(&[12, 13][..]));
    let address = customer.address.as_ref().unwrap();
    assert_eq!(address.city.as_deref(), Some("Phoenix"));
    assert_eq!(address.longitude, Some(-112.074));
    let field = &customer.custom_fields.as_ref().unwrap()[0];
    assert_eq!(
        (field.type_id, field.value.as_deref()),
        (Some(77), Some("4411"))
    );
    assert_eq!(customer.merged_to_id, None);
}

#[tokio::test]
async fn get_customer_decodes_balance_and_external_data() {
    let api = MockApi::start().await;
    let mock =
        api.server
            .mock_async(|when, then| {
                when.method(GET)
                    .path(api.path(SERVER_PATH, "/customers/4402113"));
                then.status(200).header("content-type", "application/json").body(
                r#"{"id": 4402113, "active": true, "name": "Marty McFly", "type": "Residential",
                    "address": {"street": "9303 Lyon Dr", "city": "Hill Valley", "state": "CA",
                                "zip": "95420", "country": "USA"},
                    "customFields": [], "balance": -45.00, "tagTypeIds": [],
                    "doNotMail": true, "doNotService": false,
                    "createdOn": "2023-11-05T06:00:00.0000001Z", "createdById": 1,
                    "modifiedOn": "2024-01-15T12:00:00.5000000Z",
                    "mergedToId": 4400000,
                    "externalData": [{"key": "erpId", "value": "C-0100"}]}"#,
            );
            })
            .await;

    let customer = client(&api)
        .get_customer()
        .id(4402113)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(customer.type_, Some(types::CustomerType::Residential));
    assert_eq!(customer.balance.unwrap().to_string(), "-45.00");
    assert_eq!(customer.do_not_mail, Some(true));
    assert_eq!(customer.merged_to_id, Some(4400000));
    assert_eq!(
        customer.modified_on.unwrap().to_string(),
        "2024-01-15T12:00:00.5Z"
    );
    let external = &customer.external_data.unwrap()[0];
    assert_eq!(external.value.as_deref(), Some("C-0100"));
}

#[tokio::test]
async fn get_missing_customer_is_an_api_error_with_the_problem() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/customers/999"));
            then.status(404)
                .header("content-type", "application/json")
                .body(
                    r#"{"type": "https://tools.ietf.org/html/rfc7231#section-6.5.4",
                    "title": "Customer not found", "status": 404,
                    "traceId": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}"#,
                );
        })
        .await;

    let result = client(&api).get_customer().id(999).send().await;
    mock.assert_async().await;

    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(
        err.trace_id(),
        Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
    );
    assert_eq!(
        err.problem().and_then(|p| p.title.as_deref()),
        Some("Customer not found")
    );
}

#[tokio::test]
async fn create_customer_sends_its_locations_and_decodes_the_new_records() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/customers"))
                .header("content-type", "application/json")
                .json_body_includes(
                    r#"{"name": "Doc Brown", "type": "Residential", "doNotMail": false,
                        "address": {"street": "1640 Riverside Dr", "city": "Hill Valley",
                                    "state": "CA", "zip": "95420", "country": "USA"},
                        "contacts": [{"type": "MobilePhone", "value": "+15555550123", "memo": "cell"}],
                        "locations": [{"name": "Lab",
                                       "address": {"street": "1640 Riverside Dr", "city": "Hill Valley",
                                                   "state": "CA", "zip": "95420", "country": "USA"},
                                       "contacts": [{"type": "Email", "value": "lab@example.com"}]}],
                        "customFields": [{"typeId": 77, "value": "4411"}],
                        "tagTypeIds": [12],
                        "externalData": {"applicationGuid": "0b9f6a52-3c1d-4e8a-9f1e-5d2c7a4b8e61",
                                         "externalData": [{"key": "erpId", "value": "C-0101"}]}}"#,
                );
            then.status(200).header("content-type", "application/json").body(
                r#"{"id": 4402200, "active": true, "name": "Doc Brown", "type": "Residential",
                    "address": {"street": "1640 Riverside Dr", "city": "Hill Valley", "state": "CA",
                                "zip": "95420", "country": "USA"},
                    "customFields": [{"typeId": 77, "name": "Gate code", "value": "4411"}],
                    "balance": 0.00, "tagTypeIds": [12], "doNotMail": false, "doNotService": false,
                    "createdOn": "2024-03-01T10:00:00.1234567Z", "createdById": 501,
                    "modifiedOn": "2024-03-01T10:00:00.1234567Z",
                    "externalData": [{"key": "erpId", "value": "C-0101"}],
                    "locations": [{"id": 5500001, "customerId": 4402200, "active": true, "name": "Lab",
                                   "address": {"street": "1640 Riverside Dr", "city": "Hill Valley",
                                               "state": "CA", "zip": "95420", "country": "USA"},
                                   "customFields": [], "createdOn": "2024-03-01T10:00:00.1234567Z",
                                   "createdById": 501, "modifiedOn": "2024-03-01T10:00:00.1234567Z",
                                   "tagTypeIds": [], "externalData": [],
                                   "contacts": [{"id": 9001, "type": "Email", "value": "lab@example.com"}]}],
                    "contacts": [{"id": 9000, "type": "MobilePhone", "value": "+15555550123", "memo": "cell"}]}"#,
            );
        })
        .await;

    let address = types::CustomerAddressInput {
        street: "1640 Riverside Dr".into(),
        city: "Hill Valley".into(),
        state: "CA".into(),
        zip: "95420".into(),
        country: "USA".into(),
        unit: None,
        latitude: None,
        longitude: None,
    };
    let body = types::CustomerCreateRequest {
        name: "Doc Brown".into(),
        type_: Some(types::CustomerType::Residential),
        do_not_mail: Some(false),
        address: address.clone(),
        contacts: Some(vec![types::NewCustomerContact {
            type_: types::ContactType::MobilePhone,
            value: "+15555550123".into(),
            memo: Some("cell".into()),
        }]),
        locations: vec![types::NewLocation {
            name: "Lab".into(),
            address,
            contacts: Some(vec![types::NewCustomerContact {
                type_: types::ContactType::Email,
                value: "lab@example.com".into(),
                memo: None,
            }]),
            coordinates_source: None,
            coordinates_verification_status: None,
            custom_fields: None,
            external_data: None,
            tag_type_ids: None,
        }],
        custom_fields: Some(vec![types::CustomFieldUpdate {
            type_id: 77,
            value: "4411".into(),
        }]),
        tag_type_ids: Some(vec![12]),
        external_data: Some(types::ExternalDataCreate {
            application_guid: uuid::Uuid::parse_str(APP_GUID).unwrap(),
            external_data: vec![types::ExternalDataEntryInput {
                key: "erpId".into(),
                value: "C-0101".into(),
            }],
        }),
        credit_limit: None,
        credit_limit_balance: None,
        do_not_service: None,
        national_account: None,
        payment_term_id: None,
        tax_exempt: None,
    };
    let created = client(&api)
        .create_customer()
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(created.id, 4402200);
    assert_eq!(created.balance.unwrap().to_string(), "0.00");
    let location = &created.locations.unwrap()[0];
    assert_eq!(location.id, 5500001);
    assert_eq!(location.customer_id, Some(4402200));
    assert_eq!(location.contacts.as_ref().unwrap()[0].id, Some(9001));
    let contact = &created.contacts.unwrap()[0];
    assert_eq!(contact.type_, Some(types::ContactType::MobilePhone));
}

#[tokio::test]
async fn update_customer_patches_fields_and_external_data() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/customers/4402113"))
                .json_body(serde_json::json!({
                    "name": "Hill Valley Dental Group",
                    "doNotService": true,
                    "externalData": {
                        "patchMode": "Merge",
                        "applicationGuid": APP_GUID,
                        "externalData": [{"key": "erpId", "value": "C-0099-B"}]
                    }
                }));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"id": 4402113, "active": true, "name": "Hill Valley Dental Group",
                    "type": "Commercial", "customFields": [], "balance": 1234.10, "tagTypeIds": [],
                    "doNotMail": false, "doNotService": true,
                    "createdOn": "2024-03-01T10:00:00.1234567Z", "createdById": 501,
                    "modifiedOn": "2024-03-05T16:20:00.0000000Z",
                    "externalData": [{"key": "erpId", "value": "C-0099-B"}]}"#,
                );
        })
        .await;

    let body = types::CustomerUpdateRequest {
        name: servicetitan_core::types::Patch::Set("Hill Valley Dental Group".into()),
        do_not_service: servicetitan_core::types::Patch::Set(true),
        external_data: servicetitan_core::types::Patch::Set(types::ExternalDataUpdate {
            patch_mode: Some(types::ExternalDataPatchMode::Merge),
            application_guid: uuid::Uuid::parse_str(APP_GUID).unwrap(),
            external_data: vec![types::ExternalDataUpdateEntry {
                key: "erpId".into(),
                value: Some("C-0099-B".into()),
            }],
        }),
        ..Default::default()
    };
    let customer = client(&api)
        .update_customer()
        .id(4402113)
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(customer.do_not_service, Some(true));
    assert_eq!(customer.name.as_deref(), Some("Hill Valley Dental Group"));
    assert_eq!(
        customer.modified_on.unwrap().to_string(),
        "2024-03-05T16:20:00Z"
    );
}

#[tokio::test]
async fn stream_items_walks_every_page_of_customers() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/customers"))
                .query_param("page", "1")
                .query_param("pageSize", "2");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 2, "hasMore": true,
                    "data": [{"id": 1, "name": "A", "balance": 10.50}, {"id": 2, "name": "B", "balance": 0.00}]}"#,
            );
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/customers"))
                .query_param("page", "2")
                .query_param("pageSize", "2");
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"page": 2, "pageSize": 2, "hasMore": false,
                    "data": [{"id": 3, "name": "C", "balance": 99.99}]}"#,
                );
        })
        .await;

    let customers: Vec<types::Customer> = client(&api)
        .list_customers()
        .page_size(2)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    first.assert_async().await;
    second.assert_async().await;

    let ids: Vec<_> = customers.iter().map(|c| c.id).collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(customers[2].balance.unwrap().to_string(), "99.99");
}

#[tokio::test]
async fn customer_notes_list_create_and_delete() {
    let api = MockApi::start().await;
    let list = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/customers/4402113/notes"))
                .query_param("createdOnOrAfter", "2024-01-01T00:00:00Z");
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null,
                    "data": [{"id": 880, "text": "Prefers morning visits", "isPinned": true,
                              "createdById": 501, "createdOn": "2024-02-10T09:30:00.1000000Z",
                              "modifiedOn": "2024-02-10T09:30:00.1000000Z"}]}"#,
                );
        })
        .await;
    let create = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/customers/4402113/notes"))
                .json_body(serde_json::json!({
                    "text": "Gate code changed", "pinToTop": false, "addToLocations": true
                }));
            then.status(200).header("content-type", "application/json").body(
                r#"{"id": 881, "text": "Gate code changed", "isPinned": false, "createdById": 501,
                    "createdOn": "2024-03-01T10:00:00.1234567Z", "modifiedOn": "2024-03-01T10:00:00.1234567Z"}"#,
            );
        })
        .await;
    let delete = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/customers/4402113/notes/880"));
            then.status(200);
        })
        .await;
    let client = client(&api);

    let notes = client
        .list_customer_notes()
        .id(4402113)
        .created_on_or_after(at("2024-01-01T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();
    let note = client
        .create_customer_note()
        .id(4402113)
        .body(types::CustomerNoteCreateRequest {
            text: "Gate code changed".into(),
            pin_to_top: Some(false),
            add_to_locations: Some(true),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    client
        .delete_customer_note()
        .id(4402113)
        .note_id(880)
        .send()
        .await
        .unwrap();
    list.assert_async().await;
    create.assert_async().await;
    delete.assert_async().await;

    let listed = &notes.data.unwrap()[0];
    assert_eq!((listed.id, listed.is_pinned), (880, Some(true)));
    assert_eq!(
        listed.created_on.unwrap().to_string(),
        "2024-02-10T09:30:00.1Z"
    );
    assert_eq!(note.id, 881);
}

#[tokio::test]
async fn customer_contacts_list_create_update_and_delete() {
    let api = MockApi::start().await;
    let list = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/customers/4402113/contacts"))
                .query_param("page", "1")
                .query_param("includeTotal", "true");
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 1,
                    "data": [{"id": 9000, "type": "Phone", "value": "6025550100", "memo": "office",
                              "phoneSettings": {"phoneNumber": "6025550100", "doNotText": true},
                              "modifiedOn": "2024-03-01T10:00:00.1234567Z",
                              "createdOn": "2024-01-01T10:00:00.1234567Z"}]}"#,
                );
        })
        .await;
    let create = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/customers/4402113/contacts"))
                .json_body(serde_json::json!({"type": "Email", "value": "billing@hvdental.com"}));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"id": 9002, "type": "Email", "value": "billing@hvdental.com",
                    "phoneSettings": null, "modifiedOn": "2024-03-01T10:00:00.1234567Z",
                    "createdOn": "2024-03-01T10:00:00.1234567Z"}"#,
                );
        })
        .await;
    let update = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/customers/4402113/contacts/9000"))
                .json_body(serde_json::json!({"memo": "front desk"}));
            then.status(200).header("content-type", "application/json").body(
                r#"{"id": 9000, "type": "Phone", "value": "6025550100", "memo": "front desk",
                    "phoneSettings": {"phoneNumber": "6025550100", "doNotText": true},
                    "modifiedOn": "2024-03-02T10:00:00.0000000Z", "createdOn": "2024-01-01T10:00:00.1234567Z"}"#,
            );
        })
        .await;
    let delete = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/customers/4402113/contacts/9002"));
            then.status(200);
        })
        .await;
    let client = client(&api);

    let page = client
        .list_customer_contacts()
        .id(4402113)
        .page(1)
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();
    let created = client
        .create_customer_contact()
        .id(4402113)
        .body(types::CustomerContactCreateRequest {
            type_: types::ContactType::Email,
            value: "billing@hvdental.com".into(),
            memo: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let updated = client
        .update_customer_contact()
        .id(4402113)
        .contact_id(9000)
        .body(types::CustomerContactUpdateRequest {
            memo: servicetitan_core::types::Patch::Set("front desk".into()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    client
        .delete_customer_contact()
        .id(4402113)
        .contact_id(9002)
        .send()
        .await
        .unwrap();
    list.assert_async().await;
    create.assert_async().await;
    update.assert_async().await;
    delete.assert_async().await;

    let contact = &page.data.unwrap()[0];
    assert_eq!(contact.type_, Some(types::ContactType::Phone));
    assert_eq!(
        contact.phone_settings.as_ref().unwrap().do_not_text,
        Some(true)
    );
    assert_eq!(created.id, 9002);
    assert!(created.phone_settings.is_none());
    assert_eq!(updated.memo.as_deref(), Some("front desk"));
}

#[tokio::test]
async fn modified_customer_contacts_are_listed_by_customer_ids() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/customers/contacts"))
                .query_param("customerIds", "4402113,4402200")
                .query_param("modifiedBefore", "2024-04-01T00:00:00Z");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false,
                    "data": [{"id": 9000, "customerId": 4402113, "type": "Fax", "value": "6025550199",
                              "phoneSettings": {"phoneNumber": "6025550199", "doNotText": false},
                              "modifiedOn": "2024-03-01T10:00:00.1234567Z",
                              "createdOn": "2024-01-01T10:00:00.1234567Z"}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_modified_customer_contacts()
        .customer_ids("4402113,4402200")
        .modified_before(at("2024-04-01T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let contact = &page.data.unwrap()[0];
    assert_eq!(contact.customer_id, Some(4402113));
    assert_eq!(contact.type_, Some(types::ContactType::Fax));
}

#[tokio::test]
async fn customer_tags_are_added_and_removed() {
    let api = MockApi::start().await;
    let add = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/customers/4402113/tags/14"));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"customerId": 4402113, "tagTypeIds": [12, 13, 14]}"#);
        })
        .await;
    let remove = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, "/customers/4402113/tags/12"));
            then.status(200);
        })
        .await;
    let client = client(&api);

    let tags = client
        .create_customer_tag()
        .id(4402113)
        .tag_type_id(14)
        .send()
        .await
        .unwrap()
        .into_inner();
    client
        .delete_customer_tag()
        .id(4402113)
        .tag_type_id(12)
        .send()
        .await
        .unwrap();
    add.assert_async().await;
    remove.assert_async().await;

    assert_eq!(tags.customer_id, Some(4402113));
    assert_eq!(tags.tag_type_ids, Some(vec![12, 13, 14]));
}

#[tokio::test]
async fn customer_custom_field_types_are_listed() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/customers/custom-fields"))
                .query_param("sort", "+id");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false,
                    "data": [{"id": 77, "name": "Gate code", "dataType": "Text", "dataTypeOptions": [],
                              "createdOn": "2022-06-01T00:00:00.0000000Z", "modifiedOn": "2023-06-01T00:00:00.0000000Z"},
                             {"id": 78, "name": "Region", "dataType": "Dropdown",
                              "dataTypeOptions": ["North", "South"],
                              "createdOn": "2022-06-01T00:00:00.0000000Z", "modifiedOn": "2023-06-01T00:00:00.0000000Z"}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_customer_custom_field_types()
        .sort("+id")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let types = page.data.unwrap();
    assert_eq!(types.len(), 2);
    assert_eq!(types[1].id, 78);
    assert_eq!(
        types[1].data_type_options.as_deref(),
        Some(&["North".to_string(), "South".to_string()][..])
    );
}

/// The API adds fields and enum values without notice and sends nulls for "required" fields.
#[tokio::test]
async fn lenient_customer_decoding() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/customers/4402113"));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"id": 4402113, "active": true, "name": null, "type": "Government",
                    "address": null, "customFields": null, "balance": 1234.10, "tagTypeIds": [],
                    "doNotMail": false, "doNotService": false,
                    "createdOn": "2024-03-01T10:00:00.1234567", "createdById": null,
                    "modifiedOn": "2024-03-01T10:00:00.1234567Z", "externalData": [],
                    "loyaltyTier": {"level": "gold", "since": "2020-01-01"}}"#,
                );
        })
        .await;

    let customer = client(&api)
        .get_customer()
        .id(4402113)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(
        customer.type_,
        Some(types::CustomerType::Unknown("Government".into()))
    );
    assert_eq!(customer.type_.as_ref().unwrap().as_str(), "Government");
    assert!(!customer.type_.as_ref().unwrap().is_known());
    assert_eq!(customer.name, None);
    assert_eq!(customer.created_by_id, None);
    assert_eq!(customer.balance.unwrap().to_string(), "1234.10");
    // An offset-less time is UTC.
    assert_eq!(customer.created_on, customer.modified_on);
}
