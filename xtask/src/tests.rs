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
        workspace_member: false,
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
    // Leniency: nothing the server writes is required any more, except the resource's id.
    assert_eq!(
        n.doc["components"]["schemas"]["Thing"]["required"],
        json!(["id"])
    );
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

/// A small 3.1 document around one extra component schema `Extra` (YAML, indented for
/// `components/schemas`) and a list operation whose page has no `totalCount`.
fn doc_with(extra_schema: &str, list_params: &str) -> String {
    format!(
        r#"
openapi: 3.1.0
info: {{ title: t, version: "1" }}
servers: [{{ url: "https://api.servicetitan.io/t/v2" }}]
paths:
  /tenant/{{tenant}}/things:
    get:
      operationId: listThings
      parameters:
        - {{ name: tenant, in: path, required: true, schema: {{ type: integer }} }}
{list_params}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{ $ref: '#/components/schemas/ThingPage' }}
components:
  schemas:
    ThingPage:
      type: object
      properties:
        page: {{ type: integer, format: int32 }}
        hasMore: {{ type: boolean }}
        data: {{ type: array, items: {{ $ref: '#/components/schemas/Extra' }} }}
{extra_schema}
"#
    )
}

const PAGE_PARAMS: &str =
    "        - { name: page, in: query, schema: { type: integer, format: int32 } }
        - { name: pageSize, in: query, schema: { type: integer, format: int32 } }";

#[test]
fn unquoted_yaml_booleans_in_a_string_enum_stay_as_written() {
    let text = doc_with(
        "    Extra:
      type: object
      properties:
        mode: { type: string, enum: [True, Any, False] }
        level: { type: [string, 'null'], enum: [1, 02, high], default: 1 }
        on: { type: boolean, enum: [true] }",
        PAGE_PARAMS,
    );
    let n = normalized("yb.yaml", &text);
    let props = &n.doc["components"]["schemas"]["Extra"]["properties"];
    // YAML 1.1 booleans: the strings as the file writes them, not `true`.
    assert_eq!(props["mode"]["enum"], json!(["True", "Any", "False"]));
    assert_eq!(props["level"]["enum"], json!(["1", "02", "high"]));
    assert_eq!(props["level"]["default"], "1");
    // A boolean schema keeps its booleans.
    assert_eq!(props["on"]["enum"], json!([true]));
    let fixes = n.report.fixes.join("\n");
    assert!(
        fixes.contains("/components/schemas/Extra/properties/mode: `True`, `False`"),
        "{fixes}"
    );
    let code = generated_code(&n);
    assert!(
        code.contains("Self::True => \"True\""),
        "variants keep the wire spelling"
    );

    // JSON has no spelling to recover: the JSON text.
    let json_doc = r#"{"openapi": "3.0.1", "info": {"title": "t", "version": "1"},
        "paths": {"/tenant/{tenant}/x": {"get": {"operationId": "x", "responses": {"200": {"description": "ok"}}}}},
        "components": {"schemas": {"Mode": {"type": "string", "enum": [true, "Any", 3]}}}}"#;
    let n = normalized("jb.json", json_doc);
    assert_eq!(
        n.doc["components"]["schemas"]["Mode"]["enum"],
        json!(["true", "Any", "3"])
    );
    assert!(n
        .report
        .fixes
        .iter()
        .any(|l| l.contains("/components/schemas/Mode")));
}

