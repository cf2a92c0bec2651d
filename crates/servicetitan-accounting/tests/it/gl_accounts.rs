//! General ledger accounts and account types.

use httpmock::prelude::*;
use servicetitan_accounting::{types, Client, SERVER_PATH};
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

const ACCOUNT: &str = r#"{
    "id": 4000, "name": "Service Revenue", "number": "4000", "description": "Income from service calls",
    "type": "Income", "subtype": "ServiceRevenue", "active": true,
    "isIntacctGroup": false, "isIntacctBankAccount": false,
    "source": "ManuallyCreated", "defaultAccountType": "Revenue",
    "createdOn": "2023-11-20T16:45:12.3456789Z", "modifiedOn": "2024-02-01T08:00:00.0000000Z"
}"#;

#[tokio::test]
async fn list_gl_accounts_sends_filters_and_decodes_the_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/gl-accounts"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .query_param("types", "Income,Expense")
                .query_param("source", "ManuallyCreated")
                .query_param("active", "True")
                .query_param("isIntacctGroup", "false")
                .query_param("description", "service");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 50, "hasMore": false, "data": [{ACCOUNT}]}}"#
                ));
        })
        .await;

    let accounts = client(&api)
        .list_gl_accounts()
        .types("Income,Expense")
        .source(types::GlAccountSource::ManuallyCreated)
        .active(types::ActiveFilter::True)
        .is_intacct_group(false)
        .description("service")
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap();
    mock.assert_async().await;

    assert_eq!(accounts.len(), 1);
    let account = &accounts[0];
    assert_eq!(account.id, 4000);
    assert_eq!(account.number.as_deref(), Some("4000"));
    assert_eq!(account.type_.as_deref(), Some("Income"));
    assert_eq!(
        account.source,
        Some(types::GlAccountSource::ManuallyCreated)
    );
    assert_eq!(
        account.default_account_type,
        Some(types::DefaultAccountType::Revenue)
    );
    assert_eq!(
        account.created_on.unwrap().to_string(),
        "2023-11-20T16:45:12.3456789Z"
    );
}

#[tokio::test]
async fn create_gl_account_posts_the_body_and_decodes_the_created_account() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/gl-accounts"))
                .json_body(serde_json::json!({
                    "name": "Service Revenue",
                    "number": "4000",
                    "description": "Income from service calls",
                    "type": "Income",
                    "subtype": "ServiceRevenue"
                }));
            then.status(201)
                .header("content-type", "application/json")
                .body(ACCOUNT);
        })
        .await;

    let account = client(&api)
        .create_gl_account()
        .body(types::GlAccountCreateRequest {
            name: Some("Service Revenue".into()),
            number: Some("4000".into()),
            description: Some("Income from service calls".into()),
            type_: Some("Income".into()),
            subtype: Some("ServiceRevenue".into()),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(account.id, 4000);
    assert_eq!(account.active, Some(true));
}

#[tokio::test]
async fn get_gl_account_puts_the_id_in_the_path() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/gl-accounts/4000"));
            then.status(200)
                .header("content-type", "application/json")
                .body(ACCOUNT);
        })
        .await;

    let account = client(&api)
        .get_gl_account()
        .account_id(4000)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(account.id, 4000);
    assert_eq!(account.subtype.as_deref(), Some("ServiceRevenue"));
    assert_eq!(
        account.modified_on.unwrap().to_string(),
        "2024-02-01T08:00:00Z"
    );
}

#[tokio::test]
async fn get_gl_account_404_is_an_api_error_with_the_problem() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/gl-accounts/999"));
            then.status(404)
                .header("content-type", "application/json")
                .body(
                    r#"{"type": "https://httpstatuses.io/404", "title": "Account not found",
                          "status": 404, "traceId": "00-abc-01"}"#,
                );
        })
        .await;

    let result = client(&api).get_gl_account().account_id(999).send().await;
    mock.assert_async().await;

    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.trace_id(), Some("00-abc-01"));
    assert_eq!(
        err.problem().and_then(|p| p.title.as_deref()),
        Some("Account not found")
    );
}

#[tokio::test]
async fn update_gl_account_patches_only_the_given_fields() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, "/gl-accounts/4000"))
                .json_body(serde_json::json!({"active": false, "name": "Old Service Revenue"}));
            then.status(200)
                .header("content-type", "application/json")
                .body(ACCOUNT.replace(r#""active": true"#, r#""active": false"#));
        })
        .await;

    let account = client(&api)
        .update_gl_account()
        .account_id(4000)
        .body(types::GlAccountUpdateRequest {
            active: servicetitan_core::types::Patch::Set(false),
            name: servicetitan_core::types::Patch::Set("Old Service Revenue".into()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(account.active, Some(false));
}

#[tokio::test]
async fn list_gl_account_types_decodes_the_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/gl-accounts/types"))
                .query_param("names", "Income")
                .query_param("active", "Any");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "data": [{"id": 17, "parentTypeId": null, "name": "Income", "active": true,
                     "createdOn": "2020-01-01T00:00:00.0000000Z", "modifiedOn": "2020-01-01T00:00:00.0000000Z"},
                    {"id": 18, "parentTypeId": 17, "name": "Service Income", "active": false,
                     "createdOn": "2021-06-15T12:30:00.5000000Z", "modifiedOn": "2021-06-15T12:30:00.5000000Z"}]}"#,
            );
        })
        .await;

    let kinds = client(&api)
        .list_gl_account_types()
        .names("Income")
        .active(types::ActiveFilter::Any)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap();
    mock.assert_async().await;

    assert_eq!(kinds.len(), 2);
    assert_eq!(kinds[0].parent_type_id, None);
    assert_eq!(kinds[1].parent_type_id, Some(17));
    assert_eq!(kinds[1].active, Some(false));
    assert_eq!(
        kinds[1].created_on.unwrap().to_string(),
        "2021-06-15T12:30:00.5Z"
    );
}
