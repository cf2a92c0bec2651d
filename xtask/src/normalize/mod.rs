//! Normalization: any supported dialect in, one OpenAPI 3.0 document that progenitor accepts out,
//! rewritten for a lenient, tenant-bound client.
//!
//! Passes, in order: dialect conversion; `$ref` check; booleans and numbers in string enums made
//! strings; schema renaming; server layout and tenant binding (warning about paths without a
//! tenant); operation ids; parameter fixes (shadowed path parameters, duplicate names); upload
//! operations set aside for the multipart emitter; one request media type per body; enum
//! de-duplication; loose constraints; strict request models (shared ones split) and lenient
//! response models, with resources' ids kept required; integer bounds; runtime types for
//! date-time, date and decimal; paged operations.

mod strict;
mod swagger2;
mod v31;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::load::{Dialect, DocError, Document};
use crate::naming;
use crate::pointer;

/// The literal that replaces `{tenant}` in paths; the runtime owns it and swaps in the
/// client's tenant id.
pub use servicetitan_core::TENANT_PLACEHOLDER;

use servicetitan_core::paging::wire;

use crate::load::METHODS;

/// How a reference to a component schema starts.
pub(crate) const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

/// What the generator needs besides the normalized document.
#[derive(Debug, Default)]
pub struct Normalized {
    /// The OpenAPI 3.0 document handed to progenitor.
    pub doc: Value,
    /// Path of the first server URL (`/jpm/v2`), or empty when paths carry the module prefix.
    pub server_path: String,
    /// Operations progenitor cannot express that the multipart emitter writes instead.
    pub uploads: Vec<Upload>,
    /// List operations (page/pageSize/hasMore) by Rust operation name → page schema name.
    pub lists: Vec<PagedOperation>,
    /// Export operations (from/continueFrom/hasMore).
    pub exports: Vec<PagedOperation>,
    /// Per-document report lines.
    pub report: Report,
    /// Each component schema's new name → its pointer in the input document, for errors.
    pub schema_origins: BTreeMap<String, String>,
    /// Each operation id → the operation's pointer in the input document, for errors.
    pub operation_origins: BTreeMap<String, String>,
    /// Models of PATCH request bodies: their optional fields can be left out, cleared or set.
    pub patch_bodies: BTreeSet<String>,
    /// Models request bodies use: they keep the document's `required`.
    pub strict_models: BTreeSet<String>,
}

impl Normalized {
    /// The module's paths under the API host: the server path followed by what comes before
    /// `/tenant/` in each path (`/jpm/v2`). Two documents with one of these in common would
    /// build clients for the same endpoints.
    pub fn module_paths(&self) -> BTreeSet<String> {
        let paths = self
            .doc
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|p| p.keys())
            .chain(self.uploads.iter().map(|u| &u.path));
        let mut out: BTreeSet<String> = paths
            .filter_map(|p| p.find("/tenant/").map(|i| &p[..i]))
            .map(|prefix| format!("{}{prefix}", self.server_path))
            .filter(|p| !p.is_empty())
            .collect();
        if out.is_empty() && !self.server_path.is_empty() {
            out.insert(self.server_path.clone());
        }
        out
    }
}

/// One multipart upload operation.
#[derive(Debug, Clone)]
pub struct Upload {
    pub operation_id: String,
    pub method: String,
    /// Path template with `{name}` path parameters, tenant already replaced.
    pub path: String,
    pub path_params: Vec<String>,
    /// The multipart field that carries the file.
    pub file_field: String,
    pub summary: String,
    /// Rust type of the JSON success body (`types::ImageUploadResult`), when there is one.
    pub response_type: Option<String>,
}

/// A list or export operation and the schema of the page it returns.
#[derive(Debug, Clone)]
pub struct PagedOperation {
    pub operation_id: String,
    pub page_schema: String,
    /// Rust type of one item, e.g. `types::Job` or `Vec<::serde_json::Value>`.
    pub item_type: String,
    /// Whether the operation takes `pageSize` (a few lists only take `page`).
    pub has_page_size: bool,
    /// How the page's `totalCount` becomes an `Option<i64>` (lists only).
    pub total_count: TotalCount,
}

/// The Rust form of a list page's `totalCount` property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotalCount {
    /// No such property (or not an integer): the page never knows its total.
    Absent,
    /// `i32` or `i64`: converts with `i64::from`.
    Lossless,
    /// Another integer type: converts with `i64::try_from`.
    Checked,
}

/// What happened to a document's operations.
#[derive(Debug, Default)]
pub struct Report {
    pub dialect: Option<Dialect>,
    pub operations: usize,
    pub renamed: Vec<String>,
    pub fixes: Vec<String>,
    /// Things that generate but probably do not do what the document's author meant.
    pub warnings: Vec<String>,
}

