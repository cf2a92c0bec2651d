//! Load on the webhook receiver over loopback: a bounded number of signed deliveries from a
//! few concurrent clients, each waiting for its 200 before sending the next. Prints events/s
//! and the latency to 200 (p50, p99, max). The journal is a real file, fsynced per batch.
//!
//! ```sh
//! cargo bench -p servicetitan-webhooks --bench load -- [--events 20000] [--clients 8] [--dir DIR]
//! ```
//!
//! Targets (issue 13): 1,000 events/s sustained, p99 under 50 ms.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use servicetitan_webhooks::{Journal, Receiver, Verifier, DEFAULT_SIGNATURE_HEADER};

const KEY: &str = "bench-key-0123456789-abcdefghijklmnopqrstuv";

struct Args {
    events: usize,
    clients: usize,
    dir: Option<PathBuf>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        events: 20_000,
        clients: 8,
        dir: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--events" => a.events = value()?.parse().map_err(|e| format!("--events: {e}"))?,
            "--clients" => a.clients = value()?.parse().map_err(|e| format!("--clients: {e}"))?,
            "--dir" => a.dir = Some(PathBuf::from(value()?)),
            // `cargo bench` passes `--bench`.
            "--bench" => {}
            other => return Err(format!("unknown option {other}")),
        }
    }
    if a.events == 0 || a.events > 1_000_000 || a.clients == 0 || a.clients > 256 {
        return Err("--events must be 1..=1000000 and --clients 1..=256".into());
    }
    Ok(a)
}

fn main() {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("load: {e}");
            std::process::exit(2);
        }
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = match &args.dir {
        Some(d) => tempfile::tempdir_in(d),
        None => tempfile::tempdir(),
    }
    .expect("a temp dir for the journal");
    let journal_path = dir.path().join("events.ndjson");

    // The receiver on a runtime of its own (2 workers: the machine's cores), as a server is.
    let (tx, rx) = std::sync::mpsc::channel::<SocketAddr>();
    let receiver = Receiver::new(Journal::open(&journal_path).expect("journal opens"))
        .verifier(Verifier::new(KEY).unwrap());
    let stats_handle = receiver.clone();
    let server = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let _ = tokio::time::timeout(Duration::from_secs(600), async {
                axum::serve(listener, receiver.router()).await
            })
            .await;
        });
    });
    let addr = rx.recv().expect("the server starts");

    // Bodies and signatures made before the clock starts.
    let verifier = Verifier::new(KEY).unwrap();
    let bodies: Vec<(String, String)> = (0..args.events)
        .map(|i| {
            let body = format!(
                r#"{{"eventId":"bench-{i}","eventType":"Job.Updated","tenantId":1000001,"occurredOn":"2026-03-01T12:00:00Z","data":{{"id":{},"jobStatus":"InProgress","total":1234.10,"summary":"{}"}}}}"#,
                100_000_000 + i,
                "x".repeat(300)
            );
            let sig = verifier.sign_hex(body.as_bytes());
            (body, sig)
        })
        .collect();
    let per_client: Vec<Vec<(String, String)>> = {
        let mut v: Vec<Vec<_>> = (0..args.clients).map(|_| Vec::new()).collect();
        for (i, b) in bodies.into_iter().enumerate() {
            v[i % args.clients].push(b);
        }
        v
    };

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (elapsed, mut latencies, failures) = rt.block_on(async move {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let url = format!("http://{addr}/webhooks");
        let start = Instant::now();
        let tasks: Vec<_> = per_client
            .into_iter()
            .map(|bodies| {
                let client = client.clone();
                let url = url.clone();
                tokio::spawn(async move {
                    let mut lat = Vec::with_capacity(bodies.len());
                    let mut failures = 0usize;
                    for (body, sig) in bodies {
                        let t = Instant::now();
                        let ok = client
                            .post(&url)
                            .header(DEFAULT_SIGNATURE_HEADER, sig)
                            .header("content-type", "application/json")
                            .body(body)
                            .send()
                            .await
                            .map(|r| r.status().as_u16() == 200)
                            .unwrap_or(false);
                        lat.push(t.elapsed());
                        if !ok {
                            failures += 1;
                        }
                    }
                    (lat, failures)
                })
            })
            .collect();
        let mut all = Vec::new();
        let mut failures = 0;
        for t in tasks {
            let (lat, f) = t.await.unwrap();
            all.extend(lat);
            failures += f;
        }
        (start.elapsed(), all, failures)
    });
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1)];
    let lines = std::fs::read_to_string(&journal_path)
        .map(|t| t.lines().count())
        .unwrap_or(0);
    let stats = stats_handle.stats();
    println!(
        "{} events, {} clients: {:.0} events/s; latency to 200 p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} failed; journal {} lines, stored {}, duplicates {}",
        args.events,
        args.clients,
        args.events as f64 / elapsed.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        failures,
        lines,
        stats.stored,
        stats.duplicates,
    );
    drop(server);
    if failures > 0 || lines != args.events {
        std::process::exit(1);
    }
}
