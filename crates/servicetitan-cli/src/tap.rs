//! `servicetitan tap` (also installed as `tap-servicetitan`): a Singer tap. It takes the
//! Meltano ServiceTitan tap's settings (`--config`), resumes from a `--state`, selects streams
//! with a `--catalog`, prints its catalog with `--discover` and its capabilities with
//! `--about`, and writes `SCHEMA`, `RECORD` and `STATE` messages on stdout.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use serde::Deserialize;
use serde_json::{json, Value};
use servicetitan::{Error, ServiceTitan};
use servicetitan_sync::singer::{self, SingerDestination};
use servicetitan_sync::{catalog, select, Quiet, SyncOptions};

/// `servicetitan tap`'s arguments (the Singer convention).
#[derive(Args)]
pub struct TapArgs {
    /// The settings file (JSON): client_id, client_secret, st_app_key, tenant_id, and
    /// optionally api_url, auth_url, start_date.
    #[arg(long)]
    config: Option<PathBuf>,
    /// The value of the last STATE message of an earlier run, to continue from.
    #[arg(long)]
    state: Option<PathBuf>,
    /// A catalog (as --discover prints it) whose selected streams are synced.
    #[arg(long, alias = "properties")]
    catalog: Option<PathBuf>,
    /// Print the catalog of streams and exit.
    #[arg(long)]
    discover: bool,
    /// Print what the tap is and can do, and exit.
    #[arg(long)]
    about: bool,
    /// Stop each stream after this many batches (a run given the last STATE continues).
    #[arg(long, hide = true)]
    max_batches: Option<u64>,
}

/// The Meltano ServiceTitan tap's setting names.
#[derive(Deserialize)]
struct Settings {
    client_id: String,
    client_secret: String,
    st_app_key: String,
    tenant_id: serde_json::Value,
    #[serde(default)]
    api_url: Option<String>,
    #[serde(default)]
    auth_url: Option<String>,
    #[serde(default)]
    start_date: Option<String>,
}

fn read_json(path: &Path, what: &str) -> Result<Value, Error> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::Config(format!(
            "cannot read the {what} file {}: {e}",
            path.display()
        ))
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Error::Config(format!(
            "the {what} file {} is not JSON: {e}",
            path.display()
        ))
    })
}

/// What `--about` prints.
fn about() -> Value {
    let setting = |name: &str, kind: &str, required: bool, secret: bool| json!({"name": name, "type": kind, "required": required, "secret": secret});
    json!({
        "name": "tap-servicetitan",
        "description": "ServiceTitan: every export and paged list of a tenant, incremental and resumable inside a stream",
        "version": env!("CARGO_PKG_VERSION"),
        "capabilities": ["catalog", "discover", "state", "about"],
        "settings": [
            setting("client_id", "string", true, true),
            setting("client_secret", "string", true, true),
            setting("st_app_key", "string", true, true),
            setting("tenant_id", "string", true, false),
            setting("api_url", "string", false, false),
            setting("auth_url", "string", false, false),
            setting("start_date", "date-time", false, false),
        ],
    })
}

/// Runs the tap; with `--mock` (no `--config`), against the embedded mock tenant.
pub async fn run(global: &crate::Global, args: TapArgs) -> Result<(), Error> {
    let all = catalog();
    if args.about {
        return print(&about());
    }
    let selected = match &args.catalog {
        Some(path) => singer::selected_in(&all, &read_json(path, "catalog")?)?,
        None => select(&all, "*")?,
    };
    if args.discover {
        return print(&singer::discover(&all, &selected));
    }
    let (st, start_date, _mock) = match args.config.as_deref() {
        Some(config) => {
            let (st, start_date) = from_settings(config)?;
            (st, start_date, None)
        }
        None if global.mock => {
            let (st, mock) = crate::connect(global).await?;
            (st, None, mock)
        }
        None => {
            return Err(Error::Config(
                "the tap needs --config FILE (or --mock)".into(),
            ))
        }
    };
    let since = match start_date.as_deref() {
        Some(s) => Some(crate::since_time(s, "start_date")?),
        None => None,
    };
    let state = match &args.state {
        Some(path) => Some(read_json(path, "state")?),
        None => None,
    };
    let destination = SingerDestination::new(std::io::stdout(), &all, state.as_ref())?;
    let options = SyncOptions::default()
        .since(since)
        .max_batches(args.max_batches);
    let (_stop, stop) = tokio::sync::watch::channel(false);
    let summary = servicetitan_sync::run(
        st.runtime(),
        Box::new(destination),
        &selected,
        &options,
        Arc::new(Quiet),
        stop,
    )
    .await?;
    for s in summary.failed() {
        eprintln!("stream {} failed: {:?}", s.stream, s.outcome);
    }
    match summary.failed().count() {
        0 => Ok(()),
        n => Err(Error::Other(format!(
            "{n} streams failed; a run with the last STATE continues them"
        ))),
    }
}

/// A connection from the Meltano tap's settings file, and its `start_date`.
fn from_settings(config: &Path) -> Result<(ServiceTitan, Option<String>), Error> {
    let settings: Settings = serde_json::from_value(read_json(config, "config")?)
        .map_err(|e| Error::Config(format!("{}: {e}", config.display())))?;
    let tenant = match &settings.tenant_id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut builder = ServiceTitan::builder()
        .client_id(settings.client_id)
        .client_secret(settings.client_secret)
        .app_key(settings.st_app_key)
        .tenant(tenant);
    if let Some(url) = settings.api_url {
        builder = builder.api_base_url(url.trim_end_matches('/'));
    }
    if let Some(url) = settings.auth_url {
        builder = builder.auth_url(url);
    }
    Ok((builder.build()?, settings.start_date))
}

fn print(value: &Value) -> Result<(), Error> {
    use std::io::Write as _;
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::Other(format!("printing JSON: {e}")))?;
    writeln!(std::io::stdout().lock(), "{text}")?;
    Ok(())
}
