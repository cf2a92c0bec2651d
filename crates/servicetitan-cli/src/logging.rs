//! Logs on stderr. `-v` prints one line per API request (method, path and query, status,
//! attempts, rate-limiter wait) and the runtime's retry and token events; `-vv` adds response
//! sizes and timings. `RUST_LOG`, when set, chooses which events and spans are printed (any
//! crate, any level), as usual with `tracing-subscriber`.
//!
//! Nothing secret reaches these lines: the runtime keeps the client secret, the app key and
//! tokens out of its spans and events, and requests carry them only in headers, which are never
//! logged; the path and query shown are what the URL holds.

use std::fmt::{self, Write as _};
use std::io::IsTerminal;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Level, Subscriber};
use tracing_subscriber::filter::{EnvFilter, Targets};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// The span the runtime opens around each request chosen at run time (fields `method`,
/// `path`, `bytes`), which the CLI's subcommands send.
const REQUEST_SPAN: &str = servicetitan::dynamic::SPAN_NAME;
/// The runtime's span around one call, retries included (fields `operation`, `method`,
/// `attempt`, `status`, `limiter_wait_ms`, `elapsed_ms`).
const RUNTIME_SPAN: &str = "servicetitan.request";
const RUNTIME_TARGET: &str = "servicetitan_core";

/// Installs the subscriber for `verbose` (the number of `-v`) and `RUST_LOG`. Without either,
/// nothing is installed and stderr carries only progress and errors.
pub fn init(verbose: u8) {
    let rust_log = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty());
    if verbose == 0 && rust_log.is_none() {
        return;
    }
    let events = match &rust_log {
        Some(_) => EnvFilter::from_default_env(),
        None => EnvFilter::new(format!("{RUNTIME_TARGET}=debug")),
    };
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_filter(events);
    let lines = (verbose > 0).then(|| {
        RequestLines {
            detail: verbose >= 2,
        }
        .with_filter(Targets::new().with_target(RUNTIME_TARGET, Level::INFO))
    });
    // A second initialisation (never in the binary) is not worth failing over.
    let _ = tracing_subscriber::registry()
        .with(fmt)
        .with(lines)
        .try_init();
}

/// Whether logs go to stderr (the progress spinner then stays off so lines stay whole).
pub fn enabled(verbose: u8) -> bool {
    verbose > 0
        || std::env::var("RUST_LOG")
            .ok()
            .is_some_and(|v| !v.trim().is_empty())
}

/// Field values of a span, as text.
#[derive(Default)]
struct Fields(Vec<(&'static str, String)>);

impl Fields {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
    fn set(&mut self, name: &'static str, value: String) {
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.set(field.name(), value.to_string());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.set(field.name(), value.to_string());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.set(field.name(), value.to_string());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.set(field.name(), format!("{value:?}"));
    }
}

/// What the runtime's span recorded, handed to the CLI span around it when it closes.
struct RuntimeFields(Fields);

/// Prints one line per request when the CLI's request span closes, from its own fields and
/// those of the runtime's span inside it; a runtime span without a CLI span around it (the
/// generated clients' calls) prints its own line.
struct RequestLines {
    detail: bool,
}

impl RequestLines {
    fn line(&self, cli: Option<&Fields>, runtime: Option<&Fields>) -> String {
        let get = |name: &str| {
            cli.and_then(|f| f.get(name))
                .or_else(|| runtime.and_then(|f| f.get(name)))
        };
        let mut line = String::new();
        let _ = write!(
            line,
            "{} {} -> {} (attempt {}, waited {} ms",
            get("method").unwrap_or("?"),
            get("path").or_else(|| get("operation")).unwrap_or("?"),
            runtime.and_then(|f| f.get("status")).unwrap_or("no answer"),
            runtime.and_then(|f| f.get("attempt")).unwrap_or("?"),
            runtime
                .and_then(|f| f.get("limiter_wait_ms"))
                .unwrap_or("0"),
        );
        if self.detail {
            if let Some(bytes) = cli.and_then(|f| f.get("bytes")) {
                let _ = write!(line, ", {bytes} bytes");
            }
            if let Some(ms) = runtime.and_then(|f| f.get("elapsed_ms")) {
                let _ = write!(line, ", {ms} ms");
            }
        }
        line.push(')');
        line
    }
}

fn is_cli_span(meta: &tracing::Metadata<'_>) -> bool {
    meta.name() == REQUEST_SPAN
}

impl<S> Layer<S> for RequestLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let meta = span.metadata();
        if meta.name() == RUNTIME_SPAN || is_cli_span(meta) {
            let mut fields = Fields::default();
            attrs.record(&mut fields);
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            if let Some(fields) = span.extensions_mut().get_mut::<Fields>() {
                values.record(fields);
            }
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let meta = span.metadata();
        let fields = span.extensions_mut().remove::<Fields>();
        if meta.name() == RUNTIME_SPAN {
            let Some(fields) = fields else { return };
            match span.parent().filter(|p| is_cli_span(p.metadata())) {
                Some(parent) => {
                    parent.extensions_mut().insert(RuntimeFields(fields));
                }
                None => eprintln!("{}", self.line(None, Some(&fields))),
            }
        } else if is_cli_span(meta) {
            let runtime = span.extensions_mut().remove::<RuntimeFields>();
            eprintln!(
                "{}",
                self.line(fields.as_ref(), runtime.as_ref().map(|r| &r.0))
            );
        }
    }
}
