//! The integration tests of `servicetitan-marketing-reputation`, one test binary: one module per area.

mod reviews;
