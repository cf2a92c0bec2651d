//! Deterministic records: the record at an index is computed from (seed, tenant, kind, index)
//! whenever it is needed, so a tenant with a million jobs costs no memory.
//!
//! Generated records of a kind have consecutive ids, and both `createdOn` and `modifiedOn`
//! grow with the index across 2023-2025: that lets the store answer date filters and export
//! positions by binary search.

use crate::json::{money, obj, J};
use crate::time::{self, DATA_END, DATA_START, TICKS_PER_DAY, TICKS_PER_SEC};
use crate::Resource;

const FIRST: [&str; 40] = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Donald",
    "Ashley",
    "Steven",
    "Emily",
    "Andrew",
    "Maria",
    "Kevin",
    "Priya",
    "Brian",
    "Mei",
    "George",
    "Aisha",
];
const LAST: [&str; 40] = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
];
const STREETS: [&str; 20] = [
    "Oak",
    "Maple",
    "Cedar",
    "Pine",
    "Elm",
    "Washington",
    "Lake",
    "Hill",
    "Park",
    "Main",
    "Sunset",
    "Ridge",
    "Willow",
    "Meadow",
    "River",
    "Highland",
    "Church",
    "Spring",
    "Chestnut",
    "Walnut",
];
const SUFFIXES: [&str; 8] = ["St", "Ave", "Blvd", "Dr", "Ln", "Rd", "Ct", "Way"];
/// City, state, zip prefix, phone area code, latitude, longitude.
const CITIES: [(&str, &str, &str, &str, f64, f64); 20] = [
    ("Los Angeles", "CA", "900", "213", 34.0522, -118.2437),
    ("San Diego", "CA", "921", "619", 32.7157, -117.1611),
    ("Phoenix", "AZ", "850", "602", 33.4484, -112.0740),
    ("Dallas", "TX", "752", "214", 32.7767, -96.7970),
    ("Houston", "TX", "770", "713", 29.7604, -95.3698),
    ("Austin", "TX", "787", "512", 30.2672, -97.7431),
    ("Denver", "CO", "802", "303", 39.7392, -104.9903),
    ("Atlanta", "GA", "303", "404", 33.7490, -84.3880),
    ("Orlando", "FL", "328", "407", 28.5383, -81.3792),
    ("Tampa", "FL", "336", "813", 27.9506, -82.4572),
    ("Charlotte", "NC", "282", "704", 35.2271, -80.8431),
    ("Nashville", "TN", "372", "615", 36.1627, -86.7816),
    ("Columbus", "OH", "432", "614", 39.9612, -82.9988),
    ("Chicago", "IL", "606", "312", 41.8781, -87.6298),
    ("Seattle", "WA", "981", "206", 47.6062, -122.3321),
    ("Portland", "OR", "972", "503", 45.5152, -122.6784),
    ("Las Vegas", "NV", "891", "702", 36.1699, -115.1398),
    ("Sacramento", "CA", "958", "916", 38.5816, -121.4944),
    ("Raleigh", "NC", "276", "919", 35.7796, -78.6382),
    ("Kansas City", "MO", "641", "816", 39.0997, -94.5786),
];
const COMPANY_A: [&str; 10] = [
    "Acme",
    "Summit",
    "Pioneer",
    "Evergreen",
    "Bluebird",
    "Cornerstone",
    "Redwood",
    "Liberty",
    "Harbor",
    "Granite",
];
const COMPANY_B: [&str; 10] = [
    "Properties",
    "Holdings",
    "Dental",
    "Restaurants",
    "Apartments",
    "Schools",
    "Medical Group",
    "Storage",
    "Logistics",
    "Hotels",
];
const PROBLEMS: [&str; 12] = [
    "AC not cooling",
    "Furnace making noise",
    "Water heater leaking",
    "Annual maintenance visit",
    "Kitchen drain clogged",
    "Replace thermostat",
    "Upgrade electrical panel",
    "No hot water",
    "Duct cleaning",
    "Install ceiling fan",
    "Sump pump failure",
    "Leaking faucet",
];
const TRADES: [&str; 3] = ["HVAC", "Plumbing", "Electrical"];
const JOB_KINDS: [&str; 10] = [
    "Service Call",
    "Maintenance",
    "Install",
    "Estimate",
    "Warranty",
    "Repair",
    "Inspection",
    "Emergency",
    "Diagnostic",
    "Tune-Up",
];
const BU_KINDS: [&str; 3] = ["Service", "Install", "Maintenance"];
const PRIORITIES: [&str; 4] = ["Low", "Normal", "High", "Urgent"];
/// Marketing campaign names (the reporting module's campaign reports use the same).
pub(crate) const CAMPAIGNS: [&str; 8] = [
    "Google Ads",
    "Yelp",
    "Referral",
    "Direct Mail",
    "Website",
    "Facebook",
    "Repeat Customer",
    "Radio",
];
const CUSTOM_FIELDS: [(&str, [&str; 3]); 3] = [
    ("Gate Code", ["1234", "4321", "none"]),
    ("Pets", ["Dog", "Cat", "None"]),
    ("Preferred Contact", ["Phone", "Email", "Text"]),
];
const SERVICES: [&str; 12] = [
    "Diagnostic Fee",
    "AC Tune-Up",
    "Furnace Tune-Up",
    "Drain Cleaning",
    "Water Heater Flush",
    "Outlet Replacement",
    "Breaker Replacement",
    "Thermostat Install",
    "Faucet Repair",
    "Toilet Rebuild",
    "Duct Sealing",
    "Panel Inspection",
];
const MATERIALS: [&str; 12] = [
    "Capacitor 45/5 MFD",
    "Contactor 30A",
    "Air Filter 16x25x1",
    "PEX Pipe 1/2 in",
    "Copper Fitting 3/4 in",
    "GFCI Outlet",
    "20A Breaker",
    "Wax Ring",
    "Refrigerant R-410A (lb)",
    "Ball Valve 1/2 in",
    "Wire Nut Pack",
    "Flex Duct 6 in",
];
const CALL_REASONS: [&str; 5] = [
    "Schedule service",
    "Billing question",
    "Reschedule",
    "Estimate request",
    "Complaint",
];

/// First id of campaigns (not a resource: a fixed list of eight).
const CAMPAIGN_ID: i64 = 900_000_001;
const TAG_ID: i64 = 910_000_001;
const CUSTOM_FIELD_ID: i64 = 920_000_001;
const ZONE_ID: i64 = 930_000_001;
const TAX_ZONE_ID: i64 = 940_000_001;
const PROVIDER_ID: i64 = 950_000_001;
const REASON_ID: i64 = 960_000_001;
const ROLE_ID: i64 = 970_000_001;
const USER_ID: i64 = 980_000_001;
const GL_ID: i64 = 990_000_001;

/// The tenant's payment types: name and id (payments carry `typeId` as a string).
pub(crate) const PAYMENT_TYPES: [(&str, &str); 4] = [
    ("Credit Card", "1"),
    ("Check", "2"),
    ("Cash", "3"),
    ("ACH", "4"),
];

/// The booking providers generated bookings belong to (bookings created through the API may
/// name any provider id).
pub(crate) const BOOKING_PROVIDERS: [i64; 3] = [PROVIDER_ID, PROVIDER_ID + 1, PROVIDER_ID + 2];

/// splitmix64's finalizer.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Everything a tenant's records are computed from.
#[derive(Clone, Debug)]
pub(crate) struct Gen {
    seed: u64,
    tenant: i64,
    counts: [u64; 16],
    quirks: bool,
    base_url: String,
}

impl Gen {
    pub(crate) fn new(
        seed: u64,
        tenant: i64,
        counts: [u64; 16],
        quirks: bool,
        base_url: String,
    ) -> Gen {
        Gen {
            seed: mix(seed ^ mix(tenant as u64)),
            tenant,
            counts,
            quirks,
            base_url,
        }
    }

    /// How many records of a kind were generated.
    pub(crate) fn n(&self, r: Resource) -> u64 {
        self.counts[r.index()]
    }

