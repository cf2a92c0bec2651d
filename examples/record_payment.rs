//! Record a payment against an invoice's balance, with the typed request models only.
//!
//! `cargo run --example record_payment`

mod common;

use servicetitan::accounting::types::{PaymentCreateRequest, PaymentSplit};
use servicetitan::types::{DateTime, Decimal};

async fn run() -> Result<(), servicetitan::Error> {
    let (st, _mock) = common::connect().await?;
    let accounting = st.accounting();

    // An invoice with something left to pay.
    let invoices = accounting
        .list_invoices()
        .page_size(50)
        .send()
        .await?
        .into_inner()
        .data;
    let (invoice, balance) = common::first(
        Some(
            invoices
                .unwrap_or_default()
                .into_iter()
                .filter_map(|invoice| {
                    // Money is a decimal written exactly as given: 1234.10 stays 1234.10.
                    let balance: Decimal = invoice.balance.as_deref()?.parse().ok()?;
                    let owed = balance.0.is_sign_positive() && !balance.0.is_zero();
                    owed.then_some((invoice, balance))
                })
                .collect(),
        ),
        "invoice with a balance",
    )?;
    let payment_type = common::first(
        accounting
            .list_payment_types()
            .page_size(1)
            .send()
            .await?
            .into_inner()
            .data,
        "payment type",
    )?;
    let paid_on: DateTime = "2026-12-01T17:30:00Z".parse()?;

    let payment = PaymentCreateRequest::builder()
        .type_id(payment_type.id)
        .customer_id(invoice.customer.as_ref().and_then(|c| c.id))
        .amount(balance)
        .paid_on(paid_on)
        .memo("Paid in full at the door".to_string())
        .splits(vec![PaymentSplit {
            invoice_id: Some(invoice.id),
            invoice_number: None,
            amount: Some(balance),
        }]);
    let payment = accounting
        .create_payment()
        .body(payment)
        .send()
        .await?
        .into_inner();
    println!(
        "payment {} of {balance} recorded against invoice {}",
        payment.id, invoice.id
    );
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}
