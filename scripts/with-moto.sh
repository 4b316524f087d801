#!/usr/bin/env bash
# Runs one command with a moto server this script starts (and stops) and the AWS SDK pointed
# at it: `bash scripts/with-moto.sh cargo run -p scoped-examples --example operator`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/moto.sh"
[[ $# -gt 0 ]] || die "usage: bash scripts/with-moto.sh <command> [args...]"
ensure_moto
start_moto
"$@"
