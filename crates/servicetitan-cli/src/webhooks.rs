//! `servicetitan webhooks`: receive ServiceTitan's webhook deliveries (`listen`), check a
//! captured one (`verify`), and post a signed test event (`send`).
//!
//! The HMAC key comes from the environment (`ST_WEBHOOK_HMAC_KEY` unless `--key-env` names
//! another variable), never from the command line, where it would land in shell history and
//! process listings.
//!
//! `listen --sync TARGET` lets the events drive `servicetitan-sync`: the webhooks crate's
//! [`EventSync`] reads the journal, coalesces and checkpoints; this file only plugs the sync
//! engine in ([`SyncRunner`]) and prints a line per run.

use std::collections::HashMap;
use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::Subcommand;
use servicetitan::{Error, ServiceTitan};
use servicetitan_sync::dest::{Shared, Target};
use servicetitan_sync::{StreamDef, StreamOutcome, SyncOptions};
use servicetitan_webhooks::{
    table_streams, Encoding, Event, EventSync, Journal, Receiver, Shutdown, StreamSync, SyncFuture,
    SyncObserver, Trigger, Verifier, DEFAULT_MAX_BODY, DEFAULT_SIGNATURE_HEADER,
};

/// The variable the key is read from unless told otherwise.
pub const KEY_ENV: &str = "ST_WEBHOOK_HMAC_KEY";

/// The `webhooks` subcommands.
#[derive(Subcommand)]
pub enum WebhooksCommand {
    /// Receive deliveries: check the signature, store each new event durably, answer 200.
    Listen {
        /// Address to listen on (put a TLS proxy in front for the internet).
        #[arg(long, default_value = "127.0.0.1:8088")]
        addr: SocketAddr,
        /// Journal file: one NDJSON line per new event, fsynced before the 200; redeliveries
        /// are recognized across restarts. Without it, events are printed on stdout.
        #[arg(long, value_name = "FILE")]
        to: Option<PathBuf>,
        /// The header that carries the signature.
        #[arg(long, default_value = DEFAULT_SIGNATURE_HEADER)]
        header: String,
        /// Variable holding the HMAC key.
        #[arg(long, default_value = KEY_ENV, value_name = "VAR")]
        key_env: String,
        /// Accept unsigned deliveries (an app without an HMAC key); the key variable must be unset.
        #[arg(long)]
        unsigned: bool,
        /// Largest body accepted, in bytes (larger ones answer 413).
        #[arg(long, default_value_t = DEFAULT_MAX_BODY, value_name = "BYTES")]
        max_body: usize,
        /// Stop after this many new events (with --sync: once their syncs have run).
        #[arg(long, value_name = "N")]
        max_events: Option<u64>,
        /// Keep a copy current from the events: each event's stream (jpm.jobs for job
        /// events, ...) runs its incremental sync into this destination (sqlite:PATH, a
        /// directory or postgres://…, as `servicetitan sync --to`). Needs --to (the journal
        /// the syncs read).
        #[arg(long, value_name = "TARGET", requires = "to")]
        sync: Option<String>,
        /// With --sync: also run every stream of the event table incrementally this often
        /// (15m, 1h, 1d), to catch changes whose events were missed. A catch-up, not a
        /// whole re-read.
        #[arg(long, value_name = "DURATION", requires = "sync", value_parser = parse_every)]
        reconcile_every: Option<Duration>,
        /// With --sync: a stream's run reads it whole (marking vanished records deleted) when
        /// its last whole read is older than this many days.
        #[arg(long, value_name = "DAYS", requires = "sync")]
        reconcile_every_days: Option<u64>,
        /// With --sync: where the syncs' journal position is kept (default: the journal's
        /// path + `.sync-checkpoint`).
        #[arg(long, value_name = "FILE", requires = "sync")]
        checkpoint: Option<PathBuf>,
    },
    /// Check a captured delivery's signature: the body on stdin, the signature from
    /// --signature or a file of headers.
    Verify {
        /// Variable holding the HMAC key.
        #[arg(long, default_value = KEY_ENV, value_name = "VAR")]
        key_env: String,
        /// The signature as received (hex or base64, `sha256=` prefix allowed).
        #[arg(long, conflicts_with = "header_file")]
        signature: Option<String>,
        /// A file of `Name: value` header lines (as `curl -D` or a request log writes them).
        #[arg(long, value_name = "FILE")]
        header_file: Option<PathBuf>,
        /// The header that carries the signature (in --header-file).
        #[arg(long, default_value = DEFAULT_SIGNATURE_HEADER)]
        header: String,
    },
    /// Sign a JSON file with the key and POST it, as ServiceTitan would.
    Send {
        /// The listener's URL.
        url: String,
        /// The event body to send (sent byte for byte).
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        /// Variable holding the HMAC key.
        #[arg(long, default_value = KEY_ENV, value_name = "VAR")]
        key_env: String,
        /// The header to put the signature in.
        #[arg(long, default_value = DEFAULT_SIGNATURE_HEADER)]
        header: String,
        /// How to write the signature.
        #[arg(long, value_enum, default_value_t = SigEncoding::Hex)]
        encoding: SigEncoding,
        /// Send without a signature.
        #[arg(long)]
        unsigned: bool,
    },
}

