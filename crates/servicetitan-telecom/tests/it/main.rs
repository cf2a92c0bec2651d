//! The integration tests of `servicetitan-telecom`, one test binary: one module per area.

mod call_media;
mod calls;
mod export;
mod opt_outs;
