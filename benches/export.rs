//! Export figures for BENCHMARKS.md, side by side in one run:
//!
//! 1. Throughput against the mock tenant at its 60 requests/s limit: a typed export stream of
//!    small pages for ~10 s; requests/s reached, 429s the server sent, errors surfaced.
//! 2. The `servicetitan` CLI exporting 100,000 jobs end to end from a mock in this process:
//!    records/s and the CLI's peak RSS. Build it first: `cargo build --release -p servicetitan-cli`.
//!
//! Run: `cargo bench --bench export`.

use std::time::Instant;

use futures::TryStreamExt;
use servicetitan::paging::ExportRequestExt;
use servicetitan::ServiceTitan;
use servicetitan_mock::MockTenant;

fn connect(mock: &MockTenant) -> ServiceTitan {
    ServiceTitan::builder()
        .api_base_url(mock.base_url())
        .auth_url(mock.auth_url())
        .client_id(mock.client_id())
        .client_secret(mock.client_secret())
        .app_key(mock.app_key())
        .tenant(mock.tenant_id())
        .build()
        .expect("valid configuration")
}

async fn throughput_at_the_limit() {
    // 600 pages of 50 jobs: ten seconds at 60 requests/s.
    let pages = 600;
    let mock = MockTenant::builder()
        .jobs(50 * pages)
        .export_page_size(50)
        .rate_limit(60)
        .start()
        .await;
    let st = connect(&mock);
    let before = mock.requests_served();
    let started = Instant::now();
    let jpm = st.jpm();
    let result: Result<Vec<_>, _> = jpm
        .export_jobs()
        .stream_export_items(None)
        .try_collect()
        .await;
    let elapsed = started.elapsed().as_secs_f64();
    let (records, errors) = match &result {
        Ok(items) => (items.len(), 0),
        Err(e) => {
            eprintln!("surfaced error: {e}");
            (0, 1)
        }
    };
    let requests = mock.requests_served() - before;
    let rate = requests as f64 / elapsed;
    println!(
        "export at the limit: {records} records, {requests} requests in {elapsed:.2} s = {rate:.2} req/s \
         ({:.1}% of 60/s); 429s sent by the server: {}; errors surfaced: {errors}",
        100.0 * rate / 60.0,
        mock.rate_limited_count()
    );
}

fn cli_export_100k() {
    let binary =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/servicetitan");
    if !binary.exists() {
        println!(
            "cli export: skipped, build it first with `cargo build --release -p servicetitan-cli`"
        );
        return;
    }
    let mock = MockTenant::builder()
        .jobs(100_000)
        .start_on_thread()
        .expect("mock starts");
    let out = std::env::temp_dir().join(format!("bench-jobs-{}.ndjson", std::process::id()));
    let started = Instant::now();
    let run = std::process::Command::new(&binary)
        .args(["export", "jpm", "jobs", "--output"])
        .arg(&out)
        .envs(mock.env_vars())
        .output()
        .expect("the CLI runs");
    let elapsed = started.elapsed().as_secs_f64();
    let lines = std::fs::read_to_string(&out)
        .map(|t| t.lines().count())
        .unwrap_or(0);
    let _ = std::fs::remove_file(&out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    let rss = stderr
        .split("peak RSS ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or("?");
    println!(
        "cli export: {lines} jobs in {elapsed:.2} s wall = {:.0} records/s; CLI peak RSS {rss} MiB; exit {}",
        lines as f64 / elapsed,
        run.status
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(throughput_at_the_limit());
    cli_export_100k();
}
