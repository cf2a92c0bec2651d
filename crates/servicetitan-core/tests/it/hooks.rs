//! The progenitor path: a hand-written stand-in for a generated client (same shape as
//! progenitor's builder output) with `attach_runtime!`, and `Error::from` over every kind of
//! progenitor error.

use std::time::Duration;

use crate::common::*;
use httpmock::prelude::*;
use serde::{Deserialize, Serialize};
use servicetitan_core::{AuthErrorKind, Error};

/// What progenitor generates for `components.schemas.ProblemDetails`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProblemDetails {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i32>,
    #[serde(rename = "traceId", default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    #[serde(default, skip_serializing_if = "std::collections::HashMap::is_empty")]
    pub errors: std::collections::HashMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Thing {
    pub id: i64,
    pub name: String,
}

/// Mirrors a progenitor-generated crate root: `Client` + `attach_runtime!()`.
mod generated {
    use progenitor_client::{encode_path, ClientHooks, ClientInfo, OperationInfo, ResponseValue};
    use servicetitan_core::Runtime;

    pub struct Client {
        baseurl: String,
        client: reqwest::Client,
        inner: Runtime,
    }

    impl Client {
        pub fn new_with_client(baseurl: &str, client: reqwest::Client, inner: Runtime) -> Self {
            Client {
                baseurl: baseurl.to_string(),
                client,
                inner,
            }
        }

        /// GET /tenant/{tenant}/things/{id}: 200 Thing, 400/404 ProblemDetails.
        pub async fn get_thing(
            &self,
            id: &str,
        ) -> Result<ResponseValue<super::Thing>, progenitor_client::Error<super::ProblemDetails>>
        {
            let url = format!(
                "{}/tenant/__tenant__/things/{}",
                self.baseurl,
                encode_path(id)
            );
            #[allow(unused_mut)]
            let mut request = self.client.get(url).build()?;
            let info = OperationInfo {
                operation_id: "getThing",
            };
            self.pre(&mut request, &info).await?;
            let result = self.exec(request, &info).await;
            self.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                400u16 | 404u16 => Err(progenitor_client::Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(progenitor_client::Error::UnexpectedResponse(response)),
            }
        }

        /// GET /tenant/{tenant}/recording: 200 octet-stream.
        pub async fn get_recording(
            &self,
        ) -> Result<ResponseValue<progenitor_client::ByteStream>, progenitor_client::Error<()>>
        {
            let url = format!("{}/tenant/__tenant__/recording", self.baseurl);
            let request = self.client.get(url).build()?;
            let info = OperationInfo {
                operation_id: "getRecording",
            };
            let result = self.exec(request, &info).await;
            let response = result?;
            match response.status().as_u16() {
                200u16 => Ok(ResponseValue::stream(response)),
                _ => Err(progenitor_client::Error::UnexpectedResponse(response)),
            }
        }
    }

    impl ClientInfo<Runtime> for Client {
        fn api_version() -> &'static str {
            "2"
        }
        fn baseurl(&self) -> &str {
            &self.baseurl
        }
        fn client(&self) -> &reqwest::Client {
            &self.client
        }
        fn inner(&self) -> &Runtime {
            &self.inner
        }
    }

    servicetitan_core::attach_runtime!();
}

fn client(rt: &servicetitan_core::Runtime) -> generated::Client {
    generated::Client::new_with_client(
        &format!("{}/things/v2", rt.api_base_url()),
        rt.http().clone(),
        rt.clone(),
    )
}

#[tokio::test]
async fn a_generated_call_goes_through_the_runtime() {
    let api = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    mock_token(&auth, "tok").await;
    let m = api
        .mock_async(|when, then| {
            when.path("/things/v2/tenant/42/things/7")
                .header("authorization", "Bearer tok")
                .header("st-app-key", APP_KEY);
            then.status(200)
                .json_body(serde_json::json!({"id": 7, "name": "seven"}));
        })
        .await;
    let rt = builder(&api, &auth).build().unwrap();
    let thing = client(&rt).get_thing("7").await.unwrap().into_inner();
    assert_eq!(thing.name, "seven");
    m.assert_calls_async(1).await;
}

