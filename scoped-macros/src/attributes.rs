//! The entity's top-level attributes as serde's derive names them: what the generated
//! `Entity::ATTRIBUTES` lists, so that an `Update` can check its names before sending.
//!
//! This follows `serde_derive` (`internals/attr.rs`, `internals/case.rs`): a field's name is
//! its `#[serde(rename = "…")]` (or `rename(serialize = "…")`), else the struct's
//! `#[serde(rename_all = "…")]` applied to the unraw'd field name; `skip` and
//! `skip_serializing` fields are not written. A `flatten` field, or a `transparent` or
//! `into = "…"` struct, writes names no macro can know: the list is then open. Serde reports malformed serde
//! attributes itself; here they only make the list open, never an error of ours.

use darling::ast::{Data, Style};
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Ident, LitStr};

use crate::ast::KeyInput;

/// The serialized top-level attributes of an entity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SerializedFields {
    /// The fields serde writes, in field order.
    pub(crate) fields: Vec<SerializedField>,
    /// Whether the entity may write other attributes too (`flatten`, `transparent`, or serde
    /// attributes this module could not read).
    pub(crate) open: bool,
}

/// One serialized field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SerializedField {
    /// Its attribute name in items.
    pub(crate) name: String,
    /// The Rust field name, unraw'd.
    pub(crate) field: String,
    /// Whether it is an `#[scoped(id)]` field.
    pub(crate) id: bool,
}

/// What a field of the struct tells [`SerializedFields::of`].
pub(crate) struct FieldInput<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) attrs: &'a [Attribute],
    pub(crate) id: bool,
}

impl SerializedFields {
    /// The attributes of a struct with serde attributes `attrs` and named fields `fields`.
    pub(crate) fn of<'a>(
        attrs: &[Attribute],
        fields: impl IntoIterator<Item = FieldInput<'a>>,
    ) -> Self {
        let mut out = Self::default();
        let container = match ContainerAttrs::parse(attrs) {
            Ok(container) => container,
            Err(_) => {
                out.open = true;
                ContainerAttrs::default()
            }
        };
        out.open |= container.transparent;
        for field in fields {
            let attrs = match FieldAttrs::parse(field.attrs) {
                Ok(attrs) => attrs,
                Err(_) => {
                    out.open = true;
                    continue;
                }
            };
            if attrs.flatten {
                out.open = true;
                continue;
            }
            if attrs.skip {
                continue;
            }
            let rust = unraw(field.ident);
            let name = attrs
                .rename
                .unwrap_or_else(|| container.rename_all.apply_to_field(&rust));
            out.fields.push(SerializedField {
                name,
                field: rust,
                id: field.id,
            });
        }
        out
    }
}

impl KeyInput {
    /// The attributes serde writes for this struct; empty for a struct without named fields
    /// (an error reported elsewhere).
    pub(crate) fn serialized_fields(&self) -> SerializedFields {
        let fields = match &self.data {
            Data::Struct(fields) if fields.style == Style::Struct => fields.fields.as_slice(),
            _ => &[],
        };
        SerializedFields::of(
            &self.attrs,
            fields.iter().filter_map(|field| {
                Some(FieldInput {
                    ident: field.ident.as_ref()?,
                    attrs: &field.attrs,
                    id: field.id.is_present() || field.sort.is_present(),
                })
            }),
        )
    }
}

/// A field name as serde sees it: `type`, not `r#type`.
fn unraw(ident: &Ident) -> String {
    let name = ident.to_string();
    match name.strip_prefix("r#") {
        Some(name) => name.to_owned(),
        None => name,
    }
}

#[derive(Default)]
struct ContainerAttrs {
    rename_all: RenameRule,
    /// `transparent` or `into = "…"`: serialized as something else than these fields.
    transparent: bool,
}

