use axum::http::{HeaderMap, HeaderValue};
use base64::Engine as _;
use servicetitan_webhooks::{Encoding, SignatureError, Verifier, DEFAULT_SIGNATURE_HEADER};

use crate::KEY;

const BODY: &[u8] = br#"{"eventId":"e-1","eventType":"Job.Created","data":{"id":12345678901234567890,"total":1234.10}}"#;

fn headers(name: &str, value: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
        HeaderValue::from_str(value).unwrap(),
    );
    h
}

/// An HMAC-SHA256 computed independently of the crate (RFC 2104 over sha2).
fn reference_hmac(key: &[u8], body: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut k = [0u8; 64];
    k[..key.len()].copy_from_slice(key);
    let inner: Vec<u8> = k
        .iter()
        .map(|b| b ^ 0x36)
        .chain(body.iter().copied())
        .collect();
    let inner = Sha256::digest(&inner);
    let outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).chain(inner).collect();
    Sha256::digest(&outer).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn valid_signatures_pass_in_every_accepted_spelling() {
    let v = Verifier::new(KEY).unwrap();
    let digest = reference_hmac(KEY.as_bytes(), BODY);
    assert_eq!(
        v.sign_hex(BODY),
        hex(&digest),
        "the crate's HMAC is HMAC-SHA256"
    );
    let b64 = base64::engine::general_purpose::STANDARD;
    let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    for (text, encoding) in [
        (hex(&digest), Encoding::Hex),
        (hex(&digest).to_uppercase(), Encoding::Hex),
        (format!("sha256={}", hex(&digest)), Encoding::Hex),
        (format!(" SHA256={} ", b64.encode(digest)), Encoding::Base64),
        (b64.encode(digest), Encoding::Base64),
        (
            b64.encode(digest).trim_end_matches('=').to_string(),
            Encoding::Base64,
        ),
    ] {
        let got = v.verify(&headers(DEFAULT_SIGNATURE_HEADER, &text), BODY);
        assert_eq!(got, Ok(encoding), "{text}");
    }
    // URL-safe base64 of a digest with `-` or `_` in it: search a body whose digest has one.
    let body = (0..64)
        .map(|i| format!("{{\"n\":{i}}}"))
        .find(|b| {
            url.encode(reference_hmac(KEY.as_bytes(), b.as_bytes()))
                .contains(['-', '_'])
        })
        .expect("one of 64 digests has a URL-safe character");
    let text = url.encode(reference_hmac(KEY.as_bytes(), body.as_bytes()));
    assert_eq!(
        v.verify_signature(&text, body.as_bytes()),
        Ok(Encoding::Base64Url)
    );
}

#[test]
fn a_missing_signature_names_the_header() {
    let v = Verifier::new(KEY).unwrap();
    let err = v.verify(&HeaderMap::new(), BODY).unwrap_err();
    assert!(
        matches!(err, SignatureError::MissingHeader { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("X-ServiceTitan-Signature"),
        "{err}"
    );
    let err = v
        .verify(&headers(DEFAULT_SIGNATURE_HEADER, "   "), BODY)
        .unwrap_err();
    assert!(
        matches!(err, SignatureError::MissingHeader { .. }),
        "{err:?}"
    );
}

#[test]
fn a_tampered_body_or_another_key_is_a_mismatch() {
    let v = Verifier::new(KEY).unwrap();
    let sig = v.sign_hex(BODY);
    let mut tampered = BODY.to_vec();
    // 1234.10 -> 1234.11
    let at = tampered.windows(7).position(|w| w == b"1234.10").unwrap();
    tampered[at + 6] = b'1';
    let err = v
        .verify(&headers(DEFAULT_SIGNATURE_HEADER, &sig), &tampered)
        .unwrap_err();
    assert!(
        matches!(
            err,
            SignatureError::Mismatch {
                encoding: Encoding::Hex,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("signature mismatch"), "{err}");

    let other = Verifier::new("another-key-another-key-another-key-0").unwrap();
    let err = v
        .verify(
            &headers(DEFAULT_SIGNATURE_HEADER, &other.sign_base64(BODY)),
            BODY,
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            SignatureError::Mismatch {
                encoding: Encoding::Base64,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_wrong_encoding_or_length_says_which() {
    let v = Verifier::new(KEY).unwrap();
    let err = v
        .verify(
            &headers(DEFAULT_SIGNATURE_HEADER, "sha256=not*a*digest!"),
            BODY,
        )
        .unwrap_err();
    assert!(matches!(err, SignatureError::Undecodable { .. }), "{err:?}");
    assert!(err.to_string().contains("neither hex nor base64"), "{err}");
    // A SHA-1-sized hex digest (20 bytes).
    let err = v
        .verify(&headers(DEFAULT_SIGNATURE_HEADER, &"ab".repeat(20)), BODY)
        .unwrap_err();
    assert!(
        matches!(
            err,
            SignatureError::WrongLength {
                bytes: 20,
                encoding: Encoding::Hex,
                ..
            }
        ),
        "{err:?}"
    );
    // Base64 of 16 bytes.
    let err = v
        .verify_signature("AAAAAAAAAAAAAAAAAAAAAA==", BODY)
        .unwrap_err();
    assert!(
        matches!(err, SignatureError::WrongLength { bytes: 16, .. }),
        "{err:?}"
    );
}

#[test]
fn a_signature_under_another_header_is_found_only_when_configured() {
    let default = Verifier::new(KEY).unwrap();
    let sig = default.sign_hex(BODY);
    let h = headers("X-Signature-256", &sig);
    let err = default.verify(&h, BODY).unwrap_err();
    assert!(
        matches!(err, SignatureError::MissingHeader { ref header } if header == DEFAULT_SIGNATURE_HEADER),
        "{err:?}"
    );
    let custom = default.with_header("x-signature-256").unwrap();
    assert_eq!(custom.verify(&h, BODY), Ok(Encoding::Hex));
    assert!(Verifier::new(KEY)
        .unwrap()
        .with_header("bad header")
        .is_err());
}

#[test]
fn keys_outside_32_to_64_characters_are_refused_without_being_shown() {
    let short = "s".repeat(31);
    let err = Verifier::new(short.as_str()).unwrap_err();
    assert_eq!(err.chars, 31);
    assert!(!err.to_string().contains(&short), "{err}");
    assert!(Verifier::new("l".repeat(65)).is_err());
    assert!(Verifier::new("").is_err());
    assert!(Verifier::new("x".repeat(32)).is_ok());
    assert!(Verifier::new("x".repeat(64)).is_ok());
}

#[test]
fn neither_the_key_nor_the_expected_digest_is_ever_printed() {
    let v = Verifier::new(KEY).unwrap();
    let expected = v.sign_hex(BODY);
    let expected_b64 = v.sign_base64(BODY);
    assert!(!format!("{v:?}").contains(KEY), "{v:?}");
    for sig in ["", "zz", &"00".repeat(32), &"ab".repeat(20)] {
        let err = v
            .verify(&headers(DEFAULT_SIGNATURE_HEADER, sig), b"{}")
            .unwrap_err();
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains(KEY), "{shown}");
            assert!(!shown.contains(&expected), "{shown}");
            assert!(!shown.contains(&expected_b64), "{shown}");
        }
    }
}
