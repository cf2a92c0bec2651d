//! The integration tests of `servicetitan-settings`, one test binary: one module per area.

mod business_units;
mod common;
mod employees;
mod tag_types;
mod technicians;
mod user_roles;
