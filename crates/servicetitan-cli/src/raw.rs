//! Operations chosen at run time, sent through the runtime. Only a page's envelope
//! (`hasMore`, `totalCount`, `continueFrom`) is decoded; its records stay the server's JSON
//! text ([`RawValue`]), so every field and every digit reaches the output as sent.

use std::fmt;

use reqwest::Method;
use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use servicetitan::operations::{OperationKind, OperationMeta};
use servicetitan::paging::{ExportPage, ExportRequest, ListRequest, Page};
use servicetitan::{DecodeError, Error, PagingError, Runtime};
use tracing::Instrument;

/// The facade's module table.
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

/// Checks path parameter values before anything is sent: an integer parameter takes only an
/// integer, and no value may be empty, `.` or `..` (a path segment that would change which
/// path is requested).
pub fn check_path_values(
    module: &Module,
    op: &'static OperationMeta,
    values: &[&str],
) -> Result<(), Error> {
    for (position, (name, value)) in op.path_params().iter().zip(values).enumerate() {
        if matches!(value.trim(), "" | "." | "..") {
            return Err(Error::InvalidRequest(format!(
                "{name} {value:?} is not a valid value for {}",
                op.id
            )));
        }
        if crate::spec::is_integer_path_param(module.name, op, position)
            && value.trim().parse::<i64>().is_err()
        {
            return Err(Error::InvalidRequest(format!(
                "{name} must be an integer for {}, not {value:?}",
                op.id
            )));
        }
    }
    Ok(())
}

/// Sends one GET through the runtime and returns the body.
pub async fn get_bytes(
    runtime: &Runtime,
    module: &Module,
    op: &'static OperationMeta,
    path_values: &[&str],
    query: &[(String, String)],
) -> Result<bytes::Bytes, Error> {
    check_path_values(module, op, path_values)?;
    let mut path = op.path.to_string();
    for (name, value) in op.path_params().iter().zip(path_values) {
        path = path.replace(
            &format!("{{{name}}}"),
            &servicetitan::encode_path_segment(value.trim()),
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
    // What `-v` prints: the path and query as sent (the tenant filled in). Credentials travel
    // in headers, never in the URL.
    let shown = {
        let u = request.url();
        let path = u
            .path()
            .replace(servicetitan::TENANT_PLACEHOLDER, runtime.tenant());
        match u.query() {
            Some(q) => format!("{path}?{q}"),
            None => path,
        }
    };
    let span = tracing::info_span!(
        target: crate::logging::TARGET,
        crate::logging::REQUEST_SPAN,
        method = "GET",
        path = %shown,
        bytes = tracing::field::Empty,
    );
    async {
        let response = runtime.send(request, op.id).await?;
        let bytes = response
            .bytes()
            .await
            .map_err(|e| Error::Other(format!("{}: reading the body: {e}", op.id)))?;
        tracing::Span::current().record("bytes", bytes.len() as u64);
        Ok(bytes)
    }
    .instrument(span)
    .await
}

/// Names the operation in a paging error. The runtime's paging guards take the name from a
/// constant of the request type (`OPERATION_ID`), which a request chosen at run time cannot
/// set, so the CLI fills it in.
pub fn name_paging_error(e: Error, op: &'static OperationMeta) -> Error {
    match e {
        Error::Paging(mut p) => {
            match &mut p {
                PagingError::RepeatedPage { operation, .. }
                | PagingError::BeyondTotal { operation, .. }
                | PagingError::RepeatedExportPage { operation, .. }
                    if operation.is_empty() =>
                {
                    *operation = op.id;
                }
                _ => {}
            }
            Error::Paging(p)
        }
        e => e,
    }
}

/// A list or export operation with its query, as a pager the runtime's streams can drive.
#[derive(Clone)]
pub struct RawRequest {
    /// The runtime that sends it (auth, limits, retries).
    pub runtime: Runtime,
    /// The module the operation belongs to.
    pub module: Module,
    /// The operation.
    pub op: &'static OperationMeta,
    /// Query parameters; paging sets `page`/`pageSize` or `from`.
    pub query: Vec<(String, String)>,
}

impl RawRequest {
    fn set(mut self, name: &str, value: String) -> Self {
        self.query.retain(|(k, _)| k != name);
        self.query.push((name.to_string(), value));
        self
    }

    async fn fetch_page(self) -> Result<RawPage, Error> {
        let bytes = get_bytes(&self.runtime, &self.module, self.op, &[], &self.query).await?;
        serde_json::from_slice(&bytes)
            .map_err(|e| Error::Decode(Box::new(DecodeError::new(Some(self.op.id), &bytes, e))))
    }
}

/// A page or export batch: its envelope decoded, its records as the server's JSON text.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawPage {
    #[serde(default)]
    has_more: Option<serde_json::Value>,
    #[serde(default)]
    total_count: Option<serde_json::Value>,
    #[serde(default)]
    continue_from: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "records")]
    data: Vec<Box<RawValue>>,
}

/// The records of `data`: an array's elements as JSON text; anything else holds none.
fn records<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Box<RawValue>>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<Box<RawValue>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an array of records")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(item) = seq.next_element::<Box<RawValue>>()? {
                items.push(item);
            }
            Ok(items)
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(Vec::new())
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_any(V)
}

impl Page for RawPage {
    type Item = Box<RawValue>;
    fn has_more(&self) -> bool {
        self.has_more
            .as_ref()
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false)
    }
    fn into_items(self) -> Vec<Box<RawValue>> {
        self.data
    }
    fn total_count(&self) -> Option<i64> {
        self.total_count
            .as_ref()
            .and_then(serde_json::Value::as_i64)
    }
}

impl ExportPage for RawPage {
    type Item = Box<RawValue>;
    fn has_more(&self) -> bool {
        Page::has_more(self)
    }
    fn continue_from(&self) -> Option<&str> {
        self.continue_from
            .as_ref()
            .and_then(serde_json::Value::as_str)
    }
    fn into_items(self) -> Vec<Box<RawValue>> {
        self.data
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
        self.fetch_page().await
    }
}

impl ExportRequest for RawRequest {
    type Page = RawPage;
    fn with_from(self, from: &str) -> Self {
        self.set("from", from.to_string())
    }
    async fn fetch(self) -> Result<RawPage, Error> {
        self.fetch_page().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_keep_record_text_and_read_the_envelope_leniently() {
        let page: RawPage = serde_json::from_str(
            r#"{"page":1,"hasMore":true,"totalCount":2,"continueFrom":"t1",
                "data":[{"total":1234.10,"big":12345678901234567890.12}, 7.50]}"#,
        )
        .unwrap();
        assert!(Page::has_more(&page));
        assert_eq!(page.total_count(), Some(2));
        assert_eq!(ExportPage::continue_from(&page), Some("t1"));
        let items: Vec<String> = Page::into_items(page)
            .iter()
            .map(|r| r.get().to_string())
            .collect();
        assert_eq!(
            items,
            [r#"{"total":1234.10,"big":12345678901234567890.12}"#, "7.50"]
        );
        for odd in [
            r#"{"hasMore":"yes","totalCount":1.5,"data":null}"#,
            r#"{"data":{"a":1}}"#,
            r#"{}"#,
        ] {
            let page: RawPage = serde_json::from_str(odd).unwrap();
            assert!(!Page::has_more(&page));
            assert_eq!(page.total_count(), None);
            assert!(Page::into_items(page).is_empty());
        }
    }
}
