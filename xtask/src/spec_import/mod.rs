//! `cargo xtask spec-import --official DIR [--check]`: the facts of ServiceTitan's official
//! documents, plus our overlays, become `specs/<module>.yaml`.
//!
//! Per document: convert to OpenAPI 3.1 form; restore the operations the overlay keeps from an
//! older set; keep facts only (no summaries, descriptions, titles or examples); give models and
//! operations our names (pinned in the overlay, or chosen by rule for new ones); add our own
//! operations; apply our descriptions and corrections. An overlay entry that matches nothing is
//! an error, never skipped. Output is deterministic and headed by the source's sha256.

mod changes;
mod facts;
mod names;
pub mod overlay;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::{json, Map, Value};

use crate::codegen::{documents_in, module_key};
use crate::deprecations::DEPRECATED_NOTE_KEY;
use crate::load::{self, Dialect, Document};
use crate::{generate, normalize, pointer};
use overlay::{operation_key, split_operation_key, Overlay};

pub const USAGE: &str = "usage: cargo xtask spec-import --official DIR [--check] [--specs DIR] [--overlays DIR] [--min-doc-coverage PCT]

Reads every official document in DIR (OpenAPI 3.1, 3.0 or Swagger 2.0; JSON or YAML), applies
specs/overlays/<module>.yaml and writes specs/<module>.yaml. Prints a change report against the
committed specs (operations and fields added, removed or changed) and the share of operations
and models that carry our descriptions.

  --official DIR          the official documents (e.g. ../shared/servicetitan-openapi/official-2026-07)
  --check                 write nothing; fail with a diff when a committed spec differs from a fresh import
  --specs DIR             where the specs go (default: specs/)
  --overlays DIR          where the overlays are (default: specs/overlays/)
  --min-doc-coverage PCT  fail when fewer operations than this carry our summary";

struct Options {
    official: PathBuf,
    specs: PathBuf,
    overlays: PathBuf,
    check: bool,
    min_doc_coverage: f64,
}

fn parse(args: &[String]) -> Result<Option<Options>, String> {
    let root = crate::workspace_root();
    let mut official = None;
    let mut opts = Options {
        official: PathBuf::new(),
        specs: root.join("specs"),
        overlays: root.join("specs/overlays"),
        check: false,
        min_doc_coverage: 0.0,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--help" | "-h" => return Ok(None),
            "--official" => official = Some(PathBuf::from(value()?)),
            "--specs" => opts.specs = PathBuf::from(value()?),
            "--overlays" => opts.overlays = PathBuf::from(value()?),
            "--check" => opts.check = true,
            "--min-doc-coverage" => {
                opts.min_doc_coverage = value()?
                    .parse()
                    .map_err(|_| "--min-doc-coverage takes a percentage")?
            }
            other => return Err(format!("unknown spec-import option {other:?}\n{USAGE}")),
        }
    }
    opts.official = official.ok_or(format!("spec-import needs --official DIR\n{USAGE}"))?;
    Ok(Some(opts))
}

/// What one import produced.
struct Imported {
    module: String,
    text: String,
    doc: Value,
    ops_total: usize,
    ops_described: usize,
    models_total: usize,
    models_described: usize,
    /// Operations and models named by rule rather than by the overlay.
    named_by_rule: Vec<String>,
}

