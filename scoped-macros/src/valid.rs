//! The rules the macros check at compile time. Names are checked with the runtime's own rules
//! (`scoped-rules`) and reported in the runtime's words, spanned on the offending token.

use darling::ast::{Data, Style};
use scoped_rules::{Rule, check_base_name, check_entity_tag, check_index_name};

use crate::ast::{
    CollectionInput, CollectionModel, EntityKey, IdArg, IdField, IndexTemplateInput, KeyInput,
    TableHint, TableInput, Template, TemplateField, UniqueField, option_inner,
};
use crate::scope::ScopeKind;

impl TableInput {
    /// Checks the base name and that no other table attribute is on the struct.
    ///
    /// # Errors
    ///
    /// Every broken rule, accumulated.
    pub(crate) fn validate(&self) -> darling::Result<String> {
        let mut errors = darling::Error::accumulator();
        let base = match &self.base {
            Ok(base) => errors.handle(
                check(&base.value(), "base table name", check_base_name)
                    .map_err(|e| e.with_span(base)),
            ),
            Err(error) => {
                errors.push(error.clone().into());
                None
            }
        };
        if let Some(bound) = &self.bound {
            // Unspanned, so on this attribute: its name is not one the macros know.
            errors.push(darling::Error::custom(
                self.conflict(bound.kind, self.kind, true),
            ));
        }
        for (other, attr) in &self.other_tables {
            let message = self.conflict(self.kind, *other, false);
            // Spanned on the path: on stable, an error spans one token, and `#` says little.
            errors.push(darling::Error::custom(message).with_span(attr.path()));
        }
        errors.finish_with(base.unwrap_or_default())
    }
}

/// A checked `index(..)` of a table attribute.
pub(crate) struct CheckedIndex {
    pub(crate) ident: syn::Ident,
    /// The DynamoDB index name, valid by the index name rule.
    pub(crate) name: String,
    pub(crate) sort_key: bool,
    /// 1 to [`MAX_SHARDS`].
    pub(crate) shards: u16,
    /// `projection = keys_only`.
    pub(crate) keys_only: bool,
}

/// The most shards an index may spread a partition over: each query reads every shard.
const MAX_SHARDS: u16 = 64;

impl TableInput {
    /// Checks the `index(..)` declarations: names by the index name rule and distinct, shards
    /// in range, a known projection. The valid ones are expanded even when others are not, so
    /// their uses do not add errors of their own.
    pub(crate) fn checked_indexes(&self) -> (Vec<CheckedIndex>, darling::Result<()>) {
        let mut errors = darling::Error::accumulator();
        let mut checked: Vec<CheckedIndex> = Vec::new();
        for decl in &self.indexes {
            let name =
                match &decl.name {
                    Some(name) => errors.handle(
                        check(&name.value(), "index name", check_index_name)
                            .map_err(|e| e.with_span(name)),
                    ),
                    None => {
                        let name = default_entity_tag(&decl.ident.to_string()).to_lowercase();
                        errors.handle(check_index_name(&name).map(|()| name.clone()).map_err(
                            |rule| {
                                darling::Error::custom(format!(
                                    "the default index name of `{}` is {name:?}, which is invalid: \
                             {rule}; name it with `index({}, name = \"…\")`",
                                    decl.ident, decl.ident
                                ))
                                .with_span(&decl.ident)
                            },
                        ))
                    }
                };
            let shards = match &decl.shards {
                None => Some(1),
                Some(lit) => errors.handle(
                    lit.base10_parse::<u16>()
                        .ok()
                        .filter(|n| (1..=MAX_SHARDS).contains(n))
                        .ok_or_else(|| {
                            darling::Error::custom(format!(
                                "`shards` is a number from 1 to {MAX_SHARDS}: each query of \
                                 the index reads every shard"
                            ))
                            .with_span(lit)
                        }),
                ),
            };
            let keys_only = match &decl.projection {
                None => Some(false),
                Some(p) if p == "all" => Some(false),
                Some(p) if p == "keys_only" => Some(true),
                Some(p) => errors.handle(Err(darling::Error::custom(format!(
                    "unknown projection `{p}`: an index projects `all` attributes (the \
                     default) or `keys_only`"
                ))
                .with_span(p))),
            };
            let (Some(name), Some(shards), Some(keys_only)) = (name, shards, keys_only) else {
                continue;
            };
            if let Some(first) = checked
                .iter()
                .find(|other| other.name == name || other.ident == decl.ident)
            {
                errors.push(
                    darling::Error::custom(format!(
                        "the table declares the index `{}` ({:?}) twice: each index has its \
                         own type and name",
                        first.ident, first.name
                    ))
                    .with_span(&decl.ident),
                );
                continue;
            }
            checked.push(CheckedIndex {
                ident: decl.ident.clone(),
                name,
                sort_key: decl.sort_key,
                shards,
                keys_only,
            });
        }
        (checked, errors.finish())
    }
}

