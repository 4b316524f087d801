#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints (clippy, and parliament on the generated
# session policies), unit, property, integration (against moto, then the DynamoDB suites again
# against dynalite), ui and doc tests, the examples, rustdoc with warnings denied, and that
# benchmarks build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/moto.sh"
source "$(dirname "${BASH_SOURCE[0]}")/dynalite.sh"
cd "$SCOPED_ROOT"

# A CI run builds once, so incremental caches (about 1 GiB) would only fill the disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

# A run from scratch fills about 4.8 GiB of target/ (every service feature). Say so up front rather than let rustc
# stop halfway with "No space left on device".
free_kib=$(df -Pk "$SCOPED_ROOT" | awk 'NR == 2 { print $4 }')
if (( free_kib < 5 * 1024 * 1024 )); then
    echo "warning: only $(( free_kib / 1024 )) MiB free under $SCOPED_ROOT; a build from scratch needs about 4.8 GiB" >&2
fi

step() { echo; echo "==> $*"; }

command -v cargo >/dev/null || die "cargo is required: install Rust from https://rustup.rs"
for tool in fmt clippy; do
    if ! cargo "$tool" --version >/dev/null 2>&1; then
        echo "==> installing the $tool component"
        rustup component add "$( [[ $tool == fmt ]] && echo rustfmt || echo clippy )" ||
            die "cargo $tool is missing and rustup could not install it"
    fi
done
ensure_moto
ensure_dynalite

step "cargo fmt --check"
cargo fmt --all --check

step "generated policies pass parliament (IAM policy linter): session, ABAC permission and trust"
lint_session_policies

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "the core builds alone (no service feature; docs/layout.md)"
# `--workspace` turns every service feature on (the tests crate enables them all); this checks
# that nothing outside a service module needs one. Check only: it adds metadata, not binaries.
cargo clippy -p scoped-runtime --no-default-features --locked -- -D warnings

start_moto

step "cargo test (unit, property, integration on moto, ui and doc tests)"
SCOPED_TEST_BACKEND=moto cargo test --workspace --locked

step "integration tests on dynalite (DynamoDB on dynalite, STS on moto)"
# The scoped-tests binaries `cargo test --workspace` just built and ran on moto, run again with
# DynamoDB at dynalite: no second build. Each binary names its backend on its first line; a
# test that needs what dynalite lacks prints a NOT RUN line saying why (docs/testing.md).
start_dynalite
mapfile -t integration_tests < <(
    cargo test --workspace --locked --no-run --message-format=json 2>/dev/null |
        python3 -c '
import json, sys
manifest = sys.argv[1]
for line in sys.stdin:
    message = json.loads(line)
    if (message.get("reason") == "compiler-artifact" and message.get("manifest_path") == manifest
            and message.get("executable") and message["target"]["kind"] == ["test"]):
        print(message["executable"])
' "$SCOPED_ROOT/tests/Cargo.toml"
)
(( ${#integration_tests[@]} > 0 )) || die "cargo test --no-run listed no scoped-tests integration test binary"
for binary in "${integration_tests[@]}"; do
    echo "--> $(basename "$binary") on dynalite"
    (cd "$SCOPED_ROOT/tests" && use_dynalite && "$binary")
done

step "examples against moto"
# `cargo test --workspace` built the examples; run those binaries. `cargo run -p` would resolve
# features for the examples crate alone and build the whole AWS SDK a second time.
target_dir=$(cargo metadata --format-version 1 --no-deps --locked |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
for example in examples/examples/*.rs; do
    name=$(basename "$example" .rs)
    binary="$target_dir/debug/examples/$name"
    [[ -x $binary ]] || die "example $name was not built by cargo test: $binary is missing"
    echo "--> example $name"
    "$binary" >/dev/null
done

step "cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

step "benchmarks compile"
# In the test profile, so they reuse the debug build instead of building the SDK in release;
# `bash scripts/bench.sh` builds them in release to measure.
cargo test --workspace --benches --no-run --locked

echo
echo "==> all checks passed"