pub fn run(args: &[String]) -> Result<bool, String> {
    let Some(opts) = parse(args)? else {
        println!("{USAGE}");
        return Ok(true);
    };
    let started = Instant::now();
    let documents = documents_in(&opts.official)?;
    if documents.is_empty() {
        return Err(format!(
            "no .json/.yaml/.yml documents in {}",
            opts.official.display()
        ));
    }
    let mut ok = true;
    let mut seen_modules = BTreeSet::new();
    let mut results = Vec::new();
    for path in &documents {
        let module = module_key(path);
        if !seen_modules.insert(module.clone()) {
            eprintln!(
                "error: {}: a second document for module {module}",
                path.display()
            );
            ok = false;
            continue;
        }
        let overlay_path = opts.overlays.join(format!("{module}.yaml"));
        match import_file(path, &opts.official, &overlay_path, &module) {
            Ok(imported) => results.push(imported),
            Err(errors) => {
                ok = false;
                for e in errors {
                    eprintln!("error: {e}");
                }
            }
        }
    }
    for stray in documents_in(&opts.overlays).unwrap_or_default() {
        let module = module_key(&stray);
        if !seen_modules.contains(&module) {
            eprintln!(
                "error: {}: no official document for module {module} in {}",
                stray.display(),
                opts.official.display()
            );
            ok = false;
        }
    }
    let elapsed = started.elapsed();

    let (mut ops_total, mut ops_described, mut models_total, mut models_described) = (0, 0, 0, 0);
    let mut stale = Vec::new();
    println!("change report against the committed specs:");
    for r in &results {
        let target = opts.specs.join(format!("{}.yaml", r.module));
        let committed = std::fs::read_to_string(&target).ok();
        let old = committed
            .as_deref()
            .and_then(|t| serde_yaml::from_str::<Value>(t).ok());
        let report = changes::compare(old.as_ref(), &r.doc);
        println!("{}: {}", r.module, report.headline());
        for line in &r.named_by_rule {
            println!("    named by rule: {line}");
        }
        for line in report.lines.iter().take(200) {
            println!("    {line}");
        }
        if report.lines.len() > 200 {
            println!("    ... ({} more)", report.lines.len() - 200);
        }
        ops_total += r.ops_total;
        ops_described += r.ops_described;
        models_total += r.models_total;
        models_described += r.models_described;
        if committed.as_deref() != Some(r.text.as_str()) {
            if opts.check {
                stale.push((target, committed.unwrap_or_default(), r.text.clone()));
            } else {
                std::fs::write(&target, &r.text)
                    .map_err(|e| format!("{}: {e}", target.display()))?;
            }
        }
    }
    let op_share = 100.0 * ops_described as f64 / ops_total.max(1) as f64;
    println!(
        "descriptions: {ops_described}/{ops_total} operations ({op_share:.1}%), {models_described}/{models_total} models ({:.1}%)",
        100.0 * models_described as f64 / models_total.max(1) as f64
    );
    if op_share < opts.min_doc_coverage {
        eprintln!(
            "error: {op_share:.1}% of operations carry our summary, below --min-doc-coverage {}",
            opts.min_doc_coverage
        );
        ok = false;
    }
    for (target, current, wanted) in &stale {
        ok = false;
        eprintln!(
            "stale: {} differs from a fresh import (run `cargo xtask spec-import --official {}`)",
            target.display(),
            opts.official.display()
        );
        crate::codegen::print_diff(current, wanted);
    }
    if opts.check && stale.is_empty() && ok {
        println!("spec-import --check: every spec matches a fresh import");
    }
    println!(
        "{} document(s) imported in {:.2} s",
        results.len(),
        elapsed.as_secs_f64()
    );
    Ok(ok)
}

/// The document's facts in OpenAPI 3.1 form (prose still in; it goes in `facts`).
fn as_31(doc: &Document) -> Value {
    match doc.dialect {
        Dialect::OpenApi31 => doc.value.clone(),
        Dialect::OpenApi30 | Dialect::Swagger2 => {
            let mut v = normalize::to_openapi30(doc);
            facts::upgrade_to_31(&mut v);
            v
        }
    }
}