impl TableInput {
    /// The message for a struct bound by `first` and again by `second`; `renamed` when the
    /// second was recognised by the first's hint, not by its name.
    fn conflict(&self, first: ScopeKind, second: ScopeKind, renamed: bool) -> String {
        let renamed = if renamed {
            " (one of them is imported under another name)"
        } else {
            ""
        };
        if first == second {
            format!(
                "`#[{}]` is given twice{renamed}: an entity is bound to exactly one table",
                second.attribute()
            )
        } else {
            format!(
                "`{}` is already a {} entity (`#[{}]`), so it cannot also be a {} entity \
                 (`#[{}]`){renamed}: an entity lives in exactly one scope; keep one of the two \
                 attributes",
                self.item.ident,
                first.noun(),
                first.attribute(),
                second.noun(),
                second.attribute(),
            )
        }
    }
}

impl KeyInput {
    /// Checks the struct's shape, its entity tag and its id fields.
    ///
    /// # Errors
    ///
    /// Every broken rule, accumulated.
    pub(crate) fn validate(mut self) -> darling::Result<EntityKey> {
        let mut errors = darling::Error::accumulator();
        let table = errors.handle(self.table_hint()).flatten();
        let ident = &self.ident;
        let declared_by = self.declared_by(table.as_ref(), &mut errors);
        if !self.generics.params.is_empty() {
            errors.push(
                darling::Error::custom(format!(
                    "`#[derive(ScopedKey)]` does not apply to generic structs: an entity has one \
                     key layout, so `{ident}` cannot have type, lifetime or const parameters"
                ))
                .with_span(&self.generics.params),
            );
        }
        let tag = match &self.entity {
            Some(tag) => errors.handle(
                check(&tag.value(), "entity tag", check_entity_tag).map_err(|e| e.with_span(tag)),
            ),
            None => {
                let tag = default_entity_tag(&ident.to_string());
                errors.handle(
                    check_entity_tag(&tag)
                        .map(|()| tag.clone())
                        .map_err(|rule| {
                            darling::Error::custom(format!(
                        "the default entity tag of `{ident}` is {tag:?}, which is invalid: {rule}; \
                         name one with `#[scoped(entity = \"…\")]`"
                    ))
                    .with_span(ident)
                        }),
                )
            }
        };
        let attributes = self.serialized_fields();
        let mut sort_fields = Vec::new();
        let mut all_fields: Vec<(syn::Ident, syn::Type, bool)> = Vec::new();
        let partition = self.partition.clone();
        let template_inputs = std::mem::take(&mut self.indexes);
        let ids = match self.data {
            Data::Struct(fields) if fields.style == Style::Struct => {
                let mut ids: Vec<IdField> = Vec::new();
                let mut sorts: Vec<IdField> = Vec::new();
                for field in fields.fields {
                    let (id, sort) = (field.id.is_present(), field.sort.is_present());
                    let Some(name) = field.ident else { continue };
                    all_fields.push((name.clone(), field.ty.clone(), field.unique.is_present()));
                    if id && sort {
                        errors.push(
                            darling::Error::custom(format!(
                                "`{name}` is marked both `#[scoped(id)]` and `#[scoped(sort)]`: \
                                 a field is a partition id (in `pk`) or a sort id (in `sk`), \
                                 not both"
                            ))
                            .with_span(&name),
                        );
                    }
                    if !id && !sort {
                        continue;
                    }
                    let arg = IdArg::of(&field.ty);
                    let field = IdField {
                        name,
                        ty: field.ty,
                        arg,
                    };
                    if id {
                        ids.push(field)
                    } else {
                        sorts.push(field)
                    }
                }
                if let Some(extra) = sorts.get(MAX_IDS) {
                    errors.push(
                        darling::Error::custom(format!(
                            "`{ident}` has {} sort fields, and a sort key has at most \
                             {MAX_IDS}: keep `#[scoped(sort)]` on at most {MAX_IDS} fields",
                            sorts.len()
                        ))
                        .with_span(&extra.name),
                    );
                }
                sort_fields = sorts;
                if let Some(extra) = ids.get(MAX_IDS) {
                    errors.push(
                        darling::Error::custom(format!(
                            "`{ident}` has {} id fields, and a partition key has at most \
                             {MAX_IDS}: keep `#[scoped(id)]` on at most {MAX_IDS} fields (combine \
                             the others into one id type implementing `KeySegment`)",
                            ids.len()
                        ))
                        .with_span(&extra.name),
                    );
                }
                if ids.is_empty() {
                    errors.push(
                        darling::Error::custom(format!(
                            "`{ident}` has no id field: mark the field or fields its partition \
                             key is built from with `#[scoped(id)]`"
                        ))
                        .with_span(ident),
                    );
                }
                ids
            }
            shape => {
                let what = match shape {
                    Data::Enum(_) => "an enum",
                    Data::Struct(fields) if fields.style == Style::Tuple => "a tuple struct",
                    Data::Struct(_) => "a unit struct",
                };
                errors.push(
                    darling::Error::custom(format!(
                        "`#[derive(ScopedKey)]` needs a struct with named fields, and `{ident}` is \
                         {what}: the key builders are generated with one parameter per named \
                         `#[scoped(id)]` field"
                    ))
                    .with_span(ident),
                );
                Vec::new()
            }
        };
        let templates = template_inputs
            .into_iter()
            .flat_map(|templates| templates.0)
            .filter_map(|input| check_template(ident, input, &all_fields, &mut errors))
            .collect();
        let unique = all_fields
            .iter()
            .filter(|(_, _, unique)| *unique)
            .filter_map(|(name, ty, _)| {
                let rust = crate::expand::unraw_name(name);
                let Some(attribute) = attributes.fields.iter().find(|f| f.field == rust) else {
                    errors.push(
                        darling::Error::custom(format!(
                            "`{name}` is `#[scoped(unique)]` but serde does not write it as an \
                             attribute of its own (skipped or flattened): a unique value is \
                             claimed by the attribute it is stored in"
                        ))
                        .with_span(name),
                    );
                    return None;
                };
                Some(UniqueField {
                    name: name.clone(),
                    attribute: attribute.name.clone(),
                    optional: option_inner(ty).is_some(),
                })
            })
            .collect();
        errors.finish()?;
        Ok(EntityKey {
            ident: self.ident,
            vis: self.vis,
            tag: tag.unwrap_or_default(),
            ids,
            sorts: sort_fields,
            table,
            declared_by,
            partition,
            attributes,
            templates,
            unique,
        })
    }

