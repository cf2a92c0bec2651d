//! `#[deprecated]` on what the document deprecates: operations (the client's method), models (the
//! struct) and properties (the field and its builder setter). progenitor and typify write none.
//! The note is ours, from the overlay (`x-deprecated-note`), when there is one.

use std::collections::BTreeMap;

use serde_json::Value;
use syn::{Fields, ImplItem, Item};

use crate::generate::{inline_module_mut, type_name};

/// The extension that carries our note beside `deprecated: true` (written by `spec-import`).
pub const DEPRECATED_NOTE_KEY: &str = "x-deprecated-note";

/// What `#[deprecated]` says when the overlay has no note.
const DEFAULT_NOTE: &str = "deprecated by the API's document";

/// What a document deprecates, each with its note.
#[derive(Debug, Default)]
pub struct Deprecations {
    /// Operation id → note.
    pub operations: BTreeMap<String, String>,
    /// Component schema name → note.
    pub models: BTreeMap<String, String>,
    /// (schema name, property wire name) → note.
    pub properties: BTreeMap<(String, String), String>,
}

fn note_of(v: &Value) -> Option<String> {
    (v.get("deprecated") == Some(&Value::Bool(true))).then(|| {
        v.get(DEPRECATED_NOTE_KEY)
            .and_then(Value::as_str)
            .unwrap_or(DEFAULT_NOTE)
            .to_string()
    })
}

/// Reads the deprecations of a normalized document.
pub fn collect(doc: &Value) -> Deprecations {
    let mut out = Deprecations::default();
    for item in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            if let (Some(note), Some(id)) =
                (note_of(op), op.get("operationId").and_then(Value::as_str))
            {
                out.operations.insert(id.to_string(), note);
            }
        }
    }
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        if let Some(note) = note_of(schema) {
            out.models.insert(name.clone(), note);
        }
        let props = schema.get("properties").and_then(Value::as_object);
        for (prop, p) in props.into_iter().flatten() {
            if let Some(note) = note_of(p) {
                out.properties.insert((name.clone(), prop.clone()), note);
            }
        }
    }
    out
}

/// Adds the attributes; returns how many were added.
pub fn apply(file: &mut syn::File, d: &Deprecations) -> usize {
    let mut added = 0;
    for item in file.items.iter_mut() {
        match item {
            Item::Impl(i) if i.trait_.is_none() && type_name(&i.self_ty) == "Client" => {
                for member in i.items.iter_mut() {
                    if let ImplItem::Fn(f) = member {
                        if let Some(note) = d.operations.get(&f.sig.ident.to_string()) {
                            f.attrs.push(syn::parse_quote!(#[deprecated(note = #note)]));
                            added += 1;
                        }
                    }
                }
            }
            Item::Mod(m) if m.ident == "types" => {
                if let Some((_, items)) = &mut m.content {
                    added += apply_to_types(items, d);
                }
            }
            _ => {}
        }
    }
    added
}

/// The name a field has on the wire: its serde `rename`, else its Rust name.
fn wire_name(field: &syn::Field) -> String {
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let mut rename = None;
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                rename = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                // Skip the value of other `key = value` entries.
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
        if let Some(r) = rename {
            return r;
        }
    }
    field
        .ident
        .as_ref()
        .map(|i| i.to_string().trim_start_matches("r#").to_string())
        .unwrap_or_default()
}

fn apply_to_types(items: &mut [Item], d: &Deprecations) -> usize {
    let mut added = 0;
    // struct name → (field name → note), for the builders' setters.
    let mut fields_by_struct: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        if let Some(note) = d.models.get(&name) {
            s.attrs.push(syn::parse_quote!(#[deprecated(note = #note)]));
            added += 1;
        }
        let Fields::Named(fields) = &mut s.fields else {
            continue;
        };
        for field in fields.named.iter_mut() {
            let key = (name.clone(), wire_name(field));
            if let Some(note) = d.properties.get(&key) {
                field
                    .attrs
                    .push(syn::parse_quote!(#[deprecated(note = #note)]));
                added += 1;
                let ident = field.ident.as_ref().expect("named field").to_string();
                fields_by_struct
                    .entry(name.clone())
                    .or_default()
                    .insert(ident, note.clone());
            }
        }
    }
    for item in inline_module_mut(items, "builder").into_iter().flatten() {
        let Item::Impl(i) = item else { continue };
        if i.trait_.is_some() {
            continue;
        }
        let Some(fields) = fields_by_struct.get(&type_name(&i.self_ty)) else {
            continue;
        };
        for member in i.items.iter_mut() {
            if let ImplItem::Fn(f) = member {
                if let Some(note) = fields.get(&f.sig.ident.to_string()) {
                    f.attrs.push(syn::parse_quote!(#[deprecated(note = #note)]));
                }
            }
        }
    }
    added
}
