//! Lenient value types the generated models use for `date-time`, `date` and `decimal` fields.
//!
//! The API's documents say RFC 3339, but the server sends times with seven fractional digits
//! and often without an offset (they are UTC), and money as JSON numbers whose written form
//! matters to accountants (`1234.10`). These types accept what the server really sends and
//! write back what they read.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// A point in time, always UTC. Parses RFC 3339 with any number of fractional digits, and
/// offset-less times (taken as UTC, which is what the API means by them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(pub chrono::DateTime<Utc>);

/// Why a date, time or decimal could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseValueError {
    kind: &'static str,
    input: String,
}

impl fmt::Display for ParseValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a valid {}", self.input, self.kind)
    }
}

impl std::error::Error for ParseValueError {}

impl DateTime {
    /// The current time.
    pub fn now() -> Self {
        DateTime(Utc::now())
    }

    /// The wrapped chrono value.
    pub fn into_inner(self) -> chrono::DateTime<Utc> {
        self.0
    }
}

impl FromStr for DateTime {
    type Err = ParseValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseValueError {
            kind: "date-time",
            input: s.to_string(),
        };
        let s = s.trim();
        // The usual forms first: `...Z`/`+hh:mm` (RFC 3339) or no offset at all.
        let has_offset =
            s.ends_with(['Z', 'z']) || s.get(19..).is_some_and(|t| t.contains(['+', '-']));
        if has_offset {
            if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
                return Ok(DateTime(t.with_timezone(&Utc)));
            }
        }
        // No offset: the API's times are UTC. Fractions of any length are accepted.
        for fmt in [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
        ] {
            if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
                return Ok(DateTime(Utc.from_utc_datetime(&t)));
            }
        }
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Ok(DateTime(
                Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).ok_or_else(err)?),
            ));
        }
        Err(err())
    }
}

impl fmt::Display for DateTime {
    /// RFC 3339 in UTC with the fraction the value has, trailing zeros dropped
    /// (`2024-03-01T12:30:45.1234567Z`, `2024-03-01T12:30:45Z`), as the API writes times.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%dT%H:%M:%S"))?;
        let nanos = self.0.timestamp_subsec_nanos();
        if nanos > 0 {
            let digits = format!("{nanos:09}");
            write!(f, ".{}", digits.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(t: chrono::DateTime<Utc>) -> Self {
        DateTime(t)
    }
}

impl From<DateTime> for chrono::DateTime<Utc> {
    fn from(t: DateTime) -> Self {
        t.0
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Parses strings without allocating: pages hold thousands of times.
struct ParseStr<T>(std::marker::PhantomData<T>);

impl<T> de::Visitor<'_> for ParseStr<T>
where
    T: FromStr<Err = ParseValueError>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date or date-time string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(ParseStr(std::marker::PhantomData))
    }
}

/// A calendar date. Also accepts a date-time (the server sometimes sends midnight times for
/// date fields) and keeps its date part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl FromStr for Date {
    type Err = ParseValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            return Ok(Date(d));
        }
        t.parse::<DateTime>()
            .map(|dt| Date(dt.0.date_naive()))
            .map_err(|_| ParseValueError {
                kind: "date",
                input: s.to_string(),
            })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date(d)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(ParseStr(std::marker::PhantomData))
    }
}

/// An exact decimal (money, quantities) that keeps its written scale: `1234.10` reads and
/// writes as `1234.10`, never through a binary float.
///
/// Read directly from JSON text (numbers or strings); see [`Decimal::value`] for arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Decimal(pub rust_decimal::Decimal);

impl Decimal {
    /// The numeric value, for arithmetic.
    pub fn value(&self) -> rust_decimal::Decimal {
        self.0
    }
}

