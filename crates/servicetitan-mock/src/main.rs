//! `servicetitan-mock`: runs a mock ServiceTitan tenant on 127.0.0.1 until Ctrl-C.

use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

use servicetitan_mock::{MockTenant, MockTenantBuilder, Resource};

const USAGE: &str = "\
servicetitan-mock: a mock ServiceTitan tenant (token endpoint, API modules) on 127.0.0.1

USAGE:
    servicetitan-mock [OPTIONS]

OPTIONS:
    --port N                 port to listen on (default 8080; 0 picks a free one)
    --tenant ID              a tenant to serve (repeatable; default 1000001)
    --client-id ID           client id the token endpoint accepts (default mock-client-id)
    --client-secret SECRET   client secret (default mock-client-secret)
    --app-key KEY            app key for ST-App-Key (default mock-app-key)
    --jobs N                 jobs per tenant (default 1000); likewise --customers,
                             --locations, --invoices, --appointments, --payments,
                             --technicians, --calls, ...: any resource name
    --count RESOURCE=N       records of any resource (repeatable)
    --rate-limit N           requests per second per tenant (default 60; 0 = off)
    --token-lifetime SECS    token lifetime (default 900)
    --error-rate F           fraction of API requests that fail with 5xx (default 0)
    --fault-seed N           seed of the fault sequence (default 0)
    --latency-ms N           delay added to every API response (default 0)
    --export-page-size N     records per export page (default 5000)
    --report-runs N          report runs per report per minute (default 1; 0 = off)
    --quirks                 serve some unknown enum values and nulls in required fields
    --seed N                 data seed (default 0)
    --webhook-url URL        POST a webhook event here after each write (http:// only)
    --webhook-hmac-key KEY   sign webhook bodies (HMAC-SHA256, hex in X-ServiceTitan-Signature)
    -h, --help               this help

RESOURCES:
    jobs appointments job-types customers locations bookings leads invoices payments
    technicians employees business-units services materials calls appointment-assignments
";

fn parse<T: FromStr>(flag: &str, v: Option<String>) -> Result<T, String> {
    let v = v.ok_or_else(|| format!("{flag} needs a value"))?;
    v.parse()
        .map_err(|_| format!("{flag}: {v:?} is not a valid value"))
}

fn build(args: Vec<String>) -> Result<Option<MockTenantBuilder>, String> {
    let mut b = MockTenant::builder().port(8080);
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next());
        b = match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => b.port(parse(&flag, value())?),
            "--tenant" => b.tenant(parse(&flag, value())?),
            "--client-id" => b.client_id(parse::<String>(&flag, value())?),
            "--client-secret" => b.client_secret(parse::<String>(&flag, value())?),
            "--app-key" => b.app_key(parse::<String>(&flag, value())?),
            "--rate-limit" => b.rate_limit(parse(&flag, value())?),
            "--token-lifetime" => b.token_lifetime(Duration::from_secs(parse(&flag, value())?)),
            "--error-rate" => b.error_rate(parse(&flag, value())?),
            "--fault-seed" => b.fault_seed(parse(&flag, value())?),
            "--latency-ms" => b.latency(Duration::from_millis(parse(&flag, value())?)),
            "--export-page-size" => b.export_page_size(parse(&flag, value())?),
            "--report-runs" => b.report_runs_per_minute(parse(&flag, value())?),
            "--seed" => b.seed(parse(&flag, value())?),
            "--quirks" => b.quirks(true),
            "--webhook-url" => b.webhook_url(parse::<String>(&flag, value())?),
            "--webhook-hmac-key" => b.webhook_hmac_key(parse::<String>(&flag, value())?),
            "--count" => {
                let v: String = parse(&flag, value())?;
                let (name, n) = v
                    .split_once('=')
                    .ok_or_else(|| format!("--count wants RESOURCE=N, not {v:?}"))?;
                let r = Resource::from_str(name).map_err(|e| e.to_string())?;
                b.count(r, parse("--count", Some(n.to_string()))?)
            }
            other => match other.strip_prefix("--").map(Resource::from_str) {
                Some(Ok(r)) => b.count(r, parse(&flag, value())?),
                _ => return Err(format!("unknown option {other:?} (see --help)")),
            },
        };
    }
    Ok(Some(b))
}

#[tokio::main]
async fn main() -> ExitCode {
    let builder = match build(std::env::args().skip(1).collect()) {
        Ok(Some(b)) => b,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("servicetitan-mock: {e}");
            return ExitCode::from(2);
        }
    };
    let mock = match builder.try_start().await {
        Ok(m) => m,
        Err(e) => {
            eprintln!("servicetitan-mock: cannot listen: {e}");
            return ExitCode::from(1);
        }
    };
    let tenants: Vec<String> = mock.tenant_ids().iter().map(i64::to_string).collect();
    println!("servicetitan-mock listening on {}", mock.addr());
    println!();
    println!("  API base URL   {}", mock.base_url());
    println!("  token URL      {}", mock.auth_url());
    println!("  client id      {}", mock.client_id());
    println!("  client secret  {}", mock.client_secret());
    println!("  app key        {}", mock.app_key());
    println!("  tenant         {}", tenants.join(", "));
    println!(
        "  rate limit     {}",
        match mock.rate_limit() {
            0 => "off".to_string(),
            n => format!("{n} requests/s per tenant"),
        }
    );
    println!();
    println!("  export ST_CLIENT_ID={} ST_CLIENT_SECRET={} ST_APP_KEY={} ST_TENANT_ID={} ST_API_BASE_URL={} ST_AUTH_URL={}",
        mock.client_id(), mock.client_secret(), mock.app_key(), mock.tenant_id(), mock.base_url(), mock.auth_url());
    println!();
    println!(
        "  try: curl -s -d grant_type=client_credentials -d client_id={} -d client_secret={} {}",
        mock.client_id(),
        mock.client_secret(),
        mock.auth_url()
    );
    println!(
        "       curl -s -H \"Authorization: Bearer $TOKEN\" -H \"ST-App-Key: {}\" {}/jpm/v2/tenant/{}/jobs?pageSize=2",
        mock.app_key(),
        mock.base_url(),
        mock.tenant_id()
    );
    println!();
    println!("Ctrl-C stops it.");
    let _ = tokio::signal::ctrl_c().await;
    let stats = mock.stats();
    println!(
        "\nstopping: {} requests, {} tokens issued, {} answered 429, {} faults injected",
        stats.requests, stats.tokens_issued, stats.rate_limited, stats.faults_injected
    );
    mock.shutdown().await;
    ExitCode::SUCCESS
}
