//! The objects attribute's input: its collection literal and the struct.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{ItemStruct, LitStr};

use crate::ast::is_id_field;
use crate::scope::ScopeKind;

/// The attribute's arguments and item, as written.
pub(crate) struct ObjectsInput {
    pub(crate) kind: ScopeKind,
    pub(crate) collection: LitStr,
    pub(crate) item: ItemStruct,
}

impl ObjectsInput {
    /// Reads `#[…_objects("collection")]` and the struct under it.
    pub(crate) fn from_syn(
        kind: ScopeKind,
        args: TokenStream,
        item: TokenStream,
    ) -> syn::Result<Self> {
        let usage = format!(
            "expected the collection name: `#[{}_objects(\"uploads\")]`",
            kind.noun()
        );
        let collection: LitStr =
            syn::parse2(args).map_err(|e| syn::Error::new(e.span(), &usage))?;
        let item: ItemStruct = syn::parse2(item).map_err(|e| {
            syn::Error::new(
                e.span(),
                format!(
                    "`#[{}_objects]` applies to structs with named fields",
                    kind.noun()
                ),
            )
        })?;
        Ok(Self {
            kind,
            collection,
            item,
        })
    }

    /// The struct with its `#[scoped(..)]` field attributes removed: they are this attribute's
    /// to read, and no derive declares them for an object type.
    pub(crate) fn stripped_item(&self) -> ItemStruct {
        let mut item = self.item.clone();
        for field in &mut item.fields {
            field.attrs.retain(|attr| !attr.path().is_ident("scoped"));
        }
        item
    }

    /// The `#[scoped(id)]` fields, in order.
    pub(crate) fn id_fields(&self) -> impl Iterator<Item = &syn::Field> {
        self.item.fields.iter().filter(|field| is_id_field(field))
    }
}

/// On a parse error: the item as written, minus what would cascade, plus the error.
pub(crate) fn fallback(item: TokenStream, error: &syn::Error) -> TokenStream {
    let errors = error.to_compile_error();
    match syn::parse2::<ItemStruct>(item.clone()) {
        Ok(mut item) => {
            for field in &mut item.fields {
                field.attrs.retain(|attr| !attr.path().is_ident("scoped"));
            }
            let item = item.into_token_stream();
            quote!(#item #errors)
        }
        Err(_) => quote!(#item #errors),
    }
}
