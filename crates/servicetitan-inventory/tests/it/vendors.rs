//! Vendors: list, create, get, update.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_inventory::{types, Client, SERVER_PATH};

const APP_GUID: &str = "9b2f6a8c-1d3e-4f50-8a7b-6c5d4e3f2a1b";

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

const VENDOR: &str = r#"{
    "id": 44, "name": "Acme Supply", "active": true, "isTruckReplenishment": false,
    "isMobileCreationRestricted": true, "memo": "Net 30", "deliveryOption": "EmailAsPdf",
    "defaultTaxRate": 0.0825,
    "contactInfo": {"firstName": "Pat", "lastName": "Lee", "phone": "555-0100",
                    "email": "orders@acme.example", "fax": ""},
    "address": {"street": "9 Industrial Way", "unit": null, "city": "Peoria", "state": "IL",
                "zip": "61602", "country": "USA"},
    "createdOn": "2018-08-08T08:08:08.0800000Z", "modifiedOn": "2024-03-01T00:00:00.0000000Z",
    "externalData": [{"key": "erpVendor", "value": "V-44"}]
}"#;

#[tokio::test]
async fn list_vendors_repeats_ids_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/vendors"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                // Here `ids` is an array: one `ids=` per value, unlike the comma lists elsewhere.
                .query_param_count("^ids$", "^(44|45)$", 2)
                .query_param("active", "True");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 50, "hasMore": false, "data": [{VENDOR}]}}"#
                ));
        })
        .await;

    let page = client(&api)
        .list_vendors()
        .ids(vec![44, 45])
        .active(types::ActiveFilter::True)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let vendor = &page.data.unwrap()[0];
    assert_eq!(vendor.id, 44);
    assert_eq!(vendor.default_tax_rate.unwrap().to_string(), "0.0825");
    assert_eq!(vendor.delivery_option.as_deref(), Some("EmailAsPdf"));
    assert_eq!(
        vendor.contact_info.as_ref().unwrap().email.as_deref(),
        Some("orders@acme.example")
    );
    assert_eq!(vendor.address.as_ref().unwrap().unit, None);
    assert_eq!(
        vendor.created_on.unwrap().to_string(),
        "2018-08-08T08:08:08.08Z"
    );
}

#[tokio::test]
async fn create_vendor_posts_address_contacts_and_tax_rate() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/vendors"))
                .json_body_includes(format!(
                    r#"{{"name": "Acme Supply", "active": true, "isTruckReplenishment": false,
                        "restrictedMobileCreation": true, "deliveryOption": "EmailAsPdf",
                        "address": {{"street": "9 Industrial Way", "unit": "", "city": "Peoria",
                                     "state": "IL", "zip": "61602", "country": "USA"}},
                        "tags": [{{"tagTypeId": 3}}],
                        "vendorContacts": [{{"name": "Pat Lee", "email": "pat@acme.example"}}],
                        "externalData": {{"applicationGuid": "{APP_GUID}",
                                          "externalData": [{{"key": "erpVendor", "value": "V-44"}}]}}}}"#
                ))
                .body_includes(r#""taxRate":0.0825"#);
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 44}"#);
        })
        .await;

    let created = client(&api)
        .create_vendor()
        .body(types::VendorCreateRequest {
            name: "Acme Supply".into(),
            active: true,
            is_truck_replenishment: false,
            restricted_mobile_creation: true,
            delivery_option: Some(types::PurchaseOrderDeliveryOption::EmailAsPdf),
            tax_rate: "0.0825".parse().unwrap(),
            address: types::AddressInput {
                street: "9 Industrial Way".into(),
                unit: String::new(),
                city: "Peoria".into(),
                state: "IL".into(),
                zip: "61602".into(),
                country: "USA".into(),
            },
            tags: Some(vec![types::TagInput { tag_type_id: 3 }]),
            vendor_contacts: Some(vec![types::VendorContactCreateRequest {
                name: "Pat Lee".into(),
                email: "pat@acme.example".into(),
            }]),
            external_data: Some(types::ExternalDataCreateRequest {
                application_guid: APP_GUID.parse().unwrap(),
                external_data: vec![types::ExternalDataInput {
                    key: "erpVendor".into(),
                    value: "V-44".into(),
                }],
            }),
            email: None,
            fax: None,
            first_name: None,
            last_name: None,
            memo: None,
            payment_term_id: None,
            phone: None,
            remittance_vendor_id: None,
            vendor_quickbooks_item: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(created.id, 44);
}

#[tokio::test]
async fn get_vendor_sends_external_data_filters() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/vendors/44"))
                .query_param("externalDataApplicationGuid", APP_GUID)
                .query_param("externalDataKey", "erpVendor");
            then.status(200)
                .header("content-type", "application/json")
                .body(VENDOR);
        })
        .await;

    let vendor = client(&api)
        .get_vendor()
        .id(44)
        .external_data_application_guid(APP_GUID)
        .external_data_key("erpVendor")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(vendor.name.as_deref(), Some("Acme Supply"));
    assert_eq!(vendor.is_mobile_creation_restricted, Some(true));
    assert_eq!(
        vendor.external_data.as_ref().unwrap()[0].key.as_deref(),
        Some("erpVendor")
    );
}

#[tokio::test]
async fn update_vendor_patches_contacts_and_delivery() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/vendors/44"))
                .json_body(serde_json::json!({
                    "deliveryOption": "VendorPortal",
                    "vendorContacts": [{"id": 7, "name": "Pat Lee", "email": "pat.lee@acme.example"}]
                }));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"id": 44}"#);
        })
        .await;

    let result = client(&api)
        .update_vendor()
        .id(44)
        .body(types::VendorUpdateRequest {
            delivery_option: servicetitan_core::types::Patch::Set(
                types::PurchaseOrderDeliveryOption::VendorPortal,
            ),
            vendor_contacts: servicetitan_core::types::Patch::Set(vec![
                types::VendorContactUpdateRequest {
                    id: servicetitan_core::types::Patch::Set(7),
                    name: servicetitan_core::types::Patch::Set("Pat Lee".into()),
                    email: servicetitan_core::types::Patch::Set("pat.lee@acme.example".into()),
                },
            ]),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(result.id, 44);
}
