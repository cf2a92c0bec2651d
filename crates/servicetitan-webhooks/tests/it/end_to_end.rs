//! The whole loop on loopback: a write through the mock tenant's API → a signed webhook →
//! the receiver → a journal line → a consumer that knows which stream to refresh.

use std::time::Duration;

use servicetitan_mock::{MockTenant, Resource};
use servicetitan_webhooks::{Consumer, Journal, Receiver, Verifier};

use crate::KEY;

#[tokio::test]
async fn a_write_to_the_mock_tenant_ends_as_one_journal_line_per_event() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.ndjson");
    let receiver =
        Receiver::new(Journal::open(&path).unwrap()).verifier(Verifier::new(KEY).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = receiver.router();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });

    let mock = MockTenant::builder()
        .rate_limit(0)
        .webhook_url(format!("http://{addr}/servicetitan"))
        .webhook_hmac_key(KEY)
        .webhook_retry_schedule([Duration::from_millis(50); 4])
        .start()
        .await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let token: serde_json::Value = serde_json::from_str(
        &http
            .post(mock.auth_url())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "grant_type=client_credentials&client_id={}&client_secret={}",
                mock.client_id(),
                mock.client_secret()
            ))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    let token = token["access_token"].as_str().unwrap().to_string();
    let job = mock.record_id(Resource::Jobs, 4);
    let customer = mock.record_id(Resource::Customers, 2);
    for (path, body) in [
        (
            format!("/jpm/v2/tenant/{}/jobs/{job}", mock.tenant_id()),
            r#"{"customerPo":"PO-E2E"}"#,
        ),
        (
            format!("/crm/v2/tenant/{}/customers/{customer}", mock.tenant_id()),
            r#"{"name":"End To End"}"#,
        ),
    ] {
        let resp = http
            .patch(format!("{}{path}", mock.base_url()))
            .bearer_auth(&token)
            .header("ST-App-Key", mock.app_key())
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{path}");
    }

    // Both events arrive (bounded wait), each journaled once.
    for _ in 0..500 {
        if mock.webhook_stats().delivered == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let stats = mock.webhook_stats();
    assert_eq!((stats.delivered, stats.abandoned), (2, 0), "{stats:?}");
    assert_eq!(receiver.stats().stored, 2);
    assert_eq!(receiver.stats().bad_signature, 0);

    let mut consumer = Consumer::open(&path, dir.path().join("sync.checkpoint")).unwrap();
    let mut seen = Vec::new();
    while let Some(entry) = consumer.next_entry().unwrap() {
        let event = entry.parse_event().unwrap();
        let data: serde_json::Value = serde_json::from_str(entry.event.get()).unwrap();
        seen.push((
            event.event_type().unwrap().to_string(),
            event.stream(),
            data["entityId"].as_i64().unwrap(),
        ));
        assert_eq!(entry.key, event.dedup_key());
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            (
                "Customer.Updated".to_string(),
                Some("crm.customers"),
                customer
            ),
            ("Job.Updated".to_string(), Some("jpm.jobs"), job),
        ]
    );
    server.abort();
}
