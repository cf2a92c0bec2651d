//! The integration tests of `servicetitan-timesheets`, one test binary: one module per area.

mod timesheets;