#[test]
fn progenitor_failures_name_the_schema_or_operation() {
    let info = ModuleInfo {
        module: "t",
        crate_name: "servicetitan-t",
        spec_display_path: "t.json",
        spec_bytes: b"",
        core_dependency: "{ path = \"x\" }",
        workspace_member: false,
        description: "test",
    };
    // An object among the values of a string enum: typify's "unexpected value type".
    let bad_schema = r#"{"openapi": "3.0.1", "info": {"title": "t", "version": "1"},
        "paths": {"/tenant/{tenant}/x": {"get": {"operationId": "x", "responses": {"200": {"description": "ok"}}}}},
        "components": {"schemas": {"Fine": {"type": "string"}, "Odd.Name": {"type": "string", "enum": [{"a": 1}, "b"]}}}}"#;
    let e = generate::generate(&normalized("bs.json", bad_schema), &info, false)
        .err()
        .unwrap();
    // The pointer uses the document's own schema name, not the cleaned Rust one.
    assert_eq!(e.location.as_deref(), Some("/components/schemas/Odd.Name"));
    assert!(e.message.contains("progenitor"), "{}", e.message);

    // A body media type progenitor cannot send.
    let bad_body = r#"{"openapi": "3.0.1", "info": {"title": "t", "version": "1"},
        "paths": {"/tenant/{tenant}/x": {"post": {"operationId": "x",
            "requestBody": {"content": {"application/xml": {"schema": {"type": "string"}}}},
            "responses": {"200": {"description": "ok"}}}}}}"#;
    let e = generate::generate(&normalized("bb.json", bad_body), &info, false)
        .err()
        .unwrap();
    assert_eq!(
        e.location.as_deref(),
        Some("/paths/~1tenant~1{tenant}~1x/post/requestBody")
    );

    // Through the command: the file and the pointer, and the other document still generates.
    let specs = temp_dir("located-specs");
    write(&specs, "bad.json", bad_schema);
    write(&specs, "good.yaml", MINIMAL_31);
    let out = temp_dir("located-out");
    let opts = Options {
        root: crate::workspace_root(),
        specs,
        out: Some(out.clone()),
        check: false,
        positional: false,
        only: None,
    };
    assert_eq!(codegen::run(&opts), Ok(false));
    assert!(out.join("crates/servicetitan-good").exists());
    let e = load::DocError::new(Path::new("bad.json"), "/components/schemas/Odd.Name", "x");
    assert_eq!(e.to_string(), "bad.json at /components/schemas/Odd.Name: x");
}

#[test]
fn a_page_without_total_count_reports_none() {
    let text = doc_with(
        "    Extra: { type: object, properties: { id: { type: integer } } }",
        PAGE_PARAMS,
    );
    let n = normalized("tc.yaml", &text);
    assert_eq!(n.lists.len(), 1);
    assert_eq!(n.lists[0].total_count, normalize::TotalCount::Absent);
    let code: String = generated_code(&n).split_whitespace().collect();
    assert!(
        code.contains("fntotal_count(&self)->Option<i64>{None}"),
        "no read of a field the page does not have"
    );
    // With the property, the committed form.
    let with_total = text.replace(
        "        hasMore: { type: boolean }",
        "        hasMore: { type: boolean }\n        totalCount: { type: integer, format: int32 }",
    );
    let n = normalized("tc2.yaml", &with_total);
    assert_eq!(n.lists[0].total_count, normalize::TotalCount::Lossless);
    let code: String = generated_code(&n).split_whitespace().collect();
    assert!(code.contains("self.total_count.map(i64::from)"));
}

#[test]
fn bounded_paging_parameters_stay_signed_integers() {
    let text = doc_with(
        "    Extra: { type: object, properties: { id: { type: integer, minimum: 1 }, n: { type: integer, exclusiveMinimum: 0 } } }",
        "        - { name: page, in: query, schema: { type: integer, minimum: 1 } }
        - { name: pageSize, in: query, schema: { type: integer, format: int32, minimum: 1, maximum: 500 } }
        - { name: ids, in: query, schema: { type: array, items: { type: integer, minimum: 0 } } }",
    );
    let n = normalized("pb.yaml", &text);
    let params = n.doc["paths"][format!("/tenant/{TENANT_PLACEHOLDER}/things")]["get"]
        ["parameters"]
        .as_array()
        .unwrap();
    let page = params.iter().find(|p| p["name"] == "page").unwrap();
    assert_eq!(
        page["schema"],
        json!({ "type": "integer", "format": "int32" })
    );
    let size = params.iter().find(|p| p["name"] == "pageSize").unwrap();
    assert_eq!(
        size["schema"],
        json!({ "type": "integer", "format": "int32" })
    );
    let code = generated_code(&n);
    assert!(!code.contains("NonZero"), "no NonZero type anywhere");
    let flat: String = code.split_whitespace().collect();
    assert!(flat.contains("page:Result<Option<i32>,String>"));
    assert!(flat.contains("page_size:Result<Option<i32>,String>"));
    assert!(
        !flat.contains("Option<u64>"),
        "bounded integers stay signed"
    );
    // A list item's id is required (a resource's own id), and signed despite its minimum.
    assert!(flat.contains("pubid:i64,"), "{flat}");
    assert!(n
        .report
        .fixes
        .iter()
        .any(|l| l.contains("lost minimum/maximum")));
}

