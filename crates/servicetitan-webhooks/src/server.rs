//! The HTTP side: an axum router that checks, journals and acknowledges deliveries.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use tokio::sync::Notify;

use crate::event::Event;
use crate::journal::{Journal, Outcome};
use crate::verify::Verifier;

/// The largest body accepted unless told otherwise (1 MiB).
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// Counters of what a [`Receiver`] has answered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceiverStats {
    /// New events, journaled (200).
    pub stored: u64,
    /// Redeliveries of journaled events (200, nothing written).
    pub duplicates: u64,
    /// Missing or wrong signatures (401).
    pub bad_signature: u64,
    /// Bodies over the limit (413).
    pub too_large: u64,
    /// Bodies that are not JSON (400).
    pub not_json: u64,
    /// Journal failures (503: the sender retries).
    pub failed: u64,
}

#[derive(Default)]
struct Counters {
    stored: AtomicU64,
    duplicates: AtomicU64,
    bad_signature: AtomicU64,
    too_large: AtomicU64,
    not_json: AtomicU64,
    failed: AtomicU64,
}

struct Inner {
    journal: Journal,
    verifier: Option<Verifier>,
    max_body: usize,
    counters: Counters,
    stored: Arc<Notify>,
}

/// Receives webhook deliveries: `POST` on any path of its [`router`](Self::router).
///
/// Each delivery is checked in this order, and answered:
///
/// | check | answer |
/// | --- | --- |
/// | not `POST` | 405 |
/// | body over the limit ([`DEFAULT_MAX_BODY`] unless set) | 413 |
/// | signature missing or wrong (when a [`Verifier`] is set) | 401, with the failed check |
/// | body not JSON | 400 |
/// | journal write failed | 503 (the sender retries) |
/// | new event, now on disk | 200 `{"stored":true}` |
/// | event already journaled (same dedup key) | 200 `{"duplicate":true}` |
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use servicetitan_webhooks::{Journal, Receiver, Verifier};
///
/// let verifier = Verifier::new(std::env::var("ST_WEBHOOK_HMAC_KEY")?)?;
/// let receiver = Receiver::new(Journal::open("events.ndjson")?).verifier(verifier);
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8088").await?;
/// axum::serve(listener, receiver.router()).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Receiver {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("journal", &self.inner.journal)
            .field("verifier", &self.inner.verifier)
            .field("max_body", &self.inner.max_body)
            .finish()
    }
}

impl Receiver {
    /// A receiver that journals to `journal` and checks no signature (an app without an
    /// HMAC key); add one with [`verifier`](Self::verifier).
    pub fn new(journal: Journal) -> Receiver {
        Receiver {
            inner: Arc::new(Inner {
                journal,
                verifier: None,
                max_body: DEFAULT_MAX_BODY,
                counters: Counters::default(),
                stored: Arc::new(Notify::new()),
            }),
        }
    }

    fn with(self, f: impl FnOnce(&mut Inner)) -> Receiver {
        let mut inner = match Arc::try_unwrap(self.inner) {
            Ok(inner) => inner,
            Err(shared) => Inner {
                journal: shared.journal.clone(),
                verifier: shared.verifier.clone(),
                max_body: shared.max_body,
                counters: Counters::default(),
                stored: Arc::clone(&shared.stored),
            },
        };
        f(&mut inner);
        Receiver {
            inner: Arc::new(inner),
        }
    }

    /// Requires every delivery to carry a valid signature.
    pub fn verifier(self, verifier: Verifier) -> Receiver {
        self.with(|i| i.verifier = Some(verifier))
    }

    /// Sets the largest body accepted, in bytes.
    pub fn max_body(self, bytes: usize) -> Receiver {
        self.with(|i| i.max_body = bytes)
    }

    /// The journal events go to.
    pub fn journal(&self) -> &Journal {
        &self.inner.journal
    }

    /// What the receiver has answered so far.
    pub fn stats(&self) -> ReceiverStats {
        let c = &self.inner.counters;
        ReceiverStats {
            stored: c.stored.load(Relaxed),
            duplicates: c.duplicates.load(Relaxed),
            bad_signature: c.bad_signature.load(Relaxed),
            too_large: c.too_large.load(Relaxed),
            not_json: c.not_json.load(Relaxed),
            failed: c.failed.load(Relaxed),
        }
    }

    /// Signalled after each new event is on disk, for one waiter (an
    /// [`EventSync`](crate::EventSync) in the same process reads the journal at once
    /// instead of at its next poll). A signal with nobody waiting is kept for the next wait.
    pub fn stored_signal(&self) -> Arc<Notify> {
        Arc::clone(&self.inner.stored)
    }

    /// A router that receives deliveries on every path.
    pub fn router(&self) -> Router {
        Router::new()
            .fallback(receive)
            .with_state(Arc::clone(&self.inner))
    }
}

fn answer(status: StatusCode, body: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn refuse(status: StatusCode, message: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message + "\n",
    )
        .into_response()
}

async fn receive(State(inner): State<Arc<Inner>>, request: Request) -> Response {
    let c = &inner.counters;
    if request.method() != Method::POST {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "POST")],
            "webhook deliveries are POST requests\n",
        )
            .into_response();
    }
    let (parts, body) = request.into_parts();
    let too_large = || {
        c.too_large.fetch_add(1, Relaxed);
        tracing::warn!(limit = inner.max_body, "webhook refused: body too large");
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is over the {} byte limit", inner.max_body),
        )
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > inner.max_body as u64) {
        return too_large();
    }
    let body = match Limited::new(Body::new(body), inner.max_body)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => return too_large(),
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                format!("the body could not be read: {e}"),
            )
        }
    };
    if let Some(verifier) = &inner.verifier {
        if let Err(e) = verifier.verify(&parts.headers, &body) {
            c.bad_signature.fetch_add(1, Relaxed);
            tracing::warn!(error = %e, "webhook refused");
            return refuse(StatusCode::UNAUTHORIZED, e.to_string());
        }
    }
    let event = match Event::parse(&body) {
        Ok(event) => event,
        Err(e) => {
            c.not_json.fetch_add(1, Relaxed);
            tracing::warn!(error = %e, "webhook refused");
            return refuse(StatusCode::BAD_REQUEST, e.to_string());
        }
    };
    match inner.journal.append(&event).await {
        Ok(Outcome::Stored) => {
            c.stored.fetch_add(1, Relaxed);
            inner.stored.notify_one();
            tracing::debug!(
                event_type = event.event_type().unwrap_or("?"),
                key = %event.dedup_key(),
                "webhook stored"
            );
            answer(StatusCode::OK, "{\"stored\":true}")
        }
        Ok(Outcome::Duplicate) => {
            c.duplicates.fetch_add(1, Relaxed);
            tracing::debug!(key = %event.dedup_key(), "webhook redelivered; already stored");
            answer(StatusCode::OK, "{\"duplicate\":true}")
        }
        Err(e) => {
            c.failed.fetch_add(1, Relaxed);
            tracing::error!(error = %e, "webhook not stored");
            refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "the event could not be stored; retry later".to_string(),
            )
        }
    }
}
