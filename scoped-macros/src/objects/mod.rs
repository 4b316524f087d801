//! `#[capsule_objects("uploads")]`, `#[tenant_objects(..)]`, `#[platform_objects(..)]`: a
//! struct whose `#[scoped(id)]` fields name objects of one collection in one scope.
//!
//! parse → validate → expand, as the table attributes.

mod expand;
mod parse;
mod validate;

use proc_macro2::TokenStream;

use crate::scope::ScopeKind;

/// The attribute's pipeline.
pub(crate) fn objects_attribute(
    kind: ScopeKind,
    args: TokenStream,
    item: TokenStream,
) -> TokenStream {
    let input = match parse::ObjectsInput::from_syn(kind, args, item.clone()) {
        Ok(input) => input,
        Err(error) => return parse::fallback(item, &error),
    };
    match input.validate() {
        Ok(model) => expand::expand(&model),
        Err(error) => {
            let errors = error.write_errors();
            let item = input.stripped_item();
            quote::quote!(#item #errors)
        }
    }
}

#[cfg(test)]
mod tests;
