//! Push a lead in from a web form: who called, where, and why, for a campaign of the tenant's
//! own. Only the campaign and the summary are required; the compiler holds you to them.
//!
//! `cargo run --example create_lead`

mod common;

use servicetitan::crm::types::{LeadCreateRequest, Priority};

async fn run() -> Result<(), servicetitan::Error> {
    let (st, _mock) = common::connect().await?;
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

    let lead = LeadCreateRequest::builder()
        .campaign_id(campaign.id)
        .summary("Furnace makes a banging noise at start-up".to_string())
        .priority(Priority::High)
        .lead_customer_name("Katherine Johnson".to_string())
        .lead_phone("818-555-0142".to_string())
        .lead_street("42 Elm St".to_string())
        .lead_city("Glendale".to_string())
        .lead_state("CA".to_string())
        .lead_zip("91204".to_string())
        .lead_country("USA".to_string());
    let lead = st.crm().create_lead().body(lead).send().await?.into_inner();
    println!("lead {} created ({:?})", lead.id, lead.status);
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}
