#!/usr/bin/env bash
# Streaming routes (bench/README.md): time to first audio and total per route,
# then 16 concurrent native streams and the gaps between the chunks each
# client receives, against `vox serve` on loopback. Prints one JSON object.
# Usage: bench/streams.sh [BUILD_DIR] [CONCURRENT]
set -euo pipefail
build_dir=${1:-build}
concurrent=${2:-16}
vox="$build_dir/src/cli/vox"
source "$(dirname "$0")/common.sh"

start_vox_serve serve
python3 "$(dirname "$0")/streams_driver.py" "$vox_port" "$vox_key" "$concurrent"