fn import_file(
    path: &Path,
    official_dir: &Path,
    overlay_path: &Path,
    module: &str,
) -> Result<Imported, Vec<String>> {
    let doc = load::load(path).map_err(|e| vec![e.to_string()])?;
    let overlay = Overlay::load(overlay_path).map_err(|e| vec![e])?;
    let set_name = official_dir
        .file_name()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let file_name = path.file_name().unwrap().to_string_lossy().to_string();
    let source = format!("{set_name}/{file_name}");
    let overlay_display = format!("specs/overlays/{module}.yaml");
    let mut errors = Vec::new();
    let mut err = |e: String| errors.push(format!("{overlay_display}: {e}"));

    let mut v = as_31(&doc);
    // Each older document is read once, however many operations it gives back.
    let mut older: BTreeMap<&str, Result<Value, String>> = BTreeMap::new();
    for r in &overlay.restore {
        let sibling = official_dir
            .parent()
            .unwrap_or(Path::new("."))
            .join(&r.from)
            .join(&file_name);
        let old = older.entry(r.from.as_str()).or_insert_with(|| {
            if !sibling.exists() {
                return Err(format!("{} does not exist", sibling.display()));
            }
            load::load(&sibling)
                .map(|d| as_31(&d))
                .map_err(|e| e.to_string())
        });
        let result = match old {
            Ok(old) => restore(&mut v, old, &sibling, &r.operation),
            Err(e) => Err(e.clone()),
        };
        if let Err(e) = result {
            err(format!("restore {}: {e}", r.operation));
        }
    }

    // Facts only.
    let mut paths = facts::paths(v.get("paths").unwrap_or(&Value::Null));
    let mut components = facts::components(v.get("components"));
    let mut schemas = match components.remove("schemas") {
        Some(Value::Object(s)) => s,
        _ => Map::new(),
    };

    // Model names.
    let mut named_by_rule = Vec::new();
    let mut pinned: BTreeMap<String, String> = BTreeMap::new();
    let mut taken = BTreeSet::new();
    for (key, m) in &overlay.models {
        if !schemas.contains_key(key) {
            err(format!(
                "models: {key:?} is not a schema of {source} (renamed or removed upstream?)"
            ));
            continue;
        }
        if let Some(name) = &m.name {
            if !taken.insert(name.clone()) {
                err(format!("models: the name {name:?} is given twice"));
            }
            pinned.insert(key.clone(), name.clone());
        }
    }
    let unpinned: Vec<String> = schemas
        .keys()
        .filter(|k| !pinned.contains_key(*k))
        .cloned()
        .collect();
    let mut names = pinned.clone();
    for (key, base) in crate::naming::clean_schema_names(&unpinned) {
        let mut name = base.clone();
        let mut i = 2;
        while !taken.insert(name.clone()) {
            name = format!("{base}{i}");
            i += 1;
        }
        named_by_rule.push(format!("model {key} → {name}"));
        names.insert(key, name);
    }
    let ref_map: BTreeMap<String, String> = names
        .iter()
        .map(|(k, n)| {
            (
                format!("{}{}", normalize::SCHEMA_REF_PREFIX, pointer::escape(k)),
                n.clone(),
            )
        })
        .collect();
    schemas = schemas
        .into_iter()
        .map(|(k, s)| (names[&k].clone(), s))
        .collect();
    let mut schemas = Value::Object(schemas);
    normalize::rewrite_schema_refs(&mut schemas, &ref_map);
    normalize::rewrite_schema_refs(&mut paths, &ref_map);
    for c in components.values_mut() {
        normalize::rewrite_schema_refs(c, &ref_map);
    }
    let Value::Object(mut schemas) = schemas else {
        unreachable!("built as an object above")
    };

    // Our own operations and schemas.
    if let Some(add) = &overlay.additions {
        let paths = paths
            .as_object_mut()
            .expect("facts::paths returns an object");
        for (p, item) in &add.paths {
            let entry = paths.entry(p.clone()).or_insert_with(|| json!({}));
            for (method, op) in item.as_object().into_iter().flatten() {
                if entry.get(method).is_some() {
                    err(format!(
                        "additions: {} is in {source} now; drop it from additions",
                        operation_key(method, p)
                    ));
                }
                entry[method] = op.clone();
            }
        }
        for (name, s) in &add.schemas {
            if schemas.contains_key(name) {
                err(format!(
                    "additions: schema {name:?} clashes with a model of {source}"
                ));
            }
            schemas.insert(name.clone(), s.clone());
        }
    }

    // Operation names and words.
    let mut op_keys = BTreeSet::new();
    let mut op_names: BTreeMap<String, String> = BTreeMap::new();
    let pinned_ops: BTreeSet<&String> = overlay
        .operations
        .values()
        .filter_map(|w| w.name.as_ref())
        .collect();
    let (mut ops_total, mut ops_described) = (0, 0);
    let paths_obj = paths.as_object_mut().expect("an object");
    for (p, item) in paths_obj.iter_mut() {
        let path_params: Vec<String> = item
            .get("parameters")
            .and_then(Value::as_array)
            .map(|ps| param_names(ps))
            .unwrap_or_default();
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let methods: Vec<String> = item
            .keys()
            .filter(|k| *k != "parameters")
            .cloned()
            .collect();
        for method in methods {
            let key = operation_key(&method, p);
            op_keys.insert(key.clone());
            ops_total += 1;
            let words = overlay.operations.get(&key);
            let op = item[&method].as_object_mut().expect("an operation object");
            let official_id = op.get("operationId").and_then(Value::as_str);
            let name = match words.and_then(|w| w.name.clone()) {
                Some(n) => n,
                None => {
                    let n = names::operation_name(&method, p, official_id);
                    named_by_rule.push(format!("operation {key} → {n}"));
                    n
                }
            };
            let is_pinned = words.and_then(|w| w.name.as_ref()).is_some();
            let mut unique = name.clone();
            let mut i = 2;
            while op_names.contains_key(&unique) || (!is_pinned && pinned_ops.contains(&unique)) {
                unique = format!("{name}{i}");
                i += 1;
            }
            if unique != name && is_pinned {
                err(format!(
                    "operations: {key}: the name {name:?} is already {}",
                    op_names[&name]
                ));
            }
            op_names.insert(unique.clone(), key.clone());
            // Our words first, then the facts, so each operation reads top-down.
            let mut ordered = Map::new();
            ordered.insert("operationId".into(), json!(unique));
            if let Some(w) = words {
                if let Some(s) = &w.summary {
                    ordered.insert("summary".into(), json!(s));
                    ops_described += 1;
                }
                if let Some(d) = &w.description {
                    ordered.insert("description".into(), json!(d));
                }
                if let Some(n) = &w.deprecated_note {
                    ordered.insert(DEPRECATED_NOTE_KEY.into(), json!(n));
                }
            }
            for (k, v) in std::mem::take(op) {
                if k != "operationId" {
                    ordered.insert(k, v);
                }
            }
            if let Some(w) = words {
                let mut known: Vec<String> = path_params.clone();
                if let Some(Value::Array(ps)) = ordered.get_mut("parameters") {
                    known.extend(param_names(ps));
                    for p in ps.iter_mut() {
                        let Some(n) = p.get("name").and_then(Value::as_str) else {
                            continue;
                        };
                        if let Some(d) = w.parameters.get(n) {
                            set_description(p, d);
                        }
                    }
                }
                for n in w.parameters.keys() {
                    if !known.contains(n) {
                        err(format!("operations: {key}: no parameter {n:?}"));
                    }
                }
            }
            *op = ordered;
        }
        if let Some(Value::Array(ps)) = item.get_mut("parameters") {
            // Path-level parameters take the description of any operation's overlay entry.
            for p in ps.iter_mut() {
                let Some(n) = p.get("name").and_then(Value::as_str).map(String::from) else {
                    continue;
                };
                let d = overlay
                    .operations
                    .iter()
                    .filter(|(k, _)| split_operation_key(k).is_some_and(|(_, kp)| kp == p))
                    .find_map(|(_, w)| w.parameters.get(&n));
                if let Some(d) = d {
                    set_description(p, d);
                }
            }
        }
    }
    for n in &overlay.not_restored {
        if op_keys.contains(&n.operation) {
            err(format!(
                "not_restored: {} is in {source} again; drop the entry",
                n.operation
            ));
        }
        if n.reason.trim().is_empty() {
            err(format!("not_restored: {} needs a reason", n.operation));
        }
    }
    if let Some(add) = &overlay.additions {
        if add.reason.trim().is_empty() {
            err("additions: a reason is required".to_string());
        }
    }
    for key in overlay.operations.keys() {
        if split_operation_key(key).is_none() {
            err(format!(
                "operations: {key:?} is not `METHOD /path` (GET, PUT, POST, DELETE or PATCH)"
            ));
        } else if !op_keys.contains(key) {
            err(format!(
                "operations: {key} is not an operation of {source} (removed upstream?)"
            ));
        }
    }

    // Model words.
    let (mut models_described, models_total) = (0, schemas.len());
    let mut described = BTreeSet::new();
    for (key, m) in &overlay.models {
        let Some(name) = names.get(key) else { continue };
        let Some(schema) = schemas.get_mut(name) else {
            continue;
        };
        if let Some(d) = &m.description {
            set_description(schema, d);
            described.insert(name.clone());
        }
        for (prop, d) in &m.properties {
            match property_mut(schema, prop) {
                Some(p) => set_description(p, d),
                None => err(format!("models: {key}: no property {prop:?}")),
            }
        }
        if let Some(note) = &m.deprecated_note {
            if let Err(e) = set_deprecated_note(schema, note) {
                err(format!("models: {key}: deprecated_note: {e}"));
            }
        }
        for (prop, note) in &m.deprecated_notes {
            let result = property_mut(schema, prop)
                .ok_or_else(|| format!("no property {prop:?}"))
                .and_then(|p| set_deprecated_note(p, note));
            if let Err(e) = result {
                err(format!("models: {key}: deprecated_notes: {e}"));
            }
        }
    }
    for (name, s) in &schemas {
        if described.contains(name) || s.get("description").is_some() {
            models_described += 1;
        }
    }

    // Tags: those the operations use, with our words.
    let mut used_tags = BTreeSet::new();
    for item in paths_obj.values() {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            for t in op
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(t) = t.as_str() {
                    used_tags.insert(t.to_string());
                }
            }
        }
    }
    for t in overlay.tags.keys() {
        if !used_tags.contains(t) {
            err(format!("tags: no operation has the tag {t:?}"));
        }
    }
    let tags: Vec<Value> = used_tags
        .iter()
        .map(|t| match overlay.tags.get(t) {
            Some(d) => json!({ "name": t, "description": d }),
            None => json!({ "name": t }),
        })
        .collect();

    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.1.0"));
    let title = overlay
        .info
        .title
        .clone()
        .unwrap_or_else(|| format!("ServiceTitan {} API", crate::naming::pascal(module)));
    let mut info = Map::new();
    info.insert("title".into(), json!(title));
    // The API's major version, which every module serves (`/jpm/v2`, `/telecom/v2` and v3
    // paths). progenitor sends it as the `api-version` header; the documents' own `info.version`
    // numbers the document, not the API.
    info.insert("version".into(), json!("2"));
    if let Some(d) = &overlay.info.description {
        info.insert("description".into(), json!(d));
    }
    info.insert("x-servicetitan-module".into(), json!(module));
    info.insert("x-servicetitan-source".into(), json!(source));
    out.insert("info".into(), Value::Object(info));
    out.insert("servers".into(), servers(&v));
    out.insert("security".into(), json!([{ "oauth2": [], "appKey": [] }]));
    if !tags.is_empty() {
        out.insert("tags".into(), Value::Array(tags));
    }
    out.insert("paths".into(), paths);
    let mut comps = Map::new();
    for (k, c) in components {
        comps.insert(k, c);
    }
    comps.insert("schemas".into(), Value::Object(schemas));
    comps.insert("securitySchemes".into(), security_schemes());
    out.insert("components".into(), Value::Object(comps));
    let mut out = Value::Object(out);

    for (i, c) in overlay.corrections.iter().enumerate() {
        if let Err(e) = overlay::apply_correction(&mut out, c) {
            err(format!("corrections/{i}: {e}"));
        }
    }
    describe_responses(&mut out);
    let mut refs = Vec::new();
    collect_refs(&out, &mut refs);
    let dangling: BTreeSet<&String> = refs
        .iter()
        .filter(|r| r.strip_prefix('#').is_none_or(|p| out.pointer(p).is_none()))
        .collect();
    for r in dangling {
        err(format!(
            "$ref {r:?} points to nothing (a correction or addition refers to a model the document lacks)"
        ));
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    let yaml = serde_yaml::to_string(&out).map_err(|e| vec![format!("{source}: {e}")])?;
    let text = format!(
        "# @generated by `cargo xtask spec-import` from {source}\n# (sha256 {}) and {overlay_display}. Edit the overlay, not this file.\n{yaml}",
        generate::sha256_hex(&doc.bytes)
    );
    Ok(Imported {
        module: module.to_string(),
        text,
        doc: out,
        ops_total,
        ops_described,
        models_total,
        models_described,
        named_by_rule,
    })
}

