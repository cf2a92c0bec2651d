//! `cargo xtask codegen`: every document in a directory → one crate each, with a report.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::catalog;
use crate::generate::{self, GeneratedCrate, ModuleInfo};
use crate::load;
use crate::module_list;
use crate::normalize;

/// What `cargo xtask codegen --help` explains below the usage lines.
pub const OPTIONS: &str = "options:
  --check          compare what would be written with what is there; exit 1 with a diff if stale
  --only MODULE    only the document whose module key is MODULE (its file name without
                   `tenant-` and `-v2`: `jpm`, `edge31`); without --out, `--only edge31`
                   regenerates that golden fixture and leaves crates/ alone
  --specs DIR      read the documents in DIR (default: specs/)
  --out DIR        write a standalone workspace to DIR instead of crates/ and tests/golden/
  --positional     progenitor's positional interface instead of builders (no paging impls)
  -h, --help       this text

Each document gets a report line (fixes and warnings below it). A document that fails prints
the file and, where known, the JSON pointer of the part that failed; the others still generate.
The exit code is 1 if any document failed, 2 if none generated or the arguments are wrong.";

pub struct Options {
    pub root: PathBuf,
    pub specs: PathBuf,
    /// `None`: the repository's own `crates/`; `Some`: a standalone workspace.
    pub out: Option<PathBuf>,
    pub check: bool,
    /// progenitor's positional style instead of builders (for comparisons; no paging impls).
    pub positional: bool,
    pub only: Option<String>,
}

/// The module key of a document file: `specs/jpm.yaml` → `jpm`,
/// `tenant-jpm-v2.json` → `jpm`, `tenant-telecom.json` → `telecom`.
pub fn module_key(path: &Path) -> String {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("module");
    let stem = stem.strip_prefix("tenant-").unwrap_or(stem);
    let stem = stem
        .strip_suffix("-v2")
        .or_else(|| stem.strip_suffix("-v3"))
        .unwrap_or(stem);
    stem.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// Document files directly inside `dir`, sorted so output order never varies.
pub fn documents_in(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && load::is_document(p))
        .collect();
    files.sort();
    Ok(files)
}

/// One directory of documents and where its crates go.
struct Target {
    specs: PathBuf,
    /// Directory that receives one crate directory per document.
    crates_dir: PathBuf,
    /// Prefix of crate names: `servicetitan-` for the SDK, `golden-` for generator fixtures.
    prefix: &'static str,
    /// How spec paths are shown in headers (`specs/`), relative to the repository.
    display_dir: Option<String>,
}

