//! The integration tests of `servicetitan-payroll`, one test binary: one module per area.

mod payroll;
