//! Journal entries: listing, summary and detail lines, status and sync updates.

use std::collections::BTreeMap;

use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_accounting::{types, Client, SERVER_PATH};
use servicetitan_core::paging::ListRequestExt;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;

const ENTRY_ID: &str = "5f1c2a8e-3b7d-4c1e-9a60-2d8f0b9e7c41";

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn entry_json(sync_status: &str, version: i32) -> String {
    format!(
        r#"{{"id": "{ENTRY_ID}", "createdOn": "2024-03-31T23:59:59.9999999Z",
            "modifiedOn": "2024-04-01T06:00:00.0000000Z", "number": 1042, "name": "March close",
            "status": "Closed", "syncStatus": "{sync_status}", "versionId": {version},
            "lastSyncVersionId": 2, "message": null, "postDate": "2024-03-31T00:00:00",
            "exportedOn": "2024-04-01T06:00:00.0000000Z",
            "exportedBy": {{"id": 9, "name": "Controller"}},
            "customFields": [{{"name": "Reviewed", "value": "yes"}}],
            "url": "https://go.servicetitan.com/#/accounting/journal/1042"}}"#
    )
}

#[tokio::test]
async fn list_journal_entries_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let body = format!(
        r#"{{"pageSize": 50, "page": 1, "hasMore": false, "totalCount": 1, "data": [{}]}}"#,
        entry_json("Synced", 3)
    );
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/journal-entries"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("postedFrom", "2024-03-01T00:00:00Z")
                .query_param("numberFrom", "1000")
                .query_param("refNumber", "90001")
                .query_param("customerName", "Jane Doe")
                .query_param("statuses", "Closed")
                .query_param_count("^syncStatuses$", "^(Synced|Error)$", 2)
                .query_param_count("^transactionTypes$", "^(Invoice|VendorCredit)$", 2);
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;

    let page = client(&api)
        .list_journal_entries()
        .posted_from("2024-03-01T00:00:00Z".parse::<DateTime>().unwrap())
        .number_from(1000)
        .ref_number("90001")
        .customer_name("Jane Doe")
        .statuses(vec![types::JournalEntryPostingStatus::Closed])
        .sync_statuses(vec![
            types::JournalEntrySyncStatus::Synced,
            types::JournalEntrySyncStatus::Error,
        ])
        .transaction_types(vec![
            types::JournalEntryTransactionType::Invoice,
            types::JournalEntryTransactionType::VendorCredit,
        ])
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let entry = &page.data.unwrap()[0];
    assert_eq!(entry.id.map(|id| id.to_string()).as_deref(), Some(ENTRY_ID));
    assert_eq!(entry.number, Some(1042));
    assert_eq!(entry.status, Some(types::JournalEntryPostingStatus::Closed));
    assert_eq!(
        entry.sync_status,
        Some(types::JournalEntrySyncStatus::Synced)
    );
    assert_eq!(entry.version_id, Some(3));
    assert_eq!(
        entry.created_on.unwrap().to_string(),
        "2024-03-31T23:59:59.9999999Z"
    );
    assert_eq!(
        entry.exported_by.as_ref().unwrap().name.as_deref(),
        Some("Controller")
    );
}

#[tokio::test]
async fn get_journal_entry_summary_decodes_debits_and_credits() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, &format!("/journal-entries/{ENTRY_ID}/summary")))
                .query_param("pageSize", "500");
            then.status(200).header("content-type", "application/json").body(
                r#"{"pageSize": 500, "page": 1, "hasMore": false, "data": [
                    {"postDate": "2024-03-31T00:00:00", "memo": "AR",
                     "account": {"id": 1100, "number": "1100", "name": "Accounts Receivable", "type": "Asset", "subtype": null},
                     "debit": 1234.10, "credit": 0.00,
                     "businessUnit": {"id": 12, "name": "HVAC Service"}},
                    {"postDate": "2024-03-31T00:00:00", "memo": "Revenue",
                     "account": {"id": 4000, "number": "4000", "name": "Service Revenue", "type": "Income"},
                     "debit": 0.00, "credit": 1234.10, "businessUnit": null}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .get_journal_entry_summary()
        .id(ENTRY_ID)
        .page_size(500)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let lines = page.data.unwrap();
    assert_eq!(lines[0].account.as_ref().unwrap().id, Some(1100));
    assert_eq!(lines[0].debit.unwrap().to_string(), "1234.10");
    assert_eq!(lines[0].credit.unwrap().to_string(), "0.00");
    assert_eq!(lines[1].credit.unwrap().to_string(), "1234.10");
    assert!(lines[1].business_unit.is_none());
}

