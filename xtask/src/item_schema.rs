//! The JSON Schema of one record of a list or export operation, self-contained (references
//! inlined), for tools that describe streams to others (the Singer `SCHEMA` message). Responses
//! are read leniently, so the schema is too: every property may be null, nothing is required,
//! enum values are not enumerated, and records may carry properties it does not name.

use serde_json::{json, Map, Value};

/// How deep references are inlined; deeper (or cyclic) parts become `{}` (anything).
const MAX_DEPTH: usize = 6;

/// The schema of one item of `data` in the page model `page_schema` of `doc` (the normalized
/// OpenAPI 3.0 document), or `None` when the page has no such array.
pub fn item_schema(doc: &Value, page_schema: &str) -> Option<Value> {
    let page = doc.get("components")?.get("schemas")?.get(page_schema)?;
    let items = resolve(doc, page)?.get("properties")?.get("data")?;
    let items = resolve(doc, items)?.get("items")?;
    Some(convert(doc, items, 0))
}

/// The schema `s` points at, following one `$ref` chain.
fn resolve<'a>(doc: &'a Value, s: &'a Value) -> Option<&'a Value> {
    let mut s = s;
    for _ in 0..16 {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => s = doc.pointer(r.strip_prefix('#')?)?,
            None => return Some(s),
        }
    }
    None
}

fn nullable(kind: &str) -> Value {
    json!(["null", kind])
}

fn convert(doc: &Value, s: &Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return json!({});
    }
    let Some(s) = resolve(doc, s) else {
        return json!({});
    };
    if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
        let converted: Vec<Value> = parts.iter().map(|p| convert(doc, p, depth + 1)).collect();
        // One part (`allOf: [$ref]`, how a nullable reference is written): that part.
        if let [only] = converted.as_slice() {
            return only.clone();
        }
        // Several: objects merge their properties; anything else is left open.
        let mut properties = Map::new();
        for part in &converted {
            match part.get("properties").and_then(Value::as_object) {
                Some(p) => properties.extend(p.clone()),
                None => return json!({}),
            }
        }
        return json!({"type": nullable("object"), "properties": properties});
    }
    if s.get("oneOf").is_some() || s.get("anyOf").is_some() {
        return json!({});
    }
    let mut out = Map::new();
    match s.get("type").and_then(Value::as_str) {
        Some("object") | None if s.get("properties").is_some() => {
            let mut properties = Map::new();
            if let Some(p) = s.get("properties").and_then(Value::as_object) {
                for (name, schema) in p {
                    properties.insert(name.clone(), convert(doc, schema, depth + 1));
                }
            }
            out.insert("type".into(), nullable("object"));
            out.insert("properties".into(), Value::Object(properties));
        }
        Some("array") => {
            out.insert("type".into(), nullable("array"));
            let items = s
                .get("items")
                .map_or(json!({}), |i| convert(doc, i, depth + 1));
            out.insert("items".into(), items);
        }
        Some(kind @ ("string" | "integer" | "number" | "boolean" | "object")) => {
            out.insert("type".into(), nullable(kind));
            if kind == "string" {
                if let Some(f @ ("date-time" | "date")) = s.get("format").and_then(Value::as_str) {
                    out.insert("format".into(), json!(f));
                }
            }
        }
        _ => {}
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_inlined_lenient_and_bounded() {
        let doc = json!({"components": {"schemas": {
            "Page": {"type": "object", "properties": {
                "hasMore": {"type": "boolean"},
                "data": {"type": "array", "items": {"$ref": "#/components/schemas/Job"}}}},
            "Job": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "integer", "format": "int64"},
                "modifiedOn": {"type": "string", "format": "date-time"},
                "status": {"type": "string", "enum": ["A", "B"]},
                "parent": {"$ref": "#/components/schemas/Job"},
                "tags": {"type": "array", "items": {"type": "string"}}}}
        }}});
        let s = item_schema(&doc, "Page").unwrap();
        assert_eq!(s["type"], json!(["null", "object"]));
        assert_eq!(s["properties"]["id"], json!({"type": ["null", "integer"]}));
        assert_eq!(
            s["properties"]["modifiedOn"],
            json!({"type": ["null", "string"], "format": "date-time"})
        );
        assert!(s["properties"]["status"].get("enum").is_none());
        assert!(s.get("required").is_none());
        assert_eq!(
            s["properties"]["tags"]["items"],
            json!({"type": ["null", "string"]})
        );
        // The cycle ends in `{}` instead of recursing forever.
        let mut deep = &s;
        for _ in 0..MAX_DEPTH + 2 {
            match deep["properties"].get("parent") {
                Some(p) => deep = p,
                None => break,
            }
        }
        assert!(deep.get("properties").is_none());
        assert!(item_schema(&doc, "Job").is_none());

        // A nullable reference to an enum stays a string; a union is left open.
        let doc = json!({"components": {"schemas": {
            "Page": {"properties": {"data": {"items": {"$ref": "#/components/schemas/C"}}}},
            "Kind": {"type": "string", "enum": ["Residential", "Commercial"]},
            "C": {"type": "object", "properties": {
                "type": {"allOf": [{"$ref": "#/components/schemas/Kind"}], "nullable": true},
                "either": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}}
        }}});
        let s = item_schema(&doc, "Page").unwrap();
        assert_eq!(s["properties"]["type"], json!({"type": ["null", "string"]}));
        assert_eq!(s["properties"]["either"], json!({}));
    }
}
