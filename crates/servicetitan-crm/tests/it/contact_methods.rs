//! Contact methods (phone numbers, emails, faxes) of a contact, keyed by UUID.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_crm::{types, Client, SERVER_PATH};
use uuid::Uuid;

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

const CONTACT_ID: &str = "3f2c8d4e-9b1a-4c7e-8f60-2d5b9a1e7c34";
const METHOD_ID: &str = "7c1e4b9a-2d3f-4a6b-8e5c-9f0a1b2c3d4e";

fn uuid(s: &str) -> Uuid {
    Uuid::parse_str(s).unwrap()
}

fn method_json(kind: &str, value: &str, memo: &str) -> String {
    format!(
        r#"{{"id": "{METHOD_ID}", "contactId": "{CONTACT_ID}", "referenceId": "PH-1", "type": "{kind}",
            "value": "{value}", "memo": "{memo}", "createdOn": "2024-03-01T10:00:00.1234567Z",
            "createdBy": 501, "modifiedOn": "2024-03-01T10:00:00.1234567Z", "modifiedBy": 501}}"#
    )
}

#[tokio::test]
async fn list_contact_methods_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(
                    SERVER_PATH,
                    &format!("/contacts/{CONTACT_ID}/contact-methods"),
                ))
                .query_param("type", "MobilePhone")
                .query_param("value", "+16025550100")
                .query_param("pageSize", "20")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 20, "hasMore": false, "totalCount": null, "data": [{}]}}"#,
                    method_json("MobilePhone", "+16025550100", "cell")
                ));
        })
        .await;

    let page = client(&api)
        .list_contact_methods()
        .contact_id(uuid(CONTACT_ID))
        .type_("MobilePhone")
        .value("+16025550100")
        .page_size(20)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let method = &page.data.unwrap()[0];
    assert_eq!(method.id, Some(uuid(METHOD_ID)));
    assert_eq!(method.contact_id, Some(uuid(CONTACT_ID)));
    assert_eq!(method.type_, Some(types::ContactType::MobilePhone));
    assert_eq!(
        method.created_on.unwrap().to_string(),
        "2024-03-01T10:00:00.1234567Z"
    );
}

#[tokio::test]
async fn get_contact_method_uses_both_uuids() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET).path(api.path(
                SERVER_PATH,
                &format!("/contacts/{CONTACT_ID}/contact-methods/{METHOD_ID}"),
            ));
            then.status(200)
                .header("content-type", "application/json")
                .body(method_json("Email", "lorraine@example.com", "work"));
        })
        .await;

    let method = client(&api)
        .get_contact_method()
        .contact_id(uuid(CONTACT_ID))
        .contact_method_id(uuid(METHOD_ID))
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(method.type_, Some(types::ContactType::Email));
    assert_eq!(method.value.as_deref(), Some("lorraine@example.com"));
}

#[tokio::test]
async fn create_upsert_update_and_delete_a_contact_method() {
    let api = MockApi::start().await;
    let methods = format!("/contacts/{CONTACT_ID}/contact-methods");
    let one = format!("{methods}/{METHOD_ID}");
    let create = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, &methods))
                .json_body(serde_json::json!({
                    "type": "Phone", "value": "+16025550100", "memo": "desk", "referenceId": "PH-1"
                }));
            then.status(200)
                .header("content-type", "application/json")
                .body(method_json("Phone", "+16025550100", "desk"));
        })
        .await;
    let upsert = api
        .server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(api.path(SERVER_PATH, &one))
                .json_body(serde_json::json!({"type": "Fax", "value": "+16025550199"}));
            then.status(200)
                .header("content-type", "application/json")
                .body(method_json("Fax", "+16025550199", ""));
        })
        .await;
    let update = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, &one))
                .json_body(serde_json::json!({"memo": "front office fax"}));
            then.status(200)
                .header("content-type", "application/json")
                .body(method_json("Fax", "+16025550199", "front office fax"));
        })
        .await;
    let delete = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE).path(api.path(SERVER_PATH, &one));
            then.status(200);
        })
        .await;
    let client = client(&api);

    let created = client
        .create_contact_method()
        .contact_id(uuid(CONTACT_ID))
        .body(types::ContactMethodCreateRequest {
            type_: types::ContactType::Phone,
            value: "+16025550100".into(),
            memo: Some("desk".into()),
            reference_id: Some("PH-1".into()),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let upserted = client
        .upsert_contact_method()
        .contact_id(uuid(CONTACT_ID))
        .contact_method_id(uuid(METHOD_ID))
        .body(types::ContactMethodUpsertRequest {
            type_: types::ContactType::Fax,
            value: "+16025550199".into(),
            memo: None,
            reference_id: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let updated = client
        .update_contact_method()
        .contact_id(uuid(CONTACT_ID))
        .contact_method_id(uuid(METHOD_ID))
        .body(types::ContactMethodUpdateRequest {
            memo: servicetitan_core::types::Patch::Set("front office fax".into()),
            value: servicetitan_core::types::Patch::Absent,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    client
        .delete_contact_method()
        .contact_id(uuid(CONTACT_ID))
        .contact_method_id(uuid(METHOD_ID))
        .send()
        .await
        .unwrap();
    create.assert_async().await;
    upsert.assert_async().await;
    update.assert_async().await;
    delete.assert_async().await;

    assert_eq!(created.type_, Some(types::ContactType::Phone));
    assert_eq!(upserted.type_, Some(types::ContactType::Fax));
    assert_eq!(updated.memo.as_deref(), Some("front office fax"));
}

#[tokio::test]
async fn lenient_contact_method_decoding() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET).path(api.path(
                SERVER_PATH,
                &format!("/contacts/{CONTACT_ID}/contact-methods/{METHOD_ID}"),
            ));
            then.status(200).header("content-type", "application/json").body(format!(
                r#"{{"id": "{METHOD_ID}", "contactId": null, "type": "WhatsApp", "value": "+16025550100",
                    "createdOn": "2024-03-01T10:00:00.1234567Z", "createdBy": null,
                    "modifiedOn": "2024-03-01T10:00:00.1234567Z", "modifiedBy": 501,
                    "verification": {{"verifiedOn": "2024-03-02T00:00:00Z"}}}}"#
            ));
        })
        .await;

    let method = client(&api)
        .get_contact_method()
        .contact_id(uuid(CONTACT_ID))
        .contact_method_id(uuid(METHOD_ID))
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(
        method.type_,
        Some(types::ContactType::Unknown("WhatsApp".into()))
    );
    assert_eq!(method.contact_id, None);
    assert_eq!(method.created_by, None);
}
