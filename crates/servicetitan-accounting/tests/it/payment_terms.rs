//! Payment terms: listing and fetching one, with discount and interest rules.

use httpmock::prelude::*;
use servicetitan_accounting::{types, Client, SERVER_PATH};
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

const TERM: &str = r#"{
    "id": 14, "name": "2% 10 Net 30", "dueDayType": "NumberOfDays", "dueDay": 30,
    "isCustomerDefault": true, "isVendorDefault": false, "active": true, "inUse": true,
    "modifiedOn": "2024-01-02T03:04:05.6789012Z", "createdOn": "2019-05-01T00:00:00.0000000Z",
    "paymentTermDiscountModel": {"id": 140, "discountApplyTo": "ApplyToSubtotalAmount",
        "discount": 2.00, "discountType": "Percent", "account": "Discounts Given",
        "applyBy": "NumberOfDays", "applyByValue": 10},
    "interestSettings": {"id": 141, "rateType": "MaxOfFlatAndPercentage", "flatRateValue": 25.00,
        "percentageRateValue": 1.50, "chargeMethod": "PrincipalOnly", "frequency": "Monthly",
        "gracePeriod": 5, "targetInvoices": ["JobInvoices", "ProgressInvoices"],
        "taskId": 66, "taskDisplayName": "Late fee"}
}"#;

#[tokio::test]
async fn list_payment_terms_sends_paging_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/payment-terms"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("ids", "14")
                .query_param("pageSize", "5")
                .query_param("includeTotal", "true");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 5, "hasMore": false, "totalCount": 1, "data": [{TERM}]}}"#
                ));
        })
        .await;

    let page = client(&api)
        .list_payment_terms()
        .ids("14")
        .page_size(5)
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.total_count, Some(1));
    let term = &page.data.unwrap()[0];
    assert_eq!(term.id, 14);
    assert_eq!(
        term.due_day_type,
        Some(types::PaymentTermDueDayType::NumberOfDays)
    );
    let discount = term.payment_term_discount_model.as_ref().unwrap();
    assert_eq!(discount.discount.unwrap().to_string(), "2.00");
    assert_eq!(
        discount.discount_type,
        Some(types::PaymentTermValueType::Percent)
    );
    assert_eq!(
        discount.apply_by,
        Some(types::DiscountAppliedBy::NumberOfDays)
    );
}

#[tokio::test]
async fn get_payment_term_decodes_interest_settings() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/payment-terms/14"));
            then.status(200)
                .header("content-type", "application/json")
                .body(TERM);
        })
        .await;

    let term = client(&api)
        .get_payment_term()
        .payment_term_id(14)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let interest = term.interest_settings.as_ref().unwrap();
    assert_eq!(
        interest.rate_type,
        Some(types::InterestRateType::MaxOfFlatAndPercentage)
    );
    assert_eq!(interest.flat_rate_value.unwrap().to_string(), "25.00");
    assert_eq!(interest.percentage_rate_value.unwrap().to_string(), "1.50");
    assert_eq!(
        interest.frequency,
        Some(types::InterestChargeFrequency::Monthly)
    );
    assert_eq!(
        interest.target_invoices.as_deref(),
        Some(
            &[
                types::InterestTargetInvoice::JobInvoices,
                types::InterestTargetInvoice::ProgressInvoices
            ][..]
        )
    );
    assert_eq!(
        term.modified_on.unwrap().to_string(),
        "2024-01-02T03:04:05.6789012Z"
    );
}
