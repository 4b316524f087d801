#!/usr/bin/env bash
# Runs the quickstart example against a moto server started (and stopped) for it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v cargo >/dev/null || { echo "error: cargo is required: install Rust from https://rustup.rs" >&2; exit 1; }
exec bash scripts/with-moto.sh cargo run --quiet -p scoped-examples --example quickstart
