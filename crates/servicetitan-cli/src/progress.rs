//! Progress on stderr for long work: records, records per second, elapsed time.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A spinner with the record count and rate, or nothing.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// Hidden when quiet or when stderr is not a terminal (scripts, CI logs).
    pub fn new(quiet: bool, what: &str) -> Self {
        if quiet {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix}: {msg}").expect("valid template"),
        );
        bar.set_prefix(what.to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress(Some(bar))
    }

    /// Shows the records written so far.
    pub fn update(&self, records: u64, elapsed: Duration) {
        if let Some(bar) = &self.0 {
            bar.set_message(line(records, elapsed));
        }
    }

    /// Shows the final count and leaves the line in place.
    pub fn finish(&self, records: u64, elapsed: Duration) {
        if let Some(bar) = &self.0 {
            bar.finish_with_message(line(records, elapsed));
        }
    }
}

fn line(records: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64().max(1e-9);
    format!(
        "{records} records, {:.0} records/s, {:.1} s",
        records as f64 / secs,
        secs
    )
}
