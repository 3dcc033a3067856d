#!/usr/bin/env bash
# Benchmarks/release/run.sh - time Slipway's release computation against git-cliff 2.14.2, side by side.
#
#   1. builds a synthetic Conventional-Commits repository with ../shared/tools/make_big_repo.sh
#      (default: 20,000 commits, a tag every 493 commits = 40 tags, 280 commits after the last tag)
#   2. builds `release-bench` (the Releases library driven like `slipway release`) in release mode
#   3. times, in one hyperfine run each:
#        a. `release-bench cut-dry-run`  vs  `git-cliff --bump --unreleased`
#        b. `release-bench changelog`    vs  `git-cliff`               (full changelog regeneration)
#
# Usage: Benchmarks/release/run.sh [WORKDIR]
# Env:   COMMITS (20000) TAG_EVERY (493) UNRELEASED (250) RUNS (10) WARMUP (2)
#        MAKE_BIG_REPO (path to make_big_repo.sh)  PACKAGE_DIR (Swift package with the release-bench product)
#        ANNOTATED=1 for annotated tags
# Needs: git, swift, git-cliff 2.14.2 (pip install git-cliff==2.14.2), hyperfine (optional; falls back to a loop).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PACKAGE_DIR=${PACKAGE_DIR:-$(cd "$HERE/../.." && pwd)}
MAKE_BIG_REPO=${MAKE_BIG_REPO:-$PACKAGE_DIR/../shared/tools/make_big_repo.sh}
WORKDIR=${1:-${TMPDIR:-/tmp}/slipway-release-bench}
COMMITS=${COMMITS:-20000}
TAG_EVERY=${TAG_EVERY:-493}
UNRELEASED=${UNRELEASED:-250}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
REPO=$WORKDIR/repo

command -v git-cliff >/dev/null || { echo "git-cliff not found: pip install git-cliff==2.14.2" >&2; exit 1; }
CLIFF_VERSION=$(git-cliff --version | awk '{print $2}')
[ "$CLIFF_VERSION" = "2.14.2" ] || echo "warning: git-cliff $CLIFF_VERSION (expected 2.14.2)" >&2

mkdir -p "$WORKDIR"
if [ ! -d "$REPO/.git" ]; then
  bash "$MAKE_BIG_REPO" "$REPO" "$COMMITS" "$TAG_EVERY" "$UNRELEASED"
fi
echo "repository: $(git -C "$REPO" rev-list --count HEAD) commits, $(git -C "$REPO" tag | wc -l) tags," \
     "$(git -C "$REPO" rev-list --count "$(git -C "$REPO" describe --tags --abbrev=0)"..HEAD) after $(git -C "$REPO" describe --tags --abbrev=0)"

(cd "$PACKAGE_DIR" && swift build -c release --product release-bench >/dev/null)
BENCH=$(cd "$PACKAGE_DIR" && swift build -c release --product release-bench --show-bin-path)/release-bench

echo "machine: $(nproc) cores, $(uname -sr), $(git --version), git-cliff $CLIFF_VERSION"
echo
echo "sanity: release-bench next -> $("$BENCH" next "$REPO")," \
     "git-cliff --bumped-version -> $(cd "$REPO" && git-cliff --bumped-version 2>/dev/null)"
echo

run_pair() {  # name ours theirs
  local name=$1 ours=$2 theirs=$3
  echo "== $name"
  if command -v hyperfine >/dev/null; then
    (cd "$REPO" && hyperfine --warmup "$WARMUP" --runs "$RUNS" --style basic \
      --export-markdown "$WORKDIR/$name.md" --export-json "$WORKDIR/$name.json" \
      -n slipway "$ours" -n git-cliff "$theirs")
  else
    for label in slipway git-cliff; do
      local cmd=$ours; [ "$label" = git-cliff ] && cmd=$theirs
      for _ in $(seq "$WARMUP"); do (cd "$REPO" && eval "$cmd" >/dev/null 2>&1); done
      local start end
      start=$(date +%s%N)
      for _ in $(seq "$RUNS"); do (cd "$REPO" && eval "$cmd" >/dev/null 2>&1); done
      end=$(date +%s%N)
      echo "$label: mean $(( (end - start) / RUNS / 1000000 )) ms over $RUNS runs"
    done
  fi
  echo
}

run_pair cut-dry-run "$BENCH cut-dry-run $REPO --quiet" "git-cliff --bump --unreleased -o /dev/null"
run_pair changelog "$BENCH changelog $REPO --quiet" "git-cliff -o /dev/null"
