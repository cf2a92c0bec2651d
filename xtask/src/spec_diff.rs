//! `cargo xtask spec-diff`: compares our specs with official documents, operation by operation
//! and field by field, following each operation's request and response schemas (the two sides
//! name their schemas differently, so names are never compared).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::codegen::{documents_in, module_key};
use crate::spec_import::overlay::Overlay;
use crate::{load, normalize, pointer};

struct Options {
    specs: PathBuf,
    official: Vec<PathBuf>,
    overlays: PathBuf,
    min_coverage: f64,
    max_mismatches: usize,
}

pub const USAGE: &str = "usage: cargo xtask spec-diff [--official DIR]... [--specs DIR] [--overlays DIR] [--min-coverage PCT] [--max-mismatches N]

Compares our specs with official documents operation by operation and field by field, following
request and response schemas. A difference is explained when an overlay correction
(specs/overlays/<module>.yaml) targets that operation or names the difference in its `diff` list;
every other difference counts against --max-mismatches. Operations of an official set that our
specs lack are listed; against an older set they are what upstream removed (see the overlays'
not_restored entries).

  --official DIR        official documents (repeatable; default: the 2026-07 set in ../shared)
  --specs DIR           our specs (default: specs/)
  --overlays DIR        our overlays (default: specs/overlays/)
  --min-coverage PCT    fail when a module covers fewer of the official operations
  --max-mismatches N    fail when more differences are unexplained";

fn parse(args: &[String]) -> Result<Option<Options>, String> {
    let root = crate::workspace_root();
    let mut opts = Options {
        specs: root.join("specs"),
        official: Vec::new(),
        overlays: root.join("specs/overlays"),
        min_coverage: 0.0,
        max_mismatches: usize::MAX,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--official" => opts.official.push(PathBuf::from(value()?)),
            "--specs" => opts.specs = PathBuf::from(value()?),
            "--overlays" => opts.overlays = PathBuf::from(value()?),
            "--help" | "-h" => return Ok(None),
            "--min-coverage" => {
                opts.min_coverage = value()?
                    .parse()
                    .map_err(|_| "--min-coverage takes a percentage")?
            }
            "--max-mismatches" => {
                opts.max_mismatches = value()?
                    .parse()
                    .map_err(|_| "--max-mismatches takes a count")?
            }
            other => return Err(format!("unknown spec-diff option {other:?}\n{USAGE}")),
        }
    }
    if opts.official.is_empty() {
        opts.official
            .push(root.join("../shared/servicetitan-openapi/official-2026-07"));
    }
    Ok(Some(opts))
}

/// A document reduced to what the comparison needs.
struct Side {
    doc: Value,
    server_path: String,
}

fn load_side(path: &Path) -> Result<Side, String> {
    let document = load::load(path).map_err(|e| e.to_string())?;
    let doc = normalize::to_openapi30(&document);
    let url = doc
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .unwrap_or("");
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let server_path = rest
        .find('/')
        .map(|i| rest[i..].to_string())
        .unwrap_or_default();
    Ok(Side {
        doc,
        server_path: server_path.trim_end_matches('/').to_string(),
    })
}

/// `METHOD /module/v2/tenant/{}/jobs/{}` — parameter names do not matter, positions do.
fn op_key(side: &Side, method: &str, path: &str) -> String {
    let full = format!("{}{}", side.server_path, path);
    let mut out = String::new();
    let mut in_param = false;
    for c in full.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    format!("{} {}", method.to_uppercase(), out.trim_end_matches('/'))
}

fn operations(side: &Side) -> BTreeMap<String, &Value> {
    load::operations(&side.doc)
        .into_iter()
        .map(|(path, method, op, _)| (op_key(side, method, path), op))
        .collect()
}

/// Follows `$ref`s (and single-element allOf/oneOf wrappers) to the schema that says something.
fn deref<'a>(doc: &'a Value, mut s: &'a Value) -> (&'a Value, Option<String>) {
    let mut name = None;
    for _ in 0..16 {
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            name = Some(r.to_string());
            match pointer::resolve(doc, r) {
                Some(t) => s = t,
                None => break,
            }
            continue;
        }
        let wrapper = ["allOf", "oneOf", "anyOf"].iter().find_map(|k| {
            s.get(*k)
                .and_then(Value::as_array)
                .filter(|a| a.len() == 1)
                .map(|a| &a[0])
        });
        match wrapper {
            Some(inner) if s.get("properties").is_none() => s = inner,
            _ => break,
        }
    }
    (s, name)
}

