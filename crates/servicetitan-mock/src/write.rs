//! Create and update of customers, locations, jobs and bookings, and create of leads and
//! payments, with request validation in the style of the real API (400 with a field →
//! messages map).

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::data::{Gen, PAYMENT_TYPES};
use crate::json::{dec_text, money, obj, parse_dec, rescale, J};
use crate::problem::ApiError;
use crate::store::TenantData;
use crate::time;
use crate::Resource;

/// The user id the mock stamps as `createdById` on records created through the API.
const API_USER: i64 = 980_000_001;
const CONTACT_TYPES: &[&str] = &["Phone", "Email", "Fax", "MobilePhone"];
const CUSTOMER_TYPES: &[&str] = &["Residential", "Commercial"];
const PRIORITIES: &[&str] = &["Low", "Normal", "High", "Urgent"];
const PAYMENT_STATUSES: &[&str] = &["Pending", "Posted", "Exported"];
/// The free-text fields of a lead request, stored as sent.
const LEAD_CONTACT_FIELDS: [&str; 9] = [
    "leadCustomerName",
    "leadPhone",
    "leadEmail",
    "leadStreet",
    "leadUnit",
    "leadCity",
    "leadState",
    "leadZip",
    "leadCountry",
];

/// Collected validation errors.
#[derive(Default)]
pub(crate) struct Errs(Vec<(String, Vec<String>)>);

impl Errs {
    pub(crate) fn add(&mut self, field: impl Into<String>, msg: impl Into<String>) {
        let field = field.into();
        match self.0.iter_mut().find(|(f, _)| *f == field) {
            Some((_, msgs)) => msgs.push(msg.into()),
            None => self.0.push((field, vec![msg.into()])),
        }
    }

    /// Whether `field` already has an error.
    pub(crate) fn has(&self, field: &str) -> bool {
        self.0.iter().any(|(f, _)| f == field)
    }

    pub(crate) fn done(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.0))
        }
    }
}

/// Parses a JSON object body.
pub(crate) fn parse_body(bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(ApiError::validation(vec![(
            "$".into(),
            vec!["The request body must be a JSON object.".into()],
        )])),
        Err(e) => Err(ApiError::validation(vec![(
            "$".into(),
            vec![format!("The request body is not valid JSON: {e}.")],
        )])),
    }
}

fn present<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    m.get(key).filter(|v| !v.is_null())
}

fn req_str(m: &Map<String, Value>, key: &str, errs: &mut Errs) -> Option<String> {
    match present(m, key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        Some(Value::String(_)) | None => {
            errs.add(key, format!("The {key} field is required."));
            None
        }
        Some(_) => {
            errs.add(key, format!("The {key} field must be a string."));
            None
        }
    }
}

fn opt_str(m: &Map<String, Value>, key: &str, errs: &mut Errs) -> Option<String> {
    match present(m, key) {
        Some(Value::String(s)) => Some(s.clone()),
        None => None,
        Some(_) => {
            errs.add(key, format!("The {key} field must be a string."));
            None
        }
    }
}

fn req_i64(m: &Map<String, Value>, key: &str, errs: &mut Errs) -> Option<i64> {
    match present(m, key) {
        Some(v) if v.as_i64().is_some() => v.as_i64(),
        None => {
            errs.add(key, format!("The {key} field is required."));
            None
        }
        Some(_) => {
            errs.add(key, format!("The {key} field must be an integer."));
            None
        }
    }
}

fn opt_i64(m: &Map<String, Value>, key: &str, errs: &mut Errs) -> Option<i64> {
    match present(m, key) {
        Some(v) if v.as_i64().is_some() => v.as_i64(),
        None => None,
        Some(_) => {
            errs.add(key, format!("The {key} field must be an integer."));
            None
        }
    }
}

fn opt_bool(m: &Map<String, Value>, key: &str, errs: &mut Errs) -> Option<bool> {
    match present(m, key) {
        Some(Value::Bool(b)) => Some(*b),
        None => None,
        Some(_) => {
            errs.add(key, format!("The {key} field must be true or false."));
            None
        }
    }
}

fn opt_enum(
    m: &Map<String, Value>,
    key: &str,
    allowed: &'static [&'static str],
    errs: &mut Errs,
) -> Option<&'static str> {
    let s = opt_str(m, key, errs)?;
    match allowed.iter().find(|a| a.eq_ignore_ascii_case(&s)) {
        Some(a) => Some(a),
        None => {
            errs.add(key, format!("{s:?} is not one of: {}.", allowed.join(", ")));
            None
        }
    }
}

fn opt_date(m: &Map<String, Value>, key: &str, errs: &mut Errs) -> Option<i64> {
    let s = opt_str(m, key, errs)?;
    match time::parse(&s) {
        Some(t) => Some(t),
        None => {
            errs.add(key, format!("{s:?} is not a valid date-time."));
            None
        }
    }
}

fn int_array(m: &Map<String, Value>, key: &str, errs: &mut Errs) -> Option<Vec<i64>> {
    match present(m, key) {
        None => None,
        Some(Value::Array(a)) => {
            let ids: Option<Vec<i64>> = a.iter().map(Value::as_i64).collect();
            if ids.is_none() {
                errs.add(
                    key,
                    format!("The {key} field must be an array of integers."),
                );
            }
            ids
        }
        Some(_) => {
            errs.add(
                key,
                format!("The {key} field must be an array of integers."),
            );
            None
        }
    }
}

fn exists(gen: &Gen, data: &TenantData, r: Resource, id: i64) -> bool {
    data.find(gen, r, id).is_some()
}

fn check_ref(
    gen: &Gen,
    data: &TenantData,
    r: Resource,
    id: Option<i64>,
    key: &str,
    errs: &mut Errs,
) {
    if let Some(id) = id {
        if !exists(gen, data, r, id) {
            errs.add(key, format!("There is no {} with id {id}.", singular(r)));
        }
    }
}

fn singular(r: Resource) -> &'static str {
    match r {
        Resource::Customers => "customer",
        Resource::Locations => "location",
        Resource::BusinessUnits => "business unit",
        Resource::JobTypes => "job type",
        Resource::Technicians => "technician",
        Resource::Jobs => "job",
        Resource::Bookings => "booking",
        Resource::Invoices => "invoice",
        _ => "record",
    }
}

