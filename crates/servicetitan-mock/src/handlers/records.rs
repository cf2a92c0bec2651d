//! Records of the hand-written resources: lists, one record by id, creates and updates (the
//! writes themselves are in [`crate::write`]), and bookings under their booking provider.

use crate::data::Gen;
use crate::json::J;
use crate::params::{id_param, list_query, provider_param, Query};
use crate::problem::{ApiError, ApiResult};
use crate::reply::{json, list_page};
use crate::store::TenantData;
use crate::write;
use crate::Resource;

use super::Call;

/// A write that creates a record from the body: the created record.
pub(crate) type CreateFn = fn(&Gen, &mut TenantData, &[u8]) -> Result<J, ApiError>;
/// A write that updates record `id` from the body: the updated record, or `None` if there is none.
pub(crate) type UpdateFn = fn(&Gen, &mut TenantData, i64, &[u8]) -> Result<Option<J>, ApiError>;

/// A page of `r`'s records.
pub(crate) fn list(c: &Call, r: Resource) -> ApiResult {
    list_for(c, r, None)
}

/// A page of `r`'s records, of one booking provider's bookings if `provider` is given.
fn list_for(c: &Call, r: Resource, provider: Option<i64>) -> ApiResult {
    let mut lq = list_query(&Query::parse(c.query))?;
    lq.provider = provider;
    // The fault: every page request gets page 1, which still says more follow.
    let ignore_page = c.shared.cfg.ignore_page;
    if ignore_page {
        lq.page = 1;
    }
    let t = c.tenant;
    let page = t.data().list(&t.gen, r, &lq);
    let items = page.items.into_iter().map(|i| i.render(&t.gen, r, false));
    Ok(list_page(
        &lq,
        page.has_more || ignore_page,
        page.total,
        items,
    ))
}

/// `r`'s record `{id}`.
pub(crate) fn get(c: &Call, r: Resource) -> ApiResult {
    get_for(c, r, None)
}

/// `r`'s record `{id}`, if it belongs to booking provider `provider` when one is given.
fn get_for(c: &Call, r: Resource, provider: Option<i64>) -> ApiResult {
    let t = c.tenant;
    let id = id_param(c.params)?;
    let rec = t.data().get_json(&t.gen, r, id);
    let rec = rec.filter(|rec| {
        provider.is_none_or(|p| rec.get("bookingProviderId").and_then(J::as_i64) == Some(p))
    });
    match rec {
        Some(rec) => Ok(json(rec.to_bytes())),
        None => Err(not_found(r, id)),
    }
}

/// Creates a record with `f`.
pub(crate) fn create(c: &Call, f: CreateFn) -> ApiResult {
    let t = c.tenant;
    let rec = f(&t.gen, &mut t.data(), c.body)?;
    Ok(json(rec.to_bytes()))
}

/// Updates `r`'s record `{id}` with `f`.
pub(crate) fn update(c: &Call, r: Resource, f: UpdateFn) -> ApiResult {
    let t = c.tenant;
    let id = id_param(c.params)?;
    match f(&t.gen, &mut t.data(), id, c.body)? {
        Some(rec) => Ok(json(rec.to_bytes())),
        None => Err(not_found(r, id)),
    }
}

/// A page of the bookings of `{booking_provider}`.
pub(crate) fn list_provider_bookings(c: &Call) -> ApiResult {
    let provider = provider_param(c.params)?;
    list_for(c, Resource::Bookings, Some(provider))
}

/// Creates a booking of `{booking_provider}`.
pub(crate) fn create_provider_booking(c: &Call) -> ApiResult {
    let provider = provider_param(c.params)?;
    let t = c.tenant;
    let rec = write::create_booking(&t.gen, &mut t.data(), provider, c.body)?;
    Ok(json(rec.to_bytes()))
}

/// Booking `{id}` of `{booking_provider}`.
pub(crate) fn get_provider_booking(c: &Call) -> ApiResult {
    let provider = provider_param(c.params)?;
    get_for(c, Resource::Bookings, Some(provider))
}

/// Updates booking `{id}` of `{booking_provider}` (another provider's booking is not found).
pub(crate) fn update_provider_booking(c: &Call) -> ApiResult {
    get_provider_booking(c)?;
    update(c, Resource::Bookings, write::update_booking)
}

/// 404 for `r`'s record `id`.
pub(crate) fn not_found(r: Resource, id: i64) -> ApiError {
    ApiError::not_found(format!("{} {id} was not found.", label(r)))
}

fn label(r: Resource) -> &'static str {
    match r {
        Resource::Jobs => "Job",
        Resource::Appointments => "Appointment",
        Resource::JobTypes => "Job type",
        Resource::Customers => "Customer",
        Resource::Locations => "Location",
        Resource::Bookings => "Booking",
        Resource::Leads => "Lead",
        Resource::Invoices => "Invoice",
        Resource::Payments => "Payment",
        Resource::Technicians => "Technician",
        Resource::Employees => "Employee",
        Resource::BusinessUnits => "Business unit",
        Resource::Services => "Service",
        Resource::Materials => "Material",
        Resource::Calls => "Call",
        Resource::AppointmentAssignments => "Appointment assignment",
    }
}
