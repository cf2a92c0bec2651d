//! Swagger 2.0 → OpenAPI 3.0: servers from host/basePath, definitions to components, body and
//! formData parameters to request bodies, response schemas to content, `x-nullable` to `nullable`.

use serde_json::{json, Map, Value};

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

pub fn convert(doc: Value) -> Value {
    let Value::Object(mut src) = doc else {
        return doc;
    };
    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    if let Some(info) = src.remove("info") {
        out.insert("info".into(), info);
    }
    let scheme = src
        .get("schemes")
        .and_then(|s| s.get(0))
        .and_then(Value::as_str)
        .unwrap_or("https")
        .to_string();
    let host = src.get("host").and_then(Value::as_str).unwrap_or("");
    let base = src.get("basePath").and_then(Value::as_str).unwrap_or("");
    let url = if host.is_empty() {
        base.to_string()
    } else {
        format!("{scheme}://{host}{base}")
    };
    out.insert(
        "servers".into(),
        json!([{ "url": url.trim_end_matches('/') }]),
    );
    let consumes = media_list(src.get("consumes"));
    let produces = media_list(src.get("produces"));

    let mut components = Map::new();
    if let Some(defs) = src.remove("definitions") {
        components.insert("schemas".into(), defs);
    }
    if let Some(Value::Object(params)) = src.remove("parameters") {
        // Shared body parameters have no 3.0 counterpart; they are inlined where used.
        let mut shared = Map::new();
        for (name, p) in params {
            shared.insert(name, convert_parameter(p));
        }
        components.insert("parameters".into(), Value::Object(shared));
    }
    if let Some(Value::Object(responses)) = src.remove("responses") {
        let converted = responses
            .into_iter()
            .map(|(k, r)| (k, convert_response(r, &produces)))
            .collect();
        components.insert("responses".into(), Value::Object(converted));
    }
    if let Some(sec) = src.remove("securityDefinitions") {
        components.insert("securitySchemes".into(), sec);
    }

    let mut paths = Map::new();
    if let Some(Value::Object(src_paths)) = src.remove("paths") {
        for (path, item) in src_paths {
            paths.insert(path, convert_path_item(item, &consumes, &produces));
        }
    }
    out.insert("paths".into(), Value::Object(paths));
    out.insert("components".into(), Value::Object(components));
    let mut out = Value::Object(out);
    rewrite_refs(&mut out);
    x_nullable(&mut out);
    out
}

fn media_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|m| m.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn convert_path_item(item: Value, consumes: &[String], produces: &[String]) -> Value {
    let Value::Object(item) = item else {
        return item;
    };
    let mut out = Map::new();
    for (key, value) in item {
        if key == "parameters" {
            let params = value.as_array().cloned().unwrap_or_default();
            out.insert(
                key,
                Value::Array(params.into_iter().map(convert_parameter).collect()),
            );
        } else if METHODS.contains(&key.as_str()) {
            out.insert(key, convert_operation(value, consumes, produces));
        } else {
            out.insert(key, value);
        }
    }
    Value::Object(out)
}

