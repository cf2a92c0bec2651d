//! The integration tests of `servicetitan-core`, one test binary: one module per area.

mod auth;
mod common;
mod config;
mod hooks;
mod limits;
mod paging;
mod retry;
mod upload;
