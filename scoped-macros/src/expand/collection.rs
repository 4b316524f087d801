//! `#[derive(Collection)]`: dispatch on each item's tag, and a check per variant that it
//! lives in the first variant's partitions.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::CollectionModel;

/// The `Collection` impl: dispatch on each item's tag, and a check per variant that it lives
/// in the first variant's partitions.
pub(super) fn collection(model: &CollectionModel) -> TokenStream {
    let ident = &model.ident;
    let Some((_, first)) = model.variants.first() else {
        return TokenStream::new();
    };
    let entity = quote!(::scoped_runtime::__private::Entity);
    let tags = model
        .variants
        .iter()
        .map(|(_, ty)| quote!(<#ty as #entity>::TAG));
    let last = model.variants.len() - 1;
    let arms = model.variants.iter().enumerate().map(|(i, (variant, ty))| {
        // The last arm takes every other index: `variant` returns only indexes of `TAGS`.
        let index = if i == last { quote!(_) } else { quote!(#i) };
        quote! {
            #index => reader.read::<#ty>(item).map(Self::#variant),
        }
    });
    let checks = model.variants.iter().skip(1).map(|(_, ty)| {
        quote_spanned! {ty.span()=>
            ::scoped_runtime::__private::same_partition::<<#first as #entity>::Partition, #ty>();
        }
    });
    quote! {
        const _: () = {
            #[automatically_derived]
            impl ::scoped_runtime::__private::DerivedCollection for #ident {}

            #[automatically_derived]
            impl ::scoped_runtime::__private::Collection for #ident {
                type Partition = <#first as #entity>::Partition;

                fn from_item(
                    item: ::scoped_runtime::__private::Item,
                    reader: &::scoped_runtime::__private::CollectionReader<'_, Self::Partition>,
                ) -> ::scoped_runtime::__private::Result<Self, ::scoped_runtime::Error> {
                    const TAGS: &[::scoped_runtime::__private::EntityTag] = &[#(#tags),*];
                    match reader.variant(&item, TAGS)? {
                        #(#arms)*
                    }
                }
            }

            const _: fn() = || {
                #(#checks)*
            };
        };
    }
}
