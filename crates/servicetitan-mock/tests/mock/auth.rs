//! Token endpoint, bearer tokens, app key, tenant scoping, trace ids.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use servicetitan_mock::MockTenant;

use crate::common::{fetch_token, problem, Api};

#[tokio::test]
async fn token_endpoint_checks_the_client() {
    let mock = MockTenant::builder()
        .credentials("id-1", "secret-1")
        .start()
        .await;
    let http = crate::common::http();
    let ask = |id: &'static str, secret: &'static str, grant: &'static str| {
        http.post(mock.auth_url())
            .form(&[
                ("grant_type", grant),
                ("client_id", id),
                ("client_secret", secret),
            ])
            .send()
    };
    let ok = ask("id-1", "secret-1", "client_credentials").await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["access_token"].as_str().unwrap().len() > 20);

    for (id, secret) in [("id-1", "wrong"), ("other", "secret-1"), ("", "")] {
        let bad = ask(id, secret, "client_credentials").await.unwrap();
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        let body: Value = bad.json().await.unwrap();
        assert_eq!(body["error"], "invalid_client");
    }
    let bad = ask("id-1", "secret-1", "password").await.unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["error"], "unsupported_grant_type");
    assert_eq!(mock.tokens_issued(), 1);

    // HTTP Basic client authentication works too (id-1:secret-1).
    let basic = http
        .post(mock.auth_url())
        .header("Authorization", "Basic aWQtMTpzZWNyZXQtMQ==")
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::OK);
    assert!(basic.headers().contains_key("x-trace-id"));
}

