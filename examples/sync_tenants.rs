//! Incremental sync of several tenants at once: each has its own credentials, token, rate limit
//! and UTC watermark; the HTTP connection pool is shared.
//!
//! With real tenants, set ST_TENANTS="id:client_id:client_secret,..." beside the usual ST_*.

mod common;

use futures::TryStreamExt;
use servicetitan::paging::{ListRequestExt, Watermark};
use servicetitan::{Credentials, ServiceTitan};

async fn sync_one(
    st: ServiceTitan,
    watermark: Watermark,
) -> Result<(String, usize, Watermark), servicetitan::Error> {
    let mut run = watermark.begin();
    let jpm = st.jpm();
    let mut request = jpm.list_jobs().page_size(1000);
    if let Some(since) = run.modified_on_or_after() {
        request = request.modified_on_or_after(since);
    }
    let jobs: Vec<_> = request.stream_items().try_collect().await?;
    for job in &jobs {
        run.observe(job.modified_on.map(|t| t.into_inner()));
    }
    Ok((st.tenant_id().to_string(), jobs.len(), run.finish()))
}

async fn run() -> Result<(), servicetitan::Error> {
    let (st, mock) = common::connect().await?;
    let mut tenants = vec![st.clone()];
    if let Ok(list) = std::env::var("ST_TENANTS") {
        for entry in list.split(',') {
            let parts: Vec<&str> = entry.split(':').collect();
            if let [id, client_id, secret] = parts[..] {
                tenants.push(st.tenant(id, Credentials::new(client_id, secret))?);
            }
        }
    } else if mock.is_some() {
        // The mock serves one tenant: show the shape with the same tenant twice.
        tenants.push(st.clone());
    }
    let runs = tenants.into_iter().map(|t| sync_one(t, Watermark::none()));
    for result in futures::future::join_all(runs).await {
        let (tenant, count, watermark) = result?;
        println!(
            "tenant {tenant}: {count} jobs; next run from {:?}",
            watermark.value()
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}
