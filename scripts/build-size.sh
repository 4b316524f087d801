#!/usr/bin/env bash
# Measures a from-scratch debug build of scoped-runtime's library: wall time and the size of
# its target directory, for the default features and for all of them (issue 15: the default
# build must not grow with the optional services). Optionally also for another commit, built
# the same way, as the baseline.
#
#   bash scripts/build-size.sh [baseline-commit]
#
# Prints one line per build: `label seconds MiB`. Each build uses its own fresh target
# directory under a temporary directory and the profile settings of the workspace.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_INCREMENTAL=0

measure() { # label dir cargo-args...
    local label=$1 dir=$2
    shift 2
    local target="$work/target-$label"
    local start end
    start=$(date +%s.%N)
    (cd "$dir" && CARGO_TARGET_DIR="$target" cargo build -q -p scoped-runtime --lib --locked "$@")
    end=$(date +%s.%N)
    printf '%s %.1f %d\n' "$label" "$(echo "$end - $start" | bc)" "$(du -sm "$target" | cut -f1)"
    rm -rf "$target"
}

if [[ $# -ge 1 ]]; then
    git -C "$root" worktree add -q --detach "$work/baseline" "$1"
    measure baseline-default "$work/baseline"
    git -C "$root" worktree remove --force "$work/baseline"
fi
measure default "$root"
measure all-features "$root" --all-features
