//! `servicetitan`: exports, lists, gets and reports against the ServiceTitan API (configured by
//! the `ST_*` variables) or an embedded mock tenant (`--mock`).
//!
//! Exit codes: 0 success; 1 API or other error; 2 usage or configuration; 3 authentication;
//! 4 try again later (rate limited, timed out, a server error or broken connection that
//! outlasted the retries); 5 the server sent data that could not be read.

mod export;
mod logging;
mod output;
mod progress;
mod sync;
mod tap;
mod webhooks;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use futures::StreamExt;
use servicetitan::dynamic::DynamicRequest;
use servicetitan::operations::{Module, OperationKind, OperationMeta};
use servicetitan::paging::{wire, ListRequestExt};
use servicetitan::{Error, ServiceTitan};

use crate::output::{Format, RecordWriter};

#[derive(Parser)]
#[command(
    name = "servicetitan",
    version,
    about = "ServiceTitan API from the command line"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// The options every subcommand takes.
#[derive(Args, Clone)]
struct Global {
    /// Run against an embedded mock tenant instead of the real API (no credentials needed).
    #[arg(long, global = true)]
    mock: bool,
    /// Records per resource in the embedded mock tenant.
    #[arg(long, global = true, default_value_t = 1000)]
    mock_records: u64,
    /// No progress output on stderr.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Log each request on stderr (`-vv`: with sizes and timings). `RUST_LOG` also works.
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Seconds one request may take (default 100, or `ST_TIMEOUT`).
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_timeout)]
    timeout: Option<Duration>,
    /// The tenant id, instead of `ST_TENANT_ID`.
    #[arg(long, global = true, value_name = "ID")]
    tenant: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Export every record of a resource (resumable with --checkpoint).
    Export(ExportArgs),
    /// List records page by page.
    List(ListArgs),
    /// Fetch one record by id.
    Get(GetArgs),
    /// Reports (Reporting API).
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Copy every stream of the tenant (exports and lists) into a directory or SQLite, and
    /// keep it current: reruns are incremental, a killed run resumes where it stopped.
    Sync(sync::SyncArgs),
    /// A Singer tap: SCHEMA, RECORD and STATE messages on stdout for any Singer target
    /// (installed also as `tap-servicetitan`, which takes these arguments directly).
    Tap(tap::TapArgs),
    /// List the operations each module offers.
    Ops {
        /// Only this module.
        module: Option<String>,
    },
    /// Receive, check and send webhook deliveries.
    Webhooks {
        #[command(subcommand)]
        command: webhooks::WebhooksCommand,
    },
}

#[derive(Args)]
struct ExportArgs {
    module: String,
    resource: String,
    /// Start at this UTC date or date-time instead of the beginning.
    #[arg(long)]
    since: Option<String>,
    /// Continue where the last run with this file stopped; updated after every batch.
    #[arg(long)]
    checkpoint: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Ndjson)]
    format: Format,
    /// Write here instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Stop after this many batches (rerun with the same checkpoint to continue).
    #[arg(long)]
    max_batches: Option<u64>,
    /// Records by their active flag, where the export takes the filter (default: any).
    #[arg(long, value_enum)]
    active: Option<Active>,
}

#[derive(Args)]
struct ListArgs {
    module: String,
    resource: String,
    /// Only records modified on or after this UTC date or date-time.
    #[arg(long)]
    since: Option<String>,
    #[arg(long, default_value_t = 500)]
    page_size: i32,
    /// Page requests in flight (all under the tenant's rate limit).
    #[arg(long, default_value_t = 8)]
    page_concurrency: usize,
    /// Stop after this many records (pages are then read one at a time).
    #[arg(long)]
    limit: Option<u64>,
    #[arg(long, value_enum, default_value_t = Format::Ndjson)]
    format: Format,
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Records by their active flag, where the list takes the filter (default: any).
    #[arg(long, value_enum)]
    active: Option<Active>,
}

