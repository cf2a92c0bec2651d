//! The integration tests of `servicetitan-service-agreements`, one test binary: one module per area.

mod service_agreements;
