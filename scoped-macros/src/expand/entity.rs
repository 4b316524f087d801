//! `#[derive(ScopedKey)]`: the `Entity` impl, the sort fields' `SortAt` impls and constants,
//! and the compile-time checks of the key model.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::Ident;
use syn::spanned::Spanned;

use super::builders::{key_builders, partition_pattern, sort_pattern};
use super::{code_list, tuple_if_many, unraw};
use crate::ast::{EntityKey, IdArg, IdField};
use crate::doc;

/// The type a key builder takes one id field as: `&'a str` for text, the integer itself, a
/// reference otherwise. Spanned on the field's type, so a type that cannot be an id is
/// reported there.
pub(super) fn id_arg_type(id: &IdField, lifetime: &TokenStream) -> TokenStream {
    let ty = &id.ty;
    match id.arg {
        IdArg::Text => quote_spanned!(ty.span()=> &#lifetime str),
        IdArg::Integer => quote_spanned!(ty.span()=> #ty),
        IdArg::Ref => quote_spanned!(ty.span()=> &#lifetime #ty),
    }
}

/// The expression that borrows one id field of `self` as its [`id_arg_type`].
pub(super) fn id_value(id: &IdField) -> TokenStream {
    let name = &id.name;
    match id.arg {
        IdArg::Text => quote!(::scoped_runtime::__private::AsRef::<str>::as_ref(&self.#name)),
        IdArg::Integer => quote!(self.#name),
        IdArg::Ref => quote!(&self.#name),
    }
}

/// The markers of sort-id positions, in order.
pub(super) const POSITIONS: [&str; 6] = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth"];

pub(super) fn position(index: usize) -> TokenStream {
    let name = Ident::new(POSITIONS[index.min(POSITIONS.len() - 1)], Span::call_site());
    quote!(::scoped_runtime::__private::position::#name)
}

pub(super) fn scoped_key(key: &EntityKey) -> TokenStream {
    let ident = &key.ident;
    let tag = &key.tag;
    let all: Vec<&IdField> = key.ids.iter().chain(&key.sorts).collect();
    let types = |fields: &[&IdField], lifetime: TokenStream| {
        tuple_if_many(
            fields.len(),
            fields.iter().map(move |id| id_arg_type(id, &lifetime)),
        )
    };
    let partition_fields: Vec<&IdField> = key.ids.iter().collect();
    let sort_fields: Vec<&IdField> = key.sorts.iter().collect();
    // `ids` names its type rather than `Self::Ids<'_>`: without a table, the projection would
    // repeat the impl's "not bound to a table" error.
    let (ids_type, ids_return) = (types(&all, quote!('a)), types(&all, quote!('_)));
    let partition_ids_type = types(&partition_fields, quote!('a));
    let sort_ids_type = if sort_fields.is_empty() {
        quote!(())
    } else {
        types(&sort_fields, quote!('a))
    };
    let ids_value = tuple_if_many(all.len(), all.iter().map(|id| id_value(id)));
    let bindings: Vec<Ident> = (0..all.len())
        .map(|i| Ident::new(&format!("__id{i}"), Span::mixed_site()))
        .collect();
    let (partition_bindings, sort_bindings) = bindings.split_at(key.ids.len());
    let ids_pattern = tuple_if_many(bindings.len(), bindings.iter().map(|b| quote!(#b)));
    let partition_value = tuple_if_many(
        partition_bindings.len(),
        partition_bindings.iter().map(|b| quote!(#b)),
    );
    let sort_value = if sort_bindings.is_empty() {
        quote!(())
    } else {
        tuple_if_many(
            sort_bindings.len(),
            sort_bindings.iter().map(|b| quote!(#b)),
        )
    };
    // Spanned on the struct's name, where a missing table is already reported, so the bound
    // on `Partition` does not report it a second time.
    let partition = key
        .partition
        .as_ref()
        .map_or_else(|| quote_spanned!(ident.span()=> Self), |path| quote!(#path));
    let sort_count = key.sorts.len();
    let first_sort = if key.sorts.is_empty() {
        quote!(::scoped_runtime::__private::position::Done)
    } else {
        position(0)
    };
    let table_impl = key.declared_by.as_ref().map(|declaration| {
        let table = quote_spanned!(declaration.span()=> <#declaration as ::scoped_runtime::__private::Table>);
        // Spanned on the declaration's path: an undeclared table is reported there, once.
        quote_spanned! {declaration.span()=>
            #[automatically_derived]
            impl ::scoped_runtime::__private::BoundTable for #ident {}

            #[automatically_derived]
            impl ::scoped_runtime::__private::Table for #ident {
                type Scope = #table::Scope;
                type Declaration = #table::Declaration;
                const BASE_NAME: ::scoped_runtime::__private::BaseName = #table::BASE_NAME;
                const KEY_SCHEMA: ::scoped_runtime::__private::KeySchema = #table::KEY_SCHEMA;
                const INDEXES: &'static [::scoped_runtime::__private::IndexSchema] = #table::INDEXES;
            }
        }
    });
    let sort_items = sort_items(key);
    let checks = key_checks(key);
    let builders = key_builders(key);
    let (tag_doc, attributes_doc, ids_doc) = entity_item_docs(key);
    let attributes = attributes_value(key);
    let templates = super::template::template_impls(key);
    let index_attributes = super::template::index_attributes_body(key);
    // Spanned on the struct's name, where a missing table is already reported, so the scope's
    // projection does not report it a second time.
    let index_attributes_fn = quote_spanned! {ident.span()=>
        fn index_attributes(
            &self,
            scope: &<Self as ::scoped_runtime::__private::Table>::Scope,
            key: &::scoped_runtime::__private::ItemKey<Self>,
        ) -> ::core::result::Result<
            ::scoped_runtime::__private::IndexAttributes,
            ::scoped_runtime::__private::KeyError,
        > {
            let _ = (scope, key);
            #index_attributes
        }
    };
    let visit_unique = super::template::visit_unique_body(key);
    let unique_attributes = super::template::unique_attributes(key);
    quote! {
        const _: () = {
            #table_impl

            #[automatically_derived]
            impl ::scoped_runtime::__private::DerivedEntity for #ident {}

            #[automatically_derived]
            impl ::scoped_runtime::__private::Entity for #ident {
                #[doc = #tag_doc]
                const TAG: ::scoped_runtime::__private::EntityTag =
                    ::scoped_runtime::__private::EntityTag::from_static(#tag);
                #[doc = #attributes_doc]
                const ATTRIBUTES: ::scoped_runtime::__private::Attributes = #attributes;
                const SORT_ID_COUNT: usize = #sort_count;
                #unique_attributes
                type Partition = #partition;
                #[doc = #ids_doc]
                type Ids<'a> = #ids_type;
                type PartitionIds<'a> = #partition_ids_type;
                type SortIds<'a> = #sort_ids_type;
                type FirstSort = #first_sort;

                fn ids(&self) -> #ids_return {
                    #ids_value
                }

                fn split_ids<'a>(ids: #ids_type) -> (#partition_ids_type, #sort_ids_type)
                where
                    Self: 'a,
                {
                    let #ids_pattern = ids;
                    (#partition_value, #sort_value)
                }

                fn registration() -> &'static ::scoped_runtime::__private::Registration {
                    static REGISTRATION: ::scoped_runtime::__private::Registration =
                        ::scoped_runtime::__private::Registration::new();
                    &REGISTRATION
                }

                #index_attributes_fn

                fn visit_unique(
                    &self,
                    visit: &mut dyn ::core::ops::FnMut(
                        &'static str,
                        ::scoped_runtime::__private::Segment<'_>,
                    ),
                ) {
                    let _ = &visit;
                    #visit_unique
                }
            }

            #templates

            #sort_items
            #checks
            #builders
        };
    }
}

/// Per sort field: its [`SortAt`] impl and the associated constant queries name it by
/// (`Note::CREATED`).
pub(super) fn sort_items(key: &EntityKey) -> TokenStream {
    if key.sorts.is_empty() {
        return TokenStream::new();
    }
    let ident = &key.ident;
    let vis = &key.vis;
    let impls = key.sorts.iter().enumerate().map(|(i, sort)| {
        let position = position(i);
        let arg = id_arg_type(sort, &quote!('a));
        quote! {
            #[automatically_derived]
            impl ::scoped_runtime::__private::SortAt<#position> for #ident {
                type Arg<'a> = #arg;
            }
        }
    });
    let consts = key.sorts.iter().enumerate().map(|(i, sort)| {
        let position = position(i);
        let field = unraw(&sort.name);
        let name = Ident::new(&field.to_uppercase(), sort.name.span());
        let doc = format!(
            "The sort id `{field}` of [`{ident}`] (number {} of its sort ids), for typed \
             queries: `query(…).eq({ident}::{name}, …)`, `.between({ident}::{name}, …, …)`.",
            i + 1
        );
        quote! {
            #[doc = #doc]
            #vis const #name: ::scoped_runtime::__private::SortField<#ident, #position> =
                ::scoped_runtime::__private::SortField::new(#field);
        }
    });
    quote! {
        #(#impls)*

        #[automatically_derived]
        impl #ident {
            #(#consts)*
        }
    }
}

/// Compile-time checks of the key model: sort ids and shared partitions need a table with
/// sort keys, and an entity in another's partition takes the same partition ids.
pub(super) fn key_checks(key: &EntityKey) -> TokenStream {
    let ident = &key.ident;
    let mut checks = TokenStream::new();
    let needs_sort_key = key
        .sorts
        .first()
        .map(|sort| sort.name.span())
        .or_else(|| key.partition.as_ref().map(Spanned::span));
    if let Some(span) = needs_sort_key {
        checks.extend(quote_spanned! {span=>
            const _: fn() = || {
                ::scoped_runtime::__private::require_sort_key::<
                    <#ident as ::scoped_runtime::__private::Table>::Declaration,
                >();
            };
        });
    }
    if let Some(partition) = &key.partition {
        checks.extend(quote_spanned! {partition.span()=>
            const _: fn() = || {
                ::scoped_runtime::__private::same_partition_ids::<#partition, #ident>();
            };
        });
    }
    checks
}

/// The docs of the generated `Entity` impl's items, which rustdoc shows on the entity's own
/// page instead of the trait's generic text: its tag, attributes and ids.
pub(super) fn entity_item_docs(key: &EntityKey) -> (String, String, String) {
    let entity = key.ident.to_string();
    let ids: Vec<String> = key
        .ids
        .iter()
        .chain(&key.sorts)
        .map(|id| unraw(&id.name))
        .collect();
    let pattern = if key.sorts.is_empty() && key.partition.is_none() {
        partition_pattern(key)
    } else {
        // Rendered inside backticks: "`pk` / sort key `sk`".
        format!(
            "{}` / sort key `{}",
            partition_pattern(key),
            sort_pattern(key)
        )
    };
    let attributes: Vec<String> = key
        .attributes
        .fields
        .iter()
        .map(|field| {
            let mut line = format!("`{}`", field.name);
            if field.name != field.field {
                line.push_str(&format!(" (field `{}`)", field.field));
            }
            if field.id {
                line.push_str(", an id");
            }
            line
        })
        .collect();
    let vars = [
        ("entity", entity.as_str()),
        ("tag", key.tag.as_str()),
        ("key_pattern", pattern.as_str()),
        (
            "id_fields",
            &match ids.as_slice() {
                [one] => format!("field `{one}`"),
                many => format!("fields {} (in this order)", code_list(many)),
            },
        ),
        ("attributes", &attributes.join("; ")),
        (
            "open",
            if key.attributes.open {
                " It also has a `#[serde(flatten)]` field (or is serialized as another type), \
                 whose attribute names are not known here: an update may name any attribute \
                 but its ids and `pk`/`sk`."
            } else {
                ""
            },
        ),
    ];
    (
        doc::render(doc::TAG, &vars),
        doc::render(doc::ATTRIBUTES, &vars),
        doc::render(doc::IDS, &vars),
    )
}

/// The generated `Entity::ATTRIBUTES` value.
pub(super) fn attributes_value(key: &EntityKey) -> TokenStream {
    let indexed = super::template::indexed_fields(key);
    let fields = key.attributes.fields.iter().map(|field| {
        let (name, rust, id) = (&field.name, &field.field, field.id);
        if indexed.contains(rust) {
            quote!(::scoped_runtime::__private::Attribute::new(#name, #rust, #id).indexed())
        } else {
            quote!(::scoped_runtime::__private::Attribute::new(#name, #rust, #id))
        }
    });
    let open = key.attributes.open;
    quote!(::scoped_runtime::__private::Attributes::new(&[#(#fields),*], #open))
}
