//! Paging and export streams over hand-made `ListRequest` / `ExportRequest` impls (the shape
//! the generator emits), with faults in the middle of a stream: nothing lost or duplicated.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::common::*;
use futures::{StreamExt, TryStreamExt};
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use progenitor_client::ResponseValue;
use serde::Deserialize;
use servicetitan_core::paging::{
    finish, ExportPage, ExportRequest, ExportRequestExt, ListRequest, ListRequestExt, Page,
};
use servicetitan_core::{Error, PagingError, Runtime};

#[derive(Debug, Deserialize)]
struct JobPage {
    #[serde(rename = "hasMore")]
    has_more: Option<bool>,
    #[serde(rename = "totalCount")]
    total_count: Option<i64>,
    data: Option<Vec<Job>>,
}

#[derive(Debug, Deserialize, serde::Serialize, Clone, PartialEq)]
struct Job {
    id: Option<i64>,
}

impl Page for JobPage {
    type Item = Job;
    fn has_more(&self) -> bool {
        self.has_more.unwrap_or(false)
    }
    fn into_items(self) -> Vec<Job> {
        self.data.unwrap_or_default()
    }
    fn total_count(&self) -> Option<i64> {
        self.total_count
    }
}

/// Sends through `Runtime::execute` and decodes like progenitor, then `finish`es.
async fn fetch_json<T: serde::de::DeserializeOwned>(
    rt: &Runtime,
    req: reqwest::Request,
    op: &'static str,
) -> Result<T, Error> {
    let result: Result<ResponseValue<T>, progenitor_client::Error<()>> =
        match rt.execute(req, op).await {
            Ok(resp) if resp.status().is_success() => ResponseValue::from_response(resp).await,
            Ok(resp) => Err(progenitor_client::Error::UnexpectedResponse(resp)),
            Err(e) => Err(progenitor_client::Error::CommunicationError(e)),
        };
    finish(result, op)
}

/// Borrows the runtime like a generated builder borrows its `Client` (`ListJobs<'_>`).
#[derive(Clone)]
struct ListJobs<'a> {
    rt: &'a Runtime,
    page: Option<i32>,
    page_size: Option<i32>,
}

impl<'a> ListJobs<'a> {
    fn new(rt: &'a Runtime) -> Self {
        ListJobs {
            rt,
            page: None,
            page_size: None,
        }
    }
    fn page_size(self, n: i32) -> Self {
        self.with_page_size(n)
    }
}

impl ListRequest for ListJobs<'_> {
    type Page = JobPage;
    const OPERATION_ID: &'static str = "listJobs";
    fn with_page(mut self, page: i32) -> Self {
        self.page = Some(page);
        self
    }
    fn with_page_size(mut self, page_size: i32) -> Self {
        self.page_size = Some(page_size);
        self
    }
    async fn fetch(self) -> Result<JobPage, Error> {
        let mut q = Vec::new();
        if let Some(p) = self.page {
            q.push(("page", p.to_string()));
        }
        if let Some(s) = self.page_size {
            q.push(("pageSize", s.to_string()));
        }
        let req = self
            .rt
            .http()
            .get(format!(
                "{}/jpm/v2/tenant/__tenant__/jobs",
                self.rt.api_base_url()
            ))
            .query(&q)
            .build()
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        fetch_json(self.rt, req, "listJobs").await
    }
}

#[derive(Debug, Deserialize)]
struct JobExportPage {
    #[serde(rename = "hasMore")]
    has_more: Option<bool>,
    #[serde(rename = "continueFrom")]
    continue_from: Option<String>,
    data: Option<Vec<Job>>,
}

impl ExportPage for JobExportPage {
    type Item = Job;
    fn has_more(&self) -> bool {
        self.has_more.unwrap_or(false)
    }
    fn continue_from(&self) -> Option<&str> {
        self.continue_from.as_deref()
    }
    fn into_items(self) -> Vec<Job> {
        self.data.unwrap_or_default()
    }
}

