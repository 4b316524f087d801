#!/usr/bin/env bash
# Runs one command with DynamoDB at a dynalite and STS at a moto server, both started (and
# stopped) by this script, and SCOPED_TEST_BACKEND=dynalite:
# `bash scripts/with-dynalite.sh cargo test -p scoped-tests --test typed_ops`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/moto.sh"
source "$(dirname "${BASH_SOURCE[0]}")/dynalite.sh"
[[ $# -gt 0 ]] || die "usage: bash scripts/with-dynalite.sh <command> [args...]"
ensure_moto
ensure_dynalite
start_moto
start_dynalite
use_dynalite
"$@"
