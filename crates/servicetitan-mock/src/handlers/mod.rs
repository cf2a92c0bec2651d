//! The hand-written handlers, one module per area. [`crate::routes`] says which method and path
//! each one serves; a handler gets the admitted request as a [`Call`] and answers a response or
//! an [`ApiError`](crate::problem::ApiError).

pub(crate) mod export;
pub(crate) mod records;
pub(crate) mod reporting;
pub(crate) mod telecom;
pub(crate) mod token;

use std::collections::HashMap;

use crate::server::{Shared, Tenant};

/// An API request as a handler sees it, after the guard admitted it.
pub(crate) struct Call<'a> {
    /// The server: configuration, counters.
    pub(crate) shared: &'a Shared,
    /// The tenant the path names.
    pub(crate) tenant: &'a Tenant,
    /// The path's parameters by name (`tenant`, `id`, ...).
    pub(crate) params: &'a HashMap<String, String>,
    /// The raw query string.
    pub(crate) query: Option<&'a str>,
    /// The request body (empty for GET).
    pub(crate) body: &'a [u8],
}
