//! The `servicetitan` binary against a mock tenant it reaches through the ST_* variables.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use servicetitan_mock::MockTenant;

fn cli(mock: &MockTenant, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_servicetitan"));
    cmd.args(args).arg("--quiet");
    for (k, v) in mock.env_vars() {
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
