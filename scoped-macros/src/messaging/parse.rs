//! Syntax to model: the attribute's base literal and the struct it is on.

use proc_macro2::TokenStream;
use syn::parse::{Parse, ParseStream};
use syn::{ItemStruct, LitStr};

use super::Resource;
use crate::scope::ScopeKind;

/// The attribute's arguments: one string literal.
struct Args {
    base: LitStr,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let base: LitStr = input.parse().map_err(|err| {
            syn::Error::new(
                err.span(),
                "expected the base name as a string literal, e.g. `(\"notifications\")`",
            )
        })?;
        if !input.is_empty() {
            return Err(input.error("expected only the base name: the attribute takes no options"));
        }
        Ok(Self { base })
    }
}

/// A message attribute and the struct it binds.
pub(crate) struct MessageInput {
    pub(crate) resource: Resource,
    pub(crate) kind: ScopeKind,
    pub(crate) base: LitStr,
    pub(crate) item: ItemStruct,
}

impl MessageInput {
    pub(crate) fn from_syn(
        resource: Resource,
        kind: ScopeKind,
        args: TokenStream,
        item: TokenStream,
    ) -> syn::Result<Self> {
        let item: ItemStruct = syn::parse2(item).map_err(|err| {
            syn::Error::new(
                err.span(),
                "a message attribute applies to a struct: a message is one serde shape",
            )
        })?;
        if !item.generics.params.is_empty() {
            return Err(syn::Error::new_spanned(
                &item.generics,
                "a message type cannot be generic: its queue or topic is fixed by its type",
            ));
        }
        let Args { base } = syn::parse2(args)?;
        Ok(Self {
            resource,
            kind,
            base,
            item,
        })
    }
}
