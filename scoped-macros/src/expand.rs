//! Model into tokens.
//!
//! Generated code names everything absolutely (`::scoped_runtime::__private::…`), sits in
//! `const _: () = { … };`, and calls the runtime's generic trait methods instead of inlining
//! bodies, so each entity costs a few lines of code to compile.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, Ident, LitStr, parse_quote};

use crate::ast::{BOUND_HINT, EntityKey, IdArg, KeyInput, TABLE_HINT, TableHint, TableInput};
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
    quote! {
        #item

        const _: () = {
            #[automatically_derived]
            impl ::scoped_runtime::__private::BoundTable for #ident {}

            #[automatically_derived]
            impl ::scoped_runtime::__private::Table for #ident {
                type Scope = #scope;
                const BASE_NAME: ::scoped_runtime::__private::BaseName =
                    ::scoped_runtime::__private::BaseName::from_static(#base_lit);
            }

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

fn scoped_key(key: &EntityKey) -> TokenStream {
    let ident = &key.ident;
    let tag = &key.tag;
    let ids_type = |lifetime: TokenStream| {
        // Spanned on the field's type: a type that cannot be a key id is reported there.
        let types = key.ids.iter().map(move |id| {
            let ty = &id.ty;
            match id.arg {
                IdArg::Text => quote_spanned!(ty.span()=> &#lifetime str),
                IdArg::Integer => quote_spanned!(ty.span()=> #ty),
                IdArg::Ref => quote_spanned!(ty.span()=> &#lifetime #ty),
            }
        });
        tuple_if_many(key.ids.len(), types)
    };
    let id_values = key.ids.iter().map(|id| {
        let name = &id.name;
        match id.arg {
            IdArg::Text => quote!(::scoped_runtime::__private::AsRef::<str>::as_ref(&self.#name)),
            IdArg::Integer => quote!(self.#name),
            IdArg::Ref => quote!(&self.#name),
        }
    });
    let ids_value = tuple_if_many(key.ids.len(), id_values);
    // `ids` names its type rather than `Self::Ids<'_>`: without a table, the projection would
    // repeat the impl's "not bound to a table" error.
    let (ids_type, ids_return) = (ids_type(quote!('a)), ids_type(quote!('_)));
    let builders = key.table.as_ref().map(|table| key_builders(key, table));
    let (tag_doc, attributes_doc, ids_doc) = entity_item_docs(key);
    let attributes = attributes_value(key);
    quote! {
        const _: () = {
            #[automatically_derived]
            impl ::scoped_runtime::__private::DerivedEntity for #ident {}

            #[automatically_derived]
            impl ::scoped_runtime::__private::Entity for #ident {
                #[doc = #tag_doc]
                const TAG: ::scoped_runtime::__private::EntityTag =
                    ::scoped_runtime::__private::EntityTag::from_static(#tag);
                #[doc = #attributes_doc]
                const ATTRIBUTES: ::scoped_runtime::__private::Attributes = #attributes;
                #[doc = #ids_doc]
                type Ids<'a> = #ids_type;

                fn ids(&self) -> #ids_return {
                    #ids_value
                }

                fn registration() -> &'static ::scoped_runtime::__private::Registration {
                    static REGISTRATION: ::scoped_runtime::__private::Registration =
                        ::scoped_runtime::__private::Registration::new();
                    &REGISTRATION
                }
            }

            #builders
        };
    }
}

/// One id as itself, several as a tuple: the shape of `Entity::Ids`.
fn tuple_if_many(count: usize, items: impl Iterator<Item = TokenStream>) -> TokenStream {
    if count == 1 {
        quote!(#(#items)*)
    } else {
        quote!((#(#items,)*))
    }
}

/// The inherent key builders, generated when the table (hence the scope type and the key
/// pattern for the docs) is known.
fn key_builders(key: &EntityKey, table: &TableHint) -> TokenStream {
    let ident = &key.ident;
    let vis = &key.vis;
    let scope = table.kind.type_path();
    let names: Vec<&Ident> = key.ids.iter().map(|id| &id.name).collect();
    let params = key.ids.iter().map(|id| {
        let name = &id.name;
        let ty = &id.ty;
        match id.arg {
            IdArg::Text => quote!(#name: &str),
            IdArg::Integer => quote!(#name: #ty),
            IdArg::Ref => quote!(#name: &#ty),
        }
    });
    let args = tuple_if_many(names.len(), names.iter().map(|name| quote!(#name)));
    let mut vars = table_vars(table.kind, &ident.to_string(), &table.base);
    let segments: Vec<String> = names
        .iter()
        .map(|name| format!("{{{}}}", unraw(name)))
        .collect();
    vars.push((
        "key_pattern",
        format!(
            "{}{}#{}",
            table.kind.key_prefix(),
            key.tag,
            segments.join("#")
        ),
    ));
    let fields: Vec<String> = names
        .iter()
        .map(|name| format!("`{}`", unraw(name)))
        .collect();
    vars.push((
        "id_fields",
        match fields.as_slice() {
            [one] => format!("{one} field"),
            many => format!("{} fields", many.join(", ")),
        },
    ));
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let partition_key_doc = doc::render(doc::PARTITION_KEY, &vars);
    let to_partition_key_doc = doc::render(doc::TO_PARTITION_KEY, &vars);
    let result = quote! {
        ::scoped_runtime::__private::Result<
            ::scoped_runtime::__private::PartitionKey<#ident>,
            ::scoped_runtime::__private::KeyError,
        >
    };
    // The id parameters are named after the fields, so the scope parameter is hygienic: an id
    // field named `scope` is a second parameter, not a duplicate.
    let scope_param = Ident::new("scope", Span::mixed_site());
    quote! {
        impl #ident {
            #[doc = #partition_key_doc]
            #vis fn partition_key(#scope_param: &#scope, #(#params),*) -> #result {
                <Self as ::scoped_runtime::__private::Entity>::partition_key(#scope_param, #args)
            }

            #[doc = #to_partition_key_doc]
            #vis fn to_partition_key(&self, scope: &#scope) -> #result {
                <Self as ::scoped_runtime::__private::Entity>::to_partition_key(self, scope)
            }
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
    let ids: Vec<String> = key.ids.iter().map(|id| unraw(&id.name)).collect();
    let pattern = key_pattern(key.table.as_ref().map(|table| table.kind), &key.tag, &ids);
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
