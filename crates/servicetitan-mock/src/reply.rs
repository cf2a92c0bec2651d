//! Successful JSON answers: the content type, a body as it is, a page of a list in ServiceTitan's
//! `{page, pageSize, hasMore, totalCount, data}` shape.

use std::io::Write as _;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::json::J;
use crate::store::ListQuery;

/// The content type of every JSON answer the hand-written routes give.
pub(crate) const JSON: &str = "application/json; charset=utf-8";

/// 200 with a JSON body.
pub(crate) fn json(bytes: Vec<u8>) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, JSON)], bytes).into_response()
}

/// 200 with the page `q` asked for.
pub(crate) fn list_page(
    q: &ListQuery,
    has_more: bool,
    total: Option<u64>,
    items: impl Iterator<Item = J>,
) -> Response {
    json(page_bytes(q.page, q.page_size, has_more, total, items))
}

/// A list page, written straight to bytes (pages can hold 5,000 records).
fn page_bytes(
    page: u64,
    page_size: u64,
    has_more: bool,
    total: Option<u64>,
    items: impl Iterator<Item = J>,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    let _ = write!(
        out,
        "{{\"page\":{page},\"pageSize\":{page_size},\"hasMore\":{has_more},\"totalCount\":"
    );
    match total {
        Some(t) => {
            let _ = write!(out, "{t}");
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"data\":[");
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        item.write(&mut out);
    }
    out.extend_from_slice(b"]}");
    out
}

/// 200 with page `page` of `items`, pages of `size`.
pub(crate) fn slice_page(items: Vec<J>, page: u64, size: u64, include_total: bool) -> Response {
    let total = items.len() as u64;
    let start = ((page - 1).saturating_mul(size)).min(total);
    let end = start.saturating_add(size).min(total);
    let has_more = end < total;
    json(page_bytes(
        page,
        size,
        has_more,
        include_total.then_some(total),
        items
            .into_iter()
            .skip(start as usize)
            .take((end - start) as usize),
    ))
}
