//! Requests chosen at run time (the `servicetitan` CLI, `sync`): an operation from a module's
//! table, its path values, query and body, sent through the same request path as the
//! generated clients, with the same errors and the same paging traits.
//!
//! Only a page's envelope (`hasMore`, `totalCount`, `continueFrom`) is decoded; its records
//! stay the server's JSON text ([`RawValue`]), so every field and every digit reaches the
//! caller as sent.
//!
//! ```no_run
//! # async fn demo(runtime: servicetitan_core::Runtime, module: servicetitan_core::operations::Module) -> Result<(), servicetitan_core::Error> {
//! use futures::StreamExt;
//! use servicetitan_core::dynamic::DynamicRequest;
//! use servicetitan_core::operations::OperationKind;
//! use servicetitan_core::paging::ListRequestExt;
//!
//! let jobs = module.find(OperationKind::List, "jobs")?;
//! let request = DynamicRequest::new(runtime, module, jobs).query("pageSize", "500");
//! let mut records = std::pin::pin!(request.stream_items());
//! while let Some(record) = records.next().await {
//!     println!("{}", record?.get());
//! }
//! # Ok(()) }
//! ```

use std::fmt;

use bytes::Bytes;
use reqwest::Method;
use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use tracing::Instrument;

use crate::operations::{Module, OperationMeta};
use crate::paging::{wire, ExportPage, ExportRequest, ListRequest, Page};
use crate::{encode_path_segment, DecodeError, Error, PagingError, Runtime, TENANT_PLACEHOLDER};

/// The name of the span around each dynamic request (fields `method`, `path` — the path and
/// query as sent, tenant filled in — and `bytes`); the runtime's `servicetitan.request` span
/// is inside it.
pub const SPAN_NAME: &str = "servicetitan.dynamic_request";

/// An operation of a module's table with its parameters, ready to send through a
/// [`Runtime`]. Implements [`ListRequest`] and [`ExportRequest`], so list and export
/// operations stream with [`crate::paging::ListRequestExt`] and
/// [`crate::paging::ExportRequestExt`].
#[derive(Clone)]
pub struct DynamicRequest {
    runtime: Runtime,
    module: Module,
    op: &'static OperationMeta,
    path_values: Vec<String>,
    query: Vec<(String, String)>,
    body: Option<Bytes>,
}

impl fmt::Debug for DynamicRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynamicRequest")
            .field("module", &self.module.name)
            .field("operation", &self.op.id)
            .field("path_values", &self.path_values)
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}

impl DynamicRequest {
    /// `op` of `module`, without parameters yet.
    pub fn new(runtime: Runtime, module: Module, op: &'static OperationMeta) -> Self {
        DynamicRequest {
            runtime,
            module,
            op,
            path_values: Vec::new(),
            query: Vec::new(),
            body: None,
        }
    }

