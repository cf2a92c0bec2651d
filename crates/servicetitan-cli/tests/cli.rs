//! The `servicetitan` binary against a mock tenant it reaches through the ST_* variables, or
//! against an httpmock API when a test needs answers the mock tenant does not give.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use httpmock::prelude::*;
use servicetitan_mock::{MockTenant, Resource};

#[path = "cli/sync.rs"]
mod sync;
#[path = "cli/tap.rs"]
mod tap;
#[path = "cli/webhooks.rs"]
mod webhooks;

/// The binary with no logging or timeout setting inherited from the test's environment.
fn command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_servicetitan"));
    cmd.env_remove("RUST_LOG").env_remove("ST_TIMEOUT");
    cmd
}

fn cli(mock: &MockTenant, args: &[&str]) -> Output {
    cli_env(mock, &[], args)
}

/// Like [`cli`], with extra (or overriding) environment variables.
/// The binary configured for `mock` through the `ST_*` variables.
fn command_for(mock: &MockTenant) -> Command {
    let mut cmd = command();
    cmd.envs(mock.env_vars());
    cmd
}

fn cli_env(mock: &MockTenant, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = command_for(mock);
    cmd.args(args).arg("--quiet");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The tenant the httpmock API serves.
const API_TENANT: &str = "1234567";

/// An httpmock API with the token endpoint mocked.
fn api() -> MockServer {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/connect/token");
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"access_token":"api-token-1","token_type":"Bearer","expires_in":900}"#);
    });
    server
}

/// `path` under the API tenant: `api_path("/jpm/v2", "/jobs")`.
fn api_path(server_path: &str, path: &str) -> String {
    format!("{server_path}/tenant/{API_TENANT}{path}")
}

/// Answers GET `path` with `body` as written (raw text keeps `1234.10`).
fn answer(server: &MockServer, path: &str, body: &str) {
    server.mock(|when, then| {
        when.method(GET).path(path.to_string());
        then.status(200)
            .header("content-type", "application/json")
            .body(body);
    });
}

fn cli_api(server: &MockServer, args: &[&str]) -> Output {
    let mut cmd = command();
    cmd.args(args).arg("--quiet");
    for (k, v) in [
        ("ST_CLIENT_ID", "api-client".to_string()),
        ("ST_CLIENT_SECRET", "api-secret".to_string()),
        ("ST_APP_KEY", "api-app-key".to_string()),
        ("ST_TENANT_ID", API_TENANT.to_string()),
        ("ST_API_BASE_URL", server.base_url()),
        ("ST_AUTH_URL", server.url("/connect/token")),
    ] {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

fn ids(path: &Path) -> Vec<i64> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("every line is JSON")["id"]
                .as_i64()
                .unwrap()
        })
        .collect()
}

fn mock_with(jobs: u64, page: usize) -> MockTenant {
    MockTenant::builder()
        .jobs(jobs)
        .export_page_size(page)
        .start_on_thread()
        .expect("mock starts")
}

#[test]
fn an_interrupted_export_resumes_with_no_duplicate_and_no_gap() {
    let mock = mock_with(1000, 150);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("jobs.ndjson");
    let cp = dir.path().join("jobs.checkpoint");
    let (o, c) = (out.to_str().unwrap(), cp.to_str().unwrap());

    let first = cli(
        &mock,
        &[
            "export",
            "jpm",
            "jobs",
            "--output",
            o,
            "--checkpoint",
            c,
            "--max-batches",
            "3",
        ],
    );
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(ids(&out).len(), 450);

    // A crash after writing part of the next batch, before its checkpoint: garbage at the end.
    let mut f = std::fs::OpenOptions::new().append(true).open(&out).unwrap();
    std::io::Write::write_all(&mut f, b"{\"id\": 999999999, \"half\": tr").unwrap();
    drop(f);

    let second = cli(
        &mock,
        &["export", "jpm", "jobs", "--output", o, "--checkpoint", c],
    );
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let all = ids(&out);
    assert_eq!(all.len(), 1000);
    assert_eq!(
        all.iter().collect::<BTreeSet<_>>().len(),
        1000,
        "no duplicates"
    );
    let checkpoint: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&cp).unwrap()).unwrap();
    assert_eq!(checkpoint["records"], 1000);
    assert_eq!(checkpoint["complete"], true);
}