#[derive(Args)]
struct GetArgs {
    module: String,
    resource: String,
    id: String,
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Run a report and print its rows as NDJSON objects.
    Run {
        category: String,
        report_id: i64,
        /// Report parameter, repeatable: --param From=2024-01-01
        #[arg(long = "param", value_parser = parse_param)]
        params: Vec<(String, String)>,
    },
}

/// The `active` filter: ServiceTitan lists only active records unless asked otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Active {
    /// Only active records.
    True,
    /// Only inactive records.
    False,
    /// Every record.
    Any,
}

impl Active {
    /// The value the API takes (`ActiveFilter` in the specs).
    fn query_value(self) -> &'static str {
        match self {
            Active::True => "True",
            Active::False => "False",
            Active::Any => "Any",
        }
    }
}

/// The `active` query parameter for `op`: `Any` unless told otherwise, where the operation
/// takes the filter; asking for a filter it does not take is an error.
fn with_active(
    request: DynamicRequest,
    op: &'static OperationMeta,
    active: Option<Active>,
) -> Result<DynamicRequest, Error> {
    if op.takes_query(wire::ACTIVE) {
        let value = active.unwrap_or(Active::Any).query_value();
        return Ok(request.query(wire::ACTIVE, value));
    }
    match active {
        Some(_) => Err(Error::InvalidRequest(format!(
            "{} ({}) does not take the active filter; drop --active",
            op.id,
            op.resource()
        ))),
        None => Ok(request),
    }
}

fn parse_timeout(s: &str) -> Result<Duration, String> {
    match s.trim().parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs <= 86_400.0 => Ok(Duration::from_secs_f64(secs)),
        _ => Err(format!(
            "expected a number of seconds above 0 and at most 86400, got {s:?}"
        )),
    }
}

fn parse_param(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("expected name=value, got {s:?}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(cli.global.verbose);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of our output went away (`servicetitan list ... | head`): nothing is
        // wrong, and nothing more needs saying.
        Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(trace) = e.trace_id() {
                eprintln!("trace id: {trace}");
            }
            ExitCode::from(exit_code(&e))
        }
    }
}

fn exit_code(e: &Error) -> u8 {
    match e {
        Error::Config(_) | Error::InvalidRequest(_) => 2,
        // "Try later": rate limited, timed out, 408/5xx or a broken connection that outlasted
        // the retries, the token endpoint unavailable.
        e if e.is_retryable() => 4,
        Error::Auth(_) => 3,
        Error::Decode(_) | Error::Paging(_) => 5,
        _ => 1,
    }
}

async fn connect(
    cli: &Global,
) -> Result<(ServiceTitan, Option<servicetitan_mock::MockTenant>), Error> {
    if !cli.mock {
        // The flags override the environment (ST_TENANT_ID, ST_TIMEOUT).
        let mut builder = servicetitan::RuntimeBuilder::from_env()?;
        if let Some(tenant) = &cli.tenant {
            builder = builder.tenant(tenant);
        }
        if let Some(timeout) = cli.timeout {
            builder = builder.request_timeout(timeout);
        }
        return Ok((ServiceTitan::from(builder.build()?), None));
    }
    let mut mock = servicetitan_mock::MockTenant::builder().count_all(cli.mock_records);
    // The mock serves the tenant asked for; a tenant id that is no number reaches the
    // runtime's check below as written.
    let tenant_number = cli
        .tenant
        .as_deref()
        .and_then(|t| t.trim().parse::<i64>().ok());
    if let Some(id) = tenant_number.filter(|id| *id > 0) {
        mock = mock.tenant(id);
    }
    let mock = mock
        .try_start()
        .await
        .map_err(|e| Error::Config(format!("cannot start the mock tenant: {e}")))?;
    let mut builder = ServiceTitan::builder()
        .api_base_url(mock.base_url())
        .auth_url(mock.auth_url())
        .client_id(mock.client_id())
        .client_secret(mock.client_secret())
        .app_key(mock.app_key())
        .tenant(
            cli.tenant
                .clone()
                .unwrap_or_else(|| mock.tenant_id().to_string()),
        );
    if let Some(timeout) = cli.timeout {
        builder = builder.request_timeout(timeout);
    }
    Ok((builder.build()?, Some(mock)))
}