fn param_names(ps: &[Value]) -> Vec<String> {
    ps.iter()
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(String::from))
        .collect()
}

/// Our description goes first among a schema's or parameter's keys.
fn set_description(v: &mut Value, text: &str) {
    let Value::Object(o) = v else { return };
    let mut ordered = Map::new();
    ordered.insert("description".into(), json!(text));
    for (k, val) in std::mem::take(o) {
        if k != "description" {
            ordered.insert(k, val);
        }
    }
    *o = ordered;
}

/// Puts our note beside the document's `deprecated: true`; a note for something the document does
/// not deprecate is an error, so a lifted deprecation reaches a person.
fn set_deprecated_note(schema: &mut Value, note: &str) -> Result<(), String> {
    if schema.get("deprecated") != Some(&json!(true)) {
        return Err("the document does not deprecate it".into());
    }
    schema[DEPRECATED_NOTE_KEY] = json!(note);
    Ok(())
}

/// A property of an object schema, also when it sits in an `allOf` member.
fn property_mut<'a>(schema: &'a mut Value, prop: &str) -> Option<&'a mut Value> {
    if schema
        .pointer(&format!("/properties/{}", pointer::escape(prop)))
        .is_some()
    {
        return schema.pointer_mut(&format!("/properties/{}", pointer::escape(prop)));
    }
    let members = schema.get_mut("allOf")?.as_array_mut()?;
    members
        .iter_mut()
        .find_map(|m| m.get_mut("properties")?.get_mut(prop))
}