#[test]
fn a_body_with_several_media_types_keeps_json() {
    let n = normalized(
        "mt.yaml",
        r#"
openapi: 3.0.1
info: { title: t, version: "1" }
servers: [{ url: "https://api.servicetitan.io/t/v2" }]
paths:
  /tenant/{tenant}/a:
    post:
      operationId: a
      requestBody:
        content:
          text/plain: { schema: { type: string } }
          application/json-patch+json: { schema: { type: object } }
          application/json: { schema: { $ref: '#/components/schemas/Body' } }
      responses: { '204': { description: ok } }
  /tenant/{tenant}/b:
    post:
      operationId: b
      requestBody:
        content:
          text/plain: { schema: { type: string } }
          text/json: { schema: { $ref: '#/components/schemas/Body' } }
          application/vnd.t+json: { schema: { $ref: '#/components/schemas/Body' } }
      responses: { '204': { description: ok } }
  /tenant/{tenant}/c:
    post:
      operationId: c
      requestBody:
        content:
          text/json: { schema: { $ref: '#/components/schemas/Body' } }
      responses: { '204': { description: ok } }
components:
  schemas:
    Body: { type: object, properties: { a: { type: string } } }
"#,
    );
    let content = |p: &str| {
        let c = &n.doc["paths"][format!("/tenant/{TENANT_PLACEHOLDER}/{p}")]["post"]["requestBody"]
            ["content"];
        c.as_object().unwrap().clone()
    };
    for p in ["a", "b", "c"] {
        let c = content(p);
        assert_eq!(c.keys().collect::<Vec<_>>(), ["application/json"], "{p}");
        assert_eq!(
            c["application/json"]["schema"]["$ref"], "#/components/schemas/Body",
            "{p}"
        );
    }
    let fixes = n.report.fixes.join("\n");
    assert!(
        fixes.contains("POST /tenant/{tenant}/a: request body offered as text/plain, application/json-patch+json, application/json; the client sends application/json only"),
        "{fixes}"
    );
    assert!(fixes.contains("POST /tenant/{tenant}/b: request body offered as text/plain, text/json, application/vnd.t+json; the client sends it as application/json"), "{fixes}");
    // And progenitor takes it.
    assert!(generated_code(&n).contains("pub fn b(&self)"));
}

#[test]
fn properties_that_differ_only_in_case_get_two_fields() {
    let text = doc_with(
        "    Extra:
      type: object
      properties:
        name: { type: string }
        Name: { type: string }
        NAME: { type: integer }
        name_2: { type: boolean }",
        PAGE_PARAMS,
    );
    let n = normalized("cs.yaml", &text);
    let info = ModuleInfo {
        module: "t",
        crate_name: "servicetitan-t",
        spec_display_path: "t.yaml",
        spec_bytes: b"",
        core_dependency: "{ path = \"x\" }",
        workspace_member: false,
        description: "test",
    };
    let krate = generate::generate(&n, &info, false).unwrap();
    let code: String = krate.files["src/generated.rs"].split_whitespace().collect();
    // Each wire key keeps its own field; the taken `name_2` pushes the next one to `name_3`.
    assert_eq!(code.matches("pubname:").count(), 1, "{code}");
    assert!(
        code.contains("pubname_3:") && code.contains("pubname_4:"),
        "{code}"
    );
    assert!(code.contains("pubname_2:::std::option::Option<bool>"));
    // The builder, its setters and the conversions follow the same names.
    assert!(code.contains("pubfnname_3<T>") && code.contains("self.name_3=value"));
    assert!(code.contains("name_4:value.name_4?"));
    assert!(code.contains("name_3:Ok(value.name_3)"));
    // Every wire key is still there exactly once.
    for key in ["\"NAME\"", "\"Name\""] {
        assert_eq!(code.matches(&format!("rename={key}")).count(), 1, "{key}");
    }
    assert_eq!(code.matches("#[serde(rename=\"name\")]").count(), 1);
    assert_eq!(krate.fixes.len(), 2, "{:?}", krate.fixes);
}

