//! Webhooks the mock sends after writes: signed, retried on a (scaled) schedule, abandoned
//! after the last retry.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode as AxumStatus};
use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use servicetitan_mock::{MockTenant, Resource};
use sha2::Sha256;

use crate::common::Api;

const KEY: &str = "mock-webhook-key-0123456789abcdefghij";

/// A delivery as received: its headers and body.
type Hit = (HeaderMap, Vec<u8>);

/// A loopback server that records every delivery and answers 500 to the first `fail` ones.
#[derive(Clone, Default)]
struct Capture {
    hits: Arc<Mutex<Vec<Hit>>>,
    fail: Arc<AtomicUsize>,
}

impl Capture {
    async fn start(fail: usize) -> (Capture, SocketAddr) {
        let capture = Capture::default();
        capture.fail.store(fail, Ordering::SeqCst);
        let c = capture.clone();
        let app = axum::Router::new().fallback(move |headers: HeaderMap, body: bytes::Bytes| {
            let c = c.clone();
            async move {
                c.hits.lock().unwrap().push((headers, body.to_vec()));
                let failing = c
                    .fail
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok();
                if failing {
                    AxumStatus::INTERNAL_SERVER_ERROR
                } else {
                    AxumStatus::OK
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (capture, addr)
    }

    /// Waits (at most 20 s) until `n` deliveries arrived; returns them all.
    async fn wait_for(&self, n: usize) -> Vec<Hit> {
        for _ in 0..1000 {
            if self.hits.lock().unwrap().len() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let hits = self.hits.lock().unwrap().clone();
        assert!(hits.len() >= n, "{} deliveries, expected {n}", hits.len());
        hits
    }
}

fn hmac_hex(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Waits (at most 20 s) for a condition on the mock's webhook counters.
async fn until(mock: &MockTenant, what: impl Fn(servicetitan_mock::WebhookStats) -> bool) {
    for _ in 0..1000 {
        if what(mock.webhook_stats()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "webhook counters never got there: {:?}",
        mock.webhook_stats()
    );
}

#[tokio::test]
async fn a_write_sends_a_signed_event_and_a_failed_delivery_is_retried_with_the_same_body() {
    let (capture, addr) = Capture::start(2).await;
    let api = Api::start(
        MockTenant::builder()
            .rate_limit(0)
            .webhook_url(format!("http://{addr}/st-hooks"))
            .webhook_hmac_key(KEY)
            .webhook_retry_schedule([Duration::from_millis(30); 4]),
    )
    .await;
    let job_id = api.mock.record_id(Resource::Jobs, 9);
    let (status, job) = api
        .write(
            Method::PATCH,
            &format!("/jpm/v2/tenant/{{tenant}}/jobs/{job_id}"),
            json!({"customerPo": "PO-9"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{job}");
    let hits = capture.wait_for(3).await;
    until(&api.mock, |s| s.delivered == 1).await;
    assert_eq!(hits.len(), 3, "two 500s, then the 200; no more");
    let (headers, body) = &hits[0];
    for (h, b) in &hits[1..] {
        assert_eq!(b, body, "a retry sends the same body");
        assert_eq!(
            h["x-servicetitan-signature"],
            headers["x-servicetitan-signature"]
        );
    }
    assert_eq!(headers["x-servicetitan-signature"], hmac_hex(body).as_str());
    assert_eq!(headers["content-type"], "application/json");
    let event: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(event["eventType"], "Job.Updated");
    assert_eq!(event["tenantId"], api.mock.tenant_id());
    assert_eq!(event["entityId"], job_id);
    assert_eq!(
        event["data"], job,
        "the event carries the record as answered"
    );
    assert!(event["eventId"].as_str().unwrap().starts_with("mock-"));
    let stats = api.mock.webhook_stats();
    assert_eq!(
        (
            stats.events,
            stats.attempts,
            stats.delivered,
            stats.abandoned
        ),
        (1, 3, 1, 0)
    );
}

#[tokio::test]
async fn each_kind_of_write_raises_its_event_and_a_refused_write_none() {
    let (capture, addr) = Capture::start(0).await;
    let api = Api::start(
        MockTenant::builder()
            .rate_limit(0)
            .webhook_url(format!("http://{addr}/"))
            .webhook_retry_schedule([]),
    )
    .await;
    let customer = api.mock.record_id(Resource::Customers, 3);
    let job = api.mock.record_id(Resource::Jobs, 3);
    let writes = [
        (
            Method::PATCH,
            format!("/crm/v2/tenant/{{tenant}}/customers/{customer}"),
            json!({"name": "Grace"}),
        ),
        (
            Method::PATCH,
            format!("/jpm/v2/tenant/{{tenant}}/jobs/{job}"),
            json!({"summary": "x"}),
        ),
        (
            Method::PATCH,
            "/accounting/v2/tenant/{tenant}/invoices/1".to_string(),
            json!({"summary": "x"}),
        ),
        (
            Method::POST,
            "/accounting/v2/tenant/{tenant}/payments".to_string(),
            json!({"typeId": 1}),
        ),
        (
            Method::POST,
            "/memberships/v2/tenant/{tenant}/memberships/sale".to_string(),
            json!({"customerId": customer}),
        ),
    ];
    for (method, path, body) in writes {
        let (status, answer) = api.write(method, &path, body).await;
        assert_eq!(status, StatusCode::OK, "{path}: {answer}");
    }
    // Refused (400): no event.
    let (status, _) = api
        .write(
            Method::PATCH,
            &format!("/jpm/v2/tenant/{{tenant}}/jobs/{job}"),
            json!({"priority": 7}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Reads: no event.
    api.get("/jpm/v2/tenant/{tenant}/jobs", &[]).await;
    until(&api.mock, |s| s.delivered == 5).await;
    let mut types: Vec<String> = capture
        .wait_for(5)
        .await
        .iter()
        .map(|(h, b)| {
            assert!(
                h.get("x-servicetitan-signature").is_none(),
                "no key, no signature"
            );
            serde_json::from_slice::<Value>(b).unwrap()["eventType"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    types.sort();
    assert_eq!(
        types,
        [
            "Customer.Updated",
            "Invoice.Updated",
            "Job.Updated",
            "Membership.Created",
            "Payment.Created"
        ]
    );
    assert_eq!(api.mock.webhook_stats().events, 5);
}

#[tokio::test]
async fn an_unreachable_listener_is_given_up_on_after_the_last_retry() {
    // A port nobody listens on.
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let api = Api::start(
        MockTenant::builder()
            .rate_limit(0)
            .webhook_url(format!("http://{addr}/"))
            .webhook_retry_schedule([Duration::from_millis(10), Duration::from_millis(20)]),
    )
    .await;
    let customer = api.mock.record_id(Resource::Customers, 1);
    let (status, _) = api
        .write(
            Method::PATCH,
            &format!("/crm/v2/tenant/{{tenant}}/customers/{customer}"),
            json!({"name": "Nobody Home"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    until(&api.mock, |s| s.abandoned == 1).await;
    let s = api.mock.webhook_stats();
    assert_eq!((s.attempts, s.delivered), (3, 0));
}

#[tokio::test]
async fn a_webhook_url_that_is_not_plain_http_stops_the_mock_from_starting() {
    let err = MockTenant::builder()
        .webhook_url("https://example.com/hooks")
        .try_start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("http://"), "{err}");
}
