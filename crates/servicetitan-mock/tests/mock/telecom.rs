//! Calls and the recording download.

use reqwest::{Method, StatusCode};
use servicetitan_mock::{MockTenant, Resource};

use crate::common::Api;

#[tokio::test]
async fn calls_list_get_and_recording() {
    let api = Api::start(MockTenant::builder().rate_limit(0)).await;
    let v3 = api
        .get(
            "/telecom/v3/tenant/{tenant}/calls",
            &[("pageSize", "3".into())],
        )
        .await;
    let call = &v3["data"][0];
    let id = call["id"].as_i64().unwrap();
    assert_eq!(id, api.mock.record_id(Resource::Calls, 0));
    assert!(call["leadCall"]["duration"].as_str().unwrap().contains(':'));

    let v2 = api
        .get(
            "/telecom/v2/tenant/{tenant}/calls",
            &[("pageSize", "3".into())],
        )
        .await;
    assert_eq!(
        v2["totalCount"], 1000,
        "CallBundlePage always has totalCount"
    );
    assert_eq!(v2["data"][0]["id"], id);
    assert!(v2["data"][0]["leadCall"]["customer"]["address"].is_object());
    let one = api
        .get(&format!("/telecom/v2/tenant/{{tenant}}/calls/{id}"), &[])
        .await;
    assert_eq!(one["id"], id);
    assert!(
        one["leadCall"].get("active").is_none(),
        "DetailedCall has no active"
    );

    let recording_url = call["leadCall"]["recordingUrl"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        recording_url,
        api.url(&format!(
            "/telecom/v2/tenant/{{tenant}}/calls/{id}/recording"
        ))
    );
    let resp = api
        .http
        .get(&recording_url)
        .bearer_auth(&api.token)
        .header("ST-App-Key", api.mock.app_key())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/octet-stream");
    let declared: usize = resp.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let mut resp = resp;
    let mut bytes = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = resp.chunk().await.unwrap() {
        bytes.extend_from_slice(&chunk);
        chunks += 1;
        assert!(chunks < 1000);
    }
    assert_eq!(bytes.len(), declared);
    assert!((200_000..400_000).contains(&bytes.len()), "{}", bytes.len());
    assert_eq!(&bytes[..2], &[0xFF, 0xFB], "MPEG audio frames");

    let resp = api
        .send(
            Method::GET,
            "/telecom/v2/tenant/{tenant}/calls/1/recording",
            &[],
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}
