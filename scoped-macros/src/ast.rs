//! Syntax into a small model: the table attributes' argument and struct, and the input of
//! `#[derive(ScopedKey)]`.

use darling::util::Flag;
use darling::{FromDeriveInput, FromField};
use proc_macro2::TokenStream;
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{Attribute, Generics, Ident, ItemStruct, LitStr, Type, Visibility};

use crate::attributes::SerializedFields;
use crate::scope::ScopeKind;

/// The attribute a table attribute leaves on its struct for `#[derive(ScopedKey)]`, which
/// cannot see the table attribute itself: `#[__scoped_table(capsule, "crm")]`.
pub(crate) const TABLE_HINT: &str = "__scoped_table";

/// The attribute a table attribute leaves on a struct that does not derive `ScopedKey`, so a
/// second table attribute that runs after it (one imported under another name, which it cannot
/// recognise by name) still sees the binding: `#[::scoped_runtime::__private::__scoped_bound(
/// capsule, "crm")]`. It is a proc-macro attribute that removes itself.
pub(crate) const BOUND_HINT: &str = "__scoped_bound";

/// A struct under `#[capsule_table("crm")]` (or the tenant and platform forms).
pub(crate) struct TableInput {
    pub(crate) kind: ScopeKind,
    /// The base table name, as written, or why the argument is not one. A bad argument is
    /// reported while the struct is still bound (to a placeholder table), so that its
    /// `#[derive(ScopedKey)]` and uses do not add errors of their own.
    pub(crate) base: syn::Result<LitStr>,
    /// `sort_key` after the base name: the table is keyed by `pk` and `sk`.
    pub(crate) sort_key: bool,
    /// Its global secondary indexes, `index(..)`, in order.
    pub(crate) indexes: Vec<IndexDecl>,
    /// The struct, with any further table attributes taken off (they are reported instead of
    /// expanded, so a conflict is one error, not a cascade).
    pub(crate) item: ItemStruct,
    /// Further table attributes found on the struct: each is a conflict.
    pub(crate) other_tables: Vec<(ScopeKind, Attribute)>,
    /// The binding an earlier table attribute left as a hint ([`TABLE_HINT`] or
    /// [`BOUND_HINT`]): this attribute is then a second one, under a name of its own.
    pub(crate) bound: Option<TableHint>,
    /// Whether the struct also derives `ScopedKey`, which then gets a [`TABLE_HINT`].
    pub(crate) derives_key: bool,
}

impl TableInput {
    /// Parses the attribute's argument and its item.
    ///
    /// # Errors
    ///
    /// When the item is not a struct the macro can bind. The caller re-emits the item with the
    /// error.
    pub(crate) fn from_syn(
        kind: ScopeKind,
        args: TokenStream,
        item: TokenStream,
    ) -> darling::Result<Self> {
        let mut item = parse_struct(kind, item)?;
        let (base, sort_key, indexes) = match parse_args(kind, args) {
            Ok(TableArgs {
                base,
                sort_key,
                indexes,
            }) => (Ok(base), sort_key, indexes),
            Err(error) => (Err(error), false, Vec::new()),
        };
        let mut other_tables = Vec::new();
        let mut bound = None;
        item.attrs.retain(|attr| {
            if let Some(other) = table_attribute(attr) {
                other_tables.push((other, attr.clone()));
                return false;
            }
            let hint = attr
                .path()
                .segments
                .last()
                .map(|last| last.ident.to_string());
            match hint.as_deref() {
                // Kept: the derive reads it.
                Some(TABLE_HINT) => {
                    bound = bound.take().or_else(|| parse_hint(attr).ok());
                    true
                }
                Some(BOUND_HINT) => {
                    bound = bound.take().or_else(|| parse_hint(attr).ok());
                    false
                }
                _ => true,
            }
        });
        let derives_key = item.attrs.iter().any(derives_scoped_key);
        Ok(Self {
            kind,
            base,
            sort_key,
            indexes,
            item,
            other_tables,
            bound,
            derives_key,
        })
    }
}

/// The usage line the attribute errors repeat.
fn usage(kind: ScopeKind) -> String {
    format!(
        "`#[{}]` takes the base table name as one string literal, optionally followed by \
         `sort_key` for a table keyed by `pk` and `sk` and by its global secondary indexes: \
         `#[{}(\"crm\")]`, `#[{}(\"crm\", sort_key, index(ByEmail), index(Recent, sort_key))]`",
        kind.attribute(),
        kind.attribute(),
        kind.attribute()
    )
}

