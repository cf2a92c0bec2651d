//! The reporting module: categories, reports with their fields and parameters, report data
//! (one run per report per minute per tenant by default) and long-running data queries.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::data::{mix, Gen, CAMPAIGNS};
use crate::json::{money, obj, J};
use crate::problem::ApiError;
use crate::time::{self, DATA_START, TICKS_PER_DAY};
use crate::write::{parse_body, Errs};
use crate::Resource;

/// Report categories: id and name.
pub(crate) const CATEGORIES: [(&str, &str); 5] = [
    ("operations", "Operations"),
    ("accounting", "Accounting"),
    ("marketing", "Marketing"),
    ("technician", "Technician"),
    ("memberships", "Memberships"),
];

/// Report templates: name, description.
const TEMPLATES: [(&str, &str); 3] = [
    (
        "Revenue by Business Unit",
        "Completed jobs and revenue per day and business unit.",
    ),
    (
        "Technician Performance",
        "Jobs, sales and conversion per technician.",
    ),
    (
        "Calls by Campaign",
        "Calls and bookings per day and campaign.",
    ),
];

/// The reports of a category: `(id, template)`.
pub(crate) fn reports(category: &str) -> Option<Vec<(i64, usize)>> {
    let idx = CATEGORIES
        .iter()
        .position(|(id, _)| id.eq_ignore_ascii_case(category))?;
    Some(
        (0..TEMPLATES.len())
            .map(|t| ((idx as i64 + 1) * 100 + t as i64 + 1, t))
            .collect(),
    )
}

fn find(category: &str, report: i64) -> Option<(usize, usize)> {
    let idx = CATEGORIES
        .iter()
        .position(|(id, _)| id.eq_ignore_ascii_case(category))?;
    let (_, t) = reports(category)?
        .into_iter()
        .find(|(id, _)| *id == report)?;
    Some((idx, t))
}

fn report_name(cat: usize, t: usize) -> String {
    format!("{} - {}", CATEGORIES[cat].1, TEMPLATES[t].0)
}

/// The summary of a report (`Report`).
pub(crate) fn report_summary(category: &str, id: i64) -> Option<J> {
    let (cat, t) = find(category, id)?;
    Some(obj! {
        "id" => id,
        "name" => report_name(cat, t),
        "description" => TEMPLATES[t].1,
    })
}

fn fields(t: usize) -> Vec<(&'static str, &'static str, &'static str)> {
    match t {
        0 => vec![
            ("Date", "Date", "Date"),
            ("BusinessUnit", "Business Unit", "String"),
            ("CompletedJobs", "Completed Jobs", "Number"),
            ("Revenue", "Revenue", "Number"),
        ],
        1 => vec![
            ("Technician", "Technician", "String"),
            ("CompletedJobs", "Completed Jobs", "Number"),
            ("Sales", "Sales", "Number"),
            ("ConversionRate", "Conversion Rate", "Number"),
        ],
        _ => vec![
            ("Date", "Date", "Date"),
            ("Campaign", "Campaign", "String"),
            ("Calls", "Calls", "Number"),
            ("Booked", "Booked Calls", "Number"),
        ],
    }
}

fn fields_json(t: usize) -> J {
    J::Arr(
        fields(t)
            .into_iter()
            .map(|(n, l, d)| obj! {"name" => n, "label" => l, "dataType" => d})
            .collect(),
    )
}

/// The columns of a data page (`ReportHeaderField`): name and label, no data type.
fn header_json(t: usize) -> J {
    J::Arr(
        fields(t)
            .into_iter()
            .map(|(n, l, _)| obj! {"name" => n, "label" => l})
            .collect(),
    )
}

