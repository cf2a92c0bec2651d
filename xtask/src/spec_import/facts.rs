//! The facts of an official document, without its prose, in OpenAPI 3.1 form.
//!
//! Keys are kept by a whitelist per kind of object (operation, parameter, schema, ...), so a
//! summary, description, title or example can never slip through under a key nobody thought of.
//! Property names inside `properties` are data, not keywords, and are always kept.

use serde_json::{json, Map, Value};

use crate::load::METHODS;

/// Schema keywords that state facts (types, shapes, constraints, deprecation).
const SCHEMA_KEYS: &[&str] = &[
    "$ref",
    "type",
    "format",
    "enum",
    "const",
    "default",
    "nullable",
    "required",
    "properties",
    "patternProperties",
    "additionalProperties",
    "items",
    "prefixItems",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
    "minProperties",
    "maxProperties",
    "deprecated",
    "readOnly",
    "writeOnly",
    "discriminator",
    "contentMediaType",
    "contentEncoding",
];

/// Keeps the whitelisted keys of `obj`, in their order.
fn keep(obj: &Map<String, Value>, keys: &[&str]) -> Map<String, Value> {
    obj.iter()
        .filter(|(k, _)| keys.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// One schema, recursively.
pub fn schema(v: &Value) -> Value {
    let Value::Object(obj) = v else {
        // `true`/`false` schemas and malformed values are kept as they are.
        return v.clone();
    };
    let mut out = keep(obj, SCHEMA_KEYS);
    for key in ["properties", "patternProperties"] {
        if let Some(Value::Object(props)) = out.get_mut(key) {
            for child in props.values_mut() {
                *child = schema(child);
            }
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child @ Value::Object(_)) = out.get_mut(key) {
            *child = schema(child);
        }
    }
    for key in ["allOf", "oneOf", "anyOf", "prefixItems", "items"] {
        if let Some(Value::Array(items)) = out.get_mut(key) {
            for child in items.iter_mut() {
                *child = schema(child);
            }
        }
    }
    if let Some(Value::Object(d)) = out.get_mut("discriminator") {
        d.retain(|k, _| k == "propertyName" || k == "mapping");
    }
    Value::Object(out)
}

fn media_map(v: &Value) -> Value {
    let Value::Object(content) = v else {
        return v.clone();
    };
    let mut out = Map::new();
    for (media_type, media) in content {
        let Value::Object(media) = media else {
            out.insert(media_type.clone(), media.clone());
            continue;
        };
        let mut m = Map::new();
        if let Some(s) = media.get("schema") {
            m.insert("schema".into(), schema(s));
        }
        if let Some(Value::Object(enc)) = media.get("encoding") {
            let enc: Map<String, Value> = enc
                .iter()
                .map(|(k, e)| {
                    let e = e
                        .as_object()
                        .map(|e| keep(e, &["contentType", "style", "explode", "allowReserved"]))
                        .unwrap_or_default();
                    (k.clone(), Value::Object(e))
                })
                .collect();
            m.insert("encoding".into(), Value::Object(enc));
        }
        out.insert(media_type.clone(), Value::Object(m));
    }
    Value::Object(out)
}

/// One parameter (or a `$ref` to one).
pub fn parameter(v: &Value) -> Value {
    let Value::Object(obj) = v else {
        return v.clone();
    };
    let mut out = keep(
        obj,
        &[
            "$ref",
            "name",
            "in",
            "required",
            "deprecated",
            "allowEmptyValue",
            "style",
            "explode",
            "allowReserved",
            "schema",
            "content",
        ],
    );
    if let Some(s) = out.get_mut("schema") {
        *s = schema(s);
    }
    if let Some(c) = out.get_mut("content") {
        *c = media_map(c);
    }
    Value::Object(out)
}

fn request_body(v: &Value) -> Value {
    let Value::Object(obj) = v else {
        return v.clone();
    };
    let mut out = keep(obj, &["$ref", "content", "required"]);
    if let Some(c) = out.get_mut("content") {
        *c = media_map(c);
    }
    Value::Object(out)
}

fn response(v: &Value) -> Value {
    let Value::Object(obj) = v else {
        return v.clone();
    };
    let mut out = keep(obj, &["$ref", "content", "headers"]);
    if let Some(c) = out.get_mut("content") {
        *c = media_map(c);
    }
    if let Some(Value::Object(headers)) = out.get_mut("headers") {
        for h in headers.values_mut() {
            if let Value::Object(ho) = h {
                let mut kept = keep(ho, &["$ref", "required", "deprecated", "schema"]);
                if let Some(s) = kept.get_mut("schema") {
                    *s = schema(s);
                }
                *h = Value::Object(kept);
            }
        }
    }
    Value::Object(out)
}

/// One operation: method facts only. Summaries and descriptions come from our overlay.
pub fn operation(v: &Value) -> Value {
    let Value::Object(obj) = v else {
        return v.clone();
    };
    let mut out = keep(
        obj,
        &[
            "operationId",
            "tags",
            "parameters",
            "requestBody",
            "responses",
            "deprecated",
        ],
    );
    if let Some(Value::Array(ps)) = out.get_mut("parameters") {
        for p in ps.iter_mut() {
            *p = parameter(p);
        }
    }
    if let Some(b) = out.get_mut("requestBody") {
        *b = request_body(b);
    }
    if let Some(Value::Object(rs)) = out.get_mut("responses") {
        for r in rs.values_mut() {
            *r = response(r);
        }
    }
    Value::Object(out)
}

/// Paths: every operation of every path item, and path-level parameters.
pub fn paths(v: &Value) -> Value {
    let Value::Object(paths) = v else {
        return json!({});
    };
    let mut out = Map::new();
    for (path, item) in paths {
        let Value::Object(item) = item else { continue };
        let mut it = Map::new();
        if let Some(Value::Array(ps)) = item.get("parameters") {
            it.insert(
                "parameters".into(),
                Value::Array(ps.iter().map(parameter).collect()),
            );
        }
        for (method, op) in item {
            if METHODS.contains(&method.as_str()) {
                it.insert(method.clone(), operation(op));
            }
        }
        out.insert(path.clone(), Value::Object(it));
    }
    Value::Object(out)
}

/// The component sections the facts live in.
pub fn components(v: Option<&Value>) -> Map<String, Value> {
    let mut out = Map::new();
    let Some(Value::Object(c)) = v else {
        return out;
    };
    if let Some(Value::Object(s)) = c.get("schemas") {
        out.insert(
            "schemas".into(),
            Value::Object(s.iter().map(|(k, v)| (k.clone(), schema(v))).collect()),
        );
    }
    if let Some(Value::Object(p)) = c.get("parameters") {
        out.insert(
            "parameters".into(),
            Value::Object(p.iter().map(|(k, v)| (k.clone(), parameter(v))).collect()),
        );
    }
    if let Some(Value::Object(b)) = c.get("requestBodies") {
        out.insert(
            "requestBodies".into(),
            Value::Object(
                b.iter()
                    .map(|(k, v)| (k.clone(), request_body(v)))
                    .collect(),
            ),
        );
    }
    if let Some(Value::Object(r)) = c.get("responses") {
        out.insert(
            "responses".into(),
            Value::Object(r.iter().map(|(k, v)| (k.clone(), response(v))).collect()),
        );
    }
    out
}

/// OpenAPI 3.0 → 3.1 for the keywords that changed: `nullable` becomes a `"null"` type (or an
/// `anyOf` with one next to a `$ref`), boolean `exclusiveMinimum`/`exclusiveMaximum` take the
/// bound's value.
pub fn upgrade_to_31(v: &mut Value) {
    match v {
        Value::Object(obj) => {
            if let Some(Value::Bool(nullable)) = obj.get("nullable").cloned() {
                obj.remove("nullable");
                if nullable {
                    make_nullable(obj);
                }
            }
            for (flag, bound) in [
                ("exclusiveMinimum", "minimum"),
                ("exclusiveMaximum", "maximum"),
            ] {
                if let Some(Value::Bool(on)) = obj.get(flag).cloned() {
                    obj.remove(flag);
                    if on {
                        if let Some(b) = obj.remove(bound) {
                            obj.insert(flag.into(), b);
                        }
                    }
                }
            }
            obj.values_mut().for_each(upgrade_to_31);
        }
        Value::Array(items) => items.iter_mut().for_each(upgrade_to_31),
        _ => {}
    }
}

fn make_nullable(obj: &mut Map<String, Value>) {
    match obj.get("type").cloned() {
        Some(Value::String(t)) => {
            obj.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(mut ts)) => {
            if !ts.contains(&json!("null")) {
                ts.push(json!("null"));
            }
            obj.insert("type".into(), Value::Array(ts));
        }
        _ => {
            if let Some(r) = obj.remove("$ref") {
                obj.insert("anyOf".into(), json!([{ "$ref": r }, { "type": "null" }]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_goes_property_names_stay() {
        let s = json!({
            "type": "object",
            "title": "T",
            "description": "prose",
            "example": {"a": 1},
            "x-internal": "prose",
            "properties": {
                "description": {"type": "string", "description": "prose"},
                "title": {"type": ["string", "null"], "examples": ["x"]},
            },
            "required": ["description"],
        });
        assert_eq!(
            schema(&s),
            json!({
                "type": "object",
                "properties": {
                    "description": {"type": "string"},
                    "title": {"type": ["string", "null"]},
                },
                "required": ["description"],
            })
        );
    }

    #[test]
    fn operations_keep_facts_only() {
        let op = json!({
            "summary": "s", "description": "d", "operationId": "Jobs_Get", "tags": ["Jobs"],
            "security": [{"oauth": ["x"]}],
            "parameters": [{"name": "id", "in": "path", "required": true, "description": "d",
                            "example": 5, "schema": {"type": "integer", "description": "d"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Job"}, "example": {"id": 1}}}}},
        });
        assert_eq!(
            operation(&op),
            json!({
                "operationId": "Jobs_Get", "tags": ["Jobs"],
                "parameters": [{"name": "id", "in": "path", "required": true,
                                "schema": {"type": "integer"}}],
                "responses": {"200": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Job"}}}}},
            })
        );
    }

    #[test]
    fn nullable_becomes_a_null_type() {
        let mut v = json!({
            "a": {"type": "string", "nullable": true},
            "b": {"$ref": "#/x", "nullable": true},
            "c": {"type": "integer", "minimum": 1, "exclusiveMinimum": true},
            "d": {"type": "string", "nullable": false},
        });
        upgrade_to_31(&mut v);
        assert_eq!(
            v,
            json!({
                "a": {"type": ["string", "null"]},
                "b": {"anyOf": [{"$ref": "#/x"}, {"type": "null"}]},
                "c": {"type": "integer", "exclusiveMinimum": 1},
                "d": {"type": "string"},
            })
        );
    }
}
