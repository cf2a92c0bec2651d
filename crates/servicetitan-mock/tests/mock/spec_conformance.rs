//! Every response shape checked against the project's OpenAPI documents (`specs/*.yaml`):
//! required fields present, no field the schema lacks, JSON types, enums, nullability and
//! the date-time format, recursively through `$ref`, `oneOf` and arrays.

use std::collections::HashMap;
use std::path::PathBuf;

use reqwest::Method;
use serde_json::{json, Value};
use servicetitan_mock::{MockTenant, Resource};

struct Specs {
    docs: HashMap<String, Value>,
}

impl Specs {
    fn load() -> Option<Specs> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../specs");
        let mut docs = HashMap::new();
        for module in [
            "jpm",
            "crm",
            "accounting",
            "settings",
            "dispatch",
            "pricebook",
            "telecom",
            "reporting",
        ] {
            let text = std::fs::read_to_string(dir.join(format!("{module}.yaml"))).ok()?;
            let doc: Value = serde_yaml::from_str(&text).expect("spec parses");
            docs.insert(module.to_string(), doc);
        }
        Some(Specs { docs })
    }

    /// The response schema of `method path` for `status`.
    fn response_schema(&self, method: &str, path: &str, status: u16) -> (&Value, Value) {
        let module = path.trim_start_matches('/').split('/').next().unwrap();
        let doc = &self.docs[module];
        let server = doc["servers"][0]["url"].as_str().unwrap();
        let prefix = &server[server
            .find("/")
            .map(|i| server[i + 2..].find('/').unwrap() + i + 2)
            .unwrap()..];
        let rest = path
            .strip_prefix(prefix)
            .unwrap_or_else(|| panic!("{path} not under {prefix}"));
        let segs: Vec<&str> = rest.split('/').collect();
        let mut best: Option<(usize, &Value)> = None;
        for (template, item) in doc["paths"].as_object().unwrap() {
            let t: Vec<&str> = template.split('/').collect();
            if t.len() != segs.len() {
                continue;
            }
            let mut literal = 0;
            let ok = t.iter().zip(&segs).all(|(a, b)| {
                if a.starts_with('{') {
                    true
                } else {
                    literal += 1;
                    a == b
                }
            });
            if ok && item.get(method).is_some() && best.is_none_or(|(l, _)| literal > l) {
                best = Some((literal, &item[method]));
            }
        }
        let op = best
            .unwrap_or_else(|| panic!("no {method} {rest} in {module}.yaml"))
            .1;
        let mut resp = &op["responses"][status.to_string()];
        if let Some(r) = resp.get("$ref").and_then(Value::as_str) {
            resp = self.resolve(doc, r);
        }
        let schema = resp["content"]
            .as_object()
            .and_then(|c| c.values().next())
            .map(|c| c["schema"].clone())
            .unwrap_or_else(|| panic!("{method} {path} {status} has no schema"));
        (doc, schema)
    }

    fn resolve<'a>(&self, doc: &'a Value, r: &str) -> &'a Value {
        let mut v = doc;
        for part in r.trim_start_matches("#/").split('/') {
            v = &v[part];
        }
        v
    }
}

fn is_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 28
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[27] == b'Z'
        && s.chars().filter(char::is_ascii_digit).count() == 21
}

/// Validates `v` against `schema`, pushing "where: what" problems.
fn check(specs: &Specs, doc: &Value, v: &Value, schema: &Value, at: &str, out: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return check(specs, doc, v, specs.resolve(doc, r), at, out);
    }
    if let Some(variants) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        let mut best: Option<Vec<String>> = None;
        for variant in variants {
            let mut errs = Vec::new();
            check(specs, doc, v, variant, at, &mut errs);
            if errs.is_empty() {
                return;
            }
            if best.as_ref().is_none_or(|b| errs.len() < b.len()) {
                best = Some(errs);
            }
        }
        out.extend(best.unwrap_or_default());
        return;
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for part in all {
            check(specs, doc, v, part, at, out);
        }
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if v.is_null() {
        if !types.is_empty() && !types.contains(&"null") {
            out.push(format!("{at}: null where the schema says {types:?}"));
        }
        return;
    }
    if !types.is_empty() {
        let ok = types.iter().any(|t| match *t {
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "string" => v.is_string(),
            "boolean" => v.is_boolean(),
            "array" => v.is_array(),
            "object" => v.is_object(),
            _ => false,
        });
        if !ok {
            out.push(format!("{at}: {v} is not {types:?}"));
            return;
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        if !values.contains(v) {
            out.push(format!("{at}: {v} is not in the enum"));
        }
    }
    if let (Some(s), Some("date-time")) = (v.as_str(), schema.get("format").and_then(Value::as_str))
    {
        if !is_datetime(s) {
            out.push(format!("{at}: {s:?} is not a 7-digit UTC date-time"));
        }
    }
    if let Some(obj) = v.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for req in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let key = req.as_str().unwrap();
            if !obj.contains_key(key) {
                out.push(format!("{at}: required field {key} is missing"));
            }
        }
        let additional = schema.get("additionalProperties");
        for (key, value) in obj {
            match props.and_then(|p| p.get(key)) {
                Some(sub) => check(specs, doc, value, sub, &format!("{at}.{key}"), out),
                None => match additional {
                    Some(Value::Object(sub)) => check(
                        specs,
                        doc,
                        value,
                        &Value::Object(sub.clone()),
                        &format!("{at}.{key}"),
                        out,
                    ),
                    Some(Value::Bool(true)) => {}
                    _ if props.is_none() => {}
                    _ => out.push(format!("{at}: field {key} is not in the schema")),
                },
            }
        }
    }
    if let (Some(items), Some(schema_items)) = (v.as_array(), schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check(specs, doc, item, schema_items, &format!("{at}[{i}]"), out);
        }
    }
}