/// How `send` writes the signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SigEncoding {
    /// Lowercase hex.
    Hex,
    /// Standard base64, padded.
    Base64,
    /// URL-safe base64, unpadded.
    Base64url,
}

impl From<SigEncoding> for Encoding {
    fn from(e: SigEncoding) -> Encoding {
        match e {
            SigEncoding::Hex => Encoding::Hex,
            SigEncoding::Base64 => Encoding::Base64,
            SigEncoding::Base64url => Encoding::Base64Url,
        }
    }
}

impl WebhooksCommand {
    /// Whether the command calls the API (`listen --sync`), so it needs a tenant.
    pub fn needs_tenant(&self) -> bool {
        matches!(self, WebhooksCommand::Listen { sync: Some(_), .. })
    }
}

/// Runs a `webhooks` subcommand; `st` is the tenant when [`WebhooksCommand::needs_tenant`].
pub async fn run(
    command: WebhooksCommand,
    st: Option<ServiceTitan>,
    quiet: bool,
) -> Result<(), Error> {
    match command {
        WebhooksCommand::Listen {
            addr,
            to,
            header,
            key_env,
            unsigned,
            max_body,
            max_events,
            sync,
            reconcile_every,
            reconcile_every_days,
            checkpoint,
        } => {
            let verifier = match (key(&key_env)?, unsigned) {
                (Some(k), false) => Some(verifier(k, &key_env, &header)?),
                (None, true) => None,
                (None, false) => {
                    return Err(Error::Config(format!(
                        "{key_env} is not set: set it to the app's HMAC key from the developer \
                         portal, or pass --unsigned if the app has none"
                    )))
                }
                (Some(_), true) => {
                    return Err(Error::Config(format!(
                        "--unsigned, but {key_env} is set: drop one of them"
                    )))
                }
            };
            let sync = match (sync, &to, st) {
                (Some(target), Some(journal), Some(st)) => Some(SyncPlan {
                    st,
                    target: crate::sync::target(&target)?,
                    checkpoint: checkpoint.unwrap_or_else(|| {
                        let mut p = journal.clone().into_os_string();
                        p.push(".sync-checkpoint");
                        PathBuf::from(p)
                    }),
                    catch_up_every: reconcile_every,
                    options: SyncOptions::default()
                        .reconcile_every(crate::days(reconcile_every_days)),
                }),
                (Some(_), _, _) => {
                    return Err(Error::Config("--sync needs --to FILE and a tenant".into()))
                }
                (None, _, _) => None,
            };
            listen(addr, to, verifier, max_body, max_events, sync, quiet).await
        }
        WebhooksCommand::Verify {
            key_env,
            signature,
            header_file,
            header,
        } => {
            let key =
                key(&key_env)?.ok_or_else(|| Error::Config(format!("{key_env} is not set")))?;
            let verifier = verifier(key, &key_env, &header)?;
            let signature = match (signature, header_file) {
                (Some(s), _) => s,
                (None, Some(file)) => header_from_file(&file, &header)?,
                (None, None) => {
                    return Err(Error::Config(
                        "give the signature with --signature or --header-file".into(),
                    ))
                }
            };
            let mut body = Vec::new();
            std::io::stdin().read_to_end(&mut body)?;
            let encoding = verifier
                .verify_signature(&signature, &body)
                .map_err(|e| Error::Other(e.to_string()))?;
            println!(
                "signature ok ({encoding}, {} byte body){}",
                body.len(),
                describe(&body)
            );
            Ok(())
        }
        WebhooksCommand::Send {
            url,
            file,
            key_env,
            header,
            encoding,
            unsigned,
        } => {
            let body = std::fs::read(&file)
                .map_err(|e| Error::Config(format!("{}: {e}", file.display())))?;
            let signature = if unsigned {
                None
            } else {
                let key = key(&key_env)?.ok_or_else(|| {
                    Error::Config(format!("{key_env} is not set (or pass --unsigned)"))
                })?;
                Some(verifier(key, &key_env, &header)?.sign(&body, encoding.into()))
            };
            send(&url, &header, signature, body, quiet).await
        }
    }
}

