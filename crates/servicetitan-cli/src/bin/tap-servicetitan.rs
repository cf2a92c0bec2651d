//! `tap-servicetitan`: `servicetitan tap` under the name Singer tools call a tap by. It runs
//! the `servicetitan` program installed beside it with `tap` and the same arguments.

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let here = std::env::current_exe().ok();
    let sibling = here
        .as_ref()
        .and_then(|p| p.parent())
        .map(|dir| dir.join(format!("servicetitan{}", std::env::consts::EXE_SUFFIX)))
        .filter(|p| p.exists());
    let program = sibling.unwrap_or_else(|| "servicetitan".into());
    match Command::new(&program)
        .arg("tap")
        .args(std::env::args_os().skip(1))
        .status()
    {
        Ok(status) => ExitCode::from(status.code().unwrap_or(1).clamp(0, 255) as u8),
        Err(e) => {
            eprintln!("error: cannot run {}: {e}", program.display());
            ExitCode::from(2)
        }
    }
}