#[test]
fn when_no_document_generates_no_workspace_is_written() {
    let specs = temp_dir("none-specs");
    write(&specs, "bad.yaml", "openapi: 3.1.0\n  : : :\n");
    write(&specs, "worse.json", "{");
    let out = temp_dir("none-out");
    let opts = Options {
        root: crate::workspace_root(),
        specs: specs.clone(),
        out: Some(out.clone()),
        check: false,
        positional: false,
        only: None,
    };
    let e = codegen::run(&opts).unwrap_err();
    assert!(e.contains("no document generated"), "{e}");
    assert!(!out.join("Cargo.toml").exists());
    // An --only that matches nothing says so.
    write(&specs, "good.yaml", MINIMAL_31);
    let opts = Options {
        only: Some("nothing".into()),
        ..opts
    };
    let e = codegen::run(&opts).unwrap_err();
    assert!(e.contains("--only nothing"), "{e}");
    assert!(!out.join("Cargo.toml").exists());
}

#[test]
fn paths_without_a_tenant_and_shared_server_paths_are_warned_about() {
    let n = normalized(
        "nt.yaml",
        r#"
openapi: 3.0.1
info: { title: t, version: "1" }
servers: [{ url: "https://api.servicetitan.io/t/v2" }]
paths:
  /tenant/{tenant}/a:
    get: { operationId: a, responses: { '204': { description: ok } } }
  /status:
    get: { operationId: s, responses: { '204': { description: ok } } }
"#,
    );
    let warnings = n.report.warnings.join("\n");
    assert!(
        warnings.contains("1 of 2 path(s) have no /tenant/{tenant} segment (first: /status"),
        "{warnings}"
    );
    assert!(normalized("m.yaml", MINIMAL_31).report.warnings.is_empty());

    let a = normalized("a.yaml", MINIMAL_31);
    let b = normalized("b.yaml", MINIMAL_31);
    let c = normalized(
        "c.yaml",
        &MINIMAL_31.replace("api.servicetitan.io/t/v2", "api.servicetitan.io/other/v2"),
    );
    assert_eq!(a.module_paths().into_iter().collect::<Vec<_>>(), ["/t/v2"]);
    let docs = [
        ("a.yaml".to_string(), a.module_paths()),
        ("b.yaml".to_string(), b.module_paths()),
        ("c.yaml".to_string(), c.module_paths()),
    ];
    let warnings = codegen::shared_server_paths(&docs);
    assert_eq!(
        warnings[0],
        ["server path /t/v2 is also declared by b.yaml: their clients call the same endpoints"]
    );
    assert_eq!(warnings[1].len(), 1);
    assert!(warnings[2].is_empty());
}

#[test]
fn every_task_has_a_help() {
    let codegen = crate::task_usage("codegen").unwrap();
    assert!(codegen.starts_with("usage:\n  cargo xtask codegen"));
    assert!(codegen.contains("--only MODULE") && codegen.contains("--positional"));
    assert!(!codegen.contains("spec-diff"));
    let diff = crate::task_usage("spec-diff").unwrap();
    assert!(diff.contains("--min-coverage") && !diff.contains("codegen"));
    assert!(crate::task_usage("no-such-task").is_none());
    // Every task named in the usage has one.
    for line in crate::USAGE
        .lines()
        .filter(|l| l.starts_with("  cargo xtask "))
    {
        let task = line.split_whitespace().nth(2).unwrap();
        assert!(crate::task_usage(task).is_some(), "{task}");
    }
}

