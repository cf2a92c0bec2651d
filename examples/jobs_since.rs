//! Pull every job modified since a date into an NDJSON file.
//!
//! `cargo run --example jobs_since -- 2024-06-01 jobs.ndjson`

mod common;

use std::io::Write;

use futures::StreamExt;
use servicetitan::paging::ListRequestExt;
use servicetitan::types::DateTime;

async fn run() -> Result<(), servicetitan::Error> {
    let mut args = std::env::args().skip(1);
    let since: DateTime = args
        .next()
        .unwrap_or_else(|| "2024-01-01".into())
        .parse()
        .map_err(|e| servicetitan::Error::Config(format!("date: {e}")))?;
    let path = args.next().unwrap_or_else(|| "jobs.ndjson".into());
    let (st, _mock) = common::connect().await?;

    let jpm = st.jpm();
    let mut jobs = std::pin::pin!(jpm
        .list_jobs()
        .modified_on_or_after(since)
        .page_size(1000)
        .stream_items());
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    let mut count = 0;
    while let Some(job) = jobs.next().await {
        serde_json::to_writer(&mut out, &job?).expect("jobs serialize");
        out.write_all(b"\n")?;
        count += 1;
    }
    out.flush()?;
    println!("{count} jobs modified since {since} written to {path}");
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}
