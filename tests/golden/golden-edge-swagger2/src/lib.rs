//! Generated client for the Edge cases Swagger 2.0 (module `edge-swagger2`).
//!
//! The client and models are generated from `tests/fixtures/codegen/edge-swagger2.json` into `generated.rs`; this file only
//! attaches the runtime (auth, limits, retries) from `servicetitan-core`.

#[rustfmt::skip] // generated code stays byte-identical to what `cargo xtask codegen` writes
mod generated;
pub use generated::*;

servicetitan_core::attach_runtime!();
