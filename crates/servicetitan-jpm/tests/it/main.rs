//! The integration tests of `servicetitan-jpm`, one test binary: one module per area.

mod appointments;
mod common;
mod export;
mod job_actions;
mod job_reasons;
mod job_types;
mod jobs;
mod project_statuses_and_types;
mod projects;
