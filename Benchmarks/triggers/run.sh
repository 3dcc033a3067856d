#!/usr/bin/env bash
# Dual-write trigger cost: a bulk UPDATE of every row with and without a migration's trigger (the trigger disabled
# for the "without" runs, so the table is the same), alternating, median of N runs; the cheapest PL/pgSQL row
# trigger (`RETURN NEW`) for reference. On a throwaway local PostgreSQL.
#   Benchmarks/triggers/run.sh [rows] [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --scratch-path .build-bench-rel --product trigger-bench
.build-bench-rel/release/trigger-bench "${1:-100000}" "${2:-7}"
