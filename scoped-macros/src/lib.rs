//! Procedural macros of [`scoped_runtime`](https://docs.rs/scoped-runtime): the table
//! attributes `#[platform_table]`, `#[tenant_table]`, `#[capsule_table]` and
//! `#[derive(ScopedKey)]`.
//!
//! Use them through `scoped_runtime`, which re-exports and documents them; the generated code
//! names `::scoped_runtime` paths.
//!
//! The crate reads as a pipeline: `ast` turns syntax into a small model, `valid` checks
//! it against the runtime's naming rules, `expand` writes the tokens (with rustdoc from the
//! templates in `doc`).

mod ast;
mod attributes;
mod doc;
mod expand;
mod messaging;
mod objects;
mod scope;
mod valid;

#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

use crate::messaging::Resource;
use crate::scope::ScopeKind;

/// Binds a struct to the platform scope and a base table: `#[platform_table("events")]`.
#[proc_macro_attribute]
pub fn platform_table(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::table_attribute(ScopeKind::Platform, args.into(), item.into()).into()
}

/// Binds a struct to the tenant scope and a base table: `#[tenant_table("notifications")]`.
#[proc_macro_attribute]
pub fn tenant_table(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::table_attribute(ScopeKind::Tenant, args.into(), item.into()).into()
}

/// Binds a struct to the capsule scope and a base table: `#[capsule_table("crm")]`.
#[proc_macro_attribute]
pub fn capsule_table(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::table_attribute(ScopeKind::Capsule, args.into(), item.into()).into()
}

/// Not public API: the hint a table attribute leaves on a struct that does not derive
/// `ScopedKey`, so a second table attribute imported under another name is reported as a
/// conflict instead of a second `Table` impl. Expands to the struct alone.
#[doc(hidden)]
#[proc_macro_attribute]
pub fn __scoped_bound(_args: TokenStream, item: TokenStream) -> TokenStream {
    expand::bound_hint(item.into()).into()
}

/// Generates a table-bound struct's typed partition key from its `#[scoped(id)]` fields.
#[proc_macro_derive(ScopedKey, attributes(scoped, __scoped_table))]
pub fn derive_scoped_key(input: TokenStream) -> TokenStream {
    expand::derive_scoped_key(input.into()).into()
}

/// Reads the items of several entities that share a partition with one query.
#[proc_macro_derive(Collection)]
pub fn derive_collection(input: TokenStream) -> TokenStream {
    expand::derive_collection(input.into()).into()
}

/// Binds a serde struct to the platform scope's SQS queue: `#[platform_queue("events")]`.
#[proc_macro_attribute]
pub fn platform_queue(args: TokenStream, item: TokenStream) -> TokenStream {
    messaging::attribute(
        Resource::Queue,
        ScopeKind::Platform,
        args.into(),
        item.into(),
    )
    .into()
}

/// Binds a serde struct to a tenant's SQS queue: `#[tenant_queue("notifications")]`.
#[proc_macro_attribute]
pub fn tenant_queue(args: TokenStream, item: TokenStream) -> TokenStream {
    messaging::attribute(Resource::Queue, ScopeKind::Tenant, args.into(), item.into()).into()
}

/// Binds a serde struct to a capsule's SQS queue: `#[capsule_queue("jobs")]`.
#[proc_macro_attribute]
pub fn capsule_queue(args: TokenStream, item: TokenStream) -> TokenStream {
    messaging::attribute(
        Resource::Queue,
        ScopeKind::Capsule,
        args.into(),
        item.into(),
    )
    .into()
}

/// Binds a serde struct to the platform scope's SNS topic: `#[platform_topic("audit")]`.
#[proc_macro_attribute]
pub fn platform_topic(args: TokenStream, item: TokenStream) -> TokenStream {
    messaging::attribute(
        Resource::Topic,
        ScopeKind::Platform,
        args.into(),
        item.into(),
    )
    .into()
}

/// Binds a serde struct to a tenant's SNS topic: `#[tenant_topic("webhooks")]`.
#[proc_macro_attribute]
pub fn tenant_topic(args: TokenStream, item: TokenStream) -> TokenStream {
    messaging::attribute(Resource::Topic, ScopeKind::Tenant, args.into(), item.into()).into()
}

/// Binds a serde struct to a capsule's SNS topic: `#[capsule_topic("events")]`.
#[proc_macro_attribute]
pub fn capsule_topic(args: TokenStream, item: TokenStream) -> TokenStream {
    messaging::attribute(
        Resource::Topic,
        ScopeKind::Capsule,
        args.into(),
        item.into(),
    )
    .into()
}

/// Binds a struct to the capsule scope and an object collection: `#[capsule_objects("uploads")]`.
#[proc_macro_attribute]
pub fn capsule_objects(args: TokenStream, item: TokenStream) -> TokenStream {
    objects::objects_attribute(ScopeKind::Capsule, args.into(), item.into()).into()
}

/// Binds a struct to the tenant scope and an object collection: `#[tenant_objects("exports")]`.
#[proc_macro_attribute]
pub fn tenant_objects(args: TokenStream, item: TokenStream) -> TokenStream {
    objects::objects_attribute(ScopeKind::Tenant, args.into(), item.into()).into()
}

/// Binds a struct to the platform scope and an object collection: `#[platform_objects("reports")]`.
#[proc_macro_attribute]
pub fn platform_objects(args: TokenStream, item: TokenStream) -> TokenStream {
    objects::objects_attribute(ScopeKind::Platform, args.into(), item.into()).into()
}
