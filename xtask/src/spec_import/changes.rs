//! The change report: what a fresh import changes against the committed spec, in the terms a
//! maintainer needs to choose a version bump (operations and fields added, removed, renamed,
//! retyped, made nullable or required).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// Changes of one module.
#[derive(Debug, Default)]
pub struct Report {
    pub lines: Vec<String>,
    pub breaking: usize,
    pub additive: usize,
    pub new_module: bool,
}

impl Report {
    /// One line: counts and the version bump they call for.
    pub fn headline(&self) -> String {
        if self.new_module {
            return "new module".into();
        }
        let bump = if self.breaking > 0 {
            "breaking (major)"
        } else if self.additive > 0 {
            "additive (minor)"
        } else {
            "no API change"
        };
        format!(
            "{} breaking, {} additive change(s): {bump}",
            self.breaking, self.additive
        )
    }

    fn breaking(&mut self, line: String) {
        self.breaking += 1;
        self.lines.push(format!("breaking: {line}"));
    }

    fn additive(&mut self, line: String) {
        self.additive += 1;
        self.lines.push(format!("added: {line}"));
    }
}

/// Each operation with its parameters, path-level ones and `$ref`s resolved.
struct Operation<'a> {
    op: &'a Value,
    params: BTreeMap<String, &'a Value>,
}

fn operations(doc: &Value) -> BTreeMap<String, Operation<'_>> {
    crate::load::operations(doc)
        .into_iter()
        .map(|(path, method, op, item)| {
            let lists = item
                .get("parameters")
                .into_iter()
                .chain(op.get("parameters"));
            let params = params(doc, lists);
            (
                format!("{} {path}", method.to_uppercase()),
                Operation { op, params },
            )
        })
        .collect()
}

fn schemas(doc: &Value) -> BTreeMap<&String, &Value> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.iter().collect())
        .unwrap_or_default()
}

/// `integer/int64`, `Job`, `array of Job`; and whether null is allowed.
fn shape(s: &Value) -> (String, bool) {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return (r.rsplit('/').next().unwrap_or(r).to_string(), false);
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(alts) = s.get(key).and_then(Value::as_array) {
            let null = alts
                .iter()
                .any(|a| a.get("type") == Some(&Value::from("null")));
            let rest: Vec<String> = alts
                .iter()
                .filter(|a| a.get("type") != Some(&Value::from("null")))
                .map(|a| shape(a).0)
                .collect();
            return (rest.join(" | "), null);
        }
    }
    let (ty, null) = match s.get("type") {
        Some(Value::String(t)) => (t.clone(), false),
        Some(Value::Array(ts)) => {
            let null = ts.iter().any(|t| t == "null");
            let rest: Vec<&str> = ts
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect();
            (rest.join("|"), null)
        }
        _ => ("any".to_string(), false),
    };
    let null = null || s.get("nullable") == Some(&Value::Bool(true));
    let ty = match (ty.as_str(), s.get("format").and_then(Value::as_str)) {
        ("array", _) => format!(
            "array of {}",
            s.get("items").map(|i| shape(i).0).unwrap_or_default()
        ),
        // The generator reads `guid` as `uuid`: the same Rust type.
        (t, Some("guid")) => format!("{t}/uuid"),
        (t, Some(f)) => format!("{t}/{f}"),
        (t, None) => t.to_string(),
    };
    (ty, null)
}

fn required(s: &Value) -> BTreeSet<&str> {
    s.get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn properties(s: &Value) -> BTreeMap<&String, &Value> {
    s.get("properties")
        .and_then(Value::as_object)
        .map(|p| p.iter().collect())
        .unwrap_or_default()
}

fn params<'a>(
    doc: &'a Value,
    lists: impl Iterator<Item = &'a Value>,
) -> BTreeMap<String, &'a Value> {
    lists
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|p| {
            let p = match p.get("$ref").and_then(Value::as_str) {
                Some(r) => crate::pointer::resolve(doc, r)?,
                None => p,
            };
            let name = p.get("name")?.as_str()?;
            let place = p.get("in")?.as_str()?;
            Some((format!("{place} {name}"), p))
        })
        .collect()
}

