//! Generated client for the Edge cases 3.1 (module `edge31`).
//!
//! The client and models are generated from `tests/fixtures/codegen/edge31.yaml` into `generated.rs`; this file only
//! attaches the runtime (auth, limits, retries) from `servicetitan-core`.

#[rustfmt::skip] // generated code stays byte-identical to what `cargo xtask codegen` writes
mod generated;
pub use generated::*;

servicetitan_core::attach_runtime!();