/// The usage line of an index declaration.
const INDEX_USAGE: &str = "an index is declared as `index(TypeName)`, optionally with \
    `name = \"by_email\"` (default: the type name in snake_case), `sort_key`, \
    `shards = N` (1 to 64) and `projection = all` or `projection = keys_only`";

/// A table attribute's arguments: `"crm"`, `"crm", sort_key`, then any `index(..)`.
pub(crate) struct TableArgs {
    pub(crate) base: LitStr,
    pub(crate) sort_key: bool,
    pub(crate) indexes: Vec<IndexDecl>,
}

/// One `index(..)` of a table attribute: a global secondary index of the table, and the unit
/// struct that names it in typed code.
pub(crate) struct IndexDecl {
    /// The type the attribute generates for the index: `ByEmail`.
    pub(crate) ident: Ident,
    /// `name = "…"`: the DynamoDB index name, default the type's name in snake_case.
    pub(crate) name: Option<LitStr>,
    /// `sort_key`: the index is keyed by `sk_{name}` too.
    pub(crate) sort_key: bool,
    /// `shards = N`.
    pub(crate) shards: Option<syn::LitInt>,
    /// `projection = all | keys_only`.
    pub(crate) projection: Option<Ident>,
}

impl syn::parse::Parse for IndexDecl {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let ident: Ident = input
            .parse()
            .map_err(|error| syn::Error::new(error.span(), INDEX_USAGE))?;
        let mut decl = Self {
            ident,
            name: None,
            sort_key: false,
            shards: None,
            projection: None,
        };
        while input.peek(syn::Token![,]) {
            input.parse::<syn::Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let option: Ident = input
                .parse()
                .map_err(|error| syn::Error::new(error.span(), INDEX_USAGE))?;
            let repeated = || {
                syn::Error::new(
                    option.span(),
                    format!("`{option}` is given twice in one index declaration"),
                )
            };
            match option.to_string().as_str() {
                "sort_key" if decl.sort_key => return Err(repeated()),
                "sort_key" => decl.sort_key = true,
                "name" if decl.name.is_some() => return Err(repeated()),
                "name" => {
                    input.parse::<syn::Token![=]>()?;
                    decl.name = Some(input.parse()?);
                }
                "shards" if decl.shards.is_some() => return Err(repeated()),
                "shards" => {
                    input.parse::<syn::Token![=]>()?;
                    decl.shards = Some(input.parse()?);
                }
                "projection" if decl.projection.is_some() => return Err(repeated()),
                "projection" => {
                    input.parse::<syn::Token![=]>()?;
                    decl.projection = Some(input.parse()?);
                }
                other => {
                    return Err(syn::Error::new(
                        option.span(),
                        format!("unknown index option `{other}`; {INDEX_USAGE}"),
                    ));
                }
            }
        }
        if !input.is_empty() {
            return Err(input.error(format!(
                "unexpected tokens in the index declaration; {INDEX_USAGE}"
            )));
        }
        Ok(decl)
    }
}

pub(crate) fn parse_args(kind: ScopeKind, args: TokenStream) -> syn::Result<TableArgs> {
    let parser = |input: ParseStream<'_>| {
        let base = input
            .parse::<LitStr>()
            .map_err(|error| syn::Error::new(error.span(), usage(kind)))?;
        let mut sort_key = false;
        let mut indexes = Vec::new();
        while input.peek(syn::Token![,]) {
            input.parse::<syn::Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let option: Ident = input.parse().map_err(|error| {
                syn::Error::new(
                    error.span(),
                    format!("expected `sort_key` or `index(..)`; {}", usage(kind)),
                )
            })?;
            if option == "sort_key" && !sort_key && indexes.is_empty() {
                sort_key = true;
            } else if option == "sort_key" {
                return Err(syn::Error::new(
                    option.span(),
                    format!(
                        "`sort_key` comes once, right after the base name; {}",
                        usage(kind)
                    ),
                ));
            } else if option == "index" {
                let content;
                syn::parenthesized!(content in input);
                indexes.push(content.parse::<IndexDecl>()?);
            } else {
                return Err(syn::Error::new(
                    option.span(),
                    format!("unknown table option `{option}`; {}", usage(kind)),
                ));
            }
        }
        if !input.is_empty() {
            return Err(input.error(format!(
                "unexpected tokens after the table's arguments; {}",
                usage(kind)
            )));
        }
        Ok(TableArgs {
            base,
            sort_key,
            indexes,
        })
    };
    parser.parse2(args)
}