#[derive(Clone)]
struct ExportJobs {
    rt: Runtime,
    from: Option<String>,
}

impl ExportRequest for ExportJobs {
    type Page = JobExportPage;
    const OPERATION_ID: &'static str = "exportJobs";
    fn with_from(mut self, from: &str) -> Self {
        self.from = Some(from.to_string());
        self
    }
    async fn fetch(self) -> Result<JobExportPage, Error> {
        let mut b = self.rt.http().get(format!(
            "{}/jpm/v2/tenant/__tenant__/export/jobs",
            self.rt.api_base_url()
        ));
        if let Some(f) = &self.from {
            b = b.query(&[("from", f)]);
        }
        let req = b
            .build()
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        fetch_json(&self.rt, req, "exportJobs").await
    }
}

/// A list endpoint over ids `0..total`; `fault(page, call_index)` may replace a response.
async fn list_server<'a, F>(api: &'a MockServer, total: i64, fault: F) -> httpmock::Mock<'a>
where
    F: Fn(i64, usize, &HttpMockRequest) -> Option<HttpMockResponse> + Send + Sync + 'static,
{
    let calls = Arc::new(AtomicUsize::new(0));
    api.mock_async(move |when, then| {
        when.method(GET).path("/jpm/v2/tenant/42/jobs");
        then.respond_with(move |req: &HttpMockRequest| {
            let i = calls.fetch_add(1, Ordering::SeqCst);
            let page: i64 = query(req, "page").and_then(|p| p.parse().ok()).unwrap_or(1);
            let size: i64 = query(req, "pageSize")
                .and_then(|p| p.parse().ok())
                .unwrap_or(50);
            if let Some(r) = fault(page, i, req) {
                return r;
            }
            let start = (page - 1) * size;
            let end = (start + size).min(total);
            let data: Vec<_> = (start..end)
                .map(|id| serde_json::json!({"id": id}))
                .collect();
            json_response(
                200,
                &serde_json::json!({"page": page, "pageSize": size, "hasMore": end < total,
                                    "totalCount": total, "data": data}),
            )
        });
    })
    .await
}

fn ids(items: &[Job]) -> Vec<i64> {
    items.iter().map(|j| j.id.unwrap()).collect()
}

#[tokio::test]
async fn stream_items_reads_every_page_in_order() {
    let (api, auth) = servers().await;
    let m = list_server(&api, 23, |_, _, _| None).await;
    let rt = builder(&api, &auth).build().unwrap();
    let items: Vec<Job> = ListJobs::new(&rt)
        .page_size(5)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), (0..23).collect::<Vec<_>>());
    m.assert_calls_async(5).await;
}

#[tokio::test]
async fn stream_pages_yields_page_numbers_and_totals() {
    let (api, auth) = servers().await;
    list_server(&api, 10, |_, _, _| None).await;
    let rt = builder(&api, &auth).build().unwrap();
    let pages: Vec<_> = ListJobs::new(&rt)
        .page_size(4)
        .stream_pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages.iter().map(|p| p.number).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(
        pages.iter().map(|p| p.has_more).collect::<Vec<_>>(),
        vec![true, true, false]
    );
    assert_eq!(pages[0].total_count, Some(10));
    assert_eq!(pages[2].items.len(), 2);
    // Resume from a page.
    let rest: Vec<_> = ListJobs::new(&rt)
        .page_size(4)
        .stream_pages_from(3)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    // An empty list is one page.
    let api2 = MockServer::start_async().await;
    list_server(&api2, 0, |_, _, _| None).await;
    let rt2 = builder(&api2, &auth).build().unwrap();
    let all = ListJobs::new(&rt2).collect_all().await.unwrap();
    assert!(all.is_empty());
}

