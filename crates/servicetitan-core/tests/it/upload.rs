//! Multipart uploads through the runtime.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::common::*;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use servicetitan_core::upload::{send_multipart, ChunkStream, UploadFile};
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
    let url = format!(
        "{}/forms/v2/tenant/__tenant__/jobs/9/attachments",
        rt.api_base_url()
    );
    // A path upload reads the file on each attempt, so it must still exist while sending.
    let resp = send_multipart::<serde_json::Value>(
        &rt,
        reqwest::Method::POST,
        url,
        "file",
        file,
        "createAttachment",
    )
    .await;
    std::fs::remove_file(&path).ok();
    let resp = resp.unwrap();
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
    let err = send_multipart::<serde_json::Value>(
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

/// Deterministic bytes without a short period, so a search for them in a body cannot match a
/// shifted copy.
fn pseudo_random(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (x >> 24) as u8
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn chunk_stream(chunks: &[&'static [u8]]) -> ChunkStream {
    let items: Vec<Result<bytes::Bytes, std::io::Error>> = chunks
        .iter()
        .map(|c| Ok(bytes::Bytes::from_static(c)))
        .collect();
    Box::pin(futures::stream::iter(items))
}

/// An API answering 429 (`Retry-After: 0`) to the first upload and `{"id": 1}` to the next
/// ones; returns the bodies it received.
async fn mock_429_then_ok(api: &MockServer) -> Arc<Mutex<Vec<Vec<u8>>>> {
    let bodies = Arc::new(Mutex::new(Vec::<Vec<u8>>::new()));
    let b = bodies.clone();
    api.mock_async(move |when, then| {
        when.method(POST)
            .path("/forms/v2/tenant/42/jobs/9/attachments")
            .header("authorization", "Bearer t");
        then.respond_with(move |req: &HttpMockRequest| {
            let mut bodies = b.lock().unwrap();
            bodies.push(req.body_ref().to_vec());
            if bodies.len() == 1 {
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
    bodies
}

#[tokio::test]
async fn a_streamed_upload_sends_its_chunks() {
    let (api, auth) = servers().await;
    let bodies = Arc::new(Mutex::new(Vec::<Vec<u8>>::new()));
    let b = bodies.clone();
    api.mock_async(move |when, then| {
        when.method(POST)
            .path("/forms/v2/tenant/42/jobs/9/attachments")
            .header("authorization", "Bearer t")
            .header("st-app-key", APP_KEY);
        then.respond_with(move |req: &HttpMockRequest| {
            b.lock().unwrap().push(req.body_ref().to_vec());
            json_response(200, &serde_json::json!({"id": 7}))
        });
    })
    .await;
    let rt = builder(&api, &auth).build().unwrap();
    let url = format!(
        "{}/forms/v2/tenant/__tenant__/jobs/9/attachments",
        rt.api_base_url()
    );
    // No length given: the part is sent without one.
    let file = UploadFile::from_stream(
        "notes.txt",
        chunk_stream(&[b"first chunk|", b"second chunk|", b"third chunk"]),
        None,
    );
    let resp = send_multipart::<serde_json::Value>(
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
    assert_eq!(resp.into_inner(), serde_json::json!({"id": 7}));
    let bodies = bodies.lock().unwrap();
    assert_eq!(bodies.len(), 1);
    let text = String::from_utf8_lossy(&bodies[0]);
    assert!(text.contains("name=\"file\""), "{text}");
    assert!(text.contains("filename=\"notes.txt\""), "{text}");
    assert!(
        text.contains("content-type: text/plain") || text.contains("Content-Type: text/plain"),
        "{text}"
    );
    assert!(
        text.contains("first chunk|second chunk|third chunk"),
        "{text}"
    );
}

#[tokio::test]
async fn a_streamed_upload_is_not_retried_after_a_429() {
    let (api, auth) = servers().await;
    let bodies = mock_429_then_ok(&api).await;
    let rt = builder(&api, &auth).build().unwrap();
    let url = format!(
        "{}/forms/v2/tenant/__tenant__/jobs/9/attachments",
        rt.api_base_url()
    );
    let chunks: [&'static [u8]; 2] = [b"streamed ", b"payload"];
    let len = chunks.iter().map(|c| c.len() as u64).sum();
    let file = UploadFile::from_stream("payload.bin", chunk_stream(&chunks), Some(len))
        .with_content_type("application/x-test");
    let err = send_multipart::<serde_json::Value>(
        &rt,
        reqwest::Method::POST,
        url,
        "file",
        file,
        "createAttachment",
    )
    .await
    .unwrap_err();
    // A stream cannot be sent twice: the 429 ends the call after one attempt (the second
    // attempt, which the server would have accepted, is never made).
    match &err {
        Error::RateLimited {
            attempts,
            retry_after,
            ..
        } => {
            assert_eq!(*attempts, 1);
            assert_eq!(*retry_after, Some(std::time::Duration::ZERO));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(err.operation_id(), Some("createAttachment"));
    let bodies = bodies.lock().unwrap();
    assert_eq!(bodies.len(), 1, "the stream upload was sent again");
    let text = String::from_utf8_lossy(&bodies[0]);
    assert!(text.contains("filename=\"payload.bin\""), "{text}");
    assert!(
        text.contains("content-type: application/x-test")
            || text.contains("Content-Type: application/x-test"),
        "{text}"
    );
    assert!(text.contains("streamed payload"), "{text}");
}

#[tokio::test]
async fn a_path_upload_is_read_again_from_disk_for_the_retry() {
    let (api, auth) = servers().await;
    // Several read chunks long, so a partial read would show.
    let len = 200 * 1024 + 123;
    let first = pseudo_random(len, 1);
    let second = pseudo_random(len, 2);
    let mut path = std::env::temp_dir();
    path.push(format!("st-upload-reread-{}.bin", std::process::id()));
    std::fs::write(&path, &first).unwrap();

    let bodies = Arc::new(Mutex::new(Vec::<Vec<u8>>::new()));
    let (b, p, replacement) = (bodies.clone(), path.clone(), second.clone());
    api.mock_async(move |when, then| {
        when.method(POST)
            .path("/forms/v2/tenant/42/jobs/9/attachments")
            .header("authorization", "Bearer t");
        then.respond_with(move |req: &HttpMockRequest| {
            let mut bodies = b.lock().unwrap();
            bodies.push(req.body_ref().to_vec());
            if bodies.len() == 1 {
                // Same length, other content: the retry must read the file again.
                std::fs::write(&p, &replacement).unwrap();
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
    let url = format!(
        "{}/forms/v2/tenant/__tenant__/jobs/9/attachments",
        rt.api_base_url()
    );
    let file = UploadFile::from_path(&path).await.unwrap();
    let resp = send_multipart::<serde_json::Value>(
        &rt,
        reqwest::Method::POST,
        url,
        "file",
        file,
        "createAttachment",
    )
    .await;
    std::fs::remove_file(&path).ok();
    let resp = resp.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.into_inner(), serde_json::json!({"id": 1}));

    let bodies = bodies.lock().unwrap();
    assert_eq!(bodies.len(), 2);
    for body in bodies.iter() {
        let text = String::from_utf8_lossy(body);
        assert!(text.contains("filename=\"st-upload-reread-"));
        assert!(body.len() > len, "body of {} bytes", body.len());
    }
    assert!(
        contains(&bodies[0], &first),
        "the first attempt lacks the file's content"
    );
    assert!(
        contains(&bodies[1], &second),
        "the retry did not send the file as it is now on disk"
    );
    assert!(!contains(&bodies[1], &first[..1024]));
}

#[tokio::test]
async fn a_path_upload_whose_file_changed_size_fails_instead_of_sending_a_cut_body() {
    let (api, auth) = servers().await;
    let served = api
        .mock_async(|when, then| {
            when.method(POST);
            then.status(200).json_body(serde_json::json!({"id": 1}));
        })
        .await;
    let mut path = std::env::temp_dir();
    path.push(format!("st-upload-grown-{}.bin", std::process::id()));
    std::fs::write(&path, pseudo_random(100 * 1024, 3)).unwrap();
    let file = UploadFile::from_path(&path).await.unwrap();
    // The file grows after it was given: its length no longer matches.
    std::fs::write(&path, pseudo_random(100 * 1024 + 10, 4)).unwrap();
    let rt = builder(&api, &auth).build().unwrap();
    let url = format!("{}/tenant/__tenant__/attachments", rt.api_base_url());
    let result = send_multipart::<serde_json::Value>(
        &rt,
        reqwest::Method::POST,
        url,
        "file",
        file,
        "createAttachment",
    )
    .await;
    std::fs::remove_file(&path).ok();
    let err = result.expect_err("a body that no longer matches its length");
    assert!(
        format!("{err} {err:?}").contains("changed size"),
        "{err} / {err:?}"
    );
    assert_eq!(served.calls_async().await, 0, "nothing reached the handler");
}

#[tokio::test]
async fn a_path_upload_of_a_missing_file_fails_at_from_path() {
    let mut path = std::env::temp_dir();
    path.push(format!("st-upload-missing-{}.bin", std::process::id()));
    let err = UploadFile::from_path(&path)
        .await
        .expect_err("no such file");
    assert!(matches!(err, Error::Io(_)), "{err:?}");
}
