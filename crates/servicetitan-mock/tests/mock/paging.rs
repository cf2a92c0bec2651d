//! Lists: pages, totals, ids, date filters, sorting.

use std::collections::HashSet;

use serde_json::Value;
use servicetitan_mock::{MockTenant, Resource};

use crate::common::{ids, Api};

const LISTS: [(&str, Resource); 16] = [
    ("/jpm/v2/tenant/{tenant}/jobs", Resource::Jobs),
    (
        "/jpm/v2/tenant/{tenant}/appointments",
        Resource::Appointments,
    ),
    ("/jpm/v2/tenant/{tenant}/job-types", Resource::JobTypes),
    ("/crm/v2/tenant/{tenant}/customers", Resource::Customers),
    ("/crm/v2/tenant/{tenant}/locations", Resource::Locations),
    ("/crm/v2/tenant/{tenant}/bookings", Resource::Bookings),
    ("/crm/v2/tenant/{tenant}/leads", Resource::Leads),
    (
        "/accounting/v2/tenant/{tenant}/invoices",
        Resource::Invoices,
    ),
    (
        "/accounting/v2/tenant/{tenant}/payments",
        Resource::Payments,
    ),
    (
        "/settings/v2/tenant/{tenant}/technicians",
        Resource::Technicians,
    ),
    (
        "/settings/v2/tenant/{tenant}/employees",
        Resource::Employees,
    ),
    (
        "/settings/v2/tenant/{tenant}/business-units",
        Resource::BusinessUnits,
    ),
    ("/pricebook/v2/tenant/{tenant}/services", Resource::Services),
    (
        "/pricebook/v2/tenant/{tenant}/materials",
        Resource::Materials,
    ),
    ("/telecom/v3/tenant/{tenant}/calls", Resource::Calls),
    (
        "/dispatch/v2/tenant/{tenant}/appointment-assignments",
        Resource::AppointmentAssignments,
    ),
];

#[tokio::test]
async fn all_pages_concatenate_to_exactly_n_unique_ids() {
    let api = Api::start(MockTenant::builder().rate_limit(0).count_all(137)).await;
    for (path, r) in LISTS {
        let first = api
            .get(
                path,
                &[("pageSize", "10".into()), ("includeTotal", "true".into())],
            )
            .await;
        assert_eq!(first["totalCount"], 137, "{path}");
        assert_eq!(first["pageSize"], 10);
        let all = api.all_pages(path, 25, &[], 20).await;
        let got = ids(&all);
        assert_eq!(got.len(), 137, "{path}");
        let unique: HashSet<i64> = got.iter().copied().collect();
        assert_eq!(unique.len(), 137, "{path}");
        let expected: Vec<i64> = (0..137).map(|i| api.mock.record_id(r, i)).collect();
        assert_eq!(got, expected, "{path} is in id order");
    }
    // Without includeTotal the total is null; past the end the page is empty.
    let page = api.get(LISTS[0].0, &[("page", "99".into())]).await;
    assert_eq!(page["totalCount"], Value::Null);
    assert_eq!(page["data"].as_array().unwrap().len(), 0);
    assert_eq!(page["hasMore"], false);
}

#[tokio::test]
async fn the_default_page_is_fifty_and_the_largest_5000() {
    let api = Api::start(MockTenant::builder().rate_limit(0).jobs(12_345)).await;
    let page = api.get("/jpm/v2/tenant/{tenant}/jobs", &[]).await;
    assert_eq!(page["pageSize"], 50);
    assert_eq!(page["data"].as_array().unwrap().len(), 50);
    let all = api
        .all_pages("/jpm/v2/tenant/{tenant}/jobs", 5000, &[], 5)
        .await;
    assert_eq!(all.len(), 12_345);
    let unique: HashSet<i64> = ids(&all).into_iter().collect();
    assert_eq!(unique.len(), 12_345);
}

#[tokio::test]
async fn data_is_deterministic() {
    let a = Api::start(MockTenant::builder().rate_limit(0)).await;
    let b = Api::start(MockTenant::builder().rate_limit(0)).await;
    let c = Api::start(MockTenant::builder().rate_limit(0).seed(9)).await;
    let q = [("page", "3".to_string()), ("pageSize", "7".to_string())];
    let path = "/jpm/v2/tenant/{tenant}/jobs";
    assert_eq!(a.get(path, &q).await, b.get(path, &q).await);
    assert_ne!(a.get(path, &q).await["data"], c.get(path, &q).await["data"]);
}