struct Client {
    mock: MockTenant,
    http: reqwest::Client,
    token: String,
}

impl Client {
    async fn new(mock: MockTenant) -> Client {
        // A crypto provider first: workspace features may turn on `rustls-no-provider`.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::new();
        let body: Value = http
            .post(mock.auth_url())
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", mock.client_id()),
                ("client_secret", mock.client_secret()),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = body["access_token"].as_str().unwrap().to_string();
        Client { mock, http, token }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.mock.base_url()))
            .bearer_auth(&self.token)
            .header("ST-App-Key", self.mock.app_key())
            .query(query);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }
}

/// A request to make: method, path, query, body, expected status.
type Call = (
    Method,
    String,
    Vec<(&'static str, &'static str)>,
    Option<Value>,
    u16,
);

/// Calls each operation and checks its response; returns the problems found.
async fn conformance_problems(specs: &Specs, c: &Client) -> (Vec<String>, usize) {
    let t = c.mock.tenant_id();
    let id = |r: Resource, i: u64| c.mock.record_id(r, i);
    let big = [("pageSize", "60"), ("includeTotal", "true")];
    let mut calls: Vec<Call> = Vec::new();
    let mut get = |path: String, q: &[(&'static str, &'static str)]| {
        calls.push((Method::GET, path, q.to_vec(), None, 200));
    };
    for (module, path, r, export, by_id) in [
        ("jpm/v2", "jobs", Resource::Jobs, true, true),
        ("jpm/v2", "appointments", Resource::Appointments, true, true),
        ("jpm/v2", "job-types", Resource::JobTypes, false, true),
        ("crm/v2", "customers", Resource::Customers, true, true),
        ("crm/v2", "locations", Resource::Locations, true, true),
        ("crm/v2", "bookings", Resource::Bookings, true, true),
        ("crm/v2", "leads", Resource::Leads, true, true),
        ("accounting/v2", "invoices", Resource::Invoices, true, false),
        ("accounting/v2", "payments", Resource::Payments, true, false),
        (
            "settings/v2",
            "technicians",
            Resource::Technicians,
            true,
            true,
        ),
        ("settings/v2", "employees", Resource::Employees, true, true),
        (
            "settings/v2",
            "business-units",
            Resource::BusinessUnits,
            true,
            true,
        ),
        ("pricebook/v2", "services", Resource::Services, true, true),
        ("pricebook/v2", "materials", Resource::Materials, true, true),
        (
            "dispatch/v2",
            "appointment-assignments",
            Resource::AppointmentAssignments,
            true,
            false,
        ),
        ("telecom/v3", "calls", Resource::Calls, false, false),
    ] {
        get(format!("/{module}/tenant/{t}/{path}"), &big);
        if export {
            get(format!("/{module}/tenant/{t}/export/{path}"), &[]);
        }
        if by_id {
            get(format!("/{module}/tenant/{t}/{path}/{}", id(r, 5)), &[]);
        }
    }
    get(
        format!("/crm/v2/tenant/{t}/booking-provider/950000001/bookings"),
        &big,
    );
    get(format!("/telecom/v2/tenant/{t}/calls"), &big);
    get(
        format!("/telecom/v2/tenant/{t}/calls/{}", id(Resource::Calls, 3)),
        &[],
    );
    get(format!("/reporting/v2/tenant/{t}/report-categories"), &big);
    get(
        format!("/reporting/v2/tenant/{t}/report-category/operations/reports"),
        &big,
    );
    for report in [101, 102, 103] {
        get(
            format!("/reporting/v2/tenant/{t}/report-category/operations/reports/{report}"),
            &[],
        );
    }
    let report_params = json!({"parameters": [{"name": "From", "value": "2024-02-01"}, {"name": "To", "value": "2024-02-03"}]});
    for report in [101, 102, 103] {
        calls.push((
            Method::POST,
            format!("/reporting/v2/tenant/{t}/report-category/operations/reports/{report}/data"),
            vec![],
            Some(report_params.clone()),
            200,
        ));
    }
    calls.push((
        Method::POST,
        format!("/reporting/v2/tenant/{t}/report-category/accounting/reports/201/data/query"),
        vec![],
        Some(report_params.clone()),
        202,
    ));
    // Errors are ProblemDetails.
    calls.push((
        Method::GET,
        format!("/jpm/v2/tenant/{t}/jobs/1"),
        vec![],
        None,
        404,
    ));
    calls.push((
        Method::GET,
        format!("/crm/v2/tenant/{t}/customers"),
        vec![("pageSize", "0")],
        None,
        400,
    ));

    // Writes.
    let addr = json!({"street": "1 Main St", "city": "Austin", "state": "TX", "zip": "78701", "country": "USA"});
    calls.push((
        Method::POST,
        format!("/crm/v2/tenant/{t}/customers"),
        vec![],
        Some(json!({"name": "Spec Check", "address": addr, "contacts": [{"type": "Phone", "value": "555"}],
            "locations": [{"name": "Home", "address": addr, "contacts": [{"type": "Email", "value": "a@b.c"}]}]})),
        200,
    ));
    calls.push((Method::PATCH, format!("/crm/v2/tenant/{t}/customers/{}", id(Resource::Customers, 1)), vec![],
        Some(json!({"name": "Renamed", "address": {"street": "2 Main St", "unit": "", "city": "Austin", "state": "TX", "zip": "78701", "country": "USA", "latitude": 30.0, "longitude": -97.0},
            "customFields": [{"typeId": 3, "value": "x"}], "externalData": {"applicationGuid": "6f1c0a8e-3b3f-4c2e-9d55-3c2b1a0f9e11", "patchMode": "Merge", "externalData": [{"key": "k", "value": "v"}]}})), 200));
    calls.push((
        Method::POST,
        format!("/crm/v2/tenant/{t}/locations"),
        vec![],
        Some(json!({"name": "Shop", "customerId": id(Resource::Customers, 2), "address": addr})),
        200,
    ));
    calls.push((
        Method::PATCH,
        format!(
            "/crm/v2/tenant/{t}/locations/{}",
            id(Resource::Locations, 2)
        ),
        vec![],
        Some(json!({"name": "Shop 2", "active": false})),
        200,
    ));
    calls.push((Method::POST, format!("/jpm/v2/tenant/{t}/jobs"), vec![],
        Some(json!({"customerId": id(Resource::Customers, 0), "locationId": id(Resource::Locations, 0), "businessUnitId": id(Resource::BusinessUnits, 0),
            "jobTypeId": id(Resource::JobTypes, 0), "priority": "Normal", "campaignId": 1,
            "appointments": [{"start": "2026-01-05T15:00:00Z", "end": "2026-01-05T16:00:00Z", "arrivalWindowStart": "2026-01-05T15:00:00Z", "arrivalWindowEnd": "2026-01-05T17:00:00Z"}]})), 200));
    calls.push((
        Method::PATCH,
        format!("/jpm/v2/tenant/{t}/jobs/{}", id(Resource::Jobs, 4)),
        vec![],
        Some(json!({"summary": "x", "tagTypeIds": [1, 2], "soldById": null})),
        200,
    ));
    calls.push((Method::POST, format!("/crm/v2/tenant/{t}/booking-provider/950000001/bookings"), vec![],
        Some(json!({"source": "Web", "name": "N", "summary": "S", "isFirstTimeClient": true, "externalId": "e1", "address": addr, "customerType": "Commercial"})), 200));
    calls.push((
        Method::PATCH,
        format!(
            "/crm/v2/tenant/{t}/booking-provider/950000001/bookings/{}",
            id(Resource::Bookings, 0)
        ),
        vec![],
        Some(json!({"name": "M"})),
        200,
    ));
    calls.push((Method::POST, format!("/crm/v2/tenant/{t}/leads"), vec![],
        Some(json!({"campaignId": 1, "summary": "Spec check", "customerId": id(Resource::Customers, 0), "locationId": id(Resource::Locations, 0),
            "businessUnitId": id(Resource::BusinessUnits, 0), "jobTypeId": id(Resource::JobTypes, 0), "bookingId": id(Resource::Bookings, 0),
            "priority": "Urgent", "callReasonId": 5, "followUpDate": "2026-01-06T15:00:00Z", "tagTypeIds": [1],
            "leadCustomerName": "N", "leadPhone": "555", "leadEmail": "a@b.c", "leadStreet": "1 Main St", "leadUnit": "2",
            "leadCity": "Austin", "leadState": "TX", "leadZip": "78701", "leadCountry": "USA"})), 200));
    calls.push((Method::POST, format!("/accounting/v2/tenant/{t}/payments"), vec![],
        Some(json!({"typeId": 1, "amount": 25.5, "authCode": "123456", "memo": "m", "paidOn": "2026-01-06T15:00:00Z",
            "exportId": "x", "status": "Posted", "splits": [{"invoiceId": id(Resource::Invoices, 0), "amount": 20}]})), 200));

    let mut problems = Vec::new();
    let n = calls.len();
    for (method, path, query, body, status) in calls {
        let (got, value) = c.call(method.clone(), &path, &query, body).await;
        if got == 404 && status == 200 {
            // A provider that does not own the generated booking: try the others.
            problems.push(format!("{method} {path}: 404 {value}"));
            continue;
        }
        assert_eq!(got, status, "{method} {path}: {value}");
        let (doc, schema) = specs.response_schema(&method.as_str().to_lowercase(), &path, status);
        check(
            specs,
            doc,
            &value,
            &schema,
            &format!("{method} {path}"),
            &mut problems,
        );
    }
    // The exports and lists above hold the records created and changed here too.
    for path in [
        format!("/crm/v2/tenant/{t}/export/customers"),
        format!("/jpm/v2/tenant/{t}/export/jobs"),
        format!("/crm/v2/tenant/{t}/export/locations"),
        format!("/crm/v2/tenant/{t}/export/leads"),
        format!("/accounting/v2/tenant/{t}/export/payments"),
    ] {
        let (_, value) = c
            .call(Method::GET, &path, &[("from", "2025-12-31")], None)
            .await;
        let (doc, schema) = specs.response_schema("get", &path, 200);
        check(specs, doc, &value, &schema, &path, &mut problems);
    }
    (problems, n)
}

