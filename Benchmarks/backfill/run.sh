#!/usr/bin/env bash
# Backfill benchmark: a no-migration baseline, one plain UPDATE, a hand-written batched loop and Slipway's
# backfill (default, 2 workers, fast mode), each under the same concurrent workload, side by side in one run
# on a throwaway local PostgreSQL; then throughput at several table sizes; then the latency-over-time PNG.
#   Benchmarks/backfill/run.sh [rows] [workload statements per second] [output directory]
# env: SCALE_SIZES="100000 1000000 5000000" (sizes of the scaling table; empty: skip it)
#      BACKFILL_BENCH_SCRATCH=DIR (SwiftPM scratch path of the release build; default .build-backfill-rel)
set -euo pipefail
cd "$(dirname "$0")/../.."
rows="${1:-1000000}"
rate="${2:-400}"
out="${3:-Benchmarks/backfill/results}"
mkdir -p "$out"
scratch="${BACKFILL_BENCH_SCRATCH:-.build-backfill-rel}"
swift build -c release --scratch-path "$scratch" --product backfill-bench
bench="$scratch/release/backfill-bench"
"$bench" compare "$rows" "$rate" "$out"
if [ -n "${SCALE_SIZES-100000 1000000 5000000}" ]; then
  # shellcheck disable=SC2086
  "$bench" scale "$out" ${SCALE_SIZES-100000 1000000 5000000}
fi
python3 Benchmarks/backfill/plot.py "$out/backfill-latency.csv" "$out/backfill-latency.png"
echo "report: $out/backfill-compare.md $out/backfill-scale.md $out/backfill-latency.png"
