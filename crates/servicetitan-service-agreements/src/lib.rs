//! Generated client for the ServiceTitan Service Agreements API (module `service-agreements`).
//!
//! The client and models are generated from `specs/service-agreements.yaml` into `generated.rs`; this file only
//! attaches the runtime (auth, limits, retries) from `servicetitan-core`.

mod generated;
pub use generated::*;

servicetitan_core::attach_runtime!();
