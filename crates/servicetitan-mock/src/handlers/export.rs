//! Exports: a resource's records in `(modifiedOn, id)` order, a page at a time, each page with
//! an opaque continuation token for the next (`from`), which may also be a date-time to start at.

use std::io::Write as _;

use crate::base64::{base64url, unbase64url};
use crate::json::write_str;
use crate::params::Query;
use crate::problem::{ApiError, ApiResult};
use crate::reply::json;
use crate::time;
use crate::Resource;

use super::Call;

const TOKEN_VERSION: u8 = 1;

/// An opaque continuation token for the export position `(modifiedOn, id)`.
fn encode_token(pos: (i64, i64)) -> String {
    let mut bytes = Vec::with_capacity(18);
    bytes.push(TOKEN_VERSION);
    bytes.extend_from_slice(&pos.0.to_be_bytes());
    bytes.extend_from_slice(&pos.1.to_be_bytes());
    let check = bytes.iter().fold(0x5au8, |a, b| a.rotate_left(1) ^ b);
    bytes.push(check);
    base64url(&bytes)
}

/// The position a continuation token stands for, or `None` if it is not one of ours.
fn decode_token(s: &str) -> Option<(i64, i64)> {
    let bytes = unbase64url(s)?;
    if bytes.len() != 18 || bytes[0] != TOKEN_VERSION {
        return None;
    }
    let check = bytes[..17].iter().fold(0x5au8, |a, b| a.rotate_left(1) ^ b);
    if check != bytes[17] {
        return None;
    }
    let m = i64::from_be_bytes(bytes[1..9].try_into().ok()?);
    let id = i64::from_be_bytes(bytes[9..17].try_into().ok()?);
    Some((m, id))
}

/// A page of `r`'s export.
pub(crate) fn export(c: &Call, r: Resource) -> ApiResult {
    let (s, t) = (c.shared, c.tenant);
    let q = Query::parse(c.query);
    q.bool("includeRecentChanges")?;
    let after = match q.get("from") {
        None => (i64::MIN, i64::MIN),
        Some(v) => {
            let looks_like_date =
                v.len() >= 10 && v.as_bytes()[4] == b'-' && v.as_bytes()[7] == b'-';
            if looks_like_date {
                let t = time::parse(v).ok_or_else(|| {
                    ApiError::bad_param(
                        "from",
                        format!("{v:?} is not a valid date-time or continuation token."),
                    )
                })?;
                (t, i64::MIN)
            } else {
                decode_token(v).ok_or_else(|| {
                    ApiError::bad_param(
                        "from",
                        format!(
                            "{v:?} is not a continuation token from this export (nor a date-time)."
                        ),
                    )
                })?
            }
        }
    };
    let page = t.data().export(&t.gen, r, after, s.cfg.export_page_size);
    let mut out = Vec::with_capacity(4096);
    let _ = write!(out, "{{\"hasMore\":{},\"continueFrom\":", page.has_more);
    write_str(&encode_token(page.last), &mut out);
    out.extend_from_slice(b",\"data\":[");
    for (i, item) in page.items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        item.render(&t.gen, r, true).write(&mut out);
    }
    out.extend_from_slice(b"]}");
    Ok(json(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        for pos in [
            (i64::MIN, i64::MIN),
            (0, 0),
            (1234567890123, 10000042),
            (-5, i64::MAX),
        ] {
            let t = encode_token(pos);
            assert_eq!(decode_token(&t), Some(pos), "{t}");
        }
        assert_eq!(decode_token("garbage"), None);
        let mut t = encode_token((1, 2)).into_bytes();
        t[3] = if t[3] == b'A' { b'B' } else { b'A' };
        assert_eq!(decode_token(std::str::from_utf8(&t).unwrap()), None);
    }
}