#[tokio::test]
async fn responses_follow_the_specs() {
    let Some(specs) = Specs::load() else {
        eprintln!("specs/ not found next to the crate; skipping");
        return;
    };
    let mock = MockTenant::builder()
        .rate_limit(0)
        .count_all(60)
        .report_runs_per_minute(0)
        .start()
        .await;
    let c = Client::new(mock).await;
    let (problems, n) = conformance_problems(&specs, &c).await;
    assert!(n > 50);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[tokio::test]
async fn quirks_break_only_enums_and_required_fields() {
    let Some(specs) = Specs::load() else {
        return;
    };
    let mock = MockTenant::builder()
        .rate_limit(0)
        .count_all(60)
        .quirks(true)
        .report_runs_per_minute(0)
        .start()
        .await;
    let c = Client::new(mock).await;
    let (problems, _) = conformance_problems(&specs, &c).await;
    assert!(problems.len() >= 5, "quirks show up: {problems:?}");
    for p in &problems {
        assert!(
            p.contains("not in the enum") || p.contains("null where"),
            "only unknown enum values and nulls: {p}"
        );
    }
}

#[tokio::test]
async fn the_checker_catches_mistakes() {
    let Some(specs) = Specs::load() else {
        return;
    };
    let mock = MockTenant::builder().rate_limit(0).start().await;
    let c = Client::new(mock).await;
    let t = c.mock.tenant_id();
    let path = format!("/jpm/v2/tenant/{t}/jobs");
    let (_, mut page) = c.call(Method::GET, &path, &[("pageSize", "2")], None).await;
    let job = &mut page["data"][1];
    job.as_object_mut().unwrap().remove("jobNumber");
    job["bogus"] = json!(1);
    job["createdOn"] = json!("2024-01-01T00:00:00Z");
    job["customFields"] = json!([{"typeId": "x", "name": "n", "value": "v"}]);
    job["priority"] = Value::Null;
    let (doc, schema) = specs.response_schema("get", &path, 200);
    let mut problems = Vec::new();
    check(&specs, doc, &page, &schema, "page", &mut problems);
    assert_eq!(problems.len(), 5, "{problems:#?}");
}
