use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use servicetitan_webhooks::{Journal, Receiver, Verifier, DEFAULT_SIGNATURE_HEADER};

use crate::KEY;

/// A receiver on a loopback port with a journal in a temp dir.
struct Server {
    addr: SocketAddr,
    receiver: Receiver,
    journal: PathBuf,
    _dir: tempfile::TempDir,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn start(configure: impl FnOnce(Receiver) -> Receiver) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("events.ndjson");
    start_at(dir, journal, configure).await
}

async fn start_at(
    dir: tempfile::TempDir,
    journal: PathBuf,
    configure: impl FnOnce(Receiver) -> Receiver,
) -> Server {
    let receiver = configure(Receiver::new(Journal::open(&journal).unwrap()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = receiver.router();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Server {
        addr,
        receiver,
        journal,
        _dir: dir,
        task,
    }
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn verifier() -> Verifier {
    Verifier::new(KEY).unwrap()
}

async fn post(
    c: &reqwest::Client,
    addr: SocketAddr,
    body: &'static str,
    sig: Option<&str>,
) -> (u16, String) {
    let mut req = c.post(format!("http://{addr}/st/webhooks")).body(body);
    if let Some(sig) = sig {
        req = req.header(DEFAULT_SIGNATURE_HEADER, sig);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

fn journal_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

const EVENT: &str =
    r#"{"eventId":"j-1","eventType":"Job.Created","data":{"id":98765432109876543210}}"#;

#[tokio::test]
async fn a_signed_delivery_is_journaled_then_answered_200_and_a_redelivery_stored_once() {
    let s = start(|r| r.verifier(verifier())).await;
    let c = client();
    let sig = verifier().sign_hex(EVENT.as_bytes());
    let (status, body) = post(&c, s.addr, EVENT, Some(&sig)).await;
    assert_eq!((status, body.as_str()), (200, r#"{"stored":true}"#));
    // The line is there as soon as the 200 is.
    let lines = journal_lines(&s.journal);
    assert_eq!(lines.len(), 1);
    assert!(lines[0].contains(EVENT), "{}", lines[0]);
    let (status, body) = post(&c, s.addr, EVENT, Some(&sig)).await;
    assert_eq!((status, body.as_str()), (200, r#"{"duplicate":true}"#));
    assert_eq!(journal_lines(&s.journal).len(), 1);
    let stats = s.receiver.stats();
    assert_eq!((stats.stored, stats.duplicates), (1, 1));
}

#[tokio::test]
async fn a_redelivery_after_a_restart_is_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.ndjson");
    let sig = verifier().sign_base64(EVENT.as_bytes());
    let c = client();
    let first = start_at(tempfile::tempdir().unwrap(), path.clone(), |r| {
        r.verifier(verifier())
    })
    .await;
    assert_eq!(post(&c, first.addr, EVENT, Some(&sig)).await.0, 200);
    drop(first);
    let second = start_at(tempfile::tempdir().unwrap(), path.clone(), |r| {
        r.verifier(verifier())
    })
    .await;
    let (status, body) = post(&c, second.addr, EVENT, Some(&sig)).await;
    assert_eq!((status, body.as_str()), (200, r#"{"duplicate":true}"#));
    assert_eq!(journal_lines(&path).len(), 1);
}

#[tokio::test]
async fn bad_signatures_answer_401_with_the_failed_check_and_store_nothing() {
    let s = start(|r| r.verifier(verifier())).await;
    let c = client();
    let good = verifier().sign_hex(EVENT.as_bytes());
    let tampered_sig = verifier().sign_hex(b"{}");
    for (sig, says) in [
        (None, "missing signature"),
        (Some(tampered_sig.as_str()), "signature mismatch"),
        (Some("%%%"), "undecodable signature"),
        (Some(&good[..40]), "wrong signature length"),
    ] {
        let (status, body) = post(&c, s.addr, EVENT, sig).await;
        assert_eq!(status, 401, "{sig:?}: {body}");
        assert!(body.starts_with(says), "{sig:?}: {body}");
        assert!(!body.contains(KEY) && !body.contains(&good), "{body}");
    }
    // Signed under another header than the receiver reads.
    let resp = c
        .post(format!("http://{}/", s.addr))
        .header("X-Hub-Signature-256", format!("sha256={good}"))
        .body(EVENT)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    assert_eq!(journal_lines(&s.journal).len(), 0);
    assert_eq!(s.receiver.stats().bad_signature, 5);
}

#[tokio::test]
async fn an_oversized_body_answers_413_declared_or_streamed() {
    let s = start(|r| r.verifier(verifier()).max_body(1024)).await;
    let c = client();
    let big = format!(r#"{{"pad":"{}"}}"#, "x".repeat(2000));
    let sig = verifier().sign_hex(big.as_bytes());
    let resp = c
        .post(format!("http://{}/", s.addr))
        .header(DEFAULT_SIGNATURE_HEADER, &sig)
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 413);
    // Chunked, without a Content-Length.
    let chunks: Vec<Result<String, std::io::Error>> = big
        .as_bytes()
        .chunks(300)
        .map(|c| Ok(String::from_utf8(c.to_vec()).unwrap()))
        .collect();
    let resp = c
        .post(format!("http://{}/", s.addr))
        .header(DEFAULT_SIGNATURE_HEADER, &sig)
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await;
    // The server may answer 413 and close before the client has sent everything.
    if let Ok(resp) = resp {
        assert_eq!(resp.status().as_u16(), 413);
    }
    assert_eq!(s.receiver.stats().too_large, 2);
    assert_eq!(journal_lines(&s.journal).len(), 0);
    // At the limit is fine.
    let fits = format!(r#"{{"pad":"{}"}}"#, "x".repeat(1024 - 10));
    assert_eq!(fits.len(), 1024);
    let sig = verifier().sign_hex(fits.as_bytes());
    let resp = c
        .post(format!("http://{}/", s.addr))
        .header(DEFAULT_SIGNATURE_HEADER, &sig)
        .body(fits)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
}

#[tokio::test]
async fn a_body_that_is_not_json_answers_400_and_get_answers_405() {
    let s = start(|r| r.verifier(verifier())).await;
    let c = client();
    let body = "eventType=Job.Created";
    let sig = verifier().sign_hex(body.as_bytes());
    let (status, text) = post(&c, s.addr, body, Some(&sig)).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("not JSON"), "{text}");
    let resp = c.get(format!("http://{}/", s.addr)).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    assert_eq!(journal_lines(&s.journal).len(), 0);
}

#[tokio::test]
async fn without_a_key_unsigned_deliveries_are_accepted() {
    let s = start(|r| r).await;
    let (status, _) = post(&client(), s.addr, r#"{"type":"Unheard.Of"}"#, None).await;
    assert_eq!(status, 200);
    assert_eq!(journal_lines(&s.journal).len(), 1);
}