/// The key from `var`: `None` when unset, an error when not valid Unicode.
fn key(var: &str) -> Result<Option<String>, Error> {
    match std::env::var(var) {
        Ok(k) => Ok(Some(k)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Error::Config(format!("{var} is not valid Unicode")))
        }
    }
}

fn verifier(key: String, var: &str, header: &str) -> Result<Verifier, Error> {
    Verifier::new(key)
        .map_err(|e| Error::Config(format!("{var}: {e}")))?
        .with_header(header)
        .map_err(|e| Error::Config(format!("--header: {e}")))
}

/// The value of `header` in a file of `Name: value` lines (the first, case-insensitively).
fn header_from_file(file: &Path, header: &str) -> Result<String, Error> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Error::Config(format!("{}: {e}", file.display())))?;
    text.lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case(header.trim()))
        .map(|(_, value)| value.trim().to_string())
        .ok_or_else(|| {
            Error::Other(format!(
                "missing signature: {} has no {header} header",
                file.display()
            ))
        })
}

/// `; event Job.Created, id e-1, stream jpm.jobs` for a JSON body.
fn describe(body: &[u8]) -> String {
    match Event::parse(body) {
        Ok(e) => {
            let mut parts = Vec::new();
            if let Some(t) = e.event_type() {
                parts.push(format!("event {t}"));
            }
            if let Some(id) = e.event_id() {
                parts.push(format!("id {id}"));
            }
            if let Some(s) = e.stream() {
                parts.push(format!("stream {s}"));
            }
            parts.push(format!("dedup key {}", e.dedup_key()));
            format!("; {}", parts.join(", "))
        }
        Err(e) => format!("; but {e}"),
    }
}

/// What `listen --sync` needs.
struct SyncPlan {
    st: ServiceTitan,
    target: Target,
    checkpoint: PathBuf,
    catch_up_every: Option<Duration>,
    options: SyncOptions,
}

