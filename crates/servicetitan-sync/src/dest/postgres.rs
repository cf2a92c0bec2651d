//! A PostgreSQL database: the SQLite table model with a `tenant_id` column, so many tenants
//! share one database — one table per stream (`tenant_id`, `id`, `modified_on`, `record` as
//! `jsonb`, `synced_at`, `deleted_at`; primary key `(tenant_id, id)`) and
//! `_servicetitan_streams` with each tenant's stream states. A batch is copied (`COPY … BINARY`)
//! into a temporary staging table and upserted from there with `INSERT … ON CONFLICT`, in the
//! same transaction as the stream's new state. TLS is used when the URL asks for it
//! (`sslmode=require`).

use std::sync::mpsc;

use bytes::{BufMut, BytesMut};
use chrono::{DateTime, Utc};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use postgres::{Client, Config};
use servicetitan::Error;

use super::{Batch, Destination, Unseen, STATE_TABLE};
use crate::catalog::StreamDef;
use crate::record::{parse_time, Record};
use crate::state::StreamState;

/// See the module docs. The blocking client runs its own small runtime, which must not start
/// on a thread that drives async tasks, so the connection lives on a thread of its own and
/// this handle sends it work.
pub struct PostgresDestination {
    work: mpsc::Sender<Job>,
}

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// The connection, owned by its thread.
struct Connection {
    db: Client,
    tenant: i64,
    /// The URL without its password, for messages.
    shown: String,
}

/// JSON text sent to a `jsonb` column as it is (the binary `jsonb` format is a version byte
/// and the text), so numbers keep every digit.
#[derive(Debug)]
struct RawJsonb<'a>(&'a str);

impl ToSql for RawJsonb<'_> {
    fn to_sql(
        &self,
        _: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        out.put_u8(1);
        out.put_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::JSONB
    }

    to_sql_checked!();
}

/// `postgres://user:secret@host/db` → `postgres://user@host/db`.
pub(crate) fn without_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => "the database URL".to_string(),
    }
}

impl PostgresDestination {
    /// Connects to `url` (`postgres://…`) for `tenant` and creates the state table.
    pub fn open(url: &str, tenant: &str) -> Result<PostgresDestination, Error> {
        let (url, tenant) = (url.to_string(), tenant.to_string());
        let (work, jobs) = mpsc::channel::<Job>();
        let (ready_tx, ready) = mpsc::channel();
        std::thread::Builder::new()
            .name("servicetitan-postgres".into())
            .spawn(move || match Connection::open(&url, &tenant) {
                Ok(mut connection) => {
                    let _ = ready_tx.send(Ok(()));
                    for job in jobs {
                        job(&mut connection);
                    }
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                }
            })
            .map_err(|e| Error::Other(format!("could not start the PostgreSQL thread: {e}")))?;
        ready
            .recv()
            .map_err(|_| Error::Other("the PostgreSQL thread stopped".into()))??;
        Ok(PostgresDestination { work })
    }

    /// Runs `f` on the connection's thread and waits for its answer.
    fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        let (answer, result) = mpsc::channel();
        self.work
            .send(Box::new(move |c: &mut Connection| {
                let _ = answer.send(f(c));
            }))
            .map_err(|_| Error::Other("the PostgreSQL thread stopped".into()))?;
        result
            .recv()
            .map_err(|_| Error::Other("the PostgreSQL thread stopped".into()))?
    }
}

