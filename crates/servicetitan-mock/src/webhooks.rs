//! Webhooks from the mock tenant: after a successful write through the API (create or update
//! of a job, customer, location, booking, invoice, payment or membership), the mock POSTs a
//! signed event to [`MockTenantBuilder::webhook_url`], retrying failed deliveries on
//! ServiceTitan's schedule (10, 30, 60 and 300 seconds; scalable for tests).
//!
//! ServiceTitan does not publish its V2 envelope in detail; the mock's is its own:
//!
//! ```text
//! {"eventId":"mock-…","eventType":"Job.Created","tenantId":1000001,
//!  "occurredOn":"2026-03-01T12:00:00.1234567Z","entityId":41000,"data":{ …the record… }}
//! ```
//!
//! With [`MockTenantBuilder::webhook_hmac_key`], the body's HMAC-SHA256 under the key goes in
//! `X-ServiceTitan-Signature` as lowercase hex. Redeliveries carry the same body and event id.
//! Deliveries are plain HTTP (`http://host:port/path`): the mock is for loopback.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{MockTenant, MockTenantBuilder};

/// The header the signature goes in.
const SIGNATURE_HEADER: &str = "X-ServiceTitan-Signature";
/// How long one delivery attempt may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest response body read back to embed in an event.
const MAX_RECORD: usize = 4 * 1024 * 1024;

/// Which writes raise which event: method, the path after `/tenant/{tenant}/` (`*` is one
/// segment), event type.
const EVENTS: &[(&str, &str, &str)] = &[
    ("POST", "jobs", "Job.Created"),
    ("PATCH", "jobs/*", "Job.Updated"),
    ("POST", "customers", "Customer.Created"),
    ("PATCH", "customers/*", "Customer.Updated"),
    ("POST", "locations", "Location.Created"),
    ("PATCH", "locations/*", "Location.Updated"),
    ("POST", "booking-provider/*/bookings", "Booking.Created"),
    ("PATCH", "booking-provider/*/bookings/*", "Booking.Updated"),
    ("POST", "invoices", "Invoice.Created"),
    ("PATCH", "invoices/*", "Invoice.Updated"),
    ("POST", "payments", "Payment.Created"),
    ("PATCH", "payments/*", "Payment.Updated"),
    ("POST", "memberships/sale", "Membership.Created"),
    ("PATCH", "memberships/*", "Membership.Updated"),
];

/// ServiceTitan's waits before each retry of a failed delivery.
pub(crate) const RETRY_SCHEDULE: [Duration; 4] = [
    Duration::from_secs(10),
    Duration::from_secs(30),
    Duration::from_secs(60),
    Duration::from_secs(300),
];

/// The webhook settings of a mock.
#[derive(Clone)]
pub(crate) struct Settings {
    url: Option<String>,
    key: Option<String>,
    schedule: Vec<Duration>,
    stats: Arc<Counters>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("url", &self.url)
            .field("key", &self.key.as_ref().map(|_| "***"))
            .field("schedule", &self.schedule)
            .finish()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            url: None,
            key: None,
            schedule: RETRY_SCHEDULE.to_vec(),
            stats: Arc::default(),
        }
    }
}

#[derive(Debug, Default)]
struct Counters {
    events: AtomicU64,
    attempts: AtomicU64,
    delivered: AtomicU64,
    abandoned: AtomicU64,
}

/// Counters of the webhooks a mock has sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebhookStats {
    /// Events raised by writes.
    pub events: u64,
    /// POSTs made (first deliveries and retries).
    pub attempts: u64,
    /// Events acknowledged with a 2xx.
    pub delivered: u64,
    /// Events given up on after the last retry.
    pub abandoned: u64,
}

impl MockTenantBuilder {
    /// Sends a webhook event to `url` (`http://host:port/path`) after each successful write
    /// through the API: create or update of a job, customer, location, booking, invoice,
    /// payment or membership. See the crate's `webhooks` notes for the body.
    pub fn webhook_url(mut self, url: impl Into<String>) -> Self {
        self.cfg.webhooks.url = Some(url.into());
        self
    }

    /// Signs each webhook body with HMAC-SHA256 under `key`, sent as lowercase hex in
    /// `X-ServiceTitan-Signature` (default: unsigned).
    pub fn webhook_hmac_key(mut self, key: impl Into<String>) -> Self {
        self.cfg.webhooks.key = Some(key.into());
        self
    }

