//! The whole loop on loopback: a write through the mock tenant's API → a signed webhook →
//! the receiver → a journal line → a consumer that knows which stream to refresh.

use std::time::Duration;

use servicetitan_mock::{MockTenant, Resource};
use servicetitan_webhooks::{
    Consumer, EventSync, Journal, Receiver, Shutdown, SyncFuture, Verifier,
};

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
    let token = token(&http, &mock).await;
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

/// A bearer token for the mock's API.
async fn token(http: &reqwest::Client, mock: &MockTenant) -> String {
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
    token["access_token"].as_str().unwrap().to_string()
}

/// The receiver's signal wakes the driver: with polling set to an hour, a write to the mock
/// still reaches the sync of its stream at once.
#[tokio::test]
async fn a_stored_event_wakes_the_event_sync_without_polling() {
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
    let synced = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let driver = EventSync::open(&path, dir.path().join("sync.checkpoint"), {
        let synced = synced.clone();
        move |stream: &'static str, _stop| -> SyncFuture {
            synced.lock().unwrap().push(stream);
            Box::pin(async { Ok(1) })
        }
    })
    .unwrap()
    .wake_on(receiver.stored_signal())
    .poll_every(Duration::from_secs(3600));
    let monitor = driver.monitor();
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let driving =
        tokio::spawn(driver.run(async move { stopped.await.unwrap_or(Shutdown::Interrupt) }));

    let mock = MockTenant::builder()
        .rate_limit(0)
        .webhook_url(format!("http://{addr}/servicetitan"))
        .webhook_hmac_key(KEY)
        .webhook_retry_schedule([Duration::from_millis(50); 4])
        .start()
        .await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let token = token(&http, &mock).await;
    let customer = mock.record_id(Resource::Customers, 3);
    let resp = http
        .patch(format!(
            "{}/crm/v2/tenant/{}/customers/{customer}",
            mock.base_url(),
            mock.tenant_id()
        ))
        .bearer_auth(&token)
        .header("ST-App-Key", mock.app_key())
        .header("content-type", "application/json")
        .body(r#"{"name":"Woken"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);

    for _ in 0..3000 {
        if monitor.stats().checkpoint > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let stats = monitor.stats();
    assert_eq!(
        stats.checkpoint,
        std::fs::metadata(&path).unwrap().len(),
        "{stats:?}"
    );
    assert_eq!(*synced.lock().unwrap(), ["crm.customers"]);
    stop.send(Shutdown::Interrupt).unwrap();
    driving.await.unwrap().unwrap();
    server.abort();
}
