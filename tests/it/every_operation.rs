//! Every operation of every module is called through the facade, with its required parameters,
//! against the mock tenant (a real HTTP server on loopback). The calls are generated from specs/
//! by `cargo xtask codegen` into `every_operation/calls.rs`.
//!
//! Operations the mock serves from its catalog must succeed and decode into their typed
//! response. The mock's hand-written handlers keep real records and validate bodies, so there the
//! placeholder ids and empty bodies may be answered 404 or 400: that still proves the client
//! reached the operation. Any other error, a decode failure, or "no such operation" fails.

use servicetitan::ServiceTitan;
use servicetitan_mock::MockTenant;

#[rustfmt::skip] // generated: stays byte-identical to what `cargo xtask codegen` writes
#[allow(deprecated)] // every operation, the deprecated ones too
mod calls;

async fn connect() -> (MockTenant, ServiceTitan) {
    let mock = MockTenant::builder().rate_limit(0).start().await;
    let st = ServiceTitan::builder()
        .api_base_url(mock.base_url())
        .auth_url(mock.auth_url())
        .client_id(mock.client_id())
        .client_secret(mock.client_secret())
        .app_key(mock.app_key())
        .tenant(mock.tenant_id())
        .build()
        .expect("valid configuration");
    (mock, st)
}

/// Records a failure unless the call succeeded or a hand-written handler answered it.
fn check(failed: &mut Vec<String>, operation: &str, result: Result<(), servicetitan::Error>) {
    let Err(e) = result else { return };
    let code = e
        .problem()
        .and_then(|p| p.data.as_ref())
        .and_then(|d| d.get("errorCode"))
        .and_then(|c| c.as_str());
    let handler_answered = matches!(e.status().map(|s| s.as_u16()), Some(400 | 404))
        && code != Some("NoSuchOperation");
    if !handler_answered {
        failed.push(format!("{operation}: {e}"));
    }
}

/// The file every upload operation sends.
fn file() -> servicetitan::upload::UploadFile {
    servicetitan::upload::UploadFile::new("note.txt", b"a file".to_vec())
}
