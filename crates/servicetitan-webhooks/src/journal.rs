//! The journal: an NDJSON file that holds every accepted event, written and fsynced before the
//! sender hears 200, and the consumer that reads it behind a checkpoint of its own.
//!
//! # Format
//!
//! One line per accepted event:
//!
//! ```text
//! {"key":"id:4f1c…","receivedAt":"2026-03-01T12:00:00.123Z","event":{ …the body as sent… }}
//! ```
//!
//! `key` is the dedup key ([`Event::dedup_key`]), `receivedAt` the receipt time (UTC),
//! `event` the body's own text: numbers keep every digit and keys their order. The only
//! change is that line breaks between tokens (a pretty-printed body) become spaces, so the
//! event fits on its line; JSON strings cannot hold a raw line break, so no value changes.
//!
//! # Crashes
//!
//! A line is appended and fsynced before the delivery is answered, so an acknowledged event is
//! on disk. A crash in the middle of a write leaves a last line without its newline (or, after
//! a power loss, unreadable bytes at the end): [`Journal::open`] cuts such a tail off (that
//! delivery was never acknowledged, so the sender retries it) and reports it in
//! [`Journal::recovered`]. Unreadable lines *followed by* good ones are not a crash's trace;
//! opening fails and names the line.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use tokio::sync::oneshot;

use crate::event::Event;

/// Most lines written per fsync when deliveries arrive together.
const MAX_BATCH: usize = 1024;

/// What went wrong with a journal or a checkpoint. Messages name the file and the place.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// Reading or writing a file failed.
    #[error("{what} {path}: {source}")]
    Io {
        /// What was being done (`opening the journal`, ...).
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A line that is not a journal entry, followed by good lines (not a torn write).
    #[error(
        "{path}: line {line} (byte {offset}) is not a journal entry ({reason}); the lines \
         after it are, so this is damage, not an interrupted write"
    )]
    Corrupt {
        /// The journal.
        path: PathBuf,
        /// The line number (1-based).
        line: u64,
        /// Where the line starts.
        offset: u64,
        /// Why it is not an entry.
        reason: String,
    },
    /// A complete line the consumer cannot read as an entry.
    #[error("{path}: the line at byte {offset} is not a journal entry ({reason})")]
    BadEntry {
        /// The journal.
        path: PathBuf,
        /// Where the line starts.
        offset: u64,
        /// Why it is not an entry.
        reason: String,
    },
    /// The checkpoint does not fit the journal (a replaced or truncated journal).
    #[error("checkpoint {path}: {reason}")]
    Checkpoint {
        /// The checkpoint file.
        path: PathBuf,
        /// What does not fit.
        reason: String,
    },
    /// The journal's writer has stopped (its thread ended after an earlier error).
    #[error("the journal writer has stopped")]
    Closed,
}

fn io<'a>(what: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> JournalError + 'a {
    move |source| JournalError::Io {
        what,
        path: path.to_path_buf(),
        source,
    }
}

/// What happened to an appended event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A new event: its line is on disk.
    Stored,
    /// An event already in the journal (same dedup key): nothing was written.
    Duplicate,
}

/// What [`Journal::open`] cut off the end of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recovery {
    /// Bytes removed.
    pub truncated_bytes: u64,
    /// The length the journal was cut back to.
    pub kept_bytes: u64,
}

/// One line of the journal.
#[derive(Debug, Deserialize)]
pub struct Entry {
    /// The dedup key ([`Event::dedup_key`]).
    pub key: String,
    /// When the listener accepted the event (UTC, RFC 3339).
    #[serde(rename = "receivedAt")]
    pub received_at: String,
    /// The event's body as sent.
    pub event: Box<RawValue>,
    /// Where the line starts in the journal.
    #[serde(skip)]
    pub offset: u64,
    /// Where the next line starts: the checkpoint offset once this entry is processed.
    #[serde(skip)]
    pub end: u64,
}

impl Entry {
    /// Reads the event's envelope (type, id, times) from the stored body.
    pub fn parse_event(&self) -> Result<Event, crate::event::NotJson> {
        Event::parse(self.event.get().as_bytes())
    }
}

