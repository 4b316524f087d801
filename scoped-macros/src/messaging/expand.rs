//! Model to tokens: the struct, its `Queue` or `Topic` impl and seal, and a Storage line in
//! its docs.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Ident, LitStr, parse_quote};

use super::Resource;
use super::parse::MessageInput;
use crate::scope::ScopeKind;

/// A base valid under both rules, bound while the real one is reported as invalid, so the
/// error is the only one.
const PLACEHOLDER_BASE: &str = "invalid-base-name";

pub(crate) fn expand(input: &MessageInput, checked: syn::Result<String>) -> TokenStream {
    let (base, error) = match checked {
        Ok(base) => (base, None),
        Err(error) => (PLACEHOLDER_BASE.to_owned(), Some(error.to_compile_error())),
    };
    let mut item = input.item.clone();
    let ident = &input.item.ident;
    // Only extend docs that exist: an undocumented message still trips `missing_docs`.
    if item.attrs.iter().any(|attr| attr.path().is_ident("doc")) {
        let doc = storage_doc(input, &base);
        item.attrs.push(parse_quote!(#[doc = #doc]));
    }
    let scope = input.kind.type_path();
    let base_lit = LitStr::new(&base, Span::call_site());
    let (seal, trait_name, base_type, base_const) = match input.resource {
        Resource::Queue => ("BoundQueue", "Queue", "QueueBase", "BASE"),
        Resource::Topic => ("BoundTopic", "Topic", "TopicBase", "BASE"),
    };
    let [seal, trait_name, base_type, base_const] =
        [seal, trait_name, base_type, base_const].map(|name| Ident::new(name, Span::call_site()));
    quote! {
        #item

        const _: () = {
            #[automatically_derived]
            impl ::scoped_runtime::__private::#seal for #ident {}

            #[automatically_derived]
            impl ::scoped_runtime::__private::#trait_name for #ident {
                type Scope = #scope;
                const #base_const: ::scoped_runtime::__private::#base_type =
                    ::scoped_runtime::__private::#base_type::from_static(#base_lit);
            }
        };

        #error
    }
}

/// The docs line on the message type: its scope, resource name pattern and client.
fn storage_doc(input: &MessageInput, base: &str) -> String {
    let ident = &input.item.ident;
    let (client, scope_part) = match input.kind {
        ScopeKind::Platform => ("platform", "p"),
        ScopeKind::Tenant => ("tenant", "t_{tenant_id}"),
        ScopeKind::Capsule => ("capsule", "c_{capsule_code}_{tenant_id}_{capsule_id}"),
    };
    let arg = match input.kind {
        ScopeKind::Platform => "",
        ScopeKind::Tenant => "&tenant",
        ScopeKind::Capsule => "&capsule",
    };
    match input.resource {
        Resource::Queue => format!(
            "\n\n**Queue.** A {noun} message: it travels as JSON on the {noun}'s SQS queue \
             `{scope_part}_{base}` (long ids are shortened with a hash, see docs/sqs.md), with \
             dead-letter queue `{scope_part}_{base}_dlq`, reached through \
             `factory.{client}_sqs({arg}).queue::<{ident}>()`. Every message carries the scope's \
             label in its `scoped.scope` attribute; `receive` dead-letters any that does not.",
            noun = input.kind.noun(),
        ),
        Resource::Topic => format!(
            "\n\n**Topic.** A {noun} notification: it is published as JSON to the {noun}'s SNS \
             topic `{scope_part}_{base}`, reached through \
             `factory.{client}_sns({arg}).topic::<{ident}>()`, with the scope's label in its \
             `scoped.scope` attribute; only queues of the same scope can subscribe.",
            noun = input.kind.noun(),
        ),
    }
}
