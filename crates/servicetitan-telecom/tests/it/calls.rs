//! Calls: the v3 listing, the deprecated v2 listing, get and update (v2).

use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::paging::ListRequestExt;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_telecom::{types, Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn at(s: &str) -> DateTime {
    s.parse().expect("a valid date-time")
}

/// The v3 and v2 paths share the module's server path (`/telecom`).
fn v3(api: &MockApi, path: &str) -> String {
    format!("{SERVER_PATH}/v3{}", api.path("", path))
}

fn v2(api: &MockApi, path: &str) -> String {
    format!("{SERVER_PATH}/v2{}", api.path("", path))
}

fn call_v3_json(id: i64, call_type: &str) -> String {
    format!(
        r#"{{"id": {id}, "jobNumber": "{id}", "projectId": 120033,
            "businessUnit": {{"id": 12, "name": "HVAC Service"}},
            "type": {{"id": 77, "name": "AC Repair", "modifiedOn": "2023-12-01T00:00:00.0000000Z"}},
            "leadCall": {{
                "createdOn": "2024-03-01T10:00:00.1234567Z", "active": true, "id": 99120001,
                "receivedOn": "2024-03-01T09:58:12.3456789Z", "duration": "00:04:31",
                "from": "+16025550100", "to": "+16025550000", "direction": "Inbound",
                "callType": {call_type},
                "reason": {{"id": 5, "name": "New install", "lead": true, "active": true}},
                "recordingUrl": "https://recordings.example.com/99120001.mp3", "voiceMailUrl": "",
                "createdBy": {{"id": 501, "name": "Jennifer Parker"}},
                "customer": {{"id": 4402113, "name": "Hill Valley Dental"}},
                "campaign": {{"id": 3301, "name": "Spring Tune-up"}},
                "modifiedOn": "2024-03-01T10:05:00.7654321Z",
                "agent": {{"id": 501, "name": "Jennifer Parker", "externalId": null}}
            }}}}"#
    )
}

#[tokio::test]
async fn list_calls_v3_sends_filters_and_decodes_a_page() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(v3(&api, "/calls"))
                .query_param("createdOnOrAfter", "2024-03-01T00:00:00Z")
                .query_param("modifiedAfter", "2024-03-01T06:00:00Z")
                .query_param("campaignId", "3301")
                .query_param("minDuration", "30")
                .query_param("callerPhoneNumber", "+16025550100")
                .query_param("agentIsExternal", "false")
                .query_param("active", "True")
                .query_param("includeTotal", "true")
                .query_param("sort", "-createdOn")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": 1, "data": [{}]}}"#,
                    call_v3_json(81234, r#""Booked""#)
                ));
        })
        .await;

    let page = client(&api)
        .list_calls()
        .created_on_or_after(at("2024-03-01T00:00:00Z"))
        .modified_after(at("2024-03-01T06:00:00Z"))
        .campaign_id(3301)
        .min_duration(30)
        .caller_phone_number("+16025550100")
        .agent_is_external(false)
        .active(types::ActiveFilter::True)
        .include_total(true)
        .sort("-createdOn")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.total_count, Some(1));
    let call = &page.data.unwrap()[0];
    assert_eq!((call.id, call.project_id), (81234, Some(120033)));
    assert_eq!(
        call.business_unit.as_ref().unwrap().name.as_deref(),
        Some("HVAC Service")
    );
    let lead_call = call.lead_call.as_ref().unwrap();
    assert_eq!(lead_call.id, Some(99120001));
    assert_eq!(lead_call.direction, Some(types::CallDirectionV3::Inbound));
    assert_eq!(lead_call.call_type, Some(types::CallTypeV3::Booked));
    assert_eq!(lead_call.duration.as_deref(), Some("00:04:31"));
    assert_eq!(
        lead_call.received_on.unwrap().to_string(),
        "2024-03-01T09:58:12.3456789Z"
    );
    assert_eq!(lead_call.agent.as_ref().unwrap().external_id, None);
}

