//! The integration tests of `servicetitan-jbce`, one test binary: one module per area.

mod call_reasons;
