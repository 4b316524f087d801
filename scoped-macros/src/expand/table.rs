//! The table attributes: the `Table` impl, the hint for `#[derive(ScopedKey)]`, and the
//! Storage section of the struct's docs.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Attribute, Ident, LitStr, parse_quote};

use super::{code_list, key_pattern, table_vars};
use crate::ast::{BOUND_HINT, TABLE_HINT, TableInput};
use crate::doc;

/// The base a struct is bound to while its real base is reported as invalid, so the error is
/// the only one (no "not bound to a table" from its derive or its uses).
pub(super) const PLACEHOLDER_BASE: &str = "invalid-base-name";

pub(super) fn table(input: &TableInput, checked: darling::Result<String>) -> TokenStream {
    let (base, errors) = match checked {
        Ok(base) => (base, None),
        Err(error) => (PLACEHOLDER_BASE.to_owned(), Some(error.write_errors())),
    };
    // A second table attribute under another name: the first already bound the struct, so
    // this one adds only its error.
    if input.bound.is_some() {
        let item = &input.item;
        return quote!(#item #errors);
    }
    let kind = input.kind;
    let (indexes, index_errors) = input.checked_indexes();
    let index_errors = index_errors.err().map(darling::Error::write_errors);
    let mut item = input.item.clone();
    let ident = &item.ident;
    let vis = &item.vis;
    let mut vars = table_vars(kind, &ident.to_string(), &base);
    vars.push(("key_line", key_line(input)));
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let storage = doc::render(doc::STORAGE, &vars);
    mark_id_fields(&mut item.fields, &vars);
    let table_name_doc = doc::render(doc::TABLE_NAME, &vars);
    let scope = kind.type_path();
    let base_lit = LitStr::new(&base, proc_macro2::Span::call_site());
    let hint = Ident::new(TABLE_HINT, proc_macro2::Span::call_site());
    let noun = Ident::new(kind.noun(), proc_macro2::Span::call_site());
    let mut extra: Vec<Attribute> = Vec::new();
    if input.derives_key {
        extra.push(parse_quote!(#[#hint(#noun, #base_lit)]));
    } else {
        let bound = Ident::new(BOUND_HINT, Span::call_site());
        extra.push(parse_quote!(#[::scoped_runtime::__private::#bound(#noun, #base_lit)]));
    }
    // Only extend docs that exist: an undocumented entity still trips `missing_docs`.
    if item.attrs.iter().any(|attr| attr.path().is_ident("doc")) {
        extra.push(parse_quote!(#[doc = #storage]));
    }
    item.attrs.extend(extra);
    // The conflicting attributes were taken off rather than expanded; naming their paths
    // keeps their imports used, so the conflict is the only diagnostic.
    let conflicting = (!input.other_tables.is_empty()).then(|| {
        let paths = input.other_tables.iter().map(|(_, attr)| attr.path());
        quote!(const _: () = { #(#[allow(unused_imports)] use #paths as _;)* };)
    });
    let item = &item;
    let ident = &item.ident;
    let schema = if input.sort_key {
        quote!(::scoped_runtime::__private::KeySchema::PartitionAndSort)
    } else {
        quote!(::scoped_runtime::__private::KeySchema::Partition)
    };
    let index_items = super::index::index_items(kind, ident, &item.vis, &base, &indexes);
    let indexes_value = super::index::indexes_value(&indexes);
    let sorted = input.sort_key.then(|| {
        quote! {
            #[automatically_derived]
            impl ::scoped_runtime::__private::SortKeyTable for #ident {}
        }
    });
    quote! {
        #item

        const _: () = {
            #[automatically_derived]
            impl ::scoped_runtime::__private::BoundTable for #ident {}

            #[automatically_derived]
            impl ::scoped_runtime::__private::Table for #ident {
                type Scope = #scope;
                type Declaration = Self;
                const BASE_NAME: ::scoped_runtime::__private::BaseName =
                    ::scoped_runtime::__private::BaseName::from_static(#base_lit);
                const KEY_SCHEMA: ::scoped_runtime::__private::KeySchema = #schema;
                const INDEXES: &'static [::scoped_runtime::__private::IndexSchema] =
                    #indexes_value;
            }

            #sorted

            impl #ident {
                #[doc = #table_name_doc]
                #[must_use]
                #vis fn table_name(scope: &#scope) -> ::scoped_runtime::__private::TableName {
                    <Self as ::scoped_runtime::__private::Table>::table_name(scope)
                }
            }
        };

        #index_items
        #conflicting
        #errors
        #index_errors
    }
}

/// The Storage section's sentence on the key, when the struct derives `ScopedKey`: its
/// pattern, id fields and tag, read from the struct as the derive will.
pub(super) fn key_line(input: &TableInput) -> String {
    if !input.derives_key {
        return String::new();
    }
    let ids = input.id_fields();
    if ids.is_empty() {
        return String::new();
    }
    let tag = input.entity_tag();
    format!(
        " Its partition key, `{}`, is built from its id {} {} (entity tag `{tag}`), which an \
         update cannot change.",
        key_pattern(Some(input.kind), &tag, &ids),
        if ids.len() == 1 { "field" } else { "fields" },
        code_list(&ids),
    )
}

/// Appends to each documented `#[scoped(id)]` field a line saying it is a key id. Undocumented
/// fields stay undocumented, so `missing_docs` still reports them.
pub(super) fn mark_id_fields(fields: &mut syn::Fields, vars: &[(&str, &str)]) {
    let entity = vars
        .iter()
        .find(|(name, _)| *name == "entity")
        .map_or("", |(_, value)| *value);
    let note = doc::render(doc::ID_FIELD, &[("entity", entity)]);
    for field in fields {
        let documented = field.attrs.iter().any(|attr| attr.path().is_ident("doc"));
        if documented && crate::ast::is_id_field(field) {
            field.attrs.push(parse_quote!(#[doc = #note]));
        }
    }
}