#[tokio::test]
async fn a_401_in_the_middle_of_a_stream_loses_and_repeats_nothing() {
    let api = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    let (token, _) = mock_token_sequence(&auth).await;
    // From page 3 on, the first token is revoked.
    let m = list_server(&api, 30, |page, _, req| {
        (page >= 3 && header(req, "authorization").as_deref() == Some("Bearer tok-1"))
            .then(|| HttpMockResponse::builder().status(401).build())
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let items: Vec<Job> = ListJobs::new(&rt)
        .page_size(5)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), (0..30).collect::<Vec<_>>());
    token.assert_calls_async(2).await;
    m.assert_calls_async(7).await; // 6 pages + the rejected one
}

#[tokio::test]
async fn throttling_and_5xx_in_the_middle_of_a_stream_lose_and_repeat_nothing() {
    let (api, auth) = servers().await;
    let m = list_server(&api, 40, |_, call, _| match call {
        2 | 3 => Some(
            HttpMockResponse::builder()
                .status(429)
                .header("retry-after", "0")
                .build(),
        ),
        5 => Some(HttpMockResponse::builder().status(503).build()),
        7 => Some(HttpMockResponse::builder().status(429).build()),
        _ => None,
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let items: Vec<Job> = ListJobs::new(&rt)
        .page_size(5)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), (0..40).collect::<Vec<_>>());
    m.assert_calls_async(12).await;
}

