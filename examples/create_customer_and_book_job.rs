//! Create a customer with a location, then book a job there.
//!
//! `cargo run --example create_customer_and_book_job`

mod common;

use servicetitan::crm::types::{CustomerCreateRequest, LocationCreateRequest};
use servicetitan::jpm::types::{JobAppointmentRequest, JobCreateRequest};
use servicetitan::types::DateTime;

async fn run() -> Result<(), servicetitan::Error> {
    let (st, _mock) = common::connect().await?;

    let address = serde_json::json!({
        "street": "1200 N Central Ave", "city": "Glendale", "state": "CA", "zip": "91202", "country": "USA"
    });
    let customer: CustomerCreateRequest = serde_json::from_value(serde_json::json!({
        "name": "Grace Hopper", "type": "Residential", "address": address,
        "locations": [{ "name": "Home", "address": address }]
    }))
    .expect("a valid request");
    let customer = st
        .crm()
        .create_customer()
        .body(customer)
        .send()
        .await?
        .into_inner();
    let customer_id = customer.id.expect("the API assigns an id");
    // A second service address for the same customer: the job goes there.
    let location: LocationCreateRequest = serde_json::from_value(serde_json::json!({
        "customerId": customer_id, "name": "Rental unit",
        "address": { "street": "88 Oak St", "city": "Glendale", "state": "CA", "zip": "91203", "country": "USA" }
    }))
    .expect("a valid request");
    let location = st
        .crm()
        .create_location()
        .body(location)
        .send()
        .await?
        .into_inner();
    let location_id = location.id.expect("the API assigns an id");
    println!("customer {customer_id} with location {location_id}");

    // Jobs need a business unit and a job type of the tenant's own.
    let business_units = st
        .settings()
        .list_business_units()
        .page_size(1)
        .send()
        .await?
        .into_inner();
    let business_unit_id = business_units
        .data
        .unwrap_or_default()
        .first()
        .and_then(|b| b.id);
    let job_types = st
        .jpm()
        .list_job_types()
        .page_size(1)
        .send()
        .await?
        .into_inner();
    let job_type_id = job_types
        .data
        .unwrap_or_default()
        .first()
        .and_then(|t| t.id);

    let start: DateTime = "2026-12-01T16:00:00Z".parse().expect("a date-time");
    let end: DateTime = "2026-12-01T18:00:00Z".parse().expect("a date-time");
    let job = JobCreateRequest {
        customer_id: Some(customer_id),
        location_id: Some(location_id),
        business_unit_id,
        job_type_id,
        campaign_id: Some(1),
        priority: Some("Normal".into()),
        summary: Some("No cooling upstairs".into()),
        appointments: Some(vec![JobAppointmentRequest {
            start: Some(start),
            end: Some(end),
            arrival_window_start: Some(start),
            arrival_window_end: Some(end),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let job = st.jpm().create_job().body(job).send().await?.into_inner();
    println!("job {:?} booked ({:?})", job.id, job.job_status);
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}
