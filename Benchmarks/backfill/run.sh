#!/usr/bin/env bash
# Backfill benchmark: plain UPDATE vs a hand-written batched loop vs Slipway's backfill, each under the same
# concurrent workload, side by side in one run on a throwaway local PostgreSQL.
#   Benchmarks/backfill/run.sh [rows] [workload statements per second]
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product backfill-bench
.build/release/backfill-bench "${1:-1000000}" "${2:-400}"
