//! Rustdoc for generated items, kept as markdown templates in `doc/` (derive_builder's
//! `doc_tpl`): each states the entity's scope, table pattern and key pattern.

/// Docs of the generated `table_name`.
pub(crate) const TABLE_NAME: &str = include_str!("doc/table_name.md");
/// Docs of the generated `partition_key`.
pub(crate) const PARTITION_KEY: &str = include_str!("doc/partition_key.md");
/// Docs of the generated `to_partition_key`.
pub(crate) const TO_PARTITION_KEY: &str = include_str!("doc/to_partition_key.md");
/// Docs of the generated `item_key`, for entities with sort ids.
pub(crate) const ITEM_KEY: &str = include_str!("doc/item_key.md");
/// Docs of the generated `to_item_key`.
pub(crate) const TO_ITEM_KEY: &str = include_str!("doc/to_item_key.md");
/// The section a table attribute appends to an entity's own docs.
pub(crate) const STORAGE: &str = include_str!("doc/storage.md");
/// The line a table attribute appends to the docs of each documented `#[scoped(id)]` field.
pub(crate) const ID_FIELD: &str = include_str!("doc/id_field.md");
/// Docs of the generated `Entity::TAG`, shown on the entity's page.
pub(crate) const TAG: &str = include_str!("doc/tag.md");
/// Docs of the generated `Entity::ATTRIBUTES`.
pub(crate) const ATTRIBUTES: &str = include_str!("doc/attributes.md");
/// Docs of the generated `Entity::Ids`.
pub(crate) const IDS: &str = include_str!("doc/ids.md");

/// Replaces each `{name}` in `template` whose name is in `vars`, in one pass, so values may
/// themselves contain braces (`{tenant_id}` in a key pattern). Other braces are kept.
pub(crate) fn render(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let value = vars.iter().find(|(var, _)| *var == name)?.1;
            Some((value, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn replaces_known_names_once() {
        assert_eq!(
            render("`{key}` and {other}", &[("key", "TENANT#{tenant_id}#LEAD")]),
            "`TENANT#{tenant_id}#LEAD` and {other}"
        );
    }
}
