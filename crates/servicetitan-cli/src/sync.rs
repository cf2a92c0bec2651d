//! `servicetitan sync`: every stream of the tenant into a directory or SQLite (see the
//! `servicetitan-sync` crate), with a progress line per running stream and a summary.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use servicetitan::Error;
use servicetitan_sync::dest::Target;
use servicetitan_sync::{
    catalog, select, Progress, StreamDef, StreamOutcome, StreamReport, Summary, SyncOptions,
};

/// `servicetitan sync`'s arguments.
#[derive(Args)]
pub struct SyncArgs {
    /// Where to write: a directory (NDJSON per stream + state.json), sqlite:PATH, or
    /// postgres://… (`postgres` alone: the URL in DATABASE_URL).
    #[arg(long, default_value = "./servicetitan-data")]
    to: String,
    /// Sync several tenants in one run (comma-separated ids, same credentials), each under
    /// its own rate limit: into PostgreSQL (rows carry the tenant) or a directory per tenant.
    #[arg(long, value_name = "IDS")]
    tenants: Option<String>,
    /// Streams to sync, comma-separated names or patterns (jpm.jobs,crm.*); default all.
    #[arg(long, default_value = "*")]
    streams: String,
    /// Print the catalog of streams (name, kind, key, incremental field) and exit.
    #[arg(long)]
    list_streams: bool,
    /// Where streams without a saved position start (UTC date or date-time).
    #[arg(long)]
    since: Option<String>,
    /// Forget saved positions: read every stream from its start (or --since).
    #[arg(long)]
    full: bool,
    /// Read every stream whole and mark records that no longer appear as deleted (SQLite).
    #[arg(long)]
    reconcile: bool,
    /// Also read a stream whole (marking vanished records) when its last whole read is older
    /// than this many days.
    #[arg(long, value_name = "DAYS")]
    reconcile_every_days: Option<u64>,
    /// Streams read at once (an export reads one page at a time, so many streams keep the
    /// rate limit busy; the pacer keeps them under it).
    #[arg(long, default_value_t = 32)]
    stream_concurrency: usize,
    /// Page requests in flight per list.
    #[arg(long, default_value_t = 8)]
    page_concurrency: usize,
    /// Records per list page.
    #[arg(long, default_value_t = 1000)]
    page_size: i32,
    /// Stop each stream after this many batches (a rerun continues).
    #[arg(long)]
    max_batches: Option<u64>,
    /// Print the summary as JSON on stdout (for schedulers).
    #[arg(long)]
    json: bool,
}

impl SyncArgs {
    /// Whether only the catalog is asked for (no tenant needed).
    pub fn lists_streams(&self) -> bool {
        self.list_streams
    }
}

/// Prints the catalog, one stream per line.
pub fn list_streams() -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<48} {:<7} {:<4} incremental",
        "stream", "kind", "key"
    )?;
    for s in catalog() {
        writeln!(
            out,
            "{:<48} {:<7} {:<4} {}",
            s.name,
            s.kind.as_str(),
            s.key,
            match (s.incremental, s.kind) {
                (Some(field), servicetitan_sync::StreamKind::Export) => format!("{field} (token)"),
                (Some(field), _) => format!("{field} (watermark on {})", StreamDef::MODIFIED_ON),
                (None, _) => "none (read whole each run)".to_string(),
            }
        )?;
    }
    Ok(())
}

/// The destination `--to` names; `postgres` alone takes `DATABASE_URL`.
pub(crate) fn target(to: &str) -> Result<Target, Error> {
    if to == "postgres" || to == "postgresql" {
        let url = std::env::var("DATABASE_URL").map_err(|_| {
            Error::Config("--to postgres takes the URL from DATABASE_URL, which is not set".into())
        })?;
        return Target::parse(&url);
    }
    Target::parse(to)
}

