#!/usr/bin/env bash
# Runs every benchmark and prints machine-readable results (JSON) on stdout.
# Usage: bench/run.sh [BUILD_DIR] [which...]
#   which: synth, platform, scaleout, clone, uploads, streams, tls, auth, neural, watermark,
#   watermark_narrowband
#   (default: all but watermark_narrowband, which takes over half an hour)
set -euo pipefail
build_dir=${1:-build}
shift || true
which=${*:-synth platform scaleout clone uploads streams tls auth neural watermark}
for b in $which; do
  case "$b" in
    synth) "$build_dir/bench/vox_synth_bench" "$build_dir/src/cli/vox" "${VOX_BENCH_REPEATS:-5}" ;;
    platform) bash "$(dirname "$0")/platform.sh" "$build_dir" ;;
    scaleout) bash "$(dirname "$0")/scaleout.sh" "$build_dir" ;;
    clone) "$build_dir/bench/vox_clone_bench" && "$build_dir/bench/vox_clone_create_bench" ;;
    uploads) bash "$(dirname "$0")/uploads.sh" "$build_dir" ;;
    streams) bash "$(dirname "$0")/streams.sh" "$build_dir" ;;
    tls) bash "$(dirname "$0")/tls.sh" "$build_dir" ;;
    auth) bash "$(dirname "$0")/auth.sh" "$build_dir" ;;
    neural) bash "$(dirname "$0")/neural/run.sh" "$build_dir" ;;
    watermark) "$build_dir/bench/vox_watermark_bench" ;;
    watermark_narrowband) "$build_dir/bench/vox_watermark_narrowband_bench" ;;
    *) echo "unknown benchmark: $b" >&2; exit 2 ;;
  esac
done
