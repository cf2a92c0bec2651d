//! Call recordings and voicemails: binary downloads streamed as bytes.

use futures::TryStreamExt;
use httpmock::prelude::*;
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_telecom::{Client, SERVER_PATH};

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

fn v2(api: &MockApi, path: &str) -> String {
    format!("{SERVER_PATH}/v2{}", api.path("", path))
}

/// Bytes that look like the start of an MP3 file followed by non-UTF-8 audio frames.
fn fake_mp3(len: usize) -> Vec<u8> {
    let mut bytes = b"ID3\x04\x00\x00\x00\x00\x00\x00".to_vec();
    bytes.extend((0..len).map(|i| (i * 31 % 256) as u8));
    bytes
}

#[tokio::test]
async fn call_recording_arrives_as_bytes() {
    let api = MockApi::start().await;
    let audio = fake_mp3(256 * 1024);
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(v2(&api, "/calls/99120001/recording"))
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("content-type", "audio/mpeg")
                .body(audio.clone());
        })
        .await;

    let response = client(&api)
        .get_call_recording()
        .id(99120001)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "audio/mpeg"
    );
    let mut file = Vec::new();
    let written = servicetitan_core::binary::write_stream(response.into_inner(), &mut file)
        .await
        .unwrap();
    mock.assert_async().await;

    assert_eq!(written, audio.len() as u64);
    assert_eq!(file, audio);
}

#[tokio::test]
async fn call_voicemail_arrives_as_bytes() {
    let api = MockApi::start().await;
    let audio = fake_mp3(4096);
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET).path(v2(&api, "/calls/99120002/voicemail"));
            then.status(200)
                .header("content-type", "application/octet-stream")
                .body(audio.clone());
        })
        .await;

    let response = client(&api)
        .get_call_voicemail()
        .id(99120002)
        .send()
        .await
        .unwrap();
    let chunks: Vec<_> = response.into_inner_stream().try_collect().await.unwrap();
    mock.assert_async().await;

    let bytes: Vec<u8> = chunks.concat();
    assert_eq!(&bytes[..3], b"ID3");
    assert_eq!(bytes, audio);
}

#[tokio::test]
async fn missing_recording_is_an_api_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET).path(v2(&api, "/calls/1/recording"));
            then.status(404).header("content-type", "application/json").body(
                r#"{"title": "The call has no recording.", "status": 404, "traceId": "00-dd-01"}"#,
            );
        })
        .await;

    let mut sink = Vec::new();
    let result = servicetitan_core::binary::save(
        client(&api).get_call_recording().id(1).send().await,
        &mut sink,
    )
    .await;
    mock.assert_async().await;

    let err = result.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.trace_id(), Some("00-dd-01"));
    assert!(sink.is_empty());
}