/// A journal line as written.
#[derive(Serialize)]
struct LineOut<'a> {
    key: &'a str,
    #[serde(rename = "receivedAt")]
    received_at: &'a str,
    event: &'a RawValue,
}

/// The line for `event`, newline included.
pub(crate) fn line_for(event: &Event, key: &str, received_at: &str) -> Vec<u8> {
    let text = event.raw().get();
    let one_line;
    let raw: &RawValue = if text.contains(['\n', '\r']) {
        // Line breaks can only be whitespace between tokens: spaces keep every value.
        one_line = RawValue::from_string(text.replace(['\n', '\r'], " "))
            .expect("replacing whitespace keeps JSON valid");
        &one_line
    } else {
        event.raw()
    };
    let mut line = serde_json::to_vec(&LineOut {
        key,
        received_at,
        event: raw,
    })
    .expect("a journal line serializes");
    line.push(b'\n');
    line
}

struct Append {
    key: String,
    line: Vec<u8>,
    reply: oneshot::Sender<Result<Outcome, Arc<std::io::Error>>>,
}

/// Where the writer puts lines.
enum Sink {
    /// A journal file: appended, fsynced, cut back after a failed write.
    File { file: File, len: u64 },
    /// Any writer (stdout): written and flushed, no durability.
    Writer(Box<dyn Write + Send>),
}

impl Sink {
    fn write_batch(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::File { file, len } => {
                let result = file.write_all(buf).and_then(|()| file.sync_data());
                match result {
                    Ok(()) => {
                        *len += buf.len() as u64;
                        Ok(())
                    }
                    Err(e) => {
                        // Leave no partial line for the next batch to follow.
                        let _ = file.set_len(*len).and_then(|()| file.sync_data());
                        Err(e)
                    }
                }
            }
            Sink::Writer(w) => w.write_all(buf).and_then(|()| w.flush()),
        }
    }
}

/// The append side of the journal: deduplicates by key and makes each line durable before
/// [`append`](Self::append) returns.
///
/// Appends from many tasks are written by one thread, a batch per fsync (group commit), so
/// concurrent deliveries share the cost of the disk flush. Cloning gives another handle to
/// the same writer.
#[derive(Clone)]
pub struct Journal {
    tx: mpsc::Sender<Append>,
    path: Option<PathBuf>,
    recovered: Option<Recovery>,
    entries: u64,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("path", &self.path)
            .field("recovered", &self.recovered)
            .finish_non_exhaustive()
    }
}

impl Journal {
    /// Opens (or creates) the journal at `path`: reads the keys already stored, so a
    /// redelivery after a restart is still recognized, and cuts off a torn last line.
    pub fn open(path: impl AsRef<Path>) -> Result<Journal, JournalError> {
        let path = path.as_ref().to_path_buf();
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(io("opening the journal", &path))?;
        let scan = scan(&mut file, &path)?;
        let recovered = if scan.good_len < scan.file_len {
            file.set_len(scan.good_len)
                .and_then(|()| file.sync_all())
                .map_err(io("cutting the torn end off the journal", &path))?;
            Some(Recovery {
                truncated_bytes: scan.file_len - scan.good_len,
                kept_bytes: scan.good_len,
            })
        } else {
            None
        };
        let entries = scan.keys.len() as u64;
        let tx = spawn_writer(
            Sink::File {
                file,
                len: scan.good_len,
            },
            scan.keys,
        );
        Ok(Journal {
            tx,
            path: Some(path),
            recovered,
            entries,
        })
    }

    /// A journal that writes its lines to `writer` (e.g. stdout) and flushes after each
    /// batch. It remembers keys only while it runs and is only as durable as the writer.
    pub fn to_writer(writer: impl Write + Send + 'static) -> Journal {
        Journal {
            tx: spawn_writer(Sink::Writer(Box::new(writer)), HashSet::new()),
            path: None,
            recovered: None,
            entries: 0,
        }
    }

    /// The journal file, if this journal has one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// What opening the journal cut off its end, if anything.
    pub fn recovered(&self) -> Option<&Recovery> {
        self.recovered.as_ref()
    }

    /// How many entries the file held when it was opened.
    pub fn entries_at_open(&self) -> u64 {
        self.entries
    }

