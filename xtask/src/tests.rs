//! Generator tests: each normalization rule on a small document, bad input, determinism, and
//! the reference corpus (every operation of every document becomes a client method).

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::codegen::{self, Options};
use crate::generate::{self, ModuleInfo};
use crate::load::{self, Dialect};
use crate::normalize::{self, Normalized, TENANT_PLACEHOLDER};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn normalized(name: &str, text: &str) -> Normalized {
    let dir = temp_dir(name);
    let path = write(&dir, name, text);
    normalize::normalize(&load::load(&path).unwrap()).unwrap()
}

fn generated_code(n: &Normalized) -> String {
    let info = ModuleInfo {
        module: "t",
        crate_name: "servicetitan-t",
        spec_display_path: "t.yaml",
        spec_bytes: b"",
        core_dependency: "{ path = \"x\" }",
        description: "test",
    };
    generate::generate(n, &info, false).unwrap().files["src/generated.rs"].clone()
}

const MINIMAL_31: &str = r#"
openapi: 3.1.0
info: { title: t, version: "1" }
servers: [{ url: "https://api.servicetitan.io/t/v2" }]
paths:
  /tenant/{tenant}/things/{id}:
    get:
      operationId: getThing
      parameters:
        - { name: tenant, in: path, required: true, schema: { type: integer } }
        - { name: id, in: path, required: true, schema: { type: integer } }
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Thing' }
components:
  schemas:
    Thing:
      type: object
      required: [id, name]
      properties:
        id: { type: integer, format: int64 }
        name: { type: [string, "null"] }
        parent:
          oneOf: [{ $ref: '#/components/schemas/Thing' }, { type: "null" }]
        kind: { const: thing }
        photo: { type: string, contentMediaType: image/png }
        label: { type: string, examples: [a, b] }
"#;

#[test]
fn openapi_31_becomes_30_with_the_same_meaning() {
    let n = normalized("t.yaml", MINIMAL_31);
    assert_eq!(n.doc["openapi"], "3.0.3");
    let props = &n.doc["components"]["schemas"]["Thing"]["properties"];
    assert_eq!(props["name"]["type"], "string");
    assert_eq!(props["name"]["nullable"], true);
    // oneOf [$ref, null] keeps its reference (a bug spec-diff once caught).
    assert_eq!(
        props["parent"]["allOf"][0]["$ref"],
        "#/components/schemas/Thing"
    );
    assert_eq!(props["parent"]["nullable"], true);
    assert_eq!(
        props["kind"],
        json!({ "type": "string", "enum": ["thing"], "nullable": true })
    );
    assert_eq!(props["photo"]["format"], "binary");
    assert_eq!(props["label"]["example"], "a");
    // Leniency: nothing is required any more.
    assert!(n.doc["components"]["schemas"]["Thing"]
        .get("required")
        .is_none());
}

#[test]
fn tenant_is_bound_once_and_never_a_parameter() {
    let n = normalized("t.yaml", MINIMAL_31);
    assert_eq!(n.server_path, "/t/v2");
    let path = format!("/tenant/{TENANT_PLACEHOLDER}/things/{{id}}");
    let params = n.doc["paths"][&path]["get"]["parameters"]
        .as_array()
        .unwrap();
    assert_eq!(params.len(), 1);
    assert_eq!(params[0]["name"], "id");
    let code = generated_code(&n);
    assert!(
        !code.contains("fn tenant<"),
        "no tenant setter in the generated client"
    );
    assert!(code.contains(TENANT_PLACEHOLDER));
}

#[test]
fn module_prefix_in_paths_and_tenant_in_the_server_are_both_understood() {
    let prefixed = normalized(
        "p.yaml",
        r#"
openapi: 3.0.1
info: { title: t, version: "1" }
servers: [{ url: "https://api.servicetitan.io" }]
paths:
  /marketing/v2/tenant/{tenant}/campaigns:
    get:
      operationId: listCampaigns
      parameters: [{ name: tenant, in: path, required: true, schema: { type: integer } }]
      responses: { '200': { description: ok } }
"#,
    );
    assert_eq!(prefixed.server_path, "");
    assert!(prefixed.doc["paths"]
        .get(format!(
            "/marketing/v2/tenant/{TENANT_PLACEHOLDER}/campaigns"
        ))
        .is_some());
    let in_server = normalized(
        "s.yaml",
        r#"
openapi: 3.1.0
info: { title: t, version: "1" }
servers: [{ url: "https://api.servicetitan.io/pricebook/v2/{tenant}", variables: { tenant: { default: "0" } } }]
paths:
  /services:
    get:
      operationId: listServices
      responses: { '200': { description: ok } }
"#,
    );
    assert_eq!(in_server.server_path, "/pricebook/v2");
    assert!(in_server.doc["paths"]
        .get(format!("/tenant/{TENANT_PLACEHOLDER}/services"))
        .is_some());
}

