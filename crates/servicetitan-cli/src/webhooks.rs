//! `servicetitan webhooks`: receive ServiceTitan's webhook deliveries (`listen`), check a
//! captured one (`verify`), and post a signed test event (`send`).
//!
//! The HMAC key comes from the environment (`ST_WEBHOOK_HMAC_KEY` unless `--key-env` names
//! another variable), never from the command line, where it would land in shell history and
//! process listings.

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Subcommand;
use servicetitan::Error;
use servicetitan_webhooks::{
    Encoding, Event, Journal, Receiver, Verifier, DEFAULT_MAX_BODY, DEFAULT_SIGNATURE_HEADER,
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
        /// Stop after this many new events.
        #[arg(long, value_name = "N")]
        max_events: Option<u64>,
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

/// Runs a `webhooks` subcommand.
pub async fn run(command: WebhooksCommand, quiet: bool) -> Result<(), Error> {
    match command {
        WebhooksCommand::Listen {
            addr,
            to,
            header,
            key_env,
            unsigned,
            max_body,
            max_events,
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
            listen(addr, to, verifier, max_body, max_events, quiet).await
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

async fn listen(
    addr: SocketAddr,
    to: Option<PathBuf>,
    verifier: Option<Verifier>,
    max_body: usize,
    max_events: Option<u64>,
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
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Other(format!("cannot listen on {addr}: {e}")))?;
    let local = listener.local_addr()?;
    if !quiet {
        eprintln!(
            "listening on http://{local}/ ({}, {}); Ctrl-C stops",
            if signed {
                "signatures checked"
            } else {
                "UNSIGNED deliveries accepted"
            },
            match &to {
                Some(p) => format!("journal {}", p.display()),
                None => "events on stdout".to_string(),
            }
        );
    }
    let watch = receiver.clone();
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
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
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
    Ok(())
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