    /// Appends `event` unless an event with its dedup key is already stored; returns once
    /// the line is on disk (or was found to be a duplicate of a line that is).
    pub async fn append(&self, event: &Event) -> Result<Outcome, JournalError> {
        let key = event.dedup_key();
        let received_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let line = line_for(event, &key, &received_at);
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Append { key, line, reply })
            .map_err(|_| JournalError::Closed)?;
        match rx.await {
            Ok(Ok(outcome)) => Ok(outcome),
            Ok(Err(e)) => Err(JournalError::Io {
                what: "writing the journal",
                path: self
                    .path
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("<output>")),
                source: std::io::Error::new(e.kind(), e.to_string()),
            }),
            Err(_) => Err(JournalError::Closed),
        }
    }
}

/// Starts the writer thread; it ends when every [`Journal`] handle is dropped.
fn spawn_writer(mut sink: Sink, mut seen: HashSet<String>) -> mpsc::Sender<Append> {
    let (tx, rx) = mpsc::channel::<Append>();
    std::thread::Builder::new()
        .name("webhook-journal".into())
        .spawn(move || {
            let mut batch: Vec<(Append, Outcome)> = Vec::new();
            let mut buf = Vec::new();
            while let Ok(first) = rx.recv() {
                batch.clear();
                buf.clear();
                let mut next = Some(first);
                while let Some(item) = next.take() {
                    let outcome = if seen.insert(item.key.clone()) {
                        buf.extend_from_slice(&item.line);
                        Outcome::Stored
                    } else {
                        Outcome::Duplicate
                    };
                    batch.push((item, outcome));
                    if batch.len() < MAX_BATCH {
                        next = rx.try_recv().ok();
                    }
                }
                let result = if buf.is_empty() {
                    Ok(())
                } else {
                    sink.write_batch(&buf).map_err(Arc::new)
                };
                for (item, outcome) in batch.drain(..) {
                    let reply = match &result {
                        Ok(()) => Ok(outcome),
                        Err(e) => {
                            // Not stored: a retry must be able to store it.
                            if outcome == Outcome::Stored {
                                seen.remove(&item.key);
                            }
                            Err(Arc::clone(e))
                        }
                    };
                    let _ = item.reply.send(reply);
                }
            }
        })
        .expect("the journal's writer thread starts");
    tx
}

struct Scan {
    keys: HashSet<String>,
    good_len: u64,
    file_len: u64,
}

/// Reads every line of the journal: the keys of good lines, and where the good part ends.
fn scan(file: &mut File, path: &Path) -> Result<Scan, JournalError> {
    file.seek(SeekFrom::Start(0))
        .map_err(io("reading the journal", path))?;
    let mut reader = BufReader::new(&mut *file);
    let mut keys = HashSet::new();
    let mut offset = 0u64;
    let mut good_len = 0u64;
    let mut first_bad: Option<(u64, u64, String)> = None;
    let mut line_no = 0u64;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(io("reading the journal", path))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let start = offset;
        offset += n as u64;
        if line.last() != Some(&b'\n') {
            // The last line, without its newline: an interrupted write.
            break;
        }
        match parse_line(&line) {
            Ok(key) => {
                if let Some((bad_line, bad_offset, reason)) = first_bad.take() {
                    return Err(JournalError::Corrupt {
                        path: path.to_path_buf(),
                        line: bad_line,
                        offset: bad_offset,
                        reason,
                    });
                }
                keys.insert(key);
                good_len = offset;
            }
            Err(reason) => {
                if first_bad.is_none() {
                    first_bad = Some((line_no, start, reason));
                }
            }
        }
    }
    Ok(Scan {
        keys,
        good_len,
        file_len: offset,
    })
}

/// The key of a journal line, or why it is not one.
fn parse_line(line: &[u8]) -> Result<String, String> {
    #[derive(Deserialize)]
    struct Key {
        key: String,
        #[allow(dead_code)]
        event: serde::de::IgnoredAny,
    }
    serde_json::from_slice::<Key>(line)
        .map(|k| k.key)
        .map_err(|e| e.to_string())
}

