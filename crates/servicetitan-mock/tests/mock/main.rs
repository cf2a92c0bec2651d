//! End-to-end tests of the mock over loopback HTTP.

mod auth;
mod common;
mod export;
mod limits;
mod paging;
mod reporting;
mod telecom;
mod writes;
