//! ServiceTitan SDK facade.