#[tokio::test]
async fn list_calls_v3_streams_every_page_with_null_call_types() {
    let api = MockApi::start().await;
    let first = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(v3(&api, "/calls"))
                .query_param("page", "1")
                .query_param("pageSize", "1");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 1, "pageSize": 1, "hasMore": true, "data": [{}]}}"#,
                    call_v3_json(81234, "null")
                ));
        })
        .await;
    let second = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(v3(&api, "/calls"))
                .query_param("page", "2")
                .query_param("pageSize", "1");
            then.status(200)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"page": 2, "pageSize": 1, "hasMore": false, "data": [{}]}}"#,
                    call_v3_json(81235, r#""Abandoned""#)
                ));
        })
        .await;

    let calls: Vec<types::CallV3> = client(&api)
        .list_calls()
        .page_size(1)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    first.assert_async().await;
    second.assert_async().await;

    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].lead_call.as_ref().unwrap().call_type, None);
    assert_eq!(
        calls[1].lead_call.as_ref().unwrap().call_type,
        Some(types::CallTypeV3::Abandoned)
    );
}

#[tokio::test]
async fn list_calls_v2_repeats_array_ids_and_decodes_full_records() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(v2(&api, "/calls"))
                .query_param("ids", "99120001")
                .query_param("ids", "99120002")
                .query_param("orderBy", "createdOn")
                .query_param("orderByDirection", "desc")
                .query_param("activeOnly", "true")
                .query_param("createdBefore", "2024-04-01T00:00:00Z");
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "totalCount": 1, "hasMore": false,
                    "data": [{"id": 81234, "jobNumber": "81234", "projectId": 120033,
                        "businessUnit": {"id": 12, "active": true, "name": "HVAC Service",
                            "officialName": "Hill Valley HVAC LLC", "email": "hvac@example.com",
                            "currency": "USD", "phoneNumber": "6025550000", "invoiceHeader": "",
                            "invoiceMessage": "", "defaultTaxRate": 0.0825,
                            "authorizationParagraph": "", "acknowledgementParagraph": "",
                            "address": {"street": "1 Main St", "unit": "", "city": "Phoenix", "state": "AZ",
                                        "zip": "85004", "country": "USA"},
                            "materialSku": "", "quickbooksClass": "", "accountCode": "4000",
                            "franchiseId": "", "conceptCode": "", "corporateContractNumber": "",
                            "tenant": {"id": 1234567, "name": "Hill Valley Services", "quickbooksClass": "",
                                       "accountCode": "", "franchiseId": "", "conceptCode": "",
                                       "modifiedOn": "2023-01-01T00:00:00.0000000Z"},
                            "modifiedOn": "2024-01-01T00:00:00.0000000Z"},
                        "type": {"id": 77, "name": "AC Repair", "modifiedOn": "2023-12-01T00:00:00.0000000Z"},
                        "leadCall": {"id": 99120001, "receivedOn": "2024-03-01T09:58:12.3456789Z",
                            "duration": "00:04:31", "from": "+16025550100", "to": "+16025550000",
                            "direction": "Outbound", "callType": "Unbooked",
                            "reason": {"id": 5, "name": "New install", "lead": true, "active": true},
                            "recordingUrl": "", "voiceMailUrl": "",
                            "createdBy": {"id": 501, "name": "Jennifer Parker"},
                            "customer": null, "campaign": null,
                            "modifiedOn": "2024-03-01T10:05:00.7654321Z",
                            "agent": {"id": 501, "name": "Jennifer Parker", "externalId": 88},
                            "createdOn": "2024-03-01T10:00:00.1234567Z", "active": true}}]}"#,
            );
        })
        .await;

    let page = client(&api)
        .list_calls_v2()
        .ids(vec![99120001, 99120002])
        .order_by("createdOn")
        .order_by_direction("desc")
        .active_only(true)
        .created_before(at("2024-04-01T00:00:00Z"))
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(page.total_count, Some(1));
    let bundle = &page.data.unwrap()[0];
    let unit = bundle.business_unit.as_ref().unwrap();
    assert_eq!(unit.default_tax_rate.unwrap().to_string(), "0.0825");
    assert_eq!(unit.name.as_deref(), Some("HVAC Service"));
    assert_eq!(unit.tenant.as_ref().unwrap().id, Some(1234567));
    let call = bundle.lead_call.as_ref().unwrap();
    assert_eq!(call.direction, Some(types::CallDirection::Outbound));
    assert_eq!(call.call_type, Some(types::CallType::Unbooked));
    assert_eq!(call.agent.as_ref().unwrap().external_id, Some(88));
    assert!(call.customer.is_none());
}