pub fn run(opts: &Options) -> Result<bool, String> {
    let started = std::time::Instant::now();
    let targets = match &opts.out {
        Some(out) => vec![Target {
            specs: opts.specs.clone(),
            crates_dir: out.join("crates"),
            prefix: "servicetitan-",
            display_dir: None,
        }],
        None => vec![
            Target {
                specs: opts.specs.clone(),
                crates_dir: opts.root.join("crates"),
                prefix: "servicetitan-",
                display_dir: Some("specs".into()),
            },
            Target {
                specs: opts.root.join("tests/fixtures/codegen"),
                crates_dir: opts.root.join("tests/golden"),
                prefix: "golden-",
                display_dir: Some("tests/fixtures/codegen".into()),
            },
        ],
    };
    let mut ok = true;
    let mut stale = Vec::new();
    let mut count = 0;
    let mut selected = 0;
    for target in &targets {
        let docs = documents_in(&target.specs)?;
        if docs.is_empty() {
            return Err(format!(
                "no .yaml/.yml/.json documents in {}",
                target.specs.display()
            ));
        }
        count += docs.len();
        let (target_ok, target_selected) = run_target(opts, target, &docs, &mut stale)?;
        ok &= target_ok;
        selected += target_selected;
    }
    if let (Some(only), 0) = (&opts.only, selected) {
        return Err(format!("--only {only}: no document has that module key"));
    }
    if opts.check {
        for (target, current, wanted) in &stale {
            ok = false;
            eprintln!("stale: {} (run `cargo xtask codegen`)", target.display());
            print_diff(current, wanted);
        }
        if stale.is_empty() && ok {
            println!("codegen --check: every generated file is current");
        }
    }
    println!(
        "{count} document(s) in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    Ok(ok)
}

/// One document, loaded and normalized, waiting for generation.
struct Prepared {
    path: PathBuf,
    module: String,
    display: String,
    doc: load::Document,
    normalized: normalize::Normalized,
}

/// Generates the selected documents of one target. Returns whether every one generated, and
/// how many were selected.
fn run_target(
    opts: &Options,
    target: &Target,
    docs: &[PathBuf],
    stale: &mut Vec<(PathBuf, String, String)>,
) -> Result<(bool, usize), String> {
    let standalone = opts.out.is_some();
    let core_path = opts.root.join("crates/servicetitan-core");
    let mut ok = true;
    let mut selected = 0;
    // Every document is loaded and normalized first: the reports compare documents.
    let mut prepared = Vec::new();
    let mut keys: BTreeMap<String, PathBuf> = BTreeMap::new();
    for path in docs {
        let module = module_key(path);
        if opts.only.as_deref().is_some_and(|o| o != module) {
            continue;
        }
        selected += 1;
        if let Some(first) = keys.get(&module) {
            eprintln!(
                "error: {}: module key `{module}` is already taken by {} in this run (one crate per key); rename one of the files",
                path.display(),
                first.display()
            );
            ok = false;
            continue;
        }
        keys.insert(module.clone(), path.clone());
        let file_name = path.file_name().unwrap().to_string_lossy();
        let display = match &target.display_dir {
            Some(dir) => format!("{dir}/{file_name}"),
            None => file_name.to_string(),
        };
        let loaded = load::load(path).and_then(|doc| {
            let normalized = normalize::normalize(&doc)?;
            Ok((doc, normalized))
        });
        match loaded {
            Ok((doc, normalized)) => prepared.push(Prepared {
                path: path.clone(),
                module,
                display,
                doc,
                normalized,
            }),
            Err(e) => {
                eprintln!("error: {e}");
                ok = false;
            }
        }
    }
    let server_paths: Vec<(String, BTreeSet<String>)> = prepared
        .iter()
        .map(|p| (p.display.clone(), p.normalized.module_paths()))
        .collect();
    let shared = shared_server_paths(&server_paths);
    let mut modules = Vec::new();
    for (p, shared) in prepared.iter().zip(&shared) {
        let crate_name = format!("{}{}", target.prefix, p.module);
        let result = generate_one(
            p,
            &crate_name,
            standalone,
            &core_path,
            opts.positional,
            shared,
        );
        let (krate, report) = match result {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                ok = false;
                continue;
            }
        };
        println!("{report}");
        let crate_dir = target.crates_dir.join(&crate_name);
        modules.push(crate_name.clone());
        let mut files = krate.files;
        let lib = crate_dir.join("src/lib.rs");
        if standalone || !lib.exists() {
            files.insert("src/lib.rs".into(), krate.scaffold_lib.clone());
        }
        for (rel, text) in files {
            emit(opts.check, crate_dir.join(&rel), text, stale)?;
        }
    }
    // The mock's catalog and the every-operation test cover the SDK's own modules, all of them.
    if !standalone && target.prefix == "servicetitan-" && opts.only.is_none() {
        let specs: Vec<catalog::ModuleSpec> = prepared
            .iter()
            .map(|p| catalog::ModuleSpec {
                module: &p.module,
                normalized: &p.normalized,
            })
            .collect();
        let (catalog_json, test) = catalog::generate(&specs)?;
        let mut keys: Vec<&str> = prepared.iter().map(|p| p.module.as_str()).collect();
        keys.sort();
        let manifest_path = opts.root.join("Cargo.toml");
        let manifest = std::fs::read_to_string(&manifest_path)
            .map_err(|e| format!("{}: {e}", manifest_path.display()))?;
        for (rel, text) in [
            (catalog::CATALOG_PATH, catalog_json),
            (catalog::TEST_PATH, test),
            ("Cargo.toml", module_list::manifest(&manifest, &keys)?),
            (module_list::TABLE_PATH, module_list::table(&keys)),
        ] {
            emit(opts.check, opts.root.join(rel), text, stale)?;
        }
    }
    if standalone && modules.is_empty() {
        // An empty workspace would only fail later, in `cargo check`, with a confusing error.
        let why = match (&opts.only, selected) {
            (Some(only), 0) => format!("--only {only} matches none of them"),
            _ => format!("all {selected} failed (see the errors above)"),
        };
        return Err(format!(
            "no document generated from the {} document(s) in {}: {why}; no workspace written",
            docs.len(),
            target.specs.display()
        ));
    }
    if let (Some(out_root), false) = (&opts.out, opts.check) {
        let members: Vec<String> = modules
            .iter()
            .map(|m| format!("    \"crates/{m}\","))
            .collect();
        let manifest = format!(
            "# @generated by `cargo xtask codegen --specs {} --out ...`\n[workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n",
            opts.specs.display(),
            members.join("\n")
        );
        write_if_changed(&out_root.join("Cargo.toml"), &manifest)?;
    }
    Ok((ok, selected))
}

