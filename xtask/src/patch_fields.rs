//! Three-state fields for PATCH bodies. typify writes an optional field as `Option<T>` (or an
//! empty-skipped `Vec`/map) and leaves it out when empty, so an update could never send `null` to
//! clear a field. In the models of PATCH request bodies those fields become
//! `servicetitan_core::types::Patch<T>` — absent, `null` or a value — in the struct and in its
//! builder.

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;
use syn::punctuated::Punctuated;
use syn::{Attribute, Fields, ImplItem, Item, Meta, Token, Type, WherePredicate};

use crate::generate::{inline_module_mut, type_name};

const PATCH: &str = "::servicetitan_core::types::Patch";

/// Rewrites the optional fields of the structs named in `bodies`; returns how many fields.
pub fn rewrite(file: &mut syn::File, bodies: &BTreeSet<String>) -> usize {
    let Some(types) = inline_module_mut(&mut file.items, "types") else {
        return 0;
    };
    // struct name → the fields that became `Patch`.
    let mut changed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in types.iter_mut() {
        let Item::Struct(s) = item else { continue };
        if !bodies.contains(&s.ident.to_string()) {
            continue;
        }
        let Fields::Named(fields) = &mut s.fields else {
            continue;
        };
        for field in fields.named.iter_mut() {
            if !skipped_when_empty(&field.attrs) {
                continue;
            }
            let serde = patch_serde_attr(&field.attrs);
            field.attrs.retain(|a| !a.path().is_ident("serde"));
            field.attrs.push(serde);
            field.ty = patch_type(&field.ty);
            let name = field.ident.as_ref().expect("named field").to_string();
            changed.entry(s.ident.to_string()).or_default().insert(name);
        }
    }
    let count = changed.values().map(BTreeSet::len).sum();
    if let Some(builders) = inline_module_mut(types, "builder") {
        for item in builders.iter_mut() {
            match item {
                Item::Struct(s) => {
                    let Some(fields_changed) = changed.get(&s.ident.to_string()) else {
                        continue;
                    };
                    let Fields::Named(fields) = &mut s.fields else {
                        continue;
                    };
                    for field in fields.named.iter_mut() {
                        let name = field.ident.as_ref().expect("named field").to_string();
                        if fields_changed.contains(&name) {
                            // `Result<Option<X>, String>` → `Result<Patch<X>, String>`.
                            map_first_generic(&mut field.ty, patch_type);
                        }
                    }
                }
                Item::Impl(i) if i.trait_.is_none() => {
                    let Some(fields_changed) = changed.get(&type_name(&i.self_ty)) else {
                        continue;
                    };
                    for member in i.items.iter_mut() {
                        let ImplItem::Fn(f) = member else { continue };
                        if !fields_changed.contains(&f.sig.ident.to_string()) {
                            continue;
                        }
                        // The setter's bound: `T: TryInto<Option<X>>` → `T: TryInto<Patch<X>>`.
                        if let Some(clause) = &mut f.sig.generics.where_clause {
                            for p in clause.predicates.iter_mut() {
                                let WherePredicate::Type(t) = p else { continue };
                                let bounded = &t.bounded_ty;
                                if quote!(#bounded).to_string() != "T" {
                                    continue;
                                }
                                for bound in t.bounds.iter_mut() {
                                    if let syn::TypeParamBound::Trait(b) = bound {
                                        map_last_segment_generic(&mut b.path, patch_type);
                                    }
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    count
}

/// Whether typify leaves the field out when it is empty (its optional fields).
fn skipped_when_empty(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .any(|a| quote!(#a).to_string().contains("skip_serializing_if"))
}

/// `Option<X>` → `Patch<X>`; a `Vec`/map `C` → `Patch<C>` (so an empty list can be sent).
fn patch_type(ty: &Type) -> Type {
    let patch: syn::Path = syn::parse_str(PATCH).expect("a path");
    if let Type::Path(p) = ty {
        if let Some(last) = p.path.segments.last() {
            if last.ident == "Option" {
                if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                    if let Some(inner) = args.args.first() {
                        return syn::parse_quote!(#patch<#inner>);
                    }
                }
            }
        }
    }
    syn::parse_quote!(#patch<#ty>)
}

/// Applies `f` to the first generic argument of a path type (`Result<A, B>` → `Result<f(A), B>`).
fn map_first_generic(ty: &mut Type, f: fn(&Type) -> Type) {
    if let Type::Path(p) = ty {
        map_last_segment_generic(&mut p.path, f);
    }
}

fn map_last_segment_generic(path: &mut syn::Path, f: fn(&Type) -> Type) {
    let Some(last) = path.segments.last_mut() else {
        return;
    };
    if let syn::PathArguments::AngleBracketed(args) = &mut last.arguments {
        if let Some(syn::GenericArgument::Type(t)) = args.args.first_mut() {
            *t = f(t);
        }
    }
}

/// The field's serde attributes (dedupe_fields may have added a second one) as one, with
/// `default` and the `Patch` skip test.
fn patch_serde_attr(attrs: &[Attribute]) -> Attribute {
    let kept: Vec<Meta> = attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .filter_map(|a| {
            a.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .filter(|m| !(m.path().is_ident("default") || m.path().is_ident("skip_serializing_if")))
        .collect();
    let skip = format!("{PATCH}::is_absent");
    syn::parse_quote!(#[serde(#(#kept,)* default, skip_serializing_if = #skip)])
}
