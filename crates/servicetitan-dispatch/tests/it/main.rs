//! The integration tests of `servicetitan-dispatch`, one test binary: one module per area.

mod appointment_assignments;
mod arrival_windows;
mod business_hours;
mod capacity;
mod common;
mod gps_pings;
mod non_job_appointments;
mod teams;
mod technician_shifts;
mod zones;
