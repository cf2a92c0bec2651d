//! Test support for code built on the SDK (feature `testing`): an httpmock server standing in
//! for both the API and the token endpoint, and a runtime wired to it.
//!
//! ```ignore
//! let api = servicetitan_core::testing::MockApi::start().await;
//! api.server.mock_async(|when, then| { when.path(api.path("/jpm/v2", "/jobs")); then.json_body(..); }).await;
//! let client = servicetitan_jpm::Client::with_runtime(&api.runtime);
//! ```

use std::time::Duration;

use httpmock::prelude::*;

use crate::{RetryBudget, RetryPolicy, Runtime};

/// The tenant id the test runtime works for.
pub const TENANT: &str = "1234567";
/// The bearer token the mock token endpoint hands out.
pub const TOKEN: &str = "test-access-token";
/// The app key the test runtime sends.
pub const APP_KEY: &str = "test-app-key";

/// Answers 200 with `body` as JSON, sent as written: raw text keeps decimals such as `1234.10`
/// (`serde_json::json!` would turn them into `1234.1`).
pub fn json_reply(then: httpmock::Then, body: &str) {
    then.status(200)
        .header("content-type", "application/json")
        .body(body);
}

/// An httpmock server answering the token endpoint, and a runtime pointed at it.
pub struct MockApi {
    /// The server: register the API operations a test expects on it.
    pub server: MockServer,
    /// A runtime with test credentials, no pacing and quick retries.
    pub runtime: Runtime,
}

impl MockApi {
    /// Starts the server on 127.0.0.1 with the token endpoint mocked.
    pub async fn start() -> MockApi {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(POST).path("/connect/token");
                then.status(200).json_body(serde_json::json!({
                    "access_token": TOKEN, "token_type": "Bearer", "expires_in": 900
                }));
            })
            .await;
        let runtime = Runtime::builder()
            .client_id("test-client")
            .client_secret("test-secret")
            .app_key(APP_KEY)
            .tenant(TENANT)
            .api_base_url(server.base_url())
            .auth_url(server.url("/connect/token"))
            .rate_limit_per_second(100_000)
            .rate_limit_burst(10_000)
            .retry_policy(
                RetryPolicy::default()
                    .with_backoff(Duration::from_millis(1), Duration::from_millis(5))
                    .with_budget(RetryBudget::unlimited()),
            )
            .build()
            .expect("test runtime configuration is valid");
        MockApi { server, runtime }
    }

    /// The base URL a module client is built with: the server plus the module's server path.
    pub fn base_url(&self, server_path: &str) -> String {
        format!("{}{}", self.server.base_url(), server_path)
    }

    /// The request path the API sees for `path` under the tenant:
    /// `path("/jpm/v2", "/jobs")` → `/jpm/v2/tenant/1234567/jobs`.
    pub fn path(&self, server_path: &str, path: &str) -> String {
        format!("{server_path}/tenant/{TENANT}{path}")
    }
}
