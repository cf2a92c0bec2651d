//! A small HTTP helper around a running mock.

use reqwest::{Method, Response, StatusCode};
use serde_json::Value;
use servicetitan_mock::{MockTenant, MockTenantBuilder};

/// A mock plus an HTTP client holding a valid token.
pub struct Api {
    pub mock: MockTenant,
    pub http: reqwest::Client,
    pub token: String,
}

/// Gets a token with the mock's credentials.
pub async fn fetch_token(http: &reqwest::Client, mock: &MockTenant) -> String {
    let resp = http
        .post(mock.auth_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", mock.client_id()),
            ("client_secret", mock.client_secret()),
        ])
        .send()
        .await
        .expect("token request");
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.expect("token json");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

/// An HTTP client for the tests. When the workspace's features turn on reqwest's
/// `rustls-no-provider`, a crypto provider must be installed first.
pub fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

impl Api {
    /// Starts a mock (rate limit off unless the builder says otherwise) and gets a token.
    pub async fn start(builder: MockTenantBuilder) -> Api {
        let mock = builder.start().await;
        let http = http();
        let token = fetch_token(&http, &mock).await;
        Api { mock, http, token }
    }

    /// A full URL; `{tenant}` in `path` becomes the mock's first tenant.
    pub fn url(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.mock.base_url(),
            path.replace("{tenant}", &self.mock.tenant_id().to_string())
        )
    }

    /// Sends an authorized request.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Value>,
    ) -> Response {
        let mut req = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.token)
            .header("ST-App-Key", self.mock.app_key())
            .query(query);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.expect("request")
    }

    /// GET, expecting 200 and JSON.
    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Value {
        let resp = self.send(Method::GET, path, query, None).await;
        let status = resp.status();
        let text = resp.text().await.expect("body");
        assert_eq!(status, StatusCode::OK, "GET {path} {query:?}: {text}");
        serde_json::from_str(&text).expect("json")
    }

    /// GET, returning status and JSON body.
    pub async fn get_any(&self, path: &str, query: &[(&str, String)]) -> (StatusCode, Value) {
        let resp = self.send(Method::GET, path, query, None).await;
        let status = resp.status();
        let body = resp.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    /// POST or PATCH JSON, returning status and JSON body.
    pub async fn write(&self, method: Method, path: &str, body: Value) -> (StatusCode, Value) {
        let (status, text) = self.write_text(method, path, &body.to_string()).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// POST or PATCH a JSON body given as text (numbers exactly as written), returning status
    /// and the body's text.
    pub async fn write_text(&self, method: Method, path: &str, body: &str) -> (StatusCode, String) {
        let resp = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.token)
            .header("ST-App-Key", self.mock.app_key())
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("request");
        let status = resp.status();
        (status, resp.text().await.expect("body"))
    }

    /// Every page of a list, concatenated (at most `max_pages` pages).
    pub async fn all_pages(
        &self,
        path: &str,
        page_size: u64,
        extra: &[(&str, String)],
        max_pages: u64,
    ) -> Vec<Value> {
        let mut out = Vec::new();
        for page in 1..=max_pages {
            let mut q = vec![
                ("page", page.to_string()),
                ("pageSize", page_size.to_string()),
            ];
            q.extend(extra.iter().cloned());
            let body = self.get(path, &q).await;
            assert_eq!(body["page"], page);
            out.extend(body["data"].as_array().expect("data").iter().cloned());
            if !body["hasMore"].as_bool().expect("hasMore") {
                return out;
            }
        }
        panic!("{path}: still hasMore after {max_pages} pages");
    }
}

/// The `id` of each record.
pub fn ids(records: &[Value]) -> Vec<i64> {
    records
        .iter()
        .map(|r| r["id"].as_i64().expect("id"))
        .collect()
}

/// Asserts a ProblemDetails body and returns its title.
pub fn problem(body: &Value, status: u16) -> String {
    assert_eq!(body["status"], status, "{body}");
    for key in ["type", "title", "traceId"] {
        assert!(body[key].is_string(), "{key} in {body}");
    }
    assert!(body["errors"].is_object(), "{body}");
    assert!(body["data"].is_object(), "{body}");
    body["title"].as_str().unwrap_or_default().to_string()
}