#[tokio::test]
async fn get_journal_entry_details_streams_lines_across_pages() {
    let api = MockApi::start().await;
    let detail = |debit: &str, tx_type: &str, tx_id: i64| {
        format!(
            r#"{{"postDate": "2024-03-31T00:00:00",
                "account": {{"id": 1200, "number": "1200", "name": "Inventory"}},
                "debit": {debit}, "credit": 0.00, "memo": null,
                "transaction": {{"id": {tx_id}, "type": "{tx_type}", "refNumber": "R-{tx_id}"}},
                "job": {{"id": 101, "number": "101"}},
                "sku": {{"id": 220, "type": "Material", "code": "COIL-3T"}}}}"#
        )
    };
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, &format!("/journal-entries/{ENTRY_ID}/details")))
                .query_param("page", "1");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"pageSize": 1, "page": 1, "hasMore": true, "data": [{}]}}"#,
                    detail("500.00", "Bill", 7001)
                ));
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, &format!("/journal-entries/{ENTRY_ID}/details")))
                .query_param("page", "2");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"pageSize": 1, "page": 2, "hasMore": false, "data": [{}]}}"#,
                    detail("12.30", "InventoryAdjustment", 8801)
                ));
        })
        .await;

    let lines: Vec<types::JournalEntryDetail> = client(&api)
        .get_journal_entry_details()
        .id(ENTRY_ID)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    first.assert_async().await;
    second.assert_async().await;

    assert_eq!(lines.len(), 2);
    let tx = lines[0].transaction.as_ref().unwrap();
    assert_eq!(tx.type_, Some(types::JournalEntryTransactionType::Bill));
    assert_eq!(tx.ref_number.as_deref(), Some("R-7001"));
    assert_eq!(
        lines[0].sku.as_ref().unwrap().type_,
        Some(types::JournalEntrySkuType::Material)
    );
    assert_eq!(lines[1].debit.unwrap().to_string(), "12.30");
    assert_eq!(
        lines[1].transaction.as_ref().unwrap().type_,
        Some(types::JournalEntryTransactionType::InventoryAdjustment)
    );
}

#[tokio::test]
async fn update_journal_entry_sends_status_and_clears_a_custom_field_with_null() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, &format!("/journal-entries/{ENTRY_ID}")))
                .json_body(serde_json::json!({
                    "status": "Closed",
                    "customFields": {"Reviewed": "yes", "Note": null}
                }));
            then.status(200)
                .header("content-type", "application/json")
                .body(entry_json("OutOfSync", 4));
        })
        .await;

    let mut custom = BTreeMap::new();
    custom.insert("Reviewed".to_string(), Some("yes".to_string()));
    custom.insert("Note".to_string(), None);
    let entry = client(&api)
        .update_journal_entry()
        .id(ENTRY_ID)
        .body(types::JournalEntryUpdateRequest {
            status: servicetitan_core::types::Patch::Set(types::JournalEntryStatus::Closed),
            custom_fields: servicetitan_core::types::Patch::Set(custom),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(
        entry.sync_status,
        Some(types::JournalEntrySyncStatus::OutOfSync)
    );
    assert_eq!(entry.version_id, Some(4));
}

#[tokio::test]
async fn update_journal_entry_sync_records_the_synced_version() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, &format!("/journal-entries/{ENTRY_ID}/sync")))
                .json_body(serde_json::json!({
                    "syncStatus": "Synced",
                    "versionId": 4,
                    "message": "Posted to ERP as JE-88"
                }));
            then.status(200)
                .header("content-type", "application/json")
                .body(entry_json("Synced", 4));
        })
        .await;

    let entry = client(&api)
        .update_journal_entry_sync()
        .id(ENTRY_ID)
        .body(types::JournalEntrySyncUpdateRequest {
            sync_status: servicetitan_core::types::Patch::Set(
                types::JournalEntrySyncStatus::Synced,
            ),
            version_id: servicetitan_core::types::Patch::Set(4),
            message: servicetitan_core::types::Patch::Set("Posted to ERP as JE-88".into()),
            custom_fields: servicetitan_core::types::Patch::Absent,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(
        entry.sync_status,
        Some(types::JournalEntrySyncStatus::Synced)
    );
    assert_eq!(entry.last_sync_version_id, Some(2));
}
