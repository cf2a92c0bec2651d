//! Contacts (people, keyed by UUID) and their relationships to other records.

use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_crm::{types, Client, SERVER_PATH};
use uuid::Uuid;

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn at(s: &str) -> DateTime {
    s.parse().expect("a valid date-time")
}

const CONTACT_ID: &str = "3f2c8d4e-9b1a-4c7e-8f60-2d5b9a1e7c34";

fn contact_id() -> Uuid {
    Uuid::parse_str(CONTACT_ID).unwrap()
}

fn contact_json(name: &str, archived: bool) -> String {
    format!(
        r#"{{"id": "{CONTACT_ID}", "referenceId": "HR-2231", "name": "{name}", "title": "Office Manager",
            "isArchived": {archived}, "createdOn": "2024-03-01T10:00:00.1234567Z", "createdBy": 501,
            "modifiedOn": "2024-03-04T12:00:00.7654321Z", "modifiedBy": 502}}"#
    )
}

#[tokio::test]
async fn list_contacts_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/contacts"))
                .query_param("name", "Lorraine Baines")
                .query_param("isArchived", "false")
                .query_param("referenceId", "HR-2231")
                .query_param("createdOnOrAfter", "2024-01-01T00:00:00Z")
                .query_param("includeTotal", "true")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 1,
                        "data": [{}]}}"#,
                    contact_json("Lorraine Baines", false)
                ));
        })
        .await;

    let page = client(&api)
        .list_contacts()
        .name("Lorraine Baines")
        .is_archived("false")
        .reference_id("HR-2231")
        .created_on_or_after(at("2024-01-01T00:00:00Z"))
        .include_total(true)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.total_count, Some(1));
    let contact = &page.data.unwrap()[0];
    assert_eq!(contact.id, Some(contact_id()));
    assert_eq!(contact.is_archived, Some(false));
    assert_eq!(
        (contact.created_by, contact.modified_by),
        (Some(501), Some(502))
    );
    assert_eq!(
        contact.modified_on.unwrap().to_string(),
        "2024-03-04T12:00:00.7654321Z"
    );
}

#[tokio::test]
async fn get_contact_puts_the_uuid_in_the_path() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, &format!("/contacts/{CONTACT_ID}")));
            then.status(200)
                .header("content-type", "application/json")
                .body(contact_json("Lorraine Baines", false));
        })
        .await;

    let contact = client(&api)
        .get_contact()
        .id(contact_id())
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(contact.name.as_deref(), Some("Lorraine Baines"));
    assert_eq!(contact.reference_id.as_deref(), Some("HR-2231"));
}

#[tokio::test]
async fn create_replace_update_and_delete_a_contact() {
    let api = MockApi::start().await;
    let create = api
        .server
        .mock_async(|when, then| {
            when.method(POST)
                .path(api.path(SERVER_PATH, "/contacts"))
                .json_body(serde_json::json!({
                    "name": "Lorraine Baines", "title": "Office Manager", "referenceId": "HR-2231"
                }));
            then.status(200)
                .header("content-type", "application/json")
                .body(contact_json("Lorraine Baines", false));
        })
        .await;
    let replace = api
        .server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(api.path(SERVER_PATH, &format!("/contacts/{CONTACT_ID}")))
                .json_body(serde_json::json!({
                    "name": "Lorraine McFly", "title": "Office Manager", "referenceId": "HR-2231",
                    "isArchived": false
                }));
            then.status(200)
                .header("content-type", "application/json")
                .body(contact_json("Lorraine McFly", false));
        })
        .await;
    let update = api
        .server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(api.path(SERVER_PATH, &format!("/contacts/{CONTACT_ID}")))
                .json_body(serde_json::json!({"isArchived": true}));
            then.status(200)
                .header("content-type", "application/json")
                .body(contact_json("Lorraine McFly", true));
        })
        .await;
    let delete = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(api.path(SERVER_PATH, &format!("/contacts/{CONTACT_ID}")));
            then.status(200);
        })
        .await;
    let client = client(&api);

    let created = client
        .create_contact()
        .body(types::ContactCreateRequest {
            name: Some("Lorraine Baines".into()),
            title: Some("Office Manager".into()),
            reference_id: Some("HR-2231".into()),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let replaced = client
        .replace_contact()
        .id(contact_id())
        .body(types::ContactReplaceRequest {
            name: Some("Lorraine McFly".into()),
            title: Some("Office Manager".into()),
            reference_id: Some("HR-2231".into()),
            is_archived: false,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let archived = client
        .update_contact()
        .id(contact_id())
        .body(types::ContactUpdateRequest {
            is_archived: servicetitan_core::types::Patch::Set(true),
            name: servicetitan_core::types::Patch::Absent,
            reference_id: servicetitan_core::types::Patch::Absent,
            title: servicetitan_core::types::Patch::Absent,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    client
        .delete_contact()
        .id(contact_id())
        .send()
        .await
        .unwrap();
    create.assert_async().await;
    replace.assert_async().await;
    update.assert_async().await;
    delete.assert_async().await;

    assert_eq!(created.id, Some(contact_id()));
    assert_eq!(replaced.name.as_deref(), Some("Lorraine McFly"));
    assert_eq!(archived.is_archived, Some(true));
}

#[tokio::test]
async fn contacts_by_relationship_are_listed() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/contacts/relationships/4402113"))
                .query_param("title", "Office Manager")
                .query_param("page", "1");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 50, "hasMore": false, "data": [{}]}}"#,
                    contact_json("Lorraine Baines", false)
                ));
        })
        .await;

    let page = client(&api)
        .list_contacts_by_relationship()
        .relationship_id(4402113)
        .title("Office Manager")
        .page(1)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.data.unwrap()[0].id, Some(contact_id()));
}

