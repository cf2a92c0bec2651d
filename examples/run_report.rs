//! Run a report, honouring the one-run-per-report-per-minute limit, and print its rows.
//!
//! `cargo run --example run_report -- <category> <report-id> From=2024-01-01 To=2024-01-31`

mod common;

async fn run() -> Result<(), servicetitan::Error> {
    let mut args = std::env::args().skip(1);
    let (st, _mock) = common::connect().await?;
    let reporting = st.reporting();
    // Without arguments, take the first report of the first category.
    let (category, report_id) = match (args.next(), args.next()) {
        (Some(c), Some(r)) => (c, r.parse::<i64>().expect("a numeric report id")),
        _ => {
            let categories = reporting
                .list_report_categories()
                .send()
                .await?
                .into_inner();
            let category = categories
                .data
                .unwrap_or_default()
                .remove(0)
                .id
                .expect("category id");
            let reports = reporting
                .list_reports()
                .report_category(&category)
                .send()
                .await?
                .into_inner();
            (category, reports.data.unwrap_or_default().remove(0).id)
        }
    };
    let mut given: Vec<(String, String)> = args
        .filter_map(|p| {
            p.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect();
    // Required date parameters left out default to the last 30 days.
    let description = reporting
        .get_report()
        .report_category(&category)
        .report_id(report_id)
        .send()
        .await?
        .into_inner();
    let today = chrono::Utc::now().date_naive();
    for p in description.parameters.unwrap_or_default() {
        let name = p.name.unwrap_or_default();
        let is_date = p.data_type.as_ref().is_some_and(|t| t.as_str() == "Date");
        if p.is_required == Some(true) && is_date && !given.iter().any(|(k, _)| *k == name) {
            let day = if name.to_lowercase().contains("from") {
                today - chrono::Days::new(30)
            } else {
                today
            };
            given.push((name, day.to_string()));
        }
    }
    // Waits for the report's slot (one run per report per minute), then reads every page.
    let report = st
        .run_report(
            &category,
            report_id,
            given.into_iter().map(|(name, value)| (name, value.into())),
        )
        .await?;
    println!("{}", report.fields.join("\t"));
    for row in &report.rows {
        let cells: Vec<String> = row.iter().map(|v| v.to_string()).collect();
        println!("{}", cells.join("\t"));
    }
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}
