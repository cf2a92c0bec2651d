//! Pricebook images: multipart upload, and download as bytes (directly, through a same-origin
//! redirect, and the cross-origin redirect the SDK refuses to follow with credentials).

use std::sync::{Arc, Mutex};

use futures::TryStreamExt;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use servicetitan_core::testing::{MockApi, APP_KEY, TOKEN};
use servicetitan_core::upload::UploadFile;
use servicetitan_pricebook::{types, Client, SERVER_PATH};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10fake-image-bytes\xff\xfe";

fn client(api: &MockApi) -> Client {
    Client::with_runtime(&api.runtime)
}

#[tokio::test]
async fn upload_image_sends_the_file_as_multipart_and_returns_the_stored_path() {
    let api = MockApi::start().await;
    let seen = Arc::new(Mutex::new(Vec::<u8>::new()));
    let captured = seen.clone();
    let path = api.path(SERVER_PATH, "/images");
    let mock = api
        .server
        .mock_async(move |when, then| {
            when.method(POST)
                .path(path)
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"))
                .header_includes("content-type", "multipart/form-data; boundary=")
                .body_includes(r#"name="file""#)
                .body_includes(r#"filename="furnace.png""#)
                .body_includes("fake-image-bytes");
            then.respond_with(move |req: &HttpMockRequest| {
                captured.lock().unwrap().extend_from_slice(req.body_ref());
                HttpMockResponse::builder()
                    .status(201)
                    .header("content-type", "application/json")
                    .body(r#"{"path": "Images/Temp/3c9d2f0e-furnace.png"}"#)
                    .build()
            });
        })
        .await;

    let file = UploadFile::new("furnace.png", PNG.to_vec()).with_content_type("image/png");
    let response = client(&api).upload_image(file).await.unwrap();
    mock.assert_async().await;

    assert_eq!(response.status().as_u16(), 201);
    let stored: types::ImageUploadResult = response.into_inner();
    assert_eq!(
        stored.path.as_deref(),
        Some("Images/Temp/3c9d2f0e-furnace.png")
    );

    // The part carries the declared media type and every byte of the file, unchanged.
    let body = seen.lock().unwrap().clone();
    let text = String::from_utf8_lossy(&body).to_ascii_lowercase();
    assert!(text.contains("content-type: image/png"), "{text}");
    assert!(body.windows(PNG.len()).any(|w| w == PNG));
}

#[tokio::test]
async fn upload_image_failure_is_an_api_error() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(POST).path(api.path(SERVER_PATH, "/images"));
            then.status(400)
                .header("content-type", "application/json")
                .body(r#"{"title": "Unsupported file type", "status": 400, "traceId": "img-1"}"#);
        })
        .await;

    let err = client(&api)
        .upload_image(UploadFile::new("notes.exe", vec![0u8; 16]))
        .await
        .unwrap_err();
    mock.assert_async().await;

    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.trace_id(), Some("img-1"));
    assert_eq!(err.operation_id(), Some("upload_image"));
}

#[tokio::test]
async fn get_image_streams_the_bytes() {
    let api = MockApi::start().await;
    let mock = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/images"))
                .query_param("path", "Images/Sku/furnace.png")
                .header("ST-App-Key", APP_KEY)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("content-type", "application/octet-stream")
                .body(PNG);
        })
        .await;

    let response = client(&api)
        .get_image()
        .path("Images/Sku/furnace.png")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;

    let chunks: Vec<bytes::Bytes> = response
        .into_inner()
        .into_inner()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(chunks.concat(), PNG);
}

#[tokio::test]
async fn get_image_follows_a_same_origin_redirect_and_writes_the_bytes() {
    let api = MockApi::start().await;
    let redirect = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path(api.path(SERVER_PATH, "/images"))
                .query_param("path", "Images/Sku/furnace.png");
            then.status(302)
                .header("location", "/storage/pricebook/furnace.png?sig=abc");
        })
        .await;
    let storage = api
        .server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/storage/pricebook/furnace.png")
                .query_param("sig", "abc");
            then.status(200)
                .header("content-type", "image/png")
                .body(PNG);
        })
        .await;

    let response = client(&api)
        .get_image()
        .path("Images/Sku/furnace.png")
        .send()
        .await
        .unwrap();
    let mut file = Vec::new();
    let written = servicetitan_core::binary::write_stream(response.into_inner(), &mut file)
        .await
        .unwrap();
    redirect.assert_async().await;
    storage.assert_async().await;

    assert_eq!(written, PNG.len() as u64);
    assert_eq!(file, PNG);
}

/// The API answers with a 302 to the image's storage host. The runtime does not follow
/// redirects to another origin (so neither the token nor the App Key leaks there); the caller
/// gets the 302 back, with its `Location`, as an unexpected response.
#[tokio::test]
async fn get_image_follows_the_storage_redirect_without_credentials() {
    let api = MockApi::start().await;
    let storage = MockServer::start_async().await;
    let blob = storage
        .mock_async(|when, then| {
            when.method(GET)
                .path("/images/furnace.png")
                .query_param("sig", "abc")
                .header_missing("authorization")
                .header_missing("st-app-key");
            then.status(200).body(PNG);
        })
        .await;
    let location = storage.url("/images/furnace.png?sig=abc");
    let redirect = api
        .server
        .mock_async(|when, then| {
            when.method(GET).path(api.path(SERVER_PATH, "/images"));
            then.status(302).header("location", location.as_str());
        })
        .await;

    let image = client(&api)
        .get_image()
        .path("Images/Sku/furnace.png")
        .send()
        .await
        .expect("the image arrives from storage")
        .into_inner();
    let mut bytes = Vec::new();
    servicetitan_core::binary::write_stream(image, &mut bytes)
        .await
        .unwrap();
    redirect.assert_async().await;
    blob.assert_async().await;
    assert_eq!(bytes, PNG);
}
