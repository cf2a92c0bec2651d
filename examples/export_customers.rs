//! Export all customers with a checkpoint: stop it at any time and run it again to continue.
//!
//! `cargo run --example export_customers -- customers.ndjson customers.token`

mod common;

use std::io::Write;

use futures::StreamExt;
use servicetitan::paging::ExportRequestExt;

async fn run() -> Result<(), servicetitan::Error> {
    let mut args = std::env::args().skip(1);
    let out_path = args.next().unwrap_or_else(|| "customers.ndjson".into());
    let token_path = args.next().unwrap_or_else(|| "customers.token".into());
    let (st, _mock) = common::connect().await?;

    // The token saved after the last complete batch, if any.
    let saved = std::fs::read_to_string(&token_path)
        .ok()
        .filter(|t| !t.is_empty());
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&out_path)?;
    let crm = st.crm();
    let mut batches = std::pin::pin!(crm.export_customers().stream_export(saved));
    let mut total = 0;
    while let Some(batch) = batches.next().await {
        let batch = batch?;
        for customer in &batch.items {
            serde_json::to_writer(&mut out, customer).expect("customers serialize");
            out.write_all(b"\n")?;
        }
        out.sync_data()?;
        // Written first, then the token: a crash in between repeats one batch, never skips one.
        if let Some(token) = &batch.continue_from {
            std::fs::write(&token_path, token)?;
        }
        total += batch.items.len();
    }
    println!("{total} customers appended to {out_path}; next run continues from {token_path}");
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}
