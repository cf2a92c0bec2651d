//! OpenAPI 3.1 → 3.0: type arrays with "null", `{type: "null"}` inside oneOf/anyOf, `const`,
//! `examples`, `contentMediaType`/`contentEncoding`, and `$ref` with sibling keywords.

use serde_json::{json, Map, Value};

pub fn convert(mut doc: Value) -> Value {
    if let Value::Object(map) = &mut doc {
        map.insert("openapi".into(), json!("3.0.3"));
        map.remove("webhooks");
        map.remove("jsonSchemaDialect");
        if let Some(Value::Object(license)) = map.get_mut("info").and_then(|i| i.get_mut("license"))
        {
            license.remove("identifier");
        }
        if let Some(comp) = map.get_mut("components") {
            if let Some(Value::Object(schemas)) = comp.get_mut("schemas") {
                schemas.values_mut().for_each(schema);
            }
        }
    }
    walk_non_schema(&mut doc);
    doc
}

/// Finds every schema position outside `components/schemas` (parameters, bodies, responses).
fn walk_non_schema(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "schema" {
                    schema(child);
                } else if key != "schemas" {
                    walk_non_schema(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(walk_non_schema),
        _ => {}
    }
}

fn is_null_type(v: &Value) -> bool {
    v.get("type") == Some(&json!("null")) && v.as_object().map(|o| o.len()) == Some(1)
}

/// Rewrites one schema (and its children) into 3.0 form.
pub fn schema(v: &mut Value) {
    let Value::Object(map) = v else { return };
    // Children first so that lifted nullability below sees converted children.
    for key in ["properties", "patternProperties", "definitions", "$defs"] {
        if let Some(Value::Object(props)) = map.get_mut(key) {
            props.values_mut().for_each(schema);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child @ Value::Object(_)) = map.get_mut(key) {
            schema(child);
        }
    }
    if let Some(Value::Array(items)) = map.get_mut("prefixItems") {
        items.iter_mut().for_each(schema);
    }

    match map.remove("type") {
        Some(Value::Array(types)) => {
            let nullable = types.iter().any(|t| t == "null");
            let rest: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
            match rest.len() {
                0 => {}
                1 => {
                    map.insert("type".into(), rest[0].clone());
                }
                _ => {
                    let alts = rest.into_iter().map(|t| json!({ "type": t })).collect();
                    map.insert("anyOf".into(), Value::Array(alts));
                }
            }
            if nullable {
                map.insert("nullable".into(), json!(true));
            }
        }
        Some(Value::String(t)) if t == "null" => {
            map.insert("nullable".into(), json!(true));
            map.insert("enum".into(), json!([null]));
        }
        Some(t) => {
            map.insert("type".into(), t);
        }
        None => {}
    }

    for key in ["oneOf", "anyOf", "allOf"] {
        let Some(Value::Array(mut alts)) = map.remove(key) else {
            continue;
        };
        let before = alts.len();
        alts.retain(|a| !is_null_type(a));
        alts.iter_mut().for_each(schema);
        if alts.len() < before {
            map.insert("nullable".into(), json!(true));
        }
        if alts.len() == 1 && key != "allOf" && alts[0].get("$ref").is_some() {
            // `oneOf: [$ref, null]` is a nullable reference; 3.0 writes it as allOf + nullable.
            map.insert("allOf".into(), Value::Array(alts));
        } else if !alts.is_empty() {
            map.insert(key.into(), Value::Array(alts));
        }
    }

    if let Some(c) = map.remove("const") {
        if !map.contains_key("type") {
            let t = match &c {
                Value::String(_) => Some("string"),
                Value::Bool(_) => Some("boolean"),
                Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
                Value::Number(_) => Some("number"),
                _ => None,
            };
            if let Some(t) = t {
                map.insert("type".into(), json!(t));
            }
        }
        map.insert("enum".into(), json!([c]));
    }
    if let Some(Value::Array(examples)) = map.remove("examples") {
        if let Some(first) = examples.into_iter().next() {
            map.insert("example".into(), first);
        }
    }
    if map.remove("contentMediaType").is_some() && !map.contains_key("format") {
        map.insert("format".into(), json!("binary"));
    }
    if let Some(enc) = map.remove("contentEncoding") {
        if enc == "base64" {
            map.insert("format".into(), json!("byte"));
        }
    }
    for key in ["exclusiveMinimum", "exclusiveMaximum"] {
        if let Some(Value::Number(n)) = map.remove(key) {
            let bound = if key == "exclusiveMinimum" {
                "minimum"
            } else {
                "maximum"
            };
            map.insert(bound.into(), Value::Number(n));
            map.insert(key.into(), json!(true));
        }
    }
    map.remove("$schema");
    map.remove("$id");
    map.remove("$comment");
    // 3.0 ignores keywords beside `$ref`; keep their meaning by wrapping the reference.
    if map.contains_key("$ref") && map.len() > 1 {
        let reference = map.remove("$ref").unwrap();
        let mut wrapped = Map::new();
        wrapped.insert("allOf".into(), json!([{ "$ref": reference }]));
        for (k, v) in std::mem::take(map) {
            wrapped.insert(k, v);
        }
        *map = wrapped;
    }
}
