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

out="$tmp/serve.out"
"$vox" serve --listen 127.0.0.1:0 --data "$tmp/data" --rate-limit 0 --log-level warn \
  > "$out" 2> "$tmp/serve.err" &
vox_pid=$!
pids+=("$vox_pid")
for _ in $(seq 200); do
  grep -q '^vox: listening on' "$out" && break
  exited "$vox_pid" && { cat "$tmp/serve.err" >&2; exit 1; }
  sleep 0.05
done
port=$(sed -n 's|^vox: listening on http://127.0.0.1:\([0-9]*\)$|\1|p' "$out")
key=$(grep -oE '^vox_[A-Za-z0-9_-]{40}$' "$out" | head -1)
python3 "$(dirname "$0")/streams_driver.py" "$port" "$key" "$concurrent"