/// `[{typeId, value}]` from a request as stored `[{typeId, name, value}]`.
fn custom_fields(m: &Map<String, Value>, errs: &mut Errs) -> Option<J> {
    let v = present(m, "customFields")?;
    let Some(items) = v.as_array() else {
        errs.add("customFields", "The customFields field must be an array.");
        return None;
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let type_id = item.get("typeId").and_then(Value::as_i64);
        let Some(type_id) = type_id else {
            errs.add(
                format!("customFields[{i}].typeId"),
                "The typeId field is required.",
            );
            continue;
        };
        let value = item
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        out.push(obj! {
            "typeId" => type_id,
            "name" => format!("Custom Field {type_id}"),
            "value" => value,
        });
    }
    Some(J::Arr(out))
}

/// `{applicationGuid, externalData: [{key, value}]}` as the stored `[{key, value}]`, merged
/// into `current` unless the patch mode is `Replace` (creates always replace).
fn external_data(m: &Map<String, Value>, current: Option<&J>, errs: &mut Errs) -> Option<J> {
    let v = present(m, "externalData")?;
    let entries = v.get("externalData").and_then(Value::as_array);
    let (Some(_guid), Some(entries)) = (v.get("applicationGuid").and_then(Value::as_str), entries)
    else {
        errs.add(
            "externalData",
            "externalData needs applicationGuid and an externalData array.",
        );
        return None;
    };
    let replace =
        current.is_none() || v.get("patchMode").and_then(Value::as_str) == Some("Replace");
    let mut list: Vec<(String, String)> = if replace {
        Vec::new()
    } else {
        match current {
            Some(J::Arr(items)) => items
                .iter()
                .filter_map(|i| {
                    Some((
                        i.get("key")?.as_str()?.to_string(),
                        i.get("value")?.as_str()?.to_string(),
                    ))
                })
                .collect(),
            _ => Vec::new(),
        }
    };
    for e in entries {
        let Some(key) = e.get("key").and_then(Value::as_str) else {
            errs.add("externalData", "Every external data entry needs a key.");
            continue;
        };
        list.retain(|(k, _)| k != key);
        if let Some(value) = e.get("value").and_then(Value::as_str) {
            list.push((key.to_string(), value.to_string()));
        }
    }
    Some(J::Arr(
        list.into_iter()
            .map(|(k, v)| obj! {"key" => k, "value" => v})
            .collect(),
    ))
}

/// An address object; `geo` keeps latitude/longitude, `required` lists the mandatory parts.
fn address(v: &Value, field: &str, geo: bool, errs: &mut Errs) -> J {
    let Some(m) = v.as_object() else {
        errs.add(field, format!("The {field} field must be an object."));
        return J::Null;
    };
    let mut out = Vec::new();
    for part in ["street", "unit", "city", "state", "zip", "country"] {
        let value = m.get(part).and_then(Value::as_str).map(str::to_string);
        if value.is_none() && part != "unit" {
            errs.add(
                format!("{field}.{part}"),
                format!("The {part} field is required."),
            );
        }
        out.push((Cow::Borrowed(part), J::s(value.unwrap_or_default())));
    }
    if geo {
        for part in ["latitude", "longitude"] {
            if let Some(n) = m.get(part).and_then(Value::as_f64) {
                out.push((Cow::Borrowed(part), J::Float(n)));
            }
        }
    }
    J::Obj(out)
}

/// Merges an address patch into the current address.
fn patch_address(current: Option<&J>, v: &Value, field: &str, errs: &mut Errs) -> J {
    let Some(m) = v.as_object() else {
        errs.add(field, format!("The {field} field must be an object."));
        return current.cloned().unwrap_or(J::Null);
    };
    let mut out = current.cloned().unwrap_or(J::Obj(vec![]));
    for (k, v) in m {
        match v {
            Value::String(s) => out.set(Cow::Owned(k.clone()), J::s(s.clone())),
            Value::Number(n) if k == "latitude" || k == "longitude" => {
                out.set(Cow::Owned(k.clone()), J::Float(n.as_f64().unwrap_or(0.0)))
            }
            Value::Null => {}
            _ => errs.add(
                format!("{field}.{k}"),
                format!("The {k} field has the wrong type."),
            ),
        }
    }
    out
}

fn contacts(m: &Map<String, Value>, data: &mut TenantData, errs: &mut Errs) -> J {
    let Some(v) = present(m, "contacts") else {
        return J::Arr(vec![]);
    };
    let Some(items) = v.as_array() else {
        errs.add("contacts", "The contacts field must be an array.");
        return J::Arr(vec![]);
    };
    let mut out = Vec::new();
    for (i, c) in items.iter().enumerate() {
        let kind = c.get("type").and_then(Value::as_str).unwrap_or_default();
        let Some(kind) = CONTACT_TYPES.iter().find(|t| t.eq_ignore_ascii_case(kind)) else {
            errs.add(
                format!("contacts[{i}].type"),
                format!("The type must be one of: {}.", CONTACT_TYPES.join(", ")),
            );
            continue;
        };
        let Some(value) = c.get("value").and_then(Value::as_str) else {
            errs.add(
                format!("contacts[{i}].value"),
                "The value field is required.",
            );
            continue;
        };
        let memo = c.get("memo").and_then(Value::as_str).unwrap_or_default();
        let id = data.next_sub_id;
        data.next_sub_id += 1;
        out.push(obj! {"id" => id, "type" => *kind, "value" => value.to_string(), "memo" => memo.to_string()});
    }
    J::Arr(out)
}

/// The customer that owns location `id`, if it exists.
fn location_owner(gen: &Gen, data: &TenantData, id: i64) -> Option<i64> {
    data.get_json(gen, Resource::Locations, id)
        .and_then(|loc| loc.get("customerId").and_then(J::as_i64))
}

