//! Helpers shared by the integration tests: mock servers on 127.0.0.1, a runtime wired to
//! them with fast retries, and a tiny raw HTTP server for faults httpmock cannot produce.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse, Mock};
use servicetitan_core::{Error, RetryBudget, RetryPolicy, Runtime, RuntimeBuilder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub const CLIENT_ID: &str = "cid.test";
pub const CLIENT_SECRET: &str = "cs1.SUPER-SECRET-VALUE";
pub const APP_KEY: &str = "ak1.APP-KEY-VALUE";
pub const TENANT: &str = "42";

/// Fast retries: 1–10 ms backoff, 4 attempts, 10 s total, an unlimited budget.
pub fn fast_policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_backoff(Duration::from_millis(1), Duration::from_millis(10))
        .with_max_attempts(4)
        .with_max_elapsed(Duration::from_secs(10))
        .with_max_retry_after(Duration::from_secs(5))
        .with_budget(RetryBudget::unlimited())
}

/// A runtime builder pointed at the mock API (`api_base`) and auth server.
pub fn builder_for(api_base: &str, auth: &MockServer) -> RuntimeBuilder {
    Runtime::builder()
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .app_key(APP_KEY)
        .tenant(TENANT)
        .api_base_url(api_base)
        .auth_url(auth.base_url())
        .retry_policy(fast_policy())
        .rate_limit_per_second(10_000)
        .rate_limit_burst(1_000)
        .request_timeout(Duration::from_secs(5))
}

pub fn builder(api: &MockServer, auth: &MockServer) -> RuntimeBuilder {
    builder_for(&api.base_url(), auth)
}

/// An API server and an auth server whose token endpoint answers `t` for the test client.
pub async fn servers() -> (MockServer, MockServer) {
    let api = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    mock_token(&auth, "t").await;
    (api, auth)
}

/// Token endpoint answering `access_token` for the test client id.
pub async fn mock_token<'a>(auth: &'a MockServer, token: &str) -> Mock<'a> {
    let body =
        serde_json::json!({"access_token": token, "expires_in": 900, "token_type": "Bearer"});
    auth.mock_async(|when, then| {
        when.method(POST)
            .path("/connect/token")
            .form_urlencoded_tuple("grant_type", "client_credentials")
            .form_urlencoded_tuple("client_id", CLIENT_ID)
            .form_urlencoded_tuple("client_secret", CLIENT_SECRET);
        then.status(200)
            .header("content-type", "application/json")
            .json_body(body);
    })
    .await
}

/// Token endpoint answering `tok-1`, `tok-2`, ... on successive requests.
pub async fn mock_token_sequence<'a>(auth: &'a MockServer) -> (Mock<'a>, Arc<AtomicUsize>) {
    let n = Arc::new(AtomicUsize::new(0));
    let counter = n.clone();
    let mock = auth
        .mock_async(move |when, then| {
            when.method(POST).path("/connect/token");
            then.respond_with(move |_req: &HttpMockRequest| {
                let i = counter.fetch_add(1, Ordering::SeqCst) + 1;
                json_response(
                    200,
                    &serde_json::json!({"access_token": format!("tok-{i}"), "expires_in": 900}),
                )
            });
        })
        .await;
    (mock, n)
}

pub fn json_response(status: u16, body: &serde_json::Value) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_string())
        .build()
}

pub fn header(req: &HttpMockRequest, name: &str) -> Option<String> {
    req.headers()
        .iter()
        .find(|(k, _)| k.as_str().eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.to_str().ok().map(str::to_string))
}

pub fn query(req: &HttpMockRequest, name: &str) -> Option<String> {
    let uri = req.uri().to_string();
    let q = uri.split_once('?')?.1.to_string();
    q.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// GET `<api base><path>` through the runtime.
pub async fn get(rt: &Runtime, path: &str) -> Result<reqwest::Response, Error> {
    let req = rt
        .http()
        .get(format!("{}{}", rt.api_base_url(), path))
        .build()
        .unwrap();
    rt.send(req, "testGet").await
}

/// POST `<api base><path>` with a JSON body through the runtime.
pub async fn post(rt: &Runtime, path: &str) -> Result<reqwest::Response, Error> {
    let req = rt
        .http()
        .post(format!("{}{}", rt.api_base_url(), path))
        .json(&serde_json::json!({"name": "x"}))
        .build()
        .unwrap();
    rt.send(req, "testPost").await
}

/// What a raw connection does.
#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// Read the request, then reset the connection (RST).
    Reset,
    /// Send headers promising 100 bytes, send 10, close.
    Truncate,
    /// Answer 200 with the given JSON body.
    Ok,
}

/// A raw HTTP/1.1 server on 127.0.0.1 that applies `script[i]` to the i-th connection (the last
/// entry repeats) and closes every connection after one exchange. Returns its base URL and the
/// connection counter. The server stops when the test's runtime ends.
pub async fn raw_server(script: Vec<Fault>, ok_body: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    let script = Arc::new(Mutex::new(script));
    tokio::spawn(async move {
        // Bounded: at most 200 connections.
        for _ in 0..200 {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let i = c.fetch_add(1, Ordering::SeqCst);
            let fault = {
                let s = script.lock().unwrap();
                *s.get(i).or(s.last()).unwrap()
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut got = Vec::new();
                // Read until the end of the headers (requests here have no body or a small one).
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tokio::time::timeout(Duration::from_secs(2), sock.read(&mut buf)).await {
                        Ok(Ok(0)) | Err(_) | Ok(Err(_)) => return,
                        Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
                    }
                }
                match fault {
                    Fault::Reset => {
                        let _ = sock.set_zero_linger();
                        drop(sock);
                    }
                    Fault::Truncate => {
                        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{\"data\":[1,";
                        let _ = sock.write_all(head.as_bytes()).await;
                        let _ = sock.flush().await;
                        let _ = sock.shutdown().await;
                    }
                    Fault::Ok => {
                        let resp = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                            ok_body.len(),
                            ok_body
                        );
                        let _ = sock.write_all(resp.as_bytes()).await;
                        let _ = sock.shutdown().await;
                    }
                }
            });
        }
    });
    (format!("http://{addr}"), count)
}
