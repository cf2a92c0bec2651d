//! End-to-end tests of the facade against the mock tenant, one test binary.

mod every_operation;
mod facade;
mod strict_requests;
