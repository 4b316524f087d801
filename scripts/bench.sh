#!/usr/bin/env bash
# Runs every benchmark and writes BENCHMARKS.md: the criterion benches of the workspace (ours
# next to each baseline, in one run), the credential cache at scale, and the compile-time
# benchmark (scripts/bench-compile.sh). Builds in release; takes minutes. Starts moto (see
# scripts/moto.sh) for the benches that need a DynamoDB endpoint.
#
#   bash scripts/bench.sh
#
# BENCH_MEASUREMENT_TIME and BENCH_WARM_UP_TIME (seconds per benchmark, default 3 and 1) and
# BENCH_COMPILE_RUNS (default 7) trade time for precision. BENCH_BUILD_BASELINE (default
# dd51962, the runtime before it became multi-service) is the commit whose default build the
# build-size measurement compares with.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/moto.sh"
cd "$SCOPED_ROOT"

command -v cargo >/dev/null || die "cargo is required: install Rust from https://rustup.rs"
command -v python3 >/dev/null || die "python3 is required to write the report"

measurement=${BENCH_MEASUREMENT_TIME:-3}
warm_up=${BENCH_WARM_UP_TIME:-1}
target=$(cargo metadata --format-version 1 --no-deps --locked |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
out="$target/bench-report"
# Results of this run only: a bench removed since the last run must not linger in the report.
rm -rf "$out/criterion"
mkdir -p "$out"
export CRITERION_HOME="$out/criterion"

ensure_moto
start_moto

echo "==> cargo bench (release build, then every bench target of the workspace)"
cargo bench --workspace --locked --bench '*' -- \
    --measurement-time "$measurement" --warm-up-time "$warm_up" --noplot 2>&1 |
    tee "$out/bench.log"

stop_moto

echo "==> fleet simulation (release; the credential cache on a simulated clock)"
cargo run --release --locked -p scoped-runtime --features test-util --example fleet 2>&1 |
    tee "$out/fleet.log"

echo "==> a throttling STS for 60 s with 500 warm roles (the cache's test on a simulated clock)"
cargo test --locked -p scoped-runtime --lib --features test-util \
    sixty_seconds_of_throttling_fail_no_request_of_500_warm_roles -- --nocapture 2>&1 |
    tee -a "$out/bench.log"

echo "==> build time and size: default features against the runtime before services, and all features"
bash scripts/build-size.sh "${BENCH_BUILD_BASELINE:-dd51962}" | tee "$out/build-size.log"

echo "==> compile-time benchmark"
bash scripts/bench-compile.sh

echo "==> writing BENCHMARKS.md"
python3 scripts/bench_report.py \
    --criterion "$CRITERION_HOME" \
    --log "$out/bench.log" \
    --compile "$out/compile.json" \
    --fleet "$out/fleet.log" \
    --build-size "$out/build-size.log" \
    --settings "${measurement} s measurement and ${warm_up} s warm-up per benchmark, 100 samples" \
    >BENCHMARKS.md.new
mv BENCHMARKS.md.new BENCHMARKS.md
echo "==> wrote BENCHMARKS.md"
