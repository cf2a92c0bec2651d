//! Receiving ServiceTitan's V2 webhook events safely.
//!
//! ServiceTitan posts each event an app subscribed to (in the developer portal, per app,
//! with a callback URL) as a JSON body; a 2xx answer acknowledges it, anything else is
//! retried after 10, 30, 60 and 300 seconds. With an HMAC key set in the portal (32 to 64
//! characters), each delivery is signed with an HMAC-SHA256 of its body. This crate gives:
//!
//! * [`Verifier`]: checks that signature over the raw body, in constant time. It reads hex
//!   or base64 (standard or URL-safe, padded or not), with or without a `sha256=` prefix,
//!   from a header that defaults to [`DEFAULT_SIGNATURE_HEADER`]. **The header name and the
//!   encoding are not in ServiceTitan's public documents**: the defaults follow what
//!   integrations in the wild read, and both can be changed. Errors say which check failed,
//!   never the key or the expected digest.
//! * [`Event`]: a lenient envelope (type, id, times, tenant when present, under their usual
//!   spellings) over the body kept byte for byte. Unknown event types are values.
//! * [`Journal`]: an append-only NDJSON file, fsynced before the sender hears 200, that
//!   stores each event once (by [`Event::dedup_key`]; the set of stored keys is rebuilt on
//!   open, so redeliveries are recognized after a restart) and survives a torn last line.
//! * [`Receiver`]: the axum router that ties them together (413, 401, 400, 200).
//! * [`Consumer`] and [`Relay`]: read the journal behind a checkpoint of their own, so a
//!   crash between receipt and processing loses nothing and, with the output's length in
//!   the checkpoint, doubles nothing.
//! * [`stream_for`] / [`EVENT_STREAMS`]: which synced stream (`jpm.jobs`, `crm.customers`,
//!   ...) an event type concerns, for a sync that runs on events.
//! * [`EventSync`]: that sync. It reads the journal behind its own checkpoint, runs each
//!   concerned stream's incremental sync through a [`StreamSync`] the caller supplies (the
//!   CLI's runs `servicetitan-sync`), coalesces bursts (one more run per stream, never one
//!   per event), and advances its checkpoint only past entries whose syncs have committed.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use servicetitan_webhooks::{Consumer, Journal, Receiver, Verifier};
//!
//! // Receive: verify, journal durably, answer 200.
//! let verifier = Verifier::new(std::env::var("ST_WEBHOOK_HMAC_KEY")?)?;
//! let receiver = Receiver::new(Journal::open("events.ndjson")?).verifier(verifier);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8088").await?;
//! tokio::spawn(async move { axum::serve(listener, receiver.router()).await });
//!
//! // Process, elsewhere (another task or process), behind a checkpoint.
//! let mut consumer = Consumer::open("events.ndjson", "events.checkpoint")?;
//! while let Some(entry) = consumer.next_entry()? {
//!     let event = entry.parse_event()?;
//!     println!("{:?} -> {:?}", event.event_type(), event.stream());
//!     consumer.commit(servicetitan_webhooks::Checkpoint { offset: entry.end, output_len: None })?;
//! }
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod drive;
mod event;
mod journal;
mod server;
mod streams;
mod verify;

/// The axum version the router is built with (to serve it without a second copy).
pub use axum;
pub use drive::{
    table_streams, EventSync, EventSyncMonitor, EventSyncStats, Shutdown, Silent, StreamRuns,
    StreamSync, SyncFuture, SyncObserver, Trigger,
};
pub use event::{Event, NotJson};
pub use journal::{Checkpoint, Consumer, Entry, Journal, JournalError, Outcome, Recovery, Relay};
pub use server::{Receiver, ReceiverStats, DEFAULT_MAX_BODY};
pub use servicetitan_core::Secret;
pub use streams::{stream_for, EVENT_STREAMS};
pub use verify::{
    decode_signature, Encoding, HeaderNameError, KeyLengthError, SignatureError, Verifier,
    DEFAULT_SIGNATURE_HEADER, MAX_KEY_LEN, MIN_KEY_LEN,
};
