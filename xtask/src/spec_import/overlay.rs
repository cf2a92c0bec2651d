//! `specs/overlays/<module>.yaml`: what we know better than the official document, each
//! correction with its reason. The format is described in `specs/overlays/README.md`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Value};

/// One module's overlay.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// Our title and description of the module.
    #[serde(default)]
    pub info: Info,
    /// Tag name → our description. Every tag must be used by an operation.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// `METHOD /path` → our name and words for the operation.
    #[serde(default)]
    pub operations: BTreeMap<String, OperationOverlay>,
    /// Official schema key → our name and words for the model.
    #[serde(default)]
    pub models: BTreeMap<String, ModelOverlay>,
    /// Operations the newest documents dropped that we keep, copied from an older set.
    #[serde(default)]
    pub restore: Vec<Restore>,
    /// Operations an older set had that we decided not to keep (documentation; checked by
    /// spec-diff, which lists them as removed upstream).
    #[serde(default)]
    pub not_restored: Vec<NotRestored>,
    /// Our own operations and schemas, which no official document describes.
    #[serde(default)]
    pub additions: Option<Additions>,
    /// Corrections of facts, applied last.
    #[serde(default)]
    pub corrections: Vec<Correction>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Info {
    pub title: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationOverlay {
    /// The operation's name (camelCase; the Rust method is its snake_case form).
    pub name: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// Shown in `#[deprecated]` when the document deprecates the operation.
    pub deprecated_note: Option<String>,
    /// Parameter name → our description.
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelOverlay {
    /// The model's Rust name.
    pub name: Option<String>,
    pub description: Option<String>,
    /// Property name → our description.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// Shown in `#[deprecated]` when the document deprecates the model.
    pub deprecated_note: Option<String>,
    /// Property name → what `#[deprecated]` says, for properties the document deprecates.
    #[serde(default)]
    pub deprecated_notes: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Restore {
    /// `METHOD /path`.
    pub operation: String,
    /// The sibling directory of the official set to copy it from (`official-2026-03`).
    pub from: String,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotRestored {
    pub operation: String,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Additions {
    pub reason: String,
    /// Path items, in our names (`$ref`s point at our schema names).
    #[serde(default)]
    pub paths: Map<String, Value>,
    /// Schemas, in our names.
    #[serde(default)]
    pub schemas: Map<String, Value>,
}

/// One change of facts at a JSON pointer of the imported document (after renaming).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// JSON pointer (`/paths/~1tenant~1{tenant}~1images/post/requestBody`).
    pub at: String,
    /// Replace (or insert) the value at `at`.
    pub set: Option<Value>,
    /// Merge these keys into the object at `at`.
    pub merge: Option<Map<String, Value>>,
    /// Remove the value at `at`.
    #[serde(default)]
    pub remove: bool,
    /// Why the document is wrong here. Required.
    pub reason: String,
    /// Starts of the `spec-diff` lines this correction explains.
    #[serde(default)]
    pub diff: Vec<String>,
}

impl Overlay {
    /// Reads an overlay; a missing file is an empty overlay.
    pub fn load(path: &Path) -> Result<Overlay, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Overlay::default()),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let overlay: Overlay = serde_yaml::from_str(&text).map_err(|e| {
            let at = e
                .location()
                .map(|l| format!(" at line {} column {}", l.line(), l.column()))
                .unwrap_or_default();
            format!("{}{at}: {e}", path.display())
        })?;
        for (i, c) in overlay.corrections.iter().enumerate() {
            let what = [c.set.is_some(), c.merge.is_some(), c.remove]
                .iter()
                .filter(|b| **b)
                .count();
            if what != 1 {
                return Err(format!(
                    "{} at /corrections/{i}: a correction needs exactly one of set, merge, remove",
                    path.display()
                ));
            }
            if c.reason.trim().is_empty() {
                return Err(format!(
                    "{} at /corrections/{i}: a correction needs a reason",
                    path.display()
                ));
            }
        }
        for (i, r) in overlay.restore.iter().enumerate() {
            if r.reason.trim().is_empty() {
                return Err(format!(
                    "{} at /restore/{i}: a restored operation needs a reason",
                    path.display()
                ));
            }
        }
        Ok(overlay)
    }
}

/// Splits `GET /tenant/{tenant}/jobs` into (`get`, `/tenant/{tenant}/jobs`).
pub fn split_operation_key(key: &str) -> Option<(String, &str)> {
    let (method, path) = key.split_once(' ')?;
    let method = method.to_ascii_lowercase();
    crate::load::METHODS
        .contains(&method.as_str())
        .then_some((method, path.trim()))
}

/// `get`, `/tenant/{tenant}/jobs` → `GET /tenant/{tenant}/jobs`.
pub fn operation_key(method: &str, path: &str) -> String {
    format!("{} {path}", method.to_ascii_uppercase())
}

/// Applies one correction to `doc`.
pub fn apply_correction(doc: &mut Value, c: &Correction) -> Result<(), String> {
    let (parent_ptr, last) = match c.at.rfind('/') {
        Some(i) if c.at.starts_with('/') => (&c.at[..i], unescape(&c.at[i + 1..])),
        _ => return Err(format!("{:?} is not a JSON pointer", c.at)),
    };
    let parent = doc
        .pointer_mut(parent_ptr)
        .ok_or_else(|| format!("{}: nothing there to correct", parent_ptr))?;
    if let Some(merge) = &c.merge {
        let target = match parent {
            Value::Object(o) => o.get_mut(&last),
            Value::Array(a) => last.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
            _ => None,
        }
        .and_then(Value::as_object_mut)
        .ok_or_else(|| format!("{}: no object there to merge into", c.at))?;
        for (k, v) in merge {
            target.insert(k.clone(), v.clone());
        }
        return Ok(());
    }
    match parent {
        Value::Object(o) => {
            if c.remove {
                o.remove(&last)
                    .ok_or_else(|| format!("{}: nothing there to remove", c.at))?;
            } else if let Some(v) = &c.set {
                o.insert(last, v.clone());
            }
            Ok(())
        }
        Value::Array(a) => {
            let i: usize = last
                .parse()
                .map_err(|_| format!("{}: {last:?} is not an array index", c.at))?;
            if i >= a.len() {
                return Err(format!("{}: index {i} is past the end", c.at));
            }
            if c.remove {
                a.remove(i);
            } else if let Some(v) = &c.set {
                a[i] = v.clone();
            }
            Ok(())
        }
        _ => Err(format!("{}: its parent is not an object or array", c.at)),
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn correction(at: &str, set: Option<Value>, remove: bool) -> Correction {
        Correction {
            at: at.into(),
            set,
            merge: None,
            remove,
            reason: "because".into(),
            diff: vec![],
        }
    }

    #[test]
    fn corrections_set_and_remove_and_fail_on_missing_targets() {
        let mut doc = json!({"paths": {"/a/b": {"get": {"x": 1}}}});
        apply_correction(
            &mut doc,
            &correction("/paths/~1a~1b/get/y", Some(json!(2)), false),
        )
        .unwrap();
        apply_correction(&mut doc, &correction("/paths/~1a~1b/get/x", None, true)).unwrap();
        assert_eq!(doc, json!({"paths": {"/a/b": {"get": {"y": 2}}}}));
        let err =
            apply_correction(&mut doc, &correction("/paths/~1a~1c/get/x", None, true)).unwrap_err();
        assert!(err.contains("/paths/~1a~1c/get"), "{err}");
        let err =
            apply_correction(&mut doc, &correction("/paths/~1a~1b/get/x", None, true)).unwrap_err();
        assert!(err.contains("nothing there to remove"), "{err}");
    }

    #[test]
    fn operation_keys_round_trip() {
        assert_eq!(
            split_operation_key("GET /tenant/{tenant}/jobs"),
            Some(("get".into(), "/tenant/{tenant}/jobs"))
        );
        assert_eq!(split_operation_key("FETCH /x"), None);
        assert_eq!(operation_key("post", "/x"), "POST /x");
    }
}