    /// Sets the waits before each retry of a failed delivery (default 10, 30, 60 and 300
    /// seconds, ServiceTitan's schedule); tests pass shorter ones. An empty schedule sends
    /// once.
    pub fn webhook_retry_schedule(mut self, waits: impl IntoIterator<Item = Duration>) -> Self {
        self.cfg.webhooks.schedule = waits.into_iter().collect();
        self
    }
}

impl MockTenant {
    /// What the mock's webhooks have done so far.
    pub fn webhook_stats(&self) -> WebhookStats {
        let c = &self.shared.cfg.webhooks.stats;
        WebhookStats {
            events: c.events.load(Relaxed),
            attempts: c.attempts.load(Relaxed),
            delivered: c.delivered.load(Relaxed),
            abandoned: c.abandoned.load(Relaxed),
        }
    }
}

/// Where deliveries go.
#[derive(Debug)]
struct Target {
    /// `host:port` to connect to.
    authority: String,
    /// The request target (`/path?query`).
    path: String,
}

fn parse_url(url: &str) -> Result<Target, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("webhook URL {url:?}: the mock sends plain http:// only"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.is_empty() || authority.contains(['@', ' ']) {
        return Err(format!("webhook URL {url:?}: no host"));
    }
    let authority = if authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    Ok(Target {
        authority,
        path: path.to_string(),
    })
}

struct Sender {
    target: Target,
    key: Option<String>,
    schedule: Vec<Duration>,
    stats: Arc<Counters>,
    nonce: u64,
    seq: AtomicU64,
}

/// Wraps the mock's router so writes raise events, when a webhook URL is set.
pub(crate) fn wrap(router: Router, settings: &Settings) -> std::io::Result<Router> {
    let Some(url) = &settings.url else {
        return Ok(router);
    };
    let target =
        parse_url(url).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let sender = Arc::new(Sender {
        target,
        key: settings.key.clone(),
        schedule: settings.schedule.clone(),
        stats: Arc::clone(&settings.stats),
        nonce: crate::time::now_ticks() as u64 ^ u64::from(std::process::id()),
        seq: AtomicU64::new(0),
    });
    Ok(router.layer(axum::middleware::from_fn(
        move |req: Request, next: Next| {
            let sender = Arc::clone(&sender);
            async move { sender.observe(req, next).await }
        },
    )))
}

/// The event type a write raises, if any.
fn event_type(method: &Method, path: &str) -> Option<&'static str> {
    let (_, after) = path.split_once("/tenant/")?;
    let (tenant, rest) = after.split_once('/')?;
    tenant.parse::<i64>().ok()?;
    let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    EVENTS.iter().find_map(|(m, pattern, event)| {
        let pattern: Vec<&str> = pattern.split('/').collect();
        let matches = *m == method.as_str()
            && pattern.len() == segments.len()
            && pattern
                .iter()
                .zip(&segments)
                .all(|(p, s)| *p == "*" || p == s);
        matches.then_some(*event)
    })
}

fn tenant_of(path: &str) -> Option<i64> {
    path.split_once("/tenant/")?
        .1
        .split('/')
        .next()?
        .parse()
        .ok()
}

impl Sender {
    async fn observe(self: Arc<Self>, req: Request, next: Next) -> Response {
        let Some(event_type) = event_type(req.method(), req.uri().path()) else {
            return next.run(req).await;
        };
        let tenant = tenant_of(req.uri().path()).unwrap_or_default();
        let response = next.run(req).await;
        if !response.status().is_success() {
            return response;
        }
        let (parts, body) = response.into_parts();
        let bytes = match axum::body::to_bytes(body, MAX_RECORD).await {
            Ok(b) => b,
            Err(_) => return Response::from_parts(parts, Body::empty()),
        };
        self.raise(event_type, tenant, &bytes);
        Response::from_parts(parts, Body::from(bytes))
    }

