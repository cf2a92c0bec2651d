//! Reading OpenAPI / Swagger documents from disk, as JSON or YAML, into one JSON value.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// An error about one input document: which file, where inside it, and what is wrong.
#[derive(Debug, Clone)]
pub struct DocError {
    /// The document's path on disk.
    pub file: PathBuf,
    /// A JSON pointer into the document (`/paths/~1jobs/get`), or a line/column for parse errors.
    pub location: String,
    /// What is wrong, in words.
    pub message: String,
}

impl DocError {
    pub fn new(file: &Path, location: impl Into<String>, message: impl Into<String>) -> Self {
        DocError {
            file: file.to_path_buf(),
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{} at {}: {}",
                self.file.display(),
                self.location,
                self.message
            )
        }
    }
}

/// Which description language a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Swagger2,
    OpenApi30,
    OpenApi31,
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dialect::Swagger2 => "Swagger 2.0",
            Dialect::OpenApi30 => "OpenAPI 3.0",
            Dialect::OpenApi31 => "OpenAPI 3.1",
        })
    }
}

/// A parsed document with its raw bytes (for the sha256 recorded in generated code).
pub struct Document {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub value: Value,
    pub dialect: Dialect,
    /// What loading changed, for the document's report (YAML scalars read back as written).
    pub fixes: Vec<String>,
}

/// The HTTP methods an OpenAPI path item may hold that the generator supports, in the order
/// operations are visited.
pub const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// Every operation of a document: its path, method and operation object, with the path item
/// (for path-level parameters), in document order.
pub fn operations(doc: &Value) -> Vec<(&str, &'static str, &Value, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push((path.as_str(), method, op, item));
            }
        }
    }
    out
}

/// True for the file endings the generator reads.
pub fn is_document(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("json" | "yaml" | "yml")
    )
}

/// Reads and parses one document. JSON is chosen by the `.json` ending, YAML otherwise.
pub fn load(path: &Path) -> Result<Document, DocError> {
    let bytes =
        std::fs::read(path).map_err(|e| DocError::new(path, "", format!("cannot read: {e}")))?;
    let mut value = parse(path, &bytes)?;
    let dialect = detect(path, &value)?;
    let fixes = if is_json(path) {
        Vec::new()
    } else {
        yaml_scalars_as_written(&bytes, &mut value)
    };
    Ok(Document {
        path: path.to_path_buf(),
        bytes,
        value,
        dialect,
        fixes,
    })
}

fn is_json(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()) == Some("json")
}

fn parse(path: &Path, bytes: &[u8]) -> Result<Value, DocError> {
    if is_json(path) {
        serde_json::from_slice(bytes).map_err(|e| {
            DocError::new(
                path,
                format!("line {} column {}", e.line(), e.column()),
                format!("invalid JSON: {e}"),
            )
        })
    } else {
        let yaml: serde_yaml::Value = serde_yaml::from_slice(bytes).map_err(|e| {
            let location = e
                .location()
                .map(|l| format!("line {} column {}", l.line(), l.column()))
                .unwrap_or_default();
            DocError::new(path, location, format!("invalid YAML: {e}"))
        })?;
        yaml_to_json(path, yaml, &mut String::new())
    }
}

/// YAML allows non-string keys and values JSON has no form for; reject them with a pointer.
fn yaml_to_json(
    path: &Path,
    yaml: serde_yaml::Value,
    pointer: &mut String,
) -> Result<Value, DocError> {
    use serde_yaml::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(&n).map_err(|_| {
            DocError::new(
                path,
                pointer.clone(),
                format!("number {n} has no JSON form"),
            )
        })?,
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                out.push(yaml_to_json(path, item, pointer)?);
                pointer.truncate(len);
            }
            Value::Array(out)
        }
        Y::Mapping(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(DocError::new(
                            path,
                            pointer.clone(),
                            format!("mapping key {other:?} is not a string"),
                        ))
                    }
                };
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&crate::pointer::escape(&key));
                let v = yaml_to_json(path, v, pointer)?;
                pointer.truncate(len);
                out.insert(key, v);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => yaml_to_json(path, t.value, pointer)?,
    })
}

fn detect(path: &Path, value: &Value) -> Result<Dialect, DocError> {
    if let Some(v) = value.get("swagger").and_then(Value::as_str) {
        return if v.starts_with("2.") {
            Ok(Dialect::Swagger2)
        } else {
            Err(DocError::new(
                path,
                "/swagger",
                format!("unsupported Swagger version {v:?}"),
            ))
        };
    }
    match value.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0") => Ok(Dialect::OpenApi30),
        Some(Value::String(v)) if v.starts_with("3.1") => Ok(Dialect::OpenApi31),
        Some(other) => Err(DocError::new(
            path,
            "/openapi",
            format!("unsupported OpenAPI version {other}"),
        )),
        None => Err(DocError::new(
            path,
            "",
            "not an OpenAPI or Swagger document (no `openapi` or `swagger` field)",
        )),
    }
}

