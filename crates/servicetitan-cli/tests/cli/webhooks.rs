//! `servicetitan webhooks listen | verify | send`, over loopback.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use servicetitan_mock::{MockTenant, Resource};

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
    /// Lines printed before the address (a backlog's events may come first).
    early: Vec<String>,
    stderr: mpsc::Receiver<String>,
}

impl Listener {
    fn start(args: &[&str]) -> Listener {
        Listener::spawn("127.0.0.1:0", &[], args)
    }

    /// `listen --addr ADDR ARGS` with `env` added (a tenant's ST_* variables for --sync).
    fn spawn(addr: &str, env: &[(&str, String)], args: &[&str]) -> Listener {
        let mut cmd = webhooks(Some(KEY), &[&["listen", "--addr", addr], args].concat());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
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
        // The address line, whatever the listener printed before it.
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut early = Vec::new();
        let url = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = rx
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("listen printed no address; before: {early:?}"));
            match line.split_whitespace().find(|w| w.starts_with("http://")) {
                Some(url) => break url.to_string(),
                None => early.push(line),
            }
        };
        Listener {
            child,
            url,
            early,
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
        let mut stderr = std::mem::take(&mut self.early);
        // Until the reader thread reaches the end of the exited child's stderr.
        stderr.extend(self.stderr.iter());
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

// ---- listen --sync: events drive the sync ----

/// Every stream the event table names is a stream of the sync catalog.
#[test]
fn every_stream_of_the_event_table_is_in_the_sync_catalog() {
    let catalog = servicetitan_sync::catalog();
    for (subject, stream) in servicetitan_webhooks::EVENT_STREAMS {
        assert!(
            catalog.iter().any(|s| s.name == *stream),
            "{subject:?} maps to {stream}, which `servicetitan sync --list-streams` lacks"
        );
        assert_eq!(
            servicetitan_sync::select(&catalog, stream).unwrap().len(),
            1,
            "{stream} selects itself only"
        );
    }
}

/// A loopback port free a moment ago, for a listener the mock must know before it starts.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A mock tenant that sends signed events to `http://127.0.0.1:{port}/st`, retrying fast.
fn webhook_mock(port: u16, records: u64) -> MockTenant {
    MockTenant::builder()
        .count_all(records)
        .webhook_url(format!("http://127.0.0.1:{port}/st"))
        .webhook_hmac_key(KEY)
        .webhook_retry_schedule([Duration::from_millis(250); 4])
        .start_on_thread()
        .expect("mock starts")
}

/// A write through the mock's API, as a program makes it (the runtime, an operation chosen
/// at run time); returns the answer.
fn api_write(
    mock: &MockTenant,
    module: &str,
    op: &str,
    path: &[String],
    body: &str,
) -> serde_json::Value {
    let st = servicetitan::ServiceTitan::builder()
        .api_base_url(mock.base_url())
        .auth_url(mock.auth_url())
        .client_id(mock.client_id())
        .client_secret(mock.client_secret())
        .app_key(mock.app_key())
        .tenant(mock.tenant_id())
        .build()
        .unwrap();
    let module = servicetitan::module(module).unwrap();
    let op = module.operations.iter().find(|o| o.id == op).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let bytes = rt
        .block_on(
            servicetitan::dynamic::DynamicRequest::new(st.runtime().clone(), module, op)
                .path_values(path.to_vec())
                .json_body(body.to_string())
                .send(),
        )
        .unwrap();
    serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null)
}

const NEW_CUSTOMER: &str = r#"{"name":"Grace Hopper","type":"Residential","locations":[{"name":"Home","address":{"street":"1 Main St","city":"Springfield","zip":"11111","country":"USA","state":"IL"}}],"address":{"street":"1 Main St","city":"Springfield","zip":"11111","country":"USA","state":"IL"}}"#;