    /// Builds the event for a written record and starts delivering it.
    fn raise(self: &Arc<Self>, event_type: &str, tenant: i64, record: &[u8]) {
        let parsed: Option<serde_json::Value> = serde_json::from_slice(record).ok();
        let record = match &parsed {
            // Valid JSON is valid UTF-8.
            Some(_) => std::str::from_utf8(record).unwrap_or("null"),
            None => "null",
        };
        let entity_id = parsed
            .as_ref()
            .and_then(|v| v.get("id"))
            .filter(|id| id.is_number() || id.is_string())
            .map(|id| id.to_string())
            .unwrap_or_else(|| "null".to_string());
        let seq = self.seq.fetch_add(1, Relaxed);
        let body = format!(
            r#"{{"eventId":"mock-{:016x}-{seq}","eventType":"{event_type}","tenantId":{tenant},"occurredOn":"{}","entityId":{entity_id},"data":{}}}"#,
            self.nonce,
            crate::time::format(crate::time::now_ticks()),
            record.trim()
        );
        self.stats.events.fetch_add(1, Relaxed);
        let sender = Arc::clone(self);
        tokio::spawn(async move { sender.deliver(body.into_bytes()).await });
    }

    /// The first delivery and the retries; gives up after the last.
    async fn deliver(&self, body: Vec<u8>) {
        let signature = self.key.as_ref().map(|key| {
            let mut mac =
                Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes any key");
            mac.update(&body);
            hex(&mac.finalize().into_bytes())
        });
        let waits = std::iter::once(Duration::ZERO).chain(self.schedule.iter().copied());
        for wait in waits {
            tokio::time::sleep(wait).await;
            self.stats.attempts.fetch_add(1, Relaxed);
            let status =
                tokio::time::timeout(ATTEMPT_TIMEOUT, self.post(&body, signature.as_deref()))
                    .await
                    .ok()
                    .and_then(Result::ok);
            if status.is_some_and(|s| s.is_success()) {
                self.stats.delivered.fetch_add(1, Relaxed);
                return;
            }
        }
        self.stats.abandoned.fetch_add(1, Relaxed);
    }

    /// One POST over a fresh connection; the answer's status.
    async fn post(&self, body: &[u8], signature: Option<&str>) -> std::io::Result<StatusCode> {
        let mut stream = tokio::net::TcpStream::connect(&self.target.authority).await?;
        let mut head = format!(
            "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nUser-Agent: servicetitan-mock\r\nConnection: close\r\n",
            self.target.path,
            self.target.authority,
            body.len()
        );
        if let Some(sig) = signature {
            head.push_str(&format!("{SIGNATURE_HEADER}: {sig}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body).await?;
        stream.flush().await?;
        // The status line is all that matters; read until it is complete (bounded).
        let mut buf = Vec::with_capacity(256);
        let mut chunk = [0u8; 256];
        while !buf.windows(2).any(|w| w == b"\r\n") && buf.len() < 8192 {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let line = String::from_utf8_lossy(&buf);
        line.split_whitespace()
            .nth(1)
            .and_then(|code| code.parse::<u16>().ok())
            .and_then(|code| StatusCode::from_u16(code).ok())
            .ok_or_else(|| std::io::Error::other("no HTTP status line in the answer"))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_map_to_events() {
        let t = "/jpm/v2/tenant/1000001";
        assert_eq!(
            event_type(&Method::POST, &format!("{t}/jobs")),
            Some("Job.Created")
        );
        assert_eq!(
            event_type(&Method::PATCH, &format!("{t}/jobs/5")),
            Some("Job.Updated")
        );
        assert_eq!(event_type(&Method::GET, &format!("{t}/jobs")), None);
        assert_eq!(
            event_type(&Method::POST, &format!("{t}/jobs/5/notes")),
            None
        );
        assert_eq!(
            event_type(&Method::POST, "/memberships/v2/tenant/1/memberships/sale"),
            Some("Membership.Created")
        );
        assert_eq!(
            event_type(
                &Method::POST,
                "/crm/v2/tenant/1/booking-provider/9/bookings"
            ),
            Some("Booking.Created")
        );
        assert_eq!(event_type(&Method::POST, "/connect/token"), None);
    }

    #[test]
    fn urls_are_plain_http_with_a_host() {
        let t = parse_url("http://127.0.0.1:8088/hooks?x=1").unwrap();
        assert_eq!(
            (t.authority.as_str(), t.path.as_str()),
            ("127.0.0.1:8088", "/hooks?x=1")
        );
        assert_eq!(
            parse_url("http://localhost").unwrap().authority,
            "localhost:80"
        );
        assert!(parse_url("https://example.com/").is_err());
        assert!(parse_url("http:///x").is_err());
    }
}
