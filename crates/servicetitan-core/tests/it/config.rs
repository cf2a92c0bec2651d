//! Configuration: builder validation, `ST_*` variables, environments, URL rules, no secrets
//! in Debug output.

use crate::common;

use std::collections::HashMap;

use servicetitan_core::{Credentials, Environment, Error, Runtime, RuntimeBuilder, Secret};

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

#[test]
fn env_variables_configure_the_runtime() {
    let rt = RuntimeBuilder::from_lookup(lookup(&[
        ("ST_CLIENT_ID", "cid.1"),
        ("ST_CLIENT_SECRET", "cs1.secret"),
        ("ST_APP_KEY", "ak1.key"),
        ("ST_TENANT_ID", " 123456 "),
        ("ST_ENV", "integration"),
    ]))
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(rt.tenant(), "123456");
    assert_eq!(rt.api_base_url(), "https://api-integration.servicetitan.io");
    assert_eq!(
        rt.token_url(),
        "https://auth-integration.servicetitan.io/connect/token"
    );
    assert_eq!(rt.environment(), Some(Environment::Integration));
}

#[test]
fn production_is_the_default_and_custom_urls_override() {
    let base = || {
        Runtime::builder()
            .client_id("c")
            .client_secret("s")
            .app_key("k")
            .tenant(1)
    };
    let rt = base().build().unwrap();
    assert_eq!(rt.api_base_url(), "https://api.servicetitan.io");
    assert_eq!(rt.token_url(), "https://auth.servicetitan.io/connect/token");
    let rt = RuntimeBuilder::from_lookup(lookup(&[
        ("ST_CLIENT_ID", "c"),
        ("ST_CLIENT_SECRET", "s"),
        ("ST_APP_KEY", "k"),
        ("ST_TENANT_ID", "1"),
        ("ST_API_BASE_URL", "https://proxy.example.com/st/"),
        ("ST_AUTH_URL", "https://proxy.example.com/oauth/token"),
    ]))
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(rt.api_base_url(), "https://proxy.example.com/st");
    assert_eq!(rt.token_url(), "https://proxy.example.com/oauth/token");
    assert_eq!(rt.environment(), None);
}

#[test]
fn missing_variables_are_all_named() {
    let err = RuntimeBuilder::from_lookup(lookup(&[("ST_CLIENT_ID", "c")]))
        .unwrap()
        .build()
        .unwrap_err();
    let msg = err.to_string();
    for name in ["ST_CLIENT_SECRET", "ST_APP_KEY", "ST_TENANT_ID"] {
        assert!(msg.contains(name), "{msg}");
    }
    assert!(!msg.contains("ST_CLIENT_ID"), "{msg}");
    assert!(matches!(err, Error::Config(_)));
}

#[test]
fn bad_environment_name_is_rejected() {
    let err = RuntimeBuilder::from_lookup(lookup(&[("ST_ENV", "staging")])).unwrap_err();
    assert!(err.to_string().contains("staging"), "{err}");
}

#[test]
fn plain_http_only_on_loopback() {
    let b = || {
        Runtime::builder()
            .client_id("c")
            .client_secret("s")
            .app_key("k")
            .tenant(1)
    };
    let err = b()
        .api_base_url("http://api.example.com")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("plain http"), "{err}");
    let err = b().auth_url("http://10.0.0.1:8080").build().unwrap_err();
    assert!(err.to_string().contains("plain http"), "{err}");
    for ok in [
        "http://127.0.0.1:1234",
        "http://localhost:9",
        "http://[::1]:80",
        "https://x.example",
    ] {
        b().api_base_url(ok)
            .auth_url(ok)
            .build()
            .unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    let err = b().api_base_url("ftp://x").build().unwrap_err();
    assert!(matches!(err, Error::Config(_)));
}

#[test]
fn debug_output_holds_no_secret() {
    let b = Runtime::builder()
        .client_id("cid.visible")
        .client_secret("cs1.HIDDEN-SECRET")
        .app_key("ak1.HIDDEN-KEY")
        .tenant(9);
    let builder_dbg = format!("{b:?}");
    let rt = b.build().unwrap();
    let other = rt
        .for_tenant(10, Credentials::new("cid.two", "cs1.HIDDEN-TWO"))
        .unwrap();
    for dbg in [
        builder_dbg,
        format!("{rt:?}"),
        format!("{other:?}"),
        format!("{:?}", Credentials::new("cid", "cs1.HIDDEN-SECRET")),
        format!("{:?}", Secret::new("cs1.HIDDEN-SECRET")),
    ] {
        assert!(!dbg.contains("HIDDEN"), "{dbg}");
    }
    assert!(format!("{rt:?}").contains("cid.visible"));
    assert_eq!(other.tenant(), "10");
    assert_eq!(other.api_base_url(), rt.api_base_url());
}

#[tokio::test]
async fn st_timeout_bounds_each_request_and_bad_values_are_refused() {
    use httpmock::prelude::*;
    let api = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    common::mock_token(&auth, "t").await;
    api.mock_async(|when, then| {
        when.method(GET).path("/slow");
        then.status(200)
            .delay(std::time::Duration::from_secs(5))
            .body("{}");
    })
    .await;
    let vars = |timeout: &str, tenant: &str| {
        lookup(&[
            ("ST_CLIENT_ID", common::CLIENT_ID),
            ("ST_CLIENT_SECRET", common::CLIENT_SECRET),
            ("ST_APP_KEY", common::APP_KEY),
            ("ST_TENANT_ID", tenant),
            ("ST_TIMEOUT", timeout),
        ])
    };
    let rt = RuntimeBuilder::from_lookup(vars("0.2", "42"))
        .unwrap()
        .api_base_url(api.base_url())
        .auth_url(auth.base_url())
        .retry_policy(common::fast_policy())
        .build()
        .unwrap();
    let err = common::get(&rt, "/slow").await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err}");

    for bad in ["0", "-3", "soon", "NaN"] {
        let err = RuntimeBuilder::from_lookup(vars(bad, "42")).unwrap_err();
        assert!(
            matches!(&err, Error::Config(m) if m.contains("ST_TIMEOUT")),
            "{bad}: {err}"
        );
    }
    let err = RuntimeBuilder::from_lookup(vars("1", ".."))
        .unwrap()
        .api_base_url(api.base_url())
        .auth_url(auth.base_url())
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("tenant id \"..\"")),
        "{err}"
    );
}