/// A 400 on `locationId` when the location belongs to another customer than `customer_id`.
fn check_location_owner(
    gen: &Gen,
    data: &TenantData,
    customer_id: Option<i64>,
    location_id: Option<i64>,
    errs: &mut Errs,
) {
    if let (Some(c), Some(l)) = (customer_id, location_id) {
        if location_owner(gen, data, l).is_some_and(|o| o != c) {
            errs.add(
                "locationId",
                format!("Location {l} does not belong to customer {c}."),
            );
        }
    }
}

fn ints_or_empty(v: Option<Vec<i64>>) -> J {
    J::ints(&v.unwrap_or_default())
}

// --------------------------------------------------------------------------- customers

/// `POST /crm/v2/tenant/{tenant}/customers` → `CustomerCreateResponse`.
pub(crate) fn create_customer(
    gen: &Gen,
    data: &mut TenantData,
    body: &[u8],
) -> Result<J, ApiError> {
    let m = parse_body(body)?;
    let mut errs = Errs::default();
    let name = req_str(&m, "name", &mut errs);
    let kind = opt_enum(&m, "type", CUSTOMER_TYPES, &mut errs).unwrap_or("Residential");
    let addr = match present(&m, "address") {
        Some(v) => address(v, "address", true, &mut errs),
        None => {
            errs.add("address", "The address field is required.");
            J::Null
        }
    };
    let locations = match present(&m, "locations").map(Value::as_array) {
        Some(Some(l)) if !l.is_empty() => l.clone(),
        Some(Some(_)) | None => {
            errs.add("locations", "At least one location is required.");
            Vec::new()
        }
        Some(None) => {
            errs.add("locations", "The locations field must be an array.");
            Vec::new()
        }
    };
    let mut new_locations = Vec::new();
    for (i, l) in locations.iter().enumerate() {
        let Some(lm) = l.as_object() else {
            errs.add(
                format!("locations[{i}]"),
                "Each location must be an object.",
            );
            continue;
        };
        let mut lerrs = Errs::default();
        let lname = req_str(lm, "name", &mut lerrs);
        let laddr = match present(lm, "address") {
            Some(v) => address(v, "address", true, &mut lerrs),
            None => {
                lerrs.add("address", "The address field is required.");
                J::Null
            }
        };
        let lcustom = custom_fields(lm, &mut lerrs);
        let ltags = int_array(lm, "tagTypeIds", &mut lerrs);
        let lext = external_data(lm, None, &mut lerrs);
        for (f, msgs) in lerrs.0 {
            for msg in msgs {
                errs.add(format!("locations[{i}].{f}"), msg);
            }
        }
        new_locations.push((lname, laddr, lcustom, ltags, lext, lm.clone()));
    }
    let custom = custom_fields(&m, &mut errs);
    let tags = int_array(&m, "tagTypeIds", &mut errs);
    let ext = external_data(&m, None, &mut errs);
    let do_not_mail = opt_bool(&m, "doNotMail", &mut errs).unwrap_or(false);
    let do_not_service = opt_bool(&m, "doNotService", &mut errs).unwrap_or(false);
    let customer_contacts = contacts(&m, data, &mut errs);
    errs.done()?;
    let customer = data.insert(gen, Resource::Customers, |id, now| {
        obj! {
            "id" => id,
            "active" => true,
            "taxExempt" => false,
            "nationalAccount" => false,
            "name" => name.unwrap_or_default(),
            "type" => kind,
            "address" => addr,
            "customFields" => custom.unwrap_or(J::Arr(vec![])),
            "balance" => money(0),
            "tagTypeIds" => ints_or_empty(tags),
            "doNotMail" => do_not_mail,
            "doNotService" => do_not_service,
            "createdOn" => time::format(now),
            "createdById" => API_USER,
            "modifiedOn" => time::format(now),
            "externalData" => ext.unwrap_or(J::Arr(vec![])),
        }
    });
    let customer_id = customer.get("id").and_then(J::as_i64).unwrap_or_default();
    let mut created_locations = Vec::new();
    for (lname, laddr, lcustom, ltags, lext, lm) in new_locations {
        let mut ignore = Errs::default();
        let lcontacts = contacts(&lm, data, &mut ignore);
        let mut loc = data.insert(gen, Resource::Locations, |id, now| {
            location_record(
                id,
                now,
                customer_id,
                lname.unwrap_or_default(),
                laddr,
                lcustom,
                ltags,
                lext,
                None,
            )
        });
        loc.set("contacts", lcontacts);
        created_locations.push(loc);
    }
    let mut resp = customer;
    resp.set("locations", J::Arr(created_locations));
    resp.set("contacts", customer_contacts);
    Ok(resp)
}

/// `PATCH /crm/v2/tenant/{tenant}/customers/{id}` → `Customer`.
pub(crate) fn update_customer(
    gen: &Gen,
    data: &mut TenantData,
    id: i64,
    body: &[u8],
) -> Result<Option<J>, ApiError> {
    let m = parse_body(body)?;
    let r = data.update(gen, Resource::Customers, id, |rec| {
        let mut errs = Errs::default();
        if let Some(name) = opt_str(&m, "name", &mut errs) {
            rec.set("name", J::s(name));
        }
        if let Some(t) = opt_enum(&m, "type", CUSTOMER_TYPES, &mut errs) {
            rec.set("type", J::s(t));
        }
        if let Some(v) = present(&m, "address") {
            let a = patch_address(rec.get("address"), v, "address", &mut errs);
            rec.set("address", a);
        }
        common_patch(&m, rec, &mut errs);
        for key in ["doNotMail", "doNotService", "active"] {
            if let Some(b) = opt_bool(&m, key, &mut errs) {
                rec.set(key, J::Bool(b));
            }
        }
        errs.done()
    });
    r.transpose()
}

/// customFields, tagTypeIds and externalData of a patch.
fn common_patch(m: &Map<String, Value>, rec: &mut J, errs: &mut Errs) {
    if let Some(c) = custom_fields(m, errs) {
        rec.set("customFields", c);
    }
    if let Some(t) = int_array(m, "tagTypeIds", errs) {
        rec.set("tagTypeIds", J::ints(&t));
    }
    if let Some(e) = external_data(m, Some(rec.get("externalData").unwrap_or(&J::Null)), errs) {
        rec.set("externalData", e);
    }
}

