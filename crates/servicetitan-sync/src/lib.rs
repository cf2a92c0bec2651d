//! Pulls a whole ServiceTitan tenant into NDJSON files or SQLite, and keeps it current.
//!
//! - [`catalog()`]: the streams — every export operation (`module.resource`, incremental by
//!   its continuation token) and every paged list without path parameters (incremental by
//!   `modifiedOnOrAfter` where the list takes it, else read whole each run).
//! - [`run`]: reads the chosen streams concurrently under the runtime's per-tenant limiter,
//!   list pages several at a time, and commits each batch with the stream's new state, so a
//!   run killed at any point continues where it stopped, losing and duplicating nothing.
//! - [`dest`]: a directory (`<stream>.ndjson` + `state.json`) or a SQLite database (a table
//!   per stream, upserted by id, state in the same transaction), or PostgreSQL (the same, with
//!   a `tenant_id` column, loaded through `COPY`).
//! - [`singer`]: the same run written as Singer messages for any Singer target.
//!
//! ```no_run
//! # async fn demo(st: servicetitan::ServiceTitan) -> Result<(), servicetitan::Error> {
//! use std::sync::Arc;
//! use servicetitan_sync::{catalog, dest::Target, run, select, Quiet, SyncOptions};
//!
//! let streams = select(&catalog(), "jpm.jobs,crm.*")?;
//! let destination = Target::parse("sqlite:st.db")?.open()?;
//! let (_stop, stop) = tokio::sync::watch::channel(false);
//! let summary = run(st.runtime(), destination, &streams, &SyncOptions::default(), Arc::new(Quiet), stop).await?;
//! println!("{} records", summary.records());
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod catalog;
pub mod dest;
mod engine;
mod record;
pub mod singer;
mod state;

pub use catalog::{catalog, select, StreamDef, StreamKind};
pub use engine::{run, Progress, Quiet, StreamOutcome, StreamReport, Summary, SyncOptions};
pub use record::Record;
pub use state::{RunState, StreamState};