/// Copies one operation, and every component it needs that the document lacks, from the same
/// module's document in an older set.
fn restore(doc: &mut Value, old: &Value, sibling: &Path, key: &str) -> Result<(), String> {
    let (method, path) = split_operation_key(key).ok_or("not `METHOD /path`")?;
    let item_ptr = format!("/paths/{}", pointer::escape(path));
    let op = old
        .pointer(&format!("{item_ptr}/{method}"))
        .ok_or_else(|| format!("{} has no {key}", sibling.display()))?
        .clone();
    if doc.pointer(&format!("{item_ptr}/{method}")).is_some() {
        return Err("the operation is back in the newest document: drop the restore entry".into());
    }
    let paths = doc["paths"]
        .as_object_mut()
        .ok_or("the document has no paths")?;
    let item = paths.entry(path.to_string()).or_insert_with(|| json!({}));
    if item.get("parameters").is_none() {
        if let Some(ps) = old.pointer(&format!("{item_ptr}/parameters")) {
            item["parameters"] = ps.clone();
        }
    }
    item[&method] = op.clone();
    // Components it refers to, transitively, unless the newer document has them.
    let mut todo: Vec<String> = Vec::new();
    collect_refs(&op, &mut todo);
    if let Some(ps) = old.pointer(&format!("{item_ptr}/parameters")) {
        collect_refs(ps, &mut todo);
    }
    let mut done = BTreeSet::new();
    while let Some(r) = todo.pop() {
        if !done.insert(r.clone()) {
            continue;
        }
        let Some(ptr) = r.strip_prefix('#') else {
            continue;
        };
        if doc.pointer(ptr).is_some() {
            continue;
        }
        let Some(value) = old.pointer(ptr).cloned() else {
            return Err(format!("{} has no {r}", sibling.display()));
        };
        collect_refs(&value, &mut todo);
        let parts: Vec<&str> = ptr.trim_start_matches('/').splitn(3, '/').collect();
        if parts.len() != 3 || parts[0] != "components" {
            return Err(format!("cannot restore {r}"));
        }
        let section = doc
            .as_object_mut()
            .unwrap()
            .entry("components")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .ok_or("components is not an object")?
            .entry(parts[1])
            .or_insert_with(|| json!({}));
        let name = parts[2].replace("~1", "/").replace("~0", "~");
        section[name] = value;
    }
    Ok(())
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get("$ref") {
                out.push(r.clone());
            }
            o.values().for_each(|c| collect_refs(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| collect_refs(c, out)),
        _ => {}
    }
}

