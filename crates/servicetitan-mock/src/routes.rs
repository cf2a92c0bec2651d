//! The route table: every method and path a hand-written handler serves, and the router built
//! from it. Every API request passes the guard in [`crate::server`] first; one that no route
//! takes goes to [`crate::catalog`], which answers every other operation of the specs.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, Uri};
use axum::routing::{self, on, MethodFilter};
use axum::{middleware, Extension, Router};

use crate::handlers::records::{self, CreateFn, UpdateFn};
use crate::handlers::{export, reporting, telecom, token, Call};
use crate::problem::ApiResult;
use crate::server::{guard, Ctx, Shared, TOKEN_PATH};
use crate::write;
use crate::Resource::{self, *};
use Action::*;

/// What a route does with a request.
#[derive(Clone, Copy)]
pub(crate) enum Action {
    /// A page of a resource's records.
    List(Resource),
    /// A resource's record `{id}`.
    Get(Resource),
    /// A page of a resource's export.
    Export(Resource),
    /// Creates a record with a write of [`crate::write`].
    Create(CreateFn),
    /// Updates a resource's record `{id}` with a write of [`crate::write`].
    Update(Resource, UpdateFn),
    /// A handler of its own.
    Handle(fn(&Call) -> ApiResult),
}

impl Action {
    fn run(self, c: &Call) -> ApiResult {
        match self {
            List(r) => records::list(c, r),
            Get(r) => records::get(c, r),
            Export(r) => export::export(c, r),
            Create(f) => records::create(c, f),
            Update(r, f) => records::update(c, r, f),
            Handle(f) => f(c),
        }
    }
}

/// One entry of the table: a method on a path (axum's `{name}` captures) and what it does.
pub(crate) struct Route {
    pub(crate) method: Method,
    pub(crate) path: &'static str,
    pub(crate) action: Action,
}

const fn route(method: Method, path: &'static str, action: Action) -> Route {
    Route {
        method,
        path,
        action,
    }
}

// The table's methods, short.
const GET: Method = Method::GET;
const POST: Method = Method::POST;
const PATCH: Method = Method::PATCH;
const DELETE: Method = Method::DELETE;