#[tokio::test]
async fn get_call_decodes_the_customer_and_campaign() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET).path(v2(&api, "/calls/99120001"));
            then.status(200).header("content-type", "application/json").body(
                r#"{"id": 81234, "jobNumber": "81234", "projectId": 120033,
                    "businessUnit": {"id": 12, "active": true, "name": "HVAC Service", "defaultTaxRate": 0.0825},
                    "type": {"id": 77, "name": "AC Repair", "modifiedOn": "2023-12-01T00:00:00.0000000Z"},
                    "leadCall": {"id": 99120001, "receivedOn": "2024-03-01T09:58:12.3456789Z",
                        "duration": "00:04:31", "from": "+16025550100", "to": "+16025550000",
                        "direction": "Inbound", "callType": "Excused",
                        "reason": {"id": 5, "name": "New install", "lead": true, "active": true},
                        "recordingUrl": "https://recordings.example.com/99120001.mp3", "voiceMailUrl": "",
                        "createdBy": {"id": 501, "name": "Jennifer Parker"},
                        "customer": {"id": 4402113, "active": true, "name": "Hill Valley Dental",
                            "email": "office@hvdental.com", "balance": 1234.10, "doNotMail": false,
                            "address": {"street": "1640 Riverside Dr", "unit": "Suite 2", "country": "USA",
                                        "city": "Phoenix", "state": "AZ", "zip": "85004",
                                        "streetAddress": "1640 Riverside Dr Suite 2",
                                        "latitude": 33.4484, "longitude": null},
                            "importId": "", "doNotService": false, "type": "Commercial",
                            "contacts": [{"id": 9000, "type": "Phone", "value": "6025550100", "memo": "office",
                                          "active": true, "modifiedOn": "2024-03-01T10:00:00.1234567Z"}],
                            "mergedToId": null, "modifiedOn": "2024-03-01T10:00:00.1234567Z",
                            "memberships": [{"id": 17, "active": true, "type": {"id": 4, "active": true, "name": "Gold"},
                                             "status": "Active", "from": "2024-01-01T00:00:00.0000000Z",
                                             "to": null, "locationId": 5500001}],
                            "hasActiveMembership": true,
                            "customFields": [{"typeId": 77, "name": "Gate code", "value": "4411"}],
                            "createdOn": "2023-01-01T00:00:00.0000000Z", "createdBy": null,
                            "phoneSettings": [{"phoneNumber": "6025550100", "doNotText": true}]},
                        "campaign": {"id": 3301, "name": "Spring Tune-up",
                            "modifiedOn": "2024-02-01T00:00:00.0000000Z", "createdOn": "2024-01-15T00:00:00.0000000Z",
                            "active": true, "isDefaultCampaign": null,
                            "category": {"id": 2, "name": "Seasonal", "active": true},
                            "source": "Radio", "otherSource": null, "businessUnit": null, "medium": "Audio",
                            "otherMedium": null, "dnis": "6025550000"},
                        "modifiedOn": "2024-03-01T10:05:00.7654321Z",
                        "agent": {"id": 501, "name": "Jennifer Parker", "externalId": null}}}"#,
            );
        })
        .await;

    let bundle = client(&api)
        .get_call()
        .id(99120001)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    let call = bundle.lead_call.unwrap();
    assert_eq!(call.call_type, Some(types::CallType::Excused));
    let customer = call.customer.unwrap();
    assert_eq!(customer.balance.unwrap().to_string(), "1234.10");
    assert_eq!(customer.type_, Some(types::CustomerType::Commercial));
    assert_eq!(customer.address.as_ref().unwrap().longitude, None);
    let membership = &customer.memberships.unwrap()[0];
    assert_eq!(membership.to, None);
    assert_eq!(membership.from.unwrap().to_string(), "2024-01-01T00:00:00Z");
    let campaign = call.campaign.unwrap();
    assert_eq!(campaign.category.unwrap().id, Some(2));
    assert_eq!(campaign.dnis.as_deref(), Some("6025550000"));
}

