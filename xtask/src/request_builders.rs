//! `build()` on the builders of request models: the model, or `Error::InvalidRequest` naming the
//! model and the first required field that was not set (typify's own `TryFrom` says only the
//! field). Lets a caller build a nested model with `?` before anything is sent.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Item;

use crate::generate::inline_module;

/// One `impl` per strict model that has a builder in `types::builder`.
pub fn build_methods(file: &syn::File, strict: &BTreeSet<String>) -> TokenStream {
    let builders: BTreeSet<String> = inline_module(&file.items, "types")
        .and_then(|types| inline_module(types, "builder"))
        .into_iter()
        .flatten()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut out = TokenStream::new();
    for name in strict.iter().filter(|n| builders.contains(*n)) {
        let ty = format_ident!("{name}");
        let doc = format!(
            "The `{name}`, or [`servicetitan_core::Error::InvalidRequest`] naming the first \
             required field not set."
        );
        out.extend(quote! {
            impl types::builder::#ty {
                #[doc = #doc]
                pub fn build(self) -> ::std::result::Result<types::#ty, servicetitan_core::Error> {
                    types::#ty::try_from(self).map_err(|e| {
                        servicetitan_core::Error::InvalidRequest(format!("{}: {e}", #name))
                    })
                }
            }
        });
    }
    out
}