impl ContainerAttrs {
    fn parse(attrs: &[Attribute]) -> syn::Result<Self> {
        let mut out = Self::default();
        for attr in serde_attrs(attrs) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename_all") {
                    if let Some(rule) = serialize_name(&meta)? {
                        out.rename_all = RenameRule::from_name(&rule.value())
                            .ok_or_else(|| meta.error("unknown rename rule"))?;
                    }
                } else if meta.path.is_ident("transparent") {
                    out.transparent = true;
                } else if meta.path.is_ident("into") {
                    // Serialized as another type: its names are not these fields'.
                    out.transparent = true;
                    skip_value(&meta)?;
                } else {
                    skip_value(&meta)?;
                }
                Ok(())
            })?;
        }
        Ok(out)
    }
}

#[derive(Default)]
struct FieldAttrs {
    rename: Option<String>,
    skip: bool,
    flatten: bool,
}

impl FieldAttrs {
    fn parse(attrs: &[Attribute]) -> syn::Result<Self> {
        let mut out = Self::default();
        for attr in serde_attrs(attrs) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    if let Some(name) = serialize_name(&meta)? {
                        out.rename = Some(name.value());
                    }
                } else if meta.path.is_ident("skip") || meta.path.is_ident("skip_serializing") {
                    out.skip = true;
                } else if meta.path.is_ident("flatten") {
                    out.flatten = true;
                } else {
                    skip_value(&meta)?;
                }
                Ok(())
            })?;
        }
        Ok(out)
    }
}

fn serde_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|attr| attr.path().is_ident("serde"))
}

/// The serialize side of `key = "…"` or `key(serialize = "…", deserialize = "…")`.
fn serialize_name(meta: &ParseNestedMeta<'_>) -> syn::Result<Option<LitStr>> {
    if meta.input.peek(syn::Token![=]) {
        return meta.value()?.parse().map(Some);
    }
    let mut name = None;
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("serialize") {
            name = Some(inner.value()?.parse()?);
        } else {
            skip_value(&inner)?;
        }
        Ok(())
    })?;
    Ok(name)
}

/// Consumes the value of a serde option this module does not read: `= expr` or `(…)`.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok(())
}

/// serde's `rename_all` rules, applied to field names as `serde_derive` does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum RenameRule {
    #[default]
    None,
    LowerCase,
    UpperCase,
    PascalCase,
    CamelCase,
    SnakeCase,
    ScreamingSnakeCase,
    KebabCase,
    ScreamingKebabCase,
}

impl RenameRule {
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "lowercase" => Self::LowerCase,
            "UPPERCASE" => Self::UpperCase,
            "PascalCase" => Self::PascalCase,
            "camelCase" => Self::CamelCase,
            "snake_case" => Self::SnakeCase,
            "SCREAMING_SNAKE_CASE" => Self::ScreamingSnakeCase,
            "kebab-case" => Self::KebabCase,
            "SCREAMING-KEBAB-CASE" => Self::ScreamingKebabCase,
            _ => return None,
        })
    }

    /// `field` as serde writes it under this rule (serde assumes snake_case fields, so
    /// `lowercase` and `snake_case` leave them alone).
    pub(crate) fn apply_to_field(self, field: &str) -> String {
        match self {
            Self::None | Self::LowerCase | Self::SnakeCase => field.to_owned(),
            Self::UpperCase | Self::ScreamingSnakeCase => field.to_ascii_uppercase(),
            Self::PascalCase => {
                let mut pascal = String::with_capacity(field.len());
                let mut capitalize = true;
                for ch in field.chars() {
                    if ch == '_' {
                        capitalize = true;
                    } else if capitalize {
                        pascal.push(ch.to_ascii_uppercase());
                        capitalize = false;
                    } else {
                        pascal.push(ch);
                    }
                }
                pascal
            }
            Self::CamelCase => {
                let pascal = Self::PascalCase.apply_to_field(field);
                let mut chars = pascal.chars();
                match chars.next() {
                    Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
                    None => pascal,
                }
            }
            Self::KebabCase => field.replace('_', "-"),
            Self::ScreamingKebabCase => field.to_ascii_uppercase().replace('_', "-"),
        }
    }
}