fn convert_operation(op: Value, consumes: &[String], produces: &[String]) -> Value {
    let Value::Object(mut op) = op else { return op };
    let consumes = op
        .remove("consumes")
        .map(|c| media_list(Some(&c)))
        .unwrap_or_else(|| consumes.to_vec());
    let produces = op
        .remove("produces")
        .map(|p| media_list(Some(&p)))
        .unwrap_or_else(|| produces.to_vec());
    let mut params = Vec::new();
    let mut body = None;
    let mut form = Map::new();
    let mut form_required = Vec::new();
    for p in op
        .remove("parameters")
        .and_then(|p| p.as_array().cloned())
        .unwrap_or_default()
    {
        match p.get("in").and_then(Value::as_str) {
            Some("body") => {
                let media = consumes
                    .iter()
                    .find(|m| m.contains("json"))
                    .cloned()
                    .unwrap_or_else(|| "application/json".into());
                let mut rb = json!({ "content": { media: { "schema": p.get("schema").cloned().unwrap_or(json!({})) } } });
                if p.get("required").and_then(Value::as_bool) == Some(true) {
                    rb["required"] = json!(true);
                }
                if let Some(d) = p.get("description") {
                    rb["description"] = d.clone();
                }
                body = Some(rb);
            }
            Some("formData") => {
                let name = p
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                if p.get("required").and_then(Value::as_bool) == Some(true) {
                    form_required.push(json!(name));
                }
                form.insert(name, parameter_schema(&p));
            }
            _ => params.push(convert_parameter(p)),
        }
    }
    if !form.is_empty() {
        let has_file = form
            .values()
            .any(|s| s.get("format") == Some(&json!("binary")));
        let media = if has_file || consumes.iter().any(|c| c == "multipart/form-data") {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        let mut schema = json!({ "type": "object", "properties": form });
        if !form_required.is_empty() {
            schema["required"] = Value::Array(form_required);
        }
        body = Some(json!({ "content": { media: { "schema": schema } } }));
    }
    if !params.is_empty() {
        op.insert("parameters".into(), Value::Array(params));
    }
    if let Some(b) = body {
        op.insert("requestBody".into(), b);
    }
    if let Some(Value::Object(responses)) = op.remove("responses") {
        let converted = responses
            .into_iter()
            .map(|(k, r)| (k, convert_response(r, &produces)))
            .collect();
        op.insert("responses".into(), Value::Object(converted));
    }
    Value::Object(op)
}

/// The schema-ish keys a 2.0 non-body parameter carries directly.
const SCHEMA_KEYS: [&str; 17] = [
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "x-nullable",
    "multipleOf",
    "allOf",
    "oneOf",
];

fn parameter_schema(p: &Value) -> Value {
    let mut schema = Map::new();
    if let Value::Object(p) = p {
        for key in SCHEMA_KEYS {
            if let Some(v) = p.get(key) {
                schema.insert(key.to_string(), v.clone());
            }
        }
    }
    if schema.get("type") == Some(&json!("file")) {
        schema.insert("type".into(), json!("string"));
        schema.insert("format".into(), json!("binary"));
    }
    Value::Object(schema)
}

fn convert_parameter(p: Value) -> Value {
    if p.get("$ref").is_some() {
        return p;
    }
    let schema = parameter_schema(&p);
    let collection = p
        .get("collectionFormat")
        .and_then(Value::as_str)
        .map(String::from);
    let Value::Object(p) = p else { return p };
    let mut out = Map::new();
    for (key, value) in p {
        if SCHEMA_KEYS.contains(&key.as_str())
            || key == "collectionFormat"
            || key == "allowEmptyValue"
        {
            continue;
        }
        out.insert(key, value);
    }
    // 2.0 arrays default to csv; `multi` is the 3.0 default of form + explode.
    if schema.get("type") == Some(&json!("array")) && collection.as_deref() != Some("multi") {
        out.insert("explode".into(), json!(false));
    }
    out.insert("schema".into(), schema);
    Value::Object(out)
}

fn convert_response(r: Value, produces: &[String]) -> Value {
    let Value::Object(mut r) = r else { return r };
    if r.contains_key("$ref") {
        return Value::Object(r);
    }
    if let Some(mut schema) = r.remove("schema") {
        let binary = schema.get("type") == Some(&json!("file"));
        if binary {
            schema = json!({ "type": "string", "format": "binary" });
        }
        let media = if binary {
            produces
                .iter()
                .find(|m| !m.contains("json"))
                .cloned()
                .unwrap_or_else(|| "application/octet-stream".into())
        } else {
            produces
                .iter()
                .find(|m| m.contains("json"))
                .cloned()
                .unwrap_or_else(|| "application/json".into())
        };
        r.insert("content".into(), json!({ media: { "schema": schema } }));
    }
    r.remove("examples");
    if !r.contains_key("description") {
        r.insert("description".into(), json!(""));
    }
    Value::Object(r)
}

fn rewrite_refs(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                for (from, to) in [
                    ("#/definitions/", "#/components/schemas/"),
                    ("#/parameters/", "#/components/parameters/"),
                    ("#/responses/", "#/components/responses/"),
                ] {
                    if let Some(rest) = r.strip_prefix(from) {
                        *r = format!("{to}{rest}");
                        break;
                    }
                }
            }
            map.values_mut().for_each(rewrite_refs);
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

fn x_nullable(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(n) = map.remove("x-nullable") {
                map.insert("nullable".into(), n);
            }
            map.values_mut().for_each(x_nullable);
        }
        Value::Array(items) => items.iter_mut().for_each(x_nullable),
        _ => {}
    }
}
