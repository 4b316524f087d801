//! The objects attribute's rules: a valid collection name, a plain struct, named id fields.

use syn::{Fields, Ident, ItemStruct, LitStr, Type, Visibility};

use super::parse::ObjectsInput;
use crate::ast::IdArg;
use crate::scope::ScopeKind;

/// A checked objects attribute: what the expansion needs.
pub(crate) struct ObjectsModel {
    pub(crate) kind: ScopeKind,
    pub(crate) collection: LitStr,
    pub(crate) item: ItemStruct,
    pub(crate) ident: Ident,
    pub(crate) vis: Visibility,
    pub(crate) ids: Vec<(Ident, Type, IdArg)>,
}

impl ObjectsInput {
    /// Checks the input, collecting every error.
    pub(crate) fn validate(&self) -> darling::Result<ObjectsModel> {
        let mut errors = darling::Error::accumulator();
        if let Err(rule) = scoped_rules::check_object_collection(&self.collection.value()) {
            errors.push(
                darling::Error::custom(format!(
                    "object collection {:?} {rule}: it is one segment of every object key, \
                     1–64 of `a-z 0-9 -`, starting with a letter or digit",
                    self.collection.value()
                ))
                .with_span(&self.collection),
            );
        }
        if !self.item.generics.params.is_empty() {
            errors.push(
                darling::Error::custom(
                    "an object type cannot be generic: it names objects of one collection",
                )
                .with_span(&self.item.generics),
            );
        }
        if !matches!(self.item.fields, Fields::Named(_)) {
            errors.push(
                darling::Error::custom(
                    "an object type needs named fields, its ids marked `#[scoped(id)]`",
                )
                .with_span(&self.item.ident),
            );
        }
        let ids: Vec<(Ident, Type, IdArg)> = self
            .id_fields()
            .filter_map(|field| {
                let ident = field.ident.clone()?;
                Some((ident, field.ty.clone(), IdArg::of(&field.ty)))
            })
            .collect();
        if ids.is_empty() && matches!(self.item.fields, Fields::Named(_)) {
            errors.push(
                darling::Error::custom(
                    "an object type needs at least one `#[scoped(id)]` field: its ids name the object",
                )
                .with_span(&self.item.ident),
            );
        }
        errors.finish()?;
        Ok(ObjectsModel {
            kind: self.kind,
            collection: self.collection.clone(),
            item: self.stripped_item(),
            ident: self.item.ident.clone(),
            vis: self.item.vis.clone(),
            ids,
        })
    }
}