#[tokio::test]
async fn sdk_errors_cross_progenitor_as_a_marked_response() {
    let api = MockServer::start_async().await;
    let auth = MockServer::start_async().await;
    auth.mock_async(|when, then| {
        when.method(POST);
        then.status(401)
            .json_body(serde_json::json!({"error": "invalid_client"}));
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let raw = client(&rt).get_thing("1").await.unwrap_err();
    match &raw {
        progenitor_client::Error::UnexpectedResponse(r) => {
            assert_eq!(r.status().as_u16(), 599);
            assert_eq!(
                r.headers()["x-servicetitan-sdk-error"].to_str().unwrap(),
                "auth_invalid_client"
            );
        }
        other => panic!("{other:?}"),
    }
    let err = Error::from(raw);
    let Error::Auth(a) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(a.kind, AuthErrorKind::InvalidClient);
    assert!(!format!("{err:?}").contains(CLIENT_SECRET));
}

#[tokio::test]
async fn the_marked_response_body_describes_the_error_for_raw_users() {
    let (api, auth) = servers().await;
    api.mock_async(|when, then| {
        when.any_request();
        then.status(429);
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let raw = client(&rt).get_thing("1").await.unwrap_err();
    let progenitor_client::Error::UnexpectedResponse(resp) = raw else {
        panic!()
    };
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["sdkError"], "rate_limited");
    assert_eq!(body["retryable"], true);
    assert!(body["title"].as_str().unwrap().contains("getThing"));
}

#[tokio::test]
async fn rate_limited_and_timeouts_convert_to_their_variants() {
    let (api, auth) = servers().await;
    api.mock_async(|when, then| {
        when.path_includes("/things/1");
        then.status(429);
    })
    .await;
    api.mock_async(|when, then| {
        when.path_includes("/things/2");
        then.status(200)
            .delay(Duration::from_millis(500))
            .json_body(serde_json::json!({"id":2,"name":"x"}));
    })
    .await;
    let rt = builder(&api, &auth)
        .request_timeout(Duration::from_millis(100))
        .retry_policy(fast_policy().with_max_attempts(2))
        .build()
        .unwrap();
    let err = Error::from(client(&rt).get_thing("1").await.unwrap_err());
    assert!(
        matches!(err, Error::RateLimited { attempts: 2, .. }),
        "{err:?}"
    );
    assert_eq!(err.operation_id(), Some("getThing"));
    let err = Error::from(client(&rt).get_thing("2").await.unwrap_err());
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn declared_error_responses_keep_the_problem_body() {
    let (api, auth) = servers().await;
    api.mock_async(|when, then| {
        when.any_request();
        then.status(400).json_body(serde_json::json!({
            "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
            "title": "One or more validation errors occurred.",
            "status": 400,
            "traceId": "00-abc-01",
            "errors": {"Name": ["The Name field is required."]}
        }));
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let err = Error::from(client(&rt).get_thing("1").await.unwrap_err());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.trace_id(), Some("00-abc-01"));
    let p = err.problem().unwrap();
    assert_eq!(
        p.errors["Name"],
        vec!["The Name field is required.".to_string()]
    );
    let msg = err.to_string();
    assert!(
        msg.contains("validation errors") && msg.contains("Name: The Name field"),
        "{msg}"
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn undeclared_error_statuses_are_parsed_from_the_buffered_body() {
    let (api, auth) = servers().await;
    api.mock_async(|when, then| {
        when.any_request();
        then.status(409).json_body(
            serde_json::json!({"title": "Conflict", "traceId": "tr-409", "data": {"jobId": 3}}),
        );
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let err = Error::from(client(&rt).get_thing("1").await.unwrap_err());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(err.trace_id(), Some("tr-409"));
    assert_eq!(
        err.problem().unwrap().data,
        Some(serde_json::json!({"jobId": 3}))
    );
}

#[tokio::test]
async fn a_bad_payload_names_the_operation_and_the_field() {
    let (api, auth) = servers().await;
    api.mock_async(|when, then| {
        when.any_request();
        then.status(200)
            .body("{\n  \"id\": 1,\n  \"name\": 12345\n}");
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let result = client(&rt).get_thing("1").await;
    let err = servicetitan_core::paging::finish(result, "getThing").unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.path, "name");
    assert_eq!(d.operation_id, Some("getThing"));
    assert!(d.excerpt.contains("12345"), "{}", d.excerpt);
    let msg = err.to_string();
    assert!(msg.contains("getThing") && msg.contains("`name`"), "{msg}");
}

#[tokio::test]
async fn binary_responses_stream_to_a_writer() {
    let (api, auth) = servers().await;
    let payload: Vec<u8> = (0..2_000_000u32).map(|i| (i % 251) as u8).collect();
    let body = payload.clone();
    api.mock_async(move |when, then| {
        when.path("/things/v2/tenant/42/recording");
        then.status(200)
            .header("content-type", "application/octet-stream")
            .body(body);
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let mut out: Vec<u8> = Vec::new();
    let n = servicetitan_core::binary::save(client(&rt).get_recording().await, &mut out)
        .await
        .unwrap();
    assert_eq!(n, payload.len() as u64);
    assert!(out == payload);
}