/// The full description of a report (`ReportDescription`).
pub(crate) fn report_description(category: &str, id: i64) -> Option<J> {
    let (cat, t) = find(category, id)?;
    let param = |name: &'static str,
                 label: &'static str,
                 dt: &'static str,
                 array: bool,
                 required: bool,
                 accept: J| {
        obj! {"name" => name, "label" => label, "dataType" => dt, "isArray" => array, "isRequired" => required, "acceptValues" => accept}
    };
    Some(obj! {
        "id" => id,
        "name" => report_name(cat, t),
        "description" => TEMPLATES[t].1,
        "modifiedOn" => time::format(DATA_START),
        "fields" => fields_json(t),
        "parameters" => J::Arr(vec![
            param("From", "From", "Date", false, true, J::Null),
            param("To", "To", "Date", false, true, J::Null),
            param(
                "BusinessUnitIds",
                "Business Units",
                "Number",
                true,
                false,
                obj! {"dynamicSetId" => "business-units", "fields" => J::Arr(vec![]), "values" => J::Arr(vec![])},
            ),
        ]),
    })
}

/// A validated report run.
#[derive(Clone, Debug)]
pub(crate) struct Run {
    template: usize,
    report: i64,
    from_day: i64,
    days: i64,
    business_units: Option<Vec<i64>>,
}

/// Validates the body of a report data request.
pub(crate) fn parse_run(category: &str, report: i64, body: &[u8]) -> Result<Run, ApiError> {
    let Some((_, template)) = find(category, report) else {
        return Err(ApiError::not_found(format!(
            "There is no report {report} in category {category:?}."
        )));
    };
    let m = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Map::new()
    } else {
        parse_body(body)?
    };
    let mut errs = Errs::default();
    let mut from = None;
    let mut to = None;
    let mut bus = None;
    let params = match m.get("parameters") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(_) => {
            errs.add("parameters", "The parameters field must be an array.");
            Vec::new()
        }
    };
    for p in &params {
        let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
        let value = p.get("value").cloned().unwrap_or(Value::Null);
        let date = |v: &Value| v.as_str().and_then(time::parse);
        match name.to_ascii_lowercase().as_str() {
            "from" => match date(&value) {
                Some(t) => from = Some(t),
                None => errs.add("From", "From must be a date such as 2024-01-31."),
            },
            "to" => match date(&value) {
                Some(t) => to = Some(t),
                None => errs.add("To", "To must be a date such as 2024-01-31."),
            },
            "businessunitids" => {
                let ids: Option<Vec<i64>> = match &value {
                    Value::Array(a) => a.iter().map(Value::as_i64).collect(),
                    Value::Number(n) => n.as_i64().map(|i| vec![i]),
                    Value::String(s) => s.split(',').map(|x| x.trim().parse().ok()).collect(),
                    Value::Null => Some(Vec::new()),
                    _ => None,
                };
                match ids {
                    Some(ids) if !ids.is_empty() => bus = Some(ids),
                    Some(_) => {}
                    None => errs.add("BusinessUnitIds", "BusinessUnitIds must be a list of ids."),
                }
            }
            _ => errs.add(
                "parameters",
                format!("Report {report} has no parameter named {name:?}."),
            ),
        }
    }
    if from.is_none() && !errs_has(&errs, "From") {
        errs.add("From", "The From parameter is required.");
    }
    if to.is_none() && !errs_has(&errs, "To") {
        errs.add("To", "The To parameter is required.");
    }
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            errs.add("To", "To must not be before From.");
        }
    }
    errs.done()?;
    let (from, to) = (from.unwrap_or_default(), to.unwrap_or_default());
    let from_day = from.div_euclid(TICKS_PER_DAY);
    let days = (to.div_euclid(TICKS_PER_DAY) - from_day + 1).clamp(1, 3_660);
    Ok(Run {
        template,
        report,
        from_day,
        days,
        business_units: bus,
    })
}

fn errs_has(errs: &Errs, field: &str) -> bool {
    errs.has(field)
}

/// The rows of a run: how many, and row `k`.
pub(crate) fn row_count(gen: &Gen, run: &Run) -> u64 {
    let per_day = |n: u64| n.max(1);
    match run.template {
        0 => run.days as u64 * per_day(bu_list(gen, run).len() as u64),
        1 => gen.n(Resource::Technicians).max(1),
        _ => run.days as u64 * CAMPAIGNS.len() as u64,
    }
}