#[test]
fn csv_output_has_a_header_and_one_row_per_record() {
    let mock = mock_with(120, 50);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("jobs.csv");
    let r = cli(
        &mock,
        &[
            "export",
            "jpm",
            "jobs",
            "--format",
            "csv",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert!(reader.headers().unwrap().iter().any(|h| h == "jobNumber"));
    assert_eq!(reader.records().count(), 120);
}

#[test]
fn list_get_and_ops_work_and_errors_carry_exit_codes_and_trace_ids() {
    let mock = mock_with(30, 100);
    let list = cli(
        &mock,
        &["list", "jpm", "jobs", "--page-size", "7", "--limit", "20"],
    );
    assert!(
        list.status.success(),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(list.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 20);

    let id = lines[0]["id"].as_i64().unwrap().to_string();
    let get = cli(&mock, &["get", "jpm", "jobs", &id]);
    assert!(get.status.success());
    let job: serde_json::Value = serde_json::from_slice(&get.stdout).unwrap();
    assert_eq!(job["id"].as_i64().unwrap().to_string(), id);

    let missing = cli(&mock, &["get", "jpm", "jobs", "1"]);
    assert_eq!(missing.status.code(), Some(1));
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(err.contains("trace id:"), "{err}");

    let unknown = cli(&mock, &["export", "jpm", "nonsense"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("has no export operation"));

    let ops = cli(&mock, &["ops", "jpm"]);
    let text = String::from_utf8(ops.stdout).unwrap();
    assert!(
        text.contains("/jpm/v2/tenant/{tenant}/export/jobs"),
        "{text}"
    );
}

#[test]
fn wrong_credentials_exit_with_the_auth_code() {
    let mock = mock_with(10, 10);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_servicetitan"));
    cmd.args(["list", "jpm", "jobs", "--quiet"]);
    for (k, v) in mock.env_vars() {
        cmd.env(
            k,
            if k == "ST_CLIENT_SECRET" {
                "s3cr3t-XYZ-value".to_string()
            } else {
                v
            },
        );
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("invalid_client") && !err.contains("s3cr3t-XYZ-value"),
        "{err}"
    );
}

#[test]
fn the_embedded_mock_runs_without_any_configuration() {
    let out = Command::new(env!("CARGO_BIN_EXE_servicetitan"))
        .args([
            "--mock",
            "--mock-records",
            "40",
            "--quiet",
            "list",
            "crm",
            "customers",
        ])
        .env_clear()
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 40);
}

/// One record with values a `Value` round trip would change: trailing zeros, more digits than
/// an f64 holds, `-0.0`, an exponent, keys out of alphabetical order, an escaped string.
const EXACT: &str = r#"{"id":1,"total":1234.10,"big":12345678901234567890.12,"zeta":-0.0,"alpha":"a\"b","nested":{"b":1.50,"a":[1.0,2E+3]},"none":null}"#;

#[test]
fn export_list_and_get_write_every_value_exactly_as_the_server_sent_it() {
    let server = api();
    answer(
        &server,
        &api_path("/jpm/v2", "/export/jobs"),
        &format!(r#"{{"hasMore":false,"continueFrom":"t1","data":[{EXACT}]}}"#),
    );
    answer(
        &server,
        &api_path("/jpm/v2", "/jobs"),
        &format!(r#"{{"page":1,"pageSize":50,"hasMore":false,"totalCount":1,"data":[{EXACT}]}}"#),
    );
    answer(&server, &api_path("/jpm/v2", "/jobs/1"), EXACT);

    for args in [&["export", "jpm", "jobs"][..], &["list", "jpm", "jobs"][..]] {
        let out = cli_api(&server, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            format!("{EXACT}\n"),
            "{args:?}"
        );
    }

    let out = cli_api(&server, &["export", "jpm", "jobs", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "id,total,big,zeta,alpha,nested,none\n\
         1,1234.10,12345678901234567890.12,-0.0,\"a\"\"b\",\"{\"\"b\"\":1.50,\"\"a\"\":[1.0,2E+3]}\",\n"
    );

    let out = cli_api(&server, &["get", "jpm", "jobs", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    for kept in [
        "\"total\": 1234.10,",
        "\"big\": 12345678901234567890.12,",
        "\"zeta\": -0.0,",
        "2E+3",
    ] {
        assert!(text.contains(kept), "{kept} in {text}");
    }
    assert!(
        text.find("\"zeta\"") < text.find("\"alpha\""),
        "key order: {text}"
    );
    let compact: String = text.split_whitespace().collect();
    assert_eq!(compact, EXACT.replace(' ', ""));
}

#[test]
fn a_resumed_export_stays_byte_exact() {
    let mock = mock_with(500, 100);
    let dir = tempfile::tempdir().unwrap();
    let (out, cp) = (dir.path().join("a.ndjson"), dir.path().join("a.cp"));
    let whole = dir.path().join("whole.ndjson");
    let (o, c) = (out.to_str().unwrap(), cp.to_str().unwrap());
    let args = ["export", "jpm", "jobs", "--output", o, "--checkpoint", c];
    let first = cli(&mock, &[&args[..], &["--max-batches", "2"]].concat());
    assert!(first.status.success(), "{}", stderr(&first));
    let checkpoint: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&cp).unwrap()).unwrap();
    assert_eq!(
        checkpoint["output_bytes"].as_u64(),
        Some(std::fs::metadata(&out).unwrap().len())
    );
    let second = cli(&mock, &args);
    assert!(second.status.success(), "{}", stderr(&second));
    let one_go = cli(
        &mock,
        &["export", "jpm", "jobs", "--output", whole.to_str().unwrap()],
    );
    assert!(one_go.status.success(), "{}", stderr(&one_go));
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&whole).unwrap());
}

#[test]
fn server_errors_that_outlast_the_retries_exit_4_like_rate_limits_and_timeouts() {
    for status in [500, 503, 429] {
        let server = api();
        server.mock(|when, then| {
            when.method(GET).path(api_path("/jpm/v2", "/jobs"));
            then.status(status)
                .header("Retry-After", "0")
                .header("content-type", "application/problem+json")
                .body(format!(r#"{{"title":"unavailable","status":{status}}}"#));
        });
        let out = cli_api(&server, &["list", "jpm", "jobs"]);
        assert_eq!(out.status.code(), Some(4), "{status}: {}", stderr(&out));
    }
    // A 404 is no reason to try later.
    let server = api();
    let out = cli_api(&server, &["get", "jpm", "jobs", "5"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn timeout_bounds_each_request_and_overrides_st_timeout() {
    let slow = MockTenant::builder()
        .jobs(5)
        .latency(Duration::from_secs(2))
        .start_on_thread()
        .expect("mock starts");
    let out = cli(&slow, &["--timeout", "0.25", "list", "jpm", "jobs"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("timed out"), "{}", stderr(&out));

    let out = cli_env(
        &slow,
        &[("ST_TIMEOUT", "1")],
        &["--timeout", "60", "list", "jpm", "jobs", "--limit", "1"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 1);

    let out = cli(&slow, &["--timeout", "0", "list", "jpm", "jobs"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn lists_and_exports_ask_for_every_record_where_the_active_filter_exists() {
    let server = api();
    let page = r#"{"page":1,"pageSize":50,"hasMore":false,"data":[{"id":1}]}"#;
    let batch = r#"{"hasMore":false,"continueFrom":"t","data":[{"id":1}]}"#;
    let with = |path: &str, active: &str, body: &'static str| {
        server.mock(|when, then| {
            when.method(GET)
                .path(api_path("/jpm/v2", path))
                .query_param("active", active);
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        })
    };
    let list_any = with("/appointments", "Any", page);
    let list_false = with("/appointments", "False", page);
    let export_any = with("/export/appointments", "Any", batch);
    let export_true = with("/export/appointments", "True", batch);
    let export_jobs = server.mock(|when, then| {
        when.method(GET)
            .path(api_path("/jpm/v2", "/export/jobs"))
            .query_param_missing("active");
        then.status(200)
            .header("content-type", "application/json")
            .body(batch);
    });
    for (args, mock) in [
        (&["list", "jpm", "appointments"][..], &list_any),
        (
            &["list", "jpm", "appointments", "--active", "false"][..],
            &list_false,
        ),
        (&["export", "jpm", "appointments"][..], &export_any),
        (
            &["export", "jpm", "appointments", "--active", "true"][..],
            &export_true,
        ),
        (&["export", "jpm", "jobs"][..], &export_jobs),
    ] {
        let out = cli_api(&server, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert_eq!(mock.calls(), 1, "{args:?}");
    }
    let out = cli_api(&server, &["export", "jpm", "jobs", "--active", "true"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("does not take the active filter"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn list_returns_inactive_records_too_unless_narrowed() {
    let mock = MockTenant::builder()
        .customers(30)
        .start_on_thread()
        .expect("mock starts");
    // Deactivate one customer through the API.
    let inactive = mock.record_id(Resource::Customers, 4);
    let st = servicetitan::ServiceTitan::builder()
        .api_base_url(mock.base_url())
        .auth_url(mock.auth_url())
        .client_id(mock.client_id())
        .client_secret(mock.client_secret())
        .app_key(mock.app_key())
        .tenant(mock.tenant_id())
        .build()
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let url = format!(
            "{}/crm/v2/tenant/{}/customers/{inactive}",
            mock.base_url(),
            mock.tenant_id()
        );
        let request = st
            .runtime()
            .http()
            .patch(url)
            .header("content-type", "application/json")
            .body(r#"{"active":false}"#)
            .build()
            .unwrap();
        st.runtime().send(request, "update_customer").await.unwrap();
    });
    let listed = |extra: &[&str]| -> Vec<(i64, bool)> {
        let out = cli(&mock, &[&["list", "crm", "customers"][..], extra].concat());
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (v["id"].as_i64().unwrap(), v["active"].as_bool().unwrap())
            })
            .collect()
    };
    let all = listed(&[]);
    assert_eq!(all.len(), 30);
    assert!(all.contains(&(inactive, false)));
    assert_eq!(listed(&["--active", "true"]).len(), 29);
    assert_eq!(listed(&["--active", "false"]), vec![(inactive, false)]);
}

#[test]
fn verbose_prints_one_line_per_request_and_vv_adds_sizes_and_timings() {
    let mock = mock_with(30, 100);
    let tenant = mock.tenant_id();
    let prefix = format!("GET /jpm/v2/tenant/{tenant}/jobs?");
    let request_lines = |out: &Output| -> Vec<String> {
        assert!(out.status.success(), "{}", stderr(out));
        stderr(out)
            .lines()
            .filter(|l| l.starts_with(&prefix))
            .map(str::to_string)
            .collect()
    };
    let args = ["list", "jpm", "jobs", "--page-size", "7", "--limit", "20"];
    let v = request_lines(&cli(&mock, &[&["-v"][..], &args].concat()));
    assert_eq!(v.len(), 3, "{v:#?}");
    for (page, line) in v.iter().enumerate() {
        assert!(line.contains(&format!("page={}", page + 1)), "{line}");
        assert!(line.contains("-> 200 (attempt 1, waited "), "{line}");
        assert!(!line.contains("bytes"), "{line}");
    }
    let vv = request_lines(&cli(&mock, &[&["-vv"][..], &args].concat()));
    assert_eq!(vv.len(), 3, "{vv:#?}");
    for line in &vv {
        assert!(
            line.contains(" bytes, ") && line.ends_with(" ms)"),
            "{line}"
        );
    }
    // Without -v or RUST_LOG, stderr stays quiet.
    let quiet = cli(&mock, &args);
    assert!(quiet.status.success());
    assert_eq!(stderr(&quiet), "");
}

#[test]
fn a_trace_level_export_logs_no_secret_and_no_token() {
    let mock = mock_with(300, 100);
    // Every token of this mock starts with `mock.<nonce>.`.
    let issued = mock.issue_token();
    let token_prefix = issued.rsplit_once('.').unwrap().0.to_string();
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("jobs.ndjson");
    let out = cli_env(
        &mock,
        &[("RUST_LOG", "trace")],
        &[
            "-vv",
            "export",
            "jpm",
            "jobs",
            "--output",
            out_file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    // The run did log: the runtime's spans and the request lines.
    assert!(err.contains("export_jobs"), "{err}");
    assert!(err.contains("TRACE"), "{err}");
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("GET /jpm/v2/tenant/"))
            .count(),
        3,
        "{err}"
    );
    assert!(
        mock.tokens_issued() >= 2,
        "the CLI fetched a token of its own"
    );
    for secret in [
        mock.client_secret(),
        mock.app_key(),
        &token_prefix,
        "Bearer ",
    ] {
        assert!(!err.contains(secret), "{secret:?} in the log:\n{err}");
    }
}

#[test]
fn a_tenant_id_that_is_no_positive_integer_exits_2_before_any_request() {
    let mock = mock_with(10, 10);
    for bad in ["..", ".", "abc", "0", "-5", "12/../3"] {
        let out = cli_env(&mock, &[("ST_TENANT_ID", bad)], &["export", "jpm", "jobs"]);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("tenant"), "{}", stderr(&out));
        let out = cli(&mock, &["--tenant", bad, "list", "jpm", "jobs"]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "--tenant {bad:?}: {}",
            stderr(&out)
        );
    }
    assert_eq!(mock.tokens_issued(), 0);
    assert_eq!(mock.requests_served(), 0);
    // --tenant overrides ST_TENANT_ID: the mock's tenant works, another one is not found.
    let own = mock.tenant_id().to_string();
    let out = cli_env(
        &mock,
        &[("ST_TENANT_ID", "42")],
        &["--tenant", &own, "list", "jpm", "jobs", "--limit", "1"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = cli(&mock, &["--tenant", "42", "list", "jpm", "jobs"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("404"), "{}", stderr(&out));
}

#[test]
fn ids_that_could_change_the_path_exit_2_before_any_request() {
    let mock = mock_with(10, 10);
    for (resource, bad) in [
        (&["jpm", "jobs"][..], ".."),
        (&["jpm", "jobs"][..], "."),
        (&["jpm", "jobs"][..], ""),
        (&["jpm", "jobs"][..], "1/../2"),
        (&["jpm", "jobs"][..], "%2e%2e"),
        (&["jpm", "jobs"][..], "abc"),
        // A text id (a GUID): only the values that name another path are refused here.
        (&["crm", "contacts"][..], ".."),
        (&["crm", "contacts"][..], "."),
        (&["crm", "contacts"][..], ""),
    ] {
        let out = cli(&mock, &[&["get"][..], resource, &[bad]].concat());
        assert_eq!(
            out.status.code(),
            Some(2),
            "{resource:?} {bad:?}: {}",
            stderr(&out)
        );
    }
    assert_eq!(mock.requests_served(), 0);
    // A good id still works.
    let id = mock.record_id(Resource::Jobs, 0).to_string();
    let out = cli(&mock, &["get", "jpm", "jobs", &id]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_list_whose_pages_repeat_stops_with_a_paging_error_naming_operation_and_page() {
    let mock = MockTenant::builder()
        .jobs(100)
        .ignore_page(true)
        .start_on_thread()
        .expect("mock starts");
    let out = cli(&mock, &["list", "jpm", "jobs", "--page-size", "10"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("list_jobs") && err.contains("page 2"), "{err}");
    // What was read before the repeat is written, nothing after it.
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 10);
}
