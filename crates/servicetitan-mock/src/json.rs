//! A small JSON value with ordered keys and exact decimals, written straight to bytes.
//!
//! `serde_json::Value` would sort keys and print `1234.10` as `1234.1`; the real API keeps the
//! schema's key order and prints money with its scale, so records are built with [`J`].

use std::borrow::Cow;

/// A JSON value as the mock stores and writes it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum J {
    Null,
    Bool(bool),
    Int(i64),
    /// A decimal: the units and the number of fractional digits (`Dec(123410, 2)` is `1234.10`).
    Dec(i64, u8),
    Float(f64),
    /// A number kept as the text a client sent.
    RawNum(String),
    Str(Cow<'static, str>),
    Arr(Vec<J>),
    Obj(Vec<(Cow<'static, str>, J)>),
}

impl J {
    /// A string value.
    pub(crate) fn s(v: impl Into<Cow<'static, str>>) -> J {
        J::Str(v.into())
    }

    /// A string or null.
    pub(crate) fn opt_s(v: Option<impl Into<Cow<'static, str>>>) -> J {
        v.map_or(J::Null, |v| J::Str(v.into()))
    }

    /// An integer or null.
    pub(crate) fn opt_i(v: Option<i64>) -> J {
        v.map_or(J::Null, J::Int)
    }

    /// An array of integers.
    pub(crate) fn ints(v: &[i64]) -> J {
        J::Arr(v.iter().copied().map(J::Int).collect())
    }

    /// The field `key` of an object.
    pub(crate) fn get(&self, key: &str) -> Option<&J> {
        match self {
            J::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The field `key` of an object, mutable.
    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut J> {
        match self {
            J::Obj(fields) => fields.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Sets `key` (kept in place when present, appended otherwise).
    pub(crate) fn set(&mut self, key: impl Into<Cow<'static, str>>, value: J) {
        let key = key.into();
        if let J::Obj(fields) = self {
            if let Some(slot) = fields.iter_mut().find(|(k, _)| *k == key) {
                slot.1 = value;
            } else {
                fields.push((key, value));
            }
        }
    }

    /// The value as an integer, when it is one.
    pub(crate) fn as_i64(&self) -> Option<i64> {
        match self {
            J::Int(i) => Some(*i),
            J::RawNum(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// The value as a string slice, when it is a string.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            J::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a boolean, when it is one.
    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self {
            J::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Converts a parsed request body.
    pub(crate) fn from_value(v: &serde_json::Value) -> J {
        use serde_json::Value as V;
        match v {
            V::Null => J::Null,
            V::Bool(b) => J::Bool(*b),
            V::Number(n) => match n.as_i64() {
                Some(i) => J::Int(i),
                None => J::RawNum(n.to_string()),
            },
            V::String(s) => J::Str(Cow::Owned(s.clone())),
            V::Array(a) => J::Arr(a.iter().map(J::from_value).collect()),
            V::Object(o) => J::Obj(
                o.iter()
                    .map(|(k, v)| (Cow::Owned(k.clone()), J::from_value(v)))
                    .collect(),
            ),
        }
    }

    /// Writes the value as compact JSON.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        match self {
            J::Null => out.extend_from_slice(b"null"),
            J::Bool(true) => out.extend_from_slice(b"true"),
            J::Bool(false) => out.extend_from_slice(b"false"),
            J::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
            J::Dec(units, scale) => out.extend_from_slice(dec_text(*units, *scale).as_bytes()),
            J::Float(f) => {
                if f.is_finite() {
                    out.extend_from_slice(f.to_string().as_bytes());
                } else {
                    out.extend_from_slice(b"null");
                }
            }
            J::RawNum(s) => out.extend_from_slice(s.as_bytes()),
            J::Str(s) => write_str(s, out),
            J::Arr(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.write(out);
                }
                out.push(b']');
            }
            J::Obj(fields) => {
                out.push(b'{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_str(k, out);
                    out.push(b':');
                    v.write(out);
                }
                out.push(b'}');
            }
        }
    }

    /// The value as compact JSON text.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        self.write(&mut out);
        out
    }
}

/// Money in hundredths as text with two fractional digits (`-5` is `-0.05`).
pub(crate) fn money_text(cents: i64) -> String {
    dec_text(cents, 2)
}

/// A decimal as text with exactly `scale` fractional digits.
pub(crate) fn dec_text(units: i64, scale: u8) -> String {
    let sign = if units < 0 { "-" } else { "" };
    let abs = units.unsigned_abs();
    if scale == 0 {
        return format!("{sign}{abs}");
    }
    let p = 10u64.pow(u32::from(scale));
    format!(
        "{sign}{}.{:0width$}",
        abs / p,
        abs % p,
        width = usize::from(scale)
    )
}

/// Parses a plain decimal as written (`-?digits[.digits]`, no exponent) into units and scale:
/// `150.50` is `(15050, 2)`, so [`dec_text`] gives back the same text. `None` for any other
/// text, more than 18 fractional digits or a value beyond `i64` units.
pub(crate) fn parse_dec(s: &str) -> Option<(i64, u8)> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) if !f.is_empty() => (i, f),
        Some(_) => return None,
        None => (body, ""),
    };
    if int.is_empty() || frac.len() > 18 {
        return None;
    }
    let mut units: i64 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        units = units.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
    }
    Some((if neg { -units } else { units }, frac.len() as u8))
}

/// `units` at `scale` written with `to` fractional digits (`to >= scale`), if it fits.
pub(crate) fn rescale(units: i64, scale: u8, to: u8) -> Option<i64> {
    10i64
        .checked_pow(u32::from(to.checked_sub(scale)?))
        .and_then(|p| units.checked_mul(p))
}

/// Money in hundredths as a JSON number with two fractional digits.
pub(crate) fn money(cents: i64) -> J {
    J::Dec(cents, 2)
}

/// Writes a JSON string literal with the escapes JSON requires.
pub(crate) fn write_str(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            0..=0x1f => None,
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        match esc {
            Some(e) => out.extend_from_slice(e),
            None => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Builds a [`J::Obj`] from `"key" => value` pairs, keeping their order.
macro_rules! obj {
    ($($k:literal => $v:expr),* $(,)?) => {
        $crate::json::J::Obj(vec![$((::std::borrow::Cow::Borrowed($k), $crate::json::J::from($v))),*])
    };
}
pub(crate) use obj;

impl From<i64> for J {
    fn from(v: i64) -> J {
        J::Int(v)
    }
}
impl From<i32> for J {
    fn from(v: i32) -> J {
        J::Int(i64::from(v))
    }
}
impl From<u32> for J {
    fn from(v: u32) -> J {
        J::Int(i64::from(v))
    }
}
impl From<bool> for J {
    fn from(v: bool) -> J {
        J::Bool(v)
    }
}
impl From<&'static str> for J {
    fn from(v: &'static str) -> J {
        J::Str(Cow::Borrowed(v))
    }
}
impl From<String> for J {
    fn from(v: String) -> J {
        J::Str(Cow::Owned(v))
    }
}
impl From<Option<i64>> for J {
    fn from(v: Option<i64>) -> J {
        J::opt_i(v)
    }
}
impl From<Option<String>> for J {
    fn from(v: Option<String>) -> J {
        J::opt_s(v)
    }
}
impl From<Option<&'static str>> for J {
    fn from(v: Option<&'static str>) -> J {
        J::opt_s(v)
    }
}
impl From<Vec<J>> for J {
    fn from(v: Vec<J>) -> J {
        J::Arr(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_ordered_keys_and_money() {
        let v = obj! {"b" => 1i64, "a" => money(123410), "s" => "q\"\n\u{1}", "n" => J::Null};
        assert_eq!(
            String::from_utf8(v.to_bytes()).unwrap(),
            r#"{"b":1,"a":1234.10,"s":"q\"\n\u0001","n":null}"#
        );
        assert_eq!(money_text(-5), "-0.05");
        assert_eq!(dec_text(825, 4), "0.0825");
        for text in ["150.50", "-0.05", "7", "0.125", "12345678.000000001"] {
            let (units, scale) = parse_dec(text).unwrap();
            assert_eq!(dec_text(units, scale), text);
        }
        for text in [
            "",
            "-",
            "1.",
            ".5",
            "1e2",
            "1.5E-3",
            "+1",
            "1,5",
            "99999999999999999999",
        ] {
            assert_eq!(parse_dec(text), None, "{text}");
        }
        assert_eq!(rescale(1005, 1, 3), Some(100_500));
        assert_eq!(rescale(1005, 3, 1), None);
        let parsed: serde_json::Value = serde_json::from_slice(&v.to_bytes()).unwrap();
        assert_eq!(parsed["a"], serde_json::json!(1234.1));
    }
}
