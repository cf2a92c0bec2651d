//! Generated client for the Edge cases 3.0 (module `edge30`).
//!
//! The client and models are generated from `tests/fixtures/codegen/edge30.json` into `generated.rs`; this file only
//! attaches the runtime (auth, limits, retries) from `servicetitan-core`.

#[rustfmt::skip] // generated code stays byte-identical to what `cargo xtask codegen` writes
mod generated;
pub use generated::*;

servicetitan_core::attach_runtime!();