/// Production and integration servers with our labels.
fn servers(v: &Value) -> Value {
    let urls: Vec<&str> = v
        .get("servers")
        .and_then(Value::as_array)
        .map(|s| {
            s.iter()
                .filter_map(|s| s.get("url").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    Value::Array(
        urls.iter()
            .map(|u| {
                let label = if u.contains("integration") {
                    "Integration"
                } else {
                    "Production"
                };
                json!({ "url": u, "description": label })
            })
            .collect(),
    )
}

fn security_schemes() -> Value {
    json!({
        "oauth2": {
            "type": "oauth2",
            "description": "OAuth 2.0 client credentials; tokens last about 15 minutes.",
            "flows": { "clientCredentials": {
                "tokenUrl": "https://auth.servicetitan.io/connect/token",
                "scopes": {}
            }}
        },
        "appKey": { "type": "apiKey", "in": "header", "name": "ST-App-Key" }
    })
}

/// OpenAPI requires a description on every response; ours name the status.
fn describe_responses(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        for op in item
            .as_object_mut()
            .into_iter()
            .flat_map(|o| o.values_mut())
        {
            let Some(rs) = op.get_mut("responses").and_then(Value::as_object_mut) else {
                continue;
            };
            for (code, r) in rs.iter_mut() {
                let Value::Object(r) = r else { continue };
                if r.contains_key("$ref") || r.contains_key("description") {
                    continue;
                }
                let mut ordered = Map::new();
                ordered.insert("description".into(), json!(status_text(code)));
                ordered.extend(std::mem::take(r));
                *r = ordered;
            }
        }
    }
}

fn status_text(code: &str) -> &'static str {
    match code {
        "200" => "OK",
        "201" => "Created",
        "202" => "Accepted",
        "204" => "No content",
        "301" | "302" | "303" | "307" | "308" => "Redirect",
        "400" => "Bad request",
        "401" => "Unauthorized",
        "403" => "Forbidden",
        "404" => "Not found",
        "409" => "Conflict",
        "422" => "Unprocessable",
        "429" => "Too many requests",
        c if c.starts_with('5') => "Server error",
        c if c.starts_with('2') => "Success",
        _ => "Response",
    }
}

#[cfg(test)]
mod tests;
