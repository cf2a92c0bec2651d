//! The reporting module: categories, reports, report data with its run limit, data queries.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use servicetitan_mock::MockTenant;

use crate::common::{problem, Api};

fn params() -> Value {
    json!({"parameters": [
        {"name": "From", "value": "2024-01-01"},
        {"name": "To", "value": "2024-01-31"}
    ]})
}

#[tokio::test]
async fn categories_reports_and_descriptions() {
    let api = Api::start(MockTenant::builder().rate_limit(0)).await;
    let cats = api
        .get(
            "/reporting/v2/tenant/{tenant}/report-categories",
            &[("includeTotal", "true".into())],
        )
        .await;
    assert_eq!(cats["totalCount"], 5);
    let cat = cats["data"][0]["id"].as_str().unwrap().to_string();
    let reports = api
        .get(
            &format!("/reporting/v2/tenant/{{tenant}}/report-category/{cat}/reports"),
            &[],
        )
        .await;
    let report = reports["data"][0]["id"].as_i64().unwrap();
    let desc = api
        .get(
            &format!("/reporting/v2/tenant/{{tenant}}/report-category/{cat}/reports/{report}"),
            &[],
        )
        .await;
    assert_eq!(desc["id"], report);
    assert!(desc["fields"].as_array().unwrap().len() >= 3);
    let required: Vec<&str> = desc["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["isRequired"] == true)
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(required, ["From", "To"]);
    let (status, _) = api
        .get_any(
            "/reporting/v2/tenant/{tenant}/report-category/nope/reports",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn report_data_runs_once_a_minute_per_report() {
    let api = Api::start(MockTenant::builder().rate_limit(0)).await;
    let path = "/reporting/v2/tenant/{tenant}/report-category/operations/reports/101/data";
    let resp = api
        .send(
            Method::POST,
            path,
            &[("pageSize", "20".into()), ("includeTotal", "true".into())],
            Some(params()),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let page: Value = resp.json().await.unwrap();
    assert_eq!(page["fields"][0]["name"], "Date");
    assert_eq!(page["totalCount"], 31 * 3, "31 days x 3 business units");
    assert_eq!(page["data"].as_array().unwrap().len(), 20);
    assert_eq!(page["data"][0][0], "2024-01-01");
    assert_eq!(page["hasMore"], true);

    // Page 2 of the same run is fine; a new run within the minute is not.
    let resp = api
        .send(
            Method::POST,
            path,
            &[("page", "2".into()), ("pageSize", "20".into())],
            Some(params()),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = api.send(Method::POST, path, &[], Some(params())).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    problem(&resp.json().await.unwrap(), 429);
    assert_eq!(api.mock.rate_limited_count(), 1);

    // Another report is its own budget.
    let other = "/reporting/v2/tenant/{tenant}/report-category/operations/reports/102/data";
    let resp = api.send(Method::POST, other, &[], Some(params())).await;
    assert_eq!(resp.status(), StatusCode::OK);

    // Missing parameters are a 400 naming them.
    let resp = api
        .send(
            Method::POST,
            "/reporting/v2/tenant/{tenant}/report-category/accounting/reports/201/data",
            &[],
            Some(json!({})),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: Value = resp.json().await.unwrap();
    assert!(
        body["errors"]["From"].is_array() && body["errors"]["To"].is_array(),
        "{body}"
    );
}

#[tokio::test]
async fn data_query_answers_202_then_200() {
    let api = Api::start(MockTenant::builder().rate_limit(0)).await;
    let resp = api
        .send(
            Method::POST,
            "/reporting/v2/tenant/{tenant}/report-category/marketing/reports/303/data/query",
            &[],
            Some(params()),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    let token = resp.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let poll = format!("/reporting/v2/tenant/{{tenant}}/data-queries/{token}");
    let mut polls = 0;
    let page = loop {
        polls += 1;
        assert!(polls <= 5, "still running after 5 polls");
        let resp = api.send(Method::GET, &poll, &[], None).await;
        match resp.status() {
            StatusCode::ACCEPTED => continue,
            StatusCode::OK => break resp.json::<Value>().await.unwrap(),
            other => panic!("{other}"),
        }
    };
    assert_eq!(polls, 2);
    assert_eq!(page["fields"][1]["name"], "Campaign");
    assert_eq!(page["data"].as_array().unwrap().len(), 50);

    let resp = api.send(Method::DELETE, &poll, &[], None).await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let resp = api.send(Method::GET, &poll, &[], None).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}
