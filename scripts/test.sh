#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints (clippy, and parliament on the generated
# session policies), unit, property, integration (against moto), ui and doc tests, the examples,
# rustdoc with warnings denied, and that benchmarks build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/moto.sh"
cd "$SCOPED_ROOT"

# A CI run builds once, so incremental caches (about 1 GiB) would only fill the disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

# A run from scratch fills about 2.6 GiB of target/. Say so up front rather than let rustc
# stop halfway with "No space left on device".
free_kib=$(df -Pk "$SCOPED_ROOT" | awk 'NR == 2 { print $4 }')
if (( free_kib < 3 * 1024 * 1024 )); then
    echo "warning: only $(( free_kib / 1024 )) MiB free under $SCOPED_ROOT; a build from scratch needs about 3 GiB" >&2
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

step "cargo fmt --check"
cargo fmt --all --check

step "session policies pass parliament (IAM policy linter)"
lint_session_policies

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

start_moto

step "cargo test (unit, property, integration, ui and doc tests)"
cargo test --workspace --locked

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
