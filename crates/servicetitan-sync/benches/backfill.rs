//! Sync figures for BENCHMARKS.md (issue 12), side by side in one run, against the mock tenant
//! on 127.0.0.1 (its own thread):
//!
//! 1. A full backfill of every default stream (`*`) into a fresh SQLite file, 300 ms latency,
//!    60 requests/s: wall time against the physical floor (requests the run made ÷ 60/s), 429s.
//!    With the default options (nothing saved yet, so exports start first), with 8 streams at
//!    once, and with export pages of 1000 (no long chains).
//! 2. The same streams one by one (stream and page concurrency 1).
//! 3. Records/s and peak RSS per destination (directory, SQLite, PostgreSQL when
//!    `ST_TEST_DATABASE_URL` is set, Singer): `jpm.jobs`, no latency, no rate limit. Each
//!    destination runs in a child process (this binary again, `child ...`) that reports its own
//!    VmHWM; the mock stays in the parent.
//! 4. One list stream (`jpm.jobs.list`, 40 pages of 500) at 300 ms and 60/s with 1, 4, 8, 16
//!    and 32 page requests in flight.
//!
//! Run: `cargo bench -p servicetitan-sync --bench backfill` (all parts), or name parts:
//! `-- backfill sequential dest list`. `SYNC_BENCH_RECORDS` / `SYNC_BENCH_EXPORT_PAGE` change
//! the mock's size for parts 1 and 2. `SYNC_BENCH_DEBUG=1` prints, after each run of parts 1, 2 and 4, the requests
//! the mock served per half second and the streams that ended last.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use servicetitan::ServiceTitan;
use servicetitan_mock::{MockTenant, Resource};
use servicetitan_sync::dest::Target;
use servicetitan_sync::{catalog, run, select, Quiet, StreamDef, Summary, SyncOptions};

const LATENCY: Duration = Duration::from_millis(300);
const LIMIT: u32 = 60;
/// Records of every kind for parts 1 and 2, and the export page size.
const RECORDS: u64 = 2_000;
const EXPORT_PAGE: usize = 100;
/// Jobs for part 3.
const LARGE: u64 = 200_000;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Tenant<'a> {
    base_url: &'a str,
    auth_url: &'a str,
    client_id: &'a str,
    client_secret: &'a str,
    app_key: &'a str,
    tenant: i64,
}

impl<'a> Tenant<'a> {
    fn of(mock: &'a MockTenant) -> Self {
        Tenant {
            base_url: mock.base_url(),
            auth_url: mock.auth_url(),
            client_id: mock.client_id(),
            client_secret: mock.client_secret(),
            app_key: mock.app_key(),
            tenant: mock.tenant_id(),
        }
    }

    /// A fresh client (its own token and limiter); `rate` requests/s on the client side.
    fn connect(&self, rate: u32) -> ServiceTitan {
        ServiceTitan::builder()
            .api_base_url(self.base_url)
            .auth_url(self.auth_url)
            .client_id(self.client_id)
            .client_secret(self.client_secret.to_string())
            .app_key(self.app_key.to_string())
            .tenant(self.tenant)
            .rate_limit_per_second(rate)
            .build()
            .expect("valid configuration")
    }
}

/// When each stream started and ended, and its pages (SYNC_BENCH_DEBUG).
struct Timeline {
    t0: Instant,
    events: std::sync::Mutex<Vec<(String, f64, f64, u64)>>,
}

impl servicetitan_sync::Progress for Timeline {
    fn started(&self, s: &StreamDef) {
        let t = self.t0.elapsed().as_secs_f64();
        self.events
            .lock()
            .unwrap()
            .push((s.name.to_string(), t, 0.0, 0));
    }
    fn committed(&self, _: &StreamDef, _: u64, _: u64, _: Option<i64>) {}
    fn finished(&self, s: &StreamDef, r: &servicetitan_sync::StreamReport) {
        let t = self.t0.elapsed().as_secs_f64();
        let mut e = self.events.lock().unwrap();
        if let Some(x) = e.iter_mut().find(|x| x.0 == s.name) {
            x.2 = t;
            x.3 = r.pages;
        }
    }
}

