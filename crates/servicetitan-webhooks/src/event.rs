//! The event envelope: what a delivery says about itself, read leniently, with the body kept
//! as sent.

use std::collections::HashMap;

use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::verify::to_hex;

/// Keys (compared without case, `_` or `-`) that may hold the event type, in order of trust.
const TYPE_KEYS: &[&str] = &["eventtype", "type", "eventname", "event", "topic"];
/// Keys that may hold the event id. A plain `id` is not among them: in a body that is the
/// changed record itself, `id` is the record's id, and two updates of one record would then
/// look like one redelivery.
const ID_KEYS: &[&str] = &[
    "eventid",
    "webhookeventid",
    "notificationid",
    "messageid",
    "deliveryid",
];
/// Keys that may hold when the event happened.
const TIME_KEYS: &[&str] = &[
    "eventtime",
    "occurredon",
    "occurredat",
    "timestamp",
    "eventdate",
    "createdon",
    "createdat",
    "senton",
    "sentat",
];
/// Keys that may hold the tenant id.
const TENANT_KEYS: &[&str] = &["tenantid", "tenant"];
/// Object-valued keys whose fields are searched when the top level lacks a value.
const NESTED_KEYS: &[&str] = &["metadata", "meta", "header", "event"];

/// Why a body is not an event.
#[derive(Debug, thiserror::Error)]
#[error("the body is not JSON: {0}")]
pub struct NotJson(#[from] serde_json::Error);

/// A webhook delivery's body, read leniently.
///
/// ServiceTitan does not publish the V2 envelope in detail, so every field is optional and
/// found by trying the likely spellings (`eventType`, `event_type`, `EventType`, `type`, ...;
/// case, `_` and `-` are ignored) at the top level, then inside a `metadata`, `meta`,
/// `header` or `event` object. An event type nobody listed is just a string. The body itself
/// is kept byte for byte ([`raw`](Self::raw)), so numbers keep every digit and keys their order.
#[derive(Clone, Debug)]
pub struct Event {
    raw: Box<RawValue>,
    event_type: Option<String>,
    event_id: Option<String>,
    occurred_at: Option<String>,
    tenant_id: Option<String>,
    body_sha256: String,
}

impl Event {
    /// Reads a body; anything that is JSON is an event (even an array or a number: its
    /// fields are then all `None`).
    pub fn parse(body: &[u8]) -> Result<Event, NotJson> {
        let raw: Box<RawValue> = serde_json::from_slice(body)?;
        let fields: Option<HashMap<String, &RawValue>> = serde_json::from_str(raw.get()).ok();
        let find = |keys: &[&str]| -> Option<String> {
            let fields = fields.as_ref()?;
            lookup(fields, keys).or_else(|| {
                NESTED_KEYS.iter().find_map(|outer| {
                    let inner = fields.iter().find(|(k, _)| normalize(k) == *outer)?.1;
                    let inner: HashMap<String, &RawValue> =
                        serde_json::from_str(inner.get()).ok()?;
                    lookup(&inner, keys)
                })
            })
        };
        Ok(Event {
            event_type: find(TYPE_KEYS),
            event_id: find(ID_KEYS),
            occurred_at: find(TIME_KEYS),
            tenant_id: find(TENANT_KEYS),
            body_sha256: to_hex(&Sha256::digest(body)),
            raw,
        })
    }

    /// The event type as sent (`Job.Created`, `job_updated`, ...), if the body names one.
    pub fn event_type(&self) -> Option<&str> {
        self.event_type.as_deref()
    }

    /// The event's id, if the body carries one under an event-id key.
    pub fn event_id(&self) -> Option<&str> {
        self.event_id.as_deref()
    }

    /// When the event happened, as written in the body.
    pub fn occurred_at(&self) -> Option<&str> {
        self.occurred_at.as_deref()
    }

    /// The tenant id, as written in the body.
    pub fn tenant_id(&self) -> Option<&str> {
        self.tenant_id.as_deref()
    }

    /// The whole body as sent (surrounding whitespace aside).
    pub fn raw(&self) -> &RawValue {
        &self.raw
    }

    /// The sha256 of the body bytes, lowercase hex.
    pub fn body_sha256(&self) -> &str {
        &self.body_sha256
    }

    /// What makes two deliveries the same event: `id:<event id>` when the body has one,
    /// else `sha256:<hex of the body>`.
    pub fn dedup_key(&self) -> String {
        match &self.event_id {
            Some(id) => format!("id:{id}"),
            None => format!("sha256:{}", self.body_sha256),
        }
    }

    /// The stream a sync would refresh for this event ([`crate::stream_for`]).
    pub fn stream(&self) -> Option<&'static str> {
        crate::stream_for(self.event_type.as_deref()?)
    }
}

/// A key without case, `_`, `-` or `.`.
fn normalize(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The first of `keys` present with a string or number value.
fn lookup(fields: &HashMap<String, &RawValue>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|want| {
        let (_, value) = fields.iter().find(|(k, _)| normalize(k) == *want)?;
        scalar(value)
    })
}

/// A string's text, or a number's text as written; `None` for anything else.
fn scalar(value: &RawValue) -> Option<String> {
    let text = value.get();
    match text.as_bytes().first()? {
        b'"' => serde_json::from_str::<String>(text)
            .ok()
            .filter(|s| !s.trim().is_empty()),
        b'-' | b'0'..=b'9' => Some(text.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_found_under_their_usual_spellings() {
        let e = Event::parse(
            br#"{"EventType":"Job.Updated","event_id":"e-1","OccurredOn":"2026-01-02T03:04:05Z","tenantId":1000001,"data":{"id":12345678901234567890}}"#,
        )
        .unwrap();
        assert_eq!(e.event_type(), Some("Job.Updated"));
        assert_eq!(e.event_id(), Some("e-1"));
        assert_eq!(e.occurred_at(), Some("2026-01-02T03:04:05Z"));
        assert_eq!(e.tenant_id(), Some("1000001"));
        assert_eq!(e.dedup_key(), "id:e-1");
        assert!(e.raw().get().contains("12345678901234567890"));
    }

    #[test]
    fn nested_metadata_and_odd_bodies() {
        let e = Event::parse(br#"{"metadata":{"eventId":7,"type":"X"},"id":1}"#).unwrap();
        assert_eq!(e.event_id(), Some("7"));
        assert_eq!(e.event_type(), Some("X"));
        // A plain `id` is the record's, not the event's.
        let e = Event::parse(br#"{"id":1}"#).unwrap();
        assert_eq!(e.event_id(), None);
        assert!(e.dedup_key().starts_with("sha256:"));
        let e = Event::parse(b"[1,2]").unwrap();
        assert_eq!(e.event_type(), None);
        assert!(Event::parse(b"{not json").is_err());
        assert!(Event::parse(b"").is_err());
    }
}