/// Every route with a hand-written handler, by module.
#[rustfmt::skip] // one route a line, so the table reads as one
pub(crate) static ROUTES: &[Route] = &[
    // Job planning and management.
    route(GET, "/jpm/v2/tenant/{tenant}/jobs", List(Jobs)),
    route(POST, "/jpm/v2/tenant/{tenant}/jobs", Create(write::create_job)),
    route(GET, "/jpm/v2/tenant/{tenant}/jobs/{id}", Get(Jobs)),
    route(PATCH, "/jpm/v2/tenant/{tenant}/jobs/{id}", Update(Jobs, write::update_job)),
    route(GET, "/jpm/v2/tenant/{tenant}/export/jobs", Export(Jobs)),
    route(GET, "/jpm/v2/tenant/{tenant}/appointments", List(Appointments)),
    route(GET, "/jpm/v2/tenant/{tenant}/appointments/{id}", Get(Appointments)),
    route(GET, "/jpm/v2/tenant/{tenant}/export/appointments", Export(Appointments)),
    route(GET, "/jpm/v2/tenant/{tenant}/job-types", List(JobTypes)),
    route(GET, "/jpm/v2/tenant/{tenant}/job-types/{id}", Get(JobTypes)),
    // CRM.
    route(GET, "/crm/v2/tenant/{tenant}/customers", List(Customers)),
    route(POST, "/crm/v2/tenant/{tenant}/customers", Create(write::create_customer)),
    route(GET, "/crm/v2/tenant/{tenant}/customers/{id}", Get(Customers)),
    route(PATCH, "/crm/v2/tenant/{tenant}/customers/{id}", Update(Customers, write::update_customer)),
    route(GET, "/crm/v2/tenant/{tenant}/export/customers", Export(Customers)),
    route(GET, "/crm/v2/tenant/{tenant}/locations", List(Locations)),
    route(POST, "/crm/v2/tenant/{tenant}/locations", Create(write::create_location)),
    route(GET, "/crm/v2/tenant/{tenant}/locations/{id}", Get(Locations)),
    route(PATCH, "/crm/v2/tenant/{tenant}/locations/{id}", Update(Locations, write::update_location)),
    route(GET, "/crm/v2/tenant/{tenant}/export/locations", Export(Locations)),
    route(GET, "/crm/v2/tenant/{tenant}/bookings", List(Bookings)),
    route(GET, "/crm/v2/tenant/{tenant}/bookings/{id}", Get(Bookings)),
    route(GET, "/crm/v2/tenant/{tenant}/export/bookings", Export(Bookings)),
    route(GET, "/crm/v2/tenant/{tenant}/booking-provider/{booking_provider}/bookings", Handle(records::list_provider_bookings)),
    route(POST, "/crm/v2/tenant/{tenant}/booking-provider/{booking_provider}/bookings", Handle(records::create_provider_booking)),
    route(GET, "/crm/v2/tenant/{tenant}/booking-provider/{booking_provider}/bookings/{id}", Handle(records::get_provider_booking)),
    route(PATCH, "/crm/v2/tenant/{tenant}/booking-provider/{booking_provider}/bookings/{id}", Handle(records::update_provider_booking)),
    route(GET, "/crm/v2/tenant/{tenant}/leads", List(Leads)),
    route(POST, "/crm/v2/tenant/{tenant}/leads", Create(write::create_lead)),
    route(GET, "/crm/v2/tenant/{tenant}/leads/{id}", Get(Leads)),
    route(GET, "/crm/v2/tenant/{tenant}/export/leads", Export(Leads)),
    // Accounting: lists, exports and recording a payment.
    route(GET, "/accounting/v2/tenant/{tenant}/invoices", List(Invoices)),
    route(GET, "/accounting/v2/tenant/{tenant}/export/invoices", Export(Invoices)),
    route(GET, "/accounting/v2/tenant/{tenant}/payments", List(Payments)),
    route(POST, "/accounting/v2/tenant/{tenant}/payments", Create(write::create_payment)),
    route(GET, "/accounting/v2/tenant/{tenant}/export/payments", Export(Payments)),
    // Settings.
    route(GET, "/settings/v2/tenant/{tenant}/technicians", List(Technicians)),
    route(GET, "/settings/v2/tenant/{tenant}/technicians/{id}", Get(Technicians)),
    route(GET, "/settings/v2/tenant/{tenant}/export/technicians", Export(Technicians)),
    route(GET, "/settings/v2/tenant/{tenant}/employees", List(Employees)),
    route(GET, "/settings/v2/tenant/{tenant}/employees/{id}", Get(Employees)),
    route(GET, "/settings/v2/tenant/{tenant}/export/employees", Export(Employees)),
    route(GET, "/settings/v2/tenant/{tenant}/business-units", List(BusinessUnits)),
    route(GET, "/settings/v2/tenant/{tenant}/business-units/{id}", Get(BusinessUnits)),
    route(GET, "/settings/v2/tenant/{tenant}/export/business-units", Export(BusinessUnits)),
    // Pricebook.
    route(GET, "/pricebook/v2/tenant/{tenant}/services", List(Services)),
    route(GET, "/pricebook/v2/tenant/{tenant}/services/{id}", Get(Services)),
    route(GET, "/pricebook/v2/tenant/{tenant}/export/services", Export(Services)),
    route(GET, "/pricebook/v2/tenant/{tenant}/materials", List(Materials)),
    route(GET, "/pricebook/v2/tenant/{tenant}/materials/{id}", Get(Materials)),
    route(GET, "/pricebook/v2/tenant/{tenant}/export/materials", Export(Materials)),
    // Dispatch: lists and exports.
    route(GET, "/dispatch/v2/tenant/{tenant}/appointment-assignments", List(AppointmentAssignments)),
    route(GET, "/dispatch/v2/tenant/{tenant}/export/appointment-assignments", Export(AppointmentAssignments)),
    // Telecom: v3 calls in the records' shape; v2 calls in their own, and recordings.
    route(GET, "/telecom/v3/tenant/{tenant}/calls", List(Calls)),
    route(GET, "/telecom/v2/tenant/{tenant}/calls", Handle(telecom::list_calls)),
    route(GET, "/telecom/v2/tenant/{tenant}/calls/{id}", Handle(telecom::get_call)),
    route(GET, "/telecom/v2/tenant/{tenant}/calls/{id}/recording", Handle(telecom::recording)),
    // Reporting.
    route(GET, "/reporting/v2/tenant/{tenant}/report-categories", Handle(reporting::categories)),
    route(GET, "/reporting/v2/tenant/{tenant}/report-category/{report_category}/reports", Handle(reporting::reports)),
    route(GET, "/reporting/v2/tenant/{tenant}/report-category/{report_category}/reports/{reportId}", Handle(reporting::report)),
    route(POST, "/reporting/v2/tenant/{tenant}/report-category/{report_category}/reports/{reportId}/data", Handle(reporting::data)),
    route(POST, "/reporting/v2/tenant/{tenant}/report-category/{report_category}/reports/{reportId}/data/query", Handle(reporting::query)),
    route(GET, "/reporting/v2/tenant/{tenant}/data-queries/{token}", Handle(reporting::poll_query)),
    route(DELETE, "/reporting/v2/tenant/{tenant}/data-queries/{token}", Handle(reporting::cancel_query)),
];