#[tokio::test]
async fn has_more_with_an_empty_page_stops_with_an_error() {
    let (api, auth) = servers().await;
    let m = list_server(&api, 1000, |page, _, _| {
        (page >= 3).then(|| {
            json_response(
                200,
                &serde_json::json!({"page": page, "hasMore": true, "data": []}),
            )
        })
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    // Bounded even if the stream were wrong.
    let results: Vec<Result<Job, Error>> = ListJobs::new(&rt)
        .page_size(5)
        .stream_items()
        .take(100)
        .collect()
        .await;
    assert_eq!(results.len(), 11);
    let good: Vec<i64> = results[..10]
        .iter()
        .map(|r| r.as_ref().unwrap().id.unwrap())
        .collect();
    assert_eq!(good, (0..10).collect::<Vec<_>>());
    assert!(matches!(
        results[10],
        Err(Error::Paging(PagingError::EmptyPageWithMore { page: 3 }))
    ));
    m.assert_calls_async(3).await;
}

#[tokio::test]
async fn a_bad_item_fails_with_its_path() {
    let (api, auth) = servers().await;
    list_server(&api, 10, |page, _, _| {
        (page == 2).then(|| {
            json_response(
                200,
                &serde_json::json!({"hasMore": false, "data": [{"id": 5}, {"id": "six"}]}),
            )
        })
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let err = ListJobs::new(&rt)
        .page_size(5)
        .collect_all()
        .await
        .unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.path, "data[1].id");
    assert_eq!(d.operation_id, Some("listJobs"));
}

/// An export over ids `0..total` in pages of `size`; tokens are `t<next start>`.
/// `fault(call, from)` may replace a response.
async fn export_server<'a, F>(
    api: &'a MockServer,
    total: i64,
    size: i64,
    fault: F,
) -> (httpmock::Mock<'a>, Arc<Mutex<Vec<Option<String>>>>)
where
    F: Fn(usize, Option<&str>) -> Option<HttpMockResponse> + Send + Sync + 'static,
{
    let calls = Arc::new(AtomicUsize::new(0));
    let froms = Arc::new(Mutex::new(Vec::new()));
    let f2 = froms.clone();
    let mock = api
        .mock_async(move |when, then| {
            when.method(GET).path("/jpm/v2/tenant/42/export/jobs");
            then.respond_with(move |req: &HttpMockRequest| {
                let i = calls.fetch_add(1, Ordering::SeqCst);
                let from = query(req, "from");
                f2.lock().unwrap().push(from.clone());
                if let Some(r) = fault(i, from.as_deref()) {
                    return r;
                }
                let start: i64 = from
                    .as_deref()
                    .and_then(|f| f.strip_prefix('t'))
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                let end = (start + size).min(total);
                let data: Vec<_> = (start..end).map(|id| serde_json::json!({"id": id})).collect();
                json_response(
                    200,
                    &serde_json::json!({"hasMore": end < total, "continueFrom": format!("t{end}"), "data": data}),
                )
            });
        })
        .await;
    (mock, froms)
}

#[tokio::test]
async fn an_export_streams_batches_with_checkpoints_and_resumes() {
    let (api, auth) = servers().await;
    let (_m, froms) = export_server(&api, 25, 10, |_, _| None).await;
    let rt = builder(&api, &auth).build().unwrap();
    let export = ExportJobs {
        rt: rt.clone(),
        from: None,
    };
    let batches: Vec<_> = export
        .clone()
        .stream_export(None)
        .try_collect()
        .await
        .unwrap();
    let tokens: Vec<_> = batches
        .iter()
        .map(|b| b.continue_from.clone().unwrap())
        .collect();
    assert_eq!(tokens, vec!["t10", "t20", "t25"]);
    assert_eq!(
        batches.iter().map(|b| b.has_more).collect::<Vec<_>>(),
        vec![true, true, false]
    );
    let all: Vec<Job> = batches.into_iter().flat_map(|b| b.items).collect();
    assert_eq!(ids(&all), (0..25).collect::<Vec<_>>());
    // Resume from the first checkpoint: only what follows it.
    let rest: Vec<Job> = export
        .stream_export_items(Some("t10".to_string()))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&rest), (10..25).collect::<Vec<_>>());
    let froms = froms.lock().unwrap().clone();
    assert_eq!(
        froms,
        vec![
            None,
            Some("t10".into()),
            Some("t20".into()),
            Some("t10".into()),
            Some("t20".into())
        ]
    );
}

#[tokio::test]
async fn a_repeated_continuation_token_stops_the_export() {
    let (api, auth) = servers().await;
    // The third call hands back the token it was given.
    let (m, _) = export_server(&api, 100, 10, |call, from| {
        (call == 2).then(|| {
            json_response(
                200,
                &serde_json::json!({"hasMore": true, "continueFrom": from, "data": [{"id": 999}]}),
            )
        })
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let results: Vec<_> = ExportJobs { rt, from: None }
        .stream_export(None)
        .take(50)
        .collect()
        .await;
    assert_eq!(results.len(), 3);
    let items: Vec<Job> = results[..2]
        .iter()
        .flat_map(|r| r.as_ref().unwrap().items.clone())
        .collect();
    assert_eq!(ids(&items), (0..20).collect::<Vec<_>>()); // nothing from the bad page
    assert!(matches!(
        &results[2],
        Err(Error::Paging(PagingError::RepeatedContinuation { token })) if token == "t20"
    ));
    m.assert_calls_async(3).await;
}

#[tokio::test]
async fn an_export_without_a_token_or_with_endless_empty_pages_stops() {
    let (api, auth) = servers().await;
    let (_m, _) = export_server(&api, 100, 10, |call, _| {
        (call == 1).then(|| {
            json_response(
                200,
                &serde_json::json!({"hasMore": true, "data": [{"id": 10}]}),
            )
        })
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let results: Vec<_> = ExportJobs {
        rt: rt.clone(),
        from: None,
    }
    .stream_export(None)
    .take(50)
    .collect()
    .await;
    assert_eq!(results.len(), 2);
    assert!(matches!(
        results[1],
        Err(Error::Paging(PagingError::MissingContinuation))
    ));

    let api = MockServer::start_async().await;
    let n = Arc::new(AtomicUsize::new(0));
    let c = n.clone();
    let (m, _) = export_server(&api, 100, 10, move |_, _| {
        let i = c.fetch_add(1, Ordering::SeqCst);
        Some(json_response(
            200,
            &serde_json::json!({"hasMore": true, "continueFrom": format!("e{i}"), "data": []}),
        ))
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let results: Vec<_> = ExportJobs { rt, from: None }
        .stream_export(None)
        .take(50)
        .collect()
        .await;
    assert_eq!(results.len(), 3);
    assert!(matches!(
        results[2],
        Err(Error::Paging(PagingError::EmptyExportPages { pages: 3 }))
    ));
    m.assert_calls_async(3).await;
}

#[tokio::test]
async fn faults_in_the_middle_of_an_export_lose_and_repeat_nothing() {
    let api = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    let (_token, _) = mock_token_sequence(&auth).await;
    let (_m, froms) = export_server(&api, 95, 10, |call, _| match call {
        1 => Some(HttpMockResponse::builder().status(503).build()),
        3 => Some(HttpMockResponse::builder().status(401).build()),
        5 => Some(
            HttpMockResponse::builder()
                .status(429)
                .header("retry-after", "0")
                .build(),
        ),
        _ => None,
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let all: Vec<Job> = ExportJobs { rt, from: None }
        .stream_export_items(None)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&all), (0..95).collect::<Vec<_>>());
    let mut seen: HashMap<Option<String>, usize> = HashMap::new();
    for f in froms.lock().unwrap().iter() {
        *seen.entry(f.clone()).or_default() += 1;
    }
    assert_eq!(seen.values().sum::<usize>(), 13); // 10 pages + 3 faults
}

/// A server that ignores `page` and answers every request with the same non-empty page and
/// `hasMore: true` (seen in the wild: 35,604 records, 10 distinct ids, until killed).
#[tokio::test]
async fn a_server_that_repeats_a_page_is_stopped_at_the_second_page() {
    let (api, auth) = servers().await;
    let m = list_server(&api, 1000, |_, _, _| {
        let data: Vec<_> = (0..10).map(|id| serde_json::json!({"id": id})).collect();
        Some(json_response(
            200,
            &serde_json::json!({"page": 1, "hasMore": true, "totalCount": 100, "data": data}),
        ))
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let results: Vec<Result<Job, Error>> = ListJobs::new(&rt)
        .page_size(10)
        .stream_items()
        .take(10_000)
        .collect()
        .await;
    assert_eq!(results.len(), 11, "ten records, then the error");
    let err = results[10].as_ref().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Paging(PagingError::RepeatedPage {
                operation: "listJobs",
                page: 2
            })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("page 2 of listJobs"), "{err}");
    m.assert_calls_async(2).await;
}

#[tokio::test]
async fn more_records_than_the_announced_total_stop_the_list() {
    let (api, auth) = servers().await;
    // Fresh records on every page, but the server said there are 25.
    let m = list_server(&api, 1000, |page, _, _| {
        let data: Vec<_> = (0..10)
            .map(|i| serde_json::json!({"id": page * 10 + i}))
            .collect();
        Some(json_response(
            200,
            &serde_json::json!({"page": page, "hasMore": true, "totalCount": 25, "data": data}),
        ))
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let results: Vec<Result<Job, Error>> = ListJobs::new(&rt)
        .page_size(10)
        .stream_items()
        .take(10_000)
        .collect()
        .await;
    assert_eq!(results.len(), 21);
    assert!(matches!(
        results[20],
        Err(Error::Paging(PagingError::BeyondTotal {
            operation: "listJobs",
            page: 3,
            total: 25,
            seen: 30
        }))
    ));
    m.assert_calls_async(3).await;
}

#[tokio::test]
async fn an_export_repeating_a_page_under_fresh_tokens_stops() {
    let (api, auth) = servers().await;
    // From the third call on, the same ten records under ever new tokens.
    let (m, _) = export_server(&api, 1000, 10, |call, _| {
        (call >= 2).then(|| {
            let data: Vec<_> = (500..510).map(|id| serde_json::json!({"id": id})).collect();
            json_response(
                200,
                &serde_json::json!({"hasMore": true, "continueFrom": format!("x{call}"), "data": data}),
            )
        })
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let results: Vec<_> = ExportJobs { rt, from: None }
        .stream_export(None)
        .take(50)
        .collect()
        .await;
    assert_eq!(results.len(), 4, "three batches, then the error");
    assert!(matches!(
        &results[3],
        Err(Error::Paging(PagingError::RepeatedExportPage {
            operation: "exportJobs",
            page: 4
        }))
    ));
    m.assert_calls_async(4).await;
}

#[tokio::test]
async fn concurrent_paging_reads_every_page_once_in_order() {
    let (api, auth) = servers().await;
    let m = list_server(&api, 23, |_, _, _| None).await;
    let rt = builder(&api, &auth).build().unwrap();
    let pages: Vec<_> = ListJobs::new(&rt)
        .page_size(5)
        .stream_pages_concurrently(3)
        .try_collect()
        .await
        .unwrap();
    let numbers: Vec<i32> = pages.iter().map(|p| p.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5]);
    let items: Vec<Job> = pages.into_iter().flat_map(|p| p.items).collect();
    assert_eq!(ids(&items), (0..23).collect::<Vec<_>>());
    // Five pages, plus at most two requested past the last one while it was in flight.
    let calls = m.calls_async().await;
    assert!((5..=7).contains(&calls), "{calls} requests");
}

#[tokio::test]
async fn concurrent_paging_keeps_its_guards() {
    let (api, auth) = servers().await;
    list_server(&api, 1000, |_, _, _| {
        let data: Vec<_> = (0..10).map(|id| serde_json::json!({"id": id})).collect();
        Some(json_response(
            200,
            &serde_json::json!({"page": 1, "hasMore": true, "data": data}),
        ))
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let results: Vec<Result<Job, Error>> = ListJobs::new(&rt)
        .page_size(10)
        .stream_items_concurrently(4)
        .take(10_000)
        .collect()
        .await;
    assert_eq!(results.len(), 11, "ten records, then the error");
    assert!(matches!(
        results[10],
        Err(Error::Paging(PagingError::RepeatedPage { page: 2, .. }))
    ));
}

/// A list of `pages` pages of 10 records whose every request takes 50 ms (of paused time),
/// counting the requests in flight.
#[derive(Clone)]
struct SlowList {
    pages: i32,
    page: i32,
    in_flight: Arc<AtomicUsize>,
    most_in_flight: Arc<AtomicUsize>,
    requested: Arc<Mutex<Vec<i32>>>,
}

impl SlowList {
    fn new(pages: i32) -> Self {
        SlowList {
            pages,
            page: 1,
            in_flight: Arc::default(),
            most_in_flight: Arc::default(),
            requested: Arc::default(),
        }
    }
}

impl ListRequest for SlowList {
    type Page = JobPage;
    fn with_page(mut self, page: i32) -> Self {
        self.page = page;
        self
    }
    fn with_page_size(self, _: i32) -> Self {
        self
    }
    async fn fetch(self) -> Result<JobPage, Error> {
        self.requested.lock().unwrap().push(self.page);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        let first = i64::from(self.page - 1) * 10;
        let data = if self.page <= self.pages {
            (first..first + 10).map(|id| Job { id: Some(id) }).collect()
        } else {
            Vec::new()
        };
        Ok(JobPage {
            has_more: Some(self.page < self.pages),
            total_count: None,
            data: Some(data),
        })
    }
}

#[tokio::test(start_paused = true)]
async fn concurrent_paging_keeps_n_requests_in_flight_and_stops_at_the_last_page() {
    let list = SlowList::new(12);
    let items: Vec<Job> = list
        .clone()
        .stream_items_concurrently(4)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), (0..120).collect::<Vec<_>>());
    assert_eq!(list.most_in_flight.load(Ordering::SeqCst), 4);
    let requested = list.requested.lock().unwrap().clone();
    assert_eq!(requested[0], 1, "page 1 goes first, alone");
    assert!(
        requested.iter().all(|p| (1..=15).contains(p)),
        "{requested:?}"
    );
    for page in 1..=12 {
        assert_eq!(
            requested.iter().filter(|p| **p == page).count(),
            1,
            "page {page}"
        );
    }

    // A one-page list costs one request, whatever the concurrency.
    let single = SlowList::new(1);
    let items: Vec<Job> = single
        .clone()
        .stream_items_concurrently(8)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 10);
    assert_eq!(*single.requested.lock().unwrap(), [1]);
}
