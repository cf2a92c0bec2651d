//! Reporting over HTTP: report categories, the reports of a category and their descriptions,
//! report data (one run per report per minute per tenant by default) and long-running data
//! queries. What a report holds is [`crate::reporting`]'s.

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;

use crate::json::{obj, J};
use crate::params::{page_params, report_params, Query};
use crate::problem::{ApiError, ApiResult};
use crate::reply::{json, slice_page, JSON};
use crate::reporting;

use super::Call;

/// A page of the report categories.
pub(crate) fn categories(c: &Call) -> ApiResult {
    let (page, size, total) = page_params(&Query::parse(c.query))?;
    let items: Vec<J> = reporting::CATEGORIES
        .iter()
        .map(|(id, name)| obj! {"id" => *id, "name" => *name})
        .collect();
    Ok(slice_page(items, page, size, total))
}

/// A page of the reports of `{report_category}`.
pub(crate) fn reports(c: &Call) -> ApiResult {
    let cat = c.params.get("report_category").cloned().unwrap_or_default();
    let (page, size, total) = page_params(&Query::parse(c.query))?;
    let Some(reports) = reporting::reports(&cat) else {
        return Err(ApiError::not_found(format!(
            "There is no report category {cat:?}."
        )));
    };
    let items = reports
        .into_iter()
        .filter_map(|(id, _)| reporting::report_summary(&cat, id))
        .collect();
    Ok(slice_page(items, page, size, total))
}

/// Report `{reportId}`'s description: its fields and parameters.
pub(crate) fn report(c: &Call) -> ApiResult {
    let (cat, id) = report_params(c.params)?;
    reporting::report_description(&cat, id)
        .map(|d| json(d.to_bytes()))
        .ok_or_else(|| ApiError::not_found(format!("There is no report {id} in category {cat:?}.")))
}

/// Runs a report and answers the page asked for.
pub(crate) fn data(c: &Call) -> ApiResult {
    run(c, false)
}

/// Runs a report as a data query: a token to poll, unless the mock answers queries at once.
pub(crate) fn query(c: &Call) -> ApiResult {
    run(c, true)
}

/// A report run; every first page (and every query) counts against the report's runs per
/// minute.
fn run(c: &Call, query: bool) -> ApiResult {
    let (s, t) = (c.shared, c.tenant);
    let (cat, id) = report_params(c.params)?;
    let (page, page_size, include_total) = page_params(&Query::parse(c.query))?;
    let run = reporting::parse_run(&cat, id, c.body)?;
    let counts_as_run = query || page == 1;
    if counts_as_run {
        t.reports()
            .try_run(&cat, id, s.cfg.report_runs_per_minute)
            .map_err(|wait| {
                ApiError::too_many(
                    wait,
                    format!(
                        "Report {id} can run {} time(s) per minute per tenant; retry after {wait} s.",
                        s.cfg.report_runs_per_minute
                    ),
                )
            })?;
    }
    if !query || s.cfg.data_query_polls == 0 {
        return Ok(json(reporting::data_page(
            &t.gen,
            &run,
            page,
            page_size,
            include_total,
        )));
    }
    let token = format!("dq-{:016x}", s.unique());
    t.reports().queries.insert(
        token.clone(),
        reporting::Query {
            run,
            page,
            page_size,
            include_total,
            polls_left: s.cfg.data_query_polls,
        },
    );
    Ok((
        StatusCode::ACCEPTED,
        [(header::CONTENT_TYPE, JSON)],
        obj! {"token" => token}.to_bytes(),
    )
        .into_response())
}

/// Data query `{token}`: 202 while it runs, then its page.
pub(crate) fn poll_query(c: &Call) -> ApiResult {
    let t = c.tenant;
    let token = c.params.get("token").cloned().unwrap_or_default();
    let mut reports = t.reports();
    let Some(q) = reports.queries.get_mut(&token) else {
        return Err(no_query(&token));
    };
    if q.polls_left > 0 {
        q.polls_left -= 1;
        return Ok((StatusCode::ACCEPTED, [(header::RETRY_AFTER, "1")]).into_response());
    }
    let q = q.clone();
    drop(reports);
    Ok(json(reporting::data_page(
        &t.gen,
        &q.run,
        q.page,
        q.page_size,
        q.include_total,
    )))
}

/// Cancels data query `{token}`.
pub(crate) fn cancel_query(c: &Call) -> ApiResult {
    let token = c.params.get("token").cloned().unwrap_or_default();
    match c.tenant.reports().queries.remove(&token) {
        Some(_) => Ok(StatusCode::NO_CONTENT.into_response()),
        None => Err(no_query(&token)),
    }
}

fn no_query(token: &str) -> ApiError {
    ApiError::not_found(format!("There is no data query {token:?}."))
}
