//! A SQLite database: one table per stream — `id` (primary key), `modified_on`, `record` (the
//! JSON exactly as sent), `synced_at`, `deleted_at` — and `_servicetitan_streams` with each
//! stream's state. A batch's rows are upserted by id and the stream's state saved in the same
//! transaction.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use servicetitan::Error;

use super::{Batch, Destination, Unseen, STATE_TABLE};
use crate::catalog::StreamDef;
use crate::state::StreamState;

/// See the module docs.
pub struct SqliteDestination {
    db: Connection,
    path: String,
}

impl SqliteDestination {
    /// Opens (creating) the database at `path`.
    pub fn open(path: &Path) -> Result<SqliteDestination, Error> {
        let shown = path.display().to_string();
        let db = Connection::open(path).map_err(|e| sql_error(&shown, "open", e))?;
        // WAL: readers (a BI tool) do not block the sync, and a killed process loses only
        // the transaction in flight.
        db.execute_batch(&format!(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA busy_timeout = 5000;
             CREATE TABLE IF NOT EXISTS {STATE_TABLE} (
                 stream TEXT PRIMARY KEY,
                 state TEXT NOT NULL,
                 updated_at TEXT NOT NULL
             );"
        ))
        .map_err(|e| sql_error(&shown, "prepare", e))?;
        Ok(SqliteDestination { db, path: shown })
    }

    fn ensure_table(&self, stream: &StreamDef) -> Result<(), Error> {
        let table = stream.table();
        self.db
            .execute_batch(&format!(
                "CREATE TABLE IF NOT EXISTS \"{table}\" (
                     id PRIMARY KEY,
                     modified_on TEXT,
                     record TEXT NOT NULL,
                     synced_at TEXT NOT NULL,
                     deleted_at TEXT
                 );
                 CREATE INDEX IF NOT EXISTS \"{table}_modified_on\" ON \"{table}\" (modified_on);"
            ))
            .map_err(|e| sql_error(&self.path, &format!("create table {table}"), e))
    }
}

/// The `id` column's value: an integer stays an integer, a string its text, anything else its
/// JSON text.
fn id_value(key: &str) -> rusqlite::types::Value {
    use rusqlite::types::Value;
    if let Ok(n) = key.parse::<i64>() {
        return Value::Integer(n);
    }
    match serde_json::from_str::<String>(key) {
        Ok(s) => Value::Text(s),
        Err(_) => Value::Text(key.to_string()),
    }
}

impl Destination for SqliteDestination {
    fn state(&mut self, stream: &StreamDef) -> Result<Option<StreamState>, Error> {
        self.ensure_table(stream)?;
        let text: Option<String> = self
            .db
            .query_row(
                &format!("SELECT state FROM {STATE_TABLE} WHERE stream = ?1"),
                [stream.name],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| sql_error(&self.path, "read the state", e))?;
        text.map(|t| {
            serde_json::from_str(&t).map_err(|e| {
                Error::Config(format!(
                    "{}: the state of {} in {STATE_TABLE} is unreadable ({e}); delete that row \
                     to start the stream over",
                    self.path, stream.name
                ))
            })
        })
        .transpose()
    }

    fn restart(&mut self, _: &StreamDef) -> Result<(), Error> {
        // Rows are replaced by id as they are read again.
        Ok(())
    }

    fn commit(&mut self, batch: &Batch<'_>) -> Result<(), Error> {
        let Batch {
            stream,
            records,
            state,
            synced_at,
        } = *batch;
        let table = stream.table();
        let state_text = serde_json::to_string(state)
            .map_err(|e| Error::Other(format!("the sync state: {e}")))?;
        let tx = self
            .db
            .transaction()
            .map_err(|e| sql_error(&self.path, "begin", e))?;
        {
            let mut upsert = tx
                .prepare_cached(&format!(
                    "INSERT INTO \"{table}\" (id, modified_on, record, synced_at, deleted_at)
                     VALUES (?1, ?2, ?3, ?4, NULL)
                     ON CONFLICT (id) DO UPDATE SET
                         modified_on = excluded.modified_on,
                         record = excluded.record,
                         synced_at = excluded.synced_at,
                         deleted_at = NULL"
                ))
                .map_err(|e| {
                    sql_error(&self.path, &format!("prepare the upsert into {table}"), e)
                })?;
            for r in records {
                upsert
                    .execute(params![
                        id_value(&r.key),
                        r.modified_on.map(|t| t.to_rfc3339()),
                        r.json.get(),
                        synced_at
                    ])
                    .map_err(|e| {
                        sql_error(&self.path, &format!("upsert id {} into {table}", r.key), e)
                    })?;
            }
            tx.execute(
                &format!(
                    "INSERT INTO {STATE_TABLE} (stream, state, updated_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (stream) DO UPDATE SET state = excluded.state,
                         updated_at = excluded.updated_at"
                ),
                params![stream.name, state_text, synced_at],
            )
            .map_err(|e| sql_error(&self.path, "save the state", e))?;
        }
        tx.commit()
            .map_err(|e| sql_error(&self.path, &format!("commit a batch of {table}"), e))
    }

    fn mark_unseen_deleted(&mut self, unseen: &Unseen<'_>) -> Result<u64, Error> {
        let Unseen { stream, since, at } = *unseen;
        let table = stream.table();
        let n = self
            .db
            .execute(
                &format!(
                    "UPDATE \"{table}\" SET deleted_at = ?1
                     WHERE deleted_at IS NULL AND synced_at < ?2"
                ),
                params![at, since],
            )
            .map_err(|e| sql_error(&self.path, &format!("mark deleted rows of {table}"), e))?;
        Ok(n as u64)
    }

    fn replaces_by_key(&self) -> bool {
        true
    }
}

fn sql_error(path: &str, action: &str, e: rusqlite::Error) -> Error {
    Error::Other(format!("SQLite {path}: could not {action}: {e}"))
}
