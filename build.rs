//! Fails the build when a spec in `specs/` no longer matches the sha256 recorded in the header of
//! its generated crate, so nobody compiles a client that silently disagrees with its document.

use std::path::Path;

use sha2::{Digest, Sha256};

fn main() {
    let specs = Path::new("specs");
    println!("cargo:rerun-if-changed=specs");
    println!("cargo:rerun-if-changed=Cargo.toml");
    let Ok(entries) = std::fs::read_dir(specs) else {
        // A packaged copy of the crate carries no specs; there is nothing to compare.
        return;
    };
    let mut stale = Vec::new();
    let manifest = std::fs::read_to_string("Cargo.toml").unwrap_or_default();
    let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    for spec in files {
        let is_yaml = matches!(
            spec.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        if !is_yaml {
            continue;
        }
        println!("cargo:rerun-if-changed={}", spec.display());
        let module = spec
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let generated = Path::new("crates")
            .join(format!("servicetitan-{module}"))
            .join("src/generated.rs");
        println!("cargo:rerun-if-changed={}", generated.display());
        // The facade must offer every module behind a feature of the module's name.
        let feature = format!("\n{module} = [\"dep:servicetitan-{module}\"]");
        if !manifest.contains(&feature) {
            stale.push(format!(
                "{} has no `{module}` feature in Cargo.toml (add the optional dependency and feature)",
                spec.display()
            ));
        }
        let bytes = std::fs::read(&spec).unwrap_or_default();
        let want: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let recorded = std::fs::read_to_string(&generated).ok().and_then(|text| {
            text.lines()
                .take(10)
                .find_map(|l| l.strip_prefix("// spec-sha256: ").map(str::to_string))
        });
        match recorded {
            Some(have) if have == want => {}
            Some(_) => stale.push(format!(
                "{} changed since {} was generated",
                spec.display(),
                generated.display()
            )),
            None => stale.push(format!(
                "{} has no generated crate at {}",
                spec.display(),
                generated.display()
            )),
        }
    }
    if !stale.is_empty() {
        for line in &stale {
            println!("cargo:warning={line}");
        }
        eprintln!("error: generated crates or the facade's features are out of date:");
        for line in &stale {
            eprintln!("  {line}");
        }
        eprintln!(
            "run `cargo xtask codegen` (it writes the generated crates and the module list) and commit the result"
        );
        std::process::exit(1);
    }
}
