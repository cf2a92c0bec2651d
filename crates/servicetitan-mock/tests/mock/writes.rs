//! Create and update of customers, locations, jobs and bookings; create of leads and payments.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use servicetitan_mock::{MockTenant, Resource};

use crate::common::{ids, problem, Api};

fn address() -> Value {
    json!({"street": "100 Congress Ave", "unit": "Suite 5", "city": "Austin", "state": "TX", "zip": "78701", "country": "USA", "latitude": 30.26, "longitude": -97.74})
}

#[tokio::test]
async fn create_customer_then_get_it() {
    let api = Api::start(MockTenant::builder().rate_limit(0)).await;
    let (status, created) = api
        .write(
            Method::POST,
            "/crm/v2/tenant/{tenant}/customers",
            json!({
                "name": "Ada Lovelace",
                "type": "Residential",
                "address": address(),
                "contacts": [{"type": "Email", "value": "ada@example.com", "memo": "main"}],
                "customFields": [{"typeId": 7, "value": "blue"}],
                "locations": [
                    {"name": "Home", "address": address(), "contacts": [{"type": "Phone", "value": "(512) 555-0100"}]},
                    {"name": "Cabin", "address": address()}
                ],
                "externalData": {"applicationGuid": "6f1c0a8e-3b3f-4c2e-9d55-3c2b1a0f9e11", "externalData": [{"key": "crm", "value": "A-1"}]}
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        id,
        api.mock.record_id(Resource::Customers, 500),
        "ids continue after the generated ones"
    );
    assert_eq!(created["balance"], json!(0.0));
    assert_eq!(created["locations"].as_array().unwrap().len(), 2);
    assert_eq!(created["locations"][0]["customerId"], id);
    assert_eq!(created["locations"][0]["contacts"][0]["type"], "Phone");
    assert_eq!(created["contacts"][0]["value"], "ada@example.com");
    assert_eq!(
        created["externalData"],
        json!([{"key": "crm", "value": "A-1"}])
    );
    assert_eq!(created["createdOn"], created["modifiedOn"]);

    let got = api
        .get(&format!("/crm/v2/tenant/{{tenant}}/customers/{id}"), &[])
        .await;
    assert_eq!(got["name"], "Ada Lovelace");
    assert_eq!(got["address"]["city"], "Austin");
    assert!(
        got.get("locations").is_none(),
        "a Customer has no locations field"
    );
    let loc_id = created["locations"][1]["id"].as_i64().unwrap();
    let loc = api
        .get(
            &format!("/crm/v2/tenant/{{tenant}}/locations/{loc_id}"),
            &[],
        )
        .await;
    assert_eq!(loc["name"], "Cabin");

    // The new customer is in the list, its total and the ids filter.
    let page = api
        .get(
            "/crm/v2/tenant/{tenant}/customers",
            &[("ids", id.to_string()), ("includeTotal", "true".into())],
        )
        .await;
    assert_eq!(ids(page["data"].as_array().unwrap()), vec![id]);
    let all = api
        .get(
            "/crm/v2/tenant/{tenant}/customers",
            &[("includeTotal", "true".into())],
        )
        .await;
    assert_eq!(all["totalCount"], 501);
}

#[tokio::test]
async fn validation_errors_name_the_fields() {
    let api = Api::start(MockTenant::builder().rate_limit(0)).await;
    let (status, body) = api
        .write(
            Method::POST,
            "/crm/v2/tenant/{tenant}/customers",
            json!({"type": "Alien", "address": {"street": "x"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    problem(&body, 400);
    for field in ["name", "type", "locations", "address.city"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let resp = api
        .http
        .post(api.url("/crm/v2/tenant/{tenant}/customers"))
        .bearer_auth(&api.token)
        .header("ST-App-Key", api.mock.app_key())
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let (status, body) = api
        .write(
            Method::POST,
            "/crm/v2/tenant/{tenant}/locations",
            json!({"name": "x", "customerId": 1, "address": address()}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"]["customerId"].is_array(), "{body}");
    let (status, _) = api
        .write(
            Method::PATCH,
            "/crm/v2/tenant/{tenant}/customers/1",
            json!({"name": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn create_job_then_get_and_update_it() {
    let api = Api::start(MockTenant::builder().rate_limit(0)).await;
    let customer = api
        .get(
            "/crm/v2/tenant/{tenant}/customers",
            &[("pageSize", "1".into())],
        )
        .await["data"][0]
        .clone();
    let customer_id = customer["id"].as_i64().unwrap();
    let locations = api
        .get(
            "/crm/v2/tenant/{tenant}/locations",
            &[("pageSize", "1".into())],
        )
        .await;
    let location = &locations["data"][0];
    assert_eq!(
        location["customerId"], customer_id,
        "location 0 belongs to customer 0"
    );
    let job_type = api.mock.record_id(Resource::JobTypes, 0);
    let bu = api.mock.record_id(Resource::BusinessUnits, 0);
    let body = json!({
        "customerId": customer_id,
        "locationId": location["id"],
        "businessUnitId": bu,
        "jobTypeId": job_type,
        "priority": "High",
        "campaignId": 900000001,
        "summary": "Booked from a test",
        "appointments": [
            {"start": "2026-03-02T15:00:00Z", "end": "2026-03-02T17:00:00Z", "technicianIds": []},
            {"start": "2026-03-09T15:00:00Z", "end": "2026-03-09T16:00:00Z"}
        ],
        "customerPo": "PO-1"
    });
    let (status, job) = api
        .write(Method::POST, "/jpm/v2/tenant/{tenant}/jobs", body.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{job}");
    let job_id = job["id"].as_i64().unwrap();
    assert_eq!(job["jobStatus"], "Scheduled");
    assert_eq!(job["appointmentCount"], 2);
    let appt_id = job["firstAppointmentId"].as_i64().unwrap();
    let appt = api
        .get(
            &format!("/jpm/v2/tenant/{{tenant}}/appointments/{appt_id}"),
            &[],
        )
        .await;
    assert_eq!(appt["jobId"], job_id);
    assert_eq!(appt["start"], "2026-03-02T15:00:00.0000000Z");

    let got = api
        .get(&format!("/jpm/v2/tenant/{{tenant}}/jobs/{job_id}"), &[])
        .await;
    assert_eq!(got, job);

    // Update: modifiedOn moves, and modifiedOnOrAfter finds the job.
    let before = job["modifiedOn"].as_str().unwrap().to_string();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let (status, updated) = api
        .write(
            Method::PATCH,
            &format!("/jpm/v2/tenant/{{tenant}}/jobs/{job_id}"),
            json!({"summary": "Changed", "priority": "Low"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["summary"], "Changed");
    assert_eq!(updated["priority"], "Low");
    assert_eq!(updated["createdOn"], job["createdOn"]);
    let after = updated["modifiedOn"].as_str().unwrap().to_string();
    assert!(after > before, "{after} > {before}");
    let recent = api
        .get(
            "/jpm/v2/tenant/{tenant}/jobs",
            &[("modifiedOnOrAfter", after.clone())],
        )
        .await;
    assert_eq!(ids(recent["data"].as_array().unwrap()), vec![job_id]);

    // A generated job can be updated too, and then it is recent as well.
    let old_id = api.mock.record_id(Resource::Jobs, 17);
    let (status, _) = api
        .write(
            Method::PATCH,
            &format!("/jpm/v2/tenant/{{tenant}}/jobs/{old_id}"),
            json!({"customerPo": "PO-17"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let recent = api
        .get(
            "/jpm/v2/tenant/{tenant}/jobs",
            &[("modifiedOnOrAfter", after)],
        )
        .await;
    assert_eq!(
        ids(recent["data"].as_array().unwrap()),
        vec![old_id, job_id]
    );

    // A location of another customer is refused.
    let mut wrong = body;
    wrong["locationId"] = json!(api.mock.record_id(Resource::Locations, 1));
    let (status, err) = api
        .write(Method::POST, "/jpm/v2/tenant/{tenant}/jobs", wrong)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(err["errors"]["locationId"].is_array(), "{err}");
}

#[tokio::test]
async fn bookings_live_under_their_provider() {
    let api = Api::start(MockTenant::builder().rate_limit(0)).await;
    let provider = 950_000_002;
    let path = format!("/crm/v2/tenant/{{tenant}}/booking-provider/{provider}/bookings");
    let (status, booking) = api
        .write(
            Method::POST,
            &path,
            json!({"source": "Website", "name": "Grace Hopper", "summary": "Leaky faucet", "isFirstTimeClient": true, "externalId": "web-42", "priority": "Normal", "start": "2026-04-01T16:00:00Z"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{booking}");
    assert_eq!(booking["bookingProviderId"], provider);
    assert_eq!(booking["status"], "New");
    let id = booking["id"].as_i64().unwrap();
    assert_eq!(api.get(&format!("{path}/{id}"), &[]).await, booking);
    assert_eq!(
        api.get(&format!("/crm/v2/tenant/{{tenant}}/bookings/{id}"), &[])
            .await,
        booking
    );
    let (status, _) = api
        .get_any(
            &format!("/crm/v2/tenant/{{tenant}}/booking-provider/950000001/bookings/{id}"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another provider's booking");

    let (status, updated) = api
        .write(
            Method::PATCH,
            &format!("{path}/{id}"),
            json!({"summary": "Two leaky faucets"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["summary"], "Two leaky faucets");

    // The provider's list holds its generated bookings and the new one, nothing else.
    let mine = api.all_pages(&path, 100, &[], 10).await;
    assert!(mine.iter().all(|b| b["bookingProviderId"] == provider));
    assert_eq!(mine.last().unwrap()["id"], id);
    let all = api
        .all_pages("/crm/v2/tenant/{tenant}/bookings", 100, &[], 10)
        .await;
    assert_eq!(all.len(), 201);
    assert!(mine.len() > 30 && mine.len() < 120, "{}", mine.len());

    let (status, err) = api.write(Method::POST, &path, json!({"name": "x"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for field in ["source", "summary", "isFirstTimeClient", "externalId"] {
        assert!(err["errors"][field].is_array(), "{field}: {err}");
    }
}

#[tokio::test]
async fn create_lead_then_get_list_and_export_it() {
    let api = Api::start(MockTenant::builder().rate_limit(0)).await;
    let customer = api.mock.record_id(Resource::Customers, 0);
    let location = api.mock.record_id(Resource::Locations, 0);
    let bu = api.mock.record_id(Resource::BusinessUnits, 1);
    let job_type = api.mock.record_id(Resource::JobTypes, 2);
    let booking = api.mock.record_id(Resource::Bookings, 3);
    let (status, lead) = api
        .write(
            Method::POST,
            "/crm/v2/tenant/{tenant}/leads",
            json!({
                "campaignId": 900000002,
                "summary": "Quote for a new furnace",
                "customerId": customer,
                "locationId": location,
                "businessUnitId": bu,
                "jobTypeId": job_type,
                "priority": "high",
                "callReasonId": 960000002,
                "followUpDate": "2026-05-04T15:30:00Z",
                "bookingId": booking,
                "tagTypeIds": [3, 4],
                "leadCustomerName": "Katherine Johnson",
                "leadPhone": "(512) 555-0199",
                "leadEmail": "kj@example.com",
                "leadStreet": "1 Orbit Way",
                "leadCity": "Austin",
                "leadState": "TX",
                "leadZip": "78701",
                "leadCountry": "USA"
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{lead}");
    let id = lead["id"].as_i64().unwrap();
    assert_eq!(id, api.mock.record_id(Resource::Leads, 200));
    assert_eq!(lead["status"], "Open");
    assert_eq!(lead["priority"], "High");
    assert_eq!(lead["customerId"], customer);
    assert_eq!(lead["locationId"], location);
    assert_eq!(lead["businessUnitId"], bu);
    assert_eq!(lead["jobTypeId"], job_type);
    assert_eq!(lead["campaignId"], 900000002);
    assert_eq!(lead["summary"], "Quote for a new furnace");
    assert_eq!(lead["callReasonId"], 960000002);
    assert_eq!(lead["followUpDate"], "2026-05-04T15:30:00.0000000Z");
    assert_eq!(lead["bookingId"], booking);
    assert_eq!(lead["tagTypeIds"], json!([3, 4]));
    assert_eq!(lead["leadCustomerName"], "Katherine Johnson");
    assert_eq!(lead["leadZip"], "78701");
    assert!(
        lead.get("leadUnit").is_none(),
        "fields not sent are left out"
    );
    assert_eq!(lead["createdOn"], lead["modifiedOn"]);

    // Every key of a generated lead (plus the request's extras).
    let generated = api
        .get(
            &format!(
                "/crm/v2/tenant/{{tenant}}/leads/{}",
                api.mock.record_id(Resource::Leads, 0)
            ),
            &[],
        )
        .await;
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let mut base = keys(&generated);
    base.retain(|k| k != "dismissingReasonId");
    let mut created_keys = keys(&lead);
    created_keys.retain(|k| base.contains(k));
    let (mut a, mut b) = (base.clone(), created_keys);
    a.sort();
    b.sort();
    assert_eq!(a, b);

    assert_eq!(
        api.get(&format!("/crm/v2/tenant/{{tenant}}/leads/{id}"), &[])
            .await,
        lead
    );
    let page = api
        .get(
            "/crm/v2/tenant/{tenant}/leads",
            &[("includeTotal", "true".into()), ("sort", "-Id".into())],
        )
        .await;
    assert_eq!(page["totalCount"], 201);
    assert_eq!(page["data"][0], lead);
    let export = api
        .get(
            "/crm/v2/tenant/{tenant}/export/leads",
            &[("from", lead["modifiedOn"].as_str().unwrap().into())],
        )
        .await;
    let exported = export["data"].as_array().unwrap();
    assert_eq!(ids(exported), vec![id]);
    assert_eq!(exported[0]["summary"], "Quote for a new furnace");

    // A lead for a location only belongs to the location's customer.
    let (status, lead) = api
        .write(
            Method::POST,
            "/crm/v2/tenant/{tenant}/leads",
            json!({"campaignId": 1, "summary": "x", "locationId": location}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{lead}");
    assert_eq!(lead["customerId"], customer);
    assert_eq!(lead["priority"], "Normal");
    assert_eq!(lead["followUpDate"], Value::Null);
}

#[tokio::test]
async fn lead_validation_names_the_fields() {
    let api = Api::start(MockTenant::builder().rate_limit(0)).await;
    let path = "/crm/v2/tenant/{tenant}/leads";
    let (status, body) = api
        .write(Method::POST, path, json!({"priority": "Whenever"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    problem(&body, 400);
    for field in ["campaignId", "summary", "priority"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    assert_eq!(
        body["errors"]["campaignId"][0],
        "The campaignId field is required."
    );

    let (status, body) = api
        .write(
            Method::POST,
            path,
            json!({"campaignId": 1, "summary": "x", "customerId": 1, "locationId": 2, "businessUnitId": 3,
                "jobTypeId": 4, "bookingId": 5, "followUpDate": "soon", "tagTypeIds": ["a"]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for field in [
        "customerId",
        "locationId",
        "businessUnitId",
        "jobTypeId",
        "bookingId",
        "followUpDate",
        "tagTypeIds",
    ] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    assert_eq!(
        body["errors"]["customerId"][0],
        "There is no customer with id 1."
    );

    // A location of another customer.
    let (status, body) = api
        .write(
            Method::POST,
            path,
            json!({"campaignId": 1, "summary": "x", "customerId": api.mock.record_id(Resource::Customers, 0),
                "locationId": api.mock.record_id(Resource::Locations, 1)}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"]["locationId"].is_array(), "{body}");
    let all = api.get(path, &[("includeTotal", "true".into())]).await;
    assert_eq!(all["totalCount"], 200, "refused writes create nothing");
}

/// The first generated invoice and its customer's id.
async fn first_invoice(api: &Api) -> (i64, i64) {
    let page = api
        .get(
            "/accounting/v2/tenant/{tenant}/invoices",
            &[("pageSize", "1".into())],
        )
        .await;
    let invoice = &page["data"][0];
    (
        invoice["id"].as_i64().unwrap(),
        invoice["customer"]["id"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn create_payment_keeps_amounts_as_written_and_lists_it() {
    let api = Api::start(MockTenant::builder().rate_limit(0)).await;
    let (invoice, customer) = first_invoice(&api).await;
    let path = "/accounting/v2/tenant/{tenant}/payments";
    let body = format!(
        r#"{{"typeId": 2, "amount": 150.50, "checkNumber": "1042", "memo": "Deposit",
            "paidOn": "2026-02-03T10:00:00Z", "customerId": {customer}, "exportId": "qb-7",
            "splits": [{{"invoiceId": {invoice}, "amount": 100.20}}]}}"#
    );
    let (status, text) = api.write_text(Method::POST, path, &body).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(
        text.contains(&format!(
            r#""splits":[{{"invoiceId":{invoice},"amount":100.20,"#
        )),
        "the split amount keeps its digits: {text}"
    );
    let payment: Value = serde_json::from_str(&text).unwrap();
    let id = payment["id"].as_i64().unwrap();
    assert_eq!(id, api.mock.record_id(Resource::Payments, 800));
    assert_eq!(payment["typeId"], 2);
    assert_eq!(payment["status"], "Pending");
    assert_eq!(payment["customerId"], customer);
    assert_eq!(payment["paidOn"], "2026-02-03T10:00:00.0000000Z");
    assert_eq!(payment["checkNumber"], "1042");
    assert_eq!(payment["exportId"], "qb-7");
    assert_eq!(payment["splits"][0]["invoiceNumber"], invoice.to_string());

    // In the list (the ids filter and the last page by id) in the list's shape.
    let page = api.get(path, &[("ids", id.to_string())]).await;
    let listed = &page["data"][0];
    assert_eq!(listed["id"], id);
    assert_eq!(listed["type"], "Check");
    assert_eq!(listed["typeId"], "2");
    assert_eq!(listed["total"], "150.50");
    assert_eq!(listed["unappliedAmount"], "50.30");
    assert_eq!(listed["memo"], "Deposit");
    assert_eq!(listed["date"], "2026-02-03T10:00:00.0000000Z");
    assert_eq!(listed["customer"]["id"], customer);
    assert_eq!(listed["appliedTo"][0]["appliedTo"], invoice);
    assert_eq!(listed["appliedTo"][0]["appliedAmount"], "100.20");
    assert_eq!(listed["syncStatus"], "Pending");
    let generated = api.get(path, &[("pageSize", "1".into())]).await;
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let (mut a, mut b) = (keys(&generated["data"][0]), keys(listed));
    a.sort();
    b.sort();
    assert_eq!(a, b, "the generated payments' shape");
    let all = api
        .get(
            path,
            &[("includeTotal", "true".into()), ("sort", "-Id".into())],
        )
        .await;
    assert_eq!(all["totalCount"], 801);
    assert_eq!(&all["data"][0], listed);
    let export = api
        .get(
            "/accounting/v2/tenant/{tenant}/export/payments",
            &[("from", listed["modifiedOn"].as_str().unwrap().into())],
        )
        .await;
    assert_eq!(ids(export["data"].as_array().unwrap()), vec![id]);

    // Without an amount the total is the splits' sum; the customer is the invoice's.
    let (status, text) = api
        .write_text(
            Method::POST,
            path,
            &format!(r#"{{"typeId": 3, "splits": [{{"invoiceId": {invoice}, "amount": 12.5}}]}}"#),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let payment: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(payment["customerId"], customer);
    let page = api.get(path, &[("ids", payment["id"].to_string())]).await;
    assert_eq!(page["data"][0]["total"], "12.50");
    assert_eq!(page["data"][0]["unappliedAmount"], "0.00");
    assert_eq!(page["data"][0]["appliedTo"][0]["appliedAmount"], "12.5");
}

#[tokio::test]
async fn payment_validation_names_the_fields() {
    let api = Api::start(MockTenant::builder().rate_limit(0)).await;
    let (invoice, customer) = first_invoice(&api).await;
    let path = "/accounting/v2/tenant/{tenant}/payments";
    let refused = |text: &str| -> Value {
        let body: Value = serde_json::from_str(text).unwrap();
        problem(&body, 400);
        body
    };

    let (status, text) = api
        .write_text(Method::POST, path, r#"{"amount": 10.00, "status": "Lost"}"#)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let body = refused(&text);
    assert_eq!(body["errors"]["typeId"][0], "The typeId field is required.");
    assert!(body["errors"]["status"].is_array(), "{body}");

    // Unknown ids: the payment type, the customer, a split's invoice.
    let (status, text) = api
        .write_text(
            Method::POST,
            path,
            r#"{"typeId": 99, "customerId": 1, "splits": [{"invoiceId": 1, "amount": 5.00}, {"amount": 1}]}"#,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let body = refused(&text);
    for field in [
        "typeId",
        "customerId",
        "splits[0].invoiceId",
        "splits[1].invoiceId",
    ] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    assert_eq!(
        body["errors"]["splits[0].invoiceId"][0],
        "There is no invoice with id 1."
    );

    // Splits above the amount, another customer's invoice, an amount with an exponent.
    let other = api.mock.record_id(Resource::Customers, 499);
    assert_ne!(other, customer);
    for (body, field) in [
        (
            format!(
                r#"{{"typeId": 1, "amount": 10.00, "splits": [{{"invoiceId": {invoice}, "amount": 10.01}}]}}"#
            ),
            "splits",
        ),
        (
            format!(
                r#"{{"typeId": 1, "customerId": {other}, "splits": [{{"invoiceId": {invoice}, "amount": 1}}]}}"#
            ),
            "splits[0].invoiceId",
        ),
        (r#"{"typeId": 1, "amount": 1e2}"#.to_string(), "amount"),
        (r#"{"typeId": 1, "amount": "10.00"}"#.to_string(), "amount"),
    ] {
        let (status, text) = api.write_text(Method::POST, path, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let answer = refused(&text);
        assert!(answer["errors"][field].is_array(), "{field}: {answer}");
    }
    let all = api.get(path, &[("includeTotal", "true".into())]).await;
    assert_eq!(all["totalCount"], 800, "refused writes create nothing");
}
