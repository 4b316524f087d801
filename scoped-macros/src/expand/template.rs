//! An entity's index templates and unique fields: the `IndexedBy` impls, the generated
//! `Entity::index_attributes` and `Entity::visit_unique`, and the compile-time checks that each
//! template names an index of the entity's table.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::Ident;
use syn::spanned::Spanned;

use super::entity::{id_arg_type, position};
use super::tuple_if_many;
use crate::ast::{EntityKey, IdArg, Template, TemplateField};

/// The type of a tuple of template values (`()` when there are none).
fn values_type(fields: &[TemplateField]) -> TokenStream {
    if fields.is_empty() {
        return quote!(());
    }
    tuple_if_many(
        fields.len(),
        fields.iter().map(|f| id_arg_type(&f.field, &quote!('a))),
    )
}

/// The statements binding each template value of `self` to `__v{i}`, returning `None` from
/// `index_values` when an optional one is `None`.
fn bind_values(fields: &[TemplateField], prefix: &str) -> (Vec<Ident>, TokenStream) {
    let mut names = Vec::new();
    let mut binds = TokenStream::new();
    for (i, field) in fields.iter().enumerate() {
        let var = Ident::new(&format!("__{prefix}{i}"), Span::mixed_site());
        let name = &field.field.name;
        let source = if field.optional {
            quote!(::core::option::Option::as_ref(&self.#name)?)
        } else {
            quote!(&self.#name)
        };
        let value = match field.field.arg {
            IdArg::Text => quote!(::scoped_runtime::__private::AsRef::<str>::as_ref(#source)),
            IdArg::Integer => quote!(*#source),
            IdArg::Ref => source,
        };
        binds.extend(quote!(let #var = #value;));
        names.push(var);
    }
    (names, binds)
}

fn values_tuple(names: &[Ident]) -> TokenStream {
    if names.is_empty() {
        return quote!(());
    }
    tuple_if_many(names.len(), names.iter().map(|name| quote!(#name)))
}

/// The `IndexedBy` impl and checks of one template.
fn template_impl(ident: &Ident, template: &Template) -> TokenStream {
    let index = &template.index;
    let partition_type = values_type(&template.partition);
    let sort_type = values_type(&template.sort);
    let (partition_names, partition_binds) = bind_values(&template.partition, "p");
    let (sort_names, sort_binds) = bind_values(&template.sort, "s");
    let partition_value = values_tuple(&partition_names);
    let sort_value = values_tuple(&sort_names);
    let sort_count = template.sort.len();
    let first_sort = if template.sort.is_empty() {
        quote!(::scoped_runtime::__private::position::Done)
    } else {
        position(0)
    };
    // The type each sort field takes in an index query, by its position.
    let sort_at = template.sort.iter().enumerate().map(|(i, sort)| {
        let position = position(i);
        let arg = id_arg_type(&sort.field, &quote!('a));
        quote! {
            #[automatically_derived]
            impl ::scoped_runtime::__private::IndexSortAt<#index, #position> for #ident {
                type Arg<'a> = #arg;
            }
        }
    });
    let sort_check = template.sort.first().map(|first| {
        quote_spanned! {first.field.name.span()=>
            const _: fn() = || {
                ::scoped_runtime::__private::require_index_sort_key::<#index>();
            };
        }
    });
    // Spanned on the index's path: an undeclared index, or one of another table, is reported
    // there.
    let index_check = quote_spanned! {index.span()=>
        const _: fn() = || {
            ::scoped_runtime::__private::index_of::<#index, #ident>();
        };
    };
    // The impl headers are spanned on the index's path, so an undeclared index is reported
    // there, once.
    let derived =
        quote_spanned!(index.span()=> ::scoped_runtime::__private::DerivedTemplate<#index>);
    let indexed_by = quote_spanned!(index.span()=> ::scoped_runtime::__private::IndexedBy<#index>);
    quote_spanned! {index.span()=>
        #[automatically_derived]
        impl #derived for #ident {}

        #[automatically_derived]
        impl #indexed_by for #ident {
            type PartitionValues<'a> = #partition_type;
            type SortValues<'a> = #sort_type;
            const SORT_VALUE_COUNT: usize = #sort_count;
            type FirstSortValue = #first_sort;

            fn index_values(
                &self,
            ) -> ::core::option::Option<(Self::PartitionValues<'_>, Self::SortValues<'_>)> {
                #partition_binds
                #sort_binds
                ::core::option::Option::Some((#partition_value, #sort_value))
            }
        }

        #(#sort_at)*

        #index_check
        #sort_check
    }
}

/// Every template's impl and checks.
pub(super) fn template_impls(key: &EntityKey) -> TokenStream {
    key.templates
        .iter()
        .map(|template| template_impl(&key.ident, template))
        .collect()
}

/// The body of the generated `Entity::index_attributes`.
pub(super) fn index_attributes_body(key: &EntityKey) -> TokenStream {
    let writes = key.templates.iter().map(|template| {
        let index = &template.index;
        // Spanned on the index's path, where an undeclared index is reported already.
        quote_spanned! {index.span()=>
            ::scoped_runtime::__private::write_index_attributes::<Self, #index>(
                self, scope, key, &mut out,
            )?;
        }
    });
    quote! {
        #[allow(unused_mut, reason = "an entity without index templates writes nothing")]
        let mut out = ::scoped_runtime::__private::IndexAttributes::new();
        #(#writes)*
        ::core::result::Result::Ok(out)
    }
}

/// The body of the generated `Entity::visit_unique`.
pub(super) fn visit_unique_body(key: &EntityKey) -> TokenStream {
    key.unique
        .iter()
        .map(|field| {
            let name = &field.name;
            let attribute = &field.attribute;
            let segment = quote_spanned! {name.span()=>
                ::scoped_runtime::__private::KeySegment::segment(__value)
            };
            if field.optional {
                quote! {
                    if let ::core::option::Option::Some(__value) = &self.#name {
                        visit(#attribute, #segment);
                    }
                }
            } else {
                quote! {
                    let __value = &self.#name;
                    visit(#attribute, #segment);
                }
            }
        })
        .collect()
}

/// The generated `Entity::UNIQUE_ATTRIBUTES`: the unique fields' attribute names, whether or
/// not a value holds one. Nothing (the trait's empty default) without unique fields.
pub(super) fn unique_attributes(key: &EntityKey) -> TokenStream {
    if key.unique.is_empty() {
        return TokenStream::new();
    }
    let attributes = key.unique.iter().map(|field| &field.attribute);
    quote! {
        const UNIQUE_ATTRIBUTES: &'static [&'static str] = &[#(#attributes),*];
    }
}

/// The Rust names of the fields that index templates and unique values read: updates may not
/// name their attributes.
pub(super) fn indexed_fields(key: &EntityKey) -> Vec<String> {
    let mut fields: Vec<String> = key
        .templates
        .iter()
        .flat_map(|t| t.partition.iter().chain(&t.sort))
        .map(|f| super::unraw(&f.field.name))
        .chain(key.unique.iter().map(|u| super::unraw(&u.name)))
        .collect();
    fields.sort();
    fields.dedup();
    fields
}
