//! `cargo xtask spec-diff` (filled in with the specs issue).

pub fn run(_args: &[String]) -> Result<bool, String> {
    Err("spec-diff is not implemented yet".into())
}
