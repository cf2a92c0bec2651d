//! Tax zones and their rates.

use httpmock::prelude::*;
use servicetitan_accounting::{types, Client, SERVER_PATH};
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn list_tax_zones_decodes_rates() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/tax-zones"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("active", "True")
                .query_param("sort", "+Name");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": [{
                    "id": 3, "name": "Sangamon County", "color": 16711680,
                    "isTaxRateSeparated": true, "isMultipleTaxZone": false,
                    "rates": [
                        {"id": 31, "taxName": "State", "taxBaseType": ["Material", "Labor"],
                         "taxRate": 0.0625, "salesTaxItem": "IL State"},
                        {"id": 32, "taxName": "County", "taxBaseType": ["Subtotal"],
                         "taxRate": 0.0200, "salesTaxItem": null}],
                    "createdOn": "2019-01-01T00:00:00.0000000Z", "modifiedOn": "2024-01-01T00:00:00.1000000Z",
                    "active": true
                }]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_tax_zones()
        .active(types::ActiveFilter::True)
        .sort("+Name")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let zone = &page.data.unwrap()[0];
    assert_eq!(zone.id, 3);
    assert_eq!(zone.color, Some(16711680));
    assert_eq!(zone.is_tax_rate_separated, Some(true));
    let rates = zone.rates.as_ref().unwrap();
    assert_eq!(rates[0].tax_rate.unwrap().to_string(), "0.0625");
    assert_eq!(rates[1].tax_rate.unwrap().to_string(), "0.0200");
    assert_eq!(
        rates[0].tax_base_type.as_deref(),
        Some(&[types::TaxBaseType::Material, types::TaxBaseType::Labor][..])
    );
    assert_eq!(
        zone.modified_on.unwrap().to_string(),
        "2024-01-01T00:00:00.1Z"
    );
}
