//! Request models enforce the document's required fields: at compile time for struct literals
//! (the trybuild cases in tests/compile_fail), and at `build()`/`send()` for builders, before
//! anything goes out. Update models can clear a field with an explicit `null`.

use servicetitan::crm::types::{CustomerUpdateRequest, LeadCreateRequest};
use servicetitan::jpm::types::JobCreateRequest;
use servicetitan::types::Patch;
use servicetitan_mock::MockTenant;

#[test]
fn request_literals_missing_a_required_field_do_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile_fail/*.rs");
}

#[test]
fn a_builder_without_a_required_field_does_not_build_and_names_it() {
    let err = LeadCreateRequest::builder()
        .summary("No hot water".to_string())
        .build()
        .expect_err("the campaign is required");
    let text = err.to_string();
    assert!(text.contains("LeadCreateRequest"), "{text}");
    assert!(text.contains("campaign_id"), "{text}");
    assert!(matches!(err, servicetitan::Error::InvalidRequest(_)));

    let lead = LeadCreateRequest::builder()
        .campaign_id(7)
        .summary("No hot water".to_string())
        .build()
        .expect("both required fields set");
    assert_eq!(lead.campaign_id, 7);
    assert_eq!(lead.customer_id, None);
}

#[tokio::test]
async fn an_incomplete_body_fails_at_send_and_nothing_reaches_the_server() {
    let mock = MockTenant::start().await;
    let st = crate::facade::connect(&mock);
    let before = mock.requests_served();
    let err = st
        .jpm()
        .create_job()
        .body(JobCreateRequest::builder().customer_id(1).location_id(2))
        .send()
        .await
        .expect_err("business unit, job type, campaign, priority and appointments are missing");
    let err = servicetitan::Error::from(err);
    assert!(
        matches!(err, servicetitan::Error::InvalidRequest(_)),
        "{err}"
    );
    assert!(err.to_string().contains("no value supplied for"), "{err}");
    assert_eq!(mock.requests_served(), before, "nothing was sent");
}

#[test]
fn an_update_leaves_out_clears_or_sets_each_field() {
    let update = CustomerUpdateRequest {
        name: "Grace B. Hopper".to_string().into(),
        payment_term_id: Patch::Null,
        ..Default::default()
    };
    let json = serde_json::to_value(&update).unwrap();
    assert_eq!(
        json,
        serde_json::json!({ "name": "Grace B. Hopper", "paymentTermId": null }),
        "absent fields are left out, a cleared one is null"
    );
    // The same through the builder.
    let built = CustomerUpdateRequest::builder()
        .payment_term_id(Patch::Null)
        .do_not_mail(true)
        .build()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&built).unwrap(),
        serde_json::json!({ "paymentTermId": null, "doNotMail": true })
    );
    // And read back: null is a clear, absent is absent.
    let read: CustomerUpdateRequest =
        serde_json::from_value(serde_json::json!({ "paymentTermId": null })).unwrap();
    assert_eq!(read.payment_term_id, Patch::Null);
    assert_eq!(read.name, Patch::Absent);
}
