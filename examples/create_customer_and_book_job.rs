//! Create a customer with a location, then book a job there — with the typed request models
//! only: required fields are plain values the compiler checks, and `build()` names any missing
//! one before anything is sent.
//!
//! `cargo run --example create_customer_and_book_job`

mod common;

use servicetitan::crm::types::{
    CustomerAddressInput, CustomerCreateRequest, CustomerType, LocationCreateRequest, NewLocation,
};
use servicetitan::jpm::types::{JobAppointmentRequest, JobCreateRequest};
use servicetitan::types::DateTime;

fn glendale(street: &str, zip: &str) -> CustomerAddressInput {
    CustomerAddressInput {
        street: street.into(),
        unit: None,
        city: "Glendale".into(),
        state: "CA".into(),
        zip: zip.into(),
        country: "USA".into(),
        latitude: None,
        longitude: None,
    }
}

async fn run() -> Result<(), servicetitan::Error> {
    let (st, _mock) = common::connect().await?;
    let home = glendale("1200 N Central Ave", "91202");

    let customer = CustomerCreateRequest::builder()
        .name("Grace Hopper".to_string())
        .type_(CustomerType::Residential)
        .address(home.clone())
        .locations(vec![NewLocation::builder()
            .name("Home".to_string())
            .address(home)
            .build()?])
        .build()?;
    let customer = st
        .crm()
        .create_customer()
        .body(customer)
        .send()
        .await?
        .into_inner();

    // A second service address for the same customer: the job goes there.
    let location = LocationCreateRequest::builder()
        .customer_id(customer.id)
        .name("Rental unit".to_string())
        .address(glendale("88 Oak St", "91203"));
    let location = st
        .crm()
        .create_location()
        .body(location)
        .send()
        .await?
        .into_inner();
    println!("customer {} with location {}", customer.id, location.id);

    // Jobs need a business unit, a job type and a campaign of the tenant's own.
    let business_unit = common::first(
        st.settings()
            .list_business_units()
            .page_size(1)
            .send()
            .await?
            .into_inner()
            .data,
        "business unit",
    )?;
    let job_type = common::first(
        st.jpm()
            .list_job_types()
            .page_size(1)
            .send()
            .await?
            .into_inner()
            .data,
        "job type",
    )?;
    let campaign = common::first(
        st.marketing()
            .list_campaigns()
            .page_size(1)
            .send()
            .await?
            .into_inner()
            .data,
        "campaign",
    )?;

    let start: DateTime = "2026-12-01T16:00:00Z".parse()?;
    let end: DateTime = "2026-12-01T18:00:00Z".parse()?;
    let job = JobCreateRequest::builder()
        .customer_id(customer.id)
        .location_id(location.id)
        .business_unit_id(business_unit.id)
        .job_type_id(job_type.id)
        .campaign_id(campaign.id)
        .priority("Normal".to_string())
        .summary("No cooling upstairs".to_string())
        .appointments(vec![JobAppointmentRequest {
            start,
            end,
            arrival_window_start: Some(start),
            arrival_window_end: Some(end),
            technician_ids: None,
        }]);
    let job = st.jpm().create_job().body(job).send().await?.into_inner();
    println!("job {} booked ({:?})", job.id, job.job_status);
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}
