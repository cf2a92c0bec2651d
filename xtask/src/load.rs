//! Reading OpenAPI / Swagger documents from disk, as JSON or YAML, into one JSON value.

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
    let value = parse(path, &bytes)?;
    let dialect = detect(path, &value)?;
    Ok(Document {
        path: path.to_path_buf(),
        bytes,
        value,
        dialect,
    })
}

fn parse(path: &Path, bytes: &[u8]) -> Result<Value, DocError> {
    let is_json = path.extension().and_then(|e| e.to_str()) == Some("json");
    if is_json {
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
