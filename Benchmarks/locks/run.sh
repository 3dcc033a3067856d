#!/usr/bin/env bash
# Lock-wait benchmark: the same representative migration (a column with a backfill, NOT NULL and a CHECK, a column
# with a foreign key, a unique constraint, an index) done as plain DDL and as Slipway start + complete, each on its
# own copy of the table under the same concurrent workload, side by side in one run on a throwaway local
# PostgreSQL. A sampler attributes every workload lock wait (pg_stat_activity + pg_blocking_pids, transitively,
# every few milliseconds) to the sessions that caused it.
#   Benchmarks/locks/run.sh [rows] [workload statements per second] [sample interval ms]
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --scratch-path .build-bench-rel --product lock-bench
.build-bench-rel/release/lock-bench "${1:-1000000}" "${2:-300}" "${3:-5}"