#[tokio::test]
async fn ids_filter() {
    let api = Api::start(MockTenant::builder().rate_limit(0)).await;
    let j = |i| api.mock.record_id(Resource::Jobs, i);
    let wanted = format!("{},{},{},{}", j(7), j(3), j(999), j(5_000_000));
    let page = api
        .get(
            "/jpm/v2/tenant/{tenant}/jobs",
            &[("ids", wanted), ("includeTotal", "true".into())],
        )
        .await;
    assert_eq!(
        ids(page["data"].as_array().unwrap()),
        vec![j(3), j(7), j(999)]
    );
    assert_eq!(page["totalCount"], 3);
    let too_many: Vec<String> = (0..51).map(|i| j(i).to_string()).collect();
    let (status, _) = api
        .get_any(
            "/jpm/v2/tenant/{tenant}/jobs",
            &[("ids", too_many.join(","))],
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = api
        .get_any("/jpm/v2/tenant/{tenant}/jobs", &[("ids", "1,x".into())])
        .await;
    assert_eq!(status, 400);
}

fn dates(records: &[Value], field: &str) -> Vec<String> {
    records
        .iter()
        .map(|r| r[field].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn date_filters_match_the_records() {
    let api = Api::start(MockTenant::builder().rate_limit(0).customers(300)).await;
    let path = "/crm/v2/tenant/{tenant}/customers";
    let all = api.all_pages(path, 5000, &[], 2).await;
    assert_eq!(all.len(), 300);
    let modified = dates(&all, "modifiedOn");
    let created = dates(&all, "createdOn");
    // Timestamps have seven fractional digits and lie in 2023-2025.
    for m in modified.iter().chain(&created) {
        assert_eq!(m.len(), "2024-01-01T00:00:00.0000000Z".len(), "{m}");
        assert!(
            m.as_str() >= "2023-01-01" && m.as_str() < "2026-01-01",
            "{m}"
        );
    }
    // A cut exactly at a record's modifiedOn keeps that record (on or after).
    let cut = modified[123].clone();
    let after = api
        .all_pages(path, 100, &[("modifiedOnOrAfter", cut.clone())], 10)
        .await;
    let expect: Vec<i64> = all
        .iter()
        .filter(|r| r["modifiedOn"].as_str().unwrap() >= cut.as_str())
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids(&after), expect);
    assert_eq!(after.len(), 300 - 123);
    let before = api
        .all_pages(path, 100, &[("modifiedBefore", cut.clone())], 10)
        .await;
    assert_eq!(before.len(), 123);

    let cut = created[200].clone();
    let after = api
        .all_pages(path, 100, &[("createdOnOrAfter", cut.clone())], 10)
        .await;
    assert_eq!(after.len(), 100);
    assert!(dates(&after, "createdOn")
        .iter()
        .all(|c| c.as_str() >= cut.as_str()));
    // A date alone means midnight UTC; an offset is honoured.
    let a = api
        .get(
            path,
            &[
                ("modifiedOnOrAfter", "2024-06-01".into()),
                ("includeTotal", "true".into()),
            ],
        )
        .await;
    let b = api
        .get(
            path,
            &[
                ("modifiedOnOrAfter", "2024-05-31T20:00:00-04:00".into()),
                ("includeTotal", "true".into()),
            ],
        )
        .await;
    assert_eq!(a["totalCount"], b["totalCount"]);
    let n = a["totalCount"].as_i64().unwrap();
    assert!(n > 50 && n < 200, "{n}");
}

#[tokio::test]
async fn sorting() {
    let api = Api::start(MockTenant::builder().rate_limit(0).count_all(40)).await;
    let path = "/settings/v2/tenant/{tenant}/technicians";
    let desc = api.all_pages(path, 15, &[("sort", "-Id".into())], 5).await;
    let mut expect: Vec<i64> = (0..40)
        .map(|i| api.mock.record_id(Resource::Technicians, i))
        .collect();
    expect.reverse();
    assert_eq!(ids(&desc), expect);
    let by_modified = api
        .all_pages(path, 15, &[("sort", "+ModifiedOn".into())], 5)
        .await;
    let m = dates(&by_modified, "modifiedOn");
    assert!(m.windows(2).all(|w| w[0] <= w[1]));
    let (status, _) = api.get_any(path, &[("sort", "Name".into())]).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_million_jobs_cost_nothing_up_front() {
    let api = Api::start(MockTenant::builder().rate_limit(0).jobs(1_000_000)).await;
    assert_eq!(api.mock.count(Resource::Jobs), 1_000_000);
    assert_eq!(api.mock.count(Resource::Appointments), 1_200_000);
    let last = api
        .get(
            "/jpm/v2/tenant/{tenant}/jobs",
            &[
                ("page", "200".into()),
                ("pageSize", "5000".into()),
                ("includeTotal", "true".into()),
            ],
        )
        .await;
    assert_eq!(last["totalCount"], 1_000_000);
    assert_eq!(last["hasMore"], false);
    let data = last["data"].as_array().unwrap();
    assert_eq!(data.len(), 5000);
    assert_eq!(
        data[4999]["id"],
        api.mock.record_id(Resource::Jobs, 999_999)
    );
    let recent = api
        .get(
            "/jpm/v2/tenant/{tenant}/jobs",
            &[
                ("modifiedOnOrAfter", "2025-12-31T00:00:00Z".into()),
                ("includeTotal", "true".into()),
            ],
        )
        .await;
    let n = recent["totalCount"].as_i64().unwrap();
    assert!((800..1000).contains(&n), "{n} jobs on the last day");
}
