//! Business units: list, get, the external-data update and the export feed.

use crate::common::{at, authorized, client, json, path};
use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::ExportRequestExt;
use servicetitan_core::testing::MockApi;
use servicetitan_settings::types;

const APP_GUID: &str = "3f2b8c1e-7d4a-4b9e-9c61-2a5d0e8f1b77";

const BUSINESS_UNIT: &str = r#"{
    "id": 301, "active": true, "name": "HVAC Service", "officialName": "Acme Heating & Air LLC",
    "email": "hvac@example.com", "currency": "USD", "phoneNumber": "+15555550100",
    "invoiceHeader": "<b>Acme</b>", "invoiceMessage": "Thank you!", "defaultTaxRate": 0.0825,
    "authorizationParagraph": null, "acknowledgementParagraph": null,
    "address": {"street": "1 Main St", "unit": null, "city": "Burbank", "state": "CA",
                "zip": "91502", "country": "USA"},
    "materialSku": "MAT", "quickbooksClass": "HVAC", "accountCode": "4000",
    "franchiseId": null, "conceptCode": null, "corporateContractNumber": null,
    "tenant": {"id": 1234567, "name": "Acme", "accountCode": "ACME", "franchiseId": null,
               "conceptCode": null, "modifiedOn": "2024-01-15T12:00:00.0000000Z"},
    "createdOn": "2019-02-01T00:00:00.0000000Z", "modifiedOn": "2024-03-01T10:00:00.1234567Z",
    "externalData": [{"key": "erpId", "value": "BU-17"}]
}"#;

#[tokio::test]
async fn list_business_units_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/business-units"))
                    .query_param("name", "HVAC")
                    .query_param("active", "True")
                    .query_param("externalDataApplicationGuid", APP_GUID)
                    .query_param("modifiedBefore", "2024-04-01T00:00:00Z"),
            );
            json(
                then,
                &format!(
                    r#"{{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": [{BUSINESS_UNIT}]}}"#
                ),
            );
        })
        .await;

    let page = client(&api)
        .list_business_units()
        .name("HVAC")
        .active("True")
        .external_data_application_guid(APP_GUID)
        .modified_before(at("2024-04-01T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, None);
    let unit = &page.data.unwrap()[0];
    assert_eq!(unit.id, 301);
    assert_eq!(unit.default_tax_rate.unwrap().to_string(), "0.0825");
    assert_eq!(
        unit.external_data.as_ref().unwrap()[0].value.as_deref(),
        Some("BU-17")
    );
}

#[tokio::test]
async fn get_business_unit_decodes_address_tenant_and_rate() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/business-units/301"))
                    .query_param("externalDataApplicationGuid", APP_GUID),
            );
            json(then, BUSINESS_UNIT);
        })
        .await;

    let unit = client(&api)
        .get_business_unit()
        .id(301)
        .external_data_application_guid(APP_GUID)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        unit.official_name.as_deref(),
        Some("Acme Heating & Air LLC")
    );
    assert_eq!(unit.currency.as_deref(), Some("USD"));
    assert_eq!(unit.default_tax_rate.unwrap().to_string(), "0.0825");
    let address = unit.address.unwrap();
    assert_eq!(address.city.as_deref(), Some("Burbank"));
    assert_eq!(address.unit, None);
    let tenant = unit.tenant.unwrap();
    assert_eq!(tenant.id, Some(1234567));
    assert_eq!(tenant.modified_on.unwrap(), at("2024-01-15T12:00:00Z"));
    assert_eq!(
        unit.modified_on.unwrap(),
        at("2024-03-01T10:00:00.1234567Z")
    );
}

#[tokio::test]
async fn update_business_unit_sends_the_external_data_patch() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(PATCH)
                    .path(path(&api, "/business-units/301"))
                    .json_body(serde_json::json!({
                        "externalData": {
                            "patchMode": "Merge",
                            "applicationGuid": APP_GUID,
                            "externalData": [{"key": "erpId", "value": "BU-18"}, {"key": "legacy"}]
                        }
                    })),
            );
            json(then, r#"{"id": 301}"#);
        })
        .await;

    let body = types::BusinessUnitUpdateRequest {
        external_data: servicetitan_core::types::Patch::Set(types::ExternalDataUpdateRequest {
            patch_mode: Some(types::ExternalDataPatchMode::Merge),
            application_guid: APP_GUID.parse().unwrap(),
            external_data: vec![
                types::ExternalDataUpdateItem {
                    key: "erpId".into(),
                    value: Some("BU-18".into()),
                },
                types::ExternalDataUpdateItem {
                    key: "legacy".into(),
                    value: None,
                },
            ],
        }),
    };
    let result = client(&api)
        .update_business_unit()
        .id(301)
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(result.id, 301);
}

#[tokio::test]
async fn export_business_units_streams_two_batches() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/export/business-units"))
                    .query_param_missing("from"),
            );
            json(
                then,
                &format!(
                    r#"{{"hasMore": true, "continueFrom": "bu-1", "data": [{BUSINESS_UNIT}]}}"#
                ),
            );
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            authorized(
                when.method(GET)
                    .path(path(&api, "/export/business-units"))
                    .query_param("from", "bu-1"),
            );
            json(
                then,
                r#"{"hasMore": false, "continueFrom": "bu-2", "data": [
                    {"id": 302, "active": false, "name": "Plumbing", "defaultTaxRate": 0.0950,
                     "createdOn": "2020-07-07T00:00:00.0000000Z", "modifiedOn": "2024-03-05T08:00:00.0000001Z"}
                ]}"#,
            );
        })
        .await;

    let client = client(&api);
    let batches: Vec<_> = client
        .export_business_units()
        .stream_export(None)
        .try_collect()
        .await
        .unwrap();

    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(batches.len(), 2);
    assert_eq!(batches[0].items[0].id, 301);
    assert_eq!(batches[0].continue_from.as_deref(), Some("bu-1"));
    let plumbing = &batches[1].items[0];
    assert_eq!(plumbing.id, 302);
    assert_eq!(plumbing.active, Some(false));
    assert_eq!(plumbing.default_tax_rate.unwrap().to_string(), "0.0950");
    assert_eq!(batches[1].continue_from.as_deref(), Some("bu-2"));
}