    pub(crate) fn id(&self, r: Resource, pos: u64) -> i64 {
        r.first_id() + pos as i64
    }

    /// The position of an id of kind `r` (generated or created), if it is in the kind's range.
    pub(crate) fn pos(&self, r: Resource, id: i64) -> Option<u64> {
        let p = id.checked_sub(r.first_id())?;
        (0..10_000_000).contains(&p).then_some(p as u64)
    }

    fn h(&self, r: Resource, pos: u64, salt: u64) -> u64 {
        mix(self.seed ^ mix(((r.index() as u64) << 56) ^ pos ^ mix(salt)))
    }

    fn pick<T: Copy>(&self, r: Resource, pos: u64, salt: u64, items: &[T]) -> T {
        items[(self.h(r, pos, salt) % items.len() as u64) as usize]
    }

    /// A number in `lo..hi`.
    fn range(&self, r: Resource, pos: u64, salt: u64, lo: i64, hi: i64) -> i64 {
        lo + (self.h(r, pos, salt) % (hi - lo).max(1) as u64) as i64
    }

    /// True for about one record in `one_in`.
    fn chance(&self, r: Resource, pos: u64, salt: u64, one_in: u64) -> bool {
        self.h(r, pos, salt).is_multiple_of(one_in)
    }

    /// True when quirks are on and this record should carry the quirk `salt`.
    fn quirk(&self, r: Resource, pos: u64, salt: u64) -> bool {
        self.quirks && self.chance(r, pos, 9_000 + salt, 25)
    }

    fn step(&self, r: Resource) -> i64 {
        ((DATA_END - DATA_START) / self.n(r).max(1) as i64).max(2)
    }

    /// `createdOn` of a generated record: grows with the position.
    pub(crate) fn created(&self, r: Resource, pos: u64) -> i64 {
        let step = self.step(r);
        DATA_START + pos as i64 * step + (self.h(r, pos, 1) % (step / 2) as u64) as i64
    }

    /// `modifiedOn` of a generated record: after `createdOn`, before the next record's.
    pub(crate) fn modified(&self, r: Resource, pos: u64) -> i64 {
        let step = self.step(r);
        self.created(r, pos) + (self.h(r, pos, 2) % (step / 2) as u64) as i64
    }

    /// The position in `to` that position `pos` of `from` refers to, keeping time order
    /// (record k of `from` maps to about the same share of `to`).
    fn scaled(&self, from: Resource, pos: u64, to: Resource) -> u64 {
        let (nf, nt) = (self.n(from).max(1), self.n(to).max(1));
        ((u128::from(pos) * u128::from(nt)) / u128::from(nf)) as u64
    }

    /// The positions of `child` that [`Gen::scaled`] maps to `pos` of `parent`.
    fn children(&self, parent: Resource, pos: u64, child: Resource) -> std::ops::Range<u64> {
        let (np, nc) = (u128::from(self.n(parent).max(1)), u128::from(self.n(child)));
        let start = (u128::from(pos) * nc).div_ceil(np) as u64;
        let end = ((u128::from(pos) + 1) * nc).div_ceil(np) as u64;
        start..end.min(self.n(child))
    }

    /// The id of some record of kind `to`, chosen by hashing.
    fn any_id(&self, src: Resource, pos: u64, salt: u64, to: Resource) -> i64 {
        let n = self.n(to).max(1);
        to.first_id() + (self.h(src, pos, salt) % n) as i64
    }

    fn any_pos(&self, src: Resource, pos: u64, salt: u64, to: Resource) -> u64 {
        self.h(src, pos, salt) % self.n(to).max(1)
    }

    fn user_id(&self, src: Resource, pos: u64, salt: u64) -> i64 {
        let n = self.n(Resource::Employees).clamp(1, 20);
        USER_ID + (self.h(src, pos, salt) % n) as i64
    }

    fn person(&self, r: Resource, pos: u64) -> (&'static str, &'static str) {
        (self.pick(r, pos, 10, &FIRST), self.pick(r, pos, 11, &LAST))
    }

    fn person_name(&self, r: Resource, pos: u64) -> String {
        let (f, l) = self.person(r, pos);
        format!("{f} {l}")
    }

    fn phone(&self, r: Resource, pos: u64, salt: u64) -> String {
        let city = self.pick(r, pos, 20, &CITIES);
        format!("({}) 555-{:04}", city.3, self.h(r, pos, salt) % 10_000)
    }

    fn email(&self, r: Resource, pos: u64) -> String {
        let (f, l) = self.person(r, pos);
        format!(
            "{}.{}{}@example.com",
            f.to_lowercase(),
            l.to_lowercase(),
            pos % 1000
        )
    }

    /// Street, unit, city, state, zip, country, latitude, longitude.
    #[allow(clippy::type_complexity)]
    fn address_parts(
        &self,
        r: Resource,
        pos: u64,
    ) -> (
        String,
        Option<String>,
        &'static str,
        &'static str,
        String,
        f64,
        f64,
    ) {
        let city = self.pick(r, pos, 20, &CITIES);
        let street = format!(
            "{} {} {}",
            self.range(r, pos, 21, 100, 9_900),
            self.pick(r, pos, 22, &STREETS),
            self.pick(r, pos, 23, &SUFFIXES)
        );
        let unit = self
            .chance(r, pos, 24, 6)
            .then(|| format!("Unit {}", self.range(r, pos, 25, 1, 40)));
        let zip = format!("{}{:02}", city.2, self.h(r, pos, 26) % 100);
        let jitter = |salt| (self.h(r, pos, salt) % 2000) as f64 / 10_000.0 - 0.1;
        let lat = ((city.4 + jitter(27)) * 1e6).round() / 1e6;
        let lon = ((city.5 + jitter(28)) * 1e6).round() / 1e6;
        (street, unit, city.0, city.1, zip, lat, lon)
    }

    /// A CRM address with latitude and longitude (customers and locations).
    fn crm_address(&self, r: Resource, pos: u64) -> J {
        let (street, unit, city, state, zip, lat, lon) = self.address_parts(r, pos);
        let zip = if self.quirk(r, pos, 1) {
            J::Null
        } else {
            J::s(zip)
        };
        obj! {
            "street" => street,
            "unit" => unit.unwrap_or_default(),
            "city" => city,
            "state" => state,
            "zip" => zip,
            "country" => "USA",
            "latitude" => J::Float(lat),
            "longitude" => J::Float(lon),
        }
    }

    /// An address of nullable strings (accounting).
    fn plain_address(&self, r: Resource, pos: u64) -> J {
        let (street, unit, city, state, zip, _, _) = self.address_parts(r, pos);
        obj! {
            "street" => street,
            "unit" => unit,
            "city" => city,
            "state" => state,
            "zip" => zip,
            "country" => "USA",
        }
    }

    fn custom_fields(&self, r: Resource, pos: u64) -> J {
        let count = self.h(r, pos, 30) % 3;
        J::Arr(
            (0..count)
                .map(|k| {
                    let (name, values) = CUSTOM_FIELDS[k as usize];
                    obj! {
                        "typeId" => CUSTOM_FIELD_ID + k as i64,
                        "name" => name,
                        "value" => self.pick(r, pos, 31 + k, &values),
                    }
                })
                .collect(),
        )
    }

    fn tag_ids(&self, r: Resource, pos: u64) -> J {
        let count = self.h(r, pos, 35) % 3;
        let mut ids: Vec<i64> = (0..count)
            .map(|k| TAG_ID + (self.h(r, pos, 36 + k) % 12) as i64)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        J::ints(&ids)
    }

    fn campaign_id(&self, r: Resource, pos: u64) -> i64 {
        CAMPAIGN_ID + (self.h(r, pos, 40) % CAMPAIGNS.len() as u64) as i64
    }

