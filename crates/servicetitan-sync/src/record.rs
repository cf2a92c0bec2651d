//! One record as a stream writes it: its key, its `modifiedOn`, and its JSON text as sent.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

/// A record with what the destinations index it by.
#[derive(Clone, Debug)]
pub struct Record {
    /// The `id` as the server wrote it (`123`, `"abc"`), or `sha256:<hex>` of the record's text
    /// when it has none.
    pub key: String,
    /// Its `modifiedOn`, when it has a readable one.
    pub modified_on: Option<DateTime<Utc>>,
    /// The record exactly as the server sent it.
    pub json: Box<RawValue>,
}

#[derive(Deserialize)]
struct Keys<'a> {
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(rename = "modifiedOn", default)]
    modified_on: Option<serde_json::Value>,
}

impl Record {
    /// Reads the key and `modifiedOn` of `json`; a record that is no object still has a key
    /// (its hash).
    pub fn new(json: Box<RawValue>) -> Record {
        // Only an object has fields (serde would read an array as a struct's fields in order).
        let keys: Option<Keys> = json
            .get()
            .trim_start()
            .starts_with('{')
            .then(|| serde_json::from_str(json.get()).ok())
            .flatten();
        let key = match keys.as_ref().and_then(|k| k.id) {
            Some(id) if id.get() != "null" => id.get().to_string(),
            _ => {
                let digest = Sha256::digest(json.get().as_bytes());
                let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                format!("sha256:{hex}")
            }
        };
        let modified_on = keys
            .and_then(|k| k.modified_on)
            .and_then(|v| v.as_str().and_then(parse_time));
        Record {
            key,
            modified_on,
            json,
        }
    }

    /// `key@modifiedOn`: one version of a record (what a file destination skips when a run's
    /// overlap reads it again).
    pub fn version(&self) -> String {
        match &self.modified_on {
            Some(t) => format!("{}@{}", self.key, t.to_rfc3339()),
            None => self.key.clone(),
        }
    }
}

/// A date-time as the API writes them (RFC 3339, with or without the zone: UTC).
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_string()).unwrap()
    }

    #[test]
    fn keys_and_times() {
        let r = Record::new(raw(
            r#"{"id":12345678901234567890,"modifiedOn":"2024-05-01T10:00:00.5Z","total":1.10}"#,
        ));
        assert_eq!(r.key, "12345678901234567890");
        assert_eq!(
            r.json.get(),
            r#"{"id":12345678901234567890,"modifiedOn":"2024-05-01T10:00:00.5Z","total":1.10}"#
        );
        assert_eq!(
            r.version(),
            "12345678901234567890@2024-05-01T10:00:00.500+00:00"
        );
        let no_id = Record::new(raw(r#"{"name":"x","modifiedOn":"2024-05-01T10:00:00"}"#));
        assert!(no_id.key.starts_with("sha256:"));
        assert!(no_id.modified_on.is_some());
        assert!(Record::new(raw("[1,2]")).key.starts_with("sha256:"));
        assert_eq!(Record::new(raw(r#"{"id":"A-1"}"#)).key, r#""A-1""#);
    }
}
