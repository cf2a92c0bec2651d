//! End-to-end tests of the mock over loopback HTTP, and its answers checked against the specs;
//! one test binary.

mod auth;
mod common;
mod export;
mod limits;
mod paging;
mod reporting;
mod spec_conformance;
mod telecom;
mod webhooks;
mod writes;
