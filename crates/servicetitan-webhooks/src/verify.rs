//! HMAC-SHA256 signatures: checking a delivery, and signing one (for tests and `send`).

use std::fmt;

use axum::http::{HeaderMap, HeaderName};
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use servicetitan_core::Secret;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The header a signature is read from unless told otherwise.
///
/// ServiceTitan's public documents do not name the header; this is the name integrations in
/// the wild read. Change it with [`Verifier::with_header`] if your deliveries use another.
pub const DEFAULT_SIGNATURE_HEADER: &str = "X-ServiceTitan-Signature";

/// The fewest characters a key may have (the developer portal's lower bound).
pub const MIN_KEY_LEN: usize = 32;
/// The most characters a key may have (the developer portal's upper bound).
pub const MAX_KEY_LEN: usize = 64;

/// The length of an HMAC-SHA256 digest in bytes.
const DIGEST_LEN: usize = 32;

/// A key that cannot be used: its length is outside 32 to 64 characters. The message gives
/// the length, never the key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "the webhook HMAC key has {chars} characters; ServiceTitan's keys have {MIN_KEY_LEN} to \
     {MAX_KEY_LEN} (check for a truncated value or a stray newline)"
)]
pub struct KeyLengthError {
    /// The key's length in characters.
    pub chars: usize,
}

/// A header name that cannot be used (not a valid HTTP header name).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{name:?} is not a valid HTTP header name")]
pub struct HeaderNameError {
    /// The name as given.
    pub name: String,
}

/// Why a delivery's signature was refused. Each variant names the check that failed; no
/// message contains the key or the digest the body should have had.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The request has no signature header (or the header is empty).
    #[error(
        "missing signature: the request has no {header} header (is an HMAC key set for this \
         app in the developer portal, and does the sender use this header name?)"
    )]
    MissingHeader {
        /// The header that was looked for.
        header: String,
    },
    /// The signature is neither hex nor base64.
    #[error(
        "undecodable signature: the {header} value ({len} characters after any `sha256=` \
         prefix) is neither hex nor base64"
    )]
    Undecodable {
        /// Where the signature came from.
        header: String,
        /// Its length in characters, after the optional prefix.
        len: usize,
    },
    /// The signature decodes, but not to the 32 bytes of an HMAC-SHA256.
    #[error(
        "wrong signature length: the {header} value decodes ({encoding}) to {bytes} bytes; an \
         HMAC-SHA256 has 32"
    )]
    WrongLength {
        /// Where the signature came from.
        header: String,
        /// The encoding it was decoded as.
        encoding: Encoding,
        /// The decoded length.
        bytes: usize,
    },
    /// The signature is well formed but is not the body's HMAC under this key.
    #[error(
        "signature mismatch: the {header} value ({encoding}) is not the HMAC-SHA256 of this \
         body under the configured key (another key, a changed body, or a proxy that \
         re-encoded it)"
    )]
    Mismatch {
        /// Where the signature came from.
        header: String,
        /// The encoding it was decoded as.
        encoding: Encoding,
    },
}

/// How a signature was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Lowercase or uppercase hexadecimal, 64 characters.
    Hex,
    /// Standard base64 (`+`, `/`), with or without padding.
    Base64,
    /// URL-safe base64 (`-`, `_`), with or without padding.
    Base64Url,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Hex => "hex",
            Encoding::Base64 => "base64",
            Encoding::Base64Url => "base64url",
        })
    }
}

/// Checks (and makes) HMAC-SHA256 signatures of webhook bodies.
///
/// The key is held as a [`Secret`]: `{:?}` of a verifier shows `Secret(***)`.
///
/// ```
/// use servicetitan_webhooks::Verifier;
///
/// let v = Verifier::new("0123456789abcdef0123456789abcdef").unwrap();
/// let body = br#"{"eventType":"Job.Created"}"#;
/// let sig = v.sign_hex(body);
/// assert!(v.verify_signature(&format!("sha256={sig}"), body).is_ok());
/// assert!(v.verify_signature(&sig, b"{}").is_err());
/// ```
#[derive(Clone)]
pub struct Verifier {
    key: Secret,
    header: HeaderName,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("key", &self.key)
            .field("header", &self.header)
            .finish()
    }
}

impl Verifier {
    /// A verifier for `key` (32 to 64 characters, used as its UTF-8 bytes), reading the
    /// signature from [`DEFAULT_SIGNATURE_HEADER`].
    pub fn new(key: impl Into<Secret>) -> Result<Verifier, KeyLengthError> {
        let key = key.into();
        let chars = key.expose().chars().count();
        if !(MIN_KEY_LEN..=MAX_KEY_LEN).contains(&chars) {
            return Err(KeyLengthError { chars });
        }
        Ok(Verifier {
            key,
            header: HeaderName::from_static("x-servicetitan-signature"),
        })
    }

