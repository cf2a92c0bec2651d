//! Where a sync writes: a directory of NDJSON files or a SQLite database. Each commit writes a
//! batch of records and the stream's new state together, so a crash at any point loses and
//! duplicates nothing when the run is repeated.

mod dir;
mod postgres;
mod sqlite;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub use dir::DirDestination;
pub use postgres::PostgresDestination;
pub use sqlite::SqliteDestination;

use crate::catalog::StreamDef;
use crate::record::Record;
use crate::state::StreamState;
use servicetitan::Error;

/// A place that stores streams' records and states.
pub trait Destination: Send {
    /// The stream's saved state (`None` before its first commit). Also repairs what a crash
    /// left half-written for the stream.
    fn state(&mut self, stream: &StreamDef) -> Result<Option<StreamState>, Error>;

    /// Before a run that reads the stream from its start into a destination that appends
    /// (files): forget what it holds of the stream. Destinations that replace records by key
    /// keep them.
    fn restart(&mut self, stream: &StreamDef) -> Result<(), Error>;

    /// Writes a batch's records and its stream's new state at once.
    fn commit(&mut self, batch: &Batch<'_>) -> Result<(), Error>;

    /// After a stream was read whole: marks the records not written since then as deleted
    /// and returns how many (0 where the destination keeps no rows).
    fn mark_unseen_deleted(&mut self, unseen: &Unseen<'_>) -> Result<u64, Error>;

    /// Whether a record read again replaces the stored one (by key) rather than being
    /// appended.
    fn replaces_by_key(&self) -> bool;
}

/// A batch to commit: a stream's records and its new state, written together.
#[derive(Clone, Copy, Debug)]
pub struct Batch<'a> {
    /// The stream.
    pub stream: &'a StreamDef,
    /// Its records, as read.
    pub records: &'a [Record],
    /// Its position after these records.
    pub state: &'a StreamState,
    /// Now (RFC 3339).
    pub synced_at: &'a str,
}

/// The end of a whole read: records not written since `since` are gone from the API.
#[derive(Clone, Copy, Debug)]
pub struct Unseen<'a> {
    /// The stream.
    pub stream: &'a StreamDef,
    /// When the whole read started (RFC 3339).
    pub since: &'a str,
    /// Now (RFC 3339): the rows' `deleted_at`.
    pub at: &'a str,
}

/// One destination shared by several users (runs of different streams, a webhook driver):
/// each call takes the lock for its own duration.
#[derive(Clone)]
pub struct Shared(Arc<Mutex<Box<dyn Destination>>>);

impl Shared {
    /// Shares `destination`.
    pub fn new(destination: Box<dyn Destination>) -> Self {
        Shared(Arc::new(Mutex::new(destination)))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Box<dyn Destination>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` with the destination locked for all of it (several calls as one step).
    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut dyn Destination) -> T) -> T {
        f(self.lock().as_mut())
    }
}

impl From<Box<dyn Destination>> for Shared {
    fn from(destination: Box<dyn Destination>) -> Self {
        Shared::new(destination)
    }
}

impl<D: Destination + 'static> From<Box<D>> for Shared {
    fn from(destination: Box<D>) -> Self {
        Shared::new(destination)
    }
}

impl Destination for Shared {
    fn state(&mut self, stream: &StreamDef) -> Result<Option<StreamState>, Error> {
        self.lock().state(stream)
    }
    fn restart(&mut self, stream: &StreamDef) -> Result<(), Error> {
        self.lock().restart(stream)
    }
    fn commit(&mut self, batch: &Batch<'_>) -> Result<(), Error> {
        self.lock().commit(batch)
    }
    fn mark_unseen_deleted(&mut self, unseen: &Unseen<'_>) -> Result<u64, Error> {
        self.lock().mark_unseen_deleted(unseen)
    }
    fn replaces_by_key(&self) -> bool {
        self.lock().replaces_by_key()
    }
}

/// The table holding the stream states in a database destination (SQLite, PostgreSQL).
pub const STATE_TABLE: &str = "_servicetitan_streams";

/// Where to write, as the command line names it: `DIR` or `sqlite:PATH`.
#[derive(Clone, PartialEq, Eq)]
pub enum Target {
    /// A directory of NDJSON files and `state.json`.
    Dir(PathBuf),
    /// A SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL database (`postgres://…` or `postgresql://…`).
    Postgres(String),
}

impl std::fmt::Debug for Target {
    /// A PostgreSQL URL is shown without its password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Dir(p) => f.debug_tuple("Dir").field(p).finish(),
            Target::Sqlite(p) => f.debug_tuple("Sqlite").field(p).finish(),
            Target::Postgres(url) => f
                .debug_tuple("Postgres")
                .field(&postgres::without_password(url))
                .finish(),
        }
    }
}

impl Target {
    /// Reads `sqlite:PATH`, `postgres://…` (`postgresql://…`) or a directory path.
    pub fn parse(s: &str) -> Result<Target, Error> {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(Target::Postgres(s.to_string()));
        }
        if let Some(path) = s.strip_prefix("sqlite:") {
            if path.is_empty() {
                return Err(Error::Config("sqlite: needs a path (sqlite:st.db)".into()));
            }
            return Ok(Target::Sqlite(PathBuf::from(path)));
        }
        if s.contains("://") {
            return Err(Error::Config(format!(
                "unsupported destination {s:?}: use a directory, sqlite:PATH or postgres://…"
            )));
        }
        Ok(Target::Dir(PathBuf::from(s)))
    }

    /// Opens (creating) the destination for a single-tenant copy: a directory or SQLite.
    /// PostgreSQL keeps many tenants apart and needs [`Target::open_for_tenant`].
    pub fn open(&self) -> Result<Box<dyn Destination>, Error> {
        Ok(match self {
            Target::Dir(path) => Box::new(DirDestination::open(path)?),
            Target::Sqlite(path) => Box::new(SqliteDestination::open(path)?),
            Target::Postgres(_) => {
                return Err(Error::Config(
                    "a PostgreSQL destination is opened for a tenant (open_for_tenant)".into(),
                ))
            }
        })
    }

    /// Opens (creating) the destination for `tenant`'s streams: PostgreSQL rows carry the
    /// tenant; a directory or SQLite file holds one tenant.
    pub fn open_for_tenant(&self, tenant: &str) -> Result<Box<dyn Destination>, Error> {
        match self {
            Target::Postgres(url) => Ok(Box::new(PostgresDestination::open(url, tenant)?)),
            _ => self.open(),
        }
    }

    /// Whether several tenants can share this destination.
    pub fn holds_many_tenants(&self) -> bool {
        matches!(self, Target::Postgres(_))
    }
}

#[cfg(test)]
mod tests {
    use super::Target;

    #[test]
    fn a_postgres_target_never_shows_its_password() {
        let target = Target::parse("postgres://sync:hunter2@127.0.0.1:5433/st").unwrap();
        let shown = format!("{target:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("sync@127.0.0.1:5433/st"), "{shown}");
    }
}