/// The router: the token endpoint, the table, the catalog for the rest, all behind the guard.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    table()
        .route(TOKEN_PATH, routing::post(token::token))
        .fallback(|method: Method, uri: Uri| async move {
            crate::catalog::answer(&method, uri.path(), uri.query())
        })
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), guard))
        .with_state(shared)
}

/// The table's routes alone; axum merges the methods of one path.
fn table() -> Router<Arc<Shared>> {
    ROUTES.iter().fold(Router::new(), |router, route| {
        let action = route.action;
        let handler = move |Extension(Ctx(tenant)): Extension<Ctx>,
                            State(shared): State<Arc<Shared>>,
                            Path(params): Path<HashMap<String, String>>,
                            RawQuery(query): RawQuery,
                            body: Bytes| async move {
            action.run(&Call {
                shared: &shared,
                tenant: &tenant,
                params: &params,
                query: query.as_deref(),
                body: &body,
            })
        };
        let filter = MethodFilter::try_from(route.method.clone())
            .expect("the table uses only methods axum routes");
        router.route(route.path, on(filter, handler))
    })
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt as _;

    use super::*;
    use crate::problem::ApiError;
    use crate::{Config, DEFAULT_TENANT};

    #[test]
    fn no_method_and_path_twice() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(
                    a.method != b.method || a.path != b.path,
                    "{} {} is in the table twice",
                    a.method,
                    a.path
                );
            }
        }
    }

    /// Each entry reaches its handler: the answer is the handler's (a response, or a problem it
    /// attached), never axum's own empty 404 or 405 for a path or method the router lacks.
    #[tokio::test]
    async fn every_route_reaches_its_handler() {
        let shared = Arc::new(Shared::new(Config::default(), "http://mock.invalid"));
        let tenant = Arc::clone(&shared.tenants[&DEFAULT_TENANT]);
        let app = table().with_state(shared);
        let answer = |method: Method, uri: String| {
            let mut req = Request::builder()
                .method(method)
                .uri(uri)
                .body(Body::from("{}"))
                .unwrap();
            req.extensions_mut().insert(Ctx(Arc::clone(&tenant)));
            let app = app.clone();
            async move {
                let resp = app.oneshot(req).await.unwrap();
                let axum_default = matches!(
                    resp.status(),
                    StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
                ) && resp.extensions().get::<ApiError>().is_none();
                (resp.status(), axum_default)
            }
        };
        // The check tells axum's answers apart: a path and a method the table lacks.
        let tenant_path = format!("/jpm/v2/tenant/{DEFAULT_TENANT}");
        assert!(answer(GET, format!("{tenant_path}/no-such-thing")).await.1);
        assert!(answer(DELETE, format!("{tenant_path}/jobs")).await.1);
        for route in ROUTES {
            let uri = route
                .path
                .replace("{tenant}", &DEFAULT_TENANT.to_string())
                .replace("{id}", "1")
                .replace("{booking_provider}", "1")
                .replace("{report_category}", "operations")
                .replace("{reportId}", "101")
                .replace("{token}", "dq-0");
            let (status, axum_default) = answer(route.method.clone(), uri.clone()).await;
            assert!(!axum_default, "{} {uri}: {status}", route.method);
        }
    }
}
