//! The Singer protocol: a sync written as `SCHEMA`, `RECORD` and `STATE` messages, one JSON
//! object per line, for any Singer target (Meltano and the loaders built on it). Records are
//! the server's JSON text, embedded as they are; a `STATE` follows each committed batch and
//! carries every stream's position (`{"bookmarks": {stream: position}}`), so a run given the
//! last one continues exactly where the last run stopped.
//!
//! Stream names are the resource in snake case (`jpm.jobs` → `jobs`,
//! `dispatch.appointment-assignments` → `appointment_assignments`), the names the Python
//! ServiceTitan tap for Meltano uses where a stream exists in both; a resource two modules
//! share is prefixed with its module (`pricebook_categories`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;

use serde_json::{json, Value};
use servicetitan::Error;

use crate::catalog::{StreamDef, StreamKind};
use crate::dest::{Batch, Destination, Unseen};
use crate::state::StreamState;

/// The Singer name of every stream of `catalog`.
pub fn names(catalog: &[StreamDef]) -> HashMap<&'static str, String> {
    let plain = |s: &StreamDef| {
        let resource = &s.name[s.module.name.len() + 1..];
        resource.replace(['-', '.'], "_")
    };
    let mut uses: HashMap<String, usize> = HashMap::new();
    for s in catalog {
        *uses.entry(plain(s)).or_default() += 1;
    }
    catalog
        .iter()
        .map(|s| {
            let name = plain(s);
            let name = if uses[&name] > 1 {
                format!("{}_{name}", s.module.name.replace('-', "_"))
            } else {
                name
            };
            (s.name, name)
        })
        .collect()
}

/// The record schema of `stream` (from the specs), `{"type": "object"}` when none is known.
pub fn schema(stream: &StreamDef) -> Value {
    serde_json::from_str(stream.op.item_schema).unwrap_or_else(|_| json!({"type": "object"}))
}

/// `[field]` when the record schema has that property, else `[]`.
fn listed_if_present(schema: &Value, field: &str) -> Value {
    match schema.get("properties").and_then(|p| p.get(field)) {
        Some(_) => json!([field]),
        None => json!([]),
    }
}

/// The stream's key: `id` when the record schema has one.
fn key_properties(schema: &Value) -> Value {
    listed_if_present(schema, "id")
}

/// The stream's bookmark: `modifiedOn` when the record schema has one.
fn bookmark_properties(schema: &Value) -> Value {
    listed_if_present(schema, StreamDef::MODIFIED_ON)
}

/// The `SCHEMA` message of `stream`, named `name`.
pub fn schema_message(stream: &StreamDef, name: &str) -> Value {
    let schema = schema(stream);
    json!({
        "type": "SCHEMA",
        "stream": name,
        "key_properties": key_properties(&schema),
        "bookmark_properties": bookmark_properties(&schema),
        "schema": schema,
    })
}

/// The catalog `--discover` prints: every stream with its schema and metadata; the streams of
/// `selected` are marked selected.
pub fn discover(catalog: &[StreamDef], selected: &[StreamDef]) -> Value {
    let names = names(catalog);
    let streams: Vec<Value> = catalog
        .iter()
        .map(|s| {
            let name = &names[s.name];
            let schema = schema(s);
            let (method, key) = match (s.kind, s.incremental) {
                (StreamKind::Export, _) => ("INCREMENTAL", json!(null)),
                (StreamKind::List, Some(_)) => ("INCREMENTAL", json!(StreamDef::MODIFIED_ON)),
                (StreamKind::List, None) => ("FULL_TABLE", json!(null)),
            };
            json!({
                "tap_stream_id": name,
                "stream": name,
                "schema": schema,
                "key_properties": key_properties(&schema),
                "replication_method": method,
                "replication_key": key,
                "metadata": [{
                    "breadcrumb": [],
                    "metadata": {
                        "inclusion": "available",
                        "selected": selected.iter().any(|c| c.name == s.name),
                        "table-key-properties": key_properties(&schema),
                        "forced-replication-method": method,
                        "valid-replication-keys": if key.is_null() { json!([]) } else { json!([key]) },
                        "servicetitan-stream": s.name,
                    }
                }]
            })
        })
        .collect();
    json!({ "streams": streams })
}