// --------------------------------------------------------------------------- locations

#[allow(clippy::too_many_arguments)]
fn location_record(
    id: i64,
    now: i64,
    customer_id: i64,
    name: String,
    addr: J,
    custom: Option<J>,
    tags: Option<Vec<i64>>,
    ext: Option<J>,
    tax_zone: Option<i64>,
) -> J {
    let mut rec = obj! {
        "id" => id,
        "customerId" => customer_id,
        "active" => true,
        "taxExempt" => false,
        "name" => name,
        "address" => addr,
        "customFields" => custom.unwrap_or(J::Arr(vec![])),
        "createdOn" => time::format(now),
        "createdById" => API_USER,
        "modifiedOn" => time::format(now),
        "tagTypeIds" => ints_or_empty(tags),
        "externalData" => ext.unwrap_or(J::Arr(vec![])),
    };
    if let Some(t) = tax_zone {
        rec.set("taxZoneId", J::Int(t));
    }
    rec
}

/// `POST /crm/v2/tenant/{tenant}/locations` → `LocationCreateResponse`.
pub(crate) fn create_location(
    gen: &Gen,
    data: &mut TenantData,
    body: &[u8],
) -> Result<J, ApiError> {
    let m = parse_body(body)?;
    let mut errs = Errs::default();
    let name = req_str(&m, "name", &mut errs);
    let customer_id = req_i64(&m, "customerId", &mut errs);
    check_ref(
        gen,
        data,
        Resource::Customers,
        customer_id,
        "customerId",
        &mut errs,
    );
    let addr = match present(&m, "address") {
        Some(v) => address(v, "address", true, &mut errs),
        None => {
            errs.add("address", "The address field is required.");
            J::Null
        }
    };
    let custom = custom_fields(&m, &mut errs);
    let tags = int_array(&m, "tagTypeIds", &mut errs);
    let ext = external_data(&m, None, &mut errs);
    let loc_contacts = contacts(&m, data, &mut errs);
    errs.done()?;
    let mut loc = data.insert(gen, Resource::Locations, |id, now| {
        location_record(
            id,
            now,
            customer_id.unwrap_or_default(),
            name.unwrap_or_default(),
            addr,
            custom,
            tags,
            ext,
            None,
        )
    });
    loc.set("contacts", loc_contacts);
    Ok(loc)
}

/// `PATCH /crm/v2/tenant/{tenant}/locations/{id}` → `Location`.
pub(crate) fn update_location(
    gen: &Gen,
    data: &mut TenantData,
    id: i64,
    body: &[u8],
) -> Result<Option<J>, ApiError> {
    let m = parse_body(body)?;
    let mut errs = Errs::default();
    let customer_id = opt_i64(&m, "customerId", &mut errs);
    check_ref(
        gen,
        data,
        Resource::Customers,
        customer_id,
        "customerId",
        &mut errs,
    );
    errs.done()?;
    let r = data.update(gen, Resource::Locations, id, |rec| {
        let mut errs = Errs::default();
        if let Some(c) = customer_id {
            rec.set("customerId", J::Int(c));
        }
        if let Some(name) = opt_str(&m, "name", &mut errs) {
            rec.set("name", J::s(name));
        }
        if let Some(v) = present(&m, "address") {
            let a = patch_address(rec.get("address"), v, "address", &mut errs);
            rec.set("address", a);
        }
        if let Some(b) = opt_bool(&m, "active", &mut errs) {
            rec.set("active", J::Bool(b));
        }
        if let Some(t) = opt_i64(&m, "taxZoneId", &mut errs) {
            rec.set("taxZoneId", J::Int(t));
        }
        common_patch(&m, rec, &mut errs);
        errs.done()
    });
    r.transpose()
}

// --------------------------------------------------------------------------- jobs

