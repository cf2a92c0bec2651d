//! Shared helpers for the dispatch client tests.
#![allow(dead_code)]

use httpmock::{Then, When};
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::types::DateTime;
use servicetitan_dispatch::{Client, SERVER_PATH};

/// A dispatch client pointed at the mock server, through the test runtime.
pub fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

/// The request path the server sees for `path` under the test tenant.
pub fn path(api: &MockApi, path: &str) -> String {
    api.path(SERVER_PATH, path)
}

/// Requires the credentials and API version every call carries.
pub fn authorized(when: When) -> When {
    when.header("ST-App-Key", APP_KEY)
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("api-version", "2")
}

/// Answers with a raw JSON body (raw text keeps decimals such as `1234.10` as written).
pub fn json(then: Then, body: &str) -> Then {
    then.status(200)
        .header("content-type", "application/json")
        .body(body)
}

/// A date-time from RFC 3339 text.
pub fn at(text: &str) -> DateTime {
    text.parse().expect("valid date-time")
}
