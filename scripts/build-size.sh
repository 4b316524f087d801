#!/usr/bin/env bash
# Measures a from-scratch debug build of scoped-runtime's library: wall time and the size of
# its target directory, for the default features and for all of them (issue 15: the default
# build must not grow with the optional services). Optionally also for another commit, built
# the same way, as the baseline.
#
#   bash scripts/build-size.sh [baseline-commit]
#
# Prints one line per build: `label wall-seconds cpu-seconds MiB`. CPU time (user + system of
# cargo and every rustc it ran) is the number to compare on a shared machine: wall time moves
# with the load, CPU time much less. Each build uses its own fresh target directory under a
# temporary directory and the profile settings of the workspace.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_INCREMENTAL=0

measure() { # label dir cargo-args...
    local label=$1 dir=$2
    shift 2
    local target="$work/target-$label" times
    times=$(cd "$dir" && CARGO_TARGET_DIR="$target" python3 - "$@" <<'PY'
import os, resource, subprocess, sys, time
start = time.monotonic()
subprocess.run(["cargo", "build", "-q", "-p", "scoped-runtime", "--lib", "--locked", *sys.argv[1:]], check=True)
wall = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall:.1f} {usage.ru_utime + usage.ru_stime:.1f}")
PY
)
    printf '%s %s %d\n' "$label" "$times" "$(du -sm "$target" | cut -f1)"
    rm -rf "$target"
}

if [[ $# -ge 1 ]]; then
    git -C "$root" worktree add -q --detach "$work/baseline" "$1"
    measure baseline-default "$work/baseline"
    git -C "$root" worktree remove --force "$work/baseline"
fi
measure default "$root"
measure all-features "$root" --all-features
