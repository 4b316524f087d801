//! The inherent key builders an entity gets (`partition_key`, `item_key`…) and their docs.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Ident;

use super::{table_vars, tuple_if_many, unraw};
use crate::ast::{EntityKey, IdArg, IdField};
use crate::doc;

/// The pattern of an entity's partition keys, as the docs show it:
/// `TENANT#{tenant_id}#CAPSULE#{capsule_id}#LEAD#{lead_id}` when the scope is known, else
/// from the scope prefix on (`{scope prefix}LEAD#{lead_id}`), with the partition entity's tag
/// named when it is another entity's.
pub(super) fn partition_pattern(key: &EntityKey) -> String {
    let ids: Vec<String> = key
        .ids
        .iter()
        .map(|id| format!("{{{}}}", unraw(&id.name)))
        .collect();
    let prefix = key
        .table
        .as_ref()
        .map_or("{scope prefix}", |table| table.kind.key_prefix());
    let tag = match &key.partition {
        Some(partition) => format!("{{tag of {}}}", path_text(partition)),
        None => key.tag.clone(),
    };
    format!("{prefix}{tag}#{}", ids.join("#"))
}

/// The pattern of an entity's sort keys: `NOTE#{created}#{note_id}`, or `NOTE`.
pub(super) fn sort_pattern(key: &EntityKey) -> String {
    let mut pattern = key.tag.clone();
    for sort in &key.sorts {
        pattern.push_str(&format!("#{{{}}}", unraw(&sort.name)));
    }
    pattern
}

/// A path as the docs show it: `Crm`, `crate::crm::Lead`.
pub(super) fn path_text(path: &syn::Path) -> String {
    quote!(#path).to_string().replace(' ', "")
}

/// The inherent key builders: `partition_key`/`to_partition_key`, and `item_key`/
/// `to_item_key` for an entity with sort ids. Generated when the table is known, from a table
/// attribute's hint or a declaration the entity names.
pub(super) fn key_builders(key: &EntityKey) -> TokenStream {
    let ident = &key.ident;
    let vis = &key.vis;
    let (scope, mut vars) = match (&key.table, &key.declared_by) {
        (Some(table), _) => {
            let mut vars = table_vars(table.kind, &ident.to_string(), &table.base);
            vars.push((
                "where",
                format!(
                    "`{ident}` is a **{}** entity in table `{}`.",
                    table.kind.noun(),
                    table.kind.table_pattern(&table.base)
                ),
            ));
            (table.kind.type_path(), vars)
        }
        (None, Some(declaration)) => (
            quote!(<Self as ::scoped_runtime::__private::Table>::Scope),
            vec![
                ("entity", ident.to_string()),
                (
                    "where",
                    format!(
                        "`{ident}` lives in the table declared by `{}`, in that table's scope.",
                        path_text(declaration)
                    ),
                ),
            ],
        ),
        (None, None) => return TokenStream::new(),
    };
    vars.push(("key_pattern", partition_pattern(key)));
    vars.push(("sort_pattern", sort_pattern(key)));
    let fields: Vec<String> = key
        .ids
        .iter()
        .map(|id| format!("`{}`", unraw(&id.name)))
        .collect();
    vars.push((
        "id_fields",
        match fields.as_slice() {
            [one] => format!("{one} field"),
            many => format!("{} fields", many.join(", ")),
        },
    ));
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let param = |id: &IdField| {
        let name = &id.name;
        let ty = &id.ty;
        match id.arg {
            IdArg::Text => quote!(#name: &str),
            IdArg::Integer => quote!(#name: #ty),
            IdArg::Ref => quote!(#name: &#ty),
        }
    };
    let names = |fields: &[&IdField]| {
        tuple_if_many(
            fields.len(),
            fields.iter().map(|id| {
                let name = &id.name;
                quote!(#name)
            }),
        )
    };
    let partition_fields: Vec<&IdField> = key.ids.iter().collect();
    let params = partition_fields.iter().map(|id| param(id));
    let args = names(&partition_fields);
    let partition_key_doc = doc::render(doc::PARTITION_KEY, &vars);
    let to_partition_key_doc = doc::render(doc::TO_PARTITION_KEY, &vars);
    let result = |key_type: TokenStream| {
        quote! {
            ::scoped_runtime::__private::Result<
                ::scoped_runtime::__private::#key_type<#ident>,
                ::scoped_runtime::__private::KeyError,
            >
        }
    };
    let partition_result = result(quote!(PartitionKey));
    // The id parameters are named after the fields, so the scope parameter is hygienic: an id
    // field named `scope` is a second parameter, not a duplicate.
    let scope_param = Ident::new("scope", Span::mixed_site());
    let item_builders = (!key.sorts.is_empty()).then(|| {
        let all: Vec<&IdField> = key.ids.iter().chain(&key.sorts).collect();
        let params = all.iter().map(|id| param(id));
        let args = names(&all);
        let item_result = result(quote!(ItemKey));
        let item_key_doc = doc::render(doc::ITEM_KEY, &vars);
        let to_item_key_doc = doc::render(doc::TO_ITEM_KEY, &vars);
        quote! {
            #[doc = #item_key_doc]
            #vis fn item_key(#scope_param: &#scope, #(#params),*) -> #item_result {
                <Self as ::scoped_runtime::__private::Entity>::item_key(#scope_param, #args)
            }

            #[doc = #to_item_key_doc]
            #vis fn to_item_key(&self, scope: &#scope) -> #item_result {
                <Self as ::scoped_runtime::__private::Entity>::to_item_key(self, scope)
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #ident {
            #[doc = #partition_key_doc]
            #vis fn partition_key(#scope_param: &#scope, #(#params),*) -> #partition_result {
                <Self as ::scoped_runtime::__private::Entity>::partition_key(#scope_param, #args)
            }

            #[doc = #to_partition_key_doc]
            #vis fn to_partition_key(&self, scope: &#scope) -> #partition_result {
                <Self as ::scoped_runtime::__private::Entity>::to_partition_key(self, scope)
            }

            #item_builders
        }
    }
}
