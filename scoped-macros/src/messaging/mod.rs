//! The message attributes: `#[tenant_queue("notifications")]`, `#[tenant_topic("webhooks")]`
//! and their capsule and platform forms. Each binds a serde struct to one scope's queue (SQS)
//! or topic (SNS). A pipeline of its own: [`parse`] reads the base and the struct, [`validate`]
//! checks the base against the service's rule, [`expand`] writes the impls and docs.

mod expand;
mod parse;
mod validate;

use proc_macro2::TokenStream;

use crate::scope::ScopeKind;

/// Which service's resource the attribute binds a message type to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resource {
    /// An SQS queue: `#[tenant_queue("…")]`.
    Queue,
    /// An SNS topic: `#[tenant_topic("…")]`.
    Topic,
}

/// One message attribute's expansion.
pub(crate) fn attribute(
    resource: Resource,
    kind: ScopeKind,
    args: TokenStream,
    item: TokenStream,
) -> TokenStream {
    match parse::MessageInput::from_syn(resource, kind, args, item.clone()) {
        Ok(input) => {
            let checked = input.validate();
            expand::expand(&input, checked)
        }
        // Not a struct the attribute can bind: keep the item as written, plus the error.
        Err(error) => {
            let error = error.to_compile_error();
            quote::quote!(#item #error)
        }
    }
}
