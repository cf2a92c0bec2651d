//! The integration tests of `servicetitan-findings`, one test binary: one module per area.

mod findings;