/// Only the dialect conversion and parameter inlining: the document's facts in 3.0 form, for
/// comparisons that must not see the generator's leniency or renaming.
pub fn to_openapi30(document: &Document) -> Value {
    let mut doc = match document.dialect {
        Dialect::Swagger2 => swagger2::convert(document.value.clone()),
        Dialect::OpenApi31 => v31::convert(document.value.clone()),
        Dialect::OpenApi30 => document.value.clone(),
    };
    inline_parameter_refs(&mut doc);
    doc
}

/// Runs every pass over a loaded document.
pub fn normalize(document: &Document) -> Result<Normalized, DocError> {
    let path = &document.path;
    let doc = match document.dialect {
        Dialect::Swagger2 => swagger2::convert(document.value.clone()),
        Dialect::OpenApi31 => v31::convert(document.value.clone()),
        Dialect::OpenApi30 => document.value.clone(),
    };
    let mut n = Normalized {
        doc,
        ..Default::default()
    };
    n.report.dialect = Some(document.dialect);
    n.report.fixes.extend(document.fixes.iter().cloned());
    check_refs(&n.doc, &n.doc, "", &mut |at, r| {
        DocError::new(path, at, format!("$ref {r:?} points to nothing"))
    })?;
    if !n.doc.get("paths").is_some_and(Value::is_object) {
        return Err(DocError::new(
            path,
            "/paths",
            "the document has no paths object",
        ));
    }
    string_schema_scalars(&mut n);
    mark_operation_origins(&mut n.doc);
    inline_parameter_refs(&mut n.doc);
    rename_schemas(&mut n);
    server_and_tenant(&mut n, path)?;
    tenant_warning(&mut n);
    operation_ids(&mut n);
    fix_parameters(&mut n);
    single_success_type(&mut n);
    set_aside_uploads(&mut n);
    request_media_types(&mut n);
    dedupe_enums(&mut n);
    loose_constraints(&mut n.doc);
    strict::split_request_models(&mut n);
    strict::outside_requests(&mut n.doc, &n.strict_models, lenient_models);
    integer_bounds(&mut n);
    decimal_parameters(&mut n.doc);
    object_array_parameters(&mut n.doc);
    runtime_types(&mut n.doc);
    find_paged_operations(&mut n);
    strict::required_resource_ids(&mut n);
    collect_operation_origins(&mut n);
    n.doc.as_object_mut().unwrap().remove("security");
    if let Some(c) = n.doc.get_mut("components").and_then(Value::as_object_mut) {
        c.remove("securitySchemes");
    }
    Ok(n)
}

fn check_refs(
    root: &Value,
    v: &Value,
    at: &str,
    err: &mut dyn FnMut(String, &str) -> DocError,
) -> Result<(), DocError> {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                if !r.starts_with('#') {
                    let mut e = err(at.to_string(), r);
                    e.message =
                        format!("external $ref {r:?} is not supported; bundle the document first");
                    return Err(e);
                }
                if pointer::resolve(root, r).is_none() {
                    return Err(err(at.to_string(), r));
                }
            }
            for (k, child) in map {
                check_refs(root, child, &pointer::join(at, k), err)?;
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                check_refs(root, child, &format!("{at}/{i}"), err)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Iterates `(path, method, operation)` in document order.
fn operations_mut(
    doc: &mut Value,
) -> impl Iterator<Item = (String, String, &mut Map<String, Value>)> {
    doc.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.iter_mut())
        .flat_map(|(path, item)| {
            let path = path.clone();
            item.as_object_mut()
                .into_iter()
                .flat_map(|m| m.iter_mut())
                .filter(|(method, _)| METHODS.contains(&method.as_str()))
                .filter_map(move |(method, op)| {
                    op.as_object_mut()
                        .map(|o| (path.clone(), method.clone(), o))
                })
        })
}

/// Parameters shared by reference are copied in place so later passes see one shape; path-level
/// parameters are merged into each operation (an operation's own parameter wins).
fn inline_parameter_refs(doc: &mut Value) {
    let root = doc.clone();
    let resolve = |p: &Value| -> Value {
        match p.get("$ref").and_then(Value::as_str) {
            Some(r) => pointer::resolve(&root, r)
                .cloned()
                .unwrap_or_else(|| p.clone()),
            None => p.clone(),
        }
    };
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let shared: Vec<Value> = item
            .remove("parameters")
            .and_then(|p| p.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(resolve)
            .collect();
        for (method, op) in item.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let Some(op) = op.as_object_mut() else {
                continue;
            };
            let own: Vec<Value> = op
                .get("parameters")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(resolve).collect())
                .unwrap_or_default();
            let mut merged = own.clone();
            for p in &shared {
                let same = |q: &Value| q.get("name") == p.get("name") && q.get("in") == p.get("in");
                if !own.iter().any(same) {
                    merged.push(p.clone());
                }
            }
            if !merged.is_empty() {
                op.insert("parameters".into(), Value::Array(merged));
            }
        }
    }
}

