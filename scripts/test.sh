#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, unit, property, integration (against
# moto), ui and doc tests, the examples, rustdoc with warnings denied, and that benchmarks build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/moto.sh"
cd "$SCOPED_ROOT"

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

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

start_moto

step "cargo test (unit, property, integration, ui and doc tests)"
cargo test --workspace --locked

step "examples against moto"
for example in examples/examples/*.rs; do
    name=$(basename "$example" .rs)
    echo "--> example $name"
    cargo run --quiet --locked -p scoped-examples --example "$name" >/dev/null
done

step "cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

step "benchmarks compile"
cargo bench --workspace --no-run --locked

echo
echo "==> all checks passed"