    /// The declaration the entity names (`table = …`, or the entity of `partition = …`),
    /// after checking that its table is given exactly one way.
    fn declared_by(
        &self,
        hint: Option<&TableHint>,
        errors: &mut darling::error::Accumulator,
    ) -> Option<syn::Path> {
        match (&self.table, &self.partition, hint) {
            (Some(_), Some(partition), _) => {
                errors.push(
                    darling::Error::custom(
                        "`partition = …` already gives the entity its table (the partition \
                         entity's): remove `table = …`",
                    )
                    .with_span(partition),
                );
                None
            }
            (Some(path), None, Some(hint)) | (None, Some(path), Some(hint)) => {
                errors.push(
                    darling::Error::custom(format!(
                        "`{}` is already bound to its table by `#[{}]`: an entity either carries \
                         a table attribute (declaring a table keyed by `pk` for itself) or \
                         refers to a declaration with `#[scoped(table = …)]` or \
                         `#[scoped(partition = …)]`, not both",
                        self.ident,
                        hint.kind.attribute()
                    ))
                    .with_span(path),
                );
                None
            }
            (Some(path), None, None) | (None, Some(path), None) => Some(path.clone()),
            (None, None, _) => None,
        }
    }
}

/// The most `#[scoped(id)]` fields an entity may have: `scoped_runtime` implements `KeyIds`
/// for one id and for tuples of up to six.
const MAX_IDS: usize = 6;

/// Checks `value` with `rule`, reporting it in the runtime's words:
/// `invalid base table name "CRM": must start with …`.
fn check(value: &str, what: &str, rule: fn(&str) -> Result<(), Rule>) -> darling::Result<String> {
    match rule(value) {
        Ok(()) => Ok(value.to_owned()),
        Err(rule) => Err(darling::Error::custom(format!(
            "invalid {what} {value:?}: {rule}"
        ))),
    }
}