/// Gives every component schema a clean Rust-friendly name and rewrites references to it.
fn rename_schemas(n: &mut Normalized) {
    let Some(schemas) = n
        .doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return;
    };
    let originals: Vec<String> = schemas.keys().cloned().collect();
    let names = naming::clean_schema_names(&originals);
    let mut renamed = Map::new();
    let old = n
        .doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .map(std::mem::take)
        .unwrap_or_default();
    let mut map = BTreeMap::new();
    // Swagger 2.0 documents keep their models under `definitions`.
    let origin = match n.report.dialect {
        Some(Dialect::Swagger2) => "/definitions",
        _ => "/components/schemas",
    };
    for (orig, schema) in old {
        let new = names[&orig].clone();
        map.insert(
            format!("{SCHEMA_REF_PREFIX}{}", pointer::escape(&orig)),
            new.clone(),
        );
        n.schema_origins
            .insert(new.clone(), pointer::join(origin, &orig));
        renamed.insert(new, schema);
    }
    *n.doc.pointer_mut("/components/schemas").unwrap() = Value::Object(renamed);
    rewrite_schema_refs(&mut n.doc, &map);
}

/// Points every `$ref` found in `map` (a full `#/components/schemas/...` reference) at the
/// schema name it maps to.
pub(crate) fn rewrite_schema_refs(v: &mut Value, map: &BTreeMap<String, String>) {
    match v {
        Value::Object(obj) => {
            if let Some(Value::String(r)) = obj.get_mut("$ref") {
                if let Some(new) = map.get(r.as_str()) {
                    *r = format!("{SCHEMA_REF_PREFIX}{new}");
                }
            }
            obj.values_mut().for_each(|c| rewrite_schema_refs(c, map));
        }
        Value::Array(items) => items.iter_mut().for_each(|c| rewrite_schema_refs(c, map)),
        _ => {}
    }
}

/// Records the server path and binds `{tenant}` once per client: the parameter disappears from
/// every operation and its path segment becomes [`TENANT_PLACEHOLDER`].
fn server_and_tenant(n: &mut Normalized, file: &std::path::Path) -> Result<(), DocError> {
    let url = n
        .doc
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    // Server variables (`.../{tenant}`) are dropped with the rest of the template tail.
    let without_scheme = url.split_once("://").map(|(_, rest)| rest).unwrap_or(&url);
    let path_part = if url.contains("://") {
        without_scheme
            .find('/')
            .map(|i| &without_scheme[i..])
            .unwrap_or("")
    } else {
        without_scheme
    };
    let mut server_path = path_part.trim_end_matches('/').to_string();
    // A server that already ends in the tenant (`.../pricebook/v2/{tenant}`) binds it there.
    let mut tenant_in_server = false;
    for suffix in ["/tenant/{tenant}", "/{tenant}"] {
        if let Some(stripped) = server_path.strip_suffix(suffix) {
            server_path = stripped.to_string();
            tenant_in_server = true;
            break;
        }
    }
    if server_path.contains('{') {
        return Err(DocError::new(
            file,
            "/servers/0/url",
            format!("server URL {url:?} has a variable other than tenant"),
        ));
    }
    n.server_path = server_path;
    n.doc["servers"] = json!([{ "url": "" }]);

    let Some(paths) = n.doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    let old = std::mem::take(paths);
    for (path, mut item) in old {
        let mut new_path = path.replace("{tenant}", TENANT_PLACEHOLDER);
        if tenant_in_server {
            new_path = format!("/tenant/{TENANT_PLACEHOLDER}{new_path}");
        }
        if let Some(item) = item.as_object_mut() {
            for (method, op) in item.iter_mut() {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                if let Some(Value::Array(params)) = op.get_mut("parameters") {
                    params.retain(|p| {
                        !(p.get("in") == Some(&json!("path"))
                            && p.get("name") == Some(&json!("tenant")))
                    });
                }
            }
        }
        paths.insert(new_path, item);
    }
    Ok(())
}

