//! Resumable exports: each batch is written and flushed, then the checkpoint records the
//! continuation token together with the output's length. A rerun truncates the output back to
//! that length and continues from the token, so a crash anywhere leaves no duplicate and no gap.

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use servicetitan::paging::ExportRequestExt;
use servicetitan::Error;

use crate::output::{Format, RecordWriter};
use crate::progress::Progress;
use servicetitan::dynamic::DynamicRequest;

/// What a checkpoint file holds.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Checkpoint {
    /// The module exported (`jpm`).
    pub module: String,
    /// The resource exported (`jobs`).
    pub resource: String,
    /// The token to pass as `from` to continue after the last written batch.
    pub continue_from: Option<String>,
    /// Bytes of the output that belong to written batches.
    pub output_bytes: u64,
    /// Records written so far, over all runs.
    pub records: u64,
    /// True once the server said `hasMore: false`; a rerun then starts an incremental pass.
    pub complete: bool,
}

impl Checkpoint {
    fn load(path: &Path) -> Result<Option<Checkpoint>, Error> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                Error::Config(format!(
                    "checkpoint {} is not readable: {e}",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::Io(e)),
        }
    }

    /// Written to a temporary file and renamed over the old one: never half a checkpoint.
    fn save(&self, path: &Path) -> Result<(), Error> {
        let tmp = path.with_extension("tmp");
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&serde_json::to_vec_pretty(self).expect("checkpoint serializes"))?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    }
}

/// Options of one export run.
pub struct ExportJob {
    /// The export operation with its query (`from`, `active`).
    pub request: DynamicRequest,
    /// The module's name, as the checkpoint records it.
    pub module: String,
    /// The resource's name, as the checkpoint records it.
    pub resource: String,
    /// NDJSON or CSV.
    pub format: Format,
    /// The output file; stdout when `None` (no resume then).
    pub output: Option<PathBuf>,
    /// The checkpoint file, read at the start and rewritten after every batch.
    pub checkpoint: Option<PathBuf>,
    /// Stop after this many batches.
    pub max_batches: Option<u64>,
    /// No progress spinner.
    pub quiet: bool,
}

/// What a run did.
pub struct ExportSummary {
    /// Records written by this run.
    pub records: u64,
    /// Batches written by this run.
    pub pages: u64,
    /// Wall-clock seconds the run took.
    pub seconds: f64,
}

/// Runs an export: resumes from the checkpoint if there is one, writes and flushes each
/// batch, then saves the checkpoint.
pub async fn run(job: ExportJob) -> Result<ExportSummary, Error> {
    let previous = match &job.checkpoint {
        Some(path) => Checkpoint::load(path)?,
        None => None,
    };
    if let Some(cp) = &previous {
        if cp.module != job.module || cp.resource != job.resource {
            return Err(Error::Config(format!(
                "checkpoint is for {} {}, not {} {}",
                cp.module, cp.resource, job.module, job.resource
            )));
        }
    }
    // Resume: cut the output back to what the checkpoint vouches for.
    let (sink, start_bytes): (Box<dyn Write>, u64) = match &job.output {
        Some(path) => {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(previous.is_none())
                .open(path)?;
            let keep = previous.as_ref().map(|c| c.output_bytes).unwrap_or(0);
            let have = file.metadata()?.len();
            if have < keep {
                return Err(Error::Config(format!(
                    "{} has {have} bytes but the checkpoint vouches for {keep}: it was changed or \
                     truncated since; start over without the checkpoint",
                    path.display()
                )));
            }
            file.set_len(keep)?;
            file.seek(SeekFrom::Start(keep))?;
            (Box::new(file), keep)
        }
        None => (Box::new(std::io::stdout()), 0),
    };
    let mut writer = RecordWriter::new(sink, job.format, start_bytes > 0);
    let from = previous.as_ref().and_then(|c| c.continue_from.clone());
    let mut records_total = previous.as_ref().map(|c| c.records).unwrap_or(0);
    let progress = Progress::new(job.quiet, &format!("{} {}", job.module, job.resource));
    let started = Instant::now();
    let mut records = 0u64;
    let mut pages = 0u64;
    let request = job.request.clone();
    let mut stream = std::pin::pin!(job.request.stream_export(from));
    while job.max_batches.is_none_or(|max| pages < max) {
        let Some(batch) = stream.next().await else {
            break;
        };
        let batch = batch.map_err(|e| request.name_paging_error(e))?;
        for item in &batch.items {
            writer.write(item)?;
        }
        let bytes = writer.flush()?;
        records += batch.items.len() as u64;
        records_total += batch.items.len() as u64;
        pages += 1;
        progress.update(records, started.elapsed());
        if let Some(path) = &job.checkpoint {
            Checkpoint {
                module: job.module.clone(),
                resource: job.resource.clone(),
                continue_from: batch.continue_from.clone(),
                output_bytes: start_bytes + bytes,
                records: records_total,
                complete: !batch.has_more,
            }
            .save(path)?;
        }
    }
    progress.finish(records, started.elapsed());
    Ok(ExportSummary {
        records,
        pages,
        seconds: started.elapsed().as_secs_f64(),
    })
}
