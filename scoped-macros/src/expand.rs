//! Model into tokens.
//!
//! Generated code names everything absolutely (`::scoped_runtime::__private::…`), sits in
//! `const _: () = { … };`, and calls the runtime's generic trait methods instead of inlining
//! bodies, so each entity costs a few lines of code to compile.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, Ident, LitStr, parse_quote};

use crate::ast::{
    BOUND_HINT, CollectionInput, CollectionModel, EntityKey, IdArg, IdField, KeyInput, TABLE_HINT,
    TableInput,
};
use crate::doc;
use crate::scope::ScopeKind;

/// The base a struct is bound to while its real base is reported as invalid, so the error is
/// the only one (no "not bound to a table" from its derive or its uses).
const PLACEHOLDER_BASE: &str = "invalid-base-name";

/// `#[capsule_table("crm")]` and the other table attributes.
pub(crate) fn table_attribute(
    kind: ScopeKind,
    args: TokenStream,
    item: TokenStream,
) -> TokenStream {
    match TableInput::from_syn(kind, args, item.clone()) {
        Ok(input) => {
            let checked = input.validate();
            table(&input, checked)
        }
        // The item is not something a table can bind: keep it as written, plus the error.
        Err(error) => {
            let error = error.write_errors();
            quote!(#item #error)
        }
    }
}

/// The hint a table attribute leaves on a struct without `#[derive(ScopedKey)]`: it has done
/// its work once a later table attribute has seen it, so it removes itself.
pub(crate) fn bound_hint(item: TokenStream) -> TokenStream {
    item
}

/// `#[derive(Collection)]`.
pub(crate) fn derive_collection(input: TokenStream) -> TokenStream {
    match CollectionInput::from_syn(input).and_then(CollectionInput::validate) {
        Ok(model) => collection(&model),
        Err(error) => error.write_errors(),
    }
}

/// The `Collection` impl: dispatch on each item's tag, and a check per variant that it lives
/// in the first variant's partitions.
fn collection(model: &CollectionModel) -> TokenStream {
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

/// `#[derive(ScopedKey)]`.
pub(crate) fn derive_scoped_key(input: TokenStream) -> TokenStream {
    match KeyInput::from_syn(input).and_then(KeyInput::validate) {
        Ok(key) => scoped_key(&key),
        Err(error) => error.write_errors(),
    }
}

fn table(input: &TableInput, checked: darling::Result<String>) -> TokenStream {
    let (base, errors) = match checked {
        Ok(base) => (base, None),
        Err(error) => (PLACEHOLDER_BASE.to_owned(), Some(error.write_errors())),
    };
    // A second table attribute under another name: the first already bound the struct, so
    // this one adds only its error.
    if input.bound.is_some() {
        let item = &input.item;
        return quote!(#item #errors);
    }
    let kind = input.kind;
    let mut item = input.item.clone();
    let ident = &item.ident;
    let vis = &item.vis;
    let mut vars = table_vars(kind, &ident.to_string(), &base);
    vars.push(("key_line", key_line(input)));
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let storage = doc::render(doc::STORAGE, &vars);
    mark_id_fields(&mut item.fields, &vars);
    let table_name_doc = doc::render(doc::TABLE_NAME, &vars);
    let scope = kind.type_path();
    let base_lit = LitStr::new(&base, proc_macro2::Span::call_site());
    let hint = Ident::new(TABLE_HINT, proc_macro2::Span::call_site());
    let noun = Ident::new(kind.noun(), proc_macro2::Span::call_site());
    let mut extra: Vec<Attribute> = Vec::new();
    if input.derives_key {
        extra.push(parse_quote!(#[#hint(#noun, #base_lit)]));
    } else {
        let bound = Ident::new(BOUND_HINT, Span::call_site());
        extra.push(parse_quote!(#[::scoped_runtime::__private::#bound(#noun, #base_lit)]));
    }
    // Only extend docs that exist: an undocumented entity still trips `missing_docs`.
    if item.attrs.iter().any(|attr| attr.path().is_ident("doc")) {
        extra.push(parse_quote!(#[doc = #storage]));
    }
    item.attrs.extend(extra);
    // The conflicting attributes were taken off rather than expanded; naming their paths
    // keeps their imports used, so the conflict is the only diagnostic.
    let conflicting = (!input.other_tables.is_empty()).then(|| {
        let paths = input.other_tables.iter().map(|(_, attr)| attr.path());
        quote!(const _: () = { #(#[allow(unused_imports)] use #paths as _;)* };)
    });
    let item = &item;
    let ident = &item.ident;
    let schema = if input.sort_key {
        quote!(::scoped_runtime::__private::KeySchema::PartitionAndSort)
    } else {
        quote!(::scoped_runtime::__private::KeySchema::Partition)
    };
    let sorted = input.sort_key.then(|| {
        quote! {
            #[automatically_derived]
            impl ::scoped_runtime::__private::SortKeyTable for #ident {}
        }
    });
    quote! {
        #item

        const _: () = {
            #[automatically_derived]
            impl ::scoped_runtime::__private::BoundTable for #ident {}

            #[automatically_derived]
            impl ::scoped_runtime::__private::Table for #ident {
                type Scope = #scope;
                type Declaration = Self;
                const BASE_NAME: ::scoped_runtime::__private::BaseName =
                    ::scoped_runtime::__private::BaseName::from_static(#base_lit);
                const KEY_SCHEMA: ::scoped_runtime::__private::KeySchema = #schema;
            }

            #sorted

            impl #ident {
                #[doc = #table_name_doc]
                #[must_use]
                #vis fn table_name(scope: &#scope) -> ::scoped_runtime::__private::TableName {
                    <Self as ::scoped_runtime::__private::Table>::table_name(scope)
                }
            }
        };

        #conflicting
        #errors
    }
}

fn table_vars(kind: ScopeKind, entity: &str, base: &str) -> Vec<(&'static str, String)> {
    vec![
        ("entity", entity.to_owned()),
        ("scope", kind.noun().to_owned()),
        ("attribute", kind.attribute().to_owned()),
        ("base", base.to_owned()),
        ("table_pattern", kind.table_pattern(base)),
        ("table_example", kind.table_example(base)),
        ("table", table_with_example(kind, base)),
        ("factory_call", kind.factory_call().to_owned()),
    ]
}

/// The type a key builder takes one id field as: `&'a str` for text, the integer itself, a
/// reference otherwise. Spanned on the field's type, so a type that cannot be an id is
/// reported there.
fn id_arg_type(id: &IdField, lifetime: &TokenStream) -> TokenStream {
    let ty = &id.ty;
    match id.arg {
        IdArg::Text => quote_spanned!(ty.span()=> &#lifetime str),
        IdArg::Integer => quote_spanned!(ty.span()=> #ty),
        IdArg::Ref => quote_spanned!(ty.span()=> &#lifetime #ty),
    }
}

/// The expression that borrows one id field of `self` as its [`id_arg_type`].
fn id_value(id: &IdField) -> TokenStream {
    let name = &id.name;
    match id.arg {
        IdArg::Text => quote!(::scoped_runtime::__private::AsRef::<str>::as_ref(&self.#name)),
        IdArg::Integer => quote!(self.#name),
        IdArg::Ref => quote!(&self.#name),
    }
}

/// The markers of sort-id positions, in order.
const POSITIONS: [&str; 6] = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth"];

fn position(index: usize) -> TokenStream {
    let name = Ident::new(POSITIONS[index.min(POSITIONS.len() - 1)], Span::call_site());
    quote!(::scoped_runtime::__private::position::#name)
}

fn scoped_key(key: &EntityKey) -> TokenStream {
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
            }
        }
    });
    let sort_items = sort_items(key);
    let checks = key_checks(key);
    let builders = key_builders(key);
    let (tag_doc, attributes_doc, ids_doc) = entity_item_docs(key);
    let attributes = attributes_value(key);
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
            }

            #sort_items
            #checks
            #builders
        };
    }
}

/// Per sort field: its [`SortAt`] impl and the associated constant queries name it by
/// (`Note::CREATED`).
fn sort_items(key: &EntityKey) -> TokenStream {
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
fn key_checks(key: &EntityKey) -> TokenStream {
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

/// One id as itself, several as a tuple: the shape of `Entity::Ids`.
fn tuple_if_many(count: usize, items: impl Iterator<Item = TokenStream>) -> TokenStream {
    if count == 1 {
        quote!(#(#items)*)
    } else {
        quote!((#(#items,)*))
    }
}

/// The pattern of an entity's partition keys, as the docs show it:
/// `TENANT#{tenant_id}#CAPSULE#{capsule_id}#LEAD#{lead_id}` when the scope is known, else
/// from the scope prefix on (`{scope prefix}LEAD#{lead_id}`), with the partition entity's tag
/// named when it is another entity's.
fn partition_pattern(key: &EntityKey) -> String {
    let ids: Vec<String> = key
        .ids
        .iter()
        .map(|id| format!("{{{}}}", unraw(&id.name)))
        .collect();
    let prefix = key
        .table
        .as_ref()
        .map_or("{scope prefix}", |table| table.kind.key_prefix());
    let tag = match &key.partition {
        Some(partition) => format!("{{tag of {}}}", path_text(partition)),
        None => key.tag.clone(),
    };
    format!("{prefix}{tag}#{}", ids.join("#"))
}

/// The pattern of an entity's sort keys: `NOTE#{created}#{note_id}`, or `NOTE`.
fn sort_pattern(key: &EntityKey) -> String {
    let mut pattern = key.tag.clone();
    for sort in &key.sorts {
        pattern.push_str(&format!("#{{{}}}", unraw(&sort.name)));
    }
    pattern
}

/// A path as the docs show it: `Crm`, `crate::crm::Lead`.
fn path_text(path: &syn::Path) -> String {
    quote!(#path).to_string().replace(' ', "")
}

/// The inherent key builders: `partition_key`/`to_partition_key`, and `item_key`/
/// `to_item_key` for an entity with sort ids. Generated when the table is known, from a table
/// attribute's hint or a declaration the entity names.
fn key_builders(key: &EntityKey) -> TokenStream {
    let ident = &key.ident;
    let vis = &key.vis;
    let (scope, mut vars) = match (&key.table, &key.declared_by) {
        (Some(table), _) => {
            let mut vars = table_vars(table.kind, &ident.to_string(), &table.base);
            vars.push((
                "where",
                format!(
                    "`{ident}` is a **{}** entity in table `{}`.",
                    table.kind.noun(),
                    table.kind.table_pattern(&table.base)
                ),
            ));
            (table.kind.type_path(), vars)
        }
        (None, Some(declaration)) => (
            quote!(<Self as ::scoped_runtime::__private::Table>::Scope),
            vec![
                ("entity", ident.to_string()),
                (
                    "where",
                    format!(
                        "`{ident}` lives in the table declared by `{}`, in that table's scope.",
                        path_text(declaration)
                    ),
                ),
            ],
        ),
        (None, None) => return TokenStream::new(),
    };
    vars.push(("key_pattern", partition_pattern(key)));
    vars.push(("sort_pattern", sort_pattern(key)));
    let fields: Vec<String> = key
        .ids
        .iter()
        .map(|id| format!("`{}`", unraw(&id.name)))
        .collect();
    vars.push((
        "id_fields",
        match fields.as_slice() {
            [one] => format!("{one} field"),
            many => format!("{} fields", many.join(", ")),
        },
    ));
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let param = |id: &IdField| {
        let name = &id.name;
        let ty = &id.ty;
        match id.arg {
            IdArg::Text => quote!(#name: &str),
            IdArg::Integer => quote!(#name: #ty),
            IdArg::Ref => quote!(#name: &#ty),
        }
    };
    let names = |fields: &[&IdField]| {
        tuple_if_many(
            fields.len(),
            fields.iter().map(|id| {
                let name = &id.name;
                quote!(#name)
            }),
        )
    };
    let partition_fields: Vec<&IdField> = key.ids.iter().collect();
    let params = partition_fields.iter().map(|id| param(id));
    let args = names(&partition_fields);
    let partition_key_doc = doc::render(doc::PARTITION_KEY, &vars);
    let to_partition_key_doc = doc::render(doc::TO_PARTITION_KEY, &vars);
    let result = |key_type: TokenStream| {
        quote! {
            ::scoped_runtime::__private::Result<
                ::scoped_runtime::__private::#key_type<#ident>,
                ::scoped_runtime::__private::KeyError,
            >
        }
    };
    let partition_result = result(quote!(PartitionKey));
    // The id parameters are named after the fields, so the scope parameter is hygienic: an id
    // field named `scope` is a second parameter, not a duplicate.
    let scope_param = Ident::new("scope", Span::mixed_site());
    let item_builders = (!key.sorts.is_empty()).then(|| {
        let all: Vec<&IdField> = key.ids.iter().chain(&key.sorts).collect();
        let params = all.iter().map(|id| param(id));
        let args = names(&all);
        let item_result = result(quote!(ItemKey));
        let item_key_doc = doc::render(doc::ITEM_KEY, &vars);
        let to_item_key_doc = doc::render(doc::TO_ITEM_KEY, &vars);
        quote! {
            #[doc = #item_key_doc]
            #vis fn item_key(#scope_param: &#scope, #(#params),*) -> #item_result {
                <Self as ::scoped_runtime::__private::Entity>::item_key(#scope_param, #args)
            }

            #[doc = #to_item_key_doc]
            #vis fn to_item_key(&self, scope: &#scope) -> #item_result {
                <Self as ::scoped_runtime::__private::Entity>::to_item_key(self, scope)
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #ident {
            #[doc = #partition_key_doc]
            #vis fn partition_key(#scope_param: &#scope, #(#params),*) -> #partition_result {
                <Self as ::scoped_runtime::__private::Entity>::partition_key(#scope_param, #args)
            }

            #[doc = #to_partition_key_doc]
            #vis fn to_partition_key(&self, scope: &#scope) -> #partition_result {
                <Self as ::scoped_runtime::__private::Entity>::to_partition_key(self, scope)
            }

            #item_builders
        }
    }
}

/// A field name as the docs show it: `type`, not `r#type`.
fn unraw(ident: &Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#")
        .map_or_else(|| name.clone(), str::to_owned)
}

/// A scope's table as the docs name it: `` `{capsule_code}_crm` (e.g. `PRODUS_crm`) ``, or just
/// `` `audit` `` where the name is the same in every scope (the platform's).
fn table_with_example(kind: ScopeKind, base: &str) -> String {
    let (pattern, example) = (kind.table_pattern(base), kind.table_example(base));
    if pattern == example {
        format!("`{pattern}`")
    } else {
        format!("`{pattern}` (e.g. `{example}`)")
    }
}

/// The pattern of an entity's keys: `TENANT#{tenant_id}#CAPSULE#{capsule_id}#LEAD#{lead_id}`,
/// or from the tag on when the scope is not known.
fn key_pattern(kind: Option<ScopeKind>, tag: &str, ids: &[String]) -> String {
    let segments: Vec<String> = ids.iter().map(|id| format!("{{{id}}}")).collect();
    let prefix = kind.map_or("…#", ScopeKind::key_prefix);
    format!("{prefix}{tag}#{}", segments.join("#"))
}

/// `` `lead_id` `` or `` `tenant`, `lead_id` ``: id fields as the docs list them.
fn code_list(names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    names.join(", ")
}

/// The Storage section's sentence on the key, when the struct derives `ScopedKey`: its
/// pattern, id fields and tag, read from the struct as the derive will.
fn key_line(input: &TableInput) -> String {
    if !input.derives_key {
        return String::new();
    }
    let ids = input.id_fields();
    if ids.is_empty() {
        return String::new();
    }
    let tag = input.entity_tag();
    format!(
        " Its partition key, `{}`, is built from its id {} {} (entity tag `{tag}`), which an \
         update cannot change.",
        key_pattern(Some(input.kind), &tag, &ids),
        if ids.len() == 1 { "field" } else { "fields" },
        code_list(&ids),
    )
}

/// Appends to each documented `#[scoped(id)]` field a line saying it is a key id. Undocumented
/// fields stay undocumented, so `missing_docs` still reports them.
fn mark_id_fields(fields: &mut syn::Fields, vars: &[(&str, &str)]) {
    let entity = vars
        .iter()
        .find(|(name, _)| *name == "entity")
        .map_or("", |(_, value)| *value);
    let note = doc::render(doc::ID_FIELD, &[("entity", entity)]);
    for field in fields {
        let documented = field.attrs.iter().any(|attr| attr.path().is_ident("doc"));
        if documented && crate::ast::is_id_field(field) {
            field.attrs.push(parse_quote!(#[doc = #note]));
        }
    }
}

/// The docs of the generated `Entity` impl's items, which rustdoc shows on the entity's own
/// page instead of the trait's generic text: its tag, attributes and ids.
fn entity_item_docs(key: &EntityKey) -> (String, String, String) {
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
fn attributes_value(key: &EntityKey) -> TokenStream {
    let fields = key.attributes.fields.iter().map(|field| {
        let (name, rust, id) = (&field.name, &field.field, field.id);
        quote!(::scoped_runtime::__private::Attribute::new(#name, #rust, #id))
    });
    let open = key.attributes.open;
    quote!(::scoped_runtime::__private::Attributes::new(&[#(#fields),*], #open))
}