/// How far a consumer has processed the journal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The journal offset after the last processed entry (a line boundary).
    pub offset: u64,
    /// The length of the consumer's own output at that point, when it has one: after a
    /// crash, the output is cut back to it, so nothing written after the checkpoint is
    /// doubled.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "outputLen")]
    pub output_len: Option<u64>,
}

/// Reads the journal after its own checkpoint.
///
/// The consumer never reads a line that is not complete yet (one being written, or a torn
/// one). Read entries with [`next_entry`](Self::next_entry), process them, then [`commit`](Self::commit)
/// the last one's [`end`](Entry::end): the checkpoint file is replaced atomically (written
/// beside it, fsynced, renamed). A crash before the commit reads the same entries again on
/// restart, so nothing is lost; to process nothing twice, make the processing's effect part
/// of the checkpoint (as [`Relay`] does with its output's length) or idempotent by
/// [`Entry::key`].
#[derive(Debug)]
pub struct Consumer {
    journal: PathBuf,
    checkpoint_path: PathBuf,
    reader: BufReader<File>,
    position: u64,
    committed: Checkpoint,
}

impl Consumer {
    /// Opens the journal for reading from the checkpoint in `checkpoint` (from the start
    /// when the file does not exist yet).
    pub fn open(
        journal: impl AsRef<Path>,
        checkpoint: impl AsRef<Path>,
    ) -> Result<Consumer, JournalError> {
        let journal = journal.as_ref().to_path_buf();
        let checkpoint_path = checkpoint.as_ref().to_path_buf();
        let committed = read_checkpoint(&checkpoint_path)?;
        let mut file = File::open(&journal).map_err(io("opening the journal", &journal))?;
        let len = file
            .metadata()
            .map_err(io("reading the journal", &journal))?
            .len();
        let bad = |reason: String| JournalError::Checkpoint {
            path: checkpoint_path.clone(),
            reason,
        };
        if committed.offset > len {
            return Err(bad(format!(
                "offset {} is past the end of {} ({len} bytes); was the journal replaced?",
                committed.offset,
                journal.display()
            )));
        }
        if committed.offset > 0 {
            let mut byte = [0u8];
            file.seek(SeekFrom::Start(committed.offset - 1))
                .and_then(|_| file.read_exact(&mut byte))
                .map_err(io("reading the journal", &journal))?;
            if byte[0] != b'\n' {
                return Err(bad(format!(
                    "offset {} is not the start of a line of {}",
                    committed.offset,
                    journal.display()
                )));
            }
        }
        file.seek(SeekFrom::Start(committed.offset))
            .map_err(io("reading the journal", &journal))?;
        Ok(Consumer {
            journal,
            checkpoint_path,
            reader: BufReader::new(file),
            position: committed.offset,
            committed,
        })
    }

    /// The last committed checkpoint.
    pub fn checkpoint(&self) -> Checkpoint {
        self.committed
    }

    /// The next complete entry after those already read, or `None` when there is none yet.
    pub fn next_entry(&mut self) -> Result<Option<Entry>, JournalError> {
        let mut line = Vec::new();
        let n = self
            .reader
            .read_until(b'\n', &mut line)
            .map_err(io("reading the journal", &self.journal))?;
        if n == 0 || line.last() != Some(&b'\n') {
            // Nothing, or a line still being written: read it again next time.
            self.reader
                .seek(SeekFrom::Start(self.position))
                .map_err(io("reading the journal", &self.journal))?;
            return Ok(None);
        }
        let start = self.position;
        let mut entry: Entry =
            serde_json::from_slice(&line).map_err(|e| JournalError::BadEntry {
                path: self.journal.clone(),
                offset: start,
                reason: e.to_string(),
            })?;
        self.position += n as u64;
        entry.offset = start;
        entry.end = self.position;
        Ok(Some(entry))
    }

    /// Goes back to the committed checkpoint: entries read since are read again.
    pub fn rewind(&mut self) -> Result<(), JournalError> {
        self.position = self.committed.offset;
        self.reader
            .seek(SeekFrom::Start(self.position))
            .map_err(io("reading the journal", &self.journal))?;
        Ok(())
    }