fn bu_list(gen: &Gen, run: &Run) -> Vec<i64> {
    match &run.business_units {
        Some(ids) => ids.clone(),
        None => (0..gen.n(Resource::BusinessUnits).clamp(1, 3))
            .map(|p| gen.id(Resource::BusinessUnits, p))
            .collect(),
    }
}

fn row(gen: &Gen, run: &Run, k: u64, bus: &[i64]) -> J {
    let h = |salt: u64| mix(mix(run.report as u64 ^ (k << 20)) ^ salt);
    let date = |day: i64| J::s(time::format_date(day * TICKS_PER_DAY));
    match run.template {
        0 => {
            let n = bus.len().max(1) as u64;
            let bu = bus.get((k % n) as usize).copied().unwrap_or_default();
            let jobs = (h(1) % 12) as i64;
            J::Arr(vec![
                date(run.from_day + (k / n) as i64),
                J::s(format!("Business Unit {bu}")),
                J::Int(jobs),
                money(jobs * (20_000 + (h(2) % 50_000) as i64)),
            ])
        }
        1 => {
            let jobs = (h(1) % 60) as i64;
            J::Arr(vec![
                J::s(format!("Technician {}", gen.id(Resource::Technicians, k))),
                J::Int(jobs),
                money(jobs * (15_000 + (h(2) % 40_000) as i64)),
                J::Dec((h(3) % 10_000) as i64, 4),
            ])
        }
        _ => {
            let n = CAMPAIGNS.len() as u64;
            let calls = (h(1) % 40) as i64;
            J::Arr(vec![
                date(run.from_day + (k / n) as i64),
                J::s(CAMPAIGNS[(k % n) as usize]),
                J::Int(calls),
                J::Int(calls * (h(2) % 60) as i64 / 100),
            ])
        }
    }
}

/// `ReportDataPage` for a run.
pub(crate) fn data_page(
    gen: &Gen,
    run: &Run,
    page: u64,
    page_size: u64,
    include_total: bool,
) -> Vec<u8> {
    let total = row_count(gen, run);
    let bus = bu_list(gen, run);
    let start = (page - 1).saturating_mul(page_size);
    let end = start.saturating_add(page_size).min(total);
    let rows: Vec<J> = (start.min(total)..end)
        .map(|k| row(gen, run, k, &bus))
        .collect();
    obj! {
        "fields" => header_json(run.template),
        "page" => page as i64,
        "pageSize" => page_size as i64,
        "hasMore" => end < total,
        "totalCount" => if include_total { J::Int(total as i64) } else { J::Null },
        "data" => J::Arr(rows),
    }
    .to_bytes()
}

/// A started data query.
#[derive(Clone, Debug)]
pub(crate) struct Query {
    pub(crate) run: Run,
    pub(crate) page: u64,
    pub(crate) page_size: u64,
    pub(crate) include_total: bool,
    pub(crate) polls_left: u32,
}

/// A tenant's reporting state: recent runs per report and open data queries.
#[derive(Default, Debug)]
pub(crate) struct ReportState {
    runs: HashMap<(String, i64), VecDeque<Instant>>,
    pub(crate) queries: HashMap<String, Query>,
}

impl ReportState {
    /// Records a run of a report, or says how many seconds to wait before the next one.
    pub(crate) fn try_run(
        &mut self,
        category: &str,
        report: i64,
        per_minute: u32,
    ) -> Result<(), u64> {
        if per_minute == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let window = Duration::from_secs(60);
        let runs = self
            .runs
            .entry((category.to_ascii_lowercase(), report))
            .or_default();
        while runs
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            runs.pop_front();
        }
        if runs.len() >= per_minute as usize {
            let oldest = runs.front().copied().unwrap_or(now);
            let wait = window.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs_f64().ceil().max(1.0) as u64);
        }
        runs.push_back(now);
        Ok(())
    }
}
