#!/usr/bin/env bash
# Streaming routes (bench/README.md): time to first audio of a 100-word text on every route
# against the Synthesizer in process (vox_first_audio_bench, same text and voice, this run),
# first audio and total for a long text, then CONCURRENT native streams and the gaps between
# the chunks each client receives, against `vox serve` (HTTP and Wyoming) on loopback.
# Prints one JSON object. Needs python3 and node with tests/services/node_modules (ws).
# Usage: bench/streams.sh [BUILD_DIR] [CONCURRENT=16] [REPEATS=$VOX_BENCH_REPEATS or 15]
set -euo pipefail
build_dir=${1:-build}
concurrent=${2:-16}
# 15 rounds (about 80 s): with 5, at a load average of 4-5 on the shared 2 cores, a route's
# best run still moved by 5-20 ms from one run of the bench to the next; 15 settle within ~3 ms.
repeats=${3:-${VOX_BENCH_REPEATS:-15}}
[[ "$repeats" =~ ^[1-9][0-9]*$ ]] || { echo "streams.sh: REPEATS must be a count >= 1" >&2; exit 2; }
here=$(dirname "$0")
vox="$build_dir/src/cli/vox"
text="$here/streams_text_100.txt"
source "$here/common.sh"
[[ -d "$here/../tests/services/node_modules/ws" ]] || {
  log "needs the ws package: bash tests/services/install.sh"
  exit 1
}

start_vox_serve serve --wyoming-listen 127.0.0.1:0
wyoming_port=$(sed -n 's|^vox: wyoming listening on tcp://127.0.0.1:\([0-9]*\)$|\1|p' "$tmp/serve.out")
[[ -n "$wyoming_port" ]] || { log "no Wyoming port in the server's output"; exit 1; }
timeout 900 python3 "$here/streams_driver.py" "$vox_port" "$vox_key" "$wyoming_port" "$text" \
  "$build_dir/bench/vox_first_audio_bench" "$concurrent" "$repeats"