#[tokio::test]
async fn update_call_puts_the_new_values() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(v2(&api, "/calls/99120001"))
                .json_body_includes(
                    r#"{"callType": "Booked", "excuseMemo": "", "jobId": 81234, "campaignId": 3301,
                        "reason": {"name": "New install", "lead": true},
                        "customer": {"id": 4402113, "name": "Hill Valley Dental",
                                     "address": {"street": "1640 Riverside Dr", "unit": "Suite 2",
                                                 "country": "USA", "city": "Phoenix", "state": "AZ",
                                                 "zip": "85004"},
                                     "contacts": [{"type": "Phone", "value": "6025550100", "memo": "office"}]},
                        "location": {"id": 5500001, "name": "Main Office",
                                     "address": {"street": "1640 Riverside Dr", "unit": "Suite 2",
                                                 "country": "USA", "city": "Phoenix", "state": "AZ",
                                                 "zip": "85004"},
                                     "contacts": []}}"#,
                );
            then.status(200).header("content-type", "application/json").body(
                r#"{"id": 99120001, "receivedOn": "2024-03-01T09:58:12.3456789Z", "duration": "00:04:31",
                    "from": "+16025550100", "to": "+16025550000", "direction": "Inbound",
                    "callType": "Booked",
                    "reason": {"id": 5, "name": "New install", "lead": true, "active": true},
                    "recordingUrl": "", "voiceMailUrl": "",
                    "createdBy": {"id": 501, "name": "Jennifer Parker"}, "customer": null, "campaign": null,
                    "modifiedOn": "2024-03-02T08:00:00.0000000Z",
                    "agent": {"id": 501, "name": "Jennifer Parker"}}"#,
            );
        })
        .await;

    let address = types::AddressInput {
        street: "1640 Riverside Dr".into(),
        unit: "Suite 2".into(),
        country: "USA".into(),
        city: "Phoenix".into(),
        state: "AZ".into(),
        zip: "85004".into(),
        latitude: None,
        longitude: None,
    };
    let call = client(&api)
        .update_call()
        .id(99120001)
        .body(
            types::CallUpdateRequest::builder()
                .call_type(types::CallType::Booked)
                .excuse_memo(String::new())
                .tag(String::new())
                .job_id(81234i64)
                .campaign_id(3301i64)
                .reason(types::CallReasonInput {
                    name: "New install".into(),
                    lead: true,
                })
                .customer(types::CustomerInput {
                    id: 4402113,
                    name: "Hill Valley Dental".into(),
                    address: address.clone(),
                    contacts: vec![types::ContactInput {
                        id: None,
                        type_: "Phone".into(),
                        value: "6025550100".into(),
                        memo: "office".into(),
                    }],
                })
                .location(types::LocationInput {
                    id: 5500001,
                    name: "Main Office".into(),
                    address,
                    contacts: vec![],
                }),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;

    assert_eq!(call.id, Some(99120001));
    assert_eq!(call.call_type, Some(types::CallType::Booked));
    assert_eq!(
        call.modified_on.unwrap().to_string(),
        "2024-03-02T08:00:00Z"
    );
}

#[tokio::test]
async fn get_call_error_without_a_documented_body_still_converts() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET).path(v2(&api, "/calls/1"));
            then.status(404)
                .header("content-type", "application/json")
                .body(r#"{"title": "Call not found", "status": 404, "traceId": "00-cc-01"}"#);
        })
        .await;

    let result = client(&api).get_call().id(1).send().await;
    mock.assert_async().await;

    let err: servicetitan_core::Error = result.unwrap_err().into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.trace_id(), Some("00-cc-01"));
}

/// Unknown enum values, extra fields and nulls in required fields still decode.
#[tokio::test]
async fn lenient_call_decoding() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET).path(v3(&api, "/calls"));
            then.status(200).header("content-type", "application/json").body(
                r#"{"page": 1, "pageSize": 50, "hasMore": false, "totalCount": null, "sentiment": "positive",
                    "data": [{"id": 81234, "jobNumber": null, "projectId": null, "businessUnit": null,
                              "type": null,
                              "leadCall": {"id": 99120001, "direction": "Transferred", "callType": "Spam",
                                           "duration": null, "from": null, "to": "+16025550000",
                                           "createdOn": "2024-03-01T10:00:00.1234567",
                                           "transcript": {"language": "en"}}}]}"#,
            );
        })
        .await;

    let page = client(&api).list_calls().send().await.unwrap().into_inner();
    mock.assert_async().await;

    let call = &page.data.unwrap()[0];
    assert_eq!(call.job_number, None);
    let lead_call = call.lead_call.as_ref().unwrap();
    assert_eq!(
        lead_call.direction,
        Some(types::CallDirectionV3::Unknown("Transferred".into()))
    );
    assert_eq!(
        lead_call.call_type.as_ref().map(|t| t.as_str()),
        Some("Spam")
    );
    assert_eq!(lead_call.from, None);
    assert_eq!(
        lead_call.created_on.unwrap().to_string(),
        "2024-03-01T10:00:00.1234567Z"
    );
}
