//! Customer payments: listing, creating, updating, status changes and custom fields.

use httpmock::prelude::*;
use servicetitan_accounting::{types, Client, SERVER_PATH};
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

const PAYMENT: &str = r#"{
    "id": 7701, "typeId": 2, "active": true, "memo": "Check from Jane",
    "paidOn": "2024-03-03T00:00:00", "authCode": null, "checkNumber": "1001",
    "exportId": null, "transactionStatus": "Success", "status": "Posted",
    "splits": [{"invoiceId": 90001, "amount": 1234.10}]
}"#;

#[tokio::test]
async fn list_payments_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/payments"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("appliedToInvoiceIds", "90001,90002")
                .query_param("statuses", "Posted,Exported")
                .query_param("paidOnAfter", "2024-03-01T00:00:00Z")
                .query_param("transactionType", "ReceivePayment")
                .query_param("customerId", "3001")
                .query_param("batchNumber", "31");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "data": [{
                    "id": 7701, "syncStatus": "Posted", "referenceNumber": "CHK-1001",
                    "date": "2024-03-03T00:00:00", "type": "Check", "typeId": "2",
                    "total": "1234.10", "unappliedAmount": "0.00", "memo": "Check from Jane",
                    "customer": {"id": 3001, "name": "Jane Doe"},
                    "businessUnit": {"id": 12, "name": "HVAC Service"},
                    "batch": {"id": 31, "number": "31", "name": "March"},
                    "createdBy": "office",
                    "generalLedgerAccount": {"id": 1050, "name": "Undeposited Funds", "number": "1050",
                                             "type": "Bank", "detailType": null},
                    "appliedTo": [{"appliedId": 1, "appliedTo": 90001, "appliedAmount": "1234.10",
                                   "appliedOn": "2024-03-03T12:00:00.1234567Z", "appliedBy": "office",
                                   "appliedToReferenceNumber": "90001"}],
                    "customFields": [{"name": "Deposit", "value": "D-1"}],
                    "authCode": null, "checkNumber": "1001",
                    "modifiedOn": "2024-03-03T12:00:00.1234567Z", "createdOn": "2024-03-03T12:00:00.1234567Z"
                }]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_payments()
        .applied_to_invoice_ids("90001,90002")
        .statuses("Posted,Exported")
        .paid_on_after("2024-03-01T00:00:00Z".parse::<DateTime>().unwrap())
        .transaction_type(types::PaymentTransactionType::ReceivePayment)
        .customer_id(3001)
        .batch_number(31)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let payment = &page.data.unwrap()[0];
    assert_eq!(payment.id, 7701);
    assert_eq!(payment.total.as_deref(), Some("1234.10"));
    assert_eq!(payment.check_number.as_deref(), Some("1001"));
    assert_eq!(
        payment.general_ledger_account.as_ref().unwrap().id,
        Some(1050)
    );
    let applied = &payment.applied_to.as_ref().unwrap()[0];
    assert_eq!(applied.applied_to, Some(90001));
    assert_eq!(
        applied.applied_on.unwrap().to_string(),
        "2024-03-03T12:00:00.1234567Z"
    );
    assert_eq!(
        payment.custom_fields.as_ref().unwrap()[0].value.as_deref(),
        Some("D-1")
    );
}