    fn campaign_name(id: i64) -> &'static str {
        CAMPAIGNS[((id - CAMPAIGN_ID).rem_euclid(CAMPAIGNS.len() as i64)) as usize]
    }

    // ----------------------------------------------------------------------- names

    /// The display name of customer `pos`.
    pub(crate) fn customer_name(&self, pos: u64) -> String {
        let r = Resource::Customers;
        if self.customer_commercial(pos) {
            format!(
                "{} {}",
                self.pick(r, pos, 12, &COMPANY_A),
                self.pick(r, pos, 13, &COMPANY_B)
            )
        } else {
            self.person_name(r, pos)
        }
    }

    fn customer_commercial(&self, pos: u64) -> bool {
        self.chance(Resource::Customers, pos, 14, 5)
    }

    /// The customer position of location `pos`.
    fn location_customer(&self, pos: u64) -> u64 {
        pos % self.n(Resource::Customers).max(1)
    }

    fn location_name(&self, pos: u64) -> String {
        self.customer_name(self.location_customer(pos))
    }

    fn job_location(&self, pos: u64) -> u64 {
        self.any_pos(Resource::Jobs, pos, 50, Resource::Locations)
    }

    fn job_customer(&self, pos: u64) -> u64 {
        self.location_customer(self.job_location(pos))
    }

    fn job_type_name(&self, pos: u64) -> String {
        let trade = TRADES[(pos % 3) as usize];
        let kind = JOB_KINDS[((pos / 3) % JOB_KINDS.len() as u64) as usize];
        let round = pos / 30;
        if round == 0 {
            format!("{trade} {kind}")
        } else {
            format!("{trade} {kind} {}", round + 1)
        }
    }

    fn business_unit_name(&self, pos: u64) -> String {
        let trade = TRADES[(pos % 3) as usize];
        let kind = BU_KINDS[((pos / 3) % 3) as usize];
        let round = pos / 9;
        if round == 0 {
            format!("{trade} - {kind}")
        } else {
            format!("{trade} - {kind} {}", round + 1)
        }
    }

    fn named(&self, r: Resource, pos: u64) -> J {
        let name = match r {
            Resource::Customers => self.customer_name(pos),
            Resource::Locations => self.location_name(pos),
            Resource::BusinessUnits => self.business_unit_name(pos),
            Resource::JobTypes => self.job_type_name(pos),
            Resource::Technicians | Resource::Employees => self.person_name(r, pos),
            _ => format!("{} {}", r.name(), self.id(r, pos)),
        };
        obj! {"id" => self.id(r, pos), "name" => name}
    }

    fn job_status(&self, pos: u64) -> &'static str {
        match self.h(Resource::Jobs, pos, 60) % 50 {
            0..=34 => "Completed",
            35..=39 => "Canceled",
            40..=43 => "Scheduled",
            44..=45 => "Dispatched",
            46..=47 => "InProgress",
            _ => "Hold",
        }
    }

    /// Subtotal and tax (hundredths) and the item prices of invoice `pos`.
    fn invoice_items(&self, pos: u64) -> Vec<(i64, i64, bool)> {
        let r = Resource::Invoices;
        let count = 1 + self.h(r, pos, 70) % 3;
        (0..count)
            .map(|k| {
                let service = self.chance(r, pos, 71 + k, 2);
                let price = self.range(r, pos, 75 + k, 4_900, 249_999);
                let qty = if service {
                    100
                } else {
                    100 * self.range(r, pos, 80 + k, 1, 4)
                };
                (price, qty, service)
            })
            .collect()
    }

    /// (subtotal, tax, total) of invoice `pos`, in hundredths.
    fn invoice_amounts(&self, pos: u64) -> (i64, i64, i64) {
        let sub: i64 = self
            .invoice_items(pos)
            .iter()
            .map(|(p, q, _)| p * q / 100)
            .sum();
        let tax = sub * 825 / 10_000;
        (sub, tax, sub + tax)
    }

    // ----------------------------------------------------------------------- records

    /// The generated record at `pos`; export items carry `active` too.
    pub(crate) fn record(&self, r: Resource, pos: u64, export: bool) -> J {
        let mut rec = match r {
            Resource::Jobs => self.job(pos),
            Resource::Appointments => self.appointment(pos),
            Resource::JobTypes => self.job_type(pos),
            Resource::Customers => self.customer(pos),
            Resource::Locations => self.location(pos),
            Resource::Bookings => self.booking(pos),
            Resource::Leads => self.lead(pos),
            Resource::Invoices => self.invoice(pos),
            Resource::Payments => self.payment(pos),
            Resource::Technicians => self.technician(pos),
            Resource::Employees => self.employee(pos),
            Resource::BusinessUnits => self.business_unit(pos),
            Resource::Services => self.service(pos),
            Resource::Materials => self.material(pos),
            Resource::Calls => self.call_v3(pos),
            Resource::AppointmentAssignments => self.assignment(pos),
        };
        if export && rec.get("active").is_none() {
            rec.set("active", J::Bool(true));
        }
        rec
    }

    fn job(&self, pos: u64) -> J {
        let r = Resource::Jobs;
        let created = self.created(r, pos);
        let status = self.job_status(pos);
        let appts = self.children(r, pos, Resource::Appointments);
        let appt_id = |p: u64| self.id(Resource::Appointments, p);
        let (first, last) = if appts.is_empty() {
            (0, 0)
        } else {
            (appt_id(appts.start), appt_id(appts.end - 1))
        };
        let invoices = self.children(r, pos, Resource::Invoices);
        let invoice_id = if invoices.is_empty() {
            0
        } else {
            self.id(Resource::Invoices, invoices.start)
        };
        let total = if invoices.is_empty() {
            J::Null
        } else {
            money(self.invoice_amounts(invoices.start).2)
        };
        let completed = (status == "Completed")
            .then(|| time::format(created + self.range(r, pos, 61, 1, 14) * TICKS_PER_DAY));
        let status = if self.quirk(r, pos, 1) {
            "PendingApproval"
        } else {
            status
        };
        let customer_po = if self.quirk(r, pos, 2) {
            J::Null
        } else if self.chance(r, pos, 62, 4) {
            J::s(format!("PO-{}", self.range(r, pos, 63, 10_000, 99_999)))
        } else {
            J::s("")
        };
        let lead_source = if self.chance(r, pos, 64, 5) {
            obj! {"jobId" => J::Null, "employeeId" => self.any_id(r, pos, 65, Resource::Employees)}
        } else {
            J::Null
        };
        obj! {
            "id" => self.id(r, pos),
            "jobNumber" => self.id(r, pos).to_string(),
            "projectId" => J::Null,
            "customerId" => self.id(Resource::Customers, self.job_customer(pos)),
            "locationId" => self.id(Resource::Locations, self.job_location(pos)),
            "jobStatus" => status,
            "completedOn" => completed,
            "businessUnitId" => self.any_id(r, pos, 66, Resource::BusinessUnits),
            "jobTypeId" => self.any_id(r, pos, 67, Resource::JobTypes),
            "priority" => self.pick(r, pos, 68, &PRIORITIES),
            "campaignId" => self.campaign_id(r, pos),
            "summary" => format!("<p>{}</p>", self.pick(r, pos, 69, &PROBLEMS)),
            "customFields" => self.custom_fields(r, pos),
            "appointmentCount" => appts.end as i64 - appts.start as i64,
            "firstAppointmentId" => first,
            "lastAppointmentId" => last,
            "recallForId" => J::Null,
            "warrantyId" => J::Null,
            "jobGeneratedLeadSource" => lead_source,
            "noCharge" => self.chance(r, pos, 70, 30),
            "notificationsEnabled" => !self.chance(r, pos, 71, 10),
            "createdOn" => time::format(created),
            "createdById" => self.user_id(r, pos, 72),
            "modifiedOn" => time::format(self.modified(r, pos)),
            "tagTypeIds" => self.tag_ids(r, pos),
            "leadCallId" => J::Null,
            "bookingId" => J::Null,
            "soldById" => self.chance(r, pos, 73, 3).then(|| self.any_id(r, pos, 74, Resource::Technicians)),
            "externalData" => J::Arr(vec![]),
            "customerPo" => customer_po,
            "invoiceId" => invoice_id,
            "membershipId" => J::Null,
            "total" => total,
            "estimateIds" => J::Arr(vec![]),
            "equipmentIds" => J::Arr(vec![]),
        }
    }

    fn appointment(&self, pos: u64) -> J {
        let r = Resource::Appointments;
        let created = self.created(r, pos);
        let job = self.scaled(r, pos, Resource::Jobs);
        let start_day = (created / TICKS_PER_DAY + self.range(r, pos, 80, 1, 10)) * TICKS_PER_DAY;
        let start = start_day + self.range(r, pos, 81, 14, 23) * 3600 * TICKS_PER_SEC;
        let end = start + self.range(r, pos, 82, 1, 4) * 3600 * TICKS_PER_SEC;
        let status = match self.job_status(job) {
            "Completed" => "Done",
            "Canceled" => "Canceled",
            "Dispatched" => "Dispatched",
            "InProgress" => "Working",
            "Hold" => "Hold",
            _ => "Scheduled",
        };
        let status = if self.quirk(r, pos, 1) {
            "Rescheduled"
        } else {
            status
        };
        let first_of_job = self.children(Resource::Jobs, job, r).start;
        let number = format!(
            "{}-{}",
            self.id(Resource::Jobs, job),
            pos.saturating_sub(first_of_job) + 1
        );
        obj! {
            "id" => self.id(r, pos),
            "jobId" => self.id(Resource::Jobs, job),
            "appointmentNumber" => number,
            "start" => time::format(start),
            "end" => time::format(end),
            "arrivalWindowStart" => time::format(start),
            "arrivalWindowEnd" => time::format(start + 2 * 3600 * TICKS_PER_SEC),
            "status" => status,
            "specialInstructions" => if self.chance(r, pos, 83, 4) { J::s("Call 30 minutes before arrival.") } else { J::Null },
            "createdOn" => time::format(created),
            "active" => true,
            "modifiedOn" => time::format(self.modified(r, pos)),
            "customerId" => self.id(Resource::Customers, self.job_customer(job)),
            "unused" => false,
            "createdById" => self.user_id(r, pos, 84),
            "isConfirmed" => self.chance(r, pos, 85, 2),
        }
    }

    fn job_type(&self, pos: u64) -> J {
        let r = Resource::JobTypes;
        let skills = J::Arr(vec![J::s(TRADES[(pos % 3) as usize])]);
        obj! {
            "id" => self.id(r, pos),
            "name" => self.job_type_name(pos),
            "businessUnitIds" => J::ints(&[self.any_id(r, pos, 90, Resource::BusinessUnits)]),
            "skills" => skills,
            "tagTypeIds" => J::Arr(vec![]),
            "priority" => self.pick(r, pos, 91, &PRIORITIES),
            "duration" => self.range(r, pos, 92, 1, 9) * 1800,
            "soldThreshold" => if self.chance(r, pos, 93, 2) { money(self.range(r, pos, 94, 10, 100) * 1000) } else { J::Null },
            "class" => self.pick(r, pos, 95, &["Service", "Install", "Maintenance"]),
            "summary" => format!("{} work", self.job_type_name(pos)),
            "noCharge" => false,
            "enforceRecurringServiceEventSelection" => J::Null,
            "invoiceSignaturesRequired" => self.chance(r, pos, 96, 3),
            "modifiedOn" => time::format(self.modified(r, pos)),
            "createdOn" => time::format(self.created(r, pos)),
            "externalData" => J::Arr(vec![]),
            "active" => true,
            "isSmartDispatched" => false,
            "defaultEstimateSoldAction" => "None",
            "customFieldTypeIds" => J::Arr(vec![]),
        }
    }

    fn customer(&self, pos: u64) -> J {
        let r = Resource::Customers;
        let kind = if self.quirk(r, pos, 2) {
            "Government"
        } else if self.customer_commercial(pos) {
            "Commercial"
        } else {
            "Residential"
        };
        let balance = if self.chance(r, pos, 100, 4) {
            self.range(r, pos, 101, 1_000, 250_000)
        } else {
            0
        };
        obj! {
            "id" => self.id(r, pos),
            "active" => true,
            "taxExempt" => false,
            "nationalAccount" => false,
            "name" => self.customer_name(pos),
            "type" => kind,
            "address" => self.crm_address(r, pos),
            "customFields" => self.custom_fields(r, pos),
            "balance" => money(balance),
            "tagTypeIds" => self.tag_ids(r, pos),
            "doNotMail" => self.chance(r, pos, 102, 8),
            "doNotService" => self.chance(r, pos, 103, 50),
            "createdOn" => time::format(self.created(r, pos)),
            "createdById" => self.user_id(r, pos, 104),
            "modifiedOn" => time::format(self.modified(r, pos)),
            "externalData" => J::Arr(vec![]),
        }
    }

    fn location(&self, pos: u64) -> J {
        let r = Resource::Locations;
        obj! {
            "id" => self.id(r, pos),
            "customerId" => self.id(Resource::Customers, self.location_customer(pos)),
            "active" => true,
            "taxExempt" => false,
            "name" => self.location_name(pos),
            "address" => self.crm_address(r, pos),
            "customFields" => self.custom_fields(r, pos),
            "createdOn" => time::format(self.created(r, pos)),
            "createdById" => self.user_id(r, pos, 110),
            "modifiedOn" => time::format(self.modified(r, pos)),
            "zoneId" => ZONE_ID + (self.h(r, pos, 111) % 6) as i64,
            "tagTypeIds" => self.tag_ids(r, pos),
            "externalData" => J::Arr(vec![]),
            "taxZoneId" => TAX_ZONE_ID + (self.h(r, pos, 112) % 3) as i64,
        }
    }

    /// The provider a generated booking belongs to.
    pub(crate) fn booking_provider(&self, pos: u64) -> i64 {
        self.pick(Resource::Bookings, pos, 120, &BOOKING_PROVIDERS)
    }

    fn booking(&self, pos: u64) -> J {
        let r = Resource::Bookings;
        let created = self.created(r, pos);
        let (street, unit, city, state, zip, _, _) = self.address_parts(r, pos);
        let status = self.pick(
            r,
            pos,
            121,
            &["New", "Converted", "Converted", "Dismissed", "Accepted"],
        );
        let mut rec = obj! {
            "id" => self.id(r, pos),
            "source" => self.pick(r, pos, 122, &["Website", "Phone", "Chat"]),
            "createdOn" => time::format(created),
            "name" => self.person_name(r, pos),
            "address" => obj! {"street" => street, "unit" => unit.unwrap_or_default(), "city" => city, "state" => state, "zip" => zip, "country" => "USA"},
            "customerType" => if self.chance(r, pos, 123, 5) { "Commercial" } else { "Residential" },
            "start" => time::format(created + self.range(r, pos, 124, 1, 7) * TICKS_PER_DAY),
            "summary" => self.pick(r, pos, 125, &PROBLEMS),
            "campaignId" => self.campaign_id(r, pos),
            "businessUnitId" => self.any_id(r, pos, 126, Resource::BusinessUnits),
            "isFirstTimeClient" => self.chance(r, pos, 127, 2),
            "uploadedImages" => J::Arr(vec![]),
            "isSendConfirmationEmail" => true,
            "status" => status,
        };
        if status == "Dismissed" {
            rec.set("dismissingReasonId", J::Int(REASON_ID + 10));
        }
        if status == "Converted" {
            rec.set("jobId", J::Int(self.any_id(r, pos, 128, Resource::Jobs)));
        }
        rec.set("externalId", J::s(format!("ext-{}", self.id(r, pos))));
        rec.set("priority", J::s(self.pick(r, pos, 129, &PRIORITIES)));
        rec.set(
            "jobTypeId",
            J::Int(self.any_id(r, pos, 130, Resource::JobTypes)),
        );
        rec.set("bookingProviderId", J::Int(self.booking_provider(pos)));
        rec.set("modifiedOn", J::s(time::format(self.modified(r, pos))));
        rec
    }

    fn lead(&self, pos: u64) -> J {
        let r = Resource::Leads;
        let created = self.created(r, pos);
        let customer = self.any_pos(r, pos, 140, Resource::Customers);
        let location = customer.min(self.n(Resource::Locations).saturating_sub(1));
        let status = self.pick(r, pos, 141, &["Open", "Open", "Dismissed", "Converted"]);
        let mut rec = obj! {
            "id" => self.id(r, pos),
            "status" => status,
            "customerId" => self.id(Resource::Customers, customer),
            "locationId" => self.id(Resource::Locations, location),
            "businessUnitId" => self.any_id(r, pos, 142, Resource::BusinessUnits),
            "jobTypeId" => self.any_id(r, pos, 143, Resource::JobTypes),
            "priority" => self.pick(r, pos, 144, &PRIORITIES),
            "campaignId" => self.campaign_id(r, pos),
            "summary" => self.pick(r, pos, 145, &PROBLEMS),
            "callReasonId" => REASON_ID + (self.h(r, pos, 146) % 5) as i64,
            "callId" => self.any_id(r, pos, 147, Resource::Calls),
            "followUpDate" => time::format(created + 3 * TICKS_PER_DAY),
            "createdOn" => time::format(created),
            "createdById" => self.user_id(r, pos, 148),
            "modifiedOn" => time::format(self.modified(r, pos)),
            "tagTypeIds" => self.tag_ids(r, pos),
        };
        if status == "Dismissed" {
            rec.set("dismissingReasonId", J::Int(REASON_ID + 10));
        }
        rec
    }

    fn gl_account(&self, id: i64, name: &'static str, number: &'static str) -> J {
        obj! {"id" => id, "name" => name, "number" => number, "type" => "Income", "detailType" => "SalesOfProductIncome"}
    }

    /// The account payments are booked to.
    pub(crate) fn payment_gl_account(&self) -> J {
        self.gl_account(GL_ID + 1, "Undeposited Funds", "1200")
    }

    fn invoice(&self, pos: u64) -> J {
        let r = Resource::Invoices;
        let created = self.created(r, pos);
        let modified = self.modified(r, pos);
        let job = self.scaled(r, pos, Resource::Jobs);
        let customer = self.job_customer(job);
        let location = self.job_location(job);
        let (sub, tax, total) = self.invoice_amounts(pos);
        let payments = self.children(r, pos, Resource::Payments);
        let paid = !payments.is_empty();
        let paid_on = paid.then(|| time::format(self.created(Resource::Payments, payments.start)));
        let bu = self.any_pos(Resource::Jobs, job, 66, Resource::BusinessUnits);
        let items: Vec<J> = self
            .invoice_items(pos)
            .into_iter()
            .enumerate()
            .map(|(k, (price, qty, service))| {
                let (sku_kind, names, sku_r) = if service {
                    ("Service", &SERVICES, Resource::Services)
                } else {
                    ("Material", &MATERIALS, Resource::Materials)
                };
                let sku = self.any_pos(r, pos, 150 + k as u64, sku_r);
                let name = names[(sku % 12) as usize];
                let cost = price * 45 / 100;
                obj! {
                    "id" => self.id(r, pos) * 10 + k as i64,
                    "description" => format!("<p>{name}</p>"),
                    "quantity" => crate::json::money_text(qty),
                    "cost" => crate::json::money_text(cost),
                    "totalCost" => crate::json::money_text(cost * qty / 100),
                    "inventoryLocation" => J::Null,
                    "price" => crate::json::money_text(price),
                    "type" => if self.quirk(r, pos, 10 + k as u64) { "Rebate" } else { sku_kind },
                    "skuName" => name,
                    "skuId" => self.id(sku_r, sku),
                    "total" => crate::json::money_text(price * qty / 100),
                    "inventory" => !service,
                    "taxable" => true,
                    "generalLedgerAccount" => self.gl_account(GL_ID, "Service Income", "4000"),
                    "costOfSaleAccount" => J::Null,
                    "assetAccount" => J::Null,
                    "membershipTypeId" => 0i64,
                    "itemGroup" => J::Null,
                    "displayName" => name,
                    "soldHours" => if service { money(100) } else { J::Null },
                    "createdOn" => time::format(created),
                    "modifiedOn" => time::format(modified),
                    "serviceDate" => time::format(created),
                    "order" => k as i64,
                    "businessUnit" => self.named(Resource::BusinessUnits, bu),
                    "createdById" => self.user_id(r, pos, 160),
                    "displayInAmount" => J::Null,
                    "importId" => J::Null,
                    "exportId" => J::Null,
                    "inventoryStatus" => J::Null,
                    "addOn" => false,
                    "memberPrice" => crate::json::money_text(price * 9 / 10),
                    "technicianId" => self.any_id(r, pos, 161, Resource::Technicians),
                    "installedEquipmentId" => J::Null,
                    "isChargeable" => true,
                }
            })
            .collect();
        let sent = match self.h(r, pos, 162) % 3 {
            0 => "NotSent",
            1 => "Sent",
            _ => "Opened",
        };
        let sent = if self.quirk(r, pos, 1) {
            "Bounced"
        } else {
            sent
        };
        let review = if self.quirk(r, pos, 2) {
            J::Null
        } else {
            J::s(self.pick(
                r,
                pos,
                163,
                &["NeedsReview", "OnHold", "Reviewed", "Reviewed"],
            ))
        };
        obj! {
            "id" => self.id(r, pos),
            "syncStatus" => self.pick(r, pos, 164, &["Pending", "Posted", "Exported"]),
            "summary" => format!("<p>{}</p>", self.pick(Resource::Jobs, job, 69, &PROBLEMS)),
            "referenceNumber" => self.id(r, pos).to_string(),
            "invoiceDate" => time::format(created - created % TICKS_PER_DAY),
            "dueDate" => time::format(created - created % TICKS_PER_DAY + 30 * TICKS_PER_DAY),
            "subTotal" => crate::json::money_text(sub),
            "salesTax" => crate::json::money_text(tax),
            "salesTaxCode" => obj! {"id" => TAX_ZONE_ID, "name" => "Default Tax", "taxRate" => J::Dec(825, 4)},
            "total" => crate::json::money_text(total),
            "balance" => crate::json::money_text(if paid { 0 } else { total }),
            "invoiceType" => J::Null,
            "customer" => self.named(Resource::Customers, customer),
            "customerAddress" => self.plain_address(Resource::Customers, customer),
            "location" => self.named(Resource::Locations, location),
            "locationAddress" => self.plain_address(Resource::Locations, location),
            "businessUnit" => self.named(Resource::BusinessUnits, bu),
            "termName" => "Due Upon Receipt",
            "createdBy" => "api-user",
            "batch" => J::Null,
            "depositedOn" => J::Null,
            "createdOn" => time::format(created),
            "modifiedOn" => time::format(modified),
            "adjustmentToId" => J::Null,
            "job" => obj! {"id" => self.id(Resource::Jobs, job), "number" => self.id(Resource::Jobs, job).to_string(), "type" => self.job_type_name(self.any_pos(Resource::Jobs, job, 67, Resource::JobTypes))},
            "projectId" => J::Null,
            "royalty" => J::Null,
            "employeeInfo" => J::Null,
            "commissionEligibilityDate" => J::Null,
            "sentStatus" => sent,
            "reviewStatus" => review,
            "assignedTo" => J::Null,
            "items" => J::Arr(items),
            "invoiceConfiguration" => "JobInvoice",
            "customFields" => J::Arr(vec![]),
            "active" => true,
            "discountTotal" => "0.00",
            "importId" => J::Null,
            "exportId" => J::Null,
            "materialSkuId" => J::Null,
            "membershipId" => J::Null,
            "paidOn" => paid_on,
        }
    }

    fn payment(&self, pos: u64) -> J {
        let r = Resource::Payments;
        let created = self.created(r, pos);
        let invoice = self.scaled(r, pos, Resource::Invoices);
        let job = self.scaled(Resource::Invoices, invoice, Resource::Jobs);
        let siblings = self.children(Resource::Invoices, invoice, r);
        let (_, _, total) = self.invoice_amounts(invoice);
        let share = siblings.end.saturating_sub(siblings.start).max(1) as i64;
        let amount = if pos + 1 == siblings.end {
            total - (total / share) * (share - 1)
        } else {
            total / share
        };
        let (kind, type_id) = self.pick(r, pos, 170, &PAYMENT_TYPES);
        let bu = self.any_pos(Resource::Jobs, job, 66, Resource::BusinessUnits);
        obj! {
            "id" => self.id(r, pos),
            "syncStatus" => "Pending",
            "referenceNumber" => format!("P{}", self.id(r, pos)),
            "date" => time::format(created),
            "type" => kind,
            "typeId" => type_id,
            "total" => crate::json::money_text(amount),
            "unappliedAmount" => "0.00",
            "memo" => J::Null,
            "customer" => self.named(Resource::Customers, self.job_customer(job)),
            "businessUnit" => self.named(Resource::BusinessUnits, bu),
            "batch" => J::Null,
            "createdBy" => "api-user",
            "generalLedgerAccount" => self.payment_gl_account(),
            "appliedTo" => J::Arr(vec![obj! {
                "appliedId" => self.id(r, pos) * 10,
                "appliedTo" => self.id(Resource::Invoices, invoice),
                "appliedAmount" => crate::json::money_text(amount),
                "appliedOn" => time::format(created),
                "appliedBy" => "api-user",
                "appliedToReferenceNumber" => self.id(Resource::Invoices, invoice).to_string(),
            }]),
            "customFields" => J::Arr(vec![]),
            "authCode" => if kind == "Credit Card" { J::s(format!("{:06}", self.h(r, pos, 171) % 1_000_000)) } else { J::Null },
            "checkNumber" => if kind == "Check" { J::s(format!("{}", 1000 + self.h(r, pos, 172) % 9000)) } else { J::Null },
            "modifiedOn" => time::format(self.modified(r, pos)),
            "createdOn" => time::format(created),
            "active" => true,
        }
    }

    fn technician(&self, pos: u64) -> J {
        let r = Resource::Technicians;
        let (first, last) = self.person(r, pos);
        let (street, unit, city, state, zip, lat, lon) = self.address_parts(r, pos);
        let daily_goal = if self.quirk(r, pos, 1) {
            J::Null
        } else {
            money(self.range(r, pos, 180, 10, 40) * 10_000)
        };
        obj! {
            "id" => self.id(r, pos),
            "userId" => USER_ID + 1_000 + pos as i64,
            "name" => format!("{first} {last}"),
            "roleIds" => J::ints(&[ROLE_ID]),
            "businessUnitId" => self.any_id(r, pos, 181, Resource::BusinessUnits),
            "mainZoneId" => ZONE_ID + (self.h(r, pos, 182) % 6) as i64,
            "zoneIds" => J::ints(&[ZONE_ID + (self.h(r, pos, 182) % 6) as i64]),
            "createdOn" => time::format(self.created(r, pos)),
            "modifiedOn" => time::format(self.modified(r, pos)),
            "email" => self.email(r, pos),
            "phoneNumber" => self.phone(r, pos, 183),
            "loginName" => format!("{}{}", first.to_lowercase(), pos),
            "home" => obj! {
                "street" => street.clone(), "unit" => unit, "country" => "USA", "city" => city,
                "state" => state, "zip" => zip, "streetAddress" => street,
                "latitude" => J::Float(lat), "longitude" => J::Float(lon),
            },
            "dailyGoal" => daily_goal,
            "isManagedTech" => self.chance(r, pos, 184, 5),
            "customFields" => J::Arr(vec![]),
            "active" => true,
            "status" => "Idle",
            "soldByRate" => money(0),
            "hourlyRate" => money(0),
            "commissionRate" => money(0),
            "aadUserId" => J::Null,
            "burdenRate" => money(self.range(r, pos, 185, 25, 60) * 100),
            "team" => self.pick(r, pos, 186, &["Red", "Blue", "Green"]),
            "jobFilter" => "AllScheduledDispatchedWorking",
            "permissions" => J::Arr(vec![]),
            "accountLocked" => false,
        }
    }

    fn employee(&self, pos: u64) -> J {
        let r = Resource::Employees;
        let (first, _) = self.person(r, pos);
        let role = if self.quirk(r, pos, 1) {
            "Astronaut"
        } else {
            self.pick(
                r,
                pos,
                190,
                &[
                    "Dispatch",
                    "Accounting",
                    "CSR",
                    "GeneralOffice",
                    "FieldManager",
                    "Admin",
                    "SalesManager",
                ],
            )
        };
        obj! {
            "id" => self.id(r, pos),
            "userId" => USER_ID + pos as i64,
            "name" => self.person_name(r, pos),
            "role" => role,
            "roleIds" => J::ints(&[ROLE_ID + 1]),
            "businessUnitId" => self.any_id(r, pos, 191, Resource::BusinessUnits),
            "createdOn" => time::format(self.created(r, pos)),
            "modifiedOn" => time::format(self.modified(r, pos)),
            "email" => self.email(r, pos),
            "phoneNumber" => self.phone(r, pos, 192),
            "loginName" => format!("{}{}", first.to_lowercase(), pos),
            "customFields" => J::Arr(vec![]),
            "active" => true,
            "hourlyRate" => money(0),
            "agentId" => 0i64,
            "aadUserId" => J::Null,
            "permissions" => J::Arr(vec![]),
            "accountLocked" => false,
        }
    }

    fn business_unit(&self, pos: u64) -> J {
        let r = Resource::BusinessUnits;
        let name = self.business_unit_name(pos);
        let (street, unit, city, state, zip, _, _) = self.address_parts(r, pos);
        obj! {
            "id" => self.id(r, pos),
            "active" => true,
            "name" => name.clone(),
            "officialName" => format!("{name} LLC"),
            "email" => format!("bu{pos}@example.com"),
            "currency" => "USD",
            "phoneNumber" => self.phone(r, pos, 200),
            "invoiceHeader" => J::Null,
            "invoiceMessage" => "<p>Thank you for your business!</p>",
            "defaultTaxRate" => J::Dec(825, 4),
            "authorizationParagraph" => J::Null,
            "acknowledgementParagraph" => J::Null,
            "address" => obj! {"street" => street, "unit" => unit, "city" => city, "state" => state, "zip" => zip, "country" => "USA", "isManualCoordinates" => false, "isMilitary" => false},
            "materialSku" => J::Null,
            "quickbooksClass" => J::Null,
            "accountCode" => format!("BU{:03}", pos),
            "franchiseId" => J::Null,
            "conceptCode" => J::Null,
            "corporateContractNumber" => J::Null,
            "tenant" => obj! {
                "id" => self.tenant, "name" => format!("Mock Tenant {}", self.tenant),
                "accountCode" => J::Null, "franchiseId" => J::Null, "conceptCode" => J::Null,
                "modifiedOn" => time::format(DATA_START),
            },
            "createdOn" => time::format(self.created(r, pos)),
            "modifiedOn" => time::format(self.modified(r, pos)),
            "externalData" => J::Null,
        }
    }

    fn sku_prices(&self, r: Resource, pos: u64) -> (i64, i64) {
        let price =
            self.range(r, pos, 210, 19, 1_500) * 100 + self.pick(r, pos, 211, &[0, 50, 95, 99]);
        (price, price * 40 / 100)
    }

    fn service(&self, pos: u64) -> J {
        let r = Resource::Services;
        let name = SERVICES[(pos % 12) as usize];
        let (price, cost) = self.sku_prices(r, pos);
        let materials = if self.n(Resource::Materials) > 0 && self.chance(r, pos, 212, 2) {
            J::Arr(vec![
                obj! {"skuId" => self.any_id(r, pos, 213, Resource::Materials), "quantity" => money(100)},
            ])
        } else {
            J::Arr(vec![])
        };
        obj! {
            "id" => self.id(r, pos),
            "code" => format!("SVC-{:05}", pos),
            "displayName" => name,
            "description" => format!("<p>{name}</p>"),
            "warranty" => J::Null,
            "categories" => J::Arr(vec![obj! {"id" => 985_000_001 + (pos % 3) as i64, "name" => TRADES[(pos % 3) as usize], "active" => true}]),
            "price" => money(price),
            "memberPrice" => money(price * 9 / 10),
            "addOnPrice" => money(price * 8 / 10),
            "addOnMemberPrice" => money(price * 7 / 10),
            "taxable" => true,
            "account" => "Service Income",
            "hours" => money(self.range(r, pos, 214, 1, 8) * 50),
            "isLabor" => true,
            "recommendations" => J::Arr(vec![]),
            "upgrades" => J::Arr(vec![]),
            "assets" => J::Arr(vec![]),
            "serviceMaterials" => materials,
            "serviceEquipment" => J::Arr(vec![]),
            "active" => true,
            "crossSaleGroup" => J::Null,
            "paysCommission" => self.chance(r, pos, 215, 2),
            "bonus" => money(0),
            "commissionBonus" => money(0),
            "modifiedOn" => time::format(self.modified(r, pos)),
            "source" => J::Null,
            "externalId" => J::Null,
            "externalData" => J::Null,
            "businessUnitId" => self.any_id(r, pos, 216, Resource::BusinessUnits),
            "cost" => money(cost),
            "createdOn" => time::format(self.created(r, pos)),
            "soldByCommission" => money(0),
            "defaultAssetUrl" => J::Null,
        }
    }

    fn material(&self, pos: u64) -> J {
        let r = Resource::Materials;
        let name = MATERIALS[(pos % 12) as usize];
        let (price, cost) = self.sku_prices(r, pos);
        let vendor = obj! {
            "id" => 986_000_001 + (pos % 4) as i64,
            "vendorName" => self.pick(r, pos, 220, &["Ferguson", "Johnstone Supply", "Graybar", "Winsupply"]),
            "vendorId" => 987_000_001 + (pos % 4) as i64,
            "memo" => J::Null,
            "vendorPart" => format!("VP-{}", 10_000 + pos),
            "cost" => money(cost),
            "active" => true,
            "primarySubAccount" => J::Null,
            "otherSubAccounts" => J::Arr(vec![]),
        };
        obj! {
            "id" => self.id(r, pos),
            "code" => format!("MAT-{:05}", pos),
            "displayName" => name,
            "description" => format!("<p>{name}</p>"),
            "cost" => money(cost),
            "active" => true,
            "price" => money(price),
            "memberPrice" => money(price * 9 / 10),
            "addOnPrice" => money(price),
            "addOnMemberPrice" => money(price * 9 / 10),
            "hours" => money(0),
            "bonus" => money(0),
            "commissionBonus" => money(0),
            "paysCommission" => false,
            "deductAsJobCost" => false,
            "unitOfMeasure" => "Each",
            "isInventory" => self.chance(r, pos, 221, 2),
            "account" => "Materials Income",
            "costOfSaleAccount" => "Cost of Goods Sold",
            "assetAccount" => "Inventory Asset",
            "taxable" => true,
            "primaryVendor" => vendor,
            "otherVendors" => J::Arr(vec![]),
            "categories" => J::ints(&[985_000_001 + (pos % 3) as i64]),
            "assets" => J::Arr(vec![]),
            "modifiedOn" => time::format(self.modified(r, pos)),
            "source" => J::Null,
            "externalId" => J::Null,
            "externalData" => J::Null,
            "isConfigurableMaterial" => false,
            "chargeableByDefault" => true,
            "variationsOrConfigurableMaterials" => J::Null,
            "businessUnitId" => J::Null,
            "createdById" => self.user_id(r, pos, 222),
            "createdOn" => time::format(self.created(r, pos)),
            "displayInAmount" => false,
            "generalLedgerAccountId" => J::Null,
            "isOtherDirectCost" => false,
            "costTypeId" => J::Null,
            "defaultAssetUrl" => J::Null,
        }
    }

    /// The URL a call's recording is served at.
    pub(crate) fn recording_url(&self, id: i64) -> String {
        format!(
            "{}/telecom/v2/tenant/{}/calls/{id}/recording",
            self.base_url, self.tenant
        )
    }

    fn call_common(&self, pos: u64) -> CallFacts {
        let r = Resource::Calls;
        let created = self.created(r, pos);
        let booked = self.chance(r, pos, 230, 3);
        let job = self.scaled(r, pos, Resource::Jobs);
        let reason = self.h(r, pos, 231) % CALL_REASONS.len() as u64;
        let call_type = if self.quirk(r, pos, 1) {
            "Spam"
        } else if booked {
            "Booked"
        } else {
            self.pick(
                r,
                pos,
                232,
                &["Abandoned", "Unbooked", "Excused", "NotLead"],
            )
        };
        let inbound = !self.chance(r, pos, 233, 4);
        let duration = self.range(r, pos, 234, 15, 900);
        let customer = self.any_pos(r, pos, 235, Resource::Customers);
        let (from, to) = {
            let caller = self.phone(r, pos, 236);
            let office = format!("(800) 555-{:04}", 100 + pos % 50);
            if inbound {
                (caller, office)
            } else {
                (office, caller)
            }
        };
        CallFacts {
            id: self.id(r, pos),
            created,
            modified: self.modified(r, pos),
            job_number: if booked {
                self.id(Resource::Jobs, job).to_string()
            } else {
                String::new()
            },
            bu: self.any_pos(r, pos, 237, Resource::BusinessUnits),
            job_type: self.any_pos(r, pos, 238, Resource::JobTypes),
            reason,
            call_type,
            direction: if inbound { "Inbound" } else { "Outbound" },
            duration: format!(
                "{:02}:{:02}:{:02}",
                duration / 3600,
                (duration / 60) % 60,
                duration % 60
            ),
            customer,
            campaign: self.campaign_id(r, pos),
            agent: self.any_pos(r, pos, 239, Resource::Employees),
            from,
            to,
        }
    }

    fn call_v3(&self, pos: u64) -> J {
        let f = self.call_common(pos);
        obj! {
            "id" => f.id,
            "jobNumber" => f.job_number.clone(),
            "projectId" => 0i64,
            "businessUnit" => self.named(Resource::BusinessUnits, f.bu),
            "type" => obj! {"id" => self.id(Resource::JobTypes, f.job_type), "name" => self.job_type_name(f.job_type), "modifiedOn" => time::format(DATA_START)},
            "leadCall" => obj! {
                "createdOn" => time::format(f.created),
                "active" => true,
                "id" => f.id,
                "receivedOn" => time::format(f.created),
                "duration" => f.duration.clone(),
                "from" => f.from.clone(),
                "to" => f.to.clone(),
                "direction" => f.direction,
                "callType" => f.call_type,
                "reason" => obj! {"id" => REASON_ID + f.reason as i64, "name" => CALL_REASONS[f.reason as usize], "lead" => f.reason == 0 || f.reason == 3, "active" => true},
                "recordingUrl" => self.recording_url(f.id),
                "voiceMailUrl" => "",
                "createdBy" => obj! {"id" => USER_ID, "name" => "System"},
                "customer" => self.named(Resource::Customers, f.customer),
                "campaign" => obj! {"id" => f.campaign, "name" => Self::campaign_name(f.campaign)},
                "modifiedOn" => time::format(f.modified),
                "agent" => obj! {"id" => self.id(Resource::Employees, f.agent), "name" => self.person_name(Resource::Employees, f.agent), "externalId" => J::Null},
            },
        }
    }

    /// The v2 call bundle (`listCallsV2`); `detailed` drops the fields `getCall` lacks.
    pub(crate) fn call_v2(&self, pos: u64, detailed: bool) -> J {
        let f = self.call_common(pos);
        let cust = f.customer;
        let cr = Resource::Customers;
        let (street, unit, city, state, zip, lat, lon) = self.address_parts(cr, cust);
        let customer = obj! {
            "id" => self.id(cr, cust),
            "active" => true,
            "name" => self.customer_name(cust),
            "email" => self.email(cr, cust),
            "balance" => money(0),
            "doNotMail" => false,
            "address" => obj! {
                "street" => street.clone(), "unit" => unit.unwrap_or_default(), "country" => "USA",
                "city" => city, "state" => state, "zip" => zip, "streetAddress" => street,
                "latitude" => J::Float(lat), "longitude" => J::Float(lon),
            },
            "importId" => "",
            "doNotService" => false,
            "type" => if self.customer_commercial(cust) { "Commercial" } else { "Residential" },
            "contacts" => J::Arr(vec![obj! {
                "id" => self.id(cr, cust) * 10, "type" => "Phone", "value" => self.phone(cr, cust, 300),
                "memo" => "", "active" => true, "modifiedOn" => time::format(self.modified(cr, cust)),
            }]),
            "mergedToId" => J::Null,
            "modifiedOn" => time::format(self.modified(cr, cust)),
            "memberships" => J::Arr(vec![]),
            "hasActiveMembership" => false,
            "customFields" => J::Arr(vec![]),
            "createdOn" => time::format(self.created(cr, cust)),
            "createdBy" => J::Null,
            "phoneSettings" => J::Arr(vec![obj! {"phoneNumber" => self.phone(cr, cust, 300), "doNotText" => false}]),
        };
        let bur = Resource::BusinessUnits;
        let bu_name = self.business_unit_name(f.bu);
        let (bstreet, bunit, bcity, bstate, bzip, _, _) = self.address_parts(bur, f.bu);
        let business_unit = obj! {
            "id" => self.id(bur, f.bu),
            "active" => true,
            "name" => bu_name.clone(),
            "officialName" => format!("{bu_name} LLC"),
            "email" => format!("bu{}@example.com", f.bu),
            "currency" => "USD",
            "phoneNumber" => self.phone(bur, f.bu, 200),
            "invoiceHeader" => "",
            "invoiceMessage" => "<p>Thank you for your business!</p>",
            "defaultTaxRate" => J::Dec(825, 4),
            "authorizationParagraph" => "",
            "acknowledgementParagraph" => "",
            "address" => obj! {"street" => bstreet, "unit" => bunit.unwrap_or_default(), "city" => bcity, "state" => bstate, "zip" => bzip, "country" => "USA"},
            "materialSku" => "",
            "quickbooksClass" => "",
            "accountCode" => format!("BU{:03}", f.bu),
            "franchiseId" => "",
            "conceptCode" => "",
            "corporateContractNumber" => "",
            "tenant" => obj! {
                "id" => self.tenant, "name" => format!("Mock Tenant {}", self.tenant),
                "quickbooksClass" => "", "accountCode" => "", "franchiseId" => "", "conceptCode" => "",
                "modifiedOn" => time::format(DATA_START),
            },
            "modifiedOn" => time::format(self.modified(bur, f.bu)),
        };
        let mut lead_call = obj! {
            "id" => f.id,
            "sid" => format!("CA{:032x}", f.id),
            "tags" => J::Arr(vec![]),
            "receivedOn" => time::format(f.created),
            "duration" => f.duration.clone(),
            "from" => f.from.clone(),
            "to" => f.to.clone(),
            "direction" => f.direction,
            "callType" => f.call_type,
            "reason" => obj! {"id" => REASON_ID + f.reason as i64, "name" => CALL_REASONS[f.reason as usize], "lead" => f.reason == 0 || f.reason == 3, "active" => true},
            "recordingUrl" => self.recording_url(f.id),
            "voiceMailUrl" => "",
            "createdBy" => obj! {"id" => USER_ID, "name" => "System"},
            "customer" => customer,
            "campaign" => obj! {
                "id" => f.campaign, "name" => Self::campaign_name(f.campaign),
                "modifiedOn" => time::format(DATA_START), "createdOn" => time::format(DATA_START),
                "active" => true, "isDefaultCampaign" => false, "category" => J::Null,
                "source" => J::Null, "otherSource" => J::Null, "businessUnit" => J::Null,
                "medium" => J::Null, "otherMedium" => J::Null, "dnis" => J::Null,
            },
            "modifiedOn" => time::format(f.modified),
            "agent" => obj! {"id" => self.id(Resource::Employees, f.agent), "name" => self.person_name(Resource::Employees, f.agent), "externalId" => J::Null},
        };
        if !detailed {
            lead_call.set("createdOn", J::s(time::format(f.created)));
            lead_call.set("active", J::Bool(true));
        }
        obj! {
            "id" => f.id,
            "jobNumber" => f.job_number,
            "projectId" => 0i64,
            "businessUnit" => business_unit,
            "type" => obj! {"id" => self.id(Resource::JobTypes, f.job_type), "name" => self.job_type_name(f.job_type), "modifiedOn" => time::format(DATA_START)},
            "leadCall" => lead_call,
        }
    }

    fn assignment(&self, pos: u64) -> J {
        let r = Resource::AppointmentAssignments;
        let appt = self.scaled(r, pos, Resource::Appointments);
        let job = self.scaled(Resource::Appointments, appt, Resource::Jobs);
        let tech = self.any_pos(r, pos, 240, Resource::Technicians);
        obj! {
            "id" => self.id(r, pos),
            "technicianId" => self.id(Resource::Technicians, tech),
            "technicianName" => self.person_name(Resource::Technicians, tech),
            "assignedById" => self.user_id(r, pos, 241),
            "assignedOn" => time::format(self.created(r, pos)),
            "status" => match self.job_status(job) {
                "Completed" | "Canceled" => "Done",
                "Dispatched" => "Dispatched",
                "InProgress" => "Working",
                _ => "Scheduled",
            },
            "isPaused" => false,
            "jobId" => self.id(Resource::Jobs, job),
            "appointmentId" => self.id(Resource::Appointments, appt),
            "modifiedOn" => time::format(self.modified(r, pos)),
            "active" => true,
            "createdOn" => time::format(self.created(r, pos)),
        }
    }
}