async fn sync(
    st: &ServiceTitan,
    target: &Target,
    streams: &[StreamDef],
    options: &SyncOptions,
    progress: Arc<dyn servicetitan_sync::Progress>,
) -> Summary {
    let (_stop, stop) = tokio::sync::watch::channel(false);
    run(
        st.runtime(),
        target
            .open_for_tenant(st.runtime().tenant())
            .expect("destination opens"),
        streams,
        options,
        progress,
        stop,
    )
    .await
    .expect("the sync runs")
}

/// One run against a mock at the limit: what the table's row needs.
struct AtLimit {
    streams: usize,
    failed: usize,
    records: u64,
    requests: u64,
    seconds: f64,
    rate_limited: u64,
}

impl AtLimit {
    fn floor(&self) -> f64 {
        self.requests as f64 / f64::from(LIMIT)
    }
    fn share(&self) -> f64 {
        100.0 * self.floor() / self.seconds
    }

    fn row(&self, what: &str) -> String {
        format!(
            "| {what} | {} ({} failed) | {} | {} | **{:.2} s** | {:.2} s | **{:.1} %** | {} |",
            self.streams,
            self.failed,
            thousands(self.records),
            self.requests,
            self.seconds,
            self.floor(),
            self.share(),
            self.rate_limited,
        )
    }
}

fn mock_at_limit(records: u64, export_page: usize) -> MockTenant {
    MockTenant::builder()
        .count_all(records)
        .export_page_size(export_page)
        .latency(LATENCY)
        .rate_limit(LIMIT)
        .start_on_thread()
        .expect("mock starts")
}