/// progenitor names Rust arguments after wire names; a query parameter named like a path
/// parameter would collide. Path parameters are substituted by position, so the path one is
/// renamed (the wire stays the same); exact duplicates are dropped.
fn fix_parameters(n: &mut Normalized) {
    let mut renames = Vec::new();
    let Some(paths) = n.doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let old = std::mem::take(paths);
    for (mut path, mut item) in old {
        let mut path_renames: BTreeMap<String, String> = BTreeMap::new();
        if let Some(item) = item.as_object_mut() {
            for (method, op) in item.iter_mut() {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let Some(Value::Array(params)) = op.get_mut("parameters") else {
                    continue;
                };
                for p in params.iter_mut() {
                    if p.get("style") == Some(&json!("deepObject")) {
                        // progenitor has no deepObject; its form encoding sends each key as
                        // its own parameter, which the report says.
                        p.as_object_mut().unwrap().remove("style");
                        renames.push(format!(
                            "{} {path}: deepObject parameter `{}` is sent form-exploded (key=value)",
                            method.to_uppercase(),
                            p.get("name").and_then(Value::as_str).unwrap_or("")
                        ));
                    }
                }
                let mut seen = BTreeSet::new();
                params.retain(|p| {
                    let key = (
                        p.get("in")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string(),
                        p.get("name")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string(),
                    );
                    seen.insert(key)
                });
                let non_path: BTreeSet<String> = params
                    .iter()
                    .filter(|p| p.get("in") != Some(&json!("path")))
                    .filter_map(|p| p.get("name").and_then(Value::as_str))
                    .map(naming::snake)
                    .collect();
                for p in params.iter_mut() {
                    if p.get("in") != Some(&json!("path")) {
                        continue;
                    }
                    let name = p["name"].as_str().unwrap_or("").to_string();
                    if non_path.contains(&naming::snake(&name)) {
                        let new = format!("{name}_in_path");
                        p["name"] = json!(new.clone());
                        path_renames.insert(name, new);
                    }
                }
            }
            // Every operation on the path shares the template, so rename it for all of them.
            for (old_name, new_name) in &path_renames {
                for (method, op) in item.iter_mut() {
                    if !METHODS.contains(&method.as_str()) {
                        continue;
                    }
                    if let Some(Value::Array(params)) = op.get_mut("parameters") {
                        for p in params {
                            if p.get("in") == Some(&json!("path"))
                                && p.get("name") == Some(&json!(old_name))
                            {
                                p["name"] = json!(new_name);
                            }
                        }
                    }
                }
                path = path.replace(&format!("{{{old_name}}}"), &format!("{{{new_name}}}"));
                renames.push(format!(
                    "path parameter `{old_name}` of {path} renamed `{new_name}` (a query parameter has its name)"
                ));
            }
        }
        paths.insert(path, item);
    }
    n.report
        .fixes
        .extend(renames.into_iter().map(|l| display_path(&l)));
}

fn is_error_status(code: &str) -> bool {
    code.starts_with('4') || code.starts_with('5') || code == "default"
}

/// progenitor allows one success body type per operation. When 2xx responses disagree (the
/// reporting data query answers 200 with data or 202 with a token), the operation returns JSON
/// values and the caller (or the runtime's poller) tells them apart by status.
fn single_success_type(n: &mut Normalized) {
    let mut fixed = Vec::new();
    for (path, method, op) in operations_mut(&mut n.doc) {
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            continue;
        };
        // Error statuses are all left to the runtime: it buffers every error body and parses
        // ServiceTitan's problem details leniently, so an empty or HTML error page keeps its
        // status instead of becoming a decode failure of a typed error body.
        responses.retain(|code, _| !is_error_status(code));
        let bodies: BTreeSet<String> = responses
            .iter()
            .filter(|(code, _)| code.starts_with('2'))
            .map(|(_, r)| match r.get("content").and_then(Value::as_object) {
                Some(c) if !c.is_empty() => Value::Object(c.clone()).to_string(),
                _ => "none".to_string(),
            })
            .collect();
        if bodies.len() <= 1 {
            continue;
        }
        // With an empty success among them only the raw body fits all; otherwise JSON values.
        let raw = bodies.contains("none");
        for (code, r) in responses.iter_mut() {
            if !code.starts_with('2') {
                continue;
            }
            r["content"] = if raw {
                json!({ "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } })
            } else {
                json!({ "application/json": { "schema": {} } })
            };
        }
        let what = if raw { "the raw body" } else { "JSON values" };
        fixed.push(format!(
            "{} {path}: success responses have different bodies; it returns {what} (tell them apart by status)",
            method.to_uppercase()
        ));
    }
    n.report
        .fixes
        .extend(fixed.into_iter().map(|l| display_path(&l)));
}

/// Missing operation ids are made from method and path; duplicates get a numeric suffix. Both in
/// document order, so the result never changes between runs.
fn operation_ids(n: &mut Normalized) {
    let mut seen = BTreeSet::new();
    let mut renamed = Vec::new();
    let mut count = 0;
    for (path, method, op) in operations_mut(&mut n.doc) {
        count += 1;
        let original = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(String::from);
        let base = match &original {
            Some(id) if !id.trim().is_empty() => naming::snake(id),
            _ => naming::operation_name_from_path(&method, &path),
        };
        let mut id = base.clone();
        let mut i = 2;
        while !seen.insert(id.clone()) {
            id = format!("{base}_{i}");
            i += 1;
        }
        match &original {
            None => renamed.push(format!(
                "{} {path}: no operationId, named `{id}`",
                method.to_uppercase()
            )),
            Some(o) if naming::snake(o) != id => renamed.push(format!(
                "{} {path}: operationId {o:?} is taken, named `{id}`",
                method.to_uppercase()
            )),
            _ => {}
        }
        op.insert("operationId".into(), json!(id));
    }
    n.report.operations = count;
    n.report
        .renamed
        .extend(renamed.into_iter().map(|l| display_path(&l)));
}

/// progenitor has no multipart support: such operations (and JSON-declared image/attachment
/// uploads that are multipart on the wire) are removed here and emitted by our own code.
fn set_aside_uploads(n: &mut Normalized) {
    let Some(paths) = n.doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let mut uploads = Vec::new();
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let methods: Vec<String> = item
            .keys()
            .filter(|m| METHODS.contains(&m.as_str()))
            .cloned()
            .collect();
        for method in methods {
            let op = &item[&method];
            let content = op
                .pointer("/requestBody/content")
                .and_then(Value::as_object);
            let Some(content) = content else { continue };
            let multipart = content.get("multipart/form-data");
            let Some(body) = multipart else { continue };
            let file_field = body
                .pointer("/schema/properties")
                .and_then(Value::as_object)
                .and_then(|props| {
                    props
                        .iter()
                        .find(|(_, s)| s.get("format") == Some(&json!("binary")))
                        .map(|(k, _)| k.clone())
                })
                .unwrap_or_else(|| "file".into());
            let path_params = op
                .get("parameters")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p.get("in") == Some(&json!("path")))
                        .filter_map(|p| p.get("name").and_then(Value::as_str).map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            let response_type = op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(code, _)| code.starts_with('2'))
                .find_map(|(_, r)| r.pointer("/content/application~1json/schema"))
                .and_then(simple_rust_type);
            uploads.push(Upload {
                response_type,
                operation_id: op["operationId"].as_str().unwrap_or("").to_string(),
                method: method.clone(),
                path: path.clone(),
                path_params,
                file_field,
                summary: op
                    .get("summary")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            });
            item.remove(&method);
        }
    }
    for u in &uploads {
        let line = format!(
            "{} {}: multipart upload `{}` written by the upload emitter (progenitor has no multipart)",
            u.method.to_uppercase(),
            u.path,
            u.operation_id
        );
        n.report.fixes.push(display_path(&line));
    }
    n.uploads = uploads;
}

