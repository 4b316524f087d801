//! Compile-fail cases of the entity macros and the scoped clients; see the crate docs
//! (`ui-tests/src/lib.rs`) for the layout and how to re-bless the snapshots. The pass cases
//! run in `tests/pass.rs`.

/// The `.stderr` snapshots are rustc 1.95's words; other compilers phrase errors differently.
#[rustversion::stable(1.95)]
#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    for category in [
        "attributes",
        "construction",
        "cross-scope",
        "indexes",
        "keys",
        "messaging",
        "sealed",
        "shapes",
        "sort-keys",
    ] {
        cases.compile_fail(format!("tests/ui/{category}/*.rs"));
    }
}

#[rustversion::not(stable(1.95))]
#[test]
fn ui() {
    eprintln!(
        "ui-tests skipped: the .stderr snapshots are pinned to rustc 1.95 (the workspace's \
         rust-version); run `cargo +1.95.0 test -p scoped-ui-tests` to check them"
    );
}
