//! The client-side rate limiter (per tenant, waiting instead of drawing 429s), the report
//! limiter and the long-running query poller.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::*;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use servicetitan_core::reports::{run_query, PollOptions, QueryState, ReportLimiter};
use servicetitan_core::{Credentials, Error};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_limiter_paces_requests_and_never_draws_a_429() {
    let (api, auth) = servers().await;
    // The server allows 30 requests in any 0.5 s window (60/s) and answers 429 beyond: the
    // client paces at 40/s, a margin for requests a busy machine delivers in a bunch.
    let times = Arc::new(std::sync::Mutex::new(Vec::<Instant>::new()));
    let throttled = Arc::new(AtomicUsize::new(0));
    let (t2, th2) = (times.clone(), throttled.clone());
    api.mock_async(move |when, then| {
        when.any_request();
        then.respond_with(move |_req: &HttpMockRequest| {
            let now = Instant::now();
            let mut t = t2.lock().unwrap();
            t.retain(|x| now.duration_since(*x) < Duration::from_millis(500));
            if t.len() >= 30 {
                th2.fetch_add(1, Ordering::SeqCst);
                return HttpMockResponse::builder().status(429).build();
            }
            t.push(now);
            json_response(200, &serde_json::json!({}))
        });
    })
    .await;
    let rt = builder(&api, &auth)
        .rate_limit_per_second(40)
        .rate_limit_burst(1)
        .build()
        .unwrap();
    let t0 = Instant::now();
    let calls = (0..30).map(|i| {
        let rt = rt.clone();
        tokio::spawn(async move { get(&rt, &format!("/x/{i}")).await.map(|r| r.status()) })
    });
    for r in futures::future::join_all(calls).await {
        assert_eq!(r.unwrap().unwrap(), 200);
    }
    // 30 requests at 40/s: 29 intervals of 25 ms.
    let elapsed = t0.elapsed();
    assert!(elapsed >= Duration::from_millis(700), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
    assert_eq!(throttled.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_limiter_is_keyed_by_tenant() {
    let api = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    auth.mock_async(|when, then| {
        when.method(POST);
        then.status(200)
            .json_body(serde_json::json!({"access_token": "t"}));
    })
    .await;
    api.mock_async(|when, then| {
        when.any_request();
        then.status(200);
    })
    .await;
    let a = builder(&api, &auth)
        .rate_limit_per_second(1)
        .rate_limit_burst(1)
        .build()
        .unwrap();
    let b = a.for_tenant(43, Credentials::new("other", "x")).unwrap();
    // Tenant a spends its one request per second; b has spent nothing.
    get(&a, "/w").await.unwrap();
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    let run = |rt: servicetitan_core::Runtime, name: &'static str| {
        let order = order.clone();
        async move {
            get(&rt, "/y").await.unwrap();
            order.lock().unwrap().push(name);
        }
    };
    let t0 = Instant::now();
    tokio::join!(run(a.clone(), "a"), run(b.clone(), "b"));
    // a waits about a second for its next slot; b, with a limit of its own, does not wait for
    // a (an order, not a duration, so a busy machine cannot break it).
    assert_eq!(*order.lock().unwrap(), ["b", "a"]);
    assert!(
        t0.elapsed() >= Duration::from_millis(500),
        "{:?}",
        t0.elapsed()
    );
}

/// A server that records the order of the paths it was asked for.
async fn recording_server(api: &MockServer) -> Arc<std::sync::Mutex<Vec<String>>> {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let s2 = seen.clone();
    api.mock_async(move |when, then| {
        when.any_request();
        then.respond_with(move |req: &HttpMockRequest| {
            s2.lock().unwrap().push(req.uri().path().to_string());
            json_response(200, &serde_json::json!({}))
        });
    })
    .await;
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn background_requests_yield_to_the_others() {
    let (api, auth) = servers().await;
    let seen = recording_server(&api).await;
    // One slot every 200 ms: wide margins for a busy machine.
    let rt = builder(&api, &auth)
        .rate_limit_per_second(5)
        .rate_limit_burst(1)
        .rate_limit_margin(1.0)
        .build()
        .unwrap();
    let background: Vec<_> = (0..6)
        .map(|i| {
            let rt = rt.clone();
            tokio::spawn(servicetitan_core::pacing::background(async move {
                get(&rt, &format!("/background/{i}")).await.unwrap();
            }))
        })
        .collect();
    // Once the background requests wait (the first one took the slot at once), an ordinary
    // request goes ahead of the other five.
    tokio::time::sleep(Duration::from_millis(50)).await;
    get(&rt, "/ordinary").await.unwrap();
    for t in background {
        t.await.unwrap();
    }
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 7, "{seen:?}");
    let at = seen.iter().position(|p| p == "/ordinary").unwrap();
    assert!(at <= 2, "the ordinary request came {}th: {seen:?}", at + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_dropped_before_its_slot_hands_the_slot_on() {
    let (api, auth) = servers().await;
    recording_server(&api).await;
    // One slot a second.
    let rt = builder(&api, &auth)
        .rate_limit_per_second(1)
        .rate_limit_burst(1)
        .rate_limit_margin(1.0)
        .build()
        .unwrap();
    get(&rt, "/first").await.unwrap();
    // The first reserves the slot at 1 s and is dropped; the second takes that freed slot
    // and is dropped too. Without the hand-over they would have taken 1 s and 2 s.
    for i in 0..2 {
        let path = format!("/dropped/{i}");
        let _ = tokio::time::timeout(Duration::from_millis(100), get(&rt, &path)).await;
    }
    // The next call takes the slot at 1 s again (about 0.8 s from here), not the one at
    // 2 s or 3 s.
    let t0 = Instant::now();
    get(&rt, "/next").await.unwrap();
    let waited = t0.elapsed();
    assert!(waited < Duration::from_millis(1900), "{waited:?}");
}

#[tokio::test]
async fn the_report_limiter_allows_one_run_per_report_and_tenant_per_period() {
    let limiter = ReportLimiter::with_period(Duration::from_secs(2));
    let t0 = Instant::now();
    limiter.until_ready("42", "r1").await;
    limiter.until_ready("42", "r2").await;
    limiter.until_ready("43", "r1").await;
    // Other reports and other tenants do not wait (a wait would be the whole 2 s period).
    assert!(
        t0.elapsed() < Duration::from_millis(1500),
        "{:?}",
        t0.elapsed()
    );
    assert!(!limiter.try_acquire("42", "r1"));
    limiter.until_ready("42", "r1").await;
    assert!(
        t0.elapsed() >= Duration::from_millis(1900),
        "{:?}",
        t0.elapsed()
    );
}

/// A reporting server: POST starts (202 + token), GET polls (202 twice, then 200 data),
/// DELETE cancels.
async fn report_server(api: &MockServer) -> (Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let polls = Arc::new(AtomicUsize::new(0));
    let cancels = Arc::new(AtomicUsize::new(0));
    api.mock_async(|when, then| {
        when.method(POST)
            .path("/reporting/v2/tenant/42/report/7/data");
        then.status(202)
            .json_body(serde_json::json!({"token": "q-1"}));
    })
    .await;
    let p = polls.clone();
    api.mock_async(move |when, then| {
        when.method(GET).path("/reporting/v2/tenant/42/data/q-1");
        then.respond_with(move |_r: &HttpMockRequest| {
            if p.fetch_add(1, Ordering::SeqCst) < 2 {
                json_response(202, &serde_json::json!({"token": "q-1"}))
            } else {
                json_response(200, &serde_json::json!({"data": [[1, "a"]]}))
            }
        });
    })
    .await;
    let c = cancels.clone();
    api.mock_async(move |when, then| {
        when.method(DELETE).path("/reporting/v2/tenant/42/data/q-1");
        then.respond_with(move |_r: &HttpMockRequest| {
            c.fetch_add(1, Ordering::SeqCst);
            HttpMockResponse::builder().status(204).build()
        });
    })
    .await;
    (polls, cancels)
}

async fn state(resp: reqwest::Response) -> State {
    let status = resp.status();
    let v: serde_json::Value = resp.json().await.map_err(|e| Error::Other(e.to_string()))?;
    Ok(if status == 202 {
        QueryState::Pending(v["token"].as_str().unwrap().to_string())
    } else {
        QueryState::Ready(v)
    })
}

type State = Result<QueryState<serde_json::Value, String>, Error>;
type BoxFut<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;

fn reporting_calls(
    rt: &servicetitan_core::Runtime,
) -> (
    impl std::future::Future<Output = State>,
    impl FnMut(String) -> BoxFut<State>,
    impl FnOnce(String) -> BoxFut<()>,
) {
    let base = format!("{}/reporting/v2/tenant/__tenant__", rt.api_base_url());
    let (r1, r2, r3) = (rt.clone(), rt.clone(), rt.clone());
    let (b1, b2, b3) = (base.clone(), base.clone(), base);
    let start = async move {
        let req = r1
            .http()
            .post(format!("{b1}/report/7/data"))
            .build()
            .unwrap();
        state(r1.send(req, "startReport").await?).await
    };
    let poll = move |tok: String| {
        let (rt, b) = (r2.clone(), b2.clone());
        Box::pin(async move {
            let req = rt.http().get(format!("{b}/data/{tok}")).build().unwrap();
            state(rt.send(req, "pollReport").await?).await
        }) as BoxFut<State>
    };
    let cancel = move |tok: String| {
        Box::pin(async move {
            let req = r3
                .http()
                .delete(format!("{b3}/data/{tok}"))
                .build()
                .unwrap();
            let _ = r3.send(req, "cancelReport").await;
        }) as BoxFut<()>
    };
    (start, poll, cancel)
}

#[tokio::test]
async fn a_long_running_query_is_polled_until_ready() {
    let (api, auth) = servers().await;
    let (polls, cancels) = report_server(&api).await;
    let rt = builder(&api, &auth).build().unwrap();
    rt.wait_for_report_slot("7").await;
    let (start, poll, cancel) = reporting_calls(&rt);
    let opts =
        PollOptions::default().with_interval(Duration::from_millis(5), Duration::from_millis(20));
    let data = run_query(opts, start, poll, cancel).await.unwrap();
    assert_eq!(data["data"][0][1], "a");
    assert_eq!(polls.load(Ordering::SeqCst), 3);
    assert_eq!(cancels.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_dropped_or_timed_out_query_is_cancelled() {
    let (api, auth) = servers().await;
    let (_polls, cancels) = report_server(&api).await;
    let rt = builder(&api, &auth).build().unwrap();

    // Dropped while waiting between polls.
    let (start, poll, cancel) = reporting_calls(&rt);
    let opts =
        PollOptions::default().with_interval(Duration::from_secs(30), Duration::from_secs(30));
    let r = tokio::time::timeout(
        Duration::from_millis(200),
        run_query(opts, start, poll, cancel),
    )
    .await;
    assert!(r.is_err());
    for _ in 0..100 {
        if cancels.load(Ordering::SeqCst) == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(cancels.load(Ordering::SeqCst), 1);

    // Timed out.
    let (start, poll, cancel) = reporting_calls(&rt);
    let opts = PollOptions::default()
        .with_interval(Duration::from_millis(50), Duration::from_millis(50))
        .with_timeout(Duration::from_millis(20));
    let err = run_query(opts, start, poll, cancel).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(cancels.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_query_ready_at_once_needs_no_poll() {
    let data = run_query(
        PollOptions::default(),
        async { Ok::<_, Error>(QueryState::<i32, String>::Ready(5)) },
        |_t: String| async { unreachable!() },
        |_t: String| async {},
    )
    .await
    .unwrap();
    assert_eq!(data, 5);
}
