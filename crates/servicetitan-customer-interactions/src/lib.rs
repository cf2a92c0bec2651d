//! Generated client for the ServiceTitan Customer Interactions API (module `customer-interactions`).
//!
//! The client and models are generated from `specs/customer-interactions.yaml` into `generated.rs`; this file only
//! attaches the runtime (auth, limits, retries) from `servicetitan-core`.

#[rustfmt::skip] // generated code stays byte-identical to what `cargo xtask codegen` writes
mod generated;
pub use generated::*;

servicetitan_core::attach_runtime!();
