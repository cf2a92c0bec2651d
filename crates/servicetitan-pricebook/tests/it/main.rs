//! The integration tests of `servicetitan-pricebook`, one test binary: one module per area.

mod categories;
mod client_specific_pricing;
mod discounts_and_fees;
mod equipment;
mod images;
mod lenient;
mod materials;
mod materials_markup;
mod pricebook_bulk;
mod services;
