//! The integration tests of `servicetitan-forms`, one test binary: one module per area.

mod forms;
