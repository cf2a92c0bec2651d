//! Open enums: every string enum typify generated is replaced by one with an `Unknown(String)`
//! variant, so a value the document never listed decodes (and re-encodes) instead of failing
//! the whole page.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Attribute, Fields, Item, ItemEnum, Meta};

/// Rewrites every closed string enum under `file`; returns how many were opened.
pub fn rewrite(file: &mut syn::File) -> usize {
    rewrite_items(&mut file.items)
}

fn rewrite_items(items: &mut Vec<Item>) -> usize {
    let mut count = 0;
    for item in items.iter_mut() {
        if let Item::Mod(m) = item {
            if let Some((_, inner)) = &mut m.content {
                count += rewrite_items(inner);
            }
        }
    }
    let targets: Vec<(String, Vec<(syn::Ident, String)>)> = items
        .iter()
        .filter_map(|item| match item {
            Item::Enum(e) => string_enum(e).map(|v| (e.ident.to_string(), v)),
            _ => None,
        })
        .collect();
    if targets.is_empty() {
        return count;
    }
    let names: Vec<&String> = targets.iter().map(|(n, _)| n).collect();
    let mut replaced = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        match &item {
            Item::Enum(e) if names.contains(&&e.ident.to_string()) => {
                let variants = &targets.iter().find(|(n, _)| e.ident == n).unwrap().1;
                let code = open_enum(e, variants);
                let parsed: syn::File = syn::parse2(code).expect("open enum code parses");
                replaced.extend(parsed.items);
            }
            Item::Impl(i) if is_replaced_impl(i, &names) => {}
            _ => replaced.push(item),
        }
    }
    *items = replaced;
    count + targets.len()
}

/// The variants and wire names of an enum whose variants are all units (typify's string enums).
fn string_enum(e: &ItemEnum) -> Option<Vec<(syn::Ident, String)>> {
    if e.variants.is_empty() || !derives(&e.attrs, "Deserialize") {
        return None;
    }
    // typify marks untagged / tagged enums with container attributes; only plain ones qualify.
    if e.attrs.iter().any(|a| a.path().is_ident("serde")) {
        return None;
    }
    e.variants
        .iter()
        .map(|v| {
            if !matches!(v.fields, Fields::Unit) {
                return None;
            }
            let wire = serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string());
            Some((v.ident.clone(), wire))
        })
        .collect()
}

fn derives(attrs: &[Attribute], name: &str) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("derive") && quote!(#a).to_string().contains(name))
}

fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    for a in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        if let Meta::List(list) = &a.meta {
            let mut found = None;
            let _ = list.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let lit: syn::LitStr = meta.value()?.parse()?;
                    found = Some(lit.value());
                }
                Ok(())
            });
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

/// The impls typify writes for a string enum that our code provides instead.
fn is_replaced_impl(i: &syn::ItemImpl, names: &[&String]) -> bool {
    let self_name = match &*i.self_ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    let Some(self_name) = self_name else {
        return false;
    };
    if !names.contains(&&self_name) {
        return false;
    }
    let Some((_, trait_path, _)) = &i.trait_ else {
        return false;
    };
    let last = trait_path.segments.last().unwrap();
    let trait_name = last.ident.to_string();
    let args = quote!(#last).to_string();
    match trait_name.as_str() {
        "Display" | "FromStr" => true,
        "TryFrom" => args.contains("str") || args.contains("String"),
        _ => false,
    }
}

fn open_enum(e: &ItemEnum, variants: &[(syn::Ident, String)]) -> TokenStream {
    let name = &e.ident;
    let docs: Vec<&Attribute> = e
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .collect();
    let vis = &e.vis;
    let idents: Vec<&syn::Ident> = variants.iter().map(|(i, _)| i).collect();
    let wires: Vec<&String> = variants.iter().map(|(_, w)| w).collect();
    let variant_docs: Vec<Vec<&Attribute>> = e
        .variants
        .iter()
        .map(|v| {
            v.attrs
                .iter()
                .filter(|a| a.path().is_ident("doc"))
                .collect()
        })
        .collect();
    let unknown = if idents.iter().any(|i| *i == "Unknown") {
        format_ident!("UnknownValue")
    } else {
        format_ident!("Unknown")
    };
    quote! {
        #(#docs)*
        #[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
        #[non_exhaustive]
        #vis enum #name {
            #( #(#variant_docs)* #idents, )*
            /// A value the document does not list, kept exactly as the server sent it.
            #unknown(::std::string::String),
        }
        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#idents => #wires, )*
                    Self::#unknown(value) => value.as_str(),
                }
            }
            /// True when the value is one the document lists.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::#unknown(_))
            }
        }
        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #wires => Self::#idents, )*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }
        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }
        impl ::std::convert::From<&::std::string::String> for #name {
            fn from(value: &::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value))
            }
        }
    }
}