#[tokio::test]
async fn create_payment_posts_splits_with_exact_amounts() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/payments"))
                .json_body_includes(
                    r#"{"typeId": 2, "memo": "Check from Jane", "checkNumber": "1001",
                        "paidOn": "2024-03-03T00:00:00Z", "status": "Pending",
                        "splits": [{"invoiceId": 90001}]}"#,
                )
                .body_includes(r#""amount":1234.10"#);
            then.status(200)
                .header("content-type", "application/json")
                .body(PAYMENT);
        })
        .await;

    let payment = client(&api)
        .create_payment()
        .body(
            types::PaymentCreateRequest::builder()
                .type_id(2)
                .memo("Check from Jane".to_string())
                .check_number("1001".to_string())
                .paid_on("2024-03-03T00:00:00".parse::<DateTime>().unwrap())
                .status(types::PaymentStatus::Pending)
                .splits(vec![types::PaymentSplit {
                    invoice_id: Some(90001),
                    amount: Some("1234.10".parse().unwrap()),
                    ..Default::default()
                }]),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(payment.id, 7701);
    assert_eq!(
        payment.transaction_status,
        Some(types::TransactionProcessingStatus::Success)
    );
    assert_eq!(payment.status, Some(types::PaymentStatus::Posted));
    let split = &payment.splits.as_ref().unwrap()[0];
    assert_eq!(split.amount.unwrap().to_string(), "1234.10");
    assert_eq!(payment.paid_on.unwrap().to_string(), "2024-03-03T00:00:00Z");
}

#[tokio::test]
async fn update_payment_patches_by_id() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/payments/7701"))
                .json_body_includes(
                    r#"{"typeId": 2, "active": false, "status": "Exported", "splits": []}"#,
                );
            then.status(200)
                .header("content-type", "application/json")
                .body(PAYMENT.replace(r#""active": true"#, r#""active": false"#));
        })
        .await;

    let payment = client(&api)
        .update_payment()
        .id(7701)
        .body(types::PaymentUpdateRequest {
            type_id: servicetitan_core::types::Patch::Set(2),
            active: servicetitan_core::types::Patch::Set(false),
            status: servicetitan_core::types::Patch::Set(types::PaymentStatus::Exported),
            splits: servicetitan_core::types::Patch::Set(vec![]),
            auth_code: servicetitan_core::types::Patch::Absent,
            check_number: servicetitan_core::types::Patch::Absent,
            export_id: servicetitan_core::types::Patch::Absent,
            memo: servicetitan_core::types::Patch::Absent,
            paid_on: servicetitan_core::types::Patch::Absent,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(payment.active, Some(false));
    assert_eq!(payment.type_id, Some(2));
}

#[tokio::test]
async fn update_payment_statuses_posts_the_ids() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/payments/status"))
                .json_body(serde_json::json!({"status": "Exported", "paymentIds": [7701, 7702]}));
            then.status(200);
        })
        .await;

    client(&api)
        .update_payment_statuses()
        .body(types::PaymentStatusUpdateRequest {
            status: types::PaymentStatus::Exported,
            payment_ids: vec![7701, 7702],
        })
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn payment_custom_fields_list_types_and_update_values() {
    let api = MockApi::start().await;
    let list = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/payments/custom-fields"))
                .query_param("sort", "+Name");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [
                    {"id": 91, "name": "Deposit", "dataType": "Numeric",
                     "createdOn": "2022-01-01T00:00:00.0000000Z", "modifiedOn": "2022-01-01T00:00:00.0000000Z"}]}"#,
            );
        })
        .await;
    let update = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/payments/custom-fields"))
                .json_body(serde_json::json!({"operations": [
                    {"objectId": 7701, "customFields": [{"name": "Deposit", "value": "42"}]}
                ]}));
            then.status(200);
        })
        .await;

    let c = client(&api);
    let page = c
        .list_payment_custom_field_types()
        .sort("+Name")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        page.data.unwrap()[0].data_type,
        Some(types::CustomFieldDataType::Numeric)
    );
    c.update_payment_custom_fields()
        .body(types::CustomFieldUpdateRequest {
            operations: servicetitan_core::types::Patch::Set(vec![types::CustomFieldOperation {
                object_id: 7701,
                custom_fields: vec![types::CustomFieldPair {
                    name: "Deposit".parse().unwrap(),
                    value: Some("42".into()),
                }],
            }]),
        })
        .send()
        .await
        .unwrap();
    list.assert_async().await;
    update.assert_async().await;
}