impl FromStr for Decimal {
    type Err = ParseValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        rust_decimal::Decimal::from_str_exact(t)
            .or_else(|_| rust_decimal::Decimal::from_scientific(t))
            .map(Decimal)
            .map_err(|_| ParseValueError {
                kind: "decimal",
                input: s.to_string(),
            })
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<rust_decimal::Decimal> for Decimal {
    fn from(d: rust_decimal::Decimal) -> Self {
        Decimal(d)
    }
}

impl From<i64> for Decimal {
    fn from(v: i64) -> Self {
        Decimal(v.into())
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // A raw JSON number keeps the scale; serde_json writes RawValue text as it is.
        let raw = serde_json::value::RawValue::from_string(self.0.to_string())
            .map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // RawValue hands over the number's exact text when reading from serde_json.
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        let text = raw.get();
        let text = text
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .unwrap_or(text);
        text.parse().map_err(de::Error::custom)
    }
}

/// A decimal sent in a query string (`totalGreater=1234.10`): written as its text. (In JSON
/// bodies [`Decimal`] writes a raw number, which query serializers cannot take.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DecimalParam(pub Decimal);

impl Serialize for DecimalParam {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DecimalParam {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Decimal::deserialize(d).map(DecimalParam)
    }
}

impl fmt::Display for DecimalParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for DecimalParam {
    type Err = ParseValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(DecimalParam)
    }
}

impl TryFrom<&str> for DecimalParam {
    type Error = ParseValueError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Decimal> for DecimalParam {
    fn from(d: Decimal) -> Self {
        DecimalParam(d)
    }
}

impl From<rust_decimal::Decimal> for DecimalParam {
    fn from(d: rust_decimal::Decimal) -> Self {
        DecimalParam(Decimal(d))
    }
}

impl From<i64> for DecimalParam {
    fn from(v: i64) -> Self {
        DecimalParam(Decimal::from(v))
    }
}

/// A list of objects in a query string, written the way ASP.NET binds them
/// (`owners[0].type=Job&owners[0].id=42`): the generator uses it for query parameters that are
/// arrays of objects, which form encoding cannot express.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct IndexedObjects {
    name: String,
    items: Vec<serde_json::Map<String, serde_json::Value>>,
}

impl IndexedObjects {
    /// `name` is the parameter's wire name (`owners`); each item must serialize to an object.
    pub fn new<T: Serialize>(
        name: impl Into<String>,
        items: impl IntoIterator<Item = T>,
    ) -> Result<Self, serde_json::Error> {
        let items = items
            .into_iter()
            .map(|item| match serde_json::to_value(item)? {
                serde_json::Value::Object(map) => Ok(map),
                other => Err(de::Error::custom(format!(
                    "query list items must be objects, not {other}"
                ))),
            })
            .collect::<Result<_, serde_json::Error>>()?;
        Ok(IndexedObjects {
            name: name.into(),
            items,
        })
    }
}

impl Serialize for IndexedObjects {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        for (i, item) in self.items.iter().enumerate() {
            for (field, value) in item {
                let text = match value {
                    serde_json::Value::Null => continue,
                    serde_json::Value::String(t) => t.clone(),
                    other => other.to_string(),
                };
                map.serialize_entry(&format!("{}[{i}].{field}", self.name), &text)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absent_patch_that_is_not_left_out_is_an_error_not_a_null() {
        let err = serde_json::to_string(&vec![Patch::<i32>::Absent]).unwrap_err();
        assert!(err.to_string().contains("is_absent"), "{err}");
        assert_eq!(
            serde_json::to_string(&vec![Patch::Null, Patch::Set(3)]).unwrap(),
            "[null,3]"
        );
    }

    #[test]
    fn date_times_with_seven_digits_and_without_offset() {
        let a: DateTime = "2024-03-01T12:30:45.1234567Z".parse().unwrap();
        let b: DateTime = "2024-03-01T12:30:45.1234567".parse().unwrap();
        assert_eq!(a, b);
        assert_eq!(a.0.timestamp_subsec_nanos(), 123_456_700);
        let c: DateTime = "2024-03-01T14:30:45+02:00".parse().unwrap();
        assert_eq!(c.to_string(), "2024-03-01T12:30:45Z");
        assert_eq!(a.to_string(), "2024-03-01T12:30:45.1234567Z");
        assert!("yesterday".parse::<DateTime>().is_err());
    }

    #[test]
    fn decimal_keeps_its_scale() {
        let d: Decimal = serde_json::from_str("1234.10").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "1234.10");
        let s: Decimal = serde_json::from_str("\"0.005\"").unwrap();
        assert_eq!(s.to_string(), "0.005");
        let big: Decimal = serde_json::from_str("12345678901234.5678").unwrap();
        assert_eq!(serde_json::to_string(&big).unwrap(), "12345678901234.5678");
        assert!(serde_json::from_str::<Decimal>("\"abc\"").is_err());
    }

