//! Reading a request's parameters: the query string (looked up case-insensitively, as ASP.NET
//! does), paging and list filters, and the path's ids. A bad value is a 400 (or, for an id that
//! is not a number, the 404 of a path no operation serves) in the API's words.

use std::collections::HashMap;

use crate::problem::{ApiError, NO_SUCH_OPERATION};
use crate::store::{Active, ListQuery, SortField};
use crate::time;

/// Query parameters, looked up case-insensitively like ASP.NET does.
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    pub(crate) fn parse(raw: Option<&str>) -> Query {
        Query(
            form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, v)| k.eq_ignore_ascii_case(name) && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }

    pub(crate) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| {
                k.eq_ignore_ascii_case(name) || k.eq_ignore_ascii_case(&format!("{name}[]"))
            })
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        self.get(name)
            .map(|v| {
                v.parse::<i64>().map_err(|_| {
                    ApiError::bad_param(name, format!("The value {v:?} is not a valid integer."))
                })
            })
            .transpose()
    }

    pub(crate) fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        self.get(name)
            .map(|v| match v.to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                _ => Err(ApiError::bad_param(
                    name,
                    format!("The value {v:?} is not true or false."),
                )),
            })
            .transpose()
    }

    pub(crate) fn date(&self, name: &str) -> Result<Option<i64>, ApiError> {
        self.get(name)
            .map(|v| {
                time::parse(v).ok_or_else(|| {
                    ApiError::bad_param(
                        name,
                        format!("The value {v:?} is not a valid date-time (use ISO 8601, e.g. 2024-01-31T00:00:00Z)."),
                    )
                })
            })
            .transpose()
    }
}

/// Paging: page (from 1), page size (1 to 5000, 50 by default), whether to count the total.
pub(crate) fn page_params(q: &Query) -> Result<(u64, u64, bool), ApiError> {
    let page = q.int("page")?.unwrap_or(1);
    if page < 1 {
        return Err(ApiError::bad_param("page", "The page must be 1 or more."));
    }
    let size = q.int("pageSize")?.unwrap_or(50);
    if !(1..=5000).contains(&size) {
        return Err(ApiError::bad_param(
            "pageSize",
            "The pageSize must be between 1 and 5000.",
        ));
    }
    let total = q.bool("includeTotal")?.unwrap_or(false);
    Ok((page as u64, size as u64, total))
}

/// A list request's paging, ids, date filters, `active` and sort order.
pub(crate) fn list_query(q: &Query) -> Result<ListQuery, ApiError> {
    let (page, page_size, include_total) = page_params(q)?;
    let mut ids: Vec<i64> = Vec::new();
    let mut any_ids = false;
    for v in q.all("ids") {
        for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            any_ids = true;
            ids.push(
                part.parse().map_err(|_| {
                    ApiError::bad_param("ids", format!("{part:?} is not a valid id."))
                })?,
            );
        }
    }
    if ids.len() > 50 {
        return Err(ApiError::bad_param(
            "ids",
            "At most 50 ids can be looked up at once.",
        ));
    }
    let after = |name: &str| -> Result<Option<i64>, ApiError> { Ok(q.date(name)?.map(|t| t + 1)) };
    let max = |a: Option<i64>, b: Option<i64>| match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let active = match q.get("active").map(str::to_ascii_lowercase).as_deref() {
        None => match q.bool("activeOnly")? {
            Some(false) => Active::Any,
            _ => Active::True,
        },
        Some("true") => Active::True,
        Some("false") => Active::False,
        Some("any") => Active::Any,
        Some(other) => {
            return Err(ApiError::bad_param(
                "active",
                format!("{other:?} is not one of True, False, Any."),
            ))
        }
    };
    let (mut sort, mut desc) = (SortField::Id, false);
    let sort_field = |name: &str, param: &str| -> Result<SortField, ApiError> {
        match name.to_ascii_lowercase().as_str() {
            "id" | "createdon" => Ok(SortField::Id),
            "modifiedon" => Ok(SortField::Modified),
            _ => Err(ApiError::bad_param(
                param,
                format!("Sorting by {name:?} is not supported; use Id, CreatedOn or ModifiedOn."),
            )),
        }
    };
    if let Some(s) = q.get("sort") {
        let (d, name) = match s.as_bytes()[0] {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        sort = sort_field(name.trim(), "sort")?;
        desc = d;
    } else if let Some(o) = q.get("orderBy") {
        sort = sort_field(o, "orderBy")?;
        desc = q.get("orderByDirection").is_some_and(|d| {
            d.eq_ignore_ascii_case("desc") || d.eq_ignore_ascii_case("descending")
        });
    }
    Ok(ListQuery {
        page,
        page_size,
        include_total,
        ids: any_ids.then_some(ids),
        created_ge: max(q.date("createdOnOrAfter")?, after("createdAfter")?),
        created_lt: q.date("createdBefore")?,
        modified_ge: max(q.date("modifiedOnOrAfter")?, after("modifiedAfter")?),
        modified_lt: q.date("modifiedBefore")?,
        active,
        provider: None,
        sort,
        desc,
    })
}

/// The path's `{id}`.
pub(crate) fn id_param(p: &HashMap<String, String>) -> Result<i64, ApiError> {
    let raw = p.get("id").map(String::as_str).unwrap_or_default();
    raw.parse().map_err(|_| {
        ApiError::not_found(format!(
            "{raw:?} is not an id, and the mock serves no operation at this path."
        ))
        .code(NO_SUCH_OPERATION)
    })
}

/// The path's `{booking_provider}`.
pub(crate) fn provider_param(p: &HashMap<String, String>) -> Result<i64, ApiError> {
    let raw = p
        .get("booking_provider")
        .map(String::as_str)
        .unwrap_or_default();
    raw.parse().map_err(|_| {
        ApiError::bad_param(
            "booking_provider",
            format!("{raw:?} is not a valid booking provider id."),
        )
    })
}

/// The path's `{report_category}` and `{reportId}`.
pub(crate) fn report_params(p: &HashMap<String, String>) -> Result<(String, i64), ApiError> {
    let cat = p.get("report_category").cloned().unwrap_or_default();
    let raw = p.get("reportId").map(String::as_str).unwrap_or_default();
    let id = raw.parse().map_err(|_| {
        ApiError::bad_param("reportId", format!("{raw:?} is not a valid report id."))
    })?;
    Ok((cat, id))
}
