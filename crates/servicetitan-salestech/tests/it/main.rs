//! The integration tests of `servicetitan-salestech`, one test binary: one module per area.

mod estimates;
