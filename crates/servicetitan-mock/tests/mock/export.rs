//! Exports: continuation tokens, resume, `from` dates, changes showing up again.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{json, Value};
use servicetitan_mock::{MockTenant, Resource};

use crate::common::{ids, problem, Api};

struct Page {
    has_more: bool,
    token: String,
    data: Vec<Value>,
}

async fn export_page(api: &Api, path: &str, from: Option<&str>) -> Page {
    let mut q = vec![("includeRecentChanges", "true".to_string())];
    if let Some(f) = from {
        q.push(("from", f.to_string()));
    }
    let body = api.get(path, &q).await;
    Page {
        has_more: body["hasMore"].as_bool().expect("hasMore"),
        token: body["continueFrom"]
            .as_str()
            .expect("continueFrom")
            .to_string(),
        data: body["data"].as_array().expect("data").clone(),
    }
}

/// Follows an export from `from` to its end (at most `max` pages).
async fn drain(api: &Api, path: &str, from: Option<&str>, max: usize) -> (Vec<Value>, String) {
    let mut out = Vec::new();
    let mut token = from.map(str::to_string);
    for _ in 0..max {
        let page = export_page(api, path, token.as_deref()).await;
        out.extend(page.data);
        token = Some(page.token.clone());
        if !page.has_more {
            return (out, page.token);
        }
    }
    panic!("{path}: export still hasMore after {max} pages");
}

#[tokio::test]
async fn export_resumes_from_a_token_without_duplicates_or_gaps() {
    let api = Api::start(
        MockTenant::builder()
            .rate_limit(0)
            .jobs(1_050)
            .export_page_size(100),
    )
    .await;
    let path = "/jpm/v2/tenant/{tenant}/export/jobs";
    let (all, _) = drain(&api, path, None, 20).await;
    assert_eq!(all.len(), 1_050);
    let expected: Vec<i64> = (0..1_050)
        .map(|i| api.mock.record_id(Resource::Jobs, i))
        .collect();
    assert_eq!(ids(&all), expected);
    assert!(
        all.iter().all(|r| r["active"] == true),
        "export items carry active"
    );

    // Stop after three pages, then resume from the saved token as a new run would.
    let mut token = None;
    let mut first_part = Vec::new();
    for _ in 0..3 {
        let page = export_page(&api, path, token.as_deref()).await;
        first_part.extend(page.data);
        token = Some(page.token);
    }
    let (rest, _) = drain(&api, path, token.as_deref(), 20).await;
    let mut joined = ids(&first_part);
    joined.extend(ids(&rest));
    assert_eq!(joined, expected, "resume gives no duplicate and no gap");

    // A token can be replayed: the same page again.
    let again = export_page(&api, path, token.as_deref()).await;
    assert_eq!(ids(&again.data), ids(&rest[..100]));
}

#[tokio::test]
async fn export_from_a_date_starts_at_that_modified_on() {
    let api = Api::start(MockTenant::builder().rate_limit(0).export_page_size(250)).await;
    let path = "/crm/v2/tenant/{tenant}/export/customers";
    let (all, _) = drain(&api, path, None, 10).await;
    assert_eq!(all.len(), 500);
    let cut = all[321]["modifiedOn"].as_str().unwrap().to_string();
    let (from_cut, _) = drain(&api, path, Some(&cut), 10).await;
    assert_eq!(ids(&from_cut), ids(&all[321..]));
    let (from_day, _) = drain(&api, path, Some("2025-01-01"), 10).await;
    assert!(from_day
        .iter()
        .all(|r| r["modifiedOn"].as_str().unwrap() >= "2025-01-01"));
    assert!(
        from_day.len() > 100 && from_day.len() < 250,
        "{}",
        from_day.len()
    );

    let (status, body) = api.get_any(path, &[("from", "not-a-token".into())]).await;
    assert_eq!(status, 400);
    problem(&body, 400);
}

#[tokio::test]
async fn changes_show_up_again_at_the_end_of_an_export() {
    let api = Api::start(
        MockTenant::builder()
            .rate_limit(0)
            .locations(300)
            .export_page_size(1000),
    )
    .await;
    let path = "/crm/v2/tenant/{tenant}/export/locations";
    let (all, token) = drain(&api, path, None, 5).await;
    assert_eq!(all.len(), 300);
    // Caught up: the token gives nothing new.
    let idle = export_page(&api, path, Some(&token)).await;
    assert!(idle.data.is_empty() && !idle.has_more);
    assert_eq!(idle.token, token, "an empty page keeps the position");

    let changed_id = all[10]["id"].as_i64().unwrap();
    let (status, updated) = api
        .write(
            Method::PATCH,
            &format!("/crm/v2/tenant/{{tenant}}/locations/{changed_id}"),
            json!({"name": "Renamed"}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    let (status, created) = api
        .write(
            Method::POST,
            "/crm/v2/tenant/{tenant}/locations",
            json!({"name": "New Place", "customerId": all[0]["customerId"], "address": {"street": "9 Elm St", "city": "Denver", "state": "CO", "zip": "80202", "country": "USA"}}),
        )
        .await;
    assert_eq!(status, 200, "{created}");

    let (news, _) = drain(&api, path, Some(&token), 5).await;
    assert_eq!(
        ids(&news),
        vec![changed_id, created["id"].as_i64().unwrap()]
    );
    assert_eq!(news[0]["name"], "Renamed");

    // A full export still has each record once, the changed one at the end.
    let (full, _) = drain(&api, path, None, 5).await;
    let unique: HashSet<i64> = ids(&full).into_iter().collect();
    assert_eq!(full.len(), 301);
    assert_eq!(unique.len(), 301);
    assert_eq!(full[299]["id"], changed_id);
}

#[tokio::test]
async fn every_export_serves_its_records() {
    let api = Api::start(
        MockTenant::builder()
            .rate_limit(0)
            .count_all(30)
            .export_page_size(12),
    )
    .await;
    for path in [
        "/jpm/v2/tenant/{tenant}/export/jobs",
        "/jpm/v2/tenant/{tenant}/export/appointments",
        "/crm/v2/tenant/{tenant}/export/customers",
        "/crm/v2/tenant/{tenant}/export/locations",
        "/crm/v2/tenant/{tenant}/export/bookings",
        "/crm/v2/tenant/{tenant}/export/leads",
        "/accounting/v2/tenant/{tenant}/export/invoices",
        "/accounting/v2/tenant/{tenant}/export/payments",
        "/settings/v2/tenant/{tenant}/export/technicians",
        "/settings/v2/tenant/{tenant}/export/employees",
        "/settings/v2/tenant/{tenant}/export/business-units",
        "/pricebook/v2/tenant/{tenant}/export/services",
        "/pricebook/v2/tenant/{tenant}/export/materials",
        "/dispatch/v2/tenant/{tenant}/export/appointment-assignments",
    ] {
        let (all, _) = drain(&api, path, None, 5).await;
        assert_eq!(all.len(), 30, "{path}");
        let unique: HashSet<i64> = ids(&all).into_iter().collect();
        assert_eq!(unique.len(), 30, "{path}");
    }
}
