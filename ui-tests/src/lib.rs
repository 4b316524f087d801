//! Compile-time proof that cross-scope misuse of `scoped` does not compile, and that misusing
//! its macros gives an error that names the fix.
//!
//! The cases live in `tests/ui/`, one failure per file, grouped by what they misuse:
//!
//! | folder          | what must not compile                                                        |
//! |-----------------|------------------------------------------------------------------------------|
//! | `cross-scope/`  | an entity through another scope's client (all six pairings), generic code without a scope bound, the operator clients asked for a table, items or a transaction, items of a table without a key, a key built from the wrong scope, a capsule entity scanned or counted |
//! | `keys/`         | one entity's key where another's is expected or where an id is, a key turned into text implicitly, a string where a key is, an id of the wrong type or of a type that cannot be a key id |
//! | `sealed/`       | hand-written impls of the traits that bind types to scopes and ids to keys (`Table`, `Entity`, the client scope checks, `EntityInScope`, `OperatorEntity`, `KeyIds`) |
//! | `construction/` | scoped clients, scopes and keys built without the factory or the validating constructors; bad `from_static` literals and `base_name!`/`entity_tag!` literals, failing `cargo check` |
//! | `attributes/`   | two table attributes (also under a renamed import), `ScopedKey` without one, no id field, seven id fields, bad base names and entity tags, a tag that is not a literal, unknown options |
//! | `shapes/`       | the macros on enums, tuple structs and generic structs                       |
//! | `pass/`         | what must compile and run (run by `tests/pass.rs`): one entity per scope, every id kind, id fields named like the generated parameters, a `KeySegment` that tries to forge a key, attribute forms |
//!
//! 60 compile-fail cases and 5 pass cases. Each compile-fail case has a `.stderr` snapshot
//! beside it, reviewed by hand: its message must say what is wrong and how to fix it. Where
//! the message is rustc's own (private fields and functions, mismatched types), it names the
//! offending field, function or type but cannot name the factory method to use.
//!
//! # Compiler version
//!
//! rustc's wording changes between releases, so the snapshots are pinned to the workspace's
//! `rust-version`, 1.95. On any other compiler the test prints that it was skipped (guarded
//! with `rustversion`, as darling's `compiletests.rs` does); run it with
//! `cargo +1.95.0 test -p scoped-ui-tests`.
//!
//! # Re-blessing
//!
//! After a deliberate change to a message (or moving to a new pinned compiler):
//!
//! ```text
//! TRYBUILD=overwrite cargo test -p scoped-ui-tests --test ui
//! git diff ui-tests/tests/ui
//! ```
//!
//! Read every changed `.stderr` before committing it: a snapshot that no longer names the fix
//! is a regression, however green the test.
//!
//! # Cost
//!
//! trybuild checks `scoped-runtime` and its dependencies (the AWS SDK) once into
//! `target/tests/trybuild`, shared by every case. Because every trybuild case is compile-fail,
//! it runs `cargo check`, never a second full build of the SDK; the pass cases are modules of
//! the ordinary test `tests/pass.rs`, built with the rest of the workspace.
//!
//! The lint test (`tests/lints.rs`) compiles every macro form under
//! `#![deny(missing_docs, unused_qualifications, clippy::pedantic)]`.