/// The key that carries an operation's pointer in the input document through the passes (paths
/// are rewritten on the way); [`collect_operation_origins`] takes it out again.
const ORIGIN_KEY: &str = "x-xtask-origin";

fn mark_operation_origins(doc: &mut Value) {
    for (path, method, op) in operations_mut(doc) {
        let at = format!("{}/{method}", pointer::join("/paths", &path));
        op.insert(ORIGIN_KEY.into(), json!(at));
    }
}

fn collect_operation_origins(n: &mut Normalized) {
    let mut origins = BTreeMap::new();
    for (_, _, op) in operations_mut(&mut n.doc) {
        if let Some(Value::String(at)) = op.remove(ORIGIN_KEY) {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                origins.insert(id.to_string(), at);
            }
        }
    }
    n.operation_origins = origins;
}

/// A boolean or number in the `enum` (or `const`, `default`) of a string schema fails typify.
/// YAML documents were already read back as written (see `load`); what is left (JSON documents,
/// or YAML that could not be read twice) becomes its JSON text.
fn string_schema_scalars(n: &mut Normalized) {
    let found = crate::load::scalars_in_string_schemas(&n.doc);
    let mut schemas = BTreeSet::new();
    for (schema, at) in &found {
        if let Some(slot) = n.doc.pointer_mut(at) {
            *slot = Value::String(slot.to_string());
            schemas.insert(if schema.is_empty() { "/" } else { schema });
        }
    }
    if !schemas.is_empty() {
        let list: Vec<&str> = schemas.into_iter().collect();
        n.report.fixes.push(format!(
            "{} boolean or number value(s) in the enum, const or default of string schemas made strings: {}",
            found.len(),
            list.join(", ")
        ));
    }
}

/// Operations whose path has no `/tenant/{tenant}` segment are not bound to the client's
/// tenant: the document probably belongs to another API, or its server URL lost the segment.
fn tenant_warning(n: &mut Normalized) {
    let Some(paths) = n.doc.get("paths").and_then(Value::as_object) else {
        return;
    };
    let without: Vec<&String> = paths
        .keys()
        .filter(|p| !p.contains(TENANT_PLACEHOLDER))
        .collect();
    if let Some(first) = without.first() {
        n.report.warnings.push(format!(
            "{} of {} path(s) have no /tenant/{{tenant}} segment (first: {first}, server path {:?}): requests to them carry no tenant",
            without.len(),
            paths.len(),
            n.server_path,
        ));
    }
}

/// The rank of a request media type: lower is preferred. progenitor takes one request media
/// type, and writes JSON bodies only as `application/json`.
fn media_rank(media: &str) -> u8 {
    let base = media_base(media);
    match base.as_str() {
        "application/json" => 0,
        b if is_other_json(b) && b.starts_with("application/") => 1,
        "text/json" => 2,
        "application/x-www-form-urlencoded" => 3,
        "application/octet-stream" => 4,
        "text/plain" | "text/x-markdown" => 5,
        _ => 6,
    }
}