#[test]
fn a_mock_on_its_own_thread_serves_synchronous_callers() {
    let mock = MockTenant::builder()
        .rate_limit(0)
        .start_on_thread()
        .expect("start");
    let vars = mock.env_vars();
    assert_eq!(vars[0], ("ST_CLIENT_ID", "mock-client-id".to_string()));
    assert_eq!(vars[4].1, mock.base_url());
    // A plain blocking HTTP/1.1 exchange, no runtime on this thread.
    use std::io::{Read, Write};
    let mut conn = std::net::TcpStream::connect(mock.addr()).unwrap();
    let body =
        "grant_type=client_credentials&client_id=mock-client-id&client_secret=mock-client-secret";
    write!(
        conn,
        "POST /connect/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("access_token"));
    assert_eq!(mock.tokens_issued(), 1);
    drop(mock);
}

#[tokio::test]
async fn api_requests_need_a_valid_bearer_token() {
    let api = Api::start(MockTenant::builder().rate_limit(0)).await;
    let url = api.url("/jpm/v2/tenant/{tenant}/jobs");
    let key = api.mock.app_key().to_string();

    let none = api
        .http
        .get(&url)
        .header("ST-App-Key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert!(none.headers().contains_key("www-authenticate"));
    let trace = none.headers()["x-trace-id"].to_str().unwrap().to_string();
    let body: Value = none.json().await.unwrap();
    problem(&body, 401);
    assert_eq!(
        body["traceId"], trace,
        "the header and the body carry the same trace id"
    );
    assert_eq!(body["data"]["errorCode"], "MissingToken");

    let bogus = api
        .http
        .get(&url)
        .bearer_auth("nope")
        .header("ST-App-Key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(bogus.status(), StatusCode::UNAUTHORIZED);
    let body: Value = bogus.json().await.unwrap();
    assert_eq!(body["data"]["errorCode"], "InvalidToken");

    let good = api
        .http
        .get(&url)
        .bearer_auth(&api.token)
        .header("ST-App-Key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(good.status(), StatusCode::OK);

    // The real API also takes the bare token, without `Bearer `.
    let bare = api
        .http
        .get(&url)
        .header("Authorization", &api.token)
        .header("ST-App-Key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), StatusCode::OK);
    let bare_bogus = api
        .http
        .get(&url)
        .header("Authorization", "nope")
        .header("ST-App-Key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(bare_bogus.status(), StatusCode::UNAUTHORIZED);
    assert!(good.headers().contains_key("x-trace-id"));

    api.mock.revoke_tokens();
    let revoked = api
        .http
        .get(&url)
        .bearer_auth(&api.token)
        .header("ST-App-Key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn tokens_expire() {
    let mock = MockTenant::builder()
        .token_lifetime(Duration::from_millis(700))
        .start()
        .await;
    let http = crate::common::http();
    let token = fetch_token(&http, &mock).await;
    let url = format!(
        "{}/settings/v2/tenant/{}/technicians",
        mock.base_url(),
        mock.tenant_id()
    );
    let call = || {
        http.get(&url)
            .bearer_auth(&token)
            .header("ST-App-Key", mock.app_key())
            .send()
    };
    assert_eq!(call().await.unwrap().status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(900)).await;
    let expired = call().await.unwrap();
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
    let body: Value = expired.json().await.unwrap();
    assert_eq!(body["data"]["errorCode"], "TokenExpired");
    let fresh = fetch_token(&http, &mock).await;
    let ok = http
        .get(&url)
        .bearer_auth(&fresh)
        .header("ST-App-Key", mock.app_key())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn app_key_is_checked() {
    let api = Api::start(MockTenant::builder().app_key("the-key")).await;
    let url = api.url("/crm/v2/tenant/{tenant}/customers");
    let missing = api
        .http
        .get(&url)
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    let body: Value = missing.json().await.unwrap();
    assert!(problem(&body, 401).contains("ST-App-Key"));
    let wrong = api
        .http
        .get(&url)
        .bearer_auth(&api.token)
        .header("ST-App-Key", "mock-client-id")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let body: Value = wrong.json().await.unwrap();
    assert!(problem(&body, 403).contains("App Key"));
    let right = api
        .http
        .get(&url)
        .bearer_auth(&api.token)
        .header("ST-App-Key", "the-key")
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), StatusCode::OK);
}

#[tokio::test]
async fn tenants_are_scoped() {
    let api = Api::start(MockTenant::builder().tenants([111, 222]).rate_limit(0)).await;
    assert_eq!(api.mock.tenant_ids(), &[111, 222]);

    // Unknown tenants are 404.
    let (status, body) = api.get_any("/jpm/v2/tenant/333/jobs", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(problem(&body, 404).contains("333"));
    let (status, _) = api.get_any("/jpm/v2/tenant/1000001/jobs", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Same ids, different data.
    let a = api.get("/crm/v2/tenant/111/customers", &[]).await;
    let b = api.get("/crm/v2/tenant/222/customers", &[]).await;
    assert_eq!(a["data"][0]["id"], b["data"][0]["id"]);
    assert_ne!(a["data"], b["data"]);

    // A customer created in one tenant is not in the other.
    let (status, created) = api
        .write(
            Method::POST,
            "/crm/v2/tenant/111/customers",
            json!({
                "name": "Scoped Customer",
                "address": {"street": "1 Main St", "city": "Austin", "state": "TX", "zip": "78701", "country": "USA"},
                "locations": [{"name": "Home", "address": {"street": "1 Main St", "city": "Austin", "state": "TX", "zip": "78701", "country": "USA"}}]
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        api.get(&format!("/crm/v2/tenant/111/customers/{id}"), &[])
            .await["name"],
        "Scoped Customer"
    );
    let (status, _) = api
        .get_any(&format!("/crm/v2/tenant/222/customers/{id}"), &[])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn tenants_with_their_own_credentials() {
    let mock = MockTenant::builder()
        .tenant_with_credentials(5_550_001, "agency-client", "agency-secret")
        .rate_limit(0)
        .start()
        .await;
    assert_eq!(mock.tenant_ids(), &[1_000_001, 5_550_001]);
    let http = crate::common::http();
    let default_token = fetch_token(&http, &mock).await;
    let resp = http
        .post(mock.auth_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "agency-client"),
            ("client_secret", "agency-secret"),
        ])
        .send()
        .await
        .unwrap();
    let agency_token = resp.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let get = |token: &str, tenant: i64| {
        http.get(format!("{}/jpm/v2/tenant/{tenant}/jobs", mock.base_url()))
            .bearer_auth(token.to_string())
            .header("ST-App-Key", mock.app_key())
            .send()
    };
    assert_eq!(
        get(&default_token, 1_000_001).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        get(&default_token, 5_550_001).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&agency_token, 5_550_001).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        get(&agency_token, 1_000_001).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn unknown_paths_and_ids_are_problem_details() {
    let api = Api::start(MockTenant::builder().rate_limit(0)).await;
    let (status, body) = api
        .get_any("/jpm/v2/tenant/{tenant}/nothing-here", &[])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    problem(&body, 404);
    let (status, body) = api.get_any("/jpm/v2/tenant/{tenant}/jobs/99", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(problem(&body, 404).contains("99"));
    let resp = api
        .send(Method::DELETE, "/jpm/v2/tenant/{tenant}/jobs", &[], None)
        .await;
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    problem(&resp.json().await.unwrap(), 405);
    let (status, body) = api
        .get_any(
            "/jpm/v2/tenant/{tenant}/jobs",
            &[("pageSize", "5001".into())],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    problem(&body, 400);
    assert!(body["errors"]["pageSize"].is_array());
    let (status, body) = api
        .get_any(
            "/jpm/v2/tenant/{tenant}/jobs",
            &[("modifiedOnOrAfter", "soon".into())],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"]["modifiedOnOrAfter"].is_array());
}
