// A job without its campaign does not compile: required fields are plain values.
use servicetitan::jpm::types::JobCreateRequest;

fn main() {
    let _job = JobCreateRequest {
        customer_id: 1,
        location_id: 2,
        business_unit_id: 3,
        job_type_id: 4,
        priority: "Normal".to_string(),
        appointments: vec![],
        booking_id: None,
        custom_fields: None,
        customer_po: None,
        external_data: None,
        invoice_signature_is_required: None,
        job_generated_lead_source: None,
        lead_id: None,
        no_charge: None,
        partner_lead_call_id: None,
        project_id: None,
        sold_by_id: None,
        summary: None,
        tag_type_ids: None,
    };
}