/// `POST /jpm/v2/tenant/{tenant}/jobs` → `Job` (its appointments are created too).
pub(crate) fn create_job(gen: &Gen, data: &mut TenantData, body: &[u8]) -> Result<J, ApiError> {
    let m = parse_body(body)?;
    let mut errs = Errs::default();
    let customer_id = req_i64(&m, "customerId", &mut errs);
    let location_id = req_i64(&m, "locationId", &mut errs);
    let bu = req_i64(&m, "businessUnitId", &mut errs);
    let job_type = req_i64(&m, "jobTypeId", &mut errs);
    let priority = req_str(&m, "priority", &mut errs);
    let campaign = req_i64(&m, "campaignId", &mut errs);
    check_ref(
        gen,
        data,
        Resource::Customers,
        customer_id,
        "customerId",
        &mut errs,
    );
    check_ref(
        gen,
        data,
        Resource::Locations,
        location_id,
        "locationId",
        &mut errs,
    );
    check_ref(
        gen,
        data,
        Resource::BusinessUnits,
        bu,
        "businessUnitId",
        &mut errs,
    );
    check_ref(
        gen,
        data,
        Resource::JobTypes,
        job_type,
        "jobTypeId",
        &mut errs,
    );
    check_location_owner(gen, data, customer_id, location_id, &mut errs);
    if let Some(p) = &priority {
        if !PRIORITIES.iter().any(|x| x.eq_ignore_ascii_case(p)) {
            errs.add(
                "priority",
                format!("{p:?} is not one of: {}.", PRIORITIES.join(", ")),
            );
        }
    }
    let mut appts = Vec::new();
    match present(&m, "appointments").map(Value::as_array) {
        Some(Some(items)) if !items.is_empty() => {
            for (i, a) in items.iter().enumerate() {
                let Some(am) = a.as_object() else {
                    errs.add(
                        format!("appointments[{i}]"),
                        "Each appointment must be an object.",
                    );
                    continue;
                };
                let mut aerrs = Errs::default();
                let start = opt_date(am, "start", &mut aerrs);
                let end = opt_date(am, "end", &mut aerrs);
                let ws = opt_date(am, "arrivalWindowStart", &mut aerrs);
                let we = opt_date(am, "arrivalWindowEnd", &mut aerrs);
                match (start, end) {
                    (Some(s), Some(e)) if e > s => appts.push((s, e, ws, we)),
                    (Some(_), Some(_)) => aerrs.add("end", "The end must be after the start."),
                    _ => aerrs.add("start", "Both start and end are required."),
                }
                for (f, msgs) in aerrs.0 {
                    for msg in msgs {
                        errs.add(format!("appointments[{i}].{f}"), msg);
                    }
                }
            }
        }
        _ => errs.add("appointments", "At least one appointment is required."),
    }
    let summary = opt_str(&m, "summary", &mut errs);
    let custom = custom_fields(&m, &mut errs);
    let tags = int_array(&m, "tagTypeIds", &mut errs);
    let ext = external_data(&m, None, &mut errs);
    let customer_po = opt_str(&m, "customerPo", &mut errs);
    let sold_by = opt_i64(&m, "soldById", &mut errs);
    let project = opt_i64(&m, "projectId", &mut errs);
    let lead_source = present(&m, "jobGeneratedLeadSource").map(J::from_value);
    errs.done()?;

    let first_appt = data.len(gen, Resource::Appointments);
    let job_pos = data.len(gen, Resource::Jobs);
    let job_id = gen.id(Resource::Jobs, job_pos);
    let mut appt_ids = Vec::new();
    for (k, (start, end, ws, we)) in appts.iter().enumerate() {
        let rec = data.insert(gen, Resource::Appointments, |id, now| {
            obj! {
                "id" => id,
                "jobId" => job_id,
                "appointmentNumber" => format!("{job_id}-{}", k + 1),
                "start" => time::format(*start),
                "end" => time::format(*end),
                "arrivalWindowStart" => J::opt_s(ws.map(time::format)),
                "arrivalWindowEnd" => J::opt_s(we.map(time::format)),
                "status" => "Scheduled",
                "specialInstructions" => J::Null,
                "createdOn" => time::format(now),
                "modifiedOn" => time::format(now),
                "customerId" => customer_id.unwrap_or_default(),
                "unused" => false,
                "createdById" => API_USER,
                "isConfirmed" => false,
            }
        });
        appt_ids.push(rec.get("id").and_then(J::as_i64).unwrap_or_default());
    }
    debug_assert_eq!(
        appt_ids.first().copied(),
        Some(gen.id(Resource::Appointments, first_appt))
    );
    let job = data.insert(gen, Resource::Jobs, |id, now| {
        debug_assert_eq!(id, job_id);
        obj! {
            "id" => id,
            "jobNumber" => id.to_string(),
            "projectId" => J::opt_i(project),
            "customerId" => customer_id.unwrap_or_default(),
            "locationId" => location_id.unwrap_or_default(),
            "jobStatus" => "Scheduled",
            "completedOn" => J::Null,
            "businessUnitId" => bu.unwrap_or_default(),
            "jobTypeId" => job_type.unwrap_or_default(),
            "priority" => J::s(priority.unwrap_or_default()),
            "campaignId" => campaign.unwrap_or_default(),
            "summary" => J::opt_s(summary),
            "customFields" => custom.unwrap_or(J::Arr(vec![])),
            "appointmentCount" => appt_ids.len() as i64,
            "firstAppointmentId" => appt_ids.first().copied().unwrap_or_default(),
            "lastAppointmentId" => appt_ids.last().copied().unwrap_or_default(),
            "recallForId" => J::Null,
            "warrantyId" => J::Null,
            "jobGeneratedLeadSource" => lead_source.unwrap_or(J::Null),
            "noCharge" => false,
            "notificationsEnabled" => true,
            "createdOn" => time::format(now),
            "createdById" => API_USER,
            "modifiedOn" => time::format(now),
            "tagTypeIds" => ints_or_empty(tags),
            "leadCallId" => J::Null,
            "bookingId" => J::Null,
            "soldById" => J::opt_i(sold_by),
            "externalData" => ext.unwrap_or(J::Arr(vec![])),
            "customerPo" => customer_po.unwrap_or_default(),
            "invoiceId" => 0i64,
            "membershipId" => J::Null,
            "total" => J::Null,
            "estimateIds" => J::Arr(vec![]),
            "equipmentIds" => J::Arr(vec![]),
        }
    });
    Ok(job)
}

/// `PATCH /jpm/v2/tenant/{tenant}/jobs/{id}` → `Job`.
pub(crate) fn update_job(
    gen: &Gen,
    data: &mut TenantData,
    id: i64,
    body: &[u8],
) -> Result<Option<J>, ApiError> {
    let m = parse_body(body)?;
    let mut errs = Errs::default();
    let refs = [
        ("customerId", Resource::Customers),
        ("locationId", Resource::Locations),
        ("businessUnitId", Resource::BusinessUnits),
        ("jobTypeId", Resource::JobTypes),
    ];
    let mut ref_values = Vec::new();
    for (key, r) in refs {
        let v = opt_i64(&m, key, &mut errs);
        check_ref(gen, data, r, v, key, &mut errs);
        if let Some(v) = v {
            ref_values.push((key, v));
        }
    }
    errs.done()?;
    let r = data.update(gen, Resource::Jobs, id, |rec| {
        let mut errs = Errs::default();
        for (key, v) in &ref_values {
            rec.set(*key, J::Int(*v));
        }
        for key in ["priority", "summary", "customerPo"] {
            if let Some(s) = opt_str(&m, key, &mut errs) {
                rec.set(key, J::s(s));
            }
        }
        if let Some(c) = opt_i64(&m, "campaignId", &mut errs) {
            rec.set("campaignId", J::Int(c));
        }
        if let Some(v) = m.get("soldById") {
            if v.is_null() || v.is_i64() {
                rec.set("soldById", J::from_value(v));
            } else {
                errs.add("soldById", "The soldById field must be an integer.");
            }
        }
        if let Some(v) = m.get("jobGeneratedLeadSource") {
            rec.set("jobGeneratedLeadSource", J::from_value(v));
        }
        common_patch(&m, rec, &mut errs);
        errs.done()
    });
    r.transpose()
}

// --------------------------------------------------------------------------- bookings

