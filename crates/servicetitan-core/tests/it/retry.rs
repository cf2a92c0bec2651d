//! Retries and the fault matrix: 429 storms with and without Retry-After, 5xx bursts,
//! connection resets, truncated bodies, slow responses, the time bound, the retry budget,
//! non-idempotent methods and redirects.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::*;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use servicetitan_core::{Error, RetryBudget};

/// Answers `failures` times with `status` (and optional Retry-After), then 200 `{"n": k}`.
async fn flaky<'a>(
    api: &'a MockServer,
    failures: usize,
    status: u16,
    retry_after: Option<&'static str>,
) -> (httpmock::Mock<'a>, Arc<AtomicUsize>) {
    let n = Arc::new(AtomicUsize::new(0));
    let c = n.clone();
    let mock = api
        .mock_async(move |when, then| {
            when.path_prefix("/");
            then.respond_with(move |_req: &HttpMockRequest| {
                let i = c.fetch_add(1, Ordering::SeqCst);
                if i < failures {
                    let mut b = HttpMockResponse::builder().status(status);
                    if let Some(ra) = retry_after {
                        b = b.header("retry-after", ra);
                    }
                    b.build()
                } else {
                    json_response(200, &serde_json::json!({"n": i}))
                }
            });
        })
        .await;
    (mock, n)
}

#[tokio::test]
async fn a_429_waits_for_retry_after_seconds() {
    let (api, auth) = servers().await;
    let (mock, _) = flaky(&api, 1, 429, Some("1")).await;
    let rt = builder(&api, &auth).build().unwrap();
    let t0 = Instant::now();
    let resp = get(&rt, "/a").await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        t0.elapsed() >= Duration::from_millis(950),
        "{:?}",
        t0.elapsed()
    );
    mock.assert_calls_async(2).await;
}

#[tokio::test]
async fn a_429_with_an_http_date_in_the_past_retries_at_once() {
    let (api, auth) = servers().await;
    let (mock, _) = flaky(&api, 2, 429, Some("Wed, 21 Oct 2015 07:28:00 GMT")).await;
    let rt = builder(&api, &auth).build().unwrap();
    let t0 = Instant::now();
    assert_eq!(get(&rt, "/a").await.unwrap().status(), 200);
    // A misread date would wait up to max_retry_after (5 s) per retry; bounds that hold on a
    // busy machine still tell the two apart.
    assert!(t0.elapsed() < Duration::from_secs(3), "{:?}", t0.elapsed());
    mock.assert_calls_async(3).await;
}

#[tokio::test]
async fn a_429_storm_without_retry_after_backs_off_then_reports_rate_limited() {
    let (api, auth) = servers().await;
    let (mock, _) = flaky(&api, usize::MAX, 429, None).await;
    let rt = builder(&api, &auth).build().unwrap();
    let err = get(&rt, "/a").await.unwrap_err();
    let Error::RateLimited {
        attempts,
        retry_after,
        ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(attempts, 4);
    assert_eq!(retry_after, None);
    assert!(err.is_retryable());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.operation_id(), Some("testGet"));
    mock.assert_calls_async(4).await;
}

#[tokio::test]
async fn a_429_storm_with_retry_after_recovers_with_one_success() {
    let (api, auth) = servers().await;
    let (mock, _) = flaky(&api, 3, 429, Some("0")).await;
    let rt = builder(&api, &auth).build().unwrap();
    let body: serde_json::Value = get(&rt, "/a").await.unwrap().json().await.unwrap();
    assert_eq!(body["n"], 3);
    mock.assert_calls_async(4).await;
}

