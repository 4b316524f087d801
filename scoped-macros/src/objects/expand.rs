//! The objects attribute's tokens: the struct, its `Objects` impl and its key builders.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Ident;

use super::validate::ObjectsModel;
use crate::ast::IdArg;
use crate::expand::unraw_name;
use crate::scope::ScopeKind;

/// The prefix pattern of a scope's objects, for the docs.
fn prefix_pattern(kind: ScopeKind) -> &'static str {
    match kind {
        ScopeKind::Platform => "platform/",
        ScopeKind::Tenant => "tenant/{tenant_id}/",
        ScopeKind::Capsule => "capsule/{tenant_id}/{capsule_id}/",
    }
}

fn client_call(kind: ScopeKind) -> &'static str {
    match kind {
        ScopeKind::Platform => "factory.platform_s3()",
        ScopeKind::Tenant => "factory.tenant_s3(&tenant)",
        ScopeKind::Capsule => "factory.capsule_s3(&capsule)",
    }
}

pub(super) fn expand(model: &ObjectsModel) -> TokenStream {
    let ObjectsModel {
        kind,
        collection,
        item,
        ident,
        vis,
        ids,
    } = model;
    let scope = kind.type_path();
    let count = ids.len();
    let names: Vec<&Ident> = ids.iter().map(|(name, _, _)| name).collect();
    let pattern = format!(
        "{}{}/{}",
        prefix_pattern(*kind),
        collection.value(),
        names
            .iter()
            .map(|name| format!("{{{}}}", unraw_name(name)))
            .collect::<Vec<_>>()
            .join("/")
    );
    let type_doc = format!(
        "\n\n**Objects** ({noun} scope): each value names the object \
         `{pattern}`, reached through `{call}.objects::<{ident}>()`. Ids are escaped into one \
         segment each (`/` → `%2F`, `%` → `%25`).",
        noun = kind.noun(),
        call = client_call(*kind),
    );
    let key_doc = format!(
        "The key of the `{ident}` object with these ids in a {noun}: `{pattern}`.\n\n\
         # Errors\n\n`S3Error::ObjectKey` if an id is empty or the key exceeds 1,024 bytes.",
        noun = kind.noun()
    );
    let to_key_doc = format!(
        "This object's key in `scope`, from its id fields: `{pattern}`.\n\n\
         # Errors\n\nAs [`{ident}::object_key`]."
    );
    let params = ids.iter().map(|(name, ty, arg)| match arg {
        IdArg::Text => quote!(#name: &str),
        IdArg::Integer => quote!(#name: #ty),
        IdArg::Ref => quote!(#name: &#ty),
    });
    let scope_param = Ident::new("scope", Span::mixed_site());
    let result = quote! {
        ::core::result::Result<
            ::scoped_runtime::__private::s3::ObjectKey<#ident>,
            ::scoped_runtime::__private::s3::S3Error,
        >
    };
    let mut item = item.clone();
    item.attrs.push(syn::parse_quote!(#[doc = #type_doc]));
    quote! {
        #item

        const _: () = {
            #[automatically_derived]
            impl ::scoped_runtime::__private::s3::DeclaredObjects for #ident {}

            #[automatically_derived]
            impl ::scoped_runtime::__private::s3::Objects for #ident {
                type Scope = #scope;
                const COLLECTION: &'static str = #collection;
                const ID_COUNT: usize = #count;

                fn visit_ids(
                    &self,
                    visit: &mut dyn FnMut(::scoped_runtime::__private::Segment<'_>),
                ) {
                    #(visit(::scoped_runtime::__private::s3::KeySegment::segment(&self.#names));)*
                }
            }
        };

        #[automatically_derived]
        impl #ident {
            #[doc = #key_doc]
            #vis fn object_key(#scope_param: &#scope, #(#params),*) -> #result {
                #(let #names = ::scoped_runtime::__private::s3::KeySegment::segment(&#names);)*
                ::scoped_runtime::__private::s3::ObjectKey::new(#scope_param, &[#(#names.as_str()),*])
            }

            #[doc = #to_key_doc]
            #vis fn to_object_key(&self, scope: &#scope) -> #result {
                ::scoped_runtime::__private::s3::ObjectKey::of(scope, self)
            }
        }
    }
}
