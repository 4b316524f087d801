#!/usr/bin/env bash
# Runs the quickstart example against a moto server this script starts (and stops).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/moto.sh"
cd "$SCOPED_ROOT"
command -v cargo >/dev/null || die "cargo is required: install Rust from https://rustup.rs"
ensure_moto
start_moto
cargo run --quiet -p scoped-examples --example quickstart
