//! The integration tests of `servicetitan-scheduling-pro`, one test binary: one module per area.

mod scheduling_pro;