/// Runs `servicetitan sync` for the tenant of `global`, or for each of `--tenants`.
pub async fn run(
    global: &crate::Global,
    args: SyncArgs,
    quiet: bool,
    progress: bool,
) -> Result<(), Error> {
    let streams = select(&catalog(), &args.streams)?;
    let target = target(&args.to)?;
    let tenants: Vec<Option<String>> = match &args.tenants {
        Some(list) => list
            .split(',')
            .map(|t| Some(t.trim().to_string()))
            .filter(|t| t.as_deref().is_some_and(|t| !t.is_empty()))
            .collect(),
        None => vec![None],
    };
    if tenants.len() > 1 && matches!(target, Target::Sqlite(_)) {
        return Err(Error::Config(
            "a SQLite file holds one tenant: sync several tenants into PostgreSQL or a directory"
                .into(),
        ));
    }
    let since = match &args.since {
        Some(s) => Some(crate::since_time(s, "--since")?),
        None => None,
    };
    let options = SyncOptions::default()
        .full(args.full)
        .reconcile(args.reconcile)
        .reconcile_every(crate::days(args.reconcile_every_days))
        .since(since)
        .stream_concurrency(args.stream_concurrency)
        .page_concurrency(args.page_concurrency)
        .page_size(args.page_size)
        .max_batches(args.max_batches);
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    // Ctrl-C: every stream stops after its current commit; a second one exits at once.
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("stopping after the batches in flight (Ctrl-C again to exit now)");
            let _ = stop_tx.send(true);
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
    let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
    let many = tenants.len() > 1;
    let runs = tenants.into_iter().map(|tenant| {
        let (options, streams, stop, target) = (&options, &streams, stop.clone(), &target);
        let multi = multi.clone();
        async move {
            let mut global = global.clone();
            if tenant.is_some() {
                global.tenant = tenant;
            }
            let (st, _mock) = crate::connect(&global).await?;
            let tenant = st.runtime().tenant().to_string();
            let destination = match target {
                Target::Dir(dir) if many => Target::Dir(dir.join(&tenant)).open()?,
                other => other.open_for_tenant(&tenant)?,
            };
            let label = if many {
                format!("{tenant} ")
            } else {
                String::new()
            };
            let lines = Arc::new(Lines::new(progress.then_some(multi), label));
            let mut summary =
                servicetitan_sync::run(st.runtime(), destination, streams, options, lines, stop)
                    .await?;
            if many {
                for s in &mut summary.streams {
                    s.stream = format!("{tenant}/{}", s.stream);
                }
            }
            Ok::<Summary, Error>(summary)
        }
    });
    let mut summary: Option<Summary> = None;
    for result in futures::future::join_all(runs).await {
        let one = result?;
        summary = Some(match summary {
            None => one,
            Some(mut all) => {
                all.streams.extend(one.streams);
                all.seconds = all.seconds.max(one.seconds);
                all
            }
        });
    }
    let summary = summary.ok_or_else(|| Error::Config("--tenants names no tenant".into()))?;
    if args.json {
        let json = serde_json::to_string(&summary)
            .map_err(|e| Error::Other(format!("the summary: {e}")))?;
        writeln!(std::io::stdout().lock(), "{json}")?;
    } else if !quiet {
        eprint!("{}", table(&summary));
    }
    let failed: Vec<String> = summary
        .failed()
        .map(|s| match &s.outcome {
            StreamOutcome::Failed(why) => format!("{}: {why}", s.stream),
            _ => s.stream.clone(),
        })
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::Other(format!(
            "{} of {} streams failed (a rerun continues them):\n  {}",
            failed.len(),
            summary.streams.len(),
            failed.join("\n  ")
        )))
    }
}

/// The summary as a table: one line per stream, then the totals.
fn table(summary: &Summary) -> String {
    let mut out = format!(
        "{:<48} {:<11} {:>10} {:>7} {:>8} {:>8}\n",
        "stream", "status", "records", "pages", "deleted", "seconds"
    );
    for s in &summary.streams {
        let status = match s.outcome {
            StreamOutcome::Complete => "complete",
            StreamOutcome::Interrupted => "interrupted",
            StreamOutcome::Failed(_) => "FAILED",
        };
        out.push_str(&format!(
            "{:<48} {:<11} {:>10} {:>7} {:>8} {:>8.1}\n",
            s.stream, status, s.records, s.pages, s.deleted, s.seconds
        ));
    }
    out.push_str(&format!(
        "{} streams, {} records in {:.1} s ({:.0} records/s)\n",
        summary.streams.len(),
        summary.records(),
        summary.seconds,
        summary.records() as f64 / summary.seconds.max(1e-9)
    ));
    out
}

/// One progress line per running stream (records, pages, rate, ETA when the total is known).
struct Lines {
    multi: Option<MultiProgress>,
    /// Put before each stream's name (the tenant, when several run).
    label: String,
    bars: Mutex<HashMap<&'static str, (ProgressBar, Instant)>>,
}

impl Lines {
    fn new(multi: Option<MultiProgress>, label: String) -> Self {
        Lines {
            multi,
            label,
            bars: Mutex::new(HashMap::new()),
        }
    }
}

impl Progress for Lines {
    fn started(&self, stream: &StreamDef) {
        let Some(multi) = &self.multi else { return };
        let bar = multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix:<40} {msg}").expect("valid template"),
        );
        bar.set_prefix(format!("{}{}", self.label, stream.name));
        bar.enable_steady_tick(Duration::from_millis(200));
        if let Ok(mut bars) = self.bars.lock() {
            bars.insert(stream.name, (bar, Instant::now()));
        }
    }

    fn committed(&self, stream: &StreamDef, records: u64, pages: u64, total: Option<i64>) {
        let Ok(bars) = self.bars.lock() else { return };
        let Some((bar, started)) = bars.get(stream.name) else {
            return;
        };
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        let rate = records as f64 / secs;
        let eta = total
            .filter(|t| *t as u64 > records && rate > 0.0)
            .map(|t| format!(", ETA {:.0} s", (t as u64 - records) as f64 / rate))
            .unwrap_or_default();
        bar.set_message(format!(
            "{records} records, {pages} pages, {rate:.0}/s{eta}"
        ));
    }

    fn finished(&self, stream: &StreamDef, _report: &StreamReport) {
        let Ok(mut bars) = self.bars.lock() else {
            return;
        };
        if let (Some((bar, _)), Some(multi)) = (bars.remove(stream.name), &self.multi) {
            bar.finish_and_clear();
            multi.remove(&bar);
        }
    }
}