    /// Records `checkpoint` durably (temp file, fsync, rename, fsync of the directory).
    pub fn commit(&mut self, checkpoint: Checkpoint) -> Result<(), JournalError> {
        write_checkpoint(&self.checkpoint_path, &checkpoint)?;
        self.committed = checkpoint;
        Ok(())
    }
}

fn read_checkpoint(path: &Path) -> Result<Checkpoint, JournalError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| JournalError::Checkpoint {
            path: path.to_path_buf(),
            reason: format!("not a checkpoint: {e}"),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Checkpoint::default()),
        Err(e) => Err(io("reading the checkpoint", path)(e)),
    }
}

fn write_checkpoint(path: &Path, checkpoint: &Checkpoint) -> Result<(), JournalError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let body = serde_json::to_vec(checkpoint).expect("a checkpoint serializes");
    let write = || -> std::io::Result<()> {
        let mut f = File::create(&tmp)?;
        f.write_all(&body)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        sync_dir(path)
    };
    write().map_err(io("writing the checkpoint", path))
}

/// Makes a rename in `path`'s directory durable (a no-op where directories cannot be opened).
fn sync_dir(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// A consumer that copies each event's body, one per line, to an NDJSON output file,
/// exactly once across crashes: the checkpoint holds the output's length, and opening cuts
/// the output back to it, so lines written after the last commit are written again, once.
#[derive(Debug)]
pub struct Relay {
    consumer: Consumer,
    output: File,
    output_path: PathBuf,
    output_len: u64,
}

impl Relay {
    /// Opens the journal, its checkpoint and the output (created if missing). An output
    /// that has content but no checkpoint is refused rather than overwritten.
    pub fn open(
        journal: impl AsRef<Path>,
        checkpoint: impl AsRef<Path>,
        output: impl AsRef<Path>,
    ) -> Result<Relay, JournalError> {
        let consumer = Consumer::open(journal, &checkpoint)?;
        let output_path = output.as_ref().to_path_buf();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&output_path)
            .map_err(io("opening the output", &output_path))?;
        let len = file
            .metadata()
            .map_err(io("reading the output", &output_path))?
            .len();
        let keep = match consumer.checkpoint().output_len {
            Some(n) if n <= len => n,
            Some(n) => {
                return Err(JournalError::Checkpoint {
                    path: checkpoint.as_ref().to_path_buf(),
                    reason: format!(
                        "it says the output has {n} bytes, but {} has {len}",
                        output_path.display()
                    ),
                })
            }
            None if len == 0 => 0,
            None => {
                return Err(JournalError::Checkpoint {
                    path: checkpoint.as_ref().to_path_buf(),
                    reason: format!(
                        "missing, but the output {} is not empty; refusing to overwrite it",
                        output_path.display()
                    ),
                })
            }
        };
        file.set_len(keep)
            .and_then(|()| file.sync_all())
            .map_err(io(
                "cutting the output back to its checkpoint",
                &output_path,
            ))?;
        let mut output = file;
        output
            .seek(SeekFrom::Start(keep))
            .map_err(io("writing the output", &output_path))?;
        Ok(Relay {
            consumer,
            output,
            output_path,
            output_len: keep,
        })
    }

    /// Copies up to `max` new entries and commits; returns how many were copied.
    pub fn step(&mut self, max: usize) -> Result<usize, JournalError> {
        let mut copied = 0;
        let mut end = None;
        let mut buf = Vec::new();
        while copied < max {
            let Some(entry) = self.consumer.next_entry()? else {
                break;
            };
            buf.extend_from_slice(entry.event.get().as_bytes());
            buf.push(b'\n');
            end = Some(entry.end);
            copied += 1;
        }
        let Some(end) = end else {
            return Ok(0);
        };
        self.output
            .write_all(&buf)
            .and_then(|()| self.output.sync_data())
            .map_err(io("writing the output", &self.output_path))?;
        self.output_len += buf.len() as u64;
        self.consumer.commit(Checkpoint {
            offset: end,
            output_len: Some(self.output_len),
        })?;
        Ok(copied)
    }

    /// The consumer underneath (its checkpoint, ...).
    pub fn consumer(&self) -> &Consumer {
        &self.consumer
    }
}
