//! The integration tests of `servicetitan-task-management`, one test binary: one module per area.

mod tasks;
