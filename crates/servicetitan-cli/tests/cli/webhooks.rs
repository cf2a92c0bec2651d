//! `servicetitan webhooks listen | verify | send`, over loopback.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::command;

const KEY: &str = "cli-test-key-0123456789abcdefghijklmnopq";
const OTHER_KEY: &str = "another-key-0123456789abcdefghijklmnopq";

fn webhooks(key: Option<&str>, args: &[&str]) -> Command {
    let mut cmd = command();
    cmd.arg("webhooks")
        .args(args)
        .env_remove("ST_WEBHOOK_HMAC_KEY");
    if let Some(k) = key {
        cmd.env("ST_WEBHOOK_HMAC_KEY", k);
    }
    cmd
}

/// A running `webhooks listen` and the URL it printed.
struct Listener {
    child: Child,
    url: String,
    stderr: mpsc::Receiver<String>,
}

impl Listener {
    fn start(args: &[&str]) -> Listener {
        let mut child = webhooks(
            Some(KEY),
            &[&["listen", "--addr", "127.0.0.1:0"], args].concat(),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("listen prints its address");
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {first:?}"))
            .to_string();
        Listener {
            child,
            url,
            stderr: rx,
        }
    }

    /// Waits (at most 60 s) for the listener to stop by itself (`--max-events`).
    fn wait(mut self) -> (String, String) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the listener did not stop after --max-events");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success(), "listen exited with {status}");
        let mut stdout = String::new();
        std::io::Read::read_to_string(self.child.stdout.as_mut().unwrap(), &mut stdout).unwrap();
        let stderr: Vec<String> = self.stderr.try_iter().collect();
        (stdout, stderr.join("\n"))
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn send(key: Option<&str>, url: &str, file: &Path, extra: &[&str]) -> Output {
    webhooks(
        key,
        &[&["send", url, "--file", file.to_str().unwrap()], extra].concat(),
    )
    .output()
    .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn listen_journals_what_send_signs_once_and_refuses_a_wrong_signature() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("events.ndjson");
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    std::fs::write(
        &a,
        r#"{"eventId":"a-1","eventType":"Job.Created","data":{"id":12345678901234567890,"total":1234.10}}"#,
    )
    .unwrap();
    std::fs::write(&b, r#"{"eventType":"Customer.Updated","data":{"id":7}}"#).unwrap();
    let listener = Listener::start(&["--to", journal.to_str().unwrap(), "--max-events", "2"]);

    let first = send(Some(KEY), &listener.url, &a, &[]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    // A redelivery (base64 this time): acknowledged, not stored again.
    let again = send(Some(KEY), &listener.url, &a, &["--encoding", "base64"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stderr).contains("duplicate"),
        "{}",
        text(&again.stderr)
    );
    // Signed with another key: 401, and send says so.
    let forged = send(Some(OTHER_KEY), &listener.url, &b, &[]);
    assert_eq!(forged.status.code(), Some(1));
    assert!(
        text(&forged.stderr).contains("401 signature mismatch"),
        "{}",
        text(&forged.stderr)
    );
    // Signed under a header the listener does not read.
    let elsewhere = send(
        Some(KEY),
        &listener.url,
        &b,
        &["--header", "X-Other-Signature"],
    );
    assert_eq!(elsewhere.status.code(), Some(1));
    assert!(
        text(&elsewhere.stderr).contains("missing signature"),
        "{}",
        text(&elsewhere.stderr)
    );
    let second = send(Some(KEY), &listener.url, &b, &[]);
    assert!(second.status.success(), "{}", text(&second.stderr));

    let (_, stderr) = listener.wait();
    assert!(
        stderr.contains("2 stored, 1 redeliveries, 2 bad signatures"),
        "{stderr}"
    );
    let lines: Vec<String> = std::fs::read_to_string(&journal)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with(r#"{"key":"id:a-1","#), "{}", lines[0]);
    assert!(
        lines[0].contains(r#""id":12345678901234567890,"total":1234.10"#),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains(r#""key":"sha256:"#), "{}", lines[1]);
}

#[test]
fn listen_prints_accepted_events_on_stdout_without_a_journal() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    std::fs::write(&a, "{\n  \"eventId\": \"s-1\",\n  \"amount\": 99.90\n}\n").unwrap();
    let listener = Listener::start(&["--max-events", "1"]);
    let out = send(Some(KEY), &listener.url, &a, &["--encoding", "base64url"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (stdout, _) = listener.wait();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let line: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(line["key"], "id:s-1");
    assert!(lines[0].contains(r#""amount": 99.90"#), "{stdout}");
}

#[test]
fn listen_needs_a_key_or_an_explicit_unsigned() {
    let out = webhooks(None, &["listen", "--addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("ST_WEBHOOK_HMAC_KEY is not set"),
        "{}",
        text(&out.stderr)
    );
    let out = webhooks(Some("too-short"), &["listen", "--addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("9 characters") && !err.contains("too-short"),
        "{err}"
    );
}

#[test]
fn verify_checks_a_captured_delivery_and_names_the_failed_check() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let body = br#"{"eventId":"v-1","eventType":"Invoice.Created"}"#;
    let body_file = dir.path().join("body.json");
    std::fs::write(&body_file, body).unwrap();
    // The signature the way `send` makes it, captured from a listener would be the same;
    // compute it here with the library.
    let sig = servicetitan_webhooks::Verifier::new(KEY)
        .unwrap()
        .sign_hex(body);
    let headers = dir.path().join("headers.txt");
    std::fs::write(
        &headers,
        format!("POST /hook HTTP/1.1\r\nContent-Type: application/json\r\nx-servicetitan-signature: sha256={sig}\r\n"),
    )
    .unwrap();
    let run = |key: &str, args: &[&str], stdin: &[u8]| -> Output {
        let mut child = webhooks(None, &[&["verify", "--key-env", "MY_KEY"], args].concat())
            .env("MY_KEY", key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        child.wait_with_output().unwrap()
    };
    let h = headers.to_str().unwrap();
    let ok = run(KEY, &["--header-file", h], body);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(
        text(&ok.stdout).contains("signature ok (hex")
            && text(&ok.stdout).contains("stream accounting.invoices"),
        "{}",
        text(&ok.stdout)
    );
    let tampered = run(
        KEY,
        &["--header-file", h],
        br#"{"eventId":"v-2","eventType":"Invoice.Created"}"#,
    );
    assert_eq!(tampered.status.code(), Some(1));
    assert!(
        text(&tampered.stderr).contains("signature mismatch"),
        "{}",
        text(&tampered.stderr)
    );
    let wrong_header = run(KEY, &["--header-file", h, "--header", "X-Signature"], body);
    assert_eq!(wrong_header.status.code(), Some(1));
    assert!(
        text(&wrong_header.stderr).contains("missing signature"),
        "{}",
        text(&wrong_header.stderr)
    );
    let undecodable = run(KEY, &["--signature", "sha256=???"], body);
    assert_eq!(undecodable.status.code(), Some(1));
    assert!(
        text(&undecodable.stderr).contains("undecodable signature"),
        "{}",
        text(&undecodable.stderr)
    );
    let short_key = run("short", &["--signature", &sig], body);
    assert_eq!(short_key.status.code(), Some(2));
}
