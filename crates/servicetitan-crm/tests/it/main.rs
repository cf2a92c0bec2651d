//! The integration tests of `servicetitan-crm`, one test binary: one module per area.

mod booking_provider_tags;
mod bookings;
mod bulk_tags;
mod contact_methods;
mod contacts;
mod customers;
mod export;
mod leads;
mod locations;
