//! Project tasks: `cargo xtask codegen [--check] [--specs DIR --out DIR]` and
//! `cargo xtask spec-diff [--official DIR] [--specs DIR]`.

mod catalog;
mod codegen;
mod deprecations;
mod generate;
mod item_schema;
mod load;
mod module_list;
mod naming;
mod normalize;
mod open_enums;
mod patch_fields;
mod pointer;
mod request_builders;
mod spec_diff;
mod spec_import;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage:
  cargo xtask codegen [--check] [--only MODULE]   regenerate crates/ from specs/ (or check they are current)
  cargo xtask codegen --specs DIR --out DIR [--positional]
                                                  generate a standalone workspace from any documents
  cargo xtask spec-diff [--official DIR] [--specs DIR] [--min-coverage PCT] [--max-mismatches N]
                                                  compare our specs with official documents
  cargo xtask spec-import --official DIR [--check]
                                                  import the facts of official documents into specs/";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(task) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        if let Some(usage) = task_usage(task) {
            println!("{usage}");
            return ExitCode::SUCCESS;
        }
    }
    let result = match task.as_str() {
        "codegen" => parse_codegen(rest).and_then(|opts| codegen::run(&opts)),
        "spec-diff" => spec_diff::run(rest),
        "spec-import" => spec_import::run(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(true)
        }
        other => Err(format!("unknown task {other:?}\n{USAGE}")),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn parse_codegen(args: &[String]) -> Result<codegen::Options, String> {
    let root = workspace_root();
    let mut opts = codegen::Options {
        specs: root.join("specs"),
        out: None,
        check: false,
        positional: false,
        only: None,
        root,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--check" => opts.check = true,
            "--positional" => opts.positional = true,
            "--specs" => opts.specs = PathBuf::from(it.next().ok_or("--specs needs a directory")?),
            "--out" => opts.out = Some(PathBuf::from(it.next().ok_or("--out needs a directory")?)),
            "--only" => opts.only = Some(it.next().ok_or("--only needs a module")?.clone()),
            other => return Err(format!("unknown codegen option {other:?}\n{USAGE}")),
        }
    }
    Ok(opts)
}

/// `cargo xtask TASK --help`: the task's lines of [`USAGE`] (codegen's options explained).
fn task_usage(task: &str) -> Option<String> {
    let head = format!("  cargo xtask {task} ");
    let mut lines = Vec::new();
    let mut inside = false;
    for line in USAGE.lines().skip(1) {
        if line.starts_with("  cargo xtask ") {
            inside = line.starts_with(&head);
        }
        if inside {
            lines.push(line);
        }
    }
    if lines.is_empty() {
        return None;
    }
    let mut text = format!("usage:\n{}", lines.join("\n"));
    if task == "codegen" {
        text.push_str("\n\n");
        text.push_str(codegen::OPTIONS);
    }
    Some(text)
}

/// The repository root: xtask lives one level below it.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}
