#!/usr/bin/env bash
# Runs every benchmark and prints machine-readable results (JSON) on stdout.
# Usage: bench/run.sh [BUILD_DIR] [which...]   which: synth (default: all)
set -euo pipefail
build_dir=${1:-build}
shift || true
which=${*:-synth}
for b in $which; do
  case "$b" in
    synth) "$build_dir/bench/vox_synth_bench" "$build_dir/src/cli/vox" "${VOX_BENCH_REPEATS:-5}" ;;
    *) echo "unknown benchmark: $b" >&2; exit 2 ;;
  esac
done
