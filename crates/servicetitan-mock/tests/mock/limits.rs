//! Rate limit, fault injection, latency, counters.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::Value;
use servicetitan_mock::MockTenant;

use crate::common::{problem, Api};

#[tokio::test]
async fn above_the_rate_limit_answers_429_with_retry_after() {
    let api = Api::start(MockTenant::builder().rate_limit(5).tenants([1, 2])).await;
    let mut statuses = Vec::new();
    let mut retry_after = None;
    let start = Instant::now();
    for _ in 0..200 {
        let resp = api
            .send(Method::GET, "/jpm/v2/tenant/1/job-types", &[], None)
            .await;
        statuses.push(resp.status());
        if resp.status() == StatusCode::TOO_MANY_REQUESTS {
            retry_after = resp
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_string());
            let body: Value = resp.json().await.unwrap();
            problem(&body, 429);
            break;
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    // A burst of 5 passes, plus what refilled meanwhile (5 per second).
    let max_ok = 5 + (elapsed * 5.0).ceil() as usize;
    assert!(ok >= 5 && ok <= max_ok, "{ok} passed in {elapsed:.2}s");
    let secs: u64 = retry_after
        .expect("a 429 with Retry-After")
        .parse()
        .expect("whole seconds");
    assert!(secs >= 1);
    assert_eq!(api.mock.rate_limited_count(), 1);

    // The limit is per tenant: tenant 2 is untouched.
    let resp = api
        .send(Method::GET, "/jpm/v2/tenant/2/job-types", &[], None)
        .await;
    assert_eq!(resp.status(), StatusCode::OK);

    // After waiting as told, requests pass again.
    tokio::time::sleep(Duration::from_secs(secs)).await;
    let resp = api
        .send(Method::GET, "/jpm/v2/tenant/1/job-types", &[], None)
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_steady_client_at_the_limit_sees_no_429() {
    let api = Api::start(MockTenant::builder().rate_limit(20)).await;
    let start = Instant::now();
    for i in 0..30u32 {
        // Pace at 20 per second.
        let due = start + Duration::from_millis(50 * u64::from(i));
        tokio::time::sleep_until(due.into()).await;
        let resp = api
            .send(
                Method::GET,
                "/settings/v2/tenant/{tenant}/business-units",
                &[],
                None,
            )
            .await;
        assert_eq!(resp.status(), StatusCode::OK, "request {i}");
    }
    assert_eq!(api.mock.rate_limited_count(), 0);
}

async fn fault_pattern(seed: u64) -> (Vec<u16>, u64) {
    let api = Api::start(
        MockTenant::builder()
            .rate_limit(0)
            .error_rate(0.25)
            .fault_seed(seed),
    )
    .await;
    let mut out = Vec::new();
    for _ in 0..80 {
        let resp = api
            .send(Method::GET, "/jpm/v2/tenant/{tenant}/job-types", &[], None)
            .await;
        let status = resp.status().as_u16();
        if status != 200 {
            assert!([500, 502, 503, 504].contains(&status), "{status}");
            let body: Value = resp.json().await.unwrap();
            problem(&body, status);
            assert_eq!(body["data"]["errorCode"], "InjectedFault");
        }
        out.push(status);
    }
    (out, api.mock.faults_injected())
}

#[tokio::test]
async fn faults_are_injected_at_the_rate_and_repeat_with_the_seed() {
    let (a, injected) = fault_pattern(7).await;
    let (b, _) = fault_pattern(7).await;
    let (c, _) = fault_pattern(8).await;
    assert_eq!(a, b, "same seed, same faults");
    assert_ne!(a, c, "another seed, other faults");
    let failed = a.iter().filter(|s| **s != 200).count();
    assert_eq!(failed as u64, injected);
    assert!(
        (8..=35).contains(&failed),
        "about a quarter of 80 fail: {failed}"
    );
}

#[tokio::test]
async fn faults_have_no_effect_and_spare_the_token_endpoint() {
    let api = Api::start(
        MockTenant::builder()
            .rate_limit(0)
            .error_rate(0.5)
            .fault_seed(3),
    )
    .await;
    let path = "/crm/v2/tenant/{tenant}/booking-provider/950000001/bookings";
    let mut created = 0;
    let mut failed = 0;
    for i in 0..20 {
        let body = serde_json::json!({"source": "x", "name": "x", "summary": "x", "isFirstTimeClient": false, "externalId": format!("e{i}")});
        let (status, _) = api.write(Method::POST, path, body).await;
        if status == StatusCode::OK {
            created += 1;
        } else {
            assert!(status.is_server_error());
            failed += 1;
        }
    }
    assert!(created > 0 && failed > 0);
    let mut total = None;
    for _ in 0..50 {
        let (status, body) = api
            .get_any(
                "/crm/v2/tenant/{tenant}/bookings",
                &[("includeTotal", "true".into())],
            )
            .await;
        if status == StatusCode::OK {
            total = body["totalCount"].as_i64();
            break;
        }
    }
    assert_eq!(
        total,
        Some(200 + created),
        "failed requests created nothing"
    );
    assert_eq!(
        api.mock.tokens_issued(),
        1,
        "the token endpoint never faults"
    );
}

#[tokio::test]
async fn latency_is_added() {
    let api = Api::start(
        MockTenant::builder()
            .rate_limit(0)
            .latency(Duration::from_millis(150)),
    )
    .await;
    let start = Instant::now();
    let resp = api
        .send(Method::GET, "/jpm/v2/tenant/{tenant}/job-types", &[], None)
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(start.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn counters_count() {
    let api = Api::start(MockTenant::builder().rate_limit(0)).await;
    for _ in 0..3 {
        api.send(Method::GET, "/jpm/v2/tenant/{tenant}/jobs", &[], None)
            .await;
    }
    let stats = api.mock.stats();
    assert_eq!(
        stats.requests, 4,
        "one token request and three API requests"
    );
    assert_eq!(stats.tokens_issued, 1);
    assert_eq!(stats.rate_limited, 0);
    assert_eq!(stats.faults_injected, 0);
}
