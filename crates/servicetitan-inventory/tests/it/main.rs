//! The integration tests of `servicetitan-inventory`, one test binary: one module per area.

mod adjustments;
mod lenient;
mod purchase_order_markups;
mod purchase_order_types;
mod purchase_orders;
mod receipts;
mod return_types;
mod returns;
mod transfers;
mod trucks;
mod vendors;
mod warehouses;
