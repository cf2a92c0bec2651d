//! Reads `specs/*.yaml` and writes `$OUT_DIR/spec_params.rs`: for every operation, whether it
//! takes the `active` query filter and which of its path parameters are integers. The specs
//! are the one owner of these facts (the generated clients come from them too); the operation
//! table the facade exports (`OperationMeta`) does not carry parameters.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

#[derive(Deserialize)]
struct Spec {
    #[serde(default)]
    paths: BTreeMap<String, BTreeMap<String, serde_yaml::Value>>,
}

#[derive(Deserialize)]
struct Operation {
    #[serde(default)]
    parameters: Vec<Parameter>,
}

#[derive(Deserialize)]
struct Parameter {
    name: String,
    #[serde(rename = "in")]
    location: String,
    #[serde(default)]
    schema: Option<Schema>,
}

#[derive(Deserialize)]
struct Schema {
    #[serde(rename = "type", default)]
    kind: Option<serde_yaml::Value>,
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn main() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    println!("cargo:rerun-if-changed={}", specs.display());
    let mut files: Vec<_> = std::fs::read_dir(&specs)
        .unwrap_or_else(|e| panic!("the CLI needs the specs in {}: {e}", specs.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    let mut out = String::from(
        "/// Every operation of the specs: module, method, path, `active` filter, integer path \
         parameters.\npub static SPEC_OPERATIONS: &[SpecOperation] = &[\n",
    );
    for file in files {
        println!("cargo:rerun-if-changed={}", file.display());
        let module = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&file).expect("spec readable");
        let spec: Spec = serde_yaml::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not a readable spec: {e}", file.display()));
        for (path, item) in &spec.paths {
            for (method, op) in item {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let op: Operation = serde_yaml::from_value(op.clone())
                    .unwrap_or_else(|e| panic!("{}: {method} {path}: {e}", file.display()));
                let active = op
                    .parameters
                    .iter()
                    .any(|p| p.location == "query" && p.name == "active");
                // The path parameters other than the tenant, in the order the path has them,
                // and whether each is an integer. (Generated code may rename a parameter, so
                // the CLI matches them by position.)
                let integers: Vec<bool> = path
                    .split('/')
                    .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                    .filter(|name| *name != "tenant")
                    .map(|name| {
                        op.parameters.iter().any(|p| {
                            p.location == "path"
                                && p.name == name
                                && p.schema.as_ref().and_then(|s| s.kind.as_ref())
                                    == Some(&serde_yaml::Value::from("integer"))
                        })
                    })
                    .collect();
                writeln!(
                    out,
                    "    SpecOperation {{ module: {module:?}, method: {:?}, path: {path:?}, \
                     active: {active}, integer_path_params: &{integers:?} }},",
                    method.to_uppercase()
                )
                .expect("write to a string");
            }
        }
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("spec_params.rs");
    std::fs::write(dest, out).expect("OUT_DIR writable");
}
