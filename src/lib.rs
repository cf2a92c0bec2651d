//! Rust SDK for the ServiceTitan API: one entry point over every API module.
//!
//! ```no_run
//! # async fn demo() -> Result<(), servicetitan::Error> {
//! use servicetitan::paging::ListRequestExt;
//! use futures::StreamExt;
//!
//! let st = servicetitan::ServiceTitan::from_env()?; // ST_CLIENT_ID, ST_CLIENT_SECRET, ...
//! let jpm = st.jpm();
//! let mut jobs = std::pin::pin!(jpm.list_jobs().page_size(500).stream_items());
//! while let Some(job) = jobs.next().await {
//!     let job = job?;
//!     println!("{:?} {:?}", job.id, job.job_status);
//! }
//! # Ok(()) }
//! ```
//!
//! Each module (`jpm`, `crm`, `accounting`, ...) is a cargo feature of the same name; `full`
//! (the default) enables all of them. The runtime ([`servicetitan_core`]) handles OAuth tokens,
//! the `ST-App-Key` header, the tenant in every path, rate limits, retries and paging.

#![warn(missing_docs)]

pub use servicetitan_core::{
    binary, dynamic, encode_path_segment, operations, pacing, paging, reports, types, upload,
    ApiError, AuthError, AuthErrorKind, Credentials, DecodeError, Environment, Error, PagingError,
    Problem, RetryBudget, RetryPolicy, Runtime, RuntimeBuilder, Secret, TENANT_PLACEHOLDER,
};

use std::time::Duration;

/// A ServiceTitan connection for one tenant: hands out the module clients, all sharing one
/// runtime (token cache, rate limiter, retry budget and HTTP connection pool).
#[derive(Clone, Debug)]
pub struct ServiceTitan {
    runtime: Runtime,
}

impl ServiceTitan {
    /// Starts a configuration: credentials, app key, tenant, environment or URLs, limits,
    /// retries and timeouts.
    pub fn builder() -> ServiceTitanBuilder {
        ServiceTitanBuilder(Runtime::builder())
    }

    /// Configuration from `ST_CLIENT_ID`, `ST_CLIENT_SECRET`, `ST_APP_KEY`, `ST_TENANT_ID`,
    /// `ST_ENV` (production | integration), `ST_API_BASE_URL` and `ST_AUTH_URL`.
    pub fn from_env() -> Result<Self, Error> {
        Ok(Runtime::from_env()?.into())
    }

    /// The same app for another tenant (agencies run many): its own credentials, token and
    /// rate limit; the HTTP connection pool is shared.
    ///
    /// # Errors
    /// [`Error::Config`] when the tenant id is not a positive integer.
    pub fn tenant(
        &self,
        tenant_id: impl ToString,
        credentials: Credentials,
    ) -> Result<ServiceTitan, Error> {
        Ok(self.runtime.for_tenant(tenant_id, credentials)?.into())
    }

    /// The tenant id this connection works for.
    pub fn tenant_id(&self) -> &str {
        self.runtime.tenant()
    }

    /// The runtime every module client uses.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }
}

impl From<Runtime> for ServiceTitan {
    fn from(runtime: Runtime) -> Self {
        ServiceTitan { runtime }
    }
}

/// Builder for [`ServiceTitan`]; every setter is the runtime's ([`RuntimeBuilder`]).
#[derive(Debug)]
pub struct ServiceTitanBuilder(RuntimeBuilder);