    #[test]
    fn indexed_objects_are_written_with_index_and_field() {
        let owners = IndexedObjects::new(
            "owners",
            [
                serde_json::json!({"type": "Job", "id": 42}),
                serde_json::json!({"type": "Customer", "id": 7}),
            ],
        )
        .unwrap();
        let v = serde_json::to_value(&owners).unwrap();
        assert_eq!(v["owners[0].type"], "Job");
        assert_eq!(v["owners[0].id"], "42");
        assert_eq!(v["owners[1].type"], "Customer");
        assert!(IndexedObjects::new("x", [1, 2]).is_err());
    }

    #[test]
    fn decimal_params_are_plain_text_in_query_strings() {
        let p: DecimalParam = "1234.10".parse().unwrap();
        let query = serde_urlencoded_like(&p);
        assert_eq!(query, "1234.10");
    }

    /// What a query-string serializer receives: a string, not a raw JSON struct.
    fn serde_urlencoded_like(p: &DecimalParam) -> String {
        serde_json::to_value(p)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn dates_accept_midnight_times() {
        let d: Date = serde_json::from_str("\"2024-03-01T00:00:00\"").unwrap();
        assert_eq!(d.to_string(), "2024-03-01");
    }
}

/// One field of a PATCH-style update: leave it as it is, clear it, or set it.
///
/// `Option` has only two states, and the generated models skip `None` fields, so an update
/// could never send `null`. Fields of update requests are `Patch` instead:
///
/// ```
/// use servicetitan_core::types::Patch;
///
/// #[derive(serde::Serialize)]
/// struct Update {
///     #[serde(default, skip_serializing_if = "Patch::is_absent")]
///     summary: Patch<String>,
///     #[serde(default, skip_serializing_if = "Patch::is_absent")]
///     po_number: Patch<String>,
///     #[serde(default, skip_serializing_if = "Patch::is_absent")]
///     priority: Patch<String>,
/// }
///
/// let update = Update {
///     summary: "Replace the filter".to_string().into(), // set
///     po_number: Patch::Null,                         // clear
///     priority: Patch::Absent,                        // unchanged
/// };
/// assert_eq!(
///     serde_json::to_string(&update).unwrap(),
///     r#"{"summary":"Replace the filter","po_number":null}"#
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    /// Not sent: the server keeps the field's value.
    #[default]
    Absent,
    /// Sent as `null`: the server clears the field.
    Null,
    /// Sent with this value.
    Set(T),
}

impl<T> Patch<T> {
    /// Whether the field is left out of the request (for `skip_serializing_if`).
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::Set(value)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Only reached when a container does not skip absent fields; writing `null` would
            // clear the field on the server, the opposite of "leave it".
            Patch::Absent => Err(serde::ser::Error::custom(
                "a Patch::Absent field must be left out: skip_serializing_if = \"Patch::is_absent\"",
            )),
            Patch::Null => serializer.serialize_none(),
            Patch::Set(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// A present `null` is [`Patch::Null`]; an absent field needs `#[serde(default)]` on the
    /// field to become [`Patch::Absent`].
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Patch::Set(value),
            None => Patch::Null,
        })
    }
}