/// Booleans and numbers where a string schema wants a string: the items of `enum`, `const` and
/// `default` of a schema whose only non-null type is `string`. Returns (schema pointer, value
/// pointer) pairs in document order.
pub fn scalars_in_string_schemas(v: &Value) -> Vec<(String, String)> {
    fn is_string_schema(map: &serde_json::Map<String, Value>) -> bool {
        match map.get("type") {
            Some(Value::String(t)) => t == "string",
            Some(Value::Array(types)) => {
                let rest: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
                !rest.is_empty() && rest.iter().all(|t| *t == "string")
            }
            _ => false,
        }
    }
    fn misplaced(v: &Value) -> bool {
        matches!(v, Value::Bool(_) | Value::Number(_))
    }
    fn walk(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(map) => {
                if is_string_schema(map) {
                    if let Some(Value::Array(items)) = map.get("enum") {
                        for (i, item) in items.iter().enumerate() {
                            if misplaced(item) {
                                out.push((at.to_string(), format!("{at}/enum/{i}")));
                            }
                        }
                    }
                    for key in ["const", "default"] {
                        if map.get(key).is_some_and(misplaced) {
                            out.push((at.to_string(), crate::pointer::join(at, key)));
                        }
                    }
                }
                for (k, child) in map {
                    walk(child, &crate::pointer::join(at, k), out);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, &format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, "", &mut out);
    out
}

/// YAML reads unquoted `True`, `False` or `1` as a boolean or a number; in a string schema's
/// `enum` (or `const`, `default`) they are strings, and typify refuses the mismatch. Such values
/// are read again as the text written in the file (`True`, not `true`). Returns report lines.
fn yaml_scalars_as_written(bytes: &[u8], value: &mut Value) -> Vec<String> {
    let found = scalars_in_string_schemas(value);
    if found.is_empty() {
        return Vec::new();
    }
    let targets: BTreeSet<String> = found.iter().map(|(_, v)| v.clone()).collect();
    let written = raw_scalars(bytes, &targets);
    let mut by_schema: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (schema, at) in &found {
        let Some(slot) = value.pointer_mut(at) else {
            continue;
        };
        let text = match written.as_ref().and_then(|w| w.get(at)) {
            Some(text) => text.clone(),
            // The spelling is lost: YAML 1.1 writes booleans capitalised in these documents.
            None => match &*slot {
                Value::Bool(true) => "True".to_string(),
                Value::Bool(false) => "False".to_string(),
                other => other.to_string(),
            },
        };
        by_schema
            .entry(schema.clone())
            .or_default()
            .push(text.clone());
        *slot = Value::String(text);
    }
    let how = if written.is_some() {
        "kept as written"
    } else {
        "their spelling could not be read back, so booleans are written `True`/`False`"
    };
    by_schema
        .into_iter()
        .map(|(schema, values)| {
            let values: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
            let at = if schema.is_empty() { "/" } else { &schema };
            format!(
                "{at}: {} in a string schema are unquoted YAML booleans or numbers; {how}",
                values.join(", ")
            )
        })
        .collect()
}

/// Reads the YAML a second time and returns the text of the scalars at `targets` exactly as
/// written; `None` if the second reading fails.
fn raw_scalars(bytes: &[u8], targets: &BTreeSet<String>) -> Option<BTreeMap<String, String>> {
    use serde::de::DeserializeSeed;
    let mut found = BTreeMap::new();
    let seed = RawScalars {
        targets,
        pointer: String::new(),
        found: &mut found,
    };
    seed.deserialize(serde_yaml::Deserializer::from_slice(bytes))
        .ok()?;
    Some(found)
}

/// Walks the YAML events down to the target pointers only, and reads each target as a string.
struct RawScalars<'a> {
    targets: &'a BTreeSet<String>,
    pointer: String,
    found: &'a mut BTreeMap<String, String>,
}

impl<'de> serde::de::DeserializeSeed<'de> for RawScalars<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if self.targets.contains(&self.pointer) {
            let text = d.deserialize_str(Text)?;
            self.found.insert(self.pointer, text);
            return Ok(());
        }
        let prefix = format!("{}/", self.pointer);
        let below = self
            .targets
            .range(prefix.clone()..)
            .next()
            .is_some_and(|t| t.starts_with(&prefix));
        if below {
            d.deserialize_any(self)
        } else {
            <serde::de::IgnoredAny as serde::Deserialize>::deserialize(d).map(|_| ())
        }
    }
}

impl<'de> serde::de::Visitor<'de> for RawScalars<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        loop {
            let child = RawScalars {
                targets: self.targets,
                pointer: format!("{}/{i}", self.pointer),
                found: &mut *self.found,
            };
            if seq.next_element_seed(child)?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        use serde_yaml::Value as Y;
        while let Some(key) = map.next_key::<Y>()? {
            // The same key spelling as `yaml_to_json`, so pointers agree.
            let key = match key {
                Y::String(s) => s,
                Y::Number(n) => n.to_string(),
                Y::Bool(b) => b.to_string(),
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    continue;
                }
            };
            map.next_value_seed(RawScalars {
                targets: self.targets,
                pointer: crate::pointer::join(&self.pointer, &key),
                found: &mut *self.found,
            })?;
        }
        Ok(())
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        // A tagged value (`!tag value`): `yaml_to_json` keeps the value at the same pointer.
        use serde::de::VariantAccess;
        let (_, variant) = data.variant::<serde::de::IgnoredAny>()?;
        variant.newtype_variant_seed(self)
    }
}

/// A scalar's text, whatever YAML would resolve it to.
struct Text;

impl serde::de::Visitor<'_> for Text {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a scalar")
    }
    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
}
