//! A directory: `<stream>.ndjson` per stream (one record per line, as sent) and `state.json`
//! with every stream's state and the length of its file at its last commit. A batch is appended
//! and synced before the state that counts it is written (atomically: a temporary file renamed
//! over the old one); on the next run, bytes past the recorded length — a batch whose state
//! never got written — are cut off, so the batch is read again and written once.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use servicetitan::Error;

use super::{Batch, Destination, Unseen};
use crate::catalog::StreamDef;
use crate::state::StreamState;

/// The name of the state file in the directory.
pub const STATE_FILE: &str = "state.json";

#[derive(Default, Serialize, Deserialize)]
struct DirState {
    streams: BTreeMap<String, SavedStream>,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SavedStream {
    #[serde(flatten)]
    state: StreamState,
    /// The length of the stream's file when the state was written.
    file_bytes: u64,
}

/// See the module docs.
pub struct DirDestination {
    dir: PathBuf,
    saved: DirState,
    /// Open files, by stream.
    files: BTreeMap<String, File>,
}

impl DirDestination {
    /// Opens `dir`, creating it when missing, and reads its state file.
    pub fn open(dir: &Path) -> Result<DirDestination, Error> {
        fs::create_dir_all(dir).map_err(|e| io_error(dir, "create the directory", e))?;
        let path = dir.join(STATE_FILE);
        let saved = match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::Config(format!(
                    "{} is not a sync state file ({e}); move it away to start over",
                    path.display()
                ))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => DirState::default(),
            Err(e) => return Err(io_error(&path, "read", e)),
        };
        Ok(DirDestination {
            dir: dir.to_path_buf(),
            saved,
            files: BTreeMap::new(),
        })
    }

    fn file_path(&self, stream: &StreamDef) -> PathBuf {
        self.dir.join(format!("{}.ndjson", stream.name))
    }

    /// The stream's file, opened for appending and cut back to its committed length.
    fn file(&mut self, stream: &StreamDef) -> Result<&mut File, Error> {
        if !self.files.contains_key(stream.name) {
            let path = self.file_path(stream);
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| io_error(&path, "open", e))?;
            let committed = self
                .saved
                .streams
                .get(stream.name)
                .map_or(0, |s| s.file_bytes);
            let len = file
                .metadata()
                .map_err(|e| io_error(&path, "read the length of", e))?
                .len();
            if len != committed {
                if len < committed {
                    return Err(Error::Config(format!(
                        "{} is shorter ({len} bytes) than its state says ({committed}): it was \
                         changed outside the sync; delete it and its entry in {STATE_FILE}, or \
                         run with --full",
                        path.display()
                    )));
                }
                tracing::info!(
                    stream = stream.name,
                    dropped = len - committed,
                    "cutting off a batch whose state was never written"
                );
                file.set_len(committed)
                    .map_err(|e| io_error(&path, "truncate", e))?;
            }
            self.files.insert(stream.name.to_string(), file);
        }
        Ok(self.files.get_mut(stream.name).expect("inserted above"))
    }

    fn write_state(&self) -> Result<(), Error> {
        let path = self.dir.join(STATE_FILE);
        let tmp = self.dir.join(format!("{STATE_FILE}.tmp"));
        let bytes = serde_json::to_vec_pretty(&self.saved)
            .map_err(|e| Error::Other(format!("the sync state: {e}")))?;
        let mut f = File::create(&tmp).map_err(|e| io_error(&tmp, "create", e))?;
        f.write_all(&bytes)
            .and_then(|()| f.sync_all())
            .map_err(|e| io_error(&tmp, "write", e))?;
        fs::rename(&tmp, &path).map_err(|e| io_error(&path, "replace", e))?;
        // The rename itself survives a crash once the directory is synced.
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

impl Destination for DirDestination {
    fn state(&mut self, stream: &StreamDef) -> Result<Option<StreamState>, Error> {
        self.file(stream)?;
        Ok(self.saved.streams.get(stream.name).map(|s| s.state.clone()))
    }

    fn restart(&mut self, stream: &StreamDef) -> Result<(), Error> {
        let path = self.file_path(stream);
        let file = self.file(stream)?;
        file.set_len(0)
            .map_err(|e| io_error(&path, "truncate", e))?;
        file.sync_all().map_err(|e| io_error(&path, "sync", e))?;
        let entry = self
            .saved
            .streams
            .entry(stream.name.to_string())
            .or_insert_with(|| SavedStream {
                state: StreamState::default(),
                file_bytes: 0,
            });
        entry.file_bytes = 0;
        entry.state.records = 0;
        self.write_state()
    }

    fn commit(&mut self, batch: &Batch<'_>) -> Result<(), Error> {
        let Batch {
            stream,
            records,
            state,
            ..
        } = *batch;
        let path = self.file_path(stream);
        let file = self.file(stream)?;
        if !records.is_empty() {
            let mut buf = Vec::with_capacity(records.iter().map(|r| r.json.get().len() + 1).sum());
            for r in records {
                buf.extend_from_slice(r.json.get().as_bytes());
                buf.push(b'\n');
            }
            file.write_all(&buf)
                .and_then(|()| file.sync_data())
                .map_err(|e| io_error(&path, "append to", e))?;
        }
        let file_bytes = file
            .metadata()
            .map_err(|e| io_error(&path, "read the length of", e))?
            .len();
        self.saved.streams.insert(
            stream.name.to_string(),
            SavedStream {
                state: state.clone(),
                file_bytes,
            },
        );
        self.write_state()
    }

    fn mark_unseen_deleted(&mut self, _: &Unseen<'_>) -> Result<u64, Error> {
        // A file is a log of what was read; it has no rows to mark.
        Ok(0)
    }

    fn replaces_by_key(&self) -> bool {
        false
    }
}

fn io_error(path: &Path, action: &str, e: std::io::Error) -> Error {
    Error::Io(std::io::Error::new(
        e.kind(),
        format!("could not {action} {}: {e}", path.display()),
    ))
}
