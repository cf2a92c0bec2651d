//! `servicetitan sync` as a user runs it: the catalog, a run killed mid-stream and run again,
//! the JSON summary; and output piped into a program that stops reading.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use servicetitan_mock::MockTenant;

use super::{cli, command, command_for, stderr};

fn slow_mock(jobs: u64) -> MockTenant {
    MockTenant::builder()
        .count_all(jobs)
        .export_page_size(50)
        .latency(Duration::from_millis(40))
        .start_on_thread()
        .expect("mock starts")
}

fn ids_in(file: &Path) -> HashMap<i64, usize> {
    let mut ids = HashMap::new();
    for line in std::fs::read_to_string(file).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        *ids.entry(v["id"].as_i64().unwrap()).or_insert(0) += 1;
    }
    ids
}

#[test]
fn list_streams_needs_no_tenant() {
    let out = command()
        .args(["sync", "--list-streams"])
        .env_remove("ST_CLIENT_ID")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().count() > 150, "{text}");
    let jobs = text.lines().find(|l| l.starts_with("jpm.jobs ")).unwrap();
    assert!(
        jobs.contains("export") && jobs.contains("from (token)"),
        "{jobs}"
    );
    let list = text
        .lines()
        .find(|l| l.starts_with("jpm.jobs.list "))
        .unwrap();
    assert!(list.contains("modifiedOnOrAfter"), "{list}");
}

/// Kills the sync once its state says some batches are committed, then runs it again: every
/// record once, for files and for SQLite.
#[test]
fn a_killed_sync_resumes_with_no_loss_and_no_duplicate() {
    let mock = slow_mock(2000);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = dir.path().join("st.db");
    let streams = "jpm.jobs,crm.customers.list";
    for (to, committed) in [
        (data.to_str().unwrap().to_string(), data.join("state.json")),
        (
            format!("sqlite:{}", db.display()),
            dir.path().join("st.db-wal"),
        ),
    ] {
        let mut cmd = command_for(&mock);
        cmd.args([
            "sync",
            "--to",
            &to,
            "--streams",
            streams,
            "--page-size",
            "50",
            "--quiet",
        ]);
        let mut child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while !committed.exists() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "nothing committed"
            );
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(150));
        let killed = child.try_wait().unwrap().is_none();
        let _ = child.kill();
        let _ = child.wait();
        // On a very slow machine the first run may finish first; the rerun must then add nothing.
        eprintln!("{to}: killed mid-run: {killed}");
        let out = cli(
            &mock,
            &[
                "sync",
                "--to",
                &to,
                "--streams",
                streams,
                "--page-size",
                "50",
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    for stream in ["jpm.jobs", "crm.customers.list"] {
        let ids = ids_in(&data.join(format!("{stream}.ndjson")));
        assert_eq!(ids.len(), 2000, "{stream}");
        assert!(ids.values().all(|n| *n == 1), "{stream} has a duplicate");
    }
    let db = rusqlite::Connection::open(&db).unwrap();
    for table in ["jpm_jobs", "crm_customers_list"] {
        let n: i64 = db
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2000, "{table}");
    }
}

#[test]
fn the_json_summary_names_each_stream_and_a_failure_sets_the_exit_code() {
    let mock = slow_mock(20);
    let dir = tempfile::tempdir().unwrap();
    let to = format!("sqlite:{}", dir.path().join("st.db").display());
    let out = cli(
        &mock,
        &["sync", "--to", &to, "--streams", "jpm.jobs,crm.*", "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let streams = summary["streams"].as_array().unwrap();
    assert!(streams.len() > 3);
    let jobs = streams.iter().find(|s| s["stream"] == "jpm.jobs").unwrap();
    assert_eq!(jobs["status"], "complete");
    assert_eq!(jobs["records"], 20);

    let out = cli(&mock, &["sync", "--to", &to, "--streams", "jpm.nothing"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("jpm.nothing"), "{}", stderr(&out));
}

#[test]
fn output_piped_into_a_reader_that_stops_ends_quietly() {
    let mock = slow_mock(3000);
    let mut cmd = command_for(&mock);
    cmd.args(["list", "jpm", "jobs", "--page-size", "500"]);
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with('{'), "{first}");
    // The reader is gone (like `| head -1`); the command must notice and stop quietly.
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
}

#[test]
fn several_tenants_sync_in_one_run_each_into_its_own_directory() {
    let mock = MockTenant::builder()
        .tenants([1001, 1002])
        .count_all(30)
        .start_on_thread()
        .expect("mock starts");
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().to_str().unwrap();
    let out = cli(
        &mock,
        &[
            "sync",
            "--to",
            to,
            "--streams",
            "jpm.jobs",
            "--tenants",
            "1001,1002",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    for tenant in ["1001", "1002"] {
        let ids = ids_in(&dir.path().join(tenant).join("jpm.jobs.ndjson"));
        assert_eq!(ids.len(), 30, "{tenant}");
    }
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = summary["streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stream"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["1001/jpm.jobs", "1002/jpm.jobs"]);

    let db = format!("sqlite:{}", dir.path().join("st.db").display());
    let out = cli(&mock, &["sync", "--to", &db, "--tenants", "1001,1002"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