/// For each document of a run (its name and server paths), a warning per server path that
/// another document of the run declares too: their clients would call the same endpoints.
pub fn shared_server_paths(docs: &[(String, BTreeSet<String>)]) -> Vec<Vec<String>> {
    let mut declared: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, paths) in docs {
        for path in paths {
            declared.entry(path).or_default().push(name);
        }
    }
    docs.iter()
        .map(|(name, paths)| {
            paths
                .iter()
                .filter_map(|path| {
                    let others: Vec<&str> = declared[path.as_str()]
                        .iter()
                        .copied()
                        .filter(|other| other != name)
                        .collect();
                    (!others.is_empty()).then(|| {
                        format!(
                            "server path {path} is also declared by {}: their clients call the same endpoints",
                            others.join(", ")
                        )
                    })
                })
                .collect()
        })
        .collect()
}

fn generate_one(
    p: &Prepared,
    crate_name: &str,
    standalone: bool,
    core_path: &Path,
    positional: bool,
    warnings: &[String],
) -> Result<(GeneratedCrate, String), String> {
    let (doc, normalized, module, display) = (&p.doc, &p.normalized, &p.module, &p.display);
    let title = doc
        .value
        .pointer("/info/title")
        .and_then(|t| t.as_str())
        .unwrap_or(module)
        .replace('"', "'");
    let description = format!("Generated client for the {title} (module `{module}`).");
    let core_dependency = if standalone {
        format!("{{ path = {:?} }}", core_path.display().to_string())
    } else if crate_name.starts_with("golden-") {
        "{ path = \"../../../crates/servicetitan-core\", version = \"0.1.0\" }".to_string()
    } else {
        // The version lets the crate be published: crates.io resolves it there.
        "{ path = \"../servicetitan-core\", version = \"0.1.0\" }".to_string()
    };
    let info = ModuleInfo {
        module,
        crate_name,
        spec_display_path: display,
        spec_bytes: &doc.bytes,
        core_dependency: &core_dependency,
        description: &description,
        workspace_member: !standalone,
    };
    let krate = generate::generate(normalized, &info, positional).map_err(|e| {
        load::DocError::new(&p.path, e.location.unwrap_or_default(), e.message).to_string()
    })?;
    let r = &normalized.report;
    let mut report = format!(
        "{module} ({}, {}): {} operation(s): {} generated, {} as multipart uploads, {} renamed; {} list and {} export operation(s) paged",
        display,
        r.dialect.map(|d| d.to_string()).unwrap_or_default(),
        r.operations,
        r.operations - normalized.uploads.len(),
        normalized.uploads.len(),
        r.renamed.len(),
        normalized.lists.len(),
        normalized.exports.len(),
    );
    for line in r
        .renamed
        .iter()
        .map(|l| format!("renamed: {l}"))
        .chain(r.fixes.iter().map(|l| format!("fixed: {l}")))
        .chain(krate.fixes.iter().map(|l| format!("fixed: {l}")))
        .chain(r.warnings.iter().map(|l| format!("warning: {l}")))
        .chain(warnings.iter().map(|l| format!("warning: {l}")))
    {
        report.push_str("\n    ");
        report.push_str(&line);
    }
    Ok((krate, report))
}

/// Writes a generated file, or with `--check` records it as stale when it differs.
fn emit(
    check: bool,
    path: PathBuf,
    text: String,
    stale: &mut Vec<(PathBuf, String, String)>,
) -> Result<(), String> {
    if check {
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != text {
            stale.push((path, current, text));
        }
        Ok(())
    } else {
        write_if_changed(&path, &text)
    }
}

fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A unified diff, cut after a screenful so a large change stays readable.
pub fn print_diff(current: &str, wanted: &str) {
    let diff = similar::TextDiff::from_lines(current, wanted);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header("committed", "regenerated")
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    for line in lines.iter().take(60) {
        eprintln!("{line}");
    }
    if lines.len() > 60 {
        eprintln!("... ({} more diff lines)", lines.len() - 60);
    }
}
