//! Multipart uploads through the runtime.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::common::*;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use servicetitan_core::upload::{send_multipart, UploadFile};
use servicetitan_core::Error;

#[tokio::test]
async fn an_upload_is_multipart_authenticated_and_replayed_after_a_429() {
    let (api, auth) = servers().await;
    let bodies = Arc::new(Mutex::new(Vec::<(String, Vec<u8>)>::new()));
    let n = Arc::new(AtomicUsize::new(0));
    let (b, c) = (bodies.clone(), n.clone());
    api.mock_async(move |when, then| {
        when.method(POST)
            .path("/forms/v2/tenant/42/jobs/9/attachments")
            .header("authorization", "Bearer t")
            .header("st-app-key", APP_KEY);
        then.respond_with(move |req: &HttpMockRequest| {
            b.lock().unwrap().push((
                header(req, "content-type").unwrap_or_default(),
                req.body_ref().to_vec(),
            ));
            if c.fetch_add(1, Ordering::SeqCst) == 0 {
                HttpMockResponse::builder()
                    .status(429)
                    .header("retry-after", "0")
                    .build()
            } else {
                json_response(200, &serde_json::json!({"id": 1}))
            }
        });
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let mut path = std::env::temp_dir();
    path.push(format!("st-upload-test-{}.png", std::process::id()));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(b"\x89PNG fake image")
        .unwrap();
    let file = UploadFile::from_path(&path).await.unwrap();
    std::fs::remove_file(&path).ok();
    let url = format!(
        "{}/forms/v2/tenant/__tenant__/jobs/9/attachments",
        rt.api_base_url()
    );
    let resp = send_multipart(
        &rt,
        reqwest::Method::POST,
        url,
        "file",
        file,
        "createAttachment",
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), 200);
    let bodies = bodies.lock().unwrap();
    assert_eq!(bodies.len(), 2);
    for (ct, body) in bodies.iter() {
        assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
        let text = String::from_utf8_lossy(body);
        assert!(text.contains("name=\"file\""), "{text}");
        assert!(text.contains("filename=\"st-upload-test-"), "{text}");
        assert!(
            text.contains("content-type: image/png") || text.contains("Content-Type: image/png"),
            "{text}"
        );
        assert!(text.contains("PNG fake image"));
    }
}

#[tokio::test]
async fn a_failed_upload_is_an_api_error() {
    let (api, auth) = servers().await;
    api.mock_async(|when, then| {
        when.any_request();
        then.status(400)
            .json_body(serde_json::json!({"title": "File too large", "traceId": "tr-up"}));
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let url = format!("{}/tenant/__tenant__/attachments", rt.api_base_url());
    let err = send_multipart(
        &rt,
        reqwest::Method::POST,
        url,
        "file",
        UploadFile::new("a.bin", vec![0u8; 10]),
        "createAttachment",
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Api(_)));
    assert_eq!(err.trace_id(), Some("tr-up"));
    assert_eq!(err.operation_id(), Some("createAttachment"));
}
