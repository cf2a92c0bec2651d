//! Which models are strict. Request bodies are what the caller writes, so the models they use keep
//! the document's `required` (typify makes those fields plain values, and its builders refuse to
//! build without them). Responses are what the server writes, and it breaks its own documents, so
//! every other model is made lenient — except the `id` of a resource in its own get, list or
//! create response, which the API always sends.
//!
//! A model used on both sides is split: the response side keeps the name, the request side gets a
//! strict copy named `{Name}Input` (only when strictness changes it: it or a model inside it has
//! required fields, or it is a PATCH body).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use super::{operations_mut, rewrite_schema_refs, Normalized, SCHEMA_REF_PREFIX as SCHEMA_PREFIX};

/// Names of the component schemas `v` refers to directly.
fn direct_refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                if let Some(name) = r.strip_prefix(SCHEMA_PREFIX) {
                    out.insert(name.to_string());
                }
            }
            map.values().for_each(|c| direct_refs(c, out));
        }
        Value::Array(items) => items.iter().for_each(|c| direct_refs(c, out)),
        _ => {}
    }
}

/// Every schema reachable from `start` through references.
fn closure(schemas: &Map<String, Value>, start: BTreeSet<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = start.into_iter().collect();
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let mut next = BTreeSet::new();
        if let Some(s) = schemas.get(&name) {
            direct_refs(s, &mut next);
        }
        stack.extend(next.into_iter().filter(|n| !seen.contains(n)));
    }
    seen
}

fn has_required(schema: &Value) -> bool {
    schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| !r.is_empty())
}

/// Finds the request side's models, splits the shared ones that strictness changes, and points
/// request bodies (and the strict models themselves) at the strict copies. Fills
/// `n.strict_models` and `n.patch_bodies`.
pub fn split_request_models(n: &mut Normalized) {
    let mut request_roots = BTreeSet::new();
    let mut response_roots = BTreeSet::new();
    let mut patch_roots = BTreeSet::new();
    let mut other_request_roots = BTreeSet::new();
    for (_, method, op) in operations_mut(&mut n.doc) {
        if let Some(body) = op.get("requestBody") {
            direct_refs(body, &mut request_roots);
            if method == "patch" {
                direct_refs(body, &mut patch_roots);
            } else {
                direct_refs(body, &mut other_request_roots);
            }
        }
        for key in ["responses", "parameters"] {
            if let Some(v) = op.get(key) {
                direct_refs(v, &mut response_roots);
            }
        }
    }
    let schemas = n
        .doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let request_side = closure(&schemas, request_roots);
    let response_side = closure(&schemas, response_roots);
    let shared: BTreeSet<&String> = request_side.intersection(&response_side).collect();

    // A shared model is split when it has required fields, is a PATCH body (its fields become
    // three-state on the request side only), or holds a model that is split.
    let mut split: BTreeSet<String> = shared
        .iter()
        .filter(|s| has_required(&schemas[s.as_str()]) || patch_roots.contains(s.as_str()))
        .map(|s| s.to_string())
        .collect();
    loop {
        let before = split.len();
        for s in &shared {
            let mut inner = BTreeSet::new();
            direct_refs(&schemas[s.as_str()], &mut inner);
            if inner.iter().any(|i| split.contains(i)) {
                split.insert(s.to_string());
            }
        }
        if split.len() == before {
            break;
        }
    }
    let mut renames = BTreeMap::new();
    for s in &split {
        let mut name = format!("{s}Input");
        while schemas.contains_key(&name) || renames.values().any(|v| v == &name) {
            name.push('_');
        }
        renames.insert(s.clone(), name);
    }
    let ref_renames: BTreeMap<String, String> = renames
        .iter()
        .map(|(from, to)| (format!("{SCHEMA_PREFIX}{from}"), to.clone()))
        .collect();

    let mut strict: BTreeSet<String> = request_side
        .iter()
        .filter(|s| !response_side.contains(*s))
        .cloned()
        .collect();
    let Some(components) = n
        .doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        // No models at all: request bodies are inline or absent.
        return;
    };
    for (from, to) in &renames {
        let mut copy = components[from].clone();
        rewrite_schema_refs(&mut copy, &ref_renames);
        components.insert(to.clone(), copy);
        strict.insert(to.clone());
    }
    for name in &strict {
        if let Some(s) = components.get_mut(name) {
            rewrite_schema_refs(s, &ref_renames);
        }
    }
    for (_, _, op) in operations_mut(&mut n.doc) {
        if let Some(body) = op.get_mut("requestBody") {
            rewrite_schema_refs(body, &ref_renames);
        }
    }
    // PATCH bodies, and the records inside them that name themselves by `id` (a bulk update's
    // items), are partial updates: a `required` there contradicts the method (one update model
    // requires all 18 of its fields), so only the `id` stays required. Other models inside them
    // (a key and its value) keep theirs. Models POST and PUT bodies also use are left alone.
    let only_patched: BTreeSet<String> = closure(&schemas, patch_roots.clone())
        .difference(&closure(&schemas, other_request_roots))
        .filter(|s| {
            patch_roots.contains(*s) || schemas[s.as_str()].pointer("/properties/id").is_some()
        })
        .filter_map(|s| match renames.get(s) {
            Some(copy) => Some(copy.clone()),
            None => (!response_side.contains(s)).then(|| s.clone()),
        })
        .collect();
    let mut relaxed = 0;
    for name in &only_patched {
        let required = n
            .doc
            .pointer_mut(&format!(
                "/components/schemas/{}",
                crate::pointer::escape(name)
            ))
            .and_then(Value::as_object_mut)
            .and_then(|s| s.get_mut("required"))
            .and_then(Value::as_array_mut);
        if let Some(required) = required {
            let before = required.len();
            required.retain(|r| r == "id");
            relaxed += usize::from(required.len() != before);
        }
    }
    if relaxed > 0 {
        n.report.fixes.push(format!(
            "{relaxed} model(s) only PATCH bodies use had required fields; a PATCH is partial, so only `id` stays required"
        ));
    }
    n.patch_bodies = patch_roots
        .into_iter()
        .map(|s| renames.get(&s).cloned().unwrap_or(s))
        .chain(only_patched)
        .collect();
    if !strict.is_empty() {
        let with_required = strict
            .iter()
            .filter(|s| has_required(&n.doc["components"]["schemas"][s.as_str()]))
            .count();
        n.report.fixes.push(format!(
            "{} request model(s) kept strict ({with_required} with required fields); {} shared model(s) split into a strict `…Input` copy{}",
            strict.len(),
            renames.len(),
            if renames.is_empty() {
                String::new()
            } else {
                format!(": {}", renames.keys().cloned().collect::<Vec<_>>().join(", "))
            }
        ));
    }
    n.strict_models = strict;
}