fn parse_struct(kind: ScopeKind, item: TokenStream) -> darling::Result<ItemStruct> {
    let item: syn::Item = syn::parse2(item)?;
    let (what, span) = match item {
        syn::Item::Struct(item) if item.generics.params.is_empty() => return Ok(item),
        syn::Item::Struct(item) => {
            return Err(darling::Error::custom(format!(
                "`#[{}]` does not apply to generic structs: an entity has one table and one key \
                 layout, so `{}` cannot have type, lifetime or const parameters",
                kind.attribute(),
                item.ident
            ))
            .with_span(&item.generics.params));
        }
        syn::Item::Enum(item) => ("an enum", item.enum_token.span()),
        syn::Item::Union(item) => ("a union", item.union_token.span()),
        other => ("not a struct", other.span()),
    };
    Err(darling::Error::custom(format!(
        "`#[{}]` applies to structs only, and this is {what}: an entity is one row shape \
         bound to one table",
        kind.attribute()
    ))
    .with_span(&span))
}

/// The scope of a table attribute (`#[capsule_table(..)]`, `#[scoped_runtime::tenant_table(..)]`).
fn table_attribute(attr: &Attribute) -> Option<ScopeKind> {
    let last = attr.path().segments.last()?;
    ScopeKind::from_attribute(&last.ident.to_string())
}

/// Whether `attr` is a `#[derive(..)]` naming `ScopedKey` (by any path).
fn derives_scoped_key(attr: &Attribute) -> bool {
    if !attr.path().is_ident("derive") {
        return false;
    }
    let mut found = false;
    // A derive list that does not parse is rustc's to report; it is not ours.
    let _ = attr.parse_nested_meta(|meta| {
        found |= meta
            .path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "ScopedKey");
        Ok(())
    });
    found
}

/// The input of `#[derive(ScopedKey)]`.
#[derive(FromDeriveInput)]
#[darling(attributes(scoped), forward_attrs)]
pub(crate) struct KeyInput {
    pub(crate) ident: Ident,
    pub(crate) vis: Visibility,
    pub(crate) generics: Generics,
    pub(crate) data: darling::ast::Data<(), KeyField>,
    pub(crate) attrs: Vec<Attribute>,
    /// `#[scoped(entity = "LEAD")]`: the entity tag; defaults to the struct's name in
    /// `UPPER_SNAKE_CASE`.
    #[darling(default, with = entity_tag)]
    pub(crate) entity: Option<LitStr>,
    /// `#[scoped(table = Crm)]`: the declaration of the entity's table, a struct under a table
    /// attribute.
    #[darling(default)]
    pub(crate) table: Option<syn::Path>,
    /// `#[scoped(partition = Lead)]`: the entity whose partitions hold this one's items; its
    /// table is this one's.
    #[darling(default)]
    pub(crate) partition: Option<syn::Path>,
    /// `#[scoped(index(ByEmail(partition(email)), Recent(sort(created))))]`: the entity's
    /// template for each index it appears in.
    #[darling(default, multiple, rename = "index")]
    pub(crate) indexes: Vec<IndexTemplates>,
}

/// The usage line of an index template.
const TEMPLATE_USAGE: &str = "index templates are written `index(IndexType(partition(field, …), \
    sort(field, …)))`: the index type its table declares, then the fields whose values make \
    the index partition (after the scope's prefix, the entity tag and the index name) and the \
    index sort key; either list may be left out (`index(AllHooks)` lists every item of the \
    entity in one partition), and one `index(..)` may hold several templates";

/// One `index(..)` of `#[scoped(..)]`: the templates it holds.
///
/// The index type is the name of each template's list (`Recent(sort(created))`), not a first
/// argument (`Recent, sort(created)`), so that two templates reading the same field are
/// different attribute paths and clippy's `duplicated_attributes` stays quiet in users' code.
pub(crate) struct IndexTemplates(pub(crate) Vec<IndexTemplateInput>);

/// One template: which fields make an index's keys.
pub(crate) struct IndexTemplateInput {
    /// The index type: `ByEmail`.
    pub(crate) index: syn::Path,
    /// `partition(..)`: the fields of the index partition value, in order.
    pub(crate) partition: Vec<Ident>,
    /// `sort(..)`: the fields of the index sort value, in order.
    pub(crate) sort: Vec<Ident>,
}