async fn listen(
    addr: SocketAddr,
    to: Option<PathBuf>,
    verifier: Option<Verifier>,
    max_body: usize,
    max_events: Option<u64>,
    sync: Option<SyncPlan>,
    quiet: bool,
) -> Result<(), Error> {
    let journal = match &to {
        Some(path) => Journal::open(path).map_err(|e| Error::Other(e.to_string()))?,
        None => Journal::to_writer(std::io::stdout()),
    };
    if let Some(r) = journal.recovered() {
        eprintln!(
            "journal: cut off {} bytes of an interrupted write (never acknowledged; the \
             sender retries it)",
            r.truncated_bytes
        );
    }
    let signed = verifier.is_some();
    let mut receiver = Receiver::new(journal).max_body(max_body);
    if let Some(v) = verifier {
        receiver = receiver.verifier(v);
    }
    // The event-driven sync: reads the journal behind its own checkpoint, woken by each store.
    // Set when the event sync ends by itself (a journal or checkpoint error): the listener
    // stops too, rather than acknowledging events nothing syncs.
    let (died_tx, died) = tokio::sync::oneshot::channel::<()>();
    let (driver_stop, driving) = match (&sync, &to) {
        (Some(plan), Some(journal)) => {
            let driver = EventSync::open(journal, &plan.checkpoint, SyncRunner::new(plan)?)
                .map_err(|e| Error::Other(e.to_string()))?
                .wake_on(receiver.stored_signal())
                .catch_up_every(plan.catch_up_every)
                .observer(RunLines { quiet });
            let (tx, rx) = tokio::sync::oneshot::channel();
            let task = tokio::spawn(async move {
                let result = driver
                    .run(async move { rx.await.unwrap_or(Shutdown::Interrupt) })
                    .await;
                let _ = died_tx.send(());
                result
            });
            (Some(tx), Some(task))
        }
        _ => (None, None),
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Other(format!("cannot listen on {addr}: {e}")))?;
    let local = listener.local_addr()?;
    if !quiet {
        eprintln!(
            "listening on http://{local}/ ({}, {}{}); Ctrl-C stops",
            if signed {
                "signatures checked"
            } else {
                "UNSIGNED deliveries accepted"
            },
            match &to {
                Some(p) => format!("journal {}", p.display()),
                None => "events on stdout".to_string(),
            },
            match &sync {
                Some(plan) => format!(
                    ", syncing into {}{}",
                    describe_target(&plan.target),
                    plan.catch_up_every
                        .map(|d| format!(", catch-up every {}", show_every(d)))
                        .unwrap_or_default()
                ),
                None => String::new(),
            }
        );
    }
    let watch = receiver.clone();
    // Ctrl-C interrupts the syncs in flight (a restart continues them); --max-events lets
    // them finish.
    let stop = async move {
        let enough = async {
            match max_events {
                // Checked every 20 ms; ends once the count is reached.
                Some(n) => loop {
                    if watch.stats().stored >= n {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                },
                None => std::future::pending().await,
            }
        };
        let died = async {
            if died.await.is_err() {
                // No event sync: never.
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = died => {}
            () = enough => {}
        }
    };
    servicetitan_webhooks::axum::serve(listener, receiver.router())
        .with_graceful_shutdown(stop)
        .await?;
    if !quiet {
        let s = receiver.stats();
        eprintln!(
            "stopped: {} stored, {} redeliveries, {} bad signatures, {} too large, {} not JSON, {} failed",
            s.stored, s.duplicates, s.bad_signature, s.too_large, s.not_json, s.failed
        );
    }
    if let (Some(tx), Some(task)) = (driver_stop, driving) {
        let reached = max_events.is_some_and(|n| receiver.stats().stored >= n);
        let _ = tx.send(if reached {
            Shutdown::Drain
        } else {
            Shutdown::Interrupt
        });
        let stats = task
            .await
            .map_err(|e| Error::Other(format!("the event sync stopped: {e}")))?
            .map_err(|e| Error::Other(e.to_string()))?;
        if !quiet {
            let runs: u64 = stats.runs.values().map(|r| r.started).sum();
            let failed: u64 = stats.runs.values().map(|r| r.failed).sum();
            eprintln!(
                "sync: {} events read ({} for no stream), {runs} runs ({failed} failed), {} \
                 waiting for a sync (a restart runs them)",
                stats.entries, stats.unmapped, stats.waiting
            );
        }
    }
    Ok(())
}

fn describe_target(target: &Target) -> String {
    match target {
        Target::Sqlite(p) => format!("sqlite:{}", p.display()),
        Target::Dir(p) => p.display().to_string(),
        _ => "the database".to_string(),
    }
}

/// `15m`, `1h`, `1h30m`, `90s`, `1d`: a period of at least one second.
fn parse_every(s: &str) -> Result<Duration, String> {
    let bad = || format!("expected a duration like 15m, 1h, 1h30m or 1d, got {s:?}");
    let mut total = 0u64;
    let mut number = String::new();
    let mut any = false;
    for c in s.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        let n: u64 = number.parse().map_err(|_| bad())?;
        total = total.saturating_add(n.saturating_mul(unit));
        number.clear();
        any = true;
    }
    if !number.is_empty() || !any || total == 0 {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

/// `1h30m` for 5400 s.
fn show_every(d: Duration) -> String {
    let mut secs = d.as_secs();
    let mut out = String::new();
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if secs >= size {
            out.push_str(&format!("{}{unit}", secs / size));
            secs %= size;
        }
    }
    out
}

/// Runs one stream's incremental sync with `servicetitan-sync`, into one destination shared
/// by every stream's runs (a directory's `state.json`, a SQLite connection).
struct SyncRunner {
    st: ServiceTitan,
    destination: Shared,
    streams: HashMap<&'static str, StreamDef>,
    options: SyncOptions,
}

impl SyncRunner {
    /// Opens the destination and checks that every stream of the event table is in the
    /// catalog.
    fn new(plan: &SyncPlan) -> Result<SyncRunner, Error> {
        let catalog = servicetitan_sync::catalog();
        let mut streams = HashMap::new();
        let mut missing = Vec::new();
        for name in table_streams() {
            match catalog.iter().find(|s| s.name == name) {
                Some(def) => {
                    streams.insert(name, *def);
                }
                None => missing.push(name),
            }
        }
        if !missing.is_empty() {
            return Err(Error::Config(format!(
                "the event table names streams this build's catalog lacks: {}",
                missing.join(", ")
            )));
        }
        Ok(SyncRunner {
            st: plan.st.clone(),
            destination: Shared::new(plan.target.open_for_tenant(plan.st.runtime().tenant())?),
            streams,
            options: plan.options.clone(),
        })
    }
}

impl StreamSync for SyncRunner {
    fn sync(&self, stream: &'static str, stop: tokio::sync::watch::Receiver<bool>) -> SyncFuture {
        let def = self.streams.get(stream).copied();
        let st = self.st.clone();
        let destination = self.destination.clone();
        let options = self.options.clone();
        Box::pin(async move {
            let def = def.ok_or_else(|| format!("{stream} is not in the catalog"))?;
            let summary = servicetitan_sync::run(
                st.runtime(),
                destination,
                &[def],
                &options,
                Arc::new(servicetitan_sync::Quiet),
                stop,
            )
            .await
            .map_err(|e| e.to_string())?;
            let report = summary
                .streams
                .into_iter()
                .next()
                .ok_or_else(|| format!("{stream}: the sync reported nothing"))?;
            match report.outcome {
                StreamOutcome::Complete => Ok(report.records),
                StreamOutcome::Interrupted => Err("interrupted; the next run continues".into()),
                StreamOutcome::Failed(why) => Err(why),
            }
        })
    }
}

/// A line on stderr per finished sync run and per event no stream takes (unless quiet).
struct RunLines {
    quiet: bool,
}

impl SyncObserver for RunLines {
    fn unmapped(&self, event_type: Option<&str>, key: &str) {
        if !self.quiet {
            eprintln!(
                "event {} ({key}): no stream for this type; journaled, not synced",
                event_type.unwrap_or("without a type")
            );
        }
    }

    fn started(&self, stream: &'static str, trigger: Trigger) {
        tracing::info!(stream, trigger = trigger.as_str(), "sync started");
    }

    fn finished(&self, stream: &'static str, result: &Result<u64, String>, elapsed: Duration) {
        if self.quiet {
            return;
        }
        let secs = elapsed.as_secs_f64();
        match result {
            Ok(records) => eprintln!("synced {stream}: {records} records in {secs:.1} s"),
            Err(why) => eprintln!("sync of {stream} failed after {secs:.1} s: {why}"),
        }
    }
}

async fn send(
    url: &str,
    header: &str,
    signature: Option<String>,
    body: Vec<u8>,
    quiet: bool,
) -> Result<(), Error> {
    // reqwest is built without a default crypto provider in this workspace.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| Error::Other(format!("could not build the HTTP client: {e}")))?;
    let mut request = client
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    if let Some(sig) = signature {
        request = request.header(header, sig);
    }
    let response = request
        .send()
        .await
        .map_err(|e| Error::Other(format!("POST {url}: {e}")))?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if !quiet || !status.is_success() {
        eprintln!("{} {}", status.as_u16(), text.trim_end());
    }
    if status.is_success() {
        Ok(())
    } else {
        Err(Error::Other(format!(
            "the listener answered {status}; ServiceTitan would retry this delivery"
        )))
    }
}