macro_rules! forward_setters {
    ($( $(#[$doc:meta])* $name:ident($arg:ident: $ty:ty); )*) => {
        impl ServiceTitanBuilder {
            $(
                $(#[$doc])*
                pub fn $name(self, $arg: $ty) -> Self {
                    ServiceTitanBuilder(self.0.$name($arg))
                }
            )*
        }
    };
}

forward_setters! {
    /// The app's client id for this tenant.
    client_id(client_id: impl Into<String>);
    /// The client secret (kept out of Debug output and logs).
    client_secret(client_secret: impl Into<Secret>);
    /// Client id and secret together.
    credentials(credentials: Credentials);
    /// The application key (`ST-App-Key`); not the client id.
    app_key(app_key: impl Into<Secret>);
    /// The tenant id (not the account id).
    tenant(tenant: impl ToString);
    /// Production or integration.
    environment(environment: Environment);
    /// A custom API base URL (proxies, the mock tenant); http only on loopback.
    api_base_url(url: impl Into<String>);
    /// A custom token endpoint URL.
    auth_url(url: impl Into<String>);
    /// Client-side rate limit per tenant (default 60 requests/s).
    rate_limit_per_second(per_second: u32);
    /// How many requests may go at once before the rate limit paces them.
    rate_limit_burst(burst: u32);
    /// Retry behaviour.
    retry_policy(policy: RetryPolicy);
    /// Time allowed to open a connection.
    connect_timeout(timeout: Duration);
    /// Time allowed for one request.
    request_timeout(timeout: Duration);
    /// How long before expiry a token is replaced.
    token_refresh_margin(margin: Duration);
    /// The User-Agent header.
    user_agent(user_agent: impl Into<String>);
}

impl ServiceTitanBuilder {
    /// Checks the configuration and builds the connection.
    pub fn build(self) -> Result<ServiceTitan, Error> {
        Ok(self.0.build()?.into())
    }
}

pub use servicetitan_core::operations::Module;

/// One accessor per module, each behind the module's feature.
macro_rules! modules {
    ($( $feature:literal $krate:ident $alias:ident $accessor:ident; )*) => {
        $(
            #[cfg(feature = $feature)]
            #[doc = concat!("The `", $feature, "` module's generated client and models.")]
            pub use $krate as $alias;
        )*
        impl ServiceTitan {
            $(
                #[cfg(feature = $feature)]
                #[doc = concat!("Client for the `", $feature, "` API, bound to this tenant.")]
                pub fn $accessor(&self) -> $krate::Client {
                    $krate::Client::with_runtime(&self.runtime)
                }
            )*
        }
        /// The modules compiled into this build, with their server paths and operations
        /// (for tools that choose operations at run time).
        #[allow(clippy::vec_init_then_push)] // each push is behind its own feature
        pub fn modules() -> Vec<Module> {
            let mut enabled = Vec::new();
            $(
                #[cfg(feature = $feature)]
                enabled.push(Module {
                    name: $krate::MODULE,
                    server_path: $krate::SERVER_PATH,
                    operations: $krate::OPERATIONS,
                });
            )*
            enabled
        }
    };
}

include!("modules.rs");

/// The module called `name` (`jpm`), if this build has it; the error lists those it has.
pub fn module(name: &str) -> Result<Module, Error> {
    let all = modules();
    all.iter().find(|m| m.name == name).copied().ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|m| m.name).collect();
        Error::InvalidRequest(format!(
            "unknown module {name:?}; modules: {}",
            names.join(", ")
        ))
    })
}

#[cfg(feature = "reporting")]
impl ServiceTitan {
    /// Runs report `report_id` of `category` whole with `parameters` (name and value, e.g.
    /// `("From", "2024-01-01")`): waits for the report's slot, then reads every page (see
    /// [`Runtime::run_report`]).
    ///
    /// # Errors
    /// Any error of the data requests, or a [`PagingError`] when the pages are inconsistent.
    pub async fn run_report(
        &self,
        category: &str,
        report_id: i64,
        parameters: impl IntoIterator<Item = (String, serde_json::Value)>,
    ) -> Result<reports::ReportRows, Error> {
        use reporting::types::{ReportDataRequest, ReportParameterValue};
        let client = self.reporting();
        let body = ReportDataRequest {
            parameters: parameters
                .into_iter()
                .map(|(name, value)| ReportParameterValue {
                    name,
                    value: Some(value),
                })
                .collect(),
        };
        self.runtime
            .run_report(&report_id.to_string(), |page, page_size| {
                let request = client
                    .get_report_data()
                    .report_category(category)
                    .report_id(report_id)
                    .page(page)
                    .page_size(page_size)
                    .body(body.clone());
                async move {
                    let data = request.send().await.map_err(Error::from)?.into_inner();
                    Ok(reports::ReportPage {
                        fields: data
                            .fields
                            .unwrap_or_default()
                            .into_iter()
                            .map(|f| f.name.unwrap_or_default())
                            .collect(),
                        rows: data.data.unwrap_or_default(),
                        has_more: data.has_more.unwrap_or(false),
                    })
                }
            })
            .await
    }
}

/// The README's Rust examples, compiled as doctests so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExamples;