impl darling::FromMeta for IndexTemplates {
    fn from_list(items: &[darling::ast::NestedMeta]) -> darling::Result<Self> {
        use darling::ast::NestedMeta;
        let mut errors = darling::Error::accumulator();
        let mut templates = Vec::new();
        if items.is_empty() {
            errors.push(darling::Error::custom(TEMPLATE_USAGE));
        }
        for item in items {
            match item {
                NestedMeta::Meta(syn::Meta::Path(path)) => templates.push(IndexTemplateInput {
                    index: path.clone(),
                    partition: Vec::new(),
                    sort: Vec::new(),
                }),
                NestedMeta::Meta(syn::Meta::List(list)) => {
                    if let Some(template) = errors.handle(template(list)) {
                        templates.push(template);
                    }
                }
                other => errors.push(darling::Error::custom(TEMPLATE_USAGE).with_span(other)),
            }
        }
        errors.finish_with(Self(templates))
    }
}

/// `IndexType(partition(..), sort(..))`.
fn template(list: &syn::MetaList) -> darling::Result<IndexTemplateInput> {
    let mut out = IndexTemplateInput {
        index: list.path.clone(),
        partition: Vec::new(),
        sort: Vec::new(),
    };
    let mut errors = darling::Error::accumulator();
    let (mut seen_partition, mut seen_sort) = (false, false);
    let options = list
        .parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
        .map_err(|error| {
            darling::Error::custom(format!("{error}; {TEMPLATE_USAGE}")).with_span(&list.tokens)
        })?;
    for option in options {
        let list = match option {
            syn::Meta::List(list) => list,
            syn::Meta::NameValue(name_value)
                if name_value.path.is_ident("partition") || name_value.path.is_ident("sort") =>
            {
                errors.push(
                    darling::Error::custom(
                        "an index key is built from fields, never from a written value or \
                         template string: the library puts the scope's key prefix, the entity \
                         tag and the index name in front of the fields' values, so no template \
                         can leave the scope; write `partition(field, …)`",
                    )
                    .with_span(&name_value.value),
                );
                continue;
            }
            other => {
                errors.push(darling::Error::custom(TEMPLATE_USAGE).with_span(&other));
                continue;
            }
        };
        let (target, seen) = if list.path.is_ident("partition") {
            (&mut out.partition, &mut seen_partition)
        } else if list.path.is_ident("sort") {
            (&mut out.sort, &mut seen_sort)
        } else {
            errors.push(
                darling::Error::custom(format!(
                    "unknown template option `{}`; {TEMPLATE_USAGE}",
                    list.path
                        .get_ident()
                        .map(Ident::to_string)
                        .unwrap_or_default()
                ))
                .with_span(&list.path),
            );
            continue;
        };
        if std::mem::replace(seen, true) {
            errors
                .push(darling::Error::custom("given twice in one template").with_span(&list.path));
            continue;
        }
        match list
            .parse_args_with(syn::punctuated::Punctuated::<Ident, syn::Token![,]>::parse_terminated)
        {
            Ok(fields) => target.extend(fields),
            Err(error) => errors.push(
                darling::Error::custom(format!("expected field names: {error}; {TEMPLATE_USAGE}"))
                    .with_span(&list.tokens),
            ),
        }
    }
    errors.finish_with(out)
}

/// `entity = "LEAD"`: exactly one string literal. Anything else (a path, a constant, a macro
/// call) is reported in these words rather than darling's "unexpected type".
fn entity_tag(meta: &syn::Meta) -> darling::Result<Option<LitStr>> {
    const USAGE: &str = "`entity` takes the entity tag as one string literal: \
                         `#[scoped(entity = \"LEAD\")]`";
    match meta {
        syn::Meta::NameValue(syn::MetaNameValue {
            value:
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(tag),
                    ..
                }),
            ..
        }) => Ok(Some(tag.clone())),
        syn::Meta::NameValue(name_value) => {
            Err(darling::Error::custom(USAGE).with_span(&name_value.value))
        }
        other => Err(darling::Error::custom(USAGE).with_span(other)),
    }
}

/// A field of a `ScopedKey` struct.
#[derive(FromField)]
#[darling(attributes(scoped), forward_attrs(serde))]
pub(crate) struct KeyField {
    pub(crate) ident: Option<Ident>,
    pub(crate) ty: Type,
    /// Its `#[serde(..)]` attributes, for the serialized field names.
    pub(crate) attrs: Vec<Attribute>,
    /// `#[scoped(id)]`: the field is one of the partition key's ids, in field order.
    pub(crate) id: Flag,
    /// `#[scoped(sort)]`: the field is one of the sort key's ids, in field order.
    pub(crate) sort: Flag,
    /// `#[scoped(unique)]`: no two of the entity's items in a scope hold the same value.
    pub(crate) unique: Flag,
}