/// The streams a Singer catalog selects (`selected: true` in a stream's top-level metadata, or
/// on the stream itself).
pub fn selected_in(catalog: &[StreamDef], singer_catalog: &Value) -> Result<Vec<StreamDef>, Error> {
    let names = names(catalog);
    let by_name: HashMap<&str, &StreamDef> = catalog
        .iter()
        .map(|s| (names[s.name].as_str(), s))
        .collect();
    let streams = singer_catalog
        .get("streams")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::Config("the catalog has no \"streams\" array".into()))?;
    let mut chosen = Vec::new();
    for entry in streams {
        let id = entry
            .get("tap_stream_id")
            .or_else(|| entry.get("stream"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let top = entry
            .get("metadata")
            .and_then(Value::as_array)
            .and_then(|m| {
                m.iter().find(|e| {
                    e.get("breadcrumb")
                        .and_then(Value::as_array)
                        .is_some_and(|b| b.is_empty())
                })
            })
            .and_then(|e| e.get("metadata"));
        let selected = top
            .and_then(|m| m.get("selected"))
            .or_else(|| entry.get("selected"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if !selected {
            continue;
        }
        let stream = by_name.get(id).ok_or_else(|| {
            Error::Config(format!(
                "the catalog selects {id:?}, which this tap does not have"
            ))
        })?;
        chosen.push(**stream);
    }
    Ok(chosen)
}

/// Writes a sync as Singer messages to `out` (stdout): `SCHEMA` when a stream starts, its
/// `RECORD`s and a `STATE` after each committed batch.
pub struct SingerDestination<W: Write + Send> {
    out: W,
    names: HashMap<&'static str, String>,
    bookmarks: BTreeMap<String, StreamState>,
    announced: HashSet<&'static str>,
}

impl<W: Write + Send> SingerDestination<W> {
    /// Messages to `out`; `state` is the value of the last `STATE` message of an earlier run
    /// (`{"bookmarks": {...}}`), if any.
    pub fn new(out: W, catalog: &[StreamDef], state: Option<&Value>) -> Result<Self, Error> {
        let bookmarks = match state.and_then(|s| s.get("bookmarks")) {
            Some(b) => serde_json::from_value(b.clone())
                .map_err(|e| Error::Config(format!("the state's bookmarks are unreadable: {e}")))?,
            None => BTreeMap::new(),
        };
        Ok(SingerDestination {
            out,
            names: names(catalog),
            bookmarks,
            announced: HashSet::new(),
        })
    }

    fn name(&self, stream: &StreamDef) -> String {
        self.names
            .get(stream.name)
            .cloned()
            .unwrap_or_else(|| stream.table())
    }

    fn write_line(&mut self, line: &str) -> Result<(), Error> {
        self.out.write_all(line.as_bytes())?;
        self.out.write_all(b"\n")?;
        Ok(())
    }
}

impl<W: Write + Send> Destination for SingerDestination<W> {
    fn state(&mut self, stream: &StreamDef) -> Result<Option<StreamState>, Error> {
        let name = self.name(stream);
        if self.announced.insert(stream.name) {
            let message = schema_message(stream, &name).to_string();
            self.write_line(&message)?;
            self.out.flush()?;
        }
        Ok(self.bookmarks.get(&name).cloned())
    }

    fn restart(&mut self, _: &StreamDef) -> Result<(), Error> {
        // Targets replace records by their key properties.
        Ok(())
    }

    fn commit(&mut self, batch: &Batch<'_>) -> Result<(), Error> {
        let Batch {
            stream,
            records,
            state,
            synced_at,
        } = *batch;
        let name = self.name(stream);
        let prefix = format!(
            "{{\"type\":\"RECORD\",\"stream\":{},\"time_extracted\":{},\"record\":",
            json!(name),
            json!(synced_at)
        );
        for r in records {
            let line = format!("{prefix}{}}}", r.json.get());
            self.write_line(&line)?;
        }
        self.bookmarks.insert(name, state.clone());
        let message = json!({"type": "STATE", "value": {"bookmarks": self.bookmarks}}).to_string();
        self.write_line(&message)?;
        self.out.flush()?;
        Ok(())
    }

    fn mark_unseen_deleted(&mut self, _: &Unseen<'_>) -> Result<u64, Error> {
        Ok(0)
    }

    fn replaces_by_key(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::catalog;

    #[test]
    fn names_follow_the_resource_and_are_unique() {
        let all = catalog();
        let names = names(&all);
        assert_eq!(names["jpm.jobs"], "jobs");
        assert_eq!(names["crm.customers"], "customers");
        assert_eq!(
            names["dispatch.appointment-assignments"],
            "appointment_assignments"
        );
        assert_eq!(names["settings.business-units"], "business_units");
        let unique: HashSet<&String> = names.values().collect();
        assert_eq!(unique.len(), names.len());
    }

    #[test]
    fn schemas_come_from_the_specs() {
        let all = catalog();
        let jobs = all.iter().find(|s| s.name == "jpm.jobs").unwrap();
        let message = schema_message(jobs, "jobs");
        assert_eq!(message["key_properties"], json!(["id"]));
        assert_eq!(message["bookmark_properties"], json!(["modifiedOn"]));
        assert_eq!(
            message["schema"]["properties"]["modifiedOn"]["format"],
            "date-time"
        );
        let discovered = discover(&all, &all[..1]);
        let selected = selected_in(&all, &discovered).unwrap();
        assert_eq!(selected.len(), 1);
        assert_eq!(selected[0].name, all[0].name);
    }
}
