//! Operations chosen at run time, sent through the runtime and decoded as plain JSON values,
//! so every field the server sends reaches the output (none is dropped by a model).

use reqwest::Method;
use serde_json::Value;
use servicetitan::operations::{OperationKind, OperationMeta};
use servicetitan::paging::{ExportPage, ExportRequest, ListRequest, Page};
use servicetitan::{DecodeError, Error, Runtime};

pub use servicetitan::{modules, Module};

/// Finds a module by name.
pub fn module(name: &str) -> Result<Module, Error> {
    modules()
        .into_iter()
        .find(|m| m.name == name)
        .ok_or_else(|| {
            let names: Vec<_> = modules().iter().map(|m| m.name).collect();
            Error::InvalidRequest(format!(
                "unknown module {name:?}; modules: {}",
                names.join(", ")
            ))
        })
}

/// Finds the operation of `kind` on `resource` (e.g. `jobs` finds `export/jobs` for exports).
pub fn find(
    module: &Module,
    kind: OperationKind,
    resource: &str,
) -> Result<&'static OperationMeta, Error> {
    let wanted = resource.trim_matches('/');
    let candidates: Vec<&OperationMeta> = module
        .operations
        .iter()
        .filter(|op| op.kind == kind && op.method == "GET" && op.path_params().is_empty())
        .collect();
    let hit = candidates.iter().find(|op| {
        let r = op.resource();
        r == wanted || r.strip_prefix("export/") == Some(wanted)
    });
    hit.copied().ok_or_else(|| {
        let names: Vec<String> = candidates
            .iter()
            .map(|op| op.resource().trim_start_matches("export/").to_string())
            .collect();
        Error::InvalidRequest(format!(
            "{} has no {} operation for {resource:?}; it has: {}",
            module.name,
            match kind {
                OperationKind::List => "list",
                OperationKind::Export => "export",
                OperationKind::Other => "such",
            },
            names.join(", ")
        ))
    })
}

/// Finds `GET <resource>/{id}`.
pub fn find_get(module: &Module, resource: &str) -> Result<&'static OperationMeta, Error> {
    let wanted = resource.trim_matches('/');
    module
        .operations
        .iter()
        .find(|op| {
            op.method == "GET"
                && op.path_params().len() == 1
                && op.path.ends_with('}')
                && op.resource() == wanted
        })
        .ok_or_else(|| {
            Error::InvalidRequest(format!(
                "{} has no get operation for {resource:?}",
                module.name
            ))
        })
}

/// Sends one GET through the runtime and decodes the body as JSON.
pub async fn get_json(
    runtime: &Runtime,
    module: &Module,
    op: &'static OperationMeta,
    path_values: &[&str],
    query: &[(String, String)],
) -> Result<Value, Error> {
    let mut path = op.path.to_string();
    for (name, value) in op.path_params().iter().zip(path_values) {
        path = path.replace(
            &format!("{{{name}}}"),
            &servicetitan::encode_path_segment(value),
        );
    }
    let url = format!(
        "{}{}{}",
        runtime.api_base_url().trim_end_matches('/'),
        module.server_path,
        path
    );
    let request = runtime
        .http()
        .request(Method::GET, &url)
        .query(query)
        .build()
        .map_err(|e| Error::InvalidRequest(format!("cannot build a request for {url}: {e}")))?;
    let response = runtime
        .execute(request, op.id)
        .await
        .map_err(|e| Error::Other(format!("{}: {e}", op.id)))?;
    if !response.status().is_success() {
        return Err(Error::from_response(response).with_operation(op.id));
    }
    let bytes = response
        .bytes()
        .await
        .map_err(|e| Error::Other(format!("{}: reading the body: {e}", op.id)))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::Decode(Box::new(DecodeError::new(Some(op.id), &bytes, e))))
}

/// A list or export operation with its query, as a pager the runtime's streams can drive.
#[derive(Clone)]
pub struct RawRequest {
    pub runtime: Runtime,
    pub module: Module,
    pub op: &'static OperationMeta,
    pub query: Vec<(String, String)>,
}

impl RawRequest {
    fn set(mut self, name: &str, value: String) -> Self {
        self.query.retain(|(k, _)| k != name);
        self.query.push((name.to_string(), value));
        self
    }
}

/// A page or export batch as JSON.
pub struct RawPage(pub Value);

impl Page for RawPage {
    type Item = Value;
    fn has_more(&self) -> bool {
        self.0
            .get("hasMore")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }
    fn into_items(self) -> Vec<Value> {
        match self.0 {
            Value::Object(mut map) => match map.remove("data") {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }
    fn total_count(&self) -> Option<i64> {
        self.0.get("totalCount").and_then(Value::as_i64)
    }
}

impl ExportPage for RawPage {
    type Item = Value;
    fn has_more(&self) -> bool {
        Page::has_more(self)
    }
    fn continue_from(&self) -> Option<&str> {
        self.0.get("continueFrom").and_then(Value::as_str)
    }
    fn into_items(self) -> Vec<Value> {
        Page::into_items(self)
    }
}

impl ListRequest for RawRequest {
    type Page = RawPage;
    fn with_page(self, page: i32) -> Self {
        self.set("page", page.to_string())
    }
    fn with_page_size(self, page_size: i32) -> Self {
        self.set("pageSize", page_size.to_string())
    }
    async fn fetch(self) -> Result<RawPage, Error> {
        get_json(&self.runtime, &self.module, self.op, &[], &self.query)
            .await
            .map(RawPage)
    }
}

impl ExportRequest for RawRequest {
    type Page = RawPage;
    fn with_from(self, from: &str) -> Self {
        self.set("from", from.to_string())
    }
    async fn fetch(self) -> Result<RawPage, Error> {
        get_json(&self.runtime, &self.module, self.op, &[], &self.query)
            .await
            .map(RawPage)
    }
}
