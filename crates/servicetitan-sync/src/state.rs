//! What a stream remembers between runs, saved by the destination together with each batch.

use serde::{Deserialize, Serialize};

/// A stream's saved position.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamState {
    /// Exports: the continuation token after the last committed batch (where the next run, or
    /// a resumed one, starts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Incremental lists: the highest `modifiedOn` of the last complete run (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watermark: Option<String>,
    /// The run in progress: a killed list run resumes at its next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunState>,
    /// Incremental lists: the record versions (`key@modifiedOn`) within the overlap below the
    /// watermark, which the next run reads again and a file destination then skips.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edge: Vec<String>,
    /// Records committed over all runs.
    #[serde(default)]
    pub records: u64,
    /// When the last run of the stream completed (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    /// When the stream was last read whole (a full run, a reconcile, or any run of a list read
    /// whole every time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_read_at: Option<String>,
}

/// A run in progress (lists: to resume at the next page; both kinds: to know what a whole read did not see).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunState {
    /// The `modifiedOnOrAfter` the run reads from (`None`: everything).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Lists: the next page to read.
    pub next_page: i32,
    /// The highest `modifiedOn` seen so far in the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_modified: Option<String>,
    /// Whether the run reads the stream whole (then unseen rows may be marked deleted at its end).
    #[serde(default)]
    pub whole: bool,
    /// When the run started (RFC 3339): rows not written since then are the unseen ones.
    pub started_at: String,
    /// Versions near the run's highest `modifiedOn` (see [`StreamState::edge`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edge: Vec<String>,
}