#[tokio::test]
async fn a_retry_after_beyond_the_limit_fails_at_once() {
    let (api, auth) = servers().await;
    let (mock, _) = flaky(&api, usize::MAX, 429, Some("3600")).await;
    let rt = builder(&api, &auth).build().unwrap();
    let t0 = Instant::now();
    let err = get(&rt, "/a").await.unwrap_err();
    assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", t0.elapsed());
    let Error::RateLimited {
        attempts,
        retry_after,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*attempts, 1);
    assert_eq!(*retry_after, Some(Duration::from_secs(3600)));
    assert!(err.to_string().contains("server asked to wait"), "{err}");
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_5xx_burst_is_retried_for_get_including_500() {
    for status in [500, 502, 503, 504] {
        let api = MockServer::start_async().await;
        let auth = MockServer::start_async().await;
        mock_token(&auth, "t").await;
        let (mock, _) = flaky(&api, 2, status, None).await;
        let rt = builder(&api, &auth).build().unwrap();
        let body: serde_json::Value = get(&rt, "/a").await.unwrap().json().await.unwrap();
        assert_eq!(body["n"], 2);
        mock.assert_calls_async(3).await;
    }
}

#[tokio::test]
async fn a_5xx_storm_returns_the_servers_error_after_the_attempts() {
    let (api, auth) = servers().await;
    let mock = api
        .mock_async(|when, then| {
            when.any_request();
            then.status(503)
                .json_body(serde_json::json!({"title": "Down for maintenance", "traceId": "tr-9"}));
        })
        .await;
    let rt = builder(&api, &auth).build().unwrap();
    let err = get(&rt, "/a").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.trace_id(), Some("tr-9"));
    assert!(err.is_retryable());
    assert!(err.to_string().contains("Down for maintenance"), "{err}");
    mock.assert_calls_async(4).await;
}

#[tokio::test]
async fn post_is_not_retried_on_5xx_unless_opted_in() {
    let (api, auth) = servers().await;
    let (mock, _) = flaky(&api, 1, 503, None).await;
    let rt = builder(&api, &auth).build().unwrap();
    let err = post(&rt, "/jobs").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    mock.assert_calls_async(1).await;

    let api = MockServer::start_async().await;
    let (mock, _) = flaky(&api, 1, 503, None).await;
    let rt = builder(&api, &auth)
        .retry_policy(fast_policy().with_retry_non_idempotent(true))
        .build()
        .unwrap();
    assert_eq!(post(&rt, "/jobs").await.unwrap().status(), 200);
    mock.assert_calls_async(2).await;
}