/// Waits (at most 60 s) until `sql` answers a row in the database at `db`.
fn wait_for_row<T: rusqlite::types::FromSql>(db: &Path, sql: &str, id: i64) -> T {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(conn) = rusqlite::Connection::open(db) {
            if let Ok(v) = conn.query_row(sql, [id], |r| r.get::<_, T>(0)) {
                return v;
            }
        }
        assert!(Instant::now() < deadline, "no row for {id}: {sql}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits (at most 60 s) until the mock has had `n` events acknowledged.
fn wait_delivered(mock: &MockTenant, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while mock.webhook_stats().delivered < n {
        assert!(
            Instant::now() < deadline,
            "events not delivered: {:?}",
            mock.webhook_stats()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The whole loop, as a user runs it: a write through the API → the mock's signed event →
/// `listen --sync` → the stream's incremental sync → the row in SQLite.
#[test]
fn a_write_reaches_sqlite_through_its_event() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("events.ndjson");
    let db = dir.path().join("st.db");
    let port = free_port();
    let mock = webhook_mock(port, 30);
    let mut listener = Listener::spawn(
        &format!("127.0.0.1:{port}"),
        &mock.env_vars(),
        &[
            "--to",
            journal.to_str().unwrap(),
            "--sync",
            &format!("sqlite:{}", db.display()),
            "--reconcile-every",
            "1h",
        ],
    );

    let created = api_write(&mock, "crm", "create_customer", &[], NEW_CUSTOMER);
    let customer = created["id"].as_i64().unwrap();
    let name: String = wait_for_row(
        &db,
        "SELECT json_extract(record, '$.name') FROM crm_customers WHERE id = ?1",
        customer,
    );
    assert_eq!(name, "Grace Hopper");

    // A changed job: its event runs the jobs stream, which now holds the change.
    let job = mock.record_id(Resource::Jobs, 3);
    api_write(
        &mock,
        "jpm",
        "update_job",
        &[job.to_string()],
        r#"{"summary":"changed through the API"}"#,
    );
    let summary: String = wait_for_row(
        &db,
        "SELECT json_extract(record, '$.summary') FROM jpm_jobs WHERE id = ?1 \
         AND json_extract(record, '$.summary') = 'changed through the API'",
        job,
    );
    assert_eq!(summary, "changed through the API");
    wait_delivered(&mock, 2);

    // Each sync committed before the checkpoint moved: it reaches the journal's end.
    let deadline = Instant::now() + Duration::from_secs(60);
    let end = std::fs::metadata(&journal).unwrap().len();
    let checkpoint = dir.path().join("events.ndjson.sync-checkpoint");
    loop {
        let offset = std::fs::read(&checkpoint)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| v["offset"].as_u64());
        if offset == Some(end) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "checkpoint {offset:?}, journal {end}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = listener.child.kill();
    let _ = listener.child.wait();
    let lines: Vec<String> = listener.stderr.iter().collect();
    assert!(
        lines.iter().any(|l| l.starts_with("synced crm.customers:")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("synced jpm.jobs:")),
        "{lines:#?}"
    );
}

/// Events journaled by a listener whose syncs cannot commit (the tenant refuses its
/// credentials), then the process killed: a restart syncs them, once per stream however
/// many events there were.
#[test]
fn a_restart_after_a_crash_between_journal_and_sync_still_syncs_once_per_stream() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("events.ndjson");
    let db = dir.path().join("st.db");
    let sqlite = format!("sqlite:{}", db.display());
    let port = free_port();
    let mock = webhook_mock(port, 20);
    let args = ["--to", journal.to_str().unwrap(), "--sync", &sqlite];
    let mut refused = mock.env_vars();
    for (k, v) in &mut refused {
        if *k == "ST_CLIENT_SECRET" {
            *v = "not-the-secret".to_string();
        }
    }
    let mut first = Listener::spawn(&format!("127.0.0.1:{port}"), &refused, &args);

    // A burst: twenty updates of customers, one new customer, one unknown event type.
    const BURST: u64 = 20;
    for i in 0..BURST {
        let customer = mock.record_id(Resource::Customers, i % 5);
        api_write(
            &mock,
            "crm",
            "update_customer",
            &[customer.to_string()],
            &format!(r#"{{"name":"Burst {i}"}}"#),
        );
    }
    let created = api_write(&mock, "crm", "create_customer", &[], NEW_CUSTOMER);
    let customer = created["id"].as_i64().unwrap();
    wait_delivered(&mock, BURST + 1);
    let mystery = dir.path().join("mystery.json");
    std::fs::write(
        &mystery,
        r#"{"eventId":"m-1","eventType":"Mystery.Happened"}"#,
    )
    .unwrap();
    let sent = send(Some(KEY), &first.url, &mystery, &[]);
    assert!(sent.status.success(), "{}", text(&sent.stderr));
    // The sync was tried and failed; then the process dies.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    while !seen
        .iter()
        .any(|l: &String| l.starts_with("sync of crm.customers failed"))
    {
        assert!(Instant::now() < deadline, "{seen:#?}");
        if let Ok(line) = first.stderr.recv_timeout(Duration::from_millis(100)) {
            seen.push(line);
        }
    }
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    assert!(
        !dir.path().join("events.ndjson.sync-checkpoint").exists(),
        "no sync committed, so no checkpoint"
    );

    // The restart (--max-events 0: sync what the journal holds, then stop).
    let restart = Listener::spawn(
        "127.0.0.1:0",
        &mock.env_vars(),
        &[&args[..], &["--max-events", "0"]].concat(),
    );
    let (_, stderr) = restart.wait();
    let runs = stderr
        .lines()
        .filter(|l| l.starts_with("synced crm.customers:"))
        .count();
    assert_eq!(runs, 1, "one run for the whole burst: {stderr}");
    assert!(
        stderr.contains("event Mystery.Happened (id:m-1): no stream for this type"),
        "{stderr}"
    );
    let name: String = wait_for_row(
        &db,
        "SELECT json_extract(record, '$.name') FROM crm_customers WHERE id = ?1",
        customer,
    );
    assert_eq!(name, "Grace Hopper");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let burst: i64 = conn
        .query_row(
            "SELECT count(*) FROM crm_customers WHERE json_extract(record, '$.name') LIKE 'Burst %'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(burst, 5, "the five customers the burst changed");
}

#[test]
fn listen_sync_needs_a_journal_and_reconcile_every_a_duration() {
    let out = webhooks(Some(KEY), &["listen", "--sync", "sqlite:st.db"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--to"), "{}", text(&out.stderr));
    let out = webhooks(
        Some(KEY),
        &[
            "listen",
            "--to",
            "events.ndjson",
            "--sync",
            "sqlite:st.db",
            "--reconcile-every",
            "often",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("15m"), "{}", text(&out.stderr));
}

/// A directory target, and `--max-events`: the listener stops after the event, once its sync
/// has run, and the new record is in the stream's file.
#[test]
fn listen_sync_into_a_directory_stops_after_max_events_once_synced() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("events.ndjson");
    let data = dir.path().join("data");
    let port = free_port();
    let mock = webhook_mock(port, 10);
    let listener = Listener::spawn(
        &format!("127.0.0.1:{port}"),
        &mock.env_vars(),
        &[
            "--to",
            journal.to_str().unwrap(),
            "--sync",
            data.to_str().unwrap(),
            "--max-events",
            "1",
        ],
    );
    let created = api_write(&mock, "crm", "create_customer", &[], NEW_CUSTOMER);
    let customer = created["id"].as_i64().unwrap();
    let (_, stderr) = listener.wait();
    assert!(
        stderr.contains("synced crm.customers: 11 records"),
        "{stderr}"
    );
    let ids: Vec<i64> = std::fs::read_to_string(data.join("crm.customers.ndjson"))
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert!(ids.contains(&customer), "{ids:?}");
    assert_eq!(ids.len(), 11);
}
