//! Runtime of the ServiceTitan SDK: everything the generated API clients share.
//!
//! Every generated client (one crate per API module, produced by progenitor) carries a
//! [`Runtime`] and sends each request through [`Runtime::execute`] (attached with
//! [`attach_runtime!`]), which:
//!
//! 1. fills the tenant id into the `__tenant__` path segment (percent-encoded) and refuses to
//!    send credentials anywhere but the configured API base URL;
//! 2. adds `Authorization: Bearer <token>` (OAuth client credentials, cached per tenant until a
//!    margin before expiry, refreshed single-flight) and `ST-App-Key`;
//! 3. waits for the tenant's next slot under its rate limit (60 requests/s by default, paced at
//!    97 % of it, slower for a while after a 429);
//! 4. retries: 429 after `Retry-After` or backoff; 408/500/502/503/504, timeouts and broken
//!    connections for idempotent methods; bounded by attempts, total time and a shared retry
//!    token bucket; on a 401, replaces the token once and retries once;
//! 5. records a `servicetitan.request` tracing span (operation, tenant, attempt, status,
//!    limiter wait).
//!
//! Errors convert into the one [`Error`] type with `Error::from`. Lists and exports stream
//! through [`paging`]; reports use [`reports`]; binary downloads [`binary`]; uploads
//! [`upload`].
//!
//! Secrets ([`Secret`]) never appear in `Debug` output, logs or errors, and redirects to
//! another host are never followed (so neither the token nor the App Key can leak there).

#![warn(missing_docs)]

mod auth;
pub mod binary;
mod config;
pub mod dynamic;
pub mod error;
pub mod operations;
mod pacer;
pub mod pacing;
pub mod paging;
pub mod reports;
mod retry;
mod runtime;
mod secret;
#[cfg(feature = "testing")]
pub mod testing;
pub mod types;
pub mod upload;

pub use config::{Environment, RuntimeBuilder};
pub use error::{ApiError, AuthError, AuthErrorKind, DecodeError, Error, PagingError, Problem};
pub use retry::{RetryBudget, RetryPolicy};
pub use runtime::{encode_path_segment, Runtime, TENANT_PLACEHOLDER};
pub use secret::{Credentials, Secret};

/// The traits and types most programs need: `use servicetitan_core::prelude::*;` brings the
/// stream methods (`stream_items`, `stream_pages`, `stream_export`) into scope.
pub mod prelude {
    pub use crate::paging::{ExportRequestExt, ListRequestExt, Watermark};
    pub use crate::{Credentials, Environment, Error, RetryPolicy, Runtime};
}

/// Re-exports used by [`attach_runtime!`]'s expansion. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use progenitor_client;
    pub use reqwest;
}

/// Attaches the [`Runtime`] to a generated client: expands, at the root of a generated crate
/// (next to its `pub struct Client`), to an `impl ClientHooks<Runtime> for Client` whose
/// `exec` sends every request through [`Runtime::execute`].
///
/// ```ignore
/// // lib.rs of a generated crate
/// mod generated;
/// pub use generated::*;
/// servicetitan_core::attach_runtime!();
/// ```
#[macro_export]
macro_rules! attach_runtime {
    () => {
        impl $crate::__private::progenitor_client::ClientHooks<$crate::Runtime> for Client {
            async fn exec(
                &self,
                request: $crate::__private::reqwest::Request,
                info: &$crate::__private::progenitor_client::OperationInfo,
            ) -> $crate::__private::reqwest::Result<$crate::__private::reqwest::Response> {
                let runtime: &$crate::Runtime =
                                    <Client as $crate::__private::progenitor_client::ClientInfo<
                                        $crate::Runtime,
                                    >>::inner(self);
                runtime.execute(request, info.operation_id).await
            }
        }
    };
}
