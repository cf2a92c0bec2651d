//! Create and update of customers, locations, jobs and bookings.

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
