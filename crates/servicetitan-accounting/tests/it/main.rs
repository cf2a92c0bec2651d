//! The integration tests of `servicetitan-accounting`, one test binary: one module per area.

mod ap_credits;
mod ap_payments;
mod export;
mod gl_accounts;
mod inventory_bills;
mod invoices;
mod journal_entries;
mod lenient;
mod payment_terms;
mod payment_types;
mod payments;
mod tax_zones;
