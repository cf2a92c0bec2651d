//! Instants as 100-nanosecond ticks since the Unix epoch (UTC), printed with seven fractional
//! digits like the real API (`2024-03-05T14:22:11.1234567Z`).

use std::time::{SystemTime, UNIX_EPOCH};

/// Ticks in one second.
pub(crate) const TICKS_PER_SEC: i64 = 10_000_000;
/// Ticks in one day.
pub(crate) const TICKS_PER_DAY: i64 = 86_400 * TICKS_PER_SEC;

/// 2023-01-01T00:00:00Z, where generated data starts.
pub(crate) const DATA_START: i64 = 19_358 * TICKS_PER_DAY;
/// 2026-01-01T00:00:00Z, where generated data ends (exclusive).
pub(crate) const DATA_END: i64 = 20_454 * TICKS_PER_DAY;

/// The wall clock as ticks.
pub(crate) fn now_ticks() -> i64 {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    d.as_secs() as i64 * TICKS_PER_SEC + i64::from(d.subsec_nanos() / 100)
}

pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `2024-03-05T14:22:11.1234567Z`.
pub(crate) fn format(ticks: i64) -> String {
    let days = ticks.div_euclid(TICKS_PER_DAY);
    let rem = ticks.rem_euclid(TICKS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    let secs = rem / TICKS_PER_SEC;
    let frac = rem % TICKS_PER_SEC;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{frac:07}Z",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

/// `2024-03-05`.
pub(crate) fn format_date(ticks: i64) -> String {
    let (y, m, d) = civil_from_days(ticks.div_euclid(TICKS_PER_DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parses an ISO 8601 / RFC 3339 date or date-time; no offset means UTC. A `+` that a query
/// string turned into a space is accepted as `+`.
pub(crate) fn parse(s: &str) -> Option<i64> {
    let s = s.trim_start();
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.is_empty() || !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = num(0..4)?;
    let mo = num(5..7)? as u32;
    let d = num(8..10)? as u32;
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let mut ticks = days_from_civil(y, mo, d) * TICKS_PER_DAY;
    let mut i = 10;
    if i == b.len() {
        return Some(ticks);
    }
    if b[i] != b'T' && b[i] != b't' && b[i] != b' ' {
        return None;
    }
    i += 1;
    let h = num(i..i + 2)?;
    if b.get(i + 2) != Some(&b':') {
        return None;
    }
    let mi = num(i + 3..i + 5)?;
    i += 5;
    let mut sec = 0;
    if b.get(i) == Some(&b':') {
        sec = num(i + 1..i + 3)?;
        i += 3;
    }
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    ticks += (h * 3600 + mi * 60 + sec) * TICKS_PER_SEC;
    if b.get(i) == Some(&b'.') || b.get(i) == Some(&b',') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
        let digits = &s[start..i];
        let mut frac: i64 = 0;
        for (n, c) in digits.bytes().take(7).enumerate() {
            frac += i64::from(c - b'0') * 10i64.pow(6 - n as u32);
        }
        ticks += frac;
    }
    match b.get(i) {
        None => Some(ticks),
        Some(b'Z') | Some(b'z') if i + 1 == b.len() => Some(ticks),
        Some(&c) if c == b'+' || c == b'-' || c == b' ' => {
            let sign = if c == b'-' { -1 } else { 1 };
            let rest = &s[i + 1..];
            let (oh, om) = match rest.len() {
                5 if rest.as_bytes()[2] == b':' => (num(i + 1..i + 3)?, num(i + 4..i + 6)?),
                4 => (num(i + 1..i + 3)?, num(i + 3..i + 5)?),
                2 => (num(i + 1..i + 3)?, 0),
                _ => return None,
            };
            Some(ticks - sign * (oh * 3600 + om * 60) * TICKS_PER_SEC)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(format(DATA_START), "2023-01-01T00:00:00.0000000Z");
        assert_eq!(format(DATA_END), "2026-01-01T00:00:00.0000000Z");
        let t = parse("2024-02-29T13:14:15.1234567Z").unwrap();
        assert_eq!(format(t), "2024-02-29T13:14:15.1234567Z");
        assert_eq!(parse("2024-02-29"), parse("2024-02-29T00:00:00Z"));
        assert_eq!(
            parse("2024-02-29T02:00:00+02:00"),
            parse("2024-02-29T00:00:00Z")
        );
        assert_eq!(
            parse("2024-02-29T02:00:00 02:00"),
            parse("2024-02-29T00:00:00Z")
        );
        assert_eq!(
            parse("2024-02-28T20:00:00-04:00"),
            parse("2024-02-29T00:00:00")
        );
        assert_eq!(parse("2024-02-29T00:00"), parse("2024-02-29"));
        assert!(parse("yesterday").is_none());
        assert!(parse("2024-13-01").is_none());
        assert_eq!(format_date(t), "2024-02-29");
    }
}
