#!/usr/bin/env bash
# Builds Slipway's libFuzzer harnesses (instrumented with -sanitize=fuzzer,address) and runs each for a set time
# on its committed corpus (new inputs it finds are added to a scratch copy, not to the repository).
#   Fuzzing/run.sh [seconds per fuzzer, default 60] [fuzzer names…]
# A crash stops that fuzzer and leaves the input as Fuzzing/crashes/<fuzzer>/crash-…; the script exits 1.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
fuzzers=("$@")
if [ "${#fuzzers[@]}" -eq 0 ]; then
    fuzzers=(fuzz-migration-decoder fuzz-sql-tokenizer fuzz-commit-parser fuzz-semver)
fi
swift build -c release --scratch-path ../.build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld
bin="$(swift build -c release --scratch-path ../.build-fuzz --show-bin-path)"
status=0
for fuzzer in "${fuzzers[@]}"; do
    corpus="Corpus/$fuzzer"
    work="$(mktemp -d "/tmp/slipway-$fuzzer-XXXXXX")"
    mkdir -p "crashes/$fuzzer"
    cp -r "$corpus"/. "$work"/ 2>/dev/null || true
    echo "fuzz: $fuzzer for ${seconds}s (corpus $corpus: $(ls "$corpus" | wc -l) inputs)"
    if ! "$bin/$fuzzer" "$work" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="crashes/$fuzzer/" -print_final_stats=1 2>"/tmp/slipway-$fuzzer.log"; then
        echo "fuzz: $fuzzer FAILED — see crashes/$fuzzer and /tmp/slipway-$fuzzer.log" >&2
        tail -30 "/tmp/slipway-$fuzzer.log" >&2
        status=1
    else
        grep -E "stat::number_of_executed_units|stat::new_units_added|cov:" "/tmp/slipway-$fuzzer.log" | tail -3
    fi
    rm -rf "$work"
done
exit "$status"