#[tokio::test]
async fn contact_relationships_list_create_and_delete() {
    let api = MockApi::start().await;
    let list = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(
                    SERVER_PATH,
                    &format!("/contacts/{CONTACT_ID}/relationships"),
                ))
                .query_param("typeSlug", "customer")
                .query_param("relatedEntityId", "4402113");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false,
                    "data": [{"id": "a1d5e0c2-7f43-4b8e-9d21-6c3f0e8b5a97", "relatedEntityId": 4402113,
                              "typeName": "Customer", "typeSlug": "customer",
                              "createdOn": "2024-03-01T10:00:00.1234567Z", "createdBy": 501}]}"#,
            );
        })
        .await;
    let create = api
        .server
        .mock_async(|when, then| {
            when.method(POST).path(api.path(
                SERVER_PATH,
                &format!("/contacts/{CONTACT_ID}/relationships/5500001/location"),
            ));
            then.status(200);
        })
        .await;
    let delete = api
        .server
        .mock_async(|when, then| {
            when.method(DELETE).path(api.path(
                SERVER_PATH,
                &format!("/contacts/{CONTACT_ID}/relationships/4402113/customer"),
            ));
            then.status(200);
        })
        .await;
    let client = client(&api);

    let page = client
        .list_contact_relationships()
        .contact_id(contact_id())
        .type_slug("customer")
        .related_entity_id(4402113)
        .send()
        .await
        .unwrap()
        .into_inner();
    client
        .create_contact_relationship()
        .contact_id(contact_id())
        .related_entity_id(5500001)
        .type_slug("location")
        .send()
        .await
        .unwrap();
    client
        .delete_contact_relationship()
        .contact_id(contact_id())
        .related_entity_id(4402113)
        .type_slug("customer")
        .send()
        .await
        .unwrap();
    list.assert_async().await;
    create.assert_async().await;
    delete.assert_async().await;

    let relationship = &page.data.unwrap()[0];
    assert_eq!(
        relationship.id,
        Some(Uuid::parse_str("a1d5e0c2-7f43-4b8e-9d21-6c3f0e8b5a97").unwrap())
    );
    assert_eq!(relationship.related_entity_id, Some(4402113));
    assert_eq!(relationship.type_name.as_deref(), Some("Customer"));
}

#[tokio::test]
async fn forbidden_contact_listing_is_an_api_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET).path(api.path(SERVER_PATH, "/contacts"));
            then.status(403).header("content-type", "application/json").body(
                r#"{"type": "https://tools.ietf.org/html/rfc7231#section-6.5.3", "title": "Forbidden",
                    "status": 403, "traceId": "00-1a2b3c-01"}"#,
            );
        })
        .await;

    let result = client(&api).list_contacts().send().await;
    mock.assert_async().await;

    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(err.trace_id(), Some("00-1a2b3c-01"));
}