fn nullable(doc: &Value, s: &Value) -> bool {
    // A nullable wrapper around a reference carries the flag outside the reference.
    s.get("nullable") == Some(&json!(true)) || deref(doc, s).0.get("nullable") == Some(&json!(true))
}

/// Formats that name the same thing.
fn same_format(a: Option<&str>, b: Option<&str>) -> bool {
    fn canon(f: Option<&str>) -> Option<&str> {
        match f {
            Some("guid") => Some("uuid"),
            other => other,
        }
    }
    canon(a) == canon(b)
}

struct Walk<'a> {
    ours: &'a Value,
    theirs: &'a Value,
    seen: BTreeSet<(String, String)>,
    out: Vec<String>,
}

impl Walk<'_> {
    fn schema(&mut self, at: &str, a: &Value, b: &Value) {
        let (sa, ra) = deref(self.ours, a);
        let (sb, rb) = deref(self.theirs, b);
        if let (Some(ra), Some(rb)) = (&ra, &rb) {
            if !self.seen.insert((ra.clone(), rb.clone())) {
                return;
            }
        }
        let ta = sa.get("type").and_then(Value::as_str);
        let tb = sb.get("type").and_then(Value::as_str);
        if ta != tb {
            self.out
                .push(format!("{at}: type {} vs official {}", show(ta), show(tb)));
            return;
        }
        let fa = sa.get("format").and_then(Value::as_str);
        let fb = sb.get("format").and_then(Value::as_str);
        if !same_format(fa, fb) {
            self.out.push(format!(
                "{at}: format {} vs official {}",
                show(fa),
                show(fb)
            ));
        }
        if nullable(self.ours, a) != nullable(self.theirs, b) {
            self.out.push(format!(
                "{at}: nullable {} vs official {}",
                nullable(self.ours, a),
                nullable(self.theirs, b)
            ));
        }
        let ea = enum_set(sa);
        let eb = enum_set(sb);
        if ea != eb {
            let missing: Vec<_> = eb.difference(&ea).cloned().collect();
            let extra: Vec<_> = ea.difference(&eb).cloned().collect();
            self.out
                .push(format!("{at}: enum missing {missing:?}, extra {extra:?}"));
        }
        if let (Some(ia), Some(ib)) = (sa.get("items"), sb.get("items")) {
            self.schema(&format!("{at}[]"), ia, ib);
        }
        let pa = sa.get("properties").and_then(Value::as_object);
        let pb = sb.get("properties").and_then(Value::as_object);
        if let (Some(pa), Some(pb)) = (pa, pb) {
            let ra = required_set(sa);
            let rb = required_set(sb);
            for (name, b_prop) in pb {
                match pa.get(name) {
                    None => self.out.push(format!("{at}.{name}: missing")),
                    Some(a_prop) => {
                        if ra.contains(name) != rb.contains(name) {
                            self.out.push(format!(
                                "{at}.{name}: required {} vs official {}",
                                ra.contains(name),
                                rb.contains(name)
                            ));
                        }
                        self.schema(&format!("{at}.{name}"), a_prop, b_prop);
                    }
                }
            }
            for name in pa.keys().filter(|k| !pb.contains_key(*k)) {
                self.out.push(format!("{at}.{name}: extra"));
            }
        } else if pa.is_some() != pb.is_some() {
            self.out.push(format!("{at}: properties on one side only"));
        }
    }
}

fn show(v: Option<&str>) -> String {
    v.map(String::from).unwrap_or_else(|| "-".into())
}