/// `application/json; charset=utf-8` → `application/json`.
fn media_base(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// JSON under another name: `application/*+json`, `text/json`.
fn is_other_json(base: &str) -> bool {
    (base.starts_with("application/") && base.ends_with("+json")) || base == "text/json"
}

/// A request body offering several media types (`application/json`, `text/plain`, ...) keeps
/// one: `application/json`, else `application/*+json`, else `text/json`, else what progenitor
/// can send. JSON under another name is sent as `application/json`.
fn request_media_types(n: &mut Normalized) {
    let root = n.doc.clone();
    let mut lines = Vec::new();
    for (path, method, op) in operations_mut(&mut n.doc) {
        let Some(body) = op.get_mut("requestBody") else {
            continue;
        };
        // A shared request body is copied in place so this operation's copy can change.
        if let Some(r) = body.get("$ref").and_then(Value::as_str) {
            if let Some(resolved) = pointer::resolve(&root, r) {
                *body = resolved.clone();
            }
        }
        let Some(Value::Object(content)) = body.get_mut("content") else {
            continue;
        };
        let Some(chosen) = content.keys().min_by_key(|k| media_rank(k)).cloned() else {
            continue;
        };
        let base = media_base(&chosen);
        let key = if is_other_json(&base) {
            "application/json".to_string()
        } else {
            chosen.clone()
        };
        if content.len() == 1 && key == chosen {
            continue;
        }
        let offered: Vec<String> = content.keys().cloned().collect();
        let media = content.remove(&chosen).unwrap();
        content.clear();
        content.insert(key.clone(), media);
        let sent = if key == chosen {
            format!("the client sends {chosen} only")
        } else {
            format!("the client sends it as {key} (progenitor writes JSON bodies only as that)")
        };
        lines.push(format!(
            "{} {path}: request body offered as {}; {sent}",
            method.to_uppercase(),
            offered.join(", "),
        ));
    }
    n.report
        .fixes
        .extend(lines.into_iter().map(|l| display_path(&l)));
}

/// typify turns bounded integers into unsigned or `NonZero` types: a `page` with `minimum: 1`
/// becomes `NonZeroU64`, which the paging impls cannot pass an `i32`, and a model field with
/// `minimum: 0` would turn a -1 from the server into a failed page. Integers keep their type and
/// lose their bounds (checking input is the server's job); `page` and `pageSize` without a
/// format become `int32`, what the paging impls pass.
fn integer_bounds(n: &mut Normalized) {
    let mut bounded = 0;
    walk_schemas(&mut n.doc, &mut |s| {
        if s.get("type") != Some(&json!("integer")) {
            return;
        }
        let before = s.len();
        for key in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] {
            s.remove(key);
        }
        if s.len() < before {
            bounded += 1;
        }
    });
    let mut formats = 0;
    for (_, _, op) in operations_mut(&mut n.doc) {
        let Some(Value::Array(params)) = op.get_mut("parameters") else {
            continue;
        };
        for p in params {
            let paging = matches!(
                p.get("name").and_then(Value::as_str),
                Some(name) if name == wire::PAGE || name == wire::PAGE_SIZE
            );
            if !paging || p.get("in") != Some(&json!("query")) {
                continue;
            }
            let Some(Value::Object(schema)) = p.get_mut("schema") else {
                continue;
            };
            if schema.get("type") == Some(&json!("integer")) && !schema.contains_key("format") {
                schema.insert("format".into(), json!("int32"));
                formats += 1;
            }
        }
    }
    if bounded > 0 {
        n.report.fixes.push(format!(
            "{bounded} integer schema(s) lost minimum/maximum (typify would make them unsigned or NonZero types)"
        ));
    }
    if formats > 0 {
        n.report.fixes.push(format!(
            "{formats} page/pageSize parameter(s) without a format are int32"
        ));
    }
}

fn dedupe_enums(n: &mut Normalized) {
    // typify rejects values that repeat, or that differ only in case or punctuation (they
    // would get the same Rust variant name); the first spelling is kept.
    let mut removed = 0;
    walk_schemas(&mut n.doc, &mut |s| {
        if let Some(Value::Array(values)) = s.get_mut("enum") {
            let mut seen = BTreeSet::new();
            let before = values.len();
            values.retain(|v| seen.insert(naming::pascal(&v.to_string())));
            removed += before - values.len();
        }
    });
    if removed > 0 {
        n.report
            .fixes
            .push(format!("{removed} duplicate enum value(s) removed"));
    }
}

/// Visits every schema object in the document (components, parameters, bodies, responses,
/// and everything nested in them).
fn walk_schemas(v: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    fn visit_schema(v: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
        let Value::Object(map) = v else { return };
        f(map);
        for key in ["properties", "patternProperties"] {
            if let Some(Value::Object(props)) = map.get_mut(key) {
                props.values_mut().for_each(|c| visit_schema(c, f));
            }
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(child) = map.get_mut(key) {
                visit_schema(child, f);
            }
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(Value::Array(alts)) = map.get_mut(key) {
                alts.iter_mut().for_each(|c| visit_schema(c, f));
            }
        }
    }
    fn visit_doc(v: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
        match v {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if key == "schema" {
                        visit_schema(child, f);
                    } else if key == "schemas" {
                        if let Value::Object(schemas) = child {
                            schemas.values_mut().for_each(|s| visit_schema(s, f));
                        }
                    } else {
                        visit_doc(child, f);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|c| visit_doc(c, f)),
            _ => {}
        }
    }
    visit_doc(v, f);
}