impl Connection {
    fn open(url: &str, tenant: &str) -> Result<Connection, Error> {
        let shown = without_password(url);
        let tenant: i64 = tenant
            .trim()
            .parse()
            .map_err(|_| Error::Config(format!("the tenant id {tenant:?} is not a number")))?;
        let config: Config = url
            .parse()
            .map_err(|e| Error::Config(format!("{shown}: not a PostgreSQL URL: {e}")))?;
        let db = match config.get_ssl_mode() {
            postgres::config::SslMode::Disable => config.connect(postgres::NoTls),
            _ => {
                let _ = rustls::crypto::ring::default_provider().install_default();
                let roots = rustls::RootCertStore::from_iter(
                    webpki_roots::TLS_SERVER_ROOTS.iter().cloned(),
                );
                let tls = rustls::ClientConfig::builder()
                    .with_root_certificates(roots)
                    .with_no_client_auth();
                config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
            }
        }
        .map_err(|e| pg_error(&shown, "connect to", e))?;
        let mut dest = Connection { db, tenant, shown };
        dest.db
            .batch_execute(&format!(
                "CREATE TABLE IF NOT EXISTS {STATE_TABLE} (
                     tenant_id bigint NOT NULL,
                     stream text NOT NULL,
                     state jsonb NOT NULL,
                     updated_at timestamptz NOT NULL,
                     PRIMARY KEY (tenant_id, stream)
                 );"
            ))
            .map_err(|e| pg_error(&dest.shown, "prepare", e))?;
        Ok(dest)
    }

    fn ensure_table(&mut self, stream: &StreamDef) -> Result<(), Error> {
        let table = stream.table();
        self.db
            .batch_execute(&format!(
                "CREATE TABLE IF NOT EXISTS \"{table}\" (
                     tenant_id bigint NOT NULL,
                     id text NOT NULL,
                     modified_on timestamptz,
                     record jsonb NOT NULL,
                     synced_at timestamptz NOT NULL,
                     deleted_at timestamptz,
                     PRIMARY KEY (tenant_id, id)
                 );
                 CREATE INDEX IF NOT EXISTS \"{table}_modified_on\"
                     ON \"{table}\" (tenant_id, modified_on);"
            ))
            .map_err(|e| pg_error(&self.shown, &format!("create table {table}"), e))
    }
}

/// The `id` column's text: a string id without its JSON quotes, anything else as written.
fn id_text(key: &str) -> String {
    serde_json::from_str::<String>(key).unwrap_or_else(|_| key.to_string())
}

fn time(s: &str) -> Result<DateTime<Utc>, Error> {
    parse_time(s).ok_or_else(|| Error::Other(format!("not a date-time: {s:?}")))
}

impl Destination for PostgresDestination {
    fn state(&mut self, stream: &StreamDef) -> Result<Option<StreamState>, Error> {
        let stream = *stream;
        self.call(move |c| c.state(&stream))
    }

    fn restart(&mut self, _: &StreamDef) -> Result<(), Error> {
        // Rows are replaced by id as they are read again.
        Ok(())
    }

    fn commit(&mut self, batch: &Batch<'_>) -> Result<(), Error> {
        // The connection's thread needs its own copy of the batch.
        let stream = *batch.stream;
        let records: Vec<Record> = batch.records.to_vec();
        let (state, synced_at) = (batch.state.clone(), batch.synced_at.to_string());
        self.call(move |c| c.commit(&stream, &records, &state, &synced_at))
    }

    fn mark_unseen_deleted(&mut self, unseen: &Unseen<'_>) -> Result<u64, Error> {
        let stream = *unseen.stream;
        let (since, at) = (unseen.since.to_string(), unseen.at.to_string());
        self.call(move |c| c.mark_unseen_deleted(&stream, &since, &at))
    }

    fn replaces_by_key(&self) -> bool {
        true
    }
}

impl Connection {
    fn state(&mut self, stream: &StreamDef) -> Result<Option<StreamState>, Error> {
        self.ensure_table(stream)?;
        let row = self
            .db
            .query_opt(
                &format!(
                    "SELECT state::text FROM {STATE_TABLE} WHERE tenant_id = $1 AND stream = $2"
                ),
                &[&self.tenant, &stream.name],
            )
            .map_err(|e| pg_error(&self.shown, "read the state", e))?;
        row.map(|r| {
            let text: String = r.get(0);
            serde_json::from_str(&text).map_err(|e| {
                Error::Config(format!(
                    "{}: the state of {} in {STATE_TABLE} is unreadable ({e}); delete that row \
                     to start the stream over",
                    self.shown, stream.name
                ))
            })
        })
        .transpose()
    }

