//! Generated client for the ServiceTitan Payroll API (module `payroll`).
//!
//! The client and models are generated from `specs/payroll.yaml` into `generated.rs`; this file only
//! attaches the runtime (auth, limits, retries) from `servicetitan-core`.

#[rustfmt::skip] // generated code stays byte-identical to what `cargo xtask codegen` writes
mod generated;
pub use generated::*;

servicetitan_core::attach_runtime!();