/// `POST /crm/v2/tenant/{tenant}/booking-provider/{provider}/bookings` → `Booking`.
pub(crate) fn create_booking(
    gen: &Gen,
    data: &mut TenantData,
    provider: i64,
    body: &[u8],
) -> Result<J, ApiError> {
    let m = parse_body(body)?;
    let mut errs = Errs::default();
    let source = req_str(&m, "source", &mut errs);
    let name = req_str(&m, "name", &mut errs);
    let summary = req_str(&m, "summary", &mut errs);
    let external_id = req_str(&m, "externalId", &mut errs);
    let first_time = match present(&m, "isFirstTimeClient") {
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            errs.add(
                "isFirstTimeClient",
                "The isFirstTimeClient field must be true or false.",
            );
            None
        }
        None => {
            errs.add(
                "isFirstTimeClient",
                "The isFirstTimeClient field is required.",
            );
            None
        }
    };
    let addr = present(&m, "address").map(|v| address(v, "address", false, &mut errs));
    let customer_type = opt_enum(&m, "customerType", CUSTOMER_TYPES, &mut errs);
    let start = opt_date(&m, "start", &mut errs);
    let campaign = opt_i64(&m, "campaignId", &mut errs);
    let bu = opt_i64(&m, "businessUnitId", &mut errs);
    let job_type = opt_i64(&m, "jobTypeId", &mut errs);
    let priority = opt_enum(&m, "priority", PRIORITIES, &mut errs);
    let send_email = opt_bool(&m, "isSendConfirmationEmail", &mut errs).unwrap_or(false);
    let images: Vec<J> = match present(&m, "uploadedImages") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(|s| J::s(s.to_string()))
            .collect(),
        _ => Vec::new(),
    };
    let _ = contacts(&m, data, &mut errs);
    errs.done()?;
    Ok(data.insert(gen, Resource::Bookings, |id, now| {
        let mut rec = obj! {
            "id" => id,
            "source" => source.unwrap_or_default(),
            "createdOn" => time::format(now),
            "name" => name.unwrap_or_default(),
        };
        if let Some(a) = addr {
            rec.set("address", a);
        }
        if let Some(t) = customer_type {
            rec.set("customerType", J::s(t));
        }
        rec.set("start", J::s(time::format(start.unwrap_or(now))));
        rec.set("summary", J::s(summary.unwrap_or_default()));
        if let Some(c) = campaign {
            rec.set("campaignId", J::Int(c));
        }
        if let Some(b) = bu {
            rec.set("businessUnitId", J::Int(b));
        }
        rec.set("isFirstTimeClient", J::Bool(first_time.unwrap_or(false)));
        rec.set("uploadedImages", J::Arr(images));
        rec.set("isSendConfirmationEmail", J::Bool(send_email));
        rec.set("status", J::s("New"));
        rec.set("externalId", J::s(external_id.unwrap_or_default()));
        if let Some(p) = priority {
            rec.set("priority", J::s(p));
        }
        if let Some(t) = job_type {
            rec.set("jobTypeId", J::Int(t));
        }
        rec.set("bookingProviderId", J::Int(provider));
        rec.set("modifiedOn", J::s(time::format(now)));
        rec
    }))
}

/// `PATCH /crm/v2/tenant/{tenant}/booking-provider/{provider}/bookings/{id}` → `Booking`.
pub(crate) fn update_booking(
    gen: &Gen,
    data: &mut TenantData,
    id: i64,
    body: &[u8],
) -> Result<Option<J>, ApiError> {
    let m = parse_body(body)?;
    let r = data.update(gen, Resource::Bookings, id, |rec| {
        let mut errs = Errs::default();
        for key in ["source", "name", "summary", "externalId"] {
            if let Some(s) = opt_str(&m, key, &mut errs) {
                rec.set(key, J::s(s));
            }
        }
        if let Some(t) = opt_enum(&m, "customerType", CUSTOMER_TYPES, &mut errs) {
            rec.set("customerType", J::s(t));
        }
        if let Some(p) = opt_enum(&m, "priority", PRIORITIES, &mut errs) {
            rec.set("priority", J::s(p));
        }
        if let Some(t) = opt_date(&m, "start", &mut errs) {
            rec.set("start", J::s(time::format(t)));
        }
        for key in ["campaignId", "businessUnitId", "jobTypeId"] {
            if let Some(v) = opt_i64(&m, key, &mut errs) {
                rec.set(key, J::Int(v));
            }
        }
        if let Some(b) = opt_bool(&m, "isFirstTimeClient", &mut errs) {
            rec.set("isFirstTimeClient", J::Bool(b));
        }
        if let Some(Value::Array(a)) = present(&m, "uploadedImages") {
            rec.set(
                "uploadedImages",
                J::Arr(
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|s| J::s(s.to_string()))
                        .collect(),
                ),
            );
        }
        if let Some(v) = present(&m, "address") {
            let a = patch_address(rec.get("address"), v, "address", &mut errs);
            rec.set("address", a);
        }
        errs.done()
    });
    r.transpose()
}

// --------------------------------------------------------------------------- leads