fn enum_set(s: &Value) -> BTreeSet<String> {
    s.get("enum")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter(|v| !v.is_null())
                .map(|v| v.to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn required_set(s: &Value) -> BTreeSet<String> {
    s.get("required")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn params(op: &Value) -> BTreeMap<(String, String), &Value> {
    op.get("parameters")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter(|p| {
                    !(p.get("in") == Some(&json!("path"))
                        && p.get("name") == Some(&json!("tenant")))
                })
                .map(|p| {
                    let loc = p
                        .get("in")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    let name = p
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    // Path parameters are matched by position (the path key), not by name.
                    let key = if loc == "path" { String::new() } else { name };
                    ((loc, key), p)
                })
                .filter(|((loc, _), _)| loc != "path" && loc != "header")
                .collect()
        })
        .unwrap_or_default()
}

fn body_schema(v: &Value) -> Option<&Value> {
    let content = v.get("content")?.as_object()?;
    let media = content
        .iter()
        .find(|(m, _)| m.contains("json"))
        .or_else(|| content.iter().next())?;
    media.1.get("schema")
}

fn compare_operation(ours: &Side, theirs: &Side, a: &Value, b: &Value) -> Vec<String> {
    let mut walk = Walk {
        ours: &ours.doc,
        theirs: &theirs.doc,
        seen: BTreeSet::new(),
        out: Vec::new(),
    };
    let pa = params(a);
    let pb = params(b);
    for ((loc, name), q) in &pb {
        match pa.get(&(loc.clone(), name.clone())) {
            None => walk.out.push(format!("{loc} parameter {name}: missing")),
            Some(p) => {
                let req = |p: &Value| p.get("required") == Some(&json!(true));
                if req(p) != req(q) {
                    walk.out.push(format!(
                        "{loc} parameter {name}: required {} vs official {}",
                        req(p),
                        req(q)
                    ));
                }
                let (sa, sb) = (
                    p.get("schema").unwrap_or(&Value::Null),
                    q.get("schema").unwrap_or(&Value::Null),
                );
                let mut inner = Walk {
                    ours: &ours.doc,
                    theirs: &theirs.doc,
                    seen: BTreeSet::new(),
                    out: Vec::new(),
                };
                inner.schema(&format!("{loc} parameter {name}"), sa, sb);
                // Optional query parameters are nullable by nature; that difference says nothing.
                walk.out
                    .extend(inner.out.into_iter().filter(|l| !l.contains(": nullable ")));
            }
        }
    }
    for (loc, name) in pa.keys().filter(|k| !pb.contains_key(*k)) {
        walk.out.push(format!("{loc} parameter {name}: extra"));
    }
    let body_a = resolve_body(&ours.doc, a.get("requestBody"));
    let body_b = resolve_body(&theirs.doc, b.get("requestBody"));
    match (body_a.and_then(body_schema), body_b.and_then(body_schema)) {
        (Some(x), Some(y)) => walk.schema("request", x, y),
        (None, Some(_)) => walk.out.push("request body: missing".into()),
        (Some(_), None) => walk.out.push("request body: extra".into()),
        (None, None) => {}
    }
    let ra = a.get("responses").and_then(Value::as_object);
    let rb = b.get("responses").and_then(Value::as_object);
    if let (Some(ra), Some(rb)) = (ra, rb) {
        // Error bodies are our shared ProblemDetails by design; statuses still count.
        let codes = |r: &serde_json::Map<String, Value>| -> BTreeSet<String> {
            r.keys().cloned().collect()
        };
        for code in codes(rb).difference(&codes(ra)) {
            walk.out.push(format!("response {code}: missing"));
        }
        for code in codes(ra).difference(&codes(rb)) {
            walk.out.push(format!("response {code}: extra"));
        }
        for (code, y) in rb.iter().filter(|(c, _)| c.starts_with('2')) {
            let Some(x) = ra.get(code) else { continue };
            let x = resolve_body(&ours.doc, Some(x));
            let y = resolve_body(&theirs.doc, Some(y));
            match (x.and_then(body_schema), y.and_then(body_schema)) {
                (Some(x), Some(y)) => walk.schema(&format!("response {code}"), x, y),
                (None, Some(_)) => walk.out.push(format!("response {code} body: missing")),
                (Some(_), None) => walk.out.push(format!("response {code} body: extra")),
                (None, None) => {}
            }
        }
    }
    walk.out
}

fn resolve_body<'a>(doc: &'a Value, v: Option<&'a Value>) -> Option<&'a Value> {
    let v = v?;
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => pointer::resolve(doc, r),
        None => Some(v),
    }
}

/// What an overlay's corrections explain: differences under the operation a correction targets,
/// and differences whose lines start as a correction's `diff` list says.
struct Explanations {
    /// Operation keys (in `op_key` form) that a correction targets.
    operations: Vec<String>,
    /// Starts of difference lines.
    lines: Vec<String>,
}