#[test]
fn swagger_2_becomes_30() {
    let doc = std::fs::read_to_string(
        crate::workspace_root().join("tests/fixtures/codegen/edge-swagger2.json"),
    )
    .unwrap();
    let n = normalized("s.json", &doc);
    assert_eq!(n.server_path, "/edge/v2");
    let create = &n.doc["paths"][format!("/tenant/{TENANT_PLACEHOLDER}/things")]["post"];
    assert_eq!(
        create["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ThingCreateRequest"
    );
    assert_eq!(create["requestBody"]["required"], true);
    let list = &n.doc["paths"][format!("/tenant/{TENANT_PLACEHOLDER}/things")]["get"];
    let ids = list["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "ids")
        .unwrap();
    assert_eq!(ids["schema"]["type"], "array");
    let notes = &n.doc["components"]["schemas"]["ThingCreateRequest"]["properties"]["notes"];
    assert_eq!(notes["nullable"], true);
    // The file response is a byte stream, the formData file an upload.
    let photo = &n.doc["paths"][format!("/tenant/{TENANT_PLACEHOLDER}/things/{{id}}/photo")]["get"];
    assert!(photo["responses"]["200"]["content"]["application/octet-stream"].is_object());
    assert_eq!(n.uploads.len(), 1);
    assert_eq!(n.uploads[0].file_field, "photo");
    assert!(generated_code(&n).contains("ResponseValue<ByteStream>"));
}

#[test]
fn duplicate_enum_values_operation_ids_and_shadowed_parameters_are_fixed() {
    let doc =
        std::fs::read_to_string(crate::workspace_root().join("tests/fixtures/codegen/edge31.yaml"))
            .unwrap();
    let n = normalized("e.yaml", &doc);
    let status = &n.doc["components"]["schemas"]["WidgetStatus"]["enum"];
    assert_eq!(status, &json!(["Active", "Retired", "In Progress"]));
    let ids: Vec<String> = n.report.renamed.clone();
    assert!(
        ids.iter().any(|l| l.contains("`list_widgets_2`")),
        "{ids:?}"
    );
    assert!(
        ids.iter()
            .any(|l| l.contains("no operationId, named `get_widgets_id`")),
        "{ids:?}"
    );
    let path = format!("/tenant/{TENANT_PLACEHOLDER}/widgets/{{id_in_path}}");
    let patch = &n.doc["paths"][&path]["patch"]["parameters"];
    let names: Vec<(&str, &str)> = patch
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["in"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    // The query parameter keeps its wire name; the path one (positional on the wire) moves.
    assert!(names.contains(&("query", "id")) && names.contains(&("path", "id_in_path")));
}

#[test]
fn map_and_array_query_parameters_are_kept_as_described() {
    let doc =
        std::fs::read_to_string(crate::workspace_root().join("tests/fixtures/codegen/edge31.yaml"))
            .unwrap();
    let n = normalized("e.yaml", &doc);
    let params =
        &n.doc["paths"][format!("/tenant/{TENANT_PLACEHOLDER}/widgets")]["get"]["parameters"];
    let custom = params
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "customField")
        .unwrap();
    assert_eq!(custom["schema"]["type"], "object");
    assert_eq!(custom["schema"]["additionalProperties"]["type"], "string");
    let code: String = generated_code(&n).split_whitespace().collect();
    // A map-typed builder field, sent under its wire name (each entry its own parameter).
    assert!(code.contains(
        "custom_field:Result<Option<::std::collections::BTreeMap<::std::string::String,::std::string::String,>,>"
    ));
    assert!(code.contains("QueryParam::new(\"customField\",&custom_field)"));
    assert!(code.contains("ids:Result<Option<::std::vec::Vec<i64>>"));
}

#[test]
fn names_are_clean_and_enums_open() {
    let doc =
        std::fs::read_to_string(crate::workspace_root().join("tests/fixtures/codegen/edge31.yaml"))
            .unwrap();
    let code = generated_code(&normalized("e.yaml", &doc));
    for name in [
        "pub struct WidgetPage",
        "pub struct WidgetExportPage",
        "pub struct EdgeWidget",
        "pub struct OtherWidget",
    ] {
        assert!(code.contains(name), "{name}");
    }
    assert!(code.contains("Unknown(::std::string::String)"));
    assert!(!code.contains("PaginatedResponse"));
    assert!(code.contains("servicetitan_core::types::Decimal"));
    assert!(code.contains("servicetitan_core::types::DateTime"));
}

#[test]
fn bad_documents_name_the_file_and_place() {
    let dir = temp_dir("bad");
    let yaml = write(&dir, "broken.yaml", "openapi: 3.1.0\npaths: [unclosed\n");
    let e = load::load(&yaml).err().unwrap();
    assert!(
        e.to_string().contains("broken.yaml") && e.location.starts_with("line "),
        "{e}"
    );

    let json = write(&dir, "broken.json", "{\"openapi\": \"3.0.1\", ");
    assert!(load::load(&json)
        .err()
        .unwrap()
        .to_string()
        .contains("invalid JSON"));

    let dangling = write(
        &dir,
        "dangling.yaml",
        "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: { $ref: '#/components/schemas/Nope' }\n",
    );
    let e = normalize::normalize(&load::load(&dangling).unwrap())
        .err()
        .unwrap();
    assert_eq!(
        e.location,
        "/paths/~1x/get/responses/200/content/application~1json/schema"
    );
    assert!(e.message.contains("#/components/schemas/Nope"), "{e}");

    let unsupported = write(&dir, "v4.yaml", "openapi: 4.0.0\n");
    let e = load::load(&unsupported).err().unwrap();
    assert_eq!(e.location, "/openapi");
    assert_eq!(
        load::load(&write(&dir, "s.yaml", MINIMAL_31))
            .unwrap()
            .dialect,
        Dialect::OpenApi31
    );
}

#[test]
fn one_bad_document_fails_the_run_but_the_others_still_generate() {
    let specs = temp_dir("mixed-specs");
    write(&specs, "good.yaml", MINIMAL_31);
    write(&specs, "bad.yaml", "openapi: 3.1.0\n  : : :\n");
    let out = temp_dir("mixed-out");
    let opts = Options {
        root: crate::workspace_root(),
        specs,
        out: Some(out.clone()),
        check: false,
        positional: false,
        only: None,
    };
    assert_eq!(codegen::run(&opts), Ok(false));
    assert!(out
        .join("crates/servicetitan-good/src/generated.rs")
        .exists());
    assert!(!out.join("crates/servicetitan-bad").exists());
}

#[test]
fn generation_is_deterministic() {
    let path = crate::workspace_root().join("specs/jpm.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let a = generated_code(&normalized("jpm.yaml", &text));
    let b = generated_code(&normalized("jpm.yaml", &text));
    assert_eq!(a, b);
}

/// Every reference document generates, and every one of its operations becomes a method of the
/// client: none is skipped. (CI also compiles the output: see `.ci/run`.)
#[test]
fn the_reference_corpus_generates_every_operation() {
    let shared = crate::workspace_root().join("../shared/servicetitan-openapi");
    let mut seen = 0;
    for dir in ["official-2025-05", "older-yaml"] {
        let docs =
            codegen::documents_in(&shared.join(dir)).expect("../shared is beside the repository");
        for path in docs {
            let doc = load::load(&path).unwrap_or_else(|e| panic!("{e}"));
            let n = normalize::normalize(&doc).unwrap_or_else(|e| panic!("{e}"));
            let code: String = generated_code(&n).split_whitespace().collect();
            let mut ids: Vec<String> = n.uploads.iter().map(|u| u.operation_id.clone()).collect();
            for item in n.doc["paths"].as_object().unwrap().values() {
                for op in item.as_object().unwrap().values() {
                    if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                        ids.push(id.to_string());
                    }
                }
            }
            assert_eq!(ids.len(), n.report.operations, "{}", path.display());
            for id in &ids {
                let method = format!("pubfn{id}(&self");
                let upload = format!("pubasyncfn{id}(");
                assert!(
                    code.contains(&method) || code.contains(&upload),
                    "{}: operation {id} has no client method",
                    path.display()
                );
            }
            seen += 1;
        }
    }
    assert_eq!(seen, 18, "expected the 18 reference documents in ../shared");
}

#[test]
fn decimal_query_parameters_are_written_as_text() {
    let text =
        std::fs::read_to_string(crate::workspace_root().join("specs/accounting.yaml")).unwrap();
    let n = normalized("accounting.yaml", &text);
    let params =
        &n.doc["paths"][format!("/tenant/{TENANT_PLACEHOLDER}/invoices")]["get"]["parameters"];
    let total = params
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "totalGreater")
        .unwrap();
    assert_eq!(
        total["schema"]["x-rust-type"]["path"], "servicetitan_core::types::DecimalParam",
        "{total}"
    );
}