/// Compares the committed spec (if any) with a fresh import.
pub fn compare(old: Option<&Value>, new: &Value) -> Report {
    let mut r = Report::default();
    let Some(old) = old else {
        r.new_module = true;
        return r;
    };
    let (oa, ob) = (operations(old), operations(new));
    for (key, new_op) in &ob {
        let id = new_op
            .op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("");
        match oa.get(key) {
            None => r.additive(format!("operation {key} ({id})")),
            Some(before) => {
                let was = before
                    .op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if was != id {
                    r.breaking(format!("operation {key} renamed {was} → {id}"));
                }
                let (pa, pb) = (&before.params, &new_op.params);
                for (name, p) in pb {
                    let req = p.get("required") == Some(&Value::Bool(true));
                    match pa.get(name) {
                        None if req => r.breaking(format!("{id}: new required parameter {name}")),
                        None => r.additive(format!("{id}: parameter {name}")),
                        Some(q) => {
                            let (ta, tb) = (
                                q.get("schema").map(shape).unwrap_or_default().0,
                                p.get("schema").map(shape).unwrap_or_default().0,
                            );
                            if ta != tb {
                                r.breaking(format!("{id}: parameter {name} type {ta} → {tb}"));
                            }
                        }
                    }
                }
                for name in pa.keys().filter(|n| !pb.contains_key(*n)) {
                    r.breaking(format!("{id}: parameter {name} removed"));
                }
            }
        }
    }
    for (key, old_op) in &oa {
        if !ob.contains_key(key) {
            let id = old_op
                .op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or("");
            r.breaking(format!("operation {key} ({id}) removed"));
        }
    }
    let (sa, sb) = (schemas(old), schemas(new));
    for (name, s) in &sb {
        let Some(before) = sa.get(name) else {
            r.additive(format!("model {name}"));
            continue;
        };
        let (pa, pb) = (properties(before), properties(s));
        let (ra, rb) = (required(before), required(s));
        for (prop, p) in &pb {
            match pa.get(prop) {
                None => r.additive(format!("{name}.{prop}")),
                Some(q) => {
                    let ((ta, na), (tb, nb)) = (shape(q), shape(p));
                    if ta != tb {
                        r.breaking(format!("{name}.{prop}: type {ta} → {tb}"));
                    }
                    if na != nb {
                        let what = if nb {
                            "now nullable"
                        } else {
                            "no longer nullable"
                        };
                        r.breaking(format!("{name}.{prop}: {what}"));
                    }
                }
            }
            let (qa, qb) = (ra.contains(prop.as_str()), rb.contains(prop.as_str()));
            if qa != qb && pa.contains_key(prop) {
                let what = if qb { "now required" } else { "now optional" };
                r.breaking(format!("{name}.{prop}: {what}"));
            }
        }
        for prop in pa.keys().filter(|p| !pb.contains_key(*p)) {
            r.breaking(format!("{name}.{prop} removed"));
        }
        let (ea, eb) = (enum_values(before), enum_values(s));
        for v in eb.difference(&ea) {
            r.additive(format!("{name}: enum value {v}"));
        }
        for v in ea.difference(&eb) {
            r.breaking(format!("{name}: enum value {v} removed"));
        }
    }
    for name in sa.keys().filter(|n| !sb.contains_key(*n)) {
        r.breaking(format!("model {name} removed"));
    }
    r
}

fn enum_values(s: &Value) -> BTreeSet<String> {
    s.get("enum")
        .and_then(Value::as_array)
        .map(|e| e.iter().map(|v| v.to_string()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_what_a_version_bump_needs() {
        let old = json!({
            "paths": {"/a": {"get": {"operationId": "listA", "parameters": [
                {"name": "x", "in": "query", "schema": {"type": "string"}}]}},
                      "/b": {"get": {"operationId": "getB"}}},
            "components": {"schemas": {"A": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "integer", "format": "int64"},
                "gone": {"type": "string"},
                "n": {"type": "string"}}}}}
        });
        let new = json!({
            "paths": {"/a": {"get": {"operationId": "listAll", "parameters": [
                {"name": "x", "in": "query", "schema": {"type": "integer"}},
                {"name": "y", "in": "query", "schema": {"type": "string"}}]}},
                      "/c": {"post": {"operationId": "createC"}}},
            "components": {"schemas": {"A": {"type": "object", "properties": {
                "id": {"type": "integer", "format": "int64"},
                "n": {"type": ["string", "null"]},
                "extra": {"type": "boolean"}}}, "C": {"type": "object"}}}
        });
        let r = compare(Some(&old), &new);
        let text = r.lines.join("\n");
        for expected in [
            "breaking: operation GET /a renamed listA → listAll",
            "breaking: listAll: parameter query x type string → integer",
            "added: listAll: parameter query y",
            "added: operation POST /c (createC)",
            "breaking: operation GET /b (getB) removed",
            "breaking: A.id: now optional",
            "breaking: A.n: now nullable",
            "added: A.extra",
            "breaking: A.gone removed",
            "added: model C",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
        assert!(r.headline().contains("breaking (major)"));
        assert_eq!(
            compare(Some(&new), &new).headline(),
            "0 breaking, 0 additive change(s): no API change"
        );
    }
}