impl KeyInput {
    /// Reads the derive input and its `#[scoped(..)]` options.
    ///
    /// # Errors
    ///
    /// Every malformed or unknown option, each spanned on its token.
    pub(crate) fn from_syn(input: TokenStream) -> darling::Result<Self> {
        let input: syn::DeriveInput = syn::parse2(input)?;
        Self::from_derive_input(&input)
    }

    /// The table a table attribute bound this struct to, if one did: from the hint it leaves
    /// when it runs first (`#[capsule_table] #[derive(ScopedKey)]`), or from the attribute
    /// itself when the derive runs first.
    ///
    /// # Errors
    ///
    /// If the hint is malformed (only when written by hand).
    pub(crate) fn table_hint(&self) -> darling::Result<Option<TableHint>> {
        for attr in &self.attrs {
            if attr.path().is_ident(TABLE_HINT) {
                return parse_hint(attr).map(Some);
            }
            if let Some(kind) = table_attribute(attr) {
                // A malformed argument is the table attribute's to report.
                let args = attr
                    .parse_args_with(|input: ParseStream<'_>| parse_args(kind, input.parse()?))
                    .ok();
                return Ok(args.map(|args| TableHint {
                    kind,
                    base: args.base.value(),
                }));
            }
        }
        Ok(None)
    }
}

fn parse_hint(attr: &Attribute) -> darling::Result<TableHint> {
    let (scope, base) = attr.parse_args_with(|input: ParseStream<'_>| {
        let scope: Ident = input.parse()?;
        input.parse::<syn::Token![,]>()?;
        let base: LitStr = input.parse()?;
        Ok((scope, base))
    })?;
    let kind = ScopeKind::ALL
        .into_iter()
        .find(|kind| scope == kind.noun())
        .ok_or_else(|| darling::Error::unknown_value(&scope.to_string()).with_span(&scope))?;
    Ok(TableHint {
        kind,
        base: base.value(),
    })
}

/// What a table attribute told `#[derive(ScopedKey)]`.
pub(crate) struct TableHint {
    pub(crate) kind: ScopeKind,
    pub(crate) base: String,
}

/// How a generated key builder takes an id of a given field type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdArg {
    /// Text (`String`, `Box<str>`, `Arc<str>`, `Cow<str>`, `&str`): as `&str`.
    Text,
    /// A primitive integer, or `bool` (a sort id): by value.
    Integer,
    /// Anything else implementing `KeySegment`: by reference.
    Ref,
}

impl IdArg {
    /// Classifies a field type by its syntax. Only the argument's form depends on this; the
    /// key is the same, so a type alias merely falls back to [`IdArg::Ref`].
    pub(crate) fn of(ty: &Type) -> Self {
        const INTEGERS: [&str; 12] = [
            "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
        ];
        match ty {
            Type::Reference(reference) if is_str(&reference.elem) => Self::Text,
            Type::Path(path) if path.qself.is_none() => {
                let Some(last) = path.path.segments.last() else {
                    return Self::Ref;
                };
                let name = last.ident.to_string();
                if name == "String" {
                    return Self::Text;
                }
                let by_value = INTEGERS.contains(&name.as_str()) || name == "bool";
                if by_value && path.path.segments.len() == 1 {
                    return Self::Integer;
                }
                let str_param = match &last.arguments {
                    syn::PathArguments::AngleBracketed(args) => args.args.iter().any(
                        |arg| matches!(arg, syn::GenericArgument::Type(inner) if is_str(inner)),
                    ),
                    _ => false,
                };
                if str_param && ["Box", "Arc", "Rc", "Cow"].contains(&name.as_str()) {
                    Self::Text
                } else {
                    Self::Ref
                }
            }
            _ => Self::Ref,
        }
    }
}

fn is_str(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.qself.is_none() && path.path.is_ident("str"))
}

