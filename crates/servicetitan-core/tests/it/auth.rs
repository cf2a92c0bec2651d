//! Auth: headers, tenant path, token cache, single-flight refresh, 401 handling, credential
//! errors, multi-tenant runtimes, and requests outside the API base URL.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::*;
use httpmock::prelude::*;
use httpmock::HttpMockRequest;
use servicetitan_core::{AuthErrorKind, Credentials, Error};

#[tokio::test]
async fn every_request_carries_bearer_app_key_and_tenant() {
    let api = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    let token = mock_token(&auth, "tok-abc").await;
    let jobs = api
        .mock_async(|when, then| {
            when.method(GET)
                .path("/jpm/v2/tenant/42/jobs")
                .header("authorization", "Bearer tok-abc")
                .header("st-app-key", APP_KEY);
            then.status(200).json_body(serde_json::json!({"ok": true}));
        })
        .await;
    let rt = builder(&api, &auth).build().unwrap();
    let resp = get(&rt, "/jpm/v2/tenant/__tenant__/jobs").await.unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["ok"], true);
    jobs.assert_calls_async(1).await;
    token.assert_calls_async(1).await;
}

#[tokio::test]
async fn tenant_id_fills_its_segment_only() {
    let (api, auth) = servers().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    api.mock_async(move |when, then| {
        when.method(GET);
        then.respond_with(move |req: &HttpMockRequest| {
            s.lock().unwrap().push(req.uri().to_string());
            json_response(200, &serde_json::json!({}))
        });
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let other = rt
        .for_tenant(" 4242 ", Credentials::new(CLIENT_ID, CLIENT_SECRET))
        .unwrap();
    get(
        &other,
        "/x/tenant/__tenant__/things/__tenant__x?q=__tenant__",
    )
    .await
    .unwrap();
    let seen = seen.lock().unwrap();
    assert!(
        seen[0].ends_with("/x/tenant/4242/things/__tenant__x?q=__tenant__"),
        "{}",
        seen[0]
    );
}

#[tokio::test]
async fn token_is_cached_and_replaced_before_expiry() {
    let api = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    let token = auth
        .mock_async(|when, then| {
            when.method(POST).path("/connect/token");
            then.status(200)
                .json_body(serde_json::json!({"access_token": "short", "expires_in": 2}));
        })
        .await;
    api.mock_async(|when, then| {
        when.method(GET);
        then.status(200).json_body(serde_json::json!({}));
    })
    .await;
    // Lifetime 2 s, margin 1 s: usable for 1 s.
    let rt = builder(&api, &auth)
        .token_refresh_margin(Duration::from_secs(1))
        .build()
        .unwrap();
    for _ in 0..3 {
        get(&rt, "/a").await.unwrap();
    }
    token.assert_calls_async(1).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    get(&rt, "/a").await.unwrap();
    token.assert_calls_async(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_calls_share_one_token_request() {
    let api = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    let token = auth
        .mock_async(|when, then| {
            when.method(POST).path("/connect/token");
            then.status(200)
                .delay(Duration::from_millis(200))
                .json_body(serde_json::json!({"access_token": "shared", "expires_in": 900}));
        })
        .await;
    let hits = api
        .mock_async(|when, then| {
            when.method(GET).header("authorization", "Bearer shared");
            then.status(200).json_body(serde_json::json!({}));
        })
        .await;
    let rt = builder(&api, &auth).build().unwrap();
    let calls = (0..50).map(|i| {
        let rt = rt.clone();
        tokio::spawn(async move { get(&rt, &format!("/item/{i}")).await.map(|r| r.status()) })
    });
    for r in futures::future::join_all(calls).await {
        assert_eq!(r.unwrap().unwrap(), 200);
    }
    token.assert_calls_async(1).await;
    hits.assert_calls_async(50).await;
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_retries_once() {
    let api = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    let (token, _) = mock_token_sequence(&auth).await;
    let stale = api
        .mock_async(|when, then| {
            when.method(GET).header("authorization", "Bearer tok-1");
            then.status(401);
        })
        .await;
    let fresh = api
        .mock_async(|when, then| {
            when.method(GET).header("authorization", "Bearer tok-2");
            then.status(200).json_body(serde_json::json!({"id": 1}));
        })
        .await;
    let rt = builder(&api, &auth).build().unwrap();
    let resp = get(&rt, "/jobs/1").await.unwrap();
    assert_eq!(resp.status(), 200);
    stale.assert_calls_async(1).await;
    fresh.assert_calls_async(1).await;
    token.assert_calls_async(2).await;
}

#[tokio::test]
async fn a_401_with_a_fresh_token_explains_the_app_key() {
    let api = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    let (token, _) = mock_token_sequence(&auth).await;
    let denied = api
        .mock_async(|when, then| {
            when.method(GET);
            then.status(401);
        })
        .await;
    let rt = builder(&api, &auth).build().unwrap();
    let err = get(&rt, "/jobs/1").await.unwrap_err();
    let Error::Api(api_err) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api_err.status, 401);
    assert!(api_err.after_token_refresh);
    let msg = err.to_string();
    assert!(
        msg.contains("App Key") && msg.contains("not the Client ID"),
        "{msg}"
    );
    assert!(!err.is_retryable());
    // Exactly one refresh and one retry.
    denied.assert_calls_async(2).await;
    token.assert_calls_async(2).await;
}

#[tokio::test]
async fn a_403_and_a_404_carry_hints() {
    let (api, auth) = servers().await;
    api.mock_async(|when, then| {
        when.path("/forbidden");
        then.status(403)
            .json_body(serde_json::json!({"title": "Forbidden", "traceId": "tr-403"}));
    })
    .await;
    api.mock_async(|when, then| {
        when.path("/missing");
        then.status(404);
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let err = get(&rt, "/forbidden").await.unwrap_err();
    assert_eq!(err.trace_id(), Some("tr-403"));
    assert!(err.to_string().contains("connected the app"), "{err}");
    let err = get(&rt, "/missing").await.unwrap_err();
    assert!(err.to_string().contains("not the account id"), "{err}");
}

#[tokio::test]
async fn invalid_client_is_explained_and_nothing_is_sent_to_the_api() {
    let api = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    let token = auth
        .mock_async(|when, then| {
            when.method(POST).path("/connect/token");
            then.status(400)
                .json_body(serde_json::json!({"error": "invalid_client"}));
        })
        .await;
    let any = api
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let rt = builder(&api, &auth).build().unwrap();
    let err = get(&rt, "/jobs").await.unwrap_err();
    let Error::Auth(a) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(a.kind, AuthErrorKind::InvalidClient);
    let msg = err.to_string();
    assert!(msg.contains("other environment"), "{msg}");
    assert!(!err.is_retryable());
    for text in [msg, format!("{err:?}")] {
        assert!(
            !text.contains(CLIENT_SECRET) && !text.contains(APP_KEY),
            "{text}"
        );
    }
    token.assert_calls_async(1).await; // a rejection is not retried
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn token_endpoint_down_is_retried_then_reported_as_retryable() {
    let api = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    let token = auth
        .mock_async(|when, then| {
            when.method(POST).path("/connect/token");
            then.status(503);
        })
        .await;
    let rt = builder(&api, &auth).build().unwrap();
    let err = get(&rt, "/jobs").await.unwrap_err();
    let Error::Auth(a) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(a.kind, AuthErrorKind::Unavailable);
    assert!(err.is_retryable());
    token.assert_calls_async(4).await; // max_attempts of the fast policy
}

#[tokio::test]
async fn token_endpoint_unreachable_is_an_auth_error() {
    let api = MockServer::start_async().await;
    // A port nothing listens on: bind, read the port, close.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let rt = servicetitan_core::Runtime::builder()
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .app_key(APP_KEY)
        .tenant(1)
        .api_base_url(api.base_url())
        .auth_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(fast_policy().with_max_attempts(2))
        .build()
        .unwrap();
    let err = get(&rt, "/jobs").await.unwrap_err();
    let Error::Auth(a) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(a.kind, AuthErrorKind::Unavailable);
    assert!(err.to_string().contains("could not be reached"), "{err}");
}

#[tokio::test]
async fn tenants_have_their_own_tokens_and_share_the_runtime() {
    let api = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    let requests = Arc::new(AtomicUsize::new(0));
    let r = requests.clone();
    auth.mock_async(move |when, then| {
        when.method(POST).path("/connect/token");
        then.respond_with(move |req: &HttpMockRequest| {
            r.fetch_add(1, Ordering::SeqCst);
            let body = String::from_utf8_lossy(req.body_ref()).to_string();
            let id = body
                .split('&')
                .find_map(|kv| kv.strip_prefix("client_id="))
                .unwrap_or("?")
                .to_string();
            json_response(
                200,
                &serde_json::json!({"access_token": format!("token-of-{id}")}),
            )
        });
    })
    .await;
    let a = api
        .mock_async(|when, then| {
            when.path("/tenant/42/x")
                .header("authorization", format!("Bearer token-of-{CLIENT_ID}"));
            then.status(200);
        })
        .await;
    let b = api
        .mock_async(|when, then| {
            when.path("/tenant/77/x")
                .header("authorization", "Bearer token-of-other");
            then.status(200);
        })
        .await;
    let rt = builder(&api, &auth).build().unwrap();
    let other = rt
        .for_tenant(77, Credentials::new("other", "other-secret"))
        .unwrap();
    let again = rt
        .for_tenant(77, Credentials::new("other", "other-secret"))
        .unwrap();
    for _ in 0..2 {
        get(&rt, "/tenant/__tenant__/x").await.unwrap();
        get(&other, "/tenant/__tenant__/x").await.unwrap();
        get(&again, "/tenant/__tenant__/x").await.unwrap();
    }
    a.assert_calls_async(2).await;
    b.assert_calls_async(4).await;
    // One token per tenant: `again` reuses `other`'s cache.
    assert_eq!(requests.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn credentials_are_never_sent_outside_the_api_base_url() {
    let api = MockServer::start_async().await;
    let elsewhere = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    mock_token(&auth, "t").await;
    let stolen = elsewhere
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let rt = builder(&api, &auth).build().unwrap();
    let req = rt.http().get(elsewhere.url("/steal")).build().unwrap();
    let err = rt.send(req, "op").await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(err.to_string().contains("not the configured API base URL"));
    stolen.assert_calls_async(0).await;
}

#[tokio::test]
async fn tenant_ids_that_are_not_positive_integers_are_refused_before_any_request() {
    let api = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    let token = mock_token(&auth, "t").await;
    for bad in [
        "..", ".", "", " ", "abc", "0", "-1", "12a", "1/2", "%2e%2e", "1.5",
    ] {
        let err = builder(&api, &auth).tenant(bad).build().unwrap_err();
        assert!(
            matches!(&err, Error::Config(m) if m.contains("tenant") ),
            "{bad:?}: {err}"
        );
        let rt = builder(&api, &auth).build().unwrap();
        let err = rt
            .for_tenant(bad, Credentials::new(CLIENT_ID, CLIENT_SECRET))
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{bad:?}: {err}");
    }
    token.assert_calls_async(0).await;
}

/// Every value a path parameter may hold either lands in its own segment, encoded, or is
/// refused before anything is sent: none changes which path is requested.
#[tokio::test]
async fn path_parameter_values_cannot_change_the_requested_path() {
    let (api, auth) = servers().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let all = api
        .mock_async(move |when, then| {
            when.any_request();
            then.respond_with(move |req: &HttpMockRequest| {
                s.lock().unwrap().push(req.uri().path().to_string());
                json_response(200, &serde_json::json!({}))
            });
        })
        .await;
    let rt = builder(&api, &auth).build().unwrap();
    let at = |v: &str| {
        format!(
            "/reporting/v2/tenant/__tenant__/report-category/{}/reports",
            servicetitan_core::encode_path_segment(v)
        )
    };
    for (value, wire) in [
        ("/", "%2F"),
        ("%2e%2e", "%252e%252e"),
        ("a?b#c", "a%3Fb%23c"),
        ("..%2f", "..%252f"),
        ("a.b", "a.b"),
        ("...", "..."),
    ] {
        seen.lock().unwrap().clear();
        get(&rt, &at(value)).await.unwrap();
        assert_eq!(
            seen.lock().unwrap().as_slice(),
            [format!(
                "/reporting/v2/tenant/42/report-category/{wire}/reports"
            )],
            "{value:?}"
        );
    }
    let before = all.calls_async().await;
    for value in ["", ".", ".."] {
        let err = get(&rt, &at(value)).await.unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest(m) if m.contains("nothing was sent")),
            "{value:?}: {err}"
        );
    }
    assert_eq!(
        all.calls_async().await,
        before,
        "nothing reached the server"
    );
}
