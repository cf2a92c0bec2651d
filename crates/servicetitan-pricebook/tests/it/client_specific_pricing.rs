//! Client-specific pricing rate sheets: listing (with paging) and updating exceptions.

use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::ListRequestExt;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_pricebook::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn list_client_specific_pricing_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/clientspecificpricing"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("searchTerm", "Commercial")
                .query_param("active", "True")
                .query_param("ids", "501,502")
                .query_param("pageSize", "100");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 100, "hasMore": false, "totalCount": null, "data": [
                    {"id": 501, "exceptions": [
                        {"skuId": 120, "skuType": "Material", "value": 12.50, "valueType": "Percent"},
                        {"skuId": 330, "skuType": "Service", "value": 149.00, "valueType": "FlatPrice"}]}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_client_specific_pricing()
        .search_term("Commercial")
        .active(types::ActiveFilter::True)
        .ids("501,502")
        .page_size(100)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let sheet = &page.data.unwrap()[0];
    assert_eq!(sheet.id, 501);
    let exceptions = sheet.exceptions.as_ref().unwrap();
    assert_eq!(exceptions[0].sku_type, Some(types::SkuType::Material));
    assert_eq!(exceptions[0].value.unwrap().to_string(), "12.50");
    assert_eq!(exceptions[0].value_type, Some(types::MarkupType::Percent));
    assert_eq!(exceptions[1].value_type, Some(types::MarkupType::FlatPrice));
    assert_eq!(exceptions[1].value.unwrap().to_string(), "149.00");
}

#[tokio::test]
async fn collect_all_reads_every_rate_sheet_page() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/clientspecificpricing"))
                .query_param("page", "1");
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"page": 1, "pageSize": 1, "hasMore": true, "data": [{"id": 501, "exceptions": []}]}"#);
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/clientspecificpricing"))
                .query_param("page", "2");
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"page": 2, "pageSize": 1, "hasMore": false, "data": [{"id": 502, "exceptions": []}]}"#);
        })
        .await;

    let sheets: Vec<types::ClientSpecificPricing> = client(&api)
        .list_client_specific_pricing()
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    first.assert_async().await;
    second.assert_async().await;
    assert_eq!(sheets.iter().map(|s| s.id).collect::<Vec<_>>(), [501, 502]);
}

#[tokio::test]
async fn update_client_specific_pricing_patches_exceptions_with_exact_values() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/clientspecificpricing/501"))
                .json_body_includes(
                    r#"{"exceptions": [{"skuId": 120, "valueType": "DiscountPercent"}]}"#,
                )
                .body_includes(r#""value":7.50"#);
            then.status(200).header("content-type", "application/json").body(
                r#"{"exceptions": [{"skuId": 120, "value": 7.50, "valueType": "DiscountPercent"}]}"#,
            );
        })
        .await;

    let result = client(&api)
        .update_client_specific_pricing()
        .rate_sheet_id(501)
        .body(types::ClientSpecificPricingUpdateRequest {
            exceptions: servicetitan_core::types::Patch::Set(vec![
                types::ClientSpecificPricingExceptionRequest {
                    sku_id: 120,
                    value: "7.50".parse().unwrap(),
                    value_type: types::MarkupType::DiscountPercent,
                },
            ]),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let updated = &result.exceptions.unwrap()[0];
    assert_eq!(updated.sku_id, Some(120));
    assert_eq!(updated.value.unwrap().to_string(), "7.50");
    assert_eq!(updated.value_type, Some(types::MarkupType::DiscountPercent));
}
