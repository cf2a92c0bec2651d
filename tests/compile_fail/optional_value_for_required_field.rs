// A lead's campaign cannot be "maybe": an `Option` does not fit a required field.
use servicetitan::crm::types::LeadCreateRequest;

fn lead(campaign_id: Option<i64>) -> LeadCreateRequest {
    LeadCreateRequest {
        campaign_id,
        summary: "Leaking water heater".to_string(),
        booking_id: None,
        business_unit_id: None,
        call_reason_id: None,
        customer_id: None,
        follow_up_date: None,
        job_type_id: None,
        lead_city: None,
        lead_country: None,
        lead_customer_name: None,
        lead_email: None,
        lead_phone: None,
        lead_state: None,
        lead_street: None,
        lead_unit: None,
        lead_zip: None,
        location_id: None,
        priority: None,
        tag_type_ids: None,
    }
}

fn main() {
    let _ = lead(None);
}