/// Takes the request bodies and strict models out of the document while `f` runs over the rest,
/// then puts them back: the lenient pass never sees them.
pub fn outside_requests(doc: &mut Value, strict: &BTreeSet<String>, f: impl FnOnce(&mut Value)) {
    let mut bodies = Vec::new();
    for (path, method, op) in operations_mut(doc) {
        if let Some(body) = op.remove("requestBody") {
            bodies.push((path, method, body));
        }
    }
    let mut kept = Map::new();
    if let Some(components) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for name in strict {
            if let Some(s) = components.remove(name) {
                kept.insert(name.clone(), s);
            }
        }
    }
    f(doc);
    if let Some(components) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        components.extend(kept);
    }
    for (path, method, body) in bodies {
        if let Some(op) = doc.pointer_mut(&format!(
            "{}/{method}",
            crate::pointer::join("/paths", &path)
        )) {
            op["requestBody"] = body;
        }
    }
}

/// The schema a success response of `op` refers to, if any.
fn success_schema(op: &Map<String, Value>) -> Option<String> {
    let responses = op.get("responses")?.as_object()?;
    responses
        .iter()
        .filter(|(code, _)| code.starts_with('2'))
        .find_map(|(_, r)| {
            r.get("content")?
                .as_object()?
                .values()
                .find_map(|c| c.pointer("/schema/$ref")?.as_str())
                .and_then(|r| r.strip_prefix(SCHEMA_PREFIX))
                .map(String::from)
        })
}

/// Resources in their own get (`…/{id}`), list and export (the items of a paged operation, see
/// `find_paged_operations`) and create (`POST` to a collection) responses always carry their id:
/// where that id is an integer, it is required again after the lenient pass made it optional.
pub fn required_resource_ids(n: &mut Normalized) {
    let mut resources: BTreeSet<String> = n
        .lists
        .iter()
        .chain(&n.exports)
        .filter_map(|op| op.item_type.strip_prefix("types::"))
        .map(String::from)
        .collect();
    for (path, method, op) in operations_mut(&mut n.doc) {
        let last_is_param = path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .is_some_and(|s| s.starts_with('{'));
        let own_resource = match method.as_str() {
            "get" => last_is_param,
            "post" => !last_is_param,
            _ => false,
        };
        if let Some(schema) = success_schema(op).filter(|_| own_resource) {
            resources.insert(schema);
        }
    }
    let mut touched = 0;
    for name in resources {
        let at = format!("/components/schemas/{}", crate::pointer::escape(&name));
        let Some(schema) = n.doc.pointer_mut(&at) else {
            continue;
        };
        if schema.pointer("/properties/id/type") != Some(&json!("integer")) {
            continue;
        }
        if let Some(id) = schema
            .pointer_mut("/properties/id")
            .and_then(Value::as_object_mut)
        {
            id.remove("nullable");
        }
        let required = schema
            .as_object_mut()
            .expect("a schema with properties is an object")
            .entry("required")
            .or_insert_with(|| json!([]));
        if let Some(list) = required.as_array_mut() {
            if !list.contains(&json!("id")) {
                list.push(json!("id"));
            }
        }
        touched += 1;
    }
    if touched > 0 {
        n.report.fixes.push(format!(
            "{touched} resource model(s) keep a required integer `id` (get, list, export and create responses)"
        ));
    }
}
