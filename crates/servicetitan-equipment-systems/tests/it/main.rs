//! The integration tests of `servicetitan-equipment-systems`, one test binary: one module per area.

mod installed_equipment;
