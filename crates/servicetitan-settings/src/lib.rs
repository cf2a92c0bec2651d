//! Generated client for the ServiceTitan Settings API (module `settings`).
//!
//! The client and models are generated from `specs/settings.yaml` into `generated.rs`; this file only
//! attaches the runtime (auth, limits, retries) from `servicetitan-core`.

#[rustfmt::skip] // generated code stays byte-identical to what `cargo xtask codegen` writes
mod generated;
pub use generated::*;

servicetitan_core::attach_runtime!();