/// `POST /crm/v2/tenant/{tenant}/leads` → `Lead`, `Open`. Without `customerId`, a lead for a
/// location belongs to the location's customer.
pub(crate) fn create_lead(gen: &Gen, data: &mut TenantData, body: &[u8]) -> Result<J, ApiError> {
    let m = parse_body(body)?;
    let mut errs = Errs::default();
    let campaign = req_i64(&m, "campaignId", &mut errs);
    let summary = req_str(&m, "summary", &mut errs);
    let mut customer_id = opt_i64(&m, "customerId", &mut errs);
    let location_id = opt_i64(&m, "locationId", &mut errs);
    let bu = opt_i64(&m, "businessUnitId", &mut errs);
    let job_type = opt_i64(&m, "jobTypeId", &mut errs);
    let booking = opt_i64(&m, "bookingId", &mut errs);
    for (r, id, key) in [
        (Resource::Customers, customer_id, "customerId"),
        (Resource::Locations, location_id, "locationId"),
        (Resource::BusinessUnits, bu, "businessUnitId"),
        (Resource::JobTypes, job_type, "jobTypeId"),
        (Resource::Bookings, booking, "bookingId"),
    ] {
        check_ref(gen, data, r, id, key, &mut errs);
    }
    check_location_owner(gen, data, customer_id, location_id, &mut errs);
    if customer_id.is_none() {
        customer_id = location_id.and_then(|l| location_owner(gen, data, l));
    }
    let priority = opt_enum(&m, "priority", PRIORITIES, &mut errs).unwrap_or("Normal");
    let call_reason = opt_i64(&m, "callReasonId", &mut errs);
    let follow_up = opt_date(&m, "followUpDate", &mut errs);
    let tags = int_array(&m, "tagTypeIds", &mut errs);
    let contact: Vec<(&'static str, String)> = LEAD_CONTACT_FIELDS
        .iter()
        .filter_map(|&key| Some((key, opt_str(&m, key, &mut errs)?)))
        .collect();
    errs.done()?;
    Ok(data.insert(gen, Resource::Leads, |id, now| {
        let mut rec = obj! {
            "id" => id,
            "status" => "Open",
            "customerId" => customer_id,
            "locationId" => location_id,
            "businessUnitId" => bu,
            "jobTypeId" => job_type,
            "priority" => priority,
            "campaignId" => campaign.unwrap_or_default(),
            "summary" => summary.unwrap_or_default(),
            "callReasonId" => call_reason,
            "callId" => J::Null,
            "followUpDate" => follow_up.map(time::format),
            "createdOn" => time::format(now),
            "createdById" => API_USER,
            "modifiedOn" => time::format(now),
            "tagTypeIds" => ints_or_empty(tags),
        };
        if let Some(b) = booking {
            rec.set("bookingId", J::Int(b));
        }
        for (key, value) in contact {
            rec.set(key, J::s(value));
        }
        rec
    }))
}

// --------------------------------------------------------------------------- payments

/// A decimal amount as written in the request: units and scale (`150.50` is `(15050, 2)`).
type Amount = (i64, u8);

/// The top-level fields of a JSON object as their own text (empty when it is not one).
fn raw_fields(text: &[u8]) -> HashMap<String, Box<RawValue>> {
    serde_json::from_slice(text).unwrap_or_default()
}

/// The decimal at `key` of `m`, read from its JSON text in `raw` so every digit is kept.
fn opt_amount(
    m: &Map<String, Value>,
    raw: &HashMap<String, Box<RawValue>>,
    key: &str,
    errs: &mut Errs,
) -> Option<Amount> {
    match present(m, key)? {
        Value::Number(_) => {
            let text = raw.get(key).map_or("", |r| r.get().trim());
            let amount = parse_dec(text);
            if amount.is_none() {
                errs.add(
                    key,
                    format!("{text} is not a decimal amount (digits and a point, no exponent)."),
                );
            }
            amount
        }
        _ => {
            errs.add(key, format!("The {key} field must be a number."));
            None
        }
    }
}

/// `a + b` (or `a - b` with `negate_b`) at the larger scale, if it fits.
fn add_amounts(a: Amount, b: Amount, negate_b: bool) -> Option<Amount> {
    let scale = a.1.max(b.1);
    let b_units = rescale(b.0, b.1, scale)?;
    let b_units = if negate_b {
        b_units.checked_neg()?
    } else {
        b_units
    };
    Some((rescale(a.0, a.1, scale)?.checked_add(b_units)?, scale))
}

/// An amount shown with at least two decimals, as the mock's money is.
fn at_least_cents(a: Amount) -> Amount {
    rescale(a.0, a.1, 2).map_or(a, |units| (units, 2))
}

/// One split of a payment request, validated.
struct Split {
    invoice_id: i64,
    amount: Amount,
    /// The invoice's `referenceNumber`.
    reference: J,
    /// The invoice's `customer` and `businessUnit`.
    customer: J,
    business_unit: J,
}

/// `splits` of a payment request; `customer_id` must own each invoice when given.
fn payment_splits(
    gen: &Gen,
    data: &TenantData,
    m: &Map<String, Value>,
    raw: &HashMap<String, Box<RawValue>>,
    customer_id: Option<i64>,
    errs: &mut Errs,
) -> Vec<Split> {
    let items = match present(m, "splits") {
        None => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            errs.add("splits", "The splits field must be an array.");
            return Vec::new();
        }
    };
    let raw_items: Vec<HashMap<String, Box<RawValue>>> = raw
        .get("splits")
        .and_then(|r| serde_json::from_str::<Vec<Box<RawValue>>>(r.get()).ok())
        .map(|items| {
            items
                .iter()
                .map(|i| raw_fields(i.get().as_bytes()))
                .collect()
        })
        .unwrap_or_default();
    let no_raw = HashMap::new();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(sm) = item.as_object() else {
            errs.add(format!("splits[{i}]"), "Each split must be an object.");
            continue;
        };
        let mut serrs = Errs::default();
        let invoice_id = req_i64(sm, "invoiceId", &mut serrs);
        check_ref(
            gen,
            data,
            Resource::Invoices,
            invoice_id,
            "invoiceId",
            &mut serrs,
        );
        let amount = opt_amount(
            sm,
            raw_items.get(i).unwrap_or(&no_raw),
            "amount",
            &mut serrs,
        );
        if amount.is_none() && !serrs.has("amount") {
            serrs.add("amount", "The amount field is required.");
        }
        let invoice = invoice_id
            .filter(|_| !serrs.has("invoiceId"))
            .and_then(|id| data.get_json(gen, Resource::Invoices, id));
        let field = |inv: &J, key: &str| inv.get(key).cloned().unwrap_or(J::Null);
        if let (Some(c), Some(inv)) = (customer_id, &invoice) {
            let owner = inv
                .get("customer")
                .and_then(|c| c.get("id"))
                .and_then(J::as_i64);
            if let Some(o) = owner.filter(|o| *o != c) {
                serrs.add(
                    "invoiceId",
                    format!(
                        "Invoice {} belongs to customer {o}, not {c}.",
                        invoice_id.unwrap_or_default()
                    ),
                );
            }
        }
        for (f, msgs) in serrs.0 {
            for msg in msgs {
                errs.add(format!("splits[{i}].{f}"), msg);
            }
        }
        if let (Some(invoice_id), Some(amount), Some(inv)) = (invoice_id, amount, invoice) {
            out.push(Split {
                invoice_id,
                amount,
                reference: field(&inv, "referenceNumber"),
                customer: field(&inv, "customer"),
                business_unit: field(&inv, "businessUnit"),
            });
        }
    }
    out
}

