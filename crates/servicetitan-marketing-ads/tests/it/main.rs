//! The integration tests of `servicetitan-marketing-ads`, one test binary: one module per area.

mod web_booking_attributions;
