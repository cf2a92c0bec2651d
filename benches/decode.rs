//! Page decode speed of the generated lenient models against serde_json into plain structs and
//! into `serde_json::Value`, on one 5,000-record JPM job page. Run with
//! `cargo bench --bench decode`; figures go to BENCHMARKS.md.
//!
//! The three decoders take turns on the same bytes, round after round, and the median time per
//! page of each is reported, with ratios to the plain structs.

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde::Deserialize;
use servicetitan::jpm::types::JobPage;

/// What a hand-written client would declare: required fields as plain types, dates as
/// strings, money as f64. It fails on the first null or unknown value the server sends.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct PlainJob {
    id: i64,
    job_number: String,
    project_id: Option<i64>,
    customer_id: i64,
    location_id: i64,
    job_status: String,
    completed_on: Option<String>,
    business_unit_id: i64,
    job_type_id: i64,
    priority: String,
    campaign_id: i64,
    summary: String,
    custom_fields: Vec<PlainCustomField>,
    appointment_count: i32,
    first_appointment_id: i64,
    last_appointment_id: i64,
    recall_for_id: Option<i64>,
    warranty_id: Option<i64>,
    no_charge: bool,
    notifications_enabled: bool,
    created_on: String,
    created_by_id: i64,
    modified_on: String,
    tag_type_ids: Vec<i64>,
    customer_po: Option<String>,
    invoice_id: i64,
    total: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct PlainCustomField {
    type_id: i64,
    name: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct PlainPage {
    page: i32,
    page_size: i32,
    has_more: bool,
    total_count: Option<i32>,
    data: Vec<PlainJob>,
}

/// A page shaped like the API's: seven fractional digits, decimals with trailing zeros.
fn page_json(records: usize) -> String {
    let statuses = [
        "Scheduled",
        "Dispatched",
        "InProgress",
        "Hold",
        "Completed",
        "Canceled",
    ];
    let jobs: Vec<serde_json::Value> = (0..records)
        .map(|i| {
            let i = i as i64;
            serde_json::json!({
                "id": 10_000_000 + i, "jobNumber": format!("{}", 50_000 + i),
                "projectId": if i % 3 == 0 { serde_json::Value::Null } else { (900 + i).into() },
                "customerId": 20_000 + i % 997, "locationId": 30_000 + i % 1009,
                "jobStatus": statuses[(i % 6) as usize],
                "completedOn": if i % 6 == 4 { serde_json::json!(format!("2024-0{}-1{}T15:04:05.1234567Z", 1 + i % 9, i % 10)) } else { serde_json::Value::Null },
                "businessUnitId": 7 + i % 5, "jobTypeId": 100 + i % 40, "priority": "Normal",
                "campaignId": 300 + i % 20, "summary": format!("Replace condenser fan motor, unit {i}"),
                "customFields": [{"typeId": 1, "name": "Gate code", "value": format!("#{}", i % 9999)}],
                "appointmentCount": 1 + i % 3, "firstAppointmentId": 70_000 + i, "lastAppointmentId": 70_000 + i,
                "recallForId": null, "warrantyId": null, "noCharge": false, "notificationsEnabled": true,
                "createdOn": format!("2024-0{}-0{}T0{}:12:34.5678901", 1 + i % 9, 1 + i % 9, i % 10),
                "createdById": 4242, "modifiedOn": "2025-01-15T08:30:00.0000001Z",
                "tagTypeIds": [1, 2, 3], "customerPo": null, "invoiceId": 80_000 + i,
                "total": format!("{}.{:02}", 100 + i % 900, (i * 7) % 100).parse::<serde_json::Number>().unwrap()
            })
        })
        .collect();
    serde_json::json!({"page": 1, "pageSize": records, "hasMore": true, "totalCount": null, "data": jobs}).to_string()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let json = page_json(5000);
    let bytes = json.as_bytes();
    // Every decoder must accept the page before it is timed.
    let lenient: JobPage = serde_json::from_slice(bytes).expect("generated models decode the page");
    assert_eq!(lenient.data.as_ref().map(Vec::len), Some(5000));
    let _: PlainPage = serde_json::from_slice(bytes).expect("plain structs decode the page");
    let rounds = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(30);
    let (mut generated, mut plain, mut value) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let t = Instant::now();
        black_box(serde_json::from_slice::<JobPage>(black_box(bytes)).unwrap());
        generated.push(t.elapsed());
        let t = Instant::now();
        black_box(serde_json::from_slice::<PlainPage>(black_box(bytes)).unwrap());
        plain.push(t.elapsed());
        let t = Instant::now();
        black_box(serde_json::from_slice::<serde_json::Value>(black_box(bytes)).unwrap());
        value.push(t.elapsed());
    }
    let (g, p, v) = (median(generated), median(plain), median(value));
    let mb = bytes.len() as f64 / 1e6;
    println!(
        "page: 5000 JPM jobs, {:.2} MB, {rounds} rounds, median per page",
        mb
    );
    for (name, d) in [
        ("generated lenient models", g),
        ("plain serde structs", p),
        ("serde_json::Value", v),
    ] {
        println!(
            "{name:<26} {:>8.2} ms  {:>7.1} MB/s  {:.2}x plain",
            d.as_secs_f64() * 1e3,
            mb / d.as_secs_f64(),
            d.as_secs_f64() / p.as_secs_f64()
        );
    }
}