/// `POST /accounting/v2/tenant/{tenant}/payments` → `Payment`. The payment is stored in the
/// list's shape (`DetailedPayment`): `total` is `amount` as written (the splits' sum without
/// it), `appliedTo` holds the splits, `unappliedAmount` the rest. Without `customerId`, the
/// customer is the first split's invoice's.
pub(crate) fn create_payment(gen: &Gen, data: &mut TenantData, body: &[u8]) -> Result<J, ApiError> {
    let m = parse_body(body)?;
    let raw = raw_fields(body);
    let mut errs = Errs::default();
    let type_id = req_i64(&m, "typeId", &mut errs);
    let kind = type_id.and_then(|t| {
        let kind = PAYMENT_TYPES
            .iter()
            .find(|(_, id)| id.parse() == Ok(t))
            .map(|(name, _)| *name);
        if kind.is_none() {
            let known: Vec<String> = PAYMENT_TYPES
                .iter()
                .map(|(name, id)| format!("{id} ({name})"))
                .collect();
            errs.add(
                "typeId",
                format!(
                    "There is no payment type with id {t}; the tenant has {}.",
                    known.join(", ")
                ),
            );
        }
        kind
    });
    let amount = opt_amount(&m, &raw, "amount", &mut errs);
    let auth_code = opt_str(&m, "authCode", &mut errs);
    let check_number = opt_str(&m, "checkNumber", &mut errs);
    let export_id = opt_str(&m, "exportId", &mut errs);
    let memo = opt_str(&m, "memo", &mut errs);
    let paid_on = opt_date(&m, "paidOn", &mut errs);
    let status = opt_enum(&m, "status", PAYMENT_STATUSES, &mut errs).unwrap_or("Pending");
    let customer_id = opt_i64(&m, "customerId", &mut errs);
    check_ref(
        gen,
        data,
        Resource::Customers,
        customer_id,
        "customerId",
        &mut errs,
    );
    let splits = payment_splits(gen, data, &m, &raw, customer_id, &mut errs);
    let applied = splits
        .iter()
        .try_fold((0, 0), |sum, s| add_amounts(sum, s.amount, false));
    let total = amount.or(applied.map(at_least_cents));
    let unapplied = total
        .zip(applied)
        .and_then(|(t, a)| add_amounts(t, a, true))
        .map(at_least_cents);
    match (total, unapplied) {
        (Some(t), Some(u)) if t.0 >= 0 && u.0 < 0 => errs.add(
            "splits",
            format!(
                "The splits add up to {}, more than the amount {}.",
                applied.map_or(String::new(), |(a, s)| dec_text(a, s)),
                dec_text(t.0, t.1)
            ),
        ),
        (Some(_), Some(_)) => {}
        _ => errs.add("amount", "The amounts are too large."),
    }
    errs.done()?;
    let (total, unapplied) = (total.unwrap_or_default(), unapplied.unwrap_or_default());
    let customer = match customer_id {
        Some(c) => {
            let name = data
                .get_json(gen, Resource::Customers, c)
                .and_then(|rec| rec.get("name").cloned())
                .unwrap_or(J::Null);
            obj! {"id" => c, "name" => name}
        }
        None => splits.first().map_or(J::Null, |s| s.customer.clone()),
    };
    let customer_id = customer.get("id").and_then(J::as_i64);
    let business_unit = splits.first().map_or(J::Null, |s| s.business_unit.clone());
    let stored = data.insert(gen, Resource::Payments, |id, now| {
        let applied_to: Vec<J> = splits
            .iter()
            .enumerate()
            .map(|(k, s)| {
                obj! {
                    "appliedId" => id * 10 + k as i64,
                    "appliedTo" => s.invoice_id,
                    "appliedAmount" => dec_text(s.amount.0, s.amount.1),
                    "appliedOn" => time::format(now),
                    "appliedBy" => "api-user",
                    "appliedToReferenceNumber" => s.reference.clone(),
                }
            })
            .collect();
        obj! {
            "id" => id,
            "syncStatus" => status,
            "referenceNumber" => format!("P{id}"),
            "date" => time::format(paid_on.unwrap_or(now)),
            "type" => kind,
            "typeId" => type_id.unwrap_or_default().to_string(),
            "total" => dec_text(total.0, total.1),
            "unappliedAmount" => dec_text(unapplied.0, unapplied.1),
            "memo" => memo.clone(),
            "customer" => customer,
            "businessUnit" => business_unit,
            "batch" => J::Null,
            "createdBy" => "api-user",
            "generalLedgerAccount" => gen.payment_gl_account(),
            "appliedTo" => J::Arr(applied_to),
            "customFields" => J::Arr(vec![]),
            "authCode" => auth_code.clone(),
            "checkNumber" => check_number.clone(),
            "modifiedOn" => time::format(now),
            "createdOn" => time::format(now),
            "active" => true,
        }
    });
    Ok(obj! {
        "id" => stored.get("id").and_then(J::as_i64).unwrap_or_default(),
        "typeId" => type_id.unwrap_or_default(),
        "active" => true,
        "status" => status,
        "paidOn" => stored.get("date").cloned().unwrap_or(J::Null),
        "customerId" => customer_id,
        "memo" => memo,
        "authCode" => auth_code,
        "checkNumber" => check_number,
        "exportId" => export_id,
        "splits" => J::Arr(splits.iter().map(|s| obj! {
            "invoiceId" => s.invoice_id,
            "amount" => J::Dec(s.amount.0, s.amount.1),
            "invoiceNumber" => s.reference.clone(),
        }).collect()),
    })
}
