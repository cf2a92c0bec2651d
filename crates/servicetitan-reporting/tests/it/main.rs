//! The integration tests of `servicetitan-reporting`, one test binary: one module per area.

mod data_queries;
mod dynamic_value_sets;
mod reports;
