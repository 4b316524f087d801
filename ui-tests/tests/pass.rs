//! The pass cases in `tests/ui/pass/`: what must compile and run.
//!
//! They are modules of this ordinary test rather than trybuild `pass` cases: with compile-fail
//! cases only, trybuild type-checks (`cargo check`) instead of building the AWS SDK a second
//! time into its own target directory, and clippy lints the pass cases with the rest.

#[path = "ui/pass/id-fields-named-like-parameters.rs"]
mod id_fields_named_like_parameters;
#[path = "ui/pass/ids-of-every-kind.rs"]
mod ids_of_every_kind;
#[path = "ui/pass/indexes.rs"]
mod indexes;
#[path = "ui/pass/key-segment-cannot-forge-keys.rs"]
mod key_segment_cannot_forge_keys;
#[path = "ui/pass/one-entity-per-scope.rs"]
mod one_entity_per_scope;
#[path = "ui/pass/sort-keys-and-collections.rs"]
mod sort_keys_and_collections;
#[path = "ui/pass/tables-without-keys.rs"]
mod tables_without_keys;

#[test]
fn id_fields_named_like_parameters() {
    id_fields_named_like_parameters::main().unwrap();
}

#[test]
fn ids_of_every_kind() {
    ids_of_every_kind::main().unwrap();
}

#[test]
fn key_segment_cannot_forge_keys() {
    key_segment_cannot_forge_keys::main().unwrap();
}

#[test]
fn one_entity_per_scope() {
    one_entity_per_scope::main().unwrap();
}

#[test]
fn tables_without_keys() {
    tables_without_keys::main().unwrap();
}

#[test]
fn sort_keys_and_collections() {
    sort_keys_and_collections::main().unwrap();
}

#[test]
fn indexes() {
    indexes::main();
}
