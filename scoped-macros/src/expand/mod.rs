//! Model into tokens.
//!
//! Generated code names everything absolutely (`::scoped_runtime::__private::…`), sits in
//! `const _: () = { … };`, and calls the runtime's generic trait methods instead of inlining
//! bodies, so each entity costs a few lines of code to compile.
//!
//! One file per thing generated: `table` (the table attributes), `entity` (the `Entity`
//! impl, sort fields and compile-time checks), `builders` (the inherent key builders and
//! their docs), `collection` (`#[derive(Collection)]`), `index` (the index structs a table
//! attribute declares).

mod builders;
mod collection;
mod entity;
mod index;
mod table;
mod template;

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

use crate::ast::{CollectionInput, KeyInput, TableInput};
use crate::scope::ScopeKind;

/// `#[capsule_table("crm")]` and the other table attributes.
pub(crate) fn table_attribute(
    kind: ScopeKind,
    args: TokenStream,
    item: TokenStream,
) -> TokenStream {
    match TableInput::from_syn(kind, args, item.clone()) {
        Ok(input) => {
            let checked = input.validate();
            table::table(&input, checked)
        }
        // The item is not something a table can bind: keep it as written, plus the error.
        Err(error) => {
            let error = error.write_errors();
            quote!(#item #error)
        }
    }
}

/// The hint a table attribute leaves on a struct without `#[derive(ScopedKey)]`: it has done
/// its work once a later table attribute has seen it, so it removes itself.
pub(crate) fn bound_hint(item: TokenStream) -> TokenStream {
    item
}

/// `#[derive(Collection)]`.
pub(crate) fn derive_collection(input: TokenStream) -> TokenStream {
    match CollectionInput::from_syn(input).and_then(CollectionInput::validate) {
        Ok(model) => collection::collection(&model),
        Err(error) => error.write_errors(),
    }
}

/// `#[derive(ScopedKey)]`.
pub(crate) fn derive_scoped_key(input: TokenStream) -> TokenStream {
    match KeyInput::from_syn(input).and_then(KeyInput::validate) {
        Ok(key) => entity::scoped_key(&key),
        Err(error) => error.write_errors(),
    }
}

/// One id as itself, several as a tuple: the shape of `Entity::Ids`.
pub(super) fn tuple_if_many(count: usize, items: impl Iterator<Item = TokenStream>) -> TokenStream {
    if count == 1 {
        quote!(#(#items)*)
    } else {
        quote!((#(#items,)*))
    }
}

/// A field name as serde sees it: `type`, not `r#type`.
pub(crate) fn unraw_name(ident: &Ident) -> String {
    unraw(ident)
}

/// A field name as the docs show it: `type`, not `r#type`.
pub(super) fn unraw(ident: &Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#")
        .map_or_else(|| name.clone(), str::to_owned)
}

pub(super) fn table_vars(kind: ScopeKind, entity: &str, base: &str) -> Vec<(&'static str, String)> {
    vec![
        ("entity", entity.to_owned()),
        ("scope", kind.noun().to_owned()),
        ("attribute", kind.attribute().to_owned()),
        ("base", base.to_owned()),
        ("table_pattern", kind.table_pattern(base)),
        ("table_example", kind.table_example(base)),
        ("table", table_with_example(kind, base)),
        ("factory_call", kind.factory_call().to_owned()),
    ]
}

/// A scope's table as the docs name it: `` `{capsule_code}_crm` (e.g. `PRODUS_crm`) ``, or just
/// `` `audit` `` where the name is the same in every scope (the platform's).
pub(super) fn table_with_example(kind: ScopeKind, base: &str) -> String {
    let (pattern, example) = (kind.table_pattern(base), kind.table_example(base));
    if pattern == example {
        format!("`{pattern}`")
    } else {
        format!("`{pattern}` (e.g. `{example}`)")
    }
}

/// The pattern of an entity's keys: `TENANT#{tenant_id}#CAPSULE#{capsule_id}#LEAD#{lead_id}`,
/// or from the tag on when the scope is not known.
pub(super) fn key_pattern(kind: Option<ScopeKind>, tag: &str, ids: &[String]) -> String {
    let segments: Vec<String> = ids.iter().map(|id| format!("{{{id}}}")).collect();
    let prefix = kind.map_or("…#", ScopeKind::key_prefix);
    format!("{prefix}{tag}#{}", segments.join("#"))
}

/// `` `lead_id` `` or `` `tenant`, `lead_id` ``: id fields as the docs list them.
pub(super) fn code_list(names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    names.join(", ")
}