/// Runs `streams` into a fresh SQLite file against `mock`, counting the requests it made.
async fn at_limit(mock: &MockTenant, streams: &[StreamDef], options: &SyncOptions) -> AtLimit {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = Target::Sqlite(dir.path().join("st.db"));
    let st = Tenant::of(mock).connect(LIMIT);
    let (requests0, limited0) = (mock.requests_served(), mock.rate_limited_count());
    let debug = std::env::var("SYNC_BENCH_DEBUG").is_ok();
    let timeline = Arc::new(Timeline {
        t0: Instant::now(),
        events: Default::default(),
    });
    let progress: Arc<dyn servicetitan_sync::Progress> = if debug {
        timeline.clone()
    } else {
        Arc::new(Quiet)
    };
    // Requests the mock served per half second, while the run lasts (printed with
    // SYNC_BENCH_DEBUG).
    let mut rates = String::new();
    let sampling = async {
        let mut last = mock.requests_served();
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let now = mock.requests_served();
            rates.push_str(&format!("{} ", now - last));
            last = now;
        }
    };
    let started = Instant::now();
    let summary = {
        let run = std::pin::pin!(sync(&st, &target, streams, options, progress));
        match futures::future::select(run, std::pin::pin!(sampling)).await {
            futures::future::Either::Left((summary, _)) => summary,
            futures::future::Either::Right(((), _)) => unreachable!("sampling never ends"),
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    if debug {
        eprintln!("  requests per 0.5 s: {rates}");
        let mut events = timeline.events.lock().unwrap().clone();
        events.sort_by(|a, b| b.2.total_cmp(&a.2));
        eprintln!("  the streams that ended last (started..ended, seconds):");
        for (name, from, to, pages) in events.iter().take(20) {
            eprintln!("    {name} {from:.2}..{to:.2}, {pages} pages");
        }
    }
    for failed in summary.failed() {
        eprintln!("  failed: {} {:?}", failed.stream, failed.outcome);
    }
    AtLimit {
        streams: summary.streams.len(),
        failed: summary.failed().count(),
        records: summary.records(),
        requests: mock.requests_served() - requests0,
        seconds,
        rate_limited: mock.rate_limited_count() - limited0,
    }
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

const AT_LIMIT_HEADER: &str = "| run | streams | records | requests | wall | floor (requests ÷ 60/s) | share of the limit | 429s |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";

/// Parts 1 and 2: every default stream, concurrently (default options and more streams at
/// once) and one by one.
async fn backfill(parts: &[String]) {
    let records = env_or("SYNC_BENCH_RECORDS", RECORDS);
    let export_page = env_or("SYNC_BENCH_EXPORT_PAGE", EXPORT_PAGE);
    let all = select(&catalog(), "*").expect("streams");
    println!(
        "\n## 1-2. Backfill of every default stream ({}) into SQLite: mock with {records} records of \
         every kind, export pages of {export_page}, list pages of 1000, {} ms latency, {LIMIT} requests/s\n",
        all.len(),
        LATENCY.as_millis()
    );
    println!("{AT_LIMIT_HEADER}");
    let want = |p: &str| parts.is_empty() || parts.iter().any(|x| x == p);
    if want("backfill") {
        let mock = mock_at_limit(records, export_page);
        let r = at_limit(&mock, &all, &SyncOptions::default()).await;
        println!(
            "{}",
            r.row("full backfill, default options (32 streams at once, exports first on a fresh database, 8 pages per list)")
        );
        let mock = mock_at_limit(records, export_page);
        let r = at_limit(&mock, &all, &SyncOptions::default().stream_concurrency(8)).await;
        println!(
            "{}",
            r.row("the same with 8 streams at once (the earlier default)")
        );
        // Export pages as large as the lists' (1000): no long chains.
        let mock = mock_at_limit(records, 1000);
        let r = at_limit(&mock, &all, &SyncOptions::default()).await;
        println!("{}", r.row("default options, export pages of 1000"));
    }
    if want("sequential") {
        let mock = mock_at_limit(records, export_page);
        let options = SyncOptions::default()
            .stream_concurrency(1)
            .page_concurrency(1);
        let r = at_limit(&mock, &all, &options).await;
        println!(
            "{}",
            r.row("the same streams one by one (1 stream, 1 page at a time)")
        );
    }
}

/// Part 4: one list stream, pages in flight 1..32.
async fn list_paging() {
    let jobs = 20_000;
    println!(
        "\n## 4. `jpm.jobs.list`: {jobs} jobs in pages of 500 (40 pages), {} ms latency, {LIMIT} requests/s\n",
        LATENCY.as_millis()
    );
    println!("{AT_LIMIT_HEADER}");
    for n in [1, 4, 8, 16, 32] {
        let mock = MockTenant::builder()
            .count(Resource::Jobs, jobs)
            .latency(LATENCY)
            .rate_limit(LIMIT)
            .start_on_thread()
            .expect("mock starts");
        let options = SyncOptions::default()
            .stream_concurrency(1)
            .page_concurrency(n)
            .page_size(500);
        let list = select(&catalog(), "jpm.jobs.list").expect("stream");
        let r = at_limit(&mock, &list, &options).await;
        println!("{}", r.row(&format!("{n} page request(s) in flight")));
    }
}

/// Part 3: the parent runs the mock and one child per destination.
fn destinations() {
    let large = env_or("SYNC_BENCH_LARGE", LARGE);
    let postgres = std::env::var("ST_TEST_DATABASE_URL").ok();
    println!(
        "\n## 3. Destinations: {} jobs through `jpm.jobs` (export pages of 5000), no latency, no rate limit; \
         each run in its own process\n",
        thousands(large)
    );
    println!("| destination | records | sync time | records/s | process wall | peak RSS (VmHWM) | size on disk |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mock = MockTenant::builder()
        .count(Resource::Jobs, large)
        .rate_limit(0)
        .start_on_thread()
        .expect("mock starts");
    let exe = std::env::current_exe().expect("own path");
    // Two rounds, the destinations taking turns.
    for round in 0..2 {
        for dest in ["files", "sqlite", "postgres", "singer"] {
            let dir = tempfile::tempdir().expect("temp dir");
            let target = match dest {
                "files" => dir.path().join("data").display().to_string(),
                "sqlite" => format!("sqlite:{}", dir.path().join("st.db").display()),
                // A database of its own per run, on the server the tests use.
                "postgres" => match &postgres {
                    Some(url) => fresh_database(url, round),
                    None => continue,
                },
                _ => "singer".to_string(),
            };
            let started = Instant::now();
            let out = std::process::Command::new(&exe)
                .arg("child")
                .arg(&target)
                .arg(mock.base_url())
                .arg(mock.auth_url())
                .arg(mock.client_id())
                .arg(mock.client_secret())
                .arg(mock.app_key())
                .arg(mock.tenant_id().to_string())
                .output()
                .expect("child runs");
            let wall = started.elapsed().as_secs_f64();
            let text = String::from_utf8_lossy(&out.stdout);
            if !out.status.success() {
                eprintln!(
                    "child for {dest} failed: {text} {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                continue;
            }
            let fields: Vec<&str> = text.split_whitespace().collect();
            let (records, seconds, hwm_kib): (u64, f64, u64) = (
                fields[0].parse().expect("records"),
                fields[1].parse().expect("seconds"),
                fields[2].parse().expect("kib"),
            );
            println!(
                "| {dest} (round {}) | {} | {seconds:.2} s | **{}** | {wall:.2} s | **{:.1} MiB** | {:.0} MiB |",
                round + 1,
                thousands(records),
                thousands((records as f64 / seconds) as u64),
                hwm_kib as f64 / 1024.0,
                du(dir.path()) as f64 / (1024.0 * 1024.0),
            );
        }
    }
}

/// A new database on the server `url` names, for one run.
fn fresh_database(url: &str, round: usize) -> String {
    let name = format!("st_bench_{}_{round}", std::process::id());
    let mut admin = postgres::Client::connect(url, postgres::NoTls).expect("PostgreSQL");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create database");
    let mut u = url::Url::parse(url).expect("URL");
    u.set_path(&format!("/{name}"));
    u.to_string()
}

/// Bytes of the files under `path` (bounded depth: the destinations write one level).
fn du(path: &Path) -> u64 {
    let mut total = 0;
    let mut dirs = vec![(path.to_path_buf(), 0)];
    while let Some((dir, depth)) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() && depth < 4 {
                dirs.push((entry.path(), depth + 1));
            } else {
                total += meta.len();
            }
        }
    }
    total
}

/// The child of part 3: syncs `jpm.jobs` into the destination, prints
/// `records seconds vmhwm_kib`.
fn child(args: &[String]) {
    let [target, base_url, auth_url, client_id, client_secret, app_key, tenant] = args else {
        panic!("child TARGET BASE_URL AUTH_URL CLIENT_ID SECRET APP_KEY TENANT");
    };
    let tenant = Tenant {
        base_url,
        auth_url,
        client_id,
        client_secret,
        app_key,
        tenant: tenant.parse().expect("tenant id"),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (records, seconds) = rt.block_on(async {
        // No limit on the client's side either.
        let st = tenant.connect(1_000_000);
        let started = Instant::now();
        let jobs = select(&catalog(), "jpm.jobs").expect("stream");
        let summary = if target == "singer" {
            // Singer messages written as to a pipe: every byte formatted and written.
            let sink = std::io::BufWriter::new(std::fs::File::create("/dev/null").expect("null"));
            let singer = servicetitan_sync::singer::SingerDestination::new(sink, &catalog(), None)
                .expect("singer");
            let (_stop, stop) = tokio::sync::watch::channel(false);
            run(
                st.runtime(),
                Box::new(singer),
                &jobs,
                &SyncOptions::default(),
                Arc::new(Quiet),
                stop,
            )
            .await
            .expect("the sync runs")
        } else {
            let target = Target::parse(target).expect("target");
            sync(
                &st,
                &target,
                &jobs,
                &SyncOptions::default(),
                Arc::new(Quiet),
            )
            .await
        };
        assert_eq!(summary.failed().count(), 0, "{summary:?}");
        (summary.records(), started.elapsed().as_secs_f64())
    });
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    println!("{records} {seconds:.4} {hwm_kib}");
}

fn main() {
    // `cargo bench` passes `--bench`; other words name the parts to run.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if args.first().map(String::as_str) == Some("child") {
        child(&args[1..]);
        return;
    }
    let want = |p: &str| args.is_empty() || args.iter().any(|x| x == p);
    let started = Instant::now();
    println!(
        "# servicetitan-sync backfill bench ({} cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if want("backfill") || want("sequential") {
        let parts: Vec<String> = args
            .iter()
            .filter(|a| *a == "backfill" || *a == "sequential")
            .cloned()
            .collect();
        rt.block_on(backfill(&parts));
    }
    if want("dest") {
        destinations();
    }
    if want("list") {
        rt.block_on(list_paging());
    }
    println!(
        "\n(bench wall time {:.0} s)",
        started.elapsed().as_secs_f64()
    );
}