/// `2024-01-31` or a full date-time, as the UTC date-time the API expects.
fn since(value: &str) -> Result<String, Error> {
    since_time(value, "--since").map(|t| servicetitan::types::DateTime(t).to_string())
}

/// `2024-01-31` or a full date-time as a UTC time; `what` names the option in the error.
pub(crate) fn since_time(value: &str, what: &str) -> Result<chrono::DateTime<chrono::Utc>, Error> {
    value
        .parse::<servicetitan::types::DateTime>()
        .map(|t| t.0)
        .map_err(|e| Error::Config(format!("{what}: {e}")))
}

/// `--reconcile-every-days N` as a duration.
pub(crate) fn days(n: Option<u64>) -> Option<std::time::Duration> {
    n.map(|d| std::time::Duration::from_secs(d.saturating_mul(86_400)))
}

fn open_output(path: &Option<PathBuf>) -> Result<Box<dyn std::io::Write>, Error> {
    Ok(match path {
        Some(p) => Box::new(std::fs::File::create(p)?),
        None => Box::new(std::io::stdout()),
    })
}

async fn run(cli: Cli) -> Result<(), Error> {
    let Cli { global, command } = cli;
    let quiet = global.quiet;
    let progress = !(global.quiet || logging::enabled(global.verbose));
    match command {
        Command::Ops { module } => ops(module.as_deref()),
        Command::Webhooks { command } => {
            // `listen --sync` calls the API; the others need no tenant.
            let (st, _mock) = if command.needs_tenant() {
                let (st, mock) = connect(&global).await?;
                (Some(st), mock)
            } else {
                (None, None)
            };
            webhooks::run(command, st, quiet).await
        }
        Command::Export(args) => {
            let (st, _mock) = connect(&global).await?;
            export(&st, args, quiet, progress).await
        }
        Command::List(args) => {
            let (st, _mock) = connect(&global).await?;
            list(&st, args).await
        }
        Command::Get(args) => {
            let (st, _mock) = connect(&global).await?;
            get(&st, args).await
        }
        Command::Report {
            command:
                ReportCommand::Run {
                    category,
                    report_id,
                    params,
                },
        } => {
            let (st, _mock) = connect(&global).await?;
            report_run(&st, &category, report_id, params).await
        }
        Command::Sync(args) if args.lists_streams() => sync::list_streams(),
        Command::Sync(args) => sync::run(&global, args, quiet, progress).await,
        Command::Tap(args) => tap::run(&global, args).await,
    }
}

/// `ops`: every operation of every module (or of one), one per line.
fn ops(module: Option<&str>) -> Result<(), Error> {
    let modules = match module {
        Some(name) => vec![servicetitan::module(name)?],
        None => servicetitan::modules(),
    };
    let mut out = std::io::stdout().lock();
    for m in modules {
        for op in m.operations {
            let kind = match op.kind {
                OperationKind::List => "list",
                OperationKind::Export => "export",
                OperationKind::Other => "",
            };
            writeln!(
                out,
                "{:<22} {:<7} {:<6} {}{}  {}",
                m.name,
                op.method,
                kind,
                m.server_path,
                op.path
                    .replace(servicetitan::TENANT_PLACEHOLDER, "{tenant}"),
                op.id
            )?;
        }
    }
    Ok(())
}

/// The module called `name` and its operation of `kind` on `resource`.
fn operation(
    name: &str,
    kind: OperationKind,
    resource: &str,
) -> Result<(Module, &'static OperationMeta), Error> {
    let module = servicetitan::module(name)?;
    let op = module.find(kind, resource)?;
    Ok((module, op))
}

