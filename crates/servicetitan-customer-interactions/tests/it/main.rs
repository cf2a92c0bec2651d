//! The integration tests of `servicetitan-customer-interactions`, one test binary: one module per area.

mod technician_ratings;