    fn commit(
        &mut self,
        stream: &StreamDef,
        records: &[Record],
        state: &StreamState,
        synced_at: &str,
    ) -> Result<(), Error> {
        let table = stream.table();
        let shown = self.shown.clone();
        let synced_at = time(synced_at)?;
        let state_text = serde_json::to_string(state)
            .map_err(|e| Error::Other(format!("the sync state: {e}")))?;
        let mut tx = self
            .db
            .transaction()
            .map_err(|e| pg_error(&shown, "begin", e))?;
        if !records.is_empty() {
            // The staging table lives as long as the session and empties at each commit.
            tx.batch_execute(
                "CREATE TEMP TABLE IF NOT EXISTS st_stage (
                     n bigint, id text, modified_on timestamptz, record jsonb
                 ) ON COMMIT DELETE ROWS",
            )
            .map_err(|e| pg_error(&shown, "create the staging table", e))?;
            let sink = tx
                .copy_in("COPY st_stage (n, id, modified_on, record) FROM STDIN BINARY")
                .map_err(|e| pg_error(&shown, "start the copy", e))?;
            let mut writer = BinaryCopyInWriter::new(
                sink,
                &[Type::INT8, Type::TEXT, Type::TIMESTAMPTZ, Type::JSONB],
            );
            for (n, r) in records.iter().enumerate() {
                writer
                    .write(&[
                        &(n as i64),
                        &id_text(&r.key),
                        &r.modified_on,
                        &RawJsonb(r.json.get()),
                    ])
                    .map_err(|e| pg_error(&shown, &format!("copy id {} of {table}", r.key), e))?;
            }
            writer
                .finish()
                .map_err(|e| pg_error(&shown, &format!("copy a batch of {table}"), e))?;
            // The last version of a record a batch holds twice wins.
            tx.execute(
                &format!(
                    "INSERT INTO \"{table}\" (tenant_id, id, modified_on, record, synced_at, deleted_at)
                     SELECT DISTINCT ON (id) $1, id, modified_on, record, $2, NULL
                     FROM st_stage ORDER BY id, n DESC
                     ON CONFLICT (tenant_id, id) DO UPDATE SET
                         modified_on = excluded.modified_on,
                         record = excluded.record,
                         synced_at = excluded.synced_at,
                         deleted_at = NULL"
                ),
                &[&self.tenant, &synced_at],
            )
            .map_err(|e| pg_error(&shown, &format!("upsert a batch into {table}"), e))?;
        }
        tx.execute(
            &format!(
                "INSERT INTO {STATE_TABLE} (tenant_id, stream, state, updated_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (tenant_id, stream) DO UPDATE SET state = excluded.state,
                     updated_at = excluded.updated_at"
            ),
            &[
                &self.tenant,
                &stream.name,
                &RawJsonb(&state_text),
                &synced_at,
            ],
        )
        .map_err(|e| pg_error(&shown, "save the state", e))?;
        tx.commit()
            .map_err(|e| pg_error(&shown, &format!("commit a batch of {table}"), e))
    }

    fn mark_unseen_deleted(
        &mut self,
        stream: &StreamDef,
        since: &str,
        at: &str,
    ) -> Result<u64, Error> {
        let table = stream.table();
        self.db
            .execute(
                &format!(
                    "UPDATE \"{table}\" SET deleted_at = $1
                     WHERE tenant_id = $2 AND deleted_at IS NULL AND synced_at < $3"
                ),
                &[&time(at)?, &self.tenant, &time(since)?],
            )
            .map_err(|e| pg_error(&self.shown, &format!("mark deleted rows of {table}"), e))
    }
}

fn pg_error(shown: &str, action: &str, e: postgres::Error) -> Error {
    Error::Other(format!("PostgreSQL {shown}: could not {action}: {e}"))
}