/// Constraints no model checks: an object never refuses unknown fields, and no string is checked
/// for length or pattern.
fn loose_constraints(doc: &mut Value) {
    walk_schemas(doc, &mut |s| {
        if s.get("additionalProperties") == Some(&json!(false)) {
            s.remove("additionalProperties");
        }
        // String constraints become checked newtypes that reject, say, an empty name inside a
        // page; validating input is the server's job.
        for key in ["minLength", "maxLength", "pattern"] {
            s.remove(key);
        }
        // Numeric enums become closed newtypes that reject an unlisted number and fail the
        // page; they stay plain numbers (string enums are opened instead, see open_enums).
        if matches!(
            s.get("type").and_then(Value::as_str),
            Some("integer" | "number")
        ) {
            s.remove("enum");
        }
    });
}

/// The server breaks its own documents: fields marked required arrive null or absent. Every
/// property of the models it writes (all but the request side, see [`strict`]) becomes optional
/// and nullable.
fn lenient_models(doc: &mut Value) {
    walk_schemas(doc, &mut |s| {
        if s.contains_key("properties") {
            s.remove("required");
        }
        if let Some(Value::Object(props)) = s.get_mut("properties") {
            for prop in props.values_mut() {
                let Value::Object(p) = prop else { continue };
                // An optional reference is already an `Option`; `nullable` beside `$ref` means
                // nothing in 3.0.
                if !p.contains_key("$ref") {
                    p.insert("nullable".into(), json!(true));
                }
            }
        }
    });
}

/// Query parameters that are arrays of objects become `IndexedObjects` (`name[0].field=v`):
/// form encoding has no way to write them and would fail at run time.
fn object_array_parameters(doc: &mut Value) {
    let root = doc.clone();
    for (_, _, op) in operations_mut(doc) {
        let Some(Value::Array(params)) = op.get_mut("parameters") else {
            continue;
        };
        for p in params {
            if p.get("in") != Some(&json!("query")) {
                continue;
            }
            let Some(schema) = p.get_mut("schema") else {
                continue;
            };
            if schema.get("type") != Some(&json!("array")) {
                continue;
            }
            let item = schema.get("items").cloned().unwrap_or(Value::Null);
            let resolved = match item.get("$ref").and_then(Value::as_str) {
                Some(r) => pointer::resolve(&root, r).cloned().unwrap_or(Value::Null),
                None => item,
            };
            let is_object = resolved.get("type") == Some(&json!("object"))
                || resolved.get("properties").is_some();
            if is_object {
                schema["x-rust-type"] = rust_type("servicetitan_core::types::IndexedObjects");
            }
        }
    }
}

/// Decimals in query, path and header parameters are written as text (the body type writes a
/// raw JSON number, which query serializers would mangle).
fn decimal_parameters(doc: &mut Value) {
    for (_, _, op) in operations_mut(doc) {
        let Some(Value::Array(params)) = op.get_mut("parameters") else {
            continue;
        };
        for p in params {
            let Some(schema) = p.get_mut("schema") else {
                continue;
            };
            let items = schema.get("type") == Some(&json!("array"));
            let target = if items {
                schema.get_mut("items")
            } else {
                Some(schema)
            };
            if let Some(s) = target {
                if s.get("type") == Some(&json!("number"))
                    && s.get("format") == Some(&json!("decimal"))
                {
                    s["x-rust-type"] = rust_type("servicetitan_core::types::DecimalParam");
                }
            }
        }
    }
}

/// Date-times, dates and decimals decode into the runtime's lenient types.
fn runtime_types(doc: &mut Value) {
    walk_schemas(doc, &mut |s| {
        // ServiceTitan's documents say `guid` where JSON Schema says `uuid`: same values, and
        // typify turns only `uuid` into `uuid::Uuid`.
        if s.get("format") == Some(&json!("guid")) {
            s.insert("format".into(), json!("uuid"));
        }
        if s.get("type") == Some(&json!("string")) && !s.contains_key("enum") {
            let path = match s.get("format").and_then(Value::as_str) {
                Some("date-time") => Some("servicetitan_core::types::DateTime"),
                Some("date") => Some("servicetitan_core::types::Date"),
                _ => None,
            };
            if let Some(path) = path {
                s.insert("x-rust-type".into(), rust_type(path));
            }
        }
        let decimal =
            s.get("type") == Some(&json!("number")) && s.get("format") == Some(&json!("decimal"));
        if decimal && !s.contains_key("x-rust-type") {
            s.insert(
                "x-rust-type".into(),
                rust_type("servicetitan_core::types::Decimal"),
            );
        }
    });
}

fn rust_type(path: &str) -> Value {
    json!({ "crate": "servicetitan-core", "version": "*", "path": path })
}

