//! `servicetitan tap` (`tap-servicetitan`) as Singer tools run it: `--about`, `--discover`,
//! a catalog selecting streams, a run stopped early and continued from its last STATE; and,
//! when `ST_SINGER_TARGET` names a Singer target (CI installs `target-jsonl` from PyPI), the
//! tap's output loaded by it.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

use servicetitan_mock::MockTenant;

use super::{command, stderr};

fn mock() -> MockTenant {
    MockTenant::builder()
        .count_all(90)
        .export_page_size(25)
        .start_on_thread()
        .expect("mock starts")
}

/// The tap's settings for `mock`, in the Meltano tap's names.
fn config(mock: &MockTenant, dir: &Path) -> String {
    let path = dir.join("config.json");
    let config = serde_json::json!({
        "client_id": mock.client_id(),
        "client_secret": mock.client_secret(),
        "st_app_key": mock.app_key(),
        "tenant_id": mock.tenant_id().to_string(),
        "api_url": mock.base_url(),
        "auth_url": mock.auth_url(),
    });
    std::fs::write(&path, config.to_string()).unwrap();
    path.to_str().unwrap().to_string()
}

/// A catalog selecting `streams` (Singer names), from the tap's own discovery.
fn catalog(dir: &Path, streams: &[&str]) -> String {
    let out = command().args(["tap", "--discover"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut catalog: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for entry in catalog["streams"].as_array_mut().unwrap() {
        let name = entry["tap_stream_id"].as_str().unwrap().to_string();
        entry["metadata"][0]["metadata"]["selected"] = streams.contains(&name.as_str()).into();
    }
    let path = dir.join("catalog.json");
    std::fs::write(&path, catalog.to_string()).unwrap();
    path.to_str().unwrap().to_string()
}

/// Runs the tap; returns its messages.
fn tap(args: &[&str]) -> Vec<serde_json::Value> {
    let out = command().arg("tap").args(args).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is a JSON message"))
        .collect()
}

/// The ids of each stream's RECORD messages, with how often each came.
fn records(messages: &[serde_json::Value]) -> HashMap<String, HashMap<i64, usize>> {
    let mut seen: HashMap<String, HashMap<i64, usize>> = HashMap::new();
    for m in messages.iter().filter(|m| m["type"] == "RECORD") {
        let id = m["record"]["id"].as_i64().unwrap();
        *seen
            .entry(m["stream"].as_str().unwrap().to_string())
            .or_default()
            .entry(id)
            .or_default() += 1;
    }
    seen
}

#[test]
fn about_and_discover_describe_the_tap() {
    let out = command().args(["tap", "--about"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let about: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let caps = about["capabilities"].as_array().unwrap();
    for cap in ["catalog", "discover", "state"] {
        assert!(caps.iter().any(|c| c == cap), "{cap}");
    }
    let out = command().args(["tap", "--discover"]).output().unwrap();
    let catalog: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let jobs = catalog["streams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["tap_stream_id"] == "jobs")
        .unwrap();
    assert_eq!(jobs["key_properties"], serde_json::json!(["id"]));
    assert_eq!(
        jobs["schema"]["properties"]["id"]["type"],
        serde_json::json!(["null", "integer"])
    );
}

#[test]
fn a_run_stopped_early_continues_from_its_last_state_with_every_record_once() {
    let mock = mock();
    let dir = tempfile::tempdir().unwrap();
    let config = config(&mock, dir.path());
    let catalog = catalog(dir.path(), &["jobs", "customers"]);

    let first = tap(&[
        "--config",
        &config,
        "--catalog",
        &catalog,
        "--max-batches",
        "1",
    ]);
    // A SCHEMA before the stream's first RECORD, a STATE after every batch.
    for stream in ["jobs", "customers"] {
        let schema = first
            .iter()
            .position(|m| m["type"] == "SCHEMA" && m["stream"] == stream)
            .unwrap();
        let record = first
            .iter()
            .position(|m| m["type"] == "RECORD" && m["stream"] == stream)
            .unwrap();
        assert!(schema < record, "{stream}");
    }
    let last_state = first.iter().rev().find(|m| m["type"] == "STATE").unwrap();
    assert_eq!(first.last().unwrap()["type"], "STATE");
    let state_file = dir.path().join("state.json");
    std::fs::write(&state_file, last_state["value"].to_string()).unwrap();

    let second = tap(&[
        "--config",
        &config,
        "--catalog",
        &catalog,
        "--state",
        state_file.to_str().unwrap(),
    ]);
    let mut all = first.clone();
    all.extend(second);
    let seen = records(&all);
    assert_eq!(seen.len(), 2, "{:?}", seen.keys());
    for (stream, ids) in seen {
        assert_eq!(ids.len(), 90, "{stream}");
        assert!(ids.values().all(|n| *n == 1), "{stream} has a duplicate");
    }
}

/// The tap's output through a real Singer target, when one is installed.
#[test]
fn a_singer_target_loads_every_record_once() {
    let Ok(target) = std::env::var("ST_SINGER_TARGET") else {
        assert!(
            std::env::var_os("ST_REQUIRE_SINGER_TARGET").is_none(),
            "ST_REQUIRE_SINGER_TARGET is set but ST_SINGER_TARGET is not"
        );
        eprintln!(
            "skipped: no Singer target; python3 -m venv v && v/bin/pip install target-jsonl, \
             then ST_SINGER_TARGET=v/bin/target-jsonl"
        );
        return;
    };
    let mock = mock();
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let target_config = dir.path().join("target.json");
    std::fs::write(
        &target_config,
        serde_json::json!({"destination_path": out_dir.to_str().unwrap()}).to_string(),
    )
    .unwrap();
    let config = config(&mock, dir.path());
    let catalog = catalog(dir.path(), &["jobs", "customers", "technicians"]);
    let state_file = dir.path().join("state.json");
    // Two runs: the first stops after a batch per stream, the second continues from the
    // state the target confirmed.
    for run in 0..2 {
        let mut args = vec!["--config", config.as_str(), "--catalog", catalog.as_str()];
        if run == 0 {
            args.extend(["--max-batches", "1"]);
        } else {
            args.extend(["--state", state_file.to_str().unwrap()]);
        }
        let mut tap = command()
            .arg("tap")
            .args(&args)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let loaded = Command::new(&target)
            .args(["--config", target_config.to_str().unwrap()])
            .stdin(tap.stdout.take().unwrap())
            .output()
            .unwrap();
        assert!(tap.wait().unwrap().success(), "the tap failed");
        assert!(
            loaded.status.success(),
            "{}",
            String::from_utf8_lossy(&loaded.stderr)
        );
        // A target prints each state it has safely written; the last one is the next start.
        let last = String::from_utf8(loaded.stdout)
            .unwrap()
            .lines()
            .last()
            .map(str::to_string)
            .expect("the target confirmed a state");
        std::fs::write(&state_file, last).unwrap();
    }
    let mut seen: HashMap<String, HashMap<i64, usize>> = HashMap::new();
    for entry in std::fs::read_dir(&out_dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let stream = name.split('-').next().unwrap().to_string();
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            *seen
                .entry(stream.clone())
                .or_default()
                .entry(v["id"].as_i64().unwrap())
                .or_default() += 1;
        }
    }
    assert_eq!(seen.len(), 3, "{:?}", seen.keys());
    for (stream, ids) in seen {
        assert_eq!(ids.len(), 90, "{stream}");
        assert!(ids.values().all(|n| *n == 1), "{stream} has a duplicate");
    }
}

#[test]
fn the_tap_runs_against_the_embedded_mock_without_a_config() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog(dir.path(), &["technicians"]);
    let out = command()
        .args([
            "--mock",
            "--mock-records",
            "40",
            "tap",
            "--catalog",
            &catalog,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let messages: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let seen = records(&messages);
    assert_eq!(seen["technicians"].len(), 40);

    let out = command()
        .args(["tap", "--catalog", &catalog])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--config"), "{}", stderr(&out));
}

#[test]
fn the_tap_servicetitan_binary_is_the_tap() {
    let out = Command::new(env!("CARGO_BIN_EXE_tap-servicetitan"))
        .arg("--about")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let about: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(about["name"], "tap-servicetitan");
}