#[tokio::test]
async fn post_is_retried_on_429_with_its_body() {
    let (api, auth) = servers().await;
    let n = Arc::new(AtomicUsize::new(0));
    let c = n.clone();
    api.mock_async(move |when, then| {
        when.method(POST)
            .json_body(serde_json::json!({"name": "x"}));
        then.respond_with(move |_req: &HttpMockRequest| {
            if c.fetch_add(1, Ordering::SeqCst) == 0 {
                HttpMockResponse::builder()
                    .status(429)
                    .header("retry-after", "0")
                    .build()
            } else {
                json_response(201, &serde_json::json!({"id": 5}))
            }
        });
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    assert_eq!(post(&rt, "/jobs").await.unwrap().status(), 201);
    assert_eq!(n.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_connection_reset_is_retried_for_get_but_not_for_post() {
    let auth = MockServer::start_async().await;
    mock_token(&auth, "t").await;
    let (base, conns) =
        raw_server(vec![Fault::Reset, Fault::Reset, Fault::Ok], r#"{"ok":1}"#).await;
    let rt = builder_for(&base, &auth).build().unwrap();
    let body: serde_json::Value = get(&rt, "/a").await.unwrap().json().await.unwrap();
    assert_eq!(body["ok"], 1);
    assert_eq!(conns.load(Ordering::SeqCst), 3);

    let (base, conns) = raw_server(vec![Fault::Reset, Fault::Ok], r#"{"ok":1}"#).await;
    let rt = builder_for(&base, &auth).build().unwrap();
    let err = post(&rt, "/a").await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(conns.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_truncated_body_is_retried_and_nothing_partial_is_returned() {
    let auth = MockServer::start_async().await;
    mock_token(&auth, "t").await;
    let (base, conns) = raw_server(vec![Fault::Truncate, Fault::Ok], r#"{"data":[1,2,3]}"#).await;
    let rt = builder_for(&base, &auth).build().unwrap();
    let body: serde_json::Value = get(&rt, "/a").await.unwrap().json().await.unwrap();
    assert_eq!(body, serde_json::json!({"data": [1, 2, 3]}));
    assert_eq!(conns.load(Ordering::SeqCst), 2);

    // Always truncated: a transport error, never a partial body.
    let (base, conns) = raw_server(vec![Fault::Truncate], "").await;
    let rt = builder_for(&base, &auth).build().unwrap();
    let err = get(&rt, "/a").await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(conns.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_response_slower_than_the_timeout_times_out_after_the_attempts() {
    let (api, auth) = servers().await;
    let slow = api
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .delay(Duration::from_secs(5))
                .json_body(serde_json::json!({}));
        })
        .await;
    let rt = builder(&api, &auth)
        .request_timeout(Duration::from_millis(100))
        .retry_policy(fast_policy().with_max_attempts(2))
        .build()
        .unwrap();
    let t0 = Instant::now();
    let err = get(&rt, "/a").await.unwrap_err();
    // Waiting for the slow answers would take 10 s.
    assert!(t0.elapsed() < Duration::from_secs(4), "{:?}", t0.elapsed());
    let Error::Timeout { attempts, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*attempts, Some(2));
    assert!(err.is_retryable());
    slow.assert_calls_async(2).await;
}

#[tokio::test]
async fn the_total_time_is_bounded() {
    let (api, auth) = servers().await;
    let (mock, _) = flaky(&api, usize::MAX, 503, None).await;
    let rt = builder(&api, &auth)
        .retry_policy(
            fast_policy()
                .with_max_attempts(1000)
                .with_backoff(Duration::from_millis(50), Duration::from_millis(50))
                .with_max_elapsed(Duration::from_millis(400)),
        )
        .build()
        .unwrap();
    let t0 = Instant::now();
    let err = get(&rt, "/a").await.unwrap_err();
    // Without the bound, 1000 attempts 50 ms apart would take 50 s.
    assert!(t0.elapsed() < Duration::from_secs(4), "{:?}", t0.elapsed());
    // The last answer, or the deadline itself when a busy machine spent the time elsewhere.
    assert!(
        err.status().map(|s| s.as_u16()) == Some(503) || matches!(err, Error::Timeout { .. }),
        "{err}"
    );
    let calls = mock.calls_async().await;
    assert!((1..=20).contains(&calls), "{calls} of up to 1000 attempts");
}

#[tokio::test]
async fn retries_stop_when_the_budget_is_spent() {
    let (api, auth) = servers().await;
    let (mock, _) = flaky(&api, usize::MAX, 503, None).await;
    // 12 tokens, 5 per retry: two retries in all, shared by every call of the runtime.
    let rt = builder(&api, &auth)
        .retry_policy(
            fast_policy()
                .with_max_attempts(10)
                .with_budget(RetryBudget::with_capacity(12)),
        )
        .build()
        .unwrap();
    assert!(get(&rt, "/a").await.is_err());
    mock.assert_calls_async(3).await;
    assert!(get(&rt, "/a").await.is_err());
    mock.assert_calls_async(4).await;
}

#[tokio::test]
async fn redirects_to_another_host_never_carry_credentials() {
    let api = MockServer::start_async().await;
    let other = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    mock_token(&auth, "t").await;
    // Storage answers only requests without our token or app key.
    let clean = other
        .mock_async(|when, then| {
            when.path("/landing")
                .header_missing("authorization")
                .header_missing("st-app-key");
            then.status(200).body("bytes from storage");
        })
        .await;
    let to = other.url("/landing");
    api.mock_async(move |when, then| {
        when.path("/cross");
        then.status(302).header("location", to.as_str());
    })
    .await;
    let same = api
        .mock_async(|when, then| {
            when.path("/final")
                .header("authorization", "Bearer t")
                .header("st-app-key", APP_KEY);
            then.status(200)
                .json_body(serde_json::json!({"here": true}));
        })
        .await;
    api.mock_async(|when, then| {
        when.path("/same");
        then.status(302).header("location", "/final");
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let resp = get(&rt, "/cross").await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap(), "bytes from storage");
    clean.assert_calls_async(1).await;
    assert_eq!(get(&rt, "/same").await.unwrap().status(), 200);
    same.assert_calls_async(1).await;
}

/// Token requests retry through the same planner as API requests, so they draw from the same
/// budget: an auth server that is down cannot take more retries than the budget holds.
#[tokio::test]
async fn token_requests_draw_from_the_retry_budget() {
    let api = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    let down = auth
        .mock_async(|when, then| {
            when.method(POST).path("/connect/token");
            then.status(503);
        })
        .await;
    // 12 tokens, 5 per retry: two retries in all.
    let rt = builder(&api, &auth)
        .retry_policy(
            fast_policy()
                .with_max_attempts(10)
                .with_budget(RetryBudget::with_capacity(12)),
        )
        .build()
        .unwrap();
    let err = get(&rt, "/a").await.unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err}");
    down.assert_calls_async(3).await;
    // The budget is spent: the next call tries once.
    assert!(get(&rt, "/a").await.is_err());
    down.assert_calls_async(4).await;
}
