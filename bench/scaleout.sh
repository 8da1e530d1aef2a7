#!/usr/bin/env bash
# The scale-out benchmarks of bench/README.md, on loopback: PostgreSQL and Redis
# (AOF on) started here in a throw-away directory, one `vox api` and one or two
# `vox worker` processes (one thread each), and as the reference in the same
# run the embedded `vox serve` (SQLite, local queue) with one worker thread.
# Prints one JSON object:
#   throughput: audio seconds per wall second with 1 and 2 worker processes;
#   pickup: queue pick-up latency (created_at -> started_at) p50/p99, Redis vs local;
#   api: GET /v1/tts/job throughput and latency (wrk) and the submit round trip,
#        through PostgreSQL vs SQLite.
# Audio goes to a shared file:// directory: the figures are about the database
# and the queue (the S3 backend is measured by its own tests).
# Usage: bench/scaleout.sh [BUILD_DIR]   (VOX_BENCH_WRK_S: seconds per wrk run, default 10)
set -euo pipefail
build_dir=${1:-build}
vox=${VOX_BIN:-$build_dir/src/cli/vox}
driver=$build_dir/bench/vox_platform_bench
wrk_s=${VOX_BENCH_WRK_S:-10}
here=$(cd "$(dirname "$0")" && pwd)
pg_script=$here/../src/store/postgres/pg_test_server.sh
for tool in "$vox" "$driver" wrk redis-server jq python3; do
  command -v "$tool" > /dev/null || { echo "scaleout.sh: missing $tool" >&2; exit 2; }
done
source "$here/common.sh"

log "starting PostgreSQL and Redis"
pg_url=$(bash "$pg_script" start "$tmp/pg")
on_exit+=("bash '$pg_script' stop '$tmp/pg' 2> /dev/null")
redis_port=$(free_port)
mkdir -p "$tmp/redis"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$tmp/redis" --appendonly yes \
  --appendfsync everysec --save '' > "$tmp/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do redis-cli -p "$redis_port" ping > /dev/null 2>&1 && break; sleep 0.05; done
shared=(--database-url "$pg_url" --queue-url "redis://127.0.0.1:$redis_port/0"
        --storage-url "file://$tmp/blobs" --signing-secret "bench-secret-0123456789abcdef0123456789")

# start ROLE NAME ARGS...: sets pid (and port, key for roles that listen).
start() {
  local role=$1 name=$2 out="$tmp/$2.out"
  shift 2
  local listen=()
  [[ $role != worker ]] && listen=(--listen 127.0.0.1:0)
  "$vox" "$role" --data "$tmp/$name" "${listen[@]}" --log-level warn "$@" > "$out" 2> "$tmp/$name.err" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 200); do
    grep -qE '^vox: (listening on|worker running)' "$out" && break
    exited "$pid" && { cat "$tmp/$name.err" >&2; return 1; }
    sleep 0.05
  done
  if [[ $role != worker ]]; then
    port=$(sed -n 's|^vox: listening on http://127.0.0.1:\([0-9]*\)$|\1|p' "$out")
    key=$(grep -oE '^vox_[A-Za-z0-9_-]{40}$' "$out" | head -1)
    [[ -n "$port" && -n "$key" ]] || { log "vox $name did not start"; return 1; }
  fi
}

log "scale-out: vox api + 1 worker process"
start api api "${shared[@]}" --rate-limit 0 --max-queued-jobs-per-user 0
api_port=$port api_key=$key
start worker w1 "${shared[@]}" --workers 1
pickup_redis=$("$driver" pickup "$api_port" "$api_key" 200 redis)
tp1=$("$driver" throughput "$api_port" "$api_key" 96 32 one)
log "scale-out: + a second worker process"
start worker w2 "${shared[@]}" --workers 1
tp2=$("$driver" throughput "$api_port" "$api_key" 96 32 two)
job=$("$driver" make-job "$api_port" "$api_key")
wrk_pg=$(run_wrk "http://127.0.0.1:$api_port/v1/tts/job/$job" "$api_key")

log "reference: embedded vox serve (SQLite, local queue), 1 worker thread"
start serve embedded --workers 1 --rate-limit 0 --max-queued-jobs-per-user 0
pickup_local=$("$driver" pickup "$port" "$key" 200 local)
job=$("$driver" make-job "$port" "$key")
wrk_sqlite=$(run_wrk "http://127.0.0.1:$port/v1/tts/job/$job" "$key")

jq -n --argjson tp1 "$tp1" --argjson tp2 "$tp2" --argjson pr "$pickup_redis" \
  --argjson pl "$pickup_local" --argjson wpg "$wrk_pg" --argjson wsq "$wrk_sqlite" \
  --arg wrk_s "$wrk_s" --arg cores "$(nproc)" '
  {benchmark: "scaleout", cores: ($cores | tonumber),
   throughput: {worker_processes_1: $tp1, worker_processes_2: $tp2,
                ratio_2_vs_1: ($tp2.audio_s_per_wall_s / $tp1.audio_s_per_wall_s)},
   pickup: {redis: $pr.pickup_ms, local: $pl.pickup_ms},
   api: {tool: ("wrk -t2 -c64 -d" + $wrk_s + "s GET /v1/tts/job/ID"),
         postgresql: ($wpg + {submit_ms: $pr.submit_ms}),
         sqlite: ($wsq + {submit_ms: $pl.submit_ms}),
         ratio_get_rps_pg_vs_sqlite: ($wpg.requests_per_s / $wsq.requests_per_s)}}'