impl Explanations {
    fn load(overlays: &Path, module: &str, ours: &Side) -> Result<Explanations, String> {
        let overlay = Overlay::load(&overlays.join(format!("{module}.yaml")))?;
        let mut ex = Explanations {
            operations: Vec::new(),
            lines: Vec::new(),
        };
        for c in &overlay.corrections {
            if let Some(rest) = c.at.strip_prefix("/paths/") {
                let mut parts = rest.splitn(3, '/');
                if let (Some(path), Some(method)) = (parts.next(), parts.next()) {
                    let path = path.replace("~1", "/").replace("~0", "~");
                    ex.operations.push(op_key(ours, method, &path));
                }
            }
            ex.lines.extend(c.diff.iter().cloned());
        }
        Ok(ex)
    }

    fn explains(&self, key: &str, line: &str) -> bool {
        self.operations.iter().any(|k| k == key)
            || self
                .lines
                .iter()
                .any(|prefix| line.starts_with(prefix.as_str()))
    }
}

pub fn run(args: &[String]) -> Result<bool, String> {
    let Some(opts) = parse(args)? else {
        println!("{USAGE}");
        return Ok(true);
    };
    let mut official: BTreeMap<String, PathBuf> = BTreeMap::new();
    for dir in &opts.official {
        for f in documents_in(dir)? {
            official.insert(module_key(&f), f);
        }
    }
    let ours: BTreeMap<String, PathBuf> = documents_in(&opts.specs)?
        .into_iter()
        .filter(|p| p.extension().and_then(|e| e.to_str()) != Some("txt"))
        .map(|p| (module_key(&p), p))
        .collect();
    println!(
        "{:<20} {:>6} {:>9} {:>9} {:>11} {:>8} {:>9}",
        "module", "ours", "official", "coverage", "mismatches", "explained", "only-ours"
    );
    let mut total_ours = 0;
    let mut total_official = 0;
    let mut unexplained = Vec::new();
    let mut ok = true;
    for (module, theirs_path) in &official {
        let Some(ours_path) = ours.get(module) else {
            println!("{module:<20} {:>6} (no spec of ours)", "-");
            ok = false;
            continue;
        };
        let a = load_side(ours_path)?;
        let b = load_side(theirs_path)?;
        let explanations = Explanations::load(&opts.overlays, module, &a)?;
        let oa = operations(&a);
        let ob = operations(&b);
        let covered = ob.keys().filter(|k| oa.contains_key(*k)).count();
        let only_ours = oa.keys().filter(|k| !ob.contains_key(*k)).count();
        let mut mismatches = 0;
        let mut allowed = 0;
        for key in ob.keys().filter(|k| !oa.contains_key(*k)) {
            unexplained.push(format!(
                "{module}: {key}: operation missing (not in our specs; if upstream dropped it, see not_restored in the overlay)"
            ));
            mismatches += 1;
        }
        for (key, op_b) in &ob {
            let Some(op_a) = oa.get(key) else { continue };
            for line in compare_operation(&a, &b, op_a, op_b) {
                if explanations.explains(key, &line) {
                    allowed += 1;
                } else {
                    mismatches += 1;
                    unexplained.push(format!("{module}: {key}: {line}"));
                }
            }
        }
        total_ours += covered;
        total_official += ob.len();
        let coverage = 100.0 * covered as f64 / ob.len().max(1) as f64;
        if coverage < opts.min_coverage {
            ok = false;
        }
        println!(
            "{module:<20} {:>6} {:>9} {:>8.1}% {:>11} {:>8} {:>9}",
            oa.len(),
            ob.len(),
            coverage,
            mismatches,
            allowed,
            only_ours
        );
    }
    let unverified: Vec<&String> = ours.keys().filter(|m| !official.contains_key(*m)).collect();
    println!(
        "coverage: {total_ours}/{total_official} official operations ({:.1}%); specs without an official document: {}",
        100.0 * total_ours as f64 / total_official.max(1) as f64,
        unverified.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
    );
    for line in &unexplained {
        println!("  {line}");
    }
    if unexplained.len() > opts.max_mismatches {
        ok = false;
    }
    Ok(ok)
}
