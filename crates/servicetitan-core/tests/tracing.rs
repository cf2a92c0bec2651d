//! The tracing span of a request. This test has a binary of its own, unlike the rest of the
//! crate's tests (`tests/it`): tracing caches callsite interest process-wide, so a scoped
//! subscriber must not race other tests.

#[path = "it/common/mod.rs"]
mod common;

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::*;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};

/// A writer collecting formatted trace output.
#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_request_has_a_span_with_operation_tenant_attempt_and_status_and_no_secret() {
    let api = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    mock_token(&auth, "tok-SECRET-TOKEN").await;
    let n = Arc::new(AtomicUsize::new(0));
    let c = n.clone();
    api.mock_async(move |when, then| {
        when.any_request();
        then.respond_with(move |_r: &HttpMockRequest| {
            if c.fetch_add(1, Ordering::SeqCst) == 0 {
                HttpMockResponse::builder().status(503).build()
            } else {
                json_response(200, &serde_json::json!({}))
            }
        });
    })
    .await;
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();
    let rt = builder(&api, &auth).build().unwrap();
    get(&rt, "/tenant/__tenant__/x").await.unwrap();
    drop(_guard);
    let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(out.contains("servicetitan.request"), "{out}");
    assert!(out.contains("operation=\"testGet\""), "{out}");
    assert!(out.contains("tenant=42"), "{out}");
    assert!(out.contains("attempt=2"), "{out}");
    assert!(out.contains("status=200"), "{out}");
    assert!(out.contains("retrying"), "{out}");
    for secret in ["SECRET-TOKEN", CLIENT_SECRET, APP_KEY] {
        assert!(!out.contains(secret), "{secret} leaked: {out}");
    }
}
