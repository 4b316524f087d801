//! The `index(..)` declarations of a table attribute: one unit struct per index, implementing
//! the sealed `Index`, and the table's `INDEXES`.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Ident, LitStr, Visibility};

use crate::scope::ScopeKind;
use crate::valid::CheckedIndex;

/// The `IndexSchema` value of `index`.
fn schema(index: &CheckedIndex) -> TokenStream {
    let name = LitStr::new(&index.name, Span::call_site());
    let partition = LitStr::new(&format!("pk_{}", index.name), Span::call_site());
    let sort = if index.sort_key {
        let sort = LitStr::new(&format!("sk_{}", index.name), Span::call_site());
        quote!(::core::option::Option::Some(#sort))
    } else {
        quote!(::core::option::Option::None)
    };
    let projection = if index.keys_only {
        quote!(::scoped_runtime::__private::Projection::KeysOnly)
    } else {
        quote!(::scoped_runtime::__private::Projection::All)
    };
    let shards = index.shards;
    quote! {
        ::scoped_runtime::__private::IndexSchema::declared(
            #name, #partition, #sort, #projection, #shards,
        )
    }
}

/// The table's `const INDEXES` value.
pub(super) fn indexes_value(indexes: &[CheckedIndex]) -> TokenStream {
    let schemas = indexes.iter().map(schema);
    quote!(&[#(#schemas),*])
}

/// The index structs and their impls.
pub(super) fn index_items(
    kind: ScopeKind,
    table: &Ident,
    vis: &Visibility,
    base: &str,
    indexes: &[CheckedIndex],
) -> TokenStream {
    indexes
        .iter()
        .map(|index| {
            let ident = &index.ident;
            let schema = schema(index);
            let doc = index_doc(kind, table, base, index);
            let sort = index.sort_key.then(|| {
                quote! {
                    #[automatically_derived]
                    impl ::scoped_runtime::__private::IndexSortKey for #ident {}
                }
            });
            let full = (!index.keys_only).then(|| {
                quote! {
                    #[automatically_derived]
                    impl ::scoped_runtime::__private::FullProjection for #ident {}
                }
            });
            quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
                #vis struct #ident;

                const _: () = {
                    #[automatically_derived]
                    impl ::scoped_runtime::__private::DeclaredIndex for #ident {}

                    #[automatically_derived]
                    impl ::scoped_runtime::__private::IndexOfTable<#table> for #ident {}

                    #[automatically_derived]
                    impl ::scoped_runtime::__private::Index for #ident {
                        type Table = #table;
                        const SCHEMA: ::scoped_runtime::__private::IndexSchema = #schema;
                    }

                    #sort
                    #full
                };
            }
        })
        .collect()
}

fn index_doc(kind: ScopeKind, table: &Ident, base: &str, index: &CheckedIndex) -> String {
    let name = &index.name;
    let mut keys = format!("`pk_{name}` (string, `HASH`)");
    if index.sort_key {
        keys.push_str(&format!(" and `sk_{name}` (string, `RANGE`)"));
    }
    let projection = if index.keys_only {
        "only the keys (`KEYS_ONLY`): its queries count items, they do not read entities"
    } else {
        "every attribute (`ALL`)"
    };
    let shards = if index.shards > 1 {
        format!(
            " Each of its partitions is spread over {} shards (`{{…}}#0` to `{{…}}#{}`): writes \
             go to the shard of the item's key, queries read every shard and merge them in \
             order.",
            index.shards,
            index.shards - 1
        )
    } else {
        String::new()
    };
    format!(
        "The global secondary index `{name}` of the {scope} table {table_doc}, declared by \
         [`{table}`]: keyed by {keys}, projecting {projection}.{shards}\n\n\
         Entities appear in it through a template of their fields, \
         `#[scoped(index({ident}(partition(…), sort(…))))]`; every value they write to \
         `pk_{name}` is a key of their scope (`{prefix}{{ENTITY}}#{name}#…`), so a query of the \
         index never reaches another scope's items.",
        scope = kind.noun(),
        table_doc = super::table_with_example(kind, base),
        ident = index.ident,
        prefix = kind.key_prefix(),
    )
}
