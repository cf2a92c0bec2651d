//! The integration tests of `servicetitan-memberships`, one test binary: one module per area.

mod memberships;