const WRITES_31: &str = r#"
openapi: 3.1.0
info: { title: t, version: "1" }
servers: [{ url: "https://api.servicetitan.io/t/v2" }]
paths:
  /tenant/{tenant}/things:
    post:
      operationId: createThing
      parameters:
        - { name: tenant, in: path, required: true, schema: { type: integer } }
      requestBody:
        content:
          application/json:
            schema: { $ref: '#/components/schemas/ThingCreate' }
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Thing' }
  /tenant/{tenant}/things/{id}:
    patch:
      operationId: updateThing
      deprecated: true
      x-deprecated-note: use replaceThing.
      parameters:
        - { name: tenant, in: path, required: true, schema: { type: integer } }
        - { name: id, in: path, required: true, schema: { type: integer } }
      requestBody:
        content:
          application/json:
            schema: { $ref: '#/components/schemas/ThingUpdate' }
      responses:
        '200': { description: ok }
components:
  schemas:
    Address:
      type: object
      required: [street]
      properties:
        street: { type: string }
        unit: { type: string }
    ThingCreate:
      type: object
      required: [name, address]
      properties:
        name: { type: string }
        note: { type: string }
        address: { $ref: '#/components/schemas/Address' }
    ThingUpdate:
      type: object
      properties:
        name: { type: string }
        tags: { type: array, items: { type: integer } }
    Thing:
      type: object
      required: [name]
      properties:
        id: { type: integer, format: int64 }
        name: { type: string }
        oldName: { type: string, deprecated: true }
        address: { $ref: '#/components/schemas/Address' }
"#;

#[test]
fn requests_are_strict_responses_lenient_and_shared_models_split() {
    let n = normalized("writes.yaml", WRITES_31);
    let schemas = &n.doc["components"]["schemas"];
    // The request side keeps `required`; the response side does not, except the resource's id.
    assert_eq!(
        schemas["ThingCreate"]["required"],
        json!(["name", "address"])
    );
    assert_eq!(schemas["Thing"]["required"], json!(["id"]));
    assert_eq!(
        schemas["Thing"]["properties"]["name"]["nullable"],
        json!(true)
    );
    assert!(schemas["Thing"]["properties"]["id"]
        .get("nullable")
        .is_none());
    // Address is on both sides: the response keeps it lenient, the request gets a strict copy.
    assert!(schemas["Address"].get("required").is_none());
    assert_eq!(schemas["AddressInput"]["required"], json!(["street"]));
    assert_eq!(
        schemas["ThingCreate"]["properties"]["address"]["$ref"],
        json!("#/components/schemas/AddressInput")
    );
    assert_eq!(
        schemas["Thing"]["properties"]["address"]["$ref"],
        json!("#/components/schemas/Address")
    );
    assert!(n.strict_models.contains("ThingCreate"));
    assert!(n.patch_bodies.contains("ThingUpdate"));

    let code = generated_code(&n);
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    let code = squeeze(&code);
    // Required request fields are plain values; optional ones stay `Option`.
    assert!(
        code.contains(&squeeze("pub name: ::std::string::String,")),
        "strict name"
    );
    assert!(code.contains(&squeeze("pub address: AddressInput,")));
    assert!(
        code.contains(&squeeze("pub id: i64,")),
        "the resource id is required"
    );
    // PATCH bodies: three-state fields, in the struct and in the builder's setter.
    assert!(code.contains(&squeeze(
        "pub name: ::servicetitan_core::types::Patch<::std::string::String>,"
    )));
    assert!(code.contains(&squeeze(
        "pub tags: ::servicetitan_core::types::Patch<::std::vec::Vec<i64>>,"
    )));
    assert!(code.contains(&squeeze(
        "T: ::std::convert::TryInto<::servicetitan_core::types::Patch<::std::string::String>"
    )));
    // `build()` on the strict models' builders.
    assert!(code.contains(&squeeze(
        "-> ::std::result::Result<types::ThingCreate, servicetitan_core::Error>"
    )));
    // Deprecations: the operation with our note, the property with the default one.
    assert!(code.contains(&squeeze(
        r#"#[deprecated(note = "use replaceThing.")] pub fn update_thing"#
    )));
    assert!(code.contains(&squeeze(
        r#"#[deprecated(note = "deprecated by the API's document")] pub old_name"#
    )));
}
