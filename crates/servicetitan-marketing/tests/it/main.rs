//! The integration tests of `servicetitan-marketing`, one test binary: one module per area.

mod marketing;
