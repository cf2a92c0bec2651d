//! Responses that stray from the document still decode: unknown enum values, unknown fields,
//! and nulls where the document says a value is required.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_pricebook::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn discount_with_unknown_enums_extra_fields_and_nulls_still_decodes() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/discounts-and-fees/8102"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"id": 8102, "type": "Surcharge", "code": "FUEL", "description": null,
                    "amountType": "Tiered", "amount": null, "limit": null, "taxable": null,
                    "hours": 0.00, "active": true, "bonus": null, "commissionBonus": null,
                    "paysCommission": null, "excludeFromPayroll": null,
                    "assets": [{"isDefault": null, "type": "Model3D", "url": "Images/Sku/fuel.glb",
                                "thumbnail": "Images/Sku/fuel.png"}],
                    "loyaltyPoints": 40, "pricingRules": {"tiers": [1, 2, 3]}}"#,
                );
        })
        .await;

    let fee = client(&api)
        .get_discount_and_fee()
        .id(8102)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(fee.id, 8102);
    assert_eq!(
        fee.type_,
        Some(types::PriceModifierType::Unknown("Surcharge".into()))
    );
    assert_eq!(fee.amount_type.as_ref().map(|t| t.as_str()), Some("Tiered"));
    assert!(!fee.amount_type.as_ref().unwrap().is_known());
    assert_eq!(fee.amount, None);
    assert_eq!(fee.description, None);
    assert_eq!(fee.taxable, None);
    assert_eq!(fee.hours.unwrap().to_string(), "0.00");
    let asset = &fee.assets.as_ref().unwrap()[0];
    assert_eq!(
        asset.type_,
        Some(types::SkuAssetType::Unknown("Model3D".into()))
    );
    assert_eq!(asset.is_default, None);
}