/// Checks one index template: its fields exist, none is given twice.
fn check_template(
    entity: &syn::Ident,
    input: IndexTemplateInput,
    fields: &[(syn::Ident, syn::Type, bool)],
    errors: &mut darling::error::Accumulator,
) -> Option<Template> {
    let mut ok = true;
    let mut seen: Vec<syn::Ident> = Vec::new();
    let mut resolve = |names: &[syn::Ident]| -> Vec<TemplateField> {
        let mut out = Vec::new();
        for name in names {
            if seen.contains(name) {
                errors.push(
                    darling::Error::custom(format!(
                        "`{name}` is given twice in the template: each field is in the index \
                         key once"
                    ))
                    .with_span(name),
                );
                ok = false;
                continue;
            }
            seen.push(name.clone());
            let Some((_, ty, _)) = fields.iter().find(|(field, _, _)| field == name) else {
                let known: Vec<String> = fields.iter().map(|(f, _, _)| format!("`{f}`")).collect();
                errors.push(
                    darling::Error::custom(format!(
                        "`{entity}` has no field `{name}`; an index template names the \
                         entity's own fields: {}",
                        known.join(", ")
                    ))
                    .with_span(name),
                );
                ok = false;
                continue;
            };
            let (ty, optional) = match option_inner(ty) {
                Some(inner) => (inner.clone(), true),
                None => (ty.clone(), false),
            };
            out.push(TemplateField {
                field: IdField {
                    name: name.clone(),
                    arg: IdArg::of(&ty),
                    ty,
                },
                optional,
            });
        }
        out
    };
    let partition = resolve(&input.partition);
    let sort = resolve(&input.sort);
    if partition.len() > MAX_IDS || sort.len() > MAX_IDS {
        errors.push(
            darling::Error::custom(format!(
                "an index template has at most {MAX_IDS} partition fields and {MAX_IDS} sort \
                 fields"
            ))
            .with_span(&input.index),
        );
        ok = false;
    }
    ok.then_some(Template {
        index: input.index,
        partition,
        sort,
    })
}

/// A struct name in `UPPER_SNAKE_CASE`: `LeadNote` → `LEAD_NOTE`, `HTTPRequest` →
/// `HTTP_REQUEST`, `Order2Item` → `ORDER2_ITEM`.
pub(crate) fn default_entity_tag(name: &str) -> String {
    let name = name.strip_prefix("r#").unwrap_or(name);
    let chars: Vec<char> = name.chars().collect();
    let mut tag = String::with_capacity(name.len() + 4);
    for (i, &ch) in chars.iter().enumerate() {
        if i > 0 && ch.is_uppercase() {
            let prev = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|next| next.is_lowercase());
            if prev.is_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_uppercase() && next_is_lower)
            {
                tag.push('_');
            }
        }
        tag.extend(ch.to_uppercase());
    }
    tag
}

impl CollectionInput {
    /// Checks that the input is a non-generic enum whose variants each hold one entity.
    ///
    /// # Errors
    ///
    /// Every broken rule, accumulated.
    pub(crate) fn validate(self) -> darling::Result<CollectionModel> {
        let mut errors = darling::Error::accumulator();
        let ident = &self.ident;
        if !self.generics.params.is_empty() {
            errors.push(
                darling::Error::custom(format!(
                    "`#[derive(Collection)]` does not apply to generic enums: `{ident}` reads the \
                     items of one partition of fixed entities"
                ))
                .with_span(&self.generics.params),
            );
        }
        let mut variants = Vec::new();
        match self.data {
            syn::Data::Enum(data) => {
                let empty = data.variants.is_empty();
                for variant in data.variants {
                    match variant.fields {
                        syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                            if let Some(field) = fields.unnamed.into_iter().next() {
                                variants.push((variant.ident, field.ty));
                            }
                        }
                        _ => errors.push(
                            darling::Error::custom(format!(
                                "variant `{}` of collection `{ident}` must hold exactly one \
                                 entity: `{}(Entity)`",
                                variant.ident, variant.ident
                            ))
                            .with_span(&variant.ident),
                        ),
                    }
                }
                if empty {
                    errors.push(
                        darling::Error::custom(format!(
                            "collection `{ident}` has no variants: give it one per entity of \
                             the partition it reads, `Lead(Lead)`, `Note(Note)`"
                        ))
                        .with_span(ident),
                    );
                }
            }
            _ => errors.push(
                darling::Error::custom(format!(
                    "`#[derive(Collection)]` applies to enums only: `{ident}` should be an enum \
                     with one variant per entity of the partition, `Lead(Lead)`, `Note(Note)`"
                ))
                .with_span(ident),
            ),
        }
        errors.finish()?;
        Ok(CollectionModel {
            ident: self.ident,
            variants,
        })
    }
}