/// Finds list operations (query `page` + a response with `hasMore` and `data`) and export
/// operations (query `from` + a response with `continueFrom`), for the paging impls.
fn find_paged_operations(n: &mut Normalized) {
    let root = n.doc.clone();
    // A property or parameter schema, through one reference.
    let resolve = |s: &Value| -> Value {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => pointer::resolve(&root, r).cloned().unwrap_or(Value::Null),
            None => s.clone(),
        }
    };
    let type_of = |s: Option<&Value>| -> Option<String> {
        let s = resolve(s?);
        s.get("type").and_then(Value::as_str).map(String::from)
    };
    let mut notes = Vec::new();
    for (_path, method, op) in operations_mut(&mut n.doc) {
        if method != "get" && method != "post" {
            continue;
        }
        let params: BTreeMap<String, Value> = op
            .get("parameters")
            .and_then(Value::as_array)
            .map(|ps| {
                ps.iter()
                    .filter(|p| p.get("in") == Some(&json!("query")))
                    .filter_map(|p| {
                        let name = p.get("name").and_then(Value::as_str)?;
                        let schema = p.get("schema").cloned().unwrap_or(Value::Null);
                        Some((name.to_string(), schema))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let Some(r) = op
            .get("responses")
            .and_then(|r| r.pointer("/200/content/application~1json/schema/$ref"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        let Some(schema) = pointer::resolve(&root, r) else {
            continue;
        };
        let props = schema.get("properties").and_then(Value::as_object);
        let Some(props) = props else { continue };
        let page_schema = r.rsplit('/').next().unwrap_or("").to_string();
        let has_data = props
            .get("data")
            .is_some_and(|d| d.get("type") == Some(&json!("array")));
        if !props.contains_key("hasMore") || !has_data {
            continue;
        }
        let id = op["operationId"].as_str().unwrap_or("").to_string();
        let item = props.get("data").and_then(|d| d.get("items"));
        let Some(item_type) = item.and_then(simple_rust_type) else {
            notes.push(format!(
                "{id}: page items have an inline type; no paging impl"
            ));
            continue;
        };
        let is_list = params.contains_key(wire::PAGE) && props.contains_key("page");
        let is_export =
            !is_list && params.contains_key(wire::FROM) && props.contains_key("continueFrom");
        if !is_list && !is_export {
            continue;
        }
        // The paging impls read `has_more` as a bool, pass `page`/`pageSize` as i32 and `from`
        // as text, and read `continue_from` as text.
        let mismatch = if type_of(props.get("hasMore")).as_deref() != Some("boolean") {
            Some("the page's hasMore is not a boolean")
        } else if is_list && type_of(params.get(wire::PAGE)).as_deref() != Some("integer") {
            Some("its page parameter is not an integer")
        } else if is_export && type_of(params.get("from")).as_deref() != Some("string") {
            Some("its from parameter is not a string")
        } else if is_export && type_of(props.get("continueFrom")).as_deref() != Some("string") {
            Some("the page's continueFrom is not a string")
        } else {
            None
        };
        if let Some(why) = mismatch {
            notes.push(format!("{id}: {why}; no paging impl"));
            continue;
        }
        let total_count = match props.get("totalCount").map(&resolve) {
            None => TotalCount::Absent,
            Some(t) if t.get("type") == Some(&json!("integer")) => {
                match t.get("format").and_then(Value::as_str) {
                    None | Some("int32" | "int64") => TotalCount::Lossless,
                    Some(_) => TotalCount::Checked,
                }
            }
            Some(_) => {
                if is_list {
                    notes.push(format!(
                        "{id}: the page's totalCount is not an integer; the paging impl reports no total"
                    ));
                }
                TotalCount::Absent
            }
        };
        let paged = PagedOperation {
            operation_id: id,
            page_schema,
            item_type,
            has_page_size: type_of(params.get(wire::PAGE_SIZE)).as_deref() == Some("integer"),
            total_count,
        };
        if is_list {
            n.lists.push(paged);
        } else {
            n.exports.push(paged);
        }
    }
    n.report.fixes.extend(notes);
}

/// The Rust type typify gives a schema that is a reference or a plain value/array of them.
fn simple_rust_type(schema: &Value) -> Option<String> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return Some(format!("types::{}", r.rsplit('/').next()?));
    }
    let nullable = schema.get("nullable") == Some(&json!(true));
    let base = match schema.get("type").and_then(Value::as_str) {
        None if schema
            .as_object()?
            .keys()
            .all(|k| k == "description" || k == "nullable") =>
        {
            return Some("::serde_json::Value".into())
        }
        Some("array") => format!(
            "::std::vec::Vec<{}>",
            simple_rust_type(schema.get("items")?)?
        ),
        Some("string") if schema.get("format").is_none() && schema.get("enum").is_none() => {
            "::std::string::String".into()
        }
        Some("boolean") => "bool".into(),
        _ => return None,
    };
    Some(if nullable {
        format!("::std::option::Option<{base}>")
    } else {
        base
    })
}

/// Report lines show paths as the document wrote them.
fn display_path(line: &str) -> String {
    line.replace(TENANT_PLACEHOLDER, "{tenant}")
}