    /// Reads the signature from another header (names are case-insensitive).
    pub fn with_header(mut self, name: &str) -> Result<Verifier, HeaderNameError> {
        self.header =
            HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| HeaderNameError {
                name: name.to_string(),
            })?;
        Ok(self)
    }

    /// The header the signature is read from (lowercase).
    pub fn header(&self) -> &HeaderName {
        &self.header
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes keys of any length; the length was checked in `new`.
        HmacSha256::new_from_slice(self.key.expose().as_bytes()).expect("HMAC takes any key")
    }

    /// The body's HMAC-SHA256 under the key, as raw bytes.
    fn digest(&self, body: &[u8]) -> [u8; DIGEST_LEN] {
        let mut mac = self.mac();
        mac.update(body);
        mac.finalize().into_bytes().into()
    }

    /// The body's signature as lowercase hex (what `servicetitan webhooks send` and the mock
    /// tenant send by default).
    pub fn sign_hex(&self, body: &[u8]) -> String {
        to_hex(&self.digest(body))
    }

    /// The body's signature as standard, padded base64.
    pub fn sign_base64(&self, body: &[u8]) -> String {
        STANDARD.encode(self.digest(body))
    }

    /// The body's signature in `encoding`.
    pub fn sign(&self, body: &[u8], encoding: Encoding) -> String {
        match encoding {
            Encoding::Hex => self.sign_hex(body),
            Encoding::Base64 => self.sign_base64(body),
            Encoding::Base64Url => URL_SAFE_NO_PAD.encode(self.digest(body)),
        }
    }

    /// Checks the signature header of a request against its raw body. Only the first value
    /// of the header is read.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Encoding, SignatureError> {
        let name = self.header.as_str();
        let value = headers
            .get(&self.header)
            .map(|v| v.as_bytes())
            .filter(|v| !v.iter().all(u8::is_ascii_whitespace))
            .ok_or_else(|| SignatureError::MissingHeader {
                header: canonical(name),
            })?;
        let value = std::str::from_utf8(value).map_err(|_| SignatureError::Undecodable {
            header: canonical(name),
            len: value.len(),
        })?;
        self.check(value, body, &canonical(name))
    }

    /// Checks a signature given as text (hex or base64, with or without `sha256=`) against
    /// a body; returns the encoding it was written in.
    pub fn verify_signature(
        &self,
        signature: &str,
        body: &[u8],
    ) -> Result<Encoding, SignatureError> {
        if signature.trim().is_empty() {
            return Err(SignatureError::MissingHeader {
                header: canonical(self.header.as_str()),
            });
        }
        self.check(signature, body, "signature")
    }

    fn check(&self, value: &str, body: &[u8], header: &str) -> Result<Encoding, SignatureError> {
        let (encoding, bytes) =
            decode_signature(value).ok_or_else(|| SignatureError::Undecodable {
                header: header.to_string(),
                len: strip_prefix(value).chars().count(),
            })?;
        if bytes.len() != DIGEST_LEN {
            return Err(SignatureError::WrongLength {
                header: header.to_string(),
                encoding,
                bytes: bytes.len(),
            });
        }
        let mut mac = self.mac();
        mac.update(body);
        // Constant-time comparison.
        mac.verify_slice(&bytes)
            .map_err(|_| SignatureError::Mismatch {
                header: header.to_string(),
                encoding,
            })?;
        Ok(encoding)
    }
}

/// The header name with each word capitalized, as people write it in messages.
fn canonical(name: &str) -> String {
    if name.eq_ignore_ascii_case(DEFAULT_SIGNATURE_HEADER) {
        return DEFAULT_SIGNATURE_HEADER.to_string();
    }
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The value without surrounding whitespace and an optional `sha256=` prefix.
fn strip_prefix(value: &str) -> &str {
    let v = value.trim();
    match v.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("sha256=") => v[7..].trim(),
        _ => v,
    }
}

/// Decodes a signature written as hex or base64 (standard or URL-safe, padded or not).
/// Hex wins when the text is 64 hex digits (which is never a 32-byte base64 value).
/// Returns the decoded bytes whatever their length; the caller checks it.
pub fn decode_signature(value: &str) -> Option<(Encoding, Vec<u8>)> {
    let v = strip_prefix(value);
    if v.is_empty() {
        return None;
    }
    let all_hex = v.len().is_multiple_of(2) && v.bytes().all(|b| b.is_ascii_hexdigit());
    if all_hex && v.len() == 2 * DIGEST_LEN {
        return from_hex(v).map(|b| (Encoding::Hex, b));
    }
    let base64 = STANDARD
        .decode(v)
        .or_else(|_| STANDARD_NO_PAD.decode(v))
        .map(|b| (Encoding::Base64, b))
        .or_else(|_| URL_SAFE.decode(v).map(|b| (Encoding::Base64Url, b)))
        .or_else(|_| URL_SAFE_NO_PAD.decode(v).map(|b| (Encoding::Base64Url, b)))
        .ok();
    match base64 {
        Some((e, b)) if b.len() == DIGEST_LEN => Some((e, b)),
        // Of the wrong length either way: hex reads more naturally for hex digits, and
        // then fails the length check with a clear message.
        _ if all_hex => from_hex(v).map(|b| (Encoding::Hex, b)),
        other => other,
    }
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    fn nibble(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    s.as_bytes()
        .chunks(2)
        .map(|p| Some(nibble(p[0])? << 4 | nibble(*p.get(1)?)?))
        .collect()
}

/// Lowercase hex of `bytes`.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_base64_of_the_same_digest_decode_alike() {
        let digest: Vec<u8> = (0u8..32).collect();
        let hex = to_hex(&digest);
        for text in [
            hex.clone(),
            hex.to_uppercase(),
            format!("sha256={hex}"),
            format!("SHA256={}", STANDARD.encode(&digest)),
            STANDARD_NO_PAD.encode(&digest),
            URL_SAFE.encode(&digest),
            URL_SAFE_NO_PAD.encode(&digest),
        ] {
            let (_, bytes) = decode_signature(&text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(bytes, digest, "{text}");
        }
        assert_eq!(decode_signature("not base64 !"), None);
        assert_eq!(decode_signature("sha256="), None);
    }
}