    /// The operation.
    pub fn operation(&self) -> &'static OperationMeta {
        self.op
    }

    /// The module.
    pub fn module(&self) -> Module {
        self.module
    }

    /// The values of the path parameters, in path order (the tenant is filled in by the
    /// runtime). Checked when the request is sent.
    pub fn path_values<I, S>(mut self, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.path_values = values.into_iter().map(Into::into).collect();
        self
    }

    /// Sets query parameter `name` (replacing an earlier value).
    pub fn query(mut self, name: &str, value: impl Into<String>) -> Self {
        self.query.retain(|(k, _)| k != name);
        self.query.push((name.to_string(), value.into()));
        self
    }

    /// The query parameters set so far.
    pub fn query_params(&self) -> &[(String, String)] {
        &self.query
    }

    /// A JSON request body, sent as it is.
    pub fn json_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Checks the path values before anything is sent: one per path parameter, an integer
    /// parameter takes only an integer, and no value may be empty, `.` or `..`.
    fn check_path_values(&self) -> Result<(), Error> {
        let names = self.op.path_params();
        if names.len() != self.path_values.len() {
            return Err(Error::InvalidRequest(format!(
                "{} takes {} path value(s) ({}), {} given",
                self.op.id,
                names.len(),
                names.join(", "),
                self.path_values.len()
            )));
        }
        let integers = self.op.path_param_metas().map(|p| p.integer);
        let integers = integers.chain(std::iter::repeat(false));
        for ((name, value), integer) in names.iter().zip(&self.path_values).zip(integers) {
            if matches!(value.trim(), "" | "." | "..") {
                return Err(Error::InvalidRequest(format!(
                    "{name} {value:?} is not a valid value for {}",
                    self.op.id
                )));
            }
            if integer && value.trim().parse::<i64>().is_err() {
                return Err(Error::InvalidRequest(format!(
                    "{name} must be an integer for {}, not {value:?}",
                    self.op.id
                )));
            }
        }
        Ok(())
    }

    fn build(&self) -> Result<reqwest::Request, Error> {
        self.check_path_values()?;
        let mut path = self.op.path.to_string();
        for (name, value) in self.op.path_params().iter().zip(&self.path_values) {
            path = path.replace(&format!("{{{name}}}"), &encode_path_segment(value.trim()));
        }
        let url = format!(
            "{}{}{}",
            self.runtime.api_base_url().trim_end_matches('/'),
            self.module.server_path,
            path
        );
        let method = Method::from_bytes(self.op.method.as_bytes()).map_err(|_| {
            Error::InvalidRequest(format!("{}: unknown method {}", self.op.id, self.op.method))
        })?;
        let mut builder = self.runtime.http().request(method, &url).query(&self.query);
        if let Some(body) = &self.body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        builder
            .build()
            .map_err(|e| Error::InvalidRequest(format!("cannot build a request for {url}: {e}")))
    }

    /// Sends the request through the runtime and returns the body of a successful answer.
    pub async fn send(&self) -> Result<Bytes, Error> {
        let request = self.build()?;
        // Credentials travel in headers, never in the URL, so the path and query can be shown.
        let shown = {
            let u = request.url();
            let path = u.path().replace(TENANT_PLACEHOLDER, self.runtime.tenant());
            match u.query() {
                Some(q) => format!("{path}?{q}"),
                None => path,
            }
        };
        let span = tracing::info_span!(
            SPAN_NAME,
            method = self.op.method,
            path = %shown,
            bytes = tracing::field::Empty,
        );
        let op = self.op.id;
        async {
            let response = self.runtime.send(request, op).await?;
            let bytes = response
                .bytes()
                .await
                .map_err(|e| Error::from_reqwest(e, Some(op)))?;
            tracing::Span::current().record("bytes", bytes.len() as u64);
            Ok(bytes)
        }
        .instrument(span)
        .await
    }

    /// Sends the request and decodes the answer's envelope as a page or export batch.
    pub async fn fetch_page(&self) -> Result<RawPage, Error> {
        let bytes = self.send().await?;
        serde_json::from_slice(&bytes)
            .map_err(|e| Error::Decode(Box::new(DecodeError::new(Some(self.op.id), &bytes, e))))
    }

    /// Names this operation in a paging error (a request chosen at run time has no
    /// `OPERATION_ID` constant for the paging guards to use).
    pub fn name_paging_error(&self, e: Error) -> Error {
        match e {
            Error::Paging(mut p) => {
                match &mut p {
                    PagingError::RepeatedPage { operation, .. }
                    | PagingError::BeyondTotal { operation, .. }
                    | PagingError::RepeatedExportPage { operation, .. }
                        if operation.is_empty() =>
                    {
                        *operation = self.op.id;
                    }
                    _ => {}
                }
                Error::Paging(p)
            }
            e => e,
        }
    }
}

/// A page or export batch: its envelope decoded, its records as the server's JSON text.
#[derive(Debug, Deserialize)]
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
    struct Records;
    impl<'de> Visitor<'de> for Records {
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
    d.deserialize_any(Records)
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

impl ListRequest for DynamicRequest {
    type Page = RawPage;
    fn with_page(self, page: i32) -> Self {
        self.query(wire::PAGE, page.to_string())
    }
    fn with_page_size(self, page_size: i32) -> Self {
        self.query(wire::PAGE_SIZE, page_size.to_string())
    }
    async fn fetch(self) -> Result<RawPage, Error> {
        self.fetch_page().await
    }
}

impl ExportRequest for DynamicRequest {
    type Page = RawPage;
    fn with_from(self, from: &str) -> Self {
        self.query(wire::FROM, from.to_string())
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