/// A checked `#[derive(ScopedKey)]` input: what the expansion needs.
pub(crate) struct EntityKey {
    pub(crate) ident: Ident,
    pub(crate) vis: Visibility,
    /// The entity tag, valid by the runtime's rule.
    pub(crate) tag: String,
    /// The `#[scoped(id)]` fields, in order; never empty.
    pub(crate) ids: Vec<IdField>,
    /// The `#[scoped(sort)]` fields, in order.
    pub(crate) sorts: Vec<IdField>,
    /// The table, when a table attribute left its hint.
    pub(crate) table: Option<TableHint>,
    /// The table's declaration, when the entity names it (`table = …` or `partition = …`)
    /// instead of carrying a table attribute.
    pub(crate) declared_by: Option<syn::Path>,
    /// The entity whose partitions hold this one's items, when not itself.
    pub(crate) partition: Option<syn::Path>,
    /// The attributes serde writes, for `Entity::ATTRIBUTES`.
    pub(crate) attributes: SerializedFields,
    /// The index templates, checked.
    pub(crate) templates: Vec<Template>,
    /// The `#[scoped(unique)]` fields.
    pub(crate) unique: Vec<UniqueField>,
}

/// A checked index template.
pub(crate) struct Template {
    pub(crate) index: syn::Path,
    pub(crate) partition: Vec<TemplateField>,
    pub(crate) sort: Vec<TemplateField>,
}

/// One field of an index template: its value's type, and whether it is optional.
pub(crate) struct TemplateField {
    pub(crate) field: IdField,
    /// Declared `Option<T>`: `field.ty` is then `T`, and `None` keeps the item out of the index.
    pub(crate) optional: bool,
}

/// One `#[scoped(unique)]` field.
pub(crate) struct UniqueField {
    pub(crate) name: Ident,
    /// Its attribute name in items.
    pub(crate) attribute: String,
    /// Declared `Option<T>`.
    pub(crate) optional: bool,
}

/// `T` if `ty` is written `Option<T>` (by any path ending in `Option`).
pub(crate) fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" || path.qself.is_some() {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) if args.args.len() == 1 => {
            match args.args.first()? {
                syn::GenericArgument::Type(inner) => Some(inner),
                _ => None,
            }
        }
        _ => None,
    }
}

/// One `#[scoped(id)]` field.
pub(crate) struct IdField {
    pub(crate) name: Ident,
    pub(crate) ty: Type,
    pub(crate) arg: IdArg,
}

impl TableInput {
    /// The entity tag the struct's `#[derive(ScopedKey)]` will use, for the docs: its
    /// `#[scoped(entity = "…")]`, else the default from its name. A malformed option is the
    /// derive's to report.
    pub(crate) fn entity_tag(&self) -> String {
        let mut tag = None;
        for attr in self
            .item
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("scoped"))
        {
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("entity") {
                    tag = Some(meta.value()?.parse::<LitStr>()?.value());
                } else if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                }
                Ok(())
            });
        }
        tag.unwrap_or_else(|| crate::valid::default_entity_tag(&self.item.ident.to_string()))
    }

    /// The names of the struct's `#[scoped(id)]` fields, in order, as the docs show them.
    pub(crate) fn id_fields(&self) -> Vec<String> {
        self.item
            .fields
            .iter()
            .filter(|field| is_id_field(field))
            .filter_map(|field| field.ident.as_ref())
            .map(|ident| {
                let name = ident.to_string();
                name.strip_prefix("r#")
                    .map_or_else(|| name.clone(), str::to_owned)
            })
            .collect()
    }
}

/// Whether `field` is marked `#[scoped(id)]`, read as the derive's darling options read it.
pub(crate) fn is_id_field(field: &syn::Field) -> bool {
    let mut id = false;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("scoped")) {
        // A malformed option is the derive's to report.
        let _ = attr.parse_nested_meta(|meta| {
            id |= meta.path.is_ident("id");
            Ok(())
        });
    }
    id
}

/// The input of `#[derive(Collection)]`: an enum of newtype variants, each an entity.
pub(crate) struct CollectionInput {
    pub(crate) ident: Ident,
    pub(crate) generics: Generics,
    pub(crate) data: syn::Data,
}

impl CollectionInput {
    /// Reads the derive input.
    ///
    /// # Errors
    ///
    /// If it does not parse as an item.
    pub(crate) fn from_syn(input: TokenStream) -> darling::Result<Self> {
        let input: syn::DeriveInput = syn::parse2(input)?;
        Ok(Self {
            ident: input.ident,
            generics: input.generics,
            data: input.data,
        })
    }
}

/// A checked `#[derive(Collection)]` input.
pub(crate) struct CollectionModel {
    pub(crate) ident: Ident,
    /// Each variant's name and entity type, in order; never empty.
    pub(crate) variants: Vec<(Ident, Type)>,
}
