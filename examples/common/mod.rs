//! Shared by the examples: the real API when `ST_CLIENT_ID` is set, otherwise a mock tenant
//! started in-process (so every example runs with no credentials at all).

use servicetitan::ServiceTitan;
use servicetitan_mock::MockTenant;

/// The connection, and the mock behind it if one was started (keep it alive while you work).
pub async fn connect() -> Result<(ServiceTitan, Option<MockTenant>), servicetitan::Error> {
    if std::env::var_os("ST_CLIENT_ID").is_some() {
        return Ok((ServiceTitan::from_env()?, None));
    }
    let mock = MockTenant::start().await;
    eprintln!(
        "ST_CLIENT_ID is not set: using a mock tenant at {}",
        mock.base_url()
    );
    let st = ServiceTitan::builder()
        .api_base_url(mock.base_url())
        .auth_url(mock.auth_url())
        .client_id(mock.client_id())
        .client_secret(mock.client_secret())
        .app_key(mock.app_key())
        .tenant(mock.tenant_id())
        .build()?;
    Ok((st, Some(mock)))
}

/// Prints an error the way a person reads it (with the trace id), and picks the exit code.
pub fn exit(result: Result<(), servicetitan::Error>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(trace) = e.trace_id() {
                eprintln!("trace id: {trace}");
            }
            std::process::ExitCode::FAILURE
        }
    }
}

/// The first record of a page, or an error saying the tenant has none (the examples pick
/// reference data — a business unit, a campaign — this way).
#[allow(dead_code)] // not every example looks records up
pub fn first<T>(page: Option<Vec<T>>, what: &str) -> Result<T, servicetitan::Error> {
    page.unwrap_or_default()
        .into_iter()
        .next()
        .ok_or_else(|| servicetitan::Error::Other(format!("the tenant has no {what}")))
}
