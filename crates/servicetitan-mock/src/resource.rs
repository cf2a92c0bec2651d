//! The kinds of records the mock tenant serves.

use std::fmt;
use std::str::FromStr;

/// A kind of record the mock serves, with its own deterministic data set per tenant.
///
/// Set how many records of a kind each tenant has with
/// [`MockTenantBuilder::count`](crate::MockTenantBuilder::count).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Resource {
    /// JPM jobs (`/jpm/v2/tenant/{tenant}/jobs`).
    Jobs,
    /// JPM appointments (`/jpm/v2/tenant/{tenant}/appointments`).
    Appointments,
    /// JPM job types (`/jpm/v2/tenant/{tenant}/job-types`).
    JobTypes,
    /// CRM customers (`/crm/v2/tenant/{tenant}/customers`).
    Customers,
    /// CRM locations (`/crm/v2/tenant/{tenant}/locations`).
    Locations,
    /// CRM bookings (`/crm/v2/tenant/{tenant}/bookings`).
    Bookings,
    /// CRM leads (`/crm/v2/tenant/{tenant}/leads`).
    Leads,
    /// Accounting invoices (`/accounting/v2/tenant/{tenant}/invoices`).
    Invoices,
    /// Accounting payments (`/accounting/v2/tenant/{tenant}/payments`).
    Payments,
    /// Settings technicians (`/settings/v2/tenant/{tenant}/technicians`).
    Technicians,
    /// Settings employees (`/settings/v2/tenant/{tenant}/employees`).
    Employees,
    /// Settings business units (`/settings/v2/tenant/{tenant}/business-units`).
    BusinessUnits,
    /// Pricebook services (`/pricebook/v2/tenant/{tenant}/services`).
    Services,
    /// Pricebook materials (`/pricebook/v2/tenant/{tenant}/materials`).
    Materials,
    /// Telecom calls (`/telecom/v3/tenant/{tenant}/calls`, `/telecom/v2/tenant/{tenant}/calls`).
    Calls,
    /// Dispatch appointment assignments (`/dispatch/v2/tenant/{tenant}/appointment-assignments`).
    AppointmentAssignments,
}

impl Resource {
    /// Every kind, in a fixed order.
    pub const ALL: [Resource; 16] = [
        Resource::Jobs,
        Resource::Appointments,
        Resource::JobTypes,
        Resource::Customers,
        Resource::Locations,
        Resource::Bookings,
        Resource::Leads,
        Resource::Invoices,
        Resource::Payments,
        Resource::Technicians,
        Resource::Employees,
        Resource::BusinessUnits,
        Resource::Services,
        Resource::Materials,
        Resource::Calls,
        Resource::AppointmentAssignments,
    ];

    /// The kind's name as used on the command line and in its path (`jobs`, `job-types`,
    /// `business-units`, `appointment-assignments`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Resource::Jobs => "jobs",
            Resource::Appointments => "appointments",
            Resource::JobTypes => "job-types",
            Resource::Customers => "customers",
            Resource::Locations => "locations",
            Resource::Bookings => "bookings",
            Resource::Leads => "leads",
            Resource::Invoices => "invoices",
            Resource::Payments => "payments",
            Resource::Technicians => "technicians",
            Resource::Employees => "employees",
            Resource::BusinessUnits => "business-units",
            Resource::Services => "services",
            Resource::Materials => "materials",
            Resource::Calls => "calls",
            Resource::AppointmentAssignments => "appointment-assignments",
        }
    }

    /// The API module that serves the kind (`jpm`, `crm`, `accounting`, ...).
    pub fn module(self) -> &'static str {
        match self {
            Resource::Jobs | Resource::Appointments | Resource::JobTypes => "jpm",
            Resource::Customers | Resource::Locations | Resource::Bookings | Resource::Leads => {
                "crm"
            }
            Resource::Invoices | Resource::Payments => "accounting",
            Resource::Technicians | Resource::Employees | Resource::BusinessUnits => "settings",
            Resource::Services | Resource::Materials => "pricebook",
            Resource::Calls => "telecom",
            Resource::AppointmentAssignments => "dispatch",
        }
    }

    /// How many records of this kind a tenant has unless the builder says otherwise.
    pub fn default_count(self) -> u64 {
        match self {
            Resource::Jobs => 1_000,
            Resource::Appointments => 1_200,
            Resource::JobTypes => 25,
            Resource::Customers => 500,
            Resource::Locations => 600,
            Resource::Bookings => 200,
            Resource::Leads => 200,
            Resource::Invoices => 1_000,
            Resource::Payments => 800,
            Resource::Technicians => 40,
            Resource::Employees => 60,
            Resource::BusinessUnits => 8,
            Resource::Services => 300,
            Resource::Materials => 500,
            Resource::Calls => 1_000,
            Resource::AppointmentAssignments => 1_200,
        }
    }

    /// The id of the kind's first generated record; ids of a kind are consecutive from there
    /// (records created through the API continue the sequence).
    pub fn first_id(self) -> i64 {
        (self.index() as i64 + 1) * 10_000_000 + 1
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing an unknown [`Resource`] name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownResource(pub String);

impl fmt::Display for UnknownResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Resource::ALL.iter().map(|r| r.name()).collect();
        write!(
            f,
            "unknown resource {:?}; known: {}",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownResource {}

impl FromStr for Resource {
    type Err = UnknownResource;

    /// Accepts [`Resource::name`] and the same with `_` for `-` or without separators.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm: String = s
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .flat_map(char::to_lowercase)
            .collect();
        Resource::ALL
            .into_iter()
            .find(|r| r.name().replace('-', "") == norm)
            .ok_or_else(|| UnknownResource(s.to_string()))
    }
}