/// `export`: every batch of an export, resumable through the checkpoint file.
async fn export(
    st: &ServiceTitan,
    args: ExportArgs,
    quiet: bool,
    progress: bool,
) -> Result<(), Error> {
    let (module, op) = operation(&args.module, OperationKind::Export, &args.resource)?;
    let mut request = DynamicRequest::new(st.runtime().clone(), module, op);
    request = with_active(request, op, args.active)?;
    if let Some(from) = &args.since {
        request = request.query(wire::FROM, since(from)?);
    }
    let summary = export::run(export::ExportJob {
        request,
        module: args.module,
        resource: args.resource,
        format: args.format,
        output: args.output,
        checkpoint: args.checkpoint,
        max_batches: args.max_batches,
        quiet: !progress,
    })
    .await?;
    if !quiet {
        eprintln!(
            "exported {} records in {} batches, {:.1} s ({:.0} records/s){}",
            summary.records,
            summary.pages,
            summary.seconds,
            summary.records as f64 / summary.seconds.max(1e-9),
            peak_rss()
                .map(|kib| format!(", peak RSS {:.1} MiB", kib as f64 / 1024.0))
                .unwrap_or_default()
        );
    }
    Ok(())
}

/// `list`: the records of a list operation, page by page, up to `--limit`.
async fn list(st: &ServiceTitan, args: ListArgs) -> Result<(), Error> {
    let (module, op) = operation(&args.module, OperationKind::List, &args.resource)?;
    let mut request = DynamicRequest::new(st.runtime().clone(), module, op)
        .query(wire::PAGE_SIZE, args.page_size.to_string());
    request = with_active(request, op, args.active)?;
    if let Some(from) = &args.since {
        request = request.query(wire::MODIFIED_ON_OR_AFTER, since(from)?);
    }
    let mut writer = RecordWriter::new(open_output(&args.output)?, args.format, false);
    // With a limit, pages are read one at a time so none past it is requested; without one,
    // several are in flight.
    let mut items = match args.limit {
        Some(_) => request.clone().stream_items().boxed(),
        None => request
            .clone()
            .stream_items_concurrently(args.page_concurrency)
            .boxed(),
    };
    let mut count = 0u64;
    // The limit is checked first, so no page beyond it is fetched.
    while args.limit.is_none_or(|l| count < l) {
        let Some(item) = items.next().await else {
            break;
        };
        writer.write(&item.map_err(|e| request.name_paging_error(e))?)?;
        count += 1;
    }
    writer.flush().map(drop)
}

/// `get`: one record by id, printed from its own text (every digit as sent).
async fn get(st: &ServiceTitan, args: GetArgs) -> Result<(), Error> {
    let module = servicetitan::module(&args.module)?;
    let op = module.find_get(&args.resource)?;
    let body = DynamicRequest::new(st.runtime().clone(), module, op)
        .path_values([args.id])
        .send()
        .await?;
    let record: &serde_json::value::RawValue = serde_json::from_slice(&body).map_err(|e| {
        Error::Decode(Box::new(servicetitan::DecodeError::new(
            Some(op.id),
            &body,
            e,
        )))
    })?;
    writeln!(std::io::stdout().lock(), "{}", output::pretty(record.get()))?;
    Ok(())
}

/// `report run`: a report's rows as NDJSON objects keyed by column name.
async fn report_run(
    st: &ServiceTitan,
    category: &str,
    report_id: i64,
    params: Vec<(String, String)>,
) -> Result<(), Error> {
    let parameters = params
        .into_iter()
        .map(|(name, value)| (name, serde_json::Value::String(value)));
    let report = st.run_report(category, report_id, parameters).await?;
    let mut writer = RecordWriter::new(Box::new(std::io::stdout()), Format::Ndjson, false);
    for row in report.objects() {
        let raw = serde_json::value::to_raw_value(&row)
            .map_err(|e| Error::Other(format!("a report row: {e}")))?;
        writer.write(&raw)?;
    }
    writer.flush().map(drop)
}

/// The process's peak resident memory in KiB (Linux; `None` elsewhere).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