struct CallFacts {
    id: i64,
    created: i64,
    modified: i64,
    job_number: String,
    bu: u64,
    job_type: u64,
    reason: u64,
    call_type: &'static str,
    direction: &'static str,
    duration: String,
    customer: u64,
    campaign: i64,
    agent: u64,
    from: String,
    to: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gen(n: u64) -> Gen {
        Gen::new(7, 1000001, [n; 16], false, "http://x".into())
    }

    #[test]
    fn timeline_is_monotonic_and_in_range() {
        for n in [1u64, 3, 1000, 1_000_000] {
            let g = gen(n);
            let mut prev = i64::MIN;
            let probe: Vec<u64> = if n <= 1000 {
                (0..n).collect()
            } else {
                (0..2000).chain(n - 2000..n).collect()
            };
            for pos in probe {
                let c = g.created(Resource::Jobs, pos);
                let m = g.modified(Resource::Jobs, pos);
                assert!(c >= DATA_START && m < DATA_END, "n={n} pos={pos}");
                assert!(c <= m && prev < c, "n={n} pos={pos}");
                prev = m;
            }
        }
    }

    #[test]
    fn records_are_deterministic() {
        let a = gen(100).record(Resource::Invoices, 42, false).to_bytes();
        let b = gen(100).record(Resource::Invoices, 42, false).to_bytes();
        assert_eq!(a, b);
        for r in Resource::ALL {
            let bytes = gen(10).record(r, 3, true).to_bytes();
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert!(v["id"].is_i64(), "{r}");
        }
        let children: u64 = (0..100)
            .map(|p| {
                let c = gen(100).children(Resource::Jobs, p, Resource::Appointments);
                c.end - c.start
            })
            .sum();
        assert_eq!(children, 100);
    }
}
