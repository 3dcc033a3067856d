#!/usr/bin/env bash
# Reproducible benchmark of `slipway lint` (the SQLLint library) against squawk, on the same generated files.
#
#   Benchmarks/lint/run.sh                      # 50,000 statements per file, squawk timeout 300 s
#   STATEMENTS=10000 SQUAWK_TIMEOUT=60 Benchmarks/lint/run.sh
#
# Builds the `sqllint-bench` executable in release mode, generates two deterministic files (plain safe
# statements; half of the statements findings), lints each (best of 3, file read included) and runs
# `squawk FILE` on the same file with a timeout. squawk comes from PyPI (`pip install squawk-cli`).
set -euo pipefail
cd "$(dirname "$0")/../.."

STATEMENTS="${STATEMENTS:-50000}"
SQUAWK_TIMEOUT="${SQUAWK_TIMEOUT:-300}"
OUT="${OUT:-${TMPDIR:-/tmp}/sqllint-bench}"
SQUAWK_VERSION="${SQUAWK_VERSION:-2.70.0}"

if ! command -v squawk >/dev/null 2>&1; then
    echo "squawk not found; installing squawk-cli==${SQUAWK_VERSION} with pip" >&2
    python3 -m pip install --quiet "squawk-cli==${SQUAWK_VERSION}" >&2 || echo "could not install squawk: comparison skipped" >&2
fi
SQUAWK="$(command -v squawk || echo none)"

swift build -c release --product sqllint-bench >&2
BIN="$(swift build -c release --show-bin-path)/sqllint-bench"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "swift: $(swift --version 2>&1 | head -1)"
if [ "$SQUAWK" != none ]; then echo "squawk: $("$SQUAWK" --version 2>&1 | head -1)"; fi
echo "command: $0 (STATEMENTS=$STATEMENTS SQUAWK_TIMEOUT=$SQUAWK_TIMEOUT)"
"$BIN" --statements "$STATEMENTS" --timeout "$SQUAWK_TIMEOUT" --squawk "$SQUAWK" --out "$OUT"
